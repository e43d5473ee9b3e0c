/*
 * web.c: the bridge's pages on the internal site: a person's "Outside"
 * settings (opting in and out, the bio the outside sees, followers held
 * for approval; admins opt team accounts in), sharing one's post (with a
 * preview of exactly what would leave), the desk (waiting posts rendered
 * as the outside will see them, approve or decline with a note), its
 * record of decisions, and the delivery queue for admins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

/* What a page's ?done= says happened. */
static const struct {
	const char	*key;
	const char	*text;
} notices[] = {
	{ "enabled",	"You are visible outside the company now." },
	{ "disabled",	"You are no longer visible outside. Your posts and "
	    "profile are being deleted from the servers that had them." },
	{ "saved",	"Saved." },
	{ "account",	"Done." },
	{ "follower",	"Done." },
	{ "shared",	"Sent to the desk." },
	{ "shared_out",	"Shared outside." },
	{ "withdrawn",	"Withdrawn: a Delete goes to the servers that had "
	    "it." },
	{ "approved",	"Approved: it is on its way out." },
	{ "declined",	"Declined; the author is told." },
};

static void
br_notice(struct hm_req *r, json_t *v)
{
	const char	*done = A->req_param(r, "done");
	size_t		 i;

	for (i = 0; done != NULL && i < sizeof notices / sizeof notices[0];
	    i++) {
		if (strcmp(done, notices[i].key) == 0) {
			json_object_set_new(v, "notice",
			    json_string(notices[i].text));
			return;
		}
	}
}

/* The person's shares, newest first, for the settings page. */
static json_t *
br_my_shares(struct hm_req *r)
{
	struct hm_stmt	*st;
	json_t		*list = json_array();

	st = A->db_prepare(A->req_db(r), "SELECT post_id, state, note, "
	    "published_at IS NOT NULL FROM bridge_shares WHERE author_id = ? "
	    "ORDER BY post_id DESC LIMIT 20");
	if (st == NULL)
		return list;
	A->db_bind_int(st, 1, A->req_user(r));
	while (A->db_step(st) == 1)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:b, "
		    "s:s}", "id", A->req_printf(r, "%lld", (long long)
		    A->db_column_int(st, 0)), "state", A->db_column_text(st, 1),
		    "note", A->db_column_text(st, 2), "out",
		    A->db_column_int(st, 3) != 0, "path", A->req_printf(r,
		    "/bridge/share/%lld", (long long)A->db_column_int(st, 0))));
	A->db_finalize(st);
	return list;
}

/* GET /settings/bridge */
int
br_web_settings(struct hm_req *r)
{
	struct br_actor	 a;
	struct hm_stmt	*st;
	json_t		*v = A->view(r, "Outside the company"), *b, *pending;
	int		 on;

	on = br_actor_get(A->req_db(r), A->req_user(r), NULL, &a) == 0 &&
	    a.disabled_at == 0;
	b = json_pack("{s:b, s:s, s:s, s:b, s:b}", "enabled", on,
	    "host", br_conf.host, "base", br_conf.base,
	    "desk", br_conf.desk, "admin", A->req_admin(r));
	if (on) {
		json_object_set_new(b, "handle", json_string(A->req_printf(r,
		    "@%s@%s", a.username, br_conf.host)));
		json_object_set_new(b, "profile_url", json_string(
		    A->req_printf(r, "%s/@%s", br_conf.base, a.username)));
		json_object_set_new(b, "bio", json_string(a.bio ? a.bio : ""));
		json_object_set_new(b, "approve_followers",
		    json_boolean(a.approve_followers));
		pending = json_array();
		st = A->db_prepare(A->req_db(r), "SELECT id, actor, state FROM "
		    "bridge_followers WHERE user_id = ? ORDER BY id DESC LIMIT "
		    "200");
		if (st != NULL) {
			int64_t	n = 0;

			A->db_bind_int(st, 1, a.user_id);
			while (A->db_step(st) == 1) {
				if (strcmp(A->db_column_text(st, 2),
				    "accepted") == 0) {
					n++;
					continue;
				}
				json_array_append_new(pending, json_pack(
				    "{s:s, s:s}", "id", A->req_printf(r, "%lld",
				    (long long)A->db_column_int(st, 0)),
				    "actor", A->db_column_text(st, 1)));
			}
			A->db_finalize(st);
			json_object_set_new(b, "followers", json_integer(n));
		}
		json_object_set_new(b, "has_pending",
		    json_boolean(json_array_size(pending) > 0));
		json_object_set_new(b, "pending", pending);
		pending = br_my_shares(r);
		json_object_set_new(b, "has_shares",
		    json_boolean(json_array_size(pending) > 0));
		json_object_set_new(b, "shares", pending);
	}
	if (a.user_id != 0)
		br_actor_free(&a);
	json_object_set_new(v, "bridge", b);
	br_notice(r, v);
	A->reply_html(r, 200, "bridge/settings", v);
	return HM_DONE;
}

/* A settings action on its way to the writer. */
struct br_settings {
	const char	*action;
	const char	*bio;
	int		 approve;
	const char	*account;
	int64_t		 follower;
	const char	*done;
};

static int
br_settings_write(struct hm_req *r, struct hm_db *db, void *arg,
    char **cause)
{
	struct br_settings	*s = arg;
	struct hm_user_info	 u;
	int64_t			 me = A->req_user(r), id;
	int			 rc;

	if (strcmp(s->action, "enable") == 0) {
		s->done = "enabled";
		return br_opt_in(db, me, me, cause);
	}
	if (strcmp(s->action, "disable") == 0) {
		s->done = "disabled";
		return br_opt_out(db, me, cause);
	}
	if (strcmp(s->action, "save") == 0) {
		s->done = "saved";
		if (br_chars(s->bio) > BR_BIO_MAX) {
			*cause = br_printf("The bio is too long: at most %d "
			    "characters.", BR_BIO_MAX);
			return HM_INVALID;
		}
		return br_actor_set(db, me, s->bio ? s->bio : "", s->approve,
		    cause);
	}
	if (strcmp(s->action, "follower_accept") == 0 ||
	    strcmp(s->action, "follower_reject") == 0) {
		s->done = "follower";
		return br_follower_decide(db, me, s->follower,
		    strcmp(s->action, "follower_accept") == 0, cause);
	}
	if (strcmp(s->action, "enable_account") == 0 ||
	    strcmp(s->action, "disable_account") == 0) {
		if (!A->req_admin(r)) {
			*cause = strdup("Only admins opt other accounts in.");
			return HM_FORBIDDEN;
		}
		if (s->account == NULL ||
		    A->user_find(db, 0, s->account, &u) != 0) {
			*cause = strdup("No such account.");
			return HM_INVALID;
		}
		id = u.id;
		A->user_info_free(&u);
		s->done = "account";
		rc = strcmp(s->action, "enable_account") == 0 ?
		    br_opt_in(db, id, me, cause) : br_opt_out(db, id, cause);
		return rc;
	}
	*cause = strdup("Unknown action.");
	return HM_INVALID;
}

/* Back from a write: the page again with what happened, or the error. */
static void
br_settings_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_settings	*s = arg;

	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The change could not be saved.");
		return;
	}
	A->redirect(r, A->req_printf(r, "/settings/bridge?done=%s", s->done));
}

/* POST /settings/bridge */
int
br_web_settings_save(struct hm_req *r)
{
	struct br_settings	*s = A->req_alloc(r, sizeof *s);
	const char		*f = A->req_param(r, "follower");

	s->action = A->req_param(r, "action");
	if (s->action == NULL) {
		A->reply_error(r, 422, "Which action? (action is missing)");
		return HM_DONE;
	}
	s->bio = A->req_param(r, "bio");
	s->approve = br_truthy(A->req_param(r, "approve_followers"));
	s->account = A->req_param(r, "account");
	s->follower = f != NULL ? strtoll(f, NULL, 10) : 0;
	return A->write(r, br_settings_write, br_settings_reply, s);
}

/* A post's :id from the route. */
int64_t
br_route_id(struct hm_req *r)
{
	const char	*id = A->req_route_param(r, 0);

	return id != NULL ? strtoll(id, NULL, 10) : 0;
}

/* GET /bridge/share/:id: one's own post as the outside would see it. */
static int
br_web_share_page(struct hm_req *r)
{
	struct hm_post_info	 p;
	struct br_actor		 a;
	struct br_note		 n;
	struct hm_stmt		*st;
	const char		*why;
	json_t			*v;
	int64_t			 id = br_route_id(r);

	if (A->post_info(A->req_db(r), id, &p) != 0 ||
	    p.author_id != A->req_user(r)) {
		if (p.id != 0)
			A->post_info_free(&p);
		A->reply_error(r, 404, "There is no post of yours at this "
		    "address.");
		return HM_DONE;
	}
	v = A->view(r, "Share outside");
	br_notice(r, v);
	json_object_set_new(v, "post_id", json_string(A->req_printf(r, "%lld",
	    (long long)id)));
	if ((why = br_share_refusal(A->req_db(r), &p)) != NULL)
		json_object_set_new(v, "refusal", json_string(why));
	else if (br_actor_get(A->req_db(r), p.author_id, NULL, &a) == 0) {
		if (br_note_render(A->req_db(r), &a, &p, &n) == 0) {
			json_object_set_new(v, "preview", json_pack("{s:s, "
			    "s:s?, s:s}", "html", n.html, "summary", n.summary,
			    "handle", A->req_printf(r, "@%s@%s", a.username,
			    br_conf.host)));
			br_note_free(&n);
		}
		br_actor_free(&a);
	}
	st = A->db_prepare(A->req_db(r), "SELECT state, note, published_at IS "
	    "NOT NULL FROM bridge_shares WHERE post_id = ?");
	if (st != NULL) {
		A->db_bind_int(st, 1, id);
		if (A->db_step(st) == 1)
			json_object_set_new(v, "share", json_pack("{s:s, s:s?, "
			    "s:b, s:b, s:b}", "state", A->db_column_text(st, 0),
			    "note", A->db_column_text(st, 1), "out",
			    A->db_column_int(st, 2) != 0, "active", strcmp(
			    A->db_column_text(st, 0), "pending") == 0 ||
			    strcmp(A->db_column_text(st, 0), "approved") == 0,
			    "pending", strcmp(A->db_column_text(st, 0),
			    "pending") == 0));
		A->db_finalize(st);
	}
	json_object_set_new(v, "desk", json_boolean(br_conf.desk));
	A->post_info_free(&p);
	A->reply_html(r, 200, "bridge/share", v);
	return HM_DONE;
}

struct br_share_form {
	int64_t	 post;
	int	 add;
};

static int
br_share_form_write(struct hm_req *r, struct hm_db *db, void *arg,
    char **cause)
{
	struct br_share_form	*s = arg;

	return s->add ? br_share_request(db, s->post, A->req_user(r), cause) :
	    br_share_withdraw(db, s->post, A->req_user(r), cause);
}

static void
br_share_form_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_share_form	*s = arg;

	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The change could not be saved.");
		return;
	}
	A->redirect(r, A->req_printf(r, "/bridge/share/%lld?done=%s",
	    (long long)s->post, !s->add ? "withdrawn" : br_conf.desk ?
	    "shared" : "shared_out"));
}

/* GET and POST /bridge/share/:id (action=share|withdraw) */
int
br_web_share(struct hm_req *r)
{
	struct br_share_form	*s;
	const char		*action;

	if (A->req_method(r) == HM_GET)
		return br_web_share_page(r);
	s = A->req_alloc(r, sizeof *s);
	action = A->req_param(r, "action");
	s->post = br_route_id(r);
	s->add = action == NULL || strcmp(action, "withdraw") != 0;
	return A->write(r, br_share_form_write, br_share_form_reply, s);
}

/* Whether the person asking is on the desk; else a 403 page. */
int
br_web_desk_only(struct hm_req *r)
{
	if (br_is_desk(A->req_db(r), A->req_user(r)))
		return 1;
	A->reply_error(r, 403, "The desk is for the people who approve what "
	    "goes outside: admins, and those an admin added.");
	return 0;
}

/* GET /bridge/desk */
int
br_web_desk(struct hm_req *r)
{
	json_t	*v;

	if (!br_web_desk_only(r))
		return HM_DONE;
	v = A->view(r, "The desk");
	br_notice(r, v);
	json_object_set_new(v, "queue", br_queue_json(A->req_db(r), r, 50));
	if (br_reports_open(A->req_db(r)) > 0)
		json_object_set_new(v, "reports", json_integer(
		    br_reports_open(A->req_db(r))));
	json_object_set_new(v, "host", json_string(br_conf.host));
	A->reply_html(r, 200, "bridge/desk", v);
	return HM_DONE;
}

struct br_desk_form {
	int64_t		 post;
	int		 approve;
	const char	*note;
};

static int
br_desk_form_write(struct hm_req *r, struct hm_db *db, void *arg,
    char **cause)
{
	struct br_desk_form	*d = arg;

	return br_desk_decide(db, d->post, A->req_user(r), d->approve,
	    d->note, cause);
}

static void
br_desk_form_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_desk_form	*d = arg;

	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The decision could not be saved.");
		return;
	}
	A->redirect(r, d->approve ? "/bridge/desk?done=approved" :
	    "/bridge/desk?done=declined");
}

/* POST /bridge/desk/:id (decision=approve|decline, note) */
int
br_web_desk_decide(struct hm_req *r)
{
	struct br_desk_form	*d = A->req_alloc(r, sizeof *d);
	const char		*what = A->req_param(r, "decision");

	if (!br_web_desk_only(r))
		return HM_DONE;
	if (what == NULL || (strcmp(what, "approve") != 0 &&
	    strcmp(what, "decline") != 0)) {
		A->reply_error(r, 422, "decision must be approve or decline");
		return HM_DONE;
	}
	d->post = br_route_id(r);
	d->approve = strcmp(what, "approve") == 0;
	d->note = A->req_param(r, "note");
	return A->write(r, br_desk_form_write, br_desk_form_reply, d);
}

/* GET /bridge/desk/history */
int
br_web_history(struct hm_req *r)
{
	json_t	*v;

	if (!br_web_desk_only(r))
		return HM_DONE;
	v = A->view(r, "The desk's decisions");
	json_object_set_new(v, "decisions", br_decisions_json(A->req_db(r), r,
	    200));
	A->reply_html(r, 200, "bridge/history", v);
	return HM_DONE;
}

/* GET /bridge/queue (admins) */
int
br_web_queue(struct hm_req *r)
{
	json_t	*v = A->view(r, "Deliveries outside");
	json_t	*hosts = br_deliveries_json(A->req_db(r));

	json_object_set_new(v, "has_hosts", json_boolean(json_array_size(hosts)
	    > 0));
	json_object_set_new(v, "hosts", hosts);
	A->reply_html(r, 200, "bridge/queue", v);
	return HM_DONE;
}
