"""Unsafe requests without the right CSRF token are refused with 403.

Each case can run alone: make check TESTS=tests/integration/test_csrf.py
CASE=login_needs_token (or `python3 .../test_csrf.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        yield srv


def two_sessions(t, srv):
    """alice and bob signed in on browsers of their own: (alice's browser,
    the token of her login form, bob's browser, bob's session token)."""
    c = srv.client()
    pre_token = c.csrf()
    t.status(c.login("alice", csrf=pre_token), 303, "alice signs in")
    b = srv.client()
    t.status(b.login("bob"), 303, "bob signs in elsewhere")
    bob_token = h.form_field(b.get("/").text, "csrf")
    return c, pre_token, b, bob_token


@h.case
def login_needs_token(t, srv):
    """Login: a missing, wrong, truncated or another browser's token is
    403; the right one in X-CSRF-Token signs in."""
    c = srv.client()
    good = c.csrf()
    form = {"username": "alice", "password": h.PASSWORD}
    r = c.post("/login", dict(form))
    t.status(r, 403, "login without a csrf field is 403")
    t.like(r.text, "CSRF", "the page says why")
    t.is_(r.set_cookie("hearth_session"), None, "... and signs no one in")
    r = c.post("/login", dict(form, csrf="x" * 43))
    t.status(r, 403, "login with a wrong csrf token is 403")
    r = c.post("/login", dict(form, csrf=good[:-1]))
    t.status(r, 403, "login with a truncated csrf token is 403")
    stranger = srv.client()
    stranger.csrf()
    r = stranger.post("/login", dict(form, csrf=good))
    t.status(r, 403, "a token bound to another browser's pre-session "
             "cookie is 403")
    bare = srv.client()
    r = bare.post("/login", dict(form, csrf=good))
    t.status(r, 403, "a token without its pre-session cookie is 403")
    r = c.post("/login", dict(form), headers={"X-CSRF-Token": "nope"})
    t.status(r, 403, "a wrong X-CSRF-Token header is 403")
    t.status(c.me(), 401, "after all that no one is signed in")
    r = c.post("/login", dict(form), headers={"X-CSRF-Token": good})
    t.status(r, 303, "the right token in X-CSRF-Token signs in")


@h.case
def logout_refuses_other_tokens(t, srv):
    """Logout: no token, a wrong one, another session's or the login
    form's is 403, and signs no one out."""
    c, pre_token, b, bob_token = two_sessions(t, srv)
    r = c.post("/logout", {})
    t.status(r, 403, "logout without a token is 403")
    r = c.post("/logout", {"csrf": "A" * 43})
    t.status(r, 403, "logout with a wrong token is 403")
    r = c.post("/logout", {"csrf": bob_token})
    t.status(r, 403, "logout with another session's token is 403")
    r = c.post("/logout", {"csrf": pre_token})
    t.status(r, 403, "logout with the pre-session (login form) token "
             "is 403 once signed in")
    t.status(c.me(), 200, "after all that alice is still signed in")
    t.status(b.me(), 200, "and so is bob")


@h.case
def logout_own_token_only(t, srv):
    """Each session has its own token: bob cannot sign alice out, alice
    can; safe methods need none."""
    c, _, b, bob_token = two_sessions(t, srv)
    alice_token = h.form_field(c.get("/").text, "csrf")
    t.isnt(alice_token, bob_token, "two sessions have different tokens")
    r = b.post("/logout", {"csrf": alice_token})
    t.status(r, 403, "bob cannot sign out with alice's token")
    t.status(b.me(), 200, "... and stays signed in")
    r = c.post("/logout", {"csrf": alice_token})
    t.status(r, 303, "alice signs out with her own token")
    t.status(c.me(), 401, "alice is signed out")

    # A cross-site form post carries the cookie but cannot know the
    # token: that is exactly the 403 above. Safe methods need none.
    t.status(b.get("/"), 200, "GET needs no CSRF token")


if __name__ == "__main__":
    h.main_cases(fixture)
