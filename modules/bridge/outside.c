/*
 * outside.c: hearth's things as the outside sees them, in ActivityStreams:
 * a shared post as a Note (its HTML rendered for the outside, mentions of
 * colleagues who are visible outside linked to their actors and the rest
 * dropped, hashtags as Hashtag tags), a person as a Person, and the
 * activities that carry them. The @context is ActivityStreams, the
 * security vocabulary and inline terms only: peers must not have to fetch
 * a context document to read hearth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api
#define AS_NS		"https://www.w3.org/ns/activitystreams"
#define AS_PUBLIC	AS_NS "#Public"
#define SEC_NS		"https://w3id.org/security/v1"

/* The inline terms Mastodon's and hearth's objects use. */
static json_t *
br_context_terms(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "manuallyApprovesFollowers", "as:manuallyApprovesFollowers",
	    "sensitive", "as:sensitive",
	    "Hashtag", "as:Hashtag",
	    "toot", "http://joinmastodon.org/ns#",
	    "discoverable", "toot:discoverable",
	    "indexable", "toot:indexable");
}

/* What a mention resolver collects while a post is rendered. */
struct br_mentions {
	struct hm_db	*db;
	json_t		*tags;
	char		*urls[16];
	size_t		 n;
};

/*
 * "@name" in a shared post: a colleague visible outside becomes a link to
 * their actor (and a Mention tag, which is what makes Mastodon notify);
 * anyone else is dropped from the text, since nothing about colleagues
 * who did not opt in leaves the company. "@name@host", someone on another
 * server, is linked and tagged when known (else it stays text).
 */
static const char *
br_mention_url(void *arg, const char *name)
{
	struct br_mentions	*m = arg;
	struct br_actor		 a;
	char			*url;

	if (m->n == sizeof m->urls / sizeof m->urls[0])
		return NULL;
	/* someone on another server, known here (mention.c) */
	if (strchr(name, '@') != NULL) {
		if ((url = br_mention_actor(m->db, name)) == NULL)
			return NULL;
		json_array_append_new(m->tags, json_pack("{s:s, s:s, s:s+}",
		    "type", "Mention", "href", url, "name", "@", name));
		m->urls[m->n++] = url;
		return url;
	}
	if (br_actor_get(m->db, 0, name, &a) != 0)
		return NULL;
	if (a.disabled_at != 0) {
		br_actor_free(&a);
		return NULL;
	}
	url = br_actor_url(a.username);
	json_array_append_new(m->tags, json_pack("{s:s, s:s, s:s+++}",
	    "type", "Mention", "href", url, "name", "@", a.username, "@",
	    br_conf.host));
	m->urls[m->n++] = url;
	br_actor_free(&a);
	return url;
}

/* Hashtag tags for the links the renderer made under BASE/tags/. */
static void
br_hashtags(const char *html, json_t *tags)
{
	char		*prefix = br_printf("href=\"%s/tags/", br_conf.base);
	const char	*p = html, *end;
	size_t		 plen = strlen(prefix), n = 0;
	char		*name, *href;

	while ((p = strstr(p, prefix)) != NULL && n < 50) {
		p += plen;
		if ((end = strchr(p, '"')) == NULL)
			break;
		name = strndup(p, end - p);
		href = br_printf("%s/tags/%s", br_conf.base, name);
		json_array_append_new(tags, json_pack("{s:s, s:s, s:s+}",
		    "type", "Hashtag", "href", href, "name", "#", name));
		free(href);
		free(name);
		p = end;
		n++;
	}
	free(prefix);
}

/*
 * The outside post a post answers (part 2: a reply to someone outside):
 * 0 with its id, its author's actor and acct (malloc'ed; any may be
 * NULL when not wanted), or -1 if the post answers no outside post.
 */
int
br_reply_of(struct hm_db *db, int64_t post, char **uri, char **actor,
    char **acct)
{
	struct hm_post_info	 p;
	char			*u, *ac = NULL, *at = NULL;

	if (A->post_info(db, post, &p) != 0)
		return -1;
	u = p.in_reply_to_id != 0 ? A->outside_of(db, p.in_reply_to_id, &ac,
	    &at) : NULL;
	A->post_info_free(&p);
	if (u == NULL)
		return -1;
	if (uri != NULL)
		*uri = strdup(u);
	if (actor != NULL)
		*actor = strdup(ac);
	if (acct != NULL)
		*acct = strdup(at);
	A->free(u);
	A->free(ac);
	A->free(at);
	return 0;
}

/* Whether post came from outside (an outside post, ABI 1.2). */
int
br_is_outside(struct hm_db *db, int64_t post)
{
	char	*uri, *actor, *acct;

	if ((uri = A->outside_of(db, post, &actor, &acct)) == NULL)
		return 0;
	A->free(uri);
	A->free(actor);
	A->free(acct);
	return 1;
}

/* Render a post as the outside will see it; 0, or -1. */
int
br_note_render(struct hm_db *db, const struct br_actor *a,
    const struct hm_post_info *p, struct br_note *out)
{
	struct br_mentions	 m;
	size_t			 i;

	memset(out, 0, sizeof *out);
	memset(&m, 0, sizeof m);
	m.db = db;
	m.tags = json_array();
	out->html = A->markdown_outside(p->source, br_conf.base, br_mention_url,
	    &m);
	for (i = 0; i < m.n; i++)
		free(m.urls[i]);
	if (out->html == NULL) {
		json_decref(m.tags);
		return -1;
	}
	br_hashtags(out->html, m.tags);
	/* A reply to someone outside tags them, as Mastodon does, so their
	 * server shows it to them. */
	{
		char	*actor, *acct;

		if (br_reply_of(db, p->id, NULL, &actor, &acct) == 0) {
			json_array_append_new(m.tags, json_pack("{s:s, s:s, "
			    "s:s+}", "type", "Mention", "href", actor, "name",
			    "@", acct));
			free(actor);
			free(acct);
		}
	}
	out->tags = m.tags;
	out->id = br_note_url(a->username, p->id);
	out->summary = p->spoiler_text != NULL && *p->spoiler_text != '\0' ?
	    strdup(p->spoiler_text) : NULL;
	return 0;
}

void
br_note_free(struct br_note *n)
{
	free(n->id);
	A->free(n->html);
	free(n->summary);
	json_decref(n->tags);
	memset(n, 0, sizeof *n);
}

/*
 * A shared post's attachments (media: the core's stored array, as the
 * share kept it) as ActivityStreams Documents, the way Mastodon and
 * GoToSocial send and read them: the file's address on the public
 * listener, its type, the alt text as name (a file's own name for a file),
 * a picture's size, blurhash and focal point.
 */
static json_t *
br_note_attachments(const char *media)
{
	json_t		*in, *out = json_array(), *m, *d;
	const char	*file, *kind, *desc;
	size_t		 i;

	if (media == NULL || (in = json_loads(media, 0, NULL)) == NULL)
		return out;
	json_array_foreach(in, i, m) {
		if ((file = br_json_str(m, "file")) == NULL ||
		    (kind = br_json_str(m, "kind")) == NULL)
			continue;
		desc = br_json_str(m, "description");
		d = json_pack("{s:s, s:s, s:s+++}", "type", "Document",
		    "mediaType", br_json_str(m, "mime") != NULL ?
		    br_json_str(m, "mime") : "application/octet-stream",
		    "url", br_conf.base, "/media/", file, "");
		if (strcmp(kind, "file") == 0)
			json_object_set_new(d, "name", json_string(
			    br_json_str(m, "filename") != NULL ?
			    br_json_str(m, "filename") : file));
		else {
			json_object_set_new(d, "name", desc != NULL &&
			    *desc != '\0' ? json_string(desc) : json_null());
			if (json_integer_value(json_object_get(m, "width")) > 0) {
				json_object_set(d, "width", json_object_get(m,
				    "width"));
				json_object_set(d, "height", json_object_get(m,
				    "height"));
			}
			if (br_json_str(m, "blurhash") != NULL)
				json_object_set(d, "blurhash",
				    json_object_get(m, "blurhash"));
			json_object_set_new(d, "focalPoint", json_pack("[f, f]",
			    json_number_value(json_object_get(m, "focus_x")),
			    json_number_value(json_object_get(m, "focus_y"))));
		}
		json_array_append_new(out, d);
	}
	json_decref(in);
	return out;
}

/*
 * A shared post as a Note: addressed to the public and the author's
 * followers, as Mastodon addresses a public post. tags is borrowed; media
 * is the share's attachments (or NULL).
 */
json_t *
br_note_json(struct hm_db *db, const struct br_actor *a, int64_t post,
    const char *html, const char *summary, json_t *tags, const char *media,
    int64_t published, int64_t updated)
{
	char	*actor = br_actor_url(a->username);
	char	*id = br_note_url(a->username, post);
	char	 pub[32], upd[32];
	json_t	*o;

	br_iso_buf(published, pub, sizeof pub);
	o = json_pack("{s:[s, o], s:s, s:s, s:s, s:s, s:s?, s:b, s:s, "
	    "s:s+++, s:[s], s:[s+], s:O, s:n}",
	    "@context", AS_NS, br_context_terms(),
	    "id", id,
	    "type", "Note",
	    "attributedTo", actor,
	    "content", html,
	    "summary", summary,
	    "sensitive", summary != NULL,
	    "published", pub,
	    "url", br_conf.base, "/@", a->username, "",
	    "to", AS_PUBLIC,
	    "cc", actor, "/followers",
	    "tag", tags != NULL ? tags : json_array(),
	    "inReplyTo");
	if (o != NULL && updated > 0) {
		br_iso_buf(updated, upd, sizeof upd);
		json_object_set_new(o, "updated", json_string(upd));
	}
	if (o != NULL)
		json_object_set_new(o, "attachment", br_note_attachments(
		    media));
	if (o != NULL) {	/* a reply to someone outside: to them too */
		char	*uri, *actor;

		if (br_reply_of(db, post, &uri, &actor, NULL) == 0) {
			json_object_set_new(o, "inReplyTo", json_string(uri));
			free(uri);
			free(actor);
		}
	}
	if (o != NULL) {	/* everyone outside it mentions (or answers) */
		json_t		*t, *cc = json_object_get(o, "cc"), *c;
		const char	*href;
		size_t		 i, j;

		json_array_foreach(tags, i, t) {
			href = br_json_str(t, "href");
			if (href == NULL || br_json_str(t, "type") == NULL ||
			    strcmp(br_json_str(t, "type"), "Mention") != 0 ||
			    strncmp(href, br_conf.base, strlen(br_conf.base))
			    == 0)
				continue;
			json_array_foreach(cc, j, c)
				if (strcmp(json_string_value(c), href) == 0)
					break;
			if (j == json_array_size(cc))
				json_array_append_new(cc, json_string(href));
		}
	}
	if (o != NULL) {	/* the url's path ends with the post's id */
		char	*url = br_printf("%s/@%s/%lld", br_conf.base,
		    a->username, (long long)post);

		json_object_set_new(o, "url", json_string(url));
		free(url);
	}
	free(actor);
	free(id);
	return o;
}

/*
 * An activity of type by actor (its URL) about object (a URL string or an
 * embedded object, whose reference is taken), addressed as the object is,
 * or to the public if the object is a reference.
 */
json_t *
br_activity(const char *type, const char *id, const char *actor,
    json_t *object)
{
	json_t	*o, *to, *cc;

	o = json_pack("{s:s, s:s, s:s, s:s}", "@context", AS_NS, "id", id,
	    "type", type, "actor", actor);
	if (json_is_object(object)) {
		if ((to = json_object_get(object, "to")) != NULL)
			json_object_set(o, "to", to);
		if ((cc = json_object_get(object, "cc")) != NULL)
			json_object_set(o, "cc", cc);
		if (json_object_get(object, "published") != NULL &&
		    strcmp(type, "Create") == 0)
			json_object_set(o, "published",
			    json_object_get(object, "published"));
		/* the embedded object speaks under the activity's context */
		json_object_del(object, "@context");
	} else if (strcmp(type, "Delete") == 0 || strcmp(type, "Update") ==
	    0) {
		json_object_set_new(o, "to", json_pack("[s]", AS_PUBLIC));
	}
	json_object_set_new(o, "object", object);
	return o;
}

/* A person as the outside sees them (an opted-in actor). */
json_t *
br_actor_json(const struct br_actor *a)
{
	char	*id = br_actor_url(a->username), *bio, pub[32];
	json_t	*o;

	bio = A->markdown_outside(a->bio != NULL ? a->bio : "", br_conf.base,
	    NULL, NULL);
	br_iso_buf(a->enabled_at, pub, sizeof pub);
	o = json_pack("{s:[s, s, o], s:s, s:s, s:s, s:s, s:s, s:s+, s:s+, "
	    "s:s+, s:s+, s:s+++, s:b, s:b, s:b, s:s, s:{s:s}, "
	    "s:{s:s+, s:s, s:s}}",
	    "@context", AS_NS, SEC_NS, br_context_terms(),
	    "id", id,
	    "type", "Person",
	    "preferredUsername", a->username,
	    "name", a->display_name != NULL && *a->display_name != '\0' ?
	    a->display_name : a->username,
	    "summary", bio != NULL ? bio : "",
	    "inbox", id, "/inbox",
	    "outbox", id, "/outbox",
	    "followers", id, "/followers",
	    "following", id, "/following",
	    "url", br_conf.base, "/@", a->username, "",
	    "manuallyApprovesFollowers", a->approve_followers != 0,
	    "discoverable", 1,
	    "indexable", 1,
	    "published", pub,
	    "endpoints", "sharedInbox", br_conf.base, /* + /inbox below */
	    "publicKey", "id", id, "#main-key", "owner", id,
	    "publicKeyPem", a->public_key);
	if (o != NULL) {
		char	*shared = br_printf("%s/inbox", br_conf.base);

		json_object_set_new(json_object_get(o, "endpoints"),
		    "sharedInbox", json_string(shared));
		free(shared);
		if (a->avatar_path != NULL) {
			char	*icon = br_printf("%s/avatar", id);

			json_object_set_new(o, "icon", json_pack("{s:s, s:s, "
			    "s:s}", "type", "Image", "mediaType",
			    a->avatar_type, "url", icon));
			free(icon);
		}
	}
	A->free(bio);
	free(id);
	return o;
}
