/*
 * post.c: one post's page, GET /@name/:id, with its thread (ancestors
 * above, replies below, as the API's context gives them) and a reply box;
 * POST /@name/:id replies, and the favourite buttons of every post go to
 * POST /@name/:id/favourite and /unfavourite.
 */
#include <string.h>

#include "pages.h"

#define REPLIES_PAGE	40	/* replies shown at once under a post */
#define THREAD_INDENT	3	/* levels of nesting shown */

/*
 * A reply card's count, made to say how many replies under it this viewer
 * is shown (the card cache holds the stored count, the same for everyone,
 * hidden replies included). The card is unchanged if it has no count.
 * post-item.html marks the count's link with data-replies for this, and
 * its word with act-word (phones show the number alone).
 */
static json_t *
thread_count(struct req *r, json_t *html, size_t n)
{
	static const char	 mark[] = " data-replies>";
	static const char	 word[] = "<span class=\"act-word\">";
	const char		*s = json_string_value(html), *p, *q;

	if (s == NULL || (p = strstr(s, mark)) == NULL)
		return html;
	p += sizeof mark - 1;
	if ((q = strstr(p, word)) == NULL ||
	    (q = strstr(q + sizeof word - 1, "</span>")) == NULL)
		return html;
	s = arena_printf(r->arena, "%.*s%zu %s%s%s", (int)(p - s), s, n, word,
	    trn(req_lang(r), (long)n, "reply", "replies"), q);
	json_decref(html);
	return json_stringn_nocheck(s, strlen(s));
}

/* How many of the listed replies after links[i] hang under it: depth
 * first, they are the run deeper than it. */
static size_t
thread_under(const struct thread_link *links, size_t n, size_t i)
{
	size_t	k;

	for (k = i + 1; k < n && !links[k].orphan &&
	    links[k].depth > links[i].depth; k++)
		;
	return k - i - 1;
}

/* Render the post page; status and error for a refused reply. */
static void
post_page(struct req *r, int status, const char *error)
{
	struct idlist	 up = { NULL, 0, 0 }, down = { NULL, 0, 0 };
	struct user	*u;
	struct post	*p;
	struct ectx	 e;
	json_t		*v, *s;
	const char	*path;

	if ((p = web_post_param(r, &u)) == NULL ||
	    post_context(req_db(r), r->arena, r->user->id, p->id, &up,
	    &down) != E_OK) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return;
	}
	/* A boost has no page of its own: the post it shares has. */
	if (p->reblog_of_id != 0) {
		struct post	*o = post_get(req_db(r), r->arena, r->user->id,
		    p->reblog_of_id);
		struct user	*ou = o == NULL ? NULL : user_get(req_db(r),
		    r->arena, o->author_id);

		if (ou == NULL)
			req_error(r, 404, WEB_POST_HIDDEN);
		else
			req_redirect(r, arena_printf(r->arena, "/@%s/%lld",
			    ou->username, (long long)o->id));
		return;
	}
	path = arena_printf(r->arena, "/@%s/%lld", u->username,
	    (long long)p->id);
	req_ectx(r, &e);
	e.post_tools = req_post_tools_for(r);
	s = web_post(&e, p, path);
	if (s == NULL) {
		ectx_free(&e);
		req_error(r, 404, WEB_POST_HIDDEN);
		return;
	}
	v = req_view(r, i18n_format(r->arena, req_tr(r, "Post by {name}"),
	    "name", u->display_name ? u->display_name : u->username, NULL));
	/* The post's own page carries the reaction buttons in its card, so
	 * that they work without the script (a card elsewhere links here). */
	json_object_set_new(s, "full_picker", json_true());
	json_object_set_new(v, "post", s);
	json_object_set_new(v, "ancestors", web_cards(r, &up, path));
	json_object_set_new(v, "has_ancestors", json_boolean(up.n > 0));
	/* Replies a page at a time: a shared post may have thousands from
	 * outside (?replies=N starts at the Nth). */
	{
		int64_t		 off = req_id(r, "replies");
		struct thread_link *links;
		struct idlist	 page = { NULL, 0, 0 }, one;
		json_t		*list = json_array(), *item;
		size_t		 i;
		int		 depth;

		if (off < 0 || (size_t)off >= down.n)
			off = 0;
		page.ids = down.ids + off;
		page.n = down.n - (size_t)off < REPLIES_PAGE ?
		    down.n - (size_t)off : REPLIES_PAGE;
		/* The whole thread's links: a reply's count takes in
		 * replies on later pages. */
		if (thread_links(req_db(r), r->arena, p->id, &down,
		    &links) != 0)
			page.n = 0;
		links += off;
		/* Nested to THREAD_INDENT levels; deeper, or hanging from a
		 * reply not listed, each says whom it answers. */
		for (i = 0; i < page.n; i++) {
			one.ids = &page.ids[i];
			one.n = one.cap = 1;
			depth = links[i].depth > THREAD_INDENT ? THREAD_INDENT :
			    links[i].depth;
			item = json_pack("{s:i, s:o}", "depth", depth, "html",
			    thread_count(r, web_cards(r, &one, path),
			    thread_under(links, down.n - (size_t)off, i)));
			if ((links[i].depth > THREAD_INDENT ||
			    links[i].orphan) && *links[i].parent_author != '\0')
				json_object_set_new(item, "replying_to",
				    json_string(links[i].parent_author));
			json_array_append_new(list, item);
		}
		json_object_set_new(v, "has_replies", json_boolean(page.n > 0));
		json_object_set_new(v, "replies", list);
		/* The count says what is listed to this viewer, the whole
		 * thread under the post, not the stored direct replies. */
		json_object_set_new(s, "replies_count", json_integer(
		    (json_int_t)down.n));
		json_object_set_new(s, "replies_label", json_string(trn(
		    req_lang(r), (long)down.n, "reply", "replies")));
		json_object_set_new(v, "replies_heading", json_string(
		    web_count(r->arena, (long long)down.n, trn(req_lang(r),
		    (long)down.n, "{n} reply", "{n} replies"))));
		if ((size_t)off + page.n < down.n)
			json_object_set_new(v, "more_replies", json_string(
			    arena_printf(r->arena, "%s?replies=%lld", path,
			    (long long)off + REPLIES_PAGE)));
		if (off > 0)
			json_object_set_new(v, "first_replies", json_string(
			    path));
	}
	ectx_free(&e);
	json_object_set_new(v, "reply_to", json_string(u->username));
	json_object_set_new(v, "path", json_string(path));
	if (error != NULL) {
		json_object_set_new(v, "error", json_string(error));
		json_object_set_new(v, "draft", json_string(req_param(r,
		    "status") ? req_param(r, "status") : ""));
	}
	req_html(r, status, "post", v);
}

/* GET /@name/:id */
enum handled
web_post_page(struct req *r)
{
	post_page(r, 200, NULL);
	return HANDLED;
}

/* A reply or an edit is on disk: back to the post's page, /@name/:id. */
void
web_post_back(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, arena_printf(r->arena, "/@%s/%s", r->params[0],
	    r->params[1]));
}

/* POST /@name/:id: status, spoiler_text, csrf; a reply keeps the post's
 * visibility and group. */
enum handled
web_post_reply(struct req *r)
{
	struct post_draft	*d = arena_alloc(r->arena, sizeof *d);
	struct post		*p;
	const char		*msg = NULL;
	int			 rc;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	if ((rc = web_draft(r, d, 0, &msg)) != 0) {
		post_page(r, 422, msg);
		return HANDLED;
	}
	d->in_reply_to_id = p->id;
	d->visibility = p->visibility;
	d->group_id = p->group_id;
	if (req_gate_post(r, d->source) != 0)
		return HANDLED;
	return web_post_submit(r, post_create_cmd, web_post_back, d);
}

/* Done: back to where the button was. */
static void
fav_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, "/"));
}

/* Shared by favourite and unfavourite. */
static enum handled
fav(struct req *r, int add)
{
	struct post	*p;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	return req_toggle(r, favourite_set, p->id, add, fav_reply);
}

/* POST /@name/:id/favourite: csrf, next. */
enum handled
web_post_favourite(struct req *r)
{
	return fav(r, 1);
}

/* POST /@name/:id/unfavourite: csrf, next. */
enum handled
web_post_unfavourite(struct req *r)
{
	return fav(r, 0);
}
