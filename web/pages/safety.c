/*
 * safety.c: the web's safety tools on a profile's "More" menu: mute and
 * unmute, block (after a confirmation page) and unblock, a private note,
 * and reporting the person (with some of their posts) to the admins; and
 * Settings → Mutes and blocks, which lists both with undo. The rules are
 * the domain's (mute.c, block.c, account-note.c, report.c).
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define REPORT_POSTS_OFFERED	10	/* recent posts to tick in a report */

/* The colleague a /@name path names (disabled people too, so a block or
 * mute can be undone); NULL after answering 404. */
static struct user *
safety_person(struct req *r)
{
	struct user	*u;

	u = strchr(r->params[0], '@') != NULL ? user_get_outside(req_db(r),
	    r->arena, r->params[0]) : user_get_by_name(req_db(r), r->arena,
	    r->params[0]);
	if (u == NULL || u->id == r->user->id) {
		req_error(r, 404, "There is nobody with this name here.");
		return NULL;
	}
	return u;
}

/* Done: back where the form said (the settings list), else the profile,
 * with a notice. */
static void
safety_back(struct req *r, const char *notice)
{
	const char	*back = kv_get(&r->form, "back");

	if (back != NULL && strcmp(back, "settings") == 0)
		req_redirect(r, arena_printf(r->arena,
		    "/settings/safety?notice=%s", notice));
	else
		req_redirect(r, arena_printf(r->arena, "/@%s?notice=%s",
		    r->params[0], notice));
}

static void muted(struct req *r, void *arg) { (void)arg; safety_back(r, "muted"); }
static void unmuted(struct req *r, void *arg) { (void)arg; safety_back(r, "unmuted"); }
static void blocked(struct req *r, void *arg) { (void)arg; safety_back(r, "blocked"); }
static void unblocked(struct req *r, void *arg) { (void)arg; safety_back(r, "unblocked"); }
static void noted(struct req *r, void *arg) { (void)arg; safety_back(r, "note"); }

/* Mute or unmute; notifications unless the form says "posts only". */
static enum handled
safety_mute(struct req *r, int add)
{
	struct mute_cmd	*m;
	struct user	*u;
	const char	*n = kv_get(&r->form, "notifications");
	const char	*d = kv_get(&r->form, "duration");

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	m = arena_alloc(r->arena, sizeof *m);
	memset(m, 0, sizeof *m);
	m->actor = r->user->id;
	m->target = u->id;
	m->add = add;
	m->notifications = n == NULL || strcmp(n, "0") != 0;
	m->duration = d != NULL ? strtoll(d, NULL, 10) : 0;
	if (m->duration < 0 || m->duration > 365 * 86400)
		m->duration = 0;
	return req_command(r, mute_set, add ? muted : unmuted, m);
}

/* POST /@name/mute */
enum handled
web_profile_mute(struct req *r)
{
	return safety_mute(r, 1);
}

/* POST /@name/unmute */
enum handled
web_profile_unmute(struct req *r)
{
	return safety_mute(r, 0);
}

/* GET /@name/block: the question first (a block ends follows both ways). */
enum handled
web_profile_block_confirm(struct req *r)
{
	struct user	*u;
	json_t		*v;

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	v = req_view(r, N_("Block"));
	json_object_set_new(v, "person", json_pack("{s:s, s:s}", "name",
	    u->display_name && *u->display_name ? u->display_name :
	    u->username, "path", arena_printf(r->arena, "/@%s",
	    r->params[0])));
	req_html(r, 200, "safety-block", v);
	return HANDLED;
}

/* POST /@name/block */
enum handled
web_profile_block(struct req *r)
{
	struct user	*u;

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	return req_toggle(r, block_set, u->id, 1, blocked);
}

/* POST /@name/unblock */
enum handled
web_profile_unblock(struct req *r)
{
	struct user	*u;

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	return req_toggle(r, block_set, u->id, 0, unblocked);
}

/* POST /@name/note: the private note (empty removes it). */
enum handled
web_profile_note(struct req *r)
{
	struct account_note	*n;
	struct user		*u;
	const char		*c = kv_get(&r->form, "comment");

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	n = arena_alloc(r->arena, sizeof *n);
	n->actor = r->user->id;
	n->target = u->id;
	n->comment = c != NULL ? arena_trim(r->arena, c) : "";
	return req_command(r, account_note_set, noted, n);
}

/* The report form: the person's recent posts to tick (post: ticked). */
static void
report_page(struct req *r, int status, struct user *u, int64_t post,
    const char *error)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, REPORT_POSTS_OFFERED };
	json_t		*v, *posts = json_array();
	struct post	*p;
	size_t		 i;

	if (post != 0)
		idlist_add(r->arena, &ids, post);
	(void)timeline_account(req_db(r), r->arena, r->user->id, u->id,
	    AF_NO_REBLOGS, &pg, &ids, NULL);
	for (i = 0; i < ids.n; i++) {
		if (i > 0 && ids.ids[i] == post)
			continue;
		if ((p = post_get(req_db(r), r->arena, r->user->id,
		    ids.ids[i])) == NULL)
			continue;
		json_array_append_new(posts, json_pack("{s:I, s:s, s:b}",
		    "id", (json_int_t)p->id, "text", p->text != NULL ?
		    p->text : "", "checked", p->id == post));
	}
	v = req_view(r, N_("Report"));
	json_object_set_new(v, "person", json_pack("{s:s, s:s}", "name",
	    u->display_name && *u->display_name ? u->display_name :
	    u->username, "path", arena_printf(r->arena, "/@%s",
	    r->params[0])));
	json_object_set_new(v, "posts", posts);
	json_object_set_new(v, "has_posts", json_boolean(
	    json_array_size(posts) > 0));
	if (error != NULL)
		json_object_set_new(v, "error", json_string(error));
	req_html(r, status, "report", v);
}

/* GET /@name/report (?post=ID ticks that post) */
enum handled
web_profile_report_form(struct req *r)
{
	struct user	*u;

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	report_page(r, 200, u, req_id(r, "post"), NULL);
	return HANDLED;
}

/* Filed: back to the profile, told the admins have it. */
static void
reported(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, arena_printf(r->arena, "/@%s?notice=reported",
	    r->params[0]));
}

/* A refusal (a post not theirs, a comment too long): the form again. */
static void
report_refused(struct req *r, void *arg, int rc, const char *cause)
{
	struct report_new	*n = arg;
	struct user		*u;

	if (rc == E_OK) {
		reported(r, arg);
		return;
	}
	if ((u = user_get(req_db(r), r->arena, n->target)) == NULL) {
		req_domain_error(r, rc, cause);
		return;
	}
	report_page(r, 422, u, 0, cause != NULL ? cause :
	    req_tr(r, "The report could not be sent."));
}

/* POST /@name/report: category, comment, status_ids. */
enum handled
web_profile_report(struct req *r)
{
	struct report_new	*n;
	struct user		*u;
	size_t			 i;
	int64_t			 id;

	if ((u = safety_person(r)) == NULL)
		return HANDLED;
	n = arena_alloc(r->arena, sizeof *n);
	memset(n, 0, sizeof *n);
	n->reporter = r->user->id;
	n->target = u->id;
	n->category = kv_get(&r->form, "category");
	n->comment = kv_get(&r->form, "comment");
	for (i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.v[i].key, "status_ids") == 0 &&
		    (id = id_parse(r->form.v[i].value)) > 0 &&
		    !idlist_has(&n->statuses, id))
			idlist_add(r->arena, &n->statuses, id);
	}
	return req_command_then(r, report_create, report_refused, n);
}

/* People as the settings list shows them. */
static json_t *
people_view(struct req *r, const struct idlist *ids, int mutes)
{
	json_t		*list = json_array();
	struct user	*u;
	int64_t		 until;
	size_t		 i;

	for (i = 0; i < ids->n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids->ids[i])) == NULL)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "name", u->display_name && *u->display_name ?
		    u->display_name : u->username, "acct", u->username,
		    "path", arena_printf(r->arena, "/@%s", u->username)));
		if (mutes && (until = mute_expires(req_db(r), r->user->id,
		    u->id)) > 0)
			web_time(r, json_array_get(list, json_array_size(list) -
			    1), "until", until);
	}
	return list;
}

/* GET /settings/safety: whom I mute and block, each with undo. */
enum handled
web_settings_safety(struct req *r)
{
	struct idlist	 mutes = { NULL, 0, 0 }, blocks = { NULL, 0, 0 };
	struct idlist	 cur = { NULL, 0, 0 };
	struct page	 pg = { 0, 0, 0, 200 };
	json_t		*v;

	if (mute_list(req_db(r), r->arena, r->user->id, &pg, &mutes,
	    &cur) != 0 || block_list(req_db(r), r->arena, r->user->id, &pg,
	    &blocks, &cur) != 0) {
		req_error(r, 500, "The page could not be read.");
		return HANDLED;
	}
	v = settings_view(r, N_("Mutes and blocks"), "safety");
	json_object_set_new(v, "mutes", people_view(r, &mutes, 1));
	json_object_set_new(v, "blocks", people_view(r, &blocks, 0));
	json_object_set_new(v, "has_mutes", json_boolean(mutes.n > 0));
	json_object_set_new(v, "has_blocks", json_boolean(blocks.n > 0));
	req_html(r, 200, "settings-safety", v);
	return HANDLED;
}

/* The profile's part: the relation, the note, and the More menu's state. */
void
web_profile_safety(struct req *r, const struct user *u, json_t *a)
{
	struct relationship	rel;

	memset(&rel, 0, sizeof rel);
	block_relationship(req_db(r), r->user->id, u->id, &rel);
	mute_relationship(req_db(r), r->user->id, u->id, &rel);
	json_object_set_new(a, "muting", json_boolean(rel.muting));
	json_object_set_new(a, "blocking", json_boolean(rel.blocking));
	json_object_set_new(a, "blocked_by", json_boolean(rel.blocked_by));
	json_object_set_new(a, "private_note", json_string(account_note_get(
	    req_db(r), r->arena, r->user->id, u->id)));
}
