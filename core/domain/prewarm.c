/*
 * prewarm.c: after a start, the home feeds of the people active lately are
 * loaded in the background (from their saved rows, feed-save.c, or built),
 * and the first page of each is read through the visibility rule so its
 * peek rows (peek.c) are remembered too: the people who come back first
 * find their home warm. It never delays a request: it runs on a thread of
 * its own with a read connection of its own, under SCHED_IDLE (the kernel
 * gives it a CPU only when no other thread wants one), and it reads one
 * person at a time in a short read transaction, so the writer's
 * checkpoints are not held up either. A person a request reaches first is
 * simply skipped (their feed is there already). It stops at shutdown, and
 * after the people the feed cache has room for.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define PREWARM_PAGE	20	/* the home page's and the apps' first page */

static pthread_t	 prewarm_thread;
static int		 prewarm_running;
static int		 prewarm_quit;	/* atomic: set by prewarm_stop */
static char		*prewarm_path;
static int		 prewarm_days;
static size_t		 prewarm_max;

/* The people active in the last days, most recent first. */
static int64_t *
prewarm_people(struct db *db, size_t *n)
{
	sqlite3_stmt	*st;
	int64_t		*ids = NULL;
	size_t		 cap = 0;

	*n = 0;
	if ((st = db_prepare(db, "SELECT id FROM users WHERE last_active_at "
	    ">= ?1 AND disabled = 0 AND origin IS NULL ORDER BY "
	    "last_active_at DESC LIMIT ?2")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL) -
	    (int64_t)prewarm_days * 86400);
	sqlite3_bind_int64(st, 2, (int64_t)prewarm_max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return ids;
}

/* The thread: each person's feed and first page, until done or told. */
static void *
prewarm_main(void *arg)
{
	struct sched_param	 sp;
	struct page		 p = { 0, 0, 0, PREWARM_PAGE };
	struct timespec		 t0, t1;
	struct arena		*a;
	struct db		*db;
	struct idlist		 out;
	int64_t			*ids;
	size_t			 i, n, warmed = 0;
	char			*cause = NULL;

	(void)arg;
	memset(&sp, 0, sizeof sp);
	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
		log_warn("prewarm: cannot run at idle priority: not warming");
	else if ((db = db_open(prewarm_path, SYNC_NORMAL, DB_READONLY,
	    &cause)) == NULL) {
		log_warn("prewarm: %s", cause);
		free(cause);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ids = prewarm_people(db, &n);
		for (i = 0; i < n && !__atomic_load_n(&prewarm_quit,
		    __ATOMIC_RELAXED); i++) {
			if (feed_cached(ids[i]))
				continue;	/* a request came first */
			a = arena_new();
			memset(&out, 0, sizeof out);
			if (db_read_begin(db) == 0) {
				if (timeline_home(db, a, ids[i], &p, &out,
				    NULL) == E_OK)
					warmed++;
				db_read_end(db);
			}
			arena_free(a);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_info("prewarm: %zu home feeds of %zu people active in the "
		    "last %d days, in %.1f s%s", warmed, n, prewarm_days,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		    __atomic_load_n(&prewarm_quit, __ATOMIC_RELAXED) ?
		    " (stopped by the shutdown)" : "");
		free(ids);
		db_close(db);
	}
	return NULL;
}

/*
 * Start warming the feeds of the people active in the last days (0: do
 * nothing), at most max of them (the feed cache's room). 0, or -1.
 */
int
prewarm_start(const char *dbpath, int days, size_t max)
{
	if (days <= 0 || max == 0)
		return 0;
	prewarm_path = xstrdup(dbpath);
	prewarm_days = days;
	prewarm_max = max;
	__atomic_store_n(&prewarm_quit, 0, __ATOMIC_RELAXED);
	if (pthread_create(&prewarm_thread, NULL, prewarm_main, NULL) != 0) {
		free(prewarm_path);
		prewarm_path = NULL;
		return -1;
	}
	prewarm_running = 1;
	return 0;
}

/* Stop warming (at shutdown, before the feeds are saved) and wait. */
void
prewarm_stop(void)
{
	if (!prewarm_running)
		return;
	__atomic_store_n(&prewarm_quit, 1, __ATOMIC_RELAXED);
	pthread_join(prewarm_thread, NULL);
	prewarm_running = 0;
	free(prewarm_path);
	prewarm_path = NULL;
}
