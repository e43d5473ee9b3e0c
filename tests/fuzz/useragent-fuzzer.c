/*
 * useragent-fuzzer.c: ua_describe over any User-Agent header. What it gives
 * is always text a page can show: valid UTF-8, never longer than a short
 * line, whatever came in.
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
	char		*ua = malloc(size + 1);
	const char	*got;

	memcpy(ua, data, size);
	ua[size] = '\0';
	got = ua_describe(a, ua);
	if (got == NULL || *got == '\0' ||
	    !utf8_valid((const unsigned char *)got, strlen(got)) ||
	    strlen(got) > 80)
		abort();
	free(ua);
	arena_free(a);
	return 0;
}
