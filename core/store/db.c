/*
 * db.c: the storage layer. Opens SQLite with hearth's pragmas, keeps a cache of
 * prepared statements per connection (keyed by the SQL string's address, since
 * every query is a string constant), wraps transactions, applies migrations
 * recorded per component, and takes consistent backups. What a change sets
 * off once it is safely on disk (feeds, streams, modules' after hooks) is
 * registered with db_after_commit inside the transaction and run by the
 * commit, or dropped by a rollback of the savepoint that registered it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "store.h"

#define DB_BUSY_MS	5000
#define STMT_BUCKETS	256

struct stmt {
	const char	*sql;
	sqlite3_stmt	*st;
	struct stmt	*next;
};

/* A remembered answer and the version it is good for (db_memo_json). */
struct memo {
	int64_t		 key;
	int64_t		 version;
	json_t		*json;		/* owned */
	int		 kind;
};
#define MEMO_SLOTS	16384	/* ~512 KB a connection */

/* What runs once the transaction commits (db_after_commit). */
struct after {
	after_fn	 fn;
	void		*arg;
};
#define AFTER_DEPTH	16	/* savepoints whose registrations are marked */

struct db {
	sqlite3		*sql;
	struct stmt	*cache[STMT_BUCKETS];
	int		 depth;		/* nested db_begin calls */
	struct after	*after;		/* registered in this transaction */
	size_t		 nafter, aftercap;
	size_t		 aftermark[AFTER_DEPTH];	/* at each db_begin */
	uint64_t	 read_stamp;	/* stamp_now() before db_read_begin */
	int		 mmap_on;	/* reading through the map (db_mmap) */
	int		 mmap_looked;	/* db_mmap_adapt looked once */
	double		 mmap_at;	/* when it last looked, seconds */
	uint64_t	 mmap_seq;	/* and the commits then */
	struct memo	 memo[MEMO_SLOTS];
};

static const char *const sync_pragmas[] = {
	"PRAGMA synchronous = OFF",
	"PRAGMA synchronous = NORMAL",
	"PRAGMA synchronous = FULL",
	"PRAGMA synchronous = EXTRA",
};

/* SQL's hearth_fold(text): text folded as search folds it (fold.c), for
 * migrations that fold what is already stored (schema 0019's tags). */
static void
db_fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*s = sqlite3_value_text(argv[0]);
	struct arena		*a;

	(void)argc;
	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	a = arena_new();
	sqlite3_result_text(ctx, fold_text(a, (const char *)s), -1,
	    SQLITE_TRANSIENT);
	arena_free(a);
}

/*
 * How much of the file each connection reads through a memory map instead
 * of pread (db_mmap; 0: none). SQLite's page cache (64 MiB a connection)
 * holds a fraction of a company's database, so a page, a peek or an
 * unread count missed it at nearly every post it looked at, and paid a
 * system call and a 4 KB copy for each: a posts row looked up by id cost
 * 5 us. Mapped, a page already in the OS page cache is a memory read
 * after its first touch, shared by every connection: the first 10 s after
 * a restart went from p99 41-89 ms to 18-23 ms. The cost: an I/O error on
 * a mapped page is a SIGBUS, not an error code. Set once, before the
 * first db_open.
 *
 * But in WAL mode SQLite empties a reader's page cache and throws its map
 * away whenever another connection committed (pagerBeginReadTransaction),
 * and a map is dearer to lose: 700 us to unmap, every page faulted in
 * again. At 19 commits a second (100 posts a second) the page served 23%
 * fewer requests mapped than through pread. So a reader's connection
 * drops its map once commits come DB_MMAP_OFF a second or more, and takes
 * it again once they are fewer than DB_MMAP_ON (db_mmap_adapt), looking
 * at least a second apart; a company's ordinary day is well under either.
 */
#define DB_MMAP_OFF	8	/* commits a second: pread from here */
#define DB_MMAP_ON	3	/* and the map again under this */

static long	db_mmap_bytes;
static char	db_mmap_pragma[64];

void
db_set_mmap(long bytes)
{
	db_mmap_bytes = bytes > 0 ? bytes : 0;
	snprintf(db_mmap_pragma, sizeof db_mmap_pragma,
	    "PRAGMA mmap_size = %ld", db_mmap_bytes);
}

/* Before a read transaction: at least a second after the last look, the
 * map off or on by the commits since (stamp.c counts them). */
static void
db_mmap_adapt(struct db *db)
{
	struct timespec	ts;
	uint64_t	seq;
	double		now, rate;

	if (db_mmap_bytes == 0 ||
	    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return;
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (db->mmap_looked && now - db->mmap_at < 1.0)
		return;
	seq = stamp_now();
	if (db->mmap_looked) {
		rate = (double)(seq - db->mmap_seq) / (now - db->mmap_at);
		if (db->mmap_on && rate >= DB_MMAP_OFF &&
		    db_exec(db, "PRAGMA mmap_size = 0") == 0) {
			db->mmap_on = 0;
			log_debug("db: %.0f commits a second: reading with "
			    "pread", rate);
		} else if (!db->mmap_on && rate < DB_MMAP_ON &&
		    db_exec(db, db_mmap_pragma) == 0) {
			db->mmap_on = 1;
			log_debug("db: %.0f commits a second: reading through "
			    "the map again", rate);
		}
	}
	db->mmap_looked = 1;
	db->mmap_at = now;
	db->mmap_seq = seq;
}

/*
 * Open (creating if needed) a database with WAL, foreign keys and a busy
 * timeout. With DB_NOCHECKPOINT, commits never run a checkpoint themselves:
 * checkpoint.c does it on its own thread so no request waits for one.
 */
struct db *
db_open(const char *path, enum sync_mode sync, int flags, char **cause)
{
	struct db	*db;
	int		 oflags, rc;

	oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;	/* one connection per thread */
	db = xcalloc(1, sizeof *db);
	rc = sqlite3_open_v2(path, &db->sql, oflags, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, db->sql ?
		    sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, DB_BUSY_MS);
	if (!(flags & DB_READONLY) &&
	    db_exec(db, "PRAGMA journal_mode = WAL") != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db->sql));
		goto fail;
	}
	if (db_exec(db, "PRAGMA foreign_keys = ON") != 0 ||
	    db_exec(db, sync_pragmas[sync]) != 0 ||
	    db_exec(db, "PRAGMA temp_store = MEMORY") != 0 ||
	    db_exec(db, "PRAGMA cache_size = -65536") != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db->sql));
		goto fail;
	}
	if (db_mmap_bytes > 0 && db_exec(db, db_mmap_pragma) != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db->sql));
		goto fail;
	}
	db->mmap_on = db_mmap_bytes > 0;
	if ((flags & DB_NOCHECKPOINT) &&
	    db_exec(db, "PRAGMA wal_autocheckpoint = 0") != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db->sql));
		goto fail;
	}
	if (sqlite3_create_function(db->sql, "hearth_fold", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL, db_fold_fn, NULL,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db->sql));
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

/* Finalize cached statements and close. */
void
db_close(struct db *db)
{
	struct stmt	*s, *next;
	size_t		 i;

	if (db == NULL)
		return;
	for (i = 0; i < STMT_BUCKETS; i++) {
		for (s = db->cache[i]; s != NULL; s = next) {
			next = s->next;
			sqlite3_finalize(s->st);
			free(s);
		}
	}
	for (i = 0; i < MEMO_SLOTS; i++)
		json_decref(db->memo[i].json);
	db_after_cut(db, 0);
	free(db->after);
	sqlite3_close_v2(db->sql);
	free(db);
}

/*
 * Run fn(arg, 1) once the current transaction commits, on the committing
 * thread, in the order registered; if it, or the savepoint that is open
 * now, rolls back instead, fn(arg, 0) only lets arg go. Outside a
 * transaction the change is already committed: fn runs now.
 */
void
db_after_commit(struct db *db, after_fn fn, void *arg)
{
	if (!db_in_transaction(db)) {
		fn(arg, 1);
		return;
	}
	if (db->nafter == db->aftercap) {
		db->aftercap = db->aftercap ? db->aftercap * 2 : 16;
		db->after = xrealloc(db->after, db->aftercap *
		    sizeof *db->after);
	}
	db->after[db->nafter].fn = fn;
	db->after[db->nafter].arg = arg;
	db->nafter++;
}

/* How many are registered (a savepoint the caller opened itself). */
size_t
db_after_mark(struct db *db)
{
	return db->nafter;
}

/* Drop those registered since mark: their changes rolled back. */
void
db_after_cut(struct db *db, size_t mark)
{
	while (db->nafter > mark) {
		db->nafter--;
		db->after[db->nafter].fn(db->after[db->nafter].arg, 0);
	}
}

/* The commit happened: run everything registered, in order. */
static void
db_after_run(struct db *db)
{
	struct after	*list = db->after;
	size_t		 i, n = db->nafter;

	/* A callback may register more (a change it makes itself, outside
	 * any transaction, runs at once): take the list first. */
	db->after = NULL;
	db->nafter = db->aftercap = 0;
	for (i = 0; i < n; i++)
		list[i].fn(list[i].arg, 1);
	free(list);
}

/* The raw handle, for the few callers that need the SQLite API directly. */
sqlite3 *
db_handle(struct db *db)
{
	return db->sql;
}

/* The last error message on this connection. */
const char *
db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->sql);
}

/*
 * A LIKE pattern for "contains q", with LIKE's own wildcards taken
 * literally (use it with ESCAPE '\\'); NULL when q is NULL or empty, so
 * "?1 IS NULL OR ..." matches everything.
 */
const char *
db_like_contains(struct arena *a, const char *q)
{
	char		*like;
	const char	*s;
	size_t		 n = 0;

	if (q == NULL || *q == '\0')
		return NULL;
	like = arena_alloc(a, 2 * strlen(q) + 3);
	like[n++] = '%';
	for (s = q; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			like[n++] = '\\';
		like[n++] = *s;
	}
	like[n++] = '%';
	like[n] = '\0';
	return like;
}

/* Rows changed by the last statement. */
int64_t
db_changes(struct db *db)
{
	return sqlite3_changes64(db->sql);
}

/* Rowid of the last insert. */
int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->sql);
}

/*
 * A reset, unbound statement for a constant SQL string, prepared once per
 * connection. NULL (logged) if the SQL does not compile.
 */
sqlite3_stmt *
db_prepare(struct db *db, const char *sql)
{
	size_t		 b = ((uintptr_t)sql >> 3) % STMT_BUCKETS;
	struct stmt	*s;

	for (s = db->cache[b]; s != NULL; s = s->next) {
		if (s->sql == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return s->st;
		}
	}
	s = xcalloc(1, sizeof *s);
	if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &s->st, NULL) != SQLITE_OK) {
		log_error("db: cannot prepare \"%.80s\": %s", sql,
		    sqlite3_errmsg(db->sql));
		free(s);
		return NULL;
	}
	s->sql = sql;
	s->next = db->cache[b];
	db->cache[b] = s;
	return s->st;
}

/* Run SQL without results; 0 or -1. */
int
db_exec(struct db *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db->sql, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_debug("db: \"%.60s\": %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/*
 * Start a write transaction, taking the write lock at once. Nested calls
 * (a domain function called inside the writer's batch, say) become
 * savepoints, so every domain write can be written as one transaction and
 * still compose.
 */
int
db_begin(struct db *db)
{
	int	rc;

	if (db->depth > 0)
		rc = db_exec(db, "SAVEPOINT nested");
	else
		rc = db_exec(db, "BEGIN IMMEDIATE");
	if (rc == 0) {
		if (db->depth < AFTER_DEPTH)
			db->aftermark[db->depth] = db->nafter;
		db->depth++;
	}
	return rc;
}

/* Commit; with synchronous=FULL the write is on disk when this returns. */
int
db_commit(struct db *db)
{
	if (db->depth > 1) {
		if (db_exec(db, "RELEASE nested") != 0) {
			db_rollback(db);
			return -1;
		}
		db->depth--;
		return 0;
	}
	if (db_exec(db, "COMMIT") == 0) {
		db->depth = 0;
		db_after_run(db);
		return 0;
	}
	log_error("db: commit failed: %s", sqlite3_errmsg(db->sql));
	db_rollback(db);
	return -1;
}

/* Roll back the innermost transaction or savepoint. */
void
db_rollback(struct db *db)
{
	if (db->depth > 1) {
		db_exec(db, "ROLLBACK TO nested");
		db_exec(db, "RELEASE nested");
		db->depth--;
		if (db->depth < AFTER_DEPTH)
			db_after_cut(db, db->aftermark[db->depth]);
		return;
	}
	if (!sqlite3_get_autocommit(db->sql))
		db_exec(db, "ROLLBACK");
	db->depth = 0;
	db_after_cut(db, 0);
}

static int	db_step_once(struct db *, const char *);

/*
 * One read transaction around a whole read-only request: its statements
 * then see one snapshot and share one WAL read lock, instead of taking and
 * dropping it (two fcntl(2) calls) each. 0 if one was begun.
 */
int
db_read_begin(struct db *db)
{
	if (db->depth > 0 || !sqlite3_get_autocommit(db->sql))
		return -1;
	db_mmap_adapt(db);
	/* Taken before the snapshot: what is read is at least this new. */
	db->read_stamp = stamp_now();
	if (db_step_once(db, "BEGIN DEFERRED") != 0) {
		db->read_stamp = 0;
		return -1;
	}
	return 0;
}

/*
 * The change stamp of the open read transaction's snapshot (see stamp.c),
 * or 0 outside one: each statement then reads its own snapshot, and what
 * it reads must not be remembered.
 */
uint64_t
db_read_stamp(struct db *db)
{
	return db->depth == 0 && !sqlite3_get_autocommit(db->sql) ?
	    db->read_stamp : 0;
}

/*
 * Whether the open read transaction's snapshot is still the newest state:
 * no commit since it began. Only then may an answer be remembered under a
 * version read after the snapshot began (epoch.c): a commit in between
 * may already have moved the version while the snapshot predates it.
 */
int
db_read_current(struct db *db)
{
	uint64_t	s = db_read_stamp(db);

	return s != 0 && stamp_now() == s;
}

/*
 * Whether what is remembered between requests may answer a read on db:
 * not inside a write transaction, whose own uncommitted changes no stamp
 * knows about yet.
 */
int
db_memo_ok(struct db *db)
{
	return db->depth == 0;
}

/* End the read transaction db_read_begin began. */
void
db_read_end(struct db *db)
{
	if (db->depth == 0 && !sqlite3_get_autocommit(db->sql))
		(void)db_step_once(db, "COMMIT");
	db->read_stamp = 0;
}

/* Run a cached statement that returns no rows; 0 if it worked. Cheaper
 * than db_exec, which parses its SQL every time. */
static int
db_step_once(struct db *db, const char *sql)
{
	sqlite3_stmt	*st = db_prepare(db, sql);
	int		 rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Whether a transaction is open (a statement now is not yet on disk). */
int
db_in_transaction(struct db *db)
{
	return db->depth > 0 || !sqlite3_get_autocommit(db->sql);
}

/* Roll back nested savepoints until only depth levels remain. */
void
db_unwind(struct db *db, int depth)
{
	while (db->depth > depth)
		db_rollback(db);
}

/* Create the table that records which migrations ran. */
static int
db_migrations_table(struct db *db)
{
	return db_exec(db,
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " component TEXT NOT NULL,"
	    " version INTEGER NOT NULL,"
	    " name TEXT NOT NULL,"
	    " applied_at INTEGER NOT NULL,"
	    " PRIMARY KEY (component, version)) STRICT");
}

/* Highest applied version of a component, 0 if none, -1 on error. */
int
db_schema_version(struct db *db, const char *component)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (db_migrations_table(db) != 0)
		return -1;
	if (sqlite3_prepare_v2(db->sql, "SELECT coalesce(max(version), 0) "
	    "FROM schema_migrations WHERE component = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, component, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Apply a component's pending migrations in order, each in its own
 * transaction together with its record. A database that has a version this
 * binary does not know was written by a newer hearth, and is refused.
 */
int
db_migrate(struct db *db, const char *component, const struct migration *m,
    size_t n, char **cause)
{
	sqlite3_stmt	*st = NULL;
	char		*err = NULL;
	int		 have, known = n ? m[n - 1].version : 0, rc = -1;
	size_t		 i;

	if ((have = db_schema_version(db, component)) < 0) {
		*cause = xasprintf("reading schema version of %s: %s",
		    component, sqlite3_errmsg(db->sql));
		return -1;
	}
	if (have > known) {
		*cause = xasprintf("the database was written by a newer hearth: "
		    "%s schema version %d, this hearth knows up to %d; "
		    "upgrade hearth or restore a backup", component, have,
		    known);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (m[i].version <= have)
			continue;
		if (db_begin(db) != 0) {
			*cause = xasprintf("%s migration %d: %s", component,
			    m[i].version, sqlite3_errmsg(db->sql));
			return -1;
		}
		/* Another process may have migrated while we waited. */
		if (db_schema_version(db, component) >= m[i].version) {
			db_rollback(db);
			continue;
		}
		if (sqlite3_exec(db->sql, m[i].sql, NULL, NULL, &err) !=
		    SQLITE_OK) {
			*cause = xasprintf("%s migration %d (%s): %s", component,
			    m[i].version, m[i].name, err ? err : "?");
			sqlite3_free(err);
			goto fail;
		}
		if (sqlite3_prepare_v2(db->sql, "INSERT INTO schema_migrations "
		    "(component, version, name, applied_at) VALUES (?, ?, ?, ?)",
		    -1, &st, NULL) != SQLITE_OK)
			goto fail_msg;
		sqlite3_bind_text(st, 1, component, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, m[i].version);
		sqlite3_bind_text(st, 3, m[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail_msg;
		sqlite3_finalize(st);
		st = NULL;
		if (db_commit(db) != 0) {
			*cause = xasprintf("%s migration %d: commit failed",
			    component, m[i].version);
			return -1;
		}
		log_info("db: applied %s migration %d (%s)", component,
		    m[i].version, m[i].name);
	}
	return 0;
fail_msg:
	*cause = xasprintf("%s migration %d: %s", component, m[i].version,
	    sqlite3_errmsg(db->sql));
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return rc;
}

/*
 * Write a consistent copy to path with the online backup API; the copy is
 * written to a temporary name and renamed into place only when complete.
 */
int
db_backup(struct db *db, const char *path, char **cause)
{
	return db_backup_progress(db, path, NULL, NULL, cause);
}

/*
 * db_backup, telling progress(arg, pages copied, pages in all) as it goes.
 * The whole copy is read in one read transaction on db: in WAL mode that
 * never blocks a writer (hearthd commits on, into the WAL, while the copy
 * is taken) and it pins one snapshot, so the copy is the database as it
 * was when the copy began. Without it each step would take a snapshot of
 * its own, and SQLite starts the copy over whenever another process has
 * committed since the last step: under steady writes, a large database
 * would never finish. The price is that the WAL cannot be checkpointed
 * past the snapshot until the copy ends, so it grows meanwhile.
 */
int
db_backup_progress(struct db *db, const char *path,
    void (*progress)(void *, int, int), void *arg, char **cause)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	char		*tmp = xasprintf("%s.partial", path);
	int		 rc, ret = -1, reading = 0;

	/* The snapshot first: once the copy's file exists, it is taken. */
	if (db->depth == 0 && sqlite3_get_autocommit(db->sql)) {
		if (db_exec(db, "BEGIN DEFERRED; SELECT count(*) FROM "
		    "sqlite_schema") != 0) {
			*cause = xasprintf("%s: %s", path,
			    sqlite3_errmsg(db->sql));
			goto out;
		}
		reading = 1;
	}
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", db->sql, "main")) == NULL) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, 4096);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
		else if (progress != NULL)
			progress(arg, sqlite3_backup_pagecount(b) -
			    sqlite3_backup_remaining(b),
			    sqlite3_backup_pagecount(b));
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("%s: %s", path, sqlite3_errstr(rc));
		goto out;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	dst = NULL;
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (reading)
		db_exec(db, "COMMIT");
	if (dst != NULL)
		sqlite3_close(dst);
	if (ret != 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/*
 * Run an UPDATE that moves one counter: sql binds the delta as ?1 and the
 * row's id as ?2. The domain keeps counters next to what they count and
 * moves them in the same transaction as the change. 0 or -1.
 */
int
db_bump(struct db *db, const char *sql, int64_t id, int delta)
{
	sqlite3_stmt	*st = db_prepare(db, sql);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, delta);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Run an UPDATE that stamps the time now as its first parameter, with the
 * row picked by one or two ids (?2, ?3; b is ignored when the statement
 * has no ?3). How many rows it changed, or -1.
 */
int
db_stamp(struct db *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt	*st = db_prepare(db, sql);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, time(NULL));
	sqlite3_bind_int64(st, 2, a);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, b);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? (int)db_changes(db) : -1;
}

/*
 * Memos: a JSON answer a page asks for every time (a person's groups for
 * the composer), remembered per connection under a version the caller
 * makes (epoch.c), to be read before computing the answer, so a commit in
 * between makes the memo stale rather than wrong.
 */
static struct memo *
db_memo_slot(struct db *db, int kind, int64_t key)
{
	return &db->memo[((uint64_t)key * 31 + kind) % MEMO_SLOTS];
}

/* A remembered JSON value (borrowed: valid until the next put), or NULL. */
json_t *
db_memo_json(struct db *db, int kind, int64_t key, int64_t version)
{
	struct memo	*m = db_memo_slot(db, kind, key);

	if (version == 0 || m->kind != kind || m->key != key ||
	    m->version != version)
		return NULL;
	return m->json;
}

/* Remember a JSON value; takes the reference. */
void
db_memo_json_put(struct db *db, int kind, int64_t key, int64_t version,
    json_t *json)
{
	struct memo	*m = db_memo_slot(db, kind, key);

	m->kind = kind;
	m->key = key;
	m->version = version;
	json_decref(m->json);
	m->json = json;
}

/* Whether the connection answers a trivial query (health checks). */
int
db_ping(struct db *db)
{
	sqlite3_stmt	*st = db_prepare(db, "SELECT 1");
	int		 ok;

	if (st == NULL)
		return 0;
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* Bind each parameter the statement has (text is copied by SQLite). */
void
db_bind(sqlite3_stmt *st, const struct sqlarg *args, size_t n)
{
	size_t	 k;
	int	 i;

	for (k = 0; k < n; k++) {
		i = args[k].name == NULL ? (int)k + 1 :
		    sqlite3_bind_parameter_index(st, args[k].name);
		if (i <= 0)
			continue;
		if ((args[k].kind == SQLARG_STR && args[k].text == NULL) ||
		    (args[k].kind == SQLARG_ID && args[k].num == 0))
			sqlite3_bind_null(st, i);
		else if (args[k].kind == SQLARG_STR)
			sqlite3_bind_text(st, i, args[k].text, -1,
			    SQLITE_TRANSIENT);
		else if (args[k].kind == SQLARG_REAL)
			sqlite3_bind_double(st, i, args[k].real);
		else
			sqlite3_bind_int64(st, i, args[k].num);
	}
}

/*
 * Run a statement that changes rows (INSERT, UPDATE, DELETE) with args
 * bound: how many rows it changed, or -1. The statement's other
 * parameters are left NULL.
 */
int
db_run(struct db *db, const char *sql, const struct sqlarg *args, size_t n)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	db_bind(st, args, n);
	rc = sqlite3_step(st);
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? (int)db_changes(db) : -1;
}

/*
 * Step a statement to the end, collecting column 0 into ids and, if cursors
 * is not NULL, column 1 into cursors. The statement is reset. 0 or -1.
 */
int
idlist_from_stmt(struct arena *a, sqlite3_stmt *st, struct idlist *ids,
    struct idlist *cursors)
{
	int	rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		idlist_add(a, ids, sqlite3_column_int64(st, 0));
		if (cursors != NULL)
			idlist_add(a, cursors, sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		log_error("db: %s", sqlite3_errstr(rc));
	return rc == SQLITE_DONE ? 0 : -1;
}
