/*
 * metrics.c: what an operator scrapes. Each loop thread counts its own
 * requests in tables only it writes (by route pattern, method and status;
 * a latency histogram by route), so the request path takes no lock and
 * shares no cache line with another loop: a count is a relaxed atomic
 * store, a plain store on the machines hearth runs on. A scrape, on
 * whichever loop accepted it, reads every loop's tables with relaxed
 * loads and sums them, then asks the writer, the worker pool, the caches
 * and the process for theirs. It is served only on metrics_listen, a
 * listener of its own (loopback by default), never on the site's:
 * Prometheus scrapes without credentials, and the site's people have no
 * business reading its routes' traffic.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

struct metrics_loop {
	struct mcount	 counts[COUNT_SLOTS];
	struct mroute	 routes[ROUTE_SLOTS];
	uint64_t	 dropped;
	/* the loop's SQLite connection, taken at each tidy */
	uint64_t	 db_cache_bytes, db_hits, db_misses;
};

static time_t	metrics_started;	/* wall clock, for the process */

/* Count from one thread, read from another: the loop is the only writer. */
#define BUMP(x, by)	__atomic_store_n(&(x), \
			    __atomic_load_n(&(x), __ATOMIC_RELAXED) + (by), \
			    __ATOMIC_RELAXED)
#define READ(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)

/* Note when hearthd started. */
void
metrics_start(void)
{
	metrics_started = time(NULL);
}

/* A loop's tables, empty. */
struct metrics_loop *
metrics_loop_new(void)
{
	return xcalloc(1, sizeof(struct metrics_loop));
}

/* Free a loop's tables. */
void
metrics_loop_free(struct metrics_loop *m)
{
	free(m);
}

/* Mix a pointer and two small numbers into a slot number. */
static size_t
metrics_hash(const void *p, int a, int b)
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
metrics_count_slot(struct metrics_loop *m, const char *route, int method,
    int status)
{
	struct mcount	*c;
	const char	*r;
	size_t		 i, h = metrics_hash(route, method, status);

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
metrics_route_slot(struct metrics_loop *m, const char *route)
{
	struct mroute	*rt;
	const char	*r;
	size_t		 i, h = metrics_hash(route, 0, 0);

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
metrics_request(struct loop *loop, const struct route *route, int method,
    int status, uint64_t us)
{
	struct metrics_loop	*m = loop->metrics;
	const char		*name;
	struct mcount		*c;
	struct mroute		*rt;

	if (m == NULL)
		return;
	name = route != NULL ? route->pattern : ROUTE_UNMATCHED;
	c = metrics_count_slot(m, name, method, status);
	rt = metrics_route_slot(m, name);
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
metrics_tidy(struct loop *loop)
{
	struct metrics_loop	*m = loop->metrics;
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
metrics_method(int m)
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
metrics_cmp_count(const void *a, const void *b)
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
metrics_cmp_hist(const void *a, const void *b)
{
	return strcmp(((const struct mhist *)a)->route,
	    ((const struct mhist *)b)->route);
}

/* The requests' families: every loop's tables, summed. */
static void
metrics_write_http(const struct server *s, struct evbuffer *b)
{
	struct msum	*sums = NULL;
	struct mhist	*hists = NULL;
	size_t		 ns = 0, nh = 0, i, j, k, out;
	uint64_t	 dropped = 0;
	const char	*r, *labels[7];
	char		 status[16];
	int		 l;

	for (l = 0; l < s->nloops; l++) {
		struct metrics_loop *m = s->loops[l].metrics;

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
		qsort(sums, ns, sizeof *sums, metrics_cmp_count);
	if (nh > 0)
		qsort(hists, nh, sizeof *hists, metrics_cmp_hist);

	prom_family(b, "hearth_http_requests_total", "counter",
	    "Requests answered, by route pattern (\"unmatched\": no route "
	    "takes the path), method and status.");
	for (i = 0; i < ns; i = j) {
		uint64_t n = sums[i].n;

		for (j = i + 1; j < ns && metrics_cmp_count(&sums[i],
		    &sums[j]) == 0; j++)
			n += sums[j].n;
		snprintf(status, sizeof status, "%d", sums[i].status);
		labels[0] = "route";
		labels[1] = sums[i].route;
		labels[2] = "method";
		labels[3] = metrics_method(sums[i].method);
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

/* One cache's samples (cache_stats_each's callback). */
struct cache_rows {
	struct cache_stats	*rows;
	size_t			 n;
};

static void
metrics_cache_row(const struct cache_stats *st, void *arg)
{
	struct cache_rows	*cr = arg;

	cr->rows = xrealloc(cr->rows, (cr->n + 1) * sizeof *cr->rows);
	cr->rows[cr->n] = *st;
	/* the name lives in the cache: copied while its list is locked */
	cr->rows[cr->n++].name = xstrdup(st->name);
}

/* The caches' families: each named cache, the home feeds, the peeks. */
static void
metrics_write_caches(struct evbuffer *b)
{
	static const struct {
		const char	*name, *type, *help;
		size_t		 off;
	} fams[] = {
		{ "hearth_cache_entries", "gauge", "Entries held.",
		    offsetof(struct cache_stats, entries) },
		{ "hearth_cache_capacity_entries", "gauge",
		    "Entries it may hold before the oldest go.",
		    offsetof(struct cache_stats, capacity) },
		{ "hearth_cache_bytes", "gauge",
		    "Memory the entries take.",
		    offsetof(struct cache_stats, bytes) },
		{ "hearth_cache_hits_total", "counter",
		    "Lookups answered from the cache.",
		    offsetof(struct cache_stats, hits) },
		{ "hearth_cache_misses_total", "counter",
		    "Lookups the cache could not answer (absent, stale or "
		    "expired).", offsetof(struct cache_stats, misses) },
		{ "hearth_cache_evictions_total", "counter",
		    "Entries pushed out to make room.",
		    offsetof(struct cache_stats, evictions) },
	};
	struct cache_rows	 cr = { NULL, 0 };
	struct cache_stats	 st;
	const char		*labels[3] = { "cache", NULL, NULL };
	size_t			 i, f;

	cache_stats_each(metrics_cache_row, &cr);
	feed_stats(&st);
	metrics_cache_row(&st, &cr);
	peek_cache_stats(&st);
	metrics_cache_row(&st, &cr);
	for (f = 0; f < nitems(fams); f++) {
		prom_family(b, fams[f].name, fams[f].type, fams[f].help);
		for (i = 0; i < cr.n; i++) {
			labels[1] = cr.rows[i].name;
			prom_u64(b, fams[f].name, labels, *(const uint64_t *)
			    ((const char *)&cr.rows[i] + fams[f].off));
		}
	}
	for (i = 0; i < cr.n; i++)
		free((char *)cr.rows[i].name);
	free(cr.rows);
}

/* The writer's families. */
static void
metrics_write_writer(const struct server *s, struct evbuffer *b)
{
	static const double	 sizes[WRITER_SIZES_N] = { 1, 2, 4, 8, 16, 32,
				     64, 128, 256 };
	struct writer_stats	 w;
	uint64_t		 hits, misses, bytes;
	const char		*labels[3] = { "outcome", NULL, NULL };
	const char		*conn[3] = { "connection", NULL, NULL };
	char			 name[32];
	int			 l;

	writer_stats(&w);
	prom_family(b, "hearth_writer_queue_depth", "gauge",
	    "Writes waiting for the writer thread.");
	prom_u64(b, "hearth_writer_queue_depth", NULL, w.queued);
	prom_family(b, "hearth_writer_queue_capacity", "gauge",
	    "Writes that may wait before new ones are refused (503).");
	prom_u64(b, "hearth_writer_queue_capacity", NULL, w.queue_max);
	prom_family(b, "hearth_writer_writes_total", "counter",
	    "Writes run by the writer: committed, or failed (rolled back "
	    "alone, or with a batch that could not commit).");
	labels[1] = "committed";
	prom_u64(b, "hearth_writer_writes_total", labels, w.writes);
	labels[1] = "failed";
	prom_u64(b, "hearth_writer_writes_total", labels, w.failed);
	prom_family(b, "hearth_writer_refused_total", "counter",
	    "Writes refused because the writer's queue was full.");
	prom_u64(b, "hearth_writer_refused_total", NULL, w.refused);
	prom_family(b, "hearth_writer_batch_size", "histogram",
	    "Writes committed together in one transaction.");
	/* every write ran in exactly one batch: their sizes sum to it */
	prom_histogram(b, "hearth_writer_batch_size", NULL, sizes,
	    WRITER_SIZES_N, w.sizes, (double)(w.writes + w.failed));
	prom_family(b, "hearth_writer_batch_duration_seconds", "histogram",
	    "A batch's transaction, from BEGIN to its commit done.");
	prom_histogram(b, "hearth_writer_batch_duration_seconds", NULL,
	    prom_seconds, PROM_SECONDS_N, w.batch_us, w.batch_us_sum / 1e6);
	prom_family(b, "hearth_writer_commit_duration_seconds", "histogram",
	    "The COMMIT alone: the write-ahead log written and, with "
	    "synchronous=full, synced to the disk.");
	prom_histogram(b, "hearth_writer_commit_duration_seconds", NULL,
	    prom_seconds, PROM_SECONDS_N, w.commit_us, w.commit_us_sum / 1e6);

	prom_family(b, "hearth_sqlite_memory_bytes", "gauge",
	    "Memory SQLite holds (page caches, statements), all "
	    "connections.");
	prom_u64(b, "hearth_sqlite_memory_bytes", NULL,
	    (uint64_t)sqlite3_memory_used());
	prom_family(b, "hearth_sqlite_page_cache_bytes", "gauge",
	    "A connection's page cache (each loop's at its last tidy, every "
	    "5 s).");
	conn[1] = "writer";
	prom_u64(b, "hearth_sqlite_page_cache_bytes", conn,
	    (uint64_t)w.page_cache_bytes);
	for (l = 0; l < s->nloops; l++) {
		if (s->loops[l].metrics == NULL)
			continue;
		snprintf(name, sizeof name, "loop%d", l);
		conn[1] = name;
		bytes = READ(s->loops[l].metrics->db_cache_bytes);
		prom_u64(b, "hearth_sqlite_page_cache_bytes", conn, bytes);
	}
	prom_family(b, "hearth_sqlite_page_cache_hits_total", "counter",
	    "Database pages found in a connection's cache.");
	conn[1] = "writer";
	prom_u64(b, "hearth_sqlite_page_cache_hits_total", conn,
	    w.page_cache_hits);
	for (l = 0; l < s->nloops; l++) {
		if (s->loops[l].metrics == NULL)
			continue;
		snprintf(name, sizeof name, "loop%d", l);
		conn[1] = name;
		hits = READ(s->loops[l].metrics->db_hits);
		prom_u64(b, "hearth_sqlite_page_cache_hits_total", conn, hits);
	}
	prom_family(b, "hearth_sqlite_page_cache_misses_total", "counter",
	    "Database pages a connection had to read (from the OS's page "
	    "cache or the disk).");
	conn[1] = "writer";
	prom_u64(b, "hearth_sqlite_page_cache_misses_total", conn,
	    w.page_cache_misses);
	for (l = 0; l < s->nloops; l++) {
		if (s->loops[l].metrics == NULL)
			continue;
		snprintf(name, sizeof name, "loop%d", l);
		conn[1] = name;
		misses = READ(s->loops[l].metrics->db_misses);
		prom_u64(b, "hearth_sqlite_page_cache_misses_total", conn,
		    misses);
	}
}

/* Open file descriptors: /proc/self/fd's entries, less the one reading. */
static long
metrics_open_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	long		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n - 1;
}

/* Resident and virtual memory in bytes, from /proc/self/statm. */
static int
metrics_memory(uint64_t *rss, uint64_t *vsz)
{
	FILE			*f;
	unsigned long long	 pages, res;
	long			 pagesize = sysconf(_SC_PAGESIZE);
	int			 rc = -1;

	if ((f = fopen("/proc/self/statm", "re")) == NULL)
		return -1;
	if (fscanf(f, "%llu %llu", &pages, &res) == 2) {
		*vsz = pages * (uint64_t)pagesize;
		*rss = res * (uint64_t)pagesize;
		rc = 0;
	}
	fclose(f);
	return rc;
}

/* The process's families, under the names every exporter uses. */
static void
metrics_write_process(const struct server *s, struct evbuffer *b)
{
	struct rusage	 ru;
	struct rlimit	 rl;
	uint64_t	 rss, vsz;
	long		 fds, sse, ws;
	const char	*labels[3] = { "version", PACKAGE_VERSION, NULL };
	const char	*tr[3] = { "transport", NULL, NULL };

	prom_family(b, "hearth_build_info", "gauge",
	    "Always 1; the running hearthd's version in its label.");
	prom_u64(b, "hearth_build_info", labels, 1);
	prom_family(b, "process_start_time_seconds", "gauge",
	    "When hearthd started, in seconds since the Unix epoch.");
	prom_u64(b, "process_start_time_seconds", NULL,
	    (uint64_t)metrics_started);
	prom_family(b, "hearth_uptime_seconds", "gauge",
	    "Seconds since hearthd started.");
	prom_u64(b, "hearth_uptime_seconds", NULL,
	    (uint64_t)(time(NULL) - metrics_started));
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		prom_family(b, "process_cpu_seconds_total", "counter",
		    "CPU time hearthd used, user and system.");
		prom_double(b, "process_cpu_seconds_total", NULL,
		    ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	}
	if (metrics_memory(&rss, &vsz) == 0) {
		prom_family(b, "process_resident_memory_bytes", "gauge",
		    "Resident memory.");
		prom_u64(b, "process_resident_memory_bytes", NULL, rss);
		prom_family(b, "process_virtual_memory_bytes", "gauge",
		    "Virtual memory.");
		prom_u64(b, "process_virtual_memory_bytes", NULL, vsz);
	}
	if ((fds = metrics_open_fds()) >= 0) {
		prom_family(b, "process_open_fds", "gauge",
		    "Open file descriptors (connections, database, files).");
		prom_u64(b, "process_open_fds", NULL, (uint64_t)fds);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		prom_family(b, "process_max_fds", "gauge",
		    "The open files limit.");
		prom_u64(b, "process_max_fds", NULL, (uint64_t)rl.rlim_cur);
	}
	prom_family(b, "hearth_loop_threads", "gauge",
	    "Event loop threads serving requests (threads =).");
	prom_u64(b, "hearth_loop_threads", NULL, (uint64_t)s->nloops);
	prom_family(b, "hearth_http_connections_open", "gauge",
	    "Client connections open, streams included.");
	prom_u64(b, "hearth_http_connections_open", NULL,
	    (uint64_t)conn_open_count());
	prom_family(b, "hearth_http_body_bytes", "gauge",
	    "Request bodies held in memory while they arrive.");
	prom_u64(b, "hearth_http_body_bytes", NULL,
	    (uint64_t)body_reserved());
	stream_counts(&sse, &ws);
	prom_family(b, "hearth_streams_open", "gauge",
	    "Streaming API connections open, by transport.");
	tr[1] = "sse";
	prom_u64(b, "hearth_streams_open", tr, (uint64_t)sse);
	tr[1] = "websocket";
	prom_u64(b, "hearth_streams_open", tr, (uint64_t)ws);
}

/* The worker pool's families. */
static void
metrics_write_workers(struct evbuffer *b)
{
	struct worker_stats	w;

	worker_stats(&w);
	prom_family(b, "hearth_worker_threads", "gauge",
	    "Worker threads (password hashing, images, outbound HTTP).");
	prom_u64(b, "hearth_worker_threads", NULL, (uint64_t)w.threads);
	prom_family(b, "hearth_worker_queue_depth", "gauge",
	    "Jobs waiting for a worker.");
	prom_u64(b, "hearth_worker_queue_depth", NULL, (uint64_t)w.queued);
	prom_family(b, "hearth_worker_queue_capacity", "gauge",
	    "Jobs that may wait before new ones are refused.");
	prom_u64(b, "hearth_worker_queue_capacity", NULL,
	    (uint64_t)w.queue_max);
	prom_family(b, "hearth_worker_heavy_running", "gauge",
	    "Heavy jobs (image decoding) running now.");
	prom_u64(b, "hearth_worker_heavy_running", NULL,
	    (uint64_t)w.heavy_running);
	prom_family(b, "hearth_worker_jobs_total", "counter",
	    "Jobs queued for the workers.");
	prom_u64(b, "hearth_worker_jobs_total", NULL, w.jobs);
	prom_family(b, "hearth_worker_refused_total", "counter",
	    "Jobs refused because the workers' queue was full.");
	prom_u64(b, "hearth_worker_refused_total", NULL, w.refused);
}

/* The database's job queues, read on the scraping loop's connection. */
static void
metrics_write_backlog(struct db *db, struct evbuffer *b)
{
	struct backlog	 q[BACKLOG_MAX];
	const char	*labels[3] = { "queue", NULL, NULL };
	size_t		 i, n;

	if (db == NULL)
		return;
	n = backlog_counts(db, time(NULL), q, BACKLOG_MAX);
	prom_family(b, "hearth_jobs_waiting", "gauge",
	    "Jobs waiting in the database's queues (push deliveries, "
	    "scheduled posts, pictures being processed, polls to close).");
	for (i = 0; i < n; i++) {
		labels[1] = q[i].queue;
		prom_u64(b, "hearth_jobs_waiting", labels,
		    (uint64_t)q[i].waiting);
	}
	prom_family(b, "hearth_jobs_due", "gauge",
	    "Of the waiting jobs, those whose time has come: a number that "
	    "grows means the jobs fall behind.");
	for (i = 0; i < n; i++) {
		labels[1] = q[i].queue;
		prom_u64(b, "hearth_jobs_due", labels, (uint64_t)q[i].due);
	}
}

/* Everything, in the text format; db: the caller's loop's connection
 * (for the database's queues), or NULL. */
void
metrics_write(const struct server *s, struct db *db, struct evbuffer *b)
{
	metrics_write_process(s, b);
	metrics_write_http(s, b);
	metrics_write_caches(b);
	metrics_write_writer(s, b);
	metrics_write_workers(b);
	metrics_write_backlog(db, b);
}

/*
 * A request on the metrics listener: GET (or HEAD) /metrics from an
 * address metrics_allow lists, and nothing else.
 */
void
metrics_serve(struct req *r)
{
	const struct config	*c = req_config(r);
	struct evbuffer		*b;

	r->is_api = 1;
	if (!addrlist_match(c->metrics_allow, r->h->peer)) {
		req_error(r, 403, "This address may not read the metrics "
		    "(metrics_allow).");
		return;
	}
	if (r->path == NULL || strcmp(r->path, "/metrics") != 0) {
		req_error(r, 404, "Only /metrics is served here.");
		return;
	}
	if (r->method != M_GET && r->method != M_HEAD) {
		req_set_header(r, "Allow", "GET, HEAD");
		req_error(r, 405, "Method not allowed");
		return;
	}
	metrics_tidy(r->loop);
	b = evbuffer_new();
	metrics_write(r->loop->server, req_db(r), b);
	req_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", b);
	evbuffer_free(b);
}
