/*
 * media-tools.c: the media folder as a whole, for the hourly sweep and for
 * hearthctl: the stored files nothing refers to (found by walking the
 * fan-out folders, judged against the database), what the folder holds,
 * and a copy of it next to a backup. Stored files are never changed once
 * written and never reused, so a copy can be a hard link, and a file of
 * the same name and size already in a copy is the same file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Collect the old files of one folder (and remove old temporaries). */
static void
sweep_folder(struct media_sweep *s, const char *dir, time_t cutoff)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && s->n < MEDIA_SWEEP_MAX) {
		if (e->d_name[0] == '.' && strncmp(e->d_name, ".tmp-", 5) != 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_mtime < cutoff) {
			if (strncmp(e->d_name, ".tmp-", 5) == 0) {
				/* a write that never finished */
				if (unlink(path) == 0)
					s->tmp_removed++;
			} else if (media_valid_name(e->d_name)) {
				s->names = xrealloc(s->names, (s->n + 1) *
				    sizeof *s->names);
				s->names[s->n++] = xstrdup(e->d_name);
			}
		}
		free(path);
	}
	closedir(d);
}

/*
 * Walk first-level folders [from, to) of 4096 (and the flat files of the
 * media folder itself with the first), collecting the files older than
 * cutoff: candidates for media_sweep_remove.
 */
void
media_sweep_collect(struct media_sweep *s, int from, int to, time_t cutoff)
{
	struct stat	 sb;
	char		*dir;
	int		 f, g;

	if (from == 0) {
		dir = xasprintf("%s/media", s->data_dir);
		sweep_folder(s, dir, cutoff);
		free(dir);
	}
	for (f = from; f < to && f < MEDIA_SWEEP_FOLDERS; f++) {
		dir = xasprintf("%s/media/%c%c", s->data_dir, b64url[f / 64],
		    b64url[f % 64]);
		g = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
		free(dir);
		if (!g)
			continue;	/* nothing below */
		for (g = 0; g < 64 * 64; g++) {
			dir = xasprintf("%s/media/%c%c/%c%c", s->data_dir,
			    b64url[f / 64], b64url[f % 64], b64url[g / 64],
			    b64url[g % 64]);
			sweep_folder(s, dir, cutoff);
			free(dir);
		}
	}
}

/* On the writer (or hearthctl): remove the candidates nothing refers to.
 * The number removed. */
size_t
media_sweep_remove(struct db *db, struct media_sweep *s, int dry_run)
{
	size_t	i, removed = 0;

	for (i = 0; i < s->n; i++) {
		if (media_referenced(db, s->names[i]))
			continue;
		if (dry_run || media_remove(s->data_dir, s->names[i]) == 0)
			removed++;
	}
	return removed;
}

void
media_sweep_free(struct media_sweep *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	s->names = NULL;
	s->n = 0;
}

/* Count the files and bytes under dir, recursively. */
static void
tree_usage(const char *dir, int64_t *files, int64_t *bytes)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				tree_usage(path, files, bytes);
			else if (S_ISREG(sb.st_mode)) {
				(*files)++;
				*bytes += (int64_t)sb.st_size;
			}
		}
		free(path);
	}
	closedir(d);
}

/* What the media folder holds on disk. */
void
media_disk_usage(const char *data_dir, int64_t *files, int64_t *bytes)
{
	char	*dir = xasprintf("%s/media", data_dir);

	*files = *bytes = 0;
	tree_usage(dir, files, bytes);
	free(dir);
}

/* mkdir -p, for a copy's folders. */
static int
mkdirs(const char *path)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) == -1 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0750) == -1 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Copy a file's bytes (when a hard link cannot be made), synced. */
static int
copy_file(const char *from, const char *to)
{
	char	 buf[65536], *tmp = xasprintf("%s.partial", to);
	ssize_t	 n;
	int	 in, out = -1, rc = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		goto out;
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640))
	    == -1)
		goto out;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)n) != n)
			goto out;
	}
	if (n < 0 || fsync(out) != 0)
		goto out;
	close(out);
	out = -1;
	rc = rename(tmp, to);
out:
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Copy dir into dest, recursively, file by file. */
static int
tree_copy(const char *dir, const char *dest, struct media_copy *mc)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb, db;
	char		*from, *to;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (mkdirs(dest) != 0) {
		closedir(d);
		return -1;
	}
	while ((e = readdir(d)) != NULL && rc == 0) {
		if (e->d_name[0] == '.')	/* ., .., unfinished writes */
			continue;
		from = xasprintf("%s/%s", dir, e->d_name);
		to = xasprintf("%s/%s", dest, e->d_name);
		if (lstat(from, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				rc = tree_copy(from, to, mc);
			else if (S_ISREG(sb.st_mode)) {
				if (stat(to, &db) == 0 && db.st_size ==
				    sb.st_size)
					mc->kept++;
				else if (unlink(to), link(from, to) == 0)
					mc->linked++;
				else if (copy_file(from, to) == 0)
					mc->copied++;
				else {
					mc->cause = xasprintf("%s: %s", to,
					    strerror(errno));
					rc = -1;
				}
				mc->bytes += (int64_t)sb.st_size;
				if (rc == 0 && mc->progress != NULL &&
				    (mc->kept + mc->linked + mc->copied) %
				    1000 == 0)
					mc->progress(mc);
			}
		}
		free(from);
		free(to);
	}
	closedir(d);
	return rc;
}

/*
 * Copy the media folder to dest (hard links where it can: the files never
 * change). Files already there are kept, so running it twice (before and
 * after the database's backup) copies only what is new. 0, or -1 with
 * mc->cause.
 */
int
media_copy_tree(const char *data_dir, const char *dest, struct media_copy *mc)
{
	char	*dir = xasprintf("%s/media", data_dir);
	int	 rc;

	rc = tree_copy(dir, dest, mc);
	if (rc != 0 && mc->cause == NULL)
		mc->cause = xasprintf("%s: %s", dest, strerror(errno));
	free(dir);
	return rc;
}
