/*
 * sso.c: signing in through the company's identity systems rather than a
 * hearth password (docs/authentication.md). Whatever vouched for the
 * person (an authenticating proxy's header here; an OpenID provider in
 * oidc.c), the account comes from identity_signin on the writer, made just
 * in time from the claims when allowed, and a session starts as after a
 * password, remembering how it was signed in.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "pages.h"

/* A sign-in on its way to the writer. */
struct sso {
	struct claims	 claims;
	enum session_via via;
	const char	*sid;		/* the provider's session id */
	int64_t		 expires_at;	/* the provider's end, or 0 */
	const char	*next;
	int		 create;	/* auth.create_accounts */
	const char	*data_dir;
	const char	*ip;
	const char	*user_agent;
	const char	*old_session;	/* the browser's, to end, or NULL */
	const char	*state;		/* an OpenID sign-in's, to use up */
	char		 avatar[MEDIA_NAME_MAX];	/* the provider's
						   picture, stored, or "" */
	int		 avatar_taken;
	int64_t		 user;
	int		 created;
	char		 token[64];
};

/* Fill a sign-in's claims with what every provider shares. */
struct sso *
sso_new(struct req *r, enum idp provider, enum session_via via)
{
	struct sso	*s = arena_alloc(r->arena, sizeof *s);

	memset(s, 0, sizeof *s);
	s->claims.provider = provider;
	s->claims.issuer = "";
	s->claims.admin = -1;
	s->claims.allowed = 1;
	s->via = via;
	s->next = "/";
	s->create = req_config(r)->auth_create;
	s->data_dir = req_config(r)->data_dir;
	s->ip = r->client_ip;
	s->user_agent = req_header(r, "User-Agent");
	if (r->auth == AUTH_SESSION)
		s->old_session = arena_strdup(r->arena, r->session.hash);
	return s;
}

/* The claims a sign-in carries, for its caller to fill. */
struct claims *
sso_claims(struct sso *s)
{
	return &s->claims;
}

/* The provider's session id and end, and where to go afterwards. */
void
sso_set(struct sso *s, const char *sid, int64_t expires_at, const char *next)
{
	s->sid = sid;
	s->expires_at = expires_at;
	if (next != NULL)
		s->next = next;
}

/* The OpenID sign-in this one finishes: its state is used up as the
 * session starts, in one transaction (a callback counts once). */
void
sso_state(struct sso *s, const char *state)
{
	s->state = state;
}

/* The provider's picture of the person, stored (profile_avatar_store):
 * their avatar if they have none. */
void
sso_avatar(struct sso *s, const char *name)
{
	snprintf(s->avatar, sizeof s->avatar, "%s", name);
}

/* The transaction ended: a picture that did not become the avatar goes. */
static void
sso_avatar_ended(void *arg, int committed)
{
	struct sso	*s = arg;

	if (s->avatar[0] != '\0' && (!committed || !s->avatar_taken))
		media_remove(s->data_dir, s->avatar);
}

/* On the writer: find or make the account, and start its session (the one
 * the browser brought, if any, ends: a session is never reused). */
static int
sso_write(struct db *db, void *arg, char **cause)
{
	struct sso	*s = arg;
	int		 rc;

	if (s->state != NULL && (rc = oidc_login_take(db, s->state, cause)) !=
	    E_OK)
		return rc;
	if (s->avatar[0] != '\0')
		db_after_commit(db, sso_avatar_ended, s);
	rc = identity_signin(db, &s->claims, s->create, &s->user, &s->created,
	    cause);
	if (rc != E_OK)
		return rc;
	if (s->avatar[0] != '\0' && (s->avatar_taken = profile_avatar_offer(db,
	    s->user, s->avatar)) < 0)
		return E_INTERNAL;
	if (s->old_session != NULL && session_end(db, s->old_session) != 0)
		return E_INTERNAL;
	if (session_create_via(db, s->user, s->ip, s->user_agent, s->via,
	    s->sid, s->expires_at, s->token, sizeof s->token) != 0)
		return E_INTERNAL;
	return E_OK;
}

/* The session is on disk: hand it to the browser and go on. */
static void
sso_reply(struct req *r, void *arg)
{
	struct sso	*s = arg;
	const char	*to;

	log_info("login: %s sign-in of %s as user %lld%s from %s",
	    idp_name(s->claims.provider), s->claims.subject,
	    (long long)s->user, s->created ? " (account created)" : "",
	    r->client_ip);
	req_set_cookie(r, req_cookie_name(r), s->token,
	    req_config(r)->session_lifetime);
	OPENSSL_cleanse(s->token, sizeof s->token);
	to = req_landing(r, s->user);
	req_redirect(r, to != NULL ? to : s->next);
}

/* Signed in, or refused (not allowed, deactivated, no account): a
 * refusal is said on the sign-in page, never as a bare error. */
static void
sso_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct sso	*s = arg;

	if (code == E_OK) {
		sso_reply(r, arg);
		return;
	}
	log_info("login: %s sign-in of %s refused: %s",
	    idp_name(s->claims.provider), s->claims.subject,
	    cause != NULL ? cause : "?");
	web_login_page(r, code == E_FORBIDDEN ? 403 : 422, cause != NULL ?
	    cause : "Signing in did not work.");
}

/* Finish a sign-in the provider vouched for: the account and its session
 * are written, then the browser goes to s->next. */
enum handled
sso_finish(struct req *r, struct sso *s)
{
	return req_command_then(r, sso_write, sso_outcome, s);
}

/*
 * GET /auth/proxy: an authenticating proxy (auth.proxy_header, from the
 * addresses in auth.proxy_addresses only) says who is at the keyboard; the
 * router sends every page here until the session is that person's.
 */
enum handled
web_proxy_signin(struct req *r)
{
	const struct config	*c = req_config(r);
	const char		*who;
	struct sso		*s;

	who = router_proxy_user(r);
	if (who == NULL) {
		web_login_page(r, 403, "Signing in through the company's proxy "
		    "did not work: the request did not come through it.");
		return HANDLED;
	}
	s = sso_new(r, IDP_PROXY, VIA_PROXY);
	s->claims.subject = who;
	s->claims.username = who;
	if (strchr(who, '@') != NULL)
		s->claims.email = who;
	sso_set(s, NULL, 0, web_next(r, "/"));
	(void)c;
	return sso_finish(r, s);
}
