/*
 * poll-jobs.c: polls end. Every few seconds, on the first loop, the polls
 * past their end whose people were not told yet (an index on expires_at
 * keeps the look quick) go to the writer together; poll_end marks each
 * ended in the transaction that notifies its voters and its author, so
 * each is told once, even across a crash or a restart (what ended while
 * hearthd was stopped is told on the first tick).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "handlers.h"
#include "api.h"

#define POLL_TICK	2	/* seconds */
#define POLL_BATCH	32	/* polls per batch */

/* One batch of ended polls. */
struct poll_batch {
	int64_t		 ids[POLL_BATCH];
	size_t		 n;
};

static struct event	*poll_ev;
static int		 poll_busy;	/* a batch is with the writer */

/* On the writer: end each. */
static int
poll_batch_write(struct db *db, void *arg)
{
	struct poll_batch	*b = arg;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		if (poll_end(db, b->ids[i]) != 0)
			return -1;
	}
	return 0;
}

/* Back on the loop: the next batch may go. */
static void
poll_batch_written(void *arg, int rc)
{
	struct poll_batch	*b = arg;

	if (rc != 0)
		log_warn("polls: the database refused a batch of ended polls; "
		    "trying again");
	free(b);
	poll_busy = 0;
}

/* The tick: send the ended polls to the writer, unless a batch is there. */
static void
poll_tick(evutil_socket_t fd, short what, void *arg)
{
	struct loop		*loop = arg;
	struct poll_batch	*b;

	(void)fd;
	(void)what;
	if (poll_busy)
		return;
	b = xcalloc(1, sizeof *b);
	b->n = poll_due(loop->db, time(NULL), b->ids, POLL_BATCH);
	if (b->n == 0 || writer_submit(loop, poll_batch_write,
	    poll_batch_written, b) != 0) {
		free(b);
		return;
	}
	poll_busy = 1;
}

/* hearthd serves (on the first loop): look every POLL_TICK seconds. */
void
polls_serving(struct loop *loop)
{
	struct timeval	tv = { POLL_TICK, 0 };

	poll_ev = event_new(loop->base, -1, EV_PERSIST, poll_tick, loop);
	event_add(poll_ev, &tv);
}

/* hearthd stops: polls that end meanwhile are told at the next start. */
void
polls_stopping(void)
{
	if (poll_ev != NULL) {
		event_free(poll_ev);
		poll_ev = NULL;
	}
}
