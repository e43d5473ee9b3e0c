/*
 * api-statuses.c: the Mastodon statuses API, plus hearth's group_id. Status
 * text is Markdown, rendered here on the loop thread (it is quick and needs
 * only reads); the write itself goes to the writer and is answered once
 * committed.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hearth.h"

/* Mastodon clients send booleans as true/false, 1/0 or on. */
static int
param_bool(struct req *r, const char *name)
{
	const char	*v = req_param(r, name);

	return v != NULL && (strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0);
}

/* Whether a list parameter ("media_ids[]") has any non-empty value. */
static int
param_list_used(struct req *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.v[i].key, name) == 0 &&
		    *r->form.v[i].value != '\0')
			return 1;
	}
	if (r->body != NULL) {
		json_t	*v = json_object_get(r->body, name);

		if (json_is_array(v) && json_array_size(v) > 0)
			return 1;
	}
	return 0;
}

/*
 * Fill a draft from the request (a form or a JSON body) and render its
 * Markdown: shared by the API and the web composer. 0, or an HTTP status
 * with *msg saying what is wrong; nothing is answered.
 */
int
status_draft(struct req *r, struct post_draft *d, int editing,
    const char **msg)
{
	struct mention_ctx resolve = { req_db(r), r->arena };
	const char	*vis = req_param(r, "visibility"), *irt;
	char		*cause = NULL;
	int		 rc;

	d->arena = r->arena;
	d->author_id = r->user->id;
	d->source = req_param(r, "status");
	d->spoiler_text = req_param(r, "spoiler_text");
	d->sensitive = param_bool(r, "sensitive");
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
			*msg = "Validation failed: visibility must be public, "
			    "unlisted, private or direct";
			return 422;
		}
		irt = req_param(r, "in_reply_to_id");
		if (irt != NULL && *irt != '\0' && d->in_reply_to_id == 0) {
			*msg = "Validation failed: in_reply_to_id must be a "
			    "status id";
			return 422;
		}
	}
	if (param_list_used(r, "media_ids[]") ||
	    param_list_used(r, "media_ids") ||
	    req_param(r, "poll[expires_in]") != NULL) {
		*msg = "Validation failed: hearth does not support media "
		    "attachments or polls yet";
		return 422;
	}
	if ((rc = post_check(d)) != E_OK) {
		*msg = arena_strdup(r->arena, d->cause);
		return rc;
	}
	if (markdown_render(r->arena, d->source, strlen(d->source),
	    req_config(r)->base_url, post_mention_resolve, &resolve, &d->md,
	    &cause) != 0) {
		*msg = arena_printf(r->arena, "Validation failed: %s", cause);
		free(cause);
		return 422;
	}
	return 0;
}

/* Fill a draft, or answer 422 with what is wrong and return -1. */
static int
draft_from_request(struct req *r, struct post_draft *d, int editing)
{
	const char	*msg = NULL;
	int		 rc;

	if ((rc = status_draft(r, d, editing, &msg)) != 0) {
		req_error(r, rc, msg);
		return -1;
	}
	return 0;
}

/* On the writer: create. */
static int
create_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct post_draft	*d = arg;
	int			 rc = post_create(db, d);

	(void)r;
	if (rc != E_OK)
		*cause = xstrdup(d->cause);
	return rc;
}

/* On the writer, after commit: into the home feeds. */
static void
create_after(struct req *r, struct db *db, void *arg)
{
	(void)r;
	post_fanout(db, arg);
	stream_post_created(arg);
	module_after_post(db, arg);
}

/* Answer with the post as a Status. */
static void
reply_status(struct req *r, void *arg)
{
	struct post_draft	*d = arg;
	struct ectx		 e;
	json_t			*s;

	ectx_init(&e, r);
	if ((s = entity_status_id(&e, d->id)) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* Create a drafted post on the writer; reply answers once committed. */
enum handled
status_create(struct req *r, struct post_draft *d, req_reply_fn reply)
{
	if (module_count() > 0 && module_gate_post(r, d->source) != 0)
		return HANDLED;
	return req_write(r, create_write, create_after, reply, d);
}

/* POST /api/v1/statuses */
enum handled
api_status_create(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);

	if (draft_from_request(r, d, 0) != 0)
		return HANDLED;
	return status_create(r, d, reply_status);
}

/* GET /api/v1/statuses/:id */
enum handled
api_status_get(struct req *r)
{
	struct ectx	 e;
	json_t		*s;

	ectx_init(&e, r);
	if ((s = entity_status_id(&e, req_id(r, ":0"))) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
	return HANDLED;
}

/* On the writer: edit. */
static int
edit_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct post_draft	*d = arg;
	int			 rc = post_edit(db, d);

	(void)r;
	if (rc != E_OK)
		*cause = xstrdup(d->cause);
	return rc;
}

/* On the writer, after commit: tell the streams. */
static void
edit_after(struct req *r, struct db *db, void *arg)
{
	struct post_draft	*d = arg;

	(void)r;
	(void)db;
	stream_post_edited(d->edit_id);
}

/*
 * Edit a post with a checked draft (d->edit_id set) on the writer; reply
 * answers once committed. The web's edit form comes through here too.
 */
enum handled
status_edit(struct req *r, struct post_draft *d, req_reply_fn reply)
{
	/* An edit is a new text: modules' before_post sees it too. */
	if (module_count() > 0 && module_gate_post(r, d->source) != 0)
		return HANDLED;
	return req_write(r, edit_write, edit_after, reply, d);
}

/* PUT /api/v1/statuses/:id */
enum handled
api_status_edit(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);

	if ((d->edit_id = req_id(r, ":0")) == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	if (draft_from_request(r, d, 1) != 0)
		return HANDLED;
	return status_edit(r, d, reply_status);
}

/* On the writer: delete, noting first who could see it. */
static int
delete_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct status_delete	*j = arg;

	(void)cause;
	j->everyone = stream_post_audience(db, r->arena, j->id, &j->audience);
	if (j->everyone < 0)	/* no such post: post_delete says so */
		j->everyone = 0;
	return post_delete(db, r->user->id, j->id, r->user->role == ROLE_ADMIN);
}

/* On the writer, after commit: tell the streams. */
static void
delete_after(struct req *r, struct db *db, void *arg)
{
	struct status_delete	*j = arg;

	(void)r;
	(void)db;
	stream_post_deleted(j->id, j->everyone, &j->audience);
}

/*
 * Delete post j->id on the writer (post_delete decides who may); reply
 * answers once committed. The web's delete form comes through here too.
 */
enum handled
status_delete(struct req *r, struct status_delete *j, req_reply_fn reply)
{
	return req_write(r, delete_write, delete_after, reply, j);
}

/* Answer with the deleted post, its source in "text" (for redrafting). */
static void
delete_reply(struct req *r, void *arg)
{
	struct status_delete	*j = arg;

	req_json(r, 200, j->status);
	j->status = NULL;
}

/* DELETE /api/v1/statuses/:id */
enum handled
api_status_delete(struct req *r)
{
	struct status_delete	*j = arena_alloc(r->arena, sizeof *j);
	struct post		*p;
	struct ectx		 e;

	j->id = req_id(r, ":0");
	if ((p = post_get(req_db(r), r->arena, r->user->id, j->id)) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	if (p->author_id != r->user->id && r->user->role != ROLE_ADMIN) {
		req_error(r, 403, "Only the author (or an admin) can delete a "
		    "post");
		return HANDLED;
	}
	ectx_init(&e, r);
	j->status = entity_status(&e, p);
	ectx_free(&e);
	if (j->status == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	json_object_set_new(j->status, "text", json_string(p->source));
	return status_delete(r, j, delete_reply);
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
	ectx_init(&e, r);
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
	ectx_init(&e, r);
	arr = json_array();
	for (i = 0; i < n; i++) {
		if ((account = entity_account_id(&e, v[i].author_id)) == NULL)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:o, "
		    "s:o, s:n, s:[], s:[]}", "content", v[i].content_html,
		    "spoiler_text", v[i].spoiler_text, "sensitive",
		    v[i].sensitive, "created_at", entity_time(v[i].created_at),
		    "account", account, "poll", "media_attachments", "emojis"));
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

/* On the writer: favourite or unfavourite. */
static int
fav_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct toggle		*j = arg;

	(void)cause;
	return j->add ? favourite_add(db, r->user->id, j->id) :
	    favourite_remove(db, r->user->id, j->id);
}

/*
 * Favourite (add) or unfavourite post id on the writer; reply answers once
 * committed, with the struct toggle as its argument. The web's star
 * buttons come through here too.
 */
enum handled
status_favourite(struct req *r, int64_t id, int add, req_reply_fn reply)
{
	struct toggle		*j = arena_alloc(r->arena, sizeof *j);

	j->id = id;
	j->add = add;
	return req_write(r, fav_write, NULL, reply, j);
}

/* Answer with the Status as it is now. */
static void
fav_reply(struct req *r, void *arg)
{
	struct toggle		*j = arg;
	struct ectx	 e;
	json_t		*s;

	ectx_init(&e, r);
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
	return status_favourite(r, req_id(r, ":0"), 1, fav_reply);
}

/* POST /api/v1/statuses/:id/unfavourite */
enum handled
api_status_unfavourite(struct req *r)
{
	return status_favourite(r, req_id(r, ":0"), 0, fav_reply);
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
	ectx_init(&e, r);
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
	struct ectx	 e;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	if (favourite_mine(req_db(r), r->arena, r->user->id, &p, &ids,
	    &cursors) != E_OK) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	ectx_init(&e, r);
	page_link(r, &p, &cursors);
	req_statuses(r, &e, &ids);
	ectx_free(&e);
	return HANDLED;
}
