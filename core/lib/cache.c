/*
 * cache.c: bounded in-memory caches of serialised entities, shared by the
 * loop threads. An entry is bytes under an integer key, with a tag the
 * reader must match (a fingerprint of the row it was made from, so a stale
 * entry is never served) and an expiry time. When a shard is full the least
 * recently used entry goes. A NULL cache is a valid, always-empty cache, so
 * hearthctl and tests need not set one up. Every cache is listed by name,
 * with counts of hits, misses and evictions kept per shard under the lock
 * a lookup takes anyway, and summed only when the metrics are read.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib.h"

#define CACHE_SHARDS	256
#define EVICT_SAMPLE	8	/* buckets looked at for the oldest entry */

struct centry {
	int64_t		 key;
	uint64_t	 tag;
	uint64_t	 expires;
	uint64_t	 used;
	size_t		 len;
	struct centry	*next;
	char		 data[];
};

/*
 * A shard has about as many buckets as entries, so a lookup follows one
 * or two pointers: with 100,000 cards in 16,384 buckets each lookup walked
 * a chain of six, a cache miss each, twenty lookups a page.
 */
struct cshard {
	pthread_mutex_t	 lock;
	struct centry	**b;
	size_t		 mask;		/* buckets - 1 */
	size_t		 hand;		/* where eviction looks next */
	size_t		 n;
	uint64_t	 clock;		/* for LRU within the shard */
	uint64_t	 bytes;		/* the entries' memory */
	uint64_t	 hits, misses, evictions;
};

struct cache {
	size_t		 per_shard;
	uint64_t	 shard_bytes;	/* its share of the budget; 0: none */
	uint64_t	 ttl_us;
	char		 name[32];
	LIST_ENTRY(cache) entry;
	struct cshard	 shards[CACHE_SHARDS];
};

/* Every cache, for the metrics. */
static pthread_mutex_t		 cache_list_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(, cache)	 cache_list = LIST_HEAD_INITIALIZER(cache_list);

/*
 * Budgets by name, for caches made now or later (some are made on first
 * use) and renamed after (cache_set_name); under cache_list_lock.
 */
#define CACHE_BUDGETS	16
static struct {
	char		 name[32];
	uint64_t	 bytes;
}			 budgets[CACHE_BUDGETS];
static size_t		 nbudgets;

/* The budget for a name, or 0; cache_list_lock held. */
static uint64_t
budget_for(const char *name)
{
	size_t	i;

	for (i = 0; i < nbudgets; i++) {
		if (strcmp(budgets[i].name, name) == 0)
			return budgets[i].bytes;
	}
	return 0;
}

/*
 * A cache of at most max entries that live at most ttl_us, named after
 * file (the source file that made it: "web/pages/card.c" is "card").
 */
struct cache *
cache_new_in(size_t max, uint64_t ttl_us, const char *file)
{
	struct cache	*c = xcalloc(1, sizeof *c);
	const char	*base = strrchr(file, '/');
	size_t		 i, len;

	size_t		 nb;

	base = base != NULL ? base + 1 : file;
	len = strcspn(base, ".");
	snprintf(c->name, sizeof c->name, "%.*s", (int)len, base);

	c->per_shard = max / CACHE_SHARDS > 0 ? max / CACHE_SHARDS : 1;
	c->ttl_us = ttl_us;
	for (nb = 16; nb < c->per_shard; nb <<= 1)
		;
	for (i = 0; i < CACHE_SHARDS; i++) {
		pthread_mutex_init(&c->shards[i].lock, NULL);
		c->shards[i].b = xcalloc(nb, sizeof *c->shards[i].b);
		c->shards[i].mask = nb - 1;
	}
	pthread_mutex_lock(&cache_list_lock);
	LIST_INSERT_HEAD(&cache_list, c, entry);
	cache_set_budget(c, budget_for(c->name));
	pthread_mutex_unlock(&cache_list_lock);
	return c;
}

/*
 * Bound a cache's memory (entries and their bytes) to about bytes, on top
 * of its count of entries: each shard keeps its share, evicting its least
 * recently used as a store would overrun it. 0: the count alone.
 */
void
cache_set_budget(struct cache *c, uint64_t bytes)
{
	uint64_t	share = bytes / CACHE_SHARDS;

	if (c == NULL)
		return;
	if (bytes > 0 && share == 0)
		share = 1;
	/* Read without the shards' locks (cache_put): one atomic word. */
	__atomic_store_n(&c->shard_bytes, share, __ATOMIC_RELAXED);
}

/* Give the caches named name, now and later, a budget (cache_set_budget);
 * -1 if there are too many names. */
int
cache_budget_named(const char *name, uint64_t bytes)
{
	struct cache	*c;
	size_t		 i;
	int		 rc = 0;

	pthread_mutex_lock(&cache_list_lock);
	for (i = 0; i < nbudgets; i++) {
		if (strcmp(budgets[i].name, name) == 0)
			break;
	}
	if (i == nbudgets && nbudgets == CACHE_BUDGETS)
		rc = -1;
	else {
		if (i == nbudgets)
			snprintf(budgets[nbudgets++].name, sizeof budgets[0].name,
			    "%s", name);
		budgets[i].bytes = bytes;
		LIST_FOREACH(c, &cache_list, entry) {
			if (strcmp(c->name, name) == 0)
				cache_set_budget(c, bytes);
		}
	}
	pthread_mutex_unlock(&cache_list_lock);
	return rc;
}

/* Name a cache (for its metrics: hearth_cache_*{cache="name"}). */
void
cache_set_name(struct cache *c, const char *name)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cache_list_lock);
	snprintf(c->name, sizeof c->name, "%s", name);
	cache_set_budget(c, budget_for(c->name));
	pthread_mutex_unlock(&cache_list_lock);
}

/*
 * Call fn with each cache's counts. Each shard is locked in turn while it
 * is read, as a lookup would; a scrape every few seconds is nothing next
 * to the lookups of one page.
 */
void
cache_stats_each(cache_stats_fn fn, void *arg)
{
	struct cache		*c;
	struct cache_stats	 st;
	struct cshard		*s;
	size_t			 i;

	pthread_mutex_lock(&cache_list_lock);
	LIST_FOREACH(c, &cache_list, entry) {
		memset(&st, 0, sizeof st);
		st.name = c->name;
		st.capacity = (uint64_t)c->per_shard * CACHE_SHARDS;
		st.budget = __atomic_load_n(&c->shard_bytes,
		    __ATOMIC_RELAXED) * CACHE_SHARDS;
		for (i = 0; i < CACHE_SHARDS; i++) {
			s = &c->shards[i];
			pthread_mutex_lock(&s->lock);
			st.entries += s->n;
			st.bytes += s->bytes;
			st.hits += s->hits;
			st.misses += s->misses;
			st.evictions += s->evictions;
			pthread_mutex_unlock(&s->lock);
		}
		fn(&st, arg);
	}
	pthread_mutex_unlock(&cache_list_lock);
}

/* Free a cache and its entries. */
void
cache_free(struct cache *c)
{
	struct centry	*e, *next;
	size_t		 i, j;

	if (c == NULL)
		return;
	pthread_mutex_lock(&cache_list_lock);
	LIST_REMOVE(c, entry);
	pthread_mutex_unlock(&cache_list_lock);
	for (i = 0; i < CACHE_SHARDS; i++) {
		for (j = 0; j <= c->shards[i].mask; j++) {
			for (e = c->shards[i].b[j]; e != NULL; e = next) {
				next = e->next;
				free(e);
			}
		}
		free(c->shards[i].b);
		pthread_mutex_destroy(&c->shards[i].lock);
	}
	free(c);
}

/* The shard and bucket of a key. */
static struct cshard *
shard(struct cache *c, int64_t key, struct centry ***bucket)
{
	uint64_t	 h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;
	struct cshard	*s = &c->shards[h >> 56];

	*bucket = &s->b[(h >> 24) & s->mask];
	return s;
}

/* Unlink and free the entry at *pp; shard locked. */
static void
unlink_entry(struct cshard *s, struct centry **pp)
{
	struct centry	*e = *pp;

	*pp = e->next;
	s->bytes -= sizeof *e + e->len;
	free(e);
	s->n--;
}

/*
 * Hand a fresh entry's bytes to fn, under the shard's lock (so fn must be
 * quick and must not use this cache); 1 if there was one, else 0. A page
 * fills its cards' markers straight from the cache into its output this
 * way, without a copy of each card in between.
 */
int
cache_emit_with(struct cache *c, int64_t key, uint64_t tag,
    void (*fn)(const char *, size_t, void *), void *arg)
{
	struct cshard	*s;
	struct centry	**b, **pp, *e;
	int		 hit = 0;

	if (c == NULL)
		return 0;
	s = shard(c, key, &b);
	pthread_mutex_lock(&s->lock);
	for (pp = b; (e = *pp) != NULL; pp = &e->next) {
		if (e->key != key)
			continue;
		if (e->tag != tag || clock_usec() > e->expires)
			unlink_entry(s, pp);
		else {
			fn((const char *)e->data, e->len, arg);
			/* Per shard, under its lock: one counter for
			 * all would bounce between cores on every hit. */
			e->used = ++s->clock;
			hit = 1;
		}
		break;
	}
	if (hit)
		s->hits++;
	else
		s->misses++;
	pthread_mutex_unlock(&s->lock);
	return hit;
}

/* cache_emit's copy. */
static void
emit_add(const char *data, size_t len, void *out)
{
	evbuffer_add(out, data, len);
}

/* Append a fresh entry's bytes to out; 1 if there was one, else 0. */
int
cache_emit(struct cache *c, int64_t key, uint64_t tag, struct evbuffer *out)
{
	return cache_emit_with(c, key, tag, emit_add, out);
}

/*
 * Evict the least recently used of the entries in the next few buckets
 * that have any (sampled LRU: scanning the whole shard cost a pointer
 * chase per entry on every store into a full cache); locked.
 */
static void
evict(struct cshard *s)
{
	struct centry	**pp, *e, **old = NULL;
	size_t		  i, seen = 0;

	for (i = 0; i <= s->mask && seen < EVICT_SAMPLE; i++) {
		pp = &s->b[(s->hand + i) & s->mask];
		if (*pp != NULL)
			seen++;
		for (; (e = *pp) != NULL; pp = &e->next) {
			if (old == NULL || e->used < (*old)->used)
				old = pp;
		}
	}
	s->hand = (s->hand + i) & s->mask;
	if (old != NULL) {
		unlink_entry(s, old);
		s->evictions++;
	}
}

/* Store bytes under a key and tag, replacing what was there. */
void
cache_put(struct cache *c, int64_t key, uint64_t tag, const void *data,
    size_t len)
{
	if (c != NULL)
		cache_put_for(c, key, tag, data, len, c->ttl_us);
}

/* The same, good for ttl_us (an entry saved by an earlier run keeps what
 * was left of its time, cache_each). */
void
cache_put_for(struct cache *c, int64_t key, uint64_t tag, const void *data,
    size_t len, uint64_t ttl_us)
{
	struct cshard	*s;
	struct centry	**b, **pp, *e;
	uint64_t	 max;

	if (c == NULL)
		return;
	if (ttl_us > c->ttl_us)
		ttl_us = c->ttl_us;
	max = __atomic_load_n(&c->shard_bytes, __ATOMIC_RELAXED);
	/* An entry over the shard's whole share is not kept at all. */
	if (max > 0 && sizeof *e + len > max)
		return;
	e = xmalloc(sizeof *e + len);
	e->key = key;
	e->tag = tag;
	e->expires = clock_usec() + ttl_us;
	e->len = len;
	memcpy(e->data, data, len);
	s = shard(c, key, &b);
	pthread_mutex_lock(&s->lock);
	for (pp = b; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->key == key) {
			unlink_entry(s, pp);
			break;
		}
	}
	if (s->n >= c->per_shard)
		evict(s);
	/* Over its share of the memory budget: older entries go until the
	 * new one fits (each eviction frees one; a shard with entries always
	 * has one to give). */
	while (max > 0 && s->n > 0 && s->bytes + sizeof *e + len > max)
		evict(s);
	e->used = ++s->clock;
	e->next = *b;
	*b = e;
	s->n++;
	s->bytes += sizeof *e + len;
	pthread_mutex_unlock(&s->lock);
}

/*
 * Hand every fresh entry to fn with the time it has left, shard by shard
 * under each one's lock (fn must not use this cache). For saving a cache
 * at shutdown, when nothing else uses it.
 */
void
cache_each(struct cache *c, void (*fn)(int64_t, uint64_t, const char *,
    size_t, uint64_t, void *), void *arg)
{
	struct cshard	*s;
	struct centry	*e;
	uint64_t	 now = clock_usec();
	size_t		 i, k;

	if (c == NULL)
		return;
	for (i = 0; i < CACHE_SHARDS; i++) {
		s = &c->shards[i];
		pthread_mutex_lock(&s->lock);
		for (k = 0; k <= s->mask; k++) {
			for (e = s->b[k]; e != NULL; e = e->next) {
				if (e->expires > now)
					fn(e->key, e->tag, e->data, e->len,
					    e->expires - now, arg);
			}
		}
		pthread_mutex_unlock(&s->lock);
	}
}

/* Forget a key. */
void
cache_drop(struct cache *c, int64_t key)
{
	struct cshard	*s;
	struct centry	**b, **pp;

	if (c == NULL)
		return;
	s = shard(c, key, &b);
	pthread_mutex_lock(&s->lock);
	for (pp = b; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->key == key) {
			unlink_entry(s, pp);
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
}
