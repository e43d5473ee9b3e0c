/*
 * hearthctl.c: the admin's command line. It works on the database directly,
 * through the same domain functions as hearthd, and is safe while hearthd
 * runs (WAL mode; every change is one short transaction). Commands are a
 * table. Exit codes: 0 success, 1 runtime failure, 2 usage or config error.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "lib.h"
#include "store.h"
#include "domain.h"
#include "loader.h"

#ifndef HEARTH_CONFIG
#define HEARTH_CONFIG "/usr/local/etc/hearth/hearth.conf"
#endif

struct command;
struct ctl {
	const struct command *cmd;
	struct config	 config;
	struct db	*db;
	struct arena	*arena;
	int		 argc;
	char		**argv;
};

struct command {
	const char	*name;		/* "user add" */
	const char	*usage;
	int		 (*fn)(struct ctl *);
};

static int	cmd_user_add(struct ctl *);
static int	cmd_user_passwd(struct ctl *);
static int	cmd_user_disable(struct ctl *);
static int	cmd_user_enable(struct ctl *);
static int	cmd_user_role(struct ctl *);
static int	cmd_user_list(struct ctl *);
static int	cmd_user_link(struct ctl *);
static int	cmd_user_unlink(struct ctl *);
static int	cmd_user_identities(struct ctl *);
static int	cmd_group_transfer(struct ctl *);
static int	cmd_ldap_sync(struct ctl *);
static int	cmd_ldap_test(struct ctl *);
static const char *fmt_time(struct arena *, int64_t);
static int	cmd_token_create(struct ctl *);
static int	cmd_token_list(struct ctl *);
static int	cmd_token_revoke(struct ctl *);
static int	cmd_app_list(struct ctl *);
static int	cmd_app_revoke(struct ctl *);
static int	cmd_scim_token(struct ctl *);
static int	cmd_scim_tokens(struct ctl *);
static int	cmd_scim_revoke(struct ctl *);
static int	cmd_field_add(struct ctl *);
static int	cmd_field_remove(struct ctl *);
static int	cmd_field_list(struct ctl *);
static int	cmd_backup(struct ctl *);
static int	cmd_restore(struct ctl *);
static int	cmd_media_stats(struct ctl *);
static int	cmd_media_cleanup(struct ctl *);
static int	cmd_demo(struct ctl *);
static int	cmd_module_list(struct ctl *);
static int	cmd_mail_test(struct ctl *);
static int64_t	ctl_digest_now;		/* digest send: now, or --at */
static int	cmd_digest_send(struct ctl *);
static int	cmd_audit_export(struct ctl *);
static int	cmd_audit_prune(struct ctl *);
static int	cmd_user_import(struct ctl *);
static int	cmd_stats(struct ctl *);
int		stats_print(const struct config *);	/* hearthctl-stats.c */

static const struct command commands[] = {
	{ "user add", "user add NAME [--admin] [--display-name TEXT] "
	    "[--email ADDR] [--password-stdin]", cmd_user_add },
	{ "user passwd", "user passwd NAME [--password-stdin]",
	    cmd_user_passwd },
	{ "user disable", "user disable NAME", cmd_user_disable },
	{ "user enable", "user enable NAME", cmd_user_enable },
	{ "user role", "user role NAME admin|member", cmd_user_role },
	{ "user list", "user list", cmd_user_list },
	{ "user link", "user link NAME --provider oidc|ldap|proxy --subject SUB "
	    "[--issuer URL] (sign in through the company's identity system)",
	    cmd_user_link },
	{ "user unlink", "user unlink NAME --provider oidc|ldap|proxy",
	    cmd_user_unlink },
	{ "user identities", "user identities NAME", cmd_user_identities },
	{ "group transfer", "group transfer FROM TO (the groups FROM runs, to "
	    "TO)", cmd_group_transfer },
	{ "ldap sync", "ldap sync [--dry-run] [--force] (deactivate who left "
	    "the directory, update the rest)", cmd_ldap_sync },
	{ "ldap test", "ldap test NAME (the password on stdin: what the "
	    "directory says of NAME)", cmd_ldap_test },
	{ "token create", "token create NAME [--label TEXT] [--scopes SCOPES]",
	    cmd_token_create },
	{ "token list", "token list NAME", cmd_token_list },
	{ "token revoke", "token revoke NAME ID", cmd_token_revoke },
	{ "app list", "app list NAME (the OAuth apps NAME authorized)",
	    cmd_app_list },
	{ "app revoke", "app revoke NAME APP_ID", cmd_app_revoke },
	{ "scim token", "scim token [--name LABEL] (a bearer token for SCIM "
	    "provisioning: Entra ID, Okta)", cmd_scim_token },
	{ "scim tokens", "scim tokens", cmd_scim_tokens },
	{ "scim revoke", "scim revoke ID", cmd_scim_revoke },
	{ "field add", "field add NAME [--position N]", cmd_field_add },
	{ "field remove", "field remove NAME", cmd_field_remove },
	{ "field list", "field list", cmd_field_list },
	{ "backup", "backup PATH [--dated [--keep N]] [--no-check] "
	    "[--progress] (the database, its files and a manifest into the "
	    "new folder PATH; --dated: into PATH/hearth-DATE)", cmd_backup },
	{ "restore", "restore BACKUP [--data-dir DIR] [--force] [--check] "
	    "[--progress] (check a backup and make it the data_dir; hearthd "
	    "stopped)", cmd_restore },
	{ "media stats", "media stats (what attachments take, in the "
	    "database and on disk)", cmd_media_stats },
	{ "stats", "stats (the running hearthd's metrics: requests, cache hit "
	    "rates, writer, queues; needs metrics_listen)", cmd_stats },
	{ "media cleanup", "media cleanup [--dry-run] (remove day-old "
	    "unattached uploads and files nothing refers to)",
	    cmd_media_cleanup },
	{ "mail test", "mail test ADDRESS (send a test message through "
	    "mail.transport)", cmd_mail_test },
	{ "digest send", "digest send [--user NAME] [--at EPOCH] (the e-mail "
	    "digests due now, or NAME's at once)", cmd_digest_send },
	{ "module list", "module list (installed and enabled modules)",
	    cmd_module_list },
	{ "demo", "demo (seed a demo company into an empty database)",
	    cmd_demo },
	{ "user import", "user import FILE.csv [--dry-run] (username,"
	    "display_name,email,department,title[,admin]; prints the "
	    "generated passwords as CSV)", cmd_user_import },
	{ "audit export", "audit export [--format csv|jsonl] [--since "
	    "YYYY-MM-DD] [--until YYYY-MM-DD] [--action ACTION]",
	    cmd_audit_export },
	{ "audit prune", "audit prune --before YYYY-MM-DD (retention: delete "
	    "older entries; export them first)", cmd_audit_prune },
};

/* The commands that run in one transaction with their audit row
 * (ctl_audit), committed only if they succeed. */
static const char *const audited_commands[] = {
	"user passwd", "user disable", "user enable", "user role", "user link",
	"user unlink", "group transfer", "token revoke", "app revoke",
	"scim revoke",
};

/* The commands that never open the data_dir's database (restore works
 * on a data_dir no process may have open, its own included). */
static const char *const nodb_commands[] = {
	"restore",
};

/* Whether cmd is one of nodb_commands. */
static int
command_nodb(const struct command *cmd)
{
	size_t	i;

	for (i = 0; i < nitems(nodb_commands); i++)
		if (strcmp(cmd->name, nodb_commands[i]) == 0)
			return 1;
	return 0;
}

/* Whether cmd is one of audited_commands. */
static int
command_audited(const struct command *cmd)
{
	size_t	i;

	for (i = 0; i < nitems(audited_commands); i++)
		if (strcmp(cmd->name, audited_commands[i]) == 0)
			return 1;
	return 0;
}

/* Whether a word could name a module (checked for real once loaded). */
static int
module_named(const char *w)
{
	size_t	i;

	for (i = 0; w[i] != '\0'; i++) {
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' &&
		    w[i] <= '9') || w[i] == '_'))
			return 0;
	}
	return i > 0;
}

/* hearthctl MODULE WORD ARGS: load the enabled modules and run it. */
static int
ctl_module_command(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL;
	int	 rc = 2;

	if (!module_listed(&ctl->config, argv[0])) {
		fprintf(stderr, "hearthctl: unknown command '%s' (no command "
		    "or enabled module has that name)\n", argv[0]);
		return 2;
	}
	if (module_load_all(&ctl->config, 0, &cause) != 0 ||
	    module_migrate(ctl->db, &cause) != 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		module_unload_all();
		return 1;
	}
	if (module_command(ctl->db, argc, argv, &rc) != 0) {
		fprintf(stderr, "hearthctl: module '%s' has no commands\n",
		    argv[0]);
		rc = 2;
	}
	module_unload_all();
	return rc;
}

/* Print usage. */
static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: hearthctl [-c FILE] COMMAND ...\n"
	    "  -c, --config FILE   config file (default %s)\n"
	    "commands:\n", HEARTH_CONFIG);
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "  MODULE COMMAND ... (an enabled module's commands, e.g. "
	    "bridge enable NAME)\n");
	fprintf(f, "See hearthctl(8).\n");
}

/* Complain about a command's arguments; returns 2. */
static int
bad_usage(const struct command *cmd, const char *why)
{
	fprintf(stderr, "hearthctl: %s\nusage: hearthctl %s\n", why,
	    cmd->usage);
	return 2;
}

/* Read a password: one line from stdin, or a generated one. */
static char *
read_password(int from_stdin, int *generated)
{
	char	*line = NULL, pw[21];
	size_t	 cap = 0;
	ssize_t	 n;

	*generated = 0;
	if (!from_stdin) {
		password_generate(pw, sizeof pw);
		*generated = 1;
		return xstrdup(pw);
	}
	if ((n = getline(&line, &cap, stdin)) <= 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* Hash a password, reporting policy errors; NULL on failure. */
static char *
hash_password(const char *pw)
{
	char	*phc = NULL, *cause = NULL;

	if (password_policy(pw, &cause) != 0 ||
	    password_hash(pw, &phc, &cause) != 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		return NULL;
	}
	return phc;
}

/* Find a person by name or say so. */
static struct user *
find_user(struct ctl *ctl, const char *name)
{
	struct user	*u = user_get_by_name(ctl->db, ctl->arena, name);

	if (u == NULL)
		fprintf(stderr, "hearthctl: no user named '%s'\n", name);
	return u;
}

/*
 * Record what this command did in the audit log, in the command's
 * transaction; the actor is the operator's uid, as hearthctl has no
 * person. 0, or -1 (the caller fails, and nothing is committed).
 */
static int
ctl_audit(struct ctl *ctl, const char *action, const struct user *u,
    json_t *details)
{
	struct audit_actor	 who;
	char			 name[64];
	int			 rc;

	snprintf(name, sizeof name, "hearthctl (uid %lu)",
	    (unsigned long)getuid());
	memset(&who, 0, sizeof who);
	who.name = name;
	who.ip = "local";
	rc = audit_record(ctl->db, &who, action, u != NULL ? "user" : "",
	    u != NULL ? u->id : 0, u != NULL ? u->username : "", details);
	json_decref(details);
	if (rc != 0)
		fprintf(stderr, "hearthctl: the audit log could not be "
		    "written: %s\n", db_errmsg(ctl->db));
	return rc;
}

/* Parse "NAME [options]" for the user and token commands. */
static int
parse_opts(struct ctl *ctl, const struct command *cmd, const char *optstring,
    const struct option *opts, int (*each)(int, const char *, void *),
    void *arg, const char **name)
{
	int	ch;

	optind = 0;	/* glibc: start over, permuting again */
	opterr = 0;
	while ((ch = getopt_long(ctl->argc, ctl->argv, optstring, opts,
	    NULL)) != -1) {
		if (ch == '?' || ch == ':')
			return bad_usage(cmd, "unknown or incomplete option");
		if (each(ch, optarg, arg) != 0)
			return bad_usage(cmd, "bad option");
	}
	if (ctl->argc - optind != 1)
		return bad_usage(cmd, "expected exactly one NAME");
	*name = ctl->argv[optind];
	return 0;
}

struct add_opts {
	int		 admin;
	int		 pw_stdin;
	const char	*display_name;
	const char	*email;
};

/* One option of "user add" or "user passwd". */
static int
add_opt(int ch, const char *val, void *arg)
{
	struct add_opts	*o = arg;

	switch (ch) {
	case 'a': o->admin = 1; break;
	case 'p': o->pw_stdin = 1; break;
	case 'd': o->display_name = val; break;
	case 'e': o->email = val; break;
	default: return -1;
	}
	return 0;
}

/* user add NAME [--admin] [--display-name TEXT] [--email] [--password-stdin] */
static int
cmd_user_add(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "admin", no_argument, NULL, 'a' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "display-name", required_argument, NULL, 'd' },
		{ "email", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct add_opts	 o = { 0, 0, NULL, NULL };
	const char	*name;
	char		*pw, *phc, *cause = NULL;
	int		 rc, generated, loaded;
	int64_t		 id;

	if ((rc = parse_opts(ctl, ctl->cmd, "", opts, add_opt, &o,
	    &name)) != 0)
		return rc;
	if (!user_valid_name(name, &cause)) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		return 2;
	}
	if ((pw = read_password(o.pw_stdin, &generated)) == NULL) {
		fprintf(stderr, "hearthctl: no password on standard input\n");
		return 2;
	}
	phc = hash_password(pw);
	if (phc == NULL) {
		free(pw);
		return 2;
	}
	/* Modules' after_user_created hooks hear of the person through the
	 * domain's event; a module that will not load is logged and
	 * skipped. */
	if ((loaded = module_load_all(&ctl->config, 1, &cause)) != 0) {
		free(cause);
		cause = NULL;
	}
	/* The person, the first-sign-in flag for a generated password and
	 * the audit row, in one transaction. */
	if (db_begin(ctl->db) != 0)
		id = -1, cause = xstrdup(db_errmsg(ctl->db));
	else if ((id = user_create(ctl->db, name, o.display_name, o.email,
	    o.admin ? ROLE_ADMIN : ROLE_MEMBER, phc, &cause)) < 0 ||
	    (generated && user_set_must_change(ctl->db, id, 1) != 0) ||
	    ctl_audit(ctl, "user.create", user_get(ctl->db, ctl->arena, id),
	    json_pack("{s:s, s:s, s:b, s:b}", "display_name", o.display_name ?
	    o.display_name : "", "email", o.email ? o.email : "", "admin",
	    o.admin, "generated_password", generated)) != 0 ||
	    db_commit(ctl->db) != 0) {
		db_rollback(ctl->db);
		if (id >= 0 && cause == NULL)
			cause = xstrdup(db_errmsg(ctl->db));
		id = -1;
	}
	if (loaded == 0)
		module_unload_all();
	free(phc);
	if (id < 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		free(pw);
		return 1;
	}
	if (generated)
		printf("created %s%s with password: %s\n(they must choose "
		    "their own at the first sign-in)\n", name,
		    o.admin ? " (admin)" : "", pw);
	else
		printf("created %s%s\n", name, o.admin ? " (admin)" : "");
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	return 0;
}

/* user passwd NAME [--password-stdin] */
static int
cmd_user_passwd(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "password-stdin", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct add_opts	 o = { 0, 0, NULL, NULL };
	const char	*name;
	struct user	*u;
	char		*pw, *phc;
	int		 rc, generated;

	if ((rc = parse_opts(ctl, ctl->cmd, "", opts, add_opt, &o,
	    &name)) != 0)
		return rc;
	if ((u = find_user(ctl, name)) == NULL)
		return 1;
	if ((pw = read_password(o.pw_stdin, &generated)) == NULL) {
		fprintf(stderr, "hearthctl: no password on standard input\n");
		return 2;
	}
	if ((phc = hash_password(pw)) == NULL) {
		free(pw);
		return 2;
	}
	rc = user_set_password(ctl->db, u->id, phc);
	free(phc);
	if (rc == 0 && generated)
		rc = user_set_must_change(ctl->db, u->id, 1);
	if (rc == 0)
		rc = ctl_audit(ctl, "user.reset_password", u, json_pack("{s:b}",
		    "generated_password", generated));
	if (rc != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		free(pw);
		return 1;
	}
	if (generated)
		printf("new password for %s: %s\n", name, pw);
	else
		printf("password changed for %s\n", name);
	printf("all sessions of %s were ended\n", name);
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	return 0;
}

/*
 * The web refuses to leave the company without an enabled admin; hearthctl
 * is the way back in (and the way to lock out an admin who left at once),
 * so it does what it is told and says what that means.
 */
static void
warn_no_admin(struct ctl *ctl)
{
	if (user_admins(ctl->db) == 0)
		fprintf(stderr, "hearthctl: warning: no enabled admin is left; "
		    "nobody can use the admin pages until you run "
		    "'hearthctl user role NAME admin'\n");
}

/* Shared by disable and enable. */
static int
set_disabled(struct ctl *ctl, const struct command *cmd, int disabled)
{
	struct user	*u;

	if (ctl->argc != 2)
		return bad_usage(cmd, "expected exactly one NAME");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	if (user_set_disabled(ctl->db, u->id, disabled) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	if (ctl_audit(ctl, disabled ? "user.disable" : "user.enable", u,
	    NULL) != 0)
		return 1;
	printf("%s %s%s\n", disabled ? "disabled" : "enabled", u->username,
	    disabled ? "; their sessions, tokens and app grants were ended "
	    "and their streams close" : "");
	if (disabled && u->role == ROLE_ADMIN)
		warn_no_admin(ctl);
	return 0;
}

/* user disable NAME */
static int
cmd_user_disable(struct ctl *ctl)
{
	return set_disabled(ctl, ctl->cmd, 1);
}

/* user enable NAME */
static int
cmd_user_enable(struct ctl *ctl)
{
	return set_disabled(ctl, ctl->cmd, 0);
}

/* user role NAME admin|member */
static int
cmd_user_role(struct ctl *ctl)
{
	struct user	*u;
	enum role	 role;

	if (ctl->argc != 3)
		return bad_usage(ctl->cmd, "expected NAME and a role");
	if (strcmp(ctl->argv[2], "admin") == 0)
		role = ROLE_ADMIN;
	else if (strcmp(ctl->argv[2], "member") == 0)
		role = ROLE_MEMBER;
	else
		return bad_usage(ctl->cmd, "the role must be admin or member");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	if (u->role == role) {
		printf("%s is already %s\n", u->username,
		    role == ROLE_ADMIN ? "an admin" : "a member");
		return 0;
	}
	if (user_set_role(ctl->db, u->id, role) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	if (ctl_audit(ctl, role == ROLE_ADMIN ? "user.make_admin" :
	    "user.remove_admin", u, NULL) != 0)
		return 1;
	printf("%s is now %s%s\n", u->username,
	    role == ROLE_ADMIN ? "an admin" : "a member",
	    u->disabled ? "; the account is still disabled" : "");
	if (role == ROLE_MEMBER)
		warn_no_admin(ctl);
	return 0;
}

struct link_opts {
	const char	*provider;
	const char	*subject;
	const char	*issuer;
};

/* One option of "user link" and "user unlink". */
static int
link_opt(int ch, const char *val, void *arg)
{
	struct link_opts	*o = arg;

	switch (ch) {
	case 'p': o->provider = val; break;
	case 's': o->subject = val; break;
	case 'i': o->issuer = val; break;
	default: return -1;
	}
	return 0;
}

static const struct option link_options[] = {
	{ "provider", required_argument, NULL, 'p' },
	{ "subject", required_argument, NULL, 's' },
	{ "issuer", required_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

/* A provider an admin may link by hand (SCIM links itself). */
static int
link_provider(struct ctl *ctl, const char *name, enum idp *p)
{
	if (name == NULL || idp_parse(name, p) != 0 || *p == IDP_SCIM)
		return bad_usage(ctl->cmd, "--provider must be oidc, ldap or "
		    "proxy");
	return 0;
}

/*
 * user link NAME --provider P --subject SUB [--issuer URL]: an existing
 * account (a local one, say) signs in through the provider from now on,
 * as the person the provider calls SUB (OpenID's sub, the directory
 * entry's entryUUID or objectGUID, the proxy's header value).
 */
static int
cmd_user_link(struct ctl *ctl)
{
	struct link_opts o = { NULL, NULL, NULL };
	struct user	*u;
	const char	*name, *issuer = "";
	char		*cause = NULL;
	enum idp	 p;
	int		 rc;

	if ((rc = parse_opts(ctl, ctl->cmd, "", link_options, link_opt, &o,
	    &name)) != 0 || (rc = link_provider(ctl, o.provider, &p)) != 0)
		return rc;
	if (o.subject == NULL || *o.subject == '\0')
		return bad_usage(ctl->cmd, "--subject is needed");
	if (p == IDP_OIDC) {
		issuer = o.issuer != NULL ? o.issuer : ctl->config.oidc_issuer;
		if (issuer == NULL || *issuer == '\0')
			return bad_usage(ctl->cmd, "--issuer is needed (no "
			    "auth.oidc.issuer in the config)");
	}
	if ((u = find_user(ctl, name)) == NULL)
		return 1;
	if (u->origin != NULL) {
		fprintf(stderr, "hearthctl: %s is an outside account\n", name);
		return 1;
	}
	if (db_begin(ctl->db) != 0 || (rc = identity_link(ctl->db, u->id, p,
	    issuer, o.subject, &cause)) != E_OK || ctl_audit(ctl, "user.link",
	    u, json_pack("{s:s, s:s}", "provider", idp_name(p), "subject",
	    o.subject)) != 0 || db_commit(ctl->db) != 0) {
		db_rollback(ctl->db);
		fprintf(stderr, "hearthctl: %s\n", cause != NULL ? cause :
		    db_errmsg(ctl->db));
		free(cause);
		return 1;
	}
	printf("%s now signs in through %s as '%s'\n", u->username,
	    idp_name(p), o.subject);
	return 0;
}

/* user unlink NAME --provider P */
static int
cmd_user_unlink(struct ctl *ctl)
{
	struct link_opts o = { NULL, NULL, NULL };
	struct user	*u;
	const char	*name;
	enum idp	 p;
	int		 rc, n;

	if ((rc = parse_opts(ctl, ctl->cmd, "", link_options, link_opt, &o,
	    &name)) != 0 || (rc = link_provider(ctl, o.provider, &p)) != 0)
		return rc;
	if ((u = find_user(ctl, name)) == NULL)
		return 1;
	if ((n = identity_unlink(ctl->db, u->id, p)) < 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	if (n == 0) {
		fprintf(stderr, "hearthctl: %s has no %s identity\n",
		    u->username, idp_name(p));
		return 1;
	}
	if (ctl_audit(ctl, "user.unlink", u, json_pack("{s:s}", "provider",
	    idp_name(p))) != 0)
		return 1;
	printf("%s no longer signs in through %s\n", u->username,
	    idp_name(p));
	return 0;
}

/* Print one identity of user identities. */
static void
identity_one(const struct identity *id, void *arg)
{
	struct ctl	*ctl = arg;

	printf("%-6s %-40s %-20s %s\n", idp_name(id->provider), id->subject,
	    fmt_time(ctl->arena, id->last_seen_at), *id->issuer != '\0' ?
	    id->issuer : "-");
}

/* user identities NAME */
static int
cmd_user_identities(struct ctl *ctl)
{
	struct user	*u;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected exactly one NAME");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	printf("%-6s %-40s %-20s %s\n", "KIND", "SUBJECT", "LAST SIGN-IN",
	    "ISSUER");
	return identity_list(ctl->db, ctl->arena, u->id, identity_one, ctl) ==
	    0 ? 0 : 1;
}

/* group transfer FROM TO: the groups FROM is an admin of, to TO. */
static int
cmd_group_transfer(struct ctl *ctl)
{
	struct user	*from, *to;
	char		*cause = NULL;
	int		 n;

	if (ctl->argc != 3)
		return bad_usage(ctl->cmd, "expected FROM and TO");
	if ((from = find_user(ctl, ctl->argv[1])) == NULL ||
	    (to = find_user(ctl, ctl->argv[2])) == NULL)
		return 1;
	if ((n = group_transfer(ctl->db, from->id, to->id, &cause)) < 0) {
		fprintf(stderr, "hearthctl: %s\n", cause != NULL ? cause :
		    db_errmsg(ctl->db));
		free(cause);
		return 1;
	}
	if (ctl_audit(ctl, "user.transfer_groups", from, json_pack("{s:I, "
	    "s:s, s:i}", "to", (json_int_t)to->id, "to_name", to->username,
	    "groups", n)) != 0)
		return 1;
	printf("%d group%s handed from %s to %s\n", n, n == 1 ? "" : "s",
	    from->username, to->username);
	return 0;
}

/* ldap sync [--dry-run] [--force] */
static int
cmd_ldap_sync(struct ctl *ctl)
{
	struct dir_sync	 s;
	struct claims	*people = NULL;
	size_t		 n = 0;
	char		*cause = NULL;
	int		 i, rc;

	memset(&s, 0, sizeof s);
	for (i = 1; i < ctl->argc; i++) {
		if (strcmp(ctl->argv[i], "--dry-run") == 0)
			s.dry_run = 1;
		else if (strcmp(ctl->argv[i], "--force") == 0)
			s.force = 1;
		else
			return bad_usage(ctl->cmd, "unknown option");
	}
	if (!config_ldap(&ctl->config)) {
		fprintf(stderr, "hearthctl: no directory configured "
		    "(auth.ldap.url)\n");
		return 1;
	}
	fprintf(stderr, "reading the directory...\n");
	if (ldap_directory_read(&ctl->config, ctl->arena, &people, &n,
	    &cause) != 0) {
		fprintf(stderr, "hearthctl: the directory could not be read, "
		    "nothing changed: %s\n", cause);
		free(cause);
		return 1;
	}
	rc = directory_sync(ctl->db, IDP_LDAP, people, n, &s, &cause);
	free(people);
	if (rc != E_OK) {
		fprintf(stderr, "hearthctl: %s\n", cause != NULL ? cause :
		    db_errmsg(ctl->db));
		free(cause);
		return 1;
	}
	printf("%d people in the directory; %d accounts sign in through it: "
	    "%d %s, %d %s\n", s.seen, s.linked, s.dry_run ? s.linked -
	    s.deactivated : s.updated, s.dry_run ? "would stay" :
	    "brought up to date", s.deactivated, s.dry_run ?
	    "would be deactivated" : "deactivated");
	return 0;
}

/* ldap test NAME: bind as NAME with the password on stdin and say what
 * the directory says (nothing is written). */
static int
cmd_ldap_test(struct ctl *ctl)
{
	struct ldapc_conf	 lc;
	struct ldapc_person	 p;
	char			*pw, *cause = NULL;
	int			 gen, rc;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected exactly one NAME");
	if (!config_ldap(&ctl->config)) {
		fprintf(stderr, "hearthctl: no directory configured "
		    "(auth.ldap.url)\n");
		return 1;
	}
	if ((pw = read_password(1, &gen)) == NULL) {
		fprintf(stderr, "hearthctl: no password on stdin\n");
		return 2;
	}
	config_ldapc(&ctl->config, &lc);
	memset(&p, 0, sizeof p);
	rc = ldapc_authenticate(&lc, ctl->argv[1], pw, &p, &cause);
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	if (rc != LDAPC_OK) {
		fprintf(stderr, "hearthctl: %s: %s\n", rc == LDAPC_DENIED ?
		    "refused" : "the directory did not answer", cause ? cause :
		    "?");
		free(cause);
		return 1;
	}
	printf("dn: %s\nid: %s\nusername: %s\ndisplay name: %s\nemail: %s\n"
	    "department: %s\ntitle: %s\nallowed: %s\nadmin: %s\n", p.dn,
	    p.id, p.username, p.display_name ? p.display_name : "-",
	    p.email ? p.email : "-", p.department ? p.department : "-",
	    p.title ? p.title : "-", p.allowed ? "yes" : "no",
	    p.admin ? "yes" : "no");
	ldapc_person_free(&p);
	return 0;
}

/* Print one row of user list. */
static void
list_one(const struct user *u, void *arg)
{
	(void)arg;
	printf("%-20s %-6s %-8s %s\n", u->username,
	    u->role == ROLE_ADMIN ? "admin" : "member",
	    u->disabled ? "disabled" : "active", u->display_name);
}

/* user list */
static int
cmd_user_list(struct ctl *ctl)
{
	if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes no arguments");
	printf("%-20s %-6s %-8s %s\n", "USERNAME", "ROLE", "STATE",
	    "DISPLAY NAME");
	if (user_list(ctl->db, ctl->arena, list_one, NULL) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	return 0;
}

struct token_opts {
	const char	*label;
	const char	*scopes;
};

/* One option of "token create". */
static int
token_opt(int ch, const char *val, void *arg)
{
	struct token_opts	*o = arg;

	switch (ch) {
	case 'l': o->label = val; break;
	case 's': o->scopes = val; break;
	default: return -1;
	}
	return 0;
}

/* token create NAME: print a new bearer token alone on one line. */
static int
cmd_token_create(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "scopes", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct token_opts o = { "hearthctl", "read write follow" };
	const char	*name;
	struct user	*u;
	char		 token[64];
	int		 rc;

	if ((rc = parse_opts(ctl, ctl->cmd, "", opts, token_opt, &o,
	    &name)) != 0)
		return rc;
	if ((u = find_user(ctl, name)) == NULL)
		return 1;
	if (u->disabled) {
		fprintf(stderr, "hearthctl: %s is disabled\n", name);
		return 1;
	}
	if (token_create(ctl->db, u->id, o.label, o.scopes, token,
	    sizeof token) < 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	printf("%s\n", token);
	OPENSSL_cleanse(token, sizeof token);
	return 0;
}

/* Format a time for listings, "-" for never. */
static const char *
fmt_time(struct arena *a, int64_t t)
{
	char		buf[32];
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (t == 0)
		return "-";
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	return arena_strdup(a, buf);
}

/* Print one row of token list. */
static void
token_one(const struct token_info *t, void *arg)
{
	struct ctl	*ctl = arg;

	printf("%-6lld %-16s %-16s %-16s %-8s %s\n", (long long)t->id,
	    fmt_time(ctl->arena, t->created_at),
	    fmt_time(ctl->arena, t->last_used_at),
	    t->revoked_at ? fmt_time(ctl->arena, t->revoked_at) : "-",
	    t->revoked_at ? "revoked" : "active", t->app != NULL ?
	    arena_printf(ctl->arena, "app: %s", t->app) : t->label);
}

/* Print one row of scim tokens: the label, for there is no app to name. */
static void
token_one_labelled(const struct token_info *t, void *arg)
{
	struct token_info	 u = *t;

	u.app = NULL;
	token_one(&u, arg);
}

/* token list NAME */
static int
cmd_token_list(struct ctl *ctl)
{
	struct user	*u;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected exactly one NAME");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	printf("%-6s %-16s %-16s %-16s %-8s %s\n", "ID", "CREATED (UTC)",
	    "LAST USED", "REVOKED", "STATE", "LABEL");
	if (token_list(ctl->db, ctl->arena, u->id, token_one, ctl) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	return 0;
}

/* token revoke NAME ID */
static int
cmd_token_revoke(struct ctl *ctl)
{
	struct user	*u;
	char		*end;
	long long	 id;

	if (ctl->argc != 3)
		return bad_usage(ctl->cmd, "expected NAME and a token ID "
		    "(see token list)");
	id = strtoll(ctl->argv[2], &end, 10);
	if (*ctl->argv[2] == '\0' || *end != '\0' || id <= 0)
		return bad_usage(ctl->cmd, "ID must be a token number");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	if (token_revoke(ctl->db, u->id, id) != 0) {
		fprintf(stderr, "hearthctl: %s has no active token %lld\n",
		    u->username, id);
		return 1;
	}
	if (ctl_audit(ctl, "token.revoke", u, json_pack("{s:I}", "token",
	    (json_int_t)id)) != 0)
		return 1;
	printf("revoked token %lld of %s\n", id, u->username);
	return 0;
}

/* Print one row of app list. */
static void
app_one(const struct app *app, int64_t last, void *arg)
{
	struct ctl	*ctl = arg;

	printf("%-6lld %-16s %-24s %s\n", (long long)app->id,
	    fmt_time(ctl->arena, last), app->scopes, app->name);
}

/* app list NAME */
static int
cmd_app_list(struct ctl *ctl)
{
	struct user	*u;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected exactly one NAME");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	printf("%-6s %-16s %-24s %s\n", "APP", "LATEST (UTC)", "SCOPES",
	    "NAME");
	if (app_authorized(ctl->db, ctl->arena, u->id, app_one, ctl) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	return 0;
}

/* app revoke NAME APP_ID: revoke every token NAME gave the app. */
static int
cmd_app_revoke(struct ctl *ctl)
{
	struct user	*u;
	char		*end;
	long long	 id;
	int		 n;

	if (ctl->argc != 3)
		return bad_usage(ctl->cmd, "expected NAME and an APP_ID "
		    "(see app list)");
	id = strtoll(ctl->argv[2], &end, 10);
	if (*ctl->argv[2] == '\0' || *end != '\0' || id <= 0)
		return bad_usage(ctl->cmd, "APP_ID must be an app number");
	if ((u = find_user(ctl, ctl->argv[1])) == NULL)
		return 1;
	if ((n = app_revoke_for_user(ctl->db, id, u->id)) < 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	if (n == 0) {
		fprintf(stderr, "hearthctl: %s has no live token of app %lld\n",
		    u->username, id);
		return 1;
	}
	if (ctl_audit(ctl, "app.revoke", u, json_pack("{s:I, s:i}", "app",
	    (json_int_t)id, "tokens", n)) != 0)
		return 1;
	printf("revoked %d token%s of app %lld for %s\n", n, n == 1 ? "" :
	    "s", id, u->username);
	return 0;
}

/*
 * scim token [--name LABEL]: a new bearer token for the company's
 * directory, alone on one line. It belongs to the built-in app "SCIM
 * provisioning" (made on first use), speaks for no person, and has the
 * scim scope only: it works under /scim/v2/ and nowhere else.
 */
static int
cmd_scim_token(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*label = "scim";
	char		 token[64];
	int		 ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(ctl->argc, ctl->argv, "", opts, NULL)) !=
	    -1) {
		if (ch != 'n')
			return bad_usage(ctl->cmd, "unknown or incomplete "
			    "option");
		label = optarg;
	}
	if (optind != ctl->argc)
		return bad_usage(ctl->cmd, "takes no arguments but --name");
	if (*label == '\0' || strlen(label) > 100 ||
	    strpbrk(label, "\r\n") != NULL)
		return bad_usage(ctl->cmd, "LABEL must be one line of 1 to 100 "
		    "characters");
	if (scim_token_create(ctl->db, label, token, sizeof token) < 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	printf("%s\n", token);
	OPENSSL_cleanse(token, sizeof token);
	if (!ctl->config.scim)
		fprintf(stderr, "hearthctl: warning: auth.scim is off: /scim/v2/ "
		    "answers 404 until hearth.conf says auth.scim = true\n");
	return 0;
}

/* scim tokens */
static int
cmd_scim_tokens(struct ctl *ctl)
{
	if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes no arguments");
	printf("%-6s %-16s %-16s %-16s %-8s %s\n", "ID", "CREATED (UTC)",
	    "LAST USED", "REVOKED", "STATE", "LABEL");
	if (scim_token_list(ctl->db, ctl->arena, token_one_labelled, ctl) !=
	    0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	return 0;
}

/* scim revoke ID */
static int
cmd_scim_revoke(struct ctl *ctl)
{
	char		*end;
	long long	 id;
	int		 rc;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected a token ID (see scim "
		    "tokens)");
	id = strtoll(ctl->argv[1], &end, 10);
	if (*ctl->argv[1] == '\0' || *end != '\0' || id <= 0)
		return bad_usage(ctl->cmd, "ID must be a token number");
	if ((rc = scim_token_revoke(ctl->db, id)) == E_NOTFOUND) {
		fprintf(stderr, "hearthctl: there is no live SCIM token %lld "
		    "(see scim tokens)\n", id);
		return 1;
	}
	if (rc != E_OK) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	if (ctl_audit(ctl, "scim.token_revoke", NULL, json_pack("{s:I}",
	    "token", (json_int_t)id)) != 0)
		return 1;
	printf("revoked SCIM token %lld; the directory's requests with it "
	    "now get 401\n", id);
	return 0;
}

/* One option of "field add". */
static int
field_opt(int ch, const char *val, void *arg)
{
	int		*position = arg;
	char		*end;
	long		 n;

	if (ch != 'P')
		return -1;
	errno = 0;
	n = strtol(val, &end, 10);
	if (*val < '0' || *val > '9' || *end != '\0' || errno != 0 ||
	    n > 1000000)
		return -1;
	*position = (int)n;
	return 0;
}

/* field add NAME [--position N]: define (or move) a company profile field. */
static int
cmd_field_add(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "position", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*name;
	char		*cause = NULL;
	int		 rc, position = -1;

	if ((rc = parse_opts(ctl, ctl->cmd, "", opts, field_opt, &position,
	    &name)) != 0)
		return rc;
	rc = profile_field_define(ctl->db, name, position, &cause);
	if (rc == E_INVALID) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		return 2;
	}
	if (rc != E_OK) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	printf("profile field '%s' defined; people set it in their profile "
	    "(fields_attributes)\n", name);
	return 0;
}

/* field remove NAME: the field and everyone's value for it. */
static int
cmd_field_remove(struct ctl *ctl)
{
	int	rc;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected exactly one NAME");
	rc = profile_field_remove(ctl->db, ctl->argv[1]);
	if (rc == E_NOTFOUND) {
		fprintf(stderr, "hearthctl: no profile field named '%s'\n",
		    ctl->argv[1]);
		return 1;
	}
	if (rc != E_OK) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	printf("profile field '%s' removed, with everyone's value for it\n",
	    ctl->argv[1]);
	return 0;
}

/* field list */
static int
cmd_field_list(struct ctl *ctl)
{
	struct profile_field_def	*f;
	size_t				 i, n;

	if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes no arguments");
	if (profile_field_list(ctl->db, ctl->arena, &f, &n) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	printf("%-8s %-8s %s\n", "POSITION", "FILLED", "NAME");
	for (i = 0; i < n; i++)
		printf("%-8d %-8lld %s\n", f[i].position,
		    (long long)f[i].values, f[i].name);
	return 0;
}

struct backup_args {
	int		 dated, keep, no_check, progress;
	int		 force, check;
	const char	*data_dir;
};

/* One option of "backup" or "restore". */
static int
backup_opt(int ch, const char *val, void *arg)
{
	struct backup_args	*o = arg;
	char			*end;

	switch (ch) {
	case 'd': o->dated = 1; break;
	case 'n': o->no_check = 1; break;
	case 'p': o->progress = 1; break;
	case 'f': o->force = 1; break;
	case 'c': o->check = 1; break;
	case 'D': o->data_dir = val; break;
	case 'k':
		o->keep = (int)strtol(val, &end, 10);
		if (*end != '\0' || o->keep < 1)
			return -1;
		break;
	default: return -1;
	}
	return 0;
}

/* Seconds since t0, for what a long command reports. */
static double
ctl_elapsed(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * backup PATH: the database, the stored files its snapshot refers to and
 * a manifest into the new folder PATH (backup.c says how the two agree
 * while hearthd writes). --dated: PATH holds backups, this one in
 * PATH/hearth-DATE; --keep N then removes all but the newest N.
 */
static int
cmd_backup(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "dated", no_argument, NULL, 'd' },
		{ "keep", required_argument, NULL, 'k' },
		{ "no-check", no_argument, NULL, 'n' },
		{ "progress", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct backup_args	 o;
	struct backup_opts	 bo;
	struct backup_result	 r;
	struct timespec		 t0;
	const char		*path;
	char			*cause = NULL, *dest, *prev;
	int			 rc;

	memset(&o, 0, sizeof o);
	if ((rc = parse_opts(ctl, ctl->cmd, "", opts, backup_opt, &o,
	    &path)) != 0)
		return rc;
	if (o.keep && !o.dated)
		return bad_usage(ctl->cmd, "--keep needs --dated");
	if (o.dated && mkdir(path, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "hearthctl: backup failed: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	dest = o.dated ? backup_dated_name(path) : xstrdup(path);
	memset(&bo, 0, sizeof bo);
	/* Stored files the last one has are linked from it, not read. */
	prev = o.dated ? backup_newest(path) : NULL;
	bo.previous = prev;
	bo.progress = o.progress || isatty(STDERR_FILENO) ? stderr : NULL;
	bo.no_check = o.no_check;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (backup_write(ctl->db, ctl->config.data_dir, dest, &bo, &r,
	    &cause) != 0) {
		fprintf(stderr, "hearthctl: backup failed: %s\n", cause);
		free(cause);
		free(dest);
		free(prev);
		return 1;
	}
	free(prev);
	printf("backup written to %s: the database as of %lld.%03lld "
	    "(Unix time) and %lld stored files, %lld MB, in %.1f s\n", dest,
	    (long long)(r.snapshot_ms / 1000), (long long)(r.snapshot_ms %
	    1000), (long long)r.media_files, (long long)(r.bytes / 1000000),
	    ctl_elapsed(&t0));
	if (r.reused > 0)
		printf("%lld of the files were unchanged since the previous "
		    "backup: linked from it\n", (long long)r.reused);
	if (r.missing > 0)
		fprintf(stderr, "hearthctl: warning: %lld files the database "
		    "refers to were missing from %s/media already (listed in "
		    "the manifest's missing_media)\n", (long long)r.missing,
		    ctl->config.data_dir);
	free(dest);
	if (o.keep && backup_prune(path, o.keep, stdout, &cause) < 0) {
		fprintf(stderr, "hearthctl: removing older backups: %s\n",
		    cause);
		free(cause);
		return 1;
	}
	return 0;
}

/* The newest schema version this hearthctl knows for a component; -1
 * for a module that is not loaded. */
static int
ctl_schema_known(const char *component)
{
	if (strcmp(component, "core") == 0)
		return core_nmigrations > 0 ?
		    core_migrations[core_nmigrations - 1].version : 0;
	return module_schema_known(component);
}

/*
 * restore BACKUP: check it whole (manifest, every file's SHA-256, the
 * database's integrity, schema versions) and only then make it the
 * data_dir (backup.c). Runs without opening the data_dir's database.
 */
static int
cmd_restore(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "data-dir", required_argument, NULL, 'D' },
		{ "force", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'c' },
		{ "progress", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct backup_args	 o;
	struct timespec		 t0;
	const char		*dir, *data_dir;
	json_t			*man = NULL;
	char			*cause = NULL, *replaced = NULL;
	FILE			*progress;
	int			 rc, fresh;

	memset(&o, 0, sizeof o);
	if ((rc = parse_opts(ctl, ctl->cmd, "", opts, backup_opt, &o,
	    &dir)) != 0)
		return rc;
	data_dir = o.data_dir != NULL ? o.data_dir : ctl->config.data_dir;
	progress = o.progress || isatty(STDERR_FILENO) ? stderr : NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The enabled modules, for the schema versions they know. */
	if (module_load_all(&ctl->config, 0, &cause) != 0) {
		fprintf(stderr, "hearthctl: warning: %s (their schema "
		    "versions are not checked)\n", cause);
		free(cause);
		cause = NULL;
	}
	rc = 1;
	if (backup_check(dir, ctl_schema_known, progress, &man, &cause) !=
	    0) {
		fprintf(stderr, "hearthctl: restore refused: %s\n", cause);
		goto out;
	}
	if (o.check) {
		printf("%s is sound: hearth %s, snapshot %s, %zu files "
		    "checked (%.1f s)\n", dir, json_string_value(
		    json_object_get(man, "hearth_version")),
		    json_string_value(json_object_get(man, "snapshot_time")),
		    json_array_size(json_object_get(man, "files")),
		    ctl_elapsed(&t0));
		rc = 0;
		goto out;
	}
	fresh = access(data_dir, F_OK) != 0;
	if (backup_restore(dir, man, data_dir, o.force, progress, &replaced,
	    &cause) != 0) {
		fprintf(stderr, "hearthctl: restore refused: %s\n", cause);
		goto out;
	}
	printf("restored %s (snapshot %s) into %s in %.1f s", dir,
	    json_string_value(json_object_get(man, "snapshot_time")),
	    data_dir, ctl_elapsed(&t0));
	if (replaced != NULL)
		printf("; what was there is now %s", replaced);
	printf("\nstart hearthd: it migrates an older schema on start\n");
	if (fresh && geteuid() == 0)
		fprintf(stderr, "hearthctl: warning: %s is new and owned by "
		    "root: give it to the user hearthd runs as (chown -R "
		    "hearth:hearth %s) before starting it\n", data_dir,
		    data_dir);
	rc = 0;
out:
	free(cause);
	free(replaced);
	json_decref(man);
	module_unload_all();
	return rc;
}

/* stats: read from the running hearthd (hearthctl-stats.c) */
static int
cmd_stats(struct ctl *ctl)
{
	if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes no arguments");
	return stats_print(&ctl->config);
}

/* media stats */
static int
cmd_media_stats(struct ctl *ctl)
{
	struct media_stats	ms;
	int64_t			files, bytes;

	if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes no arguments");
	if (media_stats(ctl->db, &ms) != 0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	media_disk_usage(ctl->config.data_dir, &files, &bytes);
	printf("attachments      %lld (%lld pictures, %lld animations, %lld "
	    "files)\n", (long long)ms.count, (long long)ms.images,
	    (long long)ms.animations, (long long)ms.files);
	printf("their bytes      %lld (%s)\n", (long long)ms.bytes,
	    media_size_text(ctl->arena, ms.bytes));
	printf("not in a post    %lld (removed after a day)\n",
	    (long long)ms.unattached);
	printf("processing       %lld\n", (long long)ms.processing);
	printf("failed           %lld\n", (long long)ms.failed);
	printf("on disk          %lld files, %lld bytes (%s), with avatars "
	    "and headers, in %s/media\n", (long long)files, (long long)bytes,
	    media_size_text(ctl->arena, bytes), ctl->config.data_dir);
	return 0;
}

/* media cleanup [--dry-run] */
static int
cmd_media_cleanup(struct ctl *ctl)
{
	struct media_sweep	sw;
	int			dry = 0, n = 0, k;
	size_t			removed;

	if (ctl->argc == 2 && strcmp(ctl->argv[1], "--dry-run") == 0)
		dry = 1;
	else if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes only --dry-run");
	if (!dry) {
		/* in batches of a thousand, each its own transaction */
		do {
			if (db_begin(ctl->db) != 0)
				return 1;
			k = media_expire(ctl->db, ctl->config.data_dir,
			    time(NULL));
			if (k < 0 || db_commit(ctl->db) != 0) {
				db_rollback(ctl->db);
				fprintf(stderr, "hearthctl: %s\n",
				    db_errmsg(ctl->db));
				return 1;
			}
			n += k;
		} while (k > 0);
	}
	memset(&sw, 0, sizeof sw);
	sw.data_dir = ctl->config.data_dir;
	media_sweep_collect(&sw, 0, MEDIA_SWEEP_FOLDERS, time(NULL) - 86400);
	removed = media_sweep_remove(ctl->db, &sw, dry);
	printf("%s%d unattached upload(s) older than a day, %zu file(s) "
	    "nothing refers to, %zu unfinished write(s)%s\n", dry ?
	    "would remove: " : "removed: ", n, removed, sw.tmp_removed,
	    sw.n == MEDIA_SWEEP_MAX ? " (more remain: run it again)" : "");
	media_sweep_free(&sw);
	return 0;
}

/* mail test ADDRESS: one message, so an admin sees mail.* work. */
static int
cmd_mail_test(struct ctl *ctl)
{
	struct mail_msg	 m;
	char		*msg, *cause = NULL;
	const char	*site;

	if (ctl->argc != 2)
		return bad_usage(ctl->cmd, "expected exactly one ADDRESS");
	if (!mail_configured(&ctl->config)) {
		fprintf(stderr, "hearthctl: mail is not set up: set "
		    "mail.transport, mail.from and base_url in %s\n",
		    ctl->config.path != NULL ? ctl->config.path : "the config");
		return 2;
	}
	site = ctl->config.instance_title != NULL &&
	    *ctl->config.instance_title != '\0' ? ctl->config.instance_title :
	    "hearth";
	memset(&m, 0, sizeof m);
	m.from_name = site;
	m.to_addr = ctl->argv[1];
	m.subject = arena_printf(ctl->arena, "A test message from %s", site);
	m.text = arena_printf(ctl->arena, "This is a test message from %s "
	    "(%s), sent by hearthctl mail test.\nIf you can read it, "
	    "e-mail digests will reach people.\n", site,
	    ctl->config.base_url);
	m.html = arena_printf(ctl->arena, "<!DOCTYPE html>\n<html><body><p>"
	    "This is a test message from hearth, sent by <code>hearthctl "
	    "mail test</code>.</p><p>If you can read it, e-mail digests will "
	    "reach people.</p></body></html>\n");
	msg = mail_compose(&ctl->config, &m);
	if (mail_send(&ctl->config, ctl->argv[1], msg, &cause) != 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		free(msg);
		return 1;
	}
	free(msg);
	printf("sent a test message to %s through %s\n", ctl->argv[1],
	    ctl->config.mail_transport);
	return 0;
}

/* One digest went: record it at once, so a second run never resends. */
static void
digest_sent_one(int64_t user, int64_t last_id, void *arg)
{
	struct ctl	*ctl = arg;

	if (db_begin(ctl->db) != 0 || digest_mark_sent(ctl->db, user,
	    ctl_digest_now, last_id) != E_OK || db_commit(ctl->db) != 0) {
		db_rollback(ctl->db);
		fprintf(stderr, "hearthctl: user %lld: the digest went but "
		    "could not be recorded: %s\n", (long long)user,
		    db_errmsg(ctl->db));
	}
}

/* digest send [--user NAME] [--at EPOCH] */
static int
cmd_digest_send(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "at", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct user	*u;
	const char	*name = NULL;
	char		*end;
	int64_t		 only = 0;
	int		 ch, n;

	ctl_digest_now = (int64_t)time(NULL);
	optind = 1;
	while ((ch = getopt_long(ctl->argc, ctl->argv, "", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'u':
			name = optarg;
			break;
		case 'a':
			ctl_digest_now = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' ||
			    ctl_digest_now <= 0)
				return bad_usage(ctl->cmd, "--at takes seconds "
				    "since the epoch");
			break;
		default:
			return bad_usage(ctl->cmd, "unknown option");
		}
	}
	if (optind != ctl->argc)
		return bad_usage(ctl->cmd, "takes only --user and --at");
	if (!mail_configured(&ctl->config)) {
		fprintf(stderr, "hearthctl: mail is not set up: set "
		    "mail.transport, mail.from and base_url\n");
		return 2;
	}
	/* Each digest is in its reader's language: the catalogues hearthd
	 * reads (a broken one leaves every digest in English). */
	if (ctl->config.web_dir != NULL) {
		char	*dir = xasprintf("%s/i18n", ctl->config.web_dir);
		char	*cause = NULL;

		if (i18n_load(dir, &cause) != 0) {
			fprintf(stderr, "hearthctl: %s; digests are in "
			    "English\n", cause);
			free(cause);
			i18n_free();
		}
		free(dir);
	}
	if (name != NULL) {
		if ((u = find_user(ctl, name)) == NULL)
			return 1;
		only = u->id;
	}
	if ((n = digest_run(ctl->db, &ctl->config, ctl_digest_now, only,
	    digest_sent_one, ctl)) < 0)
		return 1;
	printf("sent %d digest(s)\n", n);
	return 0;
}

/* demo: a small company to try hearth with. */
static int
cmd_demo(struct ctl *ctl)
{
	char		 pw[17], *phc, *cause = NULL;
	const char	*name;
	size_t		 i;
	int		 admin;

	if (ctl->argc != 1)
		return bad_usage(ctl->cmd, "takes no arguments");
	if (user_get_by_name(ctl->db, ctl->arena, "ada") != NULL) {
		fprintf(stderr, "hearthctl: the demo company is already here\n");
		return 1;
	}
	password_generate(pw, sizeof pw);
	if ((phc = hash_password(pw)) == NULL)
		return 1;
	if (demo_seed(ctl->db, &ctl->config, phc, &cause) != 0) {
		fprintf(stderr, "hearthctl: demo: %s\n", cause);
		free(cause);
		free(phc);
		return 1;
	}
	free(phc);
	printf("demo company seeded; every person has the password %s\n", pw);
	printf("people:");
	for (i = 0; (name = demo_people(i, &admin)) != NULL; i++)
		printf(" %s%s", name, admin ? " (admin)" : "");
	printf("\n");
	return 0;
}

/* module list */
static int
cmd_module_list(struct ctl *ctl)
{
	if (ctl->argc != 1) {
		fprintf(stderr, "usage: hearthctl %s\n", ctl->cmd->usage);
		return 2;
	}
	return module_list(&ctl->config, stdout);
}

/*
 * A running hearthd remembers what it read (stamp.c); after hearthctl
 * wrote, tell it to forget. No file: no hearthd has run here.
 */
static void
ctl_tell_hearthd(struct ctl *ctl)
{
	char	*cause = NULL;

	if (sqlite3_total_changes(db_handle(ctl->db)) == 0)
		return;
	switch (stamp_shared_open(ctl->config.data_dir, 0, &cause)) {
	case 0:
		stamp_shared_raise();
		break;
	case -1:
		fprintf(stderr, "hearthctl: warning: cannot tell a running "
		    "hearthd about this change (%s); it shows there within "
		    "%d minutes\n", cause, STAMP_MAX_AGE / 60);
		free(cause);
		break;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl		 ctl;
	const struct command	*cmd = NULL;
	const char		*path = HEARTH_CONFIG;
	char			*cause = NULL, *dbpath, two[128];
	size_t			 i;
	int			 ch, rc = 1, words;

	memset(&ctl, 0, sizeof ctl);
	while ((ch = getopt_long(argc, argv, "+c:Vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'V':
			printf("hearthctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return 2;
	}
	snprintf(two, sizeof two, "%s %s", argv[0], argc > 1 ? argv[1] : "");
	for (i = 0; i < nitems(commands); i++) {
		words = strchr(commands[i].name, ' ') ? 2 : 1;
		if ((words == 2 && argc > 1 && strcmp(two, commands[i].name) ==
		    0) || (words == 1 && strcmp(argv[0], commands[i].name) ==
		    0)) {
			cmd = &commands[i];
			ctl.cmd = cmd;
			ctl.argc = argc - (words - 1);
			ctl.argv = argv + (words - 1);
			break;
		}
	}
	/* Otherwise: a module's command ("bridge enable NAME"), once the
	 * modules are loaded. */
	if (cmd == NULL && !module_named(argv[0])) {
		fprintf(stderr, "hearthctl: unknown command '%s'\n", two);
		usage(stderr);
		return 2;
	}

	config_defaults(&ctl.config);
	if (config_load(&ctl.config, path, &cause) != 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		config_free(&ctl.config);
		return 2;
	}
	log_set_level(LOG_WARN);
	if (cmd != NULL && command_nodb(cmd)) {
		rc = cmd->fn(&ctl);
		config_free(&ctl.config);
		return rc;
	}
	if (config_make_data_dir(&ctl.config, &cause) != 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		config_free(&ctl.config);
		return 1;
	}
	dbpath = config_db_path(&ctl.config);
	ctl.db = db_open(dbpath, ctl.config.synchronous, 0, &cause);
	free(dbpath);
	/* The company-wide group as the config names it, so that a person
	 * made here joins it even before hearthd has first started. */
	if (ctl.db == NULL || db_migrate(ctl.db, "core", core_migrations,
	    core_nmigrations, &cause) != 0 ||
	    group_default_setup(ctl.db, ctl.config.groups_default,
	    &cause) != 0) {
		fprintf(stderr, "hearthctl: %s\n", cause);
		free(cause);
		goto out;
	}
	ctl.arena = arena_new();
	/* a post a command deletes takes its attachments' files along */
	media_setup(ctl.config.data_dir);
	if (cmd == NULL)
		rc = ctl_module_command(&ctl, argc, argv);
	else if (command_audited(cmd)) {
		/* The change and its audit row commit together or not at
		 * all (the command's own transactions nest). */
		if (db_begin(ctl.db) != 0) {
			fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl.db));
			goto out;
		}
		if ((rc = cmd->fn(&ctl)) == 0 && db_commit(ctl.db) != 0) {
			fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl.db));
			rc = 1;
		} else if (rc != 0)
			db_rollback(ctl.db);
	} else
		rc = cmd->fn(&ctl);
	ctl_tell_hearthd(&ctl);
out:
	media_setup(NULL);
	image_shutdown();
	arena_free(ctl.arena);
	db_close(ctl.db);
	config_free(&ctl.config);
	return rc;
}

/* A date (YYYY-MM-DD) as the Unix time it starts (UTC); -1 if bad. */
static int64_t
ctl_date(const char *s)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	return (int64_t)timegm(&tm);
}

/* One CSV field to stdout, quoted when it must be; a leading =, +, - or
 * @ gets a ' so that no spreadsheet runs it as a formula. */
static void
ctl_csv(const char *s, int last)
{
	const char	*p;

	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		putchar('\'');
	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	fputs(last ? "\r\n" : ",", stdout);
}

/* One entry of audit export. */
static void
audit_one(const struct audit_entry *e, void *arg)
{
	int	*csv = arg;
	json_t	*o = audit_entry_json(e);
	char	*line, id[24], target[24];

	if (*csv) {
		snprintf(id, sizeof id, "%lld", (long long)e->id);
		snprintf(target, sizeof target, "%lld", (long long)e->target_id);
		ctl_csv(id, 0);
		ctl_csv(json_string_value(json_object_get(o, "at")), 0);
		ctl_csv(e->actor_name, 0);
		ctl_csv(e->action, 0);
		ctl_csv(e->target_type, 0);
		ctl_csv(e->target_id ? target : "", 0);
		ctl_csv(e->target_name, 0);
		ctl_csv(e->details, 0);
		ctl_csv(e->ip, 0);
		ctl_csv(e->user_agent, 1);
	} else if ((line = json_dumps(o, JSON_COMPACT)) != NULL) {
		puts(line);
		free(line);
	}
	json_decref(o);
}

/* audit export [--format csv|jsonl] [--since D] [--until D] [--action A] */
static int
cmd_audit_export(struct ctl *ctl)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "action", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct audit_filter	 f;
	int			 ch, csv = 0;

	memset(&f, 0, sizeof f);
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(ctl->argc, ctl->argv, "", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				csv = 1;
			else if (strcmp(optarg, "jsonl") != 0)
				return bad_usage(ctl->cmd, "the format is csv "
				    "or jsonl");
			break;
		case 's':
			if ((f.since = ctl_date(optarg)) < 0)
				return bad_usage(ctl->cmd, "dates are "
				    "YYYY-MM-DD");
			break;
		case 'u':
			if ((f.until = ctl_date(optarg)) < 0)
				return bad_usage(ctl->cmd, "dates are "
				    "YYYY-MM-DD");
			f.until += 86400;	/* to the end of that day */
			break;
		case 'a':
			f.action = optarg;
			break;
		default:
			return bad_usage(ctl->cmd, "unknown or incomplete "
			    "option");
		}
	}
	if (optind != ctl->argc)
		return bad_usage(ctl->cmd, "unexpected argument");
	if (csv)
		fputs("id,at,actor,action,target_type,target_id,target,details,"
		    "ip,user_agent\r\n", stdout);
	if (audit_each(ctl->db, ctl->arena, &f, 1, 0, 0, audit_one, &csv) <
	    0) {
		fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/* audit prune --before YYYY-MM-DD: the operator's retention. */
static int
cmd_audit_prune(struct ctl *ctl)
{
	struct audit_actor	 who;
	char			 name[64];
	json_t			*details;
	int64_t			 before;
	int			 n, rc;

	if (ctl->argc != 3 || strcmp(ctl->argv[1], "--before") != 0 ||
	    (before = ctl_date(ctl->argv[2])) < 0)
		return bad_usage(ctl->cmd, "expected --before YYYY-MM-DD");
	snprintf(name, sizeof name, "hearthctl (uid %lu)",
	    (unsigned long)getuid());
	memset(&who, 0, sizeof who);
	who.name = name;
	who.ip = "local";
	/* The pruning itself is recorded: a gap in the log says who made
	 * it and when. */
	if (db_begin(ctl->db) != 0 || (n = audit_prune(ctl->db, before)) < 0)
		goto fail;
	/* audit_record borrows the details. */
	details = json_pack("{s:s, s:i}", "before", ctl->argv[2], "deleted", n);
	rc = audit_record(ctl->db, &who, "audit.prune", "", 0, "", details);
	json_decref(details);
	if (rc != 0 || db_commit(ctl->db) != 0)
		goto fail;
	printf("deleted %d audit entr%s from before %s\n", n, n == 1 ? "y" :
	    "ies", ctl->argv[2]);
	return 0;
fail:
	db_rollback(ctl->db);
	fprintf(stderr, "hearthctl: %s\n", db_errmsg(ctl->db));
	return 1;
}

#define IMPORT_FILE_MAX		(4 * 1024 * 1024)
#define IMPORT_ROWS_MAX		10000

/* user import FILE.csv [--dry-run]: everyone the file names, or nobody. */
static int
cmd_user_import(struct ctl *ctl)
{
	struct import		 im;
	struct audit_actor	 who;
	const char		*path = NULL;
	char			 name[64], *buf, **pws, **phcs, *cause = NULL;
	int64_t			*ids;
	FILE			*fp;
	size_t			 len, i;
	int			 dry = 0, j, rc = 1, loaded;

	for (j = 1; j < ctl->argc; j++) {
		if (strcmp(ctl->argv[j], "--dry-run") == 0)
			dry = 1;
		else if (path == NULL)
			path = ctl->argv[j];
		else
			return bad_usage(ctl->cmd, "expected one FILE");
	}
	if (path == NULL)
		return bad_usage(ctl->cmd, "expected a FILE");
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "hearthctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	buf = xmalloc(IMPORT_FILE_MAX + 1);
	len = fread(buf, 1, IMPORT_FILE_MAX + 1, fp);
	fclose(fp);
	if (len > IMPORT_FILE_MAX) {
		fprintf(stderr, "hearthctl: %s: larger than %d MiB\n", path,
		    IMPORT_FILE_MAX / 1024 / 1024);
		free(buf);
		return 1;
	}
	if (user_import_parse(ctl->db, ctl->arena, buf, len, IMPORT_ROWS_MAX,
	    &im) != 0) {
		fprintf(stderr, "hearthctl: %s: %s\n", path, im.error);
		free(buf);
		return 1;
	}
	for (i = 0; i < im.n; i++)
		if (im.rows[i].error != NULL)
			fprintf(stderr, "%s:%d: %s: %s\n", path,
			    im.rows[i].line, im.rows[i].field,
			    im.rows[i].error);
	if (im.errors > 0 || dry) {
		if (im.errors == 0)
			printf("%zu %s would be created; nothing was written "
			    "(--dry-run)\n", im.n, im.n == 1 ? "person" :
			    "people");
		else
			fprintf(stderr, "hearthctl: %d line%s in error; nobody "
			    "was created\n", im.errors, im.errors == 1 ? "" :
			    "s");
		free(buf);
		return im.errors > 0 ? 1 : 0;
	}
	pws = xcalloc(im.n, sizeof *pws);
	phcs = xcalloc(im.n, sizeof *phcs);
	ids = xcalloc(im.n, sizeof *ids);
	for (i = 0; i < im.n; i++) {
		pws[i] = xmalloc(21);
		password_generate(pws[i], 21);
		if (password_hash(pws[i], &phcs[i], &cause) != 0) {
			fprintf(stderr, "hearthctl: %s\n", cause);
			free(cause);
			goto out;
		}
	}
	snprintf(name, sizeof name, "hearthctl (uid %lu)",
	    (unsigned long)getuid());
	memset(&who, 0, sizeof who);
	who.name = name;
	who.ip = "local";
	/* Modules hear of each person (after_user_created), as with user
	 * add. */
	if ((loaded = module_load_all(&ctl->config, 1, &cause)) != 0) {
		free(cause);
		cause = NULL;
	}
	j = user_import_write(ctl->db, ctl->arena, &who, &im, phcs, ids,
	    &cause);
	if (loaded == 0)
		module_unload_all();
	if (j != E_OK) {
		fprintf(stderr, "hearthctl: %s\n", cause ? cause : "failed");
		free(cause);
		goto out;
	}
	/* The passwords, once, as CSV: each person must replace theirs at
	 * the first sign-in. */
	fputs("username,password\r\n", stdout);
	for (i = 0; i < im.n; i++) {
		ctl_csv(im.rows[i].username, 0);
		ctl_csv(pws[i], 1);
	}
	fprintf(stderr, "created %zu %s; each must choose a new password at "
	    "the first sign-in\n", im.n, im.n == 1 ? "person" : "people");
	rc = 0;
out:
	for (i = 0; i < im.n; i++) {
		if (pws[i] != NULL)
			OPENSSL_cleanse(pws[i], 21);
		free(pws[i]);
		free(phcs[i]);
	}
	free(pws);
	free(phcs);
	free(ids);
	free(buf);
	return rc;
}
