/*
 * conversations.c: GET /conversations, the signed-in person's private
 * conversations: the direct posts (seen only by who they mention) they
 * wrote or are mentioned in, newest first, each card wearing a lock. The
 * web's home leaves them out and links here, so that a private message is
 * never mixed silently into the stream.
 */
#include "pages.h"

/* GET /conversations */
enum handled
web_conversations(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct page	 pg;
	json_t		*v;
	int		 rc;

	if (page_parse(r, &pg, 20, 40) != 0)
		return HANDLED;
	rc = timeline_direct(req_db(r), r->arena, r->user->id, &pg, &ids);
	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	v = req_view(r, "Private conversations");
	web_nav(v, "conversations");
	web_stream(r, v, &ids, &pg, "/conversations");
	req_html(r, 200, "conversations", v);
	return HANDLED;
}
