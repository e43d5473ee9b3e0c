/*
 * Unit tests for identity.c against a temporary database: what a sign-in's
 * claims write to the account.
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

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);
	util_tmpdir();
	if (tap_case("update-col-cached-sql"))
		case_update_col_cached_sql();
	return done_testing();
}
