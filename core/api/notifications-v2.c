/*
 * notifications-v2.c: Mastodon 4.3's grouped notifications. A page is up
 * to limit groups, newest first, read from the person's notifications as
 * /api/v1 lists them (types, exclude_types, paging), each notification
 * keyed by the domain's grouping rule (notify-group.c). As on Mastodon
 * (NotificationGroup.from_notifications), a group's count and sample of
 * accounts cover its notifications up to the page's newest, and
 * page_min_id / page_max_id its notifications within the page, so a group
 * that goes on past the page's end shows again on the next, with the same
 * key for apps to merge. Accounts and statuses come once, beside the
 * groups.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

#define TYPES_MAX	32
#define SAMPLE_ACCOUNTS	8	/* Mastodon's SAMPLE_ACCOUNTS_SIZE */
#define SCAN_FACTOR	8	/* notifications read per group asked for */

/* One group of a page while it is built. */
struct ngroup {
	const char	*key;
	struct notify_item top;		/* its newest in the page */
	int64_t		 page_min;	/* its oldest in the page */
};

/* A page's request: the filters of the query. */
struct nquery {
	const char	*types[TYPES_MAX], *exclude[TYPES_MAX];
	const char	*grouped[TYPES_MAX];
	size_t		 ntypes, nexclude, ngrouped;
};

/* The values of a repeated query key, with or without "[]". */
static size_t
query_list(struct req *r, const char *name, const char **out, size_t max)
{
	size_t	 i, n = 0, len = strlen(name);
	const char *k;

	for (i = 0; i < r->query.n && n < max; i++) {
		k = r->query.v[i].key;
		if (strncmp(k, name, len) != 0 ||
		    (k[len] != '\0' && strcmp(k + len, "[]") != 0))
			continue;
		if (*r->query.v[i].value != '\0')
			out[n++] = r->query.v[i].value;
	}
	return n;
}

/* Read the filters. */
static void
nquery_parse(struct req *r, struct nquery *q)
{
	q->ntypes = query_list(r, "types", q->types, TYPES_MAX);
	q->nexclude = query_list(r, "exclude_types", q->exclude, TYPES_MAX);
	q->ngrouped = query_list(r, "grouped_types", q->grouped, TYPES_MAX);
}

/* Add id to an array of ids (as strings) unless it is there. */
static void
ids_add(json_t *arr, int64_t id)
{
	size_t	 i;
	json_t	*v, *s = entity_id(id);

	json_array_foreach(arr, i, v) {
		if (json_equal(v, s)) {
			json_decref(s);
			return;
		}
	}
	json_array_append_new(arr, s);
}

/*
 * The NotificationGroup entity for g, its count and sample up to upto
 * (the page's newest); the accounts and statuses it names go into
 * accounts and statuses (ids, each once). NULL if it is gone.
 */
static json_t *
group_entity(struct req *r, const struct ngroup *g, int64_t upto,
    json_t *account_ids, json_t *status_ids)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct notify_item it;
	json_t		*sample = json_array(), *out;
	size_t		 i;

	if (notify_group_list(req_db(r), r->arena, r->user->id, g->key, upto,
	    0, &ids) != E_OK) {
		json_decref(sample);
		return NULL;
	}
	for (i = 0; i < ids.n && json_array_size(sample) < SAMPLE_ACCOUNTS;
	    i++) {
		if (notify_row(req_db(r), r->arena, ids.ids[i], &it) == 0)
			ids_add(sample, it.from);
	}
	json_array_foreach(sample, i, out)
		ids_add(account_ids, id_parse(json_string_value(out)));
	out = json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "group_key", g->key,
	    "notifications_count", (json_int_t)ids.n,
	    "type", g->top.type,
	    "most_recent_notification_id", arena_printf(r->arena, "%lld",
	    (long long)g->top.id),
	    "page_min_id", entity_id(g->page_min),
	    "page_max_id", entity_id(g->top.id),
	    "latest_page_notification_at", entity_time(g->top.created_at),
	    "sample_account_ids", sample);
	if (g->top.post != 0) {
		json_object_set_new(out, "status_id", entity_id(g->top.post));
		ids_add(status_ids, g->top.post);
	} else
		json_object_set_new(out, "status_id", json_null());
	return out;
}

/* Whether the query's filters keep a notification of type. */
static int
nquery_keeps(const struct nquery *q, const char *type)
{
	size_t	i;
	int	in = q->ntypes == 0;

	for (i = 0; i < q->ntypes; i++)
		in |= strcmp(q->types[i], type) == 0;
	for (i = 0; i < q->nexclude; i++)
		in &= strcmp(q->exclude[i], type) != 0;
	return in;
}

/*
 * The response's body: {accounts, statuses, notification_groups} for the
 * groups, with the accounts in full unless expand_accounts is
 * "partial_avatars" (then partial_accounts, Mastodon's shape trimmed).
 */
static json_t *
groups_body(struct req *r, json_t *groups, json_t *account_ids,
    json_t *status_ids)
{
	struct ectx	 e;
	json_t		*accounts = json_array(), *statuses = json_array(), *v;
	json_t		*a, *body;
	const char	*expand = req_param(r, "expand_accounts");
	int		 partial = expand != NULL &&
			    strcmp(expand, "partial_avatars") == 0;
	size_t		 i;

	req_ectx(r, &e);
	json_array_foreach(account_ids, i, v) {
		if ((a = entity_account_id(&e, id_parse(json_string_value(v))))
		    == NULL)
			continue;
		if (partial) {
			json_t	*pa = json_object();

			json_object_set(pa, "id", json_object_get(a, "id"));
			json_object_set(pa, "acct", json_object_get(a, "acct"));
			json_object_set(pa, "url", json_object_get(a, "url"));
			json_object_set(pa, "avatar", json_object_get(a,
			    "avatar"));
			json_object_set(pa, "avatar_static", json_object_get(a,
			    "avatar_static"));
			json_object_set(pa, "locked", json_object_get(a,
			    "locked"));
			json_object_set(pa, "bot", json_object_get(a, "bot"));
			json_decref(a);
			a = pa;
		}
		json_array_append_new(accounts, a);
	}
	json_array_foreach(status_ids, i, v) {
		if ((a = entity_status_id(&e, id_parse(json_string_value(v))))
		    != NULL)
			json_array_append_new(statuses, a);
	}
	ectx_free(&e);
	body = json_pack("{s:o, s:o, s:o}", partial ? "partial_accounts" :
	    "accounts", accounts, "statuses", statuses,
	    "notification_groups", groups);
	if (partial)
		json_object_set_new(body, "accounts", json_array());
	return body;
}

/*
 * Read a page of groups into g (room for limit), newest first; *lo and *hi
 * the oldest and newest notification the page took. The number of groups.
 */
static size_t
groups_read(struct req *r, const struct page *p, struct nquery *q,
    int64_t account, struct ngroup *g, size_t limit, int64_t *lo,
    int64_t *hi)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 scan = *p;
	struct notify_item it;
	const char	*key;
	size_t		 i, k, n = 0, step;
	int		 up = p->min_id > 0;

	*lo = *hi = 0;
	scan.limit = (int)limit * SCAN_FACTOR;
	if (notify_list(req_db(r), r->arena, r->user->id, &scan, q->types,
	    q->ntypes, q->exclude, q->nexclude, &ids) != 0)
		return 0;
	/* newest first; paging up (min_id) takes the groups nearest it */
	for (step = 0; step < ids.n; step++) {
		i = up ? ids.n - 1 - step : step;
		if (notify_row(req_db(r), r->arena, ids.ids[i], &it) != 0 ||
		    !nquery_keeps(q, it.type) ||
		    (account > 0 && it.from != account))
			continue;
		key = notify_group_key(r->arena, &it, q->grouped, q->ngrouped);
		for (k = 0; k < n; k++) {
			if (strcmp(g[k].key, key) == 0)
				break;
		}
		if (k == n) {
			if (n == limit)
				break;
			g[n].key = key;
			g[n].top = it;
			g[n].page_min = it.id;
			n++;
		} else if (up) {
			g[k].top = it;
		} else
			g[k].page_min = it.id;
		if (*lo == 0 || it.id < *lo)
			*lo = it.id;
		if (it.id > *hi)
			*hi = it.id;
	}
	if (up) {	/* newest first, as always */
		for (k = 0; k < n / 2; k++) {
			struct ngroup	t = g[k];

			g[k] = g[n - 1 - k];
			g[n - 1 - k] = t;
		}
	}
	return n;
}

/* GET /api/v2/notifications */
enum handled
api_notifications_v2(struct req *r)
{
	struct nquery	*q = arena_alloc(r->arena, sizeof *q);
	struct ngroup	*g;
	struct idlist	 cursors = { NULL, 0, 0 };
	struct page	 p;
	json_t		*groups = json_array(), *accts = json_array();
	json_t		*stats = json_array(), *one;
	int64_t		 lo, hi;
	size_t		 i, n;

	if (page_parse(r, &p, 40, 80) != 0) {
		json_decref(groups);
		json_decref(accts);
		json_decref(stats);
		return HANDLED;
	}
	memset(q, 0, sizeof *q);
	nquery_parse(r, q);
	g = arena_alloc(r->arena, (size_t)p.limit * sizeof *g);
	n = groups_read(r, &p, q, req_id(r, "account_id"), g,
	    (size_t)p.limit, &lo, &hi);
	for (i = 0; i < n; i++) {
		if ((one = group_entity(r, &g[i], hi, accts, stats)) != NULL)
			json_array_append_new(groups, one);
	}
	if (n > 0) {
		idlist_add(r->arena, &cursors, hi);
		idlist_add(r->arena, &cursors, lo);
		page_link(r, &p, &cursors);
	}
	req_json(r, 200, groups_body(r, groups, accts, stats));
	json_decref(accts);
	json_decref(stats);
	return HANDLED;
}

/* The group named in the path as an ngroup; -1 after answering 404. */
static int
group_of_path(struct req *r, struct ngroup *g, struct idlist *ids)
{
	const char	*key = r->params[0];

	if (key == NULL || notify_group_list(req_db(r), r->arena, r->user->id,
	    key, 0, 0, ids) != E_OK || notify_row(req_db(r), r->arena,
	    ids->ids[0], &g->top) != 0) {
		req_error(r, 404, "Record not found");
		return -1;
	}
	g->key = key;
	g->page_min = ids->ids[ids->n - 1];
	return 0;
}

/* GET /api/v2/notifications/:group_key */
enum handled
api_notification_group(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct ngroup	 g;
	json_t		*accts, *stats, *one;

	if (group_of_path(r, &g, &ids) != 0)
		return HANDLED;
	accts = json_array();
	stats = json_array();
	if ((one = group_entity(r, &g, 0, accts, stats)) == NULL) {
		req_error(r, 404, "Record not found");
	} else
		req_json(r, 200, groups_body(r, json_pack("[o]", one), accts,
		    stats));
	json_decref(accts);
	json_decref(stats);
	return HANDLED;
}

/* On the writer: dismiss a group. */
static int
group_dismiss_write(struct req *r, struct db *db, void *arg, char **cause)
{
	(void)cause;
	return notify_group_dismiss(db, r->user->id, arg);
}

/* After the dismissal: {}. */
static void
group_dismissed(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* POST /api/v2/notifications/:group_key/dismiss */
enum handled
api_notification_group_dismiss(struct req *r)
{
	const char	*key = r->params[0];

	if (key == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	return req_write(r, group_dismiss_write, group_dismissed,
	    arena_strdup(r->arena, key));
}

/* GET /api/v2/notifications/:group_key/accounts: everyone in the group,
 * newest first, each once. */
enum handled
api_notification_group_accounts(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct notify_item it;
	struct ngroup	 g;
	struct ectx	 e;
	json_t		*seen = json_array(), *arr = json_array(), *v, *a;
	size_t		 i;

	if (group_of_path(r, &g, &ids) != 0) {
		json_decref(seen);
		json_decref(arr);
		return HANDLED;
	}
	for (i = 0; i < ids.n; i++) {
		if (notify_row(req_db(r), r->arena, ids.ids[i], &it) == 0)
			ids_add(seen, it.from);
	}
	req_ectx(r, &e);
	json_array_foreach(seen, i, v) {
		if ((a = entity_account_id(&e, id_parse(json_string_value(v))))
		    != NULL)
			json_array_append_new(arr, a);
	}
	ectx_free(&e);
	json_decref(seen);
	req_json(r, 200, arr);
	return HANDLED;
}

/*
 * GET /api/v2/notifications/unread_count: the groups past the marker
 * (Mastodon's, at most limit: 100, up to 1000), with the filters of the
 * list.
 */
enum handled
api_notifications_v2_unread(struct req *r)
{
	struct nquery	*q = arena_alloc(r->arena, sizeof *q);
	struct ngroup	*g;
	struct page	 p;
	int64_t		 last = 0, version, updated, lo, hi;
	size_t		 n;

	if (page_parse(r, &p, 100, 1000) != 0)
		return HANDLED;
	memset(q, 0, sizeof *q);
	nquery_parse(r, q);
	marker_get(req_db(r), r->user->id, "notifications", &last, &version,
	    &updated);
	p.max_id = p.min_id = 0;
	p.since_id = last;
	g = arena_alloc(r->arena, (size_t)p.limit * sizeof *g);
	n = groups_read(r, &p, q, req_id(r, "account_id"), g, (size_t)p.limit,
	    &lo, &hi);
	req_json(r, 200, json_pack("{s:I}", "count", (json_int_t)n));
	return HANDLED;
}
