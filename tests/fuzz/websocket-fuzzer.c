/*
 * websocket-fuzzer.c: ws_read_frame over what a client might send on a
 * stream, as stream.c calls it (frame after frame from one buffer, a 4 KiB
 * limit), ws_accept_key over the input as a header value, and
 * stream_sub_parse over it as a subscription's stream, tag and group (split
 * at NUL bytes). A frame never takes more than it was given, never unmasks
 * more than the limit, and a refusal always names 1002 or 1009; a
 * subscription taken has what its kind needs, a tag as posts store it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

#define LIMIT	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The input as a subscription: "stream\0tag\0group", parts optional. */
static void
fuzz_sub(const char *in, size_t size)
{
	struct arena		*a = arena_new();
	struct stream_sub	 sub;
	const char		*part[3] = { NULL, NULL, NULL }, *why = NULL, *c;
	size_t			 i, off = 0;
	int			 status;

	for (i = 0; i < 3 && off <= size; i++) {
		part[i] = in + off;
		off += strlen(in + off) + 1;
	}
	/* the third part is both the group and the list */
	status = stream_sub_parse(NULL, a, 1, part[0], part[1], part[2],
	    part[2], &sub, &why);
	if (status != 0 && (why == NULL || (status != 400 && status != 404)))
		abort();
	if (status == 0 && stream_kind_param(sub.kind)) {
		if (sub.arg == NULL || sub.arg[0] == '\0' ||
		    strlen(sub.arg) > 100)
			abort();
		if ((sub.kind == STREAM_GROUP || sub.kind == STREAM_LIST) &&
		    sub.group <= 0)
			abort();
		for (c = sub.arg; sub.kind != STREAM_GROUP && *c; c++) {
			if ((*c >= 'A' && *c <= 'Z') || *c == '#' || *c == '-')
				abort();
		}
	}
	arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	 payload[LIMIT];
	char		 accept[WS_ACCEPT_LEN + 1], *key;
	struct ws_frame	 f;
	size_t		 off = 0;
	ssize_t		 n;

	while (off < size) {
		f.payload = payload;
		n = ws_read_frame(data + off, size - off, LIMIT, &f);
		if (n == 0)
			break;
		if (n < 0) {
			if (f.close_code != 1002 && f.close_code != 1009)
				abort();
			break;
		}
		if ((size_t)n > size - off || f.len > LIMIT ||
		    (size_t)n < f.len + 6)
			abort();
		if (f.opcode >= WS_CLOSE && (f.len > 125 || !f.fin))
			abort();
		off += (size_t)n;
	}
	key = malloc(size + 1);
	memcpy(key, data, size);
	key[size] = '\0';
	if (ws_accept_key(key, accept) == 0 &&
	    strlen(accept) != WS_ACCEPT_LEN)
		abort();
	fuzz_sub(key, size);
	free(key);
	return 0;
}
