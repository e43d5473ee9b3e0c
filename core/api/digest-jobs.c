/*
 * digest-jobs.c: the scheduled e-mail digests (mail.*, docs/configuration.md).
 * While mail is set up, a timer on the first loop looks every minute; in
 * the hour of mail.digest_hour (local time) a run starts on a worker: it
 * opens its own read-only connection, finds whose digest is due, builds
 * and sends each (sendmail or SMTP block, so never on a loop), then the
 * writer records the ones that went, so a restart never sends them again.
 * A digest that fails to send is not recorded and is tried on the next
 * tick; an empty one is never sent.
 */
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "handlers.h"
#include "api.h"

#define DIGEST_TICK	60	/* seconds between looks */

/* One run: who got theirs, up to which notification. */
struct digest_job {
	struct loop	*loop;
	int64_t		 now;
	size_t		 n;
	int64_t		*users;
	int64_t		*last_ids;
	int		 failed;
};

static struct event	*digest_ev;
static int		 digest_running;	/* on the first loop only */

/* Free a run. */
static void
digest_job_free(struct digest_job *j)
{
	free(j->users);
	free(j->last_ids);
	free(j);
	digest_running = 0;
}

/* Remember one that went (on the worker). */
static void
digest_job_sent(int64_t user, int64_t last_id, void *arg)
{
	struct digest_job	*j = arg;

	j->users = xrealloc(j->users, (j->n + 1) * sizeof *j->users);
	j->last_ids = xrealloc(j->last_ids, (j->n + 1) * sizeof *j->last_ids);
	j->users[j->n] = user;
	j->last_ids[j->n] = last_id;
	j->n++;
}

/* On a worker: its own read-only connection, then build and send. */
static void
digest_job_work(void *arg)
{
	struct digest_job	*j = arg;
	const struct config	*c = j->loop->server->config;
	struct db		*db;
	char			*path = config_db_path(c), *cause = NULL;

	db = db_open(path, c->synchronous, DB_READONLY | DB_NOCHECKPOINT,
	    &cause);
	free(path);
	if (db == NULL) {
		log_error("digest: %s", cause);
		free(cause);
		j->failed = 1;
		return;
	}
	if (digest_run(db, c, j->now, 0, digest_job_sent, j) < 0)
		j->failed = 1;
	db_close(db);
}

/* On the writer: record what went. */
static int
digest_job_write(struct db *db, void *arg)
{
	struct digest_job	*j = arg;
	size_t			 i;

	for (i = 0; i < j->n; i++) {
		if (digest_mark_sent(db, j->users[i], j->now,
		    j->last_ids[i]) != E_OK)
			return -1;
	}
	return 0;
}

/* Recorded (or not: then the log says so, once). */
static void
digest_job_written(void *arg, int rc)
{
	struct digest_job	*j = arg;

	if (rc != 0)
		log_error("digest: %zu sent digests could not be recorded; "
		    "they may be sent again", j->n);
	digest_job_free(j);
}

/* Back on the loop: on to the writer if anything went. */
static void
digest_job_done(void *arg)
{
	struct digest_job	*j = arg;

	if (j->n == 0) {
		digest_job_free(j);
		return;
	}
	if (writer_submit(j->loop, digest_job_write, digest_job_written,
	    j) != 0) {
		log_error("digest: the writer is busy; %zu sent digests not "
		    "recorded", j->n);
		digest_job_free(j);
	}
}

/* The timer: in the digest hour, start a run unless one is under way. */
static void
digest_tick(evutil_socket_t fd, short what, void *arg)
{
	struct loop		*loop = arg;
	const struct config	*c = loop->server->config;
	struct digest_job	*j;
	struct tm		 tm;
	time_t			 now = time(NULL);

	(void)fd;
	(void)what;
	localtime_r(&now, &tm);
	if (digest_running || tm.tm_hour != c->mail_digest_hour)
		return;
	j = xcalloc(1, sizeof *j);
	j->loop = loop;
	j->now = (int64_t)now;
	digest_running = 1;
	if (worker_submit(loop, digest_job_work, digest_job_done, j) != 0) {
		log_warn("digest: the workers are busy; next minute");
		digest_job_free(j);
	}
}

/* hearthd serves: look every minute while mail is set up. */
void
digest_serving(struct loop *loop)
{
	const struct config	*c = loop->server->config;
	struct timeval		 tv = { DIGEST_TICK, 0 };
	struct timeval		 soon = { 2, 0 };

	if (!mail_configured(c))
		return;
	log_info("digest: e-mail digests at %02d:00 through %s",
	    c->mail_digest_hour, c->mail_transport);
	digest_ev = event_new(loop->base, -1, EV_PERSIST, digest_tick, loop);
	event_add(digest_ev, &tv);
	/* a restart in the digest hour still sends what is due */
	event_base_once(loop->base, -1, EV_TIMEOUT, digest_tick, loop, &soon);
}

/* hearthd stops. */
void
digest_stopping(void)
{
	if (digest_ev != NULL) {
		event_free(digest_ev);
		digest_ev = NULL;
	}
}
