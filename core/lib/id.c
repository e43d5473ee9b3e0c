/*
 * id.c: ids as they travel in text (paths, query parameters, JSON strings:
 * Mastodon's ids are strings). One parser, so that "12abc", "+12", " 12",
 * "-1" and 2^63 are refused the same way everywhere.
 */
#include <errno.h>
#include <stdlib.h>

#include "lib.h"

/* A positive decimal id, or 0 if s is not one (NULL, empty, a sign,
 * spaces, trailing bytes, out of range). */
int64_t
id_parse(const char *s)
{
	char		*end;
	long long	 n;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || n <= 0)
		return 0;
	return n;
}
