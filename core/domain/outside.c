/*
 * outside.c: people and posts from outside the company, as the bridge
 * module brings them in (docs/bridge.md, part 2). An outside account is a
 * users row with an origin (its server's host), so threads, notifications
 * and the API's Account entity work as for anyone; it can never sign in,
 * be mentioned by name, or be listed with employees (user.c, profile.c).
 *
 * An outside post is stored as an unlisted post outside every group:
 * every employee may read it (the rule for a reply to a shared post, which
 * everyone inside reads), no company stream shows it, and it can never
 * reach into a private group or a direct conversation, whatever it claims:
 * what it replies to must be a post everyone inside reads. The module
 * checks that it replies to a shared post or mentions someone who opted
 * in, and sanitises its HTML; this file keeps the invariants that protect
 * the inside, whoever calls it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define OUTSIDE_NAME_MAX	300	/* "name@host" */
#define OUTSIDE_TEXT_MAX	100000	/* HTML of a post, bytes */

/* Whether s is a printable "name@host" without spaces or markup. */
static int
outside_acct_ok(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 n = strlen(s);

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    n > OUTSIDE_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || strchr("<>\"'&/\\", *s))
			return 0;
	}
	return 1;
}

/*
 * Create or update the outside account whose actor id is a->uri; its id,
 * or -1 with *cause. The name ("bob@example.org") follows the actor: a
 * server that renames someone renames them here.
 */
int64_t
outside_account_save(struct db *db, const struct outside_account *a,
    char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0, now = time(NULL);
	int		 rc;

	*cause = NULL;
	if (a->uri == NULL || a->host == NULL || a->acct == NULL ||
	    !outside_acct_ok(a->acct)) {
		*cause = xstrdup("an outside account needs an id, a host and a "
		    "name@host");
		return -1;
	}
	st = db_prepare(db, "SELECT id FROM users WHERE outside_uri = ?");
	if (st == NULL)
		goto db;
	sqlite3_bind_text(st, 1, a->uri, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id != 0) {
		rc = DB_RUN(db, "UPDATE users SET username = ?, display_name = ?, "
		    "bio_html = ?, outside_url = ?, origin = ?, updated_at = ?, "
		    "version = version + 1 WHERE id = ? AND (username IS NOT ? "
		    "OR display_name IS NOT ? OR bio_html IS NOT ? OR "
		    "outside_url IS NOT ?)", SQL_T(a->acct),
		    SQL_T(a->display_name != NULL && *a->display_name != '\0' ?
		    a->display_name : a->acct), SQL_T(a->note_html != NULL ?
		    a->note_html : ""), SQL_T(a->url), SQL_T(a->host),
		    SQL_I(now), SQL_I(id), SQL_T(a->acct),
		    SQL_T(a->display_name != NULL && *a->display_name != '\0' ?
		    a->display_name : a->acct), SQL_T(a->note_html != NULL ?
		    a->note_html : ""), SQL_T(a->url));
		if (rc < 0) {
			*cause = xasprintf("cannot update %s: %s", a->acct,
			    db_errmsg(db));
			return -1;
		}
		return id;
	}
	rc = DB_RUN(db, "INSERT INTO users (username, display_name, role, "
	    "password_hash, created_at, updated_at, bio_html, origin, "
	    "outside_uri, outside_url) VALUES (?, ?, 0, NULL, ?, ?, ?, ?, ?, ?)",
	    SQL_T(a->acct), SQL_T(a->display_name != NULL &&
	    *a->display_name != '\0' ? a->display_name : a->acct), SQL_I(now),
	    SQL_I(now), SQL_T(a->note_html != NULL ? a->note_html : ""),
	    SQL_T(a->host), SQL_T(a->uri), SQL_T(a->url));
	if (rc != 1) {
		*cause = xasprintf("cannot save %s: %s", a->acct,
		    db_errmsg(db));
		return -1;
	}
	return db_last_id(db);
db:
	*cause = xstrdup(db_errmsg(db));
	return -1;
}

/* The outside account with this id, checked: 1 if it is one. */
static int
outside_is_account(struct db *db, int64_t id)
{
	sqlite3_stmt	*st;
	int		 yes;

	st = db_prepare(db, "SELECT 1 FROM users WHERE id = ? AND origin IS "
	    "NOT NULL");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* The post with outside id uri: its id and author, or 0. */
int64_t
outside_post_find(struct db *db, const char *uri, int64_t *author)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	*author = 0;
	st = db_prepare(db, "SELECT id, author_id FROM posts WHERE "
	    "outside_uri = ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*author = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return id;
}

/* Whether post is an outside post: its id there, its author's actor id
 * and acct (malloc'ed), or NULL. */
char *
outside_of(struct db *db, int64_t post, char **actor, char **acct)
{
	sqlite3_stmt	*st;
	char		*uri = NULL;

	*actor = *acct = NULL;
	st = db_prepare(db, "SELECT p.outside_uri, u.outside_uri, u.username "
	    "FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ? "
	    "AND p.outside_uri IS NOT NULL AND u.origin IS NOT NULL");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW) {
		uri = xstrdup((const char *)sqlite3_column_text(st, 0));
		*actor = xstrdup((const char *)sqlite3_column_text(st, 1));
		*acct = xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	return uri;
}

/* An outside account's actor id (malloc'ed) and how many people follow it,
 * or NULL if id is not an outside account. */
char *
outside_account_of(struct db *db, int64_t id, int *followers)
{
	sqlite3_stmt	*st;
	char		*uri = NULL;

	*followers = 0;
	st = db_prepare(db, "SELECT u.outside_uri, (SELECT count(*) FROM "
	    "follows f WHERE f.followee_id = u.id) FROM users u WHERE u.id = ? "
	    "AND u.origin IS NOT NULL");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		uri = xstrdup((const char *)sqlite3_column_text(st, 0));
		*followers = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return uri;
}

/* The author of a post every employee reads (public or unlisted, in no
 * group): what an outside post may answer or react to. 0 for any other. */
static int64_t
outside_answerable(struct db *db, int64_t post)
{
	sqlite3_stmt	*st;
	int64_t		 author = 0;

	st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ? AND "
	    "group_id IS NULL AND visibility <= " SQL_VIS_UNLISTED);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW)
		author = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return author;
}

/* Fill a draft's mentions from employee ids (outside accounts are not
 * mentioned by the core; the module lists whom the post tags inside). */
static void
outside_mentions(struct db *db, struct post_draft *d, const int64_t *ids,
    size_t n)
{
	struct user	*u;
	size_t		 i;

	d->md.mentions = arena_alloc(d->arena, (n ? n : 1) *
	    sizeof *d->md.mentions);
	for (i = 0; i < n; i++) {
		if ((u = user_get(db, d->arena, ids[i])) == NULL ||
		    u->origin != NULL || u->disabled)
			continue;
		d->md.mentions[d->md.nmentions].id = u->id;
		d->md.mentions[d->md.nmentions].name = u->username;
		d->md.mentions[d->md.nmentions].display = arena_printf(
		    d->arena, "@%s", u->username);
		d->md.nmentions++;
	}
}

/*
 * Store an outside post (new, or an edit of the one with the same uri by
 * the same author); its id, or -1 with *cause. What it replies to must be
 * a post every employee reads (public or unlisted, in no group): an
 * outside post can never be placed into a group, a followers-only thread
 * or a direct conversation.
 */
int64_t
outside_post_save(struct db *db, const struct outside_post *o, char **cause)
{
	struct post_draft	 d;
	int64_t			 existing, owner;
	int			 rc;

	*cause = NULL;
	if (o->uri == NULL || o->html == NULL || o->text == NULL ||
	    !outside_is_account(db, o->author)) {
		*cause = xstrdup("an outside post needs an id, content and an "
		    "outside author");
		return -1;
	}
	if (strlen(o->html) > OUTSIDE_TEXT_MAX) {
		*cause = xstrdup("the post is too long");
		return -1;
	}
	if (o->in_reply_to != 0 && outside_answerable(db, o->in_reply_to) ==
	    0) {
		*cause = xstrdup("it replies to a post that is not everyone's "
		    "inside the company");
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.arena = arena_new();
	d.author_id = o->author;
	d.in_reply_to_id = o->in_reply_to;
	d.visibility = VIS_UNLISTED;
	d.sensitive = o->sensitive;
	d.spoiler_text = o->spoiler_text;
	d.language = o->language;
	d.source = o->text;
	d.md.html = o->html;
	d.md.text = o->text;
	d.quiet = o->quiet;
	outside_mentions(db, &d, o->mentions, o->nmentions);

	if ((existing = outside_post_find(db, o->uri, &owner)) != 0) {
		if (owner != o->author) {
			*cause = xstrdup("only its author can change a post");
			arena_free(d.arena);
			return -1;
		}
		d.edit_id = existing;
		rc = post_edit(db, &d);
	} else
		rc = post_create(db, &d);
	if (rc != E_OK) {
		*cause = xstrdup(d.cause[0] != '\0' ? d.cause : "cannot save "
		    "the post");
		arena_free(d.arena);
		return -1;
	}
	/* Shown when it was written there, if that is believable (not in
	 * the future, not before the fediverse): older posts that come in
	 * late (a profile's recent posts) say their age. */
	if (existing == 0 && DB_RUN(db, "UPDATE posts SET outside_uri = ?, "
	    "outside_url = ?, created_at = CASE WHEN ?4 BETWEEN 1199145600 AND "
	    "created_at THEN ?4 ELSE created_at END WHERE id = ?3",
	    SQL_T(o->uri), SQL_T(o->url), SQL_I(d.id),
	    SQL_I(o->published)) != 1) {
		*cause = xasprintf("cannot save the post: %s", db_errmsg(db));
		arena_free(d.arena);
		return -1;
	}
	arena_free(d.arena);
	return d.id;
}

/* Delete the outside post uri if author wrote it: 1 deleted, 0 no such
 * post of theirs, -1 on error. */
int
outside_post_delete(struct db *db, int64_t author, const char *uri)
{
	int64_t	 id, owner;
	char	*cause = NULL;
	int	 rc;

	if ((id = outside_post_find(db, uri, &owner)) == 0 || owner != author)
		return 0;
	rc = post_delete(db, author, id, &cause);
	free(cause);
	return rc == E_OK ? 1 : -1;
}

/*
 * An outside account's like or boost of a post every employee reads, on
 * or off (Like, Announce and their Undo). Counted once per account; the
 * author is told of a new one unless quiet. E_NOTFOUND for any other
 * post.
 */
int
outside_react(struct db *db, int64_t account, int64_t post,
    enum outside_reaction kind, int on, int quiet)
{
	int64_t		 author;
	int		 rc;

	if (!outside_is_account(db, account))
		return E_FORBIDDEN;
	if ((author = outside_answerable(db, post)) == 0)
		return E_NOTFOUND;
	if (kind == OUTSIDE_LIKE)
		return on ? favourite_add_quiet(db, account, post, quiet) :
		    favourite_remove(db, account, post);
	if (db_begin(db) != 0)
		return E_INTERNAL;
	rc = on ? DB_RUN(db, "INSERT OR IGNORE INTO boosts (user_id, post_id, "
	    "created_at) VALUES (?, ?, ?)", SQL_I(account), SQL_I(post),
	    SQL_I(time(NULL))) : DB_RUN(db, "DELETE FROM boosts WHERE "
	    "user_id = ? AND post_id = ?", SQL_I(account), SQL_I(post));
	if (rc < 0)
		goto fail;
	if (rc == 1 && (db_bump(db, "UPDATE posts SET reblogs_count = "
	    "max(reblogs_count + ?, 0) WHERE id = ?", post, on ? 1 : -1) != 0 ||
	    (on && !quiet && notify_add(db, author, "reblog", account, post,
	    0) != 0)))
		goto fail;
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/*
 * The actor uri deleted itself (Delete of the actor, from itself): its
 * outside posts go, each as a deletion does (counts, feeds, streams), and
 * its account is disabled (shown suspended). The number of posts removed,
 * or -1.
 */
int
outside_account_gone(struct db *db, const char *uri)
{
	struct arena	*a = arena_new();
	struct idlist	 ids = { NULL, 0, 0 };
	sqlite3_stmt	*st;
	int64_t		 id = 0;
	char		*cause = NULL;
	size_t		 i;
	int		 n = 0;

	st = db_prepare(db, "SELECT id FROM users WHERE outside_uri = ? AND "
	    "origin IS NOT NULL");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id == 0) {
		arena_free(a);
		return 0;
	}
	st = db_prepare(db, "SELECT id FROM posts WHERE author_id = ? ORDER "
	    "BY id DESC");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (idlist_from_stmt(a, st, &ids, NULL) != 0)
		goto fail;
	for (i = 0; i < ids.n; i++) {
		if (post_delete(db, id, ids.ids[i], &cause) != E_OK) {
			free(cause);
			goto fail;
		}
		n++;
	}
	if (DB_RUN(db, "UPDATE users SET disabled = 1, version = version + 1 "
	    "WHERE id = ?", SQL_I(id)) < 0)
		goto fail;
	arena_free(a);
	return n;
fail:
	arena_free(a);
	return -1;
}

/* The avatar an outside account had, or the new one if the change did not
 * commit: removed once the transaction ends. */
struct avatar_swap {
	char	*data_dir;
	char	*old;		/* or NULL */
	char	 name[MEDIA_NAME_MAX];
};

static void
avatar_swapped(void *arg, int committed)
{
	struct avatar_swap	*s = arg;

	if (committed && s->old != NULL)
		media_remove(s->data_dir, s->old);
	else if (!committed)
		media_remove(s->data_dir, s->name);
	free(s->data_dir);
	free(s->old);
	free(s);
}

/*
 * An outside account's avatar (writer): an image already decoded and
 * written again (image_reencode), stored under a new name; the one it
 * replaces goes once this commits. 0, or -1 with *cause.
 */
int
outside_avatar_save(struct db *db, const char *data_dir, int64_t account,
    const void *data, size_t len, char **cause)
{
	struct avatar_swap	*s;
	sqlite3_stmt		*st;
	enum image_type		 t;
	int			 w, h;

	*cause = NULL;
	if (!outside_is_account(db, account)) {
		*cause = xstrdup("not an outside account");
		return -1;
	}
	if (image_sniff(data, len, &t, &w, &h, cause) != 0)
		return -1;
	s = xcalloc(1, sizeof *s);
	if (media_store(data_dir, data, len, image_ext(t), s->name,
	    sizeof s->name,
	    cause) != 0) {
		free(s);
		return -1;
	}
	s->data_dir = xstrdup(data_dir);
	if ((st = db_prepare(db, "SELECT avatar_file FROM users WHERE id = ?"))
	    != NULL) {
		sqlite3_bind_int64(st, 1, account);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			s->old = xstrdup((const char *)sqlite3_column_text(st,
			    0));
		sqlite3_reset(st);
	}
	if (DB_RUN(db, "UPDATE users SET avatar_file = ?, updated_at = ? "
	    "WHERE id = ?", SQL_T(s->name), SQL_I(time(NULL)),
	    SQL_I(account)) != 1) {
		*cause = xasprintf("cannot save the avatar: %s", db_errmsg(db));
		avatar_swapped(s, 0);
		return -1;
	}
	db_after_commit(db, avatar_swapped, s);
	return 0;
}
