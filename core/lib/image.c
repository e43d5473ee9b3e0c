/*
 * image.c: every image someone uploads (a post's attachment, an avatar, a
 * header), decoded and written again by libvips, so that only its pixels
 * pass: EXIF (a phone's GPS position), XMP, IPTC, ICC profiles and comments
 * stay behind, the camera's orientation is applied, and whatever a file
 * carries besides its image (an HTML page, a ZIP appended after the end)
 * is gone. No image is decoded by hand-written code here.
 *
 * What is decoded is bounded before any pixel is: the type is decided by
 * the magic bytes alone (PNG, JPEG, GIF, WebP, HEIC and AVIF; never SVG,
 * HTML, TIFF or PDF), the loader libvips would pick must be that type's,
 * and the number of pixels the header claims, every frame of an animation
 * counted, must be within the caller's limit (libvips reads headers only
 * until pixels are asked for): a decompression bomb stops there. Only the
 * loaders libvips deems fit for untrusted input run (the PDF one only when
 * the admin opts in, for previews), without run-time code generation (no
 * orc: hearthd's unit denies W+X memory), with one worker thread and no
 * operation cache, so nothing of an image outlives its call.
 *
 * The work takes milliseconds to seconds: it runs on hearth's worker
 * threads or a module's own, never on an event loop or the writer. Each
 * call ends with vips_thread_shutdown so no thread keeps libvips's buffers
 * between images. The identicon is the one small exception, made where
 * it is asked for: a two-colour picture, about a millisecond to encode at
 * the 120 pixels avatars are (about 12 at the largest, 512).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/sha.h>
#include <vips/vips.h>
#include <vips/vector.h>

#include "lib.h"

#define IDENTICON_MIN		16
#define IDENTICON_MAX		512
#define IDENTICON_BG		0xf0	/* light grey, as r = g = b */
#define JPEG_QUALITY		85	/* as Mastodon keeps photos */
#define WEBP_QUALITY		85
#define PNG_COMPRESSION		6
#define BLURHASH_SIDE		32	/* the blur needs no more pixels */
#define BLURHASH_X		4	/* components, as Mastodon uses */
#define BLURHASH_Y		3
#define PDF_SIDE_MAX		4096

#define DAMAGED		"the image is truncated or damaged"

enum vips_state { VIPS_NEVER, VIPS_READY, VIPS_GONE };

/*
 * libvips starts once (pthread_once: no lock of ours is held while it
 * takes its own and glib's, which ThreadSanitizer saw as a possible
 * deadlock against vips_shutdown), and its state is read atomically by
 * every thread.
 */
static pthread_once_t	 setup_once = PTHREAD_ONCE_INIT;
static int		 setup_pdf;		/* for the first image_setup */
static int		 vips_state;		/* enum vips_state, atomic */
static int		 pdf_allowed;		/* set once, then read */

static enum vips_state
vips_state_get(void)
{
	return (enum vips_state)__atomic_load_n(&vips_state,
	    __ATOMIC_ACQUIRE);
}

static void
vips_state_set(enum vips_state st)
{
	__atomic_store_n(&vips_state, (int)st, __ATOMIC_RELEASE);
}

/*
 * What the magic bytes say of types hearth does not take, so the person
 * uploading learns why. Text types may start with blanks or a BOM and are
 * matched whatever their case.
 */
static const struct refusal {
	const char	*magic;
	size_t		 len;
	int		 text;
	const char	*cause;
} refusals[] = {
	{ "<svg", 4, 1, "SVG images are not accepted; attach it as a file "
	    "instead" },
	{ "<?xml", 5, 1, "XML files (SVG) are not accepted as images; attach "
	    "it as a file instead" },
	{ "<!doctype", 9, 1, "HTML is not an image" },
	{ "<html", 5, 1, "HTML is not an image" },
	{ "<head", 5, 1, "HTML is not an image" },
	{ "<body", 5, 1, "HTML is not an image" },
	{ "<script", 7, 1, "HTML is not an image" },
	{ "%PDF-", 5, 0, "a PDF is not an image; attach it as a file "
	    "instead" },
	{ "II*\0", 4, 0, "TIFF images are not accepted; use PNG or JPEG" },
	{ "MM\0*", 4, 0, "TIFF images are not accepted; use PNG or JPEG" },
	{ "BM", 2, 0, "BMP images are not accepted; use PNG" },
	{ "\0\0\1\0", 4, 0, "icons (ICO) are not accepted; use PNG" },
	{ "8BPS", 4, 0, "Photoshop files are not accepted; use PNG or "
	    "JPEG" },
	{ "\xff\x0a", 2, 0, "JPEG XL images are not accepted; use JPEG" },
	{ "\0\0\0\x0cJXL ", 8, 0, "JPEG XL images are not accepted; use "
	    "JPEG" },
	{ "\0\0\0\x0cjP  ", 8, 0, "JPEG 2000 images are not accepted; use "
	    "JPEG" },
};

/* The ISO BMFF brands of HEIF images libheif reads (HEIC, AVIF). */
static const char *const heif_brands[] = {
	"heic", "heix", "hevc", "hevx", "mif1", "msf1", "avif"
};

/* The types, their names in causes and the loader libvips must pick. */
static const struct image_kind {
	enum image_type	 type;
	const char	*name;
	const char	*ext;
	const char	*mime;
	const char	*loader;	/* part of the loader's class name */
} kinds[] = {
	{ IMAGE_PNG, "PNG", "png", "image/png", "Png" },
	{ IMAGE_JPEG, "JPEG", "jpg", "image/jpeg", "Jpeg" },
	{ IMAGE_GIF, "GIF", "gif", "image/gif", "gif" },
	{ IMAGE_WEBP, "WebP", "webp", "image/webp", "Webp" },
	{ IMAGE_HEIF, "HEIF", "heic", "image/heic", "Heif" },
};

/* What a header says. */
struct image_header {
	enum image_type	 type;
	int		 width;		/* orientation applied */
	int		 height;	/* of one frame */
	int		 pages;		/* frames of an animation, else 1 */
};

/* The row of a type, or NULL. */
static const struct image_kind *
image_kind(enum image_type t)
{
	size_t	i;

	for (i = 0; i < nitems(kinds); i++) {
		if (kinds[i].type == t)
			return &kinds[i];
	}
	return NULL;
}

/* Set *cause (if wanted) and fail. */
static int printflike(2, 3)
image_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Fail after libvips did: its message (shared by every thread, so only
 * for the debug log) is cleared and the caller gets a sentence of ours.
 */
static int
image_vips_fail(char **cause, const char *what)
{
	const char	*e = vips_error_buffer();
	size_t		 n = strcspn(e, "\n");

	if (n > 0)
		log_msg(LOG_DEBUG, "libvips: %.*s", (int)n, e);
	vips_error_clear();
	return image_fail(cause, "%s", what);
}

/* libvips's warnings (a damaged file's, one a scanline) to the debug log,
 * not stderr: an upload must not be able to flood the journal. */
static void
image_glog(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer arg)
{
	log_msg(LOG_DEBUG, "%s: %s", domain != NULL ? domain : "glib", msg);
}

/* The start itself, once. */
static void
image_start(void)
{
	if (vips_state_get() != VIPS_NEVER)
		return;		/* shut down before anyone started it */
	if (VIPS_INIT("hearth") != 0) {
		log_msg(LOG_ERROR, "libvips could not start: %s",
		    vips_error_buffer());
		vips_error_clear();
		vips_state_set(VIPS_GONE);
		return;
	}
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
	    G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, image_glog, NULL);
	/* magick, SVG, PDF and the like are out */
	vips_block_untrusted_set(TRUE);
	/* orc would write code into memory and run it */
	vips_vector_set_enabled(FALSE);
	/* the caller's thread is the parallelism */
	vips_concurrency_set(1);
	/* nothing of one upload is kept for the next */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	if (setup_pdf)
		vips_operation_block_set("VipsForeignLoadPdf", FALSE);
	pdf_allowed = setup_pdf;
	vips_state_set(VIPS_READY);
}

/* Start libvips once for the whole process; pdf_previews lets the PDF
 * loader run (image_pdf_preview). The first call decides. */
void
image_setup(int pdf_previews)
{
	if (vips_state_get() == VIPS_NEVER)
		setup_pdf = pdf_previews;
	pthread_once(&setup_once, image_start);
}

/* hearthd stops (no worker, module or loop can call in any more):
 * libvips's threads and buffers go. Later calls fail. */
void
image_shutdown(void)
{
	enum vips_state	s = vips_state_get();

	vips_state_set(VIPS_GONE);
	if (s == VIPS_READY)
		vips_shutdown();
}

/* libvips is ready, started now with the defaults if nobody did. */
static int
image_ready(char **cause)
{
	if (vips_state_get() == VIPS_NEVER)
		image_setup(0);
	if (vips_state_get() != VIPS_READY)
		return image_fail(cause, "images cannot be read now (libvips "
		    "is not running)");
	return 0;
}

/* What libvips keeps for this thread goes with each call, so no thread
 * of hearth's holds its buffers between images. Only once it started:
 * refused before, there is nothing to free (and libvips would crash). */
static void
image_thread_done(void)
{
	if (vips_state_get() == VIPS_READY)
		vips_thread_shutdown();
}

/* Whether an ISO BMFF file starts with a ftyp box naming a HEIF brand. */
static int
image_is_heif(const uint8_t *d, size_t len)
{
	size_t	box, off, i;

	if (len < 16 || memcmp(d + 4, "ftyp", 4) != 0)
		return 0;
	box = (size_t)d[0] << 24 | (size_t)d[1] << 16 | (size_t)d[2] << 8 |
	    d[3];
	if (box < 16 || box > len)
		box = len;
	/* the major brand, then the compatible ones (the minor version
	 * between them is skipped) */
	for (off = 8; off + 4 <= box && off < 256; off += off == 8 ? 8 : 4) {
		for (i = 0; i < nitems(heif_brands); i++) {
			if (memcmp(d + off, heif_brands[i], 4) == 0)
				return 1;
		}
	}
	return 0;
}

/* The type of an image by its magic bytes (never its name or declared
 * type); IMAGE_NONE with *cause for anything else. */
static enum image_type
image_magic(const void *data, size_t len, char **cause)
{
	const uint8_t		*d = data, *t = d;
	const struct refusal	*r;
	size_t			 i, tlen = len;

	if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return IMAGE_PNG;
	if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return IMAGE_JPEG;
	if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 ||
	    memcmp(d, "GIF89a", 6) == 0))
		return IMAGE_GIF;
	if (len >= 12 && memcmp(d, "RIFF", 4) == 0 &&
	    memcmp(d + 8, "WEBP", 4) == 0)
		return IMAGE_WEBP;
	if (image_is_heif(d, len))
		return IMAGE_HEIF;

	if (tlen >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0) {
		t += 3;
		tlen -= 3;
	}
	while (tlen > 0 && (*t == ' ' || *t == '\t' || *t == '\r' ||
	    *t == '\n')) {
		t++;
		tlen--;
	}
	for (i = 0; i < nitems(refusals); i++) {
		r = &refusals[i];
		if (r->text ? tlen >= r->len && strncasecmp((const char *)t,
		    r->magic, r->len) == 0 : len >= r->len &&
		    memcmp(d, r->magic, r->len) == 0) {
			image_fail(cause, "%s", r->cause);
			return IMAGE_NONE;
		}
	}
	if (len >= 8 && memcmp(d + 4, "ftyp", 4) == 0)
		image_fail(cause, "this media file is not a HEIC or AVIF "
		    "image; attach videos as files");
	else
		image_fail(cause, "not a PNG, JPEG, GIF, WebP, HEIC or AVIF "
		    "image");
	return IMAGE_NONE;
}

/*
 * The type and size an image claims, read from its header alone: no pixel
 * is decoded. Refused when the magic bytes are not an image's, libvips
 * would read it with another type's loader, or it claims more than
 * max_pixels pixels, all frames counted.
 */
static int
image_header(const void *data, size_t len, int64_t max_pixels,
    struct image_header *h, char **cause)
{
	const struct image_kind	*k;
	VipsImage		*img;
	const char		*loader;
	int64_t			 pixels;

	memset(h, 0, sizeof *h);
	if ((h->type = image_magic(data, len, cause)) == IMAGE_NONE)
		return -1;
	k = image_kind(h->type);
	if (image_ready(cause) != 0)
		return -1;
	/* Another loader, however a file's bytes tricked libvips into it,
	 * is never the one that reads it. */
	loader = vips_foreign_find_load_buffer(data, len);
	if (loader == NULL || strcasestr(loader, k->loader) == NULL) {
		if (loader != NULL)
			log_msg(LOG_DEBUG, "image: a %s read by %s", k->name,
			    loader);
		return image_vips_fail(cause, DAMAGED);
	}
	if ((img = vips_image_new_from_buffer(data, len, "", NULL)) == NULL)
		return image_vips_fail(cause, DAMAGED);
	h->width = vips_image_get_width(img);
	h->height = vips_image_get_height(img);
	h->pages = 1;
	if (h->type == IMAGE_GIF || h->type == IMAGE_WEBP)
		h->pages = vips_image_get_n_pages(img);
	if (vips_image_get_orientation_swap(img)) {
		h->width = vips_image_get_height(img);
		h->height = vips_image_get_width(img);
	}
	g_object_unref(img);

	if (h->width < 1 || h->height < 1 || h->pages < 1)
		return image_fail(cause, "a %s of no pixels is not an image",
		    k->name);
	pixels = (int64_t)h->width * h->height * h->pages;
	if (pixels > max_pixels) {
		if (h->pages > 1)
			return image_fail(cause, "a %dx%d %s of %d frames is "
			    "more than %lld pixels", h->width, h->height,
			    k->name, h->pages, (long long)max_pixels);
		return image_fail(cause, "a %dx%d %s is more than %lld pixels",
		    h->width, h->height, k->name, (long long)max_pixels);
	}
	return 0;
}

/*
 * Decide what an image is from its magic bytes and read the size its header
 * claims, orientation applied (no pixel is decoded). 0, or -1 with *cause
 * (if cause is not NULL; free it) for anything not an image hearth takes,
 * a broken header, or more than IMAGE_MAX_PIXELS pixels, every frame of an
 * animation counted.
 */
int
image_sniff(const void *data, size_t len, enum image_type *type, int *width,
    int *height, char **cause)
{
	struct image_header	h;
	int			rc;

	*type = IMAGE_NONE;
	*width = *height = 0;
	memset(&h, 0, sizeof h);
	rc = image_header(data, len, IMAGE_MAX_PIXELS, &h, cause);
	/* refused: *type still says what the magic bytes claimed (a
	 * picture that lies about its size is refused as a picture, not
	 * kept as a file) */
	*type = h.type;
	if (rc == 0) {
		*width = h.width;
		*height = h.height;
	}
	image_thread_done();
	return rc;
}

/*
 * A copy of in without any metadata but, for an animation, what its
 * frames need (their height, delays and loops): EXIF, XMP, IPTC, ICC and
 * comments go here already, and the savers strip again.
 */
static int
image_strip(VipsImage *in, VipsImage **out, int animated)
{
	static const char *const keep[] = { "page-height", "delay", "loop" };
	gchar	**fields;
	size_t	  i, k;

	if (vips_copy(in, out, NULL) != 0)
		return -1;
	fields = vips_image_get_fields(*out);
	for (i = 0; fields[i] != NULL; i++) {
		for (k = 0; animated && k < nitems(keep); k++) {
			if (strcmp(fields[i], keep[k]) == 0)
				break;
		}
		if (!animated || k == nitems(keep))
			vips_image_remove(*out, fields[i]);
	}
	g_strfreev(fields);
	return 0;
}

/*
 * in as sRGB, 8 bits a channel, alpha kept. An embedded ICC profile is
 * applied first (a phone's Display P3, a printer's CMYK), so the colours
 * stay when the profile is stripped; a broken one is ignored.
 */
static int
image_srgb(VipsImage *in, VipsImage **out)
{
	VipsImage	*t = in, *u;

	g_object_ref(t);
	if (vips_image_get_typeof(t, VIPS_META_ICC_NAME) != 0 &&
	    vips_icc_present()) {
		if (vips_icc_transform(t, &u, "srgb", "embedded", TRUE,
		    "intent", VIPS_INTENT_PERCEPTUAL, NULL) == 0) {
			g_object_unref(t);
			t = u;
		} else
			vips_error_clear();
	}
	if (vips_image_get_interpretation(t) != VIPS_INTERPRETATION_sRGB) {
		if (vips_colourspace(t, &u, VIPS_INTERPRETATION_sRGB,
		    NULL) != 0) {
			g_object_unref(t);
			return -1;
		}
		g_object_unref(t);
		t = u;
	}
	if (vips_image_get_format(t) != VIPS_FORMAT_UCHAR) {
		if (vips_cast_uchar(t, &u, NULL) != 0) {
			g_object_unref(t);
			return -1;
		}
		g_object_unref(t);
		t = u;
	}
	*out = t;
	return 0;
}

/*
 * Each frame of in cropped to a centred square. libvips's own crop (the
 * thumbnail's) would keep the first frame of an animation only.
 */
static int
image_square(VipsImage *in, VipsImage **out)
{
	VipsImage	**f;
	int		  w = vips_image_get_width(in), n, ph, s, i, rc = -1;

	ph = vips_image_get_page_height(in);
	n = vips_image_get_height(in) / ph;
	s = w < ph ? w : ph;
	if (n == 1)
		return vips_extract_area(in, out, (w - s) / 2, (ph - s) / 2, s,
		    s, NULL);
	f = xcalloc(n, sizeof *f);
	for (i = 0; i < n; i++) {
		if (vips_extract_area(in, &f[i], (w - s) / 2,
		    i * ph + (ph - s) / 2, s, s, NULL) != 0)
			goto out;
	}
	if (vips_arrayjoin(f, out, n, "across", 1, NULL) != 0)
		goto out;
	vips_image_set_int(*out, "page-height", s);
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		if (f[i] != NULL)
			g_object_unref(f[i]);
	}
	free(f);
	return rc;
}

/*
 * Decode an image (its header checked) into a side x side box, never
 * enlarged, shrinking while it loads (a JPEG is read at 1/2, 1/4 or 1/8
 * when that is enough), turned as the camera said, in sRGB, without
 * metadata: its first frame, or every frame (all). A square is cut from
 * the middle. Nothing is decoded yet: pixels are, by the caller's save or
 * copy, which fails on a truncated or damaged file.
 */
static int
image_decode(const void *data, size_t len, const struct image_header *h,
    int side, int square, int all, VipsImage **out)
{
	VipsImage	*t = NULL, *u = NULL;
	int		 bw = side, bh = side, rc = -1;

	/* A square's shorter side fits the box; the rest is cut. */
	if (square && h->width <= h->height)
		bh = VIPS_MAX_COORD;
	else if (square)
		bw = VIPS_MAX_COORD;
	/* The loader's own fail_on, in its options: vips_thumbnail's is not
	 * handed to it in libvips 8.14, and a truncated file would pass. */
	if (vips_thumbnail_buffer((void *)data, len, &t, bw, "height", bh,
	    "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
	    "option_string", all ? "n=-1,fail_on=error" : "fail_on=error",
	    NULL) != 0)
		return -1;
	if (square) {
		if (image_square(t, &u) != 0)
			goto out;
		g_object_unref(t);
		t = u;
		u = NULL;
	}
	if (image_srgb(t, &u) != 0)
		goto out;
	g_object_unref(t);
	t = u;
	u = NULL;
	if (image_strip(t, out, all) != 0)
		goto out;
	rc = 0;
out:
	if (t != NULL)
		g_object_unref(t);
	return rc;
}

/* Copy a buffer of libvips's into an image_out. */
static void
image_keep(struct image_out *o, void *buf, size_t len, enum image_type type,
    VipsImage *img)
{
	o->data = xmalloc(len);
	memcpy(o->data, buf, len);
	o->len = len;
	o->type = type;
	o->width = vips_image_get_width(img);
	o->height = vips_image_get_page_height(img);
	g_free(buf);
}

/*
 * Encode a still: a JPEG, or a PNG when it has transparency or lossless
 * is asked for (a PNG or GIF upload: screenshots and diagrams keep their
 * sharp edges and text, which JPEG would blur).
 */
static int
image_save_still(VipsImage *img, int lossless, struct image_out *o)
{
	void	*buf = NULL;
	size_t	 len = 0;

	if (lossless || vips_image_hasalpha(img)) {
		if (vips_pngsave_buffer(img, &buf, &len, "strip", TRUE,
		    "compression", PNG_COMPRESSION, NULL) != 0)
			return -1;
		image_keep(o, buf, len, IMAGE_PNG, img);
	} else {
		if (vips_jpegsave_buffer(img, &buf, &len, "strip", TRUE, "Q",
		    JPEG_QUALITY, "optimize_coding", TRUE, "interlace", TRUE,
		    NULL) != 0)
			return -1;
		image_keep(o, buf, len, IMAGE_JPEG, img);
	}
	return 0;
}

/* Encode an animation: a GIF stays one where this libvips writes GIF (it
 * needs cgif), anything else is an animated WebP. */
static int
image_save_animation(VipsImage *img, enum image_type source,
    struct image_out *o)
{
	void	*buf = NULL;
	size_t	 len = 0;

	if (source == IMAGE_GIF &&
	    vips_type_find("VipsOperation", "gifsave_buffer") != 0) {
		if (vips_gifsave_buffer(img, &buf, &len, "strip", TRUE,
		    NULL) != 0)
			return -1;
		image_keep(o, buf, len, IMAGE_GIF, img);
	} else {
		if (vips_webpsave_buffer(img, &buf, &len, "strip", TRUE, "Q",
		    WEBP_QUALITY, NULL) != 0)
			return -1;
		image_keep(o, buf, len, IMAGE_WEBP, img);
	}
	return 0;
}

/* img with transparency painted onto white. */
static int
image_flatten(VipsImage *img, VipsImage **out)
{
	VipsArrayDouble	*white;
	int		 rc;

	if (!vips_image_hasalpha(img)) {
		g_object_ref(img);
		*out = img;
		return 0;
	}
	white = vips_array_double_newv(1, 255.0);
	rc = vips_flatten(img, out, "background", white, NULL);
	vips_area_unref(VIPS_AREA(white));
	return rc;
}

/* The BlurHash of a still (in sRGB), from a few pixels of it. */
static int
image_blurhash(VipsImage *still, char *out, size_t outlen)
{
	VipsImage	*t = NULL, *u = NULL;
	void		*px = NULL;
	size_t		 n;
	int		 rc = -1;

	if (vips_thumbnail_image(still, &t, BLURHASH_SIDE, "height",
	    BLURHASH_SIDE, "size", VIPS_SIZE_DOWN, NULL) != 0 ||
	    image_flatten(t, &u) != 0)
		goto out;
	g_object_unref(t);
	t = NULL;
	if (vips_cast_uchar(u, &t, NULL) != 0 || vips_image_get_bands(t) != 3 ||
	    (px = vips_image_write_to_memory(t, &n)) == NULL)
		goto out;
	rc = blurhash_encode(px, vips_image_get_width(t),
	    vips_image_get_height(t), vips_image_get_width(t) * 3, BLURHASH_X,
	    BLURHASH_Y, out, outlen);
out:
	g_free(px);
	if (u != NULL)
		g_object_unref(u);
	if (t != NULL)
		g_object_unref(t);
	return rc;
}

/*
 * Make an upload into what hearth stores: the image decoded and written
 * again (fitting limits->max_side, never enlarged, orientation applied, no
 * metadata; an animated GIF or WebP stays animated unless limits->still),
 * a still thumbnail (when limits->thumb_side) and a BlurHash (when
 * limits->blurhash), all from one decode. The header is checked first:
 * type by magic bytes, at most limits->max_pixels pixels, frames counted.
 * 0 with *r filled (image_result_free), or -1 with *cause (free it; may be
 * NULL when cause is) and *r empty.
 */
int
image_process(const void *data, size_t len, const struct image_limits *lim,
    struct image_result *r, char **cause)
{
	struct image_header	 h;
	VipsImage		*t = NULL, *still = NULL, *anim = NULL;
	int64_t			 max = lim->max_pixels > 0 ? lim->max_pixels :
				     IMAGE_MAX_PIXELS;
	int			 side, rc = -1;

	memset(r, 0, sizeof *r);
	if (cause != NULL)
		*cause = NULL;
	if (image_header(data, len, max, &h, cause) != 0)
		goto out;
	r->source = h.type;
	r->source_width = h.width;
	r->source_height = h.height;
	side = lim->max_side > 0 ? lim->max_side : h.width > h.height ?
	    h.width : h.height;

	/* The first frame, decoded once into memory (at most the box): the
	 * original of a still, the thumbnail and the blur come from it. */
	if (image_decode(data, len, &h, side, lim->square, 0, &t) != 0 ||
	    (still = vips_image_copy_memory(t)) == NULL) {
		image_vips_fail(cause, DAMAGED);
		goto out;
	}
	if (h.pages > 1 && !lim->still) {
		/* Every frame decoded before the encoder starts (at most
		 * the pixels the header claimed): libvips 8.14's WebP
		 * writer leaks its encoder when a frame fails under it. */
		g_object_unref(t);
		t = NULL;
		if (image_decode(data, len, &h, side, lim->square, 1,
		    &t) != 0 || (anim = vips_image_copy_memory(t)) == NULL ||
		    image_save_animation(anim, h.type, &r->original) != 0) {
			image_vips_fail(cause, DAMAGED);
			goto out;
		}
		r->frames = vips_image_get_height(anim) /
		    vips_image_get_page_height(anim);
	} else {
		if (image_save_still(still, h.type == IMAGE_PNG ||
		    h.type == IMAGE_GIF, &r->original) != 0) {
			image_vips_fail(cause, DAMAGED);
			goto out;
		}
		r->frames = 1;
	}
	if (lim->thumb_side > 0) {
		if (t != NULL)
			g_object_unref(t);
		t = NULL;
		if (vips_thumbnail_image(still, &t, lim->thumb_side, "height",
		    lim->thumb_side, "size", VIPS_SIZE_DOWN, NULL) != 0 ||
		    image_save_still(t, 0, &r->thumb) != 0) {
			image_vips_fail(cause, "the thumbnail could not be "
			    "made");
			goto out;
		}
	}
	if (lim->blurhash && image_blurhash(still, r->blurhash,
	    sizeof r->blurhash) != 0) {
		image_vips_fail(cause, "the blurhash could not be made");
		goto out;
	}
	rc = 0;
out:
	if (anim != NULL)
		g_object_unref(anim);
	if (still != NULL)
		g_object_unref(still);
	if (t != NULL)
		g_object_unref(t);
	if (rc != 0)
		image_result_free(r);
	image_thread_done();
	return rc;
}

/*
 * The first page of a PDF as a JPEG fitting a side x side box, on white.
 * Only when the admin turned PDF previews on (media.pdf_previews): poppler
 * is a large parser libvips deems unfit for untrusted input. 0, or -1 with
 * *cause.
 */
int
image_pdf_preview(const void *data, size_t len, int side,
    struct image_out *out, char **cause)
{
	VipsImage	*t = NULL, *u = NULL;
	int		 rc = -1;

	memset(out, 0, sizeof *out);
	if (cause != NULL)
		*cause = NULL;
	if (len < 5 || memcmp(data, "%PDF-", 5) != 0)
		return image_fail(cause, "not a PDF");
	if (side < 1 || side > PDF_SIDE_MAX)
		return image_fail(cause, "a preview is 1 to %d pixels a side",
		    PDF_SIDE_MAX);
	if (image_ready(cause) != 0)
		return -1;
	/* Blocked, libvips would still let poppler parse the file before
	 * it refuses: it is not called at all. */
	if (!pdf_allowed)
		return image_fail(cause, "PDF previews are turned off "
		    "(media.pdf_previews)");
	if (vips_thumbnail_buffer((void *)data, len, &t, side, "height", side,
	    "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
	    "option_string", "page=0,fail_on=error", NULL) != 0 ||
	    image_flatten(t, &u) != 0) {
		image_vips_fail(cause, "the PDF is damaged or cannot be shown");
		goto out;
	}
	g_object_unref(t);
	t = NULL;
	if (image_srgb(u, &t) != 0) {
		image_vips_fail(cause, "the PDF is damaged or cannot be shown");
		goto out;
	}
	g_object_unref(u);
	u = NULL;
	if (image_strip(t, &u, 0) != 0 || image_save_still(u, 0, out) != 0) {
		image_vips_fail(cause, "the PDF is damaged or cannot be shown");
		goto out;
	}
	rc = 0;
out:
	if (u != NULL)
		g_object_unref(u);
	if (t != NULL)
		g_object_unref(t);
	image_thread_done();
	return rc;
}

/* Free an encoded image (it may be empty). */
void
image_out_free(struct image_out *o)
{
	free(o->data);
	memset(o, 0, sizeof *o);
}

/* Free what image_process made (it may be empty). */
void
image_result_free(struct image_result *r)
{
	image_out_free(&r->original);
	image_out_free(&r->thumb);
	memset(r, 0, sizeof *r);
}

/* The file extension of a type, without the dot; NULL for IMAGE_NONE. */
const char *
image_ext(enum image_type t)
{
	const struct image_kind	*k = image_kind(t);

	return k != NULL ? k->ext : NULL;
}

/* The media type of a type; NULL for IMAGE_NONE. */
const char *
image_mime(enum image_type t)
{
	const struct image_kind	*k = image_kind(t);

	return k != NULL ? k->mime : NULL;
}

/* The type image_ext gives that extension, or IMAGE_NONE. */
enum image_type
image_type_from_ext(const char *ext)
{
	size_t	i;

	if (ext == NULL)
		return IMAGE_NONE;
	for (i = 0; i < nitems(kinds); i++) {
		if (strcmp(ext, kinds[i].ext) == 0)
			return kinds[i].type;
	}
	return IMAGE_NONE;
}

/*
 * Relative luminance (WCAG 2) of an sRGB channel value, interpolated from
 * the curve sampled every 16 levels, in units of 1/10000. Linear
 * interpolation of a convex curve errs high, so contrast is never overstated.
 */
static double
luminance_channel(int c)
{
	static const int	lin[17] = {
		0, 52, 144, 296, 513, 802, 1170, 1620, 2159, 2789, 3515,
		4342, 5271, 6308, 7454, 8714, 10000	/* the last is at 255 */
	};
	int			i = c / 16, span = i == 15 ? 15 : 16;

	if (c >= 255)
		return 1.0;
	return (lin[i] + (lin[i + 1] - lin[i]) * (double)(c - i * 16) / span) /
	    10000.0;
}

/* Relative luminance of an sRGB colour. */
static double
luminance(const uint8_t rgb[3])
{
	return 0.2126 * luminance_channel(rgb[0]) +
	    0.7152 * luminance_channel(rgb[1]) +
	    0.0722 * luminance_channel(rgb[2]);
}

/* An sRGB colour from hue (degrees), saturation and lightness (0 to 1). */
static void
hsl_rgb(int hue, double s, double l, uint8_t rgb[3])
{
	double	c = (1 - (l > 0.5 ? 2 * l - 1 : 1 - 2 * l)) * s;
	double	h6 = hue / 60.0, x, m, r, g, b;
	int	sector = (int)h6;

	x = h6 - 2 * (int)(h6 / 2) - 1;		/* (h6 mod 2) - 1 */
	x = c * (1 - (x < 0 ? -x : x));
	m = l - c / 2;
	switch (sector) {
	case 0: r = c; g = x; b = 0; break;
	case 1: r = x; g = c; b = 0; break;
	case 2: r = 0; g = c; b = x; break;
	case 3: r = 0; g = x; b = c; break;
	case 4: r = x; g = 0; b = c; break;
	default: r = c; g = 0; b = x; break;
	}
	rgb[0] = (uint8_t)((r + m) * 255 + 0.5);
	rgb[1] = (uint8_t)((g + m) * 255 + 0.5);
	rgb[2] = (uint8_t)((b + m) * 255 + 0.5);
}

/*
 * The foreground colour: hue and saturation from the hash, then darkened
 * until it has a contrast of at least 4.5:1 (WCAG AA for text, more than
 * the 3:1 graphics need) against the light background.
 */
static void
identicon_colour(const uint8_t *md, uint8_t rgb[3])
{
	uint8_t	bg[3] = { IDENTICON_BG, IDENTICON_BG, IDENTICON_BG };
	int	hue = (md[0] << 8 | md[1]) % 360;
	double	s = 0.45 + md[2] / 255.0 * 0.3, l, lbg = luminance(bg);

	for (l = 0.55; l > 0.05; l -= 0.01) {
		hsl_rgb(hue, s, l, rgb);
		if ((lbg + 0.05) / (luminance(rgb) + 0.05) >= 4.5)
			return;
	}
}

/*
 * Write a default avatar for seed (a username) as a size x size PNG (16 to
 * 512): a horizontally symmetric 5x5 pattern of cells, GitHub style, with
 * colour and pattern from the SHA-256 of seed, so one name always gets the
 * same face. libvips writes the PNG (RGB, deflated: a few hundred bytes,
 * about a millisecond at 120 pixels).
 */
void
image_identicon(const char *seed, int size, struct evbuffer *out)
{
	uint8_t		 md[SHA256_DIGEST_LENGTH], fg[3], *px, *p;
	const uint8_t	*c;
	VipsImage	*img = NULL;
	void		*buf = NULL;
	size_t		 len = 0;
	int		 cells[5][5], cell, margin, x, y, cx, cy, i, on;

	if (size < IDENTICON_MIN)
		size = IDENTICON_MIN;
	if (size > IDENTICON_MAX)
		size = IDENTICON_MAX;
	SHA256((const unsigned char *)seed, strlen(seed), md);
	identicon_colour(md, fg);

	/* Columns 0-2 from 15 bits of the hash; 3 and 4 mirror 1 and 0. */
	for (i = 0; i < 15; i++) {
		cy = i % 5;
		cx = i / 5;
		cells[cy][cx] = md[4 + i / 8] >> (i % 8) & 1;
		cells[cy][4 - cx] = cells[cy][cx];
	}
	/* Five cells and half a cell of margin on each side. */
	cell = size / 6;
	margin = (size - 5 * cell) / 2;

	p = px = xmalloc((size_t)size * size * 3);
	for (y = 0; y < size; y++) {
		cy = (y - margin) / cell;
		for (x = 0; x < size; x++) {
			/* Draw the left half and mirror it, so the picture
			 * is symmetric to the pixel whatever the rounding. */
			cx = x < size - 1 - x ? x : size - 1 - x;
			on = y >= margin && cy <= 4 && cx >= margin &&
			    cells[cy][(cx - margin) / cell];
			c = on ? fg : (const uint8_t[3]){ IDENTICON_BG,
			    IDENTICON_BG, IDENTICON_BG };
			*p++ = c[0];
			*p++ = c[1];
			*p++ = c[2];
		}
	}
	if (image_ready(NULL) != 0 ||
	    (img = vips_image_new_from_memory_copy(px, (size_t)size * size * 3,
	    size, size, 3, VIPS_FORMAT_UCHAR)) == NULL)
		goto fail;
	/* RGB: a palette would need libimagequant, three times slower for
	 * a file of a few hundred bytes either way. */
	if (vips_pngsave_buffer(img, &buf, &len, "strip", TRUE, "compression",
	    9, NULL) != 0)
		goto fail;
	evbuffer_add(out, buf, len);
	goto out;
fail:
	log_msg(LOG_ERROR, "identicon: %s", vips_state_get() == VIPS_READY ?
	    vips_error_buffer() : "libvips is not running");
	vips_error_clear();
out:
	g_free(buf);
	if (img != NULL)
		g_object_unref(img);
	free(px);
	image_thread_done();
}

/*
 * Pixels made here (w x h, 3 bytes each, sRGB) as a PNG in out, to go
 * through image_process like an upload (the demo company's pictures).
 * 0, or -1 with *cause.
 */
int
image_from_rgb(const uint8_t *px, int w, int h, struct image_out *out,
    char **cause)
{
	VipsImage	*img = NULL;
	void		*buf = NULL;
	size_t		 len = 0;
	int		 rc = -1;

	memset(out, 0, sizeof *out);
	if (w <= 0 || h <= 0 || (int64_t)w * h > IMAGE_MAX_PIXELS) {
		if (cause != NULL)
			*cause = xstrdup("image_from_rgb: bad size");
		return -1;
	}
	if (image_ready(cause) != 0)
		return -1;
	if ((img = vips_image_new_from_memory_copy(px, (size_t)w * h * 3, w, h,
	    3, VIPS_FORMAT_UCHAR)) == NULL || vips_pngsave_buffer(img, &buf,
	    &len, "strip", TRUE, "compression", PNG_COMPRESSION, NULL) != 0) {
		image_vips_fail(cause, "the picture could not be written");
		goto out;
	}
	image_keep(out, buf, len, IMAGE_PNG, img);
	buf = NULL;
	rc = 0;
out:
	g_free(buf);
	if (img != NULL)
		g_object_unref(img);
	image_thread_done();
	return rc;
}
