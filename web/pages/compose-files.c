/*
 * compose-files.c: files attached to a post the plain way (the composer's
 * file input, without JavaScript, which would have uploaded each as it was
 * chosen). Each is checked here from its bytes and carried by the draft;
 * they are decoded and stored on a worker, and recorded in the same write
 * as the post (post_create, post_edit), so a post that is refused leaves
 * no upload behind and one that is written has all its attachments.
 */
#include <string.h>

#include "pages.h"

#define COMPOSE_FIELD	"files"

/*
 * Take the form's files into the draft (after the uploads it names by
 * id). 0, or an HTTP status with *msg for the composer.
 */
int
web_draft_files(struct req *r, struct post_draft *d, const char **msg)
{
	const struct part	*p;
	char			 cause[512];
	size_t			 i;
	int			 rc;

	for (i = 0; r->files != NULL && i < r->files->n; i++) {
		p = &r->files->parts[i];
		if (strcmp(p->name, COMPOSE_FIELD) != 0 || p->filename == NULL ||
		    p->len == 0)
			continue;
		if (d->uploads == NULL)
			d->uploads = arena_alloc(r->arena, MEDIA_PER_POST *
			    sizeof *d->uploads);
		if (d->nmedia + d->nuploads == MEDIA_PER_POST) {
			*msg = N_("A post has at most 4 attachments.");
			return 422;
		}
		media_upload_init(&d->uploads[d->nuploads], r->user->id,
		    req_config(r), r->arena);
		cause[0] = '\0';
		if ((rc = media_upload_check(&d->uploads[d->nuploads], p->data,
		    p->len, p->filename, cause, sizeof cause)) != E_OK) {
			/* in the reader's words; the API's "file: " (which
			 * the translations leave out) names no field here */
			const char *why = req_cause(r, cause);

			*msg = arena_printf(r->arena, "%s: %s", p->filename,
			    strncmp(why, "file: ", 6) == 0 ? why + 6 : why);
			return rc;
		}
		d->nuploads++;
	}
	return 0;
}

/* Write a prepared draft with cmd: its files first, on a worker. */
enum handled
web_post_submit(struct req *r, int (*cmd)(struct db *, void *, char **),
    req_reply_fn reply, struct post_draft *d)
{
	if (d->nuploads == 0)
		return req_command(r, cmd, reply, d);
	return req_work_write_heavy(r, post_uploads_work, cmd, reply, d);
}
