/*
 * reblog.c: boosts, Mastodon's reblogs ("share" on the web). A boost is a
 * post of the booster's with no text whose reblog_of_id is the post shared
 * (schema/0010-reactions.sql says why), pushed into the booster's
 * followers' home feeds and streams. Only what the whole company may read
 * can be shared: public and unlisted posts, and posts in open groups.
 * Private, direct and private-group posts are refused, so a boost never
 * carries a post past its audience; and SQL_POST_VISIBLE still asks, for
 * every reader of a boost, that they may read the original.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* Whether everyone in the company may read a post, and so may see it
 * shared: 1 yes, 0 no, -1 no such post. */
static int
reblog_allowed(struct db *db, int64_t post, int64_t *author)
{
	sqlite3_stmt	*st;
	int		 ok = -1;

	st = db_prepare(db, "SELECT p.author_id, p.reblog_of_id IS NULL AND "
	    SQL_POST_EVERYONES("p") " FROM posts p WHERE p.id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*author = sqlite3_column_int64(st, 0);
		ok = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return ok;
}

/* Whether a post may be shared at all (for the web's Share button). */
int
reblog_possible(struct db *db, int64_t post)
{
	int64_t	author;

	return reblog_allowed(db, post, &author) == 1;
}

/* The id of a person's boost of a post, or 0. */
int64_t
reblog_find(struct db *db, int64_t user, int64_t post)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	st = db_prepare(db, "SELECT id FROM posts WHERE reblog_of_id = ? AND "
	    "author_id = ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, post);
	sqlite3_bind_int64(st, 2, user);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* Boost a post: the boost row, the counts, the author told, and the
 * booster's followers' feeds and streams once committed. */
static int
reblog_add(struct db *db, struct arena *a, int64_t user, int64_t post,
    char **cause)
{
	struct idlist	 to = { NULL, 0, 0 };
	struct event	 ev;
	sqlite3_stmt	*st;
	int64_t		 author = 0, id, now = time(NULL);
	int		 ok;

	if (!access_post_visible(db, user, post))
		return E_NOTFOUND;
	if ((ok = reblog_allowed(db, post, &author)) < 0)
		return E_NOTFOUND;
	if (ok == 0) {
		*cause = xstrdup(N_("This action is not allowed: only posts "
		    "the whole company may read can be shared"));
		return E_INVALID;
	}
	if (reblog_find(db, user, post) != 0)
		return E_OK;	/* boosting twice is no error */
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if (DB_RUN(db, "INSERT INTO posts (author_id, visibility, source, "
	    "content_html, text, created_at, reblog_of_id) VALUES (?, "
	    SQL_VIS_UNLISTED ", '', '', '', ?, ?)", SQL_I(user), SQL_I(now),
	    SQL_I(post)) != 1)
		goto fail;
	id = db_last_id(db);
	if (db_bump(db, "UPDATE posts SET reblogs_count = reblogs_count + ? "
	    "WHERE id = ?", post, 1) != 0 ||
	    DB_RUN(db, "UPDATE users SET statuses_count = statuses_count + 1, "
	    "last_status_at = ? WHERE id = ?", SQL_I(now), SQL_I(user)) < 0)
		goto fail;
	idlist_add(a, &to, user);
	st = db_prepare(db, "SELECT follower_id FROM follows WHERE "
	    "followee_id = ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, user);
	if (idlist_from_stmt(a, st, &to, NULL) != 0)
		goto fail;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_POST_BOOSTED;
	ev.id = id;
	ev.actor = user;
	ev.subject = post;
	ev.to = &to;
	events_emit(db, &ev);
	if (notify_add(db, author, "reblog", user, post, 0) != 0)
		goto fail;
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Command: boost (add) or take a boost back (struct toggle; its id may be
 * the post or a boost of it). 422 for a post that cannot be shared. */
int
reblog_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	struct arena	*a;
	int64_t		 post = post_target(db, t->id), id;
	int		 rc;

	if (t->add) {
		a = arena_new();
		rc = reblog_add(db, a, t->actor, post, cause);
		arena_free(a);
		return rc;
	}
	if (!access_post_visible(db, t->actor, post))
		return E_NOTFOUND;
	if ((id = reblog_find(db, t->actor, post)) == 0)
		return E_OK;
	return post_delete(db, t->actor, id, cause);
}

/* Who boosted a post, newest first (user ids; boost ids as cursors). */
int
reblog_list(struct db *db, struct arena *a, int64_t viewer, int64_t post,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT r.author_id, r.id "
	    "FROM posts r JOIN users u ON u.id = r.author_id AND "
	    "u.disabled = 0 WHERE r.reblog_of_id = :post AND ", "r.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":post", post) };

	if (!access_post_visible(db, viewer, post))
		return E_NOTFOUND;
	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}
