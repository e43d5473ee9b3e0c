/*
 * login.c: signing in with a password: hearth's own, or the company
 * directory's (auth.ldap, a bind as the person). The check runs on a worker
 * thread (argon2id costs ~20 ms of CPU) and the reply is sent from the loop
 * when it is done. Unknown users, disabled users and wrong passwords get the
 * same answer after the same work. Attempts are limited per client address
 * and failures per account, both answered with 429 and Retry-After; a
 * browser that brings the account's device cookie (device.c) is counted on
 * its own instead, so guessing from elsewhere never locks the owner out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "pages.h"

#define LOGIN_FAILED N_("Wrong username or password.")
#define DEVICE_COOKIE "hearth_device"
#define DEVICE_MAX_AGE (365L * 86400)

struct login {
	struct req	*r;
	struct user	*user;		/* NULL if unknown or disabled */
	char		*phc;
	char		*password;
	char		*account_key;
	const char	*device;	/* a trusted browser's nonce, or NULL */
	int		 ok;
	char		 token[64];	/* the new session's */
	/* the company directory checks the password (auth.ldap) */
	int		 ldap;
	int		 unreachable;	/* the directory could not answer */
	const char	*username;
	struct ldapc_conf lc;
	struct ldapc_person person;
	char		*ldap_cause;
};

/* Where to go after signing in: a local path only (web_next). */
static const char *
login_next(struct req *r)
{
	return web_next(r, "/");
}

/* GET /login. */
enum handled
web_login_form(struct req *r)
{
	if (r->user != NULL) {
		req_redirect(r, login_next(r));
		return HANDLED;
	}
	web_login_page(r, 200, NULL);
	return HANDLED;
}

/* On a worker: verify the password (hearth's hash, or a bind to the
 * company directory as the person). */
static void
login_work(void *arg)
{
	struct login	*l = arg;
	int		 rc;

	if (!l->ldap) {
		l->ok = password_verify(l->phc, l->password);
		return;
	}
	rc = ldapc_authenticate(&l->lc, l->username, l->password, &l->person,
	    &l->ldap_cause);
	l->ok = rc == LDAPC_OK;
	l->unreachable = rc == LDAPC_ERROR;
}

/* The directory vouched for the person: sign them in as the entry says
 * (the account made just in time, tied to its entryUUID or objectGUID). */
static enum handled
login_directory(struct req *r, struct login *l)
{
	struct sso	*s = sso_new(r, IDP_LDAP, VIA_LDAP);
	struct claims	*c = sso_claims(s);
	struct ldapc_person *p = &l->person;

#define KEEP(x) ((x) != NULL ? arena_strdup(r->arena, (x)) : NULL)
	ldap_person_claims(req_config(r), p, c);
	c->subject = KEEP(p->id);
	c->username = KEEP(p->username);
	c->display_name = KEEP(p->display_name);
	c->email = KEEP(p->email);
	c->department = KEEP(p->department);
	c->job_title = KEEP(p->title);
#undef KEEP
	ldapc_person_free(p);
	sso_set(s, NULL, 0, login_next(r));
	return sso_finish(r, s);
}

/* On the writer: end the session the browser brought in (a session is
 * rotated at every sign-in, never reused) and start a new one. */
static int
login_session_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct login	*l = arg;

	(void)cause;
	if (r->auth == AUTH_SESSION && session_end(db, r->session.hash) != 0)
		return E_INTERNAL;
	if (session_create(db, l->user->id, r->client_ip, req_header(r,
	    "User-Agent"), l->token, sizeof l->token) != 0)
		return E_INTERNAL;
	return E_OK;
}

/* Back on the loop, the session on disk: hand it to the browser. */
static void
login_session_reply(struct req *r, void *arg)
{
	struct login	*l = arg;
	const char	*to = NULL;

	log_info("login: %s from %s%s", l->user->username, r->client_ip,
	    l->device ? " (a known browser)" : "");
	req_set_cookie(r, req_cookie_name(r), l->token,
	    req_config(r)->session_lifetime);
	req_set_cookie(r, DEVICE_COOKIE, device_cookie(r->arena, l->user->id),
	    DEVICE_MAX_AGE);
	OPENSSL_cleanse(l->token, sizeof l->token);
	/* A module may have somewhere to send the person first (guidelines
	 * to acknowledge at a first sign-in). */
	to = req_landing(r, l->user->id);
	/* ...and from there on to where the person was going. */
	if (to != NULL && strcmp(login_next(r), "/") != 0 &&
	    strchr(to, '?') == NULL) {
		char	*next = httpc_form_escape(login_next(r));

		to = arena_printf(r->arena, "%s?next=%s", to, next);
		free(next);
	}
	req_redirect(r, to != NULL ? to : login_next(r));
}

/* Back on the loop, the password checked: start the session or say no. */
static void
login_done(void *arg)
{
	struct login	*l = arg;
	struct req	*r = l->r;
	struct server	*s = r->loop->server;

	OPENSSL_cleanse(l->password, strlen(l->password));
	free(l->password);
	free(l->phc);
	if (l->ldap && l->unreachable) {
		log_error("login: the directory did not answer for '%s': %s",
		    l->account_key, l->ldap_cause ? l->ldap_cause : "?");
		free(l->ldap_cause);
		free(l->account_key);
		req_retry_after(r, 30);
		web_login_page(r, 503, "The company directory cannot be reached "
		    "right now; try again in a minute.");
		req_free(r);
		return;
	}
	if (l->ldap && l->ok) {
		free(l->ldap_cause);
		if (l->device != NULL)
			ratelimit_clear(s->login_device, l->device);
		else
			ratelimit_clear(s->login_account, l->account_key);
		free(l->account_key);
		if (login_directory(r, l) == HANDLED)
			req_free(r);
		return;
	}
	if (l->ldap) {
		log_info("login: the directory refused '%s': %s",
		    l->account_key, l->ldap_cause ? l->ldap_cause : "?");
		free(l->ldap_cause);
		l->user = NULL;
	}
	if (!l->ok || l->user == NULL) {
		if (l->device != NULL)
			ratelimit_hit(s->login_device, l->device, time(NULL));
		else
			ratelimit_hit(s->login_account, l->account_key,
			    time(NULL));
		log_info("login failed for '%s' from %s%s", l->account_key,
		    r->client_ip, l->device ? " (a known browser)" : "");
		web_login_page(r, 401, LOGIN_FAILED);
		free(l->account_key);
		req_free(r);
		return;
	}
	/* A known browser's success says nothing of the guesses made from
	 * elsewhere: only a sign-in without one clears the account's count. */
	if (l->device != NULL)
		ratelimit_clear(s->login_device, l->device);
	else
		ratelimit_clear(s->login_account, l->account_key);
	free(l->account_key);
	/* The session is written by the writer thread, off this loop. */
	if (req_write(r, login_session_write, login_session_reply, l) ==
	    HANDLED)
		req_free(r);
}

/* POST /login: username, password, csrf, next. */
enum handled
web_login(struct req *r)
{
	struct server	*s = r->loop->server;
	const char	*username = req_param(r, "username");
	const char	*password = req_param(r, "password");
	struct login	*l;
	struct user	*u;
	const char	*device;
	char		*key;
	long		 wait;
	int64_t		 now = time(NULL);

	if (req_config(r)->auth_local == AUTH_LOCAL_OFF &&
	    !config_ldap(req_config(r))) {
		web_login_page(r, 403, "Passwords are switched off here: sign "
		    "in with your company account.");
		return HANDLED;
	}
	if (username == NULL || *username == '\0' || password == NULL ||
	    *password == '\0') {
		web_login_page(r, 400, "Enter your username and password.");
		return HANDLED;
	}
	if (strlen(username) > 64 || strlen(password) > PASSWORD_MAX) {
		web_login_page(r, 401, LOGIN_FAILED);
		return HANDLED;
	}
	key = utf8_lower_ascii(xstrdup(username));
	u = user_get_by_name(req_db(r), r->arena, username);
	device = u != NULL ? device_check(r->arena, u->id, kv_get(&r->cookies,
	    DEVICE_COOKIE)) : NULL;
	if (device != NULL)
		wait = ratelimit_wait(s->login_device, device, now);
	else if ((wait = ratelimit_wait(s->login_ip, r->client_ip, now)) == 0)
		wait = ratelimit_wait(s->login_account, key, now);
	if (wait > 0) {
		free(key);
		log_warn("login rate limit for '%s' from %s", username,
		    r->client_ip);
		req_retry_after(r, wait);
		web_login_page(r, 429, wait > 90 ? web_count(r->arena,
		    (wait + 59) / 60, trn(req_lang(r), (wait + 59) / 60,
		    "Too many sign-in attempts. Try again in {n} minute.",
		    "Too many sign-in attempts. Try again in {n} minutes.")) :
		    web_count(r->arena, wait, trn(req_lang(r), wait,
		    "Too many sign-in attempts. Try again in {n} second.",
		    "Too many sign-in attempts. Try again in {n} seconds.")));
		return HANDLED;
	}
	if (device == NULL)
		ratelimit_hit(s->login_ip, r->client_ip, now);

	l = arena_alloc(r->arena, sizeof *l);
	l->r = r;
	l->account_key = key;
	l->device = device;
	l->password = xstrdup(password);
	/* auth.local = admins_only: a member's password is never checked
	 * (the same work is done, and the same answer given). */
	if (u != NULL && !u->disabled && u->password_hash != NULL &&
	    config_local_allowed(req_config(r), u->role == ROLE_ADMIN)) {
		l->user = u;
		l->phc = xstrdup(u->password_hash);
	} else if (config_ldap(req_config(r))) {
		/* No hearth password to check: the directory's. */
		l->ldap = 1;
		l->username = arena_strdup(r->arena, username);
		config_ldapc(req_config(r), &l->lc);
		l->phc = NULL;
	} else
		l->phc = xstrdup(password_dummy());
	if (worker_submit(r->loop, login_work, login_done, l) != 0) {
		OPENSSL_cleanse(l->password, strlen(l->password));
		free(l->password);
		free(l->phc);
		free(l->account_key);
		req_retry_after(r, 2);
		web_login_page(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}
