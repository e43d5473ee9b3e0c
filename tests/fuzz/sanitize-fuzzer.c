/*
 * sanitize-fuzzer.c: sanitize_html over hostile HTML. What comes out must
 * hold no active content whatever went in (no script, style, iframe,
 * object, svg or math element, no on* or style attribute, no link that is
 * not http(s), no script URL in any tag: as escaped text it is only
 * words), must come out the same when sanitised again (what the
 * parser reads back is what was written: no mutation XSS), and its text
 * must hold no NUL.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whether s contains needle, ignoring case. */
static int
has(const char *s, const char *needle)
{
	size_t	n = strlen(needle);

	for (; *s != '\0'; s++) {
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	}
	return 0;
}

/* Every attribute in tags: name=" pairs; no on*, style, src, and every
 * href starts with http. */
static void
check_attrs(const char *h)
{
	const char	*p;

	for (p = h; (p = strchr(p, '<')) != NULL; p++) {
		const char	*end = strchr(p, '>'), *a;

		if (end == NULL)
			abort();	/* a tag left open */
		/* a script URL in a tag (as text, escaped, it is harmless) */
		for (a = p; a + 11 <= end; a++) {
			if (strncasecmp(a, "javascript:", 11) == 0)
				abort();
		}
		for (a = p; a < end; a++) {
			if (*a != ' ')
				continue;
			if (strncasecmp(a + 1, "on", 2) == 0 ||
			    strncasecmp(a + 1, "style", 5) == 0 ||
			    strncasecmp(a + 1, "src", 3) == 0)
				abort();
			if (strncasecmp(a + 1, "href=\"", 6) == 0 &&
			    strncasecmp(a + 7, "http://", 7) != 0 &&
			    strncasecmp(a + 7, "https://", 8) != 0)
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const banned[] = {
		"<script", "<style", "<iframe", "<object", "<embed", "<svg",
		"<math", "<img", "<form", "<input", "<textarea", "<template",
		"<noscript", "<base", "<meta", "<link",
	};
	struct sanitized	 s, again;
	size_t			 i;

	if (sanitize_html((const char *)data, size, &s) != 0)
		return 0;
	for (i = 0; i < sizeof banned / sizeof banned[0]; i++) {
		if (has(s.html, banned[i]))
			abort();
	}
	check_attrs(s.html);
	if (sanitize_html(s.html, strlen(s.html), &again) != 0 ||
	    strcmp(s.html, again.html) != 0) {
		fprintf(stderr, "not stable:\n%s\n%s\n", s.html, again.html);
		abort();
	}
	sanitized_free(&again);
	sanitized_free(&s);
	return 0;
}
