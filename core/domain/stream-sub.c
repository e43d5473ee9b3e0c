/*
 * stream-sub.c: what a stream may be subscribed to. Mastodon's streams by
 * name (user, public, hashtag and their variants, direct: the owner's
 * conversations, which carries no posts), and hearth's own group
 * stream; some take a parameter (a tag, a group), checked here once, when
 * the subscription is made, and matched against each post delivered.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"

#define STREAM_TAG_MAX	100	/* bytes, as markdown.c takes a tag */

enum stream_param { SP_NONE, SP_TAG, SP_GROUP, SP_LIST };

/* The kinds, by the names Mastodon's streaming API and messages use. */
static const struct {
	const char		*name;
	enum stream_param	 param;
} stream_kinds[STREAM_NKINDS] = {
	[STREAM_USER] =		{ "user",		SP_NONE },
	[STREAM_PUBLIC] =	{ "public",		SP_NONE },
	[STREAM_NOTIFICATION] =	{ "user:notification",	SP_NONE },
	[STREAM_LOCAL] =	{ "public:local",	SP_NONE },
	[STREAM_HASHTAG] =	{ "hashtag",		SP_TAG },
	[STREAM_HASHTAG_LOCAL] = { "hashtag:local",	SP_TAG },
	[STREAM_GROUP] =	{ "group",		SP_GROUP },
	[STREAM_DIRECT] =	{ "direct",		SP_NONE },
	[STREAM_LIST] =		{ "list",		SP_LIST },
};

/* The streams one can ask for, for error messages. */
const char	stream_kinds_known[] = "user, user:notification, public, "
		    "public:local, hashtag, hashtag:local, group, list or direct";

/* A stream kind's name. */
const char *
stream_kind_name(enum stream_kind kind)
{
	return stream_kinds[kind].name;
}

/* Whether a kind takes a parameter (and so is kept as a stream_sub). */
int
stream_kind_param(enum stream_kind kind)
{
	return stream_kinds[kind].param != SP_NONE;
}

/* A stream kind by its name, or -1. */
int
stream_kind_named(const char *name)
{
	int	i;

	for (i = 0; name != NULL && i < STREAM_NKINDS; i++) {
		if (strcmp(name, stream_kinds[i].name) == 0)
			return i;
	}
	return -1;
}

/*
 * A tag as asked for ("#Café" or "café") to the name tag streams match
 * it by: folded as search folds (fold.c: "cafe"), no '#'. NULL unless it
 * could be a tag.
 */
static char *
stream_tag(struct arena *a, const char *tag)
{
	char	*t, *c;

	if (tag[0] == '#')
		tag++;
	if (tag[0] == '\0' || strlen(tag) > STREAM_TAG_MAX ||
	    !utf8_valid((const unsigned char *)tag, strlen(tag)))
		return NULL;
	t = arena_strdup(a, tag);
	for (c = t; *c != '\0'; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
		else if ((unsigned char)*c < 0x80 && !(*c >= 'a' &&
		    *c <= 'z') && !(*c >= '0' && *c <= '9') && *c != '_')
			return NULL;
	}
	return fold_text(a, t);
}

/*
 * Check a subscription asked for by stream name and its parameters (tag,
 * group: NULL when not given), for viewer: 0 with *out filled (its arg in
 * a), or the HTTP status to answer (400 or 404) with *why. A group must be
 * one the viewer may read now (unless db is NULL: to unsubscribe); post_get checks each post again later, so
 * someone who leaves a private group stops getting its posts.
 */
int
stream_sub_parse(struct db *db, struct arena *a, int64_t viewer,
    const char *name, const char *tag, const char *group, const char *list,
    struct stream_sub *out, const char **why)
{
	int	 kind = stream_kind_named(name);

	memset(out, 0, sizeof *out);
	if (kind < 0) {
		*why = arena_printf(a, "Unknown stream type: use %s",
		    stream_kinds_known);
		return 400;
	}
	out->kind = kind;
	switch (stream_kinds[kind].param) {
	case SP_NONE:
		break;
	case SP_TAG:
		if (tag == NULL) {
			*why = "A hashtag stream needs tag=NAME";
			return 400;
		}
		if ((out->arg = stream_tag(a, tag)) == NULL) {
			*why = "tag must be a hashtag: letters, digits and "
			    "underscores, at most 100 bytes";
			return 400;
		}
		break;
	case SP_GROUP:
		if (group == NULL) {
			*why = "A group stream needs group=ID";
			return 400;
		}
		if ((out->group = id_parse(group)) == 0) {
			*why = "group must be a group's id";
			return 400;
		}
		if (db != NULL &&
		    !access_group_readable(db, viewer, out->group)) {
			*why = "Record not found";
			return 404;
		}
		out->arg = arena_printf(a, "%lld", (long long)out->group);
		break;
	case SP_LIST:
		/* the viewer's own list only (list.c) */
		if (list == NULL) {
			*why = "A list stream needs list=ID";
			return 400;
		}
		if ((out->group = id_parse(list)) == 0) {
			*why = "list must be a list's id";
			return 400;
		}
		if (db != NULL &&
		    list_get(db, a, viewer, out->group) == NULL) {
			*why = "Record not found";
			return 404;
		}
		out->arg = arena_printf(a, "%lld", (long long)out->group);
		break;
	}
	return 0;
}

/* Whether post p (which the stream's owner may read) carries tag (folded,
 * as its page matches them: timeline_tag). */
static int
stream_post_tagged(const struct post *p, const char *tag)
{
	struct arena	*a;
	json_t		*tags, *t;
	size_t		 i;
	int		 found = 0;

	if (p->tags_json == NULL ||
	    (tags = json_loads(p->tags_json, 0, NULL)) == NULL)
		return 0;
	a = arena_new();
	json_array_foreach(tags, i, t) {
		if (json_is_string(json_object_get(t, "name")) &&
		    strcmp(fold_text(a, json_string_value(json_object_get(t,
		    "name"))), tag) == 0) {
			found = 1;
			break;
		}
	}
	arena_free(a);
	json_decref(tags);
	return found;
}

/*
 * Whether a post the stream's owner (viewer) may read belongs on a
 * subscription; a list's stream shows what its timeline shows (list.c). Public streams show public posts outside groups;
 * a hashtag's stream shows what its page shows: those, and the group posts
 * the owner may read.
 */
int
stream_sub_match(struct db *db, int64_t viewer, const struct stream_sub *sub,
    const struct post *p)
{
	int	public = p->visibility == VIS_PUBLIC && p->group_id == 0;

	switch (sub->kind) {
	case STREAM_PUBLIC:
	case STREAM_LOCAL:
		return public;
	case STREAM_HASHTAG:
	case STREAM_HASHTAG_LOCAL:
		return (public || p->group_id != 0) &&
		    stream_post_tagged(p, sub->arg);
	case STREAM_GROUP:
		return p->group_id == sub->group;
	case STREAM_LIST:
		return list_streams_post(db, viewer, sub->group, p);
	default:
		return 1;
	}
}
