"""hearthctl user role: appointing and removing admins from the command
line, felt by a running hearthd at once, with a warning when no enabled
admin is left.

Each case can run alone: make check TESTS=tests/integration/test_ctl_roles.py
CASE=appoint_admin (or `python3 .../test_ctl_roles.py --list`)."""
import contextlib
import itertools

import harness as h

NO_ADMIN = r"warning: no enabled admin is left"
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    # root stays the one admin here; the cases that take it away start
    # servers of their own.
    with h.Server(t) as srv:
        srv.add_user("root", admin=True)
        srv.add_user("alice")
        yield srv


def signed_in(t, srv, name, what):
    c = srv.client()
    t.status(c.login(name), 303, "%s (%s) signs in" % (name, what))
    return c


def fresh(t, srv):
    """A member of the case's own (whose role it changes), signed in:
    (username, browser)."""
    name = "alice%d" % next(_n)
    srv.add_user(name)
    return name, signed_in(t, srv, name, "a member")


@h.case
def appoint_admin(t, srv):
    """user role NAME admin: an open session gets the admin pages at once;
    doing it twice says so."""
    name, c = fresh(t, srv)
    t.status(c.get("/admin/people"), 403, "alice (a member) may not see "
             "the admin pages")
    p = srv.ctl("user", "role", name, "admin")
    t.is_(p.returncode, 0, "user role alice admin exits 0")
    t.like(p.stdout, r"^%s is now an admin\n$" % name, "... and says so")
    t.is_(p.stderr, "", "... with no warning")
    t.status(c.get("/admin/people"), 200, "alice's open session is an "
             "admin's at once")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+admin\s+active" % name,
           "user list shows alice as an admin")

    p = srv.ctl("user", "role", name, "admin")
    t.is_(p.returncode, 0, "making an admin an admin again exits 0")
    t.like(p.stdout, r"%s is already an admin" % name, "... and says so")


@h.case
def demote_admin(t, srv):
    """user role NAME member (in any case) takes the admin pages away at
    once, with no warning while another admin is left."""
    name, c = fresh(t, srv)
    t.is_(srv.ctl("user", "role", name, "admin").returncode, 0,
          "the member is made an admin")
    t.status(c.get("/admin/people"), 200, "... and sees the admin pages")
    p = srv.ctl("user", "role", name.upper(), "member")
    t.is_(p.returncode, 0, "user role ALICE member (any case) exits 0")
    t.like(p.stdout, r"^%s is now a member\n$" % name, "... and says so")
    t.is_(p.stderr, "", "... with no warning: root is still an admin")
    t.status(c.get("/admin/people"), 403, "alice is a member again "
             "at once")


@h.case
def last_admin_removed(t, srv):
    """Removing the last admin works (hearthctl is the way back in) but
    warns, and says how to appoint one."""
    with h.Server(t, name="lone-admin") as own:
        own.add_user("root", admin=True)
        root = signed_in(t, own, "root", "an admin")
        t.status(root.get("/admin/people"), 200, "root sees the admin "
                 "pages")
        p = own.ctl("user", "role", "root", "member")
        t.is_(p.returncode, 0, "removing the last admin exits 0: "
              "hearthctl is the way back in")
        t.like(p.stderr, NO_ADMIN, "... and warns that no admin is left")
        t.like(p.stderr, r"hearthctl user role NAME admin", "... and says "
               "how to appoint one")
        t.status(root.get("/admin/people"), 403, "root's session lost the "
                 "admin pages at once")
        p = own.ctl("user", "role", "root", "admin")
        t.is_(p.returncode, 0, "root is appointed again")
        t.status(root.get("/admin/people"), 200, "... and sees the admin "
                 "pages")


@h.case
def last_admin_disabled(t, srv):
    """Disabling the only admin warns; disabling a member does not;
    appointing a disabled person says they are still disabled."""
    with h.Server(t, name="lone-admin") as own:
        own.add_user("root", admin=True)
        own.add_user("alice")
        p = own.ctl("user", "disable", "root")
        t.is_(p.returncode, 0, "disabling the only admin exits 0 (an "
              "admin who left is locked out at once)")
        t.like(p.stderr, NO_ADMIN, "... and warns that no admin is left")
        p = own.ctl("user", "disable", "alice")
        t.is_(p.returncode, 0, "disabling a member exits 0")
        t.unlike(p.stderr, NO_ADMIN, "disabling a member warns of nothing")
        p = own.ctl("user", "role", "alice", "admin")
        t.like(p.stdout, r"alice is now an admin; the account is still "
               r"disabled", "appointing a disabled person says they are "
               "still disabled")


@h.case
def role_usage_errors(t, srv):
    """An unknown role or a missing one is a usage error; an unknown
    person is named."""
    p = srv.ctl("user", "role", "alice", "boss")
    t.is_(p.returncode, 2, "an unknown role exits 2")
    t.like(p.stderr, r"the role must be admin or member", "... and names "
           "the roles")
    t.like(p.stderr, r"usage: hearthctl user role NAME admin\|member",
           "... with the usage")
    p = srv.ctl("user", "role", "alice")
    t.is_(p.returncode, 2, "a missing role exits 2")
    p = srv.ctl("user", "role", "nobody", "admin")
    t.is_(p.returncode, 1, "an unknown person exits 1")
    t.like(p.stderr, r"no user named 'nobody'", "... and is named")
    t.like(srv.ctl("user", "list").stdout, r"(?m)^alice\s+member\s+active",
           "alice is still a member")


if __name__ == "__main__":
    h.main_cases(fixture)
