/*
 * store.h: hearth's storage: the SQLite connection and its transactions
 * (db.c), what runs after a commit (db_after_commit), the single writer
 * thread (writer.c), the checkpointer, the embedded schema, the instance
 * secret, and the remembered-answer checks: change stamps (stamp.c) and
 * per-person epochs (epoch.c). It knows tables and transactions, not people
 * or posts; the domain above it does.
 */
#ifndef HEARTH_STORE_H
#define HEARTH_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "lib.h"

struct arena;
struct json_t;		/* jansson's json_t, for those who include it */
struct idlist;

/* db.c */
struct db;
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
#define DB_READONLY	0x1
#define DB_NOCHECKPOINT	0x2	/* a checkpointer thread does it instead */
struct db	*db_open(const char *, enum sync_mode, int, char **);
void		 db_set_mmap(long);
void		 db_close(struct db *);
sqlite3		*db_handle(struct db *);
sqlite3_stmt	*db_prepare(struct db *, const char *);
int		 db_exec(struct db *, const char *);
int		 db_begin(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
void		 db_unwind(struct db *, int);
int		 db_migrate(struct db *, const char *, const struct migration *,
		     size_t, char **);
int		 db_schema_version(struct db *, const char *);
int		 db_backup(struct db *, const char *, char **);
int		 db_backup_progress(struct db *, const char *,
		     void (*)(void *, int, int), void *, char **);
const char	*db_errmsg(struct db *);
const char	*db_like_contains(struct arena *, const char *);
int64_t		 db_changes(struct db *);
int64_t		 db_last_id(struct db *);
int		 db_bump(struct db *, const char *, int64_t, int);
int		 db_stamp(struct db *, const char *, int64_t, int64_t);
int		 db_ping(struct db *);
int		 db_in_transaction(struct db *);
int		 db_read_begin(struct db *);
void		 db_read_end(struct db *);
uint64_t	 db_read_stamp(struct db *);
int		 db_read_current(struct db *);
int		 db_memo_ok(struct db *);
typedef void (*after_fn)(void *, int);
void		 db_after_commit(struct db *, after_fn, void *);
size_t		 db_after_mark(struct db *);
void		 db_after_cut(struct db *, size_t);

/* stamp.c: change stamps for answers remembered across requests */
enum stamp_kind {
	STAMP_ALL = 0,		/* everything (a group changed) */
	STAMP_POST = 1,		/* a post's row, favourites, mentions */
	STAMP_USER = 2,		/* a person's row */
	STAMP_REACH = 3,	/* whom a person follows, their groups */
	STAMP_SESSION = 4,	/* a session's row */
	STAMP_TOKEN = 5,	/* an API token's row */
};
#define STAMP_MAX_AGE	600	/* seconds; for writes nothing signalled */
#define STAMP_FILE	"hearth.changes"	/* in data_dir */
uint64_t	 stamp_now(void);
int		 stamp_valid(uint64_t, enum stamp_kind, int64_t);
int		 stamp_watch(sqlite3 *, char **);
int		 stamp_shared_open(const char *, int, char **);
void		 stamp_shared_raise(void);
int		 stamp_sync(void);

/* epoch.c: versions of what pages remember about a person */
int64_t		 epoch_person(int64_t);
void		 epoch_sync(void);
void		 epoch_touch(struct db *, int64_t);
void		 epoch_touch_all(struct db *);
int		 epoch_memo_get(int, int64_t, int64_t, int64_t *);
void		 epoch_memo_put(int, int64_t, int64_t, int64_t);
enum memo_kind { MEMO_UNREAD = 1, MEMO_MY_GROUPS, MEMO_SILENCED,
    MEMO_NOTIFY_OFF, MEMO_DRAFT, MEMO_UNREAD_ALL, MEMO_KINDS };
struct json_t		*db_memo_json(struct db *, int, int64_t, int64_t);
void		 db_memo_json_put(struct db *, int, int64_t, int64_t, struct json_t *);

/* schema.c (generated from schema/ by tools/embed-sql) */
extern const struct migration	core_migrations[];
extern const size_t		core_nmigrations;

/* checkpoint.c */
int		 checkpoint_start(const char *, char **);
void		 checkpoint_stop(void);

/* secret.c */
int		 secret_load(struct db *, char **);
const uint8_t	*secret_get(void);

/* vapid.c: the Web Push key pair, made at the first start */
int		 vapid_load(struct db *, char **);
const char	*vapid_pem(void);
const char	*vapid_public(void);

/* writer.c */
typedef int (*write_fn)(struct db *, void *);
typedef void (*written_fn)(void *, int);
typedef void (*writer_post_fn)(void *, void (*)(void *), void *);
int		 writer_start(const char *, enum sync_mode, writer_post_fn,
		     char **);
void		 writer_stop(void);
int		 writer_submit(void *, write_fn, written_fn, void *);
void		 writer_background(void *, write_fn, void *);
void		 writer_after_answers(void (*)(void *), void *);
/* What the writer has done, for the metrics. */
#define WRITER_SIZES_N	9	/* batches of 1, 2, 4 ... 256 writes */
struct writer_stats {
	uint64_t	 queued;		/* waiting now */
	uint64_t	 queue_max;
	uint64_t	 writes;		/* run in a committed batch */
	uint64_t	 failed;		/* rolled back, alone or whole */
	uint64_t	 refused;		/* the queue was full */
	uint64_t	 sizes[WRITER_SIZES_N + 1];	/* batches by size */
	uint64_t	 batch_us[PROM_SECONDS_N + 1];	/* begin to commit */
	uint64_t	 batch_us_sum;
	uint64_t	 commit_us[PROM_SECONDS_N + 1];	/* COMMIT alone */
	uint64_t	 commit_us_sum;
	int64_t		 page_cache_bytes;	/* its SQLite connection's */
	uint64_t	 page_cache_hits;
	uint64_t	 page_cache_misses;
};
void		 writer_stats(struct writer_stats *);

/*
 * Parameters to bind (db_bind, db_run; db.c): by name, or with no name the
 * k-th argument as the k-th "?". A number; text (NULL binds NULL); or an
 * id, where 0 binds NULL (an optional reference). A name the statement
 * does not have is skipped.
 */
enum sqlarg_kind { SQLARG_NUM, SQLARG_STR, SQLARG_ID, SQLARG_REAL };
struct sqlarg {
	const char	*name;
	enum sqlarg_kind kind;
	int64_t		 num;
	const char	*text;
	double		 real;
};
#define SQLARG_INT(n, v)	{ (n), SQLARG_NUM, (v), NULL, 0 }
#define SQLARG_TEXT(n, s)	{ (n), SQLARG_STR, 0, (s), 0 }
#define SQL_I(v)		SQLARG_INT(NULL, (v))
#define SQL_T(s)		SQLARG_TEXT(NULL, (s))
#define SQL_ID(v)		{ NULL, SQLARG_ID, (v), NULL, 0 }
#define SQL_F(v)		{ NULL, SQLARG_REAL, 0, NULL, (v) }
#define SQL_NULL		SQL_T(NULL)
void		 db_bind(sqlite3_stmt *, const struct sqlarg *, size_t);
int		 db_run(struct db *, const char *, const struct sqlarg *, size_t);
/* Run a statement that changes rows, its "?"s bound in order: how many rows
 * it changed, or -1. DB_RUN(db, "DELETE ... WHERE a = ? AND b = ?",
 * SQL_I(a), SQL_I(b)). */
#define DB_RUN(db, sql, ...) db_run((db), (sql), \
    (const struct sqlarg[]){ __VA_ARGS__ }, \
    sizeof((const struct sqlarg[]){ __VA_ARGS__ }) / sizeof(struct sqlarg))
int		 idlist_from_stmt(struct arena *, sqlite3_stmt *, struct idlist *,
		     struct idlist *);

#endif
