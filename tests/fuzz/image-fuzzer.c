/*
 * image-fuzzer.c: image_sniff and image_process over uploaded bytes, with
 * small limits so each input is quick. Beyond not crashing: an accepted
 * image has a known type with an extension and media type, a size within
 * the limit, and what is made of it is non-empty, of a type hearth serves
 * (PNG, JPEG, GIF or WebP, starting with that type's magic bytes), within
 * its box, with a thumbnail (a still) and a BlurHash of 4x3 components; a
 * refused one has a cause and nothing else. The input also seeds an
 * identicon, which must sniff back as a PNG of its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hearth.h"

#define FUZZ_PIXELS	(1 << 20)
#define FUZZ_SIDE	64
#define FUZZ_THUMB	32

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whether an encoded image is sound: a type served, its magic bytes,
 * within a box. */
static int
out_ok(const struct image_out *o, int side, int still)
{
	const uint8_t	*d = o->data;

	if (d == NULL || o->len < 12 || o->width < 1 || o->height < 1 ||
	    o->width > side || o->height > side)
		return 0;
	switch (o->type) {
	case IMAGE_PNG:
		return memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0;
	case IMAGE_JPEG:
		return d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
	case IMAGE_GIF:
		return !still && memcmp(d, "GIF8", 4) == 0;
	case IMAGE_WEBP:
		return !still && memcmp(d, "RIFF", 4) == 0 &&
		    memcmp(d + 8, "WEBP", 4) == 0;
	default:
		return 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct image_limits lim = {
		.max_pixels = FUZZ_PIXELS, .max_side = FUZZ_SIDE,
		.thumb_side = FUZZ_THUMB, .blurhash = 1
	};
	struct image_result	 r;
	struct evbuffer		*b;
	enum image_type		 t;
	char			*cause = NULL, *seed;
	int			 w, h, want;

	if (image_sniff(data, size, &t, &w, &h, &cause) == 0) {
		if (cause != NULL || t == IMAGE_NONE || image_ext(t) == NULL ||
		    image_mime(t) == NULL ||
		    image_type_from_ext(image_ext(t)) != t ||
		    w < 1 || h < 1 || (uint64_t)w * h > IMAGE_MAX_PIXELS)
			abort();
	} else if (cause == NULL)
		abort();
	free(cause);
	cause = NULL;

	if (image_process(data, size, &lim, &r, &cause) == 0) {
		if (cause != NULL || r.source == IMAGE_NONE ||
		    image_ext(r.source) == NULL || r.frames < 1 ||
		    r.source_width < 1 || r.source_height < 1 ||
		    (int64_t)r.source_width * r.source_height * r.frames >
		    FUZZ_PIXELS ||
		    !out_ok(&r.original, FUZZ_SIDE, r.frames == 1) ||
		    !out_ok(&r.thumb, FUZZ_THUMB, 1) ||
		    strlen(r.blurhash) != 4 + 2 * 4 * 3)
			abort();
		image_result_free(&r);
	} else if (cause == NULL || r.original.data != NULL ||
	    r.thumb.data != NULL)
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
