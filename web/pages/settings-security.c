/*
 * settings-security.c: changing one's own password, GET and POST
 * /settings/password. The current password is verified and the new one
 * hashed on a worker (argon2id never runs on a loop), then the writer
 * stores it and ends the person's other sessions in the same transaction
 * (user_change_password); this one stays signed in. Wrong current
 * passwords count against the same per-account limit as sign-in failures,
 * so this form is no way around it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "pages.h"

/* A password change on its way through the worker and the writer. */
struct pw_change {
	struct req	*r;
	char		*phc;		/* the stored hash, then the new one */
	char		*current;
	char		*next;
	char		*key;		/* the rate limit's account key */
	int		 ok;
	char		*cause;
};

/* Render the form with an error per field (passwords are never shown
 * again). */
static void
password_page(struct req *r, int status, json_t *errors)
{
	json_t	*v = settings_view(r, "Password", "password");

	json_object_set_new(v, "password_min", json_integer(PASSWORD_MIN));
	if (r->user->must_change_password) {
		json_object_set_new(v, "must_change", json_true());
		/* where the person was going, once the password is theirs */
		if (web_next(r, NULL) != NULL)
			json_object_set_new(v, "next", json_string(web_next(r,
			    NULL)));
	}
	if (errors != NULL) {
		json_object_set_new(v, "errors", errors);
		json_object_set_new(v, "error_summary", json_string(
		    "Your password was not changed. Check the fields marked "
		    "below."));
	}
	req_html(r, status, "settings-password", v);
}

/* GET /settings/password */
enum handled
web_settings_password(struct req *r)
{
	password_page(r, 200, NULL);
	return HANDLED;
}

/* Wipe and free the secrets of a change. */
static void
pw_change_free(struct pw_change *c)
{
	if (c->current != NULL) {
		OPENSSL_cleanse(c->current, strlen(c->current));
		free(c->current);
	}
	if (c->next != NULL) {
		OPENSSL_cleanse(c->next, strlen(c->next));
		free(c->next);
	}
	free(c->phc);
	free(c->key);
	free(c->cause);
	c->current = c->next = c->phc = c->key = c->cause = NULL;
}

/* On a worker: check the current password, then hash the new one. */
static void
pw_change_work(void *arg)
{
	struct pw_change	*c = arg;
	char			*phc = NULL;

	c->ok = password_verify(c->phc, c->current);
	if (!c->ok)
		return;
	if (password_hash(c->next, &phc, &c->cause) != 0) {
		c->ok = 0;
		return;
	}
	free(c->phc);
	c->phc = phc;
}

/* On the writer: store the new hash, ending every other session. */
static int
pw_change_write(struct req *r, struct db *db, void *arg, char **cause)
{
	struct pw_change	*c = arg;

	(void)cause;
	return user_change_password(db, r->user->id, c->phc,
	    r->session.id) == 0 ? E_OK : E_INTERNAL;
}

/* Done: back to the form, changed. */
static void
pw_change_reply(struct req *r, void *arg)
{
	(void)arg;
	log_info("settings: %s changed their password", r->user->username);
	/* r->user was read before the change: a first password goes on
	 * to where the person was going (next), else home. */
	req_redirect(r, r->user->must_change_password ? web_next(r, "/") :
	    "/settings/password?notice=password");
}

/* Back on the loop: refuse, or hand the new hash to the writer. */
static void
pw_change_done(void *arg)
{
	struct pw_change	*c = arg;
	struct req		*r = c->r;
	struct server		*s = r->loop->server;
	char			*phc;

	if (c->cause != NULL) {
		log_error("settings password: %s", c->cause);
		pw_change_free(c);
		req_error(r, 500, "The new password could not be hashed; "
		    "nothing was changed.");
		req_free(r);
		return;
	}
	if (!c->ok) {
		ratelimit_hit(s->login_account, c->key, time(NULL));
		log_info("settings: wrong current password for %s from %s",
		    r->user->username, r->client_ip);
		pw_change_free(c);
		password_page(r, 422, json_pack("{s:s}", "current",
		    "This is not your current password."));
		req_free(r);
		return;
	}
	ratelimit_clear(s->login_account, c->key);
	/* Only the new hash goes on, in the arena: nothing left to free. */
	phc = arena_strdup(r->arena, c->phc);
	pw_change_free(c);
	c->phc = phc;
	if (req_write(r, pw_change_write, pw_change_reply, c) ==
	    HANDLED)
		req_free(r);
}

/* POST /settings/password: current, password, confirm, csrf. */
enum handled
web_settings_password_save(struct req *r)
{
	struct server		*s = r->loop->server;
	const char		*cur = req_param(r, "current");
	const char		*pw = req_param(r, "password");
	const char		*confirm = req_param(r, "confirm");
	json_t			*errors = json_object();
	struct pw_change	*c;
	char			*cause = NULL;
	long			 wait;

	if (cur == NULL || *cur == '\0')
		json_object_set_new(errors, "current", json_string("Enter "
		    "your current password."));
	else if (strlen(cur) > PASSWORD_MAX)
		json_object_set_new(errors, "current", json_string("This is "
		    "not your current password."));
	if (pw == NULL || *pw == '\0')
		json_object_set_new(errors, "password", json_string("Enter a "
		    "new password."));
	else if (password_policy(pw, &cause) != 0) {
		json_object_set_new(errors, "password", json_string(
		    req_cause(r, cause)));
		free(cause);
	} else if (confirm == NULL || strcmp(pw, confirm) != 0)
		json_object_set_new(errors, "confirm", json_string("The two "
		    "new passwords are not the same."));
	if (json_object_size(errors) > 0) {
		password_page(r, 422, errors);
		return HANDLED;
	}
	json_decref(errors);

	c = arena_alloc(r->arena, sizeof *c);
	memset(c, 0, sizeof *c);
	c->r = r;
	c->key = utf8_lower_ascii(xstrdup(r->user->username));
	if ((wait = ratelimit_wait(s->login_account, c->key, time(NULL))) >
	    0) {
		free(c->key);
		req_retry_after(r, wait);
		req_error(r, 429, web_count(r->arena, (wait + 59) / 60, trn(
		    req_lang(r), (wait + 59) / 60, "Too many wrong passwords. "
		    "Try again in {n} minute.", "Too many wrong passwords. "
		    "Try again in {n} minutes.")));
		return HANDLED;
	}
	c->phc = xstrdup(r->user->password_hash ? r->user->password_hash :
	    password_dummy());
	c->current = xstrdup(cur);
	c->next = xstrdup(pw);
	if (worker_submit(r->loop, pw_change_work, pw_change_done, c) != 0) {
		pw_change_free(c);
		req_retry_after(r, 2);
		req_error(r, 503, "The server is busy; try again in a moment.");
		return HANDLED;
	}
	return HANDLED_ASYNC;
}
