/*
 * timelines.c: the Mastodon timelines (home, public as the company
 * stream, hashtag) and hearth's group timeline, all with keyset pagination
 * and Link headers.
 */
#include <string.h>

#include <event2/buffer.h>

#include "handlers.h"

typedef int (*timeline_fn)(struct req *, const struct page *,
    struct idlist *, struct idlist *);

/* Page through a timeline and answer with its Statuses, as the reader's
 * filters for context (FC_*) leave them. */
static enum handled
timeline_answer(struct req *r, timeline_fn fn, int context)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	int		 rc;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	rc = fn(r, &p, &ids, &cursors);
	/* Filters hide after the page is filled (page-fill.c, filter.c): such
	 * a page may come out short; its Link pages on past what they hid. */
	filter_drop(req_db(r), r->arena, r->user->id, context, &ids);
	return req_statuses_in(r, rc, &p, &ids, &cursors, context);
}

/* Home: mine, followed people's, my groups', and mentions of me. */
static int
home(struct req *r, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	return timeline_home(req_db(r), r->arena, r->user->id, p, out,
	    cursors);
}

/* GET /api/v1/timelines/home */
enum handled
api_timeline_home(struct req *r)
{
	return timeline_answer(r, home, FC_HOME_FEED);
}

/* The company stream; media-only asks for none (not filtered yet, as
 * docs/api.md says), remote-only too (everyone is local). Booleans as
 * Rails reads them: Mastodon.py sends only_media=1. */
static int
company(struct req *r, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	if (req_bool(r, "only_media") || req_bool(r, "remote"))
		return E_OK;
	return timeline_company(req_db(r), r->arena, r->user->id, p, out,
	    cursors);
}

/* GET /api/v1/timelines/public */
enum handled
api_timeline_public(struct req *r)
{
	return timeline_answer(r, company, FC_PUBLIC);
}

/* A hashtag's stream. */
static int
tag(struct req *r, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	return timeline_tag(req_db(r), r->arena, r->user->id, r->params[0], p,
	    out, cursors);
}

/* GET /api/v1/timelines/tag/:tag */
enum handled
api_timeline_tag(struct req *r)
{
	return timeline_answer(r, tag, FC_PUBLIC);
}

/* A group's stream. */
static int
group(struct req *r, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	int64_t	id = req_id(r, ":0");

	if (id == 0)
		return E_NOTFOUND;
	return timeline_group(req_db(r), r->arena, r->user->id, id, p, out,
	    cursors);
}

/* GET /api/v1/timelines/group/:id */
enum handled
api_timeline_group(struct req *r)
{
	return timeline_answer(r, group, FC_PUBLIC);
}

/* A list's stream (the reader's own; another's is not found). */
static int
list(struct req *r, const struct page *p, struct idlist *out,
    struct idlist *cursors)
{
	int64_t	id = req_id(r, ":0");

	if (id == 0)
		return E_NOTFOUND;
	return timeline_list(req_db(r), r->arena, r->user->id, id, p, out,
	    cursors);
}

/* GET /api/v1/timelines/list/:list_id: filtered as home is (Mastodon's
 * lists take home's filters), exclusive lists aside. */
enum handled
api_timeline_list(struct req *r)
{
	return timeline_answer(r, list, FC_HOME);
}

/* GET /api/v1/tags/:tag: the Tag entity, if the tag has been used. */
enum handled
api_tag(struct req *r)
{
	struct ectx	 e;
	const char	*name = tag_find(req_db(r), r->arena, r->user->id,
	    r->params[0]);

	if (name == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	req_ectx(r, &e);
	req_json(r, 200, entity_tag(&e, name));
	ectx_free(&e);
	return HANDLED;
}
