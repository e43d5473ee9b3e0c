/*
 * block.c: blocking people, Mastodon's way inside one company: a block
 * ends the follows both ways, keeps the blocked person from following or
 * notifying the blocker, and hides each one's posts from the other's
 * streams (page-fill.c). Notifications between the two go too, as
 * Mastodon's AfterBlockService clears them.
 */
#include <time.h>

#include "domain.h"

/* End one follow, if there, with its counters; -1 on error. */
static int
block_unfollow(struct db *db, int64_t follower, int64_t followee)
{
	sqlite3_stmt	*st;
	int		 there;

	if ((st = db_prepare(db, "SELECT 1 FROM follows WHERE follower_id = ? "
	    "AND followee_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, follower);
	sqlite3_bind_int64(st, 2, followee);
	there = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!there)
		return 0;
	return follow_remove(db, follower, followee) == E_OK ? 0 : -1;
}

/* Command: block (add) or unblock a person (struct toggle). */
int
block_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;

	if (t->actor == t->id) {
		*cause = xstrdup("You cannot block yourself");
		return E_INVALID;
	}
	if (!t->add) {
		if (DB_RUN(db, "DELETE FROM blocks WHERE user_id = ? AND "
		    "target_id = ?", SQL_I(t->actor), SQL_I(t->id)) < 0)
			return E_INTERNAL;
		epoch_touch(db, t->actor);
		epoch_touch(db, t->id);
		return E_OK;
	}
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if (DB_RUN(db, "INSERT OR IGNORE INTO blocks (user_id, target_id, "
	    "created_at) VALUES (?, ?, ?)", SQL_I(t->actor), SQL_I(t->id),
	    SQL_I(time(NULL))) < 0 ||
	    block_unfollow(db, t->actor, t->id) != 0 ||
	    block_unfollow(db, t->id, t->actor) != 0 ||
	    DB_RUN(db, "DELETE FROM notifications WHERE (user_id = ? AND "
	    "from_id = ?) OR (user_id = ? AND from_id = ?)", SQL_I(t->actor),
	    SQL_I(t->id), SQL_I(t->id), SQL_I(t->actor)) < 0)
		goto fail;
	epoch_touch(db, t->actor);
	epoch_touch(db, t->id);
	if (db_commit(db) != 0)
		return E_INTERNAL;
	return E_OK;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* A page of the people user blocks, newest block first (cursors: block
 * ids). */
int
block_list(struct db *db, struct arena *a, int64_t user, const struct page *p,
    struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT b.target_id, b.id "
	    "FROM blocks b WHERE b.user_id = :user AND ", "b.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":user", user) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors) ==
	    E_OK ? 0 : -1;
}
