/*
 * status-actions.c: what a reader does with a Status beyond favouriting
 * it (statuses.c): boosting it (Mastodon's reblog), bookmarking it, and
 * reacting with an emoji, the hearth extension that follows Pleroma's and
 * Akkoma's routes and shapes so the apps that know theirs work here
 * (docs/api.md). 👍 is the favourite, so both APIs count the same rows.
 */
#include <string.h>

#include "handlers.h"

#define REACTION_ACCOUNTS_MAX 80	/* accounts listed per emoji */

/* Answer with the Status the caller acted on, as it is now. */
static void
target_reply(struct req *r, void *arg)
{
	struct toggle	*t = arg;
	struct ectx	 e;
	json_t		*s;

	req_ectx(r, &e);
	if ((s = entity_status_id(&e, post_target(req_db(r), t->id))) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* Answer a boost with the booster's new Status, its reblog within. */
static void
reblog_reply(struct req *r, void *arg)
{
	struct toggle	*t = arg;
	struct ectx	 e;
	json_t		*s = NULL;
	int64_t		 id;

	id = reblog_find(req_db(r), r->user->id, post_target(req_db(r),
	    t->id));
	req_ectx(r, &e);
	if (id != 0 && (s = entity_status_id(&e, id)) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* POST /api/v1/statuses/:id/reblog */
enum handled
api_status_reblog(struct req *r)
{
	return req_toggle(r, reblog_set, req_id(r, ":0"), 1, reblog_reply);
}

/* POST /api/v1/statuses/:id/unreblog: the original, no longer boosted. */
enum handled
api_status_unreblog(struct req *r)
{
	return req_toggle(r, reblog_set, req_id(r, ":0"), 0, target_reply);
}

/* GET /api/v1/statuses/:id/reblogged_by */
enum handled
api_status_reblogged_by(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	int		 rc;

	if (page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	rc = reblog_list(req_db(r), r->arena, r->user->id,
	    post_target(req_db(r), req_id(r, ":0")), &p, &ids, &cursors);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	page_link(r, &p, &cursors);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* POST /api/v1/statuses/:id/bookmark */
enum handled
api_status_bookmark(struct req *r)
{
	return req_toggle(r, bookmark_set, req_id(r, ":0"), 1, target_reply);
}

/* POST /api/v1/statuses/:id/unbookmark */
enum handled
api_status_unbookmark(struct req *r)
{
	return req_toggle(r, bookmark_set, req_id(r, ":0"), 0, target_reply);
}

/* POST /api/v1/statuses/:id/pin: to the top of one's profile. */
enum handled
api_status_pin(struct req *r)
{
	return req_toggle(r, status_pin_set, req_id(r, ":0"), 1,
	    target_reply);
}

/* POST /api/v1/statuses/:id/unpin */
enum handled
api_status_unpin(struct req *r)
{
	return req_toggle(r, status_pin_set, req_id(r, ":0"), 0,
	    target_reply);
}

/* GET /api/v1/bookmarks: what the caller bookmarked, newest first. */
enum handled
api_bookmarks(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	return req_statuses(r, bookmark_mine(req_db(r), r->arena, r->user->id,
	    &p, &ids, &cursors), &p, &ids, &cursors);
}

/* Answer a reaction with the Status, its emoji_reactions updated. */
static void
reaction_reply(struct req *r, void *arg)
{
	struct reaction_toggle	*t = arg;
	struct ectx		 e;
	json_t			*s;

	req_ectx(r, &e);
	if ((s = entity_status_id(&e, post_target(req_db(r), t->id))) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* PUT or DELETE /api/v1/pleroma/statuses/:id/reactions/:emoji */
static enum handled
reaction_toggle(struct req *r, int add)
{
	struct reaction_toggle	*t = arena_alloc(r->arena, sizeof *t);

	t->actor = r->user->id;
	t->id = req_id(r, ":0");
	t->emoji = r->params[1];
	t->add = add;
	return req_command(r, reaction_set, reaction_reply, t);
}

/* PUT /api/v1/pleroma/statuses/:id/reactions/:emoji */
enum handled
api_reaction_add(struct req *r)
{
	return reaction_toggle(r, 1);
}

/* DELETE /api/v1/pleroma/statuses/:id/reactions/:emoji */
enum handled
api_reaction_remove(struct req *r)
{
	return reaction_toggle(r, 0);
}

/*
 * GET /api/v1/pleroma/statuses/:id/reactions[/:emoji]: each emoji with
 * its count, whether it is the caller's, and who reacted (Accounts).
 */
enum handled
api_reactions(struct req *r)
{
	struct reaction	*rs;
	struct idlist	 ids;
	struct ectx	 e;
	json_t		*arr;
	int64_t		 post = post_target(req_db(r), req_id(r, ":0"));
	const char	*only = r->params[1];
	size_t		 i, n;

	if (!access_post_visible(req_db(r), r->user->id, post) ||
	    reaction_summary(req_db(r), r->arena, r->user->id, post, &rs,
	    &n) != E_OK) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < n; i++) {
		if (only != NULL && strcmp(only, rs[i].emoji) != 0)
			continue;
		memset(&ids, 0, sizeof ids);
		if (reaction_people(req_db(r), r->arena, r->user->id, post,
		    rs[i].emoji, REACTION_ACCOUNTS_MAX, &ids) != E_OK)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:I, s:b, s:o}",
		    "name", rs[i].emoji, "count", (json_int_t)rs[i].count,
		    "me", rs[i].me, "accounts", entity_accounts(&e, &ids)));
	}
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}
