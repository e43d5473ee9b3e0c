/*
 * config.c: the INI-style config file ("key = value", '#' comments). Keys are
 * a table; every error names the file, the line and the key at fault, and an
 * unknown key stops startup rather than being silently ignored.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib.h"

#ifndef HEARTH_MODULE_DIR
#define HEARTH_MODULE_DIR "/usr/local/lib/hearth/modules"
#endif
#ifndef HEARTH_WEB_DIR
#define HEARTH_WEB_DIR "/usr/local/share/hearth"
#endif
#ifndef HEARTH_STATE_DIR
#define HEARTH_STATE_DIR "/usr/local/var/lib/hearth"
#endif

#define CONFIG_MAX_SIZE (1024 * 1024)
#define CONFIG_MAX_LISTEN 16

enum ctype { C_STRING, C_INT, C_LONG, C_DURATION, C_BOOL, C_SYNC, C_LOGLEVEL,
    C_LISTEN, C_URL, C_FAILURE };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 offset;
	long		 min, max;	/* C_INT, C_LONG, C_DURATION */
};

#define F(x) offsetof(struct config, x)
static const struct ckey ckeys[] = {
	{ "listen",		  C_LISTEN,   0, 0, 0 },
	{ "data_dir",		  C_STRING,   F(data_dir), 0, 0 },
	{ "base_url",		  C_URL,      F(base_url), 0, 0 },
	{ "instance_title",	  C_STRING,   F(instance_title), 0, 0 },
	{ "modules",		  C_STRING,   F(modules), 0, 0 },
	{ "module_dir",		  C_STRING,   F(module_dir), 0, 0 },
	{ "module_failure",	  C_FAILURE,  F(module_failure_skip), 0, 0 },
	{ "web_dir",		  C_STRING,   F(web_dir), 0, 0 },
	{ "tls_cert",		  C_STRING,   F(tls_cert), 0, 0 },
	{ "tls_key",		  C_STRING,   F(tls_key), 0, 0 },
	{ "threads",		  C_INT,      F(threads), 0, 256 },
	{ "workers",		  C_INT,      F(workers), 0, 256 },
	{ "synchronous",	  C_SYNC,     F(synchronous), 0, 0 },
	{ "log_level",		  C_LOGLEVEL, F(log_level), 0, 0 },
	{ "session_idle_timeout", C_DURATION, F(session_idle), 1, 10L * 365 * 86400 },
	{ "session_lifetime",	  C_DURATION, F(session_lifetime), 1, 10L * 365 * 86400 },
	{ "request_timeout",	  C_DURATION, F(request_timeout), 1, 3600 },
	{ "header_timeout",	  C_DURATION, F(header_timeout), 1, 3600 },
	{ "keepalive_timeout",	  C_DURATION, F(keepalive_timeout), 1, 3600 },
	{ "min_body_rate",	  C_LONG,     F(min_body_rate), 0, 1L << 30 },
	{ "max_body_size",	  C_LONG,     F(max_body_size), 1024, 1L << 30 },
	{ "max_form_size",	  C_LONG,     F(max_form_size), 1024, 1L << 30 },
	{ "max_anon_body_size",	  C_LONG,     F(max_anon_body_size), 1024, 1L << 30 },
	{ "max_body_memory",	  C_LONG,     F(max_body_memory), 0, 1L << 40 },
	{ "max_header_size",	  C_LONG,     F(max_header_size), 1024, 1L << 20 },
	{ "max_connections",	  C_LONG,     F(max_connections), 0, 1L << 24 },
	{ "max_connections_per_ip", C_LONG,   F(max_connections_per_ip), 0, 1L << 24 },
	{ "login_account_limit",  C_INT,      F(login_account_limit), 1, 100000 },
	{ "login_ip_limit",	  C_INT,      F(login_ip_limit), 1, 1000000 },
	{ "login_window",	  C_DURATION, F(login_window), 1, 86400 },
	{ "trust_proxy",	  C_BOOL,     F(trust_proxy), 0, 0 },
	{ "home_feed_cache",	  C_INT,      F(home_feed_cache), 0, 10000000 },
	{ "media.max_image_size", C_LONG,     F(media_max_image_size), 1024, 1L << 30 },
	{ "media.max_image_pixels", C_LONG,   F(media_max_image_pixels), 1024, 8192L * 8192 },
	{ "media.image_side",	  C_INT,      F(media_image_side), 64, 8192 },
	{ "media.thumb_side",	  C_INT,      F(media_thumb_side), 32, 2048 },
	{ "media.max_file_size",  C_LONG,     F(media_max_file_size), 1024, 1L << 30 },
	{ "media.quota_per_person", C_LONG,   F(media_quota_person), 0, 1L << 50 },
	{ "media.quota_total",	  C_LONG,     F(media_quota_total), 0, 1L << 60 },
	{ "media.jobs",		  C_INT,      F(media_jobs), 1, 64 },
	{ "media.pdf_previews",	  C_BOOL,     F(media_pdf_previews), 0, 0 },
	{ "media.accel_redirect", C_STRING,   F(media_accel_redirect), 0, 0 },
};
#undef F

/* Fill in the defaults that apply when a key is absent. */
void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->data_dir = xstrdup(HEARTH_STATE_DIR);
	c->base_url = xstrdup("http://127.0.0.1:8080");
	c->instance_title = xstrdup(HEARTH_NAME);
	c->modules = xstrdup("");
	c->module_dir = xstrdup(HEARTH_MODULE_DIR);
	c->web_dir = xstrdup(HEARTH_WEB_DIR);
	c->threads = 0;			/* one per core */
	c->workers = 0;			/* one per core */
	c->synchronous = SYNC_FULL;
	c->log_level = LOG_INFO;
	c->session_idle = 7L * 86400;
	c->session_lifetime = 30L * 86400;
	c->request_timeout = 30;
	c->header_timeout = 10;
	c->keepalive_timeout = 30;
	c->min_body_rate = 1024;
	c->max_body_size = 8L << 20;
	c->max_form_size = 1L << 20;
	c->max_anon_body_size = 64L << 10;
	c->max_body_memory = 0;		/* 16 x max_body_size, >= 64 MiB */
	c->max_header_size = 16384;
	c->max_connections = 0;		/* from the open files limit */
	c->max_connections_per_ip = 0;	/* a sixteenth of that */
	c->login_account_limit = 5;
	c->login_ip_limit = 30;
	c->login_window = 300;
	c->trust_proxy = 0;
	c->home_feed_cache = 20000;
	c->media_max_image_size = 16L << 20;	/* as Mastodon */
	c->media_max_image_pixels = 40L * 1000 * 1000;
	c->media_image_side = 3840;
	c->media_thumb_side = 640;
	c->media_max_file_size = 40L << 20;
	c->media_quota_person = 2L << 30;
	c->media_quota_total = 0;		/* the disk is the limit */
	c->media_jobs = 2;
	c->media_pdf_previews = 0;
	c->media_accel_redirect = xstrdup("");
}

/* Free everything a config owns. */
void
config_free(struct config *c)
{
	size_t	i;

	for (i = 0; i < c->nlisten; i++) {
		free(c->listen[i].host);
		free(c->listen[i].tls_cert);
		free(c->listen[i].tls_key);
	}
	free(c->listen);
	free(c->path);
	free(c->data_dir);
	free(c->base_url);
	free(c->instance_title);
	free(c->modules);
	free(c->media_accel_redirect);
	free(c->module_dir);
	for (i = 0; i < c->nmodkeys; i++) {
		free(c->modkeys[i].key);
		free(c->modkeys[i].value);
	}
	free(c->modkeys);
	free(c->web_dir);
	free(c->tls_cert);
	free(c->tls_key);
	memset(c, 0, sizeof *c);
}

/* Parse "ADDR:PORT [tls]", "[v6]:PORT" or ":PORT"; -1 with *why if bad. */
static int
config_listen(struct config *c, const char *v, const char **why)
{
	char		*copy = xstrdup(v), *p, *colon, *host, *end;
	long		 port;
	int		 tls = 0;

	if ((p = strchr(copy, ' ')) != NULL) {
		*p++ = '\0';
		while (*p == ' ')
			p++;
		if (strcmp(p, "tls") != 0) {
			*why = "expected ADDR:PORT optionally followed by 'tls'";
			goto bad;
		}
		tls = 1;
	}
	if (copy[0] == '[') {
		if ((p = strchr(copy, ']')) == NULL || p[1] != ':') {
			*why = "expected [IPV6]:PORT";
			goto bad;
		}
		*p = '\0';
		host = copy + 1;
		colon = p + 1;
	} else {
		if ((colon = strrchr(copy, ':')) == NULL) {
			*why = "expected ADDR:PORT";
			goto bad;
		}
		*colon = '\0';
		host = copy[0] ? copy : "0.0.0.0";
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno || port < 1 ||
	    port > 65535) {
		*why = "port must be a number from 1 to 65535";
		goto bad;
	}
	if (c->nlisten == CONFIG_MAX_LISTEN) {
		*why = "too many listen lines";
		goto bad;
	}
	c->listen = xrealloc(c->listen, (c->nlisten + 1) * sizeof *c->listen);
	memset(&c->listen[c->nlisten], 0, sizeof *c->listen);
	c->listen[c->nlisten].host = xstrdup(host);
	c->listen[c->nlisten].port = (int)port;
	c->listen[c->nlisten].tls = tls;
	c->nlisten++;
	free(copy);
	return 0;
bad:
	free(copy);
	return -1;
}

/*
 * A module's public listener ("ADDR:PORT" or "ADDR:PORT tls", with its
 * own certificate and key files, or NULL for the core's): it serves the
 * modules' public routes and nothing else.
 */
int
config_listen_public(struct config *c, const char *v, const char *cert,
    const char *key, const char **why)
{
	struct listen_addr	*la;
	size_t			 i;

	if (config_listen(c, v, why) != 0)
		return -1;
	la = &c->listen[c->nlisten - 1];
	for (i = 0; i + 1 < c->nlisten; i++) {
		if (c->listen[i].port == la->port &&
		    strcmp(c->listen[i].host, la->host) == 0) {
			*why = "the address is already one of hearthd's "
			    "listen addresses";
			free(la->host);
			c->nlisten--;
			return -1;
		}
	}
	la->public = 1;
	la->tls_cert = cert != NULL && *cert != '\0' ? xstrdup(cert) : NULL;
	la->tls_key = key != NULL && *key != '\0' ? xstrdup(key) : NULL;
	return 0;
}

/* Store one value by the key's type; -1 with *why if bad. */
static int
config_set(struct config *c, const struct ckey *k, const char *v,
    const char **why)
{
	void	*field = (char *)c + k->offset;
	char	*end;
	long	 n;

	switch (k->type) {
	case C_LISTEN:
		return config_listen(c, v, why);
	case C_URL:
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			*why = "must start with http:// or https://";
			return -1;
		}
		if (v[strlen(v) - 1] == '/') {
			*why = "must not end with '/'";
			return -1;
		}
		/* FALLTHROUGH */
	case C_STRING:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case C_INT:
	case C_LONG:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno || n < k->min ||
		    n > k->max) {
			*why = "must be a whole number in range";
			return -1;
		}
		if (k->type == C_LONG)
			*(long *)field = n;
		else
			*(int *)field = (int)n;
		return 0;
	case C_DURATION:
		if (duration_parse(v, &n) == -1 || n < k->min || n > k->max) {
			*why = "must be a duration such as 90s, 15m, 12h or 14d";
			return -1;
		}
		*(long *)field = n;
		return 0;
	case C_BOOL:
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0)
			*(int *)field = 1;
		else if (strcasecmp(v, "no") == 0 ||
		    strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
		    strcasecmp(v, "off") == 0)
			*(int *)field = 0;
		else {
			*why = "must be yes or no";
			return -1;
		}
		return 0;
	case C_SYNC: {
		static const char *const names[] = { "off", "normal", "full",
		    "extra" };
		size_t	i;

		for (i = 0; i < nitems(names); i++) {
			if (strcasecmp(v, names[i]) == 0) {
				*(enum sync_mode *)field = (enum sync_mode)i;
				return 0;
			}
		}
		*why = "must be off, normal, full or extra";
		return -1;
	}
	case C_FAILURE:
		if (strcmp(v, "stop") == 0 || strcmp(v, "skip") == 0) {
			*(int *)field = strcmp(v, "skip") == 0;
			return 0;
		}
		*why = "must be stop or skip";
		return -1;
	case C_LOGLEVEL:
		if (log_level_parse(v, (enum log_level *)field) == -1) {
			*why = "must be debug, info, warn or error";
			return -1;
		}
		return 0;
	}
	*why = "unhandled type";
	return -1;
}

/* Trim spaces from both ends in place. */
static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Parse config text. name is what errors call the file. On error returns -1
 * and sets *cause to "FILE:LINE: key 'K': what is wrong".
 */
int
config_parse(struct config *c, const char *name, const char *text, size_t len,
    char **cause)
{
	char		*buf, *line, *next, *eq, *key, *value, *hash;
	const struct ckey *k;
	const char	*why;
	size_t		 i;
	int		 lineno = 0, rc = -1, seen_listen = 0;

	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s: contains a NUL byte", name);
		return -1;
	}
	buf = xstrndup(text, len);
	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* '#' starts a comment only at the start of a line or after
		 * white space, so values such as URLs with fragments survive. */
		for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++) {
			if (hash == line || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = '\0';
				break;
			}
		}
		line = trim(line);
		if (*line == '\0')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			*cause = xasprintf("%s:%d: expected 'key = value'",
			    name, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		for (k = NULL, i = 0; i < nitems(ckeys); i++) {
			if (strcmp(ckeys[i].name, key) == 0)
				k = &ckeys[i];
		}
		if (k == NULL && strchr(key, '.') != NULL) {
			/* A module's key ("NAME.key"): the loader checks it
			 * against the module once it is loaded. */
			c->modkeys = xrealloc(c->modkeys, (c->nmodkeys + 1) *
			    sizeof *c->modkeys);
			c->modkeys[c->nmodkeys].key = xstrdup(key);
			c->modkeys[c->nmodkeys].value = xstrdup(value);
			c->modkeys[c->nmodkeys].line = lineno;
			c->nmodkeys++;
			continue;
		}
		if (k == NULL) {
			*cause = xasprintf("%s:%d: unknown key '%s'", name, lineno,
			    key);
			goto out;
		}
		if (*value == '\0' && k->type != C_STRING) {
			*cause = xasprintf("%s:%d: key '%s': needs a value", name,
			    lineno, key);
			goto out;
		}
		if (k->type == C_LISTEN && !seen_listen) {
			/* The file's listen lines replace the default. */
			for (i = 0; i < c->nlisten; i++)
				free(c->listen[i].host);
			c->nlisten = 0;
			seen_listen = 1;
		}
		if (config_set(c, k, value, &why) == -1) {
			*cause = xasprintf("%s:%d: key '%s': %s (got '%s')", name,
			    lineno, key, why, value);
			goto out;
		}
	}
	if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
		*cause = xasprintf("%s: tls_cert and tls_key go together", name);
		goto out;
	}
	for (i = 0; i < c->nlisten; i++) {
		if (c->listen[i].tls && c->tls_cert == NULL) {
			*cause = xasprintf("%s: listen %s:%d is tls but tls_cert "
			    "and tls_key are not set", name, c->listen[i].host,
			    c->listen[i].port);
			goto out;
		}
	}
	if (*c->data_dir == '\0') {
		*cause = xasprintf("%s: key 'data_dir': must not be empty", name);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Read and parse a config file; see config_parse. */
int
config_load(struct config *c, const char *path, char **cause)
{
	FILE	*f;
	char	*text;
	size_t	 len;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	text = xmalloc(CONFIG_MAX_SIZE + 1);
	len = fread(text, 1, CONFIG_MAX_SIZE + 1, f);
	if (ferror(f) || len > CONFIG_MAX_SIZE) {
		*cause = xasprintf("%s: %s", path, ferror(f) ?
		    strerror(errno) : "larger than 1 MiB");
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	free(c->path);
	c->path = xstrdup(path);
	rc = config_parse(c, path, text, len, cause);
	free(text);
	if (rc == 0 && c->nlisten == 0)
		config_listen(c, "127.0.0.1:8080", &(const char *){ NULL });
	return rc;
}

/* The SQLite database's path inside data_dir. */
char *
config_db_path(const struct config *c)
{
	return xasprintf("%s/hearth.db", c->data_dir);
}

/* Whether people reach hearth over HTTPS (so cookies must be Secure). */
int
config_is_https(const struct config *c)
{
	return strncmp(c->base_url, "https://", 8) == 0;
}

/* Create data_dir (one level, mode 0750) if it is missing. */
int
config_make_data_dir(const struct config *c, char **cause)
{
	struct stat	sb;

	if (stat(c->data_dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			*cause = xasprintf("data_dir %s is not a directory",
			    c->data_dir);
			return -1;
		}
		return 0;
	}
	if (mkdir(c->data_dir, 0750) != 0) {
		*cause = xasprintf("data_dir %s: %s", c->data_dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}
