/*
 * tz.c: time zones by their IANA names, read from the system's zoneinfo
 * (TZif, RFC 8536) by hand. localtime_r follows the process's one TZ, and
 * changing it (setenv) is not safe with threads; here each zone is read
 * once, kept for the life of the process behind a lock, and converting a
 * time is a search in its table, safe from any thread. Times after the
 * table's last transition follow the file's POSIX TZ footer.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define TZ_MAX_ZONES	128
#define TZ_MAX_FILE	(256 * 1024)

struct tz_type {
	int32_t	off;
	int	dst;
	char	abbr[8];
};

/* A POSIX TZ rule: "CET-1CEST,M3.5.0,M10.5.0/3". */
struct tz_rule {
	int		 has_dst;
	int32_t		 std_off, dst_off;	/* seconds east of UTC */
	char		 std_abbr[8], dst_abbr[8];
	int		 start_m, start_w, start_d, start_t;	/* Mm.w.d/t */
	int		 end_m, end_w, end_d, end_t;
};

struct tz {
	char		*name;
	int64_t		*when;
	uint8_t		*idx;
	size_t		 n;
	struct tz_type	*types;
	size_t		 ntypes;
	struct tz_rule	 rule;
	int		 has_rule;
};

static pthread_mutex_t	 tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz	*zones[TZ_MAX_ZONES];
static size_t		 nzones;
static char		 tz_dir[256] = "/usr/share/zoneinfo";

static struct tz *do_tz_find(const char *);

/* Where the zoneinfo is (tests point it elsewhere). */
void
tz_set_dir(const char *dir)
{
	snprintf(tz_dir, sizeof tz_dir, "%s", dir);
}

/* Whether a name is an IANA zone name the system has ("Europe/Berlin"). */
int
tz_valid(const char *name)
{
	const char	*p;
	char		 path[512];
	FILE		*f;
	char		 magic[4];
	int		 ok;

	if (name == NULL || *name == '\0' || strlen(name) > 64 ||
	    name[0] == '/' || strstr(name, "..") != NULL)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("/_-+", *p) == NULL)
			return 0;
	}
	if (strcmp(name, "UTC") == 0)
		return 1;
	if (pthread_mutex_trylock(&tz_lock) == 0) {
		/* tz_get holds the lock while it validates: no wait here */
		ok = do_tz_find(name) != NULL;
		pthread_mutex_unlock(&tz_lock);
		if (ok)
			return 1;
	}
	snprintf(path, sizeof path, "%s/%s", tz_dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

static int64_t
be32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static int64_t
be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | (uint32_t)be32(p + 4));
}

/* Parse a POSIX TZ abbreviation ("CET" or "<+03>") at *pp. */
static int
rule_abbr(const char **pp, char *out, size_t size)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (*p == '<') {
		for (p++; *p != '>' && *p != '\0'; p++) {
			if (n + 1 < size)
				out[n++] = *p;
		}
		if (*p++ != '>')
			return -1;
	} else {
		for (; isalpha((unsigned char)*p); p++) {
			if (n + 1 < size)
				out[n++] = *p;
		}
	}
	out[n] = '\0';
	*pp = p;
	return n >= 3 ? 0 : -1;
}

/* Parse [+-]hh[:mm[:ss]] at *pp, as seconds. */
static int32_t
rule_time(const char **pp)
{
	const char	*p = *pp;
	int		 sign = 1;
	int32_t		 t;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	t = (int32_t)strtol(p, (char **)&p, 10) * 3600;
	if (*p == ':') {
		t += (int32_t)strtol(p + 1, (char **)&p, 10) * 60;
		if (*p == ':')
			t += (int32_t)strtol(p + 1, (char **)&p, 10);
	}
	*pp = p;
	return sign * t;
}

/* Parse ",Mm.w.d[/time]" at *pp. */
static int
rule_date(const char **pp, int *m, int *w, int *d, int *t)
{
	const char	*p = *pp;

	if (*p++ != ',' || *p++ != 'M')
		return -1;
	*m = (int)strtol(p, (char **)&p, 10);
	if (*p++ != '.')
		return -1;
	*w = (int)strtol(p, (char **)&p, 10);
	if (*p++ != '.')
		return -1;
	*d = (int)strtol(p, (char **)&p, 10);
	*t = 7200;
	if (*p == '/') {
		p++;
		*t = rule_time(&p);
	}
	*pp = p;
	return *m >= 1 && *m <= 12 && *w >= 1 && *w <= 5 && *d >= 0 &&
	    *d <= 6 ? 0 : -1;
}

/* Parse a POSIX TZ string (only the M rules, which tzdata's footers use). */
static int
rule_parse(const char *s, struct tz_rule *r)
{
	memset(r, 0, sizeof *r);
	if (rule_abbr(&s, r->std_abbr, sizeof r->std_abbr) != 0)
		return -1;
	r->std_off = -rule_time(&s);
	if (*s == '\0')
		return 0;
	if (rule_abbr(&s, r->dst_abbr, sizeof r->dst_abbr) != 0)
		return -1;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0')
		r->dst_off = -rule_time(&s);
	if (rule_date(&s, &r->start_m, &r->start_w, &r->start_d,
	    &r->start_t) != 0 || rule_date(&s, &r->end_m, &r->end_w,
	    &r->end_d, &r->end_t) != 0)
		return -1;
	r->has_dst = 1;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a day number. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The local day (from 1970) of the w-th weekday d of month m in year y
 * (w 5: the last). */
static int64_t
rule_day(int y, int m, int w, int d)
{
	int64_t	first = days_from_civil(y, m, 1), day;
	int	wd = (int)(((first % 7) + 7 + 4) % 7);	/* 1970-01-01: Thu */
	int	mdays;

	day = first + (d - wd + 7) % 7 + (w - 1) * 7;
	mdays = (int)(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 :
	    m + 1, 1) - first);
	while (day - first >= mdays)
		day -= 7;
	return day;
}

/* The offset and abbreviation the POSIX rule gives at t. */
static void
rule_at(const struct tz_rule *r, int64_t t, int32_t *off, const char **abbr)
{
	int	y, m, d;
	int64_t	start, end;
	int	dst;

	if (!r->has_dst) {
		*off = r->std_off;
		*abbr = r->std_abbr;
		return;
	}
	civil_from_days((t + r->std_off) / 86400, &y, &m, &d);
	/* Transitions are in local time: the start in standard time, the
	 * end in daylight time. */
	start = rule_day(y, r->start_m, r->start_w, r->start_d) * 86400 +
	    r->start_t - r->std_off;
	end = rule_day(y, r->end_m, r->end_w, r->end_d) * 86400 + r->end_t -
	    r->dst_off;
	if (start < end)
		dst = t >= start && t < end;
	else	/* southern hemisphere */
		dst = !(t >= end && t < start);
	*off = dst ? r->dst_off : r->std_off;
	*abbr = dst ? r->dst_abbr : r->std_abbr;
}

/* Read a TZif file (version 2 or later: its 64-bit part). */
static struct tz *
tz_read(const char *name)
{
	char		 path[512];
	uint8_t		*buf = NULL;
	const uint8_t	*p, *end;
	FILE		*f;
	size_t		 len, i, timecnt, typecnt, charcnt, leapcnt, isstd,
			 isut, skip;
	struct tz	*z = NULL;
	const char	*chars, *foot;
	char		 footer[128];

	snprintf(path, sizeof path, "%s/%s", tz_dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = xmalloc(TZ_MAX_FILE);
	len = fread(buf, 1, TZ_MAX_FILE, f);
	fclose(f);
	end = buf + len;
	if (len < 44 || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
		goto out;
	/* Skip the version 1 block. */
	skip = 44 + be32(buf + 32) * 5 + be32(buf + 36) * 6 +
	    be32(buf + 40) + be32(buf + 28) * 8 + be32(buf + 24) +
	    be32(buf + 20);
	if (skip + 44 > len)
		goto out;
	p = buf + skip;
	if (memcmp(p, "TZif", 4) != 0)
		goto out;
	isut = be32(p + 20);
	isstd = be32(p + 24);
	leapcnt = be32(p + 28);
	timecnt = be32(p + 32);
	typecnt = be32(p + 36);
	charcnt = be32(p + 40);
	p += 44;
	if (typecnt == 0 || (size_t)(end - p) < timecnt * 9 + typecnt * 6 +
	    charcnt + leapcnt * 12 + isstd + isut)
		goto out;
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name);
	z->n = timecnt;
	z->when = xcalloc(timecnt + 1, sizeof *z->when);
	z->idx = xcalloc(timecnt + 1, 1);
	for (i = 0; i < timecnt; i++)
		z->when[i] = be64(p + i * 8);
	p += timecnt * 8;
	for (i = 0; i < timecnt; i++)
		z->idx[i] = p[i] < typecnt ? p[i] : 0;
	p += timecnt;
	z->ntypes = typecnt;
	z->types = xcalloc(typecnt, sizeof *z->types);
	chars = (const char *)p + typecnt * 6;
	for (i = 0; i < typecnt; i++) {
		z->types[i].off = (int32_t)be32(p + i * 6);
		z->types[i].dst = p[i * 6 + 4];
		if (p[i * 6 + 5] < charcnt)
			snprintf(z->types[i].abbr, sizeof z->types[i].abbr,
			    "%.*s", (int)(charcnt - p[i * 6 + 5]),
			    chars + p[i * 6 + 5]);
	}
	p += typecnt * 6 + charcnt + leapcnt * 12 + isstd + isut;
	/* The footer: "\nTZ\n". */
	if (p < end && *p == '\n') {
		foot = (const char *)p + 1;
		for (i = 0; foot + i < (const char *)end && foot[i] != '\n' &&
		    i + 1 < sizeof footer; i++)
			footer[i] = foot[i];
		footer[i] = '\0';
		z->has_rule = footer[0] != '\0' && rule_parse(footer,
		    &z->rule) == 0;
	}
out:
	free(buf);
	return z;
}

/* A zone already read, or NULL; the caller holds tz_lock. */
static struct tz *
do_tz_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nzones; i++) {
		if (strcmp(zones[i]->name, name) == 0)
			return zones[i];
	}
	return NULL;
}

/*
 * A zone by name, read on first use and kept; NULL for UTC or a name the
 * system lacks. Every time on a page asks, so a known zone costs a lookup,
 * not a file.
 */
static const struct tz *
tz_get(const char *name)
{
	struct tz	*z;

	if (name == NULL || strcmp(name, "UTC") == 0)
		return NULL;
	pthread_mutex_lock(&tz_lock);
	if ((z = do_tz_find(name)) == NULL && nzones < TZ_MAX_ZONES &&
	    tz_valid(name) && (z = tz_read(name)) != NULL)
		zones[nzones++] = z;
	pthread_mutex_unlock(&tz_lock);
	return z;
}

/* The offset from UTC (seconds) and abbreviation of zone name at t;
 * UTC for an unknown or absent zone. */
int32_t
tz_offset(const char *name, int64_t t, const char **abbr)
{
	const struct tz	*z = tz_get(name);
	size_t		 lo, hi, mid;
	const char	*a = "UTC";
	int32_t		 off = 0;

	if (z == NULL)
		goto out;
	if (z->n == 0 || t < z->when[0]) {
		/* Before the first transition: the first standard type. */
		for (lo = 0; lo < z->ntypes && z->types[lo].dst; lo++)
			;
		if (lo == z->ntypes)
			lo = 0;
		off = z->types[lo].off;
		a = z->types[lo].abbr;
		if (z->n == 0 && z->has_rule)
			rule_at(&z->rule, t, &off, &a);
		goto out;
	}
	if (t >= z->when[z->n - 1] && z->has_rule) {
		rule_at(&z->rule, t, &off, &a);
		goto out;
	}
	lo = 0;
	hi = z->n;		/* when[lo] <= t < when[hi] */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->when[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	off = z->types[z->idx[lo]].off;
	a = z->types[z->idx[lo]].abbr;
out:
	if (abbr != NULL)
		*abbr = a;
	return off;
}

/* Break t down in zone name, as gmtime_r would in UTC. */
void
tz_localtime(const char *name, int64_t t, struct tz_tm *tm)
{
	int64_t	 local, days, secs;
	int	 y, m, d;

	tm->off = tz_offset(name, t, &tm->abbr);
	local = t + tm->off;
	days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	secs = local - days * 86400;
	civil_from_days(days, &y, &m, &d);
	tm->year = y;
	tm->mon = m - 1;
	tm->mday = d;
	tm->hour = (int)(secs / 3600);
	tm->min = (int)(secs / 60 % 60);
	tm->sec = (int)(secs % 60);
	tm->wday = (int)(((days % 7) + 7 + 4) % 7);
}
