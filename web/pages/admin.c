/*
 * admin.c: the admin pages, for people with the admin role (the router
 * enforces R_ADMIN; the user.c functions refuse others too). /admin/people
 * lists and searches people, creates a person (with a generated password
 * shown once, or one the admin sets), and disables, enables, resets the
 * password of, makes admin or removes admin from a person. Hashing runs on
 * a worker; the rules (nobody disables or demotes themselves, the last
 * admin stays) are the domain's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "pages.h"

#define PEOPLE_PER_PAGE	25
#define EMAIL_MAX	254
#define GENERATED_LEN	21	/* 20 characters, as hearthctl makes them */

/* What can be done to a person from the list, and what it says after. */
enum admin_act { ACT_DISABLE, ACT_ENABLE, ACT_MAKE_ADMIN, ACT_REMOVE_ADMIN,
    ACT_RESET, ACT_TRANSFER, ACT_LINK };
static const struct {
	const char	*name;		/* in the path */
	enum admin_act	 act;
	const char	*done;		/* what was done to {name} */
	const char	*audit;		/* the audit log's action */
	const char	*confirm;	/* destructive: asked first, this way */
} admin_acts[] = {
	{ "disable", ACT_DISABLE, N_("{name} was disabled and signed out."),
	    "user.disable", N_("They are signed out everywhere at "
	    "once, their API tokens stop working and they cannot sign in "
	    "until an admin enables them again.") },
	{ "enable", ACT_ENABLE, N_("{name} was enabled."), "user.enable",
	    NULL },
	{ "make-admin", ACT_MAKE_ADMIN, N_("{name} is now an admin."),
	    "user.make_admin", NULL },
	{ "remove-admin", ACT_REMOVE_ADMIN, N_("{name} is no longer an "
	    "admin."), "user.remove_admin", N_("They lose "
	    "the admin pages at once.") },
	{ "reset-password", ACT_RESET, N_("{name} has a new password."),
	    "user.reset_password", N_("Their current "
	    "password stops working, they are signed out everywhere, and they "
	    "must choose a new one after signing in with the one you give "
	    "them.") },
	{ "transfer-groups", ACT_TRANSFER, N_("{name} no longer runs any "
	    "group: the groups were handed over."), "user.transfer_groups",
	    NULL },
	{ "link", ACT_LINK, N_("{name} now signs in through the company's "
	    "identity system."), "user.link", NULL },
};

#define ACT_CREATE ((size_t)-1)

/* A create or an action on its way through the worker and the writer. */
struct admin_job {
	struct req	*r;
	size_t		 act;		/* index in admin_acts, or ACT_CREATE */
	int64_t		 target;
	const char	*target_name;
	const char	*username;
	const char	*display_name;
	const char	*email;
	enum role	 role;
	int64_t		 to;		/* transfer: the new owner */
	enum idp	 provider;	/* link */
	const char	*subject;
	const char	*issuer;
	char		*password;	/* typed or generated; wiped after */
	int		 generated;
	char		*phc;
	char		*hash_cause;
	int		 rc;		/* the domain's answer */
	char		*cause;
	struct cause	*said;		/* cause's pattern (cause.c) */
	char		 shown[GENERATED_LEN];	/* the password to show once */
};

struct people_rows {
	struct req	*r;
	json_t		*list;
};

/* Whether a parameter is there with this value. */
static int
req_param_is(struct req *r, const char *name, const char *value)
{
	const char	*v = req_param(r, name);

	return v != NULL && strcmp(v, value) == 0;
}

/* The table's columns that sort, as the query string names them. */
static const struct {
	const char		*name;
	const char		*label;
	enum people_sort	 sort;
	int			 desc;		/* the first click's way */
} people_cols[] = {
	{ "name", N_("Name"), PEOPLE_BY_NAME, 0 },
	{ "department", N_("Department"), PEOPLE_BY_DEPARTMENT, 0 },
	{ "last_active", N_("Last active"), PEOPLE_BY_LAST_ACTIVE, 1 },
	{ "status", N_("Status"), PEOPLE_BY_STATUS, 0 },
};

/* The status filter's choices. */
static const struct {
	const char		*name;
	const char		*label;
	enum people_status	 status;
} people_statuses[] = {
	{ "", N_("Everyone"), PEOPLE_ALL },
	{ "active", N_("Active"), PEOPLE_ACTIVE },
	{ "disabled", N_("Disabled"), PEOPLE_DISABLED },
	{ "admin", N_("Admins"), PEOPLE_ADMINS },
	{ "must_change", N_("Must change password"), PEOPLE_MUST_CHANGE },
};

/* One person as the table shows them. */
static void
people_row(const struct user *u, void *arg)
{
	struct people_rows	*pr = arg;
	json_t			*o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}",
	    "id", (json_int_t)u->id, "username", u->username,
	    "display_name", u->display_name ? u->display_name : u->username,
	    "email", u->email ? u->email : "",
	    "department", u->department ? u->department : "",
	    "job_title", u->job_title ? u->job_title : "",
	    "admin", u->role == ROLE_ADMIN, "disabled", u->disabled,
	    "must_change", u->must_change_password,
	    "self", u->id == pr->r->user->id);
	web_time(pr->r, o, "created", u->created_at);
	if (u->last_active_at > 0)
		web_time(pr->r, o, "active", u->last_active_at);
	json_array_append_new(pr->list, o);
}

/* A department for the filter's choices. */
static void
people_department(const char *d, void *arg)
{
	struct people_rows	*pr = arg;
	const char		*sel = req_param(pr->r, "department");

	json_array_append_new(pr->list, json_pack("{s:s, s:b}", "name", d,
	    "selected", sel != NULL && strcasecmp(sel, d) == 0));
}

/*
 * Render the people page: the filters, a sortable page of people, the
 * create form (what was typed and an error per field when j is a failed
 * create), and a notice or alert from what was just done. Sort and
 * filters come from the query string, so every view has its own address
 * and works without JavaScript.
 */
static void
people_page(struct req *r, int status, const struct admin_job *j,
    json_t *errors, const char *notice, const char *alert)
{
	struct people_rows	 pr = { r, json_array() }, deps = { r, NULL };
	struct people_query	 pq;
	const char		*sort = req_param(r, "sort"), *qs, *st, *dep;
	int64_t			 page = req_id(r, "page");
	json_t			*v, *form, *cols, *stats;
	size_t			 i, col = 0;
	int			 n;

	memset(&pq, 0, sizeof pq);
	pq.q = req_param(r, "q");
	dep = pq.department = req_param(r, "department");
	st = req_param(r, "status");
	if (j != NULL) {	/* after a POST: the first page, unfiltered */
		pq.q = pq.department = dep = st = sort = NULL;
		page = 1;
	}
	if (pq.q != NULL && *pq.q == '\0')
		pq.q = NULL;
	if (dep != NULL && *dep == '\0')
		dep = pq.department = NULL;
	for (i = 0; st != NULL && i < nitems(people_statuses); i++)
		if (strcmp(st, people_statuses[i].name) == 0)
			pq.status = people_statuses[i].status;
	if (pq.status == PEOPLE_ALL)
		st = NULL;
	for (i = 0; sort != NULL && i < nitems(people_cols); i++)
		if (strcmp(sort, people_cols[i].name) == 0)
			col = i;
	pq.sort = people_cols[col].sort;
	pq.desc = sort != NULL ? req_param_is(r, "dir", "desc") :
	    people_cols[col].desc;
	if (page <= 0 || page > 100000)
		page = 1;
	n = user_admin_page(req_db(r), r->arena, &pq, (int)(page - 1) *
	    PEOPLE_PER_PAGE, PEOPLE_PER_PAGE, people_row, &pr);
	deps.list = json_array();
	if (n < 0 || user_departments(req_db(r), people_department, &deps) !=
	    0) {
		json_decref(pr.list);
		json_decref(deps.list);
		json_decref(errors);
		req_error(r, 500, "The list of people could not be read.");
		return;
	}
	if (n > PEOPLE_PER_PAGE)
		json_array_remove(pr.list, PEOPLE_PER_PAGE);
	v = req_view(r, "People · Admin");
	web_nav(v, "admin");
	json_object_set_new(v, "people", pr.list);
	json_object_set_new(v, "departments", deps.list);
	/* The filters, kept by every sort link and page link. */
	qs = "";
	if (pq.q != NULL)
		qs = arena_printf(r->arena, "q=%s&", escape_url(r->arena,
		    pq.q));
	if (dep != NULL)
		qs = arena_printf(r->arena, "%sdepartment=%s&", qs,
		    escape_url(r->arena, dep));
	if (st != NULL)
		qs = arena_printf(r->arena, "%sstatus=%s&", qs,
		    escape_url(r->arena, st));
	cols = json_array();
	for (i = 0; i < nitems(people_cols); i++) {
		int	 cur = i == col, desc = cur ? !pq.desc :
		    people_cols[i].desc;

		json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:s?}",
		    "name", people_cols[i].name, "label", req_tr(r,
		    people_cols[i].label),
		    "href", arena_printf(r->arena, "/admin/people?%ssort=%s&"
		    "dir=%s", qs, people_cols[i].name, desc ? "desc" : "asc"),
		    "aria_sort", cur ? (pq.desc ? "descending" : "ascending") :
		    NULL));
	}
	json_object_set_new(v, "columns", cols);
	stats = json_array();
	for (i = 0; i < nitems(people_statuses); i++)
		json_array_append_new(stats, json_pack("{s:s, s:s, s:b}",
		    "name", people_statuses[i].name, "label", req_tr(r,
		    people_statuses[i].label), "selected",
		    pq.status == people_statuses[i].status));
	json_object_set_new(v, "statuses", stats);
	if (pq.q != NULL)
		json_object_set_new(v, "q", json_string(pq.q));
	if (pq.q != NULL || dep != NULL || st != NULL)
		json_object_set_new(v, "filtered", json_true());
	qs = arena_printf(r->arena, "%ssort=%s&dir=%s&", qs,
	    people_cols[col].name, pq.desc ? "desc" : "asc");
	json_object_set_new(v, "sort", json_string(people_cols[col].name));
	json_object_set_new(v, "dir", json_string(pq.desc ? "desc" : "asc"));
	if (n > PEOPLE_PER_PAGE)
		json_object_set_new(v, "next", json_string(arena_printf(
		    r->arena, "/admin/people?%spage=%lld", qs,
		    (long long)page + 1)));
	if (page > 1)
		json_object_set_new(v, "prev", json_string(arena_printf(
		    r->arena, "/admin/people?%spage=%lld", qs,
		    (long long)page - 1)));
	json_object_set_new(v, "page", json_integer(page));
	json_object_set_new(v, "paged", json_boolean(n > PEOPLE_PER_PAGE ||
	    page > 1));
	form = json_pack("{s:s, s:s, s:s, s:b}",
	    "username", j && errors ? j->username : "",
	    "display_name", j && errors ? j->display_name : "",
	    "email", j && errors ? j->email : "",
	    "admin", j && errors && j->role == ROLE_ADMIN);
	json_object_set_new(v, "form", form);
	if (errors != NULL) {
		json_object_set_new(v, "errors", errors);
		json_object_set_new(v, "create_open", json_true());
	}
	if (notice != NULL)
		json_object_set_new(v, "notice", json_string(notice));
	if (alert != NULL)
		json_object_set_new(v, "alert", json_string(req_tr(r,
		    alert)));
	if (j != NULL && j->shown[0] != '\0')
		json_object_set_new(v, "shown", json_pack("{s:s, s:s}",
		    "username", j->target_name, "password", j->shown));
	req_html(r, status, "admin-people", v);
}

/* GET /admin: the first admin page. */
enum handled
web_admin(struct req *r)
{
	req_redirect(r, "/admin/people");
	return HANDLED;
}

/* GET /admin/people?q=&page= */
enum handled
web_admin_people(struct req *r)
{
	const char	*done = req_param(r, "notice");
	struct user	*u;
	size_t		 i;
	const char	*notice = NULL;

	/* After an action: "?notice=ACTION&id=ID" names what was done to
	 * whom (the person's name comes from the database, never the URL). */
	for (i = 0; done != NULL && i < nitems(admin_acts); i++) {
		if (strcmp(done, admin_acts[i].name) == 0 &&
		    (u = user_get(req_db(r), r->arena, req_id(r, "id"))) !=
		    NULL)
			notice = i18n_format(r->arena, req_tr(r,
			    admin_acts[i].done), "name", u->username, NULL);
	}
	people_page(r, 200, NULL, NULL, notice, NULL);
	return HANDLED;
}

/* Wipe and free a job's secrets (the password shown stays in shown[]). */
static void
admin_job_free(struct admin_job *j)
{
	if (j->password != NULL) {
		OPENSSL_cleanse(j->password, strlen(j->password));
		free(j->password);
	}
	free(j->phc);
	free(j->hash_cause);
	j->password = j->phc = j->hash_cause = NULL;
}

/* On a worker: hash the password (argon2id). */
static void
admin_hash_work(void *arg)
{
	struct admin_job	*j = arg;

	if (password_hash(j->password, &j->phc, &j->hash_cause) != 0)
		j->phc = NULL;
}

/*
 * On the writer: the create or the action. A refusal by the domain wrote
 * nothing; it is kept in the job for the page, so the reply can show it
 * next to the list instead of on an error page.
 */
static int
admin_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct admin_job	*j = arg;
	struct audit_actor	 who;
	json_t			*details = NULL;
	int64_t			 id = 0;

	(void)cause;
	if (j->act == ACT_CREATE) {
		j->rc = user_admin_create(db, r->arena, r->user->id,
		    j->username, j->display_name, j->email, j->role, j->phc,
		    &id, &j->cause);
		/* The admin has seen a generated password: the person
		 * chooses their own at their first sign-in. */
		if (j->rc == E_OK && j->generated &&
		    user_set_must_change(db, id, 1) != 0)
			j->rc = E_INTERNAL;
	} else {
		switch (admin_acts[j->act].act) {
		case ACT_DISABLE:
		case ACT_ENABLE:
			j->rc = user_admin_set_disabled(db, r->arena,
			    r->user->id, j->target,
			    admin_acts[j->act].act == ACT_DISABLE, &j->cause);
			break;
		case ACT_MAKE_ADMIN:
		case ACT_REMOVE_ADMIN:
			j->rc = user_admin_set_role(db, r->arena, r->user->id,
			    j->target, admin_acts[j->act].act ==
			    ACT_MAKE_ADMIN ? ROLE_ADMIN : ROLE_MEMBER,
			    &j->cause);
			break;
		case ACT_RESET:
			j->rc = user_admin_set_password(db, r->arena,
			    r->user->id, j->target, j->phc, &j->cause);
			break;
		case ACT_TRANSFER:
			j->rc = group_transfer(db, j->target, j->to, &j->cause);
			j->rc = j->rc >= 0 ? E_OK : -j->rc;
			break;
		case ACT_LINK:
			j->rc = identity_link(db, j->target, j->provider,
			    j->issuer, j->subject, &j->cause);
			break;
		}
	}
	if (j->rc != E_OK) {
		j->said = cause_take(j->cause);
		return j->rc == E_INTERNAL ? E_INTERNAL : E_OK;
	}
	/* In the same savepoint: no action without its record. */
	web_audit_actor(r, &who);
	if (j->act == ACT_CREATE)
		details = json_pack("{s:s, s:s, s:b, s:b}", "display_name",
		    j->display_name, "email", j->email, "admin",
		    j->role == ROLE_ADMIN, "generated_password", j->generated);
	else if (admin_acts[j->act].act == ACT_TRANSFER)
		details = json_pack("{s:I}", "to", (json_int_t)j->to);
	else if (admin_acts[j->act].act == ACT_LINK)
		details = json_pack("{s:s, s:s}", "provider",
		    idp_name(j->provider), "subject", j->subject);
	j->rc = audit_record(db, &who, j->act == ACT_CREATE ? "user.create" :
	    admin_acts[j->act].audit, "user", j->act == ACT_CREATE ? id :
	    j->target, j->act == ACT_CREATE ? j->username : j->target_name,
	    details) == 0 ? E_OK : E_INTERNAL;
	json_decref(details);
	return j->rc;
}

/* Back on the loop, committed: say what happened. */
static void
admin_reply(struct req *r, void *arg)
{
	struct admin_job	*j = arg;
	const char		*cause = j->cause ? cause_say(r->arena,
	    req_lang(r), j->cause, j->said) : N_("This was refused.");
	json_t			*errors;

	free(j->cause);
	cause_free(j->said);
	j->cause = NULL;
	j->said = NULL;
	if (j->rc != E_OK) {
		j->shown[0] = '\0';
		if (j->act != ACT_CREATE) {
			people_page(r, j->rc, j, NULL, NULL, cause);
			return;
		}
		errors = json_pack("{s:s}", "username", cause);
		people_page(r, j->rc, j, errors, NULL, NULL);
		return;
	}
	if (j->act == ACT_CREATE) {
		log_info("admin: %s created %s", r->user->username,
		    j->username);
		people_page(r, 200, j, NULL, i18n_format(r->arena,
		    j->shown[0] ? req_tr(r, "{name} was created. Give them the "
		    "password below; it is shown only this once.") : req_tr(r,
		    "{name} was created."), "name", j->username, NULL), NULL);
	} else if (admin_acts[j->act].act == ACT_RESET) {
		log_info("admin: %s reset the password of %s",
		    r->user->username, j->target_name);
		people_page(r, 200, j, NULL, i18n_format(r->arena, req_tr(r,
		    "{name} has a new password and was signed out everywhere. "
		    "Give them the password below; it is shown only this "
		    "once."), "name", j->target_name, NULL), NULL);
	} else {
		log_info("admin: %s did %s to %s", r->user->username,
		    admin_acts[j->act].name, j->target_name);
		req_redirect(r, arena_printf(r->arena, "/admin/people?notice=%s&"
		    "id=%lld", admin_acts[j->act].name, (long long)j->target));
	}
	OPENSSL_cleanse(j->shown, sizeof j->shown);
}

/* Back on the loop, the password hashed: on to the writer. */
static void
admin_hash_done(void *arg)
{
	struct admin_job	*j = arg;
	struct req		*r = j->r;
	char			*phc;

	if (j->phc == NULL) {
		log_error("admin: password hash: %s", j->hash_cause ?
		    j->hash_cause : "?");
		admin_job_free(j);
		req_error(r, 500, "The password could not be hashed; nothing "
		    "was changed.");
		req_free(r);
		return;
	}
	phc = arena_strdup(r->arena, j->phc);
	admin_job_free(j);
	j->phc = phc;
	if (req_write(r, admin_write, admin_reply, j) == HANDLED)
		req_free(r);
}

/* Hash j->password on a worker, then write. */
static enum handled
admin_hash_then_write(struct req *r, struct admin_job *j)
{
	if (worker_submit(r->loop, admin_hash_work, admin_hash_done, j) !=
	    0) {
		admin_job_free(j);
		req_retry_after(r, 2);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}

/* Give the job a generated password, to show once. */
static void
admin_generate(struct admin_job *j)
{
	password_generate(j->shown, sizeof j->shown);
	j->password = xstrdup(j->shown);
	j->generated = 1;
}

/*
 * POST /admin/people: username, display_name, email, admin (checkbox),
 * password (empty: generate one), csrf.
 */
enum handled
web_admin_person_create(struct req *r)
{
	struct admin_job	*j = arena_alloc(r->arena, sizeof *j);
	const char		*pw = req_param(r, "password");
	json_t			*errors = json_object();
	char			*cause = NULL;
	const char		*v;

	memset(j, 0, sizeof *j);
	j->r = r;
	j->act = ACT_CREATE;
	j->username = (v = req_param(r, "username")) ? v : "";
	j->display_name = (v = req_param(r, "display_name")) ? v : "";
	j->email = (v = req_param(r, "email")) ? v : "";
	j->role = req_param(r, "admin") != NULL ? ROLE_ADMIN : ROLE_MEMBER;
	j->target_name = j->username;
	if (!user_valid_name(j->username, &cause)) {
		json_object_set_new(errors, "username", json_string(
		    req_cause(r, cause)));
		free(cause);
	} else if (user_get_by_name(req_db(r), r->arena, j->username) != NULL)
		json_object_set_new(errors, "username", json_string(
		    "This username is already taken."));
	if (strlen(j->display_name) > 100 ||
	    strpbrk(j->display_name, "\r\n") != NULL)
		json_object_set_new(errors, "display_name", json_string(
		    "The display name must be one line of at most 100 "
		    "characters."));
	if (*j->email != '\0' && (strlen(j->email) > EMAIL_MAX ||
	    strchr(j->email, '@') == NULL || strpbrk(j->email, " \r\n<>") !=
	    NULL))
		json_object_set_new(errors, "email", json_string("Enter an "
		    "email address like name@example.com, or leave it "
		    "empty."));
	if (pw != NULL && *pw != '\0' && password_policy(pw, &cause) != 0) {
		json_object_set_new(errors, "password", json_string(
		    req_cause(r, cause)));
		free(cause);
	}
	if (json_object_size(errors) > 0) {
		people_page(r, 422, j, errors, NULL, NULL);
		return HANDLED;
	}
	json_decref(errors);
	if (pw != NULL && *pw != '\0')
		j->password = xstrdup(pw);
	else
		admin_generate(j);
	return admin_hash_then_write(r, j);
}

/* The question before a destructive action: a page with the form that
 * does it (confirm=yes) and a way back. */
static void
admin_confirm(struct req *r, const struct user *u, size_t act)
{
	json_t	*v = req_view(r, "Confirm · Admin");

	web_nav(v, "admin");
	json_object_set_new(v, "question", json_string(i18n_format(r->arena,
	    admin_acts[act].act == ACT_DISABLE ? req_tr(r, "Disable {name}? "
	    "{what}") : admin_acts[act].act == ACT_RESET ? req_tr(r,
	    "Reset the password of {name}? {what}") : req_tr(r,
	    "Remove the admin role from {name}? {what}"), "name", u->username,
	    "what", req_tr(r, admin_acts[act].confirm), NULL)));
	json_object_set_new(v, "action", json_string(arena_printf(r->arena,
	    "/admin/people/%lld/%s", (long long)u->id, admin_acts[act].name)));
	json_object_set_new(v, "label", json_string(admin_acts[act].act ==
	    ACT_DISABLE ? req_tr(r, "Disable") :
	    admin_acts[act].act == ACT_RESET ? req_tr(r, "Reset password") :
	    req_tr(r, "Remove admin")));
	json_object_set_new(v, "username", json_string(u->username));
	req_html(r, 200, "admin-confirm", v);
}

/* POST /admin/people/:id/:action: csrf, confirm=yes for destructive ones;
 * GET /admin/people/:id/:action/confirm asks the question. */
enum handled
web_admin_person_action(struct req *r)
{
	struct admin_job	*j = arena_alloc(r->arena, sizeof *j);
	struct user		*u;
	size_t			 i;

	memset(j, 0, sizeof *j);
	j->r = r;
	for (i = 0; i < nitems(admin_acts); i++) {
		if (strcmp(r->params[1], admin_acts[i].name) == 0)
			break;
	}
	if (i == nitems(admin_acts) || (j->target = req_id(r, ":0")) == 0 ||
	    (u = user_get(req_db(r), r->arena, j->target)) == NULL) {
		req_error(r, 404, "There is no such person or action.");
		return HANDLED;
	}
	j->act = i;
	j->target_name = u->username;
	/* A destructive action is asked first: a POST without confirm=yes
	 * (or a GET) only shows the question, and changes nothing. */
	if (r->method != M_POST && admin_acts[i].confirm == NULL) {
		req_error(r, 404, "Only destructive actions ask first.");
		return HANDLED;
	}
	if (admin_acts[i].confirm != NULL && (r->method != M_POST ||
	    !req_param_is(r, "confirm", "yes"))) {
		admin_confirm(r, u, i);
		return HANDLED;
	}
	if (admin_acts[i].act == ACT_TRANSFER) {
		const char	*to = req_param(r, "to");
		struct user	*t;

		if (to != NULL && *to == '@')
			to++;
		if (to == NULL || (t = user_get_by_name(req_db(r), r->arena,
		    to)) == NULL) {
			people_page(r, 422, j, NULL, NULL, N_("Name the person "
			    "who takes the groups over by their username."));
			return HANDLED;
		}
		j->to = t->id;
	}
	if (admin_acts[i].act == ACT_LINK) {
		const char *p = req_param(r, "provider");

		j->subject = req_param(r, "subject");
		if (p == NULL || idp_parse(p, &j->provider) != 0 ||
		    j->provider == IDP_SCIM || j->subject == NULL ||
		    *j->subject == '\0') {
			people_page(r, 422, j, NULL, NULL, N_("Choose the "
			    "identity system and give the person's identifier "
			    "there."));
			return HANDLED;
		}
		j->issuer = j->provider == IDP_OIDC ? req_config(r)->oidc_issuer :
		    "";
		if (j->issuer == NULL)
			j->issuer = "";
	}
	if (admin_acts[i].act != ACT_RESET)
		return req_write(r, admin_write, admin_reply, j);
	admin_generate(j);
	return admin_hash_then_write(r, j);
}
