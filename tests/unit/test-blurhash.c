/*
 * Unit tests for blurhash.c. The hash is decoded here (base 83, the size
 * flag, the DC colour, the quantised AC components) to check properties any
 * correct encoder has. BlurHash's basis is cos(pi i x / width), without
 * the half-pixel offset of a textbook DCT, so the sum of a basis function
 * over a row is 1 for odd i and 0 for even i > 0: a solid colour has its
 * own colour as DC and zero in every component with an even non-zero
 * index, but not in the odd ones (the reference encoders agree); a row
 * mirrored about width / 2 and black at x = 0 has every odd horizontal
 * component zero. The vectors at the end were made by Wolt's reference
 * TypeScript encoder (npm blurhash 2.0.5) from the same pictures, built the
 * same way here; their largest AC component is positive, where that
 * encoder (which takes the largest value, not the largest magnitude, unlike
 * the C and Swift ones) agrees with the others.
 */
#include <stdint.h>

#include "hearth.h"
#include "tap.h"

static const char	b83[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

/* n base-83 digits of s as a number, or -1 for a bad digit. */
static long
decode83(const char *s, int n)
{
	const char	*p;
	unsigned long	 v = 0;	/* a whole hash overflows: only its
				   characters are checked then */
	int		 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (p = strchr(b83, s[i])) == NULL)
			return -1;
		v = v * 83 + (unsigned long)(p - b83);
	}
	return (long)(v & 0x7fffffffffffffffUL);
}

/* A w x h image of one colour, rows stride bytes apart. */
static uint8_t *
solid(int w, int h, int stride, uint8_t r, uint8_t g, uint8_t b)
{
	uint8_t	*px = xcalloc(h, stride), *p;
	int	 x, y;

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			p = px + y * stride + x * 3;
			p[0] = r;
			p[1] = g;
			p[2] = b;
		}
	}
	return px;
}

/*
 * The test card the reference vectors were made from: red falling left to
 * right, green falling top to bottom, blue a diagonal pattern (the same
 * integer arithmetic as the JavaScript that made them).
 */
static uint8_t *
card(int w, int h)
{
	uint8_t	*px = xmalloc((size_t)w * h * 3), *p;
	int	 x, y;

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			p = px + (y * w + x) * 3;
			p[0] = 255 - x * 255 / (w - 1);
			p[1] = 255 - y * 255 / (h - 1);
			p[2] = (x * 7 + y * 13) % 256;
		}
	}
	return px;
}

/* Whether AC component (i, j) of a hash of nx components across is
 * zero (9, 9, 9). */
static int
ac_zero(const char *s, int nx, int i, int j)
{
	return decode83(s + 6 + 2 * (j * nx + i - 1), 2) ==
	    9 * 19 * 19 + 9 * 19 + 9;
}

/* Whether a solid colour's hash (nx x ny) is zero where it must be: every
 * component with an even non-zero index. */
static int
solid_ac_ok(const char *s, int nx, int ny)
{
	int	i, j, even;

	for (j = 0; j < ny; j++) {
		for (i = 0; i < nx; i++) {
			even = (i > 0 && i % 2 == 0) || (j > 0 && j % 2 == 0);
			if ((i > 0 || j > 0) && even && !ac_zero(s, nx, i, j))
				return 0;
		}
	}
	return 1;
}

int
main(void)
{
	static const struct {
		int		 w, h, x, y;
		const char	*hash;
	} ref[] = {
		{ 32, 24, 4, 3, "L;HoI4|?$6xGq9objpkAgufdfSfm" },
		{ 17, 11, 4, 3, "L{Hx+p}7,YxZuUs:o2k9guf*fQf%" },
		{ 20, 20, 1, 1, "00Hx$y" },
		{ 32, 24, 5, 5, "e;HoI4|?$6xGsTq9objpkAjrgufdfSfmfPo[oLjyj]jtgJflfRf"
		    "ffO" },
		{ 9, 13, 9, 9, "|~I5SH}A,W$%$3$*$3$*$3uUt5o2kRjukRjukRjugwf*fQf%fQf"
		    "%fQf%fQtis,o1kBjtkBjtkBjtgHfkfQfifQfifQfifQtPsmo1j[jtj[js"
		    "j[jsgHfjfQfifQfifQfifQtPsmo1j[jsj[jsj[jsgHfjfQfifQfifQfi"
		    "fQ" },
	};
	/* #c86432 alone, 4x3 components */
	static const struct {
		int		 w, h;
		const char	*hash;
	} ref_solid[] = {
		{ 10, 7, "LQM|T9^4fQ^4}XsofQsofQfQfQfQ" },
		{ 32, 32, "L5M|T9}XfQ}X}XoKfQoKfQfQfQfQ" },
		{ 2, 2, "L~M|T9}qfQ}q}q=dfQ=dfQfQfQfQ" },
	};
	char		 out[200], out2[200];
	uint8_t		*px, *wide;
	size_t		 i;
	int		 x, y, v, good, k;

	/* Arguments. */
	px = solid(4, 4, 12, 1, 2, 3);
	ok(blurhash_encode(NULL, 4, 4, 12, 4, 3, out, sizeof out) == -1 &&
	    blurhash_encode(px, 0, 4, 12, 4, 3, out, sizeof out) == -1 &&
	    blurhash_encode(px, 4, 0, 12, 4, 3, out, sizeof out) == -1 &&
	    blurhash_encode(px, 4, 4, 11, 4, 3, out, sizeof out) == -1 &&
	    blurhash_encode(px, 4, 4, 12, 0, 3, out, sizeof out) == -1 &&
	    blurhash_encode(px, 4, 4, 12, 4, 10, out, sizeof out) == -1 &&
	    blurhash_encode(px, 4, 4, 12, 4, 3, NULL, sizeof out) == -1,
	    "bad arguments are refused");
	ok(blurhash_encode(px, 4, 4, 12, 4, 3, out, 28) == -1 &&
	    blurhash_encode(px, 4, 4, 12, 4, 3, out, 29) == 0 &&
	    strlen(out) == 28, "4x3 needs 28 characters and a NUL");
	ok(blurhash_encode(px, 4, 4, 12, 4, 3, out, BLURHASH_MAX) == 0 &&
	    blurhash_encode(px, 4, 4, 12, 5, 5, out, BLURHASH_MAX) == 0 &&
	    blurhash_encode(px, 4, 4, 12, 5, 6, out, BLURHASH_MAX) == -1,
	    "BLURHASH_MAX holds up to 5x5 components");
	free(px);

	/* Lengths and the size flag, every number of components. */
	px = solid(3, 3, 9, 10, 20, 30);
	good = 1;
	for (y = 1; y <= 9; y++) {
		for (x = 1; x <= 9; x++) {
			if (blurhash_encode(px, 3, 3, 9, x, y, out,
			    sizeof out) != 0 ||
			    strlen(out) != 4 + 2 * (size_t)x * y ||
			    decode83(out, 1) != (x - 1) + (y - 1) * 9 ||
			    decode83(out, (int)strlen(out)) == -1)
				good = 0;
		}
	}
	ok(good, "1x1 to 9x9: 4 + 2 x components characters, base 83, the "
	    "size flag first");
	free(px);

	/* A solid colour: its average exactly, the even components zero. */
	px = solid(10, 7, 30, 200, 100, 50);
	ok(blurhash_encode(px, 10, 7, 30, 4, 3, out, sizeof out) == 0 &&
	    decode83(out + 2, 4) == 0xc86432 && solid_ac_ok(out, 4, 3),
	    "a solid colour: DC #c86432, the even AC components zero (%s)",
	    out);
	free(px);
	px = solid(64, 64, 192, 200, 100, 50);
	ok(blurhash_encode(px, 64, 64, 192, 5, 5, out, sizeof out) == 0 &&
	    decode83(out + 2, 4) == 0xc86432 && solid_ac_ok(out, 5, 5),
	    "... and with 5x5 components (%s)", out);
	free(px);
	px = solid(1, 1, 3, 0, 0, 0);
	ok(blurhash_encode(px, 1, 1, 3, 1, 1, out, sizeof out) == 0 &&
	    strcmp(out, "000000") == 0, "one black pixel, 1x1: 000000");
	free(px);
	good = 1;
	for (v = 0; v < 256; v++) {
		px = solid(2, 2, 6, v, v, 255 - v);
		if (blurhash_encode(px, 2, 2, 6, 3, 3, out, sizeof out) != 0 ||
		    decode83(out + 2, 4) != (v << 16 | v << 8 | (255 - v)) ||
		    !solid_ac_ok(out, 3, 3))
			good = 0;
		free(px);
	}
	ok(good, "every sRGB level survives the trip through linear light");

	/* Rows stride bytes apart: what lies beyond a row is not read. */
	px = card(17, 11);
	wide = xmalloc(17 * 11 * 3 + 11 * 5);
	memset(wide, 0xee, 17 * 11 * 3 + 11 * 5);
	for (y = 0; y < 11; y++)
		memcpy(wide + y * (17 * 3 + 5), px + y * 17 * 3, 17 * 3);
	ok(blurhash_encode(px, 17, 11, 17 * 3, 4, 3, out, sizeof out) == 0 &&
	    blurhash_encode(wide, 17, 11, 17 * 3 + 5, 4, 3, out2,
	    sizeof out2) == 0 && strcmp(out, out2) == 0, "a padded stride "
	    "gives the same hash");
	free(wide);
	free(px);

	/* Mirrored about x = 8, black at x = 0, the same down the height:
	 * every odd horizontal component is zero, (2, 0) is not. */
	px = xmalloc(16 * 8 * 3);
	for (y = 0; y < 8; y++) {
		for (x = 0; x < 16; x++) {
			v = 8 - (x < 8 ? 8 - x : x - 8);
			px[(y * 16 + x) * 3] = v * 30;
			px[(y * 16 + x) * 3 + 1] = v * 20;
			px[(y * 16 + x) * 3 + 2] = v * 10;
		}
	}
	ok(blurhash_encode(px, 16, 8, 48, 4, 3, out, sizeof out) == 0,
	    "a mirrored ramp: %s", out);
	good = 1;
	for (k = 1; k < 12; k++) {
		if ((k % 4) % 2 == 1 && !ac_zero(out, 4, k % 4, k / 4))
			good = 0;
	}
	ok(good && !ac_zero(out, 4, 2, 0), "... odd horizontal components "
	    "zero, (2, 0) not");
	free(px);

	/* The reference encoder's hashes of a solid colour. */
	for (i = 0; i < nitems(ref_solid); i++) {
		px = solid(ref_solid[i].w, ref_solid[i].h, ref_solid[i].w * 3,
		    200, 100, 50);
		ok(blurhash_encode(px, ref_solid[i].w, ref_solid[i].h,
		    ref_solid[i].w * 3, 4, 3, out, sizeof out) == 0 &&
		    strcmp(out, ref_solid[i].hash) == 0, "reference: %dx%d of "
		    "#c86432", ref_solid[i].w, ref_solid[i].h);
		free(px);
	}

	/* The reference encoder's hashes of the test card. */
	for (i = 0; i < nitems(ref); i++) {
		px = card(ref[i].w, ref[i].h);
		ok(blurhash_encode(px, ref[i].w, ref[i].h, ref[i].w * 3,
		    ref[i].x, ref[i].y, out, sizeof out) == 0 &&
		    strcmp(out, ref[i].hash) == 0, "reference: %dx%d card, "
		    "%dx%d components", ref[i].w, ref[i].h, ref[i].x, ref[i].y);
		if (strcmp(out, ref[i].hash) != 0)
			printf("#   got  %s\n#   want %s\n", out, ref[i].hash);
		free(px);
	}
	return done_testing();
}
