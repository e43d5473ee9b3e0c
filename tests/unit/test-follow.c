/*
 * Unit tests for follow.c against a temporary database, no server: follow_set
 * adding and removing, twice over, the counters on both people, the
 * relationship, the notification and EV_FOLLOWED (after the commit only),
 * who cannot be followed, and what a follow does to the follower's home.
 *
 * Every case opens its own database and listens afresh (open_db), so each
 * runs alone: CASE=self ./tests/unit/test-follow.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

#define LL(x)	((long long)(x))

/* A fresh database for a case, and a fresh event recorder. */
static struct db *
open_db(const char *name)
{
	char	file[64];

	snprintf(file, sizeof file, "follow-%s.db", name);
	util_listen();
	return util_db(file);
}

/* follow_set as the writer runs it; the E_ code, the cause in *cause. */
static int
follow(struct db *db, int64_t actor, int64_t id, int add, char **cause)
{
	struct toggle	t = { actor, id, add };

	return util_cmd(db, follow_set, &t, cause);
}

/* A person's counters in one number: followers * 100 + following. */
static long long
counts(struct db *db, int64_t id)
{
	return util_intf(db, "SELECT followers_count * 100 + following_count "
	    "FROM users WHERE id = %lld", LL(id));
}

/* Rows of follows. */
static long long
nfollows(struct db *db)
{
	return util_int(db, "SELECT count(*) FROM follows");
}

/* Follow notifications for a person. */
static long long
nfollowed(struct db *db, int64_t user)
{
	return util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id = %lld AND type = 'follow'", LL(user));
}

/* Following: the row, both counters, the relationship both ways, the
 * followed person told, and EV_FOLLOWED heard after the commit. */
static void
case_add(void)
{
	struct db		*db = open_db("add");
	struct toggle		 t;
	struct relationship	 rel;
	const struct util_event	*e;
	char			*cause = NULL;
	int64_t			 alice, bob;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	util_nevents = 0;

	t.actor = bob;
	t.id = alice;
	t.add = 1;
	ok(db_begin(db) == 0, "begin");
	is_int(follow_set(db, &t, &cause), E_OK, "bob follows alice");
	is_int(util_heard(EV_FOLLOWED), 0, "EV_FOLLOWED not before the commit");
	ok(db_commit(db) == 0, "commit");
	ok(cause == NULL, "no cause");
	is_int(util_intf(db, "SELECT count(*) FROM follows WHERE follower_id = "
	    "%lld AND followee_id = %lld", LL(bob), LL(alice)), 1, "the row");
	is_int(counts(db, alice), 100, "alice: one follower, follows none");
	is_int(counts(db, bob), 1, "bob: no follower, follows one");

	follow_relationship(db, bob, alice, &rel);
	ok(rel.following && !rel.followed_by, "bob follows alice, not back");
	follow_relationship(db, alice, bob, &rel);
	ok(!rel.following && rel.followed_by, "alice is followed by bob");

	is_int(nfollowed(db, alice), 1, "alice is told");
	is_int(util_intf(db, "SELECT from_id FROM notifications WHERE "
	    "user_id = %lld", LL(alice)), bob, "... that bob follows her");
	is_int(nfollowed(db, bob), 0, "bob is not");
	is_int(util_heard(EV_FOLLOWED), 1, "EV_FOLLOWED heard after it");
	e = util_last(EV_FOLLOWED);
	ok(e != NULL && e->ev.actor == bob && e->ev.subject == alice,
	    "... actor the follower, subject the followed");
	e = util_last(EV_NOTIFICATION);
	ok(e != NULL && e->ev.subject == alice && e->ev.actor == bob,
	    "EV_NOTIFICATION for alice");

	is_int(follow(db, alice, bob, 1, &cause), E_OK, "alice follows back");
	follow_relationship(db, alice, bob, &rel);
	ok(rel.following && rel.followed_by, "mutual");
	is_int(counts(db, alice), 101, "alice: one each way");
	is_int(counts(db, bob), 101, "bob: one each way");
	free(cause);
	db_close(db);
}

/* Following twice is no error and changes nothing: no second row, count,
 * notification or event. */
static void
case_idempotent(void)
{
	struct db	*db = open_db("idempotent");
	char		*cause = NULL;
	int64_t		 alice, bob;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	util_nevents = 0;
	is_int(follow(db, bob, alice, 1, &cause), E_OK, "follow");
	is_int(follow(db, bob, alice, 1, &cause), E_OK, "follow again: E_OK");
	is_int(nfollows(db), 1, "one row");
	is_int(counts(db, alice), 100, "one follower");
	is_int(counts(db, bob), 1, "following one");
	is_int(nfollowed(db, alice), 1, "told once");
	is_int(util_heard(EV_FOLLOWED), 1, "heard once");

	is_int(follow(db, bob, alice, 0, &cause), E_OK, "unfollow");
	is_int(follow(db, bob, alice, 0, &cause), E_OK,
	    "unfollow again: E_OK");
	is_int(counts(db, alice), 0, "no follower, not minus one");
	is_int(counts(db, bob), 0, "following none, not minus one");
	is_int(follow(db, alice, bob, 0, &cause), E_OK,
	    "unfollowing someone never followed: E_OK");
	is_int(counts(db, alice) + counts(db, bob), 0, "counts stay at zero");
	free(cause);
	db_close(db);
}

/* Unfollowing: the row and both counts go, the relationship says so. */
static void
case_remove(void)
{
	struct db		*db = open_db("remove");
	struct relationship	 rel;
	char			*cause = NULL;
	int64_t			 alice, bob, carol;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	is_int(follow(db, bob, alice, 1, &cause), E_OK, "bob follows alice");
	is_int(follow(db, carol, alice, 1, &cause), E_OK, "carol too");
	is_int(counts(db, alice), 200, "two followers");
	util_nevents = 0;
	is_int(follow(db, bob, alice, 0, &cause), E_OK, "bob unfollows");
	ok(cause == NULL, "no cause");
	is_int(util_intf(db, "SELECT count(*) FROM follows WHERE follower_id = "
	    "%lld", LL(bob)), 0, "his row is gone");
	is_int(nfollows(db), 1, "carol's stays");
	is_int(counts(db, alice), 100, "alice: one follower left");
	is_int(counts(db, bob), 0, "bob: following none");
	follow_relationship(db, bob, alice, &rel);
	ok(!rel.following && !rel.followed_by, "no relationship left");
	is_int(util_heard(EV_FOLLOWED), 0, "unfollowing is no EV_FOLLOWED");
	free(cause);
	db_close(db);
}

/* One cannot follow oneself: E_INVALID with a cause, nothing written. */
static void
case_self(void)
{
	struct db		*db = open_db("self");
	struct relationship	 rel;
	char			*cause = NULL;
	int64_t			 alice;

	alice = util_user(db, "alice", ROLE_MEMBER);
	util_nevents = 0;
	is_int(follow(db, alice, alice, 1, &cause), E_INVALID,
	    "following oneself: E_INVALID");
	ok(cause != NULL && strstr(cause, "yourself") != NULL,
	    "... with a cause: %s", cause ? cause : "");
	is_int(nfollows(db), 0, "no row");
	is_int(counts(db, alice), 0, "no count");
	is_int(util_int(db, "SELECT count(*) FROM notifications"), 0,
	    "no notification");
	is_int(util_nevents, 0, "nothing heard");
	follow_relationship(db, alice, alice, &rel);
	ok(!rel.following && !rel.followed_by, "no relationship with oneself");
	free(cause);
	db_close(db);
}

/* Someone unknown or disabled cannot be followed: E_NOTFOUND (a disabled
 * person looks as absent as a missing one), nothing written. */
static void
case_unknown(void)
{
	struct db	*db = open_db("unknown");
	char		*cause = NULL;
	int64_t		 alice, bob, carol;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	is_int(user_set_disabled(db, carol, 1), 0, "carol is disabled");
	util_nevents = 0;
	is_int(follow(db, alice, 9999, 1, &cause), E_NOTFOUND,
	    "following an unknown id: E_NOTFOUND");
	free(cause);
	is_int(follow(db, alice, carol, 1, &cause), E_NOTFOUND,
	    "following a disabled person: E_NOTFOUND");
	free(cause);
	is_int(nfollows(db), 0, "no row");
	is_int(counts(db, alice) + counts(db, carol), 0, "no count");
	is_int(util_int(db, "SELECT count(*) FROM notifications"), 0,
	    "no notification");
	is_int(util_nevents, 0, "nothing heard");

	/* Disabled after being followed: the follow stays (re-enabling
	 * restores it), but lists leave the person out. */
	is_int(follow(db, alice, bob, 1, &cause), E_OK, "alice follows bob");
	is_int(user_set_disabled(db, bob, 1), 0, "then bob is disabled");
	is_int(follow(db, alice, bob, 1, &cause), E_NOTFOUND,
	    "following him again: E_NOTFOUND");
	is_int(nfollows(db), 1, "the earlier follow stays");
	is_int(follow(db, alice, bob, 0, &cause), E_OK,
	    "unfollowing a disabled person works");
	is_int(counts(db, alice) + counts(db, bob), 0, "counts back to zero");
	free(cause);
	db_close(db);
}

/* A follow rolled back leaves nothing and is never heard of. */
static void
case_rollback(void)
{
	struct db	*db = open_db("rollback");
	struct toggle	 t;
	char		*cause = NULL;
	int64_t		 alice, bob;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	util_nevents = 0;
	t.actor = bob;
	t.id = alice;
	t.add = 1;
	ok(db_begin(db) == 0 && follow_set(db, &t, &cause) == E_OK,
	    "a follow inside a transaction");
	db_rollback(db);
	is_int(nfollows(db), 0, "rolled back: no row");
	is_int(counts(db, alice) + counts(db, bob), 0, "no count");
	is_int(util_int(db, "SELECT count(*) FROM notifications"), 0,
	    "no notification");
	is_int(util_nevents, 0, "nothing heard, EV_FOLLOWED included");
	is_int(follow(db, bob, alice, 1, &cause), E_OK, "then for real");
	is_int(util_heard(EV_FOLLOWED), 1, "heard once, this time");
	free(cause);
	db_close(db);
}

/* follow_list: followers and followed, newest first, disabled people left
 * out. */
static void
case_list(void)
{
	struct db	*db = open_db("list");
	struct arena	*a = arena_new();
	struct idlist	 ids = { NULL, 0, 0 }, cur = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, 20 };
	int64_t		 alice, bob, carol;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	is_int(util_follow(db, bob, alice, 1), E_OK, "bob follows alice");
	is_int(util_follow(db, carol, alice, 1), E_OK, "carol follows alice");
	ok(follow_list(db, a, alice, 1, &pg, &ids, &cur) == 0 && ids.n == 2 &&
	    ids.ids[0] == carol && ids.ids[1] == bob,
	    "alice's followers, newest first");
	memset(&ids, 0, sizeof ids);
	memset(&cur, 0, sizeof cur);
	ok(follow_list(db, a, bob, 0, &pg, &ids, &cur) == 0 && ids.n == 1 &&
	    ids.ids[0] == alice, "whom bob follows");
	is_int(user_set_disabled(db, carol, 1), 0, "carol is disabled");
	memset(&ids, 0, sizeof ids);
	memset(&cur, 0, sizeof cur);
	ok(follow_list(db, a, alice, 1, &pg, &ids, &cur) == 0 && ids.n == 1 &&
	    ids.ids[0] == bob, "a disabled follower is not listed");
	arena_free(a);
	db_close(db);
}

/* The follower's home: following brings the person's posts in (the feed
 * in memory is dropped after the commit and rebuilt), unfollowing takes
 * them out, followers-only ones included. */
static void
case_home(void)
{
	struct db	*db = open_db("home");
	struct arena	*a = arena_new();
	struct idlist	 out = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, 20 };
	int64_t		 alice, bob, pub, fo, dm;

	feed_init(1000);	/* after util_listen: it subscribes too */
	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	pub = util_post(db, alice, VIS_PUBLIC, 0, 0, "public");
	fo = util_post(db, alice, VIS_PRIVATE, 0, 0, "followers only");
	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "to nobody");
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 0,
	    "bob's home is empty, and now in memory");
	ok(!access_post_visible(db, bob, fo), "he cannot read alice's "
	    "followers-only post");

	is_int(util_follow(db, bob, alice, 1), E_OK, "bob follows alice");
	memset(&out, 0, sizeof out);
	ok(!feed_read(bob, &pg, a, &out), "his feed was dropped at commit");
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 2 &&
	    idlist_has(&out, pub) && idlist_has(&out, fo),
	    "rebuilt: alice's public and followers-only posts");
	ok(!idlist_has(&out, dm), "not her direct post");
	ok(access_post_visible(db, bob, fo), "he may read the followers-only "
	    "one now");

	is_int(util_follow(db, bob, alice, 0), E_OK, "bob unfollows");
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 0,
	    "her posts left his home");
	ok(!access_post_visible(db, bob, fo), "and the followers-only post "
	    "his reach");
	feed_free();
	events_reset();
	arena_free(a);
	db_close(db);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);	/* not each case's migrations */
	util_tmpdir();
	if (tap_case("add"))
		case_add();
	if (tap_case("idempotent"))
		case_idempotent();
	if (tap_case("remove"))
		case_remove();
	if (tap_case("self"))
		case_self();
	if (tap_case("unknown"))
		case_unknown();
	if (tap_case("rollback"))
		case_rollback();
	if (tap_case("list"))
		case_list();
	if (tap_case("home"))
		case_home();
	events_reset();
	return done_testing();
}
