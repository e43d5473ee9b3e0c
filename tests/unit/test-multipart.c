/* Unit tests for multipart.c: multipart/form-data bodies (RFC 7578). */
#include "hearth.h"
#include "tap.h"

#define CT "multipart/form-data; boundary=XyZ"

/* Parse a C-string body; 0 or -1, printing the cause as a TAP comment. */
static int
parse(struct arena *a, const char *ctype, const char *body, size_t len,
    struct multipart *m, char **causep)
{
	char	*cause = NULL;
	int	 rc;

	rc = multipart_parse(a, ctype, body, len, m, &cause);
	if (cause != NULL)
		printf("# cause: %s\n", cause);
	if (causep != NULL)
		*causep = cause;
	else
		free(cause);
	return rc;
}

/* Whether a parse fails with a cause containing want. */
static int
fails_with(struct arena *a, const char *ctype, const char *body,
    const char *want)
{
	struct multipart	 m;
	char			*cause = NULL;
	int			 ok_;

	ok_ = parse(a, ctype, body, strlen(body), &m, &cause) == -1 &&
	    cause != NULL && strstr(cause, want) != NULL;
	free(cause);
	return ok_;
}

int
main(void)
{
	struct arena		*a = arena_new();
	struct multipart	 m;
	const struct part	*p;
	char			*body, *q, *cause;
	size_t			 i;
	static const char	 bin[] =
	    "\x89PNG\r\n\x1a\n\0\0\r\n--XyZ\r\n-\0";
	static const char	 nul_name[] = "--XyZ\r\nContent-Disposition: "
	    "form-data; name=\"a\0b\"\r\n\r\nv\r\n--XyZ--";
	static const char	 nul_value[] = "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\nv\0w\r\n--XyZ--";
	static const char	 nul_file[] = "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a; filename=f\r\n\r\nv\0w\r\n--XyZ--";
	const char		*text =
	    "preamble is ignored\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"display_name\"\r\n"
	    "\r\n"
	    "Ada Lovelace\r\n"
	    "--XyZ\r\n"
	    "content-disposition: form-data; "
	    "name=fields_attributes[0][name]\r\n"
	    "\r\n"
	    "caf\xc3\xa9\r\n"
	    "--XyZ  \r\n"
	    "Content-Disposition: form-data; name=\"note\"\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ--\r\n"
	    "epilogue too";

	/* Text fields. */
	ok(parse(a, CT, text, strlen(text), &m, NULL) == 0,
	    "text fields parse");
	is_int(m.n, 3, "three parts");
	is_str(m.parts[0].name, "display_name", "first name");
	is_str(m.parts[0].data, "Ada Lovelace", "first value");
	ok(m.parts[0].filename == NULL && m.parts[0].content_type == NULL,
	    "a field has no filename or type");
	is_str(m.parts[1].name, "fields_attributes[0][name]",
	    "unquoted name with brackets, lower-case header name");
	is_str(m.parts[1].data, "caf\xc3\xa9", "UTF-8 value");
	is_int(m.parts[2].len, 0, "empty value");
	is_str(m.parts[2].data, "", "empty value is a C string");
	p = multipart_get(&m, "note");
	ok(p == &m.parts[2], "multipart_get finds a part");
	ok(multipart_get(&m, "nope") == NULL, "multipart_get: missing part");

	/* A binary file part: NULs, CRLFs and a near-delimiter inside. */
	body = xmalloc(1024);
	q = body;
	q += sprintf(q, "--b0und'ry\r\n"
	    "Content-Disposition: form-data; name=\"avatar\"; "
	    "filename=\"C:\\dir\\a \\\"b\\\".jpg\"\r\n"
	    "Content-Type: image/jpeg\r\n"
	    "\r\n");
	memcpy(q, bin, sizeof bin);
	q += sizeof bin;
	q += sprintf(q, "\r\n--b0und'ry--");
	ok(parse(a, "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"b0und'ry\"",
	    body, q - body, &m, NULL) == 0, "quoted boundary, binary part");
	is_int(m.n, 1, "one part");
	is_str(m.parts[0].name, "avatar", "file part name");
	is_str(m.parts[0].filename, "C:\\dir\\a \"b\".jpg",
	    "filename: \\\" unescaped, other backslashes kept");
	is_str(m.parts[0].content_type, "image/jpeg", "declared type kept");
	is_int(m.parts[0].len, sizeof bin, "binary length exact");
	ok(m.parts[0].len == sizeof bin &&
	    memcmp(m.parts[0].data, bin, sizeof bin) == 0,
	    "binary content exact");
	ok(m.parts[0].data > body && m.parts[0].data < q,
	    "file data points into the body");
	free(body);

	/* filename*, and an empty filename (a file input left empty). */
	body = "--XyZ\r\nContent-Disposition: form-data; name=h; "
	    "filename=\"x.png\"; filename*=UTF-8''caf%C3%A9.png\r\n\r\n"
	    "\r\n--XyZ\r\nContent-Disposition: form-data; name=e; "
	    "filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	    "\r\n--XyZ--";
	ok(parse(a, CT, body, strlen(body), &m, NULL) == 0, "filename* parses");
	is_str(m.parts[0].filename, "caf\xc3\xa9.png", "filename* preferred");
	ok(m.parts[1].filename != NULL && *m.parts[1].filename == '\0' &&
	    m.parts[1].len == 0, "empty filename is an empty file part");

	/* A closing delimiter straight away is an empty form. */
	ok(parse(a, CT, "--XyZ--\r\n", 9, &m, NULL) == 0 && m.n == 0,
	    "no parts");

	/* Malformed. */
	ok(fails_with(a, "multipart/form-data", "--XyZ--", "no boundary"),
	    "no boundary parameter");
	ok(fails_with(a, "multipart/form-data; boundary=\"\"", "----",
	    "no boundary"), "empty boundary");
	ok(fails_with(a, "multipart/form-data; boundary=0123456789012345678901"
	    "2345678901234567890123456789012345678901234567890",
	    "--", "longer than 70"), "71-character boundary");
	ok(fails_with(a, "multipart/form-data; boundary=\"a b \"", "--",
	    "ends in a space"), "boundary ending in a space");
	ok(fails_with(a, "multipart/form-data; boundary=a<b", "--",
	    "does not allow"), "boundary with a bad character");
	ok(fails_with(a, "multipart/form-data; boundary=a; boundary=b", "--",
	    "more than one boundary"), "two boundaries");
	ok(fails_with(a, "multipart/mixed; boundary=XyZ", "--XyZ--",
	    "not multipart/form-data"), "not form-data");
	ok(fails_with(a, NULL, "--XyZ--", "no Content-Type"), "no header");
	ok(fails_with(a, CT, "nothing here", "no boundary delimiter"),
	    "delimiter never appears");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nvalue", "no closing delimiter"),
	    "no closing delimiter");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nvalue\r\n--XyZ", "garbage after"),
	    "truncated after the last boundary");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZabc\r\n--XyZ--", "garbage after"),
	    "a line starting with the delimiter must be one");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "filename=\"x\"\r\n\r\nv\r\n--XyZ--",
	    "part 1: missing Content-Disposition name"), "header without name");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"\"\r\n\r\nv\r\n--XyZ--",
	    "part 2: missing Content-Disposition name"), "empty name, part 2");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n"
	    "--XyZ--", "missing Content-Disposition"),
	    "no Content-Disposition");
	ok(fails_with(a, CT, "--XyZ\r\n\r\nv\r\n--XyZ--",
	    "missing Content-Disposition"), "no headers at all");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: attachment; "
	    "name=a\r\n\r\nv\r\n--XyZ--", "not form-data"), "attachment");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a; name=b\r\n\r\nv\r\n--XyZ--", "has name twice"),
	    "duplicate name parameter");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nv\r\n"
	    "--XyZ--", "more than one Content-Disposition"),
	    "duplicate Content-Disposition");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"a\r\n\r\nv\r\n--XyZ--", "malformed Content-Disposition"),
	    "unterminated quote");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n folded\r\n\r\nv\r\n--XyZ--", "folded"),
	    "folded header");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition form-data\r\n\r\n"
	    "v\r\n--XyZ--", "malformed header line"), "header without colon");
	ok(fails_with(a, CT, "--XyZ\nContent-Disposition: form-data; name=a\n"
	    "\nv\n--XyZ--", "garbage after"), "bare LF delimiters refused");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=a\n"
	    "X: y\r\n\r\nv\r\n--XyZ--", "bare LF"), "bare LF in headers");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\n\xc3\r\n--XyZ--", "not UTF-8"),
	    "field value that is not UTF-8");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"\xff\"\r\n\r\nv\r\n--XyZ--", "name is not UTF-8"),
	    "name that is not UTF-8");
	ok(fails_with(a, CT, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n", "not terminated"), "headers never end");

	/* NUL in a name and a field value is refused; in a file, it is data. */
	cause = NULL;
	ok(parse(a, CT, nul_name, sizeof nul_name - 1, &m, &cause) == -1 &&
	    cause != NULL && strstr(cause, "NUL") != NULL,
	    "NUL in a name refused");
	free(cause);
	cause = NULL;
	ok(parse(a, CT, nul_value, sizeof nul_value - 1, &m, &cause) == -1 &&
	    cause != NULL && strstr(cause, "not UTF-8") != NULL,
	    "NUL in a field value refused");
	free(cause);
	ok(parse(a, CT, nul_file, sizeof nul_file - 1, &m, NULL) == 0 &&
	    m.parts[0].len == 3, "NUL in a file part is data");

	/* Limits: 64 parts pass, 65 do not; 8 KiB of headers. */
	body = xmalloc(65 * 64 + 16);
	for (q = body, i = 0; i < 64; i++)
		q += sprintf(q, "--XyZ\r\nContent-Disposition: form-data; "
		    "name=f%zu\r\n\r\nx\r\n", i);
	strcpy(q, "--XyZ--");
	ok(parse(a, CT, body, strlen(body), &m, NULL) == 0 && m.n == 64,
	    "64 parts");
	q += sprintf(q, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f64\r\n\r\nx\r\n");
	strcpy(q, "--XyZ--");
	ok(fails_with(a, CT, body, "more than 64 parts"), "65 parts refused");
	free(body);
	body = xmalloc(9000);
	q = body + sprintf(body, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\nX-Pad: ");
	memset(q, 'p', 8300);
	strcpy(q + 8300, "\r\n\r\nv\r\n--XyZ--");
	ok(fails_with(a, CT, body, "longer than 8 KiB"), "9 KiB of headers");
	free(body);

	arena_free(a);
	return done_testing();
}
