/*
 * identity.c: people as the company's identity systems know them. An
 * OpenID provider, the LDAP directory, SCIM provisioning and an
 * authenticating proxy each name a person by a stable subject (an `sub`,
 * an entryUUID or objectGUID, an externalId, a header's value); the
 * identities table ties that name to one hearth account, so a rename at
 * the provider keeps the account and an e-mail address alone never picks
 * one. The first sign-in makes the account (just in time) from the
 * provider's claims; every later one brings the claims up to date.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "domain.h"

static const char *const idp_names[] = { "oidc", "ldap", "scim", "proxy" };

/* A provider's name as the identities table and the logs write it. */
const char *
idp_name(enum idp p)
{
	return idp_names[p];
}

/* A provider by name (hearthctl's --provider): 0 and *p, or -1. */
int
idp_parse(const char *s, enum idp *p)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(idp_names); i++) {
		if (strcmp(s, idp_names[i]) == 0) {
			*p = (enum idp)i;
			return 0;
		}
	}
	return -1;
}

/* The person an identity belongs to: 0 and *user, or -1 if none. */
int
identity_find(struct db *db, enum idp p, const char *issuer,
    const char *subject, int64_t *user)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	st = db_prepare(db, "SELECT user_id FROM identities WHERE provider = ? "
	    "AND issuer = ? AND subject = ?");
	if (st == NULL)
		return -1;
	db_bind(st, (const struct sqlarg[]){ SQL_T(idp_names[p]),
	    SQL_T(issuer != NULL ? issuer : ""), SQL_T(subject) }, 3);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*user = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* The subject a person has at a provider (NULL: none). */
const char *
identity_subject(struct db *db, struct arena *a, int64_t user, enum idp p)
{
	sqlite3_stmt		*st;
	const unsigned char	*t;
	const char		*out = NULL;

	st = db_prepare(db, "SELECT subject FROM identities WHERE user_id = ? "
	    "AND provider = ? ORDER BY id LIMIT 1");
	if (st == NULL)
		return NULL;
	db_bind(st, (const struct sqlarg[]){ SQL_I(user),
	    SQL_T(idp_names[p]) }, 2);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = sqlite3_column_text(st, 0)) != NULL)
		out = arena_strdup(a, (const char *)t);
	sqlite3_reset(st);
	return out;
}

/*
 * Tie an identity to a person (an admin linking an existing local account,
 * or a first sign-in). E_CONFLICT if the identity is someone else's, or
 * the person already has another at the same provider and issuer.
 */
int
identity_link(struct db *db, int64_t user, enum idp p, const char *issuer,
    const char *subject, char **cause)
{
	int64_t		 other;
	sqlite3_stmt	*st;
	int		 n = 0;

	if (subject == NULL || *subject == '\0' || strlen(subject) > 255) {
		*cause = xstrdup("the subject must be 1 to 255 bytes");
		return E_INVALID;
	}
	if (issuer == NULL)
		issuer = "";
	if (identity_find(db, p, issuer, subject, &other) == 0) {
		if (other == user)
			return E_OK;
		*cause = xasprintf("that %s identity already belongs to "
		    "another account", idp_names[p]);
		return E_CONFLICT;
	}
	st = db_prepare(db, "SELECT count(*) FROM identities WHERE user_id = ? "
	    "AND provider = ? AND issuer = ?");
	if (st == NULL)
		return E_INTERNAL;
	db_bind(st, (const struct sqlarg[]){ SQL_I(user), SQL_T(idp_names[p]),
	    SQL_T(issuer) }, 3);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (n > 0) {
		*cause = xasprintf("the account is already linked to another "
		    "%s identity; unlink it first", idp_names[p]);
		return E_CONFLICT;
	}
	if (DB_RUN(db, "INSERT INTO identities (user_id, provider, issuer, "
	    "subject, created_at) VALUES (?, ?, ?, ?, ?)", SQL_I(user),
	    SQL_T(idp_names[p]), SQL_T(issuer), SQL_T(subject),
	    SQL_I(time(NULL))) != 1)
		return E_INTERNAL;
	return E_OK;
}

/* Forget a person's identities at a provider: how many, or -1. */
int
identity_unlink(struct db *db, int64_t user, enum idp p)
{
	return DB_RUN(db, "DELETE FROM identities WHERE user_id = ? AND "
	    "provider = ?", SQL_I(user), SQL_T(idp_names[p]));
}

/* Call cb for each of a person's identities. */
int
identity_list(struct db *db, struct arena *a, int64_t user,
    void (*cb)(const struct identity *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct identity		 id;
	enum idp		 p;
	int			 rc;

	st = db_prepare(db, "SELECT provider, issuer, subject, created_at, "
	    "coalesce(last_seen_at, 0) FROM identities WHERE user_id = ? "
	    "ORDER BY provider, id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (idp_parse((const char *)sqlite3_column_text(st, 0), &p) != 0)
			continue;
		id.provider = p;
		id.issuer = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 1));
		id.subject = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 2));
		id.created_at = sqlite3_column_int64(st, 3);
		id.last_seen_at = sqlite3_column_int64(st, 4);
		cb(&id, arg);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A username from what a provider calls the person: the part before any
 * '@' (alice@example.com), letters, digits and '_' kept, others turned to
 * '_', cut to USERNAME_MAX; "user" if nothing is left.
 */
static void
identity_clean_name(const char *want, char *out, size_t outlen)
{
	size_t	i, n = 0;

	for (i = 0; want != NULL && want[i] != '\0' && want[i] != '@' &&
	    n + 1 < outlen && n < USERNAME_MAX; i++) {
		unsigned char c = (unsigned char)want[i];

		if (isalnum(c) || c == '_')
			out[n++] = (char)c;
		else if (c == '.' || c == '-' || c == ' ')
			out[n++] = '_';
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "user");
}

/* Whether a username is free. */
static int
identity_name_free(struct db *db, const char *name)
{
	sqlite3_stmt	*st;
	int		 free_ = 0;

	st = db_prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM users WHERE "
	    "username = ?)");
	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		free_ = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return free_;
}

/* A free username near what the provider calls the person: alice, else
 * alice2, alice3... 0, or -1 if none is free. */
int
identity_pick_name(struct db *db, const char *want, char *out, size_t outlen)
{
	char	base[USERNAME_MAX + 1];
	int	i;

	identity_clean_name(want, base, sizeof base);
	snprintf(out, outlen, "%s", base);
	for (i = 2; !identity_name_free(db, out); i++) {
		if (i > 1000)
			return -1;
		snprintf(out, outlen, "%.*s%d", USERNAME_MAX - 4, base, i);
	}
	return 0;
}

/*
 * The profile columns a provider's claims keep up to date, each with its
 * own literal statement (the statement cache knows a statement by its
 * text's address, so no SQL here is built at run time).
 */
static const struct {
	size_t		 off;		/* in struct claims */
	size_t		 max;
	const char	*sql;
} identity_cols[] = {
	{ offsetof(struct claims, display_name), DISPLAY_NAME_MAX,
	  "UPDATE users SET display_name = ?1, updated_at = ?2, version = "
	  "version + 1 WHERE id = ?3 AND display_name IS NOT ?1" },
	{ offsetof(struct claims, email), 320,
	  "UPDATE users SET email = ?1, updated_at = ?2, version = "
	  "version + 1 WHERE id = ?3 AND email IS NOT ?1" },
	{ offsetof(struct claims, department), PROFILE_TEXT_MAX,
	  "UPDATE users SET department = ?1, updated_at = ?2, version = "
	  "version + 1 WHERE id = ?3 AND department IS NOT ?1" },
	{ offsetof(struct claims, job_title), PROFILE_TEXT_MAX,
	  "UPDATE users SET job_title = ?1, updated_at = ?2, version = "
	  "version + 1 WHERE id = ?3 AND job_title IS NOT ?1" },
};

/* Bring a person's profile and role up to date with the claims. */
int
identity_update(struct db *db, int64_t user, const struct claims *c)
{
	const char	*v;
	size_t		 i;

	/* An empty or missing claim clears nothing (providers leave claims
	 * out), and a value too long or not one line is not worth refusing
	 * a sign-in for: the old one stays. */
	for (i = 0; i < nitems(identity_cols); i++) {
		v = *(const char *const *)((const char *)c +
		    identity_cols[i].off);
		if (v == NULL || *v == '\0' || strlen(v) > identity_cols[i].max
		    || strpbrk(v, "\r\n") != NULL)
			continue;
		if (DB_RUN(db, identity_cols[i].sql, SQL_T(v),
		    SQL_I(time(NULL)), SQL_I(user)) < 0)
			return -1;
	}
	if (c->admin >= 0) {
		int is = user_is_admin(db, user);

		if (c->admin && !is && user_set_role(db, user, ROLE_ADMIN) != 0)
			return -1;
		/* The directory takes the role away, except from the last
		 * admin: someone must be able to put things right. */
		if (!c->admin && is && user_admins(db) > 1 &&
		    user_set_role(db, user, ROLE_MEMBER) != 0)
			return -1;
	}
	return 0;
}

/*
 * A sign-in (or a provisioning) by a provider's claims: E_OK and *user,
 * the account found by (provider, issuer, subject) and brought up to
 * date, or made now when `create` allows (*created set). An account that
 * a directory (SCIM or LDAP) made is taken by its username at the first
 * OpenID or proxy sign-in, when it has no identity at that provider yet:
 * the directory vouches for the name. A local account never is: an admin
 * links it (identity_link). E_FORBIDDEN with *cause when the person may
 * not sign in (not allowed by the provider's groups, deactivated, no
 * account and none to be made).
 */
int
identity_signin(struct db *db, const struct claims *c, int create,
    int64_t *user, int *created, char **cause)
{
	struct arena	*a = arena_new();
	struct user	*u = NULL;
	const char	*issuer = c->issuer != NULL ? c->issuer : "";
	char		 name[USERNAME_MAX + 8];
	int64_t		 id;
	int		 rc = E_INTERNAL;

	*created = 0;
	if (c->subject == NULL || *c->subject == '\0') {
		*cause = xasprintf("the %s sign-in named no subject",
		    idp_names[c->provider]);
		arena_free(a);
		return E_FORBIDDEN;
	}
	if (!c->allowed) {
		*cause = xstrdup(N_("Your account is not allowed to sign in "
		    "here; ask your IT department for access."));
		arena_free(a);
		return E_FORBIDDEN;
	}
	if (db_begin(db) != 0) {
		arena_free(a);
		return E_INTERNAL;
	}
	if (identity_find(db, c->provider, issuer, c->subject, &id) == 0)
		u = user_get(db, a, id);
	else if (c->provider != IDP_SCIM && c->username != NULL &&
	    (u = identity_directory_account(db, a, c)) != NULL) {
		if (identity_link(db, u->id, c->provider, issuer, c->subject,
		    cause) != E_OK)
			goto fail;
	}
	if (u != NULL) {
		if (u->disabled) {
			*cause = xstrdup(N_("Your account has been "
			    "deactivated."));
			rc = E_FORBIDDEN;
			goto fail;
		}
		if (identity_update(db, u->id, c) != 0)
			goto fail;
		*user = u->id;
	} else {
		if (!create) {
			*cause = xstrdup(N_("There is no account for you here "
			    "yet; ask an admin to create or link one."));
			rc = E_FORBIDDEN;
			goto fail;
		}
		if (identity_pick_name(db, c->username != NULL && *c->username
		    != '\0' ? c->username : c->email, name, sizeof name) != 0) {
			*cause = xstrdup("no free username for this account");
			goto fail;
		}
		id = user_create(db, name, c->display_name != NULL &&
		    strlen(c->display_name) <= DISPLAY_NAME_MAX ?
		    c->display_name : name, c->email, c->admin > 0 ?
		    ROLE_ADMIN : ROLE_MEMBER, NULL, cause);
		if (id < 0)
			goto fail;
		if (identity_link(db, id, c->provider, issuer, c->subject,
		    cause) != E_OK || identity_update(db, id, c) != 0 ||
		    DB_RUN(db, "UPDATE users SET managed_by = ? WHERE id = ?",
		    SQL_T(idp_names[c->provider]), SQL_I(id)) != 1)
			goto fail;
		*user = id;
		*created = 1;
	}
	if (DB_RUN(db, "UPDATE identities SET last_seen_at = ? WHERE "
	    "provider = ? AND issuer = ? AND subject = ?", SQL_I(time(NULL)),
	    SQL_T(idp_names[c->provider]), SQL_T(issuer),
	    SQL_T(c->subject)) < 0)
		goto fail;
	arena_free(a);
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	arena_free(a);
	return rc;
}

/*
 * An account a directory made (SCIM, LDAP) for the claims' username and
 * no identity yet at the claims' provider, or NULL. SCIM's is found by
 * the userName the directory gave it (alice@example.com, in any case),
 * which its hearth username need not match (alice2, alice being taken);
 * another directory's by the username.
 */
struct user *
identity_directory_account(struct db *db, struct arena *a,
    const struct claims *c)
{
	struct user	*u = NULL;
	sqlite3_stmt	*st;
	char		 name[USERNAME_MAX + 8];
	int		 has = 1;

	st = db_prepare(db, "SELECT user_id FROM scim_users WHERE "
	    "user_name = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, c->username, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		u = user_get(db, a, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	if (u == NULL) {
		identity_clean_name(c->username, name, sizeof name);
		u = user_get_by_name(db, a, name);
	}
	if (u == NULL || u->origin != NULL)
		return NULL;
	/* A SCIM account answers to its userName, or to a bare name (no
	 * domain to tell two alices apart) that is its username; never to
	 * alice@elsewhere for alice@example.com's alice. */
	st = db_prepare(db, "SELECT (SELECT managed_by FROM users WHERE id = ?1) "
	    "IN ('scim', 'ldap') AND NOT EXISTS (SELECT 1 FROM identities "
	    "WHERE user_id = ?1 AND provider = ?2) AND (instr(?3, '@') = 0 OR "
	    "NOT EXISTS (SELECT 1 FROM scim_users WHERE user_id = ?1) OR "
	    "EXISTS (SELECT 1 FROM scim_users WHERE user_id = ?1 AND "
	    "user_name = ?3))");
	if (st == NULL)
		return NULL;
	db_bind(st, (const struct sqlarg[]){ SQL_I(u->id),
	    SQL_T(idp_names[c->provider]), SQL_T(c->username) }, 3);
	if (sqlite3_step(st) == SQLITE_ROW)
		has = !sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return has ? NULL : u;
}
