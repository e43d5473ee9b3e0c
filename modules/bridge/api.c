/*
 * api.c: the bridge's extensions of the Mastodon API (docs/api.md):
 * sharing one's post outside and withdrawing it, and the desk's queue,
 * decisions and the delivery counts for apps and scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

/* A write's outcome: the share's state, or the error. */
struct br_api_share {
	int64_t	 post;
	int	 add;
};

static int
br_api_share_write(struct hm_req *r, struct hm_db *db, void *arg,
    char **cause)
{
	struct br_api_share	*s = arg;

	return s->add ? br_share_request(db, s->post, A->req_user(r), cause) :
	    br_share_withdraw(db, s->post, A->req_user(r), cause);
}

/* The share's state as the API shows it. */
static json_t *
br_share_json(struct hm_req *r, int64_t post)
{
	struct hm_stmt	*st;
	json_t		*o = NULL;

	st = A->db_prepare(A->req_db(r), "SELECT state, note, COALESCE("
	    "published_at, 0) FROM bridge_shares WHERE post_id = ?");
	if (st == NULL)
		return json_object();
	A->db_bind_int(st, 1, post);
	if (A->db_step(st) == 1)
		o = json_pack("{s:s, s:s, s:s?, s:b}", "id", A->req_printf(r,
		    "%lld", (long long)post), "state", A->db_column_text(st, 0),
		    "note", A->db_column_text(st, 1), "published",
		    A->db_column_int(st, 2) != 0);
	A->db_finalize(st);
	return o != NULL ? o : json_pack("{s:s, s:s}", "id", A->req_printf(r,
	    "%lld", (long long)post), "state", "none");
}

static void
br_api_share_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_api_share	*s = arg;

	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "Internal error");
		return;
	}
	A->reply_json(r, 200, br_share_json(r, s->post));
}

/* POST and DELETE /api/v1/statuses/:id/share_outside */
static int
br_api_share_set(struct hm_req *r, int add)
{
	struct br_api_share	*s = A->req_alloc(r, sizeof *s);
	const char		*id = A->req_route_param(r, 0);

	s->post = id != NULL ? strtoll(id, NULL, 10) : 0;
	s->add = add;
	if (s->post <= 0) {
		A->reply_error(r, 404, "Record not found");
		return HM_DONE;
	}
	return A->write(r, br_api_share_write, br_api_share_reply, s);
}

int
br_api_share(struct hm_req *r)
{
	return br_api_share_set(r, 1);
}

int
br_api_unshare(struct hm_req *r)
{
	return br_api_share_set(r, 0);
}

/* Whether the person asking is on the desk; else answered 403. */
int
br_api_desk_only(struct hm_req *r)
{
	if (br_is_desk(A->req_db(r), A->req_user(r)))
		return 1;
	A->reply_error(r, 403, "This is for the communications desk.");
	return 0;
}

/* A limit parameter, 1 to max (default def). */
static int
br_limit(struct hm_req *r, int def, int max)
{
	const char	*v = A->req_param(r, "limit");
	int		 n = v != NULL ? atoi(v) : def;

	return n < 1 ? def : n > max ? max : n;
}

/* GET /api/v1/admin/bridge/queue */
int
br_api_queue(struct hm_req *r)
{
	if (!br_api_desk_only(r))
		return HM_DONE;
	A->reply_json(r, 200, br_queue_json(A->req_db(r), r,
	    br_limit(r, 40, 200)));
	return HM_DONE;
}

/* GET /api/v1/admin/bridge/decisions */
int
br_api_decisions(struct hm_req *r)
{
	if (!br_api_desk_only(r))
		return HM_DONE;
	A->reply_json(r, 200, br_decisions_json(A->req_db(r), r,
	    br_limit(r, 40, 200)));
	return HM_DONE;
}

/* GET /api/v1/admin/bridge/deliveries */
int
br_api_deliveries(struct hm_req *r)
{
	A->reply_json(r, 200, br_deliveries_json(A->req_db(r)));
	return HM_DONE;
}

struct br_api_decision {
	int64_t		 post;
	int		 approve;
	const char	*note;
};

static int
br_api_decide_write(struct hm_req *r, struct hm_db *db, void *arg,
    char **cause)
{
	struct br_api_decision	*d = arg;

	return br_desk_decide(db, d->post, A->req_user(r), d->approve,
	    d->note, cause);
}

static void
br_api_decide_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_api_decision	*d = arg;

	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "Internal error");
		return;
	}
	A->reply_json(r, 200, br_share_json(r, d->post));
}

/* POST /api/v1/admin/bridge/queue/:id/approve (or /decline), note=... */
int
br_api_decide(struct hm_req *r)
{
	struct br_api_decision	*d = A->req_alloc(r, sizeof *d);
	const char		*id = A->req_route_param(r, 0);
	const char		*what = A->req_route_param(r, 1);

	if (!br_api_desk_only(r))
		return HM_DONE;
	d->post = id != NULL ? strtoll(id, NULL, 10) : 0;
	if (what == NULL || (strcmp(what, "approve") != 0 &&
	    strcmp(what, "decline") != 0) || d->post <= 0) {
		A->reply_error(r, 404, "Record not found");
		return HM_DONE;
	}
	d->approve = strcmp(what, "approve") == 0;
	d->note = A->req_param(r, "note");
	return A->write(r, br_api_decide_write, br_api_decide_reply, d);
}
