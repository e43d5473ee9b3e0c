/*
 * hearth/module.h: the one header a hearth module needs. A module is a shared
 * object in module_dir that exports one `const struct hearth_module
 * hearth_module` (HEARTH_MODULE_SYMBOL). hearthd reads the struct, checks its
 * ABI, runs its migrations under the module's name, and calls its load
 * function with a table of core functions (struct hearth_api): a module
 * reaches the core only through that table, never through core symbols, and
 * core structs never appear here (a request is an opaque struct hm_req).
 *
 * ABI rules: HEARTH_ABI_MAJOR changes when anything here changes meaning or
 * layout; hearthd refuses a module built for another major. Minor versions
 * only append: new fields go at the end of hearth_module, hm_hooks and
 * hearth_api, never in between, and each struct's size field tells the other
 * side which fields exist. A module checks api->size (or api->abi_minor)
 * before calling a function added after the minor it was built for.
 *
 * Threads: route handlers, gate and render hooks run on an event-loop thread
 * and must not block; write functions (hm_write_fn), after hooks and jobs run
 * on the writer thread. See docs/modules.md.
 *
 * ABI 1.1 added: a public listener of the module's own (api->listen, served
 * by hearth_module.public_routes only), the raw request (req_body,
 * req_target, req_peer), answering later from any thread (req_resume),
 * writes queued from any thread (job_now), hooks for edits and deletions,
 * post options offered in the composer, start and stop hooks for a module's
 * own threads, post_info, user_find and markdown_outside.
 *
 * ABI 1.3 added: image_reencode, an image from outside decoded and written
 * again by the core's libvips pipeline (modules need no image code).
 *
 * ABI 1.4 added: post_media and media_post_of, a post's attachments, and
 * reply_media, an attachment served as hearth serves it.
 *
 * ABI 1.5 added: the admin_tab hook, a module's page in the admin
 * console's tab bar, and api->audit, a module's admin action written to
 * the core's audit log.
 *
 * ABI 1.6 added: tr, trn, format and datetime, a module's words in the
 * reader's language through the core's catalogue (docs/translating.md),
 * and the rules hook, Mastodon Rule objects for /api/v1/instance/rules
 * and the Instance entities' rules.
 */
#ifndef HEARTH_MODULE_H
#define HEARTH_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define HEARTH_ABI_MAJOR	1
#define HEARTH_ABI_MINOR	6
#define HEARTH_MODULE_SYMBOL	"hearth_module"

struct hm_req;		/* one HTTP request (opaque) */
struct hm_db;		/* a database connection (opaque) */
struct hm_stmt;		/* a prepared statement (opaque) */
struct hm_module;	/* the core's handle for a loaded module (opaque) */
struct hearth_api;

/* Methods (bits; a route may take several). */
#define HM_GET		0x001
#define HM_POST		0x002
#define HM_PUT		0x008
#define HM_DELETE	0x010
#define HM_PATCH	0x100

/* Route flags: the router enforces them before the handler runs. */
#define HM_AUTH		0x01	/* a signed-in person (session or token) */
#define HM_ADMIN	0x02	/* ... who is an admin */
#define HM_NOCSRF	0x04	/* unsafe, yet no CSRF token */
#define HM_UNGATED	0x200	/* gate hooks do not see it (acknowledging) */

/* What a handler returns. */
#define HM_DONE		0	/* answered */
#define HM_ASYNC	1	/* api->write answers later */

/* Results of domain writes, HTTP-like (as the core's E_ codes). */
#define HM_OK		0
#define HM_INVALID	422
#define HM_FORBIDDEN	403
#define HM_NOTFOUND	404
#define HM_CONFLICT	409

struct hm_route {
	int		 methods;
	const char	*pattern;	/* "/x/:id": as core routes */
	int		 flags;
	int		 (*handler)(struct hm_req *);
};

/* Migrations run in order, once each, under the module's name. */
struct hm_migration {
	int		 version;	/* 1, 2, ...: never reuse or reorder */
	const char	*name;
	const char	*sql;
};

/* Config keys of the module ("NAME.key = value" in hearth.conf). */
struct hm_config_key {
	const char	*key;
	const char	*default_value;
};

/*
 * A gate hook's refusal: the reason is shown to the person (web: an error
 * page with the link; API: 403 {"error": reason}). Strings must live as long
 * as the request (api->req_strdup) or be static.
 */
struct hm_refusal {
	const char	*reason;
	const char	*link;		/* optional: where to fix it */
	const char	*link_text;
};

/* A render hook's fragment: plain text and a link; the core escapes both. */
struct hm_fragment {
	const char	*text;
	const char	*href;		/* optional */
	const char	*label;		/* the link's text */
};

/* What after_post (and after_post_edit) sees. */
struct hm_post_event {
	int64_t		 id;
	int64_t		 author_id;
	int64_t		 group_id;	/* 0: none */
	int64_t		 in_reply_to_id;
	const char	*text;		/* plain text */
	/* ABI 1.1: */
	const char	*options;	/* the post options chosen, by name,
					   space separated ("" if none) */
};

/*
 * A choice a module offers in the composer (composer_option): a checkbox
 * named name ([a-z0-9_]+), with a label and an optional hint. Chosen, its
 * name is in hm_post_event.options; through the API, the same name as a
 * boolean parameter of POST /api/v1/statuses.
 */
struct hm_post_option {
	const char	*name;
	const char	*label;
	const char	*hint;
};

/*
 * Hooks, each optional (NULL). Policies:
 *  gate   (before_write, before_post): run in load order; the first to
 *         return non-zero refuses the request, filling *refusal. before_write
 *         sees every unsafe request (POST, PUT, PATCH, DELETE) of a signed-in
 *         person after authentication and CSRF, core and module routes alike,
 *         except HM_UNGATED routes and signing in and out; before_post sees a
 *         post's text before it is written.
 *  after  (after_post, after_follow, after_user_created): all run, once the
 *         change is committed, on the writer thread with its connection; they
 *         observe and cannot undo. What they write commits on its own.
 *  render (banner, nav_item, footer_link, settings_panel): all run while a
 *         page is built; return 1 to add the fragment. announcements appends
 *         Mastodon Announcement objects to the array.
 *  landing: where a person lands after signing in on the web (the second
 *         argument is who); the first module to return a local path wins,
 *         NULL leaves the person going where they were going.
 */
struct hm_hooks {
	size_t		 size;		/* sizeof(struct hm_hooks) */
	int		 (*before_write)(struct hm_req *, struct hm_refusal *);
	int		 (*before_post)(struct hm_req *, const char *,
			     struct hm_refusal *);
	void		 (*after_post)(struct hm_db *,
			     const struct hm_post_event *);
	void		 (*after_follow)(struct hm_db *, int64_t, int64_t);
	void		 (*after_user_created)(struct hm_db *, int64_t,
			     const char *);
	int		 (*banner)(struct hm_req *, struct hm_fragment *);
	int		 (*nav_item)(struct hm_req *, struct hm_fragment *);
	int		 (*footer_link)(struct hm_req *, struct hm_fragment *);
	int		 (*settings_panel)(struct hm_req *, struct hm_fragment *);
	void		 (*announcements)(struct hm_req *, json_t *);
	const char	*(*landing)(struct hm_req *, int64_t);
	/* ABI 1.1: */
	void		 (*after_post_edit)(struct hm_db *,
			     const struct hm_post_event *);
	/* the post (id, by author) is being deleted: in the same
	 * transaction, before its row goes (post_info still reads it) */
	void		 (*after_post_delete)(struct hm_db *, int64_t, int64_t);
	/* render: offer a post option to this person (return 1) */
	int		 (*composer_option)(struct hm_req *,
			     struct hm_post_option *);
	/* hearthd serves (start: threads may begin) or is stopping (stop:
	 * before the writer stops, after the loops drained); never called
	 * in hearthctl */
	void		 (*start)(void);
	void		 (*stop)(void);
	/* render: whether this person gets the module's post tools
	 * (api->post_tool); without the hook, everyone does */
	int		 (*post_tools_for)(struct hm_req *);
	/* ABI 1.2: */
	/* gate: may this person follow the outside account (its id)? Run
	 * only for outside accounts, before the follow is written */
	int		 (*before_follow)(struct hm_req *, int64_t,
			     struct hm_refusal *);
	/* after: follower no longer follows followee (committed, writer) */
	void		 (*after_unfollow)(struct hm_db *, int64_t, int64_t);
	/* search (resolve=true, the web's search): q as typed may name
	 * someone outside ("@name@host", a profile URL). Return 1 after
	 * starting to look it up, then call api->req_resume(req, done, arg)
	 * once, found or not (the core searches again); 0: not the
	 * module's to look up */
	int		 (*resolve)(struct hm_req *, const char *,
			     void (*)(struct hm_req *, void *), void *);
	/* ABI 1.5: */
	/* render (all run): a tab in the admin console for admins, href
	 * and label; the tab is current (and the console's tab bar shown)
	 * on pages under text if set, else under href */
	int		 (*admin_tab)(struct hm_req *, struct hm_fragment *);
	/* ABI 1.6: */
	/* render (all run): append Mastodon Rule objects ({id, text,
	 * hint}) to the array; signed in or not (the Instance entities
	 * carry them too) */
	void		 (*rules)(struct hm_req *, json_t *);
};

/*
 * A hearthctl command of the module (ABI 1.1): `hearthctl NAME WORD
 * ARGS...` runs run(db, argc, argv) with argv[0] == WORD, in one
 * transaction on hearthctl's own connection (writes allowed), committed
 * if it returns 0. It prints what it did to stdout and errors to stderr;
 * it returns an exit code (0, 1 failed, 2 bad usage).
 */
struct hm_command {
	const char	*name;
	const char	*usage;		/* "enable USER" */
	int		 (*run)(struct hm_db *, int, char **);
};

/* The struct a module exports as HEARTH_MODULE_SYMBOL. */
struct hearth_module {
	int				 abi_major;	/* HEARTH_ABI_MAJOR */
	int				 abi_minor;	/* HEARTH_ABI_MINOR */
	size_t				 size;	/* sizeof(struct hearth_module) */
	const char			*name;	/* [a-z0-9_]+, unique */
	const char			*version;
	const struct hm_route		*routes;
	size_t				 nroutes;
	const struct hm_migration	*migrations;
	size_t				 nmigrations;
	const struct hm_config_key	*config;
	size_t				 nconfig;
	const struct hm_hooks		*hooks;
	/* 0 to go on; non-zero refuses the module, with *cause (static). */
	int		 (*load)(const struct hearth_api *, struct hm_module *,
			     const char **cause);
	void		 (*unload)(void);
	/* ABI 1.1: what the module's public listener (api->listen) serves,
	 * and nothing else; flags other than 0 are refused there */
	const struct hm_route		*public_routes;
	size_t				 npublic_routes;
	const struct hm_command		*commands;
	size_t				 ncommands;
};

/* Convenience for filling the first three fields. */
#define HEARTH_MODULE_HEADER \
	HEARTH_ABI_MAJOR, HEARTH_ABI_MINOR, sizeof(struct hearth_module)

/* A write run on the writer thread, in its own savepoint: HM_OK commits,
 * anything else rolls it back; *cause (api->strdup'ed, or NULL) says why. */
typedef int (*hm_write_fn)(struct hm_req *, struct hm_db *, void *, char **);
/* Back on the loop: answer. rc is HM_OK or the failure; cause as above. */
typedef void (*hm_reply_fn)(struct hm_req *, void *, int, const char *);
/* A background job, on the writer thread in a transaction. */
typedef void (*hm_job_fn)(struct hm_db *, void *);

struct hm_user {
	int64_t		 id;
	const char	*username;
	const char	*display_name;
	int		 admin;
	int		 disabled;
	int64_t		 created_at;
};

struct hm_post {
	int64_t		 id;
	int64_t		 author_id;
	const char	*text;
	const char	*url_path;	/* "/@name/id" */
	int64_t		 created_at;
};

/* Visibilities, as the Mastodon API's values. */
#define HM_VIS_PUBLIC	0
#define HM_VIS_UNLISTED	1
#define HM_VIS_PRIVATE	2
#define HM_VIS_DIRECT	3

/* A post as stored (post_info): no access check; strings are malloc'ed,
 * freed by post_info_free. */
struct hm_post_info {
	int64_t		 id;
	int64_t		 author_id;
	int64_t		 group_id;	/* 0: none */
	int		 group_private;	/* the group is members-only */
	int64_t		 in_reply_to_id;
	int64_t		 in_reply_to_author_id;
	int		 visibility;	/* HM_VIS_ */
	int		 sensitive;
	int64_t		 created_at;
	int64_t		 edited_at;	/* 0: never */
	char		*source;	/* Markdown */
	char		*spoiler_text;
	char		*language;	/* NULL: unknown */
};

/* A person as stored (user_find); strings malloc'ed, user_info_free. */
struct hm_user_info {
	int64_t		 id;
	char		*username;
	char		*display_name;
	char		*avatar_path;	/* a file, or NULL */
	char		*avatar_type;	/* its media type */
	int		 admin;
	int		 disabled;
	int64_t		 created_at;
};

/*
 * ABI 1.2: people and posts from outside the company (the bridge's part
 * 2). An outside account is shown as Mastodon shows a remote one (acct
 * "name@host"); it never signs in and is never listed with employees. An
 * outside post is readable by every employee, in no company stream and no
 * group; the module sanitises its HTML before it is stored.
 */
struct hm_outside_account {
	const char	*uri;		/* the actor's id (unique) */
	const char	*acct;		/* "name@host" */
	const char	*host;
	const char	*display_name;
	const char	*note_html;	/* sanitised */
	const char	*url;		/* profile page there, or NULL */
};
struct hm_outside_post {
	const char	*uri;		/* the object's id (unique) */
	const char	*url;		/* its page there, or NULL */
	int64_t		 author;	/* an outside account's id */
	int64_t		 in_reply_to;	/* a post inside everyone reads, or 0 */
	const char	*html;		/* sanitised */
	const char	*text;		/* plain, for search */
	const char	*spoiler_text;	/* or NULL */
	int		 sensitive;
	const char	*language;	/* or NULL */
	const int64_t	*mentions;	/* employees it mentions */
	size_t		 nmentions;
	int		 quiet;		/* notify nobody (a silenced server) */
	int64_t		 published;	/* when it was written there (Unix
					   time), or 0: now */
};
/* A post a module writes for someone (ABI 1.2: post_create). */
struct hm_new_post {
	int64_t		 author;	/* an employee */
	int64_t		 group_id;	/* 0: none (then public) */
	const char	*text;		/* Markdown, as the composer takes */
	const char	*spoiler_text;	/* or NULL */
};
typedef void (*hm_group_fn)(int64_t, const char *, void *);
/* An image decoded and written again (ABI 1.3: image_reencode). */
struct hm_image {
	void		*data;		/* api->free */
	size_t		 len;
	const char	*type;		/* "image/jpeg", or "image/png" when it
					   has transparency or came as a PNG
					   or GIF (kept lossless) */
	int		 width;
	int		 height;
};

#define HM_REACT_LIKE	0
#define HM_REACT_BOOST	1
#define HM_REACT_QUIET	0x10	/* or'ed in: notify nobody */

/* markdown_outside's mention resolver: the URL to link "@name" to, or
 * NULL to drop the mention from the text. */
typedef const char *(*hm_mention_fn)(void *, const char *);
/* Back on a request's loop (req_resume). */
typedef void (*hm_resume_fn)(struct hm_req *, void *);

/* The table handed to load. Append only (see the ABI rules above). */
struct hearth_api {
	int		 abi_major;
	int		 abi_minor;
	size_t		 size;		/* sizeof(struct hearth_api) */

	/* logging: one line, prefixed with the module's name */
	void		 (*log)(struct hm_module *, int, const char *, ...)
			     __attribute__((format(printf, 3, 4)));

	/* config: NAME.key's value, else the declared default */
	const char	*(*config)(struct hm_module *, const char *);
	const char	*(*base_url)(void);

	/* the request */
	int64_t		 (*req_user)(struct hm_req *);	/* 0: signed out */
	int		 (*req_admin)(struct hm_req *);
	const char	*(*req_username)(struct hm_req *);
	int		 (*req_is_api)(struct hm_req *);
	int		 (*req_method)(struct hm_req *);
	const char	*(*req_path)(struct hm_req *);
	const char	*(*req_param)(struct hm_req *, const char *);
	const char	*(*req_route_param)(struct hm_req *, int);
	const char	*(*req_header)(struct hm_req *, const char *);
	char		*(*req_strdup)(struct hm_req *, const char *);
	void		*(*req_alloc)(struct hm_req *, size_t);	/* zeroed */
	char		*(*req_printf)(struct hm_req *, const char *, ...)
			     __attribute__((format(printf, 2, 3)));
	struct hm_db	*(*req_db)(struct hm_req *);	/* read only */

	/* answers */
	json_t		*(*view)(struct hm_req *, const char *);
	void		 (*reply_html)(struct hm_req *, int, const char *,
			     json_t *);
	void		 (*reply_json)(struct hm_req *, int, json_t *);
	void		 (*reply_body)(struct hm_req *, int, const char *,
			     const char *, size_t);
	void		 (*reply_error)(struct hm_req *, int, const char *);
	void		 (*redirect)(struct hm_req *, const char *);
	void		 (*set_header)(struct hm_req *, const char *,
			     const char *);
	int		 (*write)(struct hm_req *, hm_write_fn, hm_reply_fn,
			     void *);

	/* rendering helpers (results live as long as the request) */
	const char	*(*markdown)(struct hm_req *, const char *);
	const char	*(*escape_html)(struct hm_req *, const char *);

	/* database: statements on a read connection refuse to write */
	struct hm_stmt	*(*db_prepare)(struct hm_db *, const char *);
	int		 (*db_bind_int)(struct hm_stmt *, int, int64_t);
	int		 (*db_bind_text)(struct hm_stmt *, int, const char *);
	int		 (*db_step)(struct hm_stmt *);	/* 1 row, 0 done, -1 */
	int64_t		 (*db_column_int)(struct hm_stmt *, int);
	const char	*(*db_column_text)(struct hm_stmt *, int);
	void		 (*db_finalize)(struct hm_stmt *);
	int		 (*db_exec)(struct hm_db *, const char *);
	const char	*(*db_error)(struct hm_db *);
	int64_t		 (*db_last_id)(struct hm_db *);

	/* domain */
	int		 (*user_get)(struct hm_req *, int64_t, struct hm_user *);
	int		 (*user_each)(struct hm_db *,
			     void (*)(const struct hm_user *, void *), void *);
	int		 (*notify)(struct hm_db *, int64_t, const char *,
			     int64_t);
	int		 (*post_get)(struct hm_req *, int64_t, struct hm_post *);

	/* background jobs: fn every so many seconds, on the writer thread */
	int		 (*job_every)(struct hm_module *, int, hm_job_fn,
			     void *);

	/* ABI 1.1 */
	/* from load: serve public_routes on "ADDR:PORT" (or "ADDR:PORT
	 * tls", with cert and key files, NULL for the core's) */
	int		 (*listen)(struct hm_module *, const char *,
			     const char *, const char *, char **);
	/* the request as sent: its body, target (path and query), peer */
	const char	*(*req_body)(struct hm_req *, size_t *);
	const char	*(*req_target)(struct hm_req *);
	const char	*(*req_peer)(struct hm_req *);
	int		 (*req_is_public)(struct hm_req *);
	/* from any thread, once per HM_ASYNC handler: fn(req, arg) runs on
	 * the request's loop and answers (it may call write) */
	void		 (*req_resume)(struct hm_req *, hm_resume_fn, void *);
	/* from any thread: fn on the writer in its next transaction */
	int		 (*job_now)(struct hm_module *, hm_job_fn, void *);
	/* reads, any connection (request's or writer's) */
	int		 (*post_info)(struct hm_db *, int64_t,
			     struct hm_post_info *);
	void		 (*post_info_free)(struct hm_post_info *);
	int		 (*user_find)(struct hm_db *, int64_t, const char *,
			     struct hm_user_info *);
	void		 (*user_info_free)(struct hm_user_info *);
	/* Markdown as the outside sees it (malloc'ed): Mastodon's tags and
	 * classes, mentions through fn, hashtags linked under base */
	char		*(*markdown_outside)(const char *, const char *,
			     hm_mention_fn, void *);
	int		 (*db_changes)(struct hm_db *);
	int		 (*db_bind_null)(struct hm_stmt *, int);
	void		 (*free)(void *);
	/* a notification about a post (writer only); the words a type of
	 * the module's shows on the web (from load) */
	int		 (*notify_post)(struct hm_db *, int64_t, const char *,
			     int64_t, int64_t);
	int		 (*notify_label)(struct hm_module *, const char *,
			     const char *);
	/* a group open to everyone inside: 0 and *private = 0; members-only
	 * or missing: -1 and *private = 1 */
	int		 (*group_info)(struct hm_db *, int64_t, int *);
	/* from load: a link LABEL to PREFIX/ID (a local path) on each of a
	 * person's own public posts */
	int		 (*post_tool)(struct hm_module *, const char *,
			     const char *);

	/* ABI 1.2 (writer only): outside accounts and posts. The account's
	 * id (created or updated by uri), or -1 and *cause (api->free) */
	int64_t		 (*outside_account)(struct hm_db *,
			     const struct hm_outside_account *, char **);
	/* the post's id: new, or an edit when its author sends the same
	 * uri again; -1 and *cause (api->free) */
	int64_t		 (*outside_post)(struct hm_db *,
			     const struct hm_outside_post *, char **);
	/* the post with outside id uri (any connection): its id and its
	 * author's, or 0 */
	int64_t		 (*outside_post_find)(struct hm_db *, const char *,
			     int64_t *);
	/* delete author's post uri: 1, 0 if none of theirs, -1 */
	int		 (*outside_post_delete)(struct hm_db *, int64_t,
			     const char *);
	/* an outside account's like or boost (HM_REACT_*) of a post
	 * everyone inside reads, on or off: 0, or 404 / 403 / 500 */
	int		 (*outside_react)(struct hm_db *, int64_t, int64_t, int,
			     int);
	/* whether post is an outside post (any connection): its id there,
	 * and its author's actor id and acct (all malloc'ed, api->free), or
	 * NULL */
	char		*(*outside_of)(struct hm_db *, int64_t, char **,
			     char **);
	/* from load: a link LABEL to PREFIX/ID under every outside post,
	 * for everyone signed in (report, forward) */
	int		 (*outside_tool)(struct hm_module *, const char *,
			     const char *);
	/* writer only: a post by an employee, as the composer would write
	 * it (the author must be a member of its group); its id, or -1 and
	 * *cause (api->free). Modules' after_post hooks see it. */
	int64_t		 (*post_create)(struct hm_db *,
			     const struct hm_new_post *, char **);
	/* the groups user is a member of, by name: fn(id, name, arg) */
	int		 (*group_each)(struct hm_db *, int64_t, hm_group_fn,
			     void *);
	/* CPU work off the loop: work(arg) on the worker pool (below the
	 * loops' priority), then done(req, arg) on the request's loop, which
	 * answers (or writes); the handler returns HM_ASYNC. -1 if the pool's
	 * queue is full (then answer 503 at once). */
	int		 (*req_work)(struct hm_req *, void (*)(void *),
			     hm_resume_fn, void *);
	/* writer only: the actor (its id) deleted itself: its outside
	 * posts are deleted and its account disabled; how many posts, or
	 * -1 */
	int		 (*outside_account_gone)(struct hm_db *, const char *);
	/* an outside account (any connection): its actor id (malloc'ed,
	 * api->free) and how many employees follow it; NULL for anyone
	 * else */
	char		*(*outside_account_of)(struct hm_db *, int64_t, int *);
	/* writer only: follower follows (on) or stops following followee,
	 * as the Follow button does (hooks run); HM_OK or an HM_ code */
	int		 (*follow)(struct hm_db *, int64_t, int64_t, int);
	/* writer only: an outside account's avatar: an image (PNG, JPEG,
	 * GIF, WebP) the module decoded and wrote again, which it stores
	 * as is; 0, or -1 and *cause (api->free) */
	int		 (*outside_avatar)(struct hm_db *, int64_t,
			     const void *, size_t, char **);
	/* in a resumed function (req_resume's, req_work's done) that
	 * starts another step instead of answering: the request stays open
	 * until a later req_resume answers it */
	void		 (*req_hold)(struct hm_req *);

	/* ABI 1.3 */
	/* any thread but a loop's or the writer's (it takes milliseconds,
	 * a large image longer): an image (PNG, JPEG, GIF, WebP, HEIC,
	 * AVIF by its bytes; the pixels its header claims checked before
	 * any is decoded) decoded and written again as uploads are: at
	 * most max_side (16 to 4096) pixels a side, never enlarged, turned
	 * as the camera said, without any metadata, an animation's first
	 * frame. 0 and *out (its data api->free), or -1 and *cause
	 * (api->free) */
	int		 (*image_reencode)(const void *, size_t, int,
			     struct hm_image *, char **);

	/* ABI 1.4 */
	/* a post's attachments as it stores them, a JSON array of objects
	 * (id, kind: image|gifv|file, file, preview, mime, bytes, width,
	 * height, pwidth, pheight, focus_x, focus_y, description,
	 * blurhash, filename), or NULL for none (api->free) */
	char		*(*post_media)(struct hm_db *, int64_t);
	/* the post a stored file (an attachment or its thumbnail) belongs
	 * to, or 0 (none yet, not an attachment, not a valid name) */
	int64_t		 (*media_post_of)(struct hm_db *, const char *);
	/* answer with a stored file as hearth serves attachments (its
	 * type, a download for files, nosniff, a sandboxing CSP, ETag,
	 * byte ranges), or 404; the caller decided it may be seen */
	void		 (*reply_media)(struct hm_req *, const char *);

	/* ABI 1.5 */
	/* record an admin action in the audit log, in the write's own
	 * transaction (call it from an hm_write_fn, with its req and db):
	 * who and from where come from req; action ("guidelines.publish"),
	 * target_type and id (0: none), target_name, details (a JSON object
	 * as text, or NULL). 0, or -1: return an error so the write rolls
	 * back */
	int		 (*audit)(struct hm_req *, struct hm_db *, const char *,
			     const char *, int64_t, const char *, const char *);

	/* ABI 1.6 */
	/* the reader's language (docs/translating.md): tr a message; trn a
	 * counted one, n and its English forms (one, other); format fills
	 * {name} placeholders from (name, value) pairs ending in NULL, at
	 * most 8, so a translation may order them its own way; datetime a
	 * date and time in the reader's language and time zone. Messages are
	 * literals (tools/i18n-extract collects A->tr and A->trn arguments);
	 * what they return lives as long as the request */
	const char	*(*tr)(struct hm_req *, const char *);
	const char	*(*trn)(struct hm_req *, long, const char *,
			     const char *);
	const char	*(*format)(struct hm_req *, const char *, ...);
	const char	*(*datetime)(struct hm_req *, int64_t);
};

/* Log levels for api->log. */
#define HM_LOG_DEBUG	0
#define HM_LOG_INFO	1
#define HM_LOG_WARN	2
#define HM_LOG_ERROR	3

#endif
