/*
 * worker.c: a pool of threads for work that must not run on an event loop
 * (argon2id, later outbound federation). A job's work function runs on a
 * worker; its done function then runs back on the loop thread that submitted
 * it, woken through that loop's notify event. The queue is bounded, so a
 * flood of logins is refused (503) instead of piling up without end.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "request.h"

struct job {
	struct loop	*loop;
	job_fn		 work;
	job_fn		 done;
	void		*arg;
	int		 heavy;		/* counts against worker_heavy_max */
	TAILQ_ENTRY(job) entry;
};

static pthread_mutex_t		 worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 worker_cond = PTHREAD_COND_INITIALIZER;
static TAILQ_HEAD(, job)	 worker_queue = TAILQ_HEAD_INITIALIZER(worker_queue);
static pthread_t		*worker_threads;
static int			 worker_count;
static int			 worker_queued;
static int			 worker_max_queue;
static int			 worker_stopping;
static int			 worker_heavy_max = 1;
static int			 worker_heavy_running;
static uint64_t			 worker_jobs;		/* queued, ever */
static uint64_t			 worker_refused;	/* queue full */

/*
 * The first job a worker may take: heavy jobs (decoding an uploaded image:
 * tens of MB and a core for a while) only while fewer than
 * worker_heavy_max run, so a burst of uploads can neither take every
 * worker from sign-ins nor hold more images in memory than that at once;
 * they wait their turn in the queue, behind which lighter work passes.
 */
static struct job *
worker_next(void)
{
	struct job	*j;

	TAILQ_FOREACH(j, &worker_queue, entry) {
		if (!j->heavy || worker_heavy_running < worker_heavy_max)
			return j;
	}
	return NULL;
}

/* Run jobs until told to stop. */
static void *
worker_main(void *arg)
{
	struct job	*j;
	struct loop	*loop;

	(void)arg;
	/*
	 * Below the loops: a burst of sign-ins (argon2id is ~20 ms of CPU each)
	 * must not slow every page. Nice 10, not 19: sign-ins still progress
	 * when pages keep the CPU busy. (On Linux, nice is per thread.)
	 */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10) != 0)
		log_debug("worker: cannot lower priority");
	pthread_mutex_lock(&worker_lock);
	for (;;) {
		while ((j = worker_next()) == NULL &&
		    !(worker_stopping && TAILQ_EMPTY(&worker_queue)))
			pthread_cond_wait(&worker_cond, &worker_lock);
		if (j == NULL)
			break;		/* stopping, and nothing left */
		TAILQ_REMOVE(&worker_queue, j, entry);
		worker_queued--;
		worker_heavy_running += j->heavy;
		pthread_mutex_unlock(&worker_lock);

		j->work(j->arg);

		if (j->heavy) {
			pthread_mutex_lock(&worker_lock);
			worker_heavy_running--;
			/* a heavy job may have been waiting for this one */
			pthread_cond_broadcast(&worker_cond);
			pthread_mutex_unlock(&worker_lock);
		}

		loop = j->loop;
		pthread_mutex_lock(&loop->done_lock);
		TAILQ_INSERT_TAIL(&loop->done, j, entry);
		pthread_mutex_unlock(&loop->done_lock);
		event_active(loop->notify, EV_READ, 0);
		/* j now belongs to the loop. */

		pthread_mutex_lock(&worker_lock);
	}
	pthread_mutex_unlock(&worker_lock);
	return NULL;
}

/* Start n workers (0: half the cores) with a queue of at most max_queue. */
int
worker_start(int n, int max_queue)
{
	int	i;

	/* By default half the cores: however many people sign in at once,
	 * password hashing never takes more than half the machine from the
	 * pages. */
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN) / 2;
	if (n <= 0)
		n = 1;
	worker_threads = xcalloc(n, sizeof *worker_threads);
	worker_max_queue = max_queue;
	worker_stopping = 0;
	for (i = 0; i < n; i++) {
		if (pthread_create(&worker_threads[i], NULL, worker_main, NULL)
		    != 0)
			return -1;
		worker_count++;
	}
	return 0;
}

/* Finish queued jobs and stop the workers. */
void
worker_stop(void)
{
	int	i;

	pthread_mutex_lock(&worker_lock);
	worker_stopping = 1;
	pthread_cond_broadcast(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
	for (i = 0; i < worker_count; i++)
		pthread_join(worker_threads[i], NULL);
	free(worker_threads);
	worker_threads = NULL;
	worker_count = 0;
}

/* At most n heavy jobs at once (media.jobs). */
void
worker_set_heavy(int n)
{
	pthread_mutex_lock(&worker_lock);
	worker_heavy_max = n > 0 ? n : 1;
	pthread_cond_broadcast(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
}

/* Queue work; done will run on loop's thread. -1 if the queue is full. */
int
worker_submit(struct loop *loop, job_fn work, job_fn done, void *arg)
{
	return worker_submit_heavy(loop, work, done, arg, 0);
}

/* As worker_submit; heavy: one of the jobs worker_set_heavy bounds. */
int
worker_submit_heavy(struct loop *loop, job_fn work, job_fn done, void *arg,
    int heavy)
{
	struct job	*j;

	pthread_mutex_lock(&worker_lock);
	if (worker_queued >= worker_max_queue || worker_stopping) {
		worker_refused += !worker_stopping;
		pthread_mutex_unlock(&worker_lock);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->loop = loop;
	j->work = work;
	j->done = done;
	j->arg = arg;
	j->heavy = heavy;
	TAILQ_INSERT_TAIL(&worker_queue, j, entry);
	worker_queued++;
	worker_jobs++;
	/* every worker looks: the first may only find heavy jobs it may
	 * not take */
	pthread_cond_broadcast(&worker_cond);
	pthread_mutex_unlock(&worker_lock);
	return 0;
}

/* The pool's counts, for the metrics. */
void
worker_stats(struct worker_stats *st)
{
	pthread_mutex_lock(&worker_lock);
	st->threads = worker_count;
	st->queued = worker_queued;
	st->queue_max = worker_max_queue;
	st->heavy_running = worker_heavy_running;
	st->jobs = worker_jobs;
	st->refused = worker_refused;
	pthread_mutex_unlock(&worker_lock);
}

/* From any thread: run done(arg) on loop's thread soon. */
void
worker_post(struct loop *loop, job_fn done, void *arg)
{
	struct job	*j = xcalloc(1, sizeof *j);

	j->loop = loop;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&loop->done_lock);
	TAILQ_INSERT_TAIL(&loop->done, j, entry);
	pthread_mutex_unlock(&loop->done_lock);
	event_active(loop->notify, EV_READ, 0);
}

/* On a loop thread: run the done functions of finished jobs. */
void
worker_deliver(struct loop *loop)
{
	TAILQ_HEAD(, job)	 ready = TAILQ_HEAD_INITIALIZER(ready);
	struct job		*j;

	pthread_mutex_lock(&loop->done_lock);
	TAILQ_CONCAT(&ready, &loop->done, entry);
	pthread_mutex_unlock(&loop->done_lock);
	while ((j = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, j, entry);
		j->done(j->arg);
		free(j);
	}
}
