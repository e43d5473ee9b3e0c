/*
 * poll.c: polls, as Mastodon has them. A post carries at most one, and the
 * poll's id is the post's. Who may see a poll or vote in it is who may read
 * its post (access.c); the author may vote too (Mastodon's PollPolicy), but
 * is shown as having voted, so apps show the author the results. A person
 * votes once; when the options change in an edit, the votes are reset, as
 * Mastodon's UpdateStatusService does. When a poll ends, the writer marks it
 * ended in the transaction that notifies its voters and its author.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/*
 * Check a poll against the instance's limits. 0, or E_INVALID with a cause
 * that names the field, as Mastodon's "Validation failed: ...".
 */
int
poll_check(const struct poll_spec *p, const struct config *cf, char *cause,
    size_t len)
{
	size_t	i, j;
	const char *s;

	if (p->noptions < 2) {
		cause_copy(cause, len, cause_new(N_("Validation failed: "
		    "poll[options] must have at least 2 items")));
		return E_INVALID;
	}
	if (p->noptions > (size_t)cf->poll_max_options ||
	    p->noptions > POLL_OPTIONS_MAX) {
		cause_copy(cause, len, cause_new(N_("Validation failed: "
		    "poll[options] cannot have more than {max} items"),
		    CN("max", cf->poll_max_options)));
		return E_INVALID;
	}
	for (i = 0; i < p->noptions; i++) {
		s = p->options[i];
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0') {
			cause_copy(cause, len, cause_new(N_("Validation "
			    "failed: poll[options] cannot be blank")));
			return E_INVALID;
		}
		if (strchr(p->options[i], '\n') != NULL ||
		    !utf8_valid((const unsigned char *)p->options[i],
		    strlen(p->options[i]))) {
			cause_copy(cause, len, cause_new(N_("Validation "
			    "failed: poll[options] must be one line of text "
			    "each")));
			return E_INVALID;
		}
		if (utf8_chars(p->options[i]) >
		    (size_t)cf->poll_max_option_chars) {
			cause_copy(cause, len, cause_new(N_("Validation "
			    "failed: poll[options] cannot be longer than {max} "
			    "characters each"), CN("max",
			    cf->poll_max_option_chars)));
			return E_INVALID;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(p->options[i], p->options[j]) == 0) {
				cause_copy(cause, len, cause_new(N_("Validation "
				    "failed: poll[options] must not contain "
				    "duplicate items")));
				return E_INVALID;
			}
		}
	}
	if (p->expires_in < cf->poll_min_expiration) {
		cause_copy(cause, len, cause_new(N_("Validation failed: "
		    "poll[expires_in] must be at least {min} seconds"),
		    CN("min", cf->poll_min_expiration)));
		return E_INVALID;
	}
	if (p->expires_in > cf->poll_max_expiration) {
		cause_copy(cause, len, cause_new(N_("Validation failed: "
		    "poll[expires_in] must be at most {max} seconds"),
		    CN("max", cf->poll_max_expiration)));
		return E_INVALID;
	}
	return E_OK;
}

/* The options as the JSON array kept in polls.options_json (caller frees). */
static char *
poll_options_json(const struct poll_spec *p)
{
	json_t	*arr = json_array();
	char	*s;
	size_t	 i;

	for (i = 0; i < p->noptions; i++)
		json_array_append_new(arr, json_string(p->options[i]));
	s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

/*
 * In the write that creates or edits post: give it the poll p, or take its
 * poll away (p NULL). An edit that changes the options or multiple resets
 * the votes; the end moves to expires_in from now.
 */
int
poll_save(struct db *db, int64_t post, const struct poll_spec *p)
{
	sqlite3_stmt	*st;
	char		*opts;
	int		 had = 0, same = 0, rc = E_INTERNAL;

	if (p == NULL) {
		if (DB_RUN(db, "DELETE FROM polls WHERE post_id = ?",
		    SQL_I(post)) < 0)
			return E_INTERNAL;
		return E_OK;
	}
	if ((opts = poll_options_json(p)) == NULL)
		return E_INTERNAL;
	st = db_prepare(db, "SELECT options_json = ? AND multiple = ? FROM "
	    "polls WHERE post_id = ?");
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 1, opts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, p->multiple != 0);
	sqlite3_bind_int64(st, 3, post);
	if (sqlite3_step(st) == SQLITE_ROW) {
		had = 1;
		same = sqlite3_column_int(st, 0);
	}
	sqlite3_reset(st);
	if (had && !same && DB_RUN(db, "DELETE FROM poll_votes WHERE post_id "
	    "= ?", SQL_I(post)) < 0)
		goto out;
	if (DB_RUN(db, "INSERT INTO polls (post_id, options_json, multiple, "
	    "hide_totals, expires_at, ended) VALUES (?1, ?2, ?3, ?4, ?5, 0) "
	    "ON CONFLICT (post_id) DO UPDATE SET options_json = ?2, "
	    "multiple = ?3, hide_totals = ?4, expires_at = ?5, ended = 0",
	    SQL_I(post), SQL_T(opts), SQL_I(p->multiple != 0),
	    SQL_I(p->hide_totals != 0),
	    SQL_I((int64_t)time(NULL) + p->expires_in)) < 0)
		goto out;
	rc = E_OK;
out:
	free(opts);
	return rc;
}

/* A poll's options and flags; -1 if the post has none. */
static int
poll_row(struct db *db, struct arena *a, int64_t post, struct poll *out)
{
	sqlite3_stmt	*st;
	json_t		*arr, *v;
	size_t		 i;
	int		 rc = -1;

	st = db_prepare(db, "SELECT p.options_json, p.multiple, p.hide_totals, "
	    "p.expires_at, p.ended, s.author_id FROM polls p JOIN posts s ON "
	    "s.id = p.post_id WHERE p.post_id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = post;
		arr = json_loads((const char *)sqlite3_column_text(st, 0), 0,
		    NULL);
		json_array_foreach(arr, i, v) {
			if (out->noptions == POLL_OPTIONS_MAX)
				break;
			out->options[out->noptions++] = arena_strdup(a,
			    json_string_value(v) ? json_string_value(v) : "");
		}
		json_decref(arr);
		out->multiple = sqlite3_column_int(st, 1);
		out->hide_totals = sqlite3_column_int(st, 2);
		out->expires_at = sqlite3_column_int64(st, 3);
		out->ended = sqlite3_column_int(st, 4);
		out->author_id = sqlite3_column_int64(st, 5);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* Whether a post carries a poll. */
int
poll_exists(struct db *db, int64_t post)
{
	sqlite3_stmt	*st;
	int		 any = 1;	/* on an error: as if it had */

	if ((st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM polls WHERE "
	    "post_id = ?)")) == NULL)
		return 1;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW)
		any = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return any;
}

/*
 * A post's poll with its counts and the viewer's votes, or -1 if it has
 * none. The caller checks that the viewer may read the post.
 */
int
poll_get(struct db *db, struct arena *a, int64_t viewer, int64_t post,
    struct poll *out)
{
	sqlite3_stmt	*st;
	int		 c;

	if (poll_row(db, a, post, out) != 0)
		return -1;
	out->expired = out->ended || out->expires_at <= time(NULL);
	st = db_prepare(db, "SELECT choice, count(*), sum(user_id = ?) FROM "
	    "poll_votes WHERE post_id = ? GROUP BY choice");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, viewer);
	sqlite3_bind_int64(st, 2, post);
	while (sqlite3_step(st) == SQLITE_ROW) {
		c = sqlite3_column_int(st, 0);
		if (c < 0 || (size_t)c >= out->noptions)
			continue;
		out->votes[c] = sqlite3_column_int64(st, 1);
		out->votes_count += out->votes[c];
		if (sqlite3_column_int(st, 2) > 0) {
			out->mine[c] = 1;
			out->voted = 1;
		}
	}
	sqlite3_reset(st);
	st = db_prepare(db, "SELECT count(DISTINCT user_id) FROM poll_votes "
	    "WHERE post_id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW)
		out->voters_count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* Mastodon's Poll#voted?: the author counts as having voted. */
	if (viewer == out->author_id)
		out->voted = 1;
	/* hide_totals: counts only once it ends, or for its author. */
	out->totals_shown = !out->hide_totals || out->expired ||
	    viewer == out->author_id;
	return 0;
}

/* On the writer: a vote (struct poll_vote). */
int
poll_vote_cmd(struct db *db, void *arg, char **cause)
{
	struct poll_vote	*v = arg;
	struct poll		 p;
	struct arena		*a = arena_new();
	size_t			 i, j;
	int			 rc = E_INVALID;
	const char		*why = NULL;

	if (!access_post_visible(db, v->actor, v->id) ||
	    poll_get(db, a, v->actor, v->id, &p) != 0) {
		arena_free(a);
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	if (p.expired)
		why = "Validation failed: the poll has already ended";
	else if (p.voted && v->actor != p.author_id)
		why = "Validation failed: you have already voted on this poll";
	else if (v->actor == p.author_id) {
		/* the author may vote once, as anyone (voted is always set
		 * for them, so look at the rows) */
		for (i = 0; i < p.noptions; i++) {
			if (p.mine[i])
				why = "Validation failed: you have already "
				    "voted on this poll";
		}
	}
	if (why == NULL && v->n == 0)
		why = "Validation failed: choices must name at least one option";
	if (why == NULL && !p.multiple && v->n > 1)
		why = "Validation failed: choices: this poll takes one choice";
	for (i = 0; why == NULL && i < v->n; i++) {
		if (v->choices[i] < 0 || (size_t)v->choices[i] >= p.noptions)
			why = "Validation failed: choices must be option "
			    "indexes of this poll";
		for (j = 0; why == NULL && j < i; j++) {
			if (v->choices[j] == v->choices[i])
				why = "Validation failed: choices must not "
				    "repeat";
		}
	}
	arena_free(a);
	if (why != NULL) {
		*cause = xstrdup(why);
		return rc;
	}
	for (i = 0; i < v->n; i++) {
		if (DB_RUN(db, "INSERT INTO poll_votes (post_id, user_id, "
		    "choice, created_at) VALUES (?, ?, ?, ?)", SQL_I(v->id),
		    SQL_I(v->actor), SQL_I(v->choices[i]),
		    SQL_I(time(NULL))) < 0) {
			*cause = xstrdup("Saving the vote failed");
			return E_INTERNAL;
		}
	}
	return E_OK;
}

/* Polls that ended and whose people were not told yet, at most max. */
size_t
poll_due(struct db *db, int64_t now, int64_t *ids, size_t max)
{
	sqlite3_stmt	*st;
	size_t		 n = 0;

	st = db_prepare(db, "SELECT post_id FROM polls WHERE ended = 0 AND "
	    "expires_at <= ? ORDER BY expires_at LIMIT ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/*
 * On the writer: the poll on post has ended. Mark it, and tell its voters
 * (who can still read it) and its author, once: a poll already marked, or
 * moved into the future by an edit since it was found due, is left alone.
 */
int
poll_end(struct db *db, int64_t post)
{
	sqlite3_stmt	*st;
	struct arena	*a;
	struct idlist	 voters = { NULL, 0, 0 };
	int64_t		 author = 0;
	size_t		 i;
	int		 rc = -1;

	if (DB_RUN(db, "UPDATE polls SET ended = 1 WHERE post_id = ? AND "
	    "ended = 0 AND expires_at <= ?", SQL_I(post),
	    SQL_I(time(NULL))) <= 0)
		return 0;
	st = db_prepare(db, "SELECT author_id FROM posts WHERE id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	if (sqlite3_step(st) == SQLITE_ROW)
		author = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = db_prepare(db, "SELECT DISTINCT user_id FROM poll_votes WHERE "
	    "post_id = ? AND user_id != ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	sqlite3_bind_int64(st, 2, author);
	a = arena_new();
	if (idlist_from_stmt(a, st, &voters, NULL) != 0)
		goto out;
	for (i = 0; i < voters.n; i++) {
		if (access_post_visible(db, voters.ids[i], post) &&
		    notify_add(db, voters.ids[i], "poll", author, post, 0) != 0)
			goto out;
	}
	if (author != 0 && notify_add_own(db, author, "poll", post) != 0)
		goto out;
	rc = 0;
out:
	arena_free(a);
	return rc;
}
