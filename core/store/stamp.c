/*
 * stamp.c: change stamps, so an answer read from one snapshot can be kept
 * in memory and trusted until a row it depends on changes.
 *
 * A global sequence counts commits. Each watched
 * thing (a post, a person's row, a person's reach: whom they follow and
 * which groups they are in) hashes to a slot that holds the sequence
 * number of the last commit that touched it. A reader takes the sequence
 * before its snapshot begins (db_read_begin) and stamps what it remembers
 * with it; the memory is good while every slot it depends on is at or
 * below that stamp. Slots move only after the commit (SQLite's WAL hook
 * runs once the commit is durable and the write lock released), and a
 * writer answers its client only after that, so whoever was told "done"
 * never reads the older answer. Slots are shared: a collision only costs
 * a re-read.
 *
 * The touches come from TEMP triggers on hearthd's own connections, so no
 * write path can forget one. Writes from another process (hearthctl) fire
 * no trigger here: hearthctl raises a counter in a small shared file in the
 * data directory (STAMP_FILE) after it wrote, and hearthd, before each
 * request, treats a moved counter as a touch of everything. Whatever may
 * still slip by (a hearthctl that could not open the file says so) is
 * remembered for at most STAMP_MAX_AGE seconds.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

#define STAMP_SLOTS	(1 << 17)
#define PENDING_MAX	256

static _Atomic uint64_t	 seq = 1;
static _Atomic uint64_t	 everything;	/* stamp of the last touch of all */
static _Atomic uint64_t	 touched[STAMP_SLOTS];

/* The counter other processes raise, mapped from STAMP_FILE. */
static uint64_t		*shared;
static _Atomic uint64_t	 shared_seen;

/* Touched inside the transaction now open on this thread's connection. */
static __thread uint32_t pending[PENDING_MAX];
static __thread size_t	 npending;
static __thread int	 pending_all;

static uint32_t
stamp_slot(enum stamp_kind kind, int64_t id)
{
	uint64_t	h = ((uint64_t)id << 3 | (uint64_t)kind) *
			    0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 47) & (STAMP_SLOTS - 1);
}

/* The stamp a reader about to begin a snapshot gives what it reads. */
uint64_t
stamp_now(void)
{
	return atomic_load(&seq);
}

/* Whether nothing of kind and id changed after stamp. */
int
stamp_valid(uint64_t stamp, enum stamp_kind kind, int64_t id)
{
	return stamp != 0 && atomic_load(&everything) <= stamp &&
	    atomic_load(&touched[stamp_slot(kind, id)]) <= stamp;
}

static void
stamp_raise(_Atomic uint64_t *slot, uint64_t to)
{
	uint64_t	cur = atomic_load(slot);

	/* Two committers may race; the later number must win. */
	while (cur < to && !atomic_compare_exchange_weak(slot, &cur, to))
		;
}

/* Apply this thread's touches: its transaction has committed. */
static void
stamp_commit(void)
{
	uint64_t	g;
	size_t		i;

	/* Every commit moves the sequence, touches or not: a reader whose
	 * stamp still equals it knows its snapshot is the newest state
	 * (db_read_current), and epoch.c's versions rely on that. */
	g = atomic_fetch_add(&seq, 1) + 1;
	if (pending_all)
		stamp_raise(&everything, g);
	for (i = 0; i < npending; i++)
		stamp_raise(&touched[pending[i]], g);
	npending = 0;
	pending_all = 0;
}

/* hearth_touch(kind, id) from a trigger: remember it until the commit. */
static void
stamp_touch_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int	kind = sqlite3_value_int(argv[0]);

	(void)argc;
	if (kind == STAMP_ALL || npending == PENDING_MAX)
		pending_all = 1;
	else
		pending[npending++] = stamp_slot((enum stamp_kind)kind,
		    sqlite3_value_int64(argv[1]));
	sqlite3_result_null(ctx);
}

/* After every commit on a watched connection, in WAL mode. */
static int
stamp_wal_hook(void *arg, sqlite3 *sql, const char *name, int pages)
{
	(void)arg;
	(void)sql;
	(void)name;
	(void)pages;
	stamp_commit();
	return SQLITE_OK;
}

/* A rolled-back transaction changed nothing. */
static void
stamp_rollback_hook(void *arg)
{
	(void)arg;
	npending = 0;
	pending_all = 0;
}

/*
 * What each table's changes touch. A post's row, its favourites and
 * mentions (who may read a direct post) touch the post; a person's row
 * touches the person (their card and counts); a session's row, the
 * session (ended, or its last use refreshed), and a token's, the token
 * (revoked, or its last use refreshed); follows and group
 * memberships touch the follower's or member's reach; a group changing
 * (open to closed, renamed, deleted; not its counters) touches everything.
 */
static const char *const stamp_triggers[] = {
	"AFTER UPDATE ON main.posts BEGIN SELECT hearth_touch(1, OLD.id); END",
	"AFTER DELETE ON main.posts BEGIN SELECT hearth_touch(1, OLD.id); END",
	"AFTER INSERT ON main.favourites BEGIN "
	    "SELECT hearth_touch(1, NEW.post_id); END",
	"AFTER DELETE ON main.favourites BEGIN "
	    "SELECT hearth_touch(1, OLD.post_id); END",
	/* a bookmark is its owner's own state of the post (peek.c) */
	"AFTER INSERT ON main.bookmarks BEGIN "
	    "SELECT hearth_touch(1, NEW.post_id); END",
	"AFTER DELETE ON main.bookmarks BEGIN "
	    "SELECT hearth_touch(1, OLD.post_id); END",
	/* so is a pin of one's own post (status-pin.c) */
	"AFTER INSERT ON main.status_pins BEGIN "
	    "SELECT hearth_touch(1, NEW.post_id); END",
	"AFTER DELETE ON main.status_pins BEGIN "
	    "SELECT hearth_touch(1, OLD.post_id); END",
	"AFTER INSERT ON main.mentions BEGIN "
	    "SELECT hearth_touch(1, NEW.post_id); END",
	"AFTER DELETE ON main.mentions BEGIN "
	    "SELECT hearth_touch(1, OLD.post_id); END",
	"AFTER UPDATE ON main.users BEGIN SELECT hearth_touch(2, OLD.id); END",
	"AFTER DELETE ON main.users BEGIN SELECT hearth_touch(2, OLD.id); END",
	"AFTER INSERT ON main.follows BEGIN "
	    "SELECT hearth_touch(3, NEW.follower_id); END",
	"AFTER DELETE ON main.follows BEGIN "
	    "SELECT hearth_touch(3, OLD.follower_id); END",
	"AFTER UPDATE ON main.follows BEGIN "
	    "SELECT hearth_touch(3, OLD.follower_id), "
	    "hearth_touch(3, NEW.follower_id); END",
	"AFTER INSERT ON main.group_members BEGIN "
	    "SELECT hearth_touch(3, NEW.user_id); END",
	"AFTER DELETE ON main.group_members BEGIN "
	    "SELECT hearth_touch(3, OLD.user_id); END",
	"AFTER UPDATE ON main.group_members BEGIN "
	    "SELECT hearth_touch(3, OLD.user_id), "
	    "hearth_touch(3, NEW.user_id); END",
	/* a block changes what its target may read (the visibility rule) */
	"AFTER INSERT ON main.blocks BEGIN "
	    "SELECT hearth_touch(3, NEW.target_id); END",
	"AFTER DELETE ON main.blocks BEGIN "
	    "SELECT hearth_touch(3, OLD.target_id); END",
	/* followed hashtags are reach too (home, the side column) */
	"AFTER INSERT ON main.tag_follows BEGIN "
	    "SELECT hearth_touch(3, NEW.user_id); END",
	"AFTER DELETE ON main.tag_follows BEGIN "
	    "SELECT hearth_touch(3, OLD.user_id); END",
	"AFTER UPDATE ON main.sessions BEGIN "
	    "SELECT hearth_touch(4, OLD.id); END",
	"AFTER DELETE ON main.sessions BEGIN "
	    "SELECT hearth_touch(4, OLD.id); END",
	"AFTER UPDATE ON main.tokens BEGIN "
	    "SELECT hearth_touch(5, OLD.id); END",
	"AFTER DELETE ON main.tokens BEGIN "
	    "SELECT hearth_touch(5, OLD.id); END",
	/* (an update of a group's row: stamp_watch_groups) */
	"AFTER DELETE ON main.groups BEGIN SELECT hearth_touch(0, 0); END",
};

/* A group's counters, which every post in it and every join moves. */
static const char *const stamp_group_counters[] = {
	"members_count", "posts_count"
};

/*
 * A group's row touches everything when it changes (its visibility says
 * who reads its posts, its name shows on remembered pages), but not when
 * only its counters move: each post in a group did, and under 100 posts/s
 * everything remembered (post peeks, people's rows, the side column) was
 * thrown away many times a second, pages costing 2.7 times as much. The
 * trigger lists the table's other columns as the database has them, so a
 * column added later touches too.
 */
static int
stamp_watch_groups(sqlite3 *sql, char **cause)
{
	sqlite3_stmt	*st;
	char		*q = xstrdup("AFTER UPDATE OF "), *t, *err = NULL;
	const char	*col;
	size_t		 i;
	int		 n = 0, rc = -1;

	if (sqlite3_prepare_v2(sql, "SELECT name FROM "
	    "pragma_table_info('groups', 'main')", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = xasprintf("change stamps: %s", sqlite3_errmsg(sql));
		free(q);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		col = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < nitems(stamp_group_counters); i++)
			if (strcmp(col, stamp_group_counters[i]) == 0)
				break;
		if (i < nitems(stamp_group_counters))
			continue;
		t = xasprintf("%s%s\"%s\"", q, n++ > 0 ? ", " : "", col);
		free(q);
		q = t;
	}
	sqlite3_finalize(st);
	if (n == 0) {		/* no groups table (yet): nothing to watch */
		free(q);
		return 0;
	}
	t = xasprintf("CREATE TEMP TRIGGER IF NOT EXISTS stamp_groups %s ON "
	    "main.groups BEGIN SELECT hearth_touch(0, 0); END", q);
	if (sqlite3_exec(sql, t, NULL, NULL, &err) == SQLITE_OK)
		rc = 0;
	else {
		*cause = xasprintf("change stamps: %s", err ? err : "?");
		sqlite3_free(err);
	}
	free(t);
	free(q);
	return rc;
}

/*
 * Watch a connection's writes: the function, the triggers and the hooks.
 * Only for connections that never checkpoint themselves (the WAL hook is
 * SQLite's autocheckpoint), which are hearthd's loops and writer.
 */
int
stamp_watch(sqlite3 *sql, char **cause)
{
	char	*q, *err = NULL;
	size_t	 i;

	if (sqlite3_create_function(sql, "hearth_touch", 2, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, NULL, stamp_touch_fn, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("hearth_touch: %s", sqlite3_errmsg(sql));
		return -1;
	}
	for (i = 0; i < nitems(stamp_triggers); i++) {
		q = xasprintf("CREATE TEMP TRIGGER IF NOT EXISTS stamp_%zu %s",
		    i, stamp_triggers[i]);
		if (sqlite3_exec(sql, q, NULL, NULL, &err) != SQLITE_OK) {
			*cause = xasprintf("change stamps: %s", err ? err :
			    "?");
			sqlite3_free(err);
			free(q);
			return -1;
		}
		free(q);
	}
	if (stamp_watch_groups(sql, cause) != 0)
		return -1;
	sqlite3_wal_hook(sql, stamp_wal_hook, NULL);
	sqlite3_rollback_hook(sql, stamp_rollback_hook, NULL);
	return 0;
}

/*
 * Map data_dir's STAMP_FILE: hearthd creates it (owned by whoever runs
 * hearthd, so a later hearthctl run by root cannot take it away);
 * hearthctl (create == 0) only opens what hearthd made. 0, or -1 with
 * *cause; 1 from hearthctl when there is no file (no hearthd ever ran).
 */
int
stamp_shared_open(const char *data_dir, int create, char **cause)
{
	char		*path = xasprintf("%s/%s", data_dir, STAMP_FILE);
	struct stat	 sb;
	void		*m;
	int		 fd;

	fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	if (fd == -1 && create && errno == EACCES)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (!create && errno == ENOENT) {
			free(path);
			return 1;
		}
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (fstat(fd, &sb) == 0 && sb.st_size < (off_t)sizeof *shared &&
	    ftruncate(fd, sizeof *shared) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	m = mmap(NULL, sizeof *shared, (fcntl(fd, F_GETFL) & O_ACCMODE) ==
	    O_RDONLY ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	free(path);
	shared = m;
	atomic_store(&shared_seen, __atomic_load_n(shared, __ATOMIC_ACQUIRE));
	return 0;
fail:
	close(fd);
	free(path);
	return -1;
}

/* hearthctl, after it committed a change: tell hearthd. */
void
stamp_shared_raise(void)
{
	if (shared != NULL)
		__atomic_add_fetch(shared, 1, __ATOMIC_RELEASE);
}

/*
 * hearthd, before each request (through epoch_sync): if another process
 * wrote since last time, nothing remembered may be trusted. 1 if so.
 */
int
stamp_sync(void)
{
	uint64_t	v, seen;

	if (shared == NULL)
		return 0;
	v = __atomic_load_n(shared, __ATOMIC_ACQUIRE);
	seen = atomic_load(&shared_seen);
	if (v == seen || !atomic_compare_exchange_strong(&shared_seen, &seen,
	    v))
		return 0;
	stamp_raise(&everything, atomic_fetch_add(&seq, 1) + 1);
	return 1;
}
