/*
 * stream.c: the open streaming connections (server-sent events) and what is
 * published to them. Each loop thread keeps its own list of streams; the
 * writer thread publishes an event after commit by posting a small message
 * to every loop, and the loop builds the entity with its own database
 * connection, once per stream owner, checking that the owner may read it.
 * An idle stream costs its evhttp connection and one struct stream.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "hearth.h"

#define STREAM_HEARTBEAT	30		/* seconds, between ":thump" */
#ifndef STREAM_MAX_BUFFER
#define STREAM_MAX_BUFFER	(1024 * 1024)	/* unsent bytes before closing */
#endif
#define STREAM_WRITE_TIMEOUT	300		/* seconds a write may stall */
#define STREAM_PENDING_MAX	10000		/* notifications per batch */

struct stream {
	struct evhttp_request		*ev;
	struct evhttp_connection	*evcon;
	struct stream_loop		*sl;
	int64_t				 user;
	enum stream_kind		 kind;
	LIST_ENTRY(stream)		 entry;
};

struct stream_loop {
	struct loop		*loop;
	struct event		*heartbeat;
	LIST_HEAD(, stream)	 streams;
};

enum stream_event { SE_UPDATE, SE_STATUS_UPDATE, SE_DELETE, SE_NOTIFICATION };

/* One event on its way to one loop. */
struct stream_msg {
	struct stream_loop	*sl;
	enum stream_event	 type;
	int64_t			 id;
	int			 everyone;	/* every user stream may get it */
	size_t			 n;
	int64_t			 to[];		/* user streams that may get it */
};

static struct stream_loop	*stream_loops;
static int			 stream_nloops;
static int			 stream_count;	/* open streams, all loops */

/* Notifications made by the writer's current batch: (id, recipient). */
static int64_t			*pending;
static size_t			 npending, pending_cap;

static const char *stream_names[] = {
	"update", "status.update", "delete", "notification"
};

/* The heartbeat interval: HEARTH_STREAM_HEARTBEAT seconds, for tests. */
static long
stream_heartbeat_secs(void)
{
	const char	*v = getenv("HEARTH_STREAM_HEARTBEAT");
	long		 n;

	if (v != NULL && (n = strtol(v, NULL, 10)) > 0 && n < 86400)
		return n;
	return STREAM_HEARTBEAT;
}

/* Forget a stream (its connection is gone or going). */
static void
stream_unlink(struct stream *s)
{
	LIST_REMOVE(s, entry);
	evhttp_connection_set_closecb(s->evcon, NULL, NULL);
	__atomic_sub_fetch(&stream_count, 1, __ATOMIC_RELAXED);
	free(s);
}

/* The client went away (or evhttp is freeing the connection). */
static void
stream_closed(struct evhttp_connection *evcon, void *arg)
{
	struct stream		*s = arg;
	struct evhttp_request	*ev = s->ev;

	(void)evcon;
	stream_unlink(s);
	/* A request evhttp detached from its failed connection is ours to
	 * free; one still attached is freed with the connection. */
	if (evhttp_request_get_connection(ev) == NULL)
		evhttp_request_free(ev);
}

/* Write bytes to a stream; close it if the client does not keep up. */
static void
stream_write(struct stream *s, const char *data, size_t len)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(
	    s->evcon);
	struct evhttp_connection *evcon = s->evcon;
	struct evbuffer		*b;

	if (bev != NULL &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > STREAM_MAX_BUFFER) {
		log_info("stream of user %lld: client too slow, closing",
		    (long long)s->user);
		stream_unlink(s);	/* the connection frees the request */
		evhttp_connection_free(evcon);
		return;
	}
	b = evbuffer_new();
	evbuffer_add(b, data, len);
	evhttp_send_reply_chunk(s->ev, b);
	evbuffer_free(b);
}

/* Every heartbeat: a comment line on each stream, so proxies keep it. */
static void
stream_thump(evutil_socket_t fd, short what, void *arg)
{
	struct stream_loop	*sl = arg;
	struct stream		*s, *next;

	(void)fd;
	(void)what;
	for (s = LIST_FIRST(&sl->streams); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		stream_write(s, ":thump\n\n", 8);
	}
}

/* Before the loops start: a stream list and heartbeat for each. */
void
stream_init(struct server *srv)
{
	struct timeval	tv = { stream_heartbeat_secs(), 0 };
	int		i;

	stream_nloops = srv->nloops;
	stream_loops = xcalloc(srv->nloops, sizeof *stream_loops);
	for (i = 0; i < srv->nloops; i++) {
		stream_loops[i].loop = &srv->loops[i];
		LIST_INIT(&stream_loops[i].streams);
		stream_loops[i].heartbeat = event_new(srv->loops[i].base, -1,
		    EV_PERSIST, stream_thump, &stream_loops[i]);
		event_add(stream_loops[i].heartbeat, &tv);
	}
}

/* After the loops stopped: forget the streams (evhttp frees them). */
void
stream_free(void)
{
	struct stream	*s;
	int		 i;

	for (i = 0; i < stream_nloops; i++) {
		while ((s = LIST_FIRST(&stream_loops[i].streams)) != NULL)
			stream_unlink(s);
		event_free(stream_loops[i].heartbeat);
	}
	free(stream_loops);
	stream_loops = NULL;
	stream_nloops = 0;
	free(pending);
	pending = NULL;
	npending = pending_cap = 0;
}

/* A stream's final chunk is written. */
static void
stream_flushed(struct evhttp_request *ev, void *arg)
{
	struct loop	*loop = arg;

	(void)ev;
	loop->unflushed--;
}

/* The loop starts draining: end its streams so shutdown need not wait. */
void
stream_drain(struct loop *loop)
{
	struct stream_loop	*sl;
	struct stream		*s;
	struct evhttp_request	*ev;

	if (stream_loops == NULL)
		return;
	sl = &stream_loops[loop->id];
	event_del(sl->heartbeat);
	while ((s = LIST_FIRST(&sl->streams)) != NULL) {
		ev = s->ev;
		stream_unlink(s);
		loop->unflushed++;
		evhttp_request_set_on_complete_cb(ev, stream_flushed, loop);
		evhttp_send_reply_end(ev);
	}
}

/*
 * Make an answered request a stream: the headers are sent (req.c counts
 * it answered) and the connection stays open. -1 if it cannot be.
 */
int
stream_open(struct req *r, enum stream_kind kind)
{
	struct stream		*s;
	struct evhttp_connection *evcon = evhttp_request_get_connection(r->ev);
	struct bufferevent	*bev;
	struct timeval		 wtv = { STREAM_WRITE_TIMEOUT, 0 };

	if (stream_loops == NULL || evcon == NULL || r->loop->draining)
		return -1;
	s = xcalloc(1, sizeof *s);
	s->ev = r->ev;
	s->evcon = evcon;
	s->sl = &stream_loops[r->loop->id];
	s->user = r->user->id;
	s->kind = kind;
	req_stream_start(r, "text/event-stream");
	/* No read timeout (a stream is idle by nature); a write that stalls
	 * this long means the client is gone. */
	if ((bev = evhttp_connection_get_bufferevent(evcon)) != NULL)
		bufferevent_set_timeouts(bev, NULL, &wtv);
	evhttp_connection_set_closecb(evcon, stream_closed, s);
	LIST_INSERT_HEAD(&s->sl->streams, s, entry);
	__atomic_add_fetch(&stream_count, 1, __ATOMIC_RELAXED);
	return 0;
}

/* Write one event (name, data) to a stream. */
static void
stream_event(struct stream *s, const char *name, struct evbuffer *data)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 len;

	evbuffer_add_printf(b, "event: %s\ndata: ", name);
	evbuffer_add(b, evbuffer_pullup(data, -1), evbuffer_get_length(data));
	evbuffer_add(b, "\n\n", 2);
	len = evbuffer_get_length(b);
	stream_write(s, (const char *)evbuffer_pullup(b, -1), len);
	evbuffer_free(b);
}

/* Whether a message is for a stream's owner (before visibility). */
static int
stream_wants(const struct stream *s, const struct stream_msg *m)
{
	size_t	i;

	if (s->kind == STREAM_PUBLIC)
		return m->type == SE_DELETE ? m->everyone :
		    m->type != SE_NOTIFICATION;
	if (m->everyone)
		return 1;
	for (i = 0; i < m->n; i++) {
		if (m->to[i] == s->user)
			return 1;
	}
	return 0;
}

/* On a loop: deliver a message to the streams it concerns. */
static void
stream_deliver(void *arg)
{
	struct stream_msg	*m = arg;
	struct stream_loop	*sl = m->sl;
	struct stream		*s, *next;
	struct ectx		 e;
	struct post		*p;
	struct evbuffer		*data;
	json_t			*j;

	if (stream_loops == NULL || sl->loop->draining)
		goto out;
	memset(&e, 0, sizeof e);
	e.config = sl->loop->server->config;
	e.db = sl->loop->db;
	for (s = LIST_FIRST(&sl->streams); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (!stream_wants(s, m))
			continue;
		data = evbuffer_new();
		e.arena = arena_new();
		e.viewer = s->user;
		e.accounts = json_object();
		e.groups = json_object();
		j = NULL;
		switch (m->type) {
		case SE_DELETE:
			evbuffer_add_printf(data, "%lld", (long long)m->id);
			break;
		case SE_NOTIFICATION:
			j = entity_notification(&e, m->id);
			break;
		case SE_UPDATE:
		case SE_STATUS_UPDATE:
			/* post_get checks the owner may read it. */
			p = post_get(e.db, e.arena, s->user, m->id);
			if (p == NULL || (s->kind == STREAM_PUBLIC &&
			    (p->visibility != VIS_PUBLIC || p->group_id != 0)))
				break;
			j = entity_status(&e, p);
			break;
		}
		if (j != NULL) {
			jsonw_value(data, j);
			json_decref(j);
		}
		if (evbuffer_get_length(data) > 0)
			stream_event(s, stream_names[m->type], data);
		evbuffer_free(data);
		ectx_free(&e);
		arena_free(e.arena);
	}
out:
	free(m);
}

/* From the writer: post an event to every loop that has streams. */
static void
stream_publish(enum stream_event type, int64_t id, int everyone,
    const struct idlist *to)
{
	struct stream_msg	*m;
	size_t			 n = to != NULL ? to->n : 0;
	int			 i;

	if (stream_loops == NULL ||
	    __atomic_load_n(&stream_count, __ATOMIC_RELAXED) == 0)
		return;
	for (i = 0; i < stream_nloops; i++) {
		m = xmalloc(sizeof *m + n * sizeof m->to[0]);
		m->sl = &stream_loops[i];
		m->type = type;
		m->id = id;
		m->everyone = everyone;
		m->n = n;
		if (n > 0)
			memcpy(m->to, to->ids, n * sizeof m->to[0]);
		worker_post(stream_loops[i].loop, stream_deliver, m);
	}
}

/* On the writer, after commit: a new post, to its home-feed recipients
 * (d->fanout) and, if public outside groups, the public streams. */
void
stream_post_created(const struct post_draft *d)
{
	if (!d->duplicate)
		stream_publish(SE_UPDATE, d->id, 0, &d->fanout);
}

/* On the writer, after commit: a post was edited; whoever may read it. */
void
stream_post_edited(int64_t id)
{
	stream_publish(SE_STATUS_UPDATE, id, 1, NULL);
}

/*
 * In a write, before deleting post id: who could have been shown it, for
 * its delete event. 1 if everyone could (public or unlisted, outside
 * groups), else 0 with the people in *to (as post_fanout chose them, plus
 * the author); -1 on error.
 */
int
stream_post_audience(struct db *db, struct arena *a, int64_t id,
    struct idlist *to)
{
	sqlite3_stmt	*st;
	int		 everyone;

	st = db_prepare(db, "SELECT group_id IS NULL AND visibility <= 1 "
	    "FROM posts WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	everyone = sqlite3_step(st) == SQLITE_ROW ?
	    sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (everyone != 0)
		return everyone;
	st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ?1 "
	    "UNION SELECT gm.user_id FROM posts p JOIN group_members gm ON "
	    "gm.group_id = p.group_id WHERE p.id = ?1 "
	    "UNION SELECT f.follower_id FROM posts p JOIN follows f ON "
	    "f.followee_id = p.author_id WHERE p.id = ?1 AND p.group_id IS NULL "
	    "AND p.visibility = 2 "
	    "UNION SELECT m.user_id FROM mentions m JOIN posts p ON "
	    "p.id = m.post_id WHERE m.post_id = ?1 AND p.group_id IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (idlist_from_stmt(a, st, to, NULL) != 0)
		return -1;
	return 0;
}

/* On the writer, after commit: a post is gone; tell who could have seen
 * it (everyone, or the people in to). */
void
stream_post_deleted(int64_t id, int everyone, const struct idlist *to)
{
	stream_publish(SE_DELETE, id, everyone, to);
}

/* On the writer: how many notifications the batch made so far. */
size_t
stream_pending_mark(void)
{
	return npending;
}

/* On the writer: forget notifications made after mark (rolled back). */
void
stream_pending_cut(size_t mark)
{
	if (mark < npending)
		npending = mark;
}

/* In a write: notification id was made for user. */
void
stream_pending_add(int64_t id, int64_t user)
{
	if (npending / 2 >= STREAM_PENDING_MAX)
		return;
	if (npending + 2 > pending_cap) {
		pending_cap = pending_cap ? pending_cap * 2 : 64;
		pending = xrealloc(pending, pending_cap * sizeof *pending);
	}
	pending[npending++] = id;
	pending[npending++] = user;
}

/* On the writer, after commit: publish the batch's notifications. */
void
stream_pending_publish(void)
{
	struct idlist	to;
	size_t		i;

	for (i = 0; i + 1 < npending; i += 2) {
		to.ids = &pending[i + 1];
		to.n = to.cap = 1;
		stream_publish(SE_NOTIFICATION, pending[i], 0, &to);
	}
	npending = 0;
}
