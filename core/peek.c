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
 * Two-way buckets, a lock per stripe of buckets, shared by every loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth.h"

#define PEEK_LOCKS	256

struct peek_entry {
	int64_t		 viewer;
	uint64_t	 stamp;		/* 0: empty */
	int64_t		 filled;	/* time(NULL) when read */
	struct peek	 row;
};

static struct peek_entry	*peek_table;
static size_t			 peek_buckets;	/* power of two */
static pthread_mutex_t		 peek_locks[PEEK_LOCKS];

/* Room for about n remembered rows (0: remember nothing). */
void
peek_cache_init(size_t n)
{
	size_t	i;

	free(peek_table);
	peek_table = NULL;
	peek_buckets = 0;
	if (n < 2)
		return;
	for (peek_buckets = 1; peek_buckets * 2 < n; peek_buckets <<= 1)
		;
	peek_table = xcalloc(peek_buckets * 2, sizeof *peek_table);
	for (i = 0; i < PEEK_LOCKS; i++)
		pthread_mutex_init(&peek_locks[i], NULL);
}

static size_t
peek_bucket(int64_t viewer, int64_t id)
{
	uint64_t	h = ((uint64_t)viewer * 0x9e3779b97f4a7c15ULL) ^
			    ((uint64_t)id * 0xc2b2ae3d27d4eb4fULL);

	return (size_t)(h ^ h >> 29) & (peek_buckets - 1);
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
	struct peek_entry	*e;
	size_t			 b, i;
	int			 hit = 0;

	if (peek_table == NULL)
		return 0;
	b = peek_bucket(viewer, id);
	pthread_mutex_lock(&peek_locks[b % PEEK_LOCKS]);
	for (i = 0; i < 2 && !hit; i++) {
		e = &peek_table[b * 2 + i];
		if (e->stamp != 0 && e->viewer == viewer && e->row.id == id &&
		    peek_fresh(e, now)) {
			*out = e->row;
			hit = 1;
		}
	}
	pthread_mutex_unlock(&peek_locks[b % PEEK_LOCKS]);
	return hit;
}

/*
 * Remember a row read from a snapshot stamped stamp (0: not remembered):
 * over the same key, else over the emptier or older of the two.
 */
void
peek_cache_put(int64_t viewer, const struct peek *row, uint64_t stamp,
    int64_t now)
{
	struct peek_entry	*e, *a, *b2;
	size_t			 b;

	if (peek_table == NULL || stamp == 0)
		return;
	b = peek_bucket(viewer, row->id);
	pthread_mutex_lock(&peek_locks[b % PEEK_LOCKS]);
	a = &peek_table[b * 2];
	b2 = a + 1;
	if (b2->stamp != 0 && b2->viewer == viewer && b2->row.id == row->id)
		e = b2;
	else if (a->stamp != 0 && a->viewer == viewer && a->row.id == row->id)
		e = a;
	else if (a->stamp == 0 || (b2->stamp != 0 && a->filled <= b2->filled))
		e = a;
	else
		e = b2;
	/* A slower reader must not put back an older answer. */
	if (!(e->viewer == viewer && e->row.id == row->id &&
	    e->stamp > stamp)) {
		e->viewer = viewer;
		e->stamp = stamp;
		e->filled = now;
		e->row = *row;
	}
	pthread_mutex_unlock(&peek_locks[b % PEEK_LOCKS]);
}
