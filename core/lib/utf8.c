/*
 * utf8.c: the one check that text is well-formed UTF-8 without NUL bytes
 * (no overlongs, no surrogates, nothing past U+10FFFF), shared by every
 * parser that takes text from outside: forms, multipart, Markdown; and
 * the ASCII lowercasing that tags and usernames are compared under.
 */
#include <string.h>

#include "lib.h"

/*
 * The offset of the first byte that breaks the rule, or len if none does;
 * *nul (if not NULL) says whether that byte is a NUL.
 */
size_t
utf8_check(const unsigned char *s, size_t len, int *nul)
{
	size_t		i = 0, n, k;
	uint32_t	cp;

	if (nul != NULL)
		*nul = 0;
	while (i < len) {
		if (s[i] == 0) {
			if (nul != NULL)
				*nul = 1;
			return i;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
		} else
			return i;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/* How many characters (code points) a UTF-8 string has: the bytes that
 * do not continue one. */
size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Whether a buffer is well-formed UTF-8 with no NUL. */
int
utf8_valid(const unsigned char *s, size_t len)
{
	return utf8_check(s, len, NULL) == len;
}

/* The length of s cut to at most max bytes at a character's start, so a
 * cut never splits a character of valid UTF-8. */
size_t
utf8_cut(const char *s, size_t max)
{
	size_t	n = strlen(s);

	if (n <= max)
		return n;
	for (n = max; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
		;
	return n;
}

/*
 * Lowercase s's ASCII letters in place (tags and usernames compare so);
 * bytes of multibyte sequences are left as they are. Returns s.
 */
char *
utf8_lower_ascii(char *s)
{
	char	*c;

	for (c = s; c != NULL && *c != '\0'; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	}
	return s;
}
