/*
 * Unit tests for jose.c. Keys are made here at run time (RSA 2048, EC P-256,
 * P-384 and P-521, Ed25519, Ed448), their public halves written out as a
 * JWKS from the keys' own parameters, and tokens signed here with OpenSSL
 * (not with jose_sign), so a verifier that accepted anything, or only its
 * own output, would fail.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "lib.h"
#include "tap.h"

/* A key of the test and its kid in the set. */
struct key {
	const char	*kid;
	const char	*type;		/* EVP_PKEY_Q_keygen's */
	const char	*curve;		/* EC's, else NULL */
	size_t		 field;		/* EC coordinate bytes */
	EVP_PKEY	*pkey;
	char		*jwk;		/* public, as JSON */
};

static struct key keys[] = {
	{ "rsa", "RSA", NULL, 0, NULL, NULL },
	{ "p256", "EC", "P-256", 32, NULL, NULL },
	{ "p384", "EC", "P-384", 48, NULL, NULL },
	{ "p521", "EC", "P-521", 66, NULL, NULL },
	{ "ed25519", "ED25519", NULL, 0, NULL, NULL },
	{ "ed448", "ED448", NULL, 0, NULL, NULL },
};
enum { RSA_KEY, P256, P384, P521, ED25519, ED448 };

static char	*all_keys;	/* the JWKS of every key above */

static const char *claims = "{\"iss\":\"https://id.example\",\"sub\":\"42\"}";

/* base64url of a buffer (jose_b64url, checked on its own below). */
static char *
b64(const void *p, size_t len)
{
	return jose_b64url(p, len);
}

/* A big number as base64url, padded to len bytes if len > 0. */
static char *
b64_bn(EVP_PKEY *k, const char *param, size_t len)
{
	BIGNUM		*bn = NULL;
	unsigned char	 buf[1024];
	int		 n;

	if (EVP_PKEY_get_bn_param(k, param, &bn) != 1)
		abort();
	n = len > 0 ? BN_bn2binpad(bn, buf, (int)len) : BN_bn2bin(bn, buf);
	BN_free(bn);
	if (n <= 0)
		abort();
	return b64(buf, (size_t)n);
}

/* The public JWK of a key, with kid and extra members (",..." or ""). */
static char *
jwk_of(const struct key *k, const char *kid, const char *extra)
{
	unsigned char	 raw[64];
	size_t		 rawlen = sizeof raw;
	char		*a, *b, *out;

	if (strcmp(k->type, "RSA") == 0) {
		a = b64_bn(k->pkey, OSSL_PKEY_PARAM_RSA_N, 0);
		b = b64_bn(k->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
		out = xasprintf("{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\","
		    "\"e\":\"%s\"%s}", kid, a, b, extra);
	} else if (strcmp(k->type, "EC") == 0) {
		a = b64_bn(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, k->field);
		b = b64_bn(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, k->field);
		out = xasprintf("{\"kty\":\"EC\",\"kid\":\"%s\",\"crv\":\"%s\","
		    "\"x\":\"%s\",\"y\":\"%s\"%s}", kid, k->curve, a, b, extra);
	} else {
		if (EVP_PKEY_get_raw_public_key(k->pkey, raw, &rawlen) != 1)
			abort();
		a = b64(raw, rawlen);
		b = NULL;
		out = xasprintf("{\"kty\":\"OKP\",\"kid\":\"%s\",\"crv\":\"%s\","
		    "\"x\":\"%s\"%s}", kid, strcmp(k->type, "ED25519") == 0 ?
		    "Ed25519" : "Ed448", a, extra);
	}
	free(a);
	free(b);
	return out;
}

/* A JWKS of the given JWKs (a NULL-terminated list). */
static char *
jwks_of(const char *first, ...)
{
	va_list		 ap;
	const char	*jwk;
	char		*out = xstrdup("{\"keys\":["), *next;

	va_start(ap, first);
	for (jwk = first; jwk != NULL; jwk = va_arg(ap, const char *)) {
		next = xasprintf("%s%s%s", out, jwk == first ? "" : ",", jwk);
		free(out);
		out = next;
	}
	va_end(ap);
	next = xasprintf("%s]}", out);
	free(out);
	return next;
}

/* The digest an alg's name ends with, NULL for EdDSA. */
static const EVP_MD *
md_of(const char *alg)
{
	size_t	len = strlen(alg);

	if (len < 3 || strncmp(alg, "Ed", 2) == 0)
		return NULL;
	if (strcmp(alg + len - 3, "256") == 0)
		return EVP_sha256();
	if (strcmp(alg + len - 3, "384") == 0)
		return EVP_sha384();
	return EVP_sha512();
}

/*
 * A compact JWS of header and payload, signed here: with k as alg says,
 * with secret as HMAC for HS*, or with nothing for "none".
 */
static char *
sign_with(EVP_PKEY *k, const char *alg, const char *header,
    const char *payload, const void *secret, size_t secretlen)
{
	EVP_MD_CTX		*ctx;
	EVP_PKEY_CTX		*pctx;
	ECDSA_SIG		*es;
	const BIGNUM		*r, *s;
	const unsigned char	*p;
	unsigned char		 sig[1024], raw[132];
	unsigned int		 hlen;
	size_t			 siglen = sizeof sig, half;
	char			*h64, *p64, *input, *s64, *out;

	h64 = b64(header, strlen(header));
	p64 = b64(payload, strlen(payload));
	input = xasprintf("%s.%s", h64, p64);
	if (strcmp(alg, "none") == 0)
		siglen = 0;
	else if (strncmp(alg, "HS", 2) == 0) {
		HMAC(md_of(alg), secret, (int)secretlen,
		    (unsigned char *)input, strlen(input), sig, &hlen);
		siglen = hlen;
	} else {
		ctx = EVP_MD_CTX_new();
		if (EVP_DigestSignInit(ctx, &pctx, md_of(alg), NULL, k) != 1)
			abort();
		if (alg[0] == 'P' &&
		    (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST) != 1))
			abort();
		if (EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input,
		    strlen(input)) != 1)
			abort();
		EVP_MD_CTX_free(ctx);
	}
	if (alg[0] == 'E' && alg[1] == 'S') {
		/* DER to r || s, each the curve's size (RFC 7518 3.4). */
		half = strcmp(alg, "ES256") == 0 ? 32 :
		    strcmp(alg, "ES384") == 0 ? 48 : 66;
		p = sig;
		if ((es = d2i_ECDSA_SIG(NULL, &p, (long)siglen)) == NULL)
			abort();
		ECDSA_SIG_get0(es, &r, &s);
		BN_bn2binpad(r, raw, (int)half);
		BN_bn2binpad(s, raw + half, (int)half);
		ECDSA_SIG_free(es);
		memcpy(sig, raw, 2 * half);
		siglen = 2 * half;
	}
	s64 = b64(sig, siglen);
	out = xasprintf("%s.%s", input, s64);
	free(h64);
	free(p64);
	free(input);
	free(s64);
	return out;
}

/* A token of the claims signed by k as alg, its header naming kid. */
static char *
sign(EVP_PKEY *k, const char *alg, const char *kid)
{
	char	*header, *out;

	if (kid != NULL)
		header = xasprintf("{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
	else
		header = xasprintf("{\"alg\":\"%s\"}", alg);
	out = sign_with(k, alg, header, claims, NULL, 0);
	free(header);
	return out;
}

/*
 * Verify and check the outcome: want is the code; on JOSE_OK the payload
 * must be the claims, otherwise the cause must hold cause_has.
 */
static void
check(const char *jwks, const char *token, const char *algs, int want,
    const char *cause_has, const char *what)
{
	char	*payload = (char *)"unset", *cause = (char *)"unset";
	int	 rc;

	rc = jose_verify(jwks, token, algs, &payload, &cause);
	if (!ok(rc == want, "%s: %s", what, want == JOSE_OK ? "verifies" :
	    want == JOSE_EKID ? "JOSE_EKID" : "refused"))
		printf("#   got %d (%s), want %d\n", rc,
		    cause ? cause : "no cause", want);
	if (want == JOSE_OK) {
		is_str(payload, claims, "%s: the payload", what);
		ok(cause == NULL, "%s: no cause", what);
	} else {
		ok(payload == NULL, "%s: no payload", what);
		if (!ok(cause != NULL && strstr(cause, cause_has) != NULL,
		    "%s: cause says \"%s\"", what, cause_has))
			printf("#   cause: %s\n", cause ? cause : "(null)");
	}
	if (rc == JOSE_OK)
		free(payload);
	else
		free(cause);
}

/* The token with one character of its signature changed. */
static char *
flip_sig(const char *token)
{
	char	*t = xstrdup(token), *sig = strrchr(t, '.') + 1;

	sig[5] = sig[5] == 'A' ? 'B' : 'A';
	return t;
}

static void
test_algs(void)
{
	static const struct {
		const char	*alg;
		int		 key;
	} cases[] = {
		{ "RS256", RSA_KEY }, { "RS384", RSA_KEY },
		{ "RS512", RSA_KEY }, { "PS256", RSA_KEY },
		{ "PS384", RSA_KEY }, { "PS512", RSA_KEY },
		{ "ES256", P256 }, { "ES384", P384 }, { "ES512", P521 },
		{ "EdDSA", ED25519 }, { "EdDSA", ED448 },
		{ "Ed25519", ED25519 }, { "Ed448", ED448 },
	};
	const char	*algs = "RS256 RS384 RS512 PS256 PS384 PS512 ES256 "
			    "ES384 ES512 EdDSA Ed25519 Ed448";
	char		*t, *bad, what[64], *one;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		snprintf(what, sizeof what, "%s with %s", cases[i].alg,
		    keys[cases[i].key].kid);
		t = sign(keys[cases[i].key].pkey, cases[i].alg,
		    keys[cases[i].key].kid);
		check(all_keys, t, algs, JOSE_OK, NULL, what);

		bad = flip_sig(t);
		snprintf(what, sizeof what, "%s, a signature byte flipped",
		    cases[i].alg);
		check(all_keys, bad, algs, JOSE_EBAD,
		    "signature does not verify", what);
		free(bad);
		free(t);

		/* No kid: every key of the kty is tried. */
		t = sign(keys[cases[i].key].pkey, cases[i].alg, NULL);
		snprintf(what, sizeof what, "%s without kid", cases[i].alg);
		check(all_keys, t, algs, JOSE_OK, NULL, what);
		bad = flip_sig(t);
		snprintf(what, sizeof what, "%s without kid, flipped",
		    cases[i].alg);
		check(all_keys, bad, algs, JOSE_EBAD,
		    "signature does not verify", what);
		free(bad);
		free(t);
	}

	/* The payload is signed too. */
	t = sign(keys[RSA_KEY].pkey, "RS256", "rsa");
	one = strchr(t, '.') + 3;
	*one = *one == 'A' ? 'B' : 'A';
	check(all_keys, t, "RS256", JOSE_EBAD, "signature does not verify",
	    "RS256, a payload character changed");
	free(t);

	/* A set of one key with no kid at all. */
	t = sign(keys[P256].pkey, "ES256", NULL);
	one = jwk_of(&keys[P256], "x", "");
	bad = xstrdup(one);
	free(one);
	one = jwks_of(bad, NULL);
	check(one, t, "ES256", JOSE_OK, NULL, "ES256, one key, no kid");
	free(one);
	free(bad);
	free(t);
}

static void
test_refused(void)
{
	char		*t, *set, *jwk, *other, *hdr;
	unsigned char	 secret[32];
	size_t		 n;

	/* alg none, with and without a signature. */
	t = sign_with(NULL, "none", "{\"alg\":\"none\",\"kid\":\"rsa\"}",
	    claims, NULL, 0);
	check(all_keys, t, "RS256 none", JOSE_EBAD, "alg none refused",
	    "alg none, even when listed");
	free(t);
	t = sign_with(NULL, "none", "{\"alg\":\"none\"}", claims, NULL, 0);
	hdr = xasprintf("%sAAAA", t);
	check(all_keys, hdr, "RS256", JOSE_EBAD, "alg none refused",
	    "alg none with a signature");
	free(hdr);
	free(t);

	/* alg not in the caller's list. */
	t = sign(keys[P256].pkey, "ES256", "p256");
	check(all_keys, t, "RS256 EdDSA", JOSE_EBAD, "alg ES256 not allowed",
	    "ES256 not listed");
	check(all_keys, t, "", JOSE_EBAD, "alg ES256 not allowed",
	    "an empty list");
	check(all_keys, t, "ES2560 XES256", JOSE_EBAD, "not allowed",
	    "listed only as part of a word");
	free(t);

	/* HS256: a shared secret, and the classic forgery keyed with a public
	 * key's bytes. Both refused even when listed and the set has an oct
	 * key. */
	memset(secret, 7, sizeof secret);
	other = b64(secret, sizeof secret);
	jwk = xasprintf("{\"kty\":\"oct\",\"kid\":\"hs\",\"k\":\"%s\"}", other);
	set = jwks_of(jwk, keys[RSA_KEY].jwk, NULL);
	t = sign_with(NULL, "HS256", "{\"alg\":\"HS256\",\"kid\":\"hs\"}",
	    claims, secret, sizeof secret);
	check(set, t, "HS256 RS256", JOSE_EBAD, "alg HS256 refused",
	    "HS256 with an oct key");
	free(t);
	t = sign_with(NULL, "HS256", "{\"alg\":\"HS256\",\"kid\":\"rsa\"}",
	    claims, keys[RSA_KEY].jwk, strlen(keys[RSA_KEY].jwk));
	check(set, t, "HS256 RS256", JOSE_EBAD, "alg HS256 refused",
	    "HS256 keyed with the RSA public key");
	free(t);
	t = sign_with(NULL, "HS512", "{\"alg\":\"HS512\"}", claims, secret,
	    sizeof secret);
	check(set, t, "HS512", JOSE_EBAD, "alg HS512 refused", "HS512");
	free(t);
	free(set);
	free(jwk);
	free(other);

	/* A kid the set lacks: the caller fetches the set again. */
	t = sign(keys[RSA_KEY].pkey, "RS256", "rotated-2");
	check(all_keys, t, "RS256", JOSE_EKID, "kid rotated-2 is in no key",
	    "unknown kid");
	free(t);

	/* The key's alg must be the token's. */
	jwk = jwk_of(&keys[RSA_KEY], "r384", ",\"alg\":\"RS384\"");
	set = jwks_of(jwk, NULL);
	t = sign(keys[RSA_KEY].pkey, "RS256", "r384");
	check(set, t, "RS256 RS384", JOSE_EBAD, "is for alg RS384, not RS256",
	    "JWK alg RS384, token RS256");
	free(t);
	t = sign(keys[RSA_KEY].pkey, "RS256", NULL);
	check(set, t, "RS256 RS384", JOSE_EBAD, "is for alg RS384, not RS256",
	    "JWK alg RS384, token RS256 without kid");
	free(t);
	t = sign(keys[RSA_KEY].pkey, "RS384", "r384");
	check(set, t, "RS256 RS384", JOSE_OK, NULL, "JWK alg RS384, token RS384");
	free(t);
	free(set);
	free(jwk);

	/* A key for encryption signs nothing. */
	jwk = jwk_of(&keys[RSA_KEY], "enc", ",\"use\":\"enc\"");
	set = jwks_of(jwk, NULL);
	t = sign(keys[RSA_KEY].pkey, "RS256", "enc");
	check(set, t, "RS256", JOSE_EBAD, "is for use enc",
	    "use=enc key, named by kid");
	free(t);
	t = sign(keys[RSA_KEY].pkey, "RS256", NULL);
	check(set, t, "RS256", JOSE_EBAD, "is for use enc",
	    "use=enc key, no kid");
	free(t);
	free(set);
	free(jwk);
	jwk = jwk_of(&keys[RSA_KEY], "sig", ",\"use\":\"sig\"");
	other = jwk_of(&keys[RSA_KEY], "ops", ",\"key_ops\":[\"encrypt\"]");
	set = jwks_of(jwk, other, NULL);
	t = sign(keys[RSA_KEY].pkey, "RS256", "sig");
	check(set, t, "RS256", JOSE_OK, NULL, "use=sig key");
	free(t);
	t = sign(keys[RSA_KEY].pkey, "RS256", "ops");
	check(set, t, "RS256", JOSE_EBAD, "key_ops lack verify",
	    "key_ops without verify");
	free(t);
	free(set);
	free(other);
	free(jwk);

	/* Kty and curve must be the alg's. */
	t = sign(keys[RSA_KEY].pkey, "RS256", "p256");
	check(all_keys, t, "RS256", JOSE_EBAD, "is kty EC, alg RS256 needs RSA",
	    "RS256 naming an EC key");
	free(t);
	jwk = jwk_of(&keys[P384], "p256", "");
	set = jwks_of(jwk, NULL);
	t = sign(keys[P384].pkey, "ES256", "p256");
	check(set, t, "ES256", JOSE_EBAD, "is on curve P-384, alg ES256 needs",
	    "ES256 with a P-384 key");
	free(t);
	free(set);
	free(jwk);
	jwk = jwk_of(&keys[ED448], "ed", "");
	set = jwks_of(jwk, NULL);
	t = sign(keys[ED448].pkey, "Ed25519", "ed");
	check(set, t, "Ed25519", JOSE_EBAD, "is on curve Ed448",
	    "alg Ed25519 with an Ed448 key");
	free(t);
	free(set);
	free(jwk);

	/* A signature of the wrong length for the key. */
	t = sign(keys[P256].pkey, "ES256", "p256");
	hdr = xstrdup(t);
	*strrchr(hdr, '.') = '\0';
	other = xasprintf("%s.%sAAAA", hdr, strrchr(t, '.') + 1);
	check(all_keys, other, "ES256", JOSE_EBAD, "signature does not verify",
	    "ES256 signature 3 bytes too long");
	free(other);
	other = xasprintf("%s.AAAA", hdr);
	check(all_keys, other, "ES256", JOSE_EBAD, "signature does not verify",
	    "ES256 signature of three bytes");
	free(other);
	other = xasprintf("%s.", hdr);
	check(all_keys, other, "ES256", JOSE_EBAD, "signature does not verify",
	    "ES256 with no signature");
	free(other);
	free(hdr);
	free(t);

	/* Keys that cannot be used. */
	set = xstrdup("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa\","
	    "\"e\":\"AQAB\"}]}");
	t = sign(keys[RSA_KEY].pkey, "RS256", "rsa");
	check(set, t, "RS256", JOSE_EBAD, "lacks n or e", "RSA key without n");
	free(set);
	set = xstrdup("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa\","
	    "\"n\":\"AQAB\",\"e\":\"AQAB\"}]}");
	check(set, t, "RS256", JOSE_EBAD, "under 2048", "a tiny RSA key");
	free(set);
	check("{\"keys\":{}}", t, "RS256", JOSE_EBAD, "no keys array",
	    "keys not an array");
	check("[", t, "RS256", JOSE_EBAD, "key set is not JSON",
	    "key set not JSON");
	check("{\"keys\":[]}", t, "RS256", JOSE_EKID, "is in no key",
	    "an empty set");
	free(t);
	t = sign(keys[RSA_KEY].pkey, "RS256", NULL);
	check("{\"keys\":[1,\"x\",null]}", t, "RS256", JOSE_EBAD,
	    "no key in the set is for alg RS256", "a set of no objects");

	/* What a set holds is quoted in one printable line, cut short. */
	check("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"e\\nn\\u001bc\"}]}",
	    t, "RS256", JOSE_EBAD, "is for use e?n?c, not sig",
	    "a use with control characters");
	set = xmalloc(2048);
	strcpy(set, "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"");
	n = strlen(set);
	memset(set + n, 'u', 1000);
	strcpy(set + n + 1000, "\"}]}");
	check(set, t, "RS256", JOSE_EBAD, "uuu...", "a use of 1000 bytes");
	ok(jose_verify(set, t, "RS256", &other, &hdr) == JOSE_EBAD &&
	    strlen(hdr) == 256, "a use of 1000 bytes: the cause is 256 bytes");
	free(hdr);
	free(set);
	free(t);
}

static void
test_garbage(void)
{
	static const struct {
		const char	*token;
		const char	*cause;
	} cases[] = {
		{ "", "empty" },
		{ "eyJhbGciOiJSUzI1NiJ9", "1 part," },
		{ "eyJhbGciOiJSUzI1NiJ9.e30", "2 parts" },
		{ "eyJhbGciOiJSUzI1NiJ9.e30.AAAA.AAAA", "4 parts" },
		{ "....", "5 parts" },
		{ "..", "header is not a JSON object" },
		{ "eyJhbGciOiJSUzI1NiJ9.e30.@@@@", "signature is not base64url" },
		{ "eyJhbGciOiJSUzI1NiJ9.e3 0.AAAA", "payload is not base64url" },
		{ "eyJhbGciOiJSUzI1NiJ9==.e30.AAAA", "header is not base64url" },
		{ "eyJhbGciOiJSUzI1NiJ9.e30.A", "signature is not base64url" },
		{ "eyJhbGciOiJSUzI1NiJ9.e30.AB", "signature is not base64url" },
		{ "eyJhbGciOiJSUzI1NiJ9.e30.AAAA+/", "signature is not base64url" },
		{ "eyJhbGciOiJSUzI1NiJ9\n.e30.AAAA", "header is not base64url" },
		/* [1] */
		{ "WzFd.e30.AAAA", "header is not a JSON object" },
		/* {"alg":1} */
		{ "eyJhbGciOjF9.e30.AAAA", "has no alg" },
		/* {} */
		{ "e30.e30.AAAA", "has no alg" },
		/* {"alg":"RS256","alg":"none"} */
		{ "eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.e30.AAAA",
		    "not a JSON object" },
		/* {"alg":"RS256","kid":7} */
		{ "eyJhbGciOiJSUzI1NiIsImtpZCI6N30.e30.AAAA",
		    "kid is not a string" },
		/* {"alg":"RS256","crit":["exp"]} */
		{ "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiZXhwIl19.e30.AAAA", "crit" },
		/* {"alg":"RSA-OAEP"} */
		{ "eyJhbGciOiJSU0EtT0FFUCJ9.e30.AAAA", "alg RSA-OAEP not supported" },
		/* {"alg":"RS256"\x00} */
		{ "eyJhbGciOiJSUzI1NiIAfQ.e30.AAAA", "not a JSON object" },
	};
	char		 what[80], *big, *payload, *cause, alg[16], kid[16];
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		snprintf(what, sizeof what, "garbage \"%.40s\"",
		    cases[i].token);
		what[strcspn(what, "\n")] = '\0';	/* TAP: one line */
		check(all_keys, cases[i].token, "RS256", JOSE_EBAD,
		    cases[i].cause, what);
		if (strstr(cases[i].cause, "parts") != NULL ||
		    strcmp(cases[i].cause, "empty") == 0 ||
		    strstr(cases[i].cause, "base64url") != NULL)
			ok(jose_peek(cases[i].token, alg, sizeof alg, kid,
			    sizeof kid) == -1 && alg[0] == '\0' &&
			    kid[0] == '\0', "%s: jose_peek refuses it", what);
	}
	ok(jose_verify(all_keys, NULL, "RS256", &payload, &cause) == JOSE_EBAD,
	    "a NULL token");
	free(cause);

	/* Bounds: a 16 KiB token and a 256 KiB set at most. */
	big = xmalloc(16 * 1024 + 2);
	memset(big, 'A', 16 * 1024 + 1);
	big[16 * 1024 + 1] = '\0';
	big[10] = big[20] = '.';
	check(all_keys, big, "RS256", JOSE_EBAD, "over 16384 bytes",
	    "a token of 16 KiB + 1");
	free(big);
	big = xmalloc(256 * 1024 + 64);
	strcpy(big, "{\"keys\":[], \"pad\":\"");
	memset(big + strlen(big), 'x', 256 * 1024);
	strcpy(big + 256 * 1024, "\"}");
	payload = sign(keys[RSA_KEY].pkey, "RS256", "rsa");
	check(big, payload, "RS256", JOSE_EBAD, "over 262144 bytes",
	    "a key set over 256 KiB");
	free(payload);
	free(big);

	/* An empty payload is a payload (the caller finds it no JSON). */
	big = sign_with(keys[ED25519].pkey, "EdDSA", "{\"alg\":\"EdDSA\"}",
	    "", NULL, 0);
	payload = NULL;
	ok(jose_verify(all_keys, big, "EdDSA", &payload, &cause) == JOSE_OK &&
	    payload != NULL && *payload == '\0', "an empty payload verifies");
	free(payload);
	free(big);
}

/* A token signed with a NUL inside its payload. */
static void
test_nul_payload(void)
{
	static const char	 nul[] = "{}\0{\"sub\":\"1\"}";
	EVP_MD_CTX		*ctx = EVP_MD_CTX_new();
	char			*h64, *p64, *input, *s64, *t, *payload, *cause;
	unsigned char		 sig[64];
	size_t			 siglen = sizeof sig;
	int			 rc;

	h64 = b64("{\"alg\":\"EdDSA\"}", strlen("{\"alg\":\"EdDSA\"}"));
	p64 = b64(nul, sizeof nul - 1);
	input = xasprintf("%s.%s", h64, p64);
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, keys[ED25519].pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input,
	    strlen(input)) != 1)
		abort();
	s64 = b64(sig, siglen);
	t = xasprintf("%s.%s", input, s64);
	rc = jose_verify(all_keys, t, "EdDSA", &payload, &cause);
	ok(rc == JOSE_EBAD && payload == NULL && cause != NULL &&
	    strstr(cause, "NUL") != NULL, "a payload holding a NUL is refused");
	free(cause);
	free(t);
	free(s64);
	free(input);
	free(p64);
	free(h64);
	EVP_MD_CTX_free(ctx);
}

/* The PEM of a private key, optionally encrypted. */
static char *
pem_of(EVP_PKEY *k, int encrypted)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*data, *out;
	long	 len;

	if (PEM_write_bio_PrivateKey(bio, k, encrypted ? EVP_aes_128_cbc() :
	    NULL, encrypted ? (unsigned char *)"secret" : NULL,
	    encrypted ? 6 : 0, NULL, NULL) != 1)
		abort();
	len = BIO_get_mem_data(bio, &data);
	out = xstrndup(data, (size_t)len);
	BIO_free(bio);
	return out;
}

static void
test_sign(void)
{
	static const struct {
		int		 key;
		const char	*alg;
	} cases[] = {
		{ RSA_KEY, "RS256" }, { P256, "ES256" }, { ED25519, "EdDSA" },
	};
	const char	*allowed = "RS256 ES256 EdDSA";
	char		*pem, *token, *cause, *payload, what[64], alg[16];
	char		 kid[16], *set, *header, *dot;
	size_t		 i, hlen;
	unsigned char	*raw;
	EVP_PKEY	*weak;

	for (i = 0; i < nitems(cases); i++) {
		pem = pem_of(keys[cases[i].key].pkey, 0);
		snprintf(what, sizeof what, "jose_sign with %s",
		    keys[cases[i].key].kid);
		token = NULL;
		if (!ok(jose_sign(pem, keys[cases[i].key].kid, claims, &token,
		    &cause) == 0, "%s", what)) {
			printf("#   %s\n", cause);
			free(cause);
			free(pem);
			continue;
		}
		check(all_keys, token, allowed, JOSE_OK, NULL, what);
		ok(jose_peek(token, alg, sizeof alg, kid, sizeof kid) == 0,
		    "%s: jose_peek reads it", what);
		is_str(alg, cases[i].alg, "%s: alg", what);
		is_str(kid, keys[cases[i].key].kid, "%s: kid", what);
		/* The header as the brief has it, in order. */
		dot = strchr(token, '.');
		header = xstrndup(token, dot - token);
		raw = (unsigned char *)xasprintf("{\"alg\":\"%s\",\"typ\":\"JWT\","
		    "\"kid\":\"%s\"}", cases[i].alg, keys[cases[i].key].kid);
		hlen = strlen((char *)raw);
		payload = b64(raw, hlen);
		is_str(header, payload, "%s: header", what);
		free(payload);
		free(raw);
		free(header);
		free(token);

		/* Without kid: no kid in the header, still verifies. */
		ok(jose_sign(pem, NULL, claims, &token, &cause) == 0,
		    "%s, no kid", what);
		ok(jose_peek(token, alg, sizeof alg, kid, sizeof kid) == 0 &&
		    kid[0] == '\0', "%s, no kid: none in the header", what);
		check(all_keys, token, allowed, JOSE_OK, NULL, what);
		free(token);
		free(pem);
	}

	/* What jose_sign refuses. */
	pem = pem_of(keys[P384].pkey, 0);
	ok(jose_sign(pem, "k", claims, &token, &cause) == -1 &&
	    strstr(cause, "P-256") != NULL && token == NULL,
	    "an EC P-384 key is refused");
	free(cause);
	free(pem);
	pem = pem_of(keys[ED448].pkey, 0);
	ok(jose_sign(pem, "k", claims, &token, &cause) == -1 &&
	    strstr(cause, "only RSA, EC P-256 and Ed25519") != NULL,
	    "an Ed448 key is refused");
	free(cause);
	free(pem);
	weak = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	pem = pem_of(weak, 0);
	ok(jose_sign(pem, "k", claims, &token, &cause) == -1 &&
	    strstr(cause, "1024 bits") != NULL, "an RSA key of 1024 bits");
	free(cause);
	free(pem);
	EVP_PKEY_free(weak);
	/* Encrypted: refused, and no passphrase prompt on the terminal. */
	pem = pem_of(keys[P256].pkey, 1);
	ok(jose_sign(pem, "k", claims, &token, &cause) == -1 &&
	    strstr(cause, "does not load") != NULL,
	    "an encrypted key is refused");
	free(cause);
	free(pem);
	ok(jose_sign("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
	    "KEY-----\n", "k", claims, &token, &cause) == -1 &&
	    strstr(cause, "does not load") != NULL, "a garbage PEM");
	free(cause);
	ok(jose_sign("", "k", claims, &token, &cause) == -1, "an empty PEM");
	free(cause);
	pem = pem_of(keys[P256].pkey, 0);
	ok(jose_sign(pem, "k", "[1,2]", &token, &cause) == -1 &&
	    strstr(cause, "claims are not a JSON object") != NULL,
	    "claims not an object");
	free(cause);
	ok(jose_sign(pem, "k", "{\"a\":", &token, &cause) == -1 &&
	    strstr(cause, "claims are not a JSON object") != NULL,
	    "claims not JSON");
	free(cause);
	ok(jose_sign(pem, "\xff", claims, &token, &cause) == -1 &&
	    strstr(cause, "kid is not UTF-8") != NULL, "a kid not UTF-8");
	free(cause);

	/* A kid with a quote is escaped, and the token verifies by it. */
	ok(jose_sign(pem, "a\"b", claims, &token, &cause) == 0,
	    "a kid with a quote");
	payload = jwk_of(&keys[P256], "a\\\"b", "");
	set = jwks_of(payload, NULL);
	check(set, token, "ES256", JOSE_OK, NULL, "a kid with a quote");
	free(set);
	free(payload);
	free(token);
	free(pem);
}

static void
test_peek(void)
{
	char	 alg[8], kid[8], *t;

	t = sign(keys[RSA_KEY].pkey, "RS256", "k1");
	ok(jose_peek(t, alg, sizeof alg, kid, sizeof kid) == 0, "jose_peek");
	is_str(alg, "RS256", "jose_peek: alg");
	is_str(kid, "k1", "jose_peek: kid");
	free(t);
	/* Control characters shown as '?', long values cut to the buffer. */
	t = sign_with(keys[RSA_KEY].pkey, "RS256",
	    "{\"alg\":\"RS256\",\"kid\":\"a\\nb\\u001bcdefghijkl\"}", claims,
	    NULL, 0);
	ok(jose_peek(t, alg, sizeof alg, kid, sizeof kid) == 0,
	    "jose_peek, odd kid");
	is_str(kid, "a?b?cde", "jose_peek: kid printable and cut");
	ok(jose_peek(t, alg, 0, kid, 1) == 0 && kid[0] == '\0',
	    "jose_peek: buffers of 0 and 1 bytes");
	free(t);
	/* Peek reads alg none without judging it. */
	t = sign_with(NULL, "none", "{\"alg\":\"none\"}", claims, NULL, 0);
	ok(jose_peek(t, alg, sizeof alg, kid, sizeof kid) == 0 &&
	    strcmp(alg, "none") == 0 && kid[0] == '\0', "jose_peek: alg none");
	free(t);
}

static void
test_b64_random_pkce(void)
{
	static const unsigned char	 rfc7515[] = { 3, 236, 255, 224, 193 };
	char				*s, *r[8];
	size_t				 i, j;
	int				 distinct = 1, safe = 1;

	s = jose_b64url(rfc7515, sizeof rfc7515);
	is_str(s, "A-z_4ME", "jose_b64url: RFC 7515 appendix C");
	free(s);
	s = jose_b64url((const unsigned char *)"", 0);
	is_str(s, "", "jose_b64url of nothing");
	free(s);

	/* RFC 7636 appendix B. */
	s = jose_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	is_str(s, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
	    "jose_pkce_challenge: RFC 7636 appendix B");
	free(s);

	for (i = 0; i < nitems(r); i++) {
		r[i] = jose_random(32);
		safe &= strspn(r[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789-_") == strlen(r[i]);
		for (j = 0; j < i; j++)
			distinct &= strcmp(r[i], r[j]) != 0;
	}
	is_int(strlen(r[0]), 43, "jose_random(32): 43 characters");
	ok(safe, "jose_random: URL-safe characters only");
	ok(distinct, "jose_random: 8 values, all distinct");
	for (i = 0; i < nitems(r); i++)
		free(r[i]);
	s = jose_random(16);
	is_int(strlen(s), 22, "jose_random(16): 22 characters");
	free(s);
	s = jose_random(1);
	is_int(strlen(s), 2, "jose_random(1): 2 characters");
	free(s);
}

int
main(int argc, char **argv)
{
	char	*jwks[nitems(keys)];
	size_t	 i;

	tap_args(argc, argv);
	for (i = 0; i < nitems(keys); i++) {
		if (strcmp(keys[i].type, "RSA") == 0)
			keys[i].pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
			    (size_t)2048);
		else if (keys[i].curve != NULL)
			keys[i].pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
			    keys[i].curve);
		else
			keys[i].pkey = EVP_PKEY_Q_keygen(NULL, NULL,
			    keys[i].type);
		if (keys[i].pkey == NULL)
			abort();
		keys[i].jwk = jwks[i] = jwk_of(&keys[i], keys[i].kid, "");
	}
	all_keys = jwks_of(jwks[0], jwks[1], jwks[2], jwks[3], jwks[4],
	    jwks[5], NULL);

	if (tap_case("algs"))
		test_algs();
	if (tap_case("refused"))
		test_refused();
	if (tap_case("garbage"))
		test_garbage();
	if (tap_case("nul-payload"))
		test_nul_payload();
	if (tap_case("sign"))
		test_sign();
	if (tap_case("peek"))
		test_peek();
	if (tap_case("b64-random-pkce"))
		test_b64_random_pkce();

	for (i = 0; i < nitems(keys); i++) {
		EVP_PKEY_free(keys[i].pkey);
		free(keys[i].jwk);
	}
	free(all_keys);
	return done_testing();
}
