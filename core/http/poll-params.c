/*
 * poll-params.c: the poll a post asks for, as the request gives it:
 * poll[options][], poll[expires_in], poll[multiple] and poll[hide_totals]
 * (a form, the API's or the web composer's) or {"poll": {...}} (JSON).
 * poll.c checks it against the instance's limits (polls.* in hearth.conf).
 */
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* A form's or JSON's boolean ("true", "1", true). */
static int
poll_bool(const char *v, json_t *j)
{
	if (j != NULL)
		return json_is_true(j) || (json_is_string(j) &&
		    (strcmp(json_string_value(j), "true") == 0 ||
		    strcmp(json_string_value(j), "1") == 0));
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "on") == 0);
}

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

/*
 * The poll a request asks for into *out (NULL if none): 0, or 422 with
 * *msg. The web's composer sends the same form fields, with poll[web]: its
 * empty option fields are left out, and none filled in is no poll.
 */
int
req_poll_params(struct req *r, const struct poll_spec **out,
    const char **msg)
{
	struct poll_spec	*p;
	json_t			*jp = NULL, *opts, *v, *ex;
	const char		*k, *exs;
	size_t			 i, max = POLL_OPTIONS_MAX + 1;
	int			 web = req_param(r, "poll[web]") != NULL;
	char			 cause[200];

	*out = NULL;
	if (r->body != NULL && json_is_object(jp = json_object_get(r->body,
	    "poll")) == 0)
		jp = NULL;
	exs = req_param(r, "poll[expires_in]");
	opts = jp != NULL ? json_object_get(jp, "options") : NULL;
	for (i = 0; jp == NULL && i < r->form.n; i++) {
		if (strcmp(r->form.v[i].key, "poll[options][]") == 0)
			break;
	}
	if (jp == NULL && exs == NULL && i == r->form.n)
		return 0;
	p = arena_alloc(r->arena, sizeof *p);
	memset(p, 0, sizeof *p);
	p->options = arena_alloc(r->arena, max * sizeof *p->options);
	if (jp != NULL) {
		if (opts != NULL && !json_is_array(opts)) {
			*msg = "Validation failed: poll[options] "
			    "must be a list of texts";
			return 422;
		}
		json_array_foreach(opts, i, v) {
			if (!json_is_string(v)) {
				*msg = "Validation failed: "
				    "poll[options] must be a list of texts";
				return 422;
			}
			if (p->noptions < max)
				p->options[p->noptions++] =
				    json_string_value(v);
		}
		ex = json_object_get(jp, "expires_in");
		if (json_is_integer(ex))
			p->expires_in = json_integer_value(ex);
		else
			p->expires_in = poll_seconds(json_string_value(ex));
		p->multiple = poll_bool(NULL, json_object_get(jp, "multiple"));
		p->hide_totals = poll_bool(NULL, json_object_get(jp,
		    "hide_totals"));
	} else {
		for (i = 0; i < r->form.n; i++) {
			k = r->form.v[i].key;
			/* the web's composer leaves unused rows empty */
			if (strcmp(k, "poll[options][]") == 0 &&
			    p->noptions < max && (*r->form.v[i].value != '\0' ||
			    !web))
				p->options[p->noptions++] = r->form.v[i].value;
		}
		p->expires_in = poll_seconds(exs);
		p->multiple = poll_bool(req_param(r, "poll[multiple]"), NULL);
		p->hide_totals = poll_bool(req_param(r, "poll[hide_totals]"),
		    NULL);
	}
	if (web && p->noptions == 0)
		return 0;
	if (p->expires_in < 0) {
		*msg = "Validation failed: poll[expires_in] must be a number "
		    "of seconds";
		return 422;
	}
	if (poll_check(p, req_config(r), cause, sizeof cause) != E_OK) {
		*msg = arena_strdup(r->arena, cause);
		return 422;
	}
	*out = p;
	return 0;
}

