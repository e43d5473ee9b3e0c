/*
 * feed.c: home feeds in memory, Mastodon's way. A person's feed is the ids of
 * the newest FEED_CAP posts of their home timeline, built from the database
 * on first read (timeline.c) and kept current by the writer pushing each new
 * post into the feeds of the people it reaches. Feeds are dropped (and
 * rebuilt on the next read) when what they should hold changes: a follow, an
 * unfollow, joining or leaving a group. Memory is bounded: the least recently
 * read feeds are evicted.
 *
 * A feed being built is marked so: pushes that arrive while its database
 * query runs are kept aside and merged in, so no post slips between the
 * query and the fill. Readers still filter every id through the visibility
 * rule, so a stale id can only ever be left out, never shown wrongly.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

#define FEED_SHARDS	4096	/* short chains even for 100,000 feeds */
#define FEED_PENDING	64

struct feed {
	int64_t		 user;
	int64_t		*ids;		/* newest first */
	int		 n;
	int		 complete;	/* holds the whole timeline */
	int		 building;
	int64_t		 pending[FEED_PENDING];
	int		 npending;
	int		 overflow;	/* pending ran over: rebuild */
	int64_t		 begun_after;	/* last post pushed at feed_begin */
	uint64_t	 used;		/* last read, for eviction */
	struct feed	*next;
};

struct shard {
	pthread_mutex_t	 lock;
	struct feed	*head;
	size_t		 n;
	uint64_t	 hits, misses, evictions;	/* for the metrics */
};

static struct shard	 shards[FEED_SHARDS];
static size_t		 per_shard;
static int		 feed_ready;
static uint64_t		 feed_clock;
static int64_t		 feed_last_post;	/* the newest post pushed */

/* A new post is committed: into the feeds of those it was for. */
static void
feed_on_post(struct db *db, const struct event *ev)
{
	(void)db;
	/* Before the push: a feed begun from now on may have missed it. */
	if (ev->id > __atomic_load_n(&feed_last_post, __ATOMIC_ACQUIRE))
		__atomic_store_n(&feed_last_post, ev->id, __ATOMIC_RELEASE);
	feed_push(ev->to, ev->id);
}

/* The most memory one person's feed takes (FEED_CAP ids), for budgets. */
size_t
feed_size_max(void)
{
	return sizeof(struct feed) + FEED_CAP * sizeof(int64_t);
}

/* Set up the cache for at most max_users feeds. */
void
feed_init(size_t max_users)
{
	size_t	i;

	for (i = 0; i < FEED_SHARDS; i++) {
		pthread_mutex_init(&shards[i].lock, NULL);
		shards[i].head = NULL;
		shards[i].n = 0;
	}
	feed_last_post = 0;
	/* at least one a shard: 4,096 feeds (~26 MiB), cache_memory's
	 * least share (config.c) */
	per_shard = max_users / FEED_SHARDS;
	if (per_shard < 1)
		per_shard = 1;
	feed_ready = 1;
	events_subscribe(EV_POST_CREATED, feed_on_post);
	events_subscribe(EV_POST_BOOSTED, feed_on_post);	/* a boost too */
}

/* Free one feed. */
static void
feed_drop(struct feed *f)
{
	free(f->ids);
	free(f);
}

/* Free every feed. */
void
feed_free(void)
{
	struct feed	*f, *next;
	size_t		 i;

	if (!feed_ready)
		return;
	for (i = 0; i < FEED_SHARDS; i++) {
		for (f = shards[i].head; f != NULL; f = next) {
			next = f->next;
			feed_drop(f);
		}
		shards[i].head = NULL;
		pthread_mutex_destroy(&shards[i].lock);
	}
	feed_ready = 0;
}

/* The shard of a user. */
static struct shard *
shard_of(int64_t user)
{
	return &shards[(uint64_t)user % FEED_SHARDS];
}

/* Find a user's feed; shard locked. */
static struct feed *
find(struct shard *s, int64_t user)
{
	struct feed	*f;

	for (f = s->head; f != NULL; f = f->next) {
		if (f->user == user)
			return f;
	}
	return NULL;
}

/* Unlink and free a user's feed; shard locked. */
static void
unlink_feed(struct shard *s, int64_t user)
{
	struct feed	**pp, *f;

	for (pp = &s->head; (f = *pp) != NULL; pp = &f->next) {
		if (f->user == user) {
			*pp = f->next;
			feed_drop(f);
			s->n--;
			return;
		}
	}
}

/* Evict the least recently used feed that is not being built; locked. */
static void
evict(struct shard *s)
{
	struct feed	*f, *old = NULL;

	for (f = s->head; f != NULL; f = f->next) {
		if (!f->building && (old == NULL || f->used < old->used))
			old = f;
	}
	if (old != NULL) {
		unlink_feed(s, old->user);
		s->evictions++;
	}
}

/*
 * Read a page from a cached feed: 1 with the ids (newest first), or 0 if
 * the feed is not cached or the page reaches past what it holds.
 */
int
feed_read(int64_t user, const struct page *p, struct arena *a,
    struct idlist *out)
{
	struct shard	*s;
	struct feed	*f;
	int		 i, hit = 0, first, last, step;
	int64_t		 max = p->max_id > 0 ? p->max_id : INT64_MAX;
	int64_t		 low = p->min_id > 0 ? p->min_id : p->since_id;

	if (!feed_ready)
		return 0;
	s = shard_of(user);
	pthread_mutex_lock(&s->lock);
	f = find(s, user);
	if (f == NULL || f->building || f->overflow)
		goto out;
	/* Past the oldest id held, only the database knows. */
	if (!f->complete && f->n > 0 && max <= f->ids[f->n - 1] + 1 &&
	    max != INT64_MAX)
		goto out;
	if (!f->complete && f->n == 0)
		goto out;
	/* Below the oldest id held, only the database knows what is there. */
	if (!f->complete && p->min_id > 0 && p->min_id < f->ids[f->n - 1])
		goto out;
	/* Newest first, or with min_id the ones just above it. */
	if (p->min_id > 0) {
		first = f->n - 1;
		last = -1;
		step = -1;
	} else {
		first = 0;
		last = f->n;
		step = 1;
	}
	for (i = first; i != last && (int)out->n < p->limit; i += step) {
		if (f->ids[i] >= max || f->ids[i] <= low)
			continue;
		idlist_add(a, out, f->ids[i]);
	}
	/* A page that ran off the end of an incomplete feed is a miss,
	 * unless its lower bound lies within the feed (then it is whole). */
	if (!f->complete && (int)out->n < p->limit && p->min_id == 0 &&
	    !(low > 0 && f->n > 0 && low >= f->ids[f->n - 1])) {
		out->n = 0;
		goto out;
	}
	f->used = __atomic_add_fetch(&feed_clock, 1, __ATOMIC_RELAXED);
	hit = 1;
out:
	if (hit)
		s->hits++;
	else
		s->misses++;
	pthread_mutex_unlock(&s->lock);
	if (hit)
		page_finish(a, p, out, NULL);
	return hit;
}

/*
 * Start building a user's feed. 1 if this caller should build it (then
 * call feed_fill), 0 if it is already cached or being built.
 */
int
feed_begin(int64_t user)
{
	struct shard	*s;
	struct feed	*f;
	int		 mine = 0;

	if (!feed_ready)
		return 0;
	s = shard_of(user);
	pthread_mutex_lock(&s->lock);
	if ((f = find(s, user)) != NULL && f->overflow)
		unlink_feed(s, user);
	if (find(s, user) == NULL) {
		if (s->n >= per_shard)
			evict(s);
		f = xcalloc(1, sizeof *f);
		f->user = user;
		f->building = 1;
		f->begun_after = __atomic_load_n(&feed_last_post,
		    __ATOMIC_ACQUIRE);
		f->next = s->head;
		s->head = f;
		s->n++;
		mine = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return mine;
}

/* Compare ids, newest first. */
static int
cmp_desc(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * Finish building: ids newest first from the database, complete if that
 * was everything. Pushes that came in meanwhile are merged.
 */
void
feed_fill(int64_t user, const struct idlist *ids, int complete)
{
	feed_fill_seen(user, ids, complete, INT64_MAX);
}

/*
 * feed_fill for a build read from a snapshot that saw the posts up to
 * seen (feed_posts_through). A post committed after that snapshot began
 * and pushed before feed_begin reached neither the query nor the feed:
 * if one was pushed (the newest pushed id at feed_begin is above seen),
 * the feed is filled but marked to be built again on its next read, from
 * a newer snapshot, so no post slips between a request's snapshot and its
 * build (nor into a saved feed, feed-save.c).
 */
void
feed_fill_seen(int64_t user, const struct idlist *ids, int complete,
    int64_t seen)
{
	struct shard	*s;
	struct feed	*f;
	int		 n, i, j;

	if (!feed_ready)
		return;
	s = shard_of(user);
	pthread_mutex_lock(&s->lock);
	if ((f = find(s, user)) == NULL || !f->building)
		goto out;
	n = (int)ids->n + f->npending;
	f->ids = xcalloc(n > 0 ? n : 1, sizeof *f->ids);
	/* memcpy from NULL is undefined even for 0 bytes (UBSan). */
	if (ids->n > 0)
		memcpy(f->ids, ids->ids, ids->n * sizeof *f->ids);
	if (f->npending > 0)
		memcpy(f->ids + ids->n, f->pending,
		    f->npending * sizeof *f->ids);
	qsort(f->ids, n, sizeof *f->ids, cmp_desc);
	for (i = j = 0; i < n; i++) {
		if (j == 0 || f->ids[j - 1] != f->ids[i])
			f->ids[j++] = f->ids[i];
	}
	f->n = j > FEED_CAP ? FEED_CAP : j;
	f->complete = complete && j <= FEED_CAP;
	f->building = 0;
	if (f->begun_after > seen)
		f->overflow = 1;
	f->npending = 0;
	f->used = __atomic_add_fetch(&feed_clock, 1, __ATOMIC_RELAXED);
out:
	pthread_mutex_unlock(&s->lock);
}

/* Whether a person's feed is in memory (or being built). */
int
feed_cached(int64_t user)
{
	struct shard	*s;
	int		 found;

	if (!feed_ready)
		return 0;
	s = shard_of(user);
	pthread_mutex_lock(&s->lock);
	found = find(s, user) != NULL;
	pthread_mutex_unlock(&s->lock);
	return found;
}

/*
 * Call fn with every whole feed (built, not overrun) under its shard's
 * lock: fn must not call back into feed.c. For feed_save_all at shutdown.
 */
void
feed_each(feed_each_fn fn, void *arg)
{
	struct feed	*f;
	size_t		 i;

	if (!feed_ready)
		return;
	for (i = 0; i < FEED_SHARDS; i++) {
		pthread_mutex_lock(&shards[i].lock);
		for (f = shards[i].head; f != NULL; f = f->next) {
			if (!f->building && !f->overflow)
				fn(f->user, f->ids, f->n, f->complete, arg);
		}
		pthread_mutex_unlock(&shards[i].lock);
	}
}

/* Put a new post at the top of one feed; shard locked. */
static void
push_one(struct feed *f, int64_t id)
{
	if (f->building) {
		if (f->npending < FEED_PENDING)
			f->pending[f->npending++] = id;
		else
			f->overflow = 1;
		return;
	}
	if (f->n > 0 && f->ids[0] >= id)
		return;		/* already there (ids only grow) */
	if (f->n < FEED_CAP) {
		f->ids = xrealloc(f->ids, (f->n + 1) * sizeof *f->ids);
		f->n++;
	} else
		f->complete = 0;
	memmove(f->ids + 1, f->ids, (f->n - 1) * sizeof *f->ids);
	f->ids[0] = id;
}

/* Push a new post into the cached feeds of these people. */
void
feed_push(const struct idlist *users, int64_t id)
{
	struct shard	*s;
	struct feed	*f;
	size_t		 i;

	if (!feed_ready)
		return;
	for (i = 0; i < users->n; i++) {
		s = shard_of(users->ids[i]);
		pthread_mutex_lock(&s->lock);
		if ((f = find(s, users->ids[i])) != NULL)
			push_one(f, id);
		pthread_mutex_unlock(&s->lock);
	}
}

/* The transaction that changed whom a person follows committed. */
static void
feed_forget_now(void *arg, int committed)
{
	int64_t	*user = arg;

	if (committed)
		feed_forget(*user);
	free(user);
}

/*
 * In a write that changes what a person's home feed should hold (whom
 * they follow, their groups): drop it once the write commits.
 */
void
feed_forget_after(struct db *db, int64_t user)
{
	int64_t	*arg;

	if (!feed_ready)
		return;
	arg = xmalloc(sizeof *arg);
	*arg = user;
	db_after_commit(db, feed_forget_now, arg);
}

/*
 * The feeds' counts, for the metrics: walks every feed (a scrape every
 * few seconds; 100,000 feeds take about a millisecond), so the hot path
 * keeps no more than a hit or miss counter in a shard it holds anyway.
 */
void
feed_stats(struct cache_stats *st)
{
	struct feed	*f;
	size_t		 i;

	memset(st, 0, sizeof *st);
	st->name = "home_feed";
	if (!feed_ready)
		return;
	st->capacity = (uint64_t)per_shard * FEED_SHARDS;
	st->budget = st->capacity * feed_size_max();
	for (i = 0; i < FEED_SHARDS; i++) {
		pthread_mutex_lock(&shards[i].lock);
		st->entries += shards[i].n;
		st->hits += shards[i].hits;
		st->misses += shards[i].misses;
		st->evictions += shards[i].evictions;
		for (f = shards[i].head; f != NULL; f = f->next)
			st->bytes += sizeof *f + (uint64_t)f->n *
			    sizeof *f->ids;
		pthread_mutex_unlock(&shards[i].lock);
	}
}

/* Drop a person's feed: what it should hold has changed. */
void
feed_forget(int64_t user)
{
	struct shard	*s;
	struct feed	*f;

	if (!feed_ready)
		return;
	s = shard_of(user);
	pthread_mutex_lock(&s->lock);
	if ((f = find(s, user)) != NULL) {
		if (f->building)
			f->overflow = 1;	/* its query may predate this */
		else
			unlink_feed(s, user);
	}
	pthread_mutex_unlock(&s->lock);
}
