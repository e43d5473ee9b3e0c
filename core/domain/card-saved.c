/*
 * card-saved.c: the rows of saved_cards (schema 0028): the web's post
 * cards written at a clean shutdown and read back at the next start
 * (web/pages/card-save.c says what they are for and when they are used).
 */
#include <string.h>

#include "domain.h"

/* On a connection of the caller's, in a transaction of the caller's:
 * forget the rows of the run before. 0, or -1. */
int
card_saved_clear(struct db *db)
{
	return DB_RUN(db, "DELETE FROM saved_cards") < 0 ? -1 : 0;
}

/* Keep one card. 0, or -1. */
int
card_saved_put(struct db *db, const struct card_row *c)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, "INSERT OR REPLACE INTO saved_cards (key, "
	    "tag, build, expires_at, mark, html) VALUES (?, ?, ?, ?, ?, ?)"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, c->key);
	sqlite3_bind_int64(st, 2, (int64_t)c->tag);
	sqlite3_bind_int64(st, 3, (int64_t)c->build);
	sqlite3_bind_int64(st, 4, c->expires_at);
	sqlite3_bind_blob(st, 5, c->mark, (int)c->mark_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, c->html, (int)c->len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(st);
	return rc;
}

/*
 * Hand fn each row rendered by build and not yet expired at now, until it
 * returns non-zero (the rows' memory is SQLite's, good during the call).
 * The number handed, or -1.
 */
int64_t
card_saved_each(struct db *db, uint64_t build, int64_t now,
    int (*fn)(const struct card_row *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct card_row	 c;
	int64_t		 n = 0;
	int		 rc;

	if ((st = db_prepare(db, "SELECT key, tag, expires_at, mark, html "
	    "FROM saved_cards WHERE build = ? AND expires_at > ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)build);
	sqlite3_bind_int64(st, 2, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		c.key = sqlite3_column_int64(st, 0);
		c.tag = (uint64_t)sqlite3_column_int64(st, 1);
		c.build = build;
		c.expires_at = sqlite3_column_int64(st, 2);
		c.mark = sqlite3_column_blob(st, 3);
		c.mark_len = (size_t)sqlite3_column_bytes(st, 3);
		c.html = sqlite3_column_blob(st, 4);
		c.len = (size_t)sqlite3_column_bytes(st, 4);
		if (c.html == NULL)
			continue;
		n++;
		if (fn(&c, arg) != 0)
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}
