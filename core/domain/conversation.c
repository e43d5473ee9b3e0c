/*
 * conversation.c: private conversations, the direct posts (visibility
 * "direct": only the people mentioned) a person wrote or is mentioned in.
 * The web shows them on a page of their own rather than mixed silently
 * into home; the Mastodon API's home keeps them, as Mastodon does.
 */
#include <string.h>

#include "domain.h"

/* Direct posts outside groups that the viewer wrote or is mentioned in,
 * newest first. */
int
timeline_direct(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = PAGE_SQL("SELECT id FROM posts "
	    "WHERE visibility = " SQL_VIS_DIRECT " AND group_id IS NULL AND "
	    "(author_id = :viewer OR id IN (SELECT post_id FROM mentions "
	    "WHERE user_id = :viewer)) AND ", "id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return page_select(db, a, sql, p, args, nitems(args), out, NULL);
}

/* Take the direct posts out of ids (in place, order kept); how many. */
size_t
conversation_drop_direct(struct db *db, struct idlist *ids)
{
	sqlite3_stmt	*st;
	size_t		 i, kept = 0, dropped = 0;
	int		 direct;

	if ((st = db_prepare(db, "SELECT visibility = " SQL_VIS_DIRECT
	    " AND group_id IS NULL FROM posts WHERE id = ?")) == NULL)
		return 0;
	for (i = 0; i < ids->n; i++) {
		sqlite3_bind_int64(st, 1, ids->ids[i]);
		direct = sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (direct)
			dropped++;
		else
			ids->ids[kept++] = ids->ids[i];
	}
	ids->n = kept;
	return dropped;
}
