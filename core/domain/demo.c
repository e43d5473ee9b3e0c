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

/* Pictures drawn here for some posts (by index above), with alt text: a
 * demo that shows what attachments look like in the stream. */
enum demo_picture { PIC_CHART, PIC_BEANS };
static const struct {
	int			 post;
	enum demo_picture	 kind;
	const char		*name, *alt;
} pictures[] = {
	{ 8, PIC_CHART, "quarterly.png", "Bar chart of the last four "
	  "quarters: sales rise from 40 to 85 (thousands), each bar taller "
	  "than the one before" },
	{ 5, PIC_BEANS, "beans.png", "A warm brown gradient with rows of "
	  "coffee-bean ovals" },
};

#define PIC_W	960
#define PIC_H	540

/* Paint a rectangle of px (PIC_W wide) in one colour. */
static void
fill(uint8_t *px, int x0, int y0, int x1, int y1, const uint8_t c[3])
{
	int	x, y;

	for (y = y0; y < y1 && y < PIC_H; y++)
		for (x = x0; x < x1 && x < PIC_W; x++)
			memcpy(px + ((size_t)y * PIC_W + x) * 3, c, 3);
}

/* Draw a demo picture's pixels. */
static void
draw(enum demo_picture kind, uint8_t *px)
{
	static const uint8_t	 white[3] = { 255, 255, 255 };
	static const uint8_t	 grid[3] = { 225, 228, 235 };
	static const uint8_t	 bars[4][3] = {
		{ 196, 90, 40 }, { 214, 120, 50 }, { 226, 150, 60 },
		{ 238, 178, 70 }
	};
	static const int	 values[4] = { 40, 55, 70, 85 };
	int			 i, x, y, dx, dy;
	uint8_t			 c[3];

	if (kind == PIC_CHART) {
		fill(px, 0, 0, PIC_W, PIC_H, white);
		for (i = 0; i <= 4; i++)
			fill(px, 60, 480 - i * 100, PIC_W - 40, 482 - i * 100,
			    grid);
		for (i = 0; i < 4; i++)
			fill(px, 120 + i * 200, 480 - values[i] * 5,
			    240 + i * 200, 480, bars[i]);
		return;
	}
	for (y = 0; y < PIC_H; y++) {
		for (x = 0; x < PIC_W; x++) {
			c[0] = (uint8_t)(120 + 60 * y / PIC_H);
			c[1] = (uint8_t)(70 + 40 * y / PIC_H);
			c[2] = (uint8_t)(40 + 20 * x / PIC_W);
			/* a bean every 120 x 90 pixels: an ellipse */
			dx = (x % 120) - 60;
			dy = (y % 90) - 45;
			if (dx * dx * 9 + dy * dy * 16 < 40 * 40 * 9) {
				c[0] = (uint8_t)(c[0] / 2);
				c[1] = (uint8_t)(c[1] / 2);
				c[2] = (uint8_t)(c[2] / 2);
			}
			memcpy(px + ((size_t)y * PIC_W + x) * 3, c, 3);
		}
	}
}

/*
 * Upload a demo picture for owner as the composer would (decoded and
 * written again, stored, recorded): its media id, or 0 with *cause.
 */
static int64_t
demo_picture(struct db *db, const struct config *c, struct arena *a,
    int64_t owner, size_t i, char **cause)
{
	struct media_upload	 u;
	struct image_out	 png;
	uint8_t			*px = xmalloc((size_t)PIC_W * PIC_H * 3);
	int64_t			 id = 0;

	draw(pictures[i].kind, px);
	if (image_from_rgb(px, PIC_W, PIC_H, &png, cause) != 0) {
		free(px);
		return 0;
	}
	free(px);
	media_upload_init(&u, owner, c, a);
	u.data = png.data;
	u.len = png.len;
	u.filename = pictures[i].name;
	u.description = pictures[i].alt;
	u.is_image = 1;
	media_upload_work(&u);
	if (media_upload_cmd(db, &u, cause) == E_OK)
		id = u.id;
	image_out_free(&png);
	return id;
}

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
demo_seed(struct db *db, const struct config *c, const char *phc,
    char **cause)
{
	const char		*base_url = c->base_url;
	struct arena		*a = arena_new();
	struct profile_edit	 pe;
	struct post_draft	 d;
	struct mention_ctx	 mc = { db, NULL };
	int64_t			 gids[nitems(groups)], pids[nitems(posts)];
	int64_t			 id, uid, mid;
	size_t			 i, j, k;
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
		for (k = 0; k < nitems(pictures); k++) {
			if (pictures[k].post != (int)i)
				continue;
			if ((mid = demo_picture(db, c, a, d.author_id, k,
			    cause)) == 0)
				goto fail;
			d.media_ids = arena_alloc(a, sizeof *d.media_ids);
			d.media_ids[0] = mid;
			d.nmedia = 1;
		}
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
