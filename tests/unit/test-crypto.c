/* Unit tests for crypto.c and escape.c: encodings, hashes and escaping. */
#include <event2/buffer.h>

#include "hearth.h"
#include "tap.h"

/* base64url of a string, in a static buffer. */
static const char *
b64(const void *in, size_t len)
{
	static char	out[128];

	memset(out, '#', sizeof out);
	crypto_b64url(in, len, out);
	return out;
}

/* escape_html of len bytes, as a string in a static buffer. */
static const char *
html(const char *s, size_t len)
{
	static char	 out[256];
	struct evbuffer	*b = evbuffer_new();
	size_t		 n;

	escape_html(b, s, len);
	n = evbuffer_get_length(b);
	if (n >= sizeof out)
		n = sizeof out - 1;
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	evbuffer_free(b);
	return out;
}

static void
test_b64url(void)
{
	static const uint8_t	 url[] = { 0xfb, 0xff, 0xbf };
	uint8_t			 zero[32] = { 0 };
	char			 buf[8];

	/* RFC 4648 section 10, without the padding. */
	is_str(b64("", 0), "", "b64url \"\"");
	is_str(b64("f", 1), "Zg", "b64url f");
	is_str(b64("fo", 2), "Zm8", "b64url fo");
	is_str(b64("foo", 3), "Zm9v", "b64url foo");
	is_str(b64("foob", 4), "Zm9vYg", "b64url foob");
	is_str(b64("fooba", 5), "Zm9vYmE", "b64url fooba");
	is_str(b64("foobar", 6), "Zm9vYmFy", "b64url foobar");
	/* The two characters where base64url differs from base64. */
	is_str(b64(url, 3), "-_-_", "'-' and '_' instead of '+' and '/'");
	is_str(b64(url, 1), "-w", "one byte, no '='");
	is_str(b64(url, 2), "-_8", "two bytes, no '='");
	is_int(strlen(b64(zero, 32)), TOKEN_CHARS, "32 bytes are 43 characters");
	is_str(b64(zero, 32), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "zero bytes");
	memset(buf, '#', sizeof buf);
	crypto_b64url((const uint8_t *)"foo", 3, buf);
	ok(buf[4] == '\0' && buf[5] == '#', "NUL-terminated, nothing after");
}

static void
test_hash(void)
{
	char	 hex[HASH_HEX + 1], tok[80], tok2[80], hash[HASH_HEX + 1];
	uint8_t	 mac[32];
	char	 machex[65];
	size_t	 i;
	int	 alphabet = 1;

	crypto_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", "sha256(\"abc\")");
	crypto_sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", "sha256(\"\")");

	/* RFC 4231 test case 2. */
	crypto_hmac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?",
	    28, mac);
	for (i = 0; i < 32; i++)
		snprintf(machex + 2 * i, 3, "%02x", mac[i]);
	is_str(machex, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843", "HMAC-SHA256 (RFC 4231 #2)");
	/* The thread keeps its keyed context: other keys in between, the
	 * same key again, and a key too long for it (RFC 4231 #6, 131 bytes
	 * of 0xaa) must each give the standard answer. */
	{
		static const struct {
			size_t		 keylen;
			int		 fill;
			const char	*data, *want;
		} v[] = {
			{ 20, 0x0b, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b"
			    "881dc200c9833da726e9376c2e32cff7" },
			{ 4, 0, "what do ya want for nothing?",
			    "5bdcc146bf60754e6a042426089575c7"
			    "5a003f089d2739839dec58b964ec3843" },
			{ 131, 0xaa, "Test Using Larger Than Block-Size Key - "
			    "Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f"
			    "8e0bc6213728c5140546040f0ee37f54" },
			{ 20, 0x0b, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b"
			    "881dc200c9833da726e9376c2e32cff7" },
			{ 20, 0x0b, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b"
			    "881dc200c9833da726e9376c2e32cff7" },
			{ 4, 0, "what do ya want for nothing?",
			    "5bdcc146bf60754e6a042426089575c7"
			    "5a003f089d2739839dec58b964ec3843" },
		};
		uint8_t	 key[131];
		size_t	 k;

		for (k = 0; k < sizeof v / sizeof v[0]; k++) {
			if (v[k].fill == 0)
				memcpy(key, "Jefe", 4);
			else
				memset(key, v[k].fill, v[k].keylen);
			crypto_hmac(key, v[k].keylen, v[k].data,
			    strlen(v[k].data), mac);
			for (i = 0; i < 32; i++)
				snprintf(machex + 2 * i, 3, "%02x", mac[i]);
			is_str(machex, v[k].want, "HMAC-SHA256 with the "
			    "thread's context, call %zu", k + 1);
		}
	}

	ok(crypto_equal("abcdef", "abcdef", 6) == 1, "equal buffers");
	ok(crypto_equal("abcdef", "abcdeg", 6) == 0, "last byte differs");
	ok(crypto_equal("xbcdef", "abcdef", 6) == 0, "first byte differs");
	ok(crypto_equal("abc", "abd", 2) == 1, "only len bytes compared");
	ok(crypto_equal("a", "b", 0) == 1, "zero length is equal");

	crypto_new_token("hs_", tok, sizeof tok, hash);
	ok(strncmp(tok, "hs_", 3) == 0, "token starts with the prefix");
	is_int(strlen(tok), 3 + TOKEN_CHARS, "prefix plus 43 characters");
	for (i = 3; tok[i] != '\0'; i++) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", tok[i]) == NULL)
			alphabet = 0;
	}
	ok(alphabet, "token is base64url");
	crypto_sha256_hex(tok, strlen(tok), hex);
	is_str(hash, hex, "hash is sha256 of the whole token");
	crypto_new_token("hs_", tok2, 3 + TOKEN_CHARS + 1, hash);
	ok(strcmp(tok, tok2) != 0, "tokens are random");
	is_int(strlen(tok2), 3 + TOKEN_CHARS, "an exactly sized buffer works");
	crypto_new_token("", tok2, sizeof tok2, hash);
	is_int(strlen(tok2), TOKEN_CHARS, "empty prefix");
}

static void
test_escape(void)
{
	struct arena	*a = arena_new();

	is_str(html("&<>\"'`", 6), "&amp;&lt;&gt;&quot;&#39;&#96;",
	    "escape_html of every special character");
	is_str(html("plain text", 10), "plain text", "plain text unchanged");
	is_str(html("a<b", 2), "a&lt;", "only len bytes");
	is_str(html("", 0), "", "empty");
	is_str(html("<<", 2), "&lt;&lt;", "adjacent specials");
	is_str(html("x & y", 5), "x &amp; y", "text around a special");
	is_str(html("\xc3\xa9<", 3), "\xc3\xa9&lt;", "UTF-8 untouched");

	is_str(escape_url(a, "a b/c?d=e&f#g"), "a%20b%2Fc%3Fd%3De%26f%23g",
	    "escape_url reserved characters");
	is_str(escape_url(a, "AZaz09-._~"), "AZaz09-._~", "unreserved kept");
	is_str(escape_url(a, "\xc3\xa9"), "%C3%A9", "UTF-8 bytes encoded");
	is_str(escape_url(a, "100%+"), "100%25%2B", "percent sign and plus encoded");
	is_str(escape_url(a, ""), "", "empty");
	is_str(escape_url(a, "/login?next=/x"), "%2Flogin%3Fnext%3D%2Fx",
	    "a path is one component");
	arena_free(a);
}

int
main(void)
{
	test_b64url();
	test_hash();
	test_escape();
	return done_testing();
}
