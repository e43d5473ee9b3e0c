/*
 * cookie-fuzzer.c: cookie_parse over a Cookie header as evhttp hands it over
 * (a NUL-terminated string). Names are trimmed and never empty; nothing
 * crosses a ';'.
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
	struct kvlist	 l = { 0 };
	char		*hdr = xstrndup((const char *)data, size);
	const char	*k, *v;
	size_t		 i, klen;
	int		 n;

	n = cookie_parse(a, hdr, &l);
	if (n < 0 || (size_t)n != l.n || l.n > 64)
		abort();
	for (i = 0; i < l.n; i++) {
		k = l.v[i].key;
		v = l.v[i].value;
		klen = strlen(k);
		if (klen == 0 || k[0] == ' ' || k[0] == '\t' ||
		    k[klen - 1] == ' ' || k[klen - 1] == '\t')
			abort();
		if (strchr(k, ';') != NULL || strchr(k, '=') != NULL ||
		    strchr(v, ';') != NULL)
			abort();
		if (strstr(hdr, k) == NULL || strstr(hdr, v) == NULL)
			abort();
	}
	free(hdr);
	arena_free(a);
	return 0;
}
