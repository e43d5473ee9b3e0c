/*
 * view.c: what the web pages share. A post and a group as template views
 * (the entity plus the paths, times and labels the templates show), the
 * composer's fields as a draft, the navigation bar and the notices, and the
 * check on a form's "next". Streams of posts are card.c's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages.h"

/*
 * A local path to go back to, or def: never another site. Control
 * characters are refused too: browsers drop tabs and newlines from a URL,
 * so "/\t/evil.example" would become "//evil.example".
 */
const char *
web_next(struct req *r, const char *def)
{
	const char	*next = req_param(r, "next"), *p;

	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strchr(next, '\\') != NULL)
		return def;
	for (p = next; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return def;
	}
	return next;
}

/*
 * Let a form on this page end somewhere else: browsers apply the page's
 * form-action to every redirect a form submission goes through, so uri's
 * origin (or, for a custom scheme, the scheme) joins 'self' there. Used
 * for the OAuth consent form's redirect to the app, and for the sign-out
 * form's redirect to the OpenID provider's.
 */
void
web_form_action(struct req *r, const char *uri)
{
	const char	*csp = req_out_header(r, "Content-Security-Policy");
	const char	*s, *host, *end, *at;
	char		*src;

	if (csp == NULL || (s = strchr(uri, ':')) == NULL)
		return;
	if (strncmp(s, "://", 3) == 0 && (strncmp(uri, "http:", 5) == 0 ||
	    strncmp(uri, "https:", 6) == 0)) {
		host = s + 3;
		end = host + strcspn(host, "/?");
		at = host + strspn(host, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]");
		if (at != end || end == host)
			return;
		src = arena_strndup(r->arena, uri, end - uri);
	} else
		src = arena_strndup(r->arena, uri, s + 1 - uri);
	if ((s = strstr(csp, "form-action 'self'")) == NULL)
		return;
	s += strlen("form-action 'self'");
	req_set_header(r, "Content-Security-Policy", arena_printf(r->arena,
	    "%.*s %s%s", (int)(s - csp), csp, src, s));
}

/*
 * Fill a draft from a web form's own fields (status and spoiler_text; with
 * choices, visibility and group_id too, as the home composer offers them)
 * and prepare it as the API does (post_prepare). 0, or an HTTP status with
 * *msg for the page to show by the composer.
 */
int
web_draft(struct req *r, struct post_draft *d, int choices, const char **msg)
{
	const char	*vis = req_param(r, "visibility");
	int		 rc;

	d->arena = r->arena;
	d->author_id = r->user->id;
	d->source = req_param(r, "status");
	d->spoiler_text = req_param(r, "spoiler_text");
	d->visibility = VIS_PUBLIC;
	if (choices) {
		if (vis != NULL && *vis != '\0' &&
		    visibility_parse(vis, &d->visibility) != 0) {
			*msg = N_("Validation failed: visibility must be "
			    "public, unlisted, private or direct");
			return E_INVALID;
		}
		d->group_id = req_id(r, "group_id");
	}
	d->options = req_post_options(r);
	if ((rc = req_media_ids(r, d, 0, msg)) != 0 ||
	    (rc = web_draft_files(r, d, msg)) != 0)
		return rc;
	/* the composers' "Add a poll" (poll-compose.html) says poll[web] */
	if (req_param(r, "poll[web]") != NULL &&
	    (rc = req_poll_params(r, &d->poll, msg)) != 0)
		return rc;
	return post_prepare(req_db(r), d, req_config(r)->base_url, msg);
}

/* "just now", "5 min", "3 h", "2 d" or a date, for a time in the past, in
 * English and UTC (i18n_ago does it in a language and zone). */
char *
web_ago(struct arena *a, int64_t t, int64_t now)
{
	return i18n_ago(a, LANG_EN, "UTC", t, now);
}

/* Add a time as "<name>_iso" (for datetime), "<name>_title" (the date
 * and time in the zone) and "<name>_ago" to a view, in a language. */
static void
web_time_in(struct arena *a, int lang, const char *zone, json_t *v,
    const char *name, int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;
	char		 iso[32];

	gmtime_r(&tt, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(v, arena_printf(a, "%s_iso", name),
	    json_string(iso));
	json_object_set_new(v, arena_printf(a, "%s_title", name),
	    json_string(i18n_datetime(a, lang, zone, t)));
	json_object_set_new(v, arena_printf(a, "%s_ago", name),
	    json_string(i18n_ago(a, lang, zone, t, time(NULL))));
}

/* The same, in the request's language and time zone. */
void
web_time(struct req *r, json_t *v, const char *name, int64_t t)
{
	web_time_in(r->arena, req_lang(r), req_zone(r), v, name, t);
}

/*
 * A post as the templates see it: the Status (account, content, spoiler,
 * group, counts) plus its page's path, the author's profile path, its times
 * and where the favourite form goes back to; whether it was edited, and
 * whether it is the viewer's own.
 */
/* A post's attachments as the card shows them: a grid of pictures
 * (media_class says how many), and files as download rows. */
static void
web_post_media(struct ectx *e, const struct post *p, json_t *s)
{
	json_t		*list, *m, *h, *o, *orig, *small, *out;
	const char	*kind;
	size_t		 i, images = 0;

	if (p->media_json == NULL)
		return;
	out = json_array();
	list = entity_media_list(e, p->media_json, 0);
	json_array_foreach(list, i, m) {
		h = json_object_get(m, "hearth");
		orig = json_object_get(json_object_get(m, "meta"), "original");
		small = json_object_get(json_object_get(m, "meta"), "small");
		o = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
		    "id", json_object_get(m, "id"),
		    "kind", json_object_get(h, "kind"),
		    "url", json_object_get(m, "url"),
		    "preview_url", json_object_get(m, "preview_url"),
		    "description", json_object_get(m, "description"),
		    "filename", json_object_get(h, "filename"),
		    "size_text", json_object_get(h, "size_text"),
		    "icon", json_object_get(h, "icon"),
		    "mime", json_object_get(h, "mime"));
		/* the size as the viewer's language writes it ("3,4 MB") */
		if (json_is_integer(json_object_get(h, "bytes"))) {
			char size[48];

			json_object_set_new(o, "size_text", json_string(
			    i18n_size(size, sizeof size, e->lang,
			    json_integer_value(json_object_get(h, "bytes")))));
		}
		if (orig != NULL) {
			json_object_set(o, "width", json_object_get(orig,
			    "width"));
			json_object_set(o, "height", json_object_get(orig,
			    "height"));
		}
		if (small != NULL) {
			json_object_set(o, "pwidth", json_object_get(small,
			    "width"));
			json_object_set(o, "pheight", json_object_get(small,
			    "height"));
		}
		kind = json_string_value(json_object_get(h, "kind"));
		if (kind == NULL)
			kind = "file";
		json_object_set_new(o, strcmp(kind, "file") == 0 ? "is_file" :
		    "is_image", json_true());
		if (strcmp(kind, "gifv") == 0)
			json_object_set_new(o, "is_gif", json_true());
		images += json_object_get(o, "is_image") != NULL;
		json_array_append_new(out, o);
	}
	json_decref(list);
	if (json_array_size(out) == 0) {
		json_decref(out);
		return;
	}
	json_object_set_new(s, "media", out);
	json_object_set_new(s, "media_class", json_string(arena_printf(
	    e->arena, "n%zu", images > 0 ? images : 1)));
	json_object_set_new(s, "has_images", json_boolean(images > 0));
}

/* The modules' tools of one kind (outside or not) for post p, of the
 * modules in mask, as links PREFIX/ID. */
static json_t *
web_post_tools(struct ectx *e, const struct post *p, int outside,
    uint32_t mask)
{
	const struct post_tool	*tools;
	json_t			*list = json_array();
	size_t			 ntools, i;

	tools = req_post_tools(&ntools);
	for (i = 0; tools != NULL && i < ntools; i++) {
		if (tools[i].outside != outside ||
		    !(mask & (1U << tools[i].owner)))
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s}", "label",
		    tr(e->lang, tools[i].label), "href", arena_printf(e->arena,
		    "%s/%lld", tools[i].prefix, (long long)p->id)));
	}
	return list;
}

json_t *
web_post(struct ectx *e, const struct post *p, const char *back)
{
	json_t			*s = entity_status(e, p), *account, *poll;
	const char		*name;
	char			*path;

	if (s == NULL)
		return NULL;
	account = json_object_get(s, "account");
	/* acct: an outside author's ("bob@example.org") names the host */
	name = json_string_value(json_object_get(account, "acct"));
	path = arena_printf(e->arena, "/@%s/%lld", name, (long long)p->id);
	json_object_set_new(s, "path", json_string(path));
	web_post_media(e, p, s);
	if (p->outside_uri != NULL) {
		/* From outside: said so on the card, and the author's page
		 * is on their server (a link that leaves the company). */
		json_object_set_new(s, "outside", json_pack("{s:s}", "origin",
		    json_string_value(json_object_get(json_object_get(account,
		    "hearth"), "origin"))));
		json_object_set_new(account, "path", json_incref(
		    json_object_get(account, "url")));
		json_object_set_new(account, "external", json_true());
	} else
		json_object_set_new(account, "path", json_string(arena_printf(
		    e->arena, "/@%s", name)));
	json_object_set_new(s, "back", json_string(back != NULL ? back :
	    path));
	/* an outside post says where it is from instead (its badge), and a
	 * group post its group (the group decides who reads it) */
	json_object_set_new(s, "limited", json_boolean(p->visibility !=
	    VIS_PUBLIC && p->outside_uri == NULL && p->group_id == 0));
	if (p->visibility != VIS_PUBLIC) {
		int	lock;

		json_object_set_new(s, "visibility_label", json_string(tr(
		    e->lang, web_visibility_badge(p->visibility, &lock))));
		json_object_set_new(s, "visibility_lock", json_boolean(lock));
	}
	json_object_set_new(s, "replies_label", json_string(trn(e->lang,
	    p->replies_count, "reply", "replies")));
	web_time_in(e->arena, e->lang, e->zone, s, "created",
	    p->created_at);
	if (p->edited_at != 0)
		web_time_in(e->arena, e->lang, e->zone, s, "edited",
		    p->edited_at);
	/* Edit and Delete links; post_edit and post_delete still decide. */
	json_object_set_new(s, "mine", json_boolean(p->author_id ==
	    e->viewer));
	/* Pin or Unpin (status-pin.c): one's own posts but direct ones */
	json_object_set_new(s, "pinnable", json_boolean(p->author_id ==
	    e->viewer && p->visibility != VIS_DIRECT &&
	    p->outside_uri == NULL));
	/* The modules' tools (static links: the card stays cacheable): on
	 * one's own public posts, those of the modules that offer them to
	 * this person; on outside posts (report, forward), the same for
	 * everyone signed in. */
	if (p->author_id == e->viewer && p->visibility == VIS_PUBLIC &&
	    e->post_tools != 0)
		json_object_set_new(s, "module_tools", web_post_tools(e, p, 0,
		    e->post_tools));
	if (p->outside_uri != NULL && e->viewer != 0)
		json_object_set_new(s, "outside_tools", web_post_tools(e, p, 1,
		    UINT32_MAX));
	web_post_actions(e, p, s);
	if ((poll = web_poll_view(e, p, path)) != NULL)
		json_object_set_new(s, "poll_view", poll);
	return s;
}

/* "1 member", "5 members", in the request's language. */
static const char *
members_label(struct req *r, int64_t n)
{
	char	num[24];

	snprintf(num, sizeof num, "%lld", (long long)n);
	return i18n_format(r->arena, trn(req_lang(r), n, "{n} member",
	    "{n} members"), "n", num, NULL);
}

/* A group as the templates see it. */
json_t *
web_group_view(struct req *r, const struct group *g)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:s, s:b, s:b, "
	    "s:I, s:b, s:s*}",
	    "id", (json_int_t)g->id,
	    "name", g->name,
	    "path", arena_printf(r->arena, "/groups/%lld", (long long)g->id),
	    "description", g->description_html,
	    "private", g->visibility == GROUP_PRIVATE,
	    "visibility_label", req_tr(r, g->visibility == GROUP_PRIVATE ?
	    N_("Private") : N_("Open")),
	    "members_label", members_label(r, g->members_count),
	    "member", g->my_role >= 0,
	    "admin", g->my_role == GROUP_ADMIN,
	    "posts_count", (json_int_t)g->posts_count,
	    "archived", g->archived_at != 0,
	    "picture", g->picture_file != NULL ? arena_printf(r->arena,
	    "/media/%s", g->picture_file) : NULL);
}

/* The post a path /@name/:id names, if the viewer may read it and name is
 * its author's; its author in *author if not NULL. */
struct post *
web_post_param(struct req *r, struct user **author)
{
	struct post	*p;
	struct user	*u;

	p = post_get(req_db(r), r->arena, r->user->id, req_id(r, ":1"));
	if (p == NULL || (u = user_get(req_db(r), r->arena,
	    p->author_id)) == NULL || strcmp(u->username, r->params[0]) != 0)
		return NULL;
	if (author != NULL)
		*author = u;
	return p;
}

/*
 * What a redirect may ask the next page to say (?notice=name). Only these
 * fixed texts: a notice never echoes the address, which anyone can forge.
 */
static const struct {
	const char	*name;
	const char	*text;
} notices[] = {
	{ "deleted",	N_("Your post was deleted.") },
	{ "left",	N_("You left the group.") },
	/* group-settings.c */
	{ "group-saved",	N_("The group was saved.") },
	{ "group-archived",	N_("The group is archived: it is read-only now.") },
	{ "group-unarchived",	N_("The group is no longer archived.") },
	{ "group-pinned",	N_("The post is pinned to the top of the group.") },
	{ "group-unpinned",	N_("The post is no longer pinned.") },
	{ "group-picture",	N_("The group's picture was changed.") },
	{ "profile",	N_("Your profile was saved.") },
	{ "password",	N_("Your password was changed. You were signed out on "
	    "every other device.") },
	{ "session",	N_("That session was signed out.") },
	{ "others",	N_("You were signed out everywhere else.") },
	{ "token",	N_("The token was revoked; apps using it are signed "
	    "out.") },
	{ "app",	N_("The app's access was revoked.") },
	{ "notifications", N_("Your notification settings were saved.") },
	{ "language",	N_("Your language and time zone were saved.") },
	/* safety.c */
	{ "muted",	N_("Muted. Their posts and notifications stay out of your way.") },
	{ "unmuted",	N_("Unmuted.") },
	{ "blocked",	N_("Blocked. Neither of you sees the other's posts now.") },
	{ "unblocked",	N_("Unblocked.") },
	{ "note",	N_("Your private note was saved.") },
	{ "reported",	N_("Thank you. The admins have your report and will tell you what they did.") },
};

/* Add the notice a redirect asked for to a page's view. */
void
web_notice(struct req *r, json_t *v)
{
	const char	*name = req_param(r, "notice");
	size_t		 i;

	for (i = 0; name != NULL && i < nitems(notices); i++) {
		if (strcmp(name, notices[i].name) == 0)
			json_object_set_new(v, "notice",
			    json_string(req_tr(r, notices[i].text)));
	}
}

/* The pages under the account menu (head.html): its summary is marked
 * when one of them is current. */
static const char *const web_nav_account[] = {
	"settings", "admin", "profile", "bookmarks", "conversations",
	"scheduled", "lists"
};

/* Mark the navigation's current page (and the account menu, if the page
 * is under it). */
void
web_nav(json_t *v, const char *which)
{
	json_t	*nav = json_pack("{s:b}", which, 1);
	size_t	 i;

	for (i = 0; i < nitems(web_nav_account); i++) {
		if (strcmp(which, web_nav_account[i]) == 0)
			json_object_set_new(nav, "account", json_true());
	}
	json_object_set_new(v, "nav", nav);
}
