/*
 * search.c: the search page, GET /search?q=: people, hashtags and the
 * posts the searcher may read that match. "@name@host" or a profile's
 * address is first looked up outside (when the bridge allows it), and that
 * person comes first. Matched words are marked (<mark>) in names, titles,
 * departments, hashtags and posts' text, found through the same folding
 * as the search (fold.c), and a section with nothing in it is left out.
 */
#include <string.h>

#include <event2/buffer.h>

#include "pages.h"

#define WEB_SEARCH_LIMIT 20

/* Set key to text as escaped HTML with q's words marked, if text says
 * something. */
static void
search_mark(struct req *r, json_t *o, const char *key, const char *text,
    const char *q)
{
	if (text != NULL && *text != '\0')
		json_object_set_new(o, key, json_string(fold_mark(r->arena,
		    text, q)));
}

/* Each post's content in the cards' HTML, with q's words marked: only
 * inside <div class="content">, never in names, buttons or links around. */
static json_t *
search_mark_posts(struct req *r, json_t *cards, const char *q)
{
	static const char	 open[] = "<div class=\"content\">";
	const char		*html = json_string_value(cards), *c, *e;
	struct evbuffer		*b;
	json_t			*out;

	if (html == NULL || strstr(html, open) == NULL)
		return cards;
	b = evbuffer_new();
	while ((c = strstr(html, open)) != NULL &&
	    (e = strstr(c, "</div>")) != NULL) {
		c += sizeof open - 1;
		evbuffer_add(b, html, (size_t)(c - html));
		evbuffer_add_printf(b, "%s", fold_mark_html(r->arena,
		    arena_strndup(r->arena, c, (size_t)(e - c)), q));
		html = e;
	}
	evbuffer_add(b, html, strlen(html));
	out = json_stringn_nocheck((const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b));
	evbuffer_free(b);
	json_decref(cards);
	return out;
}

/* The people among ids, as views, with q's words marked. */
static json_t *
search_people_view(struct req *r, const struct idlist *ids, const char *q)
{
	json_t		*arr = json_array(), *a;
	struct user	*u;
	struct ectx	 e;
	size_t		 i;

	req_ectx(r, &e);
	for (i = 0; i < ids->n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids->ids[i])) == NULL ||
		    u->disabled)
			continue;
		if ((a = entity_account(&e, u)) == NULL)
			continue;
		json_object_set_new(a, "path", json_string(arena_printf(
		    r->arena, "/@%s", u->username)));
		if (u->job_title != NULL && *u->job_title != '\0')
			json_object_set_new(a, "job_title",
			    json_string(u->job_title));
		search_mark(r, a, "name_html", u->display_name != NULL &&
		    *u->display_name != '\0' ? u->display_name : u->username,
		    q);
		search_mark(r, a, "username_html", json_string_value(
		    json_object_get(a, "acct")), q);
		search_mark(r, a, "job_title_html", u->job_title, q);
		search_mark(r, a, "department_html", u->department, q);
		if (u->origin != NULL)
			json_object_set_new(a, "outside_host",
			    json_string(u->origin));
		json_array_append_new(arr, a);
	}
	ectx_free(&e);
	return arr;
}

static void	web_search_again(struct req *);

/* GET /search */
enum handled
web_search(struct req *r)
{
	struct idlist	 people = { NULL, 0, 0 }, found = { NULL, 0, 0 };
	struct idlist	 posts = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, WEB_SEARCH_LIMIT };
	const char	*q = req_param(r, "q"), *shown;
	struct user	*u;
	json_t		*v, *tags, *tagviews, *t, *cards;
	size_t		 i;

	if (q != NULL && search_names_outside(q)) {
		if (req_resolve(r, q, web_search_again))
			return HANDLED_ASYNC;
		if ((u = user_get_outside(req_db(r), r->arena, q)) != NULL)
			idlist_add(r->arena, &people, u->id);
	}
	v = req_view(r, "Search");
	web_nav(v, "search");
	if (q == NULL || *q == '\0') {
		req_html(r, 200, "search", v);
		return HANDLED;
	}
	shown = search_names_outside(q) ? q : NULL;
	q = search_query(r->arena, q);
	if (shown == NULL)
		shown = q;
	tags = json_array();
	if (search_accounts(req_db(r), r->arena, q, WEB_SEARCH_LIMIT, 0,
	    &found) != 0 || search_tags(req_db(r), r->arena,
	    r->user->id, q, WEB_SEARCH_LIMIT, 0, tags) != 0 || search_posts(req_db(r),
	    r->arena, r->user->id, q, &pg, 0, &posts) != 0) {
		json_decref(tags);
		json_decref(v);
		req_error(r, 500, "The search failed. Please try again.");
		return HANDLED;
	}
	tagviews = json_array();
	json_array_foreach(tags, i, t)
		json_array_append_new(tagviews, json_pack("{s:s, s:s, s:s}",
		    "name", json_string_value(t), "name_html", fold_mark(
		    r->arena, json_string_value(t), q), "path", arena_printf(
		    r->arena, "/tags/%s", escape_url(r->arena,
		    json_string_value(t)))));
	json_decref(tags);
	for (i = 0; i < found.n && people.n < WEB_SEARCH_LIMIT; i++)
		if (people.n == 0 || found.ids[i] != people.ids[0])
			idlist_add(r->arena, &people, found.ids[i]);
	json_object_set_new(v, "q", json_string(shown));
	json_object_set_new(v, "searched", json_true());
	json_object_set_new(v, "has_people", json_boolean(people.n > 0));
	json_object_set_new(v, "people", search_people_view(r, &people, q));
	json_object_set_new(v, "has_tags", json_boolean(json_array_size(
	    tagviews) > 0));
	json_object_set_new(v, "tags", tagviews);
	cards = search_mark_posts(r, web_cards(r, &posts, arena_printf(
	    r->arena, "/search?q=%s", escape_url(r->arena, q))), q);
	json_object_set_new(v, "has_posts", json_boolean(posts.n > 0 &&
	    json_string_length(cards) > 0));
	json_object_set_new(v, "nothing", json_boolean(people.n == 0 &&
	    json_array_size(tagviews) == 0 && !json_is_true(json_object_get(v,
	    "has_posts"))));
	json_object_set_new(v, "posts", cards);
	req_html(r, 200, "search", v);
	return HANDLED;
}

/* The lookup outside is done: the page, with what it found. */
static void
web_search_again(struct req *r)
{
	(void)web_search(r);
}
