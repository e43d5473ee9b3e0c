/*
 * follow.c: an employee visible outside follows someone on the fediverse.
 * `hearthctl bridge follow NAME user@host` only records the wish (no
 * network from hearthctl, and no transaction held open across one);
 * hearthd's queue job then looks the account up (WebFinger, then the
 * actor, fetched and checked as remote.c checks keys), and writes the
 * Follow and its delivery. The other side's Accept (or Reject) settles it
 * (inbox.c). What a followed account posts is part 2's to keep; part 1
 * checks its signature and acknowledges it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"

#define A	br_api
#define ACCEPT_AP	"application/activity+json, application/ld+json; " \
			"profile=\"https://www.w3.org/ns/activitystreams\""
#define LOOKUPS_MAX	8	/* lookups in flight at once */

/* One lookup on its way (fetch thread), then its outcome (writer). */
struct br_lookup {
	int64_t			 row;
	struct fetcher		*f;		/* held by the job; then its
						   thread's own */
	char			*acct;		/* user@host */
	char			*actor;		/* found: its id */
	char			*inbox;
	char			*why;		/* not found: why */
	int			 step;		/* 0 WebFinger, 1 the actor */
	struct br_lookup	*next;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct br_lookup	*done_list;	/* under lock */
static int		 inflight;	/* under lock */

/* Record the wish to follow acct (hearthctl, in its transaction). */
int
br_follow_request(struct hm_db *db, int64_t user, const char *acct,
    char **cause)
{
	struct hm_stmt	*st;
	const char	*at;
	int		 rc;

	if (*acct == '@')
		acct++;
	if ((at = strchr(acct, '@')) == NULL || at == acct || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(acct, '/') != NULL ||
	    strlen(acct) > 300) {
		*cause = strdup("expected user@host");
		return HM_INVALID;
	}
	st = A->db_prepare(db, "INSERT INTO bridge_following (user_id, acct, "
	    "state, created_at) VALUES (?, ?, 'resolving', ?) ON CONFLICT "
	    "(user_id, acct) DO UPDATE SET state = 'resolving', error = NULL "
	    "WHERE state IN ('failed', 'rejected')");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	A->db_bind_text(st, 2, acct);
	A->db_bind_int(st, 3, br_now());
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	return rc;
}

/* A lookup ends (fetch thread): to the writer. */
static void
br_lookup_end(struct br_lookup *l, const char *why)
{
	if (why != NULL && l->why == NULL)
		l->why = strdup(why);
	pthread_mutex_lock(&lock);
	l->next = done_list;
	done_list = l;
	inflight--;
	pthread_mutex_unlock(&lock);
	br_kick();
}

static void	br_lookup_get(struct br_lookup *, const char *, const char *);

/* A string member, or NULL. */
static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* One GET's answer: the WebFinger document, then the actor. */
static void
br_lookup_done(void *arg, struct fetch_result *res)
{
	struct br_lookup	*l = arg;
	json_t			*doc, *links, *link;
	const char		*href = NULL, *type;
	size_t			 i;

	if (res->error != FETCH_OK || res->status != 200) {
		br_lookup_end(l, res->why != NULL ? res->why : l->step == 0 ?
		    "WebFinger did not find the account" : "the account's "
		    "actor did not answer 200");
		return;
	}
	doc = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES,
	    NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		br_lookup_end(l, "the answer is not JSON");
		return;
	}
	if (l->step == 0) {
		links = json_object_get(doc, "links");
		json_array_foreach(links, i, link) {
			type = str_of(link, "type");
			if (str_of(link, "rel") != NULL &&
			    strcmp(str_of(link, "rel"), "self") == 0 &&
			    type != NULL && (strcmp(type,
			    "application/activity+json") == 0 ||
			    strncmp(type, "application/ld+json", 19) == 0)) {
				href = str_of(link, "href");
				break;
			}
		}
		if (href == NULL) {
			json_decref(doc);
			br_lookup_end(l, "WebFinger names no ActivityPub actor");
			return;
		}
		l->step = 1;
		l->actor = strdup(href);
		json_decref(doc);
		br_lookup_get(l, l->actor, ACCEPT_AP);
		return;
	}
	/* The actor: it must be the URL fetched, with an inbox on its host. */
	if (str_of(doc, "id") == NULL || strcmp(str_of(doc, "id"),
	    l->actor) != 0 || str_of(doc, "inbox") == NULL ||
	    !br_same_host(str_of(doc, "inbox"), l->actor)) {
		json_decref(doc);
		br_lookup_end(l, "the actor's id or inbox does not check out");
		return;
	}
	l->inbox = strdup(str_of(doc, "inbox"));
	json_decref(doc);
	br_lookup_end(l, NULL);
}

/* A lookup's GET (signed as the instance actor). */
static void
br_lookup_get(struct br_lookup *l, const char *url, const char *accept)
{
	struct fetch_request	 fr;
	struct fetcher		*f = l->f;

	memset(&fr, 0, sizeof fr);
	fr.method = "GET";
	fr.url = url;
	fr.accept = accept;
	fr.max_redirects = 3;
	fr.headers = br_sign_get;
	fr.done = br_lookup_done;
	fr.arg = l;
	if (fetcher_submit(f, &fr) != 0)
		br_lookup_end(l, "the outbound client is stopping");
}

/* Write a lookup's outcome: the Follow goes out, or the reason why not. */
static void
br_lookup_apply(struct hm_db *db, struct br_lookup *l)
{
	struct br_actor	 a;
	struct hm_stmt	*st;
	json_t		*act;
	char		*actor, *id;
	int64_t		 user = 0, aid;

	if ((st = A->db_prepare(db, "SELECT user_id FROM bridge_following "
	    "WHERE id = ? AND state = 'looking'")) == NULL)
		return;
	A->db_bind_int(st, 1, l->row);
	if (A->db_step(st) == 1)
		user = A->db_column_int(st, 0);
	A->db_finalize(st);
	if (user == 0)
		return;
	if (l->inbox == NULL || br_actor_get(db, user, NULL, &a) != 0) {
		if ((st = A->db_prepare(db, "UPDATE bridge_following SET state "
		    "= 'failed', error = ? WHERE id = ?")) != NULL) {
			A->db_bind_text(st, 1, l->why != NULL ? l->why :
			    "the person is not visible outside");
			A->db_bind_int(st, 2, l->row);
			A->db_step(st);
			A->db_finalize(st);
		}
		A->log(br_self, HM_LOG_WARN, "follow %s: %s", l->acct,
		    l->why != NULL ? l->why : "not visible outside");
		return;
	}
	actor = br_actor_url(a.username);
	id = br_printf("%s#follows/%lld", actor, (long long)l->row);
	act = br_activity("Follow", id, actor, json_string(l->actor));
	aid = br_activity_add(db, user, "Follow", 0, act);
	json_decref(act);
	if (aid > 0 && br_delivery_add(db, aid, l->inbox) == 0 &&
	    (st = A->db_prepare(db, "UPDATE bridge_following SET state = "
	    "'pending', actor = ?, inbox = ?, follow_id = ? WHERE id = ?")) !=
	    NULL) {
		A->db_bind_text(st, 1, l->actor);
		A->db_bind_text(st, 2, l->inbox);
		A->db_bind_text(st, 3, id);
		A->db_bind_int(st, 4, l->row);
		A->db_step(st);
		A->db_finalize(st);
		br_kick();
	}
	free(id);
	free(actor);
	br_actor_free(&a);
}

static void
br_lookup_free(struct br_lookup *l)
{
	free(l->acct);
	free(l->actor);
	free(l->inbox);
	free(l->why);
	free(l);
}

/*
 * The queue job's part (on the writer): write the lookups that ended,
 * and start those waiting, a few at a time. After a restart, lookups that
 * were under way start again.
 */
void
br_follow_job(struct hm_db *db, int first)
{
	struct br_lookup	*l, *next, *start[LOOKUPS_MAX];
	struct fetcher		*f;
	struct hm_stmt		*st;
	const char		*at;
	size_t			 n = 0, i;
	int			 room;

	if (first)
		A->db_exec(db, "UPDATE bridge_following SET state = "
		    "'resolving' WHERE state = 'looking'");
	pthread_mutex_lock(&lock);
	l = done_list;
	done_list = NULL;
	room = LOOKUPS_MAX - inflight;
	pthread_mutex_unlock(&lock);
	for (; l != NULL; l = next) {
		next = l->next;
		br_lookup_apply(db, l);
		br_lookup_free(l);
	}
	if (room <= 0)
		return;
	if ((f = br_key_fetcher_hold()) == NULL ||
	    (st = A->db_prepare(db, "SELECT id, acct FROM bridge_following "
	    "WHERE state = 'resolving' ORDER BY id LIMIT ?")) == NULL) {
		br_fetcher_release();
		return;
	}
	A->db_bind_int(st, 1, room);
	while (n < (size_t)room && A->db_step(st) == 1) {
		l = calloc(1, sizeof *l);
		l->f = f;
		l->row = A->db_column_int(st, 0);
		l->acct = strdup(A->db_column_text(st, 1));
		start[n++] = l;
	}
	A->db_finalize(st);
	for (i = 0; i < n; i++) {
		char	*url;

		if ((st = A->db_prepare(db, "UPDATE bridge_following SET state "
		    "= 'looking' WHERE id = ?")) != NULL) {
			A->db_bind_int(st, 1, start[i]->row);
			A->db_step(st);
			A->db_finalize(st);
		}
		pthread_mutex_lock(&lock);
		inflight++;
		pthread_mutex_unlock(&lock);
		/* https, as every server; plain http only in the loopback
		 * tests (bridge.allow_private_addresses). */
		at = strchr(start[i]->acct, '@');
		url = br_printf("%s://%s/.well-known/webfinger?resource=acct:%s",
		    br_conf.allow_loopback ? "http" : "https", at + 1,
		    start[i]->acct);
		br_lookup_get(start[i], url, "application/jrd+json, "
		    "application/json");
		free(url);
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

	st = A->db_prepare(db, accepted ? "UPDATE bridge_following SET state "
	    "= 'accepted' WHERE follow_id = ? AND actor = ? AND state = "
	    "'pending'" : "UPDATE bridge_following SET state = 'rejected' "
	    "WHERE follow_id = ? AND actor = ?");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, follow_id);
	A->db_bind_text(st, 2, from);
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	return rc;
}

/* Whether anyone here follows actor (its posts are expected). */
int
br_followed(struct hm_db *db, const char *actor)
{
	struct hm_stmt	*st;
	int		 yes = 0;

	if ((st = A->db_prepare(db, "SELECT 1 FROM bridge_following WHERE "
	    "actor = ? AND state = 'accepted'")) == NULL)
		return 0;
	A->db_bind_text(st, 1, actor);
	yes = A->db_step(st) == 1;
	A->db_finalize(st);
	return yes;
}
