/*
 * password.c: argon2id password hashes in PHC string form. Hashing and
 * verifying are slow on purpose (about 20 ms of CPU each), so they run only on
 * worker threads (worker.c) or in hearthctl, never on an event loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>

#include "lib.h"

/* OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
#define ARGON2_M_KIB	19456
#define ARGON2_T	2
#define ARGON2_P	1
#define SALT_LEN	16
#define HASH_LEN	32

/* Hash a password into a new PHC string in *out; -1 with *cause. */
int
password_hash(const char *pw, char **out, char **cause)
{
	uint8_t	salt[SALT_LEN];
	size_t	enclen;
	char	*enc;
	int	rc;

	crypto_random(salt, sizeof salt);
	enclen = argon2_encodedlen(ARGON2_T, ARGON2_M_KIB, ARGON2_P, SALT_LEN,
	    HASH_LEN, Argon2_id);
	enc = xmalloc(enclen);
	rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M_KIB, ARGON2_P, pw,
	    strlen(pw), salt, sizeof salt, HASH_LEN, enc, enclen);
	if (rc != ARGON2_OK) {
		*cause = xasprintf("argon2id: %s", argon2_error_message(rc));
		free(enc);
		return -1;
	}
	*out = enc;
	return 0;
}

/* 1 if pw matches the PHC string, 0 if not (or the string is malformed). */
int
password_verify(const char *phc, const char *pw)
{
	if (phc == NULL || strncmp(phc, "$argon2id$", 10) != 0)
		return 0;
	return argon2id_verify(phc, pw, strlen(pw)) == ARGON2_OK;
}

/*
 * A valid hash of a random password, verified against when the username is
 * unknown or disabled, so that those answers take as long as a wrong password.
 */
static char		*dummy_hash;
static pthread_once_t	 dummy_once = PTHREAD_ONCE_INIT;

static void
password_dummy_make(void)
{
	char	 pw[32], *cause = NULL;

	password_generate(pw, sizeof pw);
	if (password_hash(pw, &dummy_hash, &cause) != 0)
		fatalx("%s", cause);
}

const char *
password_dummy(void)
{
	pthread_once(&dummy_once, password_dummy_make);
	return dummy_hash;
}

/* Check a new password against the policy; -1 with *cause if refused. */
int
password_policy(const char *pw, char **cause)
{
	size_t	len = strlen(pw);

	if (len < PASSWORD_MIN) {
		*cause = cause_newn(PASSWORD_MIN, NN_("The password must be at "
		    "least {n} character.", "The password must be at least "
		    "{n} characters."), CN("n", PASSWORD_MIN));
		return -1;
	}
	if (len > PASSWORD_MAX) {
		*cause = cause_newn(PASSWORD_MAX, NN_("The password must be at "
		    "most {n} character.", "The password must be at most {n} "
		    "characters."), CN("n", PASSWORD_MAX));
		return -1;
	}
	return 0;
}

/* A random password of readable characters, len - 1 long. */
void
password_generate(char *out, size_t len)
{
	static const char	 set[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	uint8_t			 r;
	size_t			 i = 0;

	while (i + 1 < len) {
		crypto_random(&r, 1);
		if (r >= 256 - 256 % (sizeof set - 1))
			continue;	/* no modulo bias */
		out[i++] = set[r % (sizeof set - 1)];
	}
	out[i] = '\0';
}
