/*
 * inbound.c: what the outside says, once inbox.c has checked who says it
 * (on the writer, once per activity id). A Note that replies to a shared
 * post (or to an outside post already kept under one), or that mentions
 * someone who opted in, is kept as an outside post by the sender's
 * outside account; its Update and Delete change it, from its author only.
 * Like and Announce of a shared post count on it, and their Undo takes
 * them back. Nothing else is kept.
 *
 * Only public notes come in: one addressed to as:Public (to or cc). A
 * followers-only or direct note is never stored, since inside it would be
 * read by everyone: nothing from outside reaches a private group or a
 * direct conversation. Every HTML field is sanitised (sanitize.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"
#include "sanitize.h"

#define A	br_api

#define MENTIONS_MAX	20	/* employees a note may tag */

/* Whether a to/cc value (a string or an array) names as:Public. */
static int
br_public_in(json_t *v)
{
	static const char *const names[] = {
		"https://www.w3.org/ns/activitystreams#Public", "as:Public",
		"Public",
	};
	json_t	*x;
	size_t	 i, k;

	if (json_is_string(v)) {
		for (k = 0; k < sizeof names / sizeof names[0]; k++) {
			if (strcmp(json_string_value(v), names[k]) == 0)
				return 1;
		}
		return 0;
	}
	json_array_foreach(v, i, x) {
		if (br_public_in(x))
			return 1;
	}
	return 0;
}

/* The attributedTo of an object: a string, or the first of a list. */
static const char *
br_attributed(json_t *obj)
{
	json_t	*a = json_object_get(obj, "attributedTo");

	if (json_is_array(a))
		a = json_array_get(a, 0);
	return br_json_id(a);
}

/* A post shared outside now (approved, or edited and waiting: the outside
 * still has it) named by our Note URL: its id, or 0. */
static int64_t
br_shared_post(struct hm_db *db, const char *url)
{
	char		*prefix = br_printf("%s/users/", br_conf.base), *name;
	const char	*p, *slash;
	struct br_actor	 a;
	struct hm_stmt	*st;
	int64_t		 id = 0, want, author = 0;
	size_t		 n = strlen(prefix);
	char		*end;

	if (url == NULL || strncmp(url, prefix, n) != 0 ||
	    (slash = strchr(url + n, '/')) == NULL ||
	    strncmp(slash, "/statuses/", 10) != 0) {
		free(prefix);
		return 0;
	}
	p = slash + 10;
	want = strtoll(p, &end, 10);
	if (end == p || *end != '\0' || want <= 0) {
		free(prefix);
		return 0;
	}
	st = A->db_prepare(db, "SELECT s.author_id FROM bridge_shares s JOIN "
	    "bridge_actors a ON a.user_id = s.author_id AND a.disabled_at IS "
	    "NULL WHERE s.post_id = ? AND s.published_at IS NOT NULL AND "
	    "s.state IN ('approved', 'pending')");
	if (st != NULL) {
		A->db_bind_int(st, 1, want);
		if (A->db_step(st) == 1)
			author = A->db_column_int(st, 0);
		A->db_finalize(st);
	}
	/* the name in the URL must be the author's */
	name = strndup(url + n, (size_t)(slash - url - (ptrdiff_t)n));
	if (author != 0 && br_actor_get(db, 0, name, &a) == 0) {
		if (a.user_id == author)
			id = want;
		br_actor_free(&a);
	}
	free(name);
	free(prefix);
	return id;
}

/* What a note may answer inside: a shared post, or an outside post kept
 * already (a thread under a shared post). Its id, or 0. */
static int64_t
br_reply_target(struct hm_db *db, const char *url)
{
	int64_t	id, author;

	if (url == NULL)
		return 0;
	if ((id = br_shared_post(db, url)) != 0)
		return id;
	return A->outside_post_find(db, url, &author);
}

/* The employees a note tags (Mention to one of our opted-in actors). */
static size_t
br_mentions(struct hm_db *db, json_t *obj, int64_t *ids)
{
	json_t		*tag = json_object_get(obj, "tag"), *t;
	struct br_actor	 a;
	size_t		 i, n = 0, k;

	if (json_is_object(tag)) {
		t = tag;
		tag = json_array();
		json_array_append(tag, t);
	} else
		json_incref(tag);
	json_array_foreach(tag, i, t) {
		const char	*type = br_json_str(t, "type");

		if (n == MENTIONS_MAX || type == NULL ||
		    strcmp(type, "Mention") != 0 ||
		    br_local_actor(db, br_json_str(t, "href"), &a) != 0)
			continue;
		for (k = 0; k < n && ids[k] != a.user_id; k++)
			;
		if (k == n)
			ids[n++] = a.user_id;
		br_actor_free(&a);
	}
	json_decref(tag);
	return n;
}

/* An actor's outside account, made or brought up to date. */
int64_t
br_account_save(struct hm_db *db, const struct br_remote *r, char **cause)
{
	struct hm_outside_account	 a;
	struct sanitized		 bio;
	char				*acct, *name = NULL;
	int64_t				 id;

	memset(&a, 0, sizeof a);
	memset(&bio, 0, sizeof bio);
	acct = br_printf("%s@%s", r->username != NULL && *r->username !=
	    '\0' ? r->username : "someone", r->host);
	a.uri = r->id;
	a.acct = acct;
	a.host = r->host;
	/* a name is plain text (Mastodon's display names are): what looks
	 * like markup shows as itself, escaped where it is shown */
	if (r->name != NULL)
		name = strndup(r->name, 100);
	a.display_name = name;
	if (r->summary != NULL && sanitize_html(r->summary,
	    strlen(r->summary), &bio) == 0)
		a.note_html = bio.html;
	a.url = r->url;
	id = A->outside_account(db, &a, cause);
	if (id > 0)
		br_avatar_want(db, id, r->icon);
	sanitized_free(&bio);
	free(name);
	free(acct);
	return id;
}

/* A page URL for a note: url (a string, or a Link's href) if http(s) on
 * the note's own host, else NULL. */
static const char *
br_note_page(json_t *obj, const char *id)
{
	json_t		*u = json_object_get(obj, "url");
	const char	*s;

	if (json_is_array(u))
		u = json_array_get(u, 0);
	s = json_is_string(u) ? json_string_value(u) : br_json_str(u, "href");
	if (s == NULL || (strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0) || !br_same_host(s, id) ||
	    strlen(s) > 2048)
		return NULL;
	return s;
}

/* A note's published time (ISO 8601, "2024-05-01T12:00:00Z" or with an
 * offset and fractions), or 0 when it has none that reads as one. */
static int64_t
br_published(json_t *obj)
{
	const char	*s = br_json_str(obj, "published"), *p;
	struct tm	 tm;
	int		 off = 0, oh, om, n = 0;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &n) != 6 || n != 19 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return 0;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) ==
	    2 && oh < 24 && om < 60)
		off = (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
	else if (*p != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	return (int64_t)t - off;
}

/* The first language of a contentMap, if it looks like one. */
static const char *
br_language(json_t *obj)
{
	json_t		*map = json_object_get(obj, "contentMap");
	const char	*k;
	json_t		*v;

	json_object_foreach(map, k, v) {
		size_t	n = strlen(k);

		if (n >= 2 && n <= 8 && strspn(k, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") == n)
			return k;
		break;
	}
	return NULL;
}

/*
 * Create or Update of a Note (Article, Page): kept if it answers a shared
 * post or mentions someone who opted in. HM_OK (also when not kept), or an
 * HTTP status with *cause.
 */
int
br_in_note(struct hm_db *db, const struct br_remote *r, json_t *act,
    int mode, char **cause)
{
	int			 update = mode == BR_NOTE_UPDATE;
	json_t			*obj = json_object_get(act, "object");
	const char		*type, *oid, *attributed, *content;
	struct hm_outside_post	 p;
	struct sanitized	 body, cw;
	int64_t			 mentions[MENTIONS_MAX], existing, owner;
	size_t			 nmentions;
	int64_t			 account, id;

	if (!json_is_object(obj))
		return HM_OK;	/* by reference only: not fetched */
	type = br_json_str(obj, "type");
	oid = br_json_str(obj, "id");
	if (type == NULL || oid == NULL || (strcmp(type, "Note") != 0 &&
	    strcmp(type, "Article") != 0 && strcmp(type, "Page") != 0))
		return HM_OK;
	attributed = br_attributed(obj);
	if (attributed == NULL || strcmp(attributed, r->id) != 0) {
		*cause = strdup("the object is attributed to another actor "
		    "than the activity's");
		return HM_FORBIDDEN;
	}
	existing = A->outside_post_find(db, oid, &owner);
	if (update && existing == 0)
		return HM_OK;		/* not one of ours to change */
	/* a profile's recent posts: new ones, on the actor's own host */
	if (mode == BR_NOTE_RECENT && (existing != 0 ||
	    !br_same_host(oid, r->id)))
		return HM_OK;
	if (!br_public_in(json_object_get(obj, "to")) &&
	    !br_public_in(json_object_get(obj, "cc")) &&
	    !br_public_in(json_object_get(act, "to")) &&
	    !br_public_in(json_object_get(act, "cc"))) {
		A->log(br_self, HM_LOG_INFO, "inbox: %s from %s is not public: "
		    "not kept (nothing private from outside comes in)", oid,
		    r->id);
		return HM_OK;
	}
	memset(&p, 0, sizeof p);
	p.in_reply_to = br_reply_target(db, br_json_id(json_object_get(obj,
	    "inReplyTo")));
	/* recent posts tell nobody: they are old news */
	nmentions = mode == BR_NOTE_RECENT ? 0 : br_mentions(db, obj,
	    mentions);
	if (mode == BR_NOTE_CREATE && p.in_reply_to == 0 && nmentions == 0 &&
	    !br_followed(db, r->id))
		return HM_OK;		/* not for the company */
	if (br_json_id(json_object_get(obj, "inReplyTo")) != NULL &&
	    p.in_reply_to == 0 && existing == 0 && nmentions == 0)
		return HM_OK;
	if ((content = br_json_str(obj, "content")) == NULL)
		content = "";
	memset(&body, 0, sizeof body);
	memset(&cw, 0, sizeof cw);
	if (sanitize_html(content, strlen(content), &body) != 0) {
		*cause = strdup("the content could not be read as HTML");
		return 400;
	}
	if (br_json_str(obj, "summary") != NULL)
		sanitize_html(br_json_str(obj, "summary"),
		    strlen(br_json_str(obj, "summary")), &cw);
	if ((account = br_account_save(db, r, cause)) < 0) {
		sanitized_free(&body);
		return -1;
	}
	p.uri = oid;
	p.url = br_note_page(obj, oid);
	p.author = account;
	p.html = body.html;
	p.text = body.text;
	/* a content warning is plain text: its words, capped */
	if (cw.text != NULL && strlen(cw.text) > 500)
		cw.text[500] = '\0';
	p.spoiler_text = cw.text;
	p.sensitive = json_is_true(json_object_get(obj, "sensitive"));
	p.language = br_language(obj);
	p.mentions = mentions;
	p.nmentions = nmentions;
	p.quiet = br_policy_silenced(db, r->id) || mode == BR_NOTE_RECENT;
	p.published = br_published(obj);
	id = A->outside_post(db, &p, cause);
	sanitized_free(&body);
	sanitized_free(&cw);
	if (id < 0)
		return existing != 0 && owner != account ? HM_FORBIDDEN :
		    HM_INVALID;
	A->log(br_self, HM_LOG_INFO, "%s: %s %s from %s as post %lld",
	    mode == BR_NOTE_RECENT ? "profile" : "inbox", update ? "updated" :
	    "kept", oid, r->id, (long long)id);
	if (existing == 0 && p.in_reply_to != 0 && mode != BR_NOTE_RECENT)
		br_forward_routes(db, id, p.in_reply_to);
	return HM_OK;
}

/*
 * Delete of an object: the author's outside post goes. HM_OK if it did or
 * it was never here; 403 if it is someone else's.
 */
int
br_in_delete_object(struct hm_db *db, const struct br_remote *r,
    const char *oid, char **cause)
{
	char	*uri, *actor, *acct;
	int64_t	 id, owner;
	int	 rc, mine;

	if ((id = A->outside_post_find(db, oid, &owner)) == 0 ||
	    (uri = A->outside_of(db, id, &actor, &acct)) == NULL)
		return HM_OK;
	mine = strcmp(actor, r->id) == 0;	/* its author is the sender */
	A->free(uri);
	A->free(actor);
	A->free(acct);
	if (!mine) {
		*cause = strdup("only its author can delete a post");
		return HM_FORBIDDEN;
	}
	rc = A->outside_post_delete(db, owner, oid);
	if (rc < 0)
		return -1;
	A->log(br_self, HM_LOG_INFO, "inbox: deleted %s from %s (post %lld)",
	    oid, r->id, (long long)id);
	return HM_OK;
}

/* Like or Announce of a shared post: counted, once per actor. */
int
br_in_react(struct hm_db *db, const struct br_remote *r, json_t *act,
    int kind, char **cause)
{
	const char	*oid = br_json_id(json_object_get(act, "object"));
	const char	*aid = br_json_str(act, "id");
	struct hm_stmt	*st;
	int64_t		 post, account;
	int		 rc;

	if ((post = br_shared_post(db, oid)) == 0)
		return HM_OK;	/* not a post shared outside: nothing */
	if ((account = br_account_save(db, r, cause)) < 0)
		return -1;
	if ((rc = A->outside_react(db, account, post, kind |
	    (br_policy_silenced(db, r->id) ? HM_REACT_QUIET : 0), 1)) != 0)
		return rc == 404 ? HM_OK : -1;
	/* One row per actor, post and kind, whatever ids it sends them
	 * under: a sender cannot grow the table by liking again. */
	if ((st = A->db_prepare(db, "DELETE FROM bridge_reactions WHERE actor "
	    "= ? AND post_id = ? AND kind = ?")) == NULL)
		return -1;
	A->db_bind_text(st, 1, r->id);
	A->db_bind_int(st, 2, post);
	A->db_bind_int(st, 3, kind);
	A->db_step(st);
	A->db_finalize(st);
	st = A->db_prepare(db, "INSERT OR REPLACE INTO bridge_reactions (id, "
	    "actor, account_id, post_id, kind, at) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, aid);
	A->db_bind_text(st, 2, r->id);
	A->db_bind_int(st, 3, account);
	A->db_bind_int(st, 4, post);
	A->db_bind_int(st, 5, kind);
	A->db_bind_int(st, 6, br_now());
	rc = A->db_step(st);
	A->db_finalize(st);
	return rc == 0 ? HM_OK : -1;
}

/*
 * Undo of a Like or Announce: by the embedded activity (its type and
 * object) or by its id alone. 1 if it was one (handled), 0 if the Undo is
 * about something else.
 */
int
br_in_undo_react(struct hm_db *db, const struct br_remote *r, json_t *obj)
{
	const char	*oid = br_json_id(obj), *type = br_json_str(obj, "type");
	struct hm_stmt	*st;
	int64_t		 account = 0, post = 0;
	int		 kind = -1;

	if (type != NULL && strcmp(type, "Like") != 0 &&
	    strcmp(type, "Announce") != 0)
		return 0;
	st = A->db_prepare(db, "SELECT account_id, post_id, kind FROM "
	    "bridge_reactions WHERE id = ? AND actor = ?");
	if (st == NULL)
		return 0;
	A->db_bind_text(st, 1, oid != NULL ? oid : "");
	A->db_bind_text(st, 2, r->id);
	if (A->db_step(st) == 1) {
		account = A->db_column_int(st, 0);
		post = A->db_column_int(st, 1);
		kind = (int)A->db_column_int(st, 2);
	}
	A->db_finalize(st);
	if (kind < 0 && type != NULL) {
		/* not remembered by id: by what it named */
		post = br_shared_post(db, br_json_id(json_object_get(obj,
		    "object")));
		kind = strcmp(type, "Like") == 0 ? HM_REACT_LIKE :
		    HM_REACT_BOOST;
		if (post == 0)
			return 1;
		st = A->db_prepare(db, "SELECT id FROM users WHERE "
		    "outside_uri = ?");
		if (st == NULL)
			return 1;
		A->db_bind_text(st, 1, r->id);
		if (A->db_step(st) == 1)
			account = A->db_column_int(st, 0);
		A->db_finalize(st);
		if (account == 0)
			return 1;
	}
	if (kind < 0)
		return 0;
	A->outside_react(db, account, post, kind, 0);
	st = A->db_prepare(db, "DELETE FROM bridge_reactions WHERE actor = ? "
	    "AND post_id = ? AND kind = ?");
	if (st != NULL) {
		A->db_bind_text(st, 1, r->id);
		A->db_bind_int(st, 2, post);
		A->db_bind_int(st, 3, kind);
		A->db_step(st);
		A->db_finalize(st);
	}
	return 1;
}
