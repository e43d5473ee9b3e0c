/*
 * faultfs.c: an LD_PRELOAD shim that makes the database's disk fail on
 * request, for tests/integration/test_faults.py. The file named by
 * HEARTH_FAULT_FILE says what fails, and may change while hearthd runs:
 * "fsync" (fsync and fdatasync answer EIO) or "pwrite" (writes answer
 * ENOSPC), for files whose names end in ".db", "-wal" or "-journal";
 * empty or absent, nothing fails. It is read at most every 20 ms.
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum fault { F_NONE, F_FSYNC, F_PWRITE };

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static enum fault	 mode;
static long long	 checked_ms;

/* What fails now (the control file, read at most every 20 ms). */
static enum fault
fault_now(void)
{
	struct timespec	 ts;
	const char	*path = getenv("HEARTH_FAULT_FILE");
	char		 buf[16] = "";
	long long	 now;
	ssize_t		 n;
	int		 fd;

	if (path == NULL)
		return F_NONE;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	pthread_mutex_lock(&lock);
	if (now - checked_ms >= 20) {
		checked_ms = now;
		mode = F_NONE;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			n = read(fd, buf, sizeof buf - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			if (strncmp(buf, "fsync", 5) == 0)
				mode = F_FSYNC;
			else if (strncmp(buf, "pwrite", 6) == 0)
				mode = F_PWRITE;
		}
	}
	n = mode;
	pthread_mutex_unlock(&lock);
	return (enum fault)n;
}

/* Whether fd is one of the database's files. */
static int
is_db(int fd)
{
	char	link[64], path[4096];
	ssize_t	n;
	size_t	len;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof path - 1)) <= 0)
		return 0;
	path[n] = '\0';
	len = (size_t)n;
	return (len > 3 && strcmp(path + len - 3, ".db") == 0) ||
	    (len > 4 && strcmp(path + len - 4, "-wal") == 0) ||
	    (len > 8 && strcmp(path + len - 8, "-journal") == 0);
}

#define REAL(type, name, args) \
	static type (*real)args; \
	if (real == NULL) \
		real = (type (*)args)dlsym(RTLD_NEXT, name)

int
fsync(int fd)
{
	REAL(int, "fsync", (int));
	if (fault_now() == F_FSYNC && is_db(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int
fdatasync(int fd)
{
	REAL(int, "fdatasync", (int));
	if (fault_now() == F_FSYNC && is_db(fd)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(ssize_t, "pwrite", (int, const void *, size_t, off_t));
	if (fault_now() == F_PWRITE && is_db(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	REAL(ssize_t, "pwrite64", (int, const void *, size_t, off64_t));
	if (fault_now() == F_PWRITE && is_db(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, len, off);
}
