/*
 * welcome.c: a newcomer's guided start. The checklist's steps, each done
 * or not from what the person has really done (a photo, a job title,
 * people followed, groups joined, a post), the suggestions beside it
 * (colleagues from their department, the busiest open groups), putting it
 * away, and the company-wide group everyone joins when their account is
 * made (groups.default; docs/welcome.md).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "domain.h"

/* Fill w with where the person stands; 0, or -1 on a database error. */
int
welcome_state(struct db *db, const struct user *u, struct welcome *w)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(w, 0, sizeof *w);
	w->avatar = u->avatar_file != NULL && *u->avatar_file != '\0';
	w->title = u->job_title != NULL && *u->job_title != '\0';
	w->posted = u->statuses_count > 0;
	w->newcomer = u->created_at >= time(NULL) - WELCOME_DAYS * 86400;
	/* Counted, not read from following_count: outside accounts and
	 * disabled colleagues are no start inside the company. */
	st = db_prepare(db, "SELECT (SELECT count(*) FROM follows f JOIN "
	    "users u ON u.id = f.followee_id AND u.disabled = 0 AND u.origin "
	    "IS NULL WHERE f.follower_id = :user), (SELECT count(*) FROM "
	    "group_members m JOIN groups g ON g.id = m.group_id AND "
	    "g.is_default = 0 WHERE m.user_id = :user), EXISTS (SELECT 1 FROM "
	    "welcome_dismissed WHERE user_id = :user)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":user"),
	    u->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->nfollows = sqlite3_column_int64(st, 0);
		w->ngroups = sqlite3_column_int64(st, 1);
		w->dismissed = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	w->follows = w->nfollows >= WELCOME_FOLLOWS;
	w->groups = w->ngroups >= WELCOME_GROUPS;
	w->done = w->avatar + w->title + w->follows + w->groups + w->posted;
	return 0;
}

/* Suggestions are remembered per person for a while: the side column
 * asks on every page, and ranking a department by followers is a scan. */
#define PEOPLE_KEEP		12	/* ids remembered; callers take fewer */
#define PEOPLE_CACHE_ENTRIES	16384
#define PEOPLE_CACHE_TTL_US	(5ULL * 60 * 1000000)

static struct cache	*people_cache;
static pthread_once_t	 people_cache_once = PTHREAD_ONCE_INIT;

static void
people_cache_make(void)
{
	people_cache = cache_new(PEOPLE_CACHE_ENTRIES, PEOPLE_CACHE_TTL_US);
}

/* What the remembered list depends on: whom the person follows (their
 * count moves with every follow) and their department. */
static uint64_t
people_tag(const struct user *u)
{
	uint64_t	 h = 1469598103934665603ULL;
	const char	*c;

	for (c = u->department != NULL ? u->department : ""; *c != '\0';
	    c++)
		h = (h ^ (unsigned char)(*c | 0x20)) * 1099511628211ULL;
	return h ^ (uint64_t)u->following_count * 0x9e3779b97f4a7c15ULL;
}

/*
 * Colleagues to follow: enabled employees of the person's department (any
 * department when theirs is empty) they do not follow yet, the most
 * followed first (at most PEOPLE_KEEP). Two statements, so each walks an
 * index in that order and stops at the limit. Remembered while u's row
 * (as the caller read it) shows the same following_count and department.
 * 0, or -1 on a database error.
 */
int
welcome_people(struct db *db, struct arena *a, const struct user *u,
    int limit, struct idlist *ids)
{
	sqlite3_stmt	*st;
	struct evbuffer	*b;
	int64_t		 kept[PEOPLE_KEEP];
	size_t		 n, i;
	int		 rc, dept = u->department != NULL &&
			    *u->department != '\0';

	pthread_once(&people_cache_once, people_cache_make);
	if ((b = evbuffer_new()) == NULL)
		return -1;
	if (cache_emit(people_cache, u->id, people_tag(u), b)) {
		n = evbuffer_remove(b, kept, sizeof kept) / sizeof kept[0];
		evbuffer_free(b);
		for (i = 0; i < n && (int)i < limit; i++)
			idlist_add(a, ids, kept[i]);
		return 0;
	}
	evbuffer_free(b);
	st = dept ? db_prepare(db, "SELECT u.id FROM users u WHERE "
	    "u.department = :dept COLLATE NOCASE AND u.id <> :user AND "
	    "u.disabled = 0 AND u.origin IS NULL AND NOT EXISTS (SELECT 1 "
	    "FROM follows f WHERE f.follower_id = :user AND f.followee_id = "
	    "u.id) ORDER BY u.followers_count DESC, u.id LIMIT :limit") :
	    db_prepare(db, "SELECT u.id FROM users u WHERE u.id <> :user "
	    "AND u.disabled = 0 AND u.origin IS NULL AND NOT EXISTS (SELECT 1 "
	    "FROM follows f WHERE f.follower_id = :user AND f.followee_id = "
	    "u.id) ORDER BY u.followers_count DESC, u.id LIMIT :limit");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":user"),
	    u->id);
	if (dept)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st,
		    ":dept"), u->department, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"),
	    PEOPLE_KEEP);
	n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		kept[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	cache_put(people_cache, u->id, people_tag(u), kept, n * sizeof kept[0]);
	for (i = 0; i < n && (int)i < limit; i++)
		idlist_add(a, ids, kept[i]);
	return 0;
}

/*
 * Groups to join: open groups the person is not in, the company-wide one
 * left out, the largest and busiest first. 0, or -1 on a database error.
 */
int
welcome_groups(struct db *db, struct arena *a, int64_t user, int limit,
    struct idlist *ids)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT g.id FROM groups g WHERE g.visibility = "
	    SQL_GROUP_OPEN " AND g.is_default = 0 AND NOT EXISTS (SELECT 1 "
	    "FROM group_members m WHERE m.group_id = g.id AND m.user_id = "
	    ":user) ORDER BY g.members_count DESC, g.posts_count DESC, g.id "
	    "LIMIT :limit");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":user"),
	    user);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"),
	    limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(a, ids, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Command: put the checklist away (add) or bring it back. */
int
welcome_dismiss_cmd(struct db *db, void *arg, char **cause)
{
	struct toggle	*t = arg;
	int		 rc;

	if (t->add)
		rc = DB_RUN(db, "INSERT OR IGNORE INTO welcome_dismissed "
		    "(user_id, dismissed_at) VALUES (?, ?)", SQL_I(t->actor),
		    SQL_I(time(NULL)));
	else
		rc = DB_RUN(db, "DELETE FROM welcome_dismissed WHERE user_id = "
		    "?", SQL_I(t->actor));
	if (rc < 0) {
		*cause = xstrdup(N_("Saving the checklist failed"));
		return E_INTERNAL;
	}
	return E_OK;
}

/* The company-wide group's id, or 0 when there is none. */
int64_t
group_default_id(struct db *db)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	st = db_prepare(db, "SELECT id FROM groups WHERE is_default = 1 "
	    "ORDER BY id LIMIT 1");
	if (st == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/*
 * A new person joins the company-wide group, if there is one (inside
 * user_create's write, whichever process makes the account). 0, or -1 on
 * a database error.
 */
int
group_default_join(struct db *db, int64_t user)
{
	int	rc;

	if ((rc = DB_RUN(db, "INSERT OR IGNORE INTO group_members (group_id, "
	    "user_id, role, created_at) SELECT id, ?, 0, ? FROM groups WHERE "
	    "is_default = 1", SQL_I(user), SQL_I(time(NULL)))) < 0)
		return -1;
	if (rc == 0)
		return 0;
	epoch_touch(db, user);		/* their composer's groups */
	feed_forget_after(db, user);	/* its posts join their feed */
	return db_run(db, "UPDATE groups SET members_count = members_count + "
	    "1 WHERE is_default = 1", NULL, 0) < 0 ? -1 : 0;
}

/*
 * At start: make name the company-wide group (NULL or "": none). A group
 * of that name is marked, or made, open, and everyone there is joins it
 * when it is made, or first marked; after that, whoever leaves stays out.
 * Any other group loses the mark. 0, or -1 with *cause.
 */
int
group_default_setup(struct db *db, const char *name, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id = 0;
	int		 rc, marked = 0;

	if (db_begin(db) != 0) {
		*cause = xstrdup("groups.default: starting a transaction failed");
		return -1;
	}
	if (name == NULL || *name == '\0') {
		if (db_run(db, "UPDATE groups SET is_default = 0 WHERE "
		    "is_default = 1", NULL, 0) < 0)
			goto fail;
		goto commit;
	}
	if (strlen(name) > GROUP_NAME_MAX || strpbrk(name, "\r\n") != NULL) {
		db_rollback(db);
		*cause = xasprintf("groups.default: a group's name is 1 to %d "
		    "bytes on one line", GROUP_NAME_MAX);
		return -1;
	}
	st = db_prepare(db, "SELECT id, is_default FROM groups WHERE name = ? "
	    "COLLATE NOCASE");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		marked = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	if (DB_RUN(db, "UPDATE groups SET is_default = 0 WHERE is_default = 1 "
	    "AND id <> ?", SQL_I(id)) < 0)
		goto fail;
	if (marked)
		goto commit;
	if (id == 0) {
		if (DB_RUN(db, "INSERT INTO groups (name, description, "
		    "description_html, visibility, created_at) VALUES (?, ?, "
		    "?, " SQL_GROUP_OPEN ", ?)", SQL_T(name),
		    SQL_T("Everyone in the company."),
		    SQL_T("<p>Everyone in the company.</p>"),
		    SQL_I(time(NULL))) < 0)
			goto fail;
		id = db_last_id(db);
	}
	/* Site admins look after it, so that it has admins from the start. */
	if (DB_RUN(db, "UPDATE groups SET is_default = 1 WHERE id = ?",
	    SQL_I(id)) < 0 ||
	    DB_RUN(db, "INSERT OR IGNORE INTO group_members (group_id, user_id, "
	    "role, created_at) SELECT ?, id, role = 1, ? FROM users WHERE "
	    "disabled = 0 AND origin IS NULL", SQL_I(id),
	    SQL_I(time(NULL))) < 0 ||
	    DB_RUN(db, "UPDATE groups SET members_count = (SELECT count(*) FROM "
	    "group_members WHERE group_id = groups.id) WHERE id = ?",
	    SQL_I(id)) < 0)
		goto fail;
	log_info("groups.default: \"%s\" is now the company-wide group", name);
commit:
	if (db_commit(db) != 0) {
		*cause = xstrdup("groups.default: saving the group failed");
		return -1;
	}
	return 0;
fail:
	db_rollback(db);
	*cause = xasprintf("groups.default: %s", db_errmsg(db));
	return -1;
}
