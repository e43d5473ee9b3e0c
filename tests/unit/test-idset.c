/* Unit tests for idlist.c's sorted id sets (ids_sort_unique, ids_find):
 * the streams' recipient sets, which decide who hears of a post, so a
 * miss is a lost update and a false hit one to a stranger. */
#include <stdlib.h>

#include "hearth.h"
#include "tap.h"

/* Whether ids are strictly ascending. */
static int
ascending(const int64_t *ids, size_t n)
{
	size_t	i;

	for (i = 1; i < n; i++) {
		if (ids[i - 1] >= ids[i])
			return 0;
	}
	return 1;
}

int
main(void)
{
	int64_t	 none[1] = { 0 };
	int64_t	 one[1] = { 42 };
	int64_t	 some[] = { 9, 3, 7, 3, 1, 9, 9, -4, 7 };
	int64_t	*big;
	size_t	 n, i, k;
	int	 all = 1;

	is_int(ids_sort_unique(none, 0), 0, "an empty set stays empty");
	ok(!ids_find(none, 0, 0), "and holds nothing");
	is_int(ids_sort_unique(one, 1), 1, "one id stays");
	ok(ids_find(one, 1, 42) && !ids_find(one, 1, 41) &&
	    !ids_find(one, 1, 43), "and is found, alone");

	n = ids_sort_unique(some, sizeof some / sizeof some[0]);
	is_int(n, 5, "repeats are dropped");
	ok(ascending(some, n), "what is left is sorted");
	ok(ids_find(some, n, -4) && ids_find(some, n, 1) &&
	    ids_find(some, n, 3) && ids_find(some, n, 7) &&
	    ids_find(some, n, 9), "every id is found, first and last too");
	ok(!ids_find(some, n, -5) && !ids_find(some, n, 0) &&
	    !ids_find(some, n, 2) && !ids_find(some, n, 8) &&
	    !ids_find(some, n, 10), "none that is not there");

	/* A post's audience, at most the whole company: every third id of
	 * 30,000 in a shuffled order, each twice; each id found iff in. */
	big = calloc(20000, sizeof *big);
	for (i = 0, k = 0; i < 30000; i += 3) {
		big[k++] = (int64_t)i;
		big[k++] = (int64_t)i;
	}
	srand(22);
	for (i = k - 1; i > 0; i--) {
		size_t	 j = (size_t)rand() % (i + 1);
		int64_t	 t = big[i];

		big[i] = big[j];
		big[j] = t;
	}
	n = ids_sort_unique(big, k);
	is_int(n, 10000, "10,000 people, each once");
	ok(ascending(big, n), "sorted");
	for (i = 0; i < 30001; i++) {
		if (ids_find(big, n, (int64_t)i) != (i % 3 == 0 && i < 30000))
			all = 0;
	}
	ok(all, "each id of 0..30000 found exactly when it is in the set");
	free(big);
	return done_testing();
}
