/*
 * httpsig.h: HTTP message signatures as the fediverse uses them, checked and
 * made: draft-cavage-http-signatures-12 (what every server sends today, under
 * Mastodon's rules) and RFC 9421 (what Mastodon 4.5 also accepts). A small
 * library of its own: it needs only libc and OpenSSL 3, not hearth's core,
 * so the parser can be fuzzed and tested alone. No static mutable state:
 * every call may run on any thread.
 *
 * Inbound, in two steps because the key is fetched in between:
 * httpsig_parse() checks all that needs no key (syntax, the covered set,
 * the clock, the body's digest) and names the keyId; the caller fetches
 * that key and httpsig_verify() checks the signature with it.
 */
#ifndef HTTPSIG_H
#define HTTPSIG_H

#include <stddef.h>
#include <time.h>

/*
 * The clock window, after Mastodon: a signature made up to an hour ahead of
 * our clock is skew; one older than its expiry (5 minutes) plus that skew
 * is stale. RFC 9421's expires, and cavage's when signed, may only shorten
 * the window.
 */
#define HTTPSIG_CLOCK_SKEW	3600
#define HTTPSIG_MAX_AGE		(300 + HTTPSIG_CLOCK_SKEW)

/* Hostile input is bounded before anything is parsed. */
#define HTTPSIG_MAX_HEADER	8192	/* Signature, Signature-Input, Digest... */
#define HTTPSIG_MAX_COMPONENTS	32	/* covered headers or components */

/* RSA keys we verify with; OpenSSL refuses larger ones anyway. */
#define HTTPSIG_RSA_MIN_BITS	2048
#define HTTPSIG_RSA_MAX_BITS	16384

/*
 * A request's header, by lower-case name; NULL if absent. If a header occurs
 * several times, the callee returns the values joined with ", ". A value
 * must stay valid until httpsig_parse returns: Signature-Input and Signature
 * are read together, so a callee must not reuse one buffer for both.
 */
typedef const char *(*httpsig_header_fn)(void *ctx, const char *name);

/*
 * The request as the server saw it. body is NULL when there is none (a GET);
 * a POST passes its body, even an empty one, so that its digest is checked.
 */
struct httpsig_request {
	const char		*method;	/* "POST", "GET" */
	const char		*target;	/* path and query, as on the request line */
	const char		*scheme;	/* "https" or "http": RFC 9421 @scheme, @target-uri */
	const char		*authority;	/* host[:port] the request was for */
	httpsig_header_fn	 header;
	void			*ctx;
	const unsigned char	*body;
	size_t			 body_len;
	time_t			 now;
};

/* A parsed signature, checked but for the key. */
struct httpsig;

/*
 * Parse and check all that needs no key. draft-cavage: the Signature header;
 * its headers must cover date or (created), (request-target) or digest, host
 * on a GET and digest on a POST (or any non-empty body). RFC 9421, used when
 * Signature-Input is present: the first label whose covered components have
 * created, keyid, @method, @target-uri (or @authority with @path or
 * @request-target) and, with a body, content-digest, and whose Signature
 * member is there. Then the clock (Date, or created) within the window and
 * Digest (SHA-256=) or Content-Digest (sha-256=:...:) equal to the SHA-256
 * of the body. NULL with a one-line reason naming the header or field at
 * fault in err.
 */
struct httpsig	*httpsig_parse(const struct httpsig_request *, char *err,
		    size_t errlen);

/* The keyId (cavage) or keyid (RFC 9421): the key to fetch. Borrowed. */
const char	*httpsig_key_id(const struct httpsig *);

/*
 * The signature base (signing string) parse built, for a log line when
 * verification fails: the sender's base differs from it somewhere. Borrowed.
 */
const char	*httpsig_base(const struct httpsig *);

/*
 * Verify with the signer's public key: PEM, SubjectPublicKeyInfo as in an
 * actor's publicKeyPem, or PKCS#1 "RSA PUBLIC KEY". rsa-sha256, hs2019 with
 * an RSA key and RFC 9421 rsa-v1_5-sha256 are RSASSA-PKCS1-v1_5 SHA-256;
 * RFC 9421 also has rsa-pss-sha512 and ed25519 (hs2019 and a 9421 signature
 * without alg take the algorithm from the key). A cavage signature over a
 * target with a query is tried with the query, then without it, as Mastodon
 * and GoToSocial do. 0 if it verifies, -1 with the reason in err.
 */
int		 httpsig_verify(const struct httpsig *, const char *public_pem,
		    char *err, size_t errlen);

/* Free a parsed signature; NULL is allowed. */
void		 httpsig_free(struct httpsig *);

/* The headers of a signed outbound request, each malloc'ed. */
struct httpsig_out {
	char	*date;		/* Date: IMF-fixdate of now */
	char	*digest;	/* Digest: "SHA-256=..." or NULL (a GET) */
	char	*signature;	/* Signature */
};

/*
 * Sign an outbound request, draft-cavage rsa-sha256 with an RSA private key
 * (PEM, PKCS#8 or PKCS#1): a POST, or any request with a body, signs
 * "(request-target) host date digest", a GET "(request-target) host date".
 * host includes :port when the port is not the scheme's default (the caller
 * passes it so, and sends the same Host). 0, or -1 with the reason in err
 * and out zeroed.
 */
int	 httpsig_sign(const char *private_pem, const char *key_id,
	    const char *method, const char *target, const char *host,
	    const unsigned char *body, size_t body_len, time_t now,
	    struct httpsig_out *out, char *err, size_t errlen);

/* Free the header values of a signed request (not out itself). */
void	 httpsig_out_free(struct httpsig_out *);

/* "SHA-256=<base64>" of body, malloc'ed; NULL only if out of memory. */
char	*httpsig_digest(const unsigned char *body, size_t len);

/*
 * A new RSA-2048 key pair as malloc'ed PEM strings (PKCS#8 private, SPKI
 * public, as an actor's publicKeyPem). 0, or -1 if OpenSSL failed.
 */
int	 httpsig_keygen(char **private_pem, char **public_pem);

/* The SPKI public key PEM of a private key PEM (malloc'ed); NULL if none. */
char	*httpsig_public_of(const char *private_pem);

#endif
