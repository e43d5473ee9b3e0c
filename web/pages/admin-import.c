/*
 * admin-import.c: people in bulk from a CSV file, /admin/people/import.
 * The first POST checks the file and shows every line, with its error
 * naming the line and the field (a dry run: nothing is written); the
 * second POST carries the same text back (in the form, so the server
 * keeps nothing between the two) and creates everyone or nobody
 * (user_import_write), each with a generated password shown once, with
 * copy buttons and as a CSV to download, that the person must replace at
 * their first sign-in. The passwords are hashed on a worker.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>

#include "pages.h"

#define IMPORT_BYTES_MAX	(256 * 1024)
#define IMPORT_ROWS_MAX		200
#define IMPORT_PW_LEN		21

/* An import on its way through the worker and the writer. */
struct import_job {
	struct req	*r;
	struct import	 im;
	char		**pws;		/* generated, shown once */
	char		**phcs;
	int64_t		*ids;
	int		 failed;
	int		 rc;
	char		*cause;
	struct cause	*said;		/* cause's pattern (cause.c) */
};

/* The page: the form, and the lines checked (rows), or what was made. */
static void
import_page(struct req *r, int status, const char *csv,
    const struct import *im, const char *alert, json_t *made)
{
	json_t	*v = req_view(r, "Import people · Admin"), *rows;
	size_t	 i;

	web_nav(v, "admin");
	json_object_set_new(v, "csv", json_string(csv ? csv : ""));
	json_object_set_new(v, "rows_max", json_integer(IMPORT_ROWS_MAX));
	json_object_set_new(v, "kib_max", json_integer(IMPORT_BYTES_MAX /
	    1024));
	if (alert != NULL)
		json_object_set_new(v, "alert", json_string(req_tr(r, alert)));
	if (im != NULL && im->n > 0 && made == NULL) {
		rows = json_array();
		for (i = 0; i < im->n; i++) {
			const struct import_row *row = &im->rows[i];
			const char *error = row->said != NULL ? cause_tr(
			    r->arena, req_lang(r), row->said) :
			    row->why == NULL ? req_tr(r, row->error) :
			    web_count(r->arena, (long long)row->nfields,
			    req_tr(r, row->why));

			json_array_append_new(rows, json_pack("{s:i, s:s, s:s, "
			    "s:s, s:s, s:s, s:b, s:s?, s:s?}", "line",
			    row->line, "username", row->username,
			    "display_name", row->display_name, "email",
			    row->email, "department", row->department, "title",
			    row->title, "admin", row->admin, "field",
			    row->field, "error", error));
		}
		json_object_set_new(v, "rows", rows);
		json_object_set_new(v, "checked", json_true());
		json_object_set_new(v, "count", json_integer((json_int_t)im->n));
		json_object_set_new(v, "errors", json_integer(im->errors));
		/* the counts in words, plurals in the reader's language */
		json_object_set_new(v, "check_title", json_string(i18n_format(
		    r->arena, trn(req_lang(r), (long)im->n,
		    "{n} line checked, {errors} in error",
		    "{n} lines checked, {errors} in error"), "n", web_count(
		    r->arena, (long long)im->n, "{n}"), "errors", web_count(
		    r->arena, im->errors, "{n}"), NULL)));
		json_object_set_new(v, "import_label", json_string(web_count(
		    r->arena, (long long)im->n, trn(req_lang(r), (long)im->n,
		    "Import {n} person", "Import {n} people"))));
		if (im->errors == 0)
			json_object_set_new(v, "ready", json_true());
	}
	if (made != NULL)
		json_object_set_new(v, "made", made);
	req_html(r, status, "admin-import", v);
}

/* GET /admin/people/import */
enum handled
web_admin_import_form(struct req *r)
{
	import_page(r, 200, NULL, NULL, NULL, NULL);
	return HANDLED;
}

/* Wipe and free a job's secrets. */
static void
import_job_free(struct import_job *j)
{
	size_t	i;

	for (i = 0; i < j->im.n; i++) {
		if (j->pws != NULL && j->pws[i] != NULL) {
			OPENSSL_cleanse(j->pws[i], IMPORT_PW_LEN);
			free(j->pws[i]);
		}
		if (j->phcs != NULL)
			free(j->phcs[i]);
	}
	free(j->pws);
	free(j->phcs);
	free(j->ids);
	free(j->cause);
	cause_free(j->said);
	j->said = NULL;
	j->pws = j->phcs = NULL;
	j->ids = NULL;
	j->cause = NULL;
}

/* On a worker: a password for everyone, and its hash. */
static void
import_hash_work(void *arg)
{
	struct import_job	*j = arg;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < j->im.n; i++) {
		j->pws[i] = xmalloc(IMPORT_PW_LEN);
		password_generate(j->pws[i], IMPORT_PW_LEN);
		if (password_hash(j->pws[i], &j->phcs[i], &cause) != 0) {
			log_error("admin import: password hash: %s", cause ?
			    cause : "?");
			free(cause);
			j->failed = 1;
			return;
		}
	}
}

/* On the writer: everyone, or nobody. */
static int
import_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct import_job	*j = arg;
	struct audit_actor	 who;

	(void)cause;
	web_audit_actor(r, &who);
	j->rc = user_import_write(db, r->arena, &who, &j->im, j->phcs, j->ids,
	    &j->cause);
	j->said = cause_take(j->cause);
	return j->rc == E_INTERNAL ? E_INTERNAL : E_OK;
}

/* Committed: show the passwords, once. */
static void
import_reply(struct req *r, void *arg)
{
	struct import_job	*j = arg;
	json_t			*made, *list;
	struct evbuffer		*csv;
	size_t			 i, len;
	char			*text;

	if (j->rc != E_OK) {
		const char *why = j->cause ? cause_say(r->arena, req_lang(r),
		    j->cause, j->said) : N_("The import was refused.");

		import_job_free(j);
		import_page(r, j->rc, NULL, NULL, why, NULL);
		return;
	}
	list = json_array();
	csv = evbuffer_new();
	evbuffer_add_printf(csv, "username,password\r\n");
	for (i = 0; i < j->im.n; i++) {
		json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "n",
		    (json_int_t)i + 1, "username", j->im.rows[i].username,
		    "password", j->pws[i]));
		web_csv_field(csv, j->im.rows[i].username, 0);
		web_csv_field(csv, j->pws[i], 1);
	}
	len = evbuffer_get_length(csv);
	text = arena_alloc(r->arena, len + 1);
	evbuffer_remove(csv, text, len);
	text[len] = '\0';
	evbuffer_free(csv);
	made = json_pack("{s:o, s:s, s:I, s:s}", "people", list, "csv", text,
	    "count", (json_int_t)j->im.n, "title", web_count(r->arena,
	    (long long)j->im.n, trn(req_lang(r), (long)j->im.n,
	    "{n} person created", "{n} people created")));
	log_info("admin: %s imported %zu people", r->user->username, j->im.n);
	import_job_free(j);
	import_page(r, 200, NULL, NULL, NULL, made);
	OPENSSL_cleanse(text, len);
}

/* Back on the loop, hashed: on to the writer. */
static void
import_hash_done(void *arg)
{
	struct import_job	*j = arg;
	struct req		*r = j->r;

	if (j->failed) {
		import_job_free(j);
		req_error(r, 500, "The passwords could not be hashed; nobody "
		    "was created.");
		req_free(r);
		return;
	}
	if (req_write(r, import_write, import_reply, j) == HANDLED)
		req_free(r);
}

/*
 * POST /admin/people/import: file (a CSV upload) or csv (the text), and
 * step: "check" (the dry run, the default) or "import".
 */
enum handled
web_admin_import(struct req *r)
{
	struct import_job	*j = arena_alloc(r->arena, sizeof *j);
	const struct part	*f = req_file(r, "file");
	const char		*csv = req_param(r, "csv"), *step;
	size_t			 len;
	char			*text;

	memset(j, 0, sizeof *j);
	j->r = r;
	if (f != NULL && f->len > 0) {
		len = f->len;
		text = arena_alloc(r->arena, len + 1);
		memcpy(text, f->data, len);
		text[len] = '\0';
		csv = text;
	}
	if (csv == NULL || *csv == '\0') {
		import_page(r, 422, NULL, NULL, N_("Choose a CSV file, or "
		    "paste its lines."), NULL);
		return HANDLED;
	}
	if ((len = strlen(csv)) > IMPORT_BYTES_MAX) {
		import_page(r, 413, NULL, NULL, web_count(r->arena,
		    IMPORT_BYTES_MAX / 1024, trn(req_lang(r), IMPORT_BYTES_MAX /
		    1024, "The file is larger than {n} KiB; split it.",
		    "The file is larger than {n} KiB; split it.")), NULL);
		return HANDLED;
	}
	if (user_import_parse(req_db(r), r->arena, csv, len, IMPORT_ROWS_MAX,
	    &j->im) != 0) {
		/* too many people (n is the most), or nobody (n is 0) */
		import_page(r, 422, csv, NULL, j->im.n > 0 ? web_count(
		    r->arena, (long long)j->im.n, trn(req_lang(r),
		    (long)j->im.n, "The file has more than {n} person; split "
		    "it.", "The file has more than {n} people; split it.")) :
		    j->im.error, NULL);
		return HANDLED;
	}
	step = req_param(r, "step");
	if (step == NULL || strcmp(step, "import") != 0 || j->im.errors > 0) {
		import_page(r, j->im.errors > 0 ? 422 : 200, csv, &j->im,
		    j->im.errors > 0 ? web_count(r->arena, j->im.errors,
		    trn(req_lang(r), j->im.errors, "{n} line is in error: "
		    "nobody can be created until the file is fixed.",
		    "{n} lines are in error: nobody can be created until the "
		    "file is fixed.")) : NULL, NULL);
		return HANDLED;
	}
	j->pws = xcalloc(j->im.n, sizeof *j->pws);
	j->phcs = xcalloc(j->im.n, sizeof *j->phcs);
	j->ids = xcalloc(j->im.n, sizeof *j->ids);
	if (worker_submit(r->loop, import_hash_work, import_hash_done, j) !=
	    0) {
		import_job_free(j);
		req_retry_after(r, 2);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}
