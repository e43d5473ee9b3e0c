/*
 * media.c: the Mastodon media API (POST /api/v1/media and /api/v2/media,
 * GET, PUT and DELETE /api/v1/media/:id), and the web composer's own
 * upload (POST /media, POST /media/:id/delete), which answers the same
 * MediaAttachment with the plain addresses a signed-in browser uses. An
 * upload is checked here from its bytes, then decoded and stored on a
 * worker (bounded: worker_set_heavy) and recorded on the writer; the
 * answer waits for the commit (attachment.c).
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* Pictures larger than this are decoded after POST /api/v2/media answers
 * 202 (a 12-megapixel phone photo is 3 to 6 MB). */
#define MEDIA_ASYNC_BYTES	(1024 * 1024)

/* The upload, answered once recorded. */
struct media_job {
	struct media_upload	 up;
	int			 sign;		/* an app's: signed addresses */
	char			 cause[512];
};

/* A picture's MediaAttachment while it is decoded: no addresses yet. */
static json_t *
media_pending(const struct media *m)
{
	return json_pack("{s:s, s:s, s:n, s:n, s:n, s:n, s:n, s:{}, s:o, "
	    "s:n}", "id", "", "type", "image", "url",
	    "preview_url", "remote_url", "preview_remote_url", "text_url",
	    "meta", "description", m->description != NULL &&
	    *m->description != '\0' ? json_string(m->description) :
	    json_null(), "blurhash");
}

/*
 * Answer with an upload's MediaAttachment: 200; or, while it is decoded,
 * pending (202 to the upload, 206 to a GET, as Mastodon); or 422 with
 * why it could not be.
 */
static void
media_answer_as(struct req *r, int64_t id, int sign, int pending)
{
	struct media	*m;
	struct ectx	 e;
	json_t		*j;

	if ((m = media_get(req_db(r), r->arena, r->user->id, id)) == NULL) {
		req_error(r, 404, "Record not found");
		return;
	}
	if (strcmp(m->state, "failed") == 0) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "file: %s", m->error != NULL ? m->error : "the picture "
		    "could not be processed"));
		return;
	}
	if (strcmp(m->state, "processing") == 0) {
		j = media_pending(m);
		json_object_set_new(j, "id", json_string(arena_printf(r->arena,
		    "%lld", (long long)m->id)));
		req_json(r, pending, j);
		return;
	}
	req_ectx(r, &e);
	j = entity_media(&e, m, sign);
	ectx_free(&e);
	if (j == NULL)
		req_error(r, 500, "Internal error");
	else
		req_json(r, 200, j);
}

static void
media_answer(struct req *r, int64_t id, int sign)
{
	media_answer_as(r, id, sign, 206);
}

static void
media_upload_reply(struct req *r, void *arg)
{
	struct media_job	*j = arg;

	media_answer(r, j->up.id, j->sign);
}

/* Recorded, to be decoded: 202, and the decode starts. */
static void
media_incoming_reply(struct req *r, void *arg)
{
	struct media_job	*j = arg;

	media_answer_as(r, j->up.id, 1, 202);
	media_async_start(r->loop, req_config(r), j->up.owner, j->up.id,
	    j->up.incoming, j->up.filename);
}

/* The shared upload: the multipart field "file", with "description" and
 * "focus" ("x,y") as Mastodon takes them. async: a large picture may be
 * answered 202 and decoded after (v2). */
static enum handled
media_upload(struct req *r, int sign, int async)
{
	struct media_job	*j = arena_alloc(r->arena, sizeof *j);
	const struct part	*p = req_file(r, "file");
	const char		*desc = req_param(r, "description");
	int			 rc;

	memset(j, 0, sizeof *j);
	j->sign = sign;
	media_upload_init(&j->up, r->user->id, req_config(r), r->arena);
	if (p == NULL) {
		req_error(r, 422, "Validation failed: file: choose a picture or "
		    "a file to upload (a multipart/form-data field named "
		    "\"file\")");
		return HANDLED;
	}
	if (!media_description_ok(desc, j->cause, sizeof j->cause) ||
	    media_parse_focus(req_param(r, "focus"), &j->up.focus_x,
	    &j->up.focus_y) != 0) {
		req_error(r, 422, j->cause[0] != '\0' ? arena_printf(r->arena,
		    "Validation failed: %s", j->cause) : "Validation failed: "
		    "focus must be two numbers from -1.0 to 1.0, as \"x,y\"");
		return HANDLED;
	}
	j->up.description = desc;
	if ((rc = media_upload_check(&j->up, p->data, p->len, p->filename,
	    j->cause, sizeof j->cause)) != E_OK) {
		/* "file: ..." names the field for a validation error; a
		 * size refusal is a sentence of its own; the composer's
		 * (not signed) in its reader's words */
		const char *why = j->sign ? j->cause : req_cause(r, j->cause);

		req_error(r, rc, rc == E_INVALID && j->sign ? arena_printf(
		    r->arena, "Validation failed: %s", why) :
		    strncmp(why, "file: ", 6) == 0 ? why + 6 : why);
		return HANDLED;
	}
	/* v2: a picture that takes a while to decode is answered 202 once
	 * it is kept as it came (a light job), and decoded after */
	if (async && j->up.is_image && p->len > MEDIA_ASYNC_BYTES)
		return req_work_write(r, media_incoming_work,
		    media_incoming_cmd, media_incoming_reply, j);
	return req_work_write_heavy(r, media_upload_work, media_upload_cmd,
	    media_upload_reply, j);
}

/* POST /api/v1/media: answered once processed. */
enum handled
api_media_create(struct req *r)
{
	return media_upload(r, 1, 0);
}

/* POST /api/v2/media: small pictures and files answered processed (200),
 * large pictures 202 while they are decoded. */
enum handled
api_media_create_v2(struct req *r)
{
	return media_upload(r, 1, 1);
}

/* POST /media: the web composer's upload (JSON answers). */
enum handled
api_media_web_create(struct req *r)
{
	r->is_api = 1;
	return media_upload(r, 0, 0);
}

/* GET /api/v1/media/:id: one's own upload (200: it is processed). */
enum handled
api_media_get(struct req *r)
{
	media_answer(r, req_id(r, ":0"), 1);
	return HANDLED;
}

static void
media_change_reply(struct req *r, void *arg)
{
	struct media_change	*ch = arg;

	media_answer(r, ch->id, 1);
}

/* PUT /api/v1/media/:id: description and focus, before a post takes it. */
enum handled
api_media_update(struct req *r)
{
	struct media_change	*ch = arena_alloc(r->arena, sizeof *ch);
	const char		*focus = req_param(r, "focus");
	char			 cause[256] = "";

	memset(ch, 0, sizeof *ch);
	ch->owner = r->user->id;
	ch->id = req_id(r, ":0");
	ch->description = req_param(r, "description");
	if (!media_description_ok(ch->description, cause, sizeof cause)) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "%s", cause));
		return HANDLED;
	}
	if (focus != NULL && *focus != '\0') {
		if (media_parse_focus(focus, &ch->focus_x, &ch->focus_y) != 0) {
			req_error(r, 422, "Validation failed: focus must be two "
			    "numbers from -1.0 to 1.0, as \"x,y\"");
			return HANDLED;
		}
		ch->has_focus = 1;
	}
	return req_command(r, media_update_cmd, media_change_reply, ch);
}

static void
media_deleted_reply(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* DELETE /api/v1/media/:id, POST /media/:id/delete: an upload no post
 * has taken. */
enum handled
api_media_delete(struct req *r)
{
	struct media_change	*ch = arena_alloc(r->arena, sizeof *ch);

	r->is_api = 1;
	memset(ch, 0, sizeof *ch);
	ch->owner = r->user->id;
	ch->id = req_id(r, ":0");
	ch->data_dir = req_config(r)->data_dir;
	return req_command(r, media_delete_cmd, media_deleted_reply, ch);
}
