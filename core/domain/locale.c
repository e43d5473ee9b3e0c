/*
 * locale.c: a person's language and time zone (users.locale and
 * users.time_zone, schema 0015). NULL means "as the browser says"; the web
 * layer makes that choice (core/http/request.c: req_lang, req_zone). They
 * are read with the rest of the person's row (user.c), which is remembered
 * between requests (auth-memo.c).
 */
#include <string.h>

#include <sqlite3.h>

#include "domain.h"

/*
 * On the writer: set a person's language ("" or NULL: automatic; else a
 * code i18n_lang knows) and time zone ("" or NULL: the browser's; else a
 * zone the system has).
 */
int
user_locale_set(struct db *db, int64_t user, const char *locale,
    const char *zone, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (locale != NULL && *locale == '\0')
		locale = NULL;
	if (zone != NULL && *zone == '\0')
		zone = NULL;
	if (locale != NULL && (i18n_lang(locale) < 0 || strlen(locale) != 2)) {
		*cause = xstrdup(N_("Choose one of the languages offered."));
		return E_INVALID;
	}
	if (zone != NULL && !tz_valid(zone)) {
		*cause = xstrdup(N_("That is not a time zone this server "
		    "knows. Use a name such as Europe/Berlin."));
		return E_INVALID;
	}
	/* Not part of the account as the API shows it: no version bump. */
	st = db_prepare(db, "UPDATE users SET locale = ?, time_zone = ? "
	    "WHERE id = ?");
	if (st == NULL)
		return E_INTERNAL;
	if (locale != NULL)
		sqlite3_bind_text(st, 1, locale, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	if (zone != NULL)
		sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? E_OK : E_INTERNAL;
}
