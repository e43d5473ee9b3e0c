/* Unit tests for render.c: the template language and its error messages. */
#include <sys/stat.h>

#include <event2/buffer.h>

#include "hearth.h"
#include "tap.h"
#include "util.h"

static json_t	*view;
static char	*cause;
static char	 out[8192];

/* Render text over the view into out; returns render_string's result. */
static int
render(const char *text)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;
	int		 rc;

	free(cause);
	cause = NULL;
	rc = render_string(b, text, strlen(text), view, &cause);
	n = evbuffer_get_length(b);
	if (n >= sizeof out)
		n = sizeof out - 1;
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	evbuffer_free(b);
	return rc;
}

/* Whether rendering text gives want. */
#define renders(text, want, ...) do {					\
	if (render(text) != 0)						\
		printf("#   error: %s\n", cause ? cause : "?");		\
	is_str(out, want, __VA_ARGS__);					\
} while (0)

/* Whether rendering text fails with a cause containing both needles. */
static int
fails(const char *text, const char *n1, const char *n2)
{
	if (render(text) != -1) {
		printf("#   rendered \"%s\"\n", out);
		return 0;
	}
	if (cause == NULL || strstr(cause, n1) == NULL ||
	    (n2 != NULL && strstr(cause, n2) == NULL)) {
		printf("#   cause: %s\n", cause ? cause : "(null)");
		return 0;
	}
	return 1;
}

static void
test_vars(void)
{
	renders("plain text", "plain text", "text passes through");
	renders("", "", "empty template");
	renders("{{name}}", "Ann", "variable");
	renders("{{ name }}", "Ann", "spaces inside the tag");
	renders("<{{html}}>", "<&lt;b class=&quot;x&quot;&gt;Tom &amp; "
	    "Jerry&#39;s&lt;/b&gt;>", "& < > \" ' escaped in {{x}}");
	renders("{{{html}}}", "<b class=\"x\">Tom & Jerry's</b>",
	    "raw {{{x}}} not escaped");
	renders("{{missing}}|{{{missing}}}", "|", "missing names are empty");
	renders("{{user.name}}", "Bea", "dotted name");
	renders("{{user.address.city}}", "Oslo", "two dots");
	renders("{{user.nope.city}}", "", "dotted through a missing key");
	renders("{{name.first}}", "", "dotted through a string");
	renders("{{n}} {{zero}} {{pi}} {{yes}} {{no}} {{nothing}}",
	    "42 0 3.5 true false ", "scalars");
	renders("a{{! a comment }}b", "ab", "comment dropped");
	renders("a{{!}}b", "ab", "empty comment");
	renders("{{name}}}", "Ann}", "extra brace is text");
	renders("{ {name} }", "{ {name} }", "single braces are text");
}

static void
test_sections(void)
{
	renders("{{#yes}}Y{{/yes}}", "Y", "section over true");
	renders("{{#no}}Y{{/no}}", "", "section over false");
	renders("{{#zero}}Y{{/zero}}", "", "section over 0");
	renders("{{#n}}Y{{/n}}", "Y", "section over 42");
	renders("{{#empty}}Y{{/empty}}", "", "section over \"\"");
	renders("{{#name}}Y{{/name}}", "Y", "section over a string");
	renders("{{#none}}Y{{/none}}", "", "section over []");
	renders("{{#nothing}}Y{{/nothing}}", "", "section over null");
	renders("{{#missing}}Y{{/missing}}", "", "section over a missing name");
	renders("{{#list}}[{{.}}]{{/list}}", "[a][b][c]",
	    "section over an array, {{.}} is the element");
	renders("{{#people}}{{name}}:{{age}},{{/people}}", "Cy:3,Di:4,",
	    "section over an array of objects");
	renders("{{#people}}{{name}}@{{site}} {{/people}}", "Cy@home Di@home ",
	    "outer names visible inside the section");
	renders("{{#user}}{{name}} in {{address.city}}{{/user}}", "Bea in Oslo",
	    "section over an object makes it the context");
	renders("{{#yes}}{{name}}{{/yes}}", "Ann",
	    "section over true keeps the context");
	renders("{{#people}}{{#list}}{{.}}{{/list}};{{/people}}", "abc;abc;",
	    "nested sections");

	renders("{{^no}}N{{/no}}", "N", "inverted over false");
	renders("{{^zero}}N{{/zero}}", "N", "inverted over 0");
	renders("{{^empty}}N{{/empty}}", "N", "inverted over \"\"");
	renders("{{^none}}N{{/none}}", "N", "inverted over []");
	renders("{{^nothing}}N{{/nothing}}", "N", "inverted over null");
	renders("{{^missing}}N{{/missing}}", "N", "inverted over missing");
	renders("{{^yes}}N{{/yes}}", "", "inverted over true");
	renders("{{^list}}N{{/list}}", "", "inverted over a list");
	renders("{{^user}}N{{/user}}", "", "inverted over an object");
	renders("{{#list}}{{.}}{{/list}}{{^list}}none{{/list}}", "abc",
	    "section and inverted together");
}

/* Text with a NUL byte is copied whole (found by render-fuzzer). */
static void
test_nul_in_text(void)
{
	struct evbuffer	*b = evbuffer_new();
	char		 buf[16];
	size_t		 n;

	ok(render_string(b, "a\0b{{name}}\0c", 13, view, &cause) == 0,
	    "template text may contain a NUL byte");
	n = evbuffer_get_length(b);
	is_int(n, 8, "every byte of it is written");
	evbuffer_remove(b, buf, n < sizeof buf ? n : sizeof buf);
	ok(n == 8 && memcmp(buf, "a\0bAnn\0c", 8) == 0, "in order");
	evbuffer_free(b);
}

static void
test_errors(void)
{
	ok(fails("one\ntwo {{name", "(string):2:", "unclosed"),
	    "unclosed tag names its line");
	ok(fails("{{{html}}", "(string):1:", "unclosed"),
	    "unclosed triple tag");
	ok(fails("x\n{{#user}}\n\n{{name}}\n", "{{#user}}", "never closed"),
	    "unclosed section");
	ok(fails("x\n{{#user}}\n\n{{name}}\n", "(string):2:", NULL),
	    "unclosed section names the line it opens on");
	ok(fails("{{#a}}\n{{/b}}", "(string):2:", "{{/a}} was expected"),
	    "mismatched close names its line and the expected tag");
	ok(fails("{{#a}}{{#b}}{{/a}}{{/b}}", "{{/a}}", "{{/b}}"),
	    "crossed sections");
	ok(fails("a\nb\n{{/a}}", "(string):3:", "closes nothing"),
	    "stray close");
	ok(fails("{{}}", "empty tag", NULL), "empty tag");
	ok(fails("{{#}}x{{/}}", "empty tag", NULL), "empty section name");
	log_set_level(LOG_ERROR + 1);	/* the missing partial is logged */
	ok(fails("{{>nosuch}}", "render failed", NULL),
	    "missing partial fails at render time");
	log_set_level(LOG_WARN);
}

static void
test_depth(void)
{
	char	deep[2048];
	size_t	i, n = 0;

	for (i = 0; i < 20; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{#yes}}");
	n += snprintf(deep + n, sizeof deep - n, "x");
	for (i = 0; i < 20; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{/yes}}");
	renders(deep, "x", "20 nested sections render");

	n = 0;
	for (i = 0; i < 40; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{#yes}}");
	for (i = 0; i < 40; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{/yes}}");
	ok(fails(deep, "too deeply", NULL), "40 nested sections refused");

	n = 0;
	for (i = 0; i < 40; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{^no}}");
	for (i = 0; i < 40; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{/no}}");
	ok(fails(deep, "too deeply", NULL), "40 nested inverted refused");

	n = 0;
	for (i = 0; i < 100; i++)
		n += snprintf(deep + n, sizeof deep - n, "{{#a}}");
	ok(fails(deep, "too deeply", NULL),
	    "100 unclosed nested sections: depth error, no crash");
}

static void
test_templates(void)
{
	char		*dir, *cause2 = NULL;
	FILE		*f;
	struct evbuffer	*b;
	json_t		*saved, *old;
	size_t		 n;

	dir = xasprintf("%s/templates", util_tmpdir());
	mkdir(dir, 0700);
	f = fopen(util_path("templates/page.html"), "w");
	fputs("<h1>{{>title}}</h1>{{#people}}{{>item}}{{/people}}", f);
	fclose(f);
	f = fopen(util_path("templates/title.html"), "w");
	fputs("{{name}}", f);
	fclose(f);
	f = fopen(util_path("templates/item.html"), "w");
	fputs("<i>{{name}}</i>", f);
	fclose(f);
	f = fopen(util_path("templates/.hidden.html"), "w");
	fputs("{{#broken", f);
	fclose(f);
	ok(render_init(util_dir, &cause2) == 0, "render_init loads templates");
	if (cause2 != NULL)
		printf("#   %s\n", cause2);
	b = evbuffer_new();
	ok(render_template(b, "page", view) == 0, "render_template");
	n = evbuffer_get_length(b);
	evbuffer_remove(b, out, n < sizeof out ? n : sizeof out - 1);
	out[n < sizeof out ? n : sizeof out - 1] = '\0';
	is_str(out, "<h1>Ann</h1><i>Cy</i><i>Di</i>", "partials render");
	log_set_level(LOG_ERROR + 1);
	ok(render_template(b, "nosuch", view) == -1, "missing template");
	log_set_level(LOG_WARN);
	renders("{{>title}}!", "Ann!", "render_string can use loaded partials");
	evbuffer_free(b);

	/* The same object, changed between two renders of a loaded partial
	 * (whose nodes live on): the first value is kept alive, so a memo of
	 * lookups that outlived its render would show it. */
	saved = view;
	view = json_pack("{s:s}", "name", "Old");
	old = json_incref(json_object_get(view, "name"));
	renders("{{>title}}", "Old", "a render over an object");
	json_object_set_new(view, "name", json_string("New"));
	renders("{{>title}}", "New", "the next render over the same object, "
	    "changed since, sees the change (lookup's memo is per render)");
	json_decref(old);
	json_decref(view);
	view = saved;

	f = fopen(util_path("templates/bad.html"), "w");
	fputs("ok\n{{#x}}\n", f);
	fclose(f);
	ok(render_init(util_dir, &cause2) == -1 && cause2 != NULL &&
	    strstr(cause2, "bad.html:") != NULL,
	    "a broken template stops render_init, naming the file");
	printf("#   %s\n", cause2 ? cause2 : "(null)");
	free(cause2);
	render_free();
	free(dir);
}

/*
 * A render remembers what it looked up (lookup's memo): the same name in
 * each item of a list, then at the top, gives each its own; a name missing
 * from an item falls through to the frame around it; and the next render,
 * over a view made anew (often at the same address), sees the new values.
 */
static void
test_lookup_memo(void)
{
	json_t	*saved = view;
	int	 i;

	renders("{{name}}{{#people}}[{{name}}:{{site}}]{{/people}}{{name}}"
	    "{{#user}}{{name}}{{site}}{{/user}}{{name}}",
	    "Ann[Cy:home][Di:home]AnnBeahomeAnn",
	    "a name in each list item, the frame around, and the top again");
	for (i = 0; i < 3; i++) {
		view = json_pack("{s:s, s:[{s:s}, {s:s}]}", "name",
		    i == 0 ? "Eve" : i == 1 ? "Fay" : "Gus", "items", "x",
		    "one", "y", "z");
		renders("{{name}}{{#items}}({{x}}{{^x}}no x: {{name}}{{/x}})"
		    "{{/items}}{{name}}", i == 0 ? "Eve(one)(no x: Eve)Eve" :
		    i == 1 ? "Fay(one)(no x: Fay)Fay" : "Gus(one)(no x: Gus)Gus",
		    "render %d over a view made anew sees its values", i + 1);
		json_decref(view);
	}
	view = saved;
}

int
main(void)
{
	json_error_t	 err;

	log_set_level(LOG_WARN);
	view = json_loads("{\"name\": \"Ann\", "
	    "\"html\": \"<b class=\\\"x\\\">Tom & Jerry's</b>\", "
	    "\"user\": {\"name\": \"Bea\", \"address\": {\"city\": \"Oslo\"}}, "
	    "\"n\": 42, \"zero\": 0, \"pi\": 3.5, \"yes\": true, \"no\": false, "
	    "\"nothing\": null, \"empty\": \"\", \"none\": [], "
	    "\"list\": [\"a\", \"b\", \"c\"], \"site\": \"home\", "
	    "\"people\": [{\"name\": \"Cy\", \"age\": 3}, "
	    "{\"name\": \"Di\", \"age\": 4}]}", 0, &err);
	if (view == NULL) {
		printf("Bail out! view: %s\n", err.text);
		return 99;
	}
	test_vars();
	test_sections();
	test_nul_in_text();
	test_errors();
	test_depth();
	test_templates();
	test_lookup_memo();
	json_decref(view);
	free(cause);
	return done_testing();
}
