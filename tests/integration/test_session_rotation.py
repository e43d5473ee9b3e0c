"""Signing in while signed in rotates the session; a planted cookie is
never adopted (no session fixation). The same holds for people signing in
through the company's single sign-on (an authenticating proxy's header).

Each case can run alone: make check
TESTS=tests/integration/test_session_rotation.py CASE=planted_cookie
(or `python3 .../test_session_rotation.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **{"auth.proxy_header": "X-Remote-User",
                        "auth.proxy_addresses": "127.0.0.1"}) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        yield srv


def home_csrf(c):
    """The CSRF token of a signed-in browser: GET /login redirects then,
    so take it from /."""
    return h.form_field(c.get("/").text, "csrf")


@h.case
def relogin_rotates(t, srv):
    """Signing in again from the same browser issues a new session and
    ends the old one."""
    c = srv.client()
    t.status(c.login("alice"), 303, "alice signs in")
    first = c.session()
    r = c.login("alice", csrf=home_csrf(c))
    t.status(r, 303, "signing in again while signed in is 303")
    second = c.session()
    t.ok(second and second.startswith("hs_"), "it sets a new cookie")
    t.isnt(second, first, "the new session token differs from the old")
    t.status(c.me(), 200, "the new session works")

    old = srv.client()
    old.cookies["hearth_session"] = first
    t.status(old.me(), 401, "the old session token no longer works")
    t.status(old.get("/"), 303, "... not on the web UI either")


@h.case
def switch_user_rotates(t, srv):
    """Another person signing in over a session ends it."""
    c = srv.client()
    t.status(c.login("alice"), 303, "alice signs in")
    alices = c.session()
    r = c.login("bob", csrf=home_csrf(c))
    t.status(r, 303, "bob signs in over alice's session")
    t.isnt(c.session(), alices, "the browser has a new session token")
    t.is_(c.me().json().get("username"), "bob", "the browser is bob's")
    ghost = srv.client()
    ghost.cookies["hearth_session"] = alices
    t.status(ghost.me(), 401, "alice's session in it was ended")


@h.case
def planted_cookie(t, srv):
    """A cookie value planted before the victim signs in is never
    adopted: the server issues its own."""
    planted = "hs_" + "A" * 43
    v = srv.client()
    v.cookies["hearth_session"] = planted
    t.status(v.login("alice"), 303, "alice signs in with a planted "
             "cookie in her browser")
    t.isnt(v.session(), planted, "she gets a fresh token, not the "
           "planted one")
    t.status(v.me(), 200, "... which works")
    a = srv.client()
    a.cookies["hearth_session"] = planted
    t.status(a.me(), 401, "the planted value opens nothing")


@h.case
def failed_relogin_keeps_session(t, srv):
    """A failed sign-in while signed in leaves the session alone."""
    v = srv.client()
    t.status(v.login("alice"), 303, "alice signs in")
    before = v.session()
    r = v.login("alice", "wrong password!", csrf=home_csrf(v))
    t.status(r, 401, "a wrong password while signed in is 401")
    t.status(v.me(), 200, "the existing session still works")
    t.is_(v.session(), before, "... with the same token")


def sso(srv, who):
    """A browser behind the company's sign-on proxy, as who."""
    return srv.client(headers={"X-Remote-User": who})


@h.case
def sso_rotates_and_ignores_planted(t, srv):
    """A single sign-on over a planted cookie or another person's session
    issues a fresh session and ends the old one."""
    planted = "hs_" + "B" * 43
    v = sso(srv, "sam@example.com")
    v.cookies["hearth_session"] = planted
    r = v.get("/auth/proxy?next=/")
    t.status(r, 303, "sam signs in through single sign-on")
    t.isnt(v.session(), planted, "... with a fresh token, not the planted "
           "one")
    t.is_(v.me().json().get("username"), "sam", "... as sam (made just in "
          "time)")
    c = srv.client()
    t.status(c.login("alice"), 303, "alice signs in with a password")
    alices = c.session()
    c.headers["X-Remote-User"] = "sam@example.com"
    r = c.get("/")
    t.status(r, 303, "the proxy names sam in alice's browser: sent to sign "
             "in")
    t.status(c.get(r.header("Location")), 303, "... and signed in as sam")
    t.isnt(c.session(), alices, "... with a new session")
    ghost = srv.client()
    ghost.cookies["hearth_session"] = alices
    t.status(ghost.me(), 401, "alice's session in that browser was ended")


if __name__ == "__main__":
    h.main_cases(fixture)
