/* Unit tests for mail.c (RFC 2047 headers, mailboxes, the composed
 * message) and notify_excerpt (the one line a notification shows). */
#include <stdlib.h>
#include <string.h>

#include "hearth.h"
#include "tap.h"

/* Whether every line of s (CRLF separated) is at most max bytes. */
static int
lines_within(const char *s, size_t max)
{
	const char	*e;

	for (; *s != '\0'; s = e + 2) {
		if ((e = strstr(s, "\r\n")) == NULL)
			return strlen(s) <= max;
		if ((size_t)(e - s) > max)
			return 0;
	}
	return 1;
}

int
main(void)
{
	struct arena	*a = arena_new();
	struct config	 c;
	struct mail_msg	 m;
	char		*s, *msg, long_name[400];
	size_t		 i;

	s = mail_header_encode("Plain words");
	is_str(s, "Plain words", "ASCII stays as it is");
	free(s);
	s = mail_header_encode("Zo\xc3\xab");
	is_str(s, "=?UTF-8?B?Wm/Dqw==?=", "UTF-8 is one B encoded-word");
	free(s);
	s = mail_header_encode("a\r\nBcc: x@evil");
	is_str(s, "a  Bcc: x@evil", "line breaks never reach a header");
	free(s);
	/* 150 two-byte characters: several words, none over 75, folded */
	for (i = 0; i < 150; i++)
		memcpy(long_name + 2 * i, "\xc3\xa9", 2);
	long_name[300] = '\0';
	s = mail_header_encode(long_name);
	ok(strstr(s, "?=\r\n =?UTF-8?B?") != NULL, "long: folded words");
	ok(lines_within(s, 76), "... each line within 76");
	free(s);

	s = mail_mailbox("Zo\xc3\xab", "zoe@example.com");
	is_str(s, "=?UTF-8?B?Wm/Dqw==?= <zoe@example.com>", "encoded name");
	free(s);
	s = mail_mailbox("Smith, Jo", "jo@example.com");
	is_str(s, "\"Smith, Jo\" <jo@example.com>", "a comma is quoted");
	free(s);
	s = mail_mailbox(NULL, "x@example.com");
	is_str(s, "<x@example.com>", "no name: the address");
	free(s);

	config_defaults(&c);
	free(c.mail_from);
	c.mail_from = xstrdup("hearth@example.com");
	memset(&m, 0, sizeof m);
	m.from_name = "Caf\xc3\xa9";
	m.to_name = "Zo\xc3\xab";
	m.to_addr = "zoe@example.com";
	m.subject = "3 new notifications";
	m.text = "Hello\n";
	m.html = "<p>Hello</p>\n";
	m.unsubscribe = "https://hearth.example.com/settings/notifications";
	msg = mail_compose(&c, &m);
	ok(strstr(msg, "From: =?UTF-8?B?Q2Fmw6k=?= <hearth@example.com>\r\n") !=
	    NULL, "From: the encoded name and mail.from");
	ok(strstr(msg, "To: =?UTF-8?B?Wm/Dqw==?= <zoe@example.com>\r\n") !=
	    NULL, "To");
	ok(strstr(msg, "Subject: 3 new notifications\r\n") != NULL, "Subject");
	ok(strstr(msg, "List-Unsubscribe: <https://hearth.example.com/"
	    "settings/notifications>\r\n") != NULL, "List-Unsubscribe");
	ok(strstr(msg, "Message-ID: <") != NULL &&
	    strstr(msg, "@example.com>\r\n") != NULL, "a Message-ID");
	ok(strstr(msg, "Content-Type: multipart/alternative;") != NULL,
	    "multipart/alternative");
	ok(strstr(msg, "Content-Type: text/plain; charset=UTF-8") != NULL &&
	    strstr(msg, "Content-Type: text/html; charset=UTF-8") != NULL,
	    "... text then HTML");
	ok(strstr(msg, "SGVsbG8K") != NULL, "the text part, base64");
	ok(lines_within(msg, 998), "no line over RFC 5322's 998");
	free(msg);
	config_free(&c);

	is_str(notify_excerpt(a, "  one\n\ntwo\t three ", 40),
	    "one two three", "white space folded, ends trimmed");
	is_str(notify_excerpt(a, "abcdefghij", 5), "abcde\xe2\x80\xa6",
	    "cut: an ellipsis");
	is_str(notify_excerpt(a, "ab\xc3\xa9\xc3\xa9", 3), "ab\xe2\x80\xa6",
	    "never half a character");
	is_str(notify_excerpt(a, "ab\xe2\x82\xac", 4), "ab\xe2\x80\xa6",
	    "... of three bytes either");
	is_str(notify_excerpt(a, "abc", 3), "abc", "exactly max: whole");
	is_str(notify_excerpt(a, "", 10), "", "empty stays empty");
	arena_free(a);
	return done_testing();
}
