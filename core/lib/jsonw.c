/*
 * jsonw.c: writing JSON fast. jansson's own dump checks and escapes a string
 * one character at a time through a callback, which made serialising a
 * timeline the most expensive part of answering it. Strings in a json_t are
 * already valid UTF-8 (jansson checks on creation), so here runs of bytes
 * that need no escape are copied whole. Output is compact and, like
 * jansson's, keeps keys in insertion order. Pieces are gathered in a
 * buffer on the stack and added to the evbuffer a few KB at a time: an
 * evbuffer_add per token (its bookkeeping and callbacks) was, with a
 * Status built for each of 10,000 streams, most of the cost.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "lib.h"
#include "render.h"

/* Which bytes need an escape in a JSON string: controls, '"' and '\\'.
 * '<', '>' and '&' are escaped too, so JSON is safe inside HTML. */
static const unsigned char needs_escape[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
	[0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1, ['<'] = 1, ['>'] = 1,
	['&'] = 1,
};

/* Output on its way to an evbuffer. */
struct jw {
	struct evbuffer	*out;
	size_t		 n;
	char		 buf[4096];
};

static void
jw_flush(struct jw *w)
{
	if (w->n > 0)
		evbuffer_add(w->out, w->buf, w->n);
	w->n = 0;
}

static void
jw_add(struct jw *w, const void *p, size_t len)
{
	if (len > sizeof w->buf - w->n) {
		jw_flush(w);
		if (len >= sizeof w->buf) {
			evbuffer_add(w->out, p, len);
			return;
		}
	}
	memcpy(w->buf + w->n, p, len);
	w->n += len;
}

/* Append a JSON string literal. */
static void
jw_string(struct jw *w, const char *s, size_t len)
{
	const char	*run = s, *end = s + len;
	char		 esc[8];
	unsigned char	 c;

	jw_add(w, "\"", 1);
	for (; s < end; s++) {
		c = (unsigned char)*s;
		if (!needs_escape[c])
			continue;
		if (s > run)
			jw_add(w, run, s - run);
		switch (c) {
		case '"':  jw_add(w, "\\\"", 2); break;
		case '\\': jw_add(w, "\\\\", 2); break;
		case '\n': jw_add(w, "\\n", 2); break;
		case '\r': jw_add(w, "\\r", 2); break;
		case '\t': jw_add(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			jw_add(w, esc, 6);
			break;
		}
		run = s + 1;
	}
	if (s > run)
		jw_add(w, run, s - run);
	jw_add(w, "\"", 1);
}

/* Append any JSON value. */
static void
jw_value(struct jw *w, json_t *v)
{
	const char	*key;
	json_t		*item;
	size_t		 i;
	char		 num[64];
	int		 n, first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_add(w, "{", 1);
		json_object_foreach(v, key, item) {
			if (!first)
				jw_add(w, ",", 1);
			first = 0;
			jw_string(w, key, strlen(key));
			jw_add(w, ":", 1);
			jw_value(w, item);
		}
		jw_add(w, "}", 1);
		break;
	case JSON_ARRAY:
		jw_add(w, "[", 1);
		json_array_foreach(v, i, item) {
			if (i > 0)
				jw_add(w, ",", 1);
			jw_value(w, item);
		}
		jw_add(w, "]", 1);
		break;
	case JSON_STRING:
		jw_string(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		jw_add(w, num, n);
		break;
	case JSON_REAL:
		n = snprintf(num, sizeof num, "%.17g", json_real_value(v));
		jw_add(w, num, n);
		break;
	case JSON_TRUE:
		jw_add(w, "true", 4);
		break;
	case JSON_FALSE:
		jw_add(w, "false", 5);
		break;
	case JSON_NULL:
		jw_add(w, "null", 4);
		break;
	}
}

/* Append a JSON string literal. */
void
jsonw_string(struct evbuffer *out, const char *s, size_t len)
{
	struct jw	w;

	w.out = out;
	w.n = 0;
	jw_string(&w, s, len);
	jw_flush(&w);
}

/* Append any JSON value. */
void
jsonw_value(struct evbuffer *out, json_t *v)
{
	struct jw	w;

	w.out = out;
	w.n = 0;
	jw_value(&w, v);
	jw_flush(&w);
}
