/*
 * bridge.h: what the files of the bridge module share. The bridge
 * federates the posts employees chose to share and the desk approved over
 * ActivityPub, on a public listener of its own, and nothing else; see
 * docs/bridge.md. Files, one concern each:
 *   bridge.c	the module: config, hooks, route tables, start and stop
 *   store.c	the migrations, and the actors (opted-in people) and desk
 *   outside.c	a post as the outside sees it: Note, HTML, Create/Update
 *   optin.c	becoming visible outside and leaving; held followers
 *   share.c	choosing a post for the outside, and withdrawing it
 *   desk.c	the approval desk: queue, decisions, their record
 *   deliver.c	the delivery queue: rows, workers, back-off, hosts
 *   remote.c	remote actors and their keys, fetched and checked
 *   follow.c	employees following accounts outside
 *   inbox.c	inbound activities: signatures, Follow, Undo, Delete
 *   public.c	the public listener's routes: WebFinger, NodeInfo, actors,
 *		outboxes, posts and their HTML pages
 *   web.c	the internal pages: settings, the desk, the queue
 *   api.c	the Mastodon API extensions
 *   ctl.c	hearthctl bridge ...
 *   httpsig.c, fetch.c, netguard.c: signatures, outbound HTTP, SSRF rules
 */
#ifndef BRIDGE_H
#define BRIDGE_H

#include <hearth/module.h>

#include "fetch.h"
#include "httpsig.h"

#define BR_BIO_MAX		500	/* characters of an outside bio */
#define BR_NOTE_MAX		2000	/* characters of a desk note */
#define BR_ACTIVITY_MAX		(256 * 1024)	/* bytes of a fetched object */
#define BR_KEY_TTL		(24 * 3600)	/* a remote key is refetched */
#define BR_KEY_REFETCH		60	/* ... or, failing, after this long */
#define BR_CLAIM_MAX		64	/* deliveries claimed at once */
#define BR_JSON_DEPTH		32	/* an inbound activity's nesting */

extern const struct hearth_api	*br_api;
extern struct hm_module		*br_self;

/* The configuration, read once at load. */
struct br_config {
	char		*base;		/* public origin, no trailing '/' */
	char		*host;		/* its host[:port], as in acct: */
	char		*scheme;	/* "https" or "http" */
	int		 desk;		/* approval = desk */
	int		 allow_loopback;	/* tests only */
	long		 retry_for;	/* seconds a delivery is retried */
	int		 max_total;	/* deliveries in flight */
	int		 max_per_host;
	int		 allowlist;	/* mode = allowlist */
	double		 rate_host;	/* inbox activities a second, each */
	double		 rate_actor;
	int		 follow;	/* who may follow outside: BR_FOLLOW_ */
};
#define BR_FOLLOW_EVERYONE	0
#define BR_FOLLOW_OPTED_IN	1
#define BR_FOLLOW_NOBODY	2
extern struct br_config	 br_conf;

/* An opted-in person: their actor outside. Strings malloc'ed. */
struct br_actor {
	int64_t		 user_id;
	char		*username;
	char		*display_name;
	char		*bio;		/* Markdown, written for outside */
	char		*private_key;	/* PEM */
	char		*public_key;
	int		 approve_followers;
	int64_t		 enabled_at;
	int64_t		 disabled_at;	/* opted out: 0 if not */
	char		*avatar_path;
	char		*avatar_type;
};

/* bridge.c */
int		 br_truthy(const char *);
char		*br_printf(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
char		*br_actor_url(const char *);
char		*br_note_url(const char *, int64_t);
const char	*br_iso(struct hm_req *, int64_t);
void		 br_iso_buf(int64_t, char *, size_t);
int		 br_is_desk(struct hm_db *, int64_t);
struct fetcher	*br_fetcher_hold(void);
struct fetcher	*br_key_fetcher_hold(void);
struct fetcher	*br_media_fetcher_hold(void);
void		 br_fetcher_release(void);
void		 br_kick(void);
void		 br_kick_taken(void);

/* store.c */
#define BR_NMIGRATIONS	8
extern const struct hm_migration br_migrations[BR_NMIGRATIONS];
int		 br_actor_get(struct hm_db *, int64_t, const char *,
		     struct br_actor *);
void		 br_actor_free(struct br_actor *);
int		 br_actor_enable(struct hm_db *, int64_t, int64_t, char **);
int		 br_actor_disable(struct hm_db *, int64_t, char **);
int		 br_actor_set(struct hm_db *, int64_t, const char *, int,
		     char **);
int		 br_desk_add(struct hm_db *, int64_t, int64_t);
int		 br_desk_remove(struct hm_db *, int64_t);
int		 br_instance_key(struct hm_db *, char **, char **);
void		 br_instance_ensure(struct hm_db *);
int64_t		 br_now(void);
const char	*br_col(struct hm_stmt *, int);
size_t		 br_chars(const char *);

/* outside.c */
struct br_note {
	char		*id;		/* the Note's URL */
	char		*html;		/* content */
	char		*summary;	/* content warning, or NULL */
	json_t		*tags;		/* Hashtag and Mention objects */
};
int		 br_note_render(struct hm_db *, const struct br_actor *,
		     const struct hm_post_info *, struct br_note *);
void		 br_note_free(struct br_note *);
json_t		*br_note_json(struct hm_db *, const struct br_actor *,
		     int64_t, const char *, const char *, json_t *, const char *,
		     int64_t, int64_t);
int		 br_reply_of(struct hm_db *, int64_t, char **, char **,
		     char **);
int		 br_is_outside(struct hm_db *, int64_t);
json_t		*br_actor_json(const struct br_actor *);
json_t		*br_activity(const char *, const char *, const char *,
		     json_t *);

/* optin.c */
int		 br_opt_in(struct hm_db *, int64_t, int64_t, char **);
int		 br_opt_out(struct hm_db *, int64_t, char **);
int		 br_follower_decide(struct hm_db *, int64_t, int64_t, int,
		     char **);

/* share.c */
const char	*br_share_refusal(struct hm_db *, const struct hm_post_info *);
int		 br_share_request(struct hm_db *, int64_t, int64_t, char **);
int		 br_share_withdraw(struct hm_db *, int64_t, int64_t, char **);
int		 br_before_post(struct hm_req *, const char *,
		     struct hm_refusal *);
void		 br_after_post(struct hm_db *, const struct hm_post_event *);
void		 br_after_post_edit(struct hm_db *,
		     const struct hm_post_event *);
void		 br_after_post_delete(struct hm_db *, int64_t, int64_t);

/* desk.c */
int		 br_desk_decide(struct hm_db *, int64_t, int64_t, int,
		     const char *, char **);
int		 br_publish_now(struct hm_db *, int64_t, int64_t, char **);

/* mention.c */
char		*br_mention_actor(struct hm_db *, const char *);
int		 br_mentions_pending(struct hm_db *, const char *);
int		 br_publish(struct hm_db *, int64_t, int64_t, char **);
void		 br_mention_job(struct hm_db *, int);
int		 br_deliver_mentioned(struct hm_db *, int64_t, json_t *);
json_t		*br_queue_json(struct hm_db *, struct hm_req *, int);
json_t		*br_decisions_json(struct hm_db *, struct hm_req *, int);
int64_t		 br_queue_count(struct hm_db *);

/* deliver.c */
int64_t		 br_activity_add(struct hm_db *, int64_t, const char *,
		     int64_t, json_t *);
int		 br_delivery_add(struct hm_db *, int64_t, const char *);
int		 br_deliver_replied(struct hm_db *, int64_t, int64_t);
int		 br_deliver_followers(struct hm_db *, int64_t, int64_t);
char		**br_signed_headers(const char *, const char *, const char *,
		     const char *, const char *);
void		 br_deliver_start(void);
void		 br_deliver_stop(void);
void		 br_deliver_job(struct hm_db *, void *);
json_t		*br_deliveries_json(struct hm_db *);
void		 br_deliveries_print(struct hm_db *);

/* remote.c */
struct br_remote {
	char		*id;
	char		*key_id;
	char		*public_key;
	char		*inbox;
	char		*shared_inbox;
	char		*username;
	char		*host;
	char		*name;		/* as sent: plain text, capped */
	char		*summary;	/* as sent: HTML, capped */
	char		*url;		/* their profile page, http(s) */
	char		*outbox;	/* on their host, or NULL */
	char		*icon;		/* their avatar's URL, or NULL */
};
void		 br_remote_free(struct br_remote *);
int		 br_remote_by_key(struct hm_db *, const char *,
		     struct br_remote *, int64_t *);
int		 br_remote_save(struct hm_db *, const struct br_remote *);
typedef void	 (*br_remote_fn)(void *, struct br_remote *, const char *);
void		 br_remote_fetch_key(struct fetcher *, const char *, br_remote_fn,
		     void *);
void		 br_remote_fetch_actor(struct fetcher *, const char *,
		     br_remote_fn, void *);
char		*br_host_of(const char *);
int		 br_ap_type(const char *);
void		 br_instance_key_set(const char *);
int		 br_same_host(const char *, const char *);
const char	*br_json_str(json_t *, const char *);
const char	*br_json_id(json_t *);
int		 br_local_actor(struct hm_db *, const char *,
		     struct br_actor *);
char		**br_sign_get(void *, const char *, const char *);

/* policy.c */
int		 br_policy_valid(const char *);
char		*br_domain_norm(const char *);
char		*br_domain_policy(struct hm_db *, const char *);
const char	*br_policy_refusal(struct hm_db *, const char *);
int		 br_policy_silenced(struct hm_db *, const char *);
int		 br_policy_blocks_host(struct hm_db *, const char *);
int		 br_domain_set(struct hm_db *, const char *, const char *,
		     const char *, int64_t, char **);
int		 br_actor_block(struct hm_db *, const char *, int, int64_t,
		     char **);
int		 br_rate_check(const char *, const char *);
int		 br_json_depth_ok(const char *, size_t, int);
int		 br_web_domains(struct hm_req *);
int		 br_web_domains_save(struct hm_req *);

/* forward.c */
int64_t		 br_forward(struct hm_db *, int64_t, int64_t, int64_t,
		     const char *, int, char **);
void		 br_forward_routes(struct hm_db *, int64_t, int64_t);
int		 br_web_forward(struct hm_req *);
int		 br_ctl_route(struct hm_db *, int, char **);

/* report.c */
void		 br_desk_notify(struct hm_db *, const char *, int64_t, int64_t);
int		 br_report_add(struct hm_db *, int64_t, int64_t, const char *,
		     char **);
int		 br_report_resolve(struct hm_db *, int64_t, int64_t,
		     const char *, char **);
json_t		*br_reports_json(struct hm_db *, struct hm_req *, int, int);
int64_t		 br_reports_open(struct hm_db *);
int		 br_web_report(struct hm_req *);
int		 br_web_reports(struct hm_req *);
int		 br_web_resolve(struct hm_req *);
int		 br_api_reports(struct hm_req *);
int64_t		 br_route_id(struct hm_req *);
int		 br_web_desk_only(struct hm_req *);
int		 br_api_desk_only(struct hm_req *);
json_t		*br_outside_view(struct hm_req *, int64_t, const char *);

/* inbound.c */
int64_t		 br_account_save(struct hm_db *, const struct br_remote *,
		     char **);
#define BR_NOTE_CREATE	0	/* sent to the inbox */
#define BR_NOTE_UPDATE	1
#define BR_NOTE_RECENT	2	/* from a profile's outbox, when looked up */
int		 br_in_note(struct hm_db *, const struct br_remote *, json_t *,
		     int, char **);
int		 br_in_delete_object(struct hm_db *, const struct br_remote *,
		     const char *, char **);
int		 br_in_react(struct hm_db *, const struct br_remote *, json_t *,
		     int, char **);
int		 br_in_undo_react(struct hm_db *, const struct br_remote *,
		     json_t *);

/* avatar.c */
const char	*br_icon_url(json_t *);
void		 br_avatar_want(struct hm_db *, int64_t, const char *);
void		 br_avatar_job(struct hm_db *, struct fetcher *, int);

/* follow.c */
/* A lookup's outcome, on the fetch thread: the actor, or why not. */
typedef void	 (*br_lookup_fn)(void *, struct br_remote *, const char *);
int		 br_lookup(struct fetcher *, const char *, br_lookup_fn,
		     void *);
int		 br_follow_request(struct hm_db *, int64_t, const char *,
		     char **);
int		 br_resolve(struct hm_req *, const char *,
		     void (*)(struct hm_req *, void *), void *);
int		 br_before_follow(struct hm_req *, int64_t,
		     struct hm_refusal *);
void		 br_after_follow(struct hm_db *, int64_t, int64_t);
void		 br_after_unfollow(struct hm_db *, int64_t, int64_t);
void		 br_follow_job(struct hm_db *, int);
int		 br_follow_answer(struct hm_db *, const char *, const char *,
		     int);
int		 br_followed(struct hm_db *, const char *);

/* inbox.c */
int		 br_inbox(struct hm_req *);

/* public.c */
int		 br_pub_webfinger(struct hm_req *);
int		 br_pub_host_meta(struct hm_req *);
int		 br_pub_nodeinfo_links(struct hm_req *);
int		 br_pub_nodeinfo(struct hm_req *);
int		 br_pub_home(struct hm_req *);
int		 br_pub_css(struct hm_req *);
int		 br_pub_instance_actor(struct hm_req *);
int		 br_pub_actor(struct hm_req *);
int		 br_pub_outbox(struct hm_req *);
int		 br_pub_followers(struct hm_req *);
int		 br_pub_following(struct hm_req *);
int		 br_pub_avatar(struct hm_req *);
int		 br_pub_media(struct hm_req *);
int		 br_pub_note(struct hm_req *);
int		 br_pub_create(struct hm_req *);
int		 br_pub_profile(struct hm_req *);
int		 br_pub_post(struct hm_req *);
int		 br_pub_tag(struct hm_req *);

/* web.c */
int		 br_web_settings(struct hm_req *);
int		 br_web_settings_save(struct hm_req *);
int		 br_web_desk(struct hm_req *);
int		 br_web_desk_decide(struct hm_req *);
int		 br_web_history(struct hm_req *);
int		 br_web_queue(struct hm_req *);
int		 br_web_share(struct hm_req *);

/* api.c */
int		 br_api_share(struct hm_req *);
int		 br_api_unshare(struct hm_req *);
int		 br_api_queue(struct hm_req *);
int		 br_api_decide(struct hm_req *);
int		 br_api_decisions(struct hm_req *);
int		 br_api_deliveries(struct hm_req *);

/* ctl.c */
int		 br_ctl_enable(struct hm_db *, int, char **);
int		 br_ctl_disable(struct hm_db *, int, char **);
int		 br_ctl_desk(struct hm_db *, int, char **);
int		 br_ctl_queue(struct hm_db *, int, char **);
int		 br_ctl_shares(struct hm_db *, int, char **);
int		 br_ctl_follow(struct hm_db *, int, char **);
int		 br_ctl_following(struct hm_db *, int, char **);
int		 br_ctl_unfollow(struct hm_db *, int, char **);
int		 br_ctl_domain(struct hm_db *, int, char **);
int		 br_ctl_actor(struct hm_db *, int, char **);

#endif
