/* Unit tests for password.c: argon2id hashes, the policy, generated passwords. */
#include "hearth.h"
#include "tap.h"

static const char	prefix[] = "$argon2id$v=19$m=19456,t=2,p=1$";

int
main(void)
{
	char	*h1 = NULL, *h2 = NULL, *cause = NULL, *bad, pw[64], big[2000];
	size_t	 i;
	int	 charset_ok = 1, differ = 0;

	ok(password_hash("correct horse battery", &h1, &cause) == 0,
	    "password_hash");
	ok(h1 != NULL && strncmp(h1, prefix, strlen(prefix)) == 0,
	    "PHC string with argon2id and OWASP parameters");
	printf("#   %s\n", h1 ? h1 : "(null)");
	ok(h1 != NULL && strchr(h1 + strlen(prefix), '$') != NULL,
	    "salt and hash follow");
	ok(password_verify(h1, "correct horse battery") == 1, "right password");
	ok(password_verify(h1, "correct horse batterz") == 0, "wrong password");
	ok(password_verify(h1, "") == 0, "empty password");
	ok(password_hash("correct horse battery", &h2, &cause) == 0 &&
	    strcmp(h1, h2) != 0, "same password, new salt, new hash");

	ok(password_verify(NULL, "x") == 0, "NULL hash verifies nothing");
	ok(password_verify("", "x") == 0, "empty hash");
	ok(password_verify("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
	    "x") == 0, "argon2i (not id) refused");
	ok(password_verify("$argon2id$garbage", "x") == 0, "malformed PHC");
	ok(password_verify("$argon2id$v=19$m=19456,t=2,p=1$", "x") == 0,
	    "PHC without salt and hash");
	bad = xstrdup(h1);
	bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
	ok(password_verify(bad, "correct horse battery") == 0,
	    "tampered hash refused");
	free(bad);
	bad = xstrndup(h1, strlen(h1) - 5);
	ok(password_verify(bad, "correct horse battery") == 0,
	    "truncated hash refused");
	free(bad);
	ok(password_verify("bcrypt$2y$10$abcdefghijklmnopqrstuv", "x") == 0,
	    "another scheme refused");

	ok(password_dummy() != NULL &&
	    strncmp(password_dummy(), prefix, strlen(prefix)) == 0,
	    "dummy hash is a real argon2id hash");
	ok(password_dummy() == password_dummy(), "made once");

	ok(password_policy("123456789", &cause) == -1, "9 characters refused");
	ok(cause != NULL && strstr(cause, "10") != NULL, "says the minimum");
	free(cause);
	cause = NULL;
	ok(password_policy("1234567890", &cause) == 0, "10 characters allowed");
	memset(big, 'x', PASSWORD_MAX);
	big[PASSWORD_MAX] = '\0';
	ok(password_policy(big, &cause) == 0, "PASSWORD_MAX allowed");
	big[PASSWORD_MAX] = 'x';
	big[PASSWORD_MAX + 1] = '\0';
	ok(password_policy(big, &cause) == -1, "PASSWORD_MAX + 1 refused");
	free(cause);
	cause = NULL;
	ok(password_policy("", &cause) == -1, "empty refused");
	free(cause);

	memset(pw, '!', sizeof pw);
	password_generate(pw, 17);
	is_int(strlen(pw), 16, "generated password is len - 1 long");
	is_int(pw[17], '!', "nothing written past len");
	for (i = 0; i < 200; i++) {
		char	 a[33], b[33];
		size_t	 j;

		password_generate(a, sizeof a);
		password_generate(b, sizeof b);
		if (strcmp(a, b) != 0)
			differ = 1;
		for (j = 0; j < 32; j++) {
			if (strchr("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
			    "23456789", a[j]) == NULL || a[j] == '\0')
				charset_ok = 0;
		}
	}
	ok(charset_ok, "only readable characters (no 0/O, 1/l/I)");
	ok(differ, "passwords differ");
	password_generate(pw, 1);
	is_str(pw, "", "len 1 gives the empty string");
	free(h1);
	free(h2);
	return done_testing();
}
