/*
 * websocket-fuzzer.c: ws_read_frame over what a client might send on a
 * stream, as stream.c calls it (frame after frame from one buffer, a 4 KiB
 * limit), and ws_accept_key over the input as a header value. A frame
 * never takes more than it was given, never unmasks more than the limit,
 * and a refusal always names 1002 or 1009.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

#define LIMIT	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	free(key);
	return 0;
}
