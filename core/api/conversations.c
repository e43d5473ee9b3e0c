/*
 * conversations.c: Mastodon's direct conversations (GET
 * /api/v1/conversations, read, unread, remove), and muting a post's
 * thread (POST /api/v1/statuses/:id/mute and /unmute). What a
 * conversation is, and who is in one, is conversation.c's; the direct
 * stream that tells of their changes is streaming.c's.
 */
#include "handlers.h"

/* GET /api/v1/conversations: the caller's, the newest post first, paged
 * by their last posts' ids as Mastodon pages them. */
enum handled
api_conversations(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 }, cursors = { NULL, 0, 0 };
	struct page	 p;
	struct ectx	 e;
	int		 rc;

	if (page_parse(r, &p, 20, 40) != 0)
		return HANDLED;
	rc = conversation_list(req_db(r), r->arena, r->user->id, &p, &ids,
	    &cursors);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	req_ectx(r, &e);
	page_link_records(r, &p, &cursors);
	req_json(r, 200, entity_conversations(&e, &ids));
	ectx_free(&e);
	return HANDLED;
}

/* Answer with the conversation as it is now. */
static void
conversation_reply(struct req *r, void *arg)
{
	struct toggle	*t = arg;
	struct ectx	 e;
	json_t		*c;

	req_ectx(r, &e);
	if ((c = entity_conversation(&e, t->id)) != NULL)
		req_json(r, 200, c);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* Answer a removal: Mastodon's empty object. */
static void
removed_reply(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* POST /api/v1/conversations/:id/read */
enum handled
api_conversation_read(struct req *r)
{
	return req_toggle(r, conversation_read_set, req_id(r, ":0"), 0,
	    conversation_reply);
}

/* POST /api/v1/conversations/:id/unread */
enum handled
api_conversation_unread(struct req *r)
{
	return req_toggle(r, conversation_read_set, req_id(r, ":0"), 1,
	    conversation_reply);
}

/* DELETE /api/v1/conversations/:id: gone for the caller until a new
 * post in it arrives (then it comes back with that post alone). */
enum handled
api_conversation_remove(struct req *r)
{
	return req_toggle(r, conversation_remove, req_id(r, ":0"), 0,
	    removed_reply);
}

/* Answer with the Status whose thread was muted or unmuted. */
static void
muted_reply(struct req *r, void *arg)
{
	struct toggle	*t = arg;
	struct ectx	 e;
	json_t		*s;

	req_ectx(r, &e);
	if ((s = entity_status_id(&e, post_target(req_db(r), t->id))) != NULL)
		req_json(r, 200, s);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* POST /api/v1/statuses/:id/mute: no notifications from its thread. */
enum handled
api_status_mute(struct req *r)
{
	return req_toggle(r, thread_mute_set, req_id(r, ":0"), 1, muted_reply);
}

/* POST /api/v1/statuses/:id/unmute */
enum handled
api_status_unmute(struct req *r)
{
	return req_toggle(r, thread_mute_set, req_id(r, ":0"), 0,
	    muted_reply);
}
