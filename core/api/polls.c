/*
 * polls.c: Mastodon's polls in the API: reading one and voting. A poll is
 * read and voted in by whoever may read its post (poll.c); a status's poll
 * is read from the request by poll-params.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

/* A whole number of seconds from text, or -1. */
static int64_t
poll_seconds(const char *v)
{
	char		*end;
	long long	 n;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? (int64_t)n : -1;
}

/* GET /api/v1/polls/:id */
enum handled
api_poll_get(struct req *r)
{
	struct ectx	 e;
	json_t		*p = NULL;
	int64_t		 id = req_id(r, ":0");

	req_ectx(r, &e);
	if (id > 0 && access_post_visible(req_db(r), r->user->id, id))
		p = entity_poll(&e, id);
	if (p != NULL)
		req_json(r, 200, p);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
	return HANDLED;
}

/* Answer a vote with the poll as it is now. */
static void
vote_reply(struct req *r, void *arg)
{
	struct poll_vote	*v = arg;
	struct ectx		 e;
	json_t			*p;

	req_ectx(r, &e);
	if ((p = entity_poll(&e, v->id)) != NULL)
		req_json(r, 200, p);
	else
		req_error(r, 404, "Record not found");
	ectx_free(&e);
}

/* One choice (an option's index) into v; -1 after answering 422. */
static int
vote_add(struct req *r, struct poll_vote *v, const char *s, json_t *j)
{
	int64_t	c = j != NULL && json_is_integer(j) ? json_integer_value(j) :
	    poll_seconds(j != NULL ? json_string_value(j) : s);

	if (c < 0 || c >= POLL_OPTIONS_MAX) {
		req_error(r, 422, "Validation failed: choices must be option "
		    "indexes of this poll");
		return -1;
	}
	if (v->n == POLL_OPTIONS_MAX) {
		req_error(r, 422, "Validation failed: too many choices");
		return -1;
	}
	v->choices[v->n++] = (int)c;
	return 0;
}

/* POST /api/v1/polls/:id/votes: choices[] (a form's or JSON's). */
enum handled
api_poll_vote(struct req *r)
{
	struct poll_vote	*v = arena_alloc(r->arena, sizeof *v);
	json_t			*arr, *j;
	const char		*k;
	size_t			 i;

	memset(v, 0, sizeof *v);
	v->actor = r->user->id;
	if ((v->id = req_id(r, ":0")) <= 0) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	for (i = 0; i < r->form.n; i++) {
		k = r->form.v[i].key;
		if ((strcmp(k, "choices[]") == 0 || strcmp(k, "choices") ==
		    0) && vote_add(r, v, r->form.v[i].value, NULL) != 0)
			return HANDLED;
	}
	if (r->body != NULL && (arr = json_object_get(r->body, "choices")) !=
	    NULL) {
		if (!json_is_array(arr)) {
			req_error(r, 422, "Validation failed: choices must be a "
			    "list of option indexes");
			return HANDLED;
		}
		json_array_foreach(arr, i, j) {
			if (vote_add(r, v, NULL, j) != 0)
				return HANDLED;
		}
	}
	return req_command(r, poll_vote_cmd, vote_reply, v);
}
