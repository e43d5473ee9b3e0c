/*
 * http.h: hearth's HTTP/1.1 transport, below the router. It reads request
 * heads strictly (head.c) and bodies under a size limit, a memory
 * budget and a minimum rate (chunk.c, conn.c), keeps connections under
 * caps per client address and in total (conn-limit.c), and writes answers
 * (reply.c). It knows nothing of routes, people or pages: the router
 * gets each request whole-headed and decides whether its body is read.
 */
#ifndef HEARTH_HTTP_H
#define HEARTH_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/uio.h>

struct arena;
struct bufferevent;
struct evbuffer;
struct event;
struct event_base;
struct sockaddr;
struct ssl_ctx_st;

/* Methods, as bits: route tables take sets of them. */
#define M_GET		0x001
#define M_POST		0x002
#define M_HEAD		0x004
#define M_PUT		0x008
#define M_DELETE	0x010
#define M_OPTIONS	0x020
#define M_TRACE		0x040
#define M_CONNECT	0x080
#define M_PATCH		0x100

/* head.c: the request head, parsed strictly (RFC 9112). */
#define HTTP_FIELDS_MAX	100		/* header lines in one head */
struct http_field {
	const char	*name;
	const char	*value;		/* without surrounding whitespace */
};
struct http_head {
	const char	*method;
	int		 mbit;		/* M_*; 0 for a method we do not know */
	const char	*target;	/* as sent */
	const char	*path;		/* the target's path and query */
	int		 minor;		/* HTTP/1.minor */
	struct http_field fields[HTTP_FIELDS_MAX];
	size_t		 nfields;
	int64_t		 content_length;	/* -1: none */
	int		 chunked;
	int		 close;		/* no further request on the connection */
	int		 expect_continue;
};
/* Where a head stands while its bytes arrive (http_head_end). */
struct http_scan {
	size_t		 off;		/* bytes looked at */
	size_t		 line;		/* where the current line starts */
};
ssize_t		 http_head_end(const char *, size_t, struct http_scan *, size_t,
		     int *, const char **);
int		 http_head_parse(char *, size_t, struct http_head *,
		     const char **);
const char	*http_head_field(const struct http_head *, const char *);

/* chunk.c: a chunked request body, decoded as it arrives. */
struct http_chunked {
	int		 state;
	uint64_t	 left;		/* data bytes left in this chunk */
	unsigned	 digits;
	size_t		 extra;		/* extension and trailer bytes so far */
};
void		 http_chunked_init(struct http_chunked *);
ssize_t		 http_chunked_frame(struct http_chunked *, const char *, size_t,
		     const char **);
uint64_t	 http_chunked_want(const struct http_chunked *);
void		 http_chunked_data(struct http_chunked *, uint64_t);
int		 http_chunked_done(const struct http_chunked *);

/* reply.c: what answers look like on the wire. */
#define HTTP_DATE_BLANK	"XXXXXXXXXXXXXXXXXXXXXXXXXXXXX"	/* a Date's width */
const char	*http_reason(int);
void		 http_date(char [40]);
int		 http_value_ok(const char *);

/* conn-limit.c: connections per client address and in total, and the
 * memory that request bodies may hold at once. */
struct conn_addr {
	uint8_t		 b[16];		/* IPv4 in the first 4; IPv6 its /64 */
	uint8_t		 family;
};
struct conn_limits {
	long		 max_connections;
	long		 max_per_addr;	/* 0: no cap per address */
	long		 body_memory;	/* bytes of bodies buffered at once */
};
void		 conn_limit_init(const struct conn_limits *);
void		 conn_limit_free(void);
void		 conn_addr_of(const struct sockaddr *, struct conn_addr *,
		     char *, size_t);
enum admit { ADMIT_OK, ADMIT_FULL, ADMIT_ADDR };
enum admit	 conn_admit(const struct conn_addr *);
void		 conn_leave(const struct conn_addr *);
long		 conn_open_count(void);
int		 body_reserve(size_t);
void		 body_release(size_t);
long		 body_reserved(void);

/* conn.c: the connections of one loop, and each request on them. */
struct http_settings {
	size_t		 max_head;	/* bytes of a request head */
	long		 head_timeout;	/* seconds for a whole head */
	long		 idle_timeout;	/* seconds between requests */
	long		 io_timeout;	/* seconds a read or write may stall */
	long		 min_body_rate;	/* bytes a second, over each window */
	struct ssl_ctx_st *tls;
	struct ssl_ctx_st *tls_public;	/* the public listeners' */
	const char	*refusal[2];	/* whole answers to a connection over
					   its address's share, over the cap */
};
struct http_request;
typedef void (*http_dispatch_fn)(struct http_request *, void *);
typedef void (*http_body_fn)(struct http_request *, int, void *);
struct conn;
TAILQ_HEAD(conn_list, conn);
struct http_loop {
	struct event_base	*base;
	const struct http_settings *set;
	http_dispatch_fn	 dispatch;	/* a head was read (or refused) */
	void			*arg;
	struct conn_list	 idle;		/* between requests, oldest first */
	struct conn_list	 heads;		/* reading a head, oldest first */
	struct conn_list	 busy;		/* everything else */
	int			 inflight;	/* dispatched, not yet answered */
	int			 unflushed;	/* answered, not yet written */
	int			 draining;
	long			 nconns;
	long			 peak;		/* most connections since a trim */
};
struct http_request {
	struct conn	*conn;		/* NULL once answered, or if the client
					   went away first */
	struct http_loop *hl;
	struct arena	*arena;		/* the request's; freed with it */
	struct http_head head;
	int		 error;		/* a status: the head was refused */
	const char	*why;		/* ... and why */
	const char	*peer;		/* the client's address, as text */
	int		 tls;
	int		 public;	/* came through a public listener */
	int		 metrics;	/* ... or the metrics listener */
	struct evbuffer	*body;		/* once read (http_read_body) */
	size_t		 reserved;	/* of the body budget */
	int		 flat;		/* body read into one piece */
	struct http_field *out;		/* the answer's headers */
	size_t		 nout, outcap;
	int		 answered;
	http_body_fn	 body_done;
	void		*body_arg;
};
void		 http_loop_init(struct http_loop *, struct event_base *,
		     const struct http_settings *, http_dispatch_fn, void *);
void		 http_loop_free(struct http_loop *);
void		 http_loop_drain(struct http_loop *);
int		 http_loop_busy(const struct http_loop *);
/* How a listener's connections are served (http_accept's kind). */
#define HTTP_TLS	0x1
#define HTTP_PUBLIC	0x2	/* a module's public listener */
#define HTTP_METRICS	0x4	/* metrics_listen: /metrics and nothing else */
int		 http_accept(struct http_loop *, int, const struct sockaddr *,
		     int);
int		 http_evict(struct http_loop *);
uint64_t	 http_refused_count(int);
const char	*http_header(const struct http_request *, const char *);
void		 http_set_header(struct http_request *, const char *,
		     const char *);
void		 http_add_header(struct http_request *, const char *,
		     const char *);
const char	*http_out_header(const struct http_request *, const char *);
void		 http_read_body(struct http_request *, size_t, http_body_fn,
		     void *);
void		 http_reply(struct http_request *, int, struct evbuffer *);
void		 http_request_free(struct http_request *);
/* A connection that outlives its request: a server-sent event stream or a
 * WebSocket (stream.c owns it then). */
typedef void (*conn_read_fn)(struct conn *, void *);
typedef void (*conn_close_fn)(struct conn *, void *);
struct conn	*http_stream(struct http_request *, int);
void		 conn_stream_cb(struct conn *, conn_read_fn, conn_close_fn,
		     void *);
#define STREAM_IOV_MAX	4	/* pieces of one conn_stream_writev */
void		 conn_stream_write(struct conn *, const void *, size_t);
void		 conn_stream_writev(struct conn *, const struct iovec *, int);
void		 conn_stream_end(struct conn *);
struct evbuffer	*conn_input(struct conn *);
size_t		 conn_unsent(struct conn *);
void		 conn_write_timeout(struct conn *, long);
void		 conn_close(struct conn *);

#endif
