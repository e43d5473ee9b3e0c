/*
 * notifications.c: the signed-in person's notifications, GET
 * /notifications, newest first and grouped (the same kind about the same
 * post within a day is one line, with stacked avatars and a one-line
 * excerpt of the post), Follow back on follows; opening the page reads
 * what it shows. Its forms: POST /notifications/read (mark all as read,
 * kept for old pages) and POST /notifications/clear. Kinds a person
 * switched off for the web (notify-prefs.c) are left out, here and in
 * the live badge's count.
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
	if (strcmp(type, NOTIFY_REACTION) == 0)
		return N_("reacted {emoji} to your post");
	if (strcmp(type, "added_to_group") == 0)
		return N_("added you to a group");
	if (strcmp(type, "poll") == 0) {
		to = json_object_get(json_object_get(status, "account"), "id");
		if (id_parse(json_string_value(to)) == viewer)
			return N_("your poll has ended");
		return N_("a poll you voted in has ended");
	}
	if (strcmp(type, "mention") == 0) {
		to = json_object_get(status, "in_reply_to_account_id");
		if (id_parse(json_string_value(to)) == viewer)
			return N_("replied to you");
		return N_("mentioned you");
	}
	/* moderation (report.c) */
	if (strcmp(type, "moderation_warning") == 0)
		return N_("sent you a warning from the moderators");
	if (strcmp(type, "hearth.report_resolved") == 0)
		return N_("handled your report");
	if (strcmp(type, "admin.report") == 0)
		return N_("sent a report to the admins");
	if ((label = notify_label(type)) != NULL)
		return label;	/* a module's type */
	return type;
}

/*
 * The kinds that group are the domain's rule (notify-group.c), which
 * Mastodon's grouped notifications in the API share: the same kind about
 * the same post (or, for follows, about nothing) within a day becomes one
 * line, "Grace, Ahmed and 3 others favourited your post".
 */
#define NOTIF_GROUP_WINDOW	86400	/* seconds from the group's newest */
#define NOTIF_NAMES_SHOWN	2	/* named before "and N others" */
#define NOTIF_AVATARS		4	/* stacked avatars per line */
#define NOTIF_EXCERPT		120	/* bytes of the post, one line */

/* One line of the page while it is built: its view and what keys it. */
struct notif_line {
	json_t		*v;
	const char	*type;
	const char	*key;		/* what groups: type (and emoji) */
	int64_t		 post;
	int64_t		 newest;	/* epoch of its newest */
	const struct notify_grouping *g;
	size_t		 nactors;
};

/* Someone who did it, as the template sees them. */
static json_t *
notif_actor(struct req *r, json_t *account)
{
	const char	*name;
	json_t		*hearth = json_object_get(account, "hearth");
	json_t		*a;
	int		 outside = json_is_true(json_object_get(hearth,
			    "outside"));

	/* acct: an outside account's names its server ("bob@example.org"),
	 * and its page is there */
	name = json_string_value(json_object_get(account, "acct"));
	a = json_pack("{s:s, s:s, s:s, s:I}",
	    "name", json_string_value(json_object_get(account,
	    "display_name")),
	    "username", name != NULL ? name : "",
	    "path", outside ? json_string_value(json_object_get(account,
	    "url")) : arena_printf(r->arena, "/@%s", name),
	    "account_id", (json_int_t)id_parse(json_string_value(
	    json_object_get(account, "id"))));
	json_object_set(a, "avatar", json_object_get(account, "avatar"));
	if (outside)
		json_object_set(a, "origin", json_object_get(hearth,
		    "origin"));
	return a;
}

/*
 * "Grace", "Grace and Ahmed", "Grace, Ahmed and 3 others": the names
 * shown, each with what follows it, and the rest counted.
 */
static void
notif_names(struct req *r, json_t *v, size_t n)
{
	json_t	*actors = json_object_get(v, "actors"), *shown = json_array();
	json_t	*a;
	size_t	 i, k = n <= NOTIF_NAMES_SHOWN ? n : NOTIF_NAMES_SHOWN;
	size_t	 rest = n - k;

	for (i = 0; i < k; i++) {
		a = json_deep_copy(json_array_get(actors, i));
		json_object_set_new(a, "sep", json_string(
		    i + 1 == k ? "" : i + 2 == k && rest == 0 ?
		    arena_printf(r->arena, " %s ", req_tr(r, "and")) : ", "));
		json_array_append_new(shown, a);
	}
	json_object_set_new(v, "shown", shown);
	if (rest > 0)
		json_object_set_new(v, "others", json_string(i18n_format(
		    r->arena, trn(req_lang(r), (long)rest, "{n} other",
		    "{n} others"), "n", arena_printf(r->arena, "%zu", rest),
		    NULL)));
	json_object_set_new(v, "grouped", json_boolean(n > 1));
	/* the stacked avatars: a few, the rest told in words */
	while (json_array_size(json_object_get(v, "avatars")) > NOTIF_AVATARS)
		json_array_remove(json_object_get(v, "avatars"),
		    NOTIF_AVATARS);
}

/* What the moderators said or did, in words, as the line's excerpt. */
static void
notif_moderation(struct req *r, json_t *n, json_t *v)
{
	static const struct {
		const char	*key;		/* the action or the outcome */
		const char	*text;
	} words[] = {
		{ "delete_statuses", N_("Some of your posts were taken down.") },
		{ "disable",	N_("Your account was disabled.") },
		{ "none",	N_("This is a warning.") },
		{ "hide",	N_("The posts you reported were taken down.") },
		{ "warn",	N_("The author was warned.") },
		{ "dismiss",	N_("The admins looked at it and took no action.") },
	};
	json_t		*w = json_object_get(n, "moderation_warning"), *x;
	json_t		*o = json_object_get(n, "report_outcome");
	const char	*key, *text = NULL;
	size_t		 i;

	json_t		*rep = json_object_get(n, "report");

	if (rep != NULL) {	/* to an admin: about whom, and why */
		json_object_set_new(v, "excerpt", json_string(arena_printf(
		    r->arena, "%s: %s", json_string_value(json_object_get(
		    json_object_get(rep, "target_account"), "display_name")),
		    json_string_value(json_object_get(rep, "comment")))));
		return;
	}
	if (w == NULL && o == NULL)
		return;
	key = json_string_value(json_object_get(w != NULL ? w : o,
	    w != NULL ? "action" : "outcome"));
	for (i = 0; key != NULL && i < nitems(words); i++) {
		if (strcmp(key, words[i].key) == 0)
			text = req_tr(r, words[i].text);
	}
	if (w != NULL && *json_string_value(json_object_get(w, "text")) != '\0')
		text = arena_printf(r->arena, "%s %s", text != NULL ? text : "",
		    json_string_value(json_object_get(w, "text")));
	/* the taken-down posts' words, so their author sees what went */
	json_array_foreach(json_object_get(w, "hearth_excerpts"), i, x)
		text = arena_printf(r->arena, "%s “%s”", text != NULL ? text :
		    "", json_string_value(x));
	if (text != NULL)
		json_object_set_new(v, "excerpt", json_string(text));
}

/* A new line for one notification n (id) to viewer. */
static json_t *
notif_view(struct req *r, json_t *n, int64_t id, int64_t marker,
    int64_t *post, int64_t *when)
{
	json_t		*status = json_object_get(n, "status");
	json_t		*group = json_object_get(n, "group");
	json_t		*actor, *v;
	const char	*pname, *excerpt;

	actor = notif_actor(r, json_object_get(n, "account"));
	v = json_pack("{s:s, s:b, s:[], s:[]}", "label", i18n_format(
	    r->arena, req_tr(r, notif_label(json_string_value(json_object_get(
	    n, "type")), status, r->user->id)), "emoji", json_string_value(
	    json_object_get(n, "emoji")) != NULL ? json_string_value(
	    json_object_get(n, "emoji")) : "", NULL), "unread", id > marker,
	    "actors", "avatars");
	json_array_append(json_object_get(v, "avatars"), actor);
	json_array_append_new(json_object_get(v, "actors"), actor);
	*post = 0;
	if (status != NULL) {
		pname = json_string_value(json_object_get(json_object_get(
		    status, "account"), "acct"));
		*post = id_parse(json_string_value(json_object_get(status,
		    "id")));
		json_object_set_new(v, "post_path", json_string(arena_printf(
		    r->arena, "/@%s/%s", pname, json_string_value(
		    json_object_get(status, "id")))));
		excerpt = notify_post_excerpt(req_db(r), r->arena, *post,
		    NOTIF_EXCERPT);
		json_object_set_new(v, "excerpt", json_string(excerpt != NULL &&
		    *excerpt != '\0' ? excerpt : "(no text)"));
	}
	if (group != NULL)
		json_object_set(v, "group_name", json_object_get(group,
		    "name"));
	notif_moderation(r, n, v);
	*when = notif_epoch(json_string_value(json_object_get(n,
	    "created_at")));
	web_time(r, v, "created", *when);
	return v;
}

/* Add n's actor to line l, once per person. */
static void
notif_join(struct req *r, struct notif_line *l, json_t *n, int64_t id,
    int64_t marker)
{
	json_t		*account = json_object_get(n, "account"), *a;
	const char	*acct = json_string_value(json_object_get(account,
			    "acct"));
	size_t		 i;

	if (id > marker)
		json_object_set_new(l->v, "unread", json_true());
	json_array_foreach(json_object_get(l->v, "actors"), i, a) {
		if (acct != NULL && strcmp(acct, json_string_value(
		    json_object_get(a, "username"))) == 0)
			return;
	}
	a = notif_actor(r, account);
	json_array_append(json_object_get(l->v, "avatars"), a);
	json_array_append_new(json_object_get(l->v, "actors"), a);
	l->nactors++;
}

/*
 * The "Follow back" buttons of a follow line: each local follower the
 * viewer does not follow yet.
 */
static void
notif_follow_back(struct req *r, json_t *v)
{
	struct relationship	 rel;
	json_t			*a, *back = json_array();
	int64_t			 id;
	size_t			 i;

	json_array_foreach(json_object_get(v, "actors"), i, a) {
		if (json_object_get(a, "origin") != NULL)
			continue;	/* outside: followed from their page */
		id = json_integer_value(json_object_get(a, "account_id"));
		if (id <= 0 || id == r->user->id)
			continue;
		follow_relationship(req_db(r), r->user->id, id, &rel);
		if (!rel.following)
			json_array_append(back, a);
	}
	json_object_set_new(v, "has_follow_back", json_boolean(
	    json_array_size(back) > 0));
	json_object_set_new(v, "follow_back", back);
}

/* The page's lines: n (ids) read and grouped, newest first. */
static json_t *
notif_lines(struct req *r, const struct idlist *ids, int64_t marker)
{
	struct notif_line	*lines;
	struct ectx		 e;
	json_t			*n, *list = json_array();
	const char		*type, *key;
	int64_t			 post, when;
	size_t			 i, j, nlines = 0;

	lines = arena_alloc(r->arena, (ids->n + 1) * sizeof *lines);
	req_ectx(r, &e);
	e.filter_ctx = FC_NOTIFICATIONS;
	for (i = 0; i < ids->n; i++) {
		if ((n = entity_notification(&e, ids->ids[i])) == NULL)
			continue;
		if (filter_json_hides(n)) {	/* FILTERS: hidden by filter */
			json_decref(n);
			continue;
		}
		type = arena_strdup(r->arena, json_string_value(
		    json_object_get(n, "type")));
		/* Reactions group by emoji too: "Grace and Ahmed reacted
		 * 🎉", beside "Tim reacted ❤️". */
		key = json_string_value(json_object_get(n, "emoji")) == NULL ?
		    type : arena_printf(r->arena, "%s %s", type,
		    json_string_value(json_object_get(n, "emoji")));
		post = id_parse(json_string_value(json_object_get(
		    json_object_get(n, "status"), "id")));
		if (post < 0)
			post = 0;
		when = notif_epoch(json_string_value(json_object_get(n,
		    "created_at")));
		for (j = 0; j < nlines; j++) {
			if (lines[j].g != NULL && strcmp(lines[j].key, key) ==
			    0 && (!lines[j].g->by_post || lines[j].post ==
			    post) && lines[j].newest - when <=
			    NOTIF_GROUP_WINDOW)
				break;
		}
		if (j < nlines) {
			notif_join(r, &lines[j], n, ids->ids[i], marker);
		} else {
			lines[nlines].v = notif_view(r, n, ids->ids[i], marker,
			    &lines[nlines].post, &lines[nlines].newest);
			lines[nlines].type = type;
			lines[nlines].key = key;
			lines[nlines].g = notify_grouping(type);
			lines[nlines].nactors = 1;
			nlines++;
		}
		json_decref(n);
	}
	ectx_free(&e);
	for (j = 0; j < nlines; j++) {
		notif_names(r, lines[j].v, lines[j].nactors);
		if (strcmp(lines[j].type, "follow") == 0)
			notif_follow_back(r, lines[j].v);
		json_array_append_new(list, lines[j].v);
	}
	return list;
}

/* Opening the page: everything up to newest is now read. */
struct notif_open {
	int64_t		 user;
	int64_t		 newest;
	json_t		*v;
};

/* On the writer: move the notifications marker (never backwards). */
static int
notif_open_write(struct db *db, void *arg, char **cause)
{
	struct notif_open	*o = arg;
	int64_t			 last = 0, version, updated;

	(void)cause;
	if (marker_get(db, o->user, "notifications", &last, &version,
	    &updated) == 0 && last >= o->newest)
		return E_OK;
	return marker_set(db, o->user, "notifications", o->newest);
}

/*
 * Written: the page, its badge cleared, the lines just read still shown
 * as unread. Should the marker not move (an error, logged by the writer),
 * the page is still what was asked for.
 */
static void
notif_open_reply(struct req *r, void *arg, int code, const char *cause)
{
	struct notif_open	*o = arg;

	if (code != E_OK)
		log_warn("notifications: the marker of %s did not move: %s",
		    r->user->username, cause != NULL ? cause : "?");
	req_html(r, 200, "notifications", o->v);
}

/*
 * Every signed-in page's view: the kinds the person switched off for the
 * web (me.notify_off, space-separated), so the live badge (hearth.js)
 * does not count what the page would not show.
 */
static void
notif_view_hook(struct req *r, json_t *v)
{
	const char	**off;
	const char	 *list = "";
	size_t		  n, i;

	if (r->user == NULL || json_object_get(v, "me") == NULL)
		return;
	if (notify_web_off(req_db(r), r->arena, r->user->id, &off, &n) != 0)
		return;
	for (i = 0; i < n; i++)
		list = arena_printf(r->arena, "%s%s%s", list, i ? " " : "",
		    off[i]);
	json_object_set_new(json_object_get(v, "me"), "notify_off",
	    json_string(list));
}

/* Hook notif_view_hook into every page's view. */
void
web_notifications_init(void)
{
	static int	hooked;

	if (!hooked++)
		req_view_hook_add(notif_view_hook);
}

/* GET /notifications: opening it reads what it shows (the marker moves,
 * the badge clears), yet the lines new to this view are marked so. */
enum handled
web_notifications(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg;
	struct notif_open *o;
	const char	**off;
	size_t		 noff;
	int64_t		 marker = 0, version, updated;
	json_t		*v, *list;

	if (page_parse(r, &pg, 20, 40) != 0)
		return HANDLED;
	if (notify_web_off(req_db(r), r->arena, r->user->id, &off, &noff) !=
	    0 || notify_list(req_db(r), r->arena, r->user->id, &pg, NULL, 0,
	    off, noff, &ids) != 0) {
		req_error(r, 500, "The notifications could not be read.");
		return HANDLED;
	}
	if (marker_get(req_db(r), r->user->id, "notifications", &marker,
	    &version, &updated) != 0)
		marker = 0;
	v = req_view(r, "Notifications");
	web_nav(v, "notifications");
	list = notif_lines(r, &ids, marker);
	json_object_set_new(v, "has_notifications", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(v, "notifications", list);
	if (ids.n > 0 && (int)ids.n >= pg.limit)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "/notifications?max_id=%lld",
		    (long long)ids.ids[ids.n - 1])));
	if (ids.n == 0 || pg.max_id != 0 || pg.min_id != 0 ||
	    ids.ids[0] <= marker) {
		req_html(r, 200, "notifications", v);
		return HANDLED;
	}
	/* the first page, with news: read now, the badge with it */
	json_object_set_new(json_object_get(v, "me"), "unread",
	    json_integer(0));
	json_object_set_new(json_object_get(v, "me"), "unread_shown",
	    json_string("0"));
	o = arena_alloc(r->arena, sizeof *o);
	o->user = r->user->id;
	o->newest = ids.ids[0];
	o->v = v;
	if (req_command_then(r, notif_open_write, notif_open_reply, o) ==
	    HANDLED) {
		json_decref(v);		/* answered already: the writer is busy */
		return HANDLED;
	}
	return HANDLED_ASYNC;
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

/*
 * POST /notifications/clear: csrf, and confirm=yes. Clearing deletes every
 * notification for good, so the first POST only asks (a page that works
 * without JavaScript); its form sends confirm=yes.
 */
enum handled
web_notifications_clear(struct req *r)
{
	json_t		*v;
	const char	*yes = req_param(r, "confirm");

	if (yes == NULL || strcmp(yes, "yes") != 0) {
		v = req_view(r, req_tr(r, "Clear all notifications?"));
		web_nav(v, "notifications");
		json_object_set_new(v, "heading", json_string(req_tr(r,
		    "Notifications")));
		json_object_set_new(v, "question", json_string(req_tr(r,
		    "Clear all notifications? They are deleted for good; the "
		    "posts and people they were about stay.")));
		json_object_set_new(v, "action",
		    json_string("/notifications/clear"));
		json_object_set_new(v, "label", json_string(req_tr(r,
		    "Clear all")));
		json_object_set_new(v, "back", json_string("/notifications"));
		req_html(r, 200, "confirm", v);
		return HANDLED;
	}
	return req_write(r, notif_clear_write, notif_reply, NULL);
}
