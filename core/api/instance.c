/*
 * instance.c: what Mastodon apps ask as they start. The Instance
 * entities (v1 and v2) tell the truth about hearth's limits, so apps offer
 * only what works: no video, closed registrations (an admin
 * adds people). Endpoints for features hearth has none of answer an empty
 * list, which is a true answer and never a 404 an app could trip on.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"
#include "api.h"

/* Mastodon's version with ours: apps enable features by the former. */
/* 4.3: apps switch to grouped notifications (/api/v2/notifications,
 * notifications-v2.c) from 4.3 on, and to api_versions (v2 instance) for
 * what comes later. */
#define INSTANCE_VERSION "4.3.0 (compatible; hearth " PACKAGE_VERSION ")"
#define INSTANCE_DESCRIPTION "An internal social network, running hearth."
#define REGISTRATIONS_MESSAGE "Ask an administrator"
#define URL_RESERVED 23		/* what Mastodon counts a link as */

/* The host (and port) of base_url, as Mastodon's "domain". */
static const char *
instance_domain(struct req *r)
{
	const char	*u = req_config(r)->base_url, *s, *e;

	s = strstr(u, "://");
	s = s ? s + 3 : u;
	e = strchr(s, '/');
	return e ? arena_strndup(r->arena, s, e - s) : s;
}

/* The streaming API's base: base_url with ws:// or wss://. */
static const char *
instance_streaming(struct req *r)
{
	const char	*u = req_config(r)->base_url;

	if (strncmp(u, "https://", 8) == 0)
		return arena_printf(r->arena, "wss://%s", u + 8);
	if (strncmp(u, "http://", 7) == 0)
		return arena_printf(r->arena, "ws://%s", u + 7);
	return u;
}

/* The title: the instance_title key, or "hearth". */
static const char *
instance_title(struct req *r)
{
	const char	*t = req_config(r)->instance_title;

	return t != NULL && *t != '\0' ? t : HEARTH_NAME;
}

/* What an upload may be (hearth takes any file as a download; these are
 * the types apps offer in their pickers). */
static const char *const instance_mime_types[] = {
	"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
	"image/heif", "image/avif", "application/pdf", "text/plain",
	"text/csv", "text/markdown", "application/zip",
	"application/msword", "application/vnd.ms-excel",
	"application/vnd.ms-powerpoint",
	"application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml."
	    "presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
};

/* The limits both versions share: hearth has no video yet; polls as
 * hearth.conf's polls.* say;
 * media as hearth.conf's media.* say (video_size_limit: the largest file
 * hearth keeps, for apps that check a file's size against it). */
static json_t *
instance_limits(const struct config *cf, int v2)
{
	json_t	*c, *types = json_array();
	size_t	 i;

	for (i = 0; i < nitems(instance_mime_types); i++)
		json_array_append_new(types, json_string(
		    instance_mime_types[i]));
	c = json_pack("{s:{s:i, s:i, s:i}, s:{s:o, s:I, s:I, s:I, s:i, s:i, "
	    "s:i}, s:{s:i, s:i, s:i, s:i}}",
	    "statuses",
	    "max_characters", POST_MAX_CHARS,
	    "max_media_attachments", MEDIA_PER_POST,
	    "characters_reserved_per_url", URL_RESERVED,
	    "media_attachments",
	    "supported_mime_types", types,
	    "image_size_limit", (json_int_t)cf->media_max_image_size,
	    "image_matrix_limit", (json_int_t)cf->media_max_image_pixels,
	    "video_size_limit", (json_int_t)cf->media_max_file_size,
	    "video_frame_rate_limit", 0,
	    "video_matrix_limit", 0,
	    "description_limit", 1500,
	    "polls",
	    "max_options", cf->poll_max_options,
	    "max_characters_per_option", cf->poll_max_option_chars,
	    "min_expiration", (int)cf->poll_min_expiration,
	    "max_expiration", (int)cf->poll_max_expiration);
	json_object_set_new(c, "accounts", v2 ? json_pack("{s:i, s:i}",
	    "max_featured_tags", 0, "max_pinned_statuses", STATUS_PINS_MAX) :
	    json_pack("{s:i}", "max_featured_tags", 0));
	/* The emoji a status may be reacted with (hearth's extension;
	 * Pleroma's routes, docs/api.md), in the company's order. */
	types = json_array();
	for (i = 0; i < reaction_offered(); i++)
		json_array_append_new(types, json_string(reaction_emoji(i)));
	json_object_set_new(c, "reactions", json_pack("{s:I, s:o}",
	    "max_reactions", (json_int_t)reaction_offered(), "allowed",
	    types));
	return c;
}

/* The instance's rules: the modules' (the guidelines' summary), else
 * none. */
static json_t *
instance_rules(struct req *r)
{
	json_t	*list = json_array();

	req_rules(r, list);
	return list;
}

/* GET /api/v1/instance: Mastodon's V1::Instance. */
enum handled
api_instance_v1(struct req *r)
{
	struct instance_stats	 s;
	json_t			*o;

	if (instance_stats(req_db(r), time(NULL), &s) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:{s:s}, s:{s:I, s:I, s:i}, s:s, s:[s], s:b, s:b, s:b, s:o, "
	    "s:n, s:[], s:{s:{s:[s]}}}",
	    "uri", instance_domain(r),
	    "title", instance_title(r),
	    "short_description", INSTANCE_DESCRIPTION,
	    "description", INSTANCE_DESCRIPTION,
	    "email", "",
	    "version", INSTANCE_VERSION,
	    "urls", "streaming_api", instance_streaming(r),
	    "stats", "user_count", (json_int_t)s.users,
	    "status_count", (json_int_t)s.posts, "domain_count", 0,
	    "thumbnail", arena_printf(r->arena, "%s/static/header.png",
	    req_config(r)->base_url),
	    "languages", "en",
	    "registrations", 0, "approval_required", 0, "invites_enabled", 0,
	    "configuration", instance_limits(req_config(r), 0),
	    "contact_account",
	    "rules", "pleroma", "metadata", "features",
	    "pleroma_emoji_reactions");
	json_object_set_new(o, "rules", instance_rules(r));
	req_json(r, 200, o);
	return HANDLED;
}

/* GET /api/v2/instance: Mastodon's Instance. */
enum handled
api_instance_v2(struct req *r)
{
	struct instance_stats	 s;
	json_t			*config, *o;

	if (instance_stats(req_db(r), time(NULL), &s) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	config = instance_limits(req_config(r), 1);
	json_object_set_new(config, "urls", json_pack("{s:s, s:n}",
	    "streaming", instance_streaming(r), "status"));
	json_object_set_new(config, "vapid", json_pack("{s:s}", "public_key",
	    vapid_public()));
	json_object_set_new(config, "translation", json_pack("{s:b}",
	    "enabled", 0));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, "
	    "s:{s:{s:I}}, s:{s:s}, s:[], s:[s], s:o, "
	    "s:{s:b, s:b, s:s, s:n}, s:{s:i}, s:{s:s, s:n}, s:[]}",
	    "domain", instance_domain(r),
	    "title", instance_title(r),
	    "version", INSTANCE_VERSION,
	    /* hearth has no public address of its own to point to. */
	    "source_url", req_config(r)->base_url,
	    "description", INSTANCE_DESCRIPTION,
	    "usage", "users", "active_month", (json_int_t)s.active_month,
	    "thumbnail", "url", arena_printf(r->arena, "%s/static/header.png",
	    req_config(r)->base_url),
	    "icon",
	    "languages", "en",
	    "configuration", config,
	    "registrations", "enabled", 0, "approval_required", 0,
	    "message", REGISTRATIONS_MESSAGE, "url",
	    "api_versions", "mastodon", 2,
	    "contact", "email", "", "account",
	    "rules");
	json_object_set_new(o, "rules", instance_rules(r));
	req_json(r, 200, o);
	return HANDLED;
}

/* GET /api/v1/instance/rules: Mastodon's Rule entities. */
enum handled
api_instance_rules(struct req *r)
{
	req_json(r, 200, instance_rules(r));
	return HANDLED;
}

/* Features hearth has none of (filters, lists, bookmarks, ...): []. */
enum handled
api_empty_list(struct req *r)
{
	req_json(r, 200, json_array());
	return HANDLED;
}

/* GET /api/v1/announcements: what modules announce (the guidelines). */
enum handled
api_announcements(struct req *r)
{
	json_t	*list = json_array();

	req_announcements(r, list);
	req_json(r, 200, list);
	return HANDLED;
}

/* GET /api/v1/preferences: Mastodon's defaults, which hearth follows. */
enum handled
api_preferences(struct req *r)
{
	req_json(r, 200, json_pack("{s:s, s:b, s:n, s:s, s:b}",
	    "posting:default:visibility", "public",
	    "posting:default:sensitive", 0,
	    "posting:default:language",
	    "reading:expand:media", "default",
	    "reading:expand:spoilers", 0));
	return HANDLED;
}

/* A Tag entity with its daily history, newest day first. */
static json_t *
trend_entity(struct ectx *e, const struct trend *t)
{
	json_t	*tag = entity_tag(e, t->name), *history = json_array();
	char	 day[24], uses[24], accounts[24];
	int	 k;

	for (k = 0; k < TREND_DAYS; k++) {
		snprintf(day, sizeof day, "%lld", (long long)t->day[k]);
		snprintf(uses, sizeof uses, "%lld", (long long)t->uses[k]);
		snprintf(accounts, sizeof accounts, "%lld",
		    (long long)t->accounts[k]);
		json_array_append_new(history, json_pack("{s:s, s:s, s:s}",
		    "day", day, "uses", uses, "accounts", accounts));
	}
	json_object_set_new(tag, "history", history);
	return tag;
}

/*
 * The trending hashtags as the API pages them, read at most once a minute
 * for the whole server: the query walks a week of posts (tens of
 * milliseconds on a loop), and a client paging through or polling them
 * must not make every loop pay that on each request. All of them are read
 * (the query costs the same for one or a thousand) and kept as plain
 * copies; a request takes its own copy into its arena.
 */
#define TRENDS_API_TTL	60
#define TRENDS_API_MAX	(20 + 1000)	/* the largest limit + offset */
static struct {
	pthread_mutex_t	 lock;
	struct trend	*list;
	char		**names;
	size_t		 n;
	time_t		 when;
}			 trends_api = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Forget the kept trends; their lock held (or at exit). */
static void
trends_api_drop(void)
{
	size_t	i;

	for (i = 0; i < trends_api.n; i++)
		free(trends_api.names[i]);
	free(trends_api.names);
	free(trends_api.list);
	trends_api.names = NULL;
	trends_api.list = NULL;
	trends_api.n = 0;
}

/* At exit: let the kept trends go. */
void
api_trends_free(void)
{
	pthread_mutex_lock(&trends_api.lock);
	trends_api_drop();
	pthread_mutex_unlock(&trends_api.lock);
}

static int
trends_api_read(struct req *r, struct trend **out, size_t *n)
{
	struct trend	*t, *keep;
	char		**names;
	time_t		 now = time(NULL);
	size_t		 i, m;

	pthread_mutex_lock(&trends_api.lock);
	if (trends_api.list != NULL && now - trends_api.when < TRENDS_API_TTL) {
		*n = trends_api.n;
		*out = arena_alloc(r->arena, (*n > 0 ? *n : 1) * sizeof **out);
		for (i = 0; i < *n; i++) {
			(*out)[i] = trends_api.list[i];
			(*out)[i].name = arena_strdup(r->arena,
			    trends_api.names[i]);
		}
		pthread_mutex_unlock(&trends_api.lock);
		return 0;
	}
	pthread_mutex_unlock(&trends_api.lock);
	if (trend_tags(req_db(r), r->arena, now, TRENDS_API_MAX, &t, &m) != 0)
		return -1;
	keep = xcalloc(m > 0 ? m : 1, sizeof *keep);
	names = xcalloc(m > 0 ? m : 1, sizeof *names);
	for (i = 0; i < m; i++) {
		keep[i] = t[i];
		names[i] = xstrdup(t[i].name);
		keep[i].name = names[i];
	}
	pthread_mutex_lock(&trends_api.lock);
	trends_api_drop();
	trends_api.list = keep;
	trends_api.names = names;
	trends_api.n = m;
	trends_api.when = now;
	pthread_mutex_unlock(&trends_api.lock);
	*out = t;
	*n = m;
	return 0;
}

/*
 * GET /api/v1/trends/tags: the week's most used hashtags; limit (10, at most
 * 20) and offset, as Mastodon pages them.
 */
enum handled
api_trends_tags(struct req *r)
{
	struct trend	*t;
	struct page	 p;
	struct ectx	 e;
	json_t		*arr;
	const char	*v = req_param(r, "offset");
	char		*end;
	long		 offset = 0;
	size_t		 i, n;

	if (page_parse(r, &p, 10, 20) != 0)
		return HANDLED;
	if (v != NULL && *v != '\0' && ((offset = strtol(v, &end, 10)) < 0 ||
	    offset > 1000 || *end != '\0')) {
		req_error(r, 400, "offset must be a number from 0 to 1000");
		return HANDLED;
	}
	if (trends_api_read(r, &t, &n) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	if (n > (size_t)offset + (size_t)p.limit)
		n = (size_t)offset + (size_t)p.limit;
	req_ectx(r, &e);
	arr = json_array();
	for (i = (size_t)offset; i < n; i++)
		json_array_append_new(arr, trend_entity(&e, &t[i]));
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}
