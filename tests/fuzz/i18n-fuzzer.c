/*
 * i18n-fuzzer.c: the PO reader (i18n_parse) over a catalogue anyone who
 * translates could write, then lookups, plurals and {placeholder} filling
 * from it, and the input again as an Accept-Language header. A broken
 * catalogue is refused with a cause; nothing read is ever NULL.
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
