/*
 * guidelines.c: the guidelines module itself: its migrations, routes, config
 * keys and hooks. The gate (before_write) refuses every write of a person
 * who has not acknowledged the latest version that needs acknowledging,
 * once any grace period is over; render hooks add the banner, the footer
 * link and an admin navigation item; a job reminds people who wait too long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "guidelines.h"

#define A	gl_api

const struct hearth_api	*gl_api;
struct hm_module	*gl_self;

/* Whether a form or JSON value means yes. */
int
gl_truthy(const char *v)
{
	return v != NULL && (strcmp(v, "1") == 0 || strcasecmp(v, "true") ==
	    0 || strcasecmp(v, "on") == 0 || strcasecmp(v, "yes") == 0);
}

/* A number of days from the config (-1: off). */
static long
gl_days(const char *key)
{
	const char	*v = A->config(gl_self, key);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0' || strcmp(v, "off") == 0)
		return -1;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= 0 ? n : -1;
}

/* A moment as the reader reads it, in their language and time zone. */
const char *
gl_time(struct hm_req *r, int64_t t)
{
	return A->datetime(r, t);
}

/* ISO 8601, as the API speaks. */
const char *
gl_iso(struct hm_req *r, int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;
	char		 buf[64];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return A->req_strdup(r, buf);
}

/* What the person asking owes. */
void
gl_state(struct hm_req *r, struct gl_state *s)
{
	gl_state_of(r, A->req_user(r), s);
}

/* What user owes. */
void
gl_state_of(struct hm_req *r, int64_t user, struct gl_state *s)
{
	struct hm_db	*db = A->req_db(r);
	int64_t		 now = (int64_t)time(NULL);
	long		 grace;

	memset(s, 0, sizeof *s);
	if (user == 0 || gl_required(db, &s->required, &s->required_at,
	    NULL) != 0) {
		s->required = 0;
		return;
	}
	if ((s->acked_at = gl_acked_at(db, user, s->required)) != 0)
		return;
	grace = gl_days("grace_days");
	if (grace > 0 && now < s->required_at + grace * 86400) {
		s->grace_until = s->required_at + grace * 86400;
		return;
	}
	s->gate = 1;
}

/*
 * Check a publication: 0, or -1 with the field at fault and why. Errors
 * name the field so forms can point at it.
 */
int
gl_check(struct hm_req *r, const char *text, const char *summary,
    const char **field, const char **why)
{
	const char	*p;

	for (p = text ? text : ""; *p == ' ' || *p == '\n' || *p == '\r' ||
	    *p == '\t'; p++)
		;
	if (*p == '\0') {
		*field = "text";
		*why = A->tr(r, "Write the guidelines first: the text is "
		    "empty.");
		return -1;
	}
	if (strlen(text) > GL_TEXT_MAX) {
		*field = "text";
		*why = A->format(r, A->tr(r, "The text is too long: at most "
		    "{max} bytes."), "max", A->req_printf(r, "%d",
		    GL_TEXT_MAX), NULL);
		return -1;
	}
	if (summary != NULL && strlen(summary) > GL_SUMMARY_MAX) {
		*field = "summary";
		*why = A->format(r, A->tr(r, "The summary is too long: at "
		    "most {max} characters."), "max", A->req_printf(r, "%d",
		    GL_SUMMARY_MAX), NULL);
		return -1;
	}
	return 0;
}

/* The version a route names (/guidelines/:version/...), or 0. */
int64_t
gl_route_version(struct hm_req *r)
{
	const char	*p = A->req_route_param(r, 0);
	char		*end;
	long long	 n;

	if (p == NULL || *p < '0' || *p > '9')
		return 0;
	n = strtoll(p, &end, 10);
	return *end == '\0' && n > 0 ? n : 0;
}

/* On the writer: append the reader's acknowledgement to the ledger. */
static int
ack_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct gl_ack_job	*j = arg;

	return gl_ack(db, A->req_user(r), j->version, j->via, cause);
}

/*
 * Acknowledge the version the route names, from the web (via "web") or
 * the API ("api"): the same write, its outcome answered by reply; a route
 * naming no version is answered 404 with missing.
 */
int
gl_ack_start(struct hm_req *r, const char *via, hm_reply_fn reply,
    const char *missing)
{
	struct gl_ack_job	*j = A->req_alloc(r, sizeof *j);

	if ((j->version = gl_route_version(r)) == 0) {
		A->reply_error(r, 404, missing);
		return HM_DONE;
	}
	j->via = via;
	return A->write(r, ack_write, reply, j);
}

/* On the writer: publish a checked new version. Whoever publishes has
 * read it: their acknowledgement goes into the ledger with it, so the
 * gate never stops the admin who wrote the text. */
int
gl_publish_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct gl_publish_job	*j = arg;
	int			 rc;

	rc = gl_publish(db, j->text, j->summary, j->requires_ack,
	    A->req_user(r), &j->version, cause);
	if (rc != HM_OK)
		return rc;
	/* In the core's audit log, in this write's transaction (ABI 1.5). */
	if (A->audit(r, db, "guidelines.publish", "guidelines", j->version,
	    A->req_printf(r, "version %lld", (long long)j->version),
	    j->requires_ack ? "{\"requires_acknowledgement\":true}" :
	    "{\"requires_acknowledgement\":false}") != 0) {
		*cause = strdup("The audit log could not be written.");
		return 500;
	}
	/* Who publishes has acknowledged by publishing. */
	return gl_ack(db, A->req_user(r), j->version, j->via ? j->via : "web",
	    cause);
}

/*
 * Where to go once the guidelines are acknowledged: the request's next, a
 * local path (never another site, nor one a browser would read as one),
 * or NULL.
 */
const char *
gl_next(struct hm_req *r)
{
	const char	*next = A->req_param(r, "next"), *p;

	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    strchr(next, '\\') != NULL)
		return NULL;
	for (p = next; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	}
	return next;
}

/* Once published: the log says who published what. */
void
gl_log_published(struct hm_req *r, const struct gl_publish_job *j)
{
	A->log(gl_self, HM_LOG_INFO, "%s published version %lld (%s)",
	    A->req_username(r), (long long)j->version, j->requires_ack ?
	    "acknowledgement required" : "no acknowledgement needed");
}

/* A path of this site (safe characters only) from a local path or a URL
 * on the request's own host, or NULL. */
static const char *
gl_local_path(struct hm_req *r, const char *url)
{
	const char	*host = A->req_header(r, "Host"), *p;
	size_t		 n;

	if (url == NULL)
		return NULL;
	if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) ==
	    0) {
		p = strstr(url, "://") + 3;
		if (host == NULL || strncmp(p, host, strlen(host)) != 0 ||
		    p[strlen(host)] != '/')
			return NULL;
		url = p + strlen(host);
	}
	if (url[0] != '/' || url[1] == '/' ||
	    strncmp(url, "/guidelines", 11) == 0)
		return NULL;
	n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/_@.-");
	if (url[n] != '\0' && url[n] != '?' && url[n] != '#')
		return NULL;
	return A->req_printf(r, "%.*s", (int)n, url);
}

/* Gate: no writes until the guidelines are acknowledged. */
static int
gl_before_write(struct hm_req *r, struct hm_refusal *f)
{
	struct gl_state	 s;
	const char	*back;

	gl_state(r, &s);
	if (!s.gate)
		return 0;
	f->reason = A->format(r, A->tr(r, "Please read and acknowledge the "
	    "company guidelines (version {version}) first: until then you "
	    "can read but not post, reply, favourite, follow, join or edit."),
	    "version", A->req_printf(r, "%lld", (long long)s.required), NULL);
	f->link = "/guidelines";
	/* A refused form: back to the page it was on afterwards. (A page
	 * asking ahead, a GET, adds its own next.) */
	if (A->req_method(r) != HM_GET && (back = gl_local_path(r,
	    A->req_header(r, "Referer"))) != NULL)
		f->link = A->req_printf(r, "/guidelines?next=%s", back);
	f->link_text = A->tr(r, "Read and acknowledge the guidelines");
	return 1;
}

/* Render: the banner while the guidelines wait to be acknowledged. */
static int
gl_banner(struct hm_req *r, struct hm_fragment *f)
{
	struct gl_state	 s;
	const char	*what, *path;

	gl_state(r, &s);
	if (s.required == 0 || s.acked_at != 0)
		return 0;
	/* Version 1 is the first there is: new, not changed. Whole
	 * sentences, so each language words them its own way. */
	if (s.grace_until != 0)
		what = s.required == 1 ? A->tr(r, "The company has published "
		    "guidelines (version {version}). Please acknowledge them "
		    "by {date}.") : A->tr(r, "The company guidelines have "
		    "changed (version {version}). Please acknowledge them by "
		    "{date}.");
	else
		what = s.required == 1 ? A->tr(r, "The company has published "
		    "guidelines (version {version}). Until you acknowledge "
		    "them you can read but not write.") : A->tr(r, "The "
		    "company guidelines have changed (version {version}). "
		    "Until you acknowledge them you can read but not write.");
	f->text = A->format(r, what, "version", A->req_printf(r, "%lld",
	    (long long)s.required), "date", s.grace_until != 0 ?
	    A->datetime(r, s.grace_until) : "", NULL);
	/* Back here afterwards: where the person was going. */
	path = A->req_path(r);
	f->href = path != NULL && strncmp(path, "/guidelines", 11) != 0 &&
	    strcmp(path, "/") != 0 && A->req_method(r) == HM_GET &&
	    path[strspn(path, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_@.-")] == '\0' ?
	    A->req_printf(r, "/guidelines?next=%s", path) : "/guidelines";
	f->label = "Read and acknowledge";
	return 1;
}

/* Render: the footer link, once there are guidelines. */
static int
gl_footer(struct hm_req *r, struct hm_fragment *f)
{
	if (A->req_user(r) == 0 || !gl_published(A->req_db(r)))
		return 0;
	f->href = "/guidelines";
	f->label = "Guidelines";
	return 1;
}

/* Render: admins get the admin page in the navigation. */
static int
gl_nav(struct hm_req *r, struct hm_fragment *f)
{
	if (!A->req_admin(r))
		return 0;
	f->href = "/admin/guidelines";
	f->label = "Guidelines admin";
	return 1;
}

/* Render (ABI 1.5): the guidelines' tab in the admin console. */
static int
gl_admin_tab(struct hm_req *r, struct hm_fragment *f)
{
	(void)r;
	f->href = "/admin/guidelines";
	f->label = "Guidelines";
	return 1;
}

/* Render: a settings panel saying where the person stands. */
static int
gl_settings(struct hm_req *r, struct hm_fragment *f)
{
	struct gl_state	s;

	gl_state(r, &s);
	if (s.required == 0)
		return 0;
	f->text = s.acked_at ? A->format(r, A->tr(r, "You acknowledged the "
	    "company guidelines on {date}."), "date", A->datetime(r,
	    s.acked_at), NULL) : A->tr(r, "You have not acknowledged the "
	    "current company guidelines yet.");
	f->href = "/guidelines";
	f->label = "Company guidelines";
	return 1;
}

/* Landing: people who owe an acknowledgement start at the guidelines
 * (new people at their first sign-in, everyone after a new version). */
static const char *
gl_landing(struct hm_req *r, int64_t user)
{
	struct gl_state	s;

	gl_state_of(r, user, &s);
	return s.required != 0 && s.acked_at == 0 ? "/guidelines" : NULL;
}

/* A person the reminder job looks at. */
struct remind_ctx {
	struct hm_db	*db;
	int64_t		 version;
	int64_t		 from;
	int		 sent;
};

static void
remind_one(const struct hm_user *u, void *arg)
{
	struct remind_ctx	*c = arg;

	if (u->disabled || gl_acked_at(c->db, u->id, c->version) != 0 ||
	    gl_reminded(c->db, u->id, c->version))
		return;
	if (A->notify(c->db, u->id, "guidelines", c->from) == 0 &&
	    gl_remind_mark(c->db, u->id, c->version) == 0)
		c->sent++;
}

/* Job: remind who has not acknowledged after reminder_days, once each. */
static void
gl_remind(struct hm_db *db, void *arg)
{
	struct remind_ctx	c;
	int64_t			at;
	long			days = gl_days("reminder_days");

	(void)arg;
	memset(&c, 0, sizeof c);
	c.db = db;
	if (days < 0 || gl_required(db, &c.version, &at, &c.from) != 0 ||
	    (int64_t)time(NULL) < at + days * 86400)
		return;
	A->user_each(db, remind_one, &c);
	if (c.sent > 0)
		A->log(gl_self, HM_LOG_INFO, "reminded %d people of version "
		    "%lld", c.sent, (long long)c.version);
}

static int
gl_load(const struct hearth_api *api, struct hm_module *m, const char **cause)
{
	const char	*v;
	int		 every;

	if (api->size < sizeof *api) {
		*cause = "this hearthd's API table is older than the module";
		return -1;
	}
	gl_api = api;
	gl_self = m;
	v = api->config(m, "reminder_interval");
	every = v ? atoi(v) : 0;
	if (every < 1) {
		*cause = "guidelines.reminder_interval must be a number of "
		    "seconds, 1 or more";
		return -1;
	}
	if (gl_days("reminder_days") >= 0 &&
	    api->job_every(m, every, gl_remind, NULL) != 0) {
		*cause = "cannot schedule the reminders";
		return -1;
	}
	return 0;
}

static const struct hm_route routes[] = {
	{ HM_GET,  "/guidelines",		HM_AUTH,	gl_web_current },
	{ HM_GET,  "/guidelines/:version",	HM_AUTH,	gl_web_version },
	{ HM_POST, "/guidelines/:version/acknowledge", HM_AUTH | HM_UNGATED,
	    gl_web_ack },
	/* Admins may publish before acknowledging: a fix must not wait. */
	{ HM_GET,  "/admin/guidelines",		HM_ADMIN,	gl_web_admin },
	{ HM_POST, "/admin/guidelines",		HM_ADMIN | HM_UNGATED,
	    gl_web_admin_post },
	{ HM_GET,  "/admin/guidelines/:version", HM_ADMIN,
	    gl_web_admin_version },
	{ HM_GET,  "/admin/guidelines/:version/:list", HM_ADMIN,
	    gl_web_admin_csv },
	{ HM_GET,  "/api/v1/guidelines",	HM_AUTH,	gl_api_get },
	{ HM_POST, "/api/v1/guidelines/:version/acknowledge",
	    HM_AUTH | HM_UNGATED, gl_api_ack },
	{ HM_POST, "/api/v1/admin/guidelines",	HM_ADMIN | HM_UNGATED,
	    gl_api_publish },
	{ HM_GET,  "/api/v1/admin/guidelines/:version/acknowledgements",
	    HM_ADMIN, gl_api_acks },
};

/* Published versions never change and acknowledgements are an
 * append-only ledger: the database itself refuses UPDATE and DELETE. */
static const struct hm_migration migrations[] = {
	{ 1, "versions and ledger",
	    "CREATE TABLE guideline_versions ("
	    " version INTEGER PRIMARY KEY,"
	    " text TEXT NOT NULL,"
	    " summary TEXT NOT NULL,"
	    " requires_ack INTEGER NOT NULL CHECK (requires_ack IN (0, 1)),"
	    " published_at INTEGER NOT NULL,"
	    " published_by INTEGER NOT NULL);"
	    "CREATE TRIGGER guideline_versions_no_update BEFORE UPDATE ON "
	    " guideline_versions BEGIN SELECT RAISE(ABORT, "
	    " 'published guidelines never change'); END;"
	    "CREATE TRIGGER guideline_versions_no_delete BEFORE DELETE ON "
	    " guideline_versions BEGIN SELECT RAISE(ABORT, "
	    " 'published guidelines are kept forever'); END;"
	    "CREATE TABLE guideline_acks ("
	    " id INTEGER PRIMARY KEY,"
	    " user_id INTEGER NOT NULL,"
	    " version INTEGER NOT NULL REFERENCES guideline_versions(version),"
	    " acked_at INTEGER NOT NULL,"
	    " via TEXT NOT NULL CHECK (via IN ('web', 'api')),"
	    " UNIQUE (user_id, version));"
	    "CREATE INDEX guideline_acks_version ON guideline_acks "
	    " (version, user_id);"
	    "CREATE TRIGGER guideline_acks_no_update BEFORE UPDATE ON "
	    " guideline_acks BEGIN SELECT RAISE(ABORT, "
	    " 'the acknowledgement ledger is append-only'); END;"
	    "CREATE TRIGGER guideline_acks_no_delete BEFORE DELETE ON "
	    " guideline_acks BEGIN SELECT RAISE(ABORT, "
	    " 'the acknowledgement ledger is append-only'); END;"
	    "CREATE TABLE guideline_reminders ("
	    " user_id INTEGER NOT NULL,"
	    " version INTEGER NOT NULL,"
	    " sent_at INTEGER NOT NULL,"
	    " PRIMARY KEY (user_id, version));" },
};

static const struct hm_config_key config[] = {
	{ "grace_days", "0" },		/* days before the gate closes */
	{ "reminder_days", "7" },	/* remind after; "off": never */
	{ "reminder_interval", "3600" },	/* seconds between checks */
};

static const struct hm_hooks hooks = {
	.size = sizeof(struct hm_hooks),
	.before_write = gl_before_write,
	.banner = gl_banner,
	.nav_item = gl_nav,
	.admin_tab = gl_admin_tab,
	.footer_link = gl_footer,
	.settings_panel = gl_settings,
	.announcements = gl_announcements,
	.landing = gl_landing,
	.rules = gl_rules,
};

__attribute__((visibility("default")))
const struct hearth_module hearth_module = {
	HEARTH_MODULE_HEADER,
	"guidelines", "1.0.0",
	routes, sizeof routes / sizeof routes[0],
	migrations, sizeof migrations / sizeof migrations[0],
	config, sizeof config / sizeof config[0],
	&hooks,
	gl_load,
	NULL,
};
