/*
 * filter.c: Mastodon's filters (v2). A filter is a person's own: a title,
 * the contexts it applies in (home, notifications, public, thread,
 * account), what it does to a post it matches (warn: the post comes with
 * its "filtered" results and apps collapse it; hide: the post is left out;
 * blur: as warn, for media) and when it stops. It matches a post by its
 * keywords, in the post's plain text, content warning and media
 * descriptions, folded as search folds them (fold.c), so matching is
 * case-insensitive and "uberstunden" matches "Überstunden"; a whole_word
 * keyword matches only between word boundaries, as Mastodon's \b does.
 * It also matches the posts it names (filter_statuses).
 *
 * Timelines read a person's filters on every page, so each person's live
 * filters (and their exclusive lists' members, which home leaves out) are
 * compiled once into a cached set, dropped whenever any filter or list
 * changes (filter_changed bumps the generation the cache entries carry)
 * and rebuilt when one of them expires. filter_hides is the one predicate
 * timelines, notifications and streams ask.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "domain.h"

#define FILTER_CACHE_ENTRIES	65536	/* everyone active; most are "" (none) */
#define FILTER_CACHE_TTL_US	(600ULL * 1000000ULL)

static const char *const context_names[] = {
	"home", "notifications", "public", "thread", "account"
};
static const char *const action_names[] = {
	[FILTER_WARN] = "warn", [FILTER_HIDE] = "hide", [FILTER_BLUR] = "blur"
};

static struct cache	*filter_cache;
static pthread_once_t	 filter_cache_once = PTHREAD_ONCE_INIT;

/* Make the cache of compiled sets. */
static void
filter_cache_make(void)
{
	filter_cache = cache_new(FILTER_CACHE_ENTRIES, FILTER_CACHE_TTL_US);
}

/* A context's bit by its name, or 0. */
int
filter_context_named(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < nitems(context_names); i++) {
		if (strcmp(name, context_names[i]) == 0)
			return 1 << i;
	}
	return 0;
}

/* The contexts of a mask as a JSON array of names. */
json_t *
filter_contexts_json(int mask)
{
	json_t	*arr = json_array();
	size_t	 i;

	for (i = 0; i < nitems(context_names); i++) {
		if (mask & (1 << i))
			json_array_append_new(arr, json_string(
			    context_names[i]));
	}
	return arr;
}

/* An action's name. */
const char *
filter_action_name(int action)
{
	return action >= 0 && action < (int)nitems(action_names) ?
	    action_names[action] : "warn";
}

/* An action by its name, or -1. */
int
filter_action_named(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < nitems(action_names); i++) {
		if (strcmp(name, action_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* Check a filter's title and contexts as Mastodon does; 0, or -1 and
 * *cause. */
static int
filter_valid(const struct filter_edit *e, char **cause)
{
	if (e->title == NULL || *e->title == '\0') {
		*cause = cause_new(N_("Validation failed: Title can't be "
		    "blank"));
		return -1;
	}
	if (utf8_chars(e->title) > FILTER_TITLE_MAX) {
		*cause = cause_new(N_("Validation failed: Title is too long "
		    "(maximum is {max} characters)"), CN("max",
		    FILTER_TITLE_MAX));
		return -1;
	}
	if (e->contexts == 0) {
		*cause = xstrdup(N_("Validation failed: Context can't be blank"));
		return -1;
	}
	return 0;
}

/* Check a keyword; 0, or -1 and *cause. */
static int
keyword_valid(const char *k, char **cause)
{
	if (k == NULL || *k == '\0') {
		*cause = cause_new(N_("Validation failed: Keyword can't be "
		    "blank"));
		return -1;
	}
	if (utf8_chars(k) > FILTER_KEYWORD_MAX) {
		*cause = cause_new(N_("Validation failed: Keyword is too long "
		    "(maximum is {max} characters)"), CN("max",
		    FILTER_KEYWORD_MAX));
		return -1;
	}
	return 0;
}

/* Whether the filter is the person's. */
static int
filter_owned(struct db *db, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	int		 ok;

	if ((st = db_prepare(db, "SELECT 1 FROM filters WHERE id = ? AND "
	    "user_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* In the write: the edit's keywords: new ones added, those with an id
 * changed or (destroy) removed; only the filter's own. */
static int
filter_keywords_apply(struct db *db, struct filter_edit *e, char **cause)
{
	struct filter_keyword_edit *k;
	size_t			 i;
	int			 rc;

	for (i = 0; i < e->nkeywords; i++) {
		k = &e->keywords[i];
		if (k->destroy) {
			if (DB_RUN(db, "DELETE FROM filter_keywords WHERE id = ? "
			    "AND filter_id = ?", SQL_I(k->id), SQL_I(e->id)) < 0)
				return E_INTERNAL;
			continue;
		}
		if (keyword_valid(k->keyword, cause) != 0)
			return E_INVALID;
		if (k->id != 0) {
			rc = DB_RUN(db, "UPDATE filter_keywords SET keyword = ?, "
			    "whole_word = ? WHERE id = ? AND filter_id = ?",
			    SQL_T(k->keyword), SQL_I(k->whole_word),
			    SQL_I(k->id), SQL_I(e->id));
			if (rc < 0)
				return E_INTERNAL;
			if (rc == 0) {
				*cause = xstrdup("Record not found");
				return E_NOTFOUND;
			}
		} else if (DB_RUN(db, "INSERT INTO filter_keywords (filter_id, "
		    "keyword, whole_word) VALUES (?, ?, ?)", SQL_I(e->id),
		    SQL_T(k->keyword), SQL_I(k->whole_word)) != 1)
			return E_INTERNAL;
	}
	return E_OK;
}

/* In the write: a new filter with its keywords; e->id is its id. */
int
filter_create_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit	*e = arg;
	sqlite3_stmt		*st;
	int64_t			 n = 0;

	if (filter_valid(e, cause) != 0)
		return E_INVALID;
	if ((st = db_prepare(db, "SELECT count(*) FROM filters WHERE user_id "
	    "= ?")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, e->user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (n >= FILTER_PER_USER_MAX) {
		*cause = cause_new(N_("Validation failed: You have reached the "
		    "limit of {max} filters"), CN("max", FILTER_PER_USER_MAX));
		return E_INVALID;
	}
	if (DB_RUN(db, "INSERT INTO filters (user_id, title, contexts, action, "
	    "expires_at, created_at) VALUES (?, ?, ?, ?, nullif(?, 0), ?)",
	    SQL_I(e->user_id), SQL_T(e->title), SQL_I(e->contexts),
	    SQL_I(e->action), SQL_I(e->expires_at),
	    SQL_I((int64_t)time(NULL))) != 1)
		return E_INTERNAL;
	e->id = db_last_id(db);
	filter_changed(db, e->user_id);
	return filter_keywords_apply(db, e, cause);
}

/* In the write: a filter's new title, contexts, action and expiry (the
 * API fills in what was not sent), and its keywords' changes. */
int
filter_update_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit	*e = arg;
	int			 rc;

	if (filter_valid(e, cause) != 0)
		return E_INVALID;
	rc = DB_RUN(db, "UPDATE filters SET title = ?, contexts = ?, action = "
	    "?, expires_at = nullif(?, 0) WHERE id = ? AND user_id = ?",
	    SQL_T(e->title), SQL_I(e->contexts), SQL_I(e->action),
	    SQL_I(e->expires_at), SQL_I(e->id), SQL_I(e->user_id));
	if (rc < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	filter_changed(db, e->user_id);
	return filter_keywords_apply(db, e, cause);
}

/* In the write: delete a filter (its keywords and statuses with it). */
int
filter_delete_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit	*e = arg;
	int			 rc;

	rc = DB_RUN(db, "DELETE FROM filters WHERE id = ? AND user_id = ?",
	    SQL_I(e->id), SQL_I(e->user_id));
	if (rc < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	filter_changed(db, e->user_id);
	return E_OK;
}

/* In the write: a keyword added to a filter (e->id), changed or deleted
 * (e->keywords[0].id); e->rule_id is the keyword's id. */
int
filter_keyword_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit		*e = arg;
	struct filter_keyword_edit	*k = &e->keywords[0];
	int				 rc;

	if (k->id != 0) {
		/* the keyword's filter, if the person's */
		sqlite3_stmt *st = db_prepare(db, "SELECT k.filter_id FROM "
		    "filter_keywords k JOIN filters f ON f.id = k.filter_id "
		    "WHERE k.id = ? AND f.user_id = ?");

		if (st == NULL)
			return E_INTERNAL;
		sqlite3_bind_int64(st, 1, k->id);
		sqlite3_bind_int64(st, 2, e->user_id);
		e->id = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
	}
	if (e->id == 0 || !filter_owned(db, e->user_id, e->id)) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	filter_changed(db, e->user_id);
	if ((rc = filter_keywords_apply(db, e, cause)) != E_OK)
		return rc;
	e->rule_id = k->id != 0 ? k->id : db_last_id(db);
	return E_OK;
}

/* In the write: a post named by a filter (e->id, e->status_id), or the
 * naming e->rule_id undone (e->destroy). */
int
filter_status_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit	*e = arg;
	int			 rc;

	filter_changed(db, e->user_id);
	if (e->destroy) {
		rc = DB_RUN(db, "DELETE FROM filter_statuses WHERE id = ? AND "
		    "filter_id IN (SELECT id FROM filters WHERE user_id = ?)",
		    SQL_I(e->rule_id), SQL_I(e->user_id));
		if (rc < 0)
			return E_INTERNAL;
		if (rc == 0) {
			*cause = xstrdup("Record not found");
			return E_NOTFOUND;
		}
		return E_OK;
	}
	if (!filter_owned(db, e->user_id, e->id)) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	if (!access_post_visible(db, e->user_id, e->status_id)) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	rc = DB_RUN(db, "INSERT OR IGNORE INTO filter_statuses (filter_id, "
	    "status_id) VALUES (?, ?)", SQL_I(e->id), SQL_I(e->status_id));
	if (rc < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Validation failed: Status has already been "
		    "taken");
		return E_INVALID;
	}
	e->rule_id = db_last_id(db);
	return E_OK;
}

/* Fill a filter from a row of id, user_id, title, contexts, action,
 * expires_at, and (rules) its keywords and statuses. */
static void
filter_from_row(struct db *db, struct arena *a, sqlite3_stmt *st,
    struct filter *f, int rules)
{
	sqlite3_stmt	*q;
	size_t		 cap;

	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->user_id = sqlite3_column_int64(st, 1);
	f->title = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
	f->contexts = sqlite3_column_int(st, 3);
	f->action = sqlite3_column_int(st, 4);
	f->expires_at = sqlite3_column_int64(st, 5);
	if (!rules)
		return;
	if ((q = db_prepare(db, "SELECT id, keyword, whole_word FROM "
	    "filter_keywords WHERE filter_id = ? ORDER BY id")) != NULL) {
		sqlite3_bind_int64(q, 1, f->id);
		for (cap = 0; sqlite3_step(q) == SQLITE_ROW; f->nkeywords++) {
			if (f->nkeywords == cap) {
				struct filter_keyword *nk;

				cap = cap ? cap * 2 : 8;
				nk = arena_alloc(a, cap * sizeof *nk);
				if (f->nkeywords)
					memcpy(nk, f->keywords, f->nkeywords *
					    sizeof *nk);
				f->keywords = nk;
			}
			f->keywords[f->nkeywords].id =
			    sqlite3_column_int64(q, 0);
			f->keywords[f->nkeywords].keyword = arena_strdup(a,
			    (const char *)sqlite3_column_text(q, 1));
			f->keywords[f->nkeywords].whole_word =
			    sqlite3_column_int(q, 2);
		}
		sqlite3_reset(q);
	}
	if ((q = db_prepare(db, "SELECT id, status_id FROM filter_statuses "
	    "WHERE filter_id = ? ORDER BY id")) != NULL) {
		sqlite3_bind_int64(q, 1, f->id);
		for (cap = 0; sqlite3_step(q) == SQLITE_ROW; f->nstatuses++) {
			if (f->nstatuses == cap) {
				struct filter_status *ns;

				cap = cap ? cap * 2 : 8;
				ns = arena_alloc(a, cap * sizeof *ns);
				if (f->nstatuses)
					memcpy(ns, f->statuses, f->nstatuses *
					    sizeof *ns);
				f->statuses = ns;
			}
			f->statuses[f->nstatuses].id =
			    sqlite3_column_int64(q, 0);
			f->statuses[f->nstatuses].status_id =
			    sqlite3_column_int64(q, 1);
		}
		sqlite3_reset(q);
	}
}

/* The person's filter id with its keywords and statuses, or NULL. */
struct filter *
filter_get(struct db *db, struct arena *a, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	struct filter	*f = NULL;

	if ((st = db_prepare(db, "SELECT id, user_id, title, contexts, action, "
	    "coalesce(expires_at, 0) FROM filters WHERE id = ? AND user_id = "
	    "?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if (sqlite3_step(st) == SQLITE_ROW) {
		f = arena_alloc(a, sizeof *f);
		filter_from_row(db, a, st, f, 0);
	}
	sqlite3_reset(st);
	if (f != NULL) {
		/* rules read after the row's statement is done with */
		struct filter	*g = f;

		if ((st = db_prepare(db, "SELECT id, user_id, title, contexts, "
		    "action, coalesce(expires_at, 0) FROM filters WHERE id = "
		    "?")) == NULL)
			return NULL;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			filter_from_row(db, a, st, g, 1);
		sqlite3_reset(st);
	}
	return f;
}

/* The person's filters (all, expired ones too, as Mastodon lists them),
 * oldest first, with their keywords and statuses. */
int
filter_all(struct db *db, struct arena *a, int64_t user, struct filter **out,
    size_t *n)
{
	sqlite3_stmt	*st;
	struct idlist	 ids = { NULL, 0, 0 };
	size_t		 i;

	*out = NULL;
	*n = 0;
	if ((st = db_prepare(db, "SELECT id FROM filters WHERE user_id = ? "
	    "ORDER BY id")) == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, user);
	while (sqlite3_step(st) == SQLITE_ROW)
		idlist_add(a, &ids, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	*out = arena_alloc(a, (ids.n ? ids.n : 1) * sizeof **out);
	for (i = 0; i < ids.n; i++) {
		struct filter *f = filter_get(db, a, user, ids.ids[i]);

		if (f != NULL)
			(*out)[(*n)++] = *f;
	}
	return E_OK;
}

/* The person's keyword id and its filter's id, or 0. */
int64_t
filter_keyword_owner(struct db *db, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	int64_t		 f = 0;

	if ((st = db_prepare(db, "SELECT k.filter_id FROM filter_keywords k "
	    "JOIN filters f ON f.id = k.filter_id WHERE k.id = ? AND "
	    "f.user_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if (sqlite3_step(st) == SQLITE_ROW)
		f = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return f;
}

/* The person's filter status id's filter, or 0. */
int64_t
filter_status_owner(struct db *db, int64_t user, int64_t id)
{
	sqlite3_stmt	*st;
	int64_t		 f = 0;

	if ((st = db_prepare(db, "SELECT s.filter_id FROM filter_statuses s "
	    "JOIN filters f ON f.id = s.filter_id WHERE s.id = ? AND "
	    "f.user_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if (sqlite3_step(st) == SQLITE_ROW)
		f = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return f;
}

/* The Filter entity (with rules: its keywords and statuses, as the
 * filters API shows them; without, as a FilterResult shows it). */
json_t *
filter_json(struct arena *a, const struct filter *f, int rules)
{
	json_t	*j, *kw, *st;
	size_t	 i;

	j = json_pack("{s:s, s:s, s:o, s:o, s:s}", "id", arena_printf(a,
	    "%lld", (long long)f->id), "title", f->title, "context",
	    filter_contexts_json(f->contexts), "expires_at", f->expires_at > 0 ?
	    entity_time(f->expires_at) : json_null(), "filter_action",
	    filter_action_name(f->action));
	if (!rules)
		return j;
	kw = json_array();
	for (i = 0; i < f->nkeywords; i++)
		json_array_append_new(kw, filter_keyword_json(a,
		    &f->keywords[i]));
	st = json_array();
	for (i = 0; i < f->nstatuses; i++)
		json_array_append_new(st, filter_status_json(a,
		    &f->statuses[i]));
	json_object_set_new(j, "keywords", kw);
	json_object_set_new(j, "statuses", st);
	return j;
}

/* The FilterKeyword entity. */
json_t *
filter_keyword_json(struct arena *a, const struct filter_keyword *k)
{
	return json_pack("{s:s, s:s, s:b}", "id", arena_printf(a, "%lld",
	    (long long)k->id), "keyword", k->keyword, "whole_word",
	    k->whole_word);
}

/* The FilterStatus entity. */
json_t *
filter_status_json(struct arena *a, const struct filter_status *s)
{
	return json_pack("{s:s, s:s}", "id", arena_printf(a, "%lld",
	    (long long)s->id), "status_id", arena_printf(a, "%lld",
	    (long long)s->status_id));
}

/*
 * The compiled set: the person's live filters, each with its keywords
 * folded, kept in the cache as JSON ({"f": [[id, title, contexts, action,
 * expires_at, [[keyword, folded, whole_word]...], [status ids]]...],
 * "x": [exclusive members], "until": first expiry}).
 */
static char *
filter_set_build(struct db *db, struct arena *a, int64_t viewer)
{
	struct filter	*fs;
	struct idlist	 excl = { NULL, 0, 0 };
	json_t		*root, *arr, *kws, *sts, *x;
	int64_t		 now = (int64_t)time(NULL), until = 0;
	size_t		 n, i, k;
	char		*text, *out;

	if (filter_all(db, a, viewer, &fs, &n) != E_OK ||
	    list_exclusive_members(db, a, viewer, &excl) != E_OK)
		return NULL;
	arr = json_array();
	for (i = 0; i < n; i++) {
		if (fs[i].expires_at > 0 && fs[i].expires_at <= now)
			continue;
		if (fs[i].expires_at > 0 && (until == 0 ||
		    fs[i].expires_at < until))
			until = fs[i].expires_at;
		kws = json_array();
		for (k = 0; k < fs[i].nkeywords; k++)
			json_array_append_new(kws, json_pack("[s, s, b]",
			    fs[i].keywords[k].keyword, fold_text(a,
			    fs[i].keywords[k].keyword),
			    fs[i].keywords[k].whole_word));
		sts = json_array();
		for (k = 0; k < fs[i].nstatuses; k++)
			json_array_append_new(sts, json_integer(
			    fs[i].statuses[k].status_id));
		json_array_append_new(arr, json_pack("[I, s, i, i, I, o, o]",
		    (json_int_t)fs[i].id, fs[i].title, fs[i].contexts,
		    fs[i].action, (json_int_t)fs[i].expires_at, kws, sts));
	}
	/* Most people have neither: "" says so, and is read as no set at
	 * all without parsing anything (filter_set). */
	if (json_array_size(arr) == 0 && excl.n == 0 && until == 0) {
		json_decref(arr);
		return arena_strdup(a, "");
	}
	x = json_array();
	for (i = 0; i < excl.n; i++)
		json_array_append_new(x, json_integer(excl.ids[i]));
	root = json_pack("{s:o, s:o, s:I}", "f", arr, "x", x, "until",
	    (json_int_t)until);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (text == NULL)
		return NULL;
	out = arena_strdup(a, text);
	free(text);
	return out;
}

/* A person's compiled set, from the cache where it is current; NULL for
 * none (no filter in force and no exclusive list). */
static json_t *
filter_set(struct db *db, struct arena *a, int64_t viewer)
{
	struct evbuffer	*b;
	uint64_t	 gen = filter_generation();
	json_t		*set = NULL;
	char		*text;
	int64_t		 until;
	int		 hit;

	pthread_once(&filter_cache_once, filter_cache_make);
	b = evbuffer_new();
	hit = cache_emit(filter_cache, viewer, gen, b);
	if (hit && evbuffer_get_length(b) == 0) {
		/* Remembered as having none: nothing to parse. */
		evbuffer_free(b);
		return NULL;
	}
	if (hit) {
		set = json_loadb((const char *)evbuffer_pullup(b, -1),
		    evbuffer_get_length(b), 0, NULL);
		until = json_integer_value(json_object_get(set, "until"));
		if (set != NULL && until > 0 && until <= (int64_t)time(NULL)) {
			json_decref(set);
			set = NULL;
		}
	}
	evbuffer_free(b);
	if (set != NULL)
		return set;
	if ((text = filter_set_build(db, a, viewer)) == NULL)
		return NULL;
	cache_put(filter_cache, viewer, gen, text, strlen(text));
	return *text == '\0' ? NULL : json_loads(text, 0, NULL);
}

/* Whether the code point a UTF-8 sequence at s starts belongs to a word,
 * as Ruby's [[:word:]] does: letters, digits and '_'; beyond ASCII, all
 * but spaces and punctuation (Latin-1's, General Punctuation, CJK's). */
static int
word_at(const unsigned char *s)
{
	uint32_t	cp;

	if (s[0] < 0x80)
		return (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' &&
		    s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9') || s[0] == '_';
	if ((s[0] & 0xe0) == 0xc0)
		cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	else if ((s[0] & 0xf0) == 0xe0)
		cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	else
		return 1;
	return !((cp >= 0xa0 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7 ||
	    (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xff00 && cp <= 0xff0f));
}

/* The start of the UTF-8 sequence before p (t its text's start). */
static const unsigned char *
char_before(const unsigned char *t, const unsigned char *p)
{
	do
		p--;
	while (p > t && (*p & 0xc0) == 0x80);
	return p;
}

/* Whether folded keyword k occurs in folded text t; whole: only where a
 * word boundary stands before and after it (where the keyword begins or
 * ends with a word character, as Mastodon builds its \b). */
static int
keyword_in(const char *t, const char *k, int whole)
{
	const unsigned char	*ut = (const unsigned char *)t, *p;
	size_t			 kl = strlen(k);
	int			 wb, we;

	if (kl == 0)
		return 0;
	wb = whole && word_at((const unsigned char *)k);
	we = whole && word_at(char_before((const unsigned char *)k,
	    (const unsigned char *)k + kl));
	for (p = ut; (p = (const unsigned char *)strstr((const char *)p, k)) !=
	    NULL; p++) {
		if (wb && p > ut && word_at(char_before(ut, p)))
			continue;
		if (we && p[kl] != '\0' && word_at(p + kl))
			continue;
		return 1;
	}
	return 0;
}

/* The text a post is matched by (its own, or the boosted post's): plain
 * text, content warning, media descriptions, folded; and its author and
 * the post matched (the boosted one for a boost). NULL if gone. */
static char *
post_matter(struct db *db, struct arena *a, int64_t id, int64_t *author,
    int64_t *proper)
{
	sqlite3_stmt	*st;
	struct evbuffer	*b;
	json_t		*media, *m;
	const char	*t;
	size_t		 i;
	char		*out = NULL;

	if ((st = db_prepare(db, "SELECT p.author_id, coalesce(p.reblog_of_id, "
	    "p.id), coalesce(r.spoiler_text, p.spoiler_text), coalesce(r.text, "
	    "p.text), coalesce(r.media_json, p.media_json) FROM posts p LEFT "
	    "JOIN posts r ON r.id = p.reblog_of_id WHERE p.id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*author = sqlite3_column_int64(st, 0);
		*proper = sqlite3_column_int64(st, 1);
		b = evbuffer_new();
		for (i = 2; i <= 3; i++) {
			if ((t = (const char *)sqlite3_column_text(st, i)) !=
			    NULL)
				evbuffer_add_printf(b, "%s\n", t);
		}
		t = (const char *)sqlite3_column_text(st, 4);
		if (t != NULL && (media = json_loads(t, 0, NULL)) != NULL) {
			json_array_foreach(media, i, m) {
				t = json_string_value(json_object_get(m,
				    "description"));
				if (t != NULL)
					evbuffer_add_printf(b, "%s\n", t);
			}
			json_decref(media);
		}
		evbuffer_add(b, "", 1);
		out = fold_text(a, (const char *)evbuffer_pullup(b, -1));
		evbuffer_free(b);
	}
	sqlite3_reset(st);
	return out;
}

static json_t	*set_results(struct db *, struct arena *, json_t *, int64_t,
		     int, int64_t, int *);

/*
 * The viewer's filters matching post id in context (FC_*; FC_HOME_FEED is
 * home itself, where exclusive lists' members are left out too): the
 * FilterResults, or NULL when none match; *hide whether the post is to be
 * left out (a hide filter, or an exclusive list).
 */
json_t *
filter_results(struct db *db, struct arena *a, int64_t viewer, int context,
    int64_t id, int *hide)
{
	json_t	*set, *r;

	*hide = 0;
	if (context == 0 || (set = filter_set(db, a, viewer)) == NULL)
		return NULL;
	r = set_results(db, a, set, viewer, context, id, hide);
	json_decref(set);
	return r;
}

/* Whether a compiled set can match anything in context. */
static int
set_active(json_t *set, int context)
{
	json_t	*f;
	size_t	 i;

	if ((context & FC_HOME_FEED) == FC_HOME_FEED &&
	    json_array_size(json_object_get(set, "x")) > 0)
		return 1;
	json_array_foreach(json_object_get(set, "f"), i, f) {
		if (json_integer_value(json_array_get(f, 2)) & context)
			return 1;
	}
	return 0;
}

/* filter_results with the viewer's compiled set. */
static json_t *
set_results(struct db *db, struct arena *a, json_t *set, int64_t viewer,
    int context, int64_t id, int *hide)
{
	json_t		*f, *results = NULL, *kws, *kw, *sts, *v;
	json_t		*km, *sm;
	int64_t		 author = 0, proper = 0;
	size_t		 i, k;
	char		*text = NULL;

	*hide = 0;
	if (!set_active(set, context) ||
	    (text = post_matter(db, a, id, &author, &proper)) == NULL)
		return NULL;
	if ((context & FC_HOME_FEED) == FC_HOME_FEED && author != viewer) {
		json_array_foreach(json_object_get(set, "x"), i, v) {
			if (json_integer_value(v) == author)
				*hide = 1;
		}
	}
	json_array_foreach(json_object_get(set, "f"), i, f) {
		if (!(json_integer_value(json_array_get(f, 2)) & context))
			continue;
		km = sm = NULL;
		kws = json_array_get(f, 5);
		if (json_array_size(kws) > 0) {
			km = json_array();
			json_array_foreach(kws, k, kw) {
				if (keyword_in(text, json_string_value(
				    json_array_get(kw, 1)), json_is_true(
				    json_array_get(kw, 2))))
					json_array_append(km,
					    json_array_get(kw, 0));
			}
		}
		sts = json_array_get(f, 6);
		if (json_array_size(sts) > 0) {
			sm = json_array();
			json_array_foreach(sts, k, v) {
				if (json_integer_value(v) == id ||
				    json_integer_value(v) == proper)
					json_array_append_new(sm, json_string(
					    arena_printf(a, "%lld", (long long)
					    json_integer_value(v))));
			}
		}
		if (json_array_size(km) == 0 && json_array_size(sm) == 0) {
			json_decref(km);
			json_decref(sm);
			continue;
		}
		if (json_integer_value(json_array_get(f, 3)) == FILTER_HIDE)
			*hide = 1;
		if (results == NULL)
			results = json_array();
		json_array_append_new(results, json_pack("{s:{s:s, s:s, s:o, "
		    "s:o, s:s}, s:o, s:o}", "filter", "id", arena_printf(a,
		    "%lld", (long long)json_integer_value(json_array_get(f,
		    0))), "title", json_string_value(json_array_get(f, 1)),
		    "context", filter_contexts_json((int)json_integer_value(
		    json_array_get(f, 2))), "expires_at", json_integer_value(
		    json_array_get(f, 4)) > 0 ? entity_time(json_integer_value(
		    json_array_get(f, 4))) : json_null(), "filter_action",
		    filter_action_name((int)json_integer_value(json_array_get(
		    f, 3))), "keyword_matches", km != NULL ? km : json_null(),
		    "status_matches", sm != NULL ? sm : json_null()));
	}
	return results;
}

/* Whether the viewer's filters (or exclusive lists, in home) leave post
 * id out of what they read in context: the one predicate every timeline,
 * notification and stream asks. */
int
filter_hides(struct db *db, struct arena *a, int64_t viewer, int context,
    int64_t id)
{
	json_t	*r;
	int	 hide;

	r = filter_results(db, a, viewer, context, id, &hide);
	json_decref(r);
	return hide;
}

/* Take the posts the viewer's filters hide in context out of ids (the
 * set read once: this runs on every timeline page). */
void
filter_drop(struct db *db, struct arena *a, int64_t viewer, int context,
    struct idlist *ids)
{
	json_t	*set, *r;
	size_t	 i, n = 0;
	int	 hide;

	if (context == 0 || (set = filter_set(db, a, viewer)) == NULL)
		return;
	if (set_active(set, context)) {
		for (i = 0; i < ids->n; i++) {
			r = set_results(db, a, set, viewer, context,
			    ids->ids[i], &hide);
			json_decref(r);
			if (!hide)
				ids->ids[n++] = ids->ids[i];
		}
		ids->n = n;
	}
	json_decref(set);
}

/* Whether an entity (a Status, or a Notification with one) carries a hide
 * filter's result: a notification or stream event left out. */
int
filter_json_hides(json_t *j)
{
	json_t	*r;
	size_t	 i;

	if (j == NULL)
		return 0;
	if (json_object_get(j, "status") != NULL)
		j = json_object_get(j, "status");
	json_array_foreach(json_object_get(j, "filtered"), i, r) {
		if (json_is_string(json_object_get(json_object_get(r,
		    "filter"), "filter_action")) && strcmp(json_string_value(
		    json_object_get(json_object_get(r, "filter"),
		    "filter_action")), "hide") == 0)
			return 1;
	}
	return 0;
}

/*
 * In the write: a v1 filter (Mastodon's older API, where a filter is one
 * keyword) changed: keyword e->keywords[0] (its id) and its filter's
 * contexts, action and expiry, which the API read before.
 */
int
filter_v1_update_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit	*e = arg;
	int			 rc;

	if ((e->id = filter_keyword_owner(db, e->user_id,
	    e->keywords[0].id)) == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	if ((rc = filter_update_cmd(db, e, cause)) != E_OK)
		return rc;
	e->rule_id = e->keywords[0].id;
	return E_OK;
}

/* In the write: a v1 filter deleted: its keyword, and its filter with it
 * when no keyword is left. */
int
filter_v1_delete_cmd(struct db *db, void *arg, char **cause)
{
	struct filter_edit	*e = arg;

	if ((e->id = filter_keyword_owner(db, e->user_id, e->rule_id)) == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	filter_changed(db, e->user_id);
	if (DB_RUN(db, "DELETE FROM filter_keywords WHERE id = ?",
	    SQL_I(e->rule_id)) < 0 || DB_RUN(db, "DELETE FROM filters WHERE "
	    "id = ? AND NOT EXISTS (SELECT 1 FROM filter_keywords WHERE "
	    "filter_id = ?)", SQL_I(e->id), SQL_I(e->id)) < 0)
		return E_INTERNAL;
	return E_OK;
}

/* The v1 Filter entity of keyword k of filter f. */
json_t *
filter_v1_json(struct arena *a, const struct filter *f,
    const struct filter_keyword *k)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:b}", "id",
	    arena_printf(a, "%lld", (long long)k->id), "phrase", k->keyword,
	    "context", filter_contexts_json(f->contexts), "expires_at",
	    f->expires_at > 0 ? entity_time(f->expires_at) : json_null(),
	    "irreversible", f->action == FILTER_HIDE, "whole_word",
	    k->whole_word);
}

/* Whether any of the viewer's filters (or, in home, exclusive lists) can
 * match in context: pages ask once, and skip filtering when none can. */
int
filter_active(struct db *db, struct arena *a, int64_t viewer, int context)
{
	json_t	*set;
	int	 active;

	if (context == 0 || (set = filter_set(db, a, viewer)) == NULL)
		return 0;
	active = set_active(set, context);
	json_decref(set);
	return active;
}
