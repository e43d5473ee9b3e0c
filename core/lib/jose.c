/*
 * jose.c: JSON Web Signatures for OpenID Connect sign-in: a provider's
 * token checked against its key set (JWKS), and a client assertion signed
 * for private_key_jwt. The flow itself (claims, issuers, nonces) is the
 * caller's; this file answers only "did that key set sign these bytes".
 *
 * RSA (RS*, PS*) and EC (ES*) keys are imported and their signatures checked
 * by libcjose (Debian's 0.6.2). cjose knows no OKP keys, so EdDSA (Ed25519
 * and Ed448, RFC 8037) is checked here with OpenSSL directly. Signing takes a
 * PEM private key, which cjose cannot read, so it is OpenSSL's for every type.
 *
 * Refused before any key is looked at: a token over 16 KiB, anything but
 * three parts of strict base64url, a header that is not a JSON object with a
 * string alg (or has one key twice, so no reader sees another alg), "crit"
 * (no extension is understood), alg "none", the HMAC algs (a provider's set
 * holds public keys, and HS256 keyed with a public key is the classic
 * key-confusion forgery), and every alg the caller did not list. Keys named
 * inside the token (jwk, jku, x5u, x5c) are never used: keys come from the
 * set alone, and a key is used only for the alg, curve and use it is for.
 */
#include <stdlib.h>
#include <string.h>

#include <cjose/cjose.h>
#include <jansson.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "lib.h"

#define JOSE_TOKEN_MAX	(16 * 1024)
#define JOSE_JWKS_MAX	(256 * 1024)
#define JOSE_RSA_MIN	2048	/* bits; shorter keys are refused */
#define JOSE_SHOW_MAX	64	/* bytes of a token's alg or kid in a message */
#define JOSE_CAUSE_MAX	256

enum jose_kty { JOSE_RSA, JOSE_EC, JOSE_OKP };

static const char *jose_kty_names[] = {
	[JOSE_RSA] = "RSA",
	[JOSE_EC] = "EC",
	[JOSE_OKP] = "OKP",
};

/* A signature algorithm this file verifies. */
struct jose_alg {
	const char	*name;
	enum jose_kty	 kty;
	const char	*crv;		/* the one curve it is defined on */
	size_t		 siglen;	/* 0: the key's (RSA modulus, OKP curve) */
};

/*
 * Ed25519 and Ed448 are RFC 9864's fully-specified names for what "EdDSA"
 * leaves to the key's curve.
 */
static const struct jose_alg jose_algs[] = {
	{ "RS256", JOSE_RSA, NULL, 0 },
	{ "RS384", JOSE_RSA, NULL, 0 },
	{ "RS512", JOSE_RSA, NULL, 0 },
	{ "PS256", JOSE_RSA, NULL, 0 },
	{ "PS384", JOSE_RSA, NULL, 0 },
	{ "PS512", JOSE_RSA, NULL, 0 },
	{ "ES256", JOSE_EC, "P-256", 64 },
	{ "ES384", JOSE_EC, "P-384", 96 },
	{ "ES512", JOSE_EC, "P-521", 132 },
	{ "EdDSA", JOSE_OKP, NULL, 0 },
	{ "Ed25519", JOSE_OKP, "Ed25519", 64 },
	{ "Ed448", JOSE_OKP, "Ed448", 114 },
};

/* An OKP curve (RFC 8037) and OpenSSL's name for it. */
struct jose_okp {
	const char	*crv;
	int		 type;
	size_t		 keylen;
	size_t		 siglen;
};

static const struct jose_okp jose_okps[] = {
	{ "Ed25519", EVP_PKEY_ED25519, 32, 64 },
	{ "Ed448", EVP_PKEY_ED448, 57, 114 },
};

/* A compact JWS taken apart. */
struct jose_token {
	const char	*text;
	size_t		 len;
	size_t		 input_len;	/* the signing input: header.payload */
	unsigned char	*payload;
	size_t		 payload_len;
	unsigned char	*sig;
	size_t		 sig_len;
	json_t		*header;
	const char	*alg;		/* in header */
	const char	*kid;		/* in header, or NULL */
};

/* The value of a base64url character, or -1. */
static int
jose_b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decode unpadded base64url strictly (no padding, no whitespace, unused
 * bits zero): the bytes, NUL-terminated, or NULL.
 */
unsigned char *
jose_b64url_decode(const char *s, size_t len, size_t *outlen)
{
	unsigned char	*out;
	uint32_t	 acc = 0;
	size_t		 i, n = 0;
	int		 bits = 0, v;

	if (len % 4 == 1)
		return NULL;
	out = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		if ((v = jose_b64_value((unsigned char)s[i])) == -1) {
			free(out);
			return NULL;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	if (acc != 0) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

/* A token's string fit for a message or a log: printable, cut short. */
static char *
jose_show(const char *s)
{
	size_t	 i, n = strlen(s);
	char	*out;

	if (n > JOSE_SHOW_MAX)
		n = JOSE_SHOW_MAX;
	out = xmalloc(n + 4);
	for (i = 0; i < n; i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(out + n, strlen(s) > n ? "..." : "");
	return out;
}

/*
 * Make a message about a token or a key set one printable line of at most
 * JOSE_CAUSE_MAX bytes: it quotes what they hold (jansson's errors too).
 */
static void
jose_tidy(char *cause)
{
	unsigned char	*p;

	for (p = (unsigned char *)cause; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
	}
	if (p - (unsigned char *)cause > JOSE_CAUSE_MAX)
		strcpy(cause + JOSE_CAUSE_MAX - 3, "...");
}

/* Copy a token's string into a buffer as jose_show would show it. */
static void
jose_show_into(const char *s, char *buf, size_t len)
{
	char	*shown;

	if (len == 0)
		return;
	shown = jose_show(s != NULL ? s : "");
	strncpy(buf, shown, len - 1);
	buf[len - 1] = '\0';
	free(shown);
}

/* Free what jose_parse kept. */
static void
jose_token_clear(struct jose_token *t)
{
	free(t->payload);
	free(t->sig);
	if (t->header != NULL)
		json_decref(t->header);
	memset(t, 0, sizeof *t);
}

/* Take a compact JWS apart: 0, or -1 and why. */
static int
jose_parse(const char *token, struct jose_token *t, char **cause)
{
	static const char	*parts[] = { "header", "payload", "signature" };
	const char		*dot[2] = { NULL, NULL }, *p, *start[3];
	unsigned char		*header = NULL;
	size_t			 len[3], header_len, n = 0;
	json_t			*v;
	json_error_t		 jerr;

	memset(t, 0, sizeof *t);
	if (token == NULL || *token == '\0') {
		*cause = xstrdup("token is empty");
		return -1;
	}
	t->text = token;
	t->len = strnlen(token, JOSE_TOKEN_MAX + 1);
	if (t->len > JOSE_TOKEN_MAX) {
		*cause = xasprintf("token is over %d bytes", JOSE_TOKEN_MAX);
		return -1;
	}
	for (p = token; (p = memchr(p, '.', t->len - (p - token))) != NULL;
	    p++) {
		if (n < 2)
			dot[n] = p;
		n++;
	}
	if (n != 2) {
		*cause = xasprintf("token has %zu part%s, not 3", n + 1,
		    n == 0 ? "" : "s");
		return -1;
	}
	start[0] = token;
	len[0] = dot[0] - token;
	start[1] = dot[0] + 1;
	len[1] = dot[1] - start[1];
	start[2] = dot[1] + 1;
	len[2] = t->len - (start[2] - token);
	t->input_len = dot[1] - token;
	if ((header = jose_b64url_decode(start[0], len[0], &header_len)) ==
	    NULL || (t->payload = jose_b64url_decode(start[1], len[1],
	    &t->payload_len)) == NULL || (t->sig = jose_b64url_decode(start[2],
	    len[2], &t->sig_len)) == NULL) {
		*cause = xasprintf("token's %s is not base64url",
		    parts[header == NULL ? 0 : t->payload == NULL ? 1 : 2]);
		goto bad;
	}
	t->header = json_loadb((const char *)header, header_len,
	    JSON_REJECT_DUPLICATES, &jerr);
	free(header);
	header = NULL;
	if (t->header == NULL || !json_is_object(t->header)) {
		*cause = xasprintf("token's header is not a JSON object%s%s",
		    t->header == NULL ? ": " : "",
		    t->header == NULL ? jerr.text : "");
		goto bad;
	}
	if ((t->alg = json_string_value(json_object_get(t->header, "alg"))) ==
	    NULL) {
		*cause = xstrdup("token's header has no alg");
		goto bad;
	}
	if ((v = json_object_get(t->header, "kid")) != NULL &&
	    (t->kid = json_string_value(v)) == NULL) {
		*cause = xstrdup("token's kid is not a string");
		goto bad;
	}
	if (json_object_get(t->header, "crit") != NULL) {
		*cause = xstrdup("token's header has crit: no extension is "
		    "understood");
		goto bad;
	}
	return 0;

bad:
	free(header);
	jose_token_clear(t);
	return -1;
}

/* Whether word is one of list's space-separated words. */
static int
jose_listed(const char *list, const char *word)
{
	size_t	n, len = strlen(word);

	while (list != NULL && *list != '\0') {
		list += strspn(list, " \t");
		n = strcspn(list, " \t");
		if (n == len && n > 0 && memcmp(list, word, n) == 0)
			return 1;
		list += n;
	}
	return 0;
}

/* The token's alg if it is known and allowed; else NULL and why. */
static const struct jose_alg *
jose_alg_check(const char *name, const char *allowed, char **cause)
{
	const struct jose_alg	*alg = NULL;
	char			*shown = jose_show(name);
	size_t			 i;

	if (strcmp(name, "none") == 0)
		*cause = xstrdup("alg none refused");
	else if (strncmp(name, "HS", 2) == 0)
		*cause = xasprintf("alg %s refused: a symmetric algorithm",
		    shown);
	else {
		for (i = 0; i < nitems(jose_algs); i++) {
			if (strcmp(jose_algs[i].name, name) == 0)
				alg = &jose_algs[i];
		}
		if (alg == NULL)
			*cause = xasprintf("alg %s not supported", shown);
		else if (!jose_listed(allowed, name)) {
			*cause = xasprintf("alg %s not allowed", shown);
			alg = NULL;
		}
	}
	free(shown);
	return alg;
}

/* The OKP curve named crv, or NULL. */
static const struct jose_okp *
jose_okp_find(const char *crv)
{
	size_t	i;

	for (i = 0; crv != NULL && i < nitems(jose_okps); i++) {
		if (strcmp(jose_okps[i].crv, crv) == 0)
			return &jose_okps[i];
	}
	return NULL;
}

/* Why key may not check a signature of alg, or NULL if it may. */
static char *
jose_key_unfit(json_t *key, const struct jose_alg *alg, const char *name)
{
	const char	*kty, *use, *kalg, *crv, *op;
	json_t		*ops, *v;
	size_t		 i;
	int		 verify = 0;

	kty = json_string_value(json_object_get(key, "kty"));
	if (kty == NULL)
		return xasprintf("key %s has no kty", name);
	if (strcmp(kty, jose_kty_names[alg->kty]) != 0)
		return xasprintf("key %s is kty %s, alg %s needs %s", name, kty,
		    alg->name, jose_kty_names[alg->kty]);
	if ((v = json_object_get(key, "use")) != NULL &&
	    ((use = json_string_value(v)) == NULL || strcmp(use, "sig") != 0))
		return xasprintf("key %s is for use %s, not sig", name,
		    use != NULL ? use : "(not a string)");
	if ((ops = json_object_get(key, "key_ops")) != NULL) {
		json_array_foreach(ops, i, v) {
			if ((op = json_string_value(v)) != NULL &&
			    strcmp(op, "verify") == 0)
				verify = 1;
		}
		if (!verify)
			return xasprintf("key %s's key_ops lack verify", name);
	}
	if ((v = json_object_get(key, "alg")) != NULL &&
	    ((kalg = json_string_value(v)) == NULL ||
	    strcmp(kalg, alg->name) != 0))
		return xasprintf("key %s is for alg %s, not %s", name,
		    kalg != NULL ? kalg : "(not a string)", alg->name);
	if (alg->kty == JOSE_RSA)
		return NULL;
	crv = json_string_value(json_object_get(key, "crv"));
	if (crv == NULL)
		return xasprintf("key %s has no crv", name);
	if (alg->crv != NULL && strcmp(crv, alg->crv) != 0)
		return xasprintf("key %s is on curve %s, alg %s needs %s", name,
		    crv, alg->name, alg->crv);
	if (alg->kty == JOSE_OKP && jose_okp_find(crv) == NULL)
		return xasprintf("key %s is on curve %s, not Ed25519 or Ed448",
		    name, crv);
	return NULL;
}

/* Check an EdDSA signature (OpenSSL's): 1, 0, or -1 and why. */
static int
jose_check_okp(const struct jose_token *t, json_t *key, const char *name,
    char **why)
{
	const struct jose_okp	*okp;
	const char		*x;
	unsigned char		*raw;
	size_t			 rawlen;
	EVP_PKEY		*pkey;
	EVP_MD_CTX		*ctx;
	int			 ok;

	okp = jose_okp_find(json_string_value(json_object_get(key, "crv")));
	if ((x = json_string_value(json_object_get(key, "x"))) == NULL ||
	    (raw = jose_b64url_decode(x, strlen(x), &rawlen)) == NULL) {
		*why = xasprintf("key %s has no x in base64url", name);
		return -1;
	}
	if (rawlen != okp->keylen || (pkey = EVP_PKEY_new_raw_public_key(
	    okp->type, NULL, raw, rawlen)) == NULL) {
		*why = xasprintf("key %s is not an %s public key", name,
		    okp->crv);
		free(raw);
		return -1;
	}
	free(raw);
	if (t->sig_len != okp->siglen) {
		EVP_PKEY_free(pkey);
		return 0;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		fatalx("EVP_MD_CTX_new failed");
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
	    EVP_DigestVerify(ctx, t->sig, t->sig_len,
	    (const unsigned char *)t->text, t->input_len) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}

/* Check an RSA or EC signature (cjose's): 1, 0, or -1 and why. */
static int
jose_check_cjose(const struct jose_token *t, cjose_jws_t *jws,
    const struct jose_alg *alg, json_t *key, const char *name, char **why)
{
	cjose_jwk_t	*jwk;
	cjose_err	 err;
	size_t		 bits;
	int		 ok;

	/* cjose takes the key's fields as they come: check them first. */
	if (alg->kty == JOSE_RSA &&
	    (!json_is_string(json_object_get(key, "n")) ||
	    !json_is_string(json_object_get(key, "e")))) {
		*why = xasprintf("key %s lacks n or e", name);
		return -1;
	}
	if (alg->kty == JOSE_EC &&
	    (!json_is_string(json_object_get(key, "x")) ||
	    !json_is_string(json_object_get(key, "y")))) {
		*why = xasprintf("key %s lacks x or y", name);
		return -1;
	}
	memset(&err, 0, sizeof err);
	if ((jwk = cjose_jwk_import_json((cjose_header_t *)key, &err)) ==
	    NULL) {
		*why = xasprintf("key %s does not import: %s", name,
		    err.message != NULL ? err.message : "cjose failed");
		return -1;
	}
	bits = cjose_jwk_get_keysize(jwk, &err);
	if (alg->kty == JOSE_RSA && bits < JOSE_RSA_MIN) {
		*why = xasprintf("key %s is RSA of %zu bits, under %d", name,
		    bits, JOSE_RSA_MIN);
		cjose_jwk_release(jwk);
		return -1;
	}
	/* cjose reads what it is given as a signature of the key's size. */
	if (t->sig_len != (alg->kty == JOSE_RSA ? bits / 8 : alg->siglen)) {
		cjose_jwk_release(jwk);
		return 0;
	}
	ok = cjose_jws_verify(jws, jwk, &err);
	cjose_jwk_release(jwk);
	return ok;
}

/*
 * Verify a compact JWS with the key set jwks, for an alg of the
 * space-separated list algs. JOSE_OK and the payload; JOSE_EKID if the
 * token names a kid the set lacks (the provider rotated its keys: fetch the
 * set again, once); JOSE_EBAD and why for anything else.
 */
int
jose_verify(const char *jwks, const char *token, const char *algs,
    char **payload, char **cause)
{
	struct jose_token	 t;
	const struct jose_alg	*alg;
	cjose_jws_t		*jws = NULL;
	cjose_err		 err;
	json_t			*set = NULL, *keys, *key;
	json_error_t		 jerr;
	const char		*kid, *kty;
	char			*name, *why, *first = NULL, *kidshown;
	size_t			 i, len;
	int			 rc = JOSE_EBAD, seen = 0, tried = 0, ok = 0;

	*payload = *cause = NULL;
	if (jose_parse(token, &t, cause) != 0) {
		jose_tidy(*cause);
		return JOSE_EBAD;
	}
	kidshown = t.kid != NULL ? jose_show(t.kid) : NULL;
	if ((alg = jose_alg_check(t.alg, algs, cause)) == NULL)
		goto out;

	len = jwks != NULL ? strnlen(jwks, JOSE_JWKS_MAX + 1) : 0;
	if (len > JOSE_JWKS_MAX) {
		*cause = xasprintf("key set is over %d bytes", JOSE_JWKS_MAX);
		goto out;
	}
	if (jwks == NULL ||
	    (set = json_loadb(jwks, len, 0, &jerr)) == NULL) {
		*cause = xasprintf("key set is not JSON: %s",
		    jwks == NULL ? "none given" : jerr.text);
		goto out;
	}
	if (!json_is_array(keys = json_object_get(set, "keys"))) {
		*cause = xstrdup("key set has no keys array");
		goto out;
	}
	if (alg->kty != JOSE_OKP) {
		memset(&err, 0, sizeof err);
		if ((jws = cjose_jws_import(t.text, t.len, &err)) == NULL) {
			*cause = xasprintf("token does not import: %s",
			    err.message != NULL ? err.message : "cjose failed");
			goto out;
		}
	}

	json_array_foreach(keys, i, key) {
		if (!json_is_object(key))
			continue;
		kid = json_string_value(json_object_get(key, "kid"));
		kty = json_string_value(json_object_get(key, "kty"));
		/* A kid names its keys; without one, each of the alg's kty. */
		if (t.kid != NULL ? kid == NULL || strcmp(kid, t.kid) != 0 :
		    kty == NULL || strcmp(kty, jose_kty_names[alg->kty]) != 0)
			continue;
		seen++;
		if (kid != NULL) {
			why = jose_show(kid);
			name = xasprintf("\"%s\"", why);
			free(why);
		} else
			name = xasprintf("#%zu", i);
		ok = 0;
		if ((why = jose_key_unfit(key, alg, name)) == NULL) {
			ok = alg->kty == JOSE_OKP ?
			    jose_check_okp(&t, key, name, &why) :
			    jose_check_cjose(&t, jws, alg, key, name, &why);
			if (ok != -1)
				tried++;
		}
		free(name);
		if (ok == 1)
			break;
		/* Why the first such key would not do is the answer. */
		if (why != NULL && first == NULL)
			first = why;
		else
			free(why);
	}

	if (ok == 1) {
		if (memchr(t.payload, '\0', t.payload_len) != NULL) {
			*cause = xstrdup("token's payload holds a NUL byte");
			goto out;
		}
		*payload = (char *)t.payload;
		t.payload = NULL;
		rc = JOSE_OK;
	} else if (t.kid != NULL && seen == 0) {
		*cause = xasprintf("kid %s is in no key of the set", kidshown);
		rc = JOSE_EKID;
	} else if (tried == 0 && first != NULL) {
		*cause = first;
		first = NULL;
	} else if (tried == 0)
		*cause = xasprintf("no key in the set is for alg %s",
		    alg->name);
	else if (t.kid != NULL)
		*cause = xasprintf("signature does not verify (alg %s, kid %s)",
		    alg->name, kidshown);
	else
		*cause = xasprintf("signature does not verify (alg %s, no kid, "
		    "%d keys tried)", alg->name, tried);
out:
	if (*cause != NULL)
		jose_tidy(*cause);
	free(first);
	free(kidshown);
	if (jws != NULL)
		cjose_jws_release(jws);
	if (set != NULL)
		json_decref(set);
	jose_token_clear(&t);
	ERR_clear_error();	/* a failed check leaves OpenSSL's queue full */
	return rc;
}

/* The alg and kid of a compact JWS, unverified and printable, for logs. */
int
jose_peek(const char *token, char *alg, size_t alglen, char *kid,
    size_t kidlen)
{
	struct jose_token	 t;
	char			*cause = NULL;

	jose_show_into("", alg, alglen);
	jose_show_into("", kid, kidlen);
	if (jose_parse(token, &t, &cause) != 0) {
		free(cause);
		return -1;
	}
	jose_show_into(t.alg, alg, alglen);
	jose_show_into(t.kid, kid, kidlen);
	jose_token_clear(&t);
	return 0;
}

/* A PEM private key's passphrase: none; never the terminal's prompt. */
static int
jose_no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	return -1;
}

/* Why OpenSSL last failed, or what. */
static const char *
jose_ssl_error(char *buf, size_t len, const char *what)
{
	unsigned long	e = ERR_peek_last_error();

	if (e == 0)
		return what;
	ERR_error_string_n(e, buf, len);
	return buf;
}

/* Sign input with pkey as alg (a JWS signature's raw bytes): 0 or -1. */
static int
jose_sign_raw(EVP_PKEY *pkey, const char *alg, const char *input,
    unsigned char **sig, size_t *siglen)
{
	EVP_MD_CTX		*ctx;
	const EVP_MD		*md = strcmp(alg, "EdDSA") == 0 ? NULL :
				    EVP_sha256();
	ECDSA_SIG		*es = NULL;
	const BIGNUM		*r, *s;
	const unsigned char	*p;
	unsigned char		*der = NULL;
	size_t			 len;
	int			 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		fatalx("EVP_MD_CTX_new failed");
	if (EVP_DigestSignInit(ctx, NULL, md, NULL, pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &len, (const unsigned char *)input,
	    strlen(input)) != 1)
		goto out;
	der = xmalloc(len);
	if (EVP_DigestSign(ctx, der, &len, (const unsigned char *)input,
	    strlen(input)) != 1)
		goto out;
	if (strcmp(alg, "ES256") != 0) {
		*sig = der;
		*siglen = len;
		der = NULL;
		rc = 0;
		goto out;
	}
	/* OpenSSL writes ECDSA as DER; JWS wants r and s, 32 bytes each. */
	p = der;
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	*sig = xmalloc(64);
	if (BN_bn2binpad(r, *sig, 32) != 32 ||
	    BN_bn2binpad(s, *sig + 32, 32) != 32) {
		free(*sig);
		*sig = NULL;
		goto out;
	}
	*siglen = 64;
	rc = 0;
out:
	ECDSA_SIG_free(es);
	free(der);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * Sign claims as a compact JWS with a PEM private key: RSA (2048 bits or
 * more) as RS256, EC P-256 as ES256, Ed25519 as EdDSA. 0 and the token, or
 * -1 and why.
 */
int
jose_sign(const char *pem, const char *kid, const char *claims, char **out,
    char **cause)
{
	BIO		*bio = NULL;
	EVP_PKEY	*pkey = NULL;
	json_t		*header = NULL, *parsed;
	json_error_t	 jerr;
	const char	*alg;
	char		 group[64], errbuf[256], *hjson = NULL, *h64 = NULL;
	char		*p64 = NULL, *input = NULL, *s64;
	unsigned char	*sig = NULL;
	size_t		 siglen;
	int		 rc = -1;

	*out = *cause = NULL;
	if ((parsed = json_loads(claims, 0, &jerr)) == NULL ||
	    !json_is_object(parsed)) {
		*cause = xasprintf("claims are not a JSON object%s%s",
		    parsed == NULL ? ": " : "", parsed == NULL ? jerr.text : "");
		if (parsed != NULL)
			json_decref(parsed);
		return -1;
	}
	json_decref(parsed);

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		fatalx("BIO_new_mem_buf failed");
	if ((pkey = PEM_read_bio_PrivateKey(bio, NULL, jose_no_passphrase,
	    NULL)) == NULL) {
		*cause = xasprintf("private key does not load (an encrypted "
		    "key is refused): %s", jose_ssl_error(errbuf,
		    sizeof errbuf, "not a PEM private key"));
		goto out;
	}
	if (EVP_PKEY_is_a(pkey, "RSA")) {
		if (EVP_PKEY_get_bits(pkey) < JOSE_RSA_MIN) {
			*cause = xasprintf("private key is RSA of %d bits, "
			    "under %d", EVP_PKEY_get_bits(pkey), JOSE_RSA_MIN);
			goto out;
		}
		alg = "RS256";
	} else if (EVP_PKEY_is_a(pkey, "EC")) {
		if (EVP_PKEY_get_group_name(pkey, group, sizeof group,
		    NULL) != 1 || strcmp(group, "prime256v1") != 0) {
			*cause = xstrdup("private key is EC but not on P-256 "
			    "(the one curve signed with: ES256)");
			goto out;
		}
		alg = "ES256";
	} else if (EVP_PKEY_is_a(pkey, "ED25519"))
		alg = "EdDSA";
	else {
		*cause = xasprintf("private key is %s: only RSA, EC P-256 and "
		    "Ed25519 sign", EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "of an unknown type");
		goto out;
	}

	/* jansson escapes the kid; keys stay in this order. */
	header = json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT");
	if (header == NULL)
		fatalx("json_pack failed");
	if (kid != NULL && json_object_set_new(header, "kid",
	    json_string(kid)) != 0) {
		*cause = xstrdup("kid is not UTF-8");
		goto out;
	}
	if ((hjson = json_dumps(header, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	h64 = jose_b64url((const unsigned char *)hjson, strlen(hjson));
	p64 = jose_b64url((const unsigned char *)claims, strlen(claims));
	input = xasprintf("%s.%s", h64, p64);
	if (jose_sign_raw(pkey, alg, input, &sig, &siglen) != 0) {
		*cause = xasprintf("signing as %s failed: %s", alg,
		    jose_ssl_error(errbuf, sizeof errbuf, "OpenSSL failed"));
		goto out;
	}
	s64 = jose_b64url(sig, siglen);
	*out = xasprintf("%s.%s", input, s64);
	free(s64);
	rc = 0;
out:
	free(sig);
	free(input);
	free(p64);
	free(h64);
	free(hjson);
	if (header != NULL)
		json_decref(header);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/* Base64url without padding (RFC 7515 section 2), in a new string. */
char *
jose_b64url(const unsigned char *in, size_t len)
{
	char	*out = xmalloc(4 * ((len + 2) / 3) + 1);

	crypto_b64url(in, len, out);
	return out;
}

/* A URL-safe random string of nbytes from the CSPRNG (state, nonce, PKCE). */
char *
jose_random(size_t nbytes)
{
	unsigned char	*buf = xmalloc(nbytes == 0 ? 1 : nbytes);
	char		*s;

	crypto_random(buf, nbytes);
	s = jose_b64url(buf, nbytes);
	free(buf);
	return s;
}

/* PKCE's S256 challenge of a verifier (RFC 7636 section 4.2). */
char *
jose_pkce_challenge(const char *verifier)
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)verifier, strlen(verifier), md);
	return jose_b64url(md, sizeof md);
}
