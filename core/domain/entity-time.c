/*
 * entity-time.c: a moment as Mastodon's entities write it. Its own file,
 * below entity.c, so the modules entity.c reads (filters) can write
 * times too without calling back up into it.
 */
#include <time.h>

#include "domain.h"

/* ISO 8601 UTC with milliseconds, as Mastodon writes times. */
json_t *
entity_time(int64_t t)
{
	char		buf[32];
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return json_string(buf);
}
