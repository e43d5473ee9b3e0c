/* Unit tests for fold.c: letters folded as people type them, the same in
 * C (queries) as in SQL (schema 0013's indexes), and matches marked in
 * escaped text. */
#include <sqlite3.h>

#include "hearth.h"
#include "tap.h"
#include "util.h"

/* Whether SQLite, indexing "x<letter>x" through FOLD_SQL and unicode61 as
 * schema 0013 does, finds it by the C fold of the same text. */
static int
sql_agrees(sqlite3 *db, struct arena *a, const char *text)
{
	sqlite3_stmt	*st;
	char		*q;
	int		 found = 0;

	sqlite3_exec(db, "DELETE FROM f", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO f (t) VALUES ("
	    FOLD_SQL("?1") ")", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	q = arena_printf(a, "\"%s\"", fold_text(a, text));
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM f WHERE f MATCH ?1", -1,
	    &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* How many rows of the table an FTS5 query on it finds. */
static int
fts_count(struct db *db, const char *sql, const char *match)
{
	sqlite3_stmt	*st;
	int		 n = -1;

	if ((st = db_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

/*
 * Rows written before schema 0013 are found folded after it (it rebuilds
 * both indexes), and its triggers keep them right through edits and
 * deletes (a contentless index must be told the very values it holds).
 */
static void
reindexed(void)
{
	static const char posts_sql[] = "SELECT count(*) FROM posts_fts "
	    "WHERE posts_fts MATCH ?1";
	static const char users_sql[] = "SELECT count(*) FROM users_fts "
	    "WHERE users_fts MATCH ?1";
	struct db	*db;
	char		*cause = NULL;
	size_t		 before = 0;

	util_tmpdir();
	if ((db = db_open(util_path("old.db"), SYNC_OFF, 0, &cause)) == NULL) {
		ok(0, "a database opens: %s", cause);
		return;
	}
	while (before < core_nmigrations &&
	    core_migrations[before].version < 13)
		before++;
	ok(db_migrate(db, "core", core_migrations, before, &cause) == 0,
	    "the schema as it was before 0013");
	ok(db_exec(db, "INSERT INTO users (id, username, display_name, "
	    "job_title, department, created_at, updated_at) VALUES (1, "
	    "'zofia', 'Zofia Łukasiewicz', 'Księgowa', 'Dział Øst', 0, 0);"
	    "INSERT INTO posts (id, author_id, visibility, created_at, "
	    "source, content_html, text) VALUES (7, 1, 0, 0, 'x', 'x', "
	    "'Spotkanie zespołu, Straße');") == 0, "a person and a post");
	ok(db_migrate(db, "core", core_migrations, core_nmigrations,
	    &cause) == 0, "schema 0013 on top");
	is_int(fts_count(db, posts_sql, "\"zespolu\""), 1,
	    "the old post is found by zespolu");
	is_int(fts_count(db, posts_sql, "\"strasse\""), 1, "... and strasse");
	is_int(fts_count(db, users_sql, "\"lukasiewicz\""), 1,
	    "the old person by a folded name");
	is_int(fts_count(db, users_sql, "\"ksiegowa\""), 1,
	    "... by job title");
	is_int(fts_count(db, users_sql, "\"ost\""), 1, "... by department");
	ok(db_exec(db, "UPDATE posts SET text = 'Dziś ŁÓDŹ' WHERE id = 7") ==
	    0, "the post is edited");
	is_int(fts_count(db, posts_sql, "\"zespolu\""), 0,
	    "the old words are gone");
	is_int(fts_count(db, posts_sql, "\"lodz\""), 1, "the new ones found");
	ok(db_exec(db, "UPDATE users SET job_title = 'Kierowniczka' WHERE "
	    "id = 1") == 0, "the job title changes");
	is_int(fts_count(db, users_sql, "\"ksiegowa\""), 0,
	    "the old title is gone");
	is_int(fts_count(db, users_sql, "\"kierown\"*"), 1,
	    "the new one is found by its start");
	ok(db_exec(db, "DELETE FROM posts WHERE id = 7") == 0,
	    "the post is deleted");
	is_int(fts_count(db, posts_sql, "\"lodz\""), 0, "... and not found");
	ok(db_exec(db, "INSERT INTO posts_fts (posts_fts, rank) VALUES "
	    "('integrity-check', 1); INSERT INTO users_fts (users_fts, rank) "
	    "VALUES ('integrity-check', 1)") == 0,
	    "both indexes pass FTS5's integrity check");
	db_close(db);
}

/*
 * Schema 0019 on a database that already has tags and replies: every tag
 * gets its folded name (hearth_fold, fold.c's folding in SQL), and a post
 * its count of replies not everyone may read.
 */
static void
migrated_0019(void)
{
	struct db	*db;
	char		*cause = NULL;
	size_t		 before = 0;

	util_tmpdir();
	if ((db = db_open(util_path("old19.db"), SYNC_OFF, 0, &cause)) ==
	    NULL) {
		ok(0, "a database opens: %s", cause);
		return;
	}
	while (before < core_nmigrations &&
	    core_migrations[before].version < 19)
		before++;
	ok(db_migrate(db, "core", core_migrations, before, &cause) == 0,
	    "the schema as it was before 0019");
	ok(db_exec(db, "INSERT INTO users (id, username, display_name, "
	    "created_at, updated_at) VALUES (1, 'zofia', 'Zofia', 0, 0);"
	    "INSERT INTO tags (id, name, display) VALUES (1, 'zespół', "
	    "'Zespół'), (2, 'Überstunden', 'Überstunden'), (3, 'plain', "
	    "'plain');"
	    "INSERT INTO posts (id, author_id, visibility, created_at, "
	    "source, content_html, text) VALUES (7, 1, 0, 0, 'x', 'x', 'x');"
	    "INSERT INTO posts (id, author_id, visibility, created_at, "
	    "source, content_html, text, in_reply_to_id) VALUES "
	    "(8, 1, 0, 0, 'a', 'a', 'a', 7), (9, 1, 2, 0, 'b', 'b', 'b', 7), "
	    "(10, 1, 3, 0, 'c', 'c', 'c', 7);") == 0,
	    "tags, a post and three replies (one public)");
	ok(db_migrate(db, "core", core_migrations, core_nmigrations,
	    &cause) == 0, "schema 0019 on top");
	is_int(util_int(db, "SELECT count(*) FROM tags WHERE folded = "
	    "'zespol' AND id = 1"), 1, "zespół is folded to zespol");
	is_int(util_int(db, "SELECT count(*) FROM tags WHERE folded = "
	    "'uberstunden' AND id = 2"), 1, "Überstunden to uberstunden");
	is_int(util_int(db, "SELECT count(*) FROM tags WHERE folded = "
	    "'plain'"), 1, "plain stays plain");
	is_int(util_int(db, "SELECT replies_hidden FROM posts WHERE id = 7"),
	    2, "the post counts its two replies not everyone may read");
	ok(db_exec(db, "DELETE FROM posts WHERE id = 10") == 0,
	    "the direct reply is deleted");
	is_int(util_int(db, "SELECT replies_hidden FROM posts WHERE id = 7"),
	    1, "... and no longer counted");
	db_close(db);
}

int
main(void)
{
	struct arena	*a = arena_new();
	sqlite3		*db;
	uint32_t	 cp;
	char		 text[8];
	int		 all = 1;

	is_str(fold_text(a, "zespołu"), "zespolu", "ł folds to l");
	is_str(fold_text(a, "ZESPOŁU"), "zespolu", "Ł folds to l");
	is_str(fold_text(a, "Überstunden"), "uberstunden", "Ü folds to u");
	is_str(fold_text(a, "Đorđe Søren Æsir Œuvre"),
	    "dorde soren aesir oeuvre", "đ ø æ œ fold");
	is_str(fold_text(a, "Straße STRAẞE"), "strasse strasse", "ß and ẞ");
	is_str(fold_text(a, "Þór ıi ħ ŀl"), "thor ii h ll", "þ ı ħ ŀ");
	is_str(fold_text(a, "Ärzte café naïve"), "arzte cafe naive",
	    "decomposable accents");
	is_str(fold_text(a, "日本 ×"), "日本 ×", "other letters kept");
	is_str(fold_text(a, ""), "", "empty");

	is_str(fold_mark(a, "Darjeeling tea", "darjeel"),
	    "<mark>Darjeel</mark>ing tea", "prefix marked");
	is_str(fold_mark(a, "Zespołu & <b>", "zespolu"),
	    "<mark>Zespołu</mark> &amp; &lt;b&gt;",
	    "folded match marked on the original, rest escaped");
	is_str(fold_mark(a, "Große Straße", "strass"),
	    "Große <mark>Straß</mark>e", "ß matched by half its fold");
	is_str(fold_mark(a, "ein Tee, kein Tee", "ee"), "ein Tee, kein Tee",
	    "only word starts match");
	is_str(fold_mark(a, "<script>", "script"), "&lt;<mark>script</mark>&gt;",
	    "markup in the text never survives");
	is_str(fold_mark(a, "Überstunden heute", "uberstunden HEUTE"),
	    "<mark>Überstunden</mark> <mark>heute</mark>", "every word");
	is_str(fold_mark(a, "", "x"), "", "empty text");
	is_str(fold_mark_html(a, "<p class=\"tea\">Tea &amp; tea<a href=\"/tea\">"
	    "#tea</a></p>", "tea amp"), "<p class=\"tea\"><mark>Tea</mark> "
	    "&amp; <mark>tea</mark><a href=\"/tea\">#<mark>tea</mark></a></p>",
	    "HTML: text marked, tags and references kept");
	is_str(fold_mark_html(a, "<p>Zespołu</p>", "zespolu"),
	    "<p><mark>Zespołu</mark></p>", "HTML: folded match");

	ok(sqlite3_open(":memory:", &db) == SQLITE_OK &&
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING fts5 (t, "
	    "tokenize = 'unicode61 remove_diacritics 2')", NULL, NULL,
	    NULL) == SQLITE_OK, "an FTS5 table as the indexes have");
	for (cp = 0xc0; cp < 0x180; cp++) {
		if (fold_letter(cp) == NULL)
			continue;
		snprintf(text, sizeof text, "x%c%cx", (char)(0xc0 | cp >> 6),
		    (char)(0x80 | (cp & 0x3f)));
		if (!sql_agrees(db, a, text)) {
			printf("# U+%04X: SQL and C fold differ\n", (unsigned)cp);
			all = 0;
		}
	}
	ok(all, "the index's fold and the query's agree on every letter");
	ok(sql_agrees(db, a, "xẞx"), "and on ẞ");
	ok(sql_agrees(db, a, "zespołu"), "zespołu found by zespolu");
	sqlite3_close(db);
	reindexed();
	migrated_0019();
	arena_free(a);
	return done_testing();
}
