/*
 * libFuzzer harness for socat's bytes notation, parse_bytes(), which reads
 * the addresses of the generic SOCKET-* types and setsockopt='s values:
 * the input is such a value ("x00507f000001", "\"/tmp/s\\0\"", "i512").
 * Checks that a parse never reports more bytes than the buffer holds, and
 * that generic_sockaddr() agrees with it.
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
	struct sockaddr_storage ss;
	unsigned char buf[16];
	size_t len = 0;
	socklen_t slen;
	char *text;
	int rc;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = parse_bytes(text, buf, sizeof(buf), &len);
	if (rc == 0 && len > sizeof(buf))
		abort();
	slen = generic_sockaddr(&ss, AF_INET, text);
	if (slen > sizeof(ss) || (slen != 0 && ss.ss_family != AF_INET))
		abort();
	free(text);
	return 0;
}
