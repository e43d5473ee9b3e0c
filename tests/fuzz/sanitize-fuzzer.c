/*
 * sanitize-fuzzer.c: sanitize_html over hostile HTML. What comes out is
 * parsed again as a browser parses it (gumbo, HTML5), and the tree a
 * browser would build from it must hold only the allowlist: the elements
 * Mastodon keeps, their listed attributes, links only to http(s). That is
 * the property that matters (mutation XSS is output that parses into
 * something else). The text must hold no NUL, no tag may be left open,
 * and sanitising the output again must keep it safe and, after one more
 * pass, settle (s(s(x)) = s(s(s(x)))).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "sanitize.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const GumboTag kept[] = {
	GUMBO_TAG_P, GUMBO_TAG_BR, GUMBO_TAG_SPAN, GUMBO_TAG_A, GUMBO_TAG_ABBR,
	GUMBO_TAG_DEL, GUMBO_TAG_S, GUMBO_TAG_PRE, GUMBO_TAG_BLOCKQUOTE,
	GUMBO_TAG_CODE, GUMBO_TAG_B, GUMBO_TAG_STRONG, GUMBO_TAG_U,
	GUMBO_TAG_SUB, GUMBO_TAG_SUP, GUMBO_TAG_I, GUMBO_TAG_EM, GUMBO_TAG_H1,
	GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_UL,
	GUMBO_TAG_OL, GUMBO_TAG_LI, GUMBO_TAG_RUBY, GUMBO_TAG_RT, GUMBO_TAG_RP,
};
static const char *const attrs[] = {
	"href", "class", "title", "start", "reversed", "value", "rel", "target",
};

/* Every element of the tree a browser builds is on the allowlist. */
static void
check_tree(GumboNode *n, int top)
{
	GumboElement	*e;
	GumboAttribute	*at;
	unsigned int	 i;
	size_t		 k;

	if (n->type == GUMBO_NODE_TEMPLATE)
		abort();
	if (n->type != GUMBO_NODE_ELEMENT)
		return;
	e = &n->v.element;
	if (!top) {
		if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
			abort();
		for (k = 0; k < sizeof kept / sizeof kept[0]; k++) {
			if (kept[k] == e->tag)
				break;
		}
		if (k == sizeof kept / sizeof kept[0])
			abort();
		for (i = 0; i < e->attributes.length; i++) {
			at = e->attributes.data[i];
			for (k = 0; k < sizeof attrs / sizeof attrs[0]; k++) {
				if (strcasecmp(at->name, attrs[k]) == 0)
					break;
			}
			if (k == sizeof attrs / sizeof attrs[0])
				abort();
			if (strcasecmp(at->name, "href") == 0 &&
			    strncasecmp(at->value, "http://", 7) != 0 &&
			    strncasecmp(at->value, "https://", 8) != 0)
				abort();
		}
	}
	for (i = 0; i < e->children.length; i++)
		check_tree(e->children.data[i], 0);
}

/* Parse html as the content of a <div>, as it is shown, and check it. */
static void
check_parsed(const char *html)
{
	GumboOptions	 opt = kGumboDefaultOptions;
	GumboOutput	*g;

	opt.fragment_context = GUMBO_TAG_DIV;
	opt.fragment_namespace = GUMBO_NAMESPACE_HTML;
	if ((g = gumbo_parse_with_options(&opt, html, strlen(html))) == NULL)
		abort();
	check_tree(g->root, 1);
	gumbo_destroy_output(&opt, g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sanitized	 s, s2, s3;

	if (sanitize_html((const char *)data, size, &s) != 0)
		return 0;
	check_parsed(s.html);
	if (sanitize_html(s.html, strlen(s.html), &s2) != 0)
		abort();
	check_parsed(s2.html);
	if (sanitize_html(s2.html, strlen(s2.html), &s3) != 0 ||
	    strcmp(s2.html, s3.html) != 0) {
		fprintf(stderr, "does not settle:\n%s\n%s\n", s2.html, s3.html);
		abort();
	}
	sanitized_free(&s);
	sanitized_free(&s2);
	sanitized_free(&s3);
	return 0;
}
