/*
 * account-note.c: private notes on people (Mastodon's Relationship.note),
 * seen only by the person who wrote them.
 */
#include <time.h>

#include "domain.h"

/* Characters (code points) in a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Command: set the note of actor on target (an empty one removes it). */
int
account_note_set(struct db *db, void *arg, char **cause)
{
	struct account_note	*n = arg;

	if (n->comment != NULL && chars(n->comment) > ACCOUNT_NOTE_MAX) {
		*cause = xstrdup("Note is too long");
		return E_INVALID;
	}
	if (n->comment == NULL || *n->comment == '\0')
		return DB_RUN(db, "DELETE FROM account_notes WHERE user_id = ? "
		    "AND target_id = ?", SQL_I(n->actor), SQL_I(n->target)) < 0 ?
		    E_INTERNAL : E_OK;
	return DB_RUN(db, "INSERT INTO account_notes (user_id, target_id, "
	    "comment, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
	    "comment = excluded.comment, updated_at = excluded.updated_at",
	    SQL_I(n->actor), SQL_I(n->target), SQL_T(n->comment),
	    SQL_I(time(NULL))) < 0 ? E_INTERNAL : E_OK;
}

/* The note of me on other ("" if none), in a. */
const char *
account_note_get(struct db *db, struct arena *a, int64_t me, int64_t other)
{
	sqlite3_stmt	*st;
	const char	*s = "";

	if ((st = db_prepare(db, "SELECT comment FROM account_notes WHERE "
	    "user_id = ? AND target_id = ?")) == NULL)
		return s;
	sqlite3_bind_int64(st, 1, me);
	sqlite3_bind_int64(st, 2, other);
	if (sqlite3_step(st) == SQLITE_ROW)
		s = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return s;
}
