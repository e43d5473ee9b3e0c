/*
 * api.c: the table of core functions handed to each module's load
 * function, and the thread that runs modules' periodic jobs. Modules never
 * link against core symbols: everything they may do is here, behind opaque
 * handles (an hm_req is a struct req, an hm_db a struct db). Statements a
 * module prepares on a loop thread's connection must be read-only: every
 * write goes through the writer thread (api->write, jobs, after hooks).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "loader.h"
#include "module-private.h"
#include "web.h"

#define JOB_MAX	64

/* Whether this thread runs module code on the writer's connection. */
static __thread int	on_writer;

/* Mark (or unmark) the calling thread as running module writes. */
void
module_api_enter_writer(int yes)
{
	on_writer = yes;
}

/* The configuration the modules were loaded with (module_api). */
static const struct config	*loaded_config;

#define REQ(h)	((struct req *)(h))
#define DB(h)	((struct db *)(h))
#define MOD(h)	((struct module *)(h))

/* Log a line prefixed with the module's name. */
static void
api_log(struct hm_module *hm, int level, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (level < HM_LOG_DEBUG || level > HM_LOG_ERROR)
		level = HM_LOG_INFO;
	log_msg((enum log_level)level, "module %s: %s", MOD(hm)->name, msg);
	free(msg);
}

/* NAME.key from the config, else the module's declared default. */
static const char *
api_config(struct hm_module *hm, const char *key)
{
	const struct config	*c = MOD(hm)->config;
	const struct hearth_module *m = MOD(hm)->hm;
	size_t			 i, n = strlen(MOD(hm)->name);

	for (i = 0; i < c->nmodkeys; i++) {
		if (strncmp(c->modkeys[i].key, MOD(hm)->name, n) == 0 &&
		    c->modkeys[i].key[n] == '.' &&
		    strcmp(c->modkeys[i].key + n + 1, key) == 0)
			return c->modkeys[i].value;
	}
	for (i = 0; i < m->nconfig; i++) {
		if (strcmp(m->config[i].key, key) == 0)
			return m->config[i].default_value;
	}
	return NULL;
}

/* The public URL, from the configuration the modules were loaded with. */
static const char *
api_base_url(void)
{
	return loaded_config != NULL ? loaded_config->base_url : "";
}

static int64_t
api_req_user(struct hm_req *h)
{
	return REQ(h)->user ? REQ(h)->user->id : 0;
}

static int
api_req_admin(struct hm_req *h)
{
	return REQ(h)->user && REQ(h)->user->role == ROLE_ADMIN;
}

static const char *
api_req_username(struct hm_req *h)
{
	return REQ(h)->user ? REQ(h)->user->username : NULL;
}

static int
api_req_is_api(struct hm_req *h)
{
	return REQ(h)->is_api || REQ(h)->auth == AUTH_BEARER;
}

static int
api_req_method(struct hm_req *h)
{
	return REQ(h)->method;
}

static const char *
api_req_path(struct hm_req *h)
{
	return REQ(h)->path;
}

static const char *
api_req_param(struct hm_req *h, const char *name)
{
	return req_param(REQ(h), name);
}

/* The i-th ":name" capture of the route, or NULL. */
static const char *
api_req_route_param(struct hm_req *h, int i)
{
	if (i < 0 || i >= ROUTE_MAX_PARAMS)
		return NULL;
	return REQ(h)->params[i];
}

static const char *
api_req_header(struct hm_req *h, const char *name)
{
	return req_header(REQ(h), name);
}

static char *
api_req_strdup(struct hm_req *h, const char *s)
{
	return arena_strdup(REQ(h)->arena, s);
}

/* Zeroed memory that lives as long as the request. */
static void *
api_req_alloc(struct hm_req *h, size_t n)
{
	void	*p = arena_alloc(REQ(h)->arena, n ? n : 1);

	memset(p, 0, n);
	return p;
}

static char *
api_req_printf(struct hm_req *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *out;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	out = arena_strdup(REQ(h)->arena, s);
	free(s);
	return out;
}

static struct hm_db *
api_req_db(struct hm_req *h)
{
	return (struct hm_db *)req_db(REQ(h));
}

/* A page's view: the core's, with the modules' fragments. */
static json_t *
api_view(struct hm_req *h, const char *title)
{
	return req_view(REQ(h), title);
}

static void
api_reply_html(struct hm_req *h, int status, const char *tmpl, json_t *view)
{
	req_html(REQ(h), status, tmpl, view);
}

static void
api_reply_json(struct hm_req *h, int status, json_t *j)
{
	req_json(REQ(h), status, j);
}

/* Reply with any body (a CSV export, say). */
static void
api_reply_body(struct hm_req *h, int status, const char *ctype,
    const char *body, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	evbuffer_add(b, body, len);
	req_reply(REQ(h), status, ctype, b);
	evbuffer_free(b);
}

static void
api_reply_error(struct hm_req *h, int status, const char *msg)
{
	req_error(REQ(h), status, msg);
}

static void
api_redirect(struct hm_req *h, const char *to)
{
	req_redirect(REQ(h), to);
}

static void
api_set_header(struct hm_req *h, const char *name, const char *value)
{
	req_set_header(REQ(h), name, value);
}

/* A module write on its way through the writer thread. */
struct mwrite {
	struct req	*r;
	hm_write_fn	 fn;
	hm_reply_fn	 reply;
	void		*arg;
	int		 code;
	char		*cause;
	const char	*module;	/* whose write it is */
};

/* On the writer: the module's write, in its savepoint. */
static int
mwrite_run(struct db *db, void *arg)
{
	struct mwrite		*w = arg;
	struct module_frame	 f;

	on_writer = 1;
	module_enter(&f, w->module, "write", w->r->path);
	w->code = w->fn((struct hm_req *)w->r, (struct hm_db *)db, w->arg,
	    &w->cause);
	module_leave(&f);
	on_writer = 0;
	return w->code == HM_OK ? 0 : -1;
}

/* Back on the loop: let the module answer. */
static void
mwrite_done(void *arg, int rc)
{
	struct mwrite		*w = arg;
	struct req		*r = w->r;
	struct module_frame	 f;
	int			 code = w->code;

	if (rc != 0 && code == HM_OK)
		code = 503;		/* the commit failed */
	module_enter(&f, w->module, "write's reply", r->path);
	w->reply((struct hm_req *)r, w->arg, code, w->cause);
	module_leave(&f);
	if (!r->replied)
		req_error(r, 500, "Internal error");
	free(w->cause);
	free(w);
	req_free(r);
}

/* Run fn on the writer; reply once it committed (or failed). */
static int
api_write(struct hm_req *h, hm_write_fn fn, hm_reply_fn reply, void *arg)
{
	struct mwrite	*w = xcalloc(1, sizeof *w);
	struct req	*r = REQ(h);

	w->r = r;
	w->fn = fn;
	w->reply = reply;
	w->arg = arg;
	w->module = module_running() ? module_running() : "?";
	if (writer_submit(r->loop, mwrite_run, mwrite_done, w) != 0) {
		free(w);
		req_retry_after(r, 1);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HM_DONE;
	}
	r->async = 1;
	return HM_ASYNC;
}

/* Markdown to sanitised HTML (no mentions resolved). */
static const char *
api_markdown(struct hm_req *h, const char *src)
{
	struct markdown	 md;
	char		*cause = NULL;

	if (markdown_render(REQ(h)->arena, src, strlen(src),
	    req_config(REQ(h))->base_url, NULL, NULL, &md, &cause) != 0) {
		free(cause);
		return "";
	}
	return md.html;
}

static const char *
api_escape_html(struct hm_req *h, const char *s)
{
	struct evbuffer	*b = evbuffer_new();
	char		*out;
	size_t		 len;

	escape_html(b, s, strlen(s));
	len = evbuffer_get_length(b);
	out = arena_alloc(REQ(h)->arena, len + 1);
	evbuffer_remove(b, out, len);
	out[len] = '\0';
	evbuffer_free(b);
	return out;
}

/*
 * Prepare a statement for a module. Off the writer a statement that would
 * write is refused: writes must go through the writer thread.
 */
static struct hm_stmt *
api_db_prepare(struct hm_db *h, const char *sql)
{
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(db_handle(DB(h)), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_error("module: cannot prepare \"%.80s\": %s", sql,
		    sqlite3_errmsg(db_handle(DB(h))));
		return NULL;
	}
	if (!on_writer && !sqlite3_stmt_readonly(st)) {
		log_error("module: refused a write outside the writer thread: "
		    "\"%.80s\" (use api->write)", sql);
		sqlite3_finalize(st);
		return NULL;
	}
	return (struct hm_stmt *)st;
}

static int
api_db_bind_int(struct hm_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64((sqlite3_stmt *)st, i, v) == SQLITE_OK ?
	    0 : -1;
}

static int
api_db_bind_text(struct hm_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text((sqlite3_stmt *)st, i, v, -1,
	    SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static int
api_db_bind_null(struct hm_stmt *st, int i)
{
	return sqlite3_bind_null((sqlite3_stmt *)st, i) == SQLITE_OK ? 0 : -1;
}

/* 1 for a row, 0 when done, -1 on error. */
static int
api_db_step(struct hm_stmt *st)
{
	switch (sqlite3_step((sqlite3_stmt *)st)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return -1;
	}
}

static int64_t
api_db_column_int(struct hm_stmt *st, int i)
{
	return sqlite3_column_int64((sqlite3_stmt *)st, i);
}

static const char *
api_db_column_text(struct hm_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text((sqlite3_stmt *)st,
	    i);

	return s ? s : "";
}

static void
api_db_finalize(struct hm_stmt *st)
{
	sqlite3_finalize((sqlite3_stmt *)st);
}

/* Run SQL with no result; only on the writer. */
static int
api_db_exec(struct hm_db *h, const char *sql)
{
	if (!on_writer) {
		log_error("module: refused db_exec outside the writer thread");
		return -1;
	}
	return db_exec(DB(h), sql);
}

static const char *
api_db_error(struct hm_db *h)
{
	return db_errmsg(DB(h));
}

static int64_t
api_db_last_id(struct hm_db *h)
{
	return db_last_id(DB(h));
}

/* Fill an hm_user from a core user. */
static void
fill_user(struct hm_user *out, const struct user *u)
{
	out->id = u->id;
	out->username = u->username;
	out->display_name = u->display_name;
	out->admin = u->role == ROLE_ADMIN;
	out->disabled = u->disabled;
	out->created_at = u->created_at;
}

/* A person by id; 0, or -1 if there is none. */
static int
api_user_get(struct hm_req *h, int64_t id, struct hm_user *out)
{
	struct user	*u;

	if ((u = user_get(req_db(REQ(h)), REQ(h)->arena, id)) == NULL)
		return -1;
	fill_user(out, u);
	return 0;
}

struct user_each {
	void	(*fn)(const struct hm_user *, void *);
	void	*arg;
};

static void
user_each_one(const struct user *u, void *arg)
{
	struct user_each	*e = arg;
	struct hm_user		 hu;

	fill_user(&hu, u);
	e->fn(&hu, e->arg);
}

/* Call fn for every person, disabled ones included (check ->disabled). */
static int
api_user_each(struct hm_db *h, void (*fn)(const struct hm_user *, void *),
    void *arg)
{
	struct arena		*a = arena_new();
	struct user_each	 e = { fn, arg };
	int			 rc;

	rc = user_list(DB(h), a, user_each_one, &e);
	arena_free(a);
	return rc;
}

/* A notification of type for user, from a person; on the writer only. */
static int
api_notify(struct hm_db *h, int64_t user, const char *type, int64_t from)
{
	if (!on_writer)
		return -1;
	return notify_add(DB(h), user, type, from, 0, 0);
}

/* A post the requester may see; 0, or -1. */
static int
api_post_get(struct hm_req *h, int64_t id, struct hm_post *out)
{
	struct req	*r = REQ(h);
	struct post	*p;
	struct user	*u;

	if ((p = post_get(req_db(r), r->arena, r->user ? r->user->id : 0,
	    id)) == NULL)
		return -1;
	u = user_get(req_db(r), r->arena, p->author_id);
	out->id = p->id;
	out->author_id = p->author_id;
	out->text = p->text;
	out->url_path = arena_printf(r->arena, "/@%s/%lld", u ? u->username :
	    "-", (long long)p->id);
	out->created_at = p->created_at;
	return 0;
}

/* ---- ABI 1.1 */

/* A public listener for the module's public routes (from load). */
static int
api_listen(struct hm_module *hm, const char *spec, const char *cert,
    const char *key, char **cause)
{
	const char	*why = NULL;

	(void)hm;
	if (config_listen_public((struct config *)loaded_config, spec, cert,
	    key, &why) != 0) {
		*cause = xasprintf("listen %s: %s", spec, why);
		return -1;
	}
	return 0;
}

/* The request's body as sent (NUL-terminated copy), or NULL. */
static const char *
api_req_body(struct hm_req *h, size_t *len)
{
	struct req	*r = REQ(h);
	struct evbuffer	*b = r->h != NULL ? r->h->body : NULL;
	char		*p;
	size_t		 n;

	*len = 0;
	if (b == NULL)
		return NULL;
	n = evbuffer_get_length(b);
	p = arena_alloc(r->arena, n + 1);
	evbuffer_copyout(b, p, n);
	p[n] = '\0';
	*len = n;
	return p;
}

/* The request-target as sent: path and query. */
static const char *
api_req_target(struct hm_req *h)
{
	struct req	*r = REQ(h);

	return r->h != NULL && r->h->head.target != NULL ? r->h->head.target :
	    r->path;
}

/* The client's address (after trusted proxies). */
static const char *
api_req_peer(struct hm_req *h)
{
	return REQ(h)->client_ip;
}

/* Whether the request came through a public listener. */
static int
api_req_is_public(struct hm_req *h)
{
	return REQ(h)->is_public;
}

/* A request answered later, from another thread. */
struct mresume {
	struct req	*r;
	hm_resume_fn	 fn;
	void		*arg;
	const char	*module;
	void		 (*work)(void *);	/* req_work's, on a worker */
};

/* Back on the request's loop: let the module answer (or write). */
static void
mresume_run(void *arg)
{
	struct mresume		*m = arg;
	struct req		*r = m->r;
	struct module_frame	 f;

	/* it answers now, unless it goes on to a write, to CPU work or to
	 * another step (req_hold), each of which sets this again */
	r->async = 0;
	module_enter(&f, m->module, "resumed request", r->path);
	m->fn((struct hm_req *)r, m->arg);
	module_leave(&f);
	free(m);
	if (r->async)		/* it went on to a write */
		return;
	if (!r->replied)
		req_error(r, 500, "Internal error");
	req_free(r);
}

/* req_work: the module's work on a worker, then its done on the loop. */
static void
mwork_run(void *arg)
{
	struct mresume	*m = arg;

	m->work(m->arg);
}

static void
mwork_done(void *arg)
{
	struct mresume	*m = arg;

	mresume_run(m);		/* done answers, or goes on */
}

static int
api_req_work(struct hm_req *h, void (*work)(void *), hm_resume_fn done,
    void *arg)
{
	struct mresume	*m = xcalloc(1, sizeof *m);

	m->r = REQ(h);
	m->fn = done;
	m->arg = arg;
	m->module = module_running() ? module_running() : "?";
	m->work = work;
	if (worker_submit(m->r->loop, mwork_run, mwork_done, m) != 0) {
		free(m);
		return -1;
	}
	/* answered later, as after a write: a resume that handed over to
	 * the work must not answer now */
	m->r->async = 1;
	return 0;
}

/* From any thread: run fn(req, arg) on the request's loop. */
static void
api_req_resume(struct hm_req *h, hm_resume_fn fn, void *arg)
{
	struct mresume	*m = xcalloc(1, sizeof *m);

	m->r = REQ(h);
	m->fn = fn;
	m->arg = arg;
	m->module = module_running() ? module_running() : "?";
	/* from any thread: nothing of the request is touched here; the
	 * loop runs fn (mresume_run) */
	worker_post(m->r->loop, mresume_run, m);
}

/* A resumed function goes on to another step: the request stays open
 * (mresume_run neither answers nor frees it). */
static void
api_req_hold(struct hm_req *h)
{
	REQ(h)->async = 1;
}

/* A post as stored, whoever asks; 0, or -1. */
static int
api_post_info(struct hm_db *h, int64_t id, struct hm_post_info *out)
{
	struct arena	*a = arena_new();
	struct post	*p;
	int		 gp = 0;

	memset(out, 0, sizeof *out);
	if ((p = post_read(DB(h), a, id, &gp)) == NULL) {
		arena_free(a);
		return -1;
	}
	out->id = p->id;
	out->author_id = p->author_id;
	out->group_id = p->group_id;
	out->group_private = gp;
	out->in_reply_to_id = p->in_reply_to_id;
	out->in_reply_to_author_id = p->in_reply_to_account_id;
	out->visibility = (int)p->visibility;
	out->sensitive = p->sensitive;
	out->created_at = p->created_at;
	out->edited_at = p->edited_at;
	out->source = xstrdup(p->source != NULL ? p->source : "");
	out->spoiler_text = xstrdup(p->spoiler_text != NULL ?
	    p->spoiler_text : "");
	out->language = p->language != NULL ? xstrdup(p->language) : NULL;
	arena_free(a);
	return 0;
}

static void
api_post_info_free(struct hm_post_info *p)
{
	free(p->source);
	free(p->spoiler_text);
	free(p->language);
	memset(p, 0, sizeof *p);
}

/* A person by id (or, if id is 0, by username); 0, or -1. */
static int
api_user_find(struct hm_db *h, int64_t id, const char *name,
    struct hm_user_info *out)
{
	struct arena	*a = arena_new();
	struct user	*u;
	enum image_type	 t;
	const char	*ext;

	memset(out, 0, sizeof *out);
	u = id != 0 ? user_get(DB(h), a, id) : name != NULL ?
	    user_get_by_name(DB(h), a, name) : NULL;
	if (u == NULL) {
		arena_free(a);
		return -1;
	}
	out->id = u->id;
	out->username = xstrdup(u->username);
	out->display_name = xstrdup(u->display_name != NULL ?
	    u->display_name : "");
	if (u->avatar_file != NULL && media_valid_name(u->avatar_file) &&
	    (ext = strrchr(u->avatar_file, '.')) != NULL &&
	    (t = image_type_from_ext(ext + 1)) != IMAGE_NONE) {
		out->avatar_path = media_path(loaded_config->data_dir,
		    u->avatar_file);
		out->avatar_type = xstrdup(image_mime(t));
	}
	out->admin = u->role == ROLE_ADMIN;
	out->disabled = u->disabled;
	out->created_at = u->created_at;
	arena_free(a);
	return 0;
}

static void
api_user_info_free(struct hm_user_info *u)
{
	free(u->username);
	free(u->display_name);
	free(u->avatar_path);
	free(u->avatar_type);
	memset(u, 0, sizeof *u);
}

/* The module's resolver, behind the core's mention_fn. */
struct outside_resolve {
	hm_mention_fn	 fn;
	void		*arg;
};

static const char *
outside_resolve(void *arg, const char *name, int64_t *id)
{
	struct outside_resolve	*o = arg;

	*id = 0;
	return o->fn != NULL ? o->fn(o->arg, name) : NULL;
}

/* Markdown as the outside sees it; malloc'ed, or NULL. */
static char *
api_markdown_outside(const char *src, const char *base, hm_mention_fn fn,
    void *arg)
{
	struct arena		*a = arena_new();
	struct markdown		 md;
	struct outside_resolve	 o = { fn, arg };
	char			*cause = NULL, *html = NULL;

	if (markdown_render_outside(a, src, strlen(src), base, outside_resolve,
	    &o, &md, &cause) == 0)
		html = xstrdup(md.html);
	free(cause);
	arena_free(a);
	return html;
}

static int
api_db_changes(struct hm_db *h)
{
	return sqlite3_changes(db_handle(DB(h)));
}

static void
api_free(void *p)
{
	free(p);
}

/* A notification of type for user about a post; on the writer only. */
static int
api_notify_post(struct hm_db *h, int64_t user, const char *type,
    int64_t from, int64_t post)
{
	if (!on_writer)
		return -1;
	return notify_add(DB(h), user, type, from, post, 0);
}

/* Whether a group is open to everyone inside (0, *private = 0), or
 * members-only or missing (-1, *private = 1). */
static int
api_group_info(struct hm_db *h, int64_t id, int *private)
{
	struct arena	*a = arena_new();
	struct group	*g = group_get(DB(h), a, 0, id);
	int		 rc = -1;

	*private = 1;
	if (g != NULL && g->visibility == GROUP_OPEN) {
		*private = 0;
		rc = 0;
	}
	arena_free(a);
	return rc;
}

/* ABI 1.2: outside accounts and posts (domain/outside.c), on the writer. */
static int64_t
api_outside_account(struct hm_db *h, const struct hm_outside_account *in,
    char **cause)
{
	struct outside_account	a;

	*cause = NULL;
	if (!on_writer) {
		*cause = xstrdup("outside_account is for the writer");
		return -1;
	}
	a.uri = in->uri;
	a.acct = in->acct;
	a.host = in->host;
	a.display_name = in->display_name;
	a.note_html = in->note_html;
	a.url = in->url;
	return outside_account_save(DB(h), &a, cause);
}

static int64_t
api_outside_post(struct hm_db *h, const struct hm_outside_post *in,
    char **cause)
{
	struct outside_post	o;

	*cause = NULL;
	if (!on_writer) {
		*cause = xstrdup("outside_post is for the writer");
		return -1;
	}
	o.uri = in->uri;
	o.url = in->url;
	o.author = in->author;
	o.in_reply_to = in->in_reply_to;
	o.html = in->html;
	o.text = in->text;
	o.spoiler_text = in->spoiler_text;
	o.sensitive = in->sensitive;
	o.language = in->language;
	o.mentions = in->mentions;
	o.nmentions = in->nmentions;
	o.quiet = in->quiet;
	o.published = in->published;
	return outside_post_save(DB(h), &o, cause);
}

static int64_t
api_outside_post_find(struct hm_db *h, const char *uri, int64_t *author)
{
	return outside_post_find(DB(h), uri, author);
}

static int
api_outside_post_delete(struct hm_db *h, int64_t author, const char *uri)
{
	if (!on_writer)
		return -1;
	return outside_post_delete(DB(h), author, uri);
}

static int
api_outside_react(struct hm_db *h, int64_t account, int64_t post, int kind,
    int on)
{
	int	rc, quiet = (kind & HM_REACT_QUIET) != 0;

	kind &= ~HM_REACT_QUIET;
	if (!on_writer || (kind != HM_REACT_LIKE && kind != HM_REACT_BOOST))
		return 500;
	rc = outside_react(DB(h), account, post, kind == HM_REACT_LIKE ?
	    OUTSIDE_LIKE : OUTSIDE_BOOST, on, quiet);
	return rc == E_OK ? 0 : rc == E_NOTFOUND ? 404 : rc == E_FORBIDDEN ?
	    403 : 500;
}

/* A tool on every outside post (from load). */
static int
api_outside_tool(struct hm_module *hm, const char *label, const char *prefix)
{
	if (prefix == NULL || prefix[0] != '/' || prefix[1] == '/')
		return -1;
	return req_post_tool_add(label, prefix, MOD(hm)->index, 1);
}

/* A post by an employee, as the composer writes it (writer only). */
static int64_t
api_post_create(struct hm_db *h, const struct hm_new_post *in, char **cause)
{
	struct post_draft	 d;
	const char		*msg = NULL;
	int64_t			 id = -1;

	*cause = NULL;
	if (!on_writer) {
		*cause = xstrdup("post_create is for the writer");
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.arena = arena_new();
	d.author_id = in->author;
	d.group_id = in->group_id;
	d.visibility = VIS_PUBLIC;
	d.source = in->text;
	d.spoiler_text = in->spoiler_text;
	if (post_prepare(DB(h), &d, loaded_config->base_url, &msg) != 0)
		*cause = xstrdup(msg != NULL ? msg : "the post is not valid");
	else if (post_create(DB(h), &d) != E_OK)
		*cause = xstrdup(d.cause);
	else
		id = d.id;
	arena_free(d.arena);
	return id;
}

static int
api_outside_account_gone(struct hm_db *h, const char *uri)
{
	if (!on_writer)
		return -1;
	return outside_account_gone(DB(h), uri);
}

static char *
api_outside_account_of(struct hm_db *h, int64_t id, int *followers)
{
	return outside_account_of(DB(h), id, followers);
}

static int
api_outside_avatar(struct hm_db *h, int64_t account, const void *data,
    size_t len, char **cause)
{
	if (!on_writer) {
		*cause = xstrdup("outside_avatar is for the writer");
		return -1;
	}
	return outside_avatar_save(DB(h), loaded_config->data_dir, account,
	    data, len, cause);
}

/*
 * An image from outside made into pixels again by the core's pipeline, as
 * an upload is (image_process): a still, for the pictures modules keep
 * (avatars), without thumbnail or blurhash. Never on the writer, whose
 * transactions would wait for the decoding.
 */
static int
api_image_reencode(const void *data, size_t len, int max_side,
    struct hm_image *out, char **cause)
{
	struct image_limits	lim = { .max_side = max_side, .still = 1 };
	struct image_result	r;

	memset(out, 0, sizeof *out);
	if (on_writer) {
		*cause = xstrdup("image_reencode is not for the writer");
		return -1;
	}
	if (max_side < 16 || max_side > 4096) {
		*cause = xstrdup("max_side must be 16 to 4096 pixels");
		return -1;
	}
	if (image_process(data, len, &lim, &r, cause) != 0)
		return -1;
	out->data = r.original.data;
	out->len = r.original.len;
	out->type = image_mime(r.original.type);
	out->width = r.original.width;
	out->height = r.original.height;
	r.original.data = NULL;
	image_result_free(&r);
	return 0;
}

/* A post's stored attachments (media_json), or NULL. */
static char *
api_post_media(struct hm_db *h, int64_t post)
{
	sqlite3_stmt	*st;
	char		*out = NULL;

	if ((st = db_prepare(DB(h), "SELECT media_json FROM posts WHERE "
	    "id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return out;
}

/* The post a stored file belongs to, or 0. */
static int64_t
api_media_post_of(struct hm_db *h, const char *name)
{
	struct arena	*a;
	struct media	*m = NULL;
	int64_t		 post = 0;

	if (!media_valid_name(name))
		return 0;
	a = arena_new();
	/* as nobody: only the row matters here, not who may see it */
	if (media_access(DB(h), a, 0, name, &m) != MA_NOT_MEDIA && m != NULL)
		post = m->post_id;
	arena_free(a);
	return post;
}

/* Answer with a stored file, as GET /media/NAME does once allowed. */
static void
api_reply_media(struct hm_req *h, const char *name)
{
	struct req	*r = REQ(h);
	struct media	*m = NULL;

	if (!media_valid_name(name) || media_access(req_db(r), r->arena, 0,
	    name, &m) == MA_NOT_MEDIA || m == NULL) {
		req_error(r, 404, "Not found");
		return;
	}
	web_media_send(r, name, m);
}

/* Follow or unfollow for someone, as the button does (writer only). */
static int
api_follow(struct hm_db *h, int64_t follower, int64_t followee, int on)
{
	char	*cause = NULL;
	int	 rc;

	if (!on_writer)
		return -1;
	rc = on ? follow_add(DB(h), follower, followee, &cause) :
	    follow_remove(DB(h), follower, followee);
	free(cause);
	return rc;
}

static int
api_group_each(struct hm_db *h, int64_t user, hm_group_fn fn, void *arg)
{
	struct arena		*a = arena_new();
	struct group_name	*g;
	size_t			 n, i;

	if (group_names(DB(h), a, user, 500, &g, &n) != 0) {
		arena_free(a);
		return -1;
	}
	for (i = 0; i < n; i++)
		fn(g[i].id, g[i].name, arg);
	arena_free(a);
	return 0;
}

static char *
api_outside_of(struct hm_db *h, int64_t post, char **actor, char **acct)
{
	return outside_of(DB(h), post, actor, acct);
}

/* A tool on one's own public posts (from load). */
static int
api_post_tool(struct hm_module *hm, const char *label, const char *prefix)
{
	if (prefix == NULL || prefix[0] != '/' || prefix[1] == '/')
		return -1;
	return req_post_tool_add(label, prefix, MOD(hm)->index, 0);
}

/* The words for a module's notification type (from load). */
static int
api_notify_label(struct hm_module *hm, const char *type, const char *label)
{
	(void)hm;
	return notify_label(type) != NULL ? 0 : notify_label_add(type, label);
}

/* ---- periodic jobs */

struct mjob {
	struct module	*module;
	int		 every;
	hm_job_fn	 fn;
	void		*arg;
	time_t		 next;
};

static struct mjob	 jobs[JOB_MAX];
static size_t		 njobs;
static pthread_t	 job_thread;
static pthread_mutex_t	 job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 job_cond = PTHREAD_COND_INITIALIZER;
static int		 job_running;
static struct loop	*job_loop;

/* Register fn to run every so many seconds (from load). */
static int
api_job_every(struct hm_module *hm, int seconds, hm_job_fn fn, void *arg)
{
	if (njobs == JOB_MAX || seconds < 1)
		return -1;
	jobs[njobs].module = MOD(hm);
	jobs[njobs].every = seconds;
	jobs[njobs].fn = fn;
	jobs[njobs].arg = arg;
	jobs[njobs].next = 0;
	njobs++;
	return 0;
}

/* Drop a module's jobs (its load failed, or it is unloading). */
void
module_jobs_forget(struct module *m)
{
	size_t	i, k = 0;

	for (i = 0; i < njobs; i++) {
		if (jobs[i].module != m)
			jobs[k++] = jobs[i];
	}
	njobs = k;
}

/* One job's run, as a background write. */
struct jobrun {
	hm_job_fn	 fn;
	void		*arg;
	const char	*module;
};

/* On the writer, in the batch's transaction. */
static int
job_write(struct db *db, void *arg)
{
	struct jobrun		*j = arg;
	struct module_frame	 f;

	on_writer = 1;
	module_enter(&f, j->module, "periodic job", NULL);
	j->fn((struct hm_db *)db, j->arg);
	module_leave(&f);
	on_writer = 0;
	return 0;
}

/* The job thread: wake each second, queue the jobs that are due. */
static void *
job_main(void *unused)
{
	struct timespec	 ts;
	struct jobrun	*j;
	time_t		 now;
	size_t		 i;

	(void)unused;
	pthread_mutex_lock(&job_lock);
	while (job_running) {
		now = time(NULL);
		for (i = 0; i < njobs; i++) {
			if (jobs[i].next > now)
				continue;
			jobs[i].next = now + jobs[i].every;
			j = xmalloc(sizeof *j);
			j->fn = jobs[i].fn;
			j->arg = jobs[i].arg;
			j->module = jobs[i].module->name;
			writer_background(job_loop, job_write, j);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&job_cond, &job_lock, &ts);
	}
	pthread_mutex_unlock(&job_lock);
	return NULL;
}

/* From any thread: fn on the writer, in its next transaction. */
static int
api_job_now(struct hm_module *hm, hm_job_fn fn, void *arg)
{
	struct jobrun	*j;

	if (job_loop == NULL)
		return -1;
	j = xmalloc(sizeof *j);
	j->fn = fn;
	j->arg = arg;
	j->module = MOD(hm)->name;
	writer_background(job_loop, job_write, j);
	return 0;
}

/* Start the job thread (if any module has jobs); loop gets completions. */
void
module_jobs_start(struct loop *loop)
{
	job_loop = loop;	/* job_now's completions too */
	if (njobs == 0)
		return;
	job_running = 1;
	if (pthread_create(&job_thread, NULL, job_main, NULL) != 0) {
		log_error("modules: cannot start the job thread");
		job_running = 0;
	}
}

/* Stop the job thread before the writer stops. */
void
module_jobs_stop(void)
{
	if (!job_running)
		return;
	pthread_mutex_lock(&job_lock);
	job_running = 0;
	pthread_cond_signal(&job_cond);
	pthread_mutex_unlock(&job_lock);
	pthread_join(job_thread, NULL);
}

/* api->audit: a module's admin action, recorded with the core's. */
static int
api_audit(struct hm_req *h, struct hm_db *db, const char *action,
    const char *target_type, int64_t target_id, const char *target_name,
    const char *details)
{
	struct req		*r = REQ(h);
	struct audit_actor	 who;
	json_t			*d = NULL;
	int			 rc;

	if (r == NULL || r->user == NULL || action == NULL)
		return -1;
	who.id = r->user->id;
	who.name = r->user->username;
	who.ip = r->client_ip;
	who.user_agent = req_header(r, "User-Agent");
	if (details != NULL && (d = json_loads(details, 0, NULL)) == NULL)
		return -1;
	rc = audit_record((struct db *)db, &who, action, target_type,
	    target_id, target_name, d);
	json_decref(d);
	return rc;
}

/* api->tr: a message in the reader's language. */
static const char *
api_tr(struct hm_req *h, const char *id)
{
	return id != NULL ? req_tr(REQ(h), id) : "";
}

/* api->trn: a counted message in the reader's language. */
static const char *
api_trn(struct hm_req *h, long n, const char *one, const char *other)
{
	return trn(req_lang(REQ(h)), n, one, other);
}

/* api->format: {name} placeholders filled from (name, value) pairs. */
static const char *
api_format(struct hm_req *h, const char *fmt, ...)
{
	const char	*kv[16] = { NULL };
	const char	*name;
	size_t		 i = 0;
	va_list		 ap;

	if (fmt == NULL)
		return "";
	va_start(ap, fmt);
	while (i + 1 < nitems(kv) && (name = va_arg(ap, const char *)) !=
	    NULL) {
		kv[i++] = name;
		kv[i] = va_arg(ap, const char *);
		if (kv[i] == NULL)
			kv[i] = "";
		i++;
	}
	va_end(ap);
	/* i18n_format stops at the first NULL name. */
	return i18n_format(REQ(h)->arena, fmt, kv[0], kv[1], kv[2], kv[3],
	    kv[4], kv[5], kv[6], kv[7], kv[8], kv[9], kv[10], kv[11], kv[12],
	    kv[13], kv[14], kv[15], NULL);
}

/* api->datetime: a moment as the reader reads it. */
static const char *
api_datetime(struct hm_req *h, int64_t t)
{
	struct req	*r = REQ(h);

	return i18n_datetime(r->arena, req_lang(r), req_zone(r), t);
}

static const struct hearth_api api = {
	.abi_major = HEARTH_ABI_MAJOR,
	.abi_minor = HEARTH_ABI_MINOR,
	.size = sizeof(struct hearth_api),
	.log = api_log,
	.config = api_config,
	.base_url = api_base_url,
	.req_user = api_req_user,
	.req_admin = api_req_admin,
	.req_username = api_req_username,
	.req_is_api = api_req_is_api,
	.req_method = api_req_method,
	.req_path = api_req_path,
	.req_param = api_req_param,
	.req_route_param = api_req_route_param,
	.req_header = api_req_header,
	.req_strdup = api_req_strdup,
	.req_alloc = api_req_alloc,
	.req_printf = api_req_printf,
	.req_db = api_req_db,
	.view = api_view,
	.reply_html = api_reply_html,
	.reply_json = api_reply_json,
	.reply_body = api_reply_body,
	.reply_error = api_reply_error,
	.redirect = api_redirect,
	.set_header = api_set_header,
	.write = api_write,
	.markdown = api_markdown,
	.escape_html = api_escape_html,
	.db_prepare = api_db_prepare,
	.db_bind_int = api_db_bind_int,
	.db_bind_text = api_db_bind_text,
	.db_step = api_db_step,
	.db_column_int = api_db_column_int,
	.db_column_text = api_db_column_text,
	.db_finalize = api_db_finalize,
	.db_exec = api_db_exec,
	.db_error = api_db_error,
	.db_last_id = api_db_last_id,
	.user_get = api_user_get,
	.user_each = api_user_each,
	.notify = api_notify,
	.post_get = api_post_get,
	.job_every = api_job_every,
	.listen = api_listen,
	.req_body = api_req_body,
	.req_target = api_req_target,
	.req_peer = api_req_peer,
	.req_is_public = api_req_is_public,
	.req_resume = api_req_resume,
	.job_now = api_job_now,
	.post_info = api_post_info,
	.post_info_free = api_post_info_free,
	.user_find = api_user_find,
	.user_info_free = api_user_info_free,
	.markdown_outside = api_markdown_outside,
	.db_changes = api_db_changes,
	.db_bind_null = api_db_bind_null,
	.free = api_free,
	.notify_post = api_notify_post,
	.notify_label = api_notify_label,
	.group_info = api_group_info,
	.post_tool = api_post_tool,
	.outside_account = api_outside_account,
	.outside_post = api_outside_post,
	.outside_post_find = api_outside_post_find,
	.outside_post_delete = api_outside_post_delete,
	.outside_react = api_outside_react,
	.outside_of = api_outside_of,
	.outside_tool = api_outside_tool,
	.post_create = api_post_create,
	.group_each = api_group_each,
	.req_work = api_req_work,
	.outside_account_gone = api_outside_account_gone,
	.outside_account_of = api_outside_account_of,
	.follow = api_follow,
	.outside_avatar = api_outside_avatar,
	.req_hold = api_req_hold,
	.image_reencode = api_image_reencode,
	.post_media = api_post_media,
	.media_post_of = api_media_post_of,
	.reply_media = api_reply_media,
	.audit = api_audit,
	.tr = api_tr,
	.trn = api_trn,
	.format = api_format,
	.datetime = api_datetime,
};

/* The table handed to every module's load function, loaded under c. */
const struct hearth_api *
module_api(const struct config *c)
{
	loaded_config = c;
	return &api;
}
