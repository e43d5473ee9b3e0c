/*
 * trend.c: trending hashtags, counted from the posts of the last
 * TREND_DAYS days (UTC) that every employee may read and that are listed:
 * public posts outside groups and posts in open groups. A hashtag used only
 * in a private group, in followers-only posts or in direct messages never
 * trends, so a trend never reveals what some people may not see. Trending
 * posts come from the same window and the same rule: the most favourited,
 * boosted and answered of them.
 */
#include <string.h>

#include "domain.h"

#define DAY 86400

/*
 * The posts of the window, found without an index on created_at: ids grow
 * with time, so the window starts after the newest post older than it.
 */
#define RECENT "WITH recent AS (SELECT p.id, p.author_id, p.created_at " \
    "FROM posts p WHERE p.id > coalesce((SELECT id FROM posts WHERE " \
    "created_at < :start ORDER BY id DESC LIMIT 1), 0) AND " \
    "p.created_at >= :start AND ((p.group_id IS NULL AND " \
    "p.visibility = " SQL_VIS_PUBLIC ") OR EXISTS (SELECT 1 FROM groups g " \
    "WHERE g.id = p.group_id AND g.visibility = " SQL_GROUP_OPEN "))) "

/*
 * The most used hashtags of the TREND_DAYS days up to now, most used first,
 * at most limit, each with its daily uses and distinct authors (newest day
 * first). 0, or -1 on a database error.
 */
int
trend_tags(struct db *db, struct arena *a, int64_t now, int limit,
    struct trend **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct trend	*t;
	int64_t		 today = now - now % DAY, start, tag, d;
	size_t		 i;
	int		 k, rc;

	start = today - (TREND_DAYS - 1) * DAY;
	*n = 0;
	*out = arena_alloc(a, (limit > 0 ? limit : 1) * sizeof **out);
	st = db_prepare(db, RECENT "SELECT pt.tag_id, t.name, count(*) AS "
	    "uses, count(DISTINCT r.author_id) AS people FROM recent r JOIN "
	    "post_tags pt ON pt.post_id = r.id JOIN tags t ON t.id = "
	    "pt.tag_id GROUP BY pt.tag_id ORDER BY uses DESC, people DESC, "
	    "t.last_used_at DESC, t.name LIMIT :limit");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":start"),
	    start);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = &(*out)[(*n)++];
		t->id = sqlite3_column_int64(st, 0);
		t->name = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 1));
		for (k = 0; k < TREND_DAYS; k++)
			t->day[k] = today - k * DAY;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (*n == 0)
		return 0;

	st = db_prepare(db, RECENT "SELECT pt.tag_id, (r.created_at - :start) "
	    "/ 86400 AS d, count(*), count(DISTINCT r.author_id) FROM recent r "
	    "JOIN post_tags pt ON pt.post_id = r.id GROUP BY pt.tag_id, d");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":start"),
	    start);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tag = sqlite3_column_int64(st, 0);
		d = sqlite3_column_int64(st, 1);
		if (d < 0 || d >= TREND_DAYS)
			continue;
		for (i = 0; i < *n; i++) {
			if ((*out)[i].id != tag)
				continue;
			k = TREND_DAYS - 1 - (int)d;
			(*out)[i].uses[k] = sqlite3_column_int64(st, 2);
			(*out)[i].accounts[k] = sqlite3_column_int64(st, 3);
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The posts of the TREND_DAYS days up to now that people interacted with
 * most (favourites, boosts and replies, counted alike), most first, newest
 * first among equals: from offset, at most limit. Boosts themselves are
 * not candidates, nor posts nobody touched. 0, or -1 on a database error.
 */
int
trend_posts(struct db *db, struct arena *a, int64_t now, int offset,
    int limit, struct idlist *out)
{
	sqlite3_stmt	*st;
	int64_t		 today = now - now % DAY;

	st = db_prepare(db, RECENT "SELECT p.id FROM recent r JOIN posts p ON "
	    "p.id = r.id WHERE p.reblog_of_id IS NULL AND p.favourites_count + "
	    "p.reblogs_count + p.replies_count > 0 ORDER BY "
	    "p.favourites_count + p.reblogs_count + p.replies_count DESC, "
	    "p.id DESC LIMIT :limit OFFSET :offset");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":start"),
	    today - (TREND_DAYS - 1) * DAY);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":offset"),
	    offset);
	return idlist_from_stmt(a, st, out, NULL);
}
