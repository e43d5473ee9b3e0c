/*
 * media-jobs.c: the media work no request waits for. A large picture
 * sent to POST /api/v2/media is answered 202 as soon as it is kept as it
 * came and recorded (state processing); it is then decoded on a heavy
 * worker and the result recorded by the writer, and a restart picks up
 * whatever was left processing, so an accepted upload is never lost.
 * Every hour, on the first loop: uploads no post took within a day are
 * removed (rows and files), stuck decodes are tried again, and a
 * twenty-fourth of the media folders is swept for files nothing refers
 * to (a crash between a write and its clean-up), so the whole tree is
 * swept daily.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "handlers.h"
#include "api.h"

#define HOUSEKEEPING_EVERY	3600	/* seconds */
#define SWEEP_AGE		86400	/* files younger are being written */
#define SWEEP_PER_RUN		(MEDIA_SWEEP_FOLDERS / 24 + 1)
#define RESUME_MAX		200	/* decodes picked up per run */
#define STUCK_AFTER		600	/* a decode this old was lost */

/* One decode no request waits for. */
struct media_async {
	struct media_upload	 up;
	struct loop		*loop;
	struct arena		*arena;
	void			*buf;	/* the upload, read back */
	int			 skipped;	/* stopping: left for the next
						   start */
};

static void
media_async_free(struct media_async *a)
{
	free(a->buf);
	arena_free(a->arena);
	free(a);
}

/* On a heavy worker: read the upload back and decode it. */
static void
media_async_work(void *arg)
{
	struct media_async	*a = arg;

	if (media_stopping_now()) {
		a->skipped = 1;
		return;
	}
	if (media_incoming_load(&a->up, a->up.config->media_max_image_size +
	    1) != 0)
		return;
	a->buf = (void *)a->up.data;
	media_upload_work(&a->up);
}

static int
media_async_write(struct db *db, void *arg)
{
	char	*cause = NULL;
	int	 rc = media_processed_cmd(db, arg, &cause);

	free(cause);
	return rc == E_OK ? 0 : -1;
}

static void
media_async_written(void *arg, int rc)
{
	(void)rc;
	media_async_free(arg);
}

/* Back on the loop: record the outcome. */
static void
media_async_done(void *arg)
{
	struct media_async	*a = arg;

	if (a->skipped) {
		media_async_free(a);
		return;
	}
	if (writer_submit(a->loop, media_async_write, media_async_written,
	    a) != 0) {
		/* tried again by the hourly run (the files made go) */
		log_warn("media %lld: the writer is busy; the picture will be "
		    "decoded again later", (long long)a->up.id);
		media_upload_discard(&a->up);
		media_async_free(a);
	}
}

/*
 * Decode the recorded upload id (its incoming file) on a heavy worker
 * of loop, with no request waiting.
 */
void
media_async_start(struct loop *loop, const struct config *c, int64_t owner,
    int64_t id, const char *incoming, const char *filename)
{
	struct media_async	*a = xcalloc(1, sizeof *a);

	a->loop = loop;
	a->arena = arena_new();
	media_upload_init(&a->up, owner, c, a->arena);
	a->up.id = id;
	a->up.filename = arena_strdup(a->arena, filename != NULL ? filename :
	    "");
	snprintf(a->up.incoming, sizeof a->up.incoming, "%s", incoming);
	if (worker_submit_heavy(loop, media_async_work, media_async_done, a,
	    1) != 0) {
		log_warn("media %lld: the workers are busy; the picture will "
		    "be decoded later", (long long)id);
		media_async_free(a);
	}
}

/* Pick up the decodes left processing (at start; stuck ones later). */
static void
media_resume(struct loop *loop, int64_t older_than)
{
	const struct config	*c = loop->server->config;
	struct arena		*a = arena_new();
	struct media		*list[RESUME_MAX];
	size_t			 i, n;

	n = media_processing(loop->db, a, list, RESUME_MAX);
	for (i = 0; i < n; i++) {
		if (list[i]->incoming == NULL ||
		    list[i]->created_at > older_than)
			continue;
		media_async_start(loop, c, list[i]->owner_id, list[i]->id,
		    list[i]->incoming, list[i]->filename);
	}
	if (n > 0)
		log_info("media: %zu picture(s) left processing, decoding "
		    "them now", n);
	arena_free(a);
}

/* One hour's sweep: a share of the folders, walked on a worker. */
struct media_sweep_job {
	struct loop		*loop;
	struct media_sweep	 s;
	int			 from, to;
};

static void
sweep_free(struct media_sweep_job *j)
{
	media_sweep_free(&j->s);
	free(j->s.data_dir);
	free(j);
}

/* On a worker: walk the run's folders. */
static void
sweep_work(void *arg)
{
	struct media_sweep_job	*j = arg;

	media_sweep_collect(&j->s, j->from, j->to, time(NULL) - SWEEP_AGE);
}

/* On the writer: remove what no row and no profile refers to. */
static int
sweep_write(struct db *db, void *arg)
{
	struct media_sweep_job	*j = arg;
	size_t			 removed = media_sweep_remove(db, &j->s, 0);

	if (removed > 0 || j->s.tmp_removed > 0)
		log_info("media: removed %zu file(s) nothing refers to and %zu "
		    "unfinished write(s)", removed, j->s.tmp_removed);
	return 0;
}

static void
sweep_written(void *arg, int rc)
{
	(void)rc;
	sweep_free(arg);
}

static void
sweep_done(void *arg)
{
	struct media_sweep_job	*j = arg;

	if (j->s.n == 0) {
		if (j->s.tmp_removed > 0)
			log_info("media: removed %zu unfinished write(s)",
			    j->s.tmp_removed);
		sweep_free(j);
		return;
	}
	if (writer_submit(j->loop, sweep_write, sweep_written, j) != 0)
		sweep_free(j);
}

/* On the writer: uploads no post took within a day go. */
static int
expire_write(struct db *db, void *arg)
{
	int	n = media_expire(db, arg, time(NULL));

	if (n > 0)
		log_info("media: removed %d upload(s) no post took within a "
		    "day", n);
	return n < 0 ? -1 : 0;
}

static void
expire_written(void *arg, int rc)
{
	(void)rc;
	free(arg);
}

/* The hourly run. */
static void
media_housekeeping(evutil_socket_t fd, short what, void *arg)
{
	static int		 next;
	struct loop		*loop = arg;
	const struct config	*c = loop->server->config;
	struct media_sweep_job	*s;

	(void)fd;
	(void)what;
	if (writer_submit(loop, expire_write, expire_written,
	    xstrdup(c->data_dir)) != 0)
		log_warn("media: the writer is busy; old uploads are removed "
		    "next hour");
	media_resume(loop, time(NULL) - STUCK_AFTER);
	s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->s.data_dir = xstrdup(c->data_dir);
	s->from = next;
	s->to = next + SWEEP_PER_RUN > MEDIA_SWEEP_FOLDERS ?
	    MEDIA_SWEEP_FOLDERS : next + SWEEP_PER_RUN;
	next = s->to == MEDIA_SWEEP_FOLDERS ? 0 : s->to;
	if (worker_submit(loop, sweep_work, sweep_done, s) != 0)
		sweep_free(s);
}

static struct event	*housekeeping_ev;

/* hearthd serves (on the first loop): resume decodes, start the hours. */
void
media_serving(struct loop *loop)
{
	struct timeval	tv = { HOUSEKEEPING_EVERY, 0 };

	media_resume(loop, INT64_MAX);
	housekeeping_ev = event_new(loop->base, -1, EV_PERSIST,
	    media_housekeeping, loop);
	event_add(housekeeping_ev, &tv);
}

/* hearthd stops. */
void
media_stopping(void)
{
	media_stop();
	if (housekeeping_ev != NULL) {
		event_free(housekeeping_ev);
		housekeeping_ev = NULL;
	}
}
