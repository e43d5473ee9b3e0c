/*
 * poll-card.c: a post's poll on its card, and the composer's "Add a poll".
 * The card shows the options as radio buttons or checkboxes in a plain
 * form (it works without JavaScript; poll-vote.c takes it) until the
 * reader has voted or the poll has ended; then the results, each a
 * <progress> bar with its percentage (no inline style: the CSP forbids
 * it), "3 people voted · ends in 2 days". What a reader sees of a poll is
 * their own, so a card with a poll is not shared through the card cache
 * (card.c reads the peek's has_poll).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

/* "ends in 2 days", "ends in 5 minutes" or "Closed". */
static const char *
poll_ends(struct arena *a, int lang, int64_t left, int expired)
{
	char		 num[24];
	long		 n;
	const char	*fmt;

	if (expired || left <= 0)
		return tr(lang, N_("Closed"));
	if (left >= 86400) {
		n = (long)(left / 86400);
		fmt = trn(lang, n, "ends in {n} day", "ends in {n} days");
	} else if (left >= 3600) {
		n = (long)(left / 3600);
		fmt = trn(lang, n, "ends in {n} hour", "ends in {n} hours");
	} else {
		n = (long)((left + 59) / 60);
		fmt = trn(lang, n, "ends in {n} minute",
		    "ends in {n} minutes");
	}
	snprintf(num, sizeof num, "%ld", n);
	return i18n_format(a, fmt, "n", num, NULL);
}

/* The poll of post p as its card shows it to the reader, or NULL. */
json_t *
web_poll_view(struct ectx *e, const struct post *p, const char *path)
{
	struct poll	 pl;
	json_t		*v, *opts;
	size_t		 i;
	int		 results;
	long		 pct;
	char		 num[24];
	const char	*voted;

	if (poll_get(e->db, e->arena, e->viewer, p->id, &pl) != 0)
		return NULL;
	/* the author sees the results from the start, as on Mastodon */
	results = pl.voted || pl.expired;
	opts = json_array();
	for (i = 0; i < pl.noptions; i++) {
		json_t	*o = json_pack("{s:I, s:s, s:b}", "index",
		    (json_int_t)i, "title", pl.options[i], "chosen",
		    pl.mine[i]);

		if (results && pl.totals_shown) {
			pct = pl.votes_count > 0 ? (long)((pl.votes[i] * 100 +
			    pl.votes_count / 2) / pl.votes_count) : 0;
			json_object_set_new(o, "percent", json_integer(pct));
			json_object_set_new(o, "has_percent", json_true());
		}
		json_array_append_new(opts, o);
	}
	snprintf(num, sizeof num, "%lld", (long long)pl.voters_count);
	voted = i18n_format(e->arena, trn(e->lang, (long)pl.voters_count,
	    "{n} person voted", "{n} people voted"), "n", num, NULL);
	v = json_pack("{s:s, s:o, s:b, s:b, s:s, s:s, s:s, s:s}",
	    "vote_path", arena_printf(e->arena, "%s/vote", path),
	    "options", opts,
	    "show_results", results,
	    "can_vote", !results,
	    "input_type", pl.multiple ? "checkbox" : "radio",
	    "voted_label", voted,
	    "ends_label", poll_ends(e->arena, e->lang, pl.expires_at -
	    (int64_t)time(NULL), pl.expired),
	    "poll_id", arena_printf(e->arena, "poll-%lld", (long long)p->id));
	if (pl.multiple)
		json_object_set_new(v, "multiple", json_true());
	if (results && !pl.totals_shown)
		json_object_set_new(v, "hidden_totals", json_true());
	return v;
}

/* The lengths the composer offers, within polls.min/max_expiration. */
static const struct {
	long		 seconds;
	const char	*label;
} poll_lengths[] = {
	{ 300,		N_("5 minutes") },
	{ 1800,		N_("30 minutes") },
	{ 3600,		N_("1 hour") },
	{ 21600,	N_("6 hours") },
	{ 86400,	N_("1 day") },
	{ 259200,	N_("3 days") },
	{ 604800,	N_("7 days") },
};
#define POLL_LENGTH_DEFAULT	86400

static void	web_poll_compose_made(struct req *, json_t *);

/*
 * The home composer's "Add a poll" into view v: a field per option
 * (polls.max_options of them), the lengths, and what was typed when the
 * page comes back with an error or a preview.
 */
void
web_poll_compose(struct req *r, json_t *v)
{
	/* Nothing typed (every page's composer but one sent back): the same
	 * for everyone in a language, made once and shared read-only, frozen
	 * (freeze.c; the site's limits are fixed at start). */
	static json_t		*blank[LANG_COUNT];
	static pthread_mutex_t	 blank_lock = PTHREAD_MUTEX_INITIALIZER;
	int			 lang = req_lang(r);
	json_t			*made;

	/* ... and rendered once (composer.html puts it in as it is) */
	if (r->form.n == 0 && lang >= 0 && lang < LANG_COUNT) {
		pthread_mutex_lock(&blank_lock);
		if (blank[lang] == NULL) {
			made = json_object();
			web_poll_compose_made(r, made);
			blank[lang] = render_frozen("poll-compose", made, lang);
			json_decref(made);
		}
		pthread_mutex_unlock(&blank_lock);
		if (blank[lang] != NULL) {
			json_object_set(v, "poll_compose_html", blank[lang]);
			return;
		}
	}
	web_poll_compose_made(r, v);
}

/* web_poll_compose's view, made for this request. */
static void
web_poll_compose_made(struct req *r, json_t *v)
{
	const struct config *cf = req_config(r);
	json_t		*choices = json_array(), *lengths = json_array(), *o;
	const char	*typed[POLL_OPTIONS_MAX], *len = req_param(r,
			    "poll[expires_in]");
	size_t		 i, n = 0;
	char		 num[24];
	long		 want = POLL_LENGTH_DEFAULT;
	int		 any = 0, chosen = 0;

	for (i = 0; i < r->form.n && n < POLL_OPTIONS_MAX; i++) {
		if (strcmp(r->form.v[i].key, "poll[options][]") == 0) {
			typed[n] = r->form.v[i].value;
			any |= *typed[n++] != '\0';
		}
	}
	for (i = 0; i < (size_t)cf->poll_max_options &&
	    i < POLL_OPTIONS_MAX; i++) {
		snprintf(num, sizeof num, "%zu", i + 1);
		o = json_pack("{s:s, s:s, s:s}", "n", num, "label",
		    i18n_format(r->arena, req_tr(r, N_("Choice {n}")), "n",
		    num, NULL), "value", i < n ? typed[i] : "");
		json_array_append_new(choices, o);
	}
	if (len != NULL && any)
		want = strtol(len, NULL, 10);
	for (i = 0; i < nitems(poll_lengths); i++) {
		if (poll_lengths[i].seconds < cf->poll_min_expiration ||
		    poll_lengths[i].seconds > cf->poll_max_expiration)
			continue;
		o = json_pack("{s:I, s:s}", "seconds",
		    (json_int_t)poll_lengths[i].seconds, "label",
		    req_tr(r, poll_lengths[i].label));
		if (poll_lengths[i].seconds == want) {
			json_object_set_new(o, "selected", json_true());
			chosen = 1;
		}
		json_array_append_new(lengths, o);
	}
	/* a site's own limits may leave none of the usual lengths */
	if (json_array_size(lengths) == 0 || !chosen) {
		o = json_pack("{s:I, s:s, s:b}", "seconds",
		    (json_int_t)cf->poll_max_expiration, "label",
		    req_tr(r, N_("Longest")), "selected", !chosen);
		json_array_append_new(lengths, o);
	}
	o = json_pack("{s:o, s:o, s:i, s:b, s:b}", "choices", choices,
	    "lengths", lengths, "max_chars", cf->poll_max_option_chars,
	    "open", any, "multiple", any && req_param(r, "poll[multiple]") !=
	    NULL);
	json_object_set_new(v, "poll_compose", o);
}
