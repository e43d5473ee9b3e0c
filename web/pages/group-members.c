/*
 * group-members.c: GET /groups/:id/members, every member of a group,
 * fifty to a page, newest first, with a search by name; for group admins
 * the member tools (add, make or remove a group admin, remove) that the
 * forms in groups.c carry out. A group's own page shows only the
 * first few members and links here, so a group of thousands is as easy to
 * manage as one of ten.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define MEMBERS_PER_PAGE	50

/*
 * Members of group as views, newest first: up to p->limit of those whose
 * name contains q, and *more set when there are others after them (one
 * more is asked for, and dropped). NULL when the group cannot be seen.
 */
static json_t *
member_views(struct req *r, int64_t group, const char *q, struct page *p,
    int64_t *more)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct ectx	 e;
	json_t		*arr, *a;
	const char	*name;
	size_t		 i, n;

	*more = 0;
	p->limit++;
	if (group_members(req_db(r), r->arena, r->user->id, group, q, p, &ids,
	    &cursors) != E_OK)
		return NULL;
	p->limit--;
	n = ids.n;
	if (n > (size_t)p->limit) {
		n = (size_t)p->limit;
		*more = cursors.ids[n - 1];
	}
	arr = json_array();
	req_ectx(r, &e);
	for (i = 0; i < n; i++) {
		if ((a = entity_account_id(&e, ids.ids[i])) == NULL)
			continue;
		name = json_string_value(json_object_get(a, "username"));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:O, s:s, "
		    "s:b, s:b}",
		    "username", name,
		    "display_name", json_string_value(json_object_get(a,
		    "display_name")),
		    "avatar", json_object_get(a, "avatar"),
		    "path", arena_printf(r->arena, "/@%s", name),
		    "group_admin", access_group_role(req_db(r), ids.ids[i],
		    group) == GROUP_ADMIN,
		    "self", ids.ids[i] == r->user->id));
		json_decref(a);
	}
	ectx_free(&e);
	return arr;
}

/* The first n members, for the group's own page; an empty list when the
 * group cannot be seen (its page has said so already). */
json_t *
web_group_member_preview(struct req *r, int64_t group, int n)
{
	struct page	 p;
	int64_t		 more;
	json_t		*arr;

	memset(&p, 0, sizeof p);
	p.limit = n;
	arr = member_views(r, group, NULL, &p, &more);
	return arr != NULL ? arr : json_array();
}

/*
 * Render the members page: status, and a refusal to show (error, for the
 * alert at the top; add_error, at the add-member form with what was typed).
 * After a POST the page is the one the form came from, by its next field.
 */
void
web_group_members_page(struct req *r, int64_t id, int status,
    const char *error, const char *add_error)
{
	web_group_members_choose(r, id, status, error, add_error, NULL);
}

/*
 * The same, offering choices (a JSON array of people, each with username,
 * display_name, avatar and title, stolen) when a name added more than one.
 */
void
web_group_members_choose(struct req *r, int64_t id, int status,
    const char *error, const char *add_error, json_t *choices)
{
	struct group	*g;
	struct page	 p;
	json_t		*v, *members;
	const char	*q = req_param(r, "q"), *path, *qs, *first, *here;
	int64_t		 more;

	if ((g = group_get(req_db(r), r->arena, r->user->id, id)) == NULL) {
		json_decref(choices);
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return;
	}
	if (page_parse(r, &p, MEMBERS_PER_PAGE, MEMBERS_PER_PAGE) != 0) {
		json_decref(choices);
		return;
	}
	p.min_id = p.since_id = 0;	/* the page only links onwards */
	if (q != NULL && *q == '\0')
		q = NULL;
	if ((members = member_views(r, id, q, &p, &more)) == NULL) {
		json_decref(choices);
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return;
	}
	/* This page's address (for the tools' forms to come back to), the
	 * first page's and the next one's, each with the search kept. */
	path = arena_printf(r->arena, "/groups/%lld", (long long)id);
	qs = q != NULL ? arena_printf(r->arena, "q=%s", escape_url(r->arena,
	    q)) : "";
	first = arena_printf(r->arena, "%s/members%s%s", path, *qs ? "?" : "",
	    qs);
	here = p.max_id > 0 ? arena_printf(r->arena, "%s%smax_id=%lld", first,
	    *qs ? "&" : "?", (long long)p.max_id) : first;
	v = req_view(r, i18n_format(r->arena, req_tr(r, "Members · {group}"),
	    "group", g->name, NULL));
	web_nav(v, "groups");
	json_object_set_new(v, "group", web_group_view(r, g));
	json_object_set_new(v, "here", json_string(here));
	json_object_set_new(v, "has_members", json_boolean(
	    json_array_size(members) > 0));
	json_object_set_new(v, "members", members);
	if (q != NULL)
		json_object_set_new(v, "q", json_string(q));
	if (more > 0)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "%s%smax_id=%lld", first, *qs ? "&" : "?",
		    (long long)more)));
	if (p.max_id > 0)
		json_object_set_new(v, "first", json_string(first));
	json_object_set_new(v, "paged", json_boolean(more > 0 || p.max_id > 0));
	if (error != NULL)
		json_object_set_new(v, "error", json_string(error));
	if (add_error != NULL) {
		json_object_set_new(v, "add_error", json_string(req_tr(r,
		    add_error)));
		json_object_set_new(v, "add_username", json_string(
		    req_param(r, "username") != NULL ? req_param(r,
		    "username") : ""));
	}
	if (choices != NULL) {
		json_object_set_new(v, "has_choices", json_true());
		json_object_set_new(v, "add_choices", choices);
	}
	req_html(r, status, "group-members", v);
}

/* GET /groups/:id/members?q=&max_id= */
enum handled
web_group_members(struct req *r)
{
	web_group_members_page(r, req_id(r, ":0"), 200, NULL, NULL);
	return HANDLED;
}
