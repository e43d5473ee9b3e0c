/*
 * scheduled.c: the page of one's scheduled posts (/scheduled, under the
 * account menu): what each says, when it goes out, and a button to cancel
 * it. Scheduling itself is the API's (scheduled_at); the composer's own
 * option is left to the composer's redesign.
 */
#include <string.h>

#include "pages.h"

#define SCHEDULED_PAGE	40	/* shown at once (25 a day, 300 in all) */

/* One scheduled post as the page shows it. */
static json_t *
scheduled_row(struct req *r, const struct scheduled *s)
{
	json_t		*params = json_loads(s->params_json, 0, NULL), *o;
	const char	*text, *cw, *vis;
	size_t		 media;
	enum visibility	 v;
	int		 lock;

	text = json_string_value(json_object_get(params, "text"));
	cw = json_string_value(json_object_get(params, "spoiler_text"));
	vis = json_string_value(json_object_get(params, "visibility"));
	media = json_array_size(json_object_get(params, "media_ids"));
	o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)s->id,
	    "text", text != NULL ? text : "", "spoiler_text", cw != NULL ? cw :
	    "", "visibility", vis != NULL ? vis : "public");
	/* In plain words, as the cards say it (vis-label.c). */
	if (vis == NULL || visibility_parse(vis, &v) != 0)
		v = VIS_PUBLIC;
	json_object_set_new(o, "visibility_label", json_string(v == VIS_PUBLIC ?
	    i18n_format(r->arena, req_tr(r, "Everyone at {company}"),
	    "company", web_company(r), NULL) :
	    req_tr(r, web_visibility_badge(v, &lock))));
	if (media > 0)
		json_object_set_new(o, "media", json_string(web_count(
		    r->arena, (long long)media, trn(req_lang(r), (long)media,
		    "{n} attachment", "{n} attachments"))));
	if (json_object_get(params, "group_id") != NULL &&
	    !json_is_null(json_object_get(params, "group_id")))
		json_object_set_new(o, "in_group", json_true());
	if (json_is_string(json_object_get(params, "in_reply_to_id")))
		json_object_set_new(o, "reply", json_true());
	web_time(r, o, "at", s->scheduled_at);
	json_decref(params);
	return o;
}

/* GET /scheduled */
enum handled
web_scheduled(struct req *r)
{
	struct idlist		 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page		 p = { 0, 0, 0, SCHEDULED_PAGE };
	struct scheduled	*s;
	json_t			*v, *list = json_array();
	const char		*notice = req_param(r, "notice");
	size_t			 i;

	if (scheduled_list(req_db(r), r->arena, r->user->id, &p, &ids,
	    &cursors) != E_OK) {
		json_decref(list);
		req_error(r, 500, "Your scheduled posts could not be read.");
		return HANDLED;
	}
	for (i = 0; i < ids.n; i++) {
		if ((s = scheduled_get(req_db(r), r->arena, r->user->id,
		    ids.ids[i])) != NULL)
			json_array_append_new(list, scheduled_row(r, s));
	}
	v = req_view(r, "Scheduled posts");
	web_nav(v, "scheduled");
	if (notice != NULL && strcmp(notice, "cancelled") == 0)
		json_object_set_new(v, "notice", json_string("The scheduled "
		    "post was cancelled."));
	json_object_set_new(v, "has_scheduled", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(v, "scheduled", list);
	req_html(r, 200, "scheduled", v);
	return HANDLED;
}

/* Cancelled: back to the list. */
static void
cancel_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, "/scheduled?notice=cancelled");
}

/* POST /scheduled/:id/cancel: csrf. Another's is not found. */
enum handled
web_scheduled_cancel(struct req *r)
{
	struct scheduled_draft	*s = arena_alloc(r->arena, sizeof *s);

	memset(s, 0, sizeof *s);
	s->id = req_id(r, ":0");
	s->user_id = r->user->id;
	return req_command(r, scheduled_delete_cmd, cancel_reply, s);
}
