/*
 * profile-save.c: carrying out a checked profile edit, for both the web's
 * settings form and PATCH /api/v1/accounts/update_credentials. New images
 * are written to the media folder on a worker (never on a loop), the edit
 * is committed by the writer, and only after the commit are the images it
 * replaced removed; if anything fails, the new images go and nothing else
 * changed. The callers read and check the request in their own words (a
 * message by the field, or a JSON error) and answer in their own way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

/* Remove the images a save stored, when the edit did not go through. */
static void
discard(struct profile_save *s)
{
	size_t	i;

	for (i = 0; i < s->nup; i++) {
		if (s->up[i].name[0] != '\0')
			media_remove(s->data_dir, s->up[i].name);
		s->up[i].name[0] = '\0';
	}
}

/* On the writer: apply the edit, noting the images it replaces. */
static int
save_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct profile_save	*s = arg;
	struct user		*u = user_get(db, r->arena, r->user->id);
	const char		*old;
	size_t			 i;
	int			 rc;

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
	return E_OK;
}

/* On the writer, once committed: the replaced images can go. */
static void
save_after(struct req *r, struct db *db, void *arg)
{
	struct profile_save	*s = arg;
	size_t			 i;

	(void)r;
	(void)db;
	for (i = 0; i < s->nup; i++) {
		if (s->up[i].old != NULL)
			media_remove(s->data_dir, s->up[i].old);
	}
}

/* On a worker: write the new images to the media folder. */
static void
store_work(void *arg)
{
	struct profile_save	*s = arg;
	size_t			 i;

	for (i = 0; i < s->nup; i++) {
		if (media_store(s->data_dir, s->up[i].data, s->up[i].len,
		    s->up[i].type, s->up[i].name, sizeof s->up[i].name,
		    &s->cause) != 0) {
			s->err = errno;
			discard(s);
			return;
		}
	}
}

/* Back on the loop: hand the edit to the writer, or say what failed. */
static void
store_done(void *arg)
{
	struct profile_save	*s = arg;
	struct req		*r = s->r;
	size_t			 i;

	if (s->cause != NULL) {
		log_error("profile of user %lld: %s",
		    (long long)r->user->id, s->cause);
		free(s->cause);
		/* Out of room (or failing) is the server's passing trouble,
		 * like a full database: 503, try later. */
		if (s->err == ENOSPC || s->err == EDQUOT || s->err == EIO) {
			req_retry_after(r, 30);
			req_error(r, 503, "The server has no room to store the "
			    "image right now; try again later. Nothing was "
			    "changed.");
		} else
			req_error(r, 500, "The image could not be saved; the "
			    "server log says why. Nothing was changed.");
		req_free(r);
		return;
	}
	for (i = 0; i < s->nup; i++) {
		if (strcmp(s->up[i].what, "avatar") == 0)
			s->edit.avatar_file = s->up[i].name;
		else
			s->edit.header_file = s->up[i].name;
	}
	if (req_write(r, save_write, save_after, s->reply, s) == HANDLED) {
		discard(s);	/* answered 503 */
		req_free(r);
	}
}

/*
 * Take part as the image what ("avatar" or "header") of the save, its type
 * decided by its bytes, never by its name. 0; or -1 and *cause (to free)
 * when it is no image hearth can show.
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
 * Carry out a checked edit: its images through a worker, then the writer;
 * s->reply answers once it is committed (or the writer's failure is
 * answered for it). s lives in the request's arena.
 */
enum handled
profile_save_start(struct req *r, struct profile_save *s)
{
	s->r = r;
	s->data_dir = req_config(r)->data_dir;
	if (s->nup == 0)
		return req_write(r, save_write, save_after, s->reply, s);
	if (worker_submit(r->loop, store_work, store_done, s) != 0) {
		req_retry_after(r, 1);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}
