/*
 * mutes.c: Mastodon's safety endpoints on people: mute and unmute (with
 * notifications and a duration), block and unblock, a private note, and
 * the pages of whom I mute and block. Each answers the Relationship as it
 * is after the write; the rules live in the domain (mute.c, block.c,
 * account-note.c, and page-fill.c where the streams apply them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

/* The person a route's :id names (disabled people too, so that a block
 * or mute can be undone); 0 after answering 404. */
static int64_t
target_param(struct req *r)
{
	int64_t	id = req_id(r, ":0");

	if (id == 0 || user_get(req_db(r), r->arena, id) == NULL) {
		req_error(r, 404, "Record not found");
		return 0;
	}
	return id;
}

/* Answer with the Relationship as it is now (arg's first field: the
 * actor, its second: the other person, as in struct toggle). */
static void
relationship_reply(struct req *r, void *arg)
{
	const int64_t	*who = arg;
	struct ectx	 e;

	req_ectx(r, &e);
	req_json(r, 200, entity_relationship(&e, who[1]));
	ectx_free(&e);
}

/* A boolean parameter that defaults to true (Mastodon's notifications). */
static int
param_true(struct req *r, const char *name)
{
	const char	*v = req_param(r, name);

	if (v == NULL || *v == '\0')
		return 1;
	return !(strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "off") == 0);
}

/* Mute (add) or unmute. */
static enum handled
mute_answer(struct req *r, int add)
{
	struct mute_cmd	*m;
	const char	*v = req_param(r, "duration");
	char		*end;
	long long	 d = 0;
	int64_t		 id;

	if ((id = target_param(r)) == 0)
		return HANDLED;
	if (add && v != NULL && *v != '\0') {
		errno = 0;
		d = strtoll(v, &end, 10);
		if (*end != '\0' || errno != 0 || d < 0 || d > 100LL * 365 *
		    86400) {
			req_error(r, 422, "duration must be a number of seconds");
			return HANDLED;
		}
	}
	m = arena_alloc(r->arena, sizeof *m);
	memset(m, 0, sizeof *m);
	m->actor = r->user->id;
	m->target = id;
	m->add = add;
	m->notifications = add ? param_true(r, "notifications") : 0;
	m->duration = d;
	return req_command(r, mute_set, relationship_reply, m);
}

/* POST /api/v1/accounts/:id/mute */
enum handled
api_account_mute(struct req *r)
{
	return mute_answer(r, 1);
}

/* POST /api/v1/accounts/:id/unmute */
enum handled
api_account_unmute(struct req *r)
{
	return mute_answer(r, 0);
}

/* POST /api/v1/accounts/:id/block */
enum handled
api_account_block(struct req *r)
{
	int64_t	id;

	if ((id = target_param(r)) == 0)
		return HANDLED;
	return req_toggle(r, block_set, id, 1, relationship_reply);
}

/* POST /api/v1/accounts/:id/unblock */
enum handled
api_account_unblock(struct req *r)
{
	int64_t	id;

	if ((id = target_param(r)) == 0)
		return HANDLED;
	return req_toggle(r, block_set, id, 0, relationship_reply);
}

/* POST /api/v1/accounts/:id/note (comment; empty removes the note) */
enum handled
api_account_note(struct req *r)
{
	struct account_note	*n;
	const char		*c = req_param(r, "comment");
	int64_t			 id;

	if ((id = target_param(r)) == 0)
		return HANDLED;
	n = arena_alloc(r->arena, sizeof *n);
	n->actor = r->user->id;
	n->target = id;
	n->comment = c != NULL ? c : "";
	return req_command(r, account_note_set, relationship_reply, n);
}

typedef int (*people_fn)(struct db *, struct arena *, int64_t,
    const struct page *, struct idlist *, struct idlist *);

/* A page of Accounts from a list of people, with Link headers. */
static enum handled
people_answer(struct req *r, people_fn fn)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;

	if (page_parse(r, &p, 40, 80) != 0)
		return HANDLED;
	if (fn(req_db(r), r->arena, r->user->id, &p, &ids, &cursors) != 0) {
		req_error(r, 500, "Internal error");
		return HANDLED;
	}
	req_ectx(r, &e);
	page_link(r, &p, &cursors);
	req_json(r, 200, entity_accounts(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* GET /api/v1/mutes */
enum handled
api_mutes(struct req *r)
{
	return people_answer(r, mute_list);
}

/* GET /api/v1/blocks */
enum handled
api_blocks(struct req *r)
{
	return people_answer(r, block_list);
}
