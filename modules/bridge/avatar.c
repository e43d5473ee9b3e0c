/*
 * avatar.c: the pictures of outside accounts. An actor's icon is fetched
 * through the SSRF-guarded client of its own (media: a few at a time, 2
 * MiB at most, 20 s), and on that client's thread (niced, never a loop,
 * never the writer) decoded and written again by the core's libvips
 * pipeline (api->image_reencode: only its pixels, 400 pixels a side at
 * most, no metadata, an animation's first frame), or refused with the
 * reason. The writer then keeps it as the
 * account's avatar; until then, and if it is refused, an identicon shows.
 * An icon is fetched again only when the actor names another one.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api
#define AVATAR_SIDE	400	/* pixels, as Mastodon keeps avatars */
#define AVATARS_MAX	4	/* fetched at once */
#define AVATAR_RETRY	600	/* seconds before a stuck fetch starts again */

/* One avatar on its way, then its outcome. */
struct br_avatar {
	int64_t			 account;
	char			*url;
	struct hm_image		 img;		/* found: its data */
	char			*why;		/* refused: why */
	struct br_avatar	*next;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct br_avatar	*done_list;	/* under lock */
static int		 inflight;	/* under lock */

/* The icon's URL in an actor document (an Image, a list of them, or a
 * URL), if it is http(s); NULL else. */
const char *
br_icon_url(json_t *doc)
{
	json_t		*icon = json_object_get(doc, "icon"), *u;
	const char	*s;

	if (json_is_array(icon))
		icon = json_array_get(icon, 0);
	if (json_is_string(icon))
		s = json_string_value(icon);
	else {
		u = json_object_get(icon, "url");
		if (json_is_array(u))
			u = json_array_get(u, 0);
		s = json_is_string(u) ? json_string_value(u) :
		    br_json_str(u, "href");
	}
	if (s == NULL || strlen(s) > 2048 || (strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0))
		return NULL;
	return s;
}

/* An account's icon is url: fetch it if it is a new one (writer). */
void
br_avatar_want(struct hm_db *db, int64_t account, const char *url)
{
	struct hm_stmt	*st;

	if (url == NULL || (st = A->db_prepare(db, "INSERT INTO bridge_avatars "
	    "(account_id, url, state) VALUES (?, ?, 'want') ON CONFLICT "
	    "(account_id) DO UPDATE SET url = excluded.url, state = 'want', "
	    "error = NULL, tried_at = 0 WHERE url != excluded.url")) == NULL)
		return;
	A->db_bind_int(st, 1, account);
	A->db_bind_text(st, 2, url);
	A->db_step(st);
	A->db_finalize(st);
}

static void
br_avatar_end(struct br_avatar *a, const char *why)
{
	if (why != NULL && a->why == NULL)
		a->why = strdup(why);
	pthread_mutex_lock(&lock);
	a->next = done_list;
	done_list = a;
	inflight--;
	pthread_mutex_unlock(&lock);
	br_kick();
}

/* The icon's bytes (on the media client's thread): made into pixels
 * again, or refused. */
static void
br_avatar_fetched(void *arg, struct fetch_result *res)
{
	struct br_avatar	*a = arg;
	char			*cause = NULL;

	if (res->error != FETCH_OK || res->status != 200) {
		br_avatar_end(a, res->why != NULL ? res->why : res->error !=
		    FETCH_OK ? fetch_error_name(res->error) : "the icon's "
		    "address did not answer 200");
		return;
	}
	if (A->image_reencode(res->body, res->body_len, AVATAR_SIDE, &a->img,
	    &cause) != 0) {
		br_avatar_end(a, cause != NULL ? cause : "not an image");
		A->free(cause);
		return;
	}
	br_avatar_end(a, NULL);
}

static void
br_avatar_free(struct br_avatar *a)
{
	A->free(a->img.data);
	free(a->url);
	free(a->why);
	free(a);
}

/* Set a row's state (and why), if it still wants this url. */
static void
br_avatar_state(struct hm_db *db, int64_t account, const char *url,
    const char *state, const char *why)
{
	struct hm_stmt	*st;

	if ((st = A->db_prepare(db, "UPDATE bridge_avatars SET state = ?, "
	    "error = ? WHERE account_id = ? AND url = ?")) == NULL)
		return;
	A->db_bind_text(st, 1, state);
	if (why != NULL)
		A->db_bind_text(st, 2, why);
	else
		A->db_bind_null(st, 2);
	A->db_bind_int(st, 3, account);
	A->db_bind_text(st, 4, url);
	A->db_step(st);
	A->db_finalize(st);
}

/*
 * The queue job's part (writer): keep the avatars that came, and fetch
 * those wanted, a few at a time with f (the media client). After a
 * restart, fetches that were under way start again.
 */
void
br_avatar_job(struct hm_db *db, struct fetcher *f, int first)
{
	struct br_avatar	*a, *next, *start[AVATARS_MAX];
	struct fetch_request	 fr;
	struct hm_stmt		*st;
	char			*cause = NULL;
	size_t			 n = 0, i;
	int			 room;

	if (first)
		A->db_exec(db, "UPDATE bridge_avatars SET state = 'want', "
		    "tried_at = 0 WHERE state = 'fetching'");
	pthread_mutex_lock(&lock);
	a = done_list;
	done_list = NULL;
	room = AVATARS_MAX - inflight;
	pthread_mutex_unlock(&lock);
	for (; a != NULL; a = next) {
		next = a->next;
		if (a->why == NULL && A->outside_avatar(db, a->account,
		    a->img.data, a->img.len, &cause) != 0) {
			a->why = strdup(cause != NULL ? cause : "not kept");
			A->free(cause);
			cause = NULL;
		}
		if (a->why != NULL)
			A->log(br_self, HM_LOG_INFO, "avatar %s: refused: %s",
			    a->url, a->why);
		br_avatar_state(db, a->account, a->url, a->why == NULL ? "done" :
		    "failed", a->why);
		br_avatar_free(a);
	}
	if (f == NULL || room <= 0 || (st = A->db_prepare(db, "SELECT "
	    "account_id, url FROM bridge_avatars WHERE state = 'want' OR "
	    "(state = 'fetching' AND tried_at < ?) ORDER BY tried_at LIMIT ?"))
	    == NULL)
		return;
	A->db_bind_int(st, 1, br_now() - AVATAR_RETRY);
	A->db_bind_int(st, 2, room);
	while (n < (size_t)room && A->db_step(st) == 1) {
		a = calloc(1, sizeof *a);
		a->account = A->db_column_int(st, 0);
		a->url = strdup(A->db_column_text(st, 1));
		start[n++] = a;
	}
	A->db_finalize(st);
	for (i = 0; i < n; i++) {
		char	*host = br_host_of(start[i]->url);

		if (host == NULL || br_policy_blocks_host(db, host)) {
			br_avatar_state(db, start[i]->account, start[i]->url,
			    "failed", "the company does not talk to this "
			    "server");
			free(host);
			br_avatar_free(start[i]);
			continue;
		}
		free(host);
		if ((st = A->db_prepare(db, "UPDATE bridge_avatars SET state = "
		    "'fetching', tried_at = ? WHERE account_id = ?")) != NULL) {
			A->db_bind_int(st, 1, br_now());
			A->db_bind_int(st, 2, start[i]->account);
			A->db_step(st);
			A->db_finalize(st);
		}
		memset(&fr, 0, sizeof fr);
		fr.method = "GET";
		fr.url = start[i]->url;
		fr.accept = "image/png, image/jpeg, image/webp, image/gif";
		fr.max_redirects = 3;
		fr.done = br_avatar_fetched;
		fr.arg = start[i];
		pthread_mutex_lock(&lock);
		inflight++;
		pthread_mutex_unlock(&lock);
		if (fetcher_submit(f, &fr) != 0) {
			/* stopping: it starts again after the restart */
			pthread_mutex_lock(&lock);
			inflight--;
			pthread_mutex_unlock(&lock);
			br_avatar_free(start[i]);
		}
	}
}
