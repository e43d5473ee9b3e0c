/*
 * digest.c: the e-mail digest of what a person missed: the notifications
 * past both their read marker and their last digest, of the kinds they
 * want by e-mail, as a text and an HTML alternative with a link to the
 * notifications page and one to the settings that stop it. Building reads
 * the database only; sending (mail.c) and recording (digest_mark_sent) are
 * the caller's, so a digest is recorded only once it went. It is written
 * in the person's language (users.locale; English if none or unknown),
 * its date in their time zone (users.time_zone; UTC if none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define DIGEST_MAX_ITEMS	50
#define DIGEST_EXCERPT		140

/* What happened, in words (lang's), for one notification in a digest. */
static const char *
digest_phrase(int lang, const char *type, int reply)
{
	static const struct {
		const char	*type;
		const char	*phrase;
	} phrases[] = {
		{ "follow",		N_("followed you") },
		{ "favourite",		N_("favourited your post") },
		{ "reblog",		N_("boosted your post") },
		{ NOTIFY_REACTION,	N_("reacted to your post") },
		{ "added_to_group",	N_("added you to a group") },
		{ "poll",		N_("a poll you voted in has ended") },
	};
	const char	*label;
	size_t		 i;

	if (strcmp(type, "mention") == 0)
		return reply ? tr(lang, "replied to you") : tr(lang,
		    "mentioned you");
	for (i = 0; i < nitems(phrases); i++) {
		if (strcmp(type, phrases[i].type) == 0)
			return tr(lang, phrases[i].phrase);
	}
	if ((label = notify_label(type)) != NULL)
		return tr(lang, label);
	return type;
}

/* Text escaped for HTML, in the arena. */
static char *
digest_html(struct arena *a, const char *s)
{
	size_t	 n = 0;
	char	*out = arena_alloc(a, strlen(s) * 6 + 1);

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': memcpy(out + n, "&amp;", 5); n += 5; break;
		case '<': memcpy(out + n, "&lt;", 4); n += 4; break;
		case '>': memcpy(out + n, "&gt;", 4); n += 4; break;
		case '"': memcpy(out + n, "&quot;", 6); n += 6; break;
		case '\'': memcpy(out + n, "&#39;", 5); n += 5; break;
		default: out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

/* Append to a growing arena string. */
static char *
cat(struct arena *a, char *s, const char *more)
{
	return arena_printf(a, "%s%s", s, more);
}

/* Free what a built digest holds. */
void
digest_free(struct digest *d)
{
	free(d->to_addr);
	free(d->message);
	memset(d, 0, sizeof *d);
}

/*
 * Build user's digest at now: 0 and d->count > 0 with the message, 0 and
 * d->count == 0 when there is nothing to tell (never an empty digest, nor
 * one to someone without an address or who never asked for one), -1 and
 * *cause on error.
 */
int
digest_build(struct db *db, const struct config *c, int64_t user,
    int64_t now, struct digest *d, char **cause)
{
	sqlite3_stmt	*st;
	struct arena	*a = arena_new();
	struct mail_msg	 m;
	const char	*freq, *site, *name, *username, *email, *type, *who;
	const char	*phrase, *excerpt, *group, *cw, *text, *zone, *day;
	const char	*because;
	char		*txt, *html, *line, num[24];
	int64_t		 last_sent, last_id, marker = 0, ver, upd;
	int		 rc = -1, reply, step, others = 0, lang;

	memset(d, 0, sizeof *d);
	site = c->instance_title != NULL && *c->instance_title != '\0' ?
	    c->instance_title : "hearth";
	if (digest_get(db, user, &freq, &last_sent, &last_id) != 0) {
		*cause = xstrdup("the digest settings could not be read");
		goto out;
	}
	if (strcmp(freq, "off") == 0) {
		rc = 0;		/* never asked for one */
		goto out;
	}
	if (marker_get(db, user, "notifications", &marker, &ver, &upd) != 0)
		marker = 0;	/* nothing read yet */
	st = db_prepare(db, "SELECT username, display_name, email, locale, "
	    "time_zone FROM users WHERE id = ? AND disabled = 0");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, user);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		rc = 0;
		goto out;
	}
	username = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
	name = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	email = sqlite3_column_text(st, 2) != NULL ? arena_strdup(a,
	    (const char *)sqlite3_column_text(st, 2)) : "";
	if ((lang = i18n_lang((const char *)sqlite3_column_text(st, 3))) < 0)
		lang = LANG_EN;
	zone = sqlite3_column_text(st, 4) != NULL ? arena_strdup(a,
	    (const char *)sqlite3_column_text(st, 4)) : "UTC";
	sqlite3_reset(st);
	if (*name == '\0')
		name = username;
	if (*email == '\0') {
		rc = 0;
		goto out;
	}

	day = i18n_date(a, lang, zone, now);
	txt = arena_printf(a, "%s\n\n%s\n\n", i18n_format(a, tr(lang,
	    "Hello {name},"), "name", name, NULL), i18n_format(a, tr(lang,
	    "Here is what you missed on {site} ({day}):"), "site", site,
	    "day", day, NULL));
	html = arena_printf(a, "<!DOCTYPE html>\n<html lang=\"%s\"><body>\n"
	    "<p>%s</p>\n<p>%s</p>\n<ul>\n", i18n_code(lang), i18n_format(a,
	    digest_html(a, tr(lang, "Hello {name},")), "name",
	    digest_html(a, name), NULL), i18n_format(a, digest_html(a,
	    tr(lang, "Here is what you missed on {site} ({day}):")), "site",
	    digest_html(a, site), "day", digest_html(a, day), NULL));

	st = db_prepare(db, "SELECT n.id, n.type, u.id, u.display_name, "
	    "u.username, p.spoiler_text, p.text, g.name, "
	    "p.in_reply_to_account_id = :viewer FROM notifications n "
	    "JOIN users u ON u.id = n.from_id "
	    "LEFT JOIN posts p ON p.id = n.post_id "
	    "LEFT JOIN groups g ON g.id = n.group_id "
	    "WHERE n.user_id = :viewer AND n.id > :since AND n.id > :marker "
	    "AND (n.post_id IS NULL OR " SQL_POST_VISIBLE("p") ") AND "
	    "(n.group_id IS NULL OR " SQL_GROUP_READABLE("g") ") AND "
	    "NOT EXISTS (SELECT 1 FROM notification_prefs np WHERE "
	    "np.user_id = :viewer AND np.kind = n.type AND np.email = 0) "
	    "ORDER BY n.id DESC LIMIT 51");
	if (st == NULL)
		goto fail;
	access_bind_viewer(st, user);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":since"),
	    last_id);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":marker"),
	    marker);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (d->count == DIGEST_MAX_ITEMS) {
			others = 1;
			break;
		}
		if (d->count == 0)
			d->last_id = sqlite3_column_int64(st, 0);
		type = (const char *)sqlite3_column_text(st, 1);
		who = (const char *)sqlite3_column_text(st, 3);
		if (who == NULL || *who == '\0')
			who = (const char *)sqlite3_column_text(st, 4);
		who = arena_printf(a, "%s (@%s)", who,
		    (const char *)sqlite3_column_text(st, 4));
		reply = sqlite3_column_int(st, 8);
		phrase = digest_phrase(lang, type, reply);
		cw = (const char *)sqlite3_column_text(st, 5);
		text = (const char *)sqlite3_column_text(st, 6);
		excerpt = NULL;
		if (text != NULL)
			excerpt = notify_excerpt(a, cw != NULL && *cw != '\0' ?
			    cw : text, DIGEST_EXCERPT);
		group = (const char *)sqlite3_column_text(st, 7);
		line = arena_printf(a, "- %s %s%s%s%s%s\n", who, phrase,
		    group != NULL ? ": " : "", group != NULL ? group : "",
		    excerpt != NULL ? ": \"" : "",
		    excerpt != NULL ? arena_printf(a, "%s\"", excerpt) : "");
		txt = cat(a, txt, line);
		html = cat(a, html, arena_printf(a, "<li><strong>%s</strong> "
		    "%s%s%s%s</li>\n", digest_html(a, who), digest_html(a,
		    phrase),
		    group != NULL ? ": " : "", group != NULL ?
		    digest_html(a, group) : "", excerpt != NULL ?
		    arena_printf(a, ": &ldquo;%s&rdquo;",
		    digest_html(a, excerpt)) : ""));
		d->count++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW)
		goto fail;
	if (d->count == 0) {
		rc = 0;
		goto out;
	}
	if (others) {
		txt = cat(a, txt, arena_printf(a, "- %s\n", tr(lang,
		    "and more")));
		html = cat(a, html, arena_printf(a, "<li>%s</li>\n",
		    digest_html(a, tr(lang, "and more"))));
	}
	because = strcmp(freq, "weekly") == 0 ? tr(lang, "You get this "
	    "because you asked for a weekly digest.") : tr(lang, "You get "
	    "this because you asked for a daily digest.");
	txt = cat(a, txt, arena_printf(a, "\n%s\n\n%s %s\n",
	    i18n_format(a, tr(lang, "See them all: {url}"), "url",
	    arena_printf(a, "%s/notifications", c->base_url), NULL), because,
	    i18n_format(a, tr(lang, "To change what it tells you, or to stop "
	    "it: {url}"), "url", arena_printf(a, "%s/settings/notifications",
	    c->base_url), NULL)));
	html = cat(a, html, arena_printf(a, "</ul>\n<p><a href=\"%s/"
	    "notifications\">%s</a></p>\n<p>%s <a href=\"%s/settings/"
	    "notifications\">%s</a>.</p>\n</body></html>\n",
	    digest_html(a, c->base_url), digest_html(a, tr(lang,
	    "See them all")), digest_html(a, because),
	    digest_html(a, c->base_url), digest_html(a, tr(lang,
	    "Change what it tells you, or stop it"))));

	memset(&m, 0, sizeof m);
	m.from_name = site;
	m.to_name = name;
	m.to_addr = email;
	snprintf(num, sizeof num, "%d%s", d->count, others ? "+" : "");
	m.subject = i18n_format(a, trn(lang, d->count, "{n} new notification "
	    "on {site}", "{n} new notifications on {site}"), "n", num, "site",
	    site, NULL);
	m.text = txt;
	m.html = html;
	m.unsubscribe = arena_printf(a, "%s/settings/notifications",
	    c->base_url);
	d->message = mail_compose(c, &m);
	d->to_addr = xstrdup(email);
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("the digest could not be read: %s", db_errmsg(db));
out:
	arena_free(a);
	return rc;
}

/*
 * Build and send every due digest (or only that person's, when only > 0,
 * due or not) with db at now; for each that went,
 * call sent(user, last_id, arg). The number sent, or -1 if the database
 * could not be read. Shared by the job and hearthctl ("digest send").
 */
int
digest_run(struct db *db, const struct config *c, int64_t now, int64_t only,
    void (*sent)(int64_t, int64_t, void *), void *arg)
{
	struct arena	*a = arena_new();
	struct idlist	 due = { NULL, 0, 0 };
	struct digest	 d;
	char		*cause = NULL;
	size_t		 i;
	int		 n = 0;

	if (only > 0)
		idlist_add(a, &due, only);
	else if (digest_due(db, a, now, &due) != 0) {
		log_error("digest: who is due could not be read: %s",
		    db_errmsg(db));
		arena_free(a);
		return -1;
	}
	for (i = 0; i < due.n; i++) {
		if (digest_build(db, c, due.ids[i], now, &d, &cause) != 0) {
			log_error("digest: user %lld: %s",
			    (long long)due.ids[i], cause);
			free(cause);
			cause = NULL;
			continue;
		}
		if (d.count == 0)
			continue;	/* nothing new: no mail, no record */
		if (mail_send(c, d.to_addr, d.message, &cause) != 0) {
			log_error("digest: user %lld: not sent: %s",
			    (long long)due.ids[i], cause);
			free(cause);
			cause = NULL;
			digest_free(&d);
			continue;
		}
		log_info("digest: sent to user %lld (%d notification%s)",
		    (long long)due.ids[i], d.count, d.count == 1 ? "" : "s");
		sent(due.ids[i], d.last_id, arg);
		digest_free(&d);
		n++;
	}
	arena_free(a);
	return n;
}
