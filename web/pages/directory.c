/*
 * directory.c: the company directory, GET /directory?department=&q=:
 * people cards by name, a department filter and a name search, paged with
 * offset, each card with a Follow or Unfollow button.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pages.h"

#define WEB_DIRECTORY_LIMIT 24

/* Add a profile text to a card when it is set. */
static void
dir_text(json_t *v, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		json_object_set_new(v, key, json_string(value));
}

/* This page's path at another offset, keeping the filters. */
static char *
dir_link(struct req *r, const char *dept, const char *q, int offset)
{
	return arena_printf(r->arena, "/directory?department=%s&q=%s"
	    "&offset=%d", escape_url(r->arena, dept), escape_url(r->arena, q),
	    offset);
}

/* GET /directory */
enum handled
web_directory(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct relationship rel;
	struct user	*u;
	struct ectx	 e;
	const char	*dept = req_param(r, "department");
	const char	*q = req_param(r, "q"), *name, *back;
	json_t		*v, *depts, *opts, *cards, *a, *d;
	size_t		 i;
	int		 offset;

	if ((offset = page_offset(r, 10000)) < 0)
		return HANDLED;
	if (dept == NULL)
		dept = "";
	if (q == NULL)
		q = "";
	if (strlen(q) > SEARCH_QUERY_MAX || strlen(dept) > PROFILE_TEXT_MAX) {
		req_error(r, 400, "The search is too long.");
		return HANDLED;
	}
	depts = json_array();
	if (directory_departments(req_db(r), depts) != 0 ||
	    directory_list(req_db(r), r->arena, dept, q, DIRECTORY_NAME,
	    offset, WEB_DIRECTORY_LIMIT, &ids) != 0) {
		json_decref(depts);
		req_error(r, 500, "The directory could not be read.");
		return HANDLED;
	}
	opts = json_array();
	json_array_foreach(depts, i, d) {
		name = json_string_value(d);
		json_array_append_new(opts, json_pack("{s:s, s:b}", "name",
		    name, "selected", strcasecmp(name, dept) == 0));
	}
	json_decref(depts);

	cards = json_array();
	/* A follow button comes back to this very page. */
	back = dir_link(r, dept, q, offset);
	req_ectx(r, &e);
	for (i = 0; i < ids.n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids.ids[i])) == NULL ||
		    (a = entity_account(&e, u)) == NULL)
			continue;
		json_object_set_new(a, "path", json_string(arena_printf(
		    r->arena, "/@%s", u->username)));
		dir_text(a, "job_title", u->job_title);
		dir_text(a, "department", u->department);
		dir_text(a, "location", u->location);
		follow_relationship(req_db(r), r->user->id, u->id, &rel);
		json_object_set_new(a, "self", json_boolean(u->id ==
		    r->user->id));
		json_object_set_new(a, "following", json_boolean(
		    rel.following));
		json_object_set_new(a, "back", json_string(back));
		json_array_append_new(cards, a);
	}
	ectx_free(&e);

	v = req_view(r, "People");
	web_nav(v, "directory");
	json_object_set_new(v, "q", json_string(q));
	json_object_set_new(v, "departments", opts);
	json_object_set_new(v, "any_department", json_boolean(*dept == '\0'));
	json_object_set_new(v, "has_people", json_boolean(
	    json_array_size(cards) > 0));
	json_object_set_new(v, "people", cards);
	if (offset > 0)
		json_object_set_new(v, "newer", json_string(dir_link(r, dept, q,
		    offset > WEB_DIRECTORY_LIMIT ? offset -
		    WEB_DIRECTORY_LIMIT : 0)));
	if ((int)ids.n >= WEB_DIRECTORY_LIMIT)
		json_object_set_new(v, "older", json_string(dir_link(r, dept, q,
		    offset + WEB_DIRECTORY_LIMIT)));
	req_html(r, 200, "directory", v);
	return HANDLED;
}
