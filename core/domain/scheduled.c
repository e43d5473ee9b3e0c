/*
 * scheduled.c: posts written now to go out later (Mastodon's scheduled
 * statuses). A scheduled post is a row holding the post's parameters as
 * the API took them, and the uploads it will take (media.scheduled_id, so
 * the daily clean-up of uploads no post took leaves them alone). Its
 * rules (reply target, group, uploads) are checked when it is scheduled,
 * so a mistake is answered at once, and again when it goes out: the
 * writer deletes the row in the same transaction that inserts the post
 * (scheduled_publish), so it goes out exactly once, whatever restarts
 * between, and a post whose rules no longer hold is dropped (and logged),
 * as Mastodon drops it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* The least time ahead a post may be scheduled: Mastodon's five minutes,
 * or HEARTH_SCHEDULE_MIN_LEAD seconds (for tests, which cannot wait). */
int64_t
scheduled_min_lead(void)
{
	const char	*e = getenv("HEARTH_SCHEDULE_MIN_LEAD");
	char		*end;
	long		 v;

	if (e != NULL && *e != '\0') {
		v = strtol(e, &end, 10);
		if (*end == '\0' && v >= 0)
			return v;
	}
	return SCHEDULED_MIN_LEAD;
}

/* Read n digits at *s into *v. 0, or -1. */
static int
digits(const char **s, int n, int *v)
{
	*v = 0;
	for (; n > 0; n--, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		*v = *v * 10 + (**s - '0');
	}
	return 0;
}

/*
 * An ISO 8601 date and time as Mastodon's apps send it
 * (2026-12-14T09:00:00.000Z; seconds, fraction and zone optional, no zone
 * meaning UTC) as seconds since the epoch. 0, or -1.
 */
int
scheduled_time_parse(const char *s, int64_t *out)
{
	struct tm	tm;
	int		y, mo, d, h, mi, sec = 0, zh = 0, zm = 0, sign = 0;
	int64_t		t;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || digits(&s, 4, &y) || *s++ != '-' ||
	    digits(&s, 2, &mo) || *s++ != '-' || digits(&s, 2, &d) ||
	    (*s != 'T' && *s != 't' && *s != ' ') || (s++, digits(&s, 2, &h))
	    || *s++ != ':' || digits(&s, 2, &mi))
		return -1;
	if (*s == ':') {
		s++;
		if (digits(&s, 2, &sec))
			return -1;
		if (*s == '.' || *s == ',') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &zh))
			return -1;
		if (*s == ':')
			s++;
		if (*s != '\0' && digits(&s, 2, &zm))
			return -1;
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || zh > 23 || zm > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	*out = t - sign * (zh * 3600 + zm * 60);
	return 0;
}

/* In the write: Mastodon's limits, 300 waiting and 25 on one (UTC) day;
 * except is a row being moved (0: none). */
static int
scheduled_limits(struct db *db, struct scheduled_draft *s, int64_t except)
{
	sqlite3_stmt	*st;
	int64_t		 total = 0, day = 0;

	st = db_prepare(db, "SELECT count(*), coalesce(sum(scheduled_at / "
	    "86400 = ?2), 0) FROM scheduled_statuses WHERE user_id = ?1 AND "
	    "id != ?3");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, s->user_id);
	sqlite3_bind_int64(st, 2, s->at / 86400);
	sqlite3_bind_int64(st, 3, except);
	if (sqlite3_step(st) == SQLITE_ROW) {
		total = sqlite3_column_int64(st, 0);
		day = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (total >= SCHEDULED_TOTAL_MAX) {
		cause_copy(s->cause, sizeof s->cause, cause_newn(
		    SCHEDULED_TOTAL_MAX, NN_("Validation failed: You have "
		    "exceeded the limit of {n} scheduled post", "Validation "
		    "failed: You have exceeded the limit of {n} scheduled "
		    "posts"), CN("n", SCHEDULED_TOTAL_MAX)));
		return E_INVALID;
	}
	if (day >= SCHEDULED_DAILY_MAX) {
		cause_copy(s->cause, sizeof s->cause, cause_newn(
		    SCHEDULED_DAILY_MAX, NN_("Validation failed: You have "
		    "exceeded the limit of {n} scheduled post for that day",
		    "Validation failed: You have exceeded the limit of {n} "
		    "scheduled posts for that day"), CN("n",
		    SCHEDULED_DAILY_MAX)));
		return E_INVALID;
	}
	return E_OK;
}

/* In the write: the post's rules that the database decides, checked now
 * so that a mistake is answered at once (post_create checks them again
 * when the post goes out). */
static int
scheduled_rules(struct db *db, struct scheduled_draft *s)
{
	struct post_draft	*d = s->d;
	sqlite3_stmt		*st;
	int64_t			 group = d->group_id;

	if (d->in_reply_to_id != 0) {
		if (!access_post_visible(db, d->author_id, d->in_reply_to_id)) {
			snprintf(s->cause, sizeof s->cause, N_("The post you "
			    "are replying to does not exist or is not visible "
			    "to you"));
			return E_NOTFOUND;
		}
		st = db_prepare(db, "SELECT coalesce(group_id, 0) FROM posts "
		    "WHERE id = ?");
		if (st == NULL)
			return E_INTERNAL;
		sqlite3_bind_int64(st, 1, d->in_reply_to_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			group = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (d->group_id != 0 && d->group_id != group) {
			snprintf(s->cause, sizeof s->cause, N_("A reply "
			    "belongs to the group of the post it replies to"));
			return E_INVALID;
		}
	}
	if (group != 0 && access_group_role(db, d->author_id, group) < 0) {
		if (!access_group_readable(db, d->author_id, group)) {
			snprintf(s->cause, sizeof s->cause, N_("Group not "
			    "found"));
			return E_NOTFOUND;
		}
		snprintf(s->cause, sizeof s->cause, N_("Only members of the "
		    "group can post in it: join it first"));
		return E_FORBIDDEN;
	}
	return E_OK;
}

/* In the write: the scheduled post id takes the draft's uploads (each the
 * author's, ready, and taken by no post nor other scheduled post), with
 * their new descriptions. */
static int
scheduled_take_media(struct db *db, struct scheduled_draft *s, int64_t id)
{
	struct post_draft	*d = s->d;
	sqlite3_stmt		*st;
	size_t			 i;
	int			 ok;

	if (d->nmedia > MEDIA_PER_POST) {
		cause_copy(s->cause, sizeof s->cause, cause_newn(
		    MEDIA_PER_POST, NN_("Validation failed: a post has at most "
		    "{n} attachment", "Validation failed: a post has at most "
		    "{n} attachments"), CN("n", MEDIA_PER_POST)));
		return E_INVALID;
	}
	for (i = 0; i < d->nmedia; i++) {
		st = db_prepare(db, "SELECT 1 FROM media WHERE id = ? AND "
		    "owner_id = ? AND post_id IS NULL AND (scheduled_id IS "
		    "NULL OR scheduled_id = ?) AND state = 'ready'");
		if (st == NULL)
			return E_INTERNAL;
		sqlite3_bind_int64(st, 1, d->media_ids[i]);
		sqlite3_bind_int64(st, 2, d->author_id);
		sqlite3_bind_int64(st, 3, id);
		ok = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!ok) {
			snprintf(s->cause, sizeof s->cause, "Validation failed: "
			    "media_ids: %lld is not an upload of yours that is "
			    "ready and free to attach",
			    (long long)d->media_ids[i]);
			return E_INVALID;
		}
		if (DB_RUN(db, "UPDATE media SET scheduled_id = ?, description "
		    "= coalesce(?, description) WHERE id = ?", SQL_I(id),
		    SQL_T(d->media_desc != NULL ? d->media_desc[i] : NULL),
		    SQL_I(d->media_ids[i])) != 1)
			return E_INTERNAL;
	}
	return E_OK;
}

/* On the writer: schedule the prepared draft s->d to go out at s->at,
 * keeping s->params_json; s->id, or an E_ code with s->cause. The same
 * Idempotency-Key again answers the one already scheduled. */
static int
scheduled_create(struct db *db, struct scheduled_draft *s)
{
	struct post_draft	*d = s->d;
	sqlite3_stmt		*st;
	int			 rc;

	s->user_id = d->author_id;
	if (d->idempotency_key != NULL) {
		st = db_prepare(db, "SELECT id FROM scheduled_statuses WHERE "
		    "user_id = ? AND idempotency_key = ?");
		if (st == NULL)
			return E_INTERNAL;
		sqlite3_bind_int64(st, 1, d->author_id);
		sqlite3_bind_text(st, 2, d->idempotency_key, -1,
		    SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			s->id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (s->id != 0) {
			s->duplicate = 1;
			return E_OK;
		}
	}
	if ((rc = scheduled_limits(db, s, 0)) != E_OK ||
	    (rc = scheduled_rules(db, s)) != E_OK)
		return rc;
	if (DB_RUN(db, "INSERT INTO scheduled_statuses (user_id, "
	    "scheduled_at, params_json, idempotency_key, created_at) VALUES "
	    "(?, ?, ?, ?, ?)", SQL_I(d->author_id), SQL_I(s->at),
	    SQL_T(s->params_json), SQL_T(d->idempotency_key),
	    SQL_I(time(NULL))) != 1)
		return E_INTERNAL;
	s->id = db_last_id(db);
	return scheduled_take_media(db, s, s->id);
}

/* Command: schedule a prepared draft (struct scheduled_draft). */
int
scheduled_create_cmd(struct db *db, void *arg, char **cause)
{
	struct scheduled_draft	*s = arg;
	int			 rc = scheduled_create(db, s);

	if (rc != E_OK)
		*cause = xstrdup(s->cause[0] ? s->cause : "Scheduling the post "
		    "failed");
	return rc;
}

/* Command: move the person's (s->user_id) scheduled post s->id to s->at. */
int
scheduled_update_cmd(struct db *db, void *arg, char **cause)
{
	struct scheduled_draft	*s = arg;
	int			 rc;

	if ((rc = scheduled_limits(db, s, s->id)) != E_OK) {
		*cause = xstrdup(s->cause);
		return rc;
	}
	rc = DB_RUN(db, "UPDATE scheduled_statuses SET scheduled_at = ? WHERE "
	    "id = ? AND user_id = ?", SQL_I(s->at), SQL_I(s->id),
	    SQL_I(s->user_id));
	if (rc < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	return E_OK;
}

/* Command: cancel the person's scheduled post (its uploads are free
 * again, and go with the daily clean-up unless a post takes them). */
int
scheduled_delete_cmd(struct db *db, void *arg, char **cause)
{
	struct scheduled_draft	*s = arg;
	int			 rc;

	rc = DB_RUN(db, "DELETE FROM scheduled_statuses WHERE id = ? AND "
	    "user_id = ?", SQL_I(s->id), SQL_I(s->user_id));
	if (rc < 0 || DB_RUN(db, "UPDATE media SET scheduled_id = NULL WHERE "
	    "scheduled_id = ?", SQL_I(s->id)) < 0)
		return E_INTERNAL;
	if (rc == 0) {
		*cause = xstrdup("Record not found");
		return E_NOTFOUND;
	}
	return E_OK;
}

/* Fill a scheduled post from a row of id, user_id, scheduled_at,
 * params_json. */
static void
scheduled_from_row(struct arena *a, sqlite3_stmt *st, struct scheduled *s)
{
	const unsigned char	*t = sqlite3_column_text(st, 3);

	s->id = sqlite3_column_int64(st, 0);
	s->user_id = sqlite3_column_int64(st, 1);
	s->scheduled_at = sqlite3_column_int64(st, 2);
	s->params_json = arena_strdup(a, t != NULL ? (const char *)t : "{}");
}

/* The person's scheduled post id, or NULL (another's is not found). */
struct scheduled *
scheduled_get(struct db *db, struct arena *a, int64_t user, int64_t id)
{
	struct scheduled	*s = NULL;
	sqlite3_stmt		*st;

	st = db_prepare(db, "SELECT id, user_id, scheduled_at, params_json "
	    "FROM scheduled_statuses WHERE id = ? AND user_id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	if (sqlite3_step(st) == SQLITE_ROW) {
		s = arena_alloc(a, sizeof *s);
		scheduled_from_row(a, st, s);
	}
	sqlite3_reset(st);
	return s;
}

/* The person's scheduled posts, newest first (ids, and ids as cursors). */
int
scheduled_list(struct db *db, struct arena *a, int64_t user,
    const struct page *p, struct idlist *ids, struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT id, id FROM "
	    "scheduled_statuses WHERE user_id = :user AND ", "id");
	const struct sqlarg	 args[] = { SQLARG_INT(":user", user) };

	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}

/* Up to max scheduled posts due at now, the most overdue first. */
size_t
scheduled_due(struct db *db, struct arena *a, int64_t now,
    struct scheduled *out, size_t max)
{
	sqlite3_stmt	*st;
	size_t		 n = 0;

	st = db_prepare(db, "SELECT id, user_id, scheduled_at, params_json "
	    "FROM scheduled_statuses WHERE scheduled_at <= ? ORDER BY "
	    "scheduled_at, id LIMIT ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		scheduled_from_row(a, st, &out[n++]);
	sqlite3_reset(st);
	return n;
}

/* A string member of params, or NULL. */
static const char *
param_str(struct arena *a, json_t *params, const char *key)
{
	const char	*v = json_string_value(json_object_get(params, key));

	return v != NULL ? arena_strdup(a, v) : NULL;
}

/* An id member of params (a string, as the API shows ids), or 0. */
static int64_t
param_id(json_t *params, const char *key)
{
	json_t	*v = json_object_get(params, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

/*
 * A draft of the scheduled post s as it goes out (its author, text and
 * uploads from the parameters kept), for post_prepare and post_create.
 * 0, or -1 if the parameters cannot be read.
 */
int
scheduled_draft(struct arena *a, const struct scheduled *s,
    struct post_draft *d)
{
	json_t		*params, *media, *v, *poll;
	const char	*vis;
	size_t		 i;

	memset(d, 0, sizeof *d);
	if ((params = json_loads(s->params_json, 0, NULL)) == NULL)
		return -1;
	d->arena = a;
	d->author_id = s->user_id;
	d->source = param_str(a, params, "text");
	if (d->source == NULL)
		d->source = "";
	d->spoiler_text = param_str(a, params, "spoiler_text");
	d->sensitive = json_is_true(json_object_get(params, "sensitive"));
	d->language = param_str(a, params, "language");
	d->in_reply_to_id = param_id(params, "in_reply_to_id");
	d->group_id = param_id(params, "group_id");
	d->options = param_str(a, params, "options");
	d->visibility = VIS_PUBLIC;
	if ((vis = json_string_value(json_object_get(params, "visibility")))
	    != NULL)
		visibility_parse(vis, &d->visibility);
	if (json_is_object(poll = json_object_get(params, "poll"))) {
		struct poll_spec	*ps = arena_alloc(a, sizeof *ps);

		memset(ps, 0, sizeof *ps);
		ps->options = arena_alloc(a, (POLL_OPTIONS_MAX + 1) *
		    sizeof *ps->options);
		json_array_foreach(json_object_get(poll, "options"), i, v) {
			if (ps->noptions < POLL_OPTIONS_MAX + 1)
				ps->options[ps->noptions++] = arena_strdup(a,
				    json_string_value(v) != NULL ?
				    json_string_value(v) : "");
		}
		ps->expires_in = json_integer_value(json_object_get(poll,
		    "expires_in"));
		ps->multiple = json_is_true(json_object_get(poll, "multiple"));
		ps->hide_totals = json_is_true(json_object_get(poll,
		    "hide_totals"));
		d->poll = ps;
	}
	media = json_object_get(params, "media_ids");
	d->media_ids = arena_alloc(a, (MEDIA_PER_POST + 1) *
	    sizeof *d->media_ids);
	json_array_foreach(media, i, v) {
		if (d->nmedia < MEDIA_PER_POST + 1)
			d->media_ids[d->nmedia++] = json_is_string(v) ?
			    strtoll(json_string_value(v), NULL, 10) :
			    json_integer_value(v);
	}
	json_decref(params);
	return 0;
}

/*
 * On the writer: publish the scheduled post p->id (p->d, prepared), or
 * drop it (p->d NULL, p->why saying why). The row's delete and the post's
 * insert commit together: a row already gone (cancelled, or published by
 * an earlier run) publishes nothing. A post its rules now refuse (the
 * reply's target deleted, the group left) is dropped and logged. A
 * failure of the database leaves the row as it was for the next run
 * (p->failed), without holding back the others of the batch; -1 only if
 * even that could not be undone.
 */
int
scheduled_publish(struct db *db, struct scheduled_publish *p)
{
	size_t	outer, mark;
	int	n, rc;

	if (db_exec(db, "SAVEPOINT scheduled") != 0)
		return -1;
	outer = db_after_mark(db);
	if ((n = DB_RUN(db, "DELETE FROM scheduled_statuses WHERE id = ?",
	    SQL_I(p->id))) < 0 || DB_RUN(db, "UPDATE media SET scheduled_id = "
	    "NULL WHERE scheduled_id = ?", SQL_I(p->id)) < 0)
		goto failed;
	if (n == 0)
		goto done;
	if (p->d == NULL) {
		log_info("scheduled post %lld of user %lld dropped: %s",
		    (long long)p->id, (long long)p->user_id, p->why != NULL ?
		    p->why : "?");
		goto done;
	}
	if (db_exec(db, "SAVEPOINT publish") != 0)
		goto failed;
	mark = db_after_mark(db);
	if ((rc = post_create(db, p->d)) == E_INTERNAL)
		goto failed;
	if (rc != E_OK) {
		db_exec(db, "ROLLBACK TO publish");
		db_after_cut(db, mark);
		log_info("scheduled post %lld of user %lld dropped: %s",
		    (long long)p->id, (long long)p->user_id, p->d->cause);
	} else
		p->post_id = p->d->id;
	db_exec(db, "RELEASE publish");
done:
	return db_exec(db, "RELEASE scheduled") == 0 ? 0 : -1;
failed:
	p->failed = 1;
	log_warn("scheduled post %lld of user %lld: the database failed (%s); "
	    "trying again", (long long)p->id, (long long)p->user_id,
	    db_errmsg(db));
	/* ROLLBACK TO keeps the savepoint: RELEASE ends it (and any inner) */
	if (db_exec(db, "ROLLBACK TO scheduled") != 0)
		return -1;
	db_after_cut(db, outer);
	return db_exec(db, "RELEASE scheduled") == 0 ? 0 : -1;
}
