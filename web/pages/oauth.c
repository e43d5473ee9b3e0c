/*
 * oauth.c: the page where a person lets an app use their account
 * (GET and POST /oauth/authorize). Signed out, they sign in first through
 * /login and come back; signed in, they see what the app asks for and
 * authorize or deny it. Authorizing issues a one-time code the app trades
 * for a token at /oauth/token (core/api/apps.c). Until the client_id and
 * redirect_uri are known good, errors are pages here, never redirects.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "pages.h"

#define OOB	"urn:ietf:wg:oauth:2.0:oob"

/* An authorization request, checked. */
struct authz {
	struct app	*app;
	const char	*redirect_uri;
	const char	*scope;
	const char	*state;
	const char	*challenge;	/* "" for none */
	const char	*method;
	char		 code[TOKEN_CHARS + 8];
};

/* What each coarse scope lets an app do, for the consent page. */
static const struct { const char *scope, *words; } scope_words[] = {
	{ "read", N_("Read everything your account can see: posts, people, "
	    "groups and notifications") },
	{ "write", N_("Post, edit and delete posts, favourite, and change "
	    "your profile and groups") },
	{ "follow", N_("Follow and unfollow people") },
	{ "push", N_("Receive your notifications as push messages") },
	{ "profile", N_("See your name and profile") },
};

/* The consent page's list of what a scope set allows, in words. */
static json_t *
scope_list(struct req *r, const char *scopes)
{
	struct arena	*a = r->arena;
	json_t		*l = json_array();
	const char	*p = scopes, *e, *w;
	char		*one;
	size_t		 i;

	while (*p != '\0') {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		if (e == p)
			break;
		one = arena_strndup(a, p, e - p);
		w = NULL;
		for (i = 0; i < nitems(scope_words); i++)
			if (strcmp(scope_words[i].scope, one) == 0)
				w = req_tr(r, scope_words[i].words);
		if (w == NULL && strncmp(one, "read:", 5) == 0)
			w = i18n_format(a, req_tr(r, "Read your {what}"), "what",
			    one + 5, NULL);
		else if (w == NULL && strncmp(one, "write:", 6) == 0)
			w = i18n_format(a, req_tr(r, "Change your {what}"),
			    "what", one + 6, NULL);
		json_array_append_new(l, json_pack("{s:s, s:s}", "scope", one,
		    "text", w ? w : one));
		p = e;
	}
	return l;
}

/* Send the browser back to the app with extra query parameters (already
 * URL-encoded), adding state if the app sent one. */
static void
authz_return(struct req *r, const struct authz *z, const char *params)
{
	const char	*u = z->redirect_uri;

	if (z->state != NULL && *z->state != '\0')
		params = arena_printf(r->arena, "%s&state=%s", params,
		    escape_url(r->arena, z->state));
	req_redirect(r, arena_printf(r->arena, "%s%c%s", u,
	    strchr(u, '?') != NULL ? '&' : '?', params));
}

/* Refuse a request whose app and redirect URI are good: back to the app
 * with the error, or a page for out-of-band apps. */
static void
authz_refuse(struct req *r, const struct authz *z, const char *error)
{
	if (strcmp(z->redirect_uri, OOB) == 0)
		req_error(r, 400, i18n_format(r->arena, req_tr(r, "The app's "
		    "request was refused: {error}."), "error", error, NULL));
	else
		authz_return(r, z, arena_printf(r->arena, "error=%s", error));
}

/* Whether s is base64url of 32 bytes (an S256 challenge). */
static int
challenge_ok(const char *s)
{
	return strlen(s) == TOKEN_CHARS && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVW"
	    "XYZabcdefghijklmnopqrstuvwxyz0123456789-_") == TOKEN_CHARS;
}

/* Read and check an authorization request; -1 after answering. */
static int
authz_parse(struct req *r, struct authz *z)
{
	const char	*type = req_param(r, "response_type");
	const char	*scope = req_param(r, "scope");

	memset(z, 0, sizeof *z);
	z->app = app_get_by_client(req_db(r), r->arena,
	    req_param(r, "client_id"));
	if (z->app == NULL) {
		req_error(r, 400, "The app that sent you here is not "
		    "registered with hearth (unknown client_id).");
		return -1;
	}
	z->redirect_uri = req_param(r, "redirect_uri");
	if ((z->redirect_uri == NULL || *z->redirect_uri == '\0') &&
	    strchr(z->app->redirect_uris, ' ') == NULL)
		z->redirect_uri = z->app->redirect_uris;
	if (!app_redirect_ok(z->app, z->redirect_uri)) {
		req_error(r, 400, "The app asked to return to an address it "
		    "did not register (redirect_uri).");
		return -1;
	}
	z->state = req_param(r, "state");
	if (z->state != NULL && strlen(z->state) > 1024)
		z->state = NULL;
	z->challenge = req_param(r, "code_challenge");
	z->method = req_param(r, "code_challenge_method");
	if (z->challenge == NULL)
		z->challenge = "";
	if (z->method == NULL || *z->method == '\0')
		z->method = *z->challenge != '\0' ? "plain" : "";
	if (type == NULL || strcmp(type, "code") != 0) {
		authz_refuse(r, z, "unsupported_response_type");
		return -1;
	}
	z->scope = scope_normalise(r->arena, scope != NULL && *scope != '\0' ?
	    scope : "read");
	if (z->scope == NULL || !scope_subset(z->scope, z->app->scopes)) {
		authz_refuse(r, z, "invalid_scope");
		return -1;
	}
	if ((*z->challenge != '\0' && (strcmp(z->method, "S256") != 0 ||
	    !challenge_ok(z->challenge))) ||
	    (*z->challenge == '\0' && *z->method != '\0')) {
		authz_refuse(r, z, "invalid_request");
		return -1;
	}
	return 0;
}

/* GET /oauth/authorize: sign in first, then the consent page. */
enum handled
web_oauth_authorize_form(struct req *r)
{
	struct authz	 z;
	json_t		*v;

	if (authz_parse(r, &z) != 0)
		return HANDLED;
	if (r->auth == AUTH_BEARER) {
		req_error(r, 403, "Authorize apps from a web browser.");
		return HANDLED;
	}
	if (r->user == NULL) {
		req_redirect(r, arena_printf(r->arena, "/login?next=%s",
		    escape_url(r->arena, req_target(r))));
		return HANDLED;
	}
	v = req_view(r, i18n_format(r->arena, req_tr(r, "Authorize {app}"),
	    "app", z.app->name, NULL));
	json_object_set_new(v, "app", json_pack("{s:s, s:s?}", "name",
	    z.app->name, "website", z.app->website));
	json_object_set_new(v, "scopes", scope_list(r, z.scope));
	json_object_set_new(v, "client_id", json_string(z.app->client_id));
	json_object_set_new(v, "redirect_uri", json_string(z.redirect_uri));
	json_object_set_new(v, "scope", json_string(z.scope));
	json_object_set_new(v, "state", json_string(z.state ? z.state : ""));
	json_object_set_new(v, "code_challenge", json_string(z.challenge));
	json_object_set_new(v, "code_challenge_method",
	    json_string(z.method));
	/* The consent form's redirect must reach the app. */
	if (strcmp(z.redirect_uri, OOB) != 0)
		web_form_action(r, z.redirect_uri);
	req_html(r, 200, "authorize", v);
	return HANDLED;
}

/* On the writer: issue the code. */
static int
authz_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct authz	*z = arg;

	(void)cause;
	return oauth_code_create(db, z->app->id, r->user->id, z->redirect_uri,
	    z->scope, z->challenge, z->code, sizeof z->code) == 0 ? E_OK :
	    E_INTERNAL;
}

/* Committed: give the code to the app (or to the person, out of band). */
static void
authz_reply(struct req *r, void *arg)
{
	struct authz	*z = arg;
	json_t		*v;

	log_info("oauth: %s authorized app %lld (%s)", r->user->username,
	    (long long)z->app->id, z->scope);
	if (strcmp(z->redirect_uri, OOB) == 0) {
		v = req_view(r, "Authorization code");
		json_object_set_new(v, "app", json_pack("{s:s}", "name",
		    z->app->name));
		json_object_set_new(v, "code", json_string(z->code));
		req_html(r, 200, "authorize", v);
	} else
		authz_return(r, z, arena_printf(r->arena, "code=%s",
		    z->code));
	OPENSSL_cleanse(z->code, sizeof z->code);
}

/* POST /oauth/authorize: the person's decision (CSRF checked by the
 * router). */
enum handled
web_oauth_authorize(struct req *r)
{
	struct authz	*z = arena_alloc(r->arena, sizeof *z);
	const char	*decision = req_param(r, "decision");

	if (authz_parse(r, z) != 0)
		return HANDLED;
	if (r->auth != AUTH_SESSION) {
		req_error(r, 403, "Authorize apps from the web page.");
		return HANDLED;
	}
	if (decision == NULL || strcmp(decision, "authorize") != 0) {
		log_info("oauth: %s denied app %lld", r->user->username,
		    (long long)z->app->id);
		authz_refuse(r, z, "access_denied");
		return HANDLED;
	}
	return req_write(r, authz_write, authz_reply, z);
}
