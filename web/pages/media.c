/*
 * media.c: GET /media/NAME, the files media.c stored (attachments,
 * avatars, headers), and GET /avatars/NAME.png, the generated default
 * avatar of a username. Media names are checked against the one shape
 * media_store makes before they touch the file system, and the
 * Content-Type comes from what the file's content was found to be at
 * upload, never from what the uploader said.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "pages.h"

#define AVATAR_SIZE		120
#define MEDIA_READ_WHOLE	(512 * 1024)	/* read, not sendfile */
#define AVATAR_NAME_MAX		30

/* Where a stored file is, opened: -1 with errno if it is not there. */
static int
media_open(const char *data_dir, const char *name, struct stat *sb)
{
	char	*path = media_path(data_dir, name);
	int	 fd, saved;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	saved = errno;
	free(path);
	if (fd == -1) {
		errno = saved;
		return -1;
	}
	if (fstat(fd, sb) == -1 || !S_ISREG(sb->st_mode)) {
		close(fd);
		errno = ENOENT;
		return -1;
	}
	return fd;
}

/*
 * The bytes [from, from + len) of fd, into b (which owns fd from here):
 * a small file (a thumbnail, an avatar) read at once; a large one as a
 * file segment that goes to the socket by sendfile. Never mmap: unmapping
 * a file after each answer flushed the TLB of every core, a quarter of
 * the loop's time when a page's thumbnails were served.
 */
static int
media_body(struct evbuffer *b, int fd, off_t from, off_t len)
{
	struct evbuffer_file_segment	*seg;
	struct evbuffer_iovec		 v;
	ssize_t				 n;
	off_t				 got = 0;

	if (len <= 0) {
		close(fd);
		return 0;
	}
	if (len <= MEDIA_READ_WHOLE) {
		if (evbuffer_reserve_space(b, len, &v, 1) != 1) {
			close(fd);
			return -1;
		}
		while (got < len) {
			n = pread(fd, (char *)v.iov_base + got,
			    (size_t)(len - got), from + got);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(fd);
				return -1;
			}
			got += n;
		}
		close(fd);
		v.iov_len = (size_t)len;
		return evbuffer_commit_space(b, &v, 1);
	}
	if ((seg = evbuffer_file_segment_new(fd, from, len,
	    EVBUF_FS_CLOSE_ON_FREE | EVBUF_FS_DISABLE_MMAP)) == NULL) {
		close(fd);
		return -1;
	}
	n = evbuffer_add_file_segment(b, seg, 0, len);
	evbuffer_file_segment_free(seg);	/* b holds it now */
	return n == 0 ? 0 : -1;
}

/*
 * A single byte range "bytes=a-b", "bytes=a-" or "bytes=-n" of a file of
 * size bytes: 1 with [*from, *to] inclusive; 0 when there is none or it
 * is not one hearth serves (several ranges: the whole file, as RFC 9110
 * allows); -1 when it cannot be satisfied (416).
 */
static int
media_range(const char *h, off_t size, off_t *from, off_t *to)
{
	char		*end;
	long long	 a, b;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 ||
	    strchr(h, ',') != NULL)
		return 0;
	h += 6;
	if (*h == '-') {
		b = strtoll(h + 1, &end, 10);
		if (end == h + 1 || *end != '\0' || b <= 0)
			return b == 0 && end != h + 1 ? -1 : 0;
		*from = b >= size ? 0 : size - b;
		*to = size - 1;
		return size > 0 ? 1 : -1;
	}
	a = strtoll(h, &end, 10);
	if (end == h || *end != '-' || a < 0)
		return 0;
	h = end + 1;
	if (*h == '\0')
		b = size - 1;
	else {
		b = strtoll(h, &end, 10);
		if (*end != '\0' || b < a)
			return 0;
	}
	if (a >= size)
		return -1;
	*from = a;
	*to = b >= size ? size - 1 : b;
	return 1;
}

/* Content-Disposition for a download: the name in ASCII for old
 * clients, and exactly (RFC 8187) for the rest. */
static const char *
media_disposition(struct arena *a, const char *filename)
{
	char		*ascii = arena_strdup(a, filename), *q;
	const char	*hex = "0123456789ABCDEF";
	char		*enc = arena_alloc(a, strlen(filename) * 3 + 1), *w = enc;
	const unsigned char *p;

	for (q = ascii; *q != '\0'; q++) {
		if ((unsigned char)*q >= 0x80 || *q < 0x20 || *q == '"' ||
		    *q == '\\' || *q == '%' || *q == ';')
			*q = '_';
	}
	for (p = (const unsigned char *)filename; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p))
			*w++ = (char)*p;
		else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return arena_printf(a, "attachment; filename=\"%s\"; "
	    "filename*=UTF-8''%s", ascii, enc);
}

/*
 * GET /media/NAME: a stored file. An attachment is served to whoever may
 * read its post (a signed-in browser, checked now) or holds an address
 * signed for an app (?e=&s=, media_signed_url); anything else answers 404,
 * as for a file that does not exist, so a leaked link alone reveals
 * nothing. Avatars and headers are no attachment: their unguessable names
 * are enough. Files are served as downloads only (Content-Disposition:
 * attachment, a type from the allow-list or application/octet-stream, a
 * sandboxing CSP), pictures inline; all with an ETag (names are never
 * reused: the name is the ETag), byte ranges and a year's cache.
 */
enum handled
web_media(struct req *r)
{
	const char		*name = r->params[0];
	struct media		*m = NULL;
	enum media_access	 acc;

	if (!media_valid_name(name)) {
		req_text(r, 404, "not found");
		return HANDLED;
	}
	acc = media_access(req_db(r), r->arena, r->user != NULL ?
	    r->user->id : 0, name, &m);
	if (acc == MA_DENIED && !media_signature_ok(name, req_param(r, "e"),
	    req_param(r, "s"), time(NULL))) {
		req_text(r, 404, "not found");
		return HANDLED;
	}
	web_media_send(r, name, m);
	return HANDLED;
}

/*
 * Answer with the stored file name (m: its row, or NULL for an avatar or
 * a header), once whoever asks may have it: the headers above, the ETag,
 * a byte range, the bytes (or nginx's X-Accel-Redirect). Also the
 * bridge's public listener's, for the attachments of shared posts.
 */
void
web_media_send(struct req *r, const char *name, const struct media *m)
{
	const struct config	*c = req_config(r);
	const char		*mime = NULL, *inm;
	struct evbuffer		*b;
	struct stat		 sb;
	off_t			 from = 0, to = 0;
	int			 fd, rr, file = 0;
	char			*etag;

	if (m != NULL && strcmp(m->file, name) == 0 &&
	    strcmp(m->kind, "file") == 0) {
		file = 1;
		mime = m->mime;
	} else
		mime = image_mime(image_type_from_ext(strchr(name, '.') + 1));
	if (mime == NULL) {		/* a file's extension, no row */
		req_text(r, 404, "not found");
		return;
	}
	/* who may see it can change (a post deleted, made private): the
	 * browser checks again, but need not fetch it again */
	req_set_header(r, "Cache-Control", m != NULL ? "private, "
	    "max-age=31536000, immutable" : "public, max-age=31536000, "
	    "immutable");
	req_set_header(r, "Content-Security-Policy", "default-src 'none'; "
	    "sandbox");
	req_set_header(r, "X-Content-Type-Options", "nosniff");
	req_set_header(r, "Content-Disposition", file ? media_disposition(
	    r->arena, m->filename != NULL && *m->filename != '\0' ?
	    m->filename : name) : "inline");
	etag = arena_printf(r->arena, "\"%.22s\"", name);
	req_set_header(r, "ETag", etag);
	req_set_header(r, "Accept-Ranges", "bytes");
	if ((inm = req_header(r, "If-None-Match")) != NULL &&
	    strstr(inm, etag) != NULL) {
		req_reply(r, 304, NULL, NULL);
		return;
	}
	/* a large company's nginx sends the bytes (docs/media.md) */
	if (*c->media_accel_redirect != '\0') {
		req_set_header(r, "X-Accel-Redirect", arena_printf(r->arena,
		    "%s%s", c->media_accel_redirect, media_relpath(name)));
		req_reply(r, 200, mime, NULL);
		return;
	}
	if ((fd = media_open(c->data_dir, name, &sb)) == -1) {
		if (errno == ENOENT)
			req_text(r, 404, "not found");
		else {
			log_warn("media: %s: %s", name, strerror(errno));
			req_text(r, 500, "500 Internal Server Error: the file "
			    "cannot be read; the server log says why.");
		}
		return;
	}
	rr = media_range(req_header(r, "Range"), sb.st_size, &from, &to);
	if (rr < 0) {
		close(fd);
		req_set_header(r, "Content-Range", arena_printf(r->arena,
		    "bytes */%lld", (long long)sb.st_size));
		req_text(r, 416, "range not satisfiable");
		return;
	}
	if (rr == 0) {
		from = 0;
		to = sb.st_size - 1;
	} else
		req_set_header(r, "Content-Range", arena_printf(r->arena,
		    "bytes %lld-%lld/%lld", (long long)from, (long long)to,
		    (long long)sb.st_size));
	b = evbuffer_new();
	if (media_body(b, fd, from, to - from + 1) != 0) {
		evbuffer_free(b);
		req_text(r, 500, "500 Internal Server Error: the file cannot "
		    "be read.");
		return;
	}
	req_reply(r, rr == 1 ? 206 : 200, mime, b);
	evbuffer_free(b);
}

/* Identicons made (by libvips: about a millisecond each, on the loop),
 * kept by name: a page of cards asks for the same few again and again. */
static struct cache	*identicons;

void
web_avatar_cache_init(size_t max)
{
	identicons = cache_new(max, 86400ULL * 1000000);
	cache_set_name(identicons, "identicon");
}

void
web_avatar_cache_free(void)
{
	cache_free(identicons);
	identicons = NULL;
}

/* FNV-1a of a name, from a basis (two bases: a key and a tag). */
static uint64_t
name_hash(const char *s, uint64_t h)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
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
	int64_t		 key;
	uint64_t	 tag;

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
	key = (int64_t)name_hash(seed, 0xcbf29ce484222325ULL);
	tag = name_hash(seed, 0x84222325cbf29ce4ULL);
	if (!cache_emit(identicons, key, tag, b)) {
		image_identicon(seed, AVATAR_SIZE, b);
		if (evbuffer_get_length(b) > 0)
			cache_put(identicons, key, tag, evbuffer_pullup(b, -1),
			    evbuffer_get_length(b));
	}
	req_set_header(r, "Cache-Control", "public, max-age=86400");
	req_reply(r, 200, "image/png", b);
	evbuffer_free(b);
	return HANDLED;
}
