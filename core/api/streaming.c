/*
 * streaming.c: Mastodon's streaming API, as server-sent events or, when
 * the client asks to upgrade, as a WebSocket (what most Mastodon apps
 * use). The handlers only check the request and hand the connection to
 * stream.c.
 */
#include <string.h>
#include <strings.h>

#include "handlers.h"

/* Whether a comma-separated header value holds token (any case). */
static int
header_has(const char *value, const char *token)
{
	size_t		 n = strlen(token);
	const char	*p = value;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, token, n) == 0 && (p[n] == '\0' ||
		    p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

/*
 * Whether a browser's Origin is this server's own (base_url's scheme, host
 * and port). Browsers send the session cookie on a WebSocket handshake from
 * any page of the same site and WebSockets have no CORS, so a handshake
 * signed in by cookie must come from hearth's own pages.
 */
static int
origin_ours(struct req *r, const char *origin)
{
	const char	*base = req_config(r)->base_url, *end;
	size_t		 n;

	if (origin == NULL || (end = strstr(base, "://")) == NULL)
		return 0;
	end = strchr(end + 3, '/');
	n = end != NULL ? (size_t)(end - base) : strlen(base);
	return strlen(origin) == n && strncasecmp(origin, base, n) == 0;
}

/*
 * GET with Upgrade: websocket, subscribed to sub or (NULL) to nothing yet:
 * the client may subscribe later, by message. The token came as a bearer
 * header, an access_token parameter or the Sec-WebSocket-Protocol
 * (router.c), which is then echoed, as browsers require.
 */
static enum handled
streaming_ws(struct req *r, const struct stream_sub *sub)
{
	const char	*version = req_header(r, "Sec-WebSocket-Version");
	const char	*conn = req_header(r, "Connection");
	char		 accept[WS_ACCEPT_LEN + 1];

	if (r->auth == AUTH_SESSION &&
	    !origin_ours(r, req_header(r, "Origin"))) {
		req_error(r, 403, "A WebSocket signed in with the session "
		    "cookie must come from this site's own pages");
		return HANDLED;
	}
	if (conn == NULL || !header_has(conn, "upgrade")) {
		req_error(r, 400, "A WebSocket upgrade needs Connection: "
		    "Upgrade");
		return HANDLED;
	}
	if (version == NULL || strcmp(version, "13") != 0) {
		req_set_header(r, "Sec-WebSocket-Version", "13");
		req_error(r, 426, "Only WebSocket version 13 is spoken here");
		return HANDLED;
	}
	if (ws_accept_key(req_header(r, "Sec-WebSocket-Key"), accept) != 0) {
		req_error(r, 400, "Sec-WebSocket-Key must be the base64 of 16 "
		    "bytes");
		return HANDLED;
	}
	if (stream_open_ws(r, sub, accept, r->ws_protocol) != 0)
		req_error(r, 503, "Streaming is unavailable right now");
	return HANDLED;
}

/*
 * Open a stream by name (NULL: none yet, for a WebSocket only), its
 * parameters from the query (tag=, group=, list=), or answer why not.
 */
static enum handled
streaming_open(struct req *r, const char *name)
{
	const char	*upgrade = req_header(r, "Upgrade");
	const char	*why;
	struct stream_sub sub;
	int		 ws, status;

	ws = upgrade != NULL && strcasecmp(upgrade, "websocket") == 0;
	if (name != NULL || !ws) {
		status = stream_sub_parse(req_db(r), r->arena, r->user->id,
		    name, kv_get(&r->query, "tag"),
		    kv_get(&r->query, "group"), kv_get(&r->query, "list"),
		    &sub, &why);
		if (status != 0) {
			req_error(r, status, why);
			return HANDLED;
		}
	}
	if (ws)
		return streaming_ws(r, name != NULL ? &sub : NULL);
	if (stream_open(r, &sub) != 0)
		req_error(r, 503, "Streaming is unavailable right now");
	return HANDLED;
}

/* GET /api/v1/streaming?stream=NAME (Mastodon's query form; a WebSocket
 * may leave the stream out and subscribe by message). */
enum handled
api_streaming(struct req *r)
{
	return streaming_open(r, kv_get(&r->query, "stream"));
}

/*
 * GET /api/v1/streaming/NAME, the path form of every stream: Mastodon's
 * name is the route's rest with ':' for '/' (user/notification is
 * user:notification, hashtag/local is hashtag:local).
 */
enum handled
api_streaming_named(struct req *r)
{
	static const char	 prefix[] = "/api/v1/streaming/";
	char			*name, *c;

	name = arena_strdup(r->arena, r->route->pattern + sizeof prefix - 1);
	for (c = name; *c != '\0'; c++) {
		if (*c == '/')
			*c = ':';
	}
	return streaming_open(r, name);
}

/* GET /api/v1/streaming/health: apps probe it before connecting. */
enum handled
api_streaming_health(struct req *r)
{
	req_text(r, 200, "OK");
	return HANDLED;
}
