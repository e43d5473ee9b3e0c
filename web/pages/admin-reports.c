/*
 * admin-reports.c: the admin console's Moderation tab, /admin/reports: the
 * open reports, oldest first, each with who reported whom, why, and the
 * reported posts as they are (the admin reads them here even where the
 * post's audience would not include them: the reporter shared them), and
 * the four ways to resolve one (report.c): hide the posts, warn, disable
 * the account, dismiss. The latest resolved ones follow, with who did what.
 */
#include <string.h>

#include "pages.h"

#define REPORTS_SHOWN		100
#define RESOLVED_SHOWN		20
#define REPORT_POST_EXCERPT	500	/* bytes of a reported post */

/* A person as the page names them. */
static json_t *
report_person(struct req *r, int64_t id)
{
	struct user	*u = user_get(req_db(r), r->arena, id);

	if (u == NULL)
		return json_pack("{s:s, s:s}", "name", "?", "path", "");
	return json_pack("{s:s, s:s, s:s, s:b}", "name", u->display_name &&
	    *u->display_name ? u->display_name : u->username, "acct",
	    u->username, "path", arena_printf(r->arena, "/@%s", u->username),
	    "disabled", u->disabled != 0);
}

/* One report for the page. */
static json_t *
report_view(struct req *r, const struct report *rep)
{
	json_t		*v, *posts = json_array();
	const char	*text;
	size_t		 i;

	for (i = 0; i < rep->statuses.n; i++) {
		text = notify_post_excerpt(req_db(r), r->arena,
		    rep->statuses.ids[i], REPORT_POST_EXCERPT);
		json_array_append_new(posts, json_pack("{s:I, s:s, s:b}", "id",
		    (json_int_t)rep->statuses.ids[i], "text", text != NULL ?
		    text : req_tr(r, "(deleted)"), "gone", text == NULL));
	}
	v = json_pack("{s:I, s:o, s:o, s:s, s:s, s:o, s:b}", "id",
	    (json_int_t)rep->id, "reporter", report_person(r, rep->reporter),
	    "target", report_person(r, rep->target), "category",
	    rep->category, "comment", rep->comment, "posts", posts,
	    "has_posts", rep->statuses.n > 0);
	web_time(r, v, "created", rep->created_at);
	if (rep->action_taken != NULL) {
		json_object_set_new(v, "outcome", json_string(rep->action_taken));
		json_object_set_new(v, "by", report_person(r, rep->action_by));
		web_time(r, v, "resolved", rep->action_at);
	}
	return v;
}

/* What a resolution did, in words, for the notice. */
static const struct {
	const char	*name;
	const char	*text;
} report_notices[] = {
	{ "hide",	N_("The reported posts were taken down and their author warned.") },
	{ "warn",	N_("The author was warned.") },
	{ "disable",	N_("The account was disabled.") },
	{ "dismiss",	N_("The report was dismissed.") },
};

/* GET /admin/reports */
enum handled
web_admin_reports(struct req *r)
{
	struct report	*open, *done;
	size_t		 nopen, ndone, i;
	const char	*notice = req_param(r, "done");
	json_t		*v, *list = json_array(), *old = json_array();

	if (report_list(req_db(r), r->arena, 0, REPORTS_SHOWN, &open,
	    &nopen) != 0 || report_list(req_db(r), r->arena, 1,
	    RESOLVED_SHOWN, &done, &ndone) != 0) {
		json_decref(list);
		json_decref(old);
		req_error(r, 500, "The reports could not be read.");
		return HANDLED;
	}
	for (i = 0; i < nopen; i++)
		json_array_append_new(list, report_view(r, &open[i]));
	for (i = 0; i < ndone; i++)
		json_array_append_new(old, report_view(r, &done[i]));
	v = req_view(r, "Moderation · Admin");
	web_nav(v, "admin");
	for (i = 0; notice != NULL && i < nitems(report_notices); i++) {
		if (strcmp(notice, report_notices[i].name) == 0)
			json_object_set_new(v, "notice", json_string(req_tr(r,
			    report_notices[i].text)));
	}
	json_object_set_new(v, "reports", list);
	json_object_set_new(v, "has_reports", json_boolean(nopen > 0));
	json_object_set_new(v, "resolved", old);
	json_object_set_new(v, "has_resolved", json_boolean(ndone > 0));
	req_html(r, 200, "admin-reports", v);
	return HANDLED;
}

/* Resolved: back to the list, saying what was done. */
static void
report_done(struct req *r, void *arg, int rc, const char *cause)
{
	struct report_resolve	*rr = arg;

	if (rc != E_OK) {
		req_domain_error(r, rc, cause);
		return;
	}
	req_redirect(r, arena_printf(r->arena, "/admin/reports?done=%s",
	    report_action_name(rr->action)));
}

/* POST /admin/reports/:id/:action (hide, warn, disable, dismiss): text,
 * the moderator's words to the author. */
enum handled
web_admin_report_resolve(struct req *r)
{
	struct report_resolve	*rr = arena_alloc(r->arena, sizeof *rr);
	const char		*text = kv_get(&r->form, "text");

	memset(rr, 0, sizeof *rr);
	if ((rr->id = id_parse(r->params[0])) <= 0 ||
	    report_action_parse(r->params[1], &rr->action) != 0) {
		req_error(r, 404, "There is no such report or action.");
		return HANDLED;
	}
	web_audit_actor(r, &rr->actor);
	rr->text = text != NULL ? arena_trim(r->arena, text) : "";
	return req_command_then(r, report_resolve, report_done, rr);
}
