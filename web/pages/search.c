/*
 * search.c: the search page, GET /search?q=: people, hashtags and the
 * posts the searcher may read that match. "@name@host" or a profile's
 * address is first looked up outside (when the bridge allows it), and that
 * person comes first.
 */
#include <string.h>

#include "pages.h"

#define WEB_SEARCH_LIMIT 20

/* The people among ids, as views. */
static json_t *
search_people_view(struct req *r, const struct idlist *ids)
{
	json_t		*arr = json_array(), *a;
	struct user	*u;
	struct ectx	 e;
	size_t		 i;

	req_ectx(r, &e);
	for (i = 0; i < ids->n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids->ids[i])) == NULL ||
		    u->disabled)
			continue;
		if ((a = entity_account(&e, u)) == NULL)
			continue;
		json_object_set_new(a, "path", json_string(arena_printf(
		    r->arena, "/@%s", u->username)));
		if (u->job_title != NULL && *u->job_title != '\0')
			json_object_set_new(a, "job_title",
			    json_string(u->job_title));
		if (u->origin != NULL)
			json_object_set_new(a, "outside_host",
			    json_string(u->origin));
		json_array_append_new(arr, a);
	}
	ectx_free(&e);
	return arr;
}

static void	web_search_again(struct req *);

/* GET /search */
enum handled
web_search(struct req *r)
{
	struct idlist	 people = { NULL, 0, 0 }, found = { NULL, 0, 0 };
	struct idlist	 posts = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, WEB_SEARCH_LIMIT };
	const char	*q = req_param(r, "q"), *shown;
	struct user	*u;
	json_t		*v, *tags, *tagviews, *t;
	size_t		 i;

	if (q != NULL && search_names_outside(q)) {
		if (req_resolve(r, q, web_search_again))
			return HANDLED_ASYNC;
		if ((u = user_get_outside(req_db(r), r->arena, q)) != NULL)
			idlist_add(r->arena, &people, u->id);
	}
	v = req_view(r, "Search");
	web_nav(v, "search");
	if (q == NULL || *q == '\0') {
		req_html(r, 200, "search", v);
		return HANDLED;
	}
	shown = search_names_outside(q) ? q : NULL;
	q = search_query(r->arena, q);
	if (shown == NULL)
		shown = q;
	tags = json_array();
	if (search_accounts(req_db(r), r->arena, q, WEB_SEARCH_LIMIT, 0,
	    &found) != 0 || search_tags(req_db(r), r->arena,
	    r->user->id, q, WEB_SEARCH_LIMIT, 0, tags) != 0 || search_posts(req_db(r),
	    r->arena, r->user->id, q, &pg, 0, &posts) != 0) {
		json_decref(tags);
		json_decref(v);
		req_error(r, 500, "The search failed. Please try again.");
		return HANDLED;
	}
	tagviews = json_array();
	json_array_foreach(tags, i, t)
		json_array_append_new(tagviews, json_pack("{s:s, s:s}",
		    "name", json_string_value(t), "path", arena_printf(
		    r->arena, "/tags/%s", escape_url(r->arena,
		    json_string_value(t)))));
	json_decref(tags);
	for (i = 0; i < found.n && people.n < WEB_SEARCH_LIMIT; i++)
		if (people.n == 0 || found.ids[i] != people.ids[0])
			idlist_add(r->arena, &people, found.ids[i]);
	json_object_set_new(v, "q", json_string(shown));
	json_object_set_new(v, "searched", json_true());
	json_object_set_new(v, "has_people", json_boolean(people.n > 0));
	json_object_set_new(v, "people", search_people_view(r, &people));
	json_object_set_new(v, "has_tags", json_boolean(json_array_size(
	    tagviews) > 0));
	json_object_set_new(v, "tags", tagviews);
	json_object_set_new(v, "posts", web_cards(r, &posts,
	    arena_printf(r->arena, "/search?q=%s", escape_url(r->arena, q))));
	req_html(r, 200, "search", v);
	return HANDLED;
}

/* The lookup outside is done: the page, with what it found. */
static void
web_search_again(struct req *r)
{
	(void)web_search(r);
}
