/*
 * api.c: the guidelines module's HTTP API (see API.md): the current
 * version, acknowledging it, publishing (admins) and the acknowledgement
 * lists as JSON or CSV, and the current guidelines as a Mastodon
 * announcement.
 */
#include <stdlib.h>
#include <string.h>

#include "guidelines.h"

#define A	gl_api

/* A version as the API shows it, with the caller's acknowledgement. */
json_t *
gl_entity(struct hm_req *r, const struct gl_version *v)
{
	struct gl_state	 s;
	int64_t		 mine;
	json_t		*j;

	gl_state(r, &s);
	mine = gl_acked_at(A->req_db(r), A->req_user(r), v->version);
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b}",
	    "version", (json_int_t)v->version,
	    "published_at", gl_iso(r, v->published_at),
	    "content", A->markdown(r, v->text),
	    "text", v->text,
	    "summary", v->summary,
	    "requires_acknowledgement", v->requires_ack,
	    "acknowledgement_pending", s.required != 0 && s.acked_at == 0);
	json_object_set_new(j, "acknowledged_at", mine ?
	    json_string(gl_iso(r, mine)) : json_null());
	return j;
}

/* GET /api/v1/guidelines */
int
gl_api_get(struct hm_req *r)
{
	struct gl_version	v;

	if (gl_version_get(r, 0, &v) != 0) {
		A->reply_error(r, 404, "No guidelines have been published");
		return HM_DONE;
	}
	A->reply_json(r, 200, gl_entity(r, &v));
	return HM_DONE;
}

/* Answer with the version and the new acknowledgement. */
static void
ack_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct gl_ack_job	*j = arg;
	struct gl_version	 v;

	if (rc != HM_OK) {
		A->reply_error(r, rc, cause ? cause : "Not saved");
		return;
	}
	if (gl_version_get(r, j->version, &v) != 0) {
		A->reply_error(r, 404, "Record not found");
		return;
	}
	A->reply_json(r, 200, gl_entity(r, &v));
}

/* POST /api/v1/guidelines/:version/acknowledge */
int
gl_api_ack(struct hm_req *r)
{
	return gl_ack_start(r, "api", ack_reply, "Record not found");
}

static void
publish_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct gl_publish_job	*j = arg;
	struct gl_version	 v;

	if (rc != HM_OK) {
		A->reply_error(r, rc, cause ? cause : "Not saved");
		return;
	}
	gl_log_published(r, j);
	if (gl_version_get(r, j->version, &v) != 0) {
		A->reply_error(r, 500, "Internal error");
		return;
	}
	A->reply_json(r, 200, gl_entity(r, &v));
}

/* POST /api/v1/admin/guidelines: text, summary, requires_acknowledgement */
int
gl_api_publish(struct hm_req *r)
{
	struct gl_publish_job	*j = A->req_alloc(r, sizeof *j);
	const char		*field, *why, *ack;

	j->text = A->req_param(r, "text");
	j->summary = A->req_param(r, "summary");
	if (j->summary == NULL)
		j->summary = "";
	ack = A->req_param(r, "requires_acknowledgement");
	j->requires_ack = ack == NULL || gl_truthy(ack);
	if (gl_check(r, j->text, j->summary, &field, &why) != 0) {
		A->reply_json(r, 422, json_pack("{s:s, s:{s:s}}", "error", why,
		    "details", field, why));
		return HM_DONE;
	}
	j->via = "api";
	return A->write(r, gl_publish_write, publish_reply, j);
}

/* A list of people as JSON. */
static json_t *
people_json(struct hm_req *r, const struct gl_list *l, int acked)
{
	json_t	*out = json_array(), *p;
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if ((l->v[i].acked_at != 0) != acked)
			continue;
		p = json_pack("{s:s, s:s, s:s}", "id", A->req_printf(r, "%lld",
		    (long long)l->v[i].id), "username", l->v[i].username,
		    "display_name", l->v[i].display_name);
		if (acked) {
			json_object_set_new(p, "acknowledged_at", json_string(
			    gl_iso(r, l->v[i].acked_at)));
			json_object_set_new(p, "via", json_string(l->v[i].via));
		}
		json_array_append_new(out, p);
	}
	return out;
}

/* GET /api/v1/admin/guidelines/:version/acknowledgements (JSON or CSV) */
int
gl_api_acks(struct hm_req *r)
{
	const char		*accept = A->req_header(r, "Accept");
	const char		*status = A->req_param(r, "status");
	struct gl_version	 v;
	struct gl_list		 l;
	size_t			 len;
	char			*csv;

	if (gl_version_get(r, gl_route_version(r), &v) != 0 ||
	    gl_route_version(r) == 0) {
		A->reply_error(r, 404, "Record not found");
		return HM_DONE;
	}
	if (gl_people(r, A->req_db(r), v.version, &l) != 0) {
		free(l.v);
		A->reply_error(r, 500, "Internal error");
		return HM_DONE;
	}
	if (accept != NULL && strstr(accept, "text/csv") != NULL) {
		csv = gl_csv(r, &l, status, &len);
		A->set_header(r, "Content-Disposition", A->req_printf(r,
		    "attachment; filename=\"guidelines-%lld-%s.csv\"",
		    (long long)v.version, status ? status : "all"));
		A->reply_body(r, 200, "text/csv; charset=utf-8", csv, len);
	} else
		A->reply_json(r, 200, json_pack("{s:I, s:I, s:I, s:o, s:o}",
		    "version", (json_int_t)v.version,
		    "acknowledged_count", (json_int_t)l.acked,
		    "pending_count", (json_int_t)(l.n - l.acked),
		    "acknowledged", people_json(r, &l, 1),
		    "pending", people_json(r, &l, 0)));
	free(l.v);
	return HM_DONE;
}

/* GET /api/v1/announcements: the current guidelines, as Mastodon's
 * Announcement (read: the caller acknowledged them). */
void
gl_announcements(struct hm_req *r, json_t *list)
{
	struct gl_version	v;
	struct gl_state		s;
	const char		*at;

	if (A->req_user(r) == 0 || gl_version_get(r, 0, &v) != 0)
		return;
	gl_state(r, &s);
	at = gl_iso(r, v.published_at);
	json_array_append_new(list, json_pack("{s:s, s:s, s:n, s:n, s:b, "
	    "s:s, s:s, s:b, s:[], s:[], s:[], s:[], s:[]}",
	    "id", A->req_printf(r, "guidelines-%lld", (long long)v.version),
	    "content", A->markdown(r, v.text),
	    "starts_at", "ends_at", "all_day", 0,
	    "published_at", at, "updated_at", at,
	    "read", s.required == 0 || s.acked_at != 0,
	    "mentions", "statuses", "tags", "emojis", "reactions"));
}

/* The rest of a summary's line after a list marker ("- ", "* ", "1. ",
 * "2) "), or the line itself. */
static const char *
rule_text(const char *s)
{
	const char	*p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
		p += 2;
	else if (*p >= '0' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		if ((*p == '.' || *p == ')') && p[1] == ' ')
			p += 2;
		else
			p = s;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* GET /api/v1/instance/rules (and the Instance's rules, ABI 1.6): each
 * line of the current version's summary is a Rule, its id the line's
 * number; the full text stays at /guidelines. No summary: no rules. */
void
gl_rules(struct hm_req *r, json_t *list)
{
	struct gl_version	 v;
	char			*line, *next, *end;
	const char		*text;
	int			 n = 0;

	if (gl_version_get(r, 0, &v) != 0)
		return;
	for (line = A->req_strdup(r, v.summary); line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		end = line + strlen(line);
		while (end > line && (end[-1] == '\r' || end[-1] == ' ' ||
		    end[-1] == '\t'))
			*--end = '\0';
		text = rule_text(line);
		if (*text == '\0')
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "id", A->req_printf(r, "%d", ++n), "text", text,
		    "hint", ""));
	}
}
