/*
 * idlist.c: growable lists of ids in a request's arena, the currency between
 * the domain layer (which decides which rows a person sees) and the handlers
 * (which turn them into entities).
 */
#include <stdlib.h>
#include <string.h>

#include "lib.h"

/* Append an id. */
void
idlist_add(struct arena *a, struct idlist *l, int64_t id)
{
	int64_t	*nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		nv = arena_alloc(a, l->cap * sizeof *nv);
		if (l->n)
			memcpy(nv, l->ids, l->n * sizeof *nv);
		l->ids = nv;
	}
	l->ids[l->n++] = id;
}

/* Whether a list holds an id (lists are short; a scan is fine). */
int
idlist_has(const struct idlist *l, int64_t id)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (l->ids[i] == id)
			return 1;
	}
	return 0;
}

static int
ids_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort ids ascending and drop repeats: how many are left. With
 * ids_find, a set that answers "is this one in it" in log n. */
size_t
ids_sort_unique(int64_t *ids, size_t n)
{
	size_t	i, k;

	if (n < 2)
		return n;
	qsort(ids, n, sizeof *ids, ids_cmp);
	for (i = 1, k = 1; i < n; i++) {
		if (ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	}
	return k;
}

/* Whether sorted ids (ids_sort_unique) hold id. */
int
ids_find(const int64_t *ids, size_t n, int64_t id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return 1;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
