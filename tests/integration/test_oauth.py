"""OAuth 2 for apps, as Mastodon does it: registration, the authorization
code flow with PKCE, client credentials, scopes, revocation, metadata.

Each case can run alone: make check TESTS=tests/integration/test_oauth.py
CASE=code_exchange (or `python3 .../test_oauth.py --list`)."""
import base64
import contextlib
import hashlib
import re
import html
import sqlite3
import urllib.parse

import harness as h

REDIRECT = "https://app.example/callback"
OOB = "urn:ietf:wg:oauth:2.0:oob"
FIELDS = ("csrf", "client_id", "redirect_uri", "response_type", "scope",
          "state", "code_challenge", "code_challenge_method")


def pkce():
    verifier = base64.urlsafe_b64encode(b"v" * 48).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def register(t, c, scopes="read write follow", uris=REDIRECT + "\n" + OOB,
             name="Test App"):
    r = c.post("/api/v1/apps", {"client_name": name, "redirect_uris": uris,
                                "scopes": scopes,
                                "website": "https://app.example"})
    t.status(r, 200, "POST /api/v1/apps (%s) is 200" % scopes)
    return r.json()


def query(loc):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)


def authorize_url(app, **kw):
    q = {"response_type": "code", "client_id": app["client_id"],
         "redirect_uri": REDIRECT, "scope": "read", "state": "xyz"}
    q.update(kw)
    q = {k: v for k, v in q.items() if v is not None}
    return "/oauth/authorize?" + urllib.parse.urlencode(q)


def consent(t, c, app, decision="authorize", **kw):
    """GET the consent page (signed in) and POST the decision."""
    r = c.get(authorize_url(app, **kw))
    t.status(r, 200, "the consent page is 200")
    form = {name: html.unescape(h.form_field(r.text, name) or "")
            for name in FIELDS}
    form["decision"] = decision
    return c.post("/oauth/authorize", form)


def token(c, app, **form):
    f = {"client_id": app["client_id"],
         "client_secret": app["client_secret"]}
    f.update(form)
    f = {k: v for k, v in f.items() if v is not None}
    return c.post("/oauth/token", f)


def code_flow(t, c, app, scope="read", **kw):
    verifier, challenge = pkce()
    r = consent(t, c, app, scope=scope, code_challenge=challenge,
                code_challenge_method="S256")
    code = query(r.header("Location") or "").get("code", [""])[0]
    r = token(c, app, grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT, code_verifier=verifier)
    return r.json().get("access_token")

@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Example")
        srv.add_user("bob")
        yield srv


def alice(t, srv):
    """A browser signed in as alice."""
    c = srv.client()
    t.status(c.login("alice"), 303, "alice signs in")
    return c


def auth_code(t, c, app, scope="read"):
    """A code for app with PKCE, approved by c's person: (code,
    verifier)."""
    verifier, challenge = pkce()
    r = consent(t, c, app, scope=scope, code_challenge=challenge,
                code_challenge_method="S256")
    return query(r.header("Location") or "").get("code", [""])[0], verifier


def bearer(tok):
    return {"Authorization": "Bearer " + (tok or "")}


@h.case
def metadata(t, srv):
    """The RFC 8414 metadata names the endpoints and what they support."""
    r = srv.client().get("/.well-known/oauth-authorization-server")
    t.status(r, 200, "the RFC 8414 metadata is 200")
    m = r.json()
    t.is_(m.get("issuer"), srv.url + "/", "issuer is base_url/")
    for k, path in [("authorization_endpoint", "/oauth/authorize"),
                    ("token_endpoint", "/oauth/token"),
                    ("revocation_endpoint", "/oauth/revoke"),
                    ("app_registration_endpoint", "/api/v1/apps")]:
        t.is_(m.get(k), srv.url + path, k)
    t.is_(m.get("response_types_supported"), ["code"],
          "response_types_supported")
    t.is_(m.get("code_challenge_methods_supported"), ["S256"],
          "code_challenge_methods_supported")
    t.is_(sorted(m.get("grant_types_supported", [])),
          ["authorization_code", "client_credentials"],
          "grant_types_supported")
    t.ok({"read", "write", "follow", "read:statuses"} <=
         set(m.get("scopes_supported", [])), "scopes_supported")
    t.is_(sorted(m.get("token_endpoint_auth_methods_supported", [])),
          ["client_secret_basic", "client_secret_post"],
          "token_endpoint_auth_methods_supported")


@h.case
def register_app(t, srv):
    """POST /api/v1/apps answers the Application with its secret, of
    which only a hash is stored."""
    app = register(t, srv.client())
    t.is_(app.get("name"), "Test App", "the Application has the name")
    t.is_(app.get("scopes"), ["read", "write", "follow"], "and scopes")
    t.is_(app.get("redirect_uris"), [REDIRECT, OOB],
          "and both redirect_uris")
    t.like(app.get("client_secret", ""), r"^hcs_[A-Za-z0-9_-]{43}$",
           "a client_secret is returned")
    t.ok(app.get("client_id"), "a client_id is returned")
    db = sqlite3.connect(srv.db)
    row = db.execute("SELECT secret_hash FROM apps WHERE client_id = ?",
                     (app["client_id"],)).fetchone()
    db.close()
    t.is_(row[0], hashlib.sha256(app["client_secret"].encode())
          .hexdigest(), "only the secret's hash is stored")


@h.case
def register_checks(t, srv):
    """Registering without a name or URIs, with a javascript: URI or an
    unknown scope is 422; JSON with an array of URIs works."""
    api = srv.client()
    for label, form in [
            ("no name", {"redirect_uris": REDIRECT}),
            ("no redirect_uris", {"client_name": "x"}),
            ("a javascript: URI", {"client_name": "x",
                                   "redirect_uris": "javascript:x()"}),
            ("an unknown scope", {"client_name": "x",
                                  "redirect_uris": REDIRECT,
                                  "scopes": "read admin"})]:
        r = api.post("/api/v1/apps", form)
        t.status(r, 422, "registering with %s is 422" % label)
    r = api.request("POST", "/api/v1/apps", json_body={
        "client_name": "JSON App", "redirect_uris": [REDIRECT]})
    t.status(r, 200, "JSON registration with an array of URIs")
    t.is_(r.json().get("scopes"), ["read"], "scopes default to read")


@h.case
def signed_out_to_login(t, srv):
    """Authorizing signed out goes to the login form and back."""
    app = register(t, srv.client())
    c = srv.client()
    verifier, challenge = pkce()
    url = authorize_url(app, code_challenge=challenge,
                        code_challenge_method="S256")
    r = c.get(url)
    t.status(r, 303, "GET /oauth/authorize signed out redirects")
    loc = r.header("Location") or ""
    t.like(loc, r"^/login\?next=", "... to the login form")
    nxt = query(loc).get("next", [""])[0]
    t.is_(nxt, url, "... with next= the authorize URL")
    r = c.get(loc)
    t.is_(html.unescape(h.form_field(r.text, "next") or ""), url,
          "the login form keeps it")
    r = c.login("alice", next=nxt)
    t.status(r, 303, "signing in is 303")
    t.is_(r.header("Location"), url, "... back to the authorize URL")
    t.status(c.get(url), 200, "... where the consent page shows")


@h.case
def consent_page(t, srv):
    """The consent page names the app and scopes, lets its form go to the
    app, needs CSRF, and authorizing redirects with a code and state."""
    app = register(t, srv.client())
    c = alice(t, srv)
    verifier, challenge = pkce()
    url = authorize_url(app, code_challenge=challenge,
                        code_challenge_method="S256")
    r = c.get(url)
    t.status(r, 200, "signed in, the consent page is 200")
    t.like(r.text, r"Test App", "it names the app")
    t.like(r.text, r"Read everything", "it says the scopes in words")
    t.like(r.header("Content-Security-Policy") or "",
           r"form-action 'self' https://app\.example[ ;]",
           "its CSP lets the form redirect to the app")
    form = {name: html.unescape(h.form_field(r.text, name) or "")
            for name in FIELDS}
    bad = dict(form, csrf="nope", decision="authorize")
    r = c.post("/oauth/authorize", bad)
    t.status(r, 403, "POST /oauth/authorize without CSRF is 403")
    r = c.post("/oauth/authorize", dict(form, decision="authorize"))
    t.status(r, 303, "authorizing is 303")
    loc = r.header("Location") or ""
    t.like(loc, r"^https://app\.example/callback\?code=",
           "... to the redirect_uri with a code")
    q = query(loc)
    t.is_(q.get("state"), ["xyz"], "... and the state")


@h.case
def code_exchange(t, srv):
    """The code is exchanged once, only with the right verifier,
    redirect_uri and secret; the token is stored hashed."""
    api = srv.client()
    app = register(t, api)
    code, verifier = auth_code(t, alice(t, srv), app)
    r = token(api, app, grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT, code_verifier="w" * 64)
    t.status(r, 400, "a wrong code_verifier is 400")
    t.is_(r.json().get("error"), "invalid_grant", "... invalid_grant")
    t.ok(r.json().get("error_description"), "... with a description")
    r = token(api, app, grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT + "2", code_verifier=verifier)
    t.is_(r.json().get("error"), "invalid_grant",
          "a wrong redirect_uri is invalid_grant")
    r = token(api, app, client_secret="hcs_wrong",
              grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT, code_verifier=verifier)
    t.status(r, 401, "a wrong client_secret is 401")
    t.is_(r.json().get("error"), "invalid_client", "... invalid_client")
    r = token(api, app, grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT, code_verifier=verifier)
    t.status(r, 200, "the right verifier gets a token")
    tok = r.json()
    t.is_(tok.get("token_type"), "Bearer", "token_type Bearer")
    t.is_(tok.get("scope"), "read", "scope read")
    t.ok(isinstance(tok.get("created_at"), int), "created_at a number")
    access = tok.get("access_token", "")
    r = token(api, app, grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT, code_verifier=verifier)
    t.is_(r.json().get("error"), "invalid_grant",
          "a code works only once")
    db = sqlite3.connect(srv.db)
    row = db.execute("SELECT app_id, scopes FROM tokens WHERE "
                     "token_hash = ?", (hashlib.sha256(access.encode())
                                        .hexdigest(),)).fetchone()
    db.close()
    t.is_(row, (int(app["id"]), "read"),
          "the token is stored hashed, with app_id and scopes")


@h.case
def token_is_app_and_person(t, srv):
    """An app's token verifies as the app (no secret) and as its
    person."""
    api = srv.client()
    app = register(t, api)
    access = code_flow(t, alice(t, srv), app)
    r = api.get("/api/v1/apps/verify_credentials", headers=bearer(access))
    t.status(r, 200, "apps/verify_credentials with the token")
    t.is_(r.json().get("name"), "Test App", "... is the app")
    t.ok("client_secret" not in r.json(), "... without the secret")
    r = api.me(access)
    t.is_(r.json().get("username"), "alice", "the token is alice's")


@h.case
def read_scope_cannot_write(t, srv):
    """A read token reads but may not post, in Mastodon's words."""
    api = srv.client()
    app = register(t, api)
    hdr = bearer(code_flow(t, alice(t, srv), app))
    r = api.get("/api/v1/timelines/home", headers=hdr)
    t.status(r, 200, "a read token reads the home timeline")
    r = api.post("/api/v1/statuses", {"status": "hi"}, headers=hdr)
    t.status(r, 403, "a read token cannot post")
    t.is_(r.json().get("error"),
          "This action is outside the authorized scopes",
          "... in Mastodon's words")


@h.case
def write_and_follow_scopes(t, srv):
    """HTTP Basic client authentication; write posts but follows only
    with follow; a hearthctl token has every scope."""
    api = srv.client()
    app = register(t, api)
    c = alice(t, srv)
    code, verifier = auth_code(t, c, app, scope="read write")
    basic = base64.b64encode(("%s:%s" % (app["client_id"],
                              app["client_secret"])).encode()).decode()
    r = api.post("/oauth/token", {"grant_type": "authorization_code",
                                  "code": code, "redirect_uri": REDIRECT,
                                  "code_verifier": verifier},
                 headers={"Authorization": "Basic " + basic})
    t.status(r, 200, "client authentication by HTTP Basic")
    wtok = bearer(r.json().get("access_token"))
    r = api.post("/api/v1/statuses", {"status": "from an app"},
                 headers=wtok)
    t.status(r, 200, "a write token posts")
    bob = str(sqlite3.connect(srv.db).execute(
        "SELECT id FROM users WHERE username = 'bob'").fetchone()[0])
    r = api.post("/api/v1/accounts/%s/follow" % bob, headers=wtok)
    t.status(r, 403, "write without follow cannot follow")
    ftok = code_flow(t, c, app, scope="read follow")
    r = api.post("/api/v1/accounts/%s/follow" % bob, headers=bearer(ftok))
    t.status(r, 200, "a follow token follows")
    r = api.post("/api/v1/accounts/%s/follow" % bob,
                 headers=bearer(srv.token("alice")))
    t.status(r, 200, "a hearthctl token has every scope")


@h.case
def authorize_refusals(t, srv):
    """More scopes than the app's redirect with invalid_scope; a foreign
    redirect_uri or unknown client_id is a 400 page, never a redirect."""
    rapp = register(t, srv.client(), scopes="read", name="Reader")
    c = alice(t, srv)
    r = c.get(authorize_url(rapp, scope="read write"))
    t.status(r, 303, "asking more than the app's scopes redirects")
    t.is_(query(r.header("Location") or "").get("error"),
          ["invalid_scope"], "... with error=invalid_scope")
    r = c.get(authorize_url(rapp, redirect_uri="https://evil.example/"))
    t.status(r, 400, "an unregistered redirect_uri is a 400 page")
    t.is_(r.header("Location"), None, "... never a redirect")
    r = c.get(authorize_url(rapp, client_id="nope"))
    t.status(r, 400, "an unknown client_id is a 400 page")


@h.case
def deny(t, srv):
    """Denying redirects with error=access_denied and the state."""
    app = register(t, srv.client())
    r = consent(t, alice(t, srv), app, decision="deny")
    t.status(r, 303, "denying is 303")
    t.is_(query(r.header("Location") or "").get("error"),
          ["access_denied"], "... with error=access_denied")
    t.is_(query(r.header("Location") or "").get("state"), ["xyz"],
          "... and the state")


@h.case
def out_of_band(t, srv):
    """The out-of-band redirect_uri shows the code, which gets a token
    without PKCE."""
    api = srv.client()
    app = register(t, api)
    r = consent(t, alice(t, srv), app, redirect_uri=OOB)
    t.status(r, 200, "authorizing out of band shows a page")
    m = re.search(r'<code id="oauth-code">([^<]+)</code>', r.text)
    t.ok(m, "... with the code on it")
    r = token(api, app, grant_type="authorization_code",
              code=m.group(1) if m else "", redirect_uri=OOB)
    t.status(r, 200, "the out-of-band code gets a token")


@h.case
def grant_refusals(t, srv):
    """An expired code is invalid_grant; grant_type=password is
    unsupported."""
    api = srv.client()
    app = register(t, api)
    r = consent(t, alice(t, srv), app)
    code = query(r.header("Location") or "").get("code", [""])[0]
    db = sqlite3.connect(srv.db)
    db.execute("UPDATE oauth_codes SET expires_at = 1 WHERE code_hash "
               "= ?", (hashlib.sha256(code.encode()).hexdigest(),))
    db.commit()
    db.close()
    r = token(api, app, grant_type="authorization_code", code=code,
              redirect_uri=REDIRECT)
    t.is_(r.json().get("error"), "invalid_grant",
          "an expired code is invalid_grant")
    r = token(api, app, grant_type="password")
    t.is_(r.json().get("error"), "unsupported_grant_type",
          "grant_type=password is unsupported_grant_type")


@h.case
def client_credentials(t, srv):
    """client_credentials: a token for the app itself, no one's home."""
    api = srv.client()
    app = register(t, api)
    r = token(api, app, grant_type="client_credentials", scope="read")
    t.status(r, 200, "client_credentials gets a token")
    ctok = bearer(r.json().get("access_token"))
    r = api.get("/api/v1/apps/verify_credentials", headers=ctok)
    t.status(r, 200, "an app token verifies its app")
    r = api.get("/api/v1/instance", headers=ctok)
    t.status(r, 200, "... reads the instance")
    r = api.get("/api/v1/timelines/home", headers=ctok)
    t.ok(r.status in (401, 403), "... but not anyone's home timeline",
         r.summary())
    r = token(api, app, grant_type="client_credentials", scope="admin")
    t.is_(r.json().get("error"), "invalid_scope",
          "an unknown scope is invalid_scope")


@h.case
def ctl_lists_apps(t, srv):
    """hearthctl token list and app list show an authorized app."""
    app = register(t, srv.client())
    t.ok(code_flow(t, alice(t, srv), app), "alice authorizes Test App")
    p = srv.ctl("token", "list", "alice")
    t.like(p.stdout, r"app: Test App", "token list names the app")
    p = srv.ctl("app", "list", "alice")
    t.like(p.stdout, r"Test App", "app list shows the authorized app")


@h.case
def revoke(t, srv):
    """/oauth/revoke ends one token (with the right secret); hearthctl
    app revoke ends the app's others."""
    api = srv.client()
    app = register(t, api)
    c = alice(t, srv)
    access = code_flow(t, c, app)
    wtok = bearer(code_flow(t, c, app, scope="read write"))
    t.status(api.me(access), 200, "alice's token works")
    r = api.post("/oauth/revoke", {"token": access,
                                   "client_id": app["client_id"],
                                   "client_secret": "hcs_wrong"})
    t.status(r, 401, "revoking with a wrong secret is 401")
    r = api.post("/oauth/revoke", {"token": access,
                                   "client_id": app["client_id"],
                                   "client_secret": app["client_secret"]})
    t.status(r, 200, "POST /oauth/revoke is 200")
    t.is_(r.json(), {}, "... with {}")
    r = api.me(access)
    t.status(r, 401, "the revoked token no longer works")
    r = api.post("/api/v1/statuses", {"status": "x"}, headers=wtok)
    t.status(r, 200, "the app's other token still posts")
    p = srv.ctl("app", "revoke", "alice", str(app["id"]))
    t.ok(p.returncode == 0, "hearthctl app revoke", p.stderr)
    r = api.post("/api/v1/statuses", {"status": "x"}, headers=wtok)
    t.status(r, 401, "... ends the app's other tokens")


if __name__ == "__main__":
    h.main_cases(fixture)
