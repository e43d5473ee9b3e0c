"""hearthctl user role: appointing and removing admins from the command
line, felt by a running hearthd at once, with a warning when no enabled
admin is left."""
import harness as h

NO_ADMIN = r"warning: no enabled admin is left"


def body(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True)
        srv.add_user("alice")
        root = srv.client()
        t.status(root.login("root"), 303, "root (an admin) signs in")
        alice = srv.client()
        t.status(alice.login("alice"), 303, "alice (a member) signs in")
        t.status(alice.get("/admin/people"), 403, "alice may not see the "
                 "admin pages")

        p = srv.ctl("user", "role", "alice", "admin")
        t.is_(p.returncode, 0, "user role alice admin exits 0")
        t.like(p.stdout, r"^alice is now an admin\n$", "... and says so")
        t.is_(p.stderr, "", "... with no warning")
        t.status(alice.get("/admin/people"), 200, "alice's open session is "
                 "an admin's at once")
        t.like(srv.ctl("user", "list").stdout, r"(?m)^alice\s+admin\s+active",
               "user list shows alice as an admin")

        p = srv.ctl("user", "role", "alice", "admin")
        t.is_(p.returncode, 0, "making an admin an admin again exits 0")
        t.like(p.stdout, r"alice is already an admin", "... and says so")

        p = srv.ctl("user", "role", "ALICE", "member")
        t.is_(p.returncode, 0, "user role ALICE member (any case) exits 0")
        t.like(p.stdout, r"^alice is now a member\n$", "... and says so")
        t.is_(p.stderr, "", "... with no warning: root is still an admin")
        t.status(alice.get("/admin/people"), 403, "alice is a member again "
                 "at once")

        p = srv.ctl("user", "role", "root", "member")
        t.is_(p.returncode, 0, "removing the last admin exits 0: hearthctl "
              "is the way back in")
        t.like(p.stderr, NO_ADMIN, "... and warns that no admin is left")
        t.like(p.stderr, r"hearthctl user role NAME admin", "... and says "
               "how to appoint one")
        t.status(root.get("/admin/people"), 403, "root's session lost the "
                 "admin pages at once")
        p = srv.ctl("user", "role", "root", "admin")
        t.is_(p.returncode, 0, "root is appointed again")
        t.status(root.get("/admin/people"), 200, "... and sees the admin "
                 "pages")

        p = srv.ctl("user", "disable", "root")
        t.is_(p.returncode, 0, "disabling the only admin exits 0 (an admin "
              "who left is locked out at once)")
        t.like(p.stderr, NO_ADMIN, "... and warns that no admin is left")
        p = srv.ctl("user", "disable", "alice")
        t.unlike(p.stderr, NO_ADMIN, "disabling a member warns of nothing")
        p = srv.ctl("user", "role", "alice", "admin")
        t.like(p.stdout, r"alice is now an admin; the account is still "
               r"disabled", "appointing a disabled person says they are "
               "still disabled")
        srv.ctl("user", "enable", "root")
        srv.ctl("user", "enable", "alice")

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


h.main(body)
