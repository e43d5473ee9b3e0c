/*
 * directory-jobs.c: the scheduled directory sync (auth.ldap.sync_interval;
 * docs/authentication.md). On the first loop a timer starts it: the
 * directory is read on a worker (it blocks), then the writer applies it
 * (directory_sync: leavers deactivated, profiles and roles brought up to
 * date), and the log says what changed. A run that fails, or that the
 * guard refuses, changes nothing and says why; the next one tries again.
 */
#include <stdlib.h>

#include <event2/event.h>

#include "handlers.h"
#include "api.h"

/* One run. */
struct dir_job {
	struct loop		*loop;
	struct arena		*arena;
	struct claims		*people;
	size_t			 n;
	int			 rc;
	char			*cause;
	struct dir_sync		 sync;
};

static struct event	*dir_ev;
static int		 dir_running;	/* on the first loop only */

/* Free a run's memory. */
static void
dir_job_free(struct dir_job *j)
{
	free(j->people);
	free(j->cause);
	arena_free(j->arena);
	free(j);
	dir_running = 0;
}

/* On the writer: apply the listing. */
static int
dir_job_write(struct db *db, void *arg)
{
	struct dir_job	*j = arg;

	j->rc = directory_sync(db, IDP_LDAP, j->people, j->n, &j->sync,
	    &j->cause);
	return j->rc == E_OK ? 0 : -1;
}

/* Written (or refused): say what happened. */
static void
dir_job_written(void *arg, int rc)
{
	struct dir_job	*j = arg;

	(void)rc;
	if (j->rc == E_OK)
		log_info("directory sync: %d people listed, %d accounts "
		    "signed in through it: %d brought up to date, %d "
		    "deactivated", j->sync.seen, j->sync.linked,
		    j->sync.updated, j->sync.deactivated);
	else
		log_error("directory sync: %s", j->cause ? j->cause :
		    "the database refused the changes");
	dir_job_free(j);
}

/* On a worker: read the directory. */
static void
dir_job_work(void *arg)
{
	struct dir_job	*j = arg;
	const struct config *c = j->loop->server->config;

	j->rc = ldap_directory_read(c, j->arena, &j->people, &j->n,
	    &j->cause);
}

/* Back on the loop: on to the writer, unless reading failed. */
static void
dir_job_done(void *arg)
{
	struct dir_job	*j = arg;

	if (j->rc != 0) {
		log_error("directory sync: the directory could not be read, "
		    "nothing changed: %s", j->cause ? j->cause : "?");
		dir_job_free(j);
		return;
	}
	if (writer_submit(j->loop, dir_job_write, dir_job_written, j) != 0) {
		log_warn("directory sync: the writer is busy; next time");
		dir_job_free(j);
	}
}

/* The timer: start a run unless one is under way. */
static void
dir_tick(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*loop = arg;
	struct dir_job	*j;

	(void)fd;
	(void)what;
	if (dir_running)
		return;
	j = xcalloc(1, sizeof *j);
	j->loop = loop;
	j->arena = arena_new();
	dir_running = 1;
	if (worker_submit(loop, dir_job_work, dir_job_done, j) != 0) {
		log_warn("directory sync: the workers are busy; next time");
		dir_job_free(j);
	}
}

/* hearthd serves: sync now and every auth.ldap.sync_interval. */
void
directory_serving(struct loop *loop)
{
	const struct config	*c = loop->server->config;
	struct timeval		 tv = { c->ldap_sync_interval, 0 };
	struct timeval		 soon = { 5, 0 };

	if (!config_ldap(c) || c->ldap_sync_interval <= 0)
		return;
	log_info("directory sync: every %lds", c->ldap_sync_interval);
	dir_ev = event_new(loop->base, -1, EV_PERSIST, dir_tick, loop);
	event_add(dir_ev, &tv);
	/* the first run a little after the start, not in its rush */
	event_base_once(loop->base, -1, EV_TIMEOUT, dir_tick, loop, &soon);
}

/* hearthd stops. */
void
directory_stopping(void)
{
	if (dir_ev != NULL) {
		event_free(dir_ev);
		dir_ev = NULL;
	}
}
