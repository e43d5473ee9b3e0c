/*
 * router.c: the one choke point every request passes. A static table maps
 * {methods, pattern} to a handler and flags; the router, not the handler,
 * sets the security headers, parses the body, finds who is asking (session
 * cookie or bearer token), and enforces the flags: sign-in, the admin role,
 * a bearer token's OAuth scopes and CSRF on unsafe methods. Unknown paths
 * get 404 and wrong methods 405, as JSON under /api/ and as a page
 * elsewhere.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "hearth.h"

#define M_UNSAFE (M_POST | M_PUT | M_DELETE | M_PATCH)

/*
 * The route table. Literal paths come before patterns that would also match
 * them ("verify_credentials" before ":id"): the first match wins.
 */
static const struct route routes[] = {
	/* pages and assets */
	{ M_GET,  "/healthz",		0,		web_healthz },
	{ M_GET,  "/static/:file",	0,		web_static },
	/* Unguessable names, and apps load images without credentials. */
	{ M_GET,  "/media/:file",	0,		web_media },
	{ M_GET,  "/avatars/:file",	0,		web_avatar_default },
	{ M_GET,  "/",			R_AUTH,		web_home },
	{ M_POST, "/compose",		R_AUTH,		web_compose },
	{ M_GET,  "/public",		R_AUTH,		web_public },
	{ M_GET,  "/tags/:tag",		R_AUTH,		web_tag },
	{ M_GET,  "/search",		R_AUTH,		web_search },
	{ M_GET,  "/directory",		R_AUTH,		web_directory },
	{ M_GET,  "/notifications",	R_AUTH,		web_notifications },
	{ M_POST, "/notifications/read", R_AUTH,	web_notifications_read },
	{ M_POST, "/notifications/clear", R_AUTH,	web_notifications_clear },
	{ M_GET,  "/login",		0,		web_login_form },
	{ M_POST, "/login",		R_ANON | R_UNGATED, web_login },
	{ M_POST, "/logout",		R_UNGATED,	web_logout },

	/*
	 * settings and admin (web): a browser session only, so that no bearer
	 * token (an app's, say) can mint tokens or manage people through them.
	 * Security and administration are not social writes: module gates
	 * (unacknowledged guidelines) never stop someone changing a password,
	 * signing out a lost phone, revoking a token or an admin disabling an
	 * account (R_UNGATED).
	 */
	{ M_GET,  "/settings",		R_AUTH | R_SESSION,
	    web_settings },
	{ M_GET,  "/settings/profile",	R_AUTH | R_SESSION,
	    web_settings_profile },
	{ M_POST, "/settings/profile",	R_AUTH | R_SESSION | R_UPLOAD,
	    web_settings_profile_save },
	{ M_GET,  "/settings/password",	R_AUTH | R_SESSION,
	    web_settings_password },
	{ M_POST, "/settings/password",	R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_password_save },
	{ M_GET,  "/settings/sessions",	R_AUTH | R_SESSION,
	    web_settings_sessions },
	{ M_POST, "/settings/sessions/others", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_sessions_others },
	{ M_POST, "/settings/sessions/:id/end", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_session_end },
	{ M_GET,  "/settings/tokens",	R_AUTH | R_SESSION,
	    web_settings_tokens },
	{ M_POST, "/settings/tokens",	R_AUTH | R_SESSION,
	    web_settings_token_create },
	{ M_POST, "/settings/tokens/:id/revoke", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_token_revoke },
	{ M_GET,  "/settings/apps",	R_AUTH | R_SESSION,
	    web_settings_apps },
	{ M_POST, "/settings/apps/:id/revoke", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_app_revoke },
	{ M_GET,  "/admin",		R_ADMIN | R_SESSION,
	    web_admin },
	{ M_GET,  "/admin/people",	R_ADMIN | R_SESSION,
	    web_admin_people },
	{ M_POST, "/admin/people",	R_ADMIN | R_SESSION |
	    R_UNGATED,
	    web_admin_person_create },
	{ M_POST, "/admin/people/:id/:action", R_ADMIN | R_SESSION |
	    R_UNGATED,
	    web_admin_person_action },

	{ M_GET,  "/@:name",		R_AUTH,		web_profile },
	{ M_POST, "/@:name/follow",	R_AUTH,		web_profile_follow },
	{ M_POST, "/@:name/unfollow",	R_AUTH,		web_profile_unfollow },
	{ M_GET,  "/@:name/:id",	R_AUTH,		web_post_page },
	{ M_POST, "/@:name/:id",	R_AUTH,		web_post_reply },
	{ M_POST, "/@:name/:id/favourite", R_AUTH,	web_post_favourite },
	{ M_POST, "/@:name/:id/unfavourite", R_AUTH,	web_post_unfavourite },

	/* groups (web) */
	{ M_GET,  "/groups",		R_AUTH,		web_groups },
	{ M_POST, "/groups",		R_AUTH,		web_group_create },
	{ M_GET,  "/groups/:id",	R_AUTH,		web_group },
	{ M_POST, "/groups/:id/post",	R_AUTH,		web_group_post },
	{ M_POST, "/groups/:id/join",	R_AUTH,		web_group_join },
	{ M_POST, "/groups/:id/leave",	R_AUTH,		web_group_leave },
	{ M_GET,  "/groups/:id/members", R_AUTH,	web_group_members },
	{ M_POST, "/groups/:id/members", R_AUTH,	web_group_add },
	{ M_POST, "/groups/:id/members/:name/remove", R_AUTH,
	    web_group_remove },
	{ M_POST, "/groups/:id/members/:name/promote", R_AUTH,
	    web_group_promote },
	{ M_POST, "/groups/:id/members/:name/demote", R_AUTH,
	    web_group_demote },
	{ M_GET,  "/@:name/:id/edit",	R_AUTH,		web_post_edit_form },
	{ M_POST, "/@:name/:id/edit",	R_AUTH,		web_post_edit },
	{ M_GET,  "/@:name/:id/delete",	R_AUTH,		web_post_delete_form },
	{ M_POST, "/@:name/:id/delete",	R_AUTH,		web_post_delete },

	/* OAuth for apps (apps post without a session, hence R_NOCSRF) */
	{ M_GET,  "/oauth/authorize",	0,	web_oauth_authorize_form },
	{ M_POST, "/oauth/authorize",	R_AUTH,		web_oauth_authorize },
	{ M_POST, "/oauth/token",	R_NOCSRF | R_UNGATED, api_oauth_token },
	{ M_POST, "/oauth/revoke",	R_NOCSRF | R_UNGATED, api_oauth_revoke },
	{ M_GET,  "/.well-known/oauth-authorization-server", 0,
	    api_oauth_metadata },
	{ M_POST, "/api/v1/apps",	R_NOCSRF,	api_app_create },
	{ M_GET,  "/api/v1/apps/verify_credentials", 0,	api_app_verify },

	/* instance, and what apps ask for as they start */
	{ M_GET,  "/api/v1/instance",	0,		api_instance_v1 },
	{ M_GET,  "/api/v2/instance",	0,		api_instance_v2 },
	{ M_GET,  "/api/v1/custom_emojis", 0,		api_empty_list },
	{ M_GET,  "/api/v1/filters",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v2/filters",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/lists",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/followed_tags", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/blocks",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/mutes",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/bookmarks",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/follow_requests", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/conversations", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/scheduled_statuses", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/endorsements", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/announcements", R_AUTH,	api_announcements },
	{ M_GET,  "/api/v1/preferences", R_AUTH,	api_preferences },
	{ M_GET,  "/api/v1/trends/tags", R_AUTH,	api_trends_tags },
	{ M_GET,  "/api/v1/trends",	R_AUTH,		api_trends_tags },
	{ M_GET,  "/api/v1/markers",	R_AUTH,		api_markers_get },
	{ M_POST, "/api/v1/markers",	R_AUTH,		api_markers_set },

	/* accounts */
	{ M_GET,  "/api/v1/accounts/verify_credentials", R_AUTH,
	    api_verify_credentials },
	{ M_PATCH, "/api/v1/accounts/update_credentials", R_AUTH | R_UPLOAD,
	    api_update_credentials },
	{ M_GET,  "/api/v1/accounts/lookup", R_AUTH,	api_account_lookup },
	{ M_GET,  "/api/v1/accounts/relationships", R_AUTH,
	    api_relationships },
	{ M_GET,  "/api/v1/accounts/search", R_AUTH,	api_account_search },
	{ M_GET,  "/api/v1/accounts/:id", R_AUTH,	api_account },
	{ M_GET,  "/api/v1/accounts/:id/statuses", R_AUTH,
	    api_account_statuses },
	{ M_GET,  "/api/v1/accounts/:id/followers", R_AUTH,
	    api_account_followers },
	{ M_GET,  "/api/v1/accounts/:id/following", R_AUTH,
	    api_account_following },
	{ M_POST, "/api/v1/accounts/:id/follow", R_AUTH | R_FOLLOW,
	    api_account_follow },
	{ M_POST, "/api/v1/accounts/:id/unfollow", R_AUTH | R_FOLLOW,
	    api_account_unfollow },
	{ M_GET,  "/api/v1/directory",	R_AUTH,		api_directory },

	/* statuses */
	{ M_POST, "/api/v1/statuses",	R_AUTH,		api_status_create },
	{ M_GET,  "/api/v1/statuses/:id", R_AUTH,	api_status_get },
	{ M_PUT,  "/api/v1/statuses/:id", R_AUTH,	api_status_edit },
	{ M_DELETE, "/api/v1/statuses/:id", R_AUTH,	api_status_delete },
	{ M_GET,  "/api/v1/statuses/:id/context", R_AUTH, api_status_context },
	{ M_GET,  "/api/v1/statuses/:id/history", R_AUTH, api_status_history },
	{ M_GET,  "/api/v1/statuses/:id/source", R_AUTH, api_status_source },
	{ M_POST, "/api/v1/statuses/:id/favourite", R_AUTH,
	    api_status_favourite },
	{ M_POST, "/api/v1/statuses/:id/unfavourite", R_AUTH,
	    api_status_unfavourite },
	{ M_GET,  "/api/v1/statuses/:id/favourited_by", R_AUTH,
	    api_status_favourited_by },
	{ M_GET,  "/api/v1/statuses/:id/reblogged_by", R_AUTH,
	    api_empty_list },
	{ M_GET,  "/api/v1/favourites",	R_AUTH,		api_favourites },

	/* timelines */
	{ M_GET,  "/api/v1/timelines/home", R_AUTH,	api_timeline_home },
	{ M_GET,  "/api/v1/timelines/public", R_AUTH,	api_timeline_public },
	{ M_GET,  "/api/v1/timelines/tag/:tag", R_AUTH,	api_timeline_tag },
	{ M_GET,  "/api/v1/timelines/group/:id", R_AUTH, api_timeline_group },
	{ M_GET,  "/api/v1/tags/:tag",	R_AUTH,		api_tag },

	/* groups (hearth) */
	{ M_GET,  "/api/v1/groups",	R_AUTH,		api_groups },
	{ M_POST, "/api/v1/groups",	R_AUTH,		api_group_create },
	{ M_GET,  "/api/v1/groups/:id",	R_AUTH,		api_group },
	{ M_POST, "/api/v1/groups/:id/join", R_AUTH,	api_group_join },
	{ M_POST, "/api/v1/groups/:id/leave", R_AUTH,	api_group_leave },
	{ M_GET,  "/api/v1/groups/:id/members", R_AUTH,	api_group_members },
	{ M_POST, "/api/v1/groups/:id/members", R_AUTH,	api_group_add },
	{ M_DELETE, "/api/v1/groups/:id/members/:account", R_AUTH,
	    api_group_remove },
	{ M_POST, "/api/v1/groups/:id/admins", R_AUTH,	api_group_admin_add },
	{ M_DELETE, "/api/v1/groups/:id/admins/:account", R_AUTH,
	    api_group_admin_remove },

	/* notifications */
	{ M_GET,  "/api/v1/notifications", R_AUTH,	api_notifications },
	{ M_GET,  "/api/v1/notifications/unread_count", R_AUTH,
	    api_notifications_unread },
	{ M_POST, "/api/v1/notifications/clear", R_AUTH,
	    api_notifications_clear },
	{ M_GET,  "/api/v1/notifications/:id", R_AUTH,	api_notification },
	{ M_POST, "/api/v1/notifications/:id/dismiss", R_AUTH,
	    api_notification_dismiss },

	/* search */
	{ M_GET,  "/api/v2/search",	R_AUTH,		api_search },

	/* streaming (server-sent events or WebSocket); EventSource cannot
	 * send headers, nor can a browser's WebSocket */
	{ M_GET,  "/api/v1/streaming",	R_AUTH | R_QTOKEN, api_streaming },
	{ M_GET,  "/api/v1/streaming/health", 0,	api_streaming_health },
	{ M_GET,  "/api/v1/streaming/user", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/user/notification", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/public", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/public/local", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/hashtag", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/hashtag/local", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/group", R_AUTH | R_QTOKEN,
	    api_streaming_named },
};

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

/* Each route's literal prefix (up to its first ':' or '*'), a cheap test
 * before the full match. */
static size_t		route_prefix[nitems(routes)];
static pthread_once_t	route_prefix_once = PTHREAD_ONCE_INIT;

/* Measure the routes' literal prefixes. */
static void
router_prefixes(void)
{
	size_t	i;

	for (i = 0; i < nitems(routes); i++)
		route_prefix[i] = strcspn(routes[i].pattern, ":*");
}

/*
 * The route for a path and method. If the path matches but no route takes
 * the method, returns NULL with the methods that would in *allowed.
 */
const struct route *
router_find(const char *path, int method, struct arena *a,
    const char **params, int *allowed)
{
	size_t	i;
	int	m = method == M_HEAD ? M_GET : method;

	pthread_once(&route_prefix_once, router_prefixes);
	*allowed = 0;
	for (i = 0; i < nitems(routes); i++) {
		if (strncmp(routes[i].pattern, path, route_prefix[i]) != 0 ||
		    route_match(routes[i].pattern, path, a, params,
		    ROUTE_MAX_PARAMS) < 0)
			continue;
		if (routes[i].methods & m)
			return &routes[i];
		*allowed |= routes[i].methods;
	}
	/* The modules' routes, a second table after the core's. */
	if (module_count() > 0)
		return module_route_find(path, m, a, params, allowed);
	return NULL;
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
 * Whether a bearer token's scopes cover the route: read for reads, write
 * for the rest, follow (or write:follows) for following. Sessions have all.
 */
static int
router_scope_ok(struct req *r, const struct route *route)
{
	if (r->auth != AUTH_BEARER)
		return 1;
	if (route->flags & R_FOLLOW)
		return scope_exact(r->scopes, "follow") ||
		    scope_exact(r->scopes, "write:follows");
	return scope_allows(r->scopes, (r->method & M_UNSAFE) ? "write" :
	    "read");
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
	long			 lim = c->max_body_size;

	if (!(r->route->flags & R_UPLOAD) && c->max_form_size < lim)
		lim = c->max_form_size;
	if (r->user == NULL && c->max_anon_body_size < lim)
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

	if ((r->method & M_UNSAFE) && req_parse_body(r) != 0)
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
	    !(route->flags & R_UNGATED) && module_count() > 0 &&
	    module_gate_write(r) != 0)
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
	route = router_find(r->path, r->method, r->arena, r->params, &allowed);
	if (route == NULL) {
		if (allowed)
			router_405(r, allowed);
		else
			req_error(r, 404, r->is_api ? "Record not found" :
			    "There is no page at this address.");
		goto done;
	}
	r->route = route;
	stamp_sync();		/* hearthctl may have written since */
	/* A read-only request reads one snapshot (see db_read_begin). */
	if ((r->method & (M_GET | M_HEAD)) && db_read_begin(req_db(r)) == 0)
		reading = 1;
	if (router_authenticate(r) != 0)
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
