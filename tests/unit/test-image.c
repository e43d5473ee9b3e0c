/*
 * Unit tests for image.c: what an upload becomes. Every sample is made here
 * by libvips (then given metadata, a damaged end or a second file by hand),
 * never downloaded: a phone's JPEG turned by its EXIF with a GPS position,
 * XMP and a comment; PNG with transparency; animated GIF and WebP; HEIC and
 * AVIF where libheif can write them; truncations, a header claiming ten
 * billion pixels, types that are no image, polyglots; the identicon.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <vips/vips.h>

#include "hearth.h"
#include "tap.h"

#define SECRET	"SECRET-48.8584N-2.2945E"

/* Whether needle (n bytes) occurs in the buffer. */
static int
contains(const void *hay, size_t len, const void *needle, size_t n)
{
	const uint8_t	*h = hay;
	size_t		 i;

	for (i = 0; i + n <= len; i++) {
		if (memcmp(h + i, needle, n) == 0)
			return 1;
	}
	return 0;
}

/* CRC-32 (PNG's), bit by bit. */
static uint32_t
crc32(const uint8_t *p, size_t n)
{
	uint32_t	c = 0xffffffffu;
	int		k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A malloc'ed copy of a buffer of libvips's (freed). */
static void *
keep(void *buf, size_t len)
{
	void	*out = xmalloc(len);

	memcpy(out, buf, len);
	g_free(buf);
	return out;
}

/* A w x h test card of bands bands (4: with transparency): a gradient,
 * so encoders have something to encode. */
static VipsImage *
card(int w, int h, int bands)
{
	VipsImage	*x = NULL, *t = NULL, *u = NULL, *out = NULL;

	vips_xyz(&x, w, h, NULL);
	vips_extract_band(x, &t, 0, NULL);
	vips_linear1(t, &u, 200.0 / w, 20.0, NULL);
	g_object_unref(t);
	g_object_unref(x);
	if (bands == 4) {
		VipsImage *b[4] = { u, u, u, u };

		vips_bandjoin(b, &t, 4, NULL);
	} else {
		VipsImage *b[3] = { u, u, u };

		vips_bandjoin(b, &t, 3, NULL);
	}
	g_object_unref(u);
	vips_cast_uchar(t, &out, NULL);
	g_object_unref(t);
	vips_image_set_int(out, "interpretation", VIPS_INTERPRETATION_sRGB);
	return out;
}

/* Encode a card as a type ("jpg", "png", "webp", "heic", "avif"),
 * metadata stripped; NULL when this libvips cannot. */
static void *
make(int w, int h, int bands, const char *suffix, size_t *len)
{
	VipsImage	*img = card(w, h, bands);
	void		*buf = NULL;
	char		 fmt[32];

	snprintf(fmt, sizeof fmt, ".%s[strip]", suffix);
	if (vips_image_write_to_buffer(img, fmt, &buf, len, NULL) != 0) {
		vips_error_clear();
		g_object_unref(img);
		return NULL;
	}
	g_object_unref(img);
	return keep(buf, *len);
}

/* An animation of n frames of w x h, each its own grey, as GIF or WebP. */
static void *
make_animation(int w, int h, int n, const char *suffix, size_t *len)
{
	VipsImage	*f[16], *all = NULL;
	void		*buf = NULL;
	int		 delay[16], i;
	char		 fmt[32];

	for (i = 0; i < n; i++) {
		VipsImage *t = card(w, h, 3);

		vips_linear1(t, &f[i], 1.0, 40.0 * i, NULL);
		g_object_unref(t);
		delay[i] = 100;
	}
	vips_arrayjoin(f, &all, n, "across", 1, NULL);
	for (i = 0; i < n; i++)
		g_object_unref(f[i]);
	{
		VipsImage *u = NULL;

		vips_cast_uchar(all, &u, NULL);
		g_object_unref(all);
		all = u;
	}
	vips_image_set_int(all, "page-height", h);
	vips_image_set_array_int(all, "delay", delay, n);
	vips_image_set_int(all, "loop", 0);
	snprintf(fmt, sizeof fmt, ".%s", suffix);
	if (vips_image_write_to_buffer(all, fmt, &buf, len, NULL) != 0) {
		vips_error_clear();
		g_object_unref(all);
		return NULL;
	}
	g_object_unref(all);
	return keep(buf, *len);
}

/*
 * A phone's photo: a 200 x 100 JPEG whose EXIF says to turn it (6: 90
 * degrees clockwise) and where it was taken (a GPS IFD carrying SECRET),
 * then XMP and a comment carrying SECRET too.
 */
static uint8_t *
make_phone(size_t *outlen)
{
	static const char	 xmp[] = "http://ns.adobe.com/xap/1.0/\0"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" SECRET "</x:xmpmeta>";
	/* TIFF, little-endian: IFD0 at 8 (orientation 6, GPS IFD at 38),
	 * the GPS IFD (latitude ref "N", a processing method at 68) */
	static const uint8_t	 tiff[] = {
		'I', 'I', 42, 0, 8, 0, 0, 0,
		2, 0,
		0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
		0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0,
		0, 0, 0, 0,
		2, 0,
		0x01, 0x00, 2, 0, 2, 0, 0, 0, 'N', 0, 0, 0,
		0x1b, 0x00, 7, 0, sizeof SECRET - 1, 0, 0, 0, 68, 0, 0, 0,
		0, 0, 0, 0
	};
	uint8_t			*jpeg, *out, seg[1024];
	size_t			 len, n = 0, k;

	jpeg = make(200, 100, 3, "jpg", &len);
	/* APP1 Exif */
	k = 6 + sizeof tiff + sizeof SECRET - 1;
	seg[n++] = 0xff;
	seg[n++] = 0xe1;
	seg[n++] = (k + 2) >> 8;
	seg[n++] = (k + 2) & 0xff;
	memcpy(seg + n, "Exif\0\0", 6);
	n += 6;
	memcpy(seg + n, tiff, sizeof tiff);
	n += sizeof tiff;
	memcpy(seg + n, SECRET, sizeof SECRET - 1);
	n += sizeof SECRET - 1;
	/* APP1 XMP */
	k = sizeof xmp - 1;
	seg[n++] = 0xff;
	seg[n++] = 0xe1;
	seg[n++] = (k + 2) >> 8;
	seg[n++] = (k + 2) & 0xff;
	memcpy(seg + n, xmp, k);
	n += k;
	/* COM */
	k = sizeof SECRET - 1;
	seg[n++] = 0xff;
	seg[n++] = 0xfe;
	seg[n++] = (k + 2) >> 8;
	seg[n++] = (k + 2) & 0xff;
	memcpy(seg + n, SECRET, k);
	n += k;

	*outlen = len + n;
	out = xmalloc(*outlen);
	memcpy(out, jpeg, 2);
	memcpy(out + 2, seg, n);
	memcpy(out + 2 + n, jpeg + 2, len - 2);
	free(jpeg);
	return out;
}

/* A PNG header claiming w x h (IHDR with its CRC), a stub IDAT, IEND. */
static size_t
make_png_header(uint8_t *b, uint32_t w, uint32_t h)
{
	static const uint8_t	tail[] = {
		0, 0, 0, 2, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0, 0, 0, 0,
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
	};

	memcpy(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	put32(b + 16, w);
	put32(b + 20, h);
	b[24] = 8;	/* depth */
	b[25] = 6;	/* RGBA */
	b[26] = b[27] = b[28] = 0;
	put32(b + 29, crc32(b + 12, 17));
	memcpy(b + 33, tail, sizeof tail);
	put32(b + 33 + 14, crc32(b + 33 + 4, 6));
	return 33 + sizeof tail;
}

/* The encoded image read back by libvips (to unref), or NULL. */
static VipsImage *
reload(const struct image_out *o)
{
	VipsImage	*img;

	img = vips_image_new_from_buffer(o->data, o->len, "", NULL);
	if (img == NULL)
		vips_error_clear();
	return img;
}

/* Whether an encoded image carries any metadata a person could leak. */
static int
has_metadata(const struct image_out *o)
{
	static const char *const leaks[] = {
		VIPS_META_EXIF_NAME, VIPS_META_XMP_NAME, VIPS_META_IPTC_NAME,
		VIPS_META_ICC_NAME, VIPS_META_PHOTOSHOP_NAME,
		VIPS_META_ORIENTATION, "jpeg-comment-0", "png-comment-0-",
		"gif-comment"
	};
	VipsImage	 *img = reload(o);
	gchar		**fields;
	size_t		  i, k;
	int		  found = 0;

	if (img == NULL)
		return 1;
	fields = vips_image_get_fields(img);
	for (i = 0; fields[i] != NULL; i++) {
		for (k = 0; k < nitems(leaks); k++) {
			if (strncmp(fields[i], leaks[k], strlen(leaks[k])) == 0) {
				printf("# field %s\n", fields[i]);
				found = 1;
			}
		}
	}
	g_strfreev(fields);
	g_object_unref(img);
	return found;
}

/* Whether s is a BlurHash of 4x3 components: its length, its alphabet,
 * its size flag. */
static int
blurhash_ok(const char *s)
{
	static const char	 b83[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
	size_t			 i;

	if (strlen(s) != 4 + 2 * 4 * 3)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (strchr(b83, s[i]) == NULL)
			return 0;
	}
	return s[0] == b83[(4 - 1) + (3 - 1) * 9];
}

/* Process; the cause printed and freed. */
static int
process(const void *d, size_t len, const struct image_limits *lim,
    struct image_result *r)
{
	char	*cause = NULL;
	int	 rc;

	rc = image_process(d, len, lim, r, &cause);
	if (rc != 0)
		printf("# cause: %s\n", cause ? cause : "(none)");
	free(cause);
	return rc;
}

/* Whether processing fails with a cause containing want. */
static int
refused(const void *d, size_t len, const struct image_limits *lim,
    const char *want)
{
	struct image_result	 r;
	char			*cause = NULL;
	int			 rc, good;

	rc = image_process(d, len, lim, &r, &cause);
	good = rc == -1 && cause != NULL && strstr(cause, want) != NULL &&
	    r.original.data == NULL;
	printf("# refused: %s\n", cause ? cause : "(no cause)");
	free(cause);
	if (rc == 0)
		image_result_free(&r);
	return good;
}

/* Seconds since some start. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Peak resident memory, KiB. */
static long
peak_kib(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A one-page PDF of 200 x 100 points with a red square, by hand. */
static char *
make_pdf(size_t *len)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] "
		    "/Contents 4 0 R >>",
		"<< /Length 25 >>\nstream\n1 0 0 rg 0 0 100 100 re f\n"
		    "endstream",
	};
	char	*p = xmalloc(4096);
	size_t	 off[4], n, i, x;

	n = sprintf(p, "%%PDF-1.4\n");
	for (i = 0; i < nitems(objs); i++) {
		off[i] = n;
		n += sprintf(p + n, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	x = n;
	n += sprintf(p + n, "xref\n0 5\n0000000000 65535 f \n");
	for (i = 0; i < nitems(objs); i++)
		n += sprintf(p + n, "%010zu 00000 n \n", off[i]);
	n += sprintf(p + n, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n"
	    "%zu\n%%%%EOF\n", x);
	*len = n;
	return p;
}

/*
 * In a child that starts libvips itself with PDF previews on (the admin's
 * choice): a preview is made, and an upload of the same PDF as an image is
 * still refused. Its exit status says which step failed.
 */
static int
pdf_child(void)
{
	struct image_limits	 lim = { .max_side = 100 };
	struct image_result	 r;
	struct image_out	 o;
	VipsImage		*img;
	char			*pdf, *cause = NULL;
	size_t			 len;

	image_setup(1);
	pdf = make_pdf(&len);
	if (image_pdf_preview(pdf, len, 64, &o, &cause) != 0) {
		fprintf(stderr, "pdf: %s\n", cause);
		return 1;
	}
	if (o.type != IMAGE_JPEG || o.width != 64 || o.height != 32)
		return 2;
	if ((img = reload(&o)) == NULL || vips_image_get_width(img) != 64)
		return 3;
	g_object_unref(img);
	image_out_free(&o);
	if (image_process(pdf, len, &lim, &r, &cause) == 0)
		return 4;
	free(cause);
	free(pdf);
	image_shutdown();
	return 0;
}

/* Run pdf_child in a process of its own (libvips starts once a process,
 * so before this one starts it). */
static int
pdf_in_child(void)
{
	pid_t	pid;
	int	status;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(pdf_child());
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

struct thread_job {
	const void	*data;
	size_t		 len;
	int		 ok;
};

/* One of several threads processing at once. */
static void *
thread_run(void *arg)
{
	struct thread_job	*j = arg;
	struct image_limits	 lim = { .max_side = 64, .thumb_side = 32,
				     .blurhash = 1 };
	struct image_result	 r;
	int			 i;

	j->ok = 1;
	for (i = 0; i < 5; i++) {
		if (image_process(j->data, j->len, &lim, &r, NULL) != 0 ||
		    r.original.width != 64 || r.thumb.width != 32 ||
		    !blurhash_ok(r.blurhash))
			j->ok = 0;
		image_result_free(&r);
	}
	return NULL;
}

int
main(void)
{
	struct image_limits	 lim = { .max_side = 150, .thumb_side = 64,
				     .blurhash = 1 };
	struct image_result	 r;
	struct evbuffer		*b;
	VipsImage		*img;
	enum image_type		 t;
	uint8_t			*d, *d2, big[128];
	char			*cause = NULL, *s;
	size_t			 len, len2, n;
	double			 t0;
	long			 mem0;
	int			 w, h, i, pdf;

	/* Before libvips starts here: the child must start it itself. */
	pdf = pdf_in_child();
	ok(pdf == 0, "with media.pdf_previews on, a PDF's first page becomes "
	    "a JPEG preview, and the PDF is still no image (child: %d)", pdf);
	image_setup(0);

	/* Names of the types. */
	is_str(image_ext(IMAGE_JPEG), "jpg", "ext jpg");
	is_str(image_ext(IMAGE_HEIF), "heic", "ext heic");
	is_str(image_mime(IMAGE_HEIF), "image/heic", "mime heic");
	is_str(image_mime(IMAGE_WEBP), "image/webp", "mime webp");
	ok(image_ext(IMAGE_NONE) == NULL && image_mime(IMAGE_NONE) == NULL,
	    "no ext or mime for IMAGE_NONE");
	ok(image_type_from_ext("gif") == IMAGE_GIF &&
	    image_type_from_ext("png") == IMAGE_PNG &&
	    image_type_from_ext("heic") == IMAGE_HEIF &&
	    image_type_from_ext("PNG") == IMAGE_NONE &&
	    image_type_from_ext("svg") == IMAGE_NONE &&
	    image_type_from_ext("") == IMAGE_NONE &&
	    image_type_from_ext(NULL) == IMAGE_NONE, "image_type_from_ext");

	/* Sniffing: the type by content, the size from the header. */
	d = make(300, 200, 3, "jpg", &len);
	ok(image_sniff(d, len, &t, &w, &h, &cause) == 0 && t == IMAGE_JPEG &&
	    w == 300 && h == 200, "sniff: a 300x200 JPEG");
	free(d);
	d = make(30, 20, 4, "png", &len);
	ok(image_sniff(d, len, &t, &w, &h, NULL) == 0 && t == IMAGE_PNG &&
	    w == 30 && h == 20, "sniff: a 30x20 PNG");
	free(d);
	d = make(30, 20, 3, "webp", &len);
	ok(image_sniff(d, len, &t, &w, &h, NULL) == 0 && t == IMAGE_WEBP &&
	    w == 30 && h == 20, "sniff: a 30x20 WebP");
	free(d);
	d = make_animation(40, 30, 3, "gif", &len);
	ok(d != NULL && image_sniff(d, len, &t, &w, &h, NULL) == 0 &&
	    t == IMAGE_GIF && w == 40 && h == 30, "sniff: a GIF of 40x30 "
	    "frames");
	free(d);
	ok(image_sniff("x", 1, &t, &w, &h, NULL) == -1 && t == IMAGE_NONE,
	    "sniff: cause may be NULL");
	n = make_png_header(big, 8192, 8192);
	ok(image_sniff(big, n, &t, &w, &h, &cause) == 0 && w == 8192,
	    "sniff: a PNG header of 8192x8192 is allowed");
	n = make_png_header(big, 8193, 8192);
	ok(image_sniff(big, n, &t, &w, &h, &cause) == -1 && cause != NULL &&
	    strstr(cause, "8193x8192 PNG is more than 67108864 pixels") !=
	    NULL, "sniff: 8193x8192 is not: %s", cause ? cause : "");
	free(cause);
	cause = NULL;

	/* A phone's photo: turned, fitted, and nothing but its pixels. */
	d = make_phone(&len);
	ok(contains(d, len, SECRET, strlen(SECRET)), "the phone's JPEG "
	    "carries the secret");
	img = vips_image_new_from_buffer(d, len, "", NULL);
	ok(img != NULL && vips_image_get_orientation(img) == 6 &&
	    vips_image_get_typeof(img, VIPS_META_EXIF_NAME) != 0 &&
	    vips_image_get_typeof(img, VIPS_META_XMP_NAME) != 0,
	    "... libvips reads its EXIF (orientation 6) and XMP");
	if (img != NULL)
		g_object_unref(img);
	ok(process(d, len, &lim, &r) == 0, "a phone's JPEG is processed");
	ok(r.source == IMAGE_JPEG && r.source_width == 100 &&
	    r.source_height == 200 && r.frames == 1,
	    "... a JPEG of 100x200 once turned (%dx%d)", r.source_width,
	    r.source_height);
	ok(r.original.type == IMAGE_JPEG && r.original.width == 75 &&
	    r.original.height == 150, "... turned and fitted in 150: a "
	    "75x150 JPEG (%dx%d)", r.original.width, r.original.height);
	ok(r.original.len > 3 && memcmp(r.original.data, "\xff\xd8\xff", 3) ==
	    0, "... which starts as a JPEG does");
	ok(!contains(r.original.data, r.original.len, SECRET, strlen(SECRET)),
	    "... without the position, in any segment");
	ok(!contains(r.original.data, r.original.len, "Exif", 4) &&
	    !contains(r.original.data, r.original.len, "GPS", 3),
	    "... without EXIF");
	ok(!contains(r.original.data, r.original.len, "ns.adobe.com", 12) &&
	    !contains(r.original.data, r.original.len, "xmp", 3),
	    "... without XMP");
	ok(!has_metadata(&r.original), "... and libvips finds no EXIF, XMP, "
	    "IPTC, ICC, orientation or comment in it");
	ok(r.thumb.type == IMAGE_JPEG && r.thumb.width == 32 &&
	    r.thumb.height == 64 && !has_metadata(&r.thumb) &&
	    !contains(r.thumb.data, r.thumb.len, SECRET, strlen(SECRET)),
	    "... its thumbnail is a 32x64 JPEG without metadata");
	ok(blurhash_ok(r.blurhash), "... and its blurhash is 4x3 "
	    "components: %s", r.blurhash);
	image_result_free(&r);
	ok(r.original.data == NULL && r.thumb.data == NULL,
	    "image_result_free empties the result");
	image_result_free(&r);

	/* No thumbnail or blurhash unless asked for; cause may be NULL. */
	{
		struct image_limits l = { .max_side = 400 };

		ok(image_process(d, len, &l, &r, NULL) == 0 &&
		    r.thumb.data == NULL && r.blurhash[0] == '\0' &&
		    r.original.width == 100 && r.original.height == 200,
		    "no thumbnail or blurhash unless asked, never enlarged");
		image_result_free(&r);
	}
	free(d);

	/* Transparency: a PNG it stays. */
	d = make(1600, 800, 4, "png", &len);
	{
		struct image_limits l = { .max_side = 400, .thumb_side = 100,
		    .blurhash = 1 };

		ok(process(d, len, &l, &r) == 0 &&
		    r.original.type == IMAGE_PNG && r.original.width == 400 &&
		    r.original.height == 200, "a large PNG with alpha: a "
		    "400x200 PNG (%dx%d)", r.original.width,
		    r.original.height);
		ok(r.thumb.type == IMAGE_PNG && r.thumb.width == 100 &&
		    blurhash_ok(r.blurhash), "... its thumbnail a PNG too, "
		    "and a blurhash on white");
		img = reload(&r.original);
		ok(img != NULL && vips_image_hasalpha(img), "... which keeps "
		    "its alpha");
		if (img != NULL)
			g_object_unref(img);
		image_result_free(&r);
		l.max_side = 4000;
		ok(process(d, len, &l, &r) == 0 && r.original.width == 1600,
		    "... and is never enlarged");
		image_result_free(&r);
	}
	free(d);

	/* Square: both cut from the middle. */
	d = make(300, 200, 3, "jpg", &len);
	{
		struct image_limits l = { .max_side = 100, .thumb_side = 40,
		    .square = 1 };

		ok(process(d, len, &l, &r) == 0 && r.original.width == 100 &&
		    r.original.height == 100 && r.thumb.width == 40 &&
		    r.thumb.height == 40, "square: 100x100 and 40x40 "
		    "(%dx%d, %dx%d)", r.original.width, r.original.height,
		    r.thumb.width, r.thumb.height);
		image_result_free(&r);
		l.max_side = 1000;
		ok(process(d, len, &l, &r) == 0 && r.original.width == 200 &&
		    r.original.height == 200, "square, small: 200x200, not "
		    "enlarged (%dx%d)", r.original.width, r.original.height);
		image_result_free(&r);
	}
	free(d);

	/* WebP in: a JPEG out (no alpha). */
	d = make(120, 90, 3, "webp", &len);
	ok(d != NULL && process(d, len, &lim, &r) == 0 &&
	    r.source == IMAGE_WEBP && r.original.type == IMAGE_JPEG &&
	    r.original.width == 120, "a WebP becomes a JPEG");
	image_result_free(&r);
	free(d);

	/* An animated GIF: animated it stays, its thumbnail a still. */
	d = make_animation(40, 30, 3, "gif", &len);
	{
		struct image_limits l = { .max_side = 20, .thumb_side = 10,
		    .blurhash = 1 };

		ok(d != NULL && process(d, len, &l, &r) == 0 &&
		    r.source == IMAGE_GIF && r.frames == 3 &&
		    r.source_width == 40 && r.source_height == 30,
		    "an animated GIF of 3 frames (%d)", r.frames);
		ok((r.original.type == IMAGE_GIF ||
		    r.original.type == IMAGE_WEBP) && r.original.width == 20 &&
		    r.original.height == 15, "... kept animated, as a %s of "
		    "20x15 frames (%dx%d)", image_ext(r.original.type),
		    r.original.width, r.original.height);
		img = vips_image_new_from_buffer(r.original.data,
		    r.original.len, "n=-1", NULL);
		ok(img != NULL && vips_image_get_n_pages(img) == 3 &&
		    vips_image_get_page_height(img) == 15 &&
		    vips_image_get_typeof(img, "delay") != 0,
		    "... three frames with their delays, read back");
		if (img != NULL)
			g_object_unref(img);
		img = reload(&r.thumb);
		ok(img != NULL && r.thumb.type != IMAGE_GIF &&
		    r.thumb.type != IMAGE_WEBP && r.thumb.width == 10 &&
		    vips_image_get_n_pages(img) == 1, "... its thumbnail a "
		    "still %s", image_ext(r.thumb.type));
		if (img != NULL)
			g_object_unref(img);
		ok(blurhash_ok(r.blurhash), "... with a blurhash");
		image_result_free(&r);

		l.square = 1;
		ok(process(d, len, &l, &r) == 0 && r.frames == 3 &&
		    r.original.width == 20 && r.original.height == 20,
		    "... square: every frame cut, 3 frames of 20x20 "
		    "(%d of %dx%d)", r.frames, r.original.width,
		    r.original.height);
		image_result_free(&r);

		l.square = 0;
		l.still = 1;
		ok(process(d, len, &l, &r) == 0 && r.frames == 1 &&
		    r.original.type != IMAGE_GIF, "... still: its first "
		    "frame alone (%s)", image_ext(r.original.type));
		image_result_free(&r);

		/* Every frame counts against the limit. */
		l.still = 0;
		l.max_pixels = 40 * 30 * 2;
		ok(refused(d, len, &l, "40x30 GIF of 3 frames is more than "
		    "2400 pixels"), "... refused when its frames together "
		    "are too many pixels");
	}
	free(d);

	/* An animated WebP stays an animated WebP. */
	d = make_animation(40, 30, 3, "webp", &len);
	{
		struct image_limits l = { .max_side = 20 };

		ok(d != NULL && process(d, len, &l, &r) == 0 &&
		    r.frames == 3 && r.original.type == IMAGE_WEBP &&
		    r.original.width == 20 && r.original.height == 15,
		    "an animated WebP stays one: 3 frames of 20x15");
		image_result_free(&r);
	}
	free(d);

	/* HEIC and AVIF, where libheif can write them here. */
	if ((d = make(64, 48, 3, "heic", &len)) == NULL)
		printf("ok %d # SKIP libheif cannot write HEIC here\n", ++tap_n);
	else {
		ok(process(d, len, &lim, &r) == 0 && r.source == IMAGE_HEIF &&
		    r.original.type == IMAGE_JPEG && r.original.width == 64 &&
		    r.original.height == 48, "a HEIC photo becomes a JPEG");
		image_result_free(&r);
		free(d);
	}
	if ((d = make(64, 48, 3, "avif", &len)) == NULL)
		printf("ok %d # SKIP libheif cannot write AVIF here\n", ++tap_n);
	else {
		ok(process(d, len, &lim, &r) == 0 && r.source == IMAGE_HEIF &&
		    r.original.type == IMAGE_JPEG, "an AVIF becomes a JPEG");
		image_result_free(&r);
		free(d);
	}

	/* Truncated and damaged files. */
	d = make(256, 256, 3, "jpg", &len);
	ok(refused(d, 200, &lim, "truncated or damaged"), "a JPEG cut in its "
	    "header is refused");
	ok(refused(d, len / 2, &lim, "truncated or damaged"), "a JPEG cut in "
	    "its pixels is refused");
	free(d);
	d = make(256, 256, 3, "png", &len);
	ok(refused(d, len / 2, &lim, "truncated or damaged"), "a PNG cut in "
	    "its pixels is refused");
	free(d);

	/* A decompression bomb: refused from its header, at once. */
	n = make_png_header(big, 100000, 100000);
	mem0 = peak_kib();
	t0 = now();
	ok(refused(big, n, &lim, "a 100000x100000 PNG is more than 67108864 "
	    "pixels"), "a PNG claiming 100000x100000 pixels is refused");
	ok(now() - t0 < 0.5 && peak_kib() - mem0 < 16 * 1024,
	    "... before decoding: %.3f s, %ld KiB more", now() - t0,
	    peak_kib() - mem0);
	{
		struct image_limits l = { .max_side = 100, .max_pixels = 1000 };

		d = make(40, 30, 3, "jpg", &len);
		ok(refused(d, len, &l, "a 40x30 JPEG is more than 1000 pixels"),
		    "the caller's max_pixels holds");
		free(d);
	}

	/* Not images at all. */
	s = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
	ok(refused(s, strlen(s), &lim, "SVG images are not accepted"), "SVG");
	s = "\xef\xbb\xbf  <?xml version=\"1.0\"?><svg/>";
	ok(refused(s, strlen(s), &lim, "SVG"), "SVG as XML, after a BOM");
	s = "<!DOCTYPE html><html><script>alert(1)</script></html>";
	ok(refused(s, strlen(s), &lim, "HTML is not an image"), "HTML");
	s = make_pdf(&len);
	ok(refused(s, len, &lim, "a PDF is not an image"), "PDF");
	i = image_pdf_preview(s, len, 64, &r.original, &cause);
	ok(i == -1 && cause != NULL && strstr(cause, "turned off") != NULL,
	    "a PDF preview while PDF previews are off: %s", cause);
	free(cause);
	cause = NULL;
	free(s);
	ok(refused("II*\0\x08\0\0\0", 8, &lim, "TIFF"), "TIFF");
	ok(refused("BM\x36\0\0\0", 6, &lim, "BMP"), "BMP");
	ok(refused("\0\0\0\x18" "ftypmp42\0\0\0\0mp42isom", 24, &lim,
	    "not a HEIC or AVIF"), "an MP4 video");
	ok(refused("", 0, &lim, "not a PNG, JPEG"), "nothing");
	ok(refused("GIF89a", 6, &lim, "truncated or damaged"), "a GIF "
	    "signature alone");

	/* Polyglots: what follows the image's end is not kept. */
	d = make(64, 64, 3, "jpg", &len);
	s = "<html><script>alert(document.cookie)</script></html>";
	d2 = xmalloc(len + strlen(s));
	memcpy(d2, d, len);
	memcpy(d2 + len, s, strlen(s));
	ok(process(d2, len + strlen(s), &lim, &r) == 0 &&
	    r.original.type == IMAGE_JPEG &&
	    !contains(r.original.data, r.original.len, "<script", 7) &&
	    !contains(r.original.data, r.original.len, "<html", 5),
	    "a JPEG with HTML after its end: a fresh JPEG without it");
	ok(r.original.len != len || memcmp(r.original.data, d, len) != 0,
	    "... written again, not passed through");
	image_result_free(&r);
	free(d2);
	{
		/* a ZIP of one stored file, then its central directory */
		static const uint8_t zip[] = {
			'P', 'K', 3, 4, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0,
			'e', 'v', 'i', 'l', 'x', 'h', 'e', 'l', 'l', 'o',
			'P', 'K', 1, 2, 20, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'e', 'v', 'i',
			'l', 'x',
			'P', 'K', 5, 6, 0, 0, 0, 0, 1, 0, 1, 0, 51, 0, 0, 0,
			40, 0, 0, 0, 0, 0
		};

		len2 = len + sizeof zip;
		d2 = xmalloc(len2);
		memcpy(d2, d, len);
		memcpy(d2 + len, zip, sizeof zip);
		ok(process(d2, len2, &lim, &r) == 0 &&
		    !contains(r.original.data, r.original.len, "PK\3\4", 4) &&
		    !contains(r.original.data, r.original.len, "PK\5\6", 4) &&
		    !contains(r.original.data, r.original.len, "evilx", 5),
		    "a JPEG with a ZIP after its end: a fresh JPEG without it");
		image_result_free(&r);
		free(d2);
	}

	/* Several threads at once, libvips's one worker each. */
	{
		struct thread_job	jobs[4];
		pthread_t		th[4];
		int			all = 1;

		for (i = 0; i < 4; i++) {
			jobs[i].data = d;
			jobs[i].len = len;
			pthread_create(&th[i], NULL, thread_run, &jobs[i]);
		}
		for (i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			all &= jobs[i].ok;
		}
		ok(all, "four threads processing at once");
	}
	free(d);

	/* Identicons: PNGs libvips reads back at the size asked for. */
	{
		static const int	sizes[] = { 1, 16, 17, 48, 120, 400,
					    100000 };
		static const int	want[] = { 16, 16, 17, 48, 120, 400,
					    512 };
		size_t			k;
		int			good = 1;

		for (k = 0; k < nitems(sizes); k++) {
			b = evbuffer_new();
			image_identicon("ada", sizes[k], b);
			img = vips_image_new_from_buffer(evbuffer_pullup(b, -1),
			    evbuffer_get_length(b), "", NULL);
			if (img == NULL || vips_image_get_width(img) !=
			    want[k] || vips_image_get_height(img) != want[k] ||
			    memcmp(evbuffer_pullup(b, 8), "\x89PNG\r\n\x1a\n",
			    8) != 0 || image_sniff(evbuffer_pullup(b, -1),
			    evbuffer_get_length(b), &t, &w, &h, NULL) != 0 ||
			    t != IMAGE_PNG || w != want[k]) {
				printf("# identicon %d\n", sizes[k]);
				good = 0;
			}
			if (img != NULL)
				g_object_unref(img);
			evbuffer_free(b);
		}
		ok(good, "identicons are PNGs of the size asked, 16 to 512");
	}
	{
		struct evbuffer	*b2 = evbuffer_new();
		uint8_t		*px;
		size_t		 sz;
		int		 x, y, other = 0, sym = 1;

		b = evbuffer_new();
		image_identicon("ada", 120, b);
		image_identicon("ada", 120, b2);
		ok(evbuffer_get_length(b) == evbuffer_get_length(b2) &&
		    memcmp(evbuffer_pullup(b, -1), evbuffer_pullup(b2, -1),
		    evbuffer_get_length(b)) == 0, "identicon: same seed, same "
		    "PNG");
		evbuffer_drain(b2, evbuffer_get_length(b2));
		image_identicon("grace", 120, b2);
		ok(evbuffer_get_length(b) != evbuffer_get_length(b2) ||
		    memcmp(evbuffer_pullup(b, -1), evbuffer_pullup(b2, -1),
		    evbuffer_get_length(b)) != 0, "identicon: other seed, "
		    "other PNG");
		/* grey background in the corner, mirrored left to right */
		img = vips_image_new_from_buffer(evbuffer_pullup(b, -1),
		    evbuffer_get_length(b), "", NULL);
		{
			VipsImage *rgb = NULL;

			vips_colourspace(img, &rgb, VIPS_INTERPRETATION_sRGB,
			    NULL);
			px = vips_image_write_to_memory(rgb, &sz);
			g_object_unref(rgb);
		}
		for (y = 0; y < 120; y++) {
			for (x = 0; x < 120; x++) {
				uint8_t *p = px + (y * 120 + x) * 3;
				uint8_t *q = px + (y * 120 + 119 - x) * 3;

				if (memcmp(p, q, 3) != 0)
					sym = 0;
				if (p[0] != 0xf0 || p[1] != 0xf0 ||
				    p[2] != 0xf0)
					other = 1;
			}
		}
		ok(px[0] == 0xf0 && px[1] == 0xf0 && px[2] == 0xf0 && other &&
		    sym, "identicon: light grey corners, a coloured pattern, "
		    "symmetric");
		g_free(px);
		g_object_unref(img);
		evbuffer_free(b);
		evbuffer_free(b2);
	}

	image_shutdown();
	i = image_sniff("\x89PNG\r\n\x1a\n", 8, &t, &w, &h, &cause);
	ok(i == -1 && cause != NULL, "after image_shutdown, images are "
	    "refused: %s", cause);
	free(cause);
	return done_testing();
}
