/*
 * settings-push.c: "Notify me on this device" (Settings, Push
 * notifications) and the service worker behind it, /sw.js. The page only
 * carries what web/static/push.js needs: the server's VAPID key and the
 * CSRF token; the script subscribes the browser with its push service and
 * then hearth through the same API apps use (/api/v1/push/subscription,
 * here with the session). The worker must come from the root path for its
 * scope to cover every page, so it is served at /sw.js, never cached long.
 */
#include <event2/buffer.h>

#include "pages.h"

/* GET /settings/push */
enum handled
web_settings_push(struct req *r)
{
	json_t	*v = settings_view(r, "Push notifications", "push");

	json_object_set_new(v, "vapid_key", json_string(vapid_public()));
	req_html(r, 200, "settings-push", v);
	return HANDLED;
}

/* GET /sw.js: the service worker, scoped to the whole site. */
enum handled
web_service_worker(struct req *r)
{
	const struct asset	*a = asset_find("sw.js");
	struct evbuffer		*b;
	const char		*data, *type;
	size_t			 len;

	if (a == NULL) {
		req_text(r, 404, "not found");
		return HANDLED;
	}
	data = asset_data(a, &len, &type);
	/* A browser checks for a new worker at most daily anyway; no-cache
	 * makes an upgrade of hearth reach it on the next page. */
	req_set_header(r, "Cache-Control", "no-cache");
	b = evbuffer_new();
	evbuffer_add_reference(b, data, len, NULL, NULL);
	req_reply(r, 200, type, b);
	evbuffer_free(b);
	return HANDLED;
}
