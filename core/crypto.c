/*
 * crypto.c: randomness, hashes, HMAC and constant-time comparison from
 * OpenSSL, plus the base64url form every token is written in.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "hearth.h"

/* Fill a buffer from the CSPRNG; a failing CSPRNG is not survivable. */
void
crypto_random(void *buf, size_t len)
{
	if (RAND_bytes(buf, (int)len) != 1)
		fatalx("RAND_bytes failed");
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

/* SHA-256 of a buffer, as lowercase hex. */
void
crypto_sha256_hex(const void *buf, size_t len, char out[HASH_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[SHA256_DIGEST_LENGTH];
	size_t			 i;

	SHA256(buf, len, md);
	for (i = 0; i < sizeof md; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HASH_HEX] = '\0';
}

/* HMAC-SHA256. */
void
crypto_hmac(const uint8_t *key, size_t keylen, const void *data, size_t len,
    uint8_t out[32])
{
	unsigned int	outlen = 32;

	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) == NULL)
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
