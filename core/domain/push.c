/*
 * push.c: Web Push subscriptions and their delivery queue (docs/api.md,
 * "Push"). A subscription belongs to one access token, as Mastodon's do
 * (or to one browser session, for the web UI), says which kinds of
 * notification it wants (alerts) and from whom (policy). A notification
 * queues one delivery per subscription that wants it, in the transaction
 * that makes it, so none is lost to a crash; push-jobs.c sends them and
 * records here what came of each: sent, tried again later, or given up.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* Mastodon's alert names, in bit order (push_subscriptions.alerts). */
const char *const push_alert_names[PUSH_NALERTS] = {
	"mention", "status", "reblog", "follow", "follow_request",
	"favourite", "poll", "update", "admin.sign_up", "admin.report",
	"quote", "quoted_update",
};

/* The alert bit of a notification type; 0 for types never pushed. */
int
push_alert_bit(const char *type)
{
	int	i;

	for (i = 0; i < PUSH_NALERTS; i++) {
		if (strcmp(type, push_alert_names[i]) == 0)
			return 1 << i;
	}
	return 0;
}

/* Whether a policy is one Mastodon knows. */
int
push_policy_ok(const char *policy)
{
	return strcmp(policy, "all") == 0 || strcmp(policy, "followed") == 0 ||
	    strcmp(policy, "follower") == 0 || strcmp(policy, "none") == 0;
}

/*
 * Subscribe for an owner (a token, or else a session), replacing what it
 * had: Mastodon keeps one subscription per token. 0 and *id, or -1.
 */
int
push_subscribe(struct db *db, const struct push_sub *s, int64_t *id)
{
	if (DB_RUN(db, "DELETE FROM push_subscriptions WHERE token_id = ? OR "
	    "session_id = ?", SQL_ID(s->token_id), SQL_ID(s->session_id)) < 0)
		return -1;
	if (db_run(db, "INSERT INTO push_subscriptions (user_id, token_id, "
	    "session_id, endpoint, p256dh, auth, standard, alerts, policy, "
	    "access_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)", (const struct sqlarg[]){ SQL_I(s->user_id),
	    SQL_ID(s->token_id), SQL_ID(s->session_id), SQL_T(s->endpoint),
	    SQL_T(s->p256dh), SQL_T(s->auth), SQL_I(s->standard),
	    SQL_I(s->alerts), SQL_T(s->policy), SQL_T(s->access_token),
	    SQL_I(time(NULL)) }, 11) < 0)
		return -1;
	*id = db_last_id(db);
	return 0;
}

/*
 * The subscription of an owner (a token, or else a session): 0 and *s
 * (strings in a), 1 if it has none, -1 on error.
 */
int
push_get(struct db *db, struct arena *a, int64_t token, int64_t session,
    struct push_sub *s)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(s, 0, sizeof *s);
	st = db_prepare(db, "SELECT id, user_id, endpoint, standard, alerts, "
	    "policy, p256dh, auth FROM push_subscriptions WHERE token_id = ? "
	    "OR session_id = ?");
	if (st == NULL)
		return -1;
	if (token != 0)
		sqlite3_bind_int64(st, 1, token);
	if (session != 0)
		sqlite3_bind_int64(st, 2, session);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->id = sqlite3_column_int64(st, 0);
		s->user_id = sqlite3_column_int64(st, 1);
		s->endpoint = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 2));
		s->standard = sqlite3_column_int(st, 3);
		s->alerts = sqlite3_column_int(st, 4);
		s->policy = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 5));
		s->p256dh = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 6));
		s->auth = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 7));
		s->token_id = token;
		s->session_id = session;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Change an owner's alerts and policy: 0, 1 if it has no subscription, or
 * -1. */
int
push_update(struct db *db, int64_t token, int64_t session, int alerts,
    const char *policy)
{
	int	n;

	n = DB_RUN(db, "UPDATE push_subscriptions SET alerts = ?, policy = ? "
	    "WHERE token_id = ? OR session_id = ?", SQL_I(alerts),
	    SQL_T(policy), SQL_ID(token), SQL_ID(session));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

/* Remove an owner's subscription (and its queue): 0 or -1. */
int
push_unsubscribe(struct db *db, int64_t token, int64_t session)
{
	return DB_RUN(db, "DELETE FROM push_subscriptions WHERE token_id = ? "
	    "OR session_id = ?", SQL_ID(token), SQL_ID(session)) < 0 ? -1 : 0;
}

/*
 * Queue a notification (just made, in the caller's transaction) for the
 * recipient's subscriptions whose alerts take its type and whose policy
 * takes its sender: followed, someone the recipient follows; follower,
 * someone who follows the recipient. A disabled person's devices hear
 * nothing. 0 or -1.
 */
int
push_enqueue(struct db *db, int64_t notification, int64_t user,
    const char *type, int64_t from)
{
	int	bit = push_alert_bit(type);
	int64_t	now = time(NULL);

	if (bit == 0)
		return 0;
	return DB_RUN(db, "INSERT INTO push_deliveries (subscription_id, "
	    "notification_id, next_at, created_at) SELECT s.id, ?, ?, ? FROM "
	    "push_subscriptions s JOIN users u ON u.id = s.user_id WHERE "
	    "s.user_id = ? AND u.disabled = 0 AND (s.alerts & ?) != 0 "
	    "AND (s.policy = 'all' OR (s.policy = 'followed' AND EXISTS "
	    "(SELECT 1 FROM follows f WHERE f.follower_id = s.user_id AND "
	    "f.followee_id = ?)) OR (s.policy = 'follower' AND EXISTS "
	    "(SELECT 1 FROM follows f WHERE f.follower_id = ? AND "
	    "f.followee_id = s.user_id)))", SQL_I(notification), SQL_I(now),
	    SQL_I(now), SQL_I(user), SQL_I(bit), SQL_I(from),
	    SQL_I(from)) < 0 ? -1 : 0;
}

/*
 * Deliveries due by now, oldest first, at most max of them and none of
 * the ids in busy (being sent): what each needs to be sent, in a. The
 * count, or -1.
 */
int
push_due(struct db *db, struct arena *a, int64_t now, const int64_t *busy,
    size_t nbusy, struct push_delivery *out, int max)
{
	sqlite3_stmt		*st;
	struct push_delivery	*d;
	const char		*text;
	size_t			 i;
	int			 n = 0, rc, skip;

	st = db_prepare(db, "SELECT d.id, d.subscription_id, "
	    "d.notification_id, d.attempts, d.created_at, s.endpoint, "
	    "s.p256dh, s.auth, coalesce(s.access_token, ''), n.type, "
	    "u.id, u.username, u.display_name, coalesce(u.avatar_file, ''), "
	    "u.origin IS NOT NULL, coalesce(p.spoiler_text, ''), "
	    "coalesce(p.source, ''), coalesce(n.post_id, 0), s.standard "
	    "FROM push_deliveries d JOIN push_subscriptions s ON "
	    "s.id = d.subscription_id JOIN notifications n ON "
	    "n.id = d.notification_id JOIN users u ON u.id = n.from_id "
	    "LEFT JOIN posts p ON p.id = n.post_id WHERE d.next_at <= ? "
	    "ORDER BY d.next_at, d.id LIMIT ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max + (int)nbusy);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		skip = 0;
		for (i = 0; i < nbusy; i++)
			skip |= busy[i] == sqlite3_column_int64(st, 0);
		if (skip)
			continue;
		d = &out[n++];
		memset(d, 0, sizeof *d);
		d->id = sqlite3_column_int64(st, 0);
		d->subscription_id = sqlite3_column_int64(st, 1);
		d->notification_id = sqlite3_column_int64(st, 2);
		d->attempts = sqlite3_column_int(st, 3);
		d->created_at = sqlite3_column_int64(st, 4);
#define COL(k) arena_strdup(a, (text = (const char *)sqlite3_column_text(st, \
    (k))) != NULL ? text : "")
		d->endpoint = COL(5);
		d->p256dh = COL(6);
		d->auth = COL(7);
		d->access_token = COL(8);
		d->type = COL(9);
		d->from_id = sqlite3_column_int64(st, 10);
		d->from_username = COL(11);
		d->from_name = COL(12);
		d->from_avatar = COL(13);
		d->from_outside = sqlite3_column_int(st, 14);
		d->spoiler = COL(15);
		d->text = COL(16);
		d->post_id = sqlite3_column_int64(st, 17);
		d->standard = sqlite3_column_int(st, 18);
#undef COL
	}
	sqlite3_reset(st);
	return n;
}

/*
 * The rows below are named by their ids and what they hold: a row deleted
 * while its push was on the wire (the subscription replaced, say) may
 * give its id to a new row, which must not be taken for it.
 */

/* A delivery was accepted by its push service: it is done. 0 or -1. */
int
push_delivered(struct db *db, const struct push_delivery *d)
{
	return DB_RUN(db, "DELETE FROM push_deliveries WHERE id = ? AND "
	    "subscription_id = ? AND notification_id = ?", SQL_I(d->id),
	    SQL_I(d->subscription_id), SQL_I(d->notification_id)) < 0 ? -1 : 0;
}

/* A delivery failed for now: try again at next_at, saying why. 0 or -1. */
int
push_retry(struct db *db, const struct push_delivery *d, int64_t next_at,
    const char *why)
{
	return DB_RUN(db, "UPDATE push_deliveries SET attempts = attempts + 1, "
	    "next_at = ?, last_error = ? WHERE id = ? AND subscription_id = ? "
	    "AND notification_id = ?", SQL_I(next_at), SQL_T(why),
	    SQL_I(d->id), SQL_I(d->subscription_id),
	    SQL_I(d->notification_id)) < 0 ? -1 : 0;
}

/*
 * The push service says the subscription is gone (404 or 410, RFC 8030
 * section 7.3): remove it and its queue. 0 or -1.
 */
int
push_gone(struct db *db, const struct push_delivery *d)
{
	return DB_RUN(db, "DELETE FROM push_subscriptions WHERE id = ? AND "
	    "endpoint = ?", SQL_I(d->subscription_id), SQL_T(d->endpoint)) < 0 ?
	    -1 : 0;
}
