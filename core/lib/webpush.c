/*
 * webpush.c: the cryptography of Web Push, as a push service and a browser
 * expect it: the server's VAPID key pair (RFC 8292; P-256, made once), a
 * message encrypted for one subscription with aes128gcm (RFC 8291 over RFC
 * 8188: ECDH with the subscription's p256dh key and its auth secret,
 * HKDF-SHA256, one record) and the "vapid t=JWT, k=key" Authorization line
 * (an ES256 JWT whose audience is the push service's origin); and for the
 * apps Mastodon calls legacy (subscription[standard] false), the drafts
 * before them: "aesgcm" (draft-ietf-webpush-encryption-04) and
 * "WebPush JWT" with the key in Crypto-Key (draft-thomson-webpush-vapid-01).
 * All OpenSSL 3 EVP: no deprecated EC_KEY calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "lib.h"

#define WP_RECORD_SIZE	4096	/* rs: one record holds any payload we send */
#define WP_TAG		16

/* The last error OpenSSL queued, as text, into buf. */
static const char *
wp_ssl_error(char *buf, size_t len)
{
	unsigned long	e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "unknown OpenSSL error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* A P-256 key from its parts: a public one (priv NULL) or a pair. */
static EVP_PKEY *
wp_key(const uint8_t *priv, const uint8_t *pub, size_t publen)
{
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*d = NULL;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		fatalx("OSSL_PARAM_BLD_new failed");
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, publen) != 1)
		goto out;
	if (priv != NULL) {
		if ((d = BN_bin2bn(priv, 32, NULL)) == NULL ||
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
		    d) != 1)
			goto out;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv != NULL ? EVP_PKEY_KEYPAIR :
	    EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	return pkey;
}

/* A key's public point, uncompressed (65 bytes): 0 or -1. */
static int
wp_public(EVP_PKEY *pkey, uint8_t pub[WEBPUSH_KEY_LEN])
{
	size_t	len = 0;

	/* Uncompressed is OpenSSL's default form for an EC public key. */
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, WEBPUSH_KEY_LEN, &len) != 1 || len != WEBPUSH_KEY_LEN ||
	    pub[0] != 0x04)
		return -1;
	return 0;
}

/* Read a PEM private key; NULL if it is not one. */
static EVP_PKEY *
wp_read_pem(const char *pem)
{
	BIO		*bio;
	EVP_PKEY	*pkey;

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		fatalx("BIO_new_mem_buf failed");
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return pkey;
}

/* Make a VAPID key pair: its private key as PEM (PKCS#8), malloc'd. */
char *
webpush_keygen(void)
{
	EVP_PKEY	*pkey;
	BIO		*bio;
	BUF_MEM		*mem;
	char		*pem;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		fatalx("webpush: P-256 key generation failed");
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		fatalx("BIO_new failed");
	if (PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1)
		fatalx("webpush: writing the key failed");
	BIO_get_mem_ptr(bio, &mem);
	pem = xmalloc(mem->length + 1);
	memcpy(pem, mem->data, mem->length);
	pem[mem->length] = '\0';
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return pem;
}

/*
 * The public key of a VAPID private key (PEM) as apps are given it:
 * base64url of the uncompressed point. malloc'd, or NULL if the PEM is not
 * a P-256 private key.
 */
char *
webpush_public_b64(const char *pem)
{
	EVP_PKEY	*pkey;
	uint8_t		 pub[WEBPUSH_KEY_LEN];
	char		*out = NULL;

	if ((pkey = wp_read_pem(pem)) == NULL)
		return NULL;
	if (EVP_PKEY_is_a(pkey, "EC") && wp_public(pkey, pub) == 0)
		out = jose_b64url(pub, sizeof pub);
	EVP_PKEY_free(pkey);
	return out;
}

/*
 * Decode a key as clients send it: base64url, though some send standard
 * base64 or padding; both are read. malloc'd, or NULL.
 */
uint8_t *
webpush_b64_decode(const char *s, size_t *len)
{
	char	*t, *o;
	uint8_t	*out;

	o = t = xstrdup(s);
	for (; *s != '\0'; s++) {
		if (*s == '=')
			break;
		*o++ = *s == '+' ? '-' : *s == '/' ? '_' : *s;
	}
	*o = '\0';
	out = jose_b64url_decode(t, strlen(t), len);
	free(t);
	return out;
}

/* HMAC-SHA-256(key, a || b || c), into out (32 bytes): HKDF's one step. */
static void
wp_hmac(const uint8_t *key, size_t keylen, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen, uint8_t out[32])
{
	uint8_t		*msg;
	unsigned int	 len = 32;

	msg = xmalloc(alen + blen + clen + 1);
	memcpy(msg, a, alen);
	if (blen > 0)
		memcpy(msg + alen, b, blen);
	if (clen > 0)
		memcpy(msg + alen + blen, c, clen);
	if (HMAC(EVP_sha256(), key, (int)keylen, msg, alen + blen + clen, out,
	    &len) == NULL || len != 32)
		fatalx("webpush: HMAC-SHA-256 failed");
	free(msg);
}

/*
 * The checks and the key agreement both encodings share: the subscription's
 * p256dh key is an uncompressed P-256 point and its auth secret 16 bytes;
 * as_pub gets the sender's public point and secret the ECDH shared secret
 * (32 bytes). 0, or -1 and *cause.
 */
static int
wp_agree(EVP_PKEY *as, const uint8_t *ua_pub, size_t ua_publen,
    size_t authlen, uint8_t as_pub[WEBPUSH_KEY_LEN], uint8_t secret[32],
    char **cause)
{
	EVP_PKEY	*ua = NULL;
	EVP_PKEY_CTX	*dctx = NULL;
	size_t		 slen = 32;
	char		 err[256];
	int		 rc = -1;

	if (ua_publen != WEBPUSH_KEY_LEN || ua_pub[0] != 0x04) {
		*cause = xstrdup("the p256dh key is not an uncompressed "
		    "P-256 point");
		return -1;
	}
	if (authlen != 16) {
		*cause = xasprintf("the auth secret is %zu bytes, not 16",
		    authlen);
		return -1;
	}
	if (wp_public(as, as_pub) != 0 ||
	    (ua = wp_key(NULL, ua_pub, ua_publen)) == NULL) {
		*cause = xasprintf("the p256dh key is not on P-256: %s",
		    wp_ssl_error(err, sizeof err));
		return -1;
	}
	if ((dctx = EVP_PKEY_CTX_new(as, NULL)) == NULL ||
	    EVP_PKEY_derive_init(dctx) != 1 ||
	    EVP_PKEY_derive_set_peer(dctx, ua) != 1 ||
	    EVP_PKEY_derive(dctx, secret, &slen) != 1 || slen != 32)
		*cause = xasprintf("ECDH failed: %s", wp_ssl_error(err,
		    sizeof err));
	else
		rc = 0;
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_free(ua);
	return rc;
}

/*
 * Seal one record: AES-128-GCM of rec (len bytes) under cek and nonce into
 * out, the ciphertext and then its 16-byte tag (both encodings end so).
 */
static int
wp_seal(const uint8_t cek[16], const uint8_t nonce[12], const uint8_t *rec,
    size_t len, uint8_t *out, char **cause)
{
	EVP_CIPHER_CTX	*cctx;
	char		 err[256];
	int		 l, rc = -1;

	if ((cctx = EVP_CIPHER_CTX_new()) == NULL)
		fatalx("EVP_CIPHER_CTX_new failed");
	if (EVP_EncryptInit_ex(cctx, EVP_aes_128_gcm(), NULL, cek,
	    nonce) != 1 ||
	    EVP_EncryptUpdate(cctx, out, &l, rec, (int)len) != 1 ||
	    (size_t)l != len ||
	    EVP_EncryptFinal_ex(cctx, out + l, &l) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_GET_TAG, WP_TAG,
	    out + len) != 1)
		*cause = xasprintf("AES-128-GCM failed: %s", wp_ssl_error(err,
		    sizeof err));
	else
		rc = 0;
	EVP_CIPHER_CTX_free(cctx);
	return rc;
}

/*
 * Encrypt plain for a subscription with a given sender key pair and salt
 * (RFC 8291 section 3; the test vector's entry point). The body is the
 * RFC 8188 header (salt, rs, idlen, keyid = the sender's public key) and
 * one record: the plaintext, the last-record delimiter 0x02, AES-128-GCM.
 */
int
webpush_encrypt_with(EVP_PKEY *as, const uint8_t *ua_pub, size_t ua_publen,
    const uint8_t *auth, size_t authlen, const uint8_t salt[16],
    const uint8_t *plain, size_t len, uint8_t **out, size_t *outlen,
    char **cause)
{
	static const char	 key_label[] = "WebPush: info";
	static const char	 cek_label[] = "Content-Encoding: aes128gcm";
	static const char	 nonce_label[] = "Content-Encoding: nonce";
	uint8_t			 as_pub[WEBPUSH_KEY_LEN], secret[32];
	uint8_t			 prk_key[32], ikm[32], prk[32], okm[32];
	uint8_t			 cek[16], nonce[12], info[160], one = 1;
	uint8_t			*body = NULL, *p, *rec = NULL;
	size_t			 n;
	int			 rc = -1;

	*out = NULL;
	*cause = NULL;
	if (len + 1 + WP_TAG > WP_RECORD_SIZE) {
		*cause = xasprintf("a message of %zu bytes is over one record",
		    len);
		return -1;
	}
	if (wp_agree(as, ua_pub, ua_publen, authlen, as_pub, secret,
	    cause) != 0)
		return -1;

	/* IKM = HKDF(auth, ecdh_secret, "WebPush: info" 0 ua as, 32) */
	wp_hmac(auth, authlen, secret, sizeof secret, NULL, 0, NULL, 0,
	    prk_key);
	n = 0;
	memcpy(info, key_label, sizeof key_label);	/* with its NUL */
	n += sizeof key_label;
	memcpy(info + n, ua_pub, WEBPUSH_KEY_LEN);
	n += WEBPUSH_KEY_LEN;
	memcpy(info + n, as_pub, WEBPUSH_KEY_LEN);
	n += WEBPUSH_KEY_LEN;
	wp_hmac(prk_key, sizeof prk_key, info, n, &one, 1, NULL, 0, ikm);
	/* PRK = HKDF-Extract(salt, IKM); CEK and nonce expanded from it */
	wp_hmac(salt, 16, ikm, sizeof ikm, NULL, 0, NULL, 0, prk);
	wp_hmac(prk, sizeof prk, cek_label, sizeof cek_label, &one, 1, NULL, 0,
	    okm);
	memcpy(cek, okm, sizeof cek);
	wp_hmac(prk, sizeof prk, nonce_label, sizeof nonce_label, &one, 1,
	    NULL, 0, okm);
	memcpy(nonce, okm, sizeof nonce);

	rec = xmalloc(len + 1);
	memcpy(rec, plain, len);
	rec[len] = 0x02;		/* the last (and only) record */
	*outlen = 16 + 4 + 1 + WEBPUSH_KEY_LEN + len + 1 + WP_TAG;
	p = body = xmalloc(*outlen);
	memcpy(p, salt, 16);
	p += 16;
	*p++ = (WP_RECORD_SIZE >> 24) & 0xff;
	*p++ = (WP_RECORD_SIZE >> 16) & 0xff;
	*p++ = (WP_RECORD_SIZE >> 8) & 0xff;
	*p++ = WP_RECORD_SIZE & 0xff;
	*p++ = WEBPUSH_KEY_LEN;
	memcpy(p, as_pub, WEBPUSH_KEY_LEN);
	p += WEBPUSH_KEY_LEN;
	if (wp_seal(cek, nonce, rec, len + 1, p, cause) != 0)
		goto out;
	*out = body;
	body = NULL;
	rc = 0;
out:
	explicit_bzero(secret, sizeof secret);
	explicit_bzero(prk_key, sizeof prk_key);
	explicit_bzero(ikm, sizeof ikm);
	explicit_bzero(prk, sizeof prk);
	explicit_bzero(okm, sizeof okm);
	explicit_bzero(cek, sizeof cek);
	if (rec != NULL) {
		explicit_bzero(rec, len + 1);
		free(rec);
	}
	free(body);
	return rc;
}

/*
 * Encrypt plain the legacy way Mastodon apps before 4.4 expect ("aesgcm":
 * draft-ietf-webpush-encryption-04 over draft-ietf-httpbis-encryption-
 * encoding-03), with a given sender key pair and salt. Nothing travels in
 * the body but the record: the salt goes in the Encryption header and the
 * sender's key (as_pub, filled in) in Crypto-Key's dh. The keys:
 *   IKM   = HKDF(auth, ecdh_secret, "Content-Encoding: auth" 0, 32)
 *   ctx   = "P-256" 0 || len(ua) ua || len(as) as	(lengths uint16 BE)
 *   CEK   = HKDF(salt, IKM, "Content-Encoding: aesgcm" 0 ctx, 16)
 *   NONCE = HKDF(salt, IKM, "Content-Encoding: nonce" 0 ctx, 12)
 * and one record: a two-byte padding length (0), the plaintext, the tag.
 */
int
webpush_encrypt_legacy_with(EVP_PKEY *as, const uint8_t *ua_pub,
    size_t ua_publen, const uint8_t *auth, size_t authlen,
    const uint8_t salt[16], const uint8_t *plain, size_t len,
    uint8_t as_pub[WEBPUSH_KEY_LEN], uint8_t **out, size_t *outlen,
    char **cause)
{
	static const char	 auth_label[] = "Content-Encoding: auth";
	static const char	 cek_label[] = "Content-Encoding: aesgcm";
	static const char	 nonce_label[] = "Content-Encoding: nonce";
	static const char	 curve[] = "P-256";
	uint8_t			 secret[32], prk_key[32], ikm[32], prk[32];
	uint8_t			 okm[32], cek[16], nonce[12], one = 1;
	uint8_t			 ctx[sizeof curve + 2 * (2 + WEBPUSH_KEY_LEN)];
	uint8_t			*body = NULL, *p, *rec = NULL;
	int			 rc = -1;

	*out = NULL;
	*cause = NULL;
	/* A record of exactly rs would need an empty one after it. */
	if (2 + len >= WP_RECORD_SIZE) {
		*cause = xasprintf("a message of %zu bytes is over one record",
		    len);
		return -1;
	}
	if (wp_agree(as, ua_pub, ua_publen, authlen, as_pub, secret,
	    cause) != 0)
		return -1;

	/* IKM = HKDF(auth, ecdh_secret, "Content-Encoding: auth" 0, 32) */
	wp_hmac(auth, authlen, secret, sizeof secret, NULL, 0, NULL, 0,
	    prk_key);
	wp_hmac(prk_key, sizeof prk_key, auth_label, sizeof auth_label, &one,
	    1, NULL, 0, ikm);
	/* the context: the curve's name, then each key after its length */
	p = ctx;
	memcpy(p, curve, sizeof curve);		/* with its NUL */
	p += sizeof curve;
	*p++ = 0;
	*p++ = WEBPUSH_KEY_LEN;
	memcpy(p, ua_pub, WEBPUSH_KEY_LEN);
	p += WEBPUSH_KEY_LEN;
	*p++ = 0;
	*p++ = WEBPUSH_KEY_LEN;
	memcpy(p, as_pub, WEBPUSH_KEY_LEN);
	/* PRK = HKDF-Extract(salt, IKM); CEK and nonce expanded from it */
	wp_hmac(salt, 16, ikm, sizeof ikm, NULL, 0, NULL, 0, prk);
	wp_hmac(prk, sizeof prk, cek_label, sizeof cek_label, ctx, sizeof ctx,
	    &one, 1, okm);
	memcpy(cek, okm, sizeof cek);
	wp_hmac(prk, sizeof prk, nonce_label, sizeof nonce_label, ctx,
	    sizeof ctx, &one, 1, okm);
	memcpy(nonce, okm, sizeof nonce);

	rec = xmalloc(2 + len);
	rec[0] = rec[1] = 0;			/* no padding */
	memcpy(rec + 2, plain, len);
	*outlen = 2 + len + WP_TAG;
	body = xmalloc(*outlen);
	if (wp_seal(cek, nonce, rec, len + 2, body, cause) != 0)
		goto out;
	*out = body;
	body = NULL;
	rc = 0;
out:
	explicit_bzero(secret, sizeof secret);
	explicit_bzero(prk_key, sizeof prk_key);
	explicit_bzero(ikm, sizeof ikm);
	explicit_bzero(prk, sizeof prk);
	explicit_bzero(okm, sizeof okm);
	explicit_bzero(cek, sizeof cek);
	if (rec != NULL) {
		explicit_bzero(rec, len + 2);
		free(rec);
	}
	free(body);
	return rc;
}

/* A sender key pair from its raw private scalar and public point (tests). */
EVP_PKEY *
webpush_key_raw(const uint8_t priv[32], const uint8_t pub[WEBPUSH_KEY_LEN])
{
	return wp_key(priv, pub, WEBPUSH_KEY_LEN);
}

/*
 * Encrypt plain for a subscription (its p256dh key and auth secret, as
 * decoded): a fresh sender key and salt each time. 0 and *out (malloc'd,
 * *outlen bytes), or -1 and *cause.
 */
int
webpush_encrypt(const uint8_t *ua_pub, size_t ua_publen, const uint8_t *auth,
    size_t authlen, const uint8_t *plain, size_t len, uint8_t **out,
    size_t *outlen, char **cause)
{
	EVP_PKEY	*as;
	uint8_t		 salt[16];
	int		 rc;

	if ((as = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		fatalx("webpush: P-256 key generation failed");
	if (RAND_bytes(salt, sizeof salt) != 1)
		fatalx("webpush: RAND_bytes failed");
	rc = webpush_encrypt_with(as, ua_pub, ua_publen, auth, authlen, salt,
	    plain, len, out, outlen, cause);
	EVP_PKEY_free(as);
	return rc;
}

/*
 * Encrypt plain for a legacy subscription: a fresh sender key and salt,
 * which the caller puts in the Encryption and Crypto-Key headers. 0 and
 * *out, or -1 and *cause.
 */
int
webpush_encrypt_legacy(const uint8_t *ua_pub, size_t ua_publen,
    const uint8_t *auth, size_t authlen, const uint8_t *plain, size_t len,
    uint8_t salt[16], uint8_t as_pub[WEBPUSH_KEY_LEN], uint8_t **out,
    size_t *outlen, char **cause)
{
	EVP_PKEY	*as;
	int		 rc;

	if ((as = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		fatalx("webpush: P-256 key generation failed");
	if (RAND_bytes(salt, 16) != 1)
		fatalx("webpush: RAND_bytes failed");
	rc = webpush_encrypt_legacy_with(as, ua_pub, ua_publen, auth, authlen,
	    salt, plain, len, as_pub, out, outlen, cause);
	EVP_PKEY_free(as);
	return rc;
}

/*
 * The origin of a URL (scheme://host[:port]), the audience a VAPID JWT
 * names; malloc'd, or NULL if the URL is not http(s) with a host.
 */
char *
webpush_origin(const char *url)
{
	const char	*host, *end;

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return NULL;
	end = host + strcspn(host, "/?#");
	if (end == host || memchr(host, '@', end - host) != NULL)
		return NULL;
	return xasprintf("%.*s", (int)(end - url), url);
}

/*
 * The VAPID JWT for a push to endpoint: ES256 over {aud, exp, sub}, aud
 * the endpoint's origin; *pub gets the key's public half (base64url).
 * Both malloc'd, or NULL and *cause.
 */
static char *
wp_vapid_jwt(const char *pem, const char *endpoint, const char *subject,
    int64_t exp, char **pub, char **cause)
{
	char	*origin, *claims, *jwt = NULL;
	json_t	*j;

	*cause = NULL;
	*pub = NULL;
	if ((origin = webpush_origin(endpoint)) == NULL) {
		*cause = xstrdup("the endpoint is not an http(s) URL");
		return NULL;
	}
	if ((*pub = webpush_public_b64(pem)) == NULL) {
		free(origin);
		*cause = xstrdup("the VAPID key is not a P-256 private key");
		return NULL;
	}
	j = json_pack("{s:s, s:I, s:s}", "aud", origin, "exp", (json_int_t)exp,
	    "sub", subject);
	claims = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (jose_sign(pem, NULL, claims, &jwt, cause) != 0) {
		free(jwt);
		jwt = NULL;
		free(*pub);
		*pub = NULL;
	}
	free(claims);
	free(origin);
	return jwt;
}

/*
 * The Authorization value for a push to endpoint (RFC 8292 section 3):
 * "vapid t=<ES256 JWT {aud, exp, sub}>, k=<public key>". malloc'd, or NULL
 * and *cause.
 */
char *
webpush_vapid(const char *pem, const char *endpoint, const char *subject,
    int64_t exp, char **cause)
{
	char	*jwt, *pub, *out;

	if ((jwt = wp_vapid_jwt(pem, endpoint, subject, exp, &pub,
	    cause)) == NULL)
		return NULL;
	out = xasprintf("vapid t=%s, k=%s", jwt, pub);
	free(jwt);
	free(pub);
	return out;
}

/*
 * The same for a legacy subscription (draft-thomson-webpush-vapid-01):
 * the Authorization value "WebPush <JWT>", the key going apart in
 * Crypto-Key's p256ecdsa, which *pub gets (base64url). malloc'd, or NULL
 * and *cause.
 */
char *
webpush_vapid_legacy(const char *pem, const char *endpoint,
    const char *subject, int64_t exp, char **pub, char **cause)
{
	char	*jwt, *out;

	if ((jwt = wp_vapid_jwt(pem, endpoint, subject, exp, pub,
	    cause)) == NULL)
		return NULL;
	out = xasprintf("WebPush %s", jwt);
	free(jwt);
	return out;
}
