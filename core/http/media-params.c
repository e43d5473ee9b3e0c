/*
 * media-params.c: which uploads a post takes, as the request names them:
 * Mastodon's media_ids[] (a form's repeated field, or a JSON array of ids
 * as strings or numbers), the web composer's media_ids fields, and new
 * descriptions (the web's description_<id> fields, Mastodon's
 * media_attributes[] on an edit). The domain checks each is the author's
 * (media_attach); here only the shape.
 */
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* An id from text or a JSON value, or 0. */
static int64_t
media_id_of(const char *s)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? (int64_t)v : 0;
}

static int64_t
media_id_json(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) > 0 ? json_integer_value(v) : 0;
	return media_id_of(json_string_value(v));
}

/* Add one id (d->media_ids has room for MEDIA_PER_POST + 1). -1 with
 * *msg when there are too many or it is no id. */
static int
media_add(struct req *r, struct post_draft *d, int64_t id, const char *raw,
    const char **msg)
{
	if (id == 0) {
		*msg = arena_printf(r->arena, "Validation failed: media_ids: "
		    "'%s' is not an attachment id", raw != NULL ? raw : "?");
		return -1;
	}
	if (d->nmedia == MEDIA_PER_POST) {
		*msg = "Validation failed: a post has at most 4 attachments";
		return -1;
	}
	d->media_ids[d->nmedia++] = id;
	return 0;
}

/* A new description for id, if the request gives one. */
static void
media_describe(struct post_draft *d, int64_t id, const char *text)
{
	size_t	i;

	for (i = 0; i < d->nmedia; i++) {
		if (d->media_ids[i] == id)
			d->media_desc[i] = text;
	}
}

/*
 * Fill d's media_ids, media_desc and nmedia from the request; an edit
 * sets media_set (the list given is the whole new list). 0, or 422 with
 * *msg.
 */
int
req_media_ids(struct req *r, struct post_draft *d, int editing,
    const char **msg)
{
	json_t		*list, *v, *attrs;
	const char	*k, *pending = NULL;
	size_t		 i;
	int64_t		 id;

	d->media_ids = arena_alloc(r->arena, (MEDIA_PER_POST + 1) *
	    sizeof *d->media_ids);
	d->media_desc = arena_alloc(r->arena, (MEDIA_PER_POST + 1) *
	    sizeof *d->media_desc);
	memset(d->media_desc, 0, (MEDIA_PER_POST + 1) * sizeof *d->media_desc);
	d->nmedia = 0;
	d->media_set = editing;
	for (i = 0; i < r->form.n; i++) {
		k = r->form.v[i].key;
		if ((strcmp(k, "media_ids[]") == 0 ||
		    strcmp(k, "media_ids") == 0) &&
		    *r->form.v[i].value != '\0' && media_add(r, d,
		    media_id_of(r->form.v[i].value), r->form.v[i].value, msg) != 0)
			return 422;
	}
	if (r->body != NULL && json_is_array(list = json_object_get(r->body,
	    "media_ids"))) {
		json_array_foreach(list, i, v) {
			if (media_add(r, d, media_id_json(v), json_string_value(
			    v), msg) != 0)
				return 422;
		}
	}
	/* descriptions: the web's fields, then Mastodon's attributes (a
	 * form's media_attributes[][id] comes before its description) */
	for (i = 0; i < r->form.n; i++) {
		k = r->form.v[i].key;
		if (strncmp(k, "description_", 12) == 0 &&
		    (id = media_id_of(k + 12)) != 0)
			media_describe(d, id, r->form.v[i].value);
		else if (strcmp(k, "media_attributes[][id]") == 0)
			pending = r->form.v[i].value;
		else if (strcmp(k, "media_attributes[][description]") == 0 &&
		    pending != NULL)
			media_describe(d, media_id_of(pending),
			    r->form.v[i].value);
	}
	if (r->body != NULL && json_is_array(attrs = json_object_get(r->body,
	    "media_attributes"))) {
		json_array_foreach(attrs, i, v) {
			if (json_is_string(json_object_get(v, "description")))
				media_describe(d, media_id_json(json_object_get(
				    v, "id")), json_string_value(
				    json_object_get(v, "description")));
		}
	}
	for (i = 0; i < d->nmedia; i++) {
		char	cause[160];

		if (!media_description_ok(d->media_desc[i], cause,
		    sizeof cause)) {
			*msg = arena_printf(r->arena, "Validation failed: %s",
			    cause);
			return 422;
		}
	}
	return 0;
}
