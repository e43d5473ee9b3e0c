/*
 * gen-company.c: generate a realistic company for the benchmarks: people in
 * departments, a skewed follow graph (a few people followed by thousands),
 * groups of skewed sizes (some private), and a year of posts with Markdown,
 * mentions, hashtags, replies and every visibility. It writes a real hearth
 * database (migrated by the same code as hearthd) and a file with a bearer
 * token (for the API) and a session cookie (for the web pages) per person,
 * "ID TOKEN SESSION" on a line, for the load generators.
 *
 * usage: gen-company -c hearth.conf [-p PEOPLE] [-n POSTS] [-g GROUPS]
 *                    [-f FOLLOWS] [-s SEED] [-t TOKENS_FILE]
 * Defaults are the full size: 10,000 people, 1,000,000 posts, 500 groups,
 * about 100 follows each. It scales to 100,000 people and 10,000,000 posts
 * (tests/bench/README.md has the times): the follows are drawn where they
 * always were (the same seed gives the same company) but written after the
 * posts, with their followee index built once at the end, because
 * post_create reads every follower of an author for the home-feed fan-out
 * and the most followed people are also the most active (on 100,000
 * people, one is followed by about 89,000 and writes 4.5% of the posts).
 * The one difference this makes: a reply to a followers-only post of
 * someone the author follows is refused while no follows exist, so it
 * becomes a new thread (on 1,000 people and 50,000 posts: 7,629 replies
 * instead of 7,846; posts, follows and counts are otherwise the same).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth.h"

#define DAY 86400

static const char *const first[] = {
	"Ada", "Alan", "Grace", "Linus", "Margaret", "Tim", "Barbara", "Hedy",
	"Rosalind", "Katherine", "Dennis", "Ken", "Frances", "Edsger", "Donald",
	"Radia", "Shafi", "John", "Niklaus", "Leslie", "Sophie", "Yuki", "Ana",
	"Omar", "Priya", "Chen", "Fatima", "Lars", "Ines", "Kwame",
};
static const char *const last[] = {
	"Lovelace", "Turing", "Hopper", "Pauling", "Hamilton", "Lee", "Liskov",
	"Lamarr", "Franklin", "Johnson", "Ritchie", "Thompson", "Allen",
	"Dijkstra", "Knuth", "Perlman", "Goldwasser", "McCarthy", "Wirth",
	"Lamport", "Wilson", "Tanaka", "Silva", "Haddad", "Patel", "Wei",
	"Khan", "Larsen", "Moreau", "Mensah",
};
static const char *const departments[] = {
	"Engineering", "Research", "Product", "Design", "Sales", "Marketing",
	"Finance", "People", "Legal", "Support", "Operations", "Analytics",
};
static const char *const words[] = {
	"release", "customer", "review", "meeting", "design", "launch",
	"team", "quarter", "roadmap", "feedback", "office", "coffee", "lunch",
	"deploy", "incident", "metrics", "hiring", "onboarding", "budget",
	"workshop", "demo", "prototype", "research", "interview", "security",
	"database", "latency", "migration", "planning", "retro", "sprint",
	"travel", "conference", "training", "policy", "update", "question",
	"idea", "thanks", "congrats", "welcome", "weekly", "report", "draft",
	"proposal", "contract", "partner", "support", "ticket", "holiday",
};
static const char *const tags[] = {
	"engineering", "coffee", "welcome", "release", "security", "hiring",
	"design", "research", "sales", "support", "kudos", "til", "oncall",
	"product", "data", "ux", "devops", "travel", "learning", "wellbeing",
};

/* A small, fast, seedable generator (xorshift64*). */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Uniform in [0, n). */
static size_t
pick(size_t n)
{
	return (size_t)(rng() % n);
}

/* Uniform in [0, 1). */
static double
unit(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

/* A Zipf-like sampler over n ranks with exponent s (cumulative weights). */
struct zipf {
	double	*cdf;
	size_t	 n;
};

static void
zipf_init(struct zipf *z, size_t n, double s)
{
	size_t	i;
	double	sum = 0;

	z->n = n;
	z->cdf = xcalloc(n, sizeof *z->cdf);
	for (i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1), s);
		z->cdf[i] = sum;
	}
	for (i = 0; i < n; i++)
		z->cdf[i] /= sum;
}

static size_t
zipf_pick(const struct zipf *z)
{
	double	u = unit();
	size_t	lo = 0, hi = z->n - 1, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Run SQL or die. */
static void
exec_or_die(struct db *db, const char *sql)
{
	if (db_exec(db, sql) != 0)
		fatalx("gen-company: %s: %s", sql, db_errmsg(db));
}

/* Start a transaction or die. */
static void
begin_or_die(struct db *db)
{
	if (db_begin(db) != 0)
		fatalx("gen-company: begin: %s", db_errmsg(db));
}

/* Commit or die. */
static void
commit_or_die(struct db *db)
{
	if (db_commit(db) != 0)
		fatalx("gen-company: commit: %s", db_errmsg(db));
}

/* Step a statement to done or die. */
static void
step_or_die(struct db *db, sqlite3_stmt *st)
{
	int	rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		fatalx("gen-company: %s", db_errmsg(db));
	sqlite3_reset(st);
}

/* Seconds since an arbitrary moment, for rates. */
static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Progress on stderr, so long runs show they are alive: every 5% (every
 * 1% past a million), with the rate and, for posts, the time left. */
static void
progress(const char *what, size_t done, size_t total)
{
	static const char	*last_what;
	static double		 t0;
	double			 el;

	if (what != last_what) {
		last_what = what;
		t0 = seconds();
	}
	if (done % (total / (total >= 1000000 ? 100 : 20) + 1) != 0 &&
	    done != total)
		return;
	el = seconds() - t0;
	fprintf(stderr, "\r%s: %zu/%zu, %.0f/s, %.0f s", what, done, total,
	    el > 0 ? (double)done / el : 0.0, el);
	if (done < total && done > 0)
		fprintf(stderr, ", about %.0f s left  ",
		    el * (double)(total - done) / (double)done);
	if (done == total)
		fprintf(stderr, "          \n");
}

int
main(int argc, char **argv)
{
	struct config	 c;
	struct db	*db;
	struct zipf	 popular, active, tagz;
	struct arena	*a;
	sqlite3_stmt	*st;
	FILE		*tf;
	char		*cause = NULL, *path, *phc, token[64], session[64],
			 text[1024];
	const char	*conf = NULL, *tokens = "tokens.txt";
	size_t		 people = 10000, nposts = 1000000, ngroups = 500;
	size_t		 nfollows = 100, i, j, k, n;
	int64_t		 now = time(NULL), start, t, post_id = 0;
	int64_t		*member_of = NULL;	/* one group per person, or 0 */
	uint32_t	*follows = NULL;	/* (follower, followee) pairs */
	size_t		 nfollow_pairs = 0, cfollow_pairs = 0;
	double		 t_all = seconds();
	int		 ch;
	int		 vis;

	while ((ch = getopt(argc, argv, "c:p:n:g:f:s:t:")) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'p': people = strtoul(optarg, NULL, 10); break;
		case 'n': nposts = strtoul(optarg, NULL, 10); break;
		case 'g': ngroups = strtoul(optarg, NULL, 10); break;
		case 'f': nfollows = strtoul(optarg, NULL, 10); break;
		case 's': rng_state ^= strtoull(optarg, NULL, 10) * 7919; break;
		case 't': tokens = optarg; break;
		default:
			fprintf(stderr, "usage: gen-company -c hearth.conf [-p "
			    "PEOPLE] [-n POSTS] [-g GROUPS] [-f FOLLOWS] [-s SEED] "
			    "[-t TOKENS_FILE]\n");
			return 2;
		}
	}
	if (conf == NULL || people < 10 || ngroups < 1) {
		fprintf(stderr, "gen-company: -c is required; at least 10 "
		    "people and 1 group\n");
		return 2;
	}
	config_defaults(&c);
	if (config_load(&c, conf, &cause) != 0) {
		fprintf(stderr, "gen-company: %s\n", cause);
		return 2;
	}
	path = config_db_path(&c);
	if ((db = db_open(path, SYNC_OFF, 0, &cause)) == NULL ||
	    db_migrate(db, "core", core_migrations, core_nmigrations,
	    &cause) != 0) {
		fprintf(stderr, "gen-company: %s\n", cause);
		return 1;
	}
	/* Bulk load: a cache of 1 GiB (the big company's indexes stay in
	 * it), checkpoints 64 MiB apart instead of 4 MiB. */
	exec_or_die(db, "PRAGMA cache_size = -1048576");
	exec_or_die(db, "PRAGMA wal_autocheckpoint = 16384");
	if (password_hash("benchmark-password", &phc, &cause) != 0)
		fatalx("%s", cause);
	a = arena_new();
	start = now - 365 * DAY;

	/* People. */
	begin_or_die(db);
	st = db_prepare(db, "INSERT INTO users (username, display_name, email, "
	    "role, password_hash, created_at, updated_at, job_title, "
	    "department, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	for (i = 0; i < people; i++) {
		char	name[32], display[64], email[64];

		snprintf(name, sizeof name, "u%05zu", i);
		snprintf(display, sizeof display, "%s %s", first[pick(
		    nitems(first))], last[pick(nitems(last))]);
		snprintf(email, sizeof email, "%s@example.com", name);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, display, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, email, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 4, i == 0);
		sqlite3_bind_text(st, 5, phc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, start - DAY);
		sqlite3_bind_int64(st, 7, start - DAY);
		sqlite3_bind_text(st, 8, words[pick(nitems(words))], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 9, departments[pick(nitems(departments))],
		    -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, "Office", -1, SQLITE_STATIC);
		step_or_die(db, st);
		progress("people", i + 1, people);
	}
	commit_or_die(db);

	/* Follows: everyone follows ~nfollows people picked by popularity,
	 * so a few are followed by thousands and most by a few dozen. Drawn
	 * here, written after the posts (see the top of the file). */
	zipf_init(&popular, people, 0.8);
	for (i = 0; i < people; i++) {
		n = nfollows / 2 + pick(nfollows + 1);
		for (j = 0; j < n; j++) {
			k = zipf_pick(&popular);
			if (k == i)
				continue;
			if (nfollow_pairs == cfollow_pairs) {
				cfollow_pairs = cfollow_pairs ? cfollow_pairs *
				    2 : 1 << 20;
				follows = xrealloc(follows, cfollow_pairs * 2 *
				    sizeof *follows);
			}
			follows[2 * nfollow_pairs] = (uint32_t)i + 1;
			follows[2 * nfollow_pairs++ + 1] = (uint32_t)k + 1;
		}
		progress("follows drawn", i + 1, people);
	}

	/* Groups: sizes from a skewed distribution, one in five private. */
	member_of = xcalloc(people, sizeof *member_of);
	begin_or_die(db);
	for (i = 0; i < ngroups; i++) {
		int64_t	gid, creator = (int64_t)pick(people) + 1;

		snprintf(text, sizeof text, "%s %s %zu", departments[pick(
		    nitems(departments))], words[pick(nitems(words))], i);
		gid = group_create(db, creator, text, "A benchmark group.",
		    "<p>A benchmark group.</p>", i % 5 == 0 ? GROUP_PRIVATE :
		    GROUP_OPEN, &cause);
		if (gid < 0)
			fatalx("group: %s", cause);
		n = 5 + (size_t)(2000.0 / pow((double)(i + 1), 0.7));
		st = db_prepare(db, "INSERT OR IGNORE INTO group_members "
		    "(group_id, user_id, role, created_at) VALUES (?, ?, 0, ?)");
		for (j = 0; j < n; j++) {
			k = pick(people);
			sqlite3_bind_int64(st, 1, gid);
			sqlite3_bind_int64(st, 2, (int64_t)k + 1);
			sqlite3_bind_int64(st, 3, start);
			step_or_die(db, st);
			if (member_of[k] == 0 || pick(3) == 0)
				member_of[k] = gid;
		}
		progress("groups", i + 1, ngroups);
	}
	exec_or_die(db, "UPDATE groups SET members_count = (SELECT count(*) "
	    "FROM group_members WHERE group_id = groups.id)");
	commit_or_die(db);

	/* Posts, oldest first, from authors picked by activity. */
	zipf_init(&active, people, 0.9);
	zipf_init(&tagz, nitems(tags), 1.0);
	begin_or_die(db);
	for (i = 0; i < nposts; i++) {
		struct post_draft	 d;
		struct mention_ctx	 mc = { db, a };
		size_t			 author = zipf_pick(&active), len = 0;
		int			 nw = 8 + (int)pick(30);

		memset(&d, 0, sizeof d);
		d.arena = a;
		d.author_id = (int64_t)author + 1;
		for (j = 0; j < (size_t)nw && len < sizeof text - 64; j++) {
			const char *w = words[pick(nitems(words))];

			if (j == 0)
				len += snprintf(text + len, sizeof text - len,
				    "%c%s", w[0] - 32, w + 1);
			else if (pick(12) == 0)
				len += snprintf(text + len, sizeof text - len,
				    " **%s**", w);
			else
				len += snprintf(text + len, sizeof text - len,
				    " %s", w);
		}
		len += snprintf(text + len, sizeof text - len, ".");
		if (pick(3) == 0)
			len += snprintf(text + len, sizeof text - len, " #%s",
			    tags[zipf_pick(&tagz)]);
		vis = (int)pick(100);
		d.visibility = vis < 85 ? VIS_PUBLIC : vis < 90 ? VIS_UNLISTED :
		    vis < 97 ? VIS_PRIVATE : VIS_DIRECT;
		if (d.visibility == VIS_DIRECT || pick(10) == 0)
			len += snprintf(text + len, sizeof text - len,
			    " @u%05zu", zipf_pick(&popular));
		if (member_of[author] != 0 && pick(10) == 0)
			d.group_id = member_of[author];
		else if (post_id > 100 && pick(5) == 0)
			d.in_reply_to_id = post_id - (int64_t)pick(100);
		d.source = text;
		if (markdown_render(a, text, len, c.base_url,
		    post_mention_resolve, &mc, &d.md, &cause) != 0)
			fatalx("markdown: %s", cause);
		if (post_create(db, &d) != E_OK) {
			/* A reply to something the author cannot see: post it
			 * as a new thread instead. */
			d.in_reply_to_id = 0;
			d.group_id = 0;
			d.cause[0] = '\0';
			if (post_create(db, &d) != E_OK)
				fatalx("post %zu: %s", i, d.cause);
		}
		post_id = d.id;
		/* Spread over the year: ids and times both ascend. */
		t = start + (int64_t)((double)i / (double)nposts * 365 * DAY);
		st = db_prepare(db, "UPDATE posts SET created_at = ? WHERE "
		    "id = ?");
		sqlite3_bind_int64(st, 1, t);
		sqlite3_bind_int64(st, 2, post_id);
		step_or_die(db, st);
		if (i % 5000 == 4999) {
			commit_or_die(db);
			begin_or_die(db);
			arena_free(a);
			a = arena_new();
		}
		progress("posts", i + 1, nposts);
	}
	commit_or_die(db);

	/* The follows drawn above, with the followee index built once after
	 * (a sort, instead of 10 million inserts at random places). */
	begin_or_die(db);
	exec_or_die(db, "DROP INDEX follows_followee");
	st = db_prepare(db, "INSERT OR IGNORE INTO follows (follower_id, "
	    "followee_id, created_at) VALUES (?, ?, ?)");
	for (i = 0; i < nfollow_pairs; i++) {
		sqlite3_bind_int64(st, 1, follows[2 * i]);
		sqlite3_bind_int64(st, 2, follows[2 * i + 1]);
		sqlite3_bind_int64(st, 3, start);
		step_or_die(db, st);
		progress("follows", i + 1, nfollow_pairs);
	}
	fprintf(stderr, "indexing follows and counting...\n");
	/* as schema/0002-social.sql makes it */
	exec_or_die(db, "CREATE INDEX follows_followee ON follows (followee_id, "
	    "follower_id)");
	exec_or_die(db, "UPDATE users SET following_count = (SELECT count(*) "
	    "FROM follows WHERE follower_id = users.id), followers_count = "
	    "(SELECT count(*) FROM follows WHERE followee_id = users.id)");
	commit_or_die(db);
	free(follows);

	/* A bearer token and a session per person for the load generators. */
	if ((tf = fopen(tokens, "w")) == NULL)
		fatalx("%s: cannot write", tokens);
	begin_or_die(db);
	for (i = 0; i < people; i++) {
		if (token_create(db, (int64_t)i + 1, "bench", NULL, token,
		    sizeof token) < 0)
			fatalx("token: %s", db_errmsg(db));
		if (session_create(db, (int64_t)i + 1, "127.0.0.1", "bench",
		    session, sizeof session) < 0)
			fatalx("session: %s", db_errmsg(db));
		fprintf(tf, "%zu %s %s\n", i + 1, token, session);
	}
	commit_or_die(db);
	fclose(tf);
	fprintf(stderr, "analyzing and checkpointing...\n");
	exec_or_die(db, "ANALYZE");
	exec_or_die(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	db_close(db);
	arena_free(a);
	free(phc);
	free(path);
	free(member_of);
	config_free(&c);
	fprintf(stderr, "done: %zu people, %zu posts, %zu groups, %zu follows drawn "
	    "in %.0f s; tokens in %s\n", people, nposts, ngroups,
	    nfollow_pairs, seconds() - t_all, tokens);
	return 0;
}
