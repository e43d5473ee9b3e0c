/*
 * demo.c: a small demo company to try hearth with: people with profiles,
 * follows, open and private groups, and a few days of posts with Markdown,
 * mentions, hashtags and replies. It goes through the same domain functions
 * as the API, so the demo obeys every rule real data does. Tables, not code:
 * to change the demo, change the tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"

static const struct demo_person {
	const char	*name, *display, *title, *dept, *location, *pronouns;
	int		 admin;
} people[] = {
	{ "ada", "Ada Lovelace", "Engineering Lead", "Engineering", "London",
	  "she/her", 1 },
	{ "grace", "Grace Hopper", "Staff Engineer", "Engineering", "New York",
	  "she/her", 0 },
	{ "margaret", "Margaret Hamilton", "Director of Software",
	  "Engineering", "Boston", "she/her", 0 },
	{ "alan", "Alan Turing", "Research Lead", "Research", "Manchester",
	  "he/him", 0 },
	{ "katherine", "Katherine Johnson", "Data Scientist", "Analytics",
	  "Hampton", "she/her", 0 },
	{ "tim", "Tim Berners-Lee", "Web Architect", "Platform", "Geneva",
	  "he/him", 0 },
	{ "barbara", "Barbara Liskov", "Principal Engineer", "Platform",
	  "Boston", "she/her", 0 },
	{ "hedy", "Hedy Lamarr", "Product Manager", "Product", "Vienna",
	  "she/her", 0 },
	{ "linus", "Linus Pauling", "Research Scientist", "Research",
	  "Pasadena", "he/him", 0 },
	{ "rosalind", "Rosalind Franklin", "People Partner", "People",
	  "London", "she/her", 0 },
};

/* Who follows whom: each row is a follower and the people they follow. */
static const struct { const char *who, *follows[6]; } follows[] = {
	{ "ada", { "grace", "margaret", "alan", "tim", NULL } },
	{ "grace", { "ada", "margaret", "barbara", NULL } },
	{ "margaret", { "ada", "grace", "alan", NULL } },
	{ "alan", { "ada", "linus", "katherine", NULL } },
	{ "katherine", { "ada", "alan", "hedy", NULL } },
	{ "tim", { "ada", "barbara", "hedy", NULL } },
	{ "barbara", { "tim", "grace", "ada", NULL } },
	{ "hedy", { "ada", "tim", "katherine", "rosalind", NULL } },
	{ "linus", { "alan", "katherine", NULL } },
	{ "rosalind", { "ada", "hedy", NULL } },
};

/* Groups, their creator and who else is in them. */
static const struct {
	const char		*name, *description, *creator;
	enum group_visibility	 vis;
	const char		*members[8];
} groups[] = {
	{ "Engineering", "Everything about how we **build** things. Ask, "
	  "share, review.", "ada", GROUP_OPEN,
	  { "grace", "margaret", "barbara", "tim", NULL } },
	{ "Coffee & Tea", "The kitchen, the beans and the leaves. "
	  "#coffee", "hedy", GROUP_OPEN,
	  { "ada", "rosalind", "katherine", "alan", NULL } },
	{ "Leadership", "Private: planning before it is ready to share.",
	  "margaret", GROUP_PRIVATE, { "ada", "alan", NULL } },
};

/* Posts, oldest first. reply_to is the index of an earlier post (or -1);
 * group names a group above (or NULL). */
static const struct {
	const char	*author, *text, *group;
	enum visibility	 vis;
	int		 reply_to;
} posts[] = {
	{ "ada", "Welcome to **hearth**, everyone! This is our own place to "
	  "share what we are working on. Say hello below and follow the "
	  "people you work with. #welcome", NULL, VIS_PUBLIC, -1 },
	{ "grace", "Hello! Happy to be here. @ada, do we have a place for "
	  "engineering questions?", NULL, VIS_PUBLIC, 0 },
	{ "ada", "@grace yes: join the *Engineering* group, it is open to "
	  "everyone.", NULL, VIS_PUBLIC, 1 },
	{ "margaret", "Reminder for code reviews:\n\n1. Read the whole "
	  "change first\n2. Run it\n3. Be kind and specific\n\n#engineering",
	  "Engineering", VIS_PUBLIC, -1 },
	{ "barbara", "Substitutability is a *kindness* to your future "
	  "colleagues. `interface` first, then code. #engineering",
	  "Engineering", VIS_PUBLIC, -1 },
	{ "hedy", "New beans in the 3rd floor kitchen: a washed Ethiopian, "
	  "bright and floral. #coffee", "Coffee & Tea", VIS_PUBLIC, -1 },
	{ "rosalind", "Tea drinkers, the good Darjeeling is back. #tea",
	  "Coffee & Tea", VIS_PUBLIC, 5 },
	{ "alan", "Reading group on Thursday: *Computing Machinery and "
	  "Intelligence*. Bring questions. #research", NULL, VIS_PUBLIC, -1 },
	{ "katherine", "Quarterly numbers are in the dashboard. The trend "
	  "line is the story, not the dots. #analytics", NULL, VIS_PUBLIC, -1 },
	{ "tim", "Design note: every page should work without JavaScript. "
	  "Links are the API of the web. https://www.w3.org/Provider/Style/",
	  NULL, VIS_PUBLIC, -1 },
	{ "margaret", "Draft plan for next quarter is in the usual folder: "
	  "comments by Friday, please.", "Leadership", VIS_PUBLIC, -1 },
	{ "grace", "Followers only: I am moving teams next month. More soon!",
	  NULL, VIS_PRIVATE, -1 },
	{ "ada", "@grace congratulations on the move, let us talk about the "
	  "handover this week.", NULL, VIS_DIRECT, -1 },
	{ "linus", "Lab is closed Friday afternoon for maintenance. #research",
	  NULL, VIS_UNLISTED, -1 },
};

/* The id of a demo person. */
static int64_t
person(struct db *db, struct arena *a, const char *name)
{
	struct user	*u = user_get_by_name(db, a, name);

	return u ? u->id : 0;
}

/* The id of a demo group, by name. */
static int64_t
group_id(const int64_t *ids, const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(groups); i++) {
		if (strcmp(groups[i].name, name) == 0)
			return ids[i];
	}
	return 0;
}

/*
 * Seed the demo company into db; every person's password hash is phc.
 * Returns 0, or -1 with *cause.
 */
int
demo_seed(struct db *db, const char *base_url, const char *phc, char **cause)
{
	struct arena		*a = arena_new();
	struct profile_edit	 pe;
	struct post_draft	 d;
	struct mention_ctx	 mc = { db, NULL };
	int64_t			 gids[nitems(groups)], pids[nitems(posts)];
	int64_t			 id, uid;
	size_t			 i, j;
	char			*email, *why = NULL;
	int			 rc = -1;

	mc.arena = a;
	if (db_begin(db) != 0) {
		*cause = xstrdup(db_errmsg(db));
		goto out;
	}
	for (i = 0; i < nitems(people); i++) {
		email = xasprintf("%s@example.com", people[i].name);
		id = user_create(db, people[i].name, people[i].display, email,
		    people[i].admin ? ROLE_ADMIN : ROLE_MEMBER, phc, cause);
		free(email);
		if (id < 0)
			goto fail;
		memset(&pe, 0, sizeof pe);
		pe.job_title = people[i].title;
		pe.department = people[i].dept;
		pe.location = people[i].location;
		pe.pronouns = people[i].pronouns;
		pe.bio = arena_printf(a, "%s in %s.", people[i].title,
		    people[i].dept);
		pe.bio_html = arena_printf(a, "<p>%s in %s.</p>",
		    people[i].title, people[i].dept);
		if (profile_update(db, id, &pe, cause) != E_OK)
			goto fail;
	}
	for (i = 0; i < nitems(follows); i++) {
		uid = person(db, a, follows[i].who);
		for (j = 0; follows[i].follows[j] != NULL; j++) {
			if (follow_add(db, uid, person(db, a,
			    follows[i].follows[j]), cause) != E_OK)
				goto fail;
		}
	}
	for (i = 0; i < nitems(groups); i++) {
		struct markdown md;

		uid = person(db, a, groups[i].creator);
		if (markdown_render(a, groups[i].description,
		    strlen(groups[i].description), base_url,
		    post_mention_resolve, &mc, &md, cause) != 0)
			goto fail;
		id = group_create(db, uid, groups[i].name, groups[i].description,
		    md.html, groups[i].vis, cause);
		if (id < 0)
			goto fail;
		gids[i] = id;
		for (j = 0; groups[i].members[j] != NULL; j++) {
			if (group_add_member(db, uid, id, person(db, a,
			    groups[i].members[j]), &why) != E_OK)
				goto fail;
		}
	}
	for (i = 0; i < nitems(posts); i++) {
		memset(&d, 0, sizeof d);
		d.arena = a;
		d.author_id = person(db, a, posts[i].author);
		d.source = posts[i].text;
		d.visibility = posts[i].vis;
		d.group_id = posts[i].group ? group_id(gids, posts[i].group) : 0;
		d.in_reply_to_id = posts[i].reply_to >= 0 ?
		    pids[posts[i].reply_to] : 0;
		if (markdown_render(a, d.source, strlen(d.source), base_url,
		    post_mention_resolve, &mc, &d.md, cause) != 0)
			goto fail;
		if (post_check(&d) != E_OK || post_create(db, &d) != E_OK) {
			*cause = xasprintf("demo post %zu: %s", i, d.cause);
			goto fail;
		}
		pids[i] = d.id;
	}
	if (favourite_add(db, person(db, a, "grace"), pids[0]) != E_OK ||
	    favourite_add(db, person(db, a, "tim"), pids[0]) != E_OK ||
	    favourite_add(db, person(db, a, "ada"), pids[3]) != E_OK)
		goto fail;
	if (db_commit(db) != 0) {
		*cause = xstrdup(db_errmsg(db));
		goto out;
	}
	rc = 0;
	goto out;
fail:
	if (*cause == NULL)
		*cause = xstrdup(why ? why : db_errmsg(db));
	db_rollback(db);
out:
	free(why);
	arena_free(a);
	return rc;
}

/* The demo people's usernames, for the message that tells how to sign in. */
const char *
demo_people(size_t i, int *admin)
{
	if (i >= nitems(people))
		return NULL;
	*admin = people[i].admin;
	return people[i].name;
}
