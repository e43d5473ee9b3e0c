/*
 * upload-fuzzer.c: the upload path after the multipart parser, up to the
 * decode: an uploaded file's name as the browser sent it (the input's
 * first line) and its bytes (the rest), through what decides how it is
 * kept and offered: image_sniff (is it a picture, how large does its
 * header say), filetype_of (what a file is served as) and filename_clean
 * (the name offered in Content-Disposition). Beyond not crashing: a
 * cleaned name is valid UTF-8 of at most 200 bytes, with no folder, no
 * control character and no text-reordering mark, never starts with a dot;
 * a file's type is never one a browser renders as a page, and its stored
 * extension maps back to the same type; a picture the
 * sniffer takes claims at most IMAGE_MAX_PIXELS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whether a cleaned name breaks a rule. */
static int
name_bad(const char *s)
{
	size_t	len = strlen(s), i;

	if (len == 0 || len > 200 || s[0] == '.' || s[0] == ' ' ||
	    !utf8_valid((const unsigned char *)s, len) || strchr(s, '/') ||
	    strchr(s, '\\') || strchr(s, '"'))
		return 1;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	}
	/* U+202A..U+202E, U+2066..U+2069, U+200B..U+200F in UTF-8 */
	for (i = 0; i + 2 < len; i++) {
		const unsigned char	*u = (const unsigned char *)s + i;

		if (u[0] == 0xe2 && ((u[1] == 0x80 && ((u[2] >= 0xaa &&
		    u[2] <= 0xae) || (u[2] >= 0x8b && u[2] <= 0x8f))) ||
		    (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*nl = memchr(data, '\n', size);
	size_t			 nlen = nl ? (size_t)(nl - data) : size;
	size_t			 blen = nl ? size - nlen - 1 : 0;
	char			*name = xstrndup((const char *)data, nlen);
	uint8_t			*body = xmalloc(blen ? blen : 1);
	const struct filetype	*ft;
	enum image_type		 t;
	char			 clean[FILENAME_KEEP], *cause = NULL;
	int			 w, h;

	if (blen > 0)
		memcpy(body, nl + 1, blen);
	if (image_sniff(body, blen, &t, &w, &h, &cause) == 0) {
		if (cause != NULL || t == IMAGE_NONE || w <= 0 || h <= 0 ||
		    (double)w * h > (double)IMAGE_MAX_PIXELS)
			abort();
	} else if (cause == NULL)
		abort();
	free(cause);
	ft = filetype_of(body, blen, name);
	if (ft == NULL || ft->mime == NULL || strstr(ft->mime, "html") ||
	    strstr(ft->mime, "svg") || strstr(ft->mime, "javascript") ||
	    filetype_from_ext(ft->ext) == NULL ||
	    strcmp(filetype_from_ext(ft->ext)->mime, ft->mime) != 0)
		abort();
	filename_clean(name, ft->ext, clean, sizeof clean);
	if (name_bad(clean))
		abort();
	filename_clean(name, NULL, clean, sizeof clean);
	if (name_bad(clean))
		abort();
	free(body);
	free(name);
	return 0;
}
