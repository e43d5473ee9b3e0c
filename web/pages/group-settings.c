/*
 * group-settings.c: GET /groups/:id/settings, where a group's admins (and
 * the site's) change its name, description and visibility, archive or
 * unarchive it, and pin its posts to the top of its page; and the POSTs
 * its forms send. The domain (group-settings.c) decides who may; what it
 * refuses is shown on this page, in words.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define SETTINGS_RECENT	20	/* the recent posts offered for pinning */
#define EXCERPT_MAX	140	/* bytes of a post shown in those lists */

/* A post's text cut short for a list, at a character's start. */
static const char *
excerpt(struct req *r, const char *text)
{
	size_t	n;

	if (text == NULL)
		return "";
	n = utf8_cut(text, EXCERPT_MAX);
	return text[n] == '\0' ? text : arena_printf(r->arena, "%.*s…",
	    (int)n, text);
}

/* The posts among ids the viewer may read, as rows with pin state. */
static json_t *
post_rows(struct req *r, int64_t group, const struct idlist *ids)
{
	json_t		*arr = json_array();
	struct post	*p;
	struct user	*u;
	size_t		 i;

	for (i = 0; i < ids->n; i++) {
		if ((p = post_get(req_db(r), r->arena, r->user->id,
		    ids->ids[i])) == NULL || p->group_id != group ||
		    (u = user_get(req_db(r), r->arena, p->author_id)) == NULL)
			continue;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:b}", "id", (json_int_t)p->id, "excerpt", excerpt(r,
		    p->text), "author", u->display_name != NULL &&
		    *u->display_name != '\0' ? u->display_name : u->username,
		    "path", arena_printf(r->arena, "/@%s/%lld", u->username,
		    (long long)p->id), "pinned", group_pinned(req_db(r), group,
		    p->id)));
	}
	return arr;
}

/*
 * Render the settings page: status, and a refusal (error, for the alert
 * at the top; name_error at the name). After a refused edit, the form
 * shows what was typed.
 */
static void
settings_page(struct req *r, int64_t id, int status, const char *error,
    const char *name_error, const char *picture_error)
{
	struct idlist	 pins = { NULL, 0, 0 }, recent = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, SETTINGS_RECENT };
	struct group	*g;
	char		*cause = NULL;
	json_t		*v, *gv;
	int		 rc, edited = req_param(r, "name") != NULL;

	if ((rc = group_manage_check(req_db(r), r->user->id, id, &cause)) !=
	    E_OK) {
		req_error(r, rc == E_NOTFOUND ? 404 : 403, rc == E_NOTFOUND ?
		    WEB_GROUP_HIDDEN : N_("Only a group admin can change the "
		    "group."));
		free(cause);
		return;
	}
	/* A site admin at a private group they are not in manages it,
	 * though they cannot read its posts. */
	if ((g = group_get_any(req_db(r), r->arena, r->user->id, id)) == NULL) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return;
	}
	(void)group_pins(req_db(r), r->arena, id, &pins);
	(void)timeline_group(req_db(r), r->arena, r->user->id, id, &pg,
	    &recent, NULL);
	v = req_view(r, i18n_format(r->arena, req_tr(r, "Settings · {group}"),
	    "group", g->name, NULL));
	web_nav(v, "groups");
	web_notice(r, v);
	gv = web_group_view(r, g);
	json_object_set_new(v, "group", gv);
	json_object_set_new(v, "form", json_pack("{s:s, s:s, s:b}",
	    "name", edited ? req_param(r, "name") : g->name,
	    "description", edited && req_param(r, "description") != NULL ?
	    req_param(r, "description") : g->description,
	    "private", edited ? req_param(r, "visibility") != NULL &&
	    strcmp(req_param(r, "visibility"), "private") == 0 :
	    g->visibility == GROUP_PRIVATE));
	json_object_set_new(v, "pins", post_rows(r, id, &pins));
	json_object_set_new(v, "has_pins", json_boolean(pins.n > 0));
	json_object_set_new(v, "recent", post_rows(r, id, &recent));
	json_object_set_new(v, "has_recent", json_boolean(recent.n > 0));
	json_object_set_new(v, "pins_max", json_integer(GROUP_PINS_MAX));
	if (error != NULL)
		json_object_set_new(v, "error", json_string(error));
	if (name_error != NULL)
		json_object_set_new(v, "name_error", json_string(req_tr(r,
		    name_error)));
	if (picture_error != NULL)
		json_object_set_new(v, "picture_error",
		    json_string(req_tr(r, picture_error)));
	req_html(r, status, "group-settings", v);
}

/* GET /groups/:id/settings */
enum handled
web_group_settings(struct req *r)
{
	settings_page(r, req_id(r, ":0"), 200, NULL, NULL, NULL);
	return HANDLED;
}

/* Done: a notice on the page the form was on; a refusal, in words. */
static void
edit_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct group_edit	*e = arg;
	static const char *const done[] = {
		[GROUP_UPDATE] = "saved", [GROUP_ARCHIVE] = "archived",
		[GROUP_UNARCHIVE] = "unarchived", [GROUP_PIN] = "pinned",
		[GROUP_UNPIN] = "unpinned", [GROUP_PICTURE] = "picture",
		[GROUP_PICTURE_REMOVE] = "picture",
	};

	if (code == E_NOTFOUND && e->op != GROUP_PIN) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return;
	}
	if (code != E_OK) {
		if (code == E_INVALID && e->op == GROUP_PICTURE)
			settings_page(r, e->group, code, NULL, NULL, cause);
		else if (code == E_CONFLICT && e->op == GROUP_UPDATE)
			settings_page(r, e->group, code, NULL, cause, NULL);
		else
			settings_page(r, e->group, code, cause != NULL ? cause :
			    N_("This change is not allowed."), NULL, NULL);
		return;
	}
	req_redirect(r, web_next(r, arena_printf(r->arena,
	    "/groups/%lld/settings?notice=group-%s", (long long)e->group,
	    done[e->op])));
}

/* The picture is stored and taken (a refusal is the domain's error page,
 * in words). */
static void
edit_done(struct req *r, void *arg)
{
	edit_outcome(r, arg, E_OK, NULL);
}

/* A change to the group in the route's :id; NULL after answering 404. */
static struct group_edit *
edit_new(struct req *r, enum group_edit_op op)
{
	struct group_edit	*e;
	int64_t			 id = req_id(r, ":0");

	if (id == 0) {
		req_error(r, 404, WEB_GROUP_HIDDEN);
		return NULL;
	}
	e = arena_alloc(r->arena, sizeof *e);
	memset(e, 0, sizeof *e);
	e->op = op;
	e->actor = r->user->id;
	e->group = id;
	return e;
}

/* POST /groups/:id/settings: name, description, visibility, csrf. */
enum handled
web_group_settings_save(struct req *r)
{
	struct group_edit	*e;
	const char		*field, *msg;

	if ((e = edit_new(r, GROUP_UPDATE)) == NULL)
		return HANDLED;
	e->in.creator = r->user->id;
	e->in.name = req_param(r, "name");
	e->in.description = req_param(r, "description");
	if (group_prepare(req_db(r), r->arena, &e->in, req_param(r,
	    "visibility"), req_config(r)->base_url, &field, &msg) != 0) {
		if (strcmp(field, "name") == 0)
			settings_page(r, e->group, 422, NULL,
			    N_("Give the group a name."), NULL);
		else
			settings_page(r, e->group, 422, arena_printf(r->arena,
			    "%c%s.", msg[0] >= 'a' && msg[0] <= 'z' ?
			    msg[0] - 32 : msg[0], msg + 1), NULL, NULL);
		return HANDLED;
	}
	return req_command_then(r, group_edit_cmd, edit_outcome, e);
}

/* POST /groups/:id/archive: csrf. */
enum handled
web_group_archive(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_ARCHIVE)) == NULL)
		return HANDLED;
	return req_command_then(r, group_edit_cmd, edit_outcome, e);
}

/* POST /groups/:id/unarchive: csrf. */
enum handled
web_group_unarchive(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_UNARCHIVE)) == NULL)
		return HANDLED;
	return req_command_then(r, group_edit_cmd, edit_outcome, e);
}

/* Shared by pin and unpin: the post is the form's post field. */
static enum handled
pin_change(struct req *r, enum group_edit_op op)
{
	struct group_edit	*e;
	const char		*post = req_param(r, "post");

	if ((e = edit_new(r, op)) == NULL)
		return HANDLED;
	e->post = post != NULL ? strtoll(post, NULL, 10) : 0;
	if (e->post <= 0) {
		settings_page(r, e->group, 422, N_("Choose a post."), NULL,
		    NULL);
		return HANDLED;
	}
	return req_command_then(r, group_edit_cmd, edit_outcome, e);
}

/* POST /groups/:id/pin: post, csrf, next. */
enum handled
web_group_pin(struct req *r)
{
	return pin_change(r, GROUP_PIN);
}

/* POST /groups/:id/unpin: post, csrf, next. */
enum handled
web_group_unpin(struct req *r)
{
	return pin_change(r, GROUP_UNPIN);
}

/* POST /groups/:id/picture: picture (a file), csrf. Decoded and stored on
 * a worker, then the writer takes it. */
enum handled
web_group_picture(struct req *r)
{
	struct group_edit	*e;
	const struct part	*p = req_file(r, "picture");

	if ((e = edit_new(r, GROUP_PICTURE)) == NULL)
		return HANDLED;
	if (p == NULL || p->len == 0) {
		settings_page(r, e->group, 422, NULL, NULL,
		    N_("Choose a picture to upload."));
		return HANDLED;
	}
	if (p->len > GROUP_PICTURE_MAX) {
		settings_page(r, e->group, 413, NULL, NULL, web_count(
		    r->arena, GROUP_PICTURE_MAX / (1024 * 1024), trn(
		    req_lang(r), GROUP_PICTURE_MAX / (1024 * 1024),
		    "The picture is too big: at most {n} MB.",
		    "The picture is too big: at most {n} MB.")));
		return HANDLED;
	}
	e->data = p->data;
	e->len = p->len;
	e->data_dir = req_config(r)->data_dir;
	return req_work_write_heavy(r, group_picture_store, group_edit_cmd,
	    edit_done, e);
}

/* POST /groups/:id/picture/remove: csrf. */
enum handled
web_group_picture_remove(struct req *r)
{
	struct group_edit	*e;

	if ((e = edit_new(r, GROUP_PICTURE_REMOVE)) == NULL)
		return HANDLED;
	e->data_dir = req_config(r)->data_dir;
	return req_command_then(r, group_edit_cmd, edit_outcome, e);
}
