/*
 * groups.c: hearth's groups API. Reads answer on the loop; every change is
 * one of the domain's commands (group_create_cmd, group_change_cmd, the
 * same the web's forms use) and answers with the Group as it is once
 * committed. A private group is invisible to non-members: every route
 * answers them 404, as if it did not exist.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

/* A change to a group (the domain's command), and the group as the
 * caller saw it before, for the answer once they may no longer see it. */
struct group_job {
	struct group_change	 c;
	struct group		*before;
};

/* Answer with a group the caller may read, or 404. */
static void
answer_group(struct req *r, int64_t id)
{
	struct ectx	 e;
	json_t		*g;

	req_ectx(r, &e);
	if ((g = entity_group_id(&e, id)) != NULL)
		req_json(r, 200, g);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* After a write: the Group as it is now. */
static void
reply_group(struct req *r, void *arg)
{
	struct group_job	*j = arg;
	struct ectx		 e;

	/* Having left a private group, the caller can no longer read it:
	 * answer with what they saw, minus their membership. */
	if (j->before != NULL && !access_group_readable(req_db(r), r->user->id,
	    j->c.group)) {
		if (j->before->my_role >= 0 && j->before->members_count > 0)
			j->before->members_count--;
		j->before->my_role = -1;
		req_ectx(r, &e);
		req_json(r, 200, entity_group(&e, j->before));
		ectx_free(&e);
		return;
	}
	answer_group(r, j->c.group);
}

/* After creating: the new Group. */
static void
reply_created(struct req *r, void *arg)
{
	struct group_input	*in = arg;

	answer_group(r, in->id);
}

/* A change op to the group in the route's :id; NULL after answering 404. */
static struct group_job *
job_new(struct req *r, enum group_op op)
{
	struct group_job	*j;
	int64_t			 id = req_id(r, ":0");

	if (id == 0) {
		req_error(r, 404, "Record not found");
		return NULL;
	}
	j = arena_alloc(r->arena, sizeof *j);
	memset(j, 0, sizeof *j);
	j->c.op = op;
	j->c.actor = r->user->id;
	j->c.group = id;
	return j;
}

/*
 * The account a request names (account_id, or the route's :account); 0
 * after answering 422 if it is missing or not an id.
 */
static int64_t
account_param(struct req *r, int from_route)
{
	int64_t	id = from_route ? req_id(r, ":1") : req_id(r, "account_id");

	if (id == 0) {
		if (from_route)
			req_error(r, 404, "Record not found");
		else
			req_error(r, 422, "Validation failed: account_id must "
			    "be the id of an account");
	}
	return id;
}

/* GET /api/v1/groups: groups the caller may read; ?member=true: theirs. */
enum handled
api_groups(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	json_t		*arr, *g;
	size_t		 i;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	if (group_list(req_db(r), r->arena, r->user->id, req_bool(r,
	    "member"), &p, &ids) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < ids.n; i++) {
		if ((g = entity_group_id(&e, ids.ids[i])) != NULL)
			json_array_append_new(arr, g);
	}
	page_link(r, &p, &ids);
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* POST /api/v1/groups: name, description (Markdown), visibility. */
enum handled
api_group_create(struct req *r)
{
	struct group_input	*in = arena_alloc(r->arena, sizeof *in);
	const char		*field, *msg;

	memset(in, 0, sizeof *in);
	in->creator = r->user->id;
	in->name = req_param(r, "name");
	in->description = req_param(r, "description");
	if (group_prepare(req_db(r), r->arena, in, req_param(r, "visibility"),
	    req_config(r)->base_url, &field, &msg) != 0) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "%s", msg));
		return HANDLED;
	}
	return req_command(r, group_create_cmd, reply_created, in);
}

/* GET /api/v1/groups/:id */
enum handled
api_group(struct req *r)
{
	answer_group(r, req_id(r, ":0"));
	return HANDLED;
}

/* POST /api/v1/groups/:id/join: open groups only. */
enum handled
api_group_join(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r, GROUP_JOIN)) == NULL)
		return HANDLED;
	return req_command(r, group_change_cmd, reply_group, j);
}

/* POST /api/v1/groups/:id/leave: the last admin hands over first. */
enum handled
api_group_leave(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r, GROUP_LEAVE)) == NULL)
		return HANDLED;
	if ((j->before = group_get(req_db(r), r->arena, r->user->id,
	    j->c.group)) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	return req_command(r, group_change_cmd, reply_group, j);
}

/*
 * GET /api/v1/groups/:id/members?q=: Accounts, newest member first, those
 * whose username or display name contains q if given. Each
 * carries hearth's "group_role" ("admin" or "member"), which Mastodon
 * clients ignore.
 */
enum handled
api_group_members(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	json_t		*arr, *a, *copy;
	size_t		 i;
	int64_t		 group = req_id(r, ":0");
	int		 rc, role;

	if (page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	rc = group == 0 ? E_NOTFOUND : group_members(req_db(r), r->arena,
	    r->user->id, group, req_param(r, "q"), &p, &ids, &cursors);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < ids.n; i++) {
		if ((a = entity_account_id(&e, ids.ids[i])) == NULL)
			continue;
		/* The cached entity is shared: annotate a copy. */
		copy = json_copy(a);
		json_decref(a);
		role = access_group_role(req_db(r), ids.ids[i], group);
		json_object_set_new(copy, "group_role", json_string(role ==
		    GROUP_ADMIN ? "admin" : "member"));
		json_array_append_new(arr, copy);
	}
	page_link(r, &p, &cursors);
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* POST /api/v1/groups/:id/members: account_id; group admins only. */
enum handled
api_group_add(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r, GROUP_ADD)) == NULL)
		return HANDLED;
	if ((j->c.account = account_param(r, 0)) == 0)
		return HANDLED;
	return req_command(r, group_change_cmd, reply_group, j);
}

/* DELETE /api/v1/groups/:id/members/:account: group admins only. */
enum handled
api_group_remove(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r, GROUP_REMOVE)) == NULL)
		return HANDLED;
	if ((j->c.account = account_param(r, 1)) == 0)
		return HANDLED;
	j->before = group_get(req_db(r), r->arena, r->user->id, j->c.group);
	if (j->before == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	/* An admin removing themselves loses sight of a private group. */
	if (j->c.account != r->user->id)
		j->before = NULL;
	return req_command(r, group_change_cmd, reply_group, j);
}

/* Shared by promoting and demoting. */
static enum handled
set_role(struct req *r, enum group_op op, int from_route)
{
	struct group_job	*j;

	if ((j = job_new(r, op)) == NULL)
		return HANDLED;
	if ((j->c.account = account_param(r, from_route)) == 0)
		return HANDLED;
	return req_command(r, group_change_cmd, reply_group, j);
}

/* POST /api/v1/groups/:id/admins: account_id; make a member an admin. */
enum handled
api_group_admin_add(struct req *r)
{
	return set_role(r, GROUP_PROMOTE, 0);
}

/* DELETE /api/v1/groups/:id/admins/:account: make an admin a member. */
enum handled
api_group_admin_remove(struct req *r)
{
	return set_role(r, GROUP_DEMOTE, 1);
}
