/*
 * image.c: what an uploaded image is, decided by its bytes alone, and the
 * generated default avatar. image_sniff reads just enough of a PNG, JPEG, GIF
 * or WebP header to learn its size, so a file that says it is one thing but
 * is another, or that would decode into gigabytes, is refused before it is
 * stored; nothing here decodes pixels. image_identicon writes a real PNG
 * without zlib, using deflate's stored (uncompressed) blocks: the images are
 * two colours at one bit per pixel, so they stay small anyway.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/sha.h>

#include "lib.h"

#define JPEG_MAX_SEGMENTS	1000	/* before the frame header */
#define IDENTICON_MIN		16
#define IDENTICON_MAX		512
#define IDENTICON_BG		0xf0	/* light grey, as r = g = b */

static const uint8_t png_magic[8] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

/* CRC-32 (ISO-HDLC, as PNG uses), one nibble at a time. */
static uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	static const uint32_t	tab[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
		0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c
	};
	size_t			i;

	crc = ~crc;
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ tab[crc & 15];
		crc = (crc >> 4) ^ tab[crc & 15];
	}
	return ~crc;
}

/* Adler-32, as a zlib stream ends with. */
static uint32_t
adler32(const uint8_t *p, size_t len)
{
	uint32_t	a = 1, b = 0;
	size_t		i, n;

	while (len > 0) {
		/* 5552 bytes is the most that cannot overflow b. */
		n = len < 5552 ? len : 5552;
		for (i = 0; i < n; i++) {
			a += p[i];
			b += a;
		}
		a %= 65521;
		b %= 65521;
		p += n;
		len -= n;
	}
	return b << 16 | a;
}

/* A big-endian 32-bit number. */
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* A little-endian 32-bit number. */
static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* Store a big-endian 32-bit number. */
static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Set *cause (if wanted) and fail. */
static int printflike(2, 3)
sniff_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* PNG: the IHDR chunk, which must come first, CRC and all. */
static int
sniff_png(const uint8_t *d, size_t len, uint32_t *w, uint32_t *h,
    char **cause)
{
	static const uint8_t	depths[7] = {
		/* allowed bit depths per colour type, as bit masks */
		[0] = 1 | 2 | 4 | 8 | 16, [2] = 8 | 16, [3] = 1 | 2 | 4 | 8,
		[4] = 8 | 16, [6] = 8 | 16
	};
	uint8_t			depth, colour;

	if (len < 8 + 8 + 13 + 4)
		return sniff_fail(cause, "PNG: truncated header");
	if (be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
		return sniff_fail(cause, "PNG: first chunk is not IHDR");
	if (crc32_update(0, d + 12, 4 + 13) != be32(d + 29))
		return sniff_fail(cause, "PNG: bad IHDR checksum");
	*w = be32(d + 16);
	*h = be32(d + 20);
	depth = d[24];
	colour = d[25];
	if (*w > INT32_MAX || *h > INT32_MAX)
		return sniff_fail(cause, "PNG: dimensions out of range");
	if (colour >= sizeof depths || depth > 16 ||
	    (depths[colour] & depth) == 0 || (depth & (depth - 1)) != 0)
		return sniff_fail(cause, "PNG: bad bit depth or colour type");
	if (d[26] != 0 || d[27] != 0 || d[28] > 1)
		return sniff_fail(cause, "PNG: bad compression, filter or "
		    "interlace method");
	return 0;
}

/* Whether a JPEG marker starts a frame (SOF0-SOF15 but DHT, JPG, DAC). */
static int
jpeg_is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* JPEG: walk the segments after SOI to the frame header. */
static int
sniff_jpeg(const uint8_t *d, size_t len, uint32_t *w, uint32_t *h,
    char **cause)
{
	size_t	p = 2, seglen;
	int	nseg;
	uint8_t	m;

	for (nseg = 0; nseg < JPEG_MAX_SEGMENTS; nseg++) {
		if (p >= len)
			return sniff_fail(cause, "JPEG: truncated before the "
			    "frame header");
		if (d[p] != 0xff)
			return sniff_fail(cause, "JPEG: expected a marker at "
			    "byte %zu", p);
		while (p < len && d[p] == 0xff)	/* fill bytes */
			p++;
		if (p >= len)
			return sniff_fail(cause, "JPEG: truncated marker");
		m = d[p++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;	/* TEM, RSTn: no length */
		if (m == 0x00 || m == 0xd8 || m == 0xd9 || m == 0xda)
			return sniff_fail(cause, "JPEG: no frame header before "
			    "marker 0x%02x", m);
		if (len - p < 2)
			return sniff_fail(cause, "JPEG: truncated segment");
		seglen = (size_t)d[p] << 8 | d[p + 1];
		if (seglen < 2)
			return sniff_fail(cause, "JPEG: bad segment length");
		if (jpeg_is_sof(m)) {
			if (seglen < 8 || len - p < 8)
				return sniff_fail(cause, "JPEG: truncated "
				    "frame header");
			if (d[p + 7] == 0 || seglen != 8 + 3 * (size_t)d[p + 7])
				return sniff_fail(cause, "JPEG: bad frame "
				    "header");
			*h = (uint32_t)d[p + 3] << 8 | d[p + 4];
			*w = (uint32_t)d[p + 5] << 8 | d[p + 6];
			return 0;
		}
		p += seglen;
	}
	return sniff_fail(cause, "JPEG: more than %d segments before the "
	    "frame header", JPEG_MAX_SEGMENTS);
}

/* GIF: the logical screen descriptor. */
static int
sniff_gif(const uint8_t *d, size_t len, uint32_t *w, uint32_t *h,
    char **cause)
{
	if (len < 13)
		return sniff_fail(cause, "GIF: truncated header");
	*w = (uint32_t)d[7] << 8 | d[6];
	*h = (uint32_t)d[9] << 8 | d[8];
	return 0;
}

/* WebP: the first chunk of the RIFF container, VP8, VP8L or VP8X. */
static int
sniff_webp(const uint8_t *d, size_t len, uint32_t *w, uint32_t *h,
    char **cause)
{
	uint32_t	riff, csize, bits;
	const uint8_t	*c = d + 20;

	if (len < 20)
		return sniff_fail(cause, "WebP: truncated header");
	riff = le32(d + 4);
	csize = le32(d + 16);
	if ((uint64_t)riff + 8 > len)
		return sniff_fail(cause, "WebP: truncated (RIFF size %u, "
		    "file %zu bytes)", riff, len);
	if ((uint64_t)csize + 12 > riff)
		return sniff_fail(cause, "WebP: first chunk larger than the "
		    "file");
	if (memcmp(d + 12, "VP8 ", 4) == 0) {
		if (csize < 10)
			return sniff_fail(cause, "WebP: truncated VP8 header");
		if ((c[0] & 1) != 0)
			return sniff_fail(cause, "WebP: VP8 frame is not a key "
			    "frame");
		if (c[3] != 0x9d || c[4] != 0x01 || c[5] != 0x2a)
			return sniff_fail(cause, "WebP: bad VP8 start code");
		*w = ((uint32_t)c[7] << 8 | c[6]) & 0x3fff;
		*h = ((uint32_t)c[9] << 8 | c[8]) & 0x3fff;
	} else if (memcmp(d + 12, "VP8L", 4) == 0) {
		if (csize < 5)
			return sniff_fail(cause, "WebP: truncated VP8L header");
		if (c[0] != 0x2f)
			return sniff_fail(cause, "WebP: bad VP8L signature");
		bits = le32(c + 1);
		if (bits >> 29 != 0)
			return sniff_fail(cause, "WebP: unknown VP8L version");
		*w = (bits & 0x3fff) + 1;
		*h = (bits >> 14 & 0x3fff) + 1;
	} else if (memcmp(d + 12, "VP8X", 4) == 0) {
		if (csize < 10)
			return sniff_fail(cause, "WebP: truncated VP8X header");
		*w = ((uint32_t)c[6] << 16 | (uint32_t)c[5] << 8 | c[4]) + 1;
		*h = ((uint32_t)c[9] << 16 | (uint32_t)c[8] << 8 | c[7]) + 1;
	} else
		return sniff_fail(cause, "WebP: first chunk is not VP8, VP8L "
		    "or VP8X");
	return 0;
}

/*
 * Decide what an image is from its magic bytes (never its name or declared
 * type) and read its size. 0, or -1 with *cause (if cause is not NULL) for
 * an unknown type, a broken header, or a size of zero or above
 * IMAGE_MAX_PIXELS.
 */
int
image_sniff(const void *data, size_t len, enum image_type *type, int *width,
    int *height, char **cause)
{
	const uint8_t	*d = data;
	enum image_type	 t = IMAGE_NONE;
	uint32_t	 w = 0, h = 0;
	int		 rc;

	*type = IMAGE_NONE;
	*width = *height = 0;
	if (len >= 8 && memcmp(d, png_magic, 8) == 0) {
		t = IMAGE_PNG;
		rc = sniff_png(d, len, &w, &h, cause);
	} else if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff) {
		t = IMAGE_JPEG;
		rc = sniff_jpeg(d, len, &w, &h, cause);
	} else if (len >= 6 && (memcmp(d, "GIF87a", 6) == 0 ||
	    memcmp(d, "GIF89a", 6) == 0)) {
		t = IMAGE_GIF;
		rc = sniff_gif(d, len, &w, &h, cause);
	} else if (len >= 12 && memcmp(d, "RIFF", 4) == 0 &&
	    memcmp(d + 8, "WEBP", 4) == 0) {
		t = IMAGE_WEBP;
		rc = sniff_webp(d, len, &w, &h, cause);
	} else
		return sniff_fail(cause, "not a PNG, JPEG, GIF or WebP image");
	if (rc != 0)
		return -1;
	if (w == 0 || h == 0)
		return sniff_fail(cause, "%s: zero width or height",
		    image_ext(t));
	if ((uint64_t)w * h > IMAGE_MAX_PIXELS)
		return sniff_fail(cause, "%s: %ux%u is more than %d pixels",
		    image_ext(t), w, h, IMAGE_MAX_PIXELS);
	*type = t;
	*width = (int)w;
	*height = (int)h;
	return 0;
}

/* The file extension of a type, without the dot; NULL for IMAGE_NONE. */
const char *
image_ext(enum image_type t)
{
	switch (t) {
	case IMAGE_PNG:
		return "png";
	case IMAGE_JPEG:
		return "jpg";
	case IMAGE_GIF:
		return "gif";
	case IMAGE_WEBP:
		return "webp";
	default:
		return NULL;
	}
}

/* The media type of a type; NULL for IMAGE_NONE. */
const char *
image_mime(enum image_type t)
{
	switch (t) {
	case IMAGE_PNG:
		return "image/png";
	case IMAGE_JPEG:
		return "image/jpeg";
	case IMAGE_GIF:
		return "image/gif";
	case IMAGE_WEBP:
		return "image/webp";
	default:
		return NULL;
	}
}

/* The type image_ext gives that extension, or IMAGE_NONE. */
enum image_type
image_type_from_ext(const char *ext)
{
	enum image_type	t;

	if (ext == NULL)
		return IMAGE_NONE;
	for (t = IMAGE_PNG; t <= IMAGE_WEBP; t++) {
		if (strcmp(ext, image_ext(t)) == 0)
			return t;
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

/* Append one PNG chunk. */
static void
png_chunk(struct evbuffer *out, const char *type, const uint8_t *data,
    size_t len)
{
	uint8_t		hdr[8], tail[4];
	uint32_t	crc;

	put_be32(hdr, (uint32_t)len);
	memcpy(hdr + 4, type, 4);
	crc = crc32_update(0, hdr + 4, 4);
	if (len > 0)
		crc = crc32_update(crc, data, len);
	put_be32(tail, crc);
	evbuffer_add(out, hdr, sizeof hdr);
	if (len > 0)
		evbuffer_add(out, data, len);
	evbuffer_add(out, tail, sizeof tail);
}

/*
 * Write a default avatar for seed (a username) as a size x size PNG: a
 * horizontally symmetric 5x5 pattern of cells, GitHub style, with colour and
 * pattern from the SHA-256 of seed, so one name always gets the same face.
 * Two-colour palette, one bit per pixel, deflate stored blocks.
 */
void
image_identicon(const char *seed, int size, struct evbuffer *out)
{
	uint8_t		md[SHA256_DIGEST_LENGTH], fg[3], ihdr[13], plte[6];
	uint8_t		*raw, *z, *q, *row;
	size_t		rowlen, rawlen, zlen, off, n;
	int		cells[5][5], cell, margin, x, y, cx, cy, i;

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

	rowlen = 1 + ((size_t)size + 7) / 8;
	rawlen = rowlen * size;
	raw = xcalloc(1, rawlen);
	for (y = 0; y < size; y++) {
		row = raw + y * rowlen;		/* row[0] = 0: no filter */
		cy = (y - margin) / cell;
		if (y < margin || cy > 4)
			continue;
		for (x = 0; x < size; x++) {
			/* Draw the left half and mirror it, so the picture
			 * is symmetric to the pixel whatever the rounding. */
			cx = x < size - 1 - x ? x : size - 1 - x;
			if (cx >= margin && cells[cy][(cx - margin) / cell])
				row[1 + x / 8] |= 0x80 >> (x % 8);
		}
	}

	/* zlib: header, stored blocks of at most 65535 bytes, Adler-32. */
	zlen = 2 + rawlen + 5 * (rawlen / 65535 + 1) + 4;
	z = q = xmalloc(zlen);
	*q++ = 0x78;	/* deflate, 32K window */
	*q++ = 0x01;	/* no dictionary, fastest; (0x78 << 8 | 1) % 31 == 0 */
	for (off = 0; off < rawlen; off += n) {
		n = rawlen - off > 65535 ? 65535 : rawlen - off;
		*q++ = off + n == rawlen;	/* BFINAL, BTYPE 00 */
		*q++ = n & 0xff;
		*q++ = n >> 8;
		*q++ = ~n & 0xff;
		*q++ = (~n >> 8) & 0xff;
		memcpy(q, raw + off, n);
		q += n;
	}
	put_be32(q, adler32(raw, rawlen));
	q += 4;

	put_be32(ihdr, size);
	put_be32(ihdr + 4, size);
	ihdr[8] = 1;		/* bit depth */
	ihdr[9] = 3;		/* palette */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	plte[0] = plte[1] = plte[2] = IDENTICON_BG;
	memcpy(plte + 3, fg, 3);
	evbuffer_add(out, png_magic, sizeof png_magic);
	png_chunk(out, "IHDR", ihdr, sizeof ihdr);
	png_chunk(out, "PLTE", plte, sizeof plte);
	png_chunk(out, "IDAT", z, q - z);
	png_chunk(out, "IEND", NULL, 0);
	free(z);
	free(raw);
}
