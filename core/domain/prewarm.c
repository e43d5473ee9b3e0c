/*
 * prewarm.c: after a start, the home feeds of the people active lately are
 * loaded in the background (from their saved rows, feed-save.c, or built),
 * and the first page of each is read through the visibility rule so its
 * peek rows (peek.c) are remembered too, and so is their unread count
 * (every page's badge): the people who come back first find their home
 * warm. It never delays a request: it runs on a thread of its own with a
 * read connection of its own, under SCHED_IDLE (the kernel gives it a CPU
 * only when no other thread wants one), and it reads one person at a time
 * in a short read transaction, so the writer's checkpoints are not held up
 * either. A person a request reaches first is
 * simply skipped (their feed is there already). It stops at shutdown, and
 * after the people the feed cache has room for.
 *
 * And from the very start (prewarm_hold, before the database is opened),
 * another thread reads the database file into the page cache when the
 * file is at most half of the memory available (prewarm_readahead): after
 * a reboot, or with the page cache dropped, the first pages each waited
 * for dozens of random reads from the disk (936 pages in the first ten
 * seconds, then 9,742 once the file was in).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"

#define PREWARM_PAGE	20	/* the home page's and the apps' first page */
#define PREWARM_AHEAD	(1 << 20)	/* bytes read at a time */

static pthread_t	 prewarm_thread;
static int		 prewarm_running;
static int		 prewarm_quit;	/* atomic: set by prewarm_stop */
static char		*prewarm_path;
static int		 prewarm_days;
static size_t		 prewarm_max;
static int		 prewarm_fd = -1;	/* prewarm_hold's, never closed */
static pthread_t	 prewarm_ra;		/* its read-ahead */
static int		 prewarm_ra_running;

/* The people active in the last days, most recent first. */
static int64_t *
prewarm_people(struct db *db, size_t *n)
{
	sqlite3_stmt	*st;
	int64_t		*ids = NULL;
	size_t		 cap = 0;

	*n = 0;
	if ((st = db_prepare(db, "SELECT id FROM users WHERE last_active_at "
	    ">= ?1 AND disabled = 0 AND origin IS NULL ORDER BY "
	    "last_active_at DESC LIMIT ?2")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL) -
	    (int64_t)prewarm_days * 86400);
	sqlite3_bind_int64(st, 2, (int64_t)prewarm_max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return ids;
}

/* MemAvailable, in bytes (0 if unknown): free, and cache the kernel may
 * drop. The database is read ahead only if it fits in half of it. */
static off_t
prewarm_available(void)
{
	FILE		*f = fopen("/proc/meminfo", "re");
	char		 line[128];
	long long	 kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return (off_t)kb * 1024;
}

/* Whether the byte at off is in the page cache (without reading it from
 * the disk: RWF_NOWAIT says EAGAIN instead). */
static int
prewarm_resident(off_t off)
{
	char		c;
	struct iovec	v = { &c, 1 };

	return preadv2(prewarm_fd, &v, 1, off, RWF_NOWAIT) == 1;
}

/*
 * Read the database file into the page cache (which stays the kernel's to
 * reclaim: nothing is locked); how much was read. Through a small buffer,
 * at a lower priority than the loops (this thread's nice 10). The copy
 * costs CPU (about 1.5 s a GB here), but nothing else does: mapping the
 * file and faulting it in (MADV_POPULATE_READ) held the memory-map lock,
 * and every thread that mapped memory or faulted a page behind a waiting
 * mapper queued behind it: in 256 MB pieces a 100,000-person company's
 * loops answered nothing for 30 s while its 10 GB came in, in 8 MB pieces
 * its start took 19 s instead of 2.5; a child process has a memory map of
 * its own, but fork made every page hearthd then wrote a copy-on-write
 * fault; POSIX_FADV_WILLNEED and readahead(2) stopped after 266 MB of 1 GB.
 */
static off_t
prewarm_readahead(void)
{
	struct stat	 st;
	off_t		 got = 0, read = 0, avail = prewarm_available();
	ssize_t		 n;
	char		*buf;

	if (prewarm_fd < 0 || fstat(prewarm_fd, &st) != 0 ||
	    st.st_size > avail / 2)
		return 0;
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	buf = xmalloc(PREWARM_AHEAD);
	for (; got < st.st_size && !__atomic_load_n(&prewarm_quit,
	    __ATOMIC_RELAXED); got += PREWARM_AHEAD) {
		/* a piece already in memory (its first and last page) is
		 * not copied again: after a restart the whole file usually
		 * is, and reading it cost a core for a second */
		if (prewarm_resident(got) && prewarm_resident(got +
		    PREWARM_AHEAD - 1 < st.st_size ? got + PREWARM_AHEAD - 1 :
		    st.st_size - 1))
			continue;
		if ((n = pread(prewarm_fd, buf, PREWARM_AHEAD, got)) <= 0)
			break;
		read += n;
	}
	free(buf);
	return read;
}

/* Its own thread: the reads are best asked before the requests come. */
static void *
prewarm_ra_main(void *arg)
{
	struct timespec	 r0, r1;
	off_t		 n;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &r0);
	n = prewarm_readahead();
	clock_gettime(CLOCK_MONOTONIC, &r1);
	if (n > 0)
		log_info("prewarm: read %lld MB of the database into the page "
		    "cache (the rest was there) in %.1f s", (long long)(n >> 20),
		    (double)(r1.tv_sec - r0.tv_sec) +
		    (double)(r1.tv_nsec - r0.tv_nsec) / 1e9);
	return NULL;
}

/*
 * Start reading the database file ahead, before anything else at start
 * (migrations, templates, the cards read back: a few tenths of a second
 * that the reads use), through a descriptor of the file opened before
 * SQLite's and never closed: closing any descriptor of a file drops every
 * POSIX lock this process holds on it, SQLite's too, and then another
 * process (hearthctl) may take the file to itself, checkpoint and delete
 * the write-ahead log under hearthd's feet: a corrupt database. Call
 * before the first connection; -1 if it cannot.
 */
int
prewarm_hold(const char *dbpath)
{
	if (prewarm_fd >= 0)
		return 0;
	if ((prewarm_fd = open(dbpath, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (pthread_create(&prewarm_ra, NULL, prewarm_ra_main, NULL) == 0)
		prewarm_ra_running = 1;
	return 0;
}

/* The thread: each person's feed and first page, until done or told. */
static void *
prewarm_main(void *arg)
{
	struct sched_param	 sp;
	struct page		 p = { 0, 0, 0, PREWARM_PAGE };
	struct timespec		 t0, t1;
	struct arena		*a;
	struct db		*db;
	struct idlist		 out;
	int64_t			*ids;
	size_t			 i, n, warmed = 0;
	char			*cause = NULL;

	(void)arg;
	memset(&sp, 0, sizeof sp);
	if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) != 0)
		log_warn("prewarm: cannot run at idle priority: not warming");
	else if ((db = db_open(prewarm_path, SYNC_NORMAL, DB_READONLY,
	    &cause)) == NULL) {
		log_warn("prewarm: %s", cause);
		free(cause);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ids = prewarm_people(db, &n);
		for (i = 0; i < n && !__atomic_load_n(&prewarm_quit,
		    __ATOMIC_RELAXED); i++) {
			if (feed_cached(ids[i]))
				continue;	/* a request came first */
			a = arena_new();
			memset(&out, 0, sizeof out);
			if (db_read_begin(db) == 0) {
				if (timeline_home(db, a, ids[i], &p, &out,
				    NULL) == E_OK)
					warmed++;
				/* every page's badge: remembered (epoch.c) */
				(void)notify_unread(db, ids[i],
				    NOTIFY_UNREAD_MEMO, 1);
				db_read_end(db);
			}
			arena_free(a);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_info("prewarm: %zu home feeds of %zu people active in the "
		    "last %d days, in %.1f s%s", warmed, n, prewarm_days,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		    __atomic_load_n(&prewarm_quit, __ATOMIC_RELAXED) ?
		    " (stopped by the shutdown)" : "");
		free(ids);
		db_close(db);
	}
	return NULL;
}

/*
 * Start warming the feeds of the people active in the last days (0: do
 * nothing), at most max of them (the feed cache's room). 0, or -1.
 */
int
prewarm_start(const char *dbpath, int days, size_t max)
{
	if (days <= 0 || max == 0)
		return 0;
	prewarm_path = xstrdup(dbpath);
	prewarm_days = days;
	prewarm_max = max;
	__atomic_store_n(&prewarm_quit, 0, __ATOMIC_RELAXED);
	if (pthread_create(&prewarm_thread, NULL, prewarm_main, NULL) != 0) {
		free(prewarm_path);
		prewarm_path = NULL;
		return -1;
	}
	prewarm_running = 1;
	return 0;
}

/* Stop warming (at shutdown, before the feeds are saved) and wait. */
void
prewarm_stop(void)
{
	__atomic_store_n(&prewarm_quit, 1, __ATOMIC_RELAXED);
	if (prewarm_ra_running) {
		pthread_join(prewarm_ra, NULL);
		prewarm_ra_running = 0;
	}
	if (!prewarm_running)
		return;
	pthread_join(prewarm_thread, NULL);
	prewarm_running = 0;
	free(prewarm_path);
	prewarm_path = NULL;
}
