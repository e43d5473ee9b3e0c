/*
 * login-page.c: the sign-in page, as every way of signing in shows it
 * (the password form, the company's provider, a refusal): the password
 * form where auth.local lets anyone use one (for admins only: folded
 * away), and a button for the company's OpenID provider when there is
 * one.
 */
#include <string.h>

#include "pages.h"

/* Where to go after signing in: a local path only (web_next). */
static const char *
login_next(struct req *r)
{
	return web_next(r, "/");
}

/* Render the form, optionally with an error: the password form where
 * auth.local lets anyone use one (for admins only: folded away), and a
 * button for the company's OpenID provider when there is one. */
void
web_login_page(struct req *r, int status, const char *error)
{
	const struct config *c = req_config(r);
	json_t		*v = req_view(r, "Sign in");
	const char	*username = req_param(r, "username");

	if (config_oidc(c))
		json_object_set_new(v, "sso", json_pack("{s:s, s:s}", "name",
		    c->oidc_name, "url", arena_printf(r->arena,
		    "/auth/oidc/start?next=%s", escape_url(r->arena,
		    login_next(r)))));
	if (c->auth_local != AUTH_LOCAL_OFF || config_ldap(c))
		json_object_set_new(v, "passwords", json_true());
	if (c->auth_local == AUTH_LOCAL_ADMINS && !config_ldap(c))
		json_object_set_new(v, "admins_only", json_true());
	if (config_ldap(c))
		json_object_set_new(v, "directory", json_true());
	json_object_set_new(v, "next", json_string(login_next(r)));
	if (username != NULL && strlen(username) <= 64)
		json_object_set_new(v, "username", json_string(username));
	if (error != NULL)
		json_object_set_new(v, "error", json_string(req_tr(r, error)));
	req_html(r, status, "login", v);
}
