/*
 * notify.c: notifications (mention, favourite, follow, and hearth's
 * "added_to_group") and Mastodon's read markers. A person is never notified
 * of their own actions, and the unread count is what lies past the
 * notifications marker.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

/* Record a notification; the caller holds the transaction. */
static int
notify_insert(struct db *db, int64_t user, const char *type, int64_t from,
    int64_t post, int64_t group, const char *emoji)
{
	struct event	 ev;

	if (DB_RUN(db, "INSERT INTO notifications (user_id, type, from_id, "
	    "post_id, group_id, created_at, emoji) VALUES (?, ?, ?, ?, ?, ?, "
	    "?)", SQL_I(user), SQL_T(type), SQL_I(from), SQL_ID(post),
	    SQL_ID(group), SQL_I(time(NULL)), SQL_T(emoji)) < 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_NOTIFICATION;
	ev.id = db_last_id(db);
	if (push_enqueue(db, ev.id, user, type, from) != 0)
		return -1;
	ev.actor = from;
	ev.subject = user;
	events_emit(db, &ev);
	epoch_touch(db, user);
	return 0;
}

/* Record a notification for user, with the emoji of a reaction (or
 * NULL); the caller holds the transaction. A person is not told of what
 * they did themselves, nor of anything in a thread they muted. */
int
notify_add_emoji(struct db *db, int64_t user, const char *type, int64_t from,
    int64_t post, int64_t group, const char *emoji)
{
	if (user == from)
		return 0;
	/* nothing from a thread the person muted, on the web or by push */
	if (post != 0 && thread_muted(db, user, post))
		return 0;
	/* Not from someone muted with their notifications, nor across a
	 * block (mute.c); a moderator's word always arrives. */
	if (strncmp(type, "moderation", 10) != 0 &&
	    strncmp(type, "hearth.report", 13) != 0 &&
	    mute_silences(db, user, from))
		return 0;
	return notify_insert(db, user, type, from, post, group, emoji);
}

/* Record a notification for user; the caller holds the transaction. */
int
notify_add(struct db *db, int64_t user, const char *type, int64_t from,
    int64_t post, int64_t group)
{
	return notify_add_emoji(db, user, type, from, post, group, NULL);
}

/* Record a notification about the person's own post, from themselves
 * (their poll has ended, as Mastodon tells a poll's author). */
int
notify_add_own(struct db *db, int64_t user, const char *type, int64_t post)
{
	return notify_insert(db, user, type, user, post, 0, NULL);
}

/*
 * Words for the notification types modules add ("bridge.approved":
 * "approved your post for the outside"), registered as modules load,
 * before any loop runs; read without a lock after that.
 */
#define NOTIFY_LABELS_MAX	32
static struct {
	char	*type;
	char	*label;
} notify_labels[NOTIFY_LABELS_MAX];
static size_t	notify_nlabels;

/* Register the words for a type; -1 if the table is full. */
int
notify_label_add(const char *type, const char *label)
{
	if (notify_nlabels == NOTIFY_LABELS_MAX)
		return -1;
	notify_labels[notify_nlabels].type = xstrdup(type);
	notify_labels[notify_nlabels].label = xstrdup(label);
	notify_nlabels++;
	return 0;
}

/* The words registered for a type, or NULL. */
const char *
notify_label(const char *type)
{
	size_t	i;

	for (i = 0; i < notify_nlabels; i++) {
		if (strcmp(notify_labels[i].type, type) == 0)
			return notify_labels[i].label;
	}
	return NULL;
}

/* The i-th registered type and its words; -1 past the last. */
int
notify_label_at(size_t i, const char **type, const char **label)
{
	if (i >= notify_nlabels)
		return -1;
	*type = notify_labels[i].type;
	*label = notify_labels[i].label;
	return 0;
}

/* Whether type is in a list (an empty list matches everything). */
static int
type_in(const char *type, const char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(type, list[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * A page of a person's notifications, newest first, as notification ids.
 * types (if any) keeps only those; exclude drops those. Notifications about
 * posts the person can no longer read (the post is now in a group they left,
 * say) are skipped, so none ever reveals a post.
 */
int
notify_list(struct db *db, struct arena *a, int64_t user, const struct page *p,
    const char **types, size_t ntypes, const char **exclude, size_t nexclude,
    struct idlist *out)
{
	static const char *const sql[2] = PAGE_SQL("SELECT n.id, n.type FROM "
	    "notifications n LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN "
	    "groups g ON g.id = n.group_id WHERE n.user_id = :viewer AND "
	    "(n.post_id IS NULL OR " SQL_POST_VISIBLE("p") ") AND "
	    "(n.group_id IS NULL OR " SQL_GROUP_READABLE("g") ") AND "
	    /* Nor from people muted with notifications or blocked (mute.c). */
	    "NOT EXISTS (SELECT 1 FROM mutes m WHERE m.user_id = :viewer AND "
	    "m.target_id = n.from_id AND m.notifications = 1 AND (m.expires_at "
	    "IS NULL OR m.expires_at > CAST(strftime('%s', 'now') AS INTEGER))) AND NOT EXISTS (SELECT 1 "
	    "FROM blocks b WHERE b.user_id = :viewer AND b.target_id = "
	    "n.from_id) AND ", "n.id");
	sqlite3_stmt	*st;
	struct page	 q = *p;
	const char	*type;
	int		 rc, want = p->limit, got;

	/* Type filters are applied here, so read in chunks until the page
	 * is full or the notifications run out. */
	for (;;) {
		st = db_prepare(db, sql[q.min_id > 0]);
		if (st == NULL)
			return -1;
		access_bind_viewer(st, user);
		q.limit = want * 2 + 10;
		page_bind(st, &q);
		got = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			got++;
			if (q.min_id > 0)
				q.min_id = sqlite3_column_int64(st, 0);
			else
				q.max_id = sqlite3_column_int64(st, 0);
			type = (const char *)sqlite3_column_text(st, 1);
			if ((ntypes > 0 && !type_in(type, types, ntypes)) ||
			    type_in(type, exclude, nexclude))
				continue;
			if ((int)out->n < want)
				idlist_add(a, out, sqlite3_column_int64(st, 0));
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return -1;
		if ((int)out->n >= want || got < q.limit)
			break;
	}
	page_finish(a, p, out, NULL);
	return 0;
}

/* Dismiss one notification. */
int
notify_dismiss(struct db *db, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "DELETE FROM notifications WHERE id = ? AND "
	    "user_id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return E_INTERNAL;
	epoch_touch(db, user);
	return db_changes(db) ? E_OK : E_NOTFOUND;
}

/* Dismiss all of a person's notifications. */
int
notify_clear(struct db *db, int64_t user)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "DELETE FROM notifications WHERE user_id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	epoch_touch(db, user);
	return rc == SQLITE_DONE ? E_OK : E_INTERNAL;
}

/* The count, with the kinds the person turned off for the web left out
 * (prefs) or not (""). */
#define UNREAD_SQL(prefs) "SELECT count(*) FROM (SELECT 1 FROM " \
    "notifications n LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN " \
    "groups g ON g.id = n.group_id WHERE n.user_id = :viewer " \
    "AND n.id > coalesce((SELECT last_read_id FROM markers WHERE " \
    "user_id = :viewer AND timeline = 'notifications'), 0) AND " \
    "(n.post_id IS NULL OR " SQL_POST_VISIBLE("p") ") AND " \
    "(n.group_id IS NULL OR " SQL_GROUP_READABLE("g") ") AND " prefs \
    /* as notify_list: not from people muted or blocked */ \
    "NOT EXISTS (SELECT 1 FROM mutes m WHERE m.user_id = :viewer AND " \
    "m.target_id = n.from_id AND m.notifications = 1 AND (m.expires_at " \
    "IS NULL OR m.expires_at > CAST(strftime('%s', 'now') AS INTEGER))) " \
    "AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = :viewer " \
    "AND b.target_id = n.from_id) LIMIT :cap)"
#define UNREAD_WEB_OFF "NOT EXISTS (SELECT 1 FROM notification_prefs np " \
    "WHERE np.user_id = :viewer AND np.kind = n.type AND np.web = 0) AND "

/*
 * Notifications past the person's notifications marker, at most limit (1 to
 * NOTIFY_UNREAD_MAX). For the web (the badge) the kinds they turned off for
 * the web are left out (notify-prefs.c), so it counts only what the page
 * shows; the API counts every kind, as Mastodon's.
 *
 * What is remembered is the count up to NOTIFY_UNREAD_MEMO, where
 * Mastodon's unread_count stops by default and the badge shows "99+": each
 * note counted is a posts row read through the visibility rule, and every
 * page's first visit after a restart counts (a fifth of the loop in the
 * first second), so nothing is counted past what anyone reads.
 */
int64_t
notify_unread(struct db *db, int64_t user, int64_t limit, int web)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0, cap, version = epoch_person(user);
	int		 kind = web ? MEMO_UNREAD : MEMO_UNREAD_ALL, rc;

	if (limit < 1)
		limit = 1;
	if (limit > NOTIFY_UNREAD_MAX)
		limit = NOTIFY_UNREAD_MAX;
	/* Every page shows the count; it changes far less often (epoch.c).
	 * A remembered count below its cap is exact for any limit. */
	if (epoch_memo_get(kind, user, version, &n) &&
	    (n < NOTIFY_UNREAD_MEMO || limit <= NOTIFY_UNREAD_MEMO))
		return n < limit ? n : limit;
	cap = limit > NOTIFY_UNREAD_MEMO ? limit : NOTIFY_UNREAD_MEMO;
	st = db_prepare(db, web ? UNREAD_SQL(UNREAD_WEB_OFF) : UNREAD_SQL(""));
	if (st == NULL)
		return 0;
	access_bind_viewer(st, user);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":cap"), cap);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* a count that failed is not remembered: the next page asks again */
	if (rc == SQLITE_ROW && db_read_current(db))
		epoch_memo_put(kind, user, version,
		    n < NOTIFY_UNREAD_MEMO ? n : NOTIFY_UNREAD_MEMO);
	return n < limit ? n : limit;
}

/* Save where a person stopped reading a timeline ("home", "notifications"). */
int
marker_set(struct db *db, int64_t user, const char *timeline, int64_t last)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (strcmp(timeline, "home") != 0 &&
	    strcmp(timeline, "notifications") != 0)
		return E_INVALID;
	st = db_prepare(db, "INSERT INTO markers (user_id, timeline, "
	    "last_read_id, updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO "
	    "UPDATE SET last_read_id = ?3, updated_at = ?4, "
	    "version = version + 1");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, timeline, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, last);
	sqlite3_bind_int64(st, 4, time(NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	epoch_touch(db, user);
	return rc == SQLITE_DONE ? E_OK : E_INTERNAL;
}

/* A marker: last read id, version and update time; -1 if none is set. */
int
marker_get(struct db *db, int64_t user, const char *timeline, int64_t *last,
    int64_t *version, int64_t *updated)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	st = db_prepare(db, "SELECT last_read_id, version, updated_at FROM "
	    "markers WHERE user_id = ? AND timeline = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, timeline, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*last = sqlite3_column_int64(st, 0);
		*version = sqlite3_column_int64(st, 1);
		*updated = sqlite3_column_int64(st, 2);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}
