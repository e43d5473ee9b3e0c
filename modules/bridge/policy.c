/*
 * policy.c: who outside may talk to the company, and how much. The admins
 * decide per server (domain) and per actor, and the inbox asks here before
 * any signature work, so a blocked server costs one lookup:
 *
 *   bridge.mode = open        everyone, except blocked servers and actors
 *   bridge.mode = allowlist   only servers an admin allowed
 *
 * A domain's policy covers its subdomains ("example.com" covers
 * "social.example.com"). block: refused at the inbox (403), its followers
 * removed and nothing more delivered to it. silence: what it sends is kept
 * but tells nobody (no notifications). allow: let in under allowlist.
 *
 * The inbox is also held to a rate per server and per actor (token
 * buckets in memory, refilled continuously): beyond it, 429 with
 * Retry-After, before any signature work. And a JSON body nested deeper
 * than a note ever is is refused before it is parsed.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"

#define A	br_api

/* ---------------------------------------------------------------- policy */

static const char *const policies[] = { "block", "silence", "allow" };

/* Whether s names a policy. */
int
br_policy_valid(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof policies / sizeof policies[0]; i++) {
		if (strcmp(s, policies[i]) == 0)
			return 1;
	}
	return 0;
}

/* A domain as stored: lower-case, no port, no trailing dot; NULL if it
 * is not a host name (malloc'ed). */
char *
br_domain_norm(const char *in)
{
	char	*d, *w;
	size_t	 n;

	if (in == NULL || *in == '\0' || strlen(in) > 253)
		return NULL;
	d = strdup(in);
	for (w = d; *w != '\0'; w++) {
		*w = (char)tolower((unsigned char)*w);
		if (!isalnum((unsigned char)*w) && *w != '-' && *w != '.' &&
		    *w != ':' && *w != '_') {
			free(d);
			return NULL;
		}
	}
	if ((w = strchr(d, ':')) != NULL && strchr(w + 1, ':') == NULL)
		*w = '\0';	/* host:port: the host */
	n = strlen(d);
	while (n > 0 && d[n - 1] == '.')
		d[--n] = '\0';
	if (n == 0 || d[0] == '.') {
		free(d);
		return NULL;
	}
	return d;
}

/*
 * The policy that covers host (the most specific domain listed), or NULL
 * (malloc'ed). host may carry a port.
 */
char *
br_domain_policy(struct hm_db *db, const char *host)
{
	struct hm_stmt	*st;
	char		*d = br_domain_norm(host), *policy = NULL;
	const char	*p;

	/* the host, then each domain above it: a.b.example.com,
	 * b.example.com, example.com, com */
	for (p = d; p != NULL && policy == NULL; p = strchr(p, '.') ?
	    strchr(p, '.') + 1 : NULL) {
		if ((st = A->db_prepare(db, "SELECT policy FROM bridge_domains "
		    "WHERE domain = ?")) == NULL)
			break;
		A->db_bind_text(st, 1, p);
		if (A->db_step(st) == 1)
			policy = strdup(A->db_column_text(st, 0));
		A->db_finalize(st);
	}
	free(d);
	return policy;
}

/* Whether domain (normalised) covers host: it, or a subdomain of it. */
static int
br_domain_covers(const char *domain, const char *host)
{
	char	*h = br_domain_norm(host);
	size_t	 n, m;
	int	 yes = 0;

	if (h != NULL) {
		n = strlen(h);
		m = strlen(domain);
		yes = strcmp(h, domain) == 0 || (n > m && h[n - m - 1] == '.' &&
		    strcmp(h + n - m, domain) == 0);
	}
	free(h);
	return yes;
}

/*
 * Why an actor (its id, on its host) may not talk to the company, or
 * NULL if it may. A static string.
 */
const char *
br_policy_refusal(struct hm_db *db, const char *actor)
{
	struct hm_stmt	*st;
	char		*host = br_host_of(actor), *policy;
	const char	*why = NULL;
	int		 blocked = 0;

	if (host == NULL)
		return "the actor is not an http(s) URL";
	policy = br_domain_policy(db, host);
	if (policy != NULL && strcmp(policy, "block") == 0)
		why = "this server is blocked by the company";
	else if (br_conf.allowlist && (policy == NULL ||
	    strcmp(policy, "allow") != 0))
		why = "the company talks only to servers it allowed";
	free(policy);
	free(host);
	if (why != NULL)
		return why;
	if ((st = A->db_prepare(db, "SELECT 1 FROM bridge_blocked_actors "
	    "WHERE actor = ?")) != NULL) {
		A->db_bind_text(st, 1, actor);
		blocked = A->db_step(st) == 1;
		A->db_finalize(st);
	}
	return blocked ? "this account is blocked by the company" : NULL;
}

/* Whether what actor sends tells nobody (its server is silenced). */
int
br_policy_silenced(struct hm_db *db, const char *actor)
{
	char	*host = br_host_of(actor), *policy;
	int	 yes;

	if (host == NULL)
		return 0;
	policy = br_domain_policy(db, host);
	yes = policy != NULL && strcmp(policy, "silence") == 0;
	free(policy);
	free(host);
	return yes;
}

/* Whether deliveries to host are refused (a blocked server). */
int
br_policy_blocks_host(struct hm_db *db, const char *host)
{
	char	*policy = br_domain_policy(db, host);
	int	 yes = policy != NULL && strcmp(policy, "block") == 0;

	free(policy);
	return yes;
}

/* The followers on a blocked domain leave. */
static void
br_block_followers(struct hm_db *db, const char *domain)
{
	struct hm_stmt	*st, *del;
	char		*host;

	if ((st = A->db_prepare(db, "SELECT id, actor FROM bridge_followers"))
	    == NULL)
		return;
	while (A->db_step(st) == 1) {
		host = br_host_of(A->db_column_text(st, 1));
		if (host != NULL && br_domain_covers(domain, host) &&
		    (del = A->db_prepare(db, "DELETE FROM bridge_followers "
		    "WHERE id = ?")) != NULL) {
			A->db_bind_int(del, 1, A->db_column_int(st, 0));
			A->db_step(del);
			A->db_finalize(del);
		}
		free(host);
	}
	A->db_finalize(st);
}

/* What waits for a blocked domain is given up. */
static void
br_block_deliveries(struct hm_db *db, const char *domain)
{
	struct hm_stmt	*st, *up;

	if ((st = A->db_prepare(db, "SELECT DISTINCT host FROM "
	    "bridge_deliveries WHERE state IN ('pending', 'sending')")) == NULL)
		return;
	while (A->db_step(st) == 1) {
		if (!br_domain_covers(domain, A->db_column_text(st, 0)) ||
		    (up = A->db_prepare(db, "UPDATE bridge_deliveries SET "
		    "state = 'failed', last_error = 'the server is blocked', "
		    "done_at = ? WHERE host = ? AND state IN ('pending', "
		    "'sending')")) == NULL)
			continue;
		A->db_bind_int(up, 1, br_now());
		A->db_bind_text(up, 2, A->db_column_text(st, 0));
		A->db_step(up);
		A->db_finalize(up);
	}
	A->db_finalize(st);
}

/*
 * Set a domain's policy (or remove it: policy NULL) on the writer or
 * hearthctl's connection, by user (0: the console). A block also ends
 * what the server had: its followers go and its pending deliveries fail.
 * HM_OK, or HM_INVALID with *cause.
 */
int
br_domain_set(struct hm_db *db, const char *domain, const char *policy,
    const char *note, int64_t by, char **cause)
{
	struct hm_stmt	*st;
	char		*d = br_domain_norm(domain);
	int		 rc = -1;

	if (d == NULL) {
		*cause = strdup("not a domain name (like social.example.com)");
		return HM_INVALID;
	}
	if (policy != NULL && !br_policy_valid(policy)) {
		*cause = strdup("the policy must be block, silence or allow");
		free(d);
		return HM_INVALID;
	}
	if (policy == NULL)
		st = A->db_prepare(db, "DELETE FROM bridge_domains WHERE domain "
		    "= ?");
	else
		st = A->db_prepare(db, "INSERT INTO bridge_domains (domain, "
		    "policy, note, created_at, created_by) VALUES (?, ?, ?, ?, "
		    "?) ON CONFLICT (domain) DO UPDATE SET policy = "
		    "excluded.policy, note = excluded.note, created_at = "
		    "excluded.created_at, created_by = excluded.created_by");
	if (st == NULL)
		goto out;
	A->db_bind_text(st, 1, d);
	if (policy != NULL) {
		A->db_bind_text(st, 2, policy);
		A->db_bind_text(st, 3, note != NULL && *note != '\0' ? note :
		    NULL);
		A->db_bind_int(st, 4, br_now());
		if (by != 0)
			A->db_bind_int(st, 5, by);
		else
			A->db_bind_null(st, 5);
	}
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	if (rc != HM_OK || policy == NULL || strcmp(policy, "block") != 0)
		goto out;
	/* The server and its subdomains: followers gone, nothing more sent. */
	br_block_followers(db, d);
	br_block_deliveries(db, d);
out:
	free(d);
	return rc;
}

/* Block or unblock one actor (its id URL). HM_OK, or HM_INVALID. */
int
br_actor_block(struct hm_db *db, const char *actor, int on, int64_t by,
    char **cause)
{
	struct hm_stmt	*st;
	char		*host = br_host_of(actor);
	int		 rc;

	if (host == NULL) {
		*cause = strdup("an actor is its id, an http(s) URL");
		return HM_INVALID;
	}
	free(host);
	st = A->db_prepare(db, on ? "INSERT OR IGNORE INTO "
	    "bridge_blocked_actors (actor, created_at, created_by) VALUES "
	    "(?, ?, ?)" : "DELETE FROM bridge_blocked_actors WHERE actor = ?");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, actor);
	if (on) {
		A->db_bind_int(st, 2, br_now());
		if (by != 0)
			A->db_bind_int(st, 3, by);
		else
			A->db_bind_null(st, 3);
	}
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	if (rc == HM_OK && on && (st = A->db_prepare(db, "DELETE FROM "
	    "bridge_followers WHERE actor = ?")) != NULL) {
		A->db_bind_text(st, 1, actor);
		A->db_step(st);
		A->db_finalize(st);
	}
	return rc;
}

/* ---------------------------------------------------------------- rates */

/*
 * Token buckets, one per key (a server, an actor), in a fixed table: a
 * key hashes to a slot, and a slot taken by another key is taken over
 * when that key's bucket is full again (idle). Under a flood of many
 * keys, colliding keys share a bucket: never more than the rate each.
 */
#define RATE_SLOTS	4096

struct bucket {
	uint64_t	 key;
	double		 tokens;
	double		 at;		/* seconds, monotonic */
};

static struct bucket	 hosts[RATE_SLOTS], actors[RATE_SLOTS];
static pthread_mutex_t	 rate_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
rate_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1;		/* 0: an empty slot */
}

static double
rate_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Take a token for key at rate per second (burst: 4 seconds' worth):
 * 0, or the seconds until one is there. */
static int
rate_take(struct bucket *table, const char *key, double rate, double now)
{
	uint64_t	 h = rate_hash(key);
	struct bucket	*b = &table[h % RATE_SLOTS];
	double		 burst = rate * 4;

	if (b->key != h) {
		double	refilled = b->tokens + (now - b->at) * rate;

		if (b->key != 0 && refilled < burst)
			goto take;	/* busy with another key: share it */
		b->key = h;
		b->tokens = burst;
		b->at = now;
	}
take:
	b->tokens += (now - b->at) * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at = now;
	if (b->tokens < 1) {
		int	wait = (int)((1 - b->tokens) / rate) + 1;

		return wait;
	}
	b->tokens -= 1;
	return 0;
}

/*
 * May actor (on host) send one more activity now? 0, or the seconds to
 * wait (for Retry-After). Both the server's and the actor's rates apply.
 */
int
br_rate_check(const char *host, const char *actor)
{
	double	now = rate_now();
	int	wait;

	pthread_mutex_lock(&rate_lock);
	wait = rate_take(hosts, host, br_conf.rate_host, now);
	if (wait == 0)
		wait = rate_take(actors, actor, br_conf.rate_actor, now);
	pthread_mutex_unlock(&rate_lock);
	return wait;
}

/* ---------------------------------------------------------------- JSON */

/* Whether a JSON text nests no deeper than max (strings skipped). */
int
br_json_depth_ok(const char *s, size_t len, int max)
{
	int	depth = 0, in_string = 0;
	size_t	i;

	for (i = 0; i < len; i++) {
		char	c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '{' || c == '[') {
			if (++depth > max)
				return 0;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return 1;
}

/* ---------------------------------------------------------------- web */

/* The domains with a policy, and the blocked actors, as JSON. */
static json_t *
br_policies_json(struct hm_db *db)
{
	struct hm_stmt	*st;
	json_t		*o = json_object(), *d = json_array(), *a = json_array();

	if ((st = A->db_prepare(db, "SELECT domain, policy, COALESCE(note, "
	    "'') FROM bridge_domains ORDER BY policy, domain")) != NULL) {
		while (A->db_step(st) == 1)
			json_array_append_new(d, json_pack("{s:s, s:s, s:s}",
			    "domain", A->db_column_text(st, 0), "policy",
			    A->db_column_text(st, 1), "note",
			    A->db_column_text(st, 2)));
		A->db_finalize(st);
	}
	if ((st = A->db_prepare(db, "SELECT actor FROM bridge_blocked_actors "
	    "ORDER BY actor")) != NULL) {
		while (A->db_step(st) == 1)
			json_array_append_new(a, json_pack("{s:s}", "actor",
			    A->db_column_text(st, 0)));
		A->db_finalize(st);
	}
	json_object_set_new(o, "domains", d);
	json_object_set_new(o, "actors", a);
	return o;
}

static int
br_web_domains_page(struct hm_req *r, int status, const char *error)
{
	json_t	*v = A->view(r, "Who may talk to the company");
	json_t	*p = br_policies_json(A->req_db(r));

	json_object_set(v, "domains", json_object_get(p, "domains"));
	json_object_set(v, "actors", json_object_get(p, "actors"));
	json_object_set_new(v, "has_domains", json_boolean(json_array_size(
	    json_object_get(p, "domains")) > 0));
	json_object_set_new(v, "allowlist", json_boolean(br_conf.allowlist));
	json_decref(p);
	if (error != NULL) {
		json_object_set_new(v, "error", json_string(error));
		json_object_set_new(v, "domain", json_string(A->req_param(r,
		    "domain") ? A->req_param(r, "domain") : ""));
	}
	A->reply_html(r, status, "bridge/domains", v);
	return HM_DONE;
}

/* GET /bridge/domains (admins) */
int
br_web_domains(struct hm_req *r)
{
	return br_web_domains_page(r, 200, NULL);
}

struct br_domain_form {
	const char	*what;		/* block, silence, allow, remove,
					   unblock (an actor) */
	const char	*target;
	const char	*note;
};

static int
br_domain_form_write(struct hm_req *r, struct hm_db *db, void *arg,
    char **cause)
{
	struct br_domain_form	*f = arg;

	if (strcmp(f->what, "unblock") == 0)
		return br_actor_block(db, f->target, 0, A->req_user(r), cause);
	return br_domain_set(db, f->target, strcmp(f->what, "remove") == 0 ?
	    NULL : f->what, f->note, A->req_user(r), cause);
}

static void
br_domain_form_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	(void)arg;
	if (rc == HM_INVALID) {
		br_web_domains_page(r, 422, cause);
		return;
	}
	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The policy could not be saved.");
		return;
	}
	A->redirect(r, "/bridge/domains");
}

/* POST /bridge/domains (admins): policy=block|silence|allow|remove and
 * domain, with a note; or policy=unblock and actor */
int
br_web_domains_save(struct hm_req *r)
{
	struct br_domain_form	*f = A->req_alloc(r, sizeof *f);

	f->what = A->req_param(r, "policy");
	if (f->what == NULL || (!br_policy_valid(f->what) &&
	    strcmp(f->what, "remove") != 0 && strcmp(f->what, "unblock") != 0))
		return br_web_domains_page(r, 422, "Choose block, silence or "
		    "allow.");
	f->target = A->req_param(r, strcmp(f->what, "unblock") == 0 ?
	    "actor" : "domain");
	if (f->target == NULL || *f->target == '\0')
		return br_web_domains_page(r, 422, "Say which domain.");
	f->note = A->req_param(r, "note");
	return A->write(r, br_domain_form_write, br_domain_form_reply, f);
}
