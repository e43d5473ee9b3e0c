/*
 * request.c: one HTTP request as handlers see it. Everything it allocates is
 * in its arena; replies go through req_reply so the loop's count of requests
 * in flight (which a graceful shutdown waits on) stays right. Handlers reply
 * with req_json, req_html, req_error or req_redirect and never touch the
 * transport.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "request.h"

#define SESSION_COOKIE		"hearth_session"
#define SESSION_COOKIE_HOST	"__Host-hearth_session"
#define VIEW_HOOKS_MAX		8

/* What the layers above hang on the request path (req_set_hooks): none
 * until the module layer sets them, so no module costs nothing. */
static struct req_hooks	 hooks;
static req_view_fn	 view_hooks[VIEW_HOOKS_MAX];
static size_t		 nview_hooks;

/* Set the hooks (the module layer, once its modules are loaded). */
void
req_set_hooks(const struct req_hooks *h)
{
	hooks = *h;
}

/* The hooks as set. */
const struct req_hooks *
req_get_hooks(void)
{
	return &hooks;
}

/* Add to every page's view (the web's asset URLs, modules' fragments);
 * at startup. */
void
req_view_hook_add(req_view_fn fn)
{
	if (nview_hooks == VIEW_HOOKS_MAX)
		fatalx("request: too many view hooks");
	view_hooks[nview_hooks++] = fn;
}

/*
 * The modules' tools on a person's own public posts ("Share outside"),
 * each a link to PREFIX/ID: registered as modules load, before any loop
 * runs, and static after, so that rendered cards stay cacheable.
 */
#define POST_TOOLS_MAX	8
static struct post_tool	 post_tools[POST_TOOLS_MAX];
static size_t		 npost_tools;

int
req_post_tool_add(const char *label, const char *prefix, int owner,
    int outside)
{
	if (npost_tools == POST_TOOLS_MAX || owner < 0 || owner > 31)
		return -1;
	post_tools[npost_tools].label = xstrdup(label);
	post_tools[npost_tools].prefix = xstrdup(prefix);
	post_tools[npost_tools].owner = owner;
	post_tools[npost_tools].outside = outside;
	npost_tools++;
	return 0;
}

/* Whose tools (a bit per owner) the signed-in person gets; 0 if none. */
uint32_t
req_post_tools_for(struct req *r)
{
	if (npost_tools == 0 || r->user == NULL ||
	    hooks.post_tools_for == NULL)
		return 0;
	return hooks.post_tools_for(r);
}

/* The tools registered, and how many. */
const struct post_tool *
req_post_tools(size_t *n)
{
	*n = npost_tools;
	return post_tools;
}

/* Whether the modules let a post's text be written; -1 once refused. */
int
req_gate_post(struct req *r, const char *text)
{
	return hooks.gate_post != NULL ? hooks.gate_post(r, text) : 0;
}

/* Whether the modules let the signed-in person follow an outside account;
 * -1 once refused. */
int
req_gate_follow(struct req *r, int64_t followee)
{
	return hooks.gate_follow != NULL ? hooks.gate_follow(r, followee) : 0;
}

/* Whether the modules' gate would refuse the signed-in person's writes
 * now (1, and why in *g), without answering: a page shows the way out
 * instead of a form that would be refused. */
int
req_gate_check(struct req *r, struct req_gate *g)
{
	memset(g, 0, sizeof *g);
	if (r->user == NULL || hooks.gate_check == NULL)
		return 0;
	return hooks.gate_check(r, g);
}

/*
 * Let a module look the search words q up outside (once per request):
 * 1 if one does, and again(r) runs on r's loop when it is done; else 0.
 */
int
req_resolve(struct req *r, const char *q, void (*again)(struct req *))
{
	if (r->resolved || hooks.resolve == NULL)
		return 0;
	r->resolved = 1;
	return hooks.resolve(r, q, again);
}

/* The modules' post options the request chose (space separated), or NULL. */
const char *
req_post_options(struct req *r)
{
	return hooks.post_options != NULL ? hooks.post_options(r) : NULL;
}

/* Where a person lands after a web sign-in (a module's choice), or NULL. */
const char *
req_landing(struct req *r, int64_t person)
{
	return hooks.landing != NULL ? hooks.landing(r, person) : NULL;
}

/* Add the modules' announcements to a list. */
void
req_announcements(struct req *r, json_t *list)
{
	if (hooks.announcements != NULL)
		hooks.announcements(r, list);
}

/* Add the modules' rules (Mastodon Rule entities) to a list. */
void
req_rules(struct req *r, json_t *list)
{
	if (hooks.rules != NULL)
		hooks.rules(r, list);
}

/* Whether the module called name is loaded. */
int
req_module_loaded(const char *name)
{
	return hooks.loaded != NULL && hooks.loaded(name);
}

/*
 * Wrap a request the transport has read the head of (or refused: then
 * the path stays NULL, and the router answers with the transport's
 * status). The request lives in the transport's arena, and goes with it.
 */
struct req *
req_new(struct loop *loop, struct http_request *h)
{
	struct req	*r;
	const char	*target, *q, *xff, *comma;

	r = arena_alloc(h->arena, sizeof *r);
	memset(r, 0, sizeof *r);
	r->arena = h->arena;
	r->h = h;
	r->loop = loop;
	r->started_us = clock_usec();
	r->method = h->head.mbit;
	r->is_tls = h->tls;
	r->is_public = h->public;
	r->client_ip = h->peer;
	if (h->error != 0)
		return r;
	if (loop->server->config->trust_proxy &&
	    (xff = req_header(r, "X-Forwarded-For")) != NULL) {
		/* The proxy appends the address it saw: take the last hop. */
		comma = strrchr(xff, ',');
		xff = comma ? comma + 1 : xff;
		while (*xff == ' ')
			xff++;
		if (*xff != '\0' && strlen(xff) < 64)
			r->client_ip = arena_strdup(r->arena, xff);
	}

	if ((target = h->head.path) == NULL)
		return r;	/* path stays NULL: the router answers 400 */
	q = strchr(target, '?');
	r->path = path_decode(r->arena, target, q ? (size_t)(q - target) :
	    strlen(target));
	r->is_api = r->path && (strncmp(r->path, "/api/", 5) == 0 ||
	    strncmp(r->path, "/scim/", 6) == 0);
	r->is_scim = r->path && strncmp(r->path, "/scim/", 6) == 0 &&
	    loop->server->config->scim;
	if (r->path != NULL && q != NULL &&
	    form_parse(r->arena, q + 1, strlen(q + 1), &r->query) != 0)
		r->path = NULL;
	return r;
}

/* Free a request's memory (after it has been answered). */
void
req_free(struct req *r)
{
	if (r == NULL)
		return;
	render_lent_clear(r);	/* what it lent and did not render */
	json_decref(r->body);
	http_request_free(r->h);	/* and the arena r lives in */
}

/* The config of the server the request came to. */
const struct config *
req_config(struct req *r)
{
	return r->loop->server->config;
}

/* The loop thread's database connection. */
struct db *
req_db(struct req *r)
{
	return r->loop->db;
}

/* A request header, or NULL. */
const char *
req_header(struct req *r, const char *name)
{
	return http_header(r->h, name);
}

/* A header of the answer so far, or NULL. */
const char *
req_out_header(struct req *r, const char *name)
{
	return http_out_header(r->h, name);
}

/* The path and query the request was sent to, as sent. */
const char *
req_target(struct req *r)
{
	return r->h->head.path != NULL ? r->h->head.path : "/";
}

/* Set (replace) a response header. */
void
req_set_header(struct req *r, const char *name, const char *value)
{
	http_set_header(r->h, name, value);
}

/* A parameter from the body (form or JSON string) or else the query. */
const char *
req_param(struct req *r, const char *name)
{
	const char	*v;
	json_t		*j;

	if ((v = kv_get(&r->form, name)) != NULL)
		return v;
	if (r->body != NULL && (j = json_object_get(r->body, name)) != NULL) {
		if (json_is_string(j))
			return json_string_value(j);
		if (json_is_integer(j))
			return arena_printf(r->arena, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(j));
		if (json_is_boolean(j))
			return json_is_true(j) ? "true" : "false";
	}
	return kv_get(&r->query, name);
}

/*
 * Parse a multipart/form-data body: text parts into r->form, like a
 * urlencoded form, and file parts into r->files (pointing into the input
 * buffer, which lives as long as the request). 0, or -1 after answering 400.
 */
static int
req_parse_multipart(struct req *r, const char *ctype, const char *data,
    size_t len)
{
	struct multipart	*m = arena_alloc(r->arena, sizeof *m);
	char			*cause = NULL;
	size_t			 i, nfiles = 0;

	if (multipart_parse(r->arena, ctype, data, len, m, &cause) != 0) {
		req_error(r, 400, arena_printf(r->arena, "The form data is "
		    "malformed: %s", cause));
		free(cause);
		return -1;
	}
	for (i = 0; i < m->n; i++) {
		if (m->parts[i].filename == NULL)
			kv_add(r->arena, &r->form, m->parts[i].name,
			    m->parts[i].data);
		else
			m->parts[nfiles++] = m->parts[i];
	}
	m->n = nfiles;
	r->files = m;
	return 0;
}

/* The uploaded file called name in a multipart body, or NULL. */
const struct part *
req_file(struct req *r, const char *name)
{
	return r->files != NULL ? multipart_get(r->files, name) : NULL;
}

/*
 * Whether a body is JSON: application/json, or SCIM's
 * application/scim+json. SCIM clients' bodies are JSON whatever they
 * say, Okta's sometimes without a Content-Type at all.
 */
static int
req_json_type(struct req *r, const char *ctype)
{
	if (ctype == NULL)
		return r->is_scim;
	return strncasecmp(ctype, "application/json", 16) == 0 ||
	    strncasecmp(ctype, "application/scim+json", 21) == 0 ||
	    (r->is_scim && strncasecmp(ctype, "text/json", 9) == 0);
}

/*
 * Parse a form, multipart or JSON body into r->form (and r->files) or
 * r->body. 0, or -1 after answering 400 with what is wrong.
 */
int
req_parse_body(struct req *r)
{
	struct evbuffer	*in = r->h->body;
	const char	*ctype = req_header(r, "Content-Type");
	size_t		 len = in != NULL ? evbuffer_get_length(in) : 0;
	const char	*data, *msg;
	json_error_t	 jerr;

	if (len == 0)
		return 0;
	data = (const char *)evbuffer_pullup(in, -1);
	if ((ctype == NULL && !r->is_scim) || (ctype != NULL &&
	    strncasecmp(ctype, "application/x-www-form-urlencoded", 33) ==
	    0)) {
		if (form_parse(r->arena, data, len, &r->form) != 0) {
			req_error(r, 400, "The form data is malformed "
			    "(bad percent-encoding, not UTF-8, or too many "
			    "fields).");
			return -1;
		}
		return 0;
	}
	if (req_json_type(r, ctype)) {
		r->body = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
		if (r->body == NULL || !json_is_object(r->body)) {
			msg = r->body == NULL ? arena_printf(r->arena, "The "
			    "JSON body is malformed at line %d, column %d: %s",
			    jerr.line, jerr.column, jerr.text) :
			    "The JSON body must be an object.";
			if (r->is_scim)
				req_scim_error(r, 400, "invalidSyntax", msg);
			else
				req_error(r, 400, msg);
			return -1;
		}
		return 0;
	}
	if (strncasecmp(ctype, "multipart/form-data", 19) == 0)
		return req_parse_multipart(r, ctype, data, len);
	req_error(r, 415, r->is_scim ? "Unsupported Content-Type: send "
	    "application/scim+json." : "Unsupported Content-Type: send "
	    "application/x-www-form-urlencoded, multipart/form-data or "
	    "application/json.");
	return -1;
}

/* The session cookie's name: __Host- prefixed (and Secure) over HTTPS. */
const char *
req_cookie_name(struct req *r)
{
	if (r->is_tls || config_is_https(req_config(r)))
		return SESSION_COOKIE_HOST;
	return SESSION_COOKIE;
}

/* Set a cookie; max_age 0 deletes it, -1 makes a browser-session cookie. */
void
req_set_cookie(struct req *r, const char *name, const char *value,
    long max_age)
{
	const char	*secure = (r->is_tls || config_is_https(req_config(r))) ?
	    "; Secure" : "";
	char		*c;

	if (max_age < 0)
		c = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; "
		    "SameSite=Lax%s", name, value, secure);
	else
		c = arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%ld; "
		    "HttpOnly; SameSite=Lax%s", name, value, max_age, secure);
	http_add_header(r->h, "Set-Cookie", c);
}

/* Send the reply. body may be NULL; ctype NULL means HTML. */
void
req_reply(struct req *r, int status, const char *ctype, struct evbuffer *body)
{
	uint64_t	us;

	if (r->replied) {
		log_error("%s %s: replied twice", r->route ? r->route->pattern :
		    "-", r->path ? r->path : "-");
		return;
	}
	r->replied = 1;
	/* Every 503 says when to try again (a busy writer, a locked or full
	 * database, a disk out of room). */
	if (status == 503 && http_out_header(r->h, "Retry-After") == NULL)
		req_retry_after(r, 1);
	if (ctype == NULL && body != NULL && evbuffer_get_length(body) > 0)
		ctype = "text/html; charset=utf-8";
	if (ctype != NULL)
		req_set_header(r, "Content-Type", ctype);
	/* Headers that only mean something for a document. */
	if (ctype != NULL && strncmp(ctype, "text/html", 9) == 0) {
		http_add_header(r->h, "Cross-Origin-Opener-Policy",
		    "same-origin");
		http_add_header(r->h, "Permissions-Policy", "camera=(), "
		    "microphone=(), geolocation=(), interest-cohort=()");
	}
	us = clock_usec() - r->started_us;
	if (!r->h->metrics)
		tally_request(r->loop, r->route, r->method, status, us);
	log_msg(status >= 500 ? LOG_WARN : LOG_DEBUG, "%s %d %s %.1fms",
	    r->client_ip, status, r->path ? r->path : "(bad path)",
	    us / 1000.0);
	http_reply(r->h, status, body);
}

/*
 * Answer with a stream's head: 200 (an event stream of ctype) or 101 (a
 * protocol switch, its headers set by the caller). The request counts as
 * answered; the connection is the caller's now. NULL if the client left.
 */
struct conn *
req_stream(struct req *r, int status, const char *ctype)
{
	r->replied = 1;
	if (ctype != NULL)
		req_set_header(r, "Content-Type", ctype);
	tally_request(r->loop, r->route, r->method, status,
	    clock_usec() - r->started_us);
	log_msg(LOG_DEBUG, "%s %d %s (%s)", r->client_ip, status, r->path,
	    status == 101 ? "upgrade" : "stream");
	return http_stream(r->h, status);
}

/* Reply with plain text. */
void
req_text(struct req *r, int status, const char *text)
{
	struct evbuffer	*b = evbuffer_new();

	evbuffer_add(b, text, strlen(text));
	req_reply(r, status, "text/plain; charset=utf-8", b);
	evbuffer_free(b);
}

/* Reply with JSON; takes the reference to obj. */
void
req_json(struct req *r, int status, json_t *obj)
{
	struct evbuffer	*b = evbuffer_new();

	jsonw_value(b, obj);
	json_decref(obj);
	req_reply(r, status, "application/json; charset=utf-8", b);
	evbuffer_free(b);
}

/* Reply with JSON already written into a buffer. */
void
req_json_buffer(struct req *r, int status, struct evbuffer *b)
{
	req_reply(r, status, "application/json; charset=utf-8", b);
}

/* What an error page says besides the message: a heading and a way on. */
static const struct {
	int		 status;
	const char	*heading;
	const char	*hint;
} error_pages[] = {
	{ 400, N_("That request did not make sense"),
	    N_("Go back, check what you entered and try again.") },
	{ 401, N_("Please sign in"), N_("Sign in, then try again.") },
	{ 403, N_("You cannot do that here"),
	    N_("If you think you should be able to, ask an administrator.") },
	{ 404, N_("Page not found"),
	    N_("The link may be old, or the page was removed or is private.") },
	{ 405, N_("That action is not available here"),
	    N_("This address does not accept that kind of request; go back "
	    "and use the page's own buttons and links.") },
	{ 413, N_("That was too large"),
	    N_("Try a smaller file or a shorter text.") },
	{ 422, N_("Something needs fixing"),
	    N_("Go back, fix it and try again.") },
	{ 429, N_("Slow down a little"),
	    N_("Wait a moment, then try again.") },
	{ 500, N_("Something went wrong on our side"),
	    N_("It was logged. Try again in a moment; if it keeps happening, "
	    "tell an administrator.") },
	{ 503, N_("hearth is busy"), N_("Try again in a moment.") },
	{ 0, N_("Something went wrong"),
	    N_("Go back and try again.") },		/* last */
};

/* Reply with SCIM's media type; takes the reference to obj. */
void
req_scim_json(struct req *r, int status, json_t *obj)
{
	struct evbuffer	*b = evbuffer_new();

	jsonw_value(b, obj);
	json_decref(obj);
	req_reply(r, status, "application/scim+json", b);
	evbuffer_free(b);
}

/* Reply with a SCIM error (RFC 7644 3.12): its status as a string, a
 * scimType when there is one (NULL: none), and what is wrong. */
void
req_scim_error(struct req *r, int status, const char *type,
    const char *detail)
{
	json_t	*o;

	o = json_pack("{s:[s], s:s, s:s}", "schemas",
	    "urn:ietf:params:scim:api:messages:2.0:Error", "status",
	    arena_printf(r->arena, "%d", status), "detail", detail);
	if (type != NULL)
		json_object_set_new(o, "scimType", json_string(type));
	req_scim_json(r, status, o);
}

/* Reply with an error: {"error": msg} under /api/ (SCIM's own shape
 * under /scim/), a friendly page elsewhere. */
void
req_error(struct req *r, int status, const char *msg)
{
	json_t	*view;
	size_t	 i;

	if (r->is_scim) {
		req_scim_error(r, status, NULL, msg);
		return;
	}
	if (r->is_api || r->path == NULL) {
		req_json(r, status, json_pack("{s:s}", "error", msg));
		return;
	}
	for (i = 0; i < nitems(error_pages) - 1; i++) {
		if (error_pages[i].status == status)
			break;
	}
	view = req_view(r, error_pages[i].heading);
	json_object_set_new(view, "status", json_integer(status));
	json_object_set_new(view, "heading",
	    json_string(req_tr(r, error_pages[i].heading)));
	json_object_set_new(view, "message", json_string(req_tr(r, msg)));
	json_object_set_new(view, "hint", json_string(req_tr(r,
	    error_pages[i].hint)));
	json_object_set_new(view, "not_found", json_boolean(status == 404));
	json_object_set_new(view, "sign_in", json_boolean(status == 401 ||
	    (status == 403 && r->user == NULL)));
	if (r->method == M_GET && (status >= 500 || status == 429))
		json_object_set_new(view, "retry", json_string(r->path));
	req_html(r, status, "error", view);
}

#define PAGE_HINT_MAX	(256 * 1024)

/*
 * The messages a handler puts in a page's view, translated here rather than
 * at each of their many sites: "error", "error_summary", "notice", "intro"
 * and each field's message under "errors" (tools/i18n-extract finds their
 * literals). A text the catalogue lacks stays as it is.
 */
static void
req_view_translate(struct req *r, json_t *view)
{
	static const char *const keys[] = {
		"error", "error_summary", "notice", "intro"
	};
	json_t		*v, *errors;
	const char	*k, *s;
	size_t		 i;

	if (req_lang(r) == LANG_EN || !json_is_object(view))
		return;
	for (i = 0; i < nitems(keys); i++) {
		v = json_object_get(view, keys[i]);
		if (json_is_string(v) && (s = req_tr(r,
		    json_string_value(v))) != json_string_value(v))
			json_object_set_new(view, keys[i], json_string(s));
	}
	errors = json_object_get(view, "errors");
	if (json_is_object(errors)) {
		json_object_foreach(errors, k, v) {
			if (json_is_string(v) && (s = req_tr(r,
			    json_string_value(v))) != json_string_value(v))
				json_object_set_new(errors, k, json_string(s));
		}
	}
}

/* Render a template and reply; takes the reference to view. */
void
req_html(struct req *r, int status, const char *name, json_t *view)
{
	/* Room for a page like the last one this thread rendered, in one
	 * piece: growing chain by chain was a malloc every few KiB. */
	static __thread size_t	 last;
	struct evbuffer		*b = evbuffer_new();

	if (last > 0)
		evbuffer_expand(b, last + last / 8);
	req_view_translate(r, view);
	if (render_template(b, name, view) != 0) {
		evbuffer_free(b);
		json_decref(view);
		req_text(r, 500, "500 Internal Server Error: a page template "
		    "is missing or broken; the server log says which.");
		return;
	}
	json_decref(view);
	last = evbuffer_get_length(b) < PAGE_HINT_MAX ? evbuffer_get_length(b) :
	    PAGE_HINT_MAX;
	req_reply(r, status, "text/html; charset=utf-8", b);
	evbuffer_free(b);
}

/* 303 See Other to a local path. */
void
req_redirect(struct req *r, const char *location)
{
	req_set_header(r, "Location", location);
	req_reply(r, 303, NULL, NULL);
}

/* Tell the client when to retry (429, 503). */
void
req_retry_after(struct req *r, long seconds)
{
	req_set_header(r, "Retry-After", arena_printf(r->arena, "%ld",
	    seconds > 0 ? seconds : 1));
}

/*
 * The language of the reply: the person's choice (Settings), else the
 * browser's Accept-Language, else English. The time zone likewise: the
 * person's, else the one the browser's script reported (the hearth_tz
 * cookie, hearth.js), else UTC. Looked up once per request.
 */
static void
req_locale(struct req *r)
{
	const char	*locale = NULL, *zone = NULL, *c;

	if (r->lang_known)
		return;
	r->lang_known = 1;
	/* the person's row carries both (and is remembered, auth-memo.c) */
	if (r->user != NULL) {
		locale = r->user->locale;
		zone = r->user->time_zone;
	}
	r->lang = i18n_lang(locale);
	if (r->lang < 0)
		r->lang = i18n_accept(req_header(r, "Accept-Language"));
	if (zone == NULL && (c = kv_get(&r->cookies, "hearth_tz")) != NULL &&
	    tz_valid(c))
		zone = c;
	r->zone = zone != NULL ? zone : "UTC";
}

/* The request's language (LANG_*). */
int
req_lang(struct req *r)
{
	req_locale(r);
	return r->lang;
}

/* The request's time zone, an IANA name ("UTC" when none is known). */
const char *
req_zone(struct req *r)
{
	req_locale(r);
	return r->zone;
}

/* An English text in the request's language. */
const char *
req_tr(struct req *r, const char *s)
{
	return tr(req_lang(r), s);
}

/* A cause the domain just gave, in the request's language (cause.c):
 * a page calls it right after the domain call that made it. */
const char *
req_cause(struct req *r, const char *cause)
{
	return cause_say(r->arena, req_lang(r), cause, NULL);
}

/* The badge's figure: "99+" past what the count remembers, as Mastodon's
 * and most apps' badges stop. */
static const char *
req_unread_shown(struct req *r, int64_t n)
{
	if (n >= NOTIFY_UNREAD_MEMO)
		return arena_printf(r->arena, "%d+", NOTIFY_UNREAD_MEMO - 1);
	return arena_printf(r->arena, "%lld", (long long)n);
}

/*
 * The view every page starts from: the signed-in person, the CSRF token for
 * its forms, asset URLs and the page title. A signed-out visitor gets a
 * pre-session cookie here, so the login form has something to bind its CSRF
 * token to.
 */
json_t *
req_view(struct req *r, const char *title)
{
	json_t	*v = json_object();
	char	 raw[TOKEN_BYTES], anon[TOKEN_CHARS + 1];
	size_t	 i;
	int64_t	 unread;

	if (r->csrf_binding == NULL) {
		crypto_random(raw, sizeof raw);
		crypto_b64url((uint8_t *)raw, sizeof raw, anon);
		r->csrf_binding = arena_strdup(r->arena, anon);
		req_set_cookie(r, "hearth_csrf", anon, -1);
	}
	csrf_token(r->csrf_binding, r->csrf);
	json_object_set_new(v, "title", json_string(req_tr(r, title)));
	json_object_set_new(v, "lang", json_string(i18n_code(req_lang(r))));
	json_object_set_new(v, "time_zone", json_string(req_zone(r)));
	json_object_set_new(v, "site", json_string("hearth"));
	json_object_set_new(v, "csrf", json_string(r->csrf));
	if (r->user != NULL) {
		unread = notify_unread(req_db(r), r->user->id,
		    NOTIFY_UNREAD_MEMO, 1);
		json_object_set_new(v, "me", json_pack("{s:I, s:s, s:s, s:b, "
		    "s:I, s:s}", "id", (json_int_t)r->user->id,
		    "username", r->user->username,
		    "display_name", r->user->display_name,
		    "admin", r->user->role == ROLE_ADMIN,
		    "unread", (json_int_t)unread, "unread_shown",
		    req_unread_shown(r, unread)));
	}
	for (i = 0; i < nview_hooks; i++)
		view_hooks[i](r, v);
	return v;
}

/* Whether a person reads this request's causes: a page, or the JSON a
 * page's script asks for on a browser-only route (the composer's uploads);
 * not an app, which reads the API's English. */
static int
req_for_person(const struct req *r)
{
	return !r->is_api || (r->route != NULL && (r->route->flags &
	    R_SESSION) != 0);
}

/* A write a handler hands to the writer thread (see req_write). */
struct req_write_job {
	struct req	*r;
	req_write_fn	 fn;
	int		 (*cmd)(struct db *, void *, char **);
	req_reply_fn	 reply;
	req_outcome_fn	 outcome;	/* or this, for refusals too */
	job_fn		 work;		/* req_work_write's, first */
	void		*arg;
	int		 code;
	char		*cause;
	struct cause	*said;		/* cause's pattern (cause.c) */
};

/* On the writer: the domain write. Non-zero rolls it back alone. */
static int
req_write_run(struct db *db, void *arg)
{
	struct req_write_job	*j = arg;

	if (j->cmd != NULL)
		j->code = j->cmd(db, j->arg, &j->cause);
	else
		j->code = j->fn(j->r, db, j->arg, &j->cause);
	/* on the thread that worded it: the cause's pattern, for the web */
	j->said = cause_take(j->cause);
	return j->code == E_OK ? 0 : -1;
}

/* Back on the loop: answer. */
static void
req_write_done(void *arg, int rc)
{
	struct req_write_job	*j = arg;
	struct req		*r = j->r;
	const char		*cause = j->cause;

	/* a page reads the cause in its reader's language, the API in
	 * English */
	if (req_for_person(r) && cause != NULL)
		cause = cause_say(r->arena, req_lang(r), cause, j->said);
	if (rc != 0 && j->code == E_OK)	/* the commit itself failed */
		req_error(r, 503, "The change could not be saved; try again.");
	else if (j->outcome != NULL && j->code < E_INTERNAL)
		j->outcome(r, j->arg, j->code, cause);
	else if (rc == 0)
		j->reply(r, j->arg);
	else
		req_domain_error(r, j->code, cause);
	cause_free(j->said);
	free(j->cause);
	free(j);
	req_free(r);
}

/* Hand a job to the writer; HANDLED after answering 503 if it is full. */
static enum handled
req_write_submit(struct req_write_job *j)
{
	struct req	*r = j->r;

	if (writer_submit(r->loop, req_write_run, req_write_done, j) != 0) {
		free(j);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}

/*
 * Run a domain write on the writer thread and answer when it has been
 * committed (never before: an acknowledged write is on disk). fn runs in
 * its own savepoint and returns an E_ code with an optional cause; what
 * the write sets off once committed, the domain registers itself; reply
 * answers on the loop.
 */
enum handled
req_write(struct req *r, req_write_fn fn, req_reply_fn reply, void *arg)
{
	struct req_write_job	*j = xcalloc(1, sizeof *j);

	j->r = r;
	j->fn = fn;
	j->reply = reply;
	j->arg = arg;
	return req_write_submit(j);
}

/*
 * Run one of the domain's commands (post_create_cmd, follow_set, ...) on
 * the writer, as req_write does: the web and the API fill the same input
 * struct from their own parameters and call the same command.
 */
enum handled
req_command(struct req *r, int (*cmd)(struct db *, void *, char **),
    req_reply_fn reply, void *arg)
{
	struct req_write_job	*j = xcalloc(1, sizeof *j);

	j->r = r;
	j->cmd = cmd;
	j->reply = reply;
	j->arg = arg;
	return req_write_submit(j);
}

/*
 * Turn one of the signed-in person's relations on or off (add): a follow,
 * a favourite; cmd (follow_set, favourite_set) takes the struct toggle.
 */
enum handled
req_toggle(struct req *r, int (*cmd)(struct db *, void *, char **),
    int64_t id, int add, req_reply_fn reply)
{
	struct toggle	*t = arena_alloc(r->arena, sizeof *t);

	t->actor = r->user->id;
	t->id = id;
	t->add = add;
	return req_command(r, cmd, reply, t);
}

/*
 * As req_command, but outcome answers the domain's refusals too (E_INVALID,
 * E_FORBIDDEN, E_NOTFOUND, E_CONFLICT, with their cause), for a page that
 * shows them in its own words; E_OK as well.
 */
enum handled
req_command_then(struct req *r, int (*cmd)(struct db *, void *, char **),
    req_outcome_fn outcome, void *arg)
{
	struct req_write_job	*j = xcalloc(1, sizeof *j);

	j->r = r;
	j->cmd = cmd;
	j->outcome = outcome;
	j->arg = arg;
	return req_write_submit(j);
}

/* On a worker: the slow part. */
static void
req_work_run(void *arg)
{
	struct req_write_job	*j = arg;

	j->work(j->arg);
}

/* Back on the loop: now the write. */
static void
req_work_done(void *arg)
{
	struct req_write_job	*j = arg;
	struct req		*r = j->r;

	if (req_write_submit(j) == HANDLED)
		req_free(r);
}

/*
 * As req_command, with slow work first (storing an upload, say) on a
 * worker, never on the loop: work(arg) there (if work is not NULL), then
 * cmd on the writer, which sees what the work left in arg and decides the
 * outcome.
 */
static enum handled
req_work_write_lane(struct req *r, job_fn work,
    int (*cmd)(struct db *, void *, char **), req_reply_fn reply, void *arg,
    int heavy)
{
	struct req_write_job	*j = xcalloc(1, sizeof *j);

	j->r = r;
	j->work = work;
	j->cmd = cmd;
	j->reply = reply;
	j->arg = arg;
	if (work == NULL)
		return req_write_submit(j);	/* nothing slow to do first */
	if (worker_submit_heavy(r->loop, req_work_run, req_work_done, j,
	    heavy) != 0) {
		free(j);
		req_retry_after(r, 2);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}

enum handled
req_work_write(struct req *r, job_fn work,
    int (*cmd)(struct db *, void *, char **), req_reply_fn reply, void *arg)
{
	return req_work_write_lane(r, work, cmd, reply, arg, 0);
}

/* As req_work_write, for work worker_set_heavy bounds (decoding images). */
enum handled
req_work_write_heavy(struct req *r, job_fn work,
    int (*cmd)(struct db *, void *, char **), req_reply_fn reply, void *arg)
{
	return req_work_write_lane(r, work, cmd, reply, arg, 1);
}

/* Answer a domain error code with its cause, or a default message. */
void
req_domain_error(struct req *r, int code, const char *cause)
{
	const char	*msg;

	switch (code) {
	case E_NOTFOUND:
		msg = r->is_api ? "Record not found" : N_("Not found.");
		break;
	case E_FORBIDDEN:
		msg = N_("This action is not allowed");
		break;
	case E_INVALID:
		msg = N_("Validation failed");
		break;
	case E_CONFLICT:
		msg = N_("Conflict");
		break;
	case E_UNAVAILABLE:
		msg = N_("The server cannot do that right now; try again "
		    "later.");
		break;
	default:
		code = 500;
		msg = N_("Internal error");
		break;
	}
	/* the web's error page translates msg; the API's stays English */
	req_error(r, code, cause != NULL && *cause != '\0' ? cause : msg);
}

/* An entity context for what this request answers with, as its asker
 * sees it. */
void
req_ectx(struct req *r, struct ectx *e)
{
	ectx_init(e, req_db(r), r->arena, r->user != NULL ? r->user->id : 0,
	    req_config(r));
	e->lang = req_lang(r);
	e->zone = req_zone(r);
}

/* A boolean parameter, as Mastodon clients send them: true, 1 or on. */
int
req_bool(struct req *r, const char *name)
{
	const char	*v = req_param(r, name);

	return v != NULL && (strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0);
}

/* A numeric id from a route parameter (":id") or request parameter; 0 if
 * absent or malformed. */
int64_t
req_id(struct req *r, const char *name)
{
	const char	*v = NULL;

	if (strcmp(name, ":0") == 0)
		v = r->params[0];
	else if (strcmp(name, ":1") == 0)
		v = r->params[1];
	else
		v = req_param(r, name);
	return id_parse(v);
}
