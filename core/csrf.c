/*
 * csrf.c: CSRF tokens. A token is an HMAC of what it is bound to (the
 * session's token hash, or for signed-out forms such as login a random
 * pre-session cookie) under the server secret, so it needs no storage and a
 * token from one session is worthless in another.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

/*
 * The token for a binding. The binding may be a cookie the client chose, of
 * any length, so the message is not cut to a fixed buffer: a cut would both
 * over-read (snprintf returns the uncut length) and let long bindings that
 * differ only at the end share a token.
 */
void
csrf_token(const char *binding, char out[CSRF_CHARS + 1])
{
	uint8_t	 mac[32];
	char	*msg;

	msg = xasprintf("csrf:%s", binding);
	crypto_hmac(secret_get(), 32, msg, strlen(msg), mac);
	free(msg);
	crypto_b64url(mac, sizeof mac, out);
}

/* 1 if token is the right one for binding, compared in constant time. */
int
csrf_check(const char *binding, const char *token)
{
	char	want[CSRF_CHARS + 1];

	if (binding == NULL || token == NULL || strlen(token) != CSRF_CHARS)
		return 0;
	csrf_token(binding, want);
	return crypto_equal(want, token, CSRF_CHARS);
}
