/*
 * refused.c: the Mastodon endpoints hearth does not offer, and why, as a
 * table. A client that calls one hears 501 with a JSON error naming the
 * endpoint and the reason, never a bare 404, nor a "Record not found"
 * from whichever ":id" route of the API's happened to match the path.
 *
 * docs/api.md's coverage table lists every endpoint of Mastodon's
 * documentation as implemented, different or refused; its refused rows
 * and this table say the same, word for word, and
 * tests/integration/test_api_coverage.py holds the two together (through
 * hearthd --refused), so neither can drift from the other.
 *
 * The router sees the table as two route tables: its literal paths before
 * the API's routes, because "/api/v1/notifications/requests" must not fall
 * into "/api/v1/notifications/:id"; its patterns after them, so that an
 * endpoint routes.c learns to serve wins over its row here. A row whose
 * endpoint routes.c serves is dropped when the tables are made, whichever
 * kind it is: implementing an endpoint never needs this file first.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "api.h"

struct refusal {
	int		 method;
	const char	*pattern;	/* as Mastodon's documentation names it */
	const char	*why;
};

/* Reasons that many rows share. */
#define ADMIN \
	"hearth is administered with hearthctl and /admin; the " \
	"company's directory is the source of truth"
#define NO_FEDERATION \
	"no federation on this listener"
#define NO_GROUPED \
	"the alpha of grouped notifications: use /api/v2/notifications"
#define NO_FILTERING \
	"no notification filtering: everyone here is a colleague"
#define NO_COLLECTIONS \
	"profiles feature nobody (no collections)"
#define NO_FEATURED_TAGS \
	"profiles feature no hashtags"
#define NO_ENDORSEMENTS \
	"profiles feature nobody"
#define NO_ANNUAL \
	"hearth writes no annual reports"
#define GUIDELINES \
	"the company's policies are its guidelines: GET " \
	"/api/v1/guidelines (guidelines module)"
#define PROFILE \
	"not yet: use PATCH /api/v1/accounts/update_credentials"
#define ANNOUNCEMENTS \
	"announcements are the company guidelines: acknowledge them " \
	"with POST /api/v1/guidelines/:version/acknowledge"
#define NO_EMAIL \
	"accounts come from the company's directory; hearth sends no " \
	"confirmation email"

/*
 * In the order of Mastodon's documentation (content/en/methods, a file
 * for each family of endpoints), then what its config/routes/api.rb still
 * serves undocumented.
 */
static const struct refusal refusals[] = {
	{ M_POST, "/api/v1/accounts",
	    "accounts come from the company's directory (hearthctl, SCIM,"
	    " LDAP, OpenID); nobody registers" },
	{ M_GET, "/api/v1/accounts/:id/featured_tags", NO_FEATURED_TAGS },
	{ M_POST, "/api/v1/accounts/:id/pin", NO_ENDORSEMENTS },
	{ M_POST, "/api/v1/accounts/:id/unpin", NO_ENDORSEMENTS },
	{ M_GET, "/api/v1/accounts/:id/endorsements", NO_ENDORSEMENTS },
	{ M_POST, "/api/v1/accounts/:id/endorse", NO_ENDORSEMENTS },
	{ M_POST, "/api/v1/accounts/:id/unendorse", NO_ENDORSEMENTS },
	{ M_GET, "/api/v1/accounts/familiar_followers",
	    "not offered: the directory shows everyone" },
	{ M_GET, "/api/v1/accounts/:id/identity_proofs",
	    "removed from Mastodon in 3.5" },
	{ M_GET, "/api/v1/admin/accounts", ADMIN },
	{ M_GET, "/api/v2/admin/accounts", ADMIN },
	{ M_GET, "/api/v1/admin/accounts/:id", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/approve", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/reject", ADMIN },
	{ M_DELETE, "/api/v1/admin/accounts/:id", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/action", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/enable", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/unsilence", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/unsuspend", ADMIN },
	{ M_POST, "/api/v1/admin/accounts/:id/unsensitive", ADMIN },
	{ M_GET, "/api/v1/admin/canonical_email_blocks", ADMIN },
	{ M_GET, "/api/v1/admin/canonical_email_blocks/:id", ADMIN },
	{ M_POST, "/api/v1/admin/canonical_email_blocks/test", ADMIN },
	{ M_POST, "/api/v1/admin/canonical_email_blocks", ADMIN },
	{ M_DELETE, "/api/v1/admin/canonical_email_blocks/:id", ADMIN },
	{ M_POST, "/api/v1/admin/dimensions", ADMIN },
	{ M_GET, "/api/v1/admin/domain_allows", ADMIN },
	{ M_GET, "/api/v1/admin/domain_allows/:id", ADMIN },
	{ M_POST, "/api/v1/admin/domain_allows", ADMIN },
	{ M_DELETE, "/api/v1/admin/domain_allows/:id", ADMIN },
	{ M_GET, "/api/v1/admin/domain_blocks", ADMIN },
	{ M_GET, "/api/v1/admin/domain_blocks/:id", ADMIN },
	{ M_POST, "/api/v1/admin/domain_blocks", ADMIN },
	{ M_PUT, "/api/v1/admin/domain_blocks/:id", ADMIN },
	{ M_DELETE, "/api/v1/admin/domain_blocks/:id", ADMIN },
	{ M_GET, "/api/v1/admin/email_domain_blocks", ADMIN },
	{ M_GET, "/api/v1/admin/email_domain_blocks/:id", ADMIN },
	{ M_POST, "/api/v1/admin/email_domain_blocks", ADMIN },
	{ M_DELETE, "/api/v1/admin/email_domain_blocks/:id", ADMIN },
	{ M_GET, "/api/v1/admin/ip_blocks", ADMIN },
	{ M_GET, "/api/v1/admin/ip_blocks/:id", ADMIN },
	{ M_POST, "/api/v1/admin/ip_blocks", ADMIN },
	{ M_PUT, "/api/v1/admin/ip_blocks/:id", ADMIN },
	{ M_DELETE, "/api/v1/admin/ip_blocks/:id", ADMIN },
	{ M_POST, "/api/v1/admin/measures", ADMIN },
	{ M_GET, "/api/v1/admin/reports", ADMIN },
	{ M_GET, "/api/v1/admin/reports/:id", ADMIN },
	{ M_PUT, "/api/v1/admin/reports/:id", ADMIN },
	{ M_POST, "/api/v1/admin/reports/:id/assign_to_self", ADMIN },
	{ M_POST, "/api/v1/admin/reports/:id/unassign", ADMIN },
	{ M_POST, "/api/v1/admin/reports/:id/resolve", ADMIN },
	{ M_POST, "/api/v1/admin/reports/:id/reopen", ADMIN },
	{ M_POST, "/api/v1/admin/retention", ADMIN },
	{ M_GET, "/api/v1/admin/trends/links", ADMIN },
	{ M_GET, "/api/v1/admin/trends/statuses", ADMIN },
	{ M_GET, "/api/v1/admin/trends/tags", ADMIN },
	{ M_POST, "/api/v1/announcements/:id/dismiss", ANNOUNCEMENTS },
	{ M_PUT, "/api/v1/announcements/:id/reactions/:name", ANNOUNCEMENTS },
	{ M_DELETE, "/api/v1/announcements/:id/reactions/:name",
	    ANNOUNCEMENTS },
	{ M_GET, "/api/v1/annual_reports", NO_ANNUAL },
	{ M_GET, "/api/v1/annual_reports/:year", NO_ANNUAL },
	{ M_GET, "/api/v1/annual_reports/:year/state", NO_ANNUAL },
	{ M_POST, "/api/v1/annual_reports/:year/read", NO_ANNUAL },
	{ M_POST, "/api/v1/annual_reports/:year/generate", NO_ANNUAL },
	{ M_GET, "/api/v1_alpha/async_refreshes/:id",
	    "hearth refreshes nothing from elsewhere: no federation on "
	    "this listener" },
	{ M_POST, "/api/v1/collections", NO_COLLECTIONS },
	{ M_GET, "/api/v1/collections/:id", NO_COLLECTIONS },
	{ M_GET, "/api/v1/:account_id/collections", NO_COLLECTIONS },
	{ M_GET, "/api/v1/:account_id/in_collections", NO_COLLECTIONS },
	{ M_PATCH, "/api/v1/collections/:id", NO_COLLECTIONS },
	{ M_DELETE, "/api/v1/collections/:id", NO_COLLECTIONS },
	{ M_POST, "/api/v1/collections/:collection_id/items", NO_COLLECTIONS },
	{ M_DELETE, "/api/v1/collections/:collection_id/items/:id",
	    NO_COLLECTIONS },
	{ M_POST, "/api/v1/collections/:collection_id/items/:id/revoke",
	    NO_COLLECTIONS },
	{ M_GET, "/api/v1/domain_blocks", NO_FEDERATION },
	{ M_POST, "/api/v1/domain_blocks", NO_FEDERATION },
	{ M_DELETE, "/api/v1/domain_blocks", NO_FEDERATION },
	{ M_POST, "/api/v1/emails/confirmations", NO_EMAIL },
	{ M_GET, "/api/v1/featured_tags", NO_FEATURED_TAGS },
	{ M_POST, "/api/v1/featured_tags", NO_FEATURED_TAGS },
	{ M_DELETE, "/api/v1/featured_tags/:id", NO_FEATURED_TAGS },
	{ M_GET, "/api/v1/featured_tags/suggestions", NO_FEATURED_TAGS },
	{ M_POST, "/api/v1/follow_requests/:account_id/authorize",
	    "no account is locked, so there are no follow requests" },
	{ M_POST, "/api/v1/follow_requests/:account_id/reject",
	    "no account is locked, so there are no follow requests" },
	{ M_GET, "/health", "hearth's health check is GET /healthz" },
	{ M_GET, "/api/v1/instance/peers", NO_FEDERATION },
	{ M_GET, "/api/v1/instance/activity", "not offered" },
	{ M_GET, "/api/v1/instance/domain_blocks", NO_FEDERATION },
	{ M_GET, "/api/v1/instance/extended_description", GUIDELINES },
	{ M_GET, "/api/v1/instance/privacy_policy", GUIDELINES },
	{ M_GET, "/api/v1/instance/terms_of_service", GUIDELINES },
	{ M_GET, "/api/v1/instance/terms_of_service/:date", GUIDELINES },
	{ M_GET, "/api/v1/instance/translation_languages",
	    "hearth translates nothing" },
	{ M_POST, "/api/v1/notifications/dismiss",
	    "removed from Mastodon in 3.0: use POST "
	    "/api/v1/notifications/:id/dismiss" },
	{ M_GET, "/api/v2/notifications/policy", NO_FILTERING },
	{ M_PATCH, "/api/v2/notifications/policy", NO_FILTERING },
	{ M_GET, "/api/v1/notifications/requests", NO_FILTERING },
	{ M_GET, "/api/v1/notifications/requests/:id", NO_FILTERING },
	{ M_POST, "/api/v1/notifications/requests/:id/accept", NO_FILTERING },
	{ M_POST, "/api/v1/notifications/requests/:id/dismiss", NO_FILTERING },
	{ M_POST, "/api/v1/notifications/requests/accept", NO_FILTERING },
	{ M_POST, "/api/v1/notifications/requests/dismiss", NO_FILTERING },
	{ M_GET, "/api/v1/notifications/requests/merged", NO_FILTERING },
	{ M_GET, "/api/v2_alpha/notifications", NO_GROUPED },
	{ M_GET, "/api/v2_alpha/notifications/:group_key", NO_GROUPED },
	{ M_POST, "/api/v2_alpha/notifications/:group_key/dismiss",
	    NO_GROUPED },
	{ M_GET, "/api/v2_alpha/notifications/unread_count", NO_GROUPED },
	{ M_GET, "/oauth/userinfo",
	    "not offered: use GET /api/v1/accounts/verify_credentials" },
	{ M_GET, "/api/oembed", "posts are not embedded outside the company" },
	{ M_GET, "/api/v1/profile", PROFILE },
	{ M_PATCH, "/api/v1/profile", PROFILE },
	{ M_DELETE, "/api/v1/profile/avatar", PROFILE },
	{ M_DELETE, "/api/v1/profile/header", PROFILE },
	{ M_GET, "/api/proofs", "removed from Mastodon in 3.5" },
	{ M_GET, "/api/v1/search",
	    "removed from Mastodon in 3.0: use GET /api/v2/search" },
	{ M_POST, "/api/v1/statuses/:id/translate",
	    "hearth translates nothing" },
	{ M_GET, "/api/v1/statuses/:id/quotes", "no quote posts" },
	{ M_POST, "/api/v1/statuses/:id/quotes/:quoting_status_id/revoke",
	    "no quote posts" },
	{ M_PUT, "/api/v1/statuses/:id/interaction_policy", "no quote posts" },
	{ M_GET, "/api/v1/statuses/:id/card",
	    "removed from Mastodon in 3.0: a Status carries its card" },
	{ M_GET, "/api/v1/streaming/public/remote",
	    "everyone is local: there is no remote timeline" },
	{ M_POST, "/api/v1/tags/:id/feature", NO_FEATURED_TAGS },
	{ M_POST, "/api/v1/tags/:id/unfeature", NO_FEATURED_TAGS },
	{ M_GET, "/api/v1/timelines/link",
	    "no link timelines (posts carry no preview cards)" },
	{ M_GET, "/api/v1/timelines/direct",
	    "removed from Mastodon in 3.0: use GET /api/v1/conversations" },
	{ M_GET, "/api/v1/instance/languages", "not offered" },
	{ M_GET, "/api/v1/emails/check_confirmation", NO_EMAIL },
	{ M_GET, "/api/v1/peers/search", NO_FEDERATION },
	{ M_GET, "/api/v1/admin/tags", ADMIN },
	{ M_GET, "/api/v1/admin/tags/:id", ADMIN },
	{ M_PUT, "/api/v1/admin/tags/:id", ADMIN },
	{ M_POST, "/api/v1/admin/trends/tags/:id/approve", ADMIN },
	{ M_POST, "/api/v1/admin/trends/tags/:id/reject", ADMIN },
	{ M_POST, "/api/v1/admin/trends/links/:id/approve", ADMIN },
	{ M_POST, "/api/v1/admin/trends/links/:id/reject", ADMIN },
	{ M_POST, "/api/v1/admin/trends/statuses/:id/approve", ADMIN },
	{ M_POST, "/api/v1/admin/trends/statuses/:id/reject", ADMIN },
	{ M_GET, "/api/v1/admin/trends/links/publishers", ADMIN },
	{ M_POST, "/api/v1/admin/trends/links/publishers/:id/approve", ADMIN },
	{ M_POST, "/api/v1/admin/trends/links/publishers/:id/reject", ADMIN },
};

static struct refusal_table {
	struct route		*routes;
	const struct refusal	**rows;		/* each route's row */
	size_t			 n;
} tables[2];		/* [1]: literal paths, [0]: patterns */

/* Whether two patterns take the same paths (":name"s may differ). */
static int
pattern_same(const char *a, const char *b)
{
	size_t	la, lb;

	for (;;) {
		if (*a != '/' || *b != '/')
			return *a == *b;
		a++;
		b++;
		la = strcspn(a, "/");
		lb = strcspn(b, "/");
		if (!(*a == ':' && *b == ':') &&
		    (la != lb || strncmp(a, b, la) != 0))
			return 0;
		a += la;
		b += lb;
	}
}

/* Whether the API's own routes serve this endpoint now. */
static int
refusal_served(const struct refusal *f)
{
	size_t	i;

	for (i = 0; i < api_nroutes; i++) {
		if ((api_routes[i].methods & f->method) &&
		    pattern_same(api_routes[i].pattern, f->pattern))
			return 1;
	}
	return 0;
}

/* A method's name, for the error. */
static const char *
refusal_method(int m)
{
	switch (m) {
	case M_GET:	return "GET";
	case M_POST:	return "POST";
	case M_PUT:	return "PUT";
	case M_PATCH:	return "PATCH";
	case M_DELETE:	return "DELETE";
	}
	return "?";
}

/* The row a refusal route was made from, or NULL. */
static const struct refusal *
refusal_of(const struct route *rt)
{
	size_t	t;

	for (t = 0; t < nitems(tables); t++) {
		if (tables[t].n > 0 && rt >= tables[t].routes &&
		    rt < tables[t].routes + tables[t].n)
			return tables[t].rows[rt - tables[t].routes];
	}
	return NULL;
}

/* Every refused endpoint's handler: 501 naming it and why. */
static enum handled
api_refused(struct req *r)
{
	const struct refusal	*f = refusal_of(r->route);

	r->is_api = 1;		/* /health and /oauth/userinfo too */
	req_error(r, 501, arena_printf(r->arena, "hearth does not offer %s "
	    "%s: %s", refusal_method(f->method), f->pattern, f->why));
	return HANDLED;
}

/*
 * Make the two route tables from the rows (at startup). Anyone may ask,
 * token or not: the answer says no more than the documentation does. No
 * CSRF token and no module gate stand before it, so a session's form post
 * hears the same reason an app does.
 */
void
api_refusals_init(void)
{
	struct refusal_table	*t;
	const struct refusal	*f;
	size_t			 i;

	for (i = 0; i < nitems(tables); i++) {
		tables[i].routes = xcalloc(nitems(refusals),
		    sizeof *tables[i].routes);
		tables[i].rows = xcalloc(nitems(refusals),
		    sizeof *tables[i].rows);
		tables[i].n = 0;
	}
	for (i = 0; i < nitems(refusals); i++) {
		f = &refusals[i];
		if (refusal_served(f))
			continue;
		t = &tables[strchr(f->pattern, ':') == NULL];
		t->routes[t->n] = (struct route){ f->method, f->pattern,
		    R_NOCSRF | R_UNGATED, api_refused };
		t->rows[t->n++] = f;
	}
}

/* One of the two tables: the literal paths' or the patterns'. */
const struct route *
api_refusals(int literal, size_t *n)
{
	*n = tables[literal != 0].n;
	return tables[literal != 0].routes;
}

/* Why a route of api_refusals' is refused. */
const char *
api_refusal_why(const struct route *rt)
{
	const struct refusal	*f = refusal_of(rt);

	return f != NULL ? f->why : NULL;
}

/* Forget the tables (at exit, after router_clear). */
void
api_refusals_free(void)
{
	size_t	i;

	for (i = 0; i < nitems(tables); i++) {
		free(tables[i].routes);
		free(tables[i].rows);
		tables[i].routes = NULL;
		tables[i].rows = NULL;
		tables[i].n = 0;
	}
}
