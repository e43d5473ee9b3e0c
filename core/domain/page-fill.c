/*
 * page-fill.c: full pages. A stream's source (the home feed, an index range
 * scan) lists ids that may no longer be shown: deleted posts, posts whose
 * visibility changed, posts by people the reader muted or blocked. Dropping
 * those after the page was cut left pages short, even empty with a Link to
 * more, which apps read as the timeline's end. Here the source is read in
 * batches and each batch goes through a list of predicates until the page
 * holds `limit` posts or the source is at its true end.
 *
 * A predicate sees a whole batch, so it costs one query a batch, not one a
 * post. Adding a rule (a filter's "hide", say) is one more function in a
 * predicate list below.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* The first batch is the page's size (with no holes, one read as before);
 * later ones double up to this, and no page reads more than PAGE_SCAN_MAX
 * ids: past that it is answered short, with cursors past the last id read. */
#define PAGE_BATCH_MAX	400
#define PAGE_SCAN_MAX	4000

/* A batch as JSON ("[1,2,3]") for json_each(:ids). */
static const char *
batch_json(struct page_batch *b)
{
	char	*w;
	size_t	 i;

	if (b->ids_json != NULL)
		return b->ids_json;
	w = arena_alloc(b->a, b->n * 21 + 3);
	b->ids_json = w;
	*w++ = '[';
	for (i = 0; i < b->n; i++)
		w += sprintf(w, "%s%lld", i ? "," : "", (long long)b->ids[i]);
	*w++ = ']';
	*w = '\0';
	return b->ids_json;
}

/* Drop the ids a query over json_each(:ids) lists (with :viewer, :now). */
static int
drop_listed(struct page_batch *b, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	size_t		 i;
	int		 k;

	if ((st = db_prepare(b->db, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":ids"),
	    batch_json(b), -1, SQLITE_STATIC);
	if ((k = sqlite3_bind_parameter_index(st, ":viewer")) > 0)
		sqlite3_bind_int64(st, k, b->viewer);
	if ((k = sqlite3_bind_parameter_index(st, ":now")) > 0)
		sqlite3_bind_int64(st, k, (int64_t)time(NULL));
	while (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (i = 0; i < b->n; i++) {
			if (b->ids[i] == id)
				b->keep[i] = 0;
		}
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * Keep what the reader may see, once each: post_peek applies access.c's
 * rule and leaves out deleted posts, and remembers its rows, so the Statuses
 * written next read them from memory.
 */
int
page_pred_visible(struct page_batch *b)
{
	struct idlist	 l = { (int64_t *)b->ids, b->n, b->n };
	struct peek	*rows;
	size_t		 i, j, nrows;

	if (post_peek(b->db, b->a, b->viewer, &l, &rows, &nrows) != 0)
		return -1;
	/* Rows come in the ids' order, each id once. */
	for (i = j = 0; i < b->n; i++) {
		if (j < nrows && rows[j].id == b->ids[i] && b->keep[i])
			j++;
		else
			b->keep[i] = 0;
	}
	return 0;
}

/* Whether the reader muted or blocked anyone, or is blocked by anyone. */
static int
has_silenced(struct page_batch *b)
{
	sqlite3_stmt	*st;
	int		 any = 1;
	int64_t		 memo, version = epoch_person(b->viewer);

	if (b->silenced >= 0)
		return b->silenced;
	/* Asked on every timeline page, and true for few: remembered under
	 * the person's epoch, which a mute or block of theirs (and a block
	 * of them) moves (mute.c, block.c). */
	if (epoch_memo_get(MEMO_SILENCED, b->viewer, version, &memo))
		return b->silenced = (int)memo;
	if ((st = db_prepare(b->db, "SELECT EXISTS (SELECT 1 FROM mutes "
	    "WHERE user_id = ?1) OR EXISTS (SELECT 1 FROM blocks WHERE "
	    "user_id = ?1) OR EXISTS (SELECT 1 FROM blocks WHERE target_id = "
	    "?1)")) == NULL)
		return 1;
	sqlite3_bind_int64(st, 1, b->viewer);
	if (sqlite3_step(st) == SQLITE_ROW)
		any = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (db_read_current(b->db))
		epoch_memo_put(MEMO_SILENCED, b->viewer, version, any);
	return b->silenced = any;
}

/*
 * Leave out posts of people the reader muted or blocked or is blocked by,
 * boosts of their posts and replies to them (Mastodon's home rules,
 * FeedManager#filter_from_home); the reader's own posts always stay.
 */
int
page_pred_unmuted(struct page_batch *b)
{
	if (!has_silenced(b))
		return 0;
	return drop_listed(b, "WITH s(uid) AS (SELECT target_id FROM mutes "
	    "WHERE user_id = :viewer AND (expires_at IS NULL OR expires_at > "
	    ":now) UNION SELECT target_id FROM blocks WHERE user_id = :viewer "
	    "UNION SELECT user_id FROM blocks WHERE target_id = :viewer) "
	    "SELECT p.id FROM json_each(:ids) j JOIN posts p ON p.id = j.value "
	    "WHERE p.author_id <> :viewer AND (p.author_id IN s OR "
	    "p.in_reply_to_account_id IN s OR EXISTS (SELECT 1 FROM posts o "
	    "WHERE o.id = p.reblog_of_id AND o.author_id IN s))");
}

/*
 * Leave out posts of people the reader blocked or is blocked by (a
 * profile's posts, where a mute does not apply, as on Mastodon).
 */
int
page_pred_unblocked(struct page_batch *b)
{
	if (!has_silenced(b))
		return 0;
	return drop_listed(b, "WITH s(uid) AS (SELECT target_id FROM blocks "
	    "WHERE user_id = :viewer UNION SELECT user_id FROM blocks WHERE "
	    "target_id = :viewer) SELECT p.id FROM json_each(:ids) j JOIN "
	    "posts p ON p.id = j.value WHERE p.author_id <> :viewer AND "
	    "(p.author_id IN s OR EXISTS (SELECT 1 FROM posts o WHERE o.id = "
	    "p.reblog_of_id AND o.author_id IN s))");
}

/* The rules of the streams one reads: home, company, tags, groups, lists. */
const page_pred page_preds_stream[] = {
	page_pred_visible,
	page_pred_unmuted,
	NULL
};

/* The mute and block rules alone, for one post already known readable. */
const page_pred page_preds_muted[] = {
	page_pred_unmuted,
	NULL
};

/* The rules of a person's own posts, as their profile shows them. */
const page_pred page_preds_profile[] = {
	page_pred_visible,
	page_pred_unblocked,
	NULL
};

/*
 * Fill one page from a source: ids newest first into out, each passing every
 * predicate of preds. cursors (if not NULL) gets the ids the Link header
 * should name: the page's own, or, when the scan stopped at PAGE_SCAN_MAX
 * short of the page, ones reaching past the last id read, so the next page
 * starts after it rather than at the same place.
 */
int
page_fill(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, page_source src, void *arg, const page_pred *preds,
    struct idlist *out, struct idlist *cursors)
{
	struct page_batch	 b;
	struct idlist		 got, asc = { NULL, 0, 0 };
	struct page		 q = *p;
	int64_t			 newest = 0, oldest = 0;
	size_t			 scanned = 0, i;
	int			 rc, end = 0, up = p->min_id > 0, k;

	memset(&b, 0, sizeof b);
	b.db = db;
	b.a = a;
	b.viewer = viewer;
	b.silenced = -1;
	out->n = 0;
	if (cursors != NULL)
		cursors->n = 0;
	q.limit = p->limit;
	while ((int)(up ? asc.n : out->n) < p->limit && !end &&
	    scanned < PAGE_SCAN_MAX) {
		memset(&got, 0, sizeof got);
		if ((rc = src(arg, &q, &got)) != E_OK)
			return rc;
		if ((int)got.n < q.limit)
			end = 1;
		if (got.n == 0)
			break;
		scanned += got.n;
		b.ids = got.ids;
		b.n = got.n;
		b.ids_json = NULL;
		b.keep = arena_alloc(a, got.n);
		memset(b.keep, 1, got.n);
		for (k = 0; preds[k] != NULL; k++) {
			if (preds[k](&b) != 0)
				return E_INTERNAL;
		}
		/* got is newest first; a min_id page fills from its oldest. */
		for (i = 0; i < got.n; i++) {
			size_t	j = up ? got.n - 1 - i : i;

			if (up ? (int)asc.n >= p->limit : (int)out->n >= p->limit)
				break;
			if (b.keep[j])
				idlist_add(a, up ? &asc : out, got.ids[j]);
		}
		if (newest == 0 || got.ids[0] > newest)
			newest = got.ids[0];
		if (oldest == 0 || got.ids[got.n - 1] < oldest)
			oldest = got.ids[got.n - 1];
		if (up)
			q.min_id = got.ids[0];
		else
			q.max_id = got.ids[got.n - 1];
		if (q.limit < PAGE_BATCH_MAX)
			q.limit = q.limit * 2 > PAGE_BATCH_MAX ? PAGE_BATCH_MAX :
			    q.limit * 2;
	}
	if (up) {
		for (i = asc.n; i > 0; i--)
			idlist_add(a, out, asc.ids[i - 1]);
	}
	if (cursors == NULL)
		return E_OK;
	/* Short of the page and not at the end: name where the scan got to. */
	if ((int)out->n < p->limit && !end && scanned > 0) {
		if (up || out->n == 0)
			idlist_add(a, cursors, newest);
		for (i = 0; i < out->n; i++)
			idlist_add(a, cursors, out->ids[i]);
		if (!up || out->n == 0)
			idlist_add(a, cursors, oldest);
		return E_OK;
	}
	for (i = 0; i < out->n; i++)
		idlist_add(a, cursors, out->ids[i]);
	return E_OK;
}

/* A source reading a paged query (PAGE_SQL) with its arguments. */
int
page_source_sql(void *arg, const struct page *p, struct idlist *out)
{
	const struct page_sql	*s = arg;

	return page_select(s->db, s->a, s->sql, p, s->args, s->nargs, out,
	    NULL);
}

/*
 * Whether one post passes a rule list for a reader (a stream's delivery
 * asks the same question a page answers, so a muted author is left out of
 * both alike).
 */
int
page_keeps(struct db *db, struct arena *a, int64_t viewer, int64_t id,
    const page_pred *preds)
{
	struct page_batch	 b;
	char			 keep = 1;
	int			 k;

	memset(&b, 0, sizeof b);
	b.db = db;
	b.a = a;
	b.viewer = viewer;
	b.silenced = -1;
	b.ids = &id;
	b.n = 1;
	b.keep = &keep;
	for (k = 0; preds[k] != NULL && keep; k++) {
		if (preds[k](&b) != 0)
			return 0;
	}
	return keep;
}
