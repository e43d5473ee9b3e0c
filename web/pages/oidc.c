/*
 * oidc.c: "Sign in with <provider>" (docs/authentication.md). The start
 * remembers a fresh state, nonce and PKCE verifier and sends the browser to
 * the provider; the callback finds them by state, redeems the code on a
 * worker (the provider's answer and its ID token checked by
 * core/domain/oidc.c) and signs the person in through sso.c, using the
 * state up in the same transaction, so a callback is honoured once. The
 * provider ends sessions through back-channel logout; signing out of
 * hearth signs out at the provider too (RP-initiated logout). Mastodon
 * apps reach all this through /oauth/authorize, which sends people to the
 * sign-in page and back. Pages of a session signed in through the provider
 * let the sign-out form's redirect go on to the provider (oidc_view).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"

#define OIDC_UNREACHABLE "The company sign-in service cannot be reached " \
	"right now; try again in a minute."

/* Where the provider sends the browser back. */
static const char *
oidc_redirect_uri(struct req *r)
{
	return arena_printf(r->arena, "%s/auth/oidc/callback",
	    req_config(r)->base_url);
}

/* A sign-in starting. */
struct oidc_start {
	struct req	*r;
	const char	*redirect_uri;
	const char	*state;
	const char	*nonce;
	const char	*verifier;
	const char	*challenge;
	const char	*next;
	char		*url;		/* the provider's, to go to */
	char		*cause;
	int		 rc;
};

/* Copy a malloc'd string into the arena and free it. */
static const char *
keep(struct arena *a, char *s)
{
	const char	*k = arena_strdup(a, s);

	free(s);
	return k;
}

/* On a worker: the provider's metadata, then its authorization URL. */
static void
oidc_start_work(void *arg)
{
	struct oidc_start	*s = arg;
	const struct config	*c = req_config(s->r);

	if ((s->rc = oidc_prepare(c, &s->cause)) == 0)
		s->url = oidc_authorize_url(c, s->redirect_uri, s->state,
		    s->nonce, s->challenge);
}

/* On the writer: remember the sign-in under way. */
static int
oidc_start_write(struct db *db, void *arg, char **cause)
{
	struct oidc_start	*s = arg;

	(void)cause;
	return oidc_login_begin(db, s->state, s->nonce, s->verifier, s->next);
}

/* Remembered: off to the provider. */
static void
oidc_start_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct oidc_start	*s = arg;

	(void)cause;
	if (code == E_OK)
		req_redirect(r, s->url);
	else
		web_login_page(r, 503, "The sign-in could not be started; try "
		    "again in a moment.");
	free(s->url);
}

/* Back on the loop from the worker. */
static void
oidc_start_done(void *arg)
{
	struct oidc_start	*s = arg;
	struct req		*r = s->r;

	if (s->rc != 0) {
		log_error("oidc: %s", s->cause ? s->cause : "discovery failed");
		free(s->cause);
		web_login_page(r, 502, OIDC_UNREACHABLE);
		req_free(r);
		return;
	}
	if (req_command_then(r, oidc_start_write, oidc_start_outcome, s) ==
	    HANDLED) {
		free(s->url);
		req_free(r);
	}
}

/* GET /auth/oidc/start?next=PATH */
enum handled
web_oidc_start(struct req *r)
{
	struct oidc_start	*s;

	if (!config_oidc(req_config(r))) {
		req_error(r, 404, "There is no page at this address.");
		return HANDLED;
	}
	s = arena_alloc(r->arena, sizeof *s);
	memset(s, 0, sizeof *s);
	s->r = r;
	s->redirect_uri = oidc_redirect_uri(r);
	s->state = keep(r->arena, jose_random(32));
	s->nonce = keep(r->arena, jose_random(32));
	s->verifier = keep(r->arena, jose_random(48));
	s->challenge = keep(r->arena, jose_pkce_challenge(s->verifier));
	s->next = web_next(r, "/");
	if (worker_submit(r->loop, oidc_start_work, oidc_start_done, s) != 0) {
		req_retry_after(r, 2);
		web_login_page(r, 503, "The server is busy; try again in a "
		    "moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}

/* A callback being checked. */
struct oidc_back {
	struct req	*r;
	const char	*code;
	const char	*state;
	const char	*nonce;
	const char	*verifier;
	const char	*next;
	const char	*redirect_uri;
	json_t		*claims;
	char		*cause;
	int		 rc;
	const char	*picture;	/* the avatar claim's URL, to fetch */
	struct sso	*sso;
	char		 avatar[MEDIA_NAME_MAX];
};

/* On a worker: redeem the code and check the ID token. */
static void
oidc_back_work(void *arg)
{
	struct oidc_back	*b = arg;

	b->rc = oidc_exchange(req_config(b->r), b->code, b->verifier,
	    b->redirect_uri, b->nonce, &b->claims, &b->cause);
}

/*
 * The picture to fetch for the person's avatar: the provider's avatar
 * claim (auth.oidc.claim_avatar, an http or https URL) when the person
 * has no avatar yet (new, or never chose one); else NULL.
 */
static const char *
oidc_picture_wanted(struct req *r, const json_t *claims,
    const struct claims *c)
{
	const struct config	*cf = req_config(r);
	const char		*url;
	struct user		*u;
	int64_t			 uid;

	if (cf->oidc_claim_avatar == NULL || *cf->oidc_claim_avatar == '\0')
		return NULL;
	url = json_string_value(json_object_get(claims, cf->oidc_claim_avatar));
	if (url == NULL || strlen(url) > 2048 || (strncmp(url, "https://", 8)
	    != 0 && strncmp(url, "http://", 7) != 0))
		return NULL;
	if (c->subject != NULL && identity_find(req_db(r), IDP_OIDC, c->issuer,
	    c->subject, &uid) == 0 && (u = user_get(req_db(r), r->arena,
	    uid)) != NULL && u->avatar_file != NULL && *u->avatar_file != '\0')
		return NULL;
	return arena_strdup(r->arena, url);
}

/* On a worker: fetch the picture (bounded, TLS verified) and store it as
 * an avatar would be; any failure only means no picture. */
static void
oidc_picture_work(void *arg)
{
	struct oidc_back	*b = arg;
	const struct config	*c = req_config(b->r);
	struct httpc_req	 rq;
	struct httpc_resp	 rs;
	char			*cause = NULL;

	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.url = b->picture;
	rq.ca_file = c->oidc_ca_file;
	rq.accept = "image/*";
	rq.timeout = 10;
	rq.max_body = (size_t)c->media_max_image_size;
	if (httpc_do(&rq, &rs, &cause) != 0) {
		log_warn("oidc: no avatar from %s: %s", b->picture, cause);
		free(cause);
		return;
	}
	if (rs.status != 200)
		log_warn("oidc: no avatar from %s: HTTP %ld", b->picture,
		    rs.status);
	else if (profile_avatar_store(c->data_dir, rs.body, rs.len,
	    b->avatar, sizeof b->avatar, &cause) != 0) {
		log_warn("oidc: no avatar from %s: %s", b->picture, cause);
		free(cause);
		b->avatar[0] = '\0';
	}
	httpc_resp_free(&rs);
}

/* Back on the loop with the picture (or none): sign the person in. */
static void
oidc_picture_done(void *arg)
{
	struct oidc_back	*b = arg;
	struct req		*r = b->r;

	if (b->avatar[0] != '\0')
		sso_avatar(b->sso, b->avatar);
	if (sso_finish(r, b->sso) == HANDLED)
		req_free(r);
}

/* Back on the loop: sign the person in, or say it did not work. */
static void
oidc_back_done(void *arg)
{
	struct oidc_back	*b = arg;
	struct req		*r = b->r;
	const struct config	*c = req_config(r);
	struct sso		*s;
	const json_t		*at;
	int64_t			 expires = 0, since;

	if (b->rc != 0) {
		log_warn("oidc: sign-in refused: %s", b->cause ? b->cause :
		    "?");
		free(b->cause);
		web_login_page(r, 401, i18n_format(r->arena, req_tr(r,
		    "Signing in with {name} did not work. Try again, or ask "
		    "your IT department."), "name", c->oidc_name, NULL));
		req_free(r);
		return;
	}
	s = sso_new(r, IDP_OIDC, VIA_OIDC);
	oidc_claims(c, r->arena, b->claims, sso_claims(s));
	/* A session lasts no longer than the provider allows: from its
	 * sign-in (auth_time), auth.oidc.max_session. */
	if (c->oidc_max_session > 0) {
		at = json_object_get(b->claims, "auth_time");
		since = json_is_integer(at) ? json_integer_value(at) :
		    time(NULL);
		expires = since + c->oidc_max_session;
	}
	sso_set(s, json_string_value(json_object_get(b->claims, "sid")) ?
	    arena_strdup(r->arena, json_string_value(json_object_get(
	    b->claims, "sid"))) : NULL, expires, b->next);
	sso_state(s, b->state);
	b->picture = oidc_picture_wanted(r, b->claims, sso_claims(s));
	json_decref(b->claims);
	if (b->picture != NULL) {
		/* their picture at the provider first, on a worker */
		b->sso = s;
		if (worker_submit(r->loop, oidc_picture_work, oidc_picture_done,
		    b) == 0)
			return;
	}
	if (sso_finish(r, s) == HANDLED)
		req_free(r);
}

/* GET /auth/oidc/callback?code&state (or ?error&error_description) */
enum handled
web_oidc_callback(struct req *r)
{
	const struct config	*c = req_config(r);
	const char		*err = req_param(r, "error");
	const char		*desc = req_param(r, "error_description");
	struct oidc_back	*b;

	if (!config_oidc(c)) {
		req_error(r, 404, "There is no page at this address.");
		return HANDLED;
	}
	if (err != NULL) {
		log_info("oidc: the provider answered %s: %s", err,
		    desc ? desc : "");
		web_login_page(r, 401, arena_printf(r->arena, "%s did not sign "
		    "you in (%.200s).", c->oidc_name, desc != NULL &&
		    *desc != '\0' ? desc : err));
		return HANDLED;
	}
	b = arena_alloc(r->arena, sizeof *b);
	memset(b, 0, sizeof *b);
	b->r = r;
	b->code = req_param(r, "code");
	b->state = req_param(r, "state");
	if (b->code == NULL || b->state == NULL || *b->code == '\0' ||
	    strlen(b->code) > 2048 || strlen(b->state) > 256) {
		web_login_page(r, 400, "This sign-in link is incomplete; sign "
		    "in again.");
		return HANDLED;
	}
	/* RFC 9207: a provider that says who it is must be ours (a mix-up
	 * attack sends another provider's code here). */
	if (req_param(r, "iss") != NULL && strcmp(req_param(r, "iss"),
	    c->oidc_issuer) != 0) {
		log_warn("oidc: a callback from issuer '%.100s', not ours",
		    req_param(r, "iss"));
		web_login_page(r, 400, "This sign-in came from another "
		    "provider; sign in again.");
		return HANDLED;
	}
	if (oidc_login_find(req_db(r), r->arena, b->state, &b->nonce,
	    &b->verifier, &b->next) != 0) {
		web_login_page(r, 400, "This sign-in was already used or has "
		    "expired; sign in again.");
		return HANDLED;
	}
	b->redirect_uri = oidc_redirect_uri(r);
	if (worker_submit(r->loop, oidc_back_work, oidc_back_done, b) != 0) {
		req_retry_after(r, 2);
		web_login_page(r, 503, "The server is busy; try again in a "
		    "moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}

/* A back-channel logout being checked. */
struct oidc_bc {
	struct req	*r;
	const char	*token;
	char		*sub;
	char		*sid;
	char		*cause;
	int		 rc;
	int		 ended;
};

/* On a worker: verify the logout token. */
static void
oidc_bc_work(void *arg)
{
	struct oidc_bc	*b = arg;

	b->rc = oidc_logout_token(req_config(b->r), b->token, &b->sub, &b->sid,
	    &b->cause);
}

/* On the writer: end the sessions it names. */
static int
oidc_bc_write(struct db *db, void *arg, char **cause)
{
	struct oidc_bc	*b = arg;
	int64_t		 uid = 0;

	(void)cause;
	if (b->sub != NULL && identity_find(db, IDP_OIDC,
	    req_config(b->r)->oidc_issuer, b->sub, &uid) != 0 &&
	    b->sid == NULL)
		return E_OK;		/* no one here by that name */
	if ((b->ended = session_end_idp(db, VIA_OIDC, b->sid, uid)) < 0)
		return E_INTERNAL;
	return E_OK;
}

/* Done: 200, as the spec asks, with nothing cached. */
static void
oidc_bc_outcome(struct req *r, void *arg, int code, const char *cause)
{
	struct oidc_bc	*b = arg;

	(void)cause;
	log_info("oidc: back-channel logout (sub %s, sid %s): %d session%s "
	    "ended", b->sub ? b->sub : "-", b->sid ? b->sid : "-", b->ended,
	    b->ended == 1 ? "" : "s");
	free(b->sub);
	free(b->sid);
	req_set_header(r, "Cache-Control", "no-store");
	if (code == E_OK)
		req_text(r, 200, "");
	else
		req_error(r, 500, "The sessions could not be ended.");
}

/* Back on the loop from the worker. */
static void
oidc_bc_done(void *arg)
{
	struct oidc_bc	*b = arg;
	struct req	*r = b->r;

	if (b->rc != 0) {
		log_warn("oidc: back-channel logout refused: %s", b->cause ?
		    b->cause : "?");
		free(b->cause);
		req_set_header(r, "Cache-Control", "no-store");
		req_json(r, 400, json_pack("{s:s, s:s}", "error",
		    "invalid_request", "error_description", "the logout token "
		    "was not accepted"));
		req_free(r);
		return;
	}
	if (req_command_then(r, oidc_bc_write, oidc_bc_outcome, b) ==
	    HANDLED) {
		free(b->sub);
		free(b->sid);
		req_free(r);
	}
}

/* POST /auth/oidc/backchannel-logout (from the provider): logout_token */
enum handled
web_oidc_backchannel(struct req *r)
{
	struct oidc_bc	*b;

	r->is_api = 1;
	if (!config_oidc(req_config(r))) {
		req_error(r, 404, "Record not found");
		return HANDLED;
	}
	b = arena_alloc(r->arena, sizeof *b);
	memset(b, 0, sizeof *b);
	b->r = r;
	b->token = req_param(r, "logout_token");
	if (b->token == NULL || *b->token == '\0') {
		req_set_header(r, "Cache-Control", "no-store");
		req_json(r, 400, json_pack("{s:s, s:s}", "error",
		    "invalid_request", "error_description",
		    "logout_token is missing"));
		return HANDLED;
	}
	if (worker_submit(r->loop, oidc_bc_work, oidc_bc_done, b) != 0) {
		req_retry_after(r, 2);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}


/*
 * Every page of a session signed in through the provider carries the
 * sign-out form, which ends at the provider's end_session_endpoint: the
 * page's form-action must allow its origin, or the browser stops the
 * redirect (and the person is signed out of hearth only). The endpoint is
 * known once discovery ran in this process; until then (hearthd restarted
 * since) the issuer's origin, where providers keep it.
 */
static void
oidc_view(struct req *r, json_t *v)
{
	const struct config	*c = req_config(r);
	char			*url;

	(void)v;
	if (r->user == NULL || r->auth != AUTH_SESSION ||
	    r->session.via != VIA_OIDC || !c->oidc_logout || !config_oidc(c))
		return;
	if ((url = oidc_end_session()) != NULL) {
		web_form_action(r, url);
		free(url);
	} else
		web_form_action(r, c->oidc_issuer);
}

/* Hook oidc_view into every page's view. */
void
web_oidc_init(void)
{
	static int	hooked;

	if (!hooked++)
		req_view_hook_add(oidc_view);
}
