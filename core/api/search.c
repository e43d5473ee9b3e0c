/*
 * search.c: Mastodon's /api/v2/search over people, hashtags and posts.
 * search.c turns the words into a safe full-text query (no FTS5 syntax from
 * the user ever reaches SQLite) and applies the visibility rule, so a search
 * finds only what the caller could read anyway.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "handlers.h"

#define SEARCH_ACCOUNTS	0x1
#define SEARCH_HASHTAGS	0x2
#define SEARCH_STATUSES	0x4
#define SEARCH_ALL	(SEARCH_ACCOUNTS | SEARCH_HASHTAGS | SEARCH_STATUSES)

static void	api_search_again(struct req *);

/*
 * GET /api/v2/search: q; type (accounts, hashtags or statuses, else all);
 * limit, offset; following (accounts the caller follows); account_id
 * (statuses by one person); max_id and min_id (bounds on statuses).
 * resolve=true with "@name@host" or a profile's URL lets a module (the
 * bridge) look the account up outside first; a known outside account
 * named exactly comes first among the accounts.
 */
enum handled
api_search(struct req *r)
{
	struct idlist	 accounts = { NULL, 0, 0 }, statuses = { NULL, 0, 0 };
	struct idlist	 found = { NULL, 0, 0 };
	struct user	*u;
	struct page	 p;
	struct ectx	 e;
	const char	*q = req_param(r, "q"), *type = req_param(r, "type");
	const char	*acct = req_param(r, "account_id");
	json_t		*tags = json_array(), *hashtags, *t;
	struct evbuffer	*b;
	int64_t		 author = 0;
	int		 what = SEARCH_ALL, offset;
	size_t		 i;

	if (q == NULL || *q == '\0') {
		json_decref(tags);
		req_error(r, 400, "Missing required parameter: q");
		return HANDLED;
	}
	if (page_parse(r, &p, 20, 40) != 0 ||
	    (offset = page_offset(r, 10000)) < 0) {
		json_decref(tags);
		return HANDLED;
	}
	if (acct != NULL && *acct != '\0' &&
	    (author = req_id(r, "account_id")) == 0) {
		json_decref(tags);
		req_error(r, 400, "account_id must be an account id");
		return HANDLED;
	}
	/* In search, min_id is a bound like since_id, not a page above it. */
	if (p.min_id > p.since_id)
		p.since_id = p.min_id;
	p.min_id = 0;
	if ((type == NULL || strcmp(type, "accounts") == 0) && offset == 0 &&
	    search_names_outside(q)) {
		if (req_bool(r, "resolve") && req_resolve(r, q,
		    api_search_again)) {
			json_decref(tags);	/* the search again makes its own */
			return HANDLED_ASYNC;
		}
		if ((u = user_get_outside(req_db(r), r->arena, q)) != NULL)
			idlist_add(r->arena, &accounts, u->id);
	}
	q = search_query(r->arena, q);
	if (type != NULL && strcmp(type, "accounts") == 0)
		what = SEARCH_ACCOUNTS;
	else if (type != NULL && strcmp(type, "hashtags") == 0)
		what = SEARCH_HASHTAGS;
	else if (type != NULL && strcmp(type, "statuses") == 0)
		what = SEARCH_STATUSES;

	if ((what & SEARCH_ACCOUNTS) && (req_bool(r, "following") ?
	    search_accounts_followed(req_db(r), r->arena, r->user->id, q,
	    p.limit, offset, &found) : search_accounts(req_db(r), r->arena,
	    q, p.limit, offset, &found)) != 0)
		goto fail;
	for (i = 0; i < found.n && accounts.n < (size_t)p.limit; i++)
		if (accounts.n == 0 || found.ids[i] != accounts.ids[0])
			idlist_add(r->arena, &accounts, found.ids[i]);
	if ((what & SEARCH_HASHTAGS) && search_tags(req_db(r), r->arena,
	    r->user->id, q, p.limit, offset, tags) != 0)
		goto fail;
	if ((what & SEARCH_STATUSES) && search_posts_by(req_db(r), r->arena,
	    r->user->id, author, q, &p, offset, &statuses) != 0)
		goto fail;

	req_ectx(r, &e);
	hashtags = json_array();
	json_array_foreach(tags, i, t)
		json_array_append_new(hashtags, entity_tag(&e,
		    json_string_value(t)));
	json_decref(tags);
	/* Written by hand around the cached statuses writer. */
	b = evbuffer_new();
	evbuffer_add_printf(b, "{\"accounts\":");
	t = entity_accounts(&e, &accounts);
	jsonw_value(b, t);
	json_decref(t);
	evbuffer_add_printf(b, ",\"statuses\":");
	entity_statuses_write(&e, &statuses, b);
	evbuffer_add_printf(b, ",\"hashtags\":");
	jsonw_value(b, hashtags);
	json_decref(hashtags);
	evbuffer_add_printf(b, "}");
	req_json_buffer(r, 200, b);
	evbuffer_free(b);
	ectx_free(&e);
	return HANDLED;
fail:
	json_decref(tags);
	req_error(r, 500, "Internal error");
	return HANDLED;
}

/* The lookup outside is done: search again (the module will not look a
 * second time: req_resolve asks once per request). */
static void
api_search_again(struct req *r)
{
	(void)api_search(r);
}
