"""GET/HEAD /healthz answers without authentication; --version, --help.

Each case can run alone: make check TESTS=tests/integration/test_health.py
CASE=healthz_get (or `python3 .../test_health.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


@h.case
def command_line(t, srv):
    """--version and --help exit 0 and say so; an unknown option exits 2."""
    p = h.run_hearthd("--version")
    t.is_(p.returncode, 0, "hearthd --version exits 0")
    t.like(p.stdout, r"^hearthd \d+\.\d+", "--version prints the version")
    p = h.run_hearthd("--help")
    t.is_(p.returncode, 0, "hearthd --help exits 0")
    t.like(p.stdout, r"usage: hearthd", "--help prints usage")
    p = h.run_hearthd("--no-such-option")
    t.is_(p.returncode, 2, "an unknown option exits 2")


@h.case
def healthz_get(t, srv):
    """GET /healthz is a plain ok, with or without credentials."""
    c = srv.client()
    r = c.get("/healthz")
    t.status(r, 200, "GET /healthz is 200 without any credentials")
    t.is_(r.body, b"ok", "GET /healthz says ok")
    t.like(r.header("Content-Type"), r"^text/plain", "as text/plain")
    t.is_(r.set_cookie("hearth_csrf"), None, "/healthz sets no cookie")
    r = c.get("/healthz", headers={"Cookie": "hearth_session=hs_dead"})
    t.status(r, 200, "/healthz ignores a dead session cookie")


@h.case
def healthz_methods(t, srv):
    """HEAD /healthz has no body; POST is 405 with Allow."""
    c = srv.client()
    r = c.head("/healthz")
    t.status(r, 200, "HEAD /healthz is 200")
    t.is_(r.body, b"", "HEAD /healthz has no body")
    r = c.post("/healthz", {})
    t.status(r, 405, "POST /healthz is 405")
    t.is_(r.header("Allow"), "GET, HEAD", "with Allow: GET, HEAD")


if __name__ == "__main__":
    h.main_cases(fixture)
