/*
 * auth-memo.c: who a request is, remembered between requests. Every
 * signed-in request looks up its session (or API token) and loads its
 * person's row: two statements, and the first of a request is also the one
 * that takes SQLite's read lock (file locks, a stat, a mutex shared by the
 * loops), a sixth of a home page's time. A session or token row is trusted
 * until a change stamp (stamp.c) says it or its person changed after the
 * snapshot it came from: ending a session (sign out, sign out everywhere,
 * a new password) deletes its row, revoking a token updates it, and
 * refreshing either's last use updates it, all through triggers; disabling
 * the person updates theirs; hearthctl's writes count through epoch_sync.
 * A person's row is trusted likewise. Only what a read transaction read is
 * remembered. Secrets live in sets of four, as a direct-mapped table let
 * one session in seven share its slot with another and the two push each
 * other out.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

#define MEMO_LOCKS	64
#define SECRET_SLOTS	(1 << 16)
#define SECRET_WAYS	4
#define USER_SLOTS	(1 << 15)

/* A session's or a token's row, by the hash of its secret. */
struct secret_memo {
	char		 hash[HASH_HEX + 1];
	enum stamp_kind	 kind;		/* STAMP_SESSION or STAMP_TOKEN */
	int64_t		 id;		/* the row's, for its stamp */
	int64_t		 user_id;	/* its person's (0: none) */
	uint64_t	 stamp;		/* 0: empty */
	int64_t		 filled;
	union {
		struct session_row	session;
		struct token_row	token;
	}		 row;
};

/* A person's row: the struct and its strings in one block. */
struct user_memo {
	uint64_t	 stamp;
	int64_t		 filled;
	struct user	 u;
	char		 text[];
};

static struct secret_memo	 secrets[SECRET_SLOTS];
static struct user_memo		*users[USER_SLOTS];
static pthread_mutex_t		 locks[MEMO_LOCKS] = {
	[0 ... MEMO_LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER
};

/* The set of four a secret's hash belongs to. */
static size_t
hash_set(const char *hash)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *hash != '\0'; hash++)
		h = (h ^ (unsigned char)*hash) * 1099511628211ULL;
	return (size_t)(h >> 32) & (SECRET_SLOTS / SECRET_WAYS - 1);
}

static int
fresh(uint64_t stamp, int64_t filled, int64_t now)
{
	return stamp != 0 && now >= filled && now - filled < STAMP_MAX_AGE;
}

/* The remembered row of kind whose secret hashes to hash, copied to out. */
static int
memo_get(const char *hash, enum stamp_kind kind, int64_t now, void *out,
    size_t size)
{
	size_t			 set = hash_set(hash), i;
	struct secret_memo	*m = &secrets[set * SECRET_WAYS];
	int			 hit = 0;

	pthread_mutex_lock(&locks[set % MEMO_LOCKS]);
	for (i = 0; i < SECRET_WAYS; i++, m++) {
		if (m->stamp == 0 || m->kind != kind ||
		    strcmp(m->hash, hash) != 0)
			continue;
		hit = fresh(m->stamp, m->filled, now) &&
		    stamp_valid(m->stamp, kind, m->id) &&
		    (m->user_id == 0 ||
		    stamp_valid(m->stamp, STAMP_USER, m->user_id));
		if (hit)
			memcpy(out, &m->row, size);
		break;
	}
	pthread_mutex_unlock(&locks[set % MEMO_LOCKS]);
	return hit;
}

/* Remember a row read from a snapshot stamped stamp (0: not): over the
 * same secret, else in an empty way, else over the oldest. */
static void
memo_put(const char *hash, enum stamp_kind kind, int64_t id,
    int64_t user_id, const void *row, size_t size, uint64_t stamp,
    int64_t now)
{
	size_t			 set = hash_set(hash), i;
	struct secret_memo	*ways = &secrets[set * SECRET_WAYS], *m = NULL;

	if (stamp == 0)
		return;
	pthread_mutex_lock(&locks[set % MEMO_LOCKS]);
	for (i = 0; i < SECRET_WAYS; i++) {
		if (ways[i].stamp != 0 && strcmp(ways[i].hash, hash) == 0) {
			m = &ways[i];
			break;
		}
		if (m == NULL || (m->stamp != 0 && (ways[i].stamp == 0 ||
		    ways[i].filled < m->filled)))
			m = &ways[i];
	}
	/* A slower reader must not put back an older row. */
	if (!(m->stamp > stamp && strcmp(m->hash, hash) == 0)) {
		memcpy(m->hash, hash, sizeof m->hash);
		m->kind = kind;
		m->id = id;
		m->user_id = user_id;
		memcpy(&m->row, row, size);
		m->stamp = stamp;
		m->filled = now;
	}
	pthread_mutex_unlock(&locks[set % MEMO_LOCKS]);
}

int
session_memo_get(const char *hash, int64_t now, struct session_row *out)
{
	return memo_get(hash, STAMP_SESSION, now, out, sizeof *out);
}

void
session_memo_put(const char *hash, const struct session_row *row,
    uint64_t stamp, int64_t now)
{
	memo_put(hash, STAMP_SESSION, row->id, row->user_id, row,
	    sizeof *row, stamp, now);
}

int
token_memo_get(const char *hash, int64_t now, struct token_row *out)
{
	return memo_get(hash, STAMP_TOKEN, now, out, sizeof *out);
}

void
token_memo_put(const char *hash, const struct token_row *row,
    uint64_t stamp, int64_t now)
{
	memo_put(hash, STAMP_TOKEN, row->id, row->user_id, row,
	    sizeof *row, stamp, now);
}

/* The strings of a struct user, in one list so a copy cannot miss one. */
#define USER_NSTRINGS	18
static void
user_strings(struct user *u, const char **f[USER_NSTRINGS])
{
	const char	**t[USER_NSTRINGS] = { &u->username, &u->display_name,
	    &u->email, &u->password_hash, &u->bio_source, &u->bio_html,
	    &u->job_title, &u->department, &u->location, &u->phone,
	    &u->pronouns, &u->avatar_file, &u->header_file, &u->origin,
	    &u->outside_uri, &u->outside_url, &u->locale, &u->time_zone };

	memcpy(f, t, sizeof t);
}

/* The remembered row of person id, copied into a, or NULL. */
struct user *
user_memo_get(int64_t id, struct arena *a, int64_t now)
{
	size_t			 i = (size_t)((uint64_t)id % USER_SLOTS), k;
	struct user_memo	*m;
	struct user		*u = NULL;
	const char		**f[USER_NSTRINGS];

	pthread_mutex_lock(&locks[i % MEMO_LOCKS]);
	m = users[i];
	if (m != NULL && m->u.id == id && fresh(m->stamp, m->filled, now) &&
	    stamp_valid(m->stamp, STAMP_USER, id)) {
		u = arena_alloc(a, sizeof *u);
		*u = m->u;
		user_strings(u, f);	/* still pointing into m: copy */
		for (k = 0; k < USER_NSTRINGS; k++)
			*f[k] = *f[k] ? arena_strdup(a, *f[k]) : NULL;
	}
	pthread_mutex_unlock(&locks[i % MEMO_LOCKS]);
	return u;
}

/* Remember person u, read from a snapshot stamped stamp (0: not). */
void
user_memo_put(const struct user *u, uint64_t stamp, int64_t now)
{
	size_t			 i = (size_t)((uint64_t)u->id % USER_SLOTS), k;
	size_t			 len = 0, n;
	struct user_memo	*m, *old;
	const char		**f[USER_NSTRINGS];
	char			*w;

	if (stamp == 0)
		return;
	m = xmalloc(sizeof *m);
	m->u = *u;
	user_strings(&m->u, f);
	for (k = 0; k < USER_NSTRINGS; k++)
		len += *f[k] ? strlen(*f[k]) + 1 : 0;
	m = xrealloc(m, sizeof *m + len);
	m->stamp = stamp;
	m->filled = now;
	user_strings(&m->u, f);	/* m moved; the strings are still u's */
	for (k = 0, w = m->text; k < USER_NSTRINGS; k++) {
		if (*f[k] == NULL)
			continue;
		n = strlen(*f[k]) + 1;
		memcpy(w, *f[k], n);
		*f[k] = w;
		w += n;
	}
	pthread_mutex_lock(&locks[i % MEMO_LOCKS]);
	old = users[i];
	if (old != NULL && old->u.id == u->id && old->stamp > stamp) {
		pthread_mutex_unlock(&locks[i % MEMO_LOCKS]);
		free(m);
		return;
	}
	users[i] = m;
	pthread_mutex_unlock(&locks[i % MEMO_LOCKS]);
	free(old);
}
