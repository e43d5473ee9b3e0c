/*
 * scim-filter.c: SCIM's filter language (RFC 7644 3.4.2.2) and its PATCH
 * paths (3.5.2), read into a tree in an arena. A tree becomes SQL over
 * hearth's tables through a table of the attributes one may filter on
 * (scim_filter_sql), or is matched in memory against one value of a
 * multi-valued attribute (a PATCH's members[value eq "ID"]). Filters and
 * paths come from the directory: each input is bounded, and each refusal
 * says what is wrong and where.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "domain.h"

#define FILTER_DEPTH_MAX	16	/* nested parentheses and not() */
#define FILTER_NODES_MAX	128	/* comparisons and logic */

/* Schemas whose attributes one may name without their URN. */
static const char *const core_schemas[] = {
	SCIM_SCHEMA_USER, SCIM_SCHEMA_GROUP,
};

/* Schemas a path may name whole (PATCH's value is then an object). */
static const char *const whole_schemas[] = {
	SCIM_SCHEMA_ENTERPRISE,
};

static const struct {
	const char	*name;
	enum scim_fop	 op;
} compare_ops[] = {
	{ "eq", SF_EQ }, { "ne", SF_NE }, { "co", SF_CO }, { "sw", SF_SW },
	{ "ew", SF_EW }, { "gt", SF_GT }, { "ge", SF_GE }, { "lt", SF_LT },
	{ "le", SF_LE },
};

struct lex {
	struct arena	*a;
	const char	*s;		/* the whole input */
	const char	*p;		/* where reading is */
	int		 depth;
	int		 nodes;
	int		 in_values;	/* inside attr[...] */
	char		*cause;
};

static struct scim_filter *parse_or(struct lex *);

/* Refuse with a message naming the character where reading stopped. */
static void *
lex_fail(struct lex *l, const char *what)
{
	if (l->cause == NULL) {
		if (*l->p == '\0')
			l->cause = xasprintf("%s at the end", what);
		else
			l->cause = xasprintf("%s at character %zu ('%c')", what,
			    (size_t)(l->p - l->s) + 1, isprint((unsigned char)
			    *l->p) ? *l->p : '?');
	}
	return NULL;
}

/* Skip spaces; how many. */
static size_t
lex_space(struct lex *l)
{
	const char	*p = l->p;

	while (*l->p == ' ' || *l->p == '\t')
		l->p++;
	return (size_t)(l->p - p);
}

/* Whether c may be part of an attribute path. */
static int
name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '$' || c == ':' ||
	    c == '.';
}

/* Take keyword w (any case) if it comes next as a whole word. */
static int
lex_word(struct lex *l, const char *w)
{
	size_t	n = strlen(w);

	if (strncasecmp(l->p, w, n) != 0 || name_char((unsigned char)l->p[n]))
		return 0;
	l->p += n;
	return 1;
}

/* Whether s is one ATTRNAME, optionally with one ".subAttr". */
static int
attr_name_ok(const char *s, size_t n, int sub_ok)
{
	size_t	i, start = 0;
	int	parts = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start || !(isalpha((unsigned char)s[start]) ||
		    s[start] == '$'))
			return 0;
		for (; start < i; start++) {
			if (!isalnum((unsigned char)s[start]) &&
			    s[start] != '_' && s[start] != '-' &&
			    s[start] != '$')
				return 0;
		}
		start = i + 1;
		parts++;
	}
	return parts == 1 || (parts == 2 && sub_ok);
}

/*
 * An attribute path as the tree keeps it: the core schemas' URN dropped
 * (urn:...:core:2.0:User:userName is userName), an extension's kept
 * (urn:...:enterprise:2.0:User:department), a whole extension schema as
 * itself. NULL if it is not one.
 */
static const char *
attr_normalise(struct arena *a, const char *s, size_t n, int sub_ok)
{
	const char	*colon = NULL, *rest;
	size_t		 i, ulen;

	if (n > 4 && strncasecmp(s, "urn:", 4) == 0) {
		for (i = 0; i < nitems(whole_schemas); i++) {
			if (strlen(whole_schemas[i]) == n &&
			    strncasecmp(s, whole_schemas[i], n) == 0)
				return whole_schemas[i];
		}
		for (i = n; i > 0; i--) {
			if (s[i - 1] == ':') {
				colon = s + i - 1;
				break;
			}
		}
		rest = colon + 1;
		ulen = (size_t)(colon - s);
		if (!attr_name_ok(rest, n - ulen - 1, sub_ok))
			return NULL;
		for (i = 0; i < nitems(core_schemas); i++) {
			if (strlen(core_schemas[i]) == ulen &&
			    strncasecmp(s, core_schemas[i], ulen) == 0)
				return arena_strndup(a, rest, n - ulen - 1);
		}
		return arena_strndup(a, s, n);
	}
	if (memchr(s, ':', n) != NULL || !attr_name_ok(s, n, sub_ok))
		return NULL;
	return arena_strndup(a, s, n);
}

/* An attribute path (inside [...]: one sub-attribute's name). */
static const char *
lex_attr(struct lex *l)
{
	const char	*start = l->p, *name;

	while (name_char((unsigned char)*l->p))
		l->p++;
	if (l->p == start) {
		l->p = start;
		return lex_fail(l, "expected an attribute name");
	}
	if (l->in_values && memchr(start, ':', l->p - start) == NULL &&
	    memchr(start, '.', l->p - start) == NULL &&
	    attr_name_ok(start, l->p - start, 0))
		return arena_strndup(l->a, start, l->p - start);
	if (!l->in_values && (name = attr_normalise(l->a, start,
	    l->p - start, 1)) != NULL)
		return name;
	l->p = start;
	return lex_fail(l, l->in_values ? "expected a sub-attribute name "
	    "(such as value or type)" : "expected an attribute name (such as "
	    "userName or name.givenName)");
}

/* Append code point cp to out as UTF-8. */
static size_t
utf8_put(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Four hex digits at p: the value, or -1. */
static long
hex4(const char *p)
{
	long	v = 0;
	int	i;

	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)p[i]) ? p[i] - '0' :
		    tolower((unsigned char)p[i]) - 'a' + 10);
	}
	return v;
}

/* A JSON string (the opening quote is next), decoded. */
static const char *
lex_string(struct lex *l)
{
	const char	*p = l->p + 1;
	char		*out, *o;
	long		 cp, lo;

	out = o = arena_alloc(l->a, strlen(p) + 1);
	for (;;) {
		if (*p == '\0')
			return lex_fail(l, "a string is not closed");
		if (*p == '"')
			break;
		if ((unsigned char)*p < 0x20) {
			l->p = p;
			return lex_fail(l, "a control character in a string");
		}
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/':
			*o++ = *p++;
			continue;
		case 'b': *o++ = '\b'; p++; continue;
		case 'f': *o++ = '\f'; p++; continue;
		case 'n': *o++ = '\n'; p++; continue;
		case 'r': *o++ = '\r'; p++; continue;
		case 't': *o++ = '\t'; p++; continue;
		case 'u':
			break;
		default:
			l->p = p;
			return lex_fail(l, "a bad escape in a string");
		}
		if ((cp = hex4(p + 1)) < 0) {
			l->p = p;
			return lex_fail(l, "a bad \\u escape in a string");
		}
		p += 5;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (p[0] != '\\' || p[1] != 'u' ||
			    (lo = hex4(p + 2)) < 0xdc00 || lo > 0xdfff) {
				l->p = p;
				return lex_fail(l, "an unpaired surrogate in a "
				    "string");
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
			l->p = p;
			return lex_fail(l, cp == 0 ? "a NUL in a string" :
			    "an unpaired surrogate in a string");
		}
		o += utf8_put(o, (unsigned long)cp);
	}
	*o = '\0';
	l->p = p + 1;
	if (!utf8_valid((const unsigned char *)out, (size_t)(o - out))) {
		l->p = p;
		return lex_fail(l, "a string is not UTF-8");
	}
	return out;
}

/* A comparison's value into f: a string, number, true, false or null;
 * or (as Microsoft's examples write externalId eq jyoung) a bare word. */
static int
lex_value(struct lex *l, struct scim_filter *f)
{
	const char	*start = l->p, *p;

	if (*l->p == '"') {
		f->kind = SV_STRING;
		return (f->value = lex_string(l)) == NULL ? -1 : 0;
	}
	if (lex_word(l, "true") || lex_word(l, "false") ||
	    lex_word(l, "null")) {
		f->kind = tolower((unsigned char)*start) == 't' ? SV_TRUE :
		    tolower((unsigned char)*start) == 'f' ? SV_FALSE : SV_NULL;
		return 0;
	}
	p = l->p;
	if (*p == '-')
		p++;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.' && isdigit((unsigned char)p[1]))
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)
		    p[1]) || ((p[1] == '+' || p[1] == '-') &&
		    isdigit((unsigned char)p[2])))) {
			for (p += 2; isdigit((unsigned char)*p); p++)
				;
		}
		if (*p == '\0' || *p == ' ' || *p == '\t' || *p == ')' ||
		    *p == ']') {
			f->kind = SV_NUMBER;
			f->value = arena_strndup(l->a, start, p - start);
			l->p = p;
			return 0;
		}
	}
	for (p = l->p; *p != '\0' && *p != ' ' && *p != '\t' && *p != '(' &&
	    *p != ')' && *p != '[' && *p != ']' && *p != '"'; p++)
		;
	if (p == l->p) {
		lex_fail(l, "expected a value (a \"string\", a number, true, "
		    "false or null)");
		return -1;
	}
	f->kind = SV_STRING;
	f->value = arena_strndup(l->a, l->p, p - l->p);
	l->p = p;
	return 0;
}

/* A new node. */
static struct scim_filter *
node_new(struct lex *l, enum scim_fop op)
{
	struct scim_filter	*f;

	if (++l->nodes > FILTER_NODES_MAX)
		return lex_fail(l, "the filter has too many terms (at most "
		    "128)");
	f = arena_alloc(l->a, sizeof *f);
	memset(f, 0, sizeof *f);
	f->op = op;
	return f;
}

/* After an attribute path: "pr", or an operator and a value. */
static struct scim_filter *
parse_compare(struct lex *l, const char *attr)
{
	struct scim_filter	*f;
	size_t			 i;

	if (lex_space(l) == 0)
		return lex_fail(l, "expected a space and an operator");
	if (lex_word(l, "pr")) {
		if ((f = node_new(l, SF_PR)) != NULL)
			f->attr = attr;
		return f;
	}
	for (i = 0; i < nitems(compare_ops); i++) {
		if (lex_word(l, compare_ops[i].name))
			break;
	}
	if (i == nitems(compare_ops))
		return lex_fail(l, "expected an operator (eq, ne, co, sw, ew, "
		    "gt, ge, lt, le or pr)");
	if ((f = node_new(l, compare_ops[i].op)) == NULL)
		return NULL;
	f->attr = attr;
	if (lex_space(l) == 0)
		return lex_fail(l, "expected a space and a value");
	return lex_value(l, f) == 0 ? f : NULL;
}

/* attr op value, attr pr, or attr[filter] (and then maybe .sub op
 * value, which Microsoft sends: emails[type eq "work"].value eq "x"). */
static struct scim_filter *
parse_attr_exp(struct lex *l)
{
	struct scim_filter	*f, *inner, *both;
	const char		*attr, *sub;

	if ((attr = lex_attr(l)) == NULL)
		return NULL;
	if (*l->p != '[')
		return parse_compare(l, attr);
	if (l->in_values)
		return lex_fail(l, "a [filter] inside a [filter]");
	if (strchr(attr, '.') != NULL)
		return lex_fail(l, "a [filter] after a sub-attribute");
	l->p++;
	l->in_values = 1;
	lex_space(l);
	inner = parse_or(l);
	lex_space(l);
	l->in_values = 0;
	if (inner == NULL)
		return NULL;
	if (*l->p != ']')
		return lex_fail(l, "expected ']'");
	l->p++;
	if ((f = node_new(l, SF_VALUES)) == NULL)
		return NULL;
	f->attr = attr;
	f->a = inner;
	if (*l->p != '.')
		return f;
	l->p++;
	l->in_values = 1;
	sub = lex_attr(l);
	if (sub != NULL && (both = node_new(l, SF_AND)) != NULL &&
	    (both->b = parse_compare(l, sub)) != NULL) {
		both->a = inner;
		f->a = both;
		l->in_values = 0;
		return f;
	}
	l->in_values = 0;
	return NULL;
}

/* Whether an operator comes next (without taking it). */
static int
lex_compare_next(struct lex *l)
{
	const char	*save = l->p;
	size_t		 i;
	int		 yes = lex_word(l, "pr");

	for (i = 0; !yes && i < nitems(compare_ops); i++)
		yes = lex_word(l, compare_ops[i].name);
	l->p = save;
	return yes;
}

/* not (filter), (filter), or an attribute expression. */
static struct scim_filter *
parse_unary(struct lex *l)
{
	struct scim_filter	*f, *n = NULL;
	const char		*save = l->p;

	if (lex_word(l, "not")) {
		lex_space(l);
		if (*l->p != '(') {
			if (!lex_compare_next(l))
				return lex_fail(l, "expected '(' after not");
			l->p = save;	/* an attribute called "not" */
			return parse_attr_exp(l);
		}
		if ((n = node_new(l, SF_NOT)) == NULL)
			return NULL;
	}
	if (*l->p != '(')
		return parse_attr_exp(l);
	if (++l->depth > FILTER_DEPTH_MAX)
		return lex_fail(l, "the filter nests too deeply (at most 16 "
		    "levels)");
	l->p++;
	lex_space(l);
	if ((f = parse_or(l)) == NULL)
		return NULL;
	lex_space(l);
	if (*l->p != ')')
		return lex_fail(l, "expected ')'");
	l->p++;
	l->depth--;
	if (n == NULL)
		return f;
	n->a = f;
	return n;
}

/* Terms joined by "and" (which binds tighter than "or"). */
static struct scim_filter *
parse_and(struct lex *l)
{
	struct scim_filter	*f, *g, *n;
	const char		*save;

	if ((f = parse_unary(l)) == NULL)
		return NULL;
	for (;;) {
		save = l->p;
		if (lex_space(l) == 0 || !lex_word(l, "and")) {
			l->p = save;
			return f;
		}
		if (lex_space(l) == 0)
			return lex_fail(l, "expected a space and a term after "
			    "'and'");
		if ((g = parse_unary(l)) == NULL || (n = node_new(l,
		    SF_AND)) == NULL)
			return NULL;
		n->a = f;
		n->b = g;
		f = n;
	}
}

/* Terms joined by "or". */
static struct scim_filter *
parse_or(struct lex *l)
{
	struct scim_filter	*f, *g, *n;
	const char		*save;

	if ((f = parse_and(l)) == NULL)
		return NULL;
	for (;;) {
		save = l->p;
		if (lex_space(l) == 0 || !lex_word(l, "or")) {
			l->p = save;
			return f;
		}
		if (lex_space(l) == 0)
			return lex_fail(l, "expected a space and a term after "
			    "'or'");
		if ((g = parse_and(l)) == NULL || (n = node_new(l,
		    SF_OR)) == NULL)
			return NULL;
		n->a = f;
		n->b = g;
		f = n;
	}
}

/* Start reading s; -1 with *cause if it is too long or not UTF-8. */
static int
lex_init(struct lex *l, struct arena *a, const char *s, const char *what,
    char **cause)
{
	size_t	n = strlen(s);

	memset(l, 0, sizeof *l);
	l->a = a;
	l->s = l->p = s;
	if (n > SCIM_FILTER_MAX) {
		*cause = xasprintf("the %s is longer than %d bytes", what,
		    SCIM_FILTER_MAX);
		return -1;
	}
	if (!utf8_valid((const unsigned char *)s, n)) {
		*cause = xasprintf("the %s is not UTF-8", what);
		return -1;
	}
	return 0;
}

/* Read a filter (?filter=...); NULL with *cause (invalidFilter). */
struct scim_filter *
scim_filter_parse(struct arena *a, const char *s, char **cause)
{
	struct lex		 l;
	struct scim_filter	*f;

	if (lex_init(&l, a, s, "filter", cause) != 0)
		return NULL;
	lex_space(&l);
	if ((f = parse_or(&l)) != NULL) {
		lex_space(&l);
		if (*l.p != '\0')
			f = lex_fail(&l, "expected 'and', 'or' or the end");
	}
	if (f == NULL) {
		*cause = xasprintf("invalid filter: %s", l.cause);
		free(l.cause);
	}
	return f;
}

/*
 * Read a PATCH path: attrPath, attr[filter] or attr[filter].sub (RFC 7644
 * 3.5.2); 0, or -1 with *cause (invalidPath).
 */
int
scim_path_parse(struct arena *a, const char *s, struct scim_path *path,
    char **cause)
{
	struct lex	 l;

	memset(path, 0, sizeof *path);
	if (lex_init(&l, a, s, "path", cause) != 0)
		return -1;
	if ((path->attr = lex_attr(&l)) == NULL)
		goto fail;
	if (*l.p == '[') {
		if (strchr(path->attr, '.') != NULL) {
			lex_fail(&l, "a [filter] after a sub-attribute");
			goto fail;
		}
		l.p++;
		l.in_values = 1;
		lex_space(&l);
		if ((path->filter = parse_or(&l)) == NULL)
			goto fail;
		lex_space(&l);
		if (*l.p != ']') {
			lex_fail(&l, "expected ']'");
			goto fail;
		}
		l.p++;
		if (*l.p == '.') {
			l.p++;
			if ((path->sub = lex_attr(&l)) == NULL)
				goto fail;
		}
		l.in_values = 0;
	}
	if (*l.p != '\0') {
		lex_fail(&l, "expected the end of the path");
		goto fail;
	}
	return 0;
fail:
	*cause = xasprintf("invalid path \"%s\": %s", s, l.cause);
	free(l.cause);
	return -1;
}

/*
 * The attributes one may filter on, as SQL over the list queries' tables
 * (users: scim_users s JOIN users u; groups: directory_groups g). A
 * multi-valued attribute's values are rows of a table: `scope` is the
 * EXISTS around a condition on one of them (m), and the filter inside
 * attr[...] is one condition on one row. emails is a single row here:
 * hearth keeps one address, the work one.
 */
enum attr_type { AT_EXACT, AT_NOCASE, AT_BOOL };
struct scim_attr {
	const char	*name;
	const char	*sql;
	enum attr_type	 type;
	const char	*scope;
};
#define SQL_TIME(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"
#define MEMBERS_SCOPE "EXISTS (SELECT 1 FROM directory_group_members m " \
    "WHERE m.group_id = g.id AND "
static const struct scim_attr user_attrs[] = {
	{ "id",			"CAST(s.user_id AS TEXT)",	AT_EXACT, NULL },
	{ "userName",		"s.user_name",			AT_NOCASE, NULL },
	{ "externalId",		"s.external_id",		AT_EXACT, NULL },
	{ "displayName",	"u.display_name",		AT_NOCASE, NULL },
	{ "name.givenName",	"s.given_name",			AT_NOCASE, NULL },
	{ "name.familyName",	"s.family_name",		AT_NOCASE, NULL },
	{ "name.formatted",	"s.formatted",			AT_NOCASE, NULL },
	{ "title",		"u.job_title",			AT_NOCASE, NULL },
	{ "active",		"u.disabled = 0",		AT_BOOL, NULL },
	{ "emails.value",	"u.email",			AT_NOCASE, NULL },
	{ "emails.type",	"CASE WHEN coalesce(u.email, '') <> '' THEN "
	    "'work' END",					AT_NOCASE, NULL },
	{ "emails.primary",	"coalesce(u.email, '') <> ''",	AT_BOOL, NULL },
	{ SCIM_SCHEMA_ENTERPRISE ":department", "u.department",	AT_NOCASE,
	    NULL },
	{ "meta.created",	SQL_TIME("s.created_at"),	AT_EXACT, NULL },
	{ "meta.lastModified",	SQL_TIME("s.updated_at"),	AT_EXACT, NULL },
};
static const struct scim_attr group_attrs[] = {
	{ "id",			"CAST(g.id AS TEXT)",		AT_EXACT, NULL },
	{ "displayName",	"g.display_name",		AT_NOCASE, NULL },
	{ "externalId",		"g.external_id",		AT_EXACT, NULL },
	{ "members.value",	"CAST(m.user_id AS TEXT)",	AT_EXACT,
	    MEMBERS_SCOPE },
	{ "members.type",	"'User'",			AT_NOCASE,
	    MEMBERS_SCOPE },
	{ "meta.created",	SQL_TIME("g.created_at"),	AT_EXACT, NULL },
	{ "meta.lastModified",	SQL_TIME("g.updated_at"),	AT_EXACT, NULL },
};

/* SQL being written, and its arguments. */
struct sqlw {
	struct arena	*a;
	char		*s;
	size_t		 len, cap;
	const char	**args;
	size_t		 nargs, capargs;
	const struct scim_attr *attrs;
	size_t		 nattrs;
	char		*cause;
};

/* Append text. */
static void
sqlw_put(struct sqlw *w, const char *t)
{
	size_t	n = strlen(t);

	if (w->len + n + 1 > w->cap) {
		w->cap = (w->len + n + 1) * 2;
		w->s = xrealloc(w->s, w->cap);
	}
	memcpy(w->s + w->len, t, n + 1);
	w->len += n;
}

/* Append a "?" bound to v. */
static void
sqlw_arg(struct sqlw *w, const char *v)
{
	if (w->nargs == w->capargs) {
		w->capargs = w->capargs ? w->capargs * 2 : 8;
		w->args = xrealloc(w->args, w->capargs * sizeof *w->args);
	}
	w->args[w->nargs++] = v;
	sqlw_put(w, "?");
}

/* The attribute called name (prefix.name inside prefix[...]), a
 * multi-valued one's value standing for itself; NULL if none. */
static const struct scim_attr *
attr_find(struct sqlw *w, const char *prefix, const char *name)
{
	const char	*full = name;
	size_t		 i;
	int		 pass;

	if (prefix != NULL)
		full = arena_printf(w->a, "%s.%s", prefix, name);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < w->nattrs; i++) {
			if (strcasecmp(w->attrs[i].name, full) == 0)
				return &w->attrs[i];
		}
		full = arena_printf(w->a, "%s.value", full);
	}
	return NULL;
}

/* Refuse: the filter asks what cannot be answered. */
static int
sqlw_fail(struct sqlw *w, char *cause)
{
	if (w->cause == NULL)
		w->cause = cause;
	else
		free(cause);
	return -1;
}

/*
 * One comparison as SQL: true, or false or NULL (an absent value), which
 * WHERE, AND and OR all take as false; NOT makes NULL false first. Plain
 * comparisons, so userName eq and externalId eq use their indexes.
 */
static int
sqlw_compare(struct sqlw *w, const struct scim_filter *f,
    const struct scim_attr *at)
{
	const char	*x = at->sql, *coll, *fn, *v = f->value;
	const char	*sym[] = { "=", "<>", NULL, NULL, NULL, ">", ">=", "<",
			    "<=" };

	if (f->op == SF_PR) {
		sqlw_put(w, arena_printf(w->a, at->type == AT_BOOL ?
		    "((%s) IS NOT NULL)" : "((%s) <> '')", x));
		return 0;
	}
	if (at->type == AT_BOOL) {
		if ((f->op != SF_EQ && f->op != SF_NE) || (f->kind != SV_TRUE &&
		    f->kind != SV_FALSE && (f->kind != SV_STRING ||
		    (strcasecmp(v, "true") != 0 && strcasecmp(v, "false") !=
		    0))))
			return sqlw_fail(w, xasprintf("%s is true or false: "
			    "compare it with eq or ne and true or false",
			    f->attr));
		sqlw_put(w, arena_printf(w->a, "(coalesce((%s), 0) %s %d)", x,
		    f->op == SF_EQ ? "=" : "<>", f->kind == SV_TRUE ||
		    (f->kind == SV_STRING && strcasecmp(v, "true") == 0)));
		return 0;
	}
	if (f->kind == SV_NULL && (f->op == SF_EQ || f->op == SF_NE)) {
		sqlw_put(w, arena_printf(w->a, f->op == SF_EQ ?
		    "((%1$s) IS NULL OR (%1$s) = '')" : "((%1$s) <> '')", x));
		return 0;
	}
	if (f->kind != SV_STRING && f->kind != SV_NUMBER)
		return sqlw_fail(w, xasprintf("%s is text: compare it with a "
		    "\"string\"", f->attr));
	coll = at->type == AT_NOCASE ? "NOCASE" : "BINARY";
	fn = at->type == AT_NOCASE ? "lower" : "";
	switch (f->op) {
	case SF_CO:
	case SF_SW:
		sqlw_put(w, arena_printf(w->a, "(instr(%s(%s), %s(",
		    fn, x, fn));
		sqlw_arg(w, v);
		sqlw_put(w, f->op == SF_CO ? ")) > 0)" : ")) = 1)");
		return 0;
	case SF_EW:
		sqlw_put(w, arena_printf(w->a, "((%s) IS NOT NULL AND ("
		    "substr(%s(%s), -length(", x, fn, x));
		sqlw_arg(w, v);
		sqlw_put(w, arena_printf(w->a, ")) = %s(", fn));
		sqlw_arg(w, v);
		sqlw_put(w, ") OR ");
		sqlw_arg(w, v);
		sqlw_put(w, " = ''))");
		return 0;
	case SF_NE:
		sqlw_put(w, arena_printf(w->a, "((%1$s) IS NULL OR (%1$s) "
		    "COLLATE %2$s <> ", x, coll));
		sqlw_arg(w, v);
		sqlw_put(w, ")");
		return 0;
	default:
		sqlw_put(w, arena_printf(w->a, "((%s) COLLATE %s %s ", x, coll,
		    sym[f->op]));
		sqlw_arg(w, v);
		sqlw_put(w, ")");
		return 0;
	}
}

/* A tree as SQL. Inside attr[...] (prefix), conditions are on one row
 * of the attribute's values, and its scope is written once around. */
static int
sqlw_filter(struct sqlw *w, const struct scim_filter *f, const char *prefix)
{
	const struct scim_attr	*at;

	switch (f->op) {
	case SF_AND:
	case SF_OR:
		sqlw_put(w, "(");
		if (sqlw_filter(w, f->a, prefix) != 0)
			return -1;
		sqlw_put(w, f->op == SF_AND ? " AND " : " OR ");
		if (sqlw_filter(w, f->b, prefix) != 0)
			return -1;
		sqlw_put(w, ")");
		return 0;
	case SF_NOT:
		sqlw_put(w, "(NOT coalesce(");
		if (sqlw_filter(w, f->a, prefix) != 0)
			return -1;
		sqlw_put(w, ", 0))");
		return 0;
	case SF_VALUES:
		if ((at = attr_find(w, f->attr, "value")) == NULL)
			return sqlw_fail(w, xasprintf("cannot filter on %s",
			    f->attr));
		if (at->scope != NULL)
			sqlw_put(w, at->scope);
		sqlw_put(w, "(");
		if (sqlw_filter(w, f->a, f->attr) != 0)
			return -1;
		sqlw_put(w, at->scope != NULL ? "))" : ")");
		return 0;
	default:
		if ((at = attr_find(w, prefix, f->attr)) == NULL)
			return sqlw_fail(w, xasprintf("cannot filter on %s%s%s",
			    prefix != NULL ? prefix : "", prefix != NULL ?
			    "." : "", f->attr));
		if (at->scope != NULL && prefix == NULL)
			sqlw_put(w, at->scope);
		if (sqlw_compare(w, f, at) != 0)
			return -1;
		if (at->scope != NULL && prefix == NULL)
			sqlw_put(w, ")");
		return 0;
	}
}

/*
 * A filter as an SQL condition over a resource type's list query (see the
 * attribute tables), its "?"s bound in order to out->args; 0, or -1 with
 * *cause when it names what one cannot filter on (invalidFilter).
 */
int
scim_filter_sql(struct arena *a, const struct scim_filter *f,
    enum scim_resource res, struct scim_sql *out, char **cause)
{
	struct sqlw	w;
	size_t		i;

	memset(&w, 0, sizeof w);
	memset(out, 0, sizeof *out);
	w.a = a;
	w.attrs = res == SCIM_USERS ? user_attrs : group_attrs;
	w.nattrs = res == SCIM_USERS ? nitems(user_attrs) : nitems(group_attrs);
	if (sqlw_filter(&w, f, NULL) != 0) {
		*cause = xasprintf("invalid filter: %s", w.cause);
		free(w.cause);
		free(w.s);
		free(w.args);
		return -1;
	}
	out->where = arena_strdup(a, w.s);
	out->nargs = w.nargs;
	out->args = arena_alloc(a, (w.nargs + 1) * sizeof *out->args);
	for (i = 0; i < w.nargs; i++)
		out->args[i] = w.args[i];
	free(w.s);
	free(w.args);
	return 0;
}

/* Whether one comparison holds for the value (NULL: absent). */
static int
match_compare(const struct scim_filter *f, const char *have)
{
	const char	*v = f->value;
	size_t		 hn, vn;
	int		 c;

	if (f->op == SF_PR)
		return have != NULL && *have != '\0';
	if (f->kind == SV_NULL)
		return (f->op == SF_EQ) == (have == NULL || *have == '\0');
	if (f->kind == SV_TRUE || f->kind == SV_FALSE)
		v = f->kind == SV_TRUE ? "true" : "false";
	if (have == NULL)
		return f->op == SF_NE;
	hn = strlen(have);
	vn = strlen(v);
	switch (f->op) {
	case SF_EQ:
		return strcasecmp(have, v) == 0;
	case SF_NE:
		return strcasecmp(have, v) != 0;
	case SF_CO:
		return strcasestr(have, v) != NULL;
	case SF_SW:
		return strncasecmp(have, v, vn) == 0;
	case SF_EW:
		return hn >= vn && strcasecmp(have + hn - vn, v) == 0;
	default:
		c = strcasecmp(have, v);
		return f->op == SF_GT ? c > 0 : f->op == SF_GE ? c >= 0 :
		    f->op == SF_LT ? c < 0 : c <= 0;
	}
}

/*
 * Whether one value of a multi-valued attribute (its sub-attributes as
 * get(arg, name) gives them: text, "true"/"false", or NULL when absent)
 * passes the filter inside attr[...]. Text compares without regard to
 * case.
 */
int
scim_filter_match(const struct scim_filter *f,
    const char *(*get)(void *, const char *), void *arg)
{
	switch (f->op) {
	case SF_AND:
		return scim_filter_match(f->a, get, arg) &&
		    scim_filter_match(f->b, get, arg);
	case SF_OR:
		return scim_filter_match(f->a, get, arg) ||
		    scim_filter_match(f->b, get, arg);
	case SF_NOT:
		return !scim_filter_match(f->a, get, arg);
	case SF_VALUES:
		return 0;	/* the parser never nests them */
	default:
		return match_compare(f, get(arg, f->attr));
	}
}
