/*
 * route-fuzzer.c: route_match with a fuzzed path against a set of patterns,
 * and router_find with every method. A match must be exact: putting the
 * captures back into the pattern gives the path again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const patterns[] = {
	"/",
	"/healthz",
	"/login",
	"/static/:file",
	"/static/*",
	"/users/:id",
	"/users/:id/posts/:pid",
	"/a/:x/*",
	"/:a/:b/:c/:d",
	"/:a/:b/:c/:d/:e",
	"/api/v1/accounts/:id/statuses",
};

static const int methods[] = { M_GET, M_HEAD, M_POST, M_PUT, M_DELETE,
    M_PATCH, M_OPTIONS };

/* Rebuild a path from a pattern and its captures; 1 if it equals path. */
static int
rebuild_equals(struct arena *a, const char *pattern, const char **params,
    const char *path)
{
	char		*out = arena_alloc(a, strlen(pattern) + strlen(path) + 2);
	const char	*p = pattern, *seg_end;
	size_t		 len = 0;
	int		 n = 0;

	while (*p != '\0') {
		/* p is at a '/' */
		out[len++] = *p++;
		if (*p == '*' && p[1] == '\0') {
			memcpy(out + len, params[n], strlen(params[n]));
			len += strlen(params[n++]);
			break;
		}
		seg_end = strchr(p, '/');
		if (seg_end == NULL)
			seg_end = p + strlen(p);
		if (*p == ':') {
			if (*params[n] == '\0' || strchr(params[n], '/') != NULL)
				return 0;	/* one non-empty segment */
			memcpy(out + len, params[n], strlen(params[n]));
			len += strlen(params[n++]);
		} else {
			memcpy(out + len, p, seg_end - p);
			len += seg_end - p;
		}
		p = seg_end;
	}
	out[len] = '\0';
	return strcmp(out, path) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 tables;
	struct arena		*a = arena_new();
	char			*path = xstrndup((const char *)data, size);
	const char		*params[ROUTE_MAX_PARAMS];
	const struct route	*r;
	size_t			 i;
	int			 n, allowed;

	if (!tables++) {
		router_add(web_routes, web_nroutes);
		router_add(api_routes, api_nroutes);
		atexit(router_clear);
	}
	for (i = 0; i < nitems(patterns); i++) {
		memset(params, 0, sizeof params);
		n = route_match(patterns[i], path, a, params, ROUTE_MAX_PARAMS);
		if (n < -1 || n > ROUTE_MAX_PARAMS)
			abort();
		if (n >= 0 && !rebuild_equals(a, patterns[i], params, path))
			abort();
	}
	for (i = 0; i < nitems(methods); i++) {
		memset(params, 0, sizeof params);
		r = router_find(path, methods[i], a, params, &allowed);
		if (r != NULL) {
			if (!(r->methods & (methods[i] == M_HEAD ? M_GET :
			    methods[i])) || route_match(r->pattern, path, a,
			    params, ROUTE_MAX_PARAMS) < 0)
				abort();
		} else if (allowed & methods[i])
			abort();	/* a 405 must not allow the method */
	}
	free(path);
	arena_free(a);
	return 0;
}
