/*
 * head.c: the request head, read strictly (RFC 9112). hearth may be
 * reached by anyone on the network, and request smuggling lives in the
 * places where two readers of the same bytes could disagree: two
 * Content-Lengths, a Transfer-Encoding other than chunked, both at once, a
 * folded line, a bare CR or LF. Each is refused with 400 rather than
 * guessed at. A pure function over bytes, so its fuzzer drives it directly.
 */
#include <sys/types.h>

#include <string.h>
#include <strings.h>

#include "http.h"

/* RFC 9110 token characters. */
static const char tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['|'] = 1, ['~'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* The methods hearth knows; any other token is 501. */
static const struct {
	const char	*name;
	int		 bit;
} methods[] = {
	{ "GET", M_GET }, { "HEAD", M_HEAD }, { "POST", M_POST },
	{ "PUT", M_PUT }, { "DELETE", M_DELETE }, { "PATCH", M_PATCH },
	{ "OPTIONS", M_OPTIONS }, { "TRACE", M_TRACE },
	{ "CONNECT", M_CONNECT },
};

/*
 * Look at the bytes that arrived since the last call: the head's length
 * (through its empty line) once it is whole, 0 while it is not, or -1 with
 * *status and *why when what arrived can never be a good head: a line
 * ended by a bare LF, a bare CR, a NUL, or more than max bytes (414 while
 * still in the request line, else 431). Each byte is looked at once, however slowly
 * they come.
 */
ssize_t
http_head_end(const char *buf, size_t len, struct http_scan *s, size_t max,
    int *status, const char **why)
{
	size_t	i, lim = len < max + 1 ? len : max + 1;

	/* Never past max + 1 bytes, so that the answer does not depend on
	 * how much arrived at once. */
	for (i = s->off; i < lim; i++) {
		if (buf[i] == '\r') {
			if (i + 1 == lim)
				break;		/* its LF may be next */
			if (buf[i + 1] != '\n') {
				*status = 400;
				*why = "a header line holds a bare CR";
				return -1;
			}
			continue;
		}
		if (buf[i] == '\0') {
			*status = 400;
			*why = "the request head holds a NUL byte";
			return -1;
		}
		if (buf[i] != '\n')
			continue;
		if (i == 0 || buf[i - 1] != '\r') {
			*status = 400;
			*why = "a header line ends in a bare LF (not CRLF)";
			return -1;
		}
		if (i - 1 == s->line && s->line > 0) {
			if (i + 1 > max)
				break;		/* whole, but too large */
			return (ssize_t)(i + 1);	/* the empty line */
		}
		s->line = i + 1;
	}
	s->off = i;
	if (lim > max) {
		*status = s->line == 0 ? 414 : 431;
		*why = s->line == 0 ? "the request line is too long" :
		    "the request's header fields are too large";
		return -1;
	}
	return 0;
}

/* Whether a field's value holds only what RFC 9110 allows. */
static int
http_field_chars_ok(const char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned char	c = (unsigned char)*p;

		if (c < 0x20 ? c != '\t' : c == 0x7f)
			return 0;
	}
	return 1;
}

/* Parse a Content-Length: digits only, and not absurdly many. */
static int
http_length(const char *v, int64_t *out)
{
	int64_t	n = 0;
	int	digits = 0;

	for (; *v != '\0'; v++, digits++) {
		if (*v < '0' || *v > '9' || digits == 18)
			return -1;
		n = n * 10 + (*v - '0');
	}
	if (digits == 0)
		return -1;
	*out = n;
	return 0;
}

/* Read a Connection field's comma-separated options. */
static void
http_connection(const char *v, int *close, int *keepalive)
{
	const char	*p = v, *e;
	size_t		 n;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' &&
		    *e != '\t'; e++)
			;
		n = (size_t)(e - p);
		if (n == 5 && strncasecmp(p, "close", 5) == 0)
			*close = 1;
		else if (n == 10 && strncasecmp(p, "keep-alive", 10) == 0)
			*keepalive = 1;
		p = e;
	}
}

/*
 * The path (and query) a target names: origin-form as it is, absolute-form
 * ("http://host/path", which RFC 9112 says a server must accept) from its
 * path on. NULL for anything else (authority-form, "*").
 */
static const char *
http_target_path(const char *t)
{
	const char	*p;

	if (*t == '/')
		return t;
	if (strncasecmp(t, "http://", 7) == 0)
		p = t + 7;
	else if (strncasecmp(t, "https://", 8) == 0)
		p = t + 8;
	else
		return NULL;
	p += strcspn(p, "/?");
	if (*p == '\0')
		return "/";
	return *p == '/' ? p : NULL;
}

/* Check the fields that frame the message, and what they say. */
static int
http_head_semantics(struct http_head *h, const char **why)
{
	const struct http_field	*f;
	size_t			 i;
	int			 hosts = 0, te = 0, keepalive = 0;

	for (i = 0; i < h->nfields; i++) {
		f = &h->fields[i];
		if (strcasecmp(f->name, "Content-Length") == 0) {
			if (h->content_length != -1) {
				*why = "more than one Content-Length";
				return 400;
			}
			if (http_length(f->value, &h->content_length) != 0) {
				*why = "Content-Length is not a number";
				return 400;
			}
		} else if (strcasecmp(f->name, "Transfer-Encoding") == 0) {
			if (te++ > 0) {
				*why = "more than one Transfer-Encoding";
				return 400;
			}
			if (strcasecmp(f->value, "chunked") != 0) {
				*why = "Transfer-Encoding other than chunked";
				return 400;
			}
			h->chunked = 1;
		} else if (strcasecmp(f->name, "Host") == 0) {
			hosts++;
		} else if (strcasecmp(f->name, "Connection") == 0) {
			http_connection(f->value, &h->close, &keepalive);
		} else if (strcasecmp(f->name, "Expect") == 0) {
			if (strcasecmp(f->value, "100-continue") != 0) {
				*why = "an Expect this server cannot meet";
				return 417;
			}
			h->expect_continue = 1;
		}
	}
	if (h->chunked && h->content_length != -1) {
		*why = "both Content-Length and Transfer-Encoding";
		return 400;
	}
	if (h->chunked && h->minor == 0) {
		*why = "Transfer-Encoding in an HTTP/1.0 request";
		return 400;
	}
	if (hosts > 1 || (hosts == 0 && h->minor == 1)) {
		*why = hosts ? "more than one Host" : "no Host";
		return 400;
	}
	if (h->minor == 0 && !keepalive)
		h->close = 1;
	return 0;
}

/* Parse the request line at p; the byte after it in *next. */
static int
http_request_line(char *p, struct http_head *h, char **next,
    const char **why)
{
	char	*s, *crlf = strstr(p, "\r\n");
	size_t	 i;

	if (crlf == NULL) {
		*why = "the request line does not end in CRLF";
		return 400;
	}
	*crlf = '\0';
	*next = crlf + 2;
	for (s = p; tchar[(unsigned char)*s]; s++)
		;
	if (s == p || *s != ' ') {
		*why = "the request line does not start with a method";
		return 400;
	}
	*s++ = '\0';
	h->method = p;
	for (p = s; (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f &&
	    *p != '#'; p++)
		;
	if (p == s || *p != ' ') {
		*why = "the request target is missing or holds a space, a "
		    "control character, a fragment or a byte beyond ASCII";
		return 400;
	}
	*p++ = '\0';
	h->target = s;
	if (strncmp(p, "HTTP/", 5) != 0 || p[5] < '0' || p[5] > '9' ||
	    p[6] != '.' || p[7] < '0' || p[7] > '9' || p[8] != '\0') {
		*why = "the request line does not end in an HTTP version";
		return 400;
	}
	if (p[5] != '1') {
		*why = "only HTTP/1.0 and HTTP/1.1 are spoken here";
		return 505;
	}
	h->minor = p[7] == '0' ? 0 : 1;
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (strcmp(h->method, methods[i].name) == 0)
			h->mbit = methods[i].bit;
	}
	h->path = http_target_path(h->target);
	return 0;
}

/*
 * Parse a whole head (as http_head_end found it: len bytes through the
 * empty line, with room for a NUL after them) in place. 0, or an HTTP
 * status with *why: 400, 414, 417, 431, 501 or 505.
 */
int
http_head_parse(char *buf, size_t len, struct http_head *h, const char **why)
{
	struct http_field	*f;
	char			*p, *end, *colon, *v, *ve;
	int			 rc;

	memset(h, 0, sizeof *h);
	h->content_length = -1;
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		*why = "the request head holds a NUL byte";
		return 400;
	}
	if ((rc = http_request_line(buf, h, &p, why)) != 0)
		return rc;
	while (strncmp(p, "\r\n", 2) != 0) {
		if ((end = strstr(p, "\r\n")) == NULL) {
			*why = "the request head does not end in an empty line";
			return 400;
		}
		if (*p == ' ' || *p == '\t') {
			*why = "a header line is folded (obsolete line folding)";
			return 400;
		}
		for (colon = p; tchar[(unsigned char)*colon]; colon++)
			;
		if (colon == p || *colon != ':') {
			*why = "a header line has no name, a bad character in "
			    "its name, or space before its colon";
			return 400;
		}
		if (h->nfields == HTTP_FIELDS_MAX) {
			*why = "too many header lines";
			return 431;
		}
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (ve = end; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		if (!http_field_chars_ok(v, ve)) {
			*why = "a header value holds a control character";
			return 400;
		}
		*colon = '\0';
		*ve = '\0';
		f = &h->fields[h->nfields++];
		f->name = p;
		f->value = v;
		p = end + 2;
	}
	if ((rc = http_head_semantics(h, why)) != 0)
		return rc;
	if (h->mbit == 0) {
		*why = "a method this server does not implement";
		return 501;
	}
	return 0;
}

/* A field's value (the first, by case-insensitive name), or NULL. */
const char *
http_head_field(const struct http_head *h, const char *name)
{
	size_t	i;

	for (i = 0; i < h->nfields; i++) {
		if (strcasecmp(h->fields[i].name, name) == 0)
			return h->fields[i].value;
	}
	return NULL;
}
