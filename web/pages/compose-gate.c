/*
 * compose-gate.c: the composer while a module's gate refuses writes (the
 * guidelines waiting to be acknowledged), and the draft kept meanwhile.
 * A gated page shows the way out instead of a composer that would be
 * refused; a post sent all the same (a page opened before the gate
 * closed) is kept, whole, and offered back in the composer afterwards:
 * nothing typed is lost. Posting or discarding it deletes it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

/*
 * Put the gate in a page's view as "gate" (reason, and a link that comes
 * back to back afterwards), for the template to show instead of the
 * composer. 1 if writes are gated.
 */
int
web_compose_gate(struct req *r, json_t *v, const char *back)
{
	struct req_gate	 g;
	json_t		*o;
	char		*next;

	if (req_gate_check(r, &g) == 0)
		return 0;
	o = json_pack("{s:s}", "reason", g.reason);
	if (g.link != NULL) {
		next = httpc_form_escape(back);
		json_object_set_new(o, "href", json_string(strstr(g.link,
		    "next=") != NULL ? g.link : arena_printf(r->arena,
		    "%s%snext=%s", g.link, strchr(g.link, '?') ? "&" : "?",
		    next)));
		json_object_set_new(o, "text", json_string(g.link_text));
		free(next);
	}
	json_object_set_new(v, "gate", o);
	return 1;
}

/* A draft on its way to the writer, and where to go once it is kept. */
struct keep {
	struct post_draft pd;	/* first: post_uploads_work's argument; the
				   form's uploads and files */
	struct draft	 d;
	const char	*to;
};

/* On the writer: record the form's plain files (uploaded on a worker)
 * among the draft's uploads, then keep the draft. A file that cannot be
 * recorded is left out: the rest of the draft is kept all the same. */
static int
keep_cmd(struct db *db, void *arg, char **cause)
{
	struct keep	*k = arg;

	if (k->pd.nuploads > 0 && post_uploads_record(db, &k->pd) != E_OK)
		k->pd.nuploads = 0;
	k->d.media_ids = k->pd.media_ids;
	k->d.media_desc = k->pd.media_desc;
	k->d.nmedia = k->pd.nmedia;
	return draft_save_cmd(db, &k->d, cause);
}

/* Kept: off to the gate's page, which comes back to back afterwards. */
static void
keep_reply(struct req *r, void *arg)
{
	struct keep	*k = arg;

	req_redirect(r, k->to);
}

/*
 * A composer's post while gated: keep it as the person's draft (the
 * form's own fields, the uploads it names and its plain files, stored
 * now), and go to the gate's page (kept=1 says the draft is safe). group: the
 * group the address names (a group's composer), or 0. Nothing is
 * written but the draft: the gate's refusal stands.
 */
enum handled
web_draft_keep(struct req *r, const struct req_gate *g, const char *back,
    int64_t group)
{
	struct keep	*k = arena_alloc(r->arena, sizeof *k);
	struct draft	*d = &k->d;
	struct post_draft *pd = &k->pd;
	const char	*link = g->link != NULL ? g->link : back;
	char		*next = httpc_form_escape(back);
	const char	*to, *msg = NULL;

	/* The gate's link may already say where to come back to. */
	k->to = to = strstr(link, "next=") != NULL ? arena_printf(r->arena,
	    "%s&kept=1", link) : arena_printf(r->arena, "%s%snext=%s&kept=1",
	    link, strchr(link, '?') ? "&" : "?", next);
	free(next);
	d->user_id = r->user->id;
	d->status = req_param(r, "status");
	d->spoiler_text = req_param(r, "spoiler_text");
	d->visibility = req_param(r, "visibility");
	d->group_id = group != 0 ? group : req_id(r, "group_id");
	/* Its attachments: what cannot be kept (past the fourth, a refused
	 * file, a description too long) is left out rather than the whole
	 * draft lost; what came before it is kept. */
	pd->arena = r->arena;
	pd->author_id = r->user->id;
	if (req_media_ids(r, pd, 0, &msg) != 0 && pd->media_desc != NULL)
		memset(pd->media_desc, 0, (MEDIA_PER_POST + 1) *
		    sizeof *pd->media_desc);
	(void)web_draft_files(r, pd, &msg);
	/* An empty composer keeps nothing: there is nothing to lose. */
	if ((d->status == NULL || *d->status == '\0') &&
	    (d->spoiler_text == NULL || *d->spoiler_text == '\0') &&
	    pd->nmedia == 0 && pd->nuploads == 0) {
		req_redirect(r, to);
		return HANDLED;
	}
	if (pd->nuploads > 0)
		return req_work_write_heavy(r, post_uploads_work, keep_cmd,
		    keep_reply, k);
	return req_command(r, keep_cmd, keep_reply, k);
}

/* The draft's uploads as the composer's tiles show them (the edit page's
 * kept attachments: a Keep box, and the description of a picture). */
static json_t *
draft_media(struct req *r, const struct draft *d)
{
	struct ectx	 e;
	struct media	*m;
	json_t		*list = json_array(), *ent, *it, *h, *small;
	const char	*kind;
	size_t		 i;

	req_ectx(r, &e);
	for (i = 0; i < d->nmedia; i++) {
		if ((m = media_get(req_db(r), r->arena, r->user->id,
		    d->media_ids[i])) == NULL ||
		    (ent = entity_media(&e, m, 0)) == NULL)
			continue;
		h = json_object_get(ent, "hearth");
		kind = m->kind != NULL ? m->kind : "file";
		it = json_pack("{s:I, s:s, s:O?, s:O?, s:O?, s:s, s:O?, s:b}",
		    "id", (json_int_t)m->id, "kind", kind, "preview_url",
		    json_object_get(ent, "preview_url"), "filename",
		    json_object_get(h, "filename"), "size_text",
		    json_object_get(h, "size_text"), "description",
		    m->description != NULL ? m->description : "", "icon",
		    json_object_get(h, "icon"), "is_image",
		    strcmp(kind, "file") != 0);
		small = json_object_get(json_object_get(ent, "meta"), "small");
		if (small != NULL) {
			json_object_set(it, "pwidth", json_object_get(small,
			    "width"));
			json_object_set(it, "pheight", json_object_get(small,
			    "height"));
		}
		json_array_append_new(list, it);
		json_decref(ent);
	}
	ectx_free(&e);
	return list;
}

/*
 * Offer the person's kept draft back in a composer's view (for a group's
 * composer, only a draft meant for that group; for home, one meant for
 * no group or any of the person's groups): "draft" with its fields, and
 * "kept" saying when it was kept. 1 if offered, *d filled.
 */
int
web_draft_offer(struct req *r, json_t *v, int64_t group, struct draft *d)
{
	json_t	*media;

	if (draft_get(req_db(r), r->arena, r->user->id, d) != 0)
		return 0;
	if (group != 0 && d->group_id != group)
		return 0;
	media = draft_media(r, d);
	json_object_set_new(v, "draft", json_pack("{s:s, s:s, s:b, s:o}",
	    "status", d->status, "spoiler_text", d->spoiler_text, "has_media",
	    json_array_size(media) > 0, "media", media));
	json_object_set_new(v, "kept", json_pack("{s:s}", "ago",
	    i18n_ago(r->arena, req_lang(r), req_zone(r), d->saved_at,
	    time(NULL))));
	json_object_set_new(v, "compose_open", json_true());
	return 1;
}

/* On the writer: the post, then (if the form posted a kept draft) the
 * draft goes, in the same group of commits. */
int
web_compose_cmd(struct db *db, void *arg, char **cause)
{
	struct compose_job	*j = arg;
	int			 rc;

	if ((rc = post_create_cmd(db, &j->d, cause)) != E_OK ||
	    !j->drop_draft)
		return rc;
	return draft_delete_cmd(db, &j->d.author_id, cause);
}

/* Discarded: back to the page the composer was on. */
static void
discard_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, "/"));
}

/* POST /drafts/discard: csrf, next. */
enum handled
web_draft_discard(struct req *r)
{
	int64_t	*user = arena_alloc(r->arena, sizeof *user);

	*user = r->user->id;
	return req_command(r, draft_delete_cmd, discard_reply, user);
}
