/*
 * profile.c: a person's profile page, GET /@name (who they are, their
 * counts, a Follow or Unfollow button, the posts they pinned and the
 * posts the viewer may see),
 * and POST /@name/follow and /@name/unfollow. /@name@host is someone
 * outside the company the bridge knows: their page here, with where they
 * are from and a link to their own.
 */
#include <string.h>

#include "pages.h"

/* The person a /@name path names: a colleague, or (name@host) someone
 * outside; NULL if nobody (or disabled). */
static struct user *
profile_person(struct req *r, const char *name)
{
	struct user	*u;

	u = strchr(name, '@') != NULL ? user_get_outside(req_db(r), r->arena,
	    name) : user_get_by_name(req_db(r), r->arena, name);
	return u != NULL && !u->disabled ? u : NULL;
}

/* Add a profile text to the view when it is set. */
static void
profile_text(json_t *v, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		json_object_set_new(v, key, json_string(value));
}

/*
 * The first page's pinned posts the viewer may read (status-pin.c), each
 * card with its "Pinned" mark, into the view; taken out of ids, the
 * stream below, so none shows twice.
 */
static void
profile_pins(struct req *r, json_t *v, int64_t account, struct idlist *ids,
    const char *back)
{
	struct idlist	 pins = { NULL, 0, 0 }, one;
	json_t		*list = json_array();
	size_t		 i, j, k;

	if (status_pins(req_db(r), r->arena, r->user->id, account, &pins) !=
	    0 || pins.n == 0) {
		json_decref(list);
		return;
	}
	for (i = 0; i < pins.n; i++) {
		one.ids = &pins.ids[i];
		one.n = one.cap = 1;
		json_array_append_new(list, json_pack("{s:o}", "card",
		    web_cards(r, &one, back)));
	}
	json_object_set_new(v, "pinned", list);
	json_object_set_new(v, "has_pinned", json_true());
	for (i = j = 0; i < ids->n; i++) {
		for (k = 0; k < pins.n && pins.ids[k] != ids->ids[i]; k++)
			;
		if (k == pins.n)
			ids->ids[j++] = ids->ids[i];
	}
	ids->n = j;
}

/* GET /@name */
enum handled
web_profile(struct req *r)
{
	struct idlist		 ids = { NULL, 0, 0 };
	struct profile_field	*pf = NULL;
	struct relationship	 rel;
	struct user		*u;
	struct page		 pg;
	struct ectx		 e;
	json_t			*v, *a, *fields = json_array();
	const char		*path;
	int64_t			 full;
	size_t			 i, n = 0;
	int			 rc;

	if ((u = profile_person(r, r->params[0])) == NULL) {
		json_decref(fields);
		req_error(r, 404, "There is nobody with this name here.");
		return HANDLED;
	}
	if (page_parse(r, &pg, 20, 40) != 0) {
		json_decref(fields);
		return HANDLED;
	}
	rc = timeline_account(req_db(r), r->arena, r->user->id, u->id, AF_ALL,
	    &pg, &ids, NULL);
	if (rc != E_OK) {
		json_decref(fields);
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	a = entity_account(&e, u);
	ectx_free(&e);
	json_object_set_new(a, "path", json_string(arena_printf(r->arena,
	    "/@%s", u->username)));
	profile_text(a, "job_title", u->job_title);
	profile_text(a, "department", u->department);
	profile_text(a, "location", u->location);
	profile_text(a, "phone", u->phone);
	profile_text(a, "pronouns", u->pronouns);
	if (profile_fields(req_db(r), r->arena, u->id, &pf, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (*pf[i].value != '\0')
				json_array_append_new(fields, json_pack(
				    "{s:s, s:s}", "name", pf[i].name,
				    "value", pf[i].value));
		}
	}
	json_object_set_new(a, "company_fields", fields);
	if (u->origin != NULL) {
		json_object_set_new(a, "outside_host", json_string(u->origin));
		json_object_set_new(a, "outside_link", json_string(
		    u->outside_url != NULL ? u->outside_url : u->outside_uri));
	}
	json_object_set_new(a, "posts_word", json_string(trn(req_lang(r),
	    (long)u->statuses_count, "post", "posts")));
	json_object_set_new(a, "followers_word", json_string(trn(req_lang(r),
	    (long)u->followers_count, "follower", "followers")));
	follow_relationship(req_db(r), r->user->id, u->id, &rel);
	json_object_set_new(a, "self", json_boolean(u->id == r->user->id));
	json_object_set_new(a, "following", json_boolean(rel.following));
	json_object_set_new(a, "followed_by", json_boolean(rel.followed_by));
	if (u->id != r->user->id)
		web_profile_safety(r, u, a);	/* safety.c */

	v = req_view(r, u->display_name ? u->display_name : u->username);
	if (u->id == r->user->id)
		web_nav(v, "profile");
	web_notice(r, v);
	json_object_set_new(v, "account", a);
	path = arena_printf(r->arena, "/@%s", u->username);
	full = ids.n > 0 && (int)ids.n >= pg.limit ? ids.ids[ids.n - 1] : 0;
	if (pg.max_id == 0 && pg.since_id == 0 && pg.min_id == 0)
		profile_pins(r, v, u->id, &ids, path);
	web_stream(r, v, &ids, &pg, path);
	/* Older: below the page as read, pins taken out or not. */
	if (full != 0)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "%s?max_id=%lld", path, (long long)full)));
	req_html(r, 200, "profile", v);
	return HANDLED;
}

/* Done: back to the profile, or to the notifications when the follow was
 * a "Follow back" there (the one other page a follow form is on). */
static void
follow_reply(struct req *r, void *arg)
{
	const char	*back = kv_get(&r->form, "back");

	(void)arg;
	if (back != NULL && strcmp(back, "notifications") == 0) {
		req_redirect(r, "/notifications");
		return;
	}
	req_redirect(r, web_next(r, arena_printf(r->arena, "/@%s",
	    r->params[0])));
}

/* Shared by follow and unfollow. */
static enum handled
follow(struct req *r, int add)
{
	struct user	*u;

	if ((u = add ? profile_person(r, r->params[0]) : strchr(r->params[0],
	    '@') != NULL ? user_get_outside(req_db(r), r->arena,
	    r->params[0]) : user_get_by_name(req_db(r), r->arena,
	    r->params[0])) == NULL) {
		req_error(r, 404, "There is nobody with this name here.");
		return HANDLED;
	}
	if (add && u->origin != NULL && req_gate_follow(r, u->id) != 0)
		return HANDLED;
	return req_toggle(r, follow_set, u->id, add, follow_reply);
}

/* POST /@name/follow: csrf. */
enum handled
web_profile_follow(struct req *r)
{
	return follow(r, 1);
}

/* POST /@name/unfollow: csrf. */
enum handled
web_profile_unfollow(struct req *r)
{
	return follow(r, 0);
}
