/*
 * user-agent.c: a User-Agent header as a person recognises it ("Firefox 128
 * on Windows", "Tusky 25 on Android"), for the sessions and apps people see
 * in their settings. The tables are checked in order, first match wins, so
 * the browsers built on Chrome come before Chrome (their headers carry
 * Chrome's token too) and Safari, whose token everyone carries, comes last.
 */
#include <string.h>

#include "lib.h"

#define UA_VERSION_MAX	6	/* digits of a major version worth showing */
#define UA_RAW_MAX	60	/* bytes of a header nothing here knows */

/* Browsers, apps and tools: the token whose "/VERSION" follows it, the
 * name to show, and a token that must also be there (or NULL). */
static const struct {
	const char	*token;
	const char	*name;
	const char	*also;
} ua_clients[] = {
	{ "Edg/",		"Edge",			NULL },
	{ "EdgA/",		"Edge",			NULL },
	{ "EdgiOS/",		"Edge",			NULL },
	{ "OPR/",		"Opera",		NULL },
	{ "Vivaldi/",		"Vivaldi",		NULL },
	{ "SamsungBrowser/",	"Samsung Internet",	NULL },
	{ "YaBrowser/",		"Yandex Browser",	NULL },
	{ "FxiOS/",		"Firefox",		NULL },
	{ "Firefox/",		"Firefox",		NULL },
	{ "CriOS/",		"Chrome",		NULL },
	{ "HeadlessChrome/",	"Headless Chrome",	NULL },
	{ "Chromium/",		"Chromium",		NULL },
	{ "Chrome/",		"Chrome",		NULL },
	/* Mastodon apps name themselves first. */
	{ "Tusky/",		"Tusky",		NULL },
	{ "Ivory/",		"Ivory",		NULL },
	{ "IceCubesApp/",	"Ice Cubes",		NULL },
	{ "Fedilab/",		"Fedilab",		NULL },
	{ "Megalodon/",		"Megalodon",		NULL },
	{ "Moshidon/",		"Moshidon",		NULL },
	{ "Mona/",		"Mona",			NULL },
	{ "Mastodon/",		"Mastodon app",		NULL },
	/* Scripts. */
	{ "curl/",		"curl",			NULL },
	{ "Wget/",		"Wget",			NULL },
	{ "python-requests/",	"Python requests",	NULL },
	{ "Python-urllib/",	"Python",		NULL },
	{ "Go-http-client/",	"Go",			NULL },
	{ "node-fetch",		"Node.js",		NULL },
	{ "okhttp/",		"OkHttp",		NULL },
	{ "Version/",		"Safari",		"Safari/" },
};

/* Systems: a token and the name to show. */
static const struct {
	const char	*token;
	const char	*name;
} ua_systems[] = {
	{ "iPhone",		"iPhone" },
	{ "iPad",		"iPad" },
	{ "Android",		"Android" },
	{ "Windows",		"Windows" },
	{ "CrOS",		"ChromeOS" },
	{ "Mac OS X",		"macOS" },
	{ "Macintosh",		"macOS" },
	{ "Linux",		"Linux" },
	{ "FreeBSD",		"FreeBSD" },
	{ "OpenBSD",		"OpenBSD" },
};

/* The major version right after token at p ("128" of "Firefox/128.0"),
 * or NULL when there are no digits. */
static char *
ua_version(struct arena *a, const char *p)
{
	size_t	n = 0;

	while (n < UA_VERSION_MAX && p[n] >= '0' && p[n] <= '9')
		n++;
	return n > 0 ? arena_strndup(a, p, n) : NULL;
}

/*
 * What a User-Agent says, for a person: "Client VERSION on SYSTEM", with
 * whatever of the three is known; an unknown header as it came (up to
 * UA_RAW_MAX bytes of it); "Unknown browser" for none or one not UTF-8.
 */
const char *
ua_describe(struct arena *a, const char *ua)
{
	const char	*client = NULL, *system = NULL, *p;
	char		*version = NULL;
	size_t		 i, n;

	if (ua == NULL || *ua == '\0')
		return "Unknown browser";
	for (i = 0; i < nitems(ua_clients) && client == NULL; i++) {
		if ((p = strstr(ua, ua_clients[i].token)) == NULL ||
		    (ua_clients[i].also != NULL &&
		    strstr(ua, ua_clients[i].also) == NULL))
			continue;
		client = ua_clients[i].name;
		version = ua_version(a, p + strlen(ua_clients[i].token));
	}
	for (i = 0; i < nitems(ua_systems) && system == NULL; i++) {
		if (strstr(ua, ua_systems[i].token) != NULL)
			system = ua_systems[i].name;
	}
	if (client == NULL && system == NULL) {
		n = strlen(ua);
		if (!utf8_valid((const unsigned char *)ua, n))
			return "Unknown browser";
		if (n <= UA_RAW_MAX)
			return ua;
		return arena_printf(a, "%.*s…", (int)utf8_cut(ua, UA_RAW_MAX),
		    ua);
	}
	if (client == NULL)
		return arena_printf(a, "A browser on %s", system);
	return arena_printf(a, "%s%s%s%s%s", client, version ? " " : "",
	    version ? version : "", system ? " on " : "", system ? system : "");
}
