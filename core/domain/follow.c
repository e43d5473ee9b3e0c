/*
 * follow.c: following people. Counters on both people move in the same
 * transaction as the follow, and the followed person is notified. Following
 * is open inside the company (no requests to approve), like Mastodon's
 * unlocked accounts.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* Move both people's counters by delta: a follow made (1) or undone (-1). */
static int
follow_counts(struct db *db, int64_t follower, int64_t followee, int delta)
{
	const struct sqlarg	 args[] = { SQLARG_INT(":a", follower),
	    SQLARG_INT(":b", followee), SQLARG_INT(":d", delta) };

	return db_run(db, "UPDATE users SET following_count = following_count "
	    "+ CASE WHEN id = :a THEN :d ELSE 0 END, followers_count = "
	    "followers_count + CASE WHEN id = :b THEN :d ELSE 0 END WHERE "
	    "id IN (:a, :b)", args, nitems(args)) == 2 ? 0 : -1;
}

/* Tell the layers above (modules' hooks) a follow was made or undone. */
static void
follow_event(struct db *db, enum event_kind kind, int64_t follower,
    int64_t followee)
{
	struct event	ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.actor = follower;
	ev.subject = followee;
	events_emit(db, &ev);
}

/* follower follows followee; following twice is not an error. */
int
follow_add(struct db *db, int64_t follower, int64_t followee, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (follower == followee) {
		*cause = xstrdup(N_("You cannot follow yourself"));
		return E_INVALID;
	}
	st = db_prepare(db, "SELECT disabled FROM users WHERE id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, followee);
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (rc != 0)
		return E_NOTFOUND;
	/* A block either way stands between them (block.c). */
	if (block_between(db, follower, followee)) {
		*cause = xstrdup("This action is not allowed");
		return E_FORBIDDEN;
	}
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((rc = DB_RUN(db, "INSERT OR IGNORE INTO follows (follower_id, "
	    "followee_id, created_at) VALUES (?, ?, ?)", SQL_I(follower),
	    SQL_I(followee), SQL_I(time(NULL)))) < 0)
		goto fail;
	if (rc == 1) {
		if (follow_counts(db, follower, followee, 1) != 0 ||
		    notify_add(db, followee, "follow", follower, 0, 0) != 0)
			goto fail;
		follow_event(db, EV_FOLLOWED, follower, followee);
	}
	/* The home feed holds other people's posts now. */
	feed_forget_after(db, follower);
	if (db_commit(db) != 0)
		return E_INTERNAL;
	return E_OK;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Stop following; not following is not an error. */
int
follow_remove(struct db *db, int64_t follower, int64_t followee)
{
	int	rc;

	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((rc = DB_RUN(db, "DELETE FROM follows WHERE follower_id = ? AND "
	    "followee_id = ?", SQL_I(follower), SQL_I(followee))) < 0)
		goto fail;
	epoch_touch_all(db);	/* followers-only posts leave their reach */
	if (rc == 1) {
		if (follow_counts(db, follower, followee, -1) != 0)
			goto fail;
		follow_event(db, EV_UNFOLLOWED, follower, followee);
		filter_stale(db);	/* lists: it took them off (filter.c) */
	}
	feed_forget_after(db, follower);
	if (db_commit(db) != 0)
		return E_INTERNAL;
	return E_OK;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Whether me follows other and other follows me. */
void
follow_relationship(struct db *db, int64_t me, int64_t other,
    struct relationship *rel)
{
	sqlite3_stmt	*st;

	rel->following = rel->followed_by = 0;
	st = db_prepare(db, "SELECT follower_id FROM follows WHERE "
	    "(follower_id = ?1 AND followee_id = ?2) OR "
	    "(follower_id = ?2 AND followee_id = ?1)");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, me);
	sqlite3_bind_int64(st, 2, other);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) == me)
			rel->following = 1;
		else
			rel->followed_by = 1;
	}
	sqlite3_reset(st);
}

/* The people outside the company user follows (up to limit), by name. */
int
follow_outside(struct db *db, struct arena *a, int64_t user, int limit,
    struct idlist *ids)
{
	sqlite3_stmt	*st;

	st = db_prepare(db, "SELECT u.id FROM follows f JOIN users u ON u.id "
	    "= f.followee_id WHERE f.follower_id = ? AND u.origin IS NOT NULL "
	    "AND u.disabled = 0 ORDER BY u.username LIMIT ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, limit);
	return idlist_from_stmt(a, st, ids, NULL);
}

/*
 * A page of a person's followers (followers = 1) or of whom they follow,
 * newest follow first: user ids in ids, follow ids (the page cursors) in
 * cursors. Disabled people are left out.
 */
int
follow_list(struct db *db, struct arena *a, int64_t user, int followers,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2][2] = {
		PAGE_SQL("SELECT f.followee_id, f.id FROM follows f JOIN users "
		    "u ON u.id = f.followee_id AND u.disabled = 0 WHERE "
		    "f.follower_id = :user AND ", "f.id"),
		PAGE_SQL("SELECT f.follower_id, f.id FROM follows f JOIN users "
		    "u ON u.id = f.follower_id AND u.disabled = 0 WHERE "
		    "f.followee_id = :user AND ", "f.id"),
	};
	const struct sqlarg	 args[] = { SQLARG_INT(":user", user) };

	return page_select(db, a, sql[followers != 0], p, args, nitems(args),
	    ids, cursors) == E_OK ? 0 : -1;
}

/* Command: take t->id off t->actor's followers (Mastodon's
 * remove_from_followers): they stop following; nobody is told. */
int
follower_remove_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;

	(void)cause;
	return follow_remove(db, t->id, t->actor);
}

/* Command: follow (add) or unfollow a person. */
int
follow_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;

	return t->add ? follow_add(db, t->actor, t->id, cause) :
	    follow_remove(db, t->actor, t->id);
}
