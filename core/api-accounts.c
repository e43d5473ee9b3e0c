/*
 * api-accounts.c: the Mastodon accounts API.
 */
#include "hearth.h"

/* GET /api/v1/accounts/verify_credentials: the caller's own Account. */
enum handled
api_verify_credentials(struct req *r)
{
	struct ectx	e;

	ectx_init(&e, r);
	req_json(r, 200, entity_credential_account(&e, r->user));
	ectx_free(&e);
	return HANDLED;
}

/* Not written yet. */
enum handled
api_update_credentials(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_lookup(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_relationships(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_search(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_statuses(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_followers(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_following(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_follow(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_account_unfollow(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_directory(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}
