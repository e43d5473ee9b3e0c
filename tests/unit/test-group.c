/*
 * Unit tests for group.c against a temporary database, no server: creating
 * a group (group_prepare, then group_create_cmd), and every membership
 * change through group_change_cmd as the writer runs it (util_cmd): who may
 * join, leave, add, remove, promote and demote, the rule that a group with
 * members keeps an admin, and the code and cause of each refusal.
 *
 * Every case opens its own database (open_db), so each runs alone:
 * CASE=last-admin ./tests/unit/test-group.
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

	snprintf(file, sizeof file, "group-%s.db", name);
	util_listen();
	return util_db(file);
}

/* A group prepared and created as the web and the API do; its id, or 0. */
static int64_t
mkgroup(struct db *db, int64_t creator, const char *name, const char *vis)
{
	struct arena		*a = arena_new();
	struct group_input	 in;
	const char		*field = NULL, *msg = NULL;
	char			*cause = NULL;
	int64_t			 id = 0;

	memset(&in, 0, sizeof in);
	in.creator = creator;
	in.name = name;
	if (group_prepare(db, a, &in, vis, "https://hearth.test", &field,
	    &msg) != 0)
		printf("# mkgroup %s: %s: %s\n", name, field, msg);
	else if (util_cmd(db, group_create_cmd, &in, &cause) != E_OK)
		printf("# mkgroup %s: %s\n", name, cause ? cause : "?");
	else
		id = in.id;
	free(cause);
	arena_free(a);
	return id;
}

/* A membership change; the E_ code, the cause (or NULL) in *cause. */
static int
change(struct db *db, enum group_op op, int64_t actor, int64_t group,
    int64_t account, char **cause)
{
	struct group_change	c = { op, actor, group, account };

	free(*cause);
	*cause = NULL;
	return util_cmd(db, group_change_cmd, &c, cause);
}

/* A person's role in a group: GROUP_MEMBER, GROUP_ADMIN, or -1. */
static int
role(struct db *db, int64_t user, int64_t group)
{
	return access_group_role(db, user, group);
}

/* A group's members_count, as stored. */
static long long
nmembers(struct db *db, int64_t group)
{
	return util_intf(db, "SELECT members_count FROM groups WHERE id = %lld",
	    LL(group));
}

/* A group's admins, as the membership rows say. */
static long long
nadmins(struct db *db, int64_t group)
{
	return util_intf(db, "SELECT count(*) FROM group_members WHERE "
	    "group_id = %lld AND role = 1", LL(group));
}

/* Everything about memberships in one number, to see a refusal change
 * nothing: rows, roles, counts, and notifications. */
static long long
state(struct db *db)
{
	return util_int(db, "SELECT (SELECT count(*) FROM group_members) + "
	    "(SELECT total(role * 10 + user_id * 100 + group_id * 10000) FROM "
	    "group_members) + (SELECT total(members_count) FROM groups) * 7 + "
	    "(SELECT count(*) FROM notifications) * 1000000");
}

/* Creating: the name trimmed, open by default, the description rendered,
 * the creator its first admin and only member. */
static void
case_create(void)
{
	struct db		*db = open_db("create");
	struct arena		*a = arena_new();
	struct group_input	 in;
	struct group		*g;
	const char		*field = NULL, *msg = NULL;
	char			*cause = NULL;
	int64_t			 alice, bob;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	memset(&in, 0, sizeof in);
	in.creator = alice;
	in.name = "  Book club \n";
	in.description = "Books, with @bob";
	is_int(group_prepare(db, a, &in, NULL, "https://hearth.test", &field,
	    &msg), 0, "group_prepare");
	is_str(in.name, "Book club", "the name is trimmed");
	is_int(in.visibility, GROUP_OPEN, "no visibility: open");
	ok(in.description_html != NULL && strstr(in.description_html,
	    "class=\"mention\"") != NULL, "the description is rendered");
	is_int(util_cmd(db, group_create_cmd, &in, &cause), E_OK,
	    "group_create_cmd");
	ok(in.id > 0, "the input holds the new id");
	ok(cause == NULL, "no cause");
	is_int(role(db, alice, in.id), GROUP_ADMIN, "the creator is an admin");
	is_int(nmembers(db, in.id), 1, "and its one member");
	is_int(util_intf(db, "SELECT created_by FROM groups WHERE id = %lld",
	    LL(in.id)), alice, "created_by");
	g = group_get(db, a, alice, in.id);
	ok(g != NULL && g->my_role == GROUP_ADMIN && g->members_count == 1 &&
	    strcmp(g->name, "Book club") == 0, "group_get, as its creator");
	g = group_get(db, a, bob, in.id);
	ok(g != NULL && g->my_role == -1, "an open group: others read it too");

	memset(&in, 0, sizeof in);
	in.creator = bob;
	in.name = "Secret";
	is_int(group_prepare(db, a, &in, "private", "https://hearth.test",
	    &field, &msg), 0, "a private one");
	is_int(in.visibility, GROUP_PRIVATE, "private");
	is_int(util_cmd(db, group_create_cmd, &in, &cause), E_OK, "created");
	ok(group_get(db, a, alice, in.id) == NULL &&
	    !access_group_readable(db, alice, in.id),
	    "a private group is hidden from non-members");
	ok(access_group_readable(db, bob, in.id), "not from its creator");
	free(cause);
	arena_free(a);
	db_close(db);
}

/* The name, visibility and description checks, in group_prepare (the
 * field at fault) and in group_create_cmd (the code and a cause), and
 * that a refused group writes nothing. */
static void
case_create_invalid(void)
{
	struct db		*db = open_db("create-invalid");
	struct arena		*a = arena_new();
	struct group_input	 in;
	const char		*field, *msg;
	char			*cause = NULL, *big;
	int64_t			 alice;
	size_t			 i;
	static const struct {
		const char	*what;
		const char	*name;
		const char	*vis;
		int		 bigdesc;
		const char	*field;
	} bad[] = {
		{ "empty name", "", NULL, 0, "name" },
		{ "blank name", " \t ", NULL, 0, "name" },
		{ "no name", NULL, NULL, 0, "name" },
		{ "unknown visibility", "G", "secret", 0, "visibility" },
		{ "description too long", "G", "open", 1, "description" },
	};

	alice = util_user(db, "alice", ROLE_MEMBER);
	big = arena_alloc(a, GROUP_DESCRIPTION_MAX + 2);
	memset(big, 'd', GROUP_DESCRIPTION_MAX + 1);
	for (i = 0; i < nitems(bad); i++) {
		memset(&in, 0, sizeof in);
		in.creator = alice;
		in.name = bad[i].name;
		in.description = bad[i].bigdesc ? big : NULL;
		field = msg = NULL;
		is_int(group_prepare(db, a, &in, bad[i].vis,
		    "https://hearth.test", &field, &msg), E_INVALID,
		    "%s: E_INVALID", bad[i].what);
		is_str(field, bad[i].field, "%s: the field at fault",
		    bad[i].what);
		ok(msg != NULL && *msg != '\0', "%s: a message: %s",
		    bad[i].what, msg ? msg : "");
	}

	/* What only the command checks: lengths and lines of the name. */
	memset(&in, 0, sizeof in);
	in.creator = alice;
	in.name = "two\nlines";
	is_int(util_cmd(db, group_create_cmd, &in, &cause), E_INVALID,
	    "a name on two lines: E_INVALID");
	ok(cause != NULL && strstr(cause, "name") != NULL, "... cause: %s",
	    cause ? cause : "");
	free(cause);
	big[GROUP_NAME_MAX + 1] = '\0';
	in.name = big;
	is_int(util_cmd(db, group_create_cmd, &in, &cause), E_INVALID,
	    "a name of %d bytes: E_INVALID", GROUP_NAME_MAX + 1);
	free(cause);
	big[GROUP_NAME_MAX] = '\0';
	is_int(util_cmd(db, group_create_cmd, &in, &cause), E_OK,
	    "a name of %d bytes: created", GROUP_NAME_MAX);
	free(cause);

	ok(mkgroup(db, alice, "Book club", "open") > 0, "Book club");
	memset(&in, 0, sizeof in);
	in.creator = alice;
	in.name = "book CLUB";
	is_int(util_cmd(db, group_create_cmd, &in, &cause), E_CONFLICT,
	    "the same name in another case: E_CONFLICT");
	ok(cause != NULL && strstr(cause, "already exists") != NULL,
	    "... cause: %s", cause ? cause : "");
	free(cause);
	is_int(util_int(db, "SELECT count(*) FROM groups"), 2,
	    "only the two good groups were written");
	is_int(util_int(db, "SELECT count(*) FROM group_members"), 2,
	    "and their two memberships");
	arena_free(a);
	db_close(db);
}

/* Joining an open group: a member (not an admin), counted once however
 * often one joins, and reading the group. */
static void
case_join_open(void)
{
	struct db	*db = open_db("join-open");
	char		*cause = NULL;
	int64_t		 alice, bob, g;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	g = mkgroup(db, alice, "Open", "open");
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_OK, "bob joins");
	is_int(role(db, bob, g), GROUP_MEMBER, "as a member");
	is_int(nmembers(db, g), 2, "two members");
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_OK,
	    "joining again: E_OK");
	is_int(nmembers(db, g), 2, "still two");
	is_int(change(db, GROUP_JOIN, alice, g, 0, &cause), E_OK,
	    "the admin joining: E_OK");
	is_int(role(db, alice, g), GROUP_ADMIN, "and still an admin");
	is_int(change(db, GROUP_JOIN, bob, 9999, 0, &cause), E_NOTFOUND,
	    "joining a group that does not exist: E_NOTFOUND");
	free(cause);
	db_close(db);
}

/* A private group cannot be joined: to a non-member it does not exist
 * (E_NOTFOUND, as for a missing group, so its existence is not revealed);
 * an admin adds people instead, and they are told. */
static void
case_join_private(void)
{
	struct db	*db = open_db("join-private");
	char		*cause = NULL;
	long long	 before;
	int64_t		 alice, bob, g;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	g = mkgroup(db, alice, "Private", "private");
	before = state(db);
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_NOTFOUND,
	    "bob joins a private group: E_NOTFOUND");
	is_int(role(db, bob, g), -1, "he is not a member");
	is_int(state(db), before, "nothing changed");

	util_nevents = 0;
	is_int(change(db, GROUP_ADD, alice, g, bob, &cause), E_OK,
	    "the admin adds him");
	is_int(role(db, bob, g), GROUP_MEMBER, "now a member");
	ok(access_group_readable(db, bob, g), "who reads the group");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id = %lld AND type = 'added_to_group' AND group_id = %lld",
	    LL(bob), LL(g)), 1, "and is told");
	is_int(util_heard(EV_NOTIFICATION), 1, "EV_NOTIFICATION heard");
	is_int(change(db, GROUP_ADD, alice, g, bob, &cause), E_OK,
	    "adding him again: E_OK");
	is_int(util_int(db, "SELECT count(*) FROM notifications"), 1,
	    "not told twice");
	is_int(nmembers(db, g), 2, "two members");
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_OK,
	    "a member 'joining' it: E_OK");
	free(cause);
	db_close(db);
}

/* Leaving: the membership and count go; leaving again is no error in an
 * open group, not found in a private one. */
static void
case_leave(void)
{
	struct db	*db = open_db("leave");
	char		*cause = NULL;
	int64_t		 alice, bob, carol, g, p;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	g = mkgroup(db, alice, "Open", "open");
	p = mkgroup(db, alice, "Private", "private");
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_OK, "bob joins");
	is_int(change(db, GROUP_LEAVE, bob, g, 0, &cause), E_OK, "and leaves");
	is_int(role(db, bob, g), -1, "no longer a member");
	is_int(nmembers(db, g), 1, "one member left");
	is_int(change(db, GROUP_LEAVE, bob, g, 0, &cause), E_OK,
	    "leaving an open group one is not in: E_OK");
	is_int(nmembers(db, g), 1, "the count does not move");

	is_int(change(db, GROUP_ADD, alice, p, carol, &cause), E_OK,
	    "carol is added to the private group");
	is_int(change(db, GROUP_LEAVE, carol, p, 0, &cause), E_OK,
	    "and leaves it");
	ok(!access_group_readable(db, carol, p), "it is hidden from her now");
	is_int(change(db, GROUP_LEAVE, carol, p, 0, &cause), E_NOTFOUND,
	    "leaving it again: E_NOTFOUND (it is hidden)");
	is_int(nmembers(db, p), 1, "its admin is left");
	free(cause);
	db_close(db);
}

/* A group with members keeps an admin: its last admin can neither leave,
 * nor be demoted, nor be removed, until another member is made admin. */
static void
case_last_admin(void)
{
	struct db	*db = open_db("last-admin");
	char		*cause = NULL;
	long long	 before;
	int64_t		 alice, bob, g;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	g = mkgroup(db, alice, "Open", "open");
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_OK, "bob joins");
	before = state(db);

	is_int(change(db, GROUP_LEAVE, alice, g, 0, &cause), E_CONFLICT,
	    "the last admin leaves: E_CONFLICT");
	ok(cause != NULL && strstr(cause, "admin") != NULL, "... cause: %s",
	    cause ? cause : "");
	is_int(change(db, GROUP_DEMOTE, alice, g, alice, &cause), E_CONFLICT,
	    "the last admin demotes herself: E_CONFLICT");
	ok(cause != NULL && strstr(cause, "at least one admin") != NULL,
	    "... cause: %s", cause ? cause : "");
	is_int(change(db, GROUP_REMOVE, alice, g, alice, &cause), E_CONFLICT,
	    "the last admin removes herself: E_CONFLICT");
	ok(cause != NULL && strstr(cause, "at least one admin") != NULL,
	    "... cause: %s", cause ? cause : "");
	is_int(state(db), before, "nothing changed");

	is_int(change(db, GROUP_PROMOTE, alice, g, bob, &cause), E_OK,
	    "she makes bob an admin");
	is_int(nadmins(db, g), 2, "two admins");
	is_int(change(db, GROUP_DEMOTE, bob, g, alice, &cause), E_OK,
	    "now one may demote the other");
	is_int(role(db, alice, g), GROUP_MEMBER, "alice is a member");
	is_int(change(db, GROUP_LEAVE, bob, g, 0, &cause), E_CONFLICT,
	    "and bob, the last admin, cannot leave");
	is_int(change(db, GROUP_PROMOTE, bob, g, alice, &cause), E_OK,
	    "alice is admin again");
	is_int(change(db, GROUP_LEAVE, alice, g, 0, &cause), E_OK,
	    "with another admin, an admin leaves");
	is_int(nadmins(db, g), 1, "bob is the admin");
	is_int(nmembers(db, g), 1, "and the only member");

	/*
	 * The last member leaves even as its admin: the group is left with
	 * no one, and whoever joins it next becomes its admin, so a group
	 * never has members and no admin.
	 */
	is_int(change(db, GROUP_LEAVE, bob, g, 0, &cause), E_OK,
	    "the last member, an admin, leaves");
	is_int(nmembers(db, g), 0, "no member left");
	is_int(change(db, GROUP_JOIN, alice, g, 0, &cause), E_OK,
	    "someone joins the empty group");
	is_int(nadmins(db, g), 1, "and runs it: its admin");
	is_int(role(db, alice, g), GROUP_ADMIN, "alice is that admin");
	free(cause);
	db_close(db);
}

/* Only a group's admins manage its members: each refusal's code, its
 * cause, and that it changes nothing. Non-members of a private group are
 * not told it exists. */
static void
case_refusals(void)
{
	struct db	*db = open_db("refusals");
	char		*cause = NULL;
	long long	 before;
	int64_t		 alice, bob, carol, dave, erin, g, p;
	int64_t		 unknown = 9999, missing = 9998;
	size_t		 i;
	struct {
		const char	*what;
		enum group_op	 op;
		int64_t		*actor, *group, *account;
		int		 code;
		const char	*cause;	/* in the cause, or NULL: none */
	} rows[] = {
		{ "a member adds", GROUP_ADD, &bob, &g, &carol,
		    E_FORBIDDEN, "Only a group admin" },
		{ "a member removes", GROUP_REMOVE, &bob, &g, &alice,
		    E_FORBIDDEN, "Only a group admin" },
		{ "a member promotes himself", GROUP_PROMOTE, &bob, &g, &bob,
		    E_FORBIDDEN, "Only a group admin" },
		{ "a member demotes the admin", GROUP_DEMOTE, &bob, &g,
		    &alice, E_FORBIDDEN, "Only a group admin" },
		{ "a non-member adds to an open group", GROUP_ADD, &carol, &g,
		    &carol, E_FORBIDDEN, "Only a group admin" },
		{ "an instance admin, not the group's, removes", GROUP_REMOVE,
		    &dave, &g, &bob, E_FORBIDDEN, "Only a group admin" },
		{ "a non-member adds to a private group", GROUP_ADD, &carol,
		    &p, &carol, E_NOTFOUND, NULL },
		{ "an instance admin adds to a private group", GROUP_ADD,
		    &dave, &p, &dave, E_NOTFOUND, NULL },
		{ "a non-member joins a private group", GROUP_JOIN, &carol,
		    &p, &carol, E_NOTFOUND, NULL },
		{ "the admin adds a disabled person", GROUP_ADD, &alice, &g,
		    &erin, E_NOTFOUND, "No such account" },
		{ "the admin adds an unknown person", GROUP_ADD, &alice, &g,
		    &unknown, E_NOTFOUND, "No such account" },
		{ "the admin promotes a non-member", GROUP_PROMOTE, &alice, &g,
		    &carol, E_INVALID, "not a member" },
		{ "the admin demotes a non-member", GROUP_DEMOTE, &alice, &g,
		    &carol, E_INVALID, "not a member" },
		{ "the last admin leaves", GROUP_LEAVE, &alice, &g, &alice,
		    E_CONFLICT, "only admin" },
		{ "anyone, in a missing group", GROUP_ADD, &alice, &missing,
		    &bob, E_NOTFOUND, NULL },
	};
	struct group_change	 c;
	int			 rc;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	dave = util_user(db, "dave", ROLE_ADMIN);
	erin = util_user(db, "erin", ROLE_MEMBER);
	is_int(user_set_disabled(db, erin, 1), 0, "erin is disabled");
	g = mkgroup(db, alice, "Open", "open");
	p = mkgroup(db, alice, "Private", "private");
	is_int(change(db, GROUP_JOIN, bob, g, 0, &cause), E_OK, "bob joins");
	before = state(db);

	for (i = 0; i < nitems(rows); i++) {
		c.op = rows[i].op;
		c.actor = *rows[i].actor;
		c.group = *rows[i].group;
		c.account = *rows[i].account;
		free(cause);
		rc = util_cmd(db, group_change_cmd, &c, &cause);
		is_int(rc, rows[i].code, "%s: %d", rows[i].what, rows[i].code);
		if (rows[i].cause != NULL)
			ok(cause != NULL && strstr(cause, rows[i].cause) !=
			    NULL, "%s: cause: %s", rows[i].what,
			    cause ? cause : "(none)");
	}
	is_int(state(db), before, "no refusal changed anything");
	free(cause);
	db_close(db);
}

/* What an admin may do: add, promote, demote and remove members; removing
 * someone who is not a member is no error. */
static void
case_manage(void)
{
	struct db	*db = open_db("manage");
	char		*cause = NULL;
	int64_t		 alice, bob, carol, g;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	g = mkgroup(db, alice, "Open", "open");
	is_int(change(db, GROUP_ADD, alice, g, bob, &cause), E_OK, "add bob");
	is_int(role(db, bob, g), GROUP_MEMBER, "a member");
	is_int(change(db, GROUP_PROMOTE, alice, g, bob, &cause), E_OK,
	    "promote bob");
	is_int(role(db, bob, g), GROUP_ADMIN, "an admin");
	is_int(change(db, GROUP_PROMOTE, alice, g, bob, &cause), E_OK,
	    "promoting an admin: E_OK");
	is_int(change(db, GROUP_ADD, bob, g, carol, &cause), E_OK,
	    "the new admin adds carol");
	is_int(change(db, GROUP_DEMOTE, alice, g, bob, &cause), E_OK,
	    "demote bob");
	is_int(role(db, bob, g), GROUP_MEMBER, "a member again");
	is_int(change(db, GROUP_DEMOTE, alice, g, carol, &cause), E_OK,
	    "demoting a member: E_OK");
	is_int(change(db, GROUP_ADD, bob, g, carol, &cause), E_FORBIDDEN,
	    "demoted, bob may no longer manage");
	is_int(change(db, GROUP_REMOVE, alice, g, carol, &cause), E_OK,
	    "remove carol");
	is_int(role(db, carol, g), -1, "no longer a member");
	is_int(nmembers(db, g), 2, "two members");
	is_int(change(db, GROUP_REMOVE, alice, g, carol, &cause), E_OK,
	    "removing a non-member: E_OK");
	is_int(nmembers(db, g), 2, "the count does not move");
	is_int(change(db, GROUP_REMOVE, alice, g, 9999, &cause), E_OK,
	    "removing an unknown id: E_OK");
	free(cause);
	db_close(db);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);	/* not each case's migrations */
	util_tmpdir();
	if (tap_case("create"))
		case_create();
	if (tap_case("create-invalid"))
		case_create_invalid();
	if (tap_case("join-open"))
		case_join_open();
	if (tap_case("join-private"))
		case_join_private();
	if (tap_case("leave"))
		case_leave();
	if (tap_case("last-admin"))
		case_last_admin();
	if (tap_case("refusals"))
		case_refusals();
	if (tap_case("manage"))
		case_manage();
	events_reset();
	return done_testing();
}
