/*
 * filetype.c: what an attached file (not an image) is served as, and the
 * name it is offered under. Files are kept as they came and only ever
 * downloaded, never shown on hearth's origin, so their type matters for
 * the icon and for the program a reader's computer opens them with: a
 * type is named only when the bytes agree with it (a PDF starts "%PDF-", a
 * .docx is a zip), and everything else is application/octet-stream, which
 * no browser renders. The table below is the allow-list.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib.h"

#define FILENAME_MAX_BYTES	200	/* what is kept of an uploaded name */
#define FILENAME_EXT_MAX	16	/* ".extension" kept of a long one */

enum magic { MG_ANY, MG_PDF, MG_ZIP, MG_OLE, MG_TEXT };

static const struct filetype filetypes[] = {
	/* ext	mime	icon	magic (extension first: .docx is a zip) */
	{ "pdf",  "application/pdf", "pdf", MG_PDF },
	{ "docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", "doc", MG_ZIP },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet", "sheet", MG_ZIP },
	{ "pptx", "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation", "slides", MG_ZIP },
	{ "odt",  "application/vnd.oasis.opendocument.text", "doc", MG_ZIP },
	{ "ods",  "application/vnd.oasis.opendocument.spreadsheet", "sheet",
	    MG_ZIP },
	{ "odp",  "application/vnd.oasis.opendocument.presentation", "slides",
	    MG_ZIP },
	{ "doc",  "application/msword", "doc", MG_OLE },
	{ "xls",  "application/vnd.ms-excel", "sheet", MG_OLE },
	{ "ppt",  "application/vnd.ms-powerpoint", "slides", MG_OLE },
	{ "zip",  "application/zip", "zip", MG_ZIP },
	{ "csv",  "text/csv; charset=utf-8", "sheet", MG_TEXT },
	{ "md",   "text/markdown; charset=utf-8", "text", MG_TEXT },
	{ "txt",  "text/plain; charset=utf-8", "text", MG_TEXT },
	{ "log",  "text/plain; charset=utf-8", "text", MG_TEXT },
	{ "json", "application/json", "text", MG_TEXT },
};

/* Whatever is not in the table: a download of bytes. */
static const struct filetype filetype_other = {
	"bin", "application/octet-stream", "file", MG_ANY
};
/* Text that came with no name we know. */
static const struct filetype filetype_text = {
	"txt", "text/plain; charset=utf-8", "text", MG_TEXT
};

/* Whether the bytes are what magic says. */
static int
magic_matches(int magic, const uint8_t *d, size_t len)
{
	size_t	i;

	switch (magic) {
	case MG_PDF:
		return len >= 5 && memcmp(d, "%PDF-", 5) == 0;
	case MG_ZIP:
		/* a local file header, or the end record of an empty zip */
		return len >= 4 && (memcmp(d, "PK\3\4", 4) == 0 ||
		    memcmp(d, "PK\5\6", 4) == 0);
	case MG_OLE:
		return len >= 8 && memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
		    8) == 0;
	case MG_TEXT:
		/* UTF-8 without NULs or other C0 controls than tab, CR, LF
		 * and form feed */
		for (i = 0; i < len; i++) {
			if (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' &&
			    d[i] != '\r' && d[i] != '\f')
				return 0;
		}
		return utf8_valid(d, len);
	default:
		return 1;
	}
}

/* The extension of a (cleaned) file name, or "". */
static const char *
name_ext(const char *name)
{
	const char	*dot = strrchr(name, '.');

	return dot != NULL && dot != name ? dot + 1 : "";
}

/*
 * What a file of len bytes called name is served as: the table's entry
 * for its extension when its bytes agree, else plain text for text, else
 * the neutral download. Never NULL.
 */
const struct filetype *
filetype_of(const void *data, size_t len, const char *name)
{
	const char	*ext = name_ext(name != NULL ? name : "");
	size_t		 i;

	/* a PDF is a PDF whatever it is called */
	if (magic_matches(MG_PDF, data, len))
		return &filetypes[0];
	for (i = 0; i < nitems(filetypes); i++) {
		if (strcasecmp(ext, filetypes[i].ext) == 0) {
			if (magic_matches(filetypes[i].magic, data, len))
				return &filetypes[i];
			break;
		}
	}
	if (len > 0 && magic_matches(MG_TEXT, data, len))
		return &filetype_text;
	return &filetype_other;
}

/* The entry for a stored file's extension (as filetype_of chose it). */
const struct filetype *
filetype_from_ext(const char *ext)
{
	size_t	i;

	for (i = 0; i < nitems(filetypes); i++) {
		if (strcmp(ext, filetypes[i].ext) == 0)
			return &filetypes[i];
	}
	if (strcmp(ext, "bin") == 0)
		return &filetype_other;
	return NULL;
}

/* Bytes of the UTF-8 sequence at s (valid, as utf8_valid checked), or 0
 * for a character a file name must not carry: controls, and the marks
 * that reorder text (an RTL override makes "gpj.exe" read "exe.jpg"). */
static size_t
name_char(const unsigned char *s, size_t left)
{
	uint32_t	c;
	size_t		n;

	if (s[0] < 0x80)
		return s[0] < 0x20 || s[0] == 0x7f ? 0 : 1;
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (n > left)
		return 0;
	c = n == 2 ? (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f) :
	    n == 3 ? (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f)
	    << 6 | (s[2] & 0x3f) : (uint32_t)(s[0] & 0x07) << 18 |
	    (uint32_t)(s[1] & 0x3f) << 12 | (uint32_t)(s[2] & 0x3f) << 6 |
	    (s[3] & 0x3f);
	if (c < 0xa0 ||				/* C1 controls */
	    (c >= 0x200b && c <= 0x200f) ||	/* zero width, LRM, RLM */
	    (c >= 0x202a && c <= 0x202e) ||	/* embeddings, overrides */
	    (c >= 0x2066 && c <= 0x2069) ||	/* isolates */
	    c == 0xfeff || c == 0x061c)		/* BOM, Arabic letter mark */
		return 0;
	return n;
}

/*
 * Copy [p, end) into out (of size len, NUL-terminated), whole characters
 * only, without what a name must not carry (name_char), quotes turned
 * into apostrophes; leading: without leading dots and spaces. The bytes
 * written.
 */
static size_t
clean_part(const char *p, const char *end, char *out, size_t len,
    int leading)
{
	size_t	o = 0, n;

	for (; p < end; p += n) {
		if ((n = name_char((const unsigned char *)p,
		    (size_t)(end - p))) == 0) {
			n = 1;
			while (p + n < end &&
			    ((unsigned char)p[n] & 0xc0) == 0x80)
				n++;	/* skip the whole character */
			continue;
		}
		if (leading && o == 0 && (*p == '.' || *p == ' '))
			continue;
		if (o + n + 1 > len)
			break;		/* full: never half a character */
		if (*p == '"')	/* kept out of header quoting's way */
			out[o++] = '\'';
		else {
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o] = '\0';
	return o;
}

/*
 * The name an uploaded file is kept and offered under, in out (size at
 * least FILENAME_MAX_BYTES + 1): the last part of what the browser sent
 * (no folders: "../../x" is "x"), without controls, reordering marks or
 * leading dots and spaces, at most FILENAME_MAX_BYTES bytes of whole
 * characters with the extension kept; "file" (with ext_default) if
 * nothing is left.
 */
void
filename_clean(const char *name, const char *ext_default, char *out,
    size_t outlen)
{
	const char	*base = name != NULL ? name : "", *p, *dot, *stop;
	char		 buf[FILENAME_MAX_BYTES + 1];
	char		 ext[FILENAME_EXT_MAX + 2];
	size_t		 len, o = 0, e = 0, room;

	for (p = base; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	len = strlen(base);
	if (!utf8_valid((const unsigned char *)base, len))
		len = 0;	/* not text: a name of our own */
	/* the extension first, so that a long name keeps it */
	stop = base + len;
	if ((dot = memrchr(base, '.', len)) != NULL && dot != base &&
	    (size_t)(base + len - dot) <= FILENAME_EXT_MAX + 1) {
		e = clean_part(dot, base + len, ext, sizeof ext, 0);
		stop = dot;
	}
	room = FILENAME_MAX_BYTES - e;
	o = clean_part(base, stop, buf, room + 1, 1);
	while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '.'))
		o--;
	buf[o] = '\0';
	if (o == 0 && e > 0) {
		/* "...hidden": no stem, so what looked like an extension is
		 * the name */
		e = 0;
		o = clean_part(base, base + len, buf, sizeof buf, 1);
		while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '.'))
			o--;
		buf[o] = '\0';
	}
	if (o == 0) {
		snprintf(out, outlen, "file%s%s", e > 0 ? ext : ext_default !=
		    NULL ? "." : "", e > 0 ? "" : ext_default != NULL ?
		    ext_default : "");
		return;
	}
	snprintf(out, outlen, "%s%s", buf, e > 0 ? ext : "");
}
