/*
 * feed-save.c: home feeds that survive a restart. Building a person's home
 * feed merges an index scan per person and group they follow: 4-5 ms of
 * CPU, and after a restart every person's first page pays it at once (a
 * minute of one-second pages for a company of 10,000). So at a clean
 * shutdown the feeds in memory are written to saved_feeds (schema 0027),
 * and a person's first read after the restart loads their row instead.
 *
 * A row is a hint, never the truth. It is used only while the person's
 * reach (whom they follow, their groups, their hashtags: the sources of
 * home, timeline.c) hashes as it did when it was saved, and the posts
 * written since (ids above through_id, the posts' AUTOINCREMENT counter at
 * the save: ids are never reused) are merged in from the database by the
 * caller. So posts written while hearthd was down (another process, a
 * restore), or after the save and before a crash, are not missed, and a
 * follow while down makes the row useless rather than wrong. Readers
 * filter every id through the visibility rule as before.
 *
 * Ids are stored newest first as varint deltas: ~1.5 KB for a full feed
 * of FEED_CAP ids where raw ones would take 6.4 KB.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define VARINT_MAX	10

/* Mix one value into a reach hash (splitmix64's finalizer). */
static uint64_t
reach_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

/* The sources of a person's home, as timeline.c's home_merge reads them. */
static const char *const reach_sql[] = {
	"SELECT followee_id FROM follows WHERE follower_id = ?1 "
	    "ORDER BY followee_id",
	"SELECT group_id FROM group_members WHERE user_id = ?1 "
	    "ORDER BY group_id",
	"SELECT tag_id FROM tag_follows WHERE user_id = ?1 ORDER BY tag_id",
};

/* A hash of whom a person follows, their groups and hashtags; 0 on error. */
static int
feed_reach(struct db *db, int64_t user, int64_t *out)
{
	sqlite3_stmt	*st;
	uint64_t	 h = reach_mix(0, (uint64_t)user);
	size_t		 i;
	int		 rc;

	for (i = 0; i < nitems(reach_sql); i++) {
		if ((st = db_prepare(db, reach_sql[i])) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, user);
		h = reach_mix(h, 0xfeed0000ULL + i);	/* where a kind ends */
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			h = reach_mix(h, (uint64_t)sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	*out = (int64_t)h;
	return 0;
}

/* The posts' AUTOINCREMENT counter: every post ever written is at or
 * below it (0 before the first). */
int64_t
feed_posts_through(struct db *db)
{
	sqlite3_stmt	*st;
	int64_t		 seq = 0;

	if ((st = db_prepare(db, "SELECT seq FROM sqlite_sequence WHERE "
	    "name = 'posts'")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return seq;
}

/* Append v as a varint; returns the bytes written. */
static size_t
varint_put(uint8_t *p, uint64_t v)
{
	size_t	n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Read a varint at *pos of len bytes; -1 if it runs off the end. */
static int
varint_get(const uint8_t *p, size_t len, size_t *pos, uint64_t *v)
{
	unsigned	shift = 0;

	*v = 0;
	while (*pos < len && shift < 64) {
		*v |= (uint64_t)(p[*pos] & 0x7f) << shift;
		if (!(p[(*pos)++] & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

struct save {
	struct db	*db;
	int64_t		 through;
	int64_t		 now;
	uint8_t		*buf;
	size_t		 cap;
	size_t		 saved, failed;
};

/* Write one feed's row (feed_each's callback). */
static void
save_one(int64_t user, const int64_t *ids, int n, int complete, void *arg)
{
	struct save	*s = arg;
	sqlite3_stmt	*st;
	int64_t		 reach;
	size_t		 len = 0;
	int		 i;

	if (feed_reach(s->db, user, &reach) != 0) {
		s->failed++;
		return;
	}
	if (s->cap < (size_t)n * VARINT_MAX + 1) {
		s->cap = (size_t)n * VARINT_MAX + 1;
		s->buf = xrealloc(s->buf, s->cap);
	}
	for (i = 0; i < n; i++)
		len += varint_put(s->buf + len, (uint64_t)(i == 0 ? ids[0] :
		    ids[i - 1] - ids[i]));
	if ((st = db_prepare(s->db, "INSERT OR REPLACE INTO saved_feeds "
	    "(user_id, through_id, reach, complete, saved_at, ids) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6)")) == NULL) {
		s->failed++;
		return;
	}
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, s->through);
	sqlite3_bind_int64(st, 3, reach);
	sqlite3_bind_int(st, 4, complete);
	sqlite3_bind_int64(st, 5, s->now);
	sqlite3_bind_blob(st, 6, s->buf, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		s->saved++;
	else
		s->failed++;
	sqlite3_reset(st);
}

/*
 * Write every whole feed in memory to saved_feeds, in one transaction, at
 * shutdown: the writer has stopped, so every committed post is in the
 * feeds it reached. 0, or -1 with the transaction rolled back.
 */
int
feed_save_all(struct db *db)
{
	struct save	 s;
	int		 rc = -1;

	memset(&s, 0, sizeof s);
	s.db = db;
	s.now = (int64_t)time(NULL);
	if (db_begin(db) != 0)
		return -1;
	if ((s.through = feed_posts_through(db)) < 0)
		goto out;
	feed_each(save_one, &s);
	if (s.failed > 0)
		goto out;
	if (db_commit(db) != 0)
		goto out;
	log_info("feeds: saved %zu home feeds for the next start", s.saved);
	rc = 0;
out:
	if (rc != 0) {
		db_rollback(db);
		log_warn("feeds: could not save the home feeds (%zu failed): "
		    "the next start builds them again", s.failed);
	}
	free(s.buf);
	return rc;
}

/*
 * A person's saved feed, if their reach is still what it was built for:
 * 1 with its ids (newest first) in out, whether it held the whole
 * timeline, and the posts' counter it holds everything up to; 0 if there
 * is none to trust (build the feed instead).
 */
int
feed_saved_get(struct db *db, struct arena *a, int64_t user,
    struct idlist *out, int *complete, int64_t *through)
{
	sqlite3_stmt	*st;
	const uint8_t	*p;
	size_t		 len, pos = 0;
	uint64_t	 v;
	int64_t		 reach, have, id = 0;
	int		 found = 0;

	if ((st = db_prepare(db, "SELECT through_id, reach, complete, ids "
	    "FROM saved_feeds WHERE user_id = ?1")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, user);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*through = sqlite3_column_int64(st, 0);
	reach = sqlite3_column_int64(st, 1);
	*complete = sqlite3_column_int(st, 2);
	p = sqlite3_column_blob(st, 3);
	len = (size_t)sqlite3_column_bytes(st, 3);
	if (feed_reach(db, user, &have) != 0 || have != reach)
		goto out;
	out->n = 0;
	while (pos < len && out->n < FEED_CAP) {
		if (varint_get(p, len, &pos, &v) != 0)
			goto out;
		id = out->n == 0 ? (int64_t)v : id - (int64_t)v;
		if (id <= 0)
			goto out;
		idlist_add(a, out, id);
	}
	if (pos < len)			/* more than FEED_CAP: the rest is cut */
		*complete = 0;
	found = 1;
out:
	sqlite3_reset(st);
	if (!found)
		out->n = 0;
	return found;
}
