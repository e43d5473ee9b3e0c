/*
 * store.c: the guidelines module's SQL. Versions and acknowledgements are
 * only ever inserted: triggers (see the migrations in guidelines.c) refuse
 * UPDATE and DELETE, so no page, API or command can rewrite history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guidelines.h"

#define A	gl_api

/* A version (0: the current one), strings in the request's memory. */
int
gl_version_get(struct hm_req *r, int64_t version, struct gl_version *v)
{
	struct hm_stmt	*st;
	int		 rc = -1;

	st = A->db_prepare(A->req_db(r), version > 0 ?
	    "SELECT version, text, summary, requires_ack, published_at, "
	    "published_by FROM guideline_versions WHERE version = ?" :
	    "SELECT version, text, summary, requires_ack, published_at, "
	    "published_by FROM guideline_versions ORDER BY version DESC "
	    "LIMIT 1");
	if (st == NULL)
		return -1;
	if (version > 0)
		A->db_bind_int(st, 1, version);
	if (A->db_step(st) == 1) {
		v->version = A->db_column_int(st, 0);
		v->text = A->req_strdup(r, A->db_column_text(st, 1));
		v->summary = A->req_strdup(r, A->db_column_text(st, 2));
		v->requires_ack = (int)A->db_column_int(st, 3);
		v->published_at = A->db_column_int(st, 4);
		v->published_by = A->db_column_int(st, 5);
		rc = 0;
	}
	A->db_finalize(st);
	return rc;
}

/* Whether any version was published (every page asks: keep it cheap). */
int
gl_published(struct hm_db *db)
{
	struct hm_stmt	*st;
	int		 found;

	st = A->db_prepare(db, "SELECT 1 FROM guideline_versions LIMIT 1");
	if (st == NULL)
		return 0;
	found = A->db_step(st) == 1;
	A->db_finalize(st);
	return found;
}

/* The latest version that needs acknowledging; -1 if there is none. */
int
gl_required(struct hm_db *db, int64_t *version, int64_t *at, int64_t *by)
{
	struct hm_stmt	*st;
	int		 rc = -1;

	st = A->db_prepare(db, "SELECT version, published_at, published_by "
	    "FROM guideline_versions WHERE requires_ack = 1 "
	    "ORDER BY version DESC LIMIT 1");
	if (st == NULL)
		return -1;
	if (A->db_step(st) == 1) {
		*version = A->db_column_int(st, 0);
		if (at != NULL)
			*at = A->db_column_int(st, 1);
		if (by != NULL)
			*by = A->db_column_int(st, 2);
		rc = 0;
	}
	A->db_finalize(st);
	return rc;
}

/* When user first acknowledged version or a later one; 0 if never. */
int64_t
gl_acked_at(struct hm_db *db, int64_t user, int64_t version)
{
	struct hm_stmt	*st;
	int64_t		 at = 0;

	st = A->db_prepare(db, "SELECT min(acked_at) FROM guideline_acks "
	    "WHERE user_id = ? AND version >= ?");
	if (st == NULL)
		return 0;
	A->db_bind_int(st, 1, user);
	A->db_bind_int(st, 2, version);
	if (A->db_step(st) == 1)
		at = A->db_column_int(st, 0);
	A->db_finalize(st);
	return at;
}

/* Append an acknowledgement (once per person and version). */
int
gl_ack(struct hm_db *db, int64_t user, int64_t version, const char *via,
    char **cause)
{
	struct hm_stmt	*st;
	int		 rc, current = 0;

	st = A->db_prepare(db, "SELECT max(version) FROM guideline_versions");
	if (st == NULL)
		return 500;
	if (A->db_step(st) == 1)
		current = (int)A->db_column_int(st, 0);
	A->db_finalize(st);
	if (current == 0 || version != current) {
		*cause = strdup(current == 0 ? "No guidelines have been "
		    "published." : "Only the current version of the guidelines "
		    "can be acknowledged; reload it and try again.");
		return current == 0 ? HM_NOTFOUND : HM_CONFLICT;
	}
	st = A->db_prepare(db, "INSERT OR IGNORE INTO guideline_acks "
	    "(user_id, version, acked_at, via) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return 500;
	A->db_bind_int(st, 1, user);
	A->db_bind_int(st, 2, version);
	A->db_bind_int(st, 3, (int64_t)time(NULL));
	A->db_bind_text(st, 4, via);
	rc = A->db_step(st);
	A->db_finalize(st);
	return rc == 0 ? HM_OK : 500;
}

/* Publish a new version; its number in *version. */
int
gl_publish(struct hm_db *db, const char *text, const char *summary,
    int requires_ack, int64_t by, int64_t *version, char **cause)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "INSERT INTO guideline_versions (version, "
	    "text, summary, requires_ack, published_at, published_by) "
	    "VALUES ((SELECT coalesce(max(version), 0) + 1 FROM "
	    "guideline_versions), ?, ?, ?, ?, ?)");
	if (st == NULL)
		return 500;
	A->db_bind_text(st, 1, text);
	A->db_bind_text(st, 2, summary);
	A->db_bind_int(st, 3, requires_ack != 0);
	A->db_bind_int(st, 4, (int64_t)time(NULL));
	A->db_bind_int(st, 5, by);
	rc = A->db_step(st);
	A->db_finalize(st);
	if (rc != 0) {
		*cause = strdup("The guidelines could not be saved.");
		return 500;
	}
	*version = A->db_last_id(db);
	return HM_OK;
}

/* Every version, newest first. */
int
gl_versions(struct hm_req *r, struct gl_version **out, size_t *n)
{
	struct hm_stmt		*st;
	struct gl_version	*v = NULL;
	size_t			 cap = 0;

	*n = 0;
	st = A->db_prepare(A->req_db(r), "SELECT version, summary, "
	    "requires_ack, published_at, published_by FROM guideline_versions "
	    "ORDER BY version DESC");
	if (st == NULL)
		return -1;
	while (A->db_step(st) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(v, cap * sizeof *v);
			if (v == NULL)
				abort();
		}
		v[*n].version = A->db_column_int(st, 0);
		v[*n].text = NULL;
		v[*n].summary = A->req_strdup(r, A->db_column_text(st, 1));
		v[*n].requires_ack = (int)A->db_column_int(st, 2);
		v[*n].published_at = A->db_column_int(st, 3);
		v[*n].published_by = A->db_column_int(st, 4);
		(*n)++;
	}
	A->db_finalize(st);
	*out = v;
	return 0;
}

/* An acknowledgement, sorted by person for lookups. */
struct ack {
	int64_t		 user;
	int64_t		 at;
	char		 via[8];
};

struct people_ctx {
	struct hm_req	*r;
	struct gl_list	*list;
	struct ack	*acks;
	size_t		 nacks;
};

/* Find a person's acknowledgement. */
static const struct ack *
ack_find(const struct people_ctx *c, int64_t user)
{
	size_t	lo = 0, hi = c->nacks, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->acks[mid].user == user)
			return &c->acks[mid];
		if (c->acks[mid].user < user)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One person: acknowledged or pending. */
static void
people_one(const struct hm_user *u, void *arg)
{
	struct people_ctx	*c = arg;
	struct gl_list		*l = c->list;
	const struct ack	*a;
	struct gl_person	*p;

	if (u->disabled)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((l->v = realloc(l->v, l->cap * sizeof *l->v)) == NULL)
			abort();
	}
	p = &l->v[l->n++];
	p->id = u->id;
	p->username = A->req_strdup(c->r, u->username);
	p->display_name = A->req_strdup(c->r, u->display_name ?
	    u->display_name : "");
	a = ack_find(c, u->id);
	p->acked_at = a ? a->at : 0;
	p->via = a ? A->req_strdup(c->r, a->via) : NULL;
	if (a != NULL)
		l->acked++;
}

/*
 * Everyone (not disabled) with whether they acknowledged version or a
 * later one, and when and how they first did. The caller frees list->v.
 */
int
gl_people(struct hm_req *r, struct hm_db *db, int64_t version,
    struct gl_list *list)
{
	struct people_ctx	 c = { r, list, NULL, 0 };
	struct hm_stmt		*st;
	size_t			 cap = 0;
	int			 rc;

	memset(list, 0, sizeof *list);
	/* SQLite takes the other columns from the min() row. */
	st = A->db_prepare(db, "SELECT user_id, min(acked_at), via FROM "
	    "guideline_acks WHERE version >= ? GROUP BY user_id "
	    "ORDER BY user_id");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, version);
	while (A->db_step(st) == 1) {
		if (c.nacks == cap) {
			cap = cap ? cap * 2 : 64;
			if ((c.acks = realloc(c.acks, cap * sizeof *c.acks)) ==
			    NULL)
				abort();
		}
		c.acks[c.nacks].user = A->db_column_int(st, 0);
		c.acks[c.nacks].at = A->db_column_int(st, 1);
		snprintf(c.acks[c.nacks].via, sizeof c.acks[c.nacks].via, "%s",
		    A->db_column_text(st, 2));
		c.nacks++;
	}
	A->db_finalize(st);
	rc = A->user_each(db, people_one, &c);
	free(c.acks);
	return rc;
}

/* Whether user was already reminded of version. */
int
gl_reminded(struct hm_db *db, int64_t user, int64_t version)
{
	struct hm_stmt	*st;
	int		 found;

	st = A->db_prepare(db, "SELECT 1 FROM guideline_reminders WHERE "
	    "user_id = ? AND version = ?");
	if (st == NULL)
		return 1;
	A->db_bind_int(st, 1, user);
	A->db_bind_int(st, 2, version);
	found = A->db_step(st) == 1;
	A->db_finalize(st);
	return found;
}

/* Remember a reminder went out. */
int
gl_remind_mark(struct hm_db *db, int64_t user, int64_t version)
{
	struct hm_stmt	*st;
	int		 rc;

	st = A->db_prepare(db, "INSERT OR IGNORE INTO guideline_reminders "
	    "(user_id, version, sent_at) VALUES (?, ?, ?)");
	if (st == NULL)
		return -1;
	A->db_bind_int(st, 1, user);
	A->db_bind_int(st, 2, version);
	A->db_bind_int(st, 3, (int64_t)time(NULL));
	rc = A->db_step(st);
	A->db_finalize(st);
	return rc == 0 ? 0 : -1;
}
