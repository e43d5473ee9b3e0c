/*
 * trends.c: trending posts and links (trending hashtags are instance.c's).
 * Mastodon pages trends by offset, not by id (a trend's order is not its
 * age), and so does hearth: ?offset=N&limit=M, with a Link header that
 * says the same.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "handlers.h"

#define TRENDS_OFFSET_MAX 1000

/* The Link header of an offset page: next when the page is full, prev
 * when it is not the first. */
static void
trends_link(struct req *r, int offset, int limit, size_t n)
{
	const char	*base = arena_printf(r->arena, "%s%s?limit=%d&offset=",
	    req_config(r)->base_url, r->path, limit);
	const char	*next = NULL, *prev = NULL;

	if ((int)n >= limit)
		next = arena_printf(r->arena, "<%s%d>; rel=\"next\"", base,
		    offset + limit);
	if (offset > 0)
		prev = arena_printf(r->arena, "<%s%d>; rel=\"prev\"", base,
		    offset > limit ? offset - limit : 0);
	if (next != NULL && prev != NULL)
		req_set_header(r, "Link", arena_printf(r->arena, "%s, %s", next,
		    prev));
	else if (next != NULL || prev != NULL)
		req_set_header(r, "Link", next != NULL ? next : prev);
}

/*
 * GET /api/v1/trends/statuses: the posts of the week everyone may read
 * (public ones outside groups, those of open groups) that people
 * favourited, boosted and answered most; limit (20, at most 40) and
 * offset.
 */
enum handled
api_trends_statuses(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 p;
	struct evbuffer	*b;
	struct ectx	 e;
	const char	*v = req_param(r, "offset");
	char		*end;
	long		 offset = 0;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	if (v != NULL && *v != '\0' && ((offset = strtol(v, &end, 10)) < 0 ||
	    offset > TRENDS_OFFSET_MAX || *end != '\0')) {
		req_error(r, 400, "offset must be a number from 0 to 1000");
		return HANDLED;
	}
	if (trend_posts(req_db(r), r->arena, time(NULL), (int)offset, p.limit,
	    &ids) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	trends_link(r, (int)offset, p.limit, ids.n);
	b = evbuffer_new();
	req_ectx(r, &e);
	entity_statuses_write(&e, &ids, b);
	ectx_free(&e);
	req_json_buffer(r, 200, b);
	evbuffer_free(b);
	return HANDLED;
}
