/*
 * admin-console.c: what every admin page shares, and the audit log's pages.
 * The console's tab bar (people, the modules' own admin pages, modules,
 * audit) is put into the view of every page under /admin, and of a
 * module's admin pages, by a view hook; the modules add their tabs through
 * their admin_tab hook (module_admin_tabs, from the module layer, whose
 * hook runs first). /admin/audit lists the
 * audit log with filters, /admin/audit.csv and /admin/audit.jsonl export
 * what the same filters select.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "pages.h"

#define AUDIT_PER_PAGE		50
#define AUDIT_EXPORT_MAX	100000	/* rows per web export; hearthctl
					   exports all */

/* The core's tabs, in order; the modules' come between people and these. */
static const struct {
	const char	*href;
	const char	*label;
	int		 last;		/* after the modules' tabs */
} admin_tabs[] = {
	{ "/admin/people",	N_("People"),	0 },
	{ "/admin/reports",	N_("Moderation"),	0 },
	{ "/admin/modules",	N_("Modules"),	1 },
	{ "/admin/audit",	N_("Audit log"),	1 },
};

/* Whether path is under prefix (the page itself or below it). */
static int
admin_under(const char *path, const char *prefix)
{
	size_t	n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/' || path[n] == '.' || path[n] == '?');
}

/* A view hook: the tab bar on every admin page, for admins. */
static void
admin_console_view(struct req *r, json_t *v)
{
	json_t	*first, *last;
	size_t	 i;

	/* The module layer's view hook ran first and says when this is a
	 * module's admin page (module_admin_current). */
	if (r->user == NULL || r->user->role != ROLE_ADMIN ||
	    (!admin_under(r->path, "/admin") &&
	    !json_is_true(json_object_get(v, "module_admin_current"))))
		return;
	first = json_array();
	last = json_array();
	for (i = 0; i < nitems(admin_tabs); i++)
		json_array_append_new(admin_tabs[i].last ? last : first,
		    json_pack("{s:s, s:s, s:b}", "href", admin_tabs[i].href,
		    "label", req_tr(r, admin_tabs[i].label), "current",
		    admin_under(r->path, admin_tabs[i].href) ||
		    (i == 0 && strcmp(r->path, "/admin") == 0)));
	json_object_set_new(v, "admin_tabs", first);
	json_object_set_new(v, "admin_tabs_end", last);
	json_object_set_new(v, "admin_console", json_true());
}

/* Hook the console's tabs into every page's view. */
void
web_admin_init(void)
{
	static int	hooked;

	if (!hooked++)
		req_view_hook_add(admin_console_view);
}

/* Who did an admin action from this request, for the audit log. */
void
web_audit_actor(struct req *r, struct audit_actor *a)
{
	a->id = r->user->id;
	a->name = r->user->username;
	a->ip = r->client_ip;
	a->user_agent = req_header(r, "User-Agent");
}

/* GET /admin/modules: what is loaded (the module layer fills the view). */
enum handled
web_admin_modules(struct req *r)
{
	json_t	*v = req_view(r, "Modules · Admin");

	web_nav(v, "admin");
	req_html(r, 200, "admin-modules", v);
	return HANDLED;
}

/* A date (YYYY-MM-DD) as the time it starts, UTC; 0 if none or bad. */
static int64_t
audit_date(const char *s, int next_day)
{
	struct tm	tm;
	const char	*end;

	if (s == NULL || *s == '\0')
		return 0;
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return 0;
	return (int64_t)timegm(&tm) + (next_day ? 86400 : 0);
}

/* The filters from the query string (also echoed into the view). */
static void
audit_filter(struct req *r, struct audit_filter *f, json_t *v)
{
	const char	*keys[] = { "action", "actor", "q", "since", "until" };
	const char	*s;
	size_t		 i;

	memset(f, 0, sizeof *f);
	f->action = req_param(r, "action");
	f->actor = req_param(r, "actor");
	f->q = req_param(r, "q");
	f->since = audit_date(req_param(r, "since"), 0);
	f->until = audit_date(req_param(r, "until"), 1);
	if (f->actor != NULL && *f->actor == '\0')
		f->actor = NULL;
	if (f->q != NULL && *f->q == '\0')
		f->q = NULL;
	for (i = 0; v != NULL && i < nitems(keys); i++) {
		if ((s = req_param(r, keys[i])) != NULL && *s != '\0')
			json_object_set_new(v, keys[i], json_string(s));
	}
}

/* The same filters as a query string ("a=b&", or ""). */
static const char *
audit_query(struct req *r)
{
	const char	*keys[] = { "action", "actor", "q", "since", "until" };
	const char	*s, *qs = "";
	size_t		 i;

	for (i = 0; i < nitems(keys); i++) {
		if ((s = req_param(r, keys[i])) != NULL && *s != '\0')
			qs = arena_printf(r->arena, "%s%s=%s&", qs, keys[i],
			    escape_url(r->arena, s));
	}
	return qs;
}

struct audit_rows {
	struct req	*r;
	json_t		*list;
	int64_t		 last;
	struct evbuffer	*out;
	int		 csv;
};

/* One entry as the page shows it. */
static void
audit_row(const struct audit_entry *e, void *arg)
{
	struct audit_rows	*ar = arg;
	json_t			*o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "id", (json_int_t)e->id, "actor", e->actor_name, "action",
	    e->action, "target_type", e->target_type, "target",
	    e->target_name, "details", strcmp(e->details, "{}") == 0 ? "" :
	    e->details, "ip", e->ip, "user_agent", e->user_agent);
	web_time(ar->r, o, "at", e->at);
	json_array_append_new(ar->list, o);
	ar->last = e->id;
}

/* An action name for the filter's choices. */
static void
audit_action_option(const char *action, void *arg)
{
	json_t	*list = arg;

	json_array_append_new(list, json_pack("{s:s}", "name", action));
}

/* GET /admin/audit?action=&actor=&q=&since=&until=&before= */
enum handled
web_admin_audit(struct req *r)
{
	struct audit_rows	 ar = { r, json_array(), 0, NULL, 0 };
	struct audit_filter	 f;
	json_t			*v = req_view(r, "Audit log · Admin");
	json_t			*actions = json_array(), *a;
	const char		*sel, *qs = audit_query(r);
	int64_t			 before = req_id(r, "before");
	size_t			 i;
	int			 n;

	web_nav(v, "admin");
	audit_filter(r, &f, v);
	n = audit_each(req_db(r), r->arena, &f, 0, before, AUDIT_PER_PAGE + 1,
	    audit_row, &ar);
	if (n < 0 || audit_actions(req_db(r), audit_action_option, actions) !=
	    0) {
		json_decref(ar.list);
		json_decref(actions);
		json_decref(v);
		req_error(r, 500, "The audit log could not be read.");
		return HANDLED;
	}
	if (n > AUDIT_PER_PAGE) {
		json_array_remove(ar.list, AUDIT_PER_PAGE);
		ar.last = json_integer_value(json_object_get(json_array_get(
		    ar.list, AUDIT_PER_PAGE - 1), "id"));
		json_object_set_new(v, "next", json_string(arena_printf(
		    r->arena, "/admin/audit?%sbefore=%lld", qs,
		    (long long)ar.last)));
	}
	if (before > 0)
		json_object_set_new(v, "first", json_string(arena_printf(
		    r->arena, "/admin/audit%s%.*s", *qs ? "?" : "",
		    *qs ? (int)strlen(qs) - 1 : 0, qs)));
	sel = req_param(r, "action");
	json_array_foreach(actions, i, a) {
		if (sel != NULL && strcmp(sel, json_string_value(json_object_get(
		    a, "name"))) == 0)
			json_object_set_new(a, "selected", json_true());
	}
	json_object_set_new(v, "actions", actions);
	json_object_set_new(v, "has_entries", json_boolean(
	    json_array_size(ar.list) > 0));
	json_object_set_new(v, "entries", ar.list);
	json_object_set_new(v, "export_csv", json_string(arena_printf(
	    r->arena, "/admin/audit.csv%s%.*s", *qs ? "?" : "",
	    *qs ? (int)strlen(qs) - 1 : 0, qs)));
	json_object_set_new(v, "export_jsonl", json_string(arena_printf(
	    r->arena, "/admin/audit.jsonl%s%.*s", *qs ? "?" : "",
	    *qs ? (int)strlen(qs) - 1 : 0, qs)));
	req_html(r, 200, "admin-audit", v);
	return HANDLED;
}

/* A CSV field, quoted when it must be; a leading =, +, - or @ is
 * prefixed with ' so that a spreadsheet never runs it as a formula. */
void
web_csv_field(struct evbuffer *b, const char *s, int last)
{
	const char	*p;

	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		evbuffer_add(b, "'", 1);
	if (strpbrk(s, ",\"\r\n") == NULL && *s != '\'')
		evbuffer_add(b, s, strlen(s));
	else {
		evbuffer_add(b, "\"", 1);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				evbuffer_add(b, "\"", 1);
			evbuffer_add(b, p, 1);
		}
		evbuffer_add(b, "\"", 1);
	}
	evbuffer_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

/* One entry as a line of the export. */
static void
audit_export_row(const struct audit_entry *e, void *arg)
{
	struct audit_rows	*ar = arg;
	json_t			*o = audit_entry_json(e);
	char			*line;

	if (ar->csv) {
		evbuffer_add_printf(ar->out, "%lld,", (long long)e->id);
		web_csv_field(ar->out, json_string_value(json_object_get(o,
		    "at")), 0);
		web_csv_field(ar->out, e->actor_name, 0);
		web_csv_field(ar->out, e->action, 0);
		web_csv_field(ar->out, e->target_type, 0);
		evbuffer_add_printf(ar->out, "%s,", e->target_id ?
		    arena_printf(ar->r->arena, "%lld",
		    (long long)e->target_id) : "");
		web_csv_field(ar->out, e->target_name, 0);
		web_csv_field(ar->out, e->details, 0);
		web_csv_field(ar->out, e->ip, 0);
		web_csv_field(ar->out, e->user_agent, 1);
	} else if ((line = json_dumps(o, JSON_COMPACT)) != NULL) {
		evbuffer_add(ar->out, line, strlen(line));
		evbuffer_add(ar->out, "\n", 1);
		free(line);
	}
	json_decref(o);
}

/* GET /admin/audit.csv and /admin/audit.jsonl: oldest first. */
static enum handled
audit_export(struct req *r, int csv)
{
	struct audit_rows	 ar = { r, NULL, 0, evbuffer_new(), csv };
	struct audit_filter	 f;

	audit_filter(r, &f, NULL);
	if (csv)
		evbuffer_add_printf(ar.out, "id,at,actor,action,target_type,"
		    "target_id,target,details,ip,user_agent\r\n");
	if (audit_each(req_db(r), r->arena, &f, 1, 0, AUDIT_EXPORT_MAX,
	    audit_export_row, &ar) < 0) {
		evbuffer_free(ar.out);
		req_error(r, 500, "The audit log could not be read.");
		return HANDLED;
	}
	req_set_header(r, "Content-Disposition", csv ?
	    "attachment; filename=\"hearth-audit.csv\"" :
	    "attachment; filename=\"hearth-audit.jsonl\"");
	req_set_header(r, "Cache-Control", "no-store");
	req_reply(r, 200, csv ? "text/csv; charset=utf-8" :
	    "application/jsonl; charset=utf-8", ar.out);
	evbuffer_free(ar.out);
	return HANDLED;
}

/* GET /admin/audit.csv */
enum handled
web_admin_audit_csv(struct req *r)
{
	return audit_export(r, 1);
}

/* GET /admin/audit.jsonl */
enum handled
web_admin_audit_jsonl(struct req *r)
{
	return audit_export(r, 0);
}
