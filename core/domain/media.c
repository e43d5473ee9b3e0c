/*
 * media.c: uploaded files on disk, under DATA_DIR/media/. Every file gets a
 * fresh random name (128 bits, base64url) and the extension of what its
 * bytes were found to be, so names are never reused (and can be cached
 * forever), say nothing about who uploaded what, and cannot be guessed.
 * They live in two levels of folders named by the name's first four
 * characters (media/Ab/Cd/AbCd...jpg), so no folder grows past a few
 * thousand entries however many files a company keeps; avatars stored
 * before that sit flat in media/ and are still found there. A file is
 * written under a temporary name, synced, then renamed into place, so a
 * crash never leaves half a file under a real name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"

#define MEDIA_RANDOM_BYTES	16
#define MEDIA_RANDOM_CHARS	22	/* base64url of 16 bytes, no padding */

/* Whether c is in the base64url alphabet. */
static int
is_b64url(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether ext is one media_store writes: an image's, or a file's. */
static int
media_ext_ok(const char *ext)
{
	return image_type_from_ext(ext) != IMAGE_NONE ||
	    filetype_from_ext(ext) != NULL;
}

/*
 * Whether name is one media_store could have made, "<22 base64url>.<ext>",
 * and so safe to join to the media folder: no slash, no other dot.
 */
int
media_valid_name(const char *name)
{
	size_t	i;

	if (name == NULL || strnlen(name, MEDIA_NAME_MAX) == MEDIA_NAME_MAX)
		return 0;
	for (i = 0; i < MEDIA_RANDOM_CHARS; i++) {
		if (!is_b64url((unsigned char)name[i]))
			return 0;
	}
	/* 16 bytes leave the last character 4 zero bits: A, Q, g or w. */
	if (strchr("AQgw", name[MEDIA_RANDOM_CHARS - 1]) == NULL ||
	    name[MEDIA_RANDOM_CHARS] != '.')
		return 0;
	return media_ext_ok(name + MEDIA_RANDOM_CHARS + 1);
}

/*
 * Where a valid name's file is (a malloc'ed path): in its fan-out folder,
 * or flat in media/ for a file stored before there were folders.
 */
char *
media_path(const char *data_dir, const char *name)
{
	char		*path;
	struct stat	 sb;

	path = xasprintf("%s/media/%.2s/%.2s/%s", data_dir, name, name + 2,
	    name);
	if (stat(path, &sb) == -1 && errno == ENOENT) {
		free(path);
		path = xasprintf("%s/media/%s", data_dir, name);
		if (stat(path, &sb) == -1) {
			free(path);
			path = xasprintf("%s/media/%.2s/%.2s/%s", data_dir,
			    name, name + 2, name);
			errno = ENOENT;
		}
	}
	return path;
}

/* The path of a name relative to media/ (for X-Accel-Redirect). */
char *
media_relpath(const char *name)
{
	return xasprintf("%.2s/%.2s/%s", name, name + 2, name);
}

/* fsync a directory, so a rename or unlink in it is durable. */
static int
media_sync_dir(const char *dir)
{
	int	fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* mkdir that is content with a folder already there. */
static int
media_mkdir(const char *dir, char **cause)
{
	struct stat	sb;

	char		*parent, *slash;

	if (mkdir(dir, 0750) == 0) {
		/* the new folder's entry in its parent is durable too */
		parent = xstrdup(dir);
		if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
			*slash = '\0';
			if (media_sync_dir(parent) == -1)
				log_warn("media: fsync %s: %s", parent,
				    strerror(errno));
		}
		free(parent);
	} else if (errno != EEXIST) {
		*cause = xasprintf("media: mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("media: %s is not a directory", dir);
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/*
 * Store a file under a new name with extension ext (an image's, decided
 * by its bytes, or filetype_of's). Writes the name (at most MEDIA_NAME_MAX
 * bytes with the NUL) into name. 0, or -1 with *cause and errno.
 */
int
media_store(const char *data_dir, const void *data, size_t len,
    const char *ext, char *name, size_t namelen, char **cause)
{
	const char	*p = data;
	uint8_t		 raw[MEDIA_RANDOM_BYTES];
	char		 rnd[MEDIA_RANDOM_CHARS + 1];
	char		*dir = NULL, *tmp = NULL, *path = NULL;
	size_t		 off;
	ssize_t		 n;
	int		 fd = -1, rc = -1, err = 0;

	if (ext == NULL || !media_ext_ok(ext)) {
		*cause = xstrdup("media: not a type media keeps");
		errno = EINVAL;
		return -1;
	}
	if (namelen < MEDIA_RANDOM_CHARS + 1 + strlen(ext) + 1) {
		*cause = xstrdup("media: name buffer too small");
		return -1;
	}
	crypto_random(raw, sizeof raw);
	crypto_b64url(raw, sizeof raw, rnd);
	dir = xasprintf("%s/media", data_dir);
	if (media_mkdir(dir, cause) != 0)
		goto failed;
	free(dir);
	dir = xasprintf("%s/media/%.2s", data_dir, rnd);
	if (media_mkdir(dir, cause) != 0)
		goto failed;
	free(dir);
	dir = xasprintf("%s/media/%.2s/%.2s", data_dir, rnd, rnd + 2);
	if (media_mkdir(dir, cause) != 0)
		goto failed;
	snprintf(name, namelen, "%s.%s", rnd, ext);
	/* The dot in front keeps it from ever passing media_valid_name. */
	tmp = xasprintf("%s/.tmp-%s", dir, name);
	path = xasprintf("%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0640);
	if (fd == -1) {
		err = errno;
		*cause = xasprintf("media: create %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	/* Exactly 0640 whatever the umask: the group may be a web server. */
	if (fchmod(fd, 0640) == -1)
		goto fail;
	for (off = 0; off < len; off += n) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			goto fail;
		}
	}
	if (fsync(fd) == -1)
		goto fail;
	n = close(fd);
	fd = -1;
	if (n == -1 || rename(tmp, path) == -1)
		goto fail;
	if (media_sync_dir(dir) == -1)
		log_warn("media: fsync %s: %s", dir, strerror(errno));
	rc = 0;
	goto out;

fail:
	err = errno;
	*cause = xasprintf("media: write %s: %s", tmp, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	goto out;
failed:
	err = errno;
out:
	if (rc != 0)
		name[0] = '\0';
	free(path);
	free(tmp);
	free(dir);
	errno = err;		/* why it failed, for the caller's answer */
	return rc;
}

/*
 * Before a stored file is removed: if a backup is running (it holds a
 * lock on data_dir/backup.lock), keep a hard link in data_dir/backup-held/
 * for it, as its snapshot may still refer to the file (backup.c). Asking
 * (F_GETLK) takes no lock, so removals never wait for a backup.
 */
static void
media_hold(const char *data_dir, const char *path, const char *name)
{
	struct flock	 fl;
	char		*lock = xasprintf("%s/" MEDIA_BACKUP_LOCK, data_dir);
	char		*dir, *held;
	int		 fd;

	fd = open(lock, O_RDONLY | O_CLOEXEC);
	free(lock);
	if (fd == -1)
		return;		/* no backup ever ran here */
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) {
		close(fd);
		return;
	}
	close(fd);
	dir = xasprintf("%s/" MEDIA_BACKUP_HELD, data_dir);
	held = xasprintf("%s/%s", dir, name);
	if ((mkdir(dir, 0750) != 0 && errno != EEXIST) || (link(path, held)
	    != 0 && errno != EEXIST && errno != ENOENT))
		log_warn("media: a backup is running and %s could not be "
		    "kept for it: %s", name, strerror(errno));
	free(dir);
	free(held);
}

/*
 * Remove a stored file (an avatar replaced, an attachment's post deleted). 0 if it is gone,
 * including if it was already; -1 for a name media_store would not make or
 * an I/O error.
 */
int
media_remove(const char *data_dir, const char *name)
{
	char	*path;
	int	 rc = 0;

	if (!media_valid_name(name))
		return -1;
	path = media_path(data_dir, name);
	media_hold(data_dir, path, name);	/* a running backup's */
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("media: unlink %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}
