/*
 * ldap-probe.c: ldapc.c driven from the command line, for test_ldapc.py.
 * The conf comes from the environment (LDAPC_URL, LDAPC_STARTTLS, ...: one
 * variable a field, named after it), the answer goes to stdout as JSON
 * lines:
 *
 *   ldap-probe auth USERNAME PASSWORD
 *	{"result": "ok"|"denied"|"error", "cause": ..., "ms": N,
 *	 "person": {...}}
 *   ldap-probe each
 *	{"person": {...}} a person, then
 *	{"result": "ok"|"error", "cause": ..., "count": N, "ms": N}
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib.h"

/* The conf's string fields and the variable each is read from. */
static const struct {
	const char	*env;
	size_t		 off;
} probe_strings[] = {
	{ "LDAPC_URL", offsetof(struct ldapc_conf, url) },
	{ "LDAPC_CA_FILE", offsetof(struct ldapc_conf, ca_file) },
	{ "LDAPC_BIND_DN", offsetof(struct ldapc_conf, bind_dn) },
	{ "LDAPC_BIND_PASSWORD", offsetof(struct ldapc_conf, bind_password) },
	{ "LDAPC_BASE_DN", offsetof(struct ldapc_conf, base_dn) },
	{ "LDAPC_USER_FILTER", offsetof(struct ldapc_conf, user_filter) },
	{ "LDAPC_ID_ATTR", offsetof(struct ldapc_conf, id_attr) },
	{ "LDAPC_USERNAME_ATTR", offsetof(struct ldapc_conf, username_attr) },
	{ "LDAPC_NAME_ATTR", offsetof(struct ldapc_conf, name_attr) },
	{ "LDAPC_EMAIL_ATTR", offsetof(struct ldapc_conf, email_attr) },
	{ "LDAPC_DEPARTMENT_ATTR",
	  offsetof(struct ldapc_conf, department_attr) },
	{ "LDAPC_TITLE_ATTR", offsetof(struct ldapc_conf, title_attr) },
	{ "LDAPC_ALLOWED_GROUP", offsetof(struct ldapc_conf, allowed_group) },
	{ "LDAPC_ADMIN_GROUP", offsetof(struct ldapc_conf, admin_group) },
	{ "LDAPC_GROUP_MEMBER_ATTR",
	  offsetof(struct ldapc_conf, group_member_attr) },
};

/* A person as JSON (null for what they lack). */
static json_t *
probe_person(const struct ldapc_person *p)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:b}",
	    "dn", p->dn, "id", p->id, "username", p->username,
	    "display_name", p->display_name, "email", p->email,
	    "department", p->department, "title", p->title,
	    "allowed", p->allowed, "admin", p->admin);
}

/* Print one JSON line and free it. */
static void
probe_print(json_t *j)
{
	json_dumpf(j, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(j);
}

/* ldapc_each's callback: print the person. */
static void
probe_each_cb(const struct ldapc_person *p, void *arg)
{
	int	*count = arg;

	(*count)++;
	probe_print(json_pack("{s:o}", "person", probe_person(p)));
}

int
main(int argc, char **argv)
{
	struct ldapc_conf	 conf;
	struct ldapc_person	 p;
	const char		*s;
	char			*cause = NULL;
	uint64_t		 start;
	size_t			 i;
	int			 rc, count = 0;
	static const char	*names[] = { "ok", "denied" };

	/* As hearthd does: a directory that hangs up mid-write is an error
	 * to report, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);
	memset(&conf, 0, sizeof conf);
	for (i = 0; i < nitems(probe_strings); i++)
		*(const char **)((char *)&conf + probe_strings[i].off) =
		    getenv(probe_strings[i].env);
	conf.starttls = (s = getenv("LDAPC_STARTTLS")) != NULL && atoi(s);
	conf.ad_nested = (s = getenv("LDAPC_AD_NESTED")) != NULL && atoi(s);
	conf.timeout = (s = getenv("LDAPC_TIMEOUT")) != NULL ? atol(s) : 0;

	start = clock_usec();
	if (argc == 4 && strcmp(argv[1], "auth") == 0) {
		rc = ldapc_authenticate(&conf, argv[2], argv[3], &p, &cause);
		probe_print(json_pack("{s:s, s:s?, s:I, s:o}", "result",
		    rc == LDAPC_ERROR ? "error" : names[rc], "cause", cause,
		    "ms", (json_int_t)((clock_usec() - start) / 1000),
		    "person", rc == LDAPC_OK ? probe_person(&p) : json_null()));
		ldapc_person_free(&p);
	} else if (argc == 2 && strcmp(argv[1], "each") == 0) {
		rc = ldapc_each(&conf, probe_each_cb, &count, &cause);
		probe_print(json_pack("{s:s, s:s?, s:i, s:I}", "result",
		    rc == 0 ? "ok" : "error", "cause", cause, "count", count,
		    "ms", (json_int_t)((clock_usec() - start) / 1000)));
	} else {
		fprintf(stderr, "usage: ldap-probe auth USERNAME PASSWORD | "
		    "each (the conf from LDAPC_* variables)\n");
		return 2;
	}
	free(cause);
	return 0;
}
