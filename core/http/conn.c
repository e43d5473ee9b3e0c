/*
 * conn.c: the client connections of one loop, and each request on them
 * from its first byte to its answer's last. hearth answers what its own
 * router decides, so nothing here lets a client hold the server: a head
 * must arrive whole within head_timeout, however it trickles; a body must
 * keep up min_body_rate over each window, and is read only once the router
 * has said who is asking and how much it may send (so a request that will
 * be refused is refused before its body arrives); bodies in memory share
 * one budget; connections between requests are the first to go when the
 * caps are reached. Each connection is on exactly one of its loop's lists:
 * idle (between requests), heads (a head arriving) or busy (the rest), each
 * oldest first, so the oldest idle or slowest head is the one evicted.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "request.h"

#define CONN_INPUT_MAX	(64 * 1024)	/* read ahead of the parser */
#define CONN_OUTPUT_MAX	(64 * 1024)	/* unsent before reading the next */
#define SINGLE_WRITE_MAX (1024 * 1024)	/* an answer in one write */
#define LINGER_SECS	2		/* reading after a refusal */
#define BODY_STEP	(64 * 1024)	/* budget taken for chunked bodies */
#define BODY_FLAT_MIN	(64 * 1024)	/* bodies read into one piece */
#define CRLF_MAX	8		/* empty lines before a request */
#define DRAIN_HEAD_SECS	1		/* for a head at shutdown */

enum conn_state {
	C_HEAD,		/* waiting for a request's head, or reading it */
	C_BODY,		/* reading its body */
	C_BUSY,		/* the router has the request */
	C_FLUSH,	/* answered; the next request once this is written */
	C_CLOSING,	/* answered; closing once this is written */
	C_LINGER,	/* closed for writing; reading what still comes */
	C_STREAM,	/* an event stream or a WebSocket (stream.c's) */
};

struct conn {
	struct http_loop	*hl;
	struct bufferevent	*bev;
	int			 fd;
	int			 tls;
	int			 public;	/* a public listener's */
	int			 metrics;	/* the metrics listener's */
	enum conn_state		 state;
	struct conn_list	*list;
	TAILQ_ENTRY(conn)	 entry;
	struct event		*timer;
	struct conn_addr	 addr;
	char			 peer[64];
	/* the head being read */
	int			 started;	/* bytes of it have arrived */
	int			 crlfs;		/* empty lines before it */
	struct http_scan	 scan;
	uint64_t		 head_deadline;
	int			 requests;	/* answered on this connection */
	/* the request being read or handled */
	struct http_request	*req;
	int			 keepalive;	/* after its answer */
	int			 body_unread;	/* a body comes that is not read */
	size_t			 body_limit;
	uint64_t		 body_left;	/* with a Content-Length */
	uint64_t		 body_got;
	uint64_t		 window_got;	/* in the current rate window */
	struct http_chunked	 chunked;
	int			 reading;	/* read loops below us */
	int			 dead;		/* closed; freed as they unwind */
	int			 unflushed;	/* counted in hl->unflushed */
	int			 eof;		/* the client will send no more */
	/* a stream's */
	int			 stream_chunked;
	int			 stream_ending;
	conn_read_fn		 on_read;
	conn_close_fn		 on_close;
	void			*arg;
};

static struct log_every	 log_slow_head = LOG_EVERY(10);
static struct log_every	 log_slow_body = LOG_EVERY(10);
static struct log_every	 log_bad_head = LOG_EVERY(10);
static struct log_every	 log_refused = LOG_EVERY(10);
static struct log_every	 log_evicted = LOG_EVERY(10);
static struct log_every	 log_stalled = LOG_EVERY(10);

static void	conn_read_heads(struct conn *);
static void	conn_read_body(struct conn *);

/* Set up a loop's connections: none yet. */
void
http_loop_init(struct http_loop *hl, struct event_base *base,
    const struct http_settings *set, http_dispatch_fn dispatch, void *arg)
{
	memset(hl, 0, sizeof *hl);
	hl->base = base;
	hl->set = set;
	hl->dispatch = dispatch;
	hl->arg = arg;
	TAILQ_INIT(&hl->idle);
	TAILQ_INIT(&hl->heads);
	TAILQ_INIT(&hl->busy);
}

/* Put a connection at the end of one of its loop's lists. */
static void
conn_move(struct conn *c, struct conn_list *to)
{
	if (c->list != NULL)
		TAILQ_REMOVE(c->list, c, entry);
	TAILQ_INSERT_TAIL(to, c, entry);
	c->list = to;
}

/* Wake the connection's timer in us microseconds (0: never). */
static void
conn_arm(struct conn *c, uint64_t us)
{
	struct timeval	tv;

	if (us == 0) {
		evtimer_del(c->timer);
		return;
	}
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	evtimer_add(c->timer, &tv);
}

/* Microseconds from now to a deadline (at least 1). */
static uint64_t
conn_until(uint64_t deadline)
{
	uint64_t	now = clock_usec();

	return deadline > now ? deadline - now : 1;
}

/* Free a connection's memory and descriptor, and uncount it. */
static void
conn_destroy(struct conn *c)
{
	TAILQ_REMOVE(c->list, c, entry);
	event_free(c->timer);
	bufferevent_free(c->bev);
	conn_leave(&c->addr);
	c->hl->nconns--;
	free(c);
}

/*
 * Close a connection and forget it. A request it was reading or that is
 * being handled is detached: its answer, when it comes, goes nowhere; one
 * whose body was still arriving is given up (its body_done hears -1). A
 * connection closed from below its own read loop (a WebSocket closed by
 * what arrived with its upgrade, say) is only marked, and freed when the
 * loop unwinds.
 */
static void
conn_free(struct conn *c)
{
	struct http_loop	*hl = c->hl;
	struct http_request	*h = c->req;

	if (c->dead)
		return;
	c->dead = 1;
	if (h != NULL) {
		c->req = NULL;
		h->conn = NULL;
		if (c->state == C_BODY && h->body_done != NULL)
			h->body_done(h, -1, h->body_arg);
	}
	if (c->state == C_STREAM && c->on_close != NULL)
		c->on_close(c, c->arg);
	if (c->unflushed) {
		c->unflushed = 0;
		hl->unflushed--;
	}
	if (c->reading > 0) {
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
		evtimer_del(c->timer);
		return;
	}
	conn_destroy(c);
}

/* Enter and leave a connection's read loop (see conn_free). */
static void
conn_pin(struct conn *c)
{
	c->reading++;
}

/* ... 1 if the connection was freed on the way. */
static int
conn_unpin(struct conn *c)
{
	if (--c->reading == 0 && c->dead) {
		conn_destroy(c);
		return 1;
	}
	return 0;
}

/* Close every connection of a loop (after it stopped). */
void
http_loop_free(struct http_loop *hl)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&hl->idle)) != NULL)
		conn_free(c);
	while ((c = TAILQ_FIRST(&hl->heads)) != NULL)
		conn_free(c);
	while ((c = TAILQ_FIRST(&hl->busy)) != NULL)
		conn_free(c);
}

/* Whether a client has sent bytes not yet read. */
static int
conn_has_input(struct conn *c)
{
	char	b;

	return evbuffer_get_length(bufferevent_get_input(c->bev)) > 0 ||
	    recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/*
 * Shutting down: answers from now on close their connections. A
 * connection between requests closes now, unless its next request is
 * already on its way (sent before the signal, not yet read); that one and
 * any head still arriving get DRAIN_HEAD_SECS to finish.
 */
void
http_loop_drain(struct http_loop *hl)
{
	struct conn	*c, *next;
	uint64_t	 last = clock_usec() + DRAIN_HEAD_SECS * 1000000ULL;

	hl->draining = 1;
	for (c = TAILQ_FIRST(&hl->idle); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!conn_has_input(c))
			conn_free(c);
		else
			conn_arm(c, conn_until(last));
	}
	TAILQ_FOREACH(c, &hl->heads, entry) {
		if (c->head_deadline > last)
			c->head_deadline = last;
		conn_arm(c, conn_until(c->head_deadline));
	}
}

/* Whether a draining loop still has requests to read or answer. */
int
http_loop_busy(const struct http_loop *hl)
{
	return hl->inflight > 0 || !TAILQ_EMPTY(&hl->idle) ||
	    !TAILQ_EMPTY(&hl->heads);
}

/*
 * Make room for one more connection by closing one of this loop's: the
 * longest idle between requests, else the one whose head has been
 * arriving longest. 0 if one was closed.
 */
int
http_evict(struct http_loop *hl)
{
	struct conn	*c;

	if ((c = TAILQ_FIRST(&hl->idle)) == NULL &&
	    (c = TAILQ_FIRST(&hl->heads)) == NULL)
		return -1;
	log_every(&log_evicted, LOG_INFO, "connections full: closed one "
	    "%s from %s to make room", c->started ? "still sending its "
	    "request" : "waiting between requests", c->peer);
	conn_free(c);
	return 0;
}

/* Connections refused over the caps: [0] an address's share, [1] all. */
static uint64_t	http_refused[2];

/* How many connections were refused (for the metrics); full: over the
 * cap on all, else over an address's share. */
uint64_t
http_refused_count(int full)
{
	return __atomic_load_n(&http_refused[full ? 1 : 0], __ATOMIC_RELAXED);
}

/*
 * Refuse a connection the caps do not allow, cheaply: read what it has
 * sent (so that closing does not reset the answer away), answer with the
 * prepared text (an error with hearth's headers), close.
 */
static void
http_refuse(struct http_loop *hl, int fd, int full)
{
	char			 buf[4096], date[40], *d;
	const char		*text = hl->set->refusal[full ? 1 : 0];
	size_t			 len;
	ssize_t			 unused;

	unused = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	if (text != NULL && (len = strlen(text)) < sizeof buf) {
		memcpy(buf, text, len);
		if ((d = memmem(buf, len, HTTP_DATE_BLANK,
		    sizeof HTTP_DATE_BLANK - 1)) != NULL) {
			http_date(date);
			memcpy(d, date, sizeof HTTP_DATE_BLANK - 1);
		}
		unused = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	(void)unused;
	close(fd);
	__atomic_add_fetch(&http_refused[full ? 1 : 0], 1, __ATOMIC_RELAXED);
	log_every(&log_refused, LOG_WARN, "refused a connection: %s",
	    full ? "all connections are taken (max_connections)" :
	    "its address holds its share (max_connections_per_ip)");
}

/* Between requests: wait for the next one. */
static void
conn_idle(struct conn *c)
{
	struct timeval	io = { c->hl->set->io_timeout, 0 };

	c->state = C_HEAD;
	c->started = 0;
	c->crlfs = 0;
	conn_move(c, &c->hl->idle);
	conn_arm(c, (uint64_t)c->hl->set->idle_timeout * 1000000);
	bufferevent_set_timeouts(c->bev, NULL, &io);
	bufferevent_enable(c->bev, EV_READ);
}

/* Closed for writing, read what the client still sends for a while, so
 * that our close does not reset the answer it has not read yet. */
static void
conn_linger(struct conn *c)
{
	c->state = C_LINGER;
	if (!c->tls)
		(void)shutdown(c->fd, SHUT_WR);
	evbuffer_drain(bufferevent_get_input(c->bev),
	    evbuffer_get_length(bufferevent_get_input(c->bev)));
	conn_arm(c, LINGER_SECS * 1000000ULL);
	bufferevent_enable(c->bev, EV_READ);
}

/* Write what the socket takes of the queued output now. The bufferevent
 * keeps its output's front frozen outside its own write callback. */
static void
conn_write_now(struct conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	evbuffer_unfreeze(out, 1);
	(void)evbuffer_write(out, c->fd);
	evbuffer_freeze(out, 1);
}

/*
 * Send what is queued now, for a connection that stays open with nothing
 * to do once it is written (between requests, or a stream): through the
 * bufferevent each answer cost two epoll_ctl calls (write interest on,
 * then off) and a turn of the loop before it left. A plain connection's
 * bufferevent has writing disabled, so that adding to its output schedules
 * nothing; what the socket does not take (or an error, which the
 * bufferevent's own write then finds and reports) turns writing on, and
 * conn_writecb turns it off again once all is written. Any other state
 * (closing, or flushing before reading on) goes the bufferevent's way, so
 * conn_writecb, which may free the connection, runs from the loop and not
 * under the caller. TLS connections always go the bufferevent's way.
 */
static void
conn_flush(struct conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	int		 settled = c->state == C_HEAD ||
			    (c->state == C_STREAM && !c->stream_ending);

	if (c->tls)
		return;
	if (settled && evbuffer_get_length(out) > 0)
		conn_write_now(c);
	if (evbuffer_get_length(out) > 0) {
		bufferevent_enable(c->bev, EV_WRITE);
		return;
	}
	if (settled && c->unflushed) {
		c->unflushed = 0;
		c->hl->unflushed--;
	}
}

/* Everything queued is written. */
static void
conn_writecb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (!c->tls)
		bufferevent_disable(c->bev, EV_WRITE);	/* conn_flush */
	if (c->unflushed) {
		c->unflushed = 0;
		c->hl->unflushed--;
	}
	switch (c->state) {
	case C_FLUSH:
		if (c->eof) {
			conn_free(c);
			return;
		}
		conn_idle(c);
		if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
			conn_read_heads(c);
		break;
	case C_CLOSING:
		if (c->body_unread && !c->eof)
			conn_linger(c);
		else
			conn_free(c);
		break;
	case C_STREAM:
		if (c->stream_ending)
			conn_free(c);
		break;
	default:
		break;
	}
}

/* Bytes arrived. */
static void
conn_readcb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	switch (c->state) {
	case C_HEAD:
		conn_read_heads(c);
		break;
	case C_BODY:
		conn_read_body(c);
		break;
	case C_LINGER:
		evbuffer_drain(in, evbuffer_get_length(in));
		break;
	case C_STREAM:
		if (c->on_read == NULL) {
			evbuffer_drain(in, evbuffer_get_length(in));
			break;
		}
		conn_pin(c);	/* the owner may close it from its reader */
		c->on_read(c, c->arg);
		conn_unpin(c);
		break;
	default:
		break;		/* it waits in the buffer */
	}
}

/* The client closed, the connection failed, or a write stalled. */
static void
conn_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;		/* a TLS handshake finished */
	/* The client finished sending: an answer on its way still goes. */
	if ((what & BEV_EVENT_EOF) && (c->state == C_BUSY ||
	    c->state == C_FLUSH || c->state == C_CLOSING)) {
		c->eof = 1;
		c->keepalive = 0;
		if (c->state == C_FLUSH)
			c->state = C_CLOSING;
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_every(&log_stalled, LOG_INFO, "%s: nothing %s for %ld s "
		    "(request_timeout), closing", c->peer,
		    (what & BEV_EVENT_WRITING) ? "could be written" :
		    "arrived", c->hl->set->io_timeout);
	conn_free(c);
}

/* The connection's deadline passed. */
static void
conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn		*c = arg;
	const struct http_settings *set = c->hl->set;
	uint64_t		 need;

	(void)fd;
	(void)what;
	switch (c->state) {
	case C_HEAD:
		if (c->started || c->requests == 0)
			log_every(&log_slow_head, LOG_INFO, "%s: no whole "
			    "request within %ld s (header_timeout), closing",
			    c->peer, set->head_timeout);
		conn_free(c);
		return;
	case C_BODY:
		need = (uint64_t)set->min_body_rate * (uint64_t)set->head_timeout;
		if (c->window_got < need) {
			log_every(&log_slow_body, LOG_INFO, "%s: a request "
			    "body came slower than %ld bytes/s "
			    "(min_body_rate), closing", c->peer,
			    set->min_body_rate);
			conn_free(c);
			return;
		}
		c->window_got = 0;
		conn_arm(c, (uint64_t)set->head_timeout * 1000000);
		return;
	case C_LINGER:
		conn_free(c);
		return;
	default:
		return;
	}
}

/*
 * Take a new connection: count it against the caps (closing an idle or
 * slow one of this loop's when all are taken) and start reading. -1 if it
 * was refused (and closed).
 */
int
http_accept(struct http_loop *hl, int fd, const struct sockaddr *sa, int kind)
{
	int			 tls = (kind & HTTP_TLS) != 0;
	const struct http_settings *set = hl->set;
	struct conn		*c;
	struct conn_addr	 a;
	char			 peer[64];
	struct timeval		 wtv = { set->io_timeout, 0 };
	enum admit		 admit;

	conn_addr_of(sa, &a, peer, sizeof peer);
	admit = conn_admit(&a);
	if (admit == ADMIT_FULL && http_evict(hl) == 0)
		admit = conn_admit(&a);
	if (admit != ADMIT_OK) {
		http_refuse(hl, fd, admit == ADMIT_FULL);
		return -1;
	}
	c = xcalloc(1, sizeof *c);
	c->hl = hl;
	c->fd = fd;
	c->tls = tls;
	c->public = (kind & HTTP_PUBLIC) != 0;
	c->metrics = (kind & HTTP_METRICS) != 0;
	c->addr = a;
	memcpy(c->peer, peer, sizeof peer);
	if (tls)
		c->bev = bufferevent_openssl_socket_new(hl->base, fd,
		    SSL_new(c->public && set->tls_public != NULL ?
		    set->tls_public : set->tls), BUFFEREVENT_SSL_ACCEPTING,
		    BEV_OPT_CLOSE_ON_FREE);
	else
		c->bev = bufferevent_socket_new(hl->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	c->timer = evtimer_new(hl->base, conn_timer, c);
	if (c->bev == NULL || c->timer == NULL) {
		log_error("%s: cannot set up a connection", peer);
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->timer != NULL)
			event_free(c->timer);
		conn_leave(&a);
		free(c);
		return -1;
	}
	if (tls)
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_set_max_single_write(c->bev, SINGLE_WRITE_MAX);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONN_INPUT_MAX);
	bufferevent_set_timeouts(c->bev, NULL, &wtv);
	bufferevent_setcb(c->bev, conn_readcb, conn_writecb, conn_eventcb, c);
	if (!tls)
		bufferevent_disable(c->bev, EV_WRITE);	/* conn_flush */
	if (++hl->nconns > hl->peak)
		hl->peak = hl->nconns;
	/* The first head's deadline counts from the accept (and takes in
	 * the TLS handshake). */
	c->head_deadline = clock_usec() + (uint64_t)set->head_timeout * 1000000;
	c->state = C_HEAD;
	conn_move(c, &hl->idle);
	conn_arm(c, (uint64_t)set->head_timeout * 1000000);
	bufferevent_enable(c->bev, EV_READ);
	return 0;
}

/* A new request on a connection. */
static struct http_request *
conn_request_new(struct conn *c)
{
	struct arena		*a = arena_new();
	struct http_request	*h = arena_alloc(a, sizeof *h);

	memset(h, 0, sizeof *h);
	h->arena = a;
	h->conn = c;
	h->hl = c->hl;
	h->peer = c->peer;
	h->tls = c->tls;
	h->public = c->public;
	h->metrics = c->metrics;
	h->head.content_length = -1;
	return h;
}

/* Hand a request (or a refused head) to the router. */
static void
conn_dispatch(struct conn *c, struct http_request *h)
{
	c->req = h;
	c->state = C_BUSY;
	c->started = 0;
	conn_move(c, &c->hl->busy);
	conn_arm(c, 0);
	c->hl->inflight++;
	c->hl->dispatch(h, c->hl->arg);
	/* Reading waits while the request is answered elsewhere (a worker,
	 * the writer). Turned off only then: off and on again in one turn
	 * of the loop, for an answer made at once, still cost an epoll_ctl.
	 * (c is pinned by conn_read_heads, but may be dead.) */
	if (!c->dead && c->state == C_BUSY && c->req == h)
		bufferevent_disable(c->bev, EV_READ);
}

/*
 * Skip the empty lines a client may send before a request (RFC 9112, 2.2:
 * some send one after a POST body). 1 if a request's first byte is here.
 */
static int
conn_skip_crlf(struct conn *c, struct evbuffer *in)
{
	const char	*p;

	while (evbuffer_get_length(in) >= 2) {
		p = (const char *)evbuffer_pullup(in, 2);
		if (p[0] != '\r' || p[1] != '\n' || c->crlfs == CRLF_MAX)
			return 1;
		evbuffer_drain(in, 2);
		c->crlfs++;
	}
	if (evbuffer_get_length(in) == 1)
		return *(const char *)evbuffer_pullup(in, 1) != '\r';
	return 0;
}

/*
 * Read the heads that have arrived, handing each whole one to the router;
 * pipelined requests are answered in order, each once the last is.
 */
static void
conn_read_heads(struct conn *c)
{
	const struct http_settings *set = c->hl->set;
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct http_request	*h;
	const char		*why = NULL;
	struct timeval		 io = { set->io_timeout, 0 };
	char			*buf;
	size_t			 len;
	ssize_t			 end;
	int			 status = 0, rc;

	if (c->reading > 0)
		return;
	conn_pin(c);
	while (!c->dead && c->state == C_HEAD) {
		if (!c->started) {
			if (!conn_skip_crlf(c, in))
				break;
			c->started = 1;
			memset(&c->scan, 0, sizeof c->scan);
			if (c->requests > 0)
				c->head_deadline = clock_usec() +
				    (uint64_t)set->head_timeout * 1000000;
			/* Each read may stall request_timeout at most,
			 * within the deadline for the whole head. */
			bufferevent_set_timeouts(c->bev, &io, &io);
			conn_move(c, &c->hl->heads);
			conn_arm(c, conn_until(c->head_deadline));
		}
		len = evbuffer_get_length(in);
		if (len > set->max_head + 1)
			len = set->max_head + 1;
		end = http_head_end((const char *)evbuffer_pullup(in,
		    (ssize_t)len), len, &c->scan, set->max_head, &status, &why);
		if (end == 0)
			break;
		h = conn_request_new(c);
		c->keepalive = 0;
		c->body_unread = 1;	/* whatever follows is not read */
		if (end < 0) {
			h->error = status;
			h->why = why;
			log_every(&log_bad_head, LOG_INFO, "%s: refused a "
			    "request head (%d): %s", c->peer, status, why);
			conn_dispatch(c, h);
			break;
		}
		buf = arena_alloc(h->arena, (size_t)end + 1);
		evbuffer_remove(in, buf, (size_t)end);
		if ((rc = http_head_parse(buf, (size_t)end, &h->head,
		    &why)) != 0) {
			h->error = rc;
			h->why = why;
			log_every(&log_bad_head, LOG_INFO, "%s: refused a "
			    "request head (%d): %s", c->peer, rc, why);
		} else {
			c->keepalive = !h->head.close;
			c->body_unread = h->head.content_length > 0 ||
			    h->head.chunked;
		}
		conn_dispatch(c, h);
	}
	conn_unpin(c);
}

/* The body is read (status 0), refused (an HTTP status) or given up. */
static void
conn_body_end(struct conn *c, int status)
{
	struct http_request	*h = c->req;

	c->state = C_BUSY;
	conn_move(c, &c->hl->busy);
	conn_arm(c, 0);
	bufferevent_disable(c->bev, EV_READ);
	if (status == 0)
		c->body_unread = 0;
	h->body_done(h, status, h->body_arg);
}

/* Move what arrived of a chunked body; 1 when it ended, -1 (with
 * *status) when it cannot be read. */
static int
conn_read_chunked(struct conn *c, struct http_request *h, struct evbuffer *in,
    int *status)
{
	const char	*why;
	uint64_t	 want;
	size_t		 len, n, step;
	ssize_t		 k;

	while ((len = evbuffer_get_length(in)) > 0) {
		if ((want = http_chunked_want(&c->chunked)) > 0) {
			n = len < want ? len : (size_t)want;
			if (c->body_got + n > c->body_limit) {
				*status = 413;
				return -1;
			}
			if (c->body_got + n > h->reserved) {
				step = n > BODY_STEP ? n : BODY_STEP;
				if (body_reserve(step) != 0) {
					*status = 503;
					return -1;
				}
				h->reserved += step;
			}
			evbuffer_remove_buffer(in, h->body, n);
			http_chunked_data(&c->chunked, n);
			c->body_got += n;
			c->window_got += n;
			continue;
		}
		if (len > 256)
			len = 256;
		k = http_chunked_frame(&c->chunked, (const char *)
		    evbuffer_pullup(in, (ssize_t)len), len, &why);
		if (k < 0) {
			log_every(&log_bad_head, LOG_INFO, "%s: refused a "
			    "chunked body: %s", c->peer, why);
			*status = 400;
			return -1;
		}
		evbuffer_drain(in, (size_t)k);
		c->window_got += (size_t)k;
		if (http_chunked_done(&c->chunked))
			return 1;
	}
	return 0;
}

/*
 * Copy n bytes of in onto the end of body's one piece (http_read_body
 * made room for the whole body): an upload is copied a read at a time as
 * it arrives, never all at once into a fresh allocation when it is
 * parsed, which for megabytes was a stall of milliseconds on the loop.
 */
static int
conn_body_copy(struct evbuffer *body, struct evbuffer *in, size_t n)
{
	struct evbuffer_iovec	v;

	if (evbuffer_reserve_space(body, (ev_ssize_t)n, &v, 1) != 1 ||
	    v.iov_len < n)
		return -1;
	if (evbuffer_remove(in, v.iov_base, n) != (int)n)
		return -1;
	v.iov_len = n;
	return evbuffer_commit_space(body, &v, 1);
}

/* Move what arrived of the body; hand the request back once it is all. */
static void
conn_read_body(struct conn *c)
{
	struct http_request	*h = c->req;
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	size_t			 n;
	int			 rc, status = 0;

	conn_pin(c);
	if (h->head.chunked) {
		if ((rc = conn_read_chunked(c, h, in, &status)) != 0)
			conn_body_end(c, rc > 0 ? 0 : status);
	} else {
		n = evbuffer_get_length(in);
		if (n > c->body_left)
			n = (size_t)c->body_left;
		if (!h->flat || n == 0 || conn_body_copy(h->body, in, n) != 0)
			evbuffer_remove_buffer(in, h->body, n);
		c->body_left -= n;
		c->body_got += n;
		c->window_got += n;
		if (c->body_left == 0)
			conn_body_end(c, 0);
	}
	conn_unpin(c);
}

/*
 * Read a request's body, up to limit bytes; done hears 0 once it is all in
 * h->body, or the status to answer (413 too large, 503 no memory for it
 * now, 400 malformed), or -1 if the client went away. Called by the router
 * once it knows the request may send one.
 */
void
http_read_body(struct http_request *h, size_t limit, http_body_fn done,
    void *arg)
{
	static const char	 cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	struct conn		*c = h->conn;
	const struct http_settings *set = h->hl->set;

	h->body_done = done;
	h->body_arg = arg;
	if (c == NULL) {
		done(h, -1, arg);
		return;
	}
	if (!h->head.chunked && h->head.content_length <= 0) {
		c->body_unread = 0;
		done(h, 0, arg);
		return;
	}
	if (!h->head.chunked && (uint64_t)h->head.content_length > limit) {
		done(h, 413, arg);
		return;
	}
	if (!h->head.chunked) {
		if (body_reserve((size_t)h->head.content_length) != 0) {
			done(h, 503, arg);
			return;
		}
		h->reserved = (size_t)h->head.content_length;
	}
	h->body = evbuffer_new();
	/* a large body with a length (an upload) goes into one piece made
	 * now, so parsing it needs no copy of it all (conn_body_copy) */
	if (!h->head.chunked && h->head.content_length >= BODY_FLAT_MIN &&
	    evbuffer_expand(h->body, (size_t)h->head.content_length) == 0)
		h->flat = 1;
	if (h->head.expect_continue && h->head.minor == 1 &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) == 0)
		bufferevent_write(c->bev, cont, sizeof cont - 1);
	c->state = C_BODY;
	conn_flush(c);
	c->body_limit = limit;
	c->body_left = h->head.chunked ? 0 : (uint64_t)h->head.content_length;
	c->body_got = c->window_got = 0;
	http_chunked_init(&c->chunked);
	conn_arm(c, (uint64_t)set->head_timeout * 1000000);
	bufferevent_enable(c->bev, EV_READ);
	conn_read_body(c);
}

/* A request header (the first by that name, any case), or NULL. */
const char *
http_header(const struct http_request *h, const char *name)
{
	return http_head_field(&h->head, name);
}

/* Append a header to the answer. */
void
http_add_header(struct http_request *h, const char *name, const char *value)
{
	struct http_field	*nf;

	if (h->nout == h->outcap) {
		h->outcap = h->outcap ? h->outcap * 2 : 16;
		nf = arena_alloc(h->arena, h->outcap * sizeof *nf);
		if (h->nout > 0)
			memcpy(nf, h->out, h->nout * sizeof *nf);
		h->out = nf;
	}
	h->out[h->nout].name = arena_strdup(h->arena, name);
	h->out[h->nout].value = arena_strdup(h->arena, value);
	h->nout++;
}

/* Set (replace) a header of the answer. */
void
http_set_header(struct http_request *h, const char *name, const char *value)
{
	size_t	i, j;

	for (i = j = 0; i < h->nout; i++) {
		if (strcasecmp(h->out[i].name, name) != 0)
			h->out[j++] = h->out[i];
	}
	h->nout = j;
	http_add_header(h, name, value);
}

/* A header of the answer so far, or NULL. */
const char *
http_out_header(const struct http_request *h, const char *name)
{
	size_t	i;

	for (i = 0; i < h->nout; i++) {
		if (strcasecmp(h->out[i].name, name) == 0)
			return h->out[i].value;
	}
	return NULL;
}

/* Whether a status's answer has a body (RFC 9110, 6.4.1). */
static int
http_has_body(int status)
{
	return status >= 200 && status != 204 && status != 304;
}

/*
 * Queue an answer's head: the status line, the headers set (a value with
 * a CR or LF is dropped and logged: it would write headers of its own),
 * Date, and what frames the body.
 */
static void
conn_write_head(struct conn *c, struct http_request *h, int status,
    const char *framing)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		 date[40], line[64], *buf, *p;
	size_t		 i, n;
	int		 k;

	http_date(date);
	k = snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", status,
	    http_reason(status));
	n = (size_t)k + sizeof "Date: \r\n" + strlen(date) + strlen(framing) +
	    2;
	for (i = 0; i < h->nout; i++)
		n += strlen(h->out[i].name) + strlen(h->out[i].value) + 4;
	p = buf = arena_alloc(h->arena, n);
	memcpy(p, line, (size_t)k);
	p += k;
	for (i = 0; i < h->nout; i++) {
		if (!http_value_ok(h->out[i].value)) {
			log_error("%s: header %s has a CR or LF in its value; "
			    "not sent", c->peer, h->out[i].name);
			continue;
		}
		p = stpcpy(p, h->out[i].name);
		p = stpcpy(p, ": ");
		p = stpcpy(p, h->out[i].value);
		p = stpcpy(p, "\r\n");
	}
	p = stpcpy(p, "Date: ");
	p = stpcpy(p, date);
	p = stpcpy(p, "\r\n");
	p = stpcpy(p, framing);
	p = stpcpy(p, "\r\n");
	evbuffer_add(out, buf, (size_t)(p - buf));
}

/*
 * Answer a request with status and body (NULL for none; its bytes are
 * moved). The connection then reads the next request, or closes once the
 * answer is written: when the client asked, when hearth is stopping, or
 * when a body is arriving that nobody read.
 */
void
http_reply(struct http_request *h, int status, struct evbuffer *body)
{
	struct conn	*c = h->conn;
	char		 framing[64];
	size_t		 len = body != NULL ? evbuffer_get_length(body) : 0;
	int		 keep, n = 0;

	if (h->answered)
		return;
	h->answered = 1;
	h->hl->inflight--;
	if (c == NULL)
		return;		/* the client went away */
	h->conn = NULL;
	c->req = NULL;
	c->requests++;
	keep = c->keepalive && !c->body_unread && !c->hl->draining &&
	    !c->eof && h->error == 0;
	if (http_has_body(status))
		n = snprintf(framing, sizeof framing, "Content-Length: %zu\r\n",
		    len);
	if (!keep)
		snprintf(framing + n, sizeof framing - n,
		    "Connection: close\r\n");
	else if (h->head.minor == 0)
		snprintf(framing + n, sizeof framing - n,
		    "Connection: keep-alive\r\n");
	else
		framing[n] = '\0';
	conn_write_head(c, h, status, framing);
	if (body != NULL && len > 0 && http_has_body(status) &&
	    h->head.mbit != M_HEAD)
		evbuffer_add_buffer(bufferevent_get_output(c->bev), body);
	c->unflushed = 1;
	c->hl->unflushed++;
	if (!keep) {
		c->state = C_CLOSING;
		bufferevent_disable(c->bev, EV_READ);
		conn_flush(c);
		return;
	}
	/* A large answer (a home page is 75 KB): what the socket takes now,
	 * before deciding whether to wait for the rest. */
	if (!c->tls && evbuffer_get_length(bufferevent_get_output(c->bev)) >
	    CONN_OUTPUT_MAX)
		conn_write_now(c);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) >
	    CONN_OUTPUT_MAX) {
		c->state = C_FLUSH;	/* reads on once it is written */
		conn_flush(c);
		return;
	}
	conn_idle(c);
	conn_flush(c);
	/* A pipelined request waiting behind this one: read it on the
	 * loop's next turn (or now, if the read loop is below us). */
	if (!c->reading &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		bufferevent_trigger(c->bev, EV_READ,
		    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

/* Free a request (answered or not) and what it holds. */
void
http_request_free(struct http_request *h)
{
	struct conn	*c;

	if (h == NULL)
		return;
	if (!h->answered) {
		/* Given up unanswered (its client went away): close. */
		h->answered = 1;
		h->hl->inflight--;
		if ((c = h->conn) != NULL) {
			c->req = NULL;
			h->conn = NULL;
			conn_free(c);
		}
	}
	if (h->body != NULL)
		evbuffer_free(h->body);
	if (h->reserved > 0)
		body_release(h->reserved);
	arena_free(h->arena);
}

/*
 * Answer a request with a stream's head and hand its connection to the
 * caller: 200 for server-sent events (chunked; for HTTP/1.0, until the
 * connection closes) or 101 for a WebSocket (headers set by the caller).
 * NULL if the client went away.
 */
struct conn *
http_stream(struct http_request *h, int status)
{
	struct conn	*c = h->conn;
	const char	*framing = "";

	if (h->answered || c == NULL)
		return NULL;
	h->answered = 1;
	h->hl->inflight--;
	h->conn = NULL;
	c->req = NULL;
	if (status == 200 && h->head.minor == 1) {
		framing = "Transfer-Encoding: chunked\r\n";
		c->stream_chunked = 1;
	} else if (status == 200)
		framing = "Connection: close\r\n";
	conn_write_head(c, h, status, framing);
	c->state = C_STREAM;
	conn_arm(c, 0);
	bufferevent_enable(c->bev, EV_READ);
	conn_flush(c);
	return c;
}

/* What a stream's owner hears: bytes arrived, the connection closed. */
void
conn_stream_cb(struct conn *c, conn_read_fn on_read, conn_close_fn on_close,
    void *arg)
{
	c->on_read = on_read;
	c->on_close = on_close;
	c->arg = arg;
}

/*
 * Send pieces on a stream as one chunk of an event stream (or one
 * WebSocket frame, its header the first piece). With nothing queued before
 * them they go to the socket straight away, in one sendmsg: through the
 * bufferevent each write cost two epoll_ctl calls (write interest on, then
 * off once written), a post to thousands of streams twice as many calls
 * as writes. What the socket does not take is queued as before, and an
 * error is left for the bufferevent's own write to find.
 */
void
conn_stream_writev(struct conn *c, const struct iovec *in, int n)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	struct iovec	 iov[STREAM_IOV_MAX + 2];
	struct msghdr	 msg;
	char		 head[24];
	size_t		 len = 0, skip = 0;
	ssize_t		 sent;
	int		 i, k = 0;

	if (n > STREAM_IOV_MAX)
		fatalx("conn_stream_writev: %d pieces, at most %d", n,
		    STREAM_IOV_MAX);
	for (i = 0; i < n; i++)
		len += in[i].iov_len;
	if (len == 0 && c->stream_chunked)
		return;		/* an empty chunk would end it */
	if (c->stream_chunked) {
		iov[k].iov_base = head;
		iov[k++].iov_len = (size_t)snprintf(head, sizeof head,
		    "%zx\r\n", len);
	}
	for (i = 0; i < n; i++)
		iov[k++] = in[i];
	if (c->stream_chunked) {
		iov[k].iov_base = (void *)"\r\n";
		iov[k++].iov_len = 2;
	}
	if (!c->tls && evbuffer_get_length(out) == 0) {
		memset(&msg, 0, sizeof msg);
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)k;
		if ((sent = sendmsg(c->fd, &msg, MSG_DONTWAIT |
		    MSG_NOSIGNAL)) > 0)
			skip = (size_t)sent;
	}
	for (i = 0; i < k; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		evbuffer_add(out, (char *)iov[i].iov_base + skip,
		    iov[i].iov_len - skip);
		skip = 0;
	}
	if (!c->tls && evbuffer_get_length(out) > 0)
		bufferevent_enable(c->bev, EV_WRITE);
}

/* Queue bytes on a stream (a chunk of an event stream). */
void
conn_stream_write(struct conn *c, const void *data, size_t len)
{
	struct iovec	iov = { (void *)data, len };

	conn_stream_writev(c, &iov, 1);
}

/* End a stream: its owner lets go; it closes once what is queued is
 * written (an event stream's last chunk first). */
void
conn_stream_end(struct conn *c)
{
	if (c->stream_chunked)
		evbuffer_add(bufferevent_get_output(c->bev), "0\r\n\r\n", 5);
	c->on_read = NULL;
	c->on_close = NULL;
	c->stream_ending = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		conn_free(c);
		return;
	}
	c->unflushed = 1;
	c->hl->unflushed++;
	conn_flush(c);
}

/* What a stream's client sent, not yet read. */
struct evbuffer *
conn_input(struct conn *c)
{
	return bufferevent_get_input(c->bev);
}

/* Bytes queued on a stream, not yet written. */
size_t
conn_unsent(struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

/* How long a stream's write may stall before the connection closes. */
void
conn_write_timeout(struct conn *c, long secs)
{
	struct timeval	tv = { secs, 0 };

	bufferevent_set_timeouts(c->bev, NULL, &tv);
}

/* Close a stream's connection now (its owner has let go). */
void
conn_close(struct conn *c)
{
	c->on_close = NULL;
	conn_free(c);
}
