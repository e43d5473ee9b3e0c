/*
 * i18n-fuzzer.c: the PO reader (i18n_parse) over a catalogue anyone who
 * translates could write, then lookups, plurals and {placeholder} filling
 * from it, a cause (cause.c) whose pattern the catalogue translates into
 * anything at all, with its arguments and a size, and the input again as
 * an Accept-Language header. A broken catalogue is refused with a cause;
 * nothing read is ever NULL, and a cause's text ends in its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new();
	char		*text = xstrndup((const char *)data, size);
	char		*hdr = xstrndup((const char *)data, size);
	char		*cause = NULL;
	const char	*s;
	struct cause	*said;
	char		*en, sz[48];
	long		 n;
	int		 lang, rc;

	i18n_free();
	rc = i18n_parse(LANG_PL, text, &cause);
	if (rc != 0 && cause == NULL)
		abort();
	for (n = 0; n < 30; n++) {
		s = trn(LANG_PL, n, "post", "posts");
		if (s == NULL || (n == 1 && strcmp(s, "post") != 0 &&
		    i18n_count(LANG_PL) == 0))
			abort();
		if (i18n_format(a, s, "n", "7", NULL) == NULL)
			abort();
	}
	if (tr(LANG_PL, "Sign in") == NULL ||
	    trc(LANG_PL, "month", "May") == NULL ||
	    i18n_format(a, (const char *)hdr, "n", "1", "x", "yy", NULL) ==
	    NULL)
		abort();
	/* A translated pattern with any {placeholders} or none. */
	en = cause_newn((int64_t)size, NN_("{n} post in {name}",
	    "{n} posts in {name}"), CN("n", size), CT("name", hdr),
	    CZ("size", (int64_t)size * 7919));
	if ((said = cause_take(en)) == NULL)
		abort();
	if ((s = cause_tr(a, LANG_PL, said)) == NULL || strlen(s) >=
	    sizeof said->store)
		abort();
	if (cause_say(a, LANG_PL, en, said) == NULL ||
	    cause_say(a, LANG_PL, hdr, NULL) == NULL)
		abort();
	cause_free(said);
	free(en);
	if (strlen(i18n_size(sz, sizeof sz, LANG_PL, (int64_t)size * size *
	    131)) >= sizeof sz)
		abort();
	lang = i18n_accept(hdr);
	if (lang < 0 || lang >= LANG_COUNT)
		abort();
	i18n_free();
	free(cause);
	free(text);
	free(hdr);
	arena_free(a);
	return 0;
}
