/*
 * log.c: one line per event on stderr, with a timestamp and a level, written
 * with a single write(2) so lines from different threads never interleave.
 * Callers never pass passwords or tokens here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

static enum log_level	log_threshold = LOG_INFO;

static const char *const log_names[] = { "debug", "info", "warn", "error" };

/* Set the lowest level that is printed. */
void
log_set_level(enum log_level level)
{
	log_threshold = level;
}

/* Parse a level name; -1 if unknown. */
int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < nitems(log_names); i++) {
		if (strcasecmp(s, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Format one line and write it whole. */
static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char		 line[2048];
	struct timespec	 ts;
	struct tm	 tm;
	int		 n, m;
	ssize_t		 unused;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof line,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_names[level]);
	m = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof line - 2)
		n = sizeof line - 2;
	/* One event, one line: control characters would forge extra lines. */
	for (m = 0; m < n; m++) {
		if ((unsigned char)line[m] < 0x20 && line[m] != '\t')
			line[m] = ' ';
	}
	line[n++] = '\n';
	unused = write(STDERR_FILENO, line, n);
	(void)unused;
}

/* Log a message at a level. */
void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	if (level < log_threshold)
		return;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

/*
 * Log a recurring event at most once per interval: the first time at once,
 * then one line with how many times it happened since the last line. A
 * flood (a client out of bounds, accept failing) costs a counter, not a
 * disk full of lines.
 */
void
log_every(struct log_every *e, enum log_level level, const char *fmt, ...)
{
	char		 msg[1024];
	va_list		 ap;
	uint64_t	 now = clock_usec(), next;
	long		 n;

	__atomic_add_fetch(&e->count, 1, __ATOMIC_RELAXED);
	next = __atomic_load_n(&e->next, __ATOMIC_RELAXED);
	if (level < log_threshold || now < next ||
	    !__atomic_compare_exchange_n(&e->next, &next,
	    now + (uint64_t)e->seconds * 1000000, 0, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED))
		return;
	n = __atomic_exchange_n(&e->count, 0, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n > 1)
		log_msg(level, "%s (%ld times in the last %d s)", msg, n,
		    e->seconds);
	else
		log_msg(level, "%s", msg);
}

/* Log an impossible state and stop. */
__dead void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERROR, fmt, ap);
	va_end(ap);
	abort();
}
