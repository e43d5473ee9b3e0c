/*
 * apps.c: the JSON side of OAuth for apps, as Mastodon does it:
 * registering an app, the token and revocation endpoints (RFC 6749, 7009,
 * 7636) and the server metadata (RFC 8414). Errors here are RFC 6749's
 * {"error", "error_description"}, not hearth's usual {"error"}.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "handlers.h"

#define APP_NAME_MAX	200
#define APP_URI_MAX	2000
#define APP_URIS_MAX	16
#define OOB		"urn:ietf:wg:oauth:2.0:oob"

/* Answer an RFC 6749 error. */
static void
oauth_error(struct req *r, int status, const char *error, const char *desc)
{
	r->is_api = 1;
	if (status == 401)
		req_set_header(r, "WWW-Authenticate", "Basic realm=\"hearth\"");
	req_json(r, status, json_pack("{s:s, s:s}", "error", error,
	    "error_description", desc));
}

/*
 * The app authenticating itself: client_id and client_secret in the body,
 * or HTTP Basic. NULL after answering 401 invalid_client.
 */
static struct app *
oauth_client(struct req *r)
{
	const char	*auth = req_header(r, "Authorization");
	const char	*id = req_param(r, "client_id");
	const char	*secret = req_param(r, "client_secret");
	unsigned char	*raw;
	char		*colon;
	struct app	*app;
	size_t		 n;
	int		 len;

	if (auth != NULL && strncasecmp(auth, "Basic ", 6) == 0 &&
	    (n = strlen(auth + 6)) <= 1024 && n % 4 == 0) {
		raw = arena_alloc(r->arena, n + 1);
		len = EVP_DecodeBlock(raw, (const unsigned char *)auth + 6, n);
		if (len > 0) {
			raw[len] = '\0';
			/* EVP_DecodeBlock counts padding as zero bytes */
			if ((colon = strchr((char *)raw, ':')) != NULL) {
				id = form_decode(r->arena, (char *)raw,
				    colon - (char *)raw);
				secret = form_decode(r->arena, colon + 1,
				    strlen(colon + 1));
			}
		}
	}
	if ((app = app_get_by_client(req_db(r), r->arena, id)) == NULL ||
	    !app_secret_ok(app, secret)) {
		oauth_error(r, 401, "invalid_client", "Client authentication "
		    "failed due to unknown client, no client authentication "
		    "included, or unsupported authentication method.");
		return NULL;
	}
	return app;
}

/* A scope list as a JSON array. */
static json_t *
scope_array(const char *scopes)
{
	json_t		*a = json_array();
	const char	*p = scopes, *e;

	while (*p != '\0') {
		p += strspn(p, " \n");
		e = p + strcspn(p, " \n");
		if (e > p)
			json_array_append_new(a, json_stringn(p, e - p));
		p = e;
	}
	return a;
}

/* The Application entity; with the secret only when it is new. */
static json_t *
app_entity(const struct app *app, const char *secret)
{
	json_t	*j, *uris = scope_array(app->redirect_uris);
	char	*joined = xstrdup(app->redirect_uris), *p, id[24];

	for (p = joined; *p != '\0'; p++)
		if (*p == ' ')
			*p = '\n';
	snprintf(id, sizeof id, "%lld", (long long)app->id);
	j = json_pack("{s:s, s:s, s:o, s:o, s:s, s:o, s:s}",
	    "id", id, "name", app->name,
	    "website", app->website ? json_string(app->website) : json_null(),
	    "scopes", scope_array(app->scopes), "redirect_uri", joined,
	    "redirect_uris", uris, "vapid_key", vapid_public());
	free(joined);
	if (secret != NULL) {
		json_object_set_new(j, "client_id",
		    json_string(app->client_id));
		json_object_set_new(j, "client_secret", json_string(secret));
		json_object_set_new(j, "client_secret_expires_at",
		    json_integer(0));
	}
	return j;
}

/* Whether a redirect URI may be registered: the out-of-band URN or an
 * absolute URI without a fragment, whitespace or a dangerous scheme. */
static int
redirect_uri_ok(const char *u, size_t n)
{
	size_t	i;

	if (n == strlen(OOB) && strncmp(u, OOB, n) == 0)
		return 1;
	if (n == 0 || n > APP_URI_MAX || !((u[0] | 0x20) >= 'a' &&
	    (u[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < n && u[i] != ':'; i++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-", u[i]))
			return 0;
	}
	if (i == n || i + 1 == n)
		return 0;
	if ((i == 10 && strncasecmp(u, "javascript", 10) == 0) ||
	    (i == 4 && strncasecmp(u, "data", 4) == 0) ||
	    (i == 4 && strncasecmp(u, "file", 4) == 0))
		return 0;
	for (i = 0; i < n; i++) {
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f ||
		    strchr("#\"<>", u[i]) != NULL)
			return 0;
	}
	return 1;
}

/*
 * The redirect URIs of a registration, one space-separated string in the
 * arena (they may come newline or space separated, or as a JSON array);
 * NULL if one is bad or there is none.
 */
static char *
app_redirect_uris(struct req *r)
{
	json_t		*a = r->body ? json_object_get(r->body,
			    "redirect_uris") : NULL, *v;
	const char	*in, *p, *e;
	char		*out, *o;
	size_t		 i, n = 0;

	if (json_is_array(a)) {
		in = "";
		json_array_foreach(a, i, v) {
			if (!json_is_string(v))
				return NULL;
			in = arena_printf(r->arena, "%s %s", in,
			    json_string_value(v));
		}
	} else if ((in = req_param(r, "redirect_uris")) == NULL)
		return NULL;
	o = out = arena_alloc(r->arena, strlen(in) + 1);
	for (p = in; *p != '\0'; p = e) {
		p += strspn(p, " \t\r\n");
		e = p + strcspn(p, " \t\r\n");
		if (e == p)
			break;
		if (!redirect_uri_ok(p, e - p) || ++n > APP_URIS_MAX)
			return NULL;
		if (o != out)
			*o++ = ' ';
		memcpy(o, p, e - p);
		o += e - p;
	}
	*o = '\0';
	return n > 0 ? out : NULL;
}

/* A registration on its way to the writer. */
struct app_new {
	struct app	 app;
	char		 client_id[TOKEN_CHARS + 8];
	char		 secret[TOKEN_CHARS + 8];
};

/* On the writer: store the app. */
static int
app_create_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct app_new	*n = arg;

	(void)r;
	(void)cause;
	n->app.id = app_create(db, n->app.name, n->app.website,
	    n->app.redirect_uris, n->app.scopes, n->client_id, n->secret,
	    sizeof n->secret);
	return n->app.id > 0 ? E_OK : E_INTERNAL;
}

/* Committed: hand the app its credentials, this once. */
static void
app_create_reply(struct req *r, void *arg)
{
	struct app_new	*n = arg;

	n->app.client_id = n->client_id;
	log_info("oauth: app %lld '%s' registered from %s",
	    (long long)n->app.id, n->app.name, r->client_ip);
	req_json(r, 200, app_entity(&n->app, n->secret));
	OPENSSL_cleanse(n->secret, sizeof n->secret);
}

/* POST /api/v1/apps: client_name, redirect_uris, scopes, website. */
enum handled
api_app_create(struct req *r)
{
	const char	*name = req_param(r, "client_name");
	const char	*website = req_param(r, "website");
	const char	*scopes = req_param(r, "scopes");
	struct app_new	*n;

	if (name == NULL || *name == '\0' || strlen(name) > APP_NAME_MAX) {
		req_error(r, 422, "Validation failed: client_name must be "
		    "1 to 200 characters");
		return HANDLED;
	}
	if (website != NULL && (strlen(website) > APP_URI_MAX ||
	    (*website != '\0' && strncmp(website, "https://", 8) != 0 &&
	    strncmp(website, "http://", 7) != 0))) {
		req_error(r, 422, "Validation failed: website must be an "
		    "http(s) URL");
		return HANDLED;
	}
	n = arena_alloc(r->arena, sizeof *n);
	memset(n, 0, sizeof *n);
	n->app.name = name;
	n->app.website = website != NULL && *website != '\0' ? website : NULL;
	if ((n->app.redirect_uris = app_redirect_uris(r)) == NULL) {
		req_error(r, 422, "Validation failed: redirect_uris must be "
		    "absolute URIs without a fragment, or " OOB);
		return HANDLED;
	}
	if ((n->app.scopes = scope_normalise(r->arena, scopes != NULL &&
	    *scopes != '\0' ? scopes : "read")) == NULL) {
		req_error(r, 422, "Validation failed: scopes has an unknown "
		    "scope");
		return HANDLED;
	}
	return req_write(r, app_create_write, app_create_reply, n);
}

/* GET /api/v1/apps/verify_credentials: the app of the bearer token. */
enum handled
api_app_verify(struct req *r)
{
	struct app	*app;

	if (r->auth != AUTH_BEARER) {
		req_error(r, 401, "The access token is invalid");
		return HANDLED;
	}
	if ((app = app_get(req_db(r), r->arena, r->app_id)) == NULL) {
		req_error(r, 404, "This token was not issued to an app");
		return HANDLED;
	}
	req_json(r, 200, app_entity(app, NULL));
	return HANDLED;
}

/* A token request on its way to the writer. */
struct grant {
	struct app	*app;
	const char	*code;		/* authorization_code */
	const char	*redirect_uri;
	const char	*verifier;
	const char	*scopes;	/* asked for, or the code's */
	int64_t		 user_id;
	const char	*why;		/* the grant was refused */
	int64_t		 created_at;
	char		 token[TOKEN_CHARS + 8];
};

/* On the writer: redeem the code (if any) and issue the token. */
static int
grant_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct grant	*g = arg;

	(void)cause;
	if (g->code != NULL && oauth_code_redeem(db, r->arena, g->app->id,
	    g->code, g->redirect_uri, g->verifier, &g->user_id, &g->scopes,
	    &g->why) != 0)
		return E_OK;	/* nothing written: the reply says why */
	g->created_at = time(NULL);
	if (token_create_app(db, g->user_id, g->app->id, g->scopes, g->token,
	    sizeof g->token) <= 0)
		return E_INTERNAL;
	return E_OK;
}

/* Committed: the token, or why not. */
static void
grant_reply(struct req *r, void *arg)
{
	struct grant	*g = arg;

	r->is_api = 1;
	if (g->token[0] == '\0') {
		oauth_error(r, 400, "invalid_grant", g->why);
		return;
	}
	req_json(r, 200, json_pack("{s:s, s:s, s:s, s:I}",
	    "access_token", g->token, "token_type", "Bearer",
	    "scope", g->scopes, "created_at", (json_int_t)g->created_at));
	OPENSSL_cleanse(g->token, sizeof g->token);
}

/* POST /oauth/token: authorization_code or client_credentials. */
enum handled
api_oauth_token(struct req *r)
{
	const char	*type = req_param(r, "grant_type");
	const char	*scope = req_param(r, "scope");
	struct grant	*g;

	r->is_api = 1;
	if (type == NULL || *type == '\0') {
		oauth_error(r, 400, "invalid_request", "The grant_type "
		    "parameter is missing.");
		return HANDLED;
	}
	g = arena_alloc(r->arena, sizeof *g);
	memset(g, 0, sizeof *g);
	if ((g->app = oauth_client(r)) == NULL)
		return HANDLED;
	if (strcmp(type, "authorization_code") == 0) {
		g->code = req_param(r, "code");
		g->redirect_uri = req_param(r, "redirect_uri");
		g->verifier = req_param(r, "code_verifier");
		if (g->code == NULL || *g->code == '\0') {
			oauth_error(r, 400, "invalid_request", "The code "
			    "parameter is missing.");
			return HANDLED;
		}
	} else if (strcmp(type, "client_credentials") == 0) {
		g->scopes = scope_normalise(r->arena, scope != NULL &&
		    *scope != '\0' ? scope : "read");
		if (g->scopes == NULL || !scope_subset(g->scopes,
		    g->app->scopes)) {
			oauth_error(r, 400, "invalid_scope", "The requested "
			    "scope is invalid, unknown, or malformed.");
			return HANDLED;
		}
	} else {
		oauth_error(r, 400, "unsupported_grant_type", "The "
		    "authorization grant type is not supported by the "
		    "authorization server.");
		return HANDLED;
	}
	return req_write(r, grant_write, grant_reply, g);
}

/* A revocation on its way to the writer. */
struct revoke {
	int64_t		 app_id;
	const char	*token;
};

/* On the writer: revoke the token if the app holds it. */
static int
revoke_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct revoke	*v = arg;

	(void)r;
	(void)cause;
	return token_revoke_secret(db, v->app_id, v->token) == 0 ? E_OK :
	    E_INTERNAL;
}

/* Revoked (or never ours): RFC 7009 answers 200 either way. */
static void
revoke_reply(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* POST /oauth/revoke: token, client_id, client_secret. */
enum handled
api_oauth_revoke(struct req *r)
{
	struct revoke	*v;
	struct app	*app;

	r->is_api = 1;
	if ((app = oauth_client(r)) == NULL)
		return HANDLED;
	v = arena_alloc(r->arena, sizeof *v);
	v->app_id = app->id;
	if ((v->token = req_param(r, "token")) == NULL || *v->token == '\0') {
		oauth_error(r, 400, "invalid_request", "The token parameter "
		    "is missing.");
		return HANDLED;
	}
	return req_write(r, revoke_write, revoke_reply, v);
}

/* GET /.well-known/oauth-authorization-server (RFC 8414), as Mastodon
 * 4.3 publishes it. */
enum handled
api_oauth_metadata(struct req *r)
{
	const char	*base = req_config(r)->base_url;
	size_t		 n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	base = arena_strndup(r->arena, base, n);
	r->is_api = 1;
	req_json(r, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
	    "s:[s], s:[s], s:[s], s:[s,s], s:[s,s]}",
	    "issuer", arena_printf(r->arena, "%s/", base),
	    "service_documentation", "https://docs.joinmastodon.org/",
	    "authorization_endpoint", arena_printf(r->arena,
	    "%s/oauth/authorize", base),
	    "token_endpoint", arena_printf(r->arena, "%s/oauth/token", base),
	    "revocation_endpoint", arena_printf(r->arena, "%s/oauth/revoke",
	    base),
	    "app_registration_endpoint", arena_printf(r->arena,
	    "%s/api/v1/apps", base),
	    "scopes_supported", scope_known_json(),
	    "response_types_supported", "code",
	    "response_modes_supported", "query",
	    "code_challenge_methods_supported", "S256",
	    "grant_types_supported", "authorization_code",
	    "client_credentials",
	    "token_endpoint_auth_methods_supported", "client_secret_basic",
	    "client_secret_post"));
	return HANDLED;
}
