/*
 * metrics.c: what an operator scrapes. A scrape, on whichever loop
 * accepted it, sums every loop's counts of its requests (tally.c), then
 * asks the caches, the writer, the worker pool, the database's job queues
 * and the process for theirs, and writes them all in Prometheus's text
 * format (promtext.c). It is served only on metrics_listen, a listener of
 * its own (loopback by default), never on the site's: Prometheus scrapes
 * without credentials, and the site's people have no business reading
 * its routes' traffic.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <sqlite3.h>

#include "request.h"

static time_t	metrics_started;	/* wall clock, for the process */

/* Note when hearthd started. */
void
metrics_start(void)
{
	metrics_started = time(NULL);
}

/* One cache's samples (cache_stats_each's callback). */
struct cache_rows {
	struct cache_stats	*rows;
	size_t			 n;
};

/* Two caches of one name (made in one file, neither renamed) are summed:
 * a series twice would make Prometheus refuse the whole scrape. */
static void
metrics_cache_row(const struct cache_stats *st, void *arg)
{
	struct cache_rows	*cr = arg;
	struct cache_stats	*r;
	size_t			 i;

	for (i = 0; i < cr->n; i++) {
		r = &cr->rows[i];
		if (strcmp(r->name, st->name) != 0)
			continue;
		r->entries += st->entries;
		r->bytes += st->bytes;
		r->capacity += st->capacity;
		r->budget += st->budget;
		r->hits += st->hits;
		r->misses += st->misses;
		r->evictions += st->evictions;
		return;
	}
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
		{ "hearth_cache_budget_bytes", "gauge",
		    "Its share of cache_memory (0: bounded by entries only).",
		    offsetof(struct cache_stats, budget) },
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
		snprintf(name, sizeof name, "loop%d", l);
		conn[1] = name;
		tally_db(&s->loops[l], &bytes, &hits, &misses);
		prom_u64(b, "hearth_sqlite_page_cache_bytes", conn, bytes);
	}
	prom_family(b, "hearth_sqlite_page_cache_hits_total", "counter",
	    "Database pages found in a connection's cache.");
	conn[1] = "writer";
	prom_u64(b, "hearth_sqlite_page_cache_hits_total", conn,
	    w.page_cache_hits);
	for (l = 0; l < s->nloops; l++) {
		snprintf(name, sizeof name, "loop%d", l);
		conn[1] = name;
		tally_db(&s->loops[l], &bytes, &hits, &misses);
		prom_u64(b, "hearth_sqlite_page_cache_hits_total", conn, hits);
	}
	prom_family(b, "hearth_sqlite_page_cache_misses_total", "counter",
	    "Database pages a connection had to read (from the OS's page "
	    "cache or the disk).");
	conn[1] = "writer";
	prom_u64(b, "hearth_sqlite_page_cache_misses_total", conn,
	    w.page_cache_misses);
	for (l = 0; l < s->nloops; l++) {
		snprintf(name, sizeof name, "loop%d", l);
		conn[1] = name;
		tally_db(&s->loops[l], &bytes, &hits, &misses);
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

/* Resident, of that backed by files, and virtual memory in bytes, from
 * /proc/self/statm. */
static int
metrics_memory(uint64_t *rss, uint64_t *file, uint64_t *vsz)
{
	FILE			*f;
	unsigned long long	 pages, res, shared;
	long			 pagesize = sysconf(_SC_PAGESIZE);
	int			 rc = -1;

	if ((f = fopen("/proc/self/statm", "re")) == NULL)
		return -1;
	if (fscanf(f, "%llu %llu %llu", &pages, &res, &shared) == 3) {
		*vsz = pages * (uint64_t)pagesize;
		*rss = res * (uint64_t)pagesize;
		*file = shared * (uint64_t)pagesize;
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
	uint64_t	 rss, file, vsz;
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
	if (metrics_memory(&rss, &file, &vsz) == 0) {
		prom_family(b, "process_resident_memory_bytes", "gauge",
		    "Resident memory.");
		prom_u64(b, "process_resident_memory_bytes", NULL, rss);
		/* the database read through its map (db_mmap) is resident
		 * too, but it is the kernel's page cache, not hearthd's */
		prom_family(b, "hearth_resident_file_bytes", "gauge",
		    "Resident memory backed by files or shared memory: the "
		    "database mapped for reading (db_mmap), its WAL index, "
		    "the program and its libraries.");
		prom_u64(b, "hearth_resident_file_bytes", NULL, file);
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
	prom_family(b, "hearth_http_connections_refused_total", "counter",
	    "Connections refused before a request was read: over an "
	    "address's share (max_connections_per_ip, 429) or over the "
	    "cap on all (max_connections, 503).");
	tr[0] = "reason";
	tr[1] = "address";
	prom_u64(b, "hearth_http_connections_refused_total", tr,
	    http_refused_count(0));
	tr[1] = "full";
	prom_u64(b, "hearth_http_connections_refused_total", tr,
	    http_refused_count(1));
	tr[0] = "transport";
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
	tally_write(s, b);
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
	tally_tidy(r->loop);
	b = evbuffer_new();
	metrics_write(r->loop->server, req_db(r), b);
	req_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", b);
	evbuffer_free(b);
}
