/*
 * bridge.c: the bridge module itself: its config keys, route tables (the
 * internal listener's and the public one's), hooks, notification words,
 * and its start and stop. Everything the fediverse sees comes through
 * bridge.listen; the internal listener serves only the employees' pages
 * and API (never an inbox).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bridge.h"

#define A	br_api

const struct hearth_api	*br_api;
struct hm_module	*br_self;
struct br_config	 br_conf;

/* The outbound client: set at start, taken away at stop. Threads that
 * submit (the writer's jobs, the loops' inbox) hold it read-locked while
 * they use it, so that stop never frees it under them; the fetch thread's
 * own callbacks use the pointer they were given. */
static pthread_rwlock_t	 fetch_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct fetcher	*fetcher;
/* A second client for the GETs an outside request or a lookup causes
 * (keys, actors, WebFinger): its own small budget and a shorter timeout,
 * so that senders pointing hearth at servers that never answer cannot
 * take the deliveries' slots. */
static struct fetcher	*key_fetcher;
/* A third for the pictures of outside accounts (avatar.c): larger bodies,
 * a few at a time; its thread also makes them into pixels again. */
static struct fetcher	*media_fetcher;

/* Whether a form, JSON or config value means yes. */
int
br_truthy(const char *v)
{
	return v != NULL && (strcmp(v, "1") == 0 || strcasecmp(v, "true") ==
	    0 || strcasecmp(v, "on") == 0 || strcasecmp(v, "yes") == 0);
}

/* printf into a new string. */
char *
br_printf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	return s;
}

/* A person's actor id outside: BASE/users/NAME (malloc'ed). */
char *
br_actor_url(const char *username)
{
	return br_printf("%s/users/%s", br_conf.base, username);
}

/* A shared post's Note id: BASE/users/NAME/statuses/ID (malloc'ed). */
char *
br_note_url(const char *username, int64_t id)
{
	return br_printf("%s/users/%s/statuses/%lld", br_conf.base, username,
	    (long long)id);
}

/* ISO 8601 of a time, into buf. */
void
br_iso_buf(int64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ISO 8601, for a request. */
const char *
br_iso(struct hm_req *r, int64_t t)
{
	char	buf[32];

	br_iso_buf(t, buf, sizeof buf);
	return A->req_strdup(r, buf);
}

/* Hold the outbound client (NULL before start, after stop and in
 * hearthctl); br_fetcher_release after use, whatever it was. */
struct fetcher *
br_fetcher_hold(void)
{
	pthread_rwlock_rdlock(&fetch_lock);
	return fetcher;
}

/* The same, for the media client (avatars). */
struct fetcher *
br_media_fetcher_hold(void)
{
	pthread_rwlock_rdlock(&fetch_lock);
	return media_fetcher;
}

/* The same, for the keys' and lookups' client. */
struct fetcher *
br_key_fetcher_hold(void)
{
	pthread_rwlock_rdlock(&fetch_lock);
	return key_fetcher;
}

void
br_fetcher_release(void)
{
	pthread_rwlock_unlock(&fetch_lock);
}

/*
 * Deliver what is due now rather than at the next tick. Every delivery's
 * outcome kicks, a thousand in a second during a fan-out: one queued run
 * takes them all, so kicks made while one waits add nothing (each run
 * would claim again and commit, and its completion wake a loop).
 */
static atomic_int	 kick_queued;

void
br_kick(void)
{
	if (atomic_exchange(&kick_queued, 1) != 0)
		return;
	if (A->job_now(br_self, br_deliver_job, NULL) != 0)
		atomic_store(&kick_queued, 0);
}

/* A run starts: what is kicked from now on needs a run of its own (this
 * one may have taken the outcomes already). */
void
br_kick_taken(void)
{
	atomic_store(&kick_queued, 0);
}

/* Composer: offer "Share outside" to people visible outside. */
static int
br_composer_option(struct hm_req *r, struct hm_post_option *o)
{
	struct br_actor	 a;
	int		 yes;

	if (A->req_user(r) == 0 ||
	    br_actor_get(A->req_db(r), A->req_user(r), NULL, &a) != 0)
		return 0;
	yes = a.disabled_at == 0;
	br_actor_free(&a);
	if (!yes)
		return 0;
	o->name = "share_outside";
	o->label = "Share outside the company";
	o->hint = br_conf.desk ? "Public posts only; the communications desk "
	    "approves it before it leaves." : "Public posts only; it goes out "
	    "to your followers on the fediverse.";
	return 1;
}

/* The Share outside tool: for people visible outside. */
static int
br_post_tools_for(struct hm_req *r)
{
	struct br_actor	 a;
	int		 yes;

	if (br_actor_get(A->req_db(r), A->req_user(r), NULL, &a) != 0)
		return 0;
	yes = a.disabled_at == 0;
	br_actor_free(&a);
	return yes;
}

/* Settings: a link to the bridge's own settings page. */
static int
br_settings_panel(struct hm_req *r, struct hm_fragment *f)
{
	f->text = "Visible outside the company (the fediverse bridge)";
	f->href = "/settings/bridge";
	f->label = "Outside";
	return 1;
}

/* Admin console (ABI 1.5): the bridge's tab, current on every bridge
 * page: the desk for admins on it, else the domains admins manage. */
static int
br_admin_tab(struct hm_req *r, struct hm_fragment *f)
{
	f->href = br_conf.desk && br_is_desk(A->req_db(r), A->req_user(r)) ?
	    "/bridge/desk" : "/bridge/domains";
	f->label = "Bridge";
	f->text = "/bridge";
	return 1;
}

/* Navigation: the desk, for its members, with what waits. */
static int
br_nav_item(struct hm_req *r, struct hm_fragment *f)
{
	int64_t	n;

	if (!br_conf.desk || !br_is_desk(A->req_db(r), A->req_user(r))) {
		/* everyone else: the people outside they follow */
		if (br_conf.follow == BR_FOLLOW_NOBODY)
			return 0;
		f->text = NULL;
		f->href = "/outside";
		f->label = "Outside";
		return 1;
	}
	n = br_queue_count(A->req_db(r));
	f->text = NULL;
	f->href = "/bridge/desk";
	f->label = n > 0 ? A->format(r, A->tr(r, "Desk ({n})"), "n",
	    A->req_printf(r, "%lld", (long long)n), NULL) : "Desk";
	return 1;
}

/* hearthd serves: the outbound client, and the queue's worker. */
static void
br_start(void)
{
	struct fetch_config	 fc;
	char			*cause = NULL;

	/* Loudly, once hearthd serves (not on every hearthctl command). */
	if (br_conf.allow_loopback)
		A->log(br_self, HM_LOG_WARN, "bridge.allow_private_addresses "
		    "= yes: outbound requests may reach loopback (127.0.0.0/8, "
		    "::1). This is for tests only; never on a real server.");
	memset(&fc, 0, sizeof fc);
	fc.allow_loopback = br_conf.allow_loopback;
	fc.max_total = br_conf.max_total;
	fc.max_per_host = br_conf.max_per_host;
	fc.connect_timeout_ms = 5000;
	fc.total_timeout_ms = 30000;
	fc.max_response = BR_ACTIVITY_MAX;
	fc.user_agent = "hearth-bridge/" PACKAGE_VERSION_BRIDGE;
	pthread_rwlock_wrlock(&fetch_lock);
	fetcher = fetcher_start(&fc, &cause);
	if (fetcher != NULL) {
		fc.max_total = 8;
		fc.max_per_host = 2;
		fc.max_pending = 256;
		fc.total_timeout_ms = 10000;
		if ((key_fetcher = fetcher_start(&fc, &cause)) == NULL) {
			fetcher_stop(fetcher);
			fetcher = NULL;
		}
	}
	if (fetcher != NULL) {
		fc.max_total = 4;
		fc.max_per_host = 2;
		fc.max_pending = 64;
		fc.total_timeout_ms = 20000;
		fc.max_response = 2 * 1024 * 1024;
		if ((media_fetcher = fetcher_start(&fc, &cause)) == NULL) {
			fetcher_stop(key_fetcher);
			fetcher_stop(fetcher);
			fetcher = key_fetcher = NULL;
		}
	}
	pthread_rwlock_unlock(&fetch_lock);
	if (fetcher == NULL) {
		A->log(br_self, HM_LOG_ERROR, "cannot start the outbound HTTP "
		    "client: %s; nothing will be delivered", cause ? cause :
		    "?");
		free(cause);
		return;
	}
	br_deliver_start();
}

/* hearthd stops: what is in flight ends (it is retried after restart). */
static void
br_stop(void)
{
	struct fetcher	*f, *k, *m;

	pthread_rwlock_wrlock(&fetch_lock);
	f = fetcher;
	k = key_fetcher;
	m = media_fetcher;
	fetcher = key_fetcher = media_fetcher = NULL;
	pthread_rwlock_unlock(&fetch_lock);
	if (m != NULL)
		fetcher_stop(m);
	if (k != NULL)
		fetcher_stop(k);
	if (f != NULL)
		fetcher_stop(f);
	/* Last: outcomes that came in while the clients stopped go too. */
	br_deliver_stop();
}

/* A duration in seconds from "2d", "36h", "90m" or seconds; -1 if bad. */
static long
br_duration(const char *v)
{
	char	*end;
	long	 n = strtol(v, &end, 10);

	if (end == v || n < 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		n *= 60;
		break;
	case 'h':
		n *= 3600;
		break;
	case 'd':
		n *= 86400;
		break;
	default:
		return -1;
	}
	return end[0] != '\0' && end[1] != '\0' ? -1 : n;
}

/* Read and check the config; 0, or -1 with *cause (static). */
static int
br_configure(const char **cause)
{
	const char	*base = A->config(br_self, "base_url");
	const char	*v, *p;
	size_t		 n;

	if (base == NULL || (strncmp(base, "https://", 8) != 0 &&
	    strncmp(base, "http://", 7) != 0)) {
		*cause = "bridge.base_url must be the public origin, "
		    "https://social.example.com";
		return -1;
	}
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	br_conf.base = strndup(base, n);
	br_conf.scheme = strndup(base, strchr(base, ':') - base);
	p = strstr(br_conf.base, "://") + 3;
	if (*p == '\0' || strchr(p, '/') != NULL) {
		*cause = "bridge.base_url must be an origin without a path "
		    "(https://social.example.com)";
		return -1;
	}
	br_conf.host = strdup(p);
	if (strcmp(br_conf.base, A->base_url()) == 0) {
		*cause = "bridge.base_url must differ from base_url: the "
		    "outside's origin is not the inside's";
		return -1;
	}
	v = A->config(br_self, "approval");
	if (strcmp(v, "desk") == 0)
		br_conf.desk = 1;
	else if (strcmp(v, "none") == 0)
		br_conf.desk = 0;
	else {
		*cause = "bridge.approval must be desk or none";
		return -1;
	}
	br_conf.allow_loopback = br_truthy(A->config(br_self,
	    "allow_private_addresses"));
	v = A->config(br_self, "mode");
	if (strcmp(v, "open") == 0)
		br_conf.allowlist = 0;
	else if (strcmp(v, "allowlist") == 0)
		br_conf.allowlist = 1;
	else {
		*cause = "bridge.mode must be open or allowlist";
		return -1;
	}
	v = A->config(br_self, "follow");
	if (strcmp(v, "everyone") == 0)
		br_conf.follow = BR_FOLLOW_EVERYONE;
	else if (strcmp(v, "opted_in") == 0)
		br_conf.follow = BR_FOLLOW_OPTED_IN;
	else if (strcmp(v, "nobody") == 0)
		br_conf.follow = BR_FOLLOW_NOBODY;
	else {
		*cause = "bridge.follow must be everyone, opted_in or nobody";
		return -1;
	}
	if ((br_conf.rate_host = atof(A->config(br_self,
	    "inbox_rate_host"))) < 1 || br_conf.rate_host > 100000) {
		*cause = "bridge.inbox_rate_host must be activities a second "
		    "(1 to 100000)";
		return -1;
	}
	if ((br_conf.rate_actor = atof(A->config(br_self,
	    "inbox_rate_actor"))) < 1 || br_conf.rate_actor > 100000) {
		*cause = "bridge.inbox_rate_actor must be activities a second "
		    "(1 to 100000)";
		return -1;
	}
	if ((br_conf.retry_for = br_duration(A->config(br_self,
	    "retry_for"))) <= 0) {
		*cause = "bridge.retry_for must be a duration (2d, 36h, 90m)";
		return -1;
	}
	br_conf.max_total = atoi(A->config(br_self, "max_deliveries"));
	br_conf.max_per_host = atoi(A->config(br_self, "max_per_host"));
	if (br_conf.max_total < 1 || br_conf.max_total > 1024 ||
	    br_conf.max_per_host < 1 || br_conf.max_per_host >
	    br_conf.max_total) {
		*cause = "bridge.max_deliveries must be 1 to 1024 and "
		    "bridge.max_per_host 1 to max_deliveries";
		return -1;
	}
	return 0;
}

/* The public listener, from the config; 0, or -1 with *cause. */
static int
br_listen(const char **cause)
{
	const char	*listen, *cert, *key;
	char		*why = NULL;
	static char	 whybuf[256];

	listen = A->config(br_self, "listen");
	cert = A->config(br_self, "tls_cert");
	key = A->config(br_self, "tls_key");
	if (listen == NULL || *listen == '\0') {
		*cause = "bridge.listen must be set: ADDR:PORT (or ADDR:PORT "
		    "tls), the address the fediverse reaches";
		return -1;
	}
	if (br_conf.allow_loopback && strstr(listen, " tls") != NULL) {
		*cause = "bridge.allow_private_addresses is for tests on "
		    "loopback; it is refused with a tls public listener";
		return -1;
	}
	if (A->listen(br_self, listen, cert, key, &why) != 0) {
		snprintf(whybuf, sizeof whybuf, "bridge.listen: %s",
		    why ? why : "?");
		free(why);
		*cause = whybuf;
		return -1;
	}
	return 0;
}

static void	br_unload(void);

static int
br_load(const struct hearth_api *api, struct hm_module *self,
    const char **cause)
{
	br_api = api;
	br_self = self;
	if (api->abi_major != HEARTH_ABI_MAJOR || api->abi_minor < 4 ||
	    api->size < sizeof *api) {
		*cause = "the bridge needs hearthd's module ABI 1.4 or later";
		return -1;
	}
	if (br_configure(cause) != 0 || br_listen(cause) != 0) {
		br_unload();	/* a refused module is not unloaded */
		return -1;
	}
	A->notify_label(br_self, "bridge.report", "reported a post from "
	    "outside to the desk");
	A->notify_label(br_self, "bridge.approved", "approved your post for "
	    "the outside");
	A->notify_label(br_self, "bridge.declined", "declined your post for "
	    "the outside");
	A->post_tool(br_self, "Share outside", "/bridge/share");
	A->outside_tool(br_self, "Forward to a group", "/bridge/forward");
	A->outside_tool(br_self, "Report", "/bridge/report");
	A->job_every(br_self, 1, br_deliver_job, NULL);
	return 0;
}

static void
br_unload(void)
{
	br_instance_key_set(NULL);
	free(br_conf.base);
	free(br_conf.host);
	free(br_conf.scheme);
	memset(&br_conf, 0, sizeof br_conf);
}

static const struct hm_config_key config[] = {
	{ "listen",			"" },
	{ "base_url",			"" },
	{ "tls_cert",			"" },
	{ "tls_key",			"" },
	{ "approval",			"desk" },
	{ "allow_private_addresses",	"no" },
	{ "retry_for",			"2d" },
	{ "max_deliveries",		"32" },
	{ "max_per_host",		"4" },
	{ "mode",			"open" },
	{ "inbox_rate_host",		"50" },
	{ "inbox_rate_actor",		"10" },
	{ "follow",			"everyone" },
};

/* The internal listener's routes: employees' pages and API. */
static const struct hm_route routes[] = {
	{ HM_GET,  "/settings/bridge",		HM_AUTH, br_web_settings },
	{ HM_POST, "/settings/bridge",		HM_AUTH, br_web_settings_save },
	{ HM_GET | HM_POST, "/bridge/share/:id", HM_AUTH, br_web_share },
	{ HM_GET,  "/bridge/desk",		HM_AUTH, br_web_desk },
	{ HM_POST, "/bridge/desk/:id",		HM_AUTH, br_web_desk_decide },
	{ HM_GET,  "/bridge/desk/history",	HM_AUTH, br_web_history },
	{ HM_GET,  "/bridge/queue",		HM_ADMIN, br_web_queue },
	{ HM_GET,  "/bridge/domains",		HM_ADMIN, br_web_domains },
	{ HM_POST, "/bridge/domains",		HM_ADMIN, br_web_domains_save },
	{ HM_GET | HM_POST, "/bridge/report/:id", HM_AUTH, br_web_report },
	{ HM_GET | HM_POST, "/bridge/forward/:id", HM_AUTH, br_web_forward },
	{ HM_GET,  "/bridge/desk/reports",	HM_AUTH, br_web_reports },
	{ HM_POST, "/bridge/desk/reports/:id",	HM_AUTH, br_web_resolve },
	{ HM_GET,  "/api/v1/admin/bridge/reports", HM_AUTH, br_api_reports },
	{ HM_POST, "/api/v1/admin/bridge/reports/:id/resolve", HM_AUTH,
	    br_web_resolve },
	{ HM_POST, "/api/v1/statuses/:id/share_outside", HM_AUTH,
	    br_api_share },
	{ HM_DELETE, "/api/v1/statuses/:id/share_outside", HM_AUTH,
	    br_api_unshare },
	{ HM_GET,  "/api/v1/admin/bridge/queue", HM_AUTH, br_api_queue },
	{ HM_POST, "/api/v1/admin/bridge/queue/:id/:decision", HM_AUTH,
	    br_api_decide },
	{ HM_GET,  "/api/v1/admin/bridge/decisions", HM_AUTH,
	    br_api_decisions },
	{ HM_GET,  "/api/v1/admin/bridge/deliveries", HM_ADMIN,
	    br_api_deliveries },
};

/*
 * The public listener's routes: all the fediverse may ask for. Anything
 * else there (sign-in, the web UI, the Mastodon API, media of posts not
 * shared) is 404: the core serves only this table on it.
 */
static const struct hm_route public_routes[] = {
	{ HM_GET,  "/.well-known/webfinger",	0, br_pub_webfinger },
	{ HM_GET,  "/.well-known/host-meta",	0, br_pub_host_meta },
	{ HM_GET,  "/.well-known/nodeinfo",	0, br_pub_nodeinfo_links },
	{ HM_GET,  "/nodeinfo/2.0",		0, br_pub_nodeinfo },
	{ HM_GET,  "/",				0, br_pub_home },
	{ HM_GET,  "/bridge.css",		0, br_pub_css },
	{ HM_GET,  "/actor",			0, br_pub_instance_actor },
	{ HM_POST, "/inbox",			0, br_inbox },
	{ HM_POST, "/actor/inbox",		0, br_inbox },
	{ HM_GET,  "/users/:name",		0, br_pub_actor },
	{ HM_POST, "/users/:name/inbox",	0, br_inbox },
	{ HM_GET,  "/users/:name/outbox",	0, br_pub_outbox },
	{ HM_GET,  "/users/:name/followers",	0, br_pub_followers },
	{ HM_GET,  "/users/:name/following",	0, br_pub_following },
	{ HM_GET,  "/users/:name/avatar",	0, br_pub_avatar },
	{ HM_GET,  "/media/:file",		0, br_pub_media },
	{ HM_GET,  "/users/:name/statuses/:id",	0, br_pub_note },
	{ HM_GET,  "/users/:name/statuses/:id/activity", 0, br_pub_create },
	{ HM_GET,  "/@:name",			0, br_pub_profile },
	{ HM_GET,  "/@:name/:id",		0, br_pub_post },
	{ HM_GET,  "/tags/:tag",		0, br_pub_tag },
};

/* hearthctl bridge ... */
static const struct hm_command commands[] = {
	{ "enable",  "enable USER (make USER visible outside)",
	    br_ctl_enable },
	{ "disable", "disable USER (send Delete for USER and their posts)",
	    br_ctl_disable },
	{ "desk",    "desk add|remove USER | desk list", br_ctl_desk },
	{ "queue",   "queue (deliveries per host: pending, failed, "
	    "delivered)", br_ctl_queue },
	{ "shares",  "shares (posts waiting at the desk)", br_ctl_shares },
	{ "follow",  "follow USER ACCOUNT@HOST (USER follows someone outside)",
	    br_ctl_follow },
	{ "unfollow", "unfollow USER ACCOUNT@HOST", br_ctl_unfollow },
	{ "following", "following USER (the accounts outside USER follows)",
	    br_ctl_following },
	{ "domain",  "domain block|silence|allow|remove DOMAIN [NOTE] | "
	    "domain list", br_ctl_domain },
	{ "actor",   "actor block|unblock ACTOR-URL | actor list",
	    br_ctl_actor },
	{ "route",   "route add|remove GROUP-ID NAME | route list (a group "
	    "gets every outside reply to NAME's shared posts)", br_ctl_route },
};

static const struct hm_hooks hooks = {
	.size = sizeof(struct hm_hooks),
	.before_post = br_before_post,
	.after_post = br_after_post,
	.after_post_edit = br_after_post_edit,
	.after_post_delete = br_after_post_delete,
	.composer_option = br_composer_option,
	.settings_panel = br_settings_panel,
	.nav_item = br_nav_item,
	.admin_tab = br_admin_tab,
	.start = br_start,
	.stop = br_stop,
	.post_tools_for = br_post_tools_for,
	.before_follow = br_before_follow,
	.after_follow = br_after_follow,
	.after_unfollow = br_after_unfollow,
	.resolve = br_resolve,
};

__attribute__((visibility("default")))
const struct hearth_module hearth_module = {
	.abi_major = HEARTH_ABI_MAJOR,
	.abi_minor = HEARTH_ABI_MINOR,
	.size = sizeof(struct hearth_module),
	.name = "bridge",
	.version = PACKAGE_VERSION_BRIDGE,
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.migrations = br_migrations,
	.nmigrations = BR_NMIGRATIONS,
	.config = config,
	.nconfig = sizeof config / sizeof config[0],
	.hooks = &hooks,
	.load = br_load,
	.unload = br_unload,
	.public_routes = public_routes,
	.npublic_routes = sizeof public_routes / sizeof public_routes[0],
	.commands = commands,
	.ncommands = sizeof commands / sizeof commands[0],
};
