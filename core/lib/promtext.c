/*
 * promtext.c: the Prometheus text exposition format, version 0.0.4, as
 * hearthd's /metrics writes it. A family is announced once by its HELP and
 * TYPE lines, then its samples follow, each a name, optional {labels} and
 * a value. Label values and HELP text are escaped here and nowhere else
 * (a route pattern or a cache name never needs it today, but a module's
 * route may). Histograms are written whole from per-bucket counts: the
 * cumulative "le" buckets up to +Inf, then _sum and _count, so no caller
 * can get the cumulation or the +Inf bucket wrong.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib.h"

/*
 * Where hearth's durations fall: a page served from memory takes a
 * fraction of a millisecond, a cold one or a commit waiting for the disk
 * tens to hundreds; past 5 s is a stall, whatever its length.
 */
const double prom_seconds[PROM_SECONDS_N] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5
};
static const uint64_t prom_usecs[PROM_SECONDS_N] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000
};

/* The bucket of a duration in microseconds: PROM_SECONDS_N past 5 s. */
size_t
prom_seconds_bucket(uint64_t us)
{
	size_t	i;

	for (i = 0; i < PROM_SECONDS_N && us > prom_usecs[i]; i++)
		;
	return i;
}

/* HELP text: a backslash and a line feed are escaped (quotes are not). */
static void
prom_escape_help(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			evbuffer_add(b, "\\\\", 2);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

/* A label value: backslash, double quote and line feed escaped. */
void
prom_escape_label(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			evbuffer_add(b, "\\\\", 2);
		else if (*s == '"')
			evbuffer_add(b, "\\\"", 2);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

/* Announce a family: type is counter, gauge, histogram or untyped. */
void
prom_family(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s ", name);
	prom_escape_help(b, help);
	evbuffer_add_printf(b, "\n# TYPE %s %s\n", name, type);
}

/*
 * A sample's name and labels: labels is NULL or pairs of name and value
 * ending in NULL; an extra pair (le for a bucket) may follow them.
 */
static void
prom_head(struct evbuffer *b, const char *name, const char *suffix,
    const char *const *labels, const char *xname, const char *xvalue)
{
	int	n = 0;

	evbuffer_add_printf(b, "%s%s", name, suffix);
	if ((labels == NULL || labels[0] == NULL) && xname == NULL)
		return;
	evbuffer_add(b, "{", 1);
	for (; labels != NULL && labels[0] != NULL; labels += 2) {
		evbuffer_add_printf(b, "%s%s=\"", n++ ? "," : "", labels[0]);
		prom_escape_label(b, labels[1] != NULL ? labels[1] : "");
		evbuffer_add(b, "\"", 1);
	}
	if (xname != NULL) {
		evbuffer_add_printf(b, "%s%s=\"", n ? "," : "", xname);
		prom_escape_label(b, xvalue);
		evbuffer_add(b, "\"", 1);
	}
	evbuffer_add(b, "}", 1);
}

/* A float as the format spells it: +Inf, -Inf, NaN, or the shortest
 * text that reads back the same number. */
void
prom_float(char out[32], double v)
{
	if (isnan(v))
		snprintf(out, 32, "NaN");
	else if (isinf(v))
		snprintf(out, 32, "%sInf", v > 0 ? "+" : "-");
	else if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v)
		snprintf(out, 32, "%lld", (long long)v);
	else {
		snprintf(out, 32, "%.15g", v);
		if (strtod(out, NULL) != v)
			snprintf(out, 32, "%.17g", v);
	}
}

/* One sample of a counter or gauge that counts things. */
void
prom_u64(struct evbuffer *b, const char *name, const char *const *labels,
    uint64_t v)
{
	prom_head(b, name, "", labels, NULL, NULL);
	evbuffer_add_printf(b, " %llu\n", (unsigned long long)v);
}

/* One sample of a measured quantity (seconds, a ratio). */
void
prom_double(struct evbuffer *b, const char *name, const char *const *labels,
    double v)
{
	char	num[32];

	prom_float(num, v);
	prom_head(b, name, "", labels, NULL, NULL);
	evbuffer_add_printf(b, " %s\n", num);
}

/*
 * One histogram's samples: counts[i] observations at most bounds[i]
 * (and above bounds[i - 1]), counts[n] those above the last bound; sum
 * their total. The buckets go out cumulative, +Inf last, then _sum and
 * _count (which +Inf always equals).
 */
void
prom_histogram(struct evbuffer *b, const char *name,
    const char *const *labels, const double *bounds, size_t n,
    const uint64_t *counts, double sum)
{
	uint64_t	total = 0;
	size_t		i;
	char		le[32];

	for (i = 0; i <= n; i++) {
		total += counts[i];
		if (i < n)
			prom_float(le, bounds[i]);
		else
			snprintf(le, sizeof le, "+Inf");
		prom_head(b, name, "_bucket", labels, "le", le);
		evbuffer_add_printf(b, " %llu\n", (unsigned long long)total);
	}
	prom_float(le, sum);
	prom_head(b, name, "_sum", labels, NULL, NULL);
	evbuffer_add_printf(b, " %s\n", le);
	prom_head(b, name, "_count", labels, NULL, NULL);
	evbuffer_add_printf(b, " %llu\n", (unsigned long long)total);
}
