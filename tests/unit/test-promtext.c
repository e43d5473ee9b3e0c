/* Unit tests for promtext.c, the Prometheus text format /metrics writes
 * (escaping, numbers, histograms), and for the counts cache.c keeps for
 * it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hearth.h"
#include "tap.h"

/* The buffer's text, NUL-ended, freed by the caller; b is emptied. */
static char *
text_of(struct evbuffer *b)
{
	size_t	 len = evbuffer_get_length(b);
	char	*s = malloc(len + 1);

	evbuffer_remove(b, s, len);
	s[len] = '\0';
	return s;
}

static void
test_escape(void)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*labels[] = { "route", "/a\\b\"c\nd", "m", "", NULL };
	char		*s;

	prom_escape_label(b, "plain /api/v1/statuses/:id");
	s = text_of(b);
	is_str(s, "plain /api/v1/statuses/:id", "nothing to escape");
	free(s);
	prom_escape_label(b, "a\\b\"c\nd");
	s = text_of(b);
	is_str(s, "a\\\\b\\\"c\\nd", "backslash, quote, line feed escaped");
	free(s);
	prom_u64(b, "x_total", labels, 7);
	s = text_of(b);
	is_str(s, "x_total{route=\"/a\\\\b\\\"c\\nd\",m=\"\"} 7\n",
	    "a sample's labels in order, escaped, empty kept");
	free(s);
	prom_u64(b, "y", NULL, 18446744073709551615ULL);
	s = text_of(b);
	is_str(s, "y 18446744073709551615\n", "a counter to 2^64-1, exact");
	free(s);
	prom_family(b, "z", "gauge", "Help with \\ and\nnew line and \"q\".");
	s = text_of(b);
	is_str(s, "# HELP z Help with \\\\ and\\nnew line and \"q\".\n"
	    "# TYPE z gauge\n", "HELP escapes backslash and line feed only");
	free(s);
	evbuffer_free(b);
}

static void
test_numbers(void)
{
	char	num[32];

	prom_float(num, 0.0005);
	is_str(num, "0.0005", "0.0005");
	prom_float(num, 2.5);
	is_str(num, "2.5", "2.5");
	prom_float(num, 5);
	is_str(num, "5", "a whole number without a point");
	prom_float(num, 0.1 + 0.2);
	ok(strtod(num, NULL) == 0.1 + 0.2, "reads back the same double (%s)",
	    num);
	prom_float(num, INFINITY);
	is_str(num, "+Inf", "+Inf");
	prom_float(num, -INFINITY);
	is_str(num, "-Inf", "-Inf");
	prom_float(num, NAN);
	is_str(num, "NaN", "NaN");
	prom_float(num, 1e300);
	ok(strtod(num, NULL) == 1e300, "a huge one reads back (%s)", num);

	is_int(prom_seconds_bucket(0), 0, "0 us: the first bucket");
	is_int(prom_seconds_bucket(500), 0, "0.5 ms: le is inclusive");
	is_int(prom_seconds_bucket(501), 1, "just above: the next");
	is_int(prom_seconds_bucket(5000000), PROM_SECONDS_N - 1, "5 s: last");
	is_int(prom_seconds_bucket(5000001), PROM_SECONDS_N, "above: +Inf");
}

static void
test_histogram(void)
{
	struct evbuffer	*b = evbuffer_new();
	const double	 bounds[] = { 0.001, 0.01, 0.1 };
	const uint64_t	 counts[] = { 3, 0, 2, 1 };
	const char	*labels[] = { "route", "/x", NULL };
	char		*s;

	prom_histogram(b, "h_seconds", labels, bounds, 3, counts, 1.25);
	s = text_of(b);
	is_str(s,
	    "h_seconds_bucket{route=\"/x\",le=\"0.001\"} 3\n"
	    "h_seconds_bucket{route=\"/x\",le=\"0.01\"} 3\n"
	    "h_seconds_bucket{route=\"/x\",le=\"0.1\"} 5\n"
	    "h_seconds_bucket{route=\"/x\",le=\"+Inf\"} 6\n"
	    "h_seconds_sum{route=\"/x\"} 1.25\n"
	    "h_seconds_count{route=\"/x\"} 6\n",
	    "cumulative buckets, +Inf last and equal to _count");
	free(s);
	prom_histogram(b, "h", NULL, bounds, 3, counts, 0);
	s = text_of(b);
	ok(strstr(s, "h_bucket{le=\"+Inf\"} 6\n") != NULL &&
	    strstr(s, "h_count 6\n") != NULL, "without labels: le alone");
	free(s);
	evbuffer_free(b);
}

/* cache_stats_each's callback: keep the one named "unit". */
static void
find_unit(const struct cache_stats *st, void *arg)
{
	if (strcmp(st->name, "unit") == 0)
		*(struct cache_stats *)arg = *st;
}

/* cache_stats_each's callback: note a cache named after this file. */
static void
find_file(const struct cache_stats *st, void *arg)
{
	if (strcmp(st->name, "test-promtext") == 0)
		(*(int *)arg)++;
}

static void
test_cache_counts(void)
{
	struct cache		*c = cache_new(256, 3600ULL * 1000000);
	struct cache		*d = cache_new(16, 1000000);
	struct cache_stats	 st;
	struct evbuffer		*out = evbuffer_new();
	int			 i, named = 0;

	cache_stats_each(find_file, &named);
	is_int(named, 2, "a cache is named after the file that made it");
	cache_set_name(c, "unit");
	cache_put(c, 1, 9, "abc", 3);
	cache_put(c, 2, 9, "de", 2);
	ok(cache_emit(c, 1, 9, out), "hit");
	ok(!cache_emit(c, 1, 8, out), "a stale tag is a miss");
	ok(!cache_emit(c, 3, 9, out), "an absent key is a miss");
	memset(&st, 0, sizeof st);
	cache_stats_each(find_unit, &st);
	is_str(st.name, "unit", "cache_set_name renames it");
	is_int(st.hits, 1, "one hit");
	is_int(st.misses, 2, "two misses");
	is_int(st.entries, 1, "the stale entry went");
	ok(st.bytes >= 2 && st.bytes < 200, "bytes count the entry (%llu)",
	    (unsigned long long)st.bytes);
	is_int(st.capacity, 256, "capacity");
	/* One entry a shard: a second key in the same shard evicts. */
	for (i = 0; i < 2000; i++)
		cache_put(c, 1000 + i, 1, "x", 1);
	memset(&st, 0, sizeof st);
	cache_stats_each(find_unit, &st);
	ok(st.evictions > 0 && st.entries <= 256,
	    "a full cache evicts and counts it (%llu, %llu held)",
	    (unsigned long long)st.evictions, (unsigned long long)st.entries);
	cache_free(c);
	memset(&st, 0, sizeof st);
	cache_stats_each(find_unit, &st);
	is_str(st.name, NULL, "a freed cache leaves the list");
	cache_free(d);
	evbuffer_free(out);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	if (tap_case("escape"))
		test_escape();
	if (tap_case("numbers"))
		test_numbers();
	if (tap_case("histogram"))
		test_histogram();
	if (tap_case("cache_counts"))
		test_cache_counts();
	return done_testing();
}
