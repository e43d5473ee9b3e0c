/*
 * group-settings.c: hearth's API for what a group's admins change about
 * the group itself: PATCH /api/v1/groups/:id (name, description,
 * visibility), archive and unarchive, and the pinned posts. Every change
 * is the domain's group_edit_cmd, the same the web's settings page uses,
 * and answers with the Group (or the pins) as committed.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* A change to the group in the route's :id; NULL after answering 404. */
static struct group_edit *
edit_new(struct req *r, enum group_edit_op op)
{
	struct group_edit	*e;
	int64_t			 id = req_id(r, ":0");

	if (id == 0) {
		req_error(r, 404, "Record not found");
		return NULL;
	}
	e = arena_alloc(r->arena, sizeof *e);
	memset(e, 0, sizeof *e);
	e->op = op;
	e->actor = r->user->id;
	e->group = id;
	return e;
}

/* After a change: the Group as the caller may see it (a site admin
 * outside a private group gets it too: they manage it). */
static void
reply_group(struct req *r, void *arg)
{
	struct group_edit	*e = arg;
	struct group		*g;
	struct ectx		 ec;

	if ((g = group_get_any(req_db(r), r->arena, r->user->id, e->group)) ==
	    NULL) {
		req_error(r, 404, "Record not found");
		return;
	}
	req_ectx(r, &ec);
	req_json(r, 200, entity_group(&ec, g));
	ectx_free(&ec);
}

/* The group's pinned posts as Statuses, newest pin first. */
static void
reply_pins(struct req *r, void *arg)
{
	struct group_edit	*e = arg;
	struct idlist		 ids = { NULL, 0, 0 };
	struct page		 p = { 0, 0, 0, GROUP_PINS_MAX };

	if (!access_group_readable(req_db(r), r->user->id, e->group)) {
		/* A site admin outside a private group pins blind. */
		req_json(r, 200, json_array());
		return;
	}
	(void)group_pins(req_db(r), r->arena, e->group, &ids);
	(void)req_statuses(r, E_OK, &p, &ids, NULL);
}

/*
 * PATCH /api/v1/groups/:id: name, description (Markdown), visibility
 * ("open" or "private"); what is not sent stays as it was.
 */
enum handled
api_group_update(struct req *r)
{
	struct group_edit	*e;
	struct group		*g;
	const char		*field, *msg, *vis;

	if ((e = edit_new(r, GROUP_UPDATE)) == NULL)
		return HANDLED;
	if ((g = group_get_any(req_db(r), r->arena, r->user->id, e->group)) ==
	    NULL || (!access_group_readable(req_db(r), r->user->id,
	    e->group) && !user_is_admin(req_db(r), r->user->id))) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	e->in.creator = r->user->id;
	e->in.name = req_param(r, "name") != NULL ? req_param(r, "name") :
	    g->name;
	e->in.description = req_param(r, "description") != NULL ?
	    req_param(r, "description") : g->description;
	vis = req_param(r, "visibility") != NULL ? req_param(r,
	    "visibility") : g->visibility == GROUP_PRIVATE ? "private" :
	    "open";
	if (group_prepare(req_db(r), r->arena, &e->in, vis,
	    req_config(r)->base_url, &field, &msg) != 0) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "%s", msg));
		return HANDLED;
	}
	return req_command(r, group_edit_cmd, reply_group, e);
}

/* POST /api/v1/groups/:id/archive: read-only until unarchived. */
enum handled
api_group_archive(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_ARCHIVE)) == NULL)
		return HANDLED;
	return req_command(r, group_edit_cmd, reply_group, e);
}

/* POST /api/v1/groups/:id/unarchive */
enum handled
api_group_unarchive(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_UNARCHIVE)) == NULL)
		return HANDLED;
	return req_command(r, group_edit_cmd, reply_group, e);
}

/* GET /api/v1/groups/:id/pins: Statuses, newest pin first. */
enum handled
api_group_pins(struct req *r)
{
	struct group_edit	 e;

	memset(&e, 0, sizeof e);
	e.group = req_id(r, ":0");
	if (e.group == 0 || !access_group_readable(req_db(r), r->user->id,
	    e.group)) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	reply_pins(r, &e);
	return HANDLED;
}

/* POST /api/v1/groups/:id/pins: status_id; answers the pins. */
enum handled
api_group_pin(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_PIN)) == NULL)
		return HANDLED;
	if ((e->post = req_id(r, "status_id")) == 0) {
		req_error(r, 422, "Validation failed: status_id must be the "
		    "id of a status");
		return HANDLED;
	}
	return req_command(r, group_edit_cmd, reply_pins, e);
}

/* DELETE /api/v1/groups/:id/pins/:status; answers the pins. */
enum handled
api_group_unpin(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_UNPIN)) == NULL)
		return HANDLED;
	if ((e->post = req_id(r, ":1")) == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	return req_command(r, group_edit_cmd, reply_pins, e);
}
