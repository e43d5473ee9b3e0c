/*
 * hearth.h: the private header of hearthd and hearthctl. Prototypes are grouped
 * under a banner naming the file that defines them; the layers are described in
 * docs/architecture.md and arrows only point down (transport, routing, handlers,
 * domain, storage).
 */
#ifndef HEARTH_H
#define HEARTH_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include <sqlite3.h>
#include <jansson.h>

#include "http.h"

struct evbuffer;
struct event_base;
struct req;
struct route;
struct idlist;
struct page;
struct post;
struct group;
struct part;
struct multipart;
struct post_draft;

#define HEARTH_NAME "hearth"

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define printflike(a, b) __attribute__((format(printf, a, b)))
#define nitems(x) (sizeof(x) / sizeof((x)[0]))

/* xmalloc.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xrealloc(void *, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
char		*xasprintf(const char *, ...) printflike(1, 2);
char		*xvasprintf(const char *, va_list);

/* log.c */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void		 log_set_level(enum log_level);
int		 log_level_parse(const char *, enum log_level *);
void		 log_msg(enum log_level, const char *, ...) printflike(2, 3);
__dead void	 fatalx(const char *, ...) printflike(1, 2);
/* A line logged at most once per interval (log_every). */
struct log_every {
	uint64_t	 next;
	long		 count;
	int		 seconds;
};
#define LOG_EVERY(seconds)	{ 0, 0, (seconds) }
void		 log_every(struct log_every *, enum log_level, const char *, ...)
		     printflike(3, 4);
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* arena.c */
struct arena;
struct arena	*arena_new(void);
void		 arena_free(struct arena *);
void		*arena_alloc(struct arena *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_trim(struct arena *, const char *);
char		*arena_printf(struct arena *, const char *, ...) printflike(2, 3);

/* crypto.c */
#define TOKEN_BYTES 32
#define TOKEN_CHARS 43		/* base64url of 32 bytes, no padding */
#define HASH_HEX 64
void		 crypto_random(void *, size_t);
void		 crypto_b64url(const uint8_t *, size_t, char *);
void		 crypto_sha256_hex(const void *, size_t, char [HASH_HEX + 1]);
void		 crypto_hmac(const uint8_t *, size_t, const void *, size_t,
		     uint8_t [32]);
int		 crypto_equal(const void *, const void *, size_t);
void		 crypto_new_token(const char *, char *, size_t, char [HASH_HEX + 1]);

/* duration.c */
int		 duration_parse(const char *, long *);

/* config.c */
enum sync_mode { SYNC_OFF, SYNC_NORMAL, SYNC_FULL, SYNC_EXTRA };
struct listen_addr {
	char	*host;
	int	 port;
	int	 tls;
};
struct config {
	char			*path;
	struct listen_addr	*listen;
	size_t			 nlisten;
	char			*data_dir;
	char			*base_url;
	char			*instance_title;
	char			*modules;
	char			*module_dir;
	int			 module_failure_skip;	/* else stop */
	struct config_modkey {
		char		*key;		/* "NAME.key" */
		char		*value;
		int		 line;
	}			*modkeys;
	size_t			 nmodkeys;
	char			*web_dir;
	char			*tls_cert;
	char			*tls_key;
	int			 threads;
	int			 workers;
	enum sync_mode		 synchronous;
	enum log_level		 log_level;
	long			 session_idle;
	long			 session_lifetime;
	long			 request_timeout;
	long			 header_timeout;
	long			 keepalive_timeout;
	long			 min_body_rate;
	long			 max_body_size;
	long			 max_form_size;
	long			 max_anon_body_size;
	long			 max_body_memory;
	long			 max_header_size;
	long			 max_connections;
	long			 max_connections_per_ip;
	int			 login_account_limit;
	int			 login_ip_limit;
	long			 login_window;
	int			 trust_proxy;
	int			 home_feed_cache;
};
void		 config_defaults(struct config *);
int		 config_parse(struct config *, const char *, const char *, size_t,
		     char **);
int		 config_load(struct config *, const char *, char **);
void		 config_free(struct config *);
char		*config_db_path(const struct config *);
int		 config_make_data_dir(const struct config *, char **);
int		 config_is_https(const struct config *);

/* db.c */
struct db;
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
#define DB_READONLY	0x1
#define DB_NOCHECKPOINT	0x2	/* a checkpointer thread does it instead */
struct db	*db_open(const char *, enum sync_mode, int, char **);
void		 db_close(struct db *);
sqlite3		*db_handle(struct db *);
sqlite3_stmt	*db_prepare(struct db *, const char *);
int		 db_exec(struct db *, const char *);
int		 db_begin(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
void		 db_unwind(struct db *, int);
int		 db_migrate(struct db *, const char *, const struct migration *,
		     size_t, char **);
int		 db_schema_version(struct db *, const char *);
int		 db_backup(struct db *, const char *, char **);
const char	*db_errmsg(struct db *);
const char	*db_like_contains(struct arena *, const char *);
int64_t		 db_changes(struct db *);
int64_t		 db_last_id(struct db *);
int		 db_bump(struct db *, const char *, int64_t, int);
int		 db_stamp(struct db *, const char *, int64_t, int64_t);
int		 db_ping(struct db *);
int		 db_in_transaction(struct db *);
int		 db_read_begin(struct db *);
void		 db_read_end(struct db *);
uint64_t	 db_read_stamp(struct db *);
int		 db_read_current(struct db *);
int		 db_memo_ok(struct db *);
typedef void (*after_fn)(void *, int);
void		 db_after_commit(struct db *, after_fn, void *);
size_t		 db_after_mark(struct db *);
void		 db_after_cut(struct db *, size_t);

/* stamp.c: change stamps for answers remembered across requests */
enum stamp_kind {
	STAMP_ALL = 0,		/* everything (a group changed) */
	STAMP_POST = 1,		/* a post's row, favourites, mentions */
	STAMP_USER = 2,		/* a person's row */
	STAMP_REACH = 3,	/* whom a person follows, their groups */
	STAMP_SESSION = 4,	/* a session's row */
	STAMP_TOKEN = 5,	/* an API token's row */
};
#define STAMP_MAX_AGE	600	/* seconds; for writes nothing signalled */
#define STAMP_FILE	"hearth.changes"	/* in data_dir */
uint64_t	 stamp_now(void);
int		 stamp_valid(uint64_t, enum stamp_kind, int64_t);
int		 stamp_watch(sqlite3 *, char **);
int		 stamp_shared_open(const char *, int, char **);
void		 stamp_shared_raise(void);
void		 stamp_sync(void);

/* epoch.c: versions of what pages remember about a person */
int64_t		 epoch_person(int64_t);
void		 epoch_commit(void);
void		 epoch_bump_all(void);
void		 epoch_touch(struct db *, int64_t);
void		 epoch_touch_all(struct db *);
int		 epoch_memo_get(int, int64_t, int64_t, int64_t *);
void		 epoch_memo_put(int, int64_t, int64_t, int64_t);
enum memo_kind { MEMO_UNREAD = 1, MEMO_MY_GROUPS };
json_t		*db_memo_json(struct db *, int, int64_t, int64_t);
void		 db_memo_json_put(struct db *, int, int64_t, int64_t, json_t *);

/* schema.c (generated from schema/ by tools/embed-sql) */
extern const struct migration	core_migrations[];
extern const size_t		core_nmigrations;

/* checkpoint.c */
int		 checkpoint_start(const char *, char **);
void		 checkpoint_stop(void);

/* secret.c */
int		 secret_load(struct db *, char **);
const uint8_t	*secret_get(void);

/* password.c */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024
int		 password_hash(const char *, char **, char **);
int		 password_verify(const char *, const char *);
const char	*password_dummy(void);
int		 password_policy(const char *, char **);
void		 password_generate(char *, size_t);

/* user.c */
enum role { ROLE_MEMBER = 0, ROLE_ADMIN = 1 };
struct user {
	int64_t		 id;
	const char	*username;
	const char	*display_name;
	const char	*email;
	enum role	 role;
	int		 disabled;
	int64_t		 created_at;
	const char	*password_hash;
	/* profile (profile.c) */
	const char	*bio_source;
	const char	*bio_html;
	const char	*job_title;
	const char	*department;
	const char	*location;
	const char	*phone;
	const char	*pronouns;
	const char	*avatar_file;
	const char	*header_file;
	int64_t		 followers_count;
	int64_t		 following_count;
	int64_t		 statuses_count;
	int64_t		 last_status_at;
};
int		 user_valid_name(const char *, char **);
int		 user_set_role(struct db *, int64_t, enum role);
int		 user_admins(struct db *);
int		 user_fingerprint(struct db *, int64_t, uint64_t *);
uint64_t	 user_tag(int64_t, int64_t, int64_t, int64_t, int64_t);
int64_t		 user_create(struct db *, const char *, const char *,
		     const char *, enum role, const char *, char **);
struct user	*user_get(struct db *, struct arena *, int64_t);
struct user	*user_get_by_name(struct db *, struct arena *, const char *);
int		 user_set_password(struct db *, int64_t, const char *);
int		 user_set_disabled(struct db *, int64_t, int);
int		 user_list(struct db *, struct arena *,
		     void (*)(const struct user *, void *), void *);
int		 user_change_password(struct db *, int64_t, const char *,
		     int64_t);
int		 user_page(struct db *, struct arena *, const char *, int, int,
		     void (*)(const struct user *, void *), void *);
int		 user_admin_create(struct db *, struct arena *, int64_t,
		     const char *, const char *, const char *, enum role,
		     const char *, int64_t *, char **);
int		 user_admin_set_role(struct db *, struct arena *, int64_t,
		     int64_t, enum role, char **);
int		 user_admin_set_disabled(struct db *, struct arena *, int64_t,
		     int64_t, int, char **);
int		 user_admin_set_password(struct db *, struct arena *, int64_t,
		     int64_t, const char *, char **);

/* session.c */
#define SESSION_PREFIX "hs_"
struct session {
	int64_t		id;
	int64_t		user_id;
	int64_t		created_at;
	char		hash[HASH_HEX + 1];
	int		touch;		/* last_seen_at wants refreshing */
	int		expired;	/* found, but past a timeout */
};
/* A sessions row as looked up (session.c, auth-memo.c). */
struct session_row {
	int64_t		id;
	int64_t		user_id;
	int64_t		created_at;
	int64_t		last_seen_at;
	int		disabled;	/* the person's */
};
int		 session_memo_get(const char *, int64_t, struct session_row *);
void		 session_memo_put(const char *, const struct session_row *,
		     uint64_t, int64_t);
/* A live tokens row as looked up (token.c, auth-memo.c). */
#define TOKEN_SCOPES_MAX	160
struct token_row {
	int64_t		id;
	int64_t		user_id;	/* 0: an app's own token */
	int64_t		app_id;
	int64_t		last_used_at;
	char		scopes[TOKEN_SCOPES_MAX];
};
int		 token_memo_get(const char *, int64_t, struct token_row *);
void		 token_memo_put(const char *, const struct token_row *,
		     uint64_t, int64_t);
struct user	*user_memo_get(int64_t, struct arena *, int64_t);
void		 user_memo_put(const struct user *, uint64_t, int64_t);
int		 session_create(struct db *, int64_t, const char *,
		     const char *, char *, size_t);
int		 session_lookup(struct db *, const char *, long, long,
		     struct session *);
int		 session_end(struct db *, const char *);
int		 session_touch(struct db *, int64_t);
int		 session_end_all(struct db *, int64_t);
struct session_info {
	int64_t		 id;
	int64_t		 created_at;
	int64_t		 last_seen_at;
	const char	*ip;
	const char	*user_agent;
};
int		 session_list(struct db *, struct arena *, int64_t,
		     void (*)(const struct session_info *, void *), void *);
int		 session_end_id(struct db *, int64_t, int64_t);
int		 session_end_others(struct db *, int64_t, int64_t);

/* token.c */
#define TOKEN_PREFIX "hat_"
int64_t		 token_create(struct db *, int64_t, const char *,
		     const char *, char *, size_t);
struct token_auth {
	int64_t		 user_id;	/* 0: an app's own token */
	int64_t		 app_id;	/* 0: from hearthctl */
	const char	*scopes;
	int64_t		 touch;
};
int		 token_lookup(struct db *, struct arena *, const char *,
		     struct token_auth *);
int64_t		 token_create_app(struct db *, int64_t, int64_t, const char *,
		     char *, size_t);
int		 token_revoke_secret(struct db *, int64_t, const char *);
int		 token_touch(struct db *, int64_t);
int		 token_revoke(struct db *, int64_t, int64_t);
struct token_info {
	int64_t		 id;
	const char	*label;
	const char	*scopes;
	int64_t		 created_at;
	int64_t		 last_used_at;
	int64_t		 revoked_at;
	const char	*app;		/* the OAuth app's name, or NULL */
};
int		 token_list(struct db *, struct arena *, int64_t,
		     void (*)(const struct token_info *, void *), void *);

/* app.c */
#define APP_SECRET_PREFIX "hcs_"
struct app {
	int64_t		 id;
	const char	*name;
	const char	*website;
	const char	*redirect_uris;	/* space-separated */
	const char	*scopes;
	const char	*client_id;
	const char	*secret_hash;
	int64_t		 created_at;
};
json_t		*scope_known_json(void);
char		*scope_normalise(struct arena *, const char *);
int		 scope_allows(const char *, const char *);
int		 scope_exact(const char *, const char *);
int		 scope_subset(const char *, const char *);
int64_t		 app_create(struct db *, const char *, const char *,
		     const char *, const char *, char *, char *, size_t);
struct app	*app_get(struct db *, struct arena *, int64_t);
struct app	*app_get_by_client(struct db *, struct arena *, const char *);
int		 app_secret_ok(const struct app *, const char *);
int		 app_redirect_ok(const struct app *, const char *);
int		 oauth_code_create(struct db *, int64_t, int64_t, const char *,
		     const char *, const char *, char *, size_t);
int		 oauth_code_redeem(struct db *, struct arena *, int64_t,
		     const char *, const char *, const char *, int64_t *,
		     const char **, const char **);
int		 app_authorized(struct db *, struct arena *, int64_t,
		     void (*)(const struct app *, int64_t, void *), void *);
int		 app_revoke_for_user(struct db *, int64_t, int64_t);

/* device.c */
char		*device_cookie(struct arena *, int64_t);
const char	*device_check(struct arena *, int64_t, const char *);

/* csrf.c */
#define CSRF_CHARS 43
void		 csrf_token(const char *, char [CSRF_CHARS + 1]);
int		 csrf_check(const char *, const char *);

/* ratelimit.c */
struct ratelimit;
struct ratelimit *ratelimit_new(int, long, size_t);
void		 ratelimit_free(struct ratelimit *);
long		 ratelimit_wait(struct ratelimit *, const char *, int64_t);
void		 ratelimit_hit(struct ratelimit *, const char *, int64_t);
void		 ratelimit_clear(struct ratelimit *, const char *);

/* kv.c */
struct kv {
	const char	*key;
	const char	*value;
};
struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};
const char	*kv_get(const struct kvlist *, const char *);
void		 kv_add(struct arena *, struct kvlist *, const char *,
		     const char *);

/* user-agent.c */
const char	*ua_describe(struct arena *, const char *);

/* utf8.c */
size_t		 utf8_check(const unsigned char *, size_t, int *);
int		 utf8_valid(const unsigned char *, size_t);
size_t		 utf8_cut(const char *, size_t);

/* form.c */
int		 form_parse(struct arena *, const char *, size_t,
		     struct kvlist *);
char		*form_decode(struct arena *, const char *, size_t);
char		*path_decode(struct arena *, const char *, size_t);

/* cookie.c */
int		 cookie_parse(struct arena *, const char *, struct kvlist *);

/* escape.c */
void		 escape_html(struct evbuffer *, const char *, size_t);
char		*escape_url(struct arena *, const char *);
char		*escape_url_path(struct arena *, const char *);

/* render.c */
int		 render_init(const char *, char **);
void		 render_free(void);
int		 render_template(struct evbuffer *, const char *, json_t *);
int		 render_load_dir(const char *, const char *, char **);
int		 render_string(struct evbuffer *, const char *, size_t, json_t *,
		     char **);

/* asset.c */
int		 asset_init(const char *, char **);
void		 asset_free(void);
json_t		*asset_urls(void);
struct asset;
const struct asset *asset_find(const char *);
const char	*asset_data(const struct asset *, size_t *, const char **);
int		 asset_is_hashed(const struct asset *, const char *);

/* jsonw.c */
void		 jsonw_string(struct evbuffer *, const char *, size_t);
void		 jsonw_value(struct evbuffer *, json_t *);

/* cache.c */
struct cache;
struct cache	*cache_new(size_t, uint64_t);
void		 cache_free(struct cache *);
int		 cache_emit(struct cache *, int64_t, uint64_t, struct evbuffer *);
void		 cache_put(struct cache *, int64_t, uint64_t, const void *,
		     size_t);
void		 cache_drop(struct cache *, int64_t);

/* entity.c */
struct ectx {
	const struct config	*config;
	struct db		*db;
	struct arena		*arena;
	int64_t			 viewer;
	json_t			*accounts;	/* cache, by id */
	json_t			*groups;	/* cache, by id */
};
void		 ectx_init(struct ectx *, struct db *, struct arena *, int64_t,
		     const struct config *);
void		 ectx_free(struct ectx *);
json_t		*entity_time(int64_t);
json_t		*entity_account(struct ectx *, const struct user *);
json_t		*entity_account_id(struct ectx *, int64_t);
json_t		*entity_accounts(struct ectx *, const struct idlist *);
json_t		*entity_credential_account(struct ectx *, const struct user *);
json_t		*entity_status(struct ectx *, const struct post *);
json_t		*entity_status_id(struct ectx *, int64_t);
json_t		*entity_statuses(struct ectx *, const struct idlist *);
json_t		*entity_relationship(struct ectx *, int64_t);
json_t		*entity_group(struct ectx *, const struct group *);
json_t		*entity_group_id(struct ectx *, int64_t);
json_t		*entity_tag(struct ectx *, const char *);
json_t		*entity_notification(struct ectx *, int64_t);
void		 entity_cache_init(size_t, size_t);
void		 entity_cache_free(void);
void		 entity_account_forget(int64_t);
void		 entity_statuses_write(struct ectx *, const struct idlist *,
		     struct evbuffer *);

/* worker.c */
struct loop;
typedef void (*job_fn)(void *);
int		 worker_start(int, int);
void		 worker_stop(void);
int		 worker_submit(struct loop *, job_fn, job_fn, void *);
void		 worker_deliver(struct loop *);
void		 worker_post(struct loop *, job_fn, void *);

/* writer.c */
typedef int (*write_fn)(struct db *, void *);
typedef void (*written_fn)(void *, int);
typedef void (*writer_post_fn)(void *, void (*)(void *), void *);
int		 writer_start(const char *, enum sync_mode, writer_post_fn,
		     char **);
void		 writer_stop(void);
int		 writer_submit(void *, write_fn, written_fn, void *);
void		 writer_background(void *, write_fn, void *);

/* clock.c */
uint64_t	 clock_usec(void);

/* sdnotify.c */
void		 sdnotify(const char *);

/* request.c */
enum auth_kind { AUTH_NONE, AUTH_SESSION, AUTH_BEARER };
#define ROUTE_MAX_PARAMS 4
struct route;
struct req {
	struct http_request	*h;
	struct loop		*loop;
	struct arena		*arena;
	const struct route	*route;
	int			 method;
	const char		*path;
	const char		*client_ip;
	int			 is_api;
	int			 is_tls;
	struct kvlist		 query;
	struct kvlist		 form;
	struct kvlist		 cookies;
	const char		*params[ROUTE_MAX_PARAMS];
	enum auth_kind		 auth;
	struct user		*user;
	int64_t			 app_id;	/* a bearer token's OAuth app */
	const char		*scopes;	/* a bearer token's scopes */
	const char		*ws_protocol;	/* a token sent as a WebSocket
						   subprotocol, to echo */
	struct session		 session;
	json_t			*body;
	struct multipart	*files;		/* a multipart body's file parts */
	const char		*csrf_binding;
	char			 csrf[CSRF_CHARS + 1];
	int			 replied;
	uint64_t		 started_us;
};
struct req	*req_new(struct loop *, struct http_request *);
void		 req_free(struct req *);
const char	*req_header(struct req *, const char *);
void		 req_set_header(struct req *, const char *, const char *);
const char	*req_out_header(struct req *, const char *);
const char	*req_target(struct req *);
const char	*req_param(struct req *, const char *);
const char	*req_cookie_name(struct req *);
void		 req_set_cookie(struct req *, const char *, const char *, long);
void		 req_reply(struct req *, int, const char *, struct evbuffer *);
struct conn	*req_stream(struct req *, int, const char *);
void		 req_text(struct req *, int, const char *);
void		 req_json(struct req *, int, json_t *);
void		 req_json_buffer(struct req *, int, struct evbuffer *);
struct ectx;
void		 req_statuses(struct req *, struct ectx *, const struct idlist *);
void		 req_error(struct req *, int, const char *);
void		 req_html(struct req *, int, const char *, json_t *);
void		 req_redirect(struct req *, const char *);
void		 req_retry_after(struct req *, long);
json_t		*req_view(struct req *, const char *);
/* What the layers above hang on the request path. */
struct req_hooks {
	int		 (*gate_write)(struct req *);	/* -1: refused (answered) */
	int		 (*gate_post)(struct req *, const char *);
	const char	*(*landing)(struct req *, int64_t);
	void		 (*announcements)(struct req *, json_t *);
	const struct route *(*route_find)(const char *, int, struct arena *,
			     const char **, int *);
};
typedef void (*req_view_fn)(struct req *, json_t *);
void		 req_set_hooks(const struct req_hooks *);
const struct req_hooks *req_get_hooks(void);
void		 req_view_hook_add(req_view_fn);
int		 req_gate_post(struct req *, const char *);
const char	*req_landing(struct req *, int64_t);
void		 req_announcements(struct req *, json_t *);
typedef int (*req_write_fn)(struct req *, struct db *, void *, char **);
typedef void (*req_reply_fn)(struct req *, void *);
enum handled	 req_write(struct req *, req_write_fn, req_reply_fn, void *);
enum handled	 req_command(struct req *, int (*)(struct db *, void *, char **),
		     req_reply_fn, void *);
typedef void (*req_outcome_fn)(struct req *, void *, int, const char *);
enum handled	 req_command_then(struct req *,
		     int (*)(struct db *, void *, char **), req_outcome_fn,
		     void *);
enum handled	 req_work_write(struct req *, void (*)(void *),
		     int (*)(struct db *, void *, char **), req_reply_fn, void *);
void		 req_domain_error(struct req *, int, const char *);
int64_t		 req_id(struct req *, const char *);
int		 req_bool(struct req *, const char *);
void		 req_ectx(struct req *, struct ectx *);
int		 req_parse_body(struct req *);
const struct part *req_file(struct req *, const char *);
const struct config *req_config(struct req *);
struct db	*req_db(struct req *);

/* router.c */
#define R_AUTH		0x01	/* a signed-in person (session or bearer) */
#define R_ADMIN		0x02	/* ... who is an admin */
#define R_NOCSRF	0x04	/* unsafe, yet no CSRF token (e.g. OAuth token) */
#define R_ANON		0x08	/* a form signed-out people post (login) */
#define R_FOLLOW	0x10	/* a bearer token needs the follow scope */
#define R_QTOKEN	0x80	/* a bearer token may come as ?access_token */
#define R_SESSION	0x100	/* a browser session only, never a bearer token */
#define R_UNGATED	0x200	/* modules' gate hooks skip it (= HM_UNGATED) */
#define R_UPLOAD	0x400	/* takes files: bodies up to max_body_size */
enum handled { HANDLED, HANDLED_ASYNC };
struct route {
	int		 methods;
	const char	*pattern;
	int		 flags;
	enum handled	 (*handler)(struct req *);
};
int		 route_match(const char *, const char *, struct arena *,
		     const char **, int);
const struct route *router_find(const char *, int, struct arena *,
		     const char **, int *);
void		 router_dispatch(struct http_request *, void *);
void		 router_add(const struct route *, size_t);
void		 router_clear(void);
/* The tables hearthd registers (web/pages/routes.c, core/api/routes.c). */
extern const struct route	web_routes[];
extern const size_t		web_nroutes;
extern const struct route	api_routes[];
extern const size_t		api_nroutes;
char		*router_refusal(int, const char *);

/* module-crash.c */
void		 module_crash_watch(void);

/* module.c */
int		 module_load_all(const struct config *, int, char **);
int		 module_count(void);
int		 module_listed(const struct config *, const char *);
int		 module_migrate(struct db *, char **);
int		 module_templates(char **);
void		 module_unload_all(void);
enum handled	 module_dispatch(struct req *);
struct module;
int		 module_list(const struct config *, FILE *);

/* module-api.c */
void		 module_jobs_start(struct loop *);
void		 module_jobs_stop(void);

/* server.c */
struct server;
struct loop_accept {
	struct loop		*loop;
	struct event		*ev;
	int			 tls;
};
struct loop {
	int			 id;
	pthread_t		 thread;
	struct http_loop	 http;		/* its connections */
	struct loop_accept	*accepts;	/* one per listening socket */
	size_t			 naccepts;
	struct server		*server;
	struct event_base	*base;
	struct db		*db;
	struct event		*notify;
	struct event		*drain;
	struct event		*drain_check;
	struct event		*reaccept;	/* listen again next turn */
	struct event		*tidy;		/* memory back after a crowd */
	pthread_mutex_t		 done_lock;
	TAILQ_HEAD(, job)	 done;
	uint64_t		 flush_deadline;
	int			 draining;
	uint64_t		 drain_deadline;
};
struct server {
	struct config		*config;
	struct loop		*loops;
	int			 nloops;
	struct http_settings	 http;
	char			*refusal[2];
	struct ratelimit	*login_ip;
	struct ratelimit	*login_account;
	struct ratelimit	*login_device;	/* failures per known browser */
};
struct server_hooks {
	void		 (*started)(struct loop *);
	void		 (*stopping)(void);
};
int		 server_run(struct config *, const struct server_hooks *);

/* websocket.c */
#define WS_ACCEPT_LEN	28	/* base64 of a SHA-1 */
enum ws_opcode { WS_CONTINUATION = 0, WS_TEXT = 1, WS_BINARY = 2,
    WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };
struct ws_frame {
	int		 fin;
	int		 opcode;
	unsigned char	*payload;	/* the caller's buffer, unmasked */
	size_t		 len;
	int		 close_code;	/* why, when the frame is refused */
};
int		 ws_accept_key(const char *, char [WS_ACCEPT_LEN + 1]);
size_t		 ws_frame_header(unsigned char [10], int, size_t);
ssize_t		 ws_read_frame(const unsigned char *, size_t, size_t,
		     struct ws_frame *);

/* stream-sub.c */
/* The streams one may subscribe to, in stream-sub.c's table. */
enum stream_kind { STREAM_USER, STREAM_PUBLIC, STREAM_NOTIFICATION,
    STREAM_LOCAL, STREAM_HASHTAG, STREAM_HASHTAG_LOCAL, STREAM_GROUP,
    STREAM_NKINDS };
/* One subscription: a kind, and for those that take one its parameter. */
struct stream_sub {
	enum stream_kind	 kind;
	int64_t			 group;	/* STREAM_GROUP */
	char			*arg;	/* the tag, or the group's id */
};
extern const char stream_kinds_known[];
const char	*stream_kind_name(enum stream_kind);
int		 stream_kind_param(enum stream_kind);
int		 stream_kind_named(const char *);
int		 stream_sub_parse(struct db *, struct arena *, int64_t,
		     const char *, const char *, const char *,
		     struct stream_sub *, const char **);
int		 stream_sub_match(const struct stream_sub *,
		     const struct post *);

/* stream.c */
struct post_draft;
void		 stream_init(struct server *);
void		 stream_free(void);
void		 stream_drain(struct loop *);
int		 stream_open(struct req *, const struct stream_sub *);
int		 stream_open_ws(struct req *, const struct stream_sub *,
		     const char *, const char *);

/* api-streaming.c */
enum handled	 api_streaming(struct req *);
enum handled	 api_streaming_named(struct req *);
enum handled	 api_streaming_health(struct req *);

/* tls.c */
struct ssl_ctx_st;
struct ssl_ctx_st *tls_context(const char *, const char *, char **);

/* web-health.c */
enum handled	 web_healthz(struct req *);

/* web-login.c */
enum handled	 web_login_form(struct req *);
enum handled	 web_login(struct req *);
enum handled	 web_logout(struct req *);

/* web-oauth.c */
enum handled	 web_oauth_authorize_form(struct req *);
enum handled	 web_oauth_authorize(struct req *);

/* api-apps.c */
enum handled	 api_app_create(struct req *);
enum handled	 api_app_verify(struct req *);
enum handled	 api_oauth_token(struct req *);
enum handled	 api_oauth_revoke(struct req *);
enum handled	 api_oauth_metadata(struct req *);

/* web-home.c */
enum handled	 web_home(struct req *);
enum handled	 web_compose(struct req *);

/* web-stream.c */
enum handled	 web_public(struct req *);
enum handled	 web_tag(struct req *);

/* web-post.c */
enum handled	 web_post_page(struct req *);
void		 web_post_back(struct req *, void *);
enum handled	 web_post_reply(struct req *);
enum handled	 web_post_favourite(struct req *);
enum handled	 web_post_unfavourite(struct req *);

/* web-profile.c */
enum handled	 web_profile(struct req *);
enum handled	 web_profile_follow(struct req *);
enum handled	 web_profile_unfollow(struct req *);

/* web-view.c */
int		 web_draft(struct req *, struct post_draft *, int, const char **);
const char	*web_next(struct req *, const char *);
void		 web_time(struct arena *, json_t *, const char *, int64_t);
json_t		*web_post(struct ectx *, const struct post *, const char *);
char		*web_ago(struct arena *, int64_t, int64_t);

/* web-card.c */
void		 web_card_init(size_t);
void		 web_card_free(void);
json_t		*web_cards(struct req *, const struct idlist *, const char *);
void		 web_stream(struct req *, json_t *, const struct idlist *,
		     const struct page *, const char *);
void		 web_nav(json_t *, const char *);
void		 web_notice(struct req *, json_t *);

/* web-groups.c */
enum handled	 web_groups(struct req *);
enum handled	 web_group_create(struct req *);
enum handled	 web_group(struct req *);
enum handled	 web_group_join(struct req *);
enum handled	 web_group_leave(struct req *);
enum handled	 web_group_add(struct req *);
enum handled	 web_group_remove(struct req *);
enum handled	 web_group_promote(struct req *);
enum handled	 web_group_demote(struct req *);
json_t		*web_group_view(struct req *, const struct group *);
#define WEB_GROUP_HIDDEN "This group does not exist, or it is private and " \
    "you are not a member."
/* web-group-members.c */
enum handled	 web_group_members(struct req *);
void		 web_group_members_page(struct req *, int64_t, int,
		     const char *, const char *);
json_t		*web_group_member_preview(struct req *, int64_t, int);
enum handled	 web_group_post(struct req *);

/* web-edit.c */
enum handled	 web_post_edit_form(struct req *);
enum handled	 web_post_edit(struct req *);
enum handled	 web_post_delete_form(struct req *);
enum handled	 web_post_delete(struct req *);

/* settings and admin (web): web-settings.c, web-settings-profile.c,
 * web-settings-security.c, web-admin.c */
json_t		*settings_view(struct req *, const char *, const char *);
enum handled	 web_settings(struct req *);
enum handled	 web_settings_sessions(struct req *);
enum handled	 web_settings_session_end(struct req *);
enum handled	 web_settings_sessions_others(struct req *);
enum handled	 web_settings_tokens(struct req *);
enum handled	 web_settings_token_create(struct req *);
enum handled	 web_settings_token_revoke(struct req *);
enum handled	 web_settings_apps(struct req *);
enum handled	 web_settings_app_revoke(struct req *);
enum handled	 web_settings_profile(struct req *);
enum handled	 web_settings_profile_save(struct req *);
enum handled	 web_settings_password(struct req *);
enum handled	 web_settings_password_save(struct req *);
enum handled	 web_admin(struct req *);
enum handled	 web_admin_people(struct req *);
enum handled	 web_admin_person_create(struct req *);
enum handled	 web_admin_person_action(struct req *);

/* web-notifications.c */
enum handled	 web_notifications(struct req *);
enum handled	 web_notifications_read(struct req *);
enum handled	 web_notifications_clear(struct req *);

/* web-directory.c */
enum handled	 web_directory(struct req *);

/* web-search.c */
enum handled	 web_search(struct req *);

/* web-static.c */
enum handled	 web_static(struct req *);

/* api-accounts.c */
enum handled	 api_verify_credentials(struct req *);
enum handled	 api_update_credentials(struct req *);
enum handled	 api_account_lookup(struct req *);
enum handled	 api_relationships(struct req *);
enum handled	 api_account_search(struct req *);
enum handled	 api_account(struct req *);
enum handled	 api_account_statuses(struct req *);
enum handled	 api_account_followers(struct req *);
enum handled	 api_account_following(struct req *);
enum handled	 api_account_follow(struct req *);
enum handled	 api_account_unfollow(struct req *);
enum handled	 api_directory(struct req *);

/* api-statuses.c */
enum handled	 api_status_create(struct req *);
enum handled	 api_status_get(struct req *);
enum handled	 api_status_edit(struct req *);
enum handled	 api_status_delete(struct req *);
enum handled	 api_status_context(struct req *);
enum handled	 api_status_history(struct req *);
enum handled	 api_status_source(struct req *);
enum handled	 api_status_favourite(struct req *);
enum handled	 api_status_unfavourite(struct req *);
enum handled	 api_status_favourited_by(struct req *);
enum handled	 api_favourites(struct req *);

/* api-timelines.c */
enum handled	 api_timeline_home(struct req *);
enum handled	 api_timeline_public(struct req *);
enum handled	 api_timeline_tag(struct req *);
enum handled	 api_timeline_group(struct req *);
enum handled	 api_tag(struct req *);

/* api-groups.c */
enum handled	 api_groups(struct req *);
enum handled	 api_group_create(struct req *);
enum handled	 api_group(struct req *);
enum handled	 api_group_join(struct req *);
enum handled	 api_group_leave(struct req *);
enum handled	 api_group_members(struct req *);
enum handled	 api_group_add(struct req *);
enum handled	 api_group_remove(struct req *);
enum handled	 api_group_admin_add(struct req *);
enum handled	 api_group_admin_remove(struct req *);

/* api-notifications.c */
enum handled	 api_notifications(struct req *);
enum handled	 api_notifications_unread(struct req *);
enum handled	 api_notifications_clear(struct req *);
enum handled	 api_notification(struct req *);
enum handled	 api_notification_dismiss(struct req *);
enum handled	 api_markers_get(struct req *);
enum handled	 api_markers_set(struct req *);

/* api-search.c */
enum handled	 api_search(struct req *);

/* api-instance.c */
enum handled	 api_instance_v1(struct req *);
enum handled	 api_instance_v2(struct req *);
enum handled	 api_empty_list(struct req *);
enum handled	 api_announcements(struct req *);
enum handled	 api_preferences(struct req *);
enum handled	 api_trends_tags(struct req *);

/* markdown.c */
#define MARKDOWN_MAX_MENTIONS 50
#define MARKDOWN_MAX_TAGS 50
struct markdown_ref {
	const char	*name;		/* username as resolved, or tag lowercased */
	const char	*display;	/* as written: "Ada", "#HearthNews" */
	int64_t		 id;		/* the resolved user id (mentions) */
};
struct markdown {
	const char		*html;
	const char		*text;		/* plain text, for search */
	struct markdown_ref	*mentions;
	size_t			 nmentions;
	struct markdown_ref	*tags;
	size_t			 ntags;
};
/* Resolve "@name": the canonical username and id, or NULL if unknown. */
typedef const char *(*mention_fn)(void *, const char *, int64_t *);
int		 markdown_render(struct arena *, const char *, size_t,
		     const char *, mention_fn, void *, struct markdown *,
		     char **);

/* multipart.c */
struct part {
	const char	*name;
	const char	*filename;	/* NULL for plain fields */
	const char	*content_type;	/* as sent; never trusted for files */
	const char	*data;
	size_t		 len;
};
struct multipart {
	struct part	*parts;
	size_t		 n;
};
int		 multipart_parse(struct arena *, const char *, const char *,
		     size_t, struct multipart *, char **);
const struct part *multipart_get(const struct multipart *, const char *);

/* image.c */
enum image_type { IMAGE_NONE, IMAGE_PNG, IMAGE_JPEG, IMAGE_GIF, IMAGE_WEBP };
#define IMAGE_MAX_PIXELS (8192 * 8192)
int		 image_sniff(const void *, size_t, enum image_type *, int *,
		     int *, char **);
const char	*image_ext(enum image_type);
const char	*image_mime(enum image_type);
enum image_type	 image_type_from_ext(const char *);
void		 image_identicon(const char *, int, struct evbuffer *);

/* media.c */
#define MEDIA_NAME_MAX 64
int		 media_store(const char *, const void *, size_t,
		     enum image_type, char *, size_t, char **);
int		 media_remove(const char *, const char *);
int		 media_valid_name(const char *);

/* web-media.c */
enum handled	 web_media(struct req *);
enum handled	 web_avatar_default(struct req *);

/* errors: domain functions answer 0 or one of these, HTTP-like on purpose */
#define E_OK		0
#define E_INVALID	422	/* the input breaks a rule; the cause says which */
#define E_FORBIDDEN	403	/* the person may not do this */
#define E_NOTFOUND	404	/* no such thing, or not visible to the person */
#define E_CONFLICT	409
#define E_INTERNAL	500
#define E_UNAVAILABLE	503	/* the server's passing trouble: try later */

/* idlist.c */
struct idlist {
	int64_t		*ids;
	size_t		 n;
	size_t		 cap;
};
void		 idlist_add(struct arena *, struct idlist *, int64_t);
int		 idlist_has(const struct idlist *, int64_t);
int		 idlist_from_stmt(struct arena *, sqlite3_stmt *, struct idlist *,
		     struct idlist *);

/* api-statuses.c, once struct idlist is known */

/* events.c: what the domain tells the layers above, after commit */
enum event_kind {
	EV_POST_CREATED,	/* id, actor (author), group, reply, to, text */
	EV_POST_EDITED,		/* id */
	EV_POST_DELETED,	/* id, everyone, to (who could have seen it) */
	EV_NOTIFICATION,	/* id, subject (its recipient) */
	EV_FOLLOWED,		/* actor (follower), subject (followee) */
	EV_USER_CREATED,	/* id, text (the username) */
	EV_NKINDS
};
struct event {
	enum event_kind	 kind;
	int64_t		 id;
	int64_t		 actor;
	int64_t		 subject;
	int64_t		 group_id;
	int64_t		 in_reply_to_id;
	int		 everyone;	/* anyone could have seen the post */
	const struct idlist *to;	/* who was (or could have been) shown it */
	const char	*text;
};
typedef void (*event_fn)(struct db *, const struct event *);
void		 events_subscribe(enum event_kind, event_fn);
void		 events_reset(void);
void		 events_emit(struct db *, const struct event *);

/* page.c */
struct page {
	int64_t		 max_id;	/* 0: none */
	int64_t		 since_id;
	int64_t		 min_id;
	int		 limit;
};
int		 page_parse(struct req *, struct page *, int, int);
int		 page_offset(struct req *, int);
void		 page_link(struct req *, const struct page *,
		     const struct idlist *);
int		 page_bind(sqlite3_stmt *, const struct page *);
void		 page_finish(struct arena *, const struct page *,
		     struct idlist *, struct idlist *);
/*
 * Keyset pagination, Mastodon's way. Newest first below :max_id and above
 * :since_id; with min_id, the page just above it (read oldest first, then
 * reversed by page_finish). page_bind binds :max_id (INT64_MAX when absent,
 * so the index range always applies), :since_id, :min_id and :limit.
 */
#define PAGE_DESC(col) col " < :max_id AND " col " > :since_id ORDER BY " \
    col " DESC LIMIT :limit"
#define PAGE_ASC(col) col " < :max_id AND " col " > :min_id ORDER BY " \
    col " ASC LIMIT :limit"

/* access.c */
/* Visibilities and a group's openness as numbers, so that the enums and
 * the SQL below are made from the same ones and cannot disagree. */
#define NUM_VIS_PUBLIC		0
#define NUM_VIS_UNLISTED	1
#define NUM_VIS_PRIVATE		2
#define NUM_VIS_DIRECT		3
#define NUM_GROUP_OPEN		0
#define NUM_GROUP_PRIVATE	1
enum visibility {
	VIS_PUBLIC = NUM_VIS_PUBLIC,
	VIS_UNLISTED = NUM_VIS_UNLISTED,
	VIS_PRIVATE = NUM_VIS_PRIVATE,
	VIS_DIRECT = NUM_VIS_DIRECT,
};
#define SQL_NUM_(n)		#n
#define SQL_NUM(n)		SQL_NUM_(n)
#define SQL_VIS_PUBLIC		SQL_NUM(NUM_VIS_PUBLIC)
#define SQL_VIS_UNLISTED	SQL_NUM(NUM_VIS_UNLISTED)
#define SQL_VIS_PRIVATE		SQL_NUM(NUM_VIS_PRIVATE)
#define SQL_VIS_DIRECT		SQL_NUM(NUM_VIS_DIRECT)
#define SQL_GROUP_OPEN		SQL_NUM(NUM_GROUP_OPEN)
/*
 * Who may read a post, written once as SQL over a posts row aliased p and
 * the bound parameter :viewer: the author; for a group post, whoever may
 * read the group (open groups: everyone; private: members); otherwise
 * public and unlisted: every employee; private: followers and mentioned
 * people; direct: mentioned people. Admins read what everyone reads: a
 * private group or a direct message is private from them too.
 */
#define SQL_POST_VISIBLE(p) "(" p ".author_id = :viewer OR CASE " \
    "WHEN " p ".group_id IS NOT NULL THEN EXISTS (SELECT 1 FROM groups g " \
    "WHERE g.id = " p ".group_id AND " SQL_GROUP_READABLE("g") ") " \
    "WHEN " p ".visibility <= " SQL_VIS_UNLISTED " THEN 1 " \
    "WHEN " p ".visibility = " SQL_VIS_PRIVATE " AND EXISTS (SELECT 1 " \
    "FROM follows f WHERE f.follower_id = :viewer AND " \
    "f.followee_id = " p ".author_id) THEN 1 " \
    "ELSE EXISTS (SELECT 1 FROM mentions m WHERE m.post_id = " p ".id AND " \
    "m.user_id = :viewer) END)"
/* Who may read a group (aliased g): everyone if open, else members. */
#define SQL_GROUP_READABLE(g) "(" g ".visibility = " SQL_GROUP_OPEN " OR " \
    "EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = " g ".id " \
    "AND gm.user_id = :viewer))"
/* A post anyone may see outside groups, or in an open group (what the
 * company and hashtag streams may show to everyone). */
#define SQL_POST_EVERYONES(p) "(CASE WHEN " p ".group_id IS NULL THEN " \
    p ".visibility <= " SQL_VIS_UNLISTED " ELSE EXISTS (SELECT 1 FROM " \
    "groups g WHERE g.id = " p ".group_id AND g.visibility = " \
    SQL_GROUP_OPEN ") END)"
const char	*visibility_name(enum visibility);
int		 visibility_parse(const char *, enum visibility *);
void		 access_bind_viewer(sqlite3_stmt *, int64_t);
int		 access_post_visible(struct db *, int64_t, int64_t);
int		 access_group_readable(struct db *, int64_t, int64_t);
int		 access_group_role(struct db *, int64_t, int64_t);

/* profile.c */
#define PROFILE_TEXT_MAX 200
#define PROFILE_BIO_MAX 2000
struct profile_edit {
	const char	*display_name;	/* NULL: unchanged */
	const char	*bio;
	const char	*bio_html;	/* rendered by the caller */
	const char	*job_title;
	const char	*department;
	const char	*location;
	const char	*phone;
	const char	*pronouns;
	const char	*avatar_file;	/* a stored media name */
	const char	*header_file;
	struct kv	*fields;	/* admin-defined field name, value */
	size_t		 nfields;
};
struct profile_field {
	int64_t		 id;
	const char	*name;
	const char	*value;
};
int		 profile_check(const struct profile_edit *, char **);
int		 profile_update(struct db *, int64_t, const struct profile_edit *,
		     char **);
int		 profile_fields(struct db *, struct arena *, int64_t,
		     struct profile_field **, size_t *);
struct profile_field_def {
	int64_t		 id;
	const char	*name;
	int		 position;
	int64_t		 values;	/* how many people filled it in */
};
enum directory_order { DIRECTORY_ACTIVE, DIRECTORY_NEW, DIRECTORY_NAME };
int		 profile_field_define(struct db *, const char *, int, char **);
int		 profile_field_remove(struct db *, const char *);
int		 profile_field_list(struct db *, struct arena *,
		     struct profile_field_def **, size_t *);
int		 directory_list(struct db *, struct arena *, const char *,
		     const char *, enum directory_order, int, int,
		     struct idlist *);
int		 directory_departments(struct db *, json_t *);

/* profile-save.c */
#define PROFILE_AVATAR_MAX	(2 * 1024 * 1024)
#define PROFILE_HEADER_MAX	(4 * 1024 * 1024)
struct profile_image {			/* one new image of an edit */
	const char	*what;		/* "avatar" or "header" */
	const void	*data;		/* in the request's input */
	size_t		 len;
	enum image_type	 type;
	char		 name[MEDIA_NAME_MAX];	/* once stored */
	const char	*old;		/* the file it replaces, once read */
};
struct profile_save {			/* a checked edit being carried out */
	int64_t			 user;
	struct arena		*arena;	/* the request's */
	struct profile_edit	 edit;
	struct profile_image	 up[2];
	size_t			 nup;
	const char		*data_dir;
	char			*cause;	/* why storing an image failed */
	int			 err;	/* ... and its errno */
};
int		 profile_save_image(struct profile_save *, const char *,
		     const struct part *, char **);
void		 profile_save_init(struct profile_save *, int64_t, struct arena *,
		     const char *);
void		 (*profile_save_work(const struct profile_save *))(void *);
void		 profile_store(void *);
int		 profile_save_cmd(struct db *, void *, char **);

/* follow.c */
struct relationship {
	int	following;
	int	followed_by;
};
int		 follow_add(struct db *, int64_t, int64_t, char **);
int		 follow_remove(struct db *, int64_t, int64_t);
void		 follow_relationship(struct db *, int64_t, int64_t,
		     struct relationship *);
int		 follow_list(struct db *, struct arena *, int64_t, int,
		     const struct page *, struct idlist *, struct idlist *);

/* post.c */
#define POST_MAX_CHARS 5000
#define POST_SPOILER_MAX 500
struct post {
	int64_t		 id;
	int64_t		 author_id;
	int64_t		 group_id;
	int64_t		 in_reply_to_id;
	int64_t		 in_reply_to_account_id;
	enum visibility	 visibility;
	const char	*spoiler_text;
	int		 sensitive;
	const char	*language;
	const char	*source;
	const char	*content_html;
	const char	*text;
	const char	*mentions_json;
	const char	*tags_json;
	int64_t		 created_at;
	int64_t		 edited_at;
	int64_t		 replies_count;
	int64_t		 favourites_count;
	int		 favourited;	/* by the viewer */
};
struct post_draft {
	/* in */
	int64_t		 author_id;
	int64_t		 edit_id;	/* editing this post, or 0 */
	int64_t		 group_id;
	int64_t		 in_reply_to_id;
	enum visibility	 visibility;
	int		 sensitive;
	const char	*source;
	const char	*spoiler_text;
	const char	*language;
	const char	*idempotency_key;
	struct markdown	 md;
	/* out */
	int64_t		 id;
	int		 duplicate;	/* an earlier request with the key made it */
	char		 cause[256];
	struct idlist	 fanout;	/* who gets it in their home feed */
	struct arena	*arena;
};
int		 post_check(struct post_draft *);
int		 post_prepare(struct db *, struct post_draft *, const char *,
		     const char **);
/* Commands: the writes both the web and the API make, each on a plain
 * input struct, run by req_command on the writer. */
typedef int (*command_fn)(struct db *, void *, char **);
struct post_removal {
	int64_t		 actor;
	int64_t		 id;
	int		 admin;		/* an admin may delete anyone's */
};
/* A relation to one thing turned on or off (a follow, a favourite). */
struct toggle {
	int64_t		 actor;
	int64_t		 id;		/* the person or post */
	int		 add;
};
int		 post_create_cmd(struct db *, void *, char **);
int		 post_edit_cmd(struct db *, void *, char **);
int		 post_delete_cmd(struct db *, void *, char **);
int		 favourite_set(struct db *, void *, char **);
int		 follow_set(struct db *, void *, char **);
int		 post_create(struct db *, void *);
int		 post_edit(struct db *, void *);
int		 post_delete(struct db *, int64_t, int64_t, int);
struct post	*post_get(struct db *, struct arena *, int64_t, int64_t);
/* What can change about a post and its author, for checking caches. */
struct peek {
	int64_t		 id;
	int64_t		 author_id;
	int64_t		 edited_at;
	int64_t		 replies_count;
	int64_t		 favourites_count;
	int		 favourited;
	int64_t		 created_at;
	uint64_t	 author_tag;	/* user_fingerprint of the author */
};
int		 post_peek(struct db *, struct arena *, int64_t,
		     const struct idlist *, struct peek **, size_t *);
uint64_t	 entity_status_tag(const struct peek *);	/* entity.c */
void		 peek_cache_init(size_t);			/* peek.c */
int		 peek_cache_get(int64_t, int64_t, int64_t, struct peek *);
void		 peek_cache_put(int64_t, const struct peek *, uint64_t, int64_t);
int		 post_context(struct db *, struct arena *, int64_t, int64_t,
		     struct idlist *, struct idlist *);
int		 post_history(struct db *, struct arena *, int64_t, int64_t,
		     struct post **, size_t *);
int		 favourite_add(struct db *, int64_t, int64_t);
int		 favourite_remove(struct db *, int64_t, int64_t);
int		 favourite_list(struct db *, struct arena *, int64_t, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 favourite_mine(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
/* The argument of post_mention_resolve. */
struct mention_ctx {
	struct db	*db;
	struct arena	*arena;
};
const char	*post_mention_resolve(void *, const char *, int64_t *);

/* group.c */
enum group_visibility {
	GROUP_OPEN = NUM_GROUP_OPEN,
	GROUP_PRIVATE = NUM_GROUP_PRIVATE,
};
enum group_role { GROUP_MEMBER = 0, GROUP_ADMIN = 1 };
#define GROUP_NAME_MAX 100
#define GROUP_DESCRIPTION_MAX 2000
struct group {
	int64_t			 id;
	const char		*name;
	const char		*description;
	const char		*description_html;
	enum group_visibility	 visibility;
	int64_t			 created_by;
	int64_t			 created_at;
	int64_t			 members_count;
	int64_t			 posts_count;
	int			 my_role;	/* -1 not a member */
};
int64_t		 group_create(struct db *, int64_t, const char *, const char *,
		     const char *, enum group_visibility, char **);
struct group	*group_get(struct db *, struct arena *, int64_t, int64_t);
int		 group_list(struct db *, struct arena *, int64_t, int,
		     const struct page *, struct idlist *);
int		 group_join(struct db *, int64_t, int64_t);
struct group_name {
	int64_t		 id;
	const char	*name;
};
int		 group_names(struct db *, struct arena *, int64_t, size_t,
		     struct group_name **, size_t *);
int		 group_leave(struct db *, int64_t, int64_t, char **);
int		 group_add_member(struct db *, int64_t, int64_t, int64_t,
		     char **);
int		 group_remove_member(struct db *, int64_t, int64_t, int64_t,
		     char **);
int		 group_set_role(struct db *, int64_t, int64_t, int64_t,
		     enum group_role, char **);
int		 group_members(struct db *, struct arena *, int64_t, int64_t,
		     const char *, const struct page *, struct idlist *,
		     struct idlist *);
/* Commands (group.c): the changes both the web and the API make. */
struct group_input {			/* a group to create */
	int64_t		 creator;
	const char	*name;
	const char	*description;	/* Markdown */
	const char	*description_html;	/* by group_prepare */
	enum group_visibility visibility;	/* by group_prepare */
	int64_t		 id;		/* once created */
};
enum group_op { GROUP_JOIN, GROUP_LEAVE, GROUP_ADD, GROUP_REMOVE,
    GROUP_PROMOTE, GROUP_DEMOTE };
struct group_change {
	enum group_op	 op;
	int64_t		 actor;
	int64_t		 group;
	int64_t		 account;	/* added, removed, promoted, ... */
};
int		 group_prepare(struct db *, struct arena *, struct group_input *,
		     const char *, const char *, const char **, const char **);
int		 group_create_cmd(struct db *, void *, char **);
int		 group_change_cmd(struct db *, void *, char **);

/* notify.c */
int		 notify_add(struct db *, int64_t, const char *, int64_t,
		     int64_t, int64_t);
int		 notify_list(struct db *, struct arena *, int64_t,
		     const struct page *, const char **, size_t, const char **,
		     size_t, struct idlist *);
int		 notify_dismiss(struct db *, int64_t, int64_t);
int		 notify_clear(struct db *, int64_t);
int64_t		 notify_unread(struct db *, int64_t);
int		 marker_set(struct db *, int64_t, const char *, int64_t);
int		 marker_get(struct db *, int64_t, const char *, int64_t *,
		     int64_t *, int64_t *);

/* demo.c */
int		 demo_seed(struct db *, const char *, const char *, char **);
const char	*demo_people(size_t, int *);

/* feed.c */
#define FEED_CAP 800
void		 feed_init(size_t);
void		 feed_free(void);
int		 feed_read(int64_t, const struct page *, struct arena *,
		     struct idlist *);
int		 feed_begin(int64_t);
void		 feed_fill(int64_t, const struct idlist *, int);
void		 feed_push(const struct idlist *, int64_t);
void		 feed_forget_after(struct db *, int64_t);
void		 feed_forget(int64_t);

/* timeline.c */
enum account_filter { AF_ALL = 0, AF_NO_REPLIES = 1, AF_PINNED = 2 };
int		 timeline_home(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *);
int		 timeline_company(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *);
int		 timeline_tag(struct db *, struct arena *, int64_t, const char *,
		     const struct page *, struct idlist *);
int		 timeline_group(struct db *, struct arena *, int64_t, int64_t,
		     const struct page *, struct idlist *);
int		 timeline_account(struct db *, struct arena *, int64_t, int64_t,
		     int, const struct page *, struct idlist *);

/* search.c */
#define SEARCH_QUERY_MAX 200
int		 search_accounts(struct db *, struct arena *, const char *, int,
		     int, struct idlist *);
int		 search_accounts_followed(struct db *, struct arena *, int64_t,
		     const char *, int, int, struct idlist *);
int		 search_tags(struct db *, struct arena *, int64_t, const char *,
		     int, int, json_t *);
int		 search_posts(struct db *, struct arena *, int64_t, const char *,
		     const struct page *, int, struct idlist *);
int		 search_posts_by(struct db *, struct arena *, int64_t, int64_t,
		     const char *, const struct page *, int, struct idlist *);
const char	*search_query(struct arena *, const char *);
char		*search_fts_query(struct arena *, const char *, int);
const char	*tag_find(struct db *, struct arena *, int64_t, const char *);

/* trend.c */
#define TREND_DAYS 7
struct trend {
	int64_t		 id;
	const char	*name;
	int64_t		 day[TREND_DAYS];	/* each day's start, newest first */
	int64_t		 uses[TREND_DAYS];
	int64_t		 accounts[TREND_DAYS];
};
int		 trend_tags(struct db *, struct arena *, int64_t, int,
		     struct trend **, size_t *);

/* instance.c */
struct instance_stats {
	int64_t		 users;
	int64_t		 posts;
	int64_t		 active_month;
};
int		 instance_stats(struct db *, int64_t, struct instance_stats *);

#endif
