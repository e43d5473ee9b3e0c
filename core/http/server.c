/*
 * server.c: the loops and their listening sockets. Binds the sockets once,
 * sizes the connection caps by the open files limit, then runs one event
 * loop per thread, each accepting on those shared sockets into its own
 * connections (conn.c) with its own SQLite connection. The main thread
 * only waits for signals: SIGTERM or SIGINT makes every loop stop
 * accepting, finish the requests it has in flight, and exit, and then
 * hearthd exits 0.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <openssl/ssl.h>

#include "request.h"

#define LISTEN_BACKLOG		1024
#define DRAIN_TIMEOUT_US	(10 * 1000000ULL)
#define DRAIN_POLL_MS		10
#define FLUSH_GRACE_US		(1000000ULL)
#define WORKER_QUEUE_MAX	512
#define NOFILE_WANT		(1L << 20)	/* open files to ask for */
#define NOFILE_PAUSE_MS		100		/* no descriptors: wait */
#define TIDY_SECS		5		/* how often to look */
#define TRIM_DROP		256		/* connections gone: trim */

struct listener {
	evutil_socket_t		 fd;
	int			 kind;		/* HTTP_TLS, HTTP_PUBLIC */
	char			*name;
};

static SSL_CTX		*server_tls;
static SSL_CTX		*server_tls_public;	/* a public listener's own */

/*
 * Bind one listening socket. TCP_NODELAY is set here so accepted sockets
 * inherit it: without it large answers wait on delayed ACKs.
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
	l->name = xasprintf("%s:%d%s%s", la->host, la->port, la->tls ? " tls" :
	    "", la->public ? " (public)" : la->metrics ? " (metrics)" : "");
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
	l->kind = (la->tls ? HTTP_TLS : 0) | (la->public ? HTTP_PUBLIC : 0) |
	    (la->metrics ? HTTP_METRICS : 0);
	return 0;
}

/*
 * The file descriptor kept in reserve for accept() failing with EMFILE:
 * closing it lets one pending connection be accepted and closed at once,
 * so the listening socket stops being readable and no loop spins on it.
 */
static int		 spare_fd = -1;
static pthread_mutex_t	 spare_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_every	 log_nofile = LOG_EVERY(10);
static struct log_every	 log_accept = LOG_EVERY(10);

/* Listen again on the loop's next turn (or after a pause). */
static void
server_listen_again(struct loop *loop, long ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };
	size_t		i;

	for (i = 0; i < loop->naccepts; i++)
		event_del(loop->accepts[i].ev);
	evtimer_add(loop->reaccept, &tv);
}

/* The loop's next turn after an accept (or a pause): listen again. */
static void
server_reaccept(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*loop = arg;
	size_t		 i;

	(void)fd;
	(void)what;
	if (loop->draining)
		return;
	for (i = 0; i < loop->naccepts; i++)
		event_add(loop->accepts[i].ev, NULL);
}

/*
 * Out of file descriptors: accept the waiting connection on the spare one
 * and close it (it could not be served anyway), and stop listening for a
 * moment, so that neither the log nor the loop spins.
 */
static void
server_nofile(struct loop *loop, int lfd, int err)
{
	int	fd;

	pthread_mutex_lock(&spare_lock);
	if (spare_fd != -1) {
		close(spare_fd);
		if ((fd = accept(lfd, NULL, NULL)) != -1)
			close(fd);
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	pthread_mutex_unlock(&spare_lock);
	log_every(&log_nofile, LOG_ERROR, "cannot accept a connection: %s "
	    "(%ld open); raise the open files limit (LimitNOFILE=) or lower "
	    "max_connections", strerror(err), conn_open_count());
	server_listen_again(loop, NOFILE_PAUSE_MS);
}

/*
 * A listening socket is readable: accept one connection. Every loop
 * accepts on the same sockets, and left alone whichever woke first would
 * take a whole burst (wrk's 50 split 44/6) and its clients wait several
 * times longer than the other loop's. So a loop takes one connection per
 * turn: it stops listening after each accept and listens again on its next
 * turn, after the requests it already has. A busy loop turns slowly and so
 * takes fewer; the connections spread by load.
 */
static void
server_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct loop_accept	*la = arg;
	struct loop		*loop = la->loop;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	int			 fd;

	(void)what;
	fd = accept4(lfd, (struct sockaddr *)&ss, &sslen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		switch (errno) {
		case EAGAIN:
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
			return;		/* another loop took it, or it left */
		case EMFILE:
		case ENFILE:
			server_nofile(loop, lfd, errno);
			return;
		default:		/* ENOBUFS, ENOMEM: wait a little */
			log_every(&log_accept, LOG_ERROR, "accept: %s",
			    strerror(errno));
			server_listen_again(loop, NOFILE_PAUSE_MS);
			return;
		}
	}
	server_listen_again(loop, 0);
	http_accept(&loop->http, fd, (struct sockaddr *)&ss, la->kind);
}

/* From the writer: a write's outcome, to the loop it came from. */
static void
server_writer_post(void *loop, void (*done)(void *), void *arg)
{
	worker_post(loop, done, arg);
}

/* On a worker: give the memory freed by closed connections back. */
static void
server_trim_work(void *arg)
{
	(void)arg;
	malloc_trim(0);
}

/* Back on the loop: nothing to do. */
static void
server_trim_done(void *arg)
{
	(void)arg;
}

/*
 * Every few seconds: note the loop's SQLite page cache for the metrics
 * (only this thread may ask its connection). If many connections closed
 * since the last look (an attack ended, a crowd went home), have a worker
 * hand glibc's freed memory back to the system. glibc keeps small freed blocks in each
 * thread's arena, so RSS would otherwise stay at the crowd's high mark.
 */
static void
server_tidy(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*loop = arg;

	(void)fd;
	(void)what;
	tally_tidy(loop);
	if (loop->http.peak - loop->http.nconns >= TRIM_DROP &&
	    worker_submit(loop, server_trim_work, server_trim_done, NULL) == 0)
		loop->http.peak = loop->http.nconns;
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
	if (http_loop_busy(&loop->http) && now < loop->drain_deadline)
		return;
	if (loop->flush_deadline == 0)
		loop->flush_deadline = now + FLUSH_GRACE_US;
	if (loop->http.unflushed > 0 && now < loop->flush_deadline &&
	    now < loop->drain_deadline)
		return;
	if (loop->http.inflight > 0)
		log_warn("loop %d: %d requests still unanswered at shutdown",
		    loop->id, loop->http.inflight);
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
	for (i = 0; i < loop->naccepts; i++)
		event_del(loop->accepts[i].ev);
	loop->draining = 1;
	loop->drain_deadline = clock_usec() + DRAIN_TIMEOUT_US;
	http_loop_drain(&loop->http);
	stream_drain(loop);
	evtimer_add(loop->drain_check, &tv);
}

/* Set up a loop thread's base, database and connections. */
static int
server_loop_init(struct loop *loop, struct listener *ls, size_t nls,
    const char *dbpath, char **cause)
{
	const struct config	*c = loop->server->config;
	struct event_config	*cfg;
	struct timeval		 tidy = { TIDY_SECS, 0 };
	size_t			 i;

	/* The changelist folds the epoll_ctl calls of one turn into one per
	 * socket: a connection stops reading and starts writing in the same
	 * turn (and the reverse), two calls per request saved. Safe because
	 * no socket here is ever dup()ed. */
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
	loop->tidy = event_new(loop->base, -1, EV_PERSIST, server_tidy, loop);
	loop->tally = tally_loop_new();
	event_add(loop->tidy, &tidy);
	http_loop_init(&loop->http, loop->base, &loop->server->http,
	    router_dispatch, loop);
	loop->accepts = xcalloc(nls, sizeof *loop->accepts);
	for (i = 0; i < nls; i++) {
		loop->accepts[i].loop = loop;
		loop->accepts[i].kind = ls[i].kind;
		loop->accepts[i].ev = event_new(loop->base, ls[i].fd,
		    EV_READ | EV_PERSIST, server_accept, &loop->accepts[i]);
		if (loop->accepts[i].ev == NULL ||
		    event_add(loop->accepts[i].ev, NULL) != 0) {
			*cause = xasprintf("listen %s: cannot accept",
			    ls[i].name);
			return -1;
		}
		loop->naccepts++;
	}
	return 0;
}

/* Free what server_loop_init made. */
static void
server_loop_free(struct loop *loop)
{
	size_t	i;

	if (loop->base != NULL)
		http_loop_free(&loop->http);
	for (i = 0; i < loop->naccepts; i++)
		event_free(loop->accepts[i].ev);
	free(loop->accepts);
	if (loop->notify)
		event_free(loop->notify);
	if (loop->drain)
		event_free(loop->drain);
	if (loop->drain_check)
		event_free(loop->drain_check);
	if (loop->reaccept)
		event_free(loop->reaccept);
	if (loop->tidy)
		event_free(loop->tidy);
	tally_loop_free(loop->tally);
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
#define PEEK_ROWS_PER_PERSON	48	/* a home page reads 20-40 */
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

/*
 * Raise the open files limit to what the system allows (systemd starts
 * services at 1,024 soft, with a far higher hard limit), and size the
 * connection caps by it: max_connections leaves room below the limit for
 * the database, its journal, the workers and modules, so accept() does
 * not run out; each client address may hold a sixteenth. Bodies in memory
 * share a budget of 16 of the largest. Logged, so the admin sees it.
 */
static void
server_limits(struct server *s)
{
	const struct config	*c = s->config;
	struct http_settings	*set = &s->http;
	struct conn_limits	 lim;
	struct rlimit		 rl;
	long			 was = 0, nofile, reserve;
	char			 per[96];

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		was = (long)rl.rlim_cur;
		if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < NOFILE_WANT) {
			rl.rlim_cur = rl.rlim_max < NOFILE_WANT ? rl.rlim_max :
			    NOFILE_WANT;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		nofile = rl.rlim_cur == RLIM_INFINITY ? NOFILE_WANT :
		    (long)rl.rlim_cur;
	} else
		nofile = was = 1024;
	reserve = nofile / 16 > 64 ? nofile / 16 : 64;
	lim.max_connections = c->max_connections > 0 ? c->max_connections :
	    nofile - reserve > 16 ? nofile - reserve : 16;
	lim.max_per_addr = c->max_connections_per_ip > 0 ?
	    c->max_connections_per_ip : lim.max_connections / 16 > 16 ?
	    lim.max_connections / 16 : 16;
	if (c->trust_proxy)
		lim.max_per_addr = 0;	/* every connection is the proxy's */
	lim.body_memory = c->max_body_memory > 0 ? c->max_body_memory :
	    16 * c->max_body_size > 64L << 20 ? 16 * c->max_body_size :
	    64L << 20;
	conn_limit_init(&lim);
	if (nofile != was)
		log_info("open files limit %ld (raised from %ld)", nofile, was);
	else
		log_info("open files limit %ld", nofile);
	if (lim.max_per_addr > 0)
		snprintf(per, sizeof per, "%ld per client address",
		    lim.max_per_addr);
	else
		snprintf(per, sizeof per, "no cap per address (trust_proxy: "
		    "the proxy limits its clients)");
	log_info("at most %ld connections, %s; %ld MiB for request bodies at "
	    "once", lim.max_connections, per, lim.body_memory >> 20);
	if (lim.max_connections > nofile - 32)
		log_warn("max_connections %ld is close to the open files limit "
		    "%ld: hearthd may run out of descriptors; raise "
		    "LimitNOFILE= or lower max_connections",
		    lim.max_connections, nofile);

	set->max_head = (size_t)c->max_header_size;
	set->head_timeout = c->header_timeout;
	set->idle_timeout = c->keepalive_timeout;
	set->io_timeout = c->request_timeout;
	set->min_body_rate = c->min_body_rate;
	set->tls = server_tls;
	set->tls_public = server_tls_public;
	s->refusal[0] = router_refusal(429, "This address has too many "
	    "connections open; close some and try again.");
	s->refusal[1] = router_refusal(503, "hearth has all the connections "
	    "it can take; try again in a moment.");
	set->refusal[0] = s->refusal[0];
	set->refusal[1] = s->refusal[1];
}

/*
 * After a clean shutdown (the loops and the writer have stopped, so every
 * committed post is in the feeds it reached): keep the home feeds for the
 * next start (feed-save.c), on a connection of its own.
 */
static void
server_save_feeds(const char *dbpath, enum sync_mode sync)
{
	struct db	*db;
	char		*cause = NULL;

	if ((db = db_open(dbpath, sync, 0, &cause)) == NULL) {
		log_warn("feeds: not saved: %s", cause);
		free(cause);
		return;
	}
	(void)feed_save_all(db);
	db_close(db);
}

/*
 * Run the server until a signal; 0 after a clean shutdown, else 1. hooks
 * (optional) hear when the loops have started (with the first loop, for
 * work that answers on one) and when they are stopping.
 */
int
server_run(struct config *c, const struct server_hooks *hooks)
{
	struct server	 s;
	struct listener	*ls;
	struct cache_stats feeds;
	struct event_base *mainbase;
	struct event	*sigterm, *sigint;
	sigset_t	 all, old;
	char		*dbpath = config_db_path(c), *cause = NULL;
	size_t		 i, nls = c->nlisten;
	int		 n, rc = 1, started = 0, need_tls = 0;

	memset(&s, 0, sizeof s);
	s.config = c;
	metrics_start();
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);

	ls = xcalloc(nls, sizeof *ls);
	for (i = 0; i < nls; i++) {
		ls[i].fd = -1;
		if (server_listen(&c->listen[i], &ls[i], &cause) != 0)
			goto out;
		/* A public listener with a certificate of its own (the
		 * public name's) uses it; the first such one is taken. */
		if ((ls[i].kind & HTTP_TLS) && c->listen[i].tls_cert != NULL &&
		    server_tls_public == NULL && (server_tls_public =
		    tls_context(c->listen[i].tls_cert, c->listen[i].tls_key,
		    &cause)) == NULL)
			goto out;
		if ((ls[i].kind & HTTP_TLS) && c->listen[i].tls_cert == NULL)
			need_tls = 1;
	}
	if (need_tls &&
	    (server_tls = tls_context(c->tls_cert, c->tls_key, &cause)) == NULL)
		goto out;

	server_limits(&s);
	pthread_mutex_lock(&spare_lock);
	if (spare_fd == -1)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pthread_mutex_unlock(&spare_lock);
	s.login_ip = ratelimit_new(c->login_ip_limit, c->login_window, 65536);
	s.login_account = ratelimit_new(c->login_account_limit,
	    c->login_window, 65536);
	s.login_device = ratelimit_new(c->login_account_limit,
	    c->login_window, 65536);
	worker_set_heavy(c->media_jobs);
	if (worker_start(c->workers, WORKER_QUEUE_MAX) != 0) {
		cause = xstrdup("cannot start worker threads");
		goto out;
	}
	if (checkpoint_start(dbpath, &cause) != 0)
		goto out;
	if (stamp_shared_open(c->data_dir, 1, &cause) != 0)
		goto out;
	if (writer_start(dbpath, c->synchronous, server_writer_post,
	    &cause) != 0)
		goto out;

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
	if (hooks != NULL && hooks->started != NULL)
		hooks->started(&s.loops[0]);

	/* Handlers first: a SIGTERM must never find a serving hearthd
	 * without them. Loop threads never take signals; the main thread
	 * handles them. */
	mainbase = event_base_new();
	sigterm = evsignal_new(mainbase, SIGTERM, server_signal, &s);
	sigint = evsignal_new(mainbase, SIGINT, server_signal, &s);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	sigfillset(&all);
	/* Faults stay deliverable: blocked, they kill without a word, and a
	 * crash inside a module must name it first (crash.c). */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
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
		log_info("listening on %s://%s", (ls[i].kind & HTTP_TLS) ?
		    "https" : "http", ls[i].name);
	/* as many as the feeds hold (home_feed_cache, or cache_memory's
	 * share if that is less) */
	feed_stats(&feeds);
	if (prewarm_start(dbpath, c->home_prewarm_days,
	    (size_t)feeds.capacity) != 0)
		log_warn("prewarm: cannot start its thread");
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
	if (hooks != NULL && hooks->stopping != NULL)
		hooks->stopping();
	prewarm_stop();
	worker_stop();
	writer_stop();
	if (rc == 0)
		server_save_feeds(dbpath, c->synchronous);
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
	conn_limit_free();
	free(s.refusal[0]);
	free(s.refusal[1]);
	ratelimit_free(s.login_ip);
	ratelimit_free(s.login_account);
	ratelimit_free(s.login_device);
	for (i = 0; i < nls; i++) {
		if (ls[i].fd != -1)
			close(ls[i].fd);
		free(ls[i].name);
	}
	free(ls);
	if (server_tls != NULL)
		SSL_CTX_free(server_tls);
	if (server_tls_public != NULL)
		SSL_CTX_free(server_tls_public);
	server_tls = server_tls_public = NULL;
	free(dbpath);
	return rc;
}
