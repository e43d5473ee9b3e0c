/*
 * Unit tests for filter.c and list.c's part in it, against a temporary
 * database, no server: keywords matched as Mastodon matches them (whole
 * words at word boundaries, beside punctuation beyond ASCII too; inside
 * words without whole_word; case and accents folded), in contexts, warn
 * against hide, statuses named, boosts matched by what they share,
 * expiry, exclusive lists in home only, and the cached set dropped on
 * every change.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

static struct db	*db;
static int64_t		 alice, bob;

/* A filter of alice's with one keyword; its id. */
static int64_t
add_filter(const char *title, int contexts, int action, const char *kw,
    int whole, int64_t expires)
{
	struct filter_edit		 e;
	struct filter_keyword_edit	 k = { 0, kw, whole, 0 };
	char				*cause = NULL;
	int				 rc;

	memset(&e, 0, sizeof e);
	e.user_id = alice;
	e.title = title;
	e.contexts = contexts;
	e.action = action;
	e.expires_at = expires;
	e.keywords = &k;
	e.nkeywords = kw != NULL;
	if ((rc = util_cmd(db, filter_create_cmd, &e, &cause)) != E_OK)
		printf("# filter: %d %s\n", rc, cause ? cause : "");
	free(cause);
	return e.id;
}

/* Delete one of alice's filters. */
static void
del_filter(int64_t id)
{
	struct filter_edit	 e;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	e.user_id = alice;
	e.id = id;
	(void)util_cmd(db, filter_delete_cmd, &e, &cause);
	free(cause);
}

/* Whether alice's filters match post id in context (and *hide). */
static int
matches(int context, int64_t id, int *hide)
{
	struct arena	*a = arena_new();
	json_t		*r = filter_results(db, a, alice, context, id, hide);
	int		 n = (int)json_array_size(r);

	json_decref(r);
	arena_free(a);
	return n;
}

/* Whether text by bob matches alice's one filter on kw (whole or not). */
static int
kw_matches(const char *kw, int whole, const char *text)
{
	int64_t	f = add_filter("k", FC_HOME, FILTER_WARN, kw, whole, 0);
	int64_t	p = util_post(db, bob, VIS_PUBLIC, 0, 0, text);
	int	hide, n = matches(FC_HOME, p, &hide);

	del_filter(f);
	return n;
}

static void
keywords(void)
{
	ok(kw_matches("cat", 1, "The CAT sat"), "whole word, any case");
	ok(!kw_matches("cat", 1, "concatenate"), "not inside a word");
	ok(kw_matches("cat", 0, "concatenate"), "inside, without whole_word");
	ok(kw_matches("cat", 1, "a cat—dog"), "beside an em dash");
	ok(kw_matches("cat", 1, "«cat»"), "between guillemets");
	ok(!kw_matches("cat", 1, "cats"), "not a plural");
	ok(!kw_matches("cat", 1, "écat"), "not after an accented letter");
	ok(kw_matches("überstunden", 1, "Viele Uberstunden"),
	    "accents folded (keyword)");
	ok(kw_matches("uberstunden", 1, "Keine ÜBERSTUNDEN!"),
	    "accents folded (text)");
	ok(kw_matches("zespolu", 1, "w zespołu"), "ł folded");
	ok(kw_matches("#work", 1, "back to #work today"),
	    "a keyword starting with # needs no boundary before");
	ok(kw_matches("new york", 1, "I love New York."), "a phrase");
	ok(!kw_matches("new york", 1, "newyork"), "... as a phrase");
}

static void
contexts_actions(void)
{
	int64_t	p = util_post(db, bob, VIS_PUBLIC, 0, 0, "budget talk");
	int64_t	f, g;
	int	hide = -1;

	f = add_filter("b", FC_PUBLIC, FILTER_WARN, "budget", 1, 0);
	is_int(matches(FC_HOME, p, &hide), 0, "not in another context");
	is_int(matches(FC_PUBLIC, p, &hide), 1, "in its context");
	is_int(hide, 0, "warn does not hide");
	g = add_filter("h", FC_PUBLIC | FC_THREAD, FILTER_HIDE, "talk", 1, 0);
	is_int(matches(FC_PUBLIC, p, &hide), 2, "two results");
	is_int(hide, 1, "a hide filter hides");
	del_filter(g);
	is_int(matches(FC_PUBLIC, p, &hide), 1, "deleted: the cache knew");
	is_int(hide, 0, "... and it hides no more");
	del_filter(f);
	f = add_filter("gone", FC_HOME, FILTER_HIDE, "budget", 1,
	    (int64_t)time(NULL) - 1);
	is_int(matches(FC_HOME, p, &hide), 0, "an expired filter does "
	    "nothing");
	del_filter(f);
}

static void
statuses_boosts(void)
{
	int64_t		 p = util_post(db, bob, VIS_PUBLIC, 0, 0, "plain");
	int64_t		 f = add_filter("s", FC_HOME, FILTER_WARN, NULL, 1, 0);
	struct filter_edit e;
	struct arena	*a = arena_new();
	char		*cause = NULL;
	json_t		*r;
	int		 hide;

	memset(&e, 0, sizeof e);
	e.user_id = alice;
	e.id = f;
	e.status_id = p;
	is_int(util_cmd(db, filter_status_cmd, &e, &cause), E_OK,
	    "a post named");
	free(cause);
	r = filter_results(db, a, alice, FC_HOME, p, &hide);
	ok(json_array_size(r) == 1 && json_is_null(json_object_get(
	    json_array_get(r, 0), "keyword_matches")) && json_array_size(
	    json_object_get(json_array_get(r, 0), "status_matches")) == 1,
	    "status_matches names it, keyword_matches null");
	json_decref(r);
	del_filter(f);
	arena_free(a);
}

static void
exclusive(void)
{
	struct list_edit	 e;
	int64_t			 p, who = bob;
	char			*cause = NULL;
	int			 hide;

	p = util_post(db, bob, VIS_PUBLIC, 0, 0, "from bob");
	is_int(matches(FC_HOME_FEED, p, &hide), 0, "in home at first");
	memset(&e, 0, sizeof e);
	e.user_id = alice;
	e.title = "ex";
	e.exclusive = 1;
	is_int(util_cmd(db, list_create_cmd, &e, &cause), E_OK, "a list");
	free(cause);
	cause = NULL;
	e.accounts = &who;
	e.naccounts = 1;
	is_int(util_cmd(db, list_add_cmd, &e, &cause), E_INVALID,
	    "bob cannot be added before alice follows him");
	free(cause);
	cause = NULL;
	is_int(util_follow(db, alice, bob, 1), E_OK, "alice follows bob");
	is_int(util_cmd(db, list_add_cmd, &e, &cause), E_OK, "bob added");
	free(cause);
	cause = NULL;
	(void)matches(FC_HOME_FEED, p, &hide);
	is_int(hide, 1, "an exclusive list's member leaves home");
	(void)matches(FC_HOME, p, &hide);
	is_int(hide, 0, "but not the list (home's filters, no exclusion)");
	is_int(util_follow(db, alice, bob, 0), E_OK, "alice unfollows bob");
	is_int(util_intf(db, "SELECT count(*) FROM list_accounts"), 0,
	    "... which takes him off the list");
	(void)matches(FC_HOME_FEED, p, &hide);
	is_int(hide, 0, "and the cache knew");
}

int
main(void)
{
	util_tmpdir();
	db = util_db("filter.db");
	alice = util_user(db, "alice", ROLE_MEMBER);
	bob = util_user(db, "bob", ROLE_MEMBER);
	keywords();
	contexts_actions();
	statuses_boosts();
	exclusive();
	db_close(db);
	return done_testing();
}
