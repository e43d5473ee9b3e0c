/*
 * multipart-fuzzer.c: multipart_parse over an upload. The first line of the
 * input is the Content-Type header, the rest the body, in a buffer of its
 * exact size so an over-read shows. Beyond not crashing: at most 64 parts,
 * names are non-empty C strings, field values are C strings of exactly
 * their length, and file data lies inside the body, in order, unshared.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = arena_new();
	struct multipart	 m;
	const struct part	*p;
	const uint8_t		*nl = memchr(data, '\n', size);
	char			*ctype, *body, *cause = NULL;
	const char		*last = NULL;
	size_t			 hlen = nl ? (size_t)(nl - data) : size;
	size_t			 blen = nl ? size - hlen - 1 : 0, i, total = 0;

	if (hlen > 0 && data[hlen - 1] == '\r')
		hlen--;
	ctype = xstrndup((const char *)data, hlen);
	body = xmalloc(blen);
	if (blen > 0)
		memcpy(body, nl + 1, blen);
	if (multipart_parse(a, ctype, body, blen, &m, &cause) == 0) {
		if (cause != NULL || m.n > 64)
			abort();
		for (i = 0; i < m.n; i++) {
			p = &m.parts[i];
			if (p->name == NULL || *p->name == '\0' ||
			    strlen(p->name) > blen)
				abort();
			if (p->filename == NULL) {
				if (p->data[p->len] != '\0' ||
				    strlen(p->data) != p->len)
					abort();
			} else {
				if (p->data < body || p->len > blen ||
				    p->data + p->len > body + blen ||
				    (last != NULL && p->data < last))
					abort();
				last = p->data + p->len;
			}
			total += p->len;
		}
		if (total > blen)
			abort();
		if (m.n > 0 && multipart_get(&m, m.parts[0].name) !=
		    &m.parts[0])
			abort();
	} else if (cause == NULL || strncmp(cause, "multipart: ", 11) != 0)
		abort();
	free(cause);
	free(body);
	free(ctype);
	arena_free(a);
	return 0;
}
