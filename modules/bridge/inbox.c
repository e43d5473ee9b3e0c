/*
 * inbox.c: what the outside sends, on the public listener only (the
 * personal inboxes and the shared one). Every POST must be signed (HTTP
 * Signatures, draft-cavage or RFC 9421): the digest must match the exact
 * body, the date must be within the window, the signed headers must cover
 * what Mastodon requires, and the key must belong to the activity's
 * actor, fetched and checked (remote.c) when it is not known. Anything
 * else is refused with 401 and nothing is stored. The signature's
 * arithmetic runs on the worker pool, below the loops' priority, so a
 * flood of signed activities does not slow the pages people wait for;
 * what is cheap (the policy, the rate, the JSON) is refused on the loop. Part 1 of the bridge
 * acts on Follow, Undo(Follow) and an actor's Delete; other activities
 * (replies, likes: part 2) are accepted and not kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"

#define A	br_api

/* One inbound activity on its way through the checks. */
struct br_in {
	struct hm_req		*r;
	struct httpsig		*sig;
	json_t			*act;
	const char		*type;
	const char		*actor;
	struct br_remote	 remote;
	int			 fetched;	/* remote is new: save it */
	int			 retried;	/* the key was fetched again */
	int64_t			 fetched_at;	/* a cached key's age */
	int			 vrc;		/* the check's outcome (worker) */
	char			 verr[256];
	char			*why;
};

static void
br_in_free(struct br_in *in)
{
	httpsig_free(in->sig);
	json_decref(in->act);
	br_remote_free(&in->remote);
	free(in->why);
	free(in);
}

/* A request's header for the signature checks. */
static const char *
br_in_header(void *ctx, const char *name)
{
	return A->req_header(ctx, name);
}

/* Refuse with a status and a reason (JSON), and let go. */
static int
br_in_refuse(struct br_in *in, int status, const char *why)
{
	A->reply_error(in->r, status, why);
	A->log(br_self, HM_LOG_INFO, "inbox: refused %s from %s: %s",
	    in->type != NULL ? in->type : "a request", A->req_peer(in->r),
	    why);
	br_in_free(in);
	return HM_DONE;
}

/* Whether a Content-Type is ActivityStreams JSON. */
static int
br_in_type_ok(const char *ct)
{
	size_t	n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (n == 25 && strncasecmp(ct, "application/activity+json", n) == 0)
		return 1;
	return n == 19 && strncasecmp(ct, "application/ld+json", n) == 0 &&
	    strstr(ct, "https://www.w3.org/ns/activitystreams") != NULL;
}

/* A string member, or NULL. */
const char *
br_json_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An object's id (it may be the id itself), or NULL. */
const char *
br_json_id(json_t *o)
{
	return json_is_string(o) ? json_string_value(o) : br_json_str(o,
	    "id");
}

/* One of our actors named by a URL (BASE/users/NAME); 0, or -1. */
int
br_local_actor(struct hm_db *db, const char *url, struct br_actor *a)
{
	char		*prefix = br_printf("%s/users/", br_conf.base);
	size_t		 n = strlen(prefix);
	int		 rc = -1;

	if (url != NULL && strncmp(url, prefix, n) == 0 &&
	    strchr(url + n, '/') == NULL && strchr(url + n, '#') == NULL &&
	    br_actor_get(db, 0, url + n, a) == 0) {
		if (a->disabled_at == 0)
			rc = 0;
		else
			br_actor_free(a);
	}
	free(prefix);
	return rc;
}

/* Follow: a follower arrives (accepted at once, or held for approval). */
static int
br_in_follow(struct hm_db *db, struct br_in *in, char **cause)
{
	struct br_actor	 a;
	struct hm_stmt	*st;
	json_t		*act, *follow;
	char		*actor, *id;
	int64_t		 row = 0, aid;
	int		 accepted = 0;

	if (br_local_actor(db, br_json_id(json_object_get(in->act, "object")),
	    &a) != 0) {
		*cause = strdup("no such actor here");
		return HM_NOTFOUND;
	}
	st = A->db_prepare(db, "INSERT INTO bridge_followers (user_id, actor, "
	    "inbox, shared_inbox, follow_id, state, created_at) VALUES (?, ?, "
	    "?, ?, ?, ?, ?) ON CONFLICT (user_id, actor) DO UPDATE SET inbox = "
	    "excluded.inbox, shared_inbox = excluded.shared_inbox, follow_id "
	    "= excluded.follow_id RETURNING id, state");
	if (st == NULL) {
		br_actor_free(&a);
		return -1;
	}
	A->db_bind_int(st, 1, a.user_id);
	A->db_bind_text(st, 2, in->remote.id);
	A->db_bind_text(st, 3, in->remote.inbox);
	A->db_bind_text(st, 4, in->remote.shared_inbox);
	A->db_bind_text(st, 5, br_json_str(in->act, "id"));
	A->db_bind_text(st, 6, a.approve_followers ? "pending" : "accepted");
	A->db_bind_int(st, 7, br_now());
	if (A->db_step(st) == 1) {
		row = A->db_column_int(st, 0);
		accepted = strcmp(A->db_column_text(st, 1), "accepted") == 0;
	}
	A->db_finalize(st);
	if (row == 0) {
		br_actor_free(&a);
		return -1;
	}
	if (!accepted) {	/* held: the person accepts in settings */
		br_actor_free(&a);
		return HM_OK;
	}
	actor = br_actor_url(a.username);
	id = br_printf("%s#accepts/follows/%lld-%lld", actor, (long long)row,
	    (long long)br_now());
	follow = json_pack("{s:s, s:s, s:s, s:s}", "id", br_json_str(in->act,
	    "id"), "type", "Follow", "actor", in->remote.id, "object", actor);
	act = br_activity("Accept", id, actor, follow);
	aid = br_activity_add(db, a.user_id, "Accept", 0, act);
	json_decref(act);
	free(id);
	free(actor);
	if (aid <= 0 || br_delivery_add(db, aid, in->remote.inbox) != 0) {
		br_actor_free(&a);
		return -1;
	}
	br_actor_free(&a);
	br_kick();
	return HM_OK;
}

/* Undo: of a Follow by the same actor (others: part 2). */
static int
br_in_undo(struct hm_db *db, struct br_in *in)
{
	json_t		*obj = json_object_get(in->act, "object");
	struct hm_stmt	*st;
	const char	*oid = br_json_id(obj), *otype = br_json_str(obj, "type");

	if (otype != NULL && strcmp(otype, "Follow") != 0)
		return HM_OK;
	if (json_is_object(obj) && br_json_str(obj, "actor") != NULL &&
	    strcmp(br_json_str(obj, "actor"), in->remote.id) != 0)
		return HM_FORBIDDEN;
	if (json_is_object(obj) && br_json_id(json_object_get(obj, "object")) !=
	    NULL) {
		struct br_actor	 a;

		if (br_local_actor(db, br_json_id(json_object_get(obj, "object")),
		    &a) != 0)
			return HM_OK;
		st = A->db_prepare(db, "DELETE FROM bridge_followers WHERE "
		    "user_id = ? AND actor = ?");
		if (st == NULL) {
			br_actor_free(&a);
			return -1;
		}
		A->db_bind_int(st, 1, a.user_id);
		A->db_bind_text(st, 2, in->remote.id);
		br_actor_free(&a);
	} else {
		st = A->db_prepare(db, "DELETE FROM bridge_followers WHERE "
		    "actor = ? AND follow_id = ?");
		if (st == NULL)
			return -1;
		A->db_bind_text(st, 1, in->remote.id);
		A->db_bind_text(st, 2, oid != NULL ? oid : "");
	}
	A->db_step(st);
	A->db_finalize(st);
	return HM_OK;
}

/* Delete: an actor that deletes itself leaves every follower list. */
static int
br_in_delete(struct hm_db *db, struct br_in *in)
{
	struct hm_stmt	*st;
	const char	*oid = br_json_id(json_object_get(in->act, "object"));

	if (oid == NULL || strcmp(oid, in->remote.id) != 0)
		return HM_OK;		/* a post: br_in_delete_object */
	if ((st = A->db_prepare(db, "DELETE FROM bridge_followers WHERE "
	    "actor = ?")) == NULL)
		return -1;
	A->db_bind_text(st, 1, in->remote.id);
	A->db_step(st);
	A->db_finalize(st);
	if ((st = A->db_prepare(db, "DELETE FROM bridge_remote_actors WHERE "
	    "id = ?")) == NULL)
		return -1;
	A->db_bind_text(st, 1, in->remote.id);
	A->db_step(st);
	A->db_finalize(st);
	/* what it said inside goes with it, as Mastodon removes a deleted
	 * account's posts */
	if (A->outside_account_gone(db, in->remote.id) < 0)
		return -1;
	return HM_OK;
}

/* On the writer: once per activity id, act on it. */
static int
br_in_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct br_in	*in = arg;
	struct hm_stmt	*st;
	const char	*id = br_json_str(in->act, "id");

	if (in->fetched && br_remote_save(db, &in->remote) != 0)
		return -1;
	if (id != NULL) {
		if ((st = A->db_prepare(db, "INSERT OR IGNORE INTO bridge_seen "
		    "(id, at) VALUES (?, ?)")) == NULL)
			return -1;
		A->db_bind_text(st, 1, id);
		A->db_bind_int(st, 2, br_now());
		A->db_step(st);
		A->db_finalize(st);
		if (A->db_changes(db) == 0)
			return HM_OK;	/* delivered before */
	}
	if (strcmp(in->type, "Follow") == 0)
		return br_in_follow(db, in, cause);
	if (strcmp(in->type, "Undo") == 0) {
		if (br_in_undo_react(db, &in->remote, json_object_get(in->act,
		    "object")))
			return HM_OK;
		return br_in_undo(db, in);
	}
	if (strcmp(in->type, "Delete") == 0) {
		const char *oid = br_json_id(json_object_get(in->act,
		    "object"));

		if (oid != NULL && strcmp(oid, in->remote.id) != 0)
			return br_in_delete_object(db, &in->remote, oid, cause);
		return br_in_delete(db, in);
	}
	if (strcmp(in->type, "Create") == 0 || strcmp(in->type, "Update") == 0)
		return br_in_note(db, &in->remote, in->act, strcmp(in->type,
		    "Update") == 0 ? BR_NOTE_UPDATE : BR_NOTE_CREATE, cause);
	if (strcmp(in->type, "Like") == 0)
		return br_in_react(db, &in->remote, in->act, HM_REACT_LIKE,
		    cause);
	if (strcmp(in->type, "Announce") == 0)
		return br_in_react(db, &in->remote, in->act, HM_REACT_BOOST,
		    cause);
	if (strcmp(in->type, "Accept") == 0 || strcmp(in->type, "Reject") == 0)
		return br_follow_answer(db, br_json_id(json_object_get(in->act,
		    "object")) != NULL ? br_json_id(json_object_get(in->act,
		    "object")) : "", in->remote.id, strcmp(in->type,
		    "Accept") == 0);
	return HM_OK;
}

/* Back on the loop: 202, or why not. */
static void
br_in_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_in	*in = arg;

	if (rc == HM_OK)
		A->reply_body(r, 202, "application/json", "{}", 2);
	else
		A->reply_error(r, rc == -1 ? 500 : rc, cause != NULL ? cause :
		    "the activity could not be handled");
	br_in_free(in);
}

/* The signature checked with the actor's key: on to the writer. */
static int
br_in_accept(struct br_in *in)
{
	if (strcmp(in->remote.id, in->actor) != 0)
		return br_in_refuse(in, 401, "the request was signed by "
		    "another actor than the activity's");
	return A->write(in->r, br_in_write, br_in_reply, in);
}

static void	br_in_fetched(void *, struct br_remote *, const char *);

/* On a worker, below the loops: the RSA (or Ed25519) check. */
static void
br_in_verify_work(void *arg)
{
	struct br_in	*in = arg;

	in->vrc = httpsig_verify(in->sig, in->remote.public_key, in->verr,
	    sizeof in->verr);
}

/* Back on the loop with the check's outcome. A cached key that no longer
 * verifies may have been rotated: fetched again, but not more than once a
 * minute, so forged requests cannot make hearth hammer a server. */
static void
br_in_verified(struct hm_req *r, void *arg)
{
	struct br_in	*in = arg;

	(void)r;
	if (in->vrc == 0) {
		br_in_accept(in);
		return;
	}
	if (in->fetched || in->retried ||
	    br_now() - in->fetched_at < BR_KEY_REFETCH) {
		br_in_refuse(in, 401, in->verr);
		return;
	}
	br_remote_free(&in->remote);
	in->retried = 1;
	/* the answer comes after the fetch: the request stays open */
	A->req_hold(in->r);
	br_remote_fetch_key(br_key_fetcher_hold(), httpsig_key_id(in->sig),
	    br_in_fetched, in);
	br_fetcher_release();
}

/* The signature checked off the loop, then on (HM_ASYNC), or 503 if the
 * workers are swamped. */
static int
br_in_verify(struct br_in *in)
{
	if (A->req_work(in->r, br_in_verify_work, br_in_verified, in) != 0) {
		A->set_header(in->r, "Retry-After", "30");
		return br_in_refuse(in, 503, "busy: try again later");
	}
	return HM_ASYNC;
}

/* Back on the loop with a fetched key (or why there is none). */
static void
br_in_resumed(struct hm_req *r, void *arg)
{
	struct br_in	*in = arg;

	(void)r;
	if (in->remote.id == NULL) {
		br_in_refuse(in, 401, in->why != NULL ? in->why :
		    "the signing key could not be fetched");
		return;
	}
	br_in_verify(in);
}

/* A key fetch's outcome (on the fetch thread): back to the request. */
static void
br_in_fetched(void *arg, struct br_remote *r, const char *why)
{
	struct br_in	*in = arg;

	if (r != NULL) {
		in->remote = *r;
		memset(r, 0, sizeof *r);	/* ours now */
		in->fetched = 1;
	} else
		in->why = strdup(why != NULL ? why : "?");
	A->req_resume(in->r, br_in_resumed, in);
}

/* POST /inbox and /users/:name/inbox, on the public listener. */
int
br_inbox(struct hm_req *r)
{
	struct httpsig_request	 hr;
	struct br_in		*in;
	const char		*body, *obj;
	json_error_t		 jerr;
	int64_t			 fetched_at = 0;
	size_t			 len;
	char			 err[256], *host;
	const char		*why;

	if (!A->req_is_public(r)) {
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	in = calloc(1, sizeof *in);
	in->r = r;
	if (!br_in_type_ok(A->req_header(r, "Content-Type")))
		return br_in_refuse(in, 415, "Content-Type must be "
		    "application/activity+json");
	body = A->req_body(r, &len);
	/* before any parsing: no note nests this deep */
	if (!br_json_depth_ok(body != NULL ? body : "", len, BR_JSON_DEPTH))
		return br_in_refuse(in, 400, "the JSON nests too deeply");
	memset(&hr, 0, sizeof hr);
	hr.method = "POST";
	hr.target = A->req_target(r);
	hr.scheme = br_conf.scheme;
	hr.authority = A->req_header(r, "Host");
	hr.header = br_in_header;
	hr.ctx = r;
	hr.body = (const unsigned char *)(body != NULL ? body : "");
	hr.body_len = len;
	hr.now = (time_t)br_now();
	if ((in->sig = httpsig_parse(&hr, err, sizeof err)) == NULL)
		return br_in_refuse(in, 401, err);
	in->act = json_loadb(body != NULL ? body : "", len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(in->act) ||
	    (in->type = br_json_str(in->act, "type")) == NULL ||
	    (in->actor = br_json_str(in->act, "actor")) == NULL)
		return br_in_refuse(in, 400, "the body is not an activity "
		    "(a JSON object with a type and an actor)");
	if (br_json_str(in->act, "id") == NULL)
		return br_in_refuse(in, 400, "the activity has no id");
	/* Who may talk to the company, and how much: before any signature
	 * work, so that a blocked or flooding server costs a lookup. */
	if ((why = br_policy_refusal(A->req_db(r), in->actor)) != NULL)
		return br_in_refuse(in, 403, why);
	if ((host = br_host_of(in->actor)) != NULL) {
		int	wait = br_rate_check(host, in->actor);

		free(host);
		if (wait > 0) {
			A->set_header(r, "Retry-After", A->req_printf(r, "%d",
			    wait));
			return br_in_refuse(in, 429, "too many activities from "
			    "this server or actor: slow down");
		}
	}
	if (!br_same_host(in->actor, httpsig_key_id(in->sig)))
		return br_in_refuse(in, 401, "the signing key is not on the "
		    "actor's host");
	if (!br_same_host(br_json_str(in->act, "id"), in->actor))
		return br_in_refuse(in, 400, "the activity's id is not on the "
		    "actor's host");
	/* An embedded object is the actor's own (or one of ours). */
	obj = json_is_object(json_object_get(in->act, "object")) ?
	    br_json_id(json_object_get(in->act, "object")) : NULL;
	if (obj != NULL && !br_same_host(obj, in->actor) &&
	    !br_same_host(obj, br_conf.base))
		return br_in_refuse(in, 400, "the embedded object is on "
		    "another host than its actor");
	if (br_remote_by_key(A->req_db(r), httpsig_key_id(in->sig),
	    &in->remote, &fetched_at) == 0) {
		in->fetched_at = fetched_at;
		return br_in_verify(in);
	}
	br_remote_fetch_key(br_key_fetcher_hold(), httpsig_key_id(in->sig),
	    br_in_fetched, in);
	br_fetcher_release();
	return HM_ASYNC;
}
