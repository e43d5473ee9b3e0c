/*
 * draft.c: a person's kept draft, one at most: a post the web composer
 * could not post because a module's gate refused writes (the guidelines
 * waiting to be acknowledged). It is kept so that nothing typed is lost,
 * offered back by the composer, and deleted once posted or discarded.
 * Its uploads (media.draft_of) stay with it, out of the daily clean-up's
 * reach, until then; a draft posted, replaced or discarded releases them.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* In a write: the person's draft lets go of its uploads (posted ones are
 * the post's; the others go back to the daily clean-up). 0 or -1. */
int
draft_release(struct db *db, int64_t user)
{
	return DB_RUN(db, "UPDATE media SET draft_of = NULL WHERE draft_of = ?",
	    SQL_I(user)) < 0 ? -1 : 0;
}

/* In a write: the draft keeps d's uploads, those that are the person's
 * and taken by no post nor scheduled post (others are left out: a draft
 * is kept whatever its attachments), with their new descriptions. */
static int
draft_keep_media(struct db *db, const struct draft *d)
{
	size_t	i;

	for (i = 0; i < d->nmedia; i++) {
		if (d->media_desc != NULL && d->media_desc[i] != NULL &&
		    DB_RUN(db, "UPDATE media SET description = ? WHERE id = ? "
		    "AND owner_id = ? AND post_id IS NULL AND scheduled_id IS "
		    "NULL", SQL_T(d->media_desc[i]), SQL_I(d->media_ids[i]),
		    SQL_I(d->user_id)) < 0)
			return -1;
		if (DB_RUN(db, "UPDATE media SET draft_of = ? WHERE id = ? AND "
		    "owner_id = ? AND post_id IS NULL AND scheduled_id IS NULL",
		    SQL_I(d->user_id), SQL_I(d->media_ids[i]),
		    SQL_I(d->user_id)) < 0)
			return -1;
	}
	return 0;
}

/* On the writer: keep d's text and uploads (the latest replaces an
 * earlier one, whose uploads it releases). */
int
draft_save_cmd(struct db *db, void *arg, char **cause)
{
	const struct draft	*d = arg;

	(void)cause;
	if (draft_release(db, d->user_id) != 0 ||
	    draft_keep_media(db, d) != 0)
		return E_INTERNAL;
	if (DB_RUN(db, "INSERT OR REPLACE INTO drafts (user_id, status, "
	    "spoiler_text, visibility, group_id, saved_at) VALUES (?, ?, ?, "
	    "?, ?, ?)", SQL_I(d->user_id), SQL_T(d->status ? d->status : ""),
	    SQL_T(d->spoiler_text ? d->spoiler_text : ""),
	    SQL_T(d->visibility ? d->visibility : ""), SQL_ID(d->group_id),
	    SQL_I(time(NULL))) < 0)
		return E_INTERNAL;
	epoch_touch(db, d->user_id);	/* draft_get remembers there is none */
	return E_OK;
}

/* On the writer: forget the person's draft (posted, or discarded) and
 * release its uploads. */
int
draft_delete_cmd(struct db *db, void *arg, char **cause)
{
	const int64_t	*user = arg;

	(void)cause;
	if (draft_release(db, *user) != 0 || DB_RUN(db, "DELETE FROM drafts WHERE user_id = ?",
	    SQL_I(*user)) < 0)
		return E_INTERNAL;
	epoch_touch(db, *user);
	return E_OK;
}

/* The uploads the person's draft keeps, in the order they were made (the
 * composer's order), into d (copied into a). */
static void
draft_get_media(struct db *db, struct arena *a, struct draft *d)
{
	sqlite3_stmt	*st;
	int64_t		*ids;

	ids = arena_alloc(a, MEDIA_PER_POST * sizeof *ids);
	d->media_ids = ids;
	if ((st = db_prepare(db, "SELECT id FROM media WHERE draft_of = ? AND "
	    "owner_id = ? AND post_id IS NULL ORDER BY id LIMIT 4")) == NULL)
		return;
	sqlite3_bind_int64(st, 1, d->user_id);
	sqlite3_bind_int64(st, 2, d->user_id);
	while (d->nmedia < MEDIA_PER_POST && sqlite3_step(st) == SQLITE_ROW)
		ids[d->nmedia++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
}

/* The person's kept draft into *d (copied into a), with its uploads'
 * ids: 0, or -1 if none. */
int
draft_get(struct db *db, struct arena *a, int64_t user, struct draft *d)
{
	sqlite3_stmt	*st;
	int		 rc = -1;
	int64_t		 memo, version = epoch_person(user);

	memset(d, 0, sizeof *d);
	/* Asked on every page with a composer, and few people have a draft
	 * kept: that they have none is remembered under their epoch, which
	 * saving or dropping one moves. */
	if (epoch_memo_get(MEMO_DRAFT, user, version, &memo) && memo == 0)
		return -1;
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
	if (db_read_current(db))
		epoch_memo_put(MEMO_DRAFT, user, version, rc == 0);
	if (rc == 0)
		draft_get_media(db, a, d);
	return rc;
}
