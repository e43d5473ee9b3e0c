/* Unit tests for markdown.c: rendering, mentions, tags, URLs and hostile input. */
#include <ctype.h>
#include <time.h>

#include "hearth.h"
#include "tap.h"

#define BASE "https://hearth.example.com"

/*
 * Pathological input must render in linear time: well under a second here,
 * asserted under 2 s of CPU time (not wall time, which a loaded CI machine
 * stretches), or 10 s under ASan, whose malloc is several times slower.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW_SECONDS	10.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW_SECONDS	10.0
#endif
#endif
#ifndef SLOW_SECONDS
#define SLOW_SECONDS	2.0
#endif

static struct arena	*a;
static struct markdown	 md;
static char		*cause;
static int		 lookups;

/* Resolve ada (1), bob (2), "uN" (N + 100) and ada@example.org or
 * ada@127.0.0.1:8080 (50, someone outside), case-insensitively. */
static const char *
resolve(void *arg, const char *name, int64_t *id)
{
	static char	buf[32];

	lookups++;
	if (strcasecmp(name, "ada") == 0) {
		*id = 1;
		return "ada";
	}
	if (strcasecmp(name, "bob") == 0) {
		*id = 2;
		return "bob";
	}
	if (strcasecmp(name, "ada@example.org") == 0 ||
	    strcasecmp(name, "ada@127.0.0.1:8080") == 0) {
		*id = 50;
		snprintf(buf, sizeof buf, "%s", name);
		return buf;
	}
	if (name[0] == 'u' && isdigit((unsigned char)name[1])) {
		*id = 100 + atoi(name + 1);
		snprintf(buf, sizeof buf, "%s", name);
		return buf;
	}
	return NULL;
}

/* Render into md; the result of markdown_render. */
static int
render_len(const char *src, size_t len)
{
	free(cause);
	cause = NULL;
	lookups = 0;
	return markdown_render(a, src, len, BASE, resolve, NULL, &md, &cause);
}

/* Render a C string; on error md.html is "(error)" so is_str shows it. */
static const char *
html(const char *src)
{
	if (render_len(src, strlen(src)) != 0) {
		printf("# error: %s\n", cause ? cause : "?");
		return "(error)";
	}
	return md.html;
}

/* Whether a string contains another, ignoring ASCII case. */
static int
has(const char *s, const char *sub)
{
	return strcasestr(s, sub) != NULL;
}

/* How many times sub occurs in s. */
static int
count(const char *s, const char *sub)
{
	int	n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += strlen(sub);
	}
	return n;
}

/* Whether an href value is one markdown.c may produce. */
static int
href_ok(const char *v, size_t n)
{
	static const char	*ok[] = { "http:", "https:", "mailto:" };
	size_t			 i;

	for (i = 0; i < nitems(ok); i++) {
		if (n >= strlen(ok[i]) && strncasecmp(v, ok[i], strlen(ok[i])) == 0)
			return 1;
	}
	return 0;
}

/* Whether HTML has only the tags and attributes Markdown makes, no event
 * handlers and no href but http, https or mailto; why in *why if not. */
static int
html_safe(const char *h, const char **why)
{
	static const char	*tags[] = { "p", "br", "em", "strong", "a", "code",
	    "pre", "blockquote", "ul", "ol", "li", "hr", "h1", "h2", "h3", "h4",
	    "h5", "h6" };
	static const char	*attrs[] = { "href", "title", "rel", "target",
	    "class", "data-id", "start" };
	const char		*p = h, *q, *v;
	size_t			 i, n;

	*why = NULL;
	if (has(h, "<script") || has(h, "<!--")) {
		*why = "script or comment";
		return 0;
	}
	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (*p == '/')
			p++;
		for (q = p; isalnum((unsigned char)*q); q++)
			;
		n = q - p;
		for (i = 0; i < nitems(tags); i++) {
			if (strlen(tags[i]) == n && strncmp(p, tags[i], n) == 0)
				break;
		}
		if (i == nitems(tags)) {
			*why = "unexpected tag";
			return 0;
		}
		for (p = q; *p != '>'; ) {
			if (*p == '\0') {
				*why = "unterminated tag";
				return 0;
			}
			if (*p == ' ' || *p == '/') {
				p++;
				continue;
			}
			for (q = p; *q != '=' && *q != ' ' && *q != '>' &&
			    *q != '\0'; q++)
				;
			n = q - p;
			for (i = 0; i < nitems(attrs); i++) {
				if (strlen(attrs[i]) == n &&
				    strncmp(p, attrs[i], n) == 0)
					break;
			}
			if (i == nitems(attrs) || *q != '=' || q[1] != '"') {
				*why = "unexpected attribute";
				return 0;
			}
			v = q + 2;
			if ((q = strchr(v, '"')) == NULL) {
				*why = "unterminated attribute";
				return 0;
			}
			if (n == 4 && strncmp(p, "href", 4) == 0 &&
			    !href_ok(v, q - v)) {
				*why = "unexpected href";
				return 0;
			}
			p = q + 1;
		}
	}
	return 1;
}

/* CPU seconds since an earlier clock_gettime. */
static double
since(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A string of n copies of s. */
static char *
repeat(const char *s, size_t n)
{
	size_t	 len = strlen(s), i;
	char	*out = xmalloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

/* Render a big input, checking time, success, safety and output size. */
static void
pathological(const char *what, char *src)
{
	struct timespec	 t0;
	const char	*why;
	size_t		 len = strlen(src);
	double		 secs;
	int		 rc;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	rc = render_len(src, len);
	secs = since(&t0);
	ok(rc == 0 && secs < SLOW_SECONDS, "%s: %.3f s", what, secs);
	if (rc == 0) {
		ok(html_safe(md.html, &why), "%s: safe output", what);
		/* cmark writes 27 bytes a level for nested quotes. */
		ok(strlen(md.html) < 32 * len + 1024 &&
		    strlen(md.text) <= len, "%s: output bounded (%zu bytes)",
		    what, strlen(md.html));
	}
	free(src);
	arena_free(a);
	a = arena_new();
}

/* The hostile inputs: none may produce active content. */
static const char *hostile[] = {
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"<img src=x onerror=alert(1)>",
	"<svg onload=alert(1)>",
	"<iframe src=\"https://evil.example\"></iframe>",
	"<style>body{display:none}</style>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<div onclick=\"alert(1)\">\nblock\n</div>",
	"text <b onmouseover=alert(1)>inline</b>",
	"<!-- comment --><x>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](jav&#x61;script:alert(1))",
	"[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1))",
	"[x](javascript&colon;alert(1))",
	"[x](javascript%3Aalert(1))",
	"[x](<javascript:alert(1)>)",
	"[x]( javascript:alert(1) )",
	"[x](java\\\nscript:alert(1))",
	"[x](java&#9;script:alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"[x](file:///etc/passwd)",
	"[x](//evil.example/)",
	"[x](/\\evil.example/)",
	"<javascript:alert(1)>",
	"<JAVASCRIPT:alert(1)>",
	"<jav&#x61;script:alert(1)>",
	"<vbscript:msgbox(1)>",
	"<data:text/html,<script>alert(1)</script>>",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"[x][r]\n\n[r]: jav&#x61;script:alert(1) \"t\"",
	"[r]\n\n[r]: <data:text/html,x>",
	"![x](javascript:alert(1))",
	"![x](data:image/png;base64,iVBORw0KGgo=)",
	"![x](https://tracker.example/pixel.gif \"t\" )",
	"![x\" onerror=\"alert(1)](https://i.example/x.png)",
	"[x](https://ok.example/\" onclick=\"alert(1))",
	"[x](https://ok.example/ \"a\\\" onmouseover=\\\"alert(1)\")",
	"[x](<https://ok.example/\" onclick=\"alert(1)>)",
	"https://ok.example/\"onmouseover=alert(1)//",
	"https://ok.example/'onmouseover='alert(1)",
	"https://ok.example/<script>alert(1)</script>",
	"```\" onmouseover=\"alert(1)\ncode\n```",
	"``` <script>\ncode\n```",
	"[![x](javascript:alert(1))](javascript:alert(2))",
	"[a [b](javascript:alert(1))](https://ok.example/)",
	"@ada\" onmouseover=\"x #tag\" onclick=\"y",
	"\x01javascript:alert(1)",
	"[x](\x01javascript:alert(1))",
};

int
main(void)
{
	const char	*why, *h;
	char		*s;
	size_t		 i;
	int		 rc;

	a = arena_new();

	/* Markdown itself. */
	is_str(html("*em* **strong**"),
	    "<p><em>em</em> <strong>strong</strong></p>\n", "emphasis");
	is_str(html("- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n",
	    "bullet list");
	is_str(html("3. c\n4. d"), "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n"
	    "</ol>\n", "ordered list");
	is_str(html("a `x<y` b"), "<p>a <code>x&lt;y</code> b</p>\n",
	    "code span escaped");
	is_str(html("```c\nint x;\n```"),
	    "<pre><code class=\"language-c\">int x;\n</code></pre>\n",
	    "fenced code block");
	is_str(html("> quoted"), "<blockquote>\n<p>quoted</p>\n</blockquote>\n",
	    "blockquote");
	is_str(html("one\ntwo"), "<p>one<br />\ntwo</p>\n",
	    "a single newline is a line break");
	is_str(html("one\n\ntwo"), "<p>one</p>\n<p>two</p>\n",
	    "a blank line is a new paragraph");
	is_str(html("\"quotes\" -- and ..."),
	    "<p>&quot;quotes&quot; -- and ...</p>\n", "no smart punctuation");
	is_str(html("a & b < c"), "<p>a &amp; b &lt; c</p>\n", "text escaped");
	is_str(html(""), "", "empty input");
	is_str(md.text, "", "empty text");
	html("**Hello** @ada\n\n> quote *me*\n\n```\ncode\n```\n\n[link](https://x.example)");
	is_str(md.text, "Hello @ada\nquote me\ncode\nlink", "plain text");
	is_str(html("caf\xc3\xa9 \xe2\x9c\x93"),
	    "<p>caf\xc3\xa9 \xe2\x9c\x93</p>\n", "UTF-8 passes through");

	/* Raw HTML is shown as typed, never rendered. */
	is_str(html("a <b>bold</b>"), "<p>a &lt;b&gt;bold&lt;/b&gt;</p>\n",
	    "inline HTML shown as text");
	is_str(html("<div>\nhi\n</div>"),
	    "<p>&lt;div&gt;<br />\nhi<br />\n&lt;/div&gt;</p>\n",
	    "HTML block shown as text");

	/* Mentions. */
	is_str(html("hi @ada!"), "<p>hi <a href=\"" BASE "/@ada\" "
	    "class=\"mention\" data-id=\"1\">@ada</a>!</p>\n", "mention linked");
	ok(md.nmentions == 1 && strcmp(md.mentions[0].name, "ada") == 0 &&
	    strcmp(md.mentions[0].display, "ada") == 0 &&
	    md.mentions[0].id == 1, "mention recorded");
	h = html("@Ada");
	ok(strstr(h, "href=\"" BASE "/@ada\"") != NULL &&
	    strstr(h, ">@Ada</a>") != NULL, "canonical href, text as written");
	ok(md.nmentions == 1 && strcmp(md.mentions[0].name, "ada") == 0 &&
	    strcmp(md.mentions[0].display, "Ada") == 0, "display as written");
	is_str(html("hi @nobody"), "<p>hi @nobody</p>\n",
	    "unknown name is text");
	is_int(md.nmentions, 0, "unknown name not recorded");
	h = html("@ada @bob @ADA @ada, @bob.");
	is_int(md.nmentions, 2, "mentions deduplicated");
	is_int(count(h, "class=\"mention\""), 5, "every occurrence linked");
	is_int(lookups, 2, "each name resolved once");
	ok(md.nmentions == 2 && md.mentions[0].id == 1 &&
	    md.mentions[1].id == 2, "mentions in order of appearance");
	html("`@ada` and\n\n    @ada indented\n\n```\n@ada\n```");
	is_int(md.nmentions, 0, "no mentions in code");
	h = html("[@ada](https://x.example) ![@ada](https://x.example/i.png)");
	ok(md.nmentions == 0 && !has(h, "mention"), "no mentions in links");
	html("mail ada@bob.com or bob@ada");
	is_int(md.nmentions, 0, "email address is not a mention");
	h = html("@ada@example.org and @bob@example.org.");
	ok(md.nmentions == 1 && md.mentions[0].id == 50, "someone outside "
	    "known here is a mention");
	ok(has(h, "href=\"" BASE "/@ada@example.org\""),
	    "... linked to their page here");
	ok(has(h, "@bob@example.org.</p>"), "someone unknown stays text");
	h = html("@ada@example.org. Next");
	ok(md.nmentions == 1 && !has(h, "example.org.\""), "a full stop "
	    "after the host is the sentence's");
	html("@ada@127.0.0.1:8080 hi");
	is_int(md.nmentions, 1, "a host with a port");
	html("@ada@localhost @ada@exa..mple @ada@-x.org");
	is_int(md.nmentions, 0, "no dot and no port, or a broken host: text");
	html("@ada@example.org@x.org");
	is_int(md.nmentions, 0, "a second '@' after the host: text");
	html("x/@ada _@ada @@ada");
	is_int(md.nmentions, 0, "after '/', '_' or '@' is not a mention");
	html("(@ada) *@bob*");
	is_int(md.nmentions, 2, "mention in parentheses and emphasis");
	html("@ada_ @adam @ada\xc3\xa9");
	is_int(md.nmentions, 0, "longer name is another name");
	s = repeat("a", 31);
	h = arena_printf(a, "@%s", s);
	free(s);
	html(h);
	ok(md.nmentions == 0 && lookups == 0, "31-character name not looked up");
	s = xstrdup("");
	for (i = 0; i < 60; i++) {
		char *t = xasprintf("%s@u%zu ", s, i);

		free(s);
		s = t;
	}
	h = html(s);
	free(s);
	is_int(md.nmentions, MARKDOWN_MAX_MENTIONS, "mentions capped");
	is_int(count(h, "class=\"mention\""), MARKDOWN_MAX_MENTIONS,
	    "only recorded mentions linked");
	ok(markdown_render(a, "@ada", 4, BASE, NULL, NULL, &md, &cause) == 0 &&
	    md.nmentions == 0 && strcmp(md.html, "<p>@ada</p>\n") == 0,
	    "no resolver, no mentions");

	/* Hashtags. */
	h = html("#Hearth and #hearth, #HEARTH.");
	is_int(md.ntags, 1, "tags deduplicated case-insensitively");
	ok(md.ntags == 1 && strcmp(md.tags[0].name, "hearth") == 0 &&
	    strcmp(md.tags[0].display, "#Hearth") == 0, "tag recorded lowercase, "
	    "display as first written");
	is_int(count(h, "<a href=\"" BASE "/tags/hearth\" class=\"hashtag\" "
	    "rel=\"tag\">"), 3, "every occurrence linked");
	ok(strstr(h, ">#HEARTH</a>.") != NULL, "link text as written");
	html("#123 #1st #2024_q1");
	ok(md.ntags == 2 && strcmp(md.tags[0].name, "1st") == 0,
	    "digits only is not a tag");
	html("`#code` and\n```\n#block\n```");
	is_int(md.ntags, 0, "no tags in code");
	html("[#link](https://x.example/) and https://x.example/page#frag");
	is_int(md.ntags, 0, "no tags in links or URL fragments");
	html("a/#path C# x#y");
	is_int(md.ntags, 0, "after '/' or a letter is not a tag");
	html("&amp;#x27; \\&#39;");
	is_int(md.ntags, 0, "entity text is not a tag");
	h = html("#caf\xc3\xa9 #CAF\xc3\xa9");
	ok(md.ntags == 1 && strcmp(md.tags[0].name, "caf\xc3\xa9") == 0,
	    "UTF-8 tag, ASCII lowercased");
	ok(strstr(h, "/tags/caf%C3%A9\"") != NULL, "UTF-8 tag percent-encoded");
	html("#hearth\xe2\x80\x99s #\xe6\x97\xa5\xe6\x9c\xac\xe3\x80\x82");
	ok(md.ntags == 2 && strcmp(md.tags[0].name, "hearth") == 0 &&
	    strcmp(md.tags[1].name, "\xe6\x97\xa5\xe6\x9c\xac") == 0,
	    "Unicode punctuation ends a tag");
	html("# Title #news\n\n#notheading");
	ok(md.ntags == 2 && strcmp(md.tags[0].name, "news") == 0,
	    "tags in headings; #word is not a heading");
	s = repeat("a", 100);
	h = arena_printf(a, "#%s #b%s", s, s);
	free(s);
	html(h);
	ok(md.ntags == 1 && strlen(md.tags[0].name) == 100,
	    "100-byte tag, not 101");
	s = xstrdup("");
	for (i = 0; i < 60; i++) {
		char *t = xasprintf("%s#t%zu ", s, i);

		free(s);
		s = t;
	}
	h = html(s);
	free(s);
	is_int(md.ntags, MARKDOWN_MAX_TAGS, "tags capped");
	is_int(count(h, "class=\"hashtag\""), MARKDOWN_MAX_TAGS,
	    "only recorded tags linked");

	/* Bare URLs. */
	is_str(html("see https://example.com/a."),
	    "<p>see <a href=\"https://example.com/a\" rel=\"nofollow noopener "
	    "noreferrer\" target=\"_blank\">https://example.com/a</a>.</p>\n",
	    "bare URL linked, trailing dot left");
	ok(strstr(html("(see https://en.example/A_(b))"),
	    ">https://en.example/A_(b)</a>)</p>") != NULL,
	    "balanced parenthesis kept, unbalanced left");
	ok(strstr(html("https://example.com/x?a=1&b=2,"),
	    "href=\"https://example.com/x?a=1&amp;b=2\"") != NULL &&
	    strstr(md.html, "</a>,") != NULL, "query escaped, comma left");
	ok(strstr(html("\"https://example.com/q\"!?"),
	    "q</a>&quot;!?") != NULL, "quotes and punctuation left");
	ok(strstr(html("HTTP://EXAMPLE.COM/"), "href=\"HTTP://EXAMPLE.COM/\"")
	    != NULL, "scheme case-insensitive");
	ok(!has(html("http:// and https://. and xhttp://x.example"), "<a "),
	    "not URLs");
	ok(!has(html("`https://x.example` and <https://y.example> too"),
	    "x.example</a>"), "no URL in code");
	ok(count(md.html, "rel=\"nofollow noopener noreferrer\"") == 1,
	    "autolink gets rel");
	h = html("https://example.com/a_b_c/*not*emphasis*");
	ok(strstr(h, "href=\"https://example.com/a_b_c/") != NULL,
	    "underscores inside a URL");
	s = repeat("x", 200);
	h = html(arena_printf(a, "https://example.com/%s", s));
	ok(strstr(h, arena_printf(a, "href=\"https://example.com/%s\"", s)) !=
	    NULL && strstr(h, "\xe2\x80\xa6</a>") != NULL,
	    "long URL shortened, href whole");
	free(s);
	h = html("https://\xc3\xa9.example/\xc3\xa9\xc3\xa9");
	ok(strstr(h, "href=\"https://%C3%A9.example/%C3%A9%C3%A9\"") != NULL,
	    "non-ASCII URL percent-encoded");
	ok(!has(html("https://ok.example/\"onmouseover=alert(1)//"),
	    "\" onmouseover"), "quote in URL encoded");

	/* Links and images. */
	is_str(html("[x](https://example.com \"T&\")"), "<p><a href=\""
	    "https://example.com\" title=\"T&amp;\" rel=\"nofollow noopener "
	    "noreferrer\" target=\"_blank\">x</a></p>\n", "link gets rel");
	ok(strstr(html("[*x*](/about)"), "<a href=\"" BASE "/about\"") != NULL &&
	    strstr(md.html, "><em>x</em></a>") != NULL,
	    "site path made absolute, link text keeps Markdown");
	ok(strstr(html("[m](mailto:ada@example.com)"),
	    "href=\"mailto:ada@example.com\"") != NULL, "mailto link");
	ok(strstr(html("<ada@example.com>"), "href=\"mailto:ada@example.com\"")
	    != NULL, "email autolink");
	is_str(html("[x](ftp://example.com) [y](relative) [z]()"),
	    "<p>x y z</p>\n", "other targets dropped, text kept");
	h = html("![a cat](https://img.example/cat.png)");
	ok(!has(h, "<img") && strstr(h, "href=\"https://img.example/cat.png\"")
	    != NULL && strstr(h, ">a cat</a>") != NULL,
	    "image becomes a link with its alt text");
	h = html("![](https://img.example/cat.png)");
	ok(!has(h, "<img") && strstr(h, ">https://img.example/cat.png</a>") !=
	    NULL, "image without alt shows its URL");
	is_str(html("![a cat](javascript:alert(1))"), "<p>a cat</p>\n",
	    "unsafe image is its alt text");
	h = html("[![build](https://ci.example/b.svg)](https://ci.example/)");
	ok(count(h, "<a ") == 1 && strstr(h, ">build</a>") != NULL,
	    "image inside a link: one link");
	h = html("[![](https://ci.example/b.svg)](https://ci.example/)");
	ok(count(h, "<a ") == 1 && strstr(h, ">https://ci.example/</a>") !=
	    NULL, "empty link shows its URL");
	h = html("[r]\n\n[r]: https://example.com/ref");
	ok(strstr(h, "href=\"https://example.com/ref\"") != NULL,
	    "reference link");

	/* Hostile input. */
	for (i = 0; i < nitems(hostile); i++) {
		h = html(hostile[i]);
		if (!ok(html_safe(h, &why), "hostile %zu safe", i))
			printf("#   %s: %s\n", why, h);
	}
	ok(!has(html("<script>alert(1)</script>"), "<script"),
	    "script tag shown as text");
	ok(!has(html("[x](javascript:alert(1))"), "javascript"),
	    "javascript link dropped");

	/* Invalid input. */
	rc = render_len("a\xff", 2);
	ok(rc == -1 && cause != NULL, "invalid byte: %s",
	    cause ? cause : "(no cause)");
	ok(render_len("\xc0\xaf", 2) == -1 && cause != NULL, "overlong refused");
	ok(render_len("\xe2\x82", 2) == -1 && cause != NULL,
	    "truncated sequence refused");
	ok(render_len("\xed\xa0\x80", 3) == -1 && cause != NULL,
	    "surrogate refused");
	ok(render_len("\xf4\x90\x80\x80", 4) == -1 && cause != NULL,
	    "beyond U+10FFFF refused");
	rc = render_len("a\0b", 3);
	ok(rc == -1 && cause != NULL && has(cause, "NUL"), "NUL refused: %s",
	    cause ? cause : "(no cause)");
	ok(render_len("ab", 1) == 0 && strcmp(md.html, "<p>a</p>\n") == 0,
	    "length respected");

	/* Pathological input: linear time, bounded output. */
	arena_free(a);
	a = arena_new();
	pathological("50,000 nested >", repeat(">", 50000));
	pathological("50,000 nested > with spaces", repeat("> ", 50000));
	pathological("100,000 [", repeat("[", 100000));
	pathological("100,000 ![", repeat("![", 100000));
	pathological("20,000 [a](", repeat("[a](", 20000));
	pathological("*a **a pattern", repeat("*a **a ", 20000));
	pathological("_a __a pattern", repeat("_a __a ", 20000));
	pathological("100,000 backticks", repeat("`", 100000));
	pathological("backtick runs", repeat("`a``b", 50000));
	pathological("nested lists", repeat("- * ", 20000));
	pathological("indented lists", repeat("- a\n  ", 20000));
	pathological("10,000 @a mentions", repeat("@ada ", 10000));
	pathological("10,000 unknown mentions", repeat("@nobody ", 10000));
	pathological("1 MB of #a", repeat("#a ", 350000));
	pathological("1 MB of #", repeat("#", 1 << 20));
	pathological("1 MB of @", repeat("@", 1 << 20));
	pathological("1 MB of bare URLs", repeat("http://a.b/ ", 90000));
	pathological("1 MB of one URL",
	    xasprintf("http://%s", s = repeat("a", 1 << 20)));
	free(s);
	pathological("1 MB of (", xasprintf("http://%s", s = repeat("(", 1 << 20)));
	free(s);
	pathological("1 MB of one word", xasprintf("#%s", s = repeat("a", 1 << 20)));
	free(s);
	pathological("entities", repeat("&#x61;&amp;", 100000));
	pathological("raw HTML", repeat("<b>", 50000));
	pathological("link references", repeat("[a]: http://x\n", 50000));
	pathological("1 MB of text", repeat("hello world ", 90000));

	free(cause);
	arena_free(a);
	return done_testing();
}
