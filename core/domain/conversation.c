/*
 * conversation.c: private conversations, the direct posts (visibility
 * "direct": only the people mentioned) a person wrote or is mentioned in.
 * The web shows them on a page of their own rather than mixed silently
 * into home; the Mastodon API's home keeps them, as Mastodon does. Both
 * also list them grouped as Mastodon's conversations: one per person,
 * thread and set of people, with its last post and whether it is unread,
 * kept by the write path of posts (the Conversation entity is
 * conversation-entity.c's).
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"

/* Direct posts outside groups that the viewer wrote or is mentioned in,
 * newest first. */
int
timeline_direct(struct db *db, struct arena *a, int64_t viewer,
    const struct page *p, struct idlist *out)
{
	static const char *const sql[2] = PAGE_SQL("SELECT id FROM posts "
	    "WHERE visibility = " SQL_VIS_DIRECT " AND group_id IS NULL AND "
	    "(author_id = :viewer OR id IN (SELECT post_id FROM mentions "
	    "WHERE user_id = :viewer)) AND ", "id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return page_select(db, a, sql, p, args, nitems(args), out, NULL);
}

/* Order ids ascending (qsort). */
static int
id_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Whether a post belongs in conversations (a direct post outside groups),
 * with its author and thread; 0 if not, -1 on error.
 */
static int
conversation_post_info(struct db *db, int64_t post, int64_t *author,
    int64_t *thread)
{
	sqlite3_stmt	*st;
	int		 rc = 0;

	if ((st = db_prepare(db, "SELECT p.author_id, t.thread_id FROM posts p "
	    "JOIN post_threads t ON t.post_id = p.id WHERE p.id = ? AND "
	    "p.visibility = " SQL_VIS_DIRECT " AND p.group_id IS NULL")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*author = sqlite3_column_int64(st, 0);
		*thread = sqlite3_column_int64(st, 1);
		rc = 1;
	}
	sqlite3_reset(st);
	return rc;
}

/* Tell the streams a conversation of user's changed (once committed). */
static void
conversation_emit(struct db *db, int64_t id, int64_t user)
{
	struct event	ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = EV_CONVERSATION;
	ev.id = id;
	ev.subject = user;
	events_emit(db, &ev);
}

/*
 * In the write of a direct post (new, or edited to mention more people):
 * put it into the conversation of its author and of each employee it
 * mentions, except those in skip, as Mastodon's AccountConversation
 * does: one per person, thread and set of the other people in it, made
 * when the first post arrives (or again after the person removed it). It
 * is unread for everyone but the post's author, whose own post marks it
 * read. 0 or -1.
 */
int
conversation_post_added(struct db *db, struct arena *a, int64_t post,
    const struct idlist *skip)
{
	struct idlist	 all = { NULL, 0, 0 }, to = { NULL, 0, 0 };
	sqlite3_stmt	*st;
	int64_t		 author, thread, conv;
	char		*key;
	size_t		 i, j;
	int		 rc;

	if ((rc = conversation_post_info(db, post, &author, &thread)) <= 0)
		return rc;
	if ((st = db_prepare(db, "SELECT user_id FROM mentions WHERE "
	    "post_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (idlist_from_stmt(a, st, &all, NULL) != 0)
		return -1;
	if (!idlist_has(&all, author))
		idlist_add(a, &all, author);
	qsort(all.ids, all.n, sizeof *all.ids, id_cmp);
	/* Whose conversations: employees (not people outside, whom the
	 * bridge tells) who may read the post. */
	if ((st = db_prepare(db, "SELECT u.id FROM users u WHERE u.id IN "
	    "(SELECT value FROM json_each(?)) AND u.origin IS NULL")) == NULL)
		return -1;
	key = arena_strdup(a, "[");
	for (i = 0; i < all.n; i++)
		key = arena_printf(a, "%s%s%lld", key, i ? "," : "",
		    (long long)all.ids[i]);
	key = arena_printf(a, "%s]", key);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (idlist_from_stmt(a, st, &to, NULL) != 0)
		return -1;
	for (i = 0; i < to.n; i++) {
		if ((skip != NULL && idlist_has(skip, to.ids[i])) ||
		    !access_post_visible(db, to.ids[i], post))
			continue;
		key = arena_strdup(a, "");
		for (j = 0; j < all.n; j++) {
			if (all.ids[j] != to.ids[i])
				key = arena_printf(a, "%s%s%lld", key,
				    *key ? "," : "", (long long)all.ids[j]);
		}
		st = db_prepare(db, "INSERT INTO conversations (user_id, "
		    "thread_id, participants, last_status_id, unread) VALUES "
		    "(?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id, thread_id, "
		    "participants) DO UPDATE SET last_status_id = "
		    "max(last_status_id, ?4), unread = ?5 RETURNING id");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, to.ids[i]);
		sqlite3_bind_int64(st, 2, thread);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, post);
		sqlite3_bind_int(st, 5, to.ids[i] != author);
		conv = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (conv == 0 || DB_RUN(db, "INSERT OR IGNORE INTO "
		    "conversation_posts (conversation_id, post_id) VALUES "
		    "(?, ?)", SQL_I(conv), SQL_I(post)) < 0)
			return -1;
		conversation_emit(db, conv, to.ids[i]);
	}
	return 0;
}

/*
 * In the write that takes a post out of conversations (before it is
 * deleted; or, with user non-zero, out of that one person's, whose
 * mention an edit removed): the schema's trigger moves each one's last
 * post back or removes it when none is left; those left are told to
 * their owners' streams. 0 or -1.
 */
int
conversation_post_gone(struct db *db, struct arena *a, int64_t post,
    int64_t user)
{
	struct idlist	 convs = { NULL, 0, 0 }, owners = { NULL, 0, 0 };
	sqlite3_stmt	*st;
	size_t		 i;

	if ((st = db_prepare(db, "SELECT c.id, c.user_id FROM "
	    "conversation_posts cp JOIN conversations c ON c.id = "
	    "cp.conversation_id WHERE cp.post_id = ?1 AND (?2 = 0 OR "
	    "c.user_id = ?2)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	sqlite3_bind_int64(st, 2, user);
	if (idlist_from_stmt(a, st, &convs, &owners) != 0)
		return -1;
	for (i = 0; i < convs.n; i++) {
		if (DB_RUN(db, "DELETE FROM conversation_posts WHERE "
		    "conversation_id = ? AND post_id = ?", SQL_I(convs.ids[i]),
		    SQL_I(post)) < 0)
			return -1;
		if ((st = db_prepare(db, "SELECT 1 FROM conversations WHERE "
		    "id = ?")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, convs.ids[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			conversation_emit(db, convs.ids[i], owners.ids[i]);
		sqlite3_reset(st);
	}
	return 0;
}

/*
 * In the write of an edit of a direct post: people it newly mentions get
 * it in their conversations (they were just notified, as on Mastodon);
 * people whose mention went, and who may therefore no longer read it,
 * lose it from theirs. before: who it mentioned. 0 or -1.
 */
int
conversation_post_edited(struct db *db, struct arena *a, int64_t post,
    const struct idlist *before)
{
	struct idlist	 now = { NULL, 0, 0 }, skip = { NULL, 0, 0 };
	sqlite3_stmt	*st;
	int64_t		 author, thread;
	size_t		 i;
	int		 rc;

	if ((rc = conversation_post_info(db, post, &author, &thread)) <= 0)
		return rc;
	if ((st = db_prepare(db, "SELECT user_id FROM mentions WHERE "
	    "post_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (idlist_from_stmt(a, st, &now, NULL) != 0)
		return -1;
	for (i = 0; i < before->n; i++) {
		idlist_add(a, &skip, before->ids[i]);
		if (before->ids[i] != author &&
		    !idlist_has(&now, before->ids[i]) &&
		    conversation_post_gone(db, a, post, before->ids[i]) != 0)
			return -1;
	}
	idlist_add(a, &skip, author);
	return conversation_post_added(db, a, post, &skip);
}

/* A page of a person's conversations, the one with the newest post
 * first (conversation ids; their last posts' ids as cursors, by which
 * Mastodon pages them). */
int
conversation_list(struct db *db, struct arena *a, int64_t user,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT id, last_status_id "
	    "FROM conversations WHERE user_id = :viewer AND ",
	    "last_status_id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", user) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}

/* Command: mark a conversation of the actor's read (struct toggle, add
 * 0) or unread (add 1); E_NOTFOUND unless it is theirs. */
int
conversation_read_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	int		 n;

	(void)cause;
	n = DB_RUN(db, "UPDATE conversations SET unread = ? WHERE id = ? AND "
	    "user_id = ?", SQL_I(t->add), SQL_I(t->id), SQL_I(t->actor));
	if (n < 0)
		return E_INTERNAL;
	if (n == 0)
		return E_NOTFOUND;
	conversation_emit(db, t->id, t->actor);
	return E_OK;
}

/* Command: remove a conversation of the actor's (struct toggle) until a
 * new post in it arrives; E_NOTFOUND unless it is theirs. */
int
conversation_remove(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	int		 n;

	(void)cause;
	n = DB_RUN(db, "DELETE FROM conversations WHERE id = ? AND "
	    "user_id = ?", SQL_I(t->id), SQL_I(t->actor));
	return n < 0 ? E_INTERNAL : n == 0 ? E_NOTFOUND : E_OK;
}

/* A person's unread conversations, the newest last post first (at most
 * limit), for the web's page, which shows and then reads them. */
int
conversation_unread(struct db *db, struct arena *a, int64_t user, int limit,
    struct idlist *out)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT id FROM conversations WHERE "
	    "user_id = ? AND unread = 1 ORDER BY last_status_id DESC "
	    "LIMIT ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int(st, 2, limit);
	return idlist_from_stmt(a, st, out, NULL) == 0 ? E_OK : E_INTERNAL;
}

/* Command: mark the conversations of a person's listed read (struct
 * conversations_read: those the web's page just showed as new). */
int
conversations_read(struct db *db, void *arg, char **cause)
{
	struct conversations_read	*cr = arg;
	size_t				 i;
	int				 n;

	(void)cause;
	for (i = 0; i < cr->ids.n; i++) {
		if ((n = DB_RUN(db, "UPDATE conversations SET unread = 0 WHERE "
		    "id = ? AND user_id = ? AND unread = 1",
		    SQL_I(cr->ids.ids[i]), SQL_I(cr->user))) < 0)
			return E_INTERNAL;
		if (n > 0)
			conversation_emit(db, cr->ids.ids[i], cr->user);
	}
	return E_OK;
}
