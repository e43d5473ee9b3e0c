/*
 * writer.c: every write hearthd makes goes through one writer thread, which
 * commits many requests' writes in one transaction (group commit). With
 * synchronous=FULL each commit waits for the disk; sharing that wait is what
 * makes a thousand acknowledged posts a second possible, and it keeps the
 * fsync off the event loops. Each write runs in its own savepoint, so one
 * that fails is rolled back alone. A request is answered only after its
 * batch has committed. What a write sets off once committed it registers
 * itself (db_after_commit); the writer only runs them. The writer knows
 * nothing of loops: a job names where it came from, and the function given
 * to writer_start carries its outcome back there. It counts what it does
 * for the metrics, once a batch, under its queue's lock.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

#define WRITER_BATCH_MAX	256
#define WRITER_QUEUE_MAX	8192

struct wjob {
	void		*origin;	/* where the outcome goes back to */
	write_fn	 fn;		/* in the transaction, on the writer */
	written_fn	 done;		/* back at the origin, with the outcome */
	void		*arg;
	int		 rc;
	TAILQ_ENTRY(wjob) entry;
};

static pthread_mutex_t		 writer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 writer_cond = PTHREAD_COND_INITIALIZER;
static TAILQ_HEAD(, wjob)	 writer_queue = TAILQ_HEAD_INITIALIZER(writer_queue);
static int			 writer_queued;
static int			 writer_running;
static pthread_t		 writer_thread;
static struct db		*writer_db;
static writer_post_fn		 writer_post;
static struct writer_stats	 writer_counts;	/* under writer_lock */

/* What waits for a batch's answers to be posted (writer_after_answers);
 * the writer thread's own. */
struct wlater {
	void		(*fn)(void *);
	void		*arg;
};
static __thread int		 writer_batching;
static struct wlater		*writer_later;
static size_t			 writer_nlater, writer_latercap;

/* What one batch took, for writer_count. */
struct wbatch_stats {
	int		 n;
	int		 failed;
	uint64_t	 batch_us;
	uint64_t	 commit_us;
};

/* On the loop: hand the outcome to the request. */
static void
writer_deliver(void *arg)
{
	struct wjob	*j = arg;

	j->done(j->arg, j->rc);
	free(j);
}

/* Count a batch; writer_lock held. */
static void
writer_count(const struct wbatch_stats *bs)
{
	struct writer_stats	*w = &writer_counts;
	sqlite3			*h = db_handle(writer_db);
	int			 size, cur, hi;

	for (size = 0; size < WRITER_SIZES_N && bs->n > 1 << size; size++)
		;
	w->sizes[size]++;
	w->writes += bs->n - bs->failed;
	w->failed += bs->failed;
	w->batch_us[prom_seconds_bucket(bs->batch_us)]++;
	w->batch_us_sum += bs->batch_us;
	w->commit_us[prom_seconds_bucket(bs->commit_us)]++;
	w->commit_us_sum += bs->commit_us;
	if (sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_USED, &cur, &hi, 0) ==
	    SQLITE_OK)
		w->page_cache_bytes = cur;
	/* SQLite counts in an int: taken and reset each time, summed here */
	if (sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_HIT, &cur, &hi, 1) ==
	    SQLITE_OK)
		w->page_cache_hits += (uint64_t)cur;
	if (sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_MISS, &cur, &hi, 1) ==
	    SQLITE_OK)
		w->page_cache_misses += (uint64_t)cur;
}

/* A copy of the writer's counts, for the metrics. */
void
writer_stats(struct writer_stats *out)
{
	pthread_mutex_lock(&writer_lock);
	*out = writer_counts;
	out->queued = writer_queued;
	out->queue_max = WRITER_QUEUE_MAX;
	pthread_mutex_unlock(&writer_lock);
}

/* Run one batch in one transaction. */
static void
writer_batch(struct wjob **batch, int n, struct wbatch_stats *bs)
{
	int		i, committed = 0;
	size_t		mark;
	uint64_t	start = clock_usec(), commit;
	size_t		k;

	writer_batching = 1;
	if (db_begin(writer_db) == 0) {
		for (i = 0; i < n; i++) {
			if (db_exec(writer_db, "SAVEPOINT job") != 0) {
				batch[i]->rc = -1;
				continue;
			}
			mark = db_after_mark(writer_db);
			batch[i]->rc = batch[i]->fn(writer_db, batch[i]->arg);
			/* A write that left a savepoint open failed. */
			db_unwind(writer_db, 1);
			if (batch[i]->rc != 0) {
				db_exec(writer_db, "ROLLBACK TO job");
				db_after_cut(writer_db, mark);
			}
			db_exec(writer_db, "RELEASE job");
		}
		commit = clock_usec();
		committed = db_commit(writer_db) == 0;
		bs->commit_us = clock_usec() - commit;
	} else
		log_error("writer: cannot begin: %s", db_errmsg(writer_db));
	bs->batch_us = clock_usec() - start;
	bs->n = n;
	bs->failed = 0;
	for (i = 0; i < n; i++) {
		if (!committed)
			batch[i]->rc = -1;
		if (batch[i]->rc != 0)
			bs->failed++;
	}
	/* Counted before anyone is answered: a client that reads the
	 * metrics after its answer sees its write in them. */
	pthread_mutex_lock(&writer_lock);
	writer_count(bs);
	pthread_mutex_unlock(&writer_lock);
	for (i = 0; i < n; i++)
		writer_post(batch[i]->origin, writer_deliver, batch[i]);
	/* Then what the commit set off that can wait for the answers. */
	writer_batching = 0;
	for (k = 0; k < writer_nlater; k++)
		writer_later[k].fn(writer_later[k].arg);
	writer_nlater = 0;
	if (n > 1)
		log_debug("writer: committed %d writes in one transaction", n);
}

/*
 * Run fn(arg) once the batch being committed has posted its answers: for
 * an after-commit hook (db_after_commit) whose work need not be done
 * before the writes are acknowledged, and would only delay them (the
 * streams' updates: a loop would build them before it answered). Called
 * anywhere else, fn runs now. Never before the commit: the hooks run after
 * it.
 */
void
writer_after_answers(void (*fn)(void *), void *arg)
{
	if (!writer_batching) {
		fn(arg);
		return;
	}
	if (writer_nlater == writer_latercap) {
		writer_latercap = writer_latercap ? writer_latercap * 2 : 64;
		writer_later = xrealloc(writer_later, writer_latercap *
		    sizeof *writer_later);
	}
	writer_later[writer_nlater].fn = fn;
	writer_later[writer_nlater].arg = arg;
	writer_nlater++;
}

/* The writer thread: take whatever is queued, commit it, repeat. */
static void *
writer_main(void *unused)
{
	struct wjob		*batch[WRITER_BATCH_MAX], *j;
	struct wbatch_stats	 bs;
	int			 n;

	(void)unused;
	pthread_mutex_lock(&writer_lock);
	for (;;) {
		while (TAILQ_EMPTY(&writer_queue) && writer_running)
			pthread_cond_wait(&writer_cond, &writer_lock);
		if (TAILQ_EMPTY(&writer_queue))
			break;		/* stopping, and nothing left */
		for (n = 0; n < WRITER_BATCH_MAX &&
		    (j = TAILQ_FIRST(&writer_queue)) != NULL; n++) {
			TAILQ_REMOVE(&writer_queue, j, entry);
			batch[n] = j;
		}
		writer_queued -= n;
		pthread_mutex_unlock(&writer_lock);
		memset(&bs, 0, sizeof bs);
		writer_batch(batch, n, &bs);
		pthread_mutex_lock(&writer_lock);
	}
	pthread_mutex_unlock(&writer_lock);
	return NULL;
}

/* Open the writer's connection and start its thread. */
int
writer_start(const char *path, enum sync_mode sync, writer_post_fn post,
    char **cause)
{
	writer_post = post;
	if ((writer_db = db_open(path, sync, DB_NOCHECKPOINT, cause)) == NULL)
		return -1;
	if (stamp_watch(db_handle(writer_db), cause) != 0) {
		db_close(writer_db);
		writer_db = NULL;
		return -1;
	}
	writer_running = 1;
	if (pthread_create(&writer_thread, NULL, writer_main, NULL) != 0) {
		*cause = xstrdup("cannot start the writer thread");
		writer_running = 0;
		db_close(writer_db);
		writer_db = NULL;
		return -1;
	}
	return 0;
}

/* Commit what is queued, then stop. */
void
writer_stop(void)
{
	if (writer_db == NULL)
		return;
	pthread_mutex_lock(&writer_lock);
	writer_running = 0;
	pthread_cond_signal(&writer_cond);
	pthread_mutex_unlock(&writer_lock);
	pthread_join(writer_thread, NULL);
	db_close(writer_db);
	writer_db = NULL;
	free(writer_later);
	writer_later = NULL;
	writer_nlater = writer_latercap = 0;
}

/*
 * Queue a write: fn(db, arg) runs in a transaction on the writer thread,
 * then done(arg, rc) back at origin (a loop's thread, through the post
 * function given to writer_start) with rc 0 if fn succeeded and its
 * transaction committed. -1 if the queue is full (answer 503).
 */
int
writer_submit(void *origin, write_fn fn, written_fn done, void *arg)
{
	struct wjob	*j;

	pthread_mutex_lock(&writer_lock);
	if (!writer_running || writer_queued >= WRITER_QUEUE_MAX) {
		if (writer_running)
			writer_counts.refused++;
		pthread_mutex_unlock(&writer_lock);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->origin = origin;
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	TAILQ_INSERT_TAIL(&writer_queue, j, entry);
	writer_queued++;
	pthread_cond_signal(&writer_cond);
	pthread_mutex_unlock(&writer_lock);
	return 0;
}

/* On the loop, after a background write: free its argument. */
static void
writer_background_done(void *arg, int rc)
{
	(void)rc;
	free(arg);
}

/*
 * Queue a write nobody waits for (a session's last use, say); arg must be
 * malloc'd and is freed afterwards. Dropped if the queue is full.
 */
void
writer_background(void *origin, write_fn fn, void *arg)
{
	if (writer_submit(origin, fn, writer_background_done, arg) != 0)
		free(arg);
}
