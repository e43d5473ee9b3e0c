/*
 * media.c: GET /media/NAME, the uploaded images media.c stored, and GET
 * /avatars/NAME.png, the generated default avatar of a username. Media names
 * are checked against the one shape media_store makes before they touch the
 * file system, and the Content-Type comes from the extension, which was
 * decided by the file's content at upload, never from what the uploader said.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "pages.h"

#define MEDIA_READ_MAX		(16 * 1024 * 1024)
#define AVATAR_SIZE		120
#define AVATAR_NAME_MAX		30

/*
 * Read a small file whole into an evbuffer. A blocking read on the loop is
 * acceptable for images capped at upload and sitting on a local disk.
 * 0, or -1 with errno (EFBIG if it is over the cap).
 */
static int
media_read(const char *path, struct evbuffer *b)
{
	struct stat	sb;
	size_t		got = 0;
	int		fd, n, saved;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		errno = ENOENT;
		goto fail;
	}
	if (sb.st_size > MEDIA_READ_MAX) {
		errno = EFBIG;
		goto fail;
	}
	while (got < (size_t)sb.st_size) {
		n = evbuffer_read(b, fd, (int)(sb.st_size - got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* shrank under us */
			goto fail;
		}
		got += n;
	}
	close(fd);
	return 0;

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Serve an uploaded image, cached for good: its name is never reused. */
enum handled
web_media(struct req *r)
{
	const char	*name = r->params[0], *mime;
	struct evbuffer	*b;
	char		*path;

	if (!media_valid_name(name)) {
		req_text(r, 404, "not found");
		return HANDLED;
	}
	mime = image_mime(image_type_from_ext(strchr(name, '.') + 1));
	path = arena_printf(r->arena, "%s/media/%s", req_config(r)->data_dir,
	    name);
	b = evbuffer_new();
	if (media_read(path, b) == -1) {
		if (errno == ENOENT)
			req_text(r, 404, "not found");
		else {
			log_warn("media: %s: %s", path, strerror(errno));
			req_text(r, 500, "500 Internal Server Error: the image "
			    "cannot be read; the server log says why.");
		}
		evbuffer_free(b);
		return HANDLED;
	}
	req_set_header(r, "Cache-Control", "public, max-age=31536000, "
	    "immutable");
	req_set_header(r, "Content-Disposition", "inline");
	req_reply(r, 200, mime, b);
	evbuffer_free(b);
	return HANDLED;
}

/*
 * Serve the default avatar of NAME.png: the identicon of the name in lower
 * case, for any name a username could be (whether or not it exists, so the
 * URL says nothing about who has an account).
 */
enum handled
web_avatar_default(struct req *r)
{
	const char	*file = r->params[0], *dot = strrchr(file, '.');
	struct evbuffer	*b;
	char		*seed;
	size_t		 i, len = dot ? (size_t)(dot - file) : 0;

	if (len == 0 || len > AVATAR_NAME_MAX || strcmp(dot, ".png") != 0) {
		req_text(r, 404, "not found");
		return HANDLED;
	}
	seed = arena_strndup(r->arena, file, len);
	for (i = 0; i < len; i++) {
		if (seed[i] >= 'A' && seed[i] <= 'Z')
			seed[i] += 'a' - 'A';
		else if ((seed[i] < 'a' || seed[i] > 'z') &&
		    (seed[i] < '0' || seed[i] > '9') && seed[i] != '_') {
			req_text(r, 404, "not found");
			return HANDLED;
		}
	}
	b = evbuffer_new();
	image_identicon(seed, AVATAR_SIZE, b);
	req_set_header(r, "Cache-Control", "public, max-age=86400");
	req_reply(r, 200, "image/png", b);
	evbuffer_free(b);
	return HANDLED;
}
