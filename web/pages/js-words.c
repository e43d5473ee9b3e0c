/*
 * js-words.c: the words hearth.js writes that hold a count ("3 new
 * posts"). A template attribute carries one form of a message only
 * (docs/translating.md), so every page's view gets each such message in
 * every plural form of the reader's language, as js_plural.NAME_CATEGORY
 * (CLDR's one, few, many, other); js-plural.html hands them to the script
 * as #hearth-plural's data- attributes, and the script picks one with
 * Intl.PluralRules. The plain words go as data-i18n-* in js-words.html.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

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
 * react-offer.html's #react-offer; the set is fixed at start. */
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

/*
 * What hearth.js needs in each language (js-words.html: the counted words,
 * the plain ones, the React menu's buttons) is the same on every page, and
 * was a sixteenth of a home page. It is rendered once per language at
 * start and served as a script (words-LANG.HASH.js, cached for a year like
 * any asset) that adds it to the page before hearth.js runs: the page
 * itself carries only the script's URL, as the view's "words_js".
 */
static json_t	*js_words_url[LANG_COUNT];

/* The script for one language: the fragment, added at the end of <body>;
 * NULL if it cannot be made. */
static char *
js_words_script(json_t *view, int lang)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*html = NULL;
	char		*lit = NULL, *js;

	if (render_template_lang(b, "js-words", view, lang) == 0)
		html = json_stringn((const char *)evbuffer_pullup(b, -1),
		    evbuffer_get_length(b));
	evbuffer_free(b);
	if (html != NULL)
		lit = json_dumps(html, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	json_decref(html);
	if (lit == NULL)
		return NULL;
	js = xasprintf("// hearth: the words hearth.js writes, in one "
	    "language (js-words.c)\n"
	    "document.body.insertAdjacentHTML('beforeend', %s);\n", lit);
	free(lit);
	return js;
}

/* A view hook: the script with the words of the request's language. */
static void
js_words_view(struct req *r, json_t *v)
{
	int	lang = req_lang(r);

	if (lang < 0 || lang >= LANG_COUNT)
		lang = LANG_EN;
	if (js_words_url[lang] != NULL)
		json_object_set(v, "words_js", js_words_url[lang]);
}

/* Make every language's script and hang the hook on every page's view;
 * once, at start, after the templates and catalogues are loaded. */
void
web_js_words_init(void)
{
	static int	 hooked;
	json_t		*offer, *v;
	char		*js, *file, *url;
	int		 lang;

	if (hooked++)
		return;
	offer = js_react_offer();
	for (lang = 0; lang < LANG_COUNT; lang++) {
		v = json_pack("{s:o, s:O}", "js_plural", js_words_make(lang),
		    "react_offer", offer);
		js = js_words_script(v, lang);
		json_decref(v);
		file = xasprintf("words-%s.js", i18n_code(lang));
		if (js == NULL || (url = asset_add(file, js, strlen(js))) ==
		    NULL)
			log_warn("js-words: no %s for hearth.js: its words show "
			    "in English", file);
		else {
			js_words_url[lang] = json_freeze(json_string(url));
			free(url);
		}
		free(file);
		free(js);
	}
	json_decref(offer);
	req_view_hook_add(js_words_view);
}
