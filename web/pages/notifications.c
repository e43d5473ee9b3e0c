/*
 * notifications.c: the signed-in person's notifications, GET
 * /notifications, newest first, and its two forms: POST
 * /notifications/read (mark all as read) and POST /notifications/clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

/* Epoch seconds of an entity time ("2026-01-02T03:04:05.000Z"); 0 if odd. */
static int64_t
notif_epoch(const char *iso)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (iso == NULL || sscanf(iso, "%d-%d-%dT%d:%d:%d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* What happened, in words, for a notification to viewer. */
static const char *
notif_label(const char *type, json_t *status, int64_t viewer)
{
	json_t		*to;
	const char	*label;

	if (strcmp(type, "follow") == 0)
		return N_("followed you");
	if (strcmp(type, "favourite") == 0)
		return N_("favourited your post");
	if (strcmp(type, "reblog") == 0)
		return N_("boosted your post");
	if (strcmp(type, "added_to_group") == 0)
		return N_("added you to a group");
	if (strcmp(type, "mention") == 0) {
		to = json_object_get(status, "in_reply_to_account_id");
		if (id_parse(json_string_value(to)) == viewer)
			return N_("replied to you");
		return N_("mentioned you");
	}
	if ((label = notify_label(type)) != NULL)
		return label;	/* a module's type */
	return type;
}

/* A notification as the template sees it. */
static json_t *
notif_view(struct req *r, json_t *n)
{
	json_t		*account = json_object_get(n, "account");
	json_t		*status = json_object_get(n, "status");
	json_t		*group = json_object_get(n, "group");
	const char	*name, *pname;
	json_t		*v;

	/* acct: an outside account's names its server ("bob@example.org"),
	 * and its page is there */
	name = json_string_value(json_object_get(account, "acct"));
	v = json_pack("{s:s, s:s, s:s, s:s}",
	    "name", json_string_value(json_object_get(account,
	    "display_name")),
	    "username", name != NULL ? name : "",
	    "path", json_is_true(json_object_get(json_object_get(account,
	    "hearth"), "outside")) ? json_string_value(json_object_get(
	    account, "url")) : arena_printf(r->arena, "/@%s", name),
	    "label", req_tr(r, notif_label(json_string_value(
	    json_object_get(n, "type")), status, r->user->id)));
	json_object_set(v, "avatar", json_object_get(account, "avatar"));
	if (json_is_true(json_object_get(json_object_get(account, "hearth"),
	    "outside")))
		json_object_set(v, "origin", json_object_get(json_object_get(
		    account, "hearth"), "origin"));
	if (status != NULL) {
		pname = json_string_value(json_object_get(json_object_get(
		    status, "account"), "acct"));
		json_object_set_new(v, "post_path", json_string(arena_printf(
		    r->arena, "/@%s/%s", pname, json_string_value(
		    json_object_get(status, "id")))));
		json_object_set(v, "post_content", json_object_get(status,
		    "content"));
	}
	if (group != NULL)
		json_object_set(v, "group_name", json_object_get(group,
		    "name"));
	web_time(r, v, "created", notif_epoch(json_string_value(
	    json_object_get(n, "created_at"))));
	return v;
}

/* GET /notifications */
enum handled
web_notifications(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg;
	struct ectx	 e;
	json_t		*v, *list, *n;
	size_t		 i;

	if (page_parse(r, &pg, 20, 40) != 0)
		return HANDLED;
	if (notify_list(req_db(r), r->arena, r->user->id, &pg, NULL, 0, NULL,
	    0, &ids) != 0) {
		req_error(r, 500, "The notifications could not be read.");
		return HANDLED;
	}
	v = req_view(r, "Notifications");
	web_nav(v, "notifications");
	list = json_array();
	req_ectx(r, &e);
	for (i = 0; i < ids.n; i++) {
		if ((n = entity_notification(&e, ids.ids[i])) == NULL)
			continue;
		json_array_append_new(list, notif_view(r, n));
		json_decref(n);
	}
	ectx_free(&e);
	json_object_set_new(v, "has_notifications", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(v, "notifications", list);
	if (ids.n > 0 && pg.max_id == 0)
		json_object_set_new(v, "newest", json_integer(ids.ids[0]));
	if (ids.n > 0 && (int)ids.n >= pg.limit)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "/notifications?max_id=%lld",
		    (long long)ids.ids[ids.n - 1])));
	req_html(r, 200, "notifications", v);
	return HANDLED;
}

/* On the writer: everything up to the newest notification is read. */
static int
notif_read_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, 1 };

	(void)arg;
	(void)cause;
	if (notify_list(db, r->arena, r->user->id, &pg, NULL, 0, NULL, 0,
	    &ids) != 0)
		return E_INTERNAL;
	if (ids.n == 0)
		return E_OK;
	return marker_set(db, r->user->id, "notifications", ids.ids[0]);
}

/* On the writer: no notifications left. */
static int
notif_clear_write(struct req *r, struct db *db, void *arg, char **cause)
{
	(void)arg;
	(void)cause;
	return notify_clear(db, r->user->id);
}

/* Done: back to the list. */
static void
notif_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, "/notifications");
}

/* POST /notifications/read: csrf. */
enum handled
web_notifications_read(struct req *r)
{
	return req_write(r, notif_read_write, notif_reply, NULL);
}

/* POST /notifications/clear: csrf. */
enum handled
web_notifications_clear(struct req *r)
{
	return req_write(r, notif_clear_write, notif_reply, NULL);
}
