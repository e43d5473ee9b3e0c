/*
 * checkpoint.c: WAL checkpoints on a thread of their own. Request threads open
 * their connections with wal_autocheckpoint off, so a commit never pays for a
 * checkpoint; this thread copies the WAL back into the database every second
 * (PASSIVE: it never waits for readers or writers) and truncates it when the
 * WAL has grown large and nobody is reading.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "store.h"

#define CHECKPOINT_INTERVAL_MS	1000
#define CHECKPOINT_TRUNCATE	16384	/* WAL frames, about 64 MiB */

static pthread_t	 checkpoint_thread;
static pthread_mutex_t	 checkpoint_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 checkpoint_cond = PTHREAD_COND_INITIALIZER;
static int		 checkpoint_running;
static struct db	*checkpoint_db;

/* Checkpoint until told to stop. */
static void *
checkpoint_main(void *arg)
{
	struct timespec	ts;
	int		log_frames, ckpt_frames, mode;

	(void)arg;
	pthread_mutex_lock(&checkpoint_lock);
	while (checkpoint_running) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CHECKPOINT_INTERVAL_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&checkpoint_cond, &checkpoint_lock, &ts);
		if (!checkpoint_running)
			break;
		pthread_mutex_unlock(&checkpoint_lock);
		mode = SQLITE_CHECKPOINT_PASSIVE;
		if (sqlite3_wal_checkpoint_v2(db_handle(checkpoint_db), NULL,
		    mode, &log_frames, &ckpt_frames) == SQLITE_OK &&
		    log_frames > CHECKPOINT_TRUNCATE &&
		    log_frames == ckpt_frames) {
			/* Everything is copied: shrink the file. TRUNCATE waits
			 * for writers (busy_timeout), but only this thread. */
			sqlite3_wal_checkpoint_v2(db_handle(checkpoint_db), NULL,
			    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		}
		pthread_mutex_lock(&checkpoint_lock);
	}
	pthread_mutex_unlock(&checkpoint_lock);
	return NULL;
}

/* Start the checkpointer on its own connection to path. */
int
checkpoint_start(const char *path, char **cause)
{
	if ((checkpoint_db = db_open(path, SYNC_FULL, 0, cause)) == NULL)
		return -1;
	checkpoint_running = 1;
	if (pthread_create(&checkpoint_thread, NULL, checkpoint_main, NULL)
	    != 0) {
		*cause = xstrdup("cannot start the checkpoint thread");
		db_close(checkpoint_db);
		checkpoint_running = 0;
		return -1;
	}
	return 0;
}

/* Stop the checkpointer after a last full checkpoint. */
void
checkpoint_stop(void)
{
	if (!checkpoint_running)
		return;
	pthread_mutex_lock(&checkpoint_lock);
	checkpoint_running = 0;
	pthread_cond_signal(&checkpoint_cond);
	pthread_mutex_unlock(&checkpoint_lock);
	pthread_join(checkpoint_thread, NULL);
	sqlite3_wal_checkpoint_v2(db_handle(checkpoint_db), NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	db_close(checkpoint_db);
	checkpoint_db = NULL;
}
