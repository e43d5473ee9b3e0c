/*
 * scim.c: SCIM 2.0's endpoints under /scim/v2/ (RFC 7644), for Microsoft
 * Entra ID and Okta to provision people and groups (docs/scim.md). The
 * router lets only the provisioning token in (R_SCIM); reads answer on
 * the loop, each change is one of the domain's (domain/scim.c) on the
 * writer, and every answer is application/scim+json, errors as RFC 7644
 * 3.12 writes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

enum scim_act { ACT_CREATE, ACT_REPLACE, ACT_PATCH, ACT_DELETE };

/* A change on its way to the writer. */
struct scim_job {
	struct scim	 s;		/* db: the writer's */
	enum scim_act	 act;
	int		 users;		/* else groups */
	int64_t		 id;		/* the resource's (a new one's: once
					   made) */
	json_t		*body;
	int		 members;	/* answer with a Group's members */
};

/* The SCIM context of a request: its database and arena, and where its
 * resources live (base_url/scim/v2). */
static void
scim_ctx(struct req *r, struct scim *s)
{
	const char	*base = req_config(r)->base_url;
	size_t		 n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	memset(s, 0, sizeof *s);
	s->db = req_db(r);
	s->arena = r->arena;
	s->base = arena_printf(r->arena, "%.*s/scim/v2", (int)n, base);
	s->ip = r->client_ip;
	s->user_agent = req_header(r, "User-Agent");
}

/* Answer a domain refusal: E_INVALID is SCIM's 400, with its scimType. */
static void
scim_refusal(struct req *r, int code, const char *type, const char *cause)
{
	static const struct {
		int		 code;
		int		 status;
		const char	*type;
		const char	*detail;
	} map[] = {
		{ E_INVALID,	400, "invalidValue", "The request is invalid" },
		{ E_CONFLICT,	409, "uniqueness", "It is already there" },
		{ E_NOTFOUND,	404, NULL, "Resource not found" },
		{ E_FORBIDDEN,	403, NULL, "Not allowed" },
	};
	size_t	i;

	for (i = 0; i < nitems(map); i++) {
		if (map[i].code == code)
			break;
	}
	if (i == nitems(map)) {
		req_scim_error(r, 500, NULL, cause != NULL ? cause :
		    "Internal error");
		return;
	}
	req_scim_error(r, map[i].status, type != NULL ? type : map[i].type,
	    cause != NULL && *cause != '\0' ? cause : map[i].detail);
}

/* The names of a comma-separated attribute list, each without a core
 * schema's URN. */
static char **
attr_list(struct req *r, const char *v, size_t *n)
{
	static const char *const core[] = {
		SCIM_SCHEMA_USER ":", SCIM_SCHEMA_GROUP ":",
	};
	char		**out, *w;
	const char	*p, *e;
	size_t		 i, cap = 1;

	for (p = v; *p != '\0'; p++)
		cap += *p == ',';
	out = arena_alloc(r->arena, cap * sizeof *out);
	*n = 0;
	for (p = v; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		w = arena_trim(r->arena, arena_strndup(r->arena, p, e - p));
		for (i = 0; i < nitems(core); i++) {
			if (strncasecmp(w, core[i], strlen(core[i])) == 0)
				w += strlen(core[i]);
		}
		if (*w != '\0')
			out[(*n)++] = w;
	}
	return out;
}

/* The member of o named k (compared without case), and its key. */
static json_t *
key_ci(json_t *o, const char *k, const char **key)
{
	const char	*kk;
	json_t		*v;

	json_object_foreach(o, kk, v) {
		if (strcasecmp(kk, k) == 0) {
			*key = kk;
			return v;
		}
	}
	return NULL;
}

/* Whether the list names the top-level attribute k (an extension's
 * attribute names its extension). */
static int
attr_listed(char **names, size_t n, const char *k)
{
	size_t	i, kn = strlen(k);

	for (i = 0; i < n; i++) {
		if (strcasecmp(names[i], k) == 0 ||
		    (strncasecmp(names[i], k, kn) == 0 &&
		    (names[i][kn] == '.' || names[i][kn] == ':')))
			return 1;
	}
	return 0;
}

/*
 * attributes= and excludedAttributes= (RFC 7644 3.4.2.5) on a resource:
 * only what is asked for (with id and schemas, always returned), or all
 * but what is excluded ("name.givenName" takes one part of name).
 */
static void
scim_project(struct req *r, json_t *o)
{
	const char	*want = kv_get(&r->query, "attributes");
	const char	*drop = kv_get(&r->query, "excludedAttributes");
	const char	*k, *key, *dot;
	char		**names;
	json_t		*v, *sub;
	void		*tmp;
	size_t		 i, n;

	if (want != NULL && *want != '\0') {
		names = attr_list(r, want, &n);
		json_object_foreach_safe(o, tmp, k, v) {
			if (strcmp(k, "id") != 0 && strcmp(k, "schemas") != 0 &&
			    !attr_listed(names, n, k))
				json_object_del(o, k);
		}
	}
	if (drop == NULL || *drop == '\0')
		return;
	names = attr_list(r, drop, &n);
	for (i = 0; i < n; i++) {
		if (strcasecmp(names[i], "id") == 0 ||
		    strcasecmp(names[i], "schemas") == 0)
			continue;
		if ((dot = strrchr(names[i], '.')) != NULL &&
		    strchr(dot, ':') == NULL && (sub = key_ci(o,
		    arena_strndup(r->arena, names[i], dot - names[i]),
		    &key)) != NULL && json_is_object(sub)) {
			if (key_ci(sub, dot + 1, &key) != NULL)
				json_object_del(sub, key);
			continue;
		}
		if (key_ci(o, names[i], &key) != NULL)
			json_object_del(o, key);
	}
}

/* A whole number from the query; 0, or -1 after answering 400. */
static int
query_number(struct req *r, const char *name, long long *out)
{
	const char	*v = kv_get(&r->query, name);
	char		*end;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	*out = strtoll(v, &end, 10);
	if (*end != '\0' || errno != 0) {
		req_scim_error(r, 400, "invalidValue", arena_printf(r->arena,
		    "%s must be a whole number", name));
		return -1;
	}
	return 0;
}

/* A list request's filter, startIndex and count (RFC 7644 3.4.2: start
 * from 1, at most SCIM_PAGE_MAX a page); 0, or -1 after answering. */
static int
scim_query(struct req *r, struct scim_query *q)
{
	const char	*f = kv_get(&r->query, "filter");
	const char	*want = kv_get(&r->query, "attributes");
	const char	*drop = kv_get(&r->query, "excludedAttributes");
	long long	 start = 1, count = SCIM_PAGE_MAX;
	char		*cause = NULL, **names;
	size_t		 n;

	memset(q, 0, sizeof *q);
	if (query_number(r, "startIndex", &start) != 0 ||
	    query_number(r, "count", &count) != 0)
		return -1;
	q->start = start < 1 ? 1 : start;
	if (q->start > INT64_MAX / 2)
		q->start = INT64_MAX / 2;
	q->count = count < 0 ? 0 : count > SCIM_PAGE_MAX ? SCIM_PAGE_MAX :
	    (int)count;
	q->members = 1;
	if (drop != NULL && (names = attr_list(r, drop, &n)) != NULL &&
	    attr_listed(names, n, "members"))
		q->members = 0;
	if (want != NULL && *want != '\0' && (names = attr_list(r, want,
	    &n)) != NULL && !attr_listed(names, n, "members"))
		q->members = 0;
	if (f != NULL && *f != '\0' &&
	    (q->filter = scim_filter_parse(r->arena, f, &cause)) == NULL) {
		req_scim_error(r, 400, "invalidFilter", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* GET /Users or /Groups: a page of them, filtered. */
static enum handled
scim_list(struct req *r, int users)
{
	struct scim_query	 q;
	struct scim		 s;
	json_t			*out = NULL, *res, *o;
	char			*cause = NULL;
	size_t			 i;
	int			 rc;

	if (scim_query(r, &q) != 0)
		return HANDLED;
	scim_ctx(r, &s);
	rc = users ? scim_user_list(&s, &q, &out, &cause) :
	    scim_group_list(&s, &q, &out, &cause);
	if (rc != E_OK) {
		scim_refusal(r, rc, s.type, cause);
		free(cause);
		return HANDLED;
	}
	res = json_object_get(out, "Resources");
	json_array_foreach(res, i, o)
		scim_project(r, o);
	req_scim_json(r, 200, out);
	return HANDLED;
}

/* The resource id in the path; 0 after answering 404 if it is not one. */
static int64_t
scim_id(struct req *r, const char *what)
{
	int64_t	id = id_parse(r->params[0]);

	if (id == 0)
		req_scim_error(r, 404, NULL, arena_printf(r->arena, "there is "
		    "no %s \"%.64s\"", what, r->params[0]));
	return id;
}

/* GET /Users/:id or /Groups/:id. */
static enum handled
scim_get(struct req *r, int users)
{
	struct scim_query	 q;
	struct scim		 s;
	json_t			*o;
	int64_t			 id;

	if ((id = scim_id(r, users ? "User" : "Group")) == 0 ||
	    scim_query(r, &q) != 0)
		return HANDLED;
	scim_ctx(r, &s);
	o = users ? scim_user_get(&s, id) : scim_group_get(&s, id, q.members);
	if (o == NULL) {
		req_scim_error(r, 404, NULL, arena_printf(r->arena, "there is "
		    "no %s %lld", users ? "User" : "Group", (long long)id));
		return HANDLED;
	}
	scim_project(r, o);
	req_scim_json(r, 200, o);
	return HANDLED;
}

/* On the writer: the change. */
static int
scim_cmd(struct db *db, void *arg, char **cause)
{
	struct scim_job	*j = arg;

	j->s.db = db;
	switch (j->act) {
	case ACT_CREATE:
		return j->users ? scim_user_create(&j->s, j->body, &j->id,
		    cause) : scim_group_create(&j->s, j->body, &j->id, cause);
	case ACT_REPLACE:
		return j->users ? scim_user_replace(&j->s, j->id, j->body,
		    cause) : scim_group_replace(&j->s, j->id, j->body, cause);
	case ACT_PATCH:
		return j->users ? scim_user_patch(&j->s, j->id, j->body,
		    cause) : scim_group_patch(&j->s, j->id, j->body, cause);
	case ACT_DELETE:
		return j->users ? scim_user_delete(&j->s, j->id, cause) :
		    scim_group_delete(&j->s, j->id, cause);
	}
	return E_INTERNAL;
}

/*
 * Committed, or refused: the resource as it is now (201 and its Location
 * for a new one), 204 for a deletion and for a Group's PATCH (as Entra
 * asks: a large group's members are not sent back), or the refusal.
 */
static void
scim_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct scim_job	*j = arg;
	struct scim	 s;
	json_t		*o, *loc;

	if (code != E_OK) {
		scim_refusal(r, code, j->s.type, cause);
		return;
	}
	if (j->act == ACT_DELETE || (j->act == ACT_PATCH && !j->users)) {
		req_reply(r, 204, NULL, NULL);
		return;
	}
	scim_ctx(r, &s);
	o = j->users ? scim_user_get(&s, j->id) : scim_group_get(&s, j->id,
	    j->members);
	if (o == NULL) {
		req_scim_error(r, 404, NULL, "the resource is gone");
		return;
	}
	if (j->act == ACT_CREATE && (loc = json_object_get(json_object_get(o,
	    "meta"), "location")) != NULL)
		req_set_header(r, "Location", json_string_value(loc));
	scim_project(r, o);
	req_scim_json(r, j->act == ACT_CREATE ? 201 : 200, o);
}

/* A change to a User or Group, handed to the writer. */
static enum handled
scim_write(struct req *r, int users, enum scim_act act)
{
	struct scim_query	 q;
	struct scim_job		*j;
	int64_t			 id = 0;

	if (act != ACT_CREATE && (id = scim_id(r, users ? "User" :
	    "Group")) == 0)
		return HANDLED;
	if (act != ACT_DELETE && r->body == NULL) {
		req_scim_error(r, 400, "invalidSyntax", "send the resource as "
		    "a JSON object (application/scim+json)");
		return HANDLED;
	}
	if (scim_query(r, &q) != 0)
		return HANDLED;
	j = arena_alloc(r->arena, sizeof *j);
	memset(j, 0, sizeof *j);
	scim_ctx(r, &j->s);
	j->act = act;
	j->users = users;
	j->id = id;
	j->body = r->body;
	j->members = q.members;
	return req_command_then(r, scim_cmd, scim_outcome, j);
}

/* GET /scim/v2/Users. */
enum handled
api_scim_users(struct req *r)
{
	return scim_list(r, 1);
}

/* GET /scim/v2/Users/:id. */
enum handled
api_scim_user(struct req *r)
{
	return scim_get(r, 1);
}

/* POST /scim/v2/Users. */
enum handled
api_scim_user_create(struct req *r)
{
	return scim_write(r, 1, ACT_CREATE);
}

/* PUT /scim/v2/Users/:id. */
enum handled
api_scim_user_replace(struct req *r)
{
	return scim_write(r, 1, ACT_REPLACE);
}

/* PATCH /scim/v2/Users/:id. */
enum handled
api_scim_user_patch(struct req *r)
{
	return scim_write(r, 1, ACT_PATCH);
}

/* DELETE /scim/v2/Users/:id. */
enum handled
api_scim_user_delete(struct req *r)
{
	return scim_write(r, 1, ACT_DELETE);
}

/* GET /scim/v2/Groups. */
enum handled
api_scim_groups(struct req *r)
{
	return scim_list(r, 0);
}

/* GET /scim/v2/Groups/:id. */
enum handled
api_scim_group(struct req *r)
{
	return scim_get(r, 0);
}

/* POST /scim/v2/Groups. */
enum handled
api_scim_group_create(struct req *r)
{
	return scim_write(r, 0, ACT_CREATE);
}

/* PUT /scim/v2/Groups/:id. */
enum handled
api_scim_group_replace(struct req *r)
{
	return scim_write(r, 0, ACT_REPLACE);
}

/* PATCH /scim/v2/Groups/:id. */
enum handled
api_scim_group_patch(struct req *r)
{
	return scim_write(r, 0, ACT_PATCH);
}

/* DELETE /scim/v2/Groups/:id. */
enum handled
api_scim_group_delete(struct req *r)
{
	return scim_write(r, 0, ACT_DELETE);
}

/* GET /ServiceProviderConfig. */
enum handled
api_scim_config(struct req *r)
{
	struct scim	s;

	scim_ctx(r, &s);
	req_scim_json(r, 200, scim_config_json(&s));
	return HANDLED;
}

/* GET /ResourceTypes, /ResourceTypes/:id, /Schemas and /Schemas/:id:
 * fn's document, or 404 when it has none of that id. */
static enum handled
scim_discovery(struct req *r, json_t *(*fn)(struct scim *, const char *),
    const char *id)
{
	struct scim	 s;
	json_t		*o;

	scim_ctx(r, &s);
	if ((o = fn(&s, id)) == NULL) {
		req_scim_error(r, 404, NULL, arena_printf(r->arena, "there is "
		    "no \"%.100s\"", id));
		return HANDLED;
	}
	req_scim_json(r, 200, o);
	return HANDLED;
}

/* GET /scim/v2/ResourceTypes. */
enum handled
api_scim_resource_types(struct req *r)
{
	return scim_discovery(r, scim_resource_types_json, NULL);
}

/* GET /scim/v2/ResourceTypes/:id. */
enum handled
api_scim_resource_type(struct req *r)
{
	return scim_discovery(r, scim_resource_types_json, r->params[0]);
}

/* GET /scim/v2/Schemas. */
enum handled
api_scim_schemas(struct req *r)
{
	return scim_discovery(r, scim_schemas_json, NULL);
}

/* GET /scim/v2/Schemas/:id. */
enum handled
api_scim_schema(struct req *r)
{
	return scim_discovery(r, scim_schemas_json, r->params[0]);
}
