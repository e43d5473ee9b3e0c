/* Unit tests for user-agent.c: real User-Agent headers of the browsers,
 * Mastodon apps and tools people sign in with, each as a person would name
 * it, and the headers nothing recognises. */
#include <string.h>

#include "hearth.h"
#include "tap.h"

static const struct {
	const char	*ua;
	const char	*want;
} cases[] = {
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	  "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	  "Chrome 131 on Windows" },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	  "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
	  "Edge 131 on Windows" },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 "
	  "Firefox/133.0", "Firefox 133 on Windows" },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
	  "(KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	  "Safari 18 on macOS" },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
	  "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 "
	  "Safari/604.1", "Safari 18 on iPhone" },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
	  "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 "
	  "Mobile/15E148 Safari/604.1", "Chrome 131 on iPhone" },
	{ "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
	  "Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
	  "Samsung Internet 27 on Android" },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
	  "Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
	  "Headless Chrome 156 on Linux" },
	{ "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, "
	  "like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 on ChromeOS" },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
	  "Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
	  "Opera 115 on Linux" },
	{ "Tusky/25.2 Android/14 okhttp/4.12.0", "Tusky 25 on Android" },
	{ "Mastodon/2024.11 (iPhone; iOS 18.1)", "Mastodon app 2024 on iPhone" },
	{ "IceCubesApp/1.10.5 (iPad; iPadOS 18.1)", "Ice Cubes 1 on iPad" },
	{ "curl/8.11.0", "curl 8" },
	{ "python-requests/2.32.3", "Python requests 2" },
	{ "Mozilla/5.0 (X11; Linux x86_64)", "A browser on Linux" },
	{ "Firefox/", "Firefox" },
	{ "Firefox/12345678901", "Firefox 123456" },
	{ "", "Unknown browser" },
	{ "hearth-bench", "hearth-bench" },
	{ "a-script-whose-name-goes-on-and-on-well-past-sixty-bytes-of-text",
	  "a-script-whose-name-goes-on-and-on-well-past-sixty-bytes-of-…" },
	{ "\xff\xfe not text", "Unknown browser" },
};

int
main(void)
{
	struct arena	*a = arena_new();
	char		 long_utf8[80];
	const char	*got;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++)
		is_str(ua_describe(a, cases[i].ua), cases[i].want,
		    "case %zu of the table", i + 1);
	is_str(ua_describe(a, NULL), "Unknown browser", "no header at all");
	/* 59 ASCII bytes and then "é": cut before it, not inside it. */
	memset(long_utf8, 'x', 59);
	strcpy(long_utf8 + 59, "\xc3\xa9 and more");
	got = ua_describe(a, long_utf8);
	ok(strlen(got) == 59 + strlen("…") &&
	    strcmp(got + 59, "…") == 0,
	    "a long header is cut at a character's start");
	arena_free(a);
	return done_testing();
}
