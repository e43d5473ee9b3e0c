/* Unit tests for ldapc.c without a directory: RFC 4515's filter escaping
 * (its own examples), AD's objectGUID in text, and what is refused before
 * any connection. tests/integration/test_ldapc.py has the real slapd. */
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "tap.h"

/* A value as typed and as a filter must carry it. RFC 4515 section 4's
 * examples, with our lowercase hex (both cases are valid). */
static const struct {
	const char	*value;
	const char	*want;
} escapes[] = {
	{ "Babs Jensen", "Babs Jensen" },
	{ "Parens R Us (for all your parenthetical needs)",
	  "Parens R Us \\28for all your parenthetical needs\\29" },
	{ "*", "\\2a" },
	{ "C:\\MyFile", "C:\\5cMyFile" },
	{ "\x04\x02Hi", "\\04\\02Hi" },
	{ "Lu\xc4\x8di\xc4\x87", "Lu\\c4\\8di\\c4\\87" },	/* Lučić */
	/* What someone typing a username might try. */
	{ "ann)(uid=*", "ann\\29\\28uid=\\2a" },
	{ "*)(|(objectClass=*", "\\2a\\29\\28|\\28objectClass=\\2a" },
	{ "ann\\2a", "ann\\5c2a" },
	{ "\x7f", "\\7f" },
	{ "", "" },
};

/* objectGUID's 16 bytes as AD stores them, and the text Windows shows
 * (the first three fields little-endian; .NET's Guid(byte[]) agrees). */
static const struct {
	unsigned char	 bytes[16];
	const char	*want;
} guids[] = {
	{ { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	    0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f },
	  "03020100-0504-0706-0809-0a0b0c0d0e0f" },
	{ { 0x3f, 0x25, 0x04, 0x12, 0x6f, 0x90, 0x4d, 0x48, 0x8b, 0x3e,
	    0x2c, 0x5d, 0x1a, 0x0e, 0x7f, 0x01 },
	  "1204253f-906f-484d-8b3e-2c5d1a0e7f01" },
	{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
};

static void
case_escape(void)
{
	char	*s;
	size_t	 i;

	for (i = 0; i < nitems(escapes); i++) {
		s = ldapc_escape(escapes[i].value);
		is_str(s, escapes[i].want, "escape %zu", i);
		free(s);
	}
}

static void
case_guid(void)
{
	unsigned char	 fifteen[15] = { 0 };
	char		*s;
	size_t		 i;

	for (i = 0; i < nitems(guids); i++) {
		s = ldapc_guid(guids[i].bytes, sizeof guids[i].bytes);
		is_str(s, guids[i].want, "GUID %zu", i);
		free(s);
	}
	ok(ldapc_guid(fifteen, sizeof fifteen) == NULL,
	    "15 bytes are no GUID");
}

/* A conf whose URL nothing listens on: these must be decided first. */
static void
case_refused_first(void)
{
	struct ldapc_conf	 conf;
	struct ldapc_person	 p;
	char			*cause = NULL;
	int			 rc;

	memset(&conf, 0, sizeof conf);
	conf.url = "ldaps://127.0.0.1:1";
	conf.base_dn = "dc=example,dc=com";
	conf.timeout = 1;

	rc = ldapc_authenticate(&conf, "ann", "", &p, &cause);
	is_int(rc, LDAPC_DENIED, "an empty password is DENIED");
	ok(cause != NULL && strstr(cause, "empty password") != NULL,
	    "... saying so: %s", cause ? cause : "(null)");
	ok(p.dn == NULL && p.username == NULL, "... with no person");
	free(cause);

	rc = ldapc_authenticate(&conf, "", "secret", &p, &cause);
	is_int(rc, LDAPC_DENIED, "an empty username is DENIED");
	free(cause);

	conf.url = "ldap://127.0.0.1:1";
	rc = ldapc_authenticate(&conf, "ann", "secret", &p, &cause);
	is_int(rc, LDAPC_ERROR, "ldap:// without StartTLS is an ERROR");
	ok(cause != NULL && strstr(cause, "unencrypted") != NULL,
	    "... saying why: %s", cause ? cause : "(null)");
	free(cause);

	conf.url = "ldapi:///run/slapd/ldapi";
	rc = ldapc_each(&conf, NULL, NULL, &cause);
	is_int(rc, -1, "ldapi:// is not a URL ldapc takes");
	free(cause);

	conf.url = "ldaps://127.0.0.1:1";
	conf.base_dn = NULL;
	rc = ldapc_authenticate(&conf, "ann", "secret", &p, &cause);
	is_int(rc, LDAPC_ERROR, "no base_dn is an ERROR");
	free(cause);

	conf.base_dn = "dc=example,dc=com";
	conf.user_filter = "(uid=ann)";
	rc = ldapc_each(&conf, NULL, NULL, &cause);
	is_int(rc, -1, "a user_filter without %%s is refused");
	ok(cause != NULL && strstr(cause, "no %s") != NULL, "... saying so: %s",
	    cause ? cause : "(null)");
	free(cause);

	conf.user_filter = NULL;
	conf.ca_file = "/nonexistent/ca.pem";
	rc = ldapc_authenticate(&conf, "ann", "secret", &p, &cause);
	is_int(rc, LDAPC_ERROR, "a ca_file that is not there is an ERROR");
	ok(cause != NULL && strstr(cause, "/nonexistent/ca.pem") != NULL,
	    "... naming it: %s", cause ? cause : "(null)");
	free(cause);

	ldapc_person_free(&p);
	ldapc_person_free(NULL);
	ok(1, "ldapc_person_free takes an empty person and NULL");
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	if (tap_case("escape"))
		case_escape();
	if (tap_case("guid"))
		case_guid();
	if (tap_case("refused_first"))
		case_refused_first();
	return done_testing();
}
