/*
 * draft.c: a person's kept draft, one at most: a post the web composer
 * could not post because a module's gate refused writes (the guidelines
 * waiting to be acknowledged). It is kept so that nothing typed is lost,
 * offered back by the composer, and deleted once posted or discarded.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* On the writer: keep d's text (the latest replaces an earlier one). */
int
draft_save_cmd(struct db *db, void *arg, char **cause)
{
	const struct draft	*d = arg;

	(void)cause;
	if (DB_RUN(db, "INSERT OR REPLACE INTO drafts (user_id, status, "
	    "spoiler_text, visibility, group_id, saved_at) VALUES (?, ?, ?, "
	    "?, ?, ?)", SQL_I(d->user_id), SQL_T(d->status ? d->status : ""),
	    SQL_T(d->spoiler_text ? d->spoiler_text : ""),
	    SQL_T(d->visibility ? d->visibility : ""), SQL_ID(d->group_id),
	    SQL_I(time(NULL))) < 0)
		return E_INTERNAL;
	return E_OK;
}

/* On the writer: forget the person's draft (posted, or discarded). */
int
draft_delete_cmd(struct db *db, void *arg, char **cause)
{
	const int64_t	*user = arg;

	(void)cause;
	if (DB_RUN(db, "DELETE FROM drafts WHERE user_id = ?",
	    SQL_I(*user)) < 0)
		return E_INTERNAL;
	return E_OK;
}

/* The person's kept draft into *d (copied into a): 0, or -1 if none. */
int
draft_get(struct db *db, struct arena *a, int64_t user, struct draft *d)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	memset(d, 0, sizeof *d);
	if ((st = db_prepare(db, "SELECT status, spoiler_text, visibility, "
	    "coalesce(group_id, 0), saved_at FROM drafts WHERE user_id = ?"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	if (sqlite3_step(st) == SQLITE_ROW) {
		d->user_id = user;
		d->status = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 0));
		d->spoiler_text = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 1));
		d->visibility = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 2));
		d->group_id = sqlite3_column_int64(st, 3);
		d->saved_at = sqlite3_column_int64(st, 4);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}
