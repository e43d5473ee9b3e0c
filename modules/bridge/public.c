/*
 * public.c: what the public listener serves, and nothing more: WebFinger,
 * host-meta and NodeInfo; the actors of people visible outside, their
 * outboxes and follower counts; the shared posts (the text the desk
 * approved, never the current inside text) as ActivityStreams or as HTML
 * pages, chosen by the Accept header; and the avatars of those actors.
 * Anyone who is not visible outside, and any post not approved, is 404
 * here (an opted-out actor is 410 Gone).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bridge.h"

#define A	br_api
#define AP_TYPE		"application/activity+json; charset=utf-8"
#define AVATAR_MAX	(8 * 1024 * 1024)
#define PAGE_POSTS	20
/* A share that went out and was not taken back: approved, or an edit at
 * the desk (the approved text stays out meanwhile). SHARED_OUT_S is it
 * for a table named s. */
#define SHARED_OUT	"published_at IS NOT NULL AND state IN ('approved', " \
			"'pending')"
#define SHARED_OUT_S	"published_at IS NOT NULL AND s.state IN " \
			"('approved', 'pending')"

/* Whether the client asked for ActivityStreams rather than a page. */
static int
br_wants_ap(struct hm_req *r)
{
	const char	*acc = A->req_header(r, "Accept");

	return acc != NULL && (strstr(acc, "application/activity+json") !=
	    NULL || strstr(acc, "application/ld+json") != NULL);
}

/* Answer a JSON document with a content type; takes the reference. */
static int
br_reply_json(struct hm_req *r, int status, const char *type, json_t *o)
{
	char	*s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (s == NULL) {
		A->reply_error(r, 500, "Internal error");
		return HM_DONE;
	}
	A->set_header(r, "Vary", "Accept");
	A->set_header(r, "Access-Control-Allow-Origin", "*");
	A->set_header(r, "Cache-Control", "max-age=60, public");
	A->reply_body(r, status, type, s, strlen(s));
	free(s);
	return HM_DONE;
}

/* The actor a route's :name names, visible outside; else answered. */
static int
br_route_actor(struct hm_req *r, struct br_actor *a)
{
	const char	*name = A->req_route_param(r, 0);

	if (name == NULL || br_actor_get(A->req_db(r), 0, name, a) != 0) {
		A->reply_error(r, 404, "Not found");
		return -1;
	}
	if (a->disabled_at != 0) {
		A->reply_error(r, 410, "Gone: this person is no longer "
		    "visible outside");
		br_actor_free(a);
		return -1;
	}
	return 0;
}

/* GET /.well-known/webfinger?resource=acct:NAME@HOST (or the actor's
 * URL, or its profile page's). */
int
br_pub_webfinger(struct hm_req *r)
{
	const char	*res = A->req_param(r, "resource"), *name = NULL;
	const char	*at;
	struct br_actor	 a;
	char		*actor, *users, *profile;
	size_t		 n;
	json_t		*o;

	if (res == NULL || *res == '\0') {
		A->reply_error(r, 400, "resource is required");
		return HM_DONE;
	}
	users = br_printf("%s/users/", br_conf.base);
	profile = br_printf("%s/@", br_conf.base);
	if (strncasecmp(res, "acct:", 5) == 0) {
		res += 5;
		if (*res == '@')
			res++;
		if ((at = strrchr(res, '@')) != NULL &&
		    strcasecmp(at + 1, br_conf.host) == 0)
			name = A->req_printf(r, "%.*s", (int)(at - res), res);
	} else if (strncmp(res, users, (n = strlen(users))) == 0)
		name = res + n;
	else if (strncmp(res, profile, (n = strlen(profile))) == 0)
		name = res + n;
	free(users);
	free(profile);
	if (name == NULL || strchr(name, '/') != NULL ||
	    br_actor_get(A->req_db(r), 0, name, &a) != 0) {
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	if (a.disabled_at != 0) {
		br_actor_free(&a);
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	actor = br_actor_url(a.username);
	o = json_pack("{s:s+++, s:[s, s+++], s:[{s:s, s:s, s:s}, {s:s, s:s, "
	    "s:s+++}]}",
	    "subject", "acct:", a.username, "@", br_conf.host,
	    "aliases", actor, br_conf.base, "/@", a.username, "",
	    "links",
	    "rel", "self", "type", "application/activity+json", "href", actor,
	    "rel", "http://webfinger.net/rel/profile-page", "type",
	    "text/html", "href", br_conf.base, "/@", a.username, "");
	free(actor);
	br_actor_free(&a);
	return br_reply_json(r, 200, "application/jrd+json; charset=utf-8", o);
}

/* GET /.well-known/host-meta: where WebFinger is (XRD). */
int
br_pub_host_meta(struct hm_req *r)
{
	char	*x = br_printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
	    "  <Link rel=\"lrdd\" template=\"%s/.well-known/webfinger?"
	    "resource={uri}\"/>\n</XRD>\n", br_conf.base);

	A->reply_body(r, 200, "application/xrd+xml; charset=utf-8", x,
	    strlen(x));
	free(x);
	return HM_DONE;
}

/* GET /.well-known/nodeinfo */
int
br_pub_nodeinfo_links(struct hm_req *r)
{
	return br_reply_json(r, 200, "application/json", json_pack("{s:[{s:s, "
	    "s:s+}]}", "links", "rel",
	    "http://nodeinfo.diaspora.software/ns/schema/2.0", "href",
	    br_conf.base, "/nodeinfo/2.0"));
}

/* One number from a query. */
static int64_t
br_count(struct hm_db *db, const char *sql, int64_t arg)
{
	struct hm_stmt	*st = A->db_prepare(db, sql);
	int64_t		 n = 0;

	if (st == NULL)
		return 0;
	if (arg != 0)
		A->db_bind_int(st, 1, arg);
	if (A->db_step(st) == 1)
		n = A->db_column_int(st, 0);
	A->db_finalize(st);
	return n;
}

/* GET /nodeinfo/2.0: honest counts of what is visible outside only. */
int
br_pub_nodeinfo(struct hm_req *r)
{
	struct hm_db	*db = A->req_db(r);
	int64_t		 now = br_now();
	static const char active[] = "SELECT COUNT(DISTINCT s.author_id) FROM "
	    "bridge_shares s JOIN bridge_actors a ON a.user_id = s.author_id "
	    "AND a.disabled_at IS NULL JOIN users u ON u.id = a.user_id AND "
	    "u.disabled = 0 WHERE s." SHARED_OUT_S " AND s.published_at > ?";

	return br_reply_json(r, 200, "application/json; profile=\"http://"
	    "nodeinfo.diaspora.software/ns/schema/2.0#\"", json_pack("{s:s, "
	    "s:{s:s, s:s}, s:[s], s:{s:[], s:[]}, s:b, s:{s:{s:I, s:I, s:I}, "
	    "s:I}, s:{}}",
	    "version", "2.0",
	    "software", "name", "hearth", "version", PACKAGE_VERSION_BRIDGE,
	    "protocols", "activitypub",
	    "services", "inbound", "outbound",
	    "openRegistrations", 0,
	    "usage", "users",
	    "total", (json_int_t)br_count(db, "SELECT COUNT(*) FROM "
	    "bridge_actors a JOIN users u ON u.id = a.user_id AND u.disabled "
	    "= 0 WHERE a.disabled_at IS NULL", 0),
	    "activeMonth", (json_int_t)br_count(db, active, now - 30 * 86400),
	    "activeHalfyear", (json_int_t)br_count(db, active,
	    now - 180 * 86400),
	    "localPosts", (json_int_t)br_count(db, "SELECT COUNT(*) FROM "
	    "bridge_shares s JOIN bridge_actors a ON a.user_id = s.author_id "
	    "AND a.disabled_at IS NULL JOIN users u ON u.id = a.user_id AND "
	    "u.disabled = 0 WHERE s." SHARED_OUT_S, 0),
	    "metadata"));
}

/* GET /actor: the instance actor, which signs hearth's fetches. */
int
br_pub_instance_actor(struct hm_req *r)
{
	char	*priv = NULL, *pub = NULL, *id;
	json_t	*o;

	if (br_instance_key(A->req_db(r), &priv, &pub) != 0) {
		A->reply_error(r, 503, "Not ready yet");
		return HM_DONE;
	}
	id = br_printf("%s/actor", br_conf.base);
	/* It follows people outside for the company (follow.c): what they
	 * send it arrives at its inbox, or the shared one. */
	o = json_pack("{s:[s, s], s:s, s:s, s:s, s:s+, s:s+, s:{s:s+}, s:b, "
	    "s:{s:s+, s:s, s:s}}",
	    "@context", "https://www.w3.org/ns/activitystreams",
	    "https://w3id.org/security/v1",
	    "id", id, "type", "Application", "preferredUsername", br_conf.host,
	    "inbox", id, "/inbox", "outbox", id, "/outbox",
	    "endpoints", "sharedInbox", br_conf.base, "/inbox",
	    "manuallyApprovesFollowers", 1,
	    "publicKey", "id", id, "#main-key", "owner", id, "publicKeyPem",
	    pub);
	free(priv);
	free(pub);
	free(id);
	return br_reply_json(r, 200, AP_TYPE, o);
}

/* Redirect a browser to a page on the public origin. */
static int
br_see_page(struct hm_req *r, const char *path)
{
	A->set_header(r, "Vary", "Accept");
	A->redirect(r, path);
	return HM_DONE;
}

/* GET /users/:name */
int
br_pub_actor(struct hm_req *r)
{
	struct br_actor	 a;
	json_t		*o;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	if (!br_wants_ap(r)) {
		br_see_page(r, A->req_printf(r, "/@%s", a.username));
		br_actor_free(&a);
		return HM_DONE;
	}
	o = br_actor_json(&a);
	br_actor_free(&a);
	return br_reply_json(r, 200, AP_TYPE, o);
}

/* GET /users/:name/followers: a count (the list stays private). */
int
br_pub_followers(struct hm_req *r)
{
	struct br_actor	 a;
	int64_t		 n;
	char		*id;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	n = br_count(A->req_db(r), "SELECT COUNT(*) FROM bridge_followers "
	    "WHERE user_id = ? AND state = 'accepted'", a.user_id);
	id = br_printf("%s/users/%s/followers", br_conf.base, a.username);
	br_actor_free(&a);
	br_reply_json(r, 200, AP_TYPE, json_pack("{s:s, s:s, s:s, s:I}",
	    "@context", "https://www.w3.org/ns/activitystreams", "id", id,
	    "type", "OrderedCollection", "totalItems", (json_int_t)n));
	free(id);
	return HM_DONE;
}

/* GET /users/:name/following: nobody, from here. */
int
br_pub_following(struct hm_req *r)
{
	struct br_actor	 a;
	char		*id;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	id = br_printf("%s/users/%s/following", br_conf.base, a.username);
	br_actor_free(&a);
	br_reply_json(r, 200, AP_TYPE, json_pack("{s:s, s:s, s:s, s:i, s:[]}",
	    "@context", "https://www.w3.org/ns/activitystreams", "id", id,
	    "type", "OrderedCollection", "totalItems", 0, "orderedItems"));
	free(id);
	return HM_DONE;
}

/* A shared post as stored at its approval. */
struct br_shared {
	int64_t		 post;
	int64_t		 published;
	int64_t		 updated;
	char		*html;
	char		*summary;
	json_t		*tags;
	char		*media;		/* attachments, as approved */
};

static void
br_shared_free(struct br_shared *s)
{
	free(s->html);
	free(s->summary);
	free(s->media);
	json_decref(s->tags);
	memset(s, 0, sizeof *s);
}

/* Fill a shared post from a row (post_id, published_at, updated_at,
 * html, summary, tags, media). */
static void
br_shared_row(struct hm_stmt *st, struct br_shared *s)
{
	const char	*t;

	s->post = A->db_column_int(st, 0);
	s->published = A->db_column_int(st, 1);
	s->updated = A->db_column_int(st, 2);
	s->html = strdup(A->db_column_text(st, 3) ? A->db_column_text(st, 3) :
	    "");
	s->summary = (t = br_col(st, 4)) != NULL ? strdup(t) :
	    NULL;
	s->tags = (t = br_col(st, 5)) != NULL ? json_loads(t, 0,
	    NULL) : NULL;
	if (s->tags == NULL)
		s->tags = json_array();
	s->media = (t = br_col(st, 6)) != NULL ? strdup(t) : NULL;
}

#define SHARED_COLUMNS	"post_id, published_at, COALESCE(updated_at, 0), " \
			"html, summary, tags, media"

/* The shared post a route's :id names, by the route's actor. */
static int
br_route_shared(struct hm_req *r, const struct br_actor *a,
    struct br_shared *s)
{
	struct hm_stmt	*st;
	const char	*id = A->req_route_param(r, 1);
	int		 rc = -1;

	memset(s, 0, sizeof *s);
	st = A->db_prepare(A->req_db(r), "SELECT " SHARED_COLUMNS " FROM "
	    "bridge_shares WHERE post_id = ? AND author_id = ? AND "
	    SHARED_OUT);
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, id != NULL ? strtoll(id, NULL, 10) : 0);
	A->db_bind_int(st, 2, a->user_id);
	if (A->db_step(st) == 1) {
		br_shared_row(st, s);
		rc = 0;
	}
	A->db_finalize(st);
	return rc;
}

/* The Note, or the Create that carried it. */
static int
br_pub_object(struct hm_req *r, int create)
{
	struct br_actor		 a;
	struct br_shared	 s;
	json_t			*note, *o;
	char			*actor, *id;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	if (br_route_shared(r, &a, &s) != 0) {
		br_actor_free(&a);
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	if (!create && !br_wants_ap(r)) {
		br_see_page(r, A->req_printf(r, "/@%s/%lld", a.username,
		    (long long)s.post));
		br_shared_free(&s);
		br_actor_free(&a);
		return HM_DONE;
	}
	note = br_note_json(A->req_db(r), &a, s.post, s.html, s.summary,
	    s.tags, s.media, s.published, s.updated);
	if (create) {
		actor = br_actor_url(a.username);
		id = br_printf("%s/activity", json_string_value(
		    json_object_get(note, "id")));
		o = br_activity("Create", id, actor, note);
		free(actor);
		free(id);
	} else
		o = note;
	br_shared_free(&s);
	br_actor_free(&a);
	return br_reply_json(r, 200, AP_TYPE, o);
}

/* GET /users/:name/statuses/:id */
int
br_pub_note(struct hm_req *r)
{
	return br_pub_object(r, 0);
}

/* GET /users/:name/statuses/:id/activity */
int
br_pub_create(struct hm_req *r)
{
	return br_pub_object(r, 1);
}

/* GET /users/:name/outbox[?page=true&max_id=N]: the shared posts as
 * Create activities, newest first. */
int
br_pub_outbox(struct hm_req *r)
{
	struct br_actor		 a;
	struct br_shared	 s;
	struct hm_stmt		*st;
	const char		*max = A->req_param(r, "max_id");
	char			*id, *actor;
	json_t			*items, *note, *o;
	int64_t			 n, last = 0;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	id = br_printf("%s/users/%s/outbox", br_conf.base, a.username);
	n = br_count(A->req_db(r), "SELECT COUNT(*) FROM bridge_shares WHERE "
	    "author_id = ? AND " SHARED_OUT, a.user_id);
	if (!br_truthy(A->req_param(r, "page"))) {
		o = json_pack("{s:s, s:s, s:s, s:I, s:s++, s:s++}",
		    "@context", "https://www.w3.org/ns/activitystreams",
		    "id", id, "type", "OrderedCollection",
		    "totalItems", (json_int_t)n,
		    "first", id, "?page=true", "",
		    "last", id, "?min_id=0&page=true", "");
		free(id);
		br_actor_free(&a);
		return br_reply_json(r, 200, AP_TYPE, o);
	}
	items = json_array();
	actor = br_actor_url(a.username);
	st = A->db_prepare(A->req_db(r), "SELECT " SHARED_COLUMNS " FROM "
	    "bridge_shares WHERE author_id = ? AND " SHARED_OUT " AND post_id "
	    "< ? ORDER BY post_id DESC LIMIT ?");
	if (st != NULL) {
		A->db_bind_int(st, 1, a.user_id);
		A->db_bind_int(st, 2, max != NULL ? strtoll(max, NULL, 10) :
		    INT64_MAX);
		A->db_bind_int(st, 3, PAGE_POSTS);
		while (A->db_step(st) == 1) {
			char	*aid;

			br_shared_row(st, &s);
			note = br_note_json(A->req_db(r), &a, s.post, s.html,
			    s.summary, s.tags, s.media, s.published,
			    s.updated);
			aid = br_printf("%s/activity", json_string_value(
			    json_object_get(note, "id")));
			json_array_append_new(items, br_activity("Create", aid,
			    actor, note));
			free(aid);
			last = s.post;
			br_shared_free(&s);
		}
		A->db_finalize(st);
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:o}",
	    "@context", "https://www.w3.org/ns/activitystreams",
	    "id", A->req_printf(r, "%s?page=true%s%s", id, max ? "&max_id=" :
	    "", max ? max : ""),
	    "type", "OrderedCollectionPage", "partOf", id,
	    "orderedItems", items);
	if (json_array_size(items) == PAGE_POSTS)
		json_object_set_new(o, "next", json_string(A->req_printf(r,
		    "%s?page=true&max_id=%lld", id, (long long)last)));
	free(actor);
	free(id);
	br_actor_free(&a);
	return br_reply_json(r, 200, AP_TYPE, o);
}

/*
 * GET /media/:file: a picture, thumbnail or file of a shared post that is
 * out (as approved: the name is in the share's attachments; its author
 * still visible outside), served as hearth serves attachments; anything
 * else is 404, however it is named.
 */
int
br_pub_media(struct hm_req *r)
{
	struct hm_db	*db = A->req_db(r);
	struct hm_stmt	*st;
	const char	*name = A->req_route_param(r, 0);
	char		*quoted;
	int64_t		 post, n = 0;

	if (name == NULL || (post = A->media_post_of(db, name)) == 0) {
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	quoted = br_printf("\"%s\"", name);
	st = A->db_prepare(db, "SELECT COUNT(*) FROM bridge_shares s JOIN "
	    "bridge_actors a ON a.user_id = s.author_id AND a.disabled_at IS "
	    "NULL WHERE s.post_id = ? AND " SHARED_OUT_S " AND "
	    "instr(s.media, ?) > 0");
	if (st != NULL) {
		A->db_bind_int(st, 1, post);
		A->db_bind_text(st, 2, quoted);
		if (A->db_step(st) == 1)
			n = A->db_column_int(st, 0);
		A->db_finalize(st);
	}
	free(quoted);
	if (n <= 0) {
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	A->reply_media(r, name);
	return HM_DONE;
}

/* GET /users/:name/avatar: only an opted-in person's, only the file. */
int
br_pub_avatar(struct hm_req *r)
{
	struct br_actor	 a;
	struct stat	 sb;
	char		*buf = NULL;
	ssize_t		 got = 0;
	int		 fd = -1;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	if (a.avatar_path == NULL ||
	    (fd = open(a.avatar_path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > AVATAR_MAX ||
	    (buf = malloc((size_t)sb.st_size + 1)) == NULL ||
	    (got = read(fd, buf, (size_t)sb.st_size)) != sb.st_size) {
		A->reply_error(r, 404, "Not found");
		goto out;
	}
	A->set_header(r, "Cache-Control", "max-age=3600, public");
	A->set_header(r, "Content-Disposition", "inline");
	A->reply_body(r, 200, a.avatar_type, buf, (size_t)got);
out:
	if (fd != -1)
		close(fd);
	free(buf);
	br_actor_free(&a);
	return HM_DONE;
}

/* The view every public page starts from. */
static json_t *
br_page_view(struct hm_req *r, const char *title)
{
	return json_pack("{s:s, s:s, s:s}", "title", title, "host",
	    br_conf.host, "base", br_conf.base);
}

/* A shared post as a page's item. */
static json_t *
br_post_item(struct hm_req *r, const struct br_actor *a,
    const struct br_shared *s)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:s}",
	    "html", s->html, "summary_html", "", "summary", s->summary,
	    "date", br_iso(r, s->published),
	    "path", A->req_printf(r, "/@%s/%lld", a->username,
	    (long long)s->post),
	    "name", a->display_name != NULL && *a->display_name ?
	    a->display_name : a->username,
	    "username", a->username);
}

/* GET /@:name: the person's page, or their actor for a fediverse app. */
int
br_pub_profile(struct hm_req *r)
{
	struct br_actor		 a;
	struct br_shared	 s;
	struct hm_stmt		*st;
	json_t			*v, *posts = json_array();
	char			*bio;

	if (br_route_actor(r, &a) != 0) {
		json_decref(posts);
		return HM_DONE;
	}
	if (br_wants_ap(r)) {
		json_decref(posts);
		v = br_actor_json(&a);
		br_actor_free(&a);
		return br_reply_json(r, 200, AP_TYPE, v);
	}
	st = A->db_prepare(A->req_db(r), "SELECT " SHARED_COLUMNS " FROM "
	    "bridge_shares WHERE author_id = ? AND " SHARED_OUT " ORDER BY "
	    "post_id DESC LIMIT 40");
	if (st != NULL) {
		A->db_bind_int(st, 1, a.user_id);
		while (A->db_step(st) == 1) {
			br_shared_row(st, &s);
			json_array_append_new(posts, br_post_item(r, &a, &s));
			br_shared_free(&s);
		}
		A->db_finalize(st);
	}
	bio = A->markdown_outside(a.bio != NULL ? a.bio : "", br_conf.base,
	    NULL, NULL);
	v = br_page_view(r, a.display_name != NULL && *a.display_name ?
	    a.display_name : a.username);
	json_object_set_new(v, "person", json_pack("{s:s, s:s, s:s, s:s, s:b, "
	    "s:s}", "name", a.display_name != NULL && *a.display_name ?
	    a.display_name : a.username, "username", a.username,
	    "handle", A->req_printf(r, "@%s@%s", a.username, br_conf.host),
	    "bio_html", bio != NULL ? bio : "", "has_avatar",
	    a.avatar_path != NULL, "avatar", A->req_printf(r,
	    "/users/%s/avatar", a.username)));
	json_object_set_new(v, "posts", posts);
	A->free(bio);
	A->set_header(r, "Vary", "Accept");
	A->set_header(r, "Link", A->req_printf(r, "<%s/users/%s>; rel="
	    "\"alternate\"; type=\"application/activity+json\"",
	    br_conf.base, a.username));
	br_actor_free(&a);
	A->reply_html(r, 200, "bridge/profile", v);
	return HM_DONE;
}

/* GET /@:name/:id: one shared post's page, or its Note. */
int
br_pub_post(struct hm_req *r)
{
	struct br_actor		 a;
	struct br_shared	 s;
	json_t			*v;

	if (br_route_actor(r, &a) != 0)
		return HM_DONE;
	if (br_route_shared(r, &a, &s) != 0) {
		br_actor_free(&a);
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	if (br_wants_ap(r)) {
		v = br_note_json(A->req_db(r), &a, s.post, s.html,
		    s.summary, s.tags, s.media, s.published, s.updated);
		br_shared_free(&s);
		br_actor_free(&a);
		return br_reply_json(r, 200, AP_TYPE, v);
	}
	v = br_page_view(r, A->req_printf(r, "%s on %s", a.display_name &&
	    *a.display_name ? a.display_name : a.username, br_conf.host));
	json_object_set_new(v, "post", br_post_item(r, &a, &s));
	json_object_set_new(v, "person", json_pack("{s:s, s:s, s:b, s:s}",
	    "username", a.username, "handle", A->req_printf(r, "@%s@%s",
	    a.username, br_conf.host), "has_avatar", a.avatar_path != NULL,
	    "avatar", A->req_printf(r, "/users/%s/avatar", a.username)));
	A->set_header(r, "Vary", "Accept");
	A->set_header(r, "Link", A->req_printf(r, "<%s/users/%s/statuses/%lld>;"
	    " rel=\"alternate\"; type=\"application/activity+json\"",
	    br_conf.base, a.username, (long long)s.post));
	br_shared_free(&s);
	br_actor_free(&a);
	A->reply_html(r, 200, "bridge/post", v);
	return HM_DONE;
}

/* GET /tags/:tag: shared posts with a hashtag. */
int
br_pub_tag(struct hm_req *r)
{
	struct hm_stmt		*st;
	struct br_shared	 s;
	struct br_actor		 a;
	const char		*tag = A->req_route_param(r, 0);
	json_t			*v, *posts = json_array();
	char			*like;
	size_t			 i;

	for (i = 0; tag != NULL && tag[i] != '\0'; i++) {
		if (tag[i] == '"' || tag[i] == '%' || tag[i] == '_' ||
		    tag[i] == '\\')
			tag = NULL;
		if (tag == NULL)
			break;
	}
	if (tag == NULL || *tag == '\0') {
		json_decref(posts);
		A->reply_error(r, 404, "Not found");
		return HM_DONE;
	}
	like = br_printf("%%\"name\":\"#%s\"%%", tag);
	st = A->db_prepare(A->req_db(r), "SELECT " SHARED_COLUMNS ", "
	    "author_id FROM bridge_shares s WHERE " SHARED_OUT " AND tags LIKE "
	    "? AND EXISTS (SELECT 1 FROM bridge_actors a WHERE a.user_id = "
	    "s.author_id AND a.disabled_at IS NULL) ORDER BY post_id DESC "
	    "LIMIT 40");
	if (st != NULL) {
		A->db_bind_text(st, 1, like);
		while (A->db_step(st) == 1) {
			if (br_actor_get(A->req_db(r), A->db_column_int(st, 7),
			    NULL, &a) != 0)
				continue;
			br_shared_row(st, &s);
			json_array_append_new(posts, br_post_item(r, &a, &s));
			br_shared_free(&s);
			br_actor_free(&a);
		}
		A->db_finalize(st);
	}
	free(like);
	v = br_page_view(r, A->req_printf(r, "#%s", tag));
	json_object_set_new(v, "tag", json_string(tag));
	json_object_set_new(v, "posts", posts);
	A->reply_html(r, 200, "bridge/tag", v);
	return HM_DONE;
}

/* GET /: who from the company is visible outside. */
int
br_pub_home(struct hm_req *r)
{
	struct hm_stmt	*st;
	struct br_actor	 a;
	json_t		*v, *people = json_array();

	st = A->db_prepare(A->req_db(r), "SELECT user_id FROM bridge_actors "
	    "WHERE disabled_at IS NULL ORDER BY enabled_at LIMIT 200");
	if (st != NULL) {
		while (A->db_step(st) == 1) {
			if (br_actor_get(A->req_db(r), A->db_column_int(st, 0),
			    NULL, &a) != 0)
				continue;
			json_array_append_new(people, json_pack("{s:s, s:s, "
			    "s:s}", "name", a.display_name && *a.display_name ?
			    a.display_name : a.username, "username", a.username,
			    "handle", A->req_printf(r, "@%s@%s", a.username,
			    br_conf.host)));
			br_actor_free(&a);
		}
		A->db_finalize(st);
	}
	v = br_page_view(r, br_conf.host);
	json_object_set_new(v, "people", people);
	A->reply_html(r, 200, "bridge/home", v);
	return HM_DONE;
}

/* GET /bridge.css: the public pages' only style sheet. */
int
br_pub_css(struct hm_req *r)
{
	static const char css[] =
	    ":root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fafafa;"
	    "--card:#fff;--muted:#5c5c66;--line:#e3e3e8;--accent:#b4451b}"
	    "@media (prefers-color-scheme:dark){:root{--fg:#ececf1;"
	    "--bg:#121214;--card:#1c1c20;--muted:#a3a3ad;--line:#2c2c33;"
	    "--accent:#f08a5d}}"
	    "*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,"
	    "sans-serif;color:var(--fg);background:var(--bg)}"
	    "main{max-width:42rem;margin:0 auto;padding:1rem}"
	    "h1{font-size:1.6rem;line-height:1.25}"
	    "header.site{border-bottom:1px solid var(--line);padding:.75rem 1rem;"
	    "background:var(--card)}header.site a{color:var(--fg);"
	    "font-weight:600;text-decoration:none}"
	    "a{color:var(--accent)}.muted{color:var(--muted)}"
	    ".person{display:flex;gap:1rem;align-items:center;margin:1rem 0}"
	    ".person img{width:4rem;height:4rem;border-radius:50%;"
	    "object-fit:cover}.person h1{margin:0;font-size:1.4rem}"
	    ".person p{margin:.25rem 0 0}.content img{max-width:100%;"
	    "height:auto}"
	    "article{background:var(--card);border:1px solid var(--line);"
	    "border-radius:.75rem;padding:1rem;margin:.75rem 0;"
	    "overflow-wrap:anywhere}article p{margin:.4rem 0}"
	    "details summary{cursor:pointer;font-weight:600}"
	    "ul.people{list-style:none;padding:0}ul.people li{margin:.5rem 0}"
	    "footer{color:var(--muted);font-size:.875rem;padding:1rem;"
	    "text-align:center}";

	A->set_header(r, "Cache-Control", "max-age=3600, public");
	A->reply_body(r, 200, "text/css; charset=utf-8", css, sizeof css - 1);
	return HM_DONE;
}
