/* Unit tests for web/pages/view.c: the relative times pages show. */
#include <time.h>

#include "hearth.h"
#include "tap.h"

int
main(void)
{
	struct arena	*a = arena_new();
	int64_t		 now = 1779926400;	/* 2026-05-28 00:00:00 UTC */

	is_str(web_ago(a, now - 10, now), "just now", "10 s: just now");
	is_str(web_ago(a, now - 59, now), "just now", "59 s: just now");
	is_str(web_ago(a, now - 60, now), "1 min", "60 s: 1 min");
	is_str(web_ago(a, now - 3599, now), "59 min", "59 min");
	is_str(web_ago(a, now - 3600, now), "1 h", "an hour");
	is_str(web_ago(a, now - 86399, now), "23 h", "23 h");
	is_str(web_ago(a, now - 86400, now), "1 d", "a day");
	is_str(web_ago(a, now - 6 * 86400, now), "6 d", "6 d");
	is_str(web_ago(a, now - 7 * 86400, now), "21 May 2026",
	    "a week: the date");
	is_str(web_ago(a, 1772496000, now), "3 Mar 2026",
	    "a one-digit day has no padding");
	is_str(web_ago(a, 1767139200, now), "31 Dec 2025", "December");
	is_str(web_ago(a, now + 30, now), "just now",
	    "a time a little ahead (clock skew): just now");
	arena_free(a);
	return done_testing();
}
