"""Disabling a person ends their sessions and refuses sign-in; enabling
lets them back in.

Each case can run alone: make check
TESTS=tests/integration/test_disabled_user.py CASE=disable_ends_sessions
(or `python3 .../test_disabled_user.py --list`)."""
import contextlib
import itertools

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("bob")
        yield srv


def fresh(t, srv):
    """A person of the case's own (whom it disables), signed in:
    (username, browser)."""
    name = "alice%d" % next(_n)
    srv.add_user(name)
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, c


@h.case
def disable_ends_sessions(t, srv):
    """Disabling ends the person's session at once, and no one else's;
    sign-in is refused as for a wrong password."""
    name, c = fresh(t, srv)
    b = srv.client()
    t.status(b.login("bob"), 303, "bob signs in")

    p = srv.ctl("user", "disable", name)
    t.is_(p.returncode, 0, "user disable exits 0")
    t.status(c.me(), 401, "alice's session stops working at once")
    t.status(c.get("/"), 303, "the web UI sends her to sign in")
    t.status(b.me(), 200, "bob is unaffected")

    p = srv.ctl("user", "list")
    t.like(p.stdout, r"(?m)^%s\s+member\s+disabled" % name,
           "user list shows alice as disabled")

    r = srv.client().login(name)
    t.status(r, 401, "a disabled person cannot sign in with the right "
             "password")
    t.like(r.text, r"Wrong username or password\.", "... and is told "
           "the same as for a wrong password")


@h.case
def enable_lets_back_in(t, srv):
    """Enabling lets the person sign in again; the old session stays
    ended."""
    name, c = fresh(t, srv)
    t.is_(srv.ctl("user", "disable", name).returncode, 0,
          "user disable exits 0")
    p = srv.ctl("user", "enable", name)
    t.is_(p.returncode, 0, "user enable exits 0")
    t.status(c.me(), 401, "the old session stays ended")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+member\s+active" % name,
           "user list shows alice as active")
    c = srv.client()
    t.status(c.login(name), 303, "enabled again, alice signs in")
    t.status(c.me(), 200, "... and her new session works")


@h.case
def disable_refusals(t, srv):
    """user disable of no one, or without a name, fails."""
    p = srv.ctl("user", "disable", "nobody")
    t.is_(p.returncode, 1, "disabling an unknown user exits 1")
    p = srv.ctl("user", "disable")
    t.is_(p.returncode, 2, "user disable without a name exits 2")


if __name__ == "__main__":
    h.main_cases(fixture)
