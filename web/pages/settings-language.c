/*
 * settings-language.c: Settings → Language: the person's interface language
 * (Automatic follows Accept-Language) and time zone (empty follows the
 * browser's, which hearth.js reports in the hearth_tz cookie).
 */
#include <string.h>

#include "pages.h"

/* Zones offered in the list; any zone the system has is accepted. */
static const char *const common_zones[] = {
	"UTC", "Europe/Berlin", "Europe/Vienna", "Europe/Zurich",
	"Europe/Warsaw", "Europe/London", "Europe/Paris", "Europe/Amsterdam",
	"Europe/Prague", "America/New_York", "America/Chicago",
	"America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata",
	"Australia/Sydney"
};

/* The page, with what the person chose (NULLs: automatic). */
static void
language_page(struct req *r, int status, const char *locale,
    const char *zone, const char *error)
{
	json_t	*v = settings_view(r, N_("Language and time zone"), "language");
	json_t	*langs = json_array(), *zones = json_array();
	size_t	 i;
	int	 lang;

	json_array_append_new(langs, json_pack("{s:s, s:s, s:b}", "code", "",
	    "name", req_tr(r, "Automatic (browser)"), "selected",
	    locale == NULL));
	for (lang = 0; lang < LANG_COUNT; lang++)
		json_array_append_new(langs, json_pack("{s:s, s:s, s:b}",
		    "code", i18n_code(lang), "name", i18n_name(lang),
		    "selected", locale != NULL &&
		    i18n_lang(locale) == lang));
	for (i = 0; i < nitems(common_zones); i++)
		json_array_append_new(zones, json_string(common_zones[i]));
	json_object_set_new(v, "languages", langs);
	json_object_set_new(v, "zones", zones);
	json_object_set_new(v, "zone_setting", json_string(zone ? zone : ""));
	if (error != NULL)
		json_object_set_new(v, "error_summary", json_string(req_tr(r,
		    error)));
	req_html(r, status, "settings-language", v);
}

/* GET /settings/language */
enum handled
web_settings_language(struct req *r)
{
	language_page(r, 200, r->user->locale, r->user->time_zone, NULL);
	return HANDLED;
}

struct locale_change {
	const char	*locale, *zone;
};

/* On the writer: save the choice. */
static int
language_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct locale_change	*c = arg;

	return user_locale_set(db, r->user->id, c->locale, c->zone, cause);
}

/* Saved: back to the page, now in the chosen language. */
static void
language_saved(struct req *r, void *arg)
{
	req_redirect(r, "/settings/language?notice=language");
}

/* POST /settings/language */
enum handled
web_settings_language_save(struct req *r)
{
	struct locale_change	*c = arena_alloc(r->arena, sizeof *c);
	const char		*locale = kv_get(&r->form, "locale");
	const char		*zone = kv_get(&r->form, "time_zone");

	c->locale = locale != NULL && *locale != '\0' ? locale : NULL;
	c->zone = zone != NULL ? arena_trim(r->arena, zone) : NULL;
	if (c->zone != NULL && *c->zone == '\0')
		c->zone = NULL;
	if (c->locale != NULL && (i18n_lang(c->locale) < 0 ||
	    strlen(c->locale) != 2)) {
		language_page(r, 422, c->locale, c->zone,
		    N_("Choose one of the languages offered."));
		return HANDLED;
	}
	if (c->zone != NULL && !tz_valid(c->zone)) {
		language_page(r, 422, c->locale, c->zone,
		    N_("That is not a time zone this server knows. Use a name "
		    "such as Europe/Berlin."));
		return HANDLED;
	}
	return req_write(r, language_write, language_saved, c);
}
