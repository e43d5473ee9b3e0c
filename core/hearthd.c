/*
 * hearthd.c: the server's entry point. Reads the config, creates and migrates
 * the database, loads templates and assets, then hands over to server.c.
 * Exit codes: 0 success, 1 runtime failure, 2 usage or config error.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "render.h"
#include "store.h"
#include "domain.h"
#include "request.h"
#include "api.h"
#include "web.h"
#include "loader.h"

#ifndef HEARTH_CONFIG
#define HEARTH_CONFIG "/usr/local/etc/hearth/hearth.conf"
#endif

/* Print usage. */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hearthd [-c FILE] [--check-config]\n"
	    "  -c, --config FILE   config file (default %s)\n"
	    "  -t, --check-config  check the config file and exit\n"
	    "  -V, --version       print the version and exit\n"
	    "      --routes        print the route table and exit\n"
	    "      --refused       print the Mastodon endpoints hearth refuses,\n"
	    "                      and why, and exit\n"
	    "  -h, --help          print this help and exit\n"
	    "Runs in the foreground and logs to stderr; see hearthd(8).\n",
	    HEARTH_CONFIG);
}

/*
 * Print every route of the web's and the API's tables, one per line:
 * methods, then the pattern. The tests walk it (every route answers with
 * and without a trailing slash), so no route can be forgotten.
 */
static void
print_routes(void)
{
	static const struct { int bit; const char *name; } names[] = {
		{ M_GET, "GET" }, { M_POST, "POST" }, { M_PUT, "PUT" },
		{ M_PATCH, "PATCH" }, { M_DELETE, "DELETE" },
	};
	const struct { const struct route *r; size_t n; } tabs[] = {
		{ web_routes, web_nroutes }, { api_routes, api_nroutes },
	};
	size_t	 t, i, k;
	int	 first;

	for (t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
		for (i = 0; i < tabs[t].n; i++) {
			first = 1;
			for (k = 0; k < sizeof names / sizeof names[0]; k++) {
				if (!(tabs[t].r[i].methods & names[k].bit))
					continue;
				printf("%s%s", first ? "" : ",", names[k].name);
				first = 0;
			}
			printf(" %s\n", tabs[t].r[i].pattern);
		}
	}
}

/*
 * Print the Mastodon endpoints hearth answers 501 (refused.c), one per
 * line: the method, the pattern, a tab and why. The coverage test checks
 * them against docs/api.md's table.
 */
static void
print_refused(void)
{
	const struct route	*r;
	size_t			 n, i;
	int			 literal;

	api_refusals_init();
	for (literal = 1; literal >= 0; literal--) {
		r = api_refusals(literal, &n);
		for (i = 0; i < n; i++)
			printf("%s %s\t%s\n", r[i].methods == M_GET ? "GET" :
			    r[i].methods == M_POST ? "POST" :
			    r[i].methods == M_PUT ? "PUT" :
			    r[i].methods == M_PATCH ? "PATCH" : "DELETE",
			    r[i].pattern, api_refusal_why(&r[i]));
	}
	api_refusals_free();
}

/* Open, migrate and prime the database; 0 or -1 with *cause. */
static int
prepare_database(const struct config *c, char **cause)
{
	struct db	*db;
	char		*path = config_db_path(c);
	int		 rc = -1;

	/* Before SQLite has the file: the prewarm's descriptor (prewarm.c
	 * says why it must come first and never be closed). A new database
	 * is made by db_open, and then read ahead of nothing. */
	if (c->home_prewarm_days > 0)
		(void)prewarm_hold(path);
	db = db_open(path, c->synchronous, 0, cause);
	free(path);
	if (db == NULL)
		return -1;
	if (db_migrate(db, "core", core_migrations, core_nmigrations,
	    cause) != 0)
		goto out;
	if (module_migrate(db, cause) != 0)
		goto out;
	if (secret_load(db, cause) != 0)
		goto out;
	if (vapid_load(db, cause) != 0)
		goto out;
	if (group_default_setup(db, c->groups_default, cause) != 0)
		goto out;
	rc = 0;
out:
	db_close(db);
	return rc;
}

/* hearthd serves: media's jobs, the directory sync and the modules' start
 * on the first loop. */
static void
serving(struct loop *loop)
{
	media_serving(loop);
	directory_serving(loop);
	push_serving(loop);
	digest_serving(loop);
	scheduled_serving(loop);
	polls_serving(loop);
	module_serving(loop);
}

static void
stopping(void)
{
	media_stopping();
	directory_stopping();
	push_stopping();
	digest_stopping();
	scheduled_stopping();
	polls_stopping();
	module_stopping();
}

/*
 * cache_memory split between the caches, in percent: what each holds is
 * bounded by its count of entries and by its share, whichever is smaller
 * (docs/configuration.md). Cards, Statuses and feeds make the pages;
 * the peeks each reader's state of a post.
 */
static const struct {
	const char	*cache;		/* a cache's name, as the metrics show */
	int		 percent;
} cache_shares[] = {
	{ "card",	35 },	/* rendered post cards (web/pages/card.c) */
	{ "status",	20 },	/* Status entities (entity.c) */
	{ "home_feed",	20 },	/* home feeds (feed.c) */
	{ "peek",	12 },	/* each reader's rows of posts (peek.c) */
	{ "account",	 5 },
	{ "filter",	 3 },
	{ "identicon",	 3 },
	{ "welcome",	 2 },
};

/* A cache's share of cache_memory, in bytes. */
static size_t
cache_share(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(cache_shares); i++) {
		if (strcmp(cache_shares[i].cache, name) == 0)
			return (size_t)(c->cache_memory / 100 *
			    cache_shares[i].percent);
	}
	return 0;
}

/* How many home feeds: home_feed_cache, or fewer if their share says so. */
static size_t
cache_feeds(const struct config *c)
{
	size_t	fit = cache_share(c, "home_feed") / feed_size_max();

	return (size_t)c->home_feed_cache < fit ? (size_t)c->home_feed_cache :
	    fit;
}

/* Give every cache its share; after they are made. */
static void
cache_budgets(const struct config *c)
{
	size_t	i;

	for (i = 0; i < nitems(cache_shares); i++) {
		if (strcmp(cache_shares[i].cache, "home_feed") == 0)
			continue;	/* counted in feeds: cache_feeds */
		if (strcmp(cache_shares[i].cache, "peek") == 0)
			peek_cache_budget(cache_share(c, "peek"));
		else
			(void)cache_budget_named(cache_shares[i].cache,
			    cache_share(c, cache_shares[i].cache));
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "routes", no_argument, NULL, 'R' },
		{ "refused", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	/* The modules' periodic jobs, and media's, answer on the first
	 * loop. */
	static const struct server_hooks hooks = {
		serving, stopping,
	};
	struct config	 c;
	const struct route *refused;
	size_t		 nrefused;
	const char	*path = HEARTH_CONFIG;
	char		*cause = NULL;
	int		 ch, check = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:tVh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check = 1;
			break;
		case 'V':
			printf("hearthd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case 'R':
			print_routes();
			return 0;
		case 'F':
			print_refused();
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	config_defaults(&c);
	if (config_load(&c, path, &cause) != 0) {
		fprintf(stderr, "hearthd: %s\n", cause);
		free(cause);
		config_free(&c);
		return 2;
	}
	log_set_level(c.log_level);
	if (check) {
		/* Modules too: a refused module or an unknown NAME.key is a
		 * config error. */
		if (module_load_all(&c, 0, &cause) != 0) {
			fprintf(stderr, "hearthd: %s\n", cause);
			free(cause);
			module_unload_all();
			config_free(&c);
			return 2;
		}
		module_unload_all();
		printf("%s: ok\n", path);
		config_free(&c);
		return 0;
	}

	/* What lives as long as the server: libvips (started once, before
	 * any worker or module thread can ask for it, with the PDF loader
	 * only if the admin wants previews), feeds and caches (feeds hear
	 * of new posts first), and the route tables, the web's before the
	 * API's, which the refused Mastodon endpoints' surround (refused.c
	 * says why). */
	image_setup(c.media_pdf_previews);
	media_setup(c.data_dir);
	feed_init(cache_feeds(&c));
	reaction_config(c.reactions);
	entity_cache_init(50000, 20000);
	web_card_init(100000);
	web_avatar_cache_init(20000);
	cache_budgets(&c);
	router_add(web_routes, web_nroutes);
	api_refusals_init();
	refused = api_refusals(1, &nrefused);
	router_add(refused, nrefused);
	router_add(api_routes, api_nroutes);
	refused = api_refusals(0, &nrefused);
	router_add(refused, nrefused);

	/* A refused module is a config error (exit 2) unless
	 * module_failure = skip. */
	if (module_load_all(&c, 0, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = 2;
		goto out;
	}
	db_set_mmap(c.db_mmap);
	if (config_make_data_dir(&c, &cause) != 0 ||
	    prepare_database(&c, &cause) != 0 ||
	    render_init(c.web_dir, &cause) != 0 ||
	    module_templates(&cause) != 0 ||
	    asset_init(c.web_dir, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = 1;
		goto out;
	}
	web_oidc_init();
	web_notifications_init();
	web_side_init();
	web_js_words_init();
	web_admin_init();
	/* Made now, so no request thread ever pays for it. */
	password_dummy();
	/* The cards the last clean shutdown kept (card-save.c): before the
	 * first request, which would otherwise render its own. */
	web_cards_load(&c);
	/*
	 * glibc gives the top of a thread's heap back to the system as soon
	 * as more than the trim threshold (128 KiB at first) is free there,
	 * and a loop thread that builds a page of a hundred kilobytes then
	 * faults the same memory in again for the next one: a page of 80
	 * pictures served at a fifth of its speed until the threshold had
	 * grown by chance. Fixed thresholds instead: what a request needs
	 * stays, buffers of a megabyte and more (upload bodies) are mapped
	 * and unmapped whole, and server_tidy still trims after a crowd.
	 */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
	rc = server_run(&c, &hooks);
	if (rc == 0)
		web_cards_save(&c);
out:
	/* A start that failed after the read-ahead began (a database from a
	 * newer hearth, a missing web_dir) waits for its thread too. */
	prewarm_stop();
	module_unload_all();
	/* Last of the threads' users: the workers stopped with the server,
	 * the modules' threads with their unload. */
	image_shutdown();
	media_setup(NULL);
	render_free();
	asset_free();
	router_clear();
	api_refusals_free();
	api_trends_free();
	feed_free();
	entity_cache_free();
	reaction_config_free();
	web_card_free();
	web_side_free();
	web_avatar_cache_free();
	config_free(&c);
	return rc;
}
