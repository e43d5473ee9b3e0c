/*
 * router.c: the one choke point every request passes. Tables of routes
 * (the web's, the API's, the modules') map {methods, pattern} to a handler
 * and flags; the router, not the handler,
 * sets the security headers, parses the body, finds who is asking (session
 * cookie or bearer token), and enforces the flags: sign-in, the admin role,
 * a bearer token's OAuth scopes and CSRF on unsafe methods. SCIM's routes
 * take the provisioning token alone, and that token nothing else. Unknown
 * paths get 404 and wrong methods 405, as JSON under /api/ (SCIM's errors
 * under /scim/) and as a page elsewhere; an unknown API path's error names
 * the method and path asked, so "Record not found" always means a record.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "request.h"

#define M_UNSAFE (M_POST | M_PUT | M_DELETE | M_PATCH)

/* Names for the Allow header, in bit order. */
static const struct { int bit; const char *name; } method_names[] = {
	{ M_GET, "GET" }, { M_HEAD, "HEAD" }, { M_POST, "POST" },
	{ M_PUT, "PUT" }, { M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
};

/*
 * Match a path against a pattern of literal segments, ":name" segments (one
 * non-empty segment, captured), "@:name" segments (a literal prefix, then
 * the non-empty rest of the segment captured) and a final "*" (the rest).
 * Returns the number of captures, or -1 if it does not match.
 */
int
route_match(const char *pattern, const char *path, struct arena *a,
    const char **params, int maxparams)
{
	const char	*p = pattern, *s = path, *pe, *se, *pc;
	int		 n = 0;

	if (*p != '/' || *s != '/')
		return -1;
	while (*p != '\0') {
		if (*p != '/' || *s != '/')
			return -1;
		p++;
		s++;
		if (*p == '*' && p[1] == '\0') {
			if (n == maxparams)
				return -1;
			params[n++] = arena_strdup(a, s);
			return n;
		}
		pe = strchr(p, '/');
		if (pe == NULL)
			pe = p + strlen(p);
		se = strchr(s, '/');
		if (se == NULL)
			se = s + strlen(s);
		if ((pc = memchr(p, ':', pe - p)) != NULL) {
			/* "@:name": a literal prefix, then a non-empty capture */
			if (se - s <= pc - p || strncmp(p, s, pc - p) != 0 ||
			    n == maxparams)
				return -1;
			params[n++] = arena_strndup(a, s + (pc - p),
			    se - s - (pc - p));
		} else if (pe - p != se - s || strncmp(p, s, pe - p) != 0)
			return -1;
		p = pe;
		s = se;
	}
	return *s == '\0' ? n : -1;
}

/*
 * The route tables, walked in the order registered (the web's, then the
 * API's between the two halves of the refused Mastodon endpoints'), then
 * the modules' through the hooks. Each route's literal prefix
 * (up to its first ':' or '*') is measured once, a cheap test before the
 * full match.
 */
#define ROUTE_TABLES_MAX	6
static struct route_table {
	const struct route	*routes;
	size_t			 n;
	size_t			*prefix;
} tables[ROUTE_TABLES_MAX];
static size_t	ntables;

/* Add a table of routes (at startup, before any request). */
void
router_add(const struct route *routes, size_t n)
{
	struct route_table	*t;
	size_t			 i;

	if (ntables == ROUTE_TABLES_MAX)
		fatalx("router: too many route tables");
	t = &tables[ntables++];
	t->routes = routes;
	t->n = n;
	t->prefix = xcalloc(n, sizeof *t->prefix);
	for (i = 0; i < n; i++)
		t->prefix[i] = strcspn(routes[i].pattern, ":*");
}

/* Forget the tables (at exit). */
void
router_clear(void)
{
	while (ntables > 0)
		free(tables[--ntables].prefix);
}

/*
 * The route for a path and method. If the path matches but no route takes
 * the method, returns NULL with the methods that would in *allowed.
 */
const struct route *
router_find(const char *path, int method, struct arena *a,
    const char **params, int *allowed)
{
	const struct req_hooks	*h = req_get_hooks();
	const struct route	*rt;
	size_t			 i, t;
	int			 m = method == M_HEAD ? M_GET : method;

	*allowed = 0;
	for (t = 0; t < ntables; t++) {
		for (i = 0; i < tables[t].n; i++) {
			rt = &tables[t].routes[i];
			if (strncmp(rt->pattern, path,
			    tables[t].prefix[i]) != 0 ||
			    route_match(rt->pattern, path, a, params,
			    ROUTE_MAX_PARAMS) < 0)
				continue;
			if (rt->methods & m)
				return rt;
			*allowed |= rt->methods;
		}
	}
	/* The modules' routes, after the core's. */
	if (h->route_find != NULL)
		return h->route_find(path, m, a, params, allowed);
	return NULL;
}

/*
 * Rails, and so Mastodon, routes "/api/v1/instance/" as "/api/v1/instance":
 * a trailing slash is optional on every route. Clients rely on it (a
 * popular Python client's version check asks for the slashed path), so a
 * path no route takes is tried once more without its trailing slashes.
 */
static const struct route *
router_find_slash(struct req *r, int *allowed)
{
	const struct route	*route;
	size_t			 len = strlen(r->path);
	char			*bare;

	if (len < 2 || r->path[len - 1] != '/')
		return NULL;
	while (len > 1 && r->path[len - 1] == '/')
		len--;
	bare = arena_strndup(r->arena, r->path, len);
	route = router_find(bare, r->method, r->arena, r->params, allowed);
	if (route != NULL || *allowed != 0)
		r->path = bare;
	return route;
}

/* Headers every answer carries, errors of the transport's included. */
static const struct http_field security_headers[] = {
	{ "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
	    "manifest-src 'self'; form-action 'self'; base-uri 'none'; "
	    "frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "same-origin" },
	{ "Cache-Control", "no-store" },
};

/* Set the headers every answer carries. */
static void
router_security_headers(struct req *r)
{
	size_t	i;

	for (i = 0; i < nitems(security_headers); i++)
		http_add_header(r->h, security_headers[i].name,
		    security_headers[i].value);
	if (r->is_tls)
		http_add_header(r->h, "Strict-Transport-Security",
		    "max-age=31536000");
}

/*
 * A whole answer the transport sends to a connection it refuses before
 * reading anything (over a cap): status, hearth's headers, a JSON error,
 * Retry-After, and a Date the sender fills in over the X's.
 */
char *
router_refusal(int status, const char *msg)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*j = json_pack("{s:s}", "error", msg);
	char		*body = json_dumps(j, JSON_COMPACT), *text;
	size_t		 i, len;

	evbuffer_add_printf(b, "HTTP/1.1 %d %s\r\n", status,
	    http_reason(status));
	for (i = 0; i < nitems(security_headers); i++)
		evbuffer_add_printf(b, "%s: %s\r\n", security_headers[i].name,
		    security_headers[i].value);
	evbuffer_add_printf(b, "Content-Type: application/json; "
	    "charset=utf-8\r\nContent-Length: %zu\r\nRetry-After: 1\r\n"
	    "Connection: close\r\nDate: %s\r\n\r\n%s", strlen(body),
	    HTTP_DATE_BLANK, body);
	len = evbuffer_get_length(b);
	text = xmalloc(len + 1);
	evbuffer_remove(b, text, len);
	text[len] = '\0';
	evbuffer_free(b);
	free(body);
	json_decref(j);
	return text;
}

/* Answer 405 with an Allow header. */
static void
router_405(struct req *r, int allowed)
{
	char	allow[128] = "";
	size_t	i, len = 0;

	for (i = 0; i < nitems(method_names); i++) {
		if ((allowed & method_names[i].bit) ||
		    (method_names[i].bit == M_HEAD && (allowed & M_GET)))
			len += snprintf(allow + len, sizeof allow - len, "%s%s",
			    len ? ", " : "", method_names[i].name);
	}
	req_set_header(r, "Allow", allow);
	req_error(r, 405, "Method not allowed");
}

/* On the writer: a session was used. */
static int
touch_session(struct db *db, void *arg)
{
	return session_touch(db, *(int64_t *)arg);
}

/* On the writer: a token was used. */
static int
touch_token(struct db *db, void *arg)
{
	return token_touch(db, *(int64_t *)arg);
}

/* On the writer: end a session found expired. */
static int
end_session(struct db *db, void *arg)
{
	return session_end(db, arg);
}

/* Queue a background write about id (a session or token). */
static void
router_note(struct req *r, write_fn fn, int64_t id)
{
	int64_t	*arg = xmalloc(sizeof *arg);

	*arg = id;
	writer_background(r->loop, fn, arg);
}

/*
 * Find who is asking: a bearer token (API) or else a session cookie. A bad
 * bearer token is an error (apps must learn their token is dead); a bad
 * cookie just means signed out. -1 if the request was answered.
 */
static int
router_authenticate(struct req *r)
{
	const struct config	*c = req_config(r);
	const char		*auth, *cookie, *token;
	struct token_auth	 t;
	struct user		*u = NULL;

	if ((cookie = req_header(r, "Cookie")) != NULL)
		cookie_parse(r->arena, cookie, &r->cookies);
	auth = req_header(r, "Authorization");
	token = NULL;
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		token = auth + 7;
		while (*token == ' ')
			token++;
	} else if (r->route->flags & R_QTOKEN) {
		/* EventSource sends no headers; a browser's WebSocket sends
		 * only its subprotocol, which Mastodon uses for the token. */
		token = kv_get(&r->query, "access_token");
		if (token == NULL && (token = req_header(r,
		    "Sec-WebSocket-Protocol")) != NULL)
			r->ws_protocol = token;
	}
	if (token != NULL) {
		if (token_lookup(req_db(r), r->arena, token, &t) != 0 ||
		    (t.user_id != 0 &&
		    (u = user_get(req_db(r), r->arena, t.user_id)) == NULL)) {
			req_set_header(r, "WWW-Authenticate", "Bearer error="
			    "\"invalid_token\"");
			r->is_api = 1;
			req_error(r, 401, "The access token is invalid");
			return -1;
		}
		r->user = u;		/* NULL for an app's own token */
		r->auth = AUTH_BEARER;
		r->app_id = t.app_id;
		r->token_id = t.id;
		r->scopes = t.scopes;
		if (t.touch != 0)
			router_note(r, touch_token, t.touch);
		return 0;
	}
	token = kv_get(&r->cookies, req_cookie_name(r));
	if (token != NULL && session_lookup(req_db(r), token, c->session_idle,
	    c->session_lifetime, &r->session) == 0 &&
	    (u = user_get(req_db(r), r->arena, r->session.user_id)) != NULL) {
		r->user = u;
		r->auth = AUTH_SESSION;
		r->csrf_binding = r->session.hash;
		if (r->session.touch)
			router_note(r, touch_session, r->session.id);
	} else {
		if (token != NULL && r->session.expired)
			writer_background(r->loop, end_session,
			    xstrdup(r->session.hash));
		if (token != NULL)	/* expired or ended: drop it */
			req_set_cookie(r, req_cookie_name(r), "", 0);
		r->csrf_binding = kv_get(&r->cookies, "hearth_csrf");
	}
	return 0;
}

/*
 * The person an authenticating proxy names (auth.proxy_header), when the
 * request came from one of auth.proxy_addresses (the TCP peer itself, never
 * a forwarded-for header), or NULL.
 */
const char *
router_proxy_user(struct req *r)
{
	const struct config	*c = req_config(r);
	const char		*who;

	if (c->proxy_header == NULL || *c->proxy_header == '\0' ||
	    !addrlist_match(c->proxy_addresses, r->h->peer))
		return NULL;
	who = req_header(r, c->proxy_header);
	if (who == NULL || *who == '\0' || strlen(who) > 255)
		return NULL;
	return who;
}

/*
 * Behind an authenticating proxy: a browser whose session is not the
 * person the proxy names is sent to sign in as them (/auth/proxy), from
 * any page that needs someone signed in and from the sign-in page; its
 * old session no longer counts. -1 if the request was answered.
 */
static int
router_proxy(struct req *r)
{
	const char	*who, *next;
	int64_t		 uid;

	if (r->auth == AUTH_BEARER || (who = router_proxy_user(r)) == NULL ||
	    strcmp(r->path, "/auth/proxy") == 0)
		return 0;
	if (r->auth == AUTH_SESSION && identity_find(req_db(r), IDP_PROXY, "",
	    who, &uid) == 0 && uid == r->user->id)
		return 0;
	r->user = NULL;
	r->auth = AUTH_NONE;
	if (!r->is_api && (r->method & (M_GET | M_HEAD)) &&
	    ((r->route->flags & (R_AUTH | R_ADMIN)) ||
	    strcmp(r->path, "/login") == 0)) {
		/* /auth/proxy checks next as the sign-in page does */
		next = strcmp(r->path, "/login") != 0 ? r->path :
		    req_param(r, "next") != NULL ? req_param(r, "next") : "/";
		req_redirect(r, arena_printf(r->arena, "/auth/proxy?next=%s",
		    escape_url(r->arena, next)));
		return -1;
	}
	return 0;
}

/*
 * Whether a bearer token's scopes cover the route: read for reads, write
 * for the rest, follow (or write:follows) for following. Sessions have all.
 */
static int
router_scope_ok(struct req *r, const struct route *route)
{
	if (r->auth != AUTH_BEARER || (route->flags & R_SCIM))
		return 1;	/* SCIM's: router_scim_ok */
	if (route->flags & R_FOLLOW)
		return scope_exact(r->scopes, "follow") ||
		    scope_exact(r->scopes, "write:follows");
	if (route->flags & R_PUSH)
		return scope_exact(r->scopes, "push");
	return scope_allows(r->scopes, (r->method & M_UNSAFE) ? "write" :
	    "read");
}

/*
 * SCIM provisioning's one rule, both ways: its routes take only a token
 * with the scim scope that speaks for no person (hearthctl scim token's),
 * never a session, so a browser cannot be made to provision; and that
 * token works nowhere else. 0, or -1 after answering 401 or 403.
 */
static int
router_scim_ok(struct req *r, const struct route *route)
{
	int	scim_token = r->auth == AUTH_BEARER &&
		    scope_exact(r->scopes, SCOPE_SCIM);

	if (!(route->flags & R_SCIM)) {
		if (!scim_token)
			return 0;
		r->is_api = 1;
		req_error(r, 403, "A SCIM provisioning token works only under "
		    "/scim/v2/");
		return -1;
	}
	if (r->auth != AUTH_BEARER) {
		req_set_header(r, "WWW-Authenticate", "Bearer realm=\"hearth "
		    "SCIM\"");
		req_error(r, 401, "SCIM provisioning needs the bearer token "
		    "that hearthctl scim token prints");
		return -1;
	}
	if (!scim_token || r->user != NULL) {
		req_set_header(r, "WWW-Authenticate", "Bearer error="
		    "\"insufficient_scope\", scope=\"scim\"");
		req_error(r, 403, "This token lacks the scim scope: make one "
		    "with hearthctl scim token");
		return -1;
	}
	return 0;
}

/* Whether an unsafe request carries the right CSRF token. */
static int
router_csrf_ok(struct req *r)
{
	const char	*token;

	if ((token = req_header(r, "X-CSRF-Token")) == NULL)
		token = kv_get(&r->form, "csrf");
	return csrf_check(r->csrf_binding, token);
}

/*
 * The most a request may send as its body: max_body_size where files are
 * taken, max_form_size elsewhere, and max_anon_body_size for anyone not
 * signed in.
 */
static size_t
router_body_limit(struct req *r)
{
	const struct config	*c = req_config(r);
	long			 lim = c->max_body_size, up;

	/* an upload route takes the largest file media.* allows, and the
	 * form around it */
	up = (c->media_max_file_size > c->media_max_image_size ?
	    c->media_max_file_size : c->media_max_image_size) + (64L << 10);
	if ((r->route->flags & R_UPLOAD) && up > lim)
		lim = up;
	if (!(r->route->flags & R_UPLOAD) && c->max_form_size < lim)
		lim = c->max_form_size;
	/* a SCIM token is no person's, yet no stranger's either: a PATCH
	 * of a large group's members takes the form limit */
	if (r->user == NULL && !(r->route->flags & R_SCIM) &&
	    c->max_anon_body_size < lim)
		lim = c->max_anon_body_size;
	return (size_t)lim;
}

/*
 * The second half of a request, once its body (if any) is read: parse it,
 * check CSRF and the modules' gates, and run the handler. reading: a read
 * snapshot is open (GET and HEAD).
 */
static void
router_run(struct req *r, int reading)
{
	const struct route	*route = r->route;
	enum handled		 h;

	/* A public listener's handlers read the body as sent (signatures
	 * cover its exact bytes). */
	if ((r->method & M_UNSAFE) && !r->is_public && req_parse_body(r) != 0)
		goto done;
	if ((r->method & M_UNSAFE) && r->auth != AUTH_BEARER &&
	    !(route->flags & R_NOCSRF) && !router_csrf_ok(r)) {
		req_error(r, 403, "The form has expired or did not come from "
		    "hearth (missing or wrong CSRF token). Reload the page and "
		    "try again.");
		goto done;
	}
	/* Modules' gate hooks see every write of a signed-in person. */
	if ((r->method & M_UNSAFE) && r->user != NULL &&
	    !(route->flags & R_UNGATED) &&
	    req_get_hooks()->gate_write != NULL &&
	    req_get_hooks()->gate_write(r) != 0)
		goto done;
	h = route->handler(r);
	if (h == HANDLED_ASYNC) {
		if (reading)	/* a stream or a worker's answer comes later */
			db_read_end(req_db(r));
		return;		/* the handler's completion replies and frees */
	}
	if (!r->replied) {
		log_error("%s: handler returned without replying",
		    route->pattern);
		req_error(r, 500, "Internal error");
	}
done:
	if (reading)
		db_read_end(req_db(r));
	req_free(r);
}

/* The transport read the body (0), refused it (a status) or lost it. */
static void
router_body_done(struct http_request *h, int status, void *arg)
{
	struct req	*r = arg;

	(void)h;
	switch (status) {
	case 0:
		router_run(r, 0);
		return;
	case -1:		/* the client went away */
		break;
	case 413:
		req_error(r, 413, arena_printf(r->arena, "The request body is "
		    "too large: at most %zu bytes here.", router_body_limit(r)));
		break;
	case 503:
		req_retry_after(r, 1);
		req_error(r, 503, "The server is busy receiving other uploads; "
		    "try again in a moment.");
		break;
	default:
		req_error(r, status, "The request body's chunked framing is "
		    "malformed.");
		break;
	}
	req_free(r);
}

/*
 * A request on a module's public listener (the bridge's, facing the
 * internet): only the modules' public routes exist there. No cookie,
 * token or CSRF token is looked at, no gate runs, errors are JSON (never
 * the internal site's pages, whose links lead inside), and the body limit
 * is the anonymous one.
 */
static void
router_public(struct req *r)
{
	const struct req_hooks	*hk = req_get_hooks();
	const struct route	*route = NULL;
	int			 allowed = 0, m, reading = 0;

	r->is_api = 1;
	m = r->method == M_HEAD ? M_GET : r->method;
	if (hk->public_find != NULL)
		route = hk->public_find(r->path, m, r->arena, r->params,
		    &allowed);
	if (route == NULL) {
		if (allowed)
			router_405(r, allowed);
		else
			req_error(r, 404, "Not found");
		req_free(r);
		return;
	}
	r->route = route;
	epoch_sync();
	if (r->method & M_UNSAFE) {
		http_read_body(r->h, router_body_limit(r), router_body_done, r);
		return;
	}
	if (db_read_begin(req_db(r)) == 0)
		reading = 1;
	router_run(r, reading);
}

/*
 * Every request starts here, as soon as its head has arrived: which route,
 * who is asking, and whether they may, are all decided from the head, so a
 * request that will be refused is refused before its body is read. Only
 * then is the body read (up to the route's limit), and router_run goes on.
 */
void
router_dispatch(struct http_request *h, void *arg)
{
	struct loop		*loop = arg;
	struct req		*r;
	const struct route	*route;
	int			 allowed, reading = 0;

	r = req_new(loop, h);
	router_security_headers(r);
	if (h->error != 0) {
		r->is_api = 1;
		req_error(r, h->error, arena_printf(r->arena, "%s: %s",
		    http_reason(h->error), h->why));
		goto done;
	}
	if (r->path == NULL) {
		r->is_api = 1;
		req_error(r, 400, "Malformed request URI");
		goto done;
	}
	if (r->is_public) {
		router_public(r);
		return;
	}
	if (h->metrics) {		/* metrics_listen: nothing else there */
		metrics_serve(r);
		goto done;
	}
	route = router_find(r->path, r->method, r->arena, r->params, &allowed);
	if (route == NULL && allowed == 0)
		route = router_find_slash(r, &allowed);
	if (route == NULL) {
		if (allowed)
			router_405(r, allowed);
		else
			req_error(r, 404, r->is_api ? arena_printf(r->arena,
			    "No API endpoint %s %s", h->head.method, r->path) :
			    "There is no page at this address.");
		goto done;
	}
	r->route = route;
	/* Off, SCIM is not there at all: no hint that it could be. */
	if ((route->flags & R_SCIM) && !req_config(r)->scim) {
		req_error(r, 404, "Record not found");
		goto done;
	}
	epoch_sync();		/* hearthctl may have written since */
	/* A read-only request reads one snapshot (see db_read_begin). */
	if ((r->method & (M_GET | M_HEAD)) && db_read_begin(req_db(r)) == 0)
		reading = 1;
	if (router_authenticate(r) != 0 || router_scim_ok(r, route) != 0 ||
	    router_proxy(r) != 0)
		goto done;
	if ((route->flags & (R_AUTH | R_ADMIN)) && r->user == NULL) {
		if (r->is_api)
			req_error(r, 401, "The access token is invalid");
		else if (r->method == M_GET || r->method == M_HEAD)
			req_redirect(r, arena_printf(r->arena, "/login?next=%s",
			    escape_url(r->arena, r->path)));
		else
			req_error(r, 401, "Please sign in first.");
		goto done;
	}
	if ((route->flags & R_SESSION) && r->auth != AUTH_SESSION) {
		req_error(r, 403, "This page is for the web browser; an API "
		    "token cannot use it.");
		goto done;
	}
	/* An admin gave this person their password: until they choose
	 * their own, the web (and so OAuth authorization) shows only the
	 * form to change it. */
	if (r->user != NULL && r->auth == AUTH_SESSION &&
	    r->user->must_change_password && !(route->flags & R_PWCHANGE)) {
		if ((r->method & (M_GET | M_HEAD)) && !r->is_api)
			req_redirect(r, strcmp(r->path, "/") == 0 ?
			    "/settings/password" : arena_printf(r->arena,
			    "/settings/password?next=%s", escape_url(r->arena,
			    req_target(r))));
		else
			req_error(r, 403, "Choose your own password first, "
			    "under Settings.");
		goto done;
	}
	if ((route->flags & R_ADMIN) && r->user->role != ROLE_ADMIN) {
		req_error(r, 403, "This action is for administrators.");
		goto done;
	}
	if (!router_scope_ok(r, route)) {
		r->is_api = 1;
		req_error(r, 403, "This action is outside the authorized "
		    "scopes");
		goto done;
	}
	if (r->method & M_UNSAFE) {
		/* router_body_done goes on, now or once the body is in. */
		http_read_body(h, router_body_limit(r), router_body_done, r);
		return;
	}
	router_run(r, reading);
	return;
done:
	if (reading)
		db_read_end(req_db(r));
	req_free(r);
}
