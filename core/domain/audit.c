/*
 * audit.c: the admin audit log. Every admin action (the web's admin pages,
 * hearthctl, directory sync, a module's) calls audit_record in the same
 * transaction as the change it records, so a change is never without its
 * row nor a row without its change. The log is append-only: nothing here
 * updates a row, and only audit_prune (hearthctl, the operator's retention)
 * deletes old ones.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define AUDIT_COLUMNS "id, at, coalesce(actor_id, 0), actor_name, action, " \
    "target_type, coalesce(target_id, 0), target_name, details, ip, " \
    "user_agent"
#define AUDIT_FILTER "(?1 IS NULL OR action = ?1) AND (?2 IS NULL OR " \
    "actor_name LIKE ?2 ESCAPE '\\') AND (?3 IS NULL OR target_name LIKE ?3 " \
    "ESCAPE '\\' OR details LIKE ?3 ESCAPE '\\') AND (?4 = 0 OR at >= ?4) " \
    "AND (?5 = 0 OR at < ?5)"

/*
 * Record one admin action: who (actor), what (action, e.g. "user.disable"),
 * to what (target_type "user", its id and name) and how (details, a JSON
 * object, borrowed; NULL: none). 0, or -1 (the caller rolls back: an
 * action that cannot be recorded is not done).
 */
int
audit_record(struct db *db, const struct audit_actor *actor,
    const char *action, const char *target_type, int64_t target_id,
    const char *target_name, json_t *details)
{
	char	*d = details != NULL ? json_dumps(details, JSON_COMPACT |
	    JSON_SORT_KEYS) : NULL;
	int	 n;

	n = DB_RUN(db, "INSERT INTO audit_log (at, actor_id, actor_name, "
	    "action, target_type, target_id, target_name, details, ip, "
	    "user_agent) VALUES (?, ?, substr(?, 1, 200), ?, ?, ?, "
	    "substr(?, 1, 200), ?, substr(?, 1, 64), substr(?, 1, 300))",
	    SQL_I(time(NULL)), SQL_ID(actor->id), SQL_T(actor->name ?
	    actor->name : "?"), SQL_T(action), SQL_T(target_type ? target_type :
	    ""), SQL_ID(target_id), SQL_T(target_name ? target_name : ""),
	    SQL_T(d ? d : "{}"), SQL_T(actor->ip ? actor->ip : ""),
	    SQL_T(actor->user_agent ? actor->user_agent : ""));
	free(d);
	if (n != 1) {
		log_error("audit: %s could not be recorded: %s", action,
		    db_errmsg(db));
		return -1;
	}
	return 0;
}

/* Copy a text column into the arena ("" for NULL). */
static const char *
audit_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return arena_strdup(a, t ? (const char *)t : "");
}

/*
 * Call cb for the entries f matches: newest first from before (0: the
 * newest) when ascending is 0, else oldest first after `after`; at most
 * limit (<= 0: all). Returns how many cb saw, or -1.
 */
int
audit_each(struct db *db, struct arena *a, const struct audit_filter *f,
    int ascending, int64_t from, int limit,
    void (*cb)(const struct audit_entry *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct audit_entry	 e;
	const char		*actor = db_like_contains(a, f->actor);
	const char		*q = db_like_contains(a, f->q);
	int			 rc, seen = 0;

	if (ascending)
		st = db_prepare(db, "SELECT " AUDIT_COLUMNS " FROM audit_log "
		    "WHERE " AUDIT_FILTER " AND id > ?6 ORDER BY id LIMIT ?7");
	else
		st = db_prepare(db, "SELECT " AUDIT_COLUMNS " FROM audit_log "
		    "WHERE " AUDIT_FILTER " AND (?6 = 0 OR id < ?6) "
		    "ORDER BY id DESC LIMIT ?7");
	if (st == NULL)
		return -1;
	if (f->action != NULL && *f->action != '\0')
		sqlite3_bind_text(st, 1, f->action, -1, SQLITE_STATIC);
	if (actor != NULL)
		sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	if (q != NULL)
		sqlite3_bind_text(st, 3, q, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->since);
	sqlite3_bind_int64(st, 5, f->until);
	sqlite3_bind_int64(st, 6, from);
	sqlite3_bind_int(st, 7, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.actor_id = sqlite3_column_int64(st, 2);
		e.actor_name = audit_text(a, st, 3);
		e.action = audit_text(a, st, 4);
		e.target_type = audit_text(a, st, 5);
		e.target_id = sqlite3_column_int64(st, 6);
		e.target_name = audit_text(a, st, 7);
		e.details = audit_text(a, st, 8);
		e.ip = audit_text(a, st, 9);
		e.user_agent = audit_text(a, st, 10);
		cb(&e, arg);
		seen++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? seen : -1;
}

/* The actions the log holds, for the filter's choices. */
int
audit_actions(struct db *db, void (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT DISTINCT action FROM audit_log "
	    "ORDER BY action");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(st, 0), arg);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One entry as a JSON object (the JSON Lines export, the API). */
json_t *
audit_entry_json(const struct audit_entry *e)
{
	char		 at[32];
	struct tm	 tm;
	time_t		 t = (time_t)e->at;
	json_t		*d = json_loads(e->details, 0, NULL);

	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:s, "
	    "s:s}", "id", (json_int_t)e->id, "at", at, "actor_id",
	    e->actor_id ? json_integer(e->actor_id) : json_null(),
	    "actor", e->actor_name, "action", e->action, "target_type",
	    e->target_type, "target_id", e->target_id ?
	    json_integer(e->target_id) : json_null(), "target",
	    e->target_name, "details", d ? d : json_object(), "ip", e->ip,
	    "user_agent", e->user_agent);
}

/* Delete entries older than before (retention, hearthctl only). */
int
audit_prune(struct db *db, int64_t before)
{
	return DB_RUN(db, "DELETE FROM audit_log WHERE at < ?",
	    SQL_I(before));
}
