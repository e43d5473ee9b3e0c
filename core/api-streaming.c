/*
 * api-streaming.c: Mastodon's streaming API as server-sent events. The
 * handlers only check the request and hand the connection to stream.c.
 */
#include <string.h>

#include "hearth.h"

/* Open a stream of a kind, or answer why not. */
static enum handled
streaming_open(struct req *r, enum stream_kind kind)
{
	if (stream_open(r, kind) != 0)
		req_error(r, 503, "Streaming is unavailable right now");
	return HANDLED;
}

/* GET /api/v1/streaming?stream=user|public (Mastodon's query form) */
enum handled
api_streaming(struct req *r)
{
	const char	*which = kv_get(&r->query, "stream");

	if (which != NULL && strcmp(which, "user") == 0)
		return streaming_open(r, STREAM_USER);
	if (which != NULL && strcmp(which, "public") == 0)
		return streaming_open(r, STREAM_PUBLIC);
	req_error(r, 400, "Unknown stream type: use user or public");
	return HANDLED;
}

/* GET /api/v1/streaming/user */
enum handled
api_streaming_user(struct req *r)
{
	return streaming_open(r, STREAM_USER);
}

/* GET /api/v1/streaming/public */
enum handled
api_streaming_public(struct req *r)
{
	return streaming_open(r, STREAM_PUBLIC);
}

/* GET /api/v1/streaming/health: apps probe it before connecting. */
enum handled
api_streaming_health(struct req *r)
{
	req_text(r, 200, "OK");
	return HANDLED;
}
