/*
 * Unit tests for image.c: type and size sniffing from content, and the
 * identicon PNG, checked by an independent reader of PNG chunks, CRC-32,
 * stored deflate blocks and Adler-32 written here.
 */
#include <stdint.h>

#include <event2/buffer.h>

#include "hearth.h"
#include "tap.h"

/* A 1x1 RGBA PNG, as every encoder writes it. */
static const uint8_t png1[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
	0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
	0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

/* JFIF APP0, a COM, then SOF0 for 3x2 with three components. */
static const uint8_t jpeg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x05,
	'h', 'i', '!', 0xff, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00,
	0x03, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff,
	0xda
};

/* GIF89a, 5x7 logical screen. */
static const uint8_t gif[] = {
	'G', 'I', 'F', '8', '9', 'a', 0x05, 0x00, 0x07, 0x00, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x3b
};

/* WebP, lossy: a VP8 key frame of 300x200. */
static const uint8_t webp_vp8[] = {
	'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', ' ', 10, 0, 0, 0,
	0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x2c, 0x01, 0xc8, 0x00
};

/* WebP, lossless: 400x17 (stored as width-1 and height-1 in 14 bits). */
static const uint8_t webp_vp8l[] = {
	'R', 'I', 'F', 'F', 18, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', 'L', 6, 0, 0, 0,
	0x2f, 0x8f, 0x01, 0x04, 0x00, 0x00
};

/* WebP, extended: a 1000x3000 canvas. */
static const uint8_t webp_vp8x[] = {
	'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', 'X', 10, 0, 0, 0,
	0x10, 0, 0, 0, 0xe7, 0x03, 0x00, 0xb7, 0x0b, 0x00
};

/* CRC-32 bit by bit (the textbook form, unlike image.c's). */
static uint32_t
crc32_bits(const uint8_t *p, size_t len)
{
	uint32_t	c = 0xffffffff;
	size_t		i;
	int		k;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
	}
	return ~c;
}

/* Adler-32 the slow way. */
static uint32_t
adler32_slow(const uint8_t *p, size_t len)
{
	uint32_t	a = 1, b = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* A big-endian 32-bit number. */
static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Sniff; the type, or IMAGE_NONE on failure (cause printed). */
static enum image_type
sniff(const void *d, size_t len, int *w, int *h)
{
	enum image_type	 t;
	char		*cause = NULL;

	if (image_sniff(d, len, &t, w, h, &cause) != 0) {
		printf("# cause: %s\n", cause);
		free(cause);
		return IMAGE_NONE;
	}
	return t;
}

/* Whether a sniff fails with a cause containing want. */
static int
refused(const void *d, size_t len, const char *want)
{
	enum image_type	 t;
	char		*cause = NULL;
	int		 w, h, rc;

	rc = image_sniff(d, len, &t, &w, &h, &cause);
	if (cause != NULL)
		printf("# cause: %s\n", cause);
	rc = rc == -1 && t == IMAGE_NONE && cause != NULL &&
	    strstr(cause, want) != NULL;
	free(cause);
	return rc;
}

/*
 * Check an identicon: every chunk's CRC, IHDR, a two-colour palette, the
 * zlib stream of stored blocks and its Adler-32, filter bytes and left-right
 * symmetry. 0 if it is all right, else a description of what is wrong.
 */
static const char *
check_png(const uint8_t *d, size_t len, int size, uint8_t fg[3])
{
	static uint8_t	 z[1 << 20], raw[1 << 20];
	size_t		 off = 8, zlen = 0, rawlen = 0, clen, i, rowlen;
	size_t		 blen;
	int		 seen_iend = 0, final = 0, x, y, l, r;
	const uint8_t	*row;

	if (len < 8 || memcmp(d, "\x89PNG\r\n\x1a\n", 8) != 0)
		return "signature";
	while (off + 12 <= len && !seen_iend) {
		clen = get32(d + off);
		if (off + 12 + clen > len)
			return "chunk overruns";
		if (crc32_bits(d + off + 4, 4 + clen) !=
		    get32(d + off + 8 + clen))
			return "chunk CRC";
		if (memcmp(d + off + 4, "IHDR", 4) == 0) {
			if (off != 8 || clen != 13 ||
			    get32(d + off + 8) != (uint32_t)size ||
			    get32(d + off + 12) != (uint32_t)size)
				return "IHDR";
		} else if (memcmp(d + off + 4, "PLTE", 4) == 0) {
			if (clen != 6)
				return "PLTE size";
			memcpy(fg, d + off + 11, 3);
			if (memcmp(d + off + 8, d + off + 11, 3) == 0)
				return "foreground same as background";
		} else if (memcmp(d + off + 4, "IDAT", 4) == 0) {
			memcpy(z + zlen, d + off + 8, clen);
			zlen += clen;
		} else if (memcmp(d + off + 4, "IEND", 4) == 0)
			seen_iend = 1;
		off += 12 + clen;
	}
	if (!seen_iend || off != len)
		return "IEND missing or trailing bytes";
	if (zlen < 6 || z[0] != 0x78 || (z[0] << 8 | z[1]) % 31 != 0 ||
	    (z[1] & 0x20) != 0)
		return "zlib header";
	for (off = 2; !final; off += 5 + blen) {
		if (off + 5 > zlen)
			return "stored block header overruns";
		if ((z[off] & 6) != 0)
			return "not a stored block";
		final = z[off] & 1;
		blen = z[off + 1] | z[off + 2] << 8;
		if ((blen ^ (z[off + 3] | z[off + 4] << 8)) != 0xffff)
			return "LEN/NLEN";
		if (off + 5 + blen > zlen)
			return "stored block overruns";
		memcpy(raw + rawlen, z + off + 5, blen);
		rawlen += blen;
	}
	if (off + 4 != zlen || adler32_slow(raw, rawlen) != get32(z + off))
		return "Adler-32";
	rowlen = 1 + (size + 7) / 8;
	if (rawlen != rowlen * size)
		return "image data size";
	for (y = 0; y < size; y++) {
		row = raw + y * rowlen;
		if (row[0] != 0)
			return "filter byte";
		for (i = 0; i < (size_t)size / 2; i++) {
			x = (int)i;
			l = row[1 + x / 8] >> (7 - x % 8) & 1;
			x = size - 1 - (int)i;
			r = row[1 + x / 8] >> (7 - x % 8) & 1;
			if (l != r)
				return "not symmetric";
		}
	}
	return NULL;
}

/* Relative luminance (WCAG 2) of an sRGB channel, by the book. */
static double
lin(int c)
{
	double	x = c / 255.0, y;
	int	i;

	if (x <= 0.04045)
		return x / 12.92;
	/* ((x + 0.055) / 1.055) ^ 2.4 without libm: ^2 * ^0.4 by Newton. */
	x = (x + 0.055) / 1.055;
	y = x;
	for (i = 0; i < 60; i++)	/* y^5 = x^2 */
		y = y - (y * y * y * y * y - x * x) / (5 * y * y * y * y);
	return x * x * y;
}

int
main(void)
{
	enum image_type	 t;
	struct evbuffer	*b;
	uint8_t		 buf[128], *d, fg[3], fg2[3];
	char		*s1, *s2;
	const char	*why;
	size_t		 len, n1;
	int		 w, h, sizes[] = { 120, 16, 17, 100, 511, 512 };
	double		 contrast = 0;
	unsigned	 i;

	/* One of each. */
	ok(sniff(png1, sizeof png1, &w, &h) == IMAGE_PNG && w == 1 && h == 1,
	    "1x1 PNG");
	ok(sniff(jpeg, sizeof jpeg, &w, &h) == IMAGE_JPEG && w == 3 && h == 2,
	    "JPEG: APP0 and COM skipped, SOF0 read");
	ok(sniff(gif, sizeof gif, &w, &h) == IMAGE_GIF && w == 5 && h == 7,
	    "GIF89a");
	memcpy(buf, gif, sizeof gif);
	buf[4] = '7';
	ok(sniff(buf, sizeof gif, &w, &h) == IMAGE_GIF, "GIF87a");
	ok(sniff(webp_vp8, sizeof webp_vp8, &w, &h) == IMAGE_WEBP &&
	    w == 300 && h == 200, "WebP VP8");
	ok(sniff(webp_vp8l, sizeof webp_vp8l, &w, &h) == IMAGE_WEBP &&
	    w == 400 && h == 17, "WebP VP8L");
	ok(sniff(webp_vp8x, sizeof webp_vp8x, &w, &h) == IMAGE_WEBP &&
	    w == 1000 && h == 3000, "WebP VP8X");
	memcpy(buf, jpeg, sizeof jpeg);
	buf[29] = 0xc2;
	ok(sniff(buf, sizeof jpeg, &w, &h) == IMAGE_JPEG && w == 3,
	    "progressive JPEG (SOF2)");

	/* Types and names. */
	is_str(image_ext(IMAGE_JPEG), "jpg", "ext jpg");
	is_str(image_mime(IMAGE_WEBP), "image/webp", "mime webp");
	ok(image_ext(IMAGE_NONE) == NULL && image_mime(IMAGE_NONE) == NULL,
	    "no ext or mime for IMAGE_NONE");
	ok(image_type_from_ext("gif") == IMAGE_GIF &&
	    image_type_from_ext("png") == IMAGE_PNG &&
	    image_type_from_ext("PNG") == IMAGE_NONE &&
	    image_type_from_ext("svg") == IMAGE_NONE &&
	    image_type_from_ext("") == IMAGE_NONE, "image_type_from_ext");

	/* Content decides; names and declared types are not looked at. */
	{
		struct arena		*a = arena_new();
		struct multipart	 m;
		char			*body, *cause = NULL;
		int			 n;

		body = xmalloc(512);
		n = sprintf(body, "--b\r\nContent-Disposition: form-data; "
		    "name=avatar; filename=\"me.jpg\"\r\nContent-Type: "
		    "image/jpeg\r\n\r\n");
		memcpy(body + n, png1, sizeof png1);
		n += sizeof png1;
		n += sprintf(body + n, "\r\n--b--");
		ok(multipart_parse(a, "multipart/form-data; boundary=b", body,
		    n, &m, &cause) == 0 && sniff(m.parts[0].data,
		    m.parts[0].len, &w, &h) == IMAGE_PNG,
		    "a PNG sent as me.jpg, image/jpeg is a PNG");
		free(cause);
		free(body);
		arena_free(a);
	}

	/* Refused. */
	ok(refused("", 0, "not a PNG"), "empty");
	ok(refused("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 40,
	    "not a PNG"), "SVG");
	ok(refused("BM\x36\0\0\0", 6, "not a PNG"), "BMP");
	ok(refused(png1, 8, "truncated"), "PNG signature only");
	ok(refused(png1, 32, "truncated"), "PNG cut inside IHDR");
	memcpy(buf, png1, sizeof png1);
	buf[19] = 2;
	ok(refused(buf, sizeof png1, "checksum"), "PNG with a bad IHDR CRC");
	memcpy(buf, png1, sizeof png1);
	buf[12] = 'X';
	ok(refused(buf, sizeof png1, "not IHDR"), "PNG not starting with IHDR");
	ok(refused(jpeg, 3, "truncated"), "JPEG SOI only");
	ok(refused(jpeg, 30, "truncated"), "JPEG cut before SOF");
	ok(refused(jpeg, 36, "truncated frame header"), "JPEG cut inside SOF");
	memcpy(buf, jpeg, sizeof jpeg);
	buf[29] = 0xda;
	ok(refused(buf, sizeof jpeg, "no frame header"),
	    "JPEG scan before SOF");
	memcpy(buf, jpeg, sizeof jpeg);
	buf[20] = 0x00;
	ok(refused(buf, sizeof jpeg, "expected a marker"), "JPEG garbage");
	memcpy(buf, jpeg, sizeof jpeg);
	buf[33] = buf[34] = 0;
	ok(refused(buf, sizeof jpeg, "zero"), "JPEG of height 0 (DNL)");
	ok(refused(gif, 12, "truncated"), "GIF cut in the screen descriptor");
	memcpy(buf, gif, sizeof gif);
	buf[6] = buf[7] = 0;
	ok(refused(buf, sizeof gif, "zero"), "GIF of width 0");
	ok(refused(webp_vp8, sizeof webp_vp8 - 1, "truncated"),
	    "WebP shorter than its RIFF size");
	memcpy(buf, webp_vp8, sizeof webp_vp8);
	buf[23] = 0;
	ok(refused(buf, sizeof webp_vp8, "start code"), "VP8 bad start code");
	memcpy(buf, webp_vp8, sizeof webp_vp8);
	buf[20] |= 1;
	ok(refused(buf, sizeof webp_vp8, "key frame"), "VP8 inter frame");
	memcpy(buf, webp_vp8l, sizeof webp_vp8l);
	buf[20] = 0x2e;
	ok(refused(buf, sizeof webp_vp8l, "signature"), "VP8L bad signature");
	memcpy(buf, webp_vp8x, sizeof webp_vp8x);
	buf[12] = 'A';
	ok(refused(buf, sizeof webp_vp8x, "first chunk"), "WebP ALPH first");
	memcpy(buf, webp_vp8x, sizeof webp_vp8x);
	buf[16] = 30;
	ok(refused(buf, sizeof webp_vp8x, "larger than"),
	    "WebP chunk larger than the file");

	/* Decompression bombs: fine dimensions, too many pixels. */
	memcpy(buf, gif, sizeof gif);
	buf[6] = buf[7] = buf[8] = buf[9] = 0xff;
	ok(refused(buf, sizeof gif, "pixels"), "GIF 65535x65535");
	memcpy(buf, webp_vp8x, sizeof webp_vp8x);
	buf[24] = buf[25] = buf[27] = buf[28] = 0xff;
	buf[26] = buf[29] = 0;
	ok(refused(buf, sizeof webp_vp8x, "pixels"), "WebP 65536x65536");
	memcpy(buf, jpeg, sizeof jpeg);
	buf[33] = buf[35] = 0xff;
	ok(refused(buf, sizeof jpeg, "pixels"), "JPEG 65283x65282");
	/* 8192 x 8192 exactly is allowed; 8193 x 8192 is not. */
	memcpy(buf, png1, sizeof png1);
	buf[18] = buf[22] = 0x20;
	buf[19] = buf[23] = 0;
	n1 = crc32_bits(buf + 12, 17);
	buf[29] = n1 >> 24; buf[30] = n1 >> 16; buf[31] = n1 >> 8; buf[32] = n1;
	ok(sniff(buf, sizeof png1, &w, &h) == IMAGE_PNG && w == 8192,
	    "PNG 8192x8192 allowed");
	buf[19] = 1;
	n1 = crc32_bits(buf + 12, 17);
	buf[29] = n1 >> 24; buf[30] = n1 >> 16; buf[31] = n1 >> 8; buf[32] = n1;
	ok(refused(buf, sizeof png1, "pixels"), "PNG 8193x8192 refused");
	buf[16] = 0x80;
	n1 = crc32_bits(buf + 12, 17);
	buf[29] = n1 >> 24; buf[30] = n1 >> 16; buf[31] = n1 >> 8; buf[32] = n1;
	ok(refused(buf, sizeof png1, "out of range"), "PNG width >= 2^31");
	ok(image_sniff("x", 1, &t, &w, &h, NULL) == -1, "cause may be NULL");

	/* Identicons: valid PNGs of the size asked for, clamped. */
	for (i = 0; i < nitems(sizes); i++) {
		b = evbuffer_new();
		image_identicon("ada", sizes[i], b);
		len = evbuffer_get_length(b);
		d = evbuffer_pullup(b, -1);
		why = check_png(d, len, sizes[i], fg);
		ok(why == NULL, "identicon %d: %s", sizes[i],
		    why ? why : "valid");
		t = sniff(d, len, &w, &h);
		ok(t == IMAGE_PNG && w == sizes[i] && h == sizes[i],
		    "identicon %d sniffs as a %dx%d PNG", sizes[i], w, h);
		evbuffer_free(b);
	}
	b = evbuffer_new();
	image_identicon("ada", 1, b);
	d = evbuffer_pullup(b, -1);
	ok(check_png(d, evbuffer_get_length(b), 16, fg) == NULL,
	    "size 1 becomes 16");
	evbuffer_free(b);
	b = evbuffer_new();
	image_identicon("ada", 100000, b);
	d = evbuffer_pullup(b, -1);
	ok(check_png(d, evbuffer_get_length(b), 512, fg) == NULL,
	    "size 100000 becomes 512");
	evbuffer_free(b);

	/* Deterministic, different per seed, and readable colours. */
	b = evbuffer_new();
	image_identicon("ada", 120, b);
	n1 = evbuffer_get_length(b);
	s1 = xmalloc(n1);
	evbuffer_remove(b, s1, n1);
	image_identicon("ada", 120, b);
	ok(evbuffer_get_length(b) == n1 &&
	    memcmp(evbuffer_pullup(b, -1), s1, n1) == 0, "same seed, same PNG");
	evbuffer_drain(b, n1);
	image_identicon("grace", 120, b);
	len = evbuffer_get_length(b);
	s2 = (char *)evbuffer_pullup(b, -1);
	check_png((uint8_t *)s1, n1, 120, fg);
	check_png((uint8_t *)s2, len, 120, fg2);
	ok(len != n1 || memcmp(s1, s2, n1) != 0, "other seed, other PNG");
	ok(memcmp(fg, fg2, 3) != 0, "other seed, other colour");
	free(s1);
	evbuffer_free(b);
	for (i = 0; i < 200; i++) {
		char	seed[16];

		snprintf(seed, sizeof seed, "user%u", i);
		b = evbuffer_new();
		image_identicon(seed, 16, b);
		d = evbuffer_pullup(b, -1);
		why = check_png(d, evbuffer_get_length(b), 16, fg);
		contrast = (lin(0xf0) + 0.05) /
		    (0.2126 * lin(fg[0]) + 0.7152 * lin(fg[1]) +
		    0.0722 * lin(fg[2]) + 0.05);
		evbuffer_free(b);
		if (why != NULL || contrast < 4.5)
			break;
	}
	ok(i == 200, "200 identicons valid, contrast >= 4.5:1 (%u: %.2f)",
	    i < 200 ? i : 199, contrast);

	return done_testing();
}
