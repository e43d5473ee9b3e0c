/*
 * httpsig-fuzzer.c: httpsig_parse over hostile signature headers, and
 * httpsig_verify when they parse. The input is lines: "METHOD TARGET",
 * Signature, Signature-Input, Date, Digest, Content-Digest, Host (an empty
 * line: no such header), then the body (none without a 7th newline). The
 * clock is fixed at 1700000000 (Tue, 14 Nov 2023 22:13:20 GMT), so seeds
 * signed at that time with the key below get as far as the RSA check.
 * A refusal's reason is one non-empty line; a parse names a keyId.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpsig.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* tests/unit/test-httpsig.c's test key, which signed the seeds. */
static const char fuzz_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArtkQ0VRT12TpGixmT6Zx\n"
    "tqckmcgpl1JgQf0Wk3n5Rfkf9VdlEMO4wYrWbkL8RUxCQneYcRQGtipmk2bHsfB7\n"
    "AIpMuwsuEk6uRAj4tHuyuMh4+EKydd1pLxQmTHbj7V5B2mfXSXTsCpa/Gz5iG3d4\n"
    "9cLHuw3KhG8XA5T+l0jrhLILy7K+iX10Ppyxw1pUIdwQg73N9Mrx1JrOAcujJLRz\n"
    "iNJkKUC2jtp2saNM4W7U2VQ6TQKFuBcrtWNWV6SEj6EFmgGThPBjRRZY5bE0MEUN\n"
    "OCbgBKIAPvo40akx0uXn/NFD9rZrfz7qR5nNCEcJLcbE8Ma8NI6SYAUntzfroA6V\n"
    "2QIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

/* RFC 9421 B.1.4's Ed25519 test key. */
static const char fuzz_ed25519[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n"
    "-----END PUBLIC KEY-----\n";

enum { F_SIGNATURE, F_INPUT, F_DATE, F_DIGEST, F_CDIGEST, F_HOST, F_N };
static const char *const names[F_N] = {
	"signature", "signature-input", "date", "digest", "content-digest",
	"host"
};

struct fuzz_req {
	char	*v[F_N];
};

/* The header callback over the split input. */
static const char *
header(void *ctx, const char *name)
{
	struct fuzz_req	*f = ctx;
	int		 i;

	for (i = 0; i < F_N; i++)
		if (strcmp(names[i], name) == 0)
			return f->v[i];
	return NULL;
}

/* Check a reason: one line, not empty, terminated within its buffer. */
static void
check_reason(const char *err, size_t len)
{
	if (memchr(err, '\0', len) == NULL || err[0] == '\0' ||
	    strchr(err, '\n') != NULL || strchr(err, '\r') != NULL)
		abort();
}

/* A copy of n bytes, NUL-terminated: the input is not, and strndup on
 * it trips some sanitizers' interceptors, which read one byte more. */
static char *
dupn(const char *p, size_t n)
{
	char	*s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpsig_request	 req;
	struct fuzz_req		 f;
	struct httpsig		*hs;
	const char		*p = (const char *)data, *end = p + size, *nl;
	char			*line, *method, *target, err[256];
	int			 i;

	memset(&f, 0, sizeof f);
	memset(&req, 0, sizeof req);

	/* First line: "METHOD TARGET". */
	nl = memchr(p, '\n', end - p);
	line = dupn(p, (nl != NULL ? nl : end) - p);
	p = nl != NULL ? nl + 1 : end;
	method = line;
	target = strchr(line, ' ');
	if (target != NULL)
		*target++ = '\0';
	req.method = method[0] != '\0' ? method : "POST";
	req.target = target != NULL && target[0] != '\0' ? target : "/inbox";

	for (i = 0; i < F_N && p < end; i++) {
		nl = memchr(p, '\n', end - p);
		if ((nl != NULL ? nl : end) > p)
			f.v[i] = dupn(p, (nl != NULL ? nl : end) - p);
		p = nl != NULL ? nl + 1 : end;
		if (nl == NULL)
			break;
	}
	if (i == F_N) {
		req.body = (const unsigned char *)p;
		req.body_len = end - p;
	}
	req.scheme = "https";
	req.authority = "hearth.example";
	req.header = header;
	req.ctx = &f;
	req.now = 1700000000;

	memset(err, 'x', sizeof err);
	hs = httpsig_parse(&req, err, sizeof err);
	if (hs == NULL)
		check_reason(err, sizeof err);
	else {
		if (httpsig_key_id(hs) == NULL || httpsig_key_id(hs)[0] == '\0' ||
		    httpsig_base(hs) == NULL)
			abort();
		memset(err, 'x', sizeof err);
		if (httpsig_verify(hs, fuzz_pub, err, sizeof err) == -1)
			check_reason(err, sizeof err);
		memset(err, 'x', sizeof err);
		if (httpsig_verify(hs, fuzz_ed25519, err, sizeof err) == -1)
			check_reason(err, sizeof err);
		httpsig_free(hs);
	}
	for (i = 0; i < F_N; i++)
		free(f.v[i]);
	free(line);
	return 0;
}
