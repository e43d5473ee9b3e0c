/*
 * js-words.c: the words hearth.js writes that hold a count ("3 new
 * posts"). A template attribute carries one form of a message only
 * (docs/translating.md), so every page's view gets each such message in
 * every plural form of the reader's language, as js_plural.NAME_CATEGORY
 * (CLDR's one, few, many, other); foot.html hands them to the script as
 * #hearth-plural's data- attributes, and the script picks one with
 * Intl.PluralRules. The plain words go as data-i18n-* in foot.html.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

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

/* The counted words in a language, as the view takes them. */
static json_t *
js_words_make(int lang)
{
	json_t	*o = json_object();
	char	 key[32];
	size_t	 i;

	for (i = 0; i < nitems(js_cats); i++) {
		long	n = js_cats[i].n;

		snprintf(key, sizeof key, "new_posts_%s", js_cats[i].cat);
		json_object_set_new(o, key, json_string(trn(lang, n,
		    "{n} new post", "{n} new posts")));
		snprintf(key, sizeof key, "full_%s", js_cats[i].cat);
		json_object_set_new(o, key, json_string(trn(lang, n,
		    "{n} attached: that is the most a post can carry. Remove "
		    "one to attach another.", "{n} attached: that is the most a "
		    "post can carry. Remove one to attach another.")));
		snprintf(key, sizeof key, "left_out_%s", js_cats[i].cat);
		json_object_set_new(o, key, json_string(trn(lang, n,
		    "Only {max} attachments fit in a post, so {n} file was "
		    "left out.", "Only {max} attachments fit in a post, so {n} "
		    "files were left out.")));
	}
	return o;
}

/* The reactions a card's React menu offers (👍 is the like button), for
 * foot.html's #react-offer; the set is fixed at start. */
static json_t *
js_react_offer(void)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < reaction_offered(); i++) {
		if (strcmp(reaction_emoji(i), REACTION_THUMBS) != 0)
			json_array_append_new(a, json_pack("{s:s}", "emoji",
			    reaction_emoji(i)));
	}
	return a;
}

/* Every language's, made once (the catalogues are loaded before the first
 * request) and shared read-only, frozen (freeze.c); and rendered once too
 * (js-plural.html, react-offer.html), as foot.html puts them in as they
 * are: their forty lookups were the same on every page. */
static json_t		*js_plural_html[LANG_COUNT], *js_offer_html[LANG_COUNT];
static pthread_once_t	 js_made_once = PTHREAD_ONCE_INIT;

static void
js_words_make_all(void)
{
	json_t	*offer = js_react_offer(), *v;
	int	 lang;

	for (lang = 0; lang < LANG_COUNT; lang++) {
		v = json_pack("{s:o}", "js_plural", js_words_make(lang));
		js_plural_html[lang] = render_frozen("js-plural", v, lang);
		json_decref(v);
		v = json_pack("{s:O}", "react_offer", offer);
		js_offer_html[lang] = render_frozen("react-offer", v, lang);
		json_decref(v);
	}
	json_decref(offer);
}

/* A view hook: the counted words, in the request's language. */
static void
js_words_view(struct req *r, json_t *v)
{
	int	lang = req_lang(r);

	pthread_once(&js_made_once, js_words_make_all);
	if (lang < 0 || lang >= LANG_COUNT)
		lang = LANG_EN;
	if (js_plural_html[lang] != NULL)
		json_object_set(v, "js_plural_html", js_plural_html[lang]);
	if (js_offer_html[lang] != NULL)
		json_object_set(v, "react_offer_html", js_offer_html[lang]);
}

/* Hang the hook on every page's view; once, at start. */
void
web_js_words_init(void)
{
	static int	hooked;

	if (!hooked++)
		req_view_hook_add(js_words_view);
}
