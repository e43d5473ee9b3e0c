"""Signing out ends the session on the server and clears the cookie.

Each case can run alone: make check TESTS=tests/integration/test_logout.py
CASE=old_cookie_is_dead (or `python3 .../test_logout.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        yield srv


def signed_in(t, srv):
    """A browser signed in as alice."""
    c = srv.client()
    t.status(c.login("alice"), 303, "alice signs in")
    return c


@h.case
def logout_clears_cookie(t, srv):
    """The home page's sign-out form: 303 to /login, the cookie cleared,
    and the log says so."""
    c = signed_in(t, srv)
    home = c.get("/")
    t.status(home, 200, "the home page shows while signed in")
    token = h.form_field(home.text, "csrf")
    t.ok(token and 'action="/logout"' in home.text,
         "the home page has a sign-out form with a CSRF token")

    r = c.post("/logout", {"csrf": token})
    t.status(r, 303, "POST /logout is 303")
    t.is_(r.header("Location"), "/login", "... to /login")
    s = r.set_cookie("hearth_session")
    t.ok(s is not None and s["value"] == "" and s.get("max-age") == "0",
         "the session cookie is cleared (empty, Max-Age=0)", r.summary())
    t.is_(c.session(), None, "the browser no longer has the cookie")
    t.status(c.me(), 401, "the browser is signed out")
    t.like(srv.log(), r"logout: alice", "the log records the sign-out")


@h.case
def old_cookie_is_dead(t, srv):
    """Replaying a signed-out cookie: the session is gone on the server,
    while another browser's session of the same person lives on."""
    c = signed_in(t, srv)
    old = c.session()
    other = srv.client()
    t.status(other.login("alice"), 303, "alice signs in on a second "
             "browser too")
    t.status(c.logout(), 303, "she signs out of the first")

    ghost = srv.client()
    ghost.cookies["hearth_session"] = old
    r = ghost.get("/")
    t.status(r, 303, "the old session cookie no longer opens /")
    t.like(r.header("Location") or "", r"^/login", "... it goes to "
           "/login")
    s = r.set_cookie("hearth_session")
    t.ok(s is not None and s.get("max-age") == "0",
         "a dead session cookie is cleared when it comes back")
    ghost.cookies["hearth_session"] = old
    r = ghost.me()
    t.status(r, 401, "the old session cookie gets 401 from the API")
    t.ok("error" in r.json(), "with a JSON error")

    t.status(other.me(), 200, "the session on the other browser lives "
             "on (sign-out ends one session)")


@h.case
def logout_twice_harmless(t, srv):
    """Signing out while signed out is a harmless 303."""
    c = signed_in(t, srv)
    t.status(c.logout(), 303, "alice signs out")
    r = c.post("/logout", {"csrf": c.csrf("/login")})
    t.status(r, 303, "signing out again while signed out is harmless")
    t.is_(r.header("Location"), "/login", "... to /login")
    t.status(c.me(), 401, "... and she stays signed out")


if __name__ == "__main__":
    h.main_cases(fixture)
