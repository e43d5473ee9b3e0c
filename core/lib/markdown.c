/*
 * markdown.c: posts and bios are CommonMark, rendered once at write time.
 * cmark parses the source; the syntax tree is then edited before cmark renders
 * it: raw HTML becomes visible text, links get rel="nofollow noopener
 * noreferrer" and only http, https, mailto or site-relative targets, images
 * become links (an internal network must not load outside images, they track
 * readers), and text outside links and code gets @mentions, #hashtags and bare
 * URLs linked. Every piece of HTML built here is escaped here, because cmark
 * copies custom nodes verbatim even in safe mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>

#include "lib.h"

/*
 * SAFE (the default since cmark 0.30, opt-in in 0.29) drops raw HTML and
 * dangerous URLs; HARDBREAKS makes a single newline a line break, as people
 * expect from a post box. SMART is off: curly quotes and dashes would surprise
 * people writing quickly and make "don't" unsearchable as typed.
 */
#define MD_OPTIONS	(CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | \
			 CMARK_OPT_HARDBREAKS)
#define MD_NAME_MAX	30	/* user.c's USERNAME_MAX */
#define MD_HOST_MAX	260	/* a host name, and a port */
#define MD_TAG_MAX	100	/* bytes after the '#' */
#define MD_MAX_LOOKUPS	(2 * MARKDOWN_MAX_MENTIONS)
#define MD_MAX_AUTOLINKS 1000	/* bounds the HTML of "#a #a #a ..." */
#define MD_URL_SHOW	60	/* longer bare URLs are shown shortened */
#define MD_REL		"nofollow noopener noreferrer"

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

struct nodes {
	cmark_node	**v;
	size_t		  n;
	size_t		  cap;
};

struct lookup {
	char		 name[MD_NAME_MAX + 1 + MD_HOST_MAX + 1];
	const char	*user;		/* canonical, or NULL if unknown */
	int64_t		 id;
};

struct md {
	struct arena	*a;
	const char	*base;
	int		 outside;	/* markdown_render_outside */
	mention_fn	 resolve;
	void		*arg;
	struct markdown	*out;
	struct lookup	 lookups[MD_MAX_LOOKUPS];
	size_t		 nlookups;
	size_t		 nautolinks;
	struct buf	 text;		/* the plain text, for search */
	struct buf	 run;		/* one run of text being scanned */
	struct buf	 html;		/* HTML being built for a custom node */
	struct nodes	 html_nodes;	/* raw HTML, to show as text */
	struct nodes	 links;		/* links and images to rewrite */
	struct nodes	 inner;		/* links and images inside those */
	struct nodes	 runs;		/* first text nodes of runs of text */
};

/* Append bytes to a buffer, keeping it NUL-terminated. */
static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n) {
		size_t	cap = b->cap == 0 ? 256 : b->cap;

		while (cap - b->len <= n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append a string to a buffer. */
static void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Empty a buffer but keep its memory. */
static void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/* Append text escaped for HTML text and quoted attributes. */
static void
buf_html(struct buf *b, const char *s, size_t n)
{
	const char	*rep;
	size_t		 i, start = 0;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':  rep = "&amp;"; break;
		case '<':  rep = "&lt;"; break;
		case '>':  rep = "&gt;"; break;
		case '"':  rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:   continue;
		}
		buf_add(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

/* Append a URL for a double-quoted href: what may not appear in a URL is
 * percent-encoded (existing escapes are kept), & and ' become entities. */
static void
buf_href(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 pct[3];
	size_t			 i;

	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == '&')
			buf_puts(b, "&amp;");
		else if (c == '\'')
			buf_puts(b, "&#39;");
		else if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c)) {
			pct[0] = '%';
			pct[1] = hex[c >> 4];
			pct[2] = hex[c & 15];
			buf_add(b, pct, 3);
		} else
			buf_add(b, (const char *)&c, 1);
	}
}

/* Remember a node for later; the tree is not edited while it is walked. */
static void
nodes_add(struct nodes *l, cmark_node *n)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = n;
}

/* Check the source is UTF-8 without NUL, or say where it is not. */
static int
md_valid(const unsigned char *s, size_t len, char **cause)
{
	size_t	at;
	int	nul;

	if ((at = utf8_check(s, len, &nul)) == len)
		return 1;
	*cause = nul ? xasprintf("NUL byte at offset %zu", at) :
	    xasprintf("invalid UTF-8 at offset %zu", at);
	return 0;
}

/* Decode the code point at s[i] (valid UTF-8) and its length. */
static uint32_t
md_cp(const char *s, size_t i, size_t len, size_t *n)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 k;

	if (u[i] < 0x80) {
		*n = 1;
		return u[i];
	}
	if ((u[i] & 0xe0) == 0xc0) {
		*n = 2;
		cp = u[i] & 0x1f;
	} else if ((u[i] & 0xf0) == 0xe0) {
		*n = 3;
		cp = u[i] & 0x0f;
	} else {
		*n = 4;
		cp = u[i] & 0x07;
	}
	for (k = 1; k < *n; k++) {
		if (i + k >= len) {	/* cannot happen on valid input */
			*n = k;
			return 0xfffd;
		}
		cp = cp << 6 | (u[i + k] & 0x3f);
	}
	return cp;
}

/* Decode the code point that ends just before s[i] (i > 0). */
static uint32_t
md_prev_cp(const char *s, size_t i)
{
	size_t	j = i - 1, n;

	while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xc0) == 0x80)
		j--;
	return md_cp(s, j, i, &n);
}

/* Whether an ASCII byte is a letter or digit. */
static int
md_alnum(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Whether a code point continues a word (a name or a tag). Non-ASCII counts
 * as a letter unless it is in a block of spaces, punctuation, symbols or
 * emoji, so "#café" is one tag and "#hearth’s" is "#hearth". */
static int
md_word(uint32_t cp)
{
	if (cp < 0x80)
		return md_alnum(cp) || cp == '_';
	if (cp <= 0xbf || cp == 0xd7 || cp == 0xf7)
		return 0;
	if (cp == 0x200c || cp == 0x200d)	/* zero-width (non-)joiner */
		return 1;
	if ((cp >= 0x2000 && cp <= 0x2bff) ||
	    (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xfe30 && cp <= 0xfe6f) ||
	    cp == 0xfeff ||
	    (cp >= 0xff00 && cp <= 0xff0f) ||
	    (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) ||
	    (cp >= 0xff5b && cp <= 0xff65) ||
	    (cp >= 0x1f000 && cp <= 0x1faff))
		return 0;
	return 1;
}

/*
 * End of the host of "@name@host" whose second '@' is s[at]: labels of
 * letters, digits and '-' joined by dots, with at least one dot or a port
 * (":8080"); a sentence's full stop after it is not part of it. 0 if none.
 */
static size_t
md_host_end(const char *s, size_t at, size_t len)
{
	size_t	j, dots = 0, end;

	for (j = at + 1; j < len && j - at <= MD_HOST_MAX; j++) {
		if (s[j] == '.' && j > at + 1 && s[j - 1] != '.')
			dots++;
		else if (!md_alnum((unsigned char)s[j]) && s[j] != '-')
			break;
	}
	while (j > at + 1 && (s[j - 1] == '.' || s[j - 1] == '-')) {
		if (s[j - 1] == '.')
			dots--;
		j--;
	}
	if (j == at + 1 || j - at > MD_HOST_MAX)
		return 0;
	end = j;
	if (end + 1 < len && s[end] == ':' && s[end + 1] >= '0' &&
	    s[end + 1] <= '9') {
		for (j = end + 1; j < len && j - end <= 5 && s[j] >= '0' &&
		    s[j] <= '9'; j++)
			;
		return j;
	}
	return dots > 0 ? end : 0;
}

/* End of a "@name" (or "@name@host", someone elsewhere) starting at s[i],
 * or 0 if there is none. */
static size_t
md_mention_end(const char *s, size_t i, size_t len)
{
	uint32_t	c;
	size_t		j, n, h;

	if (i > 0) {
		c = md_prev_cp(s, i);
		if (md_word(c) || c == '@' || c == '/')
			return 0;
	}
	for (j = i + 1; j < len && j - i <= MD_NAME_MAX; j++) {
		if (!md_alnum((unsigned char)s[j]) && s[j] != '_')
			break;
	}
	if (j == i + 1 || j - i - 1 > MD_NAME_MAX)
		return 0;
	if (j < len && s[j] == '@') {
		/* "@ada@example.org": someone on another server */
		if ((h = md_host_end(s, j, len)) == 0)
			return 0;
		j = h;
	}
	if (j < len) {
		c = md_cp(s, j, len, &n);
		if (md_word(c) || c == '@')
			return 0;
	}
	return j;
}

/* End of a "#tag" starting at s[i], or 0 if there is none. */
static size_t
md_tag_end(const char *s, size_t i, size_t len)
{
	uint32_t	c;
	size_t		j, n;
	int		digits = 1;

	if (i > 0) {
		/* Not "&#39;" left by an entity nor a URL's "/#fragment". */
		c = md_prev_cp(s, i);
		if (md_word(c) || c == '&' || c == '/')
			return 0;
	}
	for (j = i + 1; j < len; j += n) {
		c = md_cp(s, j, len, &n);
		if (!md_word(c))
			break;
		if (c < '0' || c > '9')
			digits = 0;
		if (j + n - i - 1 > MD_TAG_MAX)
			return 0;
	}
	if (j == i + 1 || digits)
		return 0;
	return j;
}

/* End of a bare "http://" or "https://" URL at s[i], or 0. Trailing
 * punctuation and an unbalanced ")" belong to the sentence, not the URL. */
static size_t
md_url_end(const char *s, size_t i, size_t len)
{
	size_t		h, j, open = 0, close = 0;
	unsigned char	c;

	if (i > 0 && md_alnum((unsigned char)s[i - 1]))
		return 0;
	if (len - i > 7 && strncasecmp(s + i, "http://", 7) == 0)
		h = i + 7;
	else if (len - i > 8 && strncasecmp(s + i, "https://", 8) == 0)
		h = i + 8;
	else
		return 0;
	c = (unsigned char)s[h];
	if (!md_alnum(c) && c != '[' && c < 0x80)
		return 0;
	for (j = h; j < len; j++) {
		c = (unsigned char)s[j];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>')
			break;
		if (c == '(')
			open++;
		else if (c == ')')
			close++;
	}
	while (j > h) {
		c = (unsigned char)s[j - 1];
		if (c != '\0' && strchr(".,:;!?'\"", c) != NULL)
			j--;
		else if (c == ')' && close > open) {
			close--;
			j--;
		} else
			break;
	}
	return j > h ? j : 0;
}

/* The canonical username and id for a name, asking the resolver once per
 * name (case-insensitively, as usernames are) and at most MD_MAX_LOOKUPS
 * times a post. */
static const char *
md_lookup(struct md *m, const char *name, size_t len, int64_t *id)
{
	struct lookup	*l;
	const char	*user;
	size_t		 i;

	for (i = 0; i < m->nlookups; i++) {
		l = &m->lookups[i];
		if (strncasecmp(l->name, name, len) == 0 && l->name[len] == '\0') {
			*id = l->id;
			return l->user;
		}
	}
	if (m->resolve == NULL || m->nlookups == MD_MAX_LOOKUPS)
		return NULL;
	l = &m->lookups[m->nlookups++];
	memcpy(l->name, name, len);
	l->name[len] = '\0';
	l->id = 0;
	user = m->resolve(m->arg, l->name, &l->id);
	l->user = (user != NULL && *user != '\0') ? arena_strdup(m->a, user) :
	    NULL;
	*id = l->id;
	return l->user;
}

/* Link "@name" (s, len include the '@') if it names someone; 0 if not. */
static int
md_mention(struct md *m, const char *s, size_t len)
{
	struct markdown		*out = m->out;
	struct markdown_ref	*r;
	const char		*user;
	char			 num[32];
	int64_t			 id;
	size_t			 i;

	if ((user = md_lookup(m, s + 1, len - 1, &id)) == NULL)
		/* outside, a colleague not visible there is dropped; a name
		 * on another server not known here stays as it was typed */
		return m->outside && memchr(s + 1, '@', len - 1) == NULL;
	if (m->outside) {
		/* user is the URL of the person's public actor */
		buf_puts(&m->html, "<span class=\"h-card\"><a href=\"");
		buf_href(&m->html, user, strlen(user));
		buf_puts(&m->html, "\" class=\"u-url mention\">@<span>");
		buf_html(&m->html, s + 1, len - 1);
		buf_puts(&m->html, "</span></a></span>");
		return 1;
	}
	for (i = 0; i < out->nmentions; i++) {
		if (out->mentions[i].id == id)
			break;
	}
	if (i == out->nmentions) {
		if (out->nmentions == MARKDOWN_MAX_MENTIONS)
			return 0;
		r = &out->mentions[out->nmentions++];
		r->name = user;
		r->display = arena_strndup(m->a, s + 1, len - 1);
		r->id = id;
	}
	buf_puts(&m->html, "<a href=\"");
	buf_href(&m->html, m->base, strlen(m->base));
	buf_puts(&m->html, "/@");
	buf_href(&m->html, user, strlen(user));
	snprintf(num, sizeof num, "%lld", (long long)id);
	buf_puts(&m->html, "\" class=\"mention\" data-id=\"");
	buf_puts(&m->html, num);
	buf_puts(&m->html, "\">");
	buf_html(&m->html, s, len);
	buf_puts(&m->html, "</a>");
	return 1;
}

/* Link "#tag" (s, len include the '#', at most MD_TAG_MAX after it) and
 * record it; 0 if too many. */
static int
md_tag(struct md *m, const char *s, size_t len)
{
	struct markdown		*out = m->out;
	struct markdown_ref	*r;
	char			 lower[MD_TAG_MAX + 1];
	size_t			 i;

	for (i = 0; i < len - 1; i++) {
		lower[i] = s[i + 1];
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] += 'a' - 'A';
	}
	lower[i] = '\0';
	for (i = 0; i < out->ntags; i++) {
		if (strcmp(out->tags[i].name, lower) == 0)
			break;
	}
	if (i == out->ntags) {
		if (out->ntags == MARKDOWN_MAX_TAGS)
			return 0;
		r = &out->tags[out->ntags++];
		r->name = arena_strdup(m->a, lower);
		r->display = arena_strndup(m->a, s, len);
	}
	buf_puts(&m->html, "<a href=\"");
	buf_href(&m->html, m->base, strlen(m->base));
	buf_puts(&m->html, "/tags/");
	buf_href(&m->html, lower, len - 1);
	if (m->outside) {	/* as Mastodon marks them up */
		buf_puts(&m->html, "\" class=\"mention hashtag\" "
		    "rel=\"tag\">#<span>");
		buf_html(&m->html, s + 1, len - 1);
		buf_puts(&m->html, "</span></a>");
		return 1;
	}
	buf_puts(&m->html, "\" class=\"hashtag\" rel=\"tag\">");
	buf_html(&m->html, s, len);
	buf_puts(&m->html, "</a>");
	return 1;
}

/* Append the text a link shows for a URL: the URL, shortened if long. */
static void
md_url_text(struct buf *b, const char *url, size_t len)
{
	size_t	n = len;

	if (len > MD_URL_SHOW) {
		n = MD_URL_SHOW;
		while (n > 0 && ((unsigned char)url[n] & 0xc0) == 0x80)
			n--;
	}
	buf_html(b, url, n);
	if (n < len)
		buf_puts(b, "\xe2\x80\xa6");	/* U+2026 HORIZONTAL ELLIPSIS */
}

/* Link a bare URL. */
static void
md_url(struct md *m, const char *s, size_t len)
{
	buf_puts(&m->html, "<a href=\"");
	buf_href(&m->html, s, len);
	if (len > MD_URL_SHOW) {
		buf_puts(&m->html, "\" title=\"");
		buf_html(&m->html, s, len);
	}
	buf_puts(&m->html, m->outside ? "\" rel=\"" MD_REL "\">" :
	    "\" rel=\"" MD_REL "\" target=\"_blank\">");
	md_url_text(&m->html, s, len);
	buf_puts(&m->html, "</a>");
}

/* Scan a run of text for bare URLs, mentions and tags, building its HTML in
 * m->html; return how many links were made. Each byte is looked at a
 * bounded number of times, so this is linear. */
static size_t
md_scan(struct md *m, const char *s, size_t len)
{
	size_t	i = 0, plain = 0, end, made = 0;
	int	linked;

	buf_reset(&m->html);
	while (i < len) {
		end = 0;
		linked = 0;
		if (m->nautolinks == MD_MAX_AUTOLINKS)
			break;
		switch (s[i]) {
		case 'h':
		case 'H':
			if ((end = md_url_end(s, i, len)) != 0) {
				buf_html(&m->html, s + plain, i - plain);
				md_url(m, s + i, end - i);
				linked = 1;
			}
			break;
		case '@':
			if ((end = md_mention_end(s, i, len)) != 0) {
				buf_html(&m->html, s + plain, i - plain);
				linked = md_mention(m, s + i, end - i);
			}
			break;
		case '#':
			if ((end = md_tag_end(s, i, len)) != 0) {
				buf_html(&m->html, s + plain, i - plain);
				linked = md_tag(m, s + i, end - i);
			}
			break;
		}
		if (linked) {
			made++;
			m->nautolinks++;
			i = plain = end;
		} else if (end != 0) {
			/* Already flushed up to i: keep the word as text. */
			plain = i;
			i++;
		} else
			i++;
	}
	buf_html(&m->html, s + plain, len - plain);
	return made;
}

/* Walk the parsed tree once: collect the plain text and the nodes to rewrite
 * (the walk is cmark's iterator, so 50,000 nested quotes need no stack). */
static void
md_collect(struct md *m, cmark_node *doc)
{
	cmark_iter		*it = cmark_iter_new(doc);
	cmark_event_type	 ev;
	cmark_node		*n;
	const char		*lit;
	size_t			 inlink = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if (ev == CMARK_EVENT_EXIT)
				inlink--;
			else {
				nodes_add(inlink ? &m->inner : &m->links, n);
				inlink++;
			}
			break;
		case CMARK_NODE_HTML_INLINE:
			nodes_add(&m->html_nodes, n);
			/* FALLTHROUGH */
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(n)) != NULL)
				buf_puts(&m->text, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_puts(&m->text, "\n");
			break;
		case CMARK_NODE_HTML_BLOCK:
			nodes_add(&m->html_nodes, n);
			/* FALLTHROUGH */
		case CMARK_NODE_CODE_BLOCK:
			if (m->text.len > 0 && m->text.p[m->text.len - 1] != '\n')
				buf_puts(&m->text, "\n");
			if ((lit = cmark_node_get_literal(n)) != NULL)
				buf_puts(&m->text, lit);
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_THEMATIC_BREAK:
			if (m->text.len > 0 && m->text.p[m->text.len - 1] != '\n')
				buf_puts(&m->text, "\n");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	while (m->text.len > 0 && m->text.p[m->text.len - 1] == '\n')
		m->text.p[--m->text.len] = '\0';
}

/* Show raw HTML as the text it was typed as: a paragraph of lines for a
 * block, a text node inline. */
static void
md_fix_html(cmark_node *n)
{
	cmark_node	*new, *t;
	const char	*lit = cmark_node_get_literal(n), *p, *nl;
	char		*line;
	size_t		 len;

	if (lit == NULL)
		lit = "";
	if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
		new = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(new, lit);
	} else {
		new = cmark_node_new(CMARK_NODE_PARAGRAPH);
		len = strlen(lit);
		while (len > 0 && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
			len--;
		for (p = lit; p < lit + len; p = nl + 1) {
			if ((nl = memchr(p, '\n', lit + len - p)) == NULL)
				nl = lit + len;
			if (p != lit) {
				t = cmark_node_new(CMARK_NODE_LINEBREAK);
				cmark_node_append_child(new, t);
			}
			line = xstrndup(p, nl - p);
			t = cmark_node_new(CMARK_NODE_TEXT);
			cmark_node_set_literal(t, line);
			cmark_node_append_child(new, t);
			free(line);
		}
	}
	if (!cmark_node_replace(n, new)) {
		cmark_node_free(new);	/* cmark shows it as a comment */
		return;
	}
	cmark_node_free(n);
}

/* Replace a node by its children. (Moves cmark refuses cannot happen here,
 * as a link's children are inlines and so may be its parent's; checking them
 * keeps a surprise from looping forever.) */
static void
md_unwrap(cmark_node *n)
{
	cmark_node	*c;

	while ((c = cmark_node_first_child(n)) != NULL) {
		if (!cmark_node_insert_before(n, c))
			break;
	}
	cmark_node_free(n);
}

/* Whether a link target may be followed: http, https and mailto, or a path
 * on this site ("/..."), which is made absolute. Anything else (javascript:,
 * data:, protocol-relative "//host", bare words) is not linked. */
static int
md_url_ok(const char *url)
{
	size_t	i;

	if (url[0] == '/')
		return url[1] != '/' && url[1] != '\\';
	for (i = 0; md_alnum((unsigned char)url[i]) || url[i] == '+' ||
	    url[i] == '-' || url[i] == '.'; i++)
		;
	if (i == 0 || url[i] != ':')
		return 0;
	return (i == 4 && strncasecmp(url, "http", 4) == 0) ||
	    (i == 5 && strncasecmp(url, "https", 5) == 0) ||
	    (i == 6 && strncasecmp(url, "mailto", 6) == 0);
}

/* Rewrite a Markdown link or image as a custom node holding an <a> whose
 * every byte was escaped here, or unwrap it if its target is not safe. */
static void
md_fix_link(struct md *m, cmark_node *n)
{
	cmark_node	*new, *c;
	const char	*url = cmark_node_get_url(n), *title;

	/* Outside, a path on this site would lead inside: not linked. */
	if (url == NULL || !md_url_ok(url) || (m->outside && url[0] == '/')) {
		md_unwrap(n);
		return;
	}
	title = cmark_node_get_title(n);

	buf_reset(&m->html);
	buf_puts(&m->html, "<a href=\"");
	if (url[0] == '/')
		buf_href(&m->html, m->base, strlen(m->base));
	buf_href(&m->html, url, strlen(url));
	buf_puts(&m->html, "\"");
	if (title != NULL && *title != '\0') {
		buf_puts(&m->html, " title=\"");
		buf_html(&m->html, title, strlen(title));
		buf_puts(&m->html, "\"");
	}
	buf_puts(&m->html, m->outside ? " rel=\"" MD_REL "\">" :
	    " rel=\"" MD_REL "\" target=\"_blank\">");

	new = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	cmark_node_set_on_enter(new, m->html.p);
	cmark_node_set_on_exit(new, "</a>");
	while ((c = cmark_node_first_child(n)) != NULL) {
		if (!cmark_node_append_child(new, c))
			break;
	}
	if (cmark_node_first_child(new) == NULL) {
		/* ![](url) or a link around an image without alt text. */
		buf_reset(&m->html);
		md_url_text(&m->html, url, strlen(url));
		c = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
		cmark_node_set_on_enter(c, m->html.p);
		cmark_node_set_on_exit(c, "");
		cmark_node_append_child(new, c);
	}
	if (!cmark_node_replace(n, new)) {
		cmark_node_free(new);
		md_unwrap(n);
		return;
	}
	cmark_node_free(n);
}

/* Find runs of text outside links and code (cmark may split text into
 * several nodes, and raw HTML became text) and remember each run's first
 * node. Code spans and blocks are leaves of their own type, so they are
 * never visited as text. */
static void
md_find_runs(struct md *m, cmark_node *doc)
{
	cmark_iter		*it = cmark_iter_new(doc);
	cmark_event_type	 ev;
	cmark_node		*n, *prev;
	size_t			 inlink = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_CUSTOM_INLINE:	/* only links made here */
			if (ev == CMARK_EVENT_ENTER)
				inlink++;
			else
				inlink--;
			break;
		case CMARK_NODE_TEXT:
			prev = cmark_node_previous(n);
			if (inlink == 0 && (prev == NULL ||
			    cmark_node_get_type(prev) != CMARK_NODE_TEXT))
				nodes_add(&m->runs, n);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* Link what is in one run of text: if anything was found, the run's nodes
 * are replaced by one custom node with the HTML built by md_scan. One node
 * per run, not per link, keeps a post full of tags small in memory. */
static void
md_fix_run(struct md *m, cmark_node *first)
{
	cmark_node	*n, *next, *new;
	const char	*lit;

	buf_reset(&m->run);
	for (n = first; n != NULL &&
	    cmark_node_get_type(n) == CMARK_NODE_TEXT; n = cmark_node_next(n)) {
		if ((lit = cmark_node_get_literal(n)) != NULL)
			buf_puts(&m->run, lit);
	}
	if (m->run.len == 0 || md_scan(m, m->run.p, m->run.len) == 0)
		return;
	new = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	cmark_node_set_on_enter(new, m->html.p);
	cmark_node_set_on_exit(new, "");
	if (!cmark_node_insert_before(first, new)) {
		cmark_node_free(new);
		return;
	}
	for (n = first; n != NULL &&
	    cmark_node_get_type(n) == CMARK_NODE_TEXT; n = next) {
		next = cmark_node_next(n);
		cmark_node_free(n);
	}
}

/*
 * Outside, only what Mastodon's sanitiser keeps: a heading becomes a
 * paragraph in <strong>, a thematic break goes, and a code block loses
 * its language class.
 */
static void
md_fix_outside(cmark_node *doc)
{
	cmark_iter		*it = cmark_iter_new(doc);
	cmark_event_type	 ev;
	cmark_node		*n;
	struct nodes		 fix = { NULL, 0, 0 };
	size_t			 i;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
		case CMARK_NODE_THEMATIC_BREAK:
			nodes_add(&fix, n);
			break;
		case CMARK_NODE_CODE_BLOCK:
			cmark_node_set_fence_info(n, "");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	for (i = 0; i < fix.n; i++) {
		cmark_node	*p, *strong, *c;

		n = fix.v[i];
		if (cmark_node_get_type(n) == CMARK_NODE_THEMATIC_BREAK) {
			cmark_node_unlink(n);
			cmark_node_free(n);
			continue;
		}
		p = cmark_node_new(CMARK_NODE_PARAGRAPH);
		strong = cmark_node_new(CMARK_NODE_STRONG);
		cmark_node_append_child(p, strong);
		while ((c = cmark_node_first_child(n)) != NULL) {
			if (!cmark_node_append_child(strong, c))
				break;
		}
		if (!cmark_node_replace(n, p)) {
			cmark_node_free(p);
			continue;
		}
		cmark_node_free(n);
	}
	free(fix.v);
}

static int	md_render(struct arena *, const char *, size_t, const char *,
		    mention_fn, void *, int, struct markdown *, char **);

/*
 * Render Markdown to HTML and plain text, and collect the mentions and tags.
 * Memory comes from the arena; -1 with a cause for input that is not UTF-8 or
 * holds a NUL.
 */
int
markdown_render(struct arena *a, const char *src, size_t len,
    const char *base_url, mention_fn resolve, void *arg, struct markdown *out,
    char **cause)
{
	return md_render(a, src, len, base_url, resolve, arg, 0, out, cause);
}

/*
 * Render Markdown as the outside (the fediverse) sees it: Mastodon's tags
 * and classes, hashtags linked under base_url, no link into this site, and
 * each "@name" linked to the URL resolve returns (its "canonical name") or
 * dropped from the text if it returns NULL (a colleague who is not
 * visible outside). out's mentions stay empty.
 */
int
markdown_render_outside(struct arena *a, const char *src, size_t len,
    const char *base_url, mention_fn resolve, void *arg, struct markdown *out,
    char **cause)
{
	return md_render(a, src, len, base_url, resolve, arg, 1, out, cause);
}

static int
md_render(struct arena *a, const char *src, size_t len,
    const char *base_url, mention_fn resolve, void *arg, int outside,
    struct markdown *out, char **cause)
{
	struct md	*m;
	cmark_node	*doc = NULL;
	char		*html;
	size_t		 i;
	int		 rc = -1;

	memset(out, 0, sizeof *out);
	if (!md_valid((const unsigned char *)src, len, cause))
		return -1;

	m = xcalloc(1, sizeof *m);
	m->a = a;
	m->base = base_url != NULL ? base_url : "";
	m->outside = outside;
	m->resolve = resolve;
	m->arg = arg;
	m->out = out;
	out->mentions = arena_alloc(a,
	    MARKDOWN_MAX_MENTIONS * sizeof *out->mentions);
	out->tags = arena_alloc(a, MARKDOWN_MAX_TAGS * sizeof *out->tags);

	if ((doc = cmark_parse_document(src, len, MD_OPTIONS)) == NULL) {
		*cause = xstrdup("cannot parse Markdown");
		goto out;
	}
	md_collect(m, doc);
	for (i = 0; i < m->inner.n; i++)
		md_unwrap(m->inner.v[i]);
	for (i = 0; i < m->html_nodes.n; i++)
		md_fix_html(m->html_nodes.v[i]);
	for (i = 0; i < m->links.n; i++)
		md_fix_link(m, m->links.v[i]);
	md_find_runs(m, doc);
	for (i = 0; i < m->runs.n; i++)
		md_fix_run(m, m->runs.v[i]);
	if (outside)
		md_fix_outside(doc);

	if ((html = cmark_render_html(doc, MD_OPTIONS)) == NULL) {
		*cause = xstrdup("cannot render Markdown");
		goto out;
	}
	out->html = arena_strdup(a, html);
	free(html);
	out->text = arena_strndup(a, m->text.p != NULL ? m->text.p : "",
	    m->text.len);
	rc = 0;
out:
	if (doc != NULL)
		cmark_node_free(doc);
	free(m->text.p);
	free(m->run.p);
	free(m->html.p);
	free(m->html_nodes.v);
	free(m->links.v);
	free(m->inner.v);
	free(m->runs.v);
	free(m);
	return rc;
}
