/*
 * forward.c: feedback from outside reaches the people who build the
 * product. "Forward to a group" under an outside post lets anyone inside
 * bring it into one of their groups with a note of their own: the group
 * sees a post crediting the outside author and linking back to the
 * thread, and discusses it there; nothing of that ever leaves (a group's
 * posts are never shared). A group can also receive every outside reply
 * to the shared posts of chosen people (`hearthctl bridge route add GROUP
 * NAME`): each comes in as a forward by the person it answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

#define NOTE_MAX	1000	/* characters of the forwarder's note */
#define EXCERPT_MAX	2000	/* bytes of the outside text quoted */

/* Markdown-safe quoting of outside text: each line behind "> ", and a
 * zero-width space after every '@' and '#', so that words from outside
 * never mention anyone or tag anything inside. Malloc'ed. */
static char *
br_quote(const char *text)
{
	size_t		 n = strlen(text), i, w = 0;
	char		*out;

	if (n > EXCERPT_MAX)
		n = EXCERPT_MAX;
	out = malloc(n * 6 + 8);
	if (out == NULL)
		abort();
	memcpy(out, "> ", 2);
	w = 2;
	for (i = 0; i < n; i++) {
		out[w++] = text[i];
		if (text[i] == '\n') {
			memcpy(out + w, "> ", 2);
			w += 2;
		} else if (text[i] == '@' || text[i] == '#') {
			memcpy(out + w, "\xe2\x80\x8b", 3);	/* U+200B */
			w += 3;
		}
	}
	out[w] = '\0';
	return out;
}

/*
 * On the writer: user forwards outside post into group with a note. The
 * new post's id, or -1 with *cause.
 */
int64_t
br_forward(struct hm_db *db, int64_t user, int64_t post, int64_t group,
    const char *note, int automatic, char **cause)
{
	struct hm_post_info	 p;
	struct hm_new_post	 np;
	char			*uri, *actor, *acct, *quote, *text;
	int64_t			 id;

	if ((uri = A->outside_of(db, post, &actor, &acct)) == NULL) {
		*cause = strdup("Only posts from outside the company can be "
		    "forwarded here.");
		return -1;
	}
	if (note != NULL && br_chars(note) > NOTE_MAX) {
		*cause = strdup("The note must be at most 1000 characters.");
		id = -1;
		goto out;
	}
	if (A->post_info(db, post, &p) != 0) {
		*cause = strdup("Record not found");
		id = -1;
		goto out;
	}
	quote = br_quote(p.source != NULL ? p.source : "");
	/* The credit: the outside name in a code span (never a mention),
	 * and the thread inside. */
	text = br_printf("%s%s%s\n>\n> — `%s`, from outside the company · "
	    "[the thread](/@%s/%lld)%s",
	    note != NULL && *note != '\0' ? note : "", note != NULL &&
	    *note != '\0' ? "\n\n" : "", quote, acct, acct, (long long)post,
	    automatic ? "\n\n*Forwarded automatically: a reply from outside.*" :
	    "");
	memset(&np, 0, sizeof np);
	np.author = user;
	np.group_id = group;
	np.text = text;
	np.spoiler_text = p.spoiler_text != NULL && *p.spoiler_text != '\0' ?
	    p.spoiler_text : NULL;
	id = A->post_create(db, &np, cause);
	free(text);
	free(quote);
	A->post_info_free(&p);
out:
	A->free(uri);
	A->free(actor);
	A->free(acct);
	return id;
}

/* An outside reply just kept (on the writer): into every group routed
 * for the person it answers, as a forward by them. */
void
br_forward_routes(struct hm_db *db, int64_t post, int64_t answered)
{
	struct hm_post_info	 p;
	struct hm_stmt		*st;
	int64_t			 author, groups[32];
	size_t			 n = 0, i;
	char			*cause;

	if (answered == 0 || A->post_info(db, answered, &p) != 0)
		return;
	author = p.author_id;
	A->post_info_free(&p);
	if ((st = A->db_prepare(db, "SELECT group_id FROM bridge_routes WHERE "
	    "user_id = ?")) == NULL)
		return;
	A->db_bind_int(st, 1, author);
	while (n < 32 && A->db_step(st) == 1)
		groups[n++] = A->db_column_int(st, 0);
	A->db_finalize(st);
	for (i = 0; i < n; i++) {
		cause = NULL;
		if (br_forward(db, author, post, groups[i], NULL, 1, &cause) < 0)
			A->log(br_self, HM_LOG_WARN, "the reply %lld could not "
			    "go to group %lld: %s", (long long)post,
			    (long long)groups[i], cause ? cause : "?");
		free(cause);
	}
}

/* ---------------------------------------------------------------- web */

struct br_forward_form {
	int64_t		 post;
	int64_t		 group;
	const char	*note;
	int64_t		 made;
};

static void
br_group_option(int64_t id, const char *name, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "name", name));
}

static int
br_web_forward_page(struct hm_req *r, int64_t post, int status,
    const char *error)
{
	json_t	*v, *groups;

	if ((v = br_outside_view(r, post, "Forward to a group")) == NULL)
		return HM_DONE;
	groups = json_array();
	A->group_each(A->req_db(r), A->req_user(r), br_group_option, groups);
	json_object_set_new(v, "has_groups", json_boolean(json_array_size(
	    groups) > 0));
	json_object_set_new(v, "groups", groups);
	if (error != NULL) {
		json_object_set_new(v, "error", json_string(error));
		json_object_set_new(v, "note", json_string(A->req_param(r,
		    "note") ? A->req_param(r, "note") : ""));
	}
	A->reply_html(r, status, "bridge/forward", v);
	return HM_DONE;
}

static int
br_forward_write(struct hm_req *r, struct hm_db *db, void *arg, char **cause)
{
	struct br_forward_form	*f = arg;

	if ((f->made = br_forward(db, A->req_user(r), f->post, f->group,
	    f->note, 0, cause)) < 0)
		return HM_INVALID;
	return HM_OK;
}

static void
br_forward_reply(struct hm_req *r, void *arg, int rc, const char *cause)
{
	struct br_forward_form	*f = arg;

	if (rc == HM_INVALID) {
		br_web_forward_page(r, f->post, 422, cause);
		return;
	}
	if (rc != HM_OK) {
		A->reply_error(r, rc > 0 ? rc : 500, cause != NULL ? cause :
		    "The post could not be forwarded.");
		return;
	}
	A->redirect(r, A->req_printf(r, "/groups/%lld", (long long)f->group));
}

/* GET and POST /bridge/forward/:id (group_id, note) */
int
br_web_forward(struct hm_req *r)
{
	struct br_forward_form	*f;
	const char		*g;

	if (A->req_method(r) != HM_POST)
		return br_web_forward_page(r, br_route_id(r), 200, NULL);
	f = A->req_alloc(r, sizeof *f);
	f->post = br_route_id(r);
	g = A->req_param(r, "group_id");
	f->group = g != NULL ? strtoll(g, NULL, 10) : 0;
	f->note = A->req_param(r, "note");
	if (f->group <= 0)
		return br_web_forward_page(r, f->post, 422, "Choose a group.");
	return A->write(r, br_forward_write, br_forward_reply, f);
}

/* ---------------------------------------------------------------- ctl */

struct br_member {
	int64_t	 group;
	int	 yes;
};

static void
br_is_member(int64_t id, const char *name, void *arg)
{
	struct br_member	*m = arg;

	(void)name;
	if (id == m->group)
		m->yes = 1;
}

/* route add|remove GROUP-ID NAME | route list */
int
br_ctl_route(struct hm_db *db, int argc, char **argv)
{
	struct hm_user_info	 u;
	struct hm_stmt		*st;
	struct br_member	 m;
	int64_t			 group;
	int			 add;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if ((st = A->db_prepare(db, "SELECT group_id, user_id FROM "
		    "bridge_routes ORDER BY group_id, user_id")) == NULL)
			return 1;
		while (A->db_step(st) == 1) {
			if (A->user_find(db, A->db_column_int(st, 1), NULL,
			    &u) != 0)
				continue;
			printf("group %lld  gets outside replies to %s\n",
			    (long long)A->db_column_int(st, 0), u.username);
			A->user_info_free(&u);
		}
		A->db_finalize(st);
		return 0;
	}
	if (argc != 4 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "remove") != 0) || (group = strtoll(argv[2], NULL,
	    10)) <= 0) {
		fprintf(stderr, "usage: hearthctl bridge route add|remove "
		    "GROUP-ID NAME | route list\n");
		return 2;
	}
	add = strcmp(argv[1], "add") == 0;
	if (A->user_find(db, 0, argv[3], &u) != 0) {
		fprintf(stderr, "hearthctl: no such person: %s\n", argv[3]);
		return 1;
	}
	/* The forwards are theirs: they must be able to post there. */
	m.group = group;
	m.yes = 0;
	A->group_each(db, u.id, br_is_member, &m);
	if (add && !m.yes) {
		fprintf(stderr, "hearthctl: %s is not a member of group %lld: "
		    "the replies would come in as their forwards\n", argv[3],
		    (long long)group);
		A->user_info_free(&u);
		return 1;
	}
	st = A->db_prepare(db, add ? "INSERT OR IGNORE INTO bridge_routes "
	    "(group_id, user_id, created_at) VALUES (?1, ?2, ?3)" : "DELETE "
	    "FROM bridge_routes WHERE group_id = ?1 AND user_id = ?2");
	if (st == NULL) {
		A->user_info_free(&u);
		return 1;
	}
	A->db_bind_int(st, 1, group);
	A->db_bind_int(st, 2, u.id);
	if (add)
		A->db_bind_int(st, 3, br_now());
	A->db_step(st);
	A->db_finalize(st);

	printf(add ? "group %lld gets every outside reply to %s's shared "
	    "posts (as forwards by %s, who must be a member)\n" : "group %lld "
	    "no longer gets outside replies to %s's posts%s\n", (long long)group,
	    argv[3], add ? argv[3] : "");
	A->user_info_free(&u);
	return 0;
}
