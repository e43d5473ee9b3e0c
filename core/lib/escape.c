/*
 * escape.c: escaping for HTML text and attributes, and for URL components.
 * Everything hearth writes into a page goes through escape_html unless it is
 * HTML that hearth itself produced and sanitised.
 */
#include <string.h>

#include <event2/buffer.h>

#include "lib.h"

/* Append text to an HTML buffer, escaped for text and quoted attributes. */
void
escape_html(struct evbuffer *out, const char *s, size_t len)
{
	const char	*start = s, *end = s + len;
	const char	*rep;

	for (; s < end; s++) {
		switch (*s) {
		case '&':  rep = "&amp;"; break;
		case '<':  rep = "&lt;"; break;
		case '>':  rep = "&gt;"; break;
		case '"':  rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '`':  rep = "&#96;"; break;
		default:   continue;
		}
		if (s > start)
			evbuffer_add(out, start, s - start);
		evbuffer_add(out, rep, strlen(rep));
		start = s + 1;
	}
	if (s > start)
		evbuffer_add(out, start, s - start);
}

/* Percent-encode everything but RFC 3986 unreserved characters (and '/'
 * too when keep_slash is set). */
static char *
escape_url_chars(struct arena *a, const char *s, int keep_slash)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 len = strlen(s);
	char			*out = arena_alloc(a, len * 3 + 1), *p = out;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (keep_slash && c == '/'))
			*p++ = (char)c;
		else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

/* Percent-encode a query component. */
char *
escape_url(struct arena *a, const char *s)
{
	return escape_url_chars(a, s, 0);
}

/* Percent-encode a path, keeping its slashes. */
char *
escape_url_path(struct arena *a, const char *s)
{
	return escape_url_chars(a, s, 1);
}
