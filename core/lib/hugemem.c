/*
 * hugemem.c: zeroed memory for a large table written at random places, as
 * the peek rows are (peek.c: tens of megabytes, one set per hash).
 *
 * From calloc such a table starts on the kernel's shared zero page, and
 * the first write to each of its 4 KB pages is a copy-on-write fault that
 * also flushes the TLB of every core the process runs on. In the first
 * second after a restart nearly every row put lands on a page not written
 * yet: those faults were about a seventh of the loop's time (perf, cold
 * start, 10,000 people). Asking for transparent huge pages for the region
 * (MADV_HUGEPAGE; Debian's default allows them for regions that ask)
 * makes the faults 512 times fewer, and the random lookups later miss the
 * TLB less. Where the system refuses huge pages it is plain memory, as
 * before.
 */
#include <sys/mman.h>

#include <stdint.h>

#include "lib.h"

#define HUGE_PAGE	((size_t)2 << 20)

/* bytes rounded up to whole huge pages: what is mapped */
static size_t
huge_length(size_t bytes)
{
	return (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

/* Zeroed memory for a table of bytes, or die; huge_free gives it back. */
void *
huge_calloc(size_t bytes)
{
	size_t		 len = huge_length(bytes > 0 ? bytes : 1);
	uint8_t		*p, *a;
	uintptr_t	 u;

	/* a huge page needs a 2 MB-aligned address: map one more and trim */
	p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatalx("out of memory mapping %zu bytes", len);
	u = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	a = (uint8_t *)u;
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + len + HUGE_PAGE)
		munmap(a + len, (size_t)(p + len + HUGE_PAGE - (a + len)));
#ifdef MADV_HUGEPAGE
	/* a hint: refused (THP off, an old kernel), the pages are small */
	(void)madvise(a, len, MADV_HUGEPAGE);
#endif
	return a;
}

/* Give back what huge_calloc(bytes) mapped. */
void
huge_free(void *p, size_t bytes)
{
	if (p != NULL)
		munmap(p, huge_length(bytes > 0 ? bytes : 1));
}
