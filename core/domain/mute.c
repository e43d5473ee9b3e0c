/*
 * mute.c: muting people, Mastodon's way. A mute takes the person's posts
 * (and boosts of them, and replies to them) out of my streams, and with
 * notifications also their notifications, for good or until it expires.
 * The streams apply it as they read (page-fill.c), so muting and unmuting
 * take effect at once and nothing needs rebuilding.
 */
#include <time.h>

#include "domain.h"

/* Command: mute (add) or unmute someone. */
int
mute_set(struct db *db, void *arg, char **cause)
{
	struct mute_cmd	*m = arg;
	int64_t		 now = time(NULL);
	int		 rc;

	if (m->actor == m->target) {
		*cause = xstrdup("You cannot mute yourself");
		return E_INVALID;
	}
	if (!m->add)
		rc = DB_RUN(db, "DELETE FROM mutes WHERE user_id = ? AND "
		    "target_id = ?", SQL_I(m->actor), SQL_I(m->target));
	else
		rc = DB_RUN(db, "INSERT INTO mutes (user_id, target_id, "
		    "notifications, expires_at, created_at) VALUES "
		    "(?, ?, ?, ?, ?) ON CONFLICT (user_id, target_id) DO UPDATE "
		    "SET notifications = excluded.notifications, expires_at = "
		    "excluded.expires_at", SQL_I(m->actor), SQL_I(m->target),
		    SQL_I(m->notifications != 0),
		    SQL_ID(m->duration > 0 ? now + m->duration : 0), SQL_I(now));
	if (rc < 0)
		return E_INTERNAL;
	epoch_touch(db, m->actor);
	return E_OK;
}

/* Whether me mutes other now, and their notifications with them. */
void
mute_relationship(struct db *db, int64_t me, int64_t other,
    struct relationship *rel)
{
	sqlite3_stmt	*st;

	rel->muting = rel->muting_notifications = 0;
	if ((st = db_prepare(db, "SELECT notifications FROM mutes WHERE "
	    "user_id = ? AND target_id = ? AND (expires_at IS NULL OR "
	    "expires_at > ?)")) == NULL)
		return;
	sqlite3_bind_int64(st, 1, me);
	sqlite3_bind_int64(st, 2, other);
	sqlite3_bind_int64(st, 3, time(NULL));
	if (sqlite3_step(st) == SQLITE_ROW) {
		rel->muting = 1;
		rel->muting_notifications = sqlite3_column_int(st, 0);
	}
	sqlite3_reset(st);
}

/*
 * A page of the people user mutes (mutes still in force), newest mute
 * first: user ids in ids, mute ids (the cursors) in cursors.
 */
int
mute_list(struct db *db, struct arena *a, int64_t user, const struct page *p,
    struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT m.target_id, m.id "
	    "FROM mutes m WHERE m.user_id = :user AND (m.expires_at IS NULL OR "
	    "m.expires_at > :now) AND ", "m.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":user", user),
	    SQLARG_INT(":now", time(NULL)) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors) ==
	    E_OK ? 0 : -1;
}

/* When a mute of other by me ends (0: never or not muted). */
int64_t
mute_expires(struct db *db, int64_t me, int64_t other)
{
	sqlite3_stmt	*st;
	int64_t		 at = 0;

	if ((st = db_prepare(db, "SELECT coalesce(expires_at, 0) FROM mutes "
	    "WHERE user_id = ? AND target_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, me);
	sqlite3_bind_int64(st, 2, other);
	if (sqlite3_step(st) == SQLITE_ROW)
		at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return at;
}

/*
 * Whether user should not hear of from: from is muted with notifications,
 * or a block stands between them (NotifyService's rules).
 */
int
mute_silences(struct db *db, int64_t user, int64_t from)
{
	sqlite3_stmt	*st;
	int		 yes = 0;

	if ((st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM mutes WHERE "
	    "user_id = ?1 AND target_id = ?2 AND notifications = 1 AND "
	    "(expires_at IS NULL OR expires_at > ?3)) OR EXISTS (SELECT 1 "
	    "FROM blocks WHERE (user_id = ?1 AND target_id = ?2) OR "
	    "(user_id = ?2 AND target_id = ?1))")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, time(NULL));
	if (sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return yes;
}
