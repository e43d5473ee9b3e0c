/*
 * fetch.h: the bridge's outbound HTTP client. Requests go out from one
 * thread the fetcher owns (libcurl's multi interface), never from an event
 * loop. Only http and https, only to public addresses (netguard.h, checked on
 * the address actually connected to), redirects re-checked hop by hop, bodies
 * capped, concurrency bounded per host and in total, and every request
 * bounded in time, so a URL from the fediverse can neither reach inside the
 * company nor tie the bridge up.
 */
#ifndef FETCH_H
#define FETCH_H

#include <stddef.h>

#define FETCH_MAX_REDIRECTS	3	/* a GET follows at most this many */

/* Zero fields take the defaults in brackets. */
struct fetch_config {
	int		 allow_loopback;	/* tests only: 127/8 and ::1 */
	int		 max_total;		/* in flight, all hosts [32] */
	int		 max_per_host;		/* in flight per host:port
						   [4] */
	int		 max_pending;		/* submitted, not yet done;
						   more are refused [4096] */
	long		 connect_timeout_ms;	/* each connection [5000] */
	long		 total_timeout_ms;	/* each request, all hops
						   [30000] */
	size_t		 max_response;		/* body bytes; more is TOO_LARGE
						   [1 MiB] */
	const char	*user_agent;		/* [hearth] */
};

enum fetch_error {
	FETCH_OK = 0,
	FETCH_E_NETWORK,		/* DNS, connect, TLS, protocol */
	FETCH_E_TIMEOUT,		/* connect or total timeout */
	FETCH_E_REFUSED_ADDRESS,	/* every address was a special one */
	FETCH_E_TOO_LARGE,		/* body over max_response */
	FETCH_E_BAD_URL,		/* not http(s), no host, bad method */
	FETCH_E_TOO_MANY_REDIRECTS,	/* a GET's hops ran out */
	FETCH_E_SHUTDOWN,		/* fetcher_stop came first */
};

/*
 * The outcome, given to done and freed by the fetcher when done returns. An
 * answer with any status (404, 500) is error 0: the status says the rest.
 */
struct fetch_result {
	int		 status;	/* HTTP status; 0 if no answer */
	enum fetch_error error;
	char		*why;		/* one line naming the URL or address;
					   NULL if error is 0 */
	char		*content_type;	/* NULL if none */
	char		*body;		/* NUL-terminated (not counted in
					   body_len); done may take it and
					   set it to NULL */
	size_t		 body_len;
	char		*final_url;	/* of the last hop */
	char		*location;	/* an unfollowed 3xx's Location, made
					   absolute; else NULL */
};

/*
 * Extra headers for one hop: called on the fetch thread before the first
 * request and again before each redirect hop, with that hop's method and
 * URL, since a signature covers the target's host and path. Returns a
 * malloc'ed NULL-terminated array of malloc'ed "Name: value" strings (or
 * NULL for none); the fetcher frees the strings and the array. Must not
 * block.
 */
typedef char	**(*fetch_headers_fn)(void *arg, const char *method,
		      const char *url);

/* Called once per submitted request, on the fetch thread; must not block. */
typedef void	 (*fetch_done_fn)(void *arg, struct fetch_result *);

struct fetch_request {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;
	const char	*body;		/* POST */
	size_t		 body_len;
	const char	*content_type;	/* POST */
	const char	*accept;	/* NULL: no Accept header */
	int		 max_redirects;	/* GET: followed up to min(this, 3);
					   0, and always for POST: a 3xx is the
					   answer, with its location */
	fetch_headers_fn headers;	/* NULL: none */
	void		*headers_arg;
	fetch_done_fn	 done;
	void		*arg;
};

struct fetcher;

/*
 * Start a fetcher and its thread. NULL, with *cause set (free it), if libcurl
 * or the thread cannot start.
 */
struct fetcher	*fetcher_start(const struct fetch_config *, char **cause);

/*
 * Queue a request; what it points to is copied, so it may go at once. Safe
 * from any thread, and from done and headers callbacks. 0 if queued (done
 * will be called exactly once, also when the URL is bad), -1 if the fetcher
 * is stopping or max_pending requests are not yet done (done is not
 * called).
 */
int		 fetcher_submit(struct fetcher *, const struct fetch_request *);

/*
 * Stop: every request in flight or waiting gets done with FETCH_E_SHUTDOWN,
 * the thread is joined and the fetcher freed. Not from a callback, and not
 * while another thread may still submit.
 */
void		 fetcher_stop(struct fetcher *);

/* The name of an error, for logs ("timeout", "refused address", ...). */
const char	*fetch_error_name(enum fetch_error);

#endif
