/*
 * poll-vote.c: voting in a poll from its card (poll.html's plain form:
 * choices, csrf, next), then back to where the form was. poll.c says who
 * may vote and what.
 */
#include <stdlib.h>
#include <string.h>

#include "pages.h"

/* Voted: back to where the form was. */
static void
vote_done(struct req *r, void *arg)
{
	(void)arg;
	req_redirect(r, web_next(r, "/"));
}

/* POST /@name/:id/vote: choices (one, or several), csrf, next. */
enum handled
web_post_vote(struct req *r)
{
	struct poll_vote	*v = arena_alloc(r->arena, sizeof *v);
	struct post		*p;
	size_t			 i;
	long			 c;
	char			*end;

	if ((p = web_post_param(r, NULL)) == NULL) {
		req_error(r, 404, WEB_POST_HIDDEN);
		return HANDLED;
	}
	memset(v, 0, sizeof *v);
	v->actor = r->user->id;
	v->id = p->id;
	for (i = 0; i < r->form.n && v->n < POLL_OPTIONS_MAX; i++) {
		if (strcmp(r->form.v[i].key, "choices[]") != 0 &&
		    strcmp(r->form.v[i].key, "choices") != 0)
			continue;
		c = strtol(r->form.v[i].value, &end, 10);
		if (*end != '\0' || c < 0 || c >= POLL_OPTIONS_MAX) {
			req_error(r, 422, req_tr(r, N_("Choose one of the "
			    "poll's options.")));
			return HANDLED;
		}
		v->choices[v->n++] = (int)c;
	}
	if (v->n == 0) {
		req_error(r, 422, req_tr(r, N_("Choose one of the poll's "
		    "options.")));
		return HANDLED;
	}
	return req_command(r, poll_vote_cmd, vote_done, v);
}
