/*
 * push.c: Mastodon's Web Push subscription API (/api/v1/push/subscription):
 * one subscription per access token (per browser session for the web UI's
 * own), with the alerts it wants and the policy on whom from. The scope is
 * push. What is sent, and when, is push-jobs.c's.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

/* A subscription as the request gives it, for the writer. */
struct push_in {
	struct push_sub	 sub;
	int64_t		 id;		/* made */
	int		 found;
};

/* Who owns the request's subscription: its token, or else its session. */
static void
push_owner(struct req *r, int64_t *token, int64_t *session)
{
	*token = r->auth == AUTH_BEARER ? r->token_id : 0;
	*session = r->auth == AUTH_SESSION ? r->session.id : 0;
}

/*
 * A nested parameter, Rails style: form "a[b][c]" or JSON {"a":{"b":{"c"}}}
 * (a string, or true/false). NULL if absent.
 */
static const char *
push_param(struct req *r, const char *a, const char *b, const char *c)
{
	const char	*v;
	json_t		*j;

	v = kv_get(&r->form, c != NULL ? arena_printf(r->arena, "%s[%s][%s]",
	    a, b, c) : arena_printf(r->arena, "%s[%s]", a, b));
	if (v != NULL || r->body == NULL)
		return v;
	j = json_object_get(json_object_get(r->body, a), b);
	if (c != NULL)
		j = json_object_get(j, c);
	if (json_is_string(j))
		return json_string_value(j);
	if (json_is_boolean(j))
		return json_is_true(j) ? "true" : "false";
	if (json_is_integer(j))
		return json_integer_value(j) != 0 ? "true" : "false";
	return NULL;
}

/* The alerts and policy a request's data[] gives: 0, or -1 after 422. */
static int
push_data(struct req *r, struct push_sub *s)
{
	const char	*v;
	int		 i;

	s->alerts = 0;
	for (i = 0; i < PUSH_NALERTS; i++) {
		v = push_param(r, "data", "alerts", push_alert_names[i]);
		if (v != NULL && (strcasecmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0))
			s->alerts |= 1 << i;
	}
	if ((v = push_param(r, "data", "policy", NULL)) == NULL || *v == '\0')
		v = "all";
	if (!push_policy_ok(v)) {
		req_error(r, 422, "Validation failed: Policy is not one of all, "
		    "followed, follower, none");
		return -1;
	}
	s->policy = v;
	return 0;
}

/*
 * Whether the endpoint's host is an address literal the guard refuses
 * (http://169.254.169.254/, say): answered at once rather than left to
 * fail at every delivery. Names are judged when they are connected to.
 */
static int
push_endpoint_refused(const struct config *c, struct arena *a,
    const char *endpoint, char *why, size_t whylen)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	const char		*host = strstr(endpoint, "://") + 3;
	char			*h;
	size_t			 len;

	if (*host == '[') {
		host++;
		len = strcspn(host, "]");
	} else
		len = strcspn(host, ":/?#");
	h = arena_strndup(a, host, len);
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, h, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		if (c->push_allow_private && (strncmp(h, "127.", 4) == 0 ||
		    strncmp(h, "10.", 3) == 0 || strncmp(h, "192.168.", 8) == 0 ||
		    (strncmp(h, "172.", 4) == 0 && atoi(h + 4) >= 16 &&
		    atoi(h + 4) <= 31)))
			return 0;
		return netguard_check((struct sockaddr *)&sin, sizeof sin, 0,
		    why, whylen) != 0;
	}
	if (inet_pton(AF_INET6, h, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		if (c->push_allow_private && (strcmp(h, "::1") == 0 ||
		    (sin6.sin6_addr.s6_addr[0] & 0xfe) == 0xfc))
			return 0;
		return netguard_check((struct sockaddr *)&sin6, sizeof sin6, 0,
		    why, whylen) != 0;
	}
	return 0;
}

/* A key as base64url, if it decodes to want bytes (first byte first, if
 * not 0); NULL otherwise. */
static char *
push_key(struct req *r, const char *v, size_t want, int first)
{
	uint8_t	*raw;
	size_t	 len;
	char	*out = NULL, *b64;

	if (v == NULL || (raw = webpush_b64_decode(v, &len)) == NULL)
		return NULL;
	if (len == want && (first == 0 || raw[0] == first)) {
		b64 = jose_b64url(raw, len);
		out = arena_strdup(r->arena, b64);
		free(b64);
	}
	free(raw);
	return out;
}

/* The WebPushSubscription entity. */
static json_t *
push_entity(const struct push_sub *s)
{
	json_t	*alerts = json_object();
	char	 id[24];
	int	 i;

	snprintf(id, sizeof id, "%lld", (long long)s->id);
	for (i = 0; i < PUSH_NALERTS; i++)
		json_object_set_new(alerts, push_alert_names[i],
		    json_boolean(s->alerts & (1 << i)));
	return json_pack("{s:s, s:s, s:b, s:o, s:s, s:s}",
	    "id", id, "endpoint", s->endpoint,
	    "standard", s->standard, "alerts", alerts,
	    "server_key", vapid_public(), "policy", s->policy);
}

/* On the writer: subscribe. */
static int
subscribe_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct push_in	*in = arg;

	(void)r;
	(void)cause;
	return push_subscribe(db, &in->sub, &in->id) == 0 ? E_OK :
	    E_INTERNAL;
}

/* Subscribed: the entity. */
static void
subscribe_reply(struct req *r, void *arg)
{
	struct push_in	*in = arg;

	in->sub.id = in->id;
	req_json(r, 200, push_entity(&in->sub));
}

/* POST /api/v1/push/subscription */
enum handled
api_push_subscribe(struct req *r)
{
	struct push_in	*in = arena_alloc(r->arena, sizeof *in);
	struct push_sub	*s = &in->sub;
	const char	*endpoint, *auth, *v;
	char		 why[160];

	memset(in, 0, sizeof *in);
	push_owner(r, &s->token_id, &s->session_id);
	s->user_id = r->user->id;
	endpoint = push_param(r, "subscription", "endpoint", NULL);
	if (endpoint == NULL || (strncmp(endpoint, "https://", 8) != 0 &&
	    strncmp(endpoint, "http://", 7) != 0) ||
	    (v = webpush_origin(endpoint)) == NULL || strlen(endpoint) > 2048) {
		req_error(r, 422, "Validation failed: Endpoint is not an "
		    "http(s) URL");
		return HANDLED;
	}
	free((char *)v);
	if (push_endpoint_refused(req_config(r), r->arena, endpoint, why,
	    sizeof why)) {
		req_error(r, 422, arena_printf(r->arena, "Validation failed: "
		    "Endpoint is refused: %s", why));
		return HANDLED;
	}
	s->endpoint = endpoint;
	s->p256dh = push_key(r, push_param(r, "subscription", "keys",
	    "p256dh"), WEBPUSH_KEY_LEN, 0x04);
	s->auth = push_key(r, (auth = push_param(r, "subscription", "keys",
	    "auth")), 16, 0);
	if (s->p256dh == NULL || s->auth == NULL) {
		req_error(r, 422, "Validation failed: Keys are not a P-256 "
		    "public key (p256dh) and a 16-byte auth secret");
		return HANDLED;
	}
	/*
	 * Mastodon 4.4's subscription[standard]: false or absent is the
	 * legacy encoding every app written for 4.3 and before expects. The
	 * web UI's own subscription is a browser's, which speaks the RFCs.
	 */
	v = push_param(r, "subscription", "standard", NULL);
	s->standard = s->session_id != 0 || (v != NULL &&
	    (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0));
	if (push_data(r, s) != 0)
		return HANDLED;
	if (s->token_id != 0 && (v = req_header(r, "Authorization")) != NULL &&
	    strncasecmp(v, "Bearer ", 7) == 0) {
		for (v += 7; *v == ' '; v++)
			;
		s->access_token = v;
	}
	return req_write(r, subscribe_write, subscribe_reply, in);
}

/* GET /api/v1/push/subscription */
enum handled
api_push_get(struct req *r)
{
	struct push_sub	 s;
	int64_t		 token, session;
	int		 rc;

	push_owner(r, &token, &session);
	if ((rc = push_get(req_db(r), r->arena, token, session, &s)) == 0)
		req_json(r, 200, push_entity(&s));
	else if (rc == 1)
		req_error(r, 404, "Record not found");
	else
		req_error(r, 500, "The subscription could not be read");
	return HANDLED;
}

/* On the writer: new alerts and policy. */
static int
update_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct push_in	*in = arg;
	int		 rc;

	(void)r;
	(void)cause;
	rc = push_update(db, in->sub.token_id, in->sub.session_id,
	    in->sub.alerts, in->sub.policy);
	if (rc == 1)
		return E_NOTFOUND;
	if (rc != 0 || push_get(db, r->arena, in->sub.token_id,
	    in->sub.session_id, &in->sub) != 0)
		return E_INTERNAL;
	return E_OK;
}

/* Updated: the entity. */
static void
update_reply(struct req *r, void *arg)
{
	struct push_in	*in = arg;

	req_json(r, 200, push_entity(&in->sub));
}

/* PUT /api/v1/push/subscription: data[] only, as Mastodon. */
enum handled
api_push_update(struct req *r)
{
	struct push_in	*in = arena_alloc(r->arena, sizeof *in);

	memset(in, 0, sizeof *in);
	push_owner(r, &in->sub.token_id, &in->sub.session_id);
	if (push_data(r, &in->sub) != 0)
		return HANDLED;
	return req_write(r, update_write, update_reply, in);
}

/* On the writer: unsubscribe. */
static int
unsubscribe_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct push_in	*in = arg;

	(void)r;
	(void)cause;
	return push_unsubscribe(db, in->sub.token_id, in->sub.session_id) ==
	    0 ? E_OK : E_INTERNAL;
}

/* Unsubscribed: {} as Mastodon answers. */
static void
unsubscribe_reply(struct req *r, void *arg)
{
	(void)arg;
	req_json(r, 200, json_object());
}

/* DELETE /api/v1/push/subscription */
enum handled
api_push_delete(struct req *r)
{
	struct push_in	*in = arena_alloc(r->arena, sizeof *in);

	memset(in, 0, sizeof *in);
	push_owner(r, &in->sub.token_id, &in->sub.session_id);
	return req_write(r, unsubscribe_write, unsubscribe_reply, in);
}
