/*
 * thread-mute.c: the threads a person muted (Mastodon's conversation
 * mutes, POST /api/v1/statuses/:id/mute). A thread is a post and every
 * reply under it, as post_threads (schema 0020) keeps it; nothing in a
 * muted thread notifies its muter (notify.c asks), and the Status says
 * "muted" to them (entity.c asks). It calls nothing but access.c, since
 * the write path of notifications calls it.
 */
#include <time.h>

#include "domain.h"

/* The thread a post is in (a boost's: its original's), or 0. */
static int64_t
thread_of(struct db *db, int64_t post)
{
	sqlite3_stmt	*st;
	int64_t		 thread = 0;

	if ((st = db_prepare(db, "SELECT t.thread_id FROM posts p JOIN "
	    "post_threads t ON t.post_id = coalesce(p.reblog_of_id, p.id) "
	    "WHERE p.id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW)
		thread = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return thread;
}

/* Whether user muted the thread post is in (Mastodon's muted). */
int
thread_muted(struct db *db, int64_t user, int64_t post)
{
	sqlite3_stmt	*st;
	int		 muted = 0;

	if (user == 0 || post == 0 || (st = db_prepare(db, "SELECT 1 FROM "
	    "post_threads t JOIN thread_mutes m ON m.thread_id = t.thread_id "
	    "WHERE t.post_id = ? AND m.user_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, post);
	sqlite3_bind_int64(st, 2, user);
	muted = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return muted;
}

/* Whether user muted any thread at all (to spare the question per post). */
int
thread_mutes_any(struct db *db, int64_t user)
{
	sqlite3_stmt	*st;
	int		 any = 0;

	if ((st = db_prepare(db, "SELECT 1 FROM thread_mutes WHERE "
	    "user_id = ? LIMIT 1")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, user);
	any = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return any;
}

/*
 * Command: mute (add) or unmute the thread of a post the actor may read
 * (struct toggle; a boost's is its original's): nothing in it notifies
 * them while muted, on the web or by push. E_NOTFOUND if they may not
 * read it.
 */
int
thread_mute_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	int64_t		 thread;
	int		 rc;

	(void)cause;
	/* A boost is readable only with its original (access.c). */
	if (!access_post_visible(db, t->actor, t->id) ||
	    (thread = thread_of(db, t->id)) == 0)
		return E_NOTFOUND;
	if (t->add)
		rc = DB_RUN(db, "INSERT OR IGNORE INTO thread_mutes (user_id, "
		    "thread_id, created_at) VALUES (?, ?, ?)", SQL_I(t->actor),
		    SQL_I(thread), SQL_I(time(NULL)));
	else
		rc = DB_RUN(db, "DELETE FROM thread_mutes WHERE user_id = ? AND "
		    "thread_id = ?", SQL_I(t->actor), SQL_I(thread));
	return rc < 0 ? E_INTERNAL : E_OK;
}
