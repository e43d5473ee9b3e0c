/*
 * jsonw.c: writing JSON fast. jansson's own dump checks and escapes a string
 * one character at a time through a callback, which made serialising a
 * timeline the most expensive part of answering it. Strings in a json_t are
 * already valid UTF-8 (jansson checks on creation), so here runs of bytes
 * that need no escape are copied whole. Output is compact and, like
 * jansson's, keeps keys in insertion order.
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

/* Append a JSON string literal. */
void
jsonw_string(struct evbuffer *out, const char *s, size_t len)
{
	const char	*run = s, *end = s + len;
	char		 esc[8];
	unsigned char	 c;

	evbuffer_add(out, "\"", 1);
	for (; s < end; s++) {
		c = (unsigned char)*s;
		if (!needs_escape[c])
			continue;
		if (s > run)
			evbuffer_add(out, run, s - run);
		switch (c) {
		case '"':  evbuffer_add(out, "\\\"", 2); break;
		case '\\': evbuffer_add(out, "\\\\", 2); break;
		case '\n': evbuffer_add(out, "\\n", 2); break;
		case '\r': evbuffer_add(out, "\\r", 2); break;
		case '\t': evbuffer_add(out, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			evbuffer_add(out, esc, 6);
			break;
		}
		run = s + 1;
	}
	if (s > run)
		evbuffer_add(out, run, s - run);
	evbuffer_add(out, "\"", 1);
}

/* Append any JSON value. */
void
jsonw_value(struct evbuffer *out, json_t *v)
{
	const char	*key;
	json_t		*item;
	size_t		 i;
	char		 num[64];
	int		 n, first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		evbuffer_add(out, "{", 1);
		json_object_foreach(v, key, item) {
			if (!first)
				evbuffer_add(out, ",", 1);
			first = 0;
			jsonw_string(out, key, strlen(key));
			evbuffer_add(out, ":", 1);
			jsonw_value(out, item);
		}
		evbuffer_add(out, "}", 1);
		break;
	case JSON_ARRAY:
		evbuffer_add(out, "[", 1);
		json_array_foreach(v, i, item) {
			if (i > 0)
				evbuffer_add(out, ",", 1);
			jsonw_value(out, item);
		}
		evbuffer_add(out, "]", 1);
		break;
	case JSON_STRING:
		jsonw_string(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		evbuffer_add(out, num, n);
		break;
	case JSON_REAL:
		n = snprintf(num, sizeof num, "%.17g", json_real_value(v));
		evbuffer_add(out, num, n);
		break;
	case JSON_TRUE:
		evbuffer_add(out, "true", 4);
		break;
	case JSON_FALSE:
		evbuffer_add(out, "false", 5);
		break;
	case JSON_NULL:
		evbuffer_add(out, "null", 4);
		break;
	}
}
