/*
 * writer.c: every write hearthd makes goes through one writer thread, which
 * commits many requests' writes in one transaction (group commit). With
 * synchronous=FULL each commit waits for the disk; sharing that wait is what
 * makes a thousand acknowledged posts a second possible, and it keeps the
 * fsync off the event loops. Each write runs in its own savepoint, so one
 * that fails is rolled back alone. A request is answered only after its
 * batch has committed.
 */
#include <pthread.h>
#include <stdlib.h>

#include "hearth.h"

#define WRITER_BATCH_MAX	256
#define WRITER_QUEUE_MAX	8192

struct wjob {
	struct loop	*loop;
	write_fn	 fn;		/* in the transaction, on the writer */
	write_fn	 after;		/* after commit, on the writer (may be NULL) */
	written_fn	 done;		/* on the loop, with the outcome */
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

/* On the loop: hand the outcome to the request. */
static void
writer_deliver(void *arg)
{
	struct wjob	*j = arg;

	j->done(j->arg, j->rc);
	free(j);
}

/* Run one batch in one transaction. */
static void
writer_batch(struct wjob **batch, int n)
{
	int	i, committed = 0;
	size_t	mark;

	if (db_begin(writer_db) == 0) {
		for (i = 0; i < n; i++) {
			if (db_exec(writer_db, "SAVEPOINT job") != 0) {
				batch[i]->rc = -1;
				continue;
			}
			mark = stream_pending_mark();
			batch[i]->rc = batch[i]->fn(writer_db, batch[i]->arg);
			/* A write that left a savepoint open failed. */
			db_unwind(writer_db, 1);
			if (batch[i]->rc != 0) {
				db_exec(writer_db, "ROLLBACK TO job");
				stream_pending_cut(mark);
			}
			db_exec(writer_db, "RELEASE job");
		}
		committed = db_commit(writer_db) == 0;
	} else
		log_error("writer: cannot begin: %s", db_errmsg(writer_db));
	for (i = 0; i < n; i++) {
		if (!committed)
			batch[i]->rc = -1;
		else if (batch[i]->rc == 0 && batch[i]->after != NULL)
			batch[i]->after(writer_db, batch[i]->arg);
		worker_post(batch[i]->loop, writer_deliver, batch[i]);
	}
	/* The batch's notifications, to the streams, once committed. */
	if (committed)
		stream_pending_publish();
	else
		stream_pending_cut(0);
	if (n > 1)
		log_debug("writer: committed %d writes in one transaction", n);
}

/* The writer thread: take whatever is queued, commit it, repeat. */
static void *
writer_main(void *unused)
{
	struct wjob	*batch[WRITER_BATCH_MAX], *j;
	int		 n;

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
		writer_batch(batch, n);
		pthread_mutex_lock(&writer_lock);
	}
	pthread_mutex_unlock(&writer_lock);
	return NULL;
}

/* Open the writer's connection and start its thread. */
int
writer_start(const char *path, enum sync_mode sync, char **cause)
{
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
}

/*
 * Queue a write: fn(db, arg) runs in a transaction on the writer thread,
 * after(db, arg) once it has committed, then done(arg, rc) on loop's thread
 * with rc 0 if fn succeeded and its transaction committed. -1 if the queue is
 * full (answer 503).
 */
int
writer_submit(struct loop *loop, write_fn fn, write_fn after, written_fn done,
    void *arg)
{
	struct wjob	*j;

	pthread_mutex_lock(&writer_lock);
	if (!writer_running || writer_queued >= WRITER_QUEUE_MAX) {
		pthread_mutex_unlock(&writer_lock);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->loop = loop;
	j->fn = fn;
	j->after = after;
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
writer_background(struct loop *loop, write_fn fn, void *arg)
{
	if (writer_submit(loop, fn, NULL, writer_background_done, arg) != 0)
		free(arg);
}
