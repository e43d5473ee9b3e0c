/*
 * timeline.c: the streams, as lists of post ids newest first. Home is read
 * from the in-memory feed (feed.c) and built from the database when absent;
 * company, hashtag, group and profile streams are index range scans. Every
 * query applies the visibility rule of access.c, so no stream can hold a
 * post its reader may not see; page_fill (page-fill.c) reads each in
 * batches through the stream's rules until its page is full.
 */
#include <string.h>

#include "domain.h"

/*
 * Home from the database, by merging sources newest first: my posts, each
 * followed person's posts outside groups (not direct ones), each of my
 * groups' posts, posts outside groups that mention me, and each followed
 * hashtag's posts that everyone may read. Each source is an
 * index range read in small batches, and a heap merges them, so building a
 * home of N posts reads about N rows plus a few per source, however many
 * posts the people followed have written. (A SQL UNION of the sources would
 * read and sort every post of every followed person.)
 */
enum source_kind { SRC_SELF, SRC_FOLLOWEE, SRC_GROUP, SRC_MENTIONS,
    SRC_TAG };

static const char *const source_sql[] = {
	[SRC_SELF] = "SELECT id FROM posts WHERE author_id = ?1 AND id < ?2 "
	    "AND id > ?3 ORDER BY id DESC LIMIT ?4",
	[SRC_FOLLOWEE] = "SELECT id FROM posts WHERE author_id = ?1 AND "
	    "id < ?2 AND id > ?3 AND group_id IS NULL AND visibility < "
	    SQL_VIS_DIRECT " "
	    "ORDER BY id DESC LIMIT ?4",
	[SRC_GROUP] = "SELECT id FROM posts WHERE group_id = ?1 AND id < ?2 "
	    "AND id > ?3 ORDER BY id DESC LIMIT ?4",
	[SRC_MENTIONS] = "SELECT m.post_id FROM mentions m JOIN posts p ON "
	    "p.id = m.post_id WHERE m.user_id = ?1 AND m.post_id < ?2 AND "
	    "m.post_id > ?3 AND p.group_id IS NULL ORDER BY m.post_id DESC "
	    "LIMIT ?4",
	/* a followed hashtag's posts everyone may read (tag-follow.c) */
	[SRC_TAG] = "SELECT t.post_id FROM post_tags t JOIN posts p ON p.id = "
	    "t.post_id WHERE t.tag_id = ?1 AND t.post_id < ?2 AND "
	    "t.post_id > ?3 AND ((p.group_id IS NULL AND p.visibility = "
	    SQL_VIS_PUBLIC ") OR EXISTS (SELECT 1 FROM groups g WHERE g.id = "
	    "p.group_id AND g.visibility = " SQL_GROUP_OPEN ")) ORDER BY "
	    "t.post_id DESC LIMIT ?4",
};

#define SOURCE_BATCH 8

struct source {
	enum source_kind kind;
	int64_t		 key;		/* author, group or viewer */
	int64_t		 below;		/* next batch is below this id */
	int64_t		*buf;
	int		 cap, n, pos, batch;
	int		 done;
};

/* Read a source's next batch; 0 if it has nothing more. */
static int
source_fill(struct db *db, struct arena *a, struct source *s, int64_t low)
{
	sqlite3_stmt	*st;

	if (s->done)
		return 0;
	if ((st = db_prepare(db, source_sql[s->kind])) == NULL) {
		s->done = 1;
		return 0;
	}
	if (s->batch > s->cap) {
		s->buf = arena_alloc(a, (size_t)s->batch * sizeof *s->buf);
		s->cap = s->batch;
	}
	sqlite3_bind_int64(st, 1, s->key);
	sqlite3_bind_int64(st, 2, s->below);
	sqlite3_bind_int64(st, 3, low);
	sqlite3_bind_int(st, 4, s->batch);
	s->n = s->pos = 0;
	while (s->n < s->batch && sqlite3_step(st) == SQLITE_ROW)
		s->buf[s->n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (s->n < s->batch)
		s->done = 1;
	if (s->n > 0)
		s->below = s->buf[s->n - 1];
	/* A source still contributing is read in bigger steps. */
	if (s->batch < 256)
		s->batch *= 2;
	return s->n > 0;
}

/* The head id of a source (0 when empty). */
static int64_t
head(const struct source *s)
{
	return s->pos < s->n ? s->buf[s->pos] : 0;
}

/* Restore the max-heap property downwards from i. */
static void
sift(struct source **h, int n, int i)
{
	struct source	*t;
	int		 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && head(h[c + 1]) > head(h[c]))
			c++;
		if (head(h[i]) >= head(h[c]))
			return;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

/* Add every id of one kind of source listed by a query on the viewer. */
static int
sources_add(struct db *db, struct arena *a, const char *sql, int64_t viewer,
    enum source_kind kind, struct source **list, int *n, int *cap)
{
	sqlite3_stmt	*st;
	struct source	*s, *nl;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, viewer);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			nl = arena_alloc(a, (size_t)*cap * sizeof *nl);
			if (*n)
				memcpy(nl, *list, (size_t)*n * sizeof *nl);
			*list = nl;
		}
		s = &(*list)[(*n)++];
		memset(s, 0, sizeof *s);
		s->kind = kind;
		s->key = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return 0;
}

/* Merge the home sources: ids below max (0: none), above low, newest first. */
static int
home_merge(struct db *db, struct arena *a, int64_t viewer, int64_t max,
    int64_t low, int limit, struct idlist *out)
{
	struct source	*src = NULL, **h;
	int		 n = 0, cap = 0, i, hn;
	int64_t		 last = 0, id;

	if (sources_add(db, a, "SELECT ?1", viewer, SRC_SELF, &src, &n,
	    &cap) != 0 ||
	    sources_add(db, a, "SELECT ?1", viewer, SRC_MENTIONS, &src, &n,
	    &cap) != 0 ||
	    sources_add(db, a, "SELECT followee_id FROM follows WHERE "
	    "follower_id = ?1", viewer, SRC_FOLLOWEE, &src, &n, &cap) != 0 ||
	    sources_add(db, a, "SELECT group_id FROM group_members WHERE "
	    "user_id = ?1", viewer, SRC_GROUP, &src, &n, &cap) != 0 ||
	    /* followed hashtags (tag-follow.c) */
	    sources_add(db, a, "SELECT tag_id FROM tag_follows WHERE "
	    "user_id = ?1", viewer, SRC_TAG, &src, &n, &cap) != 0)
		return E_INTERNAL;
	h = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *h);
	for (i = hn = 0; i < n; i++) {
		src[i].below = max > 0 ? max : INT64_MAX;
		src[i].batch = src[i].kind == SRC_FOLLOWEE ? SOURCE_BATCH :
		    SOURCE_BATCH * 4;
		if (source_fill(db, a, &src[i], low))
			h[hn++] = &src[i];
	}
	for (i = hn / 2 - 1; i >= 0; i--)
		sift(h, hn, i);
	while (hn > 0 && (int)out->n < limit) {
		id = head(h[0]);
		if (id != last)		/* a post may come from two sources */
			idlist_add(a, out, id);
		last = id;
		if (++h[0]->pos == h[0]->n && !source_fill(db, a, h[0], low))
			h[0] = h[--hn];
		sift(h, hn, 0);
	}
	return E_OK;
}

/* Home for a min_id page (oldest first above it), from the sources' union;
 * rare, as apps ask for it only to catch up. */
#define HOME_ARMS(range) \
	"SELECT p.id AS id FROM posts p WHERE p.author_id = :viewer AND " \
	range \
	" UNION SELECT p.id FROM follows f JOIN posts p ON p.author_id = " \
	"f.followee_id WHERE f.follower_id = :viewer AND p.group_id IS NULL " \
	"AND p.visibility < " SQL_VIS_DIRECT " AND " range \
	" UNION SELECT p.id FROM group_members m JOIN posts p ON " \
	"p.group_id = m.group_id WHERE m.user_id = :viewer AND " range \
	" UNION SELECT p.id FROM mentions m JOIN posts p ON p.id = m.post_id " \
	"WHERE m.user_id = :viewer AND p.group_id IS NULL AND " range \
	/* followed hashtags (tag-follow.c) */ \
	" UNION SELECT p.id FROM tag_follows tf JOIN post_tags pt ON " \
	"pt.tag_id = tf.tag_id JOIN posts p ON p.id = pt.post_id WHERE " \
	"tf.user_id = :viewer AND ((p.group_id IS NULL AND p.visibility = " \
	SQL_VIS_PUBLIC ") OR EXISTS (SELECT 1 FROM groups g WHERE g.id = " \
	"p.group_id AND g.visibility = " SQL_GROUP_OPEN ")) AND " range

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
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return page_select(db, a, sql, p, args, nitems(args), out, NULL);
}

/*
 * Build a person's feed (newest FEED_CAP ids): from the row saved at the
 * last shutdown (feed-save.c) with the posts written since merged in, a
 * few index seeks instead of a merge of FEED_CAP rows; else from every
 * source. feed_fill sorts and trims what this returns.
 */
static int
home_build(struct db *db, struct arena *a, int64_t viewer,
    struct idlist *ids, int *complete, int64_t *seen)
{
	struct idlist	 fresh = { NULL, 0, 0 };
	int64_t		 through, now;
	size_t		 i;

	/* What this snapshot has seen, for feed_fill_seen. */
	if ((now = *seen = feed_posts_through(db)) < 0)
		return E_INTERNAL;
	if (feed_saved_get(db, a, viewer, ids, complete, &through) &&
	    now >= through) {
		if (now == through)
			return E_OK;
		/* Posts written since the save: at most FEED_CAP, and if
		 * there were that many, they are the whole feed. */
		if (home_merge(db, a, viewer, 0, through, FEED_CAP, &fresh) !=
		    E_OK)
			return E_INTERNAL;
		if (fresh.n == FEED_CAP) {
			*ids = fresh;
			*complete = 0;
			return E_OK;
		}
		for (i = 0; i < fresh.n; i++)
			idlist_add(a, ids, fresh.ids[i]);
		return E_OK;
	}
	ids->n = 0;
	if (home_merge(db, a, viewer, 0, 0, FEED_CAP, ids) != E_OK)
		return E_INTERNAL;
	*complete = ids->n < FEED_CAP;
	return E_OK;
}

/* The home timeline's ids as they stand (a page of them may hold posts
 * since deleted or hidden: page_fill leaves those out). */
static int
home_ids(void *arg, const struct page *p, struct idlist *out)
{
	struct page_sql	*s = arg;
	struct idlist	 ids = { NULL, 0, 0 };
	int64_t		 viewer = s->args[0].num;
	int		 complete;
	int64_t		 seen;

	if (feed_read(viewer, p, s->a, out))
		return E_OK;
	if (feed_begin(viewer)) {
		if (home_build(s->db, s->a, viewer, &ids, &complete, &seen) !=
		    E_OK) {
			feed_forget(viewer);
			return E_INTERNAL;
		}
		feed_fill_seen(viewer, &ids, complete, seen);
		if (feed_read(viewer, p, s->a, out))
			return E_OK;
	}
	/* Deeper than the feed keeps, or being built by another thread. */
	out->n = 0;
	if (p->min_id > 0)
		return run(s->db, s->a, home_sql, viewer, p, out);
	return home_merge(s->db, s->a, viewer, p->max_id, p->since_id,
	    p->limit, out);
}

/* Fill a page of a PAGE_SQL stream under the rules preds. */
static int
fill_sql(struct db *db, struct arena *a, int64_t viewer,
    const char *const sql[2], const struct sqlarg *args, size_t nargs,
    const page_pred *preds, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	struct page_sql	 s = { db, a, sql, args, nargs };

	return page_fill(db, a, viewer, p, page_source_sql, &s, preds, out,
	    cursors);
}

/* The home timeline. */
int
timeline_home(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out, struct idlist *cursors)
{
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };
	struct page_sql		 s = { db, a, NULL, args, nitems(args) };

	return page_fill(db, a, viewer, p, home_ids, &s, page_preds_stream,
	    out, cursors);
}

/* The company stream: public posts outside groups. */
int
timeline_company(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT id FROM posts "
	    "WHERE visibility = " SQL_VIS_PUBLIC " AND group_id IS NULL AND ",
	    "id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return fill_sql(db, a, viewer, sql, args, nitems(args),
	    page_preds_stream, p, out, cursors);
}

/*
 * A hashtag's stream: public posts outside groups, and posts in groups the
 * viewer may read. The tag is matched folded (fold.c): "zespol" finds the
 * posts tagged "zespół" too; a post carrying two spellings shows once
 * (under the first tag of its that matches).
 */
int
timeline_tag(struct db *db, struct arena *a, int64_t viewer, const char *tag,
    const struct page *p, struct idlist *out, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT t.post_id FROM "
	    "post_tags t JOIN posts p ON p.id = t.post_id WHERE t.tag_id IN "
	    "(SELECT id FROM tags WHERE folded = :tag) AND t.tag_id = (SELECT "
	    "min(t2.tag_id) FROM post_tags t2 JOIN tags g2 ON g2.id = "
	    "t2.tag_id WHERE t2.post_id = t.post_id AND g2.folded = :tag) AND "
	    "((p.group_id IS NULL "
	    "AND p.visibility = " SQL_VIS_PUBLIC ") OR (p.group_id IS NOT NULL "
	    "AND " SQL_POST_VISIBLE("p") ")) AND ", "t.post_id");
	const struct sqlarg	 args[] = {
	    SQLARG_TEXT(":tag", fold_text(a, tag)),
	    SQLARG_INT(":viewer", viewer) };

	return fill_sql(db, a, viewer, sql, args, nitems(args),
	    page_preds_stream, p, out, cursors);
}

/* A group's stream; E_NOTFOUND unless the viewer may read the group. */
int
timeline_group(struct db *db, struct arena *a, int64_t viewer, int64_t group,
    const struct page *p, struct idlist *out, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT id FROM posts "
	    "WHERE group_id = :group AND ", "id");
	const struct sqlarg	 args[] = { SQLARG_INT(":group", group) };

	if (!access_group_readable(db, viewer, group))
		return E_NOTFOUND;
	return fill_sql(db, a, viewer, sql, args, nitems(args),
	    page_preds_stream, p, out, cursors);
}

/*
 * The Outside page's stream: posts by the people outside the company the
 * viewer follows (the bridge brings them in), newest first.
 */
int
timeline_outside(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT p.id FROM posts p "
	    "WHERE p.author_id IN (SELECT f.followee_id FROM follows f JOIN "
	    "users u ON u.id = f.followee_id WHERE f.follower_id = :viewer AND "
	    "u.origin IS NOT NULL AND u.disabled = 0) AND " SQL_POST_VISIBLE("p")
	    " AND ", "p.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return fill_sql(db, a, viewer, sql, args, nitems(args),
	    page_preds_stream, p, out, cursors);
}

/*
 * A person's posts as the viewer may see them, their boosts among them
 * (as on Mastodon). AF_NO_REPLIES leaves out replies to others;
 * AF_NO_REBLOGS their boosts; AF_PINNED asks for the posts pinned to
 * their profile (status-pin.c), all on the first page. A block either
 * way leaves the page empty of them.
 */
int
timeline_account(struct db *db, struct arena *a, int64_t viewer,
    int64_t account, int filter, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT p.id FROM posts p "
	    "WHERE p.author_id = :account AND (:no_replies = 0 OR "
	    "p.in_reply_to_id IS NULL OR p.in_reply_to_account_id = :account) "
	    "AND (:no_reblogs = 0 OR p.reblog_of_id IS NULL) "
	    "AND " SQL_POST_VISIBLE("p") " AND ", "p.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":account", account),
	    SQLARG_INT(":no_replies", (filter & AF_NO_REPLIES) != 0),
	    SQLARG_INT(":no_reblogs", (filter & AF_NO_REBLOGS) != 0),
	    SQLARG_INT(":viewer", viewer) };

	if (filter & AF_PINNED) {
		if (p->max_id > 0 || p->since_id > 0 || p->min_id > 0)
			return E_OK;
		return status_pins(db, a, viewer, account, out) != 0 ?
		    E_INTERNAL : E_OK;
	}
	return fill_sql(db, a, viewer, sql, args, nitems(args),
	    page_preds_profile, p, out, cursors);
}
