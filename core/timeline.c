/*
 * timeline.c: the streams, as lists of post ids newest first. Home is read
 * from the in-memory feed (feed.c) and built from the database when absent;
 * company, hashtag, group and profile streams are index range scans. Every
 * query applies the visibility rule of access.c, so no stream can hold a
 * post its reader may not see.
 */
#include <string.h>

#include "hearth.h"

/*
 * Home from the database: my posts, followed people's posts (not direct
 * ones), posts in my groups, and posts that mention me. Each arm is an
 * index scan; the union is sorted once.
 */
#define HOME_ARMS(range) \
	"SELECT p.id AS id FROM posts p WHERE p.author_id = :viewer AND " \
	range \
	" UNION SELECT p.id FROM follows f JOIN posts p ON p.author_id = " \
	"f.followee_id WHERE f.follower_id = :viewer AND p.group_id IS NULL " \
	"AND p.visibility < 3 AND " range \
	" UNION SELECT p.id FROM group_members m JOIN posts p ON " \
	"p.group_id = m.group_id WHERE m.user_id = :viewer AND " range \
	" UNION SELECT p.id FROM mentions m JOIN posts p ON p.id = m.post_id " \
	"WHERE m.user_id = :viewer AND p.group_id IS NULL AND " range

static const char *const home_sql[2] = {
	"SELECT id FROM (" HOME_ARMS("p.id < :max_id AND p.id > :since_id") ") "
	"ORDER BY id DESC LIMIT :limit",
	"SELECT id FROM (" HOME_ARMS("p.id < :max_id AND p.id > :min_id") ") "
	"ORDER BY id ASC LIMIT :limit",
};

/* Run a paged query with :viewer bound; ids newest first. */
static int
run(struct db *db, struct arena *a, const char *const sql[2], int64_t viewer,
    const struct page *p, struct idlist *out)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, sql[p->min_id > 0])) == NULL)
		return E_INTERNAL;
	access_bind_viewer(st, viewer);
	page_bind(st, p);
	if (idlist_from_stmt(a, st, out, NULL) != 0)
		return E_INTERNAL;
	page_finish(a, p, out, NULL);
	return E_OK;
}

/* The home timeline. */
int
timeline_home(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out)
{
	struct page	 all = { 0, 0, 0, FEED_CAP };
	struct idlist	 ids = { NULL, 0, 0 };

	if (feed_read(viewer, p, a, out))
		return E_OK;
	if (feed_begin(viewer)) {
		if (run(db, a, home_sql, viewer, &all, &ids) != E_OK) {
			feed_forget(viewer);
			return E_INTERNAL;
		}
		feed_fill(viewer, &ids, ids.n < FEED_CAP);
		if (feed_read(viewer, p, a, out))
			return E_OK;
	}
	/* Deeper than the feed keeps, or being built by another thread. */
	out->n = 0;
	return run(db, a, home_sql, viewer, p, out);
}

/* The company stream: public posts outside groups. */
int
timeline_company(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = {
		"SELECT id FROM posts WHERE visibility = 0 AND group_id IS NULL "
		"AND " PAGE_DESC("id"),
		"SELECT id FROM posts WHERE visibility = 0 AND group_id IS NULL "
		"AND " PAGE_ASC("id"),
	};

	return run(db, a, sql, viewer, p, out);
}

/*
 * A hashtag's stream: public posts outside groups, and posts in groups the
 * viewer may read.
 */
int
timeline_tag(struct db *db, struct arena *a, int64_t viewer, const char *tag,
    const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = {
		"SELECT t.post_id FROM post_tags t JOIN posts p ON p.id = "
		"t.post_id WHERE t.tag_id = (SELECT id FROM tags WHERE name = "
		":tag) AND ((p.group_id IS NULL AND p.visibility = 0) OR "
		"(p.group_id IS NOT NULL AND " SQL_POST_VISIBLE("p") ")) AND "
		PAGE_DESC("t.post_id"),
		"SELECT t.post_id FROM post_tags t JOIN posts p ON p.id = "
		"t.post_id WHERE t.tag_id = (SELECT id FROM tags WHERE name = "
		":tag) AND ((p.group_id IS NULL AND p.visibility = 0) OR "
		"(p.group_id IS NOT NULL AND " SQL_POST_VISIBLE("p") ")) AND "
		PAGE_ASC("t.post_id"),
	};
	sqlite3_stmt	*st;
	char		*lower = arena_strdup(a, tag), *c;

	for (c = lower; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	}
	if ((st = db_prepare(db, sql[p->min_id > 0])) == NULL)
		return E_INTERNAL;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":tag"), lower,
	    -1, SQLITE_STATIC);
	access_bind_viewer(st, viewer);
	page_bind(st, p);
	if (idlist_from_stmt(a, st, out, NULL) != 0)
		return E_INTERNAL;
	page_finish(a, p, out, NULL);
	return E_OK;
}

/* A group's stream; E_NOTFOUND unless the viewer may read the group. */
int
timeline_group(struct db *db, struct arena *a, int64_t viewer, int64_t group,
    const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = {
		"SELECT id FROM posts WHERE group_id = :group AND "
		PAGE_DESC("id"),
		"SELECT id FROM posts WHERE group_id = :group AND "
		PAGE_ASC("id"),
	};
	sqlite3_stmt	*st;

	if (!access_group_readable(db, viewer, group))
		return E_NOTFOUND;
	if ((st = db_prepare(db, sql[p->min_id > 0])) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":group"),
	    group);
	access_bind_viewer(st, viewer);
	page_bind(st, p);
	if (idlist_from_stmt(a, st, out, NULL) != 0)
		return E_INTERNAL;
	page_finish(a, p, out, NULL);
	return E_OK;
}

/*
 * A person's posts as the viewer may see them. AF_NO_REPLIES leaves out
 * replies to others; AF_PINNED asks for pinned posts, of which hearth has
 * none.
 */
int
timeline_account(struct db *db, struct arena *a, int64_t viewer,
    int64_t account, int filter, const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = {
		"SELECT p.id FROM posts p WHERE p.author_id = :account AND "
		"(:no_replies = 0 OR p.in_reply_to_id IS NULL OR "
		"p.in_reply_to_account_id = :account) AND " SQL_POST_VISIBLE("p")
		" AND " PAGE_DESC("p.id"),
		"SELECT p.id FROM posts p WHERE p.author_id = :account AND "
		"(:no_replies = 0 OR p.in_reply_to_id IS NULL OR "
		"p.in_reply_to_account_id = :account) AND " SQL_POST_VISIBLE("p")
		" AND " PAGE_ASC("p.id"),
	};
	sqlite3_stmt	*st;

	if (filter & AF_PINNED)
		return E_OK;
	if ((st = db_prepare(db, sql[p->min_id > 0])) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":account"),
	    account);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":no_replies"),
	    (filter & AF_NO_REPLIES) != 0);
	access_bind_viewer(st, viewer);
	page_bind(st, p);
	if (idlist_from_stmt(a, st, out, NULL) != 0)
		return E_INTERNAL;
	page_finish(a, p, out, NULL);
	return E_OK;
}
