/*
 * libFuzzer harness for the parsers of a SOCKS server's or an HTTP proxy's
 * reply (read_proxy_reply()): the first byte picks the protocol (SOCKS4,
 * the SOCKS5 hello, SOCKS5, HTTP CONNECT, HTTP with ignorecr), the rest is
 * the reply as the server sent it.  Checks what the parsers promise the
 * transfer that follows: they never read past the end of the reply they
 * accept, and an accepted reply has the shape of one.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "relay.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum proxy_proto protos[] = { PROTO_SOCKS4,
	    PROTO_SOCKS5_HELLO, PROTO_SOCKS5, PROTO_HTTP, PROTO_HTTP };
	struct reply_src src;
	struct addr a;
	int which;

	if (size < 1)
		return 0;
	which = data[0] % 5;
	memset(&a, 0, sizeof(a));
	a.set.ignorecr = which == 4;
	memset(&src, 0, sizeof(src));
	src.fd = -1;
	src.buf = data + 1;
	src.len = size - 1;
	src.request = "CONNECT fuzz:1";
	if (read_proxy_reply(protos[which], &src, &a) == 0) {
		if (src.off > src.len)
			abort();
		switch (protos[which]) {
		case PROTO_SOCKS4:
			if (src.off != 8 || src.buf[1] != 90)
				abort();
			break;
		case PROTO_SOCKS5_HELLO:
			if (src.off != 2 || src.buf[0] != 5 || src.buf[1] != 0)
				abort();
			break;
		case PROTO_SOCKS5:
			/* Its length is the address type's, and no more. */
			if (src.off < 7 || src.buf[0] != 5 || src.buf[1] != 0 ||
			    src.off != (src.buf[3] == 1 ? 10 : src.buf[3] == 4 ?
			    22 : src.buf[3] == 3 ? 7 + (size_t)src.buf[4] : 0))
				abort();
			break;
		case PROTO_HTTP:
			/* It ends at the empty line, "\n" last. */
			if (src.off < 4 || src.buf[src.off - 1] != '\n' ||
			    memcmp(src.buf, "HTTP/1.", 7) != 0)
				abort();
			break;
		}
	}
	return 0;
}
