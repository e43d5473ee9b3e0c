/*
 * oidc.c: hearth as an OpenID Connect relying party (docs/authentication.md).
 * The provider's metadata comes from its discovery document and its keys
 * from its JWKS, both fetched through libcurl with TLS verification on and
 * kept in memory: the metadata for an hour, the keys until a token names a
 * key id they lack (the provider rotated), when they are fetched again, at
 * most once a minute. The authorization code flow uses PKCE (S256), state
 * and nonce; the ID token's signature (jose.c: RS*, PS*, ES*, EdDSA as the
 * provider offers), iss, aud, azp, exp, iat and nonce are checked before
 * a claim is believed. The HTTP calls block: they run on worker threads,
 * never on an event loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"

#define OIDC_META_TTL		3600	/* seconds the discovery is kept */
#define OIDC_JWKS_MIN_AGE	60	/* no refetch sooner (a bad kid) */
#define OIDC_SKEW		300	/* clock skew allowed, seconds */
#define OIDC_LOGIN_TTL		600	/* a sign-in under way, seconds */
#define OIDC_BACKCHANNEL_EVENT \
	"http://schemas.openid.net/event/backchannel-logout"

/* What discovery said, and the keys; under oidc_lock. */
static struct {
	char	*issuer;
	char	*authorization_endpoint;
	char	*token_endpoint;
	char	*end_session_endpoint;
	char	*jwks_uri;
	char	*algs;			/* space-separated */
	int	 auth_post;		/* client_secret_post only */
	int64_t	 fetched_at;
	char	*jwks;
	int64_t	 jwks_at;
} meta;
static pthread_mutex_t	oidc_lock = PTHREAD_MUTEX_INITIALIZER;

/* Seconds between two fetches of the keys for unknown key ids:
 * HEARTH_OIDC_JWKS_MIN_AGE for tests, else OIDC_JWKS_MIN_AGE. */
static long
oidc_jwks_min_age(void)
{
	const char	*e = getenv("HEARTH_OIDC_JWKS_MIN_AGE");

	return e != NULL && *e != '\0' ? atol(e) : OIDC_JWKS_MIN_AGE;
}

/* A string member of a JSON object, or NULL. */
static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* GET a JSON document from the provider: 0 and *out, or -1 and *cause. */
static int
oidc_get_json(const struct config *c, const char *url, json_t **out,
    char **body, char **cause)
{
	struct httpc_req	 rq;
	struct httpc_resp	 rs;
	json_error_t		 je;

	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = url;
	rq.ca_file = c->oidc_ca_file;
	rq.accept = "application/json";
	rq.max_body = 512 * 1024;
	if (httpc_do(&rq, &rs, cause) != 0)
		return -1;
	if (rs.status != 200) {
		*cause = xasprintf("%s answered HTTP %ld", url, rs.status);
		httpc_resp_free(&rs);
		return -1;
	}
	*out = json_loadb(rs.body, rs.len, 0, &je);
	if (*out == NULL || !json_is_object(*out)) {
		*cause = xasprintf("%s: not a JSON object (%s)", url,
		    *out == NULL ? je.text : "wrong type");
		json_decref(*out);
		httpc_resp_free(&rs);
		return -1;
	}
	if (body != NULL) {
		*body = rs.body;
		rs.body = NULL;
	}
	httpc_resp_free(&rs);
	return 0;
}

/* Replace a cached string. */
static void
meta_set(char **field, const char *v)
{
	free(*field);
	*field = v != NULL ? xstrdup(v) : NULL;
}

/*
 * Fetch the provider's keys (with oidc_lock held by the caller released:
 * the fetch is slow). 0, or -1 and *cause.
 */
static int
oidc_fetch_jwks(const struct config *c, const char *uri, char **cause)
{
	json_t	*j;
	char	*body = NULL;

	if (oidc_get_json(c, uri, &j, &body, cause) != 0)
		return -1;
	if (!json_is_array(json_object_get(j, "keys"))) {
		*cause = xasprintf("%s: no \"keys\" in the JWK set", uri);
		json_decref(j);
		free(body);
		return -1;
	}
	json_decref(j);
	pthread_mutex_lock(&oidc_lock);
	free(meta.jwks);
	meta.jwks = body;
	meta.jwks_at = time(NULL);
	pthread_mutex_unlock(&oidc_lock);
	log_info("oidc: keys fetched from %s", uri);
	return 0;
}

/*
 * Make sure the provider's metadata (and keys) are known and fresh: on a
 * worker. A failed refresh keeps what was known (the provider may be
 * briefly down; its keys still verify). 0, or -1 and *cause.
 */
int
oidc_prepare(const struct config *c, char **cause)
{
	json_t		*d, *a;
	const char	*iss;
	char		*url, *jwks_uri;
	size_t		 i;
	int64_t		 now = time(NULL);
	int		 fresh, have, post = 0, basic = 0;

	pthread_mutex_lock(&oidc_lock);
	fresh = meta.fetched_at != 0 && now - meta.fetched_at < OIDC_META_TTL;
	have = meta.fetched_at != 0 && meta.jwks != NULL;
	pthread_mutex_unlock(&oidc_lock);
	if (fresh && have)
		return 0;
	url = xasprintf("%s/.well-known/openid-configuration", c->oidc_issuer);
	if (oidc_get_json(c, url, &d, NULL, cause) != 0) {
		free(url);
		if (have) {
			log_warn("oidc: discovery failed, keeping what was "
			    "known: %s", *cause);
			free(*cause);
			*cause = NULL;
			return 0;
		}
		return -1;
	}
	free(url);
	/* The document must be the configured issuer's (OpenID Connect
	 * Discovery 4.3): a mismatch is a misconfiguration or an attack. */
	iss = jstr(d, "issuer");
	if (iss == NULL || strcmp(iss, c->oidc_issuer) != 0) {
		*cause = xasprintf("the discovery document names issuer '%s', "
		    "not auth.oidc.issuer '%s'", iss ? iss : "(none)",
		    c->oidc_issuer);
		json_decref(d);
		return -1;
	}
	if (jstr(d, "authorization_endpoint") == NULL ||
	    jstr(d, "token_endpoint") == NULL || jstr(d, "jwks_uri") == NULL) {
		*cause = xstrdup("the discovery document lacks "
		    "authorization_endpoint, token_endpoint or jwks_uri");
		json_decref(d);
		return -1;
	}
	a = json_object_get(d, "token_endpoint_auth_methods_supported");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		const char *m = json_string_value(json_array_get(a, i));

		if (m != NULL && strcmp(m, "client_secret_basic") == 0)
			basic = 1;
		if (m != NULL && strcmp(m, "client_secret_post") == 0)
			post = 1;
	}
	pthread_mutex_lock(&oidc_lock);
	meta_set(&meta.issuer, iss);
	meta_set(&meta.authorization_endpoint, jstr(d,
	    "authorization_endpoint"));
	meta_set(&meta.token_endpoint, jstr(d, "token_endpoint"));
	meta_set(&meta.end_session_endpoint, jstr(d, "end_session_endpoint"));
	meta_set(&meta.jwks_uri, jstr(d, "jwks_uri"));
	free(meta.algs);
	meta.algs = NULL;
	a = json_object_get(d, "id_token_signing_alg_values_supported");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		const char *alg = json_string_value(json_array_get(a, i));
		char *n;

		if (alg == NULL || strchr(alg, ' ') != NULL)
			continue;
		n = xasprintf("%s%s%s", meta.algs ? meta.algs : "",
		    meta.algs ? " " : "", alg);
		free(meta.algs);
		meta.algs = n;
	}
	if (meta.algs == NULL)
		meta.algs = xstrdup("RS256");	/* the spec's default */
	meta.auth_post = post && !basic;
	meta.fetched_at = now;
	jwks_uri = xstrdup(meta.jwks_uri);
	pthread_mutex_unlock(&oidc_lock);
	json_decref(d);
	log_info("oidc: provider %s discovered", c->oidc_issuer);
	if (oidc_fetch_jwks(c, jwks_uri, cause) != 0) {
		free(jwks_uri);
		return have ? 0 : -1;
	}
	free(jwks_uri);
	return 0;
}

/* Append "&key=value" (value form-encoded) to a URL being built. */
static char *
url_add(char *url, const char *key, const char *value)
{
	char	*v = httpc_form_escape(value), *n;

	n = xasprintf("%s%s%s=%s", url, strchr(url, '?') ? "&" : "?", key, v);
	free(v);
	free(url);
	return n;
}

/* Where to send the browser to sign in (after oidc_prepare): malloc'd. */
char *
oidc_authorize_url(const struct config *c, const char *redirect_uri,
    const char *state, const char *nonce, const char *challenge)
{
	char	*url;

	pthread_mutex_lock(&oidc_lock);
	url = xstrdup(meta.authorization_endpoint != NULL ?
	    meta.authorization_endpoint : "");
	pthread_mutex_unlock(&oidc_lock);
	url = url_add(url, "response_type", "code");
	url = url_add(url, "client_id", c->oidc_client_id);
	url = url_add(url, "redirect_uri", redirect_uri);
	url = url_add(url, "scope", c->oidc_scopes);
	url = url_add(url, "state", state);
	url = url_add(url, "nonce", nonce);
	url = url_add(url, "code_challenge", challenge);
	url = url_add(url, "code_challenge_method", "S256");
	return url;
}

/*
 * Where to send the browser to sign out at the provider too (RP-initiated
 * logout), coming back to post_logout: malloc'd, or NULL if the provider
 * offers none (or discovery has not run in this process).
 */
char *
oidc_logout_url(const struct config *c, const char *post_logout)
{
	char	*url = NULL;

	pthread_mutex_lock(&oidc_lock);
	if (meta.end_session_endpoint != NULL)
		url = xstrdup(meta.end_session_endpoint);
	pthread_mutex_unlock(&oidc_lock);
	if (url == NULL)
		return NULL;
	url = url_add(url, "client_id", c->oidc_client_id);
	url = url_add(url, "post_logout_redirect_uri", post_logout);
	return url;
}

/* The provider's end_session_endpoint as discovery gave it (the caller
 * frees it), or NULL: not discovered yet, or the provider has none. */
char *
oidc_end_session(void)
{
	char	*url = NULL;

	pthread_mutex_lock(&oidc_lock);
	if (meta.end_session_endpoint != NULL)
		url = xstrdup(meta.end_session_endpoint);
	pthread_mutex_unlock(&oidc_lock);
	return url;
}

/*
 * Verify a JWT from the provider against its keys, fetching them again
 * once if the token names a key id they lack (rotation): 0 and *claims,
 * or -1 and *cause.
 */
static int
oidc_verify(const struct config *c, const char *jwt, json_t **claims,
    char **cause)
{
	char		*jwks, *algs, *payload = NULL, *uri;
	json_error_t	 je;
	int64_t		 at;
	int		 rc, tried = 0;

again:
	pthread_mutex_lock(&oidc_lock);
	jwks = meta.jwks != NULL ? xstrdup(meta.jwks) : NULL;
	algs = xstrdup(meta.algs != NULL ? meta.algs : "RS256");
	at = meta.jwks_at;
	uri = meta.jwks_uri != NULL ? xstrdup(meta.jwks_uri) : NULL;
	pthread_mutex_unlock(&oidc_lock);
	rc = jwks != NULL ? jose_verify(jwks, jwt, algs, &payload, cause) :
	    JOSE_EKID;
	free(jwks);
	free(algs);
	/* Anyone may post a logout token naming a made-up key: the keys
	 * are fetched again at most once a minute, whatever arrives. */
	if (rc == JOSE_EKID && !tried && uri != NULL &&
	    time(NULL) - at >= oidc_jwks_min_age()) {
		tried = 1;
		free(*cause);
		*cause = NULL;
		log_info("oidc: a token names a key not in the set: fetching "
		    "the keys again");
		if (oidc_fetch_jwks(c, uri, cause) == 0) {
			free(uri);
			goto again;
		}
	}
	free(uri);
	if (rc != JOSE_OK) {
		if (*cause == NULL)
			*cause = xstrdup(rc == JOSE_EKID ? "the token's key is "
			    "not among the provider's keys" : "the token does "
			    "not verify");
		return -1;
	}
	*claims = json_loads(payload, 0, &je);
	free(payload);
	if (*claims == NULL || !json_is_object(*claims)) {
		json_decref(*claims);
		*cause = xstrdup("the token's claims are not a JSON object");
		return -1;
	}
	return 0;
}

/* Whether the token's aud is (or contains) our client id. */
static int
oidc_aud_ok(const struct config *c, const json_t *claims)
{
	const json_t	*aud = json_object_get(claims, "aud");
	const char	*azp = jstr(claims, "azp");
	size_t		 i;
	int		 found = 0;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), c->oidc_client_id) == 0 &&
		    (azp == NULL || strcmp(azp, c->oidc_client_id) == 0);
	if (!json_is_array(aud))
		return 0;
	for (i = 0; i < json_array_size(aud); i++) {
		const char *v = json_string_value(json_array_get(aud, i));

		if (v != NULL && strcmp(v, c->oidc_client_id) == 0)
			found = 1;
	}
	/* Several audiences: azp must name us (OIDC Core 3.1.3.7). */
	if (json_array_size(aud) > 1 && (azp == NULL ||
	    strcmp(azp, c->oidc_client_id) != 0))
		return 0;
	return found;
}

/* The checks an ID token and a logout token share: iss, aud, iat (and
 * exp if required). 0, or -1 and *cause. */
static int
oidc_check_common(const struct config *c, const json_t *claims, int need_exp,
    char **cause)
{
	const json_t	*exp = json_object_get(claims, "exp");
	const json_t	*iat = json_object_get(claims, "iat");
	int64_t		 now = time(NULL);
	const char	*iss = jstr(claims, "iss");

	if (iss == NULL || strcmp(iss, c->oidc_issuer) != 0) {
		*cause = xasprintf("wrong issuer '%s'", iss ? iss : "(none)");
		return -1;
	}
	if (!oidc_aud_ok(c, claims)) {
		*cause = xstrdup("the token is not for this client (aud/azp)");
		return -1;
	}
	if (need_exp && (!json_is_integer(exp) && !json_is_real(exp))) {
		*cause = xstrdup("the token has no exp");
		return -1;
	}
	if (need_exp && json_number_value(exp) + OIDC_SKEW < (double)now) {
		*cause = xstrdup("the token has expired");
		return -1;
	}
	if (!json_is_number(iat) || json_number_value(iat) > (double)(now +
	    OIDC_SKEW)) {
		*cause = xstrdup("the token's iat is missing or in the future");
		return -1;
	}
	return 0;
}

/* The client's authentication at the token endpoint: a form tail
 * (client_secret_post, private_key_jwt) or Basic credentials. */
static char *
oidc_client_auth(const struct config *c, struct httpc_req *rq, char **cause)
{
	char	*jwt, *claims, *jti, *tail, *aud;
	json_t	*j;
	int64_t	 now = time(NULL);

	if (c->oidc_private_key != NULL && *c->oidc_private_key != '\0') {
		/* private_key_jwt (RFC 7523): a short-lived assertion
		 * signed with our key, its audience the token endpoint. */
		pthread_mutex_lock(&oidc_lock);
		aud = xstrdup(meta.token_endpoint);
		pthread_mutex_unlock(&oidc_lock);
		jti = jose_random(16);
		j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}",
		    "iss", c->oidc_client_id, "sub", c->oidc_client_id,
		    "aud", aud, "jti", jti, "iat", (json_int_t)now,
		    "exp", (json_int_t)(now + 120));
		claims = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		free(jti);
		free(aud);
		if (jose_sign(c->oidc_private_key, c->oidc_private_key_id,
		    claims, &jwt, cause) != 0) {
			free(claims);
			return NULL;
		}
		free(claims);
		tail = xasprintf("&client_id=%s&client_assertion_type=urn%%3A"
		    "ietf%%3Aparams%%3Aoauth%%3Aclient-assertion-type%%3Ajwt-"
		    "bearer&client_assertion=%s", c->oidc_client_id, jwt);
		free(jwt);
		return tail;
	}
	pthread_mutex_lock(&oidc_lock);
	if (meta.auth_post) {
		char *id = httpc_form_escape(c->oidc_client_id);
		char *sec = httpc_form_escape(c->oidc_client_secret);

		pthread_mutex_unlock(&oidc_lock);
		tail = xasprintf("&client_id=%s&client_secret=%s", id, sec);
		free(id);
		free(sec);
		return tail;
	}
	pthread_mutex_unlock(&oidc_lock);
	rq->basic_user = c->oidc_client_id;
	rq->basic_pass = c->oidc_client_secret;
	return xstrdup("");
}

/*
 * Redeem an authorization code (on a worker): the token endpoint's answer,
 * its ID token verified and checked against the nonce sent. 0 and *claims
 * (the ID token's), or -1 and *cause (for the log: the person is told only
 * that signing in did not work).
 */
int
oidc_exchange(const struct config *c, const char *code, const char *verifier,
    const char *redirect_uri, const char *nonce, json_t **claims,
    char **cause)
{
	struct httpc_req	 rq;
	struct httpc_resp	 rs;
	json_t			*tok = NULL;
	json_error_t		 je;
	const char		*idt, *n;
	char			*body, *tail, *ecode, *everif, *eredir, *url;
	int			 rc = -1;

	*claims = NULL;
	if (oidc_prepare(c, cause) != 0)
		return -1;
	memset(&rq, 0, sizeof rq);
	if ((tail = oidc_client_auth(c, &rq, cause)) == NULL)
		return -1;
	ecode = httpc_form_escape(code);
	everif = httpc_form_escape(verifier);
	eredir = httpc_form_escape(redirect_uri);
	body = xasprintf("grant_type=authorization_code&code=%s&"
	    "redirect_uri=%s&code_verifier=%s%s", ecode, eredir, everif, tail);
	free(ecode);
	free(everif);
	free(eredir);
	free(tail);
	pthread_mutex_lock(&oidc_lock);
	url = xstrdup(meta.token_endpoint);
	pthread_mutex_unlock(&oidc_lock);
	rq.method = "POST";
	rq.url = url;
	rq.ca_file = c->oidc_ca_file;
	rq.content_type = "application/x-www-form-urlencoded";
	rq.body = body;
	rq.bodylen = strlen(body);
	rq.accept = "application/json";
	if (httpc_do(&rq, &rs, cause) != 0)
		goto out;
	tok = json_loadb(rs.body, rs.len, 0, &je);
	if (rs.status != 200 || !json_is_object(tok)) {
		*cause = xasprintf("the token endpoint answered HTTP %ld%s%s",
		    rs.status, jstr(tok, "error") ? ": " : "",
		    jstr(tok, "error") ? jstr(tok, "error") : "");
		httpc_resp_free(&rs);
		goto out;
	}
	httpc_resp_free(&rs);
	if ((idt = jstr(tok, "id_token")) == NULL) {
		*cause = xstrdup("the token endpoint sent no id_token");
		goto out;
	}
	if (oidc_verify(c, idt, claims, cause) != 0 ||
	    oidc_check_common(c, *claims, 1, cause) != 0)
		goto out;
	n = jstr(*claims, "nonce");
	if (n == NULL || strcmp(n, nonce) != 0) {
		*cause = xstrdup("the ID token's nonce is not this sign-in's "
		    "(a replayed token?)");
		goto out;
	}
	if (jstr(*claims, "sub") == NULL || *jstr(*claims, "sub") == '\0') {
		*cause = xstrdup("the ID token has no sub");
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		json_decref(*claims);
		*claims = NULL;
	}
	json_decref(tok);
	free(body);
	free(url);
	return rc;
}

/* Whether a groups claim (an array of strings, or one string) names g. */
static int
oidc_in_group(const json_t *groups, const char *g)
{
	size_t	i;

	if (json_is_string(groups))
		return strcmp(json_string_value(groups), g) == 0;
	for (i = 0; json_is_array(groups) && i < json_array_size(groups);
	    i++) {
		const char *v = json_string_value(json_array_get(groups, i));

		if (v != NULL && strcmp(v, g) == 0)
			return 1;
	}
	return 0;
}

/* A claim as text (strings as they are; numbers printed), or NULL. */
static const char *
oidc_claim(struct arena *a, const json_t *claims, const char *name)
{
	const json_t	*v;

	if (name == NULL || *name == '\0')
		return NULL;
	v = json_object_get(claims, name);
	if (json_is_string(v))
		return arena_strdup(a, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

/*
 * The claims an ID token carries, mapped by the auth.oidc.claim_* keys;
 * the groups claim decides admin (auth.oidc.admin_group) and whether the
 * person may sign in at all (auth.oidc.allowed_group).
 */
void
oidc_claims(const struct config *c, struct arena *a, const json_t *claims,
    struct claims *out)
{
	const json_t	*groups = json_object_get(claims, c->oidc_claim_groups);

	out->provider = IDP_OIDC;
	out->issuer = arena_strdup(a, c->oidc_issuer);
	out->subject = oidc_claim(a, claims, "sub");
	out->username = oidc_claim(a, claims, c->oidc_claim_username);
	out->display_name = oidc_claim(a, claims, c->oidc_claim_name);
	out->email = oidc_claim(a, claims, c->oidc_claim_email);
	out->department = oidc_claim(a, claims, c->oidc_claim_department);
	out->job_title = oidc_claim(a, claims, c->oidc_claim_title);
	if (out->username == NULL)
		out->username = out->email;
	out->admin = c->oidc_admin_group != NULL && *c->oidc_admin_group !=
	    '\0' ? oidc_in_group(groups, c->oidc_admin_group) : -1;
	out->allowed = c->oidc_allowed_group == NULL ||
	    *c->oidc_allowed_group == '\0' ||
	    oidc_in_group(groups, c->oidc_allowed_group);
}

/*
 * A back-channel logout token (OpenID Connect Back-Channel Logout 1.0,
 * 2.6), on a worker: verified, from our issuer, for us, recent, with the
 * logout event, no nonce, and a sub or a sid. 0 with *sub and *sid
 * (malloc'd, either may be NULL), or -1 and *cause.
 */
int
oidc_logout_token(const struct config *c, const char *jwt, char **sub,
    char **sid, char **cause)
{
	json_t		*claims = NULL, *events;
	const char	*s, *i;
	int		 rc = -1;

	*sub = *sid = NULL;
	if (oidc_prepare(c, cause) != 0 || oidc_verify(c, jwt, &claims,
	    cause) != 0)
		return -1;
	if (oidc_check_common(c, claims, 0, cause) != 0)
		goto out;
	events = json_object_get(claims, "events");
	if (!json_is_object(events) || json_object_get(events,
	    OIDC_BACKCHANNEL_EVENT) == NULL) {
		*cause = xstrdup("the logout token lacks the back-channel "
		    "logout event");
		goto out;
	}
	if (json_object_get(claims, "nonce") != NULL) {
		*cause = xstrdup("a logout token must not carry a nonce");
		goto out;
	}
	s = jstr(claims, "sub");
	i = jstr(claims, "sid");
	if (s == NULL && i == NULL) {
		*cause = xstrdup("the logout token names neither sub nor sid");
		goto out;
	}
	*sub = s != NULL ? xstrdup(s) : NULL;
	*sid = i != NULL ? xstrdup(i) : NULL;
	rc = 0;
out:
	json_decref(claims);
	return rc;
}

/* Remember a sign-in under way (the callback finds it by state). */
int
oidc_login_begin(struct db *db, const char *state, const char *nonce,
    const char *verifier, const char *next)
{
	char	hash[HASH_HEX + 1];
	int64_t	now = time(NULL);

	crypto_sha256_hex(state, strlen(state), hash);
	if (DB_RUN(db, "DELETE FROM oidc_logins WHERE created_at < ?",
	    SQL_I(now - OIDC_LOGIN_TTL)) < 0)
		return E_INTERNAL;
	return DB_RUN(db, "INSERT INTO oidc_logins (state_hash, nonce, "
	    "verifier, next, created_at) VALUES (?, ?, ?, ?, ?)", SQL_T(hash),
	    SQL_T(nonce), SQL_T(verifier), SQL_T(next), SQL_I(now)) == 1 ?
	    E_OK : E_INTERNAL;
}

/*
 * The sign-in a callback's state names, read (on the loop) before the
 * code is redeemed: 0 with its nonce, verifier and next (in a), or -1 if
 * there is none (used, expired, forged).
 */
int
oidc_login_find(struct db *db, struct arena *a, const char *state,
    const char **nonce, const char **verifier, const char **next)
{
	sqlite3_stmt	*st;
	char		 hash[HASH_HEX + 1];
	int		 rc = -1;

	crypto_sha256_hex(state, strlen(state), hash);
	st = db_prepare(db, "SELECT nonce, verifier, next FROM oidc_logins "
	    "WHERE state_hash = ? AND created_at >= ?");
	if (st == NULL)
		return -1;
	db_bind(st, (const struct sqlarg[]){ SQL_T(hash),
	    SQL_I(time(NULL) - OIDC_LOGIN_TTL) }, 2);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*nonce = arena_strdup(a, (const char *)sqlite3_column_text(st,
		    0));
		*verifier = arena_strdup(a, (const char *)
		    sqlite3_column_text(st, 1));
		*next = arena_strdup(a, (const char *)sqlite3_column_text(st,
		    2));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/* Use up a sign-in's state, in the transaction that signs the person in:
 * E_OK, or E_FORBIDDEN if it was used already (a replay, a double click). */
int
oidc_login_take(struct db *db, const char *state, char **cause)
{
	char	hash[HASH_HEX + 1];
	int	n;

	crypto_sha256_hex(state, strlen(state), hash);
	n = DB_RUN(db, "DELETE FROM oidc_logins WHERE state_hash = ?",
	    SQL_T(hash));
	if (n == 1)
		return E_OK;
	if (n < 0)
		return E_INTERNAL;
	*cause = xstrdup(N_("This sign-in was already used or has expired; "
	    "sign in again."));
	return E_FORBIDDEN;
}

/* Forget what was fetched (at exit, and between tests). */
void
oidc_forget(void)
{
	pthread_mutex_lock(&oidc_lock);
	free(meta.issuer);
	free(meta.authorization_endpoint);
	free(meta.token_endpoint);
	free(meta.end_session_endpoint);
	free(meta.jwks_uri);
	free(meta.algs);
	free(meta.jwks);
	memset(&meta, 0, sizeof meta);
	pthread_mutex_unlock(&oidc_lock);
}
