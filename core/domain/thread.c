/*
 * thread.c: how the replies of a thread hang together, for a page that
 * shows them nested: each listed reply's parent, its author's name and
 * its depth under the post the thread is read from. A reply whose parent
 * the viewer may not read (or that was deleted) hangs from the top, and
 * says whom it answers.
 */
#include <string.h>

#include "domain.h"

/*
 * Fill out[i] for each of ids (descendants of root in post_context's
 * depth-first order). 0, or -1 on a database error.
 */
int
thread_links(struct db *db, struct arena *a, int64_t root,
    const struct idlist *ids, struct thread_link **out)
{
	struct thread_link	*l;
	sqlite3_stmt		*st;
	size_t			 i, k;
	int			 rc;

	*out = l = arena_alloc(a, (ids->n ? ids->n : 1) * sizeof *l);
	st = db_prepare(db, "SELECT coalesce(p.in_reply_to_id, 0), "
	    "coalesce(u.username, '') FROM posts p LEFT JOIN posts q ON q.id "
	    "= p.in_reply_to_id LEFT JOIN users u ON u.id = q.author_id "
	    "WHERE p.id = ?");
	if (st == NULL)
		return -1;
	for (i = 0; i < ids->n; i++) {
		memset(&l[i], 0, sizeof l[i]);
		l[i].id = ids->ids[i];
		l[i].depth = 1;
		sqlite3_bind_int64(st, 1, ids->ids[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			l[i].parent = sqlite3_column_int64(st, 0);
			l[i].parent_author = arena_strdup(a, (const char *)
			    sqlite3_column_text(st, 1));
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
		if (l[i].parent == root)
			continue;
		/* Depth first: the parent, if listed, came before. */
		l[i].orphan = 1;
		for (k = i; k-- > 0; ) {
			if (l[k].id == l[i].parent) {
				l[i].depth = l[k].depth + 1;
				l[i].orphan = 0;
				break;
			}
		}
	}
	return 0;
}
