/*
 * outside.c: the Outside page, GET /outside: the people outside the
 * company the viewer follows (through the bridge, when it is loaded), a
 * box to find someone by "@name@server" or their profile's address, and
 * what those people posted, newest first.
 */
#include <string.h>

#include "pages.h"

#define OUTSIDE_PEOPLE_MAX	200

/* GET /outside */
enum handled
web_outside(struct req *r)
{
	struct idlist	 people = { NULL, 0, 0 }, posts = { NULL, 0, 0 };
	struct page	 pg;
	struct user	*u;
	struct ectx	 e;
	json_t		*v, *list = json_array(), *a;
	size_t		 i;

	if (page_parse(r, &pg, 20, 40) != 0) {
		json_decref(list);
		return HANDLED;
	}
	if (follow_outside(req_db(r), r->arena, r->user->id,
	    OUTSIDE_PEOPLE_MAX, &people) != 0 || timeline_outside(req_db(r),
	    r->arena, r->user->id, &pg, &posts, NULL) != E_OK) {
		json_decref(list);
		req_error(r, 500, "The page could not be read. Please try "
		    "again.");
		return HANDLED;
	}
	req_ectx(r, &e);
	for (i = 0; i < people.n; i++) {
		if ((u = user_get(req_db(r), r->arena, people.ids[i])) == NULL ||
		    (a = entity_account(&e, u)) == NULL)
			continue;
		json_object_set_new(a, "path", json_string(arena_printf(
		    r->arena, "/@%s", u->username)));
		json_object_set_new(a, "outside_host", json_string(u->origin));
		json_array_append_new(list, a);
	}
	ectx_free(&e);
	v = req_view(r, "Outside");
	web_nav(v, "outside");
	json_object_set_new(v, "has_people", json_boolean(json_array_size(
	    list) > 0));
	json_object_set_new(v, "people", list);
	web_stream(r, v, &posts, &pg, "/outside");
	req_html(r, 200, "outside", v);
	return HANDLED;
}
