/*
 * bookmark.c: a person's bookmarks, theirs alone (no count, no
 * notification, nobody else ever learns of one). A bookmark of a boost is
 * of the post it shares; a bookmarked post the person can no longer read
 * drops out of their list.
 */
#include <time.h>

#include "domain.h"

/* Command: bookmark (add) or unbookmark a post (struct toggle);
 * E_NOTFOUND if the person may not read it. */
int
bookmark_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	int64_t		 id = post_target(db, t->id);
	int		 rc;

	(void)cause;
	if (!access_post_visible(db, t->actor, id))
		return E_NOTFOUND;
	if (t->add)
		rc = DB_RUN(db, "INSERT OR IGNORE INTO bookmarks (user_id, "
		    "post_id, created_at) VALUES (?, ?, ?)", SQL_I(t->actor),
		    SQL_I(id), SQL_I(time(NULL)));
	else
		rc = DB_RUN(db, "DELETE FROM bookmarks WHERE user_id = ? AND "
		    "post_id = ?", SQL_I(t->actor), SQL_I(id));
	return rc < 0 ? E_INTERNAL : E_OK;
}

/* The posts a person bookmarked that they may still read, newest
 * bookmark first (post ids; bookmark ids as cursors). */
int
bookmark_mine(struct db *db, struct arena *a, int64_t user,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT b.post_id, b.id "
	    "FROM bookmarks b JOIN posts p ON p.id = b.post_id WHERE "
	    "b.user_id = :viewer AND " SQL_POST_VISIBLE("p") " AND ", "b.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", user) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}
