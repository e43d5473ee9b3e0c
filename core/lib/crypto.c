/*
 * crypto.c: randomness, hashes, HMAC and constant-time comparison from
 * OpenSSL, plus the base64url form every token is written in.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "lib.h"

/* Fill a buffer from the CSPRNG; a failing CSPRNG is not survivable. */
void
crypto_random(void *buf, size_t len)
{
	if (RAND_bytes(buf, (int)len) != 1)
		fatalx("RAND_bytes failed");
}

/* n random bytes as 2n lowercase hex digits into out, NUL-terminated (for
 * markers a page's text must not be able to name). */
void
crypto_random_hex(char *out, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 rnd[64];
	size_t			 i;

	if (n > sizeof rnd)
		fatalx("crypto_random_hex: %zu bytes is too many", n);
	crypto_random(rnd, n);
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Encode bytes as unpadded base64url into out (4 * ceil(len / 3) + 1). */
void
crypto_b64url(const uint8_t *in, size_t len, char *out)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t			 i;
	uint32_t		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = tab[v >> 18 & 63];
		*out++ = tab[v >> 12 & 63];
		*out++ = tab[v >> 6 & 63];
		*out++ = tab[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		*out++ = tab[v >> 18 & 63];
		*out++ = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = tab[v >> 18 & 63];
		*out++ = tab[v >> 12 & 63];
		*out++ = tab[v >> 6 & 63];
	}
	*out = '\0';
}

/*
 * SHA-256 fetched once: OpenSSL 3's SHA256() looks the algorithm up by name
 * on every call (EVP_Q_digest), and every signed-in request hashes its
 * session or token — the lookup cost more than the hash.
 */
static EVP_MD		*sha256_md;
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* SHA-256 of a buffer, as lowercase hex. */
void
crypto_sha256_hex(const void *buf, size_t len, char out[HASH_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[SHA256_DIGEST_LENGTH];
	size_t			 i;

	pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL || EVP_Digest(buf, len, md, NULL, sha256_md,
	    NULL) != 1)
		SHA256(buf, len, md);
	for (i = 0; i < sizeof md; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HASH_HEX] = '\0';
}

/*
 * HMAC-SHA256. HMAC() sets OpenSSL up anew on every call (~22,000
 * instructions, the hash itself a few hundred), and every page computes a
 * CSRF token: each thread keeps a context keyed with the last key it saw,
 * and a call with the same key only rewinds it. Keys longer than a SHA-256
 * block are hashed by HMAC itself, so those take the one-shot path.
 */
#define HMAC_KEY_MAX	64
struct hmac_state {
	EVP_MAC_CTX	*ctx;
	uint8_t		 key[HMAC_KEY_MAX];
	size_t		 keylen;	/* 0: not keyed yet */
};
static pthread_key_t	hmac_tls;
static pthread_once_t	hmac_once = PTHREAD_ONCE_INIT;

static void
hmac_state_free(void *p)
{
	struct hmac_state	*st = p;

	EVP_MAC_CTX_free(st->ctx);
	OPENSSL_cleanse(st->key, sizeof st->key);
	free(st);
}

static void
hmac_tls_init(void)
{
	if (pthread_key_create(&hmac_tls, hmac_state_free) != 0)
		fatalx("pthread_key_create failed");
}

/* This thread's context, or NULL if OpenSSL has no HMAC to give. */
static struct hmac_state *
hmac_state(void)
{
	struct hmac_state	*st;
	EVP_MAC			*mac;

	pthread_once(&hmac_once, hmac_tls_init);
	if ((st = pthread_getspecific(hmac_tls)) != NULL)
		return st;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (st->ctx == NULL || pthread_setspecific(hmac_tls, st) != 0) {
		hmac_state_free(st);
		return NULL;
	}
	return st;
}

void
crypto_hmac(const uint8_t *key, size_t keylen, const void *data, size_t len,
    uint8_t out[32])
{
	struct hmac_state	*st;
	OSSL_PARAM		 params[2];
	unsigned int		 outlen = 32;
	size_t			 n = 0;
	int			 ok;

	if (keylen == 0 || keylen > HMAC_KEY_MAX || (st = hmac_state()) == NULL) {
		if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out,
		    &outlen) == NULL)
			fatalx("HMAC failed");
		return;
	}
	if (st->keylen == keylen && memcmp(st->key, key, keylen) == 0)
		ok = EVP_MAC_init(st->ctx, NULL, 0, NULL);
	else {
		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		st->keylen = 0;
		if ((ok = EVP_MAC_init(st->ctx, key, keylen, params)) == 1) {
			memcpy(st->key, key, keylen);
			st->keylen = keylen;
		}
	}
	if (ok != 1 || EVP_MAC_update(st->ctx, data, len) != 1 ||
	    EVP_MAC_final(st->ctx, out, &n, 32) != 1 || n != 32)
		fatalx("HMAC failed");
}

/* Compare two buffers in time that does not depend on their contents. */
int
crypto_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

/*
 * Make a new secret token: a readable prefix (so leaked tokens are easy to
 * recognise and scan for) and 256 random bits. Only its hash is ever stored.
 */
void
crypto_new_token(const char *prefix, char *out, size_t outlen,
    char hash[HASH_HEX + 1])
{
	uint8_t	raw[TOKEN_BYTES];
	size_t	plen = strlen(prefix);

	if (outlen < plen + TOKEN_CHARS + 1)
		fatalx("token buffer too small");
	crypto_random(raw, sizeof raw);
	memcpy(out, prefix, plen);
	crypto_b64url(raw, sizeof raw, out + plen);
	crypto_sha256_hex(out, strlen(out), hash);
	OPENSSL_cleanse(raw, sizeof raw);
}
