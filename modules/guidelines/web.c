/*
 * web.c: the guidelines module's pages. Everyone reads the current version
 * (with what changed since the previous one) and acknowledges it; admins
 * write a new version with a server-side preview, publish it, and see per
 * version who has and has not acknowledged, with CSV exports.
 */
#include <stdlib.h>
#include <string.h>

#include "guidelines.h"

#define A	gl_api

/* Render one version's page. */
static int
version_page(struct hm_req *r, int64_t version)
{
	struct gl_version	 v, prev;
	struct gl_state		 s;
	struct hm_user		 by;
	json_t			*view, *diff;
	int64_t			 mine;

	if (gl_version_get(r, version, &v) != 0) {
		if (version == 0) {
			view = A->view(r, "Guidelines");
			A->reply_html(r, 200, "guidelines/current", view);
			return HM_DONE;
		}
		A->reply_error(r, 404, "There is no such version of the "
		    "guidelines.");
		return HM_DONE;
	}
	gl_state(r, &s);
	mine = gl_acked_at(A->req_db(r), A->req_user(r), v.version);
	view = A->view(r, A->format(r, A->tr(r, "Guidelines, version "
	    "{version}"), "version", A->req_printf(r, "%lld",
	    (long long)v.version), NULL));
	json_object_set_new(view, "guidelines", json_pack("{s:I, s:s, s:s, "
	    "s:s, s:b, s:b}", "version", (json_int_t)v.version,
	    "published", gl_time(r, v.published_at),
	    "published_iso", gl_iso(r, v.published_at),
	    "html", A->markdown(r, v.text),
	    "requires_ack", v.requires_ack,
	    "has_summary", v.summary[0] != '\0'));
	json_object_set_new(json_object_get(view, "guidelines"), "summary",
	    json_string(v.summary));
	if (A->user_get(r, v.published_by, &by) == 0)
		json_object_set_new(json_object_get(view, "guidelines"), "by",
		    json_string(by.display_name && *by.display_name ?
		    by.display_name : by.username));
	if (mine != 0)
		json_object_set_new(view, "acknowledged", json_string(
		    gl_time(r, mine)));
	/* The button: on the current version, for whoever still owes. */
	else if (s.required != 0 && s.acked_at == 0) {
		struct gl_version cur;

		if (gl_version_get(r, 0, &cur) == 0 &&
		    cur.version == v.version)
			json_object_set_new(view, "can_ack", json_true());
		else
			json_object_set_new(view, "current_link", json_true());
	}
	if (s.grace_until != 0)
		json_object_set_new(view, "grace", json_string(
		    gl_time(r, s.grace_until)));
	/* Where the person was going, for after acknowledging; and
	 * whether a post of theirs waits as a draft meanwhile. */
	if (gl_next(r) != NULL)
		json_object_set_new(view, "next", json_string(gl_next(r)));
	if (A->req_param(r, "kept") != NULL)
		json_object_set_new(view, "kept", json_true());
	json_object_set_new(json_object_get(view, "guidelines"), "first",
	    json_boolean(v.version == 1));
	if (v.version > 1 && gl_version_get(r, v.version - 1, &prev) == 0) {
		diff = gl_diff(prev.text, v.text);
		json_object_set_new(view, "previous", json_pack("{s:I}",
		    "version", (json_int_t)prev.version));
		if (diff != NULL)
			json_object_set_new(view, "diff", diff);
		else
			json_object_set_new(view, "diff_too_long", json_true());
	}
	A->reply_html(r, 200, "guidelines/current", view);
	return HM_DONE;
}

/* GET /guidelines */
int
gl_web_current(struct hm_req *r)
{
	return version_page(r, 0);
}

/* GET /guidelines/:version */
int
gl_web_version(struct hm_req *r)
{
	int64_t	v = gl_route_version(r);

	if (v == 0) {
		A->reply_error(r, 404, "There is no such version of the "
		    "guidelines.");
		return HM_DONE;
	}
	return version_page(r, v);
}

static void
ack_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	if (rc != HM_OK) {
		A->reply_error(r, rc, cause ? cause : "Not saved");
		return;
	}
	/* Back to where the person was going, else to the guidelines. */
	A->redirect(r, gl_next(r) != NULL ? gl_next(r) : "/guidelines");
}

/* POST /guidelines/:version/acknowledge: csrf. */
int
gl_web_ack(struct hm_req *r)
{
	return gl_ack_start(r, "web", ack_reply, "There is no such version of "
	    "the guidelines.");
}

/* The admin page: the form (with what was typed, an error, a preview)
 * and the versions with their counts. */
static int
admin_page(struct hm_req *r, int status, const char *text,
    const char *summary, int requires_ack, const char *field,
    const char *error, int preview)
{
	struct gl_version	*vs = NULL;
	struct gl_list		 l;
	json_t			*view, *list = json_array(), *form;
	size_t			 n = 0, i;

	view = A->view(r, "Guidelines admin");
	gl_versions(r, &vs, &n);
	for (i = 0; i < n; i++) {
		json_t *row = json_pack("{s:I, s:s, s:s, s:b}",
		    "version", (json_int_t)vs[i].version,
		    "published", gl_time(r, vs[i].published_at),
		    "summary", vs[i].summary,
		    "requires_ack", vs[i].requires_ack);

		if (gl_people(r, A->req_db(r), vs[i].version, &l) == 0) {
			json_object_set_new(row, "acked", json_integer(
			    (json_int_t)l.acked));
			json_object_set_new(row, "pending", json_integer(
			    (json_int_t)(l.n - l.acked)));
		}
		free(l.v);
		json_array_append_new(list, row);
	}
	free(vs);
	json_object_set_new(view, "has_versions", json_boolean(n > 0));
	json_object_set_new(view, "versions", list);
	/* A new version starts from the current text. */
	if (text == NULL && n > 0) {
		struct gl_version cur;

		if (gl_version_get(r, 0, &cur) == 0)
			text = cur.text;
	}
	form = json_pack("{s:s, s:s, s:b}", "text", text ? text : "",
	    "summary", summary ? summary : "", "requires_ack", requires_ack);
	if (error != NULL) {
		json_object_set_new(form, "error", json_string(error));
		json_object_set_new(form, strcmp(field, "summary") == 0 ?
		    "summary_error" : "text_error", json_true());
	}
	if (preview && text != NULL)
		json_object_set_new(form, "preview", json_string(
		    A->markdown(r, text)));
	json_object_set_new(view, "form", form);
	A->reply_html(r, status, "guidelines/admin", view);
	return HM_DONE;
}

/* GET /admin/guidelines */
int
gl_web_admin(struct hm_req *r)
{
	return admin_page(r, 200, NULL, NULL, 1, NULL, NULL, 0);
}

static void
publish_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct gl_publish_job	*j = arg;

	if (rc != HM_OK) {
		admin_page(r, rc == 503 ? 503 : 422, j->text, j->summary,
		    j->requires_ack, "text", cause ? cause : "Not saved.", 0);
		return;
	}
	gl_log_published(r, j);
	A->redirect(r, A->req_printf(r, "/admin/guidelines/%lld",
	    (long long)j->version));
}

/* POST /admin/guidelines: action=preview re-shows the form with the
 * rendered text; action=publish publishes. csrf. */
int
gl_web_admin_post(struct hm_req *r)
{
	struct gl_publish_job	*j = A->req_alloc(r, sizeof *j);
	const char		*action = A->req_param(r, "action");
	const char		*field, *why;

	j->text = A->req_param(r, "text");
	j->summary = A->req_param(r, "summary");
	j->requires_ack = gl_truthy(A->req_param(r, "requires_ack"));
	if (j->summary == NULL)
		j->summary = "";
	if (gl_check(r, j->text, j->summary, &field, &why) != 0)
		return admin_page(r, 422, j->text, j->summary,
		    j->requires_ack, field, why, 0);
	if (action != NULL && strcmp(action, "preview") == 0)
		return admin_page(r, 200, j->text, j->summary,
		    j->requires_ack, NULL, NULL, 1);
	/* A first version has nothing to say changed. */
	if (j->summary[0] == '\0' && gl_published(A->req_db(r)))
		return admin_page(r, 422, j->text, j->summary,
		    j->requires_ack, "summary", "Say in a sentence what "
		    "changed: people see it above the new version.", 0);
	j->via = "web";
	return A->write(r, gl_publish_write, publish_reply, j);
}

/* A people list for a template. */
static json_t *
people_view(struct hm_req *r, const struct gl_list *l, int acked)
{
	json_t	*out = json_array();
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if ((l->v[i].acked_at != 0) != acked)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}",
		    "username", l->v[i].username,
		    "display_name", l->v[i].display_name[0] ?
		    l->v[i].display_name : l->v[i].username,
		    "when", acked ? gl_time(r, l->v[i].acked_at) : "",
		    "via", l->v[i].via ? l->v[i].via : ""));
	}
	return out;
}

/* GET /admin/guidelines/:version: who has and has not acknowledged. */
int
gl_web_admin_version(struct hm_req *r)
{
	struct gl_version	 v;
	struct gl_list		 l;
	json_t			*view;
	int64_t			 n = gl_route_version(r);

	if (n == 0 || gl_version_get(r, n, &v) != 0) {
		A->reply_error(r, 404, "There is no such version of the "
		    "guidelines.");
		return HM_DONE;
	}
	if (gl_people(r, A->req_db(r), v.version, &l) != 0) {
		free(l.v);
		A->reply_error(r, 500, "Internal error");
		return HM_DONE;
	}
	view = A->view(r, A->format(r, A->tr(r, "Acknowledgements of "
	    "version {version}"), "version", A->req_printf(r, "%lld",
	    (long long)v.version), NULL));
	json_object_set_new(view, "v", json_pack("{s:I, s:s, s:s, s:b, s:I, "
	    "s:I, s:o, s:o}", "version", (json_int_t)v.version,
	    "published", gl_time(r, v.published_at), "summary", v.summary,
	    "requires_ack", v.requires_ack,
	    "acked_count", (json_int_t)l.acked,
	    "pending_count", (json_int_t)(l.n - l.acked),
	    "acked", people_view(r, &l, 1),
	    "pending", people_view(r, &l, 0)));
	json_object_set_new(json_object_get(view, "v"), "has_acked",
	    json_boolean(l.acked > 0));
	json_object_set_new(json_object_get(view, "v"), "has_pending",
	    json_boolean(l.n > l.acked));
	free(l.v);
	A->reply_html(r, 200, "guidelines/acks", view);
	return HM_DONE;
}

/* GET /admin/guidelines/:version/acknowledged.csv and pending.csv */
int
gl_web_admin_csv(struct hm_req *r)
{
	const char		*list = A->req_route_param(r, 1);
	const char		*which;
	struct gl_version	 v;
	struct gl_list		 l;
	int64_t			 n = gl_route_version(r);
	size_t			 len;
	char			*csv;

	if (strcmp(list, "acknowledged.csv") == 0)
		which = "acknowledged";
	else if (strcmp(list, "pending.csv") == 0)
		which = "pending";
	else
		which = NULL;
	if (which == NULL || n == 0 || gl_version_get(r, n, &v) != 0) {
		A->reply_error(r, 404, "There is no such export.");
		return HM_DONE;
	}
	if (gl_people(r, A->req_db(r), v.version, &l) != 0) {
		free(l.v);
		A->reply_error(r, 500, "Internal error");
		return HM_DONE;
	}
	csv = gl_csv(r, &l, which, &len);
	free(l.v);
	A->set_header(r, "Content-Disposition", A->req_printf(r,
	    "attachment; filename=\"guidelines-%lld-%s.csv\"",
	    (long long)v.version, which));
	A->reply_body(r, 200, "text/csv; charset=utf-8", csv, len);
	return HM_DONE;
}
