/*
 * secret.c: the server's secret key, which signs CSRF tokens. It is made once,
 * stored in the database, and shared by every thread and every restart, so
 * tokens in open forms stay valid across a restart.
 */
#include <string.h>

#include "store.h"

static uint8_t	secret_key[32];
static int	secret_loaded;

/* Load the secret, creating it on first start. */
int
secret_load(struct db *db, char **cause)
{
	sqlite3_stmt	*st;
	uint8_t		 fresh[32];
	int		 rc = -1;

	crypto_random(fresh, sizeof fresh);
	if (db_begin(db) != 0)
		goto fail;
	st = db_prepare(db, "INSERT OR IGNORE INTO secrets (name, value) "
	    "VALUES ('csrf', ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, fresh, sizeof fresh, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	st = db_prepare(db, "SELECT value FROM secrets WHERE name = 'csrf'");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 0) != sizeof secret_key)
		goto fail;
	memcpy(secret_key, sqlite3_column_blob(st, 0), sizeof secret_key);
	sqlite3_reset(st);
	if (db_commit(db) != 0)
		goto fail;
	secret_loaded = 1;
	rc = 0;
	return rc;
fail:
	*cause = xasprintf("loading the server secret: %s", db_errmsg(db));
	db_rollback(db);
	return rc;
}

/* The secret; fatal if it was never loaded. */
const uint8_t *
secret_get(void)
{
	if (!secret_loaded)
		fatalx("secret used before secret_load");
	return secret_key;
}
