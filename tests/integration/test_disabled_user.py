"""Disabling a person ends their sessions and refuses sign-in; enabling
lets them back in."""
import harness as h


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        c = srv.client()
        t.status(c.login("alice"), 303, "alice signs in")
        b = srv.client()
        t.status(b.login("bob"), 303, "bob signs in")

        p = srv.ctl("user", "disable", "alice")
        t.is_(p.returncode, 0, "user disable exits 0")
        t.status(c.me(), 401, "alice's session stops working at once")
        t.status(c.get("/"), 303, "the web UI sends her to sign in")
        t.status(b.me(), 200, "bob is unaffected")

        p = srv.ctl("user", "list")
        t.like(p.stdout, r"(?m)^alice\s+member\s+disabled", "user list shows "
               "alice as disabled")

        r = srv.client().login("alice")
        t.status(r, 401, "a disabled person cannot sign in with the right "
                 "password")
        t.like(r.text, r"Wrong username or password\.", "... and is told "
               "the same as for a wrong password")

        p = srv.ctl("user", "enable", "alice")
        t.is_(p.returncode, 0, "user enable exits 0")
        t.status(c.me(), 401, "the old session stays ended")
        c = srv.client()
        t.status(c.login("alice"), 303, "enabled again, alice signs in")
        t.status(c.me(), 200, "... and her new session works")

        p = srv.ctl("user", "disable", "nobody")
        t.is_(p.returncode, 1, "disabling an unknown user exits 1")
        p = srv.ctl("user", "disable")
        t.is_(p.returncode, 2, "user disable without a name exits 2")


h.main(body)
