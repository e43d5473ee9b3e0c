/*
 * tally.c: each loop thread's counts of the requests it answered, for the
 * metrics (metrics.c). A loop counts in tables only it writes (by route
 * pattern, method and status; a latency histogram by route), so the
 * request path takes no lock and shares no cache line with another loop:
 * a count is a relaxed atomic store, a plain store on the machines hearth
 * runs on. A scrape, on whichever loop accepted it, reads every loop's
 * tables with relaxed loads and sums them. Apart from metrics.c so that
 * request.c, which counts, and metrics.c, which answers through it, do
 * not call each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <sqlite3.h>

#include "request.h"

/*
 * Slots per loop. A route answers with a handful of statuses and one or
 * two methods; 300 routes fill the counts a third at most. When a table
 * is full (a module with thousands of routes) requests are still counted
 * in hearth_metrics_dropped_total, never lost silently.
 */
#define COUNT_SLOTS	4096
#define ROUTE_SLOTS	1024
#define PROBE_MAX	64

/* What an unmatched path (404, or a 405 for its methods) is counted as:
 * one label for every path no route takes, so a scanner cannot make
 * the metrics grow without end. */
#define ROUTE_UNMATCHED	"unmatched"

struct mcount {
	const char	*route;		/* published last (release) */
	int		 method;
	int		 status;
	uint64_t	 n;
};

struct mroute {
	const char	*route;		/* published last (release) */
	uint64_t	 b[PROM_SECONDS_N + 1];
	uint64_t	 sum_us;
};

struct tally {
	struct mcount	 counts[COUNT_SLOTS];
	struct mroute	 routes[ROUTE_SLOTS];
	uint64_t	 dropped;
	/* the loop's SQLite connection, taken at each tidy */
	uint64_t	 db_cache_bytes, db_hits, db_misses;
};


/* Count from one thread, read from another: the loop is the only writer. */
#define BUMP(x, by)	__atomic_store_n(&(x), \
			    __atomic_load_n(&(x), __ATOMIC_RELAXED) + (by), \
			    __ATOMIC_RELAXED)
#define READ(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)

/* A loop's tables, empty. */
struct tally *
tally_loop_new(void)
{
	return xcalloc(1, sizeof(struct tally));
}

/* Free a loop's tables. */
void
tally_loop_free(struct tally *m)
{
	free(m);
}

/* Mix a pointer and two small numbers into a slot number. */
static size_t
tally_hash(const void *p, int a, int b)
{
	uint64_t	h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL;

	h ^= ((uint64_t)a << 32 | (uint32_t)b) * 0xc2b2ae3d27d4eb4fULL;
	return (size_t)(h ^ h >> 29);
}

/*
 * The slot of route's count for method and status, claimed if new: its
 * key is written before the route pointer is published, so a reader that
 * sees the pointer sees the key. NULL if the table is full.
 */
static struct mcount *
tally_count_slot(struct tally *m, const char *route, int method,
    int status)
{
	struct mcount	*c;
	const char	*r;
	size_t		 i, h = tally_hash(route, method, status);

	for (i = 0; i < PROBE_MAX; i++) {
		c = &m->counts[(h + i) & (COUNT_SLOTS - 1)];
		r = __atomic_load_n(&c->route, __ATOMIC_RELAXED);
		if (r == route && c->method == method && c->status == status)
			return c;
		if (r == NULL) {
			c->method = method;
			c->status = status;
			__atomic_store_n(&c->route, route, __ATOMIC_RELEASE);
			return c;
		}
	}
	return NULL;
}

/* The slot of route's histogram, claimed if new; NULL if full. */
static struct mroute *
tally_route_slot(struct tally *m, const char *route)
{
	struct mroute	*rt;
	const char	*r;
	size_t		 i, h = tally_hash(route, 0, 0);

	for (i = 0; i < PROBE_MAX; i++) {
		rt = &m->routes[(h + i) & (ROUTE_SLOTS - 1)];
		r = __atomic_load_n(&rt->route, __ATOMIC_RELAXED);
		if (r == route)
			return rt;
		if (r == NULL) {
			__atomic_store_n(&rt->route, route, __ATOMIC_RELEASE);
			return rt;
		}
	}
	return NULL;
}

/*
 * On a loop: a request was answered with status after us microseconds.
 * route is NULL for a path no route takes. The metrics listener's own
 * requests are not counted: they are not the site's traffic.
 */
void
tally_request(struct loop *loop, const struct route *route, int method,
    int status, uint64_t us)
{
	struct tally	*m = loop->tally;
	const char		*name;
	struct mcount		*c;
	struct mroute		*rt;

	if (m == NULL)
		return;
	name = route != NULL ? route->pattern : ROUTE_UNMATCHED;
	c = tally_count_slot(m, name, method, status);
	rt = tally_route_slot(m, name);
	if (c == NULL || rt == NULL) {
		BUMP(m->dropped, 1);
		return;
	}
	BUMP(c->n, 1);
	BUMP(rt->b[prom_seconds_bucket(us)], 1);
	BUMP(rt->sum_us, us);
}

/*
 * On a loop, every few seconds (and before a scrape it serves): its
 * SQLite connection's page cache, taken from the thread that owns the
 * connection. SQLite counts hits in an int, so they are taken and reset
 * each time and summed here.
 */
void
tally_tidy(struct loop *loop)
{
	struct tally	*m = loop->tally;
	sqlite3			*h;
	int			 cur, hi;

	if (m == NULL || loop->db == NULL)
		return;
	h = db_handle(loop->db);
	if (sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_USED, &cur, &hi, 0) ==
	    SQLITE_OK)
		__atomic_store_n(&m->db_cache_bytes, (uint64_t)cur,
		    __ATOMIC_RELAXED);
	if (sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_HIT, &cur, &hi, 1) ==
	    SQLITE_OK)
		BUMP(m->db_hits, (uint64_t)cur);
	if (sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_MISS, &cur, &hi, 1) ==
	    SQLITE_OK)
		BUMP(m->db_misses, (uint64_t)cur);
}

/* A method bit's name, for the label. */
static const char *
tally_method(int m)
{
	switch (m) {
	case M_GET:	return "GET";
	case M_HEAD:	return "HEAD";
	case M_POST:	return "POST";
	case M_PUT:	return "PUT";
	case M_PATCH:	return "PATCH";
	case M_DELETE:	return "DELETE";
	case M_OPTIONS:	return "OPTIONS";
	default:	return "other";
	}
}

/* A count, summed over loops, by route, method and status. */
struct msum {
	const char	*route;
	int		 method;
	int		 status;
	uint64_t	 n;
};

/* A histogram, summed over loops, by route. */
struct mhist {
	const char	*route;
	uint64_t	 b[PROM_SECONDS_N + 1];
	uint64_t	 sum_us;
};

/* Order counts by route (its text: two tables may share a pattern),
 * method and status. */
static int
tally_cmp_count(const void *a, const void *b)
{
	const struct msum	*x = a, *y = b;
	int			 c = strcmp(x->route, y->route);

	if (c != 0)
		return c;
	if (x->method != y->method)
		return x->method < y->method ? -1 : 1;
	return x->status < y->status ? -1 : x->status > y->status;
}

/* Order histograms by route. */
static int
tally_cmp_hist(const void *a, const void *b)
{
	return strcmp(((const struct mhist *)a)->route,
	    ((const struct mhist *)b)->route);
}

/* The requests' families: every loop's tables, summed. */
void
tally_write(const struct server *s, struct evbuffer *b)
{
	struct msum	*sums = NULL;
	struct mhist	*hists = NULL;
	size_t		 ns = 0, nh = 0, i, j, k, out;
	uint64_t	 dropped = 0;
	const char	*r, *labels[7];
	char		 status[16];
	int		 l;

	for (l = 0; l < s->nloops; l++) {
		struct tally *m = s->loops[l].tally;

		if (m == NULL)
			continue;
		dropped += READ(m->dropped);
		sums = xrealloc(sums, (ns + COUNT_SLOTS) * sizeof *sums);
		for (i = 0; i < COUNT_SLOTS; i++) {
			r = __atomic_load_n(&m->counts[i].route,
			    __ATOMIC_ACQUIRE);
			if (r == NULL)
				continue;
			sums[ns].route = r;
			sums[ns].method = m->counts[i].method;
			sums[ns].status = m->counts[i].status;
			sums[ns++].n = READ(m->counts[i].n);
		}
		hists = xrealloc(hists, (nh + ROUTE_SLOTS) * sizeof *hists);
		for (i = 0; i < ROUTE_SLOTS; i++) {
			r = __atomic_load_n(&m->routes[i].route,
			    __ATOMIC_ACQUIRE);
			if (r == NULL)
				continue;
			hists[nh].route = r;
			for (k = 0; k <= PROM_SECONDS_N; k++)
				hists[nh].b[k] = READ(m->routes[i].b[k]);
			hists[nh++].sum_us = READ(m->routes[i].sum_us);
		}
	}
	if (ns > 0)
		qsort(sums, ns, sizeof *sums, tally_cmp_count);
	if (nh > 0)
		qsort(hists, nh, sizeof *hists, tally_cmp_hist);

	prom_family(b, "hearth_http_requests_total", "counter",
	    "Requests answered, by route pattern (\"unmatched\": no route "
	    "takes the path), method and status.");
	for (i = 0; i < ns; i = j) {
		uint64_t n = sums[i].n;

		for (j = i + 1; j < ns && tally_cmp_count(&sums[i],
		    &sums[j]) == 0; j++)
			n += sums[j].n;
		snprintf(status, sizeof status, "%d", sums[i].status);
		labels[0] = "route";
		labels[1] = sums[i].route;
		labels[2] = "method";
		labels[3] = tally_method(sums[i].method);
		labels[4] = "status";
		labels[5] = status;
		labels[6] = NULL;
		prom_u64(b, "hearth_http_requests_total", labels, n);
	}
	prom_family(b, "hearth_http_request_duration_seconds", "histogram",
	    "Time from a request's head to its answer handed to the "
	    "connection (a stream's: to its head), by route pattern.");
	for (i = 0; i < nh; i = j) {
		for (j = i + 1, out = i; j < nh && strcmp(hists[i].route,
		    hists[j].route) == 0; j++) {
			for (k = 0; k <= PROM_SECONDS_N; k++)
				hists[out].b[k] += hists[j].b[k];
			hists[out].sum_us += hists[j].sum_us;
		}
		labels[0] = "route";
		labels[1] = hists[i].route;
		labels[2] = NULL;
		prom_histogram(b, "hearth_http_request_duration_seconds",
		    labels, prom_seconds, PROM_SECONDS_N, hists[i].b,
		    hists[i].sum_us / 1e6);
	}
	prom_family(b, "hearth_metrics_dropped_total", "counter",
	    "Requests not counted by route because a loop's table was "
	    "full.");
	prom_u64(b, "hearth_metrics_dropped_total", NULL, dropped);
	free(sums);
	free(hists);
}

/* A loop's SQLite page cache as its last tidy saw it. */
void
tally_db(const struct loop *loop, uint64_t *bytes, uint64_t *hits,
    uint64_t *misses)
{
	struct tally	*m = loop->tally;

	*bytes = *hits = *misses = 0;
	if (m == NULL)
		return;
	*bytes = READ(m->db_cache_bytes);
	*hits = READ(m->db_hits);
	*misses = READ(m->db_misses);
}
