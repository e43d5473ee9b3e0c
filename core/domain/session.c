/*
 * session.c: browser sessions. A session is a 256-bit random token handed to
 * the browser in a cookie; the database keeps only its SHA-256, so a stolen
 * database or backup cannot be replayed as a login. Sessions expire after a
 * time without use (idle) and after a fixed lifetime (absolute).
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* last_seen_at is refreshed at most this often (or at half the idle
 * timeout if that is shorter), to keep reads read-only: with 10,000 people
 * active, every minute would be 170 writes a second for "last used". */
#define SESSION_TOUCH_EVERY 900

/* How a session was started, as the sessions table names it. */
static const char *const session_vias[] = { "password", "oidc", "ldap",
    "proxy" };

/* Start a session for a person; the new token is written to out. */
int
session_create(struct db *db, int64_t user_id, const char *ip,
    const char *user_agent, char *out, size_t outlen)
{
	return session_create_via(db, user_id, ip, user_agent, VIA_PASSWORD,
	    NULL, 0, out, outlen);
}

/*
 * Start a session through a way of signing in: an identity provider's
 * session id (sid, for its back-channel logout) and the end it sets
 * (expires_at, 0: none beyond hearth's own) are kept with it.
 */
int
session_create_via(struct db *db, int64_t user_id, const char *ip,
    const char *user_agent, enum session_via via, const char *sid,
    int64_t expires_at, char *out, size_t outlen)
{
	sqlite3_stmt	*st;
	char		 hash[HASH_HEX + 1];
	int64_t		 now = time(NULL);
	int		 rc;

	crypto_new_token(SESSION_PREFIX, out, outlen, hash);
	st = db_prepare(db, "INSERT INTO sessions (user_id, token_hash, "
	    "created_at, last_seen_at, ip, user_agent, via, idp_sid, "
	    "expires_at) VALUES (?, ?, ?, ?, ?, substr(?, 1, 300), ?, "
	    "substr(?, 1, 255), nullif(?, 0))");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, ip, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, user_agent, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, session_vias[via], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, sid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, expires_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	return db_stamp(db, "UPDATE users SET last_active_at = ? WHERE id = ?",
	    user_id, 0) < 0 ? -1 : 0;
}

/* The way of signing in a sessions row names. */
static enum session_via
session_via_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(session_vias); i++) {
		if (strcmp(s, session_vias[i]) == 0)
			return (enum session_via)i;
	}
	return VIA_PASSWORD;
}

/*
 * End the sessions an identity provider's back-channel logout names: by
 * its session id (sid) if given, else every session of the person that
 * provider signed in. The number ended, or -1.
 */
int
session_end_idp(struct db *db, enum session_via via, const char *sid,
    int64_t user_id)
{
	int	n;

	if (sid != NULL && *sid != '\0')
		n = DB_RUN(db, "DELETE FROM sessions WHERE idp_sid = ? AND "
		    "via = ? AND (? = 0 OR user_id = ?)", SQL_T(sid),
		    SQL_T(session_vias[via]), SQL_I(user_id), SQL_I(user_id));
	else
		n = DB_RUN(db, "DELETE FROM sessions WHERE user_id = ? AND "
		    "via = ?", SQL_I(user_id), SQL_T(session_vias[via]));
	if (n > 0)
		epoch_touch_all(db);
	return n;
}

/*
 * Look up a live session by its token; 0 and *out filled, or -1 if there is
 * none, it has expired (out->expired set: the caller may end it), or its
 * person is disabled. Lookups only read: out->touch says when last_seen_at
 * wants refreshing with session_touch, which the caller does off the loop.
 * The row is remembered between requests (auth-memo.c).
 */
int
session_lookup(struct db *db, const char *token, long idle, long lifetime,
    struct session *out)
{
	sqlite3_stmt	*st;
	struct session_row row;
	char		 hash[HASH_HEX + 1];
	int64_t		 now = time(NULL), created, seen;

	out->touch = out->expired = 0;
	if (strncmp(token, SESSION_PREFIX, strlen(SESSION_PREFIX)) != 0 ||
	    strlen(token) != strlen(SESSION_PREFIX) + TOKEN_CHARS)
		return -1;
	crypto_sha256_hex(token, strlen(token), hash);
	if (!db_memo_ok(db) || !session_memo_get(hash, now, &row)) {
		st = db_prepare(db, "SELECT s.id, s.user_id, s.created_at, "
		    "s.last_seen_at, u.disabled OR u.origin IS NOT NULL, "
		    "coalesce(s.expires_at, 0), s.via FROM sessions s "
		    "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return -1;
		}
		row.id = sqlite3_column_int64(st, 0);
		row.user_id = sqlite3_column_int64(st, 1);
		row.created_at = sqlite3_column_int64(st, 2);
		row.last_seen_at = sqlite3_column_int64(st, 3);
		row.disabled = sqlite3_column_int(st, 4);
		row.expires_at = sqlite3_column_int64(st, 5);
		row.via = session_via_parse((const char *)
		    sqlite3_column_text(st, 6));
		sqlite3_reset(st);
		session_memo_put(hash, &row, db_read_stamp(db), now);
	}
	out->id = row.id;
	out->user_id = row.user_id;
	out->created_at = created = row.created_at;
	out->via = row.via;
	seen = row.last_seen_at;
	memcpy(out->hash, hash, sizeof hash);

	if (row.disabled)
		return -1;
	if (now - seen > idle || now - created > lifetime ||
	    (row.expires_at != 0 && now >= row.expires_at)) {
		out->expired = 1;
		return -1;
	}
	/* Often enough that a session in use never reaches a short idle
	 * timeout (idle / 2), else at most once a minute. */
	out->touch = now - seen >= (idle / 2 < SESSION_TOUCH_EVERY ? idle / 2 :
	    SESSION_TOUCH_EVERY);
	return 0;
}

/* Record that a session was just used. */
int
session_touch(struct db *db, int64_t id)
{
	/* The person's "last active" rides on the same, rare, write. */
	if (db_stamp(db, "UPDATE sessions SET last_seen_at = ? WHERE "
	    "id = ?", id, 0) < 0)
		return -1;
	return db_stamp(db, "UPDATE users SET last_active_at = ?1 WHERE id = "
	    "(SELECT user_id FROM sessions WHERE id = ?2)", id, 0) < 0 ? -1 : 0;
}

/* End one session, by token hash. */
int
session_end(struct db *db, const char *hash)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* End every session of a person (sign out everywhere). */
int
session_end_all(struct db *db, int64_t user_id)
{
	return DB_RUN(db, "DELETE FROM sessions WHERE user_id = ?",
	    SQL_I(user_id)) < 0 ? -1 : 0;
}

/*
 * Call cb for each live session of a person, most recently used first. The
 * address and browser are what the person may see of their own sessions;
 * the token hash never leaves this file.
 */
int
session_list(struct db *db, struct arena *a, int64_t user_id,
    void (*cb)(const struct session_info *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct session_info	 s;
	const unsigned char	*t;
	int			 rc;

	st = db_prepare(db, "SELECT id, created_at, last_seen_at, ip, "
	    "user_agent FROM sessions WHERE user_id = ? "
	    "ORDER BY last_seen_at DESC, id DESC");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s.id = sqlite3_column_int64(st, 0);
		s.created_at = sqlite3_column_int64(st, 1);
		s.last_seen_at = sqlite3_column_int64(st, 2);
		t = sqlite3_column_text(st, 3);
		s.ip = t ? arena_strdup(a, (const char *)t) : NULL;
		t = sqlite3_column_text(st, 4);
		s.user_agent = t ? arena_strdup(a, (const char *)t) : NULL;
		cb(&s, arg);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* End one of a person's sessions by id: E_OK, or E_NOTFOUND if it is not
 * theirs (or already over). */
int
session_end_id(struct db *db, int64_t user_id, int64_t id)
{
	int	rc;

	rc = DB_RUN(db, "DELETE FROM sessions WHERE id = ? AND user_id = ?",
	    SQL_I(id), SQL_I(user_id));
	return rc < 0 ? E_INTERNAL : rc == 1 ? E_OK : E_NOTFOUND;
}

/* End every session of a person but one (sign out everywhere else). */
int
session_end_others(struct db *db, int64_t user_id, int64_t keep_id)
{
	return DB_RUN(db, "DELETE FROM sessions WHERE user_id = ? AND id <> ?",
	    SQL_I(user_id), SQL_I(keep_id)) < 0 ? -1 : 0;
}
