/*
 * backup.c: a company as one self-describing folder, and back. A backup is
 * a folder laid out like a data_dir (hearth.db, media/Ab/Cd/NAME) plus a
 * manifest.json naming hearth's version, the schema version of each
 * component, the moment of the snapshot and every file with its size and
 * SHA-256; a folder without a manifest is unfinished. The secrets (CSRF
 * key, VAPID key pair, OAuth tokens, sessions) live in the database, so
 * sessions, tokens and push subscriptions keep working after a restore.
 *
 * Order makes the two halves agree: the database is copied first, in one
 * read snapshot (db_backup_progress), and then exactly the files that
 * snapshot refers to. A file the snapshot refers to may be removed
 * afterwards (its post deleted, an avatar replaced): while a backup runs
 * it holds a read lock on data_dir/backup.lock, taken before the snapshot,
 * and media_remove keeps a hard link of what it removes in
 * data_dir/backup-held/ (media.c), where the copy finds it.
 *
 * A restore checks everything before it touches the data_dir, builds the
 * new one in a folder beside it and renames it into place; the old one is
 * moved aside, never deleted, and a live one (a process has its database
 * open: SQLite's own lock on the -shm file says so) is refused.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "domain.h"

#define BACKUP_FORMAT		"hearth-backup"
#define BACKUP_FORMAT_VERSION	1
#define BACKUP_PREFIX		"hearth-"	/* --dated folders */
#define SHM_DMS_BYTE		128	/* SQLite's unix VFS: held by every
					   connection that has the WAL open */

/* Progress lines, at most one a second. */
struct progress {
	FILE		*f;
	const char	*what;
	time_t		 last;
};

/* Say how far a long step is, now and then. */
static void
progress_say(struct progress *p, int64_t done, int64_t total,
    const char *unit)
{
	time_t	now = time(NULL);

	if (p->f == NULL || (now == p->last && done < total))
		return;
	p->last = now;
	fprintf(p->f, "%s: %lld of %lld %s (%d%%)\n", p->what,
	    (long long)done, (long long)total, unit,
	    total > 0 ? (int)(done * 100 / total) : 100);
	fflush(p->f);
}

/* db_backup_progress's callback: pages to megabytes. */
static void
progress_pages(void *arg, int done, int total)
{
	progress_say(arg, (int64_t)done * 4096 / 1000000,
	    (int64_t)total * 4096 / 1000000, "MB (pages of 4 KB)");
}

/* The SHA-256 of a file, in hex, and its size. 0 or -1 (errno). */
static int
file_sha256(const char *path, char hex[65], int64_t *size)
{
	static const char	 digits[] = "0123456789abcdef";
	EVP_MD_CTX		*md;
	unsigned char		 buf[1 << 16], sum[32];
	unsigned int		 len = 0;
	ssize_t			 n;
	int			 fd, i, rc = -1, saved;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)n);
		*size += n;
	}
	if (n < 0 || EVP_DigestFinal_ex(md, sum, &len) != 1)
		goto out;
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[sum[i] >> 4];
		hex[2 * i + 1] = digits[sum[i] & 15];
	}
	hex[64] = '\0';
	rc = 0;
out:
	saved = errno;
	EVP_MD_CTX_free(md);
	close(fd);
	errno = saved;
	return rc;
}

/* mkdir -p for a file's folders (the last component is the file). */
static int
make_parents(const char *path, mode_t mode)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = p + 1; *s != '\0' && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) == -1 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	free(p);
	return rc;
}

/* Copy a file's bytes, synced, keeping its mode. 0 or -1 (errno). */
static int
file_copy(const char *from, const char *to)
{
	char		 buf[1 << 16];
	struct stat	 sb;
	ssize_t		 n;
	int		 in, out = -1, rc = -1, saved;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(in, &sb) != 0)
		goto out;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    sb.st_mode & 07777)) == -1)
		goto out;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			if (errno == 0)
				errno = ENOSPC;
			goto out;
		}
	}
	if (n < 0 || fsync(out) != 0)
		goto out;
	rc = 0;
out:
	saved = errno;
	close(in);
	if (out != -1 && close(out) != 0 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	if (rc != 0 && out != -1)
		unlink(to);
	errno = saved;
	return rc;
}

/* A stored file into a backup or a data_dir: a hard link where it can
 * (stored files never change), else a synced copy. */
static int
file_link_or_copy(const char *from, const char *to)
{
	if (make_parents(to, 0750) != 0)
		return -1;
	if (link(from, to) == 0 || errno == EEXIST)
		return 0;
	return file_copy(from, to);
}

/* fsync a folder, so a rename in it is on disk. */
static void
dir_sync(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

/* The folder a path is in (caller frees). */
static char *
path_parent(const char *path)
{
	char	*copy = xstrdup(path), *d = xstrdup(dirname(copy));

	free(copy);
	return d;
}

/* The last component of a path (caller frees). */
static char *
path_base(const char *path)
{
	char	*copy = xstrdup(path), *b = xstrdup(basename(copy));

	free(copy);
	return b;
}

/* rm -r, for an unfinished or pruned backup only. */
static int
tree_remove(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*p;
	int		 rc = 0;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", path, e->d_name);
		if (tree_remove(p) != 0)
			rc = -1;
		free(p);
	}
	closedir(d);
	if (rmdir(path) != 0)
		rc = -1;
	return rc;
}

/* chown -R (a restore run by root, for the user hearthd runs as). */
static int
tree_chown(const char *path, uid_t uid, gid_t gid)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*p;
	int		 rc = 0;

	if (lchown(path, uid, gid) != 0 || lstat(path, &sb) != 0)
		return -1;
	if (!S_ISDIR(sb.st_mode))
		return 0;
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && rc == 0) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", path, e->d_name);
		rc = tree_chown(p, uid, gid);
		free(p);
	}
	closedir(d);
	return rc;
}

/* The time as 20261207T093000Z (for names), or with compact == 0 as
 * 2026-12-07T09:30:00Z. */
static void
utc_stamp(time_t t, char *buf, size_t len, int compact)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	if (compact)
		strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Whether a process has data_dir's database open: every SQLite connection
 * to a WAL database holds a read lock on one byte of the -shm file for as
 * long as it is open, and asking (F_GETLK) takes nothing. The process's
 * id, 0 if none, -1 if it cannot be told (then treat it as live).
 */
pid_t
backup_live(const char *data_dir)
{
	struct flock	 fl;
	char		*path = xasprintf("%s/hearth.db-shm", data_dir);
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = SHM_DMS_BYTE;
	fl.l_len = 1;
	if (fcntl(fd, F_GETLK, &fl) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return fl.l_type == F_UNLCK ? 0 : (fl.l_pid > 0 ? fl.l_pid : -1);
}

/* Take the backup lock (shared: backups may overlap). fd or -1. */
static int
backup_lock(const char *data_dir, char **cause)
{
	struct flock	 fl;
	struct stat	 sb;
	char		*path = xasprintf("%s/" MEDIA_BACKUP_LOCK, data_dir);
	int		 fd;

	/* readable by hearthd whoever runs the backup */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (geteuid() == 0 && stat(data_dir, &sb) == 0)
		(void)fchown(fd, sb.st_uid, sb.st_gid);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLKW, &fl) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/* Let the lock go; the last backup out empties backup-held/. */
static void
backup_unlock(const char *data_dir, int fd)
{
	struct flock	 fl;
	char		*held;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == 0) {
		held = xasprintf("%s/" MEDIA_BACKUP_HELD, data_dir);
		(void)tree_remove(held);
		free(held);
	}
	close(fd);
}

/* Every name the database refers to in media/ (as media_referenced). */
static const char *const referenced_sql =
    "SELECT file FROM media WHERE file IS NOT NULL "
    "UNION SELECT preview FROM media WHERE preview IS NOT NULL "
    "UNION SELECT incoming FROM media WHERE incoming IS NOT NULL "
    "UNION SELECT avatar_file FROM users WHERE avatar_file IS NOT NULL "
    "UNION SELECT header_file FROM users WHERE header_file IS NOT NULL "
    "UNION SELECT picture_file FROM groups WHERE picture_file IS NOT NULL";

/* One row of the manifest's file list. */
static int
manifest_add(json_t *files, const char *root, const char *rel,
    char **cause)
{
	char	*path = xasprintf("%s/%s", root, rel), hex[65];
	int64_t	 size;

	if (file_sha256(path, hex, &size) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "path", rel,
	    "size", (json_int_t)size, "sha256", hex));
	return 0;
}

/* Open a database file without writing to it or beside it. */
static sqlite3 *
open_immutable(const char *path, char **cause)
{
	sqlite3		*sql = NULL;
	char		*uri;
	size_t		 i, n = 0;

	uri = xmalloc(3 * strlen(path) + 32);
	n += (size_t)sprintf(uri, "file:");
	for (i = 0; path[i] != '\0'; i++) {
		if (path[i] == '%' || path[i] == '?' || path[i] == '#')
			n += (size_t)sprintf(uri + n, "%%%02X",
			    (unsigned char)path[i]);
		else
			uri[n++] = path[i];
	}
	strcpy(uri + n, "?immutable=1");
	if (sqlite3_open_v2(uri, &sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, sql != NULL ?
		    sqlite3_errmsg(sql) : "cannot open");
		sqlite3_close(sql);
		sql = NULL;
	}
	free(uri);
	return sql;
}

/* PRAGMA integrity_check on a database file; 0, or -1 with *cause. */
static int
db_file_check(sqlite3 *sql, const char *path, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	if (sqlite3_prepare_v2(sql, "PRAGMA integrity_check", -1, &st, NULL)
	    != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(sql));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
			rc = 0;
		else
			*cause = xasprintf("%s: integrity_check: %s", path,
			    sqlite3_column_text(st, 0));
	} else
		*cause = xasprintf("%s: integrity_check: %s", path,
		    sqlite3_errmsg(sql));
	sqlite3_finalize(st);
	return rc;
}

/* Each component's schema version in a database, as {"core": 26}. */
static json_t *
db_file_schema(sqlite3 *sql, const char *path, char **cause)
{
	sqlite3_stmt	*st;
	json_t		*o;

	if (sqlite3_prepare_v2(sql, "SELECT component, max(version) FROM "
	    "schema_migrations GROUP BY component ORDER BY component", -1, &st,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: not a hearth database: %s", path,
		    sqlite3_errmsg(sql));
		return NULL;
	}
	o = json_object();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, (const char *)sqlite3_column_text(st,
		    0), json_integer(sqlite3_column_int(st, 1)));
	sqlite3_finalize(st);
	return o;
}

/* Where media_of_snapshot copies from and to, and what it found. */
struct snapshot_copy {
	const char	*data_dir;
	const char	*dest;		/* the backup being written */
	const char	*prev_dir;	/* an earlier backup, or NULL */
	json_t		*prev;		/* its files by path, or NULL */
	json_t		*files;		/* the manifest's list */
	json_t		*missing;	/* names found nowhere */
	int64_t		 reused;	/* linked from prev_dir */
};

/* A stored file an earlier backup has, of the same size: linked from it
 * (the same bytes: stored files never change), its manifest entry taken
 * over without reading the file again. 0 if so. */
static int
reuse_previous(struct snapshot_copy *sc, const char *rel, off_t size,
    const char *to)
{
	json_t	*e;
	char	*from;
	int	 rc;

	if (sc->prev == NULL || (e = json_object_get(sc->prev, rel)) == NULL ||
	    json_integer_value(json_object_get(e, "size")) != (int64_t)size)
		return -1;
	from = xasprintf("%s/%s", sc->prev_dir, rel);
	rc = make_parents(to, 0750) == 0 && link(from, to) == 0 ? 0 : -1;
	free(from);
	if (rc == 0) {
		json_array_append(sc->files, e);
		sc->reused++;
	}
	return rc;
}

/*
 * Copy the files the snapshot at db_path refers to into dest/media: from
 * an earlier backup if it has them, else from data_dir/media, or from
 * backup-held/ if removed since. Names found nowhere are added to missing
 * (the live data_dir lacked them too).
 */
static int
media_of_snapshot(const char *db_path, struct snapshot_copy *sc,
    struct progress *p, char **cause)
{
	const char	*data_dir = sc->data_dir, *dest = sc->dest;
	sqlite3		*sql;
	sqlite3_stmt	*st = NULL;
	struct stat	 sb;
	char		*from, *rel, *to;
	int64_t		 n = 0, total = 0;
	int		 rc = -1, step;

	if ((sql = open_immutable(db_path, cause)) == NULL)
		return -1;
	if (sqlite3_prepare_v2(sql, "SELECT count(*) FROM media", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(sql, referenced_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = xasprintf("%s: %s", db_path, sqlite3_errmsg(sql));
		goto out;
	}
	p->what = "media";
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!media_valid_name(name))
			continue;
		from = media_path(data_dir, name);
		if (stat(from, &sb) != 0) {
			free(from);
			from = xasprintf("%s/" MEDIA_BACKUP_HELD "/%s", data_dir,
			    name);
		}
		rel = xasprintf("media/%.2s/%.2s/%s", name, name + 2, name);
		to = xasprintf("%s/%s", dest, rel);
		if (stat(from, &sb) != 0) {
			json_array_append_new(sc->missing, json_string(name));
			if (p->f != NULL)
				fprintf(p->f, "warning: %s is referenced by "
				    "the database but not in %s/media\n",
				    name, data_dir);
		} else if (reuse_previous(sc, rel, sb.st_size, to) != 0 &&
		    (file_link_or_copy(from, to) != 0 ||
		    manifest_add(sc->files, dest, rel, cause) != 0)) {
			if (*cause == NULL)
				*cause = xasprintf("%s: %s", to,
				    strerror(errno));
			free(from);
			free(rel);
			free(to);
			goto out;
		}
		free(from);
		free(rel);
		free(to);
		n++;
		progress_say(p, n, total > n ? total : n, "files");
	}
	if (step != SQLITE_DONE) {
		*cause = xasprintf("%s: %s", db_path, sqlite3_errmsg(sql));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return rc;
}

/* Write json to path atomically (temporary name, synced, renamed). */
static int
json_write_file(json_t *j, const char *path, char **cause)
{
	char	*tmp = xasprintf("%s.partial", path);
	FILE	*f;
	int	 rc = -1;

	if ((f = fopen(tmp, "w")) == NULL)
		goto fail;
	if (json_dumpf(j, f, JSON_INDENT(1) | JSON_SORT_KEYS) != 0 ||
	    fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		goto fail;
	rc = 0;
	free(tmp);
	return rc;
fail:
	*cause = xasprintf("%s: %s", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return rc;
}

/* An earlier backup's files by path, from its manifest; NULL if it has
 * none to offer. */
static json_t *
previous_files(const char *dir)
{
	json_t	*man, *by, *f;
	char	*path = xasprintf("%s/manifest.json", dir);
	size_t	 i;

	man = json_load_file(path, 0, NULL);
	free(path);
	if (man == NULL)
		return NULL;
	by = json_object();
	json_array_foreach(json_object_get(man, "files"), i, f) {
		const char *rel = json_string_value(json_object_get(f, "path"));

		if (rel != NULL && strncmp(rel, "media/", 6) == 0)
			json_object_set(by, rel, f);
	}
	json_decref(man);
	return by;
}

/*
 * Back up the company at data_dir (its database open as db) into the
 * folder dest, which must not exist: written as dest.partial and renamed
 * when the manifest is written. 0, or -1 with *cause.
 */
int
backup_write(struct db *db, const char *data_dir, const char *dest,
    const struct backup_opts *o, struct backup_result *r, char **cause)
{
	struct progress	 p = { o->progress, "database", 0 };
	struct snapshot_copy sc;
	struct timeval	 tv;
	struct stat	 sb;
	sqlite3		*sql = NULL;
	json_t		*man = NULL, *files, *missing, *schema, *prev = NULL;
	json_t		*f;
	char		*part, *dbp = NULL, *manp = NULL, when[32];
	size_t		 i;
	int		 lock = -1, rc = -1;

	memset(r, 0, sizeof *r);
	if (lstat(dest, &sb) == 0) {
		*cause = xasprintf("%s: already exists (a backup is never "
		    "written over another)", dest);
		return -1;
	}
	part = xasprintf("%s.partial", dest);
	(void)tree_remove(part);	/* an earlier run's, interrupted */
	if (mkdir(part, 0750) != 0) {
		*cause = xasprintf("%s: %s", part, strerror(errno));
		goto out;
	}
	if ((lock = backup_lock(data_dir, cause)) == -1)
		goto out;

	/* The snapshot: everything committed before now is in it. */
	gettimeofday(&tv, NULL);
	r->snapshot_ms = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	dbp = xasprintf("%s/hearth.db", part);
	if (db_backup_progress(db, dbp, o->progress != NULL ? progress_pages :
	    NULL, &p, cause) != 0)
		goto out;
	(void)chmod(dbp, 0640);		/* it holds the secrets */

	man = json_object();
	files = json_array();
	missing = json_array();
	json_object_set_new(man, "files", files);
	json_object_set_new(man, "missing_media", missing);
	memset(&sc, 0, sizeof sc);
	sc.data_dir = data_dir;
	sc.dest = part;
	sc.files = files;
	sc.missing = missing;
	if (o->previous != NULL && (prev = previous_files(o->previous)) !=
	    NULL) {
		sc.prev_dir = o->previous;
		sc.prev = prev;
	}
	if (media_of_snapshot(dbp, &sc, &p, cause) != 0)
		goto out;
	r->reused = sc.reused;
	backup_unlock(data_dir, lock);
	lock = -1;
	r->media_files = (int64_t)json_array_size(files);
	r->missing = (int64_t)json_array_size(missing);

	/* The copy is checked, and described, as it will be restored. */
	if ((sql = open_immutable(dbp, cause)) == NULL)
		goto out;
	if (!o->no_check) {
		if (o->progress != NULL)
			fprintf(o->progress, "database: integrity_check of "
			    "the copy\n");
		if (db_file_check(sql, dbp, cause) != 0)
			goto out;
	}
	if ((schema = db_file_schema(sql, dbp, cause)) == NULL)
		goto out;
	sqlite3_close(sql);
	sql = NULL;
	if (o->progress != NULL)
		fprintf(o->progress, "checksums\n");
	if (manifest_add(files, part, "hearth.db", cause) != 0) {
		json_decref(schema);
		goto out;
	}
	utc_stamp(tv.tv_sec, when, sizeof when, 0);
	json_object_set_new(man, "format", json_string(BACKUP_FORMAT));
	json_object_set_new(man, "format_version",
	    json_integer(BACKUP_FORMAT_VERSION));
	json_object_set_new(man, "hearth_version",
	    json_string(PACKAGE_VERSION));
	json_object_set_new(man, "snapshot_time", json_string(when));
	json_object_set_new(man, "snapshot_unix_ms",
	    json_integer(r->snapshot_ms));
	json_object_set_new(man, "data_dir", json_string(data_dir));
	json_object_set_new(man, "schema", schema);
	manp = xasprintf("%s/manifest.json", part);
	if (json_write_file(man, manp, cause) != 0)
		goto out;
	dir_sync(part);
	if (rename(part, dest) != 0) {
		*cause = xasprintf("%s: %s", dest, strerror(errno));
		goto out;
	}
	free(dbp);
	dbp = path_parent(dest);
	dir_sync(dbp);
	json_array_foreach(files, i, f)
		r->bytes += json_integer_value(json_object_get(f, "size"));
	rc = 0;
out:
	if (sql != NULL)
		sqlite3_close(sql);
	if (lock != -1)
		backup_unlock(data_dir, lock);
	if (rc != 0)
		(void)tree_remove(part);
	json_decref(man);
	json_decref(prev);
	free(manp);
	free(dbp);
	free(part);
	return rc;
}

/* Sort names newest first. */
static int
name_cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/*
 * The name of a dated backup in parent, for now: parent/hearth-
 * 20261207T093000Z (caller frees).
 */
char *
backup_dated_name(const char *parent)
{
	char	when[32];

	utc_stamp(time(NULL), when, sizeof when, 1);
	return xasprintf("%s/" BACKUP_PREFIX "%s", parent, when);
}

/* The finished dated backups in parent, newest first; how many. */
static size_t
dated_list(const char *parent, char ***names)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*p;
	size_t		 n = 0;

	*names = NULL;
	if ((d = opendir(parent)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, BACKUP_PREFIX, strlen(BACKUP_PREFIX))
		    != 0 || strchr(e->d_name, '.') != NULL)
			continue;
		p = xasprintf("%s/%s/manifest.json", parent, e->d_name);
		if (stat(p, &sb) == 0) {
			*names = xrealloc(*names, (n + 1) * sizeof **names);
			(*names)[n++] = xstrdup(e->d_name);
		}
		free(p);
	}
	closedir(d);
	if (n > 0)
		qsort(*names, n, sizeof **names, name_cmp_desc);
	return n;
}

/* The newest finished dated backup in parent (caller frees), or NULL. */
char *
backup_newest(const char *parent)
{
	char	**names, *newest = NULL;
	size_t	  i, n = dated_list(parent, &names);

	if (n > 0)
		newest = xasprintf("%s/%s", parent, names[0]);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return newest;
}

/*
 * Keep the newest keep dated backups in parent (finished ones: with a
 * manifest), removing the older. How many were removed, or -1.
 */
int
backup_prune(const char *parent, int keep, FILE *out, char **cause)
{
	char	**names, *p;
	size_t	  n = dated_list(parent, &names), i;
	int	  removed = 0;

	for (i = 0; i < n; i++) {
		if ((int)i >= keep) {
			p = xasprintf("%s/%s", parent, names[i]);
			if (tree_remove(p) == 0) {
				removed++;
				if (out != NULL)
					fprintf(out, "removed the older backup "
					    "%s\n", p);
			} else if (*cause == NULL)
				*cause = xasprintf("%s: %s", p,
				    strerror(errno));
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return *cause != NULL ? -1 : removed;
}

/*
 * Check a backup folder: its manifest, each file's size and SHA-256, the
 * database's integrity_check, and that no component's schema is newer
 * than known() says this build knows (known returns -1 for a component it
 * has not loaded). The manifest in *manifest (caller decrefs). 0 or -1
 * with *cause naming the file at fault.
 */
int
backup_check(const char *dir, int (*known)(const char *), FILE *out,
    json_t **manifest, char **cause)
{
	struct progress	 p = { out, "checksums", 0 };
	json_error_t	 jerr;
	sqlite3		*sql = NULL;
	json_t		*man, *files, *f, *schema = NULL, *v;
	const char	*rel, *want, *comp;
	char		*path, hex[65];
	int64_t		 size, total = 0, done = 0;
	size_t		 i;
	int		 rc = -1, have_db = 0, k;

	*manifest = NULL;
	path = xasprintf("%s/manifest.json", dir);
	if ((man = json_load_file(path, 0, &jerr)) == NULL) {
		*cause = access(path, F_OK) != 0 ? xasprintf("%s: no "
		    "manifest.json: not a hearth backup, or an unfinished "
		    "one", dir) : xasprintf("%s: %s (line %d)", path,
		    jerr.text, jerr.line);
		free(path);
		return -1;
	}
	free(path);
	if (!json_is_string(json_object_get(man, "format")) ||
	    strcmp(json_string_value(json_object_get(man, "format")),
	    BACKUP_FORMAT) != 0) {
		*cause = xasprintf("%s/manifest.json: not a hearth backup's "
		    "manifest", dir);
		goto out;
	}
	if (json_integer_value(json_object_get(man, "format_version")) >
	    BACKUP_FORMAT_VERSION) {
		*cause = xasprintf("%s/manifest.json: backup format %lld, "
		    "this hearth reads up to %d: restore it with a newer "
		    "hearth", dir, (long long)json_integer_value(
		    json_object_get(man, "format_version")),
		    BACKUP_FORMAT_VERSION);
		goto out;
	}
	files = json_object_get(man, "files");
	if (!json_is_array(files)) {
		*cause = xasprintf("%s/manifest.json: no file list", dir);
		goto out;
	}
	json_array_foreach(files, i, f)
		total += json_integer_value(json_object_get(f, "size"));
	json_array_foreach(files, i, f) {
		rel = json_string_value(json_object_get(f, "path"));
		want = json_string_value(json_object_get(f, "sha256"));
		if (rel == NULL || want == NULL || rel[0] == '/' ||
		    strstr(rel, "..") != NULL || (strcmp(rel, "hearth.db") != 0
		    && strncmp(rel, "media/", 6) != 0)) {
			*cause = xasprintf("%s/manifest.json: file %zu: a "
			    "bad path", dir, i);
			goto out;
		}
		if (strcmp(rel, "hearth.db") == 0)
			have_db = 1;
		path = xasprintf("%s/%s", dir, rel);
		if (file_sha256(path, hex, &size) != 0) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			free(path);
			goto out;
		}
		if (size != json_integer_value(json_object_get(f, "size"))) {
			*cause = xasprintf("%s: %lld bytes, the manifest says "
			    "%lld: the backup is damaged", path,
			    (long long)size, (long long)json_integer_value(
			    json_object_get(f, "size")));
			free(path);
			goto out;
		}
		if (strcmp(hex, want) != 0) {
			*cause = xasprintf("%s: SHA-256 %s, the manifest says "
			    "%s: the backup is damaged", path, hex, want);
			free(path);
			goto out;
		}
		free(path);
		done += size;
		progress_say(&p, done / 1000000, total / 1000000, "MB");
	}
	if (!have_db) {
		*cause = xasprintf("%s/manifest.json: no hearth.db", dir);
		goto out;
	}

	path = xasprintf("%s/hearth.db", dir);
	if (out != NULL)
		fprintf(out, "database: integrity_check\n");
	if ((sql = open_immutable(path, cause)) == NULL ||
	    db_file_check(sql, path, cause) != 0 ||
	    (schema = db_file_schema(sql, path, cause)) == NULL) {
		free(path);
		goto out;
	}
	json_object_foreach(schema, comp, v) {
		k = known(comp);
		if (k >= 0 && json_integer_value(v) > k) {
			*cause = xasprintf("%s: written by a newer hearth "
			    "(%s): %s schema version %lld, this hearth (%s) "
			    "knows up to %d; restore it with that version or "
			    "newer", path, json_string_value(json_object_get(
			    man, "hearth_version")) ? json_string_value(
			    json_object_get(man, "hearth_version")) : "?",
			    comp, (long long)json_integer_value(v),
			    PACKAGE_VERSION, k);
			free(path);
			goto out;
		}
		if (k < 0 && out != NULL)
			fprintf(out, "note: schema component %s (version "
			    "%lld) belongs to a module not enabled here\n",
			    comp, (long long)json_integer_value(v));
	}
	if (!json_equal(schema, json_object_get(man, "schema"))) {
		*cause = xasprintf("%s: its schema versions differ from "
		    "manifest.json's: the backup is damaged", path);
		free(path);
		goto out;
	}
	free(path);
	rc = 0;
out:
	json_decref(schema);
	if (sql != NULL)
		sqlite3_close(sql);
	if (rc == 0)
		*manifest = man;
	else
		json_decref(man);
	return rc;
}

/* Whether a folder has anything in it. */
static int
dir_empty(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	int		 empty = 1;

	if ((d = opendir(path)) == NULL)
		return 1;
	while (empty && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") !=
		    0)
			empty = 0;
	closedir(d);
	return empty;
}

/*
 * Restore the checked backup dir (its manifest man) as data_dir: built in
 * a folder beside it, then renamed into place; a data_dir that has
 * anything in it is refused unless force, and then moved aside (its name
 * in *replaced, caller frees), not deleted. A live one is always refused.
 */
int
backup_restore(const char *dir, json_t *man, const char *where,
    int force, FILE *out, char **replaced, char **cause)
{
	struct progress	 p = { out, "restore", 0 };
	struct stat	 sb, parent_sb;
	json_t		*files, *f;
	char		*parent, *base, *tmp = NULL, *from, *to, when[32];
	const char	*rel;
	pid_t		 pid;
	size_t		 i;
	int		 rc = -1, exists, copy;
	mode_t		 mode = 0750;
	char		*data_dir = xstrdup(where);
	size_t		 len = strlen(data_dir);

	*replaced = NULL;
	while (len > 1 && data_dir[len - 1] == '/')	/* "data/" is data */
		data_dir[--len] = '\0';
	parent = path_parent(data_dir);
	base = path_base(data_dir);
	if (stat(parent, &parent_sb) != 0) {
		*cause = xasprintf("%s: %s", parent, strerror(errno));
		goto out;
	}
	exists = stat(data_dir, &sb) == 0;
	if (exists && !S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("%s: not a directory", data_dir);
		goto out;
	}
	if (exists && sb.st_dev != parent_sb.st_dev) {
		*cause = xasprintf("%s: a mount point: hearthctl restore "
		    "renames a new data_dir into place, so it must be a folder "
		    "inside the mounted file system (set data_dir to "
		    "%s/hearth, say)", data_dir, data_dir);
		goto out;
	}
	if ((pid = backup_live(data_dir)) != 0) {
		*cause = pid > 0 ? xasprintf("%s: hearthd (or another "
		    "program, pid %ld) has its database open: stop it first",
		    data_dir, (long)pid) : xasprintf("%s: cannot tell "
		    "whether hearthd has its database open (%s-shm): stop "
		    "it first", data_dir, data_dir);
		goto out;
	}
	if (exists && !dir_empty(data_dir) && !force) {
		*cause = xasprintf("%s: not empty; restoring replaces it: "
		    "add --force (it is moved aside, not deleted)", data_dir);
		goto out;
	}
	if (exists)
		mode = sb.st_mode & 07777;

	/* Built beside it, on the same file system, so the rename is
	 * atomic and the old data_dir is untouched until then. */
	tmp = xasprintf("%s/.%s.restore-%ld", parent, base, (long)getpid());
	(void)tree_remove(tmp);
	if (mkdir(tmp, 0700) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	files = json_object_get(man, "files");
	json_array_foreach(files, i, f) {
		rel = json_string_value(json_object_get(f, "path"));
		from = xasprintf("%s/%s", dir, rel);
		to = xasprintf("%s/%s", tmp, rel);
		/* The database is written to; the stored files never are. */
		copy = strcmp(rel, "hearth.db") == 0;
		if (copy ? file_copy(from, to) : file_link_or_copy(from, to)) {
			*cause = xasprintf("%s: %s", to, strerror(errno));
			free(from);
			free(to);
			goto out;
		}
		if (copy)
			(void)chmod(to, 0640);
		free(from);
		free(to);
		progress_say(&p, (int64_t)i + 1, (int64_t)json_array_size(
		    files), "files");
	}
	if (chmod(tmp, mode) != 0 || (geteuid() == 0 && exists &&
	    tree_chown(tmp, sb.st_uid, sb.st_gid) != 0)) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	dir_sync(tmp);

	/* Last look: nothing opened it meanwhile. */
	if (backup_live(data_dir) != 0) {
		*cause = xasprintf("%s: something opened its database during "
		    "the restore: stop it and run the restore again",
		    data_dir);
		goto out;
	}
	if (exists && dir_empty(data_dir)) {
		if (rmdir(data_dir) != 0) {
			*cause = xasprintf("%s: %s", data_dir,
			    strerror(errno));
			goto out;
		}
	} else if (exists) {
		utc_stamp(time(NULL), when, sizeof when, 1);
		*replaced = xasprintf("%s/%s.replaced-%s", parent, base, when);
		if (rename(data_dir, *replaced) != 0) {
			*cause = xasprintf("%s: cannot move it aside to %s: %s",
			    data_dir, *replaced, strerror(errno));
			free(*replaced);
			*replaced = NULL;
			goto out;
		}
	}
	if (rename(tmp, data_dir) != 0) {
		*cause = xasprintf("%s: %s", data_dir, strerror(errno));
		if (*replaced != NULL)
			(void)rename(*replaced, data_dir);
		goto out;
	}
	dir_sync(parent);
	rc = 0;
out:
	if (rc != 0 && tmp != NULL)
		(void)tree_remove(tmp);
	free(tmp);
	free(parent);
	free(base);
	free(data_dir);
	return rc;
}
