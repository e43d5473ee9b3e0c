/*
 * Unit tests for access.c's rule of who may read a post (SQL_POST_VISIBLE,
 * domain.h), as a truth table: for each kind of post (public, unlisted,
 * followers-only, direct; outside groups, in an open group, in a private
 * group) and each kind of reader, whether they may read it. The table is
 * data (rules[] below); each row is checked against access_post_visible
 * (one row asked), post_get and post_peek (what entities are built from),
 * the author's profile timeline (a list query) and the mention
 * notifications, so no door can disagree with the table, or with another.
 *
 * Shared setup (main, before the cases): one database with the seven
 * readers, the two groups and one post per row, made as the web and the
 * API make them (util_post, group_change_cmd); the cases only read it, so
 * each runs alone: CASE=direct-private-group ./tests/unit/test-access.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

#define LL(x)	((long long)(x))

/* The readers, as columns of the table. */
enum reader {
	RD_AUTHOR,	/* wrote every post; admin of both groups */
	RD_FOLLOWER,	/* follows the author */
	RD_MENTIONED,	/* mentioned in every post */
	RD_MEMBER,	/* a member of both groups, nothing else */
	RD_NONMEMBER,	/* follows the author and is mentioned, in no group */
	RD_STRANGER,	/* none of these */
	RD_ADMIN,	/* an instance admin, none of these */
	NREADERS
};
static const char *const reader_names[NREADERS] = {
	"author", "follower", "mentioned", "member", "non-member",
	"stranger", "admin",
};

enum place { NO_GROUP, OPEN_GROUP, PRIVATE_GROUP };

/*
 * Who may read what. Outside groups: public and unlisted, everyone;
 * followers-only, followers and the mentioned; direct, the mentioned. In a
 * group, the group decides whatever the post's visibility: an open group,
 * everyone; a private one, its members. An instance admin reads what
 * everyone reads, no more. The author always reads their own.
 */
static const struct rule {
	const char	*name;		/* the case */
	enum visibility	 vis;
	enum place	 place;
	int		 may[NREADERS];
} rules[] = {
	/*					 au fo me gm nm st ad */
	{ "public", VIS_PUBLIC, NO_GROUP,	{ 1, 1, 1, 1, 1, 1, 1 } },
	{ "unlisted", VIS_UNLISTED, NO_GROUP,	{ 1, 1, 1, 1, 1, 1, 1 } },
	{ "private", VIS_PRIVATE, NO_GROUP,	{ 1, 1, 1, 0, 1, 0, 0 } },
	{ "direct", VIS_DIRECT, NO_GROUP,	{ 1, 0, 1, 0, 1, 0, 0 } },
	{ "public-open-group", VIS_PUBLIC, OPEN_GROUP,
						{ 1, 1, 1, 1, 1, 1, 1 } },
	{ "unlisted-open-group", VIS_UNLISTED, OPEN_GROUP,
						{ 1, 1, 1, 1, 1, 1, 1 } },
	/* The group decides: a followers-only or direct post in an open
	 * group is everyone's, as domain.h writes the rule, though its
	 * author chose "private" or "direct" (post_create accepts any
	 * visibility with a group). */
	{ "private-open-group", VIS_PRIVATE, OPEN_GROUP,
						{ 1, 1, 1, 1, 1, 1, 1 } },
	{ "direct-open-group", VIS_DIRECT, OPEN_GROUP,
						{ 1, 1, 1, 1, 1, 1, 1 } },
	{ "public-private-group", VIS_PUBLIC, PRIVATE_GROUP,
						{ 1, 0, 0, 1, 0, 0, 0 } },
	{ "unlisted-private-group", VIS_UNLISTED, PRIVATE_GROUP,
						{ 1, 0, 0, 1, 0, 0, 0 } },
	{ "private-private-group", VIS_PRIVATE, PRIVATE_GROUP,
						{ 1, 0, 0, 1, 0, 0, 0 } },
	{ "direct-private-group", VIS_DIRECT, PRIVATE_GROUP,
						{ 1, 0, 0, 1, 0, 0, 0 } },
};
#define NRULES	nitems(rules)

static struct db	*db;
static int64_t		 reader[NREADERS];
static int64_t		 post[NRULES];		/* the post of each row */
static int64_t		 group_of[3];		/* by place */

/* A group made by the author through group_create_cmd. */
static int64_t
mkgroup(const char *name, enum group_visibility vis)
{
	struct group_input	 in;
	char			*cause = NULL;

	memset(&in, 0, sizeof in);
	in.creator = reader[RD_AUTHOR];
	in.name = name;
	in.description = "";
	in.visibility = vis;
	if (util_cmd(db, group_create_cmd, &in, &cause) != E_OK) {
		printf("Bail out! group %s: %s\n", name, cause ? cause : "?");
		exit(99);
	}
	return in.id;
}

/* A membership change that must work. */
static void
member(enum group_op op, int64_t actor, int64_t group, int64_t account)
{
	struct group_change	 c = { op, actor, group, account };
	char			*cause = NULL;

	if (util_cmd(db, group_change_cmd, &c, &cause) != E_OK) {
		printf("Bail out! group change: %s\n", cause ? cause : "?");
		exit(99);
	}
}

/* The shared setup: readers, follows, groups, and a post per row. */
static void
setup(void)
{
	char	text[160];
	size_t	i;

	db = util_db("access.db");
	for (i = 0; i < NREADERS; i++) {
		snprintf(text, sizeof text, "r%zu", i);
		reader[i] = util_user(db, text, i == RD_ADMIN ? ROLE_ADMIN :
		    ROLE_MEMBER);
	}
	if (util_follow(db, reader[RD_FOLLOWER], reader[RD_AUTHOR], 1) !=
	    E_OK || util_follow(db, reader[RD_NONMEMBER], reader[RD_AUTHOR],
	    1) != E_OK) {
		printf("Bail out! follows\n");
		exit(99);
	}
	group_of[NO_GROUP] = 0;
	group_of[OPEN_GROUP] = mkgroup("Open", GROUP_OPEN);
	group_of[PRIVATE_GROUP] = mkgroup("Private", GROUP_PRIVATE);
	member(GROUP_JOIN, reader[RD_MEMBER], group_of[OPEN_GROUP], 0);
	member(GROUP_ADD, reader[RD_AUTHOR], group_of[PRIVATE_GROUP],
	    reader[RD_MEMBER]);
	for (i = 0; i < NRULES; i++) {
		snprintf(text, sizeof text, "%s: hello @r%d and @r%d #matrix",
		    rules[i].name, RD_MENTIONED, RD_NONMEMBER);
		post[i] = util_post(db, reader[RD_AUTHOR], rules[i].vis,
		    group_of[rules[i].place], 0, text);
		if (post[i] == 0) {
			printf("Bail out! post %s\n", rules[i].name);
			exit(99);
		}
	}
}

/* Whether a post is in the author's profile timeline as reader sees it. */
static int
in_profile(struct arena *a, int64_t viewer, int64_t id)
{
	struct idlist	out = { NULL, 0, 0 };
	struct page	pg = { 0, 0, 0, 40 };

	if (timeline_account(db, a, viewer, reader[RD_AUTHOR], AF_ALL, &pg,
	    &out, NULL) != E_OK)
		return -1;
	return idlist_has(&out, id);
}

/* Whether post_peek (what cached entities are checked by) keeps it. */
static int
in_peek(struct arena *a, int64_t viewer, int64_t id)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct peek	*pk;
	size_t		 n;

	idlist_add(a, &ids, id);
	if (post_peek(db, a, viewer, &ids, &pk, &n) != 0)
		return -1;
	return n == 1 && pk[0].id == id;
}

/* One row of the table, every reader, every door. */
static void
check_rule(size_t r)
{
	static const enum reader named[] = { RD_MENTIONED, RD_NONMEMBER };
	const struct rule	*ru = &rules[r];
	struct arena		*a = arena_new();
	struct post		*p;
	int64_t			 v, id = post[r];
	long long		 told;
	size_t			 k;
	int			 i, want;

	is_int(util_intf(db, "SELECT visibility * 10 + coalesce(group_id, 0) "
	    "FROM posts WHERE id = %lld", LL(id)), ru->vis * 10 +
	    group_of[ru->place], "%s: the post is as the row says", ru->name);
	for (i = 0; i < NREADERS; i++) {
		v = reader[i];
		want = ru->may[i];
		is_int(access_post_visible(db, v, id), want,
		    "%s: %s: access_post_visible", ru->name, reader_names[i]);
		p = post_get(db, a, v, id);
		is_int(p != NULL, want, "%s: %s: post_get", ru->name,
		    reader_names[i]);
		is_int(in_peek(a, v, id), want, "%s: %s: post_peek", ru->name,
		    reader_names[i]);
		is_int(in_profile(a, v, id), want,
		    "%s: %s: the author's profile timeline", ru->name,
		    reader_names[i]);
	}
	/* A mention never reveals a post: told only if they may read it. */
	for (k = 0; k < nitems(named); k++) {
		told = util_intf(db, "SELECT count(*) FROM notifications WHERE "
		    "user_id = %lld AND post_id = %lld AND type = 'mention'",
		    LL(reader[named[k]]), LL(id));
		is_int(told, ru->may[named[k]], "%s: %s: notified of the "
		    "mention", ru->name, reader_names[named[k]]);
	}
	arena_free(a);
}

/* Every id of a stream must be one the reader may read (by the table). */
static void
subset(const char *stream, int i, const struct idlist *ids)
{
	size_t	k, r;
	int	bad = 0;

	for (k = 0; k < ids->n; k++) {
		for (r = 0; r < NRULES && post[r] != ids->ids[k]; r++)
			;
		if (r == NRULES || !rules[r].may[i]) {
			printf("#   %s shows %s post %lld\n", stream,
			    reader_names[i], LL(ids->ids[k]));
			bad = 1;
		}
	}
	ok(!bad, "%s: %s sees only what the table allows (%zu posts)",
	    stream, reader_names[i], ids->n);
}

/* The streams filter by the same rule: home, company, the tag's and the
 * groups' show each reader only posts the table lets them read; and home
 * shows what it is meant to among those. */
static void
case_streams(void)
{
	struct arena	*a = arena_new();
	struct idlist	 out;
	struct page	 pg = { 0, 0, 0, 40 };
	int		 i, place, rc;
	size_t		 r;

	for (i = 0; i < NREADERS; i++) {
		memset(&out, 0, sizeof out);
		is_int(timeline_home(db, a, reader[i], &pg, &out, NULL), E_OK,
		    "home for %s", reader_names[i]);
		subset("home", i, &out);
		memset(&out, 0, sizeof out);
		timeline_company(db, a, reader[i], &pg, &out, NULL);
		subset("company", i, &out);
		memset(&out, 0, sizeof out);
		timeline_tag(db, a, reader[i], "matrix", &pg, &out, NULL);
		subset("#matrix", i, &out);
		for (place = OPEN_GROUP; place <= PRIVATE_GROUP; place++) {
			memset(&out, 0, sizeof out);
			rc = timeline_group(db, a, reader[i], group_of[place],
			    &pg, &out, NULL);
			subset(place == OPEN_GROUP ? "open group" :
			    "private group", i, &out);
			is_int(rc == E_OK, access_group_readable(db, reader[i],
			    group_of[place]), "%s group's stream for %s: "
			    "E_NOTFOUND exactly when unreadable", place ==
			    OPEN_GROUP ? "open" : "private", reader_names[i]);
		}
	}

	/* Home's own rule: every post of the follower's, mentioned's and
	 * member's home is readable (above); these are the ones it is for. */
	for (r = 0; r < NRULES; r++) {
		memset(&out, 0, sizeof out);
		timeline_home(db, a, reader[RD_FOLLOWER], &pg, &out, NULL);
		is_int(idlist_has(&out, post[r]), rules[r].place == NO_GROUP &&
		    rules[r].vis != VIS_DIRECT, "home of the follower: %s",
		    rules[r].name);
		memset(&out, 0, sizeof out);
		timeline_home(db, a, reader[RD_MENTIONED], &pg, &out, NULL);
		is_int(idlist_has(&out, post[r]), rules[r].place == NO_GROUP,
		    "home of the mentioned: %s", rules[r].name);
		memset(&out, 0, sizeof out);
		timeline_home(db, a, reader[RD_MEMBER], &pg, &out, NULL);
		is_int(idlist_has(&out, post[r]), rules[r].place != NO_GROUP,
		    "home of the member: %s", rules[r].name);
	}
	arena_free(a);
}

/*
 * Boosts (reblog.c): only a post everyone may read can be boosted (by
 * anyone who reads it; the rest is refused, or not found for one who may
 * not read it), and a boost is readable exactly where its original is,
 * whoever follows the booster: the same table, asked of the boost. Runs
 * last: it adds posts.
 */
static void
case_boosts(void)
{
	struct toggle	 t;
	char		*cause;
	int64_t		 boost;
	size_t		 r;
	int		 i, everyone, rc;

	is_int(util_follow(db, reader[RD_STRANGER], reader[RD_MEMBER], 1),
	    E_OK, "boosts: the stranger follows the member (the booster)");
	for (r = 0; r < NRULES; r++) {
		everyone = 1;
		for (i = 0; i < NREADERS; i++)
			everyone &= rules[r].may[i];
		t.actor = reader[RD_MEMBER];
		t.id = post[r];
		t.add = 1;
		cause = NULL;
		rc = util_cmd(db, reblog_set, &t, &cause);
		free(cause);
		is_int(rc, !rules[r].may[RD_MEMBER] ? E_NOTFOUND : everyone ?
		    E_OK : E_INVALID, "boosts: %s: the member boosts it, or is "
		    "refused", rules[r].name);
		if (rc != E_OK)
			continue;
		boost = util_intf(db, "SELECT id FROM posts WHERE "
		    "reblog_of_id = %lld AND author_id = %lld", LL(post[r]),
		    LL(reader[RD_MEMBER]));
		for (i = 0; i < NREADERS; i++)
			is_int(access_post_visible(db, reader[i], boost),
			    rules[r].may[i], "boosts: %s: %s reads the boost "
			    "as the post", rules[r].name, reader_names[i]);
		is_int(util_intf(db, "SELECT reblogs_count FROM posts WHERE "
		    "id = %lld", LL(post[r])), 1, "boosts: %s: counted",
		    rules[r].name);
	}
}

int
main(int argc, char **argv)
{
	size_t	r;

	tap_args(argc, argv);
	log_set_level(LOG_WARN);	/* not the migrations */
	util_tmpdir();
	events_reset();		/* nobody listens: events go nowhere */
	setup();
	for (r = 0; r < NRULES; r++) {
		if (tap_case(rules[r].name))
			check_rule(r);
	}
	if (tap_case("streams"))
		case_streams();
	if (tap_case("boosts"))
		case_boosts();
	db_close(db);
	return done_testing();
}
