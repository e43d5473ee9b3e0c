/*
 * server.c: the transport layer. Binds the listening sockets once, then runs
 * one event loop per thread, each with its own evhttp accepting on those
 * shared sockets and its own SQLite connection. The main thread only waits
 * for signals: SIGTERM or SIGINT makes every loop stop accepting, finish the
 * requests it has in flight, and exit, and then hearthd exits 0.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <openssl/ssl.h>

#include "hearth.h"

#define LISTEN_BACKLOG		1024
#define DRAIN_TIMEOUT_US	(10 * 1000000ULL)
#define DRAIN_POLL_MS		10
#define FLUSH_GRACE_US		(1000000ULL)
#define WORKER_QUEUE_MAX	512
#define SINGLE_WRITE_MAX	(1024 * 1024)

struct listener {
	evutil_socket_t		 fd;
	int			 tls;
	char			*name;
};

static SSL_CTX		*server_tls;

/*
 * Bind one listening socket. TCP_NODELAY is set here so accepted sockets
 * inherit it: without it evhttp's large writes wait on delayed ACKs.
 */
static int
server_listen(const struct listen_addr *la, struct listener *l, char **cause)
{
	struct evutil_addrinfo	 hints, *res = NULL;
	char			 port[16];
	int			 on = 1, rc;
	evutil_socket_t		 fd = -1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof port, "%d", la->port);
	l->name = xasprintf("%s:%d%s", la->host, la->port, la->tls ? " tls" :
	    "");
	if ((rc = evutil_getaddrinfo(la->host, port, &hints, &res)) != 0) {
		*cause = xasprintf("listen %s: %s", l->name,
		    evutil_gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1) {
		*cause = xasprintf("listen %s: %s", l->name, strerror(errno));
		if (fd != -1)
			close(fd);
		evutil_freeaddrinfo(res);
		return -1;
	}
	evutil_freeaddrinfo(res);
	l->fd = fd;
	l->tls = la->tls;
	return 0;
}

/*
 * Every loop accepts on the same sockets, and libevent's listener accepts
 * until the backlog is empty: left alone, whichever loop woke first takes a
 * whole burst of connections (wrk's 50 split 44/6) and its clients wait
 * several times longer than the other loop's. So a loop takes one
 * connection per turn: it stops listening after each accept and listens
 * again on its next turn, after the requests it already has. A busy loop
 * turns slowly and so takes fewer; the connections spread by load.
 */
static void
server_accepted(struct loop *loop)
{
	static const struct timeval	 now = { 0, 0 };
	size_t				 i;

	for (i = 0; i < loop->nbound; i++)
		evconnlistener_disable(
		    evhttp_bound_socket_get_listener(loop->bound[i].sock));
	evtimer_add(loop->reaccept, &now);
}

/* The loop's next turn after an accept: listen again. */
static void
server_reaccept(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*loop = arg;
	size_t		 i;

	(void)fd;
	(void)what;
	for (i = 0; i < loop->nbound; i++)
		evconnlistener_enable(
		    evhttp_bound_socket_get_listener(loop->bound[i].sock));
}

/*
 * A bufferevent writes at most 16 KiB per turn of the loop by default, so
 * a 32 KiB page left in two writes with a whole turn of other clients'
 * requests between them. An answer goes out in one write.
 */
static struct bufferevent *
server_bev(struct bufferevent *bev)
{
	if (bev != NULL)
		bufferevent_set_max_single_write(bev, SINGLE_WRITE_MAX);
	return bev;
}

/* A new plain connection: as evhttp would make it, one per turn. */
static struct bufferevent *
server_plain_bev(struct event_base *base, void *arg)
{
	server_accepted(arg);
	return server_bev(bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE));
}

/* Wrap each new connection of a TLS listener in OpenSSL. */
static struct bufferevent *
server_tls_bev(struct event_base *base, void *arg)
{
	server_accepted(arg);
	return server_bev(bufferevent_openssl_socket_new(base, -1,
	    SSL_new(server_tls), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE));
}

/* Finished jobs are waiting for this loop. */
static void
server_notify(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	worker_deliver(arg);
}

/*
 * Exit the loop once every request is answered and its answer written, or
 * at the deadline. An answer to a client that went away is never reported
 * written, so unflushed answers get only FLUSH_GRACE once all are answered.
 */
static void
server_drain_check(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*loop = arg;
	uint64_t	 now = clock_usec();

	(void)fd;
	(void)what;
	if (loop->inflight > 0 && now < loop->drain_deadline)
		return;
	if (loop->flush_deadline == 0)
		loop->flush_deadline = now + FLUSH_GRACE_US;
	if (loop->unflushed > 0 && now < loop->flush_deadline &&
	    now < loop->drain_deadline)
		return;
	if (loop->inflight > 0)
		log_warn("loop %d: %d requests still unanswered at shutdown",
		    loop->id, loop->inflight);
	event_base_loopbreak(loop->base);
}

/* Stop accepting; keep serving what is in flight. */
static void
server_drain(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*loop = arg;
	struct timeval	 tv = { 0, DRAIN_POLL_MS * 1000 };
	size_t		 i;

	(void)fd;
	(void)what;
	evtimer_del(loop->reaccept);
	for (i = 0; i < loop->nbound; i++)
		evhttp_del_accept_socket(loop->bound[i].http,
		    loop->bound[i].sock);
	loop->nbound = 0;
	loop->draining = 1;
	loop->drain_deadline = clock_usec() + DRAIN_TIMEOUT_US;
	stream_drain(loop);
	evtimer_add(loop->drain_check, &tv);
}

/* Configure one evhttp with hearth's limits. */
static struct evhttp *
server_http(struct loop *loop, int tls)
{
	const struct config	*c = loop->server->config;
	struct evhttp		*http = evhttp_new(loop->base);

	if (http == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_max_headers_size(http, c->max_header_size);
	evhttp_set_max_body_size(http, c->max_body_size);
	evhttp_set_timeout(http, (int)c->request_timeout);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	evhttp_set_default_content_type(http, "text/html; charset=utf-8");
	loop->port[tls].loop = loop;
	loop->port[tls].tls = tls;
	evhttp_set_gencb(http, router_dispatch, &loop->port[tls]);
	evhttp_set_bevcb(http, tls ? server_tls_bev : server_plain_bev, loop);
	return http;
}

/* Set up a loop thread's base, database and HTTP servers. */
static int
server_loop_init(struct loop *loop, struct listener *ls, size_t nls,
    const char *dbpath, char **cause)
{
	const struct config	*c = loop->server->config;
	struct evhttp		*http;
	struct evconnlistener	*lev;
	struct event_config	*cfg;
	size_t			 i;

	/* The changelist folds the epoll_ctl calls of one turn into one per
	 * socket: evhttp stops reading and starts writing in the same turn
	 * (and the reverse), two calls per request saved. Safe because no
	 * socket here is ever dup()ed. */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) != 0 ||
	    (loop->base = event_base_new_with_config(cfg)) == NULL) {
		if (cfg != NULL)
			event_config_free(cfg);
		*cause = xstrdup("event_base_new failed");
		return -1;
	}
	event_config_free(cfg);
	loop->db = db_open(dbpath, c->synchronous, DB_NOCHECKPOINT, cause);
	if (loop->db == NULL || stamp_watch(db_handle(loop->db), cause) != 0)
		return -1;
	pthread_mutex_init(&loop->done_lock, NULL);
	TAILQ_INIT(&loop->done);
	loop->notify = event_new(loop->base, -1, 0, server_notify, loop);
	loop->drain = event_new(loop->base, -1, 0, server_drain, loop);
	loop->drain_check = event_new(loop->base, -1, EV_PERSIST,
	    server_drain_check, loop);
	loop->reaccept = evtimer_new(loop->base, server_reaccept, loop);
	loop->bound = xcalloc(nls, sizeof *loop->bound);
	for (i = 0; i < nls; i++) {
		if (loop->http[ls[i].tls] == NULL)
			loop->http[ls[i].tls] = server_http(loop, ls[i].tls);
		http = loop->http[ls[i].tls];
		/* Not evhttp_accept_socket_with_handle: it sets
		 * LEV_OPT_CLOSE_ON_FREE, and the first loop to drain would
		 * close the socket every other loop still accepts on. */
		lev = evconnlistener_new(loop->base, NULL, NULL,
		    LEV_OPT_CLOSE_ON_EXEC, 0, ls[i].fd);
		loop->bound[i].http = http;
		loop->bound[i].sock = lev ? evhttp_bind_listener(http, lev) :
		    NULL;
		if (loop->bound[i].sock == NULL) {
			if (lev != NULL)
				evconnlistener_free(lev);
			*cause = xasprintf("listen %s: cannot accept",
			    ls[i].name);
			return -1;
		}
		loop->nbound++;
	}
	return 0;
}

/* Free what server_loop_init made. */
static void
server_loop_free(struct loop *loop)
{
	int	i;

	for (i = 0; i < 2; i++) {
		if (loop->http[i] != NULL)
			evhttp_free(loop->http[i]);
	}
	if (loop->notify)
		event_free(loop->notify);
	if (loop->drain)
		event_free(loop->drain);
	if (loop->drain_check)
		event_free(loop->drain_check);
	if (loop->reaccept)
		event_free(loop->reaccept);
	free(loop->bound);
	db_close(loop->db);
	if (loop->base)
		event_base_free(loop->base);
	pthread_mutex_destroy(&loop->done_lock);
}

/* A loop thread. */
static void *
server_loop_main(void *arg)
{
	struct loop	*loop = arg;

	event_base_dispatch(loop->base);
	/* Jobs finishing after the loop stopped are delivered here. */
	return NULL;
}

/*
 * Size the memory of what readers may see (peek.c) by the company: a page
 * and a half of posts per person, from 65,536 rows (~6 MB) to 1,048,576
 * (~90 MB). People who join later share it.
 */
#define PEEK_ROWS_PER_PERSON	32
#define PEEK_ROWS_MIN		(1 << 16)
#define PEEK_ROWS_MAX		(1 << 20)
static void
server_peek_init(struct loop *loop)
{
	struct instance_stats	st;
	size_t			n = PEEK_ROWS_MIN;

	if (instance_stats(loop->db, time(NULL), &st) == 0 &&
	    st.users > PEEK_ROWS_MIN / PEEK_ROWS_PER_PERSON)
		n = st.users < PEEK_ROWS_MAX / PEEK_ROWS_PER_PERSON ?
		    (size_t)st.users * PEEK_ROWS_PER_PERSON : PEEK_ROWS_MAX;
	peek_cache_init(n);
}

/* SIGTERM or SIGINT on the main thread: drain every loop. */
static void
server_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server	*s = arg;
	int		 i;

	(void)what;
	log_info("received %s: finishing requests in flight, then exiting",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	sdnotify("STOPPING=1");
	for (i = 0; i < s->nloops; i++)
		event_active(s->loops[i].drain, 0, 0);
}

/* Run the server until a signal; 0 after a clean shutdown, else 1. */
int
server_run(struct config *c)
{
	struct server	 s;
	struct listener	*ls;
	struct event_base *mainbase;
	struct event	*sigterm, *sigint;
	sigset_t	 all, old;
	char		*dbpath = config_db_path(c), *cause = NULL;
	size_t		 i, nls = c->nlisten;
	int		 n, rc = 1, started = 0, need_tls = 0;

	memset(&s, 0, sizeof s);
	s.config = c;
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);

	ls = xcalloc(nls, sizeof *ls);
	for (i = 0; i < nls; i++) {
		ls[i].fd = -1;
		if (server_listen(&c->listen[i], &ls[i], &cause) != 0)
			goto out;
		need_tls |= ls[i].tls;
	}
	if (need_tls &&
	    (server_tls = tls_context(c->tls_cert, c->tls_key, &cause)) == NULL)
		goto out;

	s.login_ip = ratelimit_new(c->login_ip_limit, c->login_window, 65536);
	s.login_account = ratelimit_new(c->login_account_limit,
	    c->login_window, 65536);
	if (worker_start(c->workers, WORKER_QUEUE_MAX) != 0) {
		cause = xstrdup("cannot start worker threads");
		goto out;
	}
	if (checkpoint_start(dbpath, &cause) != 0)
		goto out;
	if (stamp_shared_open(c->data_dir, 1, &cause) != 0)
		goto out;
	if (writer_start(dbpath, c->synchronous, &cause) != 0)
		goto out;
	feed_init(c->home_feed_cache);
	entity_cache_init(50000, 20000);
	web_card_init(100000);

	n = c->threads > 0 ? c->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	s.nloops = n > 0 ? n : 1;
	s.loops = xcalloc(s.nloops, sizeof *s.loops);
	for (n = 0; n < s.nloops; n++) {
		s.loops[n].id = n;
		s.loops[n].server = &s;
		if (server_loop_init(&s.loops[n], ls, nls, dbpath, &cause) != 0)
			goto out;
	}

	server_peek_init(&s.loops[0]);
	stream_init(&s);
	module_jobs_start(&s.loops[0]);

	/* Handlers first: a SIGTERM must never find a serving hearthd
	 * without them. Loop threads never take signals; the main thread
	 * handles them. */
	mainbase = event_base_new();
	sigterm = evsignal_new(mainbase, SIGTERM, server_signal, &s);
	sigint = evsignal_new(mainbase, SIGINT, server_signal, &s);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (n = 0; n < s.nloops; n++) {
		if (pthread_create(&s.loops[n].thread, NULL, server_loop_main,
		    &s.loops[n]) != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			cause = xstrdup("cannot start loop threads");
			goto out;
		}
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	for (i = 0; i < nls; i++)
		log_info("listening on %s://%s", ls[i].tls ? "https" : "http",
		    ls[i].name);
	log_info("hearthd %s ready: %d loop threads, base_url %s",
	    PACKAGE_VERSION, s.nloops, c->base_url);
	sdnotify("READY=1");

	/* Wait for a signal; the loops exit by themselves after draining. */
	event_base_loop(mainbase, EVLOOP_ONCE);
	for (n = 0; n < started; n++)
		pthread_join(s.loops[n].thread, NULL);
	started = 0;
	event_free(sigterm);
	event_free(sigint);
	event_base_free(mainbase);
	rc = 0;
	log_info("stopped cleanly");
out:
	if (cause != NULL) {
		log_error("%s", cause);
		free(cause);
	}
	for (n = 0; n < started; n++) {
		event_active(s.loops[n].drain, 0, 0);
		pthread_join(s.loops[n].thread, NULL);
	}
	module_jobs_stop();
	worker_stop();
	writer_stop();
	stream_free();
	/* Deliver jobs that finished after their loop stopped, so their
	 * memory is freed; their requests are answered or gone by now. */
	for (n = 0; n < s.nloops; n++) {
		if (s.loops[n].base != NULL)
			worker_deliver(&s.loops[n]);
		server_loop_free(&s.loops[n]);
	}
	free(s.loops);
	checkpoint_stop();
	feed_free();
	entity_cache_free();
	web_card_free();
	ratelimit_free(s.login_ip);
	ratelimit_free(s.login_account);
	for (i = 0; i < nls; i++) {
		if (ls[i].fd != -1)
			close(ls[i].fd);
		free(ls[i].name);
	}
	free(ls);
	if (server_tls != NULL)
		SSL_CTX_free(server_tls);
	free(dbpath);
	return rc;
}
