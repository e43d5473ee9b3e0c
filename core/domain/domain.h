/*
 * domain.h: what hearth is about: people, sessions, tokens and apps; posts,
 * follows, favourites, groups and notifications; the rules of who may read
 * what (access.c); the feeds, timelines, search and trends; the Mastodon
 * entities built from them (entity.c); and the events the domain emits after
 * its commits (events.c). Functions take a struct db and plain values and
 * answer 0 or an E_ code with a cause: none knows a request, a connection
 * or a page, so the web pages, the API, hearthctl and the modules call the
 * same ones.
 */
#ifndef HEARTH_DOMAIN_H
#define HEARTH_DOMAIN_H

#include <stdint.h>

#include <jansson.h>

#include "lib.h"
#include "store.h"

struct post;
struct group;
struct page;
struct part;

/* user.c */
#define USERNAME_MAX 30
#define DISPLAY_NAME_MAX 100
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
	/* an outside account (the bridge's): its server's host, else NULL */
	const char	*origin;
	const char	*outside_uri;
	const char	*outside_url;
	int		 must_change_password;	/* an admin set the password */
	int64_t		 last_active_at;
	/* Settings → language and time zone (NULL: automatic, locale.c) */
	const char	*locale;
	const char	*time_zone;
};
int		 user_valid_name(const char *, char **);
int		 user_set_role(struct db *, int64_t, enum role);
int		 user_admins(struct db *);
int		 user_is_admin(struct db *, int64_t);
int		 user_fingerprint(struct db *, int64_t, uint64_t *);
uint64_t	 user_tag(int64_t, int64_t, int64_t, int64_t, int64_t);
int64_t		 user_create(struct db *, const char *, const char *,
		     const char *, enum role, const char *, char **);
struct user	*user_get(struct db *, struct arena *, int64_t);
struct user	*user_get_by_name(struct db *, struct arena *, const char *);
struct user	*user_get_outside(struct db *, struct arena *, const char *);
int		 user_set_password(struct db *, int64_t, const char *);
int		 user_set_disabled(struct db *, int64_t, int);
int		 user_set_must_change(struct db *, int64_t, int);
int		 user_list(struct db *, struct arena *,
		     void (*)(const struct user *, void *), void *);
int		 user_change_password(struct db *, int64_t, const char *,
		     int64_t);
int		 user_page(struct db *, struct arena *, const char *, int, int,
		     void (*)(const struct user *, void *), void *);
enum people_sort { PEOPLE_BY_NAME, PEOPLE_BY_DEPARTMENT, PEOPLE_BY_LAST_ACTIVE,
    PEOPLE_BY_STATUS, PEOPLE_SORTS };
enum people_status { PEOPLE_ALL, PEOPLE_ACTIVE, PEOPLE_DISABLED, PEOPLE_ADMINS,
    PEOPLE_MUST_CHANGE };
struct people_query {
	const char		*q;
	const char		*department;
	enum people_status	 status;
	enum people_sort	 sort;
	int			 desc;
};
int		 user_admin_page(struct db *, struct arena *,
		     const struct people_query *, int, int,
		     void (*)(const struct user *, void *), void *);
int		 user_departments(struct db *, void (*)(const char *, void *),
		     void *);
int		 user_admin_create(struct db *, struct arena *, int64_t,
		     const char *, const char *, const char *, enum role,
		     const char *, int64_t *, char **);
int		 user_admin_set_role(struct db *, struct arena *, int64_t,
		     int64_t, enum role, char **);
int		 user_admin_set_disabled(struct db *, struct arena *, int64_t,
		     int64_t, int, char **);
int		 user_admin_set_password(struct db *, struct arena *, int64_t,
		     int64_t, const char *, char **);

/* audit.c */
struct audit_actor {
	int64_t		 id;		/* 0: not a person (hearthctl, a sync) */
	const char	*name;		/* "alice", "hearthctl (uid 0)" */
	const char	*ip;
	const char	*user_agent;
};
struct audit_entry {
	int64_t		 id;
	int64_t		 at;
	int64_t		 actor_id;
	const char	*actor_name;
	const char	*action;
	const char	*target_type;
	int64_t		 target_id;
	const char	*target_name;
	const char	*details;	/* a JSON object */
	const char	*ip;
	const char	*user_agent;
};
struct audit_filter {
	const char	*action;	/* exactly; NULL or "": any */
	const char	*actor;		/* name contains */
	const char	*q;		/* target or details contain */
	int64_t		 since;		/* at >= since (0: any) */
	int64_t		 until;		/* at < until (0: any) */
};
int		 audit_record(struct db *, const struct audit_actor *,
		     const char *, const char *, int64_t, const char *,
		     json_t *);
int		 audit_each(struct db *, struct arena *,
		     const struct audit_filter *, int, int64_t, int,
		     void (*)(const struct audit_entry *, void *), void *);
int		 audit_actions(struct db *, void (*)(const char *, void *),
		     void *);
json_t		*audit_entry_json(const struct audit_entry *);
int		 audit_prune(struct db *, int64_t);

/* user-import.c */
struct import_row {
	int		 line;		/* in the file, from 1 */
	const char	*username;
	const char	*display_name;
	const char	*email;
	const char	*department;
	const char	*title;
	int		 admin;
	const char	*field;		/* the field in error, or NULL */
	const char	*error;
	const char	*why;		/* error's English message for the
					   catalogue, {n} the fields found;
					   NULL when error quotes a cause */
	size_t		 nfields;
	const struct cause *said;	/* error's pattern when it quotes a
					   cause (cause.c), for the web */
};
struct import {
	struct import_row *rows;
	size_t		 n;
	int		 errors;	/* rows with an error */
	const char	*error;		/* the file's own (too long, empty) */
};
int		 user_import_parse(struct db *, struct arena *, const char *,
		     size_t, size_t, struct import *);
int		 user_import_write(struct db *, struct arena *,
		     const struct audit_actor *, const struct import *,
		     char *const *, int64_t *, char **);

/* identity.c */
enum idp { IDP_OIDC, IDP_LDAP, IDP_SCIM, IDP_PROXY };
/* What a provider says of a person (NULL: it did not say). */
struct claims {
	enum idp	 provider;
	const char	*issuer;	/* OIDC's iss; "" for the others */
	const char	*subject;	/* stable: sub, entryUUID, externalId */
	const char	*username;	/* wanted, for a new account */
	const char	*display_name;
	const char	*email;
	const char	*department;
	const char	*job_title;
	int		 admin;		/* -1: leave the role; 0 or 1 */
	int		 allowed;	/* 0: the provider's groups say no */
};
struct identity {
	enum idp	 provider;
	const char	*issuer;
	const char	*subject;
	int64_t		 created_at;
	int64_t		 last_seen_at;
};
const char	*idp_name(enum idp);
int		 idp_parse(const char *, enum idp *);
int		 identity_find(struct db *, enum idp, const char *,
		     const char *, int64_t *);
const char	*identity_subject(struct db *, struct arena *, int64_t,
		     enum idp);
int		 identity_link(struct db *, int64_t, enum idp, const char *,
		     const char *, char **);
int		 identity_unlink(struct db *, int64_t, enum idp);
int		 identity_list(struct db *, struct arena *, int64_t,
		     void (*)(const struct identity *, void *), void *);
int		 identity_signin(struct db *, const struct claims *, int,
		     int64_t *, int *, char **);
int		 identity_pick_name(struct db *, const char *, char *, size_t);
int		 identity_update(struct db *, int64_t, const struct claims *);

/* directory-sync.c */
struct dir_sync {
	int		 force;		/* past the guard */
	int		 dry_run;	/* count, change nothing */
	/* what it found and did */
	int		 seen;		/* people the directory lists */
	int		 linked;	/* active accounts it signed in */
	int		 updated;
	int		 deactivated;
};
int		 directory_sync(struct db *, enum idp, const struct claims *,
		     size_t, struct dir_sync *, char **);
struct ldapc_person;
void		 ldap_person_claims(const struct config *,
		     const struct ldapc_person *, struct claims *);
int		 ldap_directory_read(const struct config *, struct arena *,
		     struct claims **, size_t *, char **);
struct user	*identity_directory_account(struct db *, struct arena *,
		     const struct claims *);
int		 user_deactivate(struct db *, int64_t, const char *);
int		 user_reactivate(struct db *, int64_t);

/* oidc.c */
int		 oidc_prepare(const struct config *, char **);
char		*oidc_authorize_url(const struct config *, const char *,
		     const char *, const char *, const char *);
char		*oidc_logout_url(const struct config *, const char *);
char		*oidc_end_session(void);
int		 oidc_exchange(const struct config *, const char *,
		     const char *, const char *, const char *, json_t **,
		     char **);
void		 oidc_claims(const struct config *, struct arena *,
		     const json_t *, struct claims *);
int		 oidc_logout_token(const struct config *, const char *,
		     char **, char **, char **);
int		 oidc_login_begin(struct db *, const char *, const char *,
		     const char *, const char *);
int		 oidc_login_find(struct db *, struct arena *, const char *,
		     const char **, const char **, const char **);
int		 oidc_login_take(struct db *, const char *, char **);
void		 oidc_forget(void);

/* session.c */
#define SESSION_PREFIX "hs_"
/* How a session was signed in (sessions.via). */
enum session_via { VIA_PASSWORD, VIA_OIDC, VIA_LDAP, VIA_PROXY };
struct session {
	int64_t		id;
	int64_t		user_id;
	int64_t		created_at;
	char		hash[HASH_HEX + 1];
	int		touch;		/* last_seen_at wants refreshing */
	int		expired;	/* found, but past a timeout */
	enum session_via via;
};
/* A sessions row as looked up (session.c, auth-memo.c). */
struct session_row {
	int64_t		id;
	int64_t		user_id;
	int64_t		created_at;
	int64_t		last_seen_at;
	int		disabled;	/* the person's */
	int64_t		expires_at;	/* a provider's end, or 0 */
	enum session_via via;
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
int		 session_create_via(struct db *, int64_t, const char *,
		     const char *, enum session_via, const char *, int64_t,
		     char *, size_t);
int		 session_end_idp(struct db *, enum session_via, const char *,
		     int64_t);
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
	int64_t		 id;
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
int64_t		 token_create_labelled(struct db *, int64_t, const char *,
		     const char *, char *, size_t);
int		 token_list_app(struct db *, struct arena *, int64_t,
		     void (*)(const struct token_info *, void *), void *);
int		 token_revoke_app(struct db *, int64_t, int64_t);

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

/* scim-filter.c: SCIM's filters and PATCH paths (RFC 7644 3.4.2.2, 3.5.2) */
#define SCIM_SCHEMA_USER	"urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_SCHEMA_GROUP	"urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_SCHEMA_ENTERPRISE	\
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#define SCIM_FILTER_MAX		2048	/* bytes of a filter or a path */
/* A filter's operators: the comparisons first, in the order of
 * scim-filter.c's SQL symbols. */
enum scim_fop { SF_EQ, SF_NE, SF_CO, SF_SW, SF_EW, SF_GT, SF_GE, SF_LT,
    SF_LE, SF_PR, SF_AND, SF_OR, SF_NOT, SF_VALUES };
enum scim_vkind { SV_STRING, SV_NUMBER, SV_TRUE, SV_FALSE, SV_NULL };
struct scim_filter {
	enum scim_fop		 op;
	const char		*attr;	/* a comparison's, or attr[...]'s:
					   a core schema's URN dropped */
	enum scim_vkind		 kind;
	const char		*value;	/* SV_STRING, SV_NUMBER: as text */
	struct scim_filter	*a;	/* and, or: both; not, attr[...]: a */
	struct scim_filter	*b;
};
struct scim_path {
	const char		*attr;	/* "emails", "name.givenName" */
	struct scim_filter	*filter;/* [...], or NULL */
	const char		*sub;	/* after "].", or NULL */
};
enum scim_resource { SCIM_USERS, SCIM_GROUPS };
struct scim_sql {
	const char		*where;
	const char		**args;	/* each "?" of where, in order */
	size_t			 nargs;
};
struct scim_filter *scim_filter_parse(struct arena *, const char *, char **);
int		 scim_path_parse(struct arena *, const char *,
		     struct scim_path *, char **);
int		 scim_filter_sql(struct arena *, const struct scim_filter *,
		     enum scim_resource, struct scim_sql *, char **);
int		 scim_filter_match(const struct scim_filter *,
		     const char *(*)(void *, const char *), void *);

/* scim.c: people and groups as a directory provisions them (SCIM 2.0) */
#define SCOPE_SCIM		"scim"	/* only hearthctl scim token grants
					   it; OAuth never does */
#define SCIM_PAGE_MAX		100	/* resources in one list answer */
#define SCIM_MEMBERS_MAX	10000	/* member values in one request */
#define SCIM_OPS_MAX		1000	/* operations in one PATCH */
#define SCIM_TEXT_MAX		255	/* userName, externalId, names */
/* What a SCIM request works with: the database, the request's arena,
 * where its resources live (meta.location), and after a refusal its
 * scimType (RFC 7644 3.12), or NULL. */
struct scim {
	struct db	*db;
	struct arena	*arena;
	const char	*base;		/* https://hearth.example.com/scim/v2 */
	const char	*type;
	const char	*ip;		/* the directory's, for the audit log */
	const char	*user_agent;
};
struct scim_query {
	const struct scim_filter *filter;	/* or NULL: all */
	int64_t		 start;		/* 1-based */
	int		 count;		/* at most SCIM_PAGE_MAX */
	int		 members;	/* groups: list their members */
};
json_t		*scim_user_get(struct scim *, int64_t);
int		 scim_user_list(struct scim *, const struct scim_query *,
		     json_t **, char **);
int		 scim_user_create(struct scim *, json_t *, int64_t *, char **);
int		 scim_user_replace(struct scim *, int64_t, json_t *, char **);
int		 scim_user_patch(struct scim *, int64_t, json_t *, char **);
int		 scim_user_delete(struct scim *, int64_t, char **);
json_t		*scim_group_get(struct scim *, int64_t, int);
int		 scim_group_list(struct scim *, const struct scim_query *,
		     json_t **, char **);
int		 scim_group_create(struct scim *, json_t *, int64_t *, char **);
int		 scim_group_replace(struct scim *, int64_t, json_t *, char **);
int		 scim_group_patch(struct scim *, int64_t, json_t *, char **);
int		 scim_group_delete(struct scim *, int64_t, char **);
json_t		*scim_config_json(struct scim *);
json_t		*scim_resource_types_json(struct scim *, const char *);
json_t		*scim_schemas_json(struct scim *, const char *);
int64_t		 scim_app(struct db *, int);
int64_t		 scim_token_create(struct db *, const char *, char *, size_t);
int		 scim_token_list(struct db *, struct arena *,
		     void (*)(const struct token_info *, void *), void *);
int		 scim_token_revoke(struct db *, int64_t);

/* device.c */
char		*device_cookie(struct arena *, int64_t);
const char	*device_check(struct arena *, int64_t, const char *);

/* entity.c */
struct ectx {
	const struct config	*config;
	struct db		*db;
	struct arena		*arena;
	int64_t			 viewer;
	json_t			*accounts;	/* cache, by id */
	json_t			*groups;	/* cache, by id */
	uint32_t		 post_tools;	/* the web: whose post tools the
						   viewer gets (a bit per tool) */
	int			 lang;		/* the web: the viewer's language,
						   LANG_* */
	const char		*zone;		/* and time zone (NULL: UTC) */
	int			 mutes;		/* the viewer muted threads: 1,
						   0, or -1 not asked yet */
	int			 filter_ctx;	/* the viewer's filters' context
						   (FC_*): Statuses carry
						   "filtered"; 0: none */
};
void		 ectx_init(struct ectx *, struct db *, struct arena *, int64_t,
		     const struct config *);
void		 ectx_free(struct ectx *);
json_t		*entity_time(int64_t);
json_t		*entity_id(int64_t);
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

/* stream-sub.c */
/* The streams one may subscribe to, in stream-sub.c's table. */
enum stream_kind { STREAM_USER, STREAM_PUBLIC, STREAM_NOTIFICATION,
    STREAM_LOCAL, STREAM_HASHTAG, STREAM_HASHTAG_LOCAL, STREAM_GROUP,
    STREAM_DIRECT, STREAM_LIST, STREAM_NKINDS };
/* One subscription: a kind, and for those that take one its parameter. */
struct stream_sub {
	enum stream_kind	 kind;
	int64_t			 group;	/* STREAM_GROUP; STREAM_LIST: the
					   list */
	char			*arg;	/* the tag, or the group's (list's)
					   id */
};
extern const char stream_kinds_known[];
const char	*stream_kind_name(enum stream_kind);
int		 stream_kind_param(enum stream_kind);
int		 stream_kind_named(const char *);
int		 stream_sub_parse(struct db *, struct arena *, int64_t,
		     const char *, const char *, const char *, const char *,
		     struct stream_sub *, const char **);
int		 stream_sub_match(struct db *, int64_t,
		     const struct stream_sub *, const struct post *);

/* media.c */
#define MEDIA_NAME_MAX 64
int		 media_store(const char *, const void *, size_t,
		     const char *, char *, size_t, char **);
char		*media_path(const char *, const char *);
char		*media_relpath(const char *);

/* attachment.c: pictures and files in posts */
struct post_draft;
#define MEDIA_PER_POST	4
struct media {			/* a row of the media table */
	int64_t		 id;
	int64_t		 owner_id;
	int64_t		 post_id;	/* 0: no post has it yet */
	const char	*kind;		/* image, gifv, file */
	const char	*file;
	const char	*preview;	/* or NULL */
	const char	*mime;
	int64_t		 bytes;
	int		 width, height, pwidth, pheight;
	double		 focus_x, focus_y;
	const char	*description;
	const char	*blurhash;	/* or NULL */
	const char	*filename;
	int64_t		 created_at;
	const char	*state;		/* ready, processing, failed */
	const char	*error;		/* failed: why */
	const char	*incoming;	/* processing: the upload as it came */
};
struct media_upload {		/* one upload being carried out */
	/* in */
	int64_t			 owner;
	const struct config	*config;
	struct arena		*arena;		/* the request's */
	const void		*data;		/* in the request's body */
	size_t			 len;
	const char		*filename;	/* as sent */
	const char		*description;
	double			 focus_x, focus_y;
	int			 is_image;	/* media_upload_check said */
	/* worked out (worker) */
	char			 kind[8];
	char			 mime[128];
	char			 file[MEDIA_NAME_MAX];
	char			 preview[MEDIA_NAME_MAX];
	char			 incoming[MEDIA_NAME_MAX];	/* 202 */
	char			 clean_name[FILENAME_KEEP];
	char			 blurhash[BLURHASH_MAX];
	int64_t			 bytes;
	int			 width, height, pwidth, pheight;
	char			*cause;		/* why it failed */
	int			 bad;		/* ... the upload's fault */
	int			 err;		/* ... or errno's */
	/* out (writer) */
	int64_t			 id;
};
struct media_change {		/* PUT or DELETE of an upload */
	int64_t		 owner;
	int64_t		 id;
	const char	*description;	/* or NULL: unchanged */
	int		 has_focus;
	double		 focus_x, focus_y;
	const char	*data_dir;
};
enum media_access { MA_ALLOWED, MA_DENIED, MA_NOT_MEDIA };
const char	*media_size_text(struct arena *, int64_t);
void		 media_setup(const char *);
void		 media_stop(void);
int		 media_stopping_now(void);
void		 media_upload_init(struct media_upload *, int64_t,
		     const struct config *, struct arena *);
int		 media_parse_focus(const char *, double *, double *);
int		 media_description_ok(const char *, char *, size_t);
int		 media_upload_check(struct media_upload *, const void *, size_t,
		     const char *, char *, size_t);
void		 media_upload_work(void *);
void		 media_upload_discard(struct media_upload *);
void		 media_incoming_work(void *);
int		 media_incoming_cmd(struct db *, void *, char **);
int		 media_incoming_load(struct media_upload *, int64_t);
int		 media_processed_cmd(struct db *, void *, char **);
size_t		 media_processing(struct db *, struct arena *, struct media **,
		     size_t);
void		 post_uploads_work(void *);
int		 post_uploads_record(struct db *, struct post_draft *);
int		 media_upload_cmd(struct db *, void *, char **);
struct media	*media_get(struct db *, struct arena *, int64_t, int64_t);
int		 media_update_cmd(struct db *, void *, char **);
int		 media_delete_cmd(struct db *, void *, char **);
int		 media_delete_post(struct db *, int64_t);
int		 media_expire(struct db *, const char *, int64_t);
int		 media_referenced(struct db *, const char *);
struct media_stats {
	int64_t		 count, bytes;
	int64_t		 images, animations, files;
	int64_t		 unattached, processing, failed;
};
int		 media_stats(struct db *, struct media_stats *);

/* media-tools.c: the media folder as a whole */
#define MEDIA_SWEEP_FOLDERS	4096	/* first-level: 64 x 64 */
#define MEDIA_SWEEP_MAX		20000	/* candidates per walk */
struct media_sweep {
	char		*data_dir;
	char		**names;	/* files old enough to judge */
	size_t		 n;
	size_t		 tmp_removed;	/* unfinished writes removed */
};
void		 media_sweep_collect(struct media_sweep *, int, int, time_t);
size_t		 media_sweep_remove(struct db *, struct media_sweep *, int);
void		 media_sweep_free(struct media_sweep *);
void		 media_disk_usage(const char *, int64_t *, int64_t *);
struct media_copy {
	int64_t		 kept, linked, copied, bytes;
	char		*cause;
	void		(*progress)(struct media_copy *);
};
int		 media_copy_tree(const char *, const char *,
		     struct media_copy *);

/* backup.c */
#define MEDIA_BACKUP_LOCK	"backup.lock"	/* in data_dir: held by backups */
#define MEDIA_BACKUP_HELD	"backup-held"	/* removed while one ran */
struct backup_opts {
	FILE		*progress;	/* progress lines, or NULL */
	int		 no_check;	/* skip integrity_check of the copy */
	const char	*previous;	/* a backup to link unchanged files
					   from, or NULL */
};
struct backup_result {
	int64_t		 snapshot_ms;	/* the moment of the snapshot */
	int64_t		 media_files;	/* stored files in the backup */
	int64_t		 missing;	/* referenced, found nowhere */
	int64_t		 reused;	/* linked from the previous backup */
	int64_t		 bytes;		/* all files */
};
pid_t		 backup_live(const char *);
int		 backup_write(struct db *, const char *, const char *,
		     const struct backup_opts *, struct backup_result *,
		     char **);
char		*backup_dated_name(const char *);
char		*backup_newest(const char *);
int		 backup_prune(const char *, int, FILE *, char **);
int		 backup_check(const char *, int (*)(const char *), FILE *,
		     json_t **, char **);
int		 backup_restore(const char *, json_t *, const char *, int,
		     FILE *, char **, char **);
int		 media_attach(struct db *, int64_t, int64_t, const int64_t *,
		     const char *const *, size_t, char *, size_t);
enum media_access media_access(struct db *, struct arena *, int64_t,
		     const char *, struct media **);
const char	*media_signed_url(struct arena *, const char *, const char *,
		     int64_t);
int		 media_signature_ok(const char *, const char *, const char *,
		     int64_t);
int64_t		 media_sign_window(int64_t);
const char	*media_api_type(const char *);
json_t		*entity_media_item(struct ectx *, json_t *, int);
json_t		*entity_media_list(struct ectx *, const char *, int);
json_t		*entity_media(struct ectx *, const struct media *, int);
int		 media_remove(const char *, const char *);
int		 media_valid_name(const char *);

/* errors: domain functions answer 0 or one of these, HTTP-like on purpose */
#define E_OK		0
#define E_INVALID	422	/* the input breaks a rule; the cause says which */
#define E_FORBIDDEN	403	/* the person may not do this */
#define E_NOTFOUND	404	/* no such thing, or not visible to the person */
#define E_CONFLICT	409
#define E_TOO_LARGE	413	/* an upload over its limit */
#define E_INTERNAL	500
#define E_UNAVAILABLE	503	/* the server's passing trouble: try later */

/* events.c: what the domain tells the layers above, after commit */
enum event_kind {
	EV_POST_CREATED,	/* id, actor (author), group, reply, to, text,
				   options */
	EV_POST_EDITED,		/* id, actor (author), text, options */
	EV_POST_DELETED,	/* id, everyone, to (who could have seen it) */
	EV_NOTIFICATION,	/* id, subject (its recipient) */
	EV_FOLLOWED,		/* actor (follower), subject (followee) */
	EV_USER_CREATED,	/* id, text (the username) */
	EV_UNFOLLOWED,		/* actor (follower), subject (followee) */
	EV_ACCESS_ENDED,	/* actor (who left), text (by which path) */
	EV_POST_BOOSTED,	/* id (the boost), actor (booster), to */
	EV_CONVERSATION,	/* id (a conversation), subject (its owner) */
	EV_FILTERS_CHANGED,	/* actor (whose filters) */
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
	const char	*options;	/* a post's options chosen (modules') */
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
/* A paged query both ways, for page_select: head (its SELECT up to the
 * keyset condition, ending in WHERE or AND) and the keyset column. */
#define PAGE_SQL(head, col) { head PAGE_DESC(col), head PAGE_ASC(col) }
int		 page_select(struct db *, struct arena *, const char *const [2],
		     const struct page *, const struct sqlarg *, size_t,
		     struct idlist *, struct idlist *);

/* page-fill.c: full pages, the stream's rules applied batch by batch */
struct page_batch {
	struct db	*db;
	struct arena	*a;
	int64_t		 viewer;
	const int64_t	*ids;		/* the batch, newest first */
	size_t		 n;
	char		*keep;		/* a predicate clears keep[i] to drop */
	const char	*ids_json;	/* "[1,2]" once asked for */
	int		 silenced;	/* -1 unknown; whether mutes/blocks apply */
};
/* A rule: clears keep[] for the batch's ids it leaves out; 0 or -1. */
typedef int (*page_pred)(struct page_batch *);
/* Where ids come from: a page of them, newest first (E_ code). */
typedef int (*page_source)(void *, const struct page *, struct idlist *);
struct page_sql {			/* page_source_sql's argument */
	struct db		*db;
	struct arena		*a;
	const char *const	*sql;	/* PAGE_SQL */
	const struct sqlarg	*args;
	size_t			 nargs;
};
extern const page_pred page_preds_stream[];	/* visible, not muted */
extern const page_pred page_preds_profile[];	/* visible, not blocked */
extern const page_pred page_preds_muted[];	/* not muted nor blocked */
int		 page_pred_visible(struct page_batch *);
int		 page_pred_unmuted(struct page_batch *);
int		 page_pred_unblocked(struct page_batch *);
int		 page_fill(struct db *, struct arena *, int64_t,
		     const struct page *, page_source, void *,
		     const page_pred *, struct idlist *, struct idlist *);
int		 page_source_sql(void *, const struct page *, struct idlist *);
int		 page_keeps(struct db *, struct arena *, int64_t, int64_t,
		     const page_pred *);

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
 * private group or a direct message is private from them too. Nobody
 * reads the posts of someone who blocked them, not even by a link (as
 * Mastodon's StatusPolicy); timelines also leave out those one blocked
 * oneself (page-fill.c).
 */
#define SQL_POST_VISIBLE(p) "(" SQL_POST_ROW_VISIBLE(p) " AND (" p \
    ".reblog_of_id IS NULL OR EXISTS (SELECT 1 FROM posts rb WHERE rb.id = " \
    p ".reblog_of_id AND " SQL_POST_ROW_VISIBLE("rb") ")))"
/* The rule for one row; a boost (reblog_of_id) also needs its original
 * readable (above), so a boost never widens who reads a post. */
#define SQL_POST_ROW_VISIBLE(p) "(" p ".author_id = :viewer OR (NOT " \
    "EXISTS (SELECT 1 FROM blocks bk WHERE bk.user_id = " p ".author_id " \
    "AND bk.target_id = :viewer) AND CASE " \
    "WHEN " p ".group_id IS NOT NULL THEN EXISTS (SELECT 1 FROM groups g " \
    "WHERE g.id = " p ".group_id AND " SQL_GROUP_READABLE("g") ") " \
    "WHEN " p ".visibility <= " SQL_VIS_UNLISTED " THEN 1 " \
    "WHEN " p ".visibility = " SQL_VIS_PRIVATE " AND EXISTS (SELECT 1 " \
    "FROM follows f WHERE f.follower_id = :viewer AND " \
    "f.followee_id = " p ".author_id) THEN 1 " \
    "ELSE EXISTS (SELECT 1 FROM mentions m WHERE m.post_id = " p ".id AND " \
    "m.user_id = :viewer) END))"
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

/* outside.c: outside accounts and posts (the bridge's) */
struct outside_account {
	const char	*uri;		/* the actor's id */
	const char	*acct;		/* "name@host" */
	const char	*host;
	const char	*display_name;
	const char	*note_html;	/* sanitised */
	const char	*url;		/* profile page, or NULL */
};
struct outside_post {
	const char	*uri;		/* the Note's id */
	const char	*url;
	int64_t		 author;	/* an outside account */
	int64_t		 in_reply_to;	/* a post inside, or 0 */
	const char	*html;		/* sanitised */
	const char	*text;		/* plain, for search */
	const char	*spoiler_text;
	int		 sensitive;
	const char	*language;
	const int64_t	*mentions;	/* employees it mentions */
	size_t		 nmentions;
	int		 quiet;		/* notify nobody */
	int64_t		 published;	/* when written there, or 0 */
};
enum outside_reaction { OUTSIDE_LIKE, OUTSIDE_BOOST };
int64_t		 outside_account_save(struct db *,
		     const struct outside_account *, char **);
int64_t		 outside_post_save(struct db *, const struct outside_post *,
		     char **);
int64_t		 outside_post_find(struct db *, const char *, int64_t *);
int		 outside_post_delete(struct db *, int64_t, const char *);
int		 outside_react(struct db *, int64_t, int64_t,
		     enum outside_reaction, int, int);
int		 outside_account_gone(struct db *, const char *);
char		*outside_of(struct db *, int64_t, char **, char **);
char		*outside_account_of(struct db *, int64_t, int *);
int		 outside_avatar_save(struct db *, const char *, int64_t,
		     const void *, size_t, char **);

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
	struct image_out img;		/* decoded and written again */
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
	int			 bad;	/* the image was not one (cause) */
	struct cause		 said;	/* cause's pattern, if kept */
	int			 kept;	/* (cause_keep: made on a worker) */
};
int		 profile_save_image(struct profile_save *, const char *,
		     const struct part *, char **);
void		 profile_save_init(struct profile_save *, int64_t, struct arena *,
		     const char *);
void		 (*profile_save_work(const struct profile_save *))(void *);
void		 profile_store(void *);
int		 profile_save_cmd(struct db *, void *, char **);
int		 profile_avatar_store(const char *, const void *, size_t,
		     char *, size_t, char **);
int		 profile_avatar_offer(struct db *, int64_t, const char *);

/* report.c */
#define REPORT_COMMENT_MAX	1000	/* bytes, as Mastodon's */
#define REPORT_OPEN_MAX		10	/* a person's reports waiting at once */
#define REPORT_EXCERPT_MAX	500	/* bytes of a taken-down post kept */
enum report_action { REPORT_HIDE, REPORT_WARN, REPORT_DISABLE,
	REPORT_DISMISS };
struct report_new {
	int64_t		 reporter;
	int64_t		 target;
	const char	*category;	/* spam, legal, violation, other */
	const char	*comment;
	struct idlist	 statuses;
	struct idlist	 rules;
	int64_t		 id;		/* set by report_create */
};
struct report {
	int64_t		 id;
	int64_t		 reporter;
	int64_t		 target;
	const char	*category;
	const char	*comment;
	struct idlist	 statuses;
	struct idlist	 rules;
	const char	*action_taken;	/* NULL while open */
	int64_t		 action_by;
	int64_t		 action_at;
	int64_t		 created_at;
};
struct report_resolve {
	struct audit_actor	 actor;	/* the admin */
	int64_t			 id;
	enum report_action	 action;
	const char		*text;	/* the moderator's words to the author */
};
struct account_warning {
	int64_t		 id;		/* 0: a report's outcome, no warning */
	const char	*action;	/* none, delete_statuses, disable */
	const char	*text;
	struct idlist	 statuses;
	int64_t		 created_at;
	int64_t		 report;
	const char	*outcome;	/* the report's action_taken */
	const char	*excerpts;	/* JSON array: the posts' words */
};
const char	*report_action_name(enum report_action);
int		 report_action_parse(const char *, enum report_action *);
int		 report_create(struct db *, void *, char **);
struct report	*report_get(struct db *, struct arena *, int64_t);
int		 report_list(struct db *, struct arena *, int, int,
		     struct report **, size_t *);
int		 report_resolve(struct db *, void *, char **);
int		 report_notify(struct db *, int64_t, const char *, int64_t,
		     int64_t, int64_t);
struct account_warning *account_warning_of(struct db *, struct arena *,
		     int64_t, int64_t);
struct ectx;		/* entity.c writes reports and warnings */
json_t		*entity_report(struct ectx *, const struct report *);
void		 entity_notification_moderation(struct ectx *, int64_t,
		     const char *, json_t *);

/* mute.c */
struct relationship;		/* follow.c */
struct mute_cmd {
	int64_t		 actor;
	int64_t		 target;
	int		 add;
	int		 notifications;	/* their notifications too */
	int64_t		 duration;	/* seconds; 0: for good */
};
int		 mute_set(struct db *, void *, char **);
void		 mute_relationship(struct db *, int64_t, int64_t,
		     struct relationship *);
int		 mute_list(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int64_t		 mute_expires(struct db *, int64_t, int64_t);
int		 mute_silences(struct db *, int64_t, int64_t);

/* block.c */
int		 block_set(struct db *, void *, char **);	/* toggle */
int		 block_list(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
/* block-state.c */
int		 block_between(struct db *, int64_t, int64_t);
void		 block_relationship(struct db *, int64_t, int64_t,
		     struct relationship *);

/* account-note.c */
#define ACCOUNT_NOTE_MAX	2000	/* characters, as Mastodon */
struct account_note {
	int64_t		 actor;
	int64_t		 target;
	const char	*comment;
};
int		 account_note_set(struct db *, void *, char **);
const char	*account_note_get(struct db *, struct arena *, int64_t, int64_t);

/* follow.c */
struct relationship {
	int	following;
	int	followed_by;
	int	blocking;		/* block.c */
	int	blocked_by;
	int	muting;			/* mute.c */
	int	muting_notifications;
};
int		 follow_add(struct db *, int64_t, int64_t, char **);
int		 follow_remove(struct db *, int64_t, int64_t);
void		 follow_relationship(struct db *, int64_t, int64_t,
		     struct relationship *);
int		 follow_outside(struct db *, struct arena *, int64_t, int,
		     struct idlist *);
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
	int64_t		 reblogs_count;
	const char	*outside_uri;	/* an outside post: its id there */
	const char	*outside_url;	/* and its page there */
	const char	*media_json;	/* its attachments, or NULL */
	int		 favourited;	/* by the viewer */
	int64_t		 reblog_of_id;	/* a boost: the post shared */
	int64_t		 reactions_version;
	int		 bookmarked;	/* by the viewer (post_get) */
	int		 reblogged;	/* boosted by the viewer (post_get) */
	int		 pinned;	/* the viewer's, pinned to their profile */
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
	const char	*options;	/* modules' post options chosen, space
					   separated, or NULL */
	int		 quiet;		/* tell nobody (a silenced server's) */
	int64_t		*media_ids;	/* uploads it takes, in order */
	const char	**media_desc;	/* their new descriptions, or NULLs */
	size_t		 nmedia;
	int		 media_set;	/* an edit: attachments given (else
					   kept) */
	struct media_upload *uploads;	/* new files it brings (the web's
					   plain form), recorded with it */
	size_t		 nuploads;
	struct markdown	 md;
	/* out */
	int64_t		 id;
	int		 duplicate;	/* an earlier request with the key made it */
	char		 cause[256];
	struct idlist	 fanout;	/* who gets it in their home feed */
	struct arena	*arena;
	/* in: the poll it carries (NULL: none); an edit with poll_set
	   gives the whole new poll (NULL takes it away), else keeps it */
	const struct poll_spec *poll;
	int		 poll_set;
};
int		 post_check(struct post_draft *);
int		 post_prepare(struct db *, struct post_draft *, const char *,
		     const char **);
/* Commands: the writes both the web and the API make, each on a plain
 * input struct, run by req_command on the writer. */
typedef int (*command_fn)(struct db *, void *, char **);
struct post_removal {		/* its author or an instance admin */
	int64_t		 actor;
	int64_t		 id;
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
int		 follower_remove_set(struct db *, void *, char **);
int		 post_create(struct db *, void *);
int		 post_edit(struct db *, void *);
int		 post_delete(struct db *, int64_t, int64_t, char **);
struct post	*post_get(struct db *, struct arena *, int64_t, int64_t);
struct post	*post_read(struct db *, struct arena *, int64_t, int *);

/* scheduled.c: posts written now to go out later */
#define SCHEDULED_MIN_LEAD	300	/* seconds ahead, at least */
#define SCHEDULED_TOTAL_MAX	300	/* waiting, per person */
#define SCHEDULED_DAILY_MAX	25	/* on one UTC day, per person */
struct scheduled {		/* a row of scheduled_statuses */
	int64_t		 id;
	int64_t		 user_id;
	int64_t		 scheduled_at;
	const char	*params_json;	/* the post's parameters, as shown */
};
struct scheduled_draft {	/* scheduling, moving or cancelling */
	struct post_draft *d;		/* create: prepared (post_prepare) */
	const char	*params_json;	/* create: what the entity shows */
	int64_t		 at;		/* create, update */
	int64_t		 id;		/* update, delete; create: out */
	int64_t		 user_id;	/* update, delete */
	int		 duplicate;	/* out: the Idempotency-Key's earlier */
	char		 cause[256];
};
struct scheduled_publish {	/* one going out, on the writer */
	int64_t		 id;
	int64_t		 user_id;
	struct post_draft *d;		/* prepared; NULL: drop it */
	const char	*why;		/* dropped: why */
	int64_t		 post_id;	/* out: the post made, or 0 */
	int		 failed;	/* out: the database failed; kept */
};
int64_t		 scheduled_min_lead(void);
int		 scheduled_time_parse(const char *, int64_t *);
int		 scheduled_create_cmd(struct db *, void *, char **);
int		 scheduled_update_cmd(struct db *, void *, char **);
int		 scheduled_delete_cmd(struct db *, void *, char **);
struct scheduled *scheduled_get(struct db *, struct arena *, int64_t,
		     int64_t);
int		 scheduled_list(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
size_t		 scheduled_due(struct db *, struct arena *, int64_t,
		     struct scheduled *, size_t);
int		 scheduled_draft(struct arena *, const struct scheduled *,
		     struct post_draft *);
int		 scheduled_publish(struct db *, struct scheduled_publish *);
/* What can change about a post and its author, for checking caches. */
struct peek {
	int64_t		 id;
	int64_t		 author_id;
	int64_t		 edited_at;
	int64_t		 replies_count;
	int64_t		 favourites_count;
	int64_t		 reblogs_count;
	int		 favourited;
	int64_t		 created_at;
	uint64_t	 author_tag;	/* user_fingerprint of the author */
	int64_t		 reblog_of_id;	/* a boost: the post shared */
	int64_t		 reactions_version;
	int		 bookmarked;	/* the reader's own state */
	int		 reblogged;
	uint32_t	 my_reactions;	/* reaction_mask of the reader's */
	int		 pinned;	/* the reader's own post, pinned */
	int64_t		 replies_seen;	/* the replies the reader may read */
	int		 has_poll;	/* it carries a poll (poll.c) */
	int		 direct;	/* direct, outside groups (conversations) */
};
int		 post_peek(struct db *, struct arena *, int64_t,
		     const struct idlist *, struct peek **, size_t *);
uint64_t	 entity_status_tag(const struct peek *);	/* entity.c */
int		 entity_status_plain(struct ectx *, const struct post *, int);
void		 peek_cache_init(size_t);			/* peek.c */
void		 peek_cache_budget(size_t);
void		 peek_cache_stats(struct cache_stats *);
int		 peek_cache_get(int64_t, int64_t, int64_t, struct peek *);
void		 peek_cache_put(int64_t, const struct peek *, uint64_t, int64_t);
void		 peek_cache_prefetch(int64_t, const int64_t *, size_t);
int		 peek_recent_get(int64_t, int64_t, uint64_t, int64_t,
		     struct peek *);
void		 peek_recent_put(int64_t, const struct peek *, uint64_t, int64_t);
int		 post_context(struct db *, struct arena *, int64_t, int64_t,
		     struct idlist *, struct idlist *);
int		 post_history(struct db *, struct arena *, int64_t, int64_t,
		     struct post **, size_t *);
int		 favourite_add(struct db *, int64_t, int64_t);
int		 favourite_add_quiet(struct db *, int64_t, int64_t, int);
int		 favourite_remove(struct db *, int64_t, int64_t);
int		 favourite_list(struct db *, struct arena *, int64_t, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 favourite_mine(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
/* reaction.c: emoji reactions; 👍 is the favourite (favourites) */
#define REACTION_THUMBS "\xf0\x9f\x91\x8d"	/* 👍 */
struct reaction {		/* one emoji on a post, as the reader sees it */
	const char	*emoji;
	int64_t		 count;
	int		 me;		/* the reader reacted so */
};
struct reaction_toggle {	/* a command's input */
	int64_t		 actor;
	int64_t		 id;		/* the post */
	const char	*emoji;
	int		 add;
};
void		 reaction_config(const char *);
void		 reaction_config_free(void);
size_t		 reaction_offered(void);
const char	*reaction_emoji(size_t);
int		 reaction_index(const char *);
uint32_t	 reaction_mask(const char *);
int		 reaction_add(struct db *, int64_t, int64_t, const char *);
int		 reaction_remove(struct db *, int64_t, int64_t, const char *);
int		 reaction_set(struct db *, void *, char **);
int		 reaction_summary(struct db *, struct arena *, int64_t,
		     int64_t, struct reaction **, size_t *);
int		 reaction_people(struct db *, struct arena *, int64_t, int64_t,
		     const char *, size_t, struct idlist *);
int64_t		 post_target(struct db *, int64_t);

/* bookmark.c: a person's own bookmarks */
int		 bookmark_set(struct db *, void *, char **);
/* tag-follow.c */
struct tag_follow {
	int64_t		 actor;
	char		*name;		/* as asked; lowercased by the command */
	int		 add;
};
int		 tag_follow_set(struct db *, void *, char **);
int		 tag_following(struct db *, int64_t, const char *);
int		 tag_followed(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
const char	*tag_name(struct db *, struct arena *, int64_t);
int		 tag_follow_fanout(struct db *, struct arena *, int64_t, int,
		     const struct markdown *, struct idlist *);
/* suggestion.c */
enum { SUGGEST_DEPARTMENT = 1, SUGGEST_FRIENDS = 2 };
int		 suggestion_list(struct db *, struct arena *, int64_t, int,
		     struct idlist *, struct idlist *);
int		 suggestion_dismiss(struct db *, void *, char **);
/* status-pin.c */
#define STATUS_PINS_MAX 5	/* as Mastodon's default */
int		 status_pin_set(struct db *, void *, char **);
int		 status_pins(struct db *, struct arena *, int64_t, int64_t,
		     struct idlist *);
int		 bookmark_mine(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);

/* reblog.c: boosts (Mastodon's reblogs) */
int		 reblog_set(struct db *, void *, char **);
int		 reblog_possible(struct db *, int64_t);
int64_t		 reblog_find(struct db *, int64_t, int64_t);
int		 reblog_list(struct db *, struct arena *, int64_t, int64_t,
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
	int64_t			 archived_at;	/* 0: not archived */
	const char		*picture_file;	/* a media name, or NULL */
};
int64_t		 group_create(struct db *, int64_t, const char *, const char *,
		     const char *, enum group_visibility, char **);
struct group	*group_get(struct db *, struct arena *, int64_t, int64_t);
struct group	*group_get_any(struct db *, struct arena *, int64_t, int64_t);
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
int		 group_transfer(struct db *, int64_t, int64_t, char **);
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

/* push.c: Web Push subscriptions and their delivery queue */
#define PUSH_NALERTS	12
extern const char *const push_alert_names[PUSH_NALERTS];
struct push_sub {
	int64_t		 id;
	int64_t		 user_id;
	int64_t		 token_id;	/* its owner: a token, */
	int64_t		 session_id;	/* or else a session */
	const char	*endpoint;
	const char	*p256dh;	/* base64url, as the client sent */
	const char	*auth;
	const char	*access_token;	/* the token's secret, for the
					   payload; NULL for a session */
	int		 standard;	/* RFC 8291/8292, or else the legacy
					   drafts (webpush.c) */
	int		 alerts;	/* 1 << index in push_alert_names */
	const char	*policy;	/* all, followed, follower, none */
};
struct push_delivery {
	int64_t		 id;
	int64_t		 subscription_id;
	int64_t		 notification_id;
	int		 attempts;
	int64_t		 created_at;
	const char	*endpoint;
	const char	*p256dh;
	const char	*auth;
	const char	*access_token;
	const char	*type;
	int64_t		 from_id;
	const char	*from_username;
	const char	*from_name;
	const char	*from_avatar;	/* a stored media name, or "" */
	int		 from_outside;
	const char	*spoiler;
	const char	*text;		/* the post's source, or "" */
	int64_t		 post_id;
	int		 standard;	/* aes128gcm; else legacy aesgcm */
};
int		 push_alert_bit(const char *);
int		 push_policy_ok(const char *);
int		 push_subscribe(struct db *, const struct push_sub *, int64_t *);
int		 push_get(struct db *, struct arena *, int64_t, int64_t,
		     struct push_sub *);
int		 push_update(struct db *, int64_t, int64_t, int, const char *);
int		 push_unsubscribe(struct db *, int64_t, int64_t);
int		 push_enqueue(struct db *, int64_t, int64_t, const char *,
		     int64_t);
int		 push_due(struct db *, struct arena *, int64_t, const int64_t *,
		     size_t, struct push_delivery *, int);
int		 push_delivered(struct db *, const struct push_delivery *);
int		 push_retry(struct db *, const struct push_delivery *, int64_t,
		     const char *);
int		 push_gone(struct db *, const struct push_delivery *);
/* group-settings.c: a group's admins change the group itself */
#define GROUP_PINS_MAX 5
#define GROUP_PICTURE_MAX (2 * 1024 * 1024)
enum group_edit_op { GROUP_UPDATE, GROUP_ARCHIVE, GROUP_UNARCHIVE,
    GROUP_PIN, GROUP_UNPIN, GROUP_PICTURE, GROUP_PICTURE_REMOVE };
struct group_edit {
	enum group_edit_op	 op;
	int64_t			 actor;
	int64_t			 group;
	struct group_input	 in;	/* GROUP_UPDATE: group_prepare'd */
	int64_t			 post;	/* GROUP_PIN, GROUP_UNPIN */
	/* GROUP_PICTURE: the upload, stored on a worker first */
	const void		*data;
	size_t			 len;
	const char		*data_dir;
	char			 name[MEDIA_NAME_MAX];	/* once stored */
	char			*cause;	/* why it is no picture */
	const char		*old;	/* the picture it replaces */
};
int		 group_archived(struct db *, int64_t);
int		 group_manage_check(struct db *, int64_t, int64_t, char **);
int		 group_pins(struct db *, struct arena *, int64_t,
		     struct idlist *);
int		 group_pinned(struct db *, int64_t, int64_t);
int		 group_edit_cmd(struct db *, void *, char **);
void		 group_picture_store(void *);

/* poll.c: polls on posts; a poll's id is its post's */
#define POLL_OPTIONS_MAX	20	/* polls.max_options may go this far */
struct poll_spec {		/* a poll as a draft asks for it */
	const char	**options;
	size_t		 noptions;
	int64_t		 expires_in;	/* seconds */
	int		 multiple;
	int		 hide_totals;
};
struct poll {			/* a poll as a reader sees it */
	int64_t		 id;
	int64_t		 author_id;
	const char	*options[POLL_OPTIONS_MAX];
	size_t		 noptions;
	int64_t		 votes[POLL_OPTIONS_MAX];
	int		 mine[POLL_OPTIONS_MAX];	/* the reader chose it */
	int64_t		 votes_count, voters_count;
	int64_t		 expires_at;
	int		 multiple, hide_totals, ended;
	int		 expired;	/* ended, or past expires_at */
	int		 voted;		/* the reader voted (or wrote it) */
	int		 totals_shown;	/* hide_totals does not hide them */
};
struct poll_vote {		/* POST /api/v1/polls/:id/votes */
	int64_t		 actor;
	int64_t		 id;
	int		 choices[POLL_OPTIONS_MAX];
	size_t		 n;
};
/* card-saved.c: the web's cards kept over a restart (schema 0028) */
struct card_row {
	int64_t		 key;
	uint64_t	 tag;
	uint64_t	 build;
	int64_t		 expires_at;
	const void	*mark;
	size_t		 mark_len;
	const void	*html;
	size_t		 len;
};
int		 card_saved_clear(struct db *);
int		 card_saved_put(struct db *, const struct card_row *);
int64_t		 card_saved_each(struct db *, uint64_t, int64_t,
		     int (*)(const struct card_row *, void *), void *);
int		 poll_exists(struct db *, int64_t);
int		 poll_check(const struct poll_spec *, const struct config *,
		     char *, size_t);
int		 poll_save(struct db *, int64_t, const struct poll_spec *);
int		 poll_get(struct db *, struct arena *, int64_t, int64_t,
		     struct poll *);
int		 poll_vote_cmd(struct db *, void *, char **);
size_t		 poll_due(struct db *, int64_t, int64_t *, size_t);
int		 poll_end(struct db *, int64_t);
json_t		*entity_poll(struct ectx *, int64_t);

/* notify-group.c: which notifications group (the web and /api/v2) */
#define NOTIFY_GROUP_SPAN	86400	/* a group's bucket: a day, UTC */
struct notify_grouping {
	const char	*type;
	int		 by_post;	/* one group per post */
};
struct notify_item {		/* one notification's row */
	int64_t		 id, from, post, created_at;
	const char	*type;
};
const struct notify_grouping *notify_grouping(const char *);
int		 notify_row(struct db *, struct arena *, int64_t,
		     struct notify_item *);
const char	*notify_group_key(struct arena *, const struct notify_item *,
		     const char **, size_t);
int		 notify_group_list(struct db *, struct arena *, int64_t,
		     const char *, int64_t, size_t, struct idlist *);
int		 notify_group_dismiss(struct db *, int64_t, const char *);

/* notify.c */
int		 notify_label_add(const char *, const char *);
const char	*notify_label(const char *);
int		 notify_add_own(struct db *, int64_t, const char *, int64_t);
int		 notify_add(struct db *, int64_t, const char *, int64_t,
		     int64_t, int64_t);
int		 notify_add_emoji(struct db *, int64_t, const char *, int64_t,
		     int64_t, int64_t, const char *);
#define NOTIFY_REACTION	"pleroma:emoji_reaction"	/* Pleroma's name */
int		 notify_list(struct db *, struct arena *, int64_t,
		     const struct page *, const char **, size_t, const char **,
		     size_t, struct idlist *);
int		 notify_dismiss(struct db *, int64_t, int64_t);
int		 notify_clear(struct db *, int64_t);
/* the unread count: what is remembered (and the badge's "99+"), at most */
#define NOTIFY_UNREAD_MEMO	100
#define NOTIFY_UNREAD_MAX	1000
int64_t		 notify_unread(struct db *, int64_t, int64_t, int);
int		 notify_label_at(size_t, const char **, const char **);
int		 marker_set(struct db *, int64_t, const char *, int64_t);
int		 marker_get(struct db *, int64_t, const char *, int64_t *,
		     int64_t *, int64_t *);

/* notify-prefs.c: per kind, web and e-mail digest; the digest's rhythm */
struct notify_kind {
	const char	*kind;		/* the notification type */
	const char	*label;		/* "Mentions and replies" */
};
const struct notify_kind *notify_kind_at(size_t, struct notify_kind *);
int		 notify_kind_known(const char *);
int		 notify_pref_get(struct db *, int64_t, const char *, int *, int *);
int		 notify_pref_set(struct db *, int64_t, const char *, int, int);
int		 notify_web_off(struct db *, struct arena *, int64_t,
		     const char ***, size_t *);
int		 digest_get(struct db *, int64_t, const char **, int64_t *,
		     int64_t *);
int		 digest_set_frequency(struct db *, int64_t, const char *);
int		 digest_mark_sent(struct db *, int64_t, int64_t, int64_t);
int		 digest_due(struct db *, struct arena *, int64_t, struct idlist *);
char		*notify_excerpt(struct arena *, const char *, size_t);
char		*notify_post_excerpt(struct db *, struct arena *, int64_t, size_t);

/* digest.c: the e-mail digest of what a person missed */
struct digest {
	char		*to_addr;
	char		*message;	/* composed, CRLF lines (malloc'd) */
	int64_t		 last_id;	/* the newest notification in it */
	int		 count;
};
int		 digest_build(struct db *, const struct config *, int64_t,
		     int64_t, struct digest *, char **);
void		 digest_free(struct digest *);
int		 digest_run(struct db *, const struct config *, int64_t, int64_t,
		     void (*)(int64_t, int64_t, void *), void *);

/* demo.c */
int		 demo_seed(struct db *, const struct config *, const char *,
		     char **);
const char	*demo_people(size_t, int *);

/* locale.c */
int		 user_locale_set(struct db *, int64_t, const char *,
		     const char *, char **);

/* feed.c */
#define FEED_CAP 800
void		 feed_init(size_t);
size_t		 feed_size_max(void);
void		 feed_free(void);
int		 feed_read(int64_t, const struct page *, struct arena *,
		     struct idlist *);
int		 feed_begin(int64_t);
void		 feed_fill(int64_t, const struct idlist *, int);
void		 feed_fill_seen(int64_t, const struct idlist *, int, int64_t);
void		 feed_push(const struct idlist *, int64_t);
void		 feed_forget_after(struct db *, int64_t);
void		 feed_forget(int64_t);
void		 feed_stats(struct cache_stats *);
typedef void	 (*feed_each_fn)(int64_t, const int64_t *, int, int, void *);
void		 feed_each(feed_each_fn, void *);
int		 feed_cached(int64_t);

/* prewarm.c */
int		 prewarm_hold(const char *);
int		 prewarm_start(const char *, int, size_t);
void		 prewarm_stop(void);

/* feed-save.c */
int		 feed_save_all(struct db *);
int64_t		 feed_posts_through(struct db *);
int		 feed_saved_get(struct db *, struct arena *, int64_t,
		     struct idlist *, int *, int64_t *);

/* timeline.c */
enum account_filter { AF_ALL = 0, AF_NO_REPLIES = 1, AF_PINNED = 2,
    AF_NO_REBLOGS = 4 };
/* Each fills a whole page (page-fill.c); cursors (or NULL) get the ids
 * its Link header names. */
int		 timeline_home(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 timeline_company(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 timeline_tag(struct db *, struct arena *, int64_t, const char *,
		     const struct page *, struct idlist *, struct idlist *);
int		 timeline_group(struct db *, struct arena *, int64_t, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 timeline_outside(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 timeline_account(struct db *, struct arena *, int64_t, int64_t,
		     int, const struct page *, struct idlist *, struct idlist *);

/* conversation.c */
int		 timeline_direct(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *);
int		 conversation_post_added(struct db *, struct arena *, int64_t,
		     const struct idlist *);
int		 conversation_post_gone(struct db *, struct arena *, int64_t,
		     int64_t);
int		 conversation_post_edited(struct db *, struct arena *, int64_t,
		     const struct idlist *);
int		 conversation_list(struct db *, struct arena *, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 conversation_read_set(struct db *, void *, char **);
int		 conversation_remove(struct db *, void *, char **);
int		 conversation_unread(struct db *, struct arena *, int64_t, int,
		     struct idlist *);
struct conversations_read {	/* a command's input */
	int64_t		 user;
	struct idlist	 ids;
};
int		 conversations_read(struct db *, void *, char **);

/* conversation-entity.c */
json_t		*entity_conversation(struct ectx *, int64_t);
json_t		*entity_conversations(struct ectx *, const struct idlist *);

/* thread-mute.c */
int		 thread_muted(struct db *, int64_t, int64_t);
int		 thread_mutes_any(struct db *, int64_t);
int		 thread_mute_set(struct db *, void *, char **);

/* draft.c: a post kept while a gate refused it (one per person) */
struct draft {
	int64_t		 user_id;
	const char	*status;
	const char	*spoiler_text;
	const char	*visibility;	/* as the form sent it, or "" */
	int64_t		 group_id;	/* 0: none */
	int64_t		 saved_at;
	const int64_t	*media_ids;	/* the uploads it keeps, in order */
	const char *const *media_desc;	/* their descriptions, or NULLs */
	size_t		 nmedia;
};
int		 draft_save_cmd(struct db *, void *, char **);
int		 draft_delete_cmd(struct db *, void *, char **);
int		 draft_get(struct db *, struct arena *, int64_t, struct draft *);
int		 draft_release(struct db *, int64_t);

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
int		 search_names_outside(const char *);
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
int		 trend_posts(struct db *, struct arena *, int64_t, int, int,
		     struct idlist *);

/* thread.c */
struct thread_link {
	int64_t		 id;
	int64_t		 parent;	/* 0: none */
	const char	*parent_author;	/* username, "" if unknown */
	int		 depth;		/* 1: a reply to the thread's post */
	int		 orphan;	/* its parent is not listed */
};
int		 thread_links(struct db *, struct arena *, int64_t,
		     const struct idlist *, struct thread_link **);

/* welcome.c */
#define WELCOME_FOLLOWS	3	/* colleagues followed: the step is done */
#define WELCOME_GROUPS	3	/* groups joined, the company-wide one aside */
#define WELCOME_DAYS	30	/* the checklist is for accounts this new */
struct welcome {
	int		 avatar, title, follows, groups, posted; /* done */
	int		 done;		/* how many of the five */
	int		 dismissed;
	int		 newcomer;	/* made in the last WELCOME_DAYS */
	int64_t		 nfollows, ngroups;
};
int		 welcome_state(struct db *, const struct user *,
		     struct welcome *);
int		 welcome_people(struct db *, struct arena *,
		     const struct user *, int, struct idlist *);
int		 welcome_groups(struct db *, struct arena *, int64_t, int,
		     struct idlist *);
int		 welcome_dismiss_cmd(struct db *, void *, char **);
int64_t		 group_default_id(struct db *);
int		 group_default_join(struct db *, int64_t);
int		 group_default_setup(struct db *, const char *, char **);

/* instance.c */
struct instance_stats {
	int64_t		 users;
	int64_t		 posts;
	int64_t		 active_month;
	int64_t		 active_halfyear;
};
int		 instance_stats(struct db *, int64_t, struct instance_stats *);

/* backlog.c: the database's job queues, for the metrics */
struct backlog {
	const char	*queue;		/* push, scheduled, media, polls */
	int64_t		 waiting;
	int64_t		 due;		/* of them, due by now */
};
#define BACKLOG_MAX	8
size_t		 backlog_counts(struct db *, int64_t, struct backlog *, size_t);

/* list.c: a person's lists of people they follow (Mastodon's) */
#define LIST_TITLE_MAX		256	/* characters */
#define LIST_PER_USER_MAX	50	/* as Mastodon's */
#define LIST_ACCOUNTS_MAX	40	/* account_ids in one request */
#define LIST_MEMBERS_ALL	1000	/* limit=0: "all" of a list's members */
enum { LIST_REPLIES_FOLLOWED, LIST_REPLIES_LIST, LIST_REPLIES_NONE };
struct list {
	int64_t		 id;
	int64_t		 user_id;
	const char	*title;
	int		 replies_policy;
	int		 exclusive;
};
struct list_edit {		/* creating, changing or filling a list */
	int64_t		 id;
	int64_t		 user_id;
	const char	*title;
	int		 replies_policy;
	int		 exclusive;
	int64_t		*accounts;
	size_t		 naccounts;
	char		 cause[160];
};
const char	*list_policy_name(int);
int		 list_policy_named(const char *);
int		 list_create_cmd(struct db *, void *, char **);
int		 list_update_cmd(struct db *, void *, char **);
int		 list_delete_cmd(struct db *, void *, char **);
int		 list_add_cmd(struct db *, void *, char **);
int		 list_remove_cmd(struct db *, void *, char **);
struct list	*list_get(struct db *, struct arena *, int64_t, int64_t);
int		 list_all(struct db *, struct arena *, int64_t, int64_t,
		     struct list **, size_t *);
int		 list_members(struct db *, struct arena *, int64_t, int64_t,
		     const struct page *, struct idlist *);
int		 timeline_list(struct db *, struct arena *, int64_t, int64_t,
		     const struct page *, struct idlist *, struct idlist *);
int		 list_exclusive_members(struct db *, struct arena *, int64_t,
		     struct idlist *);
int		 list_holding(struct db *, struct arena *, int64_t,
		     struct idlist *);
int		 list_streams_post(struct db *, int64_t, int64_t,
		     const struct post *);

/* filter.c: a person's filters (Mastodon's v2), applied server-side */
#define FILTER_TITLE_MAX	256	/* characters */
#define FILTER_KEYWORD_MAX	512
#define FILTER_PER_USER_MAX	100
#define FILTER_KEYWORDS_MAX	100	/* keywords_attributes in one request */
#define FC_HOME			0x01	/* contexts, as Mastodon names them */
#define FC_NOTIFICATIONS	0x02
#define FC_PUBLIC		0x04
#define FC_THREAD		0x08
#define FC_ACCOUNT		0x10
#define FC_HOME_FEED		(0x100 | FC_HOME)	/* home itself: exclusive
							   lists apply too */
enum { FILTER_WARN, FILTER_HIDE, FILTER_BLUR };
struct filter_keyword {
	int64_t		 id;
	const char	*keyword;
	int		 whole_word;
};
struct filter_status {
	int64_t		 id;
	int64_t		 status_id;
};
struct filter {
	int64_t		 id;
	int64_t		 user_id;
	const char	*title;
	int		 contexts;	/* FC_* bits */
	int		 action;
	int64_t		 expires_at;	/* 0: never */
	struct filter_keyword *keywords;
	size_t		 nkeywords;
	struct filter_status *statuses;
	size_t		 nstatuses;
};
struct filter_keyword_edit {
	int64_t		 id;		/* 0: a new one */
	const char	*keyword;
	int		 whole_word;
	int		 destroy;
};
struct filter_edit {		/* a filter, keyword or status written */
	int64_t		 id;		/* the filter */
	int64_t		 user_id;
	const char	*title;
	int		 contexts;
	int		 action;
	int64_t		 expires_at;	/* 0: never */
	struct filter_keyword_edit *keywords;
	size_t		 nkeywords;
	int64_t		 status_id;	/* filter_status_cmd */
	int64_t		 rule_id;	/* out: the keyword or status row */
	int		 destroy;
};
/* filter-stale.c */
uint64_t	 filter_generation(void);
void		 filter_changed(struct db *, int64_t);
void		 filter_stale(struct db *);
/* filter.c */
int		 filter_context_named(const char *);
json_t		*filter_contexts_json(int);
const char	*filter_action_name(int);
int		 filter_action_named(const char *);
int		 filter_create_cmd(struct db *, void *, char **);
int		 filter_update_cmd(struct db *, void *, char **);
int		 filter_delete_cmd(struct db *, void *, char **);
int		 filter_keyword_cmd(struct db *, void *, char **);
int		 filter_status_cmd(struct db *, void *, char **);
struct filter	*filter_get(struct db *, struct arena *, int64_t, int64_t);
int		 filter_all(struct db *, struct arena *, int64_t,
		     struct filter **, size_t *);
int64_t		 filter_keyword_owner(struct db *, int64_t, int64_t);
int64_t		 filter_status_owner(struct db *, int64_t, int64_t);
json_t		*filter_json(struct arena *, const struct filter *, int);
json_t		*filter_keyword_json(struct arena *,
		     const struct filter_keyword *);
json_t		*filter_status_json(struct arena *, const struct filter_status *);
json_t		*filter_results(struct db *, struct arena *, int64_t, int,
		     int64_t, int *);
int		 filter_hides(struct db *, struct arena *, int64_t, int,
		     int64_t);
void		 filter_drop(struct db *, struct arena *, int64_t, int,
		     struct idlist *);
int		 filter_json_hides(json_t *);
int		 filter_active(struct db *, struct arena *, int64_t, int);
int		 filter_v1_update_cmd(struct db *, void *, char **);
int		 filter_v1_delete_cmd(struct db *, void *, char **);
json_t		*filter_v1_json(struct arena *, const struct filter *,
		     const struct filter_keyword *);

#endif
