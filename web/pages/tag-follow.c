/*
 * tag-follow.c: following a hashtag from its page (POST /tags/:tag/follow
 * and /unfollow, the API's command, tag_follow_set), the button's state
 * on the tag page, and the hashtags one follows in the side column.
 */
#include <string.h>

#include "pages.h"

#define SIDE_FOLLOWED_TAGS 10

/* Done: back to the tag's page. */
static void
tag_back(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, arena_printf(r->arena, "/tags/%s",
	    escape_url(r->arena, r->params[0]))));
}

/* Shared by follow and unfollow. */
static enum handled
tag_toggle(struct req *r, int add)
{
	struct tag_follow	*t = arena_alloc(r->arena, sizeof *t);

	t->actor = r->user->id;
	t->name = arena_strdup(r->arena, r->params[0]);
	t->add = add;
	return req_command(r, tag_follow_set, tag_back, t);
}

/* POST /tags/:tag/follow: csrf. */
enum handled
web_tag_follow(struct req *r)
{
	return tag_toggle(r, 1);
}

/* POST /tags/:tag/unfollow: csrf. */
enum handled
web_tag_unfollow(struct req *r)
{
	return tag_toggle(r, 0);
}

/* The tag page's Follow or Unfollow button: its state and form path. */
void
web_tag_follow_view(struct req *r, json_t *v, const char *tag)
{
	char	*lower = utf8_lower_ascii(arena_strdup(r->arena, tag));

	json_object_set_new(v, "tag_follow", json_pack("{s:b, s:s, s:s}",
	    "following", tag_following(req_db(r), r->user->id, lower),
	    "path", arena_printf(r->arena, "/tags/%s", escape_url(r->arena,
	    tag)), "name", lower));
}

/* The hashtags the person follows, newest follow first, a few: for the
 * side column (side.c). */
json_t *
web_followed_tags(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 pg;
	const char	*name;
	json_t		*list = json_array();
	size_t		 i;

	memset(&pg, 0, sizeof pg);
	pg.limit = SIDE_FOLLOWED_TAGS;
	if (tag_followed(req_db(r), r->arena, r->user->id, &pg, &ids,
	    &cursors) != E_OK)
		return list;
	for (i = 0; i < ids.n; i++)
		if ((name = tag_name(req_db(r), r->arena, ids.ids[i])) != NULL)
			json_array_append_new(list, json_pack("{s:s, s:s}",
			    "name", name, "path", arena_printf(r->arena,
			    "/tags/%s", escape_url(r->arena, name))));
	return list;
}
