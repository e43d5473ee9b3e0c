/*
 * backlog.c: the work that waits in the database's own queues (push
 * deliveries, scheduled posts, pictures being processed, polls to close),
 * for the metrics. These queues are tables, not memory, so a restart
 * loses none; what an operator wants to know is how much waits and how
 * much of it is already due (a due backlog that grows means its jobs fall
 * behind or fail). Each count reads an index, not the rows.
 */
#include <string.h>

#include "domain.h"

/* One query a queue: rows waiting, and of them those due at ?1. */
static const struct {
	const char	*queue;
	const char	*sql;
} backlog_queries[] = {
	{ "push", "SELECT count(*), count(*) FILTER (WHERE next_at <= ?1) "
	    "FROM push_deliveries" },
	{ "scheduled", "SELECT count(*), count(*) FILTER (WHERE "
	    "scheduled_at <= ?1) FROM scheduled_statuses" },
	{ "media", "SELECT count(*), count(*) FROM media WHERE "
	    "state = 'processing'" },
	{ "polls", "SELECT count(*), count(*) FILTER (WHERE expires_at <= "
	    "?1) FROM polls WHERE ended = 0" },
};

/* Fill out[] (at most max) with each queue's counts; how many filled. */
size_t
backlog_counts(struct db *db, int64_t now, struct backlog *out, size_t max)
{
	sqlite3_stmt	*st;
	size_t		 i, n = 0;

	for (i = 0; i < nitems(backlog_queries) && n < max; i++) {
		if ((st = db_prepare(db, backlog_queries[i].sql)) == NULL)
			continue;
		sqlite3_bind_int64(st, 1, now);
		if (sqlite3_step(st) == SQLITE_ROW) {
			out[n].queue = backlog_queries[i].queue;
			out[n].waiting = sqlite3_column_int64(st, 0);
			out[n].due = sqlite3_column_int64(st, 1);
			n++;
		}
		sqlite3_reset(st);
	}
	return n;
}
