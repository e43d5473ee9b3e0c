/*
 * image.c: an image from outside, decoded and written again by libvips,
 * so that only its pixels pass: EXIF (GPS positions from phones), ICC
 * profiles, comments and whatever else hides in a file stay behind; the
 * camera's orientation is applied; the result fits in a box of max_side
 * pixels and is a plain sRGB JPEG, or a PNG when it has transparency.
 *
 * What is decoded is bounded before any pixel is: the type is decided by
 * the magic bytes (PNG, JPEG, GIF, WebP only), and the size the header
 * claims (libvips reads headers only until pixels are asked for) must be
 * at most IMG_MAX_PIXELS. Only libvips's loaders fit for untrusted input
 * run (vips_block_untrusted_set), without run-time code generation (no
 * orc: hearthd's unit denies W+X memory), with one worker and no
 * operation cache. The caller's thread waits for the work, which takes
 * milliseconds: never a loop's, nor the writer's. libvips and glib only;
 * no hearth symbols (tests/unit/test-image-encode.c builds it alone).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>
#include <vips/vector.h>

#include "image.h"

#define IMG_MAX_PIXELS	(8192 * 8192)

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

	if (asprintf(&cause, "%s: %s", what, e != NULL && *e != '\0' ? e :
	    "libvips failed") == -1)
		cause = NULL;
	if (cause != NULL && (nl = strchr(cause, '\n')) != NULL)
		*nl = '\0';
	vips_error_clear();
	return cause;
}

/* The type of an image by its magic bytes: "png", "jpeg", "gif", "webp",
 * or NULL for anything else (SVG, HTML, TIFF, ...). */
static const char *
image_magic(const unsigned char *d, size_t len)
{
	if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "png";
	if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "jpeg";
	if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 ||
	    memcmp(d, "GIF89a", 6) == 0))
		return "gif";
	if (len >= 12 && memcmp(d, "RIFF", 4) == 0 &&
	    memcmp(d + 8, "WEBP", 4) == 0)
		return "webp";
	return NULL;
}

/* A cause (malloc'ed) from a format. */
static char *
image_cause(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	return s;
}

/*
 * Decode data (len bytes) and encode it again, at most max_side pixels
 * wide and high (never enlarged), without metadata. 0 with out filled (its
 * data malloc'ed: image_encoded_free), or -1 with *cause (to free; it may
 * be NULL when memory ran out).
 */
int
image_reencode(const void *data, size_t len, int max_side,
    struct image_encoded *out, char **cause)
{
	VipsImage	*head = NULL, *thumb = NULL, *srgb = NULL;
	void		*buf = NULL;
	size_t		 blen = 0;
	const char	*type;
	int		 rc = -1, alpha;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if ((type = image_magic(data, len)) == NULL) {
		*cause = image_cause("not a PNG, JPEG, GIF or WebP image");
		return -1;
	}
	pthread_once(&vips_once, image_vips_init);
	if (!vips_ready) {
		*cause = image_cause("libvips could not start");
		return -1;
	}
	/* the header only: how many pixels it claims, before any is
	 * decoded (a decompression bomb stops here) */
	if ((head = vips_image_new_from_buffer(data, len, "", NULL)) == NULL) {
		*cause = image_vips_cause("the image could not be read");
		goto out;
	}
	if ((double)vips_image_get_width(head) * vips_image_get_height(head) >
	    IMG_MAX_PIXELS) {
		*cause = image_cause("%s: %dx%d is more than %d pixels", type,
		    vips_image_get_width(head), vips_image_get_height(head),
		    IMG_MAX_PIXELS);
		goto out;
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
	if ((out->data = malloc(blen)) == NULL) {
		*cause = image_cause("out of memory");
		goto out;
	}
	memcpy(out->data, buf, blen);
	out->len = blen;
	out->type = alpha ? "image/png" : "image/jpeg";
	out->width = vips_image_get_width(srgb);
	out->height = vips_image_get_height(srgb);
	rc = 0;
out:
	g_free(buf);
	if (srgb != NULL)
		g_object_unref(srgb);
	if (thumb != NULL)
		g_object_unref(thumb);
	if (head != NULL)
		g_object_unref(head);
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

/* hearthd stops: libvips's threads and caches go (only once nothing can
 * call image_reencode any more). */
void
image_shutdown(void)
{
	if (vips_ready) {
		vips_shutdown();
		vips_ready = 0;
	}
}
