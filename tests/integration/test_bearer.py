"""API bearer tokens from hearthctl token create, and verify_credentials.

Each case can run alone: make check TESTS=tests/integration/test_bearer.py
CASE=bad_tokens (or `python3 .../test_bearer.py --list`)."""
import contextlib
import itertools
import re
import sqlite3

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Example")
        srv.add_user("bob", admin=True)
        yield srv


def fresh(srv, base):
    """A person of the case's own (disabled or stripped of tokens without
    other cases seeing it): (username, token)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    return name, srv.token(name)


@h.case
def verify_credentials(t, srv):
    """token create prints a token; verify_credentials answers the
    person's Account with it, and sets no cookie."""
    token = srv.token("alice")
    t.like(token, r"^hat_[A-Za-z0-9_-]{43}$", "token create prints one "
           "token alone on a line")
    r = srv.client().me(token)
    t.status(r, 200, "verify_credentials with the token is 200")
    t.like(r.header("Content-Type"), r"^application/json", "as JSON")
    a = r.json()
    db = sqlite3.connect(srv.db)
    uid = db.execute("SELECT id FROM users WHERE username = 'alice'") \
        .fetchone()[0]
    db.close()
    t.is_(a.get("id"), str(uid), "id is alice's id, as a string")
    t.is_(a.get("username"), "alice", "username")
    t.is_(a.get("acct"), "alice", "acct")
    t.is_(a.get("display_name"), "Alice Example", "display_name")
    t.like(a.get("created_at"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
           r"(\.\d+)?Z$", "created_at is ISO 8601 UTC")
    t.like(a.get("avatar"), r"^http://127\.0\.0\.1:%d/" % srv.port,
           "avatar is an absolute URL under base_url")
    t.is_(a.get("url"), srv.url + "/@alice", "url is base_url/@alice")
    for key in ("locked", "bot", "note", "followers_count",
                "following_count", "statuses_count", "emojis", "fields",
                "source"):
        t.ok(key in a, "the Account has %s" % key)
    t.is_(r.set_cookie("hearth_session"), None,
          "a bearer request sets no session cookie")
    t.is_(r.set_cookie("hearth_csrf"), None, "... nor a CSRF cookie")


@h.case
def admin_token_and_scheme_case(t, srv):
    """Each token is its own person's (an admin's has a role); the scheme
    name may be in any case."""
    c = srv.client()
    r = c.me(srv.token("bob"))
    t.is_(r.json().get("username"), "bob", "bob's token is bob's")
    t.ok(r.json().get("role", {}).get("name"), "an admin has a role name")
    r = c.get("/api/v1/accounts/verify_credentials",
              headers={"Authorization": "bearer " + srv.token("alice")})
    t.status(r, 200, "the scheme name is case-insensitive")
    t.is_(r.json().get("username"), "alice", "... and names alice")


@h.case
def bad_tokens(t, srv):
    """Garbage, unknown, tampered, empty, huge or no tokens: 401 with a
    JSON error and WWW-Authenticate: Bearer."""
    token = srv.token("alice")
    c = srv.client()
    for label, value in [("garbage", "Bearer garbage"),
                         ("unknown token", "Bearer hat_" + "x" * 43),
                         ("tampered token", "Bearer " + token[:-1] +
                          ("A" if token[-1] != "A" else "B")),
                         ("empty token", "Bearer "),
                         ("huge token", "Bearer " + "x" * 4000)]:
        r = c.get("/api/v1/accounts/verify_credentials",
                  headers={"Authorization": value})
        t.status(r, 401, "%s: 401" % label)
        try:
            err = r.json().get("error")
        except ValueError:
            err = None
        t.ok(isinstance(err, str) and err, "%s: JSON {\"error\": ...}"
             % label, r.summary())
    t.like(r.header("WWW-Authenticate") or "", r"^Bearer",
           "a 401 for a bad token has WWW-Authenticate: Bearer")

    r = c.get("/api/v1/accounts/verify_credentials")
    t.status(r, 401, "no credentials at all: 401")
    t.ok("error" in r.json(), "... with a JSON error")


@h.case
def disabled_person(t, srv):
    """A disabled person's token stops working and stays revoked when they
    are enabled again; no new token is made for them meanwhile."""
    name, token = fresh(srv, "alice")
    c = srv.client()
    t.status(c.me(token), 200, "the token works")
    p = srv.ctl("user", "disable", name)
    t.is_(p.returncode, 0, "user disable exits 0")
    r = c.me(token)
    t.status(r, 401, "a disabled person's token is 401")
    t.ok("error" in r.json(), "... with a JSON error")
    p = srv.ctl("token", "create", name)
    t.is_(p.returncode, 1, "token create for a disabled person exits 1")
    srv.ctl("user", "enable", name)
    t.status(c.me(token), 401, "enabled again, the old token stays revoked "
             "(leaving ends every token: docs/authentication.md)")
    t.status(c.me(srv.token(name)), 200, "... and a new one works")


@h.case
def ctl_revoke(t, srv):
    """hearthctl token list and revoke; token create for no one fails."""
    name, token = fresh(srv, "alice")
    c = srv.client()
    t.status(c.me(token), 200, "the token works")
    p = srv.ctl("token", "list", name)
    ids = re.findall(r"^\s*(\d+)\s", p.stdout, re.M)
    t.ok(p.returncode == 0 and ids, "token list shows alice's tokens",
         p.stdout + p.stderr)
    if ids:
        p = srv.ctl("token", "revoke", name, ids[0])
        t.is_(p.returncode, 0, "token revoke exits 0")
        t.status(c.me(token), 401, "a revoked token is 401")

    p = srv.ctl("token", "create", "nobody")
    t.is_(p.returncode, 1, "token create for an unknown user exits 1")


if __name__ == "__main__":
    h.main_cases(fixture)
