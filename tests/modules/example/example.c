/*
 * example.c: a hearth module that exercises every hook, a route of each kind,
 * a migration, config keys and a periodic job, for tests/integration/
 * test_modules.py. Built several times: as is (example.so) and broken on
 * purpose with one of the EXAMPLE_* macros, so the loader's refusals can be
 * tested against real shared objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hearth/module.h>

#ifndef EXAMPLE_MAJOR
#define EXAMPLE_MAJOR	HEARTH_ABI_MAJOR
#endif
#ifndef EXAMPLE_SIZE
#define EXAMPLE_SIZE	sizeof(struct hearth_module)
#endif
/* An older minor's build: the minor, and how much of hm_hooks it knew. */
#ifndef EXAMPLE_MINOR
#define EXAMPLE_MINOR	HEARTH_ABI_MINOR
#endif
#ifndef EXAMPLE_HOOKS_SIZE
#define EXAMPLE_HOOKS_SIZE	sizeof(struct hm_hooks)
#endif
#ifndef EXAMPLE_NAME
#define EXAMPLE_NAME	"example"
#endif
#ifdef EXAMPLE_NO_SYMBOL
#define EXAMPLE_SYMBOL	not_the_module	/* dlsym("hearth_module") fails */
#else
#define EXAMPLE_SYMBOL	hearth_module
#endif

static const struct hearth_api	*api;
static struct hm_module		*self;

/* GET /example: a page from the module's own template. */
static int
example_page(struct hm_req *r)
{
	struct hm_db	*db = api->req_db(r);
	struct hm_stmt	*st;
	json_t		*v = api->view(r, "Example"), *notes = json_array();

	st = api->db_prepare(db, "SELECT text FROM example_notes "
	    "WHERE user_id = ? ORDER BY id");
	if (st != NULL) {
		api->db_bind_int(st, 1, api->req_user(r));
		while (api->db_step(st) == 1)
			json_array_append_new(notes, json_pack("{s:s}", "text",
			    api->db_column_text(st, 0)));
		api->db_finalize(st);
	}
	json_object_set_new(v, "notes", notes);
	/* A write on a read connection is refused by the core. */
	json_object_set_new(v, "write_refused", json_boolean(
	    api->db_prepare(db, "DELETE FROM example_notes") == NULL));
	api->reply_html(r, 200, "example/page", v);
	return HM_DONE;
}

/* On the writer: store the note. */
static int
note_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct hm_stmt	*st;
	int		 rc;

	st = api->db_prepare(db, "INSERT INTO example_notes (user_id, text, "
	    "created_at) VALUES (?, ?, ?)");
	if (st == NULL)
		return 500;
	api->db_bind_int(st, 1, api->req_user(r));
	api->db_bind_text(st, 2, arg);
	api->db_bind_int(st, 3, (int64_t)time(NULL));
	rc = api->db_step(st);
	api->db_finalize(st);
	return rc == 0 ? HM_OK : 500;
}

/* Once committed: answer as the caller expects. */
static void
note_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	if (rc != HM_OK) {
		api->reply_error(r, rc, cause ? cause : "not saved");
		return;
	}
	if (api->req_is_api(r))
		api->reply_json(r, 200, json_pack("{s:s}", "text",
		    (const char *)arg));
	else
		api->redirect(r, "/example");
}

/* POST /example/notes and /api/v1/example/notes: a write route. */
static int
example_note(struct hm_req *r)
{
	const char	*text = api->req_param(r, "text");

	if (text == NULL || *text == '\0') {
		api->reply_error(r, 422, "text: write something");
		return HM_DONE;
	}
	return api->write(r, note_write, note_reply, api->req_strdup(r, text));
}

/* Gate: refuse every write of the person named in example.refuse_user. */
static int
example_before_write(struct hm_req *r, struct hm_refusal *f)
{
	const char	*who = api->config(self, "refuse_user");
	const char	*me = api->req_username(r);

	if (who == NULL || *who == '\0' || me == NULL || strcmp(who, me) != 0)
		return 0;
	f->reason = api->req_printf(r, "The example module refuses writes "
	    "by %s.", me);
	f->link = "/example";
	f->link_text = "Read why";
	return 1;
}

/* Gate: refuse posts holding example.forbidden_word. */
static int
example_before_post(struct hm_req *r, const char *text, struct hm_refusal *f)
{
	const char	*word = api->config(self, "forbidden_word");

	if (word == NULL || *word == '\0' || strstr(text, word) == NULL)
		return 0;
	f->reason = "Posts may not contain the forbidden word.";
	return 1;
}

static void
example_after_post(struct hm_db *db, const struct hm_post_event *e)
{
	api->log(self, HM_LOG_INFO, "after_post id=%lld author=%lld",
	    (long long)e->id, (long long)e->author_id);
}

static void
example_after_follow(struct hm_db *db, int64_t follower, int64_t followee)
{
	api->log(self, HM_LOG_INFO, "after_follow %lld->%lld",
	    (long long)follower, (long long)followee);
}

static void
example_after_user_created(struct hm_db *db, int64_t id, const char *name)
{
	/* hearthctl logs warnings and worse only. */
	api->log(self, HM_LOG_WARN, "after_user_created %s", name);
}

static int
example_banner(struct hm_req *r, struct hm_fragment *f)
{
	if (api->req_user(r) == 0)
		return 0;
	f->text = "Example banner <b>not bold</b>";
	f->href = "/example";
	f->label = "Open the example";
	return 1;
}

static int
example_nav(struct hm_req *r, struct hm_fragment *f)
{
	f->href = "/example";
	f->label = "Example";
	return 1;
}

static int
example_footer(struct hm_req *r, struct hm_fragment *f)
{
	f->href = "/example";
	f->label = "Example footer";
	return 1;
}

static int
example_settings(struct hm_req *r, struct hm_fragment *f)
{
	f->text = "Example settings";
	f->href = "/example";
	f->label = "Example settings";
	return 1;
}

static void
example_announcements(struct hm_req *r, json_t *list)
{
	json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id",
	    "example", "content", "<p>Example announcement</p>", "read", 0));
}

/* Landing: example.landing, if set, after every sign-in. */
static const char *
example_landing(struct hm_req *r, int64_t user)
{
	const char	*to = api->config(self, "landing");

	return to != NULL && *to != '\0' ? to : NULL;
}

/* GET /example/crash: with example.crash = yes, dereference NULL, so the
 * tests can see a crash inside a module blamed on it. */
static int
example_crash(struct hm_req *r)
{
	volatile int	*nowhere = NULL;

	if (strcmp(api->config(self, "crash"), "yes") != 0) {
		api->reply_error(r, 404, "Record not found");
		return HM_DONE;
	}
	*nowhere = 1;
	return HM_DONE;
}

/* The periodic job: one log line a run. */
static void
example_tick(struct hm_db *db, void *arg)
{
	api->log(self, HM_LOG_INFO, "job ran");
}

static int
example_load(const struct hearth_api *a, struct hm_module *m,
    const char **cause)
{
	int	every;

	api = a;
	self = m;
#ifdef EXAMPLE_FAIL_LOAD
	*cause = "the example was built to fail";
	return -1;
#endif
	every = atoi(api->config(self, "job_every"));
	if (every > 0 && api->job_every(self, every, example_tick, NULL) != 0) {
		*cause = "cannot register the job";
		return -1;
	}
	api->log(self, HM_LOG_INFO, "load ok");
	return 0;
}

static void
example_unload(void)
{
	api->log(self, HM_LOG_INFO, "unloaded");
}

static const struct hm_route routes[] = {
	{ HM_GET,  "/example",			HM_AUTH,	example_page },
	{ HM_GET,  "/example/crash",		0,		example_crash },
	{ HM_POST, "/example/notes",		HM_AUTH,	example_note },
	{ HM_POST, "/api/v1/example/notes",	HM_AUTH,	example_note },
};

static const struct hm_migration migrations[] = {
	{ 1, "notes", "CREATE TABLE example_notes (id INTEGER PRIMARY KEY, "
	    "user_id INTEGER NOT NULL, text TEXT NOT NULL, "
	    "created_at INTEGER NOT NULL);" },
};

static const struct hm_config_key config[] = {
	{ "refuse_user", "" },
	{ "forbidden_word", "" },
	{ "job_every", "0" },
	{ "landing", "" },
	{ "crash", "no" },
};

static const struct hm_hooks hooks = {
	.size = EXAMPLE_HOOKS_SIZE,
	.before_write = example_before_write,
	.before_post = example_before_post,
	.after_post = example_after_post,
	.after_follow = example_after_follow,
	.after_user_created = example_after_user_created,
	.banner = example_banner,
	.nav_item = example_nav,
	.footer_link = example_footer,
	.settings_panel = example_settings,
	.announcements = example_announcements,
	.landing = example_landing,
};

const struct hearth_module EXAMPLE_SYMBOL = {
	EXAMPLE_MAJOR, EXAMPLE_MINOR, EXAMPLE_SIZE,
	EXAMPLE_NAME, "1.2.3",
	routes, sizeof routes / sizeof routes[0],
	migrations, sizeof migrations / sizeof migrations[0],
	config, sizeof config / sizeof config[0],
	&hooks,
	example_load,
	example_unload,
};
