/*
 * Unit tests for the bridge's image.c: what an image from outside becomes.
 * The inputs are made here (by libvips, then given metadata segments by
 * hand): a phone's JPEG with an orientation and a GPS position in EXIF,
 * XMP and a comment; a large PNG with transparency; a header claiming
 * more pixels than allowed; a file that is no image; a truncated one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "image.h"
#include "tap.h"

#define SECRET	"SECRET-48.8584N-2.2945E"

/* Whether needle (n bytes) occurs in the buffer. */
static int
contains(const void *hay, size_t len, const void *needle, size_t n)
{
	const uint8_t	*h = hay;
	size_t		 i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(h + i, needle, n) == 0)
			return 1;
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

/* A w x h JPEG or PNG (alpha) made by libvips, metadata kept. */
static void *
make_image(int w, int h, int alpha, int orientation, size_t *len)
{
	VipsImage	*img = NULL, *t = NULL;
	void		*buf = NULL, *out;

	vips_black(&t, w, h, "bands", alpha ? 4 : 3, NULL);
	vips_linear1(t, &img, 1.0, 128.0, NULL);	/* grey, not black */
	g_object_unref(t);
	t = NULL;
	vips_cast_uchar(img, &t, NULL);
	g_object_unref(img);
	img = t;
	vips_image_set_int(img, "orientation", orientation);
	if (alpha)
		vips_pngsave_buffer(img, &buf, len, NULL);
	else
		vips_jpegsave_buffer(img, &buf, len, "strip", FALSE, NULL);
	g_object_unref(img);
	out = malloc(*len);
	memcpy(out, buf, *len);
	g_free(buf);
	return out;
}

/* Insert JPEG segments after SOI: EXIF (with a GPS tag's bytes), XMP and
 * a comment, each carrying SECRET. */
static uint8_t *
with_metadata(const uint8_t *jpeg, size_t len, size_t *outlen)
{
	static const char	 xmp[] = "http://ns.adobe.com/xap/1.0/\0"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" SECRET "</x:xmpmeta>";
	uint8_t			 seg[512], *out;
	size_t			 n = 0, k;

	/* APP1 Exif: a little-endian TIFF header and an IFD0 whose one
	 * entry is the GPS IFD pointer, then the "GPS" bytes themselves */
	{
		static const uint8_t exif[] = {
			'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
			1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0,
			0, 0, 0, 0
		};
		k = sizeof exif + sizeof SECRET;
		seg[n++] = 0xff;
		seg[n++] = 0xe1;
		seg[n++] = (k + 2) >> 8;
		seg[n++] = (k + 2) & 0xff;
		memcpy(seg + n, exif, sizeof exif);
		n += sizeof exif;
		memcpy(seg + n, SECRET, sizeof SECRET);
		n += sizeof SECRET;
	}
	k = sizeof xmp - 1;
	seg[n++] = 0xff;
	seg[n++] = 0xe1;
	seg[n++] = (k + 2) >> 8;
	seg[n++] = (k + 2) & 0xff;
	memcpy(seg + n, xmp, k);
	n += k;
	k = sizeof SECRET - 1;
	seg[n++] = 0xff;
	seg[n++] = 0xfe;
	seg[n++] = (k + 2) >> 8;
	seg[n++] = (k + 2) & 0xff;
	memcpy(seg + n, SECRET, k);
	n += k;

	*outlen = len + n;
	out = malloc(*outlen);
	memcpy(out, jpeg, 2);
	memcpy(out + 2, seg, n);
	memcpy(out + 2 + n, jpeg + 2, len - 2);
	return out;
}

int
main(void)
{
	struct image_encoded	 e;
	uint8_t			*src, *phone;
	size_t			 len, plen;
	char			*cause = NULL;

	if (VIPS_INIT("test-image-encode") != 0)
		return 1;

	/* A phone's photo: 200 x 100, to be shown turned (orientation 6). */
	src = make_image(200, 100, 0, 6, &len);
	ok(image_reencode(src, len, 400, &e, &cause) == 0, "a turned JPEG");
	ok(e.width == 100 && e.height == 200, "... is turned as the camera "
	    "said (%dx%d)", e.width, e.height);
	ok(e.len > 3 && memcmp(e.data, "\xff\xd8\xff", 3) == 0 &&
	    strcmp(e.type, "image/jpeg") == 0, "... and is a JPEG");
	image_encoded_free(&e);
	free(src);

	/* ... with a position in EXIF, XMP and a comment. */
	src = make_image(200, 100, 0, 1, &len);
	phone = with_metadata(src, len, &plen);
	ok(contains(phone, plen, SECRET, strlen(SECRET)), "the input carries "
	    "the secret");
	ok(image_reencode(phone, plen, 400, &e, &cause) == 0, "a phone's "
	    "JPEG is read and written again");
	if (cause != NULL)
		printf("# %s\n", cause);
	is_str(e.type, "image/jpeg", "... as a JPEG (no transparency)");
	ok(!contains(e.data, e.len, SECRET, strlen(SECRET)), "... without "
	    "the position, in any segment");
	ok(!contains(e.data, e.len, "Exif", 4), "... without EXIF");
	ok(!contains(e.data, e.len, "http://ns.adobe.com/xap", 23),
	    "... without XMP");
	image_encoded_free(&e);
	free(phone);
	free(src);

	/* Big, with transparency: fitted into the box, kept a PNG. */
	src = make_image(1600, 800, 1, 1, &len);
	ok(image_reencode(src, len, 400, &e, &cause) == 0, "a large PNG");
	ok(strcmp(e.type, "image/png") == 0 && e.width == 400 &&
	    e.height == 200,
	    "... fits in 400 pixels a side, still a PNG with its alpha "
	    "(%dx%d)", e.width, e.height);
	image_encoded_free(&e);
	ok(image_reencode(src, len, 4000, &e, &cause) == 0 &&
	    e.width == 1600, "... and is never enlarged");
	image_encoded_free(&e);
	free(src);

	/* A PNG claiming 20000 x 20000 pixels (its IDAT a stub): refused
	 * before a byte of pixels is decoded. */
	{
		uint8_t bomb[] = {
			0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a,
			0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', 0x00, 0x00, 0x4e,
			0x20, 0x00, 0x00, 0x4e, 0x20, 8, 6, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 2, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0, 0, 0, 0,
			0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
		};
		uint32_t crc = crc32(bomb + 12, 17);

		bomb[29] = crc >> 24;
		bomb[30] = crc >> 16;
		bomb[31] = crc >> 8;
		bomb[32] = crc;
		crc = crc32(bomb + 37, 6);
		bomb[43] = crc >> 24;
		bomb[44] = crc >> 16;
		bomb[45] = crc >> 8;
		bomb[46] = crc;
		ok(image_reencode(bomb, sizeof bomb, 400, &e, &cause) != 0,
		    "a decompression bomb is refused");
		ok(cause != NULL && strstr(cause, "more than") != NULL,
		    "... for its size: %s", cause ? cause : "none");
		free(cause);
		cause = NULL;
	}

	ok(image_reencode("<svg onload=alert(1)>", 21, 400, &e, &cause) != 0,
	    "SVG (or anything not PNG, JPEG, GIF, WebP) is refused");
	free(cause);
	cause = NULL;

	src = make_image(64, 64, 0, 1, &len);
	ok(image_reencode(src, 200, 400, &e, &cause) != 0, "a JPEG cut "
	    "in its header is refused");
	ok(cause != NULL, "... saying why: %s", cause ? cause : "none");
	free(cause);
	cause = NULL;
	/* cut in its pixels: refused, or pixels only (the rest grey) */
	if (image_reencode(src, len - len / 4, 400, &e, &cause) == 0) {
		ok(e.width == 64, "a JPEG cut in its pixels gives an image "
		    "of its size");
		image_encoded_free(&e);
	} else
		ok(cause != NULL, "a JPEG cut in its pixels is refused: %s",
		    cause);
	free(cause);
	free(src);

	vips_shutdown();
	return done_testing();
}
