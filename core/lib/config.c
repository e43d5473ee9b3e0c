/*
 * config.c: the INI-style config file ("key = value", '#' comments). Keys are
 * a table; every error names the file, the line and the key at fault, and an
 * unknown key stops startup rather than being silently ignored.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib.h"

#ifndef HEARTH_MODULE_DIR
#define HEARTH_MODULE_DIR "/usr/local/lib/hearth/modules"
#endif
#ifndef HEARTH_WEB_DIR
#define HEARTH_WEB_DIR "/usr/local/share/hearth"
#endif
#ifndef HEARTH_STATE_DIR
#define HEARTH_STATE_DIR "/usr/local/var/lib/hearth"
#endif

#define CONFIG_MAX_SIZE (1024 * 1024)
#define CONFIG_MAX_LISTEN 16

enum ctype { C_STRING, C_INT, C_LONG, C_DURATION, C_BOOL, C_SYNC, C_LOGLEVEL,
    C_LISTEN, C_URL, C_FAILURE, C_AUTHLOCAL, C_FILE, C_REACTIONS, C_BYTES };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 offset;
	long		 min, max;	/* C_INT, C_LONG, C_DURATION, C_BYTES */
};

#define F(x) offsetof(struct config, x)
static const struct ckey ckeys[] = {
	{ "listen",		  C_LISTEN,   0, 0, 0 },
	{ "data_dir",		  C_STRING,   F(data_dir), 0, 0 },
	{ "base_url",		  C_URL,      F(base_url), 0, 0 },
	{ "instance_title",	  C_STRING,   F(instance_title), 0, 0 },
	{ "modules",		  C_STRING,   F(modules), 0, 0 },
	{ "module_dir",		  C_STRING,   F(module_dir), 0, 0 },
	{ "module_failure",	  C_FAILURE,  F(module_failure_skip), 0, 0 },
	{ "web_dir",		  C_STRING,   F(web_dir), 0, 0 },
	{ "tls_cert",		  C_STRING,   F(tls_cert), 0, 0 },
	{ "tls_key",		  C_STRING,   F(tls_key), 0, 0 },
	{ "threads",		  C_INT,      F(threads), 0, 256 },
	{ "workers",		  C_INT,      F(workers), 0, 256 },
	{ "synchronous",	  C_SYNC,     F(synchronous), 0, 0 },
	{ "log_level",		  C_LOGLEVEL, F(log_level), 0, 0 },
	{ "session_idle_timeout", C_DURATION, F(session_idle), 1, 10L * 365 * 86400 },
	{ "session_lifetime",	  C_DURATION, F(session_lifetime), 1, 10L * 365 * 86400 },
	{ "request_timeout",	  C_DURATION, F(request_timeout), 1, 3600 },
	{ "header_timeout",	  C_DURATION, F(header_timeout), 1, 3600 },
	{ "keepalive_timeout",	  C_DURATION, F(keepalive_timeout), 1, 3600 },
	{ "min_body_rate",	  C_LONG,     F(min_body_rate), 0, 1L << 30 },
	{ "max_body_size",	  C_LONG,     F(max_body_size), 1024, 1L << 30 },
	{ "max_form_size",	  C_LONG,     F(max_form_size), 1024, 1L << 30 },
	{ "max_anon_body_size",	  C_LONG,     F(max_anon_body_size), 1024, 1L << 30 },
	{ "max_body_memory",	  C_LONG,     F(max_body_memory), 0, 1L << 40 },
	{ "max_header_size",	  C_LONG,     F(max_header_size), 1024, 1L << 20 },
	{ "max_connections",	  C_LONG,     F(max_connections), 0, 1L << 24 },
	{ "max_connections_per_ip", C_LONG,   F(max_connections_per_ip), 0, 1L << 24 },
	{ "login_account_limit",  C_INT,      F(login_account_limit), 1, 100000 },
	{ "login_ip_limit",	  C_INT,      F(login_ip_limit), 1, 1000000 },
	{ "login_window",	  C_DURATION, F(login_window), 1, 86400 },
	{ "trust_proxy",	  C_BOOL,     F(trust_proxy), 0, 0 },
	{ "metrics_listen",	  C_STRING,   F(metrics_listen), 0, 0 },
	{ "metrics_allow",	  C_STRING,   F(metrics_allow), 0, 0 },
	{ "home_feed_cache",	  C_INT,      F(home_feed_cache), 0, 10000000 },
	{ "cache_memory",	  C_BYTES,    F(cache_memory), 128L << 20, 1L << 40 },
	{ "db_mmap",		  C_BYTES,    F(db_mmap), 0, 1L << 40 },
	{ "home_prewarm_days",	  C_INT,      F(home_prewarm_days), 0, 3650 },
	{ "reactions",		  C_REACTIONS, F(reactions), 0, 0 },
	{ "media.max_image_size", C_LONG,     F(media_max_image_size), 1024, 1L << 30 },
	{ "media.max_image_pixels", C_LONG,   F(media_max_image_pixels), 1024, 8192L * 8192 },
	{ "media.image_side",	  C_INT,      F(media_image_side), 64, 8192 },
	{ "media.thumb_side",	  C_INT,      F(media_thumb_side), 32, 2048 },
	{ "media.max_file_size",  C_LONG,     F(media_max_file_size), 1024, 1L << 30 },
	{ "media.quota_per_person", C_LONG,   F(media_quota_person), 0, 1L << 50 },
	{ "media.quota_total",	  C_LONG,     F(media_quota_total), 0, 1L << 60 },
	{ "media.jobs",		  C_INT,      F(media_jobs), 1, 64 },
	{ "media.pdf_previews",	  C_BOOL,     F(media_pdf_previews), 0, 0 },
	{ "polls.max_options",	  C_INT,      F(poll_max_options), 2, 20 },
	{ "polls.max_option_chars", C_INT,    F(poll_max_option_chars), 1, 200 },
	{ "polls.min_expiration", C_LONG,     F(poll_min_expiration), 1, 31622400 },
	{ "polls.max_expiration", C_LONG,     F(poll_max_expiration), 60, 31622400 },
	{ "media.accel_redirect", C_STRING,   F(media_accel_redirect), 0, 0 },
	/* sign-in (docs/authentication.md) */
	{ "auth.local",		  C_AUTHLOCAL, F(auth_local), 0, 0 },
	{ "auth.former_employee_label", C_STRING, F(auth_former_label), 0, 0 },
	{ "auth.create_accounts", C_BOOL,     F(auth_create), 0, 0 },
	{ "auth.oidc.issuer",	  C_STRING,      F(oidc_issuer), 0, 0 },
	{ "auth.oidc.name",	  C_STRING,   F(oidc_name), 0, 0 },
	{ "auth.oidc.client_id",  C_STRING,   F(oidc_client_id), 0, 0 },
	{ "auth.oidc.client_secret", C_STRING, F(oidc_client_secret), 0, 0 },
	{ "auth.oidc.client_secret_file", C_FILE, F(oidc_client_secret), 0, 0 },
	{ "auth.oidc.private_key_file", C_FILE, F(oidc_private_key), 0, 0 },
	{ "auth.oidc.private_key_id", C_STRING, F(oidc_private_key_id), 0, 0 },
	{ "auth.oidc.scopes",	  C_STRING,   F(oidc_scopes), 0, 0 },
	{ "auth.oidc.ca_file",	  C_STRING,   F(oidc_ca_file), 0, 0 },
	{ "auth.oidc.claim_username", C_STRING, F(oidc_claim_username), 0, 0 },
	{ "auth.oidc.claim_display_name", C_STRING, F(oidc_claim_name), 0, 0 },
	{ "auth.oidc.claim_email", C_STRING,  F(oidc_claim_email), 0, 0 },
	{ "auth.oidc.claim_department", C_STRING, F(oidc_claim_department), 0, 0 },
	{ "auth.oidc.claim_job_title", C_STRING, F(oidc_claim_title), 0, 0 },
	{ "auth.oidc.claim_avatar", C_STRING, F(oidc_claim_avatar), 0, 0 },
	{ "auth.oidc.claim_groups", C_STRING, F(oidc_claim_groups), 0, 0 },
	{ "auth.oidc.allowed_group", C_STRING, F(oidc_allowed_group), 0, 0 },
	{ "auth.oidc.admin_group", C_STRING,  F(oidc_admin_group), 0, 0 },
	{ "auth.oidc.logout",	  C_BOOL,     F(oidc_logout), 0, 0 },
	{ "auth.oidc.max_session", C_DURATION, F(oidc_max_session), 60, 10L * 365 * 86400 },
	{ "auth.ldap.url",	  C_STRING,   F(ldap_url), 0, 0 },
	{ "auth.ldap.starttls",	  C_BOOL,     F(ldap_starttls), 0, 0 },
	{ "auth.ldap.ca_file",	  C_STRING,   F(ldap_ca_file), 0, 0 },
	{ "auth.ldap.bind_dn",	  C_STRING,   F(ldap_bind_dn), 0, 0 },
	{ "auth.ldap.bind_password", C_STRING, F(ldap_bind_password), 0, 0 },
	{ "auth.ldap.bind_password_file", C_FILE, F(ldap_bind_password), 0, 0 },
	{ "auth.ldap.base_dn",	  C_STRING,   F(ldap_base_dn), 0, 0 },
	{ "auth.ldap.user_filter", C_STRING,  F(ldap_user_filter), 0, 0 },
	{ "auth.ldap.id_attribute", C_STRING, F(ldap_id_attr), 0, 0 },
	{ "auth.ldap.username_attribute", C_STRING, F(ldap_username_attr), 0, 0 },
	{ "auth.ldap.name_attribute", C_STRING, F(ldap_name_attr), 0, 0 },
	{ "auth.ldap.email_attribute", C_STRING, F(ldap_email_attr), 0, 0 },
	{ "auth.ldap.department_attribute", C_STRING, F(ldap_department_attr), 0, 0 },
	{ "auth.ldap.title_attribute", C_STRING, F(ldap_title_attr), 0, 0 },
	{ "auth.ldap.allowed_group", C_STRING, F(ldap_allowed_group), 0, 0 },
	{ "auth.ldap.admin_group", C_STRING,  F(ldap_admin_group), 0, 0 },
	{ "auth.ldap.member_attribute", C_STRING, F(ldap_member_attr), 0, 0 },
	{ "auth.ldap.ad_nested",  C_BOOL,     F(ldap_ad_nested), 0, 0 },
	{ "auth.ldap.timeout",	  C_DURATION, F(ldap_timeout), 1, 300 },
	{ "auth.ldap.sync_interval", C_DURATION, F(ldap_sync_interval), 0, 30L * 86400 },
	{ "auth.scim",		  C_BOOL,     F(scim), 0, 0 },
	{ "auth.proxy_header",	  C_STRING,   F(proxy_header), 0, 0 },
	{ "auth.proxy_addresses", C_STRING,   F(proxy_addresses), 0, 0 },
	/* Web Push (docs/api.md, "Push") */
	{ "push.subject",	  C_STRING,   F(push_subject), 0, 0 },
	{ "push.allow_private",	  C_BOOL,     F(push_allow_private), 0, 0 },
	{ "push.concurrency",	  C_INT,      F(push_concurrency), 1, 64 },
	{ "push.retry_delay",	  C_DURATION, F(push_retry_delay), 1, 86400 },
	{ "push.give_up_after",	  C_DURATION, F(push_give_up), 60, 30L * 86400 },
	/* e-mail digests (docs/configuration.md, "Mail") */
	{ "mail.transport",	  C_STRING,   F(mail_transport), 0, 0 },
	{ "mail.from",		  C_STRING,   F(mail_from), 0, 0 },
	{ "mail.sendmail",	  C_STRING,   F(mail_sendmail), 0, 0 },
	{ "mail.smtp_url",	  C_STRING,   F(mail_smtp_url), 0, 0 },
	{ "mail.smtp_user",	  C_STRING,   F(mail_smtp_user), 0, 0 },
	{ "mail.smtp_password_file", C_FILE,  F(mail_smtp_password), 0, 0 },
	{ "mail.smtp_tls",	  C_BOOL,     F(mail_smtp_tls), 0, 0 },
	{ "mail.digest_hour",	  C_INT,      F(mail_digest_hour), 0, 23 },
	{ "groups.default",	  C_STRING,   F(groups_default), 0, 0 },
};

/* Key prefixes that belong to the core: a dotted key under one of them that
 * is not in the table is a typo, never a module's key. */
static const char *const core_prefixes[] = { "auth", "media", "mail", "groups",
    "push" };
#undef F

/* Fill in the defaults that apply when a key is absent. */
void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->data_dir = xstrdup(HEARTH_STATE_DIR);
	c->base_url = xstrdup("http://127.0.0.1:8080");
	c->instance_title = xstrdup(HEARTH_NAME);
	c->modules = xstrdup("");
	c->module_dir = xstrdup(HEARTH_MODULE_DIR);
	c->web_dir = xstrdup(HEARTH_WEB_DIR);
	c->threads = 0;			/* one per core */
	c->workers = 0;			/* one per core */
	c->synchronous = SYNC_FULL;
	c->log_level = LOG_INFO;
	c->session_idle = 7L * 86400;
	c->session_lifetime = 30L * 86400;
	c->request_timeout = 30;
	c->header_timeout = 10;
	c->keepalive_timeout = 30;
	c->min_body_rate = 1024;
	c->max_body_size = 8L << 20;
	c->max_form_size = 1L << 20;
	c->max_anon_body_size = 64L << 10;
	c->max_body_memory = 0;		/* 16 x max_body_size, >= 64 MiB */
	c->max_header_size = 16384;
	c->max_connections = 0;		/* from the open files limit */
	c->max_connections_per_ip = 0;	/* a sixteenth of that */
	c->login_account_limit = 5;
	c->login_ip_limit = 30;
	c->login_window = 300;
	c->trust_proxy = 0;
	c->metrics_listen = NULL;		/* no metrics listener */
	c->metrics_allow = xstrdup("127.0.0.0/8 ::1");
	c->home_feed_cache = 20000;
	c->cache_memory = 512L << 20;
	c->db_mmap = 2L << 30;		/* SQLite lowers it to its cap */
	c->home_prewarm_days = 7;
	c->media_max_image_size = 16L << 20;	/* as Mastodon */
	c->media_max_image_pixels = 40L * 1000 * 1000;
	c->media_image_side = 3840;
	c->media_thumb_side = 640;
	c->media_max_file_size = 40L << 20;
	c->media_quota_person = 2L << 30;
	c->media_quota_total = 0;		/* the disk is the limit */
	c->media_jobs = 2;
	c->media_pdf_previews = 0;
	c->poll_max_options = 4;		/* as Mastodon */
	c->poll_max_option_chars = 50;
	c->poll_min_expiration = 300;
	c->poll_max_expiration = 30L * 86400;
	c->media_accel_redirect = xstrdup("");
	c->reactions = xstrdup(CONFIG_REACTIONS_DEFAULT);
	c->auth_local = AUTH_LOCAL_ON;
	c->auth_create = 1;
	c->auth_former_label = xstrdup("Former employee");
	c->groups_default = xstrdup("All company");
	c->oidc_name = xstrdup("your company account");
	c->oidc_scopes = xstrdup("openid profile email");
	c->oidc_claim_username = xstrdup("preferred_username");
	c->oidc_claim_name = xstrdup("name");
	c->oidc_claim_email = xstrdup("email");
	c->oidc_claim_department = xstrdup("department");
	c->oidc_claim_title = xstrdup("job_title");
	c->oidc_claim_avatar = xstrdup("picture");
	c->oidc_claim_groups = xstrdup("groups");
	c->oidc_logout = 1;
	c->oidc_max_session = 0;		/* session_lifetime */
	c->ldap_starttls = 0;
	c->ldap_user_filter = xstrdup("(&(objectClass=inetOrgPerson)(uid=%s))");
	c->ldap_id_attr = xstrdup("entryUUID");
	c->ldap_username_attr = xstrdup("uid");
	c->ldap_name_attr = xstrdup("displayName");
	c->ldap_email_attr = xstrdup("mail");
	c->ldap_department_attr = xstrdup("departmentNumber");
	c->ldap_title_attr = xstrdup("title");
	c->ldap_member_attr = xstrdup("member");
	c->ldap_timeout = 10;
	c->ldap_sync_interval = 3600;
	c->push_subject = xstrdup("");		/* base_url */
	c->push_concurrency = 4;
	c->push_retry_delay = 30;
	c->push_give_up = 86400;
	c->mail_transport = xstrdup("");
	c->mail_sendmail = xstrdup("/usr/sbin/sendmail");
	c->mail_smtp_tls = 1;
	c->mail_digest_hour = 8;
}

/* Free everything a config owns. */
void
config_free(struct config *c)
{
	size_t	i;

	for (i = 0; i < c->nlisten; i++) {
		free(c->listen[i].host);
		free(c->listen[i].tls_cert);
		free(c->listen[i].tls_key);
	}
	free(c->listen);
	free(c->path);
	free(c->data_dir);
	free(c->base_url);
	free(c->instance_title);
	free(c->modules);
	free(c->media_accel_redirect);
	free(c->push_subject);
	free(c->reactions);
	free(c->auth_former_label);
	free(c->groups_default);
	free(c->oidc_issuer);
	free(c->oidc_name);
	free(c->oidc_client_id);
	free(c->oidc_client_secret);
	free(c->oidc_private_key);
	free(c->oidc_private_key_id);
	free(c->oidc_scopes);
	free(c->oidc_ca_file);
	free(c->oidc_claim_username);
	free(c->oidc_claim_name);
	free(c->oidc_claim_email);
	free(c->oidc_claim_department);
	free(c->oidc_claim_title);
	free(c->oidc_claim_avatar);
	free(c->oidc_claim_groups);
	free(c->oidc_allowed_group);
	free(c->oidc_admin_group);
	free(c->ldap_url);
	free(c->ldap_ca_file);
	free(c->ldap_bind_dn);
	free(c->ldap_bind_password);
	free(c->ldap_base_dn);
	free(c->ldap_user_filter);
	free(c->ldap_id_attr);
	free(c->ldap_username_attr);
	free(c->ldap_name_attr);
	free(c->ldap_email_attr);
	free(c->ldap_department_attr);
	free(c->ldap_title_attr);
	free(c->ldap_allowed_group);
	free(c->ldap_admin_group);
	free(c->ldap_member_attr);
	free(c->mail_transport);
	free(c->mail_from);
	free(c->mail_sendmail);
	free(c->mail_smtp_url);
	free(c->mail_smtp_user);
	free(c->mail_smtp_password);
	free(c->proxy_header);
	free(c->proxy_addresses);
	free(c->metrics_listen);
	free(c->metrics_allow);
	free(c->module_dir);
	for (i = 0; i < c->nmodkeys; i++) {
		free(c->modkeys[i].key);
		free(c->modkeys[i].value);
	}
	free(c->modkeys);
	free(c->web_dir);
	free(c->tls_cert);
	free(c->tls_key);
	memset(c, 0, sizeof *c);
}

/* Parse "ADDR:PORT [tls]", "[v6]:PORT" or ":PORT"; -1 with *why if bad. */
static int
config_listen(struct config *c, const char *v, const char **why)
{
	char		*copy = xstrdup(v), *p, *colon, *host, *end;
	long		 port;
	int		 tls = 0;

	if ((p = strchr(copy, ' ')) != NULL) {
		*p++ = '\0';
		while (*p == ' ')
			p++;
		if (strcmp(p, "tls") != 0) {
			*why = "expected ADDR:PORT optionally followed by 'tls'";
			goto bad;
		}
		tls = 1;
	}
	if (copy[0] == '[') {
		if ((p = strchr(copy, ']')) == NULL || p[1] != ':') {
			*why = "expected [IPV6]:PORT";
			goto bad;
		}
		*p = '\0';
		host = copy + 1;
		colon = p + 1;
	} else {
		if ((colon = strrchr(copy, ':')) == NULL) {
			*why = "expected ADDR:PORT";
			goto bad;
		}
		*colon = '\0';
		host = copy[0] ? copy : "0.0.0.0";
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno || port < 1 ||
	    port > 65535) {
		*why = "port must be a number from 1 to 65535";
		goto bad;
	}
	if (c->nlisten == CONFIG_MAX_LISTEN) {
		*why = "too many listen lines";
		goto bad;
	}
	c->listen = xrealloc(c->listen, (c->nlisten + 1) * sizeof *c->listen);
	memset(&c->listen[c->nlisten], 0, sizeof *c->listen);
	c->listen[c->nlisten].host = xstrdup(host);
	c->listen[c->nlisten].port = (int)port;
	c->listen[c->nlisten].tls = tls;
	c->nlisten++;
	free(copy);
	return 0;
bad:
	free(copy);
	return -1;
}

/*
 * A module's public listener ("ADDR:PORT" or "ADDR:PORT tls", with its
 * own certificate and key files, or NULL for the core's): it serves the
 * modules' public routes and nothing else.
 */
int
config_listen_public(struct config *c, const char *v, const char *cert,
    const char *key, const char **why)
{
	struct listen_addr	*la;
	size_t			 i;

	if (config_listen(c, v, why) != 0)
		return -1;
	la = &c->listen[c->nlisten - 1];
	for (i = 0; i + 1 < c->nlisten; i++) {
		if (c->listen[i].port == la->port &&
		    strcmp(c->listen[i].host, la->host) == 0) {
			*why = "the address is already one of hearthd's "
			    "listen addresses";
			free(la->host);
			c->nlisten--;
			return -1;
		}
	}
	la->public = 1;
	la->tls_cert = cert != NULL && *cert != '\0' ? xstrdup(cert) : NULL;
	la->tls_key = key != NULL && *key != '\0' ? xstrdup(key) : NULL;
	return 0;
}

/*
 * A secret kept in a file of its own (a client secret, a private key, a
 * bind password), so that hearth.conf can stay readable by more than
 * hearthd: its text without the final newline. -1 with *why if unreadable.
 */
static int
config_read_secret(const char *path, char **field, const char **why)
{
	static __thread char	 msg[256];
	FILE			*f;
	char			*buf;
	size_t			 len;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(msg, sizeof msg, "cannot read %s: %s", path,
		    strerror(errno));
		*why = msg;
		return -1;
	}
	buf = xmalloc(65537);
	len = fread(buf, 1, 65536, f);
	if (ferror(f) || !feof(f)) {
		fclose(f);
		free(buf);
		snprintf(msg, sizeof msg, "%s: unreadable or over 64 KiB", path);
		*why = msg;
		return -1;
	}
	fclose(f);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		free(buf);
		snprintf(msg, sizeof msg, "%s is empty or binary", path);
		*why = msg;
		return -1;
	}
	free(*field);
	*field = buf;
	return 0;
}

/* Levenshtein distance of two short strings (for "did you mean"). */
static size_t
config_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t	 row[80];

	if (lb >= nitems(row))
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			tmp = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < tmp)
				tmp = row[j] + 1;
			if (row[j - 1] + 1 < tmp)
				tmp = row[j - 1] + 1;
			row[j] = tmp;
			prev = cur;
		}
	}
	return row[lb];
}

/* The known key closest to an unknown one, if close enough to be a typo. */
static const char *
config_suggest(const char *key)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = 4;

	for (i = 0; i < nitems(ckeys); i++) {
		if ((d = config_distance(key, ckeys[i].name)) < bestd) {
			bestd = d;
			best = ckeys[i].name;
		}
	}
	return best;
}

/* Whether a dotted key is under one of the core's own prefixes. */
static int
config_core_prefix(const char *key)
{
	size_t	i, n;

	for (i = 0; i < nitems(core_prefixes); i++) {
		n = strlen(core_prefixes[i]);
		if (strncmp(key, core_prefixes[i], n) == 0 && key[n] == '.')
			return 1;
	}
	return 0;
}

/*
 * The reactions a company offers: emoji separated by spaces, at most
 * CONFIG_REACTIONS_MAX, each short, none twice, none plain ASCII (a word
 * is not a reaction), and 👍 among them: it is the favourite Mastodon
 * apps send, so it can never be taken away.
 */
static int
config_reactions_check(const char *v, const char **why)
{
	const char	*s = v, *tok[CONFIG_REACTIONS_MAX];
	size_t		 len[CONFIG_REACTIONS_MAX], n = 0, i, l;
	int		 thumbs = 0;

	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		for (l = 0; s[l] != '\0' && s[l] != ' ' && s[l] != '\t'; l++)
			;
		if (n == CONFIG_REACTIONS_MAX) {
			*why = "must name at most 8 emoji";
			return -1;
		}
		if (l > 32 || !utf8_valid((const unsigned char *)s, l)) {
			*why = "must be emoji separated by spaces";
			return -1;
		}
		for (i = 0; i < l; i++) {
			if ((unsigned char)s[i] < 0x80 && s[i] != '#' &&
			    s[i] != '*' && !(s[i] >= '0' && s[i] <= '9'))
				break;
		}
		if (i < l || (unsigned char)s[0] < 0x80) {
			*why = "must be emoji separated by spaces, not words";
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (len[i] == l && memcmp(tok[i], s, l) == 0) {
				*why = "names an emoji twice";
				return -1;
			}
		}
		if (l == 4 && memcmp(s, "\xf0\x9f\x91\x8d", 4) == 0)
			thumbs = 1;
		tok[n] = s;
		len[n++] = l;
		s += l;
	}
	if (!thumbs) {
		*why = "must include 👍 (the favourite of Mastodon apps)";
		return -1;
	}
	return 0;
}

/* Store one value by the key's type; -1 with *why if bad. */
static int
config_set(struct config *c, const struct ckey *k, const char *v,
    const char **why)
{
	void	*field = (char *)c + k->offset;
	char	*end;
	long	 n;

	switch (k->type) {
	case C_LISTEN:
		return config_listen(c, v, why);
	case C_URL:
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			*why = "must start with http:// or https://";
			return -1;
		}
		if (v[strlen(v) - 1] == '/') {
			*why = "must not end with '/'";
			return -1;
		}
		/* FALLTHROUGH */
	case C_STRING:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case C_INT:
	case C_LONG:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno || n < k->min ||
		    n > k->max) {
			*why = "must be a whole number in range";
			return -1;
		}
		if (k->type == C_LONG)
			*(long *)field = n;
		else
			*(int *)field = (int)n;
		return 0;
	case C_BYTES:
		/* bytes, or with K, M or G (KiB, MiB, GiB: powers of 1024) */
		errno = 0;
		n = strtol(v, &end, 10);
		if (end != v && *end != '\0') {
			int	shift = *end == 'K' ? 10 : *end == 'M' ? 20 :
				    *end == 'G' ? 30 : -1;

			if (shift < 0 || (end[1] != '\0' &&
			    strcmp(end + 1, "iB") != 0) || n > LONG_MAX >> shift)
				n = -1;
			else
				n <<= shift;
			end = (char *)"";
		}
		if (*v == '\0' || *end != '\0' || errno || n < k->min ||
		    n > k->max) {
			*why = "must be a size such as 536870912, 512M or 2G, in "
			    "range";
			return -1;
		}
		*(long *)field = n;
		return 0;
	case C_DURATION:
		if (duration_parse(v, &n) == -1 || n < k->min || n > k->max) {
			*why = "must be a duration such as 90s, 15m, 12h or 14d";
			return -1;
		}
		*(long *)field = n;
		return 0;
	case C_BOOL:
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0)
			*(int *)field = 1;
		else if (strcasecmp(v, "no") == 0 ||
		    strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
		    strcasecmp(v, "off") == 0)
			*(int *)field = 0;
		else {
			*why = "must be yes or no";
			return -1;
		}
		return 0;
	case C_SYNC: {
		static const char *const names[] = { "off", "normal", "full",
		    "extra" };
		size_t	i;

		for (i = 0; i < nitems(names); i++) {
			if (strcasecmp(v, names[i]) == 0) {
				*(enum sync_mode *)field = (enum sync_mode)i;
				return 0;
			}
		}
		*why = "must be off, normal, full or extra";
		return -1;
	}
	case C_FAILURE:
		if (strcmp(v, "stop") == 0 || strcmp(v, "skip") == 0) {
			*(int *)field = strcmp(v, "skip") == 0;
			return 0;
		}
		*why = "must be stop or skip";
		return -1;
	case C_AUTHLOCAL:
		if (strcasecmp(v, "on") == 0 || strcasecmp(v, "yes") == 0)
			*(enum auth_local *)field = AUTH_LOCAL_ON;
		else if (strcasecmp(v, "off") == 0 || strcasecmp(v, "no") == 0)
			*(enum auth_local *)field = AUTH_LOCAL_OFF;
		else if (strcasecmp(v, "admins_only") == 0)
			*(enum auth_local *)field = AUTH_LOCAL_ADMINS;
		else {
			*why = "must be on, off or admins_only";
			return -1;
		}
		return 0;
	case C_FILE:
		return config_read_secret(v, (char **)field, why);
	case C_REACTIONS:
		if (config_reactions_check(v, why) != 0)
			return -1;
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case C_LOGLEVEL:
		if (log_level_parse(v, (enum log_level *)field) == -1) {
			*why = "must be debug, info, warn or error";
			return -1;
		}
		return 0;
	}
	*why = "unhandled type";
	return -1;
}

/* Trim spaces from both ends in place. */
static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Set and not empty. */
static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

static int	config_check_mail(const struct config *, const char *, char **);
static int	config_check_metrics(struct config *, const char *, char **);

/*
 * The sign-in keys that only make sense together: an identity provider
 * half configured, or passwords switched off with nothing in their place,
 * stops startup rather than locking everyone out at the first sign-in.
 */
static int
config_check_auth(const struct config *c, const char *name, char **cause)
{
	if (set(c->oidc_issuer) && !set(c->oidc_client_id)) {
		*cause = xasprintf("%s: key 'auth.oidc.client_id': needed with "
		    "auth.oidc.issuer", name);
		return -1;
	}
	if (set(c->oidc_issuer) && !set(c->oidc_client_secret) &&
	    !set(c->oidc_private_key)) {
		*cause = xasprintf("%s: key 'auth.oidc.client_secret': needed "
		    "with auth.oidc.issuer (or auth.oidc.private_key_file)",
		    name);
		return -1;
	}
	if (!set(c->oidc_issuer) && (set(c->oidc_client_id) ||
	    set(c->oidc_client_secret) || set(c->oidc_private_key))) {
		*cause = xasprintf("%s: key 'auth.oidc.issuer': needed with the "
		    "other auth.oidc keys", name);
		return -1;
	}
	if (set(c->oidc_issuer) && strncmp(c->oidc_issuer, "https://", 8) != 0) {
		*cause = xasprintf("%s: key 'auth.oidc.issuer': must be an "
		    "https:// URL (got '%s')", name, c->oidc_issuer);
		return -1;
	}
	if (set(c->ldap_url)) {
		const char	*u = c->ldap_url;
		size_t		 len;

		/* several URLs (failover): each must be encrypted */
		for (; *(u += strspn(u, " \t")) != '\0'; u += len) {
			len = strcspn(u, " \t");
			if (strncmp(u, "ldaps://", 8) != 0 &&
			    (strncmp(u, "ldap://", 7) != 0 ||
			    !c->ldap_starttls)) {
				*cause = xasprintf("%s: key 'auth.ldap.url': "
				    "must be ldaps://, or ldap:// with "
				    "auth.ldap.starttls = yes: passwords never "
				    "cross the network in the clear (got "
				    "'%.*s')", name, (int)len, u);
				return -1;
			}
		}
		if (!set(c->ldap_base_dn)) {
			*cause = xasprintf("%s: key 'auth.ldap.base_dn': needed "
			    "with auth.ldap.url", name);
			return -1;
		}
		if (strstr(c->ldap_user_filter, "%s") == NULL) {
			*cause = xasprintf("%s: key 'auth.ldap.user_filter': "
			    "must contain %%s (the username)", name);
			return -1;
		}
	}
	if (set(c->proxy_header) != set(c->proxy_addresses)) {
		*cause = xasprintf("%s: key 'auth.proxy_addresses': "
		    "auth.proxy_header and auth.proxy_addresses go together "
		    "(the header is believed only from those addresses)", name);
		return -1;
	}
	if (set(c->proxy_addresses)) {
		const char *bad;

		if (addrlist_check(c->proxy_addresses, &bad) != 0) {
			*cause = xasprintf("%s: key 'auth.proxy_addresses': "
			    "expected addresses or ADDR/BITS separated by "
			    "spaces, at '%.40s'", name, bad);
			return -1;
		}
	}
	if (set(c->proxy_header) && (strcasecmp(c->proxy_header, "Cookie") ==
	    0 || strcasecmp(c->proxy_header, "Authorization") == 0 ||
	    strcasecmp(c->proxy_header, "Host") == 0)) {
		*cause = xasprintf("%s: key 'auth.proxy_header': '%s' cannot "
		    "name the person", name, c->proxy_header);
		return -1;
	}
	if (c->auth_local == AUTH_LOCAL_OFF && !set(c->oidc_issuer) &&
	    !set(c->ldap_url) && !set(c->proxy_header)) {
		*cause = xasprintf("%s: key 'auth.local': off, but no other way "
		    "to sign in is configured (auth.oidc.issuer, auth.ldap.url "
		    "or auth.proxy_header)", name);
		return -1;
	}
	return 0;
}

/*
 * Parse config text. name is what errors call the file. On error returns -1
 * and sets *cause to "FILE:LINE: key 'K': what is wrong".
 */
int
config_parse(struct config *c, const char *name, const char *text, size_t len,
    char **cause)
{
	char		*buf, *line, *next, *eq, *key, *value, *hash;
	const struct ckey *k;
	const char	*why;
	size_t		 i;
	int		 lineno = 0, rc = -1, seen_listen = 0;

	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s: contains a NUL byte", name);
		return -1;
	}
	buf = xstrndup(text, len);
	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		/* '#' starts a comment only at the start of a line or after
		 * white space, so values such as URLs with fragments survive. */
		for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++) {
			if (hash == line || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = '\0';
				break;
			}
		}
		line = trim(line);
		if (*line == '\0')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			*cause = xasprintf("%s:%d: expected 'key = value'",
			    name, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		for (k = NULL, i = 0; i < nitems(ckeys); i++) {
			if (strcmp(ckeys[i].name, key) == 0)
				k = &ckeys[i];
		}
		if (k == NULL && (strchr(key, '.') == NULL ||
		    config_core_prefix(key))) {
			const char *near = config_suggest(key);

			*cause = near != NULL ? xasprintf("%s:%d: unknown key "
			    "'%s' (did you mean '%s'?)", name, lineno, key,
			    near) : xasprintf("%s:%d: unknown key '%s'", name,
			    lineno, key);
			goto out;
		}
		if (k == NULL) {
			/* A module's key ("NAME.key"): the loader checks it
			 * against the module once it is loaded. */
			c->modkeys = xrealloc(c->modkeys, (c->nmodkeys + 1) *
			    sizeof *c->modkeys);
			c->modkeys[c->nmodkeys].key = xstrdup(key);
			c->modkeys[c->nmodkeys].value = xstrdup(value);
			c->modkeys[c->nmodkeys].line = lineno;
			c->nmodkeys++;
			continue;
		}
		if (*value == '\0' && k->type != C_STRING) {
			*cause = xasprintf("%s:%d: key '%s': needs a value", name,
			    lineno, key);
			goto out;
		}
		if (k->type == C_LISTEN && !seen_listen) {
			/* The file's listen lines replace the default. */
			for (i = 0; i < c->nlisten; i++)
				free(c->listen[i].host);
			c->nlisten = 0;
			seen_listen = 1;
		}
		if (config_set(c, k, value, &why) == -1) {
			*cause = xasprintf("%s:%d: key '%s': %s (got '%s')", name,
			    lineno, key, why, value);
			goto out;
		}
	}
	if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
		*cause = xasprintf("%s: tls_cert and tls_key go together", name);
		goto out;
	}
	for (i = 0; i < c->nlisten; i++) {
		if (c->listen[i].tls && c->tls_cert == NULL) {
			*cause = xasprintf("%s: listen %s:%d is tls but tls_cert "
			    "and tls_key are not set", name, c->listen[i].host,
			    c->listen[i].port);
			goto out;
		}
	}
	if (*c->data_dir == '\0') {
		*cause = xasprintf("%s: key 'data_dir': must not be empty", name);
		goto out;
	}
	if (config_check_auth(c, name, cause) != 0)
		goto out;
	if (config_check_mail(c, name, cause) != 0)
		goto out;
	if (config_check_metrics(c, name, cause) != 0)
		goto out;
	rc = 0;
out:
	free(buf);
	return rc;
}

/*
 * The metrics listener (metrics_listen = ADDR:PORT) joins the listeners
 * once the file's listen lines are all read (they replace the default
 * one; this must survive that), marked so only /metrics is served on it.
 * metrics_allow lists who may scrape: loopback unless widened.
 */
static int
config_check_metrics(struct config *c, const char *name, char **cause)
{
	const char	*why = NULL, *bad;
	size_t		 i;

	if (c->metrics_allow == NULL || addrlist_check(c->metrics_allow,
	    &bad) != 0) {
		*cause = xasprintf("%s: key 'metrics_allow': expected "
		    "addresses or ADDR/BITS separated by spaces, at '%.40s'",
		    name, c->metrics_allow != NULL ? bad : "");
		return -1;
	}
	if (!set(c->metrics_listen))
		return 0;
	if (config_listen(c, c->metrics_listen, &why) != 0) {
		*cause = xasprintf("%s: key 'metrics_listen': %s", name, why);
		return -1;
	}
	c->listen[c->nlisten - 1].metrics = 1;
	for (i = 0; i + 1 < c->nlisten; i++) {
		if (c->listen[i].port == c->listen[c->nlisten - 1].port &&
		    strcmp(c->listen[i].host,
		    c->listen[c->nlisten - 1].host) == 0) {
			*cause = xasprintf("%s: key 'metrics_listen': %s is "
			    "also a listen address; the metrics need one of "
			    "their own", name, c->metrics_listen);
			return -1;
		}
	}
	if (c->listen[c->nlisten - 1].tls && c->tls_cert == NULL) {
		*cause = xasprintf("%s: key 'metrics_listen': tls, but "
		    "tls_cert and tls_key are not set", name);
		return -1;
	}
	return 0;
}

/*
 * The mail keys that only make sense together: a transport with nowhere to
 * send from, an SMTP relay without its URL, or a plain-text relay that is
 * not on this machine stops startup rather than failing at the first digest.
 */
static int
config_check_mail(const struct config *c, const char *name, char **cause)
{
	const char	*u = c->mail_smtp_url;
	const char	*host;

	if (!set(c->mail_transport))
		return 0;
	if (strcmp(c->mail_transport, "sendmail") != 0 &&
	    strcmp(c->mail_transport, "smtp") != 0) {
		*cause = xasprintf("%s: key 'mail.transport': must be sendmail "
		    "or smtp (got '%s')", name, c->mail_transport);
		return -1;
	}
	if (!set(c->mail_from) || strchr(c->mail_from, '@') == NULL ||
	    strpbrk(c->mail_from, "\r\n<>") != NULL) {
		*cause = xasprintf("%s: key 'mail.from': an address such as "
		    "hearth@example.com is needed with mail.transport", name);
		return -1;
	}
	if (!set(c->base_url)) {
		*cause = xasprintf("%s: key 'base_url': needed with "
		    "mail.transport (the links in e-mails)", name);
		return -1;
	}
	if (strcmp(c->mail_transport, "sendmail") == 0) {
		if (!set(c->mail_sendmail) || *c->mail_sendmail != '/') {
			*cause = xasprintf("%s: key 'mail.sendmail': must be an "
			    "absolute path", name);
			return -1;
		}
		return 0;
	}
	if (!set(u) || (strncmp(u, "smtp://", 7) != 0 &&
	    strncmp(u, "smtps://", 8) != 0)) {
		*cause = xasprintf("%s: key 'mail.smtp_url': needed with "
		    "mail.transport = smtp, as smtp://host:port or "
		    "smtps://host:port", name);
		return -1;
	}
	host = u + (u[4] == 's' ? 8 : 7);
	if (!c->mail_smtp_tls && strncmp(u, "smtp://", 7) == 0 &&
	    strncmp(host, "localhost", 9) != 0 &&
	    strncmp(host, "127.", 4) != 0 && strncmp(host, "[::1]", 5) != 0) {
		*cause = xasprintf("%s: key 'mail.smtp_tls': off only for a "
		    "relay on this machine (localhost, 127.0.0.1, [::1])",
		    name);
		return -1;
	}
	return 0;
}

/* Read and parse a config file; see config_parse. */
int
config_load(struct config *c, const char *path, char **cause)
{
	FILE	*f;
	char	*text;
	size_t	 len;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	text = xmalloc(CONFIG_MAX_SIZE + 1);
	len = fread(text, 1, CONFIG_MAX_SIZE + 1, f);
	if (ferror(f) || len > CONFIG_MAX_SIZE) {
		*cause = xasprintf("%s: %s", path, ferror(f) ?
		    strerror(errno) : "larger than 1 MiB");
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	free(c->path);
	c->path = xstrdup(path);
	rc = config_parse(c, path, text, len, cause);
	free(text);
	if (rc == 0 && c->nlisten == 0)
		config_listen(c, "127.0.0.1:8080", &(const char *){ NULL });
	return rc;
}

/* The SQLite database's path inside data_dir. */
char *
config_db_path(const struct config *c)
{
	return xasprintf("%s/hearth.db", c->data_dir);
}

/* Whether people reach hearth over HTTPS (so cookies must be Secure). */
int
config_is_https(const struct config *c)
{
	return strncmp(c->base_url, "https://", 8) == 0;
}

/* Whether sign-in through an OpenID provider is configured. */
int
config_oidc(const struct config *c)
{
	return set(c->oidc_issuer);
}

/* Whether sign-in through an LDAP directory is configured. */
int
config_ldap(const struct config *c)
{
	return set(c->ldap_url);
}

/* The directory client's settings from the auth.ldap keys. */
void
config_ldapc(const struct config *c, struct ldapc_conf *l)
{
	memset(l, 0, sizeof *l);
	l->url = c->ldap_url;
	l->starttls = c->ldap_starttls;
	l->ca_file = set(c->ldap_ca_file) ? c->ldap_ca_file : NULL;
	l->bind_dn = c->ldap_bind_dn;
	l->bind_password = c->ldap_bind_password;
	l->base_dn = c->ldap_base_dn;
	l->user_filter = c->ldap_user_filter;
	l->id_attr = c->ldap_id_attr;
	l->username_attr = c->ldap_username_attr;
	l->name_attr = c->ldap_name_attr;
	l->email_attr = c->ldap_email_attr;
	l->department_attr = c->ldap_department_attr;
	l->title_attr = c->ldap_title_attr;
	l->allowed_group = c->ldap_allowed_group;
	l->admin_group = c->ldap_admin_group;
	l->group_member_attr = c->ldap_member_attr;
	l->ad_nested = c->ldap_ad_nested;
	l->timeout = c->ldap_timeout;
}

/* Whether a password may sign someone in (admin: they are an admin). */
int
config_local_allowed(const struct config *c, int admin)
{
	return c->auth_local == AUTH_LOCAL_ON ||
	    (c->auth_local == AUTH_LOCAL_ADMINS && admin);
}

/* Create data_dir (one level, mode 0750) if it is missing. */
int
config_make_data_dir(const struct config *c, char **cause)
{
	struct stat	sb;

	if (stat(c->data_dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			*cause = xasprintf("data_dir %s is not a directory",
			    c->data_dir);
			return -1;
		}
		return 0;
	}
	if (mkdir(c->data_dir, 0750) != 0) {
		*cause = xasprintf("data_dir %s: %s", c->data_dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}
