/* Unit tests for fold.c: letters folded as people type them, the same in
 * C (queries) as in SQL (schema 0013's indexes), and matches marked in
 * escaped text. */
#include <sqlite3.h>

#include "hearth.h"
#include "tap.h"

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
	arena_free(a);
	return done_testing();
}
