/*
 * entity.c: domain objects as Mastodon API entities (docs.joinmastodon.org,
 * "Entities"). Ids are strings; every attribute Mastodon documents as
 * required is present, even where hearth has nothing to put in it but an
 * empty list or false. hearth's own data rides in extra attributes ("group"
 * on a Status, "hearth" on an Account) that Mastodon clients ignore. An
 * entity context caches accounts and groups for the length of a request, so
 * a timeline of twenty posts by three people loads three people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "render.h"
#include "domain.h"

/* Start an entity context for a request. */
void
ectx_init(struct ectx *e, struct db *db, struct arena *a, int64_t viewer,
    const struct config *c)
{
	e->config = c;
	e->db = db;
	e->arena = a;
	e->viewer = viewer;
	e->accounts = json_object();
	e->groups = json_object();
	e->post_tools = 0;
	e->lang = 0;
	e->zone = NULL;
	e->mutes = -1;
	e->filter_ctx = 0;
}

/* Drop the context's caches. */
void
ectx_free(struct ectx *e)
{
	json_decref(e->accounts);
	json_decref(e->groups);
	e->accounts = e->groups = NULL;
}

/* An id as Mastodon writes it: a string. */
json_t *
entity_id(int64_t id)
{
	char	buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)id);
	return json_string(buf);
}

/* A date (Mastodon's last_status_at is a date, not a time). */
static json_t *
entity_date(int64_t t)
{
	char		buf[16];
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (t == 0)
		return json_null();
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return json_string(buf);
}

/* HTML-escape a string into a new JSON string (Mastodon's field values
 * are HTML). */
static json_t *
escaped(const char *s)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*j;

	escape_html(b, s, strlen(s));
	j = json_stringn((const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b));
	evbuffer_free(b);
	return j ? j : json_string("");
}

/* A person's avatar URL: the uploaded one, or their generated default. */
static char *
avatar_url(struct ectx *e, const struct user *u)
{
	if (u->avatar_file != NULL && *u->avatar_file != '\0')
		return arena_printf(e->arena, "%s/media/%s", e->config->base_url,
		    u->avatar_file);
	if (u->origin != NULL)	/* "bob@example.org" is no identicon name */
		return arena_printf(e->arena, "%s/avatars/outside_%lld.png",
		    e->config->base_url, (long long)u->id);
	return arena_printf(e->arena, "%s/avatars/%s.png", e->config->base_url,
	    u->username);
}

/* A person's header URL: the uploaded one, or the default. */
static char *
header_url(struct ectx *e, const struct user *u)
{
	if (u->header_file != NULL && *u->header_file != '\0')
		return arena_printf(e->arena, "%s/media/%s", e->config->base_url,
		    u->header_file);
	return arena_printf(e->arena, "%s/static/header.png",
	    e->config->base_url);
}

/*
 * Profile details as Mastodon "fields" (so every app shows them) and as
 * hearth's own object. Built-in details come first, then the company's.
 */
static void
account_fields(struct ectx *e, const struct user *u, json_t *a)
{
	static const struct { const char *label, *key; size_t off; } builtin[] = {
		{ "Job title", "job_title", offsetof(struct user, job_title) },
		{ "Department", "department", offsetof(struct user, department) },
		{ "Location", "location", offsetof(struct user, location) },
		{ "Phone", "phone", offsetof(struct user, phone) },
		{ "Pronouns", "pronouns", offsetof(struct user, pronouns) },
	};
	json_t			*fields = json_array(), *h = json_object();
	json_t			*extra = json_array();
	struct profile_field	*pf;
	const char		*v;
	size_t			 i, n;

	for (i = 0; i < nitems(builtin); i++) {
		v = *(const char **)((const char *)u + builtin[i].off);
		v = v ? v : "";
		json_object_set_new(h, builtin[i].key, json_string(v));
		if (*v != '\0')
			json_array_append_new(fields, json_pack("{s:s, s:o, s:n}",
			    "name", builtin[i].label, "value", escaped(v),
			    "verified_at"));
	}
	if (profile_fields(e->db, e->arena, u->id, &pf, &n) == 0) {
		for (i = 0; i < n; i++) {
			json_array_append_new(extra, json_pack("{s:s, s:s}",
			    "name", pf[i].name, "value", pf[i].value));
			if (*pf[i].value != '\0')
				json_array_append_new(fields, json_pack(
				    "{s:s, s:o, s:n}", "name", pf[i].name,
				    "value", escaped(pf[i].value),
				    "verified_at"));
		}
	}
	json_object_set_new(h, "fields", extra);
	json_object_set_new(h, "role", json_string(u->role == ROLE_ADMIN ?
	    "admin" : "member"));
	/* Someone who left: their posts stay, marked as the company says
	 * (auth.former_employee_label; empty: no mark). */
	if (u->disabled && e->config->auth_former_label != NULL &&
	    *e->config->auth_former_label != '\0')
		json_object_set_new(h, "former_employee", json_string(
		    e->config->auth_former_label));
	json_object_set_new(a, "fields", fields);
	json_object_set_new(a, "hearth", h);
}

/* The Account entity for a person. */
json_t *
entity_account(struct ectx *e, const struct user *u)
{
	char	*url = arena_printf(e->arena, "%s/@%s", e->config->base_url,
	    u->username);
	char	*avatar = avatar_url(e, u), *header = header_url(e, u);
	json_t	*a;

	a = json_pack("{s:o, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, "
	    "s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, "
	    "s:[]}",
	    "id", entity_id(u->id),
	    "username", u->username,
	    "acct", u->username,
	    "display_name", u->display_name ? u->display_name : u->username,
	    "locked", 0, "bot", 0, "group", 0, "discoverable", 1,
	    "indexable", 1, "noindex", 0,
	    "created_at", entity_time(u->created_at),
	    "note", u->bio_html ? u->bio_html : "",
	    "url", url, "uri", url,
	    "avatar", avatar, "avatar_static", avatar,
	    "header", header, "header_static", header,
	    "followers_count", (json_int_t)u->followers_count,
	    "following_count", (json_int_t)u->following_count,
	    "statuses_count", (json_int_t)u->statuses_count,
	    "last_status_at", entity_date(u->last_status_at),
	    "emojis");
	if (u->disabled)
		json_object_set_new(a, "suspended", json_true());
	if (u->origin != NULL) {
		/* An outside account (the bridge's), as Mastodon shows a
		 * remote one: username is the part before the host, acct
		 * names both, url and uri are its server's. */
		const char *at = strchr(u->username, '@');

		json_object_set_new(a, "username", json_stringn(u->username,
		    at != NULL ? (size_t)(at - u->username) :
		    strlen(u->username)));
		json_object_set_new(a, "url", json_string(u->outside_url != NULL
		    && *u->outside_url != '\0' ? u->outside_url :
		    u->outside_uri));
		json_object_set_new(a, "uri", json_string(u->outside_uri));
		json_object_set_new(a, "fields", json_array());
		json_object_set_new(a, "hearth", json_pack("{s:b, s:s}",
		    "outside", 1, "origin", u->origin));
		return a;
	}
	account_fields(e, u, a);
	return a;
}

/* The Account entity for an id, cached per request; NULL if no such. */
json_t *
entity_account_id(struct ectx *e, int64_t id)
{
	char		 key[24];
	json_t		*a;
	struct user	*u;

	snprintf(key, sizeof key, "%lld", (long long)id);
	if ((a = json_object_get(e->accounts, key)) != NULL)
		return json_incref(a);
	if ((u = user_get(e->db, e->arena, id)) == NULL)
		return NULL;
	a = entity_account(e, u);
	json_object_set(e->accounts, key, a);
	return a;
}

/* An array of Account entities, skipping ids that no longer exist. */
json_t *
entity_accounts(struct ectx *e, const struct idlist *ids)
{
	json_t	*arr = json_array(), *a;
	size_t	 i;

	for (i = 0; i < ids->n; i++) {
		if ((a = entity_account_id(e, ids->ids[i])) != NULL)
			json_array_append_new(arr, a);
	}
	return arr;
}

/* The caller's own Account, with "source" and "role" (verify_credentials). */
json_t *
entity_credential_account(struct ectx *e, const struct user *u)
{
	json_t			*a = entity_account(e, u), *fields;
	struct profile_field	*pf;
	size_t			 i, n;

	fields = json_array();
	if (profile_fields(e->db, e->arena, u->id, &pf, &n) == 0) {
		for (i = 0; i < n; i++)
			json_array_append_new(fields, json_pack("{s:s, s:s, "
			    "s:n}", "name", pf[i].name, "value", pf[i].value,
			    "verified_at"));
	}
	json_object_set_new(a, "source", json_pack("{s:s, s:b, s:n, s:s, "
	    "s:o, s:i}", "privacy", "public", "sensitive", 0, "language",
	    "note", u->bio_source ? u->bio_source : "", "fields", fields,
	    "follow_requests_count", 0));
	json_object_set_new(a, "role", json_pack("{s:s, s:s, s:s, s:s, s:b}",
	    "id", u->role == ROLE_ADMIN ? "3" : "-99",
	    "name", u->role == ROLE_ADMIN ? "Admin" : "",
	    "color", "", "permissions", u->role == ROLE_ADMIN ? "1" : "0",
	    "highlighted", u->role == ROLE_ADMIN));
	return a;
}

/* The Mention entities stored with a post, completed with URLs. */
static json_t *
status_mentions(struct ectx *e, const char *stored)
{
	json_t	*in = json_loads(stored, 0, NULL), *out = json_array(), *m;
	size_t	 i;
	const char *name;

	json_array_foreach(in, i, m) {
		name = json_string_value(json_object_get(m, "username"));
		if (name == NULL)
			continue;
		json_array_append_new(out, json_pack("{s:o, s:s, s:s, s:s}",
		    "id", entity_id(json_integer_value(json_object_get(m,
		    "id"))), "username", name, "acct", name, "url",
		    arena_printf(e->arena, "%s/@%s", e->config->base_url,
		    name)));
	}
	json_decref(in);
	return out;
}

/* The Tag entities stored with a post. */
static json_t *
status_tags(struct ectx *e, const char *stored)
{
	json_t	*in = json_loads(stored, 0, NULL), *out = json_array(), *t;
	size_t	 i;
	const char *name;

	json_array_foreach(in, i, t) {
		name = json_string_value(json_object_get(t, "name"));
		if (name != NULL)
			json_array_append_new(out, json_pack("{s:s, s:s}",
			    "name", name, "url", arena_printf(e->arena,
			    "%s/tags/%s", e->config->base_url, name)));
	}
	json_decref(in);
	return out;
}

/* hearth's {"id", "name"} of a post's group, cached; null outside groups. */
static json_t *
status_group(struct ectx *e, int64_t id)
{
	char		 key[24];
	json_t		*g;
	sqlite3_stmt	*st;

	if (id == 0)
		return json_null();
	snprintf(key, sizeof key, "%lld", (long long)id);
	if ((g = json_object_get(e->groups, key)) != NULL)
		return json_incref(g);
	st = db_prepare(e->db, "SELECT name, visibility FROM groups WHERE "
	    "id = ?");
	if (st == NULL)
		return json_null();
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		g = json_pack("{s:o, s:s, s:s}", "id", entity_id(id), "name",
		    (const char *)sqlite3_column_text(st, 0), "visibility",
		    sqlite3_column_int(st, 1) ? "private" : "open");
	else
		g = json_null();
	sqlite3_reset(st);
	json_object_set(e->groups, key, g);
	return g;
}

/* An attachment's file type: its icon and label (web), from its mime. */
static const char *
media_icon(const char *kind, const char *file)
{
	const struct filetype	*ft;
	const char		*dot;

	if (strcmp(kind, "file") != 0)
		return "image";
	dot = strrchr(file, '.');
	ft = dot != NULL ? filetype_from_ext(dot + 1) : NULL;
	return ft != NULL ? ft->icon : "file";
}

/* One size of an image for meta: width, height, "WxH" and aspect. */
static json_t *
media_meta_size(struct arena *a, json_int_t w, json_int_t h)
{
	return json_pack("{s:I, s:I, s:s, s:f}", "width", w, "height", h,
	    "size", arena_printf(a, "%lldx%lld", (long long)w, (long long)h),
	    "aspect", h > 0 ? (double)w / (double)h : 1.0);
}

/*
 * The MediaAttachment entity of a stored attachment (an item of a post's
 * media_json, as media_attach wrote it). Its addresses are signed for the
 * viewer's app when sign (apps fetch without credentials), or the plain
 * paths the web's pages use (the browser's session is checked).
 */
json_t *
entity_media_item(struct ectx *e, json_t *it, int sign)
{
	const char	*file = json_string_value(json_object_get(it, "file"));
	const char	*preview = json_string_value(json_object_get(it,
			    "preview"));
	const char	*kind = json_string_value(json_object_get(it, "kind"));
	const char	*desc = json_string_value(json_object_get(it,
			    "description"));
	json_int_t	 w = json_integer_value(json_object_get(it, "width"));
	json_int_t	 h = json_integer_value(json_object_get(it, "height"));
	json_int_t	 pw = json_integer_value(json_object_get(it, "pwidth"));
	json_int_t	 ph = json_integer_value(json_object_get(it, "pheight"));
	json_int_t	 bytes = json_integer_value(json_object_get(it, "bytes"));
	json_t		*meta, *m;
	json_t		*bh = json_object_get(it, "blurhash");
	int64_t		 now = time(NULL);

	if (file == NULL || kind == NULL)
		return NULL;
	meta = json_object();
	if (w > 0)
		json_object_set_new(meta, "original", media_meta_size(e->arena,
		    w, h));
	if (pw > 0)
		json_object_set_new(meta, "small", media_meta_size(e->arena,
		    pw, ph));
	if (strcmp(kind, "file") != 0)
		json_object_set_new(meta, "focus", json_pack("{s:f, s:f}",
		    "x", json_number_value(json_object_get(it, "focus_x")),
		    "y", json_number_value(json_object_get(it, "focus_y"))));
	m = json_pack("{s:s, s:s, s:s, s:o, s:n, s:n, s:n, s:o, s:o, s:o}",
	    "id", arena_printf(e->arena, "%lld", (long long)json_integer_value(
	    json_object_get(it, "id"))),
	    "type", media_api_type(kind),
	    "url", sign ? media_signed_url(e->arena, e->config->base_url, file,
	    now) : arena_printf(e->arena, "/media/%s", file),
	    "preview_url", preview == NULL ? json_null() : json_string(sign ?
	    media_signed_url(e->arena, e->config->base_url, preview, now) :
	    arena_printf(e->arena, "/media/%s", preview)),
	    "remote_url", "preview_remote_url", "text_url",
	    "meta", meta,
	    "description", desc != NULL && *desc != '\0' ? json_string(desc) :
	    json_null(),
	    "blurhash", bh != NULL ? json_incref(bh) : json_null());
	/* What Mastodon's entity has no words for: a file's own name and
	 * size, and the icon the web shows for it (documented in api.md). */
	json_object_set_new(m, "hearth", json_pack("{s:s, s:s, s:I, s:s, "
	    "s:s, s:s}", "kind", kind, "filename", json_string_value(
	    json_object_get(it, "filename")) != NULL ? json_string_value(
	    json_object_get(it, "filename")) : "", "bytes", bytes, "size_text",
	    media_size_text(e->arena, bytes), "icon", media_icon(kind, file),
	    "mime", json_string_value(json_object_get(it, "mime")) != NULL ?
	    json_string_value(json_object_get(it, "mime")) : ""));
	return m;
}

/* A post's media_attachments: its stored attachments, in order. */
json_t *
entity_media_list(struct ectx *e, const char *stored, int sign)
{
	json_t		*list = json_array(), *items, *m;
	size_t		 i;

	if (stored == NULL || *stored == '\0')
		return list;
	if ((items = json_loads(stored, 0, NULL)) == NULL)
		return list;
	for (i = 0; i < json_array_size(items); i++) {
		if ((m = entity_media_item(e, json_array_get(items, i), sign)) !=
		    NULL)
			json_array_append_new(list, m);
	}
	json_decref(items);
	return list;
}

/* The MediaAttachment of an upload (the media API's answers). */
json_t *
entity_media(struct ectx *e, const struct media *m, int sign)
{
	json_t	*it = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:f, "
	    "s:f}", "id", (json_int_t)m->id, "kind", m->kind, "file", m->file,
	    "mime", m->mime, "bytes", (json_int_t)m->bytes, "filename",
	    m->filename != NULL ? m->filename : "", "description",
	    m->description != NULL ? m->description : "", "focus_x",
	    m->focus_x, "focus_y", m->focus_y), *out;

	if (m->preview != NULL)
		json_object_set_new(it, "preview", json_string(m->preview));
	if (m->width > 0) {
		json_object_set_new(it, "width", json_integer(m->width));
		json_object_set_new(it, "height", json_integer(m->height));
	}
	if (m->pwidth > 0) {
		json_object_set_new(it, "pwidth", json_integer(m->pwidth));
		json_object_set_new(it, "pheight", json_integer(m->pheight));
	}
	if (m->blurhash != NULL)
		json_object_set_new(it, "blurhash", json_string(m->blurhash));
	out = entity_media_item(e, it, sign);
	json_decref(it);
	return out;
}

/* The reactions on a post as Pleroma and Akkoma show them, which hearth
 * follows (docs/api.md): [{name, count, me}], 👍 (the favourites) among
 * them. */
static json_t *
status_reactions(struct ectx *e, int64_t post)
{
	struct reaction	*r;
	json_t		*arr = json_array();
	size_t		 i, n;

	if (reaction_summary(e->db, e->arena, e->viewer, post, &r, &n) != E_OK)
		return arr;
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:b}", "name",
		    r[i].emoji, "count", (json_int_t)r[i].count, "me",
		    r[i].me));
	return arr;
}

/* A Status's "pleroma" object: its emoji_reactions. */
static json_t *
status_pleroma(struct ectx *e, const struct post *p)
{
	json_t	*arr;

	/* No query for a post nobody reacted to. */
	if (p->reactions_version == 0 && p->favourites_count == 0)
		arr = json_array();
	else
		arr = status_reactions(e, p->id);
	return json_pack("{s:o}", "emoji_reactions", arr);
}

/* Whether the viewer muted the post's thread: asked per post only of
 * someone who muted any. */
static int
status_muted(struct ectx *e, int64_t post)
{
	if (e->viewer == 0)
		return 0;
	if (e->mutes < 0)
		e->mutes = thread_mutes_any(e->db, e->viewer);
	return e->mutes && thread_muted(e->db, e->viewer, post);
}

/* The Poll entity of a post the viewer may read, or NULL if it has none. */
json_t *
entity_poll(struct ectx *e, int64_t post)
{
	struct poll	 p;
	json_t		*opts, *mine, *o;
	size_t		 i;

	if (poll_get(e->db, e->arena, e->viewer, post, &p) != 0)
		return NULL;
	opts = json_array();
	mine = json_array();
	for (i = 0; i < p.noptions; i++) {
		o = json_pack("{s:s}", "title", p.options[i]);
		json_object_set_new(o, "votes_count", p.totals_shown ?
		    json_integer(p.votes[i]) : json_null());
		json_array_append_new(opts, o);
		if (p.mine[i])
			json_array_append_new(mine, json_integer((json_int_t)i));
	}
	return json_pack("{s:o, s:o, s:b, s:b, s:I, s:I, s:o, s:[], s:b, "
	    "s:o}",
	    "id", entity_id(post),
	    "expires_at", entity_time(p.expires_at),
	    "expired", p.expired,
	    "multiple", p.multiple,
	    "votes_count", (json_int_t)p.votes_count,
	    "voters_count", (json_int_t)p.voters_count,
	    "options", opts,
	    "emojis",
	    "voted", p.voted,
	    "own_votes", mine);
}

/* A Status's "poll": its Poll as the viewer sees it (votes, their own
 * choices), or null. */
static void
status_poll(struct ectx *e, int64_t post, json_t *s)
{
	json_t	*poll = entity_poll(e, post);

	json_object_set_new(s, "poll", poll != NULL ? poll : json_null());
}

/*
 * A boost's Status: the booster's, with the post shared in "reblog" (as
 * the viewer sees it) and its counts and the viewer's state repeated on
 * top, as apps read either. -1 if the viewer may not read the original.
 */
static int
status_reblog(struct ectx *e, const struct post *p, json_t *s)
{
	static const char *const copied[] = { "favourites_count",
	    "reblogs_count", "replies_count", "favourited", "reblogged",
	    "bookmarked", "visibility", "pleroma" };
	struct post	*orig = post_get(e->db, e->arena, e->viewer,
	    p->reblog_of_id);
	json_t		*inner;
	size_t		 i;

	if (orig == NULL || orig->reblog_of_id != 0 ||
	    (inner = entity_status(e, orig)) == NULL)
		return -1;
	for (i = 0; i < nitems(copied); i++)
		json_object_set(s, copied[i], json_object_get(inner,
		    copied[i]));
	json_object_set_new(s, "reblog", inner);
	return 0;
}

/* The viewer's filters' results on post id, as the Status's "filtered"
 * (filter.c decides; [] when none match or no context is set). */
static void
status_filtered(struct ectx *e, int64_t id, json_t *s)
{
	json_t	*r;
	int	 hide;

	if (e->filter_ctx == 0)
		return;
	r = filter_results(e->db, e->arena, e->viewer, e->filter_ctx, id,
	    &hide);
	if (r != NULL)
		json_object_set_new(s, "filtered", r);
}

/*
 * Whether the viewer's Status of p holds nothing of the viewer's own, so
 * that it is byte for byte that of every other such reader, and the
 * streams may build it once per post for all of them (stream.c): not the
 * author; no favourite, boost, bookmark or pin of theirs; not a boost (its
 * inner post is as the reader sees it); no reactions on it, nor a poll
 * (their "me" and "voted"); the thread not muted; and no filter of theirs
 * in the context (its "filtered"). has_poll: whether p carries a poll.
 */
int
entity_status_plain(struct ectx *e, const struct post *p, int has_poll)
{
	if (e->viewer == 0 || e->viewer == p->author_id || p->favourited ||
	    p->reblogged || p->bookmarked || p->pinned ||
	    p->reblog_of_id != 0 || has_poll || p->reactions_version != 0 ||
	    p->favourites_count != 0)
		return 0;
	if (status_muted(e, p->id))
		return 0;
	return e->filter_ctx == 0 || !filter_active(e->db, e->arena,
	    e->viewer, e->filter_ctx);
}

/* The Status entity for a post the viewer may read. */
json_t *
entity_status(struct ectx *e, const struct post *p)
{
	json_t	*account = entity_account_id(e, p->author_id), *s;
	const char *username;

	if (account == NULL)
		return NULL;
	username = json_string_value(json_object_get(account, "username"));
	s = json_pack("{s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:s, s:o, "
	    "s:n, s:o, s:o, s:[], s:I, s:I, s:I, s:I, s:o, s:o, s:n, s:n, "
	    "s:n, s:o, s:n, s:o, s:b, s:b, s:b, s:b, s:b, s:[], s:o}",
	    "id", entity_id(p->id),
	    "uri", arena_printf(e->arena, "%s/users/%s/statuses/%lld",
	    e->config->base_url, username, (long long)p->id),
	    "url", arena_printf(e->arena, "%s/@%s/%lld", e->config->base_url,
	    username, (long long)p->id),
	    "created_at", entity_time(p->created_at),
	    "account", account,
	    "content", p->content_html,
	    "visibility", visibility_name(p->visibility),
	    "sensitive", p->sensitive,
	    "spoiler_text", p->spoiler_text,
	    "media_attachments", entity_media_list(e, p->media_json, 1),
	    "application",
	    "mentions", status_mentions(e, p->mentions_json),
	    "tags", status_tags(e, p->tags_json),
	    "emojis",
	    "reblogs_count", (json_int_t)p->reblogs_count,
	    "favourites_count", (json_int_t)p->favourites_count,
	    "replies_count", (json_int_t)p->replies_count,
	    "quotes_count", (json_int_t)0,
	    "in_reply_to_id", p->in_reply_to_id ? entity_id(p->in_reply_to_id) :
	    json_null(),
	    "in_reply_to_account_id", p->in_reply_to_account_id ?
	    entity_id(p->in_reply_to_account_id) : json_null(),
	    "reblog", "poll", "card",
	    "language", p->language ? json_string(p->language) : json_null(),
	    "text",
	    "edited_at", p->edited_at ? entity_time(p->edited_at) : json_null(),
	    "favourited", p->favourited, "reblogged", p->reblogged, "muted", 0,
	    "bookmarked", p->bookmarked, "pinned", p->pinned,
	    "filtered",
	    "group", status_group(e, p->group_id));
	json_object_set_new(s, "pleroma", status_pleroma(e, p));
	if (p->reblog_of_id == 0 && status_muted(e, p->id))
		json_object_set_new(s, "muted", json_true());
	status_poll(e, p->id, s);
	status_filtered(e, p->id, s);		/* filters: filter.c */
	if (p->reblog_of_id != 0 && status_reblog(e, p, s) != 0) {
		json_decref(s);
		return NULL;
	}
	/* An outside post (the bridge's): its id and page are its server's,
	 * as Mastodon shows a remote status. */
	if (p->outside_uri != NULL) {
		json_object_set_new(s, "uri", json_string(p->outside_uri));
		json_object_set_new(s, "url", json_string(p->outside_url !=
		    NULL ? p->outside_url : p->outside_uri));
	}
	return s;
}

/* The Status for an id, or NULL if missing or not visible to the viewer. */
json_t *
entity_status_id(struct ectx *e, int64_t id)
{
	struct post	*p = post_get(e->db, e->arena, e->viewer, id);

	return p ? entity_status(e, p) : NULL;
}

/* An array of Statuses, leaving out any the viewer may not (or no longer)
 * read. */
json_t *
entity_statuses(struct ectx *e, const struct idlist *ids)
{
	json_t	*arr = json_array(), *s;
	size_t	 i;

	for (i = 0; i < ids->n; i++) {
		if ((s = entity_status_id(e, ids->ids[i])) != NULL)
			json_array_append_new(arr, s);
	}
	return arr;
}

/* The Relationship entity between the viewer and another person. */
json_t *
entity_relationship(struct ectx *e, int64_t other)
{
	struct relationship	rel;

	follow_relationship(e->db, e->viewer, other, &rel);
	block_relationship(e->db, e->viewer, other, &rel);
	mute_relationship(e->db, e->viewer, other, &rel);
	return json_pack("{s:o, s:b, s:b, s:b, s:n, s:b, s:b, s:b, s:b, s:b, "
	    "s:b, s:b, s:b, s:b, s:s}",
	    "id", entity_id(other),
	    "following", rel.following, "showing_reblogs", rel.following,
	    "notifying", 0, "languages",
	    "followed_by", rel.followed_by, "blocking", rel.blocking,
	    "blocked_by", rel.blocked_by, "muting", rel.muting,
	    "muting_notifications", rel.muting_notifications, "requested", 0,
	    "requested_by", 0, "domain_blocking", 0, "endorsed", 0,
	    "note", account_note_get(e->db, e->arena, e->viewer, other));
}

/* hearth's Group entity; its picture as an Account's avatar is (both
 * names, as apps that show an avatar look for either), or null. */
json_t *
entity_group(struct ectx *e, const struct group *g)
{
	const char	*pic = g->picture_file != NULL && *g->picture_file !=
			    '\0' ? arena_printf(e->arena, "%s/media/%s",
			    e->config->base_url, g->picture_file) : NULL;

	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:b, s:o, "
	    "s:s, s:o, s:s?, s:s?}",
	    "id", entity_id(g->id),
	    "name", g->name,
	    "description", g->description_html,
	    "description_source", g->description,
	    "visibility", g->visibility == GROUP_PRIVATE ? "private" : "open",
	    "created_at", entity_time(g->created_at),
	    "members_count", (json_int_t)g->members_count,
	    "posts_count", (json_int_t)g->posts_count,
	    "member", g->my_role >= 0,
	    "role", g->my_role == GROUP_ADMIN ? json_string("admin") :
	    g->my_role == GROUP_MEMBER ? json_string("member") : json_null(),
	    "url", arena_printf(e->arena, "%s/groups/%lld",
	    e->config->base_url, (long long)g->id),
	    "archived_at", g->archived_at != 0 ? entity_time(g->archived_at) :
	    json_null(), "avatar", pic, "avatar_static", pic);
}

/* The Group entity for an id the viewer may read, or NULL. */
json_t *
entity_group_id(struct ectx *e, int64_t id)
{
	struct group	*g = group_get(e->db, e->arena, e->viewer, id);

	return g ? entity_group(e, g) : NULL;
}

/* The Tag entity (with an empty history: hearth keeps no daily counts). */
json_t *
entity_tag(struct ectx *e, const char *name)
{
	return json_pack("{s:s, s:s, s:[], s:b}", "name", name, "url",
	    arena_printf(e->arena, "%s/tags/%s", e->config->base_url, name),
	    "history", "following", e->viewer != 0 &&
	    tag_following(e->db, e->viewer, name));
}

/* The Notification entity for an id of the viewer's, or NULL. */
json_t *
entity_notification(struct ectx *e, int64_t id)
{
	sqlite3_stmt	*st;
	json_t		*n = NULL, *account, *status = NULL, *group = NULL;
	int64_t		 from, post, gid, created;
	char		*type, *emoji;

	st = db_prepare(e->db, "SELECT type, from_id, coalesce(post_id, 0), "
	    "coalesce(group_id, 0), created_at, emoji FROM notifications "
	    "WHERE id = ? AND user_id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, e->viewer);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	type = arena_strdup(e->arena, (const char *)sqlite3_column_text(st, 0));
	from = sqlite3_column_int64(st, 1);
	post = sqlite3_column_int64(st, 2);
	gid = sqlite3_column_int64(st, 3);
	created = sqlite3_column_int64(st, 4);
	emoji = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL :
	    arena_strdup(e->arena, (const char *)sqlite3_column_text(st, 5));
	sqlite3_reset(st);
	if ((account = entity_account_id(e, from)) == NULL)
		return NULL;
	/* A notification never shows a post its reader cannot see. */
	if (post != 0 && (status = entity_status_id(e, post)) == NULL) {
		json_decref(account);
		return NULL;
	}
	if (gid != 0 && (group = entity_group_id(e, gid)) == NULL) {
		json_decref(account);
		json_decref(status);
		return NULL;
	}
	n = json_pack("{s:o, s:s, s:o, s:o, s:s}", "id", entity_id(id),
	    "type", type, "created_at", entity_time(created), "account",
	    account, "group_key", arena_printf(e->arena, "ungrouped-%lld",
	    (long long)id));
	if (status != NULL)
		json_object_set_new(n, "status", status);
	if (group != NULL)
		json_object_set_new(n, "group", group);
	/* A reaction's, as Pleroma and Akkoma give it (a Unicode emoji:
	 * no custom emoji's picture). */
	if (emoji != NULL) {
		json_object_set_new(n, "emoji", json_string(emoji));
		json_object_set_new(n, "emoji_url", json_null());
	}
	if (strcmp(type, "moderation_warning") == 0 ||
	    strcmp(type, "hearth.report_resolved") == 0 ||
	    strcmp(type, "admin.report") == 0)
		entity_notification_moderation(e, id, type, n);
	return n;
}

/*
 * Caches of serialised entities for timelines, the hottest answers. A
 * Status is cached without its two parts that vary: the author's Account
 * (cached on its own) and the reader's "favourited". Each is tagged with a
 * fingerprint of what can change in its row, read afresh each time, so an
 * edited post or a profile with a new follower is never served stale.
 */
static struct cache	*status_cache;
static struct cache	*account_cache;

#define ACCOUNT_TTL_US	(3600ULL * 1000000ULL)
#define STATUS_TTL_US	(3600ULL * 1000000ULL)

/* Set up the entity caches. */
void
entity_cache_init(size_t statuses, size_t accounts)
{
	status_cache = cache_new(statuses, STATUS_TTL_US);
	account_cache = cache_new(accounts, ACCOUNT_TTL_US);
	cache_set_name(status_cache, "status");
	cache_set_name(account_cache, "account");
}

/* Free the entity caches. */
void
entity_cache_free(void)
{
	cache_free(status_cache);
	cache_free(account_cache);
	status_cache = account_cache = NULL;
}

/* Forget a person's cached Account (their profile changed). */
void
entity_account_forget(int64_t user)
{
	cache_drop(account_cache, user);
}

/* Write an Account (whose fingerprint is tag) from the cache, or build,
 * cache and write it. */
static int
account_write(struct ectx *e, int64_t id, uint64_t tag, struct evbuffer *out)
{
	struct evbuffer	*b;
	json_t		*a;
	size_t		 len;

	if (cache_emit(account_cache, id, tag, out))
		return 0;
	if ((a = entity_account_id(e, id)) == NULL)
		return -1;
	b = evbuffer_new();
	jsonw_value(b, a);
	json_decref(a);
	len = evbuffer_get_length(b);
	cache_put(account_cache, id, tag, evbuffer_pullup(b, -1), len);
	evbuffer_add_buffer(out, b);
	evbuffer_free(b);
	return 0;
}

/* A fingerprint of what can change in a post after it is written. */
uint64_t
entity_status_tag(const struct peek *p)
{
	/* the window of attachments' signed addresses too: a Status kept
	 * longer would hand out addresses about to expire */
	return (uint64_t)p->edited_at * 1000003ULL ^
	    (uint64_t)p->reactions_version * 0x9fb21c651e98df25ULL ^
	    (uint64_t)p->favourites_count * 7919ULL ^
	    (uint64_t)p->reblogs_count * 104729ULL << 20 ^
	    (uint64_t)p->replies_count << 40 ^
	    (uint64_t)media_sign_window(time(NULL)) * 0xd6e8feb86659fd93ULL;
}

/* Write the parts of a Status that are the reader's own: whether they
 * boosted and bookmarked it, and its reactions with theirs marked. */
static void
status_write_mine(struct ectx *e, const struct peek *peek,
    struct evbuffer *out)
{
	json_t	*arr;

	evbuffer_add_printf(out, ",\"reblogged\":%s,\"bookmarked\":%s,"
	    "\"pinned\":%s", peek->reblogged ? "true" : "false",
	    peek->bookmarked ? "true" : "false",
	    peek->pinned ? "true" : "false");
	evbuffer_add(out, ",\"pleroma\":{\"emoji_reactions\":", 30);
	if (peek->reactions_version == 0 && peek->favourites_count == 0)
		evbuffer_add(out, "[]", 2);
	else {
		arr = status_reactions(e, peek->id);
		jsonw_value(out, arr);
		json_decref(arr);
	}
	evbuffer_add(out, "}", 1);
	/* the poll: its counts move with every vote, and voted is theirs */
	evbuffer_add(out, ",\"poll\":", 8);
	if (peek->has_poll && (arr = entity_poll(e, peek->id)) != NULL) {
		jsonw_value(out, arr);
		json_decref(arr);
	} else
		evbuffer_add(out, "null", 4);
}

/* Write a cached Status's "filtered": the viewer's filters' results. */
static void
status_write_filtered(struct ectx *e, int64_t id, struct evbuffer *out)
{
	json_t	*r = NULL;
	int	 hide;

	if (e->filter_ctx != 0)
		r = filter_results(e->db, e->arena, e->viewer, e->filter_ctx,
		    id, &hide);
	evbuffer_add(out, ",\"filtered\":", 12);
	if (r == NULL)
		evbuffer_add(out, "[]", 2);
	else {
		jsonw_value(out, r);
		json_decref(r);
	}
}

/* Write one Status, from the cache where it can; -1 if it vanished. */
static int
status_write(struct ectx *e, const struct peek *peek, struct evbuffer *out)
{
	struct evbuffer	*b;
	struct post	*p;
	json_t		*s;
	size_t		 len;

	/* A boost holds the original as its reader sees it: never shared. */
	if (peek->reblog_of_id != 0) {
		if ((p = post_get(e->db, e->arena, e->viewer, peek->id)) == NULL ||
		    (s = entity_status(e, p)) == NULL)
			return -1;
		jsonw_value(out, s);
		json_decref(s);
		return 0;
	}
	if (!cache_emit(status_cache, peek->id, entity_status_tag(peek), out)) {
		if ((p = post_get(e->db, e->arena, e->viewer, peek->id)) == NULL ||
		    (s = entity_status(e, p)) == NULL)
			return -1;
		json_object_del(s, "account");
		json_object_del(s, "favourited");
		json_object_del(s, "reblogged");
		json_object_del(s, "bookmarked");
		json_object_del(s, "pinned");
		json_object_del(s, "pleroma");
		json_object_del(s, "muted");
		json_object_del(s, "poll");
		json_object_del(s, "filtered");
		b = evbuffer_new();
		jsonw_value(b, s);
		json_decref(s);
		/* Cached without its closing brace; the varying parts follow. */
		len = evbuffer_get_length(b) - 1;
		cache_put(status_cache, p->id, entity_status_tag(peek),
		    evbuffer_pullup(b, -1), len);
		evbuffer_add(out, evbuffer_pullup(b, -1), len);
		evbuffer_free(b);
	}
	evbuffer_add(out, ",\"account\":", 11);
	if (account_write(e, peek->author_id, peek->author_tag, out) != 0)
		return -1;
	status_write_mine(e, peek, out);
	if (status_muted(e, peek->id))
		evbuffer_add(out, ",\"muted\":true", 13);
	else
		evbuffer_add(out, ",\"muted\":false", 14);
	status_write_filtered(e, peek->id, out);
	if (peek->favourited)
		evbuffer_add(out, ",\"favourited\":true}", 19);
	else
		evbuffer_add(out, ",\"favourited\":false}", 20);
	return 0;
}

/* Write an array of the Statuses the viewer may read, as JSON. */
void
entity_statuses_write(struct ectx *e, const struct idlist *ids,
    struct evbuffer *out)
{
	struct evbuffer	*one = evbuffer_new();
	struct peek	*peek;
	size_t		 i, n;
	int		 first = 1;

	evbuffer_add(out, "[", 1);
	/* filters: asked once a page, not once a post, when none can match */
	if (e->filter_ctx != 0 && !filter_active(e->db, e->arena, e->viewer,
	    e->filter_ctx))
		e->filter_ctx = 0;
	if (post_peek(e->db, e->arena, e->viewer, ids, &peek, &n) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		if (status_write(e, &peek[i], one) != 0) {
			evbuffer_drain(one, evbuffer_get_length(one));
			continue;
		}
		if (!first)
			evbuffer_add(out, ",", 1);
		first = 0;
		evbuffer_add_buffer(out, one);
	}
	evbuffer_add(out, "]", 1);
	evbuffer_free(one);
}

/* -- reports and moderation (report.c keeps the records) */

/* Ids as a JSON array of strings, as Mastodon writes them. */
static json_t *
ids_strings(const struct idlist *l)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_sprintf("%lld",
		    (long long)l->ids[i]));
	return a;
}

/* Mastodon's Report entity. */
json_t *
entity_report(struct ectx *e, const struct report *r)
{
	json_t	*target = entity_account_id(e, r->target);

	return json_pack("{s:s, s:b, s:o, s:s, s:s, s:b, s:o, s:o, s:o, "
	    "s:o}", "id", arena_printf(e->arena, "%lld", (long long)r->id),
	    "action_taken", r->action_taken != NULL,
	    "action_taken_at", r->action_taken != NULL ?
	    entity_time(r->action_at) : json_null(),
	    "category", r->category, "comment", r->comment,
	    "forwarded", 0, "created_at", entity_time(r->created_at),
	    "status_ids", r->statuses.n > 0 ? ids_strings(&r->statuses) :
	    json_null(), "rule_ids", r->rules.n > 0 ? ids_strings(&r->rules) :
	    json_null(), "target_account", target != NULL ? target :
	    json_null());
}

/*
 * What a moderation notification carries beyond the common fields:
 * Mastodon's moderation_warning (an AccountWarning) for the author, its
 * report (a Report) for an admin told of a new one (admin.report), and
 * for the reporter hearth's report_outcome ({report_id, outcome}).
 */
void
entity_notification_moderation(struct ectx *e, int64_t id, const char *type,
    json_t *n)
{
	struct account_warning	*w;
	struct report		*r;
	json_t			*target;

	if ((w = account_warning_of(e->db, e->arena, id, e->viewer)) == NULL)
		return;
	if (strcmp(type, "admin.report") == 0) {
		if ((r = report_get(e->db, e->arena, w->report)) != NULL)
			json_object_set_new(n, "report", entity_report(e, r));
	} else if (w->id != 0) {
		target = entity_account_id(e, e->viewer);
		json_object_set_new(n, "moderation_warning", json_pack(
		    "{s:s, s:s, s:s, s:o, s:o, s:n, s:o}", "id", arena_printf(
		    e->arena, "%lld", (long long)w->id), "action", w->action,
		    "text", w->text, "status_ids", ids_strings(&w->statuses),
		    "target_account", target != NULL ? target : json_null(),
		    "appeal", "created_at", entity_time(w->created_at)));
		/* hearth's: the words of the posts taken down */
		json_object_set_new(json_object_get(n, "moderation_warning"),
		    "hearth_excerpts", json_loads(w->excerpts, 0, NULL));
	} else if (w->report != 0)
		json_object_set_new(n, "report_outcome", json_pack(
		    "{s:s, s:s}", "report_id", arena_printf(e->arena, "%lld",
		    (long long)w->report), "outcome", w->outcome));
}
