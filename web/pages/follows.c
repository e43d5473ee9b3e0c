/*
 * follows.c: who follows a person and whom they follow, GET
 * /@name/followers and /@name/following: cards with a Follow or Unfollow
 * button each, a page at a time (newest follow first, ?max_id= for
 * older).
 */
#include <string.h>

#include "pages.h"

#define FOLLOWS_PAGE	40

/* One person's card, with the viewer's relation to them. */
static json_t *
follows_card(struct req *r, struct ectx *e, int64_t id, const char *back)
{
	struct relationship	 rel;
	struct user		*u;
	json_t			*a;

	if ((u = user_get(req_db(r), r->arena, id)) == NULL ||
	    (a = entity_account(e, u)) == NULL)
		return NULL;
	json_object_set_new(a, "path", json_string(arena_printf(r->arena,
	    "/@%s", u->username)));
	if (u->job_title != NULL && *u->job_title != '\0')
		json_object_set_new(a, "job_title", json_string(u->job_title));
	if (u->department != NULL && *u->department != '\0')
		json_object_set_new(a, "department", json_string(
		    u->department));
	follow_relationship(req_db(r), r->user->id, u->id, &rel);
	json_object_set_new(a, "self", json_boolean(u->id == r->user->id));
	json_object_set_new(a, "following", json_boolean(rel.following));
	json_object_set_new(a, "back", json_string(back));
	return a;
}

/* The page for either list. */
static enum handled
follows_page(struct req *r, int followers)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct user	*u;
	struct page	 pg;
	struct ectx	 e;
	json_t		*v, *list, *a;
	const char	*who, *path;
	size_t		 i;

	u = user_get_by_name(req_db(r), r->arena, r->params[0]);
	if (u == NULL || u->disabled) {
		req_error(r, 404, "There is nobody with this name here.");
		return HANDLED;
	}
	if (page_parse(r, &pg, FOLLOWS_PAGE, FOLLOWS_PAGE) != 0)
		return HANDLED;
	if (follow_list(req_db(r), r->arena, u->id, followers, &pg, &ids,
	    &cursors) != 0) {
		req_error(r, 500, "The list could not be read.");
		return HANDLED;
	}
	path = arena_printf(r->arena, "/@%s/%s", u->username, followers ?
	    "followers" : "following");
	list = json_array();
	req_ectx(r, &e);
	for (i = 0; i < ids.n; i++) {
		if ((a = follows_card(r, &e, ids.ids[i], path)) != NULL)
			json_array_append_new(list, a);
	}
	ectx_free(&e);
	who = u->display_name != NULL && *u->display_name != '\0' ?
	    u->display_name : u->username;
	v = req_view(r, i18n_format(r->arena, followers ? req_tr(r,
	    "Followers of {name}") : req_tr(r, "Followed by {name}"), "name",
	    who, NULL));
	json_object_set_new(v, "heading", json_string(i18n_format(r->arena,
	    followers ? req_tr(r, "Followers of {name}") : req_tr(r,
	    "People {name} follows"), "name", who, NULL)));
	json_object_set_new(v, "profile", json_string(arena_printf(r->arena,
	    "/@%s", u->username)));
	json_object_set_new(v, "who", json_string(who));
	json_object_set_new(v, "followers", json_boolean(followers));
	json_object_set_new(v, "followers_path", json_string(arena_printf(
	    r->arena, "/@%s/followers", u->username)));
	json_object_set_new(v, "following_path", json_string(arena_printf(
	    r->arena, "/@%s/following", u->username)));
	json_object_set_new(v, "has_people", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(v, "people", list);
	if (cursors.n == ids.n && ids.n >= (size_t)pg.limit)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "%s?max_id=%lld", path,
		    (long long)cursors.ids[cursors.n - 1])));
	if (pg.max_id != 0)
		json_object_set_new(v, "first", json_string(path));
	req_html(r, 200, "follows", v);
	return HANDLED;
}

/* GET /@name/followers */
enum handled
web_followers(struct req *r)
{
	return follows_page(r, 1);
}

/* GET /@name/following */
enum handled
web_following(struct req *r)
{
	return follows_page(r, 0);
}
