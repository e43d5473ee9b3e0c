/*
 * edit.c: editing and deleting one's own post on the web. GET
 * /@name/:id/edit is a form with the Markdown source and content warning;
 * POST saves with post_edit_cmd, as the API's PUT does, so modules check
 * the new text and the edit history is kept. GET /@name/:id/delete asks
 * for confirmation (a page, so it works without JavaScript); POST deletes
 * with post_delete_cmd, as the API's DELETE does. The domain decides who
 * may: the pages only spare others a form they could not use.
 */
#include <string.h>

#include "pages.h"

/* The post's own path. */
static const char *
post_path(struct req *r, const struct post *p)
{
	return arena_printf(r->arena, "/@%s/%lld", r->params[0],
	    (long long)p->id);
}

/* The post as post-item shows it, for the edit and delete pages. */
static json_t *
post_item(struct req *r, const struct post *p)
{
	struct ectx	 e;
	json_t		*s;

	req_ectx(r, &e);
	e.post_tools = req_post_tools_for(r);
	s = web_post(&e, p, post_path(r, p));
	ectx_free(&e);
	return s;
}

/* Render the edit form; status and error for a refused edit, whose text
 * is shown again as typed. */
static void
edit_page(struct req *r, struct post *p, int status, const char *error)
{
	json_t		*v, *s;
	const char	*text = p->source, *cw = p->spoiler_text;

	if ((s = post_item(r, p)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return;
	}
	if (error != NULL) {
		text = req_param(r, "status");
		cw = req_param(r, "spoiler_text");
	}
	v = req_view(r, "Edit your post");
	json_object_set_new(v, "post", s);
	json_object_set_new(v, "path", json_string(post_path(r, p)));
	json_object_set_new(v, "draft", json_pack("{s:s, s:s}",
	    "status", text != NULL ? text : "",
	    "spoiler_text", cw != NULL ? cw : ""));
	if (error != NULL)
		json_object_set_new(v, "error", json_string(error));
	req_html(r, status, "edit", v);
}

/* GET /@name/:id/edit */
enum handled
web_post_edit_form(struct req *r)
{
	struct post	*p;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	if (p->author_id != r->user->id) {
		req_error(r, 403, "Only the author can edit a post.");
		return HANDLED;
	}
	edit_page(r, p, 200, NULL);
	return HANDLED;
}

/* POST /@name/:id/edit: status, spoiler_text, csrf. */
enum handled
web_post_edit(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);
	struct post		*p;
	const char		*msg = NULL;
	int			 rc;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	if ((rc = web_draft(r, d, 0, &msg)) != 0) {
		/* Only the author may see the form again with the error. */
		if (p->author_id != r->user->id)
			req_error(r, 403, "Only the author can edit a post.");
		else
			edit_page(r, p, rc, msg);
		return HANDLED;
	}
	d->edit_id = p->id;
	/* the form holds the attachments kept (and any new ones) */
	d->media_set = 1;
	/* An edit is a new text: modules' before_post sees it too. */
	if (req_gate_post(r, d->source) != 0)
		return HANDLED;
	return web_post_submit(r, post_edit_cmd, web_post_back, d);
}

/* GET /@name/:id/delete: are you sure? */
enum handled
web_post_delete_form(struct req *r)
{
	struct post	*p;
	json_t		*v, *s;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	/* What post_delete allows: the author, or an admin. */
	if (p->author_id != r->user->id && r->user->role != ROLE_ADMIN) {
		req_error(r, 403, "Only the author can delete a post.");
		return HANDLED;
	}
	if ((s = post_item(r, p)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	v = req_view(r, "Delete this post?");
	json_object_set_new(v, "post", s);
	json_object_set_new(v, "path", json_string(post_path(r, p)));
	json_object_set_new(v, "replies", json_boolean(p->replies_count > 0));
	req_html(r, 200, "delete", v);
	return HANDLED;
}

/* Deleted: to the author's profile, which says so. */
static void
delete_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, arena_printf(r->arena, "/@%s?notice=deleted",
	    escape_url_path(r->arena, r->params[0])));
}

/* POST /@name/:id/delete: csrf. */
enum handled
web_post_delete(struct req *r)
{
	struct post_removal	*pr = arena_alloc(r->arena, sizeof *pr);
	struct post		*p;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	pr->actor = r->user->id;
	pr->id = p->id;
	return req_command(r, post_delete_cmd, delete_reply, pr);
}
