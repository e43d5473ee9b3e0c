/*
 * suggest.c: GET /suggest?q=@li or ?q=#te, the few people or hashtags that
 * the composer's and the members page's pickers (static/suggest.js) offer
 * while someone types. The same search as the search page (folded, by the
 * start of words, never deactivated people, only tags the asker may read
 * under), cut short: it answers at every pause in typing. A session's
 * JSON; a GET changes nothing, so it needs no CSRF token.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define SUGGEST_LIMIT	 8	/* what a list under a text box can show */

/* The people matching q, as the picker shows them. */
static json_t *
suggest_people(struct req *r, const char *q, int limit)
{
	struct idlist	 ids = { NULL, 0, 0 };
	json_t		*arr = json_array(), *a;
	struct user	*u;
	struct ectx	 e;
	size_t		 i;

	if (search_accounts(req_db(r), r->arena, q, limit, 0, &ids) != 0)
		return arr;
	req_ectx(r, &e);
	for (i = 0; i < ids.n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids.ids[i])) == NULL ||
		    u->disabled || (a = entity_account(&e, u)) == NULL)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:O, s:O, s:O, "
		    "s:s, s:s}", "username", u->username, "acct",
		    json_object_get(a, "acct"), "display_name",
		    json_object_get(a, "display_name"), "avatar",
		    json_object_get(a, "avatar"), "title", u->job_title ?
		    u->job_title : "", "path", arena_printf(r->arena, "/@%s",
		    u->username)));
		json_decref(a);
	}
	ectx_free(&e);
	return arr;
}

/* GET /suggest?q=&limit= */
enum handled
web_suggest(struct req *r)
{
	const char	*q = req_param(r, "q"), *l = req_param(r, "limit");
	json_t		*out, *tags = json_array();
	int		 limit = SUGGEST_LIMIT;

	if (l != NULL && (limit = atoi(l)) <= 0)
		limit = SUGGEST_LIMIT;
	if (limit > SUGGEST_LIMIT)
		limit = SUGGEST_LIMIT;
	if (q == NULL || *q == '\0') {
		req_error(r, 400, "q is required.");
		json_decref(tags);
		return HANDLED;
	}
	q = search_query(r->arena, q);
	out = json_object();
	if (*q != '#')
		json_object_set_new(out, "people", suggest_people(r, q, limit));
	else
		json_object_set_new(out, "people", json_array());
	if (*q != '@' && search_tags(req_db(r), r->arena, r->user->id, q,
	    limit, 0, tags) != 0)
		json_array_clear(tags);
	json_object_set_new(out, "tags", tags);
	req_json(r, 200, out);
	return HANDLED;
}
