/*
 * Unit tests for feed.c (home feeds in memory) and cache.c (serialised
 * entity caches): paging inside and past a feed, pushes during a build,
 * forgetting, eviction, and cache tags and expiry.
 */
#include <unistd.h>

#include <event2/buffer.h>

#include "hearth.h"
#include "tap.h"

/* A page with only a limit. */
static struct page
pg(int64_t max_id, int64_t since_id, int64_t min_id, int limit)
{
	struct page	p = { max_id, since_id, min_id, limit };

	return p;
}

/* ids newest first: from down to to. */
static void
fill_range(struct arena *a, struct idlist *l, int64_t from, int64_t to)
{
	int64_t	i;

	for (i = from; i >= to; i--)
		idlist_add(a, l, i);
}

/* Read a page; returns the hit flag, ids in *out. */
static int
rd(struct arena *a, int64_t user, struct page p, struct idlist *out)
{
	memset(out, 0, sizeof *out);
	return feed_read(user, &p, a, out);
}

static void
test_feed(void)
{
	struct arena	*a = arena_new();
	struct idlist	 l = { 0 }, out, who = { 0 };

	feed_init(1000);
	ok(!rd(a, 7, pg(0, 0, 0, 20), &out), "no feed yet: a miss");
	ok(feed_begin(7), "the first reader builds it");
	ok(!feed_begin(7), "a second reader does not");
	ok(!rd(a, 7, pg(0, 0, 0, 20), &out), "a feed being built is a miss");

	/* A post arrives while the build's query runs: kept aside. */
	idlist_add(a, &who, 7);
	feed_push(&who, 1001);
	fill_range(a, &l, 1000, 1);
	feed_fill(7, &l, 1);
	ok(rd(a, 7, pg(0, 0, 0, 3), &out), "filled: a hit");
	is_int(out.n, 3, "three ids");
	is_int(out.ids[0], 1001, "the push during the build is there, newest");
	is_int(out.ids[1], 1000, "then the built ones");

	/* Only FEED_CAP are kept: the feed is no longer complete. */
	ok(rd(a, 7, pg(300, 0, 0, 5), &out) && out.ids[0] == 299,
	    "max_id inside the feed");
	ok(!rd(a, 7, pg(150, 0, 0, 5), &out),
	    "max_id past the oldest kept id: a miss (the database knows)");
	ok(rd(a, 7, pg(0, 995, 0, 20), &out) && out.n == 6 &&
	    out.ids[0] == 1001 && out.ids[5] == 996, "since_id: newest above");
	ok(rd(a, 7, pg(0, 0, 995, 3), &out) && out.n == 3 &&
	    out.ids[0] == 998 && out.ids[2] == 996,
	    "min_id: just above it, newest first");
	ok(!rd(a, 7, pg(0, 0, 10, 3), &out),
	    "min_id below the oldest kept id: a miss");

	feed_push(&who, 1002);
	ok(rd(a, 7, pg(0, 0, 0, 1), &out) && out.ids[0] == 1002,
	    "a pushed post is on top");
	feed_push(&who, 1002);
	ok(rd(a, 7, pg(0, 0, 0, 2), &out) && out.ids[1] == 1001,
	    "pushing the same post twice keeps one");

	feed_forget(7);
	ok(!rd(a, 7, pg(0, 0, 0, 20), &out), "forgotten: a miss again");

	/* A small, complete feed answers everything, even past its end. */
	ok(feed_begin(8), "another person's feed");
	memset(&l, 0, sizeof l);
	fill_range(a, &l, 30, 21);
	feed_fill(8, &l, 1);
	ok(rd(a, 8, pg(21, 0, 0, 20), &out) && out.n == 0,
	    "complete feed: an empty page past the end is a hit");

	/* Forgetting during a build makes the build's result unusable. */
	ok(feed_begin(9), "a third feed being built");
	feed_forget(9);
	feed_fill(9, &l, 1);
	ok(!rd(a, 9, pg(0, 0, 0, 5), &out),
	    "forgotten while building: its result is not served");
	feed_free();
	ok(!rd(a, 8, pg(0, 0, 0, 5), &out), "after feed_free, all misses");
	arena_free(a);
}

static void
test_cache(void)
{
	struct cache	*c = cache_new(256 * 2, 60ULL * 1000000);
	struct cache	*t = cache_new(256, 1);	/* expires at once */
	struct evbuffer	*b = evbuffer_new();
	char		 key[32];
	int		 i, hits;

	ok(!cache_emit(c, 1, 5, b), "empty: a miss");
	cache_put(c, 1, 5, "hello", 5);
	ok(cache_emit(c, 1, 5, b) && evbuffer_get_length(b) == 5,
	    "same tag: a hit, bytes appended");
	ok(!cache_emit(c, 1, 6, b), "another tag: a miss");
	ok(!cache_emit(c, 1, 5, b), "... and the stale entry is gone");
	cache_put(c, 2, 0, "x", 1);
	cache_drop(c, 2);
	ok(!cache_emit(c, 2, 0, b), "dropped: a miss");
	cache_put(t, 3, 0, "y", 1);
	usleep(2000);
	ok(!cache_emit(t, 3, 0, b), "expired: a miss");
	ok(!cache_emit(NULL, 1, 5, b), "a NULL cache is always empty");
	cache_put(NULL, 1, 5, "z", 1);

	/* Bounded: 10,000 entries into a cache of 512 keep at most 512. */
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "%d", i);
		cache_put(c, i, 0, key, strlen(key));
	}
	for (i = 0, hits = 0; i < 10000; i++)
		hits += cache_emit(c, i, 0, b);
	ok(hits > 0 && hits <= 512, "bounded: %d of 10000 kept", hits);
	ok(cache_emit(c, 9999, 0, b), "the newest entry is kept");
	cache_free(c);

	/* Eviction samples a few buckets for the oldest entry: what was
	 * read lately outlives what was not. Fill 16,384, read the first
	 * 2,000, then store 8,000 more. */
	c = cache_new(16384, 60ULL * 1000000);
	for (i = 0; i < 16384; i++)
		cache_put(c, i, 0, "v", 1);
	for (i = 0; i < 2000; i++)
		(void)cache_emit(c, i, 0, b);
	for (i = 16384; i < 16384 + 8000; i++)
		cache_put(c, i, 0, "v", 1);
	for (i = 0, hits = 0; i < 2000; i++)
		hits += cache_emit(c, i, 0, b);
	ok(hits >= 1900, "recently read entries survive: %d of 2000", hits);
	for (i = 2000, hits = 0; i < 10000; i++)
		hits += cache_emit(c, i, 0, b);
	ok(hits <= 4000, "older unread ones went first: %d of 8000 left",
	    hits);
	cache_free(c);

	/* A memory budget bounds the bytes as well as the count: 2,000
	 * entries of 1 KiB into a cache of 10,000 entries but 1 MiB keep
	 * at most 1 MiB, the newest among them; one larger than a shard's
	 * share (4 KiB) is not kept. A budget given by name reaches a cache
	 * made later, and one renamed to it. */
	{
		char		 kib[1024], big[8192];
		struct cache	*late, *renamed;

		memset(kib, 'k', sizeof kib);
		memset(big, 'b', sizeof big);
		ok(cache_budget_named("budgeted", 1024 * 1024) == 0,
		    "a budget by name");
		c = cache_new(10000, 60ULL * 1000000);
		cache_set_name(c, "budgeted");
		late = cache_new(10000, 60ULL * 1000000);
		renamed = cache_new(10000, 60ULL * 1000000);
		cache_set_budget(late, 1024 * 1024);
		cache_set_name(renamed, "budgeted");
		for (i = 0; i < 2000; i++) {
			cache_put(c, i, 0, kib, sizeof kib);
			cache_put(renamed, i, 0, kib, sizeof kib);
		}
		for (i = 0, hits = 0; i < 2000; i++)
			hits += cache_emit(c, i, 0, b);
		ok(hits > 300 && hits < 1000, "within 1 MiB: %d of 2000 "
		    "entries of 1 KiB kept", hits);
		ok(cache_emit(c, 1999, 0, b), "the newest kept");
		for (i = 0, hits = 0; i < 2000; i++)
			hits += cache_emit(renamed, i, 0, b);
		ok(hits < 1000, "renamed to a budgeted name: bounded too (%d)",
		    hits);
		cache_put(late, 1, 0, kib, sizeof kib);
		ok(cache_emit(late, 1, 0, b), "a budget set directly: kept");
		cache_put(late, 2, 0, big, sizeof big);
		ok(!cache_emit(late, 2, 0, b), "an entry over a shard's share "
		    "(1 MiB / 256 shards) is not kept");
		cache_free(late);
		cache_free(renamed);
		cache_free(c);
	}
	evbuffer_free(b);
	cache_free(t);
}

int
main(void)
{
	test_feed();
	test_cache();
	return done_testing();
}
