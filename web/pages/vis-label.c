/*
 * vis-label.c: visibilities in words people understand. Mastodon's values
 * (public, unlisted, private, direct) stay the form's values and the API's;
 * the composer says who will see a post ("Everyone at Example Corp"), and
 * a card's badge says who could (a lock on a private conversation).
 */
#include <pthread.h>
#include <string.h>

#include "pages.h"

static const struct vis_label {
	enum visibility	 vis;
	const char	*value;		/* the form's and the API's */
	const char	*choice;	/* the composer's (public's names the
					   company: web_visibility_choices) */
	const char	*badge;		/* a card's, for a limited post */
	const char	*icon;		/* the templates' icon */
} vis_labels[] = {
	{ VIS_PUBLIC,	"public",	N_("Everyone at the company"),
	    N_("Everyone at the company"),			"company" },
	{ VIS_UNLISTED,	"unlisted",	N_("Everyone, but not in the company "
	    "stream"),	N_("Not in the company stream"),	"quiet" },
	{ VIS_PRIVATE,	"private",	N_("My followers"),
	    N_("Followers only"),				"followers" },
	{ VIS_DIRECT,	"direct",	N_("Only people I mention"),
	    N_("Private conversation"),				"lock" },
};

/* The company's name, as the config calls this server (instance_title). */
const char *
web_company(struct req *r)
{
	const char	*t = req_config(r)->instance_title;

	return t != NULL && *t != '\0' ? t : "hearth";
}

static json_t	*web_visibility_made(struct req *, const char *);

/* The composer's visibility menu: value, label and icon of each, want
 * (a value; NULL or "": public) selected. */
json_t *
web_visibility_choices(struct req *r, const char *want)
{
	/* The usual menu (public chosen) is the same for everyone in a
	 * language: made once, shared read-only, frozen (freeze.c). */
	static json_t		*usual[LANG_COUNT];
	static pthread_mutex_t	 usual_lock = PTHREAD_MUTEX_INITIALIZER;
	json_t	*list;
	int	 lang = req_lang(r);

	if (want == NULL || *want == '\0')
		want = "public";
	if (strcmp(want, "public") == 0 && lang >= 0 && lang < LANG_COUNT) {
		pthread_mutex_lock(&usual_lock);
		if (usual[lang] == NULL)
			usual[lang] = json_freeze(web_visibility_made(r, want));
		list = usual[lang];
		pthread_mutex_unlock(&usual_lock);
		return list;
	}
	return web_visibility_made(r, want);
}

/* The menu with want selected, made for this request. */
static json_t *
web_visibility_made(struct req *r, const char *want)
{
	json_t	*list = json_array();
	size_t	 i;

	for (i = 0; i < nitems(vis_labels); i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}",
		    "value", vis_labels[i].value,
		    "label", vis_labels[i].vis == VIS_PUBLIC ? i18n_format(
		    r->arena, req_tr(r, "Everyone at {company}"), "company",
		    web_company(r), NULL) : req_tr(r, vis_labels[i].choice),
		    "icon", vis_labels[i].icon,
		    "selected", strcmp(want, vis_labels[i].value) == 0));
	return list;
}

/* A limited post's badge on its card: text, and whether it wears the
 * lock (a private conversation). No company name: cards are cached for
 * everyone, and a public post has no badge. The text is English, marked
 * for the catalogue: the caller translates it (tr). */
const char *
web_visibility_badge(enum visibility v, int *lock)
{
	size_t	i;

	for (i = 0; i < nitems(vis_labels); i++) {
		if (vis_labels[i].vis == v) {
			*lock = v == VIS_DIRECT;
			return vis_labels[i].badge;
		}
	}
	*lock = 0;
	return "";
}
