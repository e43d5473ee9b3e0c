/*
 * util.h: helpers shared by the unit tests that need files: a private
 * temporary directory removed at exit, and a migrated database in it; and
 * for the domain's tests, people, posts and commands run as the writer
 * runs them, and a recorder of the events they emit.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char	util_dir[64];

/* Remove the temporary directory and everything in it. */
static __attribute__((unused)) void
util_cleanup(void)
{
	char	cmd[128];

	if (util_dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", util_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", util_dir);
	}
}

/* A fresh temporary directory, removed when the test exits. */
static __attribute__((unused)) const char *
util_tmpdir(void)
{
	snprintf(util_dir, sizeof util_dir, "/tmp/hearth-unit-XXXXXX");
	if (mkdtemp(util_dir) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	atexit(util_cleanup);
	return util_dir;
}

/* A path inside the temporary directory (static buffer, one at a time). */
static __attribute__((unused)) const char *
util_path(const char *name)
{
	static char	path[256];

	snprintf(path, sizeof path, "%s/%s", util_dir, name);
	return path;
}

/* One integer from a query, or -999 if it returns no row. */
static __attribute__((unused)) long long
util_int(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v = -999;

	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# prepare \"%s\": %s\n", sql, db_errmsg(db));
		return -999;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A database in the temporary directory with the core schema applied. */
static __attribute__((unused)) struct db *
util_db(const char *name)
{
	struct db	*db;
	char		*cause = NULL;

	if ((db = db_open(util_path(name), SYNC_OFF, 0, &cause)) == NULL ||
	    db_migrate(db, "core", core_migrations, core_nmigrations,
	    &cause) != 0) {
		printf("Bail out! database: %s\n", cause ? cause : "?");
		exit(99);
	}
	return db;
}

/*
 * Domain helpers (test-post, test-follow, test-group, test-access). They
 * need domain.h, which hearth.h, included before this file, brings.
 */

/* util_int with a printf format (ids are formatted as %lld). */
static __attribute__((unused, format(printf, 2, 3))) long long
util_intf(struct db *db, const char *fmt, ...)
{
	char	sql[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return util_int(db, sql);
}

/* A person (the test cannot go on without one). */
static __attribute__((unused)) int64_t
util_user(struct db *db, const char *name, enum role role)
{
	char	*cause = NULL;
	int64_t	 id;

	if ((id = user_create(db, name, NULL, NULL, role, "phc", &cause)) <
	    0) {
		printf("Bail out! user %s: %s\n", name, cause ? cause : "?");
		exit(99);
	}
	return id;
}

/*
 * Run a domain command as the writer does (writer.c, req_command): in a
 * transaction that commits if the command succeeded and rolls back if it
 * refused, so its events and other consequences run only on success. The
 * E_ code; the cause, if the command gave one, in *cause for the caller to
 * free, else NULL.
 */
static __attribute__((unused)) int
util_cmd(struct db *db, command_fn cmd, void *arg, char **cause)
{
	int	rc;

	*cause = NULL;
	if (db_begin(db) != 0) {
		printf("# util_cmd: begin: %s\n", db_errmsg(db));
		return E_INTERNAL;
	}
	if ((rc = cmd(db, arg, cause)) != E_OK)
		db_rollback(db);
	else if (db_commit(db) != 0)
		rc = E_INTERNAL;
	return rc;
}

/* A draft of a post, prepared as the web and the API prepare it
 * (post_prepare); NULL, after saying why, if post_prepare refuses it. */
static __attribute__((unused)) struct post_draft *
util_draft(struct db *db, struct arena *a, int64_t author,
    enum visibility vis, int64_t group, int64_t reply, const char *source)
{
	struct post_draft	*d = arena_alloc(a, sizeof *d);
	const char		*msg = NULL;

	d->arena = a;
	d->author_id = author;
	d->visibility = vis;
	d->group_id = group;
	d->in_reply_to_id = reply;
	d->source = source;
	if (post_prepare(db, d, "https://hearth.test", &msg) != 0) {
		printf("# util_draft: %s\n", msg ? msg : "?");
		return NULL;
	}
	return d;
}

/* Write a post through post_create_cmd as the writer does; its id, or 0
 * after saying why not. */
static __attribute__((unused)) int64_t
util_post(struct db *db, int64_t author, enum visibility vis, int64_t group,
    int64_t reply, const char *source)
{
	struct arena		*a = arena_new();
	struct post_draft	*d;
	char			*cause = NULL;
	int64_t			 id = 0;
	int			 rc;

	if ((d = util_draft(db, a, author, vis, group, reply, source)) !=
	    NULL) {
		if ((rc = util_cmd(db, post_create_cmd, d, &cause)) == E_OK)
			id = d->id;
		else
			printf("# util_post: %d %s\n", rc, cause ? cause : "");
	}
	free(cause);
	arena_free(a);
	return id;
}

/* A follow, as follow_set makes it; the E_ code. */
static __attribute__((unused)) int
util_follow(struct db *db, int64_t follower, int64_t followee, int add)
{
	struct toggle	 t = { follower, followee, add };
	char		*cause = NULL;
	int		 rc;

	rc = util_cmd(db, follow_set, &t, &cause);
	free(cause);
	return rc;
}

/*
 * The events the domain emitted, as subscribers heard them (after the
 * commit): util_listen forgets every subscriber (events_reset) and what was
 * heard, then hears every kind. A copy of each event is kept, its
 * recipients and text copied too, since events.c frees them.
 */
#define UTIL_EVENTS_MAX	64
#define UTIL_TO_MAX	16
struct util_event {
	struct event	 ev;		/* ev.to and ev.text: use to, text */
	int64_t		 to[UTIL_TO_MAX];
	size_t		 nto;
	char		 text[256];
};
static __attribute__((unused)) struct util_event util_events[UTIL_EVENTS_MAX];
static __attribute__((unused)) size_t	util_nevents;

static __attribute__((unused)) void
util_hear(struct db *db, const struct event *ev)
{
	struct util_event	*u;
	size_t			 i;

	(void)db;
	if (util_nevents == UTIL_EVENTS_MAX) {
		printf("# util_hear: more than %d events\n", UTIL_EVENTS_MAX);
		return;
	}
	u = &util_events[util_nevents++];
	memset(u, 0, sizeof *u);
	u->ev = *ev;
	u->ev.to = NULL;
	u->ev.text = NULL;
	for (i = 0; ev->to != NULL && i < ev->to->n && i < UTIL_TO_MAX; i++)
		u->to[u->nto++] = ev->to->ids[i];
	if (ev->text != NULL)
		snprintf(u->text, sizeof u->text, "%s", ev->text);
}

static __attribute__((unused)) void
util_listen(void)
{
	int	k;

	events_reset();
	util_nevents = 0;
	for (k = 0; k < EV_NKINDS; k++)
		events_subscribe((enum event_kind)k, util_hear);
}

/* How many events of a kind were heard. */
static __attribute__((unused)) int
util_heard(enum event_kind kind)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < util_nevents; i++)
		n += util_events[i].ev.kind == kind;
	return n;
}

/* The last event of a kind heard, or NULL. */
static __attribute__((unused)) const struct util_event *
util_last(enum event_kind kind)
{
	size_t	i;

	for (i = util_nevents; i > 0; i--) {
		if (util_events[i - 1].ev.kind == kind)
			return &util_events[i - 1];
	}
	return NULL;
}

/* Whether an event's recipients include a person. */
static __attribute__((unused)) int
util_to_has(const struct util_event *u, int64_t id)
{
	size_t	i;

	for (i = 0; u != NULL && i < u->nto; i++) {
		if (u->to[i] == id)
			return 1;
	}
	return 0;
}

#endif
