/*
 * conversation-entity.c: Mastodon's Conversation entity, for the API and
 * the direct stream. Apart from conversation.c, which the write path of
 * posts calls: the entity reads Statuses and Accounts (entity.c, post.c),
 * and the layers' check wants no file calling back into what calls it.
 */
#include <stdlib.h>

#include "domain.h"

/*
 * The Conversation entity of one of the viewer's conversations, or NULL:
 * the other people in it (only the viewer, for a note to themselves, as
 * Mastodon shows it; someone who left is there, marked suspended), its
 * last post (null should the viewer no longer read it) and unread.
 */
json_t *
entity_conversation(struct ectx *e, int64_t id)
{
	sqlite3_stmt	*st;
	json_t		*accounts, *acct, *last;
	const char	*p;
	char		*list, *end;
	int64_t		 last_id, who;
	int		 unread;

	if ((st = db_prepare(e->db, "SELECT participants, last_status_id, "
	    "unread FROM conversations WHERE id = ? AND user_id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, e->viewer);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	list = arena_strdup(e->arena, (const char *)sqlite3_column_text(st,
	    0));
	last_id = sqlite3_column_int64(st, 1);
	unread = sqlite3_column_int(st, 2);
	sqlite3_reset(st);
	accounts = json_array();
	for (p = list; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		if ((who = strtoll(p, &end, 10)) <= 0 || end == p)
			break;
		if ((acct = entity_account_id(e, who)) != NULL)
			json_array_append_new(accounts, acct);
	}
	if (json_array_size(accounts) == 0 &&
	    (acct = entity_account_id(e, e->viewer)) != NULL)
		json_array_append_new(accounts, acct);
	last = entity_status_id(e, last_id);
	return json_pack("{s:s, s:b, s:o, s:o}", "id", arena_printf(e->arena,
	    "%lld", (long long)id), "unread", unread, "accounts", accounts,
	    "last_status", last != NULL ? last : json_null());
}

/* The conversations of the viewer's listed in ids, as entities. */
json_t *
entity_conversations(struct ectx *e, const struct idlist *ids)
{
	json_t	*arr = json_array(), *c;
	size_t	 i;

	for (i = 0; i < ids->n; i++) {
		if ((c = entity_conversation(e, ids->ids[i])) != NULL)
			json_array_append_new(arr, c);
	}
	return arr;
}
