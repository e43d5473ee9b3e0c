/*
 * follow.c: employees following people outside ("outside voices").
 *
 * hearth follows each outside account once, as the company's instance
 * actor, however many employees follow it: no server outside learns who
 * inside follows whom. The employees' follows are the core's (the Follow
 * button on /@name@host, POST /api/v1/accounts/:id/follow, `hearthctl
 * bridge follow`); the first one makes the bridge send Follow, the last
 * unfollow sends Undo(Follow). What a followed account posts publicly
 * comes in (inbound.c) and shows in its followers' home feeds.
 *
 * Someone new is found by search ("@name@host", or the address of their
 * profile): WebFinger, then the actor, fetched off the loop and checked as
 * remote.c checks keys; the search waits for it. bridge.follow says who
 * may follow outside at all (everyone, opted_in, nobody); blocked servers
 * are never looked up or followed.
 *
 * Company follows (bridge_voices.state): none (known, nobody follows),
 * want (someone follows: Follow to send), pending (sent), accepted,
 * rejected.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"

#define A	br_api
#define LOOKUPS_MAX	8	/* lookups in flight at once */
#define LOOKUP_FRESH	600	/* seconds a looked-up account is fresh */
#define RECENT_MAX	20	/* a profile's recent posts brought in */
#define ACCEPT_AP	"application/activity+json, application/ld+json; " \
			"profile=\"https://www.w3.org/ns/activitystreams\""


/* One lookup on its way: WebFinger for name@host, then the actor. */
struct br_lookup {
	struct fetcher	*f;
	char		*acct;		/* name@host, or NULL (a URL) */
	br_lookup_fn	 fn;
	void		*arg;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static int		 inflight;	/* under lock */

/* A string member, or NULL. */
static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Who may follow outside: NULL, or why not (static words). */
static const char *
br_follow_refusal(struct hm_db *db, int64_t user)
{
	struct br_actor	 a;
	int		 on;

	if (br_conf.follow == BR_FOLLOW_NOBODY)
		return "Following people outside the company is turned off "
		    "here.";
	if (br_conf.follow == BR_FOLLOW_OPTED_IN) {
		on = br_actor_get(db, user, NULL, &a) == 0 &&
		    a.disabled_at == 0;
		if (a.user_id != 0)
			br_actor_free(&a);
		if (!on)
			return "Only people visible outside may follow people "
			    "outside the company: turn it on under Settings "
			    "→ Outside first.";
	}
	return NULL;
}

/* name@host (a leading @ allowed) split into a malloc'ed "name@host" and
 * its host; NULL if it is not one. */
static char *
br_acct_parse(const char *q, const char **host)
{
	const char	*at;

	if (*q == '@')
		q++;
	if ((at = strchr(q, '@')) == NULL || at == q || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strpbrk(q, " /?#") != NULL ||
	    strlen(q) > 300)
		return NULL;
	*host = at + 1;
	return strdup(q);
}

static void
br_lookup_end(struct br_lookup *l, struct br_remote *r, const char *why)
{
	pthread_mutex_lock(&lock);
	inflight--;
	pthread_mutex_unlock(&lock);
	l->fn(l->arg, r, why);
	free(l->acct);
	free(l);
}

/* The actor's outcome (fetch thread). */
static void
br_lookup_actor(void *arg, struct br_remote *r, const char *why)
{
	br_lookup_end(arg, r, why);
}

/* WebFinger's answer: on to the actor it names. */
static void
br_lookup_webfinger(void *arg, struct fetch_result *res)
{
	struct br_lookup	*l = arg;
	json_t			*doc, *links, *link;
	const char		*type, *rel;
	char			*href = NULL;
	size_t			 i;

	if (res->error != FETCH_OK || res->status != 200) {
		br_lookup_end(l, NULL, res->why != NULL ? res->why :
		    "WebFinger did not find the account");
		return;
	}
	doc = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES,
	    NULL);
	links = json_object_get(doc, "links");
	json_array_foreach(links, i, link) {
		type = str_of(link, "type");
		rel = str_of(link, "rel");
		if (rel != NULL && strcmp(rel, "self") == 0 && type != NULL &&
		    (strcmp(type, "application/activity+json") == 0 ||
		    strncmp(type, "application/ld+json", 19) == 0) &&
		    str_of(link, "href") != NULL) {
			href = strdup(str_of(link, "href"));
			break;
		}
	}
	json_decref(doc);
	if (href == NULL) {
		br_lookup_end(l, NULL, "WebFinger names no ActivityPub actor");
		return;
	}
	/* The actor is fetched and checked as a signer's would be (its id,
	 * its key, its host); the lookup ends in its callback. */
	br_remote_fetch_actor(l->f, href, br_lookup_actor, l);
	free(href);
}

/*
 * Look someone up outside with the client f (held by the caller): what is
 * name@host or an http(s) address. fn(arg, actor or NULL, why) runs once,
 * on the fetch thread (or at once when it cannot start). -1 when too many
 * lookups are under way (fn is not called).
 */
int
br_lookup(struct fetcher *f, const char *what, br_lookup_fn fn, void *arg)
{
	struct br_lookup	*l;
	struct fetch_request	 fr;
	const char		*host;
	char			*url;

	pthread_mutex_lock(&lock);
	if (inflight >= LOOKUPS_MAX) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	inflight++;
	pthread_mutex_unlock(&lock);
	l = calloc(1, sizeof *l);
	l->f = f;
	l->fn = fn;
	l->arg = arg;
	if (f == NULL) {
		br_lookup_end(l, NULL, "the bridge is not running");
		return 0;
	}
	if (strncmp(what, "https://", 8) == 0 ||
	    strncmp(what, "http://", 7) == 0) {
		br_remote_fetch_actor(f, what, br_lookup_actor, l);
		return 0;
	}
	if ((l->acct = br_acct_parse(what, &host)) == NULL) {
		br_lookup_end(l, NULL, "expected name@host or an address");
		return 0;
	}
	host = strchr(l->acct, '@') + 1;
	/* https, as every server; plain http only in the loopback tests
	 * (bridge.allow_private_addresses). */
	url = br_printf("%s://%s/.well-known/webfinger?resource=acct:%s",
	    br_conf.allow_loopback ? "http" : "https", host, l->acct);
	memset(&fr, 0, sizeof fr);
	fr.method = "GET";
	fr.url = url;
	fr.accept = "application/jrd+json, application/json";
	fr.max_redirects = 3;
	fr.headers = br_sign_get;
	fr.done = br_lookup_webfinger;
	fr.arg = l;
	if (fetcher_submit(f, &fr) != 0)
		br_lookup_end(l, NULL, "the outbound client is stopping");
	free(url);
	return 0;
}

/*
 * Keep what a lookup found (writer): the actor's key and inbox, its
 * outside account, and a company-follow row. The account's id, or -1.
 */
static int64_t
br_voice_save(struct hm_db *db, const struct br_remote *r)
{
	struct hm_stmt	*st;
	char		*cause = NULL;
	int64_t		 id;

	if (br_remote_save(db, r) != 0 ||
	    (id = br_account_save(db, r, &cause)) < 0) {
		A->log(br_self, HM_LOG_WARN, "%s: could not be kept: %s",
		    r->id, cause != NULL ? cause : A->db_error(db));
		A->free(cause);
		return -1;
	}
	if ((st = A->db_prepare(db, "INSERT INTO bridge_voices (account_id, "
	    "actor, state, looked_at, changed_at) VALUES (?1, ?2, 'none', "
	    "?3, ?3) ON CONFLICT (account_id) DO UPDATE SET looked_at = ?3"))
	    == NULL)
		return -1;
	A->db_bind_int(st, 1, id);
	A->db_bind_text(st, 2, r->id);
	A->db_bind_int(st, 3, br_now());
	A->db_step(st);
	A->db_finalize(st);
	return id;
}

/* A search waiting for a lookup. */
struct br_resolving {
	struct hm_req	*r;
	void		 (*done)(struct hm_req *, void *);
	void		*arg;
	struct fetcher	*f;
	struct br_remote remote;
	json_t		*recent;	/* Create activities from the outbox */
	int		 paged;		/* fetched the outbox's first page */
};

/* On the writer: keep what was found. */
static int
br_resolve_keep(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct br_resolving	*w = arg;

	json_t			*act;
	char			*why = NULL;
	size_t			 i;

	(void)r;
	(void)cause;
	if (br_policy_blocks_host(db, w->remote.host) ||
	    br_voice_save(db, &w->remote) < 0)
		return HM_OK;
	/* oldest first, so that ids follow their order there */
	for (i = json_array_size(w->recent); i > 0; i--) {
		act = json_array_get(w->recent, i - 1);
		if (br_in_note(db, &w->remote, act, BR_NOTE_RECENT, &why) !=
		    HM_OK)
			A->log(br_self, HM_LOG_INFO, "profile %s: a recent post "
			    "was not kept: %s", w->remote.id, why ? why : "?");
		free(why);
		why = NULL;
	}
	return HM_OK;
}

/* Committed (on the loop): the search goes on, and finds it. */
static void
br_resolve_kept(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_resolving	*w = arg;

	(void)rc;
	(void)cause;
	br_remote_free(&w->remote);
	json_decref(w->recent);
	w->done(r, w->arg);
	free(w);
}

/* Back on the loop with what was found: keep it, then search. */
static void
br_resolve_write(struct hm_req *r, void *arg)
{
	struct br_resolving	*w = arg;

	if (A->write(r, br_resolve_keep, br_resolve_kept, w) != HM_ASYNC) {
		/* the writer is busy (answered 503) */
		br_remote_free(&w->remote);
		json_decref(w->recent);
		free(w);
	}
}

static void	br_recent_get(struct br_resolving *, const char *);

/* Keep a page's public Create activities with their objects embedded. */
static void
br_recent_take(struct br_resolving *w, json_t *items)
{
	json_t		*act, *obj;
	const char	*type;
	size_t		 i;

	json_array_foreach(items, i, act) {
		if (json_array_size(w->recent) >= RECENT_MAX)
			break;
		obj = json_object_get(act, "object");
		type = br_json_str(act, "type");
		if (type != NULL && strcmp(type, "Create") == 0 &&
		    json_is_object(obj))
			json_array_append(w->recent, act);
	}
}

/* The outbox, then its first page (fetch thread): on to the write. */
static void
br_recent_done(void *arg, struct fetch_result *res)
{
	struct br_resolving	*w = arg;
	json_t			*doc = NULL, *first, *items;
	const char		*next = NULL;

	if (res->error == FETCH_OK && res->status == 200 &&
	    br_ap_type(res->content_type))
		doc = json_loadb(res->body, res->body_len,
		    JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(doc)) {
		items = json_object_get(doc, "orderedItems");
		if (!json_is_array(items))
			items = json_object_get(doc, "items");
		first = json_object_get(doc, "first");
		if (json_is_array(items))
			br_recent_take(w, items);
		else if (json_is_object(first))
			br_recent_take(w, json_is_array(json_object_get(first,
			    "orderedItems")) ? json_object_get(first,
			    "orderedItems") : json_object_get(first, "items"));
		else if (!w->paged && json_is_string(first) &&
		    br_same_host(json_string_value(first), w->remote.id))
			next = json_string_value(first);
	}
	if (next != NULL) {
		w->paged = 1;
		br_recent_get(w, next);
		json_decref(doc);
		return;
	}
	json_decref(doc);
	A->req_resume(w->r, br_resolve_write, w);
}

/* GET an outbox (page), signed as the instance actor. */
static void
br_recent_get(struct br_resolving *w, const char *url)
{
	struct fetch_request	 fr;

	memset(&fr, 0, sizeof fr);
	fr.method = "GET";
	fr.url = url;
	fr.accept = ACCEPT_AP;
	fr.max_redirects = 0;
	fr.headers = br_sign_get;
	fr.done = br_recent_done;
	fr.arg = w;
	if (fetcher_submit(w->f, &fr) != 0)
		A->req_resume(w->r, br_resolve_write, w);
}

/* The lookup's outcome (fetch thread). */
static void
br_resolve_found(void *arg, struct br_remote *r, const char *why)
{
	struct br_resolving	*w = arg;

	if (r == NULL) {
		if (r == NULL)
			A->log(br_self, HM_LOG_INFO, "search: not found "
			    "outside: %s", why != NULL ? why : "?");
		A->req_resume(w->r, w->done, w->arg);
		free(w);
		return;
	}
	/* Handed over: the strings are the write's now. Their recent
	 * public posts come too, from the outbox's first page. */
	w->remote = *r;
	memset(r, 0, sizeof *r);
	w->recent = json_array();
	if (w->remote.outbox != NULL)
		br_recent_get(w, w->remote.outbox);
	else
		A->req_resume(w->r, br_resolve_write, w);
}

/* Whether host[:port] is this company's own (inside or outside name). */
static int
br_host_ours(const char *host)
{
	char	*inside = br_host_of(A->base_url());
	int	 ours;

	ours = strcasecmp(host, br_conf.host) == 0 || (inside != NULL &&
	    strcasecmp(host, inside) == 0);
	free(inside);
	return ours;
}

/*
 * The resolve hook (on the loop): q names someone outside that this
 * person may follow, on a server that is not blocked, not looked up in the
 * last minutes: look them up, and let the search wait.
 */
int
br_resolve(struct hm_req *r, const char *q,
    void (*done)(struct hm_req *, void *), void *arg)
{
	struct hm_db		*db = A->req_db(r);
	struct br_resolving	*w;
	struct hm_stmt		*st;
	struct fetcher		*f;
	const char		*host = NULL;
	char			*acct = NULL, *uhost = NULL;
	int			 fresh = 0, rc;

	if (br_follow_refusal(db, A->req_user(r)) != NULL)
		return 0;
	if (strncmp(q, "https://", 8) == 0 || strncmp(q, "http://", 7) == 0) {
		if (strlen(q) > 2048 || (uhost = br_host_of(q)) == NULL)
			return 0;
		host = uhost;
	} else if ((acct = br_acct_parse(q, &host)) == NULL)
		return 0;
	else
		host = strchr(acct, '@') + 1;
	if (br_host_ours(host) || br_policy_blocks_host(db, host)) {
		free(acct);
		free(uhost);
		return 0;
	}
	/* Known and looked up lately: the search finds it as it is. */
	if ((st = A->db_prepare(db, "SELECT v.looked_at FROM bridge_voices v "
	    "JOIN bridge_remote_actors a ON a.id = v.actor WHERE (a.id = ?1 "
	    "OR a.url = ?1 OR (a.username || '@' || a.host) = ?2) AND "
	    "v.looked_at > ?3")) != NULL) {
		A->db_bind_text(st, 1, q);
		A->db_bind_text(st, 2, acct != NULL ? acct : "");
		A->db_bind_int(st, 3, br_now() - LOOKUP_FRESH);
		fresh = A->db_step(st) == 1;
		A->db_finalize(st);
	}
	free(uhost);
	if (fresh) {
		free(acct);
		return 0;
	}
	w = calloc(1, sizeof *w);
	w->r = r;
	w->done = done;
	w->arg = arg;
	f = br_key_fetcher_hold();
	w->f = f;
	rc = br_lookup(f, acct != NULL ? acct : q, br_resolve_found, w);
	br_fetcher_release();
	free(acct);
	if (rc != 0) {
		free(w);
		return 0;	/* busy: search what is known */
	}
	return 1;
}

/* before_follow: may this person follow this outside account? */
int
br_before_follow(struct hm_req *r, int64_t account, struct hm_refusal *f)
{
	struct hm_db	*db = A->req_db(r);
	const char	*why;
	char		*actor, *host;
	int		 n, blocked;

	if ((why = br_follow_refusal(db, A->req_user(r))) != NULL) {
		f->reason = why;
		if (br_conf.follow == BR_FOLLOW_OPTED_IN) {
			f->link = "/bridge/settings";
			f->link_text = "Settings → Outside";
		}
		return 1;
	}
	if ((actor = A->outside_account_of(db, account, &n)) == NULL)
		return 0;
	host = br_host_of(actor);
	blocked = host == NULL || br_policy_blocks_host(db, host);
	free(host);
	A->free(actor);
	if (blocked) {
		f->reason = "The company does not talk to this server.";
		return 1;
	}
	return 0;
}

/* after_follow: someone follows an outside account; the company follows
 * it, if it did not already. */
void
br_after_follow(struct hm_db *db, int64_t follower, int64_t account)
{
	struct hm_stmt	*st;
	char		*actor;
	int		 n;

	(void)follower;
	if ((actor = A->outside_account_of(db, account, &n)) == NULL)
		return;
	if ((st = A->db_prepare(db, "INSERT INTO bridge_voices (account_id, "
	    "actor, state, changed_at) VALUES (?1, ?2, 'want', ?3) ON CONFLICT "
	    "(account_id) DO UPDATE SET state = 'want', error = NULL, "
	    "changed_at = ?3 WHERE state IN ('none', 'rejected')")) != NULL) {
		A->db_bind_int(st, 1, account);
		A->db_bind_text(st, 2, actor);
		A->db_bind_int(st, 3, br_now());
		A->db_step(st);
		A->db_finalize(st);
	}
	A->free(actor);
	br_kick();
}

/* The outside inbox of an actor known here, or NULL. */
static char *
br_inbox_of(struct hm_db *db, const char *actor)
{
	struct hm_stmt	*st;
	char		*inbox = NULL;

	if ((st = A->db_prepare(db, "SELECT inbox FROM bridge_remote_actors "
	    "WHERE id = ?")) == NULL)
		return NULL;
	A->db_bind_text(st, 1, actor);
	if (A->db_step(st) == 1)
		inbox = strdup(A->db_column_text(st, 0));
	A->db_finalize(st);
	return inbox;
}

/* Queue an activity of the instance actor to actor's inbox; 0 or -1. */
static int
br_instance_send(struct hm_db *db, const char *type, const char *id,
    const char *actor, json_t *object)
{
	json_t	*act;
	char	*me = br_printf("%s/actor", br_conf.base), *inbox;
	int64_t	 aid;
	int	 rc = -1;

	if ((inbox = br_inbox_of(db, actor)) != NULL) {
		act = br_activity(type, id, me, object);
		if ((aid = br_activity_add(db, 0, type, 0, act)) > 0 &&
		    br_delivery_add(db, aid, inbox) == 0)
			rc = 0;
		json_decref(act);
	} else
		json_decref(object);
	free(inbox);
	free(me);
	return rc;
}

/* after_unfollow: when nobody inside follows the account any more, the
 * company stops following it. */
void
br_after_unfollow(struct hm_db *db, int64_t follower, int64_t account)
{
	struct hm_stmt	*st;
	char		*actor, *state = NULL, *follow_id = NULL;
	int		 n;

	(void)follower;
	if ((actor = A->outside_account_of(db, account, &n)) == NULL)
		return;
	if (n > 0) {
		A->free(actor);
		return;
	}
	if ((st = A->db_prepare(db, "SELECT state, follow_id FROM "
	    "bridge_voices WHERE account_id = ?")) != NULL) {
		A->db_bind_int(st, 1, account);
		if (A->db_step(st) == 1) {
			state = strdup(A->db_column_text(st, 0));
			if (br_col(st, 1) != NULL)
				follow_id = strdup(br_col(st, 1));
		}
		A->db_finalize(st);
	}
	if (state != NULL && follow_id != NULL && (strcmp(state, "pending") ==
	    0 || strcmp(state, "accepted") == 0)) {
		char	*me = br_printf("%s/actor", br_conf.base);
		char	*id = br_printf("%s#undo", follow_id);

		if (br_instance_send(db, "Undo", id, actor, br_activity(
		    "Follow", follow_id, me, json_string(actor))) == 0)
			br_kick();
		free(id);
		free(me);
	}
	if ((st = A->db_prepare(db, "UPDATE bridge_voices SET state = 'none', "
	    "follow_id = NULL, changed_at = ? WHERE account_id = ?")) != NULL) {
		A->db_bind_int(st, 1, br_now());
		A->db_bind_int(st, 2, account);
		A->db_step(st);
		A->db_finalize(st);
	}
	free(state);
	free(follow_id);
	A->free(actor);
}

/* A wish of hearthctl's, or an actor to look up again, found or not. */
struct br_wish {
	int64_t			 row;		/* bridge_following's, or 0 */
	int64_t			 account;	/* a voice's, or 0 */
	struct br_remote	 remote;
	char			*why;
	struct br_wish		*next;
};
static struct br_wish	*wishes_done;	/* under lock */

static void
br_wish_found(void *arg, struct br_remote *r, const char *why)
{
	struct br_wish	*w = arg;

	if (r != NULL) {
		w->remote = *r;
		memset(r, 0, sizeof *r);
	} else
		w->why = strdup(why != NULL ? why : "not found");
	pthread_mutex_lock(&lock);
	w->next = wishes_done;
	wishes_done = w;
	pthread_mutex_unlock(&lock);
	br_kick();
}

/* Record hearthctl's wish that user follow acct (in its transaction; no
 * network from hearthctl): hearthd looks it up, then follows. */
int
br_follow_request(struct hm_db *db, int64_t user, const char *acct,
    char **cause)
{
	struct hm_stmt	*st;
	const char	*host;
	char		*a;
	int		 rc;

	if ((a = br_acct_parse(acct, &host)) == NULL) {
		*cause = strdup("expected user@host");
		return HM_INVALID;
	}
	st = A->db_prepare(db, "INSERT INTO bridge_following (user_id, acct, "
	    "state, created_at) VALUES (?, ?, 'resolving', ?) ON CONFLICT "
	    "(user_id, acct) DO UPDATE SET state = 'resolving', error = NULL");
	if (st == NULL) {
		free(a);
		return -1;
	}
	A->db_bind_int(st, 1, user);
	A->db_bind_text(st, 2, a);
	A->db_bind_int(st, 3, br_now());
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	free(a);
	return rc;
}

/* Write a finished wish: the account kept and followed, or why not. */
static void
br_wish_apply(struct hm_db *db, struct br_wish *w)
{
	struct hm_stmt	*st;
	int64_t		 account = 0, user = 0;
	const char	*why = w->why;

	if (w->remote.id != NULL && br_policy_blocks_host(db, w->remote.host))
		why = "the company does not talk to this server";
	else if (w->remote.id != NULL &&
	    (account = br_voice_save(db, &w->remote)) < 0)
		why = "the account could not be kept";
	if (w->row == 0) {		/* a voice's inbox, for its Follow */
		if (why != NULL && (st = A->db_prepare(db, "UPDATE "
		    "bridge_voices SET state = 'rejected', error = ? WHERE "
		    "account_id = ? AND state = 'want'")) != NULL) {
			A->db_bind_text(st, 1, why);
			A->db_bind_int(st, 2, w->account);
			A->db_step(st);
			A->db_finalize(st);
		}
		return;
	}
	if ((st = A->db_prepare(db, "SELECT user_id FROM bridge_following "
	    "WHERE id = ?")) != NULL) {
		A->db_bind_int(st, 1, w->row);
		if (A->db_step(st) == 1)
			user = A->db_column_int(st, 0);
		A->db_finalize(st);
	}
	if (why == NULL && user != 0 && A->follow(db, user, account, 1) !=
	    HM_OK)
		why = "the follow could not be written";
	if ((st = A->db_prepare(db, "UPDATE bridge_following SET state = ?, "
	    "actor = ?, error = ? WHERE id = ?")) == NULL)
		return;
	A->db_bind_text(st, 1, why != NULL ? "failed" : "accepted");
	A->db_bind_text(st, 2, w->remote.id);
	A->db_bind_text(st, 3, why);
	A->db_bind_int(st, 4, w->row);
	A->db_step(st);
	A->db_finalize(st);
	if (why != NULL)
		A->log(br_self, HM_LOG_WARN, "follow row %lld: %s",
		    (long long)w->row, why);
}

/* Send the company's Follow for each account someone started following
 * (an inbox known), or look the actor up first. */
static void
br_voices_send(struct hm_db *db, struct fetcher *f)
{
	struct hm_stmt	*st;
	int64_t		 ids[LOOKUPS_MAX];
	char		*actors[LOOKUPS_MAX];
	size_t		 n = 0, i;

	/* an actor being looked up is tried again after a minute */
	if ((st = A->db_prepare(db, "SELECT account_id, actor FROM "
	    "bridge_voices WHERE state = 'want' AND tried_at <= ? ORDER BY "
	    "changed_at LIMIT ?")) == NULL)
		return;
	A->db_bind_int(st, 1, br_now() - 60);
	A->db_bind_int(st, 2, LOOKUPS_MAX);
	while (n < LOOKUPS_MAX && A->db_step(st) == 1) {
		ids[n] = A->db_column_int(st, 0);
		actors[n++] = strdup(A->db_column_text(st, 1));
	}
	A->db_finalize(st);
	for (i = 0; i < n; i++) {
		char	*me = br_printf("%s/actor", br_conf.base);
		char	*fid = br_printf("%s#follows/%lld/%lld", me,
		    (long long)ids[i], (long long)br_now());
		char	*inbox = br_inbox_of(db, actors[i]);

		if (inbox == NULL) {
			/* known from a reply, never looked up: its
			 * actor first (the row stays 'want') */
			struct br_wish	*w = calloc(1, sizeof *w);

			w->account = ids[i];
			if (br_lookup(f, actors[i], br_wish_found, w) != 0)
				free(w);
			else if ((st = A->db_prepare(db, "UPDATE bridge_voices "
			    "SET tried_at = ? WHERE account_id = ?")) != NULL) {
				A->db_bind_int(st, 1, br_now());
				A->db_bind_int(st, 2, ids[i]);
				A->db_step(st);
				A->db_finalize(st);
			}
		} else if (br_instance_send(db, "Follow", fid, actors[i],
		    json_string(actors[i])) == 0 && (st = A->db_prepare(db,
		    "UPDATE bridge_voices SET state = 'pending', follow_id = ?, "
		    "changed_at = ? WHERE account_id = ?")) != NULL) {
			A->db_bind_text(st, 1, fid);
			A->db_bind_int(st, 2, br_now());
			A->db_bind_int(st, 3, ids[i]);
			A->db_step(st);
			A->db_finalize(st);
			br_kick();
		}
		free(inbox);
		free(fid);
		free(me);
		free(actors[i]);
	}
}

/*
 * The queue job's part (on the writer): write the lookups that ended,
 * send the company's Follows, start hearthctl's wishes. After a restart,
 * wishes that were under way start again; a company follow nobody holds
 * any more (the follower's account was deleted) is undone.
 */
void
br_follow_job(struct hm_db *db, int first)
{
	struct br_wish	*w, *next;
	struct fetcher	*f;
	struct hm_stmt	*st;
	int64_t		 rows[LOOKUPS_MAX];
	char		*accts[LOOKUPS_MAX];
	size_t		 n = 0, i;

	if (first) {
		A->db_exec(db, "UPDATE bridge_following SET state = "
		    "'resolving' WHERE state = 'looking'");
		if ((st = A->db_prepare(db, "SELECT account_id FROM "
		    "bridge_voices WHERE state IN ('pending', 'accepted', "
		    "'want')")) != NULL) {
			int64_t	gone[64];
			size_t	k = 0, j;
			int	fol;
			char	*actor;

			while (k < 64 && A->db_step(st) == 1)
				gone[k++] = A->db_column_int(st, 0);
			A->db_finalize(st);
			for (j = 0; j < k; j++) {
				actor = A->outside_account_of(db, gone[j],
				    &fol);
				if (actor != NULL && fol == 0)
					br_after_unfollow(db, 0, gone[j]);
				A->free(actor);
			}
		}
	}
	pthread_mutex_lock(&lock);
	w = wishes_done;
	wishes_done = NULL;
	pthread_mutex_unlock(&lock);
	for (; w != NULL; w = next) {
		next = w->next;
		br_wish_apply(db, w);
		br_remote_free(&w->remote);
		free(w->why);
		free(w);
	}
	f = br_key_fetcher_hold();
	if (f == NULL) {
		br_fetcher_release();
		return;
	}
	br_voices_send(db, f);
	if ((st = A->db_prepare(db, "SELECT id, acct FROM bridge_following "
	    "WHERE state = 'resolving' ORDER BY id LIMIT ?")) != NULL) {
		A->db_bind_int(st, 1, LOOKUPS_MAX);
		while (n < LOOKUPS_MAX && A->db_step(st) == 1) {
			rows[n] = A->db_column_int(st, 0);
			accts[n++] = strdup(A->db_column_text(st, 1));
		}
		A->db_finalize(st);
	}
	for (i = 0; i < n; i++) {
		w = calloc(1, sizeof *w);
		w->row = rows[i];
		if (br_lookup(f, accts[i], br_wish_found, w) != 0) {
			free(w);	/* busy: at the next tick */
		} else if ((st = A->db_prepare(db, "UPDATE bridge_following "
		    "SET state = 'looking' WHERE id = ?")) != NULL) {
			A->db_bind_int(st, 1, rows[i]);
			A->db_step(st);
			A->db_finalize(st);
		}
		free(accts[i]);
	}
	br_fetcher_release();
}

/* Accept or Reject of one of our Follows, from the followed actor. */
int
br_follow_answer(struct hm_db *db, const char *follow_id, const char *from,
    int accepted)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, accepted ? "UPDATE bridge_voices SET state = "
	    "'accepted', changed_at = ?3 WHERE follow_id = ?1 AND actor = ?2 "
	    "AND state = 'pending'" : "UPDATE bridge_voices SET state = "
	    "'rejected', error = 'refused by their server', changed_at = ?3 "
	    "WHERE follow_id = ?1 AND actor = ?2");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, follow_id);
	A->db_bind_text(st, 2, from);
	A->db_bind_int(st, 3, br_now());
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	return rc;
}

/* Whether the company follows actor (its public posts are expected). */
int
br_followed(struct hm_db *db, const char *actor)
{
	struct hm_stmt	*st;
	int		 yes = 0;

	if ((st = A->db_prepare(db, "SELECT 1 FROM bridge_voices WHERE "
	    "actor = ? AND state IN ('pending', 'accepted')")) == NULL)
		return 0;
	A->db_bind_text(st, 1, actor);
	yes = A->db_step(st) == 1;
	A->db_finalize(st);
	return yes;
}
