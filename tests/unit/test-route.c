/* Unit tests for router.c: route_match and router_find (404 vs 405). */
#include "hearth.h"
#include "tap.h"

static struct arena	*a;
static const char	*params[ROUTE_MAX_PARAMS];

/* route_match with the standard number of parameter slots. */
static int
match(const char *pattern, const char *path)
{
	memset(params, 0, sizeof params);
	return route_match(pattern, path, a, params, ROUTE_MAX_PARAMS);
}

static void
test_match(void)
{
	is_int(match("/", "/"), 0, "root matches root");
	is_int(match("/", "/x"), -1, "root does not match /x");
	is_int(match("/", ""), -1, "empty path does not match");
	is_int(match("/login", "/login"), 0, "literal");
	is_int(match("/login", "/logout"), -1, "different literal");
	is_int(match("/login", "/log"), -1, "prefix of a literal");
	is_int(match("/log", "/login"), -1, "literal is a prefix of the path");
	is_int(match("/login", "/login/"), -1, "trailing slash does not match");
	is_int(match("/login", "/Login"), -1, "literals are case-sensitive");
	is_int(match("/login", "login"), -1, "path without leading slash");
	is_int(match("/a/b", "/a"), -1, "missing segment");
	is_int(match("/a", "/a/b"), -1, "extra segment");
	is_int(match("/a/b", "/a//b"), -1, "doubled slash");

	is_int(match("/users/:id", "/users/42"), 1, ":param captures");
	is_str(params[0], "42", "captured value");
	is_int(match("/users/:id", "/users/"), -1,
	    "empty segment does not match :param");
	is_int(match("/users/:id", "/users"), -1, "missing :param segment");
	is_int(match("/users/:id", "/users/42/x"), -1, "extra after :param");
	is_int(match("/users/:id/posts/:pid", "/users/a/posts/b"), 2,
	    "two captures");
	ok(params[0] && params[1] && strcmp(params[0], "a") == 0 &&
	    strcmp(params[1], "b") == 0, "both captured in order");
	is_int(match("/u/:id/x", "/u//x"), -1, "empty middle :param");
	is_int(match("/:a/:b/:c/:d/:e", "/1/2/3/4/5"), -1,
	    "more params than slots refused");
	memset(params, 0, sizeof params);
	is_int(route_match("/:a/:b", "/1/2", a, params, 1), -1,
	    "maxparams is respected");

	is_int(match("/@:name", "/@ada"), 1, "prefixed :param captures");
	is_str(params[0], "ada", "prefix left out of the capture");
	is_int(match("/@:name", "/@"), -1, "empty after the prefix");
	is_int(match("/@:name", "/ada"), -1, "prefix missing");
	is_int(match("/@:name", "/login"), -1, "other literal");
	is_int(match("/@:name/:id", "/@ada/42"), 2, "prefixed then :param");
	is_str(params[1], "42", "second capture");
	is_int(match("/@:name/follow", "/@ada/follow"), 1,
	    "prefixed then literal");
	is_int(match("/static/*", "/static/css/site.css"), 1, "trailing *");
	is_str(params[0], "css/site.css", "* takes the rest, slashes too");
	is_int(match("/static/*", "/static/"), 1, "* may be empty");
	is_str(params[0], "", "empty rest");
	is_int(match("/static/*", "/static"), -1,
	    "* needs the slash before it");
	is_int(match("/static/*", "/statics/x"), -1, "literal before * checked");
	is_int(match("/a/:x/*", "/a/b/c/d"), 2, ":param then *");
	ok(params[0] && params[1] && strcmp(params[0], "b") == 0 &&
	    strcmp(params[1], "c/d") == 0, ":param and rest captured");
	is_int(match("/a/*/b", "/a/x/b"), -1, "* in the middle is a literal");
	is_int(match("/a/*/b", "/a/*/b"), 0, "... matching only itself");
}

static void
test_find(void)
{
	const struct route	*r;
	int			 allowed;

	router_add(web_routes, web_nroutes);
	router_add(api_routes, api_nroutes);
	r = router_find("/healthz", M_GET, a, params, &allowed);
	ok(r != NULL && strcmp(r->pattern, "/healthz") == 0, "GET /healthz");
	r = router_find("/healthz", M_HEAD, a, params, &allowed);
	ok(r != NULL && strcmp(r->pattern, "/healthz") == 0,
	    "HEAD is served by the GET route");

	r = router_find("/login", M_GET, a, params, &allowed);
	ok(r != NULL && (r->methods & M_GET) && !(r->flags & R_ANON),
	    "GET /login is the form");
	r = router_find("/login", M_POST, a, params, &allowed);
	ok(r != NULL && (r->methods & M_POST) && (r->flags & R_ANON),
	    "POST /login is a different route");

	r = router_find("/static/hearth.css", M_GET, a, params, &allowed);
	ok(r != NULL && params[0] != NULL &&
	    strcmp(params[0], "hearth.css") == 0, "/static/:file captures");

	r = router_find("/", M_GET, a, params, &allowed);
	ok(r != NULL && (r->flags & R_AUTH), "/ needs sign-in");

	allowed = -1;
	r = router_find("/healthz", M_POST, a, params, &allowed);
	ok(r == NULL, "POST /healthz finds no route");
	is_int(allowed, M_GET, "... but reports GET as allowed (405)");

	r = router_find("/logout", M_GET, a, params, &allowed);
	ok(r == NULL && allowed == M_POST, "GET /logout: 405, POST allowed");

	r = router_find("/login", M_DELETE, a, params, &allowed);
	ok(r == NULL && allowed == (M_GET | M_POST),
	    "DELETE /login: 405 with both methods of the path");

	allowed = -1;
	r = router_find("/nope", M_GET, a, params, &allowed);
	ok(r == NULL && allowed == 0, "unknown path: 404 (allowed is 0)");
	r = router_find("/static/", M_GET, a, params, &allowed);
	ok(r == NULL && allowed == 0, "/static/ with no file: 404");
	r = router_find("/healthz/", M_GET, a, params, &allowed);
	ok(r == NULL && allowed == 0, "trailing slash: 404");
	router_clear();
}

int
main(void)
{
	a = arena_new();
	test_match();
	test_find();
	arena_free(a);
	return done_testing();
}
