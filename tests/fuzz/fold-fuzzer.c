/*
 * fold-fuzzer.c: fold.c's marking over any text and query (the input up
 * to its first newline is the query). Marks are the only markup fold_mark
 * adds to the escaped text, and fold_mark_html adds nothing but marks to
 * HTML; folding never grows a text more than twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* s without its <mark> and </mark> tags, in the arena. */
static char *
unmark(struct arena *a, const char *s)
{
	char	*out = arena_alloc(a, strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (strncmp(s, "<mark>", 6) == 0)
			s += 6;
		else if (strncmp(s, "</mark>", 7) == 0)
			s += 7;
		else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new();
	struct evbuffer	*b = evbuffer_new();
	char		*in = xstrndup((const char *)data, size), *text, *nl;
	const char	*query;
	char		*marked, *escaped;

	if ((nl = strchr(in, '\n')) != NULL) {
		*nl = '\0';
		query = in;
		text = nl + 1;
	} else {
		query = in;
		text = in;
	}
	if (strlen(fold_text(a, text)) > 2 * strlen(text))
		abort();
	marked = fold_mark(a, text, query);
	escape_html(b, text, strlen(text));
	escaped = evbuffer_get_length(b) == 0 ? arena_strdup(a, "") :
	    arena_strndup(a, (const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b));
	if (strcmp(unmark(a, marked), escaped) != 0)
		abort();
	if (strstr(text, "<mark>") == NULL && strstr(text, "</mark>") == NULL &&
	    strcmp(unmark(a, fold_mark_html(a, text, query)), text) != 0)
		abort();
	evbuffer_free(b);
	free(in);
	arena_free(a);
	return 0;
}
