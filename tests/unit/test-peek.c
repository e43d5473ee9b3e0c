/* Unit tests for peek.c: remembered rows per reader and post, their sets
 * of eight ways, replacement of the oldest, and expiry; and the huge
 * pages the table lives in (hugemem.c). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hearth.h"
#include "tap.h"

static struct peek
row(int64_t id, int64_t favourites)
{
	struct peek	p;

	memset(&p, 0, sizeof p);
	p.id = id;
	p.author_id = 1000 + id;
	p.favourites_count = favourites;
	return p;
}

/* One set: eight rows fit, a ninth replaces the oldest. */
static void
test_one_set(void)
{
	struct peek	p, got;
	int64_t		id;
	int		hits = 0;

	peek_cache_init(8);
	for (id = 1; id <= 8; id++) {
		p = row(id, id);
		peek_cache_put(7, &p, 1, 100 + id);
	}
	for (id = 1; id <= 8; id++)
		hits += peek_cache_get(7, id, 110, &got);
	is_int(hits, 8, "eight rows share one set");
	ok(peek_cache_get(7, 3, 110, &got) && got.favourites_count == 3 &&
	    got.author_id == 1003, "a row comes back whole");
	ok(!peek_cache_get(8, 3, 110, &got), "another reader's row is not his");

	p = row(9, 9);
	peek_cache_put(7, &p, 1, 120);
	ok(!peek_cache_get(7, 1, 121, &got), "a ninth replaces the oldest");
	for (hits = 0, id = 2; id <= 9; id++)
		hits += peek_cache_get(7, id, 121, &got);
	is_int(hits, 8, "... and only it");

	p = row(5, 50);
	peek_cache_put(7, &p, 3, 122);
	p = row(5, 40);
	peek_cache_put(7, &p, 2, 123);
	ok(peek_cache_get(7, 5, 124, &got) && got.favourites_count == 50,
	    "a slower reader does not put back an older answer");
	p = row(5, 60);
	peek_cache_put(7, &p, 4, 125);
	ok(peek_cache_get(7, 5, 126, &got) && got.favourites_count == 60,
	    "a newer answer replaces the row in its way");
	for (hits = 0, id = 2; id <= 9; id++)
		hits += peek_cache_get(7, id, 126, &got);
	is_int(hits, 8, "... without taking another");

	ok(!peek_cache_get(7, 6, 106 + STAMP_MAX_AGE, &got),
	    "rows expire after STAMP_MAX_AGE");
	ok(peek_cache_get(7, 6, 105 + STAMP_MAX_AGE, &got), "... not before");

	p = row(10, 1);
	peek_cache_put(7, &p, 0, 130);
	ok(!peek_cache_get(7, 10, 131, &got),
	    "a row read outside a snapshot is not remembered");
}

/*
 * A table a third full, as sized for a company where each person has read
 * a page of twenty: collisions must cost almost nothing (two-way buckets
 * lost 6.7% of rows here, and most pages went to SQLite for one).
 */
static void
test_collisions(void)
{
	struct peek	p, got;
	int64_t		v, id, kept = 0, rows = 0;

	peek_cache_init(1 << 16);
	for (v = 1; v <= 1250; v++) {
		for (id = 0; id < 20; id++) {
			p = row(v * 37 + id * 101, 0);
			peek_cache_put(v, &p, 1, 100);
			rows++;
		}
	}
	for (v = 1; v <= 1250; v++)
		for (id = 0; id < 20; id++)
			kept += peek_cache_get(v, v * 37 + id * 101, 101, &got);
	printf("# kept %lld of %lld rows\n", (long long)kept, (long long)rows);
	ok(kept * 1000 >= rows * 995, "at a third full, 99.5%% of rows are kept");
	peek_cache_init(0);
	ok(!peek_cache_get(1, 37, 101, &got), "size 0 remembers nothing");
}

/* The table's memory (hugemem.c): zeroed, on a huge page's boundary so
 * the kernel may back it with huge pages, all of it writable, given back
 * and made again as a new budget does. */
static void
test_huge_memory(void)
{
	size_t		 len = (5 << 20) + 123, i, zero = 1;
	unsigned char	*p;
	int		 round;

	for (round = 0; round < 2; round++) {
		p = huge_calloc(len);
		ok(((uintptr_t)p & ((2 << 20) - 1)) == 0,
		    "huge_calloc: on a 2 MB boundary (round %d)", round);
		for (i = 0; i < len; i += 4096)
			zero &= p[i] == 0;
		zero &= p[len - 1] == 0;
		ok(zero, "zeroed");
		memset(p, 0xa5, len);
		ok(p[0] == 0xa5 && p[len - 1] == 0xa5, "writable to its end");
		huge_free(p, len);
	}
	huge_free(NULL, len);
	ok(1, "huge_free(NULL) is nothing");
}

int
main(void)
{
	test_one_set();
	test_collisions();
	test_huge_memory();
	return done_testing();
}
