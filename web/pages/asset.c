/*
 * asset.c: static assets (CSS, JS, icons) from web_dir/static, read into
 * memory at startup and served under content-hashed names, so browsers may
 * cache them for a year and still see a new version the moment it changes.
 * Templates reach the hashed URLs through the view's "asset" object, where
 * "style.css" is asset.style_css.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define ASSET_MAX	128
#define ASSET_MAX_SIZE	(4 * 1024 * 1024)

struct asset {
	char		*name;		/* style.css */
	char		*hashed;	/* style.0123456789.css */
	const char	*type;
	char		*data;
	size_t		 len;
};

static const struct { const char *ext, *type; } asset_types[] = {
	{ ".css",   "text/css; charset=utf-8" },
	{ ".js",    "text/javascript; charset=utf-8" },
	{ ".svg",   "image/svg+xml" },
	{ ".png",   "image/png" },
	{ ".ico",   "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt",   "text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
};

static struct asset	 assets[ASSET_MAX];
static size_t		 nassets;
static json_t		*asset_map;
static int		 hooked;	/* asset_view is a view hook */
static void		 asset_view(struct req *, json_t *);

/* The type a file's name says it is, or NULL if it is not ours to serve. */
static const char *
asset_type(const char *file)
{
	const char	*dot = strrchr(file, '.');
	size_t		 i;

	for (i = 0; dot != NULL && i < nitems(asset_types); i++) {
		if (strcmp(dot, asset_types[i].ext) == 0)
			return asset_types[i].type;
	}
	return NULL;
}

/* Name a's bytes: style.css is served as style.0123456789.css too. */
static void
asset_name(struct asset *a, const char *file)
{
	char		 hash[HASH_HEX + 1];
	const char	*dot = strrchr(file, '.');

	crypto_sha256_hex(a->data, a->len, hash);
	a->name = xstrdup(file);
	a->hashed = xasprintf("%.*s.%.10s%s", (int)(dot - file), file, hash,
	    dot);
}

/*
 * An asset made at start rather than read from web_dir/static (the
 * script's words in each language, js-words.c), served as the files are
 * and cached as long: its URL (the caller's to free), or NULL if there is
 * no room. Called before
 * the loops start; it is not in the templates' map (asset.NAME), which
 * every thread shares by then.
 */
char *
asset_add(const char *file, const char *data, size_t len)
{
	const char	*type = asset_type(file);
	struct asset	*a;

	if (nassets == ASSET_MAX || type == NULL)
		return NULL;
	a = &assets[nassets];
	a->type = type;
	a->data = xmalloc(len + 1);
	memcpy(a->data, data, len);
	a->len = len;
	asset_name(a, file);
	nassets++;
	return xasprintf("/static/%s", a->hashed);
}

/* Read one asset and give it its hashed name. */
static int
asset_load(const char *dir, const char *file, char **cause)
{
	char		*path = xasprintf("%s/%s", dir, file);
	const char	*type = asset_type(file);
	struct asset	*a;
	FILE		*f;
	char		*key, *k;

	if (type == NULL) {
		/* Not ours to serve (an editor's backup file, say). */
		free(path);
		return 0;
	}
	if (nassets == ASSET_MAX) {
		*cause = xasprintf("%s: too many assets", path);
		free(path);
		return -1;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	a = &assets[nassets];
	a->data = xmalloc(ASSET_MAX_SIZE + 1);
	a->len = fread(a->data, 1, ASSET_MAX_SIZE + 1, f);
	fclose(f);
	if (a->len > ASSET_MAX_SIZE) {
		*cause = xasprintf("%s: larger than 4 MiB", path);
		free(a->data);
		free(path);
		return -1;
	}
	asset_name(a, file);
	a->type = type;
	nassets++;

	key = xstrdup(file);
	for (k = key; *k; k++) {
		if (*k == '.' || *k == '-')
			*k = '_';
	}
	json_object_set_new(asset_map, key, json_string(a->hashed));
	free(key);
	free(path);
	return 0;
}

/* Load every file in DIR/static. */
int
asset_init(const char *web_dir, char **cause)
{
	char		*dir = xasprintf("%s/static", web_dir), *url;
	DIR		*d;
	struct dirent	*de;
	const char	*key;
	json_t		*v;
	int		 rc = 0;

	asset_free();
	asset_map = json_object();
	if ((d = opendir(dir)) == NULL) {
		*cause = xasprintf("%s: %s (is web_dir right?)", dir,
		    strerror(errno));
		free(dir);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			rc = asset_load(dir, de->d_name, cause);
	}
	closedir(d);
	free(dir);
	/* Templates want whole URLs. */
	json_object_foreach(asset_map, key, v) {
		url = xasprintf("/static/%s", json_string_value(v));
		json_string_set(v, url);
		free(url);
	}
	/* Every page's view holds the map, on every loop: jansson leaves an
	 * object whose count is -1 alone (its own true and false are), so
	 * no thread ever writes it again (a count even atomically changed
	 * is read plainly, a race ThreadSanitizer rightly reports). */
	json_object_foreach(asset_map, key, v)
		v->refcount = (size_t)-1;
	asset_map->refcount = (size_t)-1;
	if (!hooked++)
		req_view_hook_add(asset_view);
	return rc;
}

/* Every page's view has the assets' URLs (a request hook). */
static void
asset_view(struct req *r, json_t *v)
{
	(void)r;
	json_object_set(v, "asset", asset_map);
}

/* Unload every asset. */
void
asset_free(void)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	for (i = 0; i < nassets; i++) {
		free(assets[i].name);
		free(assets[i].hashed);
		free(assets[i].data);
	}
	nassets = 0;
	if (asset_map != NULL) {
		json_object_foreach(asset_map, key, v)
			v->refcount = 1;
		asset_map->refcount = 1;
		json_decref(asset_map);
	}
	asset_map = NULL;
}

/* The name-to-URL map for views (borrowed). */
json_t *
asset_urls(void)
{
	return asset_map;
}

/* An asset by hashed or plain name, with whether the name was hashed. */
const struct asset *
asset_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nassets; i++) {
		if (strcmp(assets[i].hashed, name) == 0 ||
		    strcmp(assets[i].name, name) == 0)
			return &assets[i];
	}
	return NULL;
}

/* Accessors, so struct asset stays private to this file. */
const char *
asset_data(const struct asset *a, size_t *len, const char **type)
{
	*len = a->len;
	*type = a->type;
	return a->data;
}

/* Whether name is the content-hashed (immutable) name of a. */
int
asset_is_hashed(const struct asset *a, const char *name)
{
	return strcmp(a->hashed, name) == 0;
}
