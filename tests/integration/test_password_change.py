"""hearthctl user passwd sets a new password and ends every session."""
import re

import harness as h

NEW = "a brand new password"


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        browsers = [srv.client() for _ in range(2)]
        for i, c in enumerate(browsers):
            t.status(c.login("alice"), 303, "alice signs in on browser %d"
                     % (i + 1))
        bob = srv.client()
        t.status(bob.login("bob"), 303, "bob signs in")
        token = srv.token("alice")

        p = srv.ctl("user", "passwd", "alice", "--password-stdin",
                    input="short\n")
        t.is_(p.returncode, 2, "a too-short new password is refused (exit 2)")
        t.status(browsers[0].me(), 200, "... and ends no session")

        p = srv.ctl("user", "passwd", "alice", "--password-stdin",
                    input=NEW + "\n")
        t.is_(p.returncode, 0, "user passwd --password-stdin exits 0")
        t.like(p.stdout, r"sessions of alice were ended", "it says the "
               "sessions were ended")
        for i, c in enumerate(browsers):
            t.status(c.me(), 401, "browser %d's session no longer works"
                     % (i + 1))
            t.status(c.get("/"), 303, "browser %d is sent to sign in"
                     % (i + 1))
        t.status(bob.me(), 200, "bob's session is untouched")

        c = srv.client()
        t.status(c.login("alice", h.PASSWORD), 401, "the old password fails")
        t.status(c.login("alice", NEW), 303, "the new password works")
        t.status(c.me(), 200, "... with a working session")

        # A generated password is printed and works.
        p = srv.ctl("user", "passwd", "alice")
        t.is_(p.returncode, 0, "user passwd without --password-stdin exits 0")
        m = re.search(r"new password for alice: (\S+)", p.stdout)
        t.ok(m, "it prints the generated password", p.stdout)
        t.status(c.me(), 401, "that too ends the session")
        if m:
            t.status(srv.client().login("alice", m.group(1)), 303,
                     "the generated password works")

        p = srv.ctl("user", "passwd", "nobody", "--password-stdin",
                    input=NEW + "\n")
        t.is_(p.returncode, 1, "user passwd of an unknown user exits 1")


h.main(body)
