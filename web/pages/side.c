/*
 * side.c: what every signed-in page has beside its main column on a wide
 * screen (the stylesheet shows it from 1100 px): the person's groups,
 * trending tags, the tags they follow, colleagues they might follow and
 * where they stand with
 * the company guidelines; and their own avatar for the account menu. A
 * view hook, so every page gets it without each handler asking; error
 * pages (their view has a status) leave it out.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

#define SIDE_GROUPS	6
#define SIDE_TAGS	5
#define SIDE_PEOPLE	3
#define SIDE_TRENDS_TTL	60	/* seconds the trending tags are kept */
#define SIDE_TRENDS_NONE 5	/* or that there are none: the first tag of
				 * a new site shows soon */
#define SIDE_TAG_MAX	128	/* longer tags are left out of the column */
#define SIDE_MEMO_TTL	600	/* seconds a person's part is remembered */

/*
 * The trending tags: the same for everyone, and a query over a week of
 * posts (tens of milliseconds on the benchmark company, seconds on a busy
 * company's week), so never on a loop: a worker reads them at most once a
 * minute, on its own read-only connection, and every page shows the last
 * answer. Until the first answer a page shows none.
 */
static struct {
	pthread_mutex_t	 lock;
	char		 names[SIDE_TAGS][SIDE_TAG_MAX];
	size_t		 n;
	time_t		 when;		/* of the last answer (or try) */
	unsigned	 gen;		/* counts the answers */
	int		 busy;		/* a worker is reading them */
}			 trends = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct trends_job {
	const struct config	*config;
	time_t			 now;
	char			 names[SIDE_TAGS][SIDE_TAG_MAX];
	size_t			 n;
	int			 failed;
};

/* On a worker: read them. */
static void
trends_work(void *arg)
{
	struct trends_job	*j = arg;
	struct arena		*a = arena_new();
	char			*path = config_db_path(j->config), *cause = NULL;
	struct trend		*t;
	struct db		*db;
	size_t			 i, n;

	db = db_open(path, j->config->synchronous, DB_READONLY |
	    DB_NOCHECKPOINT, &cause);
	free(path);
	if (db == NULL) {
		log_warn("trending tags: %s", cause);
		free(cause);
		j->failed = 1;
	} else if (trend_tags(db, a, j->now, SIDE_TAGS, &t, &n) != 0)
		j->failed = 1;
	else {
		for (i = 0; i < n; i++) {
			if (strlen(t[i].name) < SIDE_TAG_MAX)
				strcpy(j->names[j->n++], t[i].name);
		}
	}
	if (db != NULL)
		db_close(db);
	arena_free(a);
}

/* Back on the loop: every page shows them from now on. */
static void
trends_done(void *arg)
{
	struct trends_job	*j = arg;

	pthread_mutex_lock(&trends.lock);
	if (!j->failed) {
		memcpy(trends.names, j->names, sizeof trends.names);
		trends.n = j->n;
		trends.gen++;
	}
	trends.when = j->now;
	trends.busy = 0;
	pthread_mutex_unlock(&trends.lock);
	free(j);
}

/*
 * The same, remembered: the object itself, with the change stamp it was read
 * under. Good while neither whom the person follows and their groups
 * (hashtags included) nor their own row have changed since (stamp.c; a
 * group's rename touches everything), and ten minutes at most: what only
 * others change (a new colleague to suggest) may show that late, and with
 * a minute 10,000 people rebuilt 170 columns a second. Kept as text and
 * parsed again on every page, it cost more than the queries it saved.
 * Each loop thread keeps its own (a slot per person, id modulo the table):
 * values shared between threads would have their reference counts moved
 * by all of them (freeze.c says why that will not do); the tables are
 * listed so that web_side_free can let them go at exit.
 */
#define SIDE_MEMO	16384
struct side_memo {
	int64_t		 user;
	uint64_t	 stamp;
	time_t		 made;
	json_t		*side;
};
struct side_memos {
	struct side_memo	 m[SIDE_MEMO];
	json_t			*trending;	/* the tags' list, as shown */
	unsigned		 trending_gen;	/* of trends.gen */
	struct side_memos	*next;
};
static __thread struct side_memos *side_mine;
static struct side_memos	*side_all;
static pthread_mutex_t		 side_all_lock = PTHREAD_MUTEX_INITIALIZER;

/* This loop thread's memos, made on first use. */
static struct side_memos *
side_memos_mine(void)
{
	if (side_mine == NULL) {
		side_mine = xcalloc(1, sizeof *side_mine);
		pthread_mutex_lock(&side_all_lock);
		side_mine->next = side_all;
		side_all = side_mine;
		pthread_mutex_unlock(&side_all_lock);
	}
	return side_mine;
}

static json_t *
side_trends(struct req *r)
{
	char			 names[SIDE_TAGS][SIDE_TAG_MAX];
	struct side_memos	*mine = side_memos_mine();
	struct trends_job	*j = NULL;
	json_t			*list;
	size_t			 i, n;
	unsigned		 gen;
	int			 remake;
	time_t			 now = time(NULL);

	pthread_mutex_lock(&trends.lock);
	if (!trends.busy && now - trends.when >= (trends.n > 0 ?
	    SIDE_TRENDS_TTL : SIDE_TRENDS_NONE)) {
		trends.busy = 1;
		j = xcalloc(1, sizeof *j);
	}
	gen = trends.gen;
	n = trends.n;
	/* The list is made once per answer and loop thread, not per page. */
	if ((remake = mine->trending == NULL || mine->trending_gen != gen))
		memcpy(names, trends.names, n * sizeof names[0]);
	pthread_mutex_unlock(&trends.lock);
	if (j != NULL) {
		j->config = r->loop->server->config;
		j->now = now;
		if (worker_submit(r->loop, trends_work, trends_done, j) != 0) {
			pthread_mutex_lock(&trends.lock);
			trends.busy = 0;	/* the workers are full: later */
			pthread_mutex_unlock(&trends.lock);
			free(j);
		}
	}
	if (remake) {
		list = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s}",
			    "name", names[i], "path", arena_printf(r->arena,
			    "/tags/%s", escape_url(r->arena, names[i]))));
		json_decref(mine->trending);
		mine->trending = list;
		mine->trending_gen = gen;
	}
	return json_incref(mine->trending);
}

/* The person's groups, a few. */
static json_t *
side_groups(struct req *r)
{
	struct group_name	*g;
	json_t			*list = json_array();
	size_t			 i, n;

	if (group_names(req_db(r), r->arena, r->user->id, SIDE_GROUPS, &g,
	    &n) != 0)
		return list;
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "name",
		    g[i].name, "path", arena_printf(r->arena, "/groups/%lld",
		    (long long)g[i].id)));
	return list;
}

/* Colleagues to follow: the welcome checklist's suggestions. */
static json_t *
side_people(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct user	*u;
	json_t		*list = json_array();
	size_t		 i;

	if (welcome_people(req_db(r), r->arena, r->user, SIDE_PEOPLE,
	    &ids) != 0)
		return list;
	for (i = 0; i < ids.n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids.ids[i])) == NULL)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}",
		    "name", u->display_name != NULL && *u->display_name !=
		    '\0' ? u->display_name : u->username, "username",
		    u->username, "path", arena_printf(r->arena, "/@%s",
		    u->username), "job_title", u->job_title != NULL ?
		    u->job_title : ""));
	}
	return list;
}

/* The person's groups, the hashtags they follow and colleagues to
 * follow, read fresh. */
static json_t *
side_personal_read(struct req *r)
{
	json_t	*side = json_object(), *a;

	if (json_array_size(a = side_groups(r)) > 0) {
		json_object_set_new(side, "my_groups", a);
		json_object_set_new(side, "has_my_groups", json_true());
	} else
		json_decref(a);
	/* hashtags one follows (tag-follow.c, issue 21) */
	if (json_array_size(a = web_followed_tags(r)) > 0) {
		json_object_set_new(side, "followed_tags", a);
		json_object_set_new(side, "has_followed_tags", json_true());
	} else
		json_decref(a);
	if (json_array_size(a = side_people(r)) > 0) {
		json_object_set_new(side, "suggested", a);
		json_object_set_new(side, "has_suggested", json_true());
	} else
		json_decref(a);
	return side;
}

static json_t *
side_personal(struct req *r)
{
	int64_t		 user = r->user->id;
	struct side_memo *m;
	time_t		 now = time(NULL);
	uint64_t	 stamp;
	json_t		*side;

	m = &side_memos_mine()->m[(uint64_t)user % SIDE_MEMO];
	if (m->side == NULL || m->user != user || now - m->made >=
	    SIDE_MEMO_TTL || !stamp_valid(m->stamp, STAMP_REACH, user) ||
	    !stamp_valid(m->stamp, STAMP_USER, user)) {
		stamp = stamp_now();	/* before reading: a change wins */
		side = side_personal_read(r);
		json_decref(m->side);
		m->user = user;
		m->stamp = stamp;
		m->made = now;
		m->side = side;
	}
	/* Shared by this thread's pages as it is: foot.html reads it as
	 * side.personal, and nothing adds to it. */
	return json_incref(m->side);
}

/* Let go of what the loops remembered (at exit, once they have ended). */
void
web_side_free(void)
{
	struct side_memos	*t, *next;
	size_t			 i;

	pthread_mutex_lock(&side_all_lock);
	for (t = side_all; t != NULL; t = next) {
		next = t->next;
		for (i = 0; i < SIDE_MEMO; i++)
			json_decref(t->m[i].side);
		json_decref(t->trending);
		free(t);
	}
	side_all = NULL;
	pthread_mutex_unlock(&side_all_lock);
}

/* Whether the guidelines module is in the page's fragments under key. */
static int
side_has_module(json_t *v, const char *key, const char *module)
{
	json_t	*f;
	size_t	 i;

	json_array_foreach(json_object_get(v, key), i, f) {
		if (strcmp(json_string_value(json_object_get(f, "module")) ?
		    json_string_value(json_object_get(f, "module")) : "",
		    module) == 0)
			return 1;
	}
	return 0;
}

/* The view hook. Runs after the modules' (they load first), so their
 * banners and footer links are there to read. */
static void
side_view(struct req *r, json_t *v)
{
	json_t		*me, *side, *a;
	const char	*avatar;

	if (r->user == NULL || (me = json_object_get(v, "me")) == NULL)
		return;
	avatar = r->user->avatar_file != NULL && *r->user->avatar_file !=
	    '\0' ? arena_printf(r->arena, "/media/%s", r->user->avatar_file) :
	    arena_printf(r->arena, "/avatars/%s.png", r->user->username);
	json_object_set_new(me, "avatar", json_string(avatar));
	if (r->method != M_GET)
		return;
	side = json_object();
	json_object_set_new(side, "personal", side_personal(r));
	if (json_array_size(a = side_trends(r)) > 0) {
		json_object_set_new(side, "trending", a);
		json_object_set_new(side, "has_trending", json_true());
	} else
		json_decref(a);
	if (side_has_module(v, "module_banners", "guidelines"))
		json_object_set_new(side, "guidelines_pending", json_true());
	else if (side_has_module(v, "module_footer", "guidelines"))
		json_object_set_new(side, "guidelines_ok", json_true());
	json_object_set_new(v, "side", side);
}

/* Hang the hook on every page's view; once, at start. */
void
web_side_init(void)
{
	static int	hooked;

	if (!hooked++)
		req_view_hook_add(side_view);
}
