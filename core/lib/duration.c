/*
 * duration.c: durations in the config file, as a number with an optional unit
 * (s, m, h, d), so "14d" reads better than 1209600.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "lib.h"

/* Parse "90", "90s", "15m", "12h" or "14d" into seconds; -1 if malformed. */
int
duration_parse(const char *s, long *out)
{
	static const struct { char unit; long mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char	*end;
	long	 v, mult = 1;
	size_t	 i;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || v < 0)
		return -1;
	if (*end != '\0') {
		for (i = 0; i < nitems(units); i++) {
			if (*end == units[i].unit)
				mult = units[i].mult;
		}
		if (mult == 1 && *end != 's')
			return -1;
		if (end[1] != '\0')
			return -1;
	}
	if (v > LONG_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}
