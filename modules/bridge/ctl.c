/*
 * ctl.c: hearthctl bridge ..., for the admin at the console: make a
 * person (or a team or company account) visible outside or not, manage
 * the desk, and see the queue. Each runs in one transaction on
 * hearthctl's connection; a running hearthd picks the deliveries up on
 * its next tick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

#define A	br_api

/* A person by username, or a message and -1. */
static int64_t
br_ctl_user(struct hm_db *db, const char *name)
{
	struct hm_user_info	u;
	int64_t			id;

	if (A->user_find(db, 0, name, &u) != 0) {
		fprintf(stderr, "hearthctl: no such person: %s\n", name);
		return -1;
	}
	id = u.id;
	A->user_info_free(&u);
	return id;
}

/* enable USER */
int
br_ctl_enable(struct hm_db *db, int argc, char **argv)
{
	char	*cause = NULL;
	int64_t	 id;
	int	 rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hearthctl bridge enable USER\n");
		return 2;
	}
	if ((id = br_ctl_user(db, argv[1])) < 0)
		return 1;
	if ((rc = br_opt_in(db, id, 0, &cause)) != HM_OK) {
		fprintf(stderr, "hearthctl: %s: %s\n", argv[1], cause ? cause :
		    A->db_error(db));
		free(cause);
		return 1;
	}
	printf("%s is visible outside as @%s@%s (%s/@%s)\n", argv[1], argv[1],
	    br_conf.host, br_conf.base, argv[1]);
	return 0;
}

/* disable USER */
int
br_ctl_disable(struct hm_db *db, int argc, char **argv)
{
	char	*cause = NULL;
	int64_t	 id;
	int	 rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hearthctl bridge disable USER\n");
		return 2;
	}
	if ((id = br_ctl_user(db, argv[1])) < 0)
		return 1;
	if ((rc = br_opt_out(db, id, &cause)) != HM_OK) {
		fprintf(stderr, "hearthctl: %s: %s\n", argv[1], cause ? cause :
		    A->db_error(db));
		free(cause);
		return 1;
	}
	printf("%s is no longer visible outside; Delete goes to their "
	    "followers' servers\n", argv[1]);
	return 0;
}

/* desk add USER | desk remove USER | desk list */
int
br_ctl_desk(struct hm_db *db, int argc, char **argv)
{
	struct hm_stmt		*st;
	struct hm_user_info	 u;
	int64_t			 id;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if ((st = A->db_prepare(db, "SELECT user_id, added_at FROM "
		    "bridge_desk ORDER BY added_at")) == NULL)
			return 1;
		printf("the desk: every admin, and\n");
		while (A->db_step(st) == 1) {
			if (A->user_find(db, A->db_column_int(st, 0), NULL,
			    &u) != 0)
				continue;
			printf("  %s\n", u.username);
			A->user_info_free(&u);
		}
		A->db_finalize(st);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "remove") != 0)) {
		fprintf(stderr, "usage: hearthctl bridge desk add|remove USER "
		    "| desk list\n");
		return 2;
	}
	if ((id = br_ctl_user(db, argv[2])) < 0)
		return 1;
	if ((strcmp(argv[1], "add") == 0 ? br_desk_add(db, id, 0) :
	    br_desk_remove(db, id)) != 0) {
		fprintf(stderr, "hearthctl: %s\n", A->db_error(db));
		return 1;
	}
	printf("%s %s the desk\n", argv[2], strcmp(argv[1], "add") == 0 ?
	    "is on" : "is off");
	return 0;
}

/* queue: deliveries per host */
int
br_ctl_queue(struct hm_db *db, int argc, char **argv)
{
	json_t		*list = br_deliveries_json(db), *h;
	size_t		 i;

	printf("%-32s %8s %8s %10s  %s\n", "HOST", "PENDING", "FAILED",
	    "DELIVERED", "STATE");
	json_array_foreach(list, i, h) {
		printf("%-32s %8lld %8lld %10lld  %s%s%s\n",
		    json_string_value(json_object_get(h, "host")),
		    (long long)json_integer_value(json_object_get(h,
		    "pending")),
		    (long long)json_integer_value(json_object_get(h, "failed")),
		    (long long)json_integer_value(json_object_get(h,
		    "delivered")),
		    json_is_true(json_object_get(h, "paused")) ? "paused" :
		    "ok", json_string_value(json_object_get(h, "last_error")) ?
		    ": " : "", json_string_value(json_object_get(h,
		    "last_error")) ? json_string_value(json_object_get(h,
		    "last_error")) : "");
	}
	if (json_array_size(list) == 0)
		printf("(nothing has gone out yet)\n");
	json_decref(list);
	return 0;
}

/* shares: what waits at the desk */
int
br_ctl_shares(struct hm_db *db, int argc, char **argv)
{
	struct hm_stmt		*st;
	struct hm_user_info	 u;

	if ((st = A->db_prepare(db, "SELECT post_id, author_id, requested_at, "
	    "published_at IS NOT NULL FROM bridge_shares WHERE state = "
	    "'pending' ORDER BY requested_at")) == NULL)
		return 1;
	printf("%-10s %-20s %-20s %s\n", "POST", "AUTHOR", "WAITING SINCE",
	    "KIND");
	while (A->db_step(st) == 1) {
		char	when[32];

		br_iso_buf(A->db_column_int(st, 2), when, sizeof when);
		if (A->user_find(db, A->db_column_int(st, 1), NULL, &u) != 0)
			continue;
		printf("%-10lld %-20s %-20s %s\n", (long long)
		    A->db_column_int(st, 0), u.username, when,
		    A->db_column_int(st, 3) ? "edit" : "new");
		A->user_info_free(&u);
	}
	A->db_finalize(st);
	return 0;
}

/* follow USER ACCOUNT@HOST */
int
br_ctl_follow(struct hm_db *db, int argc, char **argv)
{
	struct br_actor	 a;
	char		*cause = NULL;
	int64_t		 id;
	int		 on;

	if (argc != 3) {
		fprintf(stderr, "usage: hearthctl bridge follow USER "
		    "ACCOUNT@HOST\n");
		return 2;
	}
	if ((id = br_ctl_user(db, argv[1])) < 0)
		return 1;
	if (br_conf.follow == BR_FOLLOW_NOBODY) {
		fprintf(stderr, "hearthctl: following people outside is off "
		    "(bridge.follow = nobody)\n");
		return 1;
	}
	on = br_actor_get(db, id, NULL, &a) == 0 && a.disabled_at == 0;
	if (a.user_id != 0)
		br_actor_free(&a);
	if (!on && br_conf.follow == BR_FOLLOW_OPTED_IN) {
		fprintf(stderr, "hearthctl: %s is not visible outside, and "
		    "bridge.follow = opted_in (hearthctl bridge enable %s "
		    "first)\n", argv[1], argv[1]);
		return 1;
	}
	if (br_follow_request(db, id, argv[2], &cause) != HM_OK) {
		fprintf(stderr, "hearthctl: %s: %s\n", argv[2], cause ? cause :
		    A->db_error(db));
		free(cause);
		return 1;
	}
	printf("%s will follow %s: hearthd looks it up, and the company "
	    "follows it (hearthctl bridge following %s shows how it went)\n",
	    argv[1], argv[2], argv[1]);
	return 0;
}

/* unfollow USER ACCOUNT@HOST */
int
br_ctl_unfollow(struct hm_db *db, int argc, char **argv)
{
	struct hm_stmt	*st;
	const char	*acct;
	int64_t		 id, account = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: hearthctl bridge unfollow USER "
		    "ACCOUNT@HOST\n");
		return 2;
	}
	if ((id = br_ctl_user(db, argv[1])) < 0)
		return 1;
	acct = argv[2][0] == '@' ? argv[2] + 1 : argv[2];
	if ((st = A->db_prepare(db, "SELECT v.account_id FROM bridge_voices v "
	    "JOIN bridge_remote_actors a ON a.id = v.actor WHERE "
	    "(a.username || '@' || a.host) = ? COLLATE NOCASE")) != NULL) {
		A->db_bind_text(st, 1, acct);
		if (A->db_step(st) == 1)
			account = A->db_column_int(st, 0);
		A->db_finalize(st);
	}
	if ((st = A->db_prepare(db, "DELETE FROM bridge_following WHERE "
	    "user_id = ? AND acct = ?")) != NULL) {
		A->db_bind_int(st, 1, id);
		A->db_bind_text(st, 2, acct);
		A->db_step(st);
		A->db_finalize(st);
	}
	if (account == 0) {
		fprintf(stderr, "hearthctl: nobody here follows %s\n", acct);
		return 1;
	}
	if (A->follow(db, id, account, 0) != HM_OK) {
		fprintf(stderr, "hearthctl: %s\n", A->db_error(db));
		return 1;
	}
	printf("%s no longer follows %s (when nobody here does, hearthd "
	    "sends Undo(Follow))\n", argv[1], acct);
	return 0;
}

/* following USER */
int
br_ctl_following(struct hm_db *db, int argc, char **argv)
{
	struct hm_stmt	*st;
	int64_t		 id;

	if (argc != 2) {
		fprintf(stderr, "usage: hearthctl bridge following USER\n");
		return 2;
	}
	if ((id = br_ctl_user(db, argv[1])) < 0)
		return 1;
	/* the wish, then how the company's follow of that account went */
	if ((st = A->db_prepare(db, "SELECT f.acct, CASE WHEN f.state = "
	    "'accepted' THEN COALESCE(v.state, 'pending') ELSE f.state END, "
	    "COALESCE(f.error, v.error, '') FROM bridge_following f LEFT JOIN "
	    "bridge_voices v ON v.actor = f.actor WHERE f.user_id = ? ORDER BY "
	    "f.id")) == NULL)
		return 1;
	A->db_bind_int(st, 1, id);
	printf("%-40s %-10s %s\n", "ACCOUNT", "STATE", "ERROR");
	while (A->db_step(st) == 1)
		printf("%-40s %-10s %s\n", A->db_column_text(st, 0),
		    A->db_column_text(st, 1), A->db_column_text(st, 2));
	A->db_finalize(st);
	return 0;
}

/* domain block|silence|allow|remove DOMAIN [NOTE...] | domain list */
int
br_ctl_domain(struct hm_db *db, int argc, char **argv)
{
	struct hm_stmt	*st;
	char		*cause = NULL, *note = NULL;
	const char	*verb = argc > 1 ? argv[1] : "";
	size_t		 n = 0;
	int		 i, rc;

	if (argc == 2 && strcmp(verb, "list") == 0) {
		if ((st = A->db_prepare(db, "SELECT domain, policy, "
		    "COALESCE(note, '') FROM bridge_domains ORDER BY policy, "
		    "domain")) == NULL)
			return 1;
		printf("mode: %s\n", br_conf.allowlist ? "allowlist (only "
		    "allowed servers)" : "open (all but blocked servers)");
		while (A->db_step(st) == 1) {
			printf("%-8s %s%s%s\n", A->db_column_text(st, 1),
			    A->db_column_text(st, 0), *A->db_column_text(st,
			    2) ? "  # " : "", A->db_column_text(st, 2));
			n++;
		}
		A->db_finalize(st);
		if (n == 0)
			printf("(no domain has a policy)\n");
		return 0;
	}
	if (argc < 3 || (!br_policy_valid(verb) && strcmp(verb, "remove") !=
	    0)) {
		fprintf(stderr, "usage: hearthctl bridge domain "
		    "block|silence|allow|remove DOMAIN [NOTE] | domain list\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {	/* the note: the rest, as words */
		char	*w = br_printf("%s%s%s", note ? note : "", note ? " " :
		    "", argv[i]);

		free(note);
		note = w;
	}
	rc = br_domain_set(db, argv[2], strcmp(verb, "remove") == 0 ? NULL :
	    verb, note, 0, &cause);
	free(note);
	if (rc != HM_OK) {
		fprintf(stderr, "hearthctl: %s: %s\n", argv[2], cause ? cause :
		    A->db_error(db));
		free(cause);
		return 1;
	}
	if (strcmp(verb, "remove") == 0)
		printf("%s has no policy now\n", argv[2]);
	else if (strcmp(verb, "block") == 0)
		printf("%s is blocked: refused at the inbox, its followers "
		    "removed, nothing more delivered to it\n", argv[2]);
	else if (strcmp(verb, "silence") == 0)
		printf("%s is silenced: what it sends is kept but notifies "
		    "nobody\n", argv[2]);
	else
		printf("%s is allowed%s\n", argv[2], br_conf.allowlist ? "" :
		    " (it matters with bridge.mode = allowlist)");
	return 0;
}

/* actor block|unblock ACTOR-URL | actor list */
int
br_ctl_actor(struct hm_db *db, int argc, char **argv)
{
	struct hm_stmt	*st;
	char		*cause = NULL;
	int		 on;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if ((st = A->db_prepare(db, "SELECT actor FROM "
		    "bridge_blocked_actors ORDER BY actor")) == NULL)
			return 1;
		while (A->db_step(st) == 1)
			printf("blocked  %s\n", A->db_column_text(st, 0));
		A->db_finalize(st);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "block") != 0 &&
	    strcmp(argv[1], "unblock") != 0)) {
		fprintf(stderr, "usage: hearthctl bridge actor block|unblock "
		    "ACTOR-URL | actor list\n");
		return 2;
	}
	on = strcmp(argv[1], "block") == 0;
	if (br_actor_block(db, argv[2], on, 0, &cause) != HM_OK) {
		fprintf(stderr, "hearthctl: %s: %s\n", argv[2], cause ? cause :
		    A->db_error(db));
		free(cause);
		return 1;
	}
	printf("%s is %s\n", argv[2], on ? "blocked" : "no longer blocked");
	return 0;
}
