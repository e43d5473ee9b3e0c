/*
 * Unit tests for welcome.c and thread.c against a temporary database, no
 * server: the company-wide group (made at setup with everyone in it,
 * joined by each person made after, left for good, moved and switched
 * off), the checklist's state from real rows, and how a thread's replies
 * nest (depths, a reply whose parent is hidden).
 *
 * Every case opens its own database: CASE=default-group
 * ./tests/unit/test-welcome.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

/* A fresh database for a case. */
static struct db *
open_db(const char *name)
{
	char	file[64];

	snprintf(file, sizeof file, "welcome-%s.db", name);
	return util_db(file);
}

/* Whether user is in group. */
static int
member(struct db *db, int64_t group, int64_t user)
{
	return (int)util_intf(db, "SELECT count(*) FROM group_members WHERE "
	    "group_id = %lld AND user_id = %lld", (long long)group,
	    (long long)user);
}

static void
case_default_group(void)
{
	struct db	*db = open_db("default-group");
	char		*cause = NULL;
	int64_t		 alice, bob, carol, dave, g, other;

	alice = util_user(db, "alice", ROLE_ADMIN);
	bob = util_user(db, "bob", ROLE_MEMBER);
	is_int(group_default_id(db), 0, "no company group before setup");
	is_int(group_default_setup(db, "All company", &cause), 0,
	    "setup makes the group");
	g = group_default_id(db);
	ok(g > 0, "... and marks it");
	ok(member(db, g, alice) && member(db, g, bob),
	    "everyone there is in it");
	is_int(util_intf(db, "SELECT role FROM group_members WHERE group_id = "
	    "%lld AND user_id = %lld", (long long)g, (long long)alice), 1,
	    "a site admin is its group admin");
	is_int(util_intf(db, "SELECT members_count FROM groups WHERE id = %lld",
	    (long long)g), 2, "its member count says 2");
	carol = util_user(db, "carol", ROLE_MEMBER);
	ok(member(db, g, carol), "a person made after joins it");
	is_int(util_intf(db, "SELECT members_count FROM groups WHERE id = %lld",
	    (long long)g), 3, "... and is counted");
	is_int(group_leave(db, carol, g, &cause), E_OK, "she may leave");
	is_int(group_default_setup(db, "All company", &cause), 0,
	    "setup again (a restart)");
	ok(!member(db, g, carol), "... does not bring her back");
	is_int(group_default_id(db), g, "... and keeps the same group");
	is_int(group_default_setup(db, "ALL COMPANY", &cause), 0,
	    "the name in another case");
	is_int(group_default_id(db), g, "... is the same group");
	is_int(group_default_setup(db, "Everyone", &cause), 0,
	    "another name");
	other = group_default_id(db);
	ok(other != g && other > 0, "... marks another group");
	is_int(util_intf(db, "SELECT is_default FROM groups WHERE id = %lld",
	    (long long)g), 0, "... and unmarks the old one");
	is_int(group_default_setup(db, "", &cause), 0, "an empty name");
	is_int(group_default_id(db), 0, "... no company group");
	dave = util_user(db, "dave", ROLE_MEMBER);
	is_int(util_intf(db, "SELECT count(*) FROM group_members WHERE "
	    "user_id = %lld", (long long)dave), 0,
	    "a person made then joins nothing");
	ok(group_default_setup(db, "two\nlines", &cause) != 0,
	    "a name on two lines is refused");
	ok(cause != NULL, "... with a cause");
	free(cause);
	db_close(db);
}

static void
case_checklist(void)
{
	struct db	*db = open_db("checklist");
	struct arena	*a = arena_new();
	struct idlist	 ids = { NULL, 0, 0 };
	struct welcome	 w;
	struct user	*u;
	char		*cause = NULL;
	int64_t		 me, peer[4], g;
	int		 i;

	is_int(group_default_setup(db, "All company", &cause), 0, "setup");
	me = util_user(db, "newbie", ROLE_MEMBER);
	for (i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof name, "peer%d", i);
		peer[i] = util_user(db, name, ROLE_MEMBER);
	}
	util_intf(db, "UPDATE users SET department = 'Ops' WHERE id IN "
	    "(%lld, %lld, %lld, %lld)", (long long)me, (long long)peer[0],
	    (long long)peer[1], (long long)peer[2]);
	u = user_get(db, a, me);
	is_int(welcome_state(db, u, &w), 0, "the state is read");
	ok(!w.avatar && !w.title && !w.follows && !w.groups && !w.posted,
	    "nothing done");
	is_int(w.ngroups, 0, "the company group is not counted");
	ok(w.newcomer && !w.dismissed, "a newcomer, not dismissed");
	is_int(welcome_people(db, a, u, 10, &ids), 0, "suggestions");
	is_int(ids.n, 3, "... the three of her department");
	util_follow(db, me, peer[0], 1);
	ids.n = 0;
	welcome_people(db, a, u, 10, &ids);
	is_int(ids.n, 3, "remembered while her row says she follows as "
	    "many as before");
	u = user_get(db, a, me);	/* as each request reads her anew */
	ids.n = 0;
	welcome_people(db, a, u, 10, &ids);
	is_int(ids.n, 2, "... but not whom she follows");
	util_follow(db, me, peer[1], 1);
	util_follow(db, me, peer[3], 1);
	util_intf(db, "UPDATE users SET job_title = 'Ops', avatar_file = "
	    "'x.png' WHERE id = %lld", (long long)me);
	ok(util_post(db, me, VIS_PUBLIC, 0, 0, "hello") > 0, "she posts");
	u = user_get(db, a, me);
	welcome_state(db, u, &w);
	ok(w.avatar && w.title && w.follows && w.posted && !w.groups,
	    "four steps done");
	is_int(w.done, 4, "... counted");
	g = group_default_id(db);
	ids.n = 0;
	welcome_groups(db, a, me, 10, &ids);
	ok(!idlist_has(&ids, g), "the company group is never suggested");
	db_close(db);
	arena_free(a);
}

static void
case_thread(void)
{
	struct db		*db = open_db("thread");
	struct arena		*a = arena_new();
	struct idlist		 up = { NULL, 0, 0 }, down = { NULL, 0, 0 };
	struct thread_link	*l;
	int64_t			 x, y, top, r1, r2, r3, hid, r4;

	x = util_user(db, "x", ROLE_MEMBER);
	y = util_user(db, "y", ROLE_MEMBER);
	top = util_post(db, x, VIS_PUBLIC, 0, 0, "top");
	r1 = util_post(db, y, VIS_PUBLIC, 0, top, "r1");
	r2 = util_post(db, x, VIS_PUBLIC, 0, r1, "r2");
	r3 = util_post(db, y, VIS_PUBLIC, 0, r2, "r3");
	hid = util_post(db, y, VIS_DIRECT, 0, top, "hidden");
	r4 = util_post(db, y, VIS_PUBLIC, 0, hid, "r4 under the hidden one");
	is_int(post_context(db, a, x, top, &up, &down), E_OK, "the context");
	is_int(down.n, 4, "x is listed four (not y's direct reply)");
	is_int(thread_links(db, a, top, &down, &l), 0, "the links");
	is_int(l[0].id, r1, "r1 first");
	is_int(l[0].depth, 1, "... at depth 1");
	is_int(l[1].depth, 2, "r2 at depth 2");
	is_int(l[2].depth, 3, "r3 at depth 3");
	is_str(l[2].parent_author, "x", "... answering x");
	is_int(l[3].id, r4, "r4 last");
	ok(l[3].orphan, "... its parent is not listed");
	is_int(l[3].depth, 1, "... so it hangs from the top");
	is_str(l[3].parent_author, "y", "... saying whom it answers");
	db_close(db);
	arena_free(a);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);
	util_tmpdir();
	if (tap_case("default-group"))
		case_default_group();
	if (tap_case("checklist"))
		case_checklist();
	if (tap_case("thread"))
		case_thread();
	return done_testing();
}
