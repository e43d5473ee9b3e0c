/*
 * filters.c: Mastodon's filters API (v2): a person's filters, their
 * keywords and the posts they name; nobody else's (not found). The
 * filters apply server-side (filter.c): timelines leave out what a hide
 * filter matches and give the rest their "filtered" results.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "handlers.h"

/* A boolean parameter as Rails reads one. */
static int
truthy(const char *v)
{
	return v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") ==
	    0 || strcasecmp(v, "on") == 0 || strcasecmp(v, "t") == 0);
}

/* A JSON value as a parameter string (NULL for null, arrays, objects). */
static const char *
json_param(struct req *r, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(r->arena, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/*
 * context[]: the contexts' bits, from a form ("context[]=home"), or JSON
 * (an array); -1 if none was sent; 0 and an answered 422 if one is
 * unknown (*bad).
 */
static int
filter_contexts(struct req *r, int *bad)
{
	const char	*k, *v;
	json_t		*arr, *j;
	size_t		 i;
	int		 mask = 0, sent = 0, bit;

	*bad = 0;
	for (i = 0; i < r->form.n; i++) {
		k = r->form.v[i].key;
		if (strcmp(k, "context[]") != 0 && strcmp(k, "context") != 0)
			continue;
		sent = 1;
		v = r->form.v[i].value;
		if ((bit = filter_context_named(v)) == 0)
			goto bad;
		mask |= bit;
	}
	if (r->body != NULL && (arr = json_object_get(r->body, "context")) !=
	    NULL) {
		sent = 1;
		if (json_is_string(arr)) {
			if ((bit = filter_context_named(json_string_value(
			    arr))) == 0)
				goto bad;
			mask |= bit;
		}
		json_array_foreach(arr, i, j) {
			if ((bit = filter_context_named(json_string_value(j)))
			    == 0)
				goto bad;
			mask |= bit;
		}
	}
	return sent ? mask : -1;
bad:
	*bad = 1;
	req_error(r, 422, "Validation failed: Context contains invalid values "
	    "(home, notifications, public, thread, account)");
	return 0;
}

/* The keyword edit keyed key (a form's index, or "[]" and a count),
 * made if new; NULL if there are too many. */
static struct filter_keyword_edit *
keyword_slot(struct filter_edit *e, const char **keys, const char *key)
{
	size_t	i;

	for (i = 0; i < e->nkeywords; i++) {
		if (strcmp(keys[i], key) == 0)
			return &e->keywords[i];
	}
	if (e->nkeywords == FILTER_KEYWORDS_MAX)
		return NULL;
	keys[e->nkeywords] = key;
	memset(&e->keywords[e->nkeywords], 0, sizeof e->keywords[0]);
	e->keywords[e->nkeywords].whole_word = 1;
	return &e->keywords[e->nkeywords++];
}

/* Set one field of a keyword edit. */
static void
keyword_field(struct filter_keyword_edit *k, const char *field,
    const char *v)
{
	if (v == NULL)
		return;
	if (strcmp(field, "keyword") == 0)
		k->keyword = v;
	else if (strcmp(field, "whole_word") == 0)
		k->whole_word = truthy(v);
	else if (strcmp(field, "id") == 0)
		k->id = strtoll(v, NULL, 10);
	else if (strcmp(field, "_destroy") == 0)
		k->destroy = truthy(v);
}

/*
 * keywords_attributes: from a form (keywords_attributes[N][keyword],
 * [whole_word], [id], [_destroy]; with "[]" for N, the k-th of each field
 * go together) or JSON (an array of objects, or an object of them keyed by
 * N). 0, or -1 after answering 422.
 */
static int
filter_keywords(struct req *r, struct filter_edit *e)
{
	static const char prefix[] = "keywords_attributes[";
	static const char *const fields[] = { "keyword", "whole_word", "id",
	    "_destroy" };
	const char	**keys, *k, *close, *jkey, *field;
	struct filter_keyword_edit *kw;
	size_t		 i, f, plen = sizeof prefix - 1, counts[4] = { 0 };
	json_t		*all, *one, *v;
	char		*key;

	keys = arena_alloc(r->arena, FILTER_KEYWORDS_MAX * sizeof *keys);
	e->keywords = arena_alloc(r->arena, FILTER_KEYWORDS_MAX *
	    sizeof *e->keywords);
	for (i = 0; i < r->form.n; i++) {
		k = r->form.v[i].key;
		if (strncmp(k, prefix, plen) != 0 ||
		    (close = strchr(k + plen, ']')) == NULL ||
		    close[1] != '[')
			continue;
		field = arena_strndup(r->arena, close + 2, strlen(close + 2));
		if (*field == '\0' || field[strlen(field) - 1] != ']')
			continue;
		((char *)field)[strlen(field) - 1] = '\0';
		for (f = 0; f < nitems(fields); f++) {
			if (strcmp(field, fields[f]) == 0)
				break;
		}
		if (f == nitems(fields))
			continue;
		if (close == k + plen)
			key = arena_printf(r->arena, "[]%zu", counts[f]++);
		else
			key = arena_strndup(r->arena, k + plen, close - k -
			    plen);
		if ((kw = keyword_slot(e, keys, key)) == NULL)
			goto many;
		keyword_field(kw, field, r->form.v[i].value);
	}
	if (r->body == NULL || (all = json_object_get(r->body,
	    "keywords_attributes")) == NULL)
		return 0;
	if (json_is_array(all)) {
		json_array_foreach(all, i, one) {
			if ((kw = keyword_slot(e, keys, arena_printf(r->arena,
			    "%zu", i))) == NULL)
				goto many;
			json_object_foreach(one, jkey, v)
				keyword_field(kw, jkey, json_param(r, v));
		}
	} else if (json_is_object(all)) {
		json_object_foreach(all, jkey, one) {
			if ((kw = keyword_slot(e, keys, jkey)) == NULL)
				goto many;
			json_object_foreach(one, field, v)
				keyword_field(kw, field, json_param(r, v));
		}
	}
	return 0;
many:
	req_error(r, 422, arena_printf(r->arena, "Validation failed: at most "
	    "%d keywords at once", FILTER_KEYWORDS_MAX));
	return -1;
}

/* Read title, context, filter_action, expires_in and keywords_attributes
 * into e (what is not sent stays). 0, or -1 after answering 422. */
static int
filter_params(struct req *r, struct filter_edit *e)
{
	const char	*v;
	char		*end;
	long long	 secs;
	int		 mask, bad, action;

	if ((v = req_param(r, "title")) != NULL)
		e->title = v;
	if ((mask = filter_contexts(r, &bad)) >= 0)
		e->contexts = mask;
	if (bad)
		return -1;
	if ((v = req_param(r, "filter_action")) != NULL) {
		if ((action = filter_action_named(v)) < 0) {
			req_error(r, 422, "Validation failed: Filter action is "
			    "not included in the list (warn, hide, blur)");
			return -1;
		}
		e->action = action;
	}
	if ((v = req_param(r, "expires_in")) != NULL ||
	    (r->body != NULL && json_is_null(json_object_get(r->body,
	    "expires_in")))) {
		if (v == NULL || *v == '\0')
			e->expires_at = 0;
		else {
			secs = strtoll(v, &end, 10);
			if (*end != '\0' || secs <= 0) {
				req_error(r, 422, "Validation failed: "
				    "expires_in must be a number of seconds");
				return -1;
			}
			e->expires_at = (int64_t)time(NULL) + secs;
		}
	}
	return filter_keywords(r, e);
}

/* Answer with the person's filter id (its keywords and statuses too). */
static void
filter_answer(struct req *r, int64_t id)
{
	struct filter	*f = filter_get(req_db(r), r->arena, r->user->id, id);

	if (f == NULL)
		req_error(r, 404, "Record not found");
	else
		req_json(r, 200, filter_json(r->arena, f, 1));
}

/* After a create or an update: the Filter. */
static void
filter_reply(struct req *r, void *arg)
{
	struct filter_edit	*e = arg;

	filter_answer(r, e->id);
}

/* After a delete: {}. */
static void
filter_empty_reply(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* A new edit by the person. */
static struct filter_edit *
edit_new(struct req *r)
{
	struct filter_edit	*e = arena_alloc(r->arena, sizeof *e);

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	return e;
}

/* GET /api/v2/filters */
enum handled
api_filters(struct req *r)
{
	struct filter	*f;
	json_t		*arr;
	size_t		 i, n;

	if (filter_all(req_db(r), r->arena, r->user->id, &f, &n) != E_OK) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, filter_json(r->arena, &f[i], 1));
	req_json(r, 200, arr);
	return HANDLED;
}

/* GET /api/v2/filters/:id */
enum handled
api_filter_get(struct req *r)
{
	filter_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* POST /api/v2/filters */
enum handled
api_filter_create(struct req *r)
{
	struct filter_edit	*e = edit_new(r);

	if (filter_params(r, e) != 0)
		return HANDLED;
	return req_command(r, filter_create_cmd, filter_reply, e);
}

/* PUT /api/v2/filters/:id */
enum handled
api_filter_update(struct req *r)
{
	struct filter_edit	*e = edit_new(r);
	struct filter		*f;

	e->id = req_id(r, ":0");
	if ((f = filter_get(req_db(r), r->arena, e->user_id, e->id)) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	e->title = f->title;
	e->contexts = f->contexts;
	e->action = f->action;
	e->expires_at = f->expires_at;
	if (filter_params(r, e) != 0)
		return HANDLED;
	return req_command(r, filter_update_cmd, filter_reply, e);
}

/* DELETE /api/v2/filters/:id */
enum handled
api_filter_delete(struct req *r)
{
	struct filter_edit	*e = edit_new(r);

	e->id = req_id(r, ":0");
	return req_command(r, filter_delete_cmd, filter_empty_reply, e);
}

/* GET /api/v2/filters/:filter_id/keywords */
enum handled
api_filter_keywords(struct req *r)
{
	struct filter	*f = filter_get(req_db(r), r->arena, r->user->id,
	    req_id(r, ":0"));
	json_t		*arr;
	size_t		 i;

	if (f == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	arr = json_array();
	for (i = 0; i < f->nkeywords; i++)
		json_array_append_new(arr, filter_keyword_json(r->arena,
		    &f->keywords[i]));
	req_json(r, 200, arr);
	return HANDLED;
}

/* Answer with the person's keyword id, or 404. */
static void
keyword_answer(struct req *r, int64_t id)
{
	int64_t		 fid = filter_keyword_owner(req_db(r), r->user->id, id);
	struct filter	*f = fid ? filter_get(req_db(r), r->arena,
	    r->user->id, fid) : NULL;
	size_t		 i;

	for (i = 0; f != NULL && i < f->nkeywords; i++) {
		if (f->keywords[i].id == id) {
			req_json(r, 200, filter_keyword_json(r->arena,
			    &f->keywords[i]));
			return;
		}
	}
	req_error(r, 404, "Record not found");
}

/* After a keyword's create or update: the FilterKeyword. */
static void
keyword_reply(struct req *r, void *arg)
{
	struct filter_edit	*e = arg;

	keyword_answer(r, e->rule_id);
}

/* A keyword edit from keyword and whole_word (those not sent stay as k
 * holds them). */
static struct filter_edit *
keyword_edit(struct req *r, struct filter_keyword_edit *k)
{
	struct filter_edit	*e = edit_new(r);
	const char		*v;

	e->keywords = arena_alloc(r->arena, sizeof *e->keywords);
	e->keywords[0] = *k;
	e->nkeywords = 1;
	if ((v = req_param(r, "keyword")) != NULL)
		e->keywords[0].keyword = v;
	if ((v = req_param(r, "whole_word")) != NULL)
		e->keywords[0].whole_word = truthy(v);
	return e;
}

/* POST /api/v2/filters/:filter_id/keywords */
enum handled
api_filter_keyword_create(struct req *r)
{
	struct filter_keyword_edit	 k = { 0, NULL, 1, 0 };
	struct filter_edit		*e = keyword_edit(r, &k);

	e->id = req_id(r, ":0");
	return req_command(r, filter_keyword_cmd, keyword_reply, e);
}

/* GET /api/v2/filters/keywords/:id */
enum handled
api_filter_keyword_get(struct req *r)
{
	keyword_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* PUT /api/v2/filters/keywords/:id */
enum handled
api_filter_keyword_update(struct req *r)
{
	struct filter_keyword_edit	 k = { 0, NULL, 1, 0 };
	struct filter_edit		*e;
	struct filter			*f;
	int64_t				 id = req_id(r, ":0"), fid;
	size_t				 i;

	fid = filter_keyword_owner(req_db(r), r->user->id, id);
	f = fid ? filter_get(req_db(r), r->arena, r->user->id, fid) : NULL;
	for (i = 0; f != NULL && i < f->nkeywords; i++) {
		if (f->keywords[i].id == id) {
			k.id = id;
			k.keyword = f->keywords[i].keyword;
			k.whole_word = f->keywords[i].whole_word;
		}
	}
	if (k.id == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	e = keyword_edit(r, &k);
	return req_command(r, filter_keyword_cmd, keyword_reply, e);
}

/* DELETE /api/v2/filters/keywords/:id */
enum handled
api_filter_keyword_delete(struct req *r)
{
	struct filter_keyword_edit	 k = { 0, "-", 1, 1 };
	struct filter_edit		*e;

	k.id = req_id(r, ":0");
	if (k.id == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	e = keyword_edit(r, &k);
	return req_command(r, filter_keyword_cmd, filter_empty_reply, e);
}

/* GET /api/v2/filters/:filter_id/statuses */
enum handled
api_filter_statuses(struct req *r)
{
	struct filter	*f = filter_get(req_db(r), r->arena, r->user->id,
	    req_id(r, ":0"));
	json_t		*arr;
	size_t		 i;

	if (f == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	arr = json_array();
	for (i = 0; i < f->nstatuses; i++)
		json_array_append_new(arr, filter_status_json(r->arena,
		    &f->statuses[i]));
	req_json(r, 200, arr);
	return HANDLED;
}

/* Answer with the person's filter status id, or 404. */
static void
fstatus_answer(struct req *r, int64_t id)
{
	int64_t		 fid = filter_status_owner(req_db(r), r->user->id, id);
	struct filter	*f = fid ? filter_get(req_db(r), r->arena,
	    r->user->id, fid) : NULL;
	size_t		 i;

	for (i = 0; f != NULL && i < f->nstatuses; i++) {
		if (f->statuses[i].id == id) {
			req_json(r, 200, filter_status_json(r->arena,
			    &f->statuses[i]));
			return;
		}
	}
	req_error(r, 404, "Record not found");
}

/* After a status is added: the FilterStatus. */
static void
fstatus_reply(struct req *r, void *arg)
{
	struct filter_edit	*e = arg;

	fstatus_answer(r, e->rule_id);
}

/* POST /api/v2/filters/:filter_id/statuses: status_id. */
enum handled
api_filter_status_create(struct req *r)
{
	struct filter_edit	*e = edit_new(r);
	const char		*v = req_param(r, "status_id");

	e->id = req_id(r, ":0");
	e->status_id = v != NULL ? strtoll(v, NULL, 10) : 0;
	if (e->status_id <= 0) {
		req_error(r, 422, "Validation failed: Status must exist");
		return HANDLED;
	}
	return req_command(r, filter_status_cmd, fstatus_reply, e);
}

/* GET /api/v2/filters/statuses/:id */
enum handled
api_filter_status_get(struct req *r)
{
	fstatus_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* DELETE /api/v2/filters/statuses/:id */
enum handled
api_filter_status_delete(struct req *r)
{
	struct filter_edit	*e = edit_new(r);

	e->rule_id = req_id(r, ":0");
	e->destroy = 1;
	return req_command(r, filter_status_cmd, filter_empty_reply, e);
}

/*
 * Filters v1, Mastodon's older API, which it keeps: a v1 filter is one
 * keyword (its id the keyword's), with its filter's contexts, expiry and
 * irreversible (hide). Creating one makes a filter titled by the phrase.
 */

/* Answer with the person's keyword id as a v1 Filter, or 404. */
static void
v1_answer(struct req *r, int64_t id)
{
	int64_t		 fid = filter_keyword_owner(req_db(r), r->user->id, id);
	struct filter	*f = fid ? filter_get(req_db(r), r->arena,
	    r->user->id, fid) : NULL;
	size_t		 i;

	for (i = 0; f != NULL && i < f->nkeywords; i++) {
		if (f->keywords[i].id == id) {
			req_json(r, 200, filter_v1_json(r->arena, f,
			    &f->keywords[i]));
			return;
		}
	}
	req_error(r, 404, "Record not found");
}

/* After a v1 create: the new filter's keyword as a v1 Filter. */
static void
v1_created(struct req *r, void *arg)
{
	struct filter_edit	*e = arg;
	struct filter		*f = filter_get(req_db(r), r->arena,
	    r->user->id, e->id);

	if (f == NULL || f->nkeywords == 0)
		req_error(r, 404, "Record not found");
	else
		v1_answer(r, f->keywords[0].id);
}

/* After a v1 update. */
static void
v1_reply(struct req *r, void *arg)
{
	struct filter_edit	*e = arg;

	v1_answer(r, e->rule_id);
}

/* Read phrase, context, irreversible, whole_word and expires_in into e
 * and its one keyword. 0, or -1 after answering 422. */
static int
v1_params(struct req *r, struct filter_edit *e)
{
	const char	*v;
	char		*end;
	long long	 secs;
	int		 mask, bad;

	if ((v = req_param(r, "phrase")) != NULL)
		e->keywords[0].keyword = v;
	if ((mask = filter_contexts(r, &bad)) >= 0)
		e->contexts = mask;
	if (bad)
		return -1;
	if ((v = req_param(r, "irreversible")) != NULL)
		e->action = truthy(v) ? FILTER_HIDE : FILTER_WARN;
	if ((v = req_param(r, "whole_word")) != NULL)
		e->keywords[0].whole_word = truthy(v);
	if ((v = req_param(r, "expires_in")) != NULL ||
	    (r->body != NULL && json_is_null(json_object_get(r->body,
	    "expires_in")))) {
		if (v == NULL || *v == '\0')
			e->expires_at = 0;
		else {
			secs = strtoll(v, &end, 10);
			if (*end != '\0' || secs <= 0) {
				req_error(r, 422, "Validation failed: "
				    "expires_in must be a number of seconds");
				return -1;
			}
			e->expires_at = (int64_t)time(NULL) + secs;
		}
	}
	return 0;
}

/* GET /api/v1/filters: every keyword of every filter. */
enum handled
api_filters_v1(struct req *r)
{
	struct filter	*f;
	json_t		*arr;
	size_t		 i, k, n;

	if (filter_all(req_db(r), r->arena, r->user->id, &f, &n) != E_OK) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		for (k = 0; k < f[i].nkeywords; k++)
			json_array_append_new(arr, filter_v1_json(r->arena,
			    &f[i], &f[i].keywords[k]));
	}
	req_json(r, 200, arr);
	return HANDLED;
}

/* GET /api/v1/filters/:id */
enum handled
api_filter_v1_get(struct req *r)
{
	v1_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* POST /api/v1/filters */
enum handled
api_filter_v1_create(struct req *r)
{
	struct filter_edit	*e = edit_new(r);

	e->keywords = arena_alloc(r->arena, sizeof *e->keywords);
	memset(e->keywords, 0, sizeof *e->keywords);
	e->keywords[0].whole_word = 1;
	e->nkeywords = 1;
	if (v1_params(r, e) != 0)
		return HANDLED;
	e->title = e->keywords[0].keyword;
	return req_command(r, filter_create_cmd, v1_created, e);
}

/* PUT /api/v1/filters/:id: the keyword, and its filter's contexts,
 * action and expiry. */
enum handled
api_filter_v1_update(struct req *r)
{
	struct filter_edit	*e = edit_new(r);
	struct filter		*f;
	int64_t			 id = req_id(r, ":0"), fid;
	size_t			 i;

	fid = filter_keyword_owner(req_db(r), r->user->id, id);
	if (fid == 0 || (f = filter_get(req_db(r), r->arena, r->user->id,
	    fid)) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	e->title = f->title;
	e->contexts = f->contexts;
	e->action = f->action;
	e->expires_at = f->expires_at;
	e->keywords = arena_alloc(r->arena, sizeof *e->keywords);
	memset(e->keywords, 0, sizeof *e->keywords);
	e->nkeywords = 1;
	for (i = 0; i < f->nkeywords; i++) {
		if (f->keywords[i].id == id) {
			e->keywords[0].id = id;
			e->keywords[0].keyword = f->keywords[i].keyword;
			e->keywords[0].whole_word = f->keywords[i].whole_word;
		}
	}
	if (v1_params(r, e) != 0)
		return HANDLED;
	return req_command(r, filter_v1_update_cmd, v1_reply, e);
}

/* DELETE /api/v1/filters/:id */
enum handled
api_filter_v1_delete(struct req *r)
{
	struct filter_edit	*e = edit_new(r);

	e->rule_id = req_id(r, ":0");
	return req_command(r, filter_v1_delete_cmd, filter_empty_reply, e);
}
