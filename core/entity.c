/*
 * entity.c: domain objects as Mastodon API entities (docs.joinmastodon.org,
 * "Entities"). Ids are strings; every field Mastodon documents as required is
 * present, even where hearth has nothing to put in it but an empty list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hearth.h"

/* ISO 8601 UTC with milliseconds, as Mastodon writes dates. */
static json_t *
entity_time(int64_t t)
{
	char		buf[32];
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return json_string(buf);
}

/* The Account entity for a person. */
json_t *
entity_account(const struct config *c, const struct user *u)
{
	char	*url = xasprintf("%s/@%s", c->base_url, u->username);
	char	*avatar = xasprintf("%s/static/avatar.png", c->base_url);
	char	 id[24];
	json_t	*a;

	snprintf(id, sizeof id, "%lld", (long long)u->id);
	a = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:o, "
	    "s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:n, s:[], "
	    "s:[]}",
	    "id", id,
	    "username", u->username,
	    "acct", u->username,
	    "display_name", u->display_name ? u->display_name : u->username,
	    "locked", 0, "bot", 0, "group", 0, "discoverable", 1,
	    "indexable", 1,
	    "created_at", entity_time(u->created_at),
	    "note", "",
	    "url", url, "uri", url,
	    "avatar", avatar, "avatar_static", avatar,
	    "header", "", "header_static", "",
	    "followers_count", 0, "following_count", 0, "statuses_count", 0,
	    "last_status_at",
	    "emojis", "fields");
	free(url);
	free(avatar);
	return a;
}
