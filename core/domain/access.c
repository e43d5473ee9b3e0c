/*
 * access.c: who may see what. The rules are the SQL predicates in domain.h
 * (SQL_POST_VISIBLE, SQL_GROUP_READABLE), used inside every query that lists
 * posts or groups so a rule is written exactly once; the functions here ask
 * the same predicates about a single row.
 */
#include <string.h>

#include "domain.h"

static const char *const visibility_names[] = {
	"public", "unlisted", "private", "direct",
};


/* The Mastodon name of a visibility. */
const char *
visibility_name(enum visibility v)
{
	return visibility_names[v];
}

/* Parse a Mastodon visibility name; -1 if unknown. */
int
visibility_parse(const char *s, enum visibility *out)
{
	size_t	i;

	for (i = 0; i < nitems(visibility_names); i++) {
		if (strcmp(s, visibility_names[i]) == 0) {
			*out = (enum visibility)i;
			return 0;
		}
	}
	return -1;
}

/* Bind :viewer, if the statement has it. */
void
access_bind_viewer(sqlite3_stmt *st, int64_t viewer)
{
	int	i = sqlite3_bind_parameter_index(st, ":viewer");

	if (i > 0)
		sqlite3_bind_int64(st, i, viewer);
}

/* 1 if viewer may read the post, 0 if not or if it does not exist. */
int
access_post_visible(struct db *db, int64_t viewer, int64_t post_id)
{
	sqlite3_stmt	*st;
	int		 ok;

	st = db_prepare(db, "SELECT 1 FROM posts p WHERE p.id = :id AND "
	    SQL_POST_VISIBLE("p"));
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), post_id);
	access_bind_viewer(st, viewer);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* 1 if viewer may read the group, 0 if not or if it does not exist. */
int
access_group_readable(struct db *db, int64_t viewer, int64_t group_id)
{
	sqlite3_stmt	*st;
	int		 ok;

	st = db_prepare(db, "SELECT 1 FROM groups g WHERE g.id = :id AND "
	    SQL_GROUP_READABLE("g"));
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"),
	    group_id);
	access_bind_viewer(st, viewer);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* A person's role in a group: GROUP_MEMBER, GROUP_ADMIN, or -1. */
int
access_group_role(struct db *db, int64_t user_id, int64_t group_id)
{
	sqlite3_stmt	*st;
	int		 role = -1;

	st = db_prepare(db, "SELECT role FROM group_members WHERE group_id = ? "
	    "AND user_id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, group_id);
	sqlite3_bind_int64(st, 2, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		role = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return role;
}
