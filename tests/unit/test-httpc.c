/*
 * Unit tests for httpc.c against servers in this process on 127.0.0.1: one
 * plain HTTP, one HTTPS with a self-signed certificate made here at run time
 * (EC P-256, for IP 127.0.0.1), each a thread answering one connection at a
 * time by path. What arrives (method, headers, body, Basic credentials), TLS
 * verification with and without the certificate as ca_file, the body cap,
 * redirects not followed, the timeout and a refused connection.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib.h"
#include "tap.h"

#define BODY_MAX	(64 * 1024)

/* What a server was last asked. */
struct seen {
	char		 method[8];
	char		 path[256];
	char		 head[8192];
	char		 body[BODY_MAX];
	size_t		 body_len;
};

struct server {
	int		 fd;
	int		 port;
	SSL_CTX		*tls;		/* NULL: plain HTTP */
	int		 stop[2];	/* a pipe: readable when stopping */
	pthread_t	 thread;

	pthread_mutex_t	 lock;
	int		 requests;	/* read whole */
	int		 hello;		/* of them to /hello */
	struct seen	 last;
};

/* One connection, plain or TLS. */
struct io {
	int		 fd;
	SSL		*ssl;
};

static char	 cert_file[64], other_cert_file[64];

/* Read what there is, up to len: > 0, or 0 at the end or on error. */
static size_t
io_read(struct io *io, void *buf, size_t len)
{
	ssize_t	n;
	int	r;

	if (io->ssl != NULL) {
		r = SSL_read(io->ssl, buf, (int)len);
		return r > 0 ? (size_t)r : 0;
	}
	n = read(io->fd, buf, len);
	return n > 0 ? (size_t)n : 0;
}

/* Write it all (the client may have gone: no SIGPIPE). */
static void
io_write(struct io *io, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	int		 r;

	while (len > 0) {
		if (io->ssl != NULL) {
			if ((r = SSL_write(io->ssl, p, (int)len)) <= 0)
				return;
			n = r;
		} else if ((n = send(io->fd, p, len, MSG_NOSIGNAL)) <= 0)
			return;
		p += n;
		len -= n;
	}
}

/* Answer with a status, headers and body; every answer closes. */
static void
answer(struct io *io, const char *status, const char *headers,
    const void *body, size_t len, int with_length)
{
	char	head[1024];

	snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sConnection: close\r\n",
	    status, headers);
	if (with_length)
		snprintf(head + strlen(head), sizeof head - strlen(head),
		    "Content-Length: %zu\r\n", len);
	strcat(head, "\r\n");
	io_write(io, head, strlen(head));
	io_write(io, body, len);
}

/* A body of n bytes of 'x', with or without its length. */
static void
answer_size(struct io *io, size_t n, int with_length)
{
	char	*body = xmalloc(n + 1);

	memset(body, 'x', n);
	answer(io, "200 OK", "Content-Type: text/plain\r\n", body, n,
	    with_length);
	free(body);
}

/* Read one request: head and Content-Length body. */
static int
read_request(struct io *io, struct seen *r)
{
	char	 buf[8192], *end, *p;
	size_t	 len = 0, want = 0, have, n;

	memset(r, 0, sizeof *r);
	while ((end = memmem(buf, len, "\r\n\r\n", 4)) == NULL) {
		if (len == sizeof buf ||
		    (n = io_read(io, buf + len, sizeof buf - len)) == 0)
			return -1;
		len += n;
	}
	*end = '\0';
	snprintf(r->head, sizeof r->head, "%s", buf);
	sscanf(buf, "%7s %255s", r->method, r->path);
	if ((p = strcasestr(buf, "\r\nContent-Length: ")) != NULL)
		want = strtoul(p + 18, NULL, 10);
	if (want > sizeof r->body)
		return -1;
	have = len - (end + 4 - buf);
	memcpy(r->body, end + 4, have < want ? have : want);
	while (have < want) {
		if ((n = io_read(io, r->body + have, want - have)) == 0)
			return -1;
		have += n;
	}
	r->body_len = want;
	return 0;
}

/* A header's value in a request head, into buf ("" if absent). */
static const char *
header_of(const char *head, const char *name, char *buf, size_t len)
{
	char		 key[64];
	const char	*p;
	size_t		 n;

	snprintf(key, sizeof key, "\r\n%s: ", name);
	buf[0] = '\0';
	if ((p = strcasestr(head, key)) != NULL) {
		p += strlen(key);
		n = strcspn(p, "\r");
		snprintf(buf, len, "%.*s", (int)n, p);
	}
	return buf;
}

/* Hold the connection until the client goes (or 10 s, or stopping). */
static void
hang(struct server *s, int fd)
{
	struct pollfd	pfd[2] = { { fd, POLLIN, 0 },
			    { s->stop[0], POLLIN, 0 } };
	char		c;

	while (poll(pfd, 2, 10000) == -1 && errno == EINTR)
		;
	if (pfd[0].revents != 0)
		(void)!read(fd, &c, 1);
}

/* Serve one connection: one request, answered by its path. */
static void
serve(struct server *s, int fd)
{
	struct io	 io = { fd, NULL };
	struct seen	*r = xmalloc(sizeof *r);
	char		 auth[512];

	if (s->tls != NULL) {
		io.ssl = SSL_new(s->tls);
		SSL_set_fd(io.ssl, fd);
		if (SSL_accept(io.ssl) != 1)
			goto out;
	}
	if (read_request(&io, r) != 0)
		goto out;
	pthread_mutex_lock(&s->lock);
	s->requests++;
	if (strcmp(r->path, "/hello") == 0)
		s->hello++;
	memcpy(&s->last, r, sizeof *r);
	pthread_mutex_unlock(&s->lock);

	if (strcmp(r->path, "/hello") == 0)
		answer(&io, "200 OK", "Content-Type: text/plain; charset=utf-8"
		    "\r\nCache-Control: max-age=300\r\nCache-Control: public"
		    "\r\n", "hello\n", 6, 1);
	else if (strcmp(r->path, "/echo") == 0)
		answer(&io, "200 OK", "Content-Type: application/octet-stream"
		    "\r\n", r->body, r->body_len, 1);
	else if (strcmp(r->path, "/auth") == 0) {
		header_of(r->head, "Authorization", auth, sizeof auth);
		answer(&io, "200 OK", "", auth, strlen(auth), 1);
	} else if (strncmp(r->path, "/big/", 5) == 0)
		answer_size(&io, strtoul(r->path + 5, NULL, 10), 1);
	else if (strncmp(r->path, "/stream/", 8) == 0)
		answer_size(&io, strtoul(r->path + 8, NULL, 10), 0);
	else if (strcmp(r->path, "/redirect") == 0)
		answer(&io, "302 Found", "Location: /hello\r\n", "moved", 5, 1);
	else if (strcmp(r->path, "/hang") == 0)
		hang(s, fd);
	else
		answer(&io, "404 Not Found", "Content-Type: application/json"
		    "\r\n", "{\"error\":\"not here\"}", 20, 1);
out:
	if (io.ssl != NULL) {
		SSL_shutdown(io.ssl);
		SSL_free(io.ssl);
	}
	free(r);
}

/* A server's thread: one connection at a time until stopped. */
static void *
server_main(void *arg)
{
	struct server	*s = arg;
	struct pollfd	 pfd[2] = { { s->fd, POLLIN, 0 },
			    { s->stop[0], POLLIN, 0 } };
	struct timeval	 tv = { 10, 0 };
	int		 fd;

	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if ((fd = accept(s->fd, NULL, NULL)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		serve(s, fd);
		close(fd);
	}
	return NULL;
}

/* A listening socket on 127.0.0.1, any free port. */
static int
listen_any(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		perror("listen");
		exit(99);
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Start a server, TLS if tls is not NULL. */
static void
server_start(struct server *s, SSL_CTX *tls)
{
	memset(s, 0, sizeof *s);
	s->tls = tls;
	s->fd = listen_any(&s->port);
	pthread_mutex_init(&s->lock, NULL);
	if (pipe(s->stop) == -1 ||
	    pthread_create(&s->thread, NULL, server_main, s) != 0) {
		perror("server");
		exit(99);
	}
}

/* Stop a server and wait for its thread. */
static void
server_stop(struct server *s)
{
	(void)!write(s->stop[1], "x", 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	close(s->stop[0]);
	close(s->stop[1]);
	pthread_mutex_destroy(&s->lock);
}

/* What a server has seen: its request count and a copy of the last. */
static int
server_seen(struct server *s, struct seen *last, int *hello)
{
	int	n;

	pthread_mutex_lock(&s->lock);
	n = s->requests;
	if (last != NULL)
		memcpy(last, &s->last, sizeof *last);
	if (hello != NULL)
		*hello = s->hello;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* A self-signed certificate for IP 127.0.0.1, its key, and its PEM file. */
static X509 *
make_cert(EVP_PKEY **keyp, char *path)
{
	EVP_PKEY	*key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509		*x = X509_new();
	X509_NAME	*name;
	X509_EXTENSION	*ext;
	X509V3_CTX	 ctx;
	FILE		*f;
	int		 fd;

	if (key == NULL || x == NULL)
		abort();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)getpid());
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"hearth test", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
	    "IP:127.0.0.1")) == NULL)
		abort();
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE")) == NULL)
		abort();
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (X509_sign(x, key, EVP_sha256()) == 0)
		abort();

	snprintf(path, 64, "/tmp/hearth-httpc-XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL ||
	    PEM_write_X509(f, x) != 1 || fclose(f) != 0) {
		perror("cert");
		exit(99);
	}
	*keyp = key;
	return x;
}

/* A request with the usual defaults, for a URL on a server. */
static struct httpc_req
req_for(const char *method, char *url, size_t urllen, struct server *s,
    const char *path)
{
	struct httpc_req	r;

	snprintf(url, urllen, "%s://127.0.0.1:%d%s", s->tls ? "https" : "http",
	    s->port, path);
	memset(&r, 0, sizeof r);
	r.method = method;
	r.url = url;
	r.ca_file = s->tls ? cert_file : NULL;
	r.timeout = 5;
	return r;
}

static void
test_get(struct server *plain, struct server *tls)
{
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	struct seen		*seen = xmalloc(sizeof *seen);
	char			 url[128], *cause, hdr[256];
	struct server		*servers[] = { tls, plain };
	size_t			 i;

	for (i = 0; i < nitems(servers); i++) {
		r = req_for("GET", url, sizeof url, servers[i], "/hello");
		r.accept = "application/json";
		if (!ok(httpc_do(&r, &resp, &cause) == 0, "GET %s", url)) {
			printf("#   %s\n", cause);
			free(cause);
			continue;
		}
		is_int(resp.status, 200, "GET %s: status", url);
		is_str(resp.body, "hello\n", "GET %s: body", url);
		is_int(resp.len, 6, "GET %s: length", url);
		is_str(resp.content_type, "text/plain; charset=utf-8",
		    "GET %s: Content-Type", url);
		is_str(resp.cache_control, "max-age=300, public",
		    "GET %s: both Cache-Control headers", url);
		httpc_resp_free(&resp);
		ok(resp.body == NULL && resp.content_type == NULL,
		    "httpc_resp_free clears");
		server_seen(servers[i], seen, NULL);
		is_str(seen->method, "GET", "the server saw GET");
		is_str(seen->path, "/hello", "the server saw the path");
		is_str(header_of(seen->head, "User-Agent", hdr, sizeof hdr),
		    "hearth/" PACKAGE_VERSION, "User-Agent");
		is_str(header_of(seen->head, "Accept", hdr, sizeof hdr),
		    "application/json", "Accept");
		is_str(header_of(seen->head, "Authorization", hdr, sizeof hdr),
		    "", "no Authorization unless asked");
		is_str(header_of(seen->head, "Accept-Encoding", hdr,
		    sizeof hdr), "", "no Accept-Encoding: nothing compressed");
	}

	/* A 4xx is an answer, not an error. */
	r = req_for("GET", url, sizeof url, tls, "/missing");
	if (ok(httpc_do(&r, &resp, &cause) == 0, "GET a 404")) {
		is_int(resp.status, 404, "404: status");
		is_str(resp.body, "{\"error\":\"not here\"}", "404: body");
		is_str(resp.content_type, "application/json",
		    "404: Content-Type");
		ok(resp.cache_control == NULL, "404: no Cache-Control");
		httpc_resp_free(&resp);
	} else
		free(cause);
	free(seen);
}

static void
test_post(struct server *tls)
{
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	struct seen		*seen = xmalloc(sizeof *seen);
	char			 url[128], *cause, hdr[256], *body;
	size_t			 i, len = 5000;

	/* Every byte value, NUL too, and long enough for 100-continue. */
	body = xmalloc(len);
	for (i = 0; i < len; i++)
		body[i] = (char)(i * 7);
	r = req_for("POST", url, sizeof url, tls, "/echo");
	r.content_type = "application/x-www-form-urlencoded";
	r.body = body;
	r.bodylen = len;
	if (ok(httpc_do(&r, &resp, &cause) == 0, "POST %s", url)) {
		is_int(resp.status, 200, "POST: status");
		ok(resp.len == len && memcmp(resp.body, body, len) == 0,
		    "POST: the body arrived whole and came back");
		httpc_resp_free(&resp);
	} else {
		printf("#   %s\n", cause);
		free(cause);
	}
	server_seen(tls, seen, NULL);
	is_str(seen->method, "POST", "the server saw POST");
	ok(seen->body_len == len && memcmp(seen->body, body, len) == 0,
	    "the server saw the body");
	is_str(header_of(seen->head, "Content-Type", hdr, sizeof hdr),
	    "application/x-www-form-urlencoded", "POST: Content-Type");
	is_str(header_of(seen->head, "Expect", hdr, sizeof hdr), "",
	    "POST: no Expect: 100-continue");
	free(body);

	/* An empty body, no type given: the form type. */
	r = req_for("POST", url, sizeof url, tls, "/echo");
	if (ok(httpc_do(&r, &resp, &cause) == 0, "POST, empty body")) {
		ok(resp.len == 0 && resp.body != NULL && resp.body[0] == '\0',
		    "POST, empty body: an empty string back");
		httpc_resp_free(&resp);
	} else
		free(cause);
	server_seen(tls, seen, NULL);
	is_str(header_of(seen->head, "Content-Length", hdr, sizeof hdr), "0",
	    "POST, empty body: Content-Length 0");
	is_str(header_of(seen->head, "Content-Type", hdr, sizeof hdr),
	    "application/x-www-form-urlencoded",
	    "POST, no type: the form type");
	free(seen);
}

static void
test_basic(struct server *tls)
{
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	char			 url[128], *cause;

	/*
	 * RFC 6749 2.3.1: each form-encoded, then joined by ':'. By hand:
	 * base64("client%3A1+%C3%A9:p%25ss%3Aw%2Brd").
	 */
	r = req_for("POST", url, sizeof url, tls, "/auth");
	r.basic_user = "client:1 \xc3\xa9";
	r.basic_pass = "p%ss:w+rd";
	r.body = "grant_type=authorization_code";
	r.bodylen = strlen(r.body);
	if (ok(httpc_do(&r, &resp, &cause) == 0, "POST with Basic")) {
		is_str(resp.body, "Basic Y2xpZW50JTNBMSslQzMlQTk6cCUyNXNzJTNB"
		    "dyUyQnJk", "Basic: id and secret form-encoded first");
		httpc_resp_free(&resp);
	} else
		free(cause);

	/* RFC 6749 appendix B's set, by hand. */
	cause = httpc_form_escape("a b&c=d/\xc3\xa9*-._~+%:");
	is_str(cause, "a+b%26c%3Dd%2F%C3%A9*-._%7E%2B%25%3A",
	    "httpc_form_escape");
	free(cause);
	cause = httpc_form_escape("");
	is_str(cause, "", "httpc_form_escape of nothing");
	free(cause);
}

static void
test_tls(struct server *tls)
{
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	char			 url[128], *cause;
	int			 before = server_seen(tls, NULL, NULL);

	/* The system's CAs do not know the test's certificate. */
	r = req_for("GET", url, sizeof url, tls, "/hello");
	r.ca_file = NULL;
	ok(httpc_do(&r, &resp, &cause) == -1, "self-signed, no ca_file: fails");
	ok(cause != NULL && strstr(cause, url) != NULL &&
	    strstr(cause, "certificate") != NULL,
	    "self-signed: the cause names the URL and the certificate");
	printf("#   %s\n", cause);
	free(cause);
	ok(resp.body == NULL, "self-signed: no body");

	/* Another CA's certificate. */
	r.ca_file = other_cert_file;
	ok(httpc_do(&r, &resp, &cause) == -1, "another ca_file: fails");
	free(cause);

	/* The right certificate, the wrong name: host verification. */
	snprintf(url, sizeof url, "https://localhost:%d/hello", tls->port);
	r.ca_file = cert_file;
	ok(httpc_do(&r, &resp, &cause) == -1,
	    "certificate for 127.0.0.1, asked as localhost: fails");
	printf("#   %s\n", cause);
	free(cause);

	is_int(server_seen(tls, NULL, NULL), before,
	    "no request got through unverified TLS");

	r = req_for("GET", url, sizeof url, tls, "/hello");
	r.ca_file = "/nonexistent/ca.pem";
	ok(httpc_do(&r, &resp, &cause) == -1 && strstr(cause, url) != NULL,
	    "a ca_file that is not there");
	free(cause);
}

static void
test_cap(struct server *plain, struct server *tls)
{
	static const struct {
		const char	*path;
		size_t		 max;
		int		 fits;
		const char	*what;
	} cases[] = {
		{ "/big/1000", 1000, 1, "1000 bytes under a cap of 1000" },
		{ "/big/1001", 1000, 0, "1001 bytes, with Content-Length" },
		{ "/stream/1001", 1000, 0, "1001 bytes, no Content-Length" },
		{ "/stream/1000", 1000, 1, "1000 bytes, no Content-Length" },
		{ "/big/1048576", 0, 1, "1 MiB under the default cap" },
		{ "/big/1048577", 0, 0, "1 MiB + 1, default cap" },
		{ "/stream/3000000", 0, 0, "3 MB streamed, default cap" },
	};
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	char			 url[128], *cause, want[64];
	size_t			 i;
	int			 rc;

	for (i = 0; i < nitems(cases); i++) {
		r = req_for("GET", url, sizeof url, i % 2 ? tls : plain,
		    cases[i].path);
		r.max_body = cases[i].max;
		rc = httpc_do(&r, &resp, &cause);
		if (cases[i].fits) {
			ok(rc == 0 && resp.len == strtoul(strrchr(
			    cases[i].path, '/') + 1, NULL, 10),
			    "%s: arrives", cases[i].what);
			if (rc == 0)
				httpc_resp_free(&resp);
			else
				free(cause);
			continue;
		}
		snprintf(want, sizeof want, "response larger than %zu bytes",
		    cases[i].max ? cases[i].max : (size_t)1048576);
		ok(rc == -1 && strstr(cause, want) != NULL &&
		    strstr(cause, url) != NULL, "%s: refused, \"%s\"",
		    cases[i].what, want);
		if (rc == -1)
			free(cause);
		else
			httpc_resp_free(&resp);
	}
}

static void
test_redirect(struct server *tls)
{
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	char			 url[128], *cause;
	int			 hello, after;

	server_seen(tls, NULL, &hello);
	r = req_for("GET", url, sizeof url, tls, "/redirect");
	if (ok(httpc_do(&r, &resp, &cause) == 0, "GET a redirect")) {
		is_int(resp.status, 302, "the 302 is the answer");
		is_str(resp.body, "moved", "the 302's body");
		httpc_resp_free(&resp);
	} else
		free(cause);
	server_seen(tls, NULL, &after);
	is_int(after, hello, "the Location was not fetched");
}

/* Milliseconds on the monotonic clock. */
static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
test_failures(struct server *tls)
{
	struct httpc_req	 r;
	struct httpc_resp	 resp;
	char			 url[128], *cause;
	uint64_t		 start, took;
	int			 fd, port;

	/* A server that never answers: the total timeout holds. */
	r = req_for("GET", url, sizeof url, tls, "/hang");
	r.timeout = 1;
	start = now_ms();
	ok(httpc_do(&r, &resp, &cause) == -1, "no answer: fails");
	took = now_ms() - start;
	ok(took >= 900 && took < 3000, "no answer: gave up after 1 s (%llu ms)",
	    (unsigned long long)took);
	ok(strstr(cause, url) != NULL && strstr(cause, "timed out") != NULL,
	    "no answer: the cause says timed out");
	printf("#   %s\n", cause);
	free(cause);

	/* A port nobody listens on. */
	fd = listen_any(&port);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/x", port);
	memset(&r, 0, sizeof r);
	r.method = "GET";
	r.url = url;
	start = now_ms();
	ok(httpc_do(&r, &resp, &cause) == -1, "connection refused: fails");
	ok(now_ms() - start < 2000, "connection refused: at once");
	ok(strstr(cause, url) != NULL &&
	    strstr(cause, "Connection refused") != NULL,
	    "connection refused: the cause names the URL and says so");
	printf("#   %s\n", cause);
	free(cause);

	/* Only http and https, GET and POST. */
	r.url = "file:///etc/passwd";
	ok(httpc_do(&r, &resp, &cause) == -1 && strstr(cause, "file") != NULL,
	    "file: refused");
	printf("#   %s\n", cause);
	free(cause);
	r.url = "ftp://127.0.0.1/x";
	ok(httpc_do(&r, &resp, &cause) == -1, "ftp: refused");
	free(cause);
	r.url = url;
	r.method = "PUT";
	ok(httpc_do(&r, &resp, &cause) == -1 &&
	    strstr(cause, "only GET and POST") != NULL, "PUT refused");
	free(cause);
	r.method = "GET";
	r.url = NULL;
	ok(httpc_do(&r, &resp, &cause) == -1 && strstr(cause, "no URL") != NULL,
	    "no URL");
	free(cause);
	r.url = "not a url";
	ok(httpc_do(&r, &resp, &cause) == -1 && cause != NULL, "not a URL");
	free(cause);
}

int
main(int argc, char **argv)
{
	struct server	 plain, tls;
	SSL_CTX		*ctx;
	EVP_PKEY	*key, *other_key;
	X509		*cert, *other;

	tap_args(argc, argv);
	/* A client that stops at its cap leaves the TLS server writing to a
	 * closed socket (SSL_write has no MSG_NOSIGNAL); hearthd ignores
	 * SIGPIPE too (server.c). */
	signal(SIGPIPE, SIG_IGN);
	cert = make_cert(&key, cert_file);
	other = make_cert(&other_key, other_cert_file);
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1)
		abort();
	server_start(&plain, NULL);
	server_start(&tls, ctx);

	if (tap_case("get"))
		test_get(&plain, &tls);
	if (tap_case("post"))
		test_post(&tls);
	if (tap_case("basic"))
		test_basic(&tls);
	if (tap_case("tls"))
		test_tls(&tls);
	if (tap_case("cap"))
		test_cap(&plain, &tls);
	if (tap_case("redirect"))
		test_redirect(&tls);
	if (tap_case("failures"))
		test_failures(&tls);

	server_stop(&plain);
	server_stop(&tls);
	SSL_CTX_free(ctx);
	X509_free(cert);
	X509_free(other);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other_key);
	unlink(cert_file);
	unlink(other_cert_file);
	return done_testing();
}
