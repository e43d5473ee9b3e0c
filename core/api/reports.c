/*
 * reports.c: POST /api/v1/reports, Mastodon's way of telling the
 * moderators about a person (and some of their posts). The report goes to
 * the admins' moderation tab (web/pages/admin-reports.c); the domain's
 * rules are in report.c.
 */
#include <string.h>

#include "handlers.h"

/* Read an id list parameter (name[] repeated, or name=1,2) into l; -1
 * after answering 422 if one is not an id. */
static int
id_params(struct req *r, const char *name, struct idlist *l)
{
	char	*key = arena_printf(r->arena, "%s[]", name), *s, *tok, *save;
	json_t	*list, *v;
	size_t	 i;
	int64_t	 id;

	for (i = 0; i < r->query.n + r->form.n; i++) {
		const struct kv *p = i < r->query.n ? &r->query.v[i] :
		    &r->form.v[i - r->query.n];

		if (strcmp(p->key, key) != 0 && strcmp(p->key, name) != 0)
			continue;
		s = arena_strdup(r->arena, p->value);
		for (tok = strtok_r(s, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if ((id = id_parse(tok)) <= 0) {
				req_error(r, 422, arena_printf(r->arena,
				    "%s must be ids", name));
				return -1;
			}
			if (!idlist_has(l, id))
				idlist_add(r->arena, l, id);
		}
	}
	/* A JSON body's array, of strings (Mastodon's ids) or numbers. */
	if (r->body != NULL && json_is_array(list = json_object_get(r->body,
	    name))) {
		json_array_foreach(list, i, v) {
			id = json_is_integer(v) ? json_integer_value(v) :
			    json_is_string(v) ? id_parse(json_string_value(v)) : 0;
			if (id <= 0) {
				req_error(r, 422, arena_printf(r->arena,
				    "%s must be ids", name));
				return -1;
			}
			if (!idlist_has(l, id))
				idlist_add(r->arena, l, id);
		}
	}
	return 0;
}

/* Answer with the Report just filed. */
static void
report_reply(struct req *r, void *arg)
{
	struct report_new	*n = arg;
	struct report		*rep;
	struct ectx		 e;

	if ((rep = report_get(req_db(r), r->arena, n->id)) == NULL) {
		req_error(r, 500, "Internal error");
		return;
	}
	req_ectx(r, &e);
	req_json(r, 200, entity_report(&e, rep));
	ectx_free(&e);
}

/* POST /api/v1/reports: account_id, status_ids[], comment, category,
 * rule_ids[] (forward is meaningless inside one company). */
enum handled
api_report_create(struct req *r)
{
	struct report_new	*n = arena_alloc(r->arena, sizeof *n);

	memset(n, 0, sizeof *n);
	n->reporter = r->user->id;
	if ((n->target = req_id(r, "account_id")) == 0) {
		req_error(r, 422, "account_id is required");
		return HANDLED;
	}
	if (id_params(r, "status_ids", &n->statuses) != 0 ||
	    id_params(r, "rule_ids", &n->rules) != 0)
		return HANDLED;
	n->comment = req_param(r, "comment");
	n->category = req_param(r, "category");
	return req_command(r, report_create, report_reply, n);
}
