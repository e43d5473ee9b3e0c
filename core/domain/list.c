/*
 * list.c: Mastodon's lists. A list is a person's own selection of people
 * they follow (nobody else ever sees it: another's list is not found),
 * read as its own timeline. Its replies_policy says which replies by its
 * members it shows; an exclusive list takes its members' posts out of its
 * owner's home (list_hides_home, the one predicate home reading calls).
 * Unfollowing someone takes them out of one's lists (schema 0022's
 * trigger), as Mastodon's list accounts belong to the follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

static const char *const policy_names[] = {
	[LIST_REPLIES_FOLLOWED] = "followed",
	[LIST_REPLIES_LIST] = "list",
	[LIST_REPLIES_NONE] = "none",
};

/* A replies_policy's name. */
const char *
list_policy_name(int policy)
{
	return policy >= 0 && policy < (int)nitems(policy_names) ?
	    policy_names[policy] : "list";
}

/* A replies_policy by its name, or -1. */
int
list_policy_named(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < nitems(policy_names); i++) {
		if (strcmp(name, policy_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* Check a title as Mastodon does: present, at most LIST_TITLE_MAX
 * characters. 0, or -1 with the cause in e. */
static int
list_title_ok(struct list_edit *e)
{
	if (e->title == NULL || *e->title == '\0') {
		cause_copy(e->cause, sizeof e->cause, cause_new(N_("Validation "
		    "failed: Title can't be blank")));
		return -1;
	}
	if (utf8_chars(e->title) > LIST_TITLE_MAX) {
		cause_copy(e->cause, sizeof e->cause, cause_new(N_("Validation "
		    "failed: Title is too long (maximum is {max} characters)"),
		    CN("max", LIST_TITLE_MAX)));
		return -1;
	}
	return 0;
}

/* In the write: a new list; e->id is its id. */
int
list_create_cmd(struct db *db, void *arg, char **cause)
{
	struct list_edit	*e = arg;
	sqlite3_stmt		*st;
	int64_t			 n = 0;

	if (list_title_ok(e) != 0) {
		*cause = xstrdup(e->cause);
		return E_INVALID;
	}
	if ((st = db_prepare(db, "SELECT count(*) FROM lists WHERE user_id = "
	    "?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, e->user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n >= LIST_PER_USER_MAX) {
		*cause = cause_new(N_("Validation failed: You have reached the "
		    "limit of {max} lists"), CN("max", LIST_PER_USER_MAX));
		return E_INVALID;
	}
	if (DB_RUN(db, "INSERT INTO lists (user_id, title, replies_policy, "
	    "exclusive, created_at) VALUES (?, ?, ?, ?, ?)", SQL_I(e->user_id),
	    SQL_T(e->title), SQL_I(e->replies_policy), SQL_I(e->exclusive),
	    SQL_I((int64_t)time(NULL))) != 1)
		return E_INTERNAL;
	e->id = db_last_id(db);
	filter_changed(db, e->user_id);
	return E_OK;
}

/* In the write: a new title, replies_policy or exclusive. */
int
list_update_cmd(struct db *db, void *arg, char **cause)
{
	struct list_edit	*e = arg;
	int			 rc;

	if (list_title_ok(e) != 0) {
		*cause = xstrdup(e->cause);
		return E_INVALID;
	}
	rc = DB_RUN(db, "UPDATE lists SET title = ?, replies_policy = ?, "
	    "exclusive = ? WHERE id = ? AND user_id = ?", SQL_T(e->title),
	    SQL_I(e->replies_policy), SQL_I(e->exclusive), SQL_I(e->id),
	    SQL_I(e->user_id));
	if (rc < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	filter_changed(db, e->user_id);
	return E_OK;
}

/* In the write: delete a list (its members go with it). */
int
list_delete_cmd(struct db *db, void *arg, char **cause)
{
	struct list_edit	*e = arg;
	int			 rc;

	rc = DB_RUN(db, "DELETE FROM lists WHERE id = ? AND user_id = ?",
	    SQL_I(e->id), SQL_I(e->user_id));
	if (rc < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	filter_changed(db, e->user_id);
	return E_OK;
}

/* Whether the list is the person's. */
static int
list_owned(struct db *db, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	int		 ok = 0;

	if ((st = db_prepare(db, "SELECT 1 FROM lists WHERE id = ? AND "
	    "user_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/*
 * In the write: add e->accounts to the list. Each must be someone the
 * owner follows (Mastodon's rule: "You must be following this account");
 * one already on the list is an error too, as on Mastodon. All or none.
 */
int
list_add_cmd(struct db *db, void *arg, char **cause)
{
	struct list_edit	*e = arg;
	sqlite3_stmt		*st;
	size_t			 i;
	int			 follows, rc;

	if (!list_owned(db, e->user_id, e->id)) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	for (i = 0; i < e->naccounts; i++) {
		if ((st = db_prepare(db, "SELECT 1 FROM follows WHERE "
		    "follower_id = ? AND followee_id = ?")) == NULL)
			return E_INTERNAL;
		sqlite3_bind_int64(st, 1, e->user_id);
		sqlite3_bind_int64(st, 2, e->accounts[i]);
		follows = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!follows) {
			*cause = xstrdup("Validation failed: Account must be "
			    "followed to be added to a list");
			return E_INVALID;
		}
		rc = DB_RUN(db, "INSERT OR IGNORE INTO list_accounts (list_id, "
		    "account_id, created_at) VALUES (?, ?, ?)", SQL_I(e->id),
		    SQL_I(e->accounts[i]), SQL_I((int64_t)time(NULL)));
		if (rc < 0)
			return E_INTERNAL;
		if (rc == 0) {
			*cause = xstrdup("Validation failed: Account has "
			    "already been taken");
			return E_INVALID;
		}
	}
	filter_changed(db, e->user_id);
	return E_OK;
}

/* In the write: take e->accounts off the list (absent ones are fine). */
int
list_remove_cmd(struct db *db, void *arg, char **cause)
{
	struct list_edit	*e = arg;
	size_t			 i;

	if (!list_owned(db, e->user_id, e->id)) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	for (i = 0; i < e->naccounts; i++) {
		if (DB_RUN(db, "DELETE FROM list_accounts WHERE list_id = ? AND "
		    "account_id = ?", SQL_I(e->id), SQL_I(e->accounts[i])) < 0)
			return E_INTERNAL;
	}
	filter_changed(db, e->user_id);
	return E_OK;
}

/* Fill a list from a row of id, user_id, title, replies_policy,
 * exclusive. */
static void
list_from_row(struct arena *a, sqlite3_stmt *st, struct list *l)
{
	l->id = sqlite3_column_int64(st, 0);
	l->user_id = sqlite3_column_int64(st, 1);
	l->title = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
	l->replies_policy = sqlite3_column_int(st, 3);
	l->exclusive = sqlite3_column_int(st, 4);
}

/* The person's list id, or NULL (another's is not found). */
struct list *
list_get(struct db *db, struct arena *a, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	struct list	*l = NULL;

	if ((st = db_prepare(db, "SELECT id, user_id, title, replies_policy, "
	    "exclusive FROM lists WHERE id = ? AND user_id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if (sqlite3_step(st) == SQLITE_ROW) {
		l = arena_alloc(a, sizeof *l);
		list_from_row(a, st, l);
	}
	sqlite3_reset(st);
	return l;
}

/*
 * The person's lists, by title as Mastodon orders them (or, with account
 * non-zero, those holding that account). E_OK, *out and *n.
 */
int
list_all(struct db *db, struct arena *a, int64_t user, int64_t account,
    struct list **out, size_t *n)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	struct list	*nl;

	*out = NULL;
	*n = 0;
	st = account == 0 ? db_prepare(db, "SELECT id, user_id, title, "
	    "replies_policy, exclusive FROM lists WHERE user_id = ?1 ORDER BY "
	    "title COLLATE NOCASE, id") : db_prepare(db, "SELECT l.id, "
	    "l.user_id, l.title, l.replies_policy, l.exclusive FROM lists l "
	    "JOIN list_accounts la ON la.list_id = l.id WHERE l.user_id = ?1 "
	    "AND la.account_id = ?2 ORDER BY l.title COLLATE NOCASE, l.id");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, user);
	if (account != 0)
		sqlite3_bind_int64(st, 2, account);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			nl = arena_alloc(a, cap * sizeof *nl);
			if (*n)
				memcpy(nl, *out, *n * sizeof *nl);
			*out = nl;
		}
		list_from_row(a, st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return E_OK;
}

/* A page of the list's members (cursors are account ids; limit 0 is
 * every member, as Mastodon's). E_NOTFOUND unless the list is the
 * person's. */
int
list_members(struct db *db, struct arena *a, int64_t user, int64_t id,
    const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = PAGE_SQL("SELECT la.account_id FROM "
	    "list_accounts la JOIN users u ON u.id = la.account_id WHERE "
	    "la.list_id = :list AND u.disabled = 0 AND ", "la.account_id");
	const struct sqlarg	 args[] = { SQLARG_INT(":list", id) };

	if (!list_owned(db, user, id))
		return E_NOTFOUND;
	return page_select(db, a, sql, p, args, nitems(args), out, NULL);
}

/*
 * A list's timeline: its members' posts the owner may read, outside groups
 * and not direct (as home takes followed people's posts), and their
 * replies as replies_policy says: to anyone the owner follows, to the
 * list's members, or none; a reply to the owner or a member's reply to
 * themselves always shows. E_NOTFOUND unless the list is the viewer's.
 */
int
timeline_list(struct db *db, struct arena *a, int64_t viewer, int64_t id,
    const struct page *p, struct idlist *out, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT p.id FROM "
	    "list_accounts la JOIN posts p ON p.author_id = la.account_id "
	    "WHERE la.list_id = :list AND p.group_id IS NULL AND p.visibility "
	    "< " SQL_VIS_DIRECT " AND (p.in_reply_to_account_id IS NULL OR "
	    "p.in_reply_to_account_id = p.author_id OR "
	    "p.in_reply_to_account_id = :viewer OR (:policy = 0 AND EXISTS "
	    "(SELECT 1 FROM follows f WHERE f.follower_id = :viewer AND "
	    "f.followee_id = p.in_reply_to_account_id)) OR (:policy = 1 AND "
	    "EXISTS (SELECT 1 FROM list_accounts m WHERE m.list_id = :list AND "
	    "m.account_id = p.in_reply_to_account_id))) AND "
	    SQL_POST_VISIBLE("p") " AND ", "p.id");
	struct list		*l = list_get(db, a, viewer, id);
	struct page_sql		 ps;
	struct sqlarg		 args[] = { SQLARG_INT(":list", id),
	    SQLARG_INT(":viewer", viewer), SQLARG_INT(":policy", 0) };

	if (l == NULL)
		return E_NOTFOUND;
	args[2].num = l->replies_policy;
	/* full pages, mutes and blocks as in every stream (page-fill.c) */
	ps.db = db;
	ps.a = a;
	ps.sql = sql;
	ps.args = args;
	ps.nargs = nitems(args);
	return page_fill(db, a, viewer, p, page_source_sql, &ps,
	    page_preds_stream, out, cursors);
}

/* Whether post p belongs on the viewer's list's stream: what its timeline
 * would show (timeline_list's rule, for one post). */
int
list_streams_post(struct db *db, int64_t viewer, int64_t id,
    const struct post *p)
{
	sqlite3_stmt	*st;
	int		 ok;

	if (p->group_id != 0 || p->visibility == VIS_DIRECT)
		return 0;
	if ((st = db_prepare(db, "SELECT 1 FROM lists l JOIN list_accounts la "
	    "ON la.list_id = l.id WHERE l.id = ?1 AND l.user_id = ?2 AND "
	    "la.account_id = ?3 AND (?4 = 0 OR ?4 = ?3 OR ?4 = ?2 OR "
	    "(l.replies_policy = 0 AND EXISTS (SELECT 1 FROM follows f WHERE "
	    "f.follower_id = ?2 AND f.followee_id = ?4)) OR (l.replies_policy "
	    "= 1 AND EXISTS (SELECT 1 FROM list_accounts m WHERE m.list_id = "
	    "l.id AND m.account_id = ?4)))")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, viewer);
	sqlite3_bind_int64(st, 3, p->author_id);
	sqlite3_bind_int64(st, 4, p->in_reply_to_account_id);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/*
 * The members of the viewer's exclusive lists, whose posts stay out of
 * home (filter.c keeps them with the viewer's compiled filters).
 */
int
list_exclusive_members(struct db *db, struct arena *a, int64_t viewer,
    struct idlist *out)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT DISTINCT la.account_id FROM lists l "
	    "JOIN list_accounts la ON la.list_id = l.id WHERE l.user_id = ? "
	    "AND l.exclusive = 1 AND la.account_id != l.user_id")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, viewer);
	while (sqlite3_step(st) == SQLITE_ROW)
		idlist_add(a, out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return E_OK;
}

/* The lists (of anyone) holding the author: the list streams a new post
 * goes to. */
int
list_holding(struct db *db, struct arena *a, int64_t author,
    struct idlist *out)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT list_id FROM list_accounts WHERE "
	    "account_id = ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, author);
	while (sqlite3_step(st) == SQLITE_ROW)
		idlist_add(a, out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return E_OK;
}
