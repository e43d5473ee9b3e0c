/*
 * profile-save.c: carrying out a checked profile edit, for both the web's
 * settings form and PATCH /api/v1/accounts/update_credentials. New images
 * are decoded and written again by libvips (an avatar cropped to a square,
 * nothing of the camera's metadata kept) and stored in the media folder
 * first (profile_store, on a worker: it is CPU and file I/O), then the
 * edit is a command on the writer (profile_save_cmd);
 * the images it replaced are removed only once it has committed, and the
 * new ones if it did not. The callers read and check the request in their
 * own words (a message by the field, or a JSON error) and answer in their
 * own way; req_work_write runs the two steps in order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

/* Start a save of person user's profile (a request's arena holds it). */
void
profile_save_init(struct profile_save *s, int64_t user, struct arena *a,
    const char *data_dir)
{
	memset(s, 0, sizeof *s);
	s->user = user;
	s->arena = a;
	s->data_dir = data_dir;
}

/* What must run before the save's command: storing its images, if any
 * (pass to req_work_write). */
void (*profile_save_work(const struct profile_save *s))(void *)
{
	return s->nup > 0 ? profile_store : NULL;
}

/* Remove the images a save stored, when the edit did not go through. */
static void
discard(struct profile_save *s)
{
	size_t	i;

	for (i = 0; i < s->nup; i++) {
		if (s->up[i].name[0] != '\0')
			media_remove(s->data_dir, s->up[i].name);
		s->up[i].name[0] = '\0';
		image_out_free(&s->up[i].img);
	}
}

/* The edit's transaction ended: the replaced images go if it committed,
 * the new ones if it did not. */
static void
save_ended(void *arg, int committed)
{
	struct profile_save	*s = arg;
	size_t			 i;

	for (i = 0; i < s->nup; i++) {
		if (committed && s->up[i].old != NULL)
			media_remove(s->data_dir, s->up[i].old);
		else if (!committed && s->up[i].name[0] != '\0')
			media_remove(s->data_dir, s->up[i].name);
	}
}

/* How an avatar and a header are kept (as Mastodon keeps them). */
static const struct profile_shape {
	const char	*what;
	int		 side;
	int		 square;
} profile_shapes[] = {
	{ "avatar",	400,	1 },
	{ "header",	1500,	0 },
};

/* On a worker: decode, write again and store the new images. */
void
profile_store(void *arg)
{
	struct profile_save	*s = arg;
	struct image_limits	 lim;
	struct image_result	 res;
	size_t			 i, k;
	char			*why = NULL;

	if (media_stopping_now()) {
		s->cause = xstrdup("hearthd is stopping");
		s->err = ESHUTDOWN;
		return;
	}
	for (i = 0; i < s->nup; i++) {
		memset(&lim, 0, sizeof lim);
		for (k = 0; k < nitems(profile_shapes); k++) {
			if (strcmp(profile_shapes[k].what, s->up[i].what) == 0) {
				lim.max_side = profile_shapes[k].side;
				lim.square = profile_shapes[k].square;
			}
		}
		if (image_process(s->up[i].data, s->up[i].len, &lim, &res,
		    &why) != 0) {
			s->cause = cause_new(strcmp(s->up[i].what, "avatar") ==
			    0 ? N_("The avatar is not an image hearth can "
			    "show: {why}.") : N_("The header is not an image "
			    "hearth can show: {why}."), CT("why", why != NULL ?
			    why : "it could not be read"));
			s->kept = cause_keep(&s->said, s->cause);
			free(why);
			s->bad = 1;
			discard(s);
			return;
		}
		s->up[i].img = res.original;
		memset(&res.original, 0, sizeof res.original);
		image_result_free(&res);
		if (media_store(s->data_dir, s->up[i].img.data,
		    s->up[i].img.len, image_ext(s->up[i].img.type),
		    s->up[i].name, sizeof s->up[i].name, &s->cause) != 0) {
			s->err = errno;
			discard(s);
			return;
		}
	}
	for (i = 0; i < s->nup; i++)
		image_out_free(&s->up[i].img);
}

/*
 * Command, on the writer once profile_store has run: apply the edit. A
 * store that failed is answered here: out of room (or failing) is the
 * server's passing trouble, like a full database (503, try later).
 */
int
profile_save_cmd(struct db *db, void *arg, char **cause)
{
	struct profile_save	*s = arg;
	struct user		*u;
	const char		*old;
	size_t			 i;
	int			 rc;

	if (s->cause != NULL && s->bad) {
		*cause = s->cause;
		s->cause = NULL;
		if (s->kept)
			cause_put(&s->said);
		return E_INVALID;
	}
	if (s->cause != NULL) {
		log_error("profile of user %lld: %s", (long long)s->user,
		    s->cause);
		free(s->cause);
		s->cause = NULL;
		if (s->err == ESHUTDOWN) {
			*cause = xstrdup(N_("The server is restarting; try "
			    "again in a moment. Nothing was changed."));
			return E_UNAVAILABLE;
		}
		if (s->err == ENOSPC || s->err == EDQUOT || s->err == EIO) {
			*cause = xstrdup(N_("The server has no room to store "
			    "the image right now; try again later. Nothing was "
			    "changed."));
			return E_UNAVAILABLE;
		}
		*cause = xstrdup(N_("The image could not be saved; the server "
		    "log says why. Nothing was changed."));
		return E_INTERNAL;
	}
	for (i = 0; i < s->nup; i++) {
		if (strcmp(s->up[i].what, "avatar") == 0)
			s->edit.avatar_file = s->up[i].name;
		else
			s->edit.header_file = s->up[i].name;
	}
	u = user_get(db, s->arena, s->user);
	rc = u == NULL ? E_NOTFOUND : profile_update(db, u->id, &s->edit,
	    cause);
	if (rc != E_OK) {
		discard(s);
		return rc;
	}
	for (i = 0; i < s->nup; i++) {
		old = strcmp(s->up[i].what, "avatar") == 0 ? u->avatar_file :
		    u->header_file;
		if (old != NULL && *old != '\0')
			s->up[i].old = old;
	}
	db_after_commit(db, save_ended, s);
	return E_OK;
}

/*
 * Take part as the image what ("avatar" or "header") of the save, its type
 * decided by its bytes, never by its name, and its header checked (the
 * pixels are decoded on a worker). 0; or -1 and *cause (to free) when it
 * is no image hearth can show.
 */
int
profile_save_image(struct profile_save *s, const char *what,
    const struct part *part, char **cause)
{
	struct profile_image	*u = &s->up[s->nup];
	int			 w, h;

	if (s->nup >= nitems(s->up) ||
	    image_sniff(part->data, part->len, &u->type, &w, &h, cause) != 0)
		return -1;
	u->what = what;
	u->data = part->data;
	u->len = part->len;
	s->nup++;
	return 0;
}

/*
 * An avatar from bytes fetched for a person (their picture at the
 * company's identity provider): decoded and written again as any upload
 * (a 400-pixel square, no metadata) and stored in the media folder, on a
 * worker. 0 with its name, or -1 and *cause.
 */
int
profile_avatar_store(const char *data_dir, const void *data, size_t len,
    char *name, size_t namelen, char **cause)
{
	struct image_limits	 lim;
	struct image_result	 res;
	int			 rc;

	memset(&lim, 0, sizeof lim);
	lim.max_side = profile_shapes[0].side;
	lim.square = profile_shapes[0].square;
	if (image_process(data, len, &lim, &res, cause) != 0)
		return -1;
	rc = media_store(data_dir, res.original.data, res.original.len,
	    image_ext(res.original.type), name, namelen, cause);
	image_result_free(&res);
	return rc;
}

/*
 * On the writer: give person user the stored avatar name unless they have
 * one already (their own choice stays). 1 if taken, 0 if not (the caller
 * removes the file), -1 on error.
 */
int
profile_avatar_offer(struct db *db, int64_t user, const char *name)
{
	int	n;

	n = DB_RUN(db, "UPDATE users SET avatar_file = ?, updated_at = ?, "
	    "version = version + 1 WHERE id = ? AND coalesce(avatar_file, '') "
	    "= ''", SQL_T(name), SQL_I(time(NULL)), SQL_I(user));
	return n < 0 ? -1 : n > 0;
}
