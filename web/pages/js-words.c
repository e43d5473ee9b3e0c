/*
 * js-words.c: the words hearth.js writes that hold a count ("3 new
 * posts"). A template attribute carries one form of a message only
 * (docs/translating.md), so every page's view gets each such message in
 * every plural form of the reader's language, as js_plural.NAME_CATEGORY
 * (CLDR's one, few, many, other); foot.html hands them to the script as
 * #hearth-plural's data- attributes, and the script picks one with
 * Intl.PluralRules. The plain words go as data-i18n-* in foot.html.
 */
#include "pages.h"

/* The CLDR categories and a number that falls in each, for every language
 * hearth speaks (English and German use one and other; Polish one, few and
 * many; other, for fractions, reads like many). */
static const struct {
	const char	*cat;
	long		 n;
} js_cats[] = {
	{ "one", 1 }, { "few", 2 }, { "many", 5 }, { "other", 5 },
};

/* A view hook: the counted words, in the request's language. */
static void
js_words_view(struct req *r, json_t *v)
{
	json_t	*o = json_object();
	int	 lang = req_lang(r);
	size_t	 i;

	for (i = 0; i < nitems(js_cats); i++) {
		long	n = js_cats[i].n;

		json_object_set_new(o, arena_printf(r->arena, "new_posts_%s",
		    js_cats[i].cat), json_string(trn(lang, n,
		    "{n} new post", "{n} new posts")));
		json_object_set_new(o, arena_printf(r->arena, "full_%s",
		    js_cats[i].cat), json_string(trn(lang, n,
		    "{n} attached: that is the most a post can carry. Remove "
		    "one to attach another.", "{n} attached: that is the most a "
		    "post can carry. Remove one to attach another.")));
		json_object_set_new(o, arena_printf(r->arena, "left_out_%s",
		    js_cats[i].cat), json_string(trn(lang, n,
		    "Only {max} attachments fit in a post, so {n} file was "
		    "left out.", "Only {max} attachments fit in a post, so {n} "
		    "files were left out.")));
	}
	json_object_set_new(v, "js_plural", o);
}

/* Hang the hook on every page's view; once, at start. */
void
web_js_words_init(void)
{
	static int	hooked;

	if (!hooked++)
		req_view_hook_add(js_words_view);
}
