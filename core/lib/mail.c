/*
 * mail.c: sending e-mail (the notification digests), either through the
 * system's sendmail (the message on its standard input) or through an SMTP
 * relay with libcurl, and composing a multipart/alternative message with
 * headers encoded as RFC 2047 asks. Sending blocks for up to its timeout,
 * so mail_send runs on worker threads (or in hearthctl), never on a loop.
 *
 * What an SMTP send keeps, with no option to loosen it: STARTTLS required
 * on smtp:// (mail.smtp_tls = off is accepted only for a relay on this
 * machine, see config.c), TLS verified, smtp and smtps only, a connect and
 * a total timeout.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "lib.h"

#define MAIL_TIMEOUT		30	/* seconds, a whole SMTP send */
#define MAIL_CONNECT_TIMEOUT	10

extern char	**environ;

static pthread_once_t	 mail_once = PTHREAD_ONCE_INIT;
static CURLcode		 mail_global_rc;

/* Once per process: libcurl's global state (reference counted). */
static void
mail_global_init(void)
{
	mail_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* A growing string for composing a message. */
struct mbuf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

/* Start empty (a NUL-terminated string throughout). */
static void
mbuf_init(struct mbuf *b)
{
	b->cap = 256;
	b->data = xmalloc(b->cap);
	b->len = 0;
	b->data[0] = '\0';
}

/* Append n bytes. */
static void
mbuf_add(struct mbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Append one character. */
static void
mbuf_addc(struct mbuf *b, char c)
{
	mbuf_add(b, &c, 1);
}

/* Append a string. */
static void
mbuf_adds(struct mbuf *b, const char *s)
{
	mbuf_add(b, s, strlen(s));
}

/* Append a formatted string. */
static void printflike(2, 3)
mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	mbuf_adds(b, s);
	free(s);
}

/* The string, now the caller's. */
static char *
mbuf_steal(struct mbuf *b)
{
	char	*s = b->data;

	b->data = NULL;
	return s;
}

/* Free it unused. */
static void
mbuf_free(struct mbuf *b)
{
	free(b->data);
	b->data = NULL;
}

/* Whether mail is set up at all (mail.transport). */
int
mail_configured(const struct config *c)
{
	return c->mail_transport != NULL && *c->mail_transport != '\0';
}

/* Append base64 of in[0..n) to b, lines of at most 76 (CRLF). */
static void
b64_append(struct mbuf *b, const unsigned char *in, size_t n, int wrap)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i, col = 0;
	uint32_t		 v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		mbuf_addc(b, abc[(v >> 18) & 63]);
		mbuf_addc(b, abc[(v >> 12) & 63]);
		mbuf_addc(b, i + 1 < n ? abc[(v >> 6) & 63] : '=');
		mbuf_addc(b, i + 2 < n ? abc[v & 63] : '=');
		col += 4;
		if (wrap && col >= 76 && i + 3 < n) {
			mbuf_adds(b, "\r\n");
			col = 0;
		}
	}
}

/* Whether s is printable ASCII with no line breaks. */
static int
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	}
	return 1;
}

/*
 * A header value as RFC 2047 has it: as is when plain ASCII, else UTF-8
 * "B" encoded-words of at most 75 characters each, folded, never cutting a
 * character in two. Control characters never reach a header: they become
 * spaces first.
 */
char *
mail_header_encode(const char *s)
{
	struct mbuf	 b;
	size_t		 n = strlen(s), i = 0, take;
	char		*clean = xstrdup(s), *out;

	for (i = 0; i < n; i++) {
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
			clean[i] = ' ';
	}
	if (plain_ascii(clean))
		return clean;
	mbuf_init(&b);
	for (i = 0; i < n; i += take) {
		take = n - i > 45 ? 45 : n - i;
		/* back off to the start of a UTF-8 character */
		while (take > 1 && i + take < n &&
		    ((unsigned char)clean[i + take] & 0xc0) == 0x80)
			take--;
		if (i > 0)
			mbuf_adds(&b, "\r\n ");
		mbuf_adds(&b, "=?UTF-8?B?");
		b64_append(&b, (unsigned char *)clean + i, take, 0);
		mbuf_adds(&b, "?=");
	}
	free(clean);
	out = mbuf_steal(&b);
	return out;
}

/* A mailbox: "Name <addr>", the name encoded (or quoted) as needed. */
char *
mail_mailbox(const char *name, const char *addr)
{
	char	*enc, *out;
	int	 quote;

	if (name == NULL || *name == '\0')
		return xasprintf("<%s>", addr);
	enc = mail_header_encode(name);
	quote = plain_ascii(name) && strpbrk(name, "()<>[]:;@\\,.\"") != NULL;
	if (quote && strchr(name, '"') == NULL && strchr(name, '\\') == NULL)
		out = xasprintf("\"%s\" <%s>", enc, addr);
	else if (quote)
		out = xasprintf("<%s>", addr);	/* odd name: the address */
	else
		out = xasprintf("%s <%s>", enc, addr);
	free(enc);
	return out;
}

/* A random token for boundaries and message ids. */
static void
mail_token(char out[TOKEN_CHARS + 1])
{
	char	raw[TOKEN_BYTES];

	crypto_random(raw, sizeof raw);
	crypto_b64url((uint8_t *)raw, sizeof raw, out);
}

/* One part of the alternative, base64 (any line length, any bytes). */
static void
mail_part(struct mbuf *b, const char *boundary, const char *type,
    const char *body)
{
	mbuf_printf(b, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary, type);
	b64_append(b, (const unsigned char *)body, strlen(body), 1);
	mbuf_adds(b, "\r\n");
}

/*
 * A whole message (CRLF lines, malloc'd): From the configured address,
 * To, the encoded Subject, Date, a Message-ID, List-Unsubscribe (when a
 * link is given) and the text and HTML alternatives.
 */
char *
mail_compose(const struct config *c, const struct mail_msg *m)
{
	struct mbuf	 b;
	char		 boundary[TOKEN_CHARS + 1], id[TOKEN_CHARS + 1];
	char		 date[64];
	char		*from, *to, *subject;
	const char	*domain = strchr(c->mail_from, '@');
	struct tm	 tm;
	time_t		 now = time(NULL);

	mail_token(boundary);
	mail_token(id);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	from = mail_mailbox(m->from_name, c->mail_from);
	to = mail_mailbox(m->to_name, m->to_addr);
	subject = mail_header_encode(m->subject);
	mbuf_init(&b);
	mbuf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: <%s%s>\r\nMIME-Version: 1.0\r\n"
	    "Auto-Submitted: auto-generated\r\n", from, to, subject, date,
	    id, domain != NULL ? domain : "@hearth.invalid");
	if (m->unsubscribe != NULL)
		mbuf_printf(&b, "List-Unsubscribe: <%s>\r\n", m->unsubscribe);
	mbuf_printf(&b, "Content-Type: multipart/alternative; "
	    "boundary=\"%s\"\r\n\r\n", boundary);
	mail_part(&b, boundary, "text/plain", m->text);
	mail_part(&b, boundary, "text/html", m->html);
	mbuf_printf(&b, "--%s--\r\n", boundary);
	free(from);
	free(to);
	free(subject);
	return mbuf_steal(&b);
}

/* Whether an address is one we would put on a command line or envelope. */
static int
mail_address_ok(const char *a)
{
	const char	*at = strchr(a, '@');

	return *a != '\0' && *a != '-' && at != NULL && at != a &&
	    at[1] != '\0' && strpbrk(a, " \t\r\n<>()\",;\\") == NULL &&
	    plain_ascii(a);
}

/* Through sendmail: "sendmail -i -f FROM -- TO", the message on stdin. */
static int
mail_send_sendmail(const struct config *c, const char *to, const char *msg,
    char **cause)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, dfl;
	int				 waited;
	char				*argv[7];
	int				 fds[2], status;
	pid_t				 pid;
	const char			*p;
	size_t				 n;
	ssize_t				 w;
	struct mbuf			 lf;

	if (pipe(fds) != 0) {
		*cause = xasprintf("sendmail: pipe: %s", strerror(errno));
		return -1;
	}
	/* sendmail takes lines as the system writes them: LF */
	mbuf_init(&lf);
	for (p = msg; *p != '\0'; p++) {
		if (!(p[0] == '\r' && p[1] == '\n'))
			mbuf_addc(&lf, *p);
	}
	argv[0] = c->mail_sendmail;
	argv[1] = "-i";
	argv[2] = "-f";
	argv[3] = c->mail_from;
	argv[4] = "--";
	argv[5] = (char *)to;
	argv[6] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	/* sendmail starts with the signals a program expects, not hearthd's
	 * (SIGPIPE ignored, the worker's mask) */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	errno = posix_spawn(&pid, c->mail_sendmail, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (errno != 0) {
		*cause = xasprintf("%s: %s", c->mail_sendmail,
		    strerror(errno));
		close(fds[1]);
		mbuf_free(&lf);
		return -1;
	}
	/* hearthd ignores SIGPIPE: a sendmail that stops reading is EPIPE */
	for (p = lf.data, n = lf.len; n > 0; p += w, n -= w) {
		if ((w = write(fds[1], p, n)) < 0) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			break;
		}
	}
	close(fds[1]);
	mbuf_free(&lf);
	/* a sendmail that hangs is killed: a worker is not held forever */
	for (waited = 0;; waited += 50) {
		pid_t	w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			*cause = xasprintf("%s: waitpid: %s", c->mail_sendmail,
			    strerror(errno));
			return -1;
		}
		if (waited >= MAIL_TIMEOUT * 1000) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			*cause = xasprintf("%s took more than %d s and was "
			    "stopped", c->mail_sendmail, MAIL_TIMEOUT);
			return -1;
		}
		nanosleep(&(struct timespec){ 0, 50 * 1000000L }, NULL);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*cause = xasprintf("%s exited with %d", c->mail_sendmail,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* The message as libcurl reads it for DATA. */
struct mail_read {
	const char	*p;
	size_t		 left;
};

/* libcurl: the next piece of the message. */
static size_t
mail_read(char *out, size_t size, size_t n, void *arg)
{
	struct mail_read	*r = arg;
	size_t			 len = size * n;

	if (len > r->left)
		len = r->left;
	memcpy(out, r->p, len);
	r->p += len;
	r->left -= len;
	return len;
}

/* Set one option or give up: a missing one is a missing guard. */
#define MAIL_SET(e, opt, val) do {					\
	if (curl_easy_setopt((e), (opt), (val)) != CURLE_OK) {		\
		failed = #opt;						\
		goto out;						\
	}								\
} while (0)

/* Through an SMTP relay (libcurl). */
static int
mail_send_smtp(const struct config *c, const char *to, const char *msg,
    char **cause)
{
	CURL			*e = NULL;
	struct curl_slist	*rcpt = NULL;
	struct mail_read	 rd = { msg, strlen(msg) };
	char			 errbuf[CURL_ERROR_SIZE] = "";
	char			*from = NULL, *rcpt_to = NULL;
	const char		*failed = NULL;
	CURLcode		 rc;
	int			 ret = -1;

	pthread_once(&mail_once, mail_global_init);
	if (mail_global_rc != CURLE_OK) {
		*cause = xasprintf("smtp: libcurl: %s",
		    curl_easy_strerror(mail_global_rc));
		return -1;
	}
	if ((e = curl_easy_init()) == NULL) {
		*cause = xstrdup("smtp: libcurl could not start");
		return -1;
	}
	from = xasprintf("<%s>", c->mail_from);
	rcpt_to = xasprintf("<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_to);
	MAIL_SET(e, CURLOPT_URL, c->mail_smtp_url);
	MAIL_SET(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	MAIL_SET(e, CURLOPT_NOSIGNAL, 1L);
	MAIL_SET(e, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT);
	MAIL_SET(e, CURLOPT_CONNECTTIMEOUT, (long)MAIL_CONNECT_TIMEOUT);
	MAIL_SET(e, CURLOPT_ERRORBUFFER, errbuf);
	MAIL_SET(e, CURLOPT_SSL_VERIFYPEER, 1L);
	MAIL_SET(e, CURLOPT_SSL_VERIFYHOST, 2L);
	MAIL_SET(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (c->mail_smtp_tls)
		MAIL_SET(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->mail_smtp_user != NULL && *c->mail_smtp_user != '\0') {
		MAIL_SET(e, CURLOPT_USERNAME, c->mail_smtp_user);
		MAIL_SET(e, CURLOPT_PASSWORD, c->mail_smtp_password != NULL ?
		    c->mail_smtp_password : "");
	}
	MAIL_SET(e, CURLOPT_MAIL_FROM, from);
	MAIL_SET(e, CURLOPT_MAIL_RCPT, rcpt);
	MAIL_SET(e, CURLOPT_READFUNCTION, mail_read);
	MAIL_SET(e, CURLOPT_READDATA, &rd);
	MAIL_SET(e, CURLOPT_UPLOAD, 1L);
	if ((rc = curl_easy_perform(e)) != CURLE_OK) {
		*cause = xasprintf("smtp %s: %s", c->mail_smtp_url,
		    *errbuf ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	ret = 0;
out:
	if (failed != NULL)
		*cause = xasprintf("smtp: libcurl refused %s", failed);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(e);
	free(from);
	free(rcpt_to);
	return ret;
}

/* Send a composed message to one address; -1 and *cause if it failed. */
int
mail_send(const struct config *c, const char *to, const char *msg,
    char **cause)
{
	if (!mail_configured(c)) {
		*cause = xstrdup("mail is not set up (mail.transport)");
		return -1;
	}
	if (!mail_address_ok(to)) {
		*cause = xasprintf("not an address mail is sent to: %s", to);
		return -1;
	}
	if (strcmp(c->mail_transport, "sendmail") == 0)
		return mail_send_sendmail(c, to, msg, cause);
	return mail_send_smtp(c, to, msg, cause);
}
