/*
 * ldapc.c: signing in against a company's LDAP directory (OpenLDAP, Active
 * Directory) and listing its people, over OpenLDAP's libldap. LDAP types
 * stay in this file: lib.h never includes ldap.h.
 *
 * Every call opens its own connection, binds as the service account and
 * blocks: they run on worker threads (libldap is thread-safe since 2.5).
 * A password only ever crosses TLS with the certificate checked (ldaps://,
 * or ldap:// with StartTLS); a plain ldap:// URL is refused before any
 * connection. Group membership is read in one of three ways, the same for
 * a sign-in and for the list, so both always agree:
 *   - from the group's member (or uniqueMember) values;
 *   - from the person's memberOf values (Active Directory);
 *   - asked of AD with LDAP_MATCHING_RULE_IN_CHAIN (ad_nested), which alone
 *     sees groups inside groups.
 * DNs are compared in a canonical form (types and values lowercased, every
 * escape decoded) since a group may spell "CN=Ann,OU=People" where the
 * search gave "cn=Ann,ou=people".
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

#include "lib.h"

#define LDAPC_TIMEOUT		10	/* seconds, when the conf gives none */
#define LDAPC_PAGE		500	/* entries a page: under AD's 1000 */
#define LDAPC_PAGE_MAX		1000
#define LDAPC_USERNAME_MAX	256
#define LDAPC_UAC_DISABLED	0x2	/* userAccountControl ACCOUNTDISABLE */
#define LDAPC_IN_CHAIN		"1.2.840.113556.1.4.1941"
#define LDAPC_FILTER		"(&(objectClass=inetOrgPerson)(uid=%s))"

/* The person's fields: where each one's attribute is named in the conf,
 * where its value goes, the attribute when the conf names none, and
 * whether a person without it cannot be one. */
static const struct {
	const char	*key;
	size_t		 conf;
	size_t		 person;
	const char	*fallback;
	int		 required;
} ldapc_fields[] = {
	{ "id_attr", offsetof(struct ldapc_conf, id_attr),
	  offsetof(struct ldapc_person, id), "entryUUID", 1 },
	{ "username_attr", offsetof(struct ldapc_conf, username_attr),
	  offsetof(struct ldapc_person, username), "uid", 1 },
	{ "name_attr", offsetof(struct ldapc_conf, name_attr),
	  offsetof(struct ldapc_person, display_name), "cn", 0 },
	{ "email_attr", offsetof(struct ldapc_conf, email_attr),
	  offsetof(struct ldapc_person, email), "mail", 0 },
	{ "department_attr", offsetof(struct ldapc_conf, department_attr),
	  offsetof(struct ldapc_person, department), "departmentNumber", 0 },
	{ "title_attr", offsetof(struct ldapc_conf, title_attr),
	  offsetof(struct ldapc_person, title), "title", 0 },
};
#define LDAPC_NFIELDS	nitems(ldapc_fields)

/* Where the system keeps its CAs, for a libldap built on GnuTLS (Debian's)
 * that, unlike the OpenSSL one, has no default of its own when neither the
 * conf nor ldap.conf's TLS_CACERT names one. First that exists wins. */
static const char *ldapc_ca_bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt",	/* Debian, Ubuntu, Arch */
	"/etc/pki/tls/certs/ca-bundle.crt",	/* Fedora, RHEL */
	"/etc/ssl/ca-bundle.pem",		/* openSUSE */
	"/etc/ssl/cert.pem",			/* Alpine, the BSDs */
};

/* A bind's result that speaks about the person, not the directory: the
 * sign-in is DENIED, not an ERROR. */
static const int ldapc_bind_denials[] = {
	LDAP_INVALID_CREDENTIALS,
	LDAP_INAPPROPRIATE_AUTH,
	LDAP_UNWILLING_TO_PERFORM,	/* AD: must change password, ... */
	LDAP_INSUFFICIENT_ACCESS,
	LDAP_CONSTRAINT_VIOLATION,	/* ppolicy: locked */
	LDAP_INVALID_DN_SYNTAX,
};

enum ldapc_how { LDAPC_ON_GROUP, LDAPC_MEMBER_OF, LDAPC_IN_CHAIN_RULE };

/* A sorted set of canonical DNs. */
struct ldapc_dnset {
	char		**v;
	size_t		  n;
	size_t		  cap;
};

/* One group the conf names and what is known of its members. */
struct ldapc_group {
	const char		*key;		/* "allowed_group" */
	const char		*dn;		/* NULL: none */
	char			*canon;
	struct ldapc_dnset	 members;	/* ON_GROUP and IN_CHAIN, in
						   ldapc_each */
};

/*
 * The TLS handshake's deadline. libldap before 2.7 applies
 * LDAP_OPT_NETWORK_TIMEOUT to the handshake only in its asynchronous mode
 * (ITS#8047): otherwise it makes the socket non-blocking and spins on it
 * for as long as the server stays silent, a worker at 100% forever. So once
 * TCP is connected, the handshake runs on a blocking socket and this thread
 * shuts the socket down if it is not done by the deadline.
 */
struct ldapc_watch {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct timespec		 deadline;	/* CLOCK_MONOTONIC */
	int			 fd;
	int			 done;		/* handshake over, or fd closing */
	int			 fired;
	int			 running;
	int			 error;		/* pthread_create's */
	pthread_t		 thread;
};

/* One call's connection and the conf resolved against the defaults. */
struct ldapc {
	const struct ldapc_conf	*conf;
	LDAP			*ld;
	struct ldap_conncb	 conncb;
	int			 starttls;
	int			 connected;	/* TCP is: TLS failed */
	struct ldapc_watch	 watch;
	struct timeval		 tv;
	const char		*filter;
	const char		*attr[LDAPC_NFIELDS];
	const char		*member_attr;
	enum ldapc_how		 how;
	char			*attrs[LDAPC_NFIELDS + 3];	/* searched */
	struct ldapc_group	 allowed;
	struct ldapc_group	 admin;
};

static pthread_once_t	 ldapc_once = PTHREAD_ONCE_INIT;
static char		*ldapc_sys_cafile;	/* process lifetime */
static char		*ldapc_sys_cadir;

/* A conf string, or the fallback when it is NULL or empty. */
static const char *
ldapc_or(const char *value, const char *fallback)
{
	return value != NULL && *value != '\0' ? value : fallback;
}

/*
 * libldap sets up its TLS library the first time any handle asks for a TLS
 * context, with counters that are not atomic: make that happen here, once,
 * before two worker threads can race to it. Read the system's CAs (ldap.conf
 * or the table) here too.
 */
static void
ldapc_init(void)
{
	LDAP	*ld;
	char	*s = NULL;
	size_t	 i;
	int	 zero = 0;

	if (ldap_initialize(&ld, "ldaps://localhost") == LDAP_SUCCESS) {
		ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
		ldap_unbind_ext_s(ld, NULL, NULL);
	}
	if (ldap_get_option(NULL, LDAP_OPT_X_TLS_CACERTFILE, &s) ==
	    LDAP_OPT_SUCCESS && s != NULL) {
		ldapc_sys_cafile = xstrdup(s);
		ldap_memfree(s);
	}
	s = NULL;
	if (ldap_get_option(NULL, LDAP_OPT_X_TLS_CACERTDIR, &s) ==
	    LDAP_OPT_SUCCESS && s != NULL) {
		ldapc_sys_cadir = xstrdup(s);
		ldap_memfree(s);
	}
	if (ldapc_sys_cafile != NULL || ldapc_sys_cadir != NULL)
		return;
	for (i = 0; i < nitems(ldapc_ca_bundles); i++) {
		if (access(ldapc_ca_bundles[i], R_OK) == 0) {
			ldapc_sys_cafile = xstrdup(ldapc_ca_bundles[i]);
			return;
		}
	}
}

/* Escape a filter value as RFC 4515 says (and a byte outside printable
 * ASCII too, which it allows): nothing in it can change the filter. */
char *
ldapc_escape(const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			*out, *o;

	out = o = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '*' || *p == '(' || *p == ')' || *p == '\\' ||
		    *p < 0x20 || *p >= 0x7f) {
			*o++ = '\\';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* AD's objectGUID in the text form Windows shows: its first three fields
 * are stored little-endian, the rest as written. */
char *
ldapc_guid(const void *data, size_t len)
{
	const unsigned char	*b = data;

	if (len != 16)
		return NULL;
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[3], b[2], b[1], b[0], b[5], b[4],
	    b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* Free what a person holds and empty it. */
void
ldapc_person_free(struct ldapc_person *p)
{
	size_t	i;

	if (p == NULL)
		return;
	free(p->dn);
	for (i = 0; i < LDAPC_NFIELDS; i++)
		free(*(char **)((char *)p + ldapc_fields[i].person));
	memset(p, 0, sizeof *p);
}

/* What went wrong on the handle: LDAP's message for rc and the server's
 * own words if it said any. */
static char *
ldapc_why(struct ldapc *lc, int rc)
{
	char	*diag = NULL, *s;

	if (lc->ld != NULL)
		ldap_get_option(lc->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (diag != NULL && *diag == '(')	/* GnuTLS's "(unknown ...)" */
		s = xasprintf("%s %s", ldap_err2string(rc), diag);
	else if (diag != NULL && *diag != '\0')
		s = xasprintf("%s (%s)", ldap_err2string(rc), diag);
	else
		s = xstrdup(ldap_err2string(rc));
	ldap_memfree(diag);
	return s;
}

/* Set *cause to "URL: what: LDAP's message". */
static void
ldapc_fail(struct ldapc *lc, int rc, char **cause, const char *what)
{
	char	*why = ldapc_why(lc, rc);

	*cause = xasprintf("%s: %s: %s", lc->conf->url, what, why);
	free(why);
}

/* Each URL of the list (space-separated) is ldaps://, or ldap:// with
 * StartTLS; all of one kind, so StartTLS is asked for on all or none. */
static int
ldapc_check_urls(const struct ldapc_conf *conf, int *starttls, char **cause)
{
	const char	*p = conf->url;
	size_t		 n;
	int		 tls = -1, this;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		n = strcspn(p, " \t,");
		if (n > 8 && strncasecmp(p, "ldaps://", 8) == 0)
			this = 1;
		else if (n > 7 && strncasecmp(p, "ldap://", 7) == 0)
			this = 0;
		else {
			*cause = xasprintf("%s: %.*s is neither ldaps:// nor "
			    "ldap://", conf->url, (int)n, p);
			return -1;
		}
		if (tls != -1 && this != tls) {
			*cause = xasprintf("%s: ldaps:// and ldap:// mixed in "
			    "one list", conf->url);
			return -1;
		}
		tls = this;
		p += n;
	}
	if (tls == -1) {
		*cause = xstrdup("no LDAP URL configured");
		return -1;
	}
	if (!tls && !conf->starttls) {
		*cause = xasprintf("%s: refused: passwords would cross the "
		    "network unencrypted (use ldaps:// or StartTLS)", conf->url);
		return -1;
	}
	*starttls = !tls;
	return 0;
}

/* Resolve the conf against the defaults. */
static int
ldapc_setup(struct ldapc *lc, const struct ldapc_conf *conf, char **cause)
{
	size_t	i, n = 0;

	memset(lc, 0, sizeof *lc);
	lc->conf = conf;
	lc->tv.tv_sec = conf->timeout > 0 ? conf->timeout : LDAPC_TIMEOUT;
	if (conf->url == NULL) {
		*cause = xstrdup("no LDAP URL configured");
		return -1;
	}
	if (conf->base_dn == NULL || *conf->base_dn == '\0') {
		*cause = xasprintf("%s: no base_dn configured", conf->url);
		return -1;
	}
	lc->filter = ldapc_or(conf->user_filter, LDAPC_FILTER);
	if (strstr(lc->filter, "%s") == NULL) {
		*cause = xasprintf("%s: user_filter %s has no %%s for the "
		    "username", conf->url, lc->filter);
		return -1;
	}
	for (i = 0; i < LDAPC_NFIELDS; i++) {
		lc->attr[i] = ldapc_or(*(const char **)((const char *)conf +
		    ldapc_fields[i].conf), ldapc_fields[i].fallback);
		lc->attrs[n++] = (char *)lc->attr[i];
	}
	lc->attrs[n++] = "userAccountControl";
	lc->member_attr = ldapc_or(conf->group_member_attr, "member");
	if (conf->ad_nested)
		lc->how = LDAPC_IN_CHAIN_RULE;
	else if (strcasecmp(lc->member_attr, "memberOf") == 0) {
		lc->how = LDAPC_MEMBER_OF;
		lc->attrs[n++] = (char *)lc->member_attr;
	} else
		lc->how = LDAPC_ON_GROUP;
	lc->attrs[n] = NULL;
	lc->allowed.key = "allowed_group";
	lc->allowed.dn = ldapc_or(conf->allowed_group, NULL);
	lc->admin.key = "admin_group";
	lc->admin.dn = ldapc_or(conf->admin_group, NULL);
	return 0;
}

/* Set one option on the handle. */
static int
ldapc_option(struct ldapc *lc, int option, const void *value,
    const char *name, char **cause)
{
	int	rc;

	if ((rc = ldap_set_option(lc->ld, option, value)) == LDAP_OPT_SUCCESS)
		return 0;
	*cause = xasprintf("%s: setting %s failed: %s", lc->conf->url, name,
	    ldap_err2string(rc));
	return -1;
}

/* Shut the socket down at the deadline unless the handshake is done. */
static void *
ldapc_watchdog(void *arg)
{
	struct ldapc_watch	*w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->done) {
		if (pthread_cond_timedwait(&w->cond, &w->lock,
		    &w->deadline) == ETIMEDOUT) {
			if (!w->done) {
				shutdown(w->fd, SHUT_RDWR);
				w->fired = 1;
			}
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Say the handshake is over (or its socket closing): the watchdog leaves
 * the fd alone from now on. */
static void
ldapc_watch_done(struct ldapc_watch *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Stop the watchdog and wait for it. */
static void
ldapc_watch_stop(struct ldapc_watch *w)
{
	if (!w->running)
		return;
	ldapc_watch_done(w);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	w->running = 0;
}

/*
 * libldap's callback once TCP is connected, before TLS: start the
 * handshake's watchdog and make the handshake blocking (see struct
 * ldapc_watch). A failure after this is TLS's, which libldap (on GnuTLS)
 * can only call "unknown".
 */
static int
ldapc_connected(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv,
    struct sockaddr *addr, struct ldap_conncb *cb)
{
	struct ldapc		*lc = cb->lc_arg;
	struct ldapc_watch	*w = &lc->watch;
	struct timeval		 forever = { -1, 0 };
	pthread_condattr_t	 attr;

	lc->connected = 1;
	if (w->running ||
	    ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &w->fd) != 1)
		return 0;
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &forever);
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_sec += lc->tv.tv_sec;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&w->lock, NULL);
	w->done = w->fired = 0;
	if ((w->error = pthread_create(&w->thread, NULL, ldapc_watchdog,
	    w)) != 0) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		return -1;	/* libldap closes the connection */
	}
	w->running = 1;
	return 0;
}

/* libldap's callback as a connection closes: the watchdog must not touch
 * a descriptor that may soon be someone else's. */
static void
ldapc_disconnected(LDAP *ld, Sockbuf *sb, struct ldap_conncb *cb)
{
	struct ldapc	*lc = cb->lc_arg;

	ldapc_watch_done(&lc->watch);
}

/* Set *cause for a connection or StartTLS that failed. */
static void
ldapc_fail_tls(struct ldapc *lc, int rc, const char *cafile, char **cause)
{
	const struct ldapc_conf	*conf = lc->conf;
	char			*why;

	if (lc->watch.error != 0) {
		*cause = xasprintf("%s: no thread to time the TLS handshake: %s",
		    conf->url, strerror(lc->watch.error));
		return;
	}
	if (lc->watch.fired) {
		*cause = xasprintf("%s: %s did not finish within %lds",
		    conf->url, lc->starttls ? "StartTLS" : "the TLS handshake",
		    (long)lc->tv.tv_sec);
		return;
	}
	if (rc == LDAP_TIMEOUT || !lc->connected || (rc != LDAP_SERVER_DOWN &&
	    rc != LDAP_CONNECT_ERROR)) {
		ldapc_fail(lc, rc, cause, lc->starttls ? "StartTLS" :
		    "connect");
		if (rc == LDAP_TIMEOUT || rc == LDAP_SERVER_DOWN) {
			why = *cause;
			*cause = xasprintf("%s (after at most %lds)", why,
			    (long)lc->tv.tv_sec);
			free(why);
		}
		return;
	}
	why = ldapc_why(lc, rc);
	*cause = xasprintf("%s: TLS handshake failed: the server's certificate "
	    "is not signed by %s%s, has expired, or does not name the host; or "
	    "the server does not speak TLS there (%s)", conf->url,
	    conf->ca_file != NULL && *conf->ca_file != '\0' ? "ca_file " :
	    "a CA of the system's in ", cafile != NULL ? cafile :
	    ldapc_sys_cadir, why);
	free(why);
}

/* Connect with TLS required, the certificate checked against ca_file (or
 * the system's CAs), and bind as the service account. */
static int
ldapc_open(struct ldapc *lc, char **cause)
{
	const struct ldapc_conf	*conf = lc->conf;
	const char		*cafile = conf->ca_file, *cadir = NULL;
	struct berval		 cred;
	int			 rc, v3 = LDAP_VERSION3, zero = 0;
	int			 demand = LDAP_OPT_X_TLS_DEMAND;
	int			 tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;

	if (ldapc_check_urls(conf, &lc->starttls, cause) != 0)
		return -1;
	pthread_once(&ldapc_once, ldapc_init);
	if (cafile == NULL || *cafile == '\0') {
		cafile = ldapc_sys_cafile;
		cadir = ldapc_sys_cadir;
		if (cafile == NULL && cadir == NULL) {
			*cause = xasprintf("%s: no CA file: none configured "
			    "(ca_file) and none of the system's found",
			    conf->url);
			return -1;
		}
	} else if (access(cafile, R_OK) != 0) {
		*cause = xasprintf("%s: ca_file %s: %s", conf->url, cafile,
		    strerror(errno));
		return -1;
	}
	if ((rc = ldap_initialize(&lc->ld, conf->url)) != LDAP_SUCCESS) {
		lc->ld = NULL;
		*cause = xasprintf("%s: %s", conf->url, ldap_err2string(rc));
		return -1;
	}
	lc->conncb.lc_add = ldapc_connected;
	lc->conncb.lc_del = ldapc_disconnected;
	lc->conncb.lc_arg = lc;
	if (ldapc_option(lc, LDAP_OPT_CONNECT_CB, &lc->conncb,
	    "the connect callback", cause) != 0 ||
	    ldapc_option(lc, LDAP_OPT_PROTOCOL_VERSION, &v3,
	    "the protocol version", cause) != 0 ||
	    ldapc_option(lc, LDAP_OPT_NETWORK_TIMEOUT, &lc->tv,
	    "the network timeout", cause) != 0 ||
	    ldapc_option(lc, LDAP_OPT_TIMEOUT, &lc->tv,
	    "the timeout", cause) != 0 ||
	    ldapc_option(lc, LDAP_OPT_REFERRALS, LDAP_OPT_OFF,
	    "referrals off", cause) != 0 ||
	    ldapc_option(lc, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand,
	    "the certificate check", cause) != 0 ||
	    ldapc_option(lc, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12,
	    "TLS 1.2 at least", cause) != 0 ||
	    (cafile != NULL && ldapc_option(lc, LDAP_OPT_X_TLS_CACERTFILE,
	    cafile, "the CA file", cause) != 0) ||
	    (cadir != NULL && ldapc_option(lc, LDAP_OPT_X_TLS_CACERTDIR,
	    cadir, "the CA folder", cause) != 0))
		return -1;
	/* The handle's TLS options take effect only in a context of its own
	 * (else it shares the one made from ldap.conf). */
	if (ldapc_option(lc, LDAP_OPT_X_TLS_NEWCTX, &zero,
	    "a TLS context with the CA", cause) != 0)
		return -1;

	if (lc->starttls)
		rc = ldap_start_tls_s(lc->ld, NULL, NULL);
	else
		rc = ldap_connect(lc->ld);
	ldapc_watch_stop(&lc->watch);
	if (rc != LDAP_SUCCESS) {
		ldapc_fail_tls(lc, rc, cafile, cause);
		return -1;
	}
	if (!ldap_tls_inplace(lc->ld)) {
		*cause = xasprintf("%s: the connection is not encrypted",
		    conf->url);
		return -1;
	}

	if (conf->bind_dn == NULL || *conf->bind_dn == '\0')
		return 0;	/* anonymous search */
	if (conf->bind_password == NULL || *conf->bind_password == '\0') {
		*cause = xasprintf("%s: bind_dn %s has no bind_password (LDAP "
		    "would take that for an unauthenticated bind)", conf->url,
		    conf->bind_dn);
		return -1;
	}
	cred.bv_val = (char *)conf->bind_password;
	cred.bv_len = strlen(conf->bind_password);
	rc = ldap_sasl_bind_s(lc->ld, conf->bind_dn, LDAP_SASL_SIMPLE, &cred,
	    NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		ldapc_fail(lc, rc, cause, "service bind");
		return -1;
	}
	return 0;
}

/* Close the connection and free what the call gathered. */
static void
ldapc_close(struct ldapc *lc)
{
	struct ldapc_group	*g[] = { &lc->allowed, &lc->admin };
	size_t			 i, j;

	if (lc->ld != NULL)
		ldap_unbind_ext_s(lc->ld, NULL, NULL);
	lc->ld = NULL;
	ldapc_watch_stop(&lc->watch);
	for (i = 0; i < nitems(g); i++) {
		free(g[i]->canon);
		for (j = 0; j < g[i]->members.n; j++)
			free(g[i]->members.v[j]);
		free(g[i]->members.v);
	}
}

/*
 * A DN in a form in which two spellings of one DN are the same string:
 * attribute types and values lowercased (ASCII), every value's escapes
 * decoded and written again one way. NULL if it does not parse.
 */
static char *
ldapc_dn_canon(const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	struct berval		 bv;
	LDAPDN			 dn = NULL;
	LDAPRDN			 rdn;
	LDAPAVA			*ava;
	struct berval		*b;
	char			*out, *o;
	size_t			 size = 1, i, j, k;
	unsigned char		 c;

	bv.bv_val = (char *)s;
	bv.bv_len = len;
	if (ldap_bv2dn(&bv, &dn, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
		return NULL;
	for (i = 0; dn != NULL && dn[i] != NULL; i++) {
		for (j = 0; dn[i][j] != NULL; j++)
			size += dn[i][j]->la_attr.bv_len +
			    dn[i][j]->la_value.bv_len * 3 + 3;
	}
	out = o = xmalloc(size);
	for (i = 0; dn != NULL && dn[i] != NULL; i++) {
		rdn = dn[i];
		if (i > 0)
			*o++ = ',';
		for (j = 0; rdn[j] != NULL; j++) {
			ava = rdn[j];
			if (j > 0)
				*o++ = '+';
			for (k = 0; k < ava->la_attr.bv_len; k++)
				*o++ = tolower((unsigned char)
				    ava->la_attr.bv_val[k]);
			*o++ = '=';
			b = &ava->la_value;
			for (k = 0; k < b->bv_len; k++) {
				c = b->bv_val[k];
				if (isalnum(c) || c == ' ' || c == '-' ||
				    c == '.' || c == '_')
					*o++ = tolower(c);
				else {
					*o++ = '\\';
					*o++ = hex[c >> 4];
					*o++ = hex[c & 0xf];
				}
			}
		}
	}
	*o = '\0';
	ldap_dnfree(dn);
	return out;
}

/* A member value's DN: uniqueMember may end in an optional "#'0101'B". */
static size_t
ldapc_member_len(const char *s, size_t len)
{
	size_t	i;

	if (len < 4 || s[len - 1] != 'B' || s[len - 2] != '\'')
		return len;
	for (i = len - 2; i > 1; i--) {
		if (s[i - 1] == '\'' && s[i - 2] == '#')
			return i - 2;
		if (s[i - 1] != '0' && s[i - 1] != '1')
			break;
	}
	return len;
}

/* Add a canonical DN to an (unsorted, for now) set. */
static void
ldapc_dnset_add(struct ldapc_dnset *set, char *canon)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->v = xrealloc(set->v, set->cap * sizeof *set->v);
	}
	set->v[set->n++] = canon;
}

/* Order two canonical DNs. */
static int
ldapc_dncmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort a set so ldapc_dnset_has can search it. */
static void
ldapc_dnset_sort(struct ldapc_dnset *set)
{
	if (set->n > 1)
		qsort(set->v, set->n, sizeof *set->v, ldapc_dncmp);
}

/* Whether a sorted set holds a canonical DN. */
static int
ldapc_dnset_has(const struct ldapc_dnset *set, const char *canon)
{
	if (set->n == 0 || canon == NULL)
		return 0;
	return bsearch(&canon, set->v, set->n, sizeof *set->v,
	    ldapc_dncmp) != NULL;
}

/* An attribute's values on an entry as canonical DNs, added to set. */
static void
ldapc_dnset_values(struct ldapc *lc, LDAPMessage *e, const char *attr,
    struct ldapc_dnset *set)
{
	struct berval	**vals;
	char		 *canon;
	size_t		  i;

	if ((vals = ldap_get_values_len(lc->ld, e, attr)) == NULL)
		return;
	for (i = 0; vals[i] != NULL; i++) {
		canon = ldapc_dn_canon(vals[i]->bv_val,
		    ldapc_member_len(vals[i]->bv_val, vals[i]->bv_len));
		if (canon != NULL)
			ldapc_dnset_add(set, canon);
	}
	ldap_value_free_len(vals);
}

/* Fill the filter with value in place of each %s. */
static char *
ldapc_filter(const char *filter, const char *value)
{
	const char	*p, *hit;
	char		*out, *o;
	size_t		 n = 0, vlen = strlen(value);

	for (p = filter; (p = strstr(p, "%s")) != NULL; p += 2)
		n++;
	out = o = xmalloc(strlen(filter) + n * vlen + 1);
	for (p = filter; (hit = strstr(p, "%s")) != NULL; p = hit + 2) {
		memcpy(o, p, hit - p);
		o += hit - p;
		memcpy(o, value, vlen);
		o += vlen;
	}
	strcpy(o, p);
	return out;
}

/* The filter of a group's members, nested groups and all, by AD's in-chain
 * rule; with people (the user filter), only those of them. */
static char *
ldapc_chain_filter(const char *people, const char *group)
{
	char	*g, *f;

	g = ldapc_escape(group);
	if (people != NULL)
		f = xasprintf("(&%s(memberOf:" LDAPC_IN_CHAIN ":=%s))",
		    people, g);
	else
		f = xasprintf("(memberOf:" LDAPC_IN_CHAIN ":=%s)", g);
	free(g);
	return f;
}

/* Whether an entry came with an attribute in AD's ranged form
 * ("member;range=0-1499"): a group too large to read at once. */
static int
ldapc_ranged(struct ldapc *lc, LDAPMessage *e)
{
	BerElement	*ber = NULL;
	char		*a;
	int		 ranged = 0;

	for (a = ldap_first_attribute(lc->ld, e, &ber); a != NULL;
	    a = ldap_next_attribute(lc->ld, e, ber)) {
		if (strcasestr(a, ";range=") != NULL)
			ranged = 1;
		ldap_memfree(a);
	}
	ber_free(ber, 0);
	return ranged;
}

/* Read a group the conf names: it must exist (else a typo would quietly
 * lock everyone out), and with members on the group, read them. */
static int
ldapc_group_read(struct ldapc *lc, struct ldapc_group *g, char **cause)
{
	LDAPMessage	*res = NULL, *e;
	char		*attrs[] = { "1.1", NULL }, *what;
	int		 rc;

	if (g->dn == NULL)
		return 0;
	if ((g->canon = ldapc_dn_canon(g->dn, strlen(g->dn))) == NULL) {
		*cause = xasprintf("%s: %s %s is not a DN", lc->conf->url,
		    g->key, g->dn);
		return -1;
	}
	if (lc->how == LDAPC_ON_GROUP)
		attrs[0] = (char *)lc->member_attr;
	rc = ldap_search_ext_s(lc->ld, g->dn, LDAP_SCOPE_BASE,
	    "(objectClass=*)", attrs, 0, NULL, NULL, &lc->tv, 1, &res);
	if (rc != LDAP_SUCCESS || (e = ldap_first_entry(lc->ld, res)) ==
	    NULL) {
		if (rc == LDAP_SUCCESS)
			rc = LDAP_NO_SUCH_OBJECT;
		what = xasprintf("reading %s %s", g->key, g->dn);
		ldapc_fail(lc, rc, cause, what);
		free(what);
		ldap_msgfree(res);
		return -1;
	}
	if (lc->how == LDAPC_ON_GROUP) {
		if (ldapc_ranged(lc, e)) {
			*cause = xasprintf("%s: %s %s has more members than "
			    "the directory gives at once: use "
			    "group_member_attr memberOf", lc->conf->url,
			    g->key, g->dn);
			ldap_msgfree(res);
			return -1;
		}
		ldapc_dnset_values(lc, e, lc->member_attr, &g->members);
		ldapc_dnset_sort(&g->members);
	}
	ldap_msgfree(res);
	return 0;
}

/* A value as text: UTF-8 without NUL or control characters, else NULL. */
static char *
ldapc_text(const struct berval *bv)
{
	size_t	i;

	if (bv->bv_len == 0 ||
	    !utf8_valid((const unsigned char *)bv->bv_val, bv->bv_len))
		return NULL;
	for (i = 0; i < bv->bv_len; i++) {
		if ((unsigned char)bv->bv_val[i] < 0x20 ||
		    bv->bv_val[i] == 0x7f)
			return NULL;
	}
	return xstrndup(bv->bv_val, bv->bv_len);
}

/* The stable id: AD's GUID in its text form, text as it is, anything
 * else binary in hex. */
static char *
ldapc_id(const char *attr, const struct berval *bv)
{
	static const char	 hex[] = "0123456789abcdef";
	char			*s;
	size_t			 i;

	if (strcasecmp(attr, "objectGUID") == 0 &&
	    (s = ldapc_guid(bv->bv_val, bv->bv_len)) != NULL)
		return s;
	if ((s = ldapc_text(bv)) != NULL)
		return s;
	s = xmalloc(bv->bv_len * 2 + 1);
	for (i = 0; i < bv->bv_len; i++) {
		s[i * 2] = hex[(unsigned char)bv->bv_val[i] >> 4];
		s[i * 2 + 1] = hex[(unsigned char)bv->bv_val[i] & 0xf];
	}
	s[bv->bv_len * 2] = '\0';
	return s;
}

/* Whether a person is in a group, from what was read of it. */
static int
ldapc_in_group(struct ldapc *lc, struct ldapc_group *g, const char *canon,
    const struct ldapc_dnset *memberof)
{
	if (g->dn == NULL || canon == NULL)
		return 0;
	if (lc->how == LDAPC_MEMBER_OF)
		return ldapc_dnset_has(memberof, g->canon);
	return ldapc_dnset_has(&g->members, canon);
}

/*
 * Read a person from a search's entry: the fields, whether AD disabled
 * them, and (memberOf) their groups. Groups on the group and by the
 * in-chain rule are for the caller. -1 and *cause if the entry has no id
 * or no username.
 */
static int
ldapc_person_read(struct ldapc *lc, LDAPMessage *e, struct ldapc_person *p,
    char **canon, int *disabled, struct ldapc_dnset *memberof, char **cause)
{
	struct berval	**vals;
	char		 *dn, **field, *uac;
	size_t		  i;

	memset(p, 0, sizeof *p);
	*disabled = 0;
	if ((dn = ldap_get_dn(lc->ld, e)) == NULL) {
		*cause = xasprintf("%s: an entry without a DN", lc->conf->url);
		return -1;
	}
	p->dn = xstrdup(dn);
	ldap_memfree(dn);
	*canon = ldapc_dn_canon(p->dn, strlen(p->dn));
	for (i = 0; i < LDAPC_NFIELDS; i++) {
		field = (char **)((char *)p + ldapc_fields[i].person);
		vals = ldap_get_values_len(lc->ld, e, lc->attr[i]);
		if (vals != NULL && vals[0] != NULL) {
			if (ldapc_fields[i].person ==
			    offsetof(struct ldapc_person, id))
				*field = ldapc_id(lc->attr[i], vals[0]);
			else
				*field = ldapc_text(vals[0]);
		}
		ldap_value_free_len(vals);
		if (*field == NULL && ldapc_fields[i].required) {
			*cause = xasprintf("%s: %s has no %s (%s)",
			    lc->conf->url, p->dn, lc->attr[i],
			    ldapc_fields[i].key);
			return -1;
		}
	}
	if ((vals = ldap_get_values_len(lc->ld, e, "userAccountControl")) !=
	    NULL && vals[0] != NULL) {
		uac = xstrndup(vals[0]->bv_val, vals[0]->bv_len);
		*disabled = (strtol(uac, NULL, 10) & LDAPC_UAC_DISABLED) != 0;
		free(uac);
	}
	ldap_value_free_len(vals);
	if (lc->how == LDAPC_MEMBER_OF) {
		ldapc_dnset_values(lc, e, lc->member_attr, memberof);
		ldapc_dnset_sort(memberof);
	}
	return 0;
}

/* Empty a set. */
static void
ldapc_dnset_clear(struct ldapc_dnset *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof *set);
}

/* Whether the person at dn is in a group by the in-chain rule: AD answers
 * a base search of their entry. */
static int
ldapc_in_chain(struct ldapc *lc, const char *dn, struct ldapc_group *g,
    int *member, char **cause)
{
	LDAPMessage	*res = NULL;
	char		*attrs[] = { "1.1", NULL }, *filter, *what;
	int		 rc;

	filter = ldapc_chain_filter(NULL, g->dn);
	rc = ldap_search_ext_s(lc->ld, dn, LDAP_SCOPE_BASE, filter, attrs, 0,
	    NULL, NULL, &lc->tv, 1, &res);
	free(filter);
	if (rc != LDAP_SUCCESS) {
		what = xasprintf("asking whether %s is in %s %s", dn, g->key,
		    g->dn);
		ldapc_fail(lc, rc, cause, what);
		free(what);
		ldap_msgfree(res);
		return -1;
	}
	*member = ldap_count_entries(lc->ld, res) > 0;
	ldap_msgfree(res);
	return 0;
}

/* Whether the bind's result speaks of the person (DENIED). */
static int
ldapc_bind_denied(int rc)
{
	size_t	i;

	for (i = 0; i < nitems(ldapc_bind_denials); i++) {
		if (ldapc_bind_denials[i] == rc)
			return 1;
	}
	return 0;
}

/* Sign a person in (lib.h). */
int
ldapc_authenticate(const struct ldapc_conf *conf, const char *username,
    const char *password, struct ldapc_person *out, char **cause)
{
	struct ldapc		 lc;
	struct ldapc_person	 p;
	struct ldapc_dnset	 memberof = { NULL, 0, 0 };
	LDAPMessage		*res = NULL, *e;
	struct berval		 cred;
	char			*value, *what, *filter = NULL, *canon = NULL;
	int			 rc, n, ret = LDAPC_ERROR, disabled;
	int			 allowed = 1, admin = 0;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	*cause = NULL;
	if (username == NULL || *username == '\0') {
		*cause = xstrdup("no username given");
		return LDAPC_DENIED;
	}
	if (strlen(username) > LDAPC_USERNAME_MAX) {
		*cause = xasprintf("a username of %zu bytes (at most %d)",
		    strlen(username), LDAPC_USERNAME_MAX);
		return LDAPC_DENIED;
	}
	if (password == NULL || *password == '\0') {
		*cause = xasprintf("%s: an empty password (never sent: LDAP "
		    "would take it for an unauthenticated bind)", username);
		return LDAPC_DENIED;
	}
	if (strlen(password) > PASSWORD_MAX) {
		*cause = xasprintf("%s: a password of more than %d bytes",
		    username, PASSWORD_MAX);
		return LDAPC_DENIED;
	}
	if (ldapc_setup(&lc, conf, cause) != 0)
		return LDAPC_ERROR;
	if (ldapc_open(&lc, cause) != 0)
		goto out;

	value = ldapc_escape(username);
	filter = ldapc_filter(lc.filter, value);
	free(value);
	/* Two are enough to know there is more than one. */
	rc = ldap_search_ext_s(lc.ld, conf->base_dn, LDAP_SCOPE_SUBTREE,
	    filter, lc.attrs, 0, NULL, NULL, &lc.tv, 2, &res);
	n = res != NULL ? ldap_count_entries(lc.ld, res) : 0;
	if (rc == LDAP_SIZELIMIT_EXCEEDED || n > 1) {
		*cause = xasprintf("%s: more than one entry under %s matches "
		    "%s", conf->url, conf->base_dn, filter);
		ret = LDAPC_DENIED;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		what = xasprintf("searching %s for %s", conf->base_dn, filter);
		ldapc_fail(&lc, rc, cause, what);
		free(what);
		goto out;
	}
	if (n == 0 || (e = ldap_first_entry(lc.ld, res)) == NULL) {
		*cause = xasprintf("%s: no entry under %s matches %s",
		    conf->url, conf->base_dn, filter);
		ret = LDAPC_DENIED;
		goto out;
	}
	if (ldapc_person_read(&lc, e, &p, &canon, &disabled, &memberof,
	    cause) != 0) {
		ret = LDAPC_DENIED;
		goto out;
	}
	if (disabled) {
		*cause = xasprintf("%s: %s is disabled in the directory "
		    "(userAccountControl)", conf->url, p.dn);
		ret = LDAPC_DENIED;
		goto out;
	}

	/* Groups as the service account, before the person's bind makes the
	 * connection theirs. */
	if (ldapc_group_read(&lc, &lc.allowed, cause) != 0 ||
	    ldapc_group_read(&lc, &lc.admin, cause) != 0)
		goto out;
	if (lc.how == LDAPC_IN_CHAIN_RULE) {
		if ((lc.allowed.dn != NULL && ldapc_in_chain(&lc, p.dn,
		    &lc.allowed, &allowed, cause) != 0) ||
		    (lc.admin.dn != NULL && ldapc_in_chain(&lc, p.dn,
		    &lc.admin, &admin, cause) != 0))
			goto out;
	} else {
		if (lc.allowed.dn != NULL)
			allowed = ldapc_in_group(&lc, &lc.allowed, canon,
			    &memberof);
		admin = ldapc_in_group(&lc, &lc.admin, canon, &memberof);
	}

	cred.bv_val = (char *)password;
	cred.bv_len = strlen(password);
	rc = ldap_sasl_bind_s(lc.ld, p.dn, LDAP_SASL_SIMPLE, &cred, NULL,
	    NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		what = xasprintf("bind as %s", p.dn);
		ldapc_fail(&lc, rc, cause, what);
		free(what);
		if (ldapc_bind_denied(rc))
			ret = LDAPC_DENIED;
		goto out;
	}
	if (!allowed) {
		*cause = xasprintf("%s: %s is not in allowed_group %s",
		    conf->url, p.dn, lc.allowed.dn);
		ret = LDAPC_DENIED;
		goto out;
	}
	p.allowed = 1;
	p.admin = admin;
	*out = p;
	memset(&p, 0, sizeof p);
	ret = LDAPC_OK;

out:
	ldapc_person_free(&p);
	ldapc_dnset_clear(&memberof);
	free(canon);
	free(filter);
	ldap_msgfree(res);
	ldapc_close(&lc);
	return ret;
}

/* Add an entry's DN to a set (ldapc_paged's callback): the people of a
 * group by the in-chain rule. */
static int
ldapc_collect(struct ldapc *lc, LDAPMessage *e, void *arg)
{
	struct ldapc_dnset	*set = arg;
	char			*dn, *canon;

	if ((dn = ldap_get_dn(lc->ld, e)) == NULL)
		return 0;
	if ((canon = ldapc_dn_canon(dn, strlen(dn))) != NULL)
		ldapc_dnset_add(set, canon);
	ldap_memfree(dn);
	return 0;
}

/* What ldapc_each hands its callback through ldapc_paged. */
struct ldapc_each_arg {
	void	(*cb)(const struct ldapc_person *, void *);
	void	 *arg;
	char	**cause;
};

/* Read one person of the list, fill in allowed and admin, hand it on. */
static int
ldapc_each_entry(struct ldapc *lc, LDAPMessage *e, void *arg)
{
	struct ldapc_each_arg	*ea = arg;
	struct ldapc_person	 p;
	struct ldapc_dnset	 memberof = { NULL, 0, 0 };
	char			*canon = NULL;
	int			 disabled, rc = -1;

	if (ldapc_person_read(lc, e, &p, &canon, &disabled, &memberof,
	    ea->cause) != 0)
		goto out;
	p.allowed = !disabled && (lc->allowed.dn == NULL ||
	    ldapc_in_group(lc, &lc->allowed, canon, &memberof));
	p.admin = ldapc_in_group(lc, &lc->admin, canon, &memberof);
	ea->cb(&p, ea->arg);
	rc = 0;
out:
	ldapc_person_free(&p);
	ldapc_dnset_clear(&memberof);
	free(canon);
	return rc;
}

/* The page size: LDAPC_PAGE, or HEARTH_LDAP_PAGE_SIZE (tests). */
static int
ldapc_page_size(void)
{
	const char	*s = getenv("HEARTH_LDAP_PAGE_SIZE");
	char		*end;
	long		 n;

	if (s == NULL || *s == '\0')
		return LDAPC_PAGE;
	n = strtol(s, &end, 10);
	if (*end != '\0' || n < 1 || n > LDAPC_PAGE_MAX)
		return LDAPC_PAGE;
	return (int)n;
}

/*
 * Search base_dn with filter page by page (RFC 2696) and hand each entry to
 * fn. The control is not critical: a directory without paging answers in
 * one piece, and if it cut that short, the size limit's error says so.
 */
static int
ldapc_paged(struct ldapc *lc, const char *filter, char **attrs,
    int (*fn)(struct ldapc *, LDAPMessage *, void *), void *arg,
    char **cause)
{
	struct berval	 cookie = { 0, NULL };
	LDAPControl	*page = NULL, *ctrls[2] = { NULL, NULL }, **rctrls;
	LDAPControl	*pr;
	LDAPMessage	*res, *e;
	ber_int_t	 estimate;
	char		*what;
	int		 rc, ret = -1, size = ldapc_page_size();

	do {
		res = NULL;
		rctrls = NULL;
		rc = ldap_create_page_control(lc->ld, size, &cookie, 0, &page);
		if (rc != LDAP_SUCCESS) {
			ldapc_fail(lc, rc, cause, "making a paged results "
			    "control");
			goto out;
		}
		ctrls[0] = page;
		rc = ldap_search_ext_s(lc->ld, lc->conf->base_dn,
		    LDAP_SCOPE_SUBTREE, filter, attrs, 0, ctrls, NULL, &lc->tv,
		    LDAP_NO_LIMIT, &res);
		ldap_control_free(page);
		page = NULL;
		if (rc != LDAP_SUCCESS) {
			what = xasprintf("searching %s for %s%s",
			    lc->conf->base_dn, filter,
			    rc == LDAP_SIZELIMIT_EXCEEDED ||
			    rc == LDAP_ADMINLIMIT_EXCEEDED ?
			    " (the directory cut the list short)" : "");
			ldapc_fail(lc, rc, cause, what);
			free(what);
			ldap_msgfree(res);
			goto out;
		}
		for (e = ldap_first_entry(lc->ld, res); e != NULL;
		    e = ldap_next_entry(lc->ld, e)) {
			if (fn(lc, e, arg) != 0) {
				ldap_msgfree(res);
				goto out;
			}
		}
		rc = ldap_parse_result(lc->ld, res, NULL, NULL, NULL, NULL,
		    &rctrls, 1);
		if (rc != LDAP_SUCCESS) {
			ldapc_fail(lc, rc, cause, "reading a page's end");
			goto out;
		}
		ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls,
		    NULL);
		if (pr != NULL && ldap_parse_pageresponse_control(lc->ld, pr,
		    &estimate, &cookie) != LDAP_SUCCESS) {
			ldap_controls_free(rctrls);
			*cause = xasprintf("%s: a paged results control that "
			    "does not parse", lc->conf->url);
			goto out;
		}
		ldap_controls_free(rctrls);
	} while (cookie.bv_len > 0);
	ret = 0;
out:
	ber_memfree(cookie.bv_val);
	return ret;
}

/* List the directory's people (lib.h). */
int
ldapc_each(const struct ldapc_conf *conf,
    void (*cb)(const struct ldapc_person *, void *), void *arg, char **cause)
{
	struct ldapc		 lc;
	struct ldapc_each_arg	 ea = { cb, arg, cause };
	struct ldapc_group	*g[2];
	char			*filter = NULL, *people = NULL;
	char			*attrs[] = { "1.1", NULL };
	size_t			 i;
	int			 ret = -1;

	*cause = NULL;
	if (ldapc_setup(&lc, conf, cause) != 0)
		return -1;
	g[0] = &lc.allowed;
	g[1] = &lc.admin;
	if (ldapc_open(&lc, cause) != 0)
		goto out;
	people = ldapc_filter(lc.filter, "*");
	for (i = 0; i < nitems(g); i++) {
		if (g[i]->dn == NULL)
			continue;
		if (ldapc_group_read(&lc, g[i], cause) != 0)
			goto out;
		if (lc.how != LDAPC_IN_CHAIN_RULE)
			continue;
		/* AD does the nesting; one search a group, not one a
		 * person. */
		filter = ldapc_chain_filter(people, g[i]->dn);
		if (ldapc_paged(&lc, filter, attrs, ldapc_collect,
		    &g[i]->members, cause) != 0)
			goto out;
		ldapc_dnset_sort(&g[i]->members);
		free(filter);
		filter = NULL;
	}
	filter = people;
	people = NULL;
	if (ldapc_paged(&lc, filter, lc.attrs, ldapc_each_entry, &ea,
	    cause) != 0)
		goto out;
	ret = 0;
out:
	free(people);
	free(filter);
	ldapc_close(&lc);
	return ret;
}
