/*
 * image-encode.c: an image from someone else, decoded and written again by
 * libvips, so that only its pixels pass: EXIF (GPS positions from phones),
 * ICC profiles, comments and whatever else hides in a file stay behind; the
 * camera's orientation is applied; the result fits in a box of max_side
 * pixels and is a plain sRGB JPEG, or a PNG when it has transparency.
 *
 * What is decoded is bounded before any pixel is: image_sniff reads the
 * type (PNG, JPEG, GIF, WebP only) and the size from the header, and a
 * file claiming more than IMAGE_MAX_PIXELS is refused. Only libvips's
 * loaders fit for untrusted input run (vips_block_untrusted_set), without
 * run-time code generation (no orc: hearthd's unit denies W+X memory),
 * on one thread with no operation cache, so the caller's thread does the
 * work and may be any of hearthd's (never a loop: this takes milliseconds).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>
#include <vips/vector.h>

#include "lib.h"

static pthread_once_t	 vips_once = PTHREAD_ONCE_INIT;
static int		 vips_ready;

static void
image_vips_init(void)
{
	if (VIPS_INIT("hearth") != 0)
		return;
	vips_block_untrusted_set(TRUE);
	vips_vector_set_enabled(FALSE);
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	vips_ready = 1;
}

/* libvips's last error as a cause (malloc'ed), cleared. */
static char *
image_vips_cause(const char *what)
{
	const char	*e = vips_error_buffer();
	char		*cause, *nl;

	cause = xasprintf("%s: %s", what, e != NULL && *e != '\0' ? e :
	    "libvips failed");
	if ((nl = strchr(cause, '\n')) != NULL)
		*nl = '\0';
	vips_error_clear();
	return cause;
}

/*
 * Decode data (len bytes) and encode it again, at most max_side pixels
 * wide and high (never enlarged), without metadata. 0 with out filled (its
 * data malloc'ed: image_encoded_free), or -1 with *cause (to free).
 */
int
image_reencode(const void *data, size_t len, int max_side,
    struct image_encoded *out, char **cause)
{
	VipsImage	*thumb = NULL, *srgb = NULL;
	void		*buf = NULL;
	size_t		 blen = 0;
	enum image_type	 type;
	int		 w, h, rc = -1, alpha;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if (image_sniff(data, len, &type, &w, &h, cause) != 0)
		return -1;
	pthread_once(&vips_once, image_vips_init);
	if (!vips_ready) {
		*cause = xstrdup("libvips could not start");
		return -1;
	}
	/* shrink-on-load, the orientation applied, the first frame of an
	 * animation; the loader's own limits stay on */
	if (vips_thumbnail_buffer((void *)data, len, &thumb, max_side,
	    "height", max_side, "size", VIPS_SIZE_DOWN, "fail_on",
	    VIPS_FAIL_ON_ERROR, NULL) != 0) {
		*cause = image_vips_cause("the image could not be read");
		goto out;
	}
	alpha = vips_image_hasalpha(thumb);
	if (vips_colourspace(thumb, &srgb, VIPS_INTERPRETATION_sRGB, NULL) !=
	    0) {
		*cause = image_vips_cause("the image could not be read");
		goto out;
	}
	if ((alpha ? vips_pngsave_buffer(srgb, &buf, &blen, "strip", TRUE,
	    "compression", 6, NULL) : vips_jpegsave_buffer(srgb, &buf, &blen,
	    "strip", TRUE, "Q", 85, "optimize_coding", TRUE, NULL)) != 0) {
		/* pixels are decoded as they are written: a broken file
		 * fails here */
		*cause = image_vips_cause("the image could not be read");
		goto out;
	}
	out->data = xmalloc(blen);
	memcpy(out->data, buf, blen);
	out->len = blen;
	out->type = alpha ? IMAGE_PNG : IMAGE_JPEG;
	out->width = vips_image_get_width(srgb);
	out->height = vips_image_get_height(srgb);
	rc = 0;
out:
	g_free(buf);
	if (srgb != NULL)
		g_object_unref(srgb);
	if (thumb != NULL)
		g_object_unref(thumb);
	/* what libvips keeps per thread goes with each call, so no thread
	 * of ours holds buffers between images */
	vips_thread_shutdown();
	return rc;
}

void
image_encoded_free(struct image_encoded *e)
{
	free(e->data);
	memset(e, 0, sizeof *e);
}
