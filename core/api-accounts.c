/*
 * api-accounts.c: the Mastodon accounts API.
 */
#include "hearth.h"

/* GET /api/v1/accounts/verify_credentials: the caller's own Account, with
 * the "source" and "role" attributes Mastodon adds for the owner. */
enum handled
api_verify_credentials(struct req *r)
{
	json_t	*a = entity_account(req_config(r), r->user);

	json_object_set_new(a, "source", json_pack("{s:s, s:b, s:s, s:s, "
	    "s:[], s:i}", "privacy", "public", "sensitive", 0, "language", "",
	    "note", "", "fields", "follow_requests_count", 0));
	json_object_set_new(a, "role", json_pack("{s:s, s:s, s:s, s:s, s:b}",
	    "id", r->user->role == ROLE_ADMIN ? "3" : "-99",
	    "name", r->user->role == ROLE_ADMIN ? "Admin" : "",
	    "color", "", "permissions",
	    r->user->role == ROLE_ADMIN ? "1" : "0",
	    "highlighted", r->user->role == ROLE_ADMIN));
	req_json(r, 200, a);
	return HANDLED;
}
