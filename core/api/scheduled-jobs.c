/*
 * scheduled-jobs.c: scheduled posts go out. Every second, on the first
 * loop, the posts due (an index on scheduled_at makes the look quick) are
 * prepared as the API prepares a post (post_prepare: Markdown, mentions)
 * and handed to the writer together, which publishes each by deleting
 * its row in the transaction that inserts the post (scheduled_publish):
 * exactly once, even across a crash. One batch at a time; what is overdue
 * at the start (hearthd was stopped) goes out on the first tick.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "handlers.h"
#include "api.h"

#define SCHEDULED_TICK		1	/* seconds */
#define SCHEDULED_BATCH		32	/* posts per batch */

/* One batch going out. */
struct scheduled_batch {
	struct arena		*arena;
	struct scheduled_publish p[SCHEDULED_BATCH];
	size_t			 n;
};

static struct event	*scheduled_ev;
static int		 scheduled_busy;	/* a batch is with the writer */

/* On the writer: publish (or drop) each. */
static int
scheduled_batch_write(struct db *db, void *arg)
{
	struct scheduled_batch	*b = arg;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		if (scheduled_publish(db, &b->p[i]) != 0)
			return -1;
	}
	return 0;
}

/* Back on the loop: the next batch may go. */
static void
scheduled_batch_written(void *arg, int rc)
{
	struct scheduled_batch	*b = arg;
	size_t			 i, published = 0;

	if (rc != 0)
		log_warn("scheduled posts: the database refused a batch; "
		    "trying again");
	for (i = 0; rc == 0 && i < b->n; i++)
		published += b->p[i].post_id != 0;
	if (published > 0)
		log_info("scheduled posts: %zu published", published);
	arena_free(b->arena);
	free(b);
	scheduled_busy = 0;
}

/* Prepare the due post s as p: its draft, or why it is dropped. */
static void
scheduled_prepare(struct loop *loop, struct scheduled_batch *b,
    const struct scheduled *s, struct scheduled_publish *p)
{
	const struct config	*c = loop->server->config;
	struct post_draft	*d = arena_alloc(b->arena, sizeof *d);
	struct user		*u;
	const char		*msg = NULL;

	memset(p, 0, sizeof *p);
	p->id = s->id;
	p->user_id = s->user_id;
	if ((u = user_get(loop->db, b->arena, s->user_id)) == NULL ||
	    u->disabled) {
		p->why = "the account is deactivated";
		return;
	}
	if (scheduled_draft(b->arena, s, d) != 0) {
		p->why = "its parameters cannot be read";
		return;
	}
	if (post_prepare(loop->db, d, c->base_url, &msg) != 0) {
		p->why = msg != NULL ? msg : "it is no longer a valid post";
		return;
	}
	p->d = d;
}

/* The tick: send what is due to the writer, unless a batch is there. */
static void
scheduled_tick(evutil_socket_t fd, short what, void *arg)
{
	struct loop		*loop = arg;
	struct scheduled_batch	*b;
	struct scheduled	 due[SCHEDULED_BATCH];
	size_t			 i, n;

	(void)fd;
	(void)what;
	if (scheduled_busy)
		return;
	b = xcalloc(1, sizeof *b);
	b->arena = arena_new();
	n = scheduled_due(loop->db, b->arena, time(NULL), due,
	    SCHEDULED_BATCH);
	for (i = 0; i < n; i++)
		scheduled_prepare(loop, b, &due[i], &b->p[b->n++]);
	if (b->n == 0 || writer_submit(loop, scheduled_batch_write,
	    scheduled_batch_written, b) != 0) {
		if (b->n > 0)
			log_warn("scheduled posts: the writer is busy; trying "
			    "again");
		arena_free(b->arena);
		free(b);
		return;
	}
	scheduled_busy = 1;
}

/* hearthd serves (on the first loop): tick every second. */
void
scheduled_serving(struct loop *loop)
{
	struct timeval	tv = { SCHEDULED_TICK, 0 };

	scheduled_ev = event_new(loop->base, -1, EV_PERSIST, scheduled_tick,
	    loop);
	event_add(scheduled_ev, &tv);
}

/* hearthd stops: what is not out yet goes at the next start. */
void
scheduled_stopping(void)
{
	if (scheduled_ev != NULL) {
		event_free(scheduled_ev);
		scheduled_ev = NULL;
	}
}
