/*
 * followed-tags.c: following hashtags into one's home (tag-follow.c):
 * follow and unfollow a Tag, and the Tags one follows, paged by follow.
 */
#include "handlers.h"

/* Answer with the Tag as it is now (following set). */
static void
tag_reply(struct req *r, void *arg)
{
	struct tag_follow	*t = arg;
	struct ectx		 e;

	req_ectx(r, &e);
	req_json(r, 200, entity_tag(&e, t->name));
	ectx_free(&e);
}

/* POST /api/v1/tags/:name/follow or unfollow. */
static enum handled
tag_follow_toggle(struct req *r, int add)
{
	struct tag_follow	*t = arena_alloc(r->arena, sizeof *t);

	t->actor = r->user->id;
	t->name = arena_strdup(r->arena, r->params[0]);
	t->add = add;
	return req_command(r, tag_follow_set, tag_reply, t);
}

/* POST /api/v1/tags/:name/follow */
enum handled
api_tag_follow(struct req *r)
{
	return tag_follow_toggle(r, 1);
}

/* POST /api/v1/tags/:name/unfollow */
enum handled
api_tag_unfollow(struct req *r)
{
	return tag_follow_toggle(r, 0);
}

/* GET /api/v1/followed_tags: newest follow first; limit 100, at most 200,
 * as Mastodon; the Link header pages by follow. */
enum handled
api_followed_tags(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	const char	*name;
	json_t		*arr;
	size_t		 i;

	if (page_parse(r, &p, 100, 200) != 0)
		return HANDLED;
	if (tag_followed(req_db(r), r->arena, r->user->id, &p, &ids,
	    &cursors) != E_OK) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < ids.n; i++)
		if ((name = tag_name(req_db(r), r->arena, ids.ids[i])) != NULL)
			json_array_append_new(arr, entity_tag(&e, name));
	page_link(r, &p, &cursors);
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}
