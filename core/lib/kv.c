/*
 * kv.c: ordered key/value lists in a request's arena, for query strings,
 * form bodies and cookies. Lists are short, so lookup is a linear scan.
 */
#include <string.h>

#include "lib.h"

/* First value for a key, or NULL. */
const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	}
	return NULL;
}

/* Append a pair; key and value must live as long as the arena. */
void
kv_add(struct arena *a, struct kvlist *l, const char *key, const char *value)
{
	struct kv	*nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		nv = arena_alloc(a, l->cap * sizeof *nv);
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof *nv);
		l->v = nv;
	}
	l->v[l->n].key = key;
	l->v[l->n].value = value;
	l->n++;
}
