/* Unit tests for jsonw.c: what it writes is the JSON it was given (read
 * back by jansson, equal), compact, keys in order, and escaped for HTML,
 * however its pieces fall across its buffer's 4 KB. */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "hearth.h"
#include "render.h"
#include "tap.h"

/* v as jsonw writes it (malloc'd, NUL-terminated). */
static char *
written(json_t *v)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;
	char		*s;

	evbuffer_add(b, "", 0);
	jsonw_value(b, v);
	n = evbuffer_get_length(b);
	s = malloc(n + 1);
	evbuffer_remove(b, s, n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

/* Whether jsonw's text of v reads back as v. */
static int
round_trips(json_t *v)
{
	char	*s = written(v);
	json_t	*back = json_loads(s, 0, NULL);
	int	 same = back != NULL && json_equal(back, v);

	json_decref(back);
	free(s);
	return same;
}

int
main(void)
{
	json_t	*v, *arr;
	char	*s, *big;
	size_t	 i;

	v = json_pack("{s:i, s:s, s:[b, n, f], s:{s:s}}", "b", 2, "a",
	    "x\"y\\z\n\t<&>\x01", "c", 1, 1.5, "d", "e", "\xc5\x82");
	s = written(v);
	is_str(s, "{\"b\":2,\"a\":\"x\\\"y\\\\z\\n\\t\\u003c\\u0026\\u003e"
	    "\\u0001\",\"c\":[true,null,1.5],\"d\":{\"e\":\"\xc5\x82\"}}",
	    "compact, keys in order, escapes (HTML's too), UTF-8 kept");
	free(s);
	ok(round_trips(v), "and reads back the same");
	json_decref(v);

	/* One string longer than the buffer, with escapes across it. */
	big = malloc(20001);
	for (i = 0; i < 20000; i++)
		big[i] = i % 997 == 0 ? '"' : 'a' + i % 26;
	big[20000] = '\0';
	v = json_pack("{s:s, s:s}", "long", big, "after", "end");
	ok(round_trips(v), "a 20,000-byte string with escapes");
	json_decref(v);
	free(big);

	/* Many small pieces: thousands of tokens over many buffers. */
	arr = json_array();
	for (i = 0; i < 5000; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:b}", "id",
		    (json_int_t)i * 1000003, "t", i % 2 ? "<p>hi</p>" : "",
		    "f", (int)(i % 3 == 0)));
	ok(round_trips(arr), "5,000 objects, about 150 KB");
	json_decref(arr);
	return done_testing();
}
