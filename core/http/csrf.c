/*
 * csrf.c: CSRF tokens. A token is an HMAC of what it is bound to (the
 * session's token hash, or for signed-out forms such as login a random
 * pre-session cookie) under the server secret, so it needs no storage and a
 * token from one session is worthless in another.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

/*
 * The token for a binding. The binding may be a cookie the client chose, of
 * any length, so the message is not cut to a fixed buffer: a cut would both
 * over-read (snprintf returns the uncut length) and let long bindings that
 * differ only at the end share a token.
 */
static void
csrf_compute(const char *binding, char out[CSRF_CHARS + 1])
{
	uint8_t	 mac[32];
	char	*msg;

	msg = xasprintf("csrf:%s", binding);
	crypto_hmac(secret_get(), 32, msg, strlen(msg), mac);
	free(msg);
	crypto_b64url(mac, sizeof mac, out);
}

/*
 * Every page carries the token, and an HMAC costs ~22,000 instructions
 * (OpenSSL's set-up, mostly): each thread remembers the tokens of the
 * bindings it saw last, compared in full, so a hit is the same answer.
 * 2,048 a thread: the people a morning's peak brings to one loop (256
 * missed nearly always on the benchmark company's 10,000: 2% of a home
 * page's time). The table (220 KB) is made by a thread's first token, and
 * freed as it ends: thread-local storage is zeroed for every thread made,
 * and most (workers, the writer, LDAP and bridge threads) make none.
 */
#define CSRF_MEMO	2048
#define CSRF_MEMO_KEY	64
struct csrf_slot {
	char	binding[CSRF_MEMO_KEY + 1];
	char	token[CSRF_CHARS + 1];
};
static __thread struct csrf_slot	*csrf_memo;
static pthread_key_t			 csrf_key;
static pthread_once_t			 csrf_key_once = PTHREAD_ONCE_INIT;

static void
csrf_key_make(void)
{
	(void)pthread_key_create(&csrf_key, free);
}

/* This thread's table, made on first use; NULL if there is no memory. */
static struct csrf_slot *
csrf_table(void)
{
	if (csrf_memo == NULL) {
		pthread_once(&csrf_key_once, csrf_key_make);
		if ((csrf_memo = calloc(CSRF_MEMO, sizeof *csrf_memo)) != NULL)
			(void)pthread_setspecific(csrf_key, csrf_memo);
	}
	return csrf_memo;
}

void
csrf_token(const char *binding, char out[CSRF_CHARS + 1])
{
	struct csrf_slot	*memo;
	size_t			 len = strlen(binding), i;
	uint32_t		 h = 2166136261u;

	if (len > CSRF_MEMO_KEY || (memo = csrf_table()) == NULL) {
		csrf_compute(binding, out);
		return;
	}
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)binding[i]) * 16777619u;
	i = h % CSRF_MEMO;
	if (strcmp(memo[i].binding, binding) != 0 ||
	    memo[i].token[0] == '\0') {
		csrf_compute(binding, memo[i].token);
		memcpy(memo[i].binding, binding, len + 1);
	}
	memcpy(out, memo[i].token, CSRF_CHARS + 1);
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
