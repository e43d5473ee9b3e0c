/*
 * Unit tests for webpush.c: RFC 8291 Appendix A's example (its keys and
 * salt must give its exact message), a decryption of our own output done
 * here with OpenSSL alone, and a VAPID JWT that jose_verify accepts with
 * the public key the server hands out, for the endpoint's origin. The
 * same for the legacy encoding (aesgcm): the published example of
 * draft-ietf-webpush-encryption-04 / draft-ietf-httpbis-encryption-
 * encoding-03 ("I am the walrus") byte for byte, a fresh message decrypted
 * here, and the "WebPush JWT" Authorization.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "lib.h"
#include "tap.h"

#define RFC_PLAIN	"When I grow up, I want to be a watermelon"
#define RFC_AS_PUB	"BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYL" \
			"ocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
#define RFC_AS_PRIV	"yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
#define RFC_UA_PUB	"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWX" \
			"vTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
#define RFC_UA_PRIV	"q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
#define RFC_SALT	"DGv6ra1nlYgDCS1FRnbzlw"
#define RFC_AUTH	"BTBZMqHH6r4Tts7J_aSIgg"
#define RFC_BODY	"DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQT" \
			"Btkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBr" \
			"u3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWy" \
			"ouBWLVWGNWQexSgSxsj_Qulcy4a-fN"

/* draft-ietf-webpush-encryption-04's example (aesgcm), as implementations
 * of the legacy encoding test themselves against it. */
#define D4_PLAIN	"I am the walrus"
#define D4_AS_PUB	"BNoRDbb84JGm8g5Z5CFxurSqsXWJ11ItfXEWYVLE85Y7CYkDjXsIEc" \
			"4aqxYaQ1G8BqkXCJ6DPpDrWtdWj_mugHU"
#define D4_AS_PRIV	"nCScek-QpEjmOOlT-rQ38nZzvdPlqa00Zy0i6m2OJvY"
#define D4_UA_PUB	"BCEkBjzL8Z3C-oi2Q7oE5t2Np-p7osjGLg93qUP0wvqRT21EEWyf0c" \
			"QDQcakQMqz4hQKYOQ3il2nNZct4HgAUQU"
#define D4_UA_PRIV	"9FWl15_QUQAWDaD3k3l50ZBZQJ4au27F1V4F0uLSD_M"
#define D4_SALT		"lngarbyKfMoi9Z75xYXmkg"
#define D4_AUTH		"R29vIGdvbyBnJyBqb29iIQ"
#define D4_BODY		"6nqAQUME8hNqw5J3kl8cpVVJylXKYqZOeseZG8UueKpA"

/* Decode base64url or die. */
static uint8_t *
d64(const char *s, size_t *len)
{
	uint8_t	*out = webpush_b64_decode(s, len);

	if (out == NULL)
		abort();
	return out;
}

/* The example of RFC 8291 Appendix A, byte for byte. */
static void
test_rfc8291(void)
{
	uint8_t		*as_priv, *as_pub, *ua_pub, *salt, *auth, *out;
	size_t		 n, outlen;
	char		*cause = NULL, *b64;
	struct evp_pkey_st *as;

	as_priv = d64(RFC_AS_PRIV, &n);
	is_int(n, 32, "as_private is 32 bytes");
	as_pub = d64(RFC_AS_PUB, &n);
	is_int(n, 65, "as_public is 65 bytes");
	ua_pub = d64(RFC_UA_PUB, &n);
	salt = d64(RFC_SALT, &n);
	auth = d64(RFC_AUTH, &n);
	as = webpush_key_raw(as_priv, as_pub);
	ok(as != NULL, "the sender's key pair loads");
	is_int(webpush_encrypt_with(as, ua_pub, 65, auth, 16, salt,
	    (const uint8_t *)RFC_PLAIN, strlen(RFC_PLAIN), &out, &outlen,
	    &cause), 0, "encrypts: %s", cause ? cause : "");
	b64 = jose_b64url(out, outlen);
	is_str(b64, RFC_BODY, "the message is RFC 8291's");
	free(b64);
	free(out);

	/* A point off the curve, a short auth secret: refused. */
	ua_pub[64] ^= 1;
	is_int(webpush_encrypt_with(as, ua_pub, 65, auth, 16, salt,
	    (const uint8_t *)"x", 1, &out, &outlen, &cause), -1,
	    "a p256dh key off the curve is refused");
	ok(cause != NULL && strstr(cause, "P-256") != NULL, "and says so: %s",
	    cause ? cause : "");
	free(cause);
	ua_pub[64] ^= 1;
	is_int(webpush_encrypt_with(as, ua_pub, 65, auth, 15, salt,
	    (const uint8_t *)"x", 1, &out, &outlen, &cause), -1,
	    "a 15-byte auth secret is refused");
	free(cause);
	EVP_PKEY_free(as);
	free(as_priv);
	free(as_pub);
	free(ua_pub);
	free(salt);
	free(auth);
}

/* HMAC-SHA-256 of a, b (b may be empty). */
static void
hmac2(const uint8_t *key, size_t klen, const void *a, size_t alen,
    const void *b, size_t blen, uint8_t out[32])
{
	uint8_t		 buf[256];
	unsigned int	 len = 32;

	memcpy(buf, a, alen);
	memcpy(buf + alen, b, blen);
	HMAC(EVP_sha256(), key, (int)klen, buf, alen + blen, out, &len);
}

/*
 * A fresh message decrypted the browser's way, written out here with
 * OpenSSL: the receiver's key is the RFC's (its private half used).
 */
static void
test_roundtrip(void)
{
	static const char	 msg[] = "{\"title\":\"hello\"}";
	uint8_t			*ua_priv, *ua_pub, *auth, *out, *as_pub;
	uint8_t			 secret[32], prk_key[32], ikm[32], prk[32];
	uint8_t			 cek[32], nonce[32], info[160], plain[64];
	uint8_t			 one = 1;
	size_t			 n, outlen, slen = 32;
	char			*cause = NULL;
	struct evp_pkey_st	*ua;
	EVP_PKEY_CTX		*ctx;
	EVP_CIPHER_CTX		*c;
	int			 l, l2, rs;

	ua_priv = d64(RFC_UA_PRIV, &n);
	ua_pub = d64(RFC_UA_PUB, &n);
	auth = d64(RFC_AUTH, &n);
	is_int(webpush_encrypt(ua_pub, 65, auth, 16, (const uint8_t *)msg,
	    strlen(msg), &out, &outlen, &cause), 0, "encrypts");
	is_int(outlen, 86 + strlen(msg) + 1 + 16, "one record, with tag");
	rs = out[16] << 24 | out[17] << 16 | out[18] << 8 | out[19];
	is_int(rs, 4096, "record size 4096");
	is_int(out[20], 65, "keyid is a 65-byte point");
	as_pub = out + 21;
	ua = webpush_key_raw(ua_priv, ua_pub);
	{
		/* The sender's public key, from the message's keyid. */
		EVP_PKEY	*peer = NULL;
		EVP_PKEY_CTX	*pc = EVP_PKEY_CTX_new_from_name(NULL, "EC",
				    NULL);
		OSSL_PARAM	 params[3];

		params[0] = OSSL_PARAM_construct_utf8_string("group",
		    (char *)"prime256v1", 0);
		params[1] = OSSL_PARAM_construct_octet_string("pub", as_pub,
		    65);
		params[2] = OSSL_PARAM_construct_end();
		EVP_PKEY_fromdata_init(pc);
		EVP_PKEY_fromdata(pc, &peer, EVP_PKEY_PUBLIC_KEY, params);
		EVP_PKEY_CTX_free(pc);
		ctx = EVP_PKEY_CTX_new(ua, NULL);
		EVP_PKEY_derive_init(ctx);
		EVP_PKEY_derive_set_peer(ctx, peer);
		ok(EVP_PKEY_derive(ctx, secret, &slen) == 1, "ECDH");
		EVP_PKEY_CTX_free(ctx);
		EVP_PKEY_free(peer);
	}
	hmac2(auth, 16, secret, 32, "", 0, prk_key);
	memcpy(info, "WebPush: info", 14);
	memcpy(info + 14, ua_pub, 65);
	memcpy(info + 79, as_pub, 65);
	hmac2(prk_key, 32, info, 144, &one, 1, ikm);
	hmac2(out, 16, ikm, 32, "", 0, prk);
	hmac2(prk, 32, "Content-Encoding: aes128gcm", 28, &one, 1, cek);
	hmac2(prk, 32, "Content-Encoding: nonce", 24, &one, 1, nonce);
	c = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek, nonce);
	n = outlen - 86 - 16;
	EVP_DecryptUpdate(c, plain, &l, out + 86, (int)n);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, out + outlen - 16);
	ok(EVP_DecryptFinal_ex(c, plain + l, &l2) == 1, "the tag verifies");
	EVP_CIPHER_CTX_free(c);
	is_int(plain[n - 1], 2, "the last-record delimiter");
	plain[n - 1] = '\0';
	is_str((char *)plain, msg, "decrypts to the message");
	EVP_PKEY_free(ua);
	free(out);
	free(ua_priv);
	free(ua_pub);
	free(auth);
}

/* A VAPID header whose JWT verifies with the advertised public key. */
static void
test_vapid(void)
{
	char		*pem = webpush_keygen(), *pub, *h, *cause = NULL;
	char		*jwt, *k, *jwks, *payload = NULL, *x, *y;
	uint8_t		*raw;
	size_t		 n;
	json_t		*claims;
	int64_t		 exp = time(NULL) + 3600;

	pub = webpush_public_b64(pem);
	ok(pub != NULL && strlen(pub) == 87, "the public key is 65 bytes "
	    "in base64url");
	raw = d64(pub, &n);
	is_int(raw[0], 4, "uncompressed");
	h = webpush_vapid(pem, "https://push.example.net:8443/wpush/v2/abc?x",
	    "mailto:ops@example.com", exp, &cause);
	ok(h != NULL && strncmp(h, "vapid t=", 8) == 0, "vapid t=...: %s",
	    h ? h : cause);
	jwt = strdup(h + 8);
	*strchr(jwt, ',') = '\0';
	k = strstr(h, ", k=") + 4;
	is_str(k, pub, "k= is the public key");
	x = jose_b64url(raw + 1, 32);
	y = jose_b64url(raw + 33, 32);
	jwks = NULL;
	if (asprintf(&jwks, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"%s\",\"y\":\"%s\"}]}", x, y) < 0)
		abort();
	is_int(jose_verify(jwks, jwt, "ES256", &payload, &cause), JOSE_OK,
	    "the JWT verifies with the public key");
	claims = json_loads(payload ? payload : "{}", 0, NULL);
	is_str(json_string_value(json_object_get(claims, "aud")),
	    "https://push.example.net:8443", "aud is the endpoint's origin");
	is_str(json_string_value(json_object_get(claims, "sub")),
	    "mailto:ops@example.com", "sub");
	ok(json_integer_value(json_object_get(claims, "exp")) == exp, "exp");
	json_decref(claims);
	free(payload);
	/* Another key's JWT does not verify with this one. */
	{
		char	*other = webpush_keygen(), *h2;

		h2 = webpush_vapid(other, "https://push.example.net/",
		    "mailto:a@b", exp, &cause);
		*strchr(h2, ',') = '\0';
		payload = NULL;
		ok(jose_verify(jwks, h2 + 8, "ES256", &payload, &cause) !=
		    JOSE_OK, "another key's JWT is refused");
		free(cause);
		cause = NULL;
		free(payload);
		free(h2);
		free(other);
	}
	ok(webpush_vapid(pem, "ftp://x/", "mailto:a@b", exp, &cause) == NULL,
	    "a non-http endpoint is refused");
	free(cause);
	ok(webpush_origin("https://user@host/") == NULL, "no userinfo");
	free(jwks);
	free(x);
	free(y);
	free(jwt);
	free(h);
	free(raw);
	free(pub);
	free(pem);
}

/* The legacy example, byte for byte; and the same checks of the keys. */
static void
test_draft04(void)
{
	uint8_t		*as_priv, *as_pub, *ua_pub, *salt, *auth, *out;
	uint8_t		 got_pub[WEBPUSH_KEY_LEN];
	size_t		 n, outlen;
	char		*cause = NULL, *b64;
	struct evp_pkey_st *as;

	as_priv = d64(D4_AS_PRIV, &n);
	as_pub = d64(D4_AS_PUB, &n);
	ua_pub = d64(D4_UA_PUB, &n);
	salt = d64(D4_SALT, &n);
	auth = d64(D4_AUTH, &n);
	as = webpush_key_raw(as_priv, as_pub);
	ok(as != NULL, "the sender's key pair loads");
	is_int(webpush_encrypt_legacy_with(as, ua_pub, 65, auth, 16, salt,
	    (const uint8_t *)D4_PLAIN, strlen(D4_PLAIN), got_pub, &out,
	    &outlen, &cause), 0, "encrypts: %s", cause ? cause : "");
	b64 = jose_b64url(out, outlen);
	is_str(b64, D4_BODY, "the message is the draft's");
	free(b64);
	ok(memcmp(got_pub, as_pub, 65) == 0, "dh is the sender's key");
	free(out);
	ua_pub[64] ^= 1;
	is_int(webpush_encrypt_legacy_with(as, ua_pub, 65, auth, 16, salt,
	    (const uint8_t *)"x", 1, got_pub, &out, &outlen, &cause), -1,
	    "a p256dh key off the curve is refused");
	free(cause);
	ua_pub[64] ^= 1;
	is_int(webpush_encrypt_legacy_with(as, ua_pub, 65, auth, 15, salt,
	    (const uint8_t *)"x", 1, got_pub, &out, &outlen, &cause), -1,
	    "a 15-byte auth secret is refused");
	free(cause);
	EVP_PKEY_free(as);
	free(as_priv);
	free(as_pub);
	free(ua_pub);
	free(salt);
	free(auth);
}

/* HMAC-SHA-256 of a, b, c (b and c may be empty). */
static void
hmac3(const uint8_t *key, size_t klen, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen, uint8_t out[32])
{
	uint8_t		 buf[256];
	unsigned int	 len = 32;

	memcpy(buf, a, alen);
	memcpy(buf + alen, b, blen);
	memcpy(buf + alen + blen, c, clen);
	HMAC(EVP_sha256(), key, (int)klen, buf, alen + blen + clen, out, &len);
}

/*
 * A fresh legacy message decrypted the way an app before Mastodon 4.4
 * does, written out here: the labels and the context spelled byte by
 * byte, the salt and the sender's key from what the headers would carry.
 */
static void
test_legacy_roundtrip(void)
{
	static const char	 msg[] = "{\"title\":\"hello\"}";
	static const uint8_t	 curve[] = { 'P', '-', '2', '5', '6', 0 };
	uint8_t			*ua_priv, *ua_pub, *auth, *out;
	uint8_t			 salt[16], as_pub[WEBPUSH_KEY_LEN];
	uint8_t			 secret[32], prk_key[32], ikm[32], prk[32];
	uint8_t			 cek[32], nonce[32], ctx[140], plain[64];
	uint8_t			 one = 1, len65[2] = { 0, 65 };
	size_t			 n, outlen, slen = 32;
	char			*cause = NULL;
	struct evp_pkey_st	*ua;
	EVP_PKEY_CTX		*dc;
	EVP_CIPHER_CTX		*c;
	int			 l, l2;

	ua_priv = d64(D4_UA_PRIV, &n);
	ua_pub = d64(D4_UA_PUB, &n);
	auth = d64(D4_AUTH, &n);
	is_int(webpush_encrypt_legacy(ua_pub, 65, auth, 16,
	    (const uint8_t *)msg, strlen(msg), salt, as_pub, &out, &outlen,
	    &cause), 0, "encrypts");
	is_int(outlen, 2 + strlen(msg) + 16, "padding length, text, tag");
	is_int(as_pub[0], 4, "dh is an uncompressed point");
	ua = webpush_key_raw(ua_priv, ua_pub);
	{
		EVP_PKEY	*peer = NULL;
		EVP_PKEY_CTX	*pc = EVP_PKEY_CTX_new_from_name(NULL, "EC",
				    NULL);
		OSSL_PARAM	 params[3];

		params[0] = OSSL_PARAM_construct_utf8_string("group",
		    (char *)"prime256v1", 0);
		params[1] = OSSL_PARAM_construct_octet_string("pub", as_pub,
		    65);
		params[2] = OSSL_PARAM_construct_end();
		EVP_PKEY_fromdata_init(pc);
		EVP_PKEY_fromdata(pc, &peer, EVP_PKEY_PUBLIC_KEY, params);
		EVP_PKEY_CTX_free(pc);
		dc = EVP_PKEY_CTX_new(ua, NULL);
		EVP_PKEY_derive_init(dc);
		EVP_PKEY_derive_set_peer(dc, peer);
		ok(EVP_PKEY_derive(dc, secret, &slen) == 1, "ECDH");
		EVP_PKEY_CTX_free(dc);
		EVP_PKEY_free(peer);
	}
	hmac3(auth, 16, secret, 32, "", 0, "", 0, prk_key);
	hmac3(prk_key, 32, "Content-Encoding: auth", 23, &one, 1, "", 0, ikm);
	memcpy(ctx, curve, 6);
	memcpy(ctx + 6, len65, 2);
	memcpy(ctx + 8, ua_pub, 65);
	memcpy(ctx + 73, len65, 2);
	memcpy(ctx + 75, as_pub, 65);
	hmac3(salt, 16, ikm, 32, "", 0, "", 0, prk);
	hmac3(prk, 32, "Content-Encoding: aesgcm", 25, ctx, 140, &one, 1,
	    cek);
	hmac3(prk, 32, "Content-Encoding: nonce", 24, ctx, 140, &one, 1,
	    nonce);
	c = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek, nonce);
	n = outlen - 16;
	EVP_DecryptUpdate(c, plain, &l, out, (int)n);
	EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, out + n);
	ok(EVP_DecryptFinal_ex(c, plain + l, &l2) == 1, "the tag verifies");
	EVP_CIPHER_CTX_free(c);
	ok(plain[0] == 0 && plain[1] == 0, "no padding");
	plain[n] = '\0';
	is_str((char *)plain + 2, msg, "decrypts to the message");
	/* Another salt each time, another sender key each time. */
	{
		uint8_t	*out2, salt2[16], pub2[WEBPUSH_KEY_LEN];
		size_t	 len2;

		webpush_encrypt_legacy(ua_pub, 65, auth, 16,
		    (const uint8_t *)msg, strlen(msg), salt2, pub2, &out2,
		    &len2, &cause);
		ok(memcmp(salt, salt2, 16) != 0 && memcmp(as_pub, pub2,
		    65) != 0, "a fresh salt and key per message");
		free(out2);
	}
	EVP_PKEY_free(ua);
	free(out);
	free(ua_priv);
	free(ua_pub);
	free(auth);
}

/* The legacy Authorization: "WebPush JWT", the key given apart. */
static void
test_vapid_legacy(void)
{
	char		*pem = webpush_keygen(), *pub, *kpub = NULL, *h;
	char		*cause = NULL, *jwks = NULL, *payload = NULL, *x, *y;
	uint8_t		*raw;
	size_t		 n;
	json_t		*claims;
	int64_t		 exp = time(NULL) + 3600;

	pub = webpush_public_b64(pem);
	raw = d64(pub, &n);
	h = webpush_vapid_legacy(pem, "https://fcm.example.net/wp/abc",
	    "mailto:ops@example.com", exp, &kpub, &cause);
	ok(h != NULL && strncmp(h, "WebPush ", 8) == 0 &&
	    strchr(h, ',') == NULL, "WebPush JWT: %s", h ? h : cause);
	is_str(kpub, pub, "the key for p256ecdsa is the public key");
	x = jose_b64url(raw + 1, 32);
	y = jose_b64url(raw + 33, 32);
	if (asprintf(&jwks, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"%s\",\"y\":\"%s\"}]}", x, y) < 0)
		abort();
	is_int(jose_verify(jwks, h + 8, "ES256", &payload, &cause), JOSE_OK,
	    "the JWT verifies with the public key");
	claims = json_loads(payload ? payload : "{}", 0, NULL);
	is_str(json_string_value(json_object_get(claims, "aud")),
	    "https://fcm.example.net", "aud is the endpoint's origin");
	ok(json_integer_value(json_object_get(claims, "exp")) == exp, "exp");
	json_decref(claims);
	free(payload);
	free(kpub);
	kpub = (char *)"unchanged";
	ok(webpush_vapid_legacy(pem, "ftp://x/", "mailto:a@b", exp, &kpub,
	    &cause) == NULL && kpub == NULL, "a non-http endpoint is refused");
	free(cause);
	free(jwks);
	free(x);
	free(y);
	free(h);
	free(raw);
	free(pub);
	free(pem);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	if (tap_case("rfc8291"))
		test_rfc8291();
	if (tap_case("roundtrip"))
		test_roundtrip();
	if (tap_case("vapid"))
		test_vapid();
	if (tap_case("draft04"))
		test_draft04();
	if (tap_case("legacy_roundtrip"))
		test_legacy_roundtrip();
	if (tap_case("vapid_legacy"))
		test_vapid_legacy();
	return done_testing();
}
