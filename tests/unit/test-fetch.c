/* Unit tests for fetch.c against small HTTP servers in this process (plain
 * sockets on 127.0.0.1, a thread per connection, canned answers by path):
 * answers, refused addresses before any connection, redirects (counted,
 * re-checked, scheme-checked, never for a POST), headers made per hop, the
 * body cap, timeouts that hold up no other host, the per-host and total
 * limits, and stopping with requests in flight. */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "tap.h"

#define MAX_SEEN	16
#define MAX_CONNS	64

/* What a server was asked. */
struct seen {
	char		 method[8];
	char		 path[256];
	char		 hop[512];	/* the X-Hop header */
	char		 head[2048];
	char		 body[256];
	size_t		 body_len;
};

/* Requests held at a server's /hold (for the limits). */
struct gauge {
	int		 now, max;
};

struct server {
	int		 fd;
	int		 port;
	int		 stop[2];	/* a pipe: readable when stopping */
	pthread_t	 thread;

	pthread_mutex_t	 lock;
	int		 accepted;
	struct gauge	 inflight;
	struct gauge	*shared;	/* NULL, or counted across servers */
	struct seen	 seen[MAX_SEEN];
	int		 nseen;
	pthread_t	 conns[MAX_CONNS];
	int		 nconns;
};

struct conn {
	struct server	*s;
	int		 fd;
};

/* /hold answers once the gate is open. */
static pthread_mutex_t	gauge_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	gauge_cond = PTHREAD_COND_INITIALIZER;
static int		gate_open;

/* Milliseconds on the monotonic clock. */
static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Write it all (the client may have gone: no SIGPIPE). */
static void
put(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0 && (n = send(fd, buf, len, MSG_NOSIGNAL)) > 0) {
		buf += n;
		len -= n;
	}
}

/* Answer with a status, headers and body; every answer closes. */
static void
answer(int fd, const char *status, const char *headers, const char *body,
    size_t len, int with_length)
{
	char	head[1024];

	snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sConnection: close\r\n",
	    status, headers);
	if (with_length)
		snprintf(head + strlen(head), sizeof head - strlen(head),
		    "Content-Length: %zu\r\n", len);
	strcat(head, "\r\n");
	put(fd, head, strlen(head));
	put(fd, body, len);
}

/* A body of n bytes of 'x'. */
static void
answer_size(int fd, size_t n, int with_length)
{
	char	*body = malloc(n + 1);

	memset(body, 'x', n);
	answer(fd, "200 OK", "Content-Type: text/plain\r\n", body, n,
	    with_length);
	free(body);
}

/* Hold the connection until the client goes or the server stops. */
static void
hang(struct server *s, int fd)
{
	struct pollfd	pfd[2] = { { fd, POLLIN, 0 },
			    { s->stop[0], POLLIN, 0 } };
	char		c;

	while (poll(pfd, 2, -1) == -1 && errno == EINTR)
		;
	if (pfd[0].revents != 0)
		(void)!read(fd, &c, 1);
}

/* Count the request (here and across servers) until the gate opens. */
static void
hold(struct server *s)
{
	struct gauge	*g[2] = { &s->inflight, s->shared };
	int		 i;

	pthread_mutex_lock(&gauge_lock);
	for (i = 0; i < 2 && g[i] != NULL; i++) {
		if (++g[i]->now > g[i]->max)
			g[i]->max = g[i]->now;
	}
	pthread_cond_broadcast(&gauge_cond);
	while (!gate_open)
		pthread_cond_wait(&gauge_cond, &gauge_lock);
	for (i = 0; i < 2 && g[i] != NULL; i++)
		g[i]->now--;
	pthread_mutex_unlock(&gauge_lock);
}

/* Open or close the gate. */
static void
gate(int open)
{
	pthread_mutex_lock(&gauge_lock);
	gate_open = open;
	pthread_cond_broadcast(&gauge_cond);
	pthread_mutex_unlock(&gauge_lock);
}

/* Read one request: head and Content-Length body. */
static int
read_request(int fd, struct seen *r)
{
	char	 buf[8192], *end, *p;
	size_t	 len = 0, want = 0, have;
	ssize_t	 n;

	memset(r, 0, sizeof *r);
	while ((end = memmem(buf, len, "\r\n\r\n", 4)) == NULL) {
		if (len == sizeof buf ||
		    (n = read(fd, buf + len, sizeof buf - len)) <= 0)
			return -1;
		len += n;
	}
	*end = '\0';
	memcpy(r->head, buf, sizeof r->head - 1);
	sscanf(buf, "%7s %255s", r->method, r->path);
	if ((p = strcasestr(buf, "\r\nX-Hop: ")) != NULL)
		sscanf(p + 9, "%511[^\r]", r->hop);
	if ((p = strcasestr(buf, "\r\nContent-Length: ")) != NULL)
		want = strtoul(p + 18, NULL, 10);
	have = len - (end + 4 - buf);
	if (want > sizeof r->body)
		return -1;
	memcpy(r->body, end + 4, have < want ? have : want);
	while (have < want) {
		if ((n = read(fd, r->body + have, want - have)) <= 0)
			return -1;
		have += n;
	}
	r->body_len = want;
	return 0;
}

/* Serve one connection: one request, answered by its path. */
static void *
conn_main(void *arg)
{
	struct conn	*c = arg;
	struct server	*s = c->s;
	struct seen	 r;
	char		 loc[600];
	int		 fd = c->fd, n;

	free(c);
	if (read_request(fd, &r) != 0) {
		close(fd);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	if (s->nseen < MAX_SEEN)
		s->seen[s->nseen++] = r;
	pthread_mutex_unlock(&s->lock);

	if (strcmp(r.path, "/ok") == 0)
		answer(fd, "200 OK", "Content-Type: text/plain\r\n", "hello",
		    5, 1);
	else if (sscanf(r.path, "/redir/%d", &n) == 1 && n > 0) {
		snprintf(loc, sizeof loc, "Location: /redir/%d\r\n", n - 1);
		answer(fd, "302 Found", loc, "", 0, 1);
	} else if (strcmp(r.path, "/redir/0") == 0)
		answer(fd, "200 OK", "", "end", 3, 1);
	else if (strncmp(r.path, "/to/", 4) == 0) {
		snprintf(loc, sizeof loc, "Location: %.255s\r\n", r.path + 4);
		answer(fd, "301 Moved Permanently", loc, "moved", 5, 1);
	} else if (sscanf(r.path, "/size/%d", &n) == 1)
		answer_size(fd, n, 1);
	else if (sscanf(r.path, "/stream/%d", &n) == 1)
		answer_size(fd, n, 0);
	else if (strcmp(r.path, "/hang") == 0)
		hang(s, fd);
	else if (strcmp(r.path, "/hold") == 0) {
		hold(s);
		answer(fd, "200 OK", "", "held", 4, 1);
	} else if (strcmp(r.path, "/echo") == 0)
		answer(fd, "200 OK",
		    "Content-Type: application/octet-stream\r\n",
		    r.body, r.body_len, 1);
	else if (strcmp(r.path, "/post") == 0)
		answer(fd, "302 Found", "Location: /ok\r\n", "", 0, 1);
	else
		answer(fd, "404 Not Found", "", "no", 2, 1);

	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

/* Accept until stopped, a thread per connection. */
static void *
server_main(void *arg)
{
	struct server	*s = arg;
	struct pollfd	 pfd[2] = { { s->fd, POLLIN, 0 },
			    { s->stop[0], POLLIN, 0 } };
	struct conn	*c;
	int		 fd;

	for (;;) {
		if (poll(pfd, 2, -1) == -1 && errno == EINTR)
			continue;
		if (pfd[1].revents != 0)
			break;
		if ((fd = accept(s->fd, NULL, NULL)) == -1)
			continue;
		c = malloc(sizeof *c);
		c->s = s;
		c->fd = fd;
		pthread_mutex_lock(&s->lock);
		s->accepted++;
		if (s->nconns == MAX_CONNS ||
		    pthread_create(&s->conns[s->nconns], NULL, conn_main, c)
		    != 0) {
			close(fd);
			free(c);
		} else
			s->nconns++;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* A server on 127.0.0.1, any free port. */
static struct server *
server_start(struct gauge *shared)
{
	struct server		*s = calloc(1, sizeof *s);
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s->fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(s->fd, 64) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&sin, &len) == -1 ||
	    pipe(s->stop) == -1) {
		perror("test server");
		exit(99);
	}
	s->port = ntohs(sin.sin_port);
	s->shared = shared;
	pthread_mutex_init(&s->lock, NULL);
	pthread_create(&s->thread, NULL, server_main, s);
	return s;
}

/* Stop a server, its hanging connections with it. */
static void
server_stop(struct server *s)
{
	int	i;

	gate(1);
	(void)!write(s->stop[1], "x", 1);
	pthread_join(s->thread, NULL);
	for (i = 0; i < s->nconns; i++)
		pthread_join(s->conns[i], NULL);
	close(s->fd);
	close(s->stop[0]);
	close(s->stop[1]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* How many connections it has accepted. */
static int
server_accepted(struct server *s)
{
	int	n;

	pthread_mutex_lock(&s->lock);
	n = s->accepted;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* What the server saw of the first request for path (empty if none). */
static struct seen
server_seen(struct server *s, const char *path)
{
	struct seen	r;
	int		i;

	memset(&r, 0, sizeof r);
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nseen; i++) {
		if (strcmp(s->seen[i].path, path) == 0) {
			r = s->seen[i];
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* Wait up to ms for g to hold n requests; the highest it held. */
static int
gauge_wait(struct gauge *g, int n, int ms)
{
	struct timespec	ts;
	int		max;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&gauge_lock);
	while (g->now < n &&
	    pthread_cond_timedwait(&gauge_cond, &gauge_lock, &ts) == 0)
		;
	max = g->max;
	pthread_mutex_unlock(&gauge_lock);
	return max;
}

/* http://127.0.0.1:port plus path, in a static buffer per slot. */
static const char *
url(struct server *s, const char *path)
{
	static char	buf[8][600];
	static int	next;
	char		*b = buf[next++ % 8];

	snprintf(b, sizeof buf[0], "http://127.0.0.1:%d%s", s->port, path);
	return b;
}

/* One request's outcome, as done saw it. */
struct got {
	int		 calls;
	int		 order;		/* 1 for the first done, ... */
	uint64_t	 at;		/* ms after submission */
	uint64_t	 sent;
	int		 status, error;
	char		*why, *body, *location, *final_url, *content_type;
	size_t		 body_len;
	struct fetcher	*resubmit;	/* if set, done submits again here */
	int		 resubmitted;
};

static pthread_mutex_t	box_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	box_cond = PTHREAD_COND_INITIALIZER;
static int		box_done;

/* Reset the count of done calls. */
static void
box_reset(void)
{
	pthread_mutex_lock(&box_lock);
	box_done = 0;
	pthread_mutex_unlock(&box_lock);
}

/* The done callback: keep the outcome (taking the body) and wake the test. */
static void
got_done(void *arg, struct fetch_result *res)
{
	struct got		*g = arg;
	struct fetch_request	 again;

	pthread_mutex_lock(&box_lock);
	g->calls++;
	g->order = ++box_done;
	g->at = now_ms() - g->sent;
	g->status = res->status;
	g->error = res->error;
	g->why = res->why ? strdup(res->why) : NULL;
	g->location = res->location ? strdup(res->location) : NULL;
	g->final_url = res->final_url ? strdup(res->final_url) : NULL;
	g->content_type = res->content_type ? strdup(res->content_type) : NULL;
	g->body = res->body;
	g->body_len = res->body_len;
	res->body = NULL;
	if (g->resubmit != NULL) {
		memset(&again, 0, sizeof again);
		again.method = "GET";
		again.url = "http://127.0.0.1:9/";
		again.done = got_done;
		again.arg = g;
		g->resubmitted = fetcher_submit(g->resubmit, &again);
	}
	pthread_cond_broadcast(&box_cond);
	pthread_mutex_unlock(&box_lock);
}

/* Free what a got holds. */
static void
got_clear(struct got *g)
{
	free(g->why);
	free(g->body);
	free(g->location);
	free(g->final_url);
	free(g->content_type);
	memset(g, 0, sizeof *g);
}

/* Wait until n requests are done; 0 if they were within ms. */
static int
wait_done(int n, int ms)
{
	struct timespec	ts;
	int		rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&box_lock);
	while (box_done < n && rc == 0)
		rc = pthread_cond_timedwait(&box_cond, &box_lock, &ts);
	rc = box_done >= n ? 0 : -1;
	pthread_mutex_unlock(&box_lock);
	return rc;
}

/* Submit a request whose outcome goes to g. */
static int
submit(struct fetcher *f, struct fetch_request *req, struct got *g)
{
	req->done = got_done;
	req->arg = g;
	g->sent = now_ms();
	return fetcher_submit(f, req);
}

/* Submit a GET. */
static int
get(struct fetcher *f, const char *u, int max_redirects, struct got *g)
{
	struct fetch_request	req;

	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = u;
	req.max_redirects = max_redirects;
	return submit(f, &req, g);
}

/* A fetcher, or the test stops. */
static struct fetcher *
start(int allow_loopback, struct fetch_config *cfg)
{
	struct fetch_config	 dflt;
	struct fetcher		*f;
	char			*cause;

	if (cfg == NULL) {
		memset(&dflt, 0, sizeof dflt);
		cfg = &dflt;
	}
	cfg->allow_loopback = allow_loopback;
	if (cfg->user_agent == NULL)
		cfg->user_agent = "hearth-test/1";
	if ((f = fetcher_start(cfg, &cause)) == NULL) {
		printf("Bail out! fetcher_start: %s\n", cause);
		exit(99);
	}
	box_reset();
	return f;
}

/* Whether s contains sub (and say what it was if not). */
static int
has(const char *s, const char *sub)
{
	if (s != NULL && strstr(s, sub) != NULL)
		return 1;
	printf("#   \"%s\" does not contain \"%s\"\n", s ? s : "(null)", sub);
	return 0;
}

static void
test_get(void)
{
	struct server		*s = server_start(NULL);
	struct fetcher		*f = start(1, NULL);
	struct fetch_request	 req;
	struct got		 g = { 0 }, g404 = { 0 };
	struct seen		 seen;

	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = url(s, "/ok");
	req.accept = "application/activity+json";
	is_int(submit(f, &req, &g), 0, "a GET is queued");
	get(f, url(s, "/nothing"), 0, &g404);
	ok(wait_done(2, 10000) == 0, "both are done");
	is_int(g.calls, 1, "done is called once");
	is_int(g.error, FETCH_OK, "no error");
	is_int(g.status, 200, "status 200");
	ok(g.body_len == 5 && memcmp(g.body, "hello", 5) == 0 &&
	    g.body[5] == '\0', "the body, NUL-terminated (and taken by done)");
	is_str(g.content_type, "text/plain", "its content type");
	is_str(g.final_url, url(s, "/ok"), "final_url is the URL asked");
	is_str(g.location, NULL, "no location");
	is_str(g.why, NULL, "no why");
	is_int(g404.error, FETCH_OK, "a 404 is an answer, not an error");
	is_int(g404.status, 404, "  with its status");
	seen = server_seen(s, "/ok");
	ok(has(seen.head, "\r\nAccept: application/activity+json"),
	    "Accept is sent");
	ok(has(seen.head, "\r\nAccept-Encoding: identity"),
	    "only identity encoding is accepted");
	ok(has(seen.head, "\r\nUser-Agent: hearth-test/1"),
	    "the configured User-Agent");
	fetcher_stop(f);
	server_stop(s);
	got_clear(&g);
	got_clear(&g404);
}

static void
test_refused(void)
{
	static const struct {
		const char	*head;	/* the URL before the port */
		const char	*tail;	/* and after */
		const char	*why;
	} targets[] = {
		{ "http://127.0.0.1:", "/ok", "127.0.0.1 is in 127.0.0.0/8 "
		  "(loopback)" },
		{ "http://localhost:", "/ok", "(loopback)" },
		{ "http://LOCALHOST:", "/ok", "(loopback)" },
		{ "http://[::1]:", "/ok", "::1 is in ::1/128 (loopback)" },
		{ "http://[::ffff:127.0.0.1]:", "/ok", "(IPv4-mapped) and its "
		  "127.0.0.1" },
		{ "http://2130706433:", "/ok", "127.0.0.1 is in 127.0.0.0/8" },
		{ "http://0x7f.1:", "/ok", "127.0.0.1 is in 127.0.0.0/8" },
		{ "http://0.0.0.0:", "/ok", "0.0.0.0 is in 0.0.0.0/8" },
	};
	struct server	*s = server_start(NULL);
	struct fetcher	*f = start(0, NULL);
	struct got	 g[sizeof targets / sizeof targets[0]];
	char		 u[sizeof targets / sizeof targets[0]][128];
	size_t		 i, n = sizeof targets / sizeof targets[0];

	memset(g, 0, sizeof g);
	for (i = 0; i < n; i++) {
		snprintf(u[i], sizeof u[i], "%s%d%s", targets[i].head, s->port,
		    targets[i].tail);
		get(f, u[i], 3, &g[i]);
	}
	ok(wait_done(n, 10000) == 0, "every request is done");
	for (i = 0; i < n; i++) {
		is_int(g[i].error, FETCH_E_REFUSED_ADDRESS, "%s is refused",
		    u[i]);
		ok(has(g[i].why, targets[i].why), "  because %s",
		    targets[i].why);
		is_int(g[i].status, 0, "  with no answer");
		got_clear(&g[i]);
	}
	is_int(server_accepted(s), 0, "no connection reached the server");
	fetcher_stop(f);
	server_stop(s);
}

static void
test_redirects(void)
{
	struct server	*s = server_start(NULL);
	struct fetcher	*f = start(1, NULL);
	struct got	 three = { 0 }, four = { 0 }, many = { 0 };
	struct got	 none = { 0 };

	get(f, url(s, "/redir/3"), 3, &three);
	ok(wait_done(1, 10000) == 0, "a chain of 3 is done");
	is_int(three.error, FETCH_OK, "3 redirects are followed");
	is_int(three.status, 200, "  to the answer");
	ok(three.body != NULL && strcmp(three.body, "end") == 0,
	    "  and its body");
	is_str(three.final_url, url(s, "/redir/0"), "  final_url is the last");
	is_int(server_accepted(s), 4, "  4 requests");

	get(f, url(s, "/redir/4"), 3, &four);
	ok(wait_done(2, 10000) == 0, "a chain of 4 is done");
	is_int(four.error, FETCH_E_TOO_MANY_REDIRECTS, "a 4th is not followed");
	is_int(four.status, 302, "  the last status is given");
	is_str(four.location, url(s, "/redir/0"), "  and where it pointed");
	ok(has(four.why, "more than 3 redirects"), "  and why");
	is_int(server_accepted(s), 8, "  the 5th URL is never asked for");

	get(f, url(s, "/redir/4"), 100, &many);
	ok(wait_done(3, 10000) == 0, "asking for 100 redirects");
	is_int(many.error, FETCH_E_TOO_MANY_REDIRECTS, "  gets at most 3");

	get(f, url(s, "/redir/1"), 0, &none);
	ok(wait_done(4, 10000) == 0, "a GET with max_redirects 0");
	is_int(none.error, FETCH_OK, "  takes the 3xx as the answer");
	is_int(none.status, 302, "  with its status");
	is_str(none.location, url(s, "/redir/0"),
	    "  and its absolute location");
	is_str(none.final_url, url(s, "/redir/1"), "  not followed");

	fetcher_stop(f);
	server_stop(s);
	got_clear(&three);
	got_clear(&four);
	got_clear(&many);
	got_clear(&none);
}

static void
test_redirect_inside(void)
{
	static const struct {
		const char	*to;
		const char	*why;
	} targets[] = {
		{ "http://10.0.0.1/", "10.0.0.1 is in 10.0.0.0/8 (private)" },
		{ "http://169.254.169.254/latest/meta-data/",
		  "169.254.169.254 is in 169.254.0.0/16 (link-local)" },
		{ "http://[::ffff:192.168.1.1]/", "192.168.1.1 is in "
		  "192.168.0.0/16" },
		{ "http://[fd00::1]/", "fd00::1 is in fc00::/7" },
		{ "http://0.0.0.0/", "0.0.0.0 is in 0.0.0.0/8" },
	};
	struct server	*s = server_start(NULL);
	struct fetcher	*f = start(1, NULL);
	struct got	 g[sizeof targets / sizeof targets[0]];
	char		 path[256];
	size_t		 i, n = sizeof targets / sizeof targets[0];

	memset(g, 0, sizeof g);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/to/%s", targets[i].to);
		get(f, url(s, path), 3, &g[i]);
	}
	ok(wait_done(n, 10000) == 0, "every request is done");
	for (i = 0; i < n; i++) {
		is_int(g[i].error, FETCH_E_REFUSED_ADDRESS,
		    "a redirect to %s is refused with loopback allowed",
		    targets[i].to);
		ok(has(g[i].why, targets[i].why), "  because %s",
		    targets[i].why);
		got_clear(&g[i]);
	}
	fetcher_stop(f);
	server_stop(s);
}

static void
test_schemes(void)
{
	struct server		*s = server_start(NULL);
	struct fetcher		*f = start(1, NULL);
	struct fetch_request	 req;
	struct got		 g[9];
	char			 gopher[128], path[200];
	int			 i;

	memset(g, 0, sizeof g);
	snprintf(gopher, sizeof gopher, "gopher://127.0.0.1:%d/", s->port);
	get(f, url(s, "/to/file:///etc/passwd"), 3, &g[0]);
	snprintf(path, sizeof path, "/to/%s", gopher);
	get(f, url(s, path), 3, &g[1]);
	get(f, url(s, "/to/dict://127.0.0.1:11211/stats"), 3, &g[2]);
	get(f, "file:///etc/passwd", 3, &g[3]);
	get(f, gopher, 3, &g[4]);
	get(f, "not a url", 3, &g[5]);
	get(f, "http://:80/nohost", 3, &g[6]);
	memset(&req, 0, sizeof req);
	req.method = "PUT";
	req.url = url(s, "/ok");
	submit(f, &req, &g[7]);
	get(f, url(s, "/to/javascript:alert(1)"), 3, &g[8]);
	ok(wait_done(9, 10000) == 0, "every request is done");
	for (i = 0; i < 9; i++)
		is_int(g[i].error, FETCH_E_BAD_URL, "request %d: bad URL", i);
	ok(has(g[0].why, "file:///etc/passwd: only http and https"),
	    "a redirect to file: is refused");
	is_str(g[0].location, "file:///etc/passwd", "  and named");
	is_int(g[0].status, 301, "  with its status");
	ok(has(g[1].why, "gopher://"), "a redirect to gopher: is refused");
	ok(has(g[3].why, "only http and https"), "a file: URL is refused");
	ok(has(g[7].why, "only GET and POST"), "PUT is refused");
	is_int(server_accepted(s), 4, "only the 4 redirecting requests "
	    "reached the server");
	for (i = 0; i < 9; i++)
		got_clear(&g[i]);
	fetcher_stop(f);
	server_stop(s);
}

static void
test_post(void)
{
	struct server		*s = server_start(NULL);
	struct fetcher		*f = start(1, NULL);
	struct fetch_request	 req;
	struct got		 moved = { 0 }, echo = { 0 };

	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = url(s, "/post");
	req.body = "{\"type\":\"Follow\"}";
	req.body_len = strlen(req.body);
	req.content_type = "application/activity+json";
	req.max_redirects = 3;
	submit(f, &req, &moved);
	ok(wait_done(1, 10000) == 0, "a POST is done");
	is_int(moved.error, FETCH_OK, "a POST's 302 is an answer");
	is_int(moved.status, 302, "  with its status");
	is_str(moved.location, url(s, "/ok"), "  and its location, absolute");
	is_int(server_accepted(s), 1, "  and is not followed");
	pthread_mutex_lock(&s->lock);
	is_str(s->seen[0].method, "POST", "the server saw a POST");
	ok(s->seen[0].body_len == req.body_len &&
	    memcmp(s->seen[0].body, req.body, req.body_len) == 0,
	    "  with the body");
	ok(has(s->seen[0].head, "\r\nContent-Type: application/activity+json"),
	    "  and its content type");
	ok(strcasestr(s->seen[0].head, "Expect:") == NULL,
	    "  and no 100-continue");
	pthread_mutex_unlock(&s->lock);

	req.url = url(s, "/echo");
	req.body = "a\0b\r\n";
	req.body_len = 5;
	submit(f, &req, &echo);
	ok(wait_done(2, 10000) == 0, "a POST with binary bytes is done");
	ok(echo.status == 200 && echo.body_len == 5 &&
	    memcmp(echo.body, "a\0b\r\n", 5) == 0,
	    "  every byte goes and comes back");
	fetcher_stop(f);
	server_stop(s);
	got_clear(&moved);
	got_clear(&echo);
}

/* What the headers callback was called with. */
static struct {
	int	n;
	char	method[8][8];
	char	url[8][600];
} hops;

/* The headers callback: name the hop, as a signature would cover it. */
static char **
hop_headers(void *arg, const char *method, const char *u)
{
	char	**h = calloc(3, sizeof *h);

	pthread_mutex_lock(&box_lock);
	if (hops.n < 8) {
		snprintf(hops.method[hops.n], sizeof hops.method[0], "%s",
		    method);
		snprintf(hops.url[hops.n], sizeof hops.url[0], "%s", u);
		hops.n++;
	}
	pthread_mutex_unlock(&box_lock);
	if (asprintf(&h[0], "X-Hop: %s", u) == -1 ||
	    asprintf(&h[1], "Date: Tue, 07 Jan 2025 12:00:00 GMT") == -1)
		abort();
	return h;
}

static void
test_headers(void)
{
	struct server		*s = server_start(NULL);
	struct fetcher		*f = start(1, NULL);
	struct fetch_request	 req;
	struct got		 g = { 0 }, p = { 0 };
	char			 want[64];
	int			 i;

	memset(&hops, 0, sizeof hops);
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = url(s, "/redir/2");
	req.max_redirects = 3;
	req.headers = hop_headers;
	submit(f, &req, &g);
	ok(wait_done(1, 10000) == 0, "a GET through 2 redirects is done");
	is_int(g.status, 200, "  and answered");
	pthread_mutex_lock(&box_lock);
	is_int(hops.n, 3, "headers are made once per hop");
	for (i = 0; i < 3 && i < hops.n; i++) {
		snprintf(want, sizeof want, "/redir/%d", 2 - i);
		is_str(hops.url[i], url(s, want), "  hop %d: its own URL", i);
		is_str(hops.method[i], "GET", "  and method");
	}
	pthread_mutex_unlock(&box_lock);
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < 3 && i < s->nseen; i++) {
		snprintf(want, sizeof want, "/redir/%d", 2 - i);
		is_str(s->seen[i].hop, url(s, want),
		    "  the server got hop %d's headers with it", i);
	}
	pthread_mutex_unlock(&s->lock);

	memset(&hops, 0, sizeof hops);
	req.method = "POST";
	req.url = url(s, "/post");
	req.body = "{}";
	req.body_len = 2;
	submit(f, &req, &p);
	ok(wait_done(2, 10000) == 0, "a POST is done");
	pthread_mutex_lock(&box_lock);
	ok(hops.n == 1 && strcmp(hops.method[0], "POST") == 0,
	    "  its headers are made once, for POST");
	pthread_mutex_unlock(&box_lock);
	fetcher_stop(f);
	server_stop(s);
	got_clear(&g);
	got_clear(&p);
}

static void
test_too_large(void)
{
	static const struct {
		const char	*path;
		int		 error;
	} cases[] = {
		{ "/size/1000", FETCH_OK },
		{ "/size/1001", FETCH_E_TOO_LARGE },
		{ "/size/2000000", FETCH_E_TOO_LARGE },
		{ "/stream/1000", FETCH_OK },
		{ "/stream/1001", FETCH_E_TOO_LARGE },
		{ "/stream/2000000", FETCH_E_TOO_LARGE },
	};
	struct server		*s = server_start(NULL);
	struct fetch_config	 cfg = { .max_response = 1000 };
	struct fetcher		*f = start(1, &cfg);
	struct got		 g[sizeof cases / sizeof cases[0]];
	size_t			 i, n = sizeof cases / sizeof cases[0];

	memset(g, 0, sizeof g);
	for (i = 0; i < n; i++)
		get(f, url(s, cases[i].path), 3, &g[i]);
	ok(wait_done(n, 10000) == 0, "every request is done");
	for (i = 0; i < n; i++) {
		is_int(g[i].error, cases[i].error, "%s with a cap of 1000: %s",
		    cases[i].path, fetch_error_name(cases[i].error));
		if (cases[i].error == FETCH_OK)
			is_int(g[i].body_len, 1000, "  the whole body");
		else {
			ok(g[i].body == NULL, "  and no body");
			ok(has(g[i].why, "over 1000 bytes"), "  and why");
		}
		got_clear(&g[i]);
	}
	fetcher_stop(f);
	server_stop(s);
}

static void
test_timeout(void)
{
	struct server		*slow = server_start(NULL);
	struct server		*fast = server_start(NULL);
	struct fetch_config	 cfg = { .total_timeout_ms = 500,
				    .max_per_host = 2 };
	struct fetcher		*f = start(1, &cfg);
	struct got		 hung[3], quick = { 0 };
	int			 i;

	memset(hung, 0, sizeof hung);
	/* Two in flight to the slow host, the third waiting behind them. */
	for (i = 0; i < 3; i++)
		get(f, url(slow, "/hang"), 3, &hung[i]);
	get(f, url(fast, "/ok"), 3, &quick);
	ok(wait_done(1, 10000) == 0, "a request is done");
	pthread_mutex_lock(&box_lock);
	is_int(quick.order, 1, "the other host's answer comes first");
	ok(quick.at < 500, "  before the slow host's timeout (%llu ms)",
	    (unsigned long long)quick.at);
	pthread_mutex_unlock(&box_lock);
	is_int(quick.status, 200, "  and it is an answer");

	ok(wait_done(4, 10000) == 0, "the hanging requests end");
	for (i = 0; i < 3; i++) {
		is_int(hung[i].error, FETCH_E_TIMEOUT, "hanging request %d: "
		    "timeout", i);
		ok(hung[i].at >= 480, "  not before the total timeout (%llu "
		    "ms)", (unsigned long long)hung[i].at);
		got_clear(&hung[i]);
	}
	got_clear(&quick);
	fetcher_stop(f);
	server_stop(slow);
	server_stop(fast);
}

static void
test_limits(void)
{
	struct gauge		 all = { 0, 0 };
	struct server		*a = server_start(NULL);
	struct server		*b = server_start(&all);
	struct server		*c = server_start(&all);
	struct fetch_config	 cfg = { .max_per_host = 2 };
	struct fetcher		*f = start(1, &cfg);
	struct got		 g[8];
	int			 i, good = 0;

	/*
	 * Requests wait at the server until the gate opens: whether more than
	 * the limit arrive meanwhile is then a matter of counting, not timing.
	 */
	gate(0);
	memset(g, 0, sizeof g);
	for (i = 0; i < 5; i++)
		get(f, url(a, "/hold"), 3, &g[i]);
	is_int(gauge_wait(&a->inflight, 2, 10000), 2,
	    "5 requests to one host with max_per_host 2: 2 arrive");
	gauge_wait(&a->inflight, 3, 200);
	is_int(server_accepted(a), 2, "  and no third while they are held");
	gate(1);
	ok(wait_done(5, 10000) == 0, "  all 5 are done once they are answered");
	for (i = 0; i < 5; i++) {
		good += g[i].status == 200;
		got_clear(&g[i]);
	}
	is_int(good, 5, "  all answered");
	is_int(gauge_wait(&a->inflight, 0, 0), 2, "  never more than 2 at once");
	fetcher_stop(f);

	gate(0);
	cfg.max_per_host = 4;
	cfg.max_total = 3;
	f = start(1, &cfg);
	for (i = 0; i < 8; i++)
		get(f, url(i % 2 ? b : c, "/hold"), 3, &g[i]);
	is_int(gauge_wait(&all, 3, 10000), 3,
	    "8 requests to two hosts with max_total 3: 3 arrive");
	gauge_wait(&all, 4, 200);
	is_int(server_accepted(b) + server_accepted(c), 3,
	    "  and no fourth while they are held");
	gate(1);
	ok(wait_done(8, 10000) == 0, "  all 8 are done once they are answered");
	for (good = 0, i = 0; i < 8; i++) {
		good += g[i].status == 200;
		got_clear(&g[i]);
	}
	is_int(good, 8, "  all answered");
	is_int(gauge_wait(&all, 0, 0), 3, "  never more than 3 at once");
	fetcher_stop(f);

	cfg.max_total = 0;
	cfg.max_pending = 2;
	f = start(1, &cfg);
	is_int(get(f, url(a, "/ok"), 3, &g[0]), 0, "max_pending 2: one");
	is_int(get(f, url(a, "/ok"), 3, &g[1]), 0, "  two");
	is_int(get(f, url(a, "/ok"), 3, &g[2]), -1, "  a third is refused");
	ok(wait_done(2, 10000) == 0, "  the two are done");
	is_int(get(f, url(a, "/ok"), 3, &g[3]), 0, "  then there is room");
	ok(wait_done(3, 10000) == 0, "  and it is done");
	is_int(g[2].calls, 0, "the refused one is never done");
	for (i = 0; i < 4; i++)
		got_clear(&g[i]);
	fetcher_stop(f);
	server_stop(a);
	server_stop(b);
	server_stop(c);
}

static void
test_stop(void)
{
	struct server		*s = server_start(NULL);
	struct fetch_config	 cfg = { .max_per_host = 2 };
	struct fetcher		*f = start(1, &cfg);
	struct got		 g[5];
	uint64_t		 until = now_ms() + 10000;
	int			 i, once = 1, shut = 1;

	memset(g, 0, sizeof g);
	g[4].resubmit = f;
	for (i = 0; i < 5; i++)
		get(f, url(s, "/hang"), 3, &g[i]);
	while (server_accepted(s) < 2 && now_ms() < until)
		usleep(10 * 1000);
	is_int(server_accepted(s), 2, "2 requests in flight, 3 waiting");
	fetcher_stop(f);
	is_int(box_done, 5, "stopping calls done for each");
	for (i = 0; i < 5; i++) {
		once &= g[i].calls == 1;
		shut &= g[i].error == FETCH_E_SHUTDOWN;
	}
	ok(once, "  exactly once");
	ok(shut, "  with SHUTDOWN");
	is_int(g[4].resubmitted, -1, "  and submitting from done is refused");
	for (i = 0; i < 5; i++)
		got_clear(&g[i]);
	server_stop(s);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	if (tap_case("get"))
		test_get();
	if (tap_case("refused"))
		test_refused();
	if (tap_case("redirects"))
		test_redirects();
	if (tap_case("redirect-inside"))
		test_redirect_inside();
	if (tap_case("schemes"))
		test_schemes();
	if (tap_case("post"))
		test_post();
	if (tap_case("headers"))
		test_headers();
	if (tap_case("too-large"))
		test_too_large();
	if (tap_case("timeout"))
		test_timeout();
	if (tap_case("limits"))
		test_limits();
	if (tap_case("stop"))
		test_stop();
	return done_testing();
}
