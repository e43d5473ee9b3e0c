/* Unit tests for db.c: opening, migrations, the statement cache, backups. */
#include "hearth.h"
#include "tap.h"
#include "util.h"

static const struct migration good[] = {
	{ 1, "create", "CREATE TABLE t (a INTEGER NOT NULL);" },
	/* Needs 1 to have run first. */
	{ 2, "widen", "ALTER TABLE t ADD COLUMN b TEXT;"
	    "INSERT INTO t (a, b) VALUES (1, 'one');" },
};

/* Version 3 would create a table, then fails: nothing of it may remain. */
static const struct migration failing[] = {
	{ 1, "create", "CREATE TABLE t (a INTEGER NOT NULL);" },
	{ 2, "widen", "ALTER TABLE t ADD COLUMN b TEXT;"
	    "INSERT INTO t (a, b) VALUES (1, 'one');" },
	{ 3, "half", "CREATE TABLE half (x); INSERT INTO t (a) VALUES (3);"
	    "INSERT INTO no_such_table VALUES (1);" },
	{ 4, "after", "CREATE TABLE after_half (x);" },
};

static const struct migration good_other[] = {
	{ 1, "one", "CREATE TABLE o1 (x);" },
	{ 2, "two", "CREATE TABLE o2 (x);" },
};

/* A good migration before a bad one in the same run stays applied. */
static const struct migration mixed[] = {
	{ 1, "one", "CREATE TABLE m1 (x);" },
	{ 2, "two", "CREATE TABLE m2 (x);" },
	{ 3, "bad", "CREATE TABLE m3 (x); SELECT * FROM nowhere;" },
};

static void
test_open(void)
{
	struct db	*db;
	char		*cause = NULL;
	sqlite3_stmt	*st;
	const char	*mode = NULL;

	db = db_open(util_path("open.db"), SYNC_NORMAL, 0, &cause);
	ok(db != NULL, "db_open creates a database");
	if (db == NULL) {
		printf("#   %s\n", cause);
		exit(1);
	}
	if (sqlite3_prepare_v2(db_handle(db), "PRAGMA journal_mode", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		mode = (const char *)sqlite3_column_text(st, 0);
	is_str(mode, "wal", "journal_mode is WAL");
	sqlite3_finalize(st);
	is_int(util_int(db, "PRAGMA foreign_keys"), 1, "foreign_keys is on");
	is_int(util_int(db, "PRAGMA synchronous"), 1, "synchronous=NORMAL");
	ok(access(util_path("open.db"), F_OK) == 0, "file exists");
	db_close(db);

	db = db_open(util_path("open.db"), SYNC_FULL, DB_NOCHECKPOINT, &cause);
	ok(db != NULL && util_int(db, "PRAGMA wal_autocheckpoint") == 0,
	    "DB_NOCHECKPOINT turns off autocheckpoint");
	is_int(util_int(db, "PRAGMA synchronous"), 2, "synchronous=FULL");
	db_close(db);

	db = db_open(util_path("missing.db"), SYNC_FULL, DB_READONLY, &cause);
	ok(db == NULL && cause != NULL && strstr(cause, "missing.db") != NULL,
	    "read-only open of a missing file fails, naming it");
	free(cause);
	cause = NULL;
	db = db_open(util_path("nodir/x.db"), SYNC_FULL, 0, &cause);
	ok(db == NULL && cause != NULL, "open in a missing directory fails");
	free(cause);
}

static void
test_migrate(void)
{
	struct db	*db;
	char		*cause = NULL;

	db = db_open(util_path("mig.db"), SYNC_OFF, 0, &cause);
	is_int(db_schema_version(db, "test"), 0, "fresh db is at version 0");
	ok(db_migrate(db, "test", good, nitems(good), &cause) == 0,
	    "migrations apply");
	if (cause)
		printf("#   %s\n", cause);
	is_int(db_schema_version(db, "test"), 2, "version is now 2");
	is_int(util_int(db, "SELECT count(*) FROM schema_migrations "
	    "WHERE component = 'test'"), 2, "one row per migration");
	is_int(util_int(db, "SELECT count(*) FROM schema_migrations "
	    "WHERE component = 'test' AND version = 2 AND name = 'widen' "
	    "AND applied_at > 0"), 1, "row records version, name and time");
	is_int(util_int(db, "SELECT count(*) FROM t WHERE b = 'one'"), 1,
	    "migration 2 ran after 1");

	ok(db_migrate(db, "test", good, nitems(good), &cause) == 0,
	    "second run succeeds");
	is_int(util_int(db, "SELECT count(*) FROM t"), 1,
	    "second run applies nothing again");
	is_int(util_int(db, "SELECT count(*) FROM schema_migrations"), 2,
	    "no new rows on the second run");

	ok(db_migrate(db, "other", good_other, nitems(good_other), &cause) == 0,
	    "another component migrates independently");
	is_int(db_schema_version(db, "other"), 2, "other is at 2");
	is_int(db_schema_version(db, "test"), 2, "test is still at 2");

	ok(db_migrate(db, "test", failing, nitems(failing), &cause) == -1,
	    "a failing migration fails the run");
	ok(cause != NULL && strstr(cause, "test") != NULL &&
	    strstr(cause, " 3") != NULL && strstr(cause, "half") != NULL,
	    "error names the component, version and name");
	printf("#   cause: %s\n", cause ? cause : "(null)");
	free(cause);
	cause = NULL;
	is_int(db_schema_version(db, "test"), 2, "version stays 2");
	is_int(util_int(db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'half'"), 0, "its table was rolled back");
	is_int(util_int(db, "SELECT count(*) FROM t"), 1,
	    "its inserts were rolled back");
	is_int(util_int(db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'after_half'"), 0, "later migrations did not run");
	ok(sqlite3_get_autocommit(db_handle(db)), "no transaction left open");

	ok(db_migrate(db, "mixed", mixed, nitems(mixed), &cause) == -1,
	    "a run with a bad third migration fails");
	free(cause);
	cause = NULL;
	is_int(db_schema_version(db, "mixed"), 2,
	    "the good migrations before it stay applied");

	/* A newer hearth recorded version 9. */
	ok(db_exec(db, "INSERT INTO schema_migrations VALUES "
	    "('test', 9, 'future', 1)") == 0, "record a future version");
	ok(db_migrate(db, "test", good, nitems(good), &cause) == -1,
	    "a database from a newer hearth is refused");
	ok(cause != NULL && strstr(cause, "newer") != NULL &&
	    strstr(cause, "9") != NULL, "error says newer and the version");
	free(cause);
	cause = NULL;
	ok(db_migrate(db, "test", NULL, 0, &cause) == -1,
	    "refused even with no migrations known");
	free(cause);
	db_close(db);
}

static const char	sql_one[] = "SELECT 1";
static const char	sql_two[] = "SELECT 1";	/* same text, other address */
static const char	sql_bad[] = "SELEKT nonsense";

static void
test_prepare(void)
{
	struct db	*db;
	char		*cause = NULL;
	sqlite3_stmt	*a, *b, *c;

	db = db_open(util_path("prep.db"), SYNC_OFF, 0, &cause);
	a = db_prepare(db, sql_one);
	ok(a != NULL, "db_prepare compiles");
	ok(sqlite3_step(a) == SQLITE_ROW, "and steps");
	b = db_prepare(db, sql_one);
	ok(a == b, "same SQL string: the same cached statement");
	ok(sqlite3_stmt_busy(b) == 0, "returned reset");
	c = db_prepare(db, sql_two);
	ok(c != NULL && c != a, "another string: another statement");
	log_set_level(LOG_ERROR + 1);	/* the failure is logged: keep quiet */
	ok(db_prepare(db, sql_bad) == NULL, "bad SQL gives NULL");
	ok(db_prepare(db, sql_bad) == NULL, "... every time (not cached)");
	log_set_level(LOG_INFO);

	ok(db_begin(db) == 0 && !sqlite3_get_autocommit(db_handle(db)),
	    "db_begin opens a transaction");
	db_exec(db, "CREATE TABLE r (x)");
	db_rollback(db);
	is_int(util_int(db, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'r'"), 0, "db_rollback undoes it");
	db_rollback(db);
	ok(1, "db_rollback without a transaction is harmless");
	ok(db_begin(db) == 0 && db_exec(db, "CREATE TABLE k (x)") == 0 &&
	    db_exec(db, "INSERT INTO k VALUES (5)") == 0 &&
	    db_commit(db) == 0, "db_commit");
	is_int(db_changes(db), 1, "db_changes");
	is_int(db_last_id(db), 1, "db_last_id");
	ok(db_exec(db, "nonsense") == -1, "db_exec reports errors");
	db_close(db);
}

static void
test_backup(void)
{
	struct db	*db;
	char		*cause = NULL, dst[256];
	sqlite3		*copy;
	sqlite3_stmt	*st;
	long long	 n = -1;

	db = db_open(util_path("src.db"), SYNC_OFF, 0, &cause);
	db_exec(db, "CREATE TABLE b (x); INSERT INTO b VALUES (1), (2), (3)");
	snprintf(dst, sizeof dst, "%s", util_path("backup.db"));
	ok(db_backup(db, dst, &cause) == 0, "db_backup");
	ok(access(dst, F_OK) == 0, "backup file exists");
	snprintf(dst + strlen(dst), sizeof dst - strlen(dst), ".partial");
	ok(access(dst, F_OK) != 0, "no .partial left behind");
	dst[strlen(dst) - strlen(".partial")] = '\0';
	if (sqlite3_open_v2(dst, &copy, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(copy, "SELECT sum(x) FROM b", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(copy);
	is_int(n, 6, "the copy has the data");
	ok(db_backup(db, util_path("nodir/backup.db"), &cause) == -1 &&
	    cause != NULL, "backup into a missing directory fails");
	free(cause);
	db_close(db);
}

/*
 * Change stamps for groups (stamp.c): a group's row touches everything,
 * except when only its counters move (each post in a group did); a
 * column added later touches too.
 */
static void
test_stamp_groups(void)
{
	struct db	*db;
	char		*cause = NULL;
	uint64_t	 s;

	db = db_open(util_path("stamp.db"), SYNC_NORMAL, 0, &cause);
	if (db == NULL || db_migrate(db, "core", core_migrations,
	    core_nmigrations, &cause) != 0 || db_exec(db, "INSERT INTO groups "
	    "(id, name, created_at) VALUES (1, 'g', 0)") != 0 ||
	    stamp_watch(db_handle(db), &cause) != 0) {
		ok(0, "a database with change stamps: %s", cause ? cause : "?");
		return;
	}
	s = stamp_now();
	ok(db_exec(db, "UPDATE groups SET posts_count = posts_count + 1, "
	    "members_count = 2") == 0 && stamp_valid(s, STAMP_POST, 42),
	    "a group's counters moving touches nothing");
	s = stamp_now();
	ok(db_exec(db, "UPDATE groups SET visibility = 1") == 0 &&
	    !stamp_valid(s, STAMP_POST, 42) && !stamp_valid(s, STAMP_USER, 7),
	    "its visibility changing touches everything");
	s = stamp_now();
	ok(db_exec(db, "UPDATE groups SET name = 'h', posts_count = 3") == 0 &&
	    !stamp_valid(s, STAMP_POST, 42),
	    "... so does its name, with a counter");
	db_close(db);
	db = db_open(util_path("stamp.db"), SYNC_NORMAL, 0, &cause);
	if (db == NULL || db_exec(db, "ALTER TABLE groups ADD COLUMN later "
	    "TEXT") != 0 || stamp_watch(db_handle(db), &cause) != 0) {
		ok(0, "the database again: %s", cause ? cause : "?");
		return;
	}
	s = stamp_now();
	ok(db_exec(db, "UPDATE groups SET later = 'x'") == 0 &&
	    !stamp_valid(s, STAMP_POST, 42),
	    "a column added later touches everything too");
	db_close(db);
}

int
main(void)
{
	util_tmpdir();
	log_set_level(LOG_WARN);
	test_open();
	test_migrate();
	test_prepare();
	test_backup();
	test_stamp_groups();
	return done_testing();
}
