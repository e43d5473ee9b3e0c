/*
 * paging.c: Mastodon's keyset pagination on the wire. Requests carry
 * max_id, since_id, min_id and limit; answers carry a Link header whose
 * "next" page is older (max_id) and whose "prev" page is newer (min_id),
 * keeping the request's other parameters; and a page of Statuses
 * answered whole (req_statuses). The domain's side is page.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "request.h"

/* Parse an id parameter; 0 if absent, -1 if malformed. */
static int
page_id(struct req *r, const char *name, int64_t *out)
{
	const char	*v = req_param(r, name);

	*out = 0;
	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return 0;
	return (*out = id_parse(v)) > 0 ? 0 : -1;
}

/* The offset parameter (0 when absent), for lists paged by offset; -1
 * after answering 400 unless it is a number from 0 to max. */
int
page_offset(struct req *r, int max)
{
	const char	*v = req_param(r, "offset");
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0 || n < 0 || n > max) {
		req_error(r, 400, arena_printf(r->arena, "offset must be a "
		    "number from 0 to %d", max));
		return -1;
	}
	return (int)n;
}

/*
 * The ids of a repeated query key (name, or name[] as Rails reads it:
 * "id[]=1&id[]=2"), each once, in order; unparsable ones are skipped. -1
 * after answering 422 when there are more than max, as Mastodon refuses.
 */
int
req_ids(struct req *r, const char *name, size_t max, struct idlist *out)
{
	size_t		 i, len = strlen(name);
	const char	*k;
	int64_t		 id;

	for (i = 0; i < r->query.n; i++) {
		k = r->query.v[i].key;
		if (strncmp(k, name, len) != 0 || (k[len] != '\0' &&
		    strcmp(k + len, "[]") != 0))
			continue;
		if ((id = id_parse(r->query.v[i].value)) == 0 ||
		    idlist_has(out, id))
			continue;
		if (out->n == max) {
			req_error(r, 422, arena_printf(r->arena, "Validation "
			    "failed: at most %zu %s", max, name));
			return -1;
		}
		idlist_add(r->arena, out, id);
	}
	return 0;
}

/* Read the page parameters; -1 after answering 400 if one is malformed. */
int
page_parse(struct req *r, struct page *p, int def, int max)
{
	const char	*v = req_param(r, "limit");
	char		*end;
	long		 n;

	memset(p, 0, sizeof *p);
	if (page_id(r, "max_id", &p->max_id) != 0 ||
	    page_id(r, "since_id", &p->since_id) != 0 ||
	    page_id(r, "min_id", &p->min_id) != 0) {
		req_error(r, 400, "max_id, since_id and min_id must be ids");
		return -1;
	}
	p->limit = def;
	if (v != NULL && *v != '\0') {
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < 1) {
			req_error(r, 400, "limit must be a positive number");
			return -1;
		}
		p->limit = n > max ? max : (int)n;
	}
	return 0;
}

/* Append one Link entry. */
static void
page_link_one(struct req *r, struct evbuffer *b, const char *key, int64_t id,
    const char *rel)
{
	const struct config	*c = req_config(r);
	size_t			 i;
	const char		*k;

	if (evbuffer_get_length(b) > 0)
		evbuffer_add_printf(b, ", ");
	evbuffer_add_printf(b, "<%s%s?", c->base_url, escape_url_path(r->arena,
	    r->path));
	for (i = 0; i < r->query.n; i++) {
		k = r->query.v[i].key;
		if (strcmp(k, "max_id") == 0 || strcmp(k, "min_id") == 0 ||
		    strcmp(k, "since_id") == 0)
			continue;
		evbuffer_add_printf(b, "%s=%s&", escape_url(r->arena, k),
		    escape_url(r->arena, r->query.v[i].value));
	}
	evbuffer_add_printf(b, "%s=%lld>; rel=\"%s\"", key, (long long)id, rel);
}

/* Set the Link header for a page whose rows have these cursors. */
void
page_link(struct req *r, const struct page *p, const struct idlist *cursors)
{
	struct evbuffer	*b;
	size_t		 len;
	char		*s;

	(void)p;
	if (cursors->n == 0)
		return;
	b = evbuffer_new();
	page_link_one(r, b, "max_id", cursors->ids[cursors->n - 1], "next");
	page_link_one(r, b, "min_id", cursors->ids[0], "prev");
	len = evbuffer_get_length(b);
	s = arena_alloc(r->arena, len + 1);
	evbuffer_remove(b, s, len);
	s[len] = '\0';
	evbuffer_free(b);
	req_set_header(r, "Link", s);
}

/*
 * Set the Link header as Mastodon's lists of records (conversations) set
 * it: "prev" whenever the page has rows, "next" only when it is full, so
 * a client stops at the end rather than asking for an empty page.
 */
void
page_link_records(struct req *r, const struct page *p,
    const struct idlist *cursors)
{
	struct evbuffer	*b;
	size_t		 len;
	char		*s;

	if (cursors->n == 0)
		return;
	b = evbuffer_new();
	if ((int)cursors->n >= p->limit)
		page_link_one(r, b, "max_id", cursors->ids[cursors->n - 1],
		    "next");
	page_link_one(r, b, "min_id", cursors->ids[0], "prev");
	len = evbuffer_get_length(b);
	s = arena_alloc(r->arena, len + 1);
	evbuffer_remove(b, s, len);
	s[len] = '\0';
	evbuffer_free(b);
	req_set_header(r, "Link", s);
}

/*
 * Answer a page of Statuses a domain read found, rc its outcome (an E_
 * code is answered as such), through the entity caches, with the Link
 * header made of cursors (the posts' own ids if NULL); each Status carries
 * the viewer's filters' results in context (FC_*; 0: none).
 */
enum handled
req_statuses_in(struct req *r, int rc, const struct page *p,
    const struct idlist *ids, const struct idlist *cursors, int context)
{
	struct evbuffer	*b;
	struct ectx	 e;

	if (rc != E_OK) {
		req_domain_error(r, rc, NULL);
		return HANDLED;
	}
	b = evbuffer_new();
	req_ectx(r, &e);
	e.filter_ctx = context;
	page_link(r, p, cursors != NULL ? cursors : ids);
	entity_statuses_write(&e, ids, b);
	ectx_free(&e);
	req_reply(r, 200, "application/json; charset=utf-8", b);
	evbuffer_free(b);
	return HANDLED;
}

/* req_statuses_in without filters. */
enum handled
req_statuses(struct req *r, int rc, const struct page *p,
    const struct idlist *ids, const struct idlist *cursors)
{
	return req_statuses_in(r, rc, p, ids, cursors, 0);
}
