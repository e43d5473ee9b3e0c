/*
 * Unit tests for scim-filter.c and scim.c against a temporary database, no
 * server: the filter and PATCH path parsers (what they accept, the tree
 * they make, and where they say a refusal is), filters run as SQL over
 * real rows, and Users and Groups created, patched, listed and deleted as
 * the writer runs them, with the scimType of each refusal.
 *
 * Every case opens its own database, so each runs alone:
 * CASE=filter-sql ./tests/unit/test-scim.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

#define BASE	"https://hearth.test/scim/v2"

static struct arena	*A;

/* A SCIM context on db. */
static struct scim *
ctx(struct db *db)
{
	struct scim	*s = arena_alloc(A, sizeof *s);

	s->db = db;
	s->arena = A;
	s->base = BASE;
	s->type = NULL;
	return s;
}

/* JSON from text (the test's own, so never NULL). */
static json_t *
J(const char *text)
{
	json_error_t	 e;
	json_t		*j = json_loads(text, 0, &e);

	if (j == NULL) {
		printf("Bail out! test JSON at %d: %s\n", e.column, e.text);
		exit(99);
	}
	return j;
}

/* A User made; its id (0 after saying why not). */
static int64_t
mkuser(struct db *db, const char *body)
{
	json_t	*j = J(body);
	char	*cause = NULL;
	int64_t	 id = 0;
	int	 rc;

	if ((rc = scim_user_create(ctx(db), j, &id, &cause)) != E_OK)
		printf("# mkuser: %d %s\n", rc, cause ? cause : "");
	free(cause);
	json_decref(j);
	return id;
}

/* A PATCH of a User or Group; the E_ code, its scimType in *type. */
static int
patch(struct db *db, int users, int64_t id, const char *body,
    const char **type)
{
	struct scim	*s = ctx(db);
	json_t		*j = J(body);
	char		*cause = NULL;
	int		 rc;

	rc = users ? scim_user_patch(s, id, j, &cause) : scim_group_patch(s,
	    id, j, &cause);
	if (rc != E_OK)
		printf("# patch: %d %s: %s\n", rc, s->type ? s->type : "-",
		    cause ? cause : "");
	*type = s->type;
	free(cause);
	json_decref(j);
	return rc;
}

/* How many Users (or Groups) a filter selects; -1 if it is refused,
 * with the scimType in *type. */
static long long
count(struct db *db, int users, const char *filter, const char **type)
{
	struct scim		*s = ctx(db);
	struct scim_query	 q;
	json_t			*out = NULL;
	char			*cause = NULL;
	long long		 n = -1;

	memset(&q, 0, sizeof q);
	q.start = 1;
	q.count = SCIM_PAGE_MAX;
	*type = NULL;
	if (filter != NULL && (q.filter = scim_filter_parse(A, filter,
	    &cause)) == NULL) {
		printf("# %s: %s\n", filter, cause);
		*type = "invalidFilter";
		free(cause);
		return -1;
	}
	if ((users ? scim_user_list(s, &q, &out, &cause) :
	    scim_group_list(s, &q, &out, &cause)) == E_OK)
		n = json_integer_value(json_object_get(out, "totalResults"));
	else
		printf("# %s: %s\n", filter, cause ? cause : "");
	*type = s->type;
	free(cause);
	json_decref(out);
	return n;
}

/* A string member of a User, by a dotted path through objects and the
 * first element of arrays; NULL if absent. */
static const char *
ufield(struct db *db, int64_t id, const char *path)
{
	json_t		*o = scim_user_get(ctx(db), id), *v = o;
	char		 key[128], *dot;
	const char	*p = path, *out = NULL;

	while (v != NULL && *p != '\0') {
		snprintf(key, sizeof key, "%s", p);
		if ((dot = strchr(key, '/')) != NULL)
			*dot = '\0';
		v = json_object_get(v, key);
		if (json_is_array(v))
			v = json_array_get(v, 0);
		p += strlen(key);
		if (*p == '/')
			p++;
	}
	if (json_is_string(v))
		out = arena_strdup(A, json_string_value(v));
	else if (json_is_boolean(v))
		out = json_is_true(v) ? "true" : "false";
	json_decref(o);
	return out;
}

static const char *const good_filters[] = {
	"userName eq \"alice@example.com\"",
	"USERNAME EQ \"alice@example.com\"",
	"externalId eq \"x\" and userName eq \"y\"",
	"(title eq \"1\" or title eq \"2\") and not (externalId pr)",
	"emails[type eq \"work\" and value co \"@example\"]",
	"emails[type eq \"work\"].value eq \"a@b.c\"",
	"urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"x\"",
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department "
	    "eq \"R&D\"",
	"externalId eq jyoung",
	"meta.lastModified gt \"2011-05-13T04:42:34Z\"",
	"active eq true",
	"title eq \"say \\\"hi\\\" \\u00e9\\ud83d\\ude00\"",
	"members[value eq \"5\"]",
	"not(active eq false)",
	"id eq 12",
	"  userName   eq   \"spaced\"  ",
	"not eq \"an attribute called not\"",
};

static const struct {
	const char	*filter;
	const char	*why;		/* in the cause */
} bad_filters[] = {
	{ "", "expected an attribute name" },
	{ "userName", "expected a space" },
	{ "userName eq", "expected a space and a value" },
	{ "userName xx \"a\"", "expected an operator" },
	{ "userName eq \"open", "not closed" },
	{ "(userName eq \"a\"", "expected ')'" },
	{ "userName eq \"a\" and", "after 'and'" },
	{ "userName eq \"a\" nand x eq \"b\"", "expected 'and', 'or'" },
	{ "emails[type eq \"work\"", "expected ']'" },
	{ "emails[type[x eq \"1\"] eq \"2\"]", "inside a [filter]" },
	{ "emails[name.x eq \"1\"]", "sub-attribute" },
	{ "userName eq \"\\u0000\"", "NUL" },
	{ "userName eq \"\\ud800\"", "unpaired surrogate" },
	{ "userName eq \"\\q\"", "bad escape" },
	{ "1abc eq \"x\"", "attribute name" },
	{ "name. eq \"x\"", "attribute name" },
	{ "not userName eq \"a\"", "expected '(' after not" },
	{ "userName eq \"a\" or", "after 'or'" },
};

static void
case_filter_parse(void)
{
	struct scim_filter	*f;
	char			*cause = NULL, deep[256];
	size_t			 i;

	for (i = 0; i < nitems(good_filters); i++) {
		f = scim_filter_parse(A, good_filters[i], &cause);
		ok(f != NULL, "accepted: %s", good_filters[i]);
		if (f == NULL)
			printf("#   %s\n", cause);
		free(cause);
		cause = NULL;
	}
	for (i = 0; i < nitems(bad_filters); i++) {
		f = scim_filter_parse(A, bad_filters[i].filter, &cause);
		ok(f == NULL && cause != NULL && strstr(cause,
		    bad_filters[i].why) != NULL, "refused: %s (%s)",
		    bad_filters[i].filter, bad_filters[i].why);
		if (cause != NULL)
			printf("#   %s\n", cause);
		free(cause);
		cause = NULL;
	}

	f = scim_filter_parse(A, "a eq \"1\" or b eq \"2\" and c eq \"3\"",
	    &cause);
	ok(f != NULL && f->op == SF_OR && f->b->op == SF_AND,
	    "and binds tighter than or");
	f = scim_filter_parse(A, "urn:ietf:params:scim:schemas:core:2.0:User:"
	    "name.givenName sw \"A\"", &cause);
	is_str(f != NULL ? f->attr : NULL, "name.givenName",
	    "the core schema's URN is dropped");
	f = scim_filter_parse(A, "emails[type eq \"work\"].value eq \"x\"",
	    &cause);
	ok(f != NULL && f->op == SF_VALUES && f->a->op == SF_AND &&
	    strcmp(f->a->b->attr, "value") == 0,
	    "emails[...].value eq is one condition on one address");
	f = scim_filter_parse(A, "title eq \"\\u00e9\"", &cause);
	is_str(f != NULL ? f->value : NULL, "\xc3\xa9", "\\u escapes decode "
	    "to UTF-8");

	memset(deep, 0, sizeof deep);
	for (i = 0; i < 17; i++)
		strcat(deep, "(");
	strcat(deep, "a pr");
	for (i = 0; i < 17; i++)
		strcat(deep, ")");
	f = scim_filter_parse(A, deep, &cause);
	ok(f == NULL && cause != NULL && strstr(cause, "too deeply") != NULL,
	    "17 levels of parentheses are refused");
	free(cause);
	cause = NULL;
	f = scim_filter_parse(A, "userName eq \"\xff\"", &cause);
	ok(f == NULL && cause != NULL && strstr(cause, "UTF-8") != NULL,
	    "a filter that is not UTF-8 is refused");
	free(cause);
}

static void
case_path_parse(void)
{
	struct scim_path	 p;
	char			*cause = NULL;
	static const char *const bad[] = {
		"", "emails[type eq \"work\"", "name.givenName[x eq \"1\"]",
		"a b", "emails[type eq \"work\"].", "emails[type eq \"work\"]x",
		"members[value eq \"1\"]]",
	};
	size_t			 i;

	ok(scim_path_parse(A, "emails[type eq \"work\"].value", &p,
	    &cause) == 0 && strcmp(p.attr, "emails") == 0 && p.filter !=
	    NULL && strcmp(p.sub, "value") == 0, "emails[type eq \"work\"]"
	    ".value: attribute, filter, sub-attribute");
	ok(scim_path_parse(A, "members[value eq \"5\"]", &p, &cause) == 0 &&
	    strcmp(p.attr, "members") == 0 && p.filter->op == SF_EQ &&
	    strcmp(p.filter->value, "5") == 0 && p.sub == NULL,
	    "members[value eq \"5\"]");
	ok(scim_path_parse(A, SCIM_SCHEMA_ENTERPRISE ":department", &p,
	    &cause) == 0 && strcmp(p.attr, SCIM_SCHEMA_ENTERPRISE
	    ":department") == 0, "an extension's attribute keeps its URN");
	ok(scim_path_parse(A, SCIM_SCHEMA_ENTERPRISE, &p, &cause) == 0 &&
	    strcmp(p.attr, SCIM_SCHEMA_ENTERPRISE) == 0,
	    "a whole extension is a path");
	ok(scim_path_parse(A, "name.givenName", &p, &cause) == 0 &&
	    strcmp(p.attr, "name.givenName") == 0, "name.givenName");
	for (i = 0; i < nitems(bad); i++) {
		ok(scim_path_parse(A, bad[i], &p, &cause) != 0 && cause !=
		    NULL && strstr(cause, "invalid path") != NULL,
		    "refused path: %s", bad[i]);
		free(cause);
		cause = NULL;
	}
}

/* Three people for the filters to find. */
static void
three(struct db *db, int64_t *a, int64_t *b, int64_t *c)
{
	*a = mkuser(db, "{\"userName\": \"Alice@Example.com\", \"externalId\": "
	    "\"ext-A\", \"name\": {\"givenName\": \"Alice\", \"familyName\": "
	    "\"Liddell\"}, \"title\": \"Engineer\", \"emails\": [{\"value\": "
	    "\"alice@example.com\", \"type\": \"work\", \"primary\": true}], \""
	    SCIM_SCHEMA_ENTERPRISE "\": {\"department\": \"R&D\"}}");
	*b = mkuser(db, "{\"userName\": \"bob@example.com\", \"externalId\": "
	    "\"ext-b\", \"displayName\": \"Bob Builder\", \"title\": "
	    "\"Builder\", \"active\": false}");
	*c = mkuser(db, "{\"userName\": \"carol@example.org\", \"displayName\": "
	    "\"Carol\", \"emails\": [{\"value\": \"c@home.example\", \"type\": "
	    "\"home\"}, {\"value\": \"carol@example.org\", \"type\": \"work\"}]}");
}

static void
case_filter_sql(void)
{
	struct db	*db = util_db("scim-filter.db");
	const char	*type;
	int64_t		 a, b, c;
	char		 f[128];
	static const struct {
		const char	*filter;
		long long	 n;
	} want[] = {
		{ NULL, 3 },
		{ "userName eq \"alice@example.com\"", 1 },
		{ "userName eq \"ALICE@EXAMPLE.COM\"", 1 },
		{ "externalId eq \"ext-A\"", 1 },
		{ "externalId eq \"EXT-A\"", 0 },	/* caseExact */
		{ "displayName eq \"bob builder\"", 1 },
		{ "displayName eq \"Alice Liddell\"", 1 },
		{ "userName sw \"alice\" and title eq \"Engineer\"", 1 },
		{ "userName ew \"example.com\"", 2 },
		{ "userName ew \"\"", 3 },
		{ "userName co \"EXAMPLE\"", 3 },
		{ "userName ne \"bob@example.com\"", 2 },
		{ "title eq \"Engineer\" or title eq \"Builder\"", 2 },
		{ "not (title pr)", 1 },
		{ "not (title eq \"Engineer\")", 2 },
		{ "externalId pr", 2 },
		{ "active eq false", 1 },
		{ "active eq true", 2 },
		{ "emails[type eq \"work\"].value eq \"alice@example.com\"", 1 },
		{ "emails[type eq \"work\"].value eq \"c@home.example\"", 0 },
		{ "emails.value eq \"carol@example.org\"", 1 },
		{ "emails co \"@example.org\"", 1 },
		{ "emails pr", 2 },
		{ "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
		    "department eq \"r&d\"", 1 },
		{ "name.familyName eq \"Liddell\" and name.givenName eq "
		    "\"Alice\"", 1 },
		{ "meta.created gt \"2000-01-01T00:00:00Z\"", 3 },
		{ "userName eq \"nobody\" or (externalId eq \"ext-b\" and "
		    "active eq false)", 1 },
		{ "userName eq null", 0 },
		{ "title eq null", 1 },
	};
	size_t		 i;

	three(db, &a, &b, &c);
	ok(a && b && c, "three people made");
	for (i = 0; i < nitems(want); i++)
		is_int(count(db, 1, want[i].filter, &type), want[i].n,
		    "%s selects %lld", want[i].filter ? want[i].filter :
		    "no filter", want[i].n);
	snprintf(f, sizeof f, "id eq \"%lld\"", (long long)b);
	is_int(count(db, 1, f, &type), 1, "id eq finds one");

	is_int(count(db, 1, "nickName eq \"x\"", &type), -1,
	    "a filter on what hearth does not keep is refused");
	is_str(type, "invalidFilter", "... as invalidFilter");
	is_int(count(db, 1, "active eq \"maybe\"", &type), -1,
	    "active compared with text is refused");
	is_str(type, "invalidFilter", "... as invalidFilter");
	is_int(count(db, 1, "title eq true", &type), -1,
	    "text compared with true is refused");
	is_int(count(db, 1, "emails[display eq \"x\"]", &type), -1,
	    "an unknown sub-attribute is refused");
	db_close(db);
}

static void
case_paging(void)
{
	struct db		*db = util_db("scim-paging.db");
	struct scim_query	 q;
	json_t			*out = NULL, *res;
	char			 body[128], *cause = NULL;
	int			 i;

	for (i = 0; i < 7; i++) {
		snprintf(body, sizeof body, "{\"userName\": \"p%d@example.com\"}",
		    i);
		mkuser(db, body);
	}
	memset(&q, 0, sizeof q);
	q.start = 3;
	q.count = 2;
	is_int(scim_user_list(ctx(db), &q, &out, &cause), E_OK,
	    "startIndex 3, count 2");
	res = json_object_get(out, "Resources");
	is_int(json_integer_value(json_object_get(out, "totalResults")), 7,
	    "totalResults counts them all");
	is_int(json_integer_value(json_object_get(out, "startIndex")), 3,
	    "startIndex as asked");
	is_int(json_integer_value(json_object_get(out, "itemsPerPage")), 2,
	    "itemsPerPage is what came");
	is_str(json_string_value(json_object_get(json_array_get(res, 0),
	    "userName")), "p2@example.com", "the third person comes first");
	json_decref(out);
	q.start = 7;
	q.count = 5;
	is_int(scim_user_list(ctx(db), &q, &out, &cause), E_OK,
	    "the last page");
	is_int(json_array_size(json_object_get(out, "Resources")), 1,
	    "... has the one left");
	json_decref(out);
	q.start = 1;
	q.count = 0;
	is_int(scim_user_list(ctx(db), &q, &out, &cause), E_OK, "count 0");
	is_int(json_array_size(json_object_get(out, "Resources")), 0,
	    "... lists none");
	is_int(json_integer_value(json_object_get(out, "totalResults")), 7,
	    "... and says how many there are");
	json_decref(out);
	free(cause);
	db_close(db);
}

static void
case_user_patch(void)
{
	struct db	*db = util_db("scim-patch.db");
	const char	*type;
	int64_t		 id;
	char		*cause = NULL;
	json_t		*j;

	id = mkuser(db, "{\"schemas\": [\"" SCIM_SCHEMA_USER "\"], "
	    "\"userName\": \"dora@example.com\", \"name\": {\"givenName\": "
	    "\"Dora\", \"familyName\": \"Explorer\"}, \"emails\": [{\"value\": "
	    "\"dora@example.com\", \"type\": \"work\", \"primary\": true}]}");
	ok(id != 0, "Dora made");
	is_str(ufield(db, id, "displayName"), "Dora Explorer",
	    "with no displayName, the names make one");
	is_int(util_intf(db, "SELECT managed_by = 'scim' FROM users WHERE "
	    "id = %lld", (long long)id), 1, "the account is SCIM's");
	is_int(util_intf(db, "SELECT password_hash IS NULL FROM users WHERE "
	    "id = %lld", (long long)id), 1, "... and has no password");

	/* Entra's "Replace multiple attributes" */
	is_int(patch(db, 1, id, "{\"schemas\": [\"urn:ietf:params:scim:api:"
	    "messages:2.0:PatchOp\"], \"Operations\": [{\"op\": \"Replace\", "
	    "\"path\": \"displayName\", \"value\": \"Dora E.\"}, {\"op\": "
	    "\"Replace\", \"path\": \"emails[type eq \\\"work\\\"].value\", "
	    "\"value\": \"dora.e@example.com\"}, {\"op\": \"Replace\", \"path\": "
	    "\"name.familyName\", \"value\": \"E\"}, {\"op\": \"Replace\", "
	    "\"path\": \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:"
	    "User:employeeNumber\", \"value\": \"42\"}, {\"op\": \"Add\", "
	    "\"path\": \"emails[type eq \\\"other\\\"].value\", \"value\": "
	    "\"smtp:dora@old.example\"}, {\"op\": \"Add\", \"path\": \"title\", "
	    "\"value\": \"Explorer\"}]}", &type), E_OK, "Entra's replace of "
	    "several attributes");
	is_str(ufield(db, id, "displayName"), "Dora E.", "displayName");
	is_str(ufield(db, id, "emails/value"), "dora.e@example.com",
	    "the work address; the other one is let go");
	is_str(ufield(db, id, "name/familyName"), "E", "name.familyName");
	is_str(ufield(db, id, "title"), "Explorer", "title");

	/* Entra with the SCIM-compliant flag: a value without a path */
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"value\": {\"displayName\": \"Dora X\", \"name.givenName\": "
	    "\"Dor\", \"" SCIM_SCHEMA_ENTERPRISE ":department\": \"Maps\", "
	    "\"nickName\": \"D\", \"unheardOf\": 1}}]}", &type), E_OK,
	    "a value of attributes without a path");
	is_str(ufield(db, id, "displayName"), "Dora X", "... displayName");
	is_str(ufield(db, id, "name/givenName"), "Dor", "... name.givenName");
	is_str(ufield(db, id, SCIM_SCHEMA_ENTERPRISE "/department"), "Maps",
	    "... the department");

	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"Replace\", "
	    "\"path\": \"active\", \"value\": \"False\"}]}", &type), E_OK,
	    "active \"False\", as Entra sends it");
	is_str(ufield(db, id, "active"), "false", "the User is inactive");
	is_int(util_intf(db, "SELECT disabled FROM users WHERE id = %lld",
	    (long long)id), 1, "... the account disabled");
	is_int(util_intf(db, "SELECT deactivated_at > 0 FROM users WHERE "
	    "id = %lld", (long long)id), 1, "... and deactivated_at set");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"value\": {\"active\": true}}]}", &type), E_OK,
	    "active true without a path");
	is_int(util_intf(db, "SELECT disabled FROM users WHERE id = %lld",
	    (long long)id), 0, "the account is enabled again");

	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"remove\", "
	    "\"path\": \"userName\"}]}", &type), E_INVALID,
	    "userName cannot be removed");
	is_str(type, "invalidValue", "... invalidValue");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"path\": \"nickname[x eq \\\"1\\\"\", \"value\": \"a\"}]}",
	    &type), E_INVALID, "a broken path");
	is_str(type, "invalidPath", "... invalidPath");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"path\": \"favouriteColour\", \"value\": \"a\"}]}", &type),
	    E_INVALID, "an attribute hearth does not know");
	is_str(type, "invalidPath", "... invalidPath");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"path\": \"groups\", \"value\": []}]}", &type), E_INVALID,
	    "groups is read-only");
	is_str(type, "mutability", "... mutability");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"frobnicate\", "
	    "\"path\": \"title\", \"value\": \"a\"}]}", &type), E_INVALID,
	    "an unknown op");
	is_str(type, "invalidSyntax", "... invalidSyntax");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"remove\"}]}",
	    &type), E_INVALID, "remove without a path");
	is_str(type, "noTarget", "... noTarget");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"path\": \"active\", \"value\": \"perhaps\"}]}", &type),
	    E_INVALID, "active neither true nor false");
	is_int(patch(db, 1, id, "{\"Operations\": [{\"op\": \"replace\", "
	    "\"path\": \"title\", \"value\": \"a\"}, {\"op\": \"replace\", "
	    "\"path\": \"emails[type eq \\\"work\\\"].value\", \"value\": "
	    "\"not an address\"}]}", &type), E_INVALID, "a bad address");
	is_str(ufield(db, id, "title"), "Explorer", "a refused PATCH changes "
	    "nothing, not even its valid operations");
	is_int(patch(db, 1, id + 1000, "{\"Operations\": [{\"op\": \"replace\","
	    " \"path\": \"title\", \"value\": \"a\"}]}", &type), E_NOTFOUND,
	    "no such User");

	/* PUT, as Okta sends it: the whole User */
	j = J("{\"schemas\": [\"" SCIM_SCHEMA_USER "\"], \"id\": \"1\", "
	    "\"userName\": \"dora@example.com\", \"name\": {\"givenName\": "
	    "\"Dora\", \"middleName\": \"Q\", \"familyName\": \"Explorer\"}, "
	    "\"emails\": [{\"primary\": true, \"value\": \"dora@example.com\", "
	    "\"type\": \"work\", \"display\": \"dora@example.com\"}], "
	    "\"active\": false, \"groups\": [], \"meta\": {\"resourceType\": "
	    "\"User\"}}");
	is_int(scim_user_replace(ctx(db), id, j, &cause), E_OK, "a PUT");
	json_decref(j);
	is_str(ufield(db, id, "displayName"), "Dora Explorer",
	    "without displayName, the names make it again");
	ok(ufield(db, id, "title") == NULL, "title, not sent, is gone");
	is_str(ufield(db, id, "active"), "false", "active false");
	free(cause);
	db_close(db);
}

static void
case_user_conflict(void)
{
	struct db	*db = util_db("scim-conflict.db");
	struct scim	*s = ctx(db);
	json_t		*j;
	char		*cause = NULL;
	int64_t		 id = 0, other;

	ok(mkuser(db, "{\"userName\": \"erin@example.com\"}") != 0,
	    "erin made");
	j = J("{\"userName\": \"ERIN@example.com\"}");
	is_int(scim_user_create(s, j, &id, &cause), E_CONFLICT,
	    "the same userName in other case is refused");
	is_str(s->type, "uniqueness", "... as uniqueness");
	ok(cause != NULL && strstr(cause, "ERIN@example.com") != NULL,
	    "... naming it");
	json_decref(j);
	free(cause);
	cause = NULL;
	is_int(util_int(db, "SELECT count(*) FROM users"), 1,
	    "no account was made");
	other = mkuser(db, "{\"userName\": \"frank@example.com\"}");
	j = J("{\"Operations\": [{\"op\": \"replace\", \"path\": \"userName\", "
	    "\"value\": \"Erin@Example.com\"}]}");
	s = ctx(db);
	is_int(scim_user_patch(s, other, j, &cause), E_CONFLICT,
	    "renaming onto another's userName is refused");
	is_str(s->type, "uniqueness", "... as uniqueness");
	json_decref(j);
	free(cause);
	cause = NULL;
	j = J("{\"userName\": \"\"}");
	s = ctx(db);
	is_int(scim_user_create(s, j, &id, &cause), E_INVALID,
	    "an empty userName is refused");
	is_str(s->type, "invalidValue", "... as invalidValue");
	json_decref(j);
	free(cause);
	db_close(db);
}

static void
case_user_delete(void)
{
	struct db	*db = util_db("scim-delete.db");
	const char	*type;
	char		*cause = NULL;
	int64_t		 id, g = 0;
	json_t		*j;

	id = mkuser(db, "{\"userName\": \"gina@example.com\"}");
	j = J("{\"displayName\": \"Pilots\"}");
	is_int(scim_group_create(ctx(db), j, &g, &cause), E_OK, "a group");
	json_decref(j);
	is_int(patch(db, 0, g, arena_printf(A, "{\"Operations\": [{\"op\": "
	    "\"add\", \"path\": \"members\", \"value\": [{\"value\": "
	    "\"%lld\"}]}]}", (long long)id), &type), E_OK, "gina joins it");
	is_int(scim_user_delete(ctx(db), id, &cause), E_OK, "DELETE");
	ok(scim_user_get(ctx(db), id) == NULL, "the User is gone");
	is_int(util_intf(db, "SELECT disabled FROM users WHERE id = %lld",
	    (long long)id), 1, "the account stays, disabled");
	is_int(util_intf(db, "SELECT count(*) FROM directory_group_members "
	    "WHERE user_id = %lld", (long long)id), 0,
	    "... and out of SCIM's groups");
	is_int(scim_user_delete(ctx(db), id, &cause), E_NOTFOUND,
	    "a second DELETE finds nothing");
	free(cause);
	db_close(db);
}

static void
case_groups(void)
{
	struct db	*db = util_db("scim-groups.db");
	struct scim	*s;
	const char	*type;
	char		*cause = NULL;
	int64_t		 a, b, c, g = 0, h = 0;
	json_t		*j, *o;

	three(db, &a, &b, &c);
	j = J(arena_printf(A, "{\"schemas\": [\"" SCIM_SCHEMA_GROUP "\"], "
	    "\"displayName\": \"Test SCIMv2\", \"members\": [{\"value\": "
	    "\"%lld\"}]}", (long long)a));
	is_int(scim_group_create(ctx(db), j, &g, &cause), E_OK,
	    "a group with a member");
	json_decref(j);
	o = scim_group_get(ctx(db), g, 1);
	is_int(json_array_size(json_object_get(o, "members")), 1,
	    "... who is listed");
	json_decref(o);
	o = scim_group_get(ctx(db), g, 0);
	ok(json_object_get(o, "members") == NULL, "members left out when "
	    "not wanted");
	json_decref(o);
	is_str(ufield(db, a, "groups/display"), "Test SCIMv2",
	    "the member's User lists the group");

	/* Okta's membership change: remove by filter, add a list */
	is_int(patch(db, 0, g, arena_printf(A, "{\"schemas\": [\"urn:ietf:"
	    "params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{\"op\": "
	    "\"remove\", \"path\": \"members[value eq \\\"%lld\\\"]\"}, "
	    "{\"op\": \"add\", \"path\": \"members\", \"value\": [{\"value\": "
	    "\"%lld\", \"display\": \"b\"}, {\"value\": \"%lld\"}]}]}",
	    (long long)a, (long long)b, (long long)c), &type), E_OK,
	    "remove members[value eq], add two");
	is_int(util_intf(db, "SELECT group_concat(user_id) = '%lld,%lld' FROM "
	    "(SELECT user_id FROM directory_group_members WHERE group_id = "
	    "%lld ORDER BY user_id)", (long long)b, (long long)c,
	    (long long)g), 1, "b and c are the members");
	/* Entra's old removal: a value list */
	is_int(patch(db, 0, g, arena_printf(A, "{\"Operations\": [{\"op\": "
	    "\"Remove\", \"path\": \"members\", \"value\": [{\"value\": "
	    "\"%lld\"}]}]}", (long long)b), &type), E_OK,
	    "remove with a value list");
	is_int(util_intf(db, "SELECT count(*) FROM directory_group_members "
	    "WHERE group_id = %lld", (long long)g), 1, "c is left");
	is_int(patch(db, 0, g, arena_printf(A, "{\"Operations\": [{\"op\": "
	    "\"replace\", \"path\": \"members\", \"value\": [{\"value\": "
	    "\"%lld\"}, {\"value\": \"%lld\"}]}]}", (long long)a,
	    (long long)b), &type), E_OK, "replace the members");
	is_int(util_intf(db, "SELECT count(*) FROM directory_group_members "
	    "WHERE group_id = %lld AND user_id IN (%lld, %lld)", (long long)g,
	    (long long)a, (long long)b), 2, "a and b, and not c");
	is_int(util_intf(db, "SELECT count(*) FROM directory_group_members "
	    "WHERE group_id = %lld", (long long)g), 2, "... only they");
	is_int(patch(db, 0, g, "{\"Operations\": [{\"op\": \"add\", \"path\": "
	    "\"members\", \"value\": [{\"value\": \"999999\"}]}]}", &type),
	    E_INVALID, "an unknown member is refused");
	is_str(type, "invalidValue", "... invalidValue");

	/* Okta's rename: no path, with the id in the value */
	is_int(patch(db, 0, g, arena_printf(A, "{\"Operations\": [{\"op\": "
	    "\"replace\", \"value\": {\"id\": \"%lld\", \"displayName\": "
	    "\"Test SCIMv20\"}}]}", (long long)g), &type), E_OK, "renamed");
	is_int(count(db, 0, "displayName eq \"test scimv20\"", &type), 1,
	    "found by its new name, in any case");
	is_int(count(db, 0, arena_printf(A, "members[value eq \"%lld\"]",
	    (long long)a), &type), 1, "found by a member");
	is_int(count(db, 0, arena_printf(A, "members[value eq \"%lld\"]",
	    (long long)c), &type), 0, "not by a non-member");

	j = J("{\"displayName\": \"TEST scimv20\"}");
	s = ctx(db);
	is_int(scim_group_create(s, j, &h, &cause), E_CONFLICT,
	    "another group of that name is refused");
	is_str(s->type, "uniqueness", "... uniqueness");
	json_decref(j);
	free(cause);
	cause = NULL;
	is_int(scim_group_delete(ctx(db), g, &cause), E_OK, "deleted");
	ok(scim_group_get(ctx(db), g, 1) == NULL, "gone");
	is_int(util_intf(db, "SELECT count(*) FROM directory_group_members "
	    "WHERE group_id = %lld", (long long)g), 0, "with its members");
	free(cause);
	db_close(db);
}

static void
case_tokens(void)
{
	struct db		*db = util_db("scim-tokens.db");
	struct token_auth	 t;
	char			 tok1[64], tok2[64];
	int64_t			 id1, id2;

	ok(scim_app(db, 0) == 0, "no SCIM app before the first token");
	id1 = scim_token_create(db, "entra", tok1, sizeof tok1);
	id2 = scim_token_create(db, "okta", tok2, sizeof tok2);
	ok(id1 > 0 && id2 > id1, "two tokens");
	is_int(util_int(db, "SELECT count(*) FROM apps WHERE builtin = "
	    "'scim'"), 1, "one app holds both");
	is_int(token_lookup(db, A, tok1, &t), 0, "the token works");
	is_int(t.user_id, 0, "... for no person");
	is_str(t.scopes, SCOPE_SCIM, "... with the scim scope alone");
	ok(scope_normalise(A, "read scim") == NULL, "OAuth never grants scim");
	is_int(scim_token_revoke(db, id1), E_OK, "revoked");
	ok(token_lookup(db, A, tok1, &t) != 0, "the revoked token is dead");
	is_int(token_lookup(db, A, tok2, &t), 0, "the other lives");
	is_int(scim_token_revoke(db, id1), E_NOTFOUND, "revoked once only");
	db_close(db);
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	log_set_level(LOG_WARN);
	util_tmpdir();
	A = arena_new();
	if (tap_case("filter-parse"))
		case_filter_parse();
	if (tap_case("path-parse"))
		case_path_parse();
	if (tap_case("filter-sql"))
		case_filter_sql();
	if (tap_case("paging"))
		case_paging();
	if (tap_case("user-patch"))
		case_user_patch();
	if (tap_case("user-conflict"))
		case_user_conflict();
	if (tap_case("user-delete"))
		case_user_delete();
	if (tap_case("groups"))
		case_groups();
	if (tap_case("tokens"))
		case_tokens();
	arena_free(A);
	return done_testing();
}
