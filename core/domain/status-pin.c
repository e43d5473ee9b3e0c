/*
 * status-pin.c: posts a person pins to the top of their own profile
 * (Mastodon's statuses/:id/pin), at most STATUS_PINS_MAX. Only the author
 * pins, and only what a profile shows to more than the people named in
 * it: public, unlisted and followers-only posts, never a direct one or a
 * boost. Readers see the pins they may read, like any post (a group's
 * post stays its members'). Group pins are another thing: a group's admins
 * pin its posts to its page (group-settings.c).
 */
#include <time.h>

#include "domain.h"

/* Command: pin (add) or unpin a post (struct toggle). E_NOTFOUND if the
 * person may not read it; E_INVALID (with the cause) if it is not theirs
 * to pin or they pinned STATUS_PINS_MAX already. Twice is no error. */
int
status_pin_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	sqlite3_stmt	*st;
	int64_t		 author = 0, reblog = 0;
	int		 vis = -1, n = 0;

	(void)cause;
	if (!access_post_visible(db, t->actor, t->id))
		return E_NOTFOUND;
	if (!t->add)
		return DB_RUN(db, "DELETE FROM status_pins WHERE post_id = ? AND "
		    "user_id = ?", SQL_I(t->id), SQL_I(t->actor)) < 0 ?
		    E_INTERNAL : E_OK;
	if ((st = db_prepare(db, "SELECT author_id, visibility, "
	    "coalesce(reblog_of_id, 0) FROM posts WHERE id = ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, t->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		author = sqlite3_column_int64(st, 0);
		vis = sqlite3_column_int(st, 1);
		reblog = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (author != t->actor || reblog != 0) {
		*cause = xstrdup(N_("Only your own posts can be pinned"));
		return E_INVALID;
	}
	if (vis == VIS_DIRECT) {
		*cause = xstrdup(N_("A direct post cannot be pinned"));
		return E_INVALID;
	}
	if ((st = db_prepare(db, "SELECT count(*) FROM status_pins WHERE "
	    "user_id = ? AND post_id != ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, t->actor);
	sqlite3_bind_int64(st, 2, t->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (n >= STATUS_PINS_MAX) {
		*cause = cause_new(N_("You can pin at most {max} posts: unpin "
		    "one first"), CN("max", STATUS_PINS_MAX));
		return E_INVALID;
	}
	return DB_RUN(db, "INSERT OR IGNORE INTO status_pins (post_id, "
	    "user_id, created_at) VALUES (?, ?, ?)", SQL_I(t->id),
	    SQL_I(t->actor), SQL_I(time(NULL))) < 0 ? E_INTERNAL : E_OK;
}

/* The posts a person pinned that the viewer may read, newest pin first. */
int
status_pins(struct db *db, struct arena *a, int64_t viewer, int64_t account,
    struct idlist *out)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT sp.post_id FROM status_pins sp JOIN "
	    "posts p ON p.id = sp.post_id WHERE sp.user_id = :account AND "
	    SQL_POST_VISIBLE("p") " ORDER BY sp.created_at DESC, "
	    "sp.post_id DESC LIMIT :max")) == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":account"),
	    account);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":max"),
	    STATUS_PINS_MAX);
	access_bind_viewer(st, viewer);
	return idlist_from_stmt(a, st, out, NULL);
}
