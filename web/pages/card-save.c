/*
 * card-save.c: post cards (card.c) that survive a restart. Rendering a card
 * costs ~40 µs, and after a restart every first page renders all of its
 * own: a home page took about a millisecond of CPU for the first minutes,
 * when everyone comes back at once after an upgrade. So at a clean
 * shutdown the cards in memory are written to saved_cards (schema 0028,
 * card-saved.c), and read back into memory before the next start listens.
 *
 * A saved card is used only if the same build rendered it: a hash of the
 * program itself, every template and catalogue in the web directory, every
 * file in the module directory and the config file, so an upgrade, an
 * edited template or a changed setting (base_url, the reactions offered)
 * starts with none. In memory it is served, as any card, only while its
 * tag still matches the post, its author and the reader's state, and for
 * what was left of its hour. The markers in it (the reader's CSRF token,
 * the way back, the times) carry the old run's secret, replaced by this
 * run's as it is read back.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pages.h"

#define CARD_SAVE_MAX	(64ULL * 1024 * 1024)	/* bytes written at most */

/* FNV-1a, 64 bits: a fingerprint, not a defence. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Mix a file's name and bytes into h (a missing file mixes its name). */
static uint64_t
hash_file(uint64_t h, const char *path)
{
	char	buf[65536];
	ssize_t	n;
	int	fd;

	h = fnv(h, path, strlen(path) + 1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return h;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		h = fnv(h, buf, (size_t)n);
	close(fd);
	return h;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Mix every regular file of dir, in name order, into h. */
static uint64_t
hash_dir(uint64_t h, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, *path;
	size_t		 n = 0, i;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return h;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		h = hash_file(h, path);
		free(path);
		free(names[i]);
	}
	free(names);
	return h;
}

/* What renders cards in this run. */
static uint64_t
card_build(const struct config *c)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	char		*dir;

	/* the program (and its version, should its file be unreadable) */
	h = fnv(h, PACKAGE_VERSION, sizeof PACKAGE_VERSION);
	h = hash_file(h, "/proc/self/exe");
	dir = xasprintf("%s/templates", c->web_dir);
	h = hash_dir(h, dir);
	free(dir);
	dir = xasprintf("%s/i18n", c->web_dir);
	h = hash_dir(h, dir);
	free(dir);
	h = hash_dir(h, c->module_dir);
	if (c->path != NULL)
		h = hash_file(h, c->path);
	return h & INT64_MAX;	/* a SQLite integer */
}

/*
 * This run's fingerprint, taken as the start reads its templates, config
 * and program: at the shutdown the files may be newer (a package upgrade
 * replaces them, then restarts; an admin edits base_url, then restarts),
 * and cards rendered by the old ones must not be saved under the new
 * fingerprint. 0 until web_cards_load took it: nothing is saved then.
 */
static uint64_t	 run_build;

struct card_saving {
	struct db	*db;
	uint64_t	 build;
	int64_t		 now;
	const char	*mark;
	size_t		 mark_len;
	uint64_t	 bytes;
	size_t		 saved;
	int		 failed;
};

/* One card into the table (web_card_each's callback). */
static void
save_one(int64_t key, uint64_t tag, const char *html, size_t len,
    uint64_t ttl_us, void *arg)
{
	struct card_saving	*s = arg;
	struct card_row		 row;

	if (s->failed || s->bytes + len > CARD_SAVE_MAX)
		return;
	row.key = key;
	row.tag = tag;
	row.build = s->build;
	row.expires_at = s->now + (int64_t)(ttl_us / 1000000);
	row.mark = s->mark;
	row.mark_len = s->mark_len;
	row.html = html;
	row.len = len;
	if (card_saved_put(s->db, &row) != 0)
		s->failed = 1;
	else {
		s->bytes += len;
		s->saved++;
	}
}

/* After a clean shutdown (no loop renders any more): keep the cards. */
void
web_cards_save(const struct config *c)
{
	struct card_saving	 s;
	char			*path = config_db_path(c), *cause = NULL;

	memset(&s, 0, sizeof s);
	if (run_build == 0) {
		free(path);
		return;
	}
	if ((s.db = db_open(path, c->synchronous, 0, &cause)) == NULL) {
		log_warn("cards: not saved: %s", cause);
		free(cause);
		free(path);
		return;
	}
	free(path);
	s.build = run_build;
	s.now = (int64_t)time(NULL);
	s.mark = web_card_mark(&s.mark_len);
	if (db_begin(s.db) != 0 || card_saved_clear(s.db) != 0)
		s.failed = 1;
	else
		web_card_each(save_one, &s);
	if (!s.failed && db_commit(s.db) == 0)
		log_info("cards: saved %zu post cards (%llu KB) for the next "
		    "start", s.saved, (unsigned long long)(s.bytes / 1024));
	else {
		db_rollback(s.db);
		log_warn("cards: could not save the post cards: the next start "
		    "renders them again");
	}
	db_close(s.db);
}

/* One saved card back into memory (card_saved_each's callback). */
static int
load_one(const struct card_row *row, void *arg)
{
	struct card_saving	*s = arg;
	int64_t			 left = row->expires_at - s->now;

	if (left <= 0)
		return 0;
	if (web_card_restore(row->key, row->tag, row->html, row->len,
	    row->mark, row->mark_len, (uint64_t)left * 1000000) == 0) {
		s->saved++;
		s->bytes += row->len;
	}
	return 0;
}

/* Before the loops start: the cards the last clean shutdown kept. */
void
web_cards_load(const struct config *c)
{
	struct card_saving	 s;
	struct timespec		 t0, t1;
	char			*path = config_db_path(c), *cause = NULL;

	memset(&s, 0, sizeof s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run_build = card_build(c);
	s.db = db_open(path, c->synchronous, DB_READONLY, &cause);
	free(path);
	if (s.db == NULL) {
		log_warn("cards: none read back: %s", cause);
		free(cause);
		return;
	}
	s.build = run_build;
	s.now = (int64_t)time(NULL);
	if (db_read_begin(s.db) == 0) {
		(void)card_saved_each(s.db, s.build, s.now, load_one, &s);
		db_read_end(s.db);
	}
	db_close(s.db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (s.saved > 0)
		log_info("cards: read back %zu post cards (%llu KB) in %.2f s",
		    s.saved, (unsigned long long)(s.bytes / 1024),
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}
