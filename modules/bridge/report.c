/*
 * report.c: an outside post someone inside finds wrong goes to the desk.
 * "Report" under every outside post asks for a reason; the desk sees the
 * open reports (/bridge/desk/reports, GET /api/v1/admin/bridge/reports)
 * and resolves each: remove the post, remove it and block its account or
 * its whole server, or dismiss the report. Every report and resolution
 * is kept: who, when, what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

#define REASON_MAX	1000	/* characters */

static const char *const actions[] = {
	"remove", "block_actor", "block_domain", "dismiss"
};

/* The people on the desk: admins, and those added. */
struct br_desk_list {
	int64_t		*ids;
	size_t		 n, cap;
};

static void
br_desk_push(struct br_desk_list *l, int64_t id)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (l->ids[i] == id)
			return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		if ((l->ids = realloc(l->ids, l->cap * sizeof *l->ids)) ==
		    NULL)
			abort();
	}
	l->ids[l->n++] = id;
}

static void
br_desk_admin(const struct hm_user *u, void *arg)
{
	if (u->admin && !u->disabled)
		br_desk_push(arg, u->id);
}

/* Tell the desk (on the writer): type, from someone, about a post. */
void
br_desk_notify(struct hm_db *db, const char *type, int64_t from,
    int64_t post)
{
	struct br_desk_list	 l = { NULL, 0, 0 };
	struct hm_stmt		*st;
	size_t			 i;

	A->user_each(db, br_desk_admin, &l);
	if ((st = A->db_prepare(db, "SELECT user_id FROM bridge_desk")) !=
	    NULL) {
		while (A->db_step(st) == 1)
			br_desk_push(&l, A->db_column_int(st, 0));
		A->db_finalize(st);
	}
	for (i = 0; i < l.n; i++) {
		if (l.ids[i] != from)
			A->notify_post(db, l.ids[i], type, from, post);
	}
	free(l.ids);
}

/* On the writer: a report of post by user. */
int
br_report_add(struct hm_db *db, int64_t post, int64_t user,
    const char *reason, char **cause)
{
	struct hm_post_info	 p;
	struct hm_stmt		*st;
	char			*uri, *actor, *acct;
	int			 rc = -1;

	if ((uri = A->outside_of(db, post, &actor, &acct)) == NULL) {
		*cause = strdup("Only posts from outside the company can be "
		    "reported to the desk.");
		return HM_NOTFOUND;
	}
	if (reason == NULL || br_chars(reason) > REASON_MAX) {
		*cause = strdup("The reason must be at most 1000 characters.");
		rc = HM_INVALID;
		goto out;
	}
	if (A->post_info(db, post, &p) != 0) {
		*cause = strdup("Record not found");
		rc = HM_NOTFOUND;
		goto out;
	}
	st = A->db_prepare(db, "INSERT INTO bridge_reports (post_id, "
	    "post_uri, actor, acct, excerpt, reporter, reason, state, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)");
	if (st != NULL) {
		A->db_bind_int(st, 1, post);
		A->db_bind_text(st, 2, uri);
		A->db_bind_text(st, 3, actor);
		A->db_bind_text(st, 4, acct);
		A->db_bind_text(st, 5, p.source);
		A->db_bind_int(st, 6, user);
		A->db_bind_text(st, 7, reason);
		A->db_bind_int(st, 8, br_now());
		rc = A->db_step(st) == 0 ? HM_OK : -1;
		A->db_finalize(st);
	}
	A->post_info_free(&p);
	if (rc == HM_OK)
		br_desk_notify(db, "bridge.report", user, post);
out:
	A->free(uri);
	A->free(actor);
	A->free(acct);
	return rc;
}

/* Whether an action names one of actions[]. */
static int
br_report_action_ok(const char *a)
{
	size_t	i;

	for (i = 0; a != NULL && i < sizeof actions / sizeof actions[0]; i++) {
		if (strcmp(a, actions[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * On the writer: the desk (by) resolves report id with action. The post
 * goes for every action but dismiss; block_actor and block_domain also
 * block its author or its server (policy.c). HM_OK, or an HM_ code.
 */
int
br_report_resolve(struct hm_db *db, int64_t id, int64_t by,
    const char *action, char **cause)
{
	struct hm_stmt	*st;
	char		*uri = NULL, *actor = NULL, *state = NULL, *host;
	int64_t		 author = 0;
	int		 rc = HM_OK;

	if (!br_report_action_ok(action)) {
		*cause = strdup("action must be remove, block_actor, "
		    "block_domain or dismiss");
		return HM_INVALID;
	}
	if ((st = A->db_prepare(db, "SELECT post_uri, actor, state FROM "
	    "bridge_reports WHERE id = ?")) == NULL)
		return -1;
	A->db_bind_int(st, 1, id);
	if (A->db_step(st) == 1) {
		uri = strdup(A->db_column_text(st, 0));
		actor = strdup(A->db_column_text(st, 1));
		state = strdup(A->db_column_text(st, 2));
	}
	A->db_finalize(st);
	if (uri == NULL) {
		*cause = strdup("Record not found");
		return HM_NOTFOUND;
	}
	if (strcmp(state, "open") != 0) {
		*cause = strdup("This report was resolved already.");
		rc = HM_CONFLICT;
		goto out;
	}
	if (strcmp(action, "dismiss") != 0 &&
	    A->outside_post_find(db, uri, &author) != 0 &&
	    A->outside_post_delete(db, author, uri) < 0) {
		rc = -1;
		goto out;
	}
	if (strcmp(action, "block_actor") == 0)
		rc = br_actor_block(db, actor, 1, by, cause);
	else if (strcmp(action, "block_domain") == 0) {
		if ((host = br_host_of(actor)) == NULL)
			rc = -1;
		else
			rc = br_domain_set(db, host, "block", "reported to the "
			    "desk", by, cause);
		free(host);
	}
	if (rc != HM_OK)
		goto out;
	if ((st = A->db_prepare(db, "UPDATE bridge_reports SET state = ?, "
	    "decided_by = ?, decided_at = ? WHERE id = ?")) == NULL) {
		rc = -1;
		goto out;
	}
	A->db_bind_text(st, 1, strcmp(action, "dismiss") == 0 ? "dismissed" :
	    action);
	A->db_bind_int(st, 2, by);
	A->db_bind_int(st, 3, br_now());
	A->db_bind_int(st, 4, id);
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
out:
	free(uri);
	free(actor);
	free(state);
	return rc;
}

/* The open reports (or, with all, every one), newest first, as JSON. */
json_t *
br_reports_json(struct hm_db *db, struct hm_req *r, int all, int limit)
{
	struct hm_stmt		*st;
	struct hm_user_info	 u;
	json_t			*list = json_array(), *item;
	const char		*reporter;

	st = A->db_prepare(db, "SELECT id, COALESCE(post_id, 0), acct, "
	    "actor, excerpt, COALESCE(reporter, 0), reason, state, "
	    "created_at, COALESCE(decided_at, 0) FROM bridge_reports WHERE "
	    "?1 OR state = 'open' ORDER BY id DESC LIMIT ?2");
	if (st == NULL)
		return list;
	A->db_bind_int(st, 1, all);
	A->db_bind_int(st, 2, limit);
	while (A->db_step(st) == 1) {
		reporter = NULL;
		if (A->user_find(db, A->db_column_int(st, 5), NULL, &u) == 0)
			reporter = A->req_strdup(r, u.username);
		item = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s?, s:s, s:s, "
		    "s:s, s:b}",
		    "id", A->req_printf(r, "%lld", (long long)
		    A->db_column_int(st, 0)),
		    "status_id", A->db_column_int(st, 1) ? A->req_printf(r,
		    "%lld", (long long)A->db_column_int(st, 1)) : NULL,
		    "acct", A->db_column_text(st, 2),
		    "actor", A->db_column_text(st, 3),
		    "excerpt", A->db_column_text(st, 4),
		    "reporter", reporter,
		    "reason", A->db_column_text(st, 6),
		    "state", A->db_column_text(st, 7),
		    "created_at", br_iso(r, A->db_column_int(st, 8)),
		    "open", strcmp(A->db_column_text(st, 7), "open") == 0);
		if (reporter != NULL)
			A->user_info_free(&u);
		if (item != NULL)
			json_array_append_new(list, item);
	}
	A->db_finalize(st);
	return list;
}

/* How many reports are open. */
int64_t
br_reports_open(struct hm_db *db)
{
	struct hm_stmt	*st;
	int64_t		 n = 0;

	if ((st = A->db_prepare(db, "SELECT COUNT(*) FROM bridge_reports "
	    "WHERE state = 'open'")) == NULL)
		return 0;
	if (A->db_step(st) == 1)
		n = A->db_column_int(st, 0);
	A->db_finalize(st);
	return n;
}

/* ---------------------------------------------------------------- web */

struct br_report_form {
	int64_t		 id;		/* post (report) or report (resolve) */
	const char	*text;		/* reason or action */
};

/*
 * The view of a page about one outside post (report, forward): its id,
 * its author's acct, its text and its path inside. NULL, after a 404, if
 * post is no outside post.
 */
json_t *
br_outside_view(struct hm_req *r, int64_t post, const char *title)
{
	struct hm_post_info	 p;
	char			*uri, *actor, *acct;
	json_t			*v = NULL;

	if ((uri = A->outside_of(A->req_db(r), post, &actor, &acct)) == NULL) {
		A->reply_error(r, 404, "There is no post from outside here.");
		return NULL;
	}
	if (A->post_info(A->req_db(r), post, &p) == 0) {
		v = A->view(r, title);
		json_object_set_new(v, "post_id", json_string(A->req_printf(r,
		    "%lld", (long long)post)));
		json_object_set_new(v, "acct", json_string(acct));
		json_object_set_new(v, "excerpt", json_string(p.source));
		json_object_set_new(v, "post_path", json_string(A->req_printf(
		    r, "/@%s/%lld", acct, (long long)post)));
		A->post_info_free(&p);
	} else
		A->reply_error(r, 404, "There is no post from outside here.");
	A->free(uri);
	A->free(actor);
	A->free(acct);
	return v;
}

/* GET /bridge/report/:id: the form. */
static int
br_web_report_page(struct hm_req *r, int64_t post, int status,
    const char *error)
{
	json_t	*v;

	if ((v = br_outside_view(r, post, "Report a post from outside")) ==
	    NULL)
		return HM_DONE;
	if (error != NULL) {
		json_object_set_new(v, "error", json_string(error));
		json_object_set_new(v, "reason", json_string(A->req_param(r,
		    "reason") ? A->req_param(r, "reason") : ""));
	}
	A->reply_html(r, status, "bridge/report", v);
	return HM_DONE;
}

static int
br_report_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct br_report_form	*f = arg;

	return br_report_add(db, f->id, A->req_user(r), f->text, cause);
}

static void
br_report_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_report_form	*f = arg;
	json_t			*v;

	if (rc == HM_INVALID) {
		br_web_report_page(r, f->id, 422, cause);
		return;
	}
	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The report could not be saved.");
		return;
	}
	v = A->view(r, "Reported");
	json_object_set_new(v, "done", json_true());
	A->reply_html(r, 200, "bridge/report", v);
}

/* GET and POST /bridge/report/:id */
int
br_web_report(struct hm_req *r)
{
	struct br_report_form	*f;

	if (A->req_method(r) != HM_POST)
		return br_web_report_page(r, br_route_id(r), 200, NULL);
	f = A->req_alloc(r, sizeof *f);
	f->id = br_route_id(r);
	f->text = A->req_param(r, "reason") != NULL ? A->req_param(r,
	    "reason") : "";
	return A->write(r, br_report_write, br_report_reply, f);
}

/* GET /bridge/desk/reports */
int
br_web_reports(struct hm_req *r)
{
	json_t	*v;

	if (!br_web_desk_only(r))
		return HM_DONE;
	v = A->view(r, "Reports from inside");
	json_object_set_new(v, "reports", br_reports_json(A->req_db(r), r,
	    A->req_param(r, "all") != NULL, 100));
	json_object_set_new(v, "all", json_boolean(A->req_param(r, "all") !=
	    NULL));
	A->reply_html(r, 200, "bridge/reports", v);
	return HM_DONE;
}

static int
br_resolve_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct br_report_form	*f = arg;

	return br_report_resolve(db, f->id, A->req_user(r), f->text, cause);
}

static void
br_resolve_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	(void)arg;
	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The report could not be resolved.");
		return;
	}
	if (A->req_is_api(r)) {
		A->reply_body(r, 200, "application/json", "{}", 2);
		return;
	}
	A->redirect(r, "/bridge/desk/reports");
}

/* POST /bridge/desk/reports/:id (action) and POST
 * /api/v1/admin/bridge/reports/:id/resolve (action) */
int
br_web_resolve(struct hm_req *r)
{
	struct br_report_form	*f;

	if (!(A->req_is_api(r) ? br_api_desk_only(r) : br_web_desk_only(r)))
		return HM_DONE;
	f = A->req_alloc(r, sizeof *f);
	f->id = br_route_id(r);
	f->text = A->req_param(r, "action");
	return A->write(r, br_resolve_write, br_resolve_reply, f);
}

/* GET /api/v1/admin/bridge/reports (?all=1: resolved ones too) */
int
br_api_reports(struct hm_req *r)
{
	if (!br_api_desk_only(r))
		return HM_DONE;
	A->reply_json(r, 200, br_reports_json(A->req_db(r), r,
	    A->req_param(r, "all") != NULL, 200));
	return HM_DONE;
}
