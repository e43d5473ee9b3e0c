/*
 * token.c: API bearer tokens. Like sessions they are 256-bit random secrets
 * of which only the hash is stored; they do not expire but can be revoked, and
 * stop working while their person is disabled.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* Store a new token (user_id 0: an app's own; app_id 0: none); its
 * secret goes to out. The id, or -1. */
static int64_t
token_insert(struct db *db, int64_t user_id, int64_t app_id,
    const char *name, const char *scopes, char *out, size_t outlen)
{
	char	 hash[HASH_HEX + 1];

	crypto_new_token(TOKEN_PREFIX, out, outlen, hash);
	if (DB_RUN(db, "INSERT INTO tokens (user_id, token_hash, name, scopes, "
	    "created_at, app_id) VALUES (?, ?, ?, ?, ?, ?)", SQL_ID(user_id),
	    SQL_T(hash), SQL_T(name), SQL_T(scopes), SQL_I(time(NULL)),
	    SQL_ID(app_id)) != 1)
		return -1;
	return db_last_id(db);
}

/* Create a token for a person; the secret goes to out, the id is returned. */
int64_t
token_create(struct db *db, int64_t user_id, const char *name,
    const char *scopes, char *out, size_t outlen)
{
	return token_insert(db, user_id, 0, name ? name : "", scopes ? scopes :
	    "read write follow", out, outlen);
}

/* last_used_at is refreshed at most this often, to keep reads read-only. */
#define TOKEN_TOUCH_EVERY 3600

/*
 * Who a live token speaks for: its person (0 for an app's own token), app
 * and scopes; 0, or -1. Lookups only read: t->touch is set to the token's
 * id when its last_used_at wants refreshing (with token_touch, off the
 * loop), else 0. The row is remembered between requests (auth-memo.c).
 */
int
token_lookup(struct db *db, struct arena *a, const char *token,
    struct token_auth *t)
{
	sqlite3_stmt		*st;
	struct token_row	 row;
	char			 hash[HASH_HEX + 1];
	const char		*scopes;
	int64_t			 now = time(NULL);
	int			 rc;

	memset(t, 0, sizeof *t);
	if (strlen(token) > 256)
		return -1;
	crypto_sha256_hex(token, strlen(token), hash);
	if (!db_memo_ok(db) || !token_memo_get(hash, now, &row)) {
		st = db_prepare(db, "SELECT coalesce(t.user_id, 0), t.id, "
		    "coalesce(t.last_used_at, 0), coalesce(t.app_id, 0), "
		    "t.scopes FROM tokens t LEFT JOIN users u ON "
		    "u.id = t.user_id WHERE t.token_hash = ? AND "
		    "t.revoked_at IS NULL AND "
		    "(t.user_id IS NULL OR (u.disabled = 0 AND "
		    "u.origin IS NULL))");
		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			row.user_id = sqlite3_column_int64(st, 0);
			row.id = sqlite3_column_int64(st, 1);
			row.last_used_at = sqlite3_column_int64(st, 2);
			row.app_id = sqlite3_column_int64(st, 3);
			scopes = (const char *)sqlite3_column_text(st, 4);
			t->scopes = arena_strdup(a, scopes ? scopes : "");
			/* Scopes too long to keep are simply asked again. */
			if (strlen(t->scopes) < sizeof row.scopes) {
				memcpy(row.scopes, t->scopes,
				    strlen(t->scopes) + 1);
				token_memo_put(hash, &row, db_read_stamp(db),
				    now);
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return -1;
	} else
		t->scopes = arena_strdup(a, row.scopes);
	t->id = row.id;
	t->user_id = row.user_id;
	t->app_id = row.app_id;
	t->touch = now - row.last_used_at >= TOKEN_TOUCH_EVERY ? row.id : 0;
	return 0;
}

/* Create a token an app obtained through OAuth; user_id 0 makes the app's
 * own (client_credentials) token. The secret goes to out. */
int64_t
token_create_app(struct db *db, int64_t user_id, int64_t app_id,
    const char *scopes, char *out, size_t outlen)
{
	return token_insert(db, user_id, app_id, "", scopes, out, outlen);
}

/* Revoke a token by its secret if an app holds it (RFC 7009); 0, or -1 on
 * a database error (an unknown token is not one). */
int
token_revoke_secret(struct db *db, int64_t app_id, const char *token)
{
	sqlite3_stmt	*st;
	char		 hash[HASH_HEX + 1];
	int		 rc;

	if (strlen(token) > 256)
		return 0;
	crypto_sha256_hex(token, strlen(token), hash);
	st = db_prepare(db, "UPDATE tokens SET revoked_at = ? WHERE "
	    "token_hash = ? AND app_id = ? AND revoked_at IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, time(NULL));
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, app_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Record that a token was just used. */
int
token_touch(struct db *db, int64_t id)
{
	if (db_stamp(db, "UPDATE tokens SET last_used_at = ? WHERE id = ?",
	    id, 0) < 0)
		return -1;
	return db_stamp(db, "UPDATE users SET last_active_at = ?1 WHERE id = "
	    "(SELECT user_id FROM tokens WHERE id = ?2)", id, 0) < 0 ? -1 : 0;
}

/* Revoke one of a person's tokens; 0, or -1 if there was no such token. */
int
token_revoke(struct db *db, int64_t user_id, int64_t token_id)
{
	return db_stamp(db, "UPDATE tokens SET revoked_at = ? WHERE id = ? "
	    "AND user_id = ? AND revoked_at IS NULL", token_id, user_id) == 1 ?
	    0 : -1;
}

/* Create an app's own token with a label (user_id NULL): hearthctl's
 * for a built-in app. The secret goes to out; the id, or -1. */
int64_t
token_create_labelled(struct db *db, int64_t app_id, const char *name,
    const char *scopes, char *out, size_t outlen)
{
	return token_insert(db, 0, app_id, name, scopes, out, outlen);
}

/* Revoke one of an app's own tokens; 0, or -1 if it has no such live
 * token. */
int
token_revoke_app(struct db *db, int64_t app_id, int64_t token_id)
{
	return DB_RUN(db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND "
	    "app_id = ? AND user_id IS NULL AND revoked_at IS NULL",
	    SQL_I(time(NULL)), SQL_I(token_id), SQL_I(app_id)) == 1 ? 0 : -1;
}

/* The tokens of a person (user_id) or an app's own (app_id), newest
 * first, to cb. */
static int
token_list_sql(struct db *db, struct arena *a, const char *sql, int64_t id,
    void (*cb)(const struct token_info *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct token_info	 t;
	int			 rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t.id = sqlite3_column_int64(st, 0);
		t.label = arena_strdup(a, (const char *)sqlite3_column_text(st,
		    1));
		t.scopes = arena_strdup(a, (const char *)sqlite3_column_text(st,
		    2));
		t.created_at = sqlite3_column_int64(st, 3);
		t.last_used_at = sqlite3_column_int64(st, 4);
		t.revoked_at = sqlite3_column_int64(st, 5);
		t.app = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL :
		    arena_strdup(a, (const char *)sqlite3_column_text(st, 6));
		cb(&t, arg);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define TOKEN_LIST_SQL(where) "SELECT t.id, t.name, t.scopes, t.created_at, " \
    "coalesce(t.last_used_at, 0), coalesce(t.revoked_at, 0), a.name " \
    "FROM tokens t LEFT JOIN apps a ON a.id = t.app_id WHERE " where \
    " ORDER BY t.id DESC"

/* Call cb for each of a person's tokens, newest first. */
int
token_list(struct db *db, struct arena *a, int64_t user_id,
    void (*cb)(const struct token_info *, void *), void *arg)
{
	return token_list_sql(db, a, TOKEN_LIST_SQL("t.user_id = ?"), user_id,
	    cb, arg);
}

/* Call cb for each of an app's own tokens (no person's), newest first. */
int
token_list_app(struct db *db, struct arena *a, int64_t app_id,
    void (*cb)(const struct token_info *, void *), void *arg)
{
	return token_list_sql(db, a, TOKEN_LIST_SQL("t.app_id = ? AND "
	    "t.user_id IS NULL"), app_id, cb, arg);
}
