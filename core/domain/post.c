/*
 * post.c: posts and favourites. A post's Markdown is rendered by the caller
 * (markdown.c, on the loop thread) and stored with its HTML, so reading never
 * renders. Creating, editing and deleting run on the writer thread
 * (writer.c): every rule that needs the database (may the author reply to
 * that post, post in that group, who is mentioned and may read it) is checked
 * inside the same transaction as the write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* Idempotency keys are honoured for an hour, as Mastodon does. */
#define IDEMPOTENCY_TTL 3600
#define CONTEXT_MAX 500
#define CONTEXT_WALK "2000"	/* replies looked at for CONTEXT_MAX shown */

#define POST_COLUMNS "p.id, p.author_id, coalesce(p.group_id, 0), " \
    "coalesce(p.in_reply_to_id, 0), coalesce(p.in_reply_to_account_id, 0), " \
    "p.visibility, p.spoiler_text, p.sensitive, p.language, p.source, " \
    "p.content_html, p.text, p.mentions_json, p.tags_json, p.created_at, " \
    "coalesce(p.edited_at, 0), p.replies_count, p.favourites_count, " \
    "p.reblogs_count, p.outside_uri, p.outside_url, p.media_json, " \
    "coalesce(p.reblog_of_id, 0), p.reactions_version"

/* Check a draft's lengths and fields before it goes to the writer. */
int
post_check(struct post_draft *d)
{
	const char	*s = d->source ? d->source : "";
	size_t		 n = utf8_chars(s);

	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	/* A picture may speak for itself, as on Mastodon. */
	if (*s == '\0' && d->nmedia == 0 && d->nuploads == 0) {
		snprintf(d->cause, sizeof d->cause, N_("Validation failed: "
		    "Text can't be blank"));
		return E_INVALID;
	}
	if (d->poll != NULL && (d->nmedia > 0 || d->nuploads > 0)) {
		snprintf(d->cause, sizeof d->cause, "Validation failed: a post "
		    "with a poll cannot have attachments");
		return E_INVALID;
	}
	if (n > POST_MAX_CHARS) {
		cause_copy(d->cause, sizeof d->cause, cause_new(N_("Validation "
		    "failed: Text is too long ({count} characters, the limit "
		    "is {max})"), CN("count", n), CN("max", POST_MAX_CHARS)));
		return E_INVALID;
	}
	if (d->spoiler_text != NULL &&
	    utf8_chars(d->spoiler_text) > POST_SPOILER_MAX) {
		cause_copy(d->cause, sizeof d->cause, cause_new(N_("Validation "
		    "failed: spoiler_text is too long (the limit is {max} "
		    "characters)"), CN("max", POST_SPOILER_MAX)));
		return E_INVALID;
	}
	if (d->language != NULL && (strlen(d->language) < 2 ||
	    strlen(d->language) > 8 || strspn(d->language,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
	    strlen(d->language))) {
		snprintf(d->cause, sizeof d->cause, N_("Validation failed: "
		    "language must be an ISO 639 code such as 'en'"));
		return E_INVALID;
	}
	if (d->idempotency_key != NULL && strlen(d->idempotency_key) > 128) {
		snprintf(d->cause, sizeof d->cause, "Idempotency-Key must be at "
		    "most 128 characters");
		return E_INVALID;
	}
	return E_OK;
}

/*
 * The mention resolver markdown.c calls (arg is a struct mention_ctx): the
 * canonical username of an active person, or NULL. "name@host" is someone
 * outside the bridge knows (linked to their page here).
 */
const char *
post_mention_resolve(void *arg, const char *name, int64_t *id)
{
	struct mention_ctx	*m = arg;
	struct user		*u = strchr(name, '@') != NULL ?
	    user_get_outside(m->db, m->arena, name) :
	    user_get_by_name(m->db, m->arena, name);

	if (u == NULL || u->disabled)
		return NULL;
	*id = u->id;
	return u->username;
}

/* Whether a rendered post mentions a person. */
static int
post_mentions(const struct markdown *md, int64_t user)
{
	size_t	i;

	for (i = 0; i < md->nmentions; i++) {
		if (md->mentions[i].id == user)
			return 1;
	}
	return 0;
}

/*
 * Whether a post counts in its author's statuses_count, which everyone
 * sees: not if it is in a private group, whose posts never show, not even
 * as a number.
 */
static int
post_counted(struct db *db, int64_t group)
{
	sqlite3_stmt	*st;
	int		 counted = 1;

	if (group == 0)
		return 1;
	if ((st = db_prepare(db, "SELECT visibility FROM groups WHERE id = ?"))
	    == NULL)
		return 1;
	sqlite3_bind_int64(st, 1, group);
	if (sqlite3_step(st) == SQLITE_ROW)
		counted = sqlite3_column_int(st, 0) == GROUP_OPEN;
	sqlite3_reset(st);
	return counted;
}

/* The mentions and tags of a rendered post as the JSON stored with it. */
static void
post_refs_json(const struct markdown *md, char **mentions, char **tags)
{
	json_t	*m = json_array(), *t = json_array();
	size_t	 i;

	for (i = 0; i < md->nmentions; i++)
		json_array_append_new(m, json_pack("{s:I, s:s}", "id",
		    (json_int_t)md->mentions[i].id, "username",
		    md->mentions[i].name));
	for (i = 0; i < md->ntags; i++)
		json_array_append_new(t, json_pack("{s:s}", "name",
		    md->tags[i].name));
	*mentions = json_dumps(m, JSON_COMPACT);
	*tags = json_dumps(t, JSON_COMPACT);
	json_decref(m);
	json_decref(t);
}

/*
 * Store a post's mentions and tags, and notify mentioned people who may read
 * it (a mention never reveals a post to someone who may not see it).
 */
static int
post_refs(struct db *db, int64_t post, int64_t author, const struct markdown *md,
    int notify, const struct idlist *already)
{
	sqlite3_stmt	*st;
	struct arena	*fa;
	size_t		 i;
	int64_t		 tag;

	for (i = 0; i < md->nmentions; i++) {
		st = db_prepare(db, "INSERT OR IGNORE INTO mentions (post_id, "
		    "user_id) VALUES (?, ?)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, post);
		sqlite3_bind_int64(st, 2, md->mentions[i].id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	for (i = 0; notify && i < md->nmentions; i++) {
		if (already != NULL && idlist_has(already, md->mentions[i].id))
			continue;
		/* someone outside reads nothing here: the bridge tells
		 * them, when the post is shared */
		if (strchr(md->mentions[i].name, '@') != NULL)
			continue;
		if (access_post_visible(db, md->mentions[i].id, post) &&
		    notify_add(db, md->mentions[i].id, "mention", author, post,
		    0) != 0)
			return -1;
	}
	for (i = 0; i < md->ntags; i++) {
		/* folded: how tag streams and search find it (fold.c) */
		st = db_prepare(db, "INSERT INTO tags (name, display, "
		    "last_used_at, folded) VALUES (?1, ?2, ?3, ?4) ON CONFLICT "
		    "(name) DO UPDATE SET last_used_at = ?3, folded = ?4 "
		    "RETURNING id");
		if (st == NULL)
			return -1;
		fa = arena_new();
		sqlite3_bind_text(st, 1, md->tags[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, fold_text(fa, md->tags[i].name), -1,
		    SQLITE_TRANSIENT);
		arena_free(fa);
		sqlite3_bind_text(st, 2, md->tags[i].display + 1, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, time(NULL));
		tag = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (tag == 0)
			return -1;
		st = db_prepare(db, "INSERT OR IGNORE INTO post_tags (tag_id, "
		    "post_id) VALUES (?, ?)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, tag);
		sqlite3_bind_int64(st, 2, post);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	return 0;
}

/* An earlier post made with the same Idempotency-Key, or 0. */
static int64_t
post_idempotent(struct db *db, const struct post_draft *d)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	if (d->idempotency_key == NULL)
		return 0;
	st = db_prepare(db, "SELECT i.post_id FROM idempotency i JOIN posts p "
	    "ON p.id = i.post_id WHERE i.user_id = ? AND i.key = ? AND "
	    "i.created_at > ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, d->author_id);
	sqlite3_bind_text(st, 2, d->idempotency_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, time(NULL) - IDEMPOTENCY_TTL);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/*
 * In the write: whose home feeds the new post goes into, into d->fanout.
 * The author; for a group post, the group's members; otherwise followers
 * (not for direct posts) and mentioned people; and the followers of its
 * hashtags (tag-follow.c). Its event carries them to
 * the feeds and the streams once committed (feed.c drops it for anyone
 * whose feed is not in memory).
 */
static int
post_fanout(struct db *db, struct post_draft *d)
{
	sqlite3_stmt		*st;
	size_t			 i;

	idlist_add(d->arena, &d->fanout, d->author_id);
	if (d->group_id != 0) {
		st = db_prepare(db, "SELECT user_id FROM group_members WHERE "
		    "group_id = ?");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, d->group_id);
	} else {
		st = db_prepare(db, "SELECT follower_id FROM follows WHERE "
		    "followee_id = ?1 AND ?2 < ?3");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, d->author_id);
		sqlite3_bind_int(st, 2, d->visibility);
		sqlite3_bind_int(st, 3, VIS_DIRECT);
	}
	if (idlist_from_stmt(d->arena, st, &d->fanout, NULL) != 0)
		return -1;
	for (i = 0; d->group_id == 0 && i < d->md.nmentions; i++) {
		if (!idlist_has(&d->fanout, d->md.mentions[i].id))
			idlist_add(d->arena, &d->fanout, d->md.mentions[i].id);
	}
	/* and those who follow its hashtags, if everyone may read it */
	return tag_follow_fanout(db, d->arena, d->group_id, d->visibility,
	    &d->md, &d->fanout);
}

/*
 * On the writer: create the post described by a draft (arg). 0 and d->id,
 * or an E_ code with d->cause.
 */
int
post_create(struct db *db, void *arg)
{
	struct post_draft	*d = arg;
	struct event		 ev;
	sqlite3_stmt		*st;
	int64_t			 now = time(NULL), parent_author = 0;
	int64_t			 parent_group = 0;
	char			*mentions = NULL, *tags = NULL;
	int			 rc = E_INTERNAL;

	if ((d->id = post_idempotent(db, d)) != 0) {
		d->duplicate = 1;
		return E_OK;
	}
	if (d->nuploads > 0 && (rc = post_uploads_record(db, d)) != E_OK)
		return rc;
	/* A reply to a boost answers the post it shares. */
	if (d->in_reply_to_id != 0)
		d->in_reply_to_id = post_target(db, d->in_reply_to_id);
	if (d->in_reply_to_id != 0) {
		if (!access_post_visible(db, d->author_id, d->in_reply_to_id)) {
			snprintf(d->cause, sizeof d->cause, N_("The post you "
			    "are replying to does not exist or is not visible "
			    "to you"));
			return E_NOTFOUND;
		}
		st = db_prepare(db, "SELECT author_id, coalesce(group_id, 0) "
		    "FROM posts WHERE id = ?");
		if (st == NULL)
			return E_INTERNAL;
		sqlite3_bind_int64(st, 1, d->in_reply_to_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			parent_author = sqlite3_column_int64(st, 0);
			parent_group = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		/* A reply stays in its thread's group. */
		if (d->group_id != 0 && d->group_id != parent_group) {
			snprintf(d->cause, sizeof d->cause, N_("A reply "
			    "belongs to the group of the post it replies to"));
			return E_INVALID;
		}
		d->group_id = parent_group;
	}
	if (d->group_id != 0 &&
	    access_group_role(db, d->author_id, d->group_id) < 0) {
		if (!access_group_readable(db, d->author_id, d->group_id)) {
			snprintf(d->cause, sizeof d->cause, N_("Group not "
			    "found"));
			return E_NOTFOUND;
		}
		snprintf(d->cause, sizeof d->cause, N_("Only members of the "
		    "group can post in it: join it first"));
		return E_FORBIDDEN;
	}
	if (d->group_id != 0 && group_archived(db, d->group_id)) {
		snprintf(d->cause, sizeof d->cause, N_("This group is "
		    "archived: nobody can post or reply in it until a group "
		    "admin unarchives it"));
		return E_FORBIDDEN;
	}

	post_refs_json(&d->md, &mentions, &tags);
	st = db_prepare(db, "INSERT INTO posts (author_id, group_id, "
	    "in_reply_to_id, in_reply_to_account_id, visibility, spoiler_text, "
	    "sensitive, language, source, content_html, text, mentions_json, "
	    "tags_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, d->author_id);
	if (d->group_id != 0)
		sqlite3_bind_int64(st, 2, d->group_id);
	if (d->in_reply_to_id != 0) {
		sqlite3_bind_int64(st, 3, d->in_reply_to_id);
		sqlite3_bind_int64(st, 4, parent_author);
	}
	sqlite3_bind_int(st, 5, d->visibility);
	sqlite3_bind_text(st, 6, d->spoiler_text ? d->spoiler_text : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 7, d->sensitive || (d->spoiler_text &&
	    *d->spoiler_text));
	if (d->language != NULL)
		sqlite3_bind_text(st, 8, d->language, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, d->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, d->md.html, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, d->md.text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, mentions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, tags, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	d->id = db_last_id(db);
	if (d->nmedia > 0 && (rc = media_attach(db, d->author_id, d->id,
	    d->media_ids, d->media_desc, d->nmedia, d->cause,
	    sizeof d->cause)) != E_OK)
		goto out;
	rc = E_INTERNAL;
	if (d->poll != NULL && poll_save(db, d->id, d->poll) != E_OK)
		goto out;

	/* The post's own event first: a client hears of the post before the
	 * notifications about it (mentions, the reply) that follow. */
	if (post_fanout(db, d) != 0)
		goto out;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_POST_CREATED;
	ev.id = d->id;
	ev.actor = d->author_id;
	ev.group_id = d->group_id;
	ev.in_reply_to_id = d->in_reply_to_id;
	ev.to = &d->fanout;
	ev.text = d->md.text != NULL ? d->md.text : d->source;
	ev.options = d->options;
	events_emit(db, &ev);

	if (post_refs(db, d->id, d->author_id, &d->md, !d->quiet, NULL) != 0 ||
	    conversation_post_added(db, d->arena, d->id, NULL) != 0)
		goto out;
	st = db_prepare(db, "UPDATE users SET statuses_count = statuses_count "
	    "+ ?, last_status_at = ? WHERE id = ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_int(st, 1, post_counted(db, d->group_id));
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, d->author_id);
	sqlite3_step(st);
	sqlite3_reset(st);
	if (d->in_reply_to_id != 0) {
		/* Counted only if whoever reads the parent may read it (as
		 * Mastodon counts): a count must not reveal a private reply. */
		if (d->visibility <= VIS_UNLISTED && db_bump(db, "UPDATE posts "
		    "SET replies_count = replies_count + ? WHERE id = ?",
		    d->in_reply_to_id, 1) != 0)
			goto out;
		/* The author replied to is told, unless already mentioned or
		 * unable to read the reply. */
		if (parent_author != 0 && !d->quiet && !post_mentions(&d->md,
		    parent_author) && access_post_visible(db, parent_author,
		    d->id) && notify_add(db, parent_author, "mention",
		    d->author_id, d->id, 0) != 0)
			goto out;
	}
	if (d->group_id != 0 && db_bump(db, "UPDATE groups SET posts_count = "
	    "posts_count + ? WHERE id = ?", d->group_id, 1) != 0)
		goto out;
	if (d->idempotency_key != NULL) {
		st = db_prepare(db, "INSERT OR REPLACE INTO idempotency "
		    "(user_id, key, post_id, created_at) VALUES (?, ?, ?, ?)");
		if (st == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, d->author_id);
		sqlite3_bind_text(st, 2, d->idempotency_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, d->id);
		sqlite3_bind_int64(st, 4, now);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	rc = E_OK;
out:
	if (rc != E_OK && d->cause[0] == '\0')
		snprintf(d->cause, sizeof d->cause, N_("Saving the post "
		    "failed"));
	free(mentions);
	free(tags);
	return rc;
}

/*
 * On the writer: edit a post (d->edit_id) in place, keeping the version it
 * replaces in post_edits. Only its author may; visibility and group stay.
 */
int
post_edit(struct db *db, void *arg)
{
	struct post_draft	*d = arg;
	struct event		 ev;
	sqlite3_stmt		*st;
	struct idlist		 before = { NULL, 0, 0 };
	char			*mentions = NULL, *tags = NULL;
	int64_t			 author = 0;
	int			 rc = E_INTERNAL;

	st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, d->edit_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		author = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (author == 0 || !access_post_visible(db, d->author_id, d->edit_id)) {
		snprintf(d->cause, sizeof d->cause, "Record not found");
		return E_NOTFOUND;
	}
	if (author != d->author_id) {
		snprintf(d->cause, sizeof d->cause, N_("Only the author can "
		    "edit a post"));
		return E_FORBIDDEN;
	}
	/* A boost has no text of its own to edit. */
	if (post_target(db, d->edit_id) != d->edit_id) {
		snprintf(d->cause, sizeof d->cause, N_("This action is not "
		    "allowed: a boost cannot be edited"));
		return E_INVALID;
	}
	st = db_prepare(db, "INSERT INTO post_edits (post_id, source, "
	    "content_html, spoiler_text, sensitive, created_at, media_json) "
	    "SELECT id, source, content_html, spoiler_text, sensitive, "
	    "coalesce(edited_at, created_at), media_json FROM posts "
	    "WHERE id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, d->edit_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return E_INTERNAL;
	rc = E_INTERNAL;

	/* People mentioned before are not notified again. */
	st = db_prepare(db, "SELECT user_id FROM mentions WHERE post_id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, d->edit_id);
	idlist_from_stmt(d->arena, st, &before, NULL);
	post_refs_json(&d->md, &mentions, &tags);
	st = db_prepare(db, "UPDATE posts SET source = ?, content_html = ?, "
	    "text = ?, spoiler_text = ?, sensitive = ?, language = "
	    "coalesce(?, language), mentions_json = ?, tags_json = ?, "
	    "edited_at = ? WHERE id = ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 1, d->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->md.html, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->md.text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->spoiler_text ? d->spoiler_text : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 5, d->sensitive || (d->spoiler_text &&
	    *d->spoiler_text));
	if (d->language != NULL)
		sqlite3_bind_text(st, 6, d->language, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, mentions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, tags, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, time(NULL));
	sqlite3_bind_int64(st, 10, d->edit_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto out;
	}
	sqlite3_reset(st);
	if (d->nuploads > 0 && (rc = post_uploads_record(db, d)) != E_OK)
		goto out;
	if (d->media_set && (rc = media_attach(db, d->author_id, d->edit_id,
	    d->media_ids, d->media_desc, d->nmedia, d->cause,
	    sizeof d->cause)) != E_OK)
		goto out;
	rc = E_INTERNAL;
	/* Mastodon's edit: the poll sent is the poll; votes reset if its
	 * options changed (poll.c). */
	if (d->poll_set && poll_save(db, d->edit_id, d->poll) != E_OK)
		goto out;
	st = db_prepare(db, "DELETE FROM mentions WHERE post_id = ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, d->edit_id);
	sqlite3_step(st);
	sqlite3_reset(st);
	st = db_prepare(db, "DELETE FROM post_tags WHERE post_id = ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, d->edit_id);
	sqlite3_step(st);
	sqlite3_reset(st);
	if (post_refs(db, d->edit_id, d->author_id, &d->md, !d->quiet,
	    &before) != 0 || conversation_post_edited(db, d->arena,
	    d->edit_id, &before) != 0)
		goto out;
	d->id = d->edit_id;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_POST_EDITED;
	ev.id = d->id;
	ev.actor = d->author_id;
	ev.text = d->md.text != NULL ? d->md.text : d->source;
	ev.options = d->options;
	events_emit(db, &ev);
	rc = E_OK;
out:
	free(mentions);
	free(tags);
	return rc;
}

/*
 * In the write that deletes post id, before it does: who could have been
 * shown it, for its event. 1 if everyone could (public or unlisted outside
 * groups, or anything in an open group, which its stream and its tags'
 * streams show to non-members), else 0 with the people in *to (as
 * post_fanout chose them, plus the author); -1 on error.
 */
static int
post_audience(struct db *db, struct arena *a, int64_t id, struct idlist *to)
{
	sqlite3_stmt	*st;
	int		 everyone;

	st = db_prepare(db, "SELECT " SQL_POST_EVERYONES("p") " FROM posts p "
	    "WHERE p.id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	everyone = sqlite3_step(st) == SQLITE_ROW ?
	    sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (everyone != 0)
		return everyone;
	st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ?1 "
	    "UNION SELECT gm.user_id FROM posts p JOIN group_members gm ON "
	    "gm.group_id = p.group_id WHERE p.id = ?1 "
	    "UNION SELECT f.follower_id FROM posts p JOIN follows f ON "
	    "f.followee_id = p.author_id WHERE p.id = ?1 AND p.group_id IS NULL "
	    "AND p.visibility = " SQL_VIS_PRIVATE " "
	    "UNION SELECT m.user_id FROM mentions m JOIN posts p ON "
	    "p.id = m.post_id WHERE m.post_id = ?1 AND p.group_id IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (idlist_from_stmt(a, st, to, NULL) != 0)
		return -1;
	return 0;
}

/*
 * In the write that deletes a post: its boosts go with it (the schema's
 * cascade), so each is a deletion the streams hear, and its booster's count
 * drops. 0 or -1.
 */
static int
post_delete_boosts(struct db *db, struct arena *a, int64_t id)
{
	struct idlist	 boosts = { NULL, 0, 0 };
	struct event	 ev;
	sqlite3_stmt	*st;
	size_t		 i;

	if ((st = db_prepare(db, "SELECT id FROM posts WHERE reblog_of_id = ?"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (idlist_from_stmt(a, st, &boosts, NULL) != 0)
		return -1;
	for (i = 0; i < boosts.n; i++) {
		memset(&ev, 0, sizeof ev);
		ev.kind = EV_POST_DELETED;
		ev.id = boosts.ids[i];
		ev.everyone = 1;	/* a boost is unlisted */
		events_emit(db, &ev);
	}
	if (boosts.n > 0 && DB_RUN(db, "UPDATE users SET statuses_count = "
	    "max(statuses_count - 1, 0) WHERE id IN (SELECT author_id FROM "
	    "posts WHERE reblog_of_id = ?)", SQL_I(id)) < 0)
		return -1;
	return 0;
}

/*
 * Delete a post: its author may, and so may an admin (moderation). Replies
 * stay, no longer pointing at it. E_NOTFOUND if actor cannot see it.
 */
int
post_delete(struct db *db, int64_t actor, int64_t id, char **cause)
{
	struct arena	*a;
	struct idlist	 audience = { NULL, 0, 0 };
	struct event	 ev;
	sqlite3_stmt	*st;
	int64_t		 author = 0, parent = 0, group = 0;
	int		 counted = 0, rc;

	if (!access_post_visible(db, actor, id))
		return E_NOTFOUND;
	st = db_prepare(db, "SELECT author_id, coalesce(in_reply_to_id, 0), "
	    "coalesce(group_id, 0), visibility FROM posts WHERE id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		author = sqlite3_column_int64(st, 0);
		parent = sqlite3_column_int64(st, 1);
		group = sqlite3_column_int64(st, 2);
		counted = sqlite3_column_int(st, 3) <= VIS_UNLISTED;
	}
	sqlite3_reset(st);
	if (author == 0)
		return E_NOTFOUND;
	/* Someone else's post: only an instance admin (as the database says,
	 * not as the caller claims) may take it down. */
	if (author != actor && !user_is_admin(db, actor)) {
		*cause = xstrdup(N_("Only the author (or an admin) can delete "
		    "a post"));
		return E_FORBIDDEN;
	}
	if (db_begin(db) != 0)
		return E_INTERNAL;
	a = arena_new();
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_POST_DELETED;
	ev.id = id;
	ev.actor = author;
	ev.to = &audience;
	if ((ev.everyone = post_audience(db, a, id, &audience)) < 0)
		goto fail;
	events_emit(db, &ev);
	if (post_delete_boosts(db, a, id) != 0 ||
	    media_delete_post(db, id) != 0)
		goto fail;
	/* A boost taken back no longer counts on the post it shared. */
	if (DB_RUN(db, "UPDATE posts SET reblogs_count = max(reblogs_count "
	    "- 1, 0) WHERE id = (SELECT reblog_of_id FROM posts WHERE id = ?)",
	    SQL_I(id)) < 0 || conversation_post_gone(db, a, id, 0) != 0)
		goto fail;
	st = db_prepare(db, "DELETE FROM posts WHERE id = ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	epoch_touch_all(db);	/* its notifications went with it */
	if (db_bump(db, "UPDATE users SET statuses_count = max(statuses_count + "
	    "?, 0) WHERE id = ?", author, -post_counted(db, group)) != 0 ||
	    (parent != 0 && counted && db_bump(db, "UPDATE posts SET "
	    "replies_count = "
	    "max(replies_count + ?, 0) WHERE id = ?", parent, -1) != 0) ||
	    (group != 0 && db_bump(db, "UPDATE groups SET posts_count = "
	    "max(posts_count + ?, 0) WHERE id = ?", group, -1) != 0))
		goto fail;
	rc = db_commit(db) == 0 ? E_OK : E_INTERNAL;
	arena_free(a);
	return rc;
fail:
	db_rollback(db);
	arena_free(a);
	return E_INTERNAL;
}

/* Copy a text column into the arena ("" for NULL). */
static const char *
col(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return arena_strdup(a, t ? (const char *)t : "");
}

/* Build a post from a row of POST_COLUMNS (and favourited at column 24). */
static struct post *
post_from_row(struct arena *a, sqlite3_stmt *st)
{
	struct post	*p = arena_alloc(a, sizeof *p);

	p->id = sqlite3_column_int64(st, 0);
	p->author_id = sqlite3_column_int64(st, 1);
	p->group_id = sqlite3_column_int64(st, 2);
	p->in_reply_to_id = sqlite3_column_int64(st, 3);
	p->in_reply_to_account_id = sqlite3_column_int64(st, 4);
	p->visibility = (enum visibility)sqlite3_column_int(st, 5);
	p->spoiler_text = col(a, st, 6);
	p->sensitive = sqlite3_column_int(st, 7);
	p->language = sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL :
	    col(a, st, 8);
	p->source = col(a, st, 9);
	p->content_html = col(a, st, 10);
	p->text = col(a, st, 11);
	p->mentions_json = col(a, st, 12);
	p->tags_json = col(a, st, 13);
	p->created_at = sqlite3_column_int64(st, 14);
	p->edited_at = sqlite3_column_int64(st, 15);
	p->replies_count = sqlite3_column_int64(st, 16);
	p->favourites_count = sqlite3_column_int64(st, 17);
	p->reblogs_count = sqlite3_column_int64(st, 18);
	p->outside_uri = sqlite3_column_type(st, 19) == SQLITE_NULL ? NULL :
	    col(a, st, 19);
	p->outside_url = sqlite3_column_type(st, 20) == SQLITE_NULL ? NULL :
	    col(a, st, 20);
	p->media_json = sqlite3_column_type(st, 21) == SQLITE_NULL ? NULL :
	    col(a, st, 21);
	p->reblog_of_id = sqlite3_column_int64(st, 22);
	p->reactions_version = sqlite3_column_int64(st, 23);
	p->favourited = sqlite3_column_int(st, 24);
	return p;
}

/* A post the viewer may read, or NULL (missing and hidden look the same). */
struct post *
post_get(struct db *db, struct arena *a, int64_t viewer, int64_t id)
{
	sqlite3_stmt	*st;
	struct post	*p = NULL;

	st = db_prepare(db, "SELECT " POST_COLUMNS ", EXISTS (SELECT 1 FROM "
	    "favourites f WHERE f.user_id = :viewer AND f.post_id = p.id), "
	    "EXISTS (SELECT 1 FROM bookmarks b WHERE b.user_id = :viewer AND "
	    "b.post_id = p.id), EXISTS (SELECT 1 FROM posts r WHERE "
	    "r.reblog_of_id = p.id AND r.author_id = :viewer), "
	    "EXISTS (SELECT 1 FROM status_pins sp WHERE sp.post_id = p.id AND "
	    "sp.user_id = :viewer) "
	    "FROM posts p WHERE p.id = :id AND " SQL_POST_VISIBLE("p"));
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
	access_bind_viewer(st, viewer);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p = post_from_row(a, st);
		p->bookmarked = sqlite3_column_int(st, 25);
		p->reblogged = sqlite3_column_int(st, 26);
		p->pinned = sqlite3_column_int(st, 27);
	}
	sqlite3_reset(st);
	return p;
}

/*
 * A post as stored, whoever asks, with whether its group is members-only
 * (*group_private), or NULL. For the modules' post_info: they decide who
 * sees what (the bridge shares only what the desk approved).
 */
struct post *
post_read(struct db *db, struct arena *a, int64_t id, int *group_private)
{
	sqlite3_stmt	*st;
	struct post	*p = NULL;

	st = db_prepare(db, "SELECT " POST_COLUMNS ", 0, COALESCE((SELECT "
	    "g.visibility FROM groups g WHERE g.id = p.group_id), 0) FROM "
	    "posts p WHERE p.id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		p = post_from_row(a, st);
		*group_private = sqlite3_column_int(st,
		    sqlite3_column_count(st) - 1) == NUM_GROUP_PRIVATE;
	}
	sqlite3_reset(st);
	return p;
}

/*
 * For each of ids the viewer may read, in the same order, just what can
 * change about the post and its author (for checking cached entities): one
 * statement for the whole list, driven by the list itself (an IN list
 * would build a temporary table each time). Posts that are gone or hidden
 * are left out. Rows read from a read transaction's snapshot are
 * remembered (peek.c), and only the posts not remembered are asked.
 */
int
post_peek(struct db *db, struct arena *a, int64_t viewer,
    const struct idlist *ids, struct peek **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct peek	*found, *pk, *got;
	char		*list, *w;
	char		*hit;
	uint64_t	 stamp = db_read_stamp(db);
	int64_t		 now = time(NULL);
	size_t		 i, j, k, nfound = 0, nmiss = 0;
	int		 memo;

	*n = 0;
	*out = arena_alloc(a, (ids->n ? ids->n : 1) * sizeof **out);
	if (ids->n == 0)
		return 0;
	got = arena_alloc(a, ids->n * sizeof *got);
	hit = arena_alloc(a, ids->n);
	found = arena_alloc(a, ids->n * sizeof *found);
	list = w = arena_alloc(a, ids->n * 21 + 3);
	*w++ = '[';
	memo = db_memo_ok(db);
	if (memo)
		peek_cache_prefetch(viewer, ids->ids, ids->n);
	for (i = 0; i < ids->n; i++) {
		if (memo && peek_recent_get(viewer, ids->ids[i], stamp, now,
		    &got[i])) {
			hit[i] = 2;	/* already in this thread's last reads */
			continue;
		}
		if ((hit[i] = (char)(memo &&
		    peek_cache_get(viewer, ids->ids[i], now, &got[i]))))
			continue;
		if (nmiss++ > 0)
			*w++ = ',';
		w += dec_format(w, ids->ids[i]);
	}
	*w++ = ']';
	*w = '\0';
	if (nmiss > 0) {
		st = db_prepare(db, "SELECT p.id, p.author_id, "
		    "coalesce(p.edited_at, 0), p.replies_count, "
		    "p.favourites_count, EXISTS (SELECT 1 FROM favourites f "
		    "WHERE f.user_id = :viewer AND f.post_id = p.id), "
		    "u.version, u.followers_count, u.following_count, "
		    "u.statuses_count, coalesce(u.last_status_at, 0), "
		    "p.created_at, p.reblogs_count, "
		    "coalesce(p.reblog_of_id, 0), p.reactions_version, "
		    "EXISTS (SELECT 1 FROM bookmarks b WHERE b.user_id = "
		    ":viewer AND b.post_id = p.id), EXISTS (SELECT 1 FROM "
		    "posts r WHERE r.reblog_of_id = p.id AND r.author_id = "
		    ":viewer), (SELECT group_concat(x.emoji, ' ') FROM "
		    "reactions x WHERE x.post_id = p.id AND x.user_id = "
		    ":viewer), EXISTS (SELECT 1 FROM status_pins sp WHERE "
		    "sp.post_id = p.id AND sp.user_id = :viewer), CASE WHEN "
		    "p.replies_hidden = 0 THEN p.replies_count ELSE (SELECT "
		    "count(*) FROM posts r WHERE r.in_reply_to_id = p.id AND "
		    SQL_POST_ROW_VISIBLE("r") ") END, EXISTS (SELECT 1 FROM "
		    "polls pl WHERE pl.post_id = p.id), p.visibility = "
		    SQL_VIS_DIRECT " AND p.group_id IS NULL FROM "
		    "json_each(:ids) j CROSS JOIN posts p ON p.id = j.value JOIN "
		    "users u ON u.id = p.author_id WHERE " SQL_POST_VISIBLE("p"));
		if (st == NULL)
			return -1;
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":ids"),
		    list, -1, SQLITE_STATIC);
		access_bind_viewer(st, viewer);
		while (nfound < nmiss && sqlite3_step(st) == SQLITE_ROW) {
			pk = &found[nfound++];
			pk->id = sqlite3_column_int64(st, 0);
			pk->author_id = sqlite3_column_int64(st, 1);
			pk->edited_at = sqlite3_column_int64(st, 2);
			pk->replies_count = sqlite3_column_int64(st, 3);
			pk->favourites_count = sqlite3_column_int64(st, 4);
			pk->favourited = sqlite3_column_int(st, 5);
			pk->author_tag = user_tag(sqlite3_column_int64(st, 6),
			    sqlite3_column_int64(st, 7),
			    sqlite3_column_int64(st, 8),
			    sqlite3_column_int64(st, 9),
			    sqlite3_column_int64(st, 10));
			pk->created_at = sqlite3_column_int64(st, 11);
			pk->reblogs_count = sqlite3_column_int64(st, 12);
			pk->reblog_of_id = sqlite3_column_int64(st, 13);
			pk->reactions_version = sqlite3_column_int64(st, 14);
			pk->bookmarked = sqlite3_column_int(st, 15);
			pk->reblogged = sqlite3_column_int(st, 16);
			pk->my_reactions = reaction_mask((const char *)
			    sqlite3_column_text(st, 17));
			pk->pinned = sqlite3_column_int(st, 18);
			pk->replies_seen = sqlite3_column_int64(st, 19);
			pk->has_poll = sqlite3_column_int(st, 20);
			pk->direct = sqlite3_column_int(st, 21);
			peek_cache_put(viewer, pk, stamp, now);
		}
		sqlite3_reset(st);
	}
	/* json_each yields the misses in order, so their rows come in
	 * order: one walk merges them with what was remembered. */
	for (i = 0, k = 0; i < ids->n; i++) {
		if (hit[i])
			pk = &got[i];
		else if (k < nfound && found[k].id == ids->ids[i])
			pk = &found[k++];
		else
			continue;	/* gone, or not the viewer's to read */
		if (hit[i] != 2 && memo)
			peek_recent_put(viewer, pk, stamp, now);
		for (j = 0; j < *n; j++) {
			if ((*out)[j].id == pk->id)
				break;
		}
		if (j == *n)
			(*out)[(*n)++] = *pk;
	}
	return 0;
}

/*
 * A post's thread as the viewer may see it: ancestors oldest first, and
 * descendants depth-first (each reply after its parent), at most
 * CONTEXT_MAX of each. E_NOTFOUND if the post itself is not visible.
 */
int
post_context(struct db *db, struct arena *a, int64_t viewer, int64_t id,
    struct idlist *ancestors, struct idlist *descendants)
{
	sqlite3_stmt	*st;

	if (!access_post_visible(db, viewer, id))
		return E_NOTFOUND;
	st = db_prepare(db, "WITH RECURSIVE up(id, parent, depth) AS ("
	    "SELECT id, in_reply_to_id, 0 FROM posts WHERE id = :id "
	    "UNION ALL SELECT p.id, p.in_reply_to_id, up.depth + 1 FROM posts p "
	    "JOIN up ON p.id = up.parent WHERE up.depth < 500) "
	    "SELECT p.id FROM up JOIN posts p ON p.id = up.id WHERE "
	    "up.depth > 0 AND " SQL_POST_VISIBLE("p") " ORDER BY up.depth DESC");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
	access_bind_viewer(st, viewer);
	if (idlist_from_stmt(a, st, ancestors, NULL) != 0)
		return E_INTERNAL;
	/* Depth first and bounded: the queue is taken in path order (ORDER
	 * BY in the recursion), and it stops after CONTEXT_WALK rows, so a
	 * post with 20,000 replies from outside costs what one with a few
	 * thousand does. */
	st = db_prepare(db, "WITH RECURSIVE down(id, path, n) AS ("
	    "SELECT id, printf('%020d', id), 0 FROM posts WHERE id = :id "
	    "UNION ALL SELECT p.id, down.path || '/' || printf('%020d', p.id), "
	    "down.n + 1 FROM posts p JOIN down ON p.in_reply_to_id = down.id "
	    "WHERE down.n < 200 ORDER BY 2 LIMIT " CONTEXT_WALK ") "
	    "SELECT p.id FROM down JOIN posts p ON p.id = down.id WHERE "
	    "down.n > 0 AND " SQL_POST_VISIBLE("p") " ORDER BY down.path "
	    "LIMIT 500");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
	access_bind_viewer(st, viewer);
	if (idlist_from_stmt(a, st, descendants, NULL) != 0)
		return E_INTERNAL;
	return E_OK;
}

/*
 * A post's versions, oldest first, the current one last (Mastodon's
 * StatusEdit list). Each is a struct post holding that version's source,
 * HTML, spoiler and time. E_NOTFOUND if not visible.
 */
int
post_history(struct db *db, struct arena *a, int64_t viewer, int64_t id,
    struct post **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct post	*cur, *v;
	size_t		 cap = 8;

	if ((cur = post_get(db, a, viewer, id)) == NULL)
		return E_NOTFOUND;
	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	st = db_prepare(db, "SELECT source, content_html, spoiler_text, "
	    "sensitive, created_at, media_json FROM post_edits WHERE "
	    "post_id = ? ORDER BY id");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n + 1 == cap) {
			v = arena_alloc(a, cap * 2 * sizeof *v);
			memcpy(v, *out, *n * sizeof *v);
			*out = v;
			cap *= 2;
		}
		v = &(*out)[(*n)++];
		*v = *cur;
		v->source = col(a, st, 0);
		v->content_html = col(a, st, 1);
		v->spoiler_text = col(a, st, 2);
		v->sensitive = sqlite3_column_int(st, 3);
		v->created_at = sqlite3_column_int64(st, 4);
		v->media_json = sqlite3_column_type(st, 5) == SQLITE_NULL ?
		    NULL : col(a, st, 5);
	}
	sqlite3_reset(st);
	(*out)[(*n)++] = *cur;
	if (cur->edited_at)
		(*out)[*n - 1].created_at = cur->edited_at;
	return E_OK;
}

/* Favourite a post the person may read; favouriting twice is no error. */
int
favourite_add(struct db *db, int64_t user, int64_t post)
{
	return favourite_add_quiet(db, user, post, 0);
}

/* The same, telling the author only unless quiet (a silenced server). */
int
favourite_add_quiet(struct db *db, int64_t user, int64_t post, int quiet)
{
	sqlite3_stmt	*st;
	int64_t		 author = 0;
	int		 rc;

	if (!access_post_visible(db, user, post))
		return E_NOTFOUND;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((rc = DB_RUN(db, "INSERT OR IGNORE INTO favourites (user_id, "
	    "post_id, created_at) VALUES (?, ?, ?)", SQL_I(user), SQL_I(post),
	    SQL_I(time(NULL)))) < 0)
		goto fail;
	if (rc == 1) {
		if (db_bump(db, "UPDATE posts SET favourites_count = "
		    "favourites_count + ? WHERE id = ?", post, 1) != 0)
			goto fail;
		st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ?");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, post);
		if (sqlite3_step(st) == SQLITE_ROW)
			author = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!quiet && notify_add(db, author, "favourite", user, post,
		    0) != 0)
			goto fail;
	}
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Take a favourite back; E_NOTFOUND if the post is not visible. */
int
favourite_remove(struct db *db, int64_t user, int64_t post)
{
	int	rc;

	if (!access_post_visible(db, user, post))
		return E_NOTFOUND;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if ((rc = DB_RUN(db, "DELETE FROM favourites WHERE user_id = ? AND "
	    "post_id = ?", SQL_I(user), SQL_I(post))) < 0)
		goto fail;
	if (rc == 1 && db_bump(db, "UPDATE posts SET favourites_count "
	    "= max(favourites_count + ?, 0) WHERE id = ?", post, -1) != 0)
		goto fail;
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return E_INTERNAL;
}

/* Who favourited a post, newest first (user ids; favourite ids as cursors). */
int
favourite_list(struct db *db, struct arena *a, int64_t viewer, int64_t post,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT f.user_id, f.id "
	    "FROM favourites f JOIN users u ON u.id = f.user_id AND "
	    "u.disabled = 0 WHERE f.post_id = :post AND ", "f.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":post", post) };

	if (!access_post_visible(db, viewer, post))
		return E_NOTFOUND;
	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}

/* Posts a person favourited that they may still read, newest favourite
 * first (post ids; favourite ids as cursors). */
int
favourite_mine(struct db *db, struct arena *a, int64_t user,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT f.post_id, f.id "
	    "FROM favourites f JOIN posts p ON p.id = f.post_id WHERE "
	    "f.user_id = :viewer AND " SQL_POST_VISIBLE("p") " AND ", "f.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", user) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}

/*
 * Check a draft and render its Markdown (mentions resolved against the
 * people who exist), wherever it came from: the web's forms or the API's
 * parameters fill the draft, and this and the commands below do the rest
 * the same way for both. 0, or an HTTP status with *msg.
 */
int
post_prepare(struct db *db, struct post_draft *d, const char *base_url,
    const char **msg)
{
	struct mention_ctx	 resolve = { db, d->arena };
	char			*cause = NULL;
	int			 rc;

	if ((rc = post_check(d)) != E_OK) {
		*msg = arena_strdup(d->arena, d->cause);
		return rc;
	}
	if (markdown_render(d->arena, d->source, strlen(d->source), base_url,
	    post_mention_resolve, &resolve, &d->md, &cause) != 0) {
		*msg = arena_printf(d->arena, "Validation failed: %s", cause);
		free(cause);
		return E_INVALID;
	}
	return 0;
}

/* Run fn on a prepared draft; its refusal's cause is the draft's. */
static int
draft_cmd(int (*fn)(struct db *, void *), struct db *db, void *arg,
    char **cause)
{
	struct post_draft	*d = arg;
	int			 rc = fn(db, d);

	if (rc != E_OK)
		*cause = xstrdup(d->cause);
	return rc;
}

/* Command: write a prepared draft as a new post (on the writer). */
int
post_create_cmd(struct db *db, void *arg, char **cause)
{
	return draft_cmd(post_create, db, arg, cause);
}

/* Command: edit the post d->edit_id with a prepared draft. */
int
post_edit_cmd(struct db *db, void *arg, char **cause)
{
	return draft_cmd(post_edit, db, arg, cause);
}

/* Command: delete a post (its author may, and an admin). */
int
post_delete_cmd(struct db *db, void *arg, char **cause)
{
	struct post_removal	*pr = arg;

	return post_delete(db, pr->actor, pr->id, cause);
}

/* The post a boost shares, or the post itself: reacting to, favouriting
 * or bookmarking a boost is to its original, as on Mastodon. */
int64_t
post_target(struct db *db, int64_t id)
{
	sqlite3_stmt	*st;
	int64_t		 to = id;

	if ((st = db_prepare(db, "SELECT reblog_of_id FROM posts WHERE id = ? "
	    "AND reblog_of_id IS NOT NULL")) == NULL)
		return id;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		to = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return to;
}

/* Command: favourite (add) or unfavourite a post. */
int
favourite_set(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;

	int64_t		 id = post_target(db, t->id);

	(void)cause;
	return t->add ? favourite_add(db, t->actor, id) :
	    favourite_remove(db, t->actor, id);
}
