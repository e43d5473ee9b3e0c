/*
 * conversations.c: GET /conversations, the signed-in person's private
 * conversations: the direct posts (seen only by who they mention) they
 * wrote or are mentioned in, newest first, each card wearing a lock. The
 * web's home leaves them out and links here, so that a private message is
 * never mixed silently into the stream. Above them, in bold, the
 * conversations with something new (Mastodon's unread conversations,
 * which the API lists too); opening the page reads them.
 */
#include <string.h>

#include "pages.h"

#define UNREAD_SHOWN	20

/* Opening the page: the conversations it shows as new are now read. */
struct conv_open {
	struct conversations_read	 cr;
	json_t				*v;
};

/* Written (or not: the page is still what was asked for, with a line in
 * the log): the page. */
static void
conv_open_reply(struct req *r, void *arg, int code, const char *cause)
{
	struct conv_open	*o = arg;

	if (code != E_OK)
		log_warn("conversations: %s's stayed unread: %s",
		    r->user->username, cause != NULL ? cause : "?");
	req_html(r, 200, "conversations", o->v);
}

/* The unread conversations as the page lists them: who is in each, and
 * the address of its last post. */
static json_t *
conv_unread_view(struct req *r, const struct idlist *ids)
{
	struct ectx	 e;
	json_t		*list = json_array(), *c, *acct, *last;
	const char	*names, *name;
	size_t		 i, j;

	req_ectx(r, &e);
	for (i = 0; i < ids->n; i++) {
		if ((c = entity_conversation(&e, ids->ids[i])) == NULL)
			continue;
		last = json_object_get(c, "last_status");
		names = "";
		json_array_foreach(json_object_get(c, "accounts"), j, acct) {
			name = json_string_value(json_object_get(acct,
			    "display_name"));
			names = arena_printf(r->arena, "%s%s%s", names,
			    j ? ", " : "", name != NULL ? name : "");
		}
		if (json_is_object(last))
			json_array_append_new(list, json_pack("{s:s, s:s}",
			    "names", names, "path", arena_printf(r->arena,
			    "/@%s/%s", json_string_value(json_object_get(
			    json_object_get(last, "account"), "acct")),
			    json_string_value(json_object_get(last, "id")))));
		json_decref(c);
	}
	ectx_free(&e);
	return list;
}

/* GET /conversations */
enum handled
web_conversations(struct req *r)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct conv_open *o;
	struct page	 pg;
	json_t		*v, *unread;
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
	o = arena_alloc(r->arena, sizeof *o);
	memset(o, 0, sizeof *o);
	/* Only the first page says what is new, and reads it. */
	if (pg.max_id != 0 || pg.since_id != 0 || pg.min_id != 0 ||
	    conversation_unread(req_db(r), r->arena, r->user->id,
	    UNREAD_SHOWN, &o->cr.ids) != E_OK || o->cr.ids.n == 0) {
		req_html(r, 200, "conversations", v);
		return HANDLED;
	}
	unread = conv_unread_view(r, &o->cr.ids);
	json_object_set_new(v, "has_unread", json_boolean(
	    json_array_size(unread) > 0));
	json_object_set_new(v, "unread_conversations", unread);
	o->cr.user = r->user->id;
	o->v = v;
	return req_command_then(r, conversations_read, conv_open_reply, o);
}
