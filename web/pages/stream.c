/*
 * stream.c: the company stream (GET /public) and a hashtag's stream
 * (GET /tags/:tag), as pages.
 */
#include "pages.h"

/* GET /public */
enum handled
web_public(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg;
	json_t		*v;
	int		 rc;

	if (page_parse(r, &pg, 20, 40) != 0)
		return HANDLED;
	rc = timeline_company(req_db(r), r->arena, r->user->id, &pg, &ids,
	    NULL);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	v = req_view(r, "Company");
	web_nav(v, "public");
	json_object_set_new(v, "heading", json_string(req_tr(r, "Company")));
	json_object_set_new(v, "live", json_string("public"));
	json_object_set_new(v, "intro", json_string("Public posts from "
	    "everyone in the company."));
	web_stream(r, v, &ids, &pg, "/public");
	req_html(r, 200, "stream", v);
	return HANDLED;
}

/* GET /tags/:tag */
enum handled
web_tag(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg;
	struct stream_sub sub;
	json_t		*v;
	const char	*tag = r->params[0], *why;
	int		 rc;

	if (page_parse(r, &pg, 20, 40) != 0)
		return HANDLED;
	rc = timeline_tag(req_db(r), r->arena, r->user->id, tag, &pg, &ids,
	    NULL);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	v = req_view(r, arena_printf(r->arena, "#%s", tag));
	json_object_set_new(v, "heading", json_string(arena_printf(r->arena,
	    "#%s", tag)));
	/* New posts come from the tag's stream, when it could have one. */
	if (stream_sub_parse(NULL, r->arena, r->user->id, "hashtag", tag,
	    NULL, NULL, &sub, &why) == 0)
		json_object_set_new(v, "live", json_string(arena_printf(
		    r->arena, "hashtag?tag=%s", escape_url(r->arena,
		    sub.arg))));
	json_object_set_new(v, "intro", json_string("Posts with this tag "
	    "that you can read."));
	web_tag_follow_view(r, v, tag);
	web_stream(r, v, &ids, &pg, arena_printf(r->arena, "/tags/%s",
	    escape_url(r->arena, tag)));
	req_html(r, 200, "stream", v);
	return HANDLED;
}
