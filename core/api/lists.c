/*
 * lists.c: Mastodon's lists API. A person makes, renames and deletes their
 * lists, and adds and removes people they follow; nobody reads another's
 * list (it is not found). The list's timeline is in timelines.c, its
 * stream in streaming.c; the rules are list.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

/* The List entity. */
static json_t *
list_entity(struct req *r, const struct list *l)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "id", arena_printf(r->arena,
	    "%lld", (long long)l->id), "title", l->title, "replies_policy",
	    list_policy_name(l->replies_policy), "exclusive", l->exclusive);
}

/* Answer with the person's list id, or 404. */
static void
list_answer(struct req *r, int64_t id)
{
	struct list	*l = list_get(req_db(r), r->arena, r->user->id, id);

	if (l == NULL)
		req_error(r, 404, "Record not found");
	else
		req_json(r, 200, list_entity(r, l));
}

/* After a create or an update: the List. */
static void
list_reply(struct req *r, void *arg)
{
	struct list_edit	*e = arg;

	list_answer(r, e->id);
}

/* After a delete or a change of members: {}, as Mastodon answers. */
static void
list_empty_reply(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* Answer an array of lists. */
static void
lists_answer(struct req *r, int64_t account)
{
	struct list	*l;
	json_t		*arr;
	size_t		 i, n;

	if (list_all(req_db(r), r->arena, r->user->id, account, &l, &n) !=
	    E_OK) {
		req_error(r, 500, "Internal error");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, list_entity(r, &l[i]));
	req_json(r, 200, arr);
}

/* GET /api/v1/lists */
enum handled
api_lists(struct req *r)
{
	lists_answer(r, 0);
	return HANDLED;
}

/* GET /api/v1/accounts/:id/lists: the person's lists holding someone. */
enum handled
api_account_lists(struct req *r)
{
	lists_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* GET /api/v1/lists/:id */
enum handled
api_list_get(struct req *r)
{
	list_answer(r, req_id(r, ":0"));
	return HANDLED;
}

/* A boolean parameter as Rails reads one ("true", "1", "on"...). */
static int
param_true(const char *v)
{
	return v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") ==
	    0 || strcasecmp(v, "on") == 0 || strcasecmp(v, "t") == 0);
}

/* Read title, replies_policy and exclusive into e (what is not sent stays
 * as e holds it). 0, or -1 after answering 422. */
static int
list_params(struct req *r, struct list_edit *e)
{
	const char	*v;
	int		 policy;

	if ((v = req_param(r, "title")) != NULL)
		e->title = v;
	if ((v = req_param(r, "replies_policy")) != NULL) {
		if ((policy = list_policy_named(v)) < 0) {
			req_error(r, 422, "Validation failed: Replies policy "
			    "is not included in the list (followed, list, "
			    "none)");
			return -1;
		}
		e->replies_policy = policy;
	}
	if ((v = req_param(r, "exclusive")) != NULL)
		e->exclusive = param_true(v);
	return 0;
}

/* POST /api/v1/lists */
enum handled
api_list_create(struct req *r)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->replies_policy = LIST_REPLIES_LIST;
	if (list_params(r, e) != 0)
		return HANDLED;
	return req_command(r, list_create_cmd, list_reply, e);
}

/* PUT /api/v1/lists/:id */
enum handled
api_list_update(struct req *r)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);
	struct list		*l;

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->id = req_id(r, ":0");
	if ((l = list_get(req_db(r), r->arena, e->user_id, e->id)) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	e->title = l->title;
	e->replies_policy = l->replies_policy;
	e->exclusive = l->exclusive;
	if (list_params(r, e) != 0)
		return HANDLED;
	return req_command(r, list_update_cmd, list_reply, e);
}

/* DELETE /api/v1/lists/:id */
enum handled
api_list_delete(struct req *r)
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->id = req_id(r, ":0");
	return req_command(r, list_delete_cmd, list_empty_reply, e);
}

/* Add an id (a decimal string) to e's accounts; -1 if it is none. */
static int
add_id(struct req *r, struct list_edit *e, const char *v)
{
	char	*end;
	long long id;

	if (v == NULL || *v == '\0')
		return -1;
	id = strtoll(v, &end, 10);
	if (*end != '\0' || id <= 0)
		return -1;
	e->accounts[e->naccounts++] = id;
	return 0;
}

/*
 * account_ids, as a form ("account_ids[]=1&account_ids[]=2"), a query (a
 * DELETE's) or a JSON array. 0, or -1 after answering.
 */
static int
list_account_ids(struct req *r, struct list_edit *e)
{
	const struct kvlist *sets[] = { &r->form, &r->query };
	json_t		*arr, *v;
	const char	*k;
	size_t		 i, s;

	e->accounts = arena_alloc(r->arena, LIST_ACCOUNTS_MAX *
	    sizeof *e->accounts);
	for (s = 0; s < nitems(sets); s++) {
		for (i = 0; i < sets[s]->n; i++) {
			k = sets[s]->v[i].key;
			if (strcmp(k, "account_ids[]") != 0 &&
			    strcmp(k, "account_ids") != 0)
				continue;
			if (e->naccounts == LIST_ACCOUNTS_MAX)
				goto many;
			if (add_id(r, e, sets[s]->v[i].value) != 0)
				goto bad;
		}
	}
	if (r->body != NULL &&
	    (arr = json_object_get(r->body, "account_ids")) != NULL) {
		json_array_foreach(arr, i, v) {
			if (e->naccounts == LIST_ACCOUNTS_MAX)
				goto many;
			if (add_id(r, e, json_is_string(v) ?
			    json_string_value(v) : json_is_integer(v) ?
			    arena_printf(r->arena, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v)) : NULL) != 0)
				goto bad;
		}
	}
	return 0;
many:
	req_error(r, 422, arena_printf(r->arena, "Validation failed: at most "
	    "%d account_ids at once", LIST_ACCOUNTS_MAX));
	return -1;
bad:
	req_error(r, 404, "Record not found");
	return -1;
}

/* POST or DELETE /api/v1/lists/:id/accounts. */
static enum handled
list_members_change(struct req *r, int (*cmd)(struct db *, void *, char **))
{
	struct list_edit	*e = arena_alloc(r->arena, sizeof *e);
	struct user		*u;
	size_t			 i;

	memset(e, 0, sizeof *e);
	e->user_id = r->user->id;
	e->id = req_id(r, ":0");
	if (list_get(req_db(r), r->arena, e->user_id, e->id) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	if (list_account_ids(r, e) != 0)
		return HANDLED;
	for (i = 0; i < e->naccounts; i++) {
		u = user_get(req_db(r), r->arena, e->accounts[i]);
		if (u == NULL || u->disabled) {
			req_error(r, 404, "Record not found");
			return HANDLED;
		}
	}
	return req_command(r, cmd, list_empty_reply, e);
}

/* POST /api/v1/lists/:id/accounts: only people the person follows. */
enum handled
api_list_accounts_add(struct req *r)
{
	return list_members_change(r, list_add_cmd);
}

/* DELETE /api/v1/lists/:id/accounts */
enum handled
api_list_accounts_remove(struct req *r)
{
	return list_members_change(r, list_remove_cmd);
}

/* Forget a limit of 0 (every member), which page_parse would refuse. */
static void
limit_unset(struct req *r)
{
	struct kvlist	*sets[] = { &r->form, &r->query };
	size_t		 i, s;

	for (s = 0; s < nitems(sets); s++) {
		for (i = 0; i < sets[s]->n; i++) {
			if (strcmp(sets[s]->v[i].key, "limit") == 0)
				sets[s]->v[i].value = "";
		}
	}
	if (r->body != NULL)
		json_object_del(r->body, "limit");
}

/* GET /api/v1/lists/:id/accounts: paged by account id, 40 at a time (at
 * most 80); limit=0 is every member, as on Mastodon. */
enum handled
api_list_accounts(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	const char	*limit = req_param(r, "limit");
	int		 all = limit != NULL && strcmp(limit, "0") == 0, rc;

	if (all)
		limit_unset(r);
	if (page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	if (all)
		p.limit = LIST_MEMBERS_ALL;
	if ((rc = list_members(req_db(r), r->arena, r->user->id,
	    req_id(r, ":0"), &p, &ids)) != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	if (!all)
		page_link(r, &p, &ids);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}
