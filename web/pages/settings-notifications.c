/*
 * settings-notifications.c: what a person wants of their notifications,
 * GET and POST /settings/notifications: per kind, shown on the web (and
 * counted in the badge) or not, and in the e-mail digest or not; and how
 * often the digest comes (off, daily, weekly). Kinds are the domain's table
 * (notify_kind_at), so a new kind appears here by itself.
 */
#include <string.h>

#include "pages.h"

#define NOTIF_KINDS_MAX	64

/* A form's choices on their way to the writer. */
struct notif_prefs_form {
	int64_t		 user;
	size_t		 n;
	const char	*kind[NOTIF_KINDS_MAX];
	int		 web[NOTIF_KINDS_MAX];
	int		 email[NOTIF_KINDS_MAX];
	const char	*frequency;
};

/* GET /settings/notifications */
enum handled
web_settings_notifications(struct req *r)
{
	const struct config	*c = req_config(r);
	struct notify_kind	 tmp;
	const struct notify_kind *k;
	const char		*freq;
	int64_t			 last_sent, last_id;
	int			 web, email;
	json_t			*v, *kinds = json_array(), *freqs;
	size_t			 i;

	for (i = 0; (k = notify_kind_at(i, &tmp)) != NULL; i++) {
		if (notify_pref_get(req_db(r), r->user->id, k->kind, &web,
		    &email) != 0)
			goto fail;
		json_array_append_new(kinds, json_pack("{s:s, s:s, s:b, s:b}",
		    "kind", k->kind, "label", req_tr(r, k->label), "web", web,
		    "email", email));
	}
	if (digest_get(req_db(r), r->user->id, &freq, &last_sent,
	    &last_id) != 0)
		goto fail;
	v = settings_view(r, "Notifications", "notifications");
	json_object_set_new(v, "kinds", kinds);
	freqs = json_pack("[{s:s, s:s, s:b}, {s:s, s:s, s:b}, "
	    "{s:s, s:s, s:b}]",
	    "value", "off", "label", req_tr(r, "Never"), "selected",
	    strcmp(freq, "off") == 0,
	    "value", "daily", "label", req_tr(r, "Daily"), "selected",
	    strcmp(freq, "daily") == 0,
	    "value", "weekly", "label", req_tr(r, "Weekly"), "selected",
	    strcmp(freq, "weekly") == 0);
	json_object_set_new(v, "frequencies", freqs);
	json_object_set_new(v, "digest_hour", json_integer(
	    c->mail_digest_hour));
	json_object_set_new(v, "mail", json_boolean(mail_configured(c)));
	json_object_set_new(v, "has_email", json_boolean(
	    r->user->email != NULL && *r->user->email != '\0'));
	if (r->user->email != NULL)
		json_object_set_new(v, "email", json_string(r->user->email));
	if (last_sent > 0)
		web_time(r, v, "last_digest", last_sent);
	req_html(r, 200, "settings-notifications", v);
	return HANDLED;
fail:
	json_decref(kinds);
	req_error(r, 500, "Your notification settings could not be read.");
	return HANDLED;
}

/* On the writer: every kind's choice and the digest's rhythm. */
static int
notif_prefs_write(struct db *db, void *arg, char **cause)
{
	struct notif_prefs_form	*f = arg;
	size_t			 i;
	int			 rc;

	for (i = 0; i < f->n; i++) {
		if ((rc = notify_pref_set(db, f->user, f->kind[i], f->web[i],
		    f->email[i])) != E_OK)
			return rc;
	}
	if ((rc = digest_set_frequency(db, f->user, f->frequency)) != E_OK)
		*cause = xstrdup(N_("Choose never, daily or weekly."));
	return rc;
}

/* Saved: back to the page. */
static void
notif_prefs_reply(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, "/settings/notifications?notice=notifications");
}

/*
 * POST /settings/notifications: csrf, web.KIND and email.KIND checkboxes
 * (an unchecked box is not sent: off), frequency.
 */
enum handled
web_settings_notifications_save(struct req *r)
{
	struct notif_prefs_form	*f = arena_alloc(r->arena, sizeof *f);
	struct notify_kind	 tmp;
	const struct notify_kind *k;
	const char		*freq = kv_get(&r->form, "frequency");
	size_t			 i;

	memset(f, 0, sizeof *f);
	f->user = r->user->id;
	for (i = 0; (k = notify_kind_at(i, &tmp)) != NULL &&
	    f->n < NOTIF_KINDS_MAX; i++) {
		f->kind[f->n] = arena_strdup(r->arena, k->kind);
		f->web[f->n] = kv_get(&r->form, arena_printf(r->arena,
		    "web.%s", k->kind)) != NULL;
		f->email[f->n] = kv_get(&r->form, arena_printf(r->arena,
		    "email.%s", k->kind)) != NULL;
		f->n++;
	}
	f->frequency = freq != NULL ? arena_strdup(r->arena, freq) : "off";
	return req_command(r, notif_prefs_write, notif_prefs_reply, f);
}
