/*
 * card-actions.c: what a card's action row and reaction chips show: the
 * reactions with their counts and who gave them, the emoji offered in the
 * React menu (the reader's own marked), whether the reader shared and
 * bookmarked the post, and whether it may be shared at all. Everything the
 * reader owns here is also in the card cache's key (card.c), so a cached
 * card never carries one reader's state to another.
 */
#include <string.h>

#include "pages.h"

#define WHO_MAX	12	/* names listed per emoji; then "and N more" */

/* "Ada, Grace and 3 more": who reacted with one emoji. */
static const char *
reaction_who(struct ectx *e, int64_t post, const char *emoji, int64_t count)
{
	struct idlist	 ids = { NULL, 0, 0 };
	struct user	*u;
	const char	*who = "", *name;
	size_t		 i, n = 0;

	if (reaction_people(e->db, e->arena, e->viewer, post, emoji, WHO_MAX,
	    &ids) != E_OK)
		return "";
	for (i = 0; i < ids.n; i++) {
		if ((u = user_get(e->db, e->arena, ids.ids[i])) == NULL)
			continue;
		name = u->display_name != NULL && *u->display_name != '\0' ?
		    u->display_name : u->username;
		who = n == 0 ? name : arena_printf(e->arena, "%s, %s", who,
		    name);
		n++;
	}
	if (count > (int64_t)n && n > 0)
		who = i18n_format(e->arena, trn(e->lang, (long)(count -
		    (int64_t)n), "{who} and {n} more", "{who} and {n} more"),
		    "who", who, "n", web_count(e->arena, count - (int64_t)n,
		    "{n}"), NULL);
	return who;
}

/* Add the action row's and the chips' data to a card's view s. */
void
web_post_actions(struct ectx *e, const struct post *p, json_t *s)
{
	struct reaction	*rs;
	json_t		*chips = json_array(), *offered = json_array();
	const char	*who;
	size_t		 i, j, n = 0;
	int		 mine;

	if (p->reactions_version != 0 || p->favourites_count != 0)
		(void)reaction_summary(e->db, e->arena, e->viewer, p->id, &rs,
		    &n);
	for (i = 0; i < n; i++) {
		who = reaction_who(e, p->id, rs[i].emoji, rs[i].count);
		/* 👍 is the favourite button's: its count and its names */
		if (strcmp(rs[i].emoji, REACTION_THUMBS) == 0) {
			json_object_set_new(s, "thumbs_who", json_string(who));
			continue;
		}
		json_array_append_new(chips, json_pack("{s:s, s:I, s:b, s:s}",
		    "emoji", rs[i].emoji, "count", (json_int_t)rs[i].count,
		    "mine", rs[i].me, "who", who));
	}
	json_object_set_new(s, "has_reactions", json_boolean(
	    json_array_size(chips) > 0));
	json_object_set_new(s, "reactions", chips);
	for (i = 0; i < reaction_offered(); i++) {
		if (strcmp(reaction_emoji(i), REACTION_THUMBS) == 0)
			continue;
		mine = 0;
		for (j = 0; j < n; j++) {
			if (strcmp(rs[j].emoji, reaction_emoji(i)) == 0)
				mine = rs[j].me;
		}
		json_array_append_new(offered, json_pack("{s:s, s:b}", "emoji",
		    reaction_emoji(i), "mine", mine));
	}
	json_object_set_new(s, "offered", offered);
	json_object_set_new(s, "shareable", json_boolean(
	    reblog_possible(e->db, p->id)));
}
