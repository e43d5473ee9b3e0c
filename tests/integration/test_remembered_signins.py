"""Sessions and their people's rows are remembered between requests
(auth-memo.c). Each way a session ends, or its person changes, must count
on the very next request of a browser that was just served from memory:
signing out, signing out everywhere else, a new password, an administrator
disabling the person, and hearthctl (another process: stamp_sync) disabling
someone or setting their password; a new display name shows at once."""
import re

import harness as h


def signed_in(c):
    """1 if the browser's session still opens the home page."""
    return c.get("/").status == 200


def body(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True)
        for name in ("alice", "bob", "carol", "dave", "erin"):
            srv.add_user(name)

        def browser(name):
            c = srv.client()
            t.status(c.login(name), 303, name + " signs in")
            t.ok(signed_in(c) and signed_in(c), "... and is remembered")
            return c

        def twin(c):
            """Another browser holding the same cookie."""
            d = srv.client()
            d.cookies = dict(c.cookies)
            return d

        # Signing out: the twin, just served from memory, is out too.
        a = browser("alice")
        a2 = twin(a)
        t.ok(signed_in(a2), "the twin is in")
        t.status(a.logout(), 303, "alice signs out")
        t.ok(not signed_in(a2), "the same cookie elsewhere is out at once")

        # Everywhere else, and a new password.
        b1, b2 = browser("bob"), browser("bob")
        r = b1.post("/settings/sessions/others",
                    {"csrf": b1.csrf("/settings/sessions")})
        t.status(r, 303, "bob signs out everywhere else")
        t.ok(not signed_in(b2), "his other browser is out at once")
        t.ok(signed_in(b1), "... this one stays")
        b3 = browser("bob")
        new = "another long passphrase 42"
        r = b1.post("/settings/password", {"csrf": b1.csrf("/settings/password"),
                                           "current": h.PASSWORD,
                                           "password": new, "confirm": new})
        t.status(r, 303, "bob sets a new password")
        t.ok(not signed_in(b3), "his other browser is out at once")

        # An administrator disables carol on the web.
        c = browser("carol")
        root = browser("root")
        page = root.get("/admin/people?q=carol").text
        m = re.search(r'action="/admin/people/(\d+)/disable"', page)
        t.ok(m, "the admin page offers to disable carol")
        r = root.post("/admin/people/%s/disable" % (m.group(1) if m else 0),
                      {"csrf": h.form_field(page, "csrf")})
        t.status(r, 303, "root disables carol")
        t.ok(not signed_in(c), "carol is out at once")

        # hearthctl, from another process.
        d = browser("dave")
        p = srv.ctl("user", "disable", "dave")
        t.is_(p.returncode, 0, "hearthctl user disable dave")
        t.unlike(p.stderr, r"warning", "... tells hearthd without a warning")
        t.ok(not signed_in(d), "dave is out at once")
        t.is_(srv.ctl("user", "enable", "dave").returncode, 0,
              "hearthctl user enable dave")
        t.status(srv.client().login("dave"), 303, "dave can sign in again")

        e = browser("erin")
        p = srv.ctl("user", "passwd", "erin", "--password-stdin",
                    input="a brand new passphrase\n")
        t.is_(p.returncode, 0, "hearthctl user passwd erin")
        t.ok(not signed_in(e), "erin's session ended at once")

        # The person's row: a new name in the nav at once.
        f = browser("alice")
        r = f.post("/settings/profile", {"csrf": f.csrf("/settings/profile"),
                                         "display_name": "Alice Renamed"})
        t.ok(r.status in (200, 303), "alice renames herself")
        t.like(f.get("/").text, r"Alice Renamed", "the new name shows at once")


if __name__ == "__main__":
    h.main(body)
