"""hearthctl user passwd sets a new password and ends every session.

Each case can run alone: make check
TESTS=tests/integration/test_password_change.py CASE=passwd_ends_sessions
(or `python3 .../test_password_change.py --list`)."""
import contextlib
import itertools
import re

import harness as h

NEW = "a brand new password"
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("bob")
        yield srv


def fresh(t, srv, browsers=1):
    """A person of the case's own (whose password it changes), signed in
    on that many browsers: (username, [browser, ...])."""
    name = "alice%d" % next(_n)
    srv.add_user(name)
    out = []
    for i in range(browsers):
        c = srv.client()
        t.status(c.login(name), 303, "%s signs in on browser %d"
                 % (name, i + 1))
        out.append(c)
    return name, out


def passwd(srv, name, new=NEW):
    return srv.ctl("user", "passwd", name, "--password-stdin",
                   input=new + "\n")


@h.case
def passwd_refusals(t, srv):
    """A too-short password is refused and ends no session; an unknown
    person is an error."""
    name, (c,) = fresh(t, srv)
    p = passwd(srv, name, "short")
    t.is_(p.returncode, 2, "a too-short new password is refused (exit 2)")
    t.status(c.me(), 200, "... and ends no session")
    t.status(srv.client().login(name, h.PASSWORD), 303,
             "... and the old password still works")
    p = passwd(srv, "nobody")
    t.is_(p.returncode, 1, "user passwd of an unknown user exits 1")


@h.case
def passwd_ends_sessions(t, srv):
    """A new password ends each of the person's sessions and no one
    else's; the old password fails, the new one works."""
    name, browsers = fresh(t, srv, browsers=2)
    bob = srv.client()
    t.status(bob.login("bob"), 303, "bob signs in")
    srv.token(name)

    p = passwd(srv, name)
    t.is_(p.returncode, 0, "user passwd --password-stdin exits 0")
    t.like(p.stdout, r"sessions of %s were ended" % name, "it says the "
           "sessions were ended")
    for i, c in enumerate(browsers):
        t.status(c.me(), 401, "browser %d's session no longer works"
                 % (i + 1))
        t.status(c.get("/"), 303, "browser %d is sent to sign in"
                 % (i + 1))
    t.status(bob.me(), 200, "bob's session is untouched")

    c = srv.client()
    t.status(c.login(name, h.PASSWORD), 401, "the old password fails")
    t.status(c.login(name, NEW), 303, "the new password works")
    t.status(c.me(), 200, "... with a working session")


@h.case
def generated_password(t, srv):
    """Without --password-stdin a password is generated and printed; it
    works, and the sessions end."""
    name, (c,) = fresh(t, srv)
    p = srv.ctl("user", "passwd", name)
    t.is_(p.returncode, 0, "user passwd without --password-stdin exits 0")
    m = re.search(r"new password for %s: (\S+)" % name, p.stdout)
    t.ok(m, "it prints the generated password", p.stdout)
    t.status(c.me(), 401, "that too ends the session")
    if m:
        t.status(srv.client().login(name, m.group(1)), 303,
                 "the generated password works")
    t.status(srv.client().login(name, h.PASSWORD), 401,
             "the old password fails")


if __name__ == "__main__":
    h.main_cases(fixture)
