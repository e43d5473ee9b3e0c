/*
 * fetch.c: the bridge's outbound HTTP client: one thread running libcurl's
 * multi interface, fed through a locked queue and woken with
 * curl_multi_wakeup.
 *
 * Every URL here comes from outside (an actor document, an inbox, a
 * Location header), so the client is built to be pointed anywhere safely:
 * - the address check is in CURLOPT_OPENSOCKETFUNCTION, which sees each
 *   resolved address just before it is connected to, so neither a name
 *   resolving (or rebinding) to an inside address nor a literal in any
 *   notation gets past it; proxies are off, so the environment cannot put
 *   another hop in front of it;
 * - redirects are not libcurl's: each hop is a new request through the same
 *   checks, with its scheme checked and its headers (a signature covering
 *   host and path) made again; a POST never follows one;
 * - bodies are capped, not decompressed, and every request has a connect
 *   and a total timeout;
 * - requests wait in one queue and start when both their host (name and
 *   port) and the whole fetcher are below their limits; a waiting request
 *   does not block the ones behind it, so a slow host delays only itself.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/queue.h>

#include <ctype.h>
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

#include <curl/curl.h>

#include "fetch.h"
#include "netguard.h"

/* One host:port and its requests in flight. */
struct fetch_host {
	char			*key;
	int			 active;
	LIST_ENTRY(fetch_host)	 entry;
};

/* One request, from submission to done; one hop at a time. */
struct fetch_job {
	struct fetcher		*f;
	TAILQ_ENTRY(fetch_job)	 entry;		/* incoming, waiting, active */

	int			 post;
	char			*method;
	char			*url;		/* this hop's */
	char			*body;
	size_t			 body_len;
	char			*content_type;
	char			*accept;
	int			 max_redirects;
	fetch_headers_fn	 headers;
	void			*headers_arg;
	fetch_done_fn		 done;
	void			*arg;

	char			*key;		/* its host:port, once parsed */
	int			 hops;		/* redirects followed */
	uint64_t		 deadline;	/* ms; 0 until first started */

	/* This hop. */
	CURL			*easy;
	struct curl_slist	*slist;
	char			*buf;
	size_t			 len, cap;
	int			 too_large;
	char			 refused[256];	/* the last address refused */
	char			 errbuf[CURL_ERROR_SIZE];
};

TAILQ_HEAD(fetch_jobs, fetch_job);

struct fetcher {
	struct fetch_config	 cfg;
	char			*user_agent;
	CURLM			*multi;
	pthread_t		 thread;

	pthread_mutex_t		 lock;		/* guards the next three */
	struct fetch_jobs	 incoming;
	int			 pending;	/* submitted, not yet done */
	int			 stopping;

	/* The fetch thread's alone. */
	struct fetch_jobs	 waiting;
	struct fetch_jobs	 active;
	int			 nactive;
	LIST_HEAD(, fetch_host)	 hosts;
};

static const char *fetch_error_names[] = {
	[FETCH_OK] = "ok",
	[FETCH_E_NETWORK] = "network error",
	[FETCH_E_TIMEOUT] = "timeout",
	[FETCH_E_REFUSED_ADDRESS] = "refused address",
	[FETCH_E_TOO_LARGE] = "too large",
	[FETCH_E_BAD_URL] = "bad URL",
	[FETCH_E_TOO_MANY_REDIRECTS] = "too many redirects",
	[FETCH_E_SHUTDOWN] = "shutdown",
};

/* libcurl's failures that mean something to the caller; the rest: network. */
static const struct {
	CURLcode		 code;
	enum fetch_error	 error;
} fetch_codes[] = {
	{ CURLE_OPERATION_TIMEDOUT, FETCH_E_TIMEOUT },
	{ CURLE_FILESIZE_EXCEEDED, FETCH_E_TOO_LARGE },
	{ CURLE_UNSUPPORTED_PROTOCOL, FETCH_E_BAD_URL },
	{ CURLE_URL_MALFORMAT, FETCH_E_BAD_URL },
};

static pthread_once_t	 fetch_once = PTHREAD_ONCE_INIT;
static CURLcode		 fetch_global_rc;

/* Allocate or abort: a module has no fatalx, and no way on without memory. */
static void *
fetch_alloc(size_t size)
{
	void	*p;

	if ((p = calloc(1, size == 0 ? 1 : size)) == NULL)
		abort();
	return p;
}

/* Copy a string (NULL stays NULL) or abort. */
static char *
fetch_strdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

/* Format into a new string or abort. */
static char * __attribute__((format(printf, 1, 2)))
fetch_printf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	return s;
}

/* Milliseconds on the monotonic clock. */
static uint64_t
fetch_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Name an error for logs. */
const char *
fetch_error_name(enum fetch_error e)
{
	if ((size_t)e >= sizeof fetch_error_names / sizeof fetch_error_names[0])
		return "unknown error";
	return fetch_error_names[e];
}

/* Once per process: libcurl's global state. */
static void
fetch_global_init(void)
{
	fetch_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * Parse url, relative to base if base is not NULL: 0 with the absolute URL
 * and its host:port key, or -1 with why. Only http and https pass.
 */
static int
fetch_target(const char *base, const char *url, char **abs, char **key,
    char **why)
{
	CURLU		*u;
	CURLUcode	 rc;
	char		*scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
	char		*p;
	int		 ret = -1;

	*abs = *key = *why = NULL;
	if ((u = curl_url()) == NULL)
		abort();
	if (base != NULL &&
	    curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK) {
		*why = fetch_printf("%s: not a URL", base);
		goto out;
	}
	/* Any scheme parses, so a refused one is named as such. */
	rc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (rc != CURLUE_OK) {
		*why = fetch_printf("%s: %s", url, curl_url_strerror(rc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0)) {
		*why = fetch_printf("%s: only http and https URLs are fetched",
		    url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    *host == '\0' ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
		*why = fetch_printf("%s: no host", url);
		goto out;
	}
	*abs = fetch_strdup(out);
	*key = fetch_printf("%s:%s", host, port);
	for (p = *key; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	ret = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(out);
	curl_url_cleanup(u);
	return ret;
}

/* The entry for a host:port; created (with nothing active) if asked. */
static struct fetch_host *
fetch_host_get(struct fetcher *f, const char *key, int create)
{
	struct fetch_host	*h;

	LIST_FOREACH(h, &f->hosts, entry) {
		if (strcmp(h->key, key) == 0)
			return h;
	}
	if (!create)
		return NULL;
	h = fetch_alloc(sizeof *h);
	h->key = fetch_strdup(key);
	LIST_INSERT_HEAD(&f->hosts, h, entry);
	return h;
}

/* A hop ended: its host and the fetcher each have one more free slot. */
static void
fetch_host_release(struct fetcher *f, const char *key)
{
	struct fetch_host	*h = fetch_host_get(f, key, 0);

	f->nactive--;
	if (h != NULL && --h->active == 0) {
		LIST_REMOVE(h, entry);
		free(h->key);
		free(h);
	}
}

/* Forget this hop's handle, headers and body. */
static void
fetch_hop_clear(struct fetch_job *j)
{
	if (j->easy != NULL) {
		curl_multi_remove_handle(j->f->multi, j->easy);
		curl_easy_cleanup(j->easy);
	}
	j->easy = NULL;
	curl_slist_free_all(j->slist);
	j->slist = NULL;
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
	j->too_large = 0;
	j->refused[0] = '\0';
	j->errbuf[0] = '\0';
}

/* Free a job. */
static void
fetch_job_free(struct fetch_job *j)
{
	fetch_hop_clear(j);
	free(j->method);
	free(j->url);
	free(j->body);
	free(j->content_type);
	free(j->accept);
	free(j->key);
	free(j);
}

/*
 * Give the outcome to done, then free it (but a body done took) and the
 * job. res->error and res->why are set; the rest comes from the last hop.
 */
static void
fetch_finish(struct fetcher *f, struct fetch_job *j, struct fetch_result *res)
{
	/* Room for another before done runs, so done may submit it. */
	pthread_mutex_lock(&f->lock);
	f->pending--;
	pthread_mutex_unlock(&f->lock);

	res->final_url = j->url;
	j->url = NULL;
	j->done(j->arg, res);

	free(res->why);
	free(res->content_type);
	free(res->body);
	free(res->final_url);
	free(res->location);
	fetch_job_free(j);
}

/* Finish with an error and no answer. */
static void
fetch_fail(struct fetcher *f, struct fetch_job *j, enum fetch_error error,
    char *why)
{
	struct fetch_result	res;

	memset(&res, 0, sizeof res);
	res.error = error;
	res.why = why;
	fetch_finish(f, j, &res);
}

/* libcurl: keep body bytes up to the cap; past it, stop the transfer. */
static size_t
fetch_write(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_job	*j = arg;
	size_t			 len = size * n, max = j->f->cfg.max_response;

	if (len > max - j->len) {
		j->too_large = 1;
		return 0;
	}
	if (j->len + len + 1 > j->cap) {
		j->cap = j->cap == 0 ? 4096 : j->cap;
		while (j->cap < j->len + len + 1)
			j->cap *= 2;
		if ((j->buf = realloc(j->buf, j->cap)) == NULL)
			abort();
	}
	memcpy(j->buf + j->len, data, len);
	j->len += len;
	j->buf[j->len] = '\0';
	return len;
}

/*
 * libcurl: open a socket for a resolved address, if it may be connected to.
 * This is the check that counts: it sees the address itself, whatever name,
 * notation or DNS answer led to it. A refused address makes libcurl try the
 * host's next one; the reason is kept for when none is left. A connection
 * libcurl reuses for a later request to the same host:port was checked when
 * it was opened, so reuse needs no second look.
 */
static curl_socket_t
fetch_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch_job	*j = arg;
	char			 why[sizeof j->refused];

	if (purpose != CURLSOCKTYPE_IPCXN) {
		snprintf(j->refused, sizeof j->refused, "not an outgoing "
		    "connection");
		return CURL_SOCKET_BAD;
	}
	if (netguard_check(&a->addr, a->addrlen, j->f->cfg.allow_loopback, why,
	    sizeof why) != 0) {
		memcpy(j->refused, why, sizeof j->refused);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Add "name: value" to this hop's headers. */
static void
fetch_header(struct fetch_job *j, const char *line)
{
	struct curl_slist	*s;

	if ((s = curl_slist_append(j->slist, line)) == NULL)
		abort();
	j->slist = s;
}

/* Set one option or give up on the hop: a missing one is a missing guard. */
#define FETCH_SET(e, opt, val) do {					\
	if (curl_easy_setopt((e), (opt), (val)) != CURLE_OK) {		\
		failed = #opt;						\
		goto bad;						\
	}								\
} while (0)

/*
 * Start j's next hop; it has been admitted, so it counts against its host
 * and the total. If it cannot start, it is finished here.
 */
static void
fetch_hop_start(struct fetcher *f, struct fetch_job *j)
{
	const struct fetch_config	*cfg = &f->cfg;
	CURL				*e;
	char				**extra, *line;
	const char			*failed = NULL;
	uint64_t			 now = fetch_now();
	long				 left;
	size_t				 i;

	/* The total timeout covers every hop, from when the first started. */
	if (j->deadline == 0)
		j->deadline = now + (uint64_t)cfg->total_timeout_ms;
	if (now >= j->deadline) {
		fetch_fail(f, j, FETCH_E_TIMEOUT, fetch_printf("%s %s: timed "
		    "out after %ld ms", j->method, j->url,
		    cfg->total_timeout_ms));
		return;
	}
	left = (long)(j->deadline - now);

	if ((e = j->easy = curl_easy_init()) == NULL)
		abort();
	FETCH_SET(e, CURLOPT_PRIVATE, j);
	FETCH_SET(e, CURLOPT_URL, j->url);
	FETCH_SET(e, CURLOPT_PROTOCOLS_STR, "http,https");
	FETCH_SET(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	FETCH_SET(e, CURLOPT_FOLLOWLOCATION, 0L);
	FETCH_SET(e, CURLOPT_OPENSOCKETFUNCTION, fetch_opensocket);
	FETCH_SET(e, CURLOPT_OPENSOCKETDATA, j);
	/*
	 * A proxy (http_proxy in the environment) would be the address
	 * connected to, and the target would go unchecked.
	 */
	FETCH_SET(e, CURLOPT_PROXY, "");
	FETCH_SET(e, CURLOPT_NOPROXY, "*");
	FETCH_SET(e, CURLOPT_SSL_VERIFYPEER, 1L);	/* never off */
	FETCH_SET(e, CURLOPT_SSL_VERIFYHOST, 2L);
	FETCH_SET(e, CURLOPT_NOSIGNAL, 1L);
	FETCH_SET(e, CURLOPT_CONNECTTIMEOUT_MS,
	    cfg->connect_timeout_ms < left ? cfg->connect_timeout_ms : left);
	FETCH_SET(e, CURLOPT_TIMEOUT_MS, left);
	FETCH_SET(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_response);
	FETCH_SET(e, CURLOPT_WRITEFUNCTION, fetch_write);
	FETCH_SET(e, CURLOPT_WRITEDATA, j);
	FETCH_SET(e, CURLOPT_ERRORBUFFER, j->errbuf);
	FETCH_SET(e, CURLOPT_USERAGENT, f->user_agent);
	/*
	 * What was sent is what is kept: a small gzip body must not become a
	 * large one after the size check.
	 */
	FETCH_SET(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	fetch_header(j, "Accept-Encoding: identity");
	if (j->accept != NULL) {
		line = fetch_printf("Accept: %s", j->accept);
		fetch_header(j, line);
		free(line);
	}
	if (j->post) {
		FETCH_SET(e, CURLOPT_POST, 1L);
		FETCH_SET(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)j->body_len);
		FETCH_SET(e, CURLOPT_POSTFIELDS,
		    j->body != NULL ? j->body : "");
		line = fetch_printf("Content-Type:%s%s",
		    j->content_type != NULL ? " " : "",
		    j->content_type != NULL ? j->content_type : "");
		fetch_header(j, line);
		free(line);
		/* No 100-continue round trip (and its one-second wait). */
		fetch_header(j, "Expect:");
	} else
		FETCH_SET(e, CURLOPT_HTTPGET, 1L);
	if (j->headers != NULL &&
	    (extra = j->headers(j->headers_arg, j->method, j->url)) != NULL) {
		for (i = 0; extra[i] != NULL; i++) {
			fetch_header(j, extra[i]);
			free(extra[i]);
		}
		free(extra);
	}
	FETCH_SET(e, CURLOPT_HTTPHEADER, j->slist);
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
		failed = "curl_multi_add_handle";
		goto bad;
	}

	fetch_host_get(f, j->key, 1)->active++;
	f->nactive++;
	TAILQ_INSERT_TAIL(&f->active, j, entry);
	return;

bad:
	fetch_fail(f, j, FETCH_E_NETWORK, fetch_printf("%s %s: libcurl "
	    "refused %s", j->method, j->url, failed));
}

#undef FETCH_SET

/*
 * Start what may start: the longest-waiting requests first, skipping (not
 * stopping at) those whose host is at its limit.
 */
static void
fetch_admit(struct fetcher *f)
{
	struct fetch_job	*j, *next;
	struct fetch_host	*h;
	char			*abs, *why;

	for (j = TAILQ_FIRST(&f->waiting); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (f->nactive >= f->cfg.max_total)
			break;
		if (j->key == NULL) {
			/* First sight of it: only now, on this thread. */
			if (strcmp(j->method, "GET") != 0 && !j->post) {
				TAILQ_REMOVE(&f->waiting, j, entry);
				fetch_fail(f, j, FETCH_E_BAD_URL, fetch_printf(
				    "%s %s: only GET and POST", j->method,
				    j->url));
				continue;
			}
			if (fetch_target(NULL, j->url, &abs, &j->key,
			    &why) != 0) {
				TAILQ_REMOVE(&f->waiting, j, entry);
				fetch_fail(f, j, FETCH_E_BAD_URL, why);
				continue;
			}
			free(j->url);
			j->url = abs;
		}
		h = fetch_host_get(f, j->key, 0);
		if (h != NULL && h->active >= f->cfg.max_per_host)
			continue;
		TAILQ_REMOVE(&f->waiting, j, entry);
		fetch_hop_start(f, j);
	}
}

/* The error for a hop libcurl ended with rc. */
static enum fetch_error
fetch_error_of(struct fetch_job *j, CURLcode rc)
{
	size_t	i;

	if (rc == CURLE_OK)
		return FETCH_OK;
	if (j->too_large)
		return FETCH_E_TOO_LARGE;
	if (j->refused[0] != '\0' && rc == CURLE_COULDNT_CONNECT)
		return FETCH_E_REFUSED_ADDRESS;
	for (i = 0; i < sizeof fetch_codes / sizeof fetch_codes[0]; i++) {
		if (fetch_codes[i].code == rc)
			return fetch_codes[i].error;
	}
	return FETCH_E_NETWORK;
}

/* Whether a status is a redirect a GET follows. */
static int
fetch_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}

/*
 * A hop ended: follow a GET's redirect as a new hop (back to the head of
 * the queue, through every check again), or finish.
 */
static void
fetch_hop_done(struct fetcher *f, CURL *e, CURLcode rc)
{
	struct fetch_job	*j;
	struct fetch_result	 res;
	struct curl_header	*loc;
	char			*p, *abs = NULL, *key = NULL, *why = NULL;
	long			 status = 0;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, &p);
	j = (struct fetch_job *)p;
	TAILQ_REMOVE(&f->active, j, entry);
	fetch_host_release(f, j->key);

	memset(&res, 0, sizeof res);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	res.status = (int)status;
	res.error = fetch_error_of(j, rc);

	if (res.error == FETCH_OK && fetch_redirect(status) &&
	    curl_easy_header(e, "Location", 0, CURLH_HEADER, -1, &loc) ==
	    CURLHE_OK) {
		if (fetch_target(j->url, loc->value, &abs, &key, &why) != 0)
			res.location = fetch_strdup(loc->value);
		else
			res.location = abs;
		if (j->post || j->max_redirects == 0)
			;	/* the redirect is the answer */
		else if (j->hops >= j->max_redirects) {
			res.error = FETCH_E_TOO_MANY_REDIRECTS;
			res.why = fetch_printf("%s %s: more than %d redirects",
			    j->method, j->url, j->max_redirects);
		} else if (why != NULL) {
			res.error = FETCH_E_BAD_URL;
			res.why = fetch_printf("%s %s: redirected to %s",
			    j->method, j->url, why);
		} else {
			fetch_hop_clear(j);
			free(j->url);
			free(j->key);
			j->url = abs;
			j->key = key;
			j->hops++;
			TAILQ_INSERT_HEAD(&f->waiting, j, entry);
			return;
		}
		free(key);
		free(why);
	}

	if (res.error == FETCH_OK) {
		if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &p) ==
		    CURLE_OK && p != NULL)
			res.content_type = fetch_strdup(p);
		res.body = j->buf != NULL ? j->buf : fetch_strdup("");
		res.body_len = j->len;
		j->buf = NULL;
	} else if (res.why != NULL)
		;
	else if (res.error == FETCH_E_REFUSED_ADDRESS)
		res.why = fetch_printf("%s %s: %s", j->method, j->url,
		    j->refused);
	else if (res.error == FETCH_E_TOO_LARGE)
		res.why = fetch_printf("%s %s: response over %zu bytes",
		    j->method, j->url, f->cfg.max_response);
	else
		res.why = fetch_printf("%s %s: %s", j->method, j->url,
		    j->errbuf[0] != '\0' ? j->errbuf : curl_easy_strerror(rc));
	fetch_finish(f, j, &res);
}

/* Hand every hop libcurl has finished to fetch_hop_done; how many. */
static int
fetch_reap(struct fetcher *f)
{
	CURLMsg	*msg;
	int	 left, n = 0;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		fetch_hop_done(f, msg->easy_handle, msg->data.result);
		n++;
	}
	return n;
}

/* Tell every request not yet done that the fetcher is stopping. */
static void
fetch_cancel(struct fetcher *f, struct fetch_jobs *jobs, int active)
{
	struct fetch_job	*j;

	while ((j = TAILQ_FIRST(jobs)) != NULL) {
		TAILQ_REMOVE(jobs, j, entry);
		if (active)
			fetch_host_release(f, j->key);
		fetch_fail(f, j, FETCH_E_SHUTDOWN, fetch_printf("%s %s: "
		    "shutting down", j->method, j->url));
	}
}

/* The fetch thread: take submissions, start, run and finish hops. */
static void *
fetch_main(void *arg)
{
	struct fetcher	*f = arg;
	int		 stopping, running;

	/*
	 * Below the loops, as the core's workers are: a fan-out signs a
	 * request per inbox (RSA, ~0.5 ms of CPU each) and must not take
	 * the CPU from pages people are waiting for. Nice 10, not 19: the
	 * queue still drains when pages keep every core busy. (On Linux,
	 * nice is per thread; where it cannot be lowered, it stays.)
	 */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	for (;;) {
		pthread_mutex_lock(&f->lock);
		TAILQ_CONCAT(&f->waiting, &f->incoming, entry);
		stopping = f->stopping;
		pthread_mutex_unlock(&f->lock);
		if (stopping)
			break;

		fetch_admit(f);
		curl_multi_perform(f->multi, &running);
		/* A finished hop frees a slot or brings a redirect back to
		 * the queue: look again before sleeping. */
		if (fetch_reap(f) > 0)
			continue;
		/* Woken by libcurl's timers, its sockets or a submission. */
		curl_multi_poll(f->multi, NULL, 0, 1000, NULL);
	}
	fetch_cancel(f, &f->active, 1);
	fetch_cancel(f, &f->waiting, 0);
	return NULL;
}

/* Start a fetcher; see fetch.h. */
struct fetcher *
fetcher_start(const struct fetch_config *cfg, char **cause)
{
	struct fetcher	*f;
	sigset_t	 all, old;
	int		 error;

	*cause = NULL;
	pthread_once(&fetch_once, fetch_global_init);
	if (fetch_global_rc != CURLE_OK) {
		*cause = fetch_printf("curl_global_init: %s",
		    curl_easy_strerror(fetch_global_rc));
		return NULL;
	}

	f = fetch_alloc(sizeof *f);
	f->cfg = *cfg;
	if (f->cfg.max_total <= 0)
		f->cfg.max_total = 32;
	if (f->cfg.max_per_host <= 0)
		f->cfg.max_per_host = 4;
	if (f->cfg.max_pending <= 0)
		f->cfg.max_pending = 4096;
	if (f->cfg.connect_timeout_ms <= 0)
		f->cfg.connect_timeout_ms = 5000;
	if (f->cfg.total_timeout_ms <= 0)
		f->cfg.total_timeout_ms = 30000;
	if (f->cfg.max_response == 0)
		f->cfg.max_response = 1024 * 1024;
	f->user_agent = fetch_strdup(cfg->user_agent != NULL ?
	    cfg->user_agent : "hearth");
	f->cfg.user_agent = f->user_agent;
	TAILQ_INIT(&f->incoming);
	TAILQ_INIT(&f->waiting);
	TAILQ_INIT(&f->active);
	LIST_INIT(&f->hosts);
	if ((f->multi = curl_multi_init()) == NULL) {
		*cause = fetch_strdup("curl_multi_init failed");
		goto bad;
	}
	pthread_mutex_init(&f->lock, NULL);

	/*
	 * Signals are for the daemon's main thread, not this one; blocked
	 * here, a SIGPIPE from writing to a peer that left (OpenSSL writes
	 * with write(2), not send's MSG_NOSIGNAL) cannot kill the process.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&f->thread, NULL, fetch_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		*cause = fetch_printf("pthread_create: %s", strerror(error));
		pthread_mutex_destroy(&f->lock);
		goto bad;
	}
	return f;

bad:
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	free(f->user_agent);
	free(f);
	return NULL;
}

/* Queue a request; see fetch.h. */
int
fetcher_submit(struct fetcher *f, const struct fetch_request *req)
{
	struct fetch_job	*j;
	int			 refused;

	if (req->done == NULL)
		return -1;
	j = fetch_alloc(sizeof *j);
	j->f = f;
	j->method = fetch_strdup(req->method != NULL ? req->method : "");
	j->post = strcmp(j->method, "POST") == 0;
	j->url = fetch_strdup(req->url != NULL ? req->url : "");
	if (req->body != NULL) {
		j->body = fetch_alloc(req->body_len + 1);
		memcpy(j->body, req->body, req->body_len);
		j->body_len = req->body_len;
	}
	j->content_type = fetch_strdup(req->content_type);
	j->accept = fetch_strdup(req->accept);
	j->max_redirects = req->max_redirects < 0 ? 0 :
	    req->max_redirects > FETCH_MAX_REDIRECTS ? FETCH_MAX_REDIRECTS :
	    req->max_redirects;
	j->headers = req->headers;
	j->headers_arg = req->headers_arg;
	j->done = req->done;
	j->arg = req->arg;

	pthread_mutex_lock(&f->lock);
	refused = f->stopping || f->pending >= f->cfg.max_pending;
	if (!refused) {
		f->pending++;
		TAILQ_INSERT_TAIL(&f->incoming, j, entry);
		curl_multi_wakeup(f->multi);
	}
	pthread_mutex_unlock(&f->lock);
	if (refused) {
		fetch_job_free(j);
		return -1;
	}
	return 0;
}

/* Stop and free a fetcher; see fetch.h. */
void
fetcher_stop(struct fetcher *f)
{
	struct fetch_host	*h;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->stopping = 1;
	curl_multi_wakeup(f->multi);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);

	curl_multi_cleanup(f->multi);
	while ((h = LIST_FIRST(&f->hosts)) != NULL) {
		LIST_REMOVE(h, entry);
		free(h->key);
		free(h);
	}
	pthread_mutex_destroy(&f->lock);
	free(f->user_agent);
	free(f);
}
