/*
 * lib.h: the leaf libraries of hearth: memory, logging, arenas, crypto,
 * configuration, text (UTF-8, forms, cookies, escaping, Markdown, multipart),
 * images, id lists, the byte cache, JSON Web Signatures, a blocking HTTP
 * client and the LDAP directory client. Nothing here knows SQLite, JSON
 * values, requests or hearth's people; every layer above may include it.
 * Prototypes are grouped under a banner naming the file in core/lib/ that
 * defines them.
 */
#ifndef HEARTH_LIB_H
#define HEARTH_LIB_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct evbuffer;

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

/* hugemem.c */
void		*huge_calloc(size_t);
void		 huge_free(void *, size_t);

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

/* i18n.c: the interface's languages (docs/translating.md) */
enum { LANG_EN, LANG_DE, LANG_PL, LANG_COUNT };
#define N_(s) (s)	/* marks an English text for tools/i18n-extract */
#define NC_(c, s) (s)	/* the same, in a sense (a msgctxt) for trc */
int		 i18n_load(const char *, char **);
int		 i18n_parse(int, char *, char **);
void		 i18n_free(void);
size_t		 i18n_count(int);
const char	*i18n_code(int);
const char	*i18n_name(int);
int		 i18n_lang(const char *);
int		 i18n_accept(const char *);
int		 i18n_plural(int, long);
int		 i18n_nplurals(int);
const char	*tr(int, const char *);
const char	*trc(int, const char *, const char *);
const char	*trn(int, long, const char *, const char *);
char		*i18n_format(struct arena *, const char *, ...)
		    __attribute__((sentinel));
char		*i18n_date(struct arena *, int, const char *, int64_t);
char		*i18n_datetime(struct arena *, int, const char *, int64_t);
char		*i18n_ago(struct arena *, int, const char *, int64_t, int64_t);
char		*i18n_number(char *, size_t, int, int64_t);
char		*i18n_size(char *, size_t, int, int64_t);

/* cause.c: a refusal's words as pattern and arguments (docs/translating.md) */
#define NN_(one, other) one, other	/* a plural's English forms */
enum { CA_END, CA_TEXT, CA_WORD, CA_NUM, CA_SIZE, CA_ID };
/* A cause's arguments: CT a text as it is (a name someone typed), CW a
 * word marked N_() and translated, CN a number, CZ a size in bytes, CI an
 * id (digits as they are, never grouped). */
#define CT(name, s)	CA_TEXT, (const char *)(name), (const char *)(s)
#define CW(name, s)	CA_WORD, (const char *)(name), (const char *)(s)
#define CN(name, n)	CA_NUM, (const char *)(name), (int64_t)(n)
#define CZ(name, b)	CA_SIZE, (const char *)(name), (int64_t)(b)
#define CI(name, n)	CA_ID, (const char *)(name), (int64_t)(n)
#define CAUSE_ARGS	4
struct cause_arg {
	int		 kind;		/* CA_ */
	const char	*name;		/* a literal */
	const char	*word;		/* CA_WORD's literal */
	size_t		 off;		/* CA_TEXT's, in store */
	int64_t		 num;		/* CA_NUM's, CA_SIZE's */
};
struct cause {
	const char	*one, *other;	/* the pattern, N_() or NN_() */
	int64_t		 n;		/* the count other follows */
	int		 nargs;
	struct cause_arg args[CAUSE_ARGS];
	size_t		 text_off;	/* the English text, in store */
	char		 store[2048];	/* text arguments, then the text */
};
char		*cause_make(int64_t, const char *, const char *, ...);
#define cause_new(fmt, ...) cause_make(0, fmt, NULL, ##__VA_ARGS__, CA_END)
#define cause_newn(n, forms, ...) cause_make(n, forms, ##__VA_ARGS__, CA_END)
void		 cause_copy(char *, size_t, char *);
struct cause	*cause_take(const char *);
void		 cause_free(struct cause *);
int		 cause_keep(struct cause *, const char *);
void		 cause_put(const struct cause *);
char		*cause_tr(struct arena *, int, const struct cause *);
char		*cause_tr_as(struct arena *, int, const struct cause *,
		    const char *, const char *);
const char	*cause_say(struct arena *, int, const char *,
		    const struct cause *);

/* tz.c: IANA time zones, read from the zoneinfo, thread-safe */
struct tz_tm {
	int		 year, mon, mday, hour, min, sec, wday;	/* mon 0-11 */
	int32_t		 off;		/* seconds east of UTC */
	const char	*abbr;		/* "CET"; as long as the process */
};
void		 tz_set_dir(const char *);
int		 tz_valid(const char *);
int32_t		 tz_offset(const char *, int64_t, const char **);
void		 tz_localtime(const char *, int64_t, struct tz_tm *);

/* crypto.c */
#define TOKEN_BYTES 32
#define TOKEN_CHARS 43		/* base64url of 32 bytes, no padding */
#define HASH_HEX 64
void		 crypto_random(void *, size_t);
void		 crypto_random_hex(char *, size_t);
void		 crypto_b64url(const uint8_t *, size_t, char *);
void		 crypto_sha256_hex(const void *, size_t, char [HASH_HEX + 1]);
void		 crypto_hmac(const uint8_t *, size_t, const void *, size_t,
		     uint8_t [32]);
int		 crypto_equal(const void *, const void *, size_t);
void		 crypto_new_token(const char *, char *, size_t, char [HASH_HEX + 1]);

/* duration.c */
int		 duration_parse(const char *, long *);

/* config.c */
struct config;
int		 config_listen_public(struct config *, const char *,
		     const char *, const char *, const char **);
enum sync_mode { SYNC_OFF, SYNC_NORMAL, SYNC_FULL, SYNC_EXTRA };
/* auth.local: passwords for everyone, no one, or admins only (break glass) */
enum auth_local { AUTH_LOCAL_ON, AUTH_LOCAL_OFF, AUTH_LOCAL_ADMINS };
struct listen_addr {
	char	*host;
	int	 port;
	int	 tls;
	int	 public;	/* a module's public listener (api->listen) */
	int	 metrics;	/* metrics_listen: /metrics only */
	char	*tls_cert;	/* its own certificate, or NULL: the core's */
	char	*tls_key;
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
	char			*metrics_listen;	/* ADDR:PORT, or NULL */
	char			*metrics_allow;		/* who may scrape */
	int			 home_feed_cache;
	long			 cache_memory;	/* bytes, over every cache */
	long			 db_mmap;	/* bytes of the database mapped, 0: pread */
	int			 home_prewarm_days;
	char			*reactions;	/* emoji offered, spaced */
	long			 media_max_image_size;	/* bytes */
	long			 media_max_image_pixels;
	int			 media_image_side;	/* stored original */
	int			 media_thumb_side;
	long			 media_max_file_size;	/* bytes */
	long			 media_quota_person;	/* bytes, 0: none */
	long			 media_quota_total;
	int			 media_jobs;		/* images at once */
	int			 media_pdf_previews;	/* unblock poppler */
	/* polls (Mastodon's limits; /api/v2/instance publishes them) */
	int			 poll_max_options;
	int			 poll_max_option_chars;
	long			 poll_min_expiration;	/* seconds */
	long			 poll_max_expiration;
	char			*media_accel_redirect;	/* X-Accel prefix */
	/* sign-in (docs/authentication.md); NULL or "": not set */
	enum auth_local		 auth_local;
	int			 auth_create;		/* JIT accounts */
	char			*auth_former_label;
	char			*oidc_issuer;
	char			*oidc_name;
	char			*oidc_client_id;
	char			*oidc_client_secret;
	char			*oidc_private_key;	/* PEM text */
	char			*oidc_private_key_id;
	char			*oidc_scopes;
	char			*oidc_ca_file;
	char			*oidc_claim_username;
	char			*oidc_claim_name;
	char			*oidc_claim_email;
	char			*oidc_claim_department;
	char			*oidc_claim_title;
	char			*oidc_claim_avatar;
	char			*oidc_claim_groups;
	char			*oidc_allowed_group;
	char			*oidc_admin_group;
	int			 oidc_logout;		/* RP-initiated */
	long			 oidc_max_session;
	char			*ldap_url;
	int			 ldap_starttls;
	char			*ldap_ca_file;
	char			*ldap_bind_dn;
	char			*ldap_bind_password;
	char			*ldap_base_dn;
	char			*ldap_user_filter;
	char			*ldap_id_attr;
	char			*ldap_username_attr;
	char			*ldap_name_attr;
	char			*ldap_email_attr;
	char			*ldap_department_attr;
	char			*ldap_title_attr;
	char			*ldap_allowed_group;
	char			*ldap_admin_group;
	char			*ldap_member_attr;
	int			 ldap_ad_nested;
	long			 ldap_timeout;
	long			 ldap_sync_interval;
	int			 scim;
	char			*proxy_header;
	char			*proxy_addresses;
	char			*push_subject;		/* VAPID sub; "":
							   base_url */
	int			 push_allow_private;	/* tests, intranets */
	int			 push_concurrency;	/* pushes at once */
	long			 push_retry_delay;	/* first retry */
	long			 push_give_up;
	char			*mail_transport;	/* "", sendmail, smtp */
	char			*mail_from;
	char			*mail_sendmail;
	char			*mail_smtp_url;
	char			*mail_smtp_user;
	char			*mail_smtp_password;
	int			 mail_smtp_tls;		/* STARTTLS required */
	int			 mail_digest_hour;	/* local time, 0-23 */
	char			*groups_default;	/* "": no such group */
};
#define CONFIG_REACTIONS_MAX	8
#define CONFIG_REACTIONS_DEFAULT "👍 ❤️ 🎉 😄 🤔 👀"
void		 config_defaults(struct config *);
int		 config_parse(struct config *, const char *, const char *, size_t,
		     char **);
int		 config_load(struct config *, const char *, char **);
void		 config_free(struct config *);
char		*config_db_path(const struct config *);
int		 config_make_data_dir(const struct config *, char **);
int		 config_is_https(const struct config *);
int		 config_oidc(const struct config *);
int		 config_ldap(const struct config *);
struct ldapc_conf;
void		 config_ldapc(const struct config *, struct ldapc_conf *);
int		 config_local_allowed(const struct config *, int);

/* addrlist.c */
int		 addrlist_check(const char *, const char **);
int		 addrlist_match(const char *, const char *);

/* password.c */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024
int		 password_hash(const char *, char **, char **);
int		 password_verify(const char *, const char *);
const char	*password_dummy(void);
int		 password_policy(const char *, char **);
void		 password_generate(char *, size_t);

/* ratelimit.c */
struct ratelimit;
struct ratelimit *ratelimit_new(int, long, size_t);
void		 ratelimit_free(struct ratelimit *);
long		 ratelimit_wait(struct ratelimit *, const char *, int64_t);
void		 ratelimit_hit(struct ratelimit *, const char *, int64_t);
void		 ratelimit_clear(struct ratelimit *, const char *);

/* id.c */
int64_t		 id_parse(const char *);
size_t		 dec_format(char *, int64_t);

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
size_t		 utf8_chars(const char *);
size_t		 utf8_cut(const char *, size_t);
char		*utf8_lower_ascii(char *);

/* form.c */
int		 form_parse(struct arena *, const char *, size_t,
		     struct kvlist *);
char		*form_decode(struct arena *, const char *, size_t);
char		*path_decode(struct arena *, const char *, size_t);
int		 hex_value(int);

/* jose.c: JWS for OpenID Connect (cjose; EdDSA with OpenSSL) */
enum { JOSE_OK = 0, JOSE_EBAD = -1, JOSE_EKID = -2 };
/*
 * Verify compact JWS token against JWKS (JSON text); algs: space-separated
 * allowed algorithms. On JOSE_OK *payload is the payload (malloc'd,
 * NUL-terminated, the claims JSON text, not yet checked as JSON).
 * JOSE_EKID: its kid is in no key of the set (caller refetches the set
 * once: key rotation). JOSE_EBAD: anything else, *cause (malloc'd) says what
 * (e.g. "signature does not verify", "alg none refused", "alg ES256 not
 * allowed").
 */
int		 jose_verify(const char *jwks, const char *token,
		     const char *algs, char **payload, char **cause);
/* The header's alg and kid of a compact JWS, without verifying (for logs):
 * 0 or -1. */
int		 jose_peek(const char *token, char *alg, size_t alglen,
		     char *kid, size_t kidlen);
/*
 * Sign claims (JSON text) as a compact JWS with a private key in PEM (RSA →
 * RS256, EC P-256 → ES256, Ed25519 → EdDSA), header {"alg","typ":"JWT",
 * "kid": kid if not NULL}: for OIDC private_key_jwt client authentication.
 * 0 and *out (malloc'd), or -1 and *cause.
 */
int		 jose_sign(const char *pem, const char *kid,
		     const char *claims, char **out, char **cause);
/*
 * base64url without padding (RFC 7515), and a random URL-safe string of n
 * random bytes for state, nonce and PKCE verifier; the PKCE S256 challenge
 * of a verifier. malloc'd.
 */
char		*jose_b64url(const unsigned char *, size_t);
/* Strict unpadded base64url decoding: the bytes (NUL-terminated, malloc'd)
 * and their length, or NULL. */
unsigned char	*jose_b64url_decode(const char *, size_t, size_t *);
char		*jose_random(size_t nbytes);
char		*jose_pkce_challenge(const char *verifier);

/* webpush.c: Web Push's cryptography (RFC 8291 aes128gcm, RFC 8292 VAPID;
 * the legacy drafts' aesgcm and WebPush JWT) */
#define WEBPUSH_KEY_LEN	65	/* an uncompressed P-256 point */
struct evp_pkey_st;
char		*webpush_keygen(void);
char		*webpush_public_b64(const char *pem);
uint8_t		*webpush_b64_decode(const char *, size_t *);
int		 webpush_encrypt(const uint8_t *ua_pub, size_t ua_publen,
		     const uint8_t *auth, size_t authlen, const uint8_t *plain,
		     size_t len, uint8_t **out, size_t *outlen, char **cause);
int		 webpush_encrypt_with(struct evp_pkey_st *as,
		     const uint8_t *ua_pub, size_t ua_publen,
		     const uint8_t *auth, size_t authlen,
		     const uint8_t salt[16], const uint8_t *plain, size_t len,
		     uint8_t **out, size_t *outlen, char **cause);
int		 webpush_encrypt_legacy(const uint8_t *ua_pub,
		     size_t ua_publen, const uint8_t *auth, size_t authlen,
		     const uint8_t *plain, size_t len, uint8_t salt[16],
		     uint8_t as_pub[WEBPUSH_KEY_LEN], uint8_t **out,
		     size_t *outlen, char **cause);
int		 webpush_encrypt_legacy_with(struct evp_pkey_st *as,
		     const uint8_t *ua_pub, size_t ua_publen,
		     const uint8_t *auth, size_t authlen,
		     const uint8_t salt[16], const uint8_t *plain, size_t len,
		     uint8_t as_pub[WEBPUSH_KEY_LEN], uint8_t **out,
		     size_t *outlen, char **cause);
struct evp_pkey_st *webpush_key_raw(const uint8_t priv[32],
		     const uint8_t pub[WEBPUSH_KEY_LEN]);
char		*webpush_origin(const char *url);
char		*webpush_vapid(const char *pem, const char *endpoint,
		     const char *subject, int64_t exp, char **cause);
char		*webpush_vapid_legacy(const char *pem, const char *endpoint,
		     const char *subject, int64_t exp, char **pub,
		     char **cause);

/* netguard.c (modules/bridge/netguard.c, built into both): 0 if an
 * address is public, -1 and why if it is a special-purpose one. */
int		 netguard_check(const struct sockaddr *, socklen_t,
		     int allow_loopback, char *why, size_t whylen);

/* httpc.c: blocking HTTP client (libcurl), for worker threads only */
struct httpc_req {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;
	const char	*ca_file;	/* NULL: the system's */
	const char	*content_type;	/* POST body's, e.g.
					   application/x-www-form-urlencoded */
	const char	*body;
	size_t		 bodylen;
	const char	*basic_user, *basic_pass;	/* HTTP Basic
					   (client_secret_basic), or NULL */
	const char	*accept;	/* Accept header, or NULL */
	long		 timeout;	/* seconds, 0: 10 */
	size_t		 max_body;	/* 0: 1 MiB */
	const char *const *headers;	/* more "Name: value" lines, NULL
					   ended, or NULL */
	int		 guard;		/* a URL from outside: connect only
					   to public addresses (netguard) */
	int		 guard_private;	/* with guard: loopback and private
					   ranges too (tests, intranets) */
};
struct httpc_resp {
	long		 status;
	char		*body;
	size_t		 len;
	char		*content_type;
	char		*cache_control;
};
/*
 * 0 and *resp (free with httpc_resp_free), or -1 and *cause naming the URL
 * and what went wrong (curl's error text). A 4xx/5xx status is not an error
 * here.
 */
int		 httpc_do(const struct httpc_req *, struct httpc_resp *,
		     char **cause);
void		 httpc_resp_free(struct httpc_resp *);
/* application/x-www-form-urlencoded encoding of one value (malloc'd). */
char		*httpc_form_escape(const char *);

/* mail.c: e-mail through sendmail or an SMTP relay; mail_send blocks, so
 * worker threads (and hearthctl) only */
struct mail_msg {
	const char	*from_name;	/* shown beside mail.from, or NULL */
	const char	*to_name;
	const char	*to_addr;
	const char	*subject;	/* UTF-8: encoded here */
	const char	*text;		/* text/plain alternative */
	const char	*html;		/* text/html alternative */
	const char	*unsubscribe;	/* List-Unsubscribe URL, or NULL */
};
int		 mail_configured(const struct config *);
char		*mail_header_encode(const char *);
char		*mail_mailbox(const char *, const char *);
char		*mail_compose(const struct config *, const struct mail_msg *);
int		 mail_send(const struct config *, const char *, const char *,
		     char **);

/* cookie.c */
int		 cookie_parse(struct arena *, const char *, struct kvlist *);

/* fold.c */
/* The letters unicode61 keeps, replaced in SQL: schema 0013 indexes
 * with this list (written out there) and fold.c folds queries the same. */
#define FOLD_SQL(x) "replace(replace(replace(replace(replace(replace(" \
    "replace(replace(replace(replace(replace(replace(replace(replace(" \
    "replace(replace(replace(replace(replace(replace(replace(replace(" \
    "replace(replace(replace(replace(" x \
    ", 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o')" \
    ", 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss')" \
    ", 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i')" \
    ", 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l')" \
    ", 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't')" \
    ", 'ŧ', 't')"
const char	*fold_letter(uint32_t);
char		*fold_map(struct arena *, const char *, size_t **);
char		*fold_text(struct arena *, const char *);
char		*fold_mark(struct arena *, const char *, const char *);
char		*fold_mark_html(struct arena *, const char *, const char *);

/* escape.c */
void		 escape_html(struct evbuffer *, const char *, size_t);
char		*escape_url(struct arena *, const char *);
char		*escape_url_path(struct arena *, const char *);

/* freeze.c: JSON shared read-only by every thread until exit */
struct json_t	*json_freeze(struct json_t *);

/* cache.c */
struct cache;
/* A cache is named (for its metrics) after the file that made it, unless
 * cache_set_name names it. */
#define cache_new(max, ttl)	cache_new_in((max), (ttl), __FILE__)
struct cache	*cache_new_in(size_t, uint64_t, const char *);
void		 cache_set_name(struct cache *, const char *);
void		 cache_set_budget(struct cache *, uint64_t);
int		 cache_budget_named(const char *, uint64_t);
struct cache_stats {
	const char	*name;
	uint64_t	 entries;
	uint64_t	 bytes;		/* memory the entries take */
	uint64_t	 capacity;	/* entries it may hold */
	uint64_t	 budget;	/* bytes it may take; 0: unbounded */
	uint64_t	 hits;
	uint64_t	 misses;	/* not there, stale or expired */
	uint64_t	 evictions;	/* pushed out by a newer entry */
};
typedef void (*cache_stats_fn)(const struct cache_stats *, void *);
void		 cache_stats_each(cache_stats_fn, void *);
void		 cache_free(struct cache *);
int		 cache_emit(struct cache *, int64_t, uint64_t, struct evbuffer *);
int		 cache_emit_with(struct cache *, int64_t, uint64_t,
		     void (*)(const char *, size_t, void *), void *);
void		 cache_put_for(struct cache *, int64_t, uint64_t, const void *,
		     size_t, uint64_t);
void		 cache_each(struct cache *, void (*)(int64_t, uint64_t,
		     const char *, size_t, uint64_t, void *), void *);
void		 cache_put(struct cache *, int64_t, uint64_t, const void *,
		     size_t);
void		 cache_drop(struct cache *, int64_t);

/* promtext.c: Prometheus's text format (0.0.4) */
/* The buckets of every duration histogram, in seconds: 0.5 ms to 5 s. */
#define PROM_SECONDS_N	13
extern const double	 prom_seconds[PROM_SECONDS_N];
size_t		 prom_seconds_bucket(uint64_t);
void		 prom_escape_label(struct evbuffer *, const char *);
void		 prom_float(char [32], double);
void		 prom_family(struct evbuffer *, const char *, const char *,
		     const char *);
void		 prom_u64(struct evbuffer *, const char *, const char *const *,
		     uint64_t);
void		 prom_double(struct evbuffer *, const char *,
		     const char *const *, double);
void		 prom_histogram(struct evbuffer *, const char *,
		     const char *const *, const double *, size_t,
		     const uint64_t *, double);

/* clock.c */
uint64_t	 clock_usec(void);

/* sdnotify.c */
void		 sdnotify(const char *);

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
int		 markdown_render_outside(struct arena *, const char *, size_t,
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

/* image.c: images decoded and written again by libvips */
enum image_type { IMAGE_NONE, IMAGE_PNG, IMAGE_JPEG, IMAGE_GIF, IMAGE_WEBP,
	IMAGE_HEIF };
#define IMAGE_MAX_PIXELS (8192 * 8192)
#define BLURHASH_MAX	64	/* 4 chars + 2 per component + NUL: 5x5
				   fits; Mastodon's 4x3 is 28 chars */

/* What an image upload may be and what is made of it. */
struct image_limits {
	int64_t		 max_pixels;	/* all frames together, as claimed
					   by the header (0: IMAGE_MAX_PIXELS) */
	int		 max_side;	/* the stored image fits this box */
	int		 thumb_side;	/* the thumbnail's box (0: none) */
	int		 square;	/* both cropped to a centred square */
	int		 blurhash;	/* compute one (4x3 components) */
	int		 still;		/* an animation gives its first frame */
};

/* One encoded image. */
struct image_out {
	void		*data;		/* malloc'ed */
	size_t		 len;
	enum image_type	 type;		/* PNG, JPEG, GIF or WebP */
	int		 width;
	int		 height;
};

struct image_result {
	enum image_type	 source;	/* what the upload's bytes were */
	int		 source_width;	/* its size, orientation applied */
	int		 source_height;
	int		 frames;	/* > 1: animated, kept animated */
	struct image_out original;	/* no metadata, fits max_side */
	struct image_out thumb;		/* fits thumb_side (a still) */
	char		 blurhash[BLURHASH_MAX];
};

void		 image_setup(int);
void		 image_shutdown(void);
int		 image_sniff(const void *, size_t, enum image_type *, int *,
		     int *, char **);
int		 image_process(const void *, size_t,
		     const struct image_limits *, struct image_result *,
		     char **);
int		 image_pdf_preview(const void *, size_t, int,
		     struct image_out *, char **);
void		 image_out_free(struct image_out *);
void		 image_result_free(struct image_result *);
const char	*image_ext(enum image_type);
const char	*image_mime(enum image_type);
enum image_type	 image_type_from_ext(const char *);
void		 image_identicon(const char *, int, struct evbuffer *);
int		 image_from_rgb(const uint8_t *, int, int, struct image_out *,
		     char **);

/* blurhash.c */
int		 blurhash_encode(const uint8_t *, int, int, int, int, int,
		     char *, size_t);

/* filetype.c: attached files, only ever downloaded */
#define FILENAME_KEEP	201	/* a cleaned name, with its NUL */
struct filetype {
	const char	*ext;		/* what the stored file is named */
	const char	*mime;		/* and served as */
	const char	*icon;		/* pdf, doc, sheet, slides, zip, text,
					   file */
	int		 magic;
};
const struct filetype *filetype_of(const void *, size_t, const char *);
const struct filetype *filetype_from_ext(const char *);
void		 filename_clean(const char *, const char *, char *, size_t);

/* ldapc.c: signing in against an LDAP directory (OpenLDAP, Active
 * Directory) and listing its people. Each call opens its own connection and
 * blocks (worker threads only). Attribute names left NULL or "" take the
 * OpenLDAP defaults: entryUUID, uid, cn, mail, departmentNumber, title;
 * user_filter "(&(objectClass=inetOrgPerson)(uid=%s))", group_member_attr
 * "member". group_member_attr "memberOf" reads the groups from the person's
 * entry (Active Directory); ad_nested asks AD for nested membership with
 * LDAP_MATCHING_RULE_IN_CHAIN instead. allowed and admin are independent:
 * an admin outside allowed_group may not sign in. HEARTH_LDAP_PAGE_SIZE (in
 * the environment, 1 to 1000) shrinks ldapc_each's pages, for tests. */
struct ldapc_conf {
	const char	*url;		/* ldaps://host:636 or ldap://host:389;
					   several, space-separated: failover */
	int		 starttls;	/* with ldap://: StartTLS required (never
					   plain) */
	const char	*ca_file;	/* NULL: the system's CAs */
	const char	*bind_dn, *bind_password;	/* the service account
							   (search); no
							   bind_dn: anonymous */
	const char	*base_dn;
	const char	*user_filter;	/* "(&(objectClass=inetOrgPerson)(uid=%s))"
					   or AD's "(&(objectCategory=person)
					   (sAMAccountName=%s))"; each %s is the
					   username, RFC 4515-escaped */
	const char	*id_attr;	/* stable id: "entryUUID" (OpenLDAP) or
					   "objectGUID" (AD: binary, given in the
					   GUID text form) */
	const char	*username_attr, *name_attr, *email_attr,
			*department_attr, *title_attr;
	const char	*allowed_group;	/* a group's DN; NULL or "": everyone
					   under base_dn may sign in */
	const char	*admin_group;	/* a group's DN whose members are admins,
					   or NULL */
	const char	*group_member_attr;	/* on the group: "member"
						   (groupOfNames) or
						   "uniqueMember"; on the
						   person: "memberOf" */
	int		 ad_nested;
	long		 timeout;	/* seconds for connect and each operation
					   (<= 0: 10) */
};
struct ldapc_person {
	char		*dn, *id, *username, *display_name, *email,
			*department, *title;	/* NULL: the entry has none */
	int		 allowed, admin;
};
enum { LDAPC_OK = 0, LDAPC_DENIED = 1, LDAPC_ERROR = -1 };
/* Service bind, one person found by the filter, their bind with the password
 * (an empty one is DENIED unsent), then attributes and groups. DENIED: wrong
 * password, unknown, more than one, not in allowed_group, disabled in AD
 * (userAccountControl bit 2); ERROR: the directory cannot be reached, the
 * service bind fails, a group does not exist. *cause says which, for the
 * log; out is filled only on OK (ldapc_person_free is safe either way). */
int		 ldapc_authenticate(const struct ldapc_conf *, const char *,
		     const char *, struct ldapc_person *, char **);
/* Every person the user filter finds with %s as "*" (paged, 500 a page), with
 * allowed and admin filled (a disabled AD account is not allowed), each
 * handed to cb and freed after it returns. 0, or -1 and *cause: the list is
 * then not complete (a person without id or username stops it too). */
int		 ldapc_each(const struct ldapc_conf *,
		     void (*)(const struct ldapc_person *, void *), void *,
		     char **);
void		 ldapc_person_free(struct ldapc_person *);
/* RFC 4515 filter value escaping (malloc'd). */
char		*ldapc_escape(const char *);
/* AD's binary objectGUID (16 bytes) in the GUID text form (malloc'd), or
 * NULL if it is not 16 bytes. */
char		*ldapc_guid(const void *, size_t);

/* idlist.c */
struct idlist {
	int64_t		*ids;
	size_t		 n;
	size_t		 cap;
};
void		 idlist_add(struct arena *, struct idlist *, int64_t);
int		 idlist_has(const struct idlist *, int64_t);
size_t		 ids_sort_unique(int64_t *, size_t);
int		 ids_find(const int64_t *, size_t, int64_t);

#endif
