/*
 * user.c: people. Usernames, roles, the disabled flag and password hashes,
 * and leaving the company (user_deactivate: the one way out).
 * Changing a password or disabling an account ends every session in the same
 * transaction, so there is no moment when an old session still works.
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "domain.h"


#define USER_COLUMNS "id, username, display_name, email, role, disabled, " \
    "created_at, password_hash, bio_source, bio_html, job_title, " \
    "department, location, phone, pronouns, avatar_file, header_file, " \
    "followers_count, following_count, statuses_count, " \
    "coalesce(last_status_at, 0), origin, outside_uri, outside_url, " \
    "must_change_password, coalesce(last_active_at, 0), locale, time_zone"

/* Whether a username is acceptable: 1-30 of [A-Za-z0-9_], like Mastodon. */
int
user_valid_name(const char *name, char **cause)
{
	size_t	i, len = strlen(name);

	if (len == 0 || len > USERNAME_MAX) {
		*cause = cause_new(N_("The username must be 1 to {max} "
		    "characters."), CN("max", USERNAME_MAX));
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_') {
			*cause = xstrdup(N_("The username may contain only "
			    "letters, digits and '_'."));
			return 0;
		}
	}
	return 1;
}

/* Copy a column into the arena (NULL stays NULL). */
static const char *
col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return t ? arena_strdup(a, (const char *)t) : NULL;
}

/* Build a user from a row of USER_COLUMNS. */
static struct user *
user_from_row(struct arena *a, sqlite3_stmt *st)
{
	struct user	*u = arena_alloc(a, sizeof *u);

	u->id = sqlite3_column_int64(st, 0);
	u->username = col_text(a, st, 1);
	u->display_name = col_text(a, st, 2);
	u->email = col_text(a, st, 3);
	u->role = sqlite3_column_int(st, 4) ? ROLE_ADMIN : ROLE_MEMBER;
	u->disabled = sqlite3_column_int(st, 5);
	u->created_at = sqlite3_column_int64(st, 6);
	u->password_hash = col_text(a, st, 7);
	u->bio_source = col_text(a, st, 8);
	u->bio_html = col_text(a, st, 9);
	u->job_title = col_text(a, st, 10);
	u->department = col_text(a, st, 11);
	u->location = col_text(a, st, 12);
	u->phone = col_text(a, st, 13);
	u->pronouns = col_text(a, st, 14);
	u->avatar_file = col_text(a, st, 15);
	u->header_file = col_text(a, st, 16);
	u->followers_count = sqlite3_column_int64(st, 17);
	u->following_count = sqlite3_column_int64(st, 18);
	u->statuses_count = sqlite3_column_int64(st, 19);
	u->last_status_at = sqlite3_column_int64(st, 20);
	if (sqlite3_column_type(st, 21) != SQLITE_NULL) {
		u->origin = col_text(a, st, 21);
		u->outside_uri = col_text(a, st, 22);
		u->outside_url = col_text(a, st, 23);
	}
	u->must_change_password = sqlite3_column_int(st, 24);
	u->last_active_at = sqlite3_column_int64(st, 25);
	u->locale = col_text(a, st, 26);
	u->time_zone = col_text(a, st, 27);
	return u;
}

/* Create a person; returns the id, or -1 with *cause (e.g. name taken). */
int64_t
user_create(struct db *db, const char *username, const char *display_name,
    const char *email, enum role role, const char *phc, char **cause)
{
	struct event	 ev;
	sqlite3_stmt	*st;
	int64_t		 now = time(NULL);
	int		 rc;

	if (!user_valid_name(username, cause))
		return -1;
	if (display_name == NULL || *display_name == '\0')
		display_name = username;
	if (strlen(display_name) > DISPLAY_NAME_MAX) {
		*cause = cause_new(N_("The display name must be at most {max} "
		    "bytes."), CN("max", DISPLAY_NAME_MAX));
		return -1;
	}
	st = db_prepare(db, "INSERT INTO users (username, display_name, email, "
	    "role, password_hash, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL) {
		*cause = xstrdup(db_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display_name, -1, SQLITE_STATIC);
	if (email != NULL && *email != '\0')
		sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, role);
	sqlite3_bind_text(st, 5, phc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		*cause = cause_new(N_("The username '{name}' is already "
		    "taken."), CT("name", username));
		return -1;
	}
	if (rc != SQLITE_DONE) {
		*cause = xstrdup(db_errmsg(db));
		return -1;
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_USER_CREATED;
	ev.id = db_last_id(db);
	/* Everyone starts in the company-wide group (welcome.c). */
	if (group_default_join(db, ev.id) != 0) {
		*cause = xstrdup(db_errmsg(db));
		return -1;
	}
	ev.text = username;
	events_emit(db, &ev);
	return ev.id;
}

/* A person by id, or NULL. */
struct user *
user_get(struct db *db, struct arena *a, int64_t id)
{
	sqlite3_stmt	*st;
	struct user	*u = NULL;
	int64_t		 now = time(NULL);

	/* Every signed-in request loads its person (auth-memo.c). */
	if (db_memo_ok(db) && (u = user_memo_get(id, a, now)) != NULL)
		return u;
	st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		u = user_from_row(a, st);
	sqlite3_reset(st);
	if (u != NULL)
		user_memo_put(u, db_read_stamp(db), now);
	return u;
}

/*
 * A person by username (case-insensitive), or NULL. Employees only: an
 * outside account's name ("bob@example.org") must never sign in, be
 * mentioned as a colleague or be looked up as one.
 */
struct user *
user_get_by_name(struct db *db, struct arena *a, const char *name)
{
	sqlite3_stmt	*st;
	struct user	*u = NULL;

	st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users "
	    "WHERE username = ? AND origin IS NULL");
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		u = user_from_row(a, st);
	sqlite3_reset(st);
	return u;
}

/*
 * An outside account (the bridge's) by what someone typed to find it:
 * "name@host" (a leading @ allowed) or its actor id or profile page URL.
 * NULL if none is known here.
 */
struct user *
user_get_outside(struct db *db, struct arena *a, const char *q)
{
	sqlite3_stmt	*st;
	struct user	*u = NULL;

	if (*q == '@')
		q++;
	st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE "
	    "origin IS NOT NULL AND disabled = 0 AND (username = ?1 OR "
	    "outside_uri = ?1 OR outside_url = ?1) ORDER BY username = ?1 "
	    "DESC LIMIT 1");
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		u = user_from_row(a, st);
	sqlite3_reset(st);
	return u;
}

/* Set a new password hash and end every session of that person. */
int
user_set_password(struct db *db, int64_t id, const char *phc)
{
	return user_change_password(db, id, phc, 0);	/* keeps none */
}

/*
 * Disable (or re-enable) a person. Disabling ends their sessions; their API
 * tokens stop working because every lookup checks the flag.
 */
int
user_set_disabled(struct db *db, int64_t id, int disabled)
{
	/* One way to leave, whoever says so (identity.c). */
	return (disabled ? user_deactivate(db, id, "admin") :
	    user_reactivate(db, id)) == E_OK ? 0 : -1;
}

/*
 * Whether the person must choose a new password at their next sign-in
 * before doing anything else: set when an admin gave them one (generated
 * at creation, or a reset), cleared when they choose their own.
 */
int
user_set_must_change(struct db *db, int64_t id, int on)
{
	return DB_RUN(db, "UPDATE users SET must_change_password = ? WHERE "
	    "id = ?", SQL_I(on != 0), SQL_I(id)) == 1 ? 0 : -1;
}

/* Combine a person's version and counters into one fingerprint. */
uint64_t
user_tag(int64_t version, int64_t followers, int64_t following,
    int64_t statuses, int64_t last_status_at)
{
	return (uint64_t)version * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)followers * 1000003ULL ^ (uint64_t)following << 21 ^
	    (uint64_t)statuses << 42 ^ (uint64_t)last_status_at;
}

/*
 * A fingerprint of everything an Account shows that can change (the
 * version bumped by profile changes, and the counters): 0 and *tag, or -1
 * if there is no such person.
 */
int
user_fingerprint(struct db *db, int64_t id, uint64_t *tag)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	st = db_prepare(db, "SELECT version, followers_count, following_count, "
	    "statuses_count, coalesce(last_status_at, 0) FROM users WHERE "
	    "id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*tag = user_tag(sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* Make a person an admin or a member. */
int
user_set_role(struct db *db, int64_t id, enum role role)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "UPDATE users SET role = ?, updated_at = ?, "
	    "version = version + 1 WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, role);
	sqlite3_bind_int64(st, 2, time(NULL));
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE && db_changes(db) == 1 ? 0 : -1;
}

/* Call cb for every person, by username. */
int
user_list(struct db *db, struct arena *a,
    void (*cb)(const struct user *, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users "
	    "WHERE origin IS NULL ORDER BY username");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(user_from_row(a, st), arg);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Set a person's own new password and end their other sessions, keeping
 * the one they changed it from (a password change from the settings page;
 * 0 keeps none).
 */
int
user_change_password(struct db *db, int64_t id, const char *phc,
    int64_t keep_session)
{
	if (db_begin(db) != 0)
		return -1;
	if (DB_RUN(db, "UPDATE users SET password_hash = ?, updated_at = ?, "
	    "must_change_password = 0 WHERE id = ?", SQL_T(phc),
	    SQL_I(time(NULL)), SQL_I(id)) != 1 ||
	    session_end_others(db, id, keep_session) != 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}

/*
 * Call cb for a page of people, by username: those whose username, display
 * name or email contains q (all if q is NULL or empty), skipping offset.
 * Asks for limit + 1 so the caller knows whether there is a next page;
 * returns how many cb saw, or -1.
 */
int
user_page(struct db *db, struct arena *a, const char *q, int offset,
    int limit, void (*cb)(const struct user *, void *), void *arg)
{
	sqlite3_stmt	*st;
	const char	*like = db_like_contains(a, q);
	int		 rc, seen = 0;

	st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE "
	    "origin IS NULL AND (?1 IS NULL OR username LIKE ?1 ESCAPE '\\' OR "
	    "display_name LIKE ?1 ESCAPE '\\' OR coalesce(email, '') LIKE ?1 "
	    "ESCAPE '\\') ORDER BY username LIMIT ?2 OFFSET ?3");
	if (st == NULL)
		return -1;
	if (like != NULL)
		sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit + 1);
	sqlite3_bind_int(st, 3, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cb(user_from_row(a, st), arg);
		seen++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? seen : -1;
}

/*
 * The admin's table of people: filtered by q (name, username, email,
 * department or title contains), department (exactly) and status, sorted
 * by one column either way; a page of limit + 1 (so the caller knows of a
 * next page). One literal statement per order, as db_prepare caches them.
 */
#define PEOPLE_WHERE "SELECT " USER_COLUMNS " FROM users WHERE origin IS " \
    "NULL AND (?1 IS NULL OR username LIKE ?1 ESCAPE '\\' OR display_name " \
    "LIKE ?1 ESCAPE '\\' OR coalesce(email, '') LIKE ?1 ESCAPE '\\' OR " \
    "department LIKE ?1 ESCAPE '\\' OR job_title LIKE ?1 ESCAPE '\\') AND " \
    "(?2 IS NULL OR department = ?2 COLLATE NOCASE) AND (?3 = 0 OR " \
    "(?3 = 1 AND disabled = 0) OR (?3 = 2 AND disabled = 1) OR " \
    "(?3 = 3 AND role = 1) OR (?3 = 4 AND must_change_password = 1)) "
#define PEOPLE_PAGE " LIMIT ?4 OFFSET ?5"
static const char *const people_sql[PEOPLE_SORTS][2] = {
	[PEOPLE_BY_NAME] = {
	    PEOPLE_WHERE "ORDER BY display_name COLLATE NOCASE, username"
	    PEOPLE_PAGE,
	    PEOPLE_WHERE "ORDER BY display_name COLLATE NOCASE DESC, username "
	    "DESC" PEOPLE_PAGE },
	[PEOPLE_BY_DEPARTMENT] = {
	    PEOPLE_WHERE "ORDER BY department = '', department COLLATE "
	    "NOCASE, username" PEOPLE_PAGE,
	    PEOPLE_WHERE "ORDER BY department = '', department COLLATE NOCASE "
	    "DESC, username" PEOPLE_PAGE },
	[PEOPLE_BY_LAST_ACTIVE] = {
	    PEOPLE_WHERE "ORDER BY coalesce(last_active_at, 0), username"
	    PEOPLE_PAGE,
	    PEOPLE_WHERE "ORDER BY coalesce(last_active_at, 0) DESC, username"
	    PEOPLE_PAGE },
	[PEOPLE_BY_STATUS] = {
	    PEOPLE_WHERE "ORDER BY disabled, must_change_password, role DESC, "
	    "username" PEOPLE_PAGE,
	    PEOPLE_WHERE "ORDER BY disabled DESC, must_change_password DESC, "
	    "role, username" PEOPLE_PAGE },
};

/* Call cb for a page of the admin's table (see people_sql); how many, or
 * -1. */
int
user_admin_page(struct db *db, struct arena *a, const struct people_query *pq,
    int offset, int limit, void (*cb)(const struct user *, void *), void *arg)
{
	sqlite3_stmt	*st;
	const char	*like = db_like_contains(a, pq->q);
	int		 rc, seen = 0;

	if (pq->sort < 0 || pq->sort >= PEOPLE_SORTS)
		return -1;
	st = db_prepare(db, people_sql[pq->sort][pq->desc != 0]);
	if (st == NULL)
		return -1;
	if (like != NULL)
		sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	if (pq->department != NULL && *pq->department != '\0')
		sqlite3_bind_text(st, 2, pq->department, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, pq->status);
	sqlite3_bind_int(st, 4, limit + 1);
	sqlite3_bind_int(st, 5, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cb(user_from_row(a, st), arg);
		seen++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? seen : -1;
}

/* Call cb for each department someone local is in, by name. */
int
user_departments(struct db *db, void (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT DISTINCT department FROM users WHERE "
	    "origin IS NULL AND department != '' ORDER BY department COLLATE "
	    "NOCASE");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(st, 0), arg);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* How many enabled admins there are; -1 on error. */
int
user_admins(struct db *db)
{
	sqlite3_stmt	*st;
	int		 n = -1;

	st = db_prepare(db, "SELECT count(*) FROM users WHERE role = 1 AND "
	    "disabled = 0");
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Whether id is an enabled instance admin (as the database says now). */
int
user_is_admin(struct db *db, int64_t id)
{
	sqlite3_stmt	*st;
	int		 yes = 0;

	st = db_prepare(db, "SELECT 1 FROM users WHERE id = ? AND role = 1 AND "
	    "disabled = 0");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/*
 * The rules every admin action shares: the actor is an enabled admin and
 * the target exists. E_OK with *target, or an E_ code with *cause.
 */
static int
user_admin_check(struct db *db, struct arena *a, int64_t actor,
    int64_t target_id, struct user **target, char **cause)
{
	struct user	*u = user_get(db, a, actor);

	if (u == NULL || u->disabled || u->role != ROLE_ADMIN) {
		*cause = xstrdup(N_("This action is for administrators."));
		return E_FORBIDDEN;
	}
	if (target_id == 0)
		return E_OK;
	if ((*target = user_get(db, a, target_id)) == NULL) {
		*cause = xstrdup(N_("There is no such person."));
		return E_NOTFOUND;
	}
	return E_OK;
}

/* An admin creates a person; E_OK and *id, or an E_ code with *cause. */
int
user_admin_create(struct db *db, struct arena *a, int64_t actor,
    const char *username, const char *display_name, const char *email,
    enum role role, const char *phc, int64_t *id, char **cause)
{
	int	rc;

	if ((rc = user_admin_check(db, a, actor, 0, NULL, cause)) != E_OK)
		return rc;
	if (user_get_by_name(db, a, username) != NULL) {
		*cause = cause_new(N_("The username '{name}' is already "
		    "taken."), CT("name", username));
		return E_CONFLICT;
	}
	if ((*id = user_create(db, username, display_name, email, role, phc,
	    cause)) < 0)
		return E_INVALID;
	return E_OK;
}

/*
 * An admin makes someone an admin or a member. Nobody demotes themselves,
 * and the last enabled admin stays one, so the company is never left
 * without anyone who can manage it.
 */
int
user_admin_set_role(struct db *db, struct arena *a, int64_t actor,
    int64_t target, enum role role, char **cause)
{
	struct user	*u;
	int		 rc;

	if ((rc = user_admin_check(db, a, actor, target, &u, cause)) != E_OK)
		return rc;
	if (role != ROLE_ADMIN && u->role == ROLE_ADMIN) {
		if (target == actor) {
			*cause = xstrdup(N_("You cannot remove your own admin "
			    "role; ask another admin."));
			return E_FORBIDDEN;
		}
		if (!u->disabled && user_admins(db) <= 1) {
			*cause = xstrdup(N_("This is the last admin; make "
			    "someone else an admin first."));
			return E_FORBIDDEN;
		}
	}
	return user_set_role(db, target, role) == 0 ? E_OK : E_INTERNAL;
}

/*
 * An admin disables or enables someone. Disabling ends their sessions
 * (user_set_disabled); nobody disables themselves or the last admin.
 */
int
user_admin_set_disabled(struct db *db, struct arena *a, int64_t actor,
    int64_t target, int disabled, char **cause)
{
	struct user	*u;
	int		 rc;

	if ((rc = user_admin_check(db, a, actor, target, &u, cause)) != E_OK)
		return rc;
	if (disabled && target == actor) {
		*cause = xstrdup(N_("You cannot disable your own account."));
		return E_FORBIDDEN;
	}
	if (disabled && u->role == ROLE_ADMIN && !u->disabled &&
	    user_admins(db) <= 1) {
		*cause = xstrdup(N_("This is the last admin; make someone "
		    "else an admin first."));
		return E_FORBIDDEN;
	}
	return user_set_disabled(db, target, disabled) == 0 ? E_OK :
	    E_INTERNAL;
}

/* An admin sets someone's password (a reset): their sessions end. */
int
user_admin_set_password(struct db *db, struct arena *a, int64_t actor,
    int64_t target, const char *phc, char **cause)
{
	struct user	*u;
	int		 rc;

	if ((rc = user_admin_check(db, a, actor, target, &u, cause)) != E_OK)
		return rc;
	/* The admin knows the new password: the person must replace it. */
	return user_set_password(db, target, phc) == 0 &&
	    user_set_must_change(db, target, 1) == 0 ? E_OK : E_INTERNAL;
}

/*
 * A person left the company (SCIM, a directory sync, an admin): the
 * account is disabled, every session, API token and app grant ends now,
 * their streams close (EV_ACCESS_ENDED), and they vanish from the
 * directory, search and mentions. Their posts stay, marked as a former
 * employee's. `by` says which path, for the log. E_NOTFOUND if no such
 * person; E_OK if they had already left.
 */
int
user_deactivate(struct db *db, int64_t user, const char *by)
{
	struct event	ev;
	int64_t		now = time(NULL);
	int		n;

	if (db_begin(db) != 0)
		return E_INTERNAL;
	n = DB_RUN(db, "UPDATE users SET disabled = 1, deactivated_at = "
	    "coalesce(deactivated_at, ?), updated_at = ?, version = version + 1 "
	    "WHERE id = ? AND origin IS NULL", SQL_I(now), SQL_I(now),
	    SQL_I(user));
	if (n != 1)
		goto fail;
	if (session_end_all(db, user) != 0 ||
	    DB_RUN(db, "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND "
	    "revoked_at IS NULL", SQL_I(now), SQL_I(user)) < 0 ||
	    DB_RUN(db, "DELETE FROM oauth_codes WHERE user_id = ?",
	    SQL_I(user)) < 0)
		goto fail;
	epoch_touch_all(db);
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_ACCESS_ENDED;
	ev.actor = user;
	ev.text = by;
	events_emit(db, &ev);
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(db);
	return n == 0 ? E_NOTFOUND : E_INTERNAL;
}

/* A person came back (SCIM active again, an admin enabling them): they
 * may sign in again; nothing that ended comes back. */
int
user_reactivate(struct db *db, int64_t user)
{
	int	n;

	n = DB_RUN(db, "UPDATE users SET disabled = 0, deactivated_at = NULL, "
	    "updated_at = ?, version = version + 1 WHERE id = ? AND "
	    "origin IS NULL", SQL_I(time(NULL)), SQL_I(user));
	if (n > 0)
		epoch_touch_all(db);
	return n == 1 ? E_OK : n == 0 ? E_NOTFOUND : E_INTERNAL;
}
