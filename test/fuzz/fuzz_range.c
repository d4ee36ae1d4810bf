/*
 * libFuzzer harness for the range= parser, parse_range(): the input is the
 * option's value ("10.0.0.0/8", "[::1]/128", "1.2.3.4:255.255.0.0").
 * Checks what a parsed range promises the access check: a family relay
 * knows, and a network address with no bit outside its mask.  The same
 * input goes to TUN's parameter parser, parse_if_addr() ("addr/bits" or
 * "addr:mask"): a netmask from /bits has its ones first.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "relay.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr ip, mask;
	struct addr a;
	uint32_t m;
	char *text;
	int i, n;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&a, 0, sizeof(a));
	if (parse_range(text, &a) == 0) {
		if (a.range_family != AF_INET && a.range_family != AF_INET6)
			abort();
		n = a.range_family == AF_INET ? 4 : 16;
		for (i = 0; i < n; i++)
			if (a.range_net[i] & ~a.range_mask[i])
				abort();
	}
	if (parse_if_addr(text, &ip, &mask) == 0 && strchr(text, ':') == NULL) {
		m = ~ntohl(mask.s_addr);	/* the host bits: all ones at the end */
		if ((m & (m + 1)) != 0)
			abort();
	}
	free(text);
	return 0;
}
