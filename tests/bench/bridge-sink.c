/*
 * bridge-sink.c: the fediverse, faked on loopback, for the bridge's
 * benchmarks (bridge-fanout.sh, bridge-inbox.sh). One program, three
 * commands:
 *
 *   bridge-sink keygen KEY
 *	A new RSA-2048 key pair: KEY (PKCS#8 PEM) and KEY.pub (SPKI PEM).
 *	Every fake actor uses this one pair.
 *
 *   bridge-sink serve -k KEY -p PORT [-n NET] [-H HOSTS] [-a ACTORS] [-s]
 *	HOSTS fake servers, NET.1 .. NET.HOSTS (default 127.0.100.1 to
 *	127.0.100.200), all on PORT, each with ACTORS (5) actors
 *	/users/u0 .. /users/uN-1: an actor document (application/activity+
 *	json, with publicKey and inbox; with -s also endpoints.sharedInbox,
 *	/inbox) and an inbox. Every POST to an inbox is verified as a strict
 *	peer would: draft-cavage Signature covering (request-target), host,
 *	date and digest, rsa-sha256 checked with the key its keyId names
 *	(fetched once from hearth's public listener with a plain GET,
 *	Accept: application/activity+json, then kept), Digest equal to the
 *	SHA-256 of the body, Date within an hour, keyId owned by the
 *	activity's actor. Verified: 202, counted by type and by activity id,
 *	with the time of the first and the last. Else 401, counted as failed.
 *	A second delivery of the same activity to the same inbox is counted
 *	as a duplicate. Control, on any of the addresses:
 *	  GET /_wait?key=K&n=N&timeout=S  answers when counter K ("a:ID" for
 *	      an activity id, "t:TYPE" for a type) reaches N, or after S
 *	      seconds: {"key","n","first","last","failed","dups"} (times in
 *	      seconds since the epoch, as the clock of this machine)
 *	  GET /_stats   totals;  POST /_reset   counters to zero
 *	Prints "ready" on stdout once listening; single-threaded (libevent).
 *
 *   bridge-sink send -k KEY -p PORT -t ORIGIN -u USER[,USER...] -K KIND
 *		      -N COUNT [-o FIRST] [-c CONNS] [-T TAG] [-n NET] [-H HOSTS]
 *		      [-a ACTORS] [-r NOTE-URL]
 *	The inbound load: COUNT activities numbered FIRST.., number i sent
 *	by actor i mod (HOSTS x ACTORS) of the sink's fake servers (on PORT).
 *	KIND follow: a Follow of USER number (i / actors) mod USERS, to that
 *	person's inbox ORIGIN/users/USER/inbox; KIND create: a Create(Note)
 *	to the shared inbox ORIGIN/inbox (with -r, a reply to NOTE-URL, which
 *	the bridge keeps as an outside post). Every activity has an id of its own
 *	(TAG-i), so none is dropped as seen before. All are signed first (on
 *	every core), then sent over CONNS (50) keep-alive connections, one at
 *	a time each, and timed. Prints one line:
 *	  SEND count ok seconds per_second p50_ms p99_ms max_ms
 *	(ok: answered 202) and exits 1 if any was not 202.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* vasprintf, strptime, timegm */
#endif

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include <jansson.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#define AS_PUBLIC	"https://www.w3.org/ns/activitystreams#Public"
#define AS_CONTEXT	"https://www.w3.org/ns/activitystreams"

static const char	*net = "127.0.100";
static int		 nhosts = 200, nactors = 5, port, shared;
static EVP_PKEY		*pkey;		/* the fake actors' key pair */
static char		*pub_pem;

static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "bridge-sink: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static char * __attribute__((format(printf, 1, 2)))
xprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	return s;
}

static double
now_s(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static uint64_t
mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- crypto: keys, digests, signatures ---- */

static char *
b64(const unsigned char *p, size_t n)
{
	char	*s = malloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)s, p, (int)n);
	return s;
}

/* Base64 decoded into a malloc'ed buffer; -1 if not base64. */
static int
unb64(const char *s, unsigned char **out, size_t *outlen)
{
	size_t	 n = strlen(s);
	int	 len;

	if (n == 0 || n % 4 != 0)
		return -1;
	*out = malloc(n / 4 * 3 + 1);
	if ((len = EVP_DecodeBlock(*out, (const unsigned char *)s,
	    (int)n)) < 0) {
		free(*out);
		return -1;
	}
	if (s[n - 1] == '=')
		len--;
	if (s[n - 2] == '=')
		len--;
	*outlen = (size_t)len;
	return 0;
}

/* "SHA-256=<base64>" of a body. */
static char *
digest_of(const void *body, size_t len)
{
	unsigned char	 md[32];
	char		*b, *s;

	EVP_Digest(body, len, md, NULL, EVP_sha256(), NULL);
	b = b64(md, sizeof md);
	s = xprintf("SHA-256=%s", b);
	free(b);
	return s;
}

static char *
sign_b64(EVP_PKEY *k, const char *text)
{
	EVP_MD_CTX	*c = EVP_MD_CTX_new();
	unsigned char	 sig[1024];
	size_t		 n = sizeof sig;
	char		*s;

	if (EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(c, sig, &n, (const unsigned char *)text,
	    strlen(text)) != 1)
		fatal("cannot sign");
	EVP_MD_CTX_free(c);
	s = b64(sig, n);
	return s;
}

static int
verify_b64(EVP_PKEY *k, const char *text, const char *sig64)
{
	EVP_MD_CTX	*c = EVP_MD_CTX_new();
	unsigned char	*sig;
	size_t		 n;
	int		 ok = 0;

	if (unb64(sig64, &sig, &n) != 0) {
		EVP_MD_CTX_free(c);
		return 0;
	}
	if (EVP_DigestVerifyInit(c, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestVerify(c, sig, n, (const unsigned char *)text,
	    strlen(text)) == 1)
		ok = 1;
	EVP_MD_CTX_free(c);
	free(sig);
	return ok;
}

static void
load_key(const char *path)
{
	FILE		*f = fopen(path, "r");
	BIO		*b;
	char		*p;
	long		 n;

	if (f == NULL)
		fatal("%s: %s", path, strerror(errno));
	if ((pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		fatal("%s: not a private key", path);
	fclose(f);
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(b, pkey);
	n = BIO_get_mem_data(b, &p);
	pub_pem = strndup(p, (size_t)n);
	BIO_free(b);
}

static int
cmd_keygen(int argc, char **argv)
{
	EVP_PKEY	*k;
	FILE		*f;
	char		*pub;

	if (argc != 2)
		fatal("usage: bridge-sink keygen KEY");
	if ((k = EVP_RSA_gen(2048)) == NULL)
		fatal("EVP_RSA_gen failed");
	if ((f = fopen(argv[1], "w")) == NULL)
		fatal("%s: %s", argv[1], strerror(errno));
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	pub = xprintf("%s.pub", argv[1]);
	if ((f = fopen(pub, "w")) == NULL)
		fatal("%s: %s", pub, strerror(errno));
	PEM_write_PUBKEY(f, k);
	fclose(f);
	free(pub);
	EVP_PKEY_free(k);
	return 0;
}

/* ---- a tiny string-keyed table ---- */

struct entry {
	char		*key;
	void		*val;
	struct entry	*next;
};
#define NBUCKETS	65536
struct table {
	struct entry	*b[NBUCKETS];
};

static unsigned
hash(const char *s)
{
	unsigned	h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % NBUCKETS;
}

/* The entry for key, made (val NULL) if create. */
static struct entry *
table_get(struct table *t, const char *key, int create)
{
	unsigned	 h = hash(key);
	struct entry	*e;

	for (e = t->b[h]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	if (!create)
		return NULL;
	e = calloc(1, sizeof *e);
	e->key = strdup(key);
	e->next = t->b[h];
	t->b[h] = e;
	return e;
}

static void
table_clear(struct table *t)
{
	struct entry	*e, *n;
	size_t		 i;

	for (i = 0; i < NBUCKETS; i++) {
		for (e = t->b[i]; e != NULL; e = n) {
			n = e->next;
			free(e->key);
			free(e->val);
			free(e);
		}
		t->b[i] = NULL;
	}
}

/* ---- serve ---- */

struct counter {
	long	 n;
	double	 first, last;
};

struct waiter {
	struct evhttp_request	*req;
	char			*key;
	long			 n;
	struct event		*timer;
	struct waiter		*next;
};

static struct event_base	*base;
static struct table		 keys;		/* keyId -> EVP_PKEY * */
static struct table		 counts;	/* "a:ID", "t:TYPE", and
						   "ID HOST PATH" -> counter */
static struct waiter		*waiters;
static long			 verified, failed, dups;
static int			 fail_logged;

static struct counter *
count(const char *key, double t)
{
	struct entry	*e = table_get(&counts, key, 1);
	struct counter	*c = e->val;

	if (c == NULL) {
		c = e->val = calloc(1, sizeof *c);
		c->first = t;
	}
	c->n++;
	c->last = t;
	return c;
}

static void
reply(struct evhttp_request *req, int code, const char *type,
    const char *body)
{
	struct evbuffer	*b = evbuffer_new();

	if (type != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", type);
	if (body != NULL)
		evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, code, code < 300 ? "OK" : "No", b);
	evbuffer_free(b);
}

static void
wait_answer(struct waiter *w)
{
	struct entry	*e = table_get(&counts, w->key, 0);
	struct counter	*c = e != NULL ? e->val : NULL;
	char		*s;

	s = xprintf("{\"key\":\"%s\",\"n\":%ld,\"first\":%.6f,\"last\":%.6f,"
	    "\"failed\":%ld,\"dups\":%ld,\"verified\":%ld}\n", w->key,
	    c != NULL ? c->n : 0, c != NULL ? c->first : 0.0,
	    c != NULL ? c->last : 0.0, failed, dups, verified);
	reply(w->req, 200, "application/json", s);
	free(s);
}

static void
waiter_done(struct waiter *w)
{
	struct waiter	**p;

	for (p = &waiters; *p != NULL; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			break;
		}
	wait_answer(w);
	event_free(w->timer);
	free(w->key);
	free(w);
}

static void
waiter_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	waiter_done(arg);
}

/* Answer the waiters whose counter reached their n. */
static void
waiters_check(const char *key, long n)
{
	struct waiter	*w, *next;

	for (w = waiters; w != NULL; w = next) {
		next = w->next;
		if (strcmp(w->key, key) == 0 && n >= w->n)
			waiter_done(w);
	}
}

static const char *
query_param(struct evkeyvalq *q, const char *name, const char *def)
{
	const char	*v = evhttp_find_header(q, name);

	return v != NULL ? v : def;
}

static void
control_wait(struct evhttp_request *req, const struct evhttp_uri *u)
{
	struct evkeyvalq	 q;
	struct waiter		*w = calloc(1, sizeof *w);
	struct entry		*e;
	struct timeval		 tv;
	double			 timeout;

	TAILQ_INIT(&q);
	evhttp_parse_query_str(evhttp_uri_get_query(u) ?
	    evhttp_uri_get_query(u) : "", &q);
	w->req = req;
	w->key = strdup(query_param(&q, "key", ""));
	w->n = atol(query_param(&q, "n", "1"));
	timeout = atof(query_param(&q, "timeout", "60"));
	evhttp_clear_headers(&q);
	w->timer = evtimer_new(base, waiter_timeout, w);
	w->next = waiters;
	waiters = w;
	e = table_get(&counts, w->key, 0);
	if (e != NULL && ((struct counter *)e->val)->n >= w->n) {
		waiter_done(w);
		return;
	}
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
	evtimer_add(w->timer, &tv);
}

static void
control_stats(struct evhttp_request *req)
{
	json_t		*o = json_object(), *types = json_object();
	struct entry	*e;
	char		*s;
	size_t		 i;

	for (i = 0; i < NBUCKETS; i++)
		for (e = counts.b[i]; e != NULL; e = e->next)
			if (strncmp(e->key, "t:", 2) == 0)
				json_object_set_new(types, e->key + 2,
				    json_integer(((struct counter *)
				    e->val)->n));
	json_object_set_new(o, "verified", json_integer(verified));
	json_object_set_new(o, "failed", json_integer(failed));
	json_object_set_new(o, "dups", json_integer(dups));
	json_object_set_new(o, "types", types);
	s = json_dumps(o, JSON_COMPACT);
	reply(req, 200, "application/json", s);
	free(s);
	json_decref(o);
}

/* Which fake host a request came to: 1..nhosts from its Host, or 0. */
static int
host_index(struct evhttp_request *req)
{
	const char	*h = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Host");
	size_t		 n = strlen(net);
	int		 i, p;

	if (h == NULL || strncmp(h, net, n) != 0 || h[n] != '.' ||
	    sscanf(h + n + 1, "%d:%d", &i, &p) != 2 || p != port || i < 1 ||
	    i > nhosts)
		return 0;
	return i;
}

static void
actor_doc(struct evhttp_request *req, int h, int k)
{
	json_t	*o = json_object(), *pk = json_object();
	char	*id = xprintf("http://%s.%d:%d/users/u%d", net, h, port, k);
	char	*s;

	json_object_set_new(o, "@context", json_pack("[s, s]", AS_CONTEXT,
	    "https://w3id.org/security/v1"));
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "type", json_string("Person"));
	json_object_set_new(o, "preferredUsername", json_string(strrchr(id,
	    '/') + 1));
	s = xprintf("%s/inbox", id);
	json_object_set_new(o, "inbox", json_string(s));
	free(s);
	s = xprintf("%s/outbox", id);
	json_object_set_new(o, "outbox", json_string(s));
	free(s);
	s = xprintf("%s#main-key", id);
	json_object_set_new(pk, "id", json_string(s));
	free(s);
	json_object_set_new(pk, "owner", json_string(id));
	json_object_set_new(pk, "publicKeyPem", json_string(pub_pem));
	json_object_set_new(o, "publicKey", pk);
	if (shared) {
		s = xprintf("http://%s.%d:%d/inbox", net, h, port);
		json_object_set_new(o, "endpoints", json_pack("{s:s}",
		    "sharedInbox", s));
		free(s);
	}
	s = json_dumps(o, JSON_COMPACT);
	reply(req, 200, "application/activity+json", s);
	free(s);
	free(id);
	json_decref(o);
}

/* A public key fetched from its keyId (hearth's public listener) with a
 * plain blocking GET: once per key, so blocking here costs nothing. */
static EVP_PKEY *
fetch_key(const char *key_id, char *why, size_t whylen)
{
	char		 host[256], path[1024], buf[65536], *body, *req;
	int		 p = 80, fd = -1, status = 0;
	size_t		 len = 0;
	ssize_t		 r;
	struct sockaddr_in sa;
	struct timeval	 tv = { 10, 0 };
	json_t		*doc = NULL, *pk, *k;
	const char	*pem = NULL, *hash;
	EVP_PKEY	*key = NULL;
	BIO		*b;
	size_t		 i;

	if (sscanf(key_id, "http://%255[^:/]:%d%1023s", host, &p, path) != 3) {
		snprintf(why, whylen, "keyId %s: not http://ADDR:PORT/...",
		    key_id);
		return NULL;
	}
	if ((hash = strchr(path, '#')) != NULL)
		path[hash - path] = '\0';
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		snprintf(why, whylen, "keyId %s: cannot connect: %s", key_id,
		    strerror(errno));
		goto out;
	}
	req = xprintf("GET %s HTTP/1.0\r\nHost: %s:%d\r\nAccept: "
	    "application/activity+json\r\nConnection: close\r\n\r\n", path,
	    host, p);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		free(req);
		snprintf(why, whylen, "keyId %s: write failed", key_id);
		goto out;
	}
	free(req);
	while (len < sizeof buf - 1 &&
	    (r = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1 || status != 200 ||
	    (body = strstr(buf, "\r\n\r\n")) == NULL) {
		snprintf(why, whylen, "keyId %s: answered %d", key_id, status);
		goto out;
	}
	doc = json_loads(body + 4, 0, NULL);
	pk = json_object_get(doc, "publicKey");
	if (json_is_object(pk))
		pem = json_string_value(json_object_get(pk, "publicKeyPem"));
	else
		json_array_foreach(pk, i, k)
			if (strcmp(json_string_value(json_object_get(k, "id")) ?
			    json_string_value(json_object_get(k, "id")) : "",
			    key_id) == 0)
				pem = json_string_value(json_object_get(k,
				    "publicKeyPem"));
	if (pem == NULL) {
		snprintf(why, whylen, "keyId %s: no publicKeyPem", key_id);
		goto out;
	}
	b = BIO_new_mem_buf(pem, -1);
	key = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	if (key == NULL)
		snprintf(why, whylen, "keyId %s: bad publicKeyPem", key_id);
out:
	json_decref(doc);
	if (fd != -1)
		close(fd);
	return key;
}

/* The value of a Signature parameter (name="value"), malloc'ed. */
static char *
sig_param(const char *sig, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p = sig, *q;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=' && p[n + 1] ==
		    '"') {
			p += n + 2;
			if ((q = strchr(p, '"')) == NULL)
				return NULL;
			return strndup(p, (size_t)(q - p));
		}
		if ((p = strchr(p, ',')) == NULL)
			break;
	}
	return NULL;
}

static void
refuse(struct evhttp_request *req, const char *why)
{
	failed++;
	if (fail_logged++ < 20)
		fprintf(stderr, "bridge-sink: refused %s: %s\n",
		    evhttp_request_get_uri(req), why);
	reply(req, 401, "text/plain", why);
}

/* POST to an inbox: verify, count, 202. */
static void
inbox(struct evhttp_request *req, const char *path)
{
	struct evkeyvalq	*hs = evhttp_request_get_input_headers(req);
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	const char		*sig = evhttp_find_header(hs, "Signature");
	const char		*dig = evhttp_find_header(hs, "Digest");
	const char		*date = evhttp_find_header(hs, "Date");
	const char		*type, *id, *actor, *v;
	char			*key_id = NULL, *alg = NULL, *heads = NULL;
	char			*sig64 = NULL, *want = NULL, *text = NULL;
	char			*tok, *save, *k, why[512];
	size_t			 len = evbuffer_get_length(in), tl = 0;
	unsigned char		*body = evbuffer_pullup(in, -1);
	json_t			*act = NULL;
	struct entry		*e;
	struct tm		 tm;
	struct counter		*c;
	double			 t;
	int			 covered = 0;

	if (sig == NULL) {
		refuse(req, "no Signature");
		return;
	}
	key_id = sig_param(sig, "keyId");
	alg = sig_param(sig, "algorithm");
	heads = sig_param(sig, "headers");
	sig64 = sig_param(sig, "signature");
	if (key_id == NULL || heads == NULL || sig64 == NULL) {
		refuse(req, "Signature lacks keyId, headers or signature");
		goto out;
	}
	if (alg != NULL && strcmp(alg, "rsa-sha256") != 0 &&
	    strcmp(alg, "hs2019") != 0) {
		refuse(req, "algorithm is not rsa-sha256");
		goto out;
	}
	want = digest_of(body != NULL ? (const char *)body : "", len);
	if (dig == NULL || strcmp(dig, want) != 0) {
		refuse(req, "Digest does not match the body");
		goto out;
	}
	memset(&tm, 0, sizeof tm);
	if (date == NULL || strptime(date, "%a, %d %b %Y %H:%M:%S GMT",
	    &tm) == NULL || labs((long)(timegm(&tm) - time(NULL))) > 3600) {
		refuse(req, "Date missing or outside the hour");
		goto out;
	}
	/* The signing string, as the headers parameter lists it. */
	text = calloc(1, 16384);
	for (tok = strtok_r(heads, " ", &save); tok != NULL && tl < 15000;
	    tok = strtok_r(NULL, " ", &save)) {
		if (strcmp(tok, "(request-target)") == 0) {
			tl += (size_t)snprintf(text + tl, 16384 - tl, "%s"
			    "(request-target): post %s", tl ? "\n" : "",
			    evhttp_request_get_uri(req));
			covered |= 1;
			continue;
		}
		if ((v = evhttp_find_header(hs, tok)) == NULL) {
			snprintf(why, sizeof why, "signed header %s missing",
			    tok);
			refuse(req, why);
			goto out;
		}
		tl += (size_t)snprintf(text + tl, 16384 - tl, "%s%s: %s",
		    tl ? "\n" : "", tok, v);
		if (strcasecmp(tok, "host") == 0)
			covered |= 2;
		else if (strcasecmp(tok, "date") == 0)
			covered |= 4;
		else if (strcasecmp(tok, "digest") == 0)
			covered |= 8;
	}
	if (covered != 15 || tl >= 15000) {
		refuse(req, "the signature does not cover (request-target) "
		    "host date digest");
		goto out;
	}
	if ((e = table_get(&keys, key_id, 0)) == NULL) {
		EVP_PKEY	*kk = fetch_key(key_id, why, sizeof why);

		if (kk == NULL) {
			refuse(req, why);
			goto out;
		}
		e = table_get(&keys, key_id, 1);
		e->val = kk;
	}
	if (!verify_b64(e->val, text, sig64)) {
		refuse(req, "the signature does not verify");
		goto out;
	}
	act = json_loadb((const char *)body, len, 0, NULL);
	type = json_string_value(json_object_get(act, "type"));
	id = json_string_value(json_object_get(act, "id"));
	actor = json_string_value(json_object_get(act, "actor"));
	if (type == NULL || id == NULL || actor == NULL) {
		refuse(req, "not an activity with id, type and actor");
		goto out;
	}
	if (strncmp(key_id, actor, strlen(actor)) != 0 ||
	    key_id[strlen(actor)] != '#') {
		refuse(req, "the keyId is not the actor's");
		goto out;
	}
	t = now_s();
	verified++;
	k = xprintf("%s %s %s", id, evhttp_find_header(hs, "Host"), path);
	c = count(k, t);
	free(k);
	if (c->n > 1)
		dups++;
	k = xprintf("t:%s", type);
	c = count(k, t);
	waiters_check(k, c->n);
	free(k);
	k = xprintf("a:%s", id);
	c = count(k, t);
	waiters_check(k, c->n);
	free(k);
	reply(req, 202, "application/json", "{}");
out:
	json_decref(act);
	free(key_id);
	free(alg);
	free(heads);
	free(sig64);
	free(want);
	free(text);
}

static void
serve_cb(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*u = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(u);
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);
	int			 h, k;
	char			 rest[64];

	(void)arg;
	if (path == NULL)
		path = "/";
	if (m == EVHTTP_REQ_GET && strcmp(path, "/_wait") == 0) {
		control_wait(req, u);
		return;
	}
	if (m == EVHTTP_REQ_GET && strcmp(path, "/_stats") == 0) {
		control_stats(req);
		return;
	}
	if (m == EVHTTP_REQ_POST && strcmp(path, "/_reset") == 0) {
		table_clear(&counts);
		verified = failed = dups = 0;
		reply(req, 200, "application/json", "{}");
		return;
	}
	if ((h = host_index(req)) == 0) {
		reply(req, 404, "text/plain", "no such host here");
		return;
	}
	rest[0] = '\0';
	if (strcmp(path, "/inbox") == 0 && m == EVHTTP_REQ_POST) {
		inbox(req, path);
		return;
	}
	if (sscanf(path, "/users/u%d%63s", &k, rest) >= 1 && k >= 0 &&
	    k < nactors) {
		if (rest[0] == '\0' && m == EVHTTP_REQ_GET) {
			actor_doc(req, h, k);
			return;
		}
		if (strcmp(rest, "/inbox") == 0 && m == EVHTTP_REQ_POST) {
			inbox(req, path);
			return;
		}
	}
	reply(req, 404, "text/plain", "not found");
}

static int
cmd_serve(int argc, char **argv)
{
	struct evhttp	*http;
	char		 addr[64];
	int		 c, i;

	while ((c = getopt(argc, argv, "k:p:n:H:a:s")) != -1) {
		switch (c) {
		case 'k': load_key(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'n': net = optarg; break;
		case 'H': nhosts = atoi(optarg); break;
		case 'a': nactors = atoi(optarg); break;
		case 's': shared = 1; break;
		default: fatal("usage: see bridge-sink.c");
		}
	}
	if (pkey == NULL || port <= 0 || nhosts < 1 || nhosts > 254)
		fatal("serve: -k KEY -p PORT are needed; -H 1..254");
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_max_body_size(http, 1 << 20);
	evhttp_set_timeout(http, 120);
	evhttp_set_gencb(http, serve_cb, NULL);
	for (i = 1; i <= nhosts; i++) {
		snprintf(addr, sizeof addr, "%s.%d", net, i);
		if (evhttp_bind_socket(http, addr, (uint16_t)port) != 0)
			fatal("cannot listen on %s:%d", addr, port);
	}
	printf("ready\n");
	fflush(stdout);
	event_base_dispatch(base);
	return 0;
}

/* ---- send ---- */

struct out {
	char		*req;
	size_t		 len;
	uint64_t	 start, us;
	int		 status;
};

static struct out	*outs;
static int		 nouts;
static const char	*kind, *origin, *tag, *reply_to;
static char		**users;
static int		 nusers, first;

/* Build and sign request i (of outs), on any thread. */
static void
build(int j)
{
	int		 i = first + j, a = i % (nhosts * nactors);
	int		 h = a / nactors + 1, k = a % nactors;
	const char	*user = users[(i / (nhosts * nactors)) % nusers];
	char		*actor, *id, *body, *path, *dig, *date, *text, *sig;
	char		 host[256], dbuf[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	sscanf(origin, "http://%255s", host);
	actor = xprintf("http://%s.%d:%d/users/u%d", net, h, port, k);
	if (strcmp(kind, "follow") == 0) {
		id = xprintf("%s/follows/%s-%d", actor, tag, i);
		body = xprintf("{\"@context\":\"%s\",\"id\":\"%s\",\"type\":"
		    "\"Follow\",\"actor\":\"%s\",\"object\":\"%s/users/%s\"}",
		    AS_CONTEXT, id, actor, origin, user);
		path = xprintf("/users/%s/inbox", user);
	} else {
		gmtime_r(&now, &tm);
		strftime(dbuf, sizeof dbuf, "%Y-%m-%dT%H:%M:%SZ", &tm);
		id = xprintf("%s/statuses/%s-%d", actor, tag, i);
		body = xprintf("{\"@context\":\"%s\",\"id\":\"%s/activity\","
		    "\"type\":\"Create\",\"actor\":\"%s\",\"published\":\"%s\","
		    "\"to\":[\"%s\"],\"cc\":[\"%s/followers\"],\"object\":{"
		    "\"id\":\"%s\",\"type\":\"Note\",\"attributedTo\":\"%s\","
		    "\"published\":\"%s\",\"to\":[\"%s\"],%s%s%s\"content\":"
		    "\"<p>Hello from the outside, number %d, with a <a href=\\\""
		    "https://example.com/\\\">link</a> and #bench.</p>\"}}",
		    AS_CONTEXT, id, actor, dbuf, AS_PUBLIC, actor, id, actor,
		    dbuf, AS_PUBLIC, reply_to ? "\"inReplyTo\":\"" : "",
		    reply_to ? reply_to : "", reply_to ? "\"," : "", i);
		path = strdup("/inbox");
	}
	gmtime_r(&now, &tm);
	strftime(dbuf, sizeof dbuf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	date = dbuf;
	dig = digest_of(body, strlen(body));
	text = xprintf("(request-target): post %s\nhost: %s\ndate: %s\n"
	    "digest: %s", path, host, date, dig);
	sig = sign_b64(pkey, text);
	outs[j].req = xprintf("POST %s HTTP/1.1\r\nHost: %s\r\nDate: %s\r\n"
	    "Digest: %s\r\nContent-Type: application/activity+json\r\n"
	    "Signature: keyId=\"%s#main-key\",algorithm=\"rsa-sha256\","
	    "headers=\"(request-target) host date digest\",signature=\"%s\""
	    "\r\nContent-Length: %zu\r\nUser-Agent: bridge-sink\r\n\r\n%s",
	    path, host, date, dig, actor, sig, strlen(body), body);
	outs[j].len = strlen(outs[j].req);
	free(actor);
	free(id);
	free(body);
	free(path);
	free(dig);
	free(text);
	free(sig);
}

static int	build_next;
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
build_main(void *unused)
{
	int	j;

	(void)unused;
	for (;;) {
		pthread_mutex_lock(&build_lock);
		j = build_next++;
		pthread_mutex_unlock(&build_lock);
		if (j >= nouts)
			return NULL;
		build(j);
	}
}

struct conn {
	int	 fd;
	int	 cur;		/* outs index, -1 idle */
	size_t	 sent;
	char	 buf[8192];
	size_t	 len;
};

static int
conn_open(const struct sockaddr_in *sa)
{
	int	fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd == -1 || connect(fd, (const struct sockaddr *)sa,
	    sizeof *sa) != 0)
		fatal("cannot connect to %s: %s", origin, strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* Whether buf holds a whole answer; its status and length if so. */
static int
answer_done(struct conn *c, int *status, size_t *total, int *close_it)
{
	char		*end, *p;
	size_t		 head, clen = 0;
	int		 chunked = 0;

	c->buf[c->len] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		return 0;
	head = (size_t)(end - c->buf) + 4;
	if (sscanf(c->buf, "HTTP/1.%*d %d", status) != 1)
		fatal("bad answer: %.80s", c->buf);
	*close_it = 0;
	for (p = strstr(c->buf, "\r\n"); p != NULL && p < end;
	    p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, "Content-Length:", 15) == 0)
			clen = strtoul(p + 17, NULL, 10);
		else if (strncasecmp(p + 2, "Transfer-Encoding:", 18) == 0)
			chunked = 1;
		else if (strncasecmp(p + 2, "Connection: close", 17) == 0)
			*close_it = 1;
	}
	if (chunked) {
		if ((p = strstr(end + 4, "0\r\n\r\n")) == NULL)
			return 0;
		*total = (size_t)(p + 5 - c->buf);
		return 1;
	}
	if (c->len < head + clen)
		return 0;
	*total = head + clen;
	return 1;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmd_send(int argc, char **argv)
{
	struct sockaddr_in	 sa;
	struct conn		*cs;
	struct pollfd		*pf;
	pthread_t		 th[16];
	uint64_t		 t0, t1, *lat;
	char			 host[256], *list, *u;
	int			 c, i, nconns = 50, next = 0, done = 0, ok = 0;
	int			 nth, p = 80, bad_shown = 0;
	long			 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	tag = "t";
	while ((c = getopt(argc, argv, "k:p:n:H:a:t:u:K:N:o:c:T:r:")) != -1) {
		switch (c) {
		case 'k': load_key(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'n': net = optarg; break;
		case 'H': nhosts = atoi(optarg); break;
		case 'a': nactors = atoi(optarg); break;
		case 't': origin = optarg; break;
		case 'u':
			list = strdup(optarg);
			for (u = strtok(list, ","); u != NULL;
			    u = strtok(NULL, ",")) {
				users = realloc(users, (size_t)(nusers + 1) *
				    sizeof *users);
				users[nusers++] = u;
			}
			break;
		case 'K': kind = optarg; break;
		case 'N': nouts = atoi(optarg); break;
		case 'o': first = atoi(optarg); break;
		case 'c': nconns = atoi(optarg); break;
		case 'T': tag = optarg; break;
		case 'r': reply_to = optarg; break;
		default: fatal("usage: see bridge-sink.c");
		}
	}
	if (pkey == NULL || port <= 0 || origin == NULL || nusers == 0 ||
	    kind == NULL || nouts <= 0 || (strcmp(kind, "follow") != 0 &&
	    strcmp(kind, "create") != 0))
		fatal("send: -k KEY -p PORT -t ORIGIN -u USERS -K follow|create "
		    "-N COUNT are needed");
	if (sscanf(origin, "http://%255[^:/]:%d", host, &p) < 1)
		fatal("%s: not http://ADDR:PORT", origin);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		fatal("%s: the host must be an IPv4 address", origin);
	signal(SIGPIPE, SIG_IGN);

	/* Sign everything first, on every core. */
	outs = calloc((size_t)nouts, sizeof *outs);
	nth = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu;
	for (i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, build_main, NULL);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);

	if (nconns > nouts)
		nconns = nouts;
	cs = calloc((size_t)nconns, sizeof *cs);
	pf = calloc((size_t)nconns, sizeof *pf);
	for (i = 0; i < nconns; i++) {
		cs[i].fd = conn_open(&sa);
		cs[i].cur = -1;
	}
	t0 = mono_us();
	while (done < nouts) {
		for (i = 0; i < nconns; i++) {
			if (cs[i].cur == -1 && next < nouts) {
				cs[i].cur = next++;
				cs[i].sent = 0;
				cs[i].len = 0;
				outs[cs[i].cur].start = mono_us();
			}
			pf[i].fd = cs[i].fd;
			pf[i].events = cs[i].cur == -1 ? 0 :
			    cs[i].sent < outs[cs[i].cur].len ? POLLOUT : POLLIN;
		}
		if (poll(pf, (nfds_t)nconns, 60000) <= 0)
			fatal("no answer for 60 s (%d of %d done)", done, nouts);
		for (i = 0; i < nconns; i++) {
			struct conn	*k = &cs[i];
			struct out	*o;
			ssize_t		 r;
			size_t		 total;
			int		 st, cl;

			if (k->cur == -1 || pf[i].revents == 0)
				continue;
			o = &outs[k->cur];
			if (k->sent < o->len) {
				r = write(k->fd, o->req + k->sent,
				    o->len - k->sent);
				if (r < 0 && errno != EAGAIN)
					fatal("write: %s", strerror(errno));
				if (r > 0)
					k->sent += (size_t)r;
				continue;
			}
			r = read(k->fd, k->buf + k->len,
			    sizeof k->buf - 1 - k->len);
			if (r == 0 || (r < 0 && errno != EAGAIN))
				fatal("connection lost with request %d "
				    "pending", k->cur);
			if (r < 0)
				continue;
			k->len += (size_t)r;
			if (!answer_done(k, &st, &total, &cl)) {
				if (k->len >= sizeof k->buf - 1)
					fatal("answer too long");
				continue;
			}
			o->us = mono_us() - o->start;
			o->status = st;
			if (st == 202)
				ok++;
			else if (bad_shown++ < 5)
				fprintf(stderr, "bridge-sink: request %d: %.300s"
				    "\n", first + k->cur, k->buf);
			done++;
			k->cur = -1;
			if (cl || total != k->len) {
				close(k->fd);
				k->fd = conn_open(&sa);
			}
		}
	}
	t1 = mono_us();
	lat = calloc((size_t)(unsigned)nouts, sizeof *lat);
	for (i = 0; i < nouts; i++)
		lat[i] = outs[i].us;
	qsort(lat, (size_t)nouts, sizeof *lat, cmp_u64);
	printf("SEND %d %d %.3f %.1f %.3f %.3f %.3f\n", nouts, ok,
	    (t1 - t0) / 1e6, nouts / ((t1 - t0) / 1e6),
	    lat[nouts / 2] / 1e3, lat[(size_t)(nouts * 0.99)] / 1e3,
	    lat[nouts - 1] / 1e3);
	return ok == nouts ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		fatal("usage: bridge-sink keygen|serve|send ...");
	if (strcmp(argv[1], "keygen") == 0)
		return cmd_keygen(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "send") == 0)
		return cmd_send(argc - 1, argv + 1);
	fatal("unknown command %s", argv[1]);
}
