/*
 * sanitize.c: HTML from outside the company, made safe to show inside.
 *
 * The HTML is parsed as a browser parses it (gumbo, an HTML5 parser: the
 * one Mastodon's Nokogiri uses), and only what Mastodon's allowlist keeps
 * is written back, from the tree, never from the input text: so markup
 * that would parse differently the second time (mutation XSS) cannot pass.
 *
 * Kept: the elements in `allowed` below with their listed attributes;
 * links only to absolute http(s) URLs, marked rel="nofollow noopener
 * noreferrer ugc" and opened in a new tab; classes only Mastodon's
 * (microformats h-/p-/u-/dt-/e-, mention, hashtag, ellipsis, invisible).
 * Elements not allowed are unwrapped (their text stays), except those
 * whose content is no text people wrote (scripts, styles, forms, media,
 * SVG and MathML), which go with everything in them. Nesting deeper than
 * SANITIZE_DEPTH_MAX keeps only the text.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "sanitize.h"

struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t	cap = b->cap ? b->cap : 256;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((b->p = realloc(b->p, cap)) == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/*
 * The code point at s (UTF-8, as gumbo writes it): its length in *len,
 * and whether a parser would not read it back as itself: control
 * characters other than tab, line feed and form feed (a character
 * reference such as "&#x08;" gives one), DEL, the C1 controls and the
 * noncharacters, which the parser turns into U+FFFD; CR, which it turns
 * into LF; and bytes that are not UTF-8.
 */
static int
unstable_char(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t	cp;
	size_t		i;

	*len = 1;
	if (s[0] < 0x80)
		return (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' &&
		    s[0] != '\f') || s[0] == 0x7f;
	if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		*len = 2;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		*len = 3;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		*len = 4;
	} else
		return 1;	/* a stray continuation byte */
	if (*len > n) {
		*len = 1;
		return 1;	/* cut short */
	}
	for (i = 1; i < *len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return 1;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	    (cp & 0xfffe) == 0xfffe;
}

/* Text, escaped for an element's content or a quoted attribute, written
 * so that parsing it again gives the same text. */
static void
buf_escaped(struct buf *b, const char *s, size_t n)
{
	size_t	i, from = 0, len;

	for (i = 0; i < n; i++) {
		const char	*rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\0': rep = ""; break;
		default:
			if (!unstable_char((const unsigned char *)s + i, n - i,
			    &len)) {
				i += len - 1;	/* the whole code point */
				continue;
			}
			buf_add(b, s + from, i - from);
			buf_str(b, s[i] == '\r' ? "\n" : "\xef\xbf\xbd");
			i += len - 1;
			from = i + 1;
			continue;
		}
		buf_add(b, s + from, i - from);
		buf_str(b, rep);
		from = i + 1;
	}
	buf_add(b, s + from, n - from);
}

/* The allowlist: an element, its attributes, and whether it is a block
 * (a line break in the plain text). Mastodon's (app/lib/sanitize_ext). */
static const struct {
	GumboTag	 tag;
	const char	*attrs[3];
	int		 block;
} allowed[] = {
	{ GUMBO_TAG_P,		{ NULL }, 1 },
	{ GUMBO_TAG_BR,		{ NULL }, 1 },
	{ GUMBO_TAG_SPAN,	{ "class", NULL }, 0 },
	{ GUMBO_TAG_A,		{ "href", "class", NULL }, 0 },
	{ GUMBO_TAG_ABBR,	{ "title", NULL }, 0 },
	{ GUMBO_TAG_DEL,	{ NULL }, 0 },
	{ GUMBO_TAG_S,		{ NULL }, 0 },
	{ GUMBO_TAG_PRE,	{ NULL }, 1 },
	{ GUMBO_TAG_BLOCKQUOTE,	{ NULL }, 1 },
	{ GUMBO_TAG_CODE,	{ NULL }, 0 },
	{ GUMBO_TAG_B,		{ NULL }, 0 },
	{ GUMBO_TAG_STRONG,	{ NULL }, 0 },
	{ GUMBO_TAG_U,		{ NULL }, 0 },
	{ GUMBO_TAG_SUB,	{ NULL }, 0 },
	{ GUMBO_TAG_SUP,	{ NULL }, 0 },
	{ GUMBO_TAG_I,		{ NULL }, 0 },
	{ GUMBO_TAG_EM,		{ NULL }, 0 },
	{ GUMBO_TAG_H1,		{ NULL }, 1 },
	{ GUMBO_TAG_H2,		{ NULL }, 1 },
	{ GUMBO_TAG_H3,		{ NULL }, 1 },
	{ GUMBO_TAG_H4,		{ NULL }, 1 },
	{ GUMBO_TAG_H5,		{ NULL }, 1 },
	{ GUMBO_TAG_UL,		{ NULL }, 1 },
	{ GUMBO_TAG_OL,		{ "start", "reversed", NULL }, 1 },
	{ GUMBO_TAG_LI,		{ "value", NULL }, 1 },
	{ GUMBO_TAG_RUBY,	{ NULL }, 0 },
	{ GUMBO_TAG_RT,		{ NULL }, 0 },
	{ GUMBO_TAG_RP,		{ NULL }, 0 },
};

/* Elements that go with all they hold. */
static const GumboTag dropped[] = {
	GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_TEMPLATE,
	GUMBO_TAG_NOSCRIPT, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES,
	GUMBO_TAG_IFRAME, GUMBO_TAG_FRAME, GUMBO_TAG_FRAMESET,
	GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED, GUMBO_TAG_APPLET, GUMBO_TAG_PARAM,
	GUMBO_TAG_TITLE, GUMBO_TAG_HEAD, GUMBO_TAG_META, GUMBO_TAG_LINK,
	GUMBO_TAG_BASE, GUMBO_TAG_FORM, GUMBO_TAG_INPUT, GUMBO_TAG_BUTTON,
	GUMBO_TAG_SELECT, GUMBO_TAG_OPTION, GUMBO_TAG_TEXTAREA,
	GUMBO_TAG_AUDIO, GUMBO_TAG_VIDEO, GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK,
	GUMBO_TAG_IMG, GUMBO_TAG_IMAGE, GUMBO_TAG_CANVAS, GUMBO_TAG_MAP,
	GUMBO_TAG_SVG, GUMBO_TAG_MATH, GUMBO_TAG_XMP, GUMBO_TAG_PLAINTEXT,
};

static int
allowed_index(GumboTag t)
{
	size_t	i;

	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		if (allowed[i].tag == t)
			return (int)i;
	}
	return -1;
}

static int
is_dropped(GumboTag t)
{
	size_t	i;

	for (i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
		if (dropped[i] == t)
			return 1;
	}
	return 0;
}

/* An absolute http(s) URL without spaces or control characters. */
static int
url_ok(const char *u)
{
	const char	*p;

	if (strncasecmp(u, "https://", 8) != 0 &&
	    strncasecmp(u, "http://", 7) != 0)
		return 0;
	for (p = u; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	}
	return strlen(u) <= 2048;
}

/* Mastodon's classes: microformats, mention, hashtag, link formatting. */
static int
class_ok(const char *c, size_t n)
{
	static const char *const words[] = {
		"mention", "hashtag", "ellipsis", "invisible"
	};
	static const char *const prefixes[] = { "h-", "p-", "u-", "dt-", "e-" };
	size_t	i, k;

	if (n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)c[i]) && c[i] != '-' && c[i] != '_')
			return 0;
	}
	for (k = 0; k < sizeof words / sizeof words[0]; k++) {
		if (strlen(words[k]) == n && strncmp(c, words[k], n) == 0)
			return 1;
	}
	for (k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
		if (n > strlen(prefixes[k]) && strncmp(c, prefixes[k],
		    strlen(prefixes[k])) == 0)
			return 1;
	}
	return 0;
}

/* The kept classes of a class attribute, space-separated ("" if none). */
static void
classes(struct buf *out, const char *v)
{
	const char	*p = v;
	size_t		 n;
	int		 any = 0;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\f' ||
		    *p == '\r')
			p++;
		for (n = 0; p[n] != '\0' && !strchr(" \t\n\f\r", p[n]); n++)
			;
		if (n > 0 && class_ok(p, n)) {
			if (any++)
				buf_str(out, " ");
			buf_add(out, p, n);
		}
		p += n;
	}
}

/* A number attribute (start, value): digits, with a sign. */
static int
number_ok(const char *v)
{
	if (*v == '-')
		v++;
	if (*v == '\0' || strlen(v) > 9)
		return 0;
	for (; *v != '\0'; v++) {
		if (!isdigit((unsigned char)*v))
			return 0;
	}
	return 1;
}

struct walk {
	struct buf	 html;
	struct buf	 text;
	/* What is open, for the nestings HTML cannot write (below) */
	int		 in_p, in_heading, in_a, in_li, in_ruby_text;
	GumboTag	 top;		/* the innermost element written */
};

/*
 * Whether an allowed element can be written where the walk is: a parser
 * reading `<p>..<ul>` or `<h1>..<h2>` or `<a>..<a>` back would close the
 * outer element first, so the tree would not be what was written. Such an
 * element (left there by an unwrapped one) is unwrapped too.
 */
static int
nestable(const struct walk *w, GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL:
		return w->in_p == 0;
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
	case GUMBO_TAG_H4: case GUMBO_TAG_H5:
		return w->in_p == 0 && w->in_heading == 0;
	case GUMBO_TAG_LI:
		return w->in_p == 0 && w->in_li == 0;
	case GUMBO_TAG_A:
		return w->in_a == 0;
	case GUMBO_TAG_RT: case GUMBO_TAG_RP:
		/* only right inside a ruby: elsewhere in one, the parser
		 * closes what is open up to the ruby */
		return w->in_ruby_text == 0 && w->top == GUMBO_TAG_RUBY;
	default:
		return 1;
	}
}

/* Count what opens (d = 1) or closes (d = -1). A list starts a new
 * level of items: an li in it is not inside the outer li. */
static void
opened(struct walk *w, GumboTag t, int d, int *saved_li)
{
	switch (t) {
	case GUMBO_TAG_P: w->in_p += d; break;
	case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
	case GUMBO_TAG_H4: case GUMBO_TAG_H5: w->in_heading += d; break;
	case GUMBO_TAG_A: w->in_a += d; break;
	case GUMBO_TAG_LI: w->in_li += d; break;
	case GUMBO_TAG_RT: case GUMBO_TAG_RP: w->in_ruby_text += d; break;
	case GUMBO_TAG_UL: case GUMBO_TAG_OL:
		if (d > 0) {
			*saved_li = w->in_li;
			w->in_li = 0;
		} else
			w->in_li = *saved_li;
		break;
	default: break;
	}
}

static void	walk_node(struct walk *, GumboNode *, int);

static void
walk_children(struct walk *w, GumboVector *kids, int depth)
{
	unsigned int	i;

	for (i = 0; i < kids->length; i++)
		walk_node(w, kids->data[i], depth);
}

/* One allowed element's start tag with its kept attributes. */
static void
start_tag(struct walk *w, GumboElement *e, int k)
{
	GumboAttribute	*at;
	struct buf	 cls = { NULL, 0, 0 };
	unsigned int	 i;
	size_t		 j;
	int		 href = 0;

	buf_str(&w->html, "<");
	buf_str(&w->html, gumbo_normalized_tagname(e->tag));
	for (i = 0; i < e->attributes.length; i++) {
		at = e->attributes.data[i];
		for (j = 0; allowed[k].attrs[j] != NULL; j++) {
			if (strcasecmp(at->name, allowed[k].attrs[j]) == 0)
				break;
		}
		if (allowed[k].attrs[j] == NULL)
			continue;
		if (strcasecmp(at->name, "href") == 0) {
			if (href || !url_ok(at->value))
				continue;
			href = 1;
		} else if (strcasecmp(at->name, "class") == 0) {
			free(cls.p);
			memset(&cls, 0, sizeof cls);
			classes(&cls, at->value);
			if (cls.len == 0)
				continue;
			buf_str(&w->html, " class=\"");
			buf_escaped(&w->html, cls.p, cls.len);
			buf_str(&w->html, "\"");
			continue;
		} else if (strcasecmp(at->name, "reversed") == 0) {
			buf_str(&w->html, " reversed");
			continue;
		} else if ((strcasecmp(at->name, "start") == 0 ||
		    strcasecmp(at->name, "value") == 0) &&
		    !number_ok(at->value))
			continue;
		else if (strlen(at->value) > 500)
			continue;
		buf_str(&w->html, " ");
		buf_str(&w->html, allowed[k].attrs[j]);
		buf_str(&w->html, "=\"");
		buf_escaped(&w->html, at->value, strlen(at->value));
		buf_str(&w->html, "\"");
	}
	free(cls.p);
	if (e->tag == GUMBO_TAG_A && href)
		buf_str(&w->html, " rel=\"nofollow noopener noreferrer ugc\" "
		    "target=\"_blank\"");
	buf_str(&w->html, ">");
}

static void
walk_node(struct walk *w, GumboNode *n, int depth)
{
	GumboElement	*e;
	int		 k, saved_li = 0;

	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_CDATA:
	case GUMBO_NODE_WHITESPACE:
		buf_escaped(&w->html, n->v.text.text, strlen(n->v.text.text));
		buf_str(&w->text, n->v.text.text);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	default:		/* comments, the document */
		if (n->type == GUMBO_NODE_DOCUMENT)
			walk_children(w, &n->v.document.children, depth);
		return;
	}
	e = &n->v.element;
	if (n->type == GUMBO_NODE_TEMPLATE || e->tag_namespace !=
	    GUMBO_NAMESPACE_HTML || is_dropped(e->tag))
		return;
	if ((k = allowed_index(e->tag)) < 0 || depth >= SANITIZE_DEPTH_MAX ||
	    !nestable(w, e->tag)) {
		walk_children(w, &e->children, depth);	/* unwrapped */
		return;
	}
	if (allowed[k].block && w->text.len > 0 &&
	    w->text.p[w->text.len - 1] != '\n')
		buf_str(&w->text, "\n");
	start_tag(w, e, k);
	if (e->tag == GUMBO_TAG_BR)
		return;		/* void */
	/* A parser drops a newline right after <pre>: write one more. */
	if (e->tag == GUMBO_TAG_PRE && e->children.length > 0 &&
	    ((GumboNode *)e->children.data[0])->type != GUMBO_NODE_ELEMENT &&
	    ((GumboNode *)e->children.data[0])->type != GUMBO_NODE_TEMPLATE &&
	    ((GumboNode *)e->children.data[0])->type != GUMBO_NODE_COMMENT &&
	    ((GumboNode *)e->children.data[0])->v.text.text[0] == '\n')
		buf_str(&w->html, "\n");
	opened(w, e->tag, 1, &saved_li);
	{
		GumboTag	outer = w->top;

		w->top = e->tag;
		walk_children(w, &e->children, depth + 1);
		w->top = outer;
	}
	opened(w, e->tag, -1, &saved_li);
	buf_str(&w->html, "</");
	buf_str(&w->html, gumbo_normalized_tagname(e->tag));
	buf_str(&w->html, ">");
	if (allowed[k].block && w->text.len > 0 &&
	    w->text.p[w->text.len - 1] != '\n')
		buf_str(&w->text, "\n");
}

/*
 * Sanitise len bytes of outside HTML (at most SANITIZE_IN_MAX are read):
 * 0 and out filled (free with sanitized_free), -1 if it cannot be parsed.
 */
int
sanitize_html(const char *in, size_t len, struct sanitized *out)
{
	GumboOptions	 opt = kGumboDefaultOptions;
	GumboOutput	*g;
	struct walk	 w;

	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.top = GUMBO_TAG_DIV;
	if (len > SANITIZE_IN_MAX)
		len = SANITIZE_IN_MAX;
	/* As the content of a <div>: a fragment, no document around it. */
	opt.fragment_context = GUMBO_TAG_DIV;
	opt.fragment_namespace = GUMBO_NAMESPACE_HTML;
	opt.max_errors = 0;
	if ((g = gumbo_parse_with_options(&opt, in, len)) == NULL)
		return -1;
	walk_node(&w, g->root, 0);
	gumbo_destroy_output(&opt, g);
	buf_add(&w.html, "", 0);
	buf_add(&w.text, "", 0);
	/* the plain text without trailing line ends */
	while (w.text.len > 0 && (w.text.p[w.text.len - 1] == '\n' ||
	    w.text.p[w.text.len - 1] == ' '))
		w.text.p[--w.text.len] = '\0';
	out->html = w.html.p;
	out->text = w.text.p;
	return 0;
}

void
sanitized_free(struct sanitized *s)
{
	free(s->html);
	free(s->text);
	memset(s, 0, sizeof *s);
}

/* Plain text, escaped for HTML (a name, a plain summary). */
char *
sanitize_text(const char *in, size_t len)
{
	struct buf	b = { NULL, 0, 0 };

	buf_add(&b, "", 0);
	buf_escaped(&b, in, len);
	return b.p;
}
