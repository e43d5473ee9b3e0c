/*
 * deliver.c: the delivery queue. Every activity that goes out is a row,
 * and each inbox it goes to is a delivery row, written in the same
 * transaction as what caused it (an approval, a withdrawal, an Accept).
 * A job on the writer claims the deliveries that are due (marking them
 * sending) and hands them to the outbound client (fetch.c, its own
 * thread), which signs each POST and sends it with bounded concurrency
 * per host and in total. Outcomes come back to the writer: delivered;
 * refused for good (most 4xx); or retried with exponential back-off and
 * jitter until bridge.retry_for has passed, then given up and recorded. A
 * host that keeps failing is paused rather than hammered. A restart finds
 * the rows still sending and sends them again.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "bridge.h"

#define A	br_api
#define BACKOFF_FIRST	10		/* seconds before the first retry */
#define BACKOFF_MAX	(3 * 3600)	/* ... and at most between two */
#define HOST_PAUSE_AFTER 5		/* failures in a row pause a host */
#define HOST_PAUSE_MAX	3600

/* One delivery on its way (owned by the fetcher until done). */
struct br_job {
	int64_t		 id;
	char		*inbox;
	char		*body;
	char		*key;		/* the author's private key, PEM */
	char		*key_id;
};

/* One outcome, from the fetch thread to the writer. */
struct br_outcome {
	int64_t			 id;
	int			 status;
	enum fetch_error	 error;
	char			*why;
	struct br_outcome	*next;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct br_outcome *outcomes;	/* under lock */
static int		 inflight;	/* under lock */
static int		 running;	/* under lock */
static int		 reset_done;	/* the writer's */
static int64_t		 last_prune;	/* the writer's: bridge_seen */

/* Store an activity (its JSON as sent); its id, or -1. */
int64_t
br_activity_add(struct hm_db *db, int64_t user, const char *type,
    int64_t post, json_t *activity)
{
	struct hm_stmt	*st;
	char		*body = json_dumps(activity, JSON_COMPACT);
	int64_t		 id = -1;

	if (body == NULL)
		return -1;
	st = A->db_prepare(db, "INSERT INTO bridge_activities (user_id, type, "
	    "post_id, body, created_at) VALUES (?, ?, ?, ?, ?)");
	if (st != NULL) {
		A->db_bind_int(st, 1, user);
		A->db_bind_text(st, 2, type);
		if (post != 0)
			A->db_bind_int(st, 3, post);
		else
			A->db_bind_null(st, 3);
		A->db_bind_text(st, 4, body);
		A->db_bind_int(st, 5, br_now());
		if (A->db_step(st) == 0)
			id = A->db_last_id(db);
		A->db_finalize(st);
	}
	free(body);
	return id;
}

/* Queue an activity to one inbox (once); 0, or -1. */
int
br_delivery_add(struct hm_db *db, int64_t activity, const char *inbox)
{
	struct hm_stmt	*st;
	char		*host = br_host_of(inbox);
	int		 rc = -1;

	if (host == NULL)
		return 0;	/* not a URL we would send to: skipped */
	if (br_policy_blocks_host(db, host)) {
		free(host);
		return 0;	/* a blocked server gets nothing */
	}
	st = A->db_prepare(db, "INSERT OR IGNORE INTO bridge_deliveries "
	    "(activity_id, inbox, host, state, next_at, created_at) VALUES "
	    "(?, ?, ?, 'pending', ?, ?)");
	if (st != NULL) {
		A->db_bind_int(st, 1, activity);
		A->db_bind_text(st, 2, inbox);
		A->db_bind_text(st, 3, host);
		A->db_bind_int(st, 4, br_now());
		A->db_bind_int(st, 5, br_now());
		rc = A->db_step(st) == 0 ? 0 : -1;
		A->db_finalize(st);
	}
	free(host);
	return rc;
}

/*
 * Queue an activity to every accepted follower of user, once per server
 * (its shared inbox when it has one, as Mastodon delivers).
 */
int
br_deliver_followers(struct hm_db *db, int64_t activity, int64_t user)
{
	struct hm_stmt	*st;
	char		**inboxes = NULL;
	size_t		 n = 0, cap = 0, i;
	const char	*s;
	int		 rc = 0;

	st = A->db_prepare(db, "SELECT DISTINCT COALESCE(NULLIF(shared_inbox, "
	    "''), inbox) FROM bridge_followers WHERE user_id = ? AND state = "
	    "'accepted'");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	while (A->db_step(st) == 1) {
		if ((s = br_col(st, 0)) == NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			inboxes = realloc(inboxes, cap * sizeof *inboxes);
			if (inboxes == NULL)
				abort();
		}
		inboxes[n++] = strdup(s);
	}
	A->db_finalize(st);
	for (i = 0; i < n; i++) {
		if (br_delivery_add(db, activity, inboxes[i]) != 0)
			rc = -1;
		free(inboxes[i]);
	}
	free(inboxes);
	return rc;
}

/*
 * A reply to someone outside goes to them too (their server's shared
 * inbox, or theirs), once: 0, or -1. Their actor was checked when their
 * post came in; one since forgotten gets the reply through followers only.
 */
int
br_deliver_replied(struct hm_db *db, int64_t activity, int64_t post)
{
	struct hm_stmt	*st;
	char		*actor;
	const char	*s;
	int		 rc = 0;

	if (br_reply_of(db, post, NULL, &actor, NULL) != 0)
		return 0;
	st = A->db_prepare(db, "SELECT COALESCE(NULLIF(shared_inbox, ''), "
	    "inbox) FROM bridge_remote_actors WHERE id = ?");
	if (st == NULL) {
		free(actor);
		return -1;
	}
	A->db_bind_text(st, 1, actor);
	if (A->db_step(st) == 1 && (s = br_col(st, 0)) != NULL)
		rc = br_delivery_add(db, activity, s);
	else
		A->log(br_self, HM_LOG_WARN, "post %lld answers %s, whose "
		    "inbox is not known: it goes to followers only",
		    (long long)post, actor);
	A->db_finalize(st);
	free(actor);
	return rc;
}

/*
 * The headers that sign one request with a key (malloc'ed, NULL-ended):
 * Date, Signature, and Digest for a body. The Host signed is the one curl
 * sends: with the port only when the URL names one. NULL if it cannot.
 */
char **
br_signed_headers(const char *key, const char *key_id, const char *method,
    const char *url, const char *body)
{
	struct httpsig_out	 out;
	CURLU			*u = curl_url();
	char			*host = NULL, *port = NULL, *path = NULL;
	char			*query = NULL, *target = NULL, *hosthdr = NULL;
	char			**h = NULL, err[256];
	size_t			 k = 0;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		query = NULL;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	target = query != NULL ? br_printf("%s?%s", path, query) :
	    strdup(path);
	hosthdr = port != NULL ? br_printf("%s:%s", host, port) :
	    strdup(host);
	if (httpsig_sign(key, key_id, method, target, hosthdr,
	    (const unsigned char *)body, body != NULL ? strlen(body) : 0,
	    time(NULL), &out, err, sizeof err) != 0) {
		A->log(br_self, HM_LOG_ERROR, "cannot sign %s %s: %s", method,
		    url, err);
		goto out;
	}
	h = calloc(4, sizeof *h);
	h[k++] = br_printf("Date: %s", out.date);
	if (out.digest != NULL)
		h[k++] = br_printf("Digest: %s", out.digest);
	h[k++] = br_printf("Signature: %s", out.signature);
	httpsig_out_free(&out);
out:
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	free(target);
	free(hosthdr);
	curl_url_cleanup(u);
	return h;
}

/* The signed headers of one hop (on the fetch thread). */
static char **
br_job_headers(void *arg, const char *method, const char *url)
{
	struct br_job	*j = arg;

	return br_signed_headers(j->key, j->key_id, method, url, j->body);
}

static void
br_job_free(struct br_job *j)
{
	free(j->inbox);
	free(j->body);
	free(j->key);
	free(j->key_id);
	free(j);
}

/* A delivery's outcome (on the fetch thread): to the writer. One cut
 * short by the stop is no outcome: its row stays sending and goes again
 * after the restart. */
static void
br_job_done(void *arg, struct fetch_result *res)
{
	struct br_job		*j = arg;
	struct br_outcome	*o;

	if (res->error == FETCH_E_SHUTDOWN) {
		pthread_mutex_lock(&lock);
		inflight--;
		pthread_mutex_unlock(&lock);
		br_job_free(j);
		return;
	}
	o = calloc(1, sizeof *o);
	o->id = j->id;
	o->status = res->status;
	o->error = res->error;
	o->why = res->why != NULL ? strdup(res->why) : NULL;
	pthread_mutex_lock(&lock);
	o->next = outcomes;
	outcomes = o;
	inflight--;
	pthread_mutex_unlock(&lock);
	br_job_free(j);
	br_kick();
}

/* Seconds before retry n (1, 2, ...): doubling, capped, with jitter. */
static int64_t
br_backoff(int64_t attempts)
{
	int64_t	s = BACKOFF_FIRST;

	while (--attempts > 0 && s < BACKOFF_MAX)
		s *= 2;
	if (s > BACKOFF_MAX)
		s = BACKOFF_MAX;
	/* up to a fifth either way, so that retries spread out */
	return s - s / 5 + (int64_t)(random() % (2 * (s / 5) + 1));
}

/* Whether an answer means "never send this again". */
static int
br_permanent(const struct br_outcome *o)
{
	if (o->error == FETCH_E_REFUSED_ADDRESS || o->error ==
	    FETCH_E_BAD_URL || o->error == FETCH_E_TOO_MANY_REDIRECTS)
		return 1;
	/* 401: the peer may not have our key yet; 408 and 429: later. */
	return o->error == FETCH_OK && o->status >= 400 && o->status < 500 &&
	    o->status != 401 && o->status != 408 && o->status != 429;
}

/* A host's run of failures: pause it after several in a row, for longer
 * each time (a minute, doubling, at most an hour). */
static void
br_host_outcome(struct hm_db *db, int64_t delivery, int ok, const char *why)
{
	struct hm_stmt	*st;
	int64_t		 failures = 0, pause = 0;
	char		*host = NULL;

	if ((st = A->db_prepare(db, "SELECT d.host, COALESCE(h.failures, 0) "
	    "FROM bridge_deliveries d LEFT JOIN bridge_hosts h ON h.host = "
	    "d.host WHERE d.id = ?")) == NULL)
		return;
	A->db_bind_int(st, 1, delivery);
	if (A->db_step(st) == 1) {
		host = strdup(A->db_column_text(st, 0));
		failures = A->db_column_int(st, 1);
	}
	A->db_finalize(st);
	if (host == NULL)
		return;
	if (ok && failures == 0) {	/* the usual case: nothing to write */
		free(host);
		return;
	}
	failures = ok ? 0 : failures + 1;
	if (failures >= HOST_PAUSE_AFTER) {
		int64_t	k = failures - HOST_PAUSE_AFTER;

		pause = 60;
		while (k-- > 0 && pause < HOST_PAUSE_MAX)
			pause *= 2;
		if (pause > HOST_PAUSE_MAX)
			pause = HOST_PAUSE_MAX;
	}
	st = A->db_prepare(db, "INSERT INTO bridge_hosts (host, failures, "
	    "paused_until, last_error) VALUES (?1, ?2, ?3, ?4) ON CONFLICT "
	    "(host) DO UPDATE SET failures = ?2, paused_until = ?3, "
	    "last_error = COALESCE(?4, last_error)");
	if (st != NULL) {
		A->db_bind_text(st, 1, host);
		A->db_bind_int(st, 2, ok ? 0 : failures);
		A->db_bind_int(st, 3, pause > 0 ? br_now() + pause : 0);
		if (why != NULL)
			A->db_bind_text(st, 4, why);
		else
			A->db_bind_null(st, 4);
		A->db_step(st);
		A->db_finalize(st);
	}
	if (pause > 0)
		A->log(br_self, HM_LOG_WARN, "%s keeps failing (%s): paused "
		    "for %lld s", host, why != NULL ? why : "?",
		    (long long)pause);
	free(host);
}

/* Record one outcome (on the writer). */
static void
br_outcome_apply(struct hm_db *db, const struct br_outcome *o)
{
	struct hm_stmt	*st;
	char		*why = NULL;
	int64_t		 attempts = 0, created = 0, now = br_now();

	if ((st = A->db_prepare(db, "SELECT attempts, created_at FROM "
	    "bridge_deliveries WHERE id = ? AND state = 'sending'")) == NULL)
		return;
	A->db_bind_int(st, 1, o->id);
	if (A->db_step(st) != 1) {
		A->db_finalize(st);
		return;
	}
	attempts = A->db_column_int(st, 0);
	created = A->db_column_int(st, 1);
	A->db_finalize(st);

	if (o->error == FETCH_E_SHUTDOWN) {	/* not an attempt */
		st = A->db_prepare(db, "UPDATE bridge_deliveries SET state = "
		    "'pending', attempts = attempts - 1 WHERE id = ?");
		if (st != NULL) {
			A->db_bind_int(st, 1, o->id);
			A->db_step(st);
			A->db_finalize(st);
		}
		return;
	}
	if (o->error == FETCH_OK && o->status >= 200 && o->status < 300) {
		st = A->db_prepare(db, "UPDATE bridge_deliveries SET state = "
		    "'delivered', last_status = ?, last_error = NULL, done_at = "
		    "? WHERE id = ?");
		if (st != NULL) {
			A->db_bind_int(st, 1, o->status);
			A->db_bind_int(st, 2, now);
			A->db_bind_int(st, 3, o->id);
			A->db_step(st);
			A->db_finalize(st);
		}
		br_host_outcome(db, o->id, 1, NULL);
		return;
	}
	why = o->error != FETCH_OK ? strdup(o->why != NULL ? o->why :
	    fetch_error_name(o->error)) : br_printf("the inbox answered %d",
	    o->status);
	if (br_permanent(o) || now - created >= br_conf.retry_for) {
		char	*final = br_permanent(o) ? strdup(why) :
		    br_printf("gave up after %lld attempts: %s",
		    (long long)attempts, why);

		st = A->db_prepare(db, "UPDATE bridge_deliveries SET state = "
		    "'failed', last_status = ?, last_error = ?, done_at = ? "
		    "WHERE id = ?");
		if (st != NULL) {
			A->db_bind_int(st, 1, o->status);
			A->db_bind_text(st, 2, final);
			A->db_bind_int(st, 3, now);
			A->db_bind_int(st, 4, o->id);
			A->db_step(st);
			A->db_finalize(st);
		}
		A->log(br_self, HM_LOG_WARN, "delivery %lld failed: %s",
		    (long long)o->id, final);
		free(final);
	} else {
		st = A->db_prepare(db, "UPDATE bridge_deliveries SET state = "
		    "'pending', next_at = ?, last_status = ?, last_error = ? "
		    "WHERE id = ?");
		if (st != NULL) {
			A->db_bind_int(st, 1, now + br_backoff(attempts));
			A->db_bind_int(st, 2, o->status);
			A->db_bind_text(st, 3, why);
			A->db_bind_int(st, 4, o->id);
			A->db_step(st);
			A->db_finalize(st);
			st = NULL;
		}
	}
	if (o->error != FETCH_OK || o->status >= 500 || o->status == 429)
		br_host_outcome(db, o->id, 0, why);
	free(why);
}

/* Each actor's key, looked up once per claim. */
struct br_keys {
	int64_t	 user[BR_CLAIM_MAX];
	char	*key[BR_CLAIM_MAX];
	char	*key_id[BR_CLAIM_MAX];
	size_t	 n;
};

static int
br_key_of(struct hm_db *db, struct br_keys *k, int64_t user, char **key,
    char **key_id)
{
	struct br_actor	 a;
	size_t		 i;

	for (i = 0; i < k->n; i++) {
		if (k->user[i] == user)
			goto found;
	}
	if (k->n == BR_CLAIM_MAX)
		return -1;
	if (user == 0) {	/* the instance actor's (the company follows) */
		char	*priv, *pub;

		if (br_instance_key(db, &priv, &pub) != 0)
			return -1;
		i = k->n++;
		k->user[i] = 0;
		k->key[i] = priv;
		k->key_id[i] = br_printf("%s/actor#main-key", br_conf.base);
		free(pub);
		goto found;
	}
	if (br_actor_get(db, user, NULL, &a) != 0)
		return -1;
	i = k->n++;
	k->user[i] = user;
	k->key[i] = strdup(a.private_key);
	k->key_id[i] = br_printf("%s/users/%s#main-key", br_conf.base,
	    a.username);
	br_actor_free(&a);
found:
	*key = strdup(k->key[i]);
	*key_id = strdup(k->key_id[i]);
	return 0;
}

/*
 * The queue's tick (on the writer, every second and whenever kicked):
 * record what came back, then claim what is due, up to what the client
 * may have in flight, and send it.
 */
void
br_deliver_job(struct hm_db *db, void *unused)
{
	struct br_outcome	*o, *next;
	struct br_job		*jobs[BR_CLAIM_MAX];
	struct br_keys		 keys;
	struct fetch_request	 fr;
	struct hm_stmt		*st, *mark;
	struct fetcher		*f;
	size_t			 n = 0, i;
	int			 room;

	(void)unused;
	br_kick_taken();
	if (!reset_done) {	/* sending when hearthd stopped: again */
		A->db_exec(db, "UPDATE bridge_deliveries SET state = 'pending' "
		    "WHERE state = 'sending'");
		br_instance_ensure(db);
	}
	br_follow_job(db, !reset_done);
	br_mention_job(db, !reset_done);
	br_avatar_job(db, br_media_fetcher_hold(), !reset_done);
	br_fetcher_release();
	reset_done = 1;
	/* Inbound ids only need remembering while a replay could still pass
	 * the signature's clock window (an hour and five minutes): forget
	 * older ones, so outside senders cannot grow the table for ever. */
	if (br_now() - last_prune >= 60) {
		last_prune = br_now();
		if ((st = A->db_prepare(db, "DELETE FROM bridge_seen WHERE at < "
		    "?")) != NULL) {
			A->db_bind_int(st, 1, last_prune - 2 * 3600);
			A->db_step(st);
			A->db_finalize(st);
		}
	}
	pthread_mutex_lock(&lock);
	o = outcomes;
	outcomes = NULL;
	room = running ? br_conf.max_total * 2 - inflight : 0;
	pthread_mutex_unlock(&lock);
	for (; o != NULL; o = next) {
		next = o->next;
		br_outcome_apply(db, o);
		free(o->why);
		free(o);
	}
	if (room <= 0)
		return;
	if (room > BR_CLAIM_MAX)
		room = BR_CLAIM_MAX;
	if ((f = br_fetcher_hold()) == NULL) {
		br_fetcher_release();
		return;
	}

	memset(&keys, 0, sizeof keys);
	/* What is due, but no more per server than twice what the client
	 * sends to it at once (counting what is sending already): a server
	 * that never answers must not take every slot from the others. */
	st = A->db_prepare(db, "SELECT id, inbox, body, user_id FROM (SELECT "
	    "d.id, d.inbox, a.body, a.user_id, d.next_at, ROW_NUMBER() OVER "
	    "(PARTITION BY d.host ORDER BY d.next_at, d.id) AS k, (SELECT "
	    "COUNT(*) FROM bridge_deliveries s WHERE s.host = d.host AND "
	    "s.state = 'sending') AS busy FROM bridge_deliveries d JOIN "
	    "bridge_activities a ON a.id = d.activity_id WHERE d.state = "
	    "'pending' AND d.next_at <= ?1 AND d.host NOT IN (SELECT host FROM "
	    "bridge_hosts WHERE paused_until > ?1)) WHERE k + busy <= ?2 ORDER "
	    "BY next_at, id LIMIT ?3");
	mark = A->db_prepare(db, "UPDATE bridge_deliveries SET state = "
	    "'sending', attempts = attempts + 1 WHERE id = ?");
	if (st == NULL || mark == NULL)
		goto out;
	A->db_bind_int(st, 1, br_now());
	A->db_bind_int(st, 2, 2 * br_conf.max_per_host);
	A->db_bind_int(st, 3, room);
	while (n < (size_t)room && A->db_step(st) == 1) {
		struct br_job	*j = calloc(1, sizeof *j);

		j->id = A->db_column_int(st, 0);
		j->inbox = strdup(A->db_column_text(st, 1));
		j->body = strdup(A->db_column_text(st, 2));
		if (br_key_of(db, &keys, A->db_column_int(st, 3), &j->key,
		    &j->key_id) != 0) {
			br_job_free(j);
			continue;
		}
		jobs[n++] = j;
	}
	A->db_finalize(st);
	st = NULL;
	A->db_finalize(mark);
	mark = NULL;
	for (i = 0; i < n; i++) {
		if ((mark = A->db_prepare(db, "UPDATE bridge_deliveries SET "
		    "state = 'sending', attempts = attempts + 1 WHERE id = ?"))
		    == NULL)
			break;
		A->db_bind_int(mark, 1, jobs[i]->id);
		A->db_step(mark);
		A->db_finalize(mark);
		mark = NULL;
	}
	for (i = 0; i < n; i++) {
		memset(&fr, 0, sizeof fr);
		fr.method = "POST";
		fr.url = jobs[i]->inbox;
		fr.body = jobs[i]->body;
		fr.body_len = strlen(jobs[i]->body);
		fr.content_type = "application/activity+json";
		fr.accept = "application/activity+json, application/ld+json";
		fr.max_redirects = 0;
		fr.headers = br_job_headers;
		fr.headers_arg = jobs[i];
		fr.done = br_job_done;
		fr.arg = jobs[i];
		pthread_mutex_lock(&lock);
		inflight++;
		pthread_mutex_unlock(&lock);
		if (fetcher_submit(f, &fr) != 0) {
			/* stopping: it stays sending, and goes after the
			 * restart */
			pthread_mutex_lock(&lock);
			inflight--;
			pthread_mutex_unlock(&lock);
			br_job_free(jobs[i]);
		}
	}
out:
	br_fetcher_release();
	if (st != NULL)
		A->db_finalize(st);
	if (mark != NULL)
		A->db_finalize(mark);
	for (i = 0; i < keys.n; i++) {
		free(keys.key[i]);
		free(keys.key_id[i]);
	}
}

/* hearthd serves: the queue may claim. */
void
br_deliver_start(void)
{
	pthread_mutex_lock(&lock);
	running = 1;
	pthread_mutex_unlock(&lock);
}

/* hearthd stops: claim nothing more; what is in flight ends with the
 * client (its rows stay sending and go again after the restart). */
void
br_deliver_stop(void)
{
	struct br_outcome	*o, *next;

	pthread_mutex_lock(&lock);
	running = 0;
	o = outcomes;
	outcomes = NULL;
	pthread_mutex_unlock(&lock);
	for (; o != NULL; o = next) {
		next = o->next;
		free(o->why);
		free(o);
	}
}

/* Per host: pending, failed and delivered deliveries, and pauses. */
json_t *
br_deliveries_json(struct hm_db *db)
{
	struct hm_stmt	*st;
	json_t		*list = json_array();

	st = A->db_prepare(db, "SELECT d.host, SUM(d.state IN ('pending', "
	    "'sending')), SUM(d.state = 'failed'), SUM(d.state = "
	    "'delivered'), COALESCE(h.paused_until, 0), h.last_error, "
	    "COALESCE(h.failures, 0) FROM bridge_deliveries d LEFT JOIN "
	    "bridge_hosts h ON h.host = d.host GROUP BY d.host ORDER BY "
	    "d.host");
	if (st == NULL)
		return list;
	while (A->db_step(st) == 1) {
		int64_t	paused = A->db_column_int(st, 4);

		json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:b, s:I, s:s?}",
		    "host", A->db_column_text(st, 0),
		    "pending", (json_int_t)A->db_column_int(st, 1),
		    "failed", (json_int_t)A->db_column_int(st, 2),
		    "delivered", (json_int_t)A->db_column_int(st, 3),
		    "paused", paused > br_now(),
		    "failures_in_a_row", (json_int_t)A->db_column_int(st, 6),
		    "last_error", A->db_column_text(st, 5)));
	}
	A->db_finalize(st);
	return list;
}
