/*
 * suggestions.c: whom to follow (suggestion.c decides): Mastodon's v2
 * Suggestion entities, v1's bare Accounts, and dismissing one for good.
 */
#include "handlers.h"

/* Suggestions and their sources; limit 40, at most 80, as Mastodon. 0, or
 * -1 after answering. */
static int
suggestions_read(struct req *r, struct idlist *ids, struct idlist *sources)
{
	struct page	 p;

	if (page_parse(r, &p, 40, 80) != 0)
		return -1;
	if (suggestion_list(req_db(r), r->arena, r->user->id, p.limit, ids,
	    sources) != 0) {
		req_error(r, 500, "Internal error");
		return -1;
	}
	return 0;
}

/* GET /api/v2/suggestions: Suggestion entities. A colleague of one's
 * department is "featured" (the company's staff source), someone one's
 * follows follow "friends_of_friends" (global). */
enum handled
api_suggestions_v2(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, sources = { NULL, 0, 0 };
	struct ectx	 e;
	json_t		*arr, *account;
	size_t		 i;
	int		 dept;

	if (suggestions_read(r, &ids, &sources) != 0)
		return HANDLED;
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < ids.n; i++) {
		if ((account = entity_account_id(&e, ids.ids[i])) == NULL)
			continue;
		dept = sources.ids[i] == SUGGEST_DEPARTMENT;
		json_array_append_new(arr, json_pack("{s:s, s:[s], s:o}",
		    "source", dept ? "staff" : "global",
		    "sources", dept ? "featured" : "friends_of_friends",
		    "account", account));
	}
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/suggestions: the same people, as Accounts. */
enum handled
api_suggestions_v1(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, sources = { NULL, 0, 0 };
	struct ectx	 e;

	if (suggestions_read(r, &ids, &sources) != 0)
		return HANDLED;
	req_ectx(r, &e);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* After a dismissal: Mastodon answers an empty object. */
static void
dismissed(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* DELETE /api/v1/suggestions/:account_id: never suggest them again. */
enum handled
api_suggestion_dismiss(struct req *r)
{
	return req_toggle(r, suggestion_dismiss, req_id(r, ":0"), 1,
	    dismissed);
}
