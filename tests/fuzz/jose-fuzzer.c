/*
 * jose-fuzzer.c: jose_verify over hostile tokens against a fixed key set,
 * and jose_peek. The input is the token. The seeds (corpus/jose/) were
 * signed once with the private halves of the keys below, then thrown away,
 * so the valid ones reach the OK path and the rest every refusal: alg none,
 * HS256, an unknown kid, a key for encryption, a key for another alg, a key
 * of another kty, crit, a DER signature, four parts, bad base64url.
 * Beyond not crashing: exactly one of payload and cause comes back, a
 * payload is no longer than the token and has no NUL before its end, a
 * cause is one line, and jose_peek reads every token jose_verify accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* RSA 2048 (kid rsa1, use sig), another RSA (enc1, use enc), rsa1 again as
 * rs384 (alg RS384), EC P-256 (ec1), EC P-384 (no kid), Ed25519 (ed1). */
static const char fuzz_jwks[] =
    "{\"keys\":["
    "{\"kty\":\"RSA\",\"kid\":\"rsa1\",\"n\":\"l2kz6xmP9VyAfgJ-bdyGygzz-"
    "94gjOFSwBpZB8ILv10w2CCFamRgp74gMjMR_c03x629suopKE60K3sGa"
    "poiJrMeAFih4-hrpz17glYQeSxHbX17UPmbsZwURcXLnzMuSh5XUSm4A"
    "FJEEf9by2b53oopk3pgu1feW0I58BPuh7T9Mvapruh5Cqes1tTf7QU1s"
    "OOFO10ZCyMTAsr9q43em9Qx57hLJ7DslsjbsyBcFA-Apexs42dh9Xivi"
    "r0W921Pdpl5s6nNyb8R9mDakzBNmYIU8rh7ItgU3RGPAEsjS3YU4C-EV"
    "gEowIZxmpjqOx3NAK7phLAz85FfnfiiG2m-KQ\",\"e\":\"AQAB\",\"use\":"
    "\"sig\"},"
    "{\"kty\":\"RSA\",\"kid\":\"enc1\",\"n\":\"qgrsSbcOC1sboDEx0w4R007q7"
    "8pO69lSKsZ-idueF1EuaxKSn0GgbkKeWAcwN2NlMwRjdl163mVLrS4C2"
    "XG2Qh4cp0cWgM1u6HncOUvmuF0J6BFtuRH0ckzTuf9GEv_5zWSwRqnun"
    "3P28KBMmhPuSBz79yLgP0Wu4rmDreCygoQxfp1AKr090EholLnDwvyLX"
    "p94z5Um-P76MYRy_7FaqTO31KbOqFlPZUz_pAfqUsYo44faFYIhTje1D"
    "T_ORCx_JD52WgSqdC_0niogubsx7XjdDHnXj9l2irulPejxJjxoHejUw"
    "M58Uo9u-KYAntOxK_sSd8bCvtrpPto1wYibyw\",\"e\":\"AQAB\",\"use\":"
    "\"enc\"},"
    "{\"kty\":\"RSA\",\"kid\":\"rs384\",\"n\":\"l2kz6xmP9VyAfgJ-bdyGygzz"
    "-94gjOFSwBpZB8ILv10w2CCFamRgp74gMjMR_c03x629suopKE60K3sG"
    "apoiJrMeAFih4-hrpz17glYQeSxHbX17UPmbsZwURcXLnzMuSh5XUSm4"
    "AFJEEf9by2b53oopk3pgu1feW0I58BPuh7T9Mvapruh5Cqes1tTf7QU1"
    "sOOFO10ZCyMTAsr9q43em9Qx57hLJ7DslsjbsyBcFA-Apexs42dh9Xiv"
    "ir0W921Pdpl5s6nNyb8R9mDakzBNmYIU8rh7ItgU3RGPAEsjS3YU4C-E"
    "VgEowIZxmpjqOx3NAK7phLAz85FfnfiiG2m-KQ\",\"e\":\"AQAB\",\"alg\""
    ":\"RS384\"},"
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"bf6smCF83DLIS7mwOo3_4Izdp"
    "D4ADpCLepJ2xFAYPuk\",\"y\":\"a8C8wJoaTn5Ww2lGaeoZmA4NFnk0pD3"
    "KTtGlbd3oi14\",\"kid\":\"ec1\"},"
    "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"uGVkB-LENxBH_kj1zQHd6Dhjs"
    "JyvwBPH6pvAxXelVaMMV9Nf4B4gOSQeV1iPh5I-\",\"y\":\"tpdg1uQYtz"
    "4jVYnkOZHKCXq3KqVxQTMMIFBMCJUY_LcX-rFwlspiiUkDoIb1EK3l\"}"
    ","
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed1\",\"x\":\"-wNvC3aEzJ"
    "GX44fM36p5Cz-I8uGMhXmo9O9NvA5YxWI\"}"
    "]}";

static const char fuzz_algs[] = "RS256 RS384 PS256 ES256 ES384 EdDSA Ed25519";

/* Whether s is one printable line of 1 to max bytes. */
static int
fuzz_line(const char *s, size_t max)
{
	size_t	i, n = strlen(s);

	for (i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return 0;
	}
	return n > 0 && n <= max;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*token, *payload, *cause, alg[16], kid[16];
	size_t	 i;
	int	 rc, peek;

	token = malloc(size + 1);
	if (token == NULL)
		return 0;
	memcpy(token, data, size);
	token[size] = '\0';

	rc = jose_verify(fuzz_jwks, token, fuzz_algs, &payload, &cause);
	if (rc == JOSE_OK) {
		if (payload == NULL || cause != NULL ||
		    strlen(payload) > size)
			abort();
		free(payload);
	} else if (rc == JOSE_EBAD || rc == JOSE_EKID) {
		if (payload != NULL || cause == NULL || !fuzz_line(cause, 256))
			abort();
		free(cause);
	} else
		abort();

	/* The buffers are filled, NUL-terminated and printable either way. */
	memset(alg, 'x', sizeof alg);
	memset(kid, 'x', sizeof kid);
	peek = jose_peek(token, alg, sizeof alg, kid, sizeof kid);
	if ((peek != 0 && peek != -1) || (rc == JOSE_OK && peek != 0) ||
	    memchr(alg, '\0', sizeof alg) == NULL ||
	    memchr(kid, '\0', sizeof kid) == NULL)
		abort();
	for (i = 0; alg[i] != '\0'; i++) {
		if (alg[i] <= 0x20 || alg[i] >= 0x7f)
			abort();
	}
	for (i = 0; kid[i] != '\0'; i++) {
		if (kid[i] <= 0x20 || kid[i] >= 0x7f)
			abort();
	}
	if (peek == -1 && (alg[0] != '\0' || kid[0] != '\0'))
		abort();
	free(token);
	return 0;
}
