/*
 * form-fuzzer.c: form_parse, which reads query strings and form bodies from
 * anyone. Beyond not crashing, every field it accepts must be a C string of
 * well-formed UTF-8, checked here by an independent validator.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Well-formed UTF-8 without NUL (RFC 3629 table 3-7), written afresh. */
static int
utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		if (s[0] < 0x80)
			s++;
		else if (s[0] >= 0xc2 && s[0] <= 0xdf &&
		    (s[1] & 0xc0) == 0x80)
			s += 2;
		else if (s[0] >= 0xe0 && s[0] <= 0xef &&
		    (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		    !(s[0] == 0xe0 && s[1] < 0xa0) &&
		    !(s[0] == 0xed && s[1] > 0x9f))
			s += 3;
		else if (s[0] >= 0xf0 && s[0] <= 0xf4 &&
		    (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		    (s[3] & 0xc0) == 0x80 &&
		    !(s[0] == 0xf0 && s[1] < 0x90) &&
		    !(s[0] == 0xf4 && s[1] > 0x8f))
			s += 4;
		else
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new();
	struct kvlist	 l = { 0 };
	char		*d;
	size_t		 i;

	if (form_parse(a, (const char *)data, size, &l) == 0) {
		if (l.n > 256)
			abort();
		for (i = 0; i < l.n; i++) {
			if (!utf8_ok((const unsigned char *)l.v[i].key) ||
			    !utf8_ok((const unsigned char *)l.v[i].value))
				abort();
			/* Pairs split at '&', so no raw '&' survives. */
			if (strlen(l.v[i].key) > size ||
			    strlen(l.v[i].value) > size)
				abort();
		}
		if (l.n > 0 && kv_get(&l, l.v[0].key) != l.v[0].value)
			abort();
	}
	/* The decoder on its own, over the whole input. */
	d = form_decode(a, (const char *)data, size);
	if (d != NULL && (!utf8_ok((unsigned char *)d) || strlen(d) > size))
		abort();
	arena_free(a);
	return 0;
}
