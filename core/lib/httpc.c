/*
 * httpc.c: a small blocking HTTP client over libcurl's easy interface, for
 * what OpenID Connect sign-in asks of a provider: its discovery document,
 * its key set, its token endpoint. A call holds its thread for up to its
 * whole timeout, so it runs on worker threads only, never on an event loop.
 *
 * What every request keeps, with no option to loosen it: TLS verified (peer
 * and host name; a private CA is added by ca_file, never by turning checks
 * off), TLS 1.2 or later, http and https only, no redirect followed (the
 * caller sees the 3xx: a provider's endpoints are where discovery says),
 * a connect and a total timeout, and a capped body that is not decompressed.
 * libcurl's signal-based DNS timeouts are off (NOSIGNAL): threads here.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "lib.h"

#define HTTPC_TIMEOUT		10	/* seconds, when the caller says 0 */
#define HTTPC_CONNECT_TIMEOUT	5
#define HTTPC_MAX_BODY		(1024 * 1024)

/* A response body as it arrives, up to its cap. */
struct httpc_body {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 over;
};

static pthread_once_t	 httpc_once = PTHREAD_ONCE_INIT;
static CURLcode		 httpc_global_rc;

/* Once per process: libcurl's global state (not thread-safe to set up). */
static void
httpc_global_init(void)
{
	httpc_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* libcurl: keep body bytes up to the cap; past it, stop the transfer. */
static size_t
httpc_write(char *data, size_t size, size_t n, void *arg)
{
	struct httpc_body	*b = arg;
	size_t			 len = size * n;

	if (len > b->max - b->len) {
		b->over = 1;
		return 0;
	}
	if (b->len + len + 1 > b->cap) {
		b->cap = b->cap == 0 ? 4096 : b->cap;
		while (b->cap < b->len + len + 1)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

/*
 * A loopback or private address (RFC 1918, IPv6 unique local, and IPv4
 * ones mapped into IPv6): what guard_private lets through for tests and
 * intranets. Link-local (cloud metadata) and the rest stay refused.
 */
static int
httpc_private(const struct sockaddr *sa)
{
	const uint8_t	*a;

	if (sa->sa_family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if ((a[0] & 0xfe) == 0xfc)
			return 1;
		if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0)
			return 1;
		if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) != 0)
			return 0;
		a += 12;
	} else if (sa->sa_family == AF_INET)
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	else
		return 0;
	return a[0] == 127 || a[0] == 10 || (a[0] == 172 &&
	    (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168);
}

/*
 * libcurl: open a socket for a resolved address if the guard lets it be
 * connected to. It sees the address itself, after DNS, so no name or
 * notation gets past it; libcurl tries a host's next address on refusal.
 */
static __thread char	httpc_refused[160];	/* why, for the cause */

static curl_socket_t
httpc_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	const struct httpc_req	*req = arg;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (!(req->guard_private && httpc_private(&a->addr)) &&
	    netguard_check(&a->addr, a->addrlen, 0, httpc_refused,
	    sizeof httpc_refused) != 0)
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Add a header line to a list. */
static struct curl_slist *
httpc_header(struct curl_slist *list, const char *line)
{
	struct curl_slist	*s;

	if ((s = curl_slist_append(list, line)) == NULL)
		fatalx("curl_slist_append failed");
	return s;
}

/*
 * The Authorization line of client_secret_basic: RFC 6749 section 2.3.1
 * form-encodes id and secret before joining them with ':', so a ':' or '%'
 * in either survives (libcurl's CURLOPT_USERNAME would send them raw).
 */
static char *
httpc_basic(const char *user, const char *pass)
{
	char	*u, *p, *plain, *b64, *line;
	size_t	 len;

	u = httpc_form_escape(user);
	p = httpc_form_escape(pass != NULL ? pass : "");
	plain = xasprintf("%s:%s", u, p);
	len = strlen(plain);
	b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)plain,
	    (int)len);
	line = xasprintf("Authorization: Basic %s", b64);
	explicit_bzero(p, strlen(p));
	explicit_bzero(plain, len);
	explicit_bzero(b64, strlen(b64));
	free(u);
	free(p);
	free(plain);
	free(b64);
	return line;
}

/* All of a response's header called name, joined by ", ", or NULL. */
static char *
httpc_header_value(CURL *e, const char *name)
{
	struct curl_header	*h;
	size_t			 i, amount;
	char			*out = NULL, *joined;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	amount = h->amount;
	out = xstrdup(h->value);
	for (i = 1; i < amount; i++) {
		if (curl_easy_header(e, name, i, CURLH_HEADER, -1, &h) !=
		    CURLHE_OK)
			break;
		joined = xasprintf("%s, %s", out, h->value);
		free(out);
		out = joined;
	}
	return out;
}

/* Set one option or give up: a missing one is a missing guard. */
#define HTTPC_SET(e, opt, val) do {					\
	if (curl_easy_setopt((e), (opt), (val)) != CURLE_OK) {		\
		failed = #opt;						\
		goto out;						\
	}								\
} while (0)

/*
 * Make one request and wait for its answer. 0 and the response (any
 * status: a 4xx or 5xx is the caller's to read), or -1 and why, naming the
 * method and URL.
 */
int
httpc_do(const struct httpc_req *req, struct httpc_resp *resp, char **cause)
{
	CURL			*e = NULL;
	CURLcode		 rc = CURLE_OK;
	struct curl_slist	*headers = NULL;
	struct httpc_body	 body;
	const char		*method = req->method, *url = req->url;
	const char		*failed = NULL, *ctype;
	char			 errbuf[CURL_ERROR_SIZE], *line;
	long			 timeout, oserr;
	size_t			 i;
	int			 post, ret = -1;

	memset(resp, 0, sizeof *resp);
	memset(&body, 0, sizeof body);
	httpc_refused[0] = '\0';
	*cause = NULL;
	errbuf[0] = '\0';
	if (method == NULL)
		method = "GET";
	if (url == NULL) {
		*cause = xasprintf("%s: no URL", method);
		return -1;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0) {
		*cause = xasprintf("%s %s: only GET and POST are made", method,
		    url);
		return -1;
	}
	post = strcmp(method, "POST") == 0;
	pthread_once(&httpc_once, httpc_global_init);
	if (httpc_global_rc != CURLE_OK) {
		*cause = xasprintf("%s %s: libcurl did not initialise: %s",
		    method, url, curl_easy_strerror(httpc_global_rc));
		return -1;
	}
	timeout = req->timeout > 0 ? req->timeout : HTTPC_TIMEOUT;
	body.max = req->max_body > 0 ? req->max_body : HTTPC_MAX_BODY;

	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	HTTPC_SET(e, CURLOPT_URL, url);
	HTTPC_SET(e, CURLOPT_PROTOCOLS_STR, "http,https");
	HTTPC_SET(e, CURLOPT_FOLLOWLOCATION, 0L);
	HTTPC_SET(e, CURLOPT_SSL_VERIFYPEER, 1L);	/* never off */
	HTTPC_SET(e, CURLOPT_SSL_VERIFYHOST, 2L);
	HTTPC_SET(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (req->ca_file != NULL)
		HTTPC_SET(e, CURLOPT_CAINFO, req->ca_file);
	HTTPC_SET(e, CURLOPT_NOSIGNAL, 1L);
	HTTPC_SET(e, CURLOPT_CONNECTTIMEOUT, timeout < HTTPC_CONNECT_TIMEOUT ?
	    timeout : (long)HTTPC_CONNECT_TIMEOUT);
	HTTPC_SET(e, CURLOPT_TIMEOUT, timeout);
	HTTPC_SET(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)body.max);
	HTTPC_SET(e, CURLOPT_WRITEFUNCTION, httpc_write);
	HTTPC_SET(e, CURLOPT_WRITEDATA, &body);
	HTTPC_SET(e, CURLOPT_ERRORBUFFER, errbuf);
	HTTPC_SET(e, CURLOPT_USERAGENT, HEARTH_NAME "/" PACKAGE_VERSION);
	/* What was sent is what the cap counts: nothing is decompressed. */
	HTTPC_SET(e, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	if (req->guard) {
		HTTPC_SET(e, CURLOPT_OPENSOCKETFUNCTION, httpc_opensocket);
		HTTPC_SET(e, CURLOPT_OPENSOCKETDATA, (void *)req);
		/* No proxy from the environment: it would be what is
		 * connected to, and the guard would judge it instead. */
		HTTPC_SET(e, CURLOPT_PROXY, "");
	}
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++)
		headers = httpc_header(headers, req->headers[i]);
	if (req->accept != NULL) {
		line = xasprintf("Accept: %s", req->accept);
		headers = httpc_header(headers, line);
		free(line);
	}
	if (req->basic_user != NULL) {
		line = httpc_basic(req->basic_user, req->basic_pass);
		headers = httpc_header(headers, line);
		explicit_bzero(line, strlen(line));
		free(line);
	}
	if (post) {
		HTTPC_SET(e, CURLOPT_POST, 1L);
		HTTPC_SET(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->bodylen);
		HTTPC_SET(e, CURLOPT_POSTFIELDS,
		    req->body != NULL ? req->body : "");
		/* No type given: the form type, libcurl's default too. */
		line = xasprintf("Content-Type: %s", req->content_type != NULL ?
		    req->content_type : "application/x-www-form-urlencoded");
		headers = httpc_header(headers, line);
		free(line);
		/* No 100-continue round trip (and its one-second wait). */
		headers = httpc_header(headers, "Expect:");
	} else
		HTTPC_SET(e, CURLOPT_HTTPGET, 1L);
	HTTPC_SET(e, CURLOPT_HTTPHEADER, headers);

	if ((rc = curl_easy_perform(e)) != CURLE_OK)
		goto out;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK &&
	    ctype != NULL)
		resp->content_type = xstrdup(ctype);
	resp->cache_control = httpc_header_value(e, "Cache-Control");
	resp->body = body.data != NULL ? body.data : xstrdup("");
	resp->len = body.len;
	body.data = NULL;
	ret = 0;

out:
	if (ret != 0) {
		if (failed != NULL)
			*cause = xasprintf("%s %s: libcurl refused %s", method,
			    url, failed);
		else if (body.over || rc == CURLE_FILESIZE_EXCEEDED)
			*cause = xasprintf("%s %s: response larger than %zu "
			    "bytes", method, url, body.max);
		else if (httpc_refused[0] != '\0')
			*cause = xasprintf("%s %s: refused: %s", method, url,
			    httpc_refused);
		else {
			/* "Couldn't connect to server" says less than errno. */
			if (e == NULL || curl_easy_getinfo(e,
			    CURLINFO_OS_ERRNO, &oserr) != CURLE_OK)
				oserr = 0;
			*cause = xasprintf("%s %s: %s%s%s%s", method, url,
			    errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(rc), oserr != 0 ? " (" : "",
			    oserr != 0 ? strerror((int)oserr) : "",
			    oserr != 0 ? ")" : "");
		}
	}
	free(body.data);
	curl_slist_free_all(headers);
	if (e != NULL)
		curl_easy_cleanup(e);
	return ret;
}

#undef HTTPC_SET

/* Free what a response holds. */
void
httpc_resp_free(struct httpc_resp *resp)
{
	free(resp->body);
	free(resp->content_type);
	free(resp->cache_control);
	memset(resp, 0, sizeof *resp);
}

/*
 * One value as application/x-www-form-urlencoded (RFC 6749 appendix B):
 * ALPHA, DIGIT and "*-._" as they are, space as '+', every other byte as
 * %XX.
 */
char *
httpc_form_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*out, *o;

	o = out = xmalloc(3 * strlen(s) + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("*-._", *p) != NULL)
			*o++ = (char)*p;
		else if (*p == ' ')
			*o++ = '+';
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
