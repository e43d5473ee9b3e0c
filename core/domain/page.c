/*
 * page.c: Mastodon's keyset pagination, as the domain's queries take it: a
 * struct page (max_id, since_id, min_id, limit) bound into statements, and
 * a page read oldest first put newest first. Reading one from a request
 * and answering with its Link header is the HTTP layer's (paging.c).
 */
#include "domain.h"

/* Bind :max_id, :since_id, :min_id and :limit where the statement has them. */
int
page_bind(sqlite3_stmt *st, const struct page *p)
{
	int	i;

	if ((i = sqlite3_bind_parameter_index(st, ":max_id")) > 0)
		sqlite3_bind_int64(st, i, p->max_id > 0 ? p->max_id : INT64_MAX);
	if ((i = sqlite3_bind_parameter_index(st, ":since_id")) > 0)
		sqlite3_bind_int64(st, i, p->since_id);
	if ((i = sqlite3_bind_parameter_index(st, ":min_id")) > 0)
		sqlite3_bind_int64(st, i, p->min_id);
	if ((i = sqlite3_bind_parameter_index(st, ":limit")) > 0)
		sqlite3_bind_int(st, i, p->limit);
	return 0;
}

/* Reverse a list in place. */
static void
reverse(struct idlist *l)
{
	size_t	i;
	int64_t	t;

	for (i = 0; l != NULL && i < l->n / 2; i++) {
		t = l->ids[i];
		l->ids[i] = l->ids[l->n - 1 - i];
		l->ids[l->n - 1 - i] = t;
	}
}

/*
 * Read one page of a paged query (PAGE_SQL: newest first, or oldest first
 * above min_id) with args bound: column 0 into ids, and column 1 into
 * cursors if not NULL, newest first. E_OK or E_INTERNAL.
 */
int
page_select(struct db *db, struct arena *a, const char *const sql[2],
    const struct page *p, const struct sqlarg *args, size_t nargs,
    struct idlist *ids, struct idlist *cursors)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, sql[p->min_id > 0])) == NULL)
		return E_INTERNAL;
	db_bind(st, args, nargs);
	page_bind(st, p);
	if (idlist_from_stmt(a, st, ids, cursors) != 0)
		return E_INTERNAL;
	page_finish(a, p, ids, cursors);
	return E_OK;
}

/* A min_id page was read oldest first; put it newest first. */
void
page_finish(struct arena *a, const struct page *p, struct idlist *ids,
    struct idlist *cursors)
{
	(void)a;
	if (p->min_id > 0) {
		reverse(ids);
		reverse(cursors);
	}
}
