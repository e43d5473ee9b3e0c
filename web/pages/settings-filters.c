/*
 * settings-filters.c: Settings → Filters: a person's filters (filter.c,
 * the same as the API's), each with its keywords, where it applies, what
 * it does and when it ends; a form to add one and a button to delete
 * each. And web_filter_context, which tells the cards (card.c) which of
 * the reader's filters a page's posts are read under.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "pages.h"

#define FILTER_FORM_KEYWORDS	20	/* lines of the keywords box */

/* The contexts, as the form names them. */
static const struct {
	int		 bit;
	const char	*name;
	const char	*label;
} contexts[] = {
	{ FC_HOME, "home", N_("Home and lists") },
	{ FC_NOTIFICATIONS, "notifications", N_("Notifications") },
	{ FC_PUBLIC, "public", N_("Company, hashtags and groups") },
	{ FC_THREAD, "thread", N_("Conversations") },
	{ FC_ACCOUNT, "account", N_("Profiles") },
};

/* The expiry choices, in seconds (0: never). */
static const struct {
	const char	*value;
	const char	*label;
} expiries[] = {
	{ "", N_("Never") },
	{ "1800", N_("In 30 minutes") },
	{ "3600", N_("In an hour") },
	{ "43200", N_("In 12 hours") },
	{ "86400", N_("In a day") },
	{ "604800", N_("In a week") },
};

/*
 * Which of the reader's filters a page's cards are read under, by the
 * page's path (as web_stream's pages pass it): home and lists "home",
 * the company, hashtag and group streams "public", a post's page
 * "thread", a profile "account"; 0 for the rest (search, bookmarks).
 */
int
web_filter_context(const char *path)
{
	const char	*slash;

	if (path == NULL)
		return 0;
	if (strcmp(path, "/") == 0 || strncmp(path, "/?", 2) == 0)
		return FC_HOME_FEED;
	if (strncmp(path, "/lists/", 7) == 0)
		return FC_HOME;
	if (strncmp(path, "/public", 7) == 0 || strncmp(path, "/tags/", 6) ==
	    0 || strncmp(path, "/groups/", 8) == 0)
		return FC_PUBLIC;
	if (strncmp(path, "/@", 2) == 0) {
		slash = strchr(path + 2, '/');
		if (slash == NULL || slash[1] == '\0' || slash[1] == '?')
			return FC_ACCOUNT;
		if (slash[1] >= '0' && slash[1] <= '9')
			return FC_THREAD;
	}
	return 0;
}

/* The page, its form holding what was sent (on an error). */
static void
filters_page(struct req *r, int status, const char *error)
{
	struct filter	*f;
	json_t		*v, *arr = json_array(), *one, *where, *words, *ctx;
	size_t		 i, k, n;
	int64_t		 now = (int64_t)time(NULL);

	if (filter_all(req_db(r), r->arena, r->user->id, &f, &n) != E_OK)
		n = 0;
	for (i = 0; i < n; i++) {
		where = json_array();
		for (k = 0; k < nitems(contexts); k++) {
			if (f[i].contexts & contexts[k].bit)
				json_array_append_new(where, json_string(
				    req_tr(r, contexts[k].label)));
		}
		words = json_array();
		for (k = 0; k < f[i].nkeywords; k++)
			json_array_append_new(words, json_pack("{s:I, s:s, s:b}",
			    "keyword_id", (json_int_t)f[i].keywords[k].id,
			    "keyword", f[i].keywords[k].keyword, "whole_word",
			    f[i].keywords[k].whole_word));
		one = json_pack("{s:I, s:s, s:o, s:o, s:b, s:b, s:I}", "id",
		    (json_int_t)f[i].id, "title", f[i].title, "where", where,
		    "keywords", words, "hide", f[i].action == FILTER_HIDE,
		    "expired", f[i].expires_at > 0 && f[i].expires_at <= now,
		    "statuses", (json_int_t)f[i].nstatuses);
		if (f[i].expires_at > 0)
			web_time(r, one, "expires", f[i].expires_at);
		json_array_append_new(arr, one);
	}
	v = settings_view(r, N_("Filters"), "filters");
	if (error != NULL)
		json_object_set_new(v, "error_summary", json_string(req_tr(r,
		    error)));
	ctx = json_array();
	for (k = 0; k < nitems(contexts); k++)
		json_array_append_new(ctx, json_pack("{s:s, s:s, s:b}", "name",
		    contexts[k].name, "label", req_tr(r, contexts[k].label),
		    "checked", contexts[k].bit != FC_ACCOUNT));
	json_object_set_new(v, "contexts", ctx);
	ctx = json_array();
	for (k = 0; k < nitems(expiries); k++)
		json_array_append_new(ctx, json_pack("{s:s, s:s}", "value",
		    expiries[k].value, "label", req_tr(r, expiries[k].label)));
	json_object_set_new(v, "expiries", ctx);
	json_object_set_new(v, "has_filters", json_boolean(n > 0));
	json_object_set_new(v, "filters", arr);
	req_html(r, status, "settings-filters", v);
}

/* GET /settings/filters */
enum handled
web_settings_filters(struct req *r)
{
	filters_page(r, 200, NULL);
	return HANDLED;
}

/* After an add or a delete: back to the page, or the page with what went
 * wrong. */
static void
filter_outcome(struct req *r, void *arg, int code, const char *cause)
{
	(void)arg;
	if (code == E_OK)
		req_redirect(r, "/settings/filters?notice=saved");
	else
		filters_page(r, code == E_NOTFOUND ? 404 : 422, cause != NULL ?
		    cause : N_("This change is not allowed."));
}

/* The keywords box's lines (trimmed, blank ones skipped) as new keywords
 * of e, each whole_word or not. */
static void
keyword_lines(struct req *r, struct filter_edit *e, const char *words,
    int whole)
{
	char	*copy, *line, *save = NULL, *end;

	e->keywords = arena_alloc(r->arena, FILTER_FORM_KEYWORDS *
	    sizeof *e->keywords);
	copy = arena_strdup(r->arena, words != NULL ? words : "");
	for (line = strtok_r(copy, "\r\n", &save); line != NULL &&
	    e->nkeywords < FILTER_FORM_KEYWORDS;
	    line = strtok_r(NULL, "\r\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		for (end = line + strlen(line); end > line && (end[-1] == ' ' ||
		    end[-1] == '\t'); end--)
			*(end - 1) = '\0';
		if (*line == '\0')
			continue;
		memset(&e->keywords[e->nkeywords], 0, sizeof e->keywords[0]);
		e->keywords[e->nkeywords].keyword = line;
		e->keywords[e->nkeywords++].whole_word = whole;
	}
}

/* POST /settings/filters: csrf, title, keywords (one a line),
 * whole_word, context (checkboxes), action (warn or hide), expires_in. */
enum handled
web_settings_filter_create(struct req *r)
{
	struct filter_edit	*e = arena_alloc(r->arena, sizeof *e);
	const char		*words = req_param(r, "keywords");
	const char		*exp = req_param(r, "expires_in");
	int			 whole = req_param(r, "whole_word") != NULL;
	char			*end;
	size_t			 i, k;

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->title = req_param(r, "title");
	for (i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.v[i].key, "context") != 0)
			continue;
		for (k = 0; k < nitems(contexts); k++) {
			if (strcmp(r->form.v[i].value, contexts[k].name) == 0)
				e->contexts |= contexts[k].bit;
		}
	}
	e->action = req_param(r, "action") != NULL &&
	    strcmp(req_param(r, "action"), "hide") == 0 ? FILTER_HIDE :
	    FILTER_WARN;
	if (exp != NULL && *exp != '\0' && strtoll(exp, &end, 10) > 0 &&
	    *end == '\0')
		e->expires_at = (int64_t)time(NULL) + strtoll(exp, NULL, 10);
	keyword_lines(r, e, words, whole);
	if (e->title == NULL || *e->title == '\0')
		e->title = e->nkeywords > 0 ? e->keywords[0].keyword : "";
	if (e->nkeywords == 0) {
		filters_page(r, 422, N_("Give the filter at least one word or "
		    "phrase."));
		return HANDLED;
	}
	if (e->contexts == 0) {
		filters_page(r, 422, N_("Choose where the filter applies."));
		return HANDLED;
	}
	return req_command_then(r, filter_create_cmd, filter_outcome, e);
}

/* POST /settings/filters/:id/delete: csrf. */
enum handled
web_settings_filter_delete(struct req *r)
{
	struct filter_edit	*e = arena_alloc(r->arena, sizeof *e);

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->id = req_id(r, ":0");
	return req_command_then(r, filter_delete_cmd, filter_outcome, e);
}

/*
 * Write a card as the reader's filters leave it (the cards' one filter
 * step, card.c): nothing if a hide filter matches post id in context;
 * behind "Filtered: <title> — Show anyway" (a details element, so it
 * opens without script) if another does; else as it is. write renders the
 * card itself.
 */
void
web_filtered_card(struct req *r, struct ectx *e, int context, int64_t id,
    struct evbuffer *out, void (*write)(struct ectx *, void *,
    struct evbuffer *), void *arg)
{
	json_t		*res;
	const char	*title;
	int		 hide;

	res = context != 0 ? filter_results(e->db, e->arena, e->viewer,
	    context, id, &hide) : NULL;
	if (res == NULL) {
		write(e, arg, out);
		return;
	}
	if (!hide) {
		title = json_string_value(json_object_get(json_object_get(
		    json_array_get(res, 0), "filter"), "title"));
		evbuffer_add_printf(out, "<details class=\"filtered-card\">"
		    "<summary>");
		escape_html(out, i18n_format(r->arena, req_tr(r, "Filtered: "
		    "{title}"), "title", title != NULL ? title : "", NULL),
		    strlen(i18n_format(r->arena, req_tr(r, "Filtered: "
		    "{title}"), "title", title != NULL ? title : "", NULL)));
		evbuffer_add_printf(out, " <span class=\"filtered-show\">");
		escape_html(out, req_tr(r, "Show anyway"), strlen(req_tr(r,
		    "Show anyway")));
		evbuffer_add_printf(out, "</span></summary>");
		write(e, arg, out);
		evbuffer_add_printf(out, "</details>");
	}
	json_decref(res);
}

/* POST /settings/filters/:id/keywords: csrf, keywords (one a line),
 * whole_word: more words for one of the person's filters. */
enum handled
web_settings_filter_words(struct req *r)
{
	struct filter_edit	*e = arena_alloc(r->arena, sizeof *e);

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->id = req_id(r, ":0");
	keyword_lines(r, e, req_param(r, "keywords"),
	    req_param(r, "whole_word") != NULL);
	if (e->nkeywords == 0) {
		filters_page(r, 422, N_("Give the filter at least one word or "
		    "phrase."));
		return HANDLED;
	}
	return req_command_then(r, filter_keyword_cmd, filter_outcome, e);
}

/* POST /settings/filters/keywords/:id/delete: csrf. */
enum handled
web_settings_filter_word_delete(struct req *r)
{
	struct filter_edit	*e = arena_alloc(r->arena, sizeof *e);

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->keywords = arena_alloc(r->arena, sizeof *e->keywords);
	memset(e->keywords, 0, sizeof *e->keywords);
	e->keywords[0].id = req_id(r, ":0");
	e->keywords[0].keyword = "-";
	e->keywords[0].destroy = 1;
	e->nkeywords = 1;
	return req_command_then(r, filter_keyword_cmd, filter_outcome, e);
}
