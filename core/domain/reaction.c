/*
 * reaction.c: emoji reactions from the company's small set (the reactions
 * key of hearth.conf). 👍 is the favourite: it is kept in favourites, so a
 * Mastodon app's favourite and the web's 👍 are the same thing and their
 * counts agree; the other emoji are rows of reactions. Every change bumps
 * the post's reactions_version, which tags cached cards and Statuses.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define REACTION_KINDS	64	/* distinct emoji shown on one post */

/* A post's author, or 0. */
static int64_t
reaction_post_author(struct db *db, int64_t post)
{
	sqlite3_stmt	*st;
	int64_t		 author = 0;

	if ((st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ?")) ==
	    NULL)
		return 0;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW)
		author = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return author;
}

/* React to a post the person may read with an offered emoji; twice is no
 * error. 👍 favourites it; another emoji tells the author. */
int
reaction_add(struct db *db, int64_t user, int64_t post, const char *emoji)
{
	int64_t	author;
	int	rc;

	if (emoji != NULL && strcmp(emoji, REACTION_THUMBS) == 0)
		return favourite_add(db, user, post);
	if (reaction_index(emoji) < 0)
		return E_INVALID;
	if (!access_post_visible(db, user, post))
		return E_NOTFOUND;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((rc = DB_RUN(db, "INSERT OR IGNORE INTO reactions (post_id, "
	    "user_id, emoji, created_at) VALUES (?, ?, ?, ?)", SQL_I(post),
	    SQL_I(user), SQL_T(emoji), SQL_I(time(NULL)))) < 0)
		goto fail;
	if (rc == 1 && db_bump(db, "UPDATE posts SET reactions_version = "
	    "reactions_version + ? WHERE id = ?", post, 1) != 0)
		goto fail;
	/* The author hears of it, as of a favourite (a 👍). */
	if (rc == 1 && (author = reaction_post_author(db, post)) != 0 &&
	    notify_add_emoji(db, author, NOTIFY_REACTION, user, post, 0,
	    emoji) != 0)
		goto fail;
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Take a reaction back (any emoji: the set may have changed since). */
int
reaction_remove(struct db *db, int64_t user, int64_t post, const char *emoji)
{
	int	rc;

	if (emoji != NULL && strcmp(emoji, REACTION_THUMBS) == 0)
		return favourite_remove(db, user, post);
	if (!access_post_visible(db, user, post))
		return E_NOTFOUND;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((rc = DB_RUN(db, "DELETE FROM reactions WHERE post_id = ? AND "
	    "user_id = ? AND emoji = ?", SQL_I(post), SQL_I(user),
	    SQL_T(emoji != NULL ? emoji : ""))) < 0)
		goto fail;
	if (rc == 1 && db_bump(db, "UPDATE posts SET reactions_version = "
	    "reactions_version + ? WHERE id = ?", post, 1) != 0)
		goto fail;
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Command: react (add) or take a reaction back (struct reaction_toggle). */
int
reaction_set(struct db *db, void *arg, char **cause)
{
	struct reaction_toggle	*t = arg;
	int64_t			 id = post_target(db, t->id);
	int			 rc;

	rc = t->add ? reaction_add(db, t->actor, id, t->emoji) :
	    reaction_remove(db, t->actor, id, t->emoji);
	if (rc == E_INVALID)
		*cause = xstrdup(N_("Validation failed: that emoji is not one "
		    "of the reactions offered here"));
	return rc;
}

/* Order: the offered set's order, then the others by count. */
static int
reaction_cmp(const void *x, const void *y)
{
	const struct reaction	*a = x, *b = y;
	int			 ia = reaction_index(a->emoji);
	int			 ib = reaction_index(b->emoji);

	if (ia < 0)
		ia = CONFIG_REACTIONS_MAX;
	if (ib < 0)
		ib = CONFIG_REACTIONS_MAX;
	if (ia != ib)
		return ia - ib;
	return a->count < b->count ? 1 : a->count > b->count ? -1 : 0;
}

/*
 * The reactions on a post as the viewer sees them (counts, and which are
 * theirs), 👍 (the favourites) among them; none with a count of 0. The
 * caller has checked the viewer may read the post.
 */
int
reaction_summary(struct db *db, struct arena *a, int64_t viewer,
    int64_t post, struct reaction **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct reaction	*r;

	*n = 0;
	*out = r = arena_alloc(a, REACTION_KINDS * sizeof *r);
	st = db_prepare(db, "SELECT '" REACTION_THUMBS "', count(*), "
	    "coalesce(max(user_id = ?2), 0) FROM favourites WHERE post_id = ?1 "
	    "UNION ALL SELECT emoji, count(*), max(user_id = ?2) FROM "
	    "reactions WHERE post_id = ?1 GROUP BY emoji");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, post);
	sqlite3_bind_int64(st, 2, viewer);
	while (*n < REACTION_KINDS && sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 1) == 0)
			continue;
		r[*n].emoji = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 0));
		r[*n].count = sqlite3_column_int64(st, 1);
		r[*n].me = sqlite3_column_int(st, 2);
		(*n)++;
	}
	sqlite3_reset(st);
	qsort(r, *n, sizeof *r, reaction_cmp);
	return E_OK;
}

/* Who reacted to a post with an emoji, newest first, at most max (user
 * ids). E_NOTFOUND if the viewer may not read the post. */
int
reaction_people(struct db *db, struct arena *a, int64_t viewer, int64_t post,
    const char *emoji, size_t max, struct idlist *ids)
{
	sqlite3_stmt	*st;

	if (!access_post_visible(db, viewer, post))
		return E_NOTFOUND;
	if (strcmp(emoji, REACTION_THUMBS) == 0)
		st = db_prepare(db, "SELECT f.user_id FROM favourites f JOIN "
		    "users u ON u.id = f.user_id AND u.disabled = 0 WHERE "
		    "f.post_id = ?1 AND ?2 IS NOT NULL ORDER BY f.id DESC "
		    "LIMIT ?3");
	else
		st = db_prepare(db, "SELECT r.user_id FROM reactions r JOIN "
		    "users u ON u.id = r.user_id AND u.disabled = 0 WHERE "
		    "r.post_id = ?1 AND r.emoji = ?2 ORDER BY r.id DESC "
		    "LIMIT ?3");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, post);
	sqlite3_bind_text(st, 2, emoji, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return idlist_from_stmt(a, st, ids, NULL) == 0 ? E_OK : E_INTERNAL;
}
