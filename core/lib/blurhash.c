/*
 * blurhash.c: the BlurHash of an image, the short string Mastodon apps paint
 * as a blur while the real picture loads (the "blurhash" of a media
 * attachment). It is a handful of cosine-transform components of the image
 * in linear light, packed in base 83: one character for the number of
 * components, one for the scale of the AC components, four for the average
 * colour (sRGB, 24 bits) and two for each AC component (three channels of
 * 19 levels after a square root, so small ones keep some precision). Written
 * from the published algorithm (github.com/woltapp/blurhash); apps decode it
 * with the reference decoder, so every rounding step here follows it.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib.h"

#define BLURHASH_COMPONENTS_MAX	9

static const char base83[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

/* An sRGB channel value in linear light (0 to 1). */
static double
srgb_to_linear(uint8_t c)
{
	double	v = c / 255.0;

	if (v <= 0.04045)
		return v / 12.92;
	return pow((v + 0.055) / 1.055, 2.4);
}

/* A linear value back to an sRGB channel value, clamped and rounded as
 * the reference does. */
static int
linear_to_srgb(double v)
{
	if (v < 0)
		v = 0;
	if (v > 1)
		v = 1;
	if (v <= 0.0031308)
		return (int)(v * 12.92 * 255 + 0.5);
	return (int)((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

/* The square root that keeps the sign, so small components spread over
 * more of the 19 levels. */
static double
sign_sqrt(double v)
{
	return v < 0 ? -sqrt(-v) : sqrt(v);
}

/* Write value as n base-83 digits, most significant first. */
static char *
put83(char *p, unsigned long value, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = base83[value % 83];
		value /= 83;
	}
	return p + n;
}

/* One AC channel quantised to 0-18 (9 is zero). */
static unsigned long
quantise_ac(double v, double max)
{
	double	q = floor(sign_sqrt(v / max) * 9 + 9.5);

	if (q < 0)
		q = 0;
	if (q > 18)
		q = 18;
	return (unsigned long)q;
}

/*
 * The BlurHash of a width x height sRGB image, three bytes a pixel, rows
 * stride bytes apart, with xcomp x ycomp components (1 to 9 each), into out
 * (4 + 2 * xcomp * ycomp characters and a NUL). 0, or -1 for bad arguments
 * or an out too small.
 */
int
blurhash_encode(const uint8_t *rgb, int width, int height, int stride,
    int xcomp, int ycomp, char *out, size_t outlen)
{
	double		 f[BLURHASH_COMPONENTS_MAX * BLURHASH_COMPONENTS_MAX][3];
	double		*cx, *cy, norm, basis, max = 0, m;
	const uint8_t	*px;
	unsigned long	 qmax;
	char		*p = out;
	int		 i, j, x, y, k, n;

	if (rgb == NULL || out == NULL || width < 1 || height < 1 ||
	    xcomp < 1 || xcomp > BLURHASH_COMPONENTS_MAX || ycomp < 1 ||
	    ycomp > BLURHASH_COMPONENTS_MAX || stride < 0 ||
	    (size_t)stride < (size_t)width * 3 ||
	    outlen < 4 + 2 * (size_t)xcomp * ycomp + 1)
		return -1;
	n = xcomp * ycomp;

	/* The cosines depend on one coordinate each: computed once, not
	 * once per pixel and component. */
	cx = xcalloc((size_t)xcomp * width, sizeof *cx);
	cy = xcalloc((size_t)ycomp * height, sizeof *cy);
	for (i = 0; i < xcomp; i++)
		for (x = 0; x < width; x++)
			cx[i * width + x] = cos(M_PI * i * x / width);
	for (j = 0; j < ycomp; j++)
		for (y = 0; y < height; y++)
			cy[j * height + y] = cos(M_PI * j * y / height);

	for (j = 0; j < ycomp; j++) {
		for (i = 0; i < xcomp; i++) {
			k = j * xcomp + i;
			f[k][0] = f[k][1] = f[k][2] = 0;
			for (y = 0; y < height; y++) {
				px = rgb + (size_t)y * stride;
				for (x = 0; x < width; x++, px += 3) {
					basis = cx[i * width + x] *
					    cy[j * height + y];
					f[k][0] += basis * srgb_to_linear(px[0]);
					f[k][1] += basis * srgb_to_linear(px[1]);
					f[k][2] += basis * srgb_to_linear(px[2]);
				}
			}
			/* DC is the mean; the others count twice, as
			 * the cosine basis is orthogonal with norm 1/2. */
			norm = (k == 0 ? 1.0 : 2.0) / ((double)width * height);
			f[k][0] *= norm;
			f[k][1] *= norm;
			f[k][2] *= norm;
		}
	}
	free(cy);
	free(cx);

	p = put83(p, (xcomp - 1) + (ycomp - 1) * 9, 1);
	for (k = 1; k < n; k++) {
		for (i = 0; i < 3; i++) {
			m = fabs(f[k][i]);
			if (m > max)
				max = m;
		}
	}
	if (n > 1) {
		/* The largest AC magnitude in 83 steps of 1/166: every AC
		 * component is quantised against it. */
		m = floor(max * 166 - 0.5);
		if (m < 0)
			m = 0;
		if (m > 82)
			m = 82;
		qmax = (unsigned long)m;
		max = (qmax + 1) / 166.0;
	} else {
		qmax = 0;
		max = 1;
	}
	p = put83(p, qmax, 1);
	p = put83(p, (unsigned long)linear_to_srgb(f[0][0]) << 16 |
	    (unsigned long)linear_to_srgb(f[0][1]) << 8 |
	    (unsigned long)linear_to_srgb(f[0][2]), 4);
	for (k = 1; k < n; k++)
		p = put83(p, quantise_ac(f[k][0], max) * 19 * 19 +
		    quantise_ac(f[k][1], max) * 19 + quantise_ac(f[k][2], max),
		    2);
	*p = '\0';
	return 0;
}
