/*
 * notify-group.c: which notifications group together, the rule the web's
 * notifications page and Mastodon's grouped notifications (/api/v2) share.
 * The same kind about the same post (for follows, about nothing) on the
 * same day, UTC, is one group: "Grace, Ahmed and 3 others favourited your
 * post". Mastodon keys a group by "<type>-<status>-<bucket>"; hearth's key
 * has that shape with a day for the bucket, so it is worked out from the
 * notification itself and needs no column. Any other notification stands
 * alone, keyed "ungrouped-<id>" as on Mastodon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

/* The kinds that group; a new kind that groups is one more row. */
static const struct notify_grouping notify_groupings[] = {
	{ "favourite",	1 },
	{ "reblog",	1 },
	{ "reaction",	1 },
	{ NOTIFY_REACTION, 1 },	/* the web also by emoji */
	{ "follow",	0 },
};

/* How type groups, or NULL if each stands alone. */
const struct notify_grouping *
notify_grouping(const char *type)
{
	size_t	i;

	for (i = 0; i < nitems(notify_groupings); i++) {
		if (strcmp(notify_groupings[i].type, type) == 0)
			return &notify_groupings[i];
	}
	return NULL;
}

/* One notification's row (id, type, who, post, when); -1 if it is gone. */
int
notify_row(struct db *db, struct arena *a, int64_t id, struct notify_item *n)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	st = db_prepare(db, "SELECT type, from_id, coalesce(post_id, 0), "
	    "created_at FROM notifications WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n->id = id;
		n->type = arena_strdup(a, (const char *)sqlite3_column_text(st,
		    0));
		n->from = sqlite3_column_int64(st, 1);
		n->post = sqlite3_column_int64(st, 2);
		n->created_at = sqlite3_column_int64(st, 3);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * A notification's group key. grouped (if any) narrows the kinds that
 * group (Mastodon's grouped_types[]); the others stand alone.
 */
const char *
notify_group_key(struct arena *a, const struct notify_item *n,
    const char **grouped, size_t ngrouped)
{
	const struct notify_grouping *g = notify_grouping(n->type);
	size_t	i;

	for (i = 0; g != NULL && i < ngrouped; i++) {
		if (strcmp(grouped[i], n->type) == 0)
			break;
	}
	if (g == NULL || (ngrouped > 0 && i == ngrouped))
		return arena_printf(a, "ungrouped-%lld", (long long)n->id);
	if (g->by_post)
		return arena_printf(a, "%s-%lld-%lld", n->type,
		    (long long)n->post, (long long)(n->created_at /
		    NOTIFY_GROUP_SPAN));
	return arena_printf(a, "%s-%lld", n->type,
	    (long long)(n->created_at / NOTIFY_GROUP_SPAN));
}

/*
 * A person's notifications in the group key, newest first, at most
 * max_id (0: any) and at most limit of them (0: all), leaving out those
 * about posts they can no longer read. E_NOTFOUND for a key that is no
 * group's.
 */
int
notify_group_list(struct db *db, struct arena *a, int64_t user,
    const char *key, int64_t max_id, size_t limit, struct idlist *out)
{
	sqlite3_stmt	*st;
	char		 type[64];
	long long	 x = 0, y = 0;
	int64_t		 post = 0, day;
	const struct notify_grouping *g;
	int		 k = 0, rc;

	if (sscanf(key, "ungrouped-%lld%n", &x, &k) == 1 &&
	    key[k] == '\0') {
		st = db_prepare(db, "SELECT n.id FROM notifications n LEFT JOIN "
		    "posts p ON p.id = n.post_id LEFT JOIN groups g ON g.id = "
		    "n.group_id WHERE n.id = :id AND n.user_id = :viewer AND "
		    "(n.post_id IS NULL OR " SQL_POST_VISIBLE("p") ") AND "
		    "(n.group_id IS NULL OR " SQL_GROUP_READABLE("g") ")");
		if (st == NULL)
			return E_INTERNAL;
		access_bind_viewer(st, user);
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"),
		    x);
		rc = idlist_from_stmt(a, st, out, NULL);
		return rc != 0 ? E_INTERNAL : out->n > 0 ? E_OK : E_NOTFOUND;
	}
	/* <type>-<post>-<day> or <type>-<day>; a type has no digits or '-' */
	k = 0;
	if (sscanf(key, "%63[a-z_.]-%lld-%lld%n", type, &x, &y, &k) == 3 &&
	    key[k] == '\0') {
		post = x;
		day = y;
	} else if (k = 0, sscanf(key, "%63[a-z_.]-%lld%n", type, &x, &k) ==
	    2 && key[k] == '\0') {
		day = x;
	} else
		return E_NOTFOUND;
	if ((g = notify_grouping(type)) == NULL || (g->by_post != 0) !=
	    (post != 0))
		return E_NOTFOUND;
	st = db_prepare(db, "SELECT n.id FROM notifications n LEFT JOIN posts "
	    "p ON p.id = n.post_id LEFT JOIN groups g ON g.id = n.group_id "
	    "WHERE n.user_id = :viewer AND n.type = :type AND "
	    "coalesce(n.post_id, 0) = :post AND n.created_at >= :from AND "
	    "n.created_at < :to AND n.id <= :max AND "
	    "(n.post_id IS NULL OR " SQL_POST_VISIBLE("p") ") AND "
	    "(n.group_id IS NULL OR " SQL_GROUP_READABLE("g") ") "
	    "ORDER BY n.id DESC LIMIT :limit");
	if (st == NULL)
		return E_INTERNAL;
	access_bind_viewer(st, user);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":type"), type,
	    -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":post"),
	    post);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":from"),
	    day * NOTIFY_GROUP_SPAN);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":to"),
	    (day + 1) * NOTIFY_GROUP_SPAN);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":max"),
	    max_id > 0 ? max_id : INT64_MAX);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
	    limit > 0 ? (int64_t)limit : -1);
	rc = idlist_from_stmt(a, st, out, NULL);
	if (rc != 0)
		return E_INTERNAL;
	return out->n > 0 ? E_OK : E_NOTFOUND;
}

/* Dismiss a person's notifications in the group key. */
int
notify_group_dismiss(struct db *db, int64_t user, const char *key)
{
	struct arena	*a = arena_new();
	struct idlist	 ids = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	rc = notify_group_list(db, a, user, key, 0, 0, &ids);
	for (i = 0; rc == E_OK && i < ids.n; i++)
		rc = notify_dismiss(db, user, ids.ids[i]);
	arena_free(a);
	return rc;
}
