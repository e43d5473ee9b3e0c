/*
 * arena.c: a per-request memory pool. Everything a request allocates comes from
 * its arena and is freed in one place when the request ends, so handlers never
 * free piecemeal and cannot leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define ARENA_CHUNK	8192
#define ARENA_ALIGN	16

struct chunk {
	struct chunk	*next;
	size_t		 size;
	size_t		 used;
	unsigned char	 data[];
};

struct arena {
	struct chunk	*head;
};

/* Create an empty arena. */
struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

/* Free an arena and everything allocated from it. */
void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* Allocate aligned memory that lives as long as the arena, not zeroed. */
static void *
arena_alloc_raw(struct arena *a, size_t size)
{
	struct chunk	*c = a->head;
	size_t		 want, off;

	if (size == 0)
		size = 1;
	want = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < want) {
		size_t	 csize = want > ARENA_CHUNK ? want : ARENA_CHUNK;

		c = xmalloc(sizeof *c + csize);
		c->size = csize;
		c->used = 0;
		/* A big one-off block goes behind the current chunk, which keeps
		 * serving small allocations. */
		if (want > ARENA_CHUNK && a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	off = c->used;
	c->used += want;
	return c->data + off;
}

/* Allocate zeroed, aligned memory that lives as long as the arena. */
void *
arena_alloc(struct arena *a, size_t size)
{
	void	*p = arena_alloc_raw(a, size);

	memset(p, 0, size ? size : 1);
	return p;
}

/* Copy at most n bytes of a string into the arena. */
char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = arena_alloc_raw(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A copy of s without its leading and trailing white space. */
char *
arena_trim(struct arena *a, const char *s)
{
	size_t	n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

/* Copy a string into the arena. */
char *
arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

/* Format a string into the arena. */
char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256], *s;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("arena_printf: bad format");
	s = arena_alloc_raw(a, (size_t)n + 1);
	if ((size_t)n < sizeof small)
		memcpy(s, small, (size_t)n + 1);
	else {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}
