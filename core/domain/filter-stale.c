/*
 * filter-stale.c: the generation every compiled filter set carries
 * (filter.c caches them per person). A change to filters or lists bumps
 * it, so no stale set is used. Its own file, below filter.c, because
 * lists and follows (which filter.c reads) bump it as they change.
 */
#include <string.h>

#include "domain.h"

static uint64_t		 filter_gen = 1;

/* The generation now: a set compiled under another is stale. */
uint64_t
filter_generation(void)
{
	return __atomic_load_n(&filter_gen, __ATOMIC_ACQUIRE);
}

/* Bump the generation: every compiled set is stale. */
static void
filter_gen_bump(void *arg, int committed)
{
	(void)arg;
	(void)committed;
	__atomic_add_fetch(&filter_gen, 1, __ATOMIC_RELEASE);
}

/* In a write that changed lists as a side effect (an unfollow takes the
 * followee off the follower's lists): every compiled set is stale, now
 * and once the write has ended. */
void
filter_stale(struct db *db)
{
	filter_gen_bump(NULL, 1);
	db_after_commit(db, filter_gen_bump, NULL);
}

/*
 * In a write: user's filter or list changed. Every compiled set is stale
 * now and again once the write has ended, so that no set read between the
 * two (from before the commit) is kept; and the user's streams hear
 * filters_changed, as Mastodon's do.
 */
void
filter_changed(struct db *db, int64_t user)
{
	struct event	ev;

	filter_gen_bump(NULL, 1);
	db_after_commit(db, filter_gen_bump, NULL);
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_FILTERS_CHANGED;
	ev.actor = user;
	events_emit(db, &ev);
}
