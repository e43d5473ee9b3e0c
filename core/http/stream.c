/*
 * stream.c: the open streaming connections and what is published to them,
 * as server-sent events or, for apps that ask to upgrade, WebSocket
 * messages in Mastodon's format (one connection may subscribe to several
 * streams). Each loop thread keeps its own list of streams; the writer
 * thread publishes an event after commit by posting a small message to
 * every loop, and the loop builds the entity with its own database
 * connection, once per stream owner, checking that the owner may read it.
 * An idle stream costs its connection and one struct stream.
 *
 * Fan-out: a loop lists its streams by owner too, so a message for some
 * people (a post's recipients, sorted once by the writer) visits only
 * their streams, and the few "broad" ones that may want it whoever it is
 * for (public, tag, group, list); only a message for everyone walks them
 * all. The writer posts the messages after the answers of the batch that
 * set them off, and a loop delivers what it got on a timer of zero, after
 * its next poll has written those answers, in one read transaction: a
 * write is acknowledged first, then fanned out.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "request.h"

#define STREAM_HEARTBEAT	30		/* seconds, between ":thump" */
#ifndef STREAM_MAX_BUFFER
#define STREAM_MAX_BUFFER	(1024 * 1024)	/* unsent bytes before closing */
#endif
#define STREAM_WRITE_TIMEOUT	300		/* seconds a write may stall */
#define WS_MESSAGE_MAX		4096		/* bytes of a client message */
#define STREAM_PARAMS_MAX	100		/* tags and groups a stream */
#define STREAM_BUCKETS		4096		/* owner index, a loop */

struct stream {
	struct conn			*conn;
	struct stream_loop		*sl;
	int64_t				 user;
	unsigned			 subs;	/* 1 << kind, for each */
	struct stream_sub		*params; /* kinds with a parameter */
	unsigned			 nparams;
	LIST_ENTRY(stream)		 entry;
	LIST_ENTRY(stream)		 owner_entry;	/* its bucket */
	LIST_ENTRY(stream)		 broad_entry;	/* if broad */
	int				 listed;
	int				 broad;	/* may want what is not
						   sent to its owner */
	/* WebSocket only */
	int				 ws;
	struct evbuffer			*message; /* fragments so far */
};

LIST_HEAD(stream_list, stream);

struct stream_loop {
	struct loop		*loop;
	struct event		*heartbeat;
	struct stream_list	 streams;
	struct stream_list	*owners;	/* STREAM_BUCKETS, by user */
	struct stream_list	 broad;
	struct event		*kick;		/* deliver what is queued */
	uint64_t		 kick_end;	/* when the last slice ended */
	TAILQ_HEAD(, stream_msg) queue;
};

enum stream_event { SE_UPDATE, SE_STATUS_UPDATE, SE_DELETE, SE_NOTIFICATION,
    SE_CLOSE, SE_CONVERSATION, SE_FILTERS_CHANGED };

/* One event on its way to one loop. */
/*
 * A message's Status as every plain reader sees it (entity_status_plain:
 * nothing of their own in it), serialised by the first and copied for the
 * rest: a post to ten thousand streams was built ten thousand times. Kept
 * across slices, as Mastodon renders a post once for all its streams:
 * made again only if the post itself changed in a later slice's snapshot
 * (its counts, an edit). Remade at every new snapshot, it was remade at
 * nearly every slice under 100 posts/s.
 */
struct stream_share {
	struct evbuffer	*plain;		/* NULL: not made yet */
	int64_t		 edited_at;	/* the post as it was made from */
	int64_t		 replies, reblogs;
	int		 has_poll;	/* -1: not asked yet */
};

struct stream_msg {
	struct stream_loop	*sl;
	enum stream_event	 type;
	int64_t			 id;
	int			 everyone;	/* every user stream may get it */
	TAILQ_ENTRY(stream_msg)	 entry;		/* on its loop's queue */
	uint64_t		 queued;	/* when it joined the queue */
	struct stream_share	 sh;
	size_t			 at;		/* to[] delivered up to here */
	int64_t			*all;		/* everyone: the owners of the
						   loop's streams, sorted */
	size_t			 nall;
	size_t			 n;
	int64_t			 to[];		/* user streams that may get it,
						   sorted, once each */
};

static struct stream_loop	*stream_loops;
static int			 stream_nloops;
static int			 stream_count;	/* open streams, all loops */
static int			 stream_count_ws;	/* ... of them WebSockets */

static void	stream_kick(evutil_socket_t, short, void *);
static void	stream_msg_free(struct stream_msg *);
static void	stream_on_created(struct db *, const struct event *);
static void	stream_on_edited(struct db *, const struct event *);
static void	stream_on_deleted(struct db *, const struct event *);
static void	stream_on_notification(struct db *, const struct event *);
static void	stream_on_access_ended(struct db *, const struct event *);
static void	stream_on_conversation(struct db *, const struct event *);
static void	stream_on_filters_changed(struct db *, const struct event *);

static const char *stream_names[] = {
	"update", "status.update", "delete", "notification", "close",
	"conversation", "filters_changed"
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

/*
 * Count a stream in (+1) or out (-1). It is counted before its answer is
 * sent: a client that has read its 101 finds it in the metrics, and the
 * writer, which skips publishing while no stream is open, does not skip
 * an event for it.
 */
static void
stream_tally(const struct stream *s, int d)
{
	__atomic_add_fetch(&stream_count, d, __ATOMIC_RELAXED);
	if (s->ws)
		__atomic_add_fetch(&stream_count_ws, d, __ATOMIC_RELAXED);
}

/* Forget a stream (its connection is gone or going). */
static void
stream_unlink(struct stream *s)
{
	LIST_REMOVE(s, entry);
	LIST_REMOVE(s, owner_entry);
	if (s->broad)
		LIST_REMOVE(s, broad_entry);
	conn_stream_cb(s->conn, NULL, NULL, NULL);
	if (s->message != NULL)
		evbuffer_free(s->message);
	while (s->nparams > 0)
		free(s->params[--s->nparams].arg);
	free(s->params);
	stream_tally(s, -1);
	free(s);
}

/* The client went away (or the connection is being closed). */
static void
stream_closed(struct conn *conn, void *arg)
{
	(void)conn;
	stream_unlink(arg);
}

/*
 * Write bytes to a stream (for a WebSocket, as one frame of opcode); close
 * it if the client does not keep up.
 */
static int
stream_write(struct stream *s, int opcode, const char *data, size_t len)
{
	struct conn	*conn = s->conn;
	struct iovec	 iov[2];
	unsigned char	 hdr[10];

	if (conn_unsent(conn) > STREAM_MAX_BUFFER) {
		log_info("stream of user %lld: client too slow, closing",
		    (long long)s->user);
		stream_unlink(s);
		conn_close(conn);
		return -1;
	}
	iov[0].iov_base = hdr;
	iov[0].iov_len = s->ws ? ws_frame_header(hdr, opcode, len) : 0;
	iov[1].iov_base = (void *)data;
	iov[1].iov_len = len;
	conn_stream_writev(conn, iov, 2);
	return 0;
}

/*
 * Close a WebSocket with a status code: the close frame goes out, then the
 * connection closes once it is written.
 */
static void
stream_ws_close(struct stream *s, int code)
{
	struct conn	*conn = s->conn;
	unsigned char	 frame[4] = { 0x80 | WS_CLOSE, 2, 0, 0 };

	frame[2] = (unsigned char)(code >> 8);
	frame[3] = (unsigned char)code;
	conn_stream_write(conn, frame, sizeof frame);
	stream_unlink(s);
	conn_stream_end(conn);
}

/* End a stream whose owner may no longer have it (they left the
 * company): a WebSocket hears 1008 (policy), an SSE stream just ends. */
static void
stream_end_owner(struct stream *s)
{
	log_info("stream of user %lld: access ended, closing",
	    (long long)s->user);
	if (s->ws)
		stream_ws_close(s, 1008);
	else {
		struct conn *conn = s->conn;

		stream_unlink(s);
		conn_stream_end(conn);
	}
}

/* Whether a stream's owner is still an enabled person, as the database
 * says now (hearthctl, in another process, may have disabled them). */
static int
stream_owner_ok(struct stream_loop *sl, int64_t user)
{
	struct arena	*a = arena_new();
	struct user	*u = user_get(sl->loop->db, a, user);
	int		 ok = u == NULL || !u->disabled;	/* unreadable: keep */

	arena_free(a);
	return ok;
}

/*
 * Every heartbeat: a comment line on each stream, so proxies keep it; and
 * a stream whose owner left since is closed (within a heartbeat even when
 * the change came from outside this process).
 */
static void
stream_thump(evutil_socket_t fd, short what, void *arg)
{
	struct stream_loop	*sl = arg;
	struct stream		*s, *next;

	(void)fd;
	(void)what;
	for (s = LIST_FIRST(&sl->streams); s != NULL; s = next) {
		next = LIST_NEXT(s, entry);
		if (!stream_owner_ok(sl, s->user))
			stream_end_owner(s);
		else if (s->ws)
			stream_write(s, WS_PING, "", 0);
		else
			stream_write(s, 0, ":thump\n\n", 8);
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
	events_subscribe(EV_POST_CREATED, stream_on_created);
	/* a boost is an "update" with the reblog, as on Mastodon */
	events_subscribe(EV_POST_BOOSTED, stream_on_created);
	events_subscribe(EV_POST_EDITED, stream_on_edited);
	events_subscribe(EV_POST_DELETED, stream_on_deleted);
	events_subscribe(EV_NOTIFICATION, stream_on_notification);
	events_subscribe(EV_ACCESS_ENDED, stream_on_access_ended);
	events_subscribe(EV_CONVERSATION, stream_on_conversation);
	events_subscribe(EV_FILTERS_CHANGED, stream_on_filters_changed);
	for (i = 0; i < srv->nloops; i++) {
		stream_loops[i].loop = &srv->loops[i];
		LIST_INIT(&stream_loops[i].streams);
		LIST_INIT(&stream_loops[i].broad);
		stream_loops[i].owners = xcalloc(STREAM_BUCKETS,
		    sizeof *stream_loops[i].owners);
		TAILQ_INIT(&stream_loops[i].queue);
		stream_loops[i].kick = evtimer_new(srv->loops[i].base,
		    stream_kick, &stream_loops[i]);
		stream_loops[i].heartbeat = event_new(srv->loops[i].base, -1,
		    EV_PERSIST, stream_thump, &stream_loops[i]);
		event_add(stream_loops[i].heartbeat, &tv);
	}
}

/* After the loops stopped: forget the streams (and close them). */
void
stream_free(void)
{
	struct stream		*s;
	struct stream_msg	*m;
	struct conn		*conn;
	int			 i;

	for (i = 0; i < stream_nloops; i++) {
		while ((m = TAILQ_FIRST(&stream_loops[i].queue)) != NULL) {
			TAILQ_REMOVE(&stream_loops[i].queue, m, entry);
			stream_msg_free(m);
		}
		event_free(stream_loops[i].kick);
		while ((s = LIST_FIRST(&stream_loops[i].streams)) != NULL) {
			conn = s->conn;
			stream_unlink(s);
			conn_close(conn);
		}
		event_free(stream_loops[i].heartbeat);
		free(stream_loops[i].owners);
	}
	free(stream_loops);
	stream_loops = NULL;
	stream_nloops = 0;
}

/* The loop starts draining: end its streams so shutdown need not wait. */
void
stream_drain(struct loop *loop)
{
	struct stream_loop	*sl;
	struct stream		*s;
	struct conn		*conn;

	if (stream_loops == NULL)
		return;
	sl = &stream_loops[loop->id];
	event_del(sl->heartbeat);
	while ((s = LIST_FIRST(&sl->streams)) != NULL) {
		if (s->ws) {
			stream_ws_close(s, 1001);	/* going away */
			continue;
		}
		conn = s->conn;
		stream_unlink(s);
		conn_stream_end(conn);
	}
}

/* Its owner's bucket in a loop's index. */
static struct stream_list *
stream_bucket(struct stream_loop *sl, int64_t user)
{
	return &sl->owners[(uint64_t)user % STREAM_BUCKETS];
}

/*
 * After its subscriptions changed: whether a stream is broad, that is may
 * want a message not sent to its owner (stream_wants: every kind but the
 * user, notification and direct streams), and listed so if it is.
 */
static void
stream_reclass(struct stream *s)
{
	unsigned	own = 1u << STREAM_USER | 1u << STREAM_NOTIFICATION |
			    1u << STREAM_DIRECT;
	int		broad = (s->subs & ~own) != 0 || s->nparams > 0;

	if (s->listed && broad && !s->broad)
		LIST_INSERT_HEAD(&s->sl->broad, s, broad_entry);
	else if (s->listed && !broad && s->broad)
		LIST_REMOVE(s, broad_entry);
	s->broad = broad;
}

/*
 * Subscribe a stream to sub (again is fine). -1 if it has as many tags and
 * groups as it may.
 */
static int
stream_subscribe(struct stream *s, const struct stream_sub *sub)
{
	unsigned	i;

	if (!stream_kind_param(sub->kind)) {
		s->subs |= 1u << sub->kind;
		stream_reclass(s);
		return 0;
	}
	for (i = 0; i < s->nparams; i++) {
		if (s->params[i].kind == sub->kind &&
		    strcmp(s->params[i].arg, sub->arg) == 0)
			return 0;
	}
	if (s->nparams == STREAM_PARAMS_MAX)
		return -1;
	s->params = xrealloc(s->params, (s->nparams + 1) * sizeof *s->params);
	s->params[s->nparams] = *sub;
	s->params[s->nparams++].arg = xstrdup(sub->arg);
	stream_reclass(s);
	return 0;
}

/* Unsubscribe a stream from sub (if it was subscribed). */
static void
stream_unsubscribe(struct stream *s, const struct stream_sub *sub)
{
	unsigned	i;

	if (!stream_kind_param(sub->kind)) {
		s->subs &= ~(1u << sub->kind);
		stream_reclass(s);
		return;
	}
	for (i = 0; i < s->nparams; i++) {
		if (s->params[i].kind == sub->kind &&
		    strcmp(s->params[i].arg, sub->arg) == 0) {
			free(s->params[i].arg);
			s->params[i] = s->params[--s->nparams];
			stream_reclass(s);
			return;
		}
	}
}

/*
 * A stream for a request subscribed to sub (or nothing yet, for a
 * WebSocket), not yet listed; NULL if the request cannot become one (the
 * loop is draining).
 */
static struct stream *
stream_new(struct req *r, const struct stream_sub *sub)
{
	struct stream	*s;

	if (stream_loops == NULL || r->loop->draining)
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->sl = &stream_loops[r->loop->id];
	s->user = r->user->id;
	if (sub != NULL)
		(void)stream_subscribe(s, sub);
	return s;
}

/* Free a stream that never got its connection. */
static void
stream_discard(struct stream *s)
{
	while (s->nparams > 0)
		free(s->params[--s->nparams].arg);
	free(s->params);
	free(s);
}

/* Once answered: list the stream on its loop and watch its connection. */
static void
stream_add(struct stream *s, struct conn *conn, conn_read_fn on_read)
{
	s->conn = conn;
	/* No read timeout (a stream is idle by nature); a write that stalls
	 * this long means the client is gone. */
	conn_write_timeout(conn, STREAM_WRITE_TIMEOUT);
	conn_stream_cb(conn, on_read, stream_closed, s);
	LIST_INSERT_HEAD(&s->sl->streams, s, entry);
	LIST_INSERT_HEAD(stream_bucket(s->sl, s->user), s, owner_entry);
	s->listed = 1;
	if (s->broad)	/* as stream_subscribe found */
		LIST_INSERT_HEAD(&s->sl->broad, s, broad_entry);
}

/* How many streams are open, for the metrics: event streams, WebSockets. */
void
stream_counts(long *sse, long *ws)
{
	int	all = __atomic_load_n(&stream_count, __ATOMIC_RELAXED);
	int	w = __atomic_load_n(&stream_count_ws, __ATOMIC_RELAXED);

	*ws = w;
	*sse = all - w > 0 ? all - w : 0;
}

/*
 * Make a request a stream: the headers are sent (the request counts as
 * answered) and the connection stays open. -1 if it cannot be.
 */
int
stream_open(struct req *r, const struct stream_sub *sub)
{
	struct stream	*s;
	struct conn	*conn;

	if ((s = stream_new(r, sub)) == NULL)
		return -1;
	stream_tally(s, 1);
	if ((conn = req_stream(r, 200, "text/event-stream")) == NULL) {
		stream_tally(s, -1);
		stream_discard(s);
		return 0;	/* answered: the client has gone */
	}
	stream_add(s, conn, NULL);
	return 0;
}

/* A message to a WebSocket client about what it asked (an error). */
static int
stream_ws_error(struct stream *s, int status, const char *why)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*msg = json_pack("{s:s, s:i}", "error", why, "status",
			    status);
	int		 rc;

	jsonw_value(b, msg);
	json_decref(msg);
	rc = stream_write(s, WS_TEXT, (const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b));
	evbuffer_free(b);
	return rc;
}

/* A message's field as text: a string, or an integer (a group's id). */
static const char *
stream_ws_field(struct arena *a, json_t *msg, const char *key)
{
	json_t	*v = json_object_get(msg, key);

	if (json_is_integer(v))
		return arena_printf(a, "%lld",
		    (long long)json_integer_value(v));
	return json_string_value(v);
}

/*
 * A whole text message from a WebSocket client: Mastodon's
 * {"type": "subscribe" or "unsubscribe", "stream": NAME}, with "tag" for a
 * hashtag's stream and (hearth's) "group" for a group's. -1 if the stream
 * was closed.
 */
static int
stream_ws_message(struct stream *s, const char *text, size_t len)
{
	json_t		*msg = json_loadb(text, len, JSON_REJECT_DUPLICATES,
			    NULL);
	struct arena	*a = arena_new();
	struct stream_sub sub;
	const char	*type, *why;
	int		 sub_on, status, rc = 0;

	type = json_string_value(json_object_get(msg, "type"));
	if (type == NULL || (strcmp(type, "subscribe") != 0 &&
	    strcmp(type, "unsubscribe") != 0)) {
		rc = stream_ws_error(s, 400, "Unknown message: send "
		    "{\"type\": \"subscribe\" or \"unsubscribe\", "
		    "\"stream\": NAME}");
		goto out;
	}
	/* Leaving a group one can no longer read is fine. */
	sub_on = strcmp(type, "subscribe") == 0;
	status = stream_sub_parse(sub_on ? s->sl->loop->db : NULL, a, s->user,
	    json_string_value(json_object_get(msg, "stream")),
	    stream_ws_field(a, msg, "tag"), stream_ws_field(a, msg, "group"),
	    stream_ws_field(a, msg, "list"), &sub, &why);
	if (status != 0)
		rc = stream_ws_error(s, status, why);
	else if (!sub_on)
		stream_unsubscribe(s, &sub);
	else if (stream_subscribe(s, &sub) != 0)
		rc = stream_ws_error(s, 400, arena_printf(a, "A stream may "
		    "follow at most %d tags and groups: unsubscribe from "
		    "some first", STREAM_PARAMS_MAX));
out:
	json_decref(msg);
	arena_free(a);
	return rc;
}

/*
 * On the loop, after bytes arrived from a WebSocket client: read every
 * whole frame. Pings are answered, text messages (whole, or put together
 * from fragments) are acted on, a close is answered by closing, and what
 * the protocol forbids closes the connection with its code.
 */
static void
stream_ws_read(struct conn *conn, void *arg)
{
	struct stream		*s = arg;
	struct evbuffer		*in = conn_input(conn);
	unsigned char		 payload[WS_MESSAGE_MAX];
	struct ws_frame		 f;
	size_t			 len;
	ssize_t			 n;

	while ((len = evbuffer_get_length(in)) > 0) {
		if (len > WS_MESSAGE_MAX + 14)
			len = WS_MESSAGE_MAX + 14;	/* a whole frame */
		f.payload = payload;
		n = ws_read_frame(evbuffer_pullup(in, len), len,
		    WS_MESSAGE_MAX, &f);
		if (n == 0)
			return;
		if (n < 0) {
			stream_ws_close(s, f.close_code);
			return;
		}
		evbuffer_drain(in, (size_t)n);
		switch (f.opcode) {
		case WS_PING:
			if (stream_write(s, WS_PONG, (const char *)payload,
			    f.len) != 0)
				return;
			continue;
		case WS_PONG:
			continue;
		case WS_CLOSE:
			stream_ws_close(s, 1000);
			return;
		case WS_BINARY:
			stream_ws_close(s, 1003);	/* text only */
			return;
		}
		/* Text, whole or in fragments. */
		if ((f.opcode == WS_CONTINUATION) != (s->message != NULL)) {
			stream_ws_close(s, 1002);
			return;
		}
		if (!f.fin || s->message != NULL) {
			if (s->message == NULL)
				s->message = evbuffer_new();
			if (evbuffer_get_length(s->message) + f.len >
			    WS_MESSAGE_MAX) {
				stream_ws_close(s, 1009);
				return;
			}
			evbuffer_add(s->message, payload, f.len);
			if (!f.fin)
				continue;
			f.len = evbuffer_get_length(s->message);
			evbuffer_remove(s->message, payload, f.len);
			evbuffer_free(s->message);
			s->message = NULL;
		}
		if (stream_ws_message(s, (const char *)payload, f.len) != 0)
			return;
	}
}

/*
 * Make an upgrade request a WebSocket stream subscribed to sub (or NULL:
 * the client subscribes later): the 101 answer with accept (and protocol,
 * echoed when the client sent its token that way), then frames both ways.
 * -1 if it cannot be.
 */
int
stream_open_ws(struct req *r, const struct stream_sub *sub,
    const char *accept, const char *protocol)
{
	struct stream	*s;
	struct conn	*conn;

	if ((s = stream_new(r, sub)) == NULL)
		return -1;
	s->ws = 1;
	req_set_header(r, "Upgrade", "websocket");
	req_set_header(r, "Connection", "Upgrade");
	req_set_header(r, "Sec-WebSocket-Accept", accept);
	if (protocol != NULL)
		req_set_header(r, "Sec-WebSocket-Protocol", protocol);
	stream_tally(s, 1);
	if ((conn = req_stream(r, 101, NULL)) == NULL) {
		stream_tally(s, -1);
		stream_discard(s);
		return 0;
	}
	stream_add(s, conn, stream_ws_read);
	/* What the client sent right behind its request. */
	if (evbuffer_get_length(conn_input(conn)) > 0)
		stream_ws_read(conn, s);
	return 0;
}

/*
 * Write one event (name, data) to a stream: for server-sent events as
 * "event:" and "data:" lines; for a WebSocket as Mastodon's message, the
 * subscription it came through (["user"], ["hashtag", "tag"]) and the data
 * as a JSON string in "payload". -1 if the stream was closed instead (its
 * client did not keep up).
 */
static int
stream_event(struct stream *s, const struct stream_sub *sub,
    const char *name, struct evbuffer *data)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*msg, *via;
	size_t		 len;

	if (s->ws) {
		via = json_pack("[s]", stream_kind_name(sub->kind));
		if (sub->arg != NULL)
			json_array_append_new(via, json_string(sub->arg));
		if (evbuffer_get_length(data) == 0)	/* filters_changed */
			msg = json_pack("{s:o, s:s}", "stream", via, "event",
			    name);
		else
			msg = json_pack("{s:o, s:s, s:s%}", "stream", via,
			    "event", name, "payload", (const char *)
			    evbuffer_pullup(data, -1),
			    evbuffer_get_length(data));
		if (msg == NULL) {	/* not UTF-8: cannot be */
			evbuffer_free(b);
			return 0;
		}
		jsonw_value(b, msg);
		json_decref(msg);
	} else {
		evbuffer_add_printf(b, "event: %s\ndata: ", name);
		evbuffer_add(b, evbuffer_pullup(data, -1),
		    evbuffer_get_length(data));
		evbuffer_add(b, "\n\n", 2);
	}
	len = evbuffer_get_length(b);
	if (stream_write(s, WS_TEXT, (const char *)evbuffer_pullup(b, -1),
	    len) != 0)
		len = 0;
	evbuffer_free(b);
	return len > 0 ? 0 : -1;
}

/* Whether the owner of s could have been shown message m's post (or is
 * its notification's recipient). */
static int
stream_to_owner(const struct stream *s, const struct stream_msg *m)
{
	return m->everyone || ids_find(m->to, m->n, s->user);
}

/*
 * Whether a message may be for a stream's owner through a kind, before its
 * post is read (stream_sub_match decides after): the user stream gets what
 * was sent to the owner; public streams get posts and the deletes of what
 * everyone could see; hashtag and group streams get posts and the deletes
 * of what the owner could see.
 */
static int
stream_wants(const struct stream *s, enum stream_kind kind,
    const struct stream_msg *m)
{
	/* A conversation goes to its owner's direct stream, and only
	 * there; that stream carries nothing else (as Mastodon's). */
	if (m->type == SE_CONVERSATION || kind == STREAM_DIRECT)
		return m->type == SE_CONVERSATION && kind == STREAM_DIRECT &&
		    stream_to_owner(s, m);
	/* the owner's own news, on their user streams only */
	if (m->type == SE_FILTERS_CHANGED)
		return kind == STREAM_USER && stream_to_owner(s, m);
	switch (kind) {
	case STREAM_USER:
		return stream_to_owner(s, m);
	case STREAM_NOTIFICATION:
		return m->type == SE_NOTIFICATION && stream_to_owner(s, m);
	case STREAM_PUBLIC:
	case STREAM_LOCAL:
		return m->type == SE_DELETE ? m->everyone :
		    m->type != SE_NOTIFICATION;
	default:
		return m->type == SE_DELETE ? stream_to_owner(s, m) :
		    m->type != SE_NOTIFICATION;
	}
}

/*
 * Send a built event through one subscription, if post p (NULL for a
 * delete) matches it: -1 if the stream was closed instead (its client did
 * not keep up, and it must not be looked at again); 1 if nothing more
 * goes out (an SSE stream has one subscription, and a delete, whose post
 * is gone, goes once); else 0.
 */
static int
stream_send_via(struct stream *s, const struct stream_msg *m,
    const struct stream_sub *sub, const struct post *p, struct evbuffer *data)
{
	if (p != NULL && !stream_sub_match(s->sl->loop->db, s->user, sub, p))
		return 0;
	if (stream_event(s, sub, stream_names[m->type], data) != 0)
		return -1;
	return !s->ws || m->type == SE_DELETE;
}

/* Send a built event through a stream's subscriptions that want it
 * (wants: the kinds without a parameter; params: whether those with one
 * may). */
static void
stream_send(struct stream *s, const struct stream_msg *m, unsigned wants,
    int params, const struct post *p, struct evbuffer *data)
{
	struct stream_sub	 plain = { STREAM_USER, 0, NULL };
	unsigned		 i;
	int			 k, rc = 0;

	for (k = 0; rc == 0 && k < STREAM_NKINDS; k++) {
		if (wants & 1u << k) {
			plain.kind = k;
			rc = stream_send_via(s, m, &plain, p, data);
		}
	}
	/* rc first: after -1, s is gone. */
	for (i = 0; rc == 0 && params && i < s->nparams; i++)
		rc = stream_send_via(s, m, &s->params[i], p, data);
}

/*
 * The owner's filters on post id (filter.c): the kinds (*wants) and
 * parameter subscriptions (*params) a hide filter leaves it out of are
 * dropped, and the Status gets the "filtered" results of the context the
 * rest read it in: home's for the user and list streams, public's for the
 * others. 0 if it goes to none.
 */
static int
stream_filters(struct stream *s, struct ectx *e, int64_t id,
    unsigned *wants, int *params)
{
	unsigned	 pub = *wants & ~(1u << STREAM_USER |
			    1u << STREAM_NOTIFICATION);
	int		 listed = *params && s->params[0].kind == STREAM_LIST;

	if ((*wants & 1u << STREAM_USER) &&
	    filter_hides(e->db, e->arena, s->user, FC_HOME_FEED, id))
		*wants &= ~(1u << STREAM_USER);
	if (listed && filter_hides(e->db, e->arena, s->user, FC_HOME, id))
		*params = 0;
	if ((pub != 0 || (*params && !listed)) &&
	    filter_hides(e->db, e->arena, s->user, FC_PUBLIC, id)) {
		*wants &= ~pub;
		if (!listed)
			*params = 0;
	}
	e->filter_ctx = (*wants & 1u << STREAM_USER) || listed ? FC_HOME :
	    FC_PUBLIC;
	return *wants != 0 || *params;
}

/* Deliver a message to one stream, if it wants it (s may be closed). */
static void
stream_deliver_one(struct stream_loop *sl, struct stream *s,
    struct stream_msg *m)
{
	struct stream_share	*sh = &m->sh;
	struct ectx		 e;
	struct post		*p;
	struct evbuffer		*data;
	json_t			*j;
	unsigned		 wants;
	int			 k, params;

	for (wants = 0, k = 0; k < STREAM_NKINDS; k++) {
		if ((s->subs & 1u << k) && stream_wants(s, k, m))
			wants |= 1u << k;
	}
	/* Tags and groups all want the same messages. */
	params = s->nparams > 0 &&
	    stream_wants(s, s->params[0].kind, m);
	if (wants == 0 && !params)
		return;
	{
		data = evbuffer_new();
		ectx_init(&e, sl->loop->db, arena_new(), s->user,
		    sl->loop->server->config);
		j = NULL;
		p = NULL;
		switch (m->type) {
		case SE_CLOSE:		/* handled above */
		case SE_FILTERS_CHANGED:	/* no payload */
			break;
		case SE_DELETE:
			evbuffer_add_printf(data, "%lld", (long long)m->id);
			break;
		case SE_NOTIFICATION:
			e.filter_ctx = FC_NOTIFICATIONS;
			j = entity_notification(&e, m->id);
			if (filter_json_hides(j)) { /* FILTERS: hidden by filter */
				json_decref(j);
				j = NULL;
			}
			break;
		case SE_CONVERSATION:
			/* the owner's, or nothing */
			j = entity_conversation(&e, m->id);
			break;
		case SE_UPDATE:
		case SE_STATUS_UPDATE:
			/* post_get checks the owner may read it. */
			p = post_get(e.db, e.arena, s->user, m->id);
			/* Nor a muted or blocked author's, as pages. */
			if (p != NULL && !page_keeps(e.db, e.arena, s->user,
			    p->id, page_preds_muted))
				p = NULL;
			/* Nor one the reader's filters hide (filter.c). */
			if (p == NULL || !stream_filters(s, &e, p->id, &wants,
			    &params))
				break;
			if (sh->has_poll < 0)
				sh->has_poll = poll_exists(e.db, p->id);
			/* A later slice reads a later snapshot, where the
			 * post may have changed. */
			if (sh->plain != NULL && (sh->edited_at !=
			    p->edited_at || sh->replies != p->replies_count ||
			    sh->reblogs != p->reblogs_count)) {
				evbuffer_free(sh->plain);
				sh->plain = NULL;
			}
			if (!entity_status_plain(&e, p, sh->has_poll))
				j = entity_status(&e, p);
			else if (sh->plain != NULL)
				evbuffer_add(data, evbuffer_pullup(sh->plain, -1),
				    evbuffer_get_length(sh->plain));
			else if ((j = entity_status(&e, p)) != NULL) {
				sh->plain = evbuffer_new();
				sh->edited_at = p->edited_at;
				sh->replies = p->replies_count;
				sh->reblogs = p->reblogs_count;
				jsonw_value(sh->plain, j);
			}
			break;
		}
		if (j != NULL) {
			jsonw_value(data, j);
			json_decref(j);
		}
		if (evbuffer_get_length(data) > 0 ||
		    m->type == SE_FILTERS_CHANGED)
			stream_send(s, m, wants, params, p, data);
		evbuffer_free(data);
		ectx_free(&e);
		arena_free(e.arena);
	}
}

/* The distinct owners of a loop's streams, sorted, into m->all. */
static void
stream_owners(struct stream_loop *sl, struct stream_msg *m)
{
	struct stream	*s;
	size_t		 n = 0;

	LIST_FOREACH(s, &sl->streams, entry)
		n++;
	m->all = xmalloc((n > 0 ? n : 1) * sizeof *m->all);
	n = 0;
	LIST_FOREACH(s, &sl->streams, entry)
		m->all[n++] = s->user;
	m->nall = ids_sort_unique(m->all, n);
}

/*
 * On a loop: deliver a message to the streams it concerns: for everyone,
 * each owner's; else its recipients' (by the index) and the broad ones. A
 * post to thousands of streams is delivered in slices (stream_kick), so
 * the loop answers its requests in between (a post to 7,000 streams held
 * it for 200 ms): 0 when done, 1 if it stopped at the deadline and m->at
 * says where to go on.
 */
#define STREAM_SLICE_US		2000
#define STREAM_SLICE_MIN_US	250
#define STREAM_LATE_US		50000	/* behind by this: an equal share */
#define STREAM_SLICE_MAX_US	20000
static int
stream_deliver(struct stream_loop *sl, struct stream_msg *m,
    uint64_t deadline)
{
	struct stream	*s, *next;
	const int64_t	*ids;
	size_t		 n;

	if (m->type == SE_CLOSE) {
		for (s = LIST_FIRST(stream_bucket(sl, m->id)); s != NULL;
		    s = next) {
			next = LIST_NEXT(s, owner_entry);
			if (s->user == m->id)
				stream_end_owner(s);
		}
		return 0;
	}
	/* For everyone (an edit): by the owners the streams had at the
	 * first slice, in slices too (at ~26 µs a delivery, an edit to
	 * 10,000 streams in one go would hold the loop for a quarter of a
	 * second). A stream opened after that was not open at the edit
	 * anyway. Between slices streams come and go, so a slice ends
	 * between owners, whose ids (not streams) the message holds. (A
	 * delivery closes no stream but its own: next stays.) */
	if (m->everyone && m->all == NULL)
		stream_owners(sl, m);
	ids = m->everyone ? m->all : m->to;
	n = m->everyone ? m->nall : m->n;
	for (; m->at < n; m->at++) {
		if ((m->at & 3) == 3 && clock_usec() > deadline)
			return 1;
		for (s = LIST_FIRST(stream_bucket(sl, ids[m->at]));
		    s != NULL; s = next) {
			next = LIST_NEXT(s, owner_entry);
			/* a broad stream hears a message for some once,
			 * below */
			if (s->user == ids[m->at] && (m->everyone ||
			    !s->broad))
				stream_deliver_one(sl, s, m);
		}
	}
	if (m->everyone)
		return 0;
	for (s = LIST_FIRST(&sl->broad); s != NULL; s = next) {
		next = LIST_NEXT(s, broad_entry);
		stream_deliver_one(sl, s, m);
	}
	return 0;
}

/* Free a message and what its deliveries shared. */
static void
stream_msg_free(struct stream_msg *m)
{
	if (m->sh.plain != NULL)
		evbuffer_free(m->sh.plain);
	free(m->all);
	free(m);
}

/*
 * On a loop, on the timer stream_queue set: deliver the messages queued,
 * in one read transaction (its statements take SQLite's locks once, not
 * once each), after the poll that wrote the answers of the writes that
 * sent them; for a slice of time at most, then again after the loop has
 * seen to its connections.
 */
static void
stream_kick(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval	 now = { 0, 0 };
	struct stream_loop		*sl = arg;
	struct stream_msg		*m;
	struct db			*db = sl->loop->db;
	uint64_t			 start = clock_usec(), slice, cap;
	uint64_t			 deadline;
	int				 reading;

	(void)fd;
	(void)what;
	/*
	 * A slice as long as the loop spent on everything else since the
	 * last one ended (at least STREAM_SLICE_MIN_US): deliveries take half
	 * of a busy loop at most, and all of an idle one. At most
	 * STREAM_SLICE_US while they keep up, so a request waits little
	 * behind them; once the oldest message has waited STREAM_LATE_US,
	 * up to STREAM_SLICE_MAX_US, so they get their half of a loop whose
	 * turns are long (fifty pages in a turn is 10 ms; with 2 ms slices
	 * the streams fell seconds behind). A fixed 2 ms after each turn, as
	 * before, gave them most of a loop of short turns: a loop posting
	 * 100 posts/s to 10,000 streams served pages at a fifth of its speed.
	 */
	slice = start - sl->kick_end;
	m = TAILQ_FIRST(&sl->queue);
	cap = m != NULL && start - m->queued > STREAM_LATE_US ?
	    STREAM_SLICE_MAX_US : STREAM_SLICE_US;
	if (slice < STREAM_SLICE_MIN_US)
		slice = STREAM_SLICE_MIN_US;
	else if (slice > cap)
		slice = cap;
	deadline = start + slice;
	reading = !sl->loop->draining && db_read_begin(db) == 0;
	while ((m = TAILQ_FIRST(&sl->queue)) != NULL) {
		if (!sl->loop->draining && stream_deliver(sl, m, deadline)) {
			evtimer_add(sl->kick, &now);	/* the rest later */
			break;
		}
		TAILQ_REMOVE(&sl->queue, m, entry);
		stream_msg_free(m);
		if (clock_usec() > deadline && TAILQ_FIRST(&sl->queue)) {
			evtimer_add(sl->kick, &now);
			break;
		}
	}
	if (reading)
		db_read_end(db);
	sl->kick_end = clock_usec();
}

/* On a loop, from the writer: queue a message for stream_kick. */
static void
stream_queue(void *arg)
{
	static const struct timeval	 now = { 0, 0 };
	struct stream_msg		*m = arg;
	struct stream_loop		*sl = m->sl;

	if (stream_loops == NULL || sl->loop->draining) {
		stream_msg_free(m);
		return;
	}
	m->queued = clock_usec();
	TAILQ_INSERT_TAIL(&sl->queue, m, entry);
	if (!evtimer_pending(sl->kick, NULL))
		evtimer_add(sl->kick, &now);
}

/* On the writer, once the batch's answers are posted: to the loop. */
static void
stream_post(void *arg)
{
	struct stream_msg	*m = arg;

	worker_post(m->sl->loop, stream_queue, m);
}

/* From the writer: post an event to every loop that has streams. */
static void
stream_publish(enum stream_event type, int64_t id, int everyone,
    const struct idlist *to)
{
	struct stream_msg	*m;
	int64_t			*ids = NULL;
	size_t			 n = to != NULL ? to->n : 0;
	int			 i;

	if (stream_loops == NULL ||
	    __atomic_load_n(&stream_count, __ATOMIC_RELAXED) == 0)
		return;
	/* Sorted once, here on the writer, for every loop. */
	if (n > 0) {
		ids = xmalloc(n * sizeof *ids);
		memcpy(ids, to->ids, n * sizeof *ids);
		n = ids_sort_unique(ids, n);
	}
	for (i = 0; i < stream_nloops; i++) {
		m = xmalloc(sizeof *m + n * sizeof m->to[0]);
		m->sl = &stream_loops[i];
		m->sh.plain = NULL;
		m->sh.has_poll = -1;
		m->at = 0;
		m->all = NULL;
		m->nall = 0;
		m->type = type;
		m->id = id;
		m->everyone = everyone;
		m->n = n;
		if (n > 0)
			memcpy(m->to, ids, n * sizeof m->to[0]);
		writer_after_answers(stream_post, m);
	}
	free(ids);
}

/* A post was committed: to its home-feed recipients' user streams and,
 * if public outside groups, the public streams (stream_wants decides). */
static void
stream_on_created(struct db *db, const struct event *ev)
{
	(void)db;
	stream_publish(SE_UPDATE, ev->id, 0, ev->to);
}

/* A post was edited: whoever may read it. */
static void
stream_on_edited(struct db *db, const struct event *ev)
{
	(void)db;
	stream_publish(SE_STATUS_UPDATE, ev->id, 1, NULL);
}

/* A post is gone: tell who could have seen it (everyone, or ev->to). */
static void
stream_on_deleted(struct db *db, const struct event *ev)
{
	(void)db;
	stream_publish(SE_DELETE, ev->id, ev->everyone, ev->to);
}

/* A notification was made: to its recipient's streams. */
static void
stream_on_notification(struct db *db, const struct event *ev)
{
	struct idlist	to;
	int64_t		who = ev->subject;

	(void)db;
	to.ids = &who;
	to.n = to.cap = 1;
	stream_publish(SE_NOTIFICATION, ev->id, 0, &to);
}

/* A person's access ended (they left): close their streams everywhere. */
static void
stream_on_access_ended(struct db *db, const struct event *ev)
{
	(void)db;
	stream_publish(SE_CLOSE, ev->actor, 0, NULL);
}

/* A conversation changed: to its owner's direct streams. */
static void
stream_on_conversation(struct db *db, const struct event *ev)
{
	struct idlist	to;
	int64_t		who = ev->subject;

	(void)db;
	to.ids = &who;
	to.n = to.cap = 1;
	stream_publish(SE_CONVERSATION, ev->id, 0, &to);
}

/* A person's filters (or lists) changed: their user streams hear
 * filters_changed, with no payload, as on Mastodon. */
static void
stream_on_filters_changed(struct db *db, const struct event *ev)
{
	struct idlist	to;
	int64_t		who = ev->actor;

	(void)db;
	to.ids = &who;
	to.n = to.cap = 1;
	stream_publish(SE_FILTERS_CHANGED, 0, 0, &to);
}
