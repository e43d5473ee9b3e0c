/*
 * group-settings.c: what a group's admins change about the group itself
 * (its name, description and visibility; archiving it; the posts pinned to
 * the top of its page), and the rules archiving sets for everyone else.
 * Group admins may, and so may the site's admins, who answer for every
 * group (a private one included, which they cannot otherwise read).
 *
 * Visibility: a private group made open shows everything posted in it so
 * far to the whole company, as if it had always been open (posts take
 * their readers from the group, not from the moment they were written), so
 * the web form says so before it is done. An open group made private hides
 * its posts from everyone but its members at once.
 *
 * A picture goes through the avatars' pipeline (decoded, made a 400-pixel
 * square with nothing of the camera's metadata, stored in the media
 * folder) on a worker; the writer then takes it, and the one it replaces
 * is removed once that commits.
 *
 * Archiving makes a group read-only: its posts stay where they were, for
 * whoever could read them, but nobody posts, replies, joins or is added
 * until a group admin unarchives it. Renaming, pins and membership
 * removals still work, so an archived group can be tidied.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* Whether a group is archived (0 also when there is no such group). */
int
group_archived(struct db *db, int64_t group)
{
	sqlite3_stmt	*st;
	int		 yes = 0;

	if ((st = db_prepare(db, "SELECT archived_at IS NOT NULL FROM groups "
	    "WHERE id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, group);
	if (sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

/*
 * Whether actor may change the group: E_OK for its group admins and the
 * site's admins; E_NOTFOUND if there is no such group, or it is one actor
 * may not even read; else E_FORBIDDEN with *cause.
 */
int
group_manage_check(struct db *db, int64_t actor, int64_t group, char **cause)
{
	sqlite3_stmt	*st;
	int		 exists = 0;

	if (access_group_role(db, actor, group) == GROUP_ADMIN)
		return E_OK;
	if ((st = db_prepare(db, "SELECT 1 FROM groups WHERE id = ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, group);
	exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!exists)
		return E_NOTFOUND;
	if (user_is_admin(db, actor))
		return E_OK;
	if (!access_group_readable(db, actor, group))
		return E_NOTFOUND;
	*cause = xstrdup(N_("Only a group admin can change the group"));
	return E_FORBIDDEN;
}

/*
 * Change a group's name, description (with its rendered HTML) and
 * visibility, checked as group_prepare checks a new group.
 */
static int
group_update(struct db *db, const struct group_edit *e, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = group_manage_check(db, e->actor, e->group, cause)) != E_OK)
		return rc;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	st = db_prepare(db, "UPDATE groups SET name = ?, description = ?, "
	    "description_html = ?, visibility = ? WHERE id = ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, e->in.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->in.description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->in.description_html, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, e->in.visibility);
	sqlite3_bind_int64(st, 5, e->group);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		db_rollback(db);
		*cause = cause_new(N_("A group named '{name}' already exists"),
		    CT("name", e->in.name));
		return E_CONFLICT;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	/* Who may read the group's posts may have changed: every reader's
	 * caches and feeds start again. */
	epoch_touch_all(db);
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Archive a group (on) or bring it back. Twice is no error. */
static int
group_set_archived(struct db *db, const struct group_edit *e, int on,
    char **cause)
{
	int	rc;

	if ((rc = group_manage_check(db, e->actor, e->group, cause)) != E_OK)
		return rc;
	if (on && DB_RUN(db, "UPDATE groups SET archived_at = ? WHERE id = ? "
	    "AND archived_at IS NULL", SQL_I(time(NULL)),
	    SQL_I(e->group)) < 0)
		return E_INTERNAL;
	if (!on && DB_RUN(db, "UPDATE groups SET archived_at = NULL WHERE "
	    "id = ?", SQL_I(e->group)) < 0)
		return E_INTERNAL;
	epoch_touch_all(db);	/* composers list the groups one may post in */
	return E_OK;
}

/* Pin one of the group's posts to the top of its page (at most
 * GROUP_PINS_MAX), or unpin it. Twice is no error. */
static int
group_pin(struct db *db, const struct group_edit *e, int on, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 in_group = 0;
	int		 rc, n = 0;

	if ((rc = group_manage_check(db, e->actor, e->group, cause)) != E_OK)
		return rc;
	if (!on)
		return DB_RUN(db, "DELETE FROM group_pins WHERE group_id = ? AND "
		    "post_id = ?", SQL_I(e->group), SQL_I(e->post)) < 0 ?
		    E_INTERNAL : E_OK;
	if ((st = db_prepare(db, "SELECT coalesce(group_id, 0) FROM posts "
	    "WHERE id = ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, e->post);
	if (sqlite3_step(st) == SQLITE_ROW)
		in_group = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (in_group != e->group) {
		*cause = xstrdup(N_("Only a post in the group can be pinned "
		    "there"));
		return E_NOTFOUND;
	}
	if ((st = db_prepare(db, "SELECT count(*) FROM group_pins WHERE "
	    "group_id = ? AND post_id != ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, e->group);
	sqlite3_bind_int64(st, 2, e->post);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (n >= GROUP_PINS_MAX) {
		*cause = cause_newn(GROUP_PINS_MAX, NN_("A group pins at most "
		    "{n} post: unpin it first", "A group pins at most {n} "
		    "posts: unpin one first"), CN("n", GROUP_PINS_MAX));
		return E_CONFLICT;
	}
	return DB_RUN(db, "INSERT OR IGNORE INTO group_pins (group_id, "
	    "post_id, pinned_by, created_at) VALUES (?, ?, ?, ?)",
	    SQL_I(e->group), SQL_I(e->post), SQL_I(e->actor),
	    SQL_I(time(NULL))) < 0 ? E_INTERNAL : E_OK;
}

/* The posts pinned in a group, newest pin first (at most GROUP_PINS_MAX);
 * the caller shows only those the viewer may read. */
int
group_pins(struct db *db, struct arena *a, int64_t group, struct idlist *out)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT post_id FROM group_pins WHERE "
	    "group_id = ? ORDER BY created_at DESC, post_id DESC LIMIT ?")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, group);
	sqlite3_bind_int(st, 2, GROUP_PINS_MAX);
	return idlist_from_stmt(a, st, out, NULL);
}

/* Whether a post is pinned in its group. */
int
group_pinned(struct db *db, int64_t group, int64_t post)
{
	sqlite3_stmt	*st;
	int		 yes = 0;

	if ((st = db_prepare(db, "SELECT 1 FROM group_pins WHERE group_id = ? "
	    "AND post_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, group);
	sqlite3_bind_int64(st, 2, post);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* On a worker: decode and store the upload (see the file's comment). */
void
group_picture_store(void *arg)
{
	struct group_edit	*e = arg;
	char			*cause = NULL;

	if (profile_avatar_store(e->data_dir, e->data, e->len, e->name,
	    sizeof e->name, &cause) != 0) {
		e->name[0] = '\0';
		e->cause = cause != NULL ? cause : xstrdup(N_("This file is "
		    "not a picture hearth can read"));
	}
}

/* The picture's transaction ended: the old one goes if it committed, the
 * new one if it did not. */
static void
picture_ended(void *arg, int committed)
{
	struct group_edit	*e = arg;

	if (committed && e->old != NULL)
		media_remove(e->data_dir, e->old);
	else if (!committed && e->name[0] != '\0')
		media_remove(e->data_dir, e->name);
	free((char *)e->old);
	e->old = NULL;
}

/* Give the group the stored picture (or none), on the writer. */
static int
group_set_picture(struct db *db, struct group_edit *e, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = group_manage_check(db, e->actor, e->group, cause)) != E_OK ||
	    (e->op == GROUP_PICTURE && e->cause != NULL)) {
		if (rc == E_OK) {
			*cause = e->cause;
			e->cause = NULL;
			rc = E_INVALID;
		}
		free(e->cause);
		e->cause = NULL;
		if (e->name[0] != '\0')
			media_remove(e->data_dir, e->name);
		e->name[0] = '\0';
		return rc;
	}
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((st = db_prepare(db, "SELECT picture_file FROM groups WHERE "
	    "id = ?")) == NULL) {
		db_rollback(db);
		return E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, e->group);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		e->old = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	/* Inside the transaction: runs when it commits or rolls back. */
	db_after_commit(db, picture_ended, e);
	if ((e->op == GROUP_PICTURE ? DB_RUN(db, "UPDATE groups SET "
	    "picture_file = ? WHERE id = ?", SQL_T(e->name), SQL_I(e->group)) :
	    DB_RUN(db, "UPDATE groups SET picture_file = NULL WHERE id = ?",
	    SQL_I(e->group))) < 0) {
		db_rollback(db);
		return E_INTERNAL;
	}
	epoch_touch_all(db);
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
}

/*
 * Command: a change to the group itself, by the rules above, whether it
 * came from the web or the API. A refusal carries its reason in *cause.
 */
int
group_edit_cmd(struct db *db, void *arg, char **cause)
{
	struct group_edit	*e = arg;

	switch (e->op) {
	case GROUP_UPDATE:
		return group_update(db, e, cause);
	case GROUP_ARCHIVE:
	case GROUP_UNARCHIVE:
		return group_set_archived(db, e, e->op == GROUP_ARCHIVE, cause);
	case GROUP_PIN:
	case GROUP_UNPIN:
		return group_pin(db, e, e->op == GROUP_PIN, cause);
	case GROUP_PICTURE:
	case GROUP_PICTURE_REMOVE:
		return group_set_picture(db, e, cause);
	}
	return E_INTERNAL;
}
