/*
 * push-jobs.c: Web Push delivery (RFC 8030, with RFC 8291's encryption and
 * RFC 8292's VAPID; or, for a subscription that did not ask for the
 * standard, the legacy drafts Mastodon apps before 4.4 decrypt: aesgcm,
 * with Encryption and Crypto-Key headers). Deliveries wait in
 * push_deliveries (push.c queues them with their notification), so a
 * restart loses none. On the first
 * loop, a notification's commit or a one-second tick reads the due ones;
 * each is encrypted, signed and POSTed on a worker (at most
 * push.concurrency at once) through the outbound client, whose guard
 * refuses inside addresses (a push endpoint is any URL a client gave);
 * the writer then records the outcome: accepted, gone (404 or 410: the
 * subscription is removed), or tried again with a doubling delay on 429,
 * 5xx or a network failure, until push.give_up_after.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "handlers.h"
#include "api.h"

#define PUSH_BUSY_MAX	64	/* push.concurrency's ceiling */
#define PUSH_TTL	"172800"	/* seconds a push service may hold it */
#define PUSH_BODY_CHARS	140	/* the notification text, cut */
#define PUSH_RETRY_MAX	3600	/* the longest wait between tries */

/* What came of one delivery. */
enum push_outcome { PO_SENT, PO_RETRY, PO_GONE, PO_DROP };

/* One delivery on its way. */
struct push_job {
	struct loop		*loop;
	struct arena		*arena;
	struct push_delivery	 d;
	enum push_outcome	 outcome;
	long			 status;
	char			*why;
};

static struct {
	struct loop	*loop;
	struct event	*tick;
	struct event	*wake;
	int64_t		 busy[PUSH_BUSY_MAX];
	size_t		 nbusy;
	int		 stopping;
} ps;
static pthread_mutex_t	ps_wake_lock = PTHREAD_MUTEX_INITIALIZER;

/* Wake the dispatcher (any thread). */
static void
push_wake(void)
{
	pthread_mutex_lock(&ps_wake_lock);
	if (ps.wake != NULL)
		event_active(ps.wake, 0, 0);
	pthread_mutex_unlock(&ps_wake_lock);
}

/* A notification was committed: it may have queued deliveries. */
static void
push_on_notification(struct db *db, const struct event *ev)
{
	(void)db;
	(void)ev;
	push_wake();
}

/* The title Mastodon's push gives a notification type. */
static char *
push_title(struct arena *a, const struct push_delivery *d)
{
	const char	*who = *d->from_name != '\0' ? d->from_name :
			    d->from_username;
	static const struct {
		const char	*type;
		const char	*words;		/* after the name */
	} titles[] = {
		{ "mention", " mentioned you" },
		{ "status", " just posted" },
		{ "reblog", " boosted your post" },
		{ "follow", " is now following you" },
		{ "follow_request", " has requested to follow you" },
		{ "favourite", " favourited your post" },
		{ "update", " edited a post" },
		{ "admin.sign_up", " signed up" },
		{ "admin.report", " filed a report" },
		{ "quote", " quoted your post" },
		{ "quoted_update", " edited a post you quoted" },
	};
	size_t		 i;

	if (strcmp(d->type, "poll") == 0)
		return arena_strdup(a, "A poll you voted in has ended");
	for (i = 0; i < sizeof titles / sizeof titles[0]; i++) {
		if (strcmp(d->type, titles[i].type) == 0)
			return arena_printf(a, "%s%s", who, titles[i].words);
	}
	return arena_printf(a, "New notification from %s", who);
}

/* The JSON Mastodon's push carries (app/lib/web_push_request.rb's). */
static char *
push_payload(struct push_job *j, const struct config *c)
{
	const struct push_delivery *d = &j->d;
	const char	*body = *d->spoiler != '\0' ? d->spoiler : d->text;
	char		*icon, *cut, id[24], *out;
	size_t		 n;
	json_t		*p;

	if (*d->from_avatar != '\0')
		icon = arena_printf(j->arena, "%s/media/%s", c->base_url,
		    d->from_avatar);
	else if (d->from_outside)
		icon = arena_printf(j->arena, "%s/avatars/outside_%lld.png",
		    c->base_url, (long long)d->from_id);
	else
		icon = arena_printf(j->arena, "%s/avatars/%s.png", c->base_url,
		    d->from_username);
	n = strlen(body);
	if (n > PUSH_BODY_CHARS * 4)
		n = PUSH_BODY_CHARS * 4;
	cut = arena_strndup(j->arena, body, utf8_cut(body, n));
	if (strlen(cut) < strlen(body))
		cut = arena_printf(j->arena, "%s…", cut);
	snprintf(id, sizeof id, "%lld", (long long)d->notification_id);
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "access_token", d->access_token, "preferred_locale", "en",
	    "notification_id", id, "notification_type", d->type,
	    "icon", icon, "title", push_title(j->arena, d), "body", cut);
	out = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	return out;
}

/* On a worker: encrypt, sign and send one. */
static void
push_job_work(void *arg)
{
	struct push_job		*j = arg;
	const struct config	*c = j->loop->server->config;
	struct httpc_req	 req;
	struct httpc_resp	 resp;
	uint8_t			*ua = NULL, *auth = NULL, *body = NULL;
	uint8_t			 salt[16], as_pub[WEBPUSH_KEY_LEN];
	size_t			 ualen, authlen, bodylen;
	char			*payload = NULL, *vapid = NULL, *cause = NULL;
	char			*authz = NULL, *pub = NULL, *salt64 = NULL;
	char			*dh64 = NULL, *enc = NULL, *ckey = NULL;
	const char		*subject, *headers[7];
	int			 rc;

	j->outcome = PO_DROP;
	if ((ua = webpush_b64_decode(j->d.p256dh, &ualen)) == NULL ||
	    (auth = webpush_b64_decode(j->d.auth, &authlen)) == NULL) {
		j->why = xstrdup("the subscription's keys do not decode");
		goto out;
	}
	payload = push_payload(j, c);
	subject = *c->push_subject != '\0' ? c->push_subject : c->base_url;
	if (j->d.standard)
		rc = webpush_encrypt(ua, ualen, auth, authlen,
		    (uint8_t *)payload, strlen(payload), &body, &bodylen,
		    &cause);
	else
		rc = webpush_encrypt_legacy(ua, ualen, auth, authlen,
		    (uint8_t *)payload, strlen(payload), salt, as_pub, &body,
		    &bodylen, &cause);
	if (rc != 0) {
		j->why = xasprintf("encrypting: %s", cause);
		goto out;
	}
	if (j->d.standard)
		vapid = webpush_vapid(vapid_pem(), j->d.endpoint, subject,
		    time(NULL) + 12 * 3600, &cause);
	else
		vapid = webpush_vapid_legacy(vapid_pem(), j->d.endpoint,
		    subject, time(NULL) + 12 * 3600, &pub, &cause);
	if (vapid == NULL) {
		j->why = xasprintf("signing: %s", cause);
		goto out;
	}
	authz = xasprintf("Authorization: %s", vapid);
	headers[0] = "TTL: " PUSH_TTL;
	headers[1] = "Urgency: normal";
	headers[3] = authz;
	if (j->d.standard) {
		headers[2] = "Content-Encoding: aes128gcm";
		headers[4] = NULL;
	} else {
		/* The legacy drafts: salt and keys in headers of their own. */
		salt64 = jose_b64url(salt, sizeof salt);
		dh64 = jose_b64url(as_pub, sizeof as_pub);
		enc = xasprintf("Encryption: salt=%s", salt64);
		ckey = xasprintf("Crypto-Key: dh=%s;p256ecdsa=%s", dh64, pub);
		headers[2] = "Content-Encoding: aesgcm";
		headers[4] = enc;
		headers[5] = ckey;
		headers[6] = NULL;
	}
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = j->d.endpoint;
	req.content_type = "application/octet-stream";
	req.body = (const char *)body;
	req.bodylen = bodylen;
	req.headers = headers;
	req.timeout = 15;
	req.max_body = 64 * 1024;
	req.guard = 1;
	req.guard_private = c->push_allow_private;
	if (httpc_do(&req, &resp, &cause) != 0) {
		/* A refused address will not become public by waiting. */
		j->outcome = strstr(cause, ": refused: ") != NULL ? PO_DROP :
		    PO_RETRY;
		j->why = cause;
		cause = NULL;
		goto out;
	}
	j->status = resp.status;
	if (resp.status >= 200 && resp.status < 300)
		j->outcome = PO_SENT;
	else if (resp.status == 404 || resp.status == 410)
		j->outcome = PO_GONE;
	else if (resp.status == 429 || resp.status >= 500 ||
	    resp.status == 408)
		j->outcome = PO_RETRY;
	else
		j->outcome = PO_DROP;
	if (j->outcome != PO_SENT)
		j->why = xasprintf("the push service answered %ld", resp.status);
	httpc_resp_free(&resp);
out:
	free(ua);
	free(auth);
	free(body);
	free(payload);
	free(vapid);
	free(authz);
	free(pub);
	free(salt64);
	free(dh64);
	free(enc);
	free(ckey);
	free(cause);
}

/* On the writer: record what came of it. */
static int
push_job_write(struct db *db, void *arg)
{
	struct push_job		*j = arg;
	const struct config	*c = j->loop->server->config;
	int64_t			 now = time(NULL), wait;
	int			 i;

	switch (j->outcome) {
	case PO_SENT:
		return push_delivered(db, &j->d);
	case PO_GONE:
		return push_gone(db, &j->d);
	case PO_RETRY:
		wait = c->push_retry_delay;
		for (i = 0; i < j->d.attempts && wait < PUSH_RETRY_MAX; i++)
			wait *= 2;
		if (wait > PUSH_RETRY_MAX)
			wait = PUSH_RETRY_MAX;
		if (now + wait - j->d.created_at <= c->push_give_up)
			return push_retry(db, &j->d, now + wait, j->why);
		j->outcome = PO_DROP;
		return push_delivered(db, &j->d);
	case PO_DROP:
		return push_delivered(db, &j->d);
	}
	return 0;
}

/* Free a job. */
static void
push_job_free(struct push_job *j)
{
	free(j->why);
	arena_free(j->arena);
	free(j);
}

/* No longer on its way: another may go. */
static void
push_job_release(struct push_job *j)
{
	size_t	i;

	for (i = 0; i < ps.nbusy; i++) {
		if (ps.busy[i] == j->d.id) {
			ps.busy[i] = ps.busy[--ps.nbusy];
			break;
		}
	}
	push_job_free(j);
	if (!ps.stopping)
		push_wake();
}

/* Recorded: say what happened when it was not a plain success. */
static void
push_job_written(void *arg, int rc)
{
	struct push_job	*j = arg;

	if (rc != 0)
		log_warn("push: delivery %lld: the outcome could not be "
		    "recorded; it is sent again", (long long)j->d.id);
	else if (j->outcome == PO_GONE)
		log_info("push: subscription %lld is gone (%ld); removed",
		    (long long)j->d.subscription_id, j->status);
	else if (j->outcome == PO_RETRY)
		log_info("push: delivery %lld tried again later: %s",
		    (long long)j->d.id, j->why);
	else if (j->outcome == PO_DROP)
		log_warn("push: delivery %lld dropped: %s", (long long)j->d.id,
		    j->why != NULL ? j->why : "too old");
	push_job_release(j);
}

/* Back on the loop: to the writer. */
static void
push_job_done(void *arg)
{
	struct push_job	*j = arg;

	if (writer_submit(j->loop, push_job_write, push_job_written, j) != 0) {
		log_warn("push: the writer is busy; delivery %lld goes again",
		    (long long)j->d.id);
		push_job_release(j);
	}
}

/* Send what is due, up to push.concurrency at once. */
static void
push_dispatch(evutil_socket_t fd, short what, void *arg)
{
	struct loop		*loop = arg;
	const struct config	*c = loop->server->config;
	struct push_delivery	 due[PUSH_BUSY_MAX];
	struct push_job		*j;
	struct arena		*a;
	int			 n, i, room;

	(void)fd;
	(void)what;
	if (ps.stopping || vapid_pem() == NULL)
		return;
	room = c->push_concurrency - (int)ps.nbusy;
	if (room <= 0)
		return;
	a = arena_new();
	n = push_due(loop->db, a, time(NULL), ps.busy, ps.nbusy, due, room);
	for (i = 0; i < n; i++) {
		j = xcalloc(1, sizeof *j);
		j->loop = loop;
		j->arena = arena_new();
		j->d = due[i];
		/* The job outlives this batch: its strings move along. */
#define MOVE(f) j->d.f = arena_strdup(j->arena, due[i].f)
		MOVE(endpoint); MOVE(p256dh); MOVE(auth); MOVE(access_token);
		MOVE(type); MOVE(from_username); MOVE(from_name);
		MOVE(from_avatar); MOVE(spoiler); MOVE(text);
#undef MOVE
		if (worker_submit(loop, push_job_work, push_job_done, j) != 0) {
			push_job_free(j);
			break;
		}
		ps.busy[ps.nbusy++] = j->d.id;
	}
	arena_free(a);
}

/* hearthd serves (on the first loop): start sending. */
void
push_serving(struct loop *loop)
{
	struct timeval	tv = { 1, 0 };

	ps.loop = loop;
	ps.stopping = 0;
	ps.tick = event_new(loop->base, -1, EV_PERSIST, push_dispatch, loop);
	event_add(ps.tick, &tv);
	pthread_mutex_lock(&ps_wake_lock);
	ps.wake = event_new(loop->base, -1, 0, push_dispatch, loop);
	pthread_mutex_unlock(&ps_wake_lock);
	events_subscribe(EV_NOTIFICATION, push_on_notification);
}

/* hearthd stops: send no more (what is queued waits for the next start). */
void
push_stopping(void)
{
	ps.stopping = 1;
	pthread_mutex_lock(&ps_wake_lock);
	if (ps.wake != NULL)
		event_free(ps.wake);
	ps.wake = NULL;
	pthread_mutex_unlock(&ps_wake_lock);
	if (ps.tick != NULL)
		event_free(ps.tick);
	ps.tick = NULL;
}
