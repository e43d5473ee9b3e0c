/*
 * desk.c: the approval desk. A shared post waits here until someone the
 * company trusts (an admin, or a person added with `hearthctl bridge desk
 * add`) approves or declines it, with an optional note to the author. An
 * approval renders the post as the outside will see it, keeps that exact
 * text, records the decision, and writes the Create (or, for an approved
 * edit, the Update) and its deliveries, all in the writer's one
 * transaction: nothing is approved that is not also queued to go out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

/* Record a decision, with the text that went out (if any). */
static int
br_decision_add(struct hm_db *db, int64_t post, int64_t author,
    const char *what, int64_t by, const char *note, const char *html,
    const char *summary)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "INSERT INTO bridge_decisions (post_id, "
	    "author_id, decision, decided_by, decided_at, note, html, summary) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, post);
	A->db_bind_int(st, 2, author);
	A->db_bind_text(st, 3, what);
	if (by != 0)
		A->db_bind_int(st, 4, by);
	else
		A->db_bind_null(st, 4);
	A->db_bind_int(st, 5, br_now());
	A->db_bind_text(st, 6, note);
	A->db_bind_text(st, 7, html);
	A->db_bind_text(st, 8, summary);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	return rc;
}

/*
 * Send a post out (on the writer): render it now, keep the text that
 * went, and queue the Create (first time) or Update (an approved edit) to
 * the author's followers, whom it answers and the people outside it
 * mentions. by is who approved (0: approval = none). (br_publish first
 * lets it wait for the lookups of names outside.)
 */
int
br_publish_now(struct hm_db *db, int64_t post, int64_t by, char **cause)
{
	struct hm_post_info	 p;
	struct br_actor		 a;
	struct br_note		 n;
	struct hm_stmt		*st;
	json_t			*note, *act;
	char			*actor = NULL, *id = NULL, *tags = NULL;
	char			*media = NULL;
	const char		*why;
	int64_t			 published = 0, edits = 0, aid, now = br_now();
	int			 rc = -1, update;

	if (A->post_info(db, post, &p) != 0) {
		*cause = strdup("Record not found");
		return HM_NOTFOUND;
	}
	if ((why = br_share_refusal(db, &p)) != NULL) {
		A->post_info_free(&p);
		*cause = strdup(why);
		return HM_INVALID;
	}
	if (br_actor_get(db, p.author_id, NULL, &a) != 0) {
		A->post_info_free(&p);
		return -1;
	}
	if ((st = A->db_prepare(db, "SELECT COALESCE(published_at, 0), edits "
	    "FROM bridge_shares WHERE post_id = ?")) != NULL) {
		A->db_bind_int(st, 1, post);
		if (A->db_step(st) == 1) {
			published = A->db_column_int(st, 0);
			edits = A->db_column_int(st, 1);
		}
		A->db_finalize(st);
	}
	update = published != 0;
	if (br_note_render(db, &a, &p, &n) != 0)
		goto out;
	tags = json_dumps(n.tags, JSON_COMPACT);
	/* the attachments as they are now go out with the text */
	media = A->post_media(db, post);
	st = A->db_prepare(db, "UPDATE bridge_shares SET state = 'approved', "
	    "decided_at = ?, decided_by = ?, published_at = COALESCE("
	    "published_at, ?), updated_at = ?, html = ?, summary = ?, tags = "
	    "?, edits = edits + ?, waits_since = NULL, media = ? WHERE "
	    "post_id = ?");
	if (st == NULL)
		goto out_note;
	A->db_bind_int(st, 1, now);
	if (by != 0)
		A->db_bind_int(st, 2, by);
	else
		A->db_bind_null(st, 2);
	A->db_bind_int(st, 3, now);
	if (update)
		A->db_bind_int(st, 4, now);
	else
		A->db_bind_null(st, 4);
	A->db_bind_text(st, 5, n.html);
	A->db_bind_text(st, 6, n.summary);
	A->db_bind_text(st, 7, tags);
	A->db_bind_int(st, 8, update);
	if (media != NULL)
		A->db_bind_text(st, 9, media);
	else
		A->db_bind_null(st, 9);
	A->db_bind_int(st, 10, post);
	if (A->db_step(st) != 0) {
		A->db_finalize(st);
		goto out_note;
	}
	A->db_finalize(st);
	if (br_decision_add(db, post, p.author_id, update ? "approved edit" :
	    "approved", by, NULL, n.html, n.summary) != 0)
		goto out_note;

	actor = br_actor_url(a.username);
	note = br_note_json(db, &a, post, n.html, n.summary, n.tags, media,
	    update ? published : now, update ? now : 0);
	if (update)
		id = br_printf("%s#updates/%lld", n.id, (long long)edits + 1);
	else
		id = br_printf("%s/activity", n.id);
	act = br_activity(update ? "Update" : "Create", id, actor, note);
	aid = br_activity_add(db, p.author_id, update ? "Update" : "Create",
	    post, act);
	json_decref(act);
	if (aid <= 0 || br_deliver_followers(db, aid, p.author_id) != 0 ||
	    br_deliver_replied(db, aid, post) != 0 ||
	    br_deliver_mentioned(db, aid, n.tags) != 0)
		goto out_note;
	if (by != 0)
		A->notify_post(db, p.author_id, "bridge.approved", by, post);
	br_kick();
	rc = HM_OK;
out_note:
	br_note_free(&n);
out:
	A->free(media);
	free(tags);
	free(actor);
	free(id);
	br_actor_free(&a);
	A->post_info_free(&p);
	return rc;
}

/*
 * A desk member's decision on a waiting post (on the writer): approve
 * sends it out, decline keeps it inside (an approved post whose edit is
 * declined keeps its approved text outside). HM_OK or an HM_ code.
 */
int
br_desk_decide(struct hm_db *db, int64_t post, int64_t by, int approve,
    const char *note, char **cause)
{
	struct hm_stmt	*st;
	const char	*state = NULL;
	int64_t		 author = 0, published = 0;
	int		 rc, pending = 0;

	if (!br_is_desk(db, by)) {
		*cause = strdup("Only the communications desk decides what "
		    "goes outside.");
		return HM_FORBIDDEN;
	}
	if ((st = A->db_prepare(db, "SELECT state, author_id, COALESCE("
	    "published_at, 0) FROM bridge_shares WHERE post_id = ?")) == NULL)
		return -1;
	A->db_bind_int(st, 1, post);
	if (A->db_step(st) == 1) {
		state = A->db_column_text(st, 0);
		pending = state != NULL && strcmp(state, "pending") == 0;
		author = A->db_column_int(st, 1);
		published = A->db_column_int(st, 2);
		state = "";
	}
	A->db_finalize(st);
	if (state == NULL) {
		*cause = strdup("Record not found");
		return HM_NOTFOUND;
	}
	if (!pending) {
		*cause = strdup("This post is not waiting at the desk (someone "
		    "decided already, or it was withdrawn).");
		return HM_CONFLICT;
	}
	if (br_chars(note) > BR_NOTE_MAX) {
		*cause = br_printf("The note is too long: at most %d "
		    "characters.", BR_NOTE_MAX);
		return HM_INVALID;
	}
	if (approve) {
		if ((rc = br_publish(db, post, by, cause)) != HM_OK)
			return rc;
		if (note != NULL && *note != '\0' && (st = A->db_prepare(db,
		    "UPDATE bridge_shares SET note = ? WHERE post_id = ?")) !=
		    NULL) {
			A->db_bind_text(st, 1, note);
			A->db_bind_int(st, 2, post);
			A->db_step(st);
			A->db_finalize(st);
			st = A->db_prepare(db, "UPDATE bridge_decisions SET "
			    "note = ? WHERE id = (SELECT MAX(id) FROM "
			    "bridge_decisions WHERE post_id = ?)");
			if (st != NULL) {
				A->db_bind_text(st, 1, note);
				A->db_bind_int(st, 2, post);
				A->db_step(st);
				A->db_finalize(st);
			}
		}
		return HM_OK;
	}
	/* Declined: a first request stays inside; a declined edit leaves
	 * the approved text outside. */
	st = A->db_prepare(db, "UPDATE bridge_shares SET state = ?, "
	    "decided_at = ?, decided_by = ?, note = ? WHERE post_id = ?");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, published != 0 ? "approved" : "declined");
	A->db_bind_int(st, 2, br_now());
	A->db_bind_int(st, 3, by);
	A->db_bind_text(st, 4, note);
	A->db_bind_int(st, 5, post);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	if (rc != 0 || br_decision_add(db, post, author, published != 0 ?
	    "declined edit" : "declined", by, note, NULL, NULL) != 0)
		return -1;
	A->notify_post(db, author, "bridge.declined", by, post);
	return HM_OK;
}

/* How many posts wait at the desk. */
int64_t
br_queue_count(struct hm_db *db)
{
	struct hm_stmt	*st;
	int64_t		 n = 0;

	if ((st = A->db_prepare(db, "SELECT COUNT(*) FROM bridge_shares "
	    "WHERE state = 'pending'")) == NULL)
		return 0;
	if (A->db_step(st) == 1)
		n = A->db_column_int(st, 0);
	A->db_finalize(st);
	return n;
}

/*
 * The posts waiting at the desk, oldest first, each with a preview made
 * now, exactly as the outside would see it: the HTML, the content
 * warning, the mentions that resolve, and what was dropped.
 */
json_t *
br_queue_json(struct hm_db *db, struct hm_req *r, int limit)
{
	struct hm_stmt		*st;
	struct hm_post_info	 p;
	struct br_actor		 a;
	struct br_note		 n;
	json_t			*list = json_array(), *item;
	int64_t			 post, published;

	st = A->db_prepare(db, "SELECT post_id, requested_at, COALESCE("
	    "published_at, 0), html FROM bridge_shares WHERE state = "
	    "'pending' ORDER BY requested_at, post_id LIMIT ?");
	if (st == NULL)
		return list;
	A->db_bind_int(st, 1, limit);
	while (A->db_step(st) == 1) {
		post = A->db_column_int(st, 0);
		published = A->db_column_int(st, 2);
		if (A->post_info(db, post, &p) != 0)
			continue;
		if (br_actor_get(db, p.author_id, NULL, &a) != 0) {
			A->post_info_free(&p);
			continue;
		}
		if (br_note_render(db, &a, &p, &n) == 0) {
			item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, "
			    "s:s, s:b, s:O}",
			    "id", A->req_printf(r, "%lld", (long long)post),
			    "author", a.username,
			    "author_name", a.display_name,
			    "requested_at", br_iso(r, A->db_column_int(st, 1)),
			    "html", n.html,
			    "spoiler_text", n.summary,
			    "source", p.source,
			    "url", A->req_printf(r, "%s/@%s/%lld",
			    br_conf.base, a.username, (long long)post),
			    "edit", published != 0,
			    "tags", n.tags);
			if (published != 0 && A->db_column_text(st, 3) != NULL)
				json_object_set_new(item, "approved_html",
				    json_string(A->db_column_text(st, 3)));
			json_array_append_new(list, item);
			br_note_free(&n);
		}
		br_actor_free(&a);
		A->post_info_free(&p);
	}
	A->db_finalize(st);
	return list;
}

/* Every decision, newest first: who, when, and the text that went out. */
json_t *
br_decisions_json(struct hm_db *db, struct hm_req *r, int limit)
{
	struct hm_stmt		*st;
	struct hm_user_info	 u, by;
	json_t			*list = json_array();
	int			 hu, hb;

	st = A->db_prepare(db, "SELECT id, post_id, author_id, decision, "
	    "COALESCE(decided_by, 0), decided_at, note, html, summary FROM "
	    "bridge_decisions ORDER BY id DESC LIMIT ?");
	if (st == NULL)
		return list;
	A->db_bind_int(st, 1, limit);
	while (A->db_step(st) == 1) {
		hu = A->user_find(db, A->db_column_int(st, 2), NULL, &u) == 0;
		hb = A->db_column_int(st, 4) != 0 && A->user_find(db,
		    A->db_column_int(st, 4), NULL, &by) == 0;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s, "
		    "s:s?, s:s, s:s?, s:s?, s:s?}",
		    "id", A->req_printf(r, "%lld", (long long)
		    A->db_column_int(st, 0)),
		    "status_id", A->req_printf(r, "%lld", (long long)
		    A->db_column_int(st, 1)),
		    "author", hu ? u.username : NULL,
		    "decision", A->db_column_text(st, 3),
		    "decided_by", hb ? by.username : NULL,
		    "decided_at", br_iso(r, A->db_column_int(st, 5)),
		    "note", A->db_column_text(st, 6),
		    "html", A->db_column_text(st, 7),
		    "spoiler_text", A->db_column_text(st, 8)));
		if (hu)
			A->user_info_free(&u);
		if (hb)
			A->user_info_free(&by);
	}
	A->db_finalize(st);
	return list;
}
