/*
 * device.c: device cookies, OWASP's answer to lockouts an attacker can
 * cause ("Slow Down Online Guessing Attacks with Device Cookies"). A
 * browser that has signed in as someone gets a cookie that names a random
 * nonce and is signed, under the server secret, for that account. Failed
 * sign-ins are then counted apart: with the account's own device cookie,
 * against that cookie alone; without one, against the account. So guessing
 * from elsewhere locks out only the untrusted, and the owner's browser
 * still signs in. The cookie needs no storage: the signature says who.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"

#define DEVICE_NONCE_BYTES	16
#define DEVICE_NONCE_CHARS	22	/* base64url, no padding */

/* The signature of a nonce for an account. */
static void
device_sign(int64_t user, const char *nonce, char out[TOKEN_CHARS + 1])
{
	uint8_t	 mac[32];
	char	*msg = xasprintf("device:%lld:%s", (long long)user, nonce);

	crypto_hmac(secret_get(), 32, msg, strlen(msg), mac);
	free(msg);
	crypto_b64url(mac, sizeof mac, out);
}

/* A new device cookie's value for an account: "NONCE.SIGNATURE". */
char *
device_cookie(struct arena *a, int64_t user)
{
	uint8_t	raw[DEVICE_NONCE_BYTES];
	char	nonce[DEVICE_NONCE_CHARS + 1], sig[TOKEN_CHARS + 1];

	crypto_random(raw, sizeof raw);
	crypto_b64url(raw, sizeof raw, nonce);
	device_sign(user, nonce, sig);
	return arena_printf(a, "%s.%s", nonce, sig);
}

/*
 * The nonce of a device cookie if it was made for this account (the key
 * its failures are counted under), else NULL.
 */
const char *
device_check(struct arena *a, int64_t user, const char *value)
{
	char	nonce[DEVICE_NONCE_CHARS + 1], sig[TOKEN_CHARS + 1];

	if (value == NULL || strlen(value) != DEVICE_NONCE_CHARS + 1 +
	    TOKEN_CHARS || value[DEVICE_NONCE_CHARS] != '.')
		return NULL;
	memcpy(nonce, value, DEVICE_NONCE_CHARS);
	nonce[DEVICE_NONCE_CHARS] = '\0';
	device_sign(user, nonce, sig);
	if (!crypto_equal(sig, value + DEVICE_NONCE_CHARS + 1, TOKEN_CHARS))
		return NULL;
	return arena_strdup(a, nonce);
}
