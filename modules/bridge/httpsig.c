/*
 * httpsig.c: HTTP message signatures, draft-cavage and RFC 9421, checked as
 * Mastodon checks them and made as every fediverse server expects them.
 *
 * The headers come from anyone on the internet, so each is bounded first and
 * then parsed by hand to exactly what its specification allows: a quoted
 * string, a Structured Field, an IMF-fixdate. Anything else is refused with
 * a reason that names the header, because a federation failure is debugged
 * from one log line on one side of the wire. No static mutable state: the
 * tables are const and every parse keeps its state on the stack or the heap.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "httpsig.h"

/* A signature base is bounded too: it is built from hostile headers. */
#define BASE_MAX	65536

/* A PEM key: an RSA-16384 SPKI is about 2.8 KiB. */
#define PEM_MAX		16384

/* Members, items and parameters of one Structured Field. */
#define SF_MEMBERS	16
#define SF_ITEMS	128
#define SF_PARAMS	128

/* Parameters of a cavage Signature header. */
#define CAVAGE_PARAMS	16

enum kind {
	KIND_CAVAGE,
	KIND_RFC9421
};

enum alg {
	ALG_FROM_KEY,		/* hs2019, 9421 without alg: as the key says */
	ALG_RSA_V15_SHA256,	/* rsa-sha256, rsa-v1_5-sha256 */
	ALG_RSA_PSS_SHA512,	/* rsa-pss-sha512 */
	ALG_ED25519		/* ed25519 */
};

struct httpsig {
	enum kind	 kind;
	enum alg	 alg;
	char		*key_id;
	unsigned char	*sig;
	size_t		 siglen;
	char		*base;
	char		*base_path;	/* cavage: without the query; or NULL */
};

/* RFC 9421 alg values (its registry): what we verify, what we refuse. */
static const struct {
	const char	*name;
	int		 alg;		/* -1: known, not supported */
} rfc9421_algs[] = {
	{ "rsa-v1_5-sha256", ALG_RSA_V15_SHA256 },
	{ "rsa-pss-sha512", ALG_RSA_PSS_SHA512 },
	{ "ed25519", ALG_ED25519 },
	{ "hmac-sha256", -1 },
	{ "ecdsa-p256-sha256", -1 },
	{ "ecdsa-p384-sha384", -1 },
};

/* RFC 9421 derived components a request has. */
enum comp {
	C_METHOD,
	C_TARGET_URI,
	C_AUTHORITY,
	C_SCHEME,
	C_REQUEST_TARGET,
	C_PATH,
	C_QUERY,
	C_FIELD			/* an HTTP field, not derived */
};
static const struct {
	const char	*name;
	enum comp	 id;
} derived[] = {
	{ "@method", C_METHOD },
	{ "@target-uri", C_TARGET_URI },
	{ "@authority", C_AUTHORITY },
	{ "@scheme", C_SCHEME },
	{ "@request-target", C_REQUEST_TARGET },
	{ "@path", C_PATH },
	{ "@query", C_QUERY },
};

/* IMF-fixdate's names; English whatever the locale. */
static const char *const wkdays[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One request being parsed, and where its reason goes. */
struct parse {
	const struct httpsig_request	*req;
	char				*err;
	size_t				 errlen;
};

/* A growing string, bounded by BASE_MAX. */
struct buf {
	char	*s;
	size_t	 len, cap;
	int	 bad;		/* out of memory or too long: stop adding */
};

/* Structured Fields (RFC 8941), only as deep as signatures need. */
enum sf_type {
	SF_INT = 1,
	SF_DEC,
	SF_STR,
	SF_TOKEN,
	SF_BYTES,
	SF_BOOL,
	SF_INNER
};
struct sf_item {
	enum sf_type	 type;
	long long	 num;		/* integer, boolean; decimal in 1/1000 */
	char		*str;		/* string, token, bytes: in the pool */
	size_t		 len;
	int		 param, nparam;	/* its parameters in sf.param */
	int		 item, nitem;	/* an inner list's items in sf.item */
};
struct sf_param {
	char		*key;
	struct sf_item	 v;
};
struct sf_member {
	char		*key;
	struct sf_item	 v;
};
struct sf {
	const char	*field;		/* the header's name, for reasons */
	struct sf_member member[SF_MEMBERS];
	int		 nmember;
	struct sf_item	 item[SF_ITEMS];
	int		 nitem;
	struct sf_param	 param[SF_PARAMS];
	int		 nparam;
	char		*pool;		/* decoded strings and keys */
	size_t		 used, size;
};
struct sfp {
	struct parse	*p;
	struct sf	*sf;
	const char	*s, *start;
};

/* Set err to a one-line reason; -1 so callers can return it. */
static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
#define PFAIL(p, ...)	fail((p)->err, (p)->errlen, __VA_ARGS__)

/*
 * Hostile text, bounded and printable, for a reason: a log line must stay
 * one line, whatever a peer sent.
 */
static const char *
show(char *out, size_t outlen, const char *s, size_t n)
{
	size_t	i, o = 0;

	for (i = 0; i < n && o + 4 < outlen; i++) {
		unsigned char	c = s[i];

		out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* Character classes by hand: <ctype.h> follows the locale. */
static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8941 lcalpha. */
static int
is_lcalpha(int c)
{
	return c >= 'a' && c <= 'z';
}

/* ASCII letters only. */
static int
is_alpha(int c)
{
	return is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 tchar. */
static int
is_tchar(int c)
{
	return is_alpha(c) || is_digit(c) ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* ASCII lower case, whatever the locale. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Skip spaces and tabs (OWS, BWS). */
static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Append n bytes. */
static void
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	 cap;
	char	*s;

	if (b->bad)
		return;
	if (n > BASE_MAX - b->len) {
		b->bad = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((s = realloc(b->s, cap)) == NULL) {
			b->bad = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append a string. */
static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append one character. */
static void
buf_chr(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* Append base64 (with padding) of n bytes. */
static void
buf_b64(struct buf *b, const unsigned char *in, size_t n)
{
	char		q[4];
	size_t		i;
	unsigned int	v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned int)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		q[0] = b64chars[v >> 18];
		q[1] = b64chars[(v >> 12) & 63];
		q[2] = b64chars[(v >> 6) & 63];
		q[3] = b64chars[v & 63];
		buf_add(b, q, 4);
	}
	if (i < n) {
		v = (unsigned int)in[i] << 16;
		if (i + 1 < n)
			v |= in[i + 1] << 8;
		q[0] = b64chars[v >> 18];
		q[1] = b64chars[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		q[3] = '=';
		buf_add(b, q, 4);
	}
}

/* The value of a base64 character, -1 if not one. */
static int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode base64 into out (room for n / 4 * 3 + 3 bytes). Padding may be
 * left off (RFC 8941 asks parsers to allow that), but a character outside
 * the alphabet, an impossible length or non-zero pad bits are refused: such
 * a value was not written by an encoder and is not worth guessing at.
 */
static int
b64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen)
{
	size_t		i, o = 0;
	unsigned int	acc = 0;
	int		bits = 0, v;

	if (n >= 4 && n % 4 == 0 && in[n - 1] == '=') {
		n--;
		if (in[n - 1] == '=')
			n--;
	}
	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64_val((unsigned char)in[i])) < 0)
			return -1;
		acc = (acc << 6 | (unsigned int)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	*outlen = o;
	return 0;
}

/* SHA-256 of a body (NULL: none, hashed as empty). */
static int
sha256(const unsigned char *p, size_t n, unsigned char md[32])
{
	unsigned int	len = 0;

	if (p == NULL)
		p = (const unsigned char *)"";
	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return -1;
	return 0;
}

/* Two digits at s, or -1. */
static int
two_digits(const char *s)
{
	if (!is_digit(s[0]) || !is_digit(s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Days from 1970-01-01 to a proleptic Gregorian date (mon 1 to 12), by
 * arithmetic: glibc's timegm() keeps a static cache, and this file keeps
 * no mutable state so that any thread may parse.
 */
static long long
days_from_civil(long long y, int mon, int day)
{
	long long	era, yoe, doy, doe;

	y -= mon <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * An IMF-fixdate (RFC 9110 5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT", and
 * nothing else: every signer sends this form, and the day name must agree
 * with the date so a mangled header is not half-read.
 */
static int
imf_parse(const char *s, size_t n, time_t *out)
{
	static const int	 mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	long long		 days;
	int			 wday, mon, day, year, hh, mm, ss, y2;

	if (n != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
		return -1;
	for (wday = 0; wday < 7; wday++)
		if (memcmp(s, wkdays[wday], 3) == 0)
			break;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(s + 8, months[mon], 3) == 0)
			break;
	if (wday == 7 || mon == 12)
		return -1;
	day = two_digits(s + 5);
	year = two_digits(s + 12);
	y2 = two_digits(s + 14);
	hh = two_digits(s + 17);
	mm = two_digits(s + 20);
	ss = two_digits(s + 23);
	if (day < 1 || year < 0 || y2 < 0 || hh < 0 || hh > 23 || mm < 0 ||
	    mm > 59 || ss < 0 || ss > 59)
		return -1;
	year = year * 100 + y2;
	if (year < 1970 || day > mdays[mon] || (mon == 1 && day == 29 &&
	    (year % 4 != 0 || (year % 100 == 0 && year % 400 != 0))))
		return -1;
	days = days_from_civil(year, mon + 1, day);
	if ((days + 4) % 7 != wday)		/* 1970-01-01 was a Thursday */
		return -1;
	*out = (time_t)(days * 86400 + hh * 3600 + mm * 60 + ss);
	return 0;
}

/* Format t as an IMF-fixdate into out[30]. */
static int
imf_format(time_t t, char *out, size_t outlen)
{
	struct tm	tm;
	int		n;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 70 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	n = snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wkdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n == 29 ? 0 : -1;
}

/* Whether t is inside the window around now; what names it in the reason. */
static int
check_window(struct parse *p, const char *what, long long t)
{
	long long	now = (long long)p->req->now;

	if (t > now + HTTPSIG_CLOCK_SKEW)
		return PFAIL(p, "%s: %lld s in the future (at most %d)", what,
		    t - now, HTTPSIG_CLOCK_SKEW);
	if (now - t > HTTPSIG_MAX_AGE)
		return PFAIL(p, "%s: %lld s old (at most %d)", what, now - t,
		    HTTPSIG_MAX_AGE);
	return 0;
}

/* An explicit expiry, with the same skew allowed as for created. */
static int
check_expires(struct parse *p, const char *what, long long t)
{
	long long	now = (long long)p->req->now;

	if (now > t + HTTPSIG_CLOCK_SKEW)
		return PFAIL(p, "%s: expired %lld s ago", what, now - t);
	return 0;
}

/*
 * A covered header's value, trimmed of surrounding whitespace. A control
 * character (a bare CR or LF that a lax front end let through) would let
 * one header pose as several lines of a signature base, so it is refused.
 * Host falls back on the authority (HTTP/2 has :authority, no Host).
 */
static int
header_value(struct parse *p, const char *name, const char **v, size_t *vlen)
{
	const char	*s, *e;

	s = p->req->header(p->req->ctx, name);
	if (s == NULL && strcmp(name, "host") == 0)
		s = p->req->authority;
	if (s == NULL)
		return PFAIL(p, "%s: signed, but not in the request", name);
	s = skip_ws(s);
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*v = s;
	*vlen = e - s;
	for (; s < e; s++) {
		unsigned char	c = *s;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return PFAIL(p, "%s: control character in the value",
			    name);
	}
	return 0;
}

/* Whether a string is at most max bytes (without reading past max + 1). */
static int
too_long(const char *s, size_t max)
{
	return strnlen(s, max + 1) > max;
}

/* Whether this request must cover its body (cavage). */
static int
needs_digest_cavage(const struct httpsig_request *req)
{
	/* Mastodon: a POST always signs digest, whatever its length. */
	return strcmp(req->method, "POST") == 0 || req->body_len > 0;
}

/* Whether this request must cover its body (RFC 9421). */
static int
needs_digest_9421(const struct httpsig_request *req)
{
	return req->body != NULL &&
	    (strcmp(req->method, "POST") == 0 || req->body_len > 0);
}

/*
 * Digest: SHA-256=<base64>[, other=...] (RFC 3230), equal to the body's.
 * Algorithm names are case-insensitive; only SHA-256 counts, as in Mastodon.
 */
static int
check_digest(struct parse *p)
{
	const char	*v, *e, *item, *eq, *end, *val = NULL;
	char		 offered[128], q[48];
	unsigned char	 want[32], got[64];
	size_t		 vlen, olen = 0, n, glen;

	if (header_value(p, "digest", &v, &vlen) == -1)
		return -1;
	if (vlen > HTTPSIG_MAX_HEADER)
		return PFAIL(p, "Digest: longer than %d bytes",
		    HTTPSIG_MAX_HEADER);
	offered[0] = '\0';
	e = v + vlen;
	for (item = v; item < e; item = end + 1) {
		item = skip_ws(item);
		if ((end = memchr(item, ',', e - item)) == NULL)
			end = e;
		if ((eq = memchr(item, '=', end - item)) == NULL)
			return PFAIL(p, "Digest: \"%s\" is not algorithm=value",
			    show(q, sizeof q, item, end - item));
		if (eq - item == 7 && strncasecmp(item, "sha-256", 7) == 0) {
			if (val != NULL)
				return PFAIL(p, "Digest: SHA-256 given twice");
			val = eq + 1;
			n = end - val;
			while (n > 0 && (val[n - 1] == ' ' || val[n - 1] == '\t'))
				n--;
			if (n > 80 ||
			    b64_decode(val, n, got, &glen) == -1 || glen != 32)
				return PFAIL(p, "Digest: the SHA-256 value \"%s\" "
				    "is not base64 of 32 bytes",
				    show(q, sizeof q, val, n));
		} else if (olen + (eq - item) + 3 < sizeof offered) {
			olen += snprintf(offered + olen, sizeof offered - olen,
			    "%s%.*s", olen ? ", " : "", (int)(eq - item), item);
		}
		if (end == e)
			break;
	}
	if (val == NULL)
		return PFAIL(p, "Digest: only SHA-256 is accepted (offered: %s)",
		    show(q, sizeof q, offered, olen));
	if (sha256(p->req->body, p->req->body_len, want) == -1)
		return PFAIL(p, "Digest: cannot hash the body");
	if (CRYPTO_memcmp(want, got, 32) != 0)
		return PFAIL(p, "Digest: SHA-256 does not match the body");
	return 0;
}

/* A new signature object; the strings become its own. */
static struct httpsig *
httpsig_new(struct parse *p, enum kind kind, enum alg alg, const char *key_id,
    const unsigned char *sig, size_t siglen, struct buf *base,
    struct buf *base_path)
{
	struct httpsig	*hs;

	if ((hs = calloc(1, sizeof *hs)) == NULL ||
	    (hs->key_id = strdup(key_id)) == NULL ||
	    (hs->sig = malloc(siglen)) == NULL) {
		httpsig_free(hs);
		PFAIL(p, "out of memory");
		return NULL;
	}
	hs->kind = kind;
	hs->alg = alg;
	memcpy(hs->sig, sig, siglen);
	hs->siglen = siglen;
	hs->base = base->s;
	base->s = NULL;
	if (base_path != NULL) {
		hs->base_path = base_path->s;
		base_path->s = NULL;
	}
	return hs;
}

/* draft-cavage: the Signature header, decoded. */
enum {
	P_KEYID,
	P_ALG,
	P_HEADERS,
	P_SIGNATURE,
	P_CREATED,
	P_EXPIRES,
	P_N
};
static const char *const cavage_names[P_N] = {
	"keyId", "algorithm", "headers", "signature", "created", "expires"
};
struct cavage {
	const char	*v[P_N];	/* NULL if absent */
	char		*pool;		/* the values, unquoted */
	char		*names;		/* the headers list, lower-cased */
	const char	*hdr[HTTPSIG_MAX_COMPONENTS];
	int		 nhdr;
	enum alg	 alg;
	long long	 created, expires;
};

/*
 * The parameters: name=token or name="quoted string", comma-separated with
 * optional whitespace (RFC 7235 auth-param, as Mastodon's parser reads
 * them). A repeated name is refused, whatever its case: two readers must
 * never see two different keyIds in one header.
 */
static int
cavage_params(struct parse *p, const char *h, struct cavage *c)
{
	struct {
		const char	*n;
		size_t		 len;
	}		 seen[CAVAGE_PARAMS];
	const char	*s = h, *name;
	char		*o = c->pool, *val, q[48];
	size_t		 nlen;
	int		 nseen = 0, i;
	unsigned char	 ch;

	/* Old node-http-signature wrote the scheme in too; Mastodon allows it. */
	if (strncmp(s, "Signature ", 10) == 0)
		s += 10;
	for (;;) {
		name = s;
		while (is_tchar((unsigned char)*s))
			s++;
		if ((nlen = s - name) == 0)
			return PFAIL(p, "Signature: expected a parameter name "
			    "at offset %zu", (size_t)(s - h));
		for (i = 0; i < nseen; i++)
			if (seen[i].len == nlen &&
			    strncasecmp(seen[i].n, name, nlen) == 0)
				return PFAIL(p, "Signature: duplicate parameter "
				    "\"%s\"", show(q, sizeof q, name, nlen));
		if (nseen == CAVAGE_PARAMS)
			return PFAIL(p, "Signature: more than %d parameters",
			    CAVAGE_PARAMS);
		seen[nseen].n = name;
		seen[nseen++].len = nlen;
		s = skip_ws(s);
		if (*s != '=')
			return PFAIL(p, "Signature: expected '=' after %s",
			    show(q, sizeof q, name, nlen));
		s = skip_ws(s + 1);
		val = o;
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\\')
					s++;
				ch = *s;
				if (ch == '\0')
					return PFAIL(p, "Signature: unterminated "
					    "quoted string in %s",
					    show(q, sizeof q, name, nlen));
				if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
					return PFAIL(p, "Signature: control "
					    "character in %s",
					    show(q, sizeof q, name, nlen));
				*o++ = *s;
			}
			s++;
		} else {
			while (is_tchar((unsigned char)*s))
				*o++ = *s++;
			if (o == val)
				return PFAIL(p, "Signature: %s has no value",
				    show(q, sizeof q, name, nlen));
		}
		*o++ = '\0';
		for (i = 0; i < P_N; i++)
			if (strlen(cavage_names[i]) == nlen &&
			    memcmp(cavage_names[i], name, nlen) == 0)
				c->v[i] = val;
		s = skip_ws(s);
		if (*s == '\0')
			return 0;
		if (*s != ',')
			return PFAIL(p, "Signature: expected ',' after %s",
			    show(q, sizeof q, name, nlen));
		s = skip_ws(s + 1);
	}
}

/* A Unix time of digits (and, if frac, an ignored fraction), or -1. */
static int
parse_unix(const char *s, int frac, long long *out)
{
	long long	v = 0;
	int		n = 0;

	for (; is_digit((unsigned char)*s); s++) {
		if (++n > 15)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (n == 0)
		return -1;
	if (frac && *s == '.' && is_digit((unsigned char)s[1]))
		for (s++; is_digit((unsigned char)*s); s++)
			continue;
	if (*s != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Whether the headers list has name. */
static int
cavage_has(const struct cavage *c, const char *name)
{
	int	i;

	for (i = 0; i < c->nhdr; i++)
		if (strcmp(c->hdr[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The headers list: lower-cased (as Mastodon does), split on whitespace.
 * Pseudo-headers are the three the draft defines; a name twice is refused.
 */
static int
cavage_headers(struct parse *p, const char *list, struct cavage *c)
{
	char	*s, *name, q[48];
	size_t	 n;
	int	 i;

	if ((c->names = strdup(list)) == NULL)
		return PFAIL(p, "out of memory");
	for (s = c->names; *s != '\0'; s++)
		*s = lower((unsigned char)*s);
	s = c->names;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		name = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		n = s - name;
		if (*s != '\0')
			*s++ = '\0';
		if (name[0] == '(') {
			if (strcmp(name, "(request-target)") != 0 &&
			    strcmp(name, "(created)") != 0 &&
			    strcmp(name, "(expires)") != 0)
				return PFAIL(p, "Signature: headers has an "
				    "unknown pseudo-header %s",
				    show(q, sizeof q, name, n));
		} else {
			for (i = 0; name[i] != '\0'; i++)
				if (!is_tchar((unsigned char)name[i]))
					return PFAIL(p, "Signature: headers has "
					    "a bad name \"%s\"",
					    show(q, sizeof q, name, n));
		}
		if (cavage_has(c, name))
			return PFAIL(p, "Signature: headers has %s twice",
			    show(q, sizeof q, name, n));
		if (c->nhdr == HTTPSIG_MAX_COMPONENTS)
			return PFAIL(p, "Signature: headers has more than %d "
			    "names", HTTPSIG_MAX_COMPONENTS);
		c->hdr[c->nhdr++] = name;
	}
	if (c->nhdr == 0)
		return PFAIL(p, "Signature: headers is empty");
	return 0;
}

/* What Mastodon requires to be signed (signed_request.rb). */
static int
cavage_required(struct parse *p, const struct cavage *c)
{
	const struct httpsig_request	*req = p->req;

	if (!cavage_has(c, "date") && !cavage_has(c, "(created)"))
		return PFAIL(p, "Signature: headers must include date or "
		    "(created)");
	if (!cavage_has(c, "(request-target)") && !cavage_has(c, "digest"))
		return PFAIL(p, "Signature: headers must include "
		    "(request-target) or digest");
	if ((strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0) && !cavage_has(c, "host"))
		return PFAIL(p, "Signature: a %s must sign host", req->method);
	if (needs_digest_cavage(req) && !cavage_has(c, "digest"))
		return PFAIL(p, "Signature: a %s with a body must sign digest",
		    req->method);
	return 0;
}

/*
 * The signing string: "name: value" lines in the order of headers, without
 * a final newline. (request-target) has the method lower-cased and the
 * target with its query, or without (with_query 0) for senders that left
 * it out.
 */
static int
cavage_base(struct parse *p, const struct cavage *c, int with_query,
    struct buf *b)
{
	const struct httpsig_request	*req = p->req;
	const char			*name, *v, *m;
	size_t				 vlen;
	int				 i;

	for (i = 0; i < c->nhdr; i++) {
		name = c->hdr[i];
		if (i > 0)
			buf_chr(b, '\n');
		buf_str(b, name);
		buf_add(b, ": ", 2);
		if (strcmp(name, "(request-target)") == 0) {
			for (m = req->method; *m != '\0'; m++)
				buf_chr(b, (char)lower((unsigned char)*m));
			buf_chr(b, ' ');
			vlen = with_query ? strlen(req->target) :
			    strcspn(req->target, "?");
			buf_add(b, req->target, vlen);
		} else if (strcmp(name, "(created)") == 0)
			buf_str(b, c->v[P_CREATED]);
		else if (strcmp(name, "(expires)") == 0)
			buf_str(b, c->v[P_EXPIRES]);
		else {
			if (header_value(p, name, &v, &vlen) == -1)
				return -1;
			buf_add(b, v, vlen);
		}
	}
	if (b->bad)
		return PFAIL(p, "Signature: the signing string is longer than "
		    "%d bytes", BASE_MAX);
	return 0;
}

/* The clock: (created) and Date, whichever are signed; (expires). */
static int
cavage_clock(struct parse *p, const struct cavage *c)
{
	const char	*v;
	size_t		 vlen;
	time_t		 t;
	char		 q[48];

	/* An unsigned created proves nothing: only a signed one counts. */
	if (cavage_has(c, "(created)") &&
	    check_window(p, "Signature: created", c->created) == -1)
		return -1;
	if (cavage_has(c, "(expires)") &&
	    check_expires(p, "Signature: expires", c->expires) == -1)
		return -1;
	if (!cavage_has(c, "date"))
		return 0;
	if (header_value(p, "date", &v, &vlen) == -1)
		return -1;
	if (imf_parse(v, vlen, &t) == -1)
		return PFAIL(p, "Date: \"%s\" is not an IMF-fixdate",
		    show(q, sizeof q, v, vlen));
	return check_window(p, "Date", (long long)t);
}

/* draft-cavage: the Signature header and what it covers. */
static struct httpsig *
parse_cavage(struct parse *p, const char *h)
{
	struct cavage	 c;
	struct buf	 base = { 0 }, path = { 0 };
	struct httpsig	*hs = NULL;
	unsigned char	*sig = NULL;
	const char	*alg, *list;
	size_t		 n = strlen(h), siglen;
	char		 q[48];

	memset(&c, 0, sizeof c);
	if ((c.pool = malloc(n + 2)) == NULL) {
		PFAIL(p, "out of memory");
		goto out;
	}
	if (cavage_params(p, h, &c) == -1)
		goto out;
	if (c.v[P_KEYID] == NULL || c.v[P_KEYID][0] == '\0') {
		PFAIL(p, "Signature: no keyId");
		goto out;
	}
	if (c.v[P_SIGNATURE] == NULL || c.v[P_SIGNATURE][0] == '\0') {
		PFAIL(p, "Signature: no signature");
		goto out;
	}

	/* Mastodon: no algorithm means hs2019, which means "see the key". */
	alg = c.v[P_ALG] != NULL ? c.v[P_ALG] : "hs2019";
	if (strcmp(alg, "hs2019") == 0)
		c.alg = ALG_FROM_KEY;
	else if (strcmp(alg, "rsa-sha256") == 0)
		c.alg = ALG_RSA_V15_SHA256;
	else {
		PFAIL(p, "Signature: algorithm \"%s\" is not supported "
		    "(rsa-sha256 or hs2019)", show(q, sizeof q, alg,
		    strlen(alg)));
		goto out;
	}
	list = c.v[P_HEADERS];
	if (list == NULL)
		list = c.alg == ALG_FROM_KEY ? "(created)" : "date";
	if (cavage_headers(p, list, &c) == -1)
		goto out;

	/* The draft ties (created) and (expires) to hs2019, as Mastodon does. */
	if (cavage_has(&c, "(created)")) {
		if (c.alg != ALG_FROM_KEY) {
			PFAIL(p, "Signature: (created) is not allowed with %s",
			    alg);
			goto out;
		}
		if (c.v[P_CREATED] == NULL ||
		    parse_unix(c.v[P_CREATED], 0, &c.created) == -1) {
			PFAIL(p, "Signature: (created) is signed but created "
			    "is not a Unix time");
			goto out;
		}
	}
	if (cavage_has(&c, "(expires)")) {
		if (c.alg != ALG_FROM_KEY) {
			PFAIL(p, "Signature: (expires) is not allowed with %s",
			    alg);
			goto out;
		}
		if (c.v[P_EXPIRES] == NULL ||
		    parse_unix(c.v[P_EXPIRES], 1, &c.expires) == -1) {
			PFAIL(p, "Signature: (expires) is signed but expires "
			    "is not a Unix time");
			goto out;
		}
	}
	if (cavage_required(p, &c) == -1 || cavage_clock(p, &c) == -1)
		goto out;
	if (cavage_has(&c, "digest") && check_digest(p) == -1)
		goto out;

	n = strlen(c.v[P_SIGNATURE]);
	if ((sig = malloc(n / 4 * 3 + 3)) == NULL) {
		PFAIL(p, "out of memory");
		goto out;
	}
	if (b64_decode(c.v[P_SIGNATURE], n, sig, &siglen) == -1 ||
	    siglen == 0) {
		PFAIL(p, "Signature: signature is not base64");
		goto out;
	}
	if (cavage_base(p, &c, 1, &base) == -1)
		goto out;
	if (cavage_has(&c, "(request-target)") &&
	    strchr(p->req->target, '?') != NULL &&
	    cavage_base(p, &c, 0, &path) == -1)
		goto out;
	hs = httpsig_new(p, KIND_CAVAGE, c.alg, c.v[P_KEYID], sig, siglen,
	    &base, path.s != NULL ? &path : NULL);
out:
	free(sig);
	free(base.s);
	free(path.s);
	free(c.names);
	free(c.pool);
	return hs;
}

/* Fail at the cursor, naming the field and the offset. */
static int
sf_fail(struct sfp *c, const char *what)
{
	return PFAIL(c->p, "%s: %s at offset %zu", c->sf->field, what,
	    (size_t)(c->s - c->start));
}

/* Room in the pool (sized so it cannot run out; checked all the same). */
static char *
sf_alloc(struct sfp *c, size_t n)
{
	char	*s;

	if (n > c->sf->size - c->sf->used)
		return NULL;
	s = c->sf->pool + c->sf->used;
	c->sf->used += n;
	return s;
}

/* A key: lcalpha or '*', then lcalpha, DIGIT, '_', '-', '.', '*'. */
static int
sf_key(struct sfp *c, char **out)
{
	const char	*k = c->s;
	char		*s;

	if (!is_lcalpha((unsigned char)*c->s) && *c->s != '*')
		return sf_fail(c, "expected a key");
	while (is_lcalpha((unsigned char)*c->s) ||
	    is_digit((unsigned char)*c->s) ||
	    (*c->s != '\0' && strchr("_-.*", *c->s) != NULL))
		c->s++;
	if ((s = sf_alloc(c, c->s - k + 1)) == NULL)
		return sf_fail(c, "too long");
	memcpy(s, k, c->s - k);
	s[c->s - k] = '\0';
	*out = s;
	return 0;
}

/* An integer or a decimal (RFC 8941 4.2.4). */
static int
sf_number(struct sfp *c, struct sf_item *it)
{
	long long	v = 0, frac = 0;
	int		neg = 0, n = 0, fn = 0;

	if (*c->s == '-') {
		neg = 1;
		c->s++;
	}
	if (!is_digit((unsigned char)*c->s))
		return sf_fail(c, "expected a digit");
	while (is_digit((unsigned char)*c->s)) {
		if (++n > 15)
			return sf_fail(c, "integer too long");
		v = v * 10 + (*c->s++ - '0');
	}
	if (*c->s != '.') {
		it->type = SF_INT;
		it->num = neg ? -v : v;
		return 0;
	}
	if (n > 12)
		return sf_fail(c, "decimal too long");
	c->s++;
	while (is_digit((unsigned char)*c->s)) {
		if (++fn > 3)
			return sf_fail(c, "decimal has more than 3 fraction "
			    "digits");
		frac = frac * 10 + (*c->s++ - '0');
	}
	if (fn == 0)
		return sf_fail(c, "decimal ends in '.'");
	while (fn++ < 3)
		frac *= 10;
	it->type = SF_DEC;
	it->num = (neg ? -1 : 1) * (v * 1000 + frac);
	return 0;
}

/* A bare item: integer, decimal, string, token, byte sequence, boolean. */
static int
sf_bare(struct sfp *c, struct sf_item *it)
{
	const char	*s;
	char		*o;
	size_t		 n;
	unsigned char	 ch = *c->s;

	memset(it, 0, sizeof *it);
	if (ch == '-' || is_digit(ch))
		return sf_number(c, it);
	if (ch == '"') {
		/* Check it all first, then copy it unescaped. */
		for (s = c->s + 1, n = 0; *s != '"'; s++, n++) {
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			else if (*s == '\\') {
				c->s = s;
				return sf_fail(c, "bad escape in a string");
			} else if ((unsigned char)*s < 0x20 ||
			    (unsigned char)*s > 0x7e) {
				c->s = s;
				return sf_fail(c, *s == '\0' ?
				    "unterminated string" :
				    "bad character in a string");
			}
		}
		if ((o = sf_alloc(c, n + 1)) == NULL)
			return sf_fail(c, "string too long");
		it->type = SF_STR;
		it->str = o;
		it->len = n;
		for (c->s++; *c->s != '"'; c->s++) {
			if (*c->s == '\\')
				c->s++;
			*o++ = *c->s;
		}
		c->s++;
		*o = '\0';
		return 0;
	}
	if (is_alpha(ch) || ch == '*') {
		s = c->s;
		while (is_tchar((unsigned char)*c->s) || *c->s == ':' ||
		    *c->s == '/')
			c->s++;
		if ((o = sf_alloc(c, c->s - s + 1)) == NULL)
			return sf_fail(c, "token too long");
		memcpy(o, s, c->s - s);
		o[c->s - s] = '\0';
		it->type = SF_TOKEN;
		it->str = o;
		it->len = c->s - s;
		return 0;
	}
	if (ch == ':') {
		s = ++c->s;
		while (b64_val((unsigned char)*c->s) >= 0 || *c->s == '=')
			c->s++;
		if (*c->s != ':')
			return sf_fail(c, "bad byte sequence");
		n = c->s - s;
		if ((o = sf_alloc(c, n / 4 * 3 + 3)) == NULL)
			return sf_fail(c, "byte sequence too long");
		if (b64_decode(s, n, (unsigned char *)o, &it->len) == -1)
			return sf_fail(c, "byte sequence is not base64");
		c->s++;
		it->type = SF_BYTES;
		it->str = o;
		return 0;
	}
	if (ch == '?') {
		c->s++;
		if (*c->s != '0' && *c->s != '1')
			return sf_fail(c, "bad boolean");
		it->type = SF_BOOL;
		it->num = *c->s++ == '1';
		return 0;
	}
	return sf_fail(c, "expected an item");
}

/*
 * Parameters: ;key[=bare item]... RFC 8941 lets a later key overwrite an
 * earlier one; here a repeated key is refused instead, so that no two
 * readers can disagree on which created or keyid was meant.
 */
static int
sf_params(struct sfp *c, struct sf_item *owner)
{
	struct sf_param	*pa;
	int		 i;

	owner->param = c->sf->nparam;
	owner->nparam = 0;
	while (*c->s == ';') {
		c->s++;
		while (*c->s == ' ')
			c->s++;
		if (c->sf->nparam == SF_PARAMS)
			return sf_fail(c, "too many parameters");
		pa = &c->sf->param[c->sf->nparam];
		if (sf_key(c, &pa->key) == -1)
			return -1;
		for (i = owner->param; i < c->sf->nparam; i++)
			if (strcmp(c->sf->param[i].key, pa->key) == 0)
				return sf_fail(c, "duplicate parameter");
		if (*c->s == '=') {
			c->s++;
			if (sf_bare(c, &pa->v) == -1)
				return -1;
		} else {
			memset(&pa->v, 0, sizeof pa->v);
			pa->v.type = SF_BOOL;
			pa->v.num = 1;
		}
		c->sf->nparam++;
		owner->nparam++;
	}
	return 0;
}

/* An item with its parameters. */
static int
sf_item(struct sfp *c, struct sf_item *it)
{
	if (sf_bare(c, it) == -1)
		return -1;
	return sf_params(c, it);
}

/* An inner list: ( item SP item ... ) with parameters. */
static int
sf_inner(struct sfp *c, struct sf_item *it)
{
	struct sf_item	tmp;

	memset(it, 0, sizeof *it);
	it->type = SF_INNER;
	it->item = c->sf->nitem;
	c->s++;
	for (;;) {
		while (*c->s == ' ')
			c->s++;
		if (*c->s == ')') {
			c->s++;
			return sf_params(c, it);
		}
		if (c->sf->nitem == SF_ITEMS)
			return sf_fail(c, "too many items");
		if (sf_item(c, &tmp) == -1)
			return -1;
		c->sf->item[c->sf->nitem++] = tmp;
		it->nitem++;
		if (*c->s != ' ' && *c->s != ')')
			return sf_fail(c, "expected ' ' or ')'");
	}
}

/*
 * A dictionary (RFC 8941 4.2.2) of at most SF_MEMBERS members, with
 * repeated keys refused as for parameters. The caller frees sf->pool.
 */
static int
sf_dict(struct parse *p, const char *field, const char *input, struct sf *sf)
{
	struct sfp		 c;
	struct sf_member	*m;
	size_t			 n = strlen(input);
	int			 i;

	memset(sf, 0, sizeof *sf);
	sf->field = field;
	sf->size = 2 * n + 64;
	if ((sf->pool = malloc(sf->size)) == NULL)
		return PFAIL(p, "out of memory");
	c.p = p;
	c.sf = sf;
	c.s = c.start = input;
	while (*c.s == ' ')
		c.s++;
	if (*c.s == '\0')
		return sf_fail(&c, "empty");
	for (;;) {
		if (sf->nmember == SF_MEMBERS)
			return sf_fail(&c, "too many members");
		m = &sf->member[sf->nmember];
		if (sf_key(&c, &m->key) == -1)
			return -1;
		for (i = 0; i < sf->nmember; i++)
			if (strcmp(sf->member[i].key, m->key) == 0)
				return sf_fail(&c, "duplicate member");
		if (*c.s == '=') {
			c.s++;
			if (*c.s == '(') {
				if (sf_inner(&c, &m->v) == -1)
					return -1;
			} else if (sf_item(&c, &m->v) == -1)
				return -1;
		} else {
			memset(&m->v, 0, sizeof m->v);
			m->v.type = SF_BOOL;
			m->v.num = 1;
			if (sf_params(&c, &m->v) == -1)
				return -1;
		}
		sf->nmember++;
		c.s = skip_ws(c.s);
		if (*c.s == '\0')
			return 0;
		if (*c.s != ',')
			return sf_fail(&c, "expected ','");
		c.s = skip_ws(c.s + 1);
		if (*c.s == '\0')
			return sf_fail(&c, "trailing ','");
	}
}

/* A member by key, or NULL. */
static const struct sf_member *
sf_get(const struct sf *sf, const char *key)
{
	int	i;

	for (i = 0; i < sf->nmember; i++)
		if (strcmp(sf->member[i].key, key) == 0)
			return &sf->member[i];
	return NULL;
}

/* Serialize a bare item (RFC 8941 4.1). */
static void
sf_ser_bare(struct buf *b, const struct sf_item *v)
{
	char		 tmp[32];
	long long	 a;
	int		 n;
	size_t		 i;

	switch (v->type) {
	case SF_INT:
		snprintf(tmp, sizeof tmp, "%lld", v->num);
		buf_str(b, tmp);
		break;
	case SF_DEC:
		a = v->num < 0 ? -v->num : v->num;
		n = snprintf(tmp, sizeof tmp, "%s%lld.%03lld",
		    v->num < 0 ? "-" : "", a / 1000, a % 1000);
		while (n > 0 && tmp[n - 1] == '0' && tmp[n - 2] != '.')
			tmp[--n] = '\0';
		buf_str(b, tmp);
		break;
	case SF_STR:
		buf_chr(b, '"');
		for (i = 0; i < v->len; i++) {
			if (v->str[i] == '"' || v->str[i] == '\\')
				buf_chr(b, '\\');
			buf_chr(b, v->str[i]);
		}
		buf_chr(b, '"');
		break;
	case SF_TOKEN:
		buf_add(b, v->str, v->len);
		break;
	case SF_BYTES:
		buf_chr(b, ':');
		buf_b64(b, (const unsigned char *)v->str, v->len);
		buf_chr(b, ':');
		break;
	case SF_BOOL:
		buf_str(b, v->num ? "?1" : "?0");
		break;
	case SF_INNER:
		break;
	}
}

/* Serialize parameters: a true boolean is the bare key. */
static void
sf_ser_params(struct buf *b, const struct sf *sf, const struct sf_item *it)
{
	const struct sf_param	*pa;
	int			 i;

	for (i = 0; i < it->nparam; i++) {
		pa = &sf->param[it->param + i];
		buf_chr(b, ';');
		buf_str(b, pa->key);
		if (pa->v.type == SF_BOOL && pa->v.num == 1)
			continue;
		buf_chr(b, '=');
		sf_ser_bare(b, &pa->v);
	}
}

/* Serialize an inner list with its parameters. */
static void
sf_ser_inner(struct buf *b, const struct sf *sf, const struct sf_item *it)
{
	const struct sf_item	*x;
	int			 i;

	buf_chr(b, '(');
	for (i = 0; i < it->nitem; i++) {
		x = &sf->item[it->item + i];
		if (i > 0)
			buf_chr(b, ' ');
		sf_ser_bare(b, x);
		sf_ser_params(b, sf, x);
	}
	buf_chr(b, ')');
	sf_ser_params(b, sf, it);
}

/* The request's authority, lower-cased, without the scheme's default port. */
static int
authority(struct parse *p, struct buf *b)
{
	const char	*a = p->req->authority, *scheme = p->req->scheme;
	size_t		 n, i;

	if (a == NULL || *a == '\0')
		return PFAIL(p, "@authority: the request has no authority");
	n = strlen(a);
	for (i = 0; i < n; i++)
		if ((unsigned char)a[i] <= 0x20 || (unsigned char)a[i] >= 0x7f)
			return PFAIL(p, "@authority: bad character");
	if (scheme != NULL && strcasecmp(scheme, "https") == 0 && n > 4 &&
	    strcmp(a + n - 4, ":443") == 0)
		n -= 4;
	else if (scheme != NULL && strcasecmp(scheme, "http") == 0 && n > 3 &&
	    strcmp(a + n - 3, ":80") == 0)
		n -= 3;
	for (i = 0; i < n; i++)
		buf_chr(b, (char)lower((unsigned char)a[i]));
	return 0;
}

/* The request's scheme, lower-cased. */
static int
scheme(struct parse *p, struct buf *b)
{
	const char	*s = p->req->scheme;

	if (s == NULL || *s == '\0')
		return PFAIL(p, "@scheme: the request has no scheme");
	for (; *s != '\0'; s++) {
		if (!is_alpha((unsigned char)*s))
			return PFAIL(p, "@scheme: bad character");
		buf_chr(b, (char)lower((unsigned char)*s));
	}
	return 0;
}

/* The value of one covered component (RFC 9421 2.1, 2.2). */
static int
component(struct parse *p, enum comp id, const char *name, struct buf *b)
{
	const char	*t = p->req->target, *v;
	size_t		 n;

	if (id != C_METHOD && id != C_FIELD && id != C_AUTHORITY &&
	    id != C_SCHEME && t[0] != '/')
		return PFAIL(p, "%s: the request target is not a path", name);
	switch (id) {
	case C_METHOD:
		buf_str(b, p->req->method);
		return 0;
	case C_TARGET_URI:
		if (scheme(p, b) == -1)
			return -1;
		buf_add(b, "://", 3);
		if (authority(p, b) == -1)
			return -1;
		buf_str(b, t);
		return 0;
	case C_AUTHORITY:
		return authority(p, b);
	case C_SCHEME:
		return scheme(p, b);
	case C_REQUEST_TARGET:
		buf_str(b, t);
		return 0;
	case C_PATH:
		buf_add(b, t, strcspn(t, "?"));
		return 0;
	case C_QUERY:
		/* No query is "?" alone (RFC 9421 2.2.7). */
		v = strchr(t, '?');
		buf_str(b, v != NULL ? v : "?");
		return 0;
	case C_FIELD:
		if (header_value(p, name, &v, &n) == -1)
			return -1;
		buf_add(b, v, n);
		return 0;
	}
	return -1;
}

/*
 * Content-Digest (RFC 9530): a dictionary whose sha-256 member is the
 * body's SHA-256 as a byte sequence; other algorithms are not counted.
 */
static int
check_content_digest(struct parse *p)
{
	struct sf		*sf;
	const struct sf_member	*m;
	const char		*v;
	char			*copy = NULL, offered[128], q[48];
	unsigned char		 want[32];
	size_t			 n, olen = 0;
	int			 i, rc = -1;

	if (header_value(p, "content-digest", &v, &n) == -1)
		return -1;
	if (n > HTTPSIG_MAX_HEADER)
		return PFAIL(p, "Content-Digest: longer than %d bytes",
		    HTTPSIG_MAX_HEADER);
	if ((sf = malloc(sizeof *sf)) == NULL ||
	    (copy = strndup(v, n)) == NULL) {
		free(sf);
		return PFAIL(p, "out of memory");
	}
	if (sf_dict(p, "Content-Digest", copy, sf) == -1)
		goto out;
	if ((m = sf_get(sf, "sha-256")) == NULL) {
		offered[0] = '\0';
		for (i = 0; i < sf->nmember; i++)
			if (olen + strlen(sf->member[i].key) + 3 <
			    sizeof offered)
				olen += snprintf(offered + olen,
				    sizeof offered - olen, "%s%s",
				    i ? ", " : "", sf->member[i].key);
		PFAIL(p, "Content-Digest: only sha-256 is accepted "
		    "(offered: %s)", show(q, sizeof q, offered, olen));
		goto out;
	}
	if (m->v.type != SF_BYTES || m->v.len != 32) {
		PFAIL(p, "Content-Digest: sha-256 is not a 32-byte sequence");
		goto out;
	}
	if (sha256(p->req->body, p->req->body_len, want) == -1) {
		PFAIL(p, "Content-Digest: cannot hash the body");
		goto out;
	}
	if (CRYPTO_memcmp(want, m->v.str, 32) != 0) {
		PFAIL(p, "Content-Digest: sha-256 does not match the body");
		goto out;
	}
	rc = 0;
out:
	free(sf->pool);
	free(sf);
	free(copy);
	return rc;
}

/* Whether a covered field name is lower-case tchars. */
static int
field_name_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]) || (s[i] >= 'A' &&
		    s[i] <= 'Z'))
			return 0;
	return 1;
}

/*
 * One label of Signature-Input, checked in full: its parameters, its
 * components, Mastodon's required set, its Signature member, the clock and
 * the body. NULL with the reason if this label does not do.
 */
static struct httpsig *
try_label(struct parse *p, const struct sf *in, const struct sf_member *m,
    const struct sf *sigs)
{
	const struct sf_item	*it = &m->v, *x;
	const struct sf_param	*pa;
	const struct sf_member	*sm;
	const char		*keyid = NULL, *label;
	enum comp		 ids[HTTPSIG_MAX_COMPONENTS];
	struct buf		 base = { 0 };
	struct httpsig		*hs = NULL;
	long long		 created = -1, expires = -1;
	unsigned int		 have = 0;
	int			 alg = ALG_FROM_KEY, digest = 0, i, j;
	char			 l[48], q[48], what[96];
	size_t			 k;

	label = show(l, sizeof l, m->key, strlen(m->key));
	if (it->type != SF_INNER) {
		PFAIL(p, "Signature-Input %s: not an inner list", label);
		return NULL;
	}
	if (it->nitem > HTTPSIG_MAX_COMPONENTS) {
		PFAIL(p, "Signature-Input %s: more than %d components", label,
		    HTTPSIG_MAX_COMPONENTS);
		return NULL;
	}

	/* The signature's parameters; unknown ones are signed, so harmless. */
	for (i = 0; i < it->nparam; i++) {
		pa = &in->param[it->param + i];
		if (strcmp(pa->key, "created") == 0 ||
		    strcmp(pa->key, "expires") == 0) {
			if (pa->v.type != SF_INT || pa->v.num < 0) {
				PFAIL(p, "Signature-Input %s: %s is not a Unix "
				    "time", label, pa->key);
				return NULL;
			}
			*(pa->key[0] == 'c' ? &created : &expires) = pa->v.num;
		} else if (strcmp(pa->key, "keyid") == 0 ||
		    strcmp(pa->key, "alg") == 0 ||
		    strcmp(pa->key, "nonce") == 0 ||
		    strcmp(pa->key, "tag") == 0) {
			if (pa->v.type != SF_STR) {
				PFAIL(p, "Signature-Input %s: %s is not a "
				    "string", label, pa->key);
				return NULL;
			}
			if (pa->key[0] == 'k')
				keyid = pa->v.str;
			if (pa->key[0] != 'a')
				continue;
			for (k = 0; k < sizeof rfc9421_algs /
			    sizeof rfc9421_algs[0]; k++)
				if (strcmp(rfc9421_algs[k].name, pa->v.str) == 0)
					break;
			if (k == sizeof rfc9421_algs / sizeof rfc9421_algs[0] ||
			    rfc9421_algs[k].alg == -1) {
				PFAIL(p, "Signature-Input %s: alg \"%s\" is not "
				    "supported (rsa-v1_5-sha256, rsa-pss-sha512 "
				    "or ed25519)", label, show(q, sizeof q,
				    pa->v.str, pa->v.len));
				return NULL;
			}
			alg = rfc9421_algs[k].alg;
		}
	}
	if (created < 0) {
		PFAIL(p, "Signature-Input %s: created is required", label);
		return NULL;
	}
	if (keyid == NULL || keyid[0] == '\0') {
		PFAIL(p, "Signature-Input %s: keyid is required", label);
		return NULL;
	}

	/* The components: strings without parameters, none twice. */
	for (i = 0; i < it->nitem; i++) {
		x = &in->item[it->item + i];
		if (x->type != SF_STR) {
			PFAIL(p, "Signature-Input %s: component %d is not a "
			    "string", label, i + 1);
			return NULL;
		}
		if (x->nparam > 0) {
			PFAIL(p, "Signature-Input %s: component parameters "
			    "(%s;%s) are not supported", label,
			    show(q, sizeof q, x->str, x->len),
			    in->param[x->param].key);
			return NULL;
		}
		for (j = 0; j < i; j++)
			if (strcmp(in->item[it->item + j].str, x->str) == 0) {
				PFAIL(p, "Signature-Input %s: %s is covered "
				    "twice", label, show(q, sizeof q, x->str,
				    x->len));
				return NULL;
			}
		ids[i] = C_FIELD;
		if (x->str[0] == '@') {
			for (k = 0; k < sizeof derived / sizeof derived[0]; k++)
				if (strcmp(derived[k].name, x->str) == 0)
					break;
			if (k == sizeof derived / sizeof derived[0]) {
				PFAIL(p, "Signature-Input %s: component %s is "
				    "not supported", label, show(q, sizeof q,
				    x->str, x->len));
				return NULL;
			}
			ids[i] = derived[k].id;
			have |= 1u << ids[i];
		} else if (!field_name_ok(x->str, x->len)) {
			PFAIL(p, "Signature-Input %s: \"%s\" is not a lower-case "
			    "field name", label, show(q, sizeof q, x->str,
			    x->len));
			return NULL;
		} else if (strcmp(x->str, "content-digest") == 0)
			digest = 1;
	}

	/* What Mastodon requires of an RFC 9421 signature. */
	if (!(have & (1u << C_METHOD))) {
		PFAIL(p, "Signature-Input %s: @method must be covered", label);
		return NULL;
	}
	if (!(have & (1u << C_TARGET_URI)) && (!(have & (1u << C_AUTHORITY)) ||
	    !(have & (1u << C_PATH | 1u << C_REQUEST_TARGET)))) {
		PFAIL(p, "Signature-Input %s: @target-uri (or @authority and "
		    "@path) must be covered", label);
		return NULL;
	}
	if (needs_digest_9421(p->req) && !digest) {
		PFAIL(p, "Signature-Input %s: content-digest must be covered "
		    "for a %s with a body", label, p->req->method);
		return NULL;
	}
	if ((sm = sf_get(sigs, m->key)) == NULL) {
		PFAIL(p, "Signature: no member %s (Signature-Input has one)",
		    label);
		return NULL;
	}
	if (sm->v.type != SF_BYTES || sm->v.len == 0) {
		PFAIL(p, "Signature %s: not a byte sequence", label);
		return NULL;
	}
	snprintf(what, sizeof what, "Signature-Input %s: created", label);
	if (check_window(p, what, created) == -1)
		return NULL;
	snprintf(what, sizeof what, "Signature-Input %s: expires", label);
	if (expires >= 0 && check_expires(p, what, expires) == -1)
		return NULL;
	if (digest && check_content_digest(p) == -1)
		return NULL;

	/* The signature base: one line a component, then the parameters. */
	for (i = 0; i < it->nitem; i++) {
		x = &in->item[it->item + i];
		buf_chr(&base, '"');
		buf_add(&base, x->str, x->len);
		buf_add(&base, "\": ", 3);
		if (component(p, ids[i], x->str, &base) == -1)
			goto out;
		buf_chr(&base, '\n');
	}
	buf_str(&base, "\"@signature-params\": ");
	sf_ser_inner(&base, in, it);
	if (base.bad) {
		PFAIL(p, "Signature-Input %s: the signature base is longer than "
		    "%d bytes", label, BASE_MAX);
		goto out;
	}
	hs = httpsig_new(p, KIND_RFC9421, alg, keyid,
	    (const unsigned char *)sm->v.str, sm->v.len, &base, NULL);
out:
	free(base.s);
	return hs;
}

/*
 * RFC 9421: Signature-Input and Signature, both dictionaries by label. The
 * first label that does is used (a proxy may have added its own); if none
 * does, the reason is the first label's.
 */
static struct httpsig *
parse_9421(struct parse *p, const char *input, const char *sig)
{
	struct sf	*in = NULL, *sigs = NULL;
	struct httpsig	*hs = NULL;
	struct parse	 later;
	char		 dummy[256];
	int		 i;

	if (sig == NULL) {
		PFAIL(p, "Signature: missing, but Signature-Input is there");
		return NULL;
	}
	if (too_long(sig, HTTPSIG_MAX_HEADER)) {
		PFAIL(p, "Signature: longer than %d bytes", HTTPSIG_MAX_HEADER);
		return NULL;
	}
	if ((in = malloc(sizeof *in)) == NULL ||
	    (sigs = malloc(sizeof *sigs)) == NULL) {
		free(in);
		PFAIL(p, "out of memory");
		return NULL;
	}
	in->pool = sigs->pool = NULL;
	if (sf_dict(p, "Signature-Input", input, in) == -1 ||
	    sf_dict(p, "Signature", sig, sigs) == -1)
		goto out;
	later = *p;
	later.err = dummy;
	later.errlen = sizeof dummy;
	for (i = 0; i < in->nmember && hs == NULL; i++)
		hs = try_label(i == 0 ? p : &later, in, &in->member[i], sigs);
	if (hs != NULL && p->err != NULL && p->errlen > 0)
		p->err[0] = '\0';
out:
	free(in->pool);
	free(sigs->pool);
	free(in);
	free(sigs);
	return hs;
}

/* Parse and check a request's signature, all but the key (httpsig.h). */
struct httpsig *
httpsig_parse(const struct httpsig_request *req, char *err, size_t errlen)
{
	struct parse	 p = { req, err, errlen };
	const char	*input, *sig, *m;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (req == NULL || req->method == NULL || req->target == NULL ||
	    req->header == NULL) {
		PFAIL(&p, "request: method, target and header are required");
		return NULL;
	}
	for (m = req->method; is_tchar((unsigned char)*m); m++)
		continue;
	if (*m != '\0' || m == req->method) {
		PFAIL(&p, "request: bad method");
		return NULL;
	}
	for (m = req->target; *m != '\0'; m++)
		if ((unsigned char)*m <= 0x20 || (unsigned char)*m == 0x7f) {
			PFAIL(&p, "request: bad character in the target");
			return NULL;
		}
	if (req->target[0] == '\0') {
		PFAIL(&p, "request: empty target");
		return NULL;
	}
	input = req->header(req->ctx, "signature-input");
	sig = req->header(req->ctx, "signature");
	if (input != NULL) {
		if (too_long(input, HTTPSIG_MAX_HEADER)) {
			PFAIL(&p, "Signature-Input: longer than %d bytes",
			    HTTPSIG_MAX_HEADER);
			return NULL;
		}
		return parse_9421(&p, input, sig);
	}
	if (sig == NULL) {
		PFAIL(&p, "Signature: missing (the request is not signed)");
		return NULL;
	}
	if (too_long(sig, HTTPSIG_MAX_HEADER)) {
		PFAIL(&p, "Signature: longer than %d bytes", HTTPSIG_MAX_HEADER);
		return NULL;
	}
	return parse_cavage(&p, sig);
}

/* The key to fetch. */
const char *
httpsig_key_id(const struct httpsig *hs)
{
	return hs->key_id;
}

/* The signature base, for a log line. */
const char *
httpsig_base(const struct httpsig *hs)
{
	return hs->base;
}

/* Free a parsed signature. */
void
httpsig_free(struct httpsig *hs)
{
	if (hs == NULL)
		return;
	free(hs->key_id);
	free(hs->sig);
	free(hs->base);
	free(hs->base_path);
	free(hs);
}

/* Never prompt for a passphrase: an encrypted key is simply not read. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/*
 * Decoded keys, remembered per thread: decoding a PEM key costs OpenSSL 3
 * 0.4 to 2 ms, ten to forty times the RSA operation itself, and a fan-out
 * signs with one author's key a thousand times. Per thread, so no lock and
 * no state shared between threads; freed when the thread ends.
 */
#define KEY_CACHE	16
struct key_cache {
	struct {
		uint64_t	 hash;
		int		 private;
		char		*pem;
		EVP_PKEY	*pk;
	}		 e[KEY_CACHE];
	size_t		 next;
};
static pthread_once_t	key_cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t	key_cache_key;

static void
key_cache_free(void *arg)
{
	struct key_cache	*c = arg;
	size_t			 i;

	for (i = 0; i < KEY_CACHE; i++) {
		free(c->e[i].pem);
		EVP_PKEY_free(c->e[i].pk);
	}
	free(c);
}

static void
key_cache_init(void)
{
	(void)pthread_key_create(&key_cache_key, key_cache_free);
}

/* FNV-1a of a PEM string. */
static uint64_t
key_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* A remembered key for pem (a new reference), or NULL. */
static EVP_PKEY *
key_cached(const char *pem, int private, uint64_t *hash)
{
	struct key_cache	*c;
	size_t			 i;

	*hash = key_hash(pem);
	pthread_once(&key_cache_once, key_cache_init);
	if ((c = pthread_getspecific(key_cache_key)) == NULL)
		return NULL;
	for (i = 0; i < KEY_CACHE; i++) {
		if (c->e[i].pk != NULL && c->e[i].hash == *hash &&
		    c->e[i].private == private && strcmp(c->e[i].pem, pem) == 0) {
			EVP_PKEY_up_ref(c->e[i].pk);
			return c->e[i].pk;
		}
	}
	return NULL;
}

/* Remember a decoded key (the cache takes a reference of its own). */
static void
key_remember(const char *pem, int private, uint64_t hash, EVP_PKEY *pk)
{
	struct key_cache	*c;
	char			*copy;
	size_t			 i;

	if ((c = pthread_getspecific(key_cache_key)) == NULL) {
		if ((c = calloc(1, sizeof *c)) == NULL ||
		    pthread_setspecific(key_cache_key, c) != 0) {
			free(c);
			return;
		}
	}
	if ((copy = strdup(pem)) == NULL)
		return;
	i = c->next++ % KEY_CACHE;
	free(c->e[i].pem);
	EVP_PKEY_free(c->e[i].pk);
	EVP_PKEY_up_ref(pk);
	c->e[i].hash = hash;
	c->e[i].private = private;
	c->e[i].pem = copy;
	c->e[i].pk = pk;
}

static EVP_PKEY	*decode_public(const char *);
static EVP_PKEY	*decode_private(const char *);

/* A public key from PEM, decoded once per thread. */
static EVP_PKEY *
load_public(const char *pem)
{
	EVP_PKEY	*pk;
	uint64_t	 h;

	if (pem == NULL || too_long(pem, PEM_MAX))
		return NULL;
	if ((pk = key_cached(pem, 0, &h)) != NULL)
		return pk;
	if ((pk = decode_public(pem)) != NULL)
		key_remember(pem, 0, h, pk);
	return pk;
}

/* A private key from PEM, decoded once per thread. */
static EVP_PKEY *
load_private(const char *pem)
{
	EVP_PKEY	*pk;
	uint64_t	 h;

	if (pem == NULL || too_long(pem, PEM_MAX))
		return NULL;
	if ((pk = key_cached(pem, 1, &h)) != NULL)
		return pk;
	if ((pk = decode_private(pem)) != NULL)
		key_remember(pem, 1, h, pk);
	return pk;
}

/*
 * A public key from PEM: SubjectPublicKeyInfo ("PUBLIC KEY", an actor's
 * publicKeyPem) or PKCS#1 ("RSA PUBLIC KEY", which some servers publish).
 */
static EVP_PKEY *
decode_public(const char *pem)
{
	OSSL_DECODER_CTX	*dctx;
	EVP_PKEY		*pk = NULL;
	BIO			*bio;
	const unsigned char	*data;
	size_t			 len;

	if (pem == NULL || too_long(pem, PEM_MAX))
		return NULL;
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	pk = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (pk != NULL || strstr(pem, "-----BEGIN RSA PUBLIC KEY-----") == NULL)
		return pk;
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "PEM", "type-specific",
	    "RSA", EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	if (dctx == NULL)
		return NULL;
	data = (const unsigned char *)pem;
	len = strlen(pem);
	if (OSSL_DECODER_from_data(dctx, &data, &len) != 1)
		pk = NULL;
	OSSL_DECODER_CTX_free(dctx);
	return pk;
}

/* A private key from PEM (PKCS#8 or PKCS#1), never asking for a passphrase. */
static EVP_PKEY *
decode_private(const char *pem)
{
	EVP_PKEY	*pk;
	BIO		*bio;

	if (pem == NULL || too_long(pem, PEM_MAX))
		return NULL;
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	pk = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	return pk;
}

/* Check one signature base against sig with key and algorithm. */
static int
verify_one(EVP_PKEY *pk, enum alg alg, const char *base,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX	*md;
	EVP_PKEY_CTX	*pctx = NULL;
	const char	*mdname;
	int		 ok = 0;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return 0;
	mdname = alg == ALG_ED25519 ? NULL :
	    alg == ALG_RSA_PSS_SHA512 ? "SHA512" : "SHA256";
	if (EVP_DigestVerifyInit_ex(md, &pctx, mdname, NULL, NULL, pk,
	    NULL) != 1)
		goto out;
	if (alg == ALG_RSA_PSS_SHA512) {
		/* RFC 9421 3.3.1: MGF1 with SHA-512, a 64-byte salt. */
		if (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA512",
		    NULL) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) != 1)
			goto out;
	} else if (alg == ALG_RSA_V15_SHA256) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
			goto out;
	}
	ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)base,
	    strlen(base)) == 1;
out:
	EVP_MD_CTX_free(md);
	return ok;
}

/* Check the signature with the signer's public key. */
int
httpsig_verify(const struct httpsig *hs, const char *public_pem, char *err,
    size_t errlen)
{
	EVP_PKEY	*pk;
	enum alg	 alg = hs->alg;
	int		 rsa, ed, bits, rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((pk = load_public(public_pem)) == NULL) {
		fail(err, errlen, "key: not a PEM public key");
		goto out;
	}
	rsa = EVP_PKEY_is_a(pk, "RSA");
	ed = EVP_PKEY_is_a(pk, "ED25519");
	if (!rsa && !ed) {
		fail(err, errlen, "key: type %s is not supported (RSA or "
		    "Ed25519)", EVP_PKEY_get0_type_name(pk) != NULL ?
		    EVP_PKEY_get0_type_name(pk) : "unknown");
		goto out;
	}

	/*
	 * hs2019 and RFC 9421 without alg: the key decides, and an RSA key
	 * means PKCS#1 v1.5 with SHA-256, as Mastodon signs.
	 */
	if (alg == ALG_FROM_KEY)
		alg = rsa ? ALG_RSA_V15_SHA256 : ALG_ED25519;
	if ((alg == ALG_ED25519) != ed) {
		fail(err, errlen, "key: %s key for %s signature",
		    ed ? "an Ed25519" : "an RSA",
		    alg == ALG_ED25519 ? "an ed25519" : "an RSA");
		goto out;
	}
	if (rsa) {
		bits = EVP_PKEY_get_bits(pk);
		if (bits < HTTPSIG_RSA_MIN_BITS || bits > HTTPSIG_RSA_MAX_BITS) {
			fail(err, errlen, "key: RSA key of %d bits (%d to %d "
			    "accepted)", bits, HTTPSIG_RSA_MIN_BITS,
			    HTTPSIG_RSA_MAX_BITS);
			goto out;
		}
	}
	if (verify_one(pk, alg, hs->base, hs->sig, hs->siglen) ||
	    (hs->base_path != NULL &&
	    verify_one(pk, alg, hs->base_path, hs->sig, hs->siglen)))
		rc = 0;
	else
		fail(err, errlen, "%s: does not verify with the key of %s",
		    hs->kind == KIND_CAVAGE ? "Signature" : "Signature-Input",
		    hs->key_id);
out:
	EVP_PKEY_free(pk);
	/* Leave no errors queued in this thread for whoever calls next. */
	ERR_clear_error();
	return rc;
}

/* "SHA-256=<base64>" of a body. */
char *
httpsig_digest(const unsigned char *body, size_t len)
{
	unsigned char	md[32];
	struct buf	b = { 0 };

	if (sha256(body, len, md) == -1)
		return NULL;
	buf_str(&b, "SHA-256=");
	buf_b64(&b, md, sizeof md);
	if (b.bad) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Whether s is non-empty printable ASCII without space or stop (if any). */
static int
plain(const char *s, const char *stop)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    (stop != NULL && strchr(stop, *s) != NULL))
			return 0;
	return 1;
}

/* Sign an outbound request, draft-cavage rsa-sha256. */
int
httpsig_sign(const char *private_pem, const char *key_id, const char *method,
    const char *target, const char *host, const unsigned char *body,
    size_t body_len, time_t now, struct httpsig_out *out, char *err,
    size_t errlen)
{
	EVP_PKEY	*pk = NULL;
	EVP_MD_CTX	*md = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	struct buf	 base = { 0 }, hdr = { 0 };
	unsigned char	*sig = NULL;
	const char	*m, *headers;
	char		 date[32];
	size_t		 siglen;
	int		 rc = -1, with_digest;

	memset(out, 0, sizeof *out);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (!plain(key_id, "\"\\")) {
		fail(err, errlen, "sign: the key id must be printable ASCII "
		    "without quotes");
		goto out;
	}
	for (m = method; m != NULL && is_tchar((unsigned char)*m); m++)
		continue;
	if (m == NULL || m == method || *m != '\0') {
		fail(err, errlen, "sign: bad method");
		goto out;
	}
	if (!plain(target, NULL) || target[0] != '/') {
		fail(err, errlen, "sign: the target must be a path");
		goto out;
	}
	if (!plain(host, "/")) {
		fail(err, errlen, "sign: bad host");
		goto out;
	}
	if ((pk = load_private(private_pem)) == NULL ||
	    !EVP_PKEY_is_a(pk, "RSA")) {
		fail(err, errlen, "sign: not a PEM RSA private key");
		goto out;
	}
	if (imf_format(now, date, sizeof date) == -1) {
		fail(err, errlen, "sign: the time cannot be a Date");
		goto out;
	}
	if ((out->date = strdup(date)) == NULL)
		goto oom;
	with_digest = body != NULL || strcmp(method, "POST") == 0;
	if (with_digest && (out->digest = httpsig_digest(body, body_len)) ==
	    NULL)
		goto oom;

	buf_str(&base, "(request-target): ");
	for (m = method; *m != '\0'; m++)
		buf_chr(&base, (char)lower((unsigned char)*m));
	buf_chr(&base, ' ');
	buf_str(&base, target);
	buf_str(&base, "\nhost: ");
	buf_str(&base, host);
	buf_str(&base, "\ndate: ");
	buf_str(&base, date);
	if (with_digest) {
		buf_str(&base, "\ndigest: ");
		buf_str(&base, out->digest);
	}
	if (base.bad)
		goto oom;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(md, &pctx, "SHA256", NULL, NULL, pk,
	    NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (unsigned char *)base.s,
	    base.len) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(md, sig, &siglen, (unsigned char *)base.s,
	    base.len) != 1) {
		fail(err, errlen, "sign: OpenSSL could not sign");
		goto out;
	}
	headers = with_digest ? "(request-target) host date digest" :
	    "(request-target) host date";
	buf_str(&hdr, "keyId=\"");
	buf_str(&hdr, key_id);
	buf_str(&hdr, "\",algorithm=\"rsa-sha256\",headers=\"");
	buf_str(&hdr, headers);
	buf_str(&hdr, "\",signature=\"");
	buf_b64(&hdr, sig, siglen);
	buf_chr(&hdr, '"');
	if (hdr.bad)
		goto oom;
	out->signature = hdr.s;
	hdr.s = NULL;
	rc = 0;
	goto out;
oom:
	fail(err, errlen, "sign: out of memory");
out:
	if (rc == -1)
		httpsig_out_free(out);
	free(sig);
	free(base.s);
	free(hdr.s);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return rc;
}

/* Free a signed request's header values. */
void
httpsig_out_free(struct httpsig_out *out)
{
	free(out->date);
	free(out->digest);
	free(out->signature);
	memset(out, 0, sizeof *out);
}

/* A memory BIO's contents as a malloc'ed string. */
static char *
bio_string(BIO *bio)
{
	char	*data, *s;
	long	 n;

	if ((n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	return s;
}

/* The SPKI PEM of a key. */
static char *
public_pem(EVP_PKEY *pk)
{
	BIO	*bio;
	char	*s = NULL;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (PEM_write_bio_PUBKEY(bio, pk) == 1)
		s = bio_string(bio);
	BIO_free(bio);
	return s;
}

/* A new RSA-2048 key pair as PEM. */
int
httpsig_keygen(char **private_pem, char **public_pem_out)
{
	EVP_PKEY	*pk;
	BIO		*bio = NULL;
	int		 rc = -1;

	*private_pem = *public_pem_out = NULL;
	if ((pk = EVP_RSA_gen(2048)) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	/* PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"). */
	if (PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1 ||
	    (*private_pem = bio_string(bio)) == NULL ||
	    (*public_pem_out = public_pem(pk)) == NULL)
		goto out;
	rc = 0;
out:
	if (rc == -1) {
		if (*private_pem != NULL)
			OPENSSL_cleanse(*private_pem, strlen(*private_pem));
		free(*private_pem);
		*private_pem = NULL;
	}
	BIO_free(bio);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return rc;
}

/* The public key PEM of a private key PEM. */
char *
httpsig_public_of(const char *private_pem)
{
	EVP_PKEY	*pk;
	char		*s;

	if ((pk = load_private(private_pem)) == NULL) {
		ERR_clear_error();
		return NULL;
	}
	s = public_pem(pk);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return s;
}
