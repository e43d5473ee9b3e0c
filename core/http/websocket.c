/*
 * websocket.c: the parts of RFC 6455 that hearth's streaming API speaks:
 * the handshake's accept key, server frames (never masked), and the client
 * frames (always masked) that arrive on a stream. No I/O here: stream.c
 * moves the bytes, and the frame reader is fuzzed (tests/fuzz).
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "request.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/*
 * Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64 of the
 * SHA-1 of the key and the protocol's GUID. The key must be the base64 of
 * 16 bytes (24 characters); 0 with out filled, or -1.
 */
int
ws_accept_key(const char *key, char out[WS_ACCEPT_LEN + 1])
{
	unsigned char	 raw[18], sha[SHA_DIGEST_LENGTH];
	char		 buf[24 + sizeof WS_GUID];
	size_t		 i;

	if (key == NULL)
		return -1;
	while (*key == ' ' || *key == '\t')
		key++;
	for (i = 0; i < 24 && key[i] != '\0'; i++) {
		if (i < 22 && !((key[i] >= 'A' && key[i] <= 'Z') ||
		    (key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '+' ||
		    key[i] == '/'))
			return -1;
	}
	if (i != 24 || key[22] != '=' || key[23] != '=')
		return -1;
	for (i = 24; key[i] == ' ' || key[i] == '\t'; i++)
		;
	if (key[i] != '\0' ||
	    EVP_DecodeBlock(raw, (const unsigned char *)key, 24) != 18)
		return -1;
	memcpy(buf, key, 24);
	memcpy(buf + 24, WS_GUID, sizeof WS_GUID - 1);
	SHA1((const unsigned char *)buf, 24 + sizeof WS_GUID - 1, sha);
	if (EVP_EncodeBlock((unsigned char *)out, sha, sizeof sha) !=
	    WS_ACCEPT_LEN)
		return -1;
	return 0;
}

/*
 * The header of a server frame (FIN set, never masked) carrying len bytes:
 * written into hdr (up to 10 bytes); returns its length.
 */
size_t
ws_frame_header(unsigned char hdr[10], int opcode, size_t len)
{
	size_t	n = 2;
	int	i;

	hdr[0] = 0x80 | (opcode & 0x0f);
	if (len < 126)
		hdr[1] = (unsigned char)len;
	else if (len <= 0xffff) {
		hdr[1] = 126;
		hdr[2] = (unsigned char)(len >> 8);
		hdr[3] = (unsigned char)len;
		n = 4;
	} else {
		hdr[1] = 127;
		for (i = 0; i < 8; i++)
			hdr[2 + i] = (unsigned char)((uint64_t)len >>
			    (56 - 8 * i));
		n = 10;
	}
	return n;
}

/*
 * Read one client frame from the start of buf (len bytes). Returns the
 * bytes it takes, with f filled and the payload unmasked into f->payload
 * (which must hold max bytes); 0 when the frame is not complete yet; or -1
 * with f->close_code saying why the connection must close: 1002 for a
 * frame the protocol forbids (unmasked, reserved bits or opcodes, a long
 * or fragmented control frame), 1009 for a payload over max.
 */
ssize_t
ws_read_frame(const unsigned char *buf, size_t len, size_t max,
    struct ws_frame *f)
{
	unsigned char	*out = f->payload;
	uint64_t	 n;
	size_t		 hlen = 2, i;
	const unsigned char *mask;

	memset(f, 0, sizeof *f);
	f->payload = out;
	if (len < 2)
		return 0;
	f->fin = buf[0] >> 7;
	f->opcode = buf[0] & 0x0f;
	if ((buf[0] & 0x70) != 0 || !(buf[1] & 0x80) ||
	    (f->opcode > WS_BINARY && f->opcode < WS_CLOSE) ||
	    f->opcode > WS_PONG) {
		f->close_code = 1002;
		return -1;
	}
	n = buf[1] & 0x7f;
	if (f->opcode >= WS_CLOSE && (n > 125 || !f->fin)) {
		f->close_code = 1002;
		return -1;
	}
	if (n == 126) {
		if (len < 4)
			return 0;
		n = (uint64_t)buf[2] << 8 | buf[3];
		hlen = 4;
	} else if (n == 127) {
		if (len < 10)
			return 0;
		if (buf[2] & 0x80) {
			f->close_code = 1002;
			return -1;
		}
		for (n = 0, i = 0; i < 8; i++)
			n = n << 8 | buf[2 + i];
		hlen = 10;
	}
	if (n > max) {
		f->close_code = 1009;
		return -1;
	}
	if (len < hlen + 4 || len - hlen - 4 < n)
		return 0;
	mask = buf + hlen;
	for (i = 0; i < n; i++)
		f->payload[i] = buf[hlen + 4 + i] ^ mask[i % 4];
	f->len = (size_t)n;
	return (ssize_t)(hlen + 4 + n);
}
