/*
 * Unit tests for feed-save.c (home feeds that survive a restart): a saved
 * feed comes back as it was, with the posts written after the save merged
 * in by timeline_home; a change of reach (a follow) or a damaged row makes
 * it unused; feed_each skips feeds still being built.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

/* Count the feeds feed_each visits. */
static void
count_feed(int64_t user, const int64_t *ids, int n, int complete, void *arg)
{
	(void)user;
	(void)ids;
	(void)n;
	(void)complete;
	(*(int *)arg)++;
}

/* A restart in miniature: the feeds in memory gone. */
static void
restart(void)
{
	feed_free();
	feed_init(1000);
}

static void
case_round_trip(void)
{
	struct db	*db;
	struct arena	*a = arena_new();
	struct idlist	 out = { NULL, 0, 0 }, saved = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, 20 };
	int64_t		 alice, bob, carol, p[4], through = 0;
	int		 complete = 0, n = 0, i;

	util_listen();
	db = util_db("feed-save.db");
	feed_init(1000);
	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	is_int(util_follow(db, bob, alice, 1), E_OK, "bob follows alice");
	for (i = 0; i < 3; i++)
		p[i] = util_post(db, alice, VIS_PUBLIC, 0, 0, "post");
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 3,
	    "bob's home: alice's three posts, now in memory");
	ok(feed_begin(carol), "carol's feed is being built");
	feed_each(count_feed, &n);
	is_int(n, 1, "feed_each visits bob's feed, not carol's in the making");
	feed_forget(carol);

	is_int(feed_save_all(db), 0, "saved");
	is_int(util_int(db, "SELECT count(*) FROM saved_feeds"), 1, "one row");
	restart();
	ok(feed_saved_get(db, a, bob, &saved, &complete, &through) &&
	    saved.n == 3 && saved.ids[0] == p[2] && saved.ids[2] == p[0],
	    "the row holds the three ids, newest first");
	ok(complete && through == p[2], "whole, through the last post");

	/* Written after the save (while down, before a crash). */
	p[3] = util_post(db, alice, VIS_PUBLIC, 0, 0, "later");
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 4 &&
	    out.ids[0] == p[3], "after the restart: the later post merged in");

	/* A follow after the save: the row is not used. */
	restart();
	is_int(util_follow(db, bob, carol, 1), E_OK, "bob follows carol");
	memset(&saved, 0, sizeof saved);
	ok(!feed_saved_get(db, a, bob, &saved, &complete, &through) &&
	    saved.n == 0, "the reach changed: no saved feed");

	/* A damaged row (a varint running off the end) is not used. */
	is_int(feed_save_all(db), 0, "saved again (nothing in memory)");
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK, "read");
	is_int(feed_save_all(db), 0, "saved with bob's new reach");
	restart();
	db_exec(db, "UPDATE saved_feeds SET ids = x'ff' WHERE user_id = "
	    "(SELECT id FROM users WHERE username = 'bob')");
	ok(!feed_saved_get(db, a, bob, &saved, &complete, &through),
	    "a damaged row: no saved feed");
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 4,
	    "home is built as before");

	feed_free();
	events_reset();
	arena_free(a);
	db_close(db);
}

/*
 * A post committed after a request's snapshot began and pushed before its
 * feed_begin reaches neither the build's query nor the feed: the feed is
 * then built again on the next read (feed_fill_seen).
 */
static void
case_post_between_snapshot_and_build(void)
{
	struct db	*db;
	struct arena	*a = arena_new();
	struct idlist	 out = { NULL, 0, 0 }, ids = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, 20 };
	int64_t		 alice, bob, p1, p2;

	util_listen();
	db = util_db("feed-race.db");
	feed_init(1000);
	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	is_int(util_follow(db, bob, alice, 1), E_OK, "bob follows alice");
	p1 = util_post(db, alice, VIS_PUBLIC, 0, 0, "seen");
	/* The snapshot saw p1; p2 commits (and is pushed: no feed yet). */
	p2 = util_post(db, alice, VIS_PUBLIC, 0, 0, "after the snapshot");
	ok(feed_begin(bob), "then bob's build begins");
	idlist_add(a, &ids, p1);
	feed_fill_seen(bob, &ids, 1, p1);
	ok(!feed_read(bob, &pg, a, &out), "the feed that missed p2 is not "
	    "served");
	ok(feed_begin(bob), "the next read builds it again");
	feed_forget(bob);
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 2 &&
	    out.ids[0] == p2, "and it holds p2");
	memset(&out, 0, sizeof out);
	ok(feed_read(bob, &pg, a, &out) && out.n == 2, "from memory now");
	feed_free();
	events_reset();
	arena_free(a);
	db_close(db);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);
	util_tmpdir();
	if (tap_case("round_trip"))
		case_round_trip();
	if (tap_case("post_between_snapshot_and_build"))
		case_post_between_snapshot_and_build();
	events_reset();
	return done_testing();
}
