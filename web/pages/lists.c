/*
 * lists.c: the Lists pages (/lists, under the account menu): a person's
 * lists, a form to make one, and each list's page with its timeline, its
 * settings (title, which replies it shows, whether it is exclusive), its
 * members and a form to add someone they follow. The rules are list.c's,
 * as the API's are; another's list is not found.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

/* What a change redirects back with (?notice=...). */
static const struct {
	const char	*name;
	const char	*text;
} list_notices[] = {
	{ "created", N_("The list was made. Add people you follow to it.") },
	{ "saved", N_("The list was saved.") },
	{ "deleted", N_("The list was deleted.") },
	{ "added", N_("They were added to the list.") },
	{ "removed", N_("They were taken off the list.") },
};

/* The replies policies, as the forms offer them. */
static const char *const policy_labels[] = {
	[LIST_REPLIES_FOLLOWED] = N_("Replies to anyone you follow"),
	[LIST_REPLIES_LIST] = N_("Replies to people on the list"),
	[LIST_REPLIES_NONE] = N_("No replies to others"),
};

/* A list's view: title, id, its policy choices and exclusive. */
static json_t *
list_view(struct req *r, const struct list *l)
{
	json_t	*o, *choices = json_array();
	size_t	 i;

	for (i = 0; i < nitems(policy_labels); i++)
		json_array_append_new(choices, json_pack("{s:s, s:s, s:b}",
		    "value", list_policy_name((int)i), "label", req_tr(r,
		    policy_labels[i]), "selected", l != NULL ?
		    l->replies_policy == (int)i : i == LIST_REPLIES_LIST));
	o = json_pack("{s:o}", "policies", choices);
	if (l != NULL) {
		json_object_set_new(o, "id", json_integer(l->id));
		json_object_set_new(o, "list_id", json_integer(l->id));
		json_object_set_new(o, "title", json_string(l->title));
		json_object_set_new(o, "exclusive", json_boolean(l->exclusive));
		json_object_set_new(o, "policy_label", json_string(req_tr(r,
		    policy_labels[l->replies_policy])));
	}
	return o;
}

/* The notice a change came back with, and an error. */
static void
list_notice(struct req *r, json_t *v, const char *error)
{
	const char	*name = req_param(r, "notice");
	size_t		 i;

	for (i = 0; name != NULL && i < nitems(list_notices); i++) {
		if (strcmp(name, list_notices[i].name) == 0)
			json_object_set_new(v, "notice", json_string(req_tr(r,
			    list_notices[i].text)));
	}
	if (error != NULL)
		json_object_set_new(v, "error_summary", json_string(req_tr(r,
		    error)));
}

/* The index: the person's lists and the form to make one. */
static void
lists_page(struct req *r, int status, const char *error)
{
	struct list	*l;
	json_t		*v, *arr = json_array();
	size_t		 i, n;

	if (list_all(req_db(r), r->arena, r->user->id, 0, &l, &n) != E_OK)
		n = 0;
	for (i = 0; i < n; i++)
		json_array_append_new(arr, list_view(r, &l[i]));
	v = req_view(r, "Lists");
	web_nav(v, "lists");
	list_notice(r, v, error);
	json_object_set_new(v, "has_lists", json_boolean(n > 0));
	json_object_set_new(v, "lists", arr);
	json_object_set_new(v, "new", list_view(r, NULL));
	req_html(r, status, "lists", v);
}

/* GET /lists */
enum handled
web_lists(struct req *r)
{
	lists_page(r, 200, NULL);
	return HANDLED;
}

/* The person's list from the path, or NULL after answering 404. */
static struct list *
list_param(struct req *r)
{
	struct list	*l = list_get(req_db(r), r->arena, r->user->id,
	    req_id(r, ":0"));

	if (l == NULL)
		req_error(r, 404, N_("This list does not exist, or it is not "
		    "yours."));
	return l;
}

/* One list's page: its posts, settings and members. */
static void
list_page(struct req *r, struct list *l, int status, const char *error)
{
	struct idlist	 ids = { NULL, 0, 0 }, members = { NULL, 0, 0 };
	struct page	 pg, all = { 0, 0, 0, LIST_MEMBERS_ALL };
	struct user	*u;
	json_t		*v, *arr = json_array();
	const char	*base;
	size_t		 i;

	if (page_parse(r, &pg, 20, 40) != 0)
		return;
	if (timeline_list(req_db(r), r->arena, r->user->id, l->id, &pg,
	    &ids, NULL) != E_OK || list_members(req_db(r), r->arena, r->user->id,
	    l->id, &all, &members) != E_OK) {
		req_error(r, 500, N_("This list could not be read."));
		return;
	}
	for (i = 0; i < members.n; i++) {
		if ((u = user_get(req_db(r), r->arena, members.ids[i])) == NULL)
			continue;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)u->id, "username", u->username, "name",
		    u->display_name != NULL && *u->display_name != '\0' ?
		    u->display_name : u->username));
	}
	v = req_view(r, l->title);
	web_nav(v, "lists");
	list_notice(r, v, error);
	json_object_set_new(v, "list", list_view(r, l));
	json_object_set_new(v, "has_members", json_boolean(members.n > 0));
	json_object_set_new(v, "members", arr);
	json_object_set_new(v, "live", json_string(arena_printf(r->arena,
	    "list?list=%lld", (long long)l->id)));
	base = arena_printf(r->arena, "/lists/%lld", (long long)l->id);
	web_stream(r, v, &ids, &pg, base);
	req_html(r, status, "list", v);
}

/* GET /lists/:id */
enum handled
web_list(struct req *r)
{
	struct list	*l;

	if ((l = list_param(r)) != NULL)
		list_page(r, l, 200, NULL);
	return HANDLED;
}

/* After a change: back to the list (or the index) with a notice, or the
 * page again with what went wrong. */
static void
list_outcome(struct req *r, void *arg, int code, const char *cause,
    const char *notice)
{
	struct list_edit	*e = arg;
	struct list		*l;

	if (code == E_OK) {
		if (strcmp(notice, "deleted") == 0)
			req_redirect(r, "/lists?notice=deleted");
		else
			req_redirect(r, arena_printf(r->arena,
			    "/lists/%lld?notice=%s", (long long)e->id, notice));
		return;
	}
	if (code == E_NOTFOUND || e->id == 0 ||
	    (l = list_get(req_db(r), r->arena, r->user->id, e->id)) == NULL) {
		if (code == E_NOTFOUND)
			req_error(r, 404, N_("This list does not exist, or it "
			    "is not yours."));
		else
			lists_page(r, 422, cause);
		return;
	}
	list_page(r, l, 422, cause);
}

/* Outcomes, by what was done. */
static void
created(struct req *r, void *arg, int code, const char *cause)
{
	list_outcome(r, arg, code, cause, "created");
}

static void
saved(struct req *r, void *arg, int code, const char *cause)
{
	list_outcome(r, arg, code, cause, "saved");
}

static void
deleted(struct req *r, void *arg, int code, const char *cause)
{
	list_outcome(r, arg, code, cause, "deleted");
}

static void
added(struct req *r, void *arg, int code, const char *cause)
{
	list_outcome(r, arg, code, cause, "added");
}

static void
removed(struct req *r, void *arg, int code, const char *cause)
{
	list_outcome(r, arg, code, cause, "removed");
}

/* A new edit of the person's; the form's title, replies_policy and
 * exclusive (a checkbox: absent is off). */
static struct list_edit *
edit_from_form(struct req *r, int64_t id)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);
	int			 policy;

	memset(e, 0, sizeof *e);
	e->id = id;
	e->user_id = r->user->id;
	e->title = req_param(r, "title");
	if (e->title == NULL)
		e->title = "";
	policy = list_policy_named(req_param(r, "replies_policy"));
	e->replies_policy = policy >= 0 ? policy : LIST_REPLIES_LIST;
	e->exclusive = req_param(r, "exclusive") != NULL;
	return e;
}

/* POST /lists: csrf, title, replies_policy, exclusive. */
enum handled
web_list_create(struct req *r)
{
	return req_command_then(r, list_create_cmd, created,
	    edit_from_form(r, 0));
}

/* POST /lists/:id: the same, to change it. */
enum handled
web_list_update(struct req *r)
{
	if (list_param(r) == NULL)
		return HANDLED;
	return req_command_then(r, list_update_cmd, saved,
	    edit_from_form(r, req_id(r, ":0")));
}

/*
 * POST /lists/:id/delete: csrf, and confirm=yes. A list goes for good with
 * whom it holds, so the first POST only asks (a page that works without
 * JavaScript); its form sends confirm=yes.
 */
enum handled
web_list_delete(struct req *r)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);
	const char		*yes = req_param(r, "confirm");
	struct list		*l;
	json_t			*v;

	if (yes == NULL || strcmp(yes, "yes") != 0) {
		if ((l = list_param(r)) == NULL)
			return HANDLED;
		v = req_view(r, req_tr(r, "Delete the list?"));
		web_nav(v, "lists");
		json_object_set_new(v, "heading", json_string(l->title));
		json_object_set_new(v, "question", json_string(i18n_format(
		    r->arena, req_tr(r, "Delete the list “{title}”? The people "
		    "on it are not told, and you keep following them."),
		    "title", l->title, NULL)));
		json_object_set_new(v, "action", json_string(arena_printf(
		    r->arena, "/lists/%lld/delete", (long long)l->id)));
		json_object_set_new(v, "label", json_string(req_tr(r,
		    "Delete the list")));
		json_object_set_new(v, "back", json_string(arena_printf(
		    r->arena, "/lists/%lld", (long long)l->id)));
		req_html(r, 200, "confirm", v);
		return HANDLED;
	}
	memset(e, 0, sizeof *e);
	e->id = req_id(r, ":0");
	e->user_id = r->user->id;
	return req_command_then(r, list_delete_cmd, deleted, e);
}

/* POST /lists/:id/add: csrf, username (with or without "@"), someone
 * the person follows. */
enum handled
web_list_add(struct req *r)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);
	const char		*name = req_param(r, "username");
	struct list		*l;
	struct user		*u;

	if ((l = list_param(r)) == NULL)
		return HANDLED;
	if (name != NULL && *name == '@')
		name++;
	if (name == NULL || *name == '\0' || (u = user_get_by_name(req_db(r),
	    r->arena, name)) == NULL || u->disabled) {
		list_page(r, l, 422, N_("Nobody here has that username."));
		return HANDLED;
	}
	memset(e, 0, sizeof *e);
	e->id = l->id;
	e->user_id = r->user->id;
	e->accounts = arena_alloc(r->arena, sizeof *e->accounts);
	e->accounts[0] = u->id;
	e->naccounts = 1;
	return req_command_then(r, list_add_cmd, added, e);
}

/* POST /lists/:id/remove: csrf, account (an id). */
enum handled
web_list_remove(struct req *r)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);
	const char		*who = req_param(r, "account");

	memset(e, 0, sizeof *e);
	e->id = req_id(r, ":0");
	e->user_id = r->user->id;
	e->accounts = arena_alloc(r->arena, sizeof *e->accounts);
	e->accounts[0] = who != NULL ? strtoll(who, NULL, 10) : 0;
	e->naccounts = 1;
	return req_command_then(r, list_remove_cmd, removed, e);
}
