/*
 * scheduled.c: Mastodon's scheduled statuses. POST /api/v1/statuses with
 * scheduled_at (statuses.c hands it here once the draft is checked) keeps
 * the post to go out later and answers a ScheduledStatus; the person
 * lists, reads, moves and cancels theirs at /api/v1/scheduled_statuses
 * (nobody else's: another's is not found). scheduled-jobs.c publishes
 * them when due.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"

/* The ScheduledStatus entity of s, its uploads as MediaAttachments. */
static json_t *
scheduled_entity(struct req *r, struct ectx *e, const struct scheduled *s)
{
	json_t		*params, *media = json_array(), *v;
	struct media	*m;
	size_t		 i;

	if ((params = json_loads(s->params_json, 0, NULL)) == NULL)
		params = json_object();
	json_array_foreach(json_object_get(params, "media_ids"), i, v) {
		if (!json_is_string(v))
			continue;
		m = media_get(req_db(r), r->arena, s->user_id,
		    strtoll(json_string_value(v), NULL, 10));
		if (m != NULL)
			json_array_append_new(media, entity_media(e, m, 1));
	}
	/* hearth's own: the modules' options are no app's business */
	json_object_del(params, "options");
	return json_pack("{s:s, s:o, s:o, s:o}", "id", arena_printf(r->arena,
	    "%lld", (long long)s->id), "scheduled_at",
	    entity_time(s->scheduled_at), "params", params,
	    "media_attachments", media);
}

/* Answer with the person's scheduled post id, or 404. */
static void
scheduled_answer(struct req *r, int64_t id)
{
	struct scheduled	*s = scheduled_get(req_db(r), r->arena,
	    r->user->id, id);
	struct ectx		 e;

	if (s == NULL) {
		req_error(r, 404, "Record not found");
		return;
	}
	req_ectx(r, &e);
	req_json(r, 200, scheduled_entity(r, &e, s));
	ectx_free(&e);
}

/* After a schedule or a move: the ScheduledStatus. */
static void
scheduled_reply(struct req *r, void *arg)
{
	struct scheduled_draft	*s = arg;

	scheduled_answer(r, s->id);
}

/*
 * When scheduled_at (at) may be: a date and time at least the least lead
 * ahead (five minutes). 0 and *when, or -1 after answering 422.
 */
static int
scheduled_when(struct req *r, const char *at, int64_t *when)
{
	if (at == NULL || scheduled_time_parse(at, when) != 0) {
		req_error(r, 422, "Validation failed: scheduled_at must be an "
		    "ISO 8601 date and time, such as 2026-12-14T09:00:00Z");
		return -1;
	}
	if (*when < (int64_t)time(NULL) + scheduled_min_lead()) {
		req_error(r, 422, "Validation failed: Scheduled at The "
		    "scheduled date must be in the future");
		return -1;
	}
	return 0;
}

/* The parameters a scheduled post keeps, as its entity shows them
 * (Mastodon's params, with hearth's group_id and modules' options). */
static char *
scheduled_params(struct req *r, const struct post_draft *d)
{
	json_t	*p = json_object(), *media = json_null();
	char	*text, *out;
	size_t	 i;

	if (d->nmedia > 0) {
		media = json_array();
		for (i = 0; i < d->nmedia; i++)
			json_array_append_new(media, json_string(arena_printf(
			    r->arena, "%lld", (long long)d->media_ids[i])));
	}
	json_object_set_new(p, "text", json_string(d->source != NULL ?
	    d->source : ""));
	/* Mastodon's params.poll: what the post will ask, the end counted
	 * from when it goes out */
	if (d->poll != NULL) {
		json_t	*opts = json_array();

		for (i = 0; i < d->poll->noptions; i++)
			json_array_append_new(opts, json_string(
			    d->poll->options[i]));
		json_object_set_new(p, "poll", json_pack("{s:o, s:I, s:b, "
		    "s:b}", "options", opts, "expires_in",
		    (json_int_t)d->poll->expires_in, "multiple",
		    d->poll->multiple, "hide_totals", d->poll->hide_totals));
	} else
		json_object_set_new(p, "poll", json_null());
	json_object_set_new(p, "media_ids", media);
	json_object_set_new(p, "sensitive", json_boolean(d->sensitive));
	json_object_set_new(p, "spoiler_text", d->spoiler_text != NULL &&
	    *d->spoiler_text ? json_string(d->spoiler_text) : json_null());
	json_object_set_new(p, "visibility",
	    json_string(visibility_name(d->visibility)));
	json_object_set_new(p, "in_reply_to_id", d->in_reply_to_id != 0 ?
	    json_string(arena_printf(r->arena, "%lld",
	    (long long)d->in_reply_to_id)) : json_null());
	json_object_set_new(p, "language", d->language != NULL ?
	    json_string(d->language) : json_null());
	json_object_set_new(p, "application_id", json_null());
	json_object_set_new(p, "scheduled_at", json_null());
	json_object_set_new(p, "idempotency", d->idempotency_key != NULL ?
	    json_string(d->idempotency_key) : json_null());
	json_object_set_new(p, "with_rate_limit", json_false());
	if (d->group_id != 0)
		json_object_set_new(p, "group_id", json_string(arena_printf(
		    r->arena, "%lld", (long long)d->group_id)));
	if (d->options != NULL && *d->options != '\0')
		json_object_set_new(p, "options", json_string(d->options));
	text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (text == NULL)
		return NULL;
	out = arena_strdup(r->arena, text);
	free(text);
	return out;
}

/*
 * POST /api/v1/statuses with scheduled_at: the draft d is checked (and the
 * modules' gates passed); keep it to go out at "at".
 */
enum handled
api_status_schedule(struct req *r, struct post_draft *d, const char *at)
{
	struct scheduled_draft	*s = arena_alloc(r->arena, sizeof *s);

	memset(s, 0, sizeof *s);
	if (scheduled_when(r, at, &s->at) != 0)
		return HANDLED;
	s->d = d;
	if ((s->params_json = scheduled_params(r, d)) == NULL) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	return req_command(r, scheduled_create_cmd, scheduled_reply, s);
}

/* GET /api/v1/scheduled_statuses: the person's, newest first. */
enum handled
api_scheduled_list(struct req *r)
{
	struct idlist		 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct scheduled	*s;
	struct page		 p;
	struct ectx		 e;
	json_t			*arr;
	size_t			 i;
	int			 rc;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	if ((rc = scheduled_list(req_db(r), r->arena, r->user->id, &p, &ids,
	    &cursors)) != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < ids.n; i++) {
		if ((s = scheduled_get(req_db(r), r->arena, r->user->id,
		    ids.ids[i])) != NULL)
			json_array_append_new(arr, scheduled_entity(r, &e, s));
	}
	page_link(r, &p, &cursors);
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/scheduled_statuses/:id */
enum handled
api_scheduled_get(struct req *r)
{
	scheduled_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* PUT /api/v1/scheduled_statuses/:id: a new scheduled_at, the only thing
 * Mastodon lets change. */
enum handled
api_scheduled_update(struct req *r)
{
	struct scheduled_draft	*s = arena_alloc(r->arena, sizeof *s);

	memset(s, 0, sizeof *s);
	s->id = req_id(r, ":0");
	s->user_id = r->user->id;
	if (scheduled_get(req_db(r), r->arena, s->user_id, s->id) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	if (scheduled_when(r, req_param(r, "scheduled_at"), &s->at) != 0)
		return HANDLED;
	return req_command(r, scheduled_update_cmd, scheduled_reply, s);
}

/* After a cancel: an empty object, as Mastodon answers. */
static void
scheduled_deleted(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* DELETE /api/v1/scheduled_statuses/:id */
enum handled
api_scheduled_delete(struct req *r)
{
	struct scheduled_draft	*s = arena_alloc(r->arena, sizeof *s);

	memset(s, 0, sizeof *s);
	s->id = req_id(r, ":0");
	s->user_id = r->user->id;
	return req_command(r, scheduled_delete_cmd, scheduled_deleted, s);
}
