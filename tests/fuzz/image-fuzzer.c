/*
 * image-fuzzer.c: image_sniff over uploaded bytes. Beyond not crashing, an
 * accepted image has a known type with an extension and media type and a
 * size within IMAGE_MAX_PIXELS, and a refused one has a cause. The input
 * also seeds an identicon, which must sniff back as a PNG of its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evbuffer	*b;
	enum image_type	 t;
	char		*cause = NULL, *seed;
	int		 w, h, want;

	if (image_sniff(data, size, &t, &w, &h, &cause) == 0) {
		if (cause != NULL || t == IMAGE_NONE || image_ext(t) == NULL ||
		    image_mime(t) == NULL ||
		    image_type_from_ext(image_ext(t)) != t ||
		    w < 1 || h < 1 || (uint64_t)w * h > IMAGE_MAX_PIXELS)
			abort();
	} else if (cause == NULL || t != IMAGE_NONE)
		abort();
	free(cause);

	/* Small sizes keep the fuzzer fast; the clamp is checked too. */
	want = size > 0 ? data[0] % 80 : 0;
	seed = xstrndup((const char *)data, size);
	b = evbuffer_new();
	image_identicon(seed, want, b);
	if (want < 16)
		want = 16;
	if (image_sniff(evbuffer_pullup(b, -1), evbuffer_get_length(b), &t,
	    &w, &h, NULL) != 0 || t != IMAGE_PNG || w != want || h != want)
		abort();
	evbuffer_free(b);
	free(seed);
	return 0;
}
