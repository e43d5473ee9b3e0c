/*
 * post-actions.c: the card's action row as forms, each working without
 * JavaScript (hearth.js swaps the row in place when it runs): react with
 * one of the offered emoji or take it back (POST /@name/:id/react, add or
 * remove), share (/boost, /unboost), bookmark (/bookmark, /unbookmark)
 * and pin one's own to one's profile (/pin, /unpin);
 * and the reader's bookmarks, GET /bookmarks. The domain's commands are
 * the API's (reaction_set, reblog_set, bookmark_set).
 */
#include "pages.h"

/* Done: back to where the button was. */
static void
action_back(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, "/"));
}

/* POST /@name/:id/react: add=EMOJI or remove=EMOJI, csrf, next. */
enum handled
web_post_react(struct req *r)
{
	struct reaction_toggle	*t;
	struct post		*p;
	const char		*add = req_param(r, "add");
	const char		*remove = req_param(r, "remove");

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	if ((add == NULL || *add == '\0') && (remove == NULL ||
	    *remove == '\0')) {
		req_error(r, 422, "Choose a reaction.");
		return HANDLED;
	}
	t = arena_alloc(r->arena, sizeof *t);
	t->actor = r->user->id;
	t->id = p->id;
	t->add = remove == NULL || *remove == '\0';
	t->emoji = t->add ? add : remove;
	return req_command(r, reaction_set, action_back, t);
}

/* A toggle of the post the path names: share or bookmark, on or off. */
static enum handled
post_toggle(struct req *r, int (*cmd)(struct db *, void *, char **),
    int add)
{
	struct post	*p;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	return req_toggle(r, cmd, p->id, add, action_back);
}

/* POST /@name/:id/boost: share with one's followers. */
enum handled
web_post_boost(struct req *r)
{
	return post_toggle(r, reblog_set, 1);
}

/* POST /@name/:id/unboost */
enum handled
web_post_unboost(struct req *r)
{
	return post_toggle(r, reblog_set, 0);
}

/* POST /@name/:id/bookmark */
enum handled
web_post_bookmark(struct req *r)
{
	return post_toggle(r, bookmark_set, 1);
}

/* POST /@name/:id/unbookmark */
enum handled
web_post_unbookmark(struct req *r)
{
	return post_toggle(r, bookmark_set, 0);
}

/* POST /@name/:id/pin: to the top of one's profile. */
enum handled
web_post_pin(struct req *r)
{
	return post_toggle(r, status_pin_set, 1);
}

/* POST /@name/:id/unpin */
enum handled
web_post_unpin(struct req *r)
{
	return post_toggle(r, status_pin_set, 0);
}

/* GET /bookmarks: the reader's bookmarks, newest bookmark first. */
enum handled
web_bookmarks(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 pg;
	json_t		*v;
	int		 rc;

	if (page_parse(r, &pg, 20, 40) != 0)
		return HANDLED;
	rc = bookmark_mine(req_db(r), r->arena, r->user->id, &pg, &ids,
	    &cursors);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	v = req_view(r, "Bookmarks");
	web_nav(v, "bookmarks");
	json_object_set_new(v, "heading", json_string(req_tr(r,
	    "Bookmarks")));
	json_object_set_new(v, "intro", json_string("Posts you bookmarked, "
	    "newest bookmark first. Only you see them."));
	web_stream(r, v, &ids, &pg, "/bookmarks");
	/* Older bookmarks are below the last bookmark's id, not its post's. */
	json_object_set_new(v, "latest", json_false());
	if (json_object_get(v, "older") != NULL && cursors.n > 0)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "/bookmarks?max_id=%lld",
		    (long long)cursors.ids[cursors.n - 1])));
	req_html(r, 200, "stream", v);
	return HANDLED;
}
