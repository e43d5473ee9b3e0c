/*
 * vapid.c: the server's VAPID key pair (RFC 8292), which signs every Web
 * Push and whose public half apps and browsers subscribe with. It is made
 * at the first start and kept in the database like the CSRF secret, and
 * never made again: a new key would silently orphan every subscription.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

static char	*vapid_private;		/* PEM */
static char	*vapid_public_key;	/* base64url, uncompressed point */

/* Load the key pair, creating it on first start. */
int
vapid_load(struct db *db, char **cause)
{
	sqlite3_stmt	*st;
	char		*fresh, *pem = NULL, *pub;

	fresh = webpush_keygen();
	if (db_begin(db) != 0)
		goto fail;
	st = db_prepare(db, "INSERT OR IGNORE INTO secrets (name, value) "
	    "VALUES ('vapid', ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, fresh, (int)strlen(fresh), SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	st = db_prepare(db, "SELECT value FROM secrets WHERE name = 'vapid'");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	pem = xasprintf("%.*s", sqlite3_column_bytes(st, 0),
	    (const char *)sqlite3_column_blob(st, 0));
	sqlite3_reset(st);
	if (db_commit(db) != 0)
		goto fail;
	explicit_bzero(fresh, strlen(fresh));
	free(fresh);
	if ((pub = webpush_public_b64(pem)) == NULL) {
		*cause = xstrdup("the stored VAPID key is not a P-256 key");
		free(pem);
		return -1;
	}
	free(vapid_private);
	free(vapid_public_key);
	vapid_private = pem;
	vapid_public_key = pub;
	return 0;
fail:
	*cause = xasprintf("loading the VAPID key: %s", db_errmsg(db));
	db_rollback(db);
	explicit_bzero(fresh, strlen(fresh));
	free(fresh);
	free(pem);
	return -1;
}

/* The private key (PEM), or NULL before vapid_load. */
const char *
vapid_pem(void)
{
	return vapid_private;
}

/* The public key as apps are given it, or "" before vapid_load. */
const char *
vapid_public(void)
{
	return vapid_public_key != NULL ? vapid_public_key : "";
}
