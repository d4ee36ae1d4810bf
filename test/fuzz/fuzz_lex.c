/*
 * libFuzzer harness for relay's lexer, lex_token().  The first input byte
 * picks the set of terminators (the ones relay's parser uses, and a few
 * more); the rest is the text, cut into tokens the way parse_address()
 * walks an address: token, terminator, token, ... to the end or an error.
 * Checks what lex_token() promises: a token no longer than the text it came
 * from, the rest pointer inside the text and at a terminator or the end,
 * and an error message whenever there is no token.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"

static const char *const end_sets[] = {
	":,", ",=", ",", "!!", "", ":", "=", "'\"", "([{", ")]}", "\\",
};
#define N_END_SETS (sizeof(end_sets) / sizeof(end_sets[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ends, *s, *prev, *err;
	char *text, *tok;
	size_t len;

	if (size < 1)
		return 0;
	ends = end_sets[data[0] % N_END_SETS];
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	len = strlen(text);

	s = text;
	for (;;) {
		prev = s;
		err = NULL;
		tok = lex_token(&s, ends, &err);
		if (tok == NULL) {
			if (err == NULL || s != prev)
				abort();
			break;
		}
		if (s < prev || s > text + len || strlen(tok) > (size_t)(s - prev))
			abort();
		if (*s != '\0' && strchr(ends, *s) == NULL)
			abort();
		free(tok);
		if (*s == '\0')
			break;
		s++;	/* past the terminator, as the parser does */
	}
	free(text);
	return 0;
}
