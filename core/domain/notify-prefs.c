/*
 * notify-prefs.c: what a person wants of each kind of notification (shown
 * on the web, sent in the e-mail digest) and how often the digest comes.
 * A kind is a notification type; the kinds people choose from are a table
 * (a new type, a reaction say, is one more row) followed by the types
 * modules registered words for. No stored row means both on, so a new kind
 * reaches everyone until they turn it off.
 */
#include <string.h>

#include "domain.h"

/* The core's kinds, in the order the settings page lists them (English;
 * the page and the digest translate the labels). */
static const struct notify_kind notify_kinds[] = {
	{ "mention",	    N_("Mentions and replies") },
	{ "follow",	    N_("New followers") },
	{ "favourite",	    N_("Favourites") },
	{ "reblog",	    N_("Boosts") },
	{ NOTIFY_REACTION,  N_("Reactions") },
	{ "added_to_group", N_("Being added to a group") },
	{ "poll",	    N_("Polls that ended") },
};

/*
 * The i-th kind there is (the core's, then modules'), or NULL past the
 * last. Modules register their words before any loop runs, so the list
 * does not change while this is read.
 */
const struct notify_kind *
notify_kind_at(size_t i, struct notify_kind *scratch)
{
	const char	*type, *label;

	if (i < nitems(notify_kinds))
		return &notify_kinds[i];
	if (notify_label_at(i - nitems(notify_kinds), &type, &label) != 0)
		return NULL;
	scratch->kind = type;
	scratch->label = label;
	return scratch;
}

/* Whether kind is one the settings know (a form names no other). */
int
notify_kind_known(const char *kind)
{
	struct notify_kind	 tmp;
	const struct notify_kind *k;
	size_t			 i;

	for (i = 0; (k = notify_kind_at(i, &tmp)) != NULL; i++) {
		if (strcmp(k->kind, kind) == 0)
			return 1;
	}
	return 0;
}

/* A person's choice for one kind: *web and *email (1 when never set). */
int
notify_pref_get(struct db *db, int64_t user, const char *kind, int *web,
    int *email)
{
	sqlite3_stmt	*st;
	int		 rc;

	*web = *email = 1;
	st = db_prepare(db, "SELECT web, email FROM notification_prefs WHERE "
	    "user_id = ? AND kind = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*web = sqlite3_column_int(st, 0);
		*email = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Store a person's choice for one kind (on the writer). */
int
notify_pref_set(struct db *db, int64_t user, const char *kind, int web,
    int email)
{
	if (!notify_kind_known(kind))
		return E_INVALID;
	if (DB_RUN(db, "INSERT INTO notification_prefs (user_id, kind, web, "
	    "email) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO UPDATE SET "
	    "web = ?3, email = ?4", SQL_I(user), SQL_T(kind), SQL_I(web != 0),
	    SQL_I(email != 0)) < 0)
		return E_INTERNAL;
	epoch_touch(db, user);	/* the unread count may change */
	return E_OK;
}

/* The kinds a person turned off for the web, to leave out of the page. */
int
notify_web_off(struct db *db, struct arena *a, int64_t user,
    const char ***kinds, size_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;
	size_t		 cap = 64;	/* the core's kinds and every module's */
	int64_t		 memo, version = epoch_person(user);

	*n = 0;
	*kinds = arena_alloc(a, cap * sizeof **kinds);
	/* Asked on every page, and most people turn nothing off: that is
	 * remembered under the person's epoch, which notify_pref_set moves. */
	if (epoch_memo_get(MEMO_NOTIFY_OFF, user, version, &memo) && memo == 0)
		return 0;
	st = db_prepare(db, "SELECT kind FROM notification_prefs WHERE "
	    "user_id = ? AND web = 0");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
		(*kinds)[(*n)++] = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (db_read_current(db))
		epoch_memo_put(MEMO_NOTIFY_OFF, user, version, *n > 0);
	return 0;
}

/* How often a person's digest comes; "off" unless they chose. */
static const char *const digest_frequencies[] = { "off", "daily", "weekly" };

/* The digest's frequency, when the last one went, and its newest id. */
int
digest_get(struct db *db, int64_t user, const char **frequency,
    int64_t *last_sent, int64_t *last_id)
{
	sqlite3_stmt	*st;
	const char	*f;
	size_t		 i;
	int		 rc;

	*frequency = "off";
	*last_sent = *last_id = 0;
	st = db_prepare(db, "SELECT frequency, last_sent_at, last_id FROM "
	    "notification_digests WHERE user_id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < nitems(digest_frequencies); i++) {
			if (strcmp(f, digest_frequencies[i]) == 0)
				*frequency = digest_frequencies[i];
		}
		*last_sent = sqlite3_column_int64(st, 1);
		*last_id = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Choose how often the digest comes (on the writer). Turning it on starts
 * from now: the first digest never brings up what happened before.
 */
int
digest_set_frequency(struct db *db, int64_t user, const char *frequency)
{
	size_t	i;

	for (i = 0; i < nitems(digest_frequencies); i++) {
		if (strcmp(frequency, digest_frequencies[i]) == 0)
			break;
	}
	if (i == nitems(digest_frequencies))
		return E_INVALID;
	if (DB_RUN(db, "INSERT INTO notification_digests (user_id, frequency, "
	    "last_id) VALUES (?1, ?2, coalesce((SELECT max(id) FROM "
	    "notifications WHERE user_id = ?1), 0)) ON CONFLICT DO UPDATE SET "
	    "frequency = ?2", SQL_I(user), SQL_T(frequency)) < 0)
		return E_INTERNAL;
	return E_OK;
}

/* Record a digest sent (on the writer): the next starts past last_id. */
int
digest_mark_sent(struct db *db, int64_t user, int64_t when, int64_t last_id)
{
	if (DB_RUN(db, "INSERT INTO notification_digests (user_id, "
	    "last_sent_at, last_id) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE "
	    "SET last_sent_at = ?2, last_id = max(last_id, ?3)", SQL_I(user),
	    SQL_I(when), SQL_I(last_id)) < 0)
		return E_INTERNAL;
	return E_OK;
}

/*
 * The people a digest is due for at now: daily ones whose last went more
 * than 20 hours ago, weekly ones more than 6.5 days ago (the job runs at
 * one hour of the day, so a little slack keeps the rhythm), who have an
 * address and an enabled account.
 */
int
digest_due(struct db *db, struct arena *a, int64_t now, struct idlist *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_prepare(db, "SELECT d.user_id FROM notification_digests d "
	    "JOIN users u ON u.id = d.user_id WHERE u.disabled = 0 AND "
	    "coalesce(u.email, '') <> '' AND ((d.frequency = 'daily' AND "
	    "d.last_sent_at <= ?1 - 72000) OR (d.frequency = 'weekly' AND "
	    "d.last_sent_at <= ?1 - 561600)) ORDER BY d.user_id");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(a, out, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * One line of plain text from a post's text (or its content warning,
 * which stands in for the text it hides): white space folded, at most max
 * bytes without cutting a character, "…" when cut. The caller escapes it.
 */
char *
notify_excerpt(struct arena *a, const char *text, size_t max)
{
	char	*out = arena_alloc(a, max + 4);
	size_t	 n = 0;
	int	 space = 0;

	while (*text == ' ' || *text == '\n' || *text == '\t' ||
	    *text == '\r')
		text++;
	for (; *text != '\0'; text++) {
		if (*text == ' ' || *text == '\n' || *text == '\t' ||
		    *text == '\r') {
			space = 1;
			continue;
		}
		if (n + space + 1 > max)
			break;
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = *text;
	}
	if (*text != '\0') {
		/* a character cut in two: drop its bytes, then the ellipsis */
		if (((unsigned char)*text & 0xc0) == 0x80) {
			while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) ==
			    0x80)
				n--;
			if (n > 0)
				n--;	/* its lead byte */
		}
		memcpy(out + n, "\xe2\x80\xa6", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* A post's excerpt for a notification (NULL if it is gone). */
char *
notify_post_excerpt(struct db *db, struct arena *a, int64_t post, size_t max)
{
	sqlite3_stmt	*st;
	const char	*cw, *text;
	char		*out = NULL;

	st = db_prepare(db, "SELECT spoiler_text, text FROM posts WHERE id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cw = (const char *)sqlite3_column_text(st, 0);
		text = (const char *)sqlite3_column_text(st, 1);
		out = notify_excerpt(a, cw != NULL && *cw != '\0' ? cw :
		    text != NULL ? text : "", max);
	}
	sqlite3_reset(st);
	return out;
}
