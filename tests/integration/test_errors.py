"""Unknown paths are 404 and wrong methods 405: JSON under /api/, a page
elsewhere.

Each case can run alone: make check TESTS=tests/integration/test_errors.py
CASE=wrong_method_405 (or `python3 .../test_errors.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        yield srv


def is_json_error(r):
    try:
        return isinstance(r.json().get("error"), str)
    except ValueError:
        return False


@h.case
def unknown_path_404(t, srv):
    """Unknown pages, API paths and static files are 404, each in kind."""
    c = srv.client()
    r = c.get("/no/such/page")
    t.status(r, 404, "an unknown page is 404")
    t.like(r.header("Content-Type"), r"^text/html", "... as HTML")
    t.like(r.text, r"(?is)<!doctype html>.*Page not found", "... a page "
           "that says so")

    r = c.get("/api/v1/no_such_thing")
    t.status(r, 404, "an unknown API path is 404")
    t.like(r.header("Content-Type"), r"^application/json", "... as JSON")
    t.ok(is_json_error(r), "... {\"error\": ...}", r.summary())
    t.is_(r.json(), {"error": "No API endpoint GET /api/v1/no_such_thing"},
          "... naming the method and path, never Record not found")

    r = c.get("/api/v1/no_such_thing",
              headers={"Authorization": "Bearer " + srv.token("alice")})
    t.status(r, 404, "an unknown API path with a valid token is 404")

    r = c.get("/static/no-such-file.css")
    t.status(r, 404, "an unknown static file is 404")

    r = c.head("/no/such/page")
    t.status(r, 404, "HEAD of an unknown page is 404")


@h.case
def wrong_method_405(t, srv):
    """A wrong method is 405 with Allow: a page, or JSON under /api/."""
    c = srv.client()
    for method, path, allow, kind in [
            ("POST", "/healthz", "GET, HEAD", "html"),
            ("DELETE", "/login", "GET, HEAD, POST", "html"),
            ("PUT", "/", "GET, HEAD", "html"),
            ("GET", "/logout", "POST", "html"),
            ("POST", "/api/v1/accounts/verify_credentials", "GET, HEAD",
             "json"),
            ("PATCH", "/api/v1/accounts/verify_credentials", "GET, HEAD",
             "json")]:
        r = c.request(method, path, body="", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        t.status(r, 405, "%s %s is 405" % (method, path))
        t.is_(r.header("Allow"), allow, "%s %s: Allow: %s"
              % (method, path, allow))
        if kind == "json":
            t.ok(is_json_error(r), "%s %s: a JSON error" % (method, path))
        else:
            t.like(r.header("Content-Type"), r"^text/html",
                   "%s %s: an HTML page" % (method, path))

    r = c.request("OPTIONS", "/login")
    t.status(r, 405, "OPTIONS /login is 405 (no CORS here)")


@h.case
def malformed_requests(t, srv):
    """Bad percent-escapes and encoded NULs are refused; hearthd lives."""
    c = srv.client()
    r = c.get("/bad%zzpath")
    t.ok(r.status in (400, 404), "a bad percent-escape in the path is "
         "400 or 404 (%d)" % r.status)
    r = c.get("/a%00b")
    t.ok(r.status in (400, 404), "an encoded NUL in the path is "
         "refused (%d)" % r.status)
    r = c.get("/api/v1/accounts/verify_credentials?x=%zz",
              headers={"Authorization": "Bearer " + srv.token("alice")})
    t.status(r, 400, "a bad percent-escape in the query is 400")
    t.status(c.get("/healthz"), 200, "the server is fine after all that")


@h.case
def signed_out(t, srv):
    """Signing out while signed out redirects; the API says 401."""
    c = srv.client()
    r = c.post("/logout", {"csrf": c.csrf()})
    t.status(r, 303, "signing out while signed out just redirects")
    t.status(c.get("/api/v1/accounts/verify_credentials"), 401,
             "the API says 401 (not a redirect) when signed out")


if __name__ == "__main__":
    h.main_cases(fixture)
