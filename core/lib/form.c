/*
 * form.c: application/x-www-form-urlencoded bodies and query strings. Bad
 * percent-encoding or bytes that are not UTF-8 reject the whole input rather
 * than letting a half-decoded value reach the domain layer.
 */
#include <string.h>

#include "lib.h"

#define FORM_MAX_FIELDS 256

/* Value of a hex digit, or -1 (chunk sizes use it too). */
int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode into the arena, '+' to space if plus (forms and queries;
 * not paths); NULL if an escape is malformed, or it decodes to a NUL or to
 * bytes that are not UTF-8.
 */
static char *
decode(struct arena *a, const char *s, size_t len, int plus)
{
	char	*out = arena_alloc(a, len + 1), *p = out;
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+' && plus)
			*p++ = ' ';
		else if (s[i] != '%')
			*p++ = s[i];
		else if (len - i < 3 ||
		    (hi = hex_value((unsigned char)s[i + 1])) < 0 ||
		    (lo = hex_value((unsigned char)s[i + 2])) < 0 ||
		    (hi | lo) == 0)
			return NULL;
		else {
			*p++ = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	*p = '\0';
	if (!utf8_valid((unsigned char *)out, (size_t)(p - out)))
		return NULL;
	return out;
}

/* A form or query value, decoded; NULL if malformed. */
char *
form_decode(struct arena *a, const char *s, size_t len)
{
	return decode(a, s, len, 1);
}

/* A URL's path, decoded ('+' stays '+'); NULL if malformed. */
char *
path_decode(struct arena *a, const char *s, size_t len)
{
	return decode(a, s, len, 0);
}

/* Parse "a=1&b=2" into a list; -1 on malformed input or too many fields. */
int
form_parse(struct arena *a, const char *data, size_t len, struct kvlist *out)
{
	const char	*p = data, *end = data + len, *amp, *eq;
	char		*key, *value;

	while (p < end) {
		amp = memchr(p, '&', end - p);
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (out->n >= FORM_MAX_FIELDS)
			return -1;
		eq = memchr(p, '=', amp - p);
		if (eq == NULL)
			eq = amp;
		if ((key = form_decode(a, p, eq - p)) == NULL)
			return -1;
		if (eq == amp)
			value = arena_strdup(a, "");
		else if ((value = form_decode(a, eq + 1, amp - eq - 1)) == NULL)
			return -1;
		kv_add(a, out, key, value);
		p = amp + 1;
	}
	return 0;
}
