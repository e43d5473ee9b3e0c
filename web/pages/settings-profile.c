/*
 * settings-profile.c: editing one's own profile from the settings
 * page, GET and POST /settings/profile: the same details and images as
 * PATCH /api/v1/accounts/update_credentials, checked by the same domain
 * calls (profile_check, markdown_render) and carried out by the same
 * the domain's profile_save_cmd. Each error is put next to the field at fault and
 * the form comes back with what was typed.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

/* The text details: form name, where they go in an edit, and the label
 * errors use. */
static const struct {
	const char	*param;
	size_t		 off;
	const char	*label;
} profile_texts[] = {
	{ "display_name", offsetof(struct profile_edit, display_name),
	    N_("Display name") },
	{ "note", offsetof(struct profile_edit, bio), N_("Bio") },
	{ "job_title", offsetof(struct profile_edit, job_title),
	    N_("Job title") },
	{ "department", offsetof(struct profile_edit, department),
	    N_("Department") },
	{ "location", offsetof(struct profile_edit, location), N_("Location") },
	{ "phone", offsetof(struct profile_edit, phone), N_("Phone") },
	{ "pronouns", offsetof(struct profile_edit, pronouns), N_("Pronouns") },
};

/* The images: form name and size limit. */
static const struct {
	const char	*param;
	size_t		 max;
} profile_images[] = {
	{ "avatar", PROFILE_AVATAR_MAX },
	{ "header", PROFILE_HEADER_MAX },
};

/*
 * Render the form: the person's details as stored, or what was typed
 * (typed != NULL) with an error per field.
 */
static void
profile_page(struct req *r, int status, const struct profile_edit *typed,
    json_t *errors)
{
	struct profile_field	*pf = NULL;
	struct user		*u = user_get(req_db(r), r->arena, r->user->id);
	const struct profile_edit *src;
	struct profile_edit	 stored;
	const char		*val, *param;
	struct ectx		 e;
	json_t			*v, *a, *f, *fields = json_array();
	size_t			 i, k, n = 0;

	if (u == NULL) {
		json_decref(fields);
		json_decref(errors);
		req_error(r, 404, "Your account is gone.");
		return;
	}
	v = settings_view(r, "Profile", "profile");
	req_ectx(r, &e);
	a = entity_account(&e, u);
	ectx_free(&e);
	json_object_set_new(v, "account", a);
	json_object_set_new(v, "profile_path", json_string(arena_printf(
	    r->arena, "/@%s", u->username)));
	memset(&stored, 0, sizeof stored);
	stored.display_name = u->display_name;
	stored.bio = u->bio_source;
	stored.job_title = u->job_title;
	stored.department = u->department;
	stored.location = u->location;
	stored.phone = u->phone;
	stored.pronouns = u->pronouns;
	src = typed != NULL ? typed : &stored;
	f = json_object();
	for (i = 0; i < nitems(profile_texts); i++) {
		val = *(const char **)((const char *)src +
		    profile_texts[i].off);
		json_object_set_new(f, profile_texts[i].param,
		    json_string(val ? val : ""));
	}
	json_object_set_new(v, "form", f);
	if (profile_fields(req_db(r), r->arena, u->id, &pf, &n) == 0) {
		for (i = 0; i < n; i++) {
			val = pf[i].value;
			for (k = 0; typed != NULL && k < typed->nfields; k++) {
				if (strcmp(typed->fields[k].key,
				    pf[i].name) == 0)
					val = typed->fields[k].value;
			}
			param = arena_printf(r->arena, "field_%lld",
			    (long long)pf[i].id);
			f = json_pack("{s:s, s:s, s:s}", "name", pf[i].name,
			    "value", val, "param", param);
			if (errors != NULL && json_object_get(errors, param))
				json_object_set(f, "error",
				    json_object_get(errors, param));
			json_array_append_new(fields, f);
		}
	}
	json_object_set_new(v, "company_fields", fields);
	if (errors != NULL) {
		json_object_set_new(v, "errors", errors);
		json_object_set_new(v, "error_summary", json_string(
		    "Nothing was saved. Check the fields marked below."));
	}
	req_html(r, status, "settings-profile", v);
}

/* GET /settings/profile */
enum handled
web_settings_profile(struct req *r)
{
	profile_page(r, 200, NULL, NULL);
	return HANDLED;
}

/* Note an error on a field (the first one found stays). */
static void
field_error(json_t *errors, const char *param, const char *msg)
{
	if (json_object_get(errors, param) == NULL)
		json_object_set_new(errors, param, json_string(msg));
}

/*
 * The domain's message for a field ("job_title must be at most 200 bytes",
 * "field 'Team' must be one line") in the reader's language, with the
 * label the form shows in place of the name the domain uses ({field}).
 */
static const char *
field_message(struct req *r, const char *label, const char *cause)
{
	struct cause	*c = cause_take(cause);
	const char	*out;

	if (c == NULL)
		return arena_printf(r->arena, "%s: %s.", req_tr(r, label),
		    req_tr(r, cause));
	out = arena_printf(r->arena, "%s.", cause_tr_as(r->arena,
	    req_lang(r), c, "field", label));
	cause_free(c);
	return out;
}

/*
 * Check one text detail alone with profile_check, so its message belongs
 * to that field; the message is the domain's, after the field's label.
 */
static void
check_text(struct req *r, json_t *errors, size_t i, const char *value)
{
	struct profile_edit	 one;
	char			*cause = NULL;

	memset(&one, 0, sizeof one);
	*(const char **)((char *)&one + profile_texts[i].off) = value;
	if (profile_check(&one, &cause) != 0) {
		field_error(errors, profile_texts[i].param, field_message(r,
		    profile_texts[i].label, cause));
		free(cause);
	}
}

/* Take an uploaded image if one was chosen; its type is decided by its
 * bytes, never by its name. */
static void
check_image(struct req *r, struct profile_save *j, json_t *errors,
    size_t i)
{
	const struct part	*p = req_file(r, profile_images[i].param);
	char			*cause = NULL;

	if (p == NULL || (p->len == 0 && *p->filename == '\0'))
		return;		/* no file chosen */
	if (p->len > profile_images[i].max) {
		field_error(errors, profile_images[i].param, i18n_format(
		    r->arena, req_tr(r, "The image is {size} KiB; the limit is "
		    "{max} MiB."), "size", web_count(r->arena,
		    (long long)(p->len >> 10), "{n}"), "max", web_count(
		    r->arena, (long long)(profile_images[i].max >> 20), "{n}"),
		    NULL));
		return;
	}
	if (profile_save_image(j, profile_images[i].param, p, &cause) != 0) {
		field_error(errors, profile_images[i].param, i18n_format(
		    r->arena, req_tr(r, "This file cannot be used: {why}. "
		    "Choose a PNG, JPEG, GIF or WebP image."), "why",
		    req_cause(r, cause), NULL));
		free(cause);
	}
}

/* Read the whole form and check every part; 0 if all is well. */
static int
profile_read(struct req *r, struct profile_save *j, json_t *errors)
{
	struct mention_ctx	 resolve = { req_db(r), r->arena };
	struct profile_field	*pf = NULL;
	struct profile_edit	*e = &j->edit, one;
	struct markdown		 md;
	const char		*v, *param;
	char			*cause = NULL;
	size_t			 i, n = 0;

	for (i = 0; i < nitems(profile_texts); i++) {
		v = req_param(r, profile_texts[i].param);
		*(const char **)((char *)e + profile_texts[i].off) = v ? v : "";
		check_text(r, errors, i, v ? v : "");
	}
	if (profile_fields(req_db(r), r->arena, r->user->id, &pf, &n) != 0)
		n = 0;
	e->fields = arena_alloc(r->arena, (n ? n : 1) * sizeof *e->fields);
	for (i = 0; i < n; i++) {
		param = arena_printf(r->arena, "field_%lld",
		    (long long)pf[i].id);
		if ((v = req_param(r, param)) == NULL)
			continue;	/* not on the form: unchanged */
		e->fields[e->nfields].key = pf[i].name;
		e->fields[e->nfields].value = v;
		memset(&one, 0, sizeof one);
		one.fields = &e->fields[e->nfields];
		one.nfields = 1;
		if (profile_check(&one, &cause) != 0) {
			field_error(errors, param, field_message(r,
			    pf[i].name, cause));
			free(cause);
			cause = NULL;
		}
		e->nfields++;
	}
	if (json_object_get(errors, "note") == NULL) {
		if (markdown_render(r->arena, e->bio, strlen(e->bio),
		    req_config(r)->base_url, post_mention_resolve, &resolve,
		    &md, &cause) != 0) {
			field_error(errors, "note", arena_printf(r->arena,
			    "Bio: %s.", cause));
			free(cause);
		} else
			e->bio_html = md.html;
	}
	for (i = 0; i < nitems(profile_images); i++)
		check_image(r, j, errors, i);
	return json_object_size(errors) > 0 ? -1 : 0;
}

/* Done: back to the form, saved. */
static void
profile_save_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, "/settings/profile?notice=profile");
}

/*
 * POST /settings/profile (multipart/form-data, or urlencoded without
 * images): display_name, note, job_title, department, location, phone,
 * pronouns, field_ID for each company field, avatar, header, csrf.
 */
enum handled
web_settings_profile_save(struct req *r)
{
	struct profile_save	*j = arena_alloc(r->arena, sizeof *j);
	json_t			*errors = json_object();

	profile_save_init(j, r->user->id, r->arena, req_config(r)->data_dir);
	if (profile_read(r, j, errors) != 0) {
		if (j->nup > 0 && json_object_get(errors, "avatar") == NULL &&
		    json_object_get(errors, "header") == NULL)
			field_error(errors, j->up[0].what, "Choose the image "
			    "again: files are not kept when the form has "
			    "errors.");
		profile_page(r, 422, &j->edit, errors);
		return HANDLED;
	}
	json_decref(errors);
	return req_work_write_heavy(r, profile_save_work(j), profile_save_cmd,
	    profile_save_reply, j);
}
