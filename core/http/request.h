/*
 * request.h: the layer between the transport (http.h) and the handlers:
 * the event loops and their server (server.c), a request as handlers see it
 * (request.c), the route table's shape and the router (router.c), the worker
 * pool, CSRF tokens, paging parameters, TLS, and the streaming transports
 * (stream.c, websocket.c). Handlers in core/api and web/pages include it;
 * the domain below never does.
 */
#ifndef HEARTH_REQUEST_H
#define HEARTH_REQUEST_H

#include <pthread.h>
#include <stdint.h>
#include <sys/queue.h>

#include <jansson.h>

#include "lib.h"
#include "render.h"
#include "store.h"
#include "domain.h"
#include "http.h"

struct event;
struct event_base;
struct multipart;
struct part;
struct ectx;
struct post_draft;

/* csrf.c */
#define CSRF_CHARS 43
void		 csrf_token(const char *, char [CSRF_CHARS + 1]);
int		 csrf_check(const char *, const char *);

/* worker.c */
struct loop;
typedef void (*job_fn)(void *);
int		 worker_start(int, int);
void		 worker_stop(void);
int		 worker_submit(struct loop *, job_fn, job_fn, void *);
int		 worker_submit_heavy(struct loop *, job_fn, job_fn, void *,
		     int);
void		 worker_set_heavy(int);
void		 worker_deliver(struct loop *);
void		 worker_post(struct loop *, job_fn, void *);
struct worker_stats {
	int		 threads;
	int		 queued;
	int		 queue_max;
	int		 heavy_running;
	uint64_t	 jobs;		/* queued, ever */
	uint64_t	 refused;	/* the queue was full */
};
void		 worker_stats(struct worker_stats *);

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
	int			 is_public;	/* a module's public listener */
	int			 is_scim;	/* under /scim/ with auth.scim on:
						   errors as RFC 7644 3.12's */
	struct kvlist		 query;
	struct kvlist		 form;
	struct kvlist		 cookies;
	const char		*params[ROUTE_MAX_PARAMS];
	enum auth_kind		 auth;
	struct user		*user;
	int64_t			 app_id;	/* a bearer token's OAuth app */
	int64_t			 token_id;	/* a bearer token's row */
	const char		*scopes;	/* a bearer token's scopes */
	const char		*ws_protocol;	/* a token sent as a WebSocket
						   subprotocol, to echo */
	struct session		 session;
	json_t			*body;
	struct multipart	*files;		/* a multipart body's file parts */
	const char		*csrf_binding;
	char			 csrf[CSRF_CHARS + 1];
	int			 replied;
	int			 async;		/* a module's write will answer */
	int			 resolved;	/* a module looked the search's
						   words up already */
	uint64_t		 started_us;
	int			 lang;		/* req_lang: LANG_*, once
						   known */
	int			 lang_known;
	const char		*zone;		/* req_zone: an IANA name */
};
struct req	*req_new(struct loop *, struct http_request *);
void		 req_free(struct req *);
const char	*req_header(struct req *, const char *);
void		 req_set_header(struct req *, const char *, const char *);
const char	*req_out_header(struct req *, const char *);
const char	*req_target(struct req *);
const char	*req_param(struct req *, const char *);
const char	*req_cookie_name(struct req *);
int		 req_lang(struct req *);
const char	*req_zone(struct req *);
const char	*req_tr(struct req *, const char *);
const char	*req_cause(struct req *, const char *);
void		 req_set_cookie(struct req *, const char *, const char *, long);
void		 req_reply(struct req *, int, const char *, struct evbuffer *);
struct conn	*req_stream(struct req *, int, const char *);
void		 req_text(struct req *, int, const char *);
void		 req_json(struct req *, int, json_t *);
void		 req_json_buffer(struct req *, int, struct evbuffer *);
struct ectx;
enum handled	 req_statuses(struct req *, int, const struct page *,
		     const struct idlist *, const struct idlist *);
enum handled	 req_statuses_in(struct req *, int, const struct page *,
		     const struct idlist *, const struct idlist *, int);
void		 req_error(struct req *, int, const char *);
void		 req_scim_error(struct req *, int, const char *, const char *);
void		 req_scim_json(struct req *, int, json_t *);
void		 req_html(struct req *, int, const char *, json_t *);
void		 req_redirect(struct req *, const char *);
void		 req_retry_after(struct req *, long);
json_t		*req_view(struct req *, const char *);
/* What the layers above hang on the request path. */
/* Why the modules' gate would refuse a write (req_gate_check). */
struct req_gate {
	const char	*reason;
	const char	*link;		/* where to fix it, or NULL */
	const char	*link_text;
};
struct req_hooks {
	int		 (*gate_write)(struct req *);	/* -1: refused (answered) */
	int		 (*gate_post)(struct req *, const char *);
	const char	*(*landing)(struct req *, int64_t);
	void		 (*announcements)(struct req *, json_t *);
	const struct route *(*route_find)(const char *, int, struct arena *,
			     const char **, int *);
	/* a public listener's routes (modules'), and nothing else */
	const struct route *(*public_find)(const char *, int, struct arena *,
			     const char **, int *);
	/* the modules' post options a request chose, or NULL */
	const char	*(*post_options)(struct req *);
	/* whose post tools (a bit per owner) the signed-in person gets */
	uint32_t	 (*post_tools_for)(struct req *);
	/* may the signed-in person follow this outside account? -1 once
	 * refused (answered) */
	int		 (*gate_follow)(struct req *, int64_t);
	/* a module looks q up outside, then calls again(r) on r's loop: 1;
	 * 0 when no module takes it */
	int		 (*resolve)(struct req *, const char *,
			     void (*)(struct req *));
	/* would the gate refuse this person's writes now? 1 and why (not
	 * answered: pages show it instead of a form), or 0 */
	int		 (*gate_check)(struct req *, struct req_gate *);
	/* the modules' Mastodon Rules (GET /api/v1/instance/rules) */
	void		 (*rules)(struct req *, json_t *);
	/* whether a module of that name is loaded (NodeInfo's protocols) */
	int		 (*loaded)(const char *);
};
typedef void (*req_view_fn)(struct req *, json_t *);
void		 req_set_hooks(const struct req_hooks *);
const struct req_hooks *req_get_hooks(void);
void		 req_view_hook_add(req_view_fn);
int		 req_gate_post(struct req *, const char *);
int		 req_gate_follow(struct req *, int64_t);
int		 req_gate_check(struct req *, struct req_gate *);
int		 req_resolve(struct req *, const char *, void (*)(struct req *));
const char	*req_post_options(struct req *);
int		 req_poll_params(struct req *, const struct poll_spec **,
		     const char **);
int		 req_media_ids(struct req *, struct post_draft *, int,
		     const char **);
struct post_tool {
	char	*label;
	char	*prefix;	/* a local path: the tool is PREFIX/ID */
	int	 owner;		/* who registered it (post_tools_for's bits) */
	int	 outside;	/* on outside posts, for everyone signed in;
				   else on one's own public posts */
};
int		 req_post_tool_add(const char *, const char *, int, int);
const struct post_tool *req_post_tools(size_t *);
uint32_t	 req_post_tools_for(struct req *);
const char	*req_landing(struct req *, int64_t);
void		 req_announcements(struct req *, json_t *);
void		 req_rules(struct req *, json_t *);
int		 req_module_loaded(const char *);
typedef int (*req_write_fn)(struct req *, struct db *, void *, char **);
typedef void (*req_reply_fn)(struct req *, void *);
enum handled	 req_write(struct req *, req_write_fn, req_reply_fn, void *);
enum handled	 req_command(struct req *, int (*)(struct db *, void *, char **),
		     req_reply_fn, void *);
enum handled	 req_toggle(struct req *, int (*)(struct db *, void *, char **),
		     int64_t, int, req_reply_fn);
typedef void (*req_outcome_fn)(struct req *, void *, int, const char *);
enum handled	 req_command_then(struct req *,
		     int (*)(struct db *, void *, char **), req_outcome_fn,
		     void *);
enum handled	 req_work_write(struct req *, void (*)(void *),
		     int (*)(struct db *, void *, char **), req_reply_fn, void *);
enum handled	 req_work_write_heavy(struct req *, void (*)(void *),
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
#define R_PUSH		0x2000	/* a bearer token needs the push scope */
#define R_SCIM		0x800	/* SCIM provisioning: the scim token only (no
				   session, no other token), no CSRF; 404
				   while auth.scim is off */
#define R_PWCHANGE	0x1000	/* open to a session that must change its
				   password first (the form itself, signing
				   in and out, assets) */
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
char		*router_refusal(int, const char *);
const char	*router_proxy_user(struct req *);

/* server.c */
struct server;
struct loop_accept {
	struct loop		*loop;
	struct event		*ev;
	int			 kind;		/* HTTP_TLS, HTTP_PUBLIC */
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
	struct tally		*tally;		/* its requests' counts */
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

/* tally.c: each loop's counts of its requests, for the metrics */
struct tally;
struct tally	*tally_loop_new(void);
void		 tally_loop_free(struct tally *);
void		 tally_request(struct loop *, const struct route *, int, int,
		     uint64_t);
void		 tally_tidy(struct loop *);
void		 tally_db(const struct loop *, uint64_t *, uint64_t *,
		     uint64_t *);
void		 tally_write(const struct server *, struct evbuffer *);

/* metrics.c: /metrics on metrics_listen (Prometheus's text format) */
void		 metrics_start(void);
void		 metrics_serve(struct req *);
void		 metrics_write(const struct server *, struct db *,
		     struct evbuffer *);

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

/* stream.c */
struct post_draft;
void		 stream_init(struct server *);
void		 stream_free(void);
void		 stream_drain(struct loop *);
int		 stream_open(struct req *, const struct stream_sub *);
int		 stream_open_ws(struct req *, const struct stream_sub *,
		     const char *, const char *);
void		 stream_counts(long *, long *);

/* tls.c */
struct ssl_ctx_st;
struct ssl_ctx_st *tls_context(const char *, const char *, char **);

/* paging.c: a page's bounds from the query, and its Link header */
int		 page_parse(struct req *, struct page *, int, int);
int		 req_ids(struct req *, const char *, size_t, struct idlist *);
int		 page_offset(struct req *, int);
void		 page_link(struct req *, const struct page *,
		     const struct idlist *);
void		 page_link_records(struct req *, const struct page *,
		     const struct idlist *);

#endif
