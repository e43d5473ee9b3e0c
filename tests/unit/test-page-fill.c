/*
 * Unit tests for page-fill.c: full pages from a source with holes, newest
 * first and (min_id) upward, the true end, and a scan that stops at
 * PAGE_SCAN_MAX short of the page with cursors past the last id read.
 */
#include "hearth.h"
#include "tap.h"

#define TOP	10000	/* the source holds ids 1 .. TOP */

static int	 calls;

/* A source of ids 1..TOP, as a PAGE_SQL query would page them. */
static int
source(void *arg, const struct page *p, struct idlist *out)
{
	struct arena	*a = arg;
	int64_t		 max = p->max_id > 0 ? p->max_id : TOP + 1, id;
	int64_t		 low = p->min_id > 0 ? p->min_id : p->since_id;

	calls++;
	if (p->min_id > 0) {
		for (id = low + 1; id < max && (int)out->n < p->limit; id++)
			idlist_add(a, out, id);
		page_finish(a, p, out, NULL);
	} else {
		for (id = max - 1; id > low && (int)out->n < p->limit; id--)
			idlist_add(a, out, id);
	}
	return E_OK;
}

/* Keep multiples of ten, and 3. */
static int
tens(struct page_batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (b->ids[i] % 10 != 0 && b->ids[i] != 3)
			b->keep[i] = 0;
	}
	return 0;
}

/* Keep only 3 (far below the scan limit from the top). */
static int
only3(struct page_batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		b->keep[i] = b->ids[i] == 3;
	return 0;
}

static const page_pred by_tens[] = { tens, NULL };
static const page_pred by_three[] = { only3, NULL };

/* Fill one page. */
static int
fill(struct arena *a, int64_t max, int64_t since, int64_t min, int limit,
    const page_pred *preds, struct idlist *out, struct idlist *cur)
{
	struct page	p = { max, since, min, limit };

	memset(out, 0, sizeof *out);
	memset(cur, 0, sizeof *cur);
	calls = 0;
	return page_fill(NULL, a, 1, &p, source, a, preds, out, cur);
}

int
main(void)
{
	struct arena	*a = arena_new();
	struct idlist	 out, cur;
	int		 pages;

	is_int(fill(a, 0, 0, 0, 3, by_tens, &out, &cur), E_OK, "a page");
	ok(out.n == 3 && out.ids[0] == 10000 && out.ids[1] == 9990 &&
	    out.ids[2] == 9980, "three kept, newest first, holes skipped");
	ok(cur.n == 3 && cur.ids[2] == 9980, "cursors are the page's own");
	fill(a, 9980, 0, 0, 2, by_tens, &out, &cur);
	ok(out.n == 2 && out.ids[0] == 9970 && out.ids[1] == 9960,
	    "the next page starts below the last one kept");
	fill(a, 0, 0, 9960, 2, by_tens, &out, &cur);
	ok(out.n == 2 && out.ids[0] == 9980 && out.ids[1] == 9970,
	    "min_id: the two just above it, newest first");
	fill(a, 40, 0, 0, 5, by_tens, &out, &cur);
	ok(out.n == 4 && out.ids[3] == 3, "the true end: a short page");
	ok(cur.n == 4 && cur.ids[3] == 3, "... its cursors are its posts");
	fill(a, 30, 3, 0, 5, by_tens, &out, &cur);
	ok(out.n == 2 && out.ids[1] == 10, "since_id bounds it below");
	/* From the top, only 3 is kept: the scan stops after
	 * PAGE_SCAN_MAX ids, short, naming how far it read. */
	fill(a, 0, 0, 0, 1, by_three, &out, &cur);
	is_int((long long)out.n, 0, "nothing kept within the scan limit");
	ok(cur.n == 2 && cur.ids[0] == TOP && cur.ids[1] > 3 &&
	    cur.ids[1] <= TOP - 3000, "cursors reach past the ids read "
	    "(%lld)", cur.n == 2 ? (long long)cur.ids[1] : -1LL);
	ok(calls < 20, "in few batches (%d)", calls);
	/* Following the cursors, a later page finds it. */
	for (pages = 1; out.n == 0 && cur.n == 2 && pages < 10; pages++)
		fill(a, cur.ids[1], 0, 0, 1, by_three, &out, &cur);
	ok(out.n == 1 && out.ids[0] == 3 && pages == 3,
	    "following the cursors, page %d finds it", pages);
	arena_free(a);
	return done_testing();
}
