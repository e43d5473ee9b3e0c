/*
 * api-groups.c: hearth's groups API. Reads answer on the loop; every change
 * goes through the writer and answers with the Group as it is once
 * committed. A change of membership also changes what the person's home
 * feed should hold (it carries their groups' posts), so their cached feed is
 * dropped after the commit. A private group is invisible to non-members:
 * every route answers them 404, as if it did not exist.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hearth.h"

/* A change to a group, as the writer and the reply see it. */
struct group_job {
	int64_t		 group;
	int64_t		 account;	/* the person added, removed, ... */
	int64_t		 forget;	/* whose home feed changes, or 0 */
	enum group_role	 role;
	struct group	*before;	/* as the caller saw it (leave) */
	/* create */
	const char	*name;
	const char	*description;
	const char	*description_html;
	enum group_visibility visibility;
};

/* Mastodon clients send booleans as true/false, 1/0 or on. */
static int
param_bool(struct req *r, const char *name)
{
	const char	*v = req_param(r, name);

	return v != NULL && (strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0);
}

/* Answer with a group the caller may read, or 404. */
static void
answer_group(struct req *r, int64_t id)
{
	struct ectx	 e;
	json_t		*g;

	ectx_init(&e, r);
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
	    j->group)) {
		if (j->before->my_role >= 0 && j->before->members_count > 0)
			j->before->members_count--;
		j->before->my_role = -1;
		ectx_init(&e, r);
		req_json(r, 200, entity_group(&e, j->before));
		ectx_free(&e);
		return;
	}
	answer_group(r, j->group);
}

/* On the writer, after commit: the person's home feed must be rebuilt. */
static void
forget_feed(struct req *r, struct db *db, void *arg)
{
	struct group_job	*j = arg;

	(void)r;
	(void)db;
	if (j->forget != 0)
		feed_forget(j->forget);
}

/* A new job for the group in the route's :id; NULL after answering 404. */
static struct group_job *
job_new(struct req *r)
{
	struct group_job	*j;
	int64_t			 id = req_id(r, ":0");

	if (id == 0) {
		req_error(r, 404, "Record not found");
		return NULL;
	}
	j = arena_alloc(r->arena, sizeof *j);
	j->group = id;
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
	if (group_list(req_db(r), r->arena, r->user->id, param_bool(r,
	    "member"), &p, &ids) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	ectx_init(&e, r);
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

/* On the writer: create. */
static int
create_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct group_job	*j = arg;
	int64_t			 id;

	id = group_create(db, r->user->id, j->name, j->description,
	    j->description_html, j->visibility, cause);
	if (id < 0)
		return (int)-id;
	j->group = id;
	return E_OK;
}

/* POST /api/v1/groups: name, description (Markdown), visibility. */
enum handled
api_group_create(struct req *r)
{
	struct mention_ctx	 resolve = { req_db(r), r->arena };
	struct group_job	*j = arena_alloc(r->arena, sizeof *j);
	struct markdown		 md;
	const char		*name = req_param(r, "name");
	const char		*desc = req_param(r, "description");
	const char		*vis = req_param(r, "visibility");
	char			*cause = NULL;

	if (name == NULL || *(name = arena_trim(r->arena, name)) == '\0') {
		req_error(r, 422, "Validation failed: a group needs a name");
		return HANDLED;
	}
	j->name = name;
	j->visibility = GROUP_OPEN;
	if (vis != NULL && *vis != '\0') {
		if (strcmp(vis, "private") == 0)
			j->visibility = GROUP_PRIVATE;
		else if (strcmp(vis, "open") != 0) {
			req_error(r, 422, "Validation failed: visibility must "
			    "be open or private");
			return HANDLED;
		}
	}
	j->description = desc ? desc : "";
	j->description_html = "";
	if (strlen(j->description) > GROUP_DESCRIPTION_MAX) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "a group's description is at most %d bytes",
		    GROUP_DESCRIPTION_MAX));
		return HANDLED;
	}
	if (*j->description != '\0') {
		if (markdown_render(r->arena, j->description,
		    strlen(j->description), req_config(r)->base_url,
		    post_mention_resolve, &resolve, &md, &cause) != 0) {
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: %s", cause));
			free(cause);
			return HANDLED;
		}
		j->description_html = md.html;
	}
	return req_write(r, create_write, forget_feed, reply_group, j);
}

/* GET /api/v1/groups/:id */
enum handled
api_group(struct req *r)
{
	answer_group(r, req_id(r, ":0"));
	return HANDLED;
}

/* On the writer: join. */
static int
join_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct group_job	*j = arg;
	int			 rc = group_join(db, r->user->id, j->group);

	if (rc == E_FORBIDDEN)
		*cause = xstrdup("This group is private: a group admin must "
		    "add you");
	return rc;
}

/* POST /api/v1/groups/:id/join: open groups only. */
enum handled
api_group_join(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r)) == NULL)
		return HANDLED;
	j->forget = r->user->id;
	return req_write(r, join_write, forget_feed, reply_group, j);
}

/* On the writer: leave. */
static int
leave_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct group_job	*j = arg;

	return group_leave(db, r->user->id, j->group, cause);
}

/* POST /api/v1/groups/:id/leave: the last admin hands over first. */
enum handled
api_group_leave(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r)) == NULL)
		return HANDLED;
	if ((j->before = group_get(req_db(r), r->arena, r->user->id,
	    j->group)) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	j->forget = r->user->id;
	return req_write(r, leave_write, forget_feed, reply_group, j);
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
	ectx_init(&e, r);
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

/* On the writer: a group admin adds someone. */
static int
add_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct group_job	*j = arg;

	return group_add_member(db, r->user->id, j->group, j->account, cause);
}

/* POST /api/v1/groups/:id/members: account_id; group admins only. */
enum handled
api_group_add(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r)) == NULL)
		return HANDLED;
	if ((j->account = account_param(r, 0)) == 0)
		return HANDLED;
	j->forget = j->account;
	return req_write(r, add_write, forget_feed, reply_group, j);
}

/* On the writer: a group admin removes someone. */
static int
remove_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct group_job	*j = arg;

	return group_remove_member(db, r->user->id, j->group, j->account,
	    cause);
}

/* DELETE /api/v1/groups/:id/members/:account: group admins only. */
enum handled
api_group_remove(struct req *r)
{
	struct group_job	*j;

	if ((j = job_new(r)) == NULL)
		return HANDLED;
	if ((j->account = account_param(r, 1)) == 0)
		return HANDLED;
	j->forget = j->account;
	j->before = group_get(req_db(r), r->arena, r->user->id, j->group);
	if (j->before == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	/* An admin removing themselves loses sight of a private group. */
	if (j->account != r->user->id)
		j->before = NULL;
	return req_write(r, remove_write, forget_feed, reply_group, j);
}

/* On the writer: a group admin changes a member's role. */
static int
role_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct group_job	*j = arg;

	return group_set_role(db, r->user->id, j->group, j->account, j->role,
	    cause);
}

/* Shared by promoting and demoting. */
static enum handled
set_role(struct req *r, enum group_role role, int from_route)
{
	struct group_job	*j;

	if ((j = job_new(r)) == NULL)
		return HANDLED;
	if ((j->account = account_param(r, from_route)) == 0)
		return HANDLED;
	j->role = role;
	return req_write(r, role_write, NULL, reply_group, j);
}

/* POST /api/v1/groups/:id/admins: account_id; make a member an admin. */
enum handled
api_group_admin_add(struct req *r)
{
	return set_role(r, GROUP_ADMIN, 0);
}

/* DELETE /api/v1/groups/:id/admins/:account: make an admin a member. */
enum handled
api_group_admin_remove(struct req *r)
{
	return set_role(r, GROUP_MEMBER, 1);
}
