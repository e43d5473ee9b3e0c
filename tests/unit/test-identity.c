/*
 * Unit tests for identity.c against a temporary database: what a sign-in's
 * claims write to the account, and which account a first sign-in takes.
 *
 * update-col-cached-sql: identity_update_col built its UPDATE in a stack
 * buffer, and db_prepare keeps statements by the SQL's address, so each
 * column after the first ran the first one's statement: the e-mail claim
 * overwrote the display name. Each claim must land in its own column.
 *
 * Every case opens its own database, so each runs alone:
 * CASE=update-col-cached-sql ./tests/unit/test-identity.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

/* One text column of a person, or NULL. */
static char *
user_col(struct db *db, const char *col, int64_t id)
{
	static char	 buf[256];
	sqlite3_stmt	*st;
	char		 sql[128];
	const char	*t;
	char		*out = NULL;

	snprintf(sql, sizeof sql, "SELECT %s FROM users WHERE id = %lld", col,
	    (long long)id);
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		snprintf(buf, sizeof buf, "%s", t);
		out = buf;
	}
	sqlite3_finalize(st);
	return out;
}

/* Claims of an OpenID sign-in. */
static void
claims(struct claims *c, const char *sub, const char *user, const char *name,
    const char *email, const char *dept, const char *title)
{
	memset(c, 0, sizeof *c);
	c->provider = IDP_OIDC;
	c->issuer = "https://idp.test";
	c->subject = sub;
	c->username = user;
	c->display_name = name;
	c->email = email;
	c->department = dept;
	c->job_title = title;
	c->admin = -1;
	c->allowed = 1;
}

static void
case_update_col_cached_sql(void)
{
	struct db	*db = util_db("identity-cols.db");
	struct claims	 c;
	char		*cause = NULL;
	int64_t		 id = 0, again = 0;
	int		 created = 0;

	claims(&c, "sub-1", "ada@example.com", "Ada Lovelace",
	    "ada@example.com", "Engines", "Analyst");
	is_int(identity_signin(db, &c, 1, &id, &created, &cause), E_OK,
	    "a first sign-in makes the account");
	ok(created, "... made now");
	is_str(user_col(db, "display_name", id), "Ada Lovelace",
	    "display_name is the name claim");
	is_str(user_col(db, "email", id), "ada@example.com",
	    "email is the e-mail claim");
	is_str(user_col(db, "department", id), "Engines",
	    "department is the department claim");
	is_str(user_col(db, "job_title", id), "Analyst",
	    "job_title is the title claim");

	claims(&c, "sub-1", "ada@example.com", "Ada King",
	    "ada.king@example.com", "Mathematics", "Countess");
	is_int(identity_signin(db, &c, 1, &again, &created, &cause), E_OK,
	    "the next sign-in brings the claims up to date");
	is_int(again, id, "... on the same account");
	is_str(user_col(db, "display_name", id), "Ada King",
	    "the new name is in display_name");
	is_str(user_col(db, "email", id), "ada.king@example.com",
	    "the new address is in email, not in display_name");
	is_str(user_col(db, "department", id), "Mathematics",
	    "the new department is in department");
	is_str(user_col(db, "job_title", id), "Countess",
	    "the new title is in job_title");
	free(cause);
	db_close(db);
}

/* A SCIM User made through the domain, as the writer runs it. */
static int64_t
scim_person(struct db *db, struct arena *a, const char *body)
{
	struct scim	 s = { db, a, "https://hearth.test/scim/v2", NULL };
	json_t		*j = json_loads(body, 0, NULL);
	char		*cause = NULL;
	int64_t		 id = 0;

	if (scim_user_create(&s, j, &id, &cause) != E_OK)
		printf("# scim_user_create: %s\n", cause ? cause : "?");
	free(cause);
	json_decref(j);
	return id;
}

static void
case_directory_account_scim(void)
{
	struct db	*db = util_db("identity-scim.db");
	struct arena	*a = arena_new();
	struct claims	 c;
	struct user	*u;
	char		*cause = NULL;
	int64_t		 local, scim, id = 0;
	int		 created = 0;

	/* A local bob takes the name bob; SCIM's bob@example.com becomes
	 * bob2, and an OpenID sign-in as bob@example.com must find bob2 by
	 * the SCIM userName, never the local bob by the name. */
	local = util_user(db, "bob", ROLE_MEMBER);
	scim = scim_person(db, a, "{\"userName\": \"bob@example.com\", "
	    "\"displayName\": \"Bob Directory\"}");
	ok(scim != 0 && scim != local, "SCIM made its own account");
	u = user_get(db, a, scim);
	is_str(u != NULL ? u->username : NULL, "bob2",
	    "... named after the userName, bob being taken");
	claims(&c, "sub-bob", "BOB@example.com", "Bob", NULL, NULL, NULL);
	u = identity_directory_account(db, a, &c);
	is_int(u != NULL ? u->id : 0, scim, "the directory's account is "
	    "found by its SCIM userName, whatever its case");
	is_int(identity_signin(db, &c, 1, &id, &created, &cause), E_OK,
	    "the OpenID sign-in succeeds");
	is_int(id, scim, "... on the account SCIM made");
	ok(!created, "... and makes none");

	/* Another domain's bob is not SCIM's bob2's; a bare name is. */
	claims(&c, "sub-b2", "bob2@elsewhere.example", "B", NULL, NULL, NULL);
	ok(identity_directory_account(db, a, &c) == NULL, "bob2@elsewhere "
	    "does not take the account of SCIM's bob@example.com");
	claims(&c, "sub-b3", "bob2", "B", NULL, NULL, NULL);
	u = identity_directory_account(db, a, &c);
	is_int(u != NULL ? u->id : 0, 0, "... nor does bob2: it has an "
	    "OpenID identity now");
	claims(&c, "sub-b4", "carol", "C", NULL, NULL, NULL);
	ok(scim_person(db, a, "{\"userName\": \"carol@example.com\"}") != 0,
	    "SCIM's carol");
	u = identity_directory_account(db, a, &c);
	ok(u != NULL && strcmp(u->username, "carol") == 0, "a bare name "
	    "finds the SCIM account of that username");

	/* The local account is never taken by name. */
	claims(&c, "sub-other", "bob", "Other Bob", NULL, NULL, NULL);
	u = identity_directory_account(db, a, &c);
	ok(u == NULL, "a local account is not the directory's");
	free(cause);
	arena_free(a);
	db_close(db);
}

/* The provider renames a person (a new preferred_username and address,
 * the same sub): the same account, its username kept; a new sub with the
 * old name is someone else. */
static void
case_rename_keeps_account(void)
{
	struct db	*db = util_db("identity-rename.db");
	struct claims	 c;
	char		*cause = NULL;
	int64_t		 id = 0, again = 0, other = 0;
	int		 created = 0;

	claims(&c, "sub-9", "jo.smith@example.com", "Jo Smith",
	    "jo.smith@example.com", NULL, NULL);
	is_int(identity_signin(db, &c, 1, &id, &created, &cause), E_OK,
	    "jo signs in");
	is_str(user_col(db, "username", id), "jo_smith", "named jo_smith");
	claims(&c, "sub-9", "jo.jones@example.com", "Jo Jones",
	    "jo.jones@example.com", NULL, NULL);
	is_int(identity_signin(db, &c, 1, &again, &created, &cause), E_OK,
	    "renamed at the provider, jo signs in");
	is_int(again, id, "... into the same account (matched by sub)");
	ok(!created, "... making none");
	is_str(user_col(db, "username", id), "jo_smith", "the username stays "
	    "(links and mentions keep working)");
	is_str(user_col(db, "display_name", id), "Jo Jones", "the name "
	    "follows the provider");
	is_str(user_col(db, "email", id), "jo.jones@example.com", "... and "
	    "the address");
	claims(&c, "sub-10", "jo.smith@example.com", "Another Jo",
	    "jo.smith@example.com", NULL, NULL);
	is_int(identity_signin(db, &c, 1, &other, &created, &cause), E_OK,
	    "a new person with jo's old name and address signs in");
	ok(other != id, "... into an account of their own (never matched by "
	    "e-mail)");
	free(cause);
	db_close(db);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);
	util_tmpdir();
	if (tap_case("update-col-cached-sql"))
		case_update_col_cached_sql();
	if (tap_case("directory-account-scim"))
		case_directory_account_scim();
	if (tap_case("rename-keeps-account"))
		case_rename_keeps_account();
	return done_testing();
}
