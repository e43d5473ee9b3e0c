/*
 * suggestion.c: whom to follow (Mastodon's /api/v2/suggestions). First the
 * colleagues of one's own department, most recently active first; then the
 * people one's follows follow, by how many of them do. Never oneself,
 * nobody one follows already, no deactivated account, nobody from outside
 * the company, and nobody one dismissed (kept: a dismissal is for good).
 */
#include <time.h>

#include "domain.h"

/* Who may be suggested to :viewer at all. */
#define SUGGESTABLE(u) \
	u ".id != :viewer AND " u ".disabled = 0 AND " u ".origin IS NULL " \
	"AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = " \
	":viewer AND f.followee_id = " u ".id) AND NOT EXISTS (SELECT 1 FROM " \
	"suggestion_dismissals d WHERE d.user_id = :viewer AND d.account_id " \
	"= " u ".id)"

/*
 * At most limit suggestions for viewer, in order: their accounts in ids
 * and, for each, its source in sources (SUGGEST_DEPARTMENT or
 * SUGGEST_FRIENDS). 0, or -1 on a database error.
 */
int
suggestion_list(struct db *db, struct arena *a, int64_t viewer, int limit,
    struct idlist *ids, struct idlist *sources)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT id, source FROM (SELECT u.id, 1 AS source, "
	    "0 AS rank, coalesce(u.last_active_at, 0) AS recent FROM users u "
	    "WHERE u.department != '' AND u.department = (SELECT department "
	    "FROM users WHERE id = :viewer) COLLATE NOCASE AND "
	    SUGGESTABLE("u") " UNION ALL SELECT u.id, 2, 1, count(*) FROM "
	    "follows mine JOIN follows theirs ON theirs.follower_id = "
	    "mine.followee_id JOIN users u ON u.id = theirs.followee_id WHERE "
	    "mine.follower_id = :viewer AND " SUGGESTABLE("u") " AND "
	    "(u.department = '' OR u.department != (SELECT department FROM "
	    "users WHERE id = :viewer) COLLATE NOCASE) GROUP BY u.id) "
	    "ORDER BY rank, recent DESC, id LIMIT :limit");
	if (st == NULL)
		return -1;
	access_bind_viewer(st, viewer);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		idlist_add(a, ids, sqlite3_column_int64(st, 0));
		idlist_add(a, sources, sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Command: never suggest t->id to t->actor again (struct toggle). */
int
suggestion_dismiss(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;

	(void)cause;
	return DB_RUN(db, "INSERT OR IGNORE INTO suggestion_dismissals "
	    "(user_id, account_id, created_at) SELECT ?, id, ? FROM users "
	    "WHERE id = ?", SQL_I(t->actor), SQL_I(time(NULL)),
	    SQL_I(t->id)) < 0 ? E_INTERNAL : E_OK;
}
