/*
 * share.c: choosing a post for the outside, and taking it back. Only the
 * author may, only if they are visible outside, and only a public post
 * that is not a reply to a colleague and not in a private group: nothing
 * else inside ever leaves. The choice is made in the composer (the
 * share_outside post option, seen by after_post), on one's own post, or
 * through the API; with the desk on, it then waits for approval (desk.c).
 * An edit of a shared post goes back to the desk; a deletion or a
 * withdrawal sends Delete at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

/* Why a post may not leave the company, or NULL if it may. */
const char *
br_share_refusal(struct hm_db *db, const struct hm_post_info *p)
{
	struct br_actor	 a;
	int		 visible, private = 0;

	if (p->group_id != 0 && (A->group_info(db, p->group_id, &private) !=
	    0 || private))
		return "Posts in private groups never leave the company.";
	if (p->visibility != HM_VIS_PUBLIC)
		return "Only public posts can be shared outside; this one is "
		    "for followers or the people mentioned.";
	if (p->group_private)
		return "Posts in private groups never leave the company.";
	if (p->in_reply_to_id != 0 && br_reply_of(db, p->id, NULL, NULL,
	    NULL) != 0)
		return "Replies to colleagues' posts cannot be shared outside.";
	if (br_actor_get(db, p->author_id, NULL, &a) != 0)
		return "Only people visible outside can share posts: opt in "
		    "under Settings, Outside.";
	visible = a.disabled_at == 0;
	br_actor_free(&a);
	if (!visible)
		return "Only people visible outside can share posts: opt in "
		    "under Settings, Outside.";
	return NULL;
}

/* A share's state, or NULL if the post was never chosen (malloc'ed). */
static char *
br_share_state(struct hm_db *db, int64_t post, int64_t *published_at)
{
	struct hm_stmt	*st;
	char		*state = NULL;
	const char	*s;

	*published_at = 0;
	st = A->db_prepare(db, "SELECT state, COALESCE(published_at, 0) FROM "
	    "bridge_shares WHERE post_id = ?");
	if (st == NULL)
		return NULL;
	A->db_bind_int(st, 1, post);
	if (A->db_step(st) == 1 && (s = A->db_column_text(st, 0)) != NULL) {
		state = strdup(s);
		*published_at = A->db_column_int(st, 1);
	}
	A->db_finalize(st);
	return state;
}

/* Put a share at the desk (or, with approval = none, out at once). */
static int
br_share_queue(struct hm_db *db, int64_t post, int64_t author,
    char **cause)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "INSERT INTO bridge_shares (post_id, "
	    "author_id, state, requested_at) VALUES (?, ?, 'pending', ?) ON "
	    "CONFLICT (post_id) DO UPDATE SET state = 'pending', "
	    "requested_at = excluded.requested_at, decided_at = NULL, "
	    "decided_by = NULL, note = NULL");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, post);
	A->db_bind_int(st, 2, author);
	A->db_bind_int(st, 3, br_now());
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	if (rc != 0)
		return -1;
	if (!br_conf.desk)
		return br_publish(db, post, 0, cause);
	return 0;
}

/*
 * user asks for their post to go outside (on the writer). HM_OK, or an
 * HM_ code with *cause: the post is not theirs, may not leave, or is
 * already shared.
 */
int
br_share_request(struct hm_db *db, int64_t post, int64_t user, char **cause)
{
	struct hm_post_info	 p;
	const char		*why;
	char			*state;
	int64_t			 published;
	int			 rc;

	if (A->post_info(db, post, &p) != 0) {
		*cause = strdup("Record not found");
		return HM_NOTFOUND;
	}
	if (p.author_id != user) {
		A->post_info_free(&p);
		*cause = strdup("Only the author can share a post outside.");
		return HM_FORBIDDEN;
	}
	if ((why = br_share_refusal(db, &p)) != NULL) {
		A->post_info_free(&p);
		*cause = strdup(why);
		return HM_INVALID;
	}
	state = br_share_state(db, post, &published);
	if (state != NULL && (strcmp(state, "pending") == 0 ||
	    strcmp(state, "approved") == 0)) {
		free(state);
		A->post_info_free(&p);
		return HM_OK;		/* asked twice: already so */
	}
	free(state);
	rc = br_share_queue(db, post, user, cause) == 0 ? HM_OK : -1;
	A->post_info_free(&p);
	return rc;
}

/* Send Delete for a post that went out, to everyone it went to. */
static int
br_share_delete(struct hm_db *db, int64_t post, int64_t author)
{
	struct br_actor	 a;
	json_t		*act;
	char		*actor, *note, *id;
	int64_t		 aid;
	int		 rc = -1;

	if (br_actor_get(db, author, NULL, &a) != 0)
		return -1;
	actor = br_actor_url(a.username);
	note = br_note_url(a.username, post);
	id = br_printf("%s#delete", note);
	act = br_activity("Delete", id, actor, json_pack("{s:s, s:s}", "id",
	    note, "type", "Tombstone"));
	if ((aid = br_activity_add(db, author, "Delete", post, act)) > 0 &&
	    br_deliver_followers(db, aid, author) == 0 &&
	    br_deliver_replied(db, aid, post) == 0)
		rc = 0;
	json_decref(act);
	free(id);
	free(note);
	free(actor);
	br_actor_free(&a);
	br_kick();
	return rc;
}

/* Withdraw a post from the outside: Delete at once if it went out. */
static int
br_share_end(struct hm_db *db, int64_t post, int64_t author)
{
	struct hm_stmt	*st;
	char		*state;
	int64_t		 published;
	int		 rc;

	if ((state = br_share_state(db, post, &published)) == NULL)
		return HM_NOTFOUND;
	if (strcmp(state, "withdrawn") == 0) {
		free(state);
		return HM_OK;
	}
	free(state);
	if (published != 0 && br_share_delete(db, post, author) != 0)
		return -1;
	st = A->db_prepare(db, "UPDATE bridge_shares SET state = "
	    "'withdrawn', decided_at = ? WHERE post_id = ?");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, br_now());
	A->db_bind_int(st, 2, post);
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	return rc;
}

/* The author takes a post back (on the writer). */
int
br_share_withdraw(struct hm_db *db, int64_t post, int64_t user, char **cause)
{
	struct hm_post_info	 p;
	int			 rc;

	if (A->post_info(db, post, &p) != 0) {
		*cause = strdup("Record not found");
		return HM_NOTFOUND;
	}
	if (p.author_id != user) {
		A->post_info_free(&p);
		*cause = strdup("Only the author can withdraw a post.");
		return HM_FORBIDDEN;
	}
	A->post_info_free(&p);
	if ((rc = br_share_end(db, post, user)) == HM_NOTFOUND)
		*cause = strdup("This post is not shared outside.");
	return rc;
}

/* Whether a space-separated option list names opt. */
static int
br_has_option(const char *list, const char *opt)
{
	size_t		 n = strlen(opt);
	const char	*p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, opt, n) == 0 && (p[n] == '\0' || p[n] == ' '))
			return 1;
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	}
	return 0;
}

/* A chosen option that cannot be honoured (before_post refuses what it
 * can see coming; this is what changed in between): logged. */
static void
br_share_refused(struct hm_db *db, int64_t post, int64_t author,
    const char *why)
{
	A->log(br_self, HM_LOG_WARN, "post %lld by %lld not shared outside: "
	    "%s", (long long)post, (long long)author, why);
}

/*
 * before_post: a post that asks to go outside but may not is refused
 * before it is written, with the reason, rather than written and quietly
 * kept inside. The same rules as br_share_refusal, from the request.
 */
int
br_before_post(struct hm_req *r, const char *text, struct hm_refusal *f)
{
	const char	*vis = A->req_param(r, "visibility");
	const char	*group = A->req_param(r, "group_id");
	const char	*reply = A->req_param(r, "in_reply_to_id");
	struct br_actor	 a;
	int		 private = 0, visible, outside = 0;

	(void)text;
	/* A reply to someone outside goes outside by construction. */
	if (reply != NULL && *reply != '\0')
		outside = br_is_outside(A->req_db(r), strtoll(reply, NULL, 10));
	if (!outside && !br_truthy(A->req_param(r, "share_outside")))
		return 0;
	f->link = "/settings/bridge";
	f->link_text = "Sharing outside";
	if (outside) {
		if (vis != NULL && *vis != '\0' && strcmp(vis, "public") != 0) {
			f->reason = "A reply to someone outside the company is "
			    "public: it goes to them through the desk. Choose "
			    "public, or forward the post into a group to "
			    "discuss it inside.";
			return 1;
		}
		reply = NULL;	/* a reply that may leave */
	}
	if (vis != NULL && *vis != '\0' && strcmp(vis, "public") != 0) {
		f->reason = "Only public posts can be shared outside; choose "
		    "public, or do not share it outside.";
		return 1;
	}
	if (reply != NULL && *reply != '\0') {
		f->reason = "Replies to colleagues' posts cannot be shared "
		    "outside.";
		return 1;
	}
	if (group != NULL && *group != '\0' && strcmp(group, "0") != 0 &&
	    (A->group_info(A->req_db(r), strtoll(group, NULL, 10),
	    &private) != 0 || private)) {
		f->reason = "Posts in private groups never leave the company.";
		return 1;
	}
	if (br_actor_get(A->req_db(r), A->req_user(r), NULL, &a) != 0) {
		f->reason = outside ? "Replying to someone outside the company "
		    "needs you to be visible outside: opt in under Settings, "
		    "Outside." : "Only people visible outside can share posts: "
		    "opt in under Settings, Outside.";
		return 1;
	}
	visible = a.disabled_at == 0;
	br_actor_free(&a);
	if (!visible) {
		f->reason = outside ? "Replying to someone outside the company "
		    "needs you to be visible outside: opt in under Settings, "
		    "Outside." : "Only people visible outside can share posts: "
		    "opt in under Settings, Outside.";
		return 1;
	}
	return 0;
}

/* after_post: "Share outside" was chosen in the composer or the API. */
void
br_after_post(struct hm_db *db, const struct hm_post_event *e)
{
	char	*cause = NULL;
	int	 rc;

	if ((e->options == NULL || !br_has_option(e->options,
	    "share_outside")) && (e->in_reply_to_id == 0 || br_reply_of(db,
	    e->id, NULL, NULL, NULL) != 0))
		return;		/* neither chosen nor a reply outside */
	if (br_is_outside(db, e->id))
		return;		/* from outside: not ours to share */
	rc = br_share_request(db, e->id, e->author_id, &cause);
	if (rc != HM_OK)
		br_share_refused(db, e->id, e->author_id, cause ? cause :
		    "the post could not be shared");
	free(cause);
}

/*
 * after_post_edit: a shared post changed. What went out stays out until
 * the desk approves the new text (then Update); with approval = none the
 * Update goes at once. An edit may also choose to share.
 */
void
br_after_post_edit(struct hm_db *db, const struct hm_post_event *e)
{
	struct hm_stmt	*st;
	char		*state, *cause = NULL;
	int64_t		 published;

	state = br_share_state(db, e->id, &published);
	if (state == NULL || strcmp(state, "declined") == 0 ||
	    strcmp(state, "withdrawn") == 0) {
		free(state);
		if (e->options != NULL &&
		    br_has_option(e->options, "share_outside"))
			br_after_post(db, e);
		return;
	}
	free(state);
	st = A->db_prepare(db, "UPDATE bridge_shares SET state = 'pending', "
	    "requested_at = ?, decided_at = NULL, decided_by = NULL, note = "
	    "NULL WHERE post_id = ?");
	if (st == NULL)
		return;
	A->db_bind_int(st, 1, br_now());
	A->db_bind_int(st, 2, e->id);
	A->db_step(st);
	A->db_finalize(st);
	if (!br_conf.desk && br_publish(db, e->id, 0, &cause) != 0)
		A->log(br_self, HM_LOG_ERROR, "post %lld: the edit could not "
		    "go out: %s", (long long)e->id, cause ? cause : "?");
	free(cause);
}

/* after_post_delete: a deleted post leaves the outside at once. */
void
br_after_post_delete(struct hm_db *db, int64_t post, int64_t author)
{
	if (br_share_end(db, post, author) == -1)
		A->log(br_self, HM_LOG_ERROR, "post %lld: could not send its "
		    "Delete", (long long)post);
}
