/*
 * store.c: the bridge's tables (its migrations) and the people it knows
 * inside: actors (employees who opted in, with their key pairs), the desk
 * (people besides admins who approve), and the instance's own key, which
 * signs the GETs that fetch remote keys. The other files keep the SQL of
 * their own concern (shares and decisions in desk.c and share.c,
 * deliveries in deliver.c, remote actors in remote.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"

#define A	br_api

static const char br_schema_1[] =
	/* Employees visible outside. The key pair is made at opt-in; an
	 * opted-out actor keeps its row (disabled_at) so that the Delete
	 * it sent can still be signed and its id is never reused. */
	"CREATE TABLE bridge_actors ("
	" user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
	" bio TEXT NOT NULL DEFAULT '',"
	" approve_followers INTEGER NOT NULL DEFAULT 0,"
	" private_key TEXT NOT NULL,"
	" public_key TEXT NOT NULL,"
	" enabled_at INTEGER NOT NULL,"
	" enabled_by INTEGER,"
	" disabled_at INTEGER"
	") STRICT;"
	/* The desk: who approves besides the admins. */
	"CREATE TABLE bridge_desk ("
	" user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
	" added_at INTEGER NOT NULL,"
	" added_by INTEGER"
	") STRICT;"
	/* One row per post chosen for the outside. state: pending (at the
	 * desk), approved (out), declined, withdrawn. An edit of an approved
	 * post is pending again with published_at kept: the outside keeps
	 * the approved text (html, summary) until the edit is approved. */
	"CREATE TABLE bridge_shares ("
	" post_id INTEGER PRIMARY KEY,"
	" author_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" state TEXT NOT NULL CHECK (state IN ('pending', 'approved',"
	"  'declined', 'withdrawn')),"
	" requested_at INTEGER NOT NULL,"
	" decided_at INTEGER,"
	" decided_by INTEGER,"
	" note TEXT,"
	" published_at INTEGER,"
	" updated_at INTEGER,"
	" html TEXT,"
	" summary TEXT,"
	" tags TEXT,"
	" edits INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX bridge_shares_state ON bridge_shares (state,"
	" requested_at);"
	"CREATE INDEX bridge_shares_author ON bridge_shares (author_id,"
	" state, post_id);"
	/* Every desk decision, with the exact text that went out. */
	"CREATE TABLE bridge_decisions ("
	" id INTEGER PRIMARY KEY,"
	" post_id INTEGER NOT NULL,"
	" author_id INTEGER,"
	" decision TEXT NOT NULL,"
	" decided_by INTEGER,"
	" decided_at INTEGER NOT NULL,"
	" note TEXT,"
	" html TEXT,"
	" summary TEXT"
	") STRICT;"
	/* Followers from outside, per employee. */
	"CREATE TABLE bridge_followers ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" actor TEXT NOT NULL,"
	" inbox TEXT NOT NULL,"
	" shared_inbox TEXT,"
	" follow_id TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),"
	" created_at INTEGER NOT NULL,"
	" UNIQUE (user_id, actor)"
	") STRICT;"
	/* Remote actors whose keys were fetched and checked. */
	"CREATE TABLE bridge_remote_actors ("
	" id TEXT PRIMARY KEY,"
	" key_id TEXT NOT NULL,"
	" public_key TEXT NOT NULL,"
	" inbox TEXT NOT NULL,"
	" shared_inbox TEXT,"
	" username TEXT,"
	" host TEXT NOT NULL,"
	" fetched_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX bridge_remote_actors_key ON bridge_remote_actors"
	" (key_id);"
	/* What went out (activities) and to whom (deliveries). */
	"CREATE TABLE bridge_activities ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL,"
	" type TEXT NOT NULL,"
	" post_id INTEGER,"
	" body TEXT NOT NULL,"
	" created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE bridge_deliveries ("
	" id INTEGER PRIMARY KEY,"
	" activity_id INTEGER NOT NULL REFERENCES bridge_activities (id)"
	"  ON DELETE CASCADE,"
	" inbox TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('pending', 'sending',"
	"  'delivered', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL,"
	" last_status INTEGER,"
	" last_error TEXT,"
	" created_at INTEGER NOT NULL,"
	" done_at INTEGER,"
	" UNIQUE (activity_id, inbox)"
	") STRICT;"
	"CREATE INDEX bridge_deliveries_due ON bridge_deliveries (state,"
	" next_at);"
	"CREATE INDEX bridge_deliveries_host ON bridge_deliveries (host,"
	" state);"
	/* Hosts that keep failing are paused, not hammered. */
	"CREATE TABLE bridge_hosts ("
	" host TEXT PRIMARY KEY,"
	" failures INTEGER NOT NULL DEFAULT 0,"
	" paused_until INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT"
	") STRICT;"
	/* Inbound activity ids already handled (deduplication). */
	"CREATE TABLE bridge_seen ("
	" id TEXT PRIMARY KEY,"
	" at INTEGER NOT NULL"
	") STRICT;"
	/* The instance actor's key (signed fetches). */
	"CREATE TABLE bridge_instance ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" private_key TEXT NOT NULL,"
	" public_key TEXT NOT NULL"
	") STRICT;";

/* Accounts outside that employees follow (follow.c). state: resolving
 * (asked for), looking (being looked up), pending (Follow sent),
 * accepted, rejected, failed (error says why). */
static const char br_schema_2[] =
	"CREATE TABLE bridge_following ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" acct TEXT NOT NULL,"
	" actor TEXT,"
	" inbox TEXT,"
	" follow_id TEXT,"
	" state TEXT NOT NULL CHECK (state IN ('resolving', 'looking',"
	"  'pending', 'accepted', 'rejected', 'failed')),"
	" error TEXT,"
	" created_at INTEGER NOT NULL,"
	" UNIQUE (user_id, acct)"
	") STRICT;"
	"CREATE INDEX bridge_following_state ON bridge_following (state);"
	"CREATE INDEX bridge_following_actor ON bridge_following (actor);";

/*
 * Part 2: what the outside says. The actors' names, bios and pages (for
 * their outside accounts inside), and the likes and boosts they sent, by
 * activity id, so that an Undo naming only the id can take one back.
 */
static const char br_schema_3[] =
	"ALTER TABLE bridge_remote_actors ADD COLUMN name TEXT;"
	"ALTER TABLE bridge_remote_actors ADD COLUMN summary TEXT;"
	"ALTER TABLE bridge_remote_actors ADD COLUMN url TEXT;"
	"CREATE TABLE bridge_reactions ("
	" id TEXT PRIMARY KEY,"
	" actor TEXT NOT NULL,"
	" account_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,"
	" kind INTEGER NOT NULL,"
	" at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX bridge_reactions_post ON bridge_reactions (post_id);";

/* Who outside may talk to the company (policy.c). */
static const char br_schema_4[] =
	"CREATE TABLE bridge_domains ("
	" domain TEXT PRIMARY KEY,"
	" policy TEXT NOT NULL CHECK (policy IN ('block', 'silence', 'allow')),"
	" note TEXT,"
	" created_at INTEGER NOT NULL,"
	" created_by INTEGER REFERENCES users (id) ON DELETE SET NULL"
	") STRICT;"
	"CREATE TABLE bridge_blocked_actors ("
	" actor TEXT PRIMARY KEY,"
	" created_at INTEGER NOT NULL,"
	" created_by INTEGER REFERENCES users (id) ON DELETE SET NULL"
	") STRICT;";

/* Outside posts reported to the desk (report.c), kept once resolved. */
static const char br_schema_5[] =
	"CREATE TABLE bridge_reports ("
	" id INTEGER PRIMARY KEY,"
	" post_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,"
	" post_uri TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" acct TEXT NOT NULL,"
	" excerpt TEXT NOT NULL,"
	" reporter INTEGER REFERENCES users (id) ON DELETE SET NULL,"
	" reason TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('open', 'remove',"
	"  'block_actor', 'block_domain', 'dismissed')),"
	" created_at INTEGER NOT NULL,"
	" decided_by INTEGER REFERENCES users (id) ON DELETE SET NULL,"
	" decided_at INTEGER"
	") STRICT;"
	"CREATE INDEX bridge_reports_state ON bridge_reports (state, id);";

/* Groups that get every outside reply to someone's shared posts. */
static const char br_schema_6[] =
	"CREATE TABLE bridge_routes ("
	" group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,"
	" user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	" created_at INTEGER NOT NULL,"
	" PRIMARY KEY (group_id, user_id)"
	") STRICT;"
	"CREATE INDEX bridge_routes_user ON bridge_routes (user_id);";

/*
 * Outside voices (follow.c): the company follows each outside account
 * once, as its instance actor, while any employee follows it. state: none
 * (known), want (Follow to send), pending (sent), accepted, rejected.
 * hearthctl's follow wishes (bridge_following) are looked up again and
 * become the employees' own follows, through the company's.
 */
static const char br_schema_7[] =
	"CREATE TABLE bridge_voices ("
	" account_id INTEGER PRIMARY KEY REFERENCES users (id)"
	"  ON DELETE CASCADE,"
	" actor TEXT NOT NULL UNIQUE,"
	" state TEXT NOT NULL CHECK (state IN ('none', 'want', 'pending',"
	"  'accepted', 'rejected')),"
	" follow_id TEXT,"
	" error TEXT,"
	" looked_at INTEGER NOT NULL DEFAULT 0,"
	" tried_at INTEGER NOT NULL DEFAULT 0,"
	" changed_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX bridge_voices_state ON bridge_voices (state);"
	"CREATE INDEX bridge_voices_follow ON bridge_voices (follow_id);"
	"UPDATE bridge_following SET state = 'resolving', error = NULL;"
	/* "@name@host" in shared posts (mention.c): each name looked up
	 * once; a post waits for its lookups (waits_since) */
	"CREATE TABLE bridge_mention_lookups ("
	" acct TEXT PRIMARY KEY COLLATE NOCASE,"
	" state TEXT NOT NULL CHECK (state IN ('resolving', 'looking',"
	"  'done', 'failed')),"
	" created_at INTEGER NOT NULL"
	") STRICT;"
	"ALTER TABLE bridge_shares ADD COLUMN waits_since INTEGER;"
	/* outside accounts' pictures (avatar.c): the icon an actor names,
	 * fetched and made into pixels again once per new URL */
	"ALTER TABLE bridge_remote_actors ADD COLUMN icon TEXT;"
	"CREATE TABLE bridge_avatars ("
	" account_id INTEGER PRIMARY KEY REFERENCES users (id)"
	"  ON DELETE CASCADE,"
	" url TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('want', 'fetching', 'done',"
	"  'failed')),"
	" error TEXT,"
	" tried_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX bridge_avatars_state ON bridge_avatars (state);"
	"CREATE INDEX bridge_remote_actors_acct ON bridge_remote_actors"
	" ((username || '@' || host) COLLATE NOCASE);";

/*
 * Attachments (public.c, outside.c): a shared post's pictures and files go
 * out with it, as approved: the post's attachments at its approval are
 * kept with the share (a JSON array as the core stores them), and only
 * their files are served on the public listener, while the share is out.
 */
static const char br_schema_8[] =
	"ALTER TABLE bridge_shares ADD COLUMN media TEXT;";

const struct hm_migration br_migrations[BR_NMIGRATIONS] = {
	{ 1, "bridge", br_schema_1 },
	{ 2, "following", br_schema_2 },
	{ 3, "outside voices", br_schema_3 },
	{ 4, "domain policy", br_schema_4 },
	{ 5, "reports", br_schema_5 },
	{ 6, "routes", br_schema_6 },
	{ 7, "company follows", br_schema_7 },
	{ 8, "attachments", br_schema_8 },
};

/* Characters (UTF-8 code points) in s: limits are said in characters. */
size_t
br_chars(const char *s)
{
	size_t	n = 0;

	for (; s != NULL && *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Seconds since the epoch. */
int64_t
br_now(void)
{
	return (int64_t)time(NULL);
}

/* A nullable column's text, or NULL: the API gives "" for NULL, and no
 * column the bridge reads as nullable holds a meaningful "". */
const char *
br_col(struct hm_stmt *st, int i)
{
	const char	*s = A->db_column_text(st, i);

	return s != NULL && *s != '\0' ? s : NULL;
}

/* A column's text, copied (NULL stays NULL). */
static char *
col_dup(struct hm_stmt *st, int i)
{
	const char	*s = A->db_column_text(st, i);

	return s != NULL ? strdup(s) : NULL;
}

/*
 * An actor by user id, or (id 0) by username; 0, or -1 if the person has
 * never opted in (or does not exist). Opted-out actors are returned too:
 * check disabled_at.
 */
int
br_actor_get(struct hm_db *db, int64_t id, const char *username,
    struct br_actor *out)
{
	struct hm_user_info	 u;
	struct hm_stmt		*st;
	int			 rc = -1;

	memset(out, 0, sizeof *out);
	if (A->user_find(db, id, username, &u) != 0)
		return -1;
	if (u.disabled)
		goto out;
	st = A->db_prepare(db, "SELECT bio, approve_followers, private_key, "
	    "public_key, enabled_at, COALESCE(disabled_at, 0) FROM "
	    "bridge_actors WHERE user_id = ?");
	if (st == NULL)
		goto out;
	A->db_bind_int(st, 1, u.id);
	if (A->db_step(st) == 1) {
		out->user_id = u.id;
		out->username = strdup(u.username);
		out->display_name = strdup(u.display_name);
		out->bio = col_dup(st, 0);
		out->approve_followers = (int)A->db_column_int(st, 1);
		out->private_key = col_dup(st, 2);
		out->public_key = col_dup(st, 3);
		out->enabled_at = A->db_column_int(st, 4);
		out->disabled_at = A->db_column_int(st, 5);
		if (u.avatar_path != NULL) {
			out->avatar_path = strdup(u.avatar_path);
			out->avatar_type = strdup(u.avatar_type);
		}
		rc = 0;
	}
	A->db_finalize(st);
out:
	A->user_info_free(&u);
	return rc;
}

void
br_actor_free(struct br_actor *a)
{
	free(a->username);
	free(a->display_name);
	free(a->bio);
	free(a->private_key);
	free(a->public_key);
	free(a->avatar_path);
	free(a->avatar_type);
	memset(a, 0, sizeof *a);
}

/*
 * Opt a person in (by whom: themselves, or an admin for a team account).
 * A person who opted in before gets their actor and keys back: remote
 * servers cached the public key, and a new one would fail their checks.
 * The key pair is made here, on the writer: RSA-2048 takes tens of
 * milliseconds, once per person.
 */
int
br_actor_enable(struct hm_db *db, int64_t user, int64_t by, char **cause)
{
	struct hm_stmt	*st;
	char		*priv = NULL, *pub = NULL;
	int		 rc = -1, have;

	st = A->db_prepare(db, "SELECT 1 FROM bridge_actors WHERE user_id = "
	    "?");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	have = A->db_step(st) == 1;
	A->db_finalize(st);
	if (have) {
		st = A->db_prepare(db, "UPDATE bridge_actors SET disabled_at = "
		    "NULL, enabled_at = ?, enabled_by = ? WHERE user_id = ?");
		if (st == NULL)
			return -1;
		A->db_bind_int(st, 1, br_now());
		A->db_bind_int(st, 2, by);
		A->db_bind_int(st, 3, user);
		rc = A->db_step(st) == 0 ? 0 : -1;
		A->db_finalize(st);
		return rc;
	}
	if (httpsig_keygen(&priv, &pub) != 0) {
		*cause = strdup("cannot make a key pair");
		return -1;
	}
	st = A->db_prepare(db, "INSERT INTO bridge_actors (user_id, "
	    "private_key, public_key, enabled_at, enabled_by) VALUES (?, ?, "
	    "?, ?, ?)");
	if (st != NULL) {
		A->db_bind_int(st, 1, user);
		A->db_bind_text(st, 2, priv);
		A->db_bind_text(st, 3, pub);
		A->db_bind_int(st, 4, br_now());
		A->db_bind_int(st, 5, by);
		rc = A->db_step(st) == 0 ? 0 : -1;
		A->db_finalize(st);
	}
	free(priv);
	free(pub);
	return rc;
}

/* Opt a person out (the caller sends the Deletes first). */
int
br_actor_disable(struct hm_db *db, int64_t user, char **cause)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "UPDATE bridge_actors SET disabled_at = ? "
	    "WHERE user_id = ? AND disabled_at IS NULL");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, br_now());
	A->db_bind_int(st, 2, user);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	if (rc == 0 && A->db_changes(db) == 0) {
		*cause = strdup("not visible outside");
		return HM_CONFLICT;
	}
	return rc;
}

/* The outside bio and whether followers wait for approval. */
int
br_actor_set(struct hm_db *db, int64_t user, const char *bio, int approve,
    char **cause)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "UPDATE bridge_actors SET bio = ?, "
	    "approve_followers = ? WHERE user_id = ?");
	if (st == NULL)
		return -1;
	A->db_bind_text(st, 1, bio);
	A->db_bind_int(st, 2, approve != 0);
	A->db_bind_int(st, 3, user);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	if (rc == 0 && A->db_changes(db) == 0) {
		*cause = strdup("not visible outside");
		return HM_CONFLICT;
	}
	return rc;
}

/* Whether a person is on the desk: an admin, or added to it. */
int
br_is_desk(struct hm_db *db, int64_t user)
{
	struct hm_user_info	 u;
	struct hm_stmt		*st;
	int			 yes = 0;

	if (user == 0 || A->user_find(db, user, NULL, &u) != 0)
		return 0;
	if (!u.disabled && u.admin)
		yes = 1;
	else if (!u.disabled && (st = A->db_prepare(db, "SELECT 1 FROM "
	    "bridge_desk WHERE user_id = ?")) != NULL) {
		A->db_bind_int(st, 1, user);
		yes = A->db_step(st) == 1;
		A->db_finalize(st);
	}
	A->user_info_free(&u);
	return yes;
}

/* Add someone to the desk; 0, or -1. */
int
br_desk_add(struct hm_db *db, int64_t user, int64_t by)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "INSERT OR IGNORE INTO bridge_desk (user_id, "
	    "added_at, added_by) VALUES (?, ?, ?)");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	A->db_bind_int(st, 2, br_now());
	if (by != 0)
		A->db_bind_int(st, 3, by);
	else
		A->db_bind_null(st, 3);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	return rc;
}

/* Take someone off the desk; 0, or -1. */
int
br_desk_remove(struct hm_db *db, int64_t user)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "DELETE FROM bridge_desk WHERE user_id = ?");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	rc = A->db_step(st) == 0 ? 0 : -1;
	A->db_finalize(st);
	return rc;
}

/*
 * The instance actor's key pair (malloc'ed PEM): made by the first writer
 * that asks (at start), read by anyone after.
 */
int
br_instance_key(struct hm_db *db, char **priv, char **pub)
{
	struct hm_stmt	*st;
	int		 rc = -1;

	*priv = *pub = NULL;
	if ((st = A->db_prepare(db, "SELECT private_key, public_key FROM "
	    "bridge_instance WHERE id = 1")) == NULL)
		return -1;
	if (A->db_step(st) == 1) {
		*priv = col_dup(st, 0);
		*pub = col_dup(st, 1);
		rc = 0;
	}
	A->db_finalize(st);
	return rc;
}

/* Make the instance actor's key if there is none (on the writer), and
 * hand it to the signer of fetches. */
void
br_instance_ensure(struct hm_db *db)
{
	struct hm_stmt	*st;
	char		*priv = NULL, *pub = NULL;

	if (br_instance_key(db, &priv, &pub) != 0) {
		if (httpsig_keygen(&priv, &pub) != 0) {
			A->log(br_self, HM_LOG_ERROR, "cannot make the "
			    "instance actor's key pair");
			return;
		}
		if ((st = A->db_prepare(db, "INSERT OR IGNORE INTO "
		    "bridge_instance (id, private_key, public_key) VALUES (1, "
		    "?, ?)")) != NULL) {
			A->db_bind_text(st, 1, priv);
			A->db_bind_text(st, 2, pub);
			A->db_step(st);
			A->db_finalize(st);
		}
	}
	br_instance_key_set(priv);
	free(priv);
	free(pub);
}
