/*
 * statuses.c: the Mastodon statuses API, plus hearth's group_id. The API's
 * parameters fill the same draft the web's composer fills; post_prepare
 * checks it and renders its Markdown on the loop (quick, and only reads);
 * the domain's commands write it on the writer, and the answer waits for
 * the commit.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "handlers.h"

/*
 * Fill a draft from the API's parameters (a form or a JSON body, as
 * Mastodon apps send them), then check it and render its Markdown as the
 * web's composer does (post_prepare). 0, or -1 after answering 422 (or the
 * status post_prepare says).
 */
static int
status_params(struct req *r, struct post_draft *d, int editing)
{
	const char	*vis = req_param(r, "visibility"), *irt, *msg = NULL;
	int		 rc;

	d->arena = r->arena;
	d->author_id = r->user->id;
	d->source = req_param(r, "status");
	d->spoiler_text = req_param(r, "spoiler_text");
	d->sensitive = req_bool(r, "sensitive");
	d->language = req_param(r, "language");
	if (d->language != NULL && *d->language == '\0')
		d->language = NULL;
	if (!editing) {
		d->in_reply_to_id = req_id(r, "in_reply_to_id");
		d->group_id = req_id(r, "group_id");
		d->idempotency_key = req_header(r, "Idempotency-Key");
		d->visibility = VIS_PUBLIC;
		if (vis != NULL && *vis != '\0' &&
		    visibility_parse(vis, &d->visibility) != 0) {
			req_error(r, 422, "Validation failed: visibility must "
			    "be public, unlisted, private or direct");
			return -1;
		}
		irt = req_param(r, "in_reply_to_id");
		if (irt != NULL && *irt != '\0' && d->in_reply_to_id == 0) {
			req_error(r, 422, "Validation failed: in_reply_to_id "
			    "must be a status id");
			return -1;
		}
	}
	/* An edit without a poll takes it away, as on Mastodon (apps send
	 * the poll they keep). */
	if ((rc = req_poll_params(r, &d->poll, &msg)) != 0) {
		req_error(r, rc, msg);
		return -1;
	}
	d->poll_set = editing;
	/* An edit without media_ids leaves none, as on Mastodon (apps send
	 * the ones they keep). */
	if ((rc = req_media_ids(r, d, editing, &msg)) != 0) {
		req_error(r, rc, msg);
		return -1;
	}
	d->options = req_post_options(r);
	if ((rc = post_prepare(req_db(r), d, req_config(r)->base_url,
	    &msg)) != 0) {
		req_error(r, rc, msg);
		return -1;
	}
	return 0;
}

/* Answer with the post as a Status. */
static void
reply_status(struct req *r, void *arg)
{
	struct post_draft	*d = arg;
	struct ectx		 e;
	json_t			*s;

	req_ectx(r, &e);
	if ((s = entity_status_id(&e, d->id)) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* POST /api/v1/statuses */
enum handled
api_status_create(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);
	const char		*at = req_param(r, "scheduled_at");

	if (status_params(r, d, 0) != 0 || req_gate_post(r, d->source) != 0)
		return HANDLED;
	/* checked now, so a mistake is answered now (scheduled.c) */
	if (at != NULL && *at != '\0')
		return api_status_schedule(r, d, at);
	return req_command(r, post_create_cmd, reply_status, d);
}

/* GET /api/v1/statuses/:id */
enum handled
api_status_get(struct req *r)
{
	struct ectx	 e;
	json_t		*s;

	req_ectx(r, &e);
	if ((s = entity_status_id(&e, req_id(r, ":0"))) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
	return HANDLED;
}

/* PUT /api/v1/statuses/:id: an edit is a new text, so modules' before_post
 * sees it too. */
enum handled
api_status_edit(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);

	if ((d->edit_id = req_id(r, ":0")) == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	if (status_params(r, d, 1) != 0 || req_gate_post(r, d->source) != 0)
		return HANDLED;
	return req_command(r, post_edit_cmd, reply_status, d);
}

/* The post being deleted, and the Status the API answers with. */
/* The post as it was, with its source, written out before the delete: in
 * the request's arena, so a refused or failed delete leaks nothing. */
struct status_delete {
	struct post_removal	 pr;
	char			*status;
};

/* Answer with the deleted post, its source in "text" (for redrafting). */
static void
delete_reply(struct req *r, void *arg)
{
	struct status_delete	*j = arg;
	struct evbuffer		*b = evbuffer_new();

	evbuffer_add(b, j->status, strlen(j->status));
	req_json_buffer(r, 200, b);
	evbuffer_free(b);
}

/* DELETE /api/v1/statuses/:id */
enum handled
api_status_delete(struct req *r)
{
	struct status_delete	*j = arena_alloc(r->arena, sizeof *j);
	struct post		*p;
	struct ectx		 e;
	json_t			*status;
	char			*text;

	memset(j, 0, sizeof *j);
	j->pr.actor = r->user->id;
	j->pr.id = req_id(r, ":0");
	/* Rendered now: once deleted, it cannot be. Who may delete it is
	 * the domain's rule (post_delete). */
	if ((p = post_get(req_db(r), r->arena, r->user->id, j->pr.id)) ==
	    NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	req_ectx(r, &e);
	status = entity_status(&e, p);
	ectx_free(&e);
	if (status == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	json_object_set_new(status, "text", json_string(p->source));
	text = json_dumps(status, JSON_COMPACT);
	json_decref(status);
	if (text == NULL) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	j->status = arena_strdup(r->arena, text);
	free(text);
	return req_command(r, post_delete_cmd, delete_reply, j);
}

/* GET /api/v1/statuses/:id/context */
enum handled
api_status_context(struct req *r)
{
	struct idlist	 up = { NULL, 0, 0 }, down = { NULL, 0, 0 };
	struct ectx	 e;
	int		 rc;

	rc = post_context(req_db(r), r->arena, r->user->id, req_id(r, ":0"),
	    &up, &down);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	filter_drop(req_db(r), r->arena, r->user->id, FC_THREAD, &up); /* FILTERS: hidden by filter */
	filter_drop(req_db(r), r->arena, r->user->id, FC_THREAD, &down); /* FILTERS: hidden by filter */
	req_ectx(r, &e);
	e.filter_ctx = FC_THREAD;
	req_json(r, 200, json_pack("{s:o, s:o}", "ancestors",
	    entity_statuses(&e, &up), "descendants",
	    entity_statuses(&e, &down)));
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/statuses/:id/history: StatusEdit entities, oldest first. */
enum handled
api_status_history(struct req *r)
{
	struct post	*v;
	struct ectx	 e;
	json_t		*arr, *account;
	size_t		 i, n;
	int		 rc;

	rc = post_history(req_db(r), r->arena, r->user->id, req_id(r, ":0"),
	    &v, &n);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < n; i++) {
		if ((account = entity_account_id(&e, v[i].author_id)) == NULL)
			continue;
		/* each version with the attachments it had (kept for the
		 * history, however later edits changed them) */
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:o, "
		    "s:o, s:n, s:o, s:[]}", "content", v[i].content_html,
		    "spoiler_text", v[i].spoiler_text, "sensitive",
		    v[i].sensitive, "created_at", entity_time(v[i].created_at),
		    "account", account, "poll", "media_attachments",
		    entity_media_list(&e, v[i].media_json, 1), "emojis"));
	}
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/statuses/:id/source: the Markdown, for editing. */
enum handled
api_status_source(struct req *r)
{
	struct post	*p = post_get(req_db(r), r->arena, r->user->id,
	    req_id(r, ":0"));

	if (p == NULL || p->author_id != r->user->id) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	req_json(r, 200, json_pack("{s:s, s:s, s:s}", "id", r->params[0],
	    "text", p->source, "spoiler_text", p->spoiler_text));
	return HANDLED;
}

/* Answer with the Status as it is now. */
static void
fav_reply(struct req *r, void *arg)
{
	struct toggle		*j = arg;
	struct ectx	 e;
	json_t		*s;

	req_ectx(r, &e);
	if ((s = entity_status_id(&e, j->id)) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* POST /api/v1/statuses/:id/favourite */
enum handled
api_status_favourite(struct req *r)
{
	return req_toggle(r, favourite_set, req_id(r, ":0"), 1, fav_reply);
}

/* POST /api/v1/statuses/:id/unfavourite */
enum handled
api_status_unfavourite(struct req *r)
{
	return req_toggle(r, favourite_set, req_id(r, ":0"), 0, fav_reply);
}

/* GET /api/v1/statuses/:id/favourited_by */
enum handled
api_status_favourited_by(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	int		 rc;

	if (page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	rc = favourite_list(req_db(r), r->arena, r->user->id, req_id(r, ":0"),
	    &p, &ids, &cursors);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	page_link(r, &p, &cursors);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/favourites: what the caller favourited. */
enum handled
api_favourites(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	return req_statuses(r, favourite_mine(req_db(r), r->arena, r->user->id,
	    &p, &ids, &cursors), &p, &ids, &cursors);
}

/* GET /api/v1/statuses?id[]=: several Statuses (Mastodon 4.3), at most
 * 20 as Mastodon, in the order asked: those the caller may read (the
 * others, and ids of nothing, are left out, as Mastodon answers). */
enum handled
api_statuses(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct evbuffer	*b;
	struct ectx	 e;

	if (req_ids(r, "id", 20, &ids) != 0)
		return HANDLED;
	b = evbuffer_new();
	req_ectx(r, &e);
	entity_statuses_write(&e, &ids, b);
	ectx_free(&e);
	req_reply(r, 200, "application/json; charset=utf-8", b);
	evbuffer_free(b);
	return HANDLED;
}
