/* Unit tests for media.c and filetype.c: storing uploads under generated
 * names in fan-out folders, what a file is served as, and the name it is
 * offered under. */
#include <sys/stat.h>

#include <stdio.h>

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

int
main(void)
{
	const char	*dir = util_tmpdir();
	static const char data[] = "\x89PNG\r\n\x1a\n\0binary\0data";
	char		 name[MEDIA_NAME_MAX], name2[MEDIA_NAME_MAX], small[20];
	char		 path[512], *cause = NULL, *p;
	char		 clean[FILENAME_KEEP], longname[1100];
	struct stat	 sb;
	int		 rc;

	umask(077);	/* stricter than the mode asked for: must not matter */
	rc = media_store(dir, data, sizeof data, "png", name, sizeof name,
	    &cause);
	ok(rc == 0, "store: %s", cause ? cause : "ok");
	free(cause);
	cause = NULL;
	ok(media_valid_name(name), "generated name %s is valid", name);
	is_int(strlen(name), 26, "22 random characters and .png");
	ok(strcmp(name + 22, ".png") == 0, "extension as asked");
	snprintf(path, sizeof path, "%s/media", dir);
	ok(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode), "media/ created");
	/* two levels of folders named by the name's first four characters */
	snprintf(path, sizeof path, "%s/media/%.2s/%.2s/%s", dir, name,
	    name + 2, name);
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0640,
	    "in its fan-out folder, file mode 0640 (got %o)",
	    (unsigned)(sb.st_mode & 07777));
	ok(same_content(path, data, sizeof data),
	    "exact content, NULs and all");
	p = media_path(dir, name);
	ok(strcmp(p, path) == 0, "media_path finds it: %s", p);
	free(p);
	p = media_relpath(name);
	ok(strncmp(p, name, 2) == 0 && p[2] == '/' && strcmp(p + 6, name) ==
	    0, "its path under media/: %s", p);
	free(p);

	/* a file stored flat before there were folders is still found */
	snprintf(path, sizeof path, "%s/media/QQQQQQQQQQQQQQQQQQQQQQ.png", dir);
	fclose(fopen(path, "w"));
	p = media_path(dir, "QQQQQQQQQQQQQQQQQQQQQQ.png");
	ok(strcmp(p, path) == 0, "a flat old file is found: %s", p);
	free(p);
	ok(media_remove(dir, "QQQQQQQQQQQQQQQQQQQQQQ.png") == 0 &&
	    stat(path, &sb) == -1, "... and removed");

	umask(022);
	ok(media_store(dir, "GIF89a", 6, "gif", name2, sizeof name2,
	    &cause) == 0 && strcmp(name, name2) != 0 &&
	    strcmp(name2 + 22, ".gif") == 0, "second store, another name");
	free(cause);
	cause = NULL;
	ok(media_store(dir, "", 0, "webp", name2, sizeof name2,
	    &cause) == 0 && strcmp(name2 + 22, ".webp") == 0, "empty file");
	free(cause);
	cause = NULL;
	ok(media_store(dir, "%PDF-1.4", 8, "pdf", name2, sizeof name2,
	    &cause) == 0 && strcmp(name2 + 22, ".pdf") == 0 &&
	    media_valid_name(name2), "a file's extension (pdf)");
	free(cause);
	cause = NULL;
	ok(media_store(dir, "MZ", 2, "bin", name2, sizeof name2,
	    &cause) == 0 && media_valid_name(name2), "bytes of no known type "
	    "(bin)");
	free(cause);
	cause = NULL;

	/* Failures. */
	ok(media_store(dir, data, 4, NULL, name2, sizeof name2,
	    &cause) == -1 && cause != NULL, "no extension refused");
	free(cause);
	cause = NULL;
	ok(media_store(dir, data, 4, "html", name2, sizeof name2,
	    &cause) == -1 && cause != NULL, "an extension media never keeps "
	    "(html) refused");
	free(cause);
	cause = NULL;
	ok(media_store(dir, data, 4, "png", small, sizeof small,
	    &cause) == -1 && cause != NULL, "small name buffer refused");
	free(cause);
	cause = NULL;
	ok(media_store("/nonexistent/hearth", data, 4, "png", name2,
	    sizeof name2, &cause) == -1 && cause != NULL &&
	    strstr(cause, "mkdir") != NULL, "missing data dir: %s",
	    cause ? cause : "(no cause)");
	free(cause);
	cause = NULL;

	/* What a file is served as: by its bytes, the name only choosing
	 * among types the bytes allow. */
	ok(strcmp(filetype_of("%PDF-1.7 x", 10, "r.pdf")->mime,
	    "application/pdf") == 0, "a PDF named .pdf");
	ok(strcmp(filetype_of("%PDF-1.7 x", 10, "r.txt")->ext, "pdf") == 0,
	    "a PDF named .txt is a PDF");
	ok(strcmp(filetype_of("PK\3\4xxxx", 8, "deck.pptx")->ext, "pptx") ==
	    0, "a zip named .pptx");
	ok(strcmp(filetype_of("hello", 5, "deck.pptx")->ext, "txt") == 0,
	    "text named .pptx is text");
	ok(strcmp(filetype_of("<svg><script>", 13, "a.svg")->mime,
	    "text/plain; charset=utf-8") == 0, "SVG is plain text, a download");
	ok(strcmp(filetype_of("<html>", 6, "a.html")->ext, "txt") == 0,
	    "HTML is plain text");
	ok(strcmp(filetype_of("MZ\x90\0\3", 5, "setup.exe")->mime,
	    "application/octet-stream") == 0, "anything else: octet-stream");
	ok(strcmp(filetype_of("a\0b", 3, "notes.txt")->ext, "bin") == 0,
	    "a NUL is not text");

	/* The name a file is offered under. */
	filename_clean("../../etc/passwd", "txt", clean, sizeof clean);
	ok(strcmp(clean, "passwd") == 0, "no folders: %s", clean);
	filename_clean("C:\\Users\\me\\q3.xlsx", "xlsx", clean,
	    sizeof clean);
	ok(strcmp(clean, "q3.xlsx") == 0, "no Windows folders: %s", clean);
	filename_clean("\xe2\x80\xaegpj.exe", "bin", clean, sizeof clean);
	ok(strcmp(clean, "gpj.exe") == 0, "no RTL override: %s", clean);
	filename_clean("a\tb\x7f\"c\".pdf", "pdf", clean, sizeof clean);
	ok(strcmp(clean, "ab'c'.pdf") == 0, "no controls, no quotes: %s",
	    clean);
	filename_clean("...hidden", "txt", clean, sizeof clean);
	ok(strcmp(clean, "hidden") == 0, "no leading dots: %s", clean);
	filename_clean("", "pdf", clean, sizeof clean);
	ok(strcmp(clean, "file.pdf") == 0, "nothing left: %s", clean);
	filename_clean("\xff\xfe.pdf", "pdf", clean, sizeof clean);
	ok(strcmp(clean, "file.pdf") == 0, "not UTF-8: %s", clean);
	memset(longname, 'x', 1000);
	strcpy(longname + 1000, ".txt");
	filename_clean(longname, "txt", clean, sizeof clean);
	ok(strlen(clean) == 200 && strcmp(clean + 196, ".txt") == 0,
	    "a long name: 200 bytes, the extension kept");
	memset(longname, 0, sizeof longname);
	for (rc = 0; rc < 150; rc++)
		memcpy(longname + rc * 2, "\xc3\xa9", 2);	/* é */
	filename_clean(longname, NULL, clean, sizeof clean);
	ok(strlen(clean) <= 200 && strlen(clean) % 2 == 0 &&
	    utf8_valid((const unsigned char *)clean, strlen(clean)),
	    "never half a character");

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

	ok(media_valid_name("0123456789abcdefghijkg.pdf"), "valid pdf");
	ok(media_valid_name("0123456789abcdefghijkg.bin"), "valid bin");

	/* Removal. */
	snprintf(path, sizeof path, "%s/media/%.2s/%.2s/%s", dir, name,
	    name + 2, name);
	ok(media_remove(dir, name) == 0 && stat(path, &sb) == -1, "removed");
	ok(media_remove(dir, name) == 0, "removing twice is fine");
	ok(media_remove(dir, "../secret.png") == -1, "invalid name refused");
	return done_testing();
}
