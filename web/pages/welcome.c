/*
 * welcome.c: the welcome checklist on a newcomer's home page (each step
 * done or not from what they have really done, with colleagues to follow
 * and groups to join beside it), and POST /welcome/dismiss and
 * /welcome/restore, which put it away and bring it back.
 */
#include <time.h>

#include "pages.h"

#define WELCOME_PEOPLE	4	/* colleagues suggested at once */
#define WELCOME_SUGGESTED_GROUPS 3

/* One step of the list. */
static json_t *
welcome_step(const char *id, const char *text, const char *href,
    const char *link, int done, const char *progress)
{
	json_t	*s = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", id, "text",
	    text, "href", href, "link", link, "done", done);

	if (progress != NULL)
		json_object_set_new(s, "progress", json_string(progress));
	return s;
}

/* Colleagues to follow, each a card with a Follow button back to home. */
static json_t *
welcome_people_view(struct req *r, const struct user *me)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct user	*u;
	struct ectx	 e;
	json_t		*list = json_array(), *a;
	size_t		 i;

	if (welcome_people(req_db(r), r->arena, me, WELCOME_PEOPLE,
	    &ids) != 0)
		return list;
	req_ectx(r, &e);
	for (i = 0; i < ids.n; i++) {
		if ((u = user_get(req_db(r), r->arena, ids.ids[i])) == NULL ||
		    (a = entity_account(&e, u)) == NULL)
			continue;
		json_object_set_new(a, "path", json_string(arena_printf(
		    r->arena, "/@%s", u->username)));
		if (u->job_title != NULL && *u->job_title != '\0')
			json_object_set_new(a, "job_title", json_string(
			    u->job_title));
		json_array_append_new(list, a);
	}
	ectx_free(&e);
	return list;
}

/* Groups to join, each with a Join button back to home. */
static json_t *
welcome_groups_view(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct group	*g;
	json_t		*list = json_array();
	size_t		 i;

	if (welcome_groups(req_db(r), r->arena, r->user->id,
	    WELCOME_SUGGESTED_GROUPS, &ids) != 0)
		return list;
	for (i = 0; i < ids.n; i++) {
		if ((g = group_get(req_db(r), r->arena, r->user->id,
		    ids.ids[i])) != NULL)
			json_array_append_new(list, web_group_view(r, g));
	}
	return list;
}

/*
 * Add the checklist to a home page's view: for newcomers (those who have
 * been here for years need no welcome), unless it was put away or every
 * step is done.
 */
void
web_welcome(struct req *r, json_t *v)
{
	struct welcome	 w;
	struct user	*me;
	json_t		*c, *steps;
	long long	 nf, ng;

	/* Most people are no newcomers: ask nothing more of them. */
	if (r->user->created_at < time(NULL) - WELCOME_DAYS * 86400 ||
	    (me = user_get(req_db(r), r->arena, r->user->id)) == NULL ||
	    welcome_state(req_db(r), me, &w) != 0 || !w.newcomer)
		return;
	if (w.dismissed) {
		if (w.done < 5)
			json_object_set_new(v, "welcome_restore", json_true());
		return;
	}
	if (w.done == 5)
		return;
	steps = json_array();
	nf = w.nfollows < WELCOME_FOLLOWS ? w.nfollows : WELCOME_FOLLOWS;
	ng = w.ngroups < WELCOME_GROUPS ? w.ngroups : WELCOME_GROUPS;
	json_array_append_new(steps, welcome_step("photo", req_tr(r,
	    "Add a photo"), "/settings/profile", req_tr(r, "Add your photo"),
	    w.avatar, NULL));
	json_array_append_new(steps, welcome_step("title", req_tr(r,
	    "Say what you do"), "/settings/profile", req_tr(r,
	    "Add your job title"), w.title, NULL));
	json_array_append_new(steps, welcome_step("follow", web_count(
	    r->arena, WELCOME_FOLLOWS, trn(req_lang(r), WELCOME_FOLLOWS,
	    "Follow {n} colleague", "Follow {n} colleagues")), "/directory",
	    req_tr(r, "Find people"), w.follows, i18n_format(r->arena,
	    req_tr(r, "{done} of {total}"), "done", web_count(r->arena, nf,
	    "{n}"), "total", web_count(r->arena, WELCOME_FOLLOWS, "{n}"),
	    NULL)));
	json_array_append_new(steps, welcome_step("groups", web_count(
	    r->arena, WELCOME_GROUPS, trn(req_lang(r), WELCOME_GROUPS,
	    "Join {n} group", "Join {n} groups")), "/groups",
	    req_tr(r, "Browse groups"), w.groups, i18n_format(r->arena,
	    req_tr(r, "{done} of {total}"), "done", web_count(r->arena, ng,
	    "{n}"), "total", web_count(r->arena, WELCOME_GROUPS, "{n}"),
	    NULL)));
	json_array_append_new(steps, welcome_step("hello", req_tr(r,
	    "Say hello"), "#status", req_tr(r, "Write your first post"),
	    w.posted, NULL));
	c = json_pack("{s:o, s:i, s:i}", "steps", steps, "done", w.done,
	    "total", 5);
	if (!w.follows) {
		json_t *people = welcome_people_view(r, me);

		if (json_array_size(people) > 0) {
			json_object_set_new(c, "suggest_people", people);
			json_object_set_new(c, "has_suggest_people",
			    json_true());
			if (me->department != NULL && *me->department != '\0')
				json_object_set_new(c, "department",
				    json_string(me->department));
		} else
			json_decref(people);
	}
	if (!w.groups) {
		json_t *groups = welcome_groups_view(r);

		if (json_array_size(groups) > 0) {
			json_object_set_new(c, "suggest_groups", groups);
			json_object_set_new(c, "has_suggest_groups",
			    json_true());
		} else
			json_decref(groups);
	}
	json_object_set_new(v, "welcome", c);
}

/* Done: back home. */
static void
welcome_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, "/"));
}

/* POST /welcome/dismiss: csrf. */
enum handled
web_welcome_dismiss(struct req *r)
{
	return req_toggle(r, welcome_dismiss_cmd, 0, 1, welcome_reply);
}

/* POST /welcome/restore: csrf. */
enum handled
web_welcome_restore(struct req *r)
{
	return req_toggle(r, welcome_dismiss_cmd, 0, 0, welcome_reply);
}
