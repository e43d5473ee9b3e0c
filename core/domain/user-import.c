/*
 * user-import.c: people created in bulk from a CSV file (the admin
 * console's import and `hearthctl user import`). The file is checked
 * whole first (user_import_parse: every error names its line and field),
 * so a dry run and the real import see the same answer; the import then
 * creates everyone in one transaction, each with a generated password they
 * must replace at their first sign-in, and one audit row each.
 *
 * Columns: username,display_name,email,department,title[,admin]; a first
 * line starting with "username" is a header. Quoted fields ("a, b", "say
 * ""hi""") follow RFC 4180.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain.h"

#define FIELD_MAX	200

/* One field from *p, up to a comma or the end of the line; the field
 * is written into the arena. 1 if a field was read, 0 at the end of the
 * line (*p after it), -1 on a bad quote. */
static int
import_field(struct arena *a, const char **p, const char *end, char **out,
    int *eol)
{
	const char	*s = *p;
	char		*buf, *o;

	buf = o = arena_alloc(a, (size_t)(end - s) + 1);
	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s >= end)
				return -1;
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					*o++ = '"';
					s++;
					continue;
				}
				s++;
				break;
			}
			*o++ = *s;
		}
		if (s < end && *s != ',' && *s != '\n' && *s != '\r')
			return -1;
	} else {
		while (s < end && *s != ',' && *s != '\n' && *s != '\r')
			*o++ = *s++;
	}
	*o = '\0';
	*eol = 1;
	if (s < end && *s == ',') {
		s++;
		*eol = 0;
	} else {
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
	}
	*p = s;
	*out = buf;
	return 1;
}

/* Trim spaces at both ends, in place. */
static char *
import_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Note a row's first error: why, in English, with {n} the fields found
 * (row->why keeps the message, for the web's catalogue); cause, if not
 * NULL, is the error as it stands instead (a cause quoted). */
static void
import_error(struct import_row *row, struct arena *a, const char *field,
    const char *why, const char *cause)
{
	char	num[24];

	if (row->error != NULL)
		return;
	row->field = field;
	if (cause != NULL) {
		row->error = arena_strdup(a, cause);
		return;
	}
	snprintf(num, sizeof num, "%zu", row->nfields);
	row->why = why;
	row->error = i18n_format(a, why, "n", num, NULL);
}

/* The pattern of the cause just made, in the arena (the web shows it in
 * its reader's language), or NULL. */
static const struct cause *
import_said(struct arena *a, const char *cause)
{
	struct cause	*c = cause_take(cause), *copy = NULL;

	if (c != NULL) {
		copy = arena_alloc(a, sizeof *copy);
		memcpy(copy, c, sizeof *copy);
		cause_free(c);
	}
	return copy;
}

/* Whether an earlier row of the file has this username. */
static int
import_dup(const struct import *im, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcasecmp(im->rows[i].username, name) == 0)
			return 1;
	return 0;
}

/* Check one row's fields. */
static void
import_check(struct db *db, struct arena *a, struct import *im,
    struct import_row *row, size_t idx)
{
	char	*cause = NULL;

	if (!user_valid_name(row->username, &cause)) {
		import_error(row, a, "username", NULL, cause);
		row->said = import_said(a, cause);
		free(cause);
	} else if (user_get_by_name(db, a, row->username) != NULL)
		import_error(row, a, "username", N_("This username is already "
		    "taken."), NULL);
	else if (import_dup(im, idx, row->username))
		import_error(row, a, "username", N_("This username is on an "
		    "earlier line too."), NULL);
	if (strlen(row->display_name) > DISPLAY_NAME_MAX)
		import_error(row, a, "display_name", N_("The display name must "
		    "be at most 100 characters."), NULL);
	if (*row->email != '\0' && (strlen(row->email) > 254 ||
	    strchr(row->email, '@') == NULL || strpbrk(row->email, " <>") !=
	    NULL))
		import_error(row, a, "email", N_("Not an email address like "
		    "name@example.com."), NULL);
	if (strlen(row->department) > 100)
		import_error(row, a, "department", N_("The department must be "
		    "at most 100 characters."), NULL);
	if (strlen(row->title) > 100)
		import_error(row, a, "title", N_("The title must be at most "
		    "100 characters."), NULL);
}

/* What an admin column says: 1, 0, or -1 if it says neither. */
static int
import_admin(const char *s)
{
	static const char *const yes[] = { "1", "yes", "true", "admin", "y" };
	static const char *const no[] = { "", "0", "no", "false", "member",
	    "n" };
	size_t	i;

	for (i = 0; i < nitems(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (i = 0; i < nitems(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/*
 * Read and check a CSV file of people (at most max_rows). 0 with *im
 * filled (im->errors rows with an error, each naming line and field), or
 * -1 with im->error for the file as a whole (empty, too many rows).
 */
int
user_import_parse(struct db *db, struct arena *a, const char *csv,
    size_t len, size_t max_rows, struct import *im)
{
	static const char *const names[] = { "username", "display_name",
	    "email", "department", "title", "admin" };
	const char	*p = csv, *end = csv + len;
	char		*f[6], *x;
	size_t		 cap = 16, nf;
	int		 line = 0, eol, rc;

	memset(im, 0, sizeof *im);
	im->rows = arena_alloc(a, cap * sizeof *im->rows);
	while (p < end) {
		line++;
		nf = 0;
		eol = 0;
		memset(f, 0, sizeof f);
		while (!eol) {
			if ((rc = import_field(a, &p, end, &x, &eol)) < 0)
				break;
			if (nf < nitems(f))
				f[nf] = import_trim(x);
			nf++;
		}
		if (nf == 1 && *f[0] == '\0' && rc >= 0)
			continue;		/* an empty line */
		if (line == 1 && rc >= 0 && strcasecmp(f[0], "username") == 0)
			continue;		/* the header */
		if (im->n == max_rows) {
			/* n == max_rows says which (web/pages/admin-import.c
			 * words it in the reader's language) */
			im->error = arena_printf(a, "The file has more than "
			    "%zu people; split it.", max_rows);
			return -1;
		}
		if (im->n == cap) {
			struct import_row *n = arena_alloc(a, 2 * cap *
			    sizeof *n);

			memcpy(n, im->rows, cap * sizeof *n);
			im->rows = n;
			cap *= 2;
		}
		struct import_row *row = &im->rows[im->n];
		memset(row, 0, sizeof *row);
		row->line = line;
		row->username = f[0] ? f[0] : "";
		row->display_name = f[1] ? f[1] : "";
		row->email = f[2] ? f[2] : "";
		row->department = f[3] ? f[3] : "";
		row->title = f[4] ? f[4] : "";
		row->nfields = nf;
		if (rc < 0) {
			import_error(row, a, names[nf < 6 ? nf : 5],
			    N_("A quoted field is not closed properly."), NULL);
			/* skip the rest of the line */
			while (p < end && *p != '\n')
				p++;
			if (p < end)
				p++;
		} else if (nf < 5 || nf > 6)
			import_error(row, a, nf < 5 ? names[nf] : "admin",
			    N_("Expected 5 or 6 fields (username,display_name,"
			    "email,department,title[,admin]), found {n}."),
			    NULL);
		else if ((row->admin = import_admin(f[5] ? f[5] : "")) < 0)
			import_error(row, a, "admin", N_("Write yes or no (or "
			    "leave it empty)."), NULL);
		if (row->error == NULL)
			import_check(db, a, im, row, im->n);
		if (row->error != NULL)
			im->errors++;
		im->n++;
	}
	if (im->n == 0) {
		im->error = N_("The file names nobody.");
		return -1;
	}
	return 0;
}

/*
 * Create everyone a checked file names (no row in error), with phcs[i]
 * the hash of row i's generated password, in one transaction with an
 * audit row each. E_OK and ids[i], or an E_ code with *cause and nothing
 * created (someone took a username in between, say).
 */
int
user_import_write(struct db *db, struct arena *a,
    const struct audit_actor *who, const struct import *im,
    char *const *phcs, int64_t *ids, char **cause)
{
	size_t	 i;
	int64_t	 id;

	if (im->errors > 0) {
		*cause = xstrdup(N_("The file has errors; nobody was "
		    "created."));
		return E_INVALID;
	}
	if (db_begin(db) != 0) {
		*cause = xstrdup(db_errmsg(db));
		return E_INTERNAL;
	}
	for (i = 0; i < im->n; i++) {
		const struct import_row *row = &im->rows[i];
		json_t	*d;
		int	 rc;

		if (user_get_by_name(db, a, row->username) != NULL) {
			*cause = cause_new(N_("Line {line}: the username "
			    "'{name}' was taken meanwhile; nobody was "
			    "created."), CN("line", row->line), CT("name",
			    row->username));
			db_rollback(db);
			return E_CONFLICT;
		}
		if ((id = user_create(db, row->username, row->display_name,
		    row->email, row->admin ? ROLE_ADMIN : ROLE_MEMBER,
		    phcs[i], cause)) < 0) {
			db_rollback(db);
			return E_INVALID;
		}
		ids[i] = id;
		d = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i}",
		    "display_name", row->display_name, "email", row->email,
		    "department", row->department, "title", row->title,
		    "admin", row->admin, "generated_password", 1, "line",
		    row->line);
		rc = DB_RUN(db, "UPDATE users SET department = ?, job_title = ?, "
		    "must_change_password = 1 WHERE id = ?",
		    SQL_T(row->department), SQL_T(row->title), SQL_I(id)) == 1 &&
		    audit_record(db, who, "user.import", "user", id,
		    row->username, d) == 0;
		json_decref(d);
		if (!rc) {
			*cause = xstrdup(db_errmsg(db));
			db_rollback(db);
			return E_INTERNAL;
		}
	}
	if (db_commit(db) != 0) {
		*cause = xstrdup(db_errmsg(db));
		return E_INTERNAL;
	}
	return E_OK;
}
