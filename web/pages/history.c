/*
 * history.c: a post's edit history, GET /@name/:id/history, where a
 * card's "Edited" goes: every version the post has had, newest first,
 * each with its time, as the API's /api/v1/statuses/:id/history lists
 * them.
 */
#include "pages.h"

/* GET /@name/:id/history */
enum handled
web_post_history(struct req *r)
{
	struct user	*u;
	struct post	*p, *vs;
	json_t		*v, *list;
	size_t		 i, n;
	const char	*path;

	if ((p = web_post_param(r, &u)) == NULL ||
	    post_history(req_db(r), r->arena, r->user->id, p->id, &vs,
	    &n) != E_OK) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	path = arena_printf(r->arena, "/@%s/%lld", u->username,
	    (long long)p->id);
	list = json_array();
	for (i = n; i-- > 0; ) {
		json_t *e = json_pack("{s:s, s:b, s:b, s:i}", "content",
		    vs[i].content_html ? vs[i].content_html : "", "current",
		    i == n - 1, "original", i == 0, "number", (int)i + 1);

		if (vs[i].spoiler_text != NULL && *vs[i].spoiler_text != '\0')
			json_object_set_new(e, "spoiler_text", json_string(
			    vs[i].spoiler_text));
		web_time(r, e, "at", vs[i].created_at);
		json_array_append_new(list, e);
	}
	v = req_view(r, i18n_format(r->arena, req_tr(r,
	    "Edit history of a post by {name}"), "name", u->display_name ?
	    u->display_name : u->username, NULL));
	json_object_set_new(v, "path", json_string(path));
	json_object_set_new(v, "author", json_string(u->display_name ?
	    u->display_name : u->username));
	json_object_set_new(v, "versions", list);
	json_object_set_new(v, "count", json_integer((json_int_t)n));
	json_object_set_new(v, "versions_label", json_string(web_count(r->arena,
	    (long long)n, trn(req_lang(r), (long)n, "{n} version",
	    "{n} versions"))));
	req_html(r, 200, "history", v);
	return HANDLED;
}
