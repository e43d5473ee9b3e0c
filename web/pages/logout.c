/*
 * logout.c: signing out. The session ends on the writer and its cookie is
 * cleared; a session signed in through the company's OpenID provider goes
 * on to sign out there too (RP-initiated logout, auth.oidc.logout), its
 * sign-out address found on a worker (discovery may need the network).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

/* On the writer: end the session. */
static int
logout_write(struct req *r, struct db *db, void *arg, char **cause)
{
	(void)arg;
	(void)cause;
	return session_end(db, r->session.hash) == 0 ? E_OK : E_INTERNAL;
}

/* The session is gone: clear the cookie, and go to the sign-in page (or
 * the identity provider's sign-out, arg). */
static void
logout_reply(struct req *r, void *arg)
{
	const char	*to = arg;

	log_info("logout: %s%s", r->user->username, to != NULL ?
	    " (and at the identity provider)" : "");
	req_set_cookie(r, req_cookie_name(r), "", 0);
	req_redirect(r, to != NULL ? to : "/login");
}

/* End this session, then go to `to` (NULL: the sign-in page). */
enum handled
web_logout_finish(struct req *r, const char *to)
{
	return req_write(r, logout_write, logout_reply, (void *)(uintptr_t)to);
}

/* A sign-out that also signs out at the provider. */
struct oidc_out {
	struct req	*r;
	char		*url;
};

/* On a worker: where the provider's sign-out is. */
static void
oidc_out_work(void *arg)
{
	struct oidc_out		*o = arg;
	const struct config	*c = req_config(o->r);
	char			*cause = NULL;

	if (oidc_prepare(c, &cause) == 0)
		o->url = oidc_logout_url(c, arena_printf(o->r->arena,
		    "%s/login", c->base_url));
	else {
		log_warn("oidc: no sign-out at the provider: %s", cause);
		free(cause);
	}
}

/* Back on the loop: end the session, then on to the provider. */
static void
oidc_out_done(void *arg)
{
	struct oidc_out	*o = arg;
	struct req	*r = o->r;
	const char	*to = o->url != NULL ? arena_strdup(r->arena, o->url) :
			    NULL;

	free(o->url);
	if (web_logout_finish(r, to) == HANDLED)
		req_free(r);
}

/*
 * Sign out of a session signed in through the provider: it ends, and the
 * browser goes on to sign out there too (auth.oidc.logout), or to the
 * sign-in page.
 */
static enum handled
oidc_signout(struct req *r)
{
	struct oidc_out	*o;

	o = arena_alloc(r->arena, sizeof *o);
	o->r = r;
	o->url = NULL;
	if (worker_submit(r->loop, oidc_out_work, oidc_out_done, o) != 0) {
		req_redirect(r, "/login");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}

/* POST /logout: end this session (and, signed in through the company's
 * OpenID provider, sign out there too). */
enum handled
web_logout(struct req *r)
{
	const struct config *c = req_config(r);

	if (r->auth == AUTH_SESSION && r->session.via == VIA_OIDC &&
	    c->oidc_logout && config_oidc(c))
		return oidc_signout(r);
	if (r->auth == AUTH_SESSION)
		return web_logout_finish(r, NULL);
	req_set_cookie(r, req_cookie_name(r), "", 0);
	req_redirect(r, "/login");
	return HANDLED;
}
