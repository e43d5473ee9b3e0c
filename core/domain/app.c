/*
 * app.c: OAuth apps and their one-time authorization codes, as Mastodon
 * has them. An app's client_id is public; its client_secret and every code
 * are 256-bit random secrets of which only the hash is stored. Scopes are
 * space-separated words: read, write, follow, push and Mastodon's granular
 * read:* and write:* ones.
 */
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "domain.h"

#define CODE_LIFETIME	600	/* seconds an authorization code is good for */

/* Every scope an app may ask for, as Mastodon 4.3 lists them. */
static const char *const scopes_known[] = {
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites",
	"read:filters", "read:follows", "read:lists", "read:mutes",
	"read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks",
	"write:conversations", "write:favourites", "write:filters",
	"write:follows", "write:lists", "write:media", "write:mutes",
	"write:notifications", "write:reports", "write:statuses",
};

/* The known scopes as a JSON array (for the server metadata). */
json_t *
scope_known_json(void)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < nitems(scopes_known); i++)
		json_array_append_new(a, json_string(scopes_known[i]));
	return a;
}

/* Whether the space-separated list has the word w (of length n). */
static int
scope_has(const char *list, const char *w, size_t n)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		if ((size_t)(e - p) == n && strncmp(p, w, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

/* Whether the space-separated list has the scope w exactly. */
int
scope_exact(const char *list, const char *w)
{
	return scope_has(list, w, strlen(w));
}

/*
 * Normalise a scope list (spaces, "+" or newlines between words) into a
 * single-space one in the arena; NULL if a word is unknown or there is none.
 */
char *
scope_normalise(struct arena *a, const char *in)
{
	char		*out = arena_alloc(a, strlen(in) + 1), *o = out;
	const char	*p = in, *e;
	size_t		 i, n;
	int		 known;

	while (*p != '\0') {
		p += strspn(p, " +\t\r\n");
		e = p + strcspn(p, " +\t\r\n");
		if ((n = e - p) == 0)
			break;
		for (known = 0, i = 0; i < nitems(scopes_known); i++)
			known |= strlen(scopes_known[i]) == n &&
			    strncmp(scopes_known[i], p, n) == 0;
		if (!known)
			return NULL;
		*o = '\0';
		if (!scope_has(out, p, n)) {
			if (o != out)
				*o++ = ' ';
			memcpy(o, p, n);
			o += n;
		}
		p = e;
	}
	*o = '\0';
	return o == out ? NULL : out;
}

/*
 * Whether a token's scopes grant need. A granular need ("read:statuses")
 * is granted by itself or its kind ("read"); a coarse one ("read") by
 * itself or any granular scope of its kind, since the router only knows
 * the kind of a route.
 */
int
scope_allows(const char *have, const char *need)
{
	const char	*p = have, *e, *colon;
	size_t		 n = strlen(need);

	if (scope_has(have, need, n))
		return 1;
	if ((colon = strchr(need, ':')) != NULL)
		return scope_has(have, need, colon - need);
	/* a granular scope of that kind (not for follow: see router.c) */
	while (*p != '\0') {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		if ((size_t)(e - p) > n + 1 && strncmp(p, need, n) == 0 &&
		    p[n] == ':')
			return 1;
		p = e;
	}
	return 0;
}

/* Whether every scope of want is granted by have. */
int
scope_subset(const char *want, const char *have)
{
	const char	*p = want, *e;
	char		 w[32];

	while (*p != '\0') {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		if (e == p)
			break;
		if ((size_t)(e - p) >= sizeof w)
			return 0;
		memcpy(w, p, e - p);
		w[e - p] = '\0';
		if (!scope_has(have, w, e - p) && (strchr(w, ':') == NULL ||
		    !scope_has(have, w, strchr(w, ':') - w)))
			return 0;
		p = e;
	}
	return 1;
}

/* Register an app; the id, or -1. client_id and the secret go to the
 * buffers (TOKEN_CHARS + 8 bytes each is enough). */
int64_t
app_create(struct db *db, const char *name, const char *website,
    const char *redirect_uris, const char *scopes, char *client_id,
    char *secret, size_t len)
{
	sqlite3_stmt	*st;
	char		 hash[HASH_HEX + 1], unused[HASH_HEX + 1];
	int		 rc;

	crypto_new_token("", client_id, len, unused);
	crypto_new_token(APP_SECRET_PREFIX, secret, len, hash);
	st = db_prepare(db, "INSERT INTO apps (name, website, redirect_uris, "
	    "scopes, client_id, secret_hash, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (website != NULL && *website != '\0')
		sqlite3_bind_text(st, 2, website, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, redirect_uris, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, scopes, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, time(NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? db_last_id(db) : -1;
}

/* An app by id, or else by client_id; NULL if there is none. */
static struct app *
app_find(struct db *db, struct arena *a, int64_t id, const char *client_id)
{
	sqlite3_stmt	*st;
	struct app	*app = NULL;
	const char	*w;

	st = db_prepare(db, id != 0 ? "SELECT id, name, website, "
	    "redirect_uris, scopes, client_id, secret_hash, created_at FROM "
	    "apps WHERE id = ?" : "SELECT id, name, website, redirect_uris, "
	    "scopes, client_id, secret_hash, created_at FROM apps WHERE "
	    "client_id = ?");
	if (st == NULL)
		return NULL;
	if (id != 0)
		sqlite3_bind_int64(st, 1, id);
	else
		sqlite3_bind_text(st, 1, client_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		app = arena_alloc(a, sizeof *app);
		app->id = sqlite3_column_int64(st, 0);
		app->name = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 1));
		w = (const char *)sqlite3_column_text(st, 2);
		app->website = w ? arena_strdup(a, w) : NULL;
		app->redirect_uris = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 3));
		app->scopes = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 4));
		app->client_id = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 5));
		app->secret_hash = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 6));
		app->created_at = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	return app;
}

/* An app by id, or NULL. */
struct app *
app_get(struct db *db, struct arena *a, int64_t id)
{
	return id > 0 ? app_find(db, a, id, NULL) : NULL;
}

/* An app by its client_id, or NULL. */
struct app *
app_get_by_client(struct db *db, struct arena *a, const char *client_id)
{
	if (client_id == NULL || *client_id == '\0' || strlen(client_id) > 128)
		return NULL;
	return app_find(db, a, 0, client_id);
}

/* Whether secret is the app's client_secret (compared as hashes). */
int
app_secret_ok(const struct app *app, const char *secret)
{
	char	hash[HASH_HEX + 1];

	if (secret == NULL || strlen(secret) > 256)
		return 0;
	crypto_sha256_hex(secret, strlen(secret), hash);
	return crypto_equal(hash, app->secret_hash, HASH_HEX);
}

/* Whether uri is one of the app's registered redirect URIs, exactly. */
int
app_redirect_ok(const struct app *app, const char *uri)
{
	if (uri == NULL || *uri == '\0' || strchr(uri, ' ') != NULL ||
	    strchr(uri, '\n') != NULL)
		return 0;
	return scope_has(app->redirect_uris, uri, strlen(uri));
}

/*
 * Issue a one-time authorization code bound to the app, person, redirect
 * URI, scopes and PKCE challenge (NULL for none); the code goes to out.
 */
int
oauth_code_create(struct db *db, int64_t app_id, int64_t user_id,
    const char *redirect_uri, const char *scopes, const char *challenge,
    char *out, size_t len)
{
	sqlite3_stmt	*st;
	char		 hash[HASH_HEX + 1];
	int		 rc;

	crypto_new_token("", out, len, hash);
	st = db_prepare(db, "INSERT INTO oauth_codes (code_hash, app_id, "
	    "user_id, redirect_uri, scopes, code_challenge, expires_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, app_id);
	sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_text(st, 4, redirect_uri, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, scopes, -1, SQLITE_STATIC);
	if (challenge != NULL && *challenge != '\0')
		sqlite3_bind_text(st, 6, challenge, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, time(NULL) + CODE_LIFETIME);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Whether a PKCE verifier matches an S256 challenge. */
static int
pkce_ok(const char *challenge, const char *verifier)
{
	uint8_t	md[SHA256_DIGEST_LENGTH];
	char	b64[TOKEN_CHARS + 1];
	size_t	n;

	if (verifier == NULL || (n = strlen(verifier)) < 43 || n > 128)
		return 0;
	SHA256((const uint8_t *)verifier, n, md);
	crypto_b64url(md, sizeof md, b64);
	return strlen(challenge) == TOKEN_CHARS &&
	    crypto_equal(b64, challenge, TOKEN_CHARS);
}

/*
 * Redeem a code (on the writer): it must be the app's, unused, unexpired,
 * for the same redirect URI, and pass PKCE if it has a challenge. Marks it
 * used and sets *user_id and *scopes; 0, or -1 with *why.
 */
int
oauth_code_redeem(struct db *db, struct arena *a, int64_t app_id,
    const char *code, const char *redirect_uri, const char *verifier,
    int64_t *user_id, const char **scopes, const char **why)
{
	sqlite3_stmt	*st;
	char		 hash[HASH_HEX + 1];
	const char	*challenge;
	int64_t		 id = 0;
	int		 rc = -1;

	*why = "The provided authorization grant is invalid, expired, "
	    "revoked, does not match the redirection URI used in the "
	    "authorization request, or was issued to another client.";
	if (code == NULL || strlen(code) > 256)
		return -1;
	crypto_sha256_hex(code, strlen(code), hash);
	st = db_prepare(db, "SELECT id, user_id, redirect_uri, scopes, "
	    "code_challenge FROM oauth_codes WHERE code_hash = ? AND "
	    "app_id = ? AND used_at IS NULL AND expires_at > ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, app_id);
	sqlite3_bind_int64(st, 3, time(NULL));
	if (sqlite3_step(st) == SQLITE_ROW && redirect_uri != NULL &&
	    strcmp(redirect_uri, (const char *)sqlite3_column_text(st, 2))
	    == 0) {
		challenge = (const char *)sqlite3_column_text(st, 4);
		if (challenge == NULL || pkce_ok(challenge, verifier)) {
			id = sqlite3_column_int64(st, 0);
			*user_id = sqlite3_column_int64(st, 1);
			*scopes = arena_strdup(a,
			    (const char *)sqlite3_column_text(st, 3));
			rc = 0;
		} else
			*why = "The code_verifier does not match the "
			    "code_challenge.";
	}
	sqlite3_reset(st);
	if (rc != 0)
		return -1;
	return db_stamp(db, "UPDATE oauth_codes SET used_at = ? WHERE id = ?",
	    id, 0) < 0 ? -1 : 0;
}

/* Call cb for each app holding a live token of a person, newest first. */
int
app_authorized(struct db *db, struct arena *a, int64_t user_id,
    void (*cb)(const struct app *, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct idlist	 ids = { 0 };
	struct idlist	 last = { 0 };
	struct app	*app;
	size_t		 i;
	int		 rc;

	st = db_prepare(db, "SELECT app_id, max(created_at) FROM tokens "
	    "WHERE user_id = ? AND app_id IS NOT NULL AND revoked_at IS NULL "
	    "GROUP BY app_id ORDER BY 2 DESC");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		idlist_add(a, &ids, sqlite3_column_int64(st, 0));
		idlist_add(a, &last, sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	for (i = 0; i < ids.n; i++) {
		if ((app = app_get(db, a, ids.ids[i])) != NULL)
			cb(app, last.ids[i], arg);
	}
	return 0;
}

/* Revoke every token a person gave an app; how many, or -1. */
int
app_revoke_for_user(struct db *db, int64_t app_id, int64_t user_id)
{
	return db_stamp(db, "UPDATE tokens SET revoked_at = ? WHERE "
	    "app_id = ? AND user_id = ? AND revoked_at IS NULL", app_id,
	    user_id);
}
