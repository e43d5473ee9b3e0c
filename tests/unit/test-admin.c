/*
 * Unit tests for user-import.c and audit.c: the CSV of people, every
 * error with its line and field, RFC 4180 quoting, the limits, the write
 * (everyone or nobody, each flagged and audited); and the audit log's
 * record, filters, order and JSON.
 */
#include <time.h>

#include "hearth.h"
#include "tap.h"
#include "util.h"

static struct db	*db;

/* Parse csv; the rows, or NULL and the file's error in *err. */
static struct import *
parse(struct arena *a, const char *csv, size_t max, const char **err)
{
	struct import	*im = arena_alloc(a, sizeof *im);

	*err = NULL;
	if (user_import_parse(db, a, csv, strlen(csv), max, im) != 0) {
		*err = im->error;
		return NULL;
	}
	return im;
}

static void
test_parse(void)
{
	struct arena	*a = arena_new();
	struct import	*im;
	const char	*err;
	char		*cause = NULL;

	ok(user_create(db, "taken", "Taken", NULL, ROLE_MEMBER, "x", &cause) >
	    0, "a person to collide with");
	im = parse(a, "username,display_name,email,department,title,admin\r\n"
	    "ada,\"Lovelace, Ada\",ada@example.com,Eng,\"Say \"\"hi\"\"\",yes\r\n"
	    "\n"
	    "  bob , Bob ,, Sales , Rep \n"
	    "cy,Cy,,,,0", 10, &err);
	ok(im != NULL, "a good file parses");
	is_int(im ? (long long)im->n : -1, 3, "three people (header and an "
	    "empty line skipped)");
	is_int(im ? im->errors : -1, 0, "no errors");
	if (im != NULL && im->n == 3) {
		is_str(im->rows[0].display_name, "Lovelace, Ada", "a quoted comma");
		is_str(im->rows[0].title, "Say \"hi\"", "doubled quotes");
		is_int(im->rows[0].admin, 1, "yes is admin");
		is_int(im->rows[0].line, 2, "line numbers count the header");
		is_str(im->rows[1].username, "bob", "fields are trimmed");
		is_str(im->rows[1].department, "Sales", "... every one");
		is_int(im->rows[1].line, 4, "an empty line still counts");
		is_int(im->rows[2].admin, 0, "0 is not admin");
		is_int(im->rows[2].line, 5, "a last line without newline");
	}
	im = parse(a, "bad name,x,,,\ntaken,x,,,\nzz,x,nomail,,\nok,x,,,\n"
	    "ok,x,,,\nshort,x\nq,\"open,,,\nz,z,,,,maybe\n", 100, &err);
	ok(im != NULL, "a file with errors parses");
	if (im != NULL && im->n == 8) {
		is_str(im->rows[0].field, "username", "line 1: a bad username");
		is_str(im->rows[1].error, "This username is already taken.",
		    "line 2: a taken one");
		is_str(im->rows[2].field, "email", "line 3: a bad email");
		ok(im->rows[3].error == NULL, "line 4 is fine");
		is_str(im->rows[4].error, "This username is on an earlier line "
		    "too.", "line 5: a repeat (any case)");
		is_str(im->rows[5].field, "email", "line 6: fields missing");
		ok(im->rows[6].error != NULL && strstr(im->rows[6].error,
		    "quoted") != NULL, "line 7: an unclosed quote");
		is_int(im->rows[7].line, 8, "... and the next line goes on");
		is_str(im->rows[7].field, "admin", "line 8: a bad admin");
		is_int(im->errors, 7, "seven errors");
	} else
		ok(0, "eight rows");
	ok(parse(a, "a,a,,,\nb,b,,,\nc,c,,,\n", 2, &err) == NULL && err &&
	    strstr(err, "more than 2") != NULL, "too many rows");
	ok(parse(a, "username,display_name,email,department,title\n\n", 5,
	    &err) == NULL && err != NULL, "nobody in the file");
	arena_free(a);
}

static void
test_write(void)
{
	struct arena		*a = arena_new();
	struct audit_actor	 who = { 0, "tester", "local", "" };
	struct import		*im;
	const char		*err;
	char			*phcs[2] = { "h1", "h2" }, *cause = NULL;
	int64_t			 ids[2] = { 0, 0 };
	struct user		*u;

	im = parse(a, "dee,Dee,,Ops,Chief,yes\neve,Eve,,,\n", 10, &err);
	is_int(user_import_write(db, a, &who, im, phcs, ids, &cause), E_OK,
	    "the import writes");
	u = user_get_by_name(db, a, "dee");
	ok(u && u->role == ROLE_ADMIN && u->must_change_password &&
	    strcmp(u->department, "Ops") == 0 && strcmp(u->job_title, "Chief")
	    == 0, "dee: admin, department, title, must change");
	/* eve is taken now: a second import creates nobody */
	im = parse(a, "fay,Fay,,,\n", 10, &err);
	is_int(im->errors, 0, "fay checks out");
	ok(user_create(db, "fay", "Fay", NULL, ROLE_MEMBER, "x", &cause) > 0,
	    "someone takes fay meanwhile");
	is_int(user_import_write(db, a, &who, im, phcs, ids, &cause),
	    E_CONFLICT, "the import is refused");
	ok(cause && strstr(cause, "Line 1") != NULL, "... naming the line");
	free(cause);
	arena_free(a);
}

struct seen {
	int	n;
	char	last[64];
};

static void
count(const struct audit_entry *e, void *arg)
{
	struct seen	*s = arg;

	s->n++;
	snprintf(s->last, sizeof s->last, "%s:%s", e->action, e->target_name);
}

static void
test_audit(void)
{
	struct arena		*a = arena_new();
	struct audit_actor	 who = { 7, "root", "10.0.0.1", "UA/1" };
	struct audit_filter	 f;
	struct audit_entry	 e;
	struct seen		 s;
	json_t			*d = json_pack("{s:s}", "k", "v"), *j;

	db_exec(db, "DELETE FROM audit_log");
	ok(audit_record(db, &who, "user.disable", "user", 3, "bob", d) == 0,
	    "a row");
	ok(audit_record(db, &who, "user.enable", "user", 3, "bob", NULL) == 0,
	    "another");
	who.name = "hearthctl (uid 0)";
	who.id = 0;
	ok(audit_record(db, &who, "user.disable", "user", 4, "cy", NULL) == 0,
	    "a third, by hearthctl");
	json_decref(d);
	memset(&f, 0, sizeof f);
	memset(&s, 0, sizeof s);
	is_int(audit_each(db, a, &f, 0, 0, 0, count, &s), 3, "three");
	is_str(s.last, "user.disable:bob", "newest first: the oldest last");
	memset(&s, 0, sizeof s);
	audit_each(db, a, &f, 1, 0, 2, count, &s);
	is_str(s.last, "user.enable:bob", "oldest first, limited");
	f.action = "user.disable";
	memset(&s, 0, sizeof s);
	is_int(audit_each(db, a, &f, 0, 0, 0, count, &s), 2, "by action");
	f.action = NULL;
	f.actor = "hearthctl";
	memset(&s, 0, sizeof s);
	is_int(audit_each(db, a, &f, 0, 0, 0, count, &s), 1, "by actor");
	f.actor = NULL;
	f.q = "\"k\":\"v\"";
	memset(&s, 0, sizeof s);
	is_int(audit_each(db, a, &f, 0, 0, 0, count, &s), 1, "by details");
	f.q = NULL;
	f.since = time(NULL) + 100;
	memset(&s, 0, sizeof s);
	is_int(audit_each(db, a, &f, 0, 0, 0, count, &s), 0, "by time");
	memset(&e, 0, sizeof e);
	e.id = 1;
	e.at = 0;
	e.actor_name = "root";
	e.action = "user.disable";
	e.target_type = "user";
	e.target_name = "bob";
	e.details = "{\"k\":\"v\"}";
	e.ip = e.user_agent = "";
	j = audit_entry_json(&e);
	is_str(json_string_value(json_object_get(j, "at")),
	    "1970-01-01T00:00:00Z", "JSON: an ISO time");
	ok(json_is_null(json_object_get(j, "actor_id")), "JSON: no actor id "
	    "is null");
	is_str(json_string_value(json_object_get(json_object_get(j, "details"),
	    "k")), "v", "JSON: details are an object");
	json_decref(j);
	arena_free(a);
}

int
main(void)
{
	util_tmpdir();
	log_set_level(LOG_WARN);
	db = util_db("admin.db");
	test_parse();
	test_write();
	test_audit();
	db_close(db);
	return done_testing();
}
