/*
 * static.c: GET /static/NAME. Content-hashed names are immutable and
 * cached for a year; plain names (for the few URLs that must be stable, like
 * the default avatar) are revalidated.
 */
#include <event2/buffer.h>

#include "pages.h"

/* Serve an asset from memory. */
enum handled
web_static(struct req *r)
{
	const struct asset	*a = asset_find(r->params[0]);
	struct evbuffer		*b;
	const char		*data, *type;
	size_t			 len;

	if (a == NULL) {
		req_text(r, 404, "not found");
		return HANDLED;
	}
	data = asset_data(a, &len, &type);
	req_set_header(r, "Cache-Control", asset_is_hashed(a, r->params[0]) ?
	    "public, max-age=31536000, immutable" : "public, max-age=3600");
	b = evbuffer_new();
	evbuffer_add_reference(b, data, len, NULL, NULL);
	req_reply(r, 200, type, b);
	evbuffer_free(b);
	return HANDLED;
}
