/*
 * http-fuzzer.c: the request head parser and the chunked body decoder,
 * which read what anyone on the network sends. Beyond not crashing: the
 * end of a head is found at the same place however the bytes are split
 * into reads; an accepted head's fields hold no CR, LF or NUL; it frames
 * its body one way only (a Content-Length or chunked, never both); and the
 * chunked decoder never moves more data than the chunk sizes said, nor
 * uses bytes it was not given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_HEAD	4096

/* Find the head's end feeding the bytes step at a time. */
static ssize_t
head_end_in_steps(const char *p, size_t len, size_t step, int *status)
{
	struct http_scan	 s = { 0, 0 };
	const char		*why;
	size_t			 n;
	ssize_t			 end = 0;

	for (n = step; ; n += step) {
		if (n > len)
			n = len;
		end = http_head_end(p, n, &s, MAX_HEAD, status, &why);
		if (end != 0 || n == len)
			return end;
	}
}

/* Decode a chunked body, framing a few bytes at a time. */
static void
chunked(const char *p, size_t len, size_t step)
{
	struct http_chunked	 c;
	const char		*why;
	uint64_t		 want, data = 0;
	size_t			 off = 0, n;
	ssize_t			 k;

	http_chunked_init(&c);
	while (off < len && !http_chunked_done(&c)) {
		if ((want = http_chunked_want(&c)) > 0) {
			n = len - off < want ? len - off : (size_t)want;
			http_chunked_data(&c, n);
			data += n;
			off += n;
			continue;
		}
		n = len - off < step ? len - off : step;
		k = http_chunked_frame(&c, p + off, n, &why);
		if (k < 0)
			return;
		if ((size_t)k > n || (k == 0 && !http_chunked_want(&c) &&
		    !http_chunked_done(&c)))
			abort();	/* over-read, or stuck */
		off += (size_t)k;
	}
	if (data > len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_head	 h;
	const char		*why = NULL;
	char			*buf;
	size_t			 step, i;
	ssize_t			 end, end1;
	int			 status = 0, status1 = 0, rc;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	data++;
	size--;
	end = head_end_in_steps((const char *)data, size, size ? size : 1,
	    &status);
	end1 = head_end_in_steps((const char *)data, size, step, &status1);
	if (end != end1 || (end < 0 && status != status1))
		abort();	/* the split changed the answer */
	if (end <= 0)
		return 0;
	buf = malloc((size_t)end + 1);
	memcpy(buf, data, (size_t)end);
	rc = http_head_parse(buf, (size_t)end, &h, &why);
	if (rc != 0 && why == NULL)
		abort();
	if (rc == 0) {
		if (h.mbit == 0 || h.nfields > HTTP_FIELDS_MAX)
			abort();
		if (h.chunked && h.content_length != -1)
			abort();
		if (h.path != NULL && h.path[0] != '/')
			abort();
		for (i = 0; i < h.nfields; i++) {
			if (strpbrk(h.fields[i].name, "\r\n: \t") != NULL ||
			    strpbrk(h.fields[i].value, "\r\n") != NULL)
				abort();
		}
		if (h.content_length >= 0 &&
		    http_head_field(&h, "Content-Length") == NULL)
			abort();
		if (h.chunked)
			chunked((const char *)data + end, size - (size_t)end,
			    step);
	}
	free(buf);
	return 0;
}
