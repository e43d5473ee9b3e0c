/*
 * notifications.c: the Mastodon notifications API and read markers.
 * Notifications are listed newest first with keyset pagination on their
 * ids; none ever shows a post its reader cannot see (notify.c and entity.c
 * both check). Markers are where a person stopped reading "home" and
 * "notifications"; the unread count is what lies past the latter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

#define TYPES_MAX 32

static const char *const marker_timelines[] = { "home", "notifications" };

/*
 * The values of a repeated query key, with or without Mastodon's "[]"
 * ("types[]=mention&types[]=follow", or "types=mention"), at most max.
 */
static size_t
query_list(struct req *r, const char *name, const char **out, size_t max)
{
	size_t	 i, n = 0, len = strlen(name);
	const char *k;

	for (i = 0; i < r->query.n && n < max; i++) {
		k = r->query.v[i].key;
		if (strncmp(k, name, len) != 0 ||
		    (k[len] != '\0' && strcmp(k + len, "[]") != 0))
			continue;
		if (*r->query.v[i].value != '\0')
			out[n++] = r->query.v[i].value;
	}
	return n;
}

/* Whether name is among the n of list. */
static int
listed(const char *const *list, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], name) == 0)
			return 1;
	}
	return 0;
}

/*
 * GET /api/v1/notifications: types[], exclude_types[], and paging.
 * Reactions (pleroma:emoji_reaction) come by default, as on Akkoma; a
 * client that leaves out favourites without naming reactions (a Mastodon
 * app's "Mentions" tab built with exclude_types) gets no reactions either:
 * a reaction is a favourite with another emoji.
 */
enum handled
api_notifications(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	const char	*types[TYPES_MAX], *exclude[TYPES_MAX];
	size_t		 ntypes, nexclude, i;
	json_t		*arr, *n;

	if (page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	ntypes = query_list(r, "types", types, TYPES_MAX);
	nexclude = query_list(r, "exclude_types", exclude, TYPES_MAX - 1);
	if (listed(exclude, nexclude, "favourite") &&
	    !listed(types, ntypes, NOTIFY_REACTION))
		exclude[nexclude++] = NOTIFY_REACTION;
	if (notify_list(req_db(r), r->arena, r->user->id, &p, types, ntypes,
	    exclude, nexclude, &ids) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	e.filter_ctx = FC_NOTIFICATIONS;
	arr = json_array();
	for (i = 0; i < ids.n; i++) {
		if ((n = entity_notification(&e, ids.ids[i])) == NULL)
			continue;
		if (filter_json_hides(n)) {	/* FILTERS: hidden by filter */
			json_decref(n);
			continue;
		}
		json_array_append_new(arr, n);
	}
	page_link(r, &p, &ids);
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/notifications/unread_count: {"count": N}, past the marker,
 * at most limit (Mastodon's: 100, up to 1000). */
enum handled
api_notifications_unread(struct req *r)
{
	struct page	 p;

	if (page_parse(r, &p, NOTIFY_UNREAD_MEMO, NOTIFY_UNREAD_MAX) != 0)
		return HANDLED;
	req_json(r, 200, json_pack("{s:I}", "count",
	    (json_int_t)notify_unread(req_db(r), r->user->id, p.limit, 0)));
	return HANDLED;
}

/* After a write that answers nothing in particular: {}. */
static void
reply_empty(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* On the writer: dismiss all. */
static int
clear_write(struct req *r, struct db *db, void *arg, char **cause)
{
	(void)arg;
	(void)cause;
	return notify_clear(db, r->user->id);
}

/* POST /api/v1/notifications/clear */
enum handled
api_notifications_clear(struct req *r)
{
	return req_write(r, clear_write, reply_empty, NULL);
}

/* GET /api/v1/notifications/:id */
enum handled
api_notification(struct req *r)
{
	struct ectx	 e;
	json_t		*n;

	req_ectx(r, &e);
	if ((n = entity_notification(&e, req_id(r, ":0"))) != NULL)
		req_json(r, 200, n);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
	return HANDLED;
}

/* On the writer: dismiss one. */
static int
dismiss_write(struct req *r, struct db *db, void *arg, char **cause)
{
	(void)cause;
	return notify_dismiss(db, r->user->id, *(int64_t *)arg);
}

/* POST /api/v1/notifications/:id/dismiss */
enum handled
api_notification_dismiss(struct req *r)
{
	int64_t	*id = arena_alloc(r->arena, sizeof *id);

	if ((*id = req_id(r, ":0")) == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	return req_write(r, dismiss_write, reply_empty, id);
}

/* Add a timeline's Marker entity to obj, if the person has one. */
static void
marker_entity(struct req *r, json_t *obj, const char *timeline)
{
	int64_t	last, version, updated;
	char	id[24];

	if (marker_get(req_db(r), r->user->id, timeline, &last, &version,
	    &updated) != 0)
		return;
	snprintf(id, sizeof id, "%lld", (long long)last);
	json_object_set_new(obj, timeline, json_pack("{s:s, s:I, s:o}",
	    "last_read_id", id, "version", (json_int_t)version, "updated_at",
	    entity_time(updated)));
}

/*
 * GET /api/v1/markers?timeline[]=home&timeline[]=notifications: the
 * markers asked for that are set (all of them if none is named).
 */
enum handled
api_markers_get(struct req *r)
{
	const char	*asked[nitems(marker_timelines) * 2];
	json_t		*obj = json_object();
	size_t		 n, i, k;

	n = query_list(r, "timeline", asked, nitems(asked));
	for (k = 0; k < nitems(marker_timelines); k++) {
		for (i = 0; i < n; i++) {
			if (strcmp(asked[i], marker_timelines[k]) == 0)
				break;
		}
		if (n == 0 || i < n)
			marker_entity(r, obj, marker_timelines[k]);
	}
	req_json(r, 200, obj);
	return HANDLED;
}

/* Markers to save: last_read_id per timeline, 0 if not given. */
struct marker_job {
	int64_t	last[nitems(marker_timelines)];
};

/* On the writer: save the markers given. */
static int
markers_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct marker_job	*j = arg;
	size_t			 k;
	int			 rc;

	(void)cause;
	for (k = 0; k < nitems(marker_timelines); k++) {
		if (j->last[k] == 0)
			continue;
		if ((rc = marker_set(db, r->user->id, marker_timelines[k],
		    j->last[k])) != E_OK)
			return rc;
	}
	return E_OK;
}

/* Answer with the markers just saved. */
static void
markers_reply(struct req *r, void *arg)
{
	struct marker_job	*j = arg;
	json_t			*obj = json_object();
	size_t			 k;

	for (k = 0; k < nitems(marker_timelines); k++) {
		if (j->last[k] != 0)
			marker_entity(r, obj, marker_timelines[k]);
	}
	req_json(r, 200, obj);
}

/*
 * A timeline's last_read_id from the request: the form's
 * "home[last_read_id]" or JSON's {"home": {"last_read_id": "1"}}. 0 if
 * absent, -1 if not an id.
 */
static int64_t
marker_param(struct req *r, const char *timeline)
{
	const char	*v;
	json_t		*j;

	v = req_param(r, arena_printf(r->arena, "%s[last_read_id]", timeline));
	if (v == NULL && r->body != NULL) {
		j = json_object_get(json_object_get(r->body, timeline),
		    "last_read_id");
		if (json_is_integer(j))
			return json_integer_value(j) > 0 ?
			    json_integer_value(j) : -1;
		if (j != NULL && !json_is_string(j))
			return -1;
		v = json_string_value(j);
	}
	if (v == NULL)
		return 0;
	return id_parse(v) > 0 ? id_parse(v) : -1;
}

/* POST /api/v1/markers: home[last_read_id], notifications[last_read_id]. */
enum handled
api_markers_set(struct req *r)
{
	struct marker_job	*j = arena_alloc(r->arena, sizeof *j);
	size_t			 k;

	for (k = 0; k < nitems(marker_timelines); k++) {
		if ((j->last[k] = marker_param(r, marker_timelines[k])) < 0) {
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: %s[last_read_id] must be an id",
			    marker_timelines[k]));
			return HANDLED;
		}
	}
	return req_write(r, markers_write, markers_reply, j);
}
