/*
 * groups.c: the group pages. GET /groups lists the person's groups and
 * the others they may join, with a form to create one; GET /groups/:id
 * shows one group: its description, its first members, stream and a
 * composer for members. The member tools are on the members page
 * (group-members.c); their forms are carried out here. Every change is
 * a POST form that calls the same domain functions as the API (group.c),
 * and only they decide who may do what: what they refuse is shown on the
 * page the form was on, in words, rather than as a bare error page.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define GROUPS_MINE_MAX		200	/* a person's own groups, one page */
#define GROUP_PREVIEW		12	/* members shown on a group's page */

/* What a group's page shows besides the group: a refusal and its field. */
struct group_form {
	const char	*error;		/* for the alert at the top */
	const char	*compose_error;	/* the composer's text */
};

/* The changes made from the members page, where their refusals show. */
#define MEMBER_TOOL(op)	((op) >= GROUP_ADD)

/* The groups among ids as views: with mine, the viewer's; else the others. */
static json_t *
group_views(struct req *r, const struct idlist *ids, int mine)
{
	json_t		*arr = json_array();
	struct group	*g;
	size_t		 i;

	for (i = 0; i < ids->n; i++) {
		g = group_get(req_db(r), r->arena, r->user->id, ids->ids[i]);
		if (g != NULL && (g->my_role >= 0) == mine)
			json_array_append_new(arr, web_group_view(r, g));
	}
	return arr;
}

/* A request parameter, or "" when absent. */
static const char *
param(struct req *r, const char *name)
{
	const char	*v = req_param(r, name);

	return v != NULL ? v : "";
}

/*
 * Render GET /groups: status, and the create form's errors by field (NULL
 * when there are none); what was typed is shown again.
 */
static void
groups_page(struct req *r, int status, const char *name_error,
    const char *description_error, const char *visibility_error)
{
	struct idlist	 mine = { NULL, 0, 0 }, all = { NULL, 0, 0 };
	struct page	 pg, mpg;
	json_t		*v, *mines, *others;

	if (page_parse(r, &pg, 20, 40) != 0)
		return;
	memset(&mpg, 0, sizeof mpg);
	mpg.limit = GROUPS_MINE_MAX;
	if (group_list(req_db(r), r->arena, r->user->id, 1, &mpg, &mine) != 0 ||
	    group_list(req_db(r), r->arena, r->user->id, 0, &pg, &all) != 0) {
		req_error(r, 500, "Internal error");
		return;
	}
	v = req_view(r, "Groups");
	web_nav(v, "groups");
	web_notice(r, v);
	mines = group_views(r, &mine, 1);
	json_object_set_new(v, "has_mine", json_boolean(
	    json_array_size(mines) > 0));
	json_object_set_new(v, "mine", mines);
	others = group_views(r, &all, 0);
	json_object_set_new(v, "has_others", json_boolean(
	    json_array_size(others) > 0));
	json_object_set_new(v, "others", others);
	if (all.n > 0 && (int)all.n >= pg.limit)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "/groups?max_id=%lld#others",
		    (long long)all.ids[all.n - 1])));
	json_object_set_new(v, "form", json_pack("{s:s, s:s, s:b}",
	    "name", param(r, "name"),
	    "description", param(r, "description"),
	    "private", strcmp(param(r, "visibility"), "private") == 0));
	if (name_error != NULL)
		json_object_set_new(v, "name_error", json_string(req_tr(r,
		    name_error)));
	if (description_error != NULL)
		json_object_set_new(v, "description_error",
		    json_string(req_tr(r, description_error)));
	if (visibility_error != NULL)
		json_object_set_new(v, "visibility_error",
		    json_string(req_tr(r, visibility_error)));
	req_html(r, status, "groups", v);
}

/* GET /groups */
enum handled
web_groups(struct req *r)
{
	groups_page(r, 200, NULL, NULL, NULL);
	return HANDLED;
}

/* The group's stream under its pins: a pinned post shows once, among the
 * pins (the first page's), not again below them. "Older" still goes on
 * from the page's last post, pinned or not. */
static void
group_stream(struct req *r, json_t *v, const struct idlist *ids,
    const struct idlist *pins, const struct page *pg, const char *base)
{
	struct idlist	 shown = { NULL, 0, 0 };
	size_t		 i, j;

	if (pins->n == 0) {
		web_stream(r, v, ids, pg, base);
		return;
	}
	shown.ids = arena_alloc(r->arena, (ids->n ? ids->n : 1) *
	    sizeof *shown.ids);
	shown.cap = ids->n;
	for (i = 0; i < ids->n; i++) {
		for (j = 0; j < pins->n && pins->ids[j] != ids->ids[i]; j++)
			;
		if (j == pins->n)
			shown.ids[shown.n++] = ids->ids[i];
	}
	web_stream(r, v, &shown, pg, base);
	if (shown.n < ids->n && (int)ids->n >= pg->limit)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "%s?max_id=%lld", base,
		    (long long)ids->ids[ids->n - 1])));
}

/* Render a group's page: status, and what a refused form should show. */
static void
group_page(struct req *r, int64_t id, int status, const struct group_form *f)
{
	struct idlist	 ids = { NULL, 0, 0 }, pins = { NULL, 0, 0 };
	struct draft	 kept;
	struct group	*g;
	struct page	 pg;
	json_t		*v, *members, *gv;
	const char	*base;

	if ((g = group_get(req_db(r), r->arena, r->user->id, id)) == NULL) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return;
	}
	if (page_parse(r, &pg, 20, 40) != 0)
		return;
	if (timeline_group(req_db(r), r->arena, r->user->id, id, &pg,
	    &ids, NULL) != E_OK) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return;
	}
	v = req_view(r, g->name);
	web_nav(v, "groups");
	web_notice(r, v);
	gv = web_group_view(r, g);
	json_object_set_new(gv, "manage", json_boolean(g->my_role ==
	    GROUP_ADMIN || user_is_admin(req_db(r), r->user->id)));
	json_object_set_new(gv, "can_post", json_boolean(g->my_role >= 0 &&
	    g->archived_at == 0));
	json_object_set_new(v, "group", gv);
	/* the shared composer (composer.html) is the group's */
	json_object_set_new(v, "compose_group", json_true());
	base = arena_printf(r->arena, "/groups/%lld", (long long)id);
	/* Pinned posts head the first page only. */
	if (pg.max_id == 0 && pg.min_id == 0 && pg.since_id == 0 &&
	    group_pins(req_db(r), r->arena, id, &pins) == 0 && pins.n > 0)
		json_object_set_new(v, "pinned", web_cards(r, &pins, base));
	members = web_group_member_preview(r, id, GROUP_PREVIEW);
	json_object_set_new(v, "members_all", json_boolean(
	    g->members_count > (int64_t)json_array_size(members)));
	json_object_set_new(v, "members", members);
	if (f != NULL && f->error != NULL)
		json_object_set_new(v, "error", json_string(f->error));
	if (f != NULL && f->compose_error != NULL) {
		json_object_set_new(v, "compose_error",
		    json_string(req_tr(r, f->compose_error)));
		json_object_set_new(v, "draft", json_pack("{s:s, s:s}",
		    "status", param(r, "status"),
		    "spoiler_text", param(r, "spoiler_text")));
		json_object_set_new(v, "compose_open", json_true());
		if (req_param(r, "kept_draft") != NULL)
			json_object_set_new(v, "kept", json_pack("{s:s}",
			    "ago", req_tr(r, "earlier")));
	}
	base = arena_printf(r->arena, "/groups/%lld", (long long)id);
	/* Who the composer's post reaches, in words: the group decides. */
	json_object_set_new(v, "audience", json_string(
	    g->visibility == GROUP_PRIVATE ? i18n_format(r->arena, req_tr(r,
	    "Only members of {group}"), "group", g->name, NULL) :
	    i18n_format(r->arena, req_tr(r, "Everyone at {company} (an open "
	    "group)"), "company", web_company(r), NULL)));
	if (g->my_role >= 0 && (f == NULL || f->compose_error == NULL) &&
	    web_compose_gate(r, v, base) == 0)
		web_draft_offer(r, v, id, &kept);
	web_poll_compose(r, v);
	group_stream(r, v, &ids, &pins, &pg, base);
	req_html(r, status, "group", v);
}

/* GET /groups/:id: private groups are 404 to non-members, as in the API. */
enum handled
web_group(struct req *r)
{
	group_page(r, req_id(r, ":0"), 200, NULL);
	return HANDLED;
}

/* Created: to the new group; refused: the form again, the field at
 * fault. */
static void
create_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct group_input	*in = arg;

	if (code != E_OK) {
		groups_page(r, code, cause != NULL ? cause :
		    N_("This name cannot be used"), NULL, NULL);
		return;
	}
	req_redirect(r, arena_printf(r->arena, "/groups/%lld",
	    (long long)in->id));
}

/* POST /groups: name, description (Markdown), visibility, csrf. */
enum handled
web_group_create(struct req *r)
{
	struct group_input	*in = arena_alloc(r->arena, sizeof *in);
	const char		*field, *msg;

	in->creator = r->user->id;
	in->name = req_param(r, "name");
	in->description = req_param(r, "description");
	if (group_prepare(req_db(r), r->arena, in, req_param(r, "visibility"),
	    req_config(r)->base_url, &field, &msg) != 0) {
		if (strcmp(field, "name") == 0)
			groups_page(r, 422, N_("Give the group a name."),
			    NULL, NULL);
		else if (strcmp(field, "visibility") == 0)
			groups_page(r, 422, NULL, NULL, N_("Choose open or "
			    "private."));
		else
			groups_page(r, 422, NULL, arena_printf(r->arena, "%c%s.",
			    msg[0] >= 'a' && msg[0] <= 'z' ? msg[0] - 32 :
			    msg[0], msg + 1), NULL);
		return HANDLED;
	}
	return req_command_then(r, group_create_cmd, create_outcome, in);
}

/* Done: back where the form was, or the refusal on the page it came
 * from. */
static void
group_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct group_change	*c = arg;
	const char		*why;

	if (code == E_NOTFOUND) {
		req_error(r, 404, cause != NULL ? cause : WEB_GROUP_HIDDEN);
		return;
	}
	if (code != E_OK) {
		why = cause != NULL ? cause :
		    N_("This action is not allowed.");
		if (MEMBER_TOOL(c->op))
			web_group_members_page(r, c->group, code, why, NULL);
		else {
			struct group_form	f;

			memset(&f, 0, sizeof f);
			f.error = why;
			group_page(r, c->group, code, &f);
		}
		return;
	}
	/* Having left a private group, or been removed, the person can no
	 * longer see it. */
	if (!access_group_readable(req_db(r), r->user->id, c->group)) {
		req_redirect(r, "/groups?notice=left");
		return;
	}
	req_redirect(r, web_next(r, arena_printf(r->arena, "/groups/%lld%s",
	    (long long)c->group, MEMBER_TOOL(c->op) ? "/members" : "")));
}

/* A change op to the group in the route's :id; NULL after answering 404. */
static struct group_change *
change_new(struct req *r, enum group_op op)
{
	struct group_change	*c;
	int64_t			 id = req_id(r, ":0");

	if (id == 0) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return NULL;
	}
	c = arena_alloc(r->arena, sizeof *c);
	c->op = op;
	c->actor = r->user->id;
	c->group = id;
	return c;
}

/* POST /groups/:id/join: csrf, next. */
enum handled
web_group_join(struct req *r)
{
	struct group_change	*c;

	if ((c = change_new(r, GROUP_JOIN)) == NULL)
		return HANDLED;
	return req_command_then(r, group_change_cmd, group_outcome, c);
}

/* POST /groups/:id/leave: csrf, next. */
enum handled
web_group_leave(struct req *r)
{
	struct group_change	*c;

	if ((c = change_new(r, GROUP_LEAVE)) == NULL)
		return HANDLED;
	return req_command_then(r, group_change_cmd, group_outcome, c);
}

/* At most this many people are offered when a name added is ambiguous. */
#define GROUP_ADD_CHOICES 8

/*
 * The people a name (not a username) could mean: none (NULL and *u NULL),
 * exactly one (*u), or several, as choices for the members page.
 */
static json_t *
group_add_lookup(struct req *r, const char *name, struct user **u)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct user	*p;
	struct ectx	 e;
	json_t		*arr, *a;
	size_t		 i;

	*u = NULL;
	if (search_accounts(req_db(r), r->arena, name, GROUP_ADD_CHOICES, 0,
	    &ids) != 0 || ids.n == 0)
		return NULL;
	if (ids.n == 1) {
		*u = user_get(req_db(r), r->arena, ids.ids[0]);
		return NULL;
	}
	arr = json_array();
	req_ectx(r, &e);
	for (i = 0; i < ids.n; i++) {
		if ((p = user_get(req_db(r), r->arena, ids.ids[i])) == NULL ||
		    p->disabled || p->origin != NULL ||
		    (a = entity_account(&e, p)) == NULL)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:O, s:O, s:s}",
		    "username", p->username, "display_name",
		    json_object_get(a, "display_name"), "avatar",
		    json_object_get(a, "avatar"), "title", p->job_title != NULL ?
		    p->job_title : ""));
		json_decref(a);
	}
	ectx_free(&e);
	return arr;
}

/*
 * POST /groups/:id/members: username (or a name: one person found by it
 * is added, several are offered to choose from), csrf; the domain checks
 * the role.
 */
enum handled
web_group_add(struct req *r)
{
	struct group_change	*c;
	struct user		*u;
	const char		*name = arena_trim(r->arena, param(r, "username"));
	json_t			*choices = NULL;

	if ((c = change_new(r, GROUP_ADD)) == NULL)
		return HANDLED;
	if (*name == '@')
		name++;
	u = *name != '\0' ? user_get_by_name(req_db(r), r->arena, name) :
	    NULL;
	if (u == NULL && *name != '\0')
		choices = group_add_lookup(r, name, &u);
	if (choices != NULL && json_array_size(choices) > 0) {
		web_group_members_choose(r, c->group, 422, NULL, i18n_format(
		    r->arena, req_tr(r, "More than one person matches "
		    "“{name}”: choose one."), "name", name, NULL), choices);
		return HANDLED;
	}
	json_decref(choices);
	if (u == NULL || u->disabled) {
		web_group_members_page(r, c->group, 422, NULL, *name == '\0' ?
		    req_tr(r, "Enter the name or username of the person to "
		    "add.") : i18n_format(r->arena, req_tr(r,
		    "Nobody here is called “{name}”."), "name", name, NULL));
		return HANDLED;
	}
	c->account = u->id;
	return req_command_then(r, group_change_cmd, group_outcome, c);
}

/* Shared by the per-member forms: the member is the route's :name. */
static enum handled
member_change(struct req *r, enum group_op op)
{
	struct group_change	*c;
	struct user		*u;

	if ((c = change_new(r, op)) == NULL)
		return HANDLED;
	if ((u = user_get_by_name(req_db(r), r->arena, r->params[1])) ==
	    NULL) {
		req_error(r, 404, "There is nobody with this name here.");
		return HANDLED;
	}
	c->account = u->id;
	return req_command_then(r, group_change_cmd, group_outcome, c);
}

/* POST /groups/:id/members/:name/remove: csrf. */
enum handled
web_group_remove(struct req *r)
{
	return member_change(r, GROUP_REMOVE);
}

/* POST /groups/:id/members/:name/promote: make a group admin. */
enum handled
web_group_promote(struct req *r)
{
	return member_change(r, GROUP_PROMOTE);
}

/* POST /groups/:id/members/:name/demote: a group admin no more. */
enum handled
web_group_demote(struct req *r)
{
	return member_change(r, GROUP_DEMOTE);
}

/* The post is on disk: back to the group's stream. */
static void
group_post_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, arena_printf(r->arena, "/groups/%s", r->params[0]));
}

/* POST /groups/:id/post: status, spoiler_text, csrf. The domain decides
 * who may post in the group (members only). */
enum handled
web_group_post(struct req *r)
{
	struct compose_job	*j = arena_alloc(r->arena, sizeof *j);
	struct post_draft	*d = &j->d;
	struct req_gate		 g;
	struct group_form	 f;
	const char		*msg = NULL;
	int64_t			 id = req_id(r, ":0");
	int			 rc;

	if (id == 0) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return HANDLED;
	}
	/* The route is ungated so that a gated post is kept, not lost. */
	if (req_gate_check(r, &g))
		return web_draft_keep(r, &g, arena_printf(r->arena,
		    "/groups/%lld", (long long)id), id);
	j->drop_draft = req_param(r, "kept_draft") != NULL;
	if ((rc = web_draft(r, d, 0, &msg)) != 0) {
		memset(&f, 0, sizeof f);
		f.compose_error = msg;
		group_page(r, id, rc, &f);
		return HANDLED;
	}
	/* The address says where it goes, whatever else the form holds. */
	d->group_id = id;
	if (req_gate_post(r, d->source) != 0)
		return HANDLED;
	return web_post_submit(r, web_compose_cmd, group_post_reply, d);
}
