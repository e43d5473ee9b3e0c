/*
 * json-fuzzer.c: JSON request bodies as request.c reads them (json_loadb
 * with JSON_REJECT_DUPLICATES, an object required) and as req_param hands
 * their members to handlers: as C strings. jansson allows "\u0000" only with
 * JSON_ALLOW_NUL, which hearth does not pass; this checks that no string a
 * handler sees is cut short by an embedded NUL, so what was validated is
 * what gets stored.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* req_param's reading of one member (request.c), minus the form and query. */
static const char *
param(struct arena *a, json_t *body, const char *name)
{
	json_t	*j;

	if ((j = json_object_get(body, name)) == NULL)
		return NULL;
	if (json_is_string(j)) {
		if (strlen(json_string_value(j)) != json_string_length(j))
			abort();
		return json_string_value(j);
	}
	if (json_is_integer(j))
		return arena_printf(a, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(j));
	if (json_is_boolean(j))
		return json_is_true(j) ? "true" : "false";
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a;
	json_t		*body, *v;
	json_error_t	 err;
	const char	*key, *p;

	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    &err);
	if (body == NULL) {
		/* The 400 reply quotes these. */
		if (strnlen(err.text, sizeof err.text) == sizeof err.text)
			abort();
		return 0;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	a = arena_new();
	json_object_foreach(body, key, v) {
		p = param(a, body, key);
		if (json_is_string(v) && p != json_string_value(v))
			abort();
		if (p != NULL && strlen(p) > size)
			abort();
	}
	param(a, body, "username");
	param(a, body, "password");
	param(a, body, "csrf");
	arena_free(a);
	json_decref(body);
	return 0;
}
