/*
 * Unit tests for i18n.c and tz.c and the translation of templates
 * (render.c): the CLDR plural rules (Polish's whole table), Accept-Language
 * with q-values and regions, the PO reader, templates in three languages
 * (text runs, vars inside them, attributes, {{#_}}), and times in zones
 * across daylight saving changes.
 */
#include <sys/stat.h>

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
	is_str(page("t", v, LANG_EN),
	    "<html lang=\"\"><h1>\n  Sign in\n</h1>"
	    "<p>Hello Ann &amp; Bo,\n welcome</p>"
	    "<button aria-label=\"Close the menu\" title=\"Search\">x</button>"
	    "<input type=\"submit\" value=\"Save\"><input value=\"Save\">"
	    "<p>Read <a href=\"/r?a=1&amp;b=2\">the rules</a> first.</p>"
	    "<p class=\"Save\">Not yet</p><i>Sign in</i>",
	    "English is the template as written");
	is_str(page("t", v, LANG_DE),
	    "<html lang=\"\"><h1>\n  Anmelden\n</h1>"
	    "<p>Willkommen, Ann &amp; Bo</p>"
	    "<button aria-label=\"Menü schließen\" title=\"Search\">x</button>"
	    "<input type=\"submit\" value=\"Speichern\"><input value=\"Save\">"
	    "<p>Lies zuerst <a href=\"/r?a=1&amp;b=2\">die Regeln</a>.</p>"
	    "<p class=\"Save\">Not yet</p><i>Anmelden</i>",
	    "German: text, vars in a run, attributes, {{#_}}, not other "
	    "attributes, untranslated stays English");
	page("t", v, LANG_PL);
	ok(strstr(out, "<h1>\n  Zaloguj się\n</h1>") != NULL,
	    "Polish: its own catalogue");
	ok(strstr(out, "Hello Ann &amp; Bo,\n welcome") != NULL,
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
	render_free();
	i18n_free();
	return done_testing();
}
