/*
 * settings.c: the settings area a person has for their own account
 * (routes flagged R_SESSION: always a browser session, never a token):
 * its sub-navigation, and the pages for active sessions, personal API
 * tokens and the OAuth apps they authorized. Profile and password are in
 * settings-profile.c and settings-security.c.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "pages.h"

#define TOKEN_NAME_MAX 100

/* The settings pages, in the order of the sub-navigation. */
static const struct {
	const char	*which;
	const char	*path;
	const char	*label;
} settings_pages[] = {
	{ "profile", "/settings/profile", N_("Profile") },
	{ "password", "/settings/password", N_("Password") },
	{ "notifications", "/settings/notifications", N_("Notifications") },
	{ "sessions", "/settings/sessions", N_("Sessions") },
	{ "tokens", "/settings/tokens", N_("API tokens") },
	{ "apps", "/settings/apps", N_("Apps") },
	{ "push", "/settings/push", N_("Push notifications") },
	{ "language", "/settings/language", N_("Language") },
	{ "filters", "/settings/filters", N_("Filters") },
	{ "safety", "/settings/safety", N_("Mutes and blocks") },
};

/*
 * The view every settings page starts from: the sub-navigation with the
 * current page marked, and the notice a change redirected here with.
 */
json_t *
settings_view(struct req *r, const char *title, const char *which)
{
	json_t		*v = req_view(r, title), *nav = json_array();
	size_t		 i;

	web_nav(v, "settings");
	for (i = 0; i < nitems(settings_pages); i++)
		json_array_append_new(nav, json_pack("{s:s, s:s, s:b}",
		    "path", settings_pages[i].path,
		    "label", req_tr(r, settings_pages[i].label),
		    "current", strcmp(settings_pages[i].which, which) == 0));
	json_object_set_new(v, "settings_nav", nav);
	web_notice(r, v);
	return v;
}

/* GET /settings: the first page. */
enum handled
web_settings(struct req *r)
{
	req_redirect(r, "/settings/profile");
	return HANDLED;
}

/* Done: back to a settings page with a notice. */
static void
settings_back(struct req *r, const char *path, const char *notice)
{
	req_redirect(r, arena_printf(r->arena, "%s?notice=%s", path, notice));
}

/* -- sessions */

struct session_rows {
	struct req	*r;
	json_t		*list;
};

/* One session as the page shows it. */
static void
session_row(const struct session_info *s, void *arg)
{
	struct session_rows	*sr = arg;
	struct req		*r = sr->r;
	json_t			*o;

	o = json_pack("{s:I, s:b, s:s, s:s, s:s}", "id", (json_int_t)s->id,
	    "current", s->id == r->session.id,
	    "device", ua_describe(r->arena, s->user_agent),
	    "user_agent", s->user_agent ? s->user_agent : "",
	    "ip", s->ip && *s->ip ? s->ip : "unknown address");
	web_time(r, o, "created", s->created_at);
	web_time(r, o, "seen", s->last_seen_at);
	json_array_append_new(sr->list, o);
}

/* GET /settings/sessions */
enum handled
web_settings_sessions(struct req *r)
{
	struct session_rows	 sr = { r, json_array() };
	json_t			*v;

	if (session_list(req_db(r), r->arena, r->user->id, session_row,
	    &sr) != 0) {
		json_decref(sr.list);
		req_error(r, 500, "Your sessions could not be read.");
		return HANDLED;
	}
	v = settings_view(r, "Sessions", "sessions");
	json_object_set_new(v, "has_others", json_boolean(
	    json_array_size(sr.list) > 1));
	json_object_set_new(v, "sessions", sr.list);
	req_html(r, 200, "settings-sessions", v);
	return HANDLED;
}

/* On the writer: end one session of the person's. */
static int
session_end_write(struct req *r, struct db *db, void *arg, char **cause)
{
	int64_t	id = *(int64_t *)arg;

	if (id == r->session.id) {
		*cause = xstrdup("To sign out of this device, use Sign out.");
		return E_INVALID;
	}
	if (session_end_id(db, r->user->id, id) != E_OK) {
		*cause = xstrdup("That session has already ended.");
		return E_NOTFOUND;
	}
	return E_OK;
}

/* Done: back to the sessions. */
static void
session_end_reply(struct req *r, void *arg)
{
	settings_back(r, "/settings/sessions", arg == NULL ? "others" :
	    "session");
}

/* POST /settings/sessions/:id/end: csrf. */
enum handled
web_settings_session_end(struct req *r)
{
	int64_t	*id = arena_alloc(r->arena, sizeof *id);

	if ((*id = req_id(r, ":0")) == 0) {
		req_error(r, 404, "There is no such session.");
		return HANDLED;
	}
	return req_write(r, session_end_write, session_end_reply, id);
}

/* On the writer: end every session but this one. */
static int
sessions_others_write(struct req *r, struct db *db, void *arg, char **cause)
{
	(void)arg;
	(void)cause;
	return session_end_others(db, r->user->id, r->session.id) == 0 ?
	    E_OK : E_INTERNAL;
}

/* POST /settings/sessions/others: csrf. */
enum handled
web_settings_sessions_others(struct req *r)
{
	return req_write(r, sessions_others_write, session_end_reply,
	    NULL);
}

/* -- personal API tokens */

/* The scopes a personal token may have, as the form offers them. */
static const struct {
	const char	*scope;
	const char	*label;
} token_scopes[] = {
	{ "read", N_("read: see posts, people and notifications") },
	{ "write", N_("write: post, edit, favourite and change settings") },
	{ "follow", N_("follow: follow and unfollow people") },
};

/* A token being made: what was typed, and the secret once it exists. */
struct token_job {
	const char	*name;
	const char	*scopes;
	char		 secret[64];
};

/* One token as the page shows it. */
static void
token_row(const struct token_info *t, void *arg)
{
	struct session_rows	*tr = arg;
	json_t			*o;

	if (t->app != NULL || t->revoked_at != 0)
		return;		/* apps are on their own page */
	o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t->id,
	    "name", *t->label ? t->label : req_tr(tr->r, "(no name)"),
	    "scopes", t->scopes);
	web_time(tr->r, o, "created", t->created_at);
	if (t->last_used_at != 0)
		web_time(tr->r, o, "used", t->last_used_at);
	json_array_append_new(tr->list, o);
}

/*
 * The tokens page: the list, the form (with what was typed and the error
 * of each field), and a new token's secret, shown this once.
 */
static void
tokens_page(struct req *r, int status, const struct token_job *j,
    json_t *errors)
{
	struct session_rows	 tr = { r, json_array() };
	json_t			*v, *scopes = json_array();
	const char		*typed;
	size_t			 i;
	int			 on;

	v = settings_view(r, "API tokens", "tokens");
	if (token_list(req_db(r), r->arena, r->user->id, token_row, &tr) != 0)
		log_warn("settings: cannot list the tokens of %s",
		    r->user->username);
	json_object_set_new(v, "has_tokens", json_boolean(
	    json_array_size(tr.list) > 0));
	json_object_set_new(v, "tokens", tr.list);
	for (i = 0; i < nitems(token_scopes); i++) {
		typed = j != NULL && errors != NULL ? j->scopes : NULL;
		on = typed == NULL ? 1 : scope_exact(typed,
		    token_scopes[i].scope);
		json_array_append_new(scopes, json_pack("{s:s, s:s, s:b}",
		    "scope", token_scopes[i].scope,
		    "label", req_tr(r, token_scopes[i].label), "checked", on));
	}
	json_object_set_new(v, "scopes", scopes);
	if (j != NULL && errors != NULL)
		json_object_set_new(v, "name", json_string(j->name));
	if (j != NULL && errors == NULL) {
		json_object_set_new(v, "new_token", json_pack("{s:s, s:s}",
		    "secret", j->secret, "name", j->name));
		json_object_set_new(v, "notice", json_string("Your new token "
		    "was created."));
	}
	if (errors != NULL)
		json_object_set_new(v, "errors", errors);
	req_html(r, status, "settings-tokens", v);
}

/* GET /settings/tokens */
enum handled
web_settings_tokens(struct req *r)
{
	tokens_page(r, 200, NULL, NULL);
	return HANDLED;
}

/* On the writer: make the token. */
static int
token_create_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct token_job	*j = arg;

	(void)cause;
	return token_create(db, r->user->id, j->name, j->scopes, j->secret,
	    sizeof j->secret) < 0 ? E_INTERNAL : E_OK;
}

/* Done: show the secret, this once. */
static void
token_create_reply(struct req *r, void *arg)
{
	struct token_job	*j = arg;

	log_info("settings: %s made the API token '%s'", r->user->username,
	    j->name);
	tokens_page(r, 200, j, NULL);
	OPENSSL_cleanse(j->secret, sizeof j->secret);
}

/* POST /settings/tokens: name, scope (repeated), csrf. */
enum handled
web_settings_token_create(struct req *r)
{
	struct token_job	*j = arena_alloc(r->arena, sizeof *j);
	json_t			*errors = json_object();
	const char		*name = req_param(r, "name"), *s;
	char			*scopes = arena_strdup(r->arena, "");
	size_t			 i, k;

	j->name = name != NULL ? name : "";
	for (i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.v[i].key, "scope") != 0)
			continue;
		s = r->form.v[i].value;
		for (k = 0; k < nitems(token_scopes); k++) {
			if (strcmp(s, token_scopes[k].scope) == 0)
				scopes = arena_printf(r->arena, "%s%s%s",
				    scopes, *scopes ? " " : "", s);
		}
	}
	j->scopes = scopes;
	if (*j->name == '\0')
		json_object_set_new(errors, "name", json_string("Give the "
		    "token a name, so you know later what uses it."));
	else if (strlen(j->name) > TOKEN_NAME_MAX ||
	    strpbrk(j->name, "\r\n") != NULL)
		json_object_set_new(errors, "name", json_string(web_count(
		    r->arena, TOKEN_NAME_MAX, trn(req_lang(r), TOKEN_NAME_MAX,
		    "The name must be one line of at most {n} character.",
		    "The name must be one line of at most {n} characters."))));
	if ((j->scopes = scope_normalise(r->arena, scopes)) == NULL) {
		j->scopes = scopes;
		json_object_set_new(errors, "scopes", json_string("Choose at "
		    "least one scope."));
	}
	if (json_object_size(errors) > 0) {
		tokens_page(r, 422, j, errors);
		return HANDLED;
	}
	json_decref(errors);
	return req_write(r, token_create_write, token_create_reply, j);
}

/* On the writer: revoke one of the person's tokens. */
static int
token_revoke_write(struct req *r, struct db *db, void *arg, char **cause)
{
	if (token_revoke(db, r->user->id, *(int64_t *)arg) != 0) {
		*cause = xstrdup("There is no such token, or it was already "
		    "revoked.");
		return E_NOTFOUND;
	}
	return E_OK;
}

/* Done: back to the tokens. */
static void
token_revoke_reply(struct req *r, void *arg)
{
	(void)arg;
	settings_back(r, "/settings/tokens", "token");
}

/* POST /settings/tokens/:id/revoke: csrf. */
enum handled
web_settings_token_revoke(struct req *r)
{
	int64_t	*id = arena_alloc(r->arena, sizeof *id);

	if ((*id = req_id(r, ":0")) == 0) {
		req_error(r, 404, "There is no such token.");
		return HANDLED;
	}
	return req_write(r, token_revoke_write, token_revoke_reply, id);
}

/* -- authorized apps */

/* One app as the page shows it. */
static void
app_row(const struct app *a, int64_t last, void *arg)
{
	struct session_rows	*ar = arg;
	json_t			*o;

	o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a->id,
	    "name", a->name, "scopes", a->scopes);
	if (a->website != NULL && (strncmp(a->website, "https://", 8) == 0 ||
	    strncmp(a->website, "http://", 7) == 0))
		json_object_set_new(o, "website", json_string(a->website));
	web_time(ar->r, o, "authorized", last);
	json_array_append_new(ar->list, o);
}

/* GET /settings/apps */
enum handled
web_settings_apps(struct req *r)
{
	struct session_rows	 ar = { r, json_array() };
	json_t			*v;

	if (app_authorized(req_db(r), r->arena, r->user->id, app_row,
	    &ar) != 0) {
		json_decref(ar.list);
		req_error(r, 500, "Your apps could not be read.");
		return HANDLED;
	}
	v = settings_view(r, "Apps", "apps");
	json_object_set_new(v, "has_apps", json_boolean(
	    json_array_size(ar.list) > 0));
	json_object_set_new(v, "apps", ar.list);
	req_html(r, 200, "settings-apps", v);
	return HANDLED;
}

/* On the writer: end every token the person gave the app. */
static int
app_revoke_write(struct req *r, struct db *db, void *arg, char **cause)
{
	int	n = app_revoke_for_user(db, *(int64_t *)arg, r->user->id);

	if (n < 0)
		return E_INTERNAL;
	if (n == 0) {
		*cause = xstrdup("That app has no access to revoke.");
		return E_NOTFOUND;
	}
	return E_OK;
}

/* Done: back to the apps. */
static void
app_revoke_reply(struct req *r, void *arg)
{
	(void)arg;
	settings_back(r, "/settings/apps", "app");
}

/* POST /settings/apps/:id/revoke: csrf. */
enum handled
web_settings_app_revoke(struct req *r)
{
	int64_t	*id = arena_alloc(r->arena, sizeof *id);

	if ((*id = req_id(r, ":0")) == 0) {
		req_error(r, 404, "There is no such app.");
		return HANDLED;
	}
	return req_write(r, app_revoke_write, app_revoke_reply, id);
}
