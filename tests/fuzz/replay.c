/*
 * replay.c: a plain driver for the libFuzzer harnesses, so make check runs
 * every corpus file through its parser (with the configured compiler and, in
 * a sanitizer build, ASan and UBSan) without needing clang. It prints TAP:
 * one "ok" per input that did not crash. With no arguments it replays
 * $HEARTH_SRCDIR/tests/fuzz/corpus/FUZZ_CORPUS; otherwise each argument is a
 * file or a directory of files (e.g. a crash found by make fuzz-run).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_CORPUS
#error "build with -DFUZZ_CORPUS='\"name\"'"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int	ntests, nfailed;

/* Report one result. */
static void
result(int pass, const char *path, const char *why)
{
	printf("%s %d - %s%s%s\n", pass ? "ok" : "not ok", ++ntests, path,
	    why ? ": " : "", why ? why : "");
	if (!pass)
		nfailed++;
	fflush(stdout);
}

/* Feed one file, in a buffer of exactly its size so over-reads show. */
static void
replay_file(const char *path)
{
	FILE	*f;
	uint8_t	*buf;
	long	 size;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		result(0, path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return;
	}
	buf = malloc(size ? (size_t)size : 1);
	if (buf == NULL || fread(buf, 1, size, f) != (size_t)size) {
		result(0, path, "cannot read");
		free(buf);
		fclose(f);
		return;
	}
	fclose(f);
	printf("# %s (%ld bytes)\n", path, size);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	result(1, path, NULL);
}

/* Skip dot files. */
static int
visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Feed every file of a directory, in name order. */
static void
replay_dir(const char *dir)
{
	struct dirent	**names;
	char		 *path;
	int		  i, n;

	if ((n = scandir(dir, &names, visible, alphasort)) < 0) {
		result(0, dir, strerror(errno));
		return;
	}
	if (n == 0)
		result(0, dir, "no corpus files");
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) == -1)
			abort();
		replay_file(path);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Replay a file or a directory. */
static void
replay(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		replay_dir(path);
	else
		replay_file(path);
}

int
main(int argc, char **argv)
{
	const char	*src = getenv("HEARTH_SRCDIR");
	char		*dir;
	int		 i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		if (asprintf(&dir, "%s/tests/fuzz/corpus/%s", src ? src : ".",
		    FUZZ_CORPUS) == -1)
			abort();
		replay(dir);
		free(dir);
	}
	for (i = 1; i < argc; i++)
		replay(argv[i]);
	printf("1..%d\n", ntests);
	return nfailed ? 1 : 0;
}
