/*
 * chunk.c: a chunked request body (RFC 9112, 7.1), decoded as its
 * bytes arrive. The framing (sizes, extensions, CRLFs, trailers) goes
 * through http_chunked_frame one byte at a time; the data in between is
 * left for the caller to move whole (http_chunked_want, http_chunked_data),
 * so a large upload is never copied byte by byte. As strict as the head: a
 * bare LF, a size that is not hex or overflows, or endless extensions and
 * trailers are refused.
 */
#include <sys/types.h>

#include <string.h>

#include "lib.h"
#include "http.h"

#define CHUNK_DIGITS_MAX	15	/* 2^60 bytes: more is a lie */
#define CHUNK_EXTRA_MAX		8192	/* extensions and trailers, in all */

enum {
	CS_SIZE,	/* hex digits of a chunk's size */
	CS_EXT,		/* ";name=value" after it, ignored */
	CS_SIZE_LF,	/* the LF ending the size line */
	CS_DATA,	/* data: the caller's to move */
	CS_DATA_CR,	/* the CRLF after a chunk's data */
	CS_DATA_LF,
	CS_TRAILER,	/* at the start of a trailer line (or the end) */
	CS_TRAILER_LINE,
	CS_TRAILER_LF,
	CS_END_LF,	/* the LF of the final empty line */
	CS_DONE,
};

/* Start decoding a body. */
void
http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof *c);
	c->state = CS_SIZE;
}

/*
 * Read framing bytes from p: the number used (it stops at data, which is
 * the caller's, and at the end of the body), or -1 with *why.
 */
ssize_t
http_chunked_frame(struct http_chunked *c, const char *p, size_t len,
    const char **why)
{
	size_t		i;
	unsigned char	ch;
	int		d;

	for (i = 0; i < len && c->state != CS_DATA && c->state != CS_DONE;
	    i++) {
		ch = (unsigned char)p[i];
		switch (c->state) {
		case CS_SIZE:
			if ((d = hex_value((unsigned char)ch)) >= 0) {
				if (c->digits++ == CHUNK_DIGITS_MAX) {
					*why = "a chunk size is too large";
					return -1;
				}
				c->left = c->left * 16 + (uint64_t)d;
				break;
			}
			if (c->digits == 0) {
				*why = "a chunk does not start with its size";
				return -1;
			}
			if (ch == '\r')
				c->state = CS_SIZE_LF;
			else if (ch == ';' || ch == ' ' || ch == '\t')
				c->state = CS_EXT;
			else {
				*why = "a chunk size is not hexadecimal";
				return -1;
			}
			break;
		case CS_EXT:
		case CS_TRAILER_LINE:
			if (ch == '\r') {
				c->state = c->state == CS_EXT ? CS_SIZE_LF :
				    CS_TRAILER_LF;
				break;
			}
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
				*why = "a control character in a chunk's "
				    "extension or trailer";
				return -1;
			}
			if (++c->extra > CHUNK_EXTRA_MAX) {
				*why = "chunk extensions or trailers are too "
				    "large";
				return -1;
			}
			break;
		case CS_SIZE_LF:
		case CS_DATA_LF:
		case CS_TRAILER_LF:
		case CS_END_LF:
			if (ch != '\n') {
				*why = "a bare CR in the chunked framing";
				return -1;
			}
			if (c->state == CS_SIZE_LF)
				c->state = c->left > 0 ? CS_DATA : CS_TRAILER;
			else if (c->state == CS_DATA_LF) {
				c->state = CS_SIZE;
				c->digits = 0;
			} else if (c->state == CS_TRAILER_LF)
				c->state = CS_TRAILER;
			else
				c->state = CS_DONE;
			break;
		case CS_DATA_CR:
			if (ch != '\r') {
				*why = "a chunk's data is longer than its size";
				return -1;
			}
			c->state = CS_DATA_LF;
			break;
		case CS_TRAILER:
			if (ch == '\r') {
				c->state = CS_END_LF;
				break;
			}
			c->state = CS_TRAILER_LINE;
			i--;		/* the line's first byte */
			break;
		}
	}
	return (ssize_t)i;
}

/* Data bytes the decoder waits for now (0 when it waits for framing). */
uint64_t
http_chunked_want(const struct http_chunked *c)
{
	return c->state == CS_DATA ? c->left : 0;
}

/* The caller moved n (at most http_chunked_want) data bytes. */
void
http_chunked_data(struct http_chunked *c, uint64_t n)
{
	c->left -= n;
	if (c->left == 0)
		c->state = CS_DATA_CR;
}

/* Whether the body ended (its last chunk and trailers read). */
int
http_chunked_done(const struct http_chunked *c)
{
	return c->state == CS_DONE;
}
