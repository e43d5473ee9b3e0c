/*
 * report.c: reports to the moderators and what they do about them. Anyone
 * may report a person (and some of their posts, which the reporter must be
 * able to read); the admins see open reports on /admin/reports and resolve
 * each one way: hide the posts (they are taken down, as Mastodon's
 * moderators delete them, and the author gets a warning naming them),
 * warn the author, disable the account (user_deactivate, the one way out),
 * or dismiss. Every resolution is in the audit log, the author is told by
 * a moderation_warning notification (Mastodon's), and the reporter by a
 * hearth.report_resolved one, with the outcome in words.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* What an action is called: in the reports table, the audit log and the
 * account warning (Mastodon's AccountWarning actions). */
static const struct {
	enum report_action	 action;
	const char		*name;
	const char		*warning;	/* NULL: no warning */
} report_actions[] = {
	{ REPORT_HIDE,		"hide",		"delete_statuses" },
	{ REPORT_WARN,		"warn",		"none" },
	{ REPORT_DISABLE,	"disable",	"disable" },
	{ REPORT_DISMISS,	"dismiss",	NULL },
};

/* The name of an action ("hide"), or NULL. */
const char *
report_action_name(enum report_action a)
{
	size_t	i;

	for (i = 0; i < nitems(report_actions); i++) {
		if (report_actions[i].action == a)
			return report_actions[i].name;
	}
	return NULL;
}

/* An action by name; -1 if none. */
int
report_action_parse(const char *s, enum report_action *out)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(report_actions); i++) {
		if (strcmp(report_actions[i].name, s) == 0) {
			*out = report_actions[i].action;
			return 0;
		}
	}
	return -1;
}

/* The Mastodon categories a report may have. */
static int
category_ok(const char *c)
{
	static const char *const ok[] = { "spam", "legal", "violation",
	    "other" };
	size_t	i;

	for (i = 0; i < nitems(ok); i++) {
		if (strcmp(c, ok[i]) == 0)
			return 1;
	}
	return 0;
}

/* A list of ids as a JSON array's text, in a. */
static char *
ids_json(struct arena *a, const struct idlist *l)
{
	char	*s = arena_strdup(a, "["), *t;
	size_t	 i;

	for (i = 0; l != NULL && i < l->n; i++) {
		t = arena_printf(a, "%s%s%lld", s, i ? "," : "",
		    (long long)l->ids[i]);
		s = t;
	}
	return arena_printf(a, "%s]", s);
}


/* How many of a person's reports no moderator has handled yet. */
static int64_t
report_open_by(struct db *db, int64_t reporter)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0;

	if ((st = db_prepare(db, "SELECT count(*) FROM reports WHERE "
	    "reporter_id = ? AND action_taken IS NULL")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, reporter);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}
/*
 * Command: file a report (struct report_new). The person must exist and
 * not be the reporter; each post must be theirs and readable by the
 * reporter (a report never reveals a post to the moderators its reporter
 * could not see). Sets id.
 */
int
report_create(struct db *db, void *arg, char **cause)
{
	struct report_new	*n = arg;
	struct arena		*a = arena_new();
	struct idlist		 admins = { NULL, 0, 0 };
	sqlite3_stmt		*st;
	size_t			 i;
	int			 rc = E_INTERNAL, mine;

	if (n->target == n->reporter) {
		*cause = xstrdup("You cannot report yourself");
		rc = E_INVALID;
		goto out;
	}
	if (n->category == NULL || *n->category == '\0')
		n->category = "other";
	if (!category_ok(n->category)) {
		*cause = xstrdup("category must be spam, legal, violation or "
		    "other");
		rc = E_INVALID;
		goto out;
	}
	if (n->comment != NULL && strlen(n->comment) > REPORT_COMMENT_MAX) {
		*cause = xstrdup("The comment is too long");
		rc = E_INVALID;
		goto out;
	}
	if (user_get(db, a, n->target) == NULL) {
		rc = E_NOTFOUND;
		goto out;
	}
	/* Each report reaches every admin (a notification apiece): one
	 * person's reports waiting at once are bounded, so nobody can bury
	 * the moderators; handled ones make room again. */
	if (report_open_by(db, n->reporter) >= REPORT_OPEN_MAX) {
		*cause = cause_newn(REPORT_OPEN_MAX, NN_("You have {n} report "
		    "waiting for a moderator: file more once it is handled",
		    "You have {n} reports waiting for a moderator: file more "
		    "once they are handled"), CN("n", REPORT_OPEN_MAX));
		rc = E_INVALID;
		goto out;
	}
	if ((st = db_prepare(db, "SELECT author_id = ? FROM posts WHERE "
	    "id = ?")) == NULL)
		goto out;
	for (i = 0; i < n->statuses.n; i++) {
		sqlite3_bind_int64(st, 1, n->target);
		sqlite3_bind_int64(st, 2, n->statuses.ids[i]);
		mine = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (!mine || !access_post_visible(db, n->reporter,
		    n->statuses.ids[i])) {
			*cause = xstrdup("Every reported post must be the "
			    "reported person's, and one you can read");
			rc = E_INVALID;
			goto out;
		}
	}
	if (DB_RUN(db, "INSERT INTO reports (reporter_id, target_id, "
	    "category, comment, status_ids, rule_ids, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", SQL_I(n->reporter), SQL_I(n->target),
	    SQL_T(n->category), SQL_T(n->comment ? n->comment : ""),
	    SQL_T(ids_json(a, &n->statuses)), SQL_T(ids_json(a, &n->rules)),
	    SQL_I(time(NULL))) != 1)
		goto out;
	n->id = db_last_id(db);
	/* The admins hear of it (Mastodon's admin.report). */
	if ((st = db_prepare(db, "SELECT id FROM users WHERE role = 1 AND "
	    "disabled = 0 AND origin IS NULL")) == NULL)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW)
		idlist_add(a, &admins, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	for (i = 0; i < admins.n; i++) {
		if (admins.ids[i] != n->target && report_notify(db,
		    admins.ids[i], "admin.report", n->reporter, n->id, 0) != 0)
			goto out;
	}
	rc = E_OK;
out:
	arena_free(a);
	return rc;
}

/* Read a JSON array of ids into l. */
static void
ids_parse(struct arena *a, const char *s, struct idlist *l)
{
	json_t	*j = json_loads(s != NULL ? s : "[]", 0, NULL), *v;
	size_t	 i;

	json_array_foreach(j, i, v) {
		if (json_is_integer(v))
			idlist_add(a, l, json_integer_value(v));
	}
	json_decref(j);
}

/* Fill r from a row of REPORT_COLUMNS. */
#define REPORT_COLUMNS "id, reporter_id, target_id, category, comment, " \
    "status_ids, rule_ids, coalesce(action_taken, ''), " \
    "coalesce(action_by, 0), coalesce(action_at, 0), created_at"
static void
report_row(struct arena *a, sqlite3_stmt *st, struct report *r)
{
	const char	*t;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->reporter = sqlite3_column_int64(st, 1);
	r->target = sqlite3_column_int64(st, 2);
	r->category = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
	r->comment = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
	ids_parse(a, (const char *)sqlite3_column_text(st, 5), &r->statuses);
	ids_parse(a, (const char *)sqlite3_column_text(st, 6), &r->rules);
	t = (const char *)sqlite3_column_text(st, 7);
	r->action_taken = t != NULL && *t != '\0' ? arena_strdup(a, t) : NULL;
	r->action_by = sqlite3_column_int64(st, 8);
	r->action_at = sqlite3_column_int64(st, 9);
	r->created_at = sqlite3_column_int64(st, 10);
}

/* One report, or NULL. */
struct report *
report_get(struct db *db, struct arena *a, int64_t id)
{
	sqlite3_stmt	*st;
	struct report	*r = NULL;

	if ((st = db_prepare(db, "SELECT " REPORT_COLUMNS " FROM reports "
	    "WHERE id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r = arena_alloc(a, sizeof *r);
		report_row(a, st, r);
	}
	sqlite3_reset(st);
	return r;
}

/* Reports, oldest open first (resolved = 1: the latest resolved, newest
 * first), at most max. */
int
report_list(struct db *db, struct arena *a, int resolved, int max,
    struct report **out, size_t *n)
{
	static const char *const sql[2] = {
		"SELECT " REPORT_COLUMNS " FROM reports WHERE action_taken IS "
		    "NULL ORDER BY id LIMIT ?",
		"SELECT " REPORT_COLUMNS " FROM reports WHERE action_taken IS "
		    "NOT NULL ORDER BY action_at DESC, id DESC LIMIT ?",
	};
	sqlite3_stmt	*st;

	*n = 0;
	*out = arena_alloc(a, (size_t)(max > 0 ? max : 1) * sizeof **out);
	if ((st = db_prepare(db, sql[resolved != 0])) == NULL)
		return -1;
	sqlite3_bind_int(st, 1, max);
	while ((int)*n < max && sqlite3_step(st) == SQLITE_ROW)
		report_row(a, st, &(*out)[(*n)++]);
	sqlite3_reset(st);
	return 0;
}

/* A warning to target for report: its row and the notification. */
static int
report_warn(struct db *db, struct arena *a, const struct report_resolve *rr,
    const struct report *r, const char *action, const struct idlist *gone,
    json_t *excerpts)
{
	char	*x = json_dumps(excerpts, JSON_COMPACT);
	int64_t	 warning;
	int	 n;

	n = DB_RUN(db, "INSERT INTO account_warnings (target_id, report_id, "
	    "action, text, status_ids, excerpts, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", SQL_I(r->target), SQL_I(r->id),
	    SQL_T(action), SQL_T(rr->text ? rr->text : ""),
	    SQL_T(ids_json(a, gone)), SQL_T(x != NULL ? x : "[]"),
	    SQL_I(time(NULL)));
	free(x);
	if (n != 1)
		return -1;
	warning = db_last_id(db);
	return report_notify(db, r->target, "moderation_warning",
	    rr->actor.id, r->id, warning);
}

/*
 * Command: resolve a report (struct report_resolve) one way, record it in
 * the audit log, and tell the author and the reporter. E_CONFLICT if it
 * was resolved already; E_NOTFOUND if there is no such report.
 */
int
report_resolve(struct db *db, void *arg, char **cause)
{
	struct report_resolve	*rr = arg;
	struct arena		*a = arena_new();
	struct report		*r;
	struct idlist		 gone = { NULL, 0, 0 };
	struct user		*u;
	json_t			*details, *excerpts = json_array();
	const char		*name = report_action_name(rr->action);
	const char		*x;
	size_t			 i;
	int			 rc = E_INTERNAL, k;
	char			*c = NULL;

	if (name == NULL) {
		rc = E_INVALID;
		goto done;
	}
	if ((r = report_get(db, a, rr->id)) == NULL) {
		rc = E_NOTFOUND;
		goto done;
	}
	if (r->action_taken != NULL) {
		*cause = xstrdup("This report was resolved already");
		rc = E_CONFLICT;
		goto done;
	}
	u = user_get(db, a, r->target);
	if (db_begin(db) != 0)
		goto done;
	switch (rr->action) {
	case REPORT_HIDE:
		/* Taken down as by their author (who may always delete
		 * them), whoever else may read them; their words stay in
		 * the warning, so the author sees what went. */
		for (i = 0; i < r->statuses.n; i++) {
			x = notify_post_excerpt(db, a, r->statuses.ids[i],
			    REPORT_EXCERPT_MAX);
			if (x != NULL)
				json_array_append_new(excerpts, json_string(x));
			k = post_delete(db, r->target, r->statuses.ids[i], &c);
			free(c);
			c = NULL;
			if (k == E_OK)
				idlist_add(a, &gone, r->statuses.ids[i]);
			else if (k != E_NOTFOUND)
				goto fail;
		}
		break;
	case REPORT_DISABLE:
		if ((k = user_deactivate(db, r->target, "moderation")) !=
		    E_OK && k != E_NOTFOUND)
			goto fail;
		break;
	default:
		break;
	}
	for (i = 0; i < nitems(report_actions); i++) {
		if (report_actions[i].action == rr->action &&
		    report_actions[i].warning != NULL &&
		    report_warn(db, a, rr, r, report_actions[i].warning,
		    &gone, excerpts) != 0)
			goto fail;
	}
	details = json_pack("{s:I, s:s, s:s, s:s}", "report", (json_int_t)r->id,
	    "text", rr->text ? rr->text : "", "posts", ids_json(a, &gone),
	    "category", r->category);
	k = audit_record(db, &rr->actor, arena_printf(a, "report.%s", name),
	    "user", r->target, u != NULL ? u->username : "", details);
	json_decref(details);
	if (k != 0 ||
	    DB_RUN(db, "UPDATE reports SET action_taken = ?, action_by = ?, "
	    "action_at = ? WHERE id = ? AND action_taken IS NULL", SQL_T(name),
	    SQL_ID(rr->actor.id), SQL_I(time(NULL)), SQL_I(r->id)) != 1 ||
	    report_notify(db, r->reporter, "hearth.report_resolved",
	    rr->actor.id, r->id, 0) != 0)
		goto fail;
	rc = db_commit(db) == 0 ? E_OK : E_INTERNAL;
	goto done;
fail:
	db_rollback(db);
done:
	json_decref(excerpts);
	arena_free(a);
	return rc;
}

/*
 * A notification naming a report and (or 0) a warning: notify_add's, then
 * the two ids on its row. The sender is the moderator; a notification to
 * the moderator themself is not made.
 */
int
report_notify(struct db *db, int64_t user, const char *type, int64_t from,
    int64_t report, int64_t warning)
{
	if (user == from)
		return 0;
	if (notify_add(db, user, type, from, 0, 0) != 0)
		return -1;
	return DB_RUN(db, "UPDATE notifications SET report_id = ?, warning_id "
	    "= ? WHERE id = (SELECT max(id) FROM notifications WHERE user_id = "
	    "? AND type = ?)", SQL_ID(report), SQL_ID(warning), SQL_I(user),
	    SQL_T(type)) < 0 ? -1 : 0;
}

/* The warning a notification names (action, text, posts), or NULL. */
struct account_warning *
account_warning_of(struct db *db, struct arena *a, int64_t notification,
    int64_t viewer)
{
	sqlite3_stmt		*st;
	struct account_warning	*w = NULL;

	if ((st = db_prepare(db, "SELECT w.id, w.action, w.text, "
	    "w.status_ids, w.created_at, coalesce(n.report_id, 0), "
	    "coalesce(r.action_taken, ''), coalesce(w.excerpts, '[]') FROM "
	    "notifications n LEFT JOIN "
	    "account_warnings w ON w.id = n.warning_id LEFT JOIN reports r "
	    "ON r.id = n.report_id WHERE n.id = ? AND n.user_id = ? AND "
	    "(n.warning_id IS NOT NULL OR n.report_id IS NOT NULL)")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, notification);
	sqlite3_bind_int64(st, 2, viewer);
	if (sqlite3_step(st) == SQLITE_ROW) {
		w = arena_alloc(a, sizeof *w);
		memset(w, 0, sizeof *w);
		w->id = sqlite3_column_int64(st, 0);
		w->action = arena_strdup(a, sqlite3_column_text(st, 1) ?
		    (const char *)sqlite3_column_text(st, 1) : "");
		w->text = arena_strdup(a, sqlite3_column_text(st, 2) ?
		    (const char *)sqlite3_column_text(st, 2) : "");
		ids_parse(a, (const char *)sqlite3_column_text(st, 3),
		    &w->statuses);
		w->created_at = sqlite3_column_int64(st, 4);
		w->report = sqlite3_column_int64(st, 5);
		w->outcome = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 6));
		w->excerpts = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 7));
	}
	sqlite3_reset(st);
	return w;
}
