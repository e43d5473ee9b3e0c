/*
 * remote.c: actors outside and their keys, trusted only as far as checked
 * (the lessons of Mastodon's CVE-2024-23832 and CVE-2024-25623). A key is
 * fetched by a GET signed as the instance actor, and the answer must be
 * ActivityStreams JSON (activity+json, or ld+json with the AS profile);
 * its id must be the URL fetched (else it is fetched once more from its
 * own id, which must then match); the key and its owner must point at each
 * other (the owner actor lists that key, the key names that owner) and
 * share a host. Checked actors are cached by the inbox's write.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "bridge.h"

#define A	br_api
#define ACCEPT_AP	"application/activity+json, application/ld+json; " \
			"profile=\"https://www.w3.org/ns/activitystreams\""

void
br_remote_free(struct br_remote *r)
{
	free(r->id);
	free(r->key_id);
	free(r->public_key);
	free(r->inbox);
	free(r->shared_inbox);
	free(r->username);
	free(r->host);
	free(r->name);
	free(r->summary);
	free(r->url);
	free(r->outbox);
	free(r->icon);
	memset(r, 0, sizeof *r);
}

/* The host (lower-case, with a non-default port) of an http(s) URL;
 * malloc'ed, or NULL if it is not one. */
char *
br_host_of(const char *url)
{
	CURLU	*u = curl_url();
	char	*scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
	size_t	 i;

	if (u == NULL || url == NULL || curl_url_set(u, CURLUPART_URL, url,
	    0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	out = port != NULL ? br_printf("%s:%s", host, port) : strdup(host);
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

/* Whether two URLs are on the same host. */
int
br_same_host(const char *a, const char *b)
{
	char	*ha = br_host_of(a), *hb = br_host_of(b);
	int	 same = ha != NULL && hb != NULL && strcmp(ha, hb) == 0;

	free(ha);
	free(hb);
	return same;
}

/* A cached actor by the id of its key (and when it was fetched); 0 if
 * fresh enough, else -1. */
int
br_remote_by_key(struct hm_db *db, const char *key_id, struct br_remote *out,
    int64_t *fetched_at)
{
	struct hm_stmt	*st;
	const char	*s;
	int		 rc = -1;

	memset(out, 0, sizeof *out);
	st = A->db_prepare(db, "SELECT id, key_id, public_key, inbox, "
	    "shared_inbox, username, host, fetched_at, name, summary, url, "
	    "icon FROM bridge_remote_actors WHERE key_id = ? AND fetched_at > "
	    "?");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, key_id);
	A->db_bind_int(st, 2, br_now() - BR_KEY_TTL);
	if (A->db_step(st) == 1) {
		out->id = strdup(A->db_column_text(st, 0));
		out->key_id = strdup(A->db_column_text(st, 1));
		out->public_key = strdup(A->db_column_text(st, 2));
		out->inbox = strdup(A->db_column_text(st, 3));
		out->shared_inbox = (s = br_col(st, 4)) != NULL ?
		    strdup(s) : NULL;
		out->username = (s = br_col(st, 5)) != NULL ?
		    strdup(s) : NULL;
		out->host = strdup(A->db_column_text(st, 6));
		*fetched_at = A->db_column_int(st, 7);
		out->name = (s = br_col(st, 8)) != NULL ? strdup(s) : NULL;
		out->summary = (s = br_col(st, 9)) != NULL ? strdup(s) : NULL;
		out->url = (s = br_col(st, 10)) != NULL ? strdup(s) : NULL;
		out->icon = (s = br_col(st, 11)) != NULL ? strdup(s) : NULL;
		rc = 0;
	}
	A->db_finalize(st);
	return rc;
}

/* Cache a checked actor (on the writer). */
int
br_remote_save(struct hm_db *db, const struct br_remote *r)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "INSERT INTO bridge_remote_actors (id, key_id, "
	    "public_key, inbox, shared_inbox, username, host, fetched_at, "
	    "name, summary, url, icon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?) ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, "
	    "public_key = excluded.public_key, inbox = excluded.inbox, "
	    "shared_inbox = excluded.shared_inbox, username = "
	    "excluded.username, fetched_at = excluded.fetched_at, name = "
	    "excluded.name, summary = excluded.summary, url = excluded.url, "
	    "icon = excluded.icon");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, r->id);
	A->db_bind_text(st, 2, r->key_id);
	A->db_bind_text(st, 3, r->public_key);
	A->db_bind_text(st, 4, r->inbox);
	A->db_bind_text(st, 5, r->shared_inbox);
	A->db_bind_text(st, 6, r->username);
	A->db_bind_text(st, 7, r->host);
	A->db_bind_int(st, 8, br_now());
	A->db_bind_text(st, 9, r->name);
	A->db_bind_text(st, 10, r->summary);
	A->db_bind_text(st, 11, r->url);
	A->db_bind_text(st, 12, r->icon);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	return rc;
}

/* The instance actor's key, read once the writer made it (bridge.c). */
static pthread_mutex_t	 key_lock = PTHREAD_MUTEX_INITIALIZER;
static char		*instance_key;

void
br_instance_key_set(const char *pem)
{
	pthread_mutex_lock(&key_lock);
	free(instance_key);
	instance_key = pem != NULL ? strdup(pem) : NULL;
	pthread_mutex_unlock(&key_lock);
}

/* Headers for a GET signed as the instance actor (fetch thread). */
char **
br_sign_get(void *arg, const char *method, const char *url)
{
	char	*key, *key_id, **h;

	(void)arg;
	pthread_mutex_lock(&key_lock);
	key = instance_key != NULL ? strdup(instance_key) : NULL;
	pthread_mutex_unlock(&key_lock);
	if (key == NULL)
		return NULL;
	key_id = br_printf("%s/actor#main-key", br_conf.base);
	h = br_signed_headers(key, key_id, method, url, NULL);
	free(key);
	free(key_id);
	return h;
}

/* Whether a Content-Type is ActivityStreams JSON. */
int
br_ap_type(const char *ct)
{
	size_t	n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (n == strlen("application/activity+json") &&
	    strncasecmp(ct, "application/activity+json", n) == 0)
		return 1;
	if (n == strlen("application/ld+json") &&
	    strncasecmp(ct, "application/ld+json", n) == 0)
		return strstr(ct, "https://www.w3.org/ns/activitystreams") !=
		    NULL;
	return 0;
}

/* A key fetch on its way: each step is a GET on the fetch thread. */
struct br_keyfetch {
	struct fetcher	*f;
	char		*key_id;	/* as the signature named it; NULL:
					   an actor looked up, any key of its
					   own */
	char		*url;		/* being fetched */
	int		 refetched;	/* fetched again from its own id */
	int		 owner_step;	/* fetching the key's owner */
	char		*key_pem;	/* from a key document (GtS) */
	br_remote_fn	 fn;
	void		*arg;
};

static void	br_keyfetch_get(struct br_keyfetch *, const char *);

static void
br_keyfetch_end(struct br_keyfetch *k, struct br_remote *r, const char *why)
{
	k->fn(k->arg, r, why);
	free(k->key_id);
	free(k->url);
	free(k->key_pem);
	free(k);
}

/* A string member, or NULL. */
static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The publicKey of an actor whose id is key_id (one, or in an array);
 * with key_id NULL, its first. */
static json_t *
br_actor_key(json_t *actor, const char *key_id)
{
	json_t	*pk = json_object_get(actor, "publicKey"), *k;
	size_t	 i;

	if (key_id == NULL) {
		k = json_is_array(pk) ? json_array_get(pk, 0) : pk;
		return json_is_object(k) && str_of(k, "id") != NULL ? k :
		    NULL;
	}
	if (json_is_object(pk))
		return strcmp(str_of(pk, "id") ? str_of(pk, "id") : "",
		    key_id) == 0 ? pk : NULL;
	json_array_foreach(pk, i, k) {
		if (json_is_object(k) && str_of(k, "id") != NULL &&
		    strcmp(str_of(k, "id"), key_id) == 0)
			return k;
	}
	return NULL;
}

/* An actor document checked against the key it must hold. */
static void
br_keyfetch_actor(struct br_keyfetch *k, json_t *doc, const char *id)
{
	struct br_remote	 r;
	json_t			*pk;
	const char		*inbox = str_of(doc, "inbox"), *owner, *pem;

	memset(&r, 0, sizeof r);
	if ((pk = br_actor_key(doc, k->key_id)) == NULL) {
		br_keyfetch_end(k, NULL, k->key_id == NULL ? "the actor has "
		    "no public key" : "the actor does not list the key that "
		    "signed the request");
		return;
	}
	if (k->key_id == NULL)
		k->key_id = strdup(str_of(pk, "id"));
	owner = str_of(pk, "owner");
	pem = str_of(pk, "publicKeyPem");
	if (owner == NULL || strcmp(owner, id) != 0 || pem == NULL) {
		br_keyfetch_end(k, NULL, "the key's owner is not the actor "
		    "that lists it");
		return;
	}
	if (k->key_pem != NULL && strcmp(k->key_pem, pem) != 0) {
		br_keyfetch_end(k, NULL, "the key document and its owner "
		    "disagree about the key");
		return;
	}
	if (inbox == NULL || !br_same_host(inbox, id) ||
	    !br_same_host(k->key_id, id)) {
		br_keyfetch_end(k, NULL, "the actor's inbox or key is on "
		    "another host");
		return;
	}
	r.id = strdup(id);
	r.key_id = strdup(k->key_id);
	r.public_key = strdup(pem);
	r.inbox = strdup(inbox);
	if (json_is_object(json_object_get(doc, "endpoints")) &&
	    str_of(json_object_get(doc, "endpoints"), "sharedInbox") &&
	    br_same_host(str_of(json_object_get(doc, "endpoints"),
	    "sharedInbox"), id))
		r.shared_inbox = strdup(str_of(json_object_get(doc,
		    "endpoints"), "sharedInbox"));
	if (str_of(doc, "preferredUsername") != NULL)
		r.username = strndup(str_of(doc, "preferredUsername"), 100);
	/* What the outside account shows inside (sanitised when shown). */
	if (str_of(doc, "name") != NULL)
		r.name = strndup(str_of(doc, "name"), 200);
	if (str_of(doc, "summary") != NULL)
		r.summary = strndup(str_of(doc, "summary"), 5000);
	if (str_of(doc, "url") != NULL && br_same_host(str_of(doc, "url"),
	    id))
		r.url = strndup(str_of(doc, "url"), 2048);
	if (str_of(doc, "outbox") != NULL && br_same_host(str_of(doc,
	    "outbox"), id) && strlen(str_of(doc, "outbox")) <= 2048)
		r.outbox = strdup(str_of(doc, "outbox"));
	if (br_icon_url(doc) != NULL)
		r.icon = strdup(br_icon_url(doc));
	r.host = br_host_of(id);
	br_keyfetch_end(k, &r, NULL);
	br_remote_free(&r);
}

/* One GET's answer (on the fetch thread). */
static void
br_keyfetch_done(void *arg, struct fetch_result *res)
{
	struct br_keyfetch	*k = arg;
	json_t			*doc;
	json_error_t		 jerr;
	const char		*id, *owner, *pem;
	char			*want, *hash;

	if (res->error != FETCH_OK) {
		br_keyfetch_end(k, NULL, res->why != NULL ? res->why :
		    fetch_error_name(res->error));
		return;
	}
	if (res->status != 200) {
		br_keyfetch_end(k, NULL, "the key's URL did not answer 200");
		return;
	}
	if (!br_ap_type(res->content_type)) {
		br_keyfetch_end(k, NULL, "the key's URL did not answer with "
		    "ActivityStreams JSON (Content-Type)");
		return;
	}
	doc = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (!json_is_object(doc) || (id = str_of(doc, "id")) == NULL) {
		json_decref(doc);
		br_keyfetch_end(k, NULL, "the key's URL did not answer with "
		    "an object with an id");
		return;
	}
	/* The id must be the URL fetched: else fetch once from the id
	 * itself, which must then hold. */
	want = strdup(k->url);
	if ((hash = strchr(want, '#')) != NULL)
		*hash = '\0';
	if (strcmp(id, want) != 0) {
		if (k->refetched || !br_same_host(id, want)) {
			free(want);
			json_decref(doc);
			br_keyfetch_end(k, NULL, "the fetched object's id is "
			    "not the URL it was fetched from");
			return;
		}
		k->refetched = 1;
		free(want);
		want = strdup(id);
		json_decref(doc);
		br_keyfetch_get(k, want);
		free(want);
		return;
	}
	free(want);
	if (str_of(doc, "inbox") != NULL) {	/* an actor */
		br_keyfetch_actor(k, doc, id);
		json_decref(doc);
		return;
	}
	/* A key document (GoToSocial's keyId answers one): its owner must
	 * list it, so fetch the owner. */
	owner = str_of(doc, "owner");
	pem = str_of(doc, "publicKeyPem");
	if (k->key_id == NULL) {
		json_decref(doc);
		br_keyfetch_end(k, NULL, "the address is not an account's");
		return;
	}
	if (k->owner_step || owner == NULL || pem == NULL ||
	    strcmp(id, k->key_id) != 0 || !br_same_host(owner, id)) {
		json_decref(doc);
		br_keyfetch_end(k, NULL, "the key's URL answered neither an "
		    "actor nor a key with its owner");
		return;
	}
	k->owner_step = 1;
	k->refetched = 0;
	k->key_pem = strdup(pem);
	want = strdup(owner);
	json_decref(doc);
	br_keyfetch_get(k, want);
	free(want);
}

/* Fetch a URL for the key fetch (signed as the instance actor). */
static void
br_keyfetch_get(struct br_keyfetch *k, const char *url)
{
	struct fetch_request	 fr;
	struct fetcher		*f = k->f;
	char			*hash;

	free(k->url);
	k->url = strdup(url);
	if ((hash = strchr(k->url, '#')) != NULL)
		*hash = '\0';
	if (f == NULL) {
		br_keyfetch_end(k, NULL, "the bridge is not running");
		return;
	}
	memset(&fr, 0, sizeof fr);
	fr.method = "GET";
	fr.url = k->url;
	fr.accept = ACCEPT_AP;
	fr.max_redirects = 3;
	fr.headers = br_sign_get;
	fr.done = br_keyfetch_done;
	fr.arg = k;
	if (fetcher_submit(f, &fr) != 0)
		br_keyfetch_end(k, NULL, "the outbound client is stopping");
}

/*
 * Fetch and check the actor behind a key id with the client f (held by
 * the caller, or the fetch thread's own); fn(arg, actor or NULL, why)
 * runs once, on the fetch thread (or at once if it cannot start).
 */
void
br_remote_fetch_key(struct fetcher *f, const char *key_id, br_remote_fn fn,
    void *arg)
{
	struct br_keyfetch	*k = calloc(1, sizeof *k);

	k->f = f;
	k->key_id = strdup(key_id);
	k->fn = fn;
	k->arg = arg;
	br_keyfetch_get(k, key_id);
}

/*
 * Fetch and check an actor by its id or an address that answers with it
 * (a profile page asked for ActivityStreams): as br_remote_fetch_key, its
 * own first key standing for the one a signature would name.
 */
void
br_remote_fetch_actor(struct fetcher *f, const char *url, br_remote_fn fn,
    void *arg)
{
	struct br_keyfetch	*k = calloc(1, sizeof *k);

	k->f = f;
	k->fn = fn;
	k->arg = arg;
	br_keyfetch_get(k, url);
}
