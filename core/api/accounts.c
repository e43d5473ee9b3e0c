/*
 * accounts.c: the Mastodon accounts API and the company directory:
 * people's Accounts by id or name, editing one's own profile (avatar and
 * header uploads included), following, and the lists built from follows.
 *
 * A disabled account is gone as far as this API is concerned, the way
 * Mastodon treats a suspended one: 404 by id or by name, left out of every
 * list, never followable. Only unfollowing it still works, so nobody is
 * stuck following someone who has left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

#define FIELDS_IN_MAX		32	/* fields_attributes entries */
#define RELATIONSHIPS_MAX	100	/* ids in one relationships request */
#define ACCOUNTS_MAX		40	/* ids in GET /api/v1/accounts, as Mastodon */

/*
 * A whole-number parameter between 0 (or 1 if positive) and max (larger
 * values are cut to max), def if absent. 0, or -1 after answering 400.
 */
static int
param_int(struct req *r, const char *name, int def, int positive, int max,
    int *out)
{
	const char	*v = req_param(r, name);
	char		*end;
	long		 n;

	*out = def;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 ||
	    n < positive) {
		req_error(r, 400, arena_printf(r->arena, "%s must be a %s "
		    "number", name, positive ? "positive" : "non-negative"));
		return -1;
	}
	*out = n > max ? max : (int)n;
	return 0;
}

/* The person a route's :id names, or NULL after answering 404 (no such
 * person, or disabled). */
static struct user *
account_param(struct req *r)
{
	int64_t		 id = req_id(r, ":0");
	struct user	*u = id ? user_get(req_db(r), r->arena, id) : NULL;

	if (u == NULL || u->disabled) {
		req_error(r, 404, "Record not found");
		return NULL;
	}
	return u;
}

/* Answer with one Account. */
static void
reply_account(struct req *r, const struct user *u)
{
	struct ectx	e;

	req_ectx(r, &e);
	req_json(r, 200, entity_account(&e, u));
	ectx_free(&e);
}

/* GET /api/v1/accounts/verify_credentials: the caller's own Account. */
enum handled
api_verify_credentials(struct req *r)
{
	struct ectx	e;

	req_ectx(r, &e);
	req_json(r, 200, entity_credential_account(&e, r->user));
	ectx_free(&e);
	return HANDLED;
}

/* One fields_attributes entry as sent. */
struct field_in {
	const char	*key;		/* the N of fields_attributes[N] */
	const char	*name;
	const char	*value;
};

/*
 * The built-in details under the labels entity.c gives them in "fields", so
 * an app that sends an Account's fields back sets them too.
 */
static const struct {
	const char	*label;
	const char	*param;
	size_t		 off;
} builtin_fields[] = {
	{ "Job title", "job_title", offsetof(struct profile_edit, job_title) },
	{ "Department", "department", offsetof(struct profile_edit, department) },
	{ "Location", "location", offsetof(struct profile_edit, location) },
	{ "Phone", "phone", offsetof(struct profile_edit, phone) },
	{ "Pronouns", "pronouns", offsetof(struct profile_edit, pronouns) },
};

/* The entry for a key, added if new; NULL if there are too many. */
static struct field_in *
field_slot(struct arena *a, struct field_in *in, size_t *n, const char *key)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcmp(in[i].key, key) == 0)
			return &in[i];
	}
	if (*n == FIELDS_IN_MAX)
		return NULL;
	memset(&in[*n], 0, sizeof in[*n]);
	in[*n].key = arena_strdup(a, key);
	return &in[(*n)++];
}

/* One fields_attributes entry from JSON. 0, or -1 after answering 422. */
static int
field_json(struct req *r, struct field_in *in, size_t *n, const char *key,
    json_t *one)
{
	json_t		*name = json_object_get(one, "name");
	json_t		*value = json_object_get(one, "value");
	struct field_in	*f;

	if (!json_is_object(one) || (name != NULL && !json_is_string(name) &&
	    !json_is_null(name)) || (value != NULL && !json_is_string(value) &&
	    !json_is_null(value))) {
		req_error(r, 422, "Validation failed: each of fields_attributes "
		    "must be {\"name\": text, \"value\": text}");
		return -1;
	}
	if ((f = field_slot(r->arena, in, n, key)) == NULL) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "at most %d fields_attributes", FIELDS_IN_MAX));
		return -1;
	}
	f->name = json_string_value(name);
	f->value = json_string_value(value);
	return 0;
}

/*
 * Collect fields_attributes from a form (fields_attributes[N][name] and
 * [value]; with "[]" for N, the k-th name goes with the k-th value) or from
 * JSON (an array of {name, value}, or an object of them keyed by N).
 * 0, or -1 after answering 422.
 */
static int
fields_from_request(struct req *r, struct field_in *in, size_t *n)
{
	static const char prefix[] = "fields_attributes[";
	const char	*k, *close, *jkey;
	char		*key;
	struct field_in	*f;
	size_t		 i, plen = sizeof prefix - 1;
	size_t		 nnames = 0, nvalues = 0;
	json_t		*all, *one;
	int		 is_name;

	*n = 0;
	for (i = 0; i < r->form.n; i++) {
		k = r->form.v[i].key;
		if (strncmp(k, prefix, plen) != 0 ||
		    (close = strchr(k + plen, ']')) == NULL)
			continue;
		if (strcmp(close + 1, "[name]") == 0)
			is_name = 1;
		else if (strcmp(close + 1, "[value]") == 0)
			is_name = 0;
		else
			continue;
		if (close == k + plen)
			key = arena_printf(r->arena, "[]%zu",
			    is_name ? nnames++ : nvalues++);
		else
			key = arena_strndup(r->arena, k + plen, close - k - plen);
		if ((f = field_slot(r->arena, in, n, key)) == NULL) {
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: at most %d fields_attributes",
			    FIELDS_IN_MAX));
			return -1;
		}
		if (is_name)
			f->name = r->form.v[i].value;
		else
			f->value = r->form.v[i].value;
	}
	if (r->body == NULL ||
	    (all = json_object_get(r->body, "fields_attributes")) == NULL ||
	    json_is_null(all))
		return 0;
	if (json_is_array(all)) {
		json_array_foreach(all, i, one) {
			if (field_json(r, in, n, arena_printf(r->arena, "%zu",
			    i), one) != 0)
				return -1;
		}
	} else if (json_is_object(all)) {
		json_object_foreach(all, jkey, one) {
			if (field_json(r, in, n, jkey, one) != 0)
				return -1;
		}
	} else {
		req_error(r, 422, "Validation failed: fields_attributes must be "
		    "a list of {\"name\", \"value\"}");
		return -1;
	}
	return 0;
}

/*
 * Turn fields_attributes into the edit: built-in labels set the built-in
 * details (unless the request sets them by name too), every other name must
 * be a field the admin defined (profile_update says if not). Entries with
 * neither name nor value are the empty slots apps send. 0, or -1 after
 * answering 422.
 */
static int
fields_to_edit(struct req *r, struct profile_edit *e)
{
	struct field_in	 in[FIELDS_IN_MAX];
	const char	*name, *value, **slot;
	size_t		 i, j, n;

	if (fields_from_request(r, in, &n) != 0)
		return -1;
	e->fields = arena_alloc(r->arena, (n ? n : 1) * sizeof *e->fields);
	for (i = 0; i < n; i++) {
		name = in[i].name ? in[i].name : "";
		value = in[i].value ? in[i].value : "";
		if (*name == '\0') {
			if (*value == '\0')
				continue;
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: fields_attributes[%s] has a value but no "
			    "name", in[i].key));
			return -1;
		}
		for (j = 0; j < nitems(builtin_fields); j++) {
			if (strcasecmp(name, builtin_fields[j].label) == 0)
				break;
		}
		if (j < nitems(builtin_fields)) {
			slot = (const char **)((char *)e + builtin_fields[j].off);
			if (req_param(r, builtin_fields[j].param) == NULL)
				*slot = value;
			continue;
		}
		e->fields[e->nfields].key = name;
		e->fields[e->nfields].value = value;
		e->nfields++;
	}
	return 0;
}

/*
 * Take an uploaded image (avatar or header) into the job if the request has
 * one: its type decided by its bytes, its size capped. 0, or -1 after
 * answering 422.
 */
static int
upload_from_request(struct req *r, struct profile_save *j, const char *what,
    size_t max)
{
	const struct part	*p = req_file(r, what);
	const char		*text = req_param(r, what);
	char			*cause = NULL;

	if (p == NULL) {
		if (text != NULL && *text != '\0') {
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: %s must be an image file uploaded as "
			    "multipart/form-data", what));
			return -1;
		}
		return 0;
	}
	/* A browser's file input with no file chosen. */
	if (p->len == 0 && *p->filename == '\0')
		return 0;
	if (p->len > max) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "%s is %zu bytes; the limit is %zu MiB", what, p->len,
		    max >> 20));
		return -1;
	}
	if (profile_save_image(j, what, p, &cause) != 0) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "%s: %s", what, cause));
		free(cause);
		return -1;
	}
	return 0;
}

/*
 * Read a profile edit from the request and check all of it, so nothing is
 * stored unless everything is right. 0, or -1 after answering.
 */
static int
profile_from_request(struct req *r, struct profile_save *j)
{
	static const struct { const char *param; size_t off; } text[] = {
		{ "display_name", offsetof(struct profile_edit, display_name) },
		{ "note", offsetof(struct profile_edit, bio) },
		{ "job_title", offsetof(struct profile_edit, job_title) },
		{ "department", offsetof(struct profile_edit, department) },
		{ "location", offsetof(struct profile_edit, location) },
		{ "phone", offsetof(struct profile_edit, phone) },
		{ "pronouns", offsetof(struct profile_edit, pronouns) },
	};
	struct mention_ctx	 resolve = { req_db(r), r->arena };
	struct profile_edit	*e = &j->edit;
	struct markdown		 md;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < nitems(text); i++)
		*(const char **)((char *)e + text[i].off) =
		    req_param(r, text[i].param);
	if (fields_to_edit(r, e) != 0)
		return -1;
	if (profile_check(e, &cause) != 0) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "%s", cause));
		free(cause);
		return -1;
	}
	if (e->bio != NULL) {
		if (markdown_render(r->arena, e->bio, strlen(e->bio),
		    req_config(r)->base_url, post_mention_resolve, &resolve,
		    &md, &cause) != 0) {
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: note: %s", cause));
			free(cause);
			return -1;
		}
		e->bio_html = md.html;
	}
	if (upload_from_request(r, j, "avatar", PROFILE_AVATAR_MAX) != 0 ||
	    upload_from_request(r, j, "header", PROFILE_HEADER_MAX) != 0)
		return -1;
	return 0;
}

/* Answer with the caller's Account as it is now. */
static void
profile_reply(struct req *r, void *arg)
{
	struct user	*u = user_get(req_db(r), r->arena, r->user->id);
	struct ectx	 e;

	(void)arg;
	if (u == NULL) {
		req_error(r, 404, "Record not found");
		return;
	}
	req_ectx(r, &e);
	req_json(r, 200, entity_credential_account(&e, u));
	ectx_free(&e);
}

/*
 * PATCH /api/v1/accounts/update_credentials: display_name, note (Markdown),
 * avatar and header (multipart files), fields_attributes, and hearth's
 * job_title, department, location, phone and pronouns.
 */
enum handled
api_update_credentials(struct req *r)
{
	struct profile_save	*j = arena_alloc(r->arena, sizeof *j);

	profile_save_init(j, r->user->id, r->arena, req_config(r)->data_dir);
	if (profile_from_request(r, j) != 0)
		return HANDLED;
	return req_work_write_heavy(r, profile_save_work(j), profile_save_cmd,
	    profile_reply, j);
}

/*
 * Whether domain is this server's, as in NAME@DOMAIN: the host of base_url,
 * with or without its port.
 */
static int
acct_domain_ours(struct req *r, const char *domain)
{
	const char	*b = req_config(r)->base_url, *s, *colon;
	size_t		 len, hostlen;

	if ((s = strstr(b, "://")) != NULL)
		b = s + 3;
	len = strcspn(b, "/");
	hostlen = len;
	if ((colon = memrchr(b, ':', len)) != NULL &&
	    memchr(colon, ']', len - (colon - b)) == NULL)
		hostlen = colon - b;
	return (strlen(domain) == len && strncasecmp(domain, b, len) == 0) ||
	    (strlen(domain) == hostlen && strncasecmp(domain, b, hostlen) == 0);
}

/* GET /api/v1/accounts/lookup?acct=NAME (or @NAME, NAME@our-host, or
 * NAME@HOST of someone outside already known here) */
enum handled
api_account_lookup(struct req *r)
{
	const char	*acct = req_param(r, "acct"), *at;
	struct user	*u;

	if (acct == NULL || *acct == '\0') {
		req_error(r, 400, "acct is required");
		return HANDLED;
	}
	if (*acct == '@')
		acct++;
	if ((at = strchr(acct, '@')) != NULL) {
		if (!acct_domain_ours(r, at + 1)) {
			/* Mastodon's lookup answers known remote accounts
			 * and never goes out to look (that is search's
			 * resolve) */
			u = user_get_outside(req_db(r), r->arena, acct);
			if (u == NULL) {
				req_error(r, 404, "Record not found");
				return HANDLED;
			}
			reply_account(r, u);
			return HANDLED;
		}
		acct = arena_strndup(r->arena, acct, at - acct);
	}
	u = *acct ? user_get_by_name(req_db(r), r->arena, acct) : NULL;
	if (u == NULL || u->disabled) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	reply_account(r, u);
	return HANDLED;
}

/*
 * GET /api/v1/accounts/relationships?id[]=1&id[]=2 (or id=1): one
 * Relationship per id, in the order asked, leaving out unknown and disabled
 * people (unless with_suspended=true) and repeats.
 */
enum handled
api_relationships(struct req *r)
{
	struct idlist	 seen = { NULL, 0, 0 };
	struct user	*u;
	struct ectx	 e;
	json_t		*arr;
	size_t		 i;
	int		 with_disabled = req_bool(r, "with_suspended");

	if (req_ids(r, "id", RELATIONSHIPS_MAX, &seen) != 0)
		return HANDLED;
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < seen.n; i++) {
		u = user_get(req_db(r), r->arena, seen.ids[i]);
		if (u != NULL && (!u->disabled || with_disabled))
			json_array_append_new(arr, entity_relationship(&e,
			    u->id));
	}
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/*
 * GET /api/v1/accounts/search?q=&limit=&offset=&following=: people by
 * username or display name prefix.
 */
enum handled
api_account_search(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	const char	*q = req_param(r, "q");
	struct ectx	 e;
	int		 limit, offset, rc;

	if (q == NULL) {
		req_error(r, 400, "q is required");
		return HANDLED;
	}
	if (param_int(r, "limit", 40, 1, 80, &limit) != 0 ||
	    param_int(r, "offset", 0, 0, 100000, &offset) != 0)
		return HANDLED;
	if (req_bool(r, "following"))
		rc = search_accounts_followed(req_db(r), r->arena, r->user->id,
		    q, limit, offset, &ids);
	else
		rc = search_accounts(req_db(r), r->arena, q, limit, offset,
		    &ids);
	if (rc != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/accounts?id[]=: several Accounts (Mastodon 4.3), at most
 * 40, in the order asked; unknown and deactivated people left out. */
enum handled
api_accounts(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct user	*u;
	struct ectx	 e;
	json_t		*arr;
	size_t		 i;

	if (req_ids(r, "id", ACCOUNTS_MAX, &ids) != 0)
		return HANDLED;
	req_ectx(r, &e);
	arr = json_array();
	for (i = 0; i < ids.n; i++) {
		u = user_get(req_db(r), r->arena, ids.ids[i]);
		if (u != NULL && !u->disabled)
			json_array_append_new(arr, entity_account(&e, u));
	}
	req_json(r, 200, arr);
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/accounts/:id */
enum handled
api_account(struct req *r)
{
	struct user	*u;

	if ((u = account_param(r)) != NULL)
		reply_account(r, u);
	return HANDLED;
}

/*
 * GET /api/v1/accounts/:id/statuses: what the caller may read of a person's
 * posts, newest first. exclude_replies leaves out replies to others;
 * pinned the posts pinned to their profile; only_media is not filtered
 * yet (docs/api.md says so) and answers an empty page.
 */
enum handled
api_account_statuses(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct user	*u;
	struct page	 p;
	int		 filter = AF_ALL, rc = E_OK;

	if ((u = account_param(r)) == NULL || page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	if (req_bool(r, "exclude_replies"))
		filter |= AF_NO_REPLIES;
	if (req_bool(r, "pinned"))
		filter |= AF_PINNED;
	if (req_bool(r, "exclude_reblogs"))
		filter |= AF_NO_REBLOGS;
	if (!req_bool(r, "only_media"))
		rc = timeline_account(req_db(r), r->arena, r->user->id, u->id,
		    filter, &p, &ids, &cursors);
	/* as timeline_answer: filters hide after the page is filled */
	filter_drop(req_db(r), r->arena, r->user->id, FC_ACCOUNT, &ids);
	return req_statuses_in(r, rc, &p, &ids, &cursors, FC_ACCOUNT);
}

/* A page of someone's followers or of whom they follow; the cursors are
 * follow ids, newest follow first. */
static enum handled
follows_answer(struct req *r, int followers)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct user	*u;
	struct page	 p;
	struct ectx	 e;

	if ((u = account_param(r)) == NULL || page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	if (follow_list(req_db(r), r->arena, u->id, followers, &p, &ids,
	    &cursors) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	page_link(r, &p, &cursors);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/accounts/:id/followers */
enum handled
api_account_followers(struct req *r)
{
	return follows_answer(r, 1);
}

/* GET /api/v1/accounts/:id/following */
enum handled
api_account_following(struct req *r)
{
	return follows_answer(r, 0);
}

/* Answer with the Relationship as it is now. */
static void
follow_reply(struct req *r, void *arg)
{
	struct toggle		*j = arg;
	struct ectx		 e;

	req_ectx(r, &e);
	req_json(r, 200, entity_relationship(&e, j->id));
	ectx_free(&e);
}

/* POST /api/v1/accounts/:id/follow */
enum handled
api_account_follow(struct req *r)
{
	int64_t	id = req_id(r, ":0");

	struct user	*u;

	if (id == 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	/* Following someone outside is the bridge's to allow. */
	if ((u = user_get(req_db(r), r->arena, id)) != NULL &&
	    u->origin != NULL && req_gate_follow(r, id) != 0)
		return HANDLED;
	/* follow_add refuses unknown and disabled people (404) itself. */
	return req_toggle(r, follow_set, id, 1, follow_reply);
}

/* POST /api/v1/accounts/:id/unfollow (disabled people too) */
enum handled
api_account_unfollow(struct req *r)
{
	int64_t	id = req_id(r, ":0");

	if (id == 0 || user_get(req_db(r), r->arena, id) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	return req_toggle(r, follow_set, id, 0, follow_reply);
}

/* POST /api/v1/accounts/:id/remove_from_followers: they stop following
 * the caller; the Relationship after. */
enum handled
api_account_remove_follower(struct req *r)
{
	int64_t	id = req_id(r, ":0");

	if (id == 0 || user_get(req_db(r), r->arena, id) == NULL) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	return req_toggle(r, follower_remove_set, id, 0, follow_reply);
}

/*
 * GET /api/v1/directory: Mastodon's offset, limit (40, at most 80) and
 * order (active: recent posters first; new: newest accounts first; hearth
 * adds name), local (everyone is); hearth's department (exact, any case)
 * and q (name or username prefix).
 */
enum handled
api_directory(struct req *r)
{
	struct idlist		 ids = { NULL, 0, 0 };
	const char		*order = req_param(r, "order");
	enum directory_order	 o = DIRECTORY_ACTIVE;
	struct ectx		 e;
	int			 limit, offset;

	if (param_int(r, "limit", 40, 1, 80, &limit) != 0 ||
	    param_int(r, "offset", 0, 0, 1000000, &offset) != 0)
		return HANDLED;
	if (order == NULL || *order == '\0' || strcmp(order, "active") == 0)
		o = DIRECTORY_ACTIVE;
	else if (strcmp(order, "new") == 0)
		o = DIRECTORY_NEW;
	else if (strcmp(order, "name") == 0)
		o = DIRECTORY_NAME;
	else {
		req_error(r, 400, "order must be active, new or name");
		return HANDLED;
	}
	if (directory_list(req_db(r), r->arena, req_param(r, "department"),
	    req_param(r, "q"), o, offset, limit, &ids) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}
