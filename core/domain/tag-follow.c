/*
 * tag-follow.c: hashtags a person follows (Mastodon's tags/:id/follow).
 * The posts with a followed hashtag that everyone may read (public posts
 * outside groups, posts in open groups) come into the follower's home: the
 * writer pushes a new one into their feed (tag_follow_fanout, from
 * post.c's fanout), and a home built from the database reads each
 * followed hashtag as one more source (timeline.c's SRC_TAG). Posts only
 * some may read (followers-only, direct, private groups') reach a home the
 * ways they always did, never through a hashtag.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

#define TAG_NAME_MAX 100	/* bytes, as markdown.c's MD_TAG_MAX */

/* Whether a name is a hashtag one could write: letters, digits and '_'
 * (any non-ASCII byte counts as a letter), not only digits. */
static int
tag_name_valid(const char *s)
{
	size_t	i, n = strlen(s);
	int	digits = 1;

	if (n == 0 || n > TAG_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '_')
			digits = 0;
		else if (c < '0' || c > '9')
			return 0;
	}
	return !digits;
}

/* Command: follow (add) or unfollow a hashtag (struct tag_follow): the
 * hashtag need not be used yet (it is made, as Mastodon does). E_NOTFOUND
 * for a name no hashtag could have. The home feed is rebuilt after. */
int
tag_follow_set(struct db *db, void *arg, char **cause)
{
	struct tag_follow	*t = arg;
	sqlite3_stmt		*st;
	struct arena		*fa;
	int64_t			 tag = 0;

	(void)cause;
	if (!tag_name_valid(t->name))
		return E_NOTFOUND;
	t->name = utf8_lower_ascii(t->name);
	if (!t->add) {
		if (DB_RUN(db, "DELETE FROM tag_follows WHERE user_id = ? AND "
		    "tag_id = (SELECT id FROM tags WHERE name = ?)",
		    SQL_I(t->actor), SQL_T(t->name)) < 0)
			return E_INTERNAL;
		feed_forget_after(db, t->actor);
		return E_OK;
	}
	/* folded as post.c writes it: tag pages and search find tags so */
	if ((st = db_prepare(db, "INSERT INTO tags (name, display, folded) "
	    "VALUES (?1, ?1, ?2) ON CONFLICT (name) DO UPDATE SET name = name "
	    "RETURNING id")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	fa = arena_new();
	sqlite3_bind_text(st, 2, fold_text(fa, t->name), -1, SQLITE_TRANSIENT);
	arena_free(fa);
	if (sqlite3_step(st) == SQLITE_ROW)
		tag = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (tag == 0)
		return E_INTERNAL;
	if (DB_RUN(db, "INSERT OR IGNORE INTO tag_follows (user_id, tag_id, "
	    "created_at) VALUES (?, ?, ?)", SQL_I(t->actor), SQL_I(tag),
	    SQL_I(time(NULL))) < 0)
		return E_INTERNAL;
	feed_forget_after(db, t->actor);
	return E_OK;
}

/* Whether viewer follows the hashtag (its lowercase name). */
int
tag_following(struct db *db, int64_t viewer, const char *name)
{
	sqlite3_stmt	*st;
	int		 yes;

	if ((st = db_prepare(db, "SELECT 1 FROM tag_follows f JOIN tags t ON "
	    "t.id = f.tag_id WHERE f.user_id = ? AND t.name = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, viewer);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* A page of the hashtags viewer follows, newest follow first: tag ids in
 * ids, follow ids (the cursors) in cursors. */
int
tag_followed(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT tag_id, id FROM "
	    "tag_follows WHERE user_id = :viewer AND ", "id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}

/* A hashtag's name, or NULL. */
const char *
tag_name(struct db *db, struct arena *a, int64_t id)
{
	sqlite3_stmt	*st;
	const char	*name = NULL;

	if ((st = db_prepare(db, "SELECT name FROM tags WHERE id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		name = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return name;
}

/*
 * In a new post's write: add the followers of its hashtags to the people
 * whose feeds it goes into, if everyone may read it (public outside
 * groups, or in an open group). 0, or -1 on a database error.
 */
int
tag_follow_fanout(struct db *db, struct arena *a, int64_t group,
    int visibility, const struct markdown *md, struct idlist *to)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	size_t		 i;
	int		 open = 0, rc;

	if (md->ntags == 0)
		return 0;
	if (group != 0) {
		if ((st = db_prepare(db, "SELECT 1 FROM groups WHERE id = ? AND "
		    "visibility = " SQL_GROUP_OPEN)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, group);
		open = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	} else
		open = visibility == VIS_PUBLIC;
	if (!open)
		return 0;
	for (i = 0; i < md->ntags; i++) {
		if ((st = db_prepare(db, "SELECT f.user_id FROM tag_follows f "
		    "JOIN tags t ON t.id = f.tag_id WHERE t.name = ?")) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, md->tags[i].name, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			if (!idlist_has(to, id))
				idlist_add(a, to, id);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}
