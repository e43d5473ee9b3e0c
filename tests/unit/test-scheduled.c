/*
 * Unit tests for scheduled.c against a temporary database, no server:
 * reading scheduled_at as apps send it, scheduling (rules checked at once,
 * Mastodon's limits, the Idempotency-Key), and publishing exactly once: a
 * second run of the same publish (a tick that raced, a restart) makes no
 * second post, and a post whose rules no longer hold is dropped.
 */
#include "hearth.h"
#include "tap.h"
#include "util.h"

#define LL(x)	((long long)(x))

/* scheduled_at as ISO 8601, in the forms apps send. */
static void
time_parse(void)
{
	int64_t	t = 0;

	ok(scheduled_time_parse("2026-12-14T09:00:00.000Z", &t) == 0 &&
	    t == 1797238800, "with milliseconds and Z");
	ok(scheduled_time_parse("2026-12-14T09:00:00Z", &t) == 0 &&
	    t == 1797238800, "seconds and Z");
	ok(scheduled_time_parse("2026-12-14T09:00", &t) == 0 &&
	    t == 1797238800, "no seconds, no zone: UTC");
	ok(scheduled_time_parse("2026-12-14T10:30:00+01:30", &t) == 0 &&
	    t == 1797238800, "an offset east");
	ok(scheduled_time_parse("2026-12-14T04:00:00-0500", &t) == 0 &&
	    t == 1797238800, "an offset west, no colon");
	ok(scheduled_time_parse("2026-12-14 09:00:00.123456Z", &t) == 0 &&
	    t == 1797238800, "a space and microseconds");
	ok(scheduled_time_parse("next monday", &t) == -1, "words refused");
	ok(scheduled_time_parse("2026-13-01T00:00:00Z", &t) == -1,
	    "month 13 refused");
	ok(scheduled_time_parse("2026-12-14T09:00:00Zjunk", &t) == -1,
	    "trailing junk refused");
	ok(scheduled_time_parse("2026-12-14", &t) == -1, "a date alone refused");
	ok(scheduled_time_parse("", &t) == -1, "empty refused");
	ok(scheduled_time_parse(NULL, &t) == -1, "NULL refused");
}

/* Schedule source by author at "at" (a draft prepared as the API
 * prepares it); the id, or 0 with the E_ code in *rc. */
static int64_t
schedule(struct db *db, struct arena *a, int64_t author, int64_t reply,
    const char *source, int64_t at, const char *key, int *rc)
{
	struct scheduled_draft	*s = arena_alloc(a, sizeof *s);
	char			*cause = NULL;

	memset(s, 0, sizeof *s);
	if ((s->d = util_draft(db, a, author, VIS_PUBLIC, 0, reply, source))
	    == NULL) {
		*rc = E_INVALID;
		return 0;
	}
	s->d->idempotency_key = key;
	s->at = at;
	s->params_json = arena_printf(a, "{\"text\": \"%s\", \"visibility\": "
	    "\"public\", \"in_reply_to_id\": %s}", source, reply ?
	    arena_printf(a, "\"%lld\"", LL(reply)) : "null");
	*rc = util_cmd(db, scheduled_create_cmd, s, &cause);
	free(cause);
	return *rc == E_OK ? s->id : 0;
}

/* Publish the scheduled post id as the writer does: prepared on the loop
 * (scheduled_draft, post_prepare), then in one transaction. The post's
 * id, or 0. */
static int64_t
publish(struct db *db, int64_t user, int64_t id)
{
	struct arena		*a = arena_new();
	struct scheduled	*s = scheduled_get(db, a, user, id);
	struct scheduled_publish p;
	struct post_draft	*d = arena_alloc(a, sizeof *d);
	const char		*msg = NULL;

	memset(&p, 0, sizeof p);
	p.id = id;
	p.user_id = user;
	if (s != NULL && scheduled_draft(a, s, d) == 0 &&
	    post_prepare(db, d, "https://hearth.test", &msg) == 0)
		p.d = d;
	else
		p.why = "gone";
	if (db_begin(db) != 0 || scheduled_publish(db, &p) != 0 ||
	    db_commit(db) != 0) {
		printf("# publish %lld failed: %s\n", LL(id), db_errmsg(db));
		db_rollback(db);
	}
	arena_free(a);
	return p.post_id;
}

static void
lifecycle(void)
{
	struct db		*db = util_db("scheduled.db");
	struct arena		*a = arena_new();
	struct scheduled	 due[8];
	struct scheduled_draft	 del;
	int64_t			 alice = util_user(db, "alice", ROLE_MEMBER);
	int64_t			 bob = util_user(db, "bob", ROLE_MEMBER);
	int64_t			 now = time(NULL), id, again, parent, post, r;
	char			*cause = NULL;
	int			 rc, i;

	util_listen();
	id = schedule(db, a, alice, 0, "hello later", now + 3600, "k1", &rc);
	ok(id > 0, "scheduled");
	again = schedule(db, a, alice, 0, "hello later", now + 3600, "k1",
	    &rc);
	is_int(again, id, "the same Idempotency-Key: the same one");
	is_int(util_int(db, "SELECT count(*) FROM scheduled_statuses"), 1,
	    "one row");
	ok(scheduled_get(db, a, bob, id) == NULL, "bob cannot read alice's");
	is_int(scheduled_due(db, a, now, due, 8), 0, "nothing due yet");
	is_int(scheduled_due(db, a, now + 3600, due, 8), 1, "due at the time");
	is_int(util_int(db, "SELECT count(*) FROM posts"), 0, "no post yet");

	post = publish(db, alice, id);
	ok(post > 0, "published");
	is_int(publish(db, alice, id), 0, "publishing it again makes nothing");
	is_int(util_int(db, "SELECT count(*) FROM posts"), 1, "one post");
	is_int(util_int(db, "SELECT count(*) FROM scheduled_statuses"), 0,
	    "the row went with it");
	is_int(util_heard(EV_POST_CREATED), 1, "its event, once");

	/* rules at schedule time */
	ok(schedule(db, a, alice, 999999, "reply to nothing", now + 3600,
	    NULL, &rc) == 0 && rc == E_NOTFOUND, "a reply to nothing: 404 now");

	/* a reply whose target goes meanwhile is dropped */
	parent = util_post(db, bob, VIS_PUBLIC, 0, 0, "parent");
	id = schedule(db, a, alice, parent, "late reply", now + 3600, NULL,
	    &rc);
	ok(id > 0, "a reply scheduled");
	r = util_cmd(db, post_delete_cmd, &(struct post_removal){ bob,
	    parent }, &cause);
	free(cause);
	is_int(r, E_OK, "its target deleted");
	is_int(publish(db, alice, id), 0, "dropped as it goes out");
	is_int(util_int(db, "SELECT count(*) FROM scheduled_statuses"), 0,
	    "and no longer scheduled");
	is_int(util_int(db, "SELECT count(*) FROM posts WHERE source = "
	    "'late reply'"), 0, "no post");

	/* cancelling: only one's own */
	id = schedule(db, a, alice, 0, "cancel me", now + 3600, NULL, &rc);
	memset(&del, 0, sizeof del);
	del.id = id;
	del.user_id = bob;
	is_int(util_cmd(db, scheduled_delete_cmd, &del, &cause), E_NOTFOUND,
	    "bob cannot cancel it");
	free(cause);
	del.user_id = alice;
	is_int(util_cmd(db, scheduled_delete_cmd, &del, &cause), E_OK,
	    "alice can");
	free(cause);

	/* Mastodon's 25 a day */
	for (i = 0; i < SCHEDULED_DAILY_MAX; i++)
		schedule(db, a, alice, 0, "many", now + 86400 * 3 + i, NULL,
		    &rc);
	is_int(rc, E_OK, "25 on one day");
	schedule(db, a, alice, 0, "one more", now + 86400 * 3 + 30, NULL,
	    &rc);
	is_int(rc, E_INVALID, "the 26th on that day refused");
	schedule(db, a, alice, 0, "another day", now + 86400 * 5, NULL, &rc);
	is_int(rc, E_OK, "another day is fine");

	arena_free(a);
	db_close(db);
}

/* Uploads a scheduled post will take outlive the daily clean-up of
 * uploads no post took, and go with the post when it goes out. */
static void
media_kept(void)
{
	struct db		*db = util_db("scheduled-media.db");
	struct arena		*a = arena_new();
	struct scheduled_draft	*s = arena_alloc(a, sizeof *s);
	int64_t			 alice = util_user(db, "alice", ROLE_MEMBER);
	int64_t			 now = time(NULL), kept, loose, post;
	char			*cause = NULL, sql[512];

	snprintf(sql, sizeof sql, "INSERT INTO media (owner_id, kind, file, "
	    "mime, bytes, created_at) VALUES (%lld, 'image', 'kept.png', "
	    "'image/png', 10, %lld), (%lld, 'image', 'loose.png', "
	    "'image/png', 10, %lld)", LL(alice), LL(now - 2 * 86400),
	    LL(alice), LL(now - 2 * 86400));
	ok(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) == SQLITE_OK,
	    "two uploads two days old");
	kept = util_int(db, "SELECT id FROM media WHERE file = 'kept.png'");
	loose = util_int(db, "SELECT id FROM media WHERE file = 'loose.png'");

	memset(s, 0, sizeof *s);
	s->d = util_draft(db, a, alice, VIS_PUBLIC, 0, 0, "with a picture");
	s->d->media_ids = arena_alloc(a, sizeof *s->d->media_ids);
	s->d->media_ids[0] = kept;
	s->d->nmedia = 1;
	s->at = now + 3600;
	s->params_json = arena_printf(a, "{\"text\": \"with a picture\", "
	    "\"media_ids\": [\"%lld\"]}", LL(kept));
	is_int(util_cmd(db, scheduled_create_cmd, s, &cause), E_OK,
	    "scheduled with one of them");
	free(cause);
	is_int(util_intf(db, "SELECT scheduled_id FROM media WHERE id = %lld",
	    LL(kept)), s->id, "the upload is the scheduled post's");

	ok(db_begin(db) == 0, "begin");
	is_int(media_expire(db, NULL, now), 1, "the clean-up removes one");
	ok(db_commit(db) == 0, "commit");
	is_int(util_intf(db, "SELECT count(*) FROM media WHERE id = %lld",
	    LL(kept)), 1, "not the scheduled post's");
	is_int(util_intf(db, "SELECT count(*) FROM media WHERE id = %lld",
	    LL(loose)), 0, "the other one");

	post = publish(db, alice, s->id);
	ok(post > 0, "published");
	is_int(util_intf(db, "SELECT post_id FROM media WHERE id = %lld",
	    LL(kept)), post, "the post took the upload");
	ok(util_intf(db, "SELECT media_json IS NOT NULL FROM posts WHERE "
	    "id = %lld", LL(post)) == 1, "and shows it");
	arena_free(a);
	db_close(db);
}

int
main(void)
{
	util_tmpdir();
	time_parse();
	lifecycle();
	media_kept();
	return done_testing();
}
