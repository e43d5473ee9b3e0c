/*
 * attachment.c: pictures and files in posts (the media table). An upload
 * is checked on the loop from its first bytes (what it is, how big, how
 * many pixels its header claims), decoded and written again on a worker
 * (libvips, image.c: no metadata kept, a thumbnail, a blurhash) or kept
 * as it came if it is a file, stored (media.c), and only then recorded by
 * a command on the writer, which checks the quotas; files of a refused or
 * failed record are removed. A post takes uploads of its author that no
 * post has taken (media_attach), and keeps a copy of what it shows of
 * them in its media_json. Who may fetch a file is who may read its post
 * (media_access); an upload no post has taken is its uploader's alone.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define MEDIA_EXPIRE		86400	/* unattached uploads: a day */
#define MEDIA_DESC_MAX		1500	/* characters, as Mastodon */
#define MEDIA_SIG_BYTES		12
#define MEDIA_SIG_BUCKET	21600	/* signed URLs: valid 6 to 12 h */
#define MEDIA_TOTAL_FRESH	60	/* seconds the total is trusted */
#define PDF_PREVIEW_SIDE	640

static char	*media_data_dir;	/* set once at start */
static int	 media_stopped;		/* hearthd is stopping (atomic) */
static int64_t	media_total_bytes = -1;	/* writer only */

static int	media_quota(struct db *, struct media_upload *, int64_t,
		    char **);
static time_t	media_total_at;

/* The Mastodon type of a kind: animations are images a client shows
 * animated (a GIF is not a video, which "gifv" would promise). */
const char *
media_api_type(const char *kind)
{
	return strcmp(kind, "file") == 0 ? "unknown" : "image";
}

/* "12 KB", "3.4 MB": a size as people read it. */
const char *
media_size_text(struct arena *a, int64_t bytes)
{
	char	buf[48];

	return arena_strdup(a, i18n_size(buf, sizeof buf, LANG_EN, bytes));
}

/* Where files are, for removing a deleted post's (at start). */
void
media_setup(const char *data_dir)
{
	free(media_data_dir);
	media_data_dir = data_dir != NULL ? xstrdup(data_dir) : NULL;
}

/*
 * hearthd is stopping: pictures still waiting for a worker are not
 * decoded (each would take a second or more of the shutdown); their
 * uploads are answered 503, and decodes no request waits for are left
 * for the next start.
 */
void
media_stop(void)
{
	__atomic_store_n(&media_stopped, 1, __ATOMIC_RELEASE);
}

int
media_stopping_now(void)
{
	return __atomic_load_n(&media_stopped, __ATOMIC_ACQUIRE) != 0;
}

/* Start an upload by owner (a request's arena holds it). */
void
media_upload_init(struct media_upload *u, int64_t owner,
    const struct config *c, struct arena *a)
{
	memset(u, 0, sizeof *u);
	u->owner = owner;
	u->config = c;
	u->arena = a;
	u->focus_x = u->focus_y = 0;
}

/*
 * Parse a focus point "x,y", each in -1..1 (Mastodon's). 0, or -1 when it
 * is not one.
 */
int
media_parse_focus(const char *s, double *x, double *y)
{
	char	*end;

	if (s == NULL || *s == '\0')
		return 0;
	*x = strtod(s, &end);
	if (end == s || *end != ',')
		return -1;
	s = end + 1;
	*y = strtod(s, &end);
	if (end == s || *end != '\0' || !(*x >= -1 && *x <= 1) ||
	    !(*y >= -1 && *y <= 1))
		return -1;
	return 0;
}

/* Whether a description is one hearth keeps: UTF-8, not too long. */
int
media_description_ok(const char *d, char *cause, size_t len)
{
	size_t	n = 0;

	if (d == NULL)
		return 1;
	if (!utf8_valid((const unsigned char *)d, strlen(d))) {
		snprintf(cause, len, N_("description: not valid UTF-8 text"));
		return 0;
	}
	for (; *d != '\0'; d++)
		n += ((unsigned char)*d & 0xc0) != 0x80;
	if (n > MEDIA_DESC_MAX) {
		snprintf(cause, len, "description is too long (%zu "
		    "characters, the limit is %d)", n, MEDIA_DESC_MAX);
		return 0;
	}
	return 1;
}

/*
 * On the loop, before any work: what the upload is and whether it may
 * be, from its bytes and its header only. 0, or an E_ code with cause
 * (E_TOO_LARGE for size: the caller answers 413).
 */
int
media_upload_check(struct media_upload *u, const void *data, size_t len,
    const char *filename, char *cause, size_t clen)
{
	const struct config	*c = u->config;
	enum image_type		 t;
	int			 w, h;
	char			*why = NULL;

	u->data = data;
	u->len = len;
	u->filename = filename;
	if (len == 0) {
		snprintf(cause, clen, N_("file: the file is empty"));
		return E_INVALID;
	}
	if (image_sniff(data, len, &t, &w, &h, &why) == 0) {
		if ((long)len > c->media_max_image_size) {
			cause_copy(cause, clen, cause_new(N_("file: the "
			    "picture is {size}; the limit is {max}"), CZ("size",
			    len), CZ("max", c->media_max_image_size)));
			return E_TOO_LARGE;
		}
		if ((double)w * h > (double)c->media_max_image_pixels) {
			cause_copy(cause, clen, cause_newn(
			    c->media_max_image_pixels / 1000000, NN_("file: "
			    "the picture is {w}x{h} pixels; the limit is {n} "
			    "million pixels", "file: the picture is {w}x{h} "
			    "pixels; the limit is {n} million pixels"),
			    CN("w", w), CN("h", h), CN("n",
			    c->media_max_image_pixels / 1000000)));
			return E_INVALID;
		}
		u->is_image = 1;
		return E_OK;
	}
	/* A header that says it is an image and lies is refused, not kept
	 * as a file: it was sent as a picture. */
	if (why != NULL && t != IMAGE_NONE) {
		snprintf(cause, clen, "file: %s", why);
		free(why);
		return E_INVALID;
	}
	free(why);
	if ((long)len > c->media_max_file_size) {
		cause_copy(cause, clen, cause_new(N_("file: the file is "
		    "{size}; the limit is {max}"), CZ("size", len), CZ("max",
		    c->media_max_file_size)));
		return E_TOO_LARGE;
	}
	return E_OK;
}

/* Remove the files an upload stored (it was refused, or failed). */
void
media_upload_discard(struct media_upload *u)
{
	if (u->file[0] != '\0')
		media_remove(u->config->data_dir, u->file);
	if (u->preview[0] != '\0')
		media_remove(u->config->data_dir, u->preview);
	u->file[0] = u->preview[0] = '\0';
}

/* Store one encoded image; 0 or -1 (u->cause, u->err). */
static int
media_store_out(struct media_upload *u, const struct image_out *o,
    char *name, size_t len)
{
	if (media_store(u->config->data_dir, o->data, o->len,
	    image_ext(o->type), name, len, &u->cause) != 0) {
		u->err = errno;
		return -1;
	}
	u->bytes += (int64_t)o->len;
	return 0;
}

/*
 * On a worker (a heavy job): decode and write an image again, or keep a
 * file as it came, and store what is kept. u->cause on failure (u->bad
 * when the upload itself is at fault).
 */
void
media_upload_work(void *arg)
{
	struct media_upload	*u = arg;
	const struct config	*c = u->config;
	const struct filetype	*ft;
	struct image_limits	 lim;
	struct image_result	 res;
	struct image_out	 pv;
	char			*why = NULL;

	memset(&res, 0, sizeof res);
	if (media_stopping_now()) {
		u->cause = xstrdup("hearthd is stopping");
		u->err = ESHUTDOWN;
		return;
	}
	if (u->is_image) {
		memset(&lim, 0, sizeof lim);
		lim.max_pixels = c->media_max_image_pixels;
		lim.max_side = c->media_image_side;
		lim.thumb_side = c->media_thumb_side;
		lim.blurhash = 1;
		if (image_process(u->data, u->len, &lim, &res, &why) != 0) {
			u->cause = xasprintf("file: %s", why != NULL ? why :
			    "the picture could not be read");
			free(why);
			u->bad = 1;
			return;
		}
		snprintf(u->kind, sizeof u->kind, "%s", res.frames > 1 ?
		    "gifv" : "image");
		snprintf(u->mime, sizeof u->mime, "%s",
		    image_mime(res.original.type));
		u->width = res.original.width;
		u->height = res.original.height;
		snprintf(u->blurhash, sizeof u->blurhash, "%s", res.blurhash);
		filename_clean(u->filename, image_ext(res.original.type),
		    u->clean_name, sizeof u->clean_name);
		if (media_store_out(u, &res.original, u->file,
		    sizeof u->file) != 0)
			goto fail;
		if (res.thumb.data != NULL) {
			if (media_store_out(u, &res.thumb, u->preview,
			    sizeof u->preview) != 0)
				goto fail;
			u->pwidth = res.thumb.width;
			u->pheight = res.thumb.height;
		}
		image_result_free(&res);
		return;
	}
	ft = filetype_of(u->data, u->len, u->filename);
	snprintf(u->kind, sizeof u->kind, "file");
	snprintf(u->mime, sizeof u->mime, "%s", ft->mime);
	filename_clean(u->filename, ft->ext, u->clean_name,
	    sizeof u->clean_name);
	if (media_store(c->data_dir, u->data, u->len, ft->ext, u->file,
	    sizeof u->file, &u->cause) != 0) {
		u->err = errno;
		goto fail;
	}
	u->bytes = (int64_t)u->len;
	/* A first-page picture of a PDF, when the admin let libvips's PDF
	 * loader run (media.pdf_previews); otherwise the icon says PDF. */
	if (c->media_pdf_previews && strcmp(ft->ext, "pdf") == 0 &&
	    image_pdf_preview(u->data, u->len, PDF_PREVIEW_SIDE, &pv, &why) ==
	    0) {
		if (media_store_out(u, &pv, u->preview, sizeof u->preview) ==
		    0) {
			u->pwidth = pv.width;
			u->pheight = pv.height;
		}
		image_out_free(&pv);
		if (u->cause != NULL) {	/* no preview is no failure */
			log_warn("media: %s", u->cause);
			free(u->cause);
			u->cause = NULL;
		}
	}
	free(why);
	return;
fail:
	image_result_free(&res);
	media_upload_discard(u);
}

/* The bytes all uploads take (the writer's count, refreshed now and
 * then: hearthctl's clean-ups change it behind our back). */
static int64_t
media_total(struct db *db)
{
	sqlite3_stmt	*st;
	time_t		 now = time(NULL);

	if (media_total_bytes >= 0 && now - media_total_at <
	    MEDIA_TOTAL_FRESH)
		return media_total_bytes;
	if ((st = db_prepare(db, "SELECT coalesce(sum(bytes), 0) FROM media"))
	    == NULL)
		return media_total_bytes;
	if (sqlite3_step(st) == SQLITE_ROW) {
		media_total_bytes = sqlite3_column_int64(st, 0);
		media_total_at = now;
	}
	sqlite3_reset(st);
	return media_total_bytes;
}

/* An owner's bytes. */
static int64_t
media_owner_bytes(struct db *db, int64_t owner)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0;

	if ((st = db_prepare(db, "SELECT coalesce(sum(bytes), 0) FROM media "
	    "WHERE owner_id = ?")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, owner);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* The record's transaction ended: a rolled-back one leaves no files. */
static void
media_upload_ended(void *arg, int committed)
{
	struct media_upload	*u = arg;

	if (committed)
		media_total_bytes += media_total_bytes >= 0 ? u->bytes : 0;
	else
		media_upload_discard(u);
}

/*
 * Command, on the writer once media_upload_work ran: the quotas, then the
 * record. 0 with u->id, or an E_ code with *cause; the stored files go
 * if it is refused.
 */
int
media_upload_cmd(struct db *db, void *arg, char **cause)
{
	struct media_upload	*u = arg;
	int			 rc;

	if (u->cause != NULL) {
		if (u->bad) {
			*cause = u->cause;
			u->cause = NULL;
			return E_INVALID;
		}
		if (u->err == ESHUTDOWN) {
			free(u->cause);
			u->cause = NULL;
			*cause = xstrdup(N_("The server is restarting; send "
			    "the file again in a moment."));
			return E_UNAVAILABLE;
		}
		log_error("media of user %lld: %s", (long long)u->owner,
		    u->cause);
		free(u->cause);
		u->cause = NULL;
		if (u->err == ENOSPC || u->err == EDQUOT || u->err == EIO) {
			*cause = xstrdup(N_("The server has no room to store "
			    "the file right now; try again later."));
			return E_UNAVAILABLE;
		}
		*cause = xstrdup(N_("The file could not be stored; the server "
		    "log says why."));
		return E_INTERNAL;
	}
	if ((rc = media_quota(db, u, u->bytes, cause)) != E_OK) {
		media_upload_discard(u);
		return rc;
	}
	if (DB_RUN(db, "INSERT INTO media (owner_id, kind, file, preview, "
	    "mime, bytes, width, height, preview_width, preview_height, "
	    "focus_x, focus_y, description, blurhash, filename, created_at) "
	    "VALUES (?, ?, ?, nullif(?, ''), ?, ?, nullif(?, 0), "
	    "nullif(?, 0), nullif(?, 0), nullif(?, 0), ?, ?, ?, "
	    "nullif(?, ''), ?, ?)", SQL_I(u->owner), SQL_T(u->kind),
	    SQL_T(u->file), SQL_T(u->preview), SQL_T(u->mime),
	    SQL_I(u->bytes), SQL_I(u->width), SQL_I(u->height),
	    SQL_I(u->pwidth), SQL_I(u->pheight), SQL_F(u->focus_x),
	    SQL_F(u->focus_y), SQL_T(u->description != NULL ?
	    u->description : ""), SQL_T(u->blurhash), SQL_T(u->clean_name),
	    SQL_I(time(NULL))) != 1) {
		*cause = xasprintf("Saving the upload failed: %s",
		    db_errmsg(db));
		media_upload_discard(u);
		return E_INTERNAL;
	}
	u->id = db_last_id(db);
	db_after_commit(db, media_upload_ended, u);
	return E_OK;
}

/* A row of media as a struct. */
static struct media *
media_from_row(struct arena *a, sqlite3_stmt *st)
{
	struct media	*m = arena_alloc(a, sizeof *m);
	const unsigned char *t;

#define TXT(i) ((t = sqlite3_column_text(st, (i))) != NULL ? \
    arena_strdup(a, (const char *)t) : NULL)
	m->id = sqlite3_column_int64(st, 0);
	m->owner_id = sqlite3_column_int64(st, 1);
	m->post_id = sqlite3_column_int64(st, 2);
	m->kind = TXT(3);
	m->file = TXT(4);
	m->preview = TXT(5);
	m->mime = TXT(6);
	m->bytes = sqlite3_column_int64(st, 7);
	m->width = sqlite3_column_int(st, 8);
	m->height = sqlite3_column_int(st, 9);
	m->pwidth = sqlite3_column_int(st, 10);
	m->pheight = sqlite3_column_int(st, 11);
	m->focus_x = sqlite3_column_double(st, 12);
	m->focus_y = sqlite3_column_double(st, 13);
	m->description = TXT(14);
	m->blurhash = TXT(15);
	m->filename = TXT(16);
	m->created_at = sqlite3_column_int64(st, 17);
	m->state = TXT(18);
	m->error = TXT(19);
	m->incoming = TXT(20);
#undef TXT
	return m;
}

#define MEDIA_COLUMNS "id, owner_id, coalesce(post_id, 0), kind, file, " \
    "preview, mime, bytes, coalesce(width, 0), coalesce(height, 0), " \
    "coalesce(preview_width, 0), coalesce(preview_height, 0), focus_x, " \
    "focus_y, description, blurhash, filename, created_at, state, error, " \
    "incoming"

/*
 * On a worker (a light job): keep a large picture's upload as it came,
 * to be decoded once it is recorded (the API's 202). u->cause on failure.
 */
void
media_incoming_work(void *arg)
{
	struct media_upload	*u = arg;

	if (media_store(u->config->data_dir, u->data, u->len, "bin",
	    u->incoming, sizeof u->incoming, &u->cause) != 0)
		u->err = errno;
}

/* The record's transaction ended: a rolled-back one leaves no upload. */
static void
media_incoming_ended(void *arg, int committed)
{
	struct media_upload	*u = arg;

	if (!committed && u->incoming[0] != '\0') {
		media_remove(u->config->data_dir, u->incoming);
		u->incoming[0] = '\0';
	}
}

/* The quotas, for bytes more of owner's. 0, or an E_ code with *cause. */
static int
media_quota(struct db *db, struct media_upload *u, int64_t bytes,
    char **cause)
{
	const struct config	*c = u->config;
	int64_t			 mine;

	if (c->media_quota_person > 0 && (mine = media_owner_bytes(db,
	    u->owner)) + bytes > c->media_quota_person) {
		*cause = cause_new(N_("You have used {used} of your {quota} "
		    "for pictures and files; delete older posts with "
		    "attachments to make room."), CZ("used", mine),
		    CZ("quota", c->media_quota_person));
		return E_INVALID;
	}
	if (c->media_quota_total > 0 && media_total(db) + bytes >
	    c->media_quota_total) {
		*cause = xstrdup(N_("The company's space for pictures and "
		    "files is full; tell an administrator "
		    "(media.quota_total)."));
		return E_UNAVAILABLE;
	}
	return E_OK;
}

/*
 * Command, on the writer once media_incoming_work ran: record a picture
 * still to be decoded (state processing). 0 with u->id, or an E_ code.
 */
int
media_incoming_cmd(struct db *db, void *arg, char **cause)
{
	struct media_upload	*u = arg;
	int			 rc;

	if (u->cause != NULL) {
		log_error("media of user %lld: %s", (long long)u->owner,
		    u->cause);
		free(u->cause);
		u->cause = NULL;
		*cause = xstrdup(u->err == ENOSPC || u->err == EDQUOT ?
		    "The server has no room to store the file right now; try "
		    "again later." : "The file could not be stored; the server "
		    "log says why.");
		return u->err == ENOSPC || u->err == EDQUOT ? E_UNAVAILABLE :
		    E_INTERNAL;
	}
	if ((rc = media_quota(db, u, (int64_t)u->len, cause)) != E_OK) {
		media_remove(u->config->data_dir, u->incoming);
		u->incoming[0] = '\0';
		return rc;
	}
	filename_clean(u->filename, NULL, u->clean_name, sizeof u->clean_name);
	if (DB_RUN(db, "INSERT INTO media (owner_id, kind, state, incoming, "
	    "mime, bytes, focus_x, focus_y, description, filename, "
	    "created_at) VALUES (?, 'image', 'processing', ?, '', ?, ?, ?, "
	    "?, ?, ?)", SQL_I(u->owner), SQL_T(u->incoming),
	    SQL_I((int64_t)u->len), SQL_F(u->focus_x), SQL_F(u->focus_y),
	    SQL_T(u->description != NULL ? u->description : ""),
	    SQL_T(u->clean_name), SQL_I(time(NULL))) != 1) {
		*cause = xasprintf("Saving the upload failed: %s",
		    db_errmsg(db));
		media_remove(u->config->data_dir, u->incoming);
		u->incoming[0] = '\0';
		return E_INTERNAL;
	}
	u->id = db_last_id(db);
	db_after_commit(db, media_incoming_ended, u);
	return E_OK;
}

/*
 * On a worker: read a recorded upload's incoming file back into u->data
 * (malloc'ed: free it), for media_upload_work. 0, or -1 with u->cause.
 */
int
media_incoming_load(struct media_upload *u, int64_t max)
{
	char		*path = media_path(u->config->data_dir, u->incoming);
	FILE		*f;
	long		 n;
	char		*buf = NULL;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || n > max || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc(n > 0 ? (size_t)n : 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		u->cause = xasprintf("media: the upload %s cannot be read "
		    "back: %s", path, strerror(errno));
		free(buf);
		if (f != NULL)
			fclose(f);
		free(path);
		return -1;
	}
	fclose(f);
	free(path);
	u->data = buf;
	u->len = (size_t)n;
	u->is_image = 1;
	return 0;
}

/* The decode's record ended: the upload as it came goes once the result
 * is kept; the result goes if it was not. */
static void
media_processed_ended(void *arg, int committed)
{
	struct media_upload	*u = arg;

	if (committed) {
		if (u->incoming[0] != '\0')
			media_remove(u->config->data_dir, u->incoming);
	} else
		media_upload_discard(u);
}

/*
 * Command, on the writer once media_upload_work decoded a recorded
 * upload (u->id): keep the result, or the reason it failed.
 */
int
media_processed_cmd(struct db *db, void *arg, char **cause)
{
	struct media_upload	*u = arg;

	if (u->cause != NULL) {
		if (!u->bad)
			log_error("media %lld: %s", (long long)u->id, u->cause);
		if (DB_RUN(db, "UPDATE media SET state = 'failed', error = ?, "
		    "incoming = NULL WHERE id = ? AND state = 'processing'",
		    SQL_T(u->bad ? u->cause : "the picture could not be "
		    "stored; the server log says why"), SQL_I(u->id)) < 0)
			return E_INTERNAL;
		free(u->cause);
		u->cause = NULL;
		db_after_commit(db, media_processed_ended, u);
		return E_OK;
	}
	if (DB_RUN(db, "UPDATE media SET state = 'ready', incoming = NULL, "
	    "kind = ?, file = ?, preview = nullif(?, ''), mime = ?, bytes = ?, "
	    "width = nullif(?, 0), height = nullif(?, 0), preview_width = "
	    "nullif(?, 0), preview_height = nullif(?, 0), blurhash = "
	    "nullif(?, '') WHERE id = ? AND state = 'processing'",
	    SQL_T(u->kind), SQL_T(u->file), SQL_T(u->preview), SQL_T(u->mime),
	    SQL_I(u->bytes), SQL_I(u->width), SQL_I(u->height),
	    SQL_I(u->pwidth), SQL_I(u->pheight), SQL_T(u->blurhash),
	    SQL_I(u->id)) != 1) {
		/* deleted meanwhile (DELETE /api/v1/media/:id): nothing to
		 * keep */
		*cause = xstrdup("the upload is gone");
		media_upload_discard(u);
		return E_NOTFOUND;
	}
	db_after_commit(db, media_processed_ended, u);
	return E_OK;
}

/*
 * The uploads still to be decoded (after a restart): their ids, owners,
 * incoming files and names, n at most. The number found.
 */
size_t
media_processing(struct db *db, struct arena *a, struct media **out,
    size_t n)
{
	sqlite3_stmt	*st;
	size_t		 k = 0;

	if ((st = db_prepare(db, "SELECT " MEDIA_COLUMNS " FROM media WHERE "
	    "state = 'processing' ORDER BY id")) == NULL)
		return 0;
	while (k < n && sqlite3_step(st) == SQLITE_ROW)
		out[k++] = media_from_row(a, st);
	sqlite3_reset(st);
	return k;
}

/* An upload of owner, or NULL. */
struct media *
media_get(struct db *db, struct arena *a, int64_t owner, int64_t id)
{
	sqlite3_stmt	*st;
	struct media	*m = NULL;

	if ((st = db_prepare(db, "SELECT " MEDIA_COLUMNS " FROM media WHERE "
	    "id = ? AND owner_id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, owner);
	if (sqlite3_step(st) == SQLITE_ROW)
		m = media_from_row(a, st);
	sqlite3_reset(st);
	return m;
}

/*
 * Command: change an upload's description or focus (PUT
 * /api/v1/media/:id), as Mastodon allows only before a post takes it.
 */
int
media_update_cmd(struct db *db, void *arg, char **cause)
{
	struct media_change	*ch = arg;
	struct media		*m;
	struct arena		*a = arena_new();
	int			 rc = E_OK;

	if ((m = media_get(db, a, ch->owner, ch->id)) == NULL) {
		*cause = xstrdup("Record not found");
		rc = E_NOTFOUND;
	} else if (m->post_id != 0) {
		*cause = xstrdup(N_("The attachment belongs to a post now: "
		    "edit the post to change it"));
		rc = E_INVALID;
	} else if (DB_RUN(db, "UPDATE media SET description = "
	    "coalesce(?, description), focus_x = ?, focus_y = ? WHERE id = ?",
	    SQL_T(ch->description),
	    SQL_F(ch->has_focus ? ch->focus_x : m->focus_x),
	    SQL_F(ch->has_focus ? ch->focus_y : m->focus_y), SQL_I(ch->id))
	    != 1) {
		*cause = xstrdup(N_("Saving the attachment failed"));
		rc = E_INTERNAL;
	}
	arena_free(a);
	return rc;
}

/* Files to remove once a delete commits (and only if it does). */
struct media_gone {
	char		*data_dir;
	char		**names;
	size_t		 n;
};

static void
media_gone_run(void *arg, int committed)
{
	struct media_gone	*g = arg;
	size_t			 i;

	for (i = 0; i < g->n; i++) {
		if (committed && g->data_dir != NULL)
			media_remove(g->data_dir, g->names[i]);
		free(g->names[i]);
	}
	if (committed && media_total_bytes >= 0)
		media_total_bytes = -1;		/* counted again when asked */
	free(g->names);
	free(g->data_dir);
	free(g);
}

/*
 * In a write: delete the media rows st selects (file, preview as its
 * first two columns, id third) and their files once it commits. The
 * number deleted, or -1.
 */
static int
media_delete_rows(struct db *db, const char *data_dir, sqlite3_stmt *st)
{
	struct media_gone	*g = xcalloc(1, sizeof *g);
	sqlite3_stmt		*del;
	const unsigned char	*t;
	int			 n = 0, c;

	g->data_dir = data_dir != NULL ? xstrdup(data_dir) : NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		g->names = xrealloc(g->names, (g->n + 2) * sizeof *g->names);
		for (c = 0; c < 2; c++) {
			if ((t = sqlite3_column_text(st, c)) != NULL)
				g->names[g->n++] = xstrdup((const char *)t);
		}
		if ((del = db_prepare(db, "DELETE FROM media WHERE id = ?")) ==
		    NULL)
			break;
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 2));
		sqlite3_step(del);
		sqlite3_reset(del);
		n++;
	}
	sqlite3_reset(st);
	db_after_commit(db, media_gone_run, g);
	return n;
}

/* Command: remove an upload no post has taken (DELETE /api/v1/media/:id). */
int
media_delete_cmd(struct db *db, void *arg, char **cause)
{
	struct media_change	*ch = arg;
	sqlite3_stmt		*st;
	struct arena		*a = arena_new();
	struct media		*m = media_get(db, a, ch->owner, ch->id);
	int			 rc = E_OK;

	if (m == NULL) {
		*cause = xstrdup("Record not found");
		rc = E_NOTFOUND;
	} else if (m->post_id != 0) {
		*cause = xstrdup(N_("The attachment belongs to a post: delete "
		    "or edit the post instead"));
		rc = E_INVALID;
	} else if ((st = db_prepare(db, "SELECT file, preview, id FROM media "
	    "WHERE id = ?")) == NULL)
		rc = E_INTERNAL;
	else {
		sqlite3_bind_int64(st, 1, ch->id);
		media_delete_rows(db, ch->data_dir, st);
	}
	arena_free(a);
	return rc;
}

/* In a post's delete: its attachments (of every version) and their files
 * (left to the daily clean-up's orphan sweep if media_setup was not
 * called: a tool that does not know where they are). */
int
media_delete_post(struct db *db, int64_t post)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT file, preview, id FROM media WHERE "
	    "post_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, post);
	return media_delete_rows(db, media_data_dir, st) < 0 ? -1 : 0;
}

/*
 * The daily clean-up (writer): uploads no post took within a day, and
 * those a deleted post left (post_id set NULL by a cascade); not those a
 * scheduled post will take (scheduled.c) nor a kept draft's (draft.c).
 * The number removed.
 */
int
media_expire(struct db *db, const char *data_dir, int64_t now)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, "SELECT file, preview, id FROM media WHERE "
	    "post_id IS NULL AND scheduled_id IS NULL AND draft_of IS NULL AND "
	    "created_at < ? "
	    "LIMIT 1000")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now - MEDIA_EXPIRE);
	return media_delete_rows(db, data_dir, st);
}

/* The stored copy of an attachment a post shows (media_json's items). */
static json_t *
media_item_json(const struct media *m, const char *description)
{
	json_t	*o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}",
	    "id", (json_int_t)m->id, "kind", m->kind, "file", m->file,
	    "mime", m->mime, "bytes", (json_int_t)m->bytes,
	    "filename", m->filename != NULL ? m->filename : "");

	if (m->preview != NULL)
		json_object_set_new(o, "preview", json_string(m->preview));
	if (m->width > 0) {
		json_object_set_new(o, "width", json_integer(m->width));
		json_object_set_new(o, "height", json_integer(m->height));
	}
	if (m->pwidth > 0) {
		json_object_set_new(o, "pwidth", json_integer(m->pwidth));
		json_object_set_new(o, "pheight", json_integer(m->pheight));
	}
	if (m->focus_x != 0 || m->focus_y != 0) {
		json_object_set_new(o, "focus_x", json_real(m->focus_x));
		json_object_set_new(o, "focus_y", json_real(m->focus_y));
	}
	json_object_set_new(o, "description", json_string(description != NULL ?
	    description : m->description != NULL ? m->description : ""));
	if (m->blurhash != NULL)
		json_object_set_new(o, "blurhash", json_string(m->blurhash));
	return o;
}

/*
 * In a post's write (create or edit): let post take the uploads ids (in
 * that order, each the author's and not another post's; descriptions[i]
 * a new description or NULL), and set its media_json. 0, or an E_ code
 * with cause.
 */
int
media_attach(struct db *db, int64_t author, int64_t post,
    const int64_t *ids, const char *const *descriptions, size_t n,
    char *cause, size_t clen)
{
	struct arena	*a = arena_new();
	struct media	*m;
	json_t		*list = json_array();
	char		*text = NULL;
	size_t		 i, j;
	int		 rc = E_INTERNAL, images = 0;

	if (n > MEDIA_PER_POST) {
		cause_copy(cause, clen, cause_newn(MEDIA_PER_POST, NN_(
		    "Validation failed: a post has at most {n} attachment",
		    "Validation failed: a post has at most {n} attachments"),
		    CN("n", MEDIA_PER_POST)));
		rc = E_INVALID;
		goto out;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (ids[j] == ids[i])
				break;
		}
		if (j < i)
			continue;	/* the same upload twice: once */
		m = media_get(db, a, author, ids[i]);
		if (m == NULL || (m->post_id != 0 && m->post_id != post)) {
			cause_copy(cause, clen, cause_new(N_("Validation "
			    "failed: media_ids: {id} is not an upload of yours "
			    "that is free to attach"), CI("id", ids[i])));
			rc = E_INVALID;
			goto out;
		}
		if (strcmp(m->state, "ready") != 0) {
			cause_copy(cause, clen, strcmp(m->state,
			    "processing") == 0 ? cause_new(N_("Validation "
			    "failed: media_ids: {id} has not finished "
			    "processing; try again in a moment"), CI("id",
			    ids[i])) : cause_new(N_("Validation failed: "
			    "media_ids: {id} could not be processed: upload it "
			    "again"), CI("id", ids[i])));
			rc = E_INVALID;
			goto out;
		}
		images += strcmp(m->kind, "file") != 0;
		if (descriptions != NULL && descriptions[i] != NULL &&
		    DB_RUN(db, "UPDATE media SET description = ? WHERE id = ?",
		    SQL_T(descriptions[i]), SQL_I(m->id)) != 1)
			goto out;
		if (DB_RUN(db, "UPDATE media SET post_id = ?, attached_at = "
		    "coalesce(attached_at, ?) WHERE id = ?", SQL_I(post),
		    SQL_I(time(NULL)), SQL_I(m->id)) != 1)
			goto out;
		json_array_append_new(list, media_item_json(m, descriptions !=
		    NULL ? descriptions[i] : NULL));
	}
	text = json_array_size(list) > 0 ? json_dumps(list, JSON_COMPACT) :
	    NULL;
	if (DB_RUN(db, "UPDATE posts SET media_json = ? WHERE id = ?",
	    SQL_T(text), SQL_I(post)) != 1)
		goto out;
	rc = E_OK;
out:
	if (rc == E_INTERNAL && cause[0] == '\0')
		snprintf(cause, clen, "Saving the attachments failed");
	free(text);
	json_decref(list);
	arena_free(a);
	(void)images;
	return rc;
}

/*
 * Who may fetch the stored file name: its row's post's readers, or its
 * uploader while no post has it. MA_NOT_MEDIA for a name that is no
 * attachment's (an avatar or a header, public to whoever has the name);
 * MA_ALLOWED, or MA_DENIED. *m is the row when there is one.
 */
enum media_access
media_access(struct db *db, struct arena *a, int64_t viewer, const char *name,
    struct media **m)
{
	sqlite3_stmt	*st;

	*m = NULL;
	if ((st = db_prepare(db, "SELECT " MEDIA_COLUMNS " FROM media WHERE "
	    "file = ?1 UNION ALL SELECT " MEDIA_COLUMNS " FROM media WHERE "
	    "preview = ?1")) == NULL)
		return MA_DENIED;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*m = media_from_row(a, st);
	sqlite3_reset(st);
	if (*m == NULL)
		return MA_NOT_MEDIA;
	if (viewer == 0)
		return MA_DENIED;
	if ((*m)->post_id == 0)
		return (*m)->owner_id == viewer ? MA_ALLOWED : MA_DENIED;
	return access_post_visible(db, viewer, (*m)->post_id) ? MA_ALLOWED :
	    MA_DENIED;
}

/* Which window of signed addresses now is in (entity caches key on it). */
int64_t
media_sign_window(int64_t now)
{
	return now / MEDIA_SIG_BUCKET;
}

/* The signature of name valid until exp (base64url, in sig). */
static void
media_sign(const char *name, int64_t exp, char *sig)
{
	uint8_t		 mac[32];
	char		*msg = xasprintf("media|%s|%lld", name, (long long)exp);

	crypto_hmac(secret_get(), 32, msg, strlen(msg), mac);
	crypto_b64url(mac, MEDIA_SIG_BYTES, sig);
	free(msg);
}

/*
 * The address of a stored file for someone who may read it now, to hand
 * to an app (which fetches images without credentials): signed, and
 * valid for 6 to 12 hours (the same address for everyone within a
 * window, so apps and proxies can cache it).
 */
const char *
media_signed_url(struct arena *a, const char *base_url, const char *name,
    int64_t now)
{
	char	 sig[MEDIA_SIG_BYTES * 2];
	int64_t	 exp = (now / MEDIA_SIG_BUCKET + 2) * MEDIA_SIG_BUCKET;

	media_sign(name, exp, sig);
	return arena_printf(a, "%s/media/%s?e=%lld&s=%s", base_url, name,
	    (long long)exp, sig);
}

/* Whether a signed address (its e and s) still lets name be fetched. */
int
media_signature_ok(const char *name, const char *e, const char *s,
    int64_t now)
{
	char		 sig[MEDIA_SIG_BYTES * 2], *end;
	long long	 exp;

	if (e == NULL || s == NULL)
		return 0;
	exp = strtoll(e, &end, 10);
	if (*e == '\0' || *end != '\0' || exp < now ||
	    exp > now + 3 * MEDIA_SIG_BUCKET)
		return 0;
	media_sign(name, exp, sig);
	return strlen(s) == strlen(sig) && crypto_equal(s, sig, strlen(sig));
}

/* On a worker (a heavy job): the files a draft brings (post_draft's
 * uploads), one after another. */
void
post_uploads_work(void *arg)
{
	struct post_draft	*d = arg;
	size_t			 i;

	for (i = 0; i < d->nuploads; i++)
		media_upload_work(&d->uploads[i]);
}

/*
 * In a post's write, first: record the files the draft brings and add
 * them to its media_ids. 0, or an E_ code with d->cause; every file not
 * recorded is removed (those recorded go if the write rolls back).
 */
int
post_uploads_record(struct db *db, struct post_draft *d)
{
	char	*cause = NULL;
	size_t	 i, j;
	int	 rc;

	for (i = 0; i < d->nuploads; i++) {
		if ((rc = media_upload_cmd(db, &d->uploads[i], &cause)) !=
		    E_OK) {
			snprintf(d->cause, sizeof d->cause, "%s", cause != NULL ?
			    cause : "Saving the attachment failed");
			free(cause);
			for (j = i + 1; j < d->nuploads; j++)
				media_upload_discard(&d->uploads[j]);
			return rc;
		}
		d->media_ids[d->nmedia++] = d->uploads[i].id;
	}
	d->nuploads = 0;	/* recorded: a retry must not record twice */
	return E_OK;
}

/* Whether a stored file is anyone's: an attachment's (or an upload's on
 * its way), an avatar, a header or a group's picture. */
int
media_referenced(struct db *db, const char *name)
{
	sqlite3_stmt	*st;
	int		 found = 1;	/* when in doubt, keep it */

	if ((st = db_prepare(db, "SELECT EXISTS (SELECT 1 FROM media WHERE "
	    "file = ?1) OR EXISTS (SELECT 1 FROM media WHERE preview = ?1) OR "
	    "EXISTS (SELECT 1 FROM media WHERE incoming = ?1) OR EXISTS "
	    "(SELECT 1 FROM users WHERE avatar_file = ?1) OR EXISTS (SELECT "
	    "1 FROM users WHERE header_file = ?1) OR EXISTS (SELECT 1 FROM "
	    "groups WHERE picture_file = ?1)")) == NULL)
		return 1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return found;
}

/* What the media table holds, for hearthctl media stats. 0 or -1. */
int
media_stats(struct db *db, struct media_stats *ms)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	memset(ms, 0, sizeof *ms);
	if ((st = db_prepare(db, "SELECT count(*), coalesce(sum(bytes), 0), "
	    "count(*) FILTER (WHERE kind = 'image'), count(*) FILTER (WHERE "
	    "kind = 'gifv'), count(*) FILTER (WHERE kind = 'file'), count(*) "
	    "FILTER (WHERE post_id IS NULL), count(*) FILTER (WHERE state = "
	    "'processing'), count(*) FILTER (WHERE state = 'failed') FROM "
	    "media")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		ms->count = sqlite3_column_int64(st, 0);
		ms->bytes = sqlite3_column_int64(st, 1);
		ms->images = sqlite3_column_int64(st, 2);
		ms->animations = sqlite3_column_int64(st, 3);
		ms->files = sqlite3_column_int64(st, 4);
		ms->unattached = sqlite3_column_int64(st, 5);
		ms->processing = sqlite3_column_int64(st, 6);
		ms->failed = sqlite3_column_int64(st, 7);
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}
