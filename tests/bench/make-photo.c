/*
 * make-photo.c: a phone-camera JPEG for the media benchmark (media.sh),
 * made at bench time (nothing is downloaded): WIDTH x HEIGHT pixels
 * (default 4000 x 3000, 12 megapixels) of a sky-to-ground gradient with
 * soft bands, blobs and sensor noise, so that it compresses as a photo
 * does (about 4-5 MB at the default size and quality), and an EXIF block
 * as a phone writes it: make, model, date, orientation (default 6: held
 * upright, so the reader must rotate it) and a GPS position with altitude.
 *
 * Usage: make-photo OUT.jpg [WIDTH HEIGHT [SEED [QUALITY [ORIENTATION]]]]
 * Prints "OUT WIDTH HEIGHT BYTES".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

/* A little-endian TIFF/EXIF writer, enough for two IFDs. */
struct tiff {
	unsigned char	 buf[1024];
	size_t		 len;
};

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put32(unsigned char *p, unsigned long v)
{
	put16(p, v & 0xffff);
	put16(p + 2, (v >> 16) & 0xffff);
}

enum { T_BYTE = 1, T_ASCII = 2, T_SHORT = 3, T_LONG = 4, T_RATIONAL = 5 };

/*
 * One IFD entry at ENTRY (12 bytes); a value over 4 bytes goes to the
 * data area at *DATA (offsets are from the TIFF header, at buf + 6).
 */
static void
entry(struct tiff *t, size_t at, unsigned tag, unsigned type,
    unsigned long count, const void *val, size_t vlen, size_t *data)
{
	unsigned char	*e = t->buf + at;

	put16(e, tag);
	put16(e + 2, type);
	put32(e + 4, count);
	memset(e + 8, 0, 4);
	if (vlen <= 4)
		memcpy(e + 8, val, vlen);
	else {
		put32(e + 8, *data - 6);
		memcpy(t->buf + *data, val, vlen);
		*data += (vlen + 1) & ~(size_t)1;
	}
}

static void
rationals(unsigned char *out, const unsigned long *nd, int n)
{
	for (int i = 0; i < 2 * n; i++)
		put32(out + 4 * i, nd[i]);
}

/* The APP1 payload: "Exif\0\0", then the TIFF structure. */
static size_t
make_exif(struct tiff *t, int orientation)
{
	const int	 n0 = 6, ng = 7;	/* entries in IFD0, the GPS IFD */
	size_t		 ifd0 = 6 + 8, gps = ifd0 + 2 + 12 * n0 + 4;
	size_t		 data = gps + 2 + 12 * ng + 4, at;
	unsigned char	 v[64];
	static const unsigned long lat[] = { 48, 1, 8, 1, 3361, 100 };
	static const unsigned long lon[] = { 11, 1, 34, 1, 4597, 100 };
	static const unsigned long alt[] = { 5194, 10 };

	memset(t->buf, 0, sizeof(t->buf));
	memcpy(t->buf, "Exif\0\0II*\0", 10);
	put32(t->buf + 10, 8);

	put16(t->buf + ifd0, n0);
	at = ifd0 + 2;
	entry(t, at, 0x010f, T_ASCII, 7, "Google", 7, &data), at += 12;
	entry(t, at, 0x0110, T_ASCII, 8, "Pixel 7", 8, &data), at += 12;
	put16(v, orientation), put16(v + 2, 0);
	entry(t, at, 0x0112, T_SHORT, 1, v, 2, &data), at += 12;
	entry(t, at, 0x0131, T_ASCII, 12, "HDR+ 1.0.bn", 12, &data), at += 12;
	entry(t, at, 0x0132, T_ASCII, 20, "2026:11:23 09:41:07", 20, &data),
	    at += 12;
	put32(v, gps - 6);
	entry(t, at, 0x8825, T_LONG, 1, v, 4, &data), at += 12;
	put32(t->buf + at, 0);		/* no next IFD */

	put16(t->buf + gps, ng);
	at = gps + 2;
	memcpy(v, "\2\2\0\0", 4);
	entry(t, at, 0x0000, T_BYTE, 4, v, 4, &data), at += 12;
	entry(t, at, 0x0001, T_ASCII, 2, "N", 2, &data), at += 12;
	rationals(v, lat, 3);
	entry(t, at, 0x0002, T_RATIONAL, 3, v, 24, &data), at += 12;
	entry(t, at, 0x0003, T_ASCII, 2, "E", 2, &data), at += 12;
	rationals(v, lon, 3);
	entry(t, at, 0x0004, T_RATIONAL, 3, v, 24, &data), at += 12;
	v[0] = 0, v[1] = v[2] = v[3] = 0;
	entry(t, at, 0x0005, T_BYTE, 1, v, 1, &data), at += 12;
	rationals(v, alt, 1);
	entry(t, at, 0x0006, T_RATIONAL, 1, v, 8, &data), at += 12;
	put32(t->buf + at, 0);
	return data;
}

/* v = a + b * (what): the sum of images, with unrefs. */
static VipsImage *
lin(VipsImage *in, double a, double b)
{
	VipsImage	*out;

	if (vips_linear1(in, &out, b, a, NULL))
		vips_error_exit(NULL);
	return out;
}

int
main(int argc, char **argv)
{
	const char	*path;
	int		 w = 4000, h = 3000, seed = 1, q = 92, orient = 6;
	VipsImage	*xy, *x, *y, *t1, *t2, *band[3], *rgb, *noise, *img, *out;
	struct tiff	 exif;
	size_t		 elen;
	FILE		*f;
	long		 bytes;

	if (VIPS_INIT(argv[0]))
		vips_error_exit(NULL);
	if (argc < 2 || argc > 7) {
		fprintf(stderr, "usage: make-photo OUT.jpg [WIDTH HEIGHT "
		    "[SEED [QUALITY [ORIENTATION]]]]\n");
		return 2;
	}
	path = argv[1];
	if (argc > 3)
		w = atoi(argv[2]), h = atoi(argv[3]);
	if (argc > 4)
		seed = atoi(argv[4]);
	if (argc > 5)
		q = atoi(argv[5]);
	if (argc > 6)
		orient = atoi(argv[6]);
	if (w < 16 || h < 16 || q < 1 || q > 100 || orient < 1 || orient > 8) {
		fprintf(stderr, "make-photo: bad size, quality or orientation\n");
		return 2;
	}

	/* x and y in 0..1 */
	if (vips_xyz(&xy, w, h, NULL) ||
	    vips_extract_band(xy, &t1, 0, NULL) ||
	    vips_extract_band(xy, &t2, 1, NULL))
		vips_error_exit(NULL);
	x = lin(t1, 0, 1.0 / w);
	y = lin(t2, 0, 1.0 / h);
	g_object_unref(t1);
	g_object_unref(t2);
	g_object_unref(xy);

	/*
	 * Each band: a vertical gradient (sky above, ground below), soft
	 * diagonal bands and rings (sin of a mix of x and y, in degrees),
	 * different per band and per seed.
	 */
	for (int b = 0; b < 3; b++) {
		VipsImage	*s1, *s2, *a1, *a2, *mix, *ring, *r2, *sum;
		VipsImage	*dx, *dy, *dx2, *dy2, *tmp;
		double		 ph = 37.0 * seed + 71.0 * b;
		double		 cx = 0.3 + 0.15 * b, cy = 0.6 - 0.1 * b;

		/* a1 = x * (900 + 100b) + y * 500 + ph, in degrees */
		s1 = lin(x, ph, 900 + 100 * b);
		s2 = lin(y, 0, 500 + 60 * seed % 400);
		if (vips_add(s1, s2, &a1, NULL) || vips_sin(a1, &a2, NULL))
			vips_error_exit(NULL);
		g_object_unref(s1), g_object_unref(s2), g_object_unref(a1);
		/* a ring around (cx, cy): sin(r^2 * 4000) */
		dx = lin(x, -cx, 1);
		dy = lin(y, -cy, 0.75);
		if (vips_multiply(dx, dx, &dx2, NULL) ||
		    vips_multiply(dy, dy, &dy2, NULL) ||
		    vips_add(dx2, dy2, &r2, NULL))
			vips_error_exit(NULL);
		tmp = lin(r2, ph, 4000);
		if (vips_sin(tmp, &ring, NULL))
			vips_error_exit(NULL);
		g_object_unref(dx), g_object_unref(dy), g_object_unref(dx2);
		g_object_unref(dy2), g_object_unref(r2), g_object_unref(tmp);
		/* gradient + 30 * bands + 20 * rings */
		s1 = lin(y, b == 2 ? 210 : 170 - 30 * b, b == 2 ? -150 : -60);
		s2 = lin(a2, 0, 30);
		tmp = lin(ring, 0, 20);
		if (vips_add(s1, s2, &mix, NULL) ||
		    vips_add(mix, tmp, &sum, NULL))
			vips_error_exit(NULL);
		g_object_unref(s1), g_object_unref(s2), g_object_unref(tmp);
		g_object_unref(mix), g_object_unref(a2), g_object_unref(ring);
		band[b] = sum;
	}
	g_object_unref(x);
	g_object_unref(y);
	if (vips_bandjoin(band, &rgb, 3, NULL))
		vips_error_exit(NULL);
	for (int b = 0; b < 3; b++)
		g_object_unref(band[b]);

	/* Sensor noise, as a phone's small sensor leaves it. */
	if (vips_gaussnoise(&noise, w, h, "sigma", 7.0, "mean", 0.0,
	    "seed", seed, NULL) ||
	    vips_add(rgb, noise, &t1, NULL) ||
	    vips_cast(t1, &img, VIPS_FORMAT_UCHAR, NULL))
		vips_error_exit(NULL);
	g_object_unref(noise);
	g_object_unref(rgb);
	g_object_unref(t1);
	if (vips_copy(img, &out, "interpretation", VIPS_INTERPRETATION_sRGB,
	    NULL))
		vips_error_exit(NULL);
	g_object_unref(img);

	elen = make_exif(&exif, orient);
	vips_image_set_blob_copy(out, VIPS_META_EXIF_NAME, exif.buf, elen);
	vips_image_set_int(out, VIPS_META_ORIENTATION, orient);
	if (vips_jpegsave(out, path, "Q", q, NULL))
		vips_error_exit(NULL);
	g_object_unref(out);

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (bytes = ftell(f)) < 0) {
		perror(path);
		return 1;
	}
	fclose(f);
	printf("%s %d %d %ld\n", path, w, h, bytes);
	vips_shutdown();
	return 0;
}
