/*
 * markdown-fuzzer.c: markdown_render, which turns what anyone posts into HTML
 * that every reader's browser runs. Beyond not crashing, the output may hold
 * only the tags and attributes Markdown makes, no event handler, no href but
 * http, https or mailto, no <script> anywhere and no link inside a link; the
 * input is refused exactly when it is not UTF-8 or holds a NUL, and what is
 * accepted comes out as UTF-8. Text may say "javascript:" (raw HTML and
 * unlinked URLs are shown escaped), so attribute values are what is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Resolve a few names, as a database of three people would. */
static const char *
resolve(void *arg, const char *name, int64_t *id)
{
	static const char	*people[] = { "ada", "bob", "x" };
	size_t			 i;

	(void)arg;
	if (strlen(name) > 30)
		abort();	/* markdown.c never asks for longer names */
	for (i = 0; i < nitems(people); i++) {
		if (strcasecmp(name, people[i]) == 0) {
			*id = (int64_t)i + 1;
			return people[i];
		}
	}
	return NULL;
}

/* Well-formed UTF-8 without NUL (RFC 3629 table 3-7), written afresh. */
static int
utf8_ok(const unsigned char *s, size_t len)
{
	const unsigned char	*end = s + len;

	while (s < end) {
		size_t	left = end - s;

		if (s[0] == 0)
			return 0;
		if (s[0] < 0x80)
			s++;
		else if (left >= 2 && s[0] >= 0xc2 && s[0] <= 0xdf &&
		    (s[1] & 0xc0) == 0x80)
			s += 2;
		else if (left >= 3 && s[0] >= 0xe0 && s[0] <= 0xef &&
		    (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		    !(s[0] == 0xe0 && s[1] < 0xa0) &&
		    !(s[0] == 0xed && s[1] > 0x9f))
			s += 3;
		else if (left >= 4 && s[0] >= 0xf0 && s[0] <= 0xf4 &&
		    (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		    (s[3] & 0xc0) == 0x80 &&
		    !(s[0] == 0xf0 && s[1] < 0x90) &&
		    !(s[0] == 0xf4 && s[1] > 0x8f))
			s += 4;
		else
			return 0;
	}
	return 1;
}

/* Whether n bytes at p are one of the words in list. */
static int
one_of(const char *p, size_t n, const char **list, size_t nlist)
{
	size_t	i;

	for (i = 0; i < nlist; i++) {
		if (strlen(list[i]) == n && strncmp(p, list[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Abort unless the HTML is inert (see the top of the file). */
static void
check_html(const char *h)
{
	static const char	*tags[] = { "p", "br", "em", "strong", "a", "code",
	    "pre", "blockquote", "ul", "ol", "li", "hr", "h1", "h2", "h3", "h4",
	    "h5", "h6" };
	static const char	*attrs[] = { "href", "title", "rel", "target",
	    "class", "data-id", "start" };
	static const char	*schemes[] = { "http:", "https:", "mailto:" };
	const char		*p = h, *q, *v, *name;
	size_t			 i, n;
	int			 closing, inlink = 0;

	if (strcasestr(h, "<script") != NULL || strstr(h, "<!--") != NULL)
		abort();
	while ((p = strchr(p, '<')) != NULL) {
		if ((q = strchr(p, '>')) == NULL)
			abort();
		p++;
		if ((closing = (*p == '/')))
			p++;
		for (name = p; (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
		    p++)
			;
		if (!one_of(name, p - name, tags, nitems(tags)))
			abort();
		if (p - name == 1 && *name == 'a') {
			if (closing ? inlink == 0 : inlink != 0)
				abort();	/* a link in a link */
			inlink = !closing;
		}
		while (p < q) {
			if (*p == ' ' || *p == '/') {
				p++;
				continue;
			}
			for (name = p; *p != '=' && *p != ' ' && *p != '>'; p++)
				;
			n = p - name;
			if (!one_of(name, n, attrs, nitems(attrs)) ||
			    p[0] != '=' || p[1] != '"')
				abort();
			v = p + 2;
			if ((p = strchr(v, '"')) == NULL || p > q)
				abort();
			/* href is the one attribute a browser follows; a
			 * title may well say "data:". */
			if (n == 4 && strncmp(name, "href", 4) == 0) {
				if (strncasecmp(v, "javascript:", 11) == 0 ||
				    strncasecmp(v, "vbscript:", 9) == 0 ||
				    strncasecmp(v, "data:", 5) == 0)
					abort();
				for (i = 0; i < nitems(schemes); i++) {
					if (strncasecmp(v, schemes[i],
					    strlen(schemes[i])) == 0)
						break;
				}
				if (i == nitems(schemes))
					abort();
			}
			p++;
		}
		p = q + 1;
	}
	if (inlink)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new();
	struct markdown	 md;
	char		*cause = NULL;
	size_t		 i, j;
	int		 rc;

	rc = markdown_render(a, (const char *)data, size,
	    "https://hearth.example.com", resolve, NULL, &md, &cause);
	if ((rc == 0) != utf8_ok(data, size))
		abort();	/* refused exactly what is not UTF-8 */
	if (rc != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		arena_free(a);
		return 0;
	}
	if (cause != NULL || md.html == NULL || md.text == NULL)
		abort();
	if (!utf8_ok((const unsigned char *)md.html, strlen(md.html)) ||
	    !utf8_ok((const unsigned char *)md.text, strlen(md.text)))
		abort();
	check_html(md.html);
	if (md.nmentions > MARKDOWN_MAX_MENTIONS ||
	    md.ntags > MARKDOWN_MAX_TAGS)
		abort();
	for (i = 0; i < md.nmentions; i++) {
		for (j = 0; j < i; j++) {
			if (md.mentions[j].id == md.mentions[i].id)
				abort();
		}
		if (strcasecmp(md.mentions[i].name, md.mentions[i].display) != 0)
			abort();
	}
	for (i = 0; i < md.ntags; i++) {
		const char	*t = md.tags[i].name;

		if (*t == '\0' || strlen(t) > 100 ||
		    md.tags[i].display[0] != '#' ||
		    strcasecmp(t, md.tags[i].display + 1) != 0)
			abort();
		for (; *t != '\0'; t++) {
			if (*t >= 'A' && *t <= 'Z')
				abort();
		}
		for (j = 0; j < i; j++) {
			if (strcmp(md.tags[j].name, md.tags[i].name) == 0)
				abort();
		}
	}
	arena_free(a);
	return 0;
}
