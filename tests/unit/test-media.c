/* Unit tests for media.c: storing uploaded images under generated names. */
#include <sys/stat.h>

#include <dirent.h>

#include "hearth.h"
#include "tap.h"
#include "util.h"

/* Whether a file holds exactly len bytes of data. */
static int
same_content(const char *path, const void *data, size_t len)
{
	FILE	*f = fopen(path, "rb");
	char	 buf[4096];
	size_t	 n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return n == len && memcmp(buf, data, len) == 0;
}

/* The number of entries in a directory, dot files included. */
static int
count_entries(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

int
main(void)
{
	const char	*dir = util_tmpdir();
	static const char data[] = "\x89PNG\r\n\x1a\n\0binary\0data";
	char		 name[MEDIA_NAME_MAX], name2[MEDIA_NAME_MAX], small[20];
	char		 path[512], *cause = NULL;
	struct stat	 sb;
	int		 rc;

	umask(077);	/* stricter than the mode asked for: must not matter */
	rc = media_store(dir, data, sizeof data, IMAGE_PNG, name, sizeof name,
	    &cause);
	ok(rc == 0, "store: %s", cause ? cause : "ok");
	free(cause);
	cause = NULL;
	ok(media_valid_name(name), "generated name %s is valid", name);
	is_int(strlen(name), 26, "22 random characters and .png");
	ok(strcmp(name + 22, ".png") == 0, "extension from the type");
	snprintf(path, sizeof path, "%s/media", dir);
	ok(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode), "media/ created");
	snprintf(path, sizeof path, "%s/media/%s", dir, name);
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0640,
	    "file mode 0640 (got %o)", (unsigned)(sb.st_mode & 07777));
	ok(same_content(path, data, sizeof data),
	    "exact content, NULs and all");

	umask(022);
	ok(media_store(dir, "GIF89a", 6, IMAGE_GIF, name2, sizeof name2,
	    &cause) == 0 && strcmp(name, name2) != 0 &&
	    strcmp(name2 + 22, ".gif") == 0, "second store, another name");
	free(cause);
	cause = NULL;
	snprintf(path, sizeof path, "%s/media", dir);
	is_int(count_entries(path), 2, "no temporary files left behind");
	ok(media_store(dir, "", 0, IMAGE_WEBP, name2, sizeof name2,
	    &cause) == 0 && strcmp(name2 + 22, ".webp") == 0, "empty file");
	free(cause);
	cause = NULL;

	/* Failures. */
	ok(media_store(dir, data, 4, IMAGE_NONE, name2, sizeof name2,
	    &cause) == -1 && cause != NULL, "IMAGE_NONE refused");
	free(cause);
	cause = NULL;
	ok(media_store(dir, data, 4, IMAGE_PNG, small, sizeof small,
	    &cause) == -1 && cause != NULL, "small name buffer refused");
	free(cause);
	cause = NULL;
	ok(media_store("/nonexistent/hearth", data, 4, IMAGE_PNG, name2,
	    sizeof name2, &cause) == -1 && cause != NULL &&
	    strstr(cause, "mkdir") != NULL, "missing data dir: %s",
	    cause ? cause : "(no cause)");
	free(cause);
	cause = NULL;

	/* Names. */
	ok(media_valid_name("AAAAAAAAAAAAAAAAAAAAAA.png"), "valid png");
	ok(media_valid_name("abcdefghijklmnopqrs-_w.jpg"), "valid jpg");
	ok(media_valid_name("0123456789abcdefghijkQ.webp"), "valid webp");
	ok(media_valid_name("0123456789abcdefghijkg.gif"), "valid gif");
	ok(!media_valid_name("../x.png"), "../x.png refused");
	ok(!media_valid_name("a/b.png"), "a/b.png refused");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAA/AA.png"), "slash refused");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAA.png.exe"),
	    "x.png.exe refused");
	ok(!media_valid_name("x.png.exe"), "short x.png.exe refused");
	ok(!media_valid_name(""), "empty refused");
	ok(!media_valid_name(NULL), "NULL refused");
	ok(!media_valid_name(".png"), ".png refused");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAA.png"), "21 characters");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAAA.png"), "23 characters");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAB.png"),
	    "a last character 16 bytes cannot end in");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAA.PNG"), "upper-case ext");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAA.svg"), "svg");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAA.jpeg"), "jpeg (not ours)");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAA."), "no extension");
	ok(!media_valid_name(".tmp-AAAAAAAAAAAAAAAAAAAAAA.png"), "temp name");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.png"), "too long");
	ok(!media_valid_name("AAAAAAAAAAAAAAAAAAAAA%.png"), "percent refused");

	/* Removal. */
	snprintf(path, sizeof path, "%s/media/%s", dir, name);
	ok(media_remove(dir, name) == 0 && stat(path, &sb) == -1, "removed");
	ok(media_remove(dir, name) == 0, "removing twice is fine");
	ok(media_remove(dir, "../secret.png") == -1, "invalid name refused");
	return done_testing();
}
