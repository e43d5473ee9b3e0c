/*
 * util.h: helpers shared by the unit tests that need files: a private
 * temporary directory removed at exit, and a migrated database in it.
 */
#ifndef UTIL_H
#define UTIL_H

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

#endif
