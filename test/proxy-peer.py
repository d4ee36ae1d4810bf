#!/usr/bin/env python3
# A scripted SOCKS4/4A, SOCKS5 or HTTP CONNECT server for relay's proxy
# scenarios (test/43-*): it reads each client's request to its exact end as
# the protocol defines it, writes it as hex (one line per connection) to
# DIR/NAME.req, answers with the reply given (hostile ones included), and
# then echoes the client's data until EOF.  It listens on 127.0.0.1 only and
# serves one connection after the other, each as the file DIR/case says
# when the connection comes (so one process, started once, serves every
# case of a scenario: python starts slowly on a loaded machine):
#
#	proxy-peer.py PORT DIR
#	DIR/case: NAME PROTO REPLY [HOW]	(REPLY "-": none)
#
# PROTO: socks4, socks5 or http.  REPLY: the reply as hex; for socks5
# "HELLO/REPLY" (the answer to the hello, then to the request; with no
# "/", the hello is answered 0500 and REPLY is the second).  HOW:
#	echo	write REPLY at once, then echo (the default)
#	split	write REPLY a byte at a time, 20 ms apart, then echo
#	close	write REPLY, then close without reading more
#	hold	write REPLY, then keep the connection open, silent, until the
#		client closes it
# Prints "ready" once it listens.
import socket
import sys
import time


def read_exact(c, n):
    data = b""
    while len(data) < n:
        chunk = c.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_until(c, end, limit=65536):
    data = b""
    while not data.endswith(end):
        data += read_exact(c, 1)
        if len(data) > limit:
            raise EOFError
    return data


def socks4_request(c):
    head = read_exact(c, 8)
    req = head + read_until(c, b"\0")       # the user id
    if head[4:7] == b"\0\0\0" and head[7] != 0:
        req += read_until(c, b"\0")         # SOCKS4A: the host name
    return req


def socks5_request(c):
    head = read_exact(c, 4)
    if head[3] == 1:
        rest = read_exact(c, 4 + 2)
    elif head[3] == 4:
        rest = read_exact(c, 16 + 2)
    else:
        n = read_exact(c, 1)
        rest = n + read_exact(c, n[0] + 2)
    return head + rest


def send(c, data, how):
    if how == "split":
        for b in data:
            c.sendall(bytes([b]))
            time.sleep(0.02)
    else:
        c.sendall(data)


def serve(c, proto, reply, how, out):
    req = b""
    try:
        if proto == "socks4":
            req = socks4_request(c)
            send(c, reply, how)
        elif proto == "socks5":
            hello_reply, reply2 = reply
            head = read_exact(c, 2)
            req = head + read_exact(c, head[1])
            send(c, hello_reply, how)
            if hello_reply == b"\x05\x00":
                req += b"/" + socks5_request(c)
                send(c, reply2, how)
        else:
            req = read_until(c, b"\r\n\r\n")
            send(c, reply, how)
    except (EOFError, OSError):
        pass
    out.write(req.hex() + "\n")
    out.flush()
    if how == "close":
        return
    try:
        while True:
            data = c.recv(65536)
            if not data:
                break
            if how != "hold":
                c.sendall(data)
    except OSError:
        pass


def main():
    port, casedir = sys.argv[1:3]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(port)))
    ls.listen(8)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        with open(casedir + "/case") as f:
            words = f.read().split()
        name, proto, reply = words[:3]
        how = words[3] if len(words) > 3 else "echo"
        if reply == "-":
            reply = ""
        if proto == "socks5":
            h, _, r = reply.rpartition("/")
            reply = (bytes.fromhex(h or "0500"), bytes.fromhex(r))
        else:
            reply = bytes.fromhex(reply)
        with open(casedir + "/" + name + ".req", "a") as out:
            serve(c, proto, reply, how, out)
        c.close()


main()
