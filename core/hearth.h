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
#include <sys/queue.h>

#include <sqlite3.h>
#include <jansson.h>

struct evbuffer;
struct evhttp_request;
struct event_base;
struct evhttp;
struct evhttp_bound_socket;

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
	char			*modules;
	char			*module_dir;
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
	long			 max_body_size;
	long			 max_header_size;
	int			 login_account_limit;
	int			 login_ip_limit;
	long			 login_window;
	int			 trust_proxy;
};
void		 config_defaults(struct config *);
int		 config_parse(struct config *, const char *, const char *, size_t,
		     char **);
int		 config_load(struct config *, const char *, char **);
void		 config_free(struct config *);
char		*config_db_path(const struct config *);
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
int		 db_migrate(struct db *, const char *, const struct migration *,
		     size_t, char **);
int		 db_schema_version(struct db *, const char *);
int		 db_backup(struct db *, const char *, char **);
const char	*db_errmsg(struct db *);
int64_t		 db_changes(struct db *);
int64_t		 db_last_id(struct db *);

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
};
int		 user_valid_name(const char *, char **);
int64_t		 user_create(struct db *, const char *, const char *,
		     const char *, enum role, const char *, char **);
struct user	*user_get(struct db *, struct arena *, int64_t);
struct user	*user_get_by_name(struct db *, struct arena *, const char *);
int		 user_set_password(struct db *, int64_t, const char *);
int		 user_set_disabled(struct db *, int64_t, int);
int		 user_list(struct db *, struct arena *,
		     void (*)(const struct user *, void *), void *);

/* session.c */
#define SESSION_PREFIX "hs_"
struct session {
	int64_t		id;
	int64_t		user_id;
	int64_t		created_at;
	char		hash[HASH_HEX + 1];
};
int		 session_create(struct db *, int64_t, const char *,
		     const char *, char *, size_t);
int		 session_lookup(struct db *, const char *, long, long,
		     struct session *);
int		 session_end(struct db *, const char *);
int		 session_end_all(struct db *, int64_t);

/* token.c */
#define TOKEN_PREFIX "hat_"
int64_t		 token_create(struct db *, int64_t, const char *,
		     const char *, char *, size_t);
int		 token_lookup(struct db *, const char *, int64_t *);
int		 token_revoke(struct db *, int64_t, int64_t);
struct token_info {
	int64_t		 id;
	const char	*label;
	const char	*scopes;
	int64_t		 created_at;
	int64_t		 last_used_at;
	int64_t		 revoked_at;
};
int		 token_list(struct db *, struct arena *, int64_t,
		     void (*)(const struct token_info *, void *), void *);

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

/* form.c */
int		 form_parse(struct arena *, const char *, size_t,
		     struct kvlist *);
char		*form_decode(struct arena *, const char *, size_t);

/* cookie.c */
int		 cookie_parse(struct arena *, const char *, struct kvlist *);

/* escape.c */
void		 escape_html(struct evbuffer *, const char *, size_t);
char		*escape_url(struct arena *, const char *);

/* render.c */
int		 render_init(const char *, char **);
void		 render_free(void);
int		 render_template(struct evbuffer *, const char *, json_t *);
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

/* entity.c */
json_t		*entity_account(const struct config *, const struct user *);

/* worker.c */
struct loop;
typedef void (*job_fn)(void *);
int		 worker_start(int, int);
void		 worker_stop(void);
int		 worker_submit(struct loop *, job_fn, job_fn, void *);
void		 worker_deliver(struct loop *);

/* clock.c */
uint64_t	 clock_usec(void);

/* sdnotify.c */
void		 sdnotify(const char *);

/* request.c */
enum auth_kind { AUTH_NONE, AUTH_SESSION, AUTH_BEARER };
#define ROUTE_MAX_PARAMS 4
struct route;
struct req {
	struct evhttp_request	*ev;
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
	struct session		 session;
	json_t			*body;
	const char		*csrf_binding;
	char			 csrf[CSRF_CHARS + 1];
	int			 replied;
	uint64_t		 started_us;
};
struct req	*req_new(struct loop *, struct evhttp_request *);
void		 req_free(struct req *);
const char	*req_header(struct req *, const char *);
void		 req_set_header(struct req *, const char *, const char *);
const char	*req_param(struct req *, const char *);
const char	*req_cookie_name(struct req *);
void		 req_set_cookie(struct req *, const char *, const char *, long);
void		 req_reply(struct req *, int, const char *, struct evbuffer *);
void		 req_text(struct req *, int, const char *);
void		 req_json(struct req *, int, json_t *);
void		 req_error(struct req *, int, const char *);
void		 req_html(struct req *, int, const char *, json_t *);
void		 req_redirect(struct req *, const char *);
void		 req_retry_after(struct req *, long);
json_t		*req_view(struct req *, const char *);
int		 req_parse_body(struct req *);
const struct config *req_config(struct req *);
struct db	*req_db(struct req *);

/* router.c */
#define M_GET		0x001
#define M_POST		0x002
#define M_HEAD		0x004
#define M_PUT		0x008
#define M_DELETE	0x010
#define M_OPTIONS	0x020
#define M_PATCH		0x100
#define R_AUTH		0x01	/* a signed-in person (session or bearer) */
#define R_ADMIN		0x02	/* ... who is an admin */
#define R_NOCSRF	0x04	/* unsafe, yet no CSRF token (e.g. OAuth token) */
#define R_ANON		0x08	/* a form signed-out people post (login) */
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
void		 router_dispatch(struct evhttp_request *, void *);
void		 router_security_headers(struct evhttp_request *, int);

/* server.c */
struct server;
struct loop_port {
	struct loop		*loop;
	int			 tls;
};
struct loop {
	int			 id;
	pthread_t		 thread;
	struct evhttp		*http[2];	/* plain, TLS */
	struct loop_port	 port[2];
	struct loop_bound {
		struct evhttp			*http;
		struct evhttp_bound_socket	*sock;
	}			*bound;
	size_t			 nbound;
	struct server		*server;
	struct event_base	*base;
	struct db		*db;
	struct event		*notify;
	struct event		*drain;
	struct event		*drain_check;
	pthread_mutex_t		 done_lock;
	TAILQ_HEAD(, job)	 done;
	int			 inflight;
	int			 draining;
	uint64_t		 drain_deadline;
};
struct server {
	struct config		*config;
	struct loop		*loops;
	int			 nloops;
	struct ratelimit	*login_ip;
	struct ratelimit	*login_account;
};
int		 server_run(struct config *);

/* tls.c */
struct ssl_ctx_st;
struct ssl_ctx_st *tls_context(const char *, const char *, char **);

/* web-health.c */
enum handled	 web_healthz(struct req *);

/* web-login.c */
enum handled	 web_login_form(struct req *);
enum handled	 web_login(struct req *);
enum handled	 web_logout(struct req *);

/* web-home.c */
enum handled	 web_home(struct req *);

/* web-static.c */
enum handled	 web_static(struct req *);

/* api-accounts.c */
enum handled	 api_verify_credentials(struct req *);

#endif
