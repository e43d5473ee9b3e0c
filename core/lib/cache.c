/*
 * cache.c: bounded in-memory caches of serialised entities, shared by the
 * loop threads. An entry is bytes under an integer key, with a tag the
 * reader must match (a fingerprint of the row it was made from, so a stale
 * entry is never served) and an expiry time. When a shard is full the least
 * recently used entry goes. A NULL cache is a valid, always-empty cache, so
 * hearthctl and tests need not set one up.
 */
#include <pthread.h>
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
};

struct cache {
	size_t		 per_shard;
	uint64_t	 ttl_us;
	struct cshard	 shards[CACHE_SHARDS];
};

/* A cache of at most max entries that live at most ttl_us. */
struct cache *
cache_new(size_t max, uint64_t ttl_us)
{
	struct cache	*c = xcalloc(1, sizeof *c);
	size_t		 i;

	size_t		 nb;

	c->per_shard = max / CACHE_SHARDS > 0 ? max / CACHE_SHARDS : 1;
	c->ttl_us = ttl_us;
	for (nb = 16; nb < c->per_shard; nb <<= 1)
		;
	for (i = 0; i < CACHE_SHARDS; i++) {
		pthread_mutex_init(&c->shards[i].lock, NULL);
		c->shards[i].b = xcalloc(nb, sizeof *c->shards[i].b);
		c->shards[i].mask = nb - 1;
	}
	return c;
}

/* Free a cache and its entries. */
void
cache_free(struct cache *c)
{
	struct centry	*e, *next;
	size_t		 i, j;

	if (c == NULL)
		return;
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
	free(e);
	s->n--;
}

/* Append a fresh entry's bytes to out; 1 if there was one, else 0. */
int
cache_emit(struct cache *c, int64_t key, uint64_t tag, struct evbuffer *out)
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
			evbuffer_add(out, e->data, e->len);
			/* Per shard, under its lock: one counter for
			 * all would bounce between cores on every hit. */
			e->used = ++s->clock;
			hit = 1;
		}
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
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
	if (old != NULL)
		unlink_entry(s, old);
}

/* Store bytes under a key and tag, replacing what was there. */
void
cache_put(struct cache *c, int64_t key, uint64_t tag, const void *data,
    size_t len)
{
	struct cshard	*s;
	struct centry	**b, **pp, *e;

	if (c == NULL)
		return;
	e = xmalloc(sizeof *e + len);
	e->key = key;
	e->tag = tag;
	e->expires = clock_usec() + c->ttl_us;
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
	e->used = ++s->clock;
	e->next = *b;
	*b = e;
	s->n++;
	pthread_mutex_unlock(&s->lock);
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
