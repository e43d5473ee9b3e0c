"""Every kind of response carries the security headers; pages need nothing
the CSP forbids; static assets are cached the right way.

Each case can run alone: make check
TESTS=tests/integration/test_security_headers.py CASE=static_caching (or
`python3 .../test_security_headers.py --list`)."""
import contextlib
import re

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        yield srv


def headers_ok(t, what, r, todo=None):
    csp = r.header("Content-Security-Policy") or ""
    problems = []
    if "default-src 'none'" not in csp:
        problems.append("CSP without default-src 'none'")
    if "frame-ancestors 'none'" not in csp:
        problems.append("CSP without frame-ancestors 'none'")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows unsafe-inline or unsafe-eval")
    if r.header("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not r.header("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if r.header("X-Frame-Options") != "DENY":
        problems.append("no X-Frame-Options: DENY")
    if r.header("Strict-Transport-Security"):
        problems.append("HSTS over plain http")
    t.ok(not problems, "%s (%d): security headers" % (what, r.status),
         "; ".join(problems) + "\n" + r.summary(), todo=todo)


def no_inline_code(t, what, html):
    """What the CSP would block: inline scripts, handlers, styles."""
    bad = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|"
                     r"\sstyle\s*=|<style\b|javascript:", html, re.I)
    t.ok(not bad, "%s: no inline script or style for the CSP to block"
         % what, "found: %r" % bad)


def stylesheet(t, srv):
    """The hashed stylesheet's path, as the login page links it, or None."""
    r = srv.client().get("/login")
    css = re.search(r'href="(/static/hearth\.[0-9a-f]+\.css)"', r.text)
    t.ok(css, "the login page links the hashed stylesheet")
    return css.group(1) if css else None


@h.case
def every_response(t, srv):
    """Every kind of answer, from 200 to 415, has the security headers."""
    token = srv.token("alice")
    anon = srv.client()
    c = srv.client()
    c.login("alice")
    cases = [
        ("GET /healthz", anon.get("/healthz")),
        ("HEAD /healthz", anon.head("/healthz")),
        ("GET /login", anon.get("/login")),
        ("GET / signed in", c.get("/")),
        ("GET / signed out (redirect)", anon.get("/")),
        ("404 page", anon.get("/nope")),
        ("404 API", anon.get("/api/v1/nope")),
        ("405", anon.post("/healthz", {})),
        ("401 API", anon.get("/api/v1/accounts/verify_credentials")),
        ("401 bad token", anon.me("nope")),
        ("200 API", anon.me(token)),
        ("403 CSRF", anon.post("/login", {"username": "alice"})),
        ("401 failed sign-in", anon.login("alice", "wrong password")),
        ("303 sign-in", srv.client().login("alice")),
        ("415", anon.request("POST", "/login", body="x",
                             headers={"Content-Type": "text/plain"})),
        ("400 bad query", anon.get("/login?a=%zz")),
    ]
    css = stylesheet(t, srv)
    if css:
        cases.append(("static asset", anon.get(css)))
    for what, r in cases:
        headers_ok(t, what, r)


@h.case
def pages_fit_the_csp(t, srv):
    """Pages have no inline script or style, and are not cached."""
    anon = srv.client()
    c = srv.client()
    c.login("alice")
    for what, r in [("GET /login", anon.get("/login")),
                    ("GET /", c.get("/")),
                    ("404 page", anon.get("/nope"))]:
        no_inline_code(t, what, r.text)
        t.is_(r.header("Cache-Control"), "no-store",
              "%s: Cache-Control: no-store" % what)


@h.case
def static_caching(t, srv):
    """Hashed assets immutable, unhashed revalidate; no traversal."""
    anon = srv.client()
    css = stylesheet(t, srv)
    if css:
        r = anon.get(css)
        t.status(r, 200, "the hashed stylesheet is served")
        t.like(r.header("Content-Type"), r"^text/css", "as text/css")
        t.is_(r.header_all("Cache-Control"),
              ["public, max-age=31536000, immutable"],
              "a hashed asset is cached for a year, immutable (one "
              "Cache-Control header)")
    r = anon.get("/static/hearth.css")
    t.status(r, 200, "the unhashed name is served too")
    cc = r.header_all("Cache-Control")
    t.ok(len(cc) == 1 and "immutable" not in cc[0] and
         "no-store" not in cc[0], "... with a revalidating "
         "Cache-Control (%r)" % cc)
    r = anon.get("/static/avatar.png")
    t.like(r.header("Content-Type"), r"^image/png", "the avatar is a PNG")
    r = anon.get("/static/..%2fhearth.conf")
    t.ok(r.status in (400, 404), "no path traversal out of static "
         "(%d)" % r.status)


@h.case
def transport_errors(t, srv):
    """A 431 found before routing still carries every header."""
    # A server of its own: the limit is small on purpose.
    with h.Server(t, name="limits", max_header_size=2048) as lim:
        raw = h.raw_exchange(lim.port, b"GET /healthz HTTP/1.1\r\n"
                             b"Host: x\r\nX-Big: " + b"a" * 4000 +
                             b"\r\n\r\n")
        head = raw.split(b"\r\n\r\n")[0].decode("latin-1")
        r = h.Response(h.raw_status(raw), "", [
            tuple(x.split(": ", 1)) for x in head.split("\r\n")[1:]
            if ": " in x], b"")
        t.is_(r.status, 431, "a huge header is 431")
        headers_ok(t, "the 431 for a huge header", r)


if __name__ == "__main__":
    h.main_cases(fixture)
