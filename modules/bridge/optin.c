/*
 * optin.c: becoming visible outside and leaving again, and the followers
 * an employee holds for approval. Opting out is complete: a Delete for
 * each post that went out and for the actor goes to every follower's
 * server, everything else still queued for that person is stopped, and
 * the followers are forgotten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

/* Opt in (a person themselves, or by an admin); HM_OK or an HM_ code. */
int
br_opt_in(struct hm_db *db, int64_t user, int64_t by, char **cause)
{
	struct hm_user_info	u;
	int			rc;

	if (A->user_find(db, user, NULL, &u) != 0) {
		*cause = strdup("no such person");
		return HM_NOTFOUND;
	}
	rc = u.disabled ? HM_INVALID : HM_OK;
	A->user_info_free(&u);
	if (rc != HM_OK) {
		*cause = strdup("a disabled account cannot be visible outside");
		return rc;
	}
	return br_actor_enable(db, user, by, cause) == 0 ? HM_OK : -1;
}

/* Opt out: Deletes out, the rest stopped; HM_OK or an HM_ code. */
int
br_opt_out(struct hm_db *db, int64_t user, char **cause)
{
	struct br_actor	 a;
	struct hm_stmt	*st;
	int64_t		 posts[1024], aid;
	size_t		 n = 0, i;
	json_t		*act;
	char		*actor, *id;
	int		 rc;

	if (br_actor_get(db, user, NULL, &a) != 0 || a.disabled_at != 0) {
		if (a.user_id != 0)
			br_actor_free(&a);
		*cause = strdup("not visible outside");
		return HM_CONFLICT;
	}
	/* Stop what was still to go: only the Deletes below leave now. */
	st = A->db_prepare(db, "UPDATE bridge_deliveries SET state = 'failed', "
	    "last_error = 'the person opted out', done_at = ? WHERE state IN "
	    "('pending', 'sending') AND activity_id IN (SELECT id FROM "
	    "bridge_activities WHERE user_id = ?)");
	if (st != NULL) {
		A->db_bind_int(st, 1, br_now());
		A->db_bind_int(st, 2, user);
		A->db_step(st);
		A->db_finalize(st);
	}
	st = A->db_prepare(db, "SELECT post_id FROM bridge_shares WHERE "
	    "author_id = ? AND state IN ('pending', 'approved')");
	if (st != NULL) {
		A->db_bind_int(st, 1, user);
		while (n < sizeof posts / sizeof posts[0] &&
		    A->db_step(st) == 1)
			posts[n++] = A->db_column_int(st, 0);
		A->db_finalize(st);
	}
	for (i = 0; i < n; i++) {
		if ((rc = br_share_withdraw(db, posts[i], user, cause)) !=
		    HM_OK) {
			br_actor_free(&a);
			return rc;
		}
	}
	actor = br_actor_url(a.username);
	id = br_printf("%s#delete-%lld", actor, (long long)br_now());
	act = br_activity("Delete", id, actor, json_string(actor));
	aid = br_activity_add(db, user, "Delete", 0, act);
	json_decref(act);
	free(id);
	free(actor);
	br_actor_free(&a);
	if (aid <= 0 || br_deliver_followers(db, aid, user) != 0)
		return -1;
	if ((st = A->db_prepare(db, "DELETE FROM bridge_followers WHERE "
	    "user_id = ?")) == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	A->db_step(st);
	A->db_finalize(st);
	br_kick();
	return br_actor_disable(db, user, cause) == 0 ? HM_OK : -1;
}

/*
 * A follower held for approval: accept (Accept goes to them) or reject
 * (Reject goes, and they are forgotten). HM_OK or an HM_ code.
 */
int
br_follower_decide(struct hm_db *db, int64_t user, int64_t follower,
    int accept, char **cause)
{
	struct br_actor	 a;
	struct hm_stmt	*st;
	json_t		*act, *follow;
	char		*actor, *id, *remote = NULL, *inbox = NULL, *fid = NULL;
	int64_t		 aid;
	int		 rc = -1;

	st = A->db_prepare(db, "SELECT actor, inbox, follow_id FROM "
	    "bridge_followers WHERE id = ? AND user_id = ? AND state = "
	    "'pending'");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, follower);
	A->db_bind_int(st, 2, user);
	if (A->db_step(st) == 1) {
		remote = strdup(A->db_column_text(st, 0));
		inbox = strdup(A->db_column_text(st, 1));
		fid = strdup(A->db_column_text(st, 2));
	}
	A->db_finalize(st);
	if (remote == NULL) {
		*cause = strdup("no such follow request");
		return HM_NOTFOUND;
	}
	if (br_actor_get(db, user, NULL, &a) != 0)
		goto out;
	actor = br_actor_url(a.username);
	id = br_printf("%s#%s/follows/%lld", actor, accept ? "accepts" :
	    "rejects", (long long)follower);
	follow = json_pack("{s:s, s:s, s:s, s:s}", "id", fid, "type",
	    "Follow", "actor", remote, "object", actor);
	act = br_activity(accept ? "Accept" : "Reject", id, actor, follow);
	aid = br_activity_add(db, user, accept ? "Accept" : "Reject", 0, act);
	json_decref(act);
	free(id);
	free(actor);
	br_actor_free(&a);
	if (aid <= 0 || br_delivery_add(db, aid, inbox) != 0)
		goto out;
	st = A->db_prepare(db, accept ? "UPDATE bridge_followers SET state = "
	    "'accepted' WHERE id = ?" : "DELETE FROM bridge_followers WHERE "
	    "id = ?");
	if (st == NULL)
		goto out;
	A->db_bind_int(st, 1, follower);
	rc = A->db_step(st) == 0 ? HM_OK : -1;
	A->db_finalize(st);
	br_kick();
out:
	free(remote);
	free(inbox);
	free(fid);
	return rc;
}
