/*
 * home.c: GET /, the signed-in person's home stream with a composer on
 * top, and POST /compose, which makes a post with the same command as the
 * API (post_prepare, post_create_cmd) and goes back to the stream.
 */
#include <string.h>

#include "pages.h"

/* Shown by their names, in the "visibility" sense (NC_). */
static const char *const visibilities[] = {
	NC_("visibility", "public"), NC_("visibility", "unlisted"),
	NC_("visibility", "private"), NC_("visibility", "direct")
};

/* The composer's choices: visibilities and the person's groups, with what
 * was typed selected again. */
static void
home_composer(struct req *r, json_t *v)
{
	struct group_name *g;
	json_t		*vis = json_array(), *groups;
	const char	*want = req_param(r, "visibility");
	int64_t		 gid = req_id(r, "group_id");
	int64_t		 version = epoch_person(r->user->id);
	size_t		 i, n;

	if (want == NULL || *want == '\0')
		want = "public";
	for (i = 0; i < nitems(visibilities); i++)
		json_array_append_new(vis, json_pack("{s:s, s:s, s:b}",
		    "value", visibilities[i], "label", trc(req_lang(r),
		    "visibility", visibilities[i]), "selected", strcmp(want,
		    visibilities[i]) == 0));
	/* The plain list (nothing selected) is remembered between writes:
	 * every visit to home asks for it. */
	if (gid == 0 && (groups = db_memo_json(req_db(r), MEMO_MY_GROUPS,
	    r->user->id, version)) != NULL)
		json_incref(groups);
	else {
		groups = json_array();
		if (group_names(req_db(r), r->arena, r->user->id, 200, &g,
		    &n) == 0) {
			for (i = 0; i < n; i++)
				json_array_append_new(groups, json_pack(
				    "{s:I, s:s, s:b}", "id", (json_int_t)g[i].id,
				    "name", g[i].name, "selected", g[i].id == gid));
		}
		if (gid == 0 && db_read_current(req_db(r)))
			db_memo_json_put(req_db(r), MEMO_MY_GROUPS,
			    r->user->id, version, json_incref(groups));
	}
	json_object_set_new(v, "visibilities", vis);
	json_object_set_new(v, "has_groups", json_boolean(
	    json_array_size(groups) > 0));
	json_object_set_new(v, "groups", groups);
}

/*
 * Render the home page; status and error for a refused post, preview for
 * the Markdown a "Preview" press rendered. Either way the draft comes back
 * into the composer, so nothing typed is lost.
 */
static void
home_page(struct req *r, int status, const char *error, const char *preview)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg;
	json_t		*v;
	int		 rc;

	if (page_parse(r, &pg, 20, 40) != 0)
		return;
	if ((rc = timeline_home(req_db(r), r->arena, r->user->id, &pg,
	    &ids)) != E_OK) {
		req_domain_error(r, rc, NULL);
		return;
	}
	v = req_view(r, "Home");
	web_nav(v, "home");
	home_composer(r, v);
	if (error != NULL)
		json_object_set_new(v, "error", json_string(error));
	if (preview != NULL)
		json_object_set_new(v, "preview", json_string(preview));
	if (error != NULL || preview != NULL) {
		json_object_set_new(v, "draft", json_pack("{s:s, s:s}",
		    "status", req_param(r, "status") ? req_param(r, "status") :
		    "", "spoiler_text", req_param(r, "spoiler_text") ?
		    req_param(r, "spoiler_text") : ""));
	}
	web_stream(r, v, &ids, &pg, "/");
	req_html(r, status, "home", v);
}

/* GET / */
enum handled
web_home(struct req *r)
{
	home_page(r, 200, NULL, NULL);
	return HANDLED;
}

/* The post is on disk: back to the stream. */
static void
compose_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, "/"));
}

/*
 * POST /compose: status, visibility, spoiler_text, group_id, csrf; with
 * preview set, render what would be posted (the same checks and the same
 * Markdown rendering) and post nothing.
 */
enum handled
web_compose(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);
	const char		*msg = NULL;

	if (web_draft(r, d, 1, &msg) != 0) {
		home_page(r, 422, msg, NULL);
		return HANDLED;
	}
	if (req_param(r, "preview") != NULL) {
		home_page(r, 200, NULL, d->md.html);
		return HANDLED;
	}
	if (req_gate_post(r, d->source) != 0)
		return HANDLED;
	return web_post_submit(r, post_create_cmd, compose_reply, d);
}
