/*
 * libFuzzer harness for relay's address parser: the input is one address
 * as it would stand on the command line ("TCP-LISTEN:80,fork,..."), given
 * to parse_address() and, when it parses, to free_address().  relay.c is
 * linked in built with -DRELAY_NO_MAIN (see test/fuzz/run).
 *
 * parse_address() logs its errors to fd 2.  When libFuzzer is run with
 * -close_fd_mask=2 (as test/fuzz/run does), it moves its own messages off
 * fd 2 and discards fd 2 itself; otherwise (a crash file run by hand) fd 2
 * goes to /dev/null here and the sanitizers report on a copy of it.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay.h"

void __sanitizer_set_report_fd(void *fd);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int i, fd, saved;

	for (i = 1; i < *argc; i++)
		if (strncmp((*argv)[i], "-close_fd_mask=", 15) == 0)
			return 0;
	if ((fd = open("/dev/null", O_WRONLY)) == -1)
		return 0;
	if ((saved = dup(2)) != -1)
		__sanitizer_set_report_fd((void *)(intptr_t)saved);
	dup2(fd, 2);
	close(fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr a;
	char *text;
	int i;

	/* argv strings cannot hold a NUL: the address ends at the first one. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (parse_address(text, &a) == 0) {
		/*
		 * What a parsed address promises the rest of relay: its type,
		 * a parameter count that fits (a type with nparams -1 takes
		 * a variable count), non-negative counts.
		 */
		if (a.type == NULL || a.nparams < 0 || a.nparams > MAX_PARAMS ||
		    (a.type->nparams >= 0 && a.nparams != a.type->nparams) ||
		    a.nsockopts > MAX_SOCKOPTS ||
		    a.set.backlog < 0 || a.set.max_children < 0)
			abort();
		for (i = 0; i < a.nparams; i++)
			if (a.params[i] == NULL || strlen(a.params[i]) > size)
				abort();
		free_address(&a);
	}
	free(text);
	return 0;
}
