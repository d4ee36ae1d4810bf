/*
 * Unit test for relay's lexer, value parsers and tables, linked against
 * relay.c built with -DRELAY_NO_MAIN.  Prints one "ok"/"not ok" line per
 * assertion, as the shell scenarios do, and exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <sys/socket.h>
#include "relay.h"

#if defined(__linux__) && defined(AF_VSOCK)
#include <sys/socket.h>
#endif

static int failures;

static void
check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

/* Lexes one token of in up to ends; checks the token and the rest. */
static void
lex_case(const char *in, const char *ends, const char *tok, const char *rest)
{
	const char *s = in, *err = NULL;
	char *got = lex_token(&s, ends, &err);
	char what[256];

	snprintf(what, sizeof(what), "lex \"%s\" -> \"%s\" rest \"%s\"", in,
	    tok ? tok : "(error)", rest ? rest : "");
	if (tok == NULL)
		check(got == NULL && err != NULL, what);
	else
		check(got != NULL && strcmp(got, tok) == 0 && strcmp(s, rest) == 0,
		    what);
	free(got);
}

/* Parses text; checks success and, if given, the type and parameters. */
static void
parse_case(const char *text, int ok, const char *type, const char *p0,
    const char *p1)
{
	struct addr a;
	char what[256];
	int rc = parse_address(text, &a);

	snprintf(what, sizeof(what), "parse \"%s\" %s", text,
	    ok ? "succeeds" : "fails");
	if (!ok) {
		check(rc == -1, what);
		if (rc == 0)
			free_address(&a);
		return;
	}
	check(rc == 0 && strcmp(a.type->name, type) == 0 &&
	    (p0 == NULL || (a.nparams > 0 && strcmp(a.params[0], p0) == 0)) &&
	    (p1 == NULL || (a.nparams > 1 && strcmp(a.params[1], p1) == 0)), what);
	if (rc == 0)
		free_address(&a);
}

/*
 * Parses range text; checks the network and the mask it gives (as
 * inet_ntop() writes them), or with net NULL that it is refused.
 */
static void
range_case(const char *text, const char *net, const char *mask)
{
	struct addr a;
	char what[256], gnet[INET6_ADDRSTRLEN], gmask[INET6_ADDRSTRLEN];
	int rc;

	memset(&a, 0, sizeof(a));
	rc = parse_range(text, &a);
	snprintf(what, sizeof(what), "range \"%s\" -> %s%s%s", text,
	    net ? net : "refused", net ? " mask " : "", net ? mask : "");
	if (net == NULL) {
		check(rc == -1, what);
		return;
	}
	check(rc == 0 && inet_ntop(a.range_family, a.range_net, gnet,
	    sizeof(gnet)) != NULL && inet_ntop(a.range_family, a.range_mask,
	    gmask, sizeof(gmask)) != NULL && strcmp(gnet, net) == 0 &&
	    strcmp(gmask, mask) == 0, what);
}

/*
 * Parses TUN's parameter text; checks the address and the netmask it
 * gives, or with ip NULL that it is refused.
 */
static void
if_addr_case(const char *text, const char *ip, const char *mask)
{
	struct in_addr gip, gmask;
	char what[256], sip[INET_ADDRSTRLEN], smask[INET_ADDRSTRLEN];
	int rc = parse_if_addr(text, &gip, &gmask);

	snprintf(what, sizeof(what), "TUN address \"%s\" -> %s%s%s", text,
	    ip ? ip : "refused", ip ? " netmask " : "", ip ? mask : "");
	if (ip == NULL) {
		check(rc == -1, what);
		return;
	}
	check(rc == 0 && inet_ntop(AF_INET, &gip, sip, sizeof(sip)) != NULL &&
	    inet_ntop(AF_INET, &gmask, smask, sizeof(smask)) != NULL &&
	    strcmp(sip, ip) == 0 && strcmp(smask, mask) == 0, what);
}

int
main(void)
{
	struct addr a;
	unsigned short port;
	double t;
	size_t i;
	int v, devnull;

	/* Line by line: a sanitizer's exit keeps what was checked so far. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The lexer, the way socat splits addresses. */
	lex_case("TCP:host:80", ":,", "TCP", ":host:80");
	lex_case("host:80,fork", ":,", "host", ":80,fork");
	lex_case("[::1]:80", ":,", "[::1]", ":80");
	lex_case("'a:b,c':d", ":,", "a:b,c", ":d");
	lex_case("\"a:b\\\"c\":d", ":,", "a:b\"c", ":d");
	lex_case("a\\:b:c", ":,", "a:b", ":c");
	lex_case("(a:b,c)x,y", ":,", "(a:b,c)x", ",y");
	lex_case("{a,[b:c]}:d", ":,", "{a,[b:c]}", ":d");
	lex_case("'\\':x", ":,", "\\", ":x");
	lex_case("", ":,", "", "");
	lex_case("'abc", ":,", NULL, NULL);
	lex_case("\"abc", ":,", NULL, NULL);
	lex_case("[::1", ":,", NULL, NULL);
	lex_case("abc\\", ":,", NULL, NULL);

	/* Value parsers. */
	check(parse_port("80", 0, &port) == 0 && port == 80, "port 80");
	check(parse_port("65535", 0, &port) == 0 && port == 65535, "port 65535");
	check(parse_port("0", 1, &port) == 0 && port == 0, "port 0 for a listener");
	check(parse_port("0", 0, &port) == -1, "port 0 refused for connect");
	check(parse_port("65536", 0, &port) == -1, "port 65536 refused");
	check(parse_port("99999", 0, &port) == -1, "port 99999 refused");
	check(parse_port("1x", 1, &port) == -1, "port 1x refused");
	check(parse_port("", 1, &port) == -1, "empty port refused");
	check(parse_port("-1", 1, &port) == -1, "port -1 refused");
	check(parse_time("0.5", &t) == 0 && t == 0.5, "time 0.5");
	check(parse_time("30", &t) == 0 && t == 30, "time 30");
	check(parse_time("abc", &t) == -1, "time abc refused");
	check(parse_time("-1", &t) == -1, "negative time refused");
	check(parse_time("nan", &t) == -1, "time nan refused");
	check(parse_time("", &t) == -1, "empty time refused");
	check(parse_time(".25", &t) == 0 && t == 0.25, "time .25");
	check(parse_time("1.", &t) == 0 && t == 1, "time 1.");
	check(parse_time(".", &t) == -1, "time . refused");
	check(parse_time("1e2", &t) == -1, "time 1e2 refused");
	check(parse_time("1.5.2", &t) == -1, "time 1.5.2 refused");
	check(parse_time("2000000000", &t) == -1, "time over 10^9 refused");
	check(parse_int("12", &v) == 0 && v == 12, "int 12");
	check(parse_int("1.5", &v) == -1, "int 1.5 refused");
	check(parse_int("99999999999", &v) == -1, "int overflow refused");

	/*
	 * range=: a prefix that is no whole number of bytes masks inside a
	 * byte; the network keeps only the bits of its mask.
	 */
	range_case("127.0.0.128/25", "127.0.0.128", "255.255.255.128");
	range_case("127.0.0.129/25", "127.0.0.128", "255.255.255.128");
	range_case("127.0.0.1/31", "127.0.0.0", "255.255.255.254");
	range_case("10.200.0.0/9", "10.128.0.0", "255.128.0.0");
	range_case("127.0.0.1/8", "127.0.0.0", "255.0.0.0");
	range_case("127.0.0.1/32", "127.0.0.1", "255.255.255.255");
	range_case("127.0.0.1", "127.0.0.1", "255.255.255.255");
	range_case("1.2.3.4/0", "0.0.0.0", "0.0.0.0");
	range_case("127.0.0.129:255.255.255.128", "127.0.0.128", "255.255.255.128");
	range_case("127.0.0.1:255.255.255.254", "127.0.0.0", "255.255.255.254");
	range_case("[::2]/127", "::2", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	range_case("[::3]/127", "::2", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	range_case("[fe80::1]/10", "fe80::", "ffc0::");
	range_case("[2001:db8:abcd::]/33", "2001:db8:8000::", "ffff:ffff:8000::");
	range_case("[::1]", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	range_case("localhost:255.255.255.255", "127.0.0.1", "255.255.255.255");
	range_case("localhost/8", "127.0.0.0", "255.0.0.0");
	range_case("127.0.0.0/33", NULL, NULL);
	range_case("127.0.0.0/-1", NULL, NULL);
	range_case("127.0.0.0/", NULL, NULL);
	range_case("127.0.0.0:255.255.255", NULL, NULL);
	range_case("[::1]/129", NULL, NULL);
	range_case("[::1]:ffff::", NULL, NULL);
	range_case("[::1", NULL, NULL);
	range_case("[localhost]/8", NULL, NULL);
	range_case("/8", NULL, NULL);
	range_case("", NULL, NULL);

	/* Tables: sorted, names unique, lookups case-insensitive and by alias. */
	for (i = 1; i < n_addr_types; i++)
		if (strcasecmp(addr_types[i - 1].name, addr_types[i].name) >= 0)
			break;
	check(i == n_addr_types, "address types sorted by name");
	for (i = 1; i < n_opt_descs; i++)
		if (strcasecmp(opt_descs[i - 1].name, opt_descs[i].name) >= 0)
			break;
	check(i == n_opt_descs, "options sorted by name");
	check(find_addr_type("tcp-l") == find_addr_type("TCP-LISTEN"), "TCP-L alias");
	check(find_addr_type("tcp-connect") == find_addr_type("TCP"), "TCP-CONNECT alias");
	check(find_addr_type("-") == find_addr_type("STDIO"), "- is STDIO");
	check(find_addr_type("unix") == find_addr_type("UNIX-CLIENT"), "UNIX alias");
	check(find_addr_type("TCP-LISTE") == NULL, "no prefix matching");
	check(find_option("SO-REUSEADDR") == find_option("reuseaddr"), "option alias");
	check(find_option("nope") == NULL, "unknown option");
	for (i = 0; i < n_opt_descs; i++)
		if (opt_descs[i].groups == 0)
			break;
	check(i == n_opt_descs, "every option belongs to a group");

	/* Whole addresses; errors are logged, so send them to /dev/null. */
	devnull = open("/dev/null", O_WRONLY);
	fflush(stdout);
	if (devnull >= 0)
		dup2(devnull, 2);
	parse_case("TCP:localhost:80", 1, "TCP", "localhost", "80");
	parse_case("tcp4-listen:6379,fork,reuseaddr", 1, "TCP4-LISTEN", "6379", NULL);
	parse_case("TCP6:[::1]:80", 1, "TCP6", "[::1]", "80");
	parse_case("\"TCP\":127.0.0.1:80", 1, "TCP", "127.0.0.1", "80");
	parse_case("\"TCP:127.0.0.1:80\"", 0, NULL, NULL, NULL);
	parse_case("TCP:h:80,,=3,", 1, "TCP", "h", "80");
	parse_case("TCP:'127.0.0.1':80", 1, "TCP", "127.0.0.1", "80");
	parse_case("UNIX-LISTEN:/tmp/a\\,b,mode=600", 1, "UNIX-LISTEN", "/tmp/a,b", NULL);
	parse_case("-", 1, "STDIO", NULL, NULL);
	parse_case("STDIO,", 1, "STDIO", NULL, NULL);
	parse_case("TCP:localhost", 0, NULL, NULL, NULL);
	parse_case("TCP:a:1:2", 0, NULL, NULL, NULL);
	parse_case("FOO:1", 0, NULL, NULL, NULL);
	parse_case("TCP:h:80,foo", 0, NULL, NULL, NULL);
	parse_case("TCP:h:80,backlog=5", 0, NULL, NULL, NULL);
	parse_case("UNIX-CONNECT:/x,nodelay", 0, NULL, NULL, NULL);
	parse_case("STDIO,fork", 0, NULL, NULL, NULL);
	parse_case("UNIX-LISTEN:/x,bind=/y", 0, NULL, NULL, NULL);
	parse_case("UNIX-CONNECT:/x,bind=/y", 1, "UNIX-CONNECT", "/x", NULL);
	parse_case("TCP:h:80,connect-timeout=abc", 0, NULL, NULL, NULL);
	parse_case("TCP-LISTEN:1,fork=x", 0, NULL, NULL, NULL);
	/* A numeric option without a value means 1, as in socat. */
	parse_case("TCP-LISTEN:1,backlog", 1, "TCP-LISTEN", "1", NULL);
	v = parse_address("TCP-LISTEN:1,backlog", &a);
	check(v == 0 && a.set.backlog == 1, "parse \"TCP-LISTEN:1,backlog\": backlog 1");
	if (v == 0)
		free_address(&a);
	parse_case("TCP-LISTEN:1x", 0, NULL, NULL, NULL);
	parse_case("TCP-LISTEN:1,max-children=2", 0, NULL, NULL, NULL);
	parse_case("TCP-LISTEN:1,max-children=2,fork", 1, "TCP-LISTEN", "1", NULL);
	parse_case("TCP:h:99999", 0, NULL, NULL, NULL);
	parse_case("UNIX-LISTEN:/x,mode=999", 0, NULL, NULL, NULL);
	parse_case("TCP:'h:80", 0, NULL, NULL, NULL);
	parse_case("TCP6:[::1:80", 0, NULL, NULL, NULL);

	check(parse_address("TCP-LISTEN:80,fork,max-children=3,backlog=9,"
	    "reuseaddr,keepalive=0", &a) == 0 && a.set.fork == 1 &&
	    a.set.max_children == 3 && a.set.backlog == 9 && a.port == 80 &&
	    a.nsockopts == 2 && a.sockopts[1].value == 0,
	    "options land in settings and socket options");
	free_address(&a);
	check(parse_address("UNIX-LISTEN:/x,mode=660,unlink-early", &a) == 0 &&
	    a.set.mode == 0660 && a.set.unlink_early == 1, "mode is octal");
	free_address(&a);
	check(parse_address("TCP:h:80,connect-timeout=2.5,bind=[::1]", &a) == 0 &&
	    a.set.connect_timeout == 2.5 && strcmp(a.set.bind, "[::1]") == 0,
	    "time and string options");
	free_address(&a);

	/* Through a SOCKS server or proxy: its port, and the target's. */
	check(parse_address("SOCKS4:s:h:80", &a) == 0 && a.port == 1080 &&
	    a.target_port == 80, "SOCKS4: the server on 1080");
	free_address(&a);
	check(parse_address("SOCKS:s:h:80,socksport=9050,socksuser=u", &a) == 0 &&
	    a.port == 9050 && a.target_port == 80 &&
	    strcmp(a.set.socksuser, "u") == 0, "SOCKS: socksport, socksuser");
	free_address(&a);
	check(parse_address("SOCKS5:s:1081:h:22,socksport=9", &a) == 0 &&
	    a.port == 1081 && a.target_port == 22 && a.nparams == 4,
	    "SOCKS5: the port parameter wins over socksport");
	free_address(&a);
	check(parse_address("SOCKS5-BIND:s:h:22", &a) == 0 &&
	    strcmp(a.type->name, "SOCKS5-LISTEN") == 0 && a.port == 1080,
	    "SOCKS5-BIND is SOCKS5-LISTEN");
	free_address(&a);
	check(parse_address("SOCKS5-CONNECT:s:h:22", &a) == 0 && a.port == 1080 &&
	    a.target_port == 22 && a.nparams == 3, "SOCKS5-CONNECT: three parameters");
	free_address(&a);
	check(parse_address("PROXY:p:h:443,proxyport=3128,resolve,"
	    "proxyauth=a:b,http-version=1.1,ignorecr", &a) == 0 &&
	    a.port == 3128 && a.target_port == 443 && a.set.proxy_resolve &&
	    a.set.ignorecr && strcmp(a.set.proxyauth, "a:b") == 0 &&
	    strcmp(a.set.http_version, "1.1") == 0, "PROXY: its options");
	free_address(&a);
	check(parse_address("PROXY-CONNECT:p:h:443", &a) == 0 && a.port == 8080,
	    "PROXY-CONNECT: the proxy on 8080");
	free_address(&a);
	{
		/* A port 0, an option of the other group, a wrong count. */
		static const char *const refused[] = { "SOCKS4:s:h:0",
		    "SOCKS4:s:h:80,socksport=0", "SOCKS4:s:h:80,proxyport=1",
		    "PROXY:p:h:80,socksuser=u", "TCP:h:80,socksport=1",
		    "SOCKS5:s:h", "SOCKS5:s:1:h:2:x", "SOCKS4A:s:h:80:1",
		    "PIPE:a:b" };
		size_t i;

		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			parse_case(refused[i], 0, NULL, NULL, NULL);
	}

	check(parse_address("TCP:h:1,pf=ip6", &a) == 0 && a.family == AF_INET6,
	    "pf=ip6");
	free_address(&a);
	check(parse_address("TCP:h:1,protocol-family=2", &a) == 0 &&
	    a.family == AF_INET, "protocol-family=2 is ip4");
	free_address(&a);
	parse_case("TCP:h:1,pf=ip5", 0, NULL, NULL, NULL);
	parse_case("UNIX-CONNECT:/x,pf=ip4", 0, NULL, NULL, NULL);

#ifdef __linux__
	/*
	 * TUN's parameter: the host part stays (it is the interface's own
	 * address), socat's two spellings of the netmask.
	 */
	if_addr_case("10.255.255.1/24", "10.255.255.1", "255.255.255.0");
	if_addr_case("192.168.7.9/32", "192.168.7.9", "255.255.255.255");
	if_addr_case("10.1.2.3/0", "10.1.2.3", "0.0.0.0");
	if_addr_case("10.1.2.3/9", "10.1.2.3", "255.128.0.0");
	if_addr_case("10.0.0.1:255.255.0.0", "10.0.0.1", "255.255.0.0");
	if_addr_case("localhost/8", "127.0.0.1", "255.0.0.0");
	if_addr_case("10.0.0.1", NULL, NULL);		/* socat: no delimiter */
	if_addr_case("10.0.0.1/33", NULL, NULL);
	if_addr_case("10.0.0.1/-1", NULL, NULL);
	if_addr_case("10.0.0.1/", NULL, NULL);
	if_addr_case("10.0.0.1/2x", NULL, NULL);
	if_addr_case("10.0.0.1:255.255", NULL, NULL);
	if_addr_case("/24", NULL, NULL);
	if_addr_case("", NULL, NULL);

	/* TUN, INTERFACE and POSIXMQ: their parameters and options. */
	parse_case("TUN", 1, "TUN", NULL, NULL);
	parse_case("TUN:10.0.0.1/24,iff-up,tun-name=tun9,tun-type=tap", 1,
	    "TUN", "10.0.0.1/24", NULL);
	parse_case("TUN:a:b", 0, NULL, NULL, NULL);
	parse_case("TUN,nodelay", 0, NULL, NULL, NULL);
	parse_case("TUN,mq-prio=1", 0, NULL, NULL, NULL);
	parse_case("INTERFACE:eth0,iff-promisc", 1, "INTERFACE", "eth0", NULL);
	parse_case("IF:eth0", 1, "INTERFACE", "eth0", NULL);
	parse_case("INTERFACE", 0, NULL, NULL, NULL);
	parse_case("INTERFACE:eth0,tun-name=x", 0, NULL, NULL, NULL);
	parse_case("POSIXMQ:/q", 1, "POSIXMQ-BIDIRECTIONAL", "/q", NULL);
	parse_case("POSIXMQ-RECV:/q,fork,max-children=2", 1, "POSIXMQ-RECEIVE",
	    "/q", NULL);
	parse_case("POSIXMQ-WRITE:/q,mq-prio=3", 1, "POSIXMQ-SEND", "/q", NULL);
	parse_case("POSIXMQ-READ:/q,fork", 0, NULL, NULL, NULL);
	parse_case("POSIXMQ-SEND", 0, NULL, NULL, NULL);
	parse_case("POSIXMQ-SEND:/q,iff-up", 0, NULL, NULL, NULL);
	check(parse_address("TUN,iff-up,iff-noarp=0,up=0,promisc,no-pi", &a) == 0 &&
	    a.set.iff_set == IFF_PROMISC && a.set.iff_clr == (IFF_NOARP | IFF_UP) &&
	    a.set.no_pi == 1, "iff-*: =0 clears, the last word wins");
	free_address(&a);
	check(parse_address("POSIXMQ-SEND:/q,posixmq-priority=7,mq-maxmsg=5,"
	    "mq-msgsize=64,mq-flush", &a) == 0 && a.set.mq_prio == 7 &&
	    a.set.mq_maxmsg == 5 && a.set.mq_msgsize == 64 && a.set.mq_flush,
	    "POSIXMQ: its options");
	free_address(&a);
	/* unlink-close: -1 (the type's default) until it is given. */
	check(parse_address("POSIXMQ-READ:/q", &a) == 0 && a.set.unlink_close == -1,
	    "unlink-close unset is -1");
	free_address(&a);
	check(parse_address("POSIXMQ-READ:/q,unlink-close", &a) == 0 &&
	    a.set.unlink_close == 1, "unlink-close given is 1");
	free_address(&a);
#endif

	/* VSOCK context ids and ports: C numbers modulo 2^32, as socat. */
	{
		unsigned v = 0;

		check(parse_vsock_number("3", "cid", &v) == 0 && v == 3, "vsock: 3");
		check(parse_vsock_number("0x10", "port", &v) == 0 && v == 16,
		    "vsock: 0x10 is 16");
		check(parse_vsock_number("-1", "cid", &v) == 0 && v == 0xffffffffU,
		    "vsock: -1 is VMADDR_CID_ANY");
		check(parse_vsock_number("", "port", &v) == -1, "vsock: empty");
		check(parse_vsock_number("1x", "port", &v) == -1, "vsock: 1x");
	}
#if defined(__linux__) && defined(AF_VSOCK)
	{
		struct sockaddr_storage ss;
		/* The kernel's layout: family, reserved, port, cid. */
		const unsigned char *b = (const unsigned char *)&ss;
		unsigned port, cid;
		socklen_t len = vsock_sockaddr(&ss, "2", "5000");

		memcpy(&port, b + 4, 4);
		memcpy(&cid, b + 8, 4);
		check(len == 16 && ss.ss_family == AF_VSOCK && port == 5000 &&
		    cid == 2, "vsock_sockaddr: cid 2, port 5000, 16 bytes");
		len = vsock_sockaddr(&ss, NULL, "7");
		memcpy(&port, b + 4, 4);
		memcpy(&cid, b + 8, 4);
		check(len == 16 && port == 7 && cid == 0xffffffffU,
		    "vsock_sockaddr: a listener's cid is any");
		check(vsock_sockaddr(&ss, "x", "7") == 0, "vsock_sockaddr: bad cid");
	}
#endif

	/* socat's bytes notation, for SOCKET-* addresses and setsockopt=. */
	{
		unsigned char b[32];
		size_t n = 0;
		int i = 0;
		short sh = 0;

		/* Inputs that give exactly these bytes. */
		static const struct {
			const char *in, *want;
			size_t n;
			const char *name;
		} same[] = {
			{ "x00507f000001", "\x00\x50\x7f\x00\x00\x01", 6,
			    "bytes: x00507f000001 is 6 bytes" },
			{ "x0050 7F000001x00", "\x00\x50\x7f\x00\x00\x01\x00", 7,
			    "bytes: a bare item continues the hex, upper case too" },
			{ "\"/tmp/s\\0\"", "/tmp/s", 7, "bytes: a string with \\0" },
			{ "'a'\"\\n\\x\"", "a\nx", 3, "bytes: a character, escapes" },
			{ "", "", 0, "bytes: empty is none" },
		};
		/* Inputs refused, with the room given. */
		static const struct {
			const char *in;
			size_t room;
			const char *name;
		} refused[] = {
			{ "x123", 32, "bytes: odd hex digits refused" },
			{ "x00zz", 32, "bytes: garbage after hex refused" },
			{ "/tmp/sock", 32, "bytes: a bare path refused (no kind)" },
			{ "\"open", 32, "bytes: unterminated string refused" },
			{ "\"ab\\", 32, "bytes: trailing backslash refused" },
			{ "'ab'", 32, "bytes: two characters in quotes refused" },
			{ "x000102", 2, "bytes: longer than the buffer refused" },
			{ "i1 i2", 6, "bytes: an int that does not fit refused" },
		};
		size_t k;

		for (k = 0; k < sizeof(same) / sizeof(same[0]); k++)
			check(parse_bytes(same[k].in, b, sizeof(b), &n) == 0 &&
			    n == same[k].n && memcmp(b, same[k].want, n) == 0,
			    same[k].name);
		for (k = 0; k < sizeof(refused) / sizeof(refused[0]); k++)
			check(parse_bytes(refused[k].in, b, refused[k].room, &n) == -1,
			    refused[k].name);
		check(parse_bytes("512", b, sizeof(b), &n) == 0 &&
		    n == sizeof(int) && (memcpy(&i, b, sizeof(i)), i == 512),
		    "bytes: a bare number is an int");
		check(parse_bytes("s-2 B7", b, sizeof(b), &n) == 0 &&
		    n == sizeof(short) + 1 && (memcpy(&sh, b, sizeof(sh)),
		    sh == -2) && b[2] == 7, "bytes: a short and a byte");
	}
	{
		struct sockaddr_storage ss;
		const struct sockaddr_in *sin = (const void *)&ss;

		check(generic_sockaddr(&ss, AF_INET, "x1f907f000001x0000000000000000")
		    == sizeof(struct sockaddr_in) && sin->sin_family == AF_INET &&
		    ntohs(sin->sin_port) == 8080 &&
		    ntohl(sin->sin_addr.s_addr) == 0x7f000001,
		    "generic_sockaddr: 127.0.0.1:8080 as bytes");
		check(generic_sockaddr(&ss, AF_UNIX, "\"x\\0\"") == 4 &&
		    ss.ss_family == AF_UNIX, "generic_sockaddr: a UNIX path");
		check(generic_sockaddr(&ss, 2, "x1") == 0,
		    "generic_sockaddr: malformed");
	}
	{
		int proto = -1;

		check(parse_ip_protocol("254", &proto) == 0 && proto == 254,
		    "ip protocol 254");
		check(parse_ip_protocol("0x11", &proto) == 0 && proto == 17,
		    "ip protocol 0x11");
		check(parse_ip_protocol("256", &proto) == -1, "ip protocol 256");
		check(parse_ip_protocol("-1", &proto) == -1, "ip protocol -1");
		check(parse_ip_protocol("udp", &proto) == -1, "ip protocol name");
	}
	parse_case("IP4-SENDTO:127.0.0.1:254", 1, "IP4-SENDTO", "127.0.0.1", "254");
	parse_case("IP:[::1]:200", 1, "IP-SENDTO", "[::1]", "200");
	parse_case("IP6-RECVFROM:58,bind=[::1],range=[::1]/128", 1,
	    "IP6-RECVFROM", "58", NULL);
	parse_case("IP4-RECV:300", 0, NULL, NULL, NULL);
	parse_case("IP4-DATAGRAM:1.2.3.4", 0, NULL, NULL, NULL);
	parse_case("IP4-SENDTO:h:1,fork", 0, NULL, NULL, NULL);
	check(parse_address("IP4-DATAGRAM:h:0x2f,ttl=3", &a) == 0 &&
	    a.protocol == 47 && a.type->kind == K_SENDTO, "IP4-DATAGRAM protocol");
	free_address(&a);
	parse_case("SOCKET-CONNECT:2:6:x00507f000001x0000000000000000", 1,
	    "SOCKET-CONNECT", "2", "6");
	parse_case("SOCKET-LISTEN:1:0:\"/tmp/x\",so-type=5", 1, "SOCKET-LISTEN",
	    "1", "0");
	parse_case("DATAGRAM:2:2:17:x00", 1, "SOCKET-DATAGRAM", "2", "2");
	parse_case("SENDTO:2:2:17", 0, NULL, NULL, NULL);
	check(parse_address("SOCKET-LISTEN:2:6:x0050x00000000,"
	    "range=x0000x7f000000:x0000xffffff00", &a) == 0 &&
	    a.range_bytes == 6 && a.range_net[2] == 0x7f &&
	    a.range_mask[5] == 0, "SOCKET-LISTEN range= as bytes");
	free_address(&a);
	parse_case("SOCKET-LISTEN:2:6:x00,range=x00:x0000", 0, NULL, NULL, NULL);
	parse_case("SOCKET-LISTEN:2:6:x00,range=x00", 0, NULL, NULL, NULL);
	parse_case("UNIX-CONNECT:/x,socktype=5", 1, "UNIX-CONNECT", "/x", NULL);
	parse_case("SOCKETPAIR,socktype=2", 1, "SOCKETPAIR", NULL, NULL);
	check(parse_address("TCP:h:1,setsockopt=6:2:512", &a) == 0 &&
	    a.nrawopts == 1 && a.rawopts[0].level == 6 &&
	    a.rawopts[0].name == 2 && a.rawopts[0].len == sizeof(int),
	    "setsockopt=6:2:512");
	free_address(&a);
	check(parse_address("TCP:h:1,setsockopt-string=1:25:lo", &a) == 0 &&
	    a.rawopts[0].len == 3 && memcmp(a.rawopts[0].value, "lo", 3) == 0,
	    "setsockopt-string keeps its NUL");
	free_address(&a);
	parse_case("TCP:h:1,setsockopt=6:2", 0, NULL, NULL, NULL);
	parse_case("TCP:h:1,setsockopt-int=6:2:x", 0, NULL, NULL, NULL);
	parse_case("TCP:h:1,setsockopt-listen=a:2:1", 0, NULL, NULL, NULL);
#ifdef IPPROTO_UDPLITE
	parse_case("UDPLITE4-SENDTO:h:53,udplite-send-cscov=8", 1,
	    "UDPLITE4-SENDTO", "h", "53");
	parse_case("UDP4-SENDTO:h:53,udplite-send-cscov=8", 0, NULL, NULL, NULL);
#endif
#ifdef IPPROTO_SCTP
	parse_case("SCTP4:h:80", 1, "SCTP4-CONNECT", "h", "80");
	parse_case("SCTP-L:80,nodelay", 0, NULL, NULL, NULL);
#endif
#ifdef IPPROTO_DCCP
	parse_case("DCCP6-L:80,fork", 1, "DCCP6-LISTEN", "80", NULL);
#endif

	{
		/* -r and -R file names: variables expanded, as socat 1.8's. */
		static const struct {
			const char *in, *want, *name;
		} same[] = {
			{ "/a/$U_VAR.x", "/a/val.x", "sniff name: $NAME" },
			{ "${U_VAR}x", "valx", "sniff name: ${NAME}" },
			{ "$U_UNSET.x", ".x", "sniff name: an unset name is empty" },
			{ "\\$U_VAR", "$U_VAR", "sniff name: \\$ is a $" },
			{ "a\\b", "a\\b", "sniff name: another backslash stays" },
			{ "a$", "a$", "sniff name: a $ at the end stays" },
			{ "$-x", "$-x", "sniff name: a $ before no name stays" },
			{ "${U_VAR", "${U_VAR", "sniff name: an open brace stays" },
			{ "$PROGNAME", "relay", "sniff name: $PROGNAME" },
		};
		char b[64], pid[32];
		size_t k;

		setenv("U_VAR", "val", 1);
		unsetenv("U_UNSET");
		for (k = 0; k < sizeof(same) / sizeof(same[0]); k++)
			check(expand_sniff_path(same[k].in, b, sizeof(b)) == 0 &&
			    strcmp(b, same[k].want) == 0, same[k].name);
		snprintf(pid, sizeof(pid), "p%ld", (long)getpid());
		check(expand_sniff_path("p$$", b, sizeof(b)) == 0 &&
		    strcmp(b, pid) == 0, "sniff name: $$ is the pid");
		check(expand_sniff_path("$TIMESTAMP", b, sizeof(b)) == 0 &&
		    strlen(b) == 15 && b[8] == 'T', "sniff name: $TIMESTAMP");
		check(expand_sniff_path("/a/$U_VAR", b, 6) == -1,
		    "sniff name: too long for the buffer refused");
		check(expand_sniff_path("/a/$U_VAR", b, 7) == 0 &&
		    strcmp(b, "/a/val") == 0, "sniff name: just fits");
	}

	printf("# %d failures\n", failures);
	return failures != 0;
}
