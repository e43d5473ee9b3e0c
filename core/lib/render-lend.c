/*
 * render-lend.c: HTML a page made in a buffer, lent to the render instead of
 * copied into the view. A home page's cards are 60 KB; as a JSON string they
 * were copied once into the view and once more into the response. Instead
 * the view holds a short marker (render_lend) and the render moves the
 * buffer's chains into its output (render_lent_take, called by emit for a
 * raw value): no byte is copied. Markers carry 128 random bits made at
 * start, so no text a person wrote can name one. Lent buffers are the
 * thread's own, as is the request that lent them; whatever a request lent
 * and did not render is freed when it ends (render_lent_clear from
 * req_free), and a slot taken again frees what it held.
 */
#include <pthread.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib.h"
#include "render.h"

#define LEND_SLOTS	8
#define LEND_HEX	32
/* "\001", the hex, 'L' and the slot's digit */
#define LEND_LEN	(LEND_HEX + 3)

static char			 lend_marks[LEND_SLOTS][LEND_LEN + 1];
static pthread_once_t		 lend_once = PTHREAD_ONCE_INIT;
static __thread struct evbuffer	*lent[LEND_SLOTS];
static __thread const void	*lent_by[LEND_SLOTS];	/* the request */
static __thread unsigned	 lend_next;

/* This run's markers, made on first use. */
static void
lend_init(void)
{
	size_t	k;

	lend_marks[0][0] = '\001';
	crypto_random_hex(lend_marks[0] + 1, LEND_HEX / 2);
	for (k = 0; k < LEND_SLOTS; k++) {
		memcpy(lend_marks[k], lend_marks[0], LEND_HEX + 1);
		lend_marks[k][LEND_HEX + 1] = 'L';
		lend_marks[k][LEND_HEX + 2] = (char)('0' + k);
		lend_marks[k][LEND_LEN] = '\0';
	}
}

/* Lend b (taken over) to the thread's next render, for the request owner:
 * the marker to put in the view as a raw value. */
const char *
render_lend(struct evbuffer *b, const void *owner)
{
	unsigned	k;

	pthread_once(&lend_once, lend_init);
	k = lend_next++ % LEND_SLOTS;
	if (lent[k] != NULL)
		evbuffer_free(lent[k]);
	lent[k] = b;
	lent_by[k] = owner;
	return lend_marks[k];
}

/* The buffer s (a raw value of len bytes) stands for, taken back from its
 * slot (the caller frees it); NULL if s is not a marker or was taken. */
struct evbuffer *
render_lent_take(const char *s, size_t len)
{
	struct evbuffer	*b;
	unsigned	 k;

	if (len != LEND_LEN || s[0] != '\001')
		return NULL;
	pthread_once(&lend_once, lend_init);
	k = (unsigned)(s[LEND_LEN - 1] - '0');
	if (k >= LEND_SLOTS || memcmp(s, lend_marks[k], LEND_LEN) != 0)
		return NULL;
	b = lent[k];
	lent[k] = NULL;
	return b;
}

/* Free what the request owner lent on this thread and did not render. */
void
render_lent_clear(const void *owner)
{
	size_t	k;

	for (k = 0; k < LEND_SLOTS; k++) {
		if (lent[k] != NULL && lent_by[k] == owner) {
			evbuffer_free(lent[k]);
			lent[k] = NULL;
		}
	}
}
