/*
 * scim.c: people and groups as the company's directory provisions them
 * over SCIM 2.0 (RFC 7643, 7644; docs/scim.md), for Microsoft Entra ID
 * and Okta. A User is a hearth account with a scim_users row: its
 * userName as the directory sent it, its externalId and the parts of the
 * name hearth has no column for; the rest lives in users (display name,
 * e-mail, job title, department, disabled). active false is
 * user_deactivate, the one way a person leaves; DELETE deactivates too
 * and forgets the resource, and the account and its posts stay. A Group
 * is a directory_groups row SCIM keeps (provider 'scim') and its members.
 *
 * Every change loads what is there, applies the request to it in memory
 * (POST, PUT, or PATCH's operations one by one), checks the result and
 * writes it in one transaction, so a refused request changes nothing.
 * Refusals carry RFC 7644's scimType in s->type.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "domain.h"

#define EMAIL_MAX	320

/* A User as SCIM sees it: read from the tables, then changed by a request. */
struct suser {
	int64_t		 id;
	const char	*user_name;
	const char	*external_id;
	const char	*given;
	const char	*family;
	const char	*formatted;
	const char	*display;	/* NULL: made from the names */
	const char	*email;
	const char	*title;
	const char	*department;
	int		 active;
};

/* A Group as SCIM sees it; members are written as the request goes. */
struct sgroup {
	int64_t		 id;
	const char	*display;
	const char	*external_id;
	size_t		 budget;	/* member values still allowed */
};

enum pop { OP_ADD, OP_REPLACE, OP_REMOVE };

/* Refuse with RFC 7644's scimType; takes cause (made by xasprintf). */
static int
refuse(struct scim *s, int code, const char *type, char **cause, char *why)
{
	s->type = type;
	if (*cause != why)
		free(*cause);
	*cause = why;
	return code;
}

/* A member of an object by name, compared without regard to case
 * (RFC 7643 2.1: attribute names are case-insensitive). */
static json_t *
jget(json_t *o, const char *name)
{
	const char	*k;
	json_t		*v;

	if (!json_is_object(o))
		return NULL;
	if ((v = json_object_get(o, name)) != NULL)
		return v;
	json_object_foreach(o, k, v) {
		if (strcasecmp(k, name) == 0)
			return v;
	}
	return NULL;
}

/* A single value as sent: Entra sends some as [{"value": ...}]. */
static json_t *
jsingle(json_t *v)
{
	if (json_is_array(v) && json_array_size(v) == 1 &&
	    json_is_object(json_array_get(v, 0)) &&
	    jget(json_array_get(v, 0), "value") != NULL)
		return jget(json_array_get(v, 0), "value");
	return v;
}

/* Text from a JSON value into *out (absent or null: NULL; a number as
 * written). 0, or E_INVALID (invalidValue). */
static int
jtext(struct scim *s, json_t *v, const char *attr, const char **out,
    char **cause)
{
	v = jsingle(v);
	if (v == NULL || json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (json_is_integer(v)) {
		*out = arena_printf(s->arena, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return 0;
	}
	if (!json_is_string(v))
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xasprintf("%s must be text", attr));
	if (strlen(json_string_value(v)) != json_string_length(v))
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xasprintf("%s must not contain a NUL", attr));
	*out = arena_strdup(s->arena, json_string_value(v));
	return 0;
}

/* A boolean: true or false, or the strings "True" and "False" that
 * Entra sends. 0, or E_INVALID. */
static int
jbool(struct scim *s, json_t *v, const char *attr, int *out, char **cause)
{
	v = jsingle(v);
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (json_is_string(v) && (strcasecmp(json_string_value(v), "true") ==
	    0 || strcasecmp(json_string_value(v), "false") == 0)) {
		*out = strcasecmp(json_string_value(v), "true") == 0;
		return 0;
	}
	return refuse(s, E_INVALID, "invalidValue", cause,
	    xasprintf("%s must be true or false", attr));
}

/* Whether text is at most max bytes, without control characters (one
 * line). */
static int
text_ok(const char *v, size_t max)
{
	const unsigned char	*p;

	if (v == NULL)
		return 1;
	if (strlen(v) > max)
		return 0;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* "" as NULL, the way the tables mean it. */
static const char *
nz(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

/* A column's text into the arena, "" as NULL. */
static const char *
col_text(struct arena *a, sqlite3_stmt *st, int i)
{
	return nz(arena_strdup(a, (const char *)sqlite3_column_text(st, i)));
}

/* A time as SCIM writes it (RFC 3339, UTC). */
static json_t *
scim_time(int64_t t)
{
	char		buf[32];
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* Set key to text, when there is some. */
static void
set_text(json_t *o, const char *key, const char *v)
{
	if (nz(v) != NULL)
		json_object_set_new(o, key, json_string(v));
}

/* An id from the text a directory sends back; 0 if it is not one. */
static int64_t
text_id(const char *v)
{
	return v != NULL ? id_parse(v) : 0;
}

/* ------------------------------------------------------------ Users */

/* A User's row as it is now: 0, or E_NOTFOUND. */
static int
suser_load(struct scim *s, int64_t id, struct suser *u)
{
	sqlite3_stmt	*st;
	int		 rc = E_NOTFOUND;

	memset(u, 0, sizeof *u);
	st = db_prepare(s->db, "SELECT s.user_name, s.external_id, "
	    "s.given_name, s.family_name, s.formatted, u.display_name, "
	    "u.email, u.job_title, u.department, u.disabled FROM scim_users s "
	    "JOIN users u ON u.id = s.user_id WHERE s.user_id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		u->id = id;
		u->user_name = col_text(s->arena, st, 0);
		u->external_id = col_text(s->arena, st, 1);
		u->given = col_text(s->arena, st, 2);
		u->family = col_text(s->arena, st, 3);
		u->formatted = col_text(s->arena, st, 4);
		u->display = col_text(s->arena, st, 5);
		u->email = col_text(s->arena, st, 6);
		u->title = col_text(s->arena, st, 7);
		u->department = col_text(s->arena, st, 8);
		u->active = sqlite3_column_int(st, 9) == 0;
		rc = E_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * The address to keep from emails, a list of {value, type, primary}:
 * the primary one, else the work one, else the first. *found says
 * whether the list had one. 0, or E_INVALID.
 */
static int
email_pick(struct scim *s, json_t *list, const char **email, int *found,
    char **cause)
{
	json_t		*e, *one = NULL;
	const char	*type;
	size_t		 i;
	int		 rank, best = 0;

	*found = 0;
	if (list == NULL || json_is_null(list))
		return 0;
	if (json_is_object(list)) {
		one = list;
		list = NULL;
	} else if (!json_is_array(list))
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xstrdup("emails must be a list of {value, type, primary}"));
	for (i = 0; one != NULL || i < json_array_size(list); i++) {
		e = one != NULL ? one : json_array_get(list, i);
		one = NULL;
		if (!json_is_object(e) || jget(e, "value") == NULL ||
		    json_is_null(jget(e, "value")))
			continue;
		type = json_string_value(jget(e, "type"));
		rank = json_is_true(jget(e, "primary")) ? 3 :
		    type != NULL && strcasecmp(type, "work") == 0 ? 2 : 1;
		if (rank <= best)
			continue;
		if (jtext(s, jget(e, "value"), "emails.value", email,
		    cause) != 0)
			return E_INVALID;
		best = rank;
		*found = 1;
	}
	return 0;
}

/* The name parts of a name object, those it has. */
static int
name_parts(struct scim *s, struct suser *u, json_t *name, char **cause)
{
	json_t	*v;

	if (name == NULL || json_is_null(name))
		return 0;
	if (!json_is_object(name))
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xstrdup("name must be an object of givenName, familyName "
		    "and formatted"));
	if (((v = jget(name, "givenName")) != NULL && jtext(s, v,
	    "name.givenName", &u->given, cause) != 0) ||
	    ((v = jget(name, "familyName")) != NULL && jtext(s, v,
	    "name.familyName", &u->family, cause) != 0) ||
	    ((v = jget(name, "formatted")) != NULL && jtext(s, v,
	    "name.formatted", &u->formatted, cause) != 0))
		return E_INVALID;
	return 0;
}

/*
 * A User from a POST or PUT body: what it has replaces u's (active is
 * kept when it does not say); read-only and unknown attributes (id,
 * meta, groups, password, locale...) are let go, as RFC 7644 3.5.1
 * allows.
 */
static int
suser_from_json(struct scim *s, json_t *body, struct suser *u, char **cause)
{
	json_t	*v, *ext;
	int	 found;

	u->given = u->family = u->formatted = u->email = NULL;
	if (jtext(s, jget(body, "userName"), "userName", &u->user_name,
	    cause) != 0 ||
	    jtext(s, jget(body, "externalId"), "externalId", &u->external_id,
	    cause) != 0 ||
	    jtext(s, jget(body, "displayName"), "displayName", &u->display,
	    cause) != 0 ||
	    jtext(s, jget(body, "title"), "title", &u->title, cause) != 0 ||
	    name_parts(s, u, jget(body, "name"), cause) != 0 ||
	    email_pick(s, jget(body, "emails"), &u->email, &found, cause) != 0)
		return E_INVALID;
	u->department = NULL;
	if ((ext = jget(body, SCIM_SCHEMA_ENTERPRISE)) != NULL &&
	    !json_is_null(ext)) {
		if (!json_is_object(ext))
			return refuse(s, E_INVALID, "invalidValue", cause,
			    xasprintf("%s must be an object",
			    SCIM_SCHEMA_ENTERPRISE));
		if (jtext(s, jget(ext, "department"), "department",
		    &u->department, cause) != 0)
			return E_INVALID;
	}
	if ((v = jget(body, "active")) != NULL && !json_is_null(v) &&
	    jbool(s, v, "active", &u->active, cause) != 0)
		return E_INVALID;
	return 0;
}

/* What to show as the person's name: displayName, else name.formatted,
 * else the given and family names, else the hearth username. */
static const char *
suser_display(struct scim *s, const struct suser *u, const char *fallback)
{
	const char	*d = nz(u->display);

	if (d == NULL)
		d = nz(u->formatted);
	if (d == NULL && (nz(u->given) != NULL || nz(u->family) != NULL))
		d = arena_printf(s->arena, "%s%s%s", u->given ? u->given : "",
		    nz(u->given) && nz(u->family) ? " " : "",
		    u->family ? u->family : "");
	if (d == NULL)
		d = fallback;
	return arena_strndup(s->arena, d, utf8_cut(d, DISPLAY_NAME_MAX));
}

/* Whether u may be written: lengths, one line each, an address that
 * looks like one. 0, or E_INVALID (invalidValue) naming the attribute. */
static int
suser_check(struct scim *s, const struct suser *u, char **cause)
{
	static const struct {
		const char	*name;
		size_t		 off, max;
	} lim[] = {
		{ "userName", offsetof(struct suser, user_name),
		    SCIM_TEXT_MAX },
		{ "externalId", offsetof(struct suser, external_id),
		    SCIM_TEXT_MAX },
		{ "name.givenName", offsetof(struct suser, given),
		    SCIM_TEXT_MAX },
		{ "name.familyName", offsetof(struct suser, family),
		    SCIM_TEXT_MAX },
		{ "name.formatted", offsetof(struct suser, formatted),
		    SCIM_TEXT_MAX },
		{ "displayName", offsetof(struct suser, display),
		    DISPLAY_NAME_MAX },
		{ "emails.value", offsetof(struct suser, email), EMAIL_MAX },
		{ "title", offsetof(struct suser, title), PROFILE_TEXT_MAX },
		{ SCIM_SCHEMA_ENTERPRISE ":department",
		    offsetof(struct suser, department), PROFILE_TEXT_MAX },
	};
	const char	*v;
	size_t		 i;

	if (nz(u->user_name) == NULL)
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xstrdup("userName is required"));
	for (i = 0; i < nitems(lim); i++) {
		v = *(const char *const *)((const char *)u + lim[i].off);
		if (!text_ok(v, lim[i].max))
			return refuse(s, E_INVALID, "invalidValue", cause,
			    xasprintf("%s must be one line of at most %zu "
			    "bytes", lim[i].name, lim[i].max));
	}
	if (nz(u->email) != NULL && (strchr(u->email, '@') == NULL ||
	    strchr(u->email, ' ') != NULL))
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xasprintf("emails.value \"%s\" is not an e-mail address",
		    u->email));
	return 0;
}

/* Whether another User has the userName (compared without case). */
static int
user_name_taken(struct scim *s, const char *name, int64_t self)
{
	sqlite3_stmt	*st;
	int		 taken = 1;

	st = db_prepare(s->db, "SELECT EXISTS (SELECT 1 FROM scim_users "
	    "WHERE user_name = ? AND user_id <> ?)");
	if (st == NULL)
		return 1;
	db_bind(st, (const struct sqlarg[]){ SQL_T(name), SQL_I(self) }, 2);
	if (sqlite3_step(st) == SQLITE_ROW)
		taken = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return taken;
}

/* The profile columns SCIM keeps: display name, job title, department
 * ("" clears), through the profile's own checks. */
static int
suser_profile(struct scim *s, int64_t id, const char *display,
    const struct suser *u, char **cause)
{
	struct profile_edit	e;
	int			rc;

	memset(&e, 0, sizeof e);
	e.display_name = display;
	e.job_title = u->title != NULL ? u->title : "";
	e.department = u->department != NULL ? u->department : "";
	if ((rc = profile_update(s->db, id, &e, cause)) == E_INVALID)
		s->type = "invalidValue";
	return rc;
}

/* A change the directory made to a person, in the audit log, in the
 * change's own transaction: E_OK, or E_INTERNAL (rolled back). */
static int
scim_audit(struct scim *s, const char *action, int64_t id)
{
	struct audit_actor	 who = { 0, "SCIM provisioning", s->ip,
	    s->user_agent };
	struct user		*u = user_get(s->db, s->arena, id);

	return audit_record(s->db, &who, action, "user", id, u != NULL ?
	    u->username : "", NULL) == 0 ? E_OK : E_INTERNAL;
}

/* Write u over what was (old); within the caller's transaction. */
static int
suser_save(struct scim *s, const struct suser *u, const struct suser *old,
    char **cause)
{
	struct user	*hu;
	int		 rc;

	if ((rc = suser_check(s, u, cause)) != 0)
		return rc;
	if (user_name_taken(s, u->user_name, u->id))
		return refuse(s, E_CONFLICT, "uniqueness", cause,
		    xasprintf("userName \"%s\" is already another person's",
		    u->user_name));
	if ((hu = user_get(s->db, s->arena, u->id)) == NULL)
		return E_NOTFOUND;
	if (DB_RUN(s->db, "UPDATE scim_users SET user_name = ?, "
	    "external_id = ?, given_name = ?, family_name = ?, formatted = ?, "
	    "updated_at = ?, version = version + 1 WHERE user_id = ?",
	    SQL_T(u->user_name), SQL_T(nz(u->external_id)), SQL_T(nz(u->given)),
	    SQL_T(nz(u->family)), SQL_T(nz(u->formatted)), SQL_I(time(NULL)),
	    SQL_I(u->id)) != 1)
		return E_INTERNAL;
	if ((rc = suser_profile(s, u->id, suser_display(s, u, hu->username),
	    u, cause)) != E_OK)
		return rc;
	if (DB_RUN(s->db, "UPDATE users SET email = ?1, updated_at = ?2 "
	    "WHERE id = ?3 AND email IS NOT ?1", SQL_T(nz(u->email)),
	    SQL_I(time(NULL)), SQL_I(u->id)) < 0)
		return E_INTERNAL;
	if (old->active && !u->active)
		return (rc = user_deactivate(s->db, u->id, "scim")) != E_OK ? rc :
		    scim_audit(s, "user.disable", u->id);
	if (!old->active && u->active)
		return (rc = user_reactivate(s->db, u->id)) != E_OK ? rc :
		    scim_audit(s, "user.enable", u->id);
	return E_OK;
}

/* The groups (SCIM's) a person is in, for their User's groups. */
static json_t *
suser_groups(struct scim *s, int64_t id)
{
	sqlite3_stmt	*st;
	json_t		*a = json_array();
	int64_t		 g;

	st = db_prepare(s->db, "SELECT g.id, g.display_name FROM "
	    "directory_group_members m JOIN directory_groups g ON "
	    "g.id = m.group_id WHERE m.user_id = ? AND g.provider = 'scim' "
	    "ORDER BY g.id");
	if (st == NULL)
		return a;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		g = sqlite3_column_int64(st, 0);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}",
		    "value", arena_printf(s->arena, "%lld", (long long)g),
		    "display", (const char *)sqlite3_column_text(st, 1),
		    "$ref", arena_printf(s->arena, "%s/Groups/%lld", s->base,
		    (long long)g), "type", "direct"));
	}
	sqlite3_reset(st);
	return a;
}

/* A User resource, or NULL if there is none. */
json_t *
scim_user_get(struct scim *s, int64_t id)
{
	sqlite3_stmt	*st;
	json_t		*o = NULL, *name, *ext;
	int64_t		 created = 0, modified = 0, version = 0;
	struct suser	 u;
	int		 found = 0;

	if (suser_load(s, id, &u) != E_OK)
		return NULL;
	st = db_prepare(s->db, "SELECT s.created_at, max(s.updated_at, "
	    "u.updated_at), s.version + u.version FROM scim_users s JOIN "
	    "users u ON u.id = s.user_id WHERE s.user_id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		created = sqlite3_column_int64(st, 0);
		modified = sqlite3_column_int64(st, 1);
		version = sqlite3_column_int64(st, 2);
		found = 1;
	}
	sqlite3_reset(st);
	if (!found)
		return NULL;
	o = json_pack("{s:[s,s], s:s, s:s}", "schemas", SCIM_SCHEMA_USER,
	    SCIM_SCHEMA_ENTERPRISE, "id", arena_printf(s->arena, "%lld",
	    (long long)id), "userName", u.user_name);
	if (o == NULL)
		return NULL;
	set_text(o, "externalId", u.external_id);
	name = json_object();
	set_text(name, "givenName", u.given);
	set_text(name, "familyName", u.family);
	set_text(name, "formatted", u.formatted);
	if (json_object_size(name) > 0)
		json_object_set(o, "name", name);
	json_decref(name);
	set_text(o, "displayName", u.display);
	set_text(o, "title", u.title);
	json_object_set_new(o, "active", json_boolean(u.active));
	if (u.email != NULL)
		json_object_set_new(o, "emails", json_pack("[{s:s, s:s, s:b}]",
		    "value", u.email, "type", "work", "primary", 1));
	json_object_set_new(o, "groups", suser_groups(s, id));
	if (u.department != NULL) {
		ext = json_pack("{s:s}", "department", u.department);
		json_object_set_new(o, SCIM_SCHEMA_ENTERPRISE, ext);
	}
	json_object_set_new(o, "meta", json_pack("{s:s, s:o, s:o, s:s, s:s}",
	    "resourceType", "User", "created", scim_time(created),
	    "lastModified", scim_time(modified), "location",
	    arena_printf(s->arena, "%s/Users/%lld", s->base, (long long)id),
	    "version", arena_printf(s->arena, "W/\"%lld\"",
	    (long long)version)));
	return o;
}

/* POST /Users: a new person. */
int
scim_user_create(struct scim *s, json_t *body, int64_t *id, char **cause)
{
	struct suser	 u, none;
	char		 name[USERNAME_MAX + 8];
	int64_t		 uid;
	int		 rc;

	memset(&u, 0, sizeof u);
	memset(&none, 0, sizeof none);
	u.active = 1;
	none.active = 1;
	if ((rc = suser_from_json(s, body, &u, cause)) != 0 ||
	    (rc = suser_check(s, &u, cause)) != 0)
		return rc;
	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	rc = E_INTERNAL;
	if (user_name_taken(s, u.user_name, 0)) {
		rc = refuse(s, E_CONFLICT, "uniqueness", cause,
		    xasprintf("userName \"%s\" is already another person's",
		    u.user_name));
		goto fail;
	}
	if (identity_pick_name(s->db, u.user_name, name, sizeof name) != 0) {
		*cause = xasprintf("no free username near \"%s\"", u.user_name);
		goto fail;
	}
	if ((uid = user_create(s->db, name, suser_display(s, &u, name),
	    nz(u.email), ROLE_MEMBER, NULL, cause)) < 0)
		goto fail;
	u.id = uid;
	if (DB_RUN(s->db, "UPDATE users SET managed_by = 'scim' WHERE id = ?",
	    SQL_I(uid)) != 1 ||
	    DB_RUN(s->db, "INSERT INTO scim_users (user_id, user_name, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?)", SQL_I(uid),
	    SQL_T(u.user_name), SQL_I(time(NULL)), SQL_I(time(NULL))) != 1)
		goto fail;
	if ((rc = suser_save(s, &u, &none, cause)) != E_OK ||
	    (rc = scim_audit(s, "user.create", uid)) != E_OK)
		goto fail;
	if (db_commit(s->db) != 0)
		return E_INTERNAL;
	*id = uid;
	return E_OK;
fail:
	db_rollback(s->db);
	return rc;
}

/* PUT /Users/:id: the whole User again. */
int
scim_user_replace(struct scim *s, int64_t id, json_t *body, char **cause)
{
	struct suser	 u, old;
	int		 rc;

	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	if ((rc = suser_load(s, id, &old)) != E_OK) {
		*cause = xasprintf("there is no User %lld", (long long)id);
		goto fail;
	}
	u = old;
	if ((rc = suser_from_json(s, body, &u, cause)) != 0 ||
	    (rc = suser_save(s, &u, &old, cause)) != 0)
		goto fail;
	return db_commit(s->db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(s->db);
	return rc;
}

/* What a PATCH path names in a User. */
enum utarget { UT_NONE, UT_IGNORED, UT_READONLY, UT_ACTIVE, UT_USERNAME,
    UT_DISPLAY, UT_TITLE, UT_EXTERNAL, UT_GIVEN, UT_FAMILY, UT_FORMATTED,
    UT_NAME, UT_EMAILS, UT_ENTERPRISE, UT_DEPARTMENT };
#define ENT(x) SCIM_SCHEMA_ENTERPRISE ":" x
static const struct {
	const char	*name;
	enum utarget	 t;
	size_t		 off;		/* a text attribute's field */
} user_targets[] = {
	{ "active",		UT_ACTIVE,	0 },
	{ "userName",		UT_USERNAME,	offsetof(struct suser, user_name) },
	{ "displayName",	UT_DISPLAY,	offsetof(struct suser, display) },
	{ "title",		UT_TITLE,	offsetof(struct suser, title) },
	{ "externalId",		UT_EXTERNAL,	offsetof(struct suser, external_id) },
	{ "name.givenName",	UT_GIVEN,	offsetof(struct suser, given) },
	{ "name.familyName",	UT_FAMILY,	offsetof(struct suser, family) },
	{ "name.formatted",	UT_FORMATTED,	offsetof(struct suser, formatted) },
	{ "name",		UT_NAME,	0 },
	{ "emails",		UT_EMAILS,	0 },
	{ SCIM_SCHEMA_ENTERPRISE, UT_ENTERPRISE, 0 },
	{ ENT("department"),	UT_DEPARTMENT,	offsetof(struct suser, department) },
	/* what directories send that hearth keeps nowhere: taken, let go */
	{ "nickName",		UT_IGNORED,	0 },
	{ "profileUrl",		UT_IGNORED,	0 },
	{ "userType",		UT_IGNORED,	0 },
	{ "preferredLanguage",	UT_IGNORED,	0 },
	{ "locale",		UT_IGNORED,	0 },
	{ "timezone",		UT_IGNORED,	0 },
	{ "password",		UT_IGNORED,	0 },
	{ "phoneNumbers",	UT_IGNORED,	0 },
	{ "addresses",		UT_IGNORED,	0 },
	{ "ims",		UT_IGNORED,	0 },
	{ "photos",		UT_IGNORED,	0 },
	{ "entitlements",	UT_IGNORED,	0 },
	{ "roles",		UT_IGNORED,	0 },
	{ "x509Certificates",	UT_IGNORED,	0 },
	{ "name.middleName",	UT_IGNORED,	0 },
	{ "name.honorificPrefix", UT_IGNORED,	0 },
	{ "name.honorificSuffix", UT_IGNORED,	0 },
	{ ENT("employeeNumber"), UT_IGNORED,	0 },
	{ ENT("costCenter"),	UT_IGNORED,	0 },
	{ ENT("organization"),	UT_IGNORED,	0 },
	{ ENT("division"),	UT_IGNORED,	0 },
	{ ENT("manager"),	UT_IGNORED,	0 },
	/* hearth's own */
	{ "id",			UT_READONLY,	0 },
	{ "meta",		UT_READONLY,	0 },
	{ "groups",		UT_READONLY,	0 },
	{ "schemas",		UT_READONLY,	0 },
};
#undef ENT

/* The target a path's attribute names, and the sub-attribute after it
 * ("emails.value": emails and value); UT_NONE if none. */
static int
user_target(struct scim *s, const char *attr, const char **sub)
{
	const char	*dot, *colon;
	size_t		 i;
	char		*base;

	*sub = NULL;
	for (i = 0; i < nitems(user_targets); i++) {
		if (strcasecmp(user_targets[i].name, attr) == 0)
			return (int)i;
	}
	if ((dot = strrchr(attr, '.')) == NULL ||
	    ((colon = strrchr(attr, ':')) != NULL && colon > dot))
		return -1;
	base = arena_strndup(s->arena, attr, dot - attr);
	for (i = 0; i < nitems(user_targets); i++) {
		if (strcasecmp(user_targets[i].name, base) == 0) {
			*sub = dot + 1;
			return (int)i;
		}
	}
	return -1;
}

/* A sub-attribute of the one address hearth keeps (the work one), for
 * an emails[...] filter. */
static const char *
email_get(void *arg, const char *name)
{
	struct suser	*u = arg;

	if (strcasecmp(name, "value") == 0 || strcasecmp(name, "display") == 0)
		return u->email;
	if (strcasecmp(name, "type") == 0)
		return "work";
	if (strcasecmp(name, "primary") == 0)
		return "true";
	return NULL;
}

/* A PATCH operation on emails (emails, emails[filter], .value). */
static int
user_emails(struct scim *s, struct suser *u, enum pop op,
    const struct scim_path *p, const char *sub, json_t *value, char **cause)
{
	const char	*e = NULL;
	int		 found;

	if (p->filter == NULL && sub == NULL) {
		if (op == OP_REMOVE) {
			u->email = NULL;
			return 0;
		}
		if (email_pick(s, value, &e, &found, cause) != 0)
			return E_INVALID;
		if (found || op == OP_REPLACE)
			u->email = e;
		return 0;
	}
	/* One address is kept: a filter that does not select it (type
	 * "other", Entra's proxy addresses) selects one hearth lets go. */
	if (p->filter != NULL && !scim_filter_match(p->filter, email_get, u))
		return 0;
	if (sub != NULL && strcasecmp(sub, "value") != 0)
		return 0;	/* type, primary, display: as they are */
	if (op == OP_REMOVE) {
		u->email = NULL;
		return 0;
	}
	if (sub == NULL && json_is_object(value))
		value = jget(value, "value");
	return jtext(s, value, "emails.value", &u->email, cause);
}

/*
 * Apply one operation to u: at path, or (lenient: a key of a value
 * without a path) at that key, where what hearth does not know is let go
 * rather than refused.
 */
static int
user_apply(struct scim *s, struct suser *u, enum pop op, const char *path,
    json_t *value, int lenient, char **cause)
{
	struct scim_path	 p;
	const char		*sub;
	const char		**field;
	json_t			*v;
	int			 i;

	if (scim_path_parse(s->arena, path, &p, cause) != 0) {
		if (!lenient)
			return refuse(s, E_INVALID, "invalidPath", cause,
			    *cause);
		free(*cause);
		*cause = NULL;
		return 0;
	}
	if ((i = user_target(s, p.attr, &sub)) < 0) {
		if (lenient)
			return 0;
		return refuse(s, E_INVALID, "invalidPath", cause, xasprintf(
		    "hearth keeps no User attribute %s", p.attr));
	}
	if (p.sub != NULL) {
		if (sub != NULL)
			return refuse(s, E_INVALID, "invalidPath", cause,
			    xasprintf("invalid path \"%s\"", path));
		sub = p.sub;
	}
	if (sub != NULL && user_targets[i].t != UT_EMAILS &&
	    user_targets[i].t != UT_IGNORED && user_targets[i].t !=
	    UT_READONLY) {
		if (lenient)
			return 0;
		return refuse(s, E_INVALID, "invalidPath", cause, xasprintf(
		    "hearth keeps no User attribute %s", p.attr));
	}
	switch (user_targets[i].t) {
	case UT_IGNORED:
		return 0;
	case UT_READONLY:
		if (lenient)
			return 0;
		return refuse(s, E_INVALID, "mutability", cause, xasprintf(
		    "%s is hearth's own and cannot be changed", p.attr));
	case UT_EMAILS:
		return user_emails(s, u, op, &p, sub, value, cause);
	default:
		break;
	}
	if (p.filter != NULL || sub != NULL)
		return refuse(s, E_INVALID, "invalidPath", cause, xasprintf(
		    "%s takes no [filter] or sub-attribute", p.attr));
	switch (user_targets[i].t) {
	case UT_ACTIVE:
		if (op == OP_REMOVE)
			return refuse(s, E_INVALID, "invalidValue", cause,
			    xstrdup("active cannot be removed; replace it "
			    "with false"));
		return jbool(s, value, "active", &u->active, cause);
	case UT_USERNAME:
		if (op == OP_REMOVE)
			return refuse(s, E_INVALID, "invalidValue", cause,
			    xstrdup("userName is required"));
		break;
	case UT_NAME:
		if (op == OP_REMOVE) {
			u->given = u->family = u->formatted = NULL;
			return 0;
		}
		return name_parts(s, u, value, cause);
	case UT_ENTERPRISE:
		if (op == OP_REMOVE) {
			u->department = NULL;
			return 0;
		}
		if (!json_is_object(value))
			return refuse(s, E_INVALID, "invalidValue", cause,
			    xasprintf("%s must be an object",
			    SCIM_SCHEMA_ENTERPRISE));
		if ((v = jget(value, "department")) == NULL)
			return 0;
		return jtext(s, v, "department", &u->department, cause);
	default:
		break;
	}
	field = (const char **)((char *)u + user_targets[i].off);
	if (op == OP_REMOVE) {
		*field = NULL;
		return 0;
	}
	return jtext(s, value, user_targets[i].name, field, cause);
}

/* One operation of a PATCH: its op, path (or NULL) and value. */
static int
patch_op(struct scim *s, json_t *o, enum pop *op, const char **path,
    json_t **value, char **cause)
{
	const char	*name;

	if (!json_is_object(o) || (name = json_string_value(jget(o, "op"))) ==
	    NULL)
		return refuse(s, E_INVALID, "invalidSyntax", cause, xstrdup(
		    "each of Operations must be an object with an op"));
	if (strcasecmp(name, "add") == 0)
		*op = OP_ADD;
	else if (strcasecmp(name, "replace") == 0)
		*op = OP_REPLACE;
	else if (strcasecmp(name, "remove") == 0)
		*op = OP_REMOVE;
	else
		return refuse(s, E_INVALID, "invalidSyntax", cause, xasprintf(
		    "op must be add, replace or remove, not \"%.40s\"", name));
	*value = jget(o, "value");
	*path = NULL;
	if (jget(o, "path") != NULL && !json_is_null(jget(o, "path")) &&
	    (*path = json_string_value(jget(o, "path"))) == NULL)
		return refuse(s, E_INVALID, "invalidPath", cause,
		    xstrdup("path must be text"));
	if (*path == NULL && *op == OP_REMOVE)
		return refuse(s, E_INVALID, "noTarget", cause,
		    xstrdup("remove needs a path"));
	if (*op != OP_REMOVE && *value == NULL)
		return refuse(s, E_INVALID, "invalidSyntax", cause, xasprintf(
		    "%s needs a value", name));
	if (*path == NULL && !json_is_object(*value))
		return refuse(s, E_INVALID, "invalidSyntax", cause, xstrdup(
		    "without a path, value must be an object of attributes"));
	return 0;
}

/* A PATCH's Operations: the list, or NULL after refusing. */
static json_t *
patch_ops(struct scim *s, json_t *body, char **cause)
{
	json_t	*ops = jget(body, "Operations");

	if (!json_is_array(ops) || json_array_size(ops) == 0) {
		refuse(s, E_INVALID, "invalidSyntax", cause, xstrdup("a PATCH "
		    "needs Operations: a list of {op, path, value}"));
		return NULL;
	}
	if (json_array_size(ops) > SCIM_OPS_MAX) {
		refuse(s, E_INVALID, "invalidSyntax", cause, xasprintf(
		    "at most %d Operations in one PATCH", SCIM_OPS_MAX));
		return NULL;
	}
	return ops;
}

/* PATCH /Users/:id. */
int
scim_user_patch(struct scim *s, int64_t id, json_t *body, char **cause)
{
	struct suser	 u, old;
	json_t		*ops, *o, *value, *v;
	const char	*path, *k;
	enum pop	 op;
	size_t		 i;
	int		 rc;

	if ((ops = patch_ops(s, body, cause)) == NULL)
		return E_INVALID;
	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	if ((rc = suser_load(s, id, &old)) != E_OK) {
		*cause = xasprintf("there is no User %lld", (long long)id);
		goto fail;
	}
	u = old;
	json_array_foreach(ops, i, o) {
		if ((rc = patch_op(s, o, &op, &path, &value, cause)) != 0)
			goto fail;
		if (path != NULL) {
			if ((rc = user_apply(s, &u, op, path, value, 0,
			    cause)) != 0)
				goto fail;
			continue;
		}
		json_object_foreach(value, k, v) {
			if ((rc = user_apply(s, &u, op, k, v, 1, cause)) != 0)
				goto fail;
		}
	}
	if ((rc = suser_save(s, &u, &old, cause)) != E_OK)
		goto fail;
	return db_commit(s->db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(s->db);
	return rc;
}

/*
 * DELETE /Users/:id: the person leaves (user_deactivate) and the
 * resource is forgotten, with their place in SCIM's groups. The account
 * stays, disabled, and so do their posts.
 */
int
scim_user_delete(struct scim *s, int64_t id, char **cause)
{
	struct suser	 u;
	int		 rc;

	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	if ((rc = suser_load(s, id, &u)) != E_OK) {
		*cause = xasprintf("there is no User %lld", (long long)id);
		goto fail;
	}
	rc = E_INTERNAL;
	if (user_deactivate(s->db, id, "scim") != E_OK ||
	    DB_RUN(s->db, "DELETE FROM directory_group_members WHERE "
	    "user_id = ? AND group_id IN (SELECT id FROM directory_groups "
	    "WHERE provider = 'scim')", SQL_I(id)) < 0 ||
	    DB_RUN(s->db, "DELETE FROM scim_users WHERE user_id = ?",
	    SQL_I(id)) != 1 || scim_audit(s, "user.disable", id) != E_OK)
		goto fail;
	return db_commit(s->db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(s->db);
	return rc;
}

/* ----------------------------------------------------------- Groups */

/* A Group as it is: 0, or E_NOTFOUND. */
static int
sgroup_load(struct scim *s, int64_t id, struct sgroup *g)
{
	sqlite3_stmt	*st;
	int		 rc = E_NOTFOUND;

	memset(g, 0, sizeof *g);
	g->budget = SCIM_MEMBERS_MAX;
	st = db_prepare(s->db, "SELECT display_name, external_id FROM "
	    "directory_groups WHERE id = ? AND provider = 'scim'");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		g->id = id;
		g->display = col_text(s->arena, st, 0);
		g->external_id = col_text(s->arena, st, 1);
		rc = E_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/* Whether g may be written; and its name is no other group's. */
static int
sgroup_check(struct scim *s, const struct sgroup *g, char **cause)
{
	sqlite3_stmt	*st;
	int		 taken = 1;

	if (nz(g->display) == NULL)
		return refuse(s, E_INVALID, "invalidValue", cause,
		    xstrdup("displayName is required"));
	if (!text_ok(g->display, SCIM_TEXT_MAX) ||
	    !text_ok(g->external_id, SCIM_TEXT_MAX))
		return refuse(s, E_INVALID, "invalidValue", cause, xasprintf(
		    "%s must be one line of at most %d bytes",
		    text_ok(g->display, SCIM_TEXT_MAX) ? "externalId" :
		    "displayName", SCIM_TEXT_MAX));
	st = db_prepare(s->db, "SELECT EXISTS (SELECT 1 FROM directory_groups "
	    "WHERE display_name = ? COLLATE NOCASE AND id <> ?)");
	if (st == NULL)
		return E_INTERNAL;
	db_bind(st, (const struct sqlarg[]){ SQL_T(g->display),
	    SQL_I(g->id) }, 2);
	if (sqlite3_step(st) == SQLITE_ROW)
		taken = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (taken)
		return refuse(s, E_CONFLICT, "uniqueness", cause, xasprintf(
		    "a group called \"%s\" is already there", g->display));
	return 0;
}

/* Write g's name and externalId, and that it changed. */
static int
sgroup_save(struct scim *s, const struct sgroup *g, char **cause)
{
	int	rc;

	if ((rc = sgroup_check(s, g, cause)) != 0)
		return rc;
	return DB_RUN(s->db, "UPDATE directory_groups SET display_name = ?, "
	    "external_id = ?, updated_at = ? WHERE id = ?", SQL_T(g->display),
	    SQL_T(nz(g->external_id)), SQL_I(time(NULL)), SQL_I(g->id)) == 1 ?
	    E_OK : E_INTERNAL;
}

/* The person a member value names: their id, or 0 after refusing. */
static int64_t
member_id(struct scim *s, struct sgroup *g, json_t *m, char **cause)
{
	sqlite3_stmt	*st;
	const char	*v = NULL;
	int64_t		 id;
	int		 found = 0;

	if (g->budget == 0) {
		refuse(s, E_INVALID, "invalidValue", cause, xasprintf("at most "
		    "%d members in one request", SCIM_MEMBERS_MAX));
		return 0;
	}
	g->budget--;
	if (!json_is_object(m) || jtext(s, jget(m, "value"), "members.value",
	    &v, cause) != 0 || v == NULL) {
		if (*cause == NULL)
			refuse(s, E_INVALID, "invalidValue", cause, xstrdup(
			    "each member must be an object with a value (a "
			    "User's id)"));
		return 0;
	}
	if ((id = text_id(v)) != 0) {
		st = db_prepare(s->db, "SELECT EXISTS (SELECT 1 FROM users "
		    "WHERE id = ? AND origin IS NULL)");
		if (st == NULL)
			return 0;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			found = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	if (!found) {
		refuse(s, E_INVALID, "invalidValue", cause, xasprintf(
		    "members: there is no User \"%.64s\"", v));
		return 0;
	}
	return id;
}

/* Add (add) or remove the members a list of {value} names. */
static int
members_change(struct scim *s, struct sgroup *g, json_t *list, int add,
    char **cause)
{
	json_t	*m;
	size_t	 i;
	int64_t	 id;
	int	 rc;

	if (list == NULL || json_is_null(list))
		return 0;
	if (json_is_object(list)) {
		if ((id = member_id(s, g, list, cause)) == 0)
			return s->type != NULL ? E_INVALID : E_INTERNAL;
		return DB_RUN(s->db, add ? "INSERT OR IGNORE INTO "
		    "directory_group_members (group_id, user_id) VALUES "
		    "(?, ?)" : "DELETE FROM directory_group_members WHERE "
		    "group_id = ? AND user_id = ?", SQL_I(g->id), SQL_I(id)) <
		    0 ? E_INTERNAL : 0;
	}
	if (!json_is_array(list))
		return refuse(s, E_INVALID, "invalidValue", cause, xstrdup(
		    "members must be a list of {value: a User's id}"));
	json_array_foreach(list, i, m) {
		if ((rc = members_change(s, g, m, add, cause)) != 0)
			return rc;
	}
	return 0;
}

/* One member's sub-attributes, for a members[...] filter. */
struct member_view {
	char	value[24];
};

/* A member's sub-attribute by name: value (the User's id), type. */
static const char *
member_get(void *arg, const char *name)
{
	struct member_view	*m = arg;

	if (strcasecmp(name, "value") == 0)
		return m->value;
	if (strcasecmp(name, "type") == 0)
		return "User";
	return NULL;
}

/* Remove the members a members[...] filter selects. */
static int
members_remove_matching(struct scim *s, struct sgroup *g,
    const struct scim_filter *f)
{
	struct idlist		 ids = { NULL, 0, 0 };
	struct member_view	 m;
	sqlite3_stmt		*st;
	size_t			 i;

	st = db_prepare(s->db, "SELECT user_id FROM directory_group_members "
	    "WHERE group_id = ? ORDER BY user_id");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, g->id);
	if (idlist_from_stmt(s->arena, st, &ids, NULL) != 0)
		return E_INTERNAL;
	for (i = 0; i < ids.n; i++) {
		snprintf(m.value, sizeof m.value, "%lld",
		    (long long)ids.ids[i]);
		if (scim_filter_match(f, member_get, &m) &&
		    DB_RUN(s->db, "DELETE FROM directory_group_members WHERE "
		    "group_id = ? AND user_id = ?", SQL_I(g->id),
		    SQL_I(ids.ids[i])) < 0)
			return E_INTERNAL;
	}
	return 0;
}

/* Every member out. */
static int
members_clear(struct scim *s, struct sgroup *g)
{
	return DB_RUN(s->db, "DELETE FROM directory_group_members WHERE "
	    "group_id = ?", SQL_I(g->id)) < 0 ? E_INTERNAL : 0;
}

/* Apply one operation to a Group: at path, or at a key of a value
 * without one (lenient). */
static int
group_apply(struct scim *s, struct sgroup *g, enum pop op, const char *path,
    json_t *value, int lenient, char **cause)
{
	struct scim_path	p;
	int			rc;

	if (scim_path_parse(s->arena, path, &p, cause) != 0) {
		if (!lenient)
			return refuse(s, E_INVALID, "invalidPath", cause,
			    *cause);
		free(*cause);
		*cause = NULL;
		return 0;
	}
	if (strcasecmp(p.attr, "members") == 0) {
		if (p.sub != NULL || (p.filter != NULL && op != OP_REMOVE))
			return refuse(s, E_INVALID, "invalidPath", cause,
			    xasprintf("invalid path \"%s\": members[...] is "
			    "only for remove", path));
		if (p.filter != NULL)
			return members_remove_matching(s, g, p.filter);
		if (op == OP_REMOVE && (value == NULL || json_is_null(value)))
			return members_clear(s, g);
		if (op == OP_REPLACE && (rc = members_clear(s, g)) != 0)
			return rc;
		return members_change(s, g, value, op != OP_REMOVE, cause);
	}
	if (p.filter != NULL || p.sub != NULL || strchr(p.attr, '.') != NULL) {
		if (lenient)
			return 0;
		return refuse(s, E_INVALID, "invalidPath", cause, xasprintf(
		    "invalid path \"%s\" for a Group", path));
	}
	if (strcasecmp(p.attr, "displayName") == 0) {
		if (op == OP_REMOVE)
			return refuse(s, E_INVALID, "invalidValue", cause,
			    xstrdup("displayName is required"));
		return jtext(s, value, "displayName", &g->display, cause);
	}
	if (strcasecmp(p.attr, "externalId") == 0) {
		if (op == OP_REMOVE) {
			g->external_id = NULL;
			return 0;
		}
		return jtext(s, value, "externalId", &g->external_id, cause);
	}
	if (lenient)
		return 0;	/* id, schemas... in Okta's value */
	if (strcasecmp(p.attr, "id") == 0 || strcasecmp(p.attr, "meta") == 0 ||
	    strcasecmp(p.attr, "schemas") == 0)
		return refuse(s, E_INVALID, "mutability", cause, xasprintf(
		    "%s is hearth's own and cannot be changed", p.attr));
	return refuse(s, E_INVALID, "invalidPath", cause, xasprintf(
	    "hearth keeps no Group attribute %s", p.attr));
}

/* A Group resource (members: with them), or NULL if there is none. */
json_t *
scim_group_get(struct scim *s, int64_t id, int members)
{
	sqlite3_stmt	*st;
	json_t		*o = NULL, *list;
	int64_t		 m;

	st = db_prepare(s->db, "SELECT display_name, external_id, "
	    "created_at, updated_at FROM directory_groups WHERE id = ? AND "
	    "provider = 'scim'");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = json_pack("{s:[s], s:s, s:s}", "schemas", SCIM_SCHEMA_GROUP,
		    "id", arena_printf(s->arena, "%lld", (long long)id),
		    "displayName", (const char *)sqlite3_column_text(st, 0));
		set_text(o, "externalId", (const char *)sqlite3_column_text(st,
		    1));
		json_object_set_new(o, "meta", json_pack("{s:s, s:o, s:o, "
		    "s:s}", "resourceType", "Group", "created",
		    scim_time(sqlite3_column_int64(st, 2)), "lastModified",
		    scim_time(sqlite3_column_int64(st, 3)), "location",
		    arena_printf(s->arena, "%s/Groups/%lld", s->base,
		    (long long)id)));
	}
	sqlite3_reset(st);
	if (o == NULL || !members)
		return o;
	list = json_array();
	st = db_prepare(s->db, "SELECT m.user_id, u.display_name FROM "
	    "directory_group_members m JOIN users u ON u.id = m.user_id "
	    "WHERE m.group_id = ? ORDER BY m.user_id");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			m = sqlite3_column_int64(st, 0);
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, "
			    "s:s}", "value", arena_printf(s->arena, "%lld",
			    (long long)m), "display", (const char *)
			    sqlite3_column_text(st, 1), "$ref",
			    arena_printf(s->arena, "%s/Users/%lld", s->base,
			    (long long)m), "type", "User"));
		}
		sqlite3_reset(st);
	}
	json_object_set_new(o, "members", list);
	return o;
}

/* POST /Groups: a new group, with the members it names. */
int
scim_group_create(struct scim *s, json_t *body, int64_t *id, char **cause)
{
	struct sgroup	g;
	int64_t		now = time(NULL);
	int		rc;

	memset(&g, 0, sizeof g);
	g.budget = SCIM_MEMBERS_MAX;
	if ((rc = jtext(s, jget(body, "displayName"), "displayName",
	    &g.display, cause)) != 0 || (rc = jtext(s, jget(body,
	    "externalId"), "externalId", &g.external_id, cause)) != 0)
		return rc;
	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	if ((rc = sgroup_check(s, &g, cause)) != 0)
		goto fail;
	rc = E_INTERNAL;
	if (DB_RUN(s->db, "INSERT INTO directory_groups (display_name, "
	    "external_id, created_at, updated_at, provider) VALUES "
	    "(?, ?, ?, ?, 'scim')", SQL_T(g.display), SQL_T(nz(g.external_id)),
	    SQL_I(now), SQL_I(now)) != 1)
		goto fail;
	g.id = db_last_id(s->db);
	if ((rc = members_change(s, &g, jget(body, "members"), 1, cause)) != 0)
		goto fail;
	if (db_commit(s->db) != 0)
		return E_INTERNAL;
	*id = g.id;
	return E_OK;
fail:
	db_rollback(s->db);
	return rc;
}

/* PUT /Groups/:id: name, externalId, and the members when it lists them
 * (absent or null: kept). */
int
scim_group_replace(struct scim *s, int64_t id, json_t *body, char **cause)
{
	struct sgroup	 g;
	json_t		*members = jget(body, "members");
	int		 rc;

	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	if ((rc = sgroup_load(s, id, &g)) != E_OK) {
		*cause = xasprintf("there is no Group %lld", (long long)id);
		goto fail;
	}
	if ((rc = jtext(s, jget(body, "displayName"), "displayName",
	    &g.display, cause)) != 0 || (rc = jtext(s, jget(body,
	    "externalId"), "externalId", &g.external_id, cause)) != 0)
		goto fail;
	if (members != NULL && !json_is_null(members) &&
	    ((rc = members_clear(s, &g)) != 0 ||
	    (rc = members_change(s, &g, members, 1, cause)) != 0))
		goto fail;
	if ((rc = sgroup_save(s, &g, cause)) != 0)
		goto fail;
	return db_commit(s->db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(s->db);
	return rc;
}

/* PATCH /Groups/:id: members added, removed or replaced; the name. */
int
scim_group_patch(struct scim *s, int64_t id, json_t *body, char **cause)
{
	struct sgroup	 g;
	json_t		*ops, *o, *value, *v;
	const char	*path, *k;
	enum pop	 op;
	size_t		 i;
	int		 rc;

	if ((ops = patch_ops(s, body, cause)) == NULL)
		return E_INVALID;
	if (db_begin(s->db) != 0)
		return E_INTERNAL;
	if ((rc = sgroup_load(s, id, &g)) != E_OK) {
		*cause = xasprintf("there is no Group %lld", (long long)id);
		goto fail;
	}
	json_array_foreach(ops, i, o) {
		if ((rc = patch_op(s, o, &op, &path, &value, cause)) != 0)
			goto fail;
		if (path != NULL) {
			if ((rc = group_apply(s, &g, op, path, value, 0,
			    cause)) != 0)
				goto fail;
			continue;
		}
		json_object_foreach(value, k, v) {
			if ((rc = group_apply(s, &g, op, k, v, 1, cause)) != 0)
				goto fail;
		}
	}
	if ((rc = sgroup_save(s, &g, cause)) != 0)
		goto fail;
	return db_commit(s->db) == 0 ? E_OK : E_INTERNAL;
fail:
	db_rollback(s->db);
	return rc;
}

/* DELETE /Groups/:id (its memberships go with it). */
int
scim_group_delete(struct scim *s, int64_t id, char **cause)
{
	int	n;

	n = DB_RUN(s->db, "DELETE FROM directory_groups WHERE id = ? AND "
	    "provider = 'scim'", SQL_I(id));
	if (n == 0)
		*cause = xasprintf("there is no Group %lld", (long long)id);
	return n == 1 ? E_OK : n == 0 ? E_NOTFOUND : E_INTERNAL;
}

/* ------------------------------------------------------------ Lists */

/* A ListResponse (RFC 7644 3.4.2) around resources; takes them. */
static json_t *
list_response(json_t *resources, int64_t total, int64_t start)
{
	return json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas",
	    "urn:ietf:params:scim:api:messages:2.0:ListResponse",
	    "totalResults", (json_int_t)total, "startIndex", (json_int_t)start,
	    "itemsPerPage", (json_int_t)json_array_size(resources),
	    "Resources", resources);
}

/* The rows of a resource type a list walks. */
static const struct {
	const char	*from;		/* up to the filter's condition */
	const char	*id;
} list_sql[] = {
	[SCIM_USERS] = { "FROM scim_users s JOIN users u ON u.id = s.user_id "
	    "WHERE", "s.user_id" },
	[SCIM_GROUPS] = { "FROM directory_groups g WHERE g.provider = 'scim' "
	    "AND", "g.id" },
};

/* Prepare a list's query (its SQL is made per filter, so it is not one
 * of db_prepare's constant statements) and bind the filter's values. */
static sqlite3_stmt *
list_prepare(struct scim *s, const char *sql, const struct scim_sql *w)
{
	sqlite3_stmt	*st;
	size_t		 i;

	if (sqlite3_prepare_v2(db_handle(s->db), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_error("scim: cannot prepare \"%.80s\": %s", sql,
		    db_errmsg(s->db));
		return NULL;
	}
	for (i = 0; i < w->nargs; i++)
		sqlite3_bind_text(st, (int)i + 1, w->args[i], -1,
		    SQLITE_STATIC);
	return st;
}

/* A page of Users or Groups matching the query, as a ListResponse. */
static int
scim_list(struct scim *s, enum scim_resource res, const struct scim_query *q,
    json_t **out, char **cause)
{
	struct scim_sql	 w = { "1", NULL, 0 };
	struct idlist	 ids = { NULL, 0, 0 };
	sqlite3_stmt	*st;
	json_t		*list, *o;
	int64_t		 total = 0;
	size_t		 i;
	int		 rc;

	if (q->filter != NULL && scim_filter_sql(s->arena, q->filter, res, &w,
	    cause) != 0) {
		s->type = "invalidFilter";
		return E_INVALID;
	}
	if ((st = list_prepare(s, arena_printf(s->arena, "SELECT count(*) %s "
	    "(%s)", list_sql[res].from, w.where), &w)) == NULL)
		return E_INTERNAL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return E_INTERNAL;
	if ((st = list_prepare(s, arena_printf(s->arena, "SELECT %s %s (%s) "
	    "ORDER BY %s LIMIT %d OFFSET %lld", list_sql[res].id,
	    list_sql[res].from, w.where, list_sql[res].id, q->count,
	    (long long)(q->start - 1)), &w)) == NULL)
		return E_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(s->arena, &ids, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return E_INTERNAL;
	list = json_array();
	for (i = 0; i < ids.n; i++) {
		o = res == SCIM_USERS ? scim_user_get(s, ids.ids[i]) :
		    scim_group_get(s, ids.ids[i], q->members);
		if (o != NULL)
			json_array_append_new(list, o);
	}
	*out = list_response(list, total, q->start);
	return E_OK;
}

/* GET /Users. */
int
scim_user_list(struct scim *s, const struct scim_query *q, json_t **out,
    char **cause)
{
	return scim_list(s, SCIM_USERS, q, out, cause);
}

/* GET /Groups. */
int
scim_group_list(struct scim *s, const struct scim_query *q, json_t **out,
    char **cause)
{
	return scim_list(s, SCIM_GROUPS, q, out, cause);
}

/* -------------------------------------------------------- Discovery */

/*
 * The attributes hearth keeps, for /Schemas (RFC 7643 7): a table, each
 * row an attribute or (name.sub) one of its sub-attributes.
 */
static const struct schema_attr {
	const char	*schema;
	const char	*name;
	const char	*type;
	int		 multi;
	int		 required;
	int		 exact;
	const char	*mutability;
	const char	*uniqueness;
} schema_attrs[] = {
	{ SCIM_SCHEMA_USER, "userName", "string", 0, 1, 0, "readWrite",
	    "server" },
	{ SCIM_SCHEMA_USER, "externalId", "string", 0, 0, 1, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "name", "complex", 0, 0, 0, "readWrite", "none" },
	{ SCIM_SCHEMA_USER, "name.formatted", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "name.givenName", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "name.familyName", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "displayName", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "title", "string", 0, 0, 0, "readWrite", "none" },
	{ SCIM_SCHEMA_USER, "active", "boolean", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "emails", "complex", 1, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "emails.value", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "emails.type", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "emails.primary", "boolean", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_USER, "groups", "complex", 1, 0, 0, "readOnly", "none" },
	{ SCIM_SCHEMA_USER, "groups.value", "string", 0, 0, 1, "readOnly",
	    "none" },
	{ SCIM_SCHEMA_USER, "groups.display", "string", 0, 0, 0, "readOnly",
	    "none" },
	{ SCIM_SCHEMA_USER, "groups.$ref", "reference", 0, 0, 1, "readOnly",
	    "none" },
	{ SCIM_SCHEMA_ENTERPRISE, "department", "string", 0, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_GROUP, "displayName", "string", 0, 1, 0, "readWrite",
	    "server" },
	{ SCIM_SCHEMA_GROUP, "externalId", "string", 0, 0, 1, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_GROUP, "members", "complex", 1, 0, 0, "readWrite",
	    "none" },
	{ SCIM_SCHEMA_GROUP, "members.value", "string", 0, 0, 1, "immutable",
	    "none" },
	{ SCIM_SCHEMA_GROUP, "members.display", "string", 0, 0, 0, "readOnly",
	    "none" },
	{ SCIM_SCHEMA_GROUP, "members.$ref", "reference", 0, 0, 1, "immutable",
	    "none" },
};

static const struct {
	const char	*id;
	const char	*name;
	const char	*description;
} schemas[] = {
	{ SCIM_SCHEMA_USER, "User", "A person at the company" },
	{ SCIM_SCHEMA_ENTERPRISE, "EnterpriseUser", "Where a person works" },
	{ SCIM_SCHEMA_GROUP, "Group", "A group in the company's directory" },
};

/* One attribute's definition. */
static json_t *
schema_attr_json(const struct schema_attr *a, const char *name)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s}", "name", name,
	    "type", a->type, "multiValued", a->multi, "required", a->required,
	    "caseExact", a->exact, "mutability", a->mutability, "returned",
	    "default", "uniqueness", a->uniqueness);
	if (strcmp(a->type, "reference") == 0)
		json_object_set_new(o, "referenceTypes", json_pack("[s]",
		    strstr(a->name, "members") != NULL ? "User" : "Group"));
	return o;
}

/* One schema's definition, its sub-attributes under their attribute. */
static json_t *
schema_json(struct scim *s, size_t k)
{
	const struct schema_attr	*a, *b;
	json_t				*attrs = json_array(), *o, *subs;
	size_t				 i, j, n;

	for (i = 0; i < nitems(schema_attrs); i++) {
		a = &schema_attrs[i];
		if (strcmp(a->schema, schemas[k].id) != 0 ||
		    strchr(a->name, '.') != NULL)
			continue;
		o = schema_attr_json(a, a->name);
		subs = json_array();
		n = strlen(a->name);
		for (j = 0; j < nitems(schema_attrs); j++) {
			b = &schema_attrs[j];
			if (strcmp(b->schema, a->schema) == 0 &&
			    strncmp(b->name, a->name, n) == 0 &&
			    b->name[n] == '.')
				json_array_append_new(subs,
				    schema_attr_json(b, b->name + n + 1));
		}
		if (json_array_size(subs) > 0)
			json_object_set(o, "subAttributes", subs);
		json_decref(subs);
		json_array_append_new(attrs, o);
	}
	return json_pack("{s:[s], s:s, s:s, s:s, s:o, s:{s:s, s:s}}",
	    "schemas", "urn:ietf:params:scim:schemas:core:2.0:Schema",
	    "id", schemas[k].id, "name", schemas[k].name, "description",
	    schemas[k].description, "attributes", attrs, "meta",
	    "resourceType", "Schema", "location", arena_printf(s->arena,
	    "%s/Schemas/%s", s->base, schemas[k].id));
}

/* GET /Schemas (id NULL: all, as a ListResponse) or /Schemas/:id; NULL
 * if no schema has that id. */
json_t *
scim_schemas_json(struct scim *s, const char *id)
{
	json_t	*list;
	size_t	 i;

	if (id != NULL) {
		for (i = 0; i < nitems(schemas); i++) {
			if (strcasecmp(schemas[i].id, id) == 0)
				return schema_json(s, i);
		}
		return NULL;
	}
	list = json_array();
	for (i = 0; i < nitems(schemas); i++)
		json_array_append_new(list, schema_json(s, i));
	return list_response(list, (int64_t)nitems(schemas), 1);
}

/* One resource type (RFC 7643 6). */
static json_t *
resource_type_json(struct scim *s, int user)
{
	json_t	*o;

	o = json_pack("{s:[s], s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}}",
	    "schemas", "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
	    "id", user ? "User" : "Group", "name", user ? "User" : "Group",
	    "endpoint", user ? "/Users" : "/Groups", "description", user ?
	    "People" : "Groups of people", "schema", user ? SCIM_SCHEMA_USER :
	    SCIM_SCHEMA_GROUP, "meta", "resourceType", "ResourceType",
	    "location", arena_printf(s->arena, "%s/ResourceTypes/%s", s->base,
	    user ? "User" : "Group"));
	if (user)
		json_object_set_new(o, "schemaExtensions", json_pack(
		    "[{s:s, s:b}]", "schema", SCIM_SCHEMA_ENTERPRISE,
		    "required", 0));
	return o;
}

/* GET /ResourceTypes (id NULL) or /ResourceTypes/:id; NULL if none. */
json_t *
scim_resource_types_json(struct scim *s, const char *id)
{
	if (id != NULL && strcasecmp(id, "User") == 0)
		return resource_type_json(s, 1);
	if (id != NULL && strcasecmp(id, "Group") == 0)
		return resource_type_json(s, 0);
	if (id != NULL)
		return NULL;
	return list_response(json_pack("[o, o]", resource_type_json(s, 1),
	    resource_type_json(s, 0)), 2, 1);
}

/* GET /ServiceProviderConfig (RFC 7643 5). */
json_t *
scim_config_json(struct scim *s)
{
	return json_pack("{s:[s], s:{s:b}, s:{s:b, s:i, s:i}, s:{s:b, s:i}, "
	    "s:{s:b}, s:{s:b}, s:{s:b}, s:[{s:s, s:s, s:s, s:b}], "
	    "s:{s:s, s:s}}",
	    "schemas",
	    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
	    "patch", "supported", 1,
	    "bulk", "supported", 0, "maxOperations", 0, "maxPayloadSize", 0,
	    "filter", "supported", 1, "maxResults", SCIM_PAGE_MAX,
	    "changePassword", "supported", 0,
	    "sort", "supported", 0,
	    "etag", "supported", 0,
	    "authenticationSchemes", "type", "oauthbearertoken", "name",
	    "OAuth Bearer Token", "description", "A bearer token made by "
	    "hearthctl scim token", "primary", 1,
	    "meta", "resourceType", "ServiceProviderConfig", "location",
	    arena_printf(s->arena, "%s/ServiceProviderConfig", s->base));
}

/* ----------------------------------------------------------- Tokens */

/*
 * The built-in app SCIM's tokens belong to: its id (made now if create
 * and there is none), 0 if there is none, -1 on error. Found by
 * apps.builtin, which nothing registered through the API has; its
 * client secret is thrown away as it is made, so no one can ask OAuth
 * for a token of it.
 */
int64_t
scim_app(struct db *db, int create)
{
	sqlite3_stmt	*st;
	char		 client_id[TOKEN_CHARS + 8], secret[TOKEN_CHARS + 8];
	int64_t		 id = 0;

	if ((st = db_prepare(db, "SELECT id FROM apps WHERE builtin = "
	    "'scim'")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id != 0 || !create)
		return id;
	id = app_create(db, "SCIM provisioning", NULL, "", SCOPE_SCIM,
	    client_id, secret, sizeof secret);
	explicit_bzero(secret, sizeof secret);
	if (id < 0 || DB_RUN(db, "UPDATE apps SET builtin = 'scim' WHERE "
	    "id = ?", SQL_I(id)) != 1)
		return -1;
	return id;
}

/* A new SCIM token (the app made on first use); the id, or -1. */
int64_t
scim_token_create(struct db *db, const char *label, char *out, size_t len)
{
	int64_t	app, id;

	if (db_begin(db) != 0)
		return -1;
	if ((app = scim_app(db, 1)) <= 0 || (id = token_create_labelled(db,
	    app, label, SCOPE_SCIM, out, len)) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == 0 ? id : -1;
}

/* Call cb for each SCIM token, newest first. */
int
scim_token_list(struct db *db, struct arena *a,
    void (*cb)(const struct token_info *, void *), void *arg)
{
	int64_t	app = scim_app(db, 0);

	if (app <= 0)
		return app < 0 ? -1 : 0;
	return token_list_app(db, a, app, cb, arg);
}

/* Revoke a SCIM token; E_OK, or E_NOTFOUND if there is no such live
 * one. */
int
scim_token_revoke(struct db *db, int64_t id)
{
	int64_t	app = scim_app(db, 0);

	if (app < 0)
		return E_INTERNAL;
	return app > 0 && token_revoke_app(db, app, id) == 0 ? E_OK :
	    E_NOTFOUND;
}
