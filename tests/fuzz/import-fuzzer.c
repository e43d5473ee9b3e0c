/*
 * import-fuzzer.c: the CSV of people an admin uploads (user-import.c),
 * against a migrated in-memory database. Beyond not crashing: every row
 * has a line number that grows, at most the rows allowed, and an error
 * always names its field; a row without an error has a valid username
 * and fields within their limits; the error count is the rows in error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ROWS_MAX	50

static struct db	*db;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a;
	struct import	 im;
	char		*csv, *cause = NULL;
	size_t		 i;
	int		 errors = 0, line = 0;

	if (db == NULL) {
		log_set_level(LOG_ERROR);
		if ((db = db_open(":memory:", SYNC_NORMAL, 0, &cause)) == NULL ||
		    db_migrate(db, "core", core_migrations, core_nmigrations,
		    &cause) != 0)
			abort();
	}
	a = arena_new();
	csv = arena_alloc(a, size + 1);
	memcpy(csv, data, size);
	csv[size] = '\0';
	if (user_import_parse(db, a, csv, size, ROWS_MAX, &im) != 0) {
		if (im.error == NULL || *im.error == '\0')
			abort();
		arena_free(a);
		return 0;
	}
	if (im.n == 0 || im.n > ROWS_MAX)
		abort();
	for (i = 0; i < im.n; i++) {
		const struct import_row *r = &im.rows[i];

		if (r->line <= line)
			abort();
		line = r->line;
		if (r->error != NULL) {
			if (r->field == NULL || *r->error == '\0')
				abort();
			errors++;
			continue;
		}
		if (!user_valid_name(r->username, &cause) ||
		    strlen(r->display_name) > DISPLAY_NAME_MAX ||
		    strlen(r->department) > 100 || strlen(r->title) > 100 ||
		    (r->admin != 0 && r->admin != 1))
			abort();
	}
	if (errors != im.errors)
		abort();
	arena_free(a);
	return 0;
}
