/*
 * peek.c: post_peek's rows remembered per reader and post. Every stream a
 * person reads checks each post against the visibility rule and reads its
 * counters and its author's fingerprint: four B-tree lookups a post, ~180,000
 * instructions for a page of twenty, most of the cost of a home page. The
 * answer for (reader, post) stays right until the post changes (its row,
 * its favourites, its mentions), its author's row changes, or the reader's
 * reach changes (follows, groups); change stamps (stamp.c) say when any of
 * those happened after the row was read. Only readable posts are
 * remembered: an unreadable one is asked again each time.
 *
 * Sets of eight rows with a line of tags in front, so a lookup reads one
 * cache line of tags and then only the row whose tag matches. Two-way
 * buckets lost 6.7% of a page's rows to collisions at a third full, and a
 * page of twenty then went to SQLite three times in four; with eight ways
 * the loss is about a thousandth. A lock per stripe of sets, shared by
 * every loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define PEEK_LOCKS	256
#define PEEK_WAYS	8

struct peek_entry {
	int64_t		 viewer;
	uint64_t	 stamp;
	int64_t		 filled;	/* time(NULL) when read */
	struct peek	 row;
};

struct peek_set {
	uint32_t		 tag[PEEK_WAYS];	/* 0: empty */
	struct peek_entry	 e[PEEK_WAYS];
};

static struct peek_set		*peek_sets;
static size_t			 peek_nsets;
static pthread_mutex_t		 peek_locks[PEEK_LOCKS];

/* Counts for the metrics, per stripe under its lock; a line each, so
 * loops counting in different stripes do not share one. */
static struct peek_count {
	uint64_t	 hits, misses, evictions, entries;
	char		 pad[64 - 4 * sizeof(uint64_t)];
} peek_counts[PEEK_LOCKS] __attribute__((aligned(64)));

/* Memory the rows may take (0: as many as peek_cache_init is asked for). */
static size_t		 peek_budget;

/* cache_memory's share for the rows; before peek_cache_init. */
void
peek_cache_budget(size_t bytes)
{
	peek_budget = bytes;
}

/* Room for about n remembered rows (0: remember nothing). */
void
peek_cache_init(size_t n)
{
	size_t	i;

	/* cache_memory's share (peek_cache_budget): fewer rows, not more */
	if (peek_budget > 0 && n > peek_budget / sizeof(struct peek_entry))
		n = peek_budget / sizeof(struct peek_entry);
	huge_free(peek_sets, peek_nsets * sizeof *peek_sets);
	peek_sets = NULL;
	peek_nsets = 0;
	for (i = 0; i < PEEK_LOCKS; i++)
		peek_counts[i].entries = 0;
	if (n < PEEK_WAYS)
		return;
	/* Any number of sets (a set is found by modulo, not a mask): as a
	 * power of two, rounding down to the budget kept only half of what
	 * it allows, and 10,000 readers' rows pushed each other out. */
	peek_nsets = (n + PEEK_WAYS - 1) / PEEK_WAYS;
	if (peek_budget > 0 && peek_nsets > peek_budget / sizeof *peek_sets)
		peek_nsets = peek_budget / sizeof *peek_sets;
	if (peek_nsets == 0)
		peek_nsets = 1;
	/* written at random from the first request: huge pages (hugemem.c) */
	peek_sets = huge_calloc(peek_nsets * sizeof *peek_sets);
	for (i = 0; i < PEEK_LOCKS; i++)
		pthread_mutex_init(&peek_locks[i], NULL);
}

/* Where (viewer, id) lives: its set, and its tag there (never 0). */
static struct peek_set *
peek_find_set(int64_t viewer, int64_t id, uint32_t *tag, size_t *lock)
{
	uint64_t	h = ((uint64_t)viewer * 0x9e3779b97f4a7c15ULL) ^
			    ((uint64_t)id * 0xc2b2ae3d27d4eb4fULL);
	size_t		s;

	h ^= h >> 29;
	s = (size_t)(h % peek_nsets);
	*tag = (uint32_t)(h >> 32) | 1;
	*lock = s % PEEK_LOCKS;
	return &peek_sets[s];
}

/* Whether e still holds the truth about its post for its reader. */
static int
peek_fresh(const struct peek_entry *e, int64_t now)
{
	return now - e->filled < STAMP_MAX_AGE && now >= e->filled &&
	    stamp_valid(e->stamp, STAMP_POST, e->row.id) &&
	    stamp_valid(e->stamp, STAMP_USER, e->row.author_id) &&
	    stamp_valid(e->stamp, STAMP_REACH, e->viewer);
}

/* The remembered row for viewer and post id, if still right. */
int
peek_cache_get(int64_t viewer, int64_t id, int64_t now, struct peek *out)
{
	struct peek_set		*set;
	struct peek_entry	*e;
	uint32_t		 tag;
	size_t			 lock, i;
	int			 hit = 0;

	if (peek_sets == NULL)
		return 0;
	set = peek_find_set(viewer, id, &tag, &lock);
	pthread_mutex_lock(&peek_locks[lock]);
	for (i = 0; i < PEEK_WAYS; i++) {
		if (set->tag[i] != tag)
			continue;
		e = &set->e[i];
		if (e->viewer == viewer && e->row.id == id) {
			if ((hit = peek_fresh(e, now)))
				*out = e->row;
			break;
		}
	}
	if (hit)
		peek_counts[lock].hits++;
	else
		peek_counts[lock].misses++;
	pthread_mutex_unlock(&peek_locks[lock]);
	return hit;
}

/*
 * Ask the memory for the sets of a list's rows before they are read: each
 * is a miss in a table of tens of megabytes, and asked one after another
 * they cost a page's twenty reads in turn; asked together they overlap.
 */
void
peek_cache_prefetch(int64_t viewer, const int64_t *ids, size_t n)
{
	uint32_t	tag;
	size_t		lock, i;

	if (peek_sets == NULL)
		return;
	for (i = 0; i < n; i++)
		__builtin_prefetch(peek_find_set(viewer, ids[i], &tag, &lock));
}

/* The remembered rows' counts, for the metrics. */
void
peek_cache_stats(struct cache_stats *st)
{
	size_t	i;

	memset(st, 0, sizeof *st);
	st->name = "peek";
	st->capacity = (uint64_t)peek_nsets * PEEK_WAYS;
	st->bytes = (uint64_t)peek_nsets * sizeof *peek_sets;
	st->budget = peek_budget;
	if (peek_sets == NULL)
		return;
	for (i = 0; i < PEEK_LOCKS; i++) {
		pthread_mutex_lock(&peek_locks[i]);
		st->entries += peek_counts[i].entries;
		st->hits += peek_counts[i].hits;
		st->misses += peek_counts[i].misses;
		st->evictions += peek_counts[i].evictions;
		pthread_mutex_unlock(&peek_locks[i]);
	}
}

/*
 * Remember a row read from a snapshot stamped stamp (0: not remembered):
 * over the same key, else in an empty way, else over the oldest.
 */
void
peek_cache_put(int64_t viewer, const struct peek *row, uint64_t stamp,
    int64_t now)
{
	struct peek_set		*set;
	struct peek_entry	*e;
	uint32_t		 tag;
	size_t			 lock, i, w = PEEK_WAYS, oldest = 0;

	if (peek_sets == NULL || stamp == 0)
		return;
	set = peek_find_set(viewer, row->id, &tag, &lock);
	pthread_mutex_lock(&peek_locks[lock]);
	for (i = 0; i < PEEK_WAYS; i++) {
		if (set->tag[i] == tag && set->e[i].viewer == viewer &&
		    set->e[i].row.id == row->id) {
			w = i;
			break;
		}
		if (set->tag[i] == 0) {
			if (w == PEEK_WAYS)
				w = i;
		} else if (set->e[i].filled < set->e[oldest].filled ||
		    set->tag[oldest] == 0)
			oldest = i;
	}
	if (w == PEEK_WAYS) {
		w = oldest;
		peek_counts[lock].evictions++;
	} else if (set->tag[w] == 0)
		peek_counts[lock].entries++;
	e = &set->e[w];
	/* A slower reader must not put back an older answer. */
	if (!(set->tag[w] == tag && e->viewer == viewer &&
	    e->row.id == row->id && e->stamp > stamp)) {
		set->tag[w] = tag;
		e->viewer = viewer;
		e->stamp = stamp;
		e->filled = now;
		e->row = *row;
	}
	pthread_mutex_unlock(&peek_locks[lock]);
}

/*
 * The rows this thread read last, for the same request: a home page asks
 * for its posts three times (which are visible, which are direct, then
 * the cards), and each time the shared table above cost a cache miss per
 * row. Good for the same reader, the same snapshot (the read transaction's
 * stamp, so no write came between) and the same second; a slot per id.
 */
#define PEEK_RECENT	128
static __thread struct {
	int64_t		 viewer;
	uint64_t	 stamp;
	int64_t		 second;
	struct peek	 row[PEEK_RECENT];	/* id 0: empty */
} recent;

/* Row id for viewer from this thread's last reads under stamp; 1 if so. */
int
peek_recent_get(int64_t viewer, int64_t id, uint64_t stamp, int64_t now,
    struct peek *out)
{
	const struct peek	*r = &recent.row[(uint64_t)id % PEEK_RECENT];

	if (stamp == 0 || recent.stamp != stamp || recent.viewer != viewer ||
	    recent.second != now || r->id != id)
		return 0;
	*out = *r;
	return 1;
}

/* Note a row just read (from the table above or the database). */
void
peek_recent_put(int64_t viewer, const struct peek *row, uint64_t stamp,
    int64_t now)
{
	if (stamp == 0)
		return;
	if (recent.stamp != stamp || recent.viewer != viewer ||
	    recent.second != now) {
		memset(recent.row, 0, sizeof recent.row);
		recent.stamp = stamp;
		recent.viewer = viewer;
		recent.second = now;
	}
	recent.row[(uint64_t)row->id % PEEK_RECENT] = *row;
}
