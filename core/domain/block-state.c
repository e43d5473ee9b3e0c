/*
 * block-state.c: who blocks whom, as the rules read it (follows refuse
 * across a block, entities say blocking and blocked_by). Kept apart from
 * block.c, whose commands end follows: following asks here, and blocking
 * calls following, so one file would call in a circle.
 */
#include "domain.h"

/* Whether a block stands between a and b, either way. */
int
block_between(struct db *db, int64_t a, int64_t b)
{
	sqlite3_stmt	*st;
	int		 yes = 0;

	if ((st = db_prepare(db, "SELECT 1 FROM blocks WHERE (user_id = ?1 "
	    "AND target_id = ?2) OR (user_id = ?2 AND target_id = ?1)")) ==
	    NULL)
		return 0;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* Whether me blocks other, and other me. */
void
block_relationship(struct db *db, int64_t me, int64_t other,
    struct relationship *rel)
{
	sqlite3_stmt	*st;

	rel->blocking = rel->blocked_by = 0;
	if ((st = db_prepare(db, "SELECT user_id FROM blocks WHERE (user_id "
	    "= ?1 AND target_id = ?2) OR (user_id = ?2 AND target_id = ?1)")) ==
	    NULL)
		return;
	sqlite3_bind_int64(st, 1, me);
	sqlite3_bind_int64(st, 2, other);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) == me)
			rel->blocking = 1;
		else
			rel->blocked_by = 1;
	}
	sqlite3_reset(st);
}
