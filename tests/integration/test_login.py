"""Signing in: the form, success, and one answer for every kind of failure.

Each case can run alone: make check TESTS=tests/integration/test_login.py
CASE=failures_look_alike (or `python3 .../test_login.py --list`)."""
import contextlib
import urllib.parse

import harness as h

FAILED = "Wrong username or password."


@contextlib.contextmanager
def fixture(t):
    # The default limit of 30 sign-in attempts per address is shared by
    # every case (all come from 127.0.0.1); together they stay below it.
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Example")
        srv.add_user("dora")
        srv.ctl("user", "disable", "dora")
        yield srv


@h.case
def signed_out_redirect(t, srv):
    """GET / signed out goes to /login with next=/."""
    r = srv.client().get("/")
    t.status(r, 303, "GET / signed out redirects")
    loc = r.header("Location") or ""
    t.like(loc, r"^/login\?next=", "... to /login?next=")
    t.is_(urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)
          .get("next"), ["/"], "... whose next is /")


@h.case
def login_form(t, srv):
    """GET /login: an HTML form with csrf and next, and a pre-session
    cookie set once."""
    c = srv.client()
    r = c.get("/login")
    t.status(r, 200, "GET /login is 200")
    t.like(r.header("Content-Type"), r"^text/html", "as HTML")
    t.ok(h.form_field(r.text, "csrf"), "the form has a csrf field")
    t.is_(h.form_field(r.text, "next"), "/", "next defaults to /")
    pre = r.set_cookie("hearth_csrf")
    t.ok(pre and pre["value"] and pre.get("httponly"),
         "GET /login sets an HttpOnly hearth_csrf pre-session cookie",
         r.summary())
    r = c.get("/login?next=/somewhere")
    t.is_(h.form_field(r.text, "next"), "/somewhere",
          "next is carried in the form")
    t.is_(r.set_cookie("hearth_csrf"), None,
          "the pre-session cookie is not replaced on a second visit")


@h.case
def success_sets_session(t, srv):
    """The right password: 303 to /, a well-made session cookie, and a
    signed-in browser."""
    c = srv.client()
    r = c.login("alice")
    t.status(r, 303, "POST /login with the right password is 303")
    t.is_(r.header("Location"), "/", "... to /")
    s = r.set_cookie("hearth_session")
    t.ok(s is not None, "it sets hearth_session", r.summary())
    s = s or {}
    t.like(s.get("value"), r"^hs_[A-Za-z0-9_-]{43}$",
           "the session token looks like hs_ + 43 base64url chars")
    t.ok(s.get("httponly") is True, "the session cookie is HttpOnly")
    t.is_(s.get("samesite"), "Lax", "the session cookie is SameSite=Lax")
    t.is_(s.get("path"), "/", "the session cookie has Path=/")
    t.ok("secure" not in s, "no Secure flag on plain http base_url")
    t.ok("domain" not in s, "no Domain attribute")
    t.unlike(r.text + "".join(v for _, v in r.headers), "correct horse",
             "the password is not echoed anywhere")

    r = c.get("/")
    t.status(r, 200, "GET / signed in is 200")
    t.like(r.text, r"@alice", "the home page shows who is signed in")
    r = c.me()
    t.status(r, 200, "verify_credentials works with the session cookie")
    t.is_(r.json().get("username"), "alice", "... and names alice")

    r = c.get("/login?next=/elsewhere")
    t.status(r, 303, "GET /login while signed in redirects")
    t.is_(r.header("Location"), "/elsewhere", "... to next")


@h.case
def next_local_only(t, srv):
    """After signing in, next= leads only to a path on this site."""
    for nxt, want in [("/page?x=1", "/page?x=1"),
                      ("//evil.example/", "/"),
                      ("https://evil.example/", "/"),
                      ("/\\evil.example", "/"),
                      # browsers drop tabs and newlines from URLs
                      ("/\t/evil.example", "/"),
                      ("/\n/evil.example", "/"),
                      ("/a\r\nSet-Cookie: x=1", "/"),
                      ("/\x0b/evil.example", "/"),
                      ("", "/")]:
        r = srv.client().login("alice", next=nxt)
        t.is_((r.status, r.header("Location")), (303, want),
              "next=%r redirects to %r" % (nxt, want))


@h.case
def failures_look_alike(t, srv):
    """A wrong password, an unknown user and a disabled user get one and
    the same 401 page, and no session."""
    answers = {}
    for label, user, pw in [("wrong password", "alice", "wrong password!"),
                            ("unknown user", "nobody", h.PASSWORD),
                            ("disabled user", "dora", h.PASSWORD)]:
        c = srv.client()
        r = c.login(user, pw)
        t.status(r, 401, "%s: 401" % label)
        t.like(r.text, FAILED, "%s: says %r" % (label, FAILED))
        t.is_(r.set_cookie("hearth_session"), None,
              "%s: no session cookie" % label)
        t.is_(c.me().status, 401, "%s: not signed in" % label)
        # The page echoes the username into the form; apart from that
        # (and the per-browser CSRF token) the answers are identical.
        page = r.text.replace('value="%s"' % user, 'value="USER"')
        page = page.replace(h.form_field(r.text, "csrf"), "CSRF")
        answers[label] = (r.status, page)
    t.ok(len(set(answers.values())) == 1,
         "wrong password, unknown user and disabled user get the "
         "same answer")


@h.case
def odd_fields(t, srv):
    """Usernames ignore case; empty fields are 400, an over-long name
    just fails."""
    t.is_(srv.client().login("ALICE").status, 303,
          "usernames are case-insensitive")
    r = srv.client().login("alice", "")
    t.status(r, 400, "an empty password is 400")
    r = srv.client().login("", "x")
    t.status(r, 400, "an empty username is 400")
    r = srv.client().login("a" * 65, h.PASSWORD)
    t.status(r, 401, "an over-long username is just a failure")


@h.case
def json_body(t, srv):
    """A JSON body with X-CSRF-Token signs in; other body types are 415."""
    c = srv.client()
    tok = c.csrf()
    r = c.request("POST", "/login", json_body={
        "username": "alice", "password": h.PASSWORD},
        headers={"X-CSRF-Token": tok})
    t.status(r, 303, "POST /login with a JSON body and X-CSRF-Token")
    t.status(c.me(), 200, "... signs in")
    r = c.request("POST", "/login", body="username=alice",
                  headers={"Content-Type": "text/plain"})
    t.status(r, 415, "an unsupported Content-Type is 415")


@h.case
def log_records_signin(t, srv):
    """The log names who signed in, never a password or session token."""
    t.status(srv.client().login("alice"), 303, "alice signs in")
    t.like(srv.log(), r"login: alice from 127\.0\.0\.1",
           "the log records the sign-in")
    t.unlike(srv.log(), r"correct horse|hs_[A-Za-z0-9_-]{43}",
             "the log holds no password and no session token")


if __name__ == "__main__":
    h.main_cases(fixture)
