/*
 * instance.c: the figures /api/v1/instance and /api/v2/instance report about
 * the whole installation. Each is read from counters or small indexes, never
 * by counting posts, so asking is cheap however large the instance grows.
 */
#include <string.h>

#include "domain.h"

#define MONTH (30 * 86400)
#define HALFYEAR (180 * 86400)	/* NodeInfo's activeHalfyear */

/*
 * People with an active account; posts by them (their statuses_count
 * counters); and those active in the 30 (and 180) days before now: who
 * posted, or used a session or an API token.
 */
int
instance_stats(struct db *db, int64_t now, struct instance_stats *s)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(s, 0, sizeof *s);
	st = db_prepare(db, "SELECT count(*), total(statuses_count), "
	    "count(*) FILTER (WHERE coalesce(u.last_status_at, 0) >= ?1 OR "
	    "EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND "
	    "s.last_seen_at >= ?1) OR EXISTS (SELECT 1 FROM tokens t WHERE "
	    "t.user_id = u.id AND t.revoked_at IS NULL AND "
	    "coalesce(t.last_used_at, 0) >= ?1)), "
	    "count(*) FILTER (WHERE coalesce(u.last_status_at, 0) >= ?2 OR "
	    "EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND "
	    "s.last_seen_at >= ?2) OR EXISTS (SELECT 1 FROM tokens t WHERE "
	    "t.user_id = u.id AND t.revoked_at IS NULL AND "
	    "coalesce(t.last_used_at, 0) >= ?2)) FROM users u WHERE "
	    "u.disabled = 0 AND u.origin IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now - MONTH);
	sqlite3_bind_int64(st, 2, now - HALFYEAR);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->users = sqlite3_column_int64(st, 0);
		s->posts = (int64_t)sqlite3_column_double(st, 1);
		s->active_month = sqlite3_column_int64(st, 2);
		s->active_halfyear = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
