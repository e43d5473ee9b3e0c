/*
 * directory-sync.c: bringing hearth in line with the company directory
 * (auth.ldap.sync_interval, hearthctl ldap sync). The directory lists its
 * people; every active account tied to the directory (an `ldap` identity)
 * whose entry is gone, or no longer allowed to sign in, leaves the company
 * (user_deactivate: sessions, tokens and streams end), and the others'
 * names, e-mail, departments, titles and admin role follow the directory.
 *
 * A directory that answers nothing, or would take away more than half its
 * people at once, is more likely misconfigured or half-down than emptied:
 * the sync refuses (E_CONFLICT, with the numbers) unless forced.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"

#define GUARD_MIN	4	/* below this many accounts, no guard */

/* Compare two subjects for bsearch and qsort. */
static int
subject_cmp(const void *a, const void *b)
{
	return strcmp(((const struct claims *)a)->subject,
	    ((const struct claims *)b)->subject);
}

/* One active account tied to the directory. */
struct linked {
	int64_t	 user;
	char	*subject;
};

/* The active accounts tied to provider p: *out (malloc'd), their number
 * or -1. */
static int
linked_accounts(struct db *db, enum idp p, struct linked **out)
{
	sqlite3_stmt	*st;
	struct linked	*v = NULL;
	size_t		 n = 0, cap = 0;
	int		 rc;

	st = db_prepare(db, "SELECT i.user_id, i.subject FROM identities i "
	    "JOIN users u ON u.id = i.user_id WHERE i.provider = ? AND "
	    "u.disabled = 0 ORDER BY i.user_id");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, idp_name(p), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[n].user = sqlite3_column_int64(st, 0);
		v[n].subject = xstrdup((const char *)sqlite3_column_text(st,
		    1));
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		while (n > 0)
			free(v[--n].subject);
		free(v);
		return -1;
	}
	*out = v;
	return (int)n;
}

/* Someone the sync deactivated, in the audit log (same transaction). */
static int
sync_audit(struct db *db, enum idp p, int64_t id, const char *why)
{
	struct audit_actor	 who = { 0, NULL, "", "" };
	struct arena		*a = arena_new();
	struct user		*u = user_get(db, a, id);
	json_t			*d = json_pack("{s:s}", "reason", why);
	int			 rc;

	who.name = p == IDP_LDAP ? "directory sync (ldap)" : "directory sync";
	rc = audit_record(db, &who, "user.disable", "user", id, u != NULL ?
	    u->username : "", d);
	json_decref(d);
	arena_free(a);
	return rc;
}

/*
 * Apply the directory's list (people, n: claims with subject, allowed,
 * admin and the profile) to the accounts tied to provider p, in one
 * transaction. E_OK with the counts in *s, E_CONFLICT past the guard
 * (*cause says why), E_INTERNAL.
 */
int
directory_sync(struct db *db, enum idp p, const struct claims *people,
    size_t n, struct dir_sync *s, char **cause)
{
	struct claims	*sorted = NULL, key;
	const struct claims *c;
	struct linked	*acc = NULL;
	int		 nacc, i, gone = 0, rc = E_INTERNAL;

	s->seen = (int)n;
	s->linked = s->updated = s->deactivated = 0;
	if ((nacc = linked_accounts(db, p, &acc)) < 0)
		return E_INTERNAL;
	s->linked = nacc;
	if (n > 0) {
		sorted = xcalloc(n, sizeof *sorted);
		memcpy(sorted, people, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, subject_cmp);
	}
	for (i = 0; i < nacc; i++) {
		key.subject = acc[i].subject;
		c = n > 0 ? bsearch(&key, sorted, n, sizeof *sorted,
		    subject_cmp) : NULL;
		if (c == NULL || !c->allowed)
			gone++;
	}
	if (!s->force && nacc >= GUARD_MIN && (n == 0 || gone * 2 > nacc)) {
		*cause = xasprintf("the directory listed %zu people and %d of "
		    "the %d accounts it signs in would be deactivated: more "
		    "likely a wrong base DN, filter or group, or a directory "
		    "half down, than half the company leaving. Nothing was "
		    "changed; check with --dry-run, then --force", n, gone,
		    nacc);
		rc = E_CONFLICT;
		goto out;
	}
	if (s->dry_run) {
		s->deactivated = gone;
		rc = E_OK;
		goto out;
	}
	if (db_begin(db) != 0)
		goto out;
	for (i = 0; i < nacc; i++) {
		key.subject = acc[i].subject;
		c = n > 0 ? bsearch(&key, sorted, n, sizeof *sorted,
		    subject_cmp) : NULL;
		if (c == NULL || !c->allowed) {
			if (user_deactivate(db, acc[i].user, c == NULL ?
			    "directory sync: gone from the directory" :
			    "directory sync: not in the allowed group") != E_OK ||
			    sync_audit(db, p, acc[i].user, c == NULL ?
			    "gone from the directory" : "not in the allowed "
			    "group") != 0)
				goto fail;
			log_info("directory sync: user %lld deactivated (%s)",
			    (long long)acc[i].user, c == NULL ? "gone from the "
			    "directory" : "not in the allowed group");
			s->deactivated++;
			continue;
		}
		if (identity_update(db, acc[i].user, c) != 0)
			goto fail;
		s->updated++;
	}
	rc = db_commit(db) == 0 ? E_OK : E_INTERNAL;
	goto out;
fail:
	db_rollback(db);
out:
	for (i = 0; i < nacc; i++)
		free(acc[i].subject);
	free(acc);
	free(sorted);
	return rc;
}

/* What a directory entry says of a person, as claims (strings are the
 * entry's: the caller keeps it alive). */
void
ldap_person_claims(const struct config *c, const struct ldapc_person *p,
    struct claims *out)
{
	memset(out, 0, sizeof *out);
	out->provider = IDP_LDAP;
	out->issuer = "";
	out->subject = p->id;
	out->username = p->username;
	out->display_name = p->display_name;
	out->email = p->email;
	out->department = p->department;
	out->job_title = p->title;
	out->admin = c->ldap_admin_group != NULL && *c->ldap_admin_group !=
	    '\0' ? p->admin : -1;
	out->allowed = p->allowed;
}

/* Collecting the directory's people into an arena. */
struct dir_read {
	const struct config	*config;
	struct arena		*arena;
	struct claims		*v;
	size_t			 n, cap;
};

/* One entry of the listing, copied (ldapc frees its own after). */
static void
dir_read_one(const struct ldapc_person *p, void *arg)
{
	struct dir_read	*d = arg;
	struct claims	*c;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	c = &d->v[d->n++];
	ldap_person_claims(d->config, p, c);
#define KEEP(x) ((x) != NULL ? arena_strdup(d->arena, (x)) : NULL)
	c->subject = KEEP(p->id);
	c->username = KEEP(p->username);
	c->display_name = KEEP(p->display_name);
	c->email = KEEP(p->email);
	c->department = KEEP(p->department);
	c->job_title = KEEP(p->title);
#undef KEEP
}

/*
 * Read every person of the company directory (blocking: a worker or
 * hearthctl): 0 with *out (malloc'd; its strings in a) and *n, or -1 and
 * *cause (then the list must not be taken as complete).
 */
int
ldap_directory_read(const struct config *c, struct arena *a,
    struct claims **out, size_t *n, char **cause)
{
	struct ldapc_conf	 lc;
	struct dir_read		 d = { c, a, NULL, 0, 0 };

	config_ldapc(c, &lc);
	if (ldapc_each(&lc, dir_read_one, &d, cause) != 0) {
		free(d.v);
		return -1;
	}
	*out = d.v;
	*n = d.n;
	return 0;
}
