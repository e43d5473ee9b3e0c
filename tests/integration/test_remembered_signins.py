"""Sessions and their people's rows are remembered between requests
(auth-memo.c). Each way a session ends, or its person changes, must count
on the very next request of a browser that was just served from memory:
signing out, signing out everywhere else, a new password, an administrator
disabling the person, and hearthctl (another process: stamp_sync) disabling
someone or setting their password; a new display name shows at once.

Each case can run alone: make check
TESTS=tests/integration/test_remembered_signins.py CASE=ctl_disable
(or `python3 .../test_remembered_signins.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


def signed_in(c):
    """1 if the browser's session still opens the home page."""
    return c.get("/").status == 200


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True)
        yield srv


def person(srv, base):
    """A person of the case's own (whose sessions it ends): a username."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    return name


def browser(t, srv, name):
    """A browser signed in as name, served from memory at least once."""
    c = srv.client()
    t.status(c.login(name), 303, name + " signs in")
    t.ok(signed_in(c) and signed_in(c), "... and is remembered")
    return c


def twin(srv, c):
    """Another browser holding the same cookie."""
    d = srv.client()
    d.cookies = dict(c.cookies)
    return d


@h.case
def signout_reaches_twin(t, srv):
    """Signing out: the same cookie elsewhere, just served from memory,
    is out too."""
    a = browser(t, srv, person(srv, "alice"))
    a2 = twin(srv, a)
    t.ok(signed_in(a2), "the twin is in")
    t.status(a.logout(), 303, "alice signs out")
    t.ok(not signed_in(a2), "the same cookie elsewhere is out at once")


@h.case
def signout_everywhere_else(t, srv):
    """Signing out everywhere else ends the other browsers at once and
    keeps this one."""
    name = person(srv, "bob")
    b1, b2 = browser(t, srv, name), browser(t, srv, name)
    r = b1.post("/settings/sessions/others",
                {"csrf": b1.csrf("/settings/sessions")})
    t.status(r, 303, "bob signs out everywhere else")
    t.ok(not signed_in(b2), "his other browser is out at once")
    t.ok(signed_in(b1), "... this one stays")


@h.case
def new_password_on_web(t, srv):
    """A new password set on the settings page ends the other browser at
    once."""
    name = person(srv, "bob")
    b1, b3 = browser(t, srv, name), browser(t, srv, name)
    new = "another long passphrase 42"
    r = b1.post("/settings/password", {"csrf": b1.csrf("/settings/password"),
                                       "current": h.PASSWORD,
                                       "password": new, "confirm": new})
    t.status(r, 303, "bob sets a new password")
    t.ok(not signed_in(b3), "his other browser is out at once")


@h.case
def admin_disables_on_web(t, srv):
    """An administrator disabling someone on the web ends their session at
    once."""
    name = person(srv, "carol")
    c = browser(t, srv, name)
    root = browser(t, srv, "root")
    page = root.get("/admin/people?q=" + name).text
    m = re.search(r'action="/admin/people/(\d+)/disable"', page)
    t.ok(m, "the admin page offers to disable carol")
    r = root.post("/admin/people/%s/disable" % (m.group(1) if m else 0),
                  {"csrf": h.form_field(page, "csrf"), "confirm": "yes"})
    t.status(r, 303, "root disables carol")
    t.ok(not signed_in(c), "carol is out at once")


@h.case
def ctl_disable(t, srv):
    """hearthctl, from another process, disabling someone ends their
    session at once; enabled, they sign in again."""
    name = person(srv, "dave")
    d = browser(t, srv, name)
    p = srv.ctl("user", "disable", name)
    t.is_(p.returncode, 0, "hearthctl user disable dave")
    t.unlike(p.stderr, r"warning", "... tells hearthd without a warning")
    t.ok(not signed_in(d), "dave is out at once")
    t.is_(srv.ctl("user", "enable", name).returncode, 0,
          "hearthctl user enable dave")
    t.status(srv.client().login(name), 303, "dave can sign in again")


@h.case
def ctl_passwd(t, srv):
    """hearthctl setting a password ends the session at once."""
    name = person(srv, "erin")
    e = browser(t, srv, name)
    p = srv.ctl("user", "passwd", name, "--password-stdin",
                input="a brand new passphrase\n")
    t.is_(p.returncode, 0, "hearthctl user passwd erin")
    t.ok(not signed_in(e), "erin's session ended at once")


@h.case
def new_display_name(t, srv):
    """The person's row: a new name shows in the nav at once."""
    f = browser(t, srv, person(srv, "alice"))
    r = f.post("/settings/profile", {"csrf": f.csrf("/settings/profile"),
                                     "display_name": "Alice Renamed"})
    t.ok(r.status in (200, 303), "alice renames herself")
    t.like(f.get("/").text, r"Alice Renamed", "the new name shows at once")


if __name__ == "__main__":
    h.main_cases(fixture)
