/*
 * multipart.c: multipart/form-data bodies (RFC 7578), which browsers and
 * Mastodon apps use to upload avatars and headers. The parser is strict where
 * leniency would let two readers disagree on where a part ends: delimiters
 * and header lines end in CRLF only (every real client sends CRLF; a bare LF
 * is refused, not guessed at), a line that starts with the delimiter must be
 * one, and part headers hold no NUL, bare CR or LF, or folded lines.
 *
 * File parts (those with a filename) point into the body, which outlives the
 * parse, and may hold any bytes. Plain fields are copied into the arena with
 * a NUL after them and must be well-formed UTF-8 without NUL, as form.c
 * demands of urlencoded forms, so callers can use them as C strings. Every
 * search starts at the current position and memmem is linear, so the whole
 * parse is linear in the body.
 */
#include <string.h>
#include <strings.h>

#include "lib.h"

#define MULTIPART_MAX_PARTS	64
#define MULTIPART_MAX_HEADERS	8192	/* bytes of headers in one part */
#define MULTIPART_MAX_BOUNDARY	70	/* RFC 2046, section 5.1.1 */

/* Whether c may appear in an HTTP token (RFC 9110 tchar). */
static int
is_tchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Whether c may appear in a boundary (RFC 2046 bchars). */
static int
is_bchar(int c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* Skip optional whitespace. */
static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Read the next ";name=value" parameter of a header value into the arena.
 * A quoted value may use \" and \\; any other backslash stays as it is, since
 * browsers send Windows paths unescaped. An unquoted value runs to the next
 * ';' or whitespace. Returns 1 with a parameter, 0 at the end, -1 if
 * malformed.
 */
static int
param_next(struct arena *a, const char **pp, char **name, char **value)
{
	const char	*p = skip_ows(*pp), *start;
	char		*v;
	size_t		 n;

	while (*p == ';')
		p = skip_ows(p + 1);
	if (*p == '\0') {
		*pp = p;
		return 0;
	}
	for (start = p; is_tchar((unsigned char)*p); p++)
		;
	if (p == start)
		return -1;
	*name = arena_strndup(a, start, p - start);
	p = skip_ows(p);
	if (*p++ != '=')
		return -1;
	p = skip_ows(p);
	if (*p == '"') {
		/* Find the end first: allocating the rest of the header for
		 * each of thousands of parameters would be quadratic. */
		for (start = ++p; *p != '"'; p++) {
			if (*p == '\0')
				return -1;
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
		}
		v = arena_alloc(a, p - start + 1);
		for (n = 0, p = start; *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			v[n++] = *p;
		}
		v[n] = '\0';
		p++;
	} else {
		for (start = p; *p != '\0' && *p != ';' && *p != ' ' &&
		    *p != '\t' && *p != '"'; p++)
			;
		if (p == start)
			return -1;
		v = arena_strndup(a, start, p - start);
	}
	p = skip_ows(p);
	if (*p != '\0' && *p != ';')
		return -1;
	*value = v;
	*pp = p;
	return 1;
}

/* The boundary of a multipart/form-data Content-Type, or NULL with *cause. */
static const char *
boundary_get(struct arena *a, const char *ctype, char **cause)
{
	const char	*p, *b = NULL;
	char		*name, *value;
	size_t		 i, len;
	int		 rc;

	if (ctype == NULL) {
		*cause = xstrdup("multipart: no Content-Type");
		return NULL;
	}
	p = skip_ows(ctype);
	if (strncasecmp(p, "multipart/form-data", 19) != 0 ||
	    (p[19] != '\0' && p[19] != ';' && p[19] != ' ' && p[19] != '\t')) {
		*cause = xstrdup("multipart: Content-Type is not "
		    "multipart/form-data");
		return NULL;
	}
	p += 19;
	while ((rc = param_next(a, &p, &name, &value)) == 1) {
		if (strcasecmp(name, "boundary") != 0)
			continue;
		if (b != NULL) {
			*cause = xstrdup("multipart: more than one boundary");
			return NULL;
		}
		b = value;
	}
	if (rc == -1) {
		*cause = xstrdup("multipart: malformed Content-Type "
		    "parameters");
		return NULL;
	}
	if (b == NULL || *b == '\0') {
		*cause = xstrdup("multipart: no boundary in Content-Type");
		return NULL;
	}
	len = strlen(b);
	if (len > MULTIPART_MAX_BOUNDARY) {
		*cause = xasprintf("multipart: boundary longer than %d "
		    "characters", MULTIPART_MAX_BOUNDARY);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (!is_bchar((unsigned char)b[i])) {
			*cause = xstrdup("multipart: boundary has a character "
			    "RFC 2046 does not allow");
			return NULL;
		}
	}
	if (b[len - 1] == ' ') {
		*cause = xstrdup("multipart: boundary ends in a space");
		return NULL;
	}
	return b;
}

/*
 * Decode an RFC 8187 ext-value (filename*=UTF-8''caf%C3%A9.png). NULL if it
 * is malformed or not UTF-8: then plain filename is used instead.
 */
static char *
ext_value(struct arena *a, const char *v)
{
	const char	*p;
	char		*out;

	if (strncasecmp(v, "UTF-8'", 6) != 0 ||
	    (p = strchr(v + 6, '\'')) == NULL)
		return NULL;
	p++;
	/* Percent-decoded as a path is: '+' is itself, no NUL, UTF-8. */
	if ((out = path_decode(a, p, strlen(p))) == NULL || *out == '\0')
		return NULL;
	return out;
}

/* Parse a part's Content-Disposition value. 0, or -1 with *cause. */
static int
disposition_parse(struct arena *a, const char *v, struct part *pt,
    size_t idx, char **cause)
{
	const char	*p = skip_ows(v);
	char		*name, *value, *ext = NULL;
	int		 rc, seen_ext = 0;

	if (strncasecmp(p, "form-data", 9) != 0 ||
	    (p[9] != '\0' && p[9] != ';' && p[9] != ' ' && p[9] != '\t')) {
		*cause = xasprintf("multipart: part %zu: Content-Disposition "
		    "is not form-data", idx);
		return -1;
	}
	p += 9;
	while ((rc = param_next(a, &p, &name, &value)) == 1) {
		if (strcasecmp(name, "name") == 0) {
			if (pt->name != NULL)
				goto dup;
			pt->name = value;
		} else if (strcasecmp(name, "filename") == 0) {
			if (pt->filename != NULL)
				goto dup;
			pt->filename = value;
		} else if (strcasecmp(name, "filename*") == 0) {
			if (seen_ext++)
				goto dup;
			ext = ext_value(a, value);
		}
	}
	if (rc == -1) {
		*cause = xasprintf("multipart: part %zu: malformed "
		    "Content-Disposition", idx);
		return -1;
	}
	if (pt->name == NULL || *pt->name == '\0') {
		*cause = xasprintf("multipart: part %zu: missing "
		    "Content-Disposition name", idx);
		return -1;
	}
	if (!utf8_valid((unsigned char *)pt->name, strlen(pt->name))) {
		*cause = xasprintf("multipart: part %zu: name is not UTF-8",
		    idx);
		return -1;
	}
	if (ext != NULL)
		pt->filename = ext;
	else if (pt->filename == NULL && seen_ext)
		pt->filename = "";	/* a file, whatever its name */
	if (pt->filename != NULL &&
	    !utf8_valid((unsigned char *)pt->filename, strlen(pt->filename))) {
		*cause = xasprintf("multipart: part %zu: filename is not "
		    "UTF-8", idx);
		return -1;
	}
	return 0;

dup:
	*cause = xasprintf("multipart: part %zu: Content-Disposition has %s "
	    "twice", idx, name);
	return -1;
}

/*
 * Parse the header block of one part (hdr, without its final blank line).
 * 0, or -1 with *cause.
 */
static int
headers_parse(struct arena *a, const char *hdr, size_t len, struct part *pt,
    size_t idx, char **cause)
{
	const char	*line, *eol, *end = hdr + len, *colon, *ve;
	char		*name, *value;
	int		 seen_cd = 0;
	size_t		 i;

	for (i = 0; i < len; i++) {
		if (hdr[i] == '\0' || (hdr[i] == '\r' &&
		    (i + 1 == len || hdr[i + 1] != '\n')) ||
		    (hdr[i] == '\n' && (i == 0 || hdr[i - 1] != '\r'))) {
			*cause = xasprintf("multipart: part %zu: NUL, bare CR "
			    "or bare LF in headers", idx);
			return -1;
		}
	}
	for (line = hdr; line < end; line = eol + 2) {
		if ((eol = memmem(line, end - line, "\r\n", 2)) == NULL)
			eol = end;
		if (*line == ' ' || *line == '\t') {
			*cause = xasprintf("multipart: part %zu: folded header "
			    "line", idx);
			return -1;
		}
		for (colon = line; colon < eol &&
		    is_tchar((unsigned char)*colon); colon++)
			;
		if (colon == line || colon == eol || *colon != ':') {
			*cause = xasprintf("multipart: part %zu: malformed "
			    "header line", idx);
			return -1;
		}
		name = arena_strndup(a, line, colon - line);
		for (colon++; colon < eol && (*colon == ' ' || *colon == '\t');
		    colon++)
			;
		for (ve = eol; ve > colon && (ve[-1] == ' ' || ve[-1] == '\t');
		    ve--)
			;
		value = arena_strndup(a, colon, ve - colon);
		if (strcasecmp(name, "Content-Disposition") == 0) {
			if (seen_cd++) {
				*cause = xasprintf("multipart: part %zu: more "
				    "than one Content-Disposition", idx);
				return -1;
			}
			if (disposition_parse(a, value, pt, idx, cause) != 0)
				return -1;
		} else if (strcasecmp(name, "Content-Type") == 0) {
			if (pt->content_type != NULL) {
				*cause = xasprintf("multipart: part %zu: more "
				    "than one Content-Type", idx);
				return -1;
			}
			pt->content_type = value;
		}
		/* Anything else (Content-Transfer-Encoding, which RFC 7578
		 * deprecates, included) is ignored. */
	}
	if (!seen_cd) {
		*cause = xasprintf("multipart: part %zu: missing "
		    "Content-Disposition", idx);
		return -1;
	}
	return 0;
}

/*
 * After "--boundary" at p: 1 if a part follows (transport padding and CRLF
 * skipped), 0 for the closing delimiter, -1 if anything else follows.
 */
static int
delimiter_end(const char **pp, const char *end)
{
	const char	*p = *pp;

	if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
		*pp = p + 2;
		return 0;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
		*pp = p + 2;
		return 1;
	}
	return -1;
}

/*
 * Parse a multipart/form-data body whose Content-Type header is ctype.
 * 0 with out filled, or -1 with *cause (the caller frees it).
 */
int
multipart_parse(struct arena *a, const char *ctype, const char *body,
    size_t len, struct multipart *out, char **cause)
{
	const char	*bnd, *p, *end = body + len, *hend, *next;
	char		*delim, *copy;
	size_t		 dlen, hlen, idx;
	struct part	*pt;
	int		 rc;

	out->parts = NULL;
	out->n = 0;
	if ((bnd = boundary_get(a, ctype, cause)) == NULL)
		return -1;
	/* Every delimiter but a first one at the very start is CRLF--bnd. */
	delim = arena_printf(a, "\r\n--%s", bnd);
	dlen = strlen(delim);
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;
	else {
		*cause = xstrdup("multipart: no boundary delimiter in body");
		return -1;
	}
	out->parts = arena_alloc(a, MULTIPART_MAX_PARTS * sizeof *out->parts);
	for (;;) {
		if ((rc = delimiter_end(&p, end)) == 0)
			break;
		if (rc == -1) {
			*cause = xasprintf("multipart: part %zu: garbage after "
			    "the boundary delimiter", out->n + 1);
			return -1;
		}
		idx = out->n + 1;
		if (out->n == MULTIPART_MAX_PARTS) {
			*cause = xasprintf("multipart: more than %d parts",
			    MULTIPART_MAX_PARTS);
			return -1;
		}
		pt = &out->parts[out->n];
		memset(pt, 0, sizeof *pt);

		/* Headers end at a blank line; no headers is just CRLF. */
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p;
			next = p + 2;
		} else {
			hlen = (size_t)(end - p);
			if (hlen > MULTIPART_MAX_HEADERS + 4)
				hlen = MULTIPART_MAX_HEADERS + 4;
			if ((hend = memmem(p, hlen, "\r\n\r\n", 4)) == NULL) {
				*cause = xasprintf("multipart: part %zu: %s",
				    idx, hlen == (size_t)(end - p) ?
				    "headers are not terminated" :
				    "headers longer than 8 KiB");
				return -1;
			}
			next = hend + 4;
		}
		if (headers_parse(a, p, hend - p, pt, idx, cause) != 0)
			return -1;

		/* The data runs to the next delimiter. */
		p = next;
		if ((next = memmem(p, end - p, delim, dlen)) == NULL) {
			*cause = xasprintf("multipart: part %zu: no closing "
			    "delimiter", idx);
			return -1;
		}
		pt->data = p;
		pt->len = next - p;
		if (pt->filename == NULL) {
			if (!utf8_valid((const unsigned char *)p, pt->len)) {
				*cause = xasprintf("multipart: part %zu: field "
				    "\"%s\" is not UTF-8 text", idx, pt->name);
				return -1;
			}
			copy = arena_alloc(a, pt->len + 1);
			memcpy(copy, p, pt->len);
			copy[pt->len] = '\0';
			pt->data = copy;
		}
		out->n++;
		p = next + dlen;
	}
	return 0;
}

/* The first part called name, or NULL. */
const struct part *
multipart_get(const struct multipart *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->parts[i].name, name) == 0)
			return &m->parts[i];
	}
	return NULL;
}
