/*
 * events.c: what the domain tells the rest of hearth when something has
 * happened: a post written, edited or deleted, a notification made, a
 * follow, a person created. A domain write emits an event inside its
 * transaction; the subscribers registered at startup (the streams, the
 * modules' after hooks) hear it once that transaction has committed, on the
 * committing thread, and never if it rolled back. So no path that writes
 * can forget a consequence, and the domain calls no one above it.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"

#define SUBSCRIBERS_MAX	8	/* per kind */

static struct {
	event_fn	 fn[SUBSCRIBERS_MAX];
	size_t		 n;
} subscribers[EV_NKINDS];

/* An event waiting for its commit: a copy that owns its lists. */
struct pending {
	struct db	*db;
	struct event	 ev;
	struct idlist	 to;
};

/* Hear events of a kind (at startup, before any thread writes). */
void
events_subscribe(enum event_kind kind, event_fn fn)
{
	if (subscribers[kind].n == SUBSCRIBERS_MAX)
		fatalx("events: too many subscribers to event %d", kind);
	subscribers[kind].fn[subscribers[kind].n++] = fn;
}

/* Forget every subscriber (at shutdown, and between tests). */
void
events_reset(void)
{
	memset(subscribers, 0, sizeof subscribers);
}

/* The transaction ended: tell the subscribers if it committed. */
static void
events_deliver(void *arg, int committed)
{
	struct pending	*p = arg;
	size_t		 i;

	for (i = 0; committed && i < subscribers[p->ev.kind].n; i++)
		subscribers[p->ev.kind].fn[i](p->db, &p->ev);
	free(p->to.ids);
	free((char *)p->ev.text);
	free(p);
}

/*
 * Emit an event from inside a write: it is copied, and delivered when the
 * write's transaction commits.
 */
void
events_emit(struct db *db, const struct event *ev)
{
	struct pending	*p;

	if (subscribers[ev->kind].n == 0)
		return;		/* nobody listens (hearthctl, say) */
	p = xcalloc(1, sizeof *p);
	p->db = db;
	p->ev = *ev;
	if (ev->to != NULL && ev->to->n > 0) {
		p->to.ids = xcalloc(ev->to->n, sizeof *p->to.ids);
		memcpy(p->to.ids, ev->to->ids, ev->to->n * sizeof *p->to.ids);
		p->to.n = p->to.cap = ev->to->n;
	}
	p->ev.to = &p->to;
	p->ev.text = ev->text != NULL ? xstrdup(ev->text) : NULL;
	db_after_commit(db, events_deliver, p);
}
