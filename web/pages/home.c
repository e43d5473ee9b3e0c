/*
 * home.c: GET /, the signed-in person's home stream with a composer on
 * top, and POST /compose, which makes a post with the same command as the
 * API (post_prepare, post_create_cmd) and goes back to the stream. Direct
 * posts are not in the web's home: they are private conversations, on a
 * page of their own (conversations.c), and home says how many it left out.
 */
#include <string.h>

#include "pages.h"

/* The composer's choices: visibilities in plain words and the person's
 * groups, want and gid (what was typed, or a kept draft's) selected. */
static void
home_composer(struct req *r, json_t *v, const char *want, int64_t gid)
{
	struct group_name *g;
	json_t		*vis, *groups;
	int64_t		 version = epoch_person(r->user->id);
	size_t		 i, n;

	vis = web_visibility_choices(r, want);
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
 * Take the direct posts out of ids (in place, order kept); how many: the
 * web's home shows them on /conversations instead. The
 * reader's peeks say which (post_peek, remembered: the page's cards read
 * the same rows), and posts the reader may not read are left for the
 * timeline's own rule.
 */
static size_t
home_drop_direct(struct db *db, struct arena *a, int64_t viewer,
    struct idlist *ids)
{
	struct peek	*pk;
	size_t		 i, j, n, kept = 0, dropped = 0;
	int		 direct;

	if (ids->n == 0 || post_peek(db, a, viewer, ids, &pk, &n) != 0)
		return 0;
	for (i = 0; i < ids->n; i++) {
		for (direct = 0, j = 0; j < n; j++) {
			if (pk[j].id == ids->ids[i]) {
				direct = pk[j].direct;
				break;
			}
		}
		if (direct)
			dropped++;
		else
			ids->ids[kept++] = ids->ids[i];
	}
	ids->n = kept;
	return dropped;
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
	struct draft	 kept;
	struct page	 pg;
	json_t		*v;
	int64_t		 last;
	size_t		 direct;
	int		 rc, fallback;

	if (page_parse(r, &pg, 20, 40) != 0)
		return;
	if ((rc = timeline_home(req_db(r), r->arena, r->user->id, &pg,
	    &ids, NULL)) != E_OK) {
		req_domain_error(r, rc, NULL);
		return;
	}
	/* Nothing to read yet (nobody followed, no group's posts): the
	 * company stream instead, said so, rather than an empty page. */
	fallback = ids.n == 0 && pg.max_id == 0 && pg.since_id == 0 &&
	    pg.min_id == 0;
	if (fallback && (rc = timeline_company(req_db(r), r->arena,
	    r->user->id, &pg, &ids, NULL)) != E_OK) {
		req_domain_error(r, rc, NULL);
		return;
	}
	last = ids.n > 0 && (int)ids.n >= pg.limit ? ids.ids[ids.n - 1] : 0;
	direct = home_drop_direct(req_db(r), r->arena, r->user->id, &ids);
	v = req_view(r, "Home");
	web_welcome(r, v);
	if (fallback)
		json_object_set_new(v, "fallback", json_true());
	web_nav(v, "home");
	if (error != NULL)
		json_object_set_new(v, "error", json_string(error));
	if (preview != NULL)
		json_object_set_new(v, "preview", json_string(preview));
	/* /?text=@name (a profile's Mention button): the composer starts
	 * with it. */
	if (error == NULL && preview == NULL && req_param(r, "text") != NULL)
		json_object_set_new(v, "draft", json_pack("{s:s, s:s}",
		    "status", req_param(r, "text"), "spoiler_text", ""));
	if (error != NULL || preview != NULL) {
		json_object_set_new(v, "draft", json_pack("{s:s, s:s}",
		    "status", req_param(r, "status") ? req_param(r, "status") :
		    "", "spoiler_text", req_param(r, "spoiler_text") ?
		    req_param(r, "spoiler_text") : ""));
		json_object_set_new(v, "compose_open", json_true());
		/* A kept draft being posted stays the kept draft. */
		if (req_param(r, "kept_draft") != NULL)
			json_object_set_new(v, "kept", json_pack("{s:s}",
			    "ago", req_tr(r, "earlier")));
		home_composer(r, v, req_param(r, "visibility"),
		    req_id(r, "group_id"));
	} else if (web_compose_gate(r, v, "/") == 0 &&
	    web_draft_offer(r, v, 0, &kept) == 1)
		home_composer(r, v, kept.visibility, kept.group_id);
	else {
		/* "Start a private conversation" links here with a choice. */
		if (req_param(r, "visibility") != NULL)
			json_object_set_new(v, "compose_open", json_true());
		home_composer(r, v, req_param(r, "visibility"), 0);
	}
	web_poll_compose(r, v);
	web_stream(r, v, &ids, &pg, fallback ? "/public" : "/");
	/* The page's end is where it was before the direct posts left. */
	if (last != 0 && !fallback)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "/?max_id=%lld", (long long)last)));
	if (direct > 0)
		json_object_set_new(v, "direct_left", json_string(web_count(
		    r->arena, (long long)direct, trn(req_lang(r), (long)direct,
		    "{n} private message", "{n} private messages"))));
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
	struct compose_job	*j = arena_alloc(r->arena, sizeof *j);
	struct post_draft	*d = &j->d;
	struct req_gate		 g;
	const char		*msg = NULL;

	/* The route is ungated so that a gated post is kept, not lost. */
	if (req_gate_check(r, &g))
		return web_draft_keep(r, &g, "/", 0);
	j->drop_draft = req_param(r, "kept_draft") != NULL;
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
	return web_post_submit(r, web_compose_cmd, compose_reply, d);
}
