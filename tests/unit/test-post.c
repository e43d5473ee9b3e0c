/*
 * Unit tests for post.c against a temporary database, no server: creating,
 * replying, editing and deleting posts as the writer runs the commands (in
 * a transaction, rolled back on a refusal: util_cmd), what each write
 * counts and whom it notifies, and that its events (and so the home feeds,
 * the streams and the modules' hooks) hear of it only once it committed.
 *
 * Every case opens its own database and listens afresh (open_db), so each
 * runs alone: CASE=edit ./tests/unit/test-post.
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

	snprintf(file, sizeof file, "post-%s.db", name);
	util_listen();
	return util_db(file);
}

/* Notifications of a type for a person. */
static long long
nnotif(struct db *db, int64_t user, const char *type)
{
	return util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id = %lld AND type = '%s'", LL(user), type);
}

/* A column of a post as an integer (-999: no such post). */
static long long
post_col(struct db *db, int64_t id, const char *col)
{
	return util_intf(db, "SELECT %s FROM posts WHERE id = %lld", col,
	    LL(id));
}

/* A counter of a person. */
static long long
user_col(struct db *db, int64_t id, const char *col)
{
	return util_intf(db, "SELECT %s FROM users WHERE id = %lld", col,
	    LL(id));
}

/* A page of twenty, newest first. */
static struct page
page20(void)
{
	struct page	p = { 0, 0, 0, 20 };

	return p;
}

/* Whether a list holds an id. */
static int
has(const struct idlist *l, int64_t id)
{
	return idlist_has(l, id);
}

/* A group made through group_create_cmd; its id. */
static int64_t
mkgroup(struct db *db, int64_t creator, const char *name,
    enum group_visibility vis)
{
	struct group_input	 in;
	char			*cause = NULL;

	memset(&in, 0, sizeof in);
	in.creator = creator;
	in.name = name;
	in.description = "";
	in.visibility = vis;
	if (util_cmd(db, group_create_cmd, &in, &cause) != E_OK) {
		printf("Bail out! group %s: %s\n", name, cause ? cause : "?");
		exit(99);
	}
	return in.id;
}

/* A membership change through group_change_cmd; the E_ code. */
static int
group_op(struct db *db, enum group_op op, int64_t actor, int64_t group,
    int64_t account)
{
	struct group_change	 c = { op, actor, group, account };
	char			*cause = NULL;
	int			 rc;

	rc = util_cmd(db, group_change_cmd, &c, &cause);
	free(cause);
	return rc;
}

/* Delete through post_delete_cmd; the E_ code. Whether actor is an admin
 * is the database's to say, not the caller's. */
static int
del(struct db *db, int64_t actor, int64_t id)
{
	struct post_removal	 pr = { actor, id };
	char			*cause = NULL;
	int			 rc;

	rc = util_cmd(db, post_delete_cmd, &pr, &cause);
	free(cause);
	return rc;
}

/* Favourite through favourite_set; the E_ code. */
static int
fav(struct db *db, int64_t user, int64_t post)
{
	struct toggle	 t = { user, post, 1 };
	char		*cause = NULL;
	int		 rc;

	rc = util_cmd(db, favourite_set, &t, &cause);
	free(cause);
	return rc;
}

/* The row, the HTML rendered once at write time, and the author's count. */
static void
case_create(void)
{
	struct db		*db = open_db("create");
	struct arena		*a = arena_new();
	struct post_draft	*d;
	struct post		*p;
	char			*cause = NULL;
	int64_t			 alice, bob, id2;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "Hello *world*");
	ok(d != NULL, "post_prepare accepts a plain post");
	if (d == NULL)
		goto out;
	is_int(util_cmd(db, post_create_cmd, d, &cause), E_OK,
	    "post_create_cmd");
	ok(cause == NULL, "no cause when it worked");
	ok(d->id > 0, "the draft holds the new id");
	is_int(post_col(db, d->id, "author_id"), alice, "the row's author");
	is_int(post_col(db, d->id, "visibility"), VIS_PUBLIC,
	    "the row's visibility");
	is_int(post_col(db, d->id, "group_id IS NULL AND in_reply_to_id IS "
	    "NULL"), 1, "no group, no parent");
	is_int(post_col(db, d->id, "instr(content_html, '<em>world</em>') > 0"),
	    1, "the HTML is rendered and stored with it");
	is_int(post_col(db, d->id, "source = 'Hello *world*'"), 1,
	    "the source is kept as written");
	is_int(post_col(db, d->id, "instr(text, 'Hello world') > 0"), 1,
	    "the plain text (for search) has no markup");
	is_int(post_col(db, d->id, "replies_count + favourites_count"), 0,
	    "counts start at zero");
	is_int(user_col(db, alice, "statuses_count"), 1,
	    "the author's statuses_count");
	ok(user_col(db, alice, "last_status_at") > 0, "last_status_at set");
	is_int(user_col(db, bob, "statuses_count"), 0,
	    "nobody else's count moves");

	p = post_get(db, a, bob, d->id);
	ok(p != NULL, "another person reads it (post_get)");
	is_str(p ? p->source : NULL, "Hello *world*", "... as written");
	is_int(p ? p->author_id : 0, alice, "... by its author");

	id2 = util_post(db, alice, VIS_UNLISTED, 0, 0, "again");
	ok(id2 > d->id, "ids grow");
	is_int(user_col(db, alice, "statuses_count"), 2,
	    "the count follows each post");
out:
	free(cause);
	arena_free(a);
	db_close(db);
}

/* Mentions: stored, and a notification for each person mentioned who may
 * read the post, never for the author mentioning themselves. */
static void
case_mentions(void)
{
	struct db		*db = open_db("mentions");
	int64_t			 alice, bob, carol, dave, id, dm;
	const struct util_event	*e;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	dave = util_user(db, "dave", ROLE_MEMBER);
	user_set_disabled(db, dave, 1);

	id = util_post(db, alice, VIS_PUBLIC, 0, 0,
	    "Hi @bob and @Carol, @dave, @nobody, and me: @alice");
	ok(id > 0, "a post with mentions");
	is_int(util_intf(db, "SELECT count(*) FROM mentions WHERE post_id = "
	    "%lld AND user_id IN (%lld, %lld)", LL(id), LL(bob), LL(carol)), 2,
	    "bob and Carol (names match whatever their case) are mentioned");
	is_int(util_intf(db, "SELECT count(*) FROM mentions WHERE user_id = "
	    "%lld", LL(dave)), 0, "a disabled person is not mentioned");
	is_int(post_col(db, id, "instr(mentions_json, '\"carol\"') > 0"), 1,
	    "mentions_json has the canonical username");
	is_int(nnotif(db, bob, "mention"), 1, "bob is notified");
	is_int(nnotif(db, carol, "mention"), 1, "carol is notified");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id = %lld", LL(alice)), 0,
	    "the author mentioning herself is not notified");
	is_int(nnotif(db, dave, "mention"), 0, "the disabled person is not");
	is_int(util_intf(db, "SELECT from_id FROM notifications WHERE "
	    "user_id = %lld", LL(bob)), alice, "the notification is alice's");
	is_int(util_intf(db, "SELECT post_id FROM notifications WHERE "
	    "user_id = %lld", LL(bob)), id, "... about the post");
	is_int(util_heard(EV_NOTIFICATION), 2, "two EV_NOTIFICATION heard");
	e = util_last(EV_NOTIFICATION);
	ok(e != NULL && (e->ev.subject == bob || e->ev.subject == carol) &&
	    e->ev.actor == alice, "... for the mentioned, from the author");

	/* A direct post to bob: he may read it, so he is told. */
	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "psst @bob");
	ok(dm > 0, "a direct post");
	is_int(nnotif(db, bob, "mention"), 2, "the person it is for is told");
	is_int(nnotif(db, carol, "mention"), 1, "nobody else");
	db_close(db);
}

/* Tags: a row per tag (lowercase name, display as first written) and one
 * per use, found by the tag's stream whatever its case. */
static void
case_tags(void)
{
	struct db	*db = open_db("tags");
	struct arena	*a = arena_new();
	struct idlist	 out = { NULL, 0, 0 };
	struct page	 pg = page20();
	int64_t		 alice, bob, id, id2;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	id = util_post(db, alice, VIS_PUBLIC, 0, 0,
	    "#Hearth and #news, and #hearth again");
	ok(id > 0, "a post with tags");
	is_int(util_int(db, "SELECT count(*) FROM tags"), 2,
	    "one tag per name, whatever its case");
	is_int(util_int(db, "SELECT count(*) FROM tags WHERE name = 'hearth' "
	    "AND display = 'Hearth'"), 1, "stored lowercase, shown as written");
	is_int(util_intf(db, "SELECT count(*) FROM post_tags WHERE post_id = "
	    "%lld", LL(id)), 2, "the post is linked to both");
	is_int(post_col(db, id, "instr(tags_json, '\"news\"') > 0"), 1,
	    "tags_json lists them");
	id2 = util_post(db, bob, VIS_PUBLIC, 0, 0, "more #NEWS");
	is_int(util_int(db, "SELECT count(*) FROM tags"), 2,
	    "a tag used again is not a new tag");
	is_int(util_int(db, "SELECT count(*) FROM post_tags"), 3,
	    "but a new use");
	is_int(timeline_tag(db, a, bob, "News", &pg, &out, NULL), E_OK,
	    "timeline_tag");
	ok(out.n == 2 && out.ids[0] == id2 && out.ids[1] == id,
	    "the tag's stream has both posts, newest first");
	arena_free(a);
	db_close(db);
}

/* Replies: the parent's count (public and unlisted replies only, as
 * Mastodon counts), the author replied to told once, if they may read. */
static void
case_reply(void)
{
	struct db	*db = open_db("reply");
	int64_t		 alice, bob, carol, p, r1, r2, r3;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	p = util_post(db, alice, VIS_PUBLIC, 0, 0, "a question");
	r1 = util_post(db, bob, VIS_PUBLIC, 0, p, "an answer");
	ok(r1 > 0, "bob replies");
	is_int(post_col(db, p, "replies_count"), 1, "the parent counts it");
	is_int(post_col(db, r1, "in_reply_to_id"), p, "the reply's parent");
	is_int(post_col(db, r1, "in_reply_to_account_id"), alice,
	    "... and its author");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id = %lld AND post_id = %lld AND type = 'mention'", LL(alice),
	    LL(r1)), 1, "the author replied to is told");

	r2 = util_post(db, bob, VIS_PRIVATE, 0, p, "@alice between us");
	ok(r2 > 0, "a followers-only reply that mentions her");
	is_int(post_col(db, p, "replies_count"), 1,
	    "a followers-only reply is not counted (the count is public)");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id = %lld AND post_id = %lld", LL(alice), LL(r2)), 1,
	    "mentioned and replied to: told once");

	r3 = util_post(db, carol, VIS_DIRECT, 0, p, "not for alice");
	ok(r3 > 0, "a direct reply that does not mention her");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "post_id = %lld", LL(r3)), 0,
	    "she may not read it, so she is not told of it");
	ok(!access_post_visible(db, alice, r3), "... and may not read it");
	is_int(post_col(db, p, "replies_count"), 1, "nor is it counted");
	is_int(user_col(db, bob, "statuses_count"), 2,
	    "replies count as statuses");
	db_close(db);
}

/* EV_POST_CREATED (and the notifications' events) are heard after the
 * commit, not inside the transaction. */
static void
case_events_commit(void)
{
	struct db		*db = open_db("events-commit");
	struct arena		*a = arena_new();
	struct post_draft	*d;
	const struct util_event	*e;
	char			*cause = NULL;
	int64_t			 alice, bob;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	util_nevents = 0;	/* user_create's own events */
	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "Hi @bob");
	ok(d != NULL && db_begin(db) == 0, "begin");
	if (d == NULL)
		goto out;
	is_int(post_create_cmd(db, d, &cause), E_OK, "create inside it");
	is_int(util_nevents, 0, "nothing heard before the commit");
	ok(db_commit(db) == 0, "commit");
	is_int(util_heard(EV_POST_CREATED), 1, "EV_POST_CREATED heard once");
	is_int(util_heard(EV_NOTIFICATION), 1, "EV_NOTIFICATION heard once");
	ok(util_nevents > 0 && util_events[0].ev.kind == EV_POST_CREATED,
	    "the post's event comes before its notification's");
	e = util_last(EV_POST_CREATED);
	ok(e != NULL && e->ev.id == d->id, "... about the new post");
	ok(e != NULL && e->ev.actor == alice, "... by its author");
	ok(e != NULL && strstr(e->text, "Hi @bob") != NULL,
	    "... with its text");
	ok(util_to_has(e, alice) && util_to_has(e, bob),
	    "... for the author's and the mentioned person's feeds");
	e = util_last(EV_NOTIFICATION);
	ok(e != NULL && e->ev.subject == bob && e->ev.actor == alice &&
	    e->ev.id == util_intf(db, "SELECT id FROM notifications WHERE "
	    "user_id = %lld", LL(bob)), "the notification's event");
out:
	free(cause);
	arena_free(a);
	db_close(db);
}

/* A rolled-back post is never heard of, not even at a later commit, and
 * leaves nothing behind; a savepoint rolled back inside a committed
 * transaction (the writer's batches) drops only its own events. */
static void
case_events_rollback(void)
{
	struct db		*db = open_db("events-rollback");
	struct arena		*a = arena_new();
	struct post_draft	*d, *d2;
	char			*cause = NULL;
	int64_t			 alice, bob, id;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	util_nevents = 0;
	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "Hi @bob #gone");
	ok(d != NULL && db_begin(db) == 0, "begin");
	if (d == NULL)
		goto out;
	is_int(post_create_cmd(db, d, &cause), E_OK, "create inside it");
	db_rollback(db);
	is_int(util_nevents, 0, "rolled back: nothing heard");
	is_int(util_int(db, "SELECT count(*) FROM posts"), 0, "no post");
	is_int(util_int(db, "SELECT count(*) FROM notifications"), 0,
	    "no notification");
	is_int(util_int(db, "SELECT count(*) FROM mentions") +
	    util_int(db, "SELECT count(*) FROM tags"), 0, "no mention, no tag");
	is_int(user_col(db, alice, "statuses_count"), 0, "no count");

	id = util_post(db, alice, VIS_PUBLIC, 0, 0, "the next one");
	is_int(util_heard(EV_POST_CREATED), 1,
	    "the next commit delivers only its own post");
	ok(util_nevents > 0 && util_events[0].ev.id == id, "... this one");

	/* The writer's batch: one transaction, a savepoint per job. */
	util_nevents = 0;
	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "kept");
	d2 = util_draft(db, a, bob, VIS_PUBLIC, 0, 0, "dropped");
	ok(d != NULL && d2 != NULL && db_begin(db) == 0, "a batch");
	if (d == NULL || d2 == NULL)
		goto out;
	ok(db_begin(db) == 0 && post_create_cmd(db, d, &cause) == E_OK &&
	    db_commit(db) == 0, "first job done");
	ok(db_begin(db) == 0 && post_create_cmd(db, d2, &cause) == E_OK,
	    "second job written");
	db_rollback(db);
	is_int(util_nevents, 0, "nothing heard inside the batch");
	ok(db_commit(db) == 0, "the batch commits");
	is_int(util_heard(EV_POST_CREATED), 1,
	    "only the job that was kept is heard");
	ok(util_nevents > 0 && util_events[0].ev.id == d->id,
	    "... the kept one");
	is_int(post_col(db, d2->id, "id"), -999, "the other is not there");
out:
	free(cause);
	arena_free(a);
	db_close(db);
}

/* Read a feed held in memory (feed_read): 1 if it holds id. */
static int
feed_has(struct arena *a, int64_t user, int64_t id, int *hit)
{
	struct idlist	out = { NULL, 0, 0 };
	struct page	pg = page20();

	*hit = feed_read(user, &pg, a, &out);
	return has(&out, id);
}

/* The home feeds in memory hear of a post after its commit: the author's,
 * the followers' (not for direct posts), the mentioned people's. */
static void
case_home_feed(void)
{
	struct db		*db = open_db("home-feed");
	struct arena		*a = arena_new();
	struct idlist		 out = { NULL, 0, 0 };
	struct page		 pg = page20();
	struct post_draft	*d;
	char			*cause = NULL;
	int64_t			 alice, bob, carol, id, dm, fo;
	int			 hit, i;

	feed_init(1000);	/* after util_listen: it subscribes too */
	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	is_int(util_follow(db, bob, alice, 1), E_OK, "bob follows alice");

	/* Build the three feeds (empty, complete), as a first read does. */
	for (i = 0; i < 3; i++) {
		memset(&out, 0, sizeof out);
		is_int(timeline_home(db, a, i == 0 ? alice : i == 1 ? bob :
		    carol, &pg, &out, NULL), E_OK, "timeline_home builds feed %d", i);
	}
	ok(!feed_has(a, bob, 0, &hit) && hit, "bob's feed is in memory");

	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "for my followers");
	ok(d != NULL && db_begin(db) == 0, "begin");
	if (d == NULL)
		goto out;
	is_int(post_create_cmd(db, d, &cause), E_OK, "alice posts");
	ok(!feed_has(a, bob, d->id, &hit) && hit,
	    "not in bob's feed before the commit");
	ok(db_commit(db) == 0, "commit");
	ok(feed_has(a, bob, d->id, &hit) && hit,
	    "in bob's feed (a follower) after it");
	ok(feed_has(a, alice, d->id, &hit) && hit, "in alice's own");
	ok(!feed_has(a, carol, d->id, &hit) && hit,
	    "not in carol's (she does not follow alice)");
	memset(&out, 0, sizeof out);
	ok(timeline_home(db, a, bob, &pg, &out, NULL) == E_OK && out.n == 1 &&
	    out.ids[0] == d->id, "bob's home timeline shows it");

	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "never mind");
	ok(d != NULL && db_begin(db) == 0 &&
	    post_create_cmd(db, d, &cause) == E_OK, "a post rolled back");
	db_rollback(db);
	ok(d != NULL && !feed_has(a, bob, d->id, &hit) && hit,
	    "a rolled-back post never reaches a feed");

	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "@carol only you");
	ok(feed_has(a, carol, dm, &hit), "a direct post: the mentioned");
	ok(!feed_has(a, bob, dm, &hit) && hit, "... not the followers");
	fo = util_post(db, alice, VIS_PRIVATE, 0, 0, "followers only");
	ok(feed_has(a, bob, fo, &hit), "a followers-only post: followers");
	ok(!feed_has(a, carol, fo, &hit) && hit, "... not the others");
	id = util_post(db, carol, VIS_PUBLIC, 0, 0, "carol's");
	ok(!feed_has(a, bob, id, &hit) && hit,
	    "a stranger's post is in no one else's feed");
out:
	free(cause);
	feed_free();
	events_reset();
	arena_free(a);
	db_close(db);
}

/* Posts in groups: the group's count, the author's count only for open
 * groups, the members' feeds, and who may post there. */
static void
case_group_post(void)
{
	struct db		*db = open_db("group-post");
	struct arena		*a = arena_new();
	struct post_draft	*d;
	const struct util_event	*e;
	char			*cause = NULL;
	int64_t			 alice, bob, carol, open, priv, id, r, pid;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	open = mkgroup(db, alice, "Open", GROUP_OPEN);
	priv = mkgroup(db, alice, "Private", GROUP_PRIVATE);
	is_int(group_op(db, GROUP_JOIN, bob, open, 0), E_OK, "bob joins");
	is_int(util_follow(db, carol, alice, 1), E_OK, "carol follows alice");

	util_nevents = 0;
	id = util_post(db, alice, VIS_PUBLIC, open, 0, "to the group");
	ok(id > 0, "a post in an open group");
	is_int(post_col(db, id, "group_id"), open, "its group");
	is_int(util_intf(db, "SELECT posts_count FROM groups WHERE id = %lld",
	    LL(open)), 1, "the group counts it");
	is_int(user_col(db, alice, "statuses_count"), 1,
	    "so does the author, for an open group");
	e = util_last(EV_POST_CREATED);
	ok(util_to_has(e, alice) && util_to_has(e, bob),
	    "its event is for the members' feeds");
	ok(!util_to_has(e, carol), "... not the author's followers'");

	r = util_post(db, bob, VIS_PUBLIC, 0, id, "a reply");
	is_int(post_col(db, r, "group_id"), open,
	    "a reply stays in its thread's group");

	pid = util_post(db, alice, VIS_PUBLIC, priv, 0, "members only");
	ok(pid > 0, "a post in a private group");
	is_int(user_col(db, alice, "statuses_count"), 1,
	    "not counted for the author: a private group shows no number");
	is_int(util_intf(db, "SELECT posts_count FROM groups WHERE id = %lld",
	    LL(priv)), 1, "the group counts it");

	d = util_draft(db, a, carol, VIS_PUBLIC, open, 0, "let me in");
	ok(d != NULL && util_cmd(db, post_create_cmd, d, &cause) ==
	    E_FORBIDDEN, "a non-member may not post in an open group");
	ok(cause != NULL && strstr(cause, "join") != NULL,
	    "... and is told to join: %s", cause ? cause : "");
	free(cause);
	d = util_draft(db, a, carol, VIS_PUBLIC, priv, 0, "hello?");
	ok(d != NULL && util_cmd(db, post_create_cmd, d, &cause) ==
	    E_NOTFOUND, "nor in a private one, which she cannot see");
	ok(cause != NULL && strstr(cause, "not found") != NULL,
	    "... so it is not found: %s", cause ? cause : "");
	free(cause);
	d = util_draft(db, a, alice, VIS_PUBLIC, priv, id, "moved");
	ok(d != NULL && util_cmd(db, post_create_cmd, d, &cause) ==
	    E_INVALID, "a reply may not move to another group");
	ok(cause != NULL && strstr(cause, "group") != NULL,
	    "... with a cause: %s", cause ? cause : "");
	is_int(util_int(db, "SELECT count(*) FROM posts"), 3,
	    "the refusals wrote nothing");
	free(cause);
	arena_free(a);
	db_close(db);
}

/* Editing: in place, the old version kept, mentions redone (the newly
 * mentioned told, the others not again), EV_POST_EDITED after commit. */
static void
case_edit(void)
{
	struct db		*db = open_db("edit");
	struct arena		*a = arena_new();
	struct post_draft	*d;
	struct post		*v = NULL;
	const struct util_event	*e;
	char			*cause = NULL;
	size_t			 n = 0;
	int64_t			 alice, bob, carol, id;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	id = util_post(db, alice, VIS_PUBLIC, 0, 0, "first @bob #one");
	util_nevents = 0;

	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0,
	    "second @bob @carol #two");
	ok(d != NULL && db_begin(db) == 0, "begin");
	if (d == NULL)
		goto out;
	d->edit_id = id;
	is_int(post_edit_cmd(db, d, &cause), E_OK, "the author edits");
	is_int(util_heard(EV_POST_EDITED), 0, "not heard before the commit");
	ok(db_commit(db) == 0, "commit");
	is_int(util_heard(EV_POST_EDITED), 1, "EV_POST_EDITED after it");
	e = util_last(EV_POST_EDITED);
	ok(e != NULL && e->ev.id == id && e->ev.actor == alice,
	    "... about the post, by its author");
	is_int(util_int(db, "SELECT count(*) FROM posts"), 1,
	    "edited in place, not a new post");
	is_int(post_col(db, id, "source = 'second @bob @carol #two'"), 1,
	    "the new source");
	ok(post_col(db, id, "edited_at") > 0, "edited_at set");
	is_int(util_intf(db, "SELECT count(*) FROM post_edits WHERE post_id = "
	    "%lld AND source = 'first @bob #one'", LL(id)), 1,
	    "the old version is kept");
	is_int(nnotif(db, bob, "mention"), 1,
	    "bob, mentioned before, is not told again");
	is_int(nnotif(db, carol, "mention"), 1, "carol, newly mentioned, is");
	is_int(util_intf(db, "SELECT count(*) FROM mentions WHERE post_id = "
	    "%lld", LL(id)), 2, "the mentions are the new text's");
	is_int(util_intf(db, "SELECT count(*) FROM post_tags t JOIN tags g ON "
	    "g.id = t.tag_id WHERE t.post_id = %lld AND g.name = 'two'",
	    LL(id)) + util_intf(db, "SELECT count(*) FROM post_tags WHERE "
	    "post_id = %lld", LL(id)), 2, "so are the tags");
	is_int(user_col(db, alice, "statuses_count"), 1,
	    "an edit is not a new status");

	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "third");
	if (d != NULL)
		d->edit_id = id;
	is_int(d ? util_cmd(db, post_edit_cmd, d, &cause) : -1, E_OK,
	    "edited again");
	is_int(post_history(db, a, bob, id, &v, &n), E_OK,
	    "post_history, as another reader");
	is_int(n, 3, "three versions");
	if (n == 3) {
		is_str(v[0].source, "first @bob #one", "oldest first");
		is_str(v[1].source, "second @bob @carol #two", "then the next");
		is_str(v[2].source, "third", "the current one last");
	}
out:
	free(cause);
	arena_free(a);
	db_close(db);
}

/* Only the author edits; someone who cannot see the post is told it does
 * not exist; a refused edit changes nothing and is never heard of. */
static void
case_edit_refused(void)
{
	struct db		*db = open_db("edit-refused");
	struct arena		*a = arena_new();
	struct post_draft	*d;
	char			*cause = NULL;
	const char		*msg = NULL;
	int64_t			 alice, bob, carol, id, dm;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_ADMIN);
	id = util_post(db, alice, VIS_PUBLIC, 0, 0, "mine");
	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "@bob secret");
	util_nevents = 0;

	d = util_draft(db, a, bob, VIS_PUBLIC, 0, 0, "hijacked");
	if (d != NULL)
		d->edit_id = id;
	is_int(d ? util_cmd(db, post_edit_cmd, d, &cause) : -1, E_FORBIDDEN,
	    "another person may not edit it");
	ok(cause != NULL && strstr(cause, "author") != NULL,
	    "... and is told why: %s", cause ? cause : "");
	free(cause);
	d = util_draft(db, a, carol, VIS_PUBLIC, 0, 0, "moderated");
	if (d != NULL)
		d->edit_id = id;
	is_int(d ? util_cmd(db, post_edit_cmd, d, &cause) : -1, E_FORBIDDEN,
	    "nor may an instance admin");
	free(cause);
	d = util_draft(db, a, carol, VIS_PUBLIC, 0, 0, "peek");
	if (d != NULL)
		d->edit_id = dm;
	is_int(d ? util_cmd(db, post_edit_cmd, d, &cause) : -1, E_NOTFOUND,
	    "a post one cannot see is not found");
	ok(cause != NULL, "... with a cause: %s", cause ? cause : "");
	free(cause);
	d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "ghost");
	if (d != NULL)
		d->edit_id = 9999;
	is_int(d ? util_cmd(db, post_edit_cmd, d, &cause) : -1, E_NOTFOUND,
	    "nor is a post that does not exist");
	free(cause);
	cause = NULL;

	d = arena_alloc(a, sizeof *d);
	d->arena = a;
	d->author_id = alice;
	d->edit_id = id;
	d->source = " ";
	is_int(post_prepare(db, d, "https://hearth.test", &msg), E_INVALID,
	    "an edit to nothing is refused before it is written");

	is_int(post_col(db, id, "source = 'mine' AND edited_at IS NULL"), 1,
	    "the post is unchanged");
	is_int(util_int(db, "SELECT count(*) FROM post_edits"), 0,
	    "no version recorded");
	is_int(util_heard(EV_POST_EDITED), 0, "no EV_POST_EDITED");
	arena_free(a);
	db_close(db);
}

/* Deleting: by the author, or an instance admin; the counts go back, its
 * favourites and the notifications about it go with it; replies stay. */
static void
case_delete(void)
{
	struct db		*db = open_db("delete");
	struct arena		*a = arena_new();
	const struct util_event	*e;
	int64_t			 alice, bob, carol, dave, p, r, q, s;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	dave = util_user(db, "dave", ROLE_ADMIN);
	p = util_post(db, alice, VIS_PUBLIC, 0, 0, "a post");
	r = util_post(db, bob, VIS_PUBLIC, 0, p, "a reply");
	is_int(fav(db, carol, p), E_OK, "carol favourites the post");
	is_int(fav(db, carol, r), E_OK, "... and the reply");
	is_int(post_col(db, p, "replies_count"), 1, "one reply");
	is_int(post_col(db, p, "favourites_count"), 1, "one favourite");
	is_int(nnotif(db, alice, "favourite"), 1, "alice told of it");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "post_id = %lld", LL(r)), 2, "two notifications about the reply");
	util_nevents = 0;

	is_int(del(db, bob, r), E_OK, "bob deletes his reply");
	is_int(post_col(db, r, "id"), -999, "it is gone");
	ok(post_get(db, a, bob, r) == NULL && !access_post_visible(db, bob,
	    r), "and no one reads it");
	is_int(post_col(db, p, "replies_count"), 0,
	    "the parent's count goes back");
	is_int(user_col(db, bob, "statuses_count"), 0, "so does bob's");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "post_id = %lld", LL(r)), 0, "its notifications are gone");
	is_int(util_intf(db, "SELECT count(*) FROM favourites WHERE post_id = "
	    "%lld", LL(r)), 0, "so are its favourites");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == r && e->ev.actor == bob,
	    "EV_POST_DELETED about it, actor its author");
	ok(e != NULL && e->ev.everyone, "... a public post: everyone's");

	is_int(del(db, dave, p), E_OK, "an admin deletes alice's post");
	is_int(post_col(db, p, "id"), -999, "it is gone");
	is_int(user_col(db, alice, "statuses_count"), 0,
	    "alice's count goes back");
	is_int(util_int(db, "SELECT count(*) FROM favourites"), 0,
	    "no favourite left");
	is_int(util_int(db, "SELECT count(*) FROM notifications"), 0,
	    "no notification left");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == p && e->ev.actor == alice,
	    "EV_POST_DELETED's actor is the author, not the admin");

	q = util_post(db, alice, VIS_PUBLIC, 0, 0, "parent");
	s = util_post(db, bob, VIS_PUBLIC, 0, q, "orphan");
	is_int(del(db, alice, q), E_OK, "a post with a reply deleted");
	is_int(post_col(db, s, "in_reply_to_id IS NULL"), 1,
	    "the reply stays, no longer pointing at it");
	arena_free(a);
	db_close(db);
}

/* Only the author or an admin deletes, and nobody what they cannot see
 * (an admin does not see direct posts or private groups either). */
static void
case_delete_refused(void)
{
	struct db	*db = open_db("delete-refused");
	int64_t		 alice, bob, dave, p, dm, g, gp;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	dave = util_user(db, "dave", ROLE_ADMIN);
	p = util_post(db, alice, VIS_PUBLIC, 0, 0, "mine");
	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "@bob ours");
	g = mkgroup(db, alice, "Quiet", GROUP_PRIVATE);
	gp = util_post(db, alice, VIS_PUBLIC, g, 0, "inside");
	util_nevents = 0;

	is_int(del(db, bob, p), E_FORBIDDEN,
	    "another person may not delete it");
	is_int(del(db, bob, dm), E_FORBIDDEN,
	    "not even one it was sent to");
	is_int(del(db, dave, dm), E_NOTFOUND,
	    "an admin cannot delete a direct post not for them");
	is_int(del(db, dave, gp), E_NOTFOUND,
	    "nor a private group's post");
	is_int(del(db, bob, 9999), E_NOTFOUND, "a missing post: not found");
	is_int(util_int(db, "SELECT count(*) FROM posts"), 3,
	    "all still there");
	is_int(user_col(db, alice, "statuses_count"), 2, "counts unchanged");
	is_int(util_heard(EV_POST_DELETED), 0, "no EV_POST_DELETED");
	db_close(db);
}

/* EV_POST_DELETED says who could have been shown the post, so streams can
 * tell them: everyone for public, unlisted and open-group posts; else the
 * author, the followers (followers-only), the mentioned, the members. */
static void
case_delete_audience(void)
{
	struct db		*db = open_db("delete-audience");
	const struct util_event	*e;
	int64_t			 alice, bob, carol, erin, gpriv, gopen;
	int64_t			 fo, dm, pg, og, ul;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	erin = util_user(db, "erin", ROLE_MEMBER);
	is_int(util_follow(db, bob, alice, 1), E_OK, "bob follows alice");
	gpriv = mkgroup(db, alice, "Private", GROUP_PRIVATE);
	gopen = mkgroup(db, alice, "Open", GROUP_OPEN);
	is_int(group_op(db, GROUP_ADD, alice, gpriv, erin), E_OK,
	    "erin is added to the private group");
	fo = util_post(db, alice, VIS_PRIVATE, 0, 0, "@carol and followers");
	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "@carol alone");
	pg = util_post(db, alice, VIS_PUBLIC, gpriv, 0, "members");
	og = util_post(db, alice, VIS_PUBLIC, gopen, 0, "everyone");
	ul = util_post(db, alice, VIS_UNLISTED, 0, 0, "quietly");
	util_nevents = 0;

	ok(db_begin(db) == 0 && post_delete(db, alice, fo, NULL) == E_OK,
	    "a followers-only post deleted");
	is_int(util_heard(EV_POST_DELETED), 0, "not heard before the commit");
	ok(db_commit(db) == 0, "commit");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == fo && !e->ev.everyone,
	    "heard after: not everyone's");
	ok(util_to_has(e, alice) && util_to_has(e, bob) && util_to_has(e,
	    carol), "the author, the follower, the mentioned");
	ok(!util_to_has(e, erin), "not a stranger");

	is_int(del(db, alice, dm), E_OK, "a direct post deleted");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == dm && !e->ev.everyone &&
	    util_to_has(e, alice) && util_to_has(e, carol) &&
	    !util_to_has(e, bob),
	    "the author and the mentioned, not followers");

	is_int(del(db, alice, pg), E_OK, "a private group's post deleted");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == pg && !e->ev.everyone &&
	    util_to_has(e, alice) && util_to_has(e, erin) &&
	    !util_to_has(e, bob), "its members, not the author's followers");

	is_int(del(db, alice, og), E_OK, "an open group's post deleted");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == og && e->ev.everyone, "everyone's");
	is_int(del(db, alice, ul), E_OK, "an unlisted post deleted");
	e = util_last(EV_POST_DELETED);
	ok(e != NULL && e->ev.id == ul && e->ev.everyone, "everyone's");
	db_close(db);
}

/* Refused input: the code, a cause, and nothing written or heard. */
static void
case_invalid(void)
{
	struct db		*db = open_db("invalid");
	struct arena		*a = arena_new();
	struct post_draft	*d;
	char			*cause = NULL, *big;
	const char		*msg;
	int64_t			 alice, bob, carol, dm, g;
	size_t			 i;
	int			 rc;
	static const struct {
		const char	*what;
		const char	*source;
		int		 long_spoiler;	/* POST_SPOILER_MAX + 1 */
		const char	*language;
		const char	*want;		/* in the cause */
	} bad[] = {
		{ "empty", "", 0, NULL, "blank" },
		{ "blank", " \n\t\r ", 0, NULL, "blank" },
		{ "NULL", NULL, 0, NULL, "blank" },
		{ "spoiler too long", "x", 1, NULL, "spoiler" },
		{ "language not a code", "x", 0, "e", "language" },
		{ "language with digits", "x", 0, "en1", "language" },
	};

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	carol = util_user(db, "carol", ROLE_MEMBER);
	dm = util_post(db, alice, VIS_DIRECT, 0, 0, "@bob just you");
	g = mkgroup(db, alice, "G", GROUP_OPEN);
	util_nevents = 0;

	big = arena_alloc(a, 2 * (POST_MAX_CHARS + 1) + 1);
	for (i = 0; i < nitems(bad); i++) {
		d = arena_alloc(a, sizeof *d);
		d->arena = a;
		d->author_id = carol;
		d->source = bad[i].source;
		d->language = bad[i].language;
		if (bad[i].long_spoiler) {
			memset(big, 's', POST_SPOILER_MAX + 1);
			big[POST_SPOILER_MAX + 1] = '\0';
			d->spoiler_text = big;
		}
		msg = NULL;
		rc = post_prepare(db, d, "https://hearth.test", &msg);
		is_int(rc, E_INVALID, "%s: E_INVALID", bad[i].what);
		ok(msg != NULL && strstr(msg, bad[i].want) != NULL,
		    "%s: the cause says so: %s", bad[i].what, msg ? msg : "");
	}

	/* The limit is in characters, not bytes. */
	memset(big, 'a', POST_MAX_CHARS);
	big[POST_MAX_CHARS] = '\0';
	ok(util_draft(db, a, carol, VIS_PUBLIC, 0, 0, big) != NULL,
	    "%d characters: accepted", POST_MAX_CHARS);
	big[POST_MAX_CHARS] = 'a';
	big[POST_MAX_CHARS + 1] = '\0';
	d = arena_alloc(a, sizeof *d);
	d->arena = a;
	d->source = big;
	msg = NULL;
	is_int(post_prepare(db, d, "https://hearth.test", &msg), E_INVALID,
	    "%d characters: too long", POST_MAX_CHARS + 1);
	ok(msg != NULL && strstr(msg, "too long") != NULL, "... says so: %s",
	    msg ? msg : "");
	for (i = 0; i < POST_MAX_CHARS; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2 * POST_MAX_CHARS] = '\0';
	ok(util_draft(db, a, carol, VIS_PUBLIC, 0, 0, big) != NULL,
	    "%d two-byte characters: accepted", POST_MAX_CHARS);

	d = util_draft(db, a, carol, VIS_PUBLIC, 0, 9999, "to nothing");
	ok(d != NULL && util_cmd(db, post_create_cmd, d, &cause) ==
	    E_NOTFOUND, "a reply to a missing post: E_NOTFOUND");
	ok(cause != NULL && strstr(cause, "does not exist") != NULL,
	    "... with a cause: %s", cause ? cause : "");
	free(cause);
	d = util_draft(db, a, carol, VIS_PUBLIC, 0, dm, "to a secret");
	ok(d != NULL && util_cmd(db, post_create_cmd, d, &cause) ==
	    E_NOTFOUND, "a reply to a post one cannot see: the same");
	ok(cause != NULL && strstr(cause, "does not exist") != NULL,
	    "... the same cause (nothing revealed)");
	free(cause);
	d = util_draft(db, a, carol, VIS_PUBLIC, g, 0, "not a member");
	ok(d != NULL && util_cmd(db, post_create_cmd, d, &cause) ==
	    E_FORBIDDEN, "a post in a group one is not in: E_FORBIDDEN");
	free(cause);

	is_int(util_int(db, "SELECT count(*) FROM posts"), 1,
	    "nothing was written");
	is_int(user_col(db, carol, "statuses_count"), 0, "no count moved");
	is_int(util_intf(db, "SELECT count(*) FROM notifications WHERE "
	    "user_id != %lld", LL(bob)), 0, "no one notified");
	is_int(util_nevents, 0, "nothing heard");
	arena_free(a);
	db_close(db);
}

/* An Idempotency-Key makes a retried request answer the first post. */
static void
case_idempotency(void)
{
	struct db		*db = open_db("idempotency");
	struct arena		*a = arena_new();
	struct post_draft	*d1, *d2, *d3;
	char			*cause = NULL, key[130];
	int64_t			 alice, bob;

	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	util_nevents = 0;
	d1 = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "once");
	d2 = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "once");
	d3 = util_draft(db, a, bob, VIS_PUBLIC, 0, 0, "once");
	if (d1 == NULL || d2 == NULL || d3 == NULL) {
		ok(0, "drafts");
		goto out;
	}
	d1->idempotency_key = d2->idempotency_key = "k1";
	d3->idempotency_key = "k1";
	is_int(util_cmd(db, post_create_cmd, d1, &cause), E_OK, "first");
	is_int(util_cmd(db, post_create_cmd, d2, &cause), E_OK, "retried");
	ok(d2->id == d1->id && d2->duplicate, "the retry answers the first");
	is_int(user_col(db, alice, "statuses_count"), 1, "counted once");
	is_int(util_heard(EV_POST_CREATED), 1, "heard once");
	is_int(util_cmd(db, post_create_cmd, d3, &cause), E_OK,
	    "another person with the same key");
	ok(d3->id != d1->id && !d3->duplicate, "... makes their own post");
	memset(key, 'k', 129);
	key[129] = '\0';
	d1->idempotency_key = key;
	is_int(post_check(d1), E_INVALID, "a key over 128 characters");
out:
	free(cause);
	arena_free(a);
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
	if (tap_case("mentions"))
		case_mentions();
	if (tap_case("tags"))
		case_tags();
	if (tap_case("reply"))
		case_reply();
	if (tap_case("events-commit"))
		case_events_commit();
	if (tap_case("events-rollback"))
		case_events_rollback();
	if (tap_case("home-feed"))
		case_home_feed();
	if (tap_case("group-post"))
		case_group_post();
	if (tap_case("edit"))
		case_edit();
	if (tap_case("edit-refused"))
		case_edit_refused();
	if (tap_case("delete"))
		case_delete();
	if (tap_case("delete-refused"))
		case_delete_refused();
	if (tap_case("delete-audience"))
		case_delete_audience();
	if (tap_case("invalid"))
		case_invalid();
	if (tap_case("idempotency"))
		case_idempotency();
	events_reset();
	return done_testing();
}
