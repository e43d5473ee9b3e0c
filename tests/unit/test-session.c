/*
 * Unit tests for session.c, token.c, csrf.c, secret.c and user.c: who is
 * signed in, and for how long.
 */
#include <time.h>

#include "hearth.h"
#include "tap.h"
#include "util.h"

#define BIG 1000000L

static struct db	*db;
static int64_t		 alice, bob;

/* Run SQL with one integer argument and one int64 id. */
static void
set_col(const char *sql, int64_t v, int64_t id)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
		printf("Bail out! %s: %s\n", sql, db_errmsg(db));
		exit(99);
	}
	sqlite3_bind_int64(st, 1, v);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		printf("# %s: %s\n", sql, db_errmsg(db));
	sqlite3_finalize(st);
}

/* Whether any column of any row of a table contains needle. */
static int
table_contains(const char *table, const char *needle)
{
	sqlite3_stmt	*st;
	char		 sql[64];
	const char	*t;
	int		 i, found = 0;

	snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			t = (const char *)sqlite3_column_text(st, i);
			if (t != NULL && strstr(t, needle) != NULL)
				found = 1;
		}
	}
	sqlite3_finalize(st);
	return found;
}

/* Sessions of a person. */
static long long
nsessions(int64_t uid)
{
	char	sql[80];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions "
	    "WHERE user_id = %lld", (long long)uid);
	return util_int(db, sql);
}

static void
test_users(void)
{
	char	*cause = NULL, name[40];

	ok(user_valid_name("alice", &cause), "plain name valid");
	ok(user_valid_name("A_b9", &cause), "letters, digits, underscore");
	memset(name, 'a', 30);
	name[30] = '\0';
	ok(user_valid_name(name, &cause), "30 characters valid");
	name[30] = 'a';
	name[31] = '\0';
	ok(!user_valid_name(name, &cause), "31 characters invalid");
	free(cause);
	cause = NULL;
	ok(!user_valid_name("", &cause) && cause != NULL, "empty invalid");
	free(cause);
	cause = NULL;
	ok(!user_valid_name("a-b", &cause), "dash invalid");
	free(cause);
	cause = NULL;
	ok(!user_valid_name("a b", &cause), "space invalid");
	free(cause);
	cause = NULL;
	ok(!user_valid_name("a.b", &cause), "dot invalid");
	free(cause);
	cause = NULL;
	ok(!user_valid_name("\xc3\xa9t\xc3\xa9", &cause), "non-ASCII invalid");
	free(cause);
	cause = NULL;
	ok(!user_valid_name("a@b", &cause), "at sign invalid");
	free(cause);
	cause = NULL;

	alice = user_create(db, "alice", "Alice", NULL, ROLE_ADMIN, "phc-a",
	    &cause);
	ok(alice > 0, "user_create alice");
	bob = user_create(db, "bob", NULL, "bob@example.org", ROLE_MEMBER,
	    "phc-b", &cause);
	ok(bob > 0 && bob != alice, "user_create bob");
	ok(user_create(db, "ALICE", NULL, NULL, ROLE_MEMBER, "x", &cause) ==
	    -1 && cause != NULL && strstr(cause, "taken") != NULL,
	    "usernames are unique regardless of case");
	free(cause);
	cause = NULL;
	ok(user_create(db, "bad name", NULL, NULL, ROLE_MEMBER, "x", &cause) ==
	    -1, "user_create checks the name");
	free(cause);
}

static void
test_sessions(void)
{
	char		 tok[64], tok2[64], hash[HASH_HEX + 1], bad[80];
	struct session	 s;
	int64_t		 now = time(NULL);

	memset(&s, 0, sizeof s);
	ok(session_create(db, alice, "127.0.0.1", "test-agent", tok,
	    sizeof tok) == 0, "session_create");
	ok(strncmp(tok, SESSION_PREFIX, 3) == 0, "token has the hs_ prefix");
	is_int(strlen(tok), strlen(SESSION_PREFIX) + TOKEN_CHARS,
	    "token length");
	ok(session_lookup(db, tok, BIG, BIG, &s) == 0, "session_lookup");
	is_int(s.user_id, alice, "session belongs to alice");
	crypto_sha256_hex(tok, strlen(tok), hash);
	is_str(s.hash, hash, "session hash is sha256 of the token");
	ok(s.created_at >= now - 2 && s.created_at <= now + 2,
	    "created_at is now");

	ok(table_contains("sessions", tok + strlen(SESSION_PREFIX)) == 0,
	    "the token is not stored");
	ok(table_contains("sessions", hash) == 1, "its hash is");

	snprintf(bad, sizeof bad, "%s", tok);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	ok(session_lookup(db, bad, BIG, BIG, &s) == -1, "wrong token refused");
	ok(session_lookup(db, tok + 1, BIG, BIG, &s) == -1,
	    "truncated token refused");
	snprintf(bad, sizeof bad, "hat_%s", tok + 3);
	ok(session_lookup(db, bad, BIG, BIG, &s) == -1,
	    "token with another prefix refused");
	ok(session_lookup(db, hash, BIG, BIG, &s) == -1,
	    "the hash is not a token");
	ok(session_lookup(db, "", BIG, BIG, &s) == -1, "empty refused");

	/* Idle: not seen for 100s with a 50s idle timeout. */
	set_col("UPDATE sessions SET last_seen_at = ? WHERE user_id = ?",
	    now - 100, alice);
	ok(session_lookup(db, tok, 50, BIG, &s) == -1, "idle session refused");
	ok(s.expired, "... and reported expired, for the caller to end");
	session_end(db, s.hash);
	is_int(nsessions(alice), 0, "an expired session is deleted");

	/* Touch: at most every 15 minutes, or half the idle timeout. */
	session_create(db, alice, "127.0.0.1", "ua", tok, sizeof tok);
	set_col("UPDATE sessions SET last_seen_at = ? WHERE user_id = ?",
	    now - 120, alice);
	ok(session_lookup(db, tok, 3600, BIG, &s) == 0,
	    "seen 120s ago, 1h idle timeout: alive");
	ok(!s.touch, "... and not due for a touch yet (every 15 min)");
	ok(session_lookup(db, tok, 200, BIG, &s) == 0 && s.touch,
	    "with a 200s idle timeout it is due (half the timeout)");
	set_col("UPDATE sessions SET last_seen_at = ? WHERE user_id = ?",
	    now - 1000, alice);
	ok(session_lookup(db, tok, 3600, BIG, &s) == 0,
	    "seen 1000s ago, 1h idle timeout: alive");
	ok(s.touch, "... and due for a touch");
	session_touch(db, s.id);
	ok(util_int(db, "SELECT min(last_seen_at) FROM sessions") >= now,
	    "lookup refreshed last_seen_at");
	ok(session_lookup(db, tok, 100, BIG, &s) == 0,
	    "so a 100s idle timeout now passes");

	/* Absolute: created 1000s ago, seen now, 500s lifetime. */
	set_col("UPDATE sessions SET created_at = ? WHERE user_id = ?",
	    now - 1000, alice);
	ok(session_lookup(db, tok, BIG, 5000, &s) == 0,
	    "within the lifetime: alive");
	ok(session_lookup(db, tok, BIG, 500, &s) == -1,
	    "past the lifetime: refused though recently used");
	ok(s.expired, "and reported expired");
	session_end(db, s.hash);
	is_int(nsessions(alice), 0, "and deleted by the caller");

	/* Disabled person. */
	session_create(db, bob, "::1", NULL, tok, sizeof tok);
	ok(session_lookup(db, tok, BIG, BIG, &s) == 0, "bob's session");
	set_col("UPDATE users SET disabled = ? WHERE id = ?", 1, bob);
	ok(session_lookup(db, tok, BIG, BIG, &s) == -1,
	    "disabled person's session refused");
	set_col("UPDATE users SET disabled = ? WHERE id = ?", 0, bob);
	ok(user_set_disabled(db, bob, 1) == 0, "user_set_disabled");
	is_int(nsessions(bob), 0, "disabling ends every session");
	ok(user_set_disabled(db, bob, 0) == 0, "re-enable");
	ok(session_lookup(db, tok, BIG, BIG, &s) == -1,
	    "an ended session stays ended after re-enabling");

	/* End one, end all. */
	session_create(db, alice, "a", "b", tok, sizeof tok);
	session_create(db, alice, "a", "b", tok2, sizeof tok2);
	session_create(db, bob, "a", "b", bad, sizeof bad);
	ok(strcmp(tok, tok2) != 0, "tokens differ");
	ok(session_lookup(db, tok, BIG, BIG, &s) == 0 &&
	    session_end(db, s.hash) == 0, "session_end");
	ok(session_lookup(db, tok, BIG, BIG, &s) == -1, "ended session gone");
	ok(session_lookup(db, tok2, BIG, BIG, &s) == 0,
	    "the other session lives");
	ok(session_end_all(db, alice) == 0, "session_end_all");
	ok(session_lookup(db, tok2, BIG, BIG, &s) == -1,
	    "all of alice's sessions gone");
	ok(session_lookup(db, bad, BIG, BIG, &s) == 0, "bob's session lives");

	session_create(db, bob, "a", "b", tok, sizeof tok);
	is_int(nsessions(bob), 2, "bob has two sessions");
	ok(user_set_password(db, bob, "new-phc") == 0, "user_set_password");
	is_int(nsessions(bob), 0, "a new password ends every session");
	ok(user_set_password(db, 424242, "x") == -1,
	    "user_set_password on a missing person fails");
	ok(sqlite3_get_autocommit(db_handle(db)), "and leaves no transaction");

	/* A long User-Agent is cut, not refused. */
	memset(bad, 0, sizeof bad);
	{
		char	 ua[1000];

		memset(ua, 'u', sizeof ua - 1);
		ua[sizeof ua - 1] = '\0';
		ok(session_create(db, bob, "a", ua, tok, sizeof tok) == 0,
		    "long user agent accepted");
		is_int(util_int(db, "SELECT max(length(user_agent)) FROM "
		    "sessions"), 300, "user agent stored cut to 300");
	}
}

/* token_lookup, for the person a token belongs to. */
static int
lookup(const char *tok, int64_t *uid)
{
	struct arena		*a = arena_new();
	struct token_auth	 t;
	int			 rc;

	rc = token_lookup(db, a, tok, &t);
	*uid = t.user_id;
	arena_free(a);
	return rc;
}

static void
test_tokens(void)
{
	char		 tok[64], bad[300];
	int64_t		 id, id2, uid = 0;
	char		 hash[HASH_HEX + 1];

	id = token_create(db, alice, "app", NULL, tok, sizeof tok);
	ok(id > 0, "token_create");
	ok(strncmp(tok, TOKEN_PREFIX, 4) == 0, "hat_ prefix");
	is_int(strlen(tok), strlen(TOKEN_PREFIX) + TOKEN_CHARS, "token length");
	ok(lookup(tok, &uid) == 0 && uid == alice, "token_lookup");
	ok(table_contains("tokens", tok + strlen(TOKEN_PREFIX)) == 0,
	    "the token is not stored");
	crypto_sha256_hex(tok, strlen(tok), hash);
	ok(table_contains("tokens", hash) == 1, "its hash is");
	is_int(util_int(db, "SELECT count(*) FROM tokens WHERE scopes = "
	    "'read write follow' AND name = 'app'"), 1, "default scopes");

	snprintf(bad, sizeof bad, "%s", tok);
	bad[8] = bad[8] == 'A' ? 'B' : 'A';
	ok(lookup(bad, &uid) == -1, "wrong token refused");
	ok(lookup("", &uid) == -1, "empty token refused");
	memset(bad, 'x', sizeof bad - 1);
	bad[sizeof bad - 1] = '\0';
	ok(lookup(bad, &uid) == -1, "overlong token refused");

	id2 = token_create(db, bob, NULL, "read", bad, sizeof bad);
	ok(id2 > 0 && id2 != id, "bob's token");
	set_col("UPDATE users SET disabled = ? WHERE id = ?", 1, bob);
	ok(lookup(bad, &uid) == -1, "disabled person's token refused");
	set_col("UPDATE users SET disabled = ? WHERE id = ?", 0, bob);
	ok(lookup(bad, &uid) == 0 && uid == bob,
	    "works again when re-enabled");

	ok(token_revoke(db, bob, id) == -1,
	    "one person cannot revoke another's token");
	ok(lookup(tok, &uid) == 0, "so it still works");
	ok(token_revoke(db, alice, id) == 0, "token_revoke");
	ok(lookup(tok, &uid) == -1, "revoked token refused");
	ok(token_revoke(db, alice, id) == -1, "revoking twice fails");
	ok(token_revoke(db, alice, 999999) == -1, "revoking a missing token");
	ok(lookup(bad, &uid) == 0, "other tokens unaffected");
}

static void
test_csrf(void)
{
	char	 t1[CSRF_CHARS + 1], t2[CSRF_CHARS + 1], again[CSRF_CHARS + 1];
	char	 bad[CSRF_CHARS + 2], *cause = NULL, long1[400], long2[400];

	ok(secret_load(db, &cause) == 0, "secret_load creates the secret");
	csrf_token("binding-one", t1);
	is_int(strlen(t1), CSRF_CHARS, "token length");
	ok(secret_load(db, &cause) == 0, "secret_load again");
	csrf_token("binding-one", again);
	is_str(again, t1, "the secret survives a reload");
	is_int(util_int(db, "SELECT count(*) FROM secrets"), 1, "one secret");

	ok(csrf_check("binding-one", t1) == 1, "right token accepted");
	csrf_token("binding-two", t2);
	ok(strcmp(t1, t2) != 0, "another binding, another token");
	ok(csrf_check("binding-two", t1) == 0, "token of another binding refused");
	ok(csrf_check("binding-one", t2) == 0, "... both ways");
	snprintf(bad, sizeof bad, "%s", t1);
	bad[5] = bad[5] == 'A' ? 'B' : 'A';
	ok(csrf_check("binding-one", bad) == 0, "one changed character refused");
	snprintf(bad, sizeof bad, "%.*s", CSRF_CHARS - 1, t1);
	ok(csrf_check("binding-one", bad) == 0, "one character short refused");
	snprintf(bad, sizeof bad, "%sA", t1);
	ok(csrf_check("binding-one", bad) == 0, "one character long refused");
	ok(csrf_check("binding-one", "") == 0, "empty refused");
	ok(csrf_check("binding-one", NULL) == 0, "missing token refused");
	ok(csrf_check(NULL, t1) == 0, "missing binding refused");

	/* The binding may be a cookie the client chose, of any length. */
	memset(long1, 'c', sizeof long1 - 1);
	long1[sizeof long1 - 1] = '\0';
	memcpy(long2, long1, sizeof long2);
	long2[sizeof long2 - 2] = 'd';
	csrf_token(long1, t1);
	csrf_token(long2, t2);
	ok(csrf_check(long1, t1) == 1, "long binding: its token accepted");
	ok(strcmp(t1, t2) != 0,
	    "long bindings differing only at the end get different tokens");
	ok(csrf_check(long2, t1) == 0, "... and do not accept each other's");

	/* Remembered tokens (a per-thread memo): many bindings sharing its
	 * slots still get each their own, the same every time. */
	{
		static char	 first[1000][CSRF_CHARS + 1];
		char		 b[80];
		int		 i, same = 1, distinct = 1;

		for (i = 0; i < 1000; i++) {
			snprintf(b, sizeof b, "%064d", i);	/* 64: memo size */
			csrf_token(b, first[i]);
		}
		for (i = 999; i >= 0; i--) {
			snprintf(b, sizeof b, "%064d", i);
			csrf_token(b, again);
			same &= strcmp(again, first[i]) == 0;
			same &= csrf_check(b, first[i]);
			if (i > 0)
				distinct &= strcmp(first[i], first[i - 1]) != 0;
		}
		ok(same, "1000 bindings: each token the same when asked again");
		ok(distinct, "... and different from its neighbour's");
		snprintf(b, sizeof b, "%065d", 7);	/* past the memo's key */
		csrf_token(b, t1);
		snprintf(b, sizeof b, "%064d", 7);
		ok(strcmp(t1, first[7]) != 0,
		    "a 65-character binding is not mistaken for a 64-character one");
	}
}

/*
 * Ten thousand remembered sessions, as in the benchmark company: each must
 * stay (a direct-mapped table lost one in seven to a neighbour), a slower
 * reader must not put back an older row, and rows expire.
 */
static void
test_session_memo(void)
{
	struct session_row	 row, got;
	char			 hash[HASH_HEX + 1];
	int			 i, kept = 0;

	memset(&row, 0, sizeof row);
	for (i = 0; i < 10000; i++) {
		crypto_sha256_hex((const char *)&i, sizeof i, hash);
		row.id = i + 1;
		row.user_id = i + 1;
		session_memo_put(hash, &row, 1, 1000);
	}
	for (i = 0; i < 10000; i++) {
		crypto_sha256_hex((const char *)&i, sizeof i, hash);
		kept += session_memo_get(hash, 1001, &got) &&
		    got.id == i + 1;
	}
	printf("# kept %d of 10000 sessions\n", kept);
	ok(kept >= 9990, "10,000 sessions are all remembered");

	i = 3;
	crypto_sha256_hex((const char *)&i, sizeof i, hash);
	row.id = 4;
	row.last_seen_at = 50;
	session_memo_put(hash, &row, 3, 1002);
	row.last_seen_at = 40;
	session_memo_put(hash, &row, 2, 1003);
	ok(session_memo_get(hash, 1004, &got) && got.last_seen_at == 50,
	    "a slower reader does not put back an older session row");
	ok(!session_memo_get(hash, 1002 + STAMP_MAX_AGE, &got),
	    "remembered sessions expire after STAMP_MAX_AGE");
	ok(!session_memo_get("00", 1004, &got), "an unknown hash is not found");
}

int
main(void)
{
	util_tmpdir();
	log_set_level(LOG_WARN);
	db = util_db("session.db");
	test_users();
	test_sessions();
	test_tokens();
	test_csrf();
	test_session_memo();
	db_close(db);
	return done_testing();
}
