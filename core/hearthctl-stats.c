/*
 * hearthctl-stats.c: "hearthctl stats", the running hearthd's metrics for
 * a person at a terminal. It reads them where Prometheus does, from
 * metrics_listen, so what it shows and what the dashboards show are the
 * same numbers: requests and their latency by route, the caches' hit
 * rates, the writer, the queues. Counts are since hearthd started.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

#define STATS_TIMEOUT_SECS	5
#define STATS_MAX_BYTES		(16 << 20)
#define STATS_LABELS		4
#define STATS_TOP_ROUTES	10

struct sample {
	char	*name;
	char	*key[STATS_LABELS];
	char	*val[STATS_LABELS];
	int	 nlabels;
	double	 v;
};

struct samples {
	struct sample	*s;
	size_t		 n;
};

int	stats_print(const struct config *);

/* GET /metrics from host:port; the body (NUL-ended), or NULL and why. */
static char *
stats_fetch(const char *host, int port, char **cause)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct timeval	 tv = { STATS_TIMEOUT_SECS, 0 };
	char		 portstr[16], *buf = NULL, *body;
	const char	*req = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n"
			    "Connection: close\r\n\r\n";
	size_t		 len = 0, cap = 0;
	ssize_t		 got;
	int		 fd = -1, rc, status;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof portstr, "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		*cause = xasprintf("%s:%d: %s", host, port, gai_strerror(rc));
		return NULL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		*cause = xasprintf("cannot reach hearthd's metrics at %s:%d "
		    "(%s): is hearthd running?", host, port, strerror(errno));
		return NULL;
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		*cause = xasprintf("%s:%d: %s", host, port, strerror(errno));
		close(fd);
		return NULL;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 131072;
			buf = xrealloc(buf, cap + 1);
		}
		if ((got = read(fd, buf + len, cap - len)) <= 0)
			break;
		len += (size_t)got;
		if (len > STATS_MAX_BYTES)
			break;
	}
	close(fd);
	if (buf == NULL) {
		*cause = xasprintf("%s:%d: no answer", host, port);
		return NULL;
	}
	buf[len] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1 || status != 200 ||
	    (body = strstr(buf, "\r\n\r\n")) == NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		*cause = xasprintf("%s:%d answered \"%.60s\"", host, port,
		    buf);
		free(buf);
		return NULL;
	}
	memmove(buf, body + 4, strlen(body + 4) + 1);
	return buf;
}

/* Parse one sample line in place; 0, or -1 if it is not one. */
static int
stats_parse_line(char *p, struct sample *s)
{
	char	*q, *w, *end;

	memset(s, 0, sizeof *s);
	s->name = p;
	p += strcspn(p, "{ ");
	if (*p == '{') {
		*p++ = '\0';
		while (*p != '}') {
			if (s->nlabels == STATS_LABELS ||
			    (q = strchr(p, '=')) == NULL || q[1] != '"')
				return -1;
			*q = '\0';
			s->key[s->nlabels] = p;
			/* unescape the value in place */
			for (p = w = q + 2; *p != '"'; p++) {
				if (*p == '\0')
					return -1;
				if (*p == '\\' && p[1] != '\0') {
					p++;
					*w++ = *p == 'n' ? '\n' : *p;
				} else
					*w++ = *p;
			}
			*w = '\0';
			s->val[s->nlabels++] = q + 2;
			p++;
			if (*p == ',')
				p++;
		}
		p++;
	} else if (*p == ' ')
		*p++ = '\0';
	else
		return -1;
	while (*p == ' ')
		p++;
	if (strncmp(p, "+Inf", 4) == 0)
		s->v = HUGE_VAL;
	else {
		s->v = strtod(p, &end);
		if (end == p)
			return -1;
	}
	return 0;
}

/* Every sample of the text. */
static void
stats_parse(char *text, struct samples *ss)
{
	char	*line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || *line == '\0')
			continue;
		ss->s = xrealloc(ss->s, (ss->n + 1) * sizeof *ss->s);
		if (stats_parse_line(line, &ss->s[ss->n]) == 0)
			ss->n++;
	}
}

/* A sample's label, or "". */
static const char *
stats_label(const struct sample *s, const char *key)
{
	int	i;

	for (i = 0; i < s->nlabels; i++) {
		if (strcmp(s->key[i], key) == 0)
			return s->val[i];
	}
	return "";
}

/* The sum of a family's samples whose label key is val (key NULL: all). */
static double
stats_sum(const struct samples *ss, const char *name, const char *key,
    const char *val)
{
	double	t = 0;
	size_t	i;

	for (i = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].name, name) == 0 && (key == NULL ||
		    strcmp(stats_label(&ss->s[i], key), val) == 0))
			t += ss->s[i].v;
	}
	return t;
}

/* Bytes for people: 1.5 MiB. */
static const char *
stats_bytes(char buf[32], double b)
{
	static const char	*units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t			 u = 0;

	while (b >= 1024 && u + 1 < nitems(units)) {
		b /= 1024;
		u++;
	}
	snprintf(buf, 32, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
	return buf;
}

/* A hit rate, or "-" before any lookup. */
static const char *
stats_rate(char buf[16], double hits, double misses)
{
	if (hits + misses <= 0)
		snprintf(buf, 16, "-");
	else
		snprintf(buf, 16, "%.1f%%", 100.0 * hits / (hits + misses));
	return buf;
}

/*
 * A quantile of one route's latency histogram, as Prometheus estimates it
 * (linear within the bucket), in milliseconds; -1 if it has no requests.
 */
static double
stats_quantile(const struct samples *ss, const char *route, double q)
{
	double	prev_le = 0, prev_n = 0, total = 0, rank, le;
	size_t	i;

	for (i = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].name,
		    "hearth_http_request_duration_seconds_bucket") == 0 &&
		    strcmp(stats_label(&ss->s[i], "route"), route) == 0)
			total = ss->s[i].v;	/* +Inf comes last */
	}
	if (total <= 0)
		return -1;
	rank = q * total;
	for (i = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].name,
		    "hearth_http_request_duration_seconds_bucket") != 0 ||
		    strcmp(stats_label(&ss->s[i], "route"), route) != 0)
			continue;
		le = strtod(stats_label(&ss->s[i], "le"), NULL);
		if (strcmp(stats_label(&ss->s[i], "le"), "+Inf") == 0)
			return prev_le * 1000;	/* above the last bound */
		if (ss->s[i].v >= rank) {
			if (ss->s[i].v == prev_n)
				return le * 1000;
			return (prev_le + (le - prev_le) * (rank - prev_n) /
			    (ss->s[i].v - prev_n)) * 1000;
		}
		prev_le = le;
		prev_n = ss->s[i].v;
	}
	return -1;
}

/* Routes by requests, most first. */
struct route_row {
	const char	*route;
	double		 n;
	double		 errors;	/* 5xx */
};

static int
stats_cmp_route(const void *a, const void *b)
{
	const struct route_row	*x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->route, y->route);
}

/* The requests: totals by class, then the busiest routes. */
static void
stats_print_requests(const struct samples *ss)
{
	struct route_row	*rows = NULL;
	size_t			 nrows = 0, i, j;
	double			 byclass[6] = { 0 }, total = 0;
	const char		*route;
	int			 st;

	for (i = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].name, "hearth_http_requests_total") != 0)
			continue;
		st = atoi(stats_label(&ss->s[i], "status"));
		byclass[st / 100 < 6 && st >= 100 ? st / 100 : 0] += ss->s[i].v;
		total += ss->s[i].v;
		route = stats_label(&ss->s[i], "route");
		for (j = 0; j < nrows && strcmp(rows[j].route, route) != 0; j++)
			;
		if (j == nrows) {
			rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
			rows[nrows].route = route;
			rows[nrows].n = rows[nrows].errors = 0;
			nrows++;
		}
		rows[j].n += ss->s[i].v;
		if (st >= 500)
			rows[j].errors += ss->s[i].v;
	}
	printf("\nrequests  %.0f (2xx %.0f, 3xx %.0f, 4xx %.0f, 5xx %.0f)\n",
	    total, byclass[2], byclass[3], byclass[4], byclass[5]);
	if (nrows > 0) {
		qsort(rows, nrows, sizeof *rows, stats_cmp_route);
		printf("  %-44s %10s %6s %9s %9s\n", "busiest routes",
		    "requests", "5xx", "p50 ms", "p99 ms");
		for (i = 0; i < nrows && i < STATS_TOP_ROUTES; i++)
			printf("  %-44.44s %10.0f %6.0f %9.2f %9.2f\n",
			    rows[i].route, rows[i].n, rows[i].errors,
			    stats_quantile(ss, rows[i].route, 0.5),
			    stats_quantile(ss, rows[i].route, 0.99));
	}
	free(rows);
}

/* The caches: one line each, with its hit rate. */
static void
stats_print_caches(const struct samples *ss)
{
	const char	*name;
	char		 mem[32], budget[32], rate[16];
	double		 hits, misses, b;
	size_t		 i;

	printf("\n%-12s %10s %10s %11s %11s %12s %12s %8s %10s\n", "cache",
	    "entries", "capacity", "memory", "budget", "hits", "misses",
	    "hit rate", "evictions");
	for (i = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].name, "hearth_cache_entries") != 0)
			continue;
		name = stats_label(&ss->s[i], "cache");
		hits = stats_sum(ss, "hearth_cache_hits_total", "cache", name);
		misses = stats_sum(ss, "hearth_cache_misses_total", "cache",
		    name);
		b = stats_sum(ss, "hearth_cache_budget_bytes", "cache", name);
		if (b > 0)
			stats_bytes(budget, b);
		else
			snprintf(budget, sizeof budget, "-");
		printf("%-12s %10.0f %10.0f %11s %11s %12.0f %12.0f %8s "
		    "%10.0f\n", name, ss->s[i].v, stats_sum(ss,
		    "hearth_cache_capacity_entries", "cache", name),
		    stats_bytes(mem, stats_sum(ss, "hearth_cache_bytes",
		    "cache", name)), budget, hits, misses, stats_rate(rate,
		    hits, misses), stats_sum(ss,
		    "hearth_cache_evictions_total", "cache", name));
	}
	hits = stats_sum(ss, "hearth_sqlite_page_cache_hits_total", NULL,
	    NULL);
	misses = stats_sum(ss, "hearth_sqlite_page_cache_misses_total", NULL,
	    NULL);
	printf("%-12s %10s %10s %11s %11s %12.0f %12.0f %8s\n",
	    "sqlite pages", "", "", stats_bytes(mem, stats_sum(ss,
	    "hearth_sqlite_page_cache_bytes", NULL, NULL)), "", hits, misses,
	    stats_rate(rate, hits, misses));
}

/* The writer, the workers and the database's queues. */
static void
stats_print_work(const struct samples *ss)
{
	double	batches, writes, commit_n, commit_s;
	size_t	i, n;

	batches = stats_sum(ss, "hearth_writer_batch_size_count", NULL, NULL);
	writes = stats_sum(ss, "hearth_writer_batch_size_sum", NULL, NULL);
	commit_n = stats_sum(ss, "hearth_writer_commit_duration_seconds_count",
	    NULL, NULL);
	commit_s = stats_sum(ss, "hearth_writer_commit_duration_seconds_sum",
	    NULL, NULL);
	printf("\nwriter    %.0f writes committed, %.0f failed, %.0f refused; "
	    "%.0f batches (%.1f writes each), commit %.2f ms on average; "
	    "queue %.0f of %.0f\n",
	    stats_sum(ss, "hearth_writer_writes_total", "outcome",
	    "committed"), stats_sum(ss, "hearth_writer_writes_total",
	    "outcome", "failed"), stats_sum(ss, "hearth_writer_refused_total",
	    NULL, NULL), batches, batches > 0 ? writes / batches : 0,
	    commit_n > 0 ? commit_s * 1000 / commit_n : 0,
	    stats_sum(ss, "hearth_writer_queue_depth", NULL, NULL),
	    stats_sum(ss, "hearth_writer_queue_capacity", NULL, NULL));
	printf("workers   %.0f threads, %.0f jobs, %.0f refused; queue %.0f of "
	    "%.0f\n", stats_sum(ss, "hearth_worker_threads", NULL, NULL),
	    stats_sum(ss, "hearth_worker_jobs_total", NULL, NULL),
	    stats_sum(ss, "hearth_worker_refused_total", NULL, NULL),
	    stats_sum(ss, "hearth_worker_queue_depth", NULL, NULL),
	    stats_sum(ss, "hearth_worker_queue_capacity", NULL, NULL));
	printf("jobs      ");
	for (i = 0, n = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].name, "hearth_jobs_waiting") != 0)
			continue;
		printf("%s%s %.0f waiting (%.0f due)", n++ ? ", " : "",
		    stats_label(&ss->s[i], "queue"), ss->s[i].v,
		    stats_sum(ss, "hearth_jobs_due", "queue",
		    stats_label(&ss->s[i], "queue")));
	}
	printf("\n");
}

/*
 * Print the running hearthd's metrics for a person: 0, or 1 if they
 * cannot be read (no metrics_listen, or hearthd not running).
 */
int
stats_print(const struct config *c)
{
	const struct listen_addr	*la = NULL;
	struct samples			 ss = { NULL, 0 };
	const char			*host, *version = "?";
	char				*text, *cause = NULL, mem[32], filemem[32];
	long				 up;
	size_t				 i;

	for (i = 0; i < c->nlisten; i++) {
		if (c->listen[i].metrics)
			la = &c->listen[i];
	}
	if (la == NULL) {
		fprintf(stderr, "hearthctl: stats reads the running hearthd's "
		    "metrics, and metrics_listen is not set in %s (e.g. "
		    "metrics_listen = 127.0.0.1:9464)\n", c->path != NULL ?
		    c->path : "the config");
		return 1;
	}
	if (la->tls) {
		fprintf(stderr, "hearthctl: metrics_listen is tls; read it "
		    "with curl --cacert ... https://%s:%d/metrics\n", la->host,
		    la->port);
		return 1;
	}
	host = la->host;
	if (strcmp(host, "0.0.0.0") == 0)
		host = "127.0.0.1";
	else if (strcmp(host, "::") == 0)
		host = "::1";
	if ((text = stats_fetch(host, la->port, &cause)) == NULL) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		return 1;
	}
	stats_parse(text, &ss);
	for (i = 0; i < ss.n; i++) {
		if (strcmp(ss.s[i].name, "hearth_build_info") == 0)
			version = stats_label(&ss.s[i], "version");
	}
	up = (long)stats_sum(&ss, "hearth_uptime_seconds", NULL, NULL);
	printf("hearthd %s, up %ldd %02ldh %02ldm; %.0f loop threads, %s "
	    "resident (%s of it the mapped database and libraries), %.0f "
	    "open files\n", version, up / 86400,
	    up % 86400 / 3600, up % 3600 / 60,
	    stats_sum(&ss, "hearth_loop_threads", NULL, NULL),
	    stats_bytes(mem, stats_sum(&ss, "process_resident_memory_bytes",
	    NULL, NULL)), stats_bytes(filemem, stats_sum(&ss,
	    "hearth_resident_file_bytes", NULL, NULL)),
	    stats_sum(&ss, "process_open_fds", NULL, NULL));
	printf("connections %.0f open, %.0f refused over the caps; streams "
	    "%.0f event streams, %.0f WebSockets\n", stats_sum(&ss,
	    "hearth_http_connections_open", NULL, NULL), stats_sum(&ss,
	    "hearth_http_connections_refused_total", NULL, NULL),
	    stats_sum(&ss, "hearth_streams_open", "transport", "sse"),
	    stats_sum(&ss, "hearth_streams_open", "transport", "websocket"));
	stats_print_requests(&ss);
	stats_print_caches(&ss);
	stats_print_work(&ss);
	free(ss.s);
	free(text);
	return 0;
}
