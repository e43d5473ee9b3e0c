/*
 * mixload.c: the two clients of mixed.sh (tests/bench/README.md), each run
 * as a process of its own so that neither delays the other's clock:
 *
 *   mixload streams PORT TOKENS N OUT
 *	Opens N idle user streams (server-sent events, GET
 *	/api/v1/streaming/user; over HTTP/1.0, so the body is the bare event
 *	stream, not chunked) as the first N people of TOKENS (gen-company's
 *	"ID TOKEN SESSION" lines), prints "ready N" once every one has been
 *	answered 200, and from then records every "update" event: its post
 *	id, the person, and when its bytes reached the socket (the kernel's
 *	receive timestamp, SO_TIMESTAMPNS, so that this process waiting for a
 *	CPU does not count as delivery time). On SIGTERM it writes OUT, one
 *	"A POST_ID USER NS" line per arrival and a last line "L OPEN LOST
 *	UPDATES NOTIFICATIONS OTHER", and exits 0, or 1 if a stream was lost.
 *
 *   mixload post PORT SCHEDULE RATE OUT
 *	Sends each line of SCHEDULE ("TOKEN BODY", BODY form-encoded) as a
 *	POST /api/v1/statuses, open loop: line i is due at start + i / RATE
 *	seconds whatever became of the ones before, over as many keep-alive
 *	connections as are needed at once (at most MAX_POSTERS; a post due
 *	while all are busy waits for one and its lateness shows). OUT gets one
 *	"P INDEX STATUS POST_ID DUE SENT ACK" line per post (ns since the
 *	epoch; ACK is the kernel's receive time of the answer's first bytes;
 *	STATUS 0 for no answer). Exits 1 if any post was not answered 200.
 *
 * Times are CLOCK_REALTIME nanoseconds, the clock of the kernel's
 * timestamps, so the two processes' records can be compared.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#define MAX_POSTERS	256		/* connections the poster opens */
#define CONNECTING_MAX	256		/* streams being opened at once */
#define READ_CHUNK	65536

static struct event_base	*base;
static struct sockaddr_in	 server;

/* Die with a message. */
static void __attribute__((format(printf, 1, 2), noreturn))
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "mixload: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* malloc or die. */
static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		fatal("%s", "out of memory");
	return p;
}

/* Now, in ns since the epoch. */
static int64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A non-blocking TCP connection to the server being made; -1 on error. */
static int
connect_nb(void)
{
	int	fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&server, sizeof server) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Read what is there into buf (grown as needed) with the kernel's receive
 * time of its first bytes in *ts (or now, if the kernel gave none): the
 * number of bytes, 0 at the end of the stream, -1 with errno.
 */
static ssize_t
read_ts(int fd, char **buf, size_t *len, size_t *cap, int64_t *ts)
{
	char		 ctl[CMSG_SPACE(sizeof(struct timespec))];
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*c;
	ssize_t		 n;

	if (*cap - *len < READ_CHUNK) {
		*cap = *len + READ_CHUNK;
		*buf = xrealloc(*buf, *cap + 1);
	}
	memset(&msg, 0, sizeof msg);
	iov.iov_base = *buf + *len;
	iov.iov_len = *cap - *len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl;
	msg.msg_controllen = sizeof ctl;
	if ((n = recvmsg(fd, &msg, 0)) <= 0)
		return n;
	*ts = 0;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec t;

			memcpy(&t, CMSG_DATA(c), sizeof t);
			*ts = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
		}
	}
	if (*ts == 0)
		*ts = now_ns();
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return n;
}

/* The first "id":"N" in s (a Status's own id comes first), or 0. */
static int64_t
json_first_id(const char *s, const char *end)
{
	const char	*p = memmem(s, (size_t)(end - s), "\"id\":\"", 6);

	return p != NULL ? strtoll(p + 6, NULL, 10) : 0;
}

/* ---- streams ---------------------------------------------------------- */

struct sconn {
	int		 fd;
	int64_t		 user;
	const char	*token;
	int		 state;		/* SC_* */
	struct event	*ev;
	char		*buf;
	size_t		 len, cap;
};
enum { SC_CONNECTING, SC_HEAD, SC_OPEN, SC_DEAD };

struct arrival {
	int64_t	post;
	int64_t	user;
	int64_t	ns;
};

static struct sconn	*sconns;
static size_t		 nsconns, next_open, opening, nopen;
static size_t		 nlost, nupdates, nnotes, nother;
static int		 ready;
static struct arrival	*arrivals;
static size_t		 narrivals, carrivals;

static void	stream_open_more(void);

/* A stream ended: before everyone was open that is fatal; after, lost. */
static void
stream_dead(struct sconn *s, const char *why)
{
	int	was_open = s->state == SC_OPEN;

	if (s->state == SC_DEAD)
		return;
	event_free(s->ev);
	close(s->fd);
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	s->state = SC_DEAD;
	if (!ready)
		fatal("a stream could not be opened: %s", why);
	if (was_open) {
		nopen--;
		nlost++;
		fprintf(stderr, "mixload: stream of user %lld lost: %s\n",
		    (long long)s->user, why);
	}
}

/* Act on whole events in a stream's buffer; keep the rest. */
static void
stream_events(struct sconn *s, int64_t ts)
{
	char	*p = s->buf, *end = s->buf + s->len, *e;

	while ((e = memmem(p, (size_t)(end - p), "\n\n", 2)) != NULL) {
		if (strncmp(p, "event: update\n", 14) == 0) {
			int64_t id = json_first_id(p, e);

			if (ready && id != 0) {
				if (narrivals == carrivals) {
					carrivals = carrivals ? carrivals * 2 :
					    65536;
					arrivals = xrealloc(arrivals, carrivals *
					    sizeof *arrivals);
				}
				arrivals[narrivals].post = id;
				arrivals[narrivals].user = s->user;
				arrivals[narrivals++].ns = ts;
			}
			nupdates++;
		} else if (strncmp(p, "event: notification\n", 20) == 0)
			nnotes++;
		else if (*p != ':')
			nother++;
		p = e + 2;
	}
	s->len = (size_t)(end - p);
	memmove(s->buf, p, s->len);
}

/* Bytes (or the end) on a stream. */
static void
stream_read(evutil_socket_t fd, short what, void *arg)
{
	struct sconn	*s = arg;
	int64_t		 ts;
	ssize_t		 n;
	char		*h;

	(void)what;
	for (;;) {
		n = read_ts(fd, &s->buf, &s->len, &s->cap, &ts);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			stream_dead(s, n == 0 ? "closed by the server" :
			    strerror(errno));
			return;
		}
		if (s->state == SC_HEAD) {
			if ((h = strstr(s->buf, "\r\n\r\n")) == NULL)
				continue;
			if (strncmp(s->buf, "HTTP/1.0 200", 12) != 0 &&
			    strncmp(s->buf, "HTTP/1.1 200", 12) != 0) {
				*strchr(s->buf, '\r') = '\0';
				stream_dead(s, s->buf);
				return;
			}
			h += 4;
			s->len -= (size_t)(h - s->buf);
			memmove(s->buf, h, s->len);
			s->state = SC_OPEN;
			nopen++;
			opening--;
			stream_open_more();
		}
		stream_events(s, ts);
		if (s->len == 0 && s->cap > READ_CHUNK) {
			free(s->buf);	/* idle streams keep no buffer */
			s->buf = NULL;
			s->cap = 0;
		}
	}
}

/* A stream's connection is made: ask for the user stream. */
static void
stream_connected(evutil_socket_t fd, short what, void *arg)
{
	struct sconn	*s = arg;
	char		 req[512];
	int		 n, err = 0;
	socklen_t	 elen = sizeof err;

	(void)what;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err != 0)
		fatal("connect: %s", strerror(err));
	n = snprintf(req, sizeof req, "GET /api/v1/streaming/user HTTP/1.0\r\n"
	    "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", s->token);
	if (write(fd, req, (size_t)n) != n)
		fatal("write: %s", strerror(errno));
	event_free(s->ev);
	s->state = SC_HEAD;
	s->ev = event_new(base, fd, EV_READ | EV_PERSIST, stream_read, s);
	event_add(s->ev, NULL);
}

/* Start connections until CONNECTING_MAX are being opened. */
static void
stream_open_more(void)
{
	struct sconn	*s;

	while (opening < CONNECTING_MAX && next_open < nsconns) {
		s = &sconns[next_open++];
		if ((s->fd = connect_nb()) < 0)
			fatal("socket: %s", strerror(errno));
		s->state = SC_CONNECTING;
		s->ev = event_new(base, s->fd, EV_WRITE, stream_connected, s);
		event_add(s->ev, NULL);
		opening++;
	}
	if (!ready && nopen == nsconns) {
		ready = 1;
		printf("ready %zu\n", nopen);
		fflush(stdout);
	}
}

static const char	*out_path;

/* SIGTERM: write what arrived and stop. */
static void
stream_stop(evutil_socket_t sig, short what, void *arg)
{
	FILE	*f;
	size_t	 i;

	(void)sig;
	(void)what;
	(void)arg;
	if ((f = fopen(out_path, "w")) == NULL)
		fatal("cannot write %s", out_path);
	for (i = 0; i < narrivals; i++)
		fprintf(f, "A %lld %lld %lld\n", (long long)arrivals[i].post,
		    (long long)arrivals[i].user, (long long)arrivals[i].ns);
	fprintf(f, "L %zu %zu %zu %zu %zu\n", nopen, nlost, nupdates, nnotes,
	    nother);
	if (fclose(f) != 0)
		fatal("cannot write %s", out_path);
	event_base_loopbreak(base);
}

/* mixload streams PORT TOKENS N OUT */
static int
streams_main(char **argv)
{
	struct event	*sig;
	FILE		*f;
	char		 line[512], tok[256];
	long long	 id;
	size_t		 want = strtoul(argv[2], NULL, 10);

	out_path = argv[3];
	if ((f = fopen(argv[1], "r")) == NULL)
		fatal("cannot read %s", argv[1]);
	sconns = xrealloc(NULL, want * sizeof *sconns);
	while (nsconns < want && fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lld %255s", &id, tok) != 2)
			continue;
		memset(&sconns[nsconns], 0, sizeof sconns[0]);
		sconns[nsconns].user = id;
		sconns[nsconns].token = strdup(tok);
		nsconns++;
	}
	fclose(f);
	if (nsconns < want)
		fatal("%s has fewer people than streams asked for", argv[1]);
	sig = evsignal_new(base, SIGTERM, stream_stop, NULL);
	event_add(sig, NULL);
	stream_open_more();
	event_base_dispatch(base);
	event_free(sig);
	return nlost > 0 ? 1 : 0;
}

/* ---- posting ---------------------------------------------------------- */

struct post {
	const char	*token, *body;
	int64_t		 due, sent, ack, id;
	int		 status;
};

struct pconn {
	int		 fd;
	int		 busy;		/* a post in flight, or connecting */
	int		 connected;
	struct post	*p;
	struct event	*ev;
	char		*buf;
	size_t		 len, cap;
	int64_t		 ts;		/* the answer's first bytes */
};

static struct post	*posts;
static size_t		 nposts, next_due, nanswered;
static struct pconn	 pconns[MAX_POSTERS];
static size_t		 npconns;
static int64_t		 start_ns, rate_gap;
static struct event	*tick;

static void	post_send(struct pconn *, struct post *);
static void	post_read(evutil_socket_t, short, void *);

/* Close a poster connection (its post, if any, failed). */
static void
pconn_close(struct pconn *c, const char *why)
{
	if (c->p != NULL) {
		fprintf(stderr, "mixload: post %zu: %s\n",
		    (size_t)(c->p - posts), why);
		c->p->status = 0;
		nanswered++;
		c->p = NULL;
	}
	if (c->ev != NULL)
		event_free(c->ev);
	c->ev = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->busy = c->connected = 0;
	c->len = 0;
}

/* A poster connection is made: send the post waiting for it. */
static void
pconn_connected(evutil_socket_t fd, short what, void *arg)
{
	struct pconn	*c = arg;
	int		 err = 0;
	socklen_t	 elen = sizeof err;

	(void)what;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	event_free(c->ev);
	c->ev = NULL;
	if (err != 0) {
		pconn_close(c, strerror(err));
		return;
	}
	c->connected = 1;
	c->ev = event_new(base, fd, EV_READ | EV_PERSIST, post_read, c);
	event_add(c->ev, NULL);
	post_send(c, c->p);
}

/* Write a post's request on a connection that is free. */
static void
post_send(struct pconn *c, struct post *p)
{
	char	head[512];
	size_t	blen = strlen(p->body);
	int	n;

	c->busy = 1;
	c->p = p;
	if (!c->connected)
		return;		/* sent once connected */
	n = snprintf(head, sizeof head, "POST /api/v1/statuses HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: "
	    "application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n",
	    p->token, blen);
	p->sent = now_ns();
	/* small enough for the socket's buffer in one go */
	if (write(c->fd, head, (size_t)n) != n ||
	    write(c->fd, p->body, blen) != (ssize_t)blen)
		pconn_close(c, "write failed");
}

/* A free connection for a post: an idle one, or a new one. */
static struct pconn *
pconn_get(void)
{
	size_t	i;

	for (i = 0; i < npconns; i++) {
		if (pconns[i].fd >= 0 && !pconns[i].busy)
			return &pconns[i];
	}
	for (i = 0; i < npconns; i++) {
		if (pconns[i].fd < 0)
			break;
	}
	if (i == MAX_POSTERS)
		return NULL;
	if (i == npconns)
		npconns++;
	if ((pconns[i].fd = connect_nb()) < 0)
		return NULL;
	pconns[i].connected = 0;
	pconns[i].ev = event_new(base, pconns[i].fd, EV_WRITE,
	    pconn_connected, &pconns[i]);
	event_add(pconns[i].ev, NULL);
	return &pconns[i];
}

/* Send every post that is due (and that a connection can take). */
static void
post_due(void)
{
	struct pconn	*c;
	int64_t		 now = now_ns();

	while (next_due < nposts && posts[next_due].due <= now) {
		if ((c = pconn_get()) == NULL)
			return;		/* all busy: it waits, late */
		post_send(c, &posts[next_due++]);
	}
}

/* Answer bytes on a poster connection. */
static void
post_read(evutil_socket_t fd, short what, void *arg)
{
	struct pconn	*c = arg;
	char		*h, *cl;
	size_t		 hlen, blen;
	int64_t		 ts;
	ssize_t		 n;
	int		 last;

	(void)what;
	for (;;) {
		n = read_ts(fd, &c->buf, &c->len, &c->cap, &ts);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			pconn_close(c, n == 0 ? "closed by the server" :
			    strerror(errno));
			return;
		}
		if (c->len == (size_t)n)
			c->ts = ts;	/* the answer's first bytes */
		if ((h = strstr(c->buf, "\r\n\r\n")) == NULL)
			continue;
		hlen = (size_t)(h + 4 - c->buf);
		if ((cl = strcasestr(c->buf, "\r\nContent-Length:")) == NULL ||
		    cl > h)
			blen = 0;
		else
			blen = strtoul(cl + 17, NULL, 10);
		if (c->len < hlen + blen)
			continue;
		if (c->p == NULL) {
			pconn_close(c, "an answer nobody asked for");
			return;
		}
		c->p->status = atoi(c->buf + 9);
		c->p->ack = c->ts;
		c->p->id = json_first_id(c->buf + hlen, c->buf + hlen + blen);
		if (c->p->status != 200)
			fprintf(stderr, "mixload: post %zu: %.*s\n",
			    (size_t)(c->p - posts), (int)(blen < 300 ? blen :
			    300), c->buf + hlen);
		nanswered++;
		c->p = NULL;
		c->busy = 0;
		*h = '\0';	/* the head only */
		last = strcasestr(c->buf, "\r\nConnection: close") != NULL;
		memmove(c->buf, c->buf + hlen + blen, c->len - hlen - blen);
		c->len -= hlen + blen;
		c->buf[c->len] = '\0';
		if (last)
			pconn_close(c, "");
		post_due();
		if (nanswered == nposts)
			event_base_loopbreak(base);
		return;
	}
}

/* Every millisecond: what is due; and give up a minute after the last. */
static void
post_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	post_due();
	if (nanswered == nposts ||
	    now_ns() > posts[nposts - 1].due + 60 * (int64_t)1000000000)
		event_base_loopbreak(base);
}

/* mixload post PORT SCHEDULE RATE OUT */
static int
post_main(char **argv)
{
	struct timeval	 ms = { 0, 1000 };
	FILE		*f;
	char		*line = NULL, *sp;
	size_t		 cap = 0, i, bad = 0, late = 0, unsent = 0, waiting = 0;
	ssize_t		 n;
	double		 rate = strtod(argv[2], NULL);

	if (rate <= 0)
		fatal("bad rate %s", argv[2]);
	if ((f = fopen(argv[1], "r")) == NULL)
		fatal("cannot read %s", argv[1]);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		posts = xrealloc(posts, (nposts + 1) * sizeof *posts);
		memset(&posts[nposts], 0, sizeof *posts);
		posts[nposts].token = strdup(line);
		posts[nposts].body = strdup(sp + 1);
		nposts++;
	}
	free(line);
	fclose(f);
	if (nposts == 0)
		fatal("no posts in %s", argv[1]);
	for (i = 0; i < MAX_POSTERS; i++)
		pconns[i].fd = -1;
	rate_gap = (int64_t)(1e9 / rate);
	start_ns = now_ns() + 100000000;
	for (i = 0; i < nposts; i++)
		posts[i].due = start_ns + (int64_t)i * rate_gap;
	tick = event_new(base, -1, EV_PERSIST, post_tick, NULL);
	event_add(tick, &ms);
	event_base_dispatch(base);
	event_free(tick);

	if ((f = fopen(argv[3], "w")) == NULL)
		fatal("cannot write %s", argv[3]);
	for (i = 0; i < nposts; i++) {
		fprintf(f, "P %zu %d %lld %lld %lld %lld\n", i,
		    posts[i].status, (long long)posts[i].id,
		    (long long)posts[i].due, (long long)posts[i].sent,
		    (long long)posts[i].ack);
		if (posts[i].status != 200)
			bad++;
		if (posts[i].sent == 0)
			unsent++;
		else if (posts[i].ack == 0)
			waiting++;
		if (posts[i].sent - posts[i].due > 5000000)
			late++;
	}
	if (fclose(f) != 0)
		fatal("cannot write %s", argv[3]);
	fprintf(stderr, "mixload: %zu posts, %zu not answered 200 (%zu never "
	    "sent, %zu without an answer a minute after the last was due), "
	    "%zu sent more than 5 ms late, %zu connections\n", nposts, bad,
	    unsent, waiting, late, npconns);
	return bad > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	int	rc;

	if (argc != 6 || (strcmp(argv[1], "streams") != 0 &&
	    strcmp(argv[1], "post") != 0)) {
		fprintf(stderr, "usage: mixload streams PORT TOKENS N OUT\n"
		    "       mixload post PORT SCHEDULE RATE OUT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&server, 0, sizeof server);
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)atoi(argv[2]));
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((base = event_base_new()) == NULL)
		fatal("%s", "event_base_new failed");
	rc = strcmp(argv[1], "streams") == 0 ? streams_main(argv + 2) :
	    post_main(argv + 2);
	event_base_free(base);
	return rc;
}
