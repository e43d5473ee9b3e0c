/*
 * group.c: topic groups. Open groups are readable and joinable by every
 * employee; private groups are visible only to their members, who are added
 * by a group admin. The creator is the first group admin; a group always
 * keeps at least one admin while it has members.
 */
#include <string.h>
#include <time.h>

#include "domain.h"

#define GROUP_COLUMNS "g.id, g.name, g.description, g.description_html, " \
    "g.visibility, coalesce(g.created_by, 0), g.created_at, " \
    "g.members_count, g.posts_count, coalesce((SELECT role FROM " \
    "group_members WHERE group_id = g.id AND user_id = :viewer), -1), " \
    "coalesce(g.archived_at, 0), g.picture_file"

/* Change a group's member count. */
static int
group_count(struct db *db, int64_t group, int delta)
{
	return db_bump(db, "UPDATE groups SET members_count = "
	    "max(members_count + ?, 0) WHERE id = ?", group, delta);
}

/* Insert a membership; 1 if added, 0 if already a member, -1 on error. */
static int
member_insert(struct db *db, int64_t group, int64_t user, enum group_role role)
{
	int	rc;

	if ((rc = DB_RUN(db, "INSERT OR IGNORE INTO group_members (group_id, "
	    "user_id, role, created_at) VALUES (?, ?, ?, ?)", SQL_I(group),
	    SQL_I(user), SQL_I(role), SQL_I(time(NULL)))) <= 0)
		return rc;
	epoch_touch(db, user);	/* their composer's groups */
	feed_forget_after(db, user);	/* the group's posts join their feed */
	return group_count(db, group, 1) == 0 ? 1 : -1;
}

/* Number of admins of a group. */
static int
admin_count(struct db *db, int64_t group)
{
	sqlite3_stmt	*st;
	int		 n = 0;

	st = db_prepare(db, "SELECT count(*) FROM group_members WHERE "
	    "group_id = ? AND role = 1");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, group);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Delete a membership; 1 if removed, 0 if there was none, -1 on error. */
static int
member_delete(struct db *db, int64_t group, int64_t user)
{
	int	rc;

	if ((rc = DB_RUN(db, "DELETE FROM group_members WHERE group_id = ? AND "
	    "user_id = ?", SQL_I(group), SQL_I(user))) <= 0)
		return rc;
	epoch_touch_all(db);	/* a private group's posts leave their reach,
				 * and a composer's groups change */
	feed_forget_after(db, user);
	return group_count(db, group, -1) == 0 ? 1 : -1;
}

/*
 * Create a group with its creator as first admin. Returns the id, or minus
 * an E_ code with *cause.
 */
int64_t
group_create(struct db *db, int64_t creator, const char *name,
    const char *description, const char *description_html,
    enum group_visibility vis, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if (name == NULL || *name == '\0' || strlen(name) > GROUP_NAME_MAX ||
	    strpbrk(name, "\r\n") != NULL) {
		*cause = cause_new(N_("A group's name is 1 to {max} bytes on "
		    "one line"), CN("max", GROUP_NAME_MAX));
		return -E_INVALID;
	}
	if (description != NULL && strlen(description) > GROUP_DESCRIPTION_MAX) {
		*cause = cause_new(N_("A group's description is at most {max} "
		    "bytes"), CN("max", GROUP_DESCRIPTION_MAX));
		return -E_INVALID;
	}
	if (db_begin(db) != 0)
		return -E_INTERNAL;
	st = db_prepare(db, "INSERT INTO groups (name, description, "
	    "description_html, visibility, created_by, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, description ? description : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, description_html ? description_html : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 4, vis);
	sqlite3_bind_int64(st, 5, creator);
	sqlite3_bind_int64(st, 6, time(NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		db_rollback(db);
		*cause = cause_new(N_("A group named '{name}' already exists"),
		    CT("name", name));
		return -E_CONFLICT;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	id = db_last_id(db);
	if (member_insert(db, id, creator, GROUP_ADMIN) != 1)
		goto fail;
	if (db_commit(db) != 0)
		return -E_INTERNAL;
	return id;
fail:
	db_rollback(db);
	*cause = xstrdup(N_("Creating the group failed"));
	return -E_INTERNAL;
}

/* Build a group from a row of GROUP_COLUMNS. */
static struct group *
group_from_row(struct arena *a, sqlite3_stmt *st)
{
	struct group	*g = arena_alloc(a, sizeof *g);

	g->id = sqlite3_column_int64(st, 0);
	g->name = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	g->description = arena_strdup(a, (const char *)
	    sqlite3_column_text(st, 2));
	g->description_html = arena_strdup(a, (const char *)
	    sqlite3_column_text(st, 3));
	g->visibility = (enum group_visibility)sqlite3_column_int(st, 4);
	g->created_by = sqlite3_column_int64(st, 5);
	g->created_at = sqlite3_column_int64(st, 6);
	g->members_count = sqlite3_column_int64(st, 7);
	g->posts_count = sqlite3_column_int64(st, 8);
	g->my_role = sqlite3_column_int(st, 9);
	g->archived_at = sqlite3_column_int64(st, 10);
	g->picture_file = sqlite3_column_type(st, 11) == SQLITE_NULL ? NULL :
	    arena_strdup(a, (const char *)sqlite3_column_text(st, 11));
	return g;
}

/* A group the viewer may read, or NULL (private groups hide from others). */
struct group *
group_get(struct db *db, struct arena *a, int64_t viewer, int64_t id)
{
	sqlite3_stmt	*st;
	struct group	*g = NULL;

	st = db_prepare(db, "SELECT " GROUP_COLUMNS " FROM groups g WHERE "
	    "g.id = :id AND " SQL_GROUP_READABLE("g"));
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
	access_bind_viewer(st, viewer);
	if (sqlite3_step(st) == SQLITE_ROW)
		g = group_from_row(a, st);
	sqlite3_reset(st);
	return g;
}

/* A group whether or not the viewer may read it, for those who manage
 * every group (group-settings.c decides who). */
struct group *
group_get_any(struct db *db, struct arena *a, int64_t viewer, int64_t id)
{
	sqlite3_stmt	*st;
	struct group	*g = NULL;

	st = db_prepare(db, "SELECT " GROUP_COLUMNS " FROM groups g WHERE "
	    "g.id = :id");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
	access_bind_viewer(st, viewer);
	if (sqlite3_step(st) == SQLITE_ROW)
		g = group_from_row(a, st);
	sqlite3_reset(st);
	return g;
}

/* Groups the viewer may read (or, with mine, belongs to), newest first. */
int
group_list(struct db *db, struct arena *a, int64_t viewer, int mine,
    const struct page *p, struct idlist *ids)
{
	static const char *const sql[2][2] = {
		PAGE_SQL("SELECT g.id FROM groups g WHERE "
		    SQL_GROUP_READABLE("g") " AND ", "g.id"),
		PAGE_SQL("SELECT g.id FROM groups g JOIN group_members m ON "
		    "m.group_id = g.id AND m.user_id = :viewer WHERE ", "g.id"),
	};
	const struct sqlarg	 args[] = { SQLARG_INT(":viewer", viewer) };

	return page_select(db, a, sql[mine != 0], p, args, nitems(args), ids,
	    NULL) == E_OK ? 0 : -1;
}

/*
 * The groups a person belongs to, by name (at most max), for choosers such
 * as the composer's: one query instead of a list and a lookup per group.
 */
int
group_names(struct db *db, struct arena *a, int64_t user, size_t max,
    struct group_name **out, size_t *n)
{
	sqlite3_stmt	*st;

	*n = 0;
	*out = arena_alloc(a, (max ? max : 1) * sizeof **out);
	st = db_prepare(db, "SELECT g.id, g.name FROM group_members m JOIN "
	    "groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY "
	    "g.name COLLATE NOCASE, g.id LIMIT ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
		(*out)[*n].id = sqlite3_column_int64(st, 0);
		(*out)[*n].name = arena_strdup(a,
		    (const char *)sqlite3_column_text(st, 1));
		(*n)++;
	}
	sqlite3_reset(st);
	return 0;
}

/* Join an open group; joining twice is no error. */
int
group_join(struct db *db, int64_t user, int64_t group)
{
	struct arena	*a;
	struct group	*g;
	int		 rc;

	a = arena_new();
	g = group_get(db, a, user, group);
	rc = g == NULL ? E_NOTFOUND : g->my_role >= 0 ? E_OK :
	    g->visibility != GROUP_OPEN || g->archived_at != 0 ?
	    E_FORBIDDEN : -1;
	arena_free(a);
	if (rc != -1)
		return rc;
	/* A group its last member left has no admin: whoever joins it next
	 * runs it, so no group has members and no one to manage them. */
	return member_insert(db, group, user, admin_count(db, group) == 0 ?
	    GROUP_ADMIN : GROUP_MEMBER) >= 0 ? E_OK : E_INTERNAL;
}

/* Leave a group; the last admin must hand over first. */
int
group_leave(struct db *db, int64_t user, int64_t group, char **cause)
{
	int	role = access_group_role(db, user, group);

	if (role < 0)
		return access_group_readable(db, user, group) ? E_OK :
		    E_NOTFOUND;
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if (role == GROUP_ADMIN && admin_count(db, group) == 1) {
		sqlite3_stmt *st = db_prepare(db, "SELECT members_count FROM "
		    "groups WHERE id = ?");
		int64_t members = 0;

		if (st != NULL) {
			sqlite3_bind_int64(st, 1, group);
			if (sqlite3_step(st) == SQLITE_ROW)
				members = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (members > 1) {
			db_rollback(db);
			*cause = xstrdup(N_("You are the group's only admin: "
			    "make another member an admin before you leave"));
			return E_CONFLICT;
		}
	}
	if (member_delete(db, group, user) < 0) {
		db_rollback(db);
		return E_INTERNAL;
	}
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
}

/* Check that actor is an admin of a group they can see. */
static int
group_admin_check(struct db *db, int64_t actor, int64_t group, char **cause)
{
	int	role = access_group_role(db, actor, group);

	if (role == GROUP_ADMIN)
		return E_OK;
	if (!access_group_readable(db, actor, group))
		return E_NOTFOUND;
	*cause = xstrdup(N_("Only a group admin can manage the group's "
	    "members"));
	return E_FORBIDDEN;
}

/* A group admin adds someone; they are notified. Adding twice is no error. */
int
group_add_member(struct db *db, int64_t actor, int64_t group, int64_t user,
    char **cause)
{
	sqlite3_stmt	*st;
	int		 rc, disabled = -1;

	if ((rc = group_admin_check(db, actor, group, cause)) != E_OK)
		return rc;
	if (group_archived(db, group)) {
		*cause = xstrdup(N_("This group is archived: unarchive it to "
		    "add people"));
		return E_FORBIDDEN;
	}
	/* Employees only: an outside account is never in a group. */
	st = db_prepare(db, "SELECT disabled OR origin IS NOT NULL FROM users "
	    "WHERE id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int64(st, 1, user);
	if (sqlite3_step(st) == SQLITE_ROW)
		disabled = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (disabled != 0) {
		*cause = xstrdup(N_("No such account"));
		return E_NOTFOUND;
	}
	if (db_begin(db) != 0)
		return E_INTERNAL;
	rc = member_insert(db, group, user, GROUP_MEMBER);
	if (rc < 0 || (rc == 1 && notify_add(db, user, "added_to_group", actor,
	    0, group) != 0)) {
		db_rollback(db);
		return E_INTERNAL;
	}
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
}

/* A group admin removes someone (never the last admin). */
int
group_remove_member(struct db *db, int64_t actor, int64_t group, int64_t user,
    char **cause)
{
	int	rc, role;

	if ((rc = group_admin_check(db, actor, group, cause)) != E_OK)
		return rc;
	if ((role = access_group_role(db, user, group)) < 0)
		return E_OK;
	if (role == GROUP_ADMIN && admin_count(db, group) == 1) {
		*cause = xstrdup(N_("A group must keep at least one admin"));
		return E_CONFLICT;
	}
	if (db_begin(db) != 0)
		return E_INTERNAL;
	if (member_delete(db, group, user) < 0) {
		db_rollback(db);
		return E_INTERNAL;
	}
	return db_commit(db) == 0 ? E_OK : E_INTERNAL;
}

/* A group admin makes a member an admin, or an admin a member. */
int
group_set_role(struct db *db, int64_t actor, int64_t group, int64_t user,
    enum group_role role, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc, cur;

	if ((rc = group_admin_check(db, actor, group, cause)) != E_OK)
		return rc;
	if ((cur = access_group_role(db, user, group)) < 0) {
		*cause = xstrdup(N_("That person is not a member of the "
		    "group"));
		return E_INVALID;
	}
	if (cur == GROUP_ADMIN && role == GROUP_MEMBER &&
	    admin_count(db, group) == 1) {
		*cause = xstrdup(N_("A group must keep at least one admin"));
		return E_CONFLICT;
	}
	st = db_prepare(db, "UPDATE group_members SET role = ? WHERE "
	    "group_id = ? AND user_id = ?");
	if (st == NULL)
		return E_INTERNAL;
	sqlite3_bind_int(st, 1, role);
	sqlite3_bind_int64(st, 2, group);
	sqlite3_bind_int64(st, 3, user);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? E_OK : E_INTERNAL;
}

/*
 * A group's members, newest first (user ids; membership ids as cursors),
 * only those whose username or display name contains q when q is neither
 * NULL nor empty.
 */
int
group_members(struct db *db, struct arena *a, int64_t viewer, int64_t group,
    const char *q, const struct page *p, struct idlist *ids,
    struct idlist *cursors)
{
	static const char *const sql[2] = PAGE_SQL("SELECT m.user_id, m.id "
	    "FROM group_members m JOIN users u ON u.id = m.user_id AND "
	    "u.disabled = 0 WHERE m.group_id = :group AND (:q IS NULL OR "
	    "u.username LIKE :q ESCAPE '\\' OR u.display_name LIKE :q "
	    "ESCAPE '\\') AND ", "m.id");
	const struct sqlarg	 args[] = { SQLARG_INT(":group", group),
	    SQLARG_TEXT(":q", db_like_contains(a, q)) };

	if (!access_group_readable(db, viewer, group))
		return E_NOTFOUND;
	return page_select(db, a, sql, p, args, nitems(args), ids, cursors);
}

/*
 * Check a group to create and render its description, wherever it came
 * from (the web's form, the API's parameters): vis is "open", "private"
 * or empty (open). 0, or E_INVALID with the field at fault in *field
 * ("name", "visibility" or "description") and plain words in *msg for
 * the caller to put its own way.
 */
int
group_prepare(struct db *db, struct arena *a, struct group_input *in,
    const char *vis, const char *base_url, const char **field,
    const char **msg)
{
	struct mention_ctx	 resolve = { db, a };
	struct markdown		 md;
	char			*cause = NULL;

	in->name = arena_trim(a, in->name != NULL ? in->name : "");
	in->description = in->description != NULL ? in->description : "";
	in->description_html = "";
	*field = NULL;
	if (*in->name == '\0') {
		*field = "name";
		*msg = "a group needs a name";
	} else if (vis == NULL || *vis == '\0' || strcmp(vis, "open") == 0)
		in->visibility = GROUP_OPEN;
	else if (strcmp(vis, "private") == 0)
		in->visibility = GROUP_PRIVATE;
	else {
		*field = "visibility";
		*msg = "visibility must be open or private";
	}
	if (*field == NULL && strlen(in->description) > GROUP_DESCRIPTION_MAX) {
		*field = "description";
		*msg = arena_printf(a, "the description is too long: at most "
		    "%d bytes", GROUP_DESCRIPTION_MAX);
	}
	if (*field == NULL && *in->description != '\0') {
		if (markdown_render(a, in->description,
		    strlen(in->description), base_url, post_mention_resolve,
		    &resolve, &md, &cause) != 0) {
			*field = "description";
			*msg = arena_strdup(a, cause);
			free(cause);
		} else
			in->description_html = md.html;
	}
	return *field != NULL ? E_INVALID : 0;
}

/* Command: create a prepared group, its creator its first admin. */
int
group_create_cmd(struct db *db, void *arg, char **cause)
{
	struct group_input	*in = arg;
	int64_t			 id;

	id = group_create(db, in->creator, in->name, in->description,
	    in->description_html, in->visibility, cause);
	if (id < 0)
		return (int)-id;
	in->id = id;
	return E_OK;
}

/*
 * Command: a change of membership someone asks for, by the same rules
 * whether it came from the web or the API (the functions above decide who
 * may). A refusal carries its reason in *cause.
 */
int
group_change_cmd(struct db *db, void *arg, char **cause)
{
	struct group_change	*c = arg;
	int			 rc = E_INTERNAL;

	switch (c->op) {
	case GROUP_JOIN:
		if ((rc = group_join(db, c->actor, c->group)) == E_FORBIDDEN)
			*cause = xstrdup(group_archived(db, c->group) ?
			    "This group is archived: nobody joins it." :
			    "This group is private: a group "
			    "admin must add you.");
		break;
	case GROUP_LEAVE:
		rc = group_leave(db, c->actor, c->group, cause);
		break;
	case GROUP_ADD:
		rc = group_add_member(db, c->actor, c->group, c->account,
		    cause);
		break;
	case GROUP_REMOVE:
		rc = group_remove_member(db, c->actor, c->group, c->account,
		    cause);
		break;
	case GROUP_PROMOTE:
	case GROUP_DEMOTE:
		rc = group_set_role(db, c->actor, c->group, c->account,
		    c->op == GROUP_PROMOTE ? GROUP_ADMIN : GROUP_MEMBER,
		    cause);
		break;
	}
	return rc;
}

/*
 * Hand the groups someone runs to someone else (an admin's tool, for a
 * person leaving the company): in every group where `from` is a group
 * admin, `to` becomes one (joining if need be) and `from` a plain member;
 * the groups `from` created name `to` as their creator. The number of
 * groups handed over, or minus an E_ code with *cause: `to` must be an
 * enabled person of the company, and not `from`.
 */
int
group_transfer(struct db *db, int64_t from, int64_t to, char **cause)
{
	sqlite3_stmt	*st;
	struct arena	*a;
	struct idlist	 groups = { NULL, 0, 0 };
	size_t		 i;
	int		 ok = 0, n = 0;

	if (from == to) {
		*cause = xstrdup(N_("choose someone else to take the groups "
		    "over"));
		return -E_INVALID;
	}
	st = db_prepare(db, "SELECT disabled = 0 AND origin IS NULL FROM users "
	    "WHERE id = ?");
	if (st == NULL)
		return -E_INTERNAL;
	sqlite3_bind_int64(st, 1, to);
	if (sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!ok) {
		*cause = xstrdup(N_("the new owner must be an active person of "
		    "the company"));
		return -E_INVALID;
	}
	if (db_begin(db) != 0)
		return -E_INTERNAL;
	a = arena_new();
	st = db_prepare(db, "SELECT group_id FROM group_members WHERE "
	    "user_id = ? AND role = 1 ORDER BY group_id");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, from);
	while (sqlite3_step(st) == SQLITE_ROW)
		idlist_add(a, &groups, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	for (i = 0; i < groups.n; i++) {
		if (member_insert(db, groups.ids[i], to, GROUP_ADMIN) < 0 ||
		    DB_RUN(db, "UPDATE group_members SET role = 1 WHERE "
		    "group_id = ? AND user_id = ?", SQL_I(groups.ids[i]),
		    SQL_I(to)) < 0 ||
		    DB_RUN(db, "UPDATE group_members SET role = 0 WHERE "
		    "group_id = ? AND user_id = ?", SQL_I(groups.ids[i]),
		    SQL_I(from)) < 0)
			goto fail;
		n++;
	}
	if (DB_RUN(db, "UPDATE groups SET created_by = ? WHERE created_by = ?",
	    SQL_I(to), SQL_I(from)) < 0)
		goto fail;
	epoch_touch_all(db);
	arena_free(a);
	return db_commit(db) == 0 ? n : -E_INTERNAL;
fail:
	arena_free(a);
	db_rollback(db);
	return -E_INTERNAL;
}
