/*
 * Unit tests for i18n.c and tz.c and the translation of templates
 * (render.c): the CLDR plural rules (Polish's whole table), Accept-Language
 * with q-values and regions, the PO reader, templates in three languages
 * (text runs, vars inside them, attributes, {{#_}}), and times in zones
 * across daylight saving changes; causes (cause.c) in three languages,
 * and sizes and numbers as each writes them.
 */
#include <sys/stat.h>

#include <pthread.h>

#include <event2/buffer.h>

#include "hearth.h"
#include "tap.h"
#include "util.h"

static char	out[8192];

/* Write a file under the test's folder. */
static void
put(const char *rel, const char *text)
{
	FILE	*f = fopen(util_path(rel), "w");

	fputs(text, f);
	fclose(f);
}

/* Render a loaded template in a language into out. */
static const char *
page(const char *name, json_t *view, int lang)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;

	out[0] = '\0';
	if (render_template_lang(b, name, view, lang) == 0) {
		n = evbuffer_get_length(b);
		if (n >= sizeof out)
			n = sizeof out - 1;
		evbuffer_remove(b, out, n);
		out[n] = '\0';
	}
	evbuffer_free(b);
	return out;
}

static void
test_plurals(void)
{
	/* Polish: 1 post, 2-4 posty, 5-21 postów, 22-24 posty, 25-31 postów,
	 * 112-114 postów (the teens), 122 posty. */
	static const struct {
		long	n;
		int	form;
	} pl[] = {
		{ 0, 2 }, { 1, 0 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 5, 2 },
		{ 11, 2 }, { 12, 2 }, { 13, 2 }, { 14, 2 }, { 15, 2 },
		{ 21, 2 }, { 22, 1 }, { 23, 1 }, { 24, 1 }, { 25, 2 },
		{ 101, 2 }, { 102, 1 }, { 111, 2 }, { 112, 2 }, { 114, 2 },
		{ 122, 1 }, { 1001, 2 }, { 1002, 1 }
	};
	size_t	i;

	for (i = 0; i < nitems(pl); i++)
		is_int(i18n_plural(LANG_PL, pl[i].n), pl[i].form,
		    "Polish plural of %ld", pl[i].n);
	is_int(i18n_plural(LANG_DE, 1), 0, "German: 1 is one");
	is_int(i18n_plural(LANG_DE, 0), 1, "German: 0 is other");
	is_int(i18n_plural(LANG_DE, 2), 1, "German: 2 is other");
	is_int(i18n_plural(LANG_EN, 21), 1, "English: 21 is other");
	is_str(trn(LANG_PL, 1, "post", "posts"), "wpis", "trn: 1 wpis");
	is_str(trn(LANG_PL, 3, "post", "posts"), "wpisy", "trn: 3 wpisy");
	is_str(trn(LANG_PL, 12, "post", "posts"), "wpisów", "trn: 12 wpisów");
	is_str(trn(LANG_PL, 22, "post", "posts"), "wpisy", "trn: 22 wpisy");
	is_str(trn(LANG_DE, 2, "post", "posts"), "Beiträge", "trn: German");
	is_str(trn(LANG_EN, 2, "post", "posts"), "posts", "trn: English");
	is_str(trn(LANG_DE, 2, "unknown", "unknowns"), "unknowns",
	    "trn: an unknown message stays English, in its form");
}

static void
test_accept(void)
{
	is_int(i18n_accept("de-AT,de;q=0.9,en;q=0.5"), LANG_DE, "de-AT is de");
	is_int(i18n_accept("pl-PL"), LANG_PL, "pl-PL is pl");
	is_int(i18n_accept("en;q=0.4, pl;q=0.8"), LANG_PL, "q-values rank");
	is_int(i18n_accept("fr, de;q=0.2"), LANG_DE, "skip what we lack");
	is_int(i18n_accept("pl;q=0, de;q=0.1"), LANG_DE, "q=0 refuses");
	is_int(i18n_accept("fr-CA, es"), LANG_EN, "English when none match");
	is_int(i18n_accept(""), LANG_EN, "empty: English");
	is_int(i18n_accept(NULL), LANG_EN, "absent: English");
	is_int(i18n_accept("*;q=0.5, de;q=0.4"), LANG_EN, "* is English");
	is_int(i18n_accept("de ; q = 1 , pl"), LANG_DE, "a tie: the first");
	is_int(i18n_accept("DE-de"), LANG_DE, "case does not matter");
	is_int(i18n_accept("dex, plx"), LANG_EN, "a longer tag is not de");
	is_int(i18n_accept(",,;q=1,"), LANG_EN, "junk is harmless");
	is_int(i18n_lang("pl_PL"), LANG_PL, "pl_PL");
	is_int(i18n_lang("xx"), -1, "unknown code");
}

static void
test_templates(void)
{
	char	*cause = NULL, *dir;
	json_t	*v;

	dir = xasprintf("%s/i18n", util_dir);
	mkdir(dir, 0700);
	free(dir);
	dir = xasprintf("%s/templates", util_dir);
	mkdir(dir, 0700);
	free(dir);
	put("i18n/de.po",
	    "msgid \"\"\nmsgstr \"\"\n\"Language: de\\n\"\n\n"
	    "#: x\nmsgid \"Sign in\"\nmsgstr \"Anmelden\"\n\n"
	    "msgid \"Hello {name}, welcome\"\nmsgstr \"Willkommen, {name}\"\n\n"
	    "msgid \"Close the menu\"\nmsgstr \"Menü schließen\"\n\n"
	    "msgid \"Save\"\nmsgstr \"Speichern\"\n\n"
	    "msgid \"Read <a href=\\\"{url}\\\">the rules</a> first.\"\n"
	    "msgstr \"Lies zuerst <a href=\\\"{url}\\\">die Regeln</a>.\"\n\n"
	    "#, fuzzy\nmsgid \"Search\"\nmsgstr \"Suche\"\n\n"
	    "msgid \"Not yet\"\nmsgstr \"\"\n\n"
	    "msgctxt \"month\"\nmsgid \"May\"\nmsgstr \"Mai\"\n\n"
	    "msgid \"May\"\nmsgstr \"Darf\"\n\n"
	    "msgid \"post\"\nmsgid_plural \"posts\"\n"
	    "msgstr[0] \"Beitrag\"\nmsgstr[1] \"Beiträge\"\n\n"
	    "msgid \"a long \"\n\"one\"\nmsgstr \"ein \"\n\"langer\"\n");
	put("i18n/pl.po",
	    "msgid \"\"\nmsgstr \"\"\n\n"
	    "msgid \"Sign in\"\nmsgstr \"Zaloguj się\"\n\n"
	    "msgid \"post\"\nmsgid_plural \"posts\"\n"
	    "msgstr[0] \"wpis\"\nmsgstr[1] \"wpisy\"\nmsgstr[2] \"wpisów\"\n");
	put("templates/t.html",
	    "<html lang=\"{{lang}}\"><h1>\n  Sign in\n</h1>"
	    "<p>Hello {{name}},\n welcome</p>"
	    "<button aria-label=\"Close the menu\" title=\"Search\">x</button>"
	    "<input type=\"submit\" value=\"Save\"><input value=\"Save\">"
	    "<p>{{#_}}Read <a href=\"{{url}}\">the rules</a> first.{{/_}}</p>"
	    "<p{{#name}} class=\"Save\"{{/name}}>Not yet</p>"
	    "<i>{{#name}}Sign in{{/name}}</i>");
	ok(render_init(util_dir, &cause) == 0, "templates and catalogues load");
	if (cause != NULL)
		printf("#   %s\n", cause);
	ok(i18n_count(LANG_DE) == 9, "German: 9 messages (fuzzy and empty "
	    "left out): %zu", i18n_count(LANG_DE));
	is_str(tr(LANG_DE, "a long one"), "ein langer", "continued strings");
	is_str(trc(LANG_DE, "month", "May"), "Mai", "msgctxt keeps senses");
	is_str(tr(LANG_DE, "May"), "Darf", "... apart");
	is_str(tr(LANG_DE, "Search"), "Search", "fuzzy is not used");
	v = json_pack("{s:s, s:s}", "name", "Ann & Bo", "url", "/r?a=1&b=2");
	/* Each run of white space with a line break in it is one line break
	 * once loaded (render.c's squeeze); spaces without one stay. */
	is_str(page("t", v, LANG_EN),
	    "<html lang=\"\"><h1>\nSign in\n</h1>"
	    "<p>Hello Ann &amp; Bo,\nwelcome</p>"
	    "<button aria-label=\"Close the menu\" title=\"Search\">x</button>"
	    "<input type=\"submit\" value=\"Save\"><input value=\"Save\">"
	    "<p>Read <a href=\"/r?a=1&amp;b=2\">the rules</a> first.</p>"
	    "<p class=\"Save\">Not yet</p><i>Sign in</i>",
	    "English is the template as written");
	is_str(page("t", v, LANG_DE),
	    "<html lang=\"\"><h1>\nAnmelden\n</h1>"
	    "<p>Willkommen, Ann &amp; Bo</p>"
	    "<button aria-label=\"Menü schließen\" title=\"Search\">x</button>"
	    "<input type=\"submit\" value=\"Speichern\"><input value=\"Save\">"
	    "<p>Lies zuerst <a href=\"/r?a=1&amp;b=2\">die Regeln</a>.</p>"
	    "<p class=\"Save\">Not yet</p><i>Anmelden</i>",
	    "German: text, vars in a run, attributes, {{#_}}, not other "
	    "attributes, untranslated stays English");
	page("t", v, LANG_PL);
	ok(strstr(out, "<h1>\nZaloguj się\n</h1>") != NULL,
	    "Polish: its own catalogue");
	ok(strstr(out, "Hello Ann &amp; Bo,\nwelcome") != NULL,
	    "Polish: what it lacks is English");
	json_object_set_new(v, "lang", json_string("de"));
	{
		struct evbuffer	*b = evbuffer_new();

		ok(render_template(b, "t", v) == 0 &&
		    evbuffer_search(b, "Anmelden", 8, NULL).pos >= 0,
		    "render_template follows the view's lang");
		evbuffer_free(b);
	}
	json_decref(v);
	free(cause);
}

static void
test_po(void)
{
	char	*cause = NULL, *text;

	i18n_free();
	/* The last line a plural's last form, with no newline after it. */
	text = xstrdup("msgid \"a\"\nmsgstr \"b\"\n# c\nmsgid \"one\"\n"
	    "msgid_plural \"many\"\nmsgstr[0] \"x\"\nmsgstr[1] \"y\"\n"
	    "msgstr[2] \"z\"");
	ok(i18n_parse(LANG_PL, text, &cause) == 0, "a catalogue without a "
	    "final newline");
	is_str(trn(LANG_PL, 5, "one", "many"), "z", "... keeps its last form");
	is_str(tr(LANG_PL, "a"), "b", "... and the entry before");
	free(text);
	text = xstrdup("msgid \"a\"\nmsgstr[1] \"b\"\n");
	ok(i18n_parse(LANG_PL, text, &cause) == -1 && cause != NULL &&
	    strstr(cause, ":2:") != NULL, "forms out of order are refused, "
	    "naming the line");
	free(text);
	free(cause);
	cause = NULL;
	text = xstrdup("msgstr \"orphan\"\n");
	ok(i18n_parse(LANG_PL, text, &cause) == -1, "a msgstr with no msgid");
	free(text);
	free(cause);
	cause = NULL;
	text = xstrdup("msgid \"open\n");
	ok(i18n_parse(LANG_PL, text, &cause) == -1, "an unclosed string");
	free(text);
	free(cause);
	i18n_free();
}

static void
test_zones(void)
{
	struct arena	*a = arena_new();
	struct tz_tm	 tm;
	const char	*abbr;

	if (!tz_valid("Europe/Berlin")) {
		printf("# no zoneinfo here: zones not tested\n");
		arena_free(a);
		return;
	}
	ok(!tz_valid("Mars/Olympus"), "an unknown zone");
	ok(!tz_valid("../../etc/passwd"), "a path is not a zone");
	ok(!tz_valid("/etc/passwd"), "an absolute path is not a zone");
	ok(tz_valid("UTC"), "UTC");
	/* Berlin: CET until 2026-03-29 01:00 UTC, then CEST. */
	is_int(tz_offset("Europe/Berlin", 1774745999, &abbr), 3600,
	    "Berlin a second before the change");
	is_str(abbr, "CET", "... CET");
	is_int(tz_offset("Europe/Berlin", 1774746000, &abbr), 7200,
	    "Berlin at the change");
	is_str(abbr, "CEST", "... CEST");
	/* Back at 2026-10-25 01:00 UTC. */
	is_int(tz_offset("Europe/Warsaw", 1792889999, NULL), 7200,
	    "Warsaw before the autumn change");
	is_int(tz_offset("Europe/Warsaw", 1792890000, NULL), 3600,
	    "Warsaw after it");
	/* New York: 2026-03-08 07:00 UTC (2 am EST) springs forward. */
	tz_localtime("America/New_York", 1772953199, &tm);
	ok(tm.hour == 1 && tm.min == 59 && tm.mday == 8, "01:59 EST");
	is_str(tm.abbr, "EST", "... EST");
	tz_localtime("America/New_York", 1772953200, &tm);
	ok(tm.hour == 3 && tm.min == 0, "then 03:00 EDT");
	is_str(tm.abbr, "EDT", "... EDT");
	/* Past the table (2090): the POSIX footer's rule. */
	is_int(tz_offset("Europe/Berlin", 3803673600LL, NULL), 7200,
	    "Berlin, July 2090: summer time by the footer's rule");
	is_int(tz_offset("Europe/Berlin", 3786220800LL, NULL), 3600,
	    "Berlin, December 2089: winter time");
	is_int(tz_offset("Australia/Sydney", 3786220800LL, NULL), 39600,
	    "Sydney, December 2089: southern summer");
	is_int(tz_offset("Nowhere/Zone", 0, &abbr), 0, "unknown: UTC");
	is_str(abbr, "UTC", "... named UTC");
	/* 2026-05-03 22:30 UTC is the 4th in Warsaw. */
	is_str(i18n_date(a, LANG_EN, "UTC", 1777847400), "3 May 2026",
	    "English date, UTC");
	is_str(i18n_datetime(a, LANG_PL, "Europe/Warsaw", 1777847400),
	    "4 May 2026, 00:30 CEST", "Polish date and time in Warsaw "
	    "(no catalogue for months here)");
	is_str(i18n_ago(a, LANG_PL, "UTC", 1000, 1030), "just now",
	    "'just now' without a translation");
	is_str(i18n_ago(a, LANG_EN, "UTC", 1000, 1000 + 300), "5 min", "5 min");
	is_str(i18n_ago(a, LANG_EN, "UTC", 0, 7200), "2 h", "2 h");
	is_str(i18n_ago(a, LANG_EN, "UTC", 0, 3 * 86400), "3 d", "3 d");
	is_str(i18n_ago(a, LANG_EN, "UTC", 1777847400, 1777847400 + 30 *
	    86400), "3 May 2026", "a month ago: the date");
	arena_free(a);
}

/* On another thread: a cause made there, kept for the caller. */
static void *
cause_elsewhere(void *arg)
{
	struct cause	*kept = arg;
	char		*en = cause_new(N_("A group named '{name}' already "
			    "exists"), CT("name", "Worker"));

	kept->nargs = cause_keep(kept, en) ? kept->nargs : -1;
	free(en);
	return NULL;
}

/* cause.c: a cause's English text, its pattern taken where it changes
 * hands and shown in each language with its arguments; sizes and numbers
 * as each language writes them. */
static void
test_causes(void)
{
	static char	 de[] =
	    "msgid \"A group named '{name}' already exists\"\n"
	    "msgstr \"Eine Gruppe namens \xe2\x80\x9e{name}\xe2\x80\x9c "
	    "gibt es schon\"\n\n"
	    "msgid \"You have used {used} of your {quota}.\"\n"
	    "msgstr \"Du hast {used} von {quota} belegt.\"\n\n"
	    "msgid \"avatar\"\nmsgstr \"Profilbild\"\n\n"
	    "msgid \"The {what} is wrong.\"\nmsgstr \"{what} ist falsch.\"\n\n"
	    "msgctxt \"size\"\nmsgid \"{n} KB\"\nmsgstr \"{n} kB\"\n\n"
	    "msgid \"{n} byte\"\nmsgid_plural \"{n} bytes\"\n"
	    "msgstr[0] \"{n} Byte\"\nmsgstr[1] \"{n} Bytes\"\n";
	static char	 pl[] =
	    "msgid \"A group pins at most {n} post.\"\n"
	    "msgid_plural \"A group pins at most {n} posts.\"\n"
	    "msgstr[0] \"Najwy\xc5\xbc" "ej {n} wpis.\"\n"
	    "msgstr[1] \"Najwy\xc5\xbc" "ej {n} wpisy.\"\n"
	    "msgstr[2] \"Najwy\xc5\xbc" "ej {n} wpis\xc3\xb3w.\"\n\n"
	    "msgctxt \"size\"\nmsgid \"{n} KB\"\nmsgstr \"{n} kB\"\n\n"
	    "msgid \"{n} byte\"\nmsgid_plural \"{n} bytes\"\n"
	    "msgstr[0] \"{n} bajt\"\nmsgstr[1] \"{n} bajty\"\n"
	    "msgstr[2] \"{n} bajt\xc3\xb3w\"\n";
	struct arena	*a = arena_new();
	struct cause	*c, kept;
	pthread_t	 th;
	char		*cause = NULL, *en, buf[64], small[16];
	static const struct {
		int		 lang;
		int64_t		 n;
		const char	*want;
	} sizes[] = {
		{ LANG_EN, 0, "0 bytes" }, { LANG_EN, 1, "1 byte" },
		{ LANG_EN, 999, "999 bytes" }, { LANG_EN, 12345, "12 KB" },
		{ LANG_EN, 3400000, "3.4 MB" }, { LANG_EN, 1234567890,
		    "1,235 MB" },
		{ LANG_DE, 1, "1 Byte" }, { LANG_DE, 12345, "12 kB" },
		{ LANG_DE, 3400000, "3,4 MB" }, { LANG_DE, 1234567890,
		    "1.235 MB" },
		{ LANG_PL, 1, "1 bajt" }, { LANG_PL, 3, "3 bajty" },
		{ LANG_PL, 5, "5 bajt\xc3\xb3w" }, { LANG_PL, 22, "22 bajty" },
		{ LANG_PL, 3400000, "3,4 MB" }, { LANG_PL, 12345678901LL,
		    "12\xc2\xa0" "346 MB" },
	};
	size_t		 i;

	i18n_free();
	ok(i18n_parse(LANG_DE, de, &cause) == 0 && i18n_parse(LANG_PL, pl,
	    &cause) == 0, "two small catalogues");

	/* The English text, for the API and hearthctl; the pattern beside. */
	en = cause_new(N_("A group named '{name}' already exists"),
	    CT("name", "Chess"));
	is_str(en, "A group named 'Chess' already exists", "English text");
	is_str(cause_say(a, LANG_DE, en, NULL), "Eine Gruppe namens "
	    "\xe2\x80\x9e" "Chess\xe2\x80\x9c gibt es schon",
	    "German, the name in place");
	is_str(cause_say(a, LANG_DE, en, NULL), en,
	    "taken once: the second time it is English (not in the catalogue)");
	free(en);

	/* Taken where it changes hands; the thread forgets it. */
	en = cause_new(N_("A group named '{name}' already exists"),
	    CT("name", "{quota}"));
	ok(cause_take("something else") == NULL, "another text takes nothing");
	ok(cause_take(en) == NULL, "... and the thread has forgotten it");
	free(en);
	en = cause_new(N_("A group named '{name}' already exists"),
	    CT("name", "{quota}"));
	c = cause_take(en);
	ok(c != NULL, "the same text takes its pattern");
	is_str(cause_tr(a, LANG_DE, c), "Eine Gruppe namens \xe2\x80\x9e"
	    "{quota}\xe2\x80\x9c gibt es schon",
	    "an argument's braces are not filled again");
	is_str(cause_tr(a, LANG_EN, c), en, "English on the web too");
	is_str(cause_tr(a, LANG_PL, c), en,
	    "a language without the message: English");
	cause_free(c);
	free(en);

	/* Plurals by the count, in Polish's three forms. */
	for (i = 0; i < 3; i++) {
		static const int64_t	ns[] = { 1, 3, 25 };
		static const char *const want[] = {
		    "Najwy\xc5\xbc" "ej 1 wpis.",
		    "Najwy\xc5\xbc" "ej 3 wpisy.",
		    "Najwy\xc5\xbc" "ej 25 wpis\xc3\xb3w."
		};

		en = cause_newn(ns[i], NN_("A group pins at most {n} post.",
		    "A group pins at most {n} posts."), CN("n", ns[i]));
		is_str(cause_say(a, LANG_PL, en, NULL), want[i],
		    "a Polish plural form");
		free(en);
	}
	en = cause_newn(1, NN_("A group pins at most {n} post.",
	    "A group pins at most {n} posts."), CN("n", 1));
	is_str(en, "A group pins at most 1 post.", "English's one");
	free(en);

	/* Words translated, sizes and numbers in each language. */
	en = cause_new(N_("The {what} is wrong."), CW("what", N_("avatar")));
	is_str(cause_say(a, LANG_DE, en, NULL), "Profilbild ist falsch.",
	    "a word argument is translated");
	free(en);
	en = cause_new(N_("You have used {used} of your {quota}."),
	    CZ("used", 3400000), CZ("quota", 12345678));
	is_str(en, "You have used 3.4 MB of your 12 MB.", "sizes in English");
	is_str(cause_say(a, LANG_DE, en, NULL), "Du hast 3,4 MB von 12 MB "
	    "belegt.", "... and in German");
	free(en);
	en = cause_new(N_("Text is too long ({count} characters)"),
	    CN("count", 123456));
	is_str(en, "Text is too long (123456 characters)",
	    "the API's English has plain digits");
	c = cause_take(en);
	is_str(cause_tr(a, LANG_EN, c), "Text is too long (123,456 "
	    "characters)", "the web's English groups them");
	is_str(cause_tr(a, LANG_DE, c), "Text is too long (123.456 "
	    "characters)", "German with a point");
	is_str(cause_tr(a, LANG_PL, c), "Text is too long (123\xc2\xa0" "456 "
	    "characters)", "Polish with a no-break space");
	cause_free(c);
	free(en);
	en = cause_new(N_("Text is too long ({count} characters)"),
	    CI("count", 123456));
	is_str(cause_say(a, LANG_EN, en, NULL), en, "an id is never grouped");
	free(en);
	is_str(i18n_number(buf, sizeof buf, LANG_PL, 1234), "1234",
	    "Polish groups from five digits on");
	is_str(i18n_number(buf, sizeof buf, LANG_DE, -1234), "-1.234",
	    "a negative number");
	is_str(i18n_number(small, 4, LANG_EN, 123456), "123",
	    "a small buffer is cut, never overrun");
	for (i = 0; i < nitems(sizes); i++)
		is_str(i18n_size(buf, sizeof buf, sizes[i].lang, sizes[i].n),
		    sizes[i].want, "a size in a language");

	/* A fixed buffer: whole, it keeps the pattern; cut, it is English. */
	cause_copy(buf, sizeof buf, cause_new(N_("A group named '{name}' "
	    "already exists"), CT("name", "Go")));
	ok(strncmp(cause_say(a, LANG_DE, buf, NULL), "Eine Gruppe", 11) == 0,
	    "copied into a buffer: still German");
	cause_copy(small, sizeof small, cause_new(N_("A group named "
	    "'{name}' already exists"), CT("name", "Go")));
	is_str(cause_say(a, LANG_DE, small, NULL), "A group named '",
	    "cut: shown as it stands");

	/* Made on a worker, handed on by another thread. */
	memset(&kept, 0, sizeof kept);
	pthread_create(&th, NULL, cause_elsewhere, &kept);
	pthread_join(th, NULL);
	ok(kept.nargs == 1, "kept on the worker");
	cause_put(&kept);
	is_str(cause_say(a, LANG_DE, "A group named 'Worker' already exists",
	    NULL), "Eine Gruppe namens \xe2\x80\x9eWorker\xe2\x80\x9c gibt "
	    "es schon", "put on this thread: German");

	/* A long text argument is cut whole characters, the rest fits. */
	memset(buf, 0, sizeof buf);
	{
		char	*longname = xmalloc(400);

		for (i = 0; i < 399; i++)
			longname[i] = i % 2 ? (char)0xbc : (char)0xc5;
		longname[399] = '\0';
		en = cause_new(N_("A group named '{name}' already exists"),
		    CT("name", longname));
		ok(strlen(en) < 300 && utf8_valid((const unsigned char *)en,
		    strlen(en)), "a long argument is cut at a character");
		free(en);
		free(longname);
		free(cause_take(NULL));
	}
	i18n_free();
	arena_free(a);
}

int
main(void)
{
	log_set_level(LOG_ERROR);
	util_tmpdir();
	test_accept();
	test_templates();
	test_plurals();
	test_zones();
	test_po();
	test_causes();
	render_free();
	i18n_free();
	return done_testing();
}
