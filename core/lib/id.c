/*
 * id.c: ids as they travel in text (paths, query parameters, JSON strings:
 * Mastodon's ids are strings). One parser, so that "12abc", "+12", " 12",
 * "-1" and 2^63 are refused the same way everywhere. And numbers written
 * out without printf, whose format parsing cost more than the digits on
 * pages that write hundreds.
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

/* v in decimal into out (at least 21 bytes), NUL-terminated; its length. */
size_t
dec_format(char *out, int64_t v)
{
	char		 tmp[24];
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t		 n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		out[i++] = '-';
	while (n > 0)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return i;
}
