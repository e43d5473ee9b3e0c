/*
 * mention.c: "@name@host" in a shared post, someone on another server.
 * Known here (their actor checked and cached), they are linked, tagged as
 * a Mention, added to the Note's cc and sent the post at their own inbox,
 * as Mastodon does, so their server tells them. Unknown, they are looked
 * up by WebFinger as soon as the post is chosen for the outside; the post
 * waits for those lookups (at most BR_MENTION_WAIT seconds) before it goes
 * out, so that an approval = none post reaches whom it names too. A name
 * that cannot be found stays plain text.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api
#define BR_MENTION_WAIT	60	/* seconds a post waits for its lookups */
#define HANDLES_MAX	16	/* outside names looked up per post */

/* The actor of a known name@host (malloc'ed), or NULL. */
char *
br_mention_actor(struct hm_db *db, const char *acct)
{
	struct hm_stmt	*st;
	char		*id = NULL;

	if ((st = A->db_prepare(db, "SELECT id FROM bridge_remote_actors "
	    "WHERE (username || '@' || host) = ? COLLATE NOCASE ORDER BY "
	    "fetched_at DESC LIMIT 1")) == NULL)
		return NULL;
	A->db_bind_text(st, 1, acct);
	if (A->db_step(st) == 1)
		id = strdup(A->db_column_text(st, 0));
	A->db_finalize(st);
	return id;
}

/* What a scan of a post's outside names collects. */
struct br_scan {
	struct hm_db	*db;
	int		 pending;	/* lookups under way */
	int		 n;
};

/*
 * The resolver of a scan (markdown_outside's parser finds the names):
 * each name@host not known is asked for once, and counted while its
 * lookup is under way. It links nothing.
 */
static const char *
br_scan_name(void *arg, const char *name)
{
	struct br_scan	*s = arg;
	struct hm_stmt	*st;
	char		*actor;
	const char	*state = NULL;

	if (strchr(name, '@') == NULL || s->n >= HANDLES_MAX)
		return NULL;
	s->n++;
	if ((actor = br_mention_actor(s->db, name)) != NULL) {
		free(actor);
		return NULL;
	}
	if ((st = A->db_prepare(s->db, "INSERT INTO bridge_mention_lookups "
	    "(acct, state, created_at) VALUES (?, 'resolving', ?) ON CONFLICT "
	    "(acct) DO NOTHING")) != NULL) {
		A->db_bind_text(st, 1, name);
		A->db_bind_int(st, 2, br_now());
		A->db_step(st);
		A->db_finalize(st);
	}
	if ((st = A->db_prepare(s->db, "SELECT state FROM "
	    "bridge_mention_lookups WHERE acct = ?")) != NULL) {
		A->db_bind_text(st, 1, name);
		if (A->db_step(st) == 1 && (state = A->db_column_text(st, 0)) !=
		    NULL && (strcmp(state, "resolving") == 0 ||
		    strcmp(state, "looking") == 0))
			s->pending++;
		A->db_finalize(st);
	}
	return NULL;
}

/* How many of a post's outside names are still being looked up (asking
 * for the new ones; writer). */
int
br_mentions_pending(struct hm_db *db, const char *source)
{
	struct br_scan	 s;
	char		*html;

	memset(&s, 0, sizeof s);
	s.db = db;
	html = A->markdown_outside(source, br_conf.base, br_scan_name, &s);
	A->free(html);
	if (s.pending > 0)
		br_kick();
	return s.pending;
}

/*
 * Send a post out, or let it wait for the lookups of the outside names it
 * mentions (writer). by is who approved (0: approval = none). As
 * br_publish_now.
 */
int
br_publish(struct hm_db *db, int64_t post, int64_t by, char **cause)
{
	struct hm_post_info	 p;
	struct hm_stmt		*st;
	int			 pending;

	if (A->post_info(db, post, &p) != 0) {
		*cause = strdup("Record not found");
		return HM_NOTFOUND;
	}
	pending = br_mentions_pending(db, p.source);
	A->post_info_free(&p);
	if (pending == 0)
		return br_publish_now(db, post, by, cause);
	if ((st = A->db_prepare(db, "UPDATE bridge_shares SET state = "
	    "'approved', decided_at = ?1, decided_by = ?2, waits_since = ?1 "
	    "WHERE post_id = ?3")) == NULL)
		return -1;
	A->db_bind_int(st, 1, br_now());
	if (by != 0)
		A->db_bind_int(st, 2, by);
	else
		A->db_bind_null(st, 2);
	A->db_bind_int(st, 3, post);
	A->db_step(st);
	A->db_finalize(st);
	A->log(br_self, HM_LOG_INFO, "post %lld waits for %d name(s) outside "
	    "to be looked up", (long long)post, pending);
	return HM_OK;
}

/* A mention lookup's outcome. */
struct br_found {
	char			*acct;
	struct br_remote	 remote;	/* id NULL: not found */
	struct br_found		*next;
};

static struct br_found	*found_list;	/* under br_mention_lock */
static pthread_mutex_t	 br_mention_lock = PTHREAD_MUTEX_INITIALIZER;

static void
br_mention_found(void *arg, struct br_remote *r, const char *why)
{
	struct br_found	*f = arg;

	if (r != NULL) {
		f->remote = *r;
		memset(r, 0, sizeof *r);
	} else
		A->log(br_self, HM_LOG_INFO, "mention %s: not found outside: "
		    "%s", f->acct, why != NULL ? why : "?");
	pthread_mutex_lock(&br_mention_lock);
	f->next = found_list;
	found_list = f;
	pthread_mutex_unlock(&br_mention_lock);
	br_kick();
}

/* The posts whose lookups settled (or waited long enough) go out. */
static void
br_mentions_release(struct hm_db *db)
{
	struct hm_stmt		*st;
	struct hm_post_info	 p;
	int64_t			 posts[32], by[32], since[32];
	size_t			 n = 0, i;
	char			*cause = NULL;

	if ((st = A->db_prepare(db, "SELECT post_id, COALESCE(decided_by, 0), "
	    "waits_since FROM bridge_shares WHERE waits_since IS NOT NULL AND "
	    "state = 'approved' LIMIT 32")) == NULL)
		return;
	while (n < 32 && A->db_step(st) == 1) {
		posts[n] = A->db_column_int(st, 0);
		by[n] = A->db_column_int(st, 1);
		since[n++] = A->db_column_int(st, 2);
	}
	A->db_finalize(st);
	for (i = 0; i < n; i++) {
		if (A->post_info(db, posts[i], &p) != 0)
			continue;
		if (br_now() - since[i] < BR_MENTION_WAIT &&
		    br_mentions_pending(db, p.source) > 0) {
			A->post_info_free(&p);
			continue;
		}
		A->post_info_free(&p);
		if ((st = A->db_prepare(db, "UPDATE bridge_shares SET "
		    "waits_since = NULL WHERE post_id = ?")) != NULL) {
			A->db_bind_int(st, 1, posts[i]);
			A->db_step(st);
			A->db_finalize(st);
		}
		if (br_publish_now(db, posts[i], by[i], &cause) != HM_OK)
			A->log(br_self, HM_LOG_ERROR, "post %lld could not go "
			    "out: %s", (long long)posts[i], cause ? cause : "?");
		free(cause);
		cause = NULL;
	}
}

/*
 * The queue job's part (writer): keep what lookups found, start the ones
 * asked for (a few at a time; after a restart, those under way again),
 * and release the posts that waited.
 */
void
br_mention_job(struct hm_db *db, int first)
{
	struct br_found	*f, *next;
	struct hm_stmt	*st;
	struct fetcher	*fe;
	char		*accts[8];
	size_t		 n = 0, i;

	if (first)
		A->db_exec(db, "UPDATE bridge_mention_lookups SET state = "
		    "'resolving' WHERE state = 'looking'");
	pthread_mutex_lock(&br_mention_lock);
	f = found_list;
	found_list = NULL;
	pthread_mutex_unlock(&br_mention_lock);
	for (; f != NULL; f = next) {
		next = f->next;
		if (f->remote.id != NULL &&
		    !br_policy_blocks_host(db, f->remote.host) &&
		    br_remote_save(db, &f->remote) == 0) {
			char	*cause = NULL;

			if (br_account_save(db, &f->remote, &cause) < 0)
				A->log(br_self, HM_LOG_WARN, "mention %s: %s",
				    f->acct, cause ? cause : "not kept");
			A->free(cause);
		}
		if ((st = A->db_prepare(db, "UPDATE bridge_mention_lookups SET "
		    "state = ? WHERE acct = ?")) != NULL) {
			A->db_bind_text(st, 1, f->remote.id != NULL ? "done" :
			    "failed");
			A->db_bind_text(st, 2, f->acct);
			A->db_step(st);
			A->db_finalize(st);
		}
		br_remote_free(&f->remote);
		free(f->acct);
		free(f);
	}
	if ((st = A->db_prepare(db, "SELECT acct FROM bridge_mention_lookups "
	    "WHERE state = 'resolving' ORDER BY created_at LIMIT 8")) != NULL) {
		while (n < 8 && A->db_step(st) == 1)
			accts[n++] = strdup(A->db_column_text(st, 0));
		A->db_finalize(st);
	}
	fe = br_key_fetcher_hold();
	for (i = 0; i < n; i++) {
		f = calloc(1, sizeof *f);
		f->acct = accts[i];
		if (fe == NULL || br_lookup(fe, accts[i], br_mention_found, f)
		    != 0) {
			free(f->acct);
			free(f);
			continue;	/* busy: at the next tick */
		}
		if ((st = A->db_prepare(db, "UPDATE bridge_mention_lookups SET "
		    "state = 'looking' WHERE acct = ?")) != NULL) {
			A->db_bind_text(st, 1, accts[i]);
			A->db_step(st);
			A->db_finalize(st);
		}
	}
	br_fetcher_release();
	br_mentions_release(db);
}

/* Send an activity to the inboxes of the people outside a Note's tags
 * mention (not ours; each once). 0, or -1. */
int
br_deliver_mentioned(struct hm_db *db, int64_t activity, json_t *tags)
{
	struct hm_stmt	*st;
	json_t		*t;
	const char	*href, *type, *s;
	size_t		 i;
	int		 rc = 0;

	json_array_foreach(tags, i, t) {
		type = br_json_str(t, "type");
		href = br_json_str(t, "href");
		if (type == NULL || strcmp(type, "Mention") != 0 ||
		    href == NULL || strncmp(href, br_conf.base,
		    strlen(br_conf.base)) == 0)
			continue;
		if ((st = A->db_prepare(db, "SELECT inbox FROM "
		    "bridge_remote_actors WHERE id = ?")) == NULL)
			return -1;
		A->db_bind_text(st, 1, href);
		if (A->db_step(st) == 1 && (s = br_col(st, 0)) != NULL &&
		    br_delivery_add(db, activity, s) != 0)
			rc = -1;
		A->db_finalize(st);
	}
	return rc;
}
