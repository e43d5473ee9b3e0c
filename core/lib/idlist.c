/*
 * idlist.c: growable lists of ids in a request's arena, the currency between
 * the domain layer (which decides which rows a person sees) and the handlers
 * (which turn them into entities).
 */
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
