/*
 * Unit tests for push.c's delivery queue against a temporary database: a
 * delivery's outcome is recorded on the row it was read from and no other.
 * SQLite gives a deleted row's id to the next row (the table has no
 * AUTOINCREMENT), so a subscription replaced while its push was on the
 * wire leaves the next delivery with the same id; recording the first
 * one's outcome by id alone deleted the second, and that push was lost
 * (test_push's standard_flag, under the load of a CI run).
 *
 * Every case opens its own database: CASE=reused-id ./tests/unit/test-push.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

/* A session of user's (a push subscription belongs to one). */
static int64_t
session(struct db *db, int64_t user, const char *hash)
{
	util_intf(db, "INSERT INTO sessions (user_id, token_hash, created_at, "
	    "last_seen_at) VALUES (%lld, '%s', 1, 1)", (long long)user, hash);
	return util_int(db, "SELECT max(id) FROM sessions");
}

/* A subscription of session s to endpoint; its id. */
static int64_t
subscribe(struct db *db, int64_t user, int64_t s, const char *endpoint)
{
	util_intf(db, "INSERT INTO push_subscriptions (user_id, session_id, "
	    "endpoint, p256dh, auth, created_at) VALUES (%lld, %lld, '%s', "
	    "'k', 'a', 1)", (long long)user, (long long)s, endpoint);
	return util_int(db, "SELECT max(id) FROM push_subscriptions");
}

/* A notification of user's and its delivery to subscription sub. */
static int64_t
deliver(struct db *db, int64_t user, int64_t sub)
{
	int64_t	n;

	util_intf(db, "INSERT INTO notifications (user_id, type, from_id, "
	    "created_at) VALUES (%lld, 'mention', %lld, 1)", (long long)user,
	    (long long)user);
	n = util_int(db, "SELECT max(id) FROM notifications");
	util_intf(db, "INSERT INTO push_deliveries (subscription_id, "
	    "notification_id, next_at, created_at) VALUES (%lld, %lld, 0, 1)",
	    (long long)sub, (long long)n);
	return util_int(db, "SELECT max(id) FROM push_deliveries");
}

static void
case_reused_id(void)
{
	struct db		*db = util_db("push-reused-id.db");
	struct push_delivery	 old;
	int64_t			 u, s, sub1, sub2, d1, d2;

	u = util_user(db, "ann", ROLE_MEMBER);
	s = session(db, u, "h1");
	sub1 = subscribe(db, u, s, "https://push.example/one");
	d1 = deliver(db, u, sub1);
	memset(&old, 0, sizeof old);
	old.id = d1;
	old.subscription_id = sub1;
	old.notification_id = util_int(db, "SELECT max(id) FROM notifications");
	old.endpoint = "https://push.example/one";
	/* While d1 is on the wire the person subscribes anew (the old
	 * subscription and its queue go) and is notified again. */
	util_intf(db, "DELETE FROM push_subscriptions WHERE id = %lld",
	    (long long)sub1);
	sub2 = subscribe(db, u, s, "https://push.example/two");
	d2 = deliver(db, u, sub2);
	is_int(d2, d1, "SQLite gives the new delivery the old one's id");
	is_int(sub2, sub1, "... and the new subscription the old one's");
	is_int(push_delivered(db, &old), 0, "the first push is recorded sent");
	is_int(util_int(db, "SELECT count(*) FROM push_deliveries"), 1,
	    "... and the new delivery is still queued");
	is_int(push_retry(db, &old, 99, "later"), 0, "a retry of the first");
	is_int(util_int(db, "SELECT attempts FROM push_deliveries"), 0,
	    "... leaves the new delivery as it was");
	is_int(push_gone(db, &old), 0, "the first endpoint is gone");
	is_int(util_int(db, "SELECT count(*) FROM push_subscriptions"), 1,
	    "... and the new subscription stays");
	old.subscription_id = sub2;
	old.notification_id = util_int(db, "SELECT max(id) FROM notifications");
	old.endpoint = "https://push.example/two";
	is_int(push_delivered(db, &old), 0, "the new push is recorded sent");
	is_int(util_int(db, "SELECT count(*) FROM push_deliveries"), 0,
	    "... and its row goes");
	db_close(db);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);
	util_tmpdir();
	if (tap_case("reused-id"))
		case_reused_id();
	return done_testing();
}
