/* Unit tests for websocket.c: the accept key (RFC 6455's example), server
 * frame headers at each length form, and reading client frames: whole,
 * cut short at every byte, and each thing the protocol forbids. */
#include <stdio.h>
#include <string.h>

#include "hearth.h"
#include "tap.h"

/* A masked client frame of payload into out; its length. */
static size_t
client_frame(unsigned char *out, int b0, const char *payload, size_t len)
{
	static const unsigned char mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
	size_t	n = 0, i;

	out[n++] = (unsigned char)b0;
	if (len < 126)
		out[n++] = 0x80 | (unsigned char)len;
	else {
		out[n++] = 0x80 | 126;
		out[n++] = (unsigned char)(len >> 8);
		out[n++] = (unsigned char)len;
	}
	memcpy(out + n, mask, 4);
	n += 4;
	for (i = 0; i < len; i++)
		out[n++] = (unsigned char)payload[i] ^ mask[i % 4];
	return n;
}

static void
test_accept(void)
{
	char	out[WS_ACCEPT_LEN + 1];

	ok(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out) == 0 &&
	    strcmp(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0,
	    "RFC 6455's example key gives its accept value");
	ok(ws_accept_key(" dGhlIHNhbXBsZSBub25jZQ== ", out) == 0,
	    "white space around the key is allowed");
	ok(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ", out) != 0,
	    "a key without its padding is refused");
	ok(ws_accept_key("c2hvcnQ=", out) != 0, "a key of 5 bytes is refused");
	ok(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==x", out) != 0,
	    "trailing junk is refused");
	ok(ws_accept_key("dGhlIHNhbXBsZSBub25j*Q==", out) != 0,
	    "a character outside base64 is refused");
	ok(ws_accept_key(NULL, out) != 0, "no key is refused");
}

static void
test_headers(void)
{
	unsigned char	h[10];

	ok(ws_frame_header(h, WS_TEXT, 5) == 2 && h[0] == 0x81 && h[1] == 5,
	    "a short frame: two bytes, FIN and text, unmasked");
	ok(ws_frame_header(h, WS_TEXT, 300) == 4 && h[1] == 126 &&
	    h[2] == 1 && h[3] == 44, "300 bytes: the 16-bit length");
	ok(ws_frame_header(h, WS_PING, 70000) == 10 && h[0] == 0x89 &&
	    h[1] == 127 && h[7] == 1 && h[8] == 0x11 && h[9] == 0x70,
	    "70000 bytes: the 64-bit length");
}

static void
test_read(void)
{
	unsigned char	buf[600], payload[512];
	char		text[300];
	struct ws_frame	f;
	size_t		n, cut;
	ssize_t		got;
	int		short_ok = 1;

	n = client_frame(buf, 0x81, "{\"type\":\"subscribe\"}", 20);
	f.payload = payload;
	got = ws_read_frame(buf, n, sizeof payload, &f);
	ok(got == (ssize_t)n && f.fin && f.opcode == WS_TEXT &&
	    f.len == 20 && memcmp(payload, "{\"type\":\"subscribe\"}", 20) == 0,
	    "a masked text frame is read and unmasked");
	memset(text, 'a', sizeof text);
	n = client_frame(buf, 0x01, text, sizeof text);
	got = ws_read_frame(buf, n, sizeof payload, &f);
	ok(got == (ssize_t)n && !f.fin && f.len == sizeof text &&
	    payload[299] == 'a', "a 300-byte fragment, 16-bit length");
	for (cut = 0; cut < n; cut++) {
		if (ws_read_frame(buf, cut, sizeof payload, &f) != 0)
			short_ok = 0;
	}
	ok(short_ok, "cut short anywhere, a frame is not complete yet");
	ok(ws_read_frame(buf, n, 100, &f) == -1 && f.close_code == 1009,
	    "over the limit: 1009");

	n = client_frame(buf, 0x81, "x", 1);
	buf[1] &= 0x7f;
	ok(ws_read_frame(buf, n, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "unmasked: 1002");
	n = client_frame(buf, 0xc1, "x", 1);
	ok(ws_read_frame(buf, n, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "a reserved bit: 1002");
	n = client_frame(buf, 0x83, "x", 1);
	ok(ws_read_frame(buf, n, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "a reserved data opcode: 1002");
	n = client_frame(buf, 0x8b, "x", 1);
	ok(ws_read_frame(buf, n, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "a reserved control opcode: 1002");
	n = client_frame(buf, 0x09, "x", 1);
	ok(ws_read_frame(buf, n, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "a fragmented ping: 1002");
	n = client_frame(buf, 0x89, text, 126);
	ok(ws_read_frame(buf, n, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "a ping over 125 bytes: 1002");
	memcpy(buf, "\x81\xff\x80\0\0\0\0\0\0\x01", 10);
	ok(ws_read_frame(buf, 10, sizeof payload, &f) == -1 &&
	    f.close_code == 1002, "a 64-bit length with the top bit: 1002");
	memcpy(buf, "\x81\xff\0\0\0\0\0\x01\0\0", 10);
	ok(ws_read_frame(buf, 10, sizeof payload, &f) == -1 &&
	    f.close_code == 1009, "a 64-bit length over the limit: 1009");
	n = client_frame(buf, 0x88, "\x03\xe8", 2);
	ok(ws_read_frame(buf, n, sizeof payload, &f) == (ssize_t)n &&
	    f.opcode == WS_CLOSE && f.len == 2 && payload[0] == 3 &&
	    payload[1] == 0xe8, "a close frame with its code");
}

int
main(void)
{
	test_accept();
	test_headers();
	test_read();
	return done_testing();
}
