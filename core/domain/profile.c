/*
 * profile.c: what people say about themselves (display name, bio, job
 * title, department, location, phone, pronouns, avatar, header) and the
 * extra fields an admin defines for the whole company, plus the company
 * directory built from them.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

#define PROFILE_FIELDS_MAX 16

/* Check an edit's lengths before anything is written; -1 with *cause. */
int
profile_check(const struct profile_edit *e, char **cause)
{
	static const struct { const char *name; size_t off, max; } lim[] = {
		{ "display_name", offsetof(struct profile_edit, display_name), 100 },
		{ "note", offsetof(struct profile_edit, bio), PROFILE_BIO_MAX },
		{ "job_title", offsetof(struct profile_edit, job_title), PROFILE_TEXT_MAX },
		{ "department", offsetof(struct profile_edit, department), PROFILE_TEXT_MAX },
		{ "location", offsetof(struct profile_edit, location), PROFILE_TEXT_MAX },
		{ "phone", offsetof(struct profile_edit, phone), 50 },
		{ "pronouns", offsetof(struct profile_edit, pronouns), 50 },
	};
	const char	*v;
	size_t		 i;

	for (i = 0; i < nitems(lim); i++) {
		v = *(const char **)((const char *)e + lim[i].off);
		if (v != NULL && strlen(v) > lim[i].max) {
			*cause = cause_new(N_("{field} must be at most {max} "
			    "bytes"), CT("field", lim[i].name), CN("max",
			    lim[i].max));
			return -1;
		}
		if (v != NULL && strpbrk(v, "\r\n") != NULL &&
		    lim[i].off != offsetof(struct profile_edit, bio)) {
			*cause = cause_new(N_("{field} must be one line"),
			    CT("field", lim[i].name));
			return -1;
		}
	}
	if (e->display_name != NULL && *e->display_name == '\0') {
		*cause = cause_new(N_("{field} must not be empty"),
		    CT("field", "display_name"));
		return -1;
	}
	for (i = 0; i < e->nfields; i++) {
		if (strlen(e->fields[i].value) > PROFILE_TEXT_MAX) {
			*cause = cause_new(N_("field '{name}' must be at most "
			    "{max} bytes"), CT("name", e->fields[i].key),
			    CN("max", PROFILE_TEXT_MAX));
			return -1;
		}
		if (strpbrk(e->fields[i].value, "\r\n") != NULL) {
			*cause = cause_new(N_("field '{name}' must be one "
			    "line"), CT("name", e->fields[i].key));
			return -1;
		}
	}
	return 0;
}

/* Set one text column if the edit has a value for it. */
static int
profile_set(struct db *db, int64_t user, const char *sql, const char *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (v == NULL)
		return 0;
	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Apply an edit in one transaction. Fields are matched by the admin-defined
 * name; an unknown name is E_INVALID; an empty value clears the field.
 */
int
profile_update(struct db *db, int64_t user, const struct profile_edit *e,
    char **cause)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int64_t		 field;
	int		 rc = E_INTERNAL;

	if (profile_check(e, cause) != 0)
		return E_INVALID;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if (profile_set(db, user, "UPDATE users SET display_name = ? "
	    "WHERE id = ?", e->display_name) != 0 ||
	    profile_set(db, user, "UPDATE users SET bio_source = ? "
	    "WHERE id = ?", e->bio) != 0 ||
	    profile_set(db, user, "UPDATE users SET bio_html = ? "
	    "WHERE id = ?", e->bio_html) != 0 ||
	    profile_set(db, user, "UPDATE users SET job_title = ? "
	    "WHERE id = ?", e->job_title) != 0 ||
	    profile_set(db, user, "UPDATE users SET department = ? "
	    "WHERE id = ?", e->department) != 0 ||
	    profile_set(db, user, "UPDATE users SET location = ? "
	    "WHERE id = ?", e->location) != 0 ||
	    profile_set(db, user, "UPDATE users SET phone = ? "
	    "WHERE id = ?", e->phone) != 0 ||
	    profile_set(db, user, "UPDATE users SET pronouns = ? "
	    "WHERE id = ?", e->pronouns) != 0 ||
	    profile_set(db, user, "UPDATE users SET avatar_file = ? "
	    "WHERE id = ?", e->avatar_file) != 0 ||
	    profile_set(db, user, "UPDATE users SET header_file = ? "
	    "WHERE id = ?", e->header_file) != 0)
		goto fail;
	for (i = 0; i < e->nfields; i++) {
		st = db_prepare(db, "SELECT id FROM profile_fields WHERE "
		    "name = ?");
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, e->fields[i].key, -1, SQLITE_STATIC);
		field = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (field == 0) {
			*cause = xasprintf("there is no profile field '%s'",
			    e->fields[i].key);
			rc = E_INVALID;
			goto fail;
		}
		if (*e->fields[i].value == '\0')
			st = db_prepare(db, "DELETE FROM profile_values WHERE "
			    "user_id = ?1 AND field_id = ?2 AND ?3 IS NOT NULL");
		else
			st = db_prepare(db, "INSERT INTO profile_values (user_id, "
			    "field_id, value) VALUES (?1, ?2, ?3) ON CONFLICT DO "
			    "UPDATE SET value = excluded.value");
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, user);
		sqlite3_bind_int64(st, 2, field);
		sqlite3_bind_text(st, 3, e->fields[i].value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			rc = E_INTERNAL;
			goto fail;
		}
		rc = E_INTERNAL;
	}
	st = db_prepare(db, "UPDATE users SET updated_at = ?, version = "
	    "version + 1 WHERE id = ?");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, time(NULL));
	sqlite3_bind_int64(st, 2, user);
	sqlite3_step(st);
	sqlite3_reset(st);
	if (db_commit(db) != 0)
		return E_INTERNAL;
	return E_OK;
fail:
	if (rc == E_INTERNAL && *cause == NULL)
		*cause = xasprintf("saving the profile failed: %s",
		    db_errmsg(db));
	db_rollback(db);
	return rc;
}

/* The company's fields with a person's values ("" where unset), in order. */
int
profile_fields(struct db *db, struct arena *a, int64_t user,
    struct profile_field **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct profile_field *f;
	size_t		 cap = PROFILE_FIELDS_MAX;
	int		 rc;

	*n = 0;
	*out = f = arena_alloc(a, cap * sizeof *f);
	st = db_prepare(db, "SELECT f.id, f.name, coalesce(v.value, '') FROM "
	    "profile_fields f LEFT JOIN profile_values v ON v.field_id = f.id "
	    "AND v.user_id = ? ORDER BY f.position, f.id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		f[*n].id = sqlite3_column_int64(st, 0);
		f[*n].name = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 1));
		f[*n].value = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 2));
		(*n)++;
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * Define a company-wide profile field, or move one that exists. A position
 * below 0 puts a new field after the others and leaves an existing one where
 * it is.
 */
int
profile_field_define(struct db *db, const char *name, int position,
    char **cause)
{
	sqlite3_stmt	*st;
	int		 rc, count = 0, exists = 0;

	if (*name == '\0' || strlen(name) > 50 || strpbrk(name, "\r\n")) {
		*cause = xstrdup("a field name is 1 to 50 bytes on one line");
		return E_INVALID;
	}
	st = db_prepare(db, "SELECT count(*), coalesce(sum(name = ?), 0) "
	    "FROM profile_fields");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		count = sqlite3_column_int(st, 0);
		exists = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return E_INTERNAL;
	if (!exists && count >= PROFILE_FIELDS_MAX) {
		*cause = xasprintf("at most %d profile fields",
		    PROFILE_FIELDS_MAX);
		return E_INVALID;
	}
	st = db_prepare(db, "INSERT INTO profile_fields (name, position, "
	    "created_at) VALUES (?1, CASE WHEN ?2 < 0 THEN (SELECT "
	    "coalesce(max(position), -1) + 1 FROM profile_fields) ELSE ?2 END, "
	    "?3) ON CONFLICT (name) DO UPDATE SET position = CASE WHEN ?2 < 0 "
	    "THEN position ELSE ?2 END");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, position);
	sqlite3_bind_int64(st, 3, time(NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return E_INTERNAL;
	/* Every Account shows the company's fields: cached ones are stale. */
	return db_exec(db, "UPDATE users SET version = version + 1") == 0 ?
	    E_OK : E_INTERNAL;
}

/*
 * The company's fields in order, with how many people filled each in.
 * 0, or -1 on a database error.
 */
int
profile_field_list(struct db *db, struct arena *a,
    struct profile_field_def **out, size_t *n)
{
	sqlite3_stmt		*st;
	struct profile_field_def *f;
	int			 rc;

	*n = 0;
	*out = f = arena_alloc(a, PROFILE_FIELDS_MAX * sizeof *f);
	st = db_prepare(db, "SELECT f.id, f.name, f.position, (SELECT "
	    "count(*) FROM profile_values v WHERE v.field_id = f.id) FROM "
	    "profile_fields f ORDER BY f.position, f.id");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    *n < PROFILE_FIELDS_MAX) {
		f[*n].id = sqlite3_column_int64(st, 0);
		f[*n].name = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 1));
		f[*n].position = sqlite3_column_int(st, 2);
		f[*n].values = sqlite3_column_int64(st, 3);
		(*n)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Remove a company-wide profile field and everyone's value for it. */
int
profile_field_remove(struct db *db, const char *name)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "DELETE FROM profile_fields WHERE name = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return E_INTERNAL;
	if (db_changes(db) == 0)
		return E_NOTFOUND;
	return db_exec(db, "UPDATE users SET version = version + 1") == 0 ?
	    E_OK : E_INTERNAL;
}

/*
 * The company directory: active people, optionally in one department and
 * matching a name prefix, by recent posts (DIRECTORY_ACTIVE, Mastodon's
 * default), newest account first (DIRECTORY_NEW) or by display name.
 * offset/limit as Mastodon's /api/v1/directory.
 */
int
directory_list(struct db *db, struct arena *a, const char *department,
    const char *query, enum directory_order order, int offset, int limit,
    struct idlist *out)
{
#define DIR_ALL "SELECT u.id FROM users u WHERE "
#define DIR_FTS "SELECT u.id FROM users_fts f JOIN users u ON u.id = " \
    "f.rowid WHERE users_fts MATCH ?1 AND "
#define DIR_WHERE "u.disabled = 0 AND u.origin IS NULL AND (?2 IS NULL OR u.department = ?2 " \
    "COLLATE NOCASE) ORDER BY "
#define DIR_ACTIVE "u.last_status_at IS NULL, u.last_status_at DESC, u.id " \
    "DESC LIMIT ?3 OFFSET ?4"
#define DIR_NEW "u.created_at DESC, u.id DESC LIMIT ?3 OFFSET ?4"
#define DIR_NAME "u.display_name COLLATE NOCASE, u.id LIMIT ?3 OFFSET ?4"
	static const char *const sql[2][3] = {
		{ DIR_ALL DIR_WHERE DIR_ACTIVE, DIR_ALL DIR_WHERE DIR_NEW,
		  DIR_ALL DIR_WHERE DIR_NAME },
		{ DIR_FTS DIR_WHERE DIR_ACTIVE, DIR_FTS DIR_WHERE DIR_NEW,
		  DIR_FTS DIR_WHERE DIR_NAME },
	};
	sqlite3_stmt	*st;
	char		*fts = NULL;

	if ((unsigned)order > DIRECTORY_NAME)
		order = DIRECTORY_ACTIVE;
	if (query != NULL && *query != '\0' &&
	    (fts = search_fts_query(a, query, 1)) == NULL)
		return 0;	/* no words to look for: nobody matches */
	if ((st = db_prepare(db, sql[fts != NULL][order])) == NULL)
		return -1;
	if (fts != NULL)
		sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	if (department != NULL && *department != '\0')
		sqlite3_bind_text(st, 2, department, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	sqlite3_bind_int(st, 4, offset);
	return idlist_from_stmt(a, st, out, NULL);
#undef DIR_ALL
#undef DIR_FTS
#undef DIR_WHERE
#undef DIR_ACTIVE
#undef DIR_NEW
#undef DIR_NAME
}

/* The departments active people are in, by name, as a JSON array of
 * strings (at most 200). */
int
directory_departments(struct db *db, json_t *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT DISTINCT department FROM users WHERE "
	    "disabled = 0 AND department IS NOT NULL AND department != '' "
	    "ORDER BY department COLLATE NOCASE LIMIT 200");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(out, json_string((const char *)
		    sqlite3_column_text(st, 0)));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
