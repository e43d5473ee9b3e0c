/*
 * freeze.c: JSON values shared read-only by every thread for the life of
 * the process (a page's words in each language, the composer's menus).
 * jansson's reference counts are atomic, but json_incref first reads the
 * count without an atomic load (to skip its own static true, false and
 * null, whose count is -1): a value whose count other threads move is a
 * data race by the letter, and ThreadSanitizer says so. A frozen value
 * carries that same -1, in it and everything it holds, so nothing ever
 * writes its count again: setting it in a view neither counts nor frees
 * it. It lives until exit, reachable from its owner's pointer.
 */
#include <jansson.h>

#include "lib.h"

/* Freeze v and all it holds; v, for chaining. Only before it is shared. */
json_t *
json_freeze(json_t *v)
{
	const char	*k;
	json_t		*x;
	size_t		 i;

	if (v == NULL)
		return NULL;
	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
			json_freeze(x);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			json_freeze(x);
	}
	v->refcount = (size_t)-1;
	return v;
}
