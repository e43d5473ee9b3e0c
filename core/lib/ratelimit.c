/*
 * ratelimit.c: token buckets keyed by a string (an account name, a client
 * address), shared by every loop thread. Each key may spend `limit` tokens,
 * refilled evenly over `window` seconds. Memory is bounded: when the table is
 * full, keys whose buckets have refilled (and so carry no information) are
 * dropped first, then the least recently used.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define RL_BUCKETS 4096

struct rl_entry {
	char		*key;
	double		 tokens;
	int64_t		 updated;
	struct rl_entry	*next;
};

struct ratelimit {
	pthread_mutex_t	 lock;
	int		 limit;
	long		 window;
	size_t		 max_keys;
	size_t		 nkeys;
	struct rl_entry	*table[RL_BUCKETS];
};

/* FNV-1a, enough to spread keys over buckets. */
static size_t
rl_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % RL_BUCKETS;
}

/* Create a limiter of limit actions per window seconds, at most max_keys. */
struct ratelimit *
ratelimit_new(int limit, long window, size_t max_keys)
{
	struct ratelimit	*rl = xcalloc(1, sizeof *rl);

	pthread_mutex_init(&rl->lock, NULL);
	rl->limit = limit;
	rl->window = window;
	rl->max_keys = max_keys;
	return rl;
}

/* Free a limiter. */
void
ratelimit_free(struct ratelimit *rl)
{
	struct rl_entry	*e, *next;
	size_t		 i;

	if (rl == NULL)
		return;
	for (i = 0; i < RL_BUCKETS; i++) {
		for (e = rl->table[i]; e != NULL; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	}
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* Refill an entry's bucket up to now. */
static void
rl_refill(struct ratelimit *rl, struct rl_entry *e, int64_t now)
{
	if (now > e->updated) {
		e->tokens += (double)(now - e->updated) * rl->limit / rl->window;
		if (e->tokens > rl->limit)
			e->tokens = rl->limit;
		e->updated = now;
	}
}

/* Drop full buckets; if none were, drop the least recently used entry. */
static void
rl_evict(struct ratelimit *rl, int64_t now)
{
	struct rl_entry	**pp, *e, **oldest = NULL;
	size_t		  i, before = rl->nkeys;
	int64_t		  seen, oldest_seen = 0;

	for (i = 0; i < RL_BUCKETS; i++) {
		for (pp = &rl->table[i]; (e = *pp) != NULL;) {
			/* Refilling moves updated to now: compare the time
			 * of last use from before it. */
			seen = e->updated;
			rl_refill(rl, e, now);
			if (e->tokens >= rl->limit) {
				*pp = e->next;
				free(e->key);
				free(e);
				rl->nkeys--;
				continue;
			}
			if (oldest == NULL || seen < oldest_seen) {
				oldest = pp;
				oldest_seen = seen;
			}
			pp = &e->next;
		}
	}
	if (rl->nkeys == before && oldest != NULL) {
		e = *oldest;
		*oldest = e->next;
		free(e->key);
		free(e);
		rl->nkeys--;
	}
}

/* Find (or with create, add) the entry for a key. Lock held. */
static struct rl_entry *
rl_find(struct ratelimit *rl, const char *key, int64_t now, int create)
{
	size_t		 b = rl_hash(key);
	struct rl_entry	*e;

	for (e = rl->table[b]; e != NULL; e = e->next) {
		if (strcmp(e->key, key) == 0) {
			rl_refill(rl, e, now);
			return e;
		}
	}
	if (!create)
		return NULL;
	if (rl->nkeys >= rl->max_keys)
		rl_evict(rl, now);
	e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->tokens = rl->limit;
	e->updated = now;
	e->next = rl->table[b];
	rl->table[b] = e;
	rl->nkeys++;
	return e;
}

/* Seconds until key may act again; 0 if it may act now. */
long
ratelimit_wait(struct ratelimit *rl, const char *key, int64_t now)
{
	struct rl_entry	*e;
	long		 wait = 0;
	double		 per_token = (double)rl->window / rl->limit;

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, key, now, 0);
	if (e != NULL && e->tokens < 1.0) {
		wait = (long)((1.0 - e->tokens) * per_token + 0.999);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

/* Spend one token for key. */
void
ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now)
{
	struct rl_entry	*e;

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, key, now, 1);
	if (e->tokens >= 1.0)
		e->tokens -= 1.0;
	else
		e->tokens = 0;
	pthread_mutex_unlock(&rl->lock);
}

/* Forget a key (its bucket is full again). */
void
ratelimit_clear(struct ratelimit *rl, const char *key)
{
	struct rl_entry	**pp, *e;

	pthread_mutex_lock(&rl->lock);
	for (pp = &rl->table[rl_hash(key)]; (e = *pp) != NULL;
	    pp = &e->next) {
		if (strcmp(e->key, key) == 0) {
			*pp = e->next;
			free(e->key);
			free(e);
			rl->nkeys--;
			break;
		}
	}
	pthread_mutex_unlock(&rl->lock);
}
