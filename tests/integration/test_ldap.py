"""Signing in with the company directory, against a real slapd of the
test's own (tests/integration/slapd.py, tests/ldap/directory.ldif): the
password form binds to the directory (LDAPS, or LDAP with StartTLS),
accounts come from the entries just in time, the admin group makes admins,
the allowed group decides who may sign in, and the directory sync (the
scheduled one and hearthctl ldap sync) deactivates people who left the
directory or the group, and keeps departments and titles current, with a
guard against a directory that answers nothing.

Each case can run alone: make check TESTS=tests/integration/test_ldap.py
CASE=sync_deactivates_leavers (or `python3 .../test_ldap.py --list`)."""
import contextlib
import time

import harness as h
import slapd as sl

slapd_ok = sl.skip_file_unless_available


def ldap_config(d, url=None, starttls=False, **extra):
    c = {"auth.ldap.url": url or d.ldaps_url,
         "auth.ldap.ca_file": d.ca_file,
         "auth.ldap.bind_dn": d.bind_dn,
         "auth.ldap.bind_password": d.bind_password,
         "auth.ldap.base_dn": "ou=people," + d.base_dn,
         "auth.ldap.name_attribute": "displayName",
         "auth.ldap.allowed_group": d.group_dn("hearth-users"),
         "auth.ldap.admin_group": d.group_dn("hearth-admins"),
         "auth.ldap.sync_interval": "0"}
    if starttls:
        c["auth.ldap.starttls"] = "yes"
    c.update(extra)
    return c


class Env:
    def __init__(self, d, srv):
        self.d, self.srv = d, srv

    def login(self, t, uid, password=None, want=303):
        c = self.srv.client()
        r = c.login(uid, password if password is not None else
                    self.d.password(uid))
        t.status(r, want, "%s signs in with the directory's password%s"
                 % (uid, "" if want == 303 else " (refused)"))
        return c, r


@contextlib.contextmanager
def fixture(t):
    with sl.Slapd(t) as d:
        with h.Server(t, **ldap_config(d)) as srv:
            yield Env(d, srv)


@h.case
def sign_in_makes_the_account(t, e):
    """The directory's password signs in; the account comes from the
    entry; the admin group makes an admin."""
    c, _ = e.login(t, "ann")
    me = c.me().json()
    t.is_(me["username"], "ann", "the username is the entry's uid")
    t.is_(me["display_name"], "Ann Archer", "displayName")
    t.is_(me["hearth"]["department"], "Engineering", "departmentNumber")
    t.is_(me["hearth"]["job_title"], "Staff Engineer", "title")
    t.is_(me["hearth"]["role"], "admin", "in hearth-admins: an admin")
    t.like(e.srv.ctl("user", "identities", "ann").stdout,
           r"ldap\s+[0-9a-f-]{36}", "tied to the entry's entryUUID")
    c2, _ = e.login(t, "bob")
    t.is_(c2.me().json()["hearth"]["role"], "member", "bob: a member")
    c3, _ = e.login(t, "ann")
    t.is_(c3.me().json()["id"], me["id"], "signing in again: the same "
          "account")
    r = e.srv.client().get("/login")
    t.like(r.text, r"Company username", "the form asks for the company "
           "username")


@h.case
def refusals(t, e):
    """Wrong password, unknown person, someone outside the allowed group,
    an injection attempt: all refused alike, with no session."""
    for uid, pw, why in [("bob", "wrong-password", "a wrong password"),
                         ("nobody", "x-Pa55word", "an unknown name"),
                         ("eve", None, "outside hearth-users"),
                         ("*", "x", "a wildcard name"),
                         ("bob)(uid=*", "x", "a filter injection")]:
        c, r = e.login(t, uid, pw, want=401)
        t.like(r.text, r"Wrong username or password\.", "%s: told as for "
               "a wrong password" % why)
        t.ok(c.session() is None, "%s: no session" % why)
    t.unlike(e.srv.ctl("user", "list").stdout, r"(?m)^eve\b",
             "no account was made for eve")


@h.case
def starttls_and_verification(t, e):
    """LDAP with StartTLS works; a directory whose certificate does not
    verify is no directory (503, nobody signs in)."""
    with h.Server(t, name="starttls", **ldap_config(
            e.d, url=e.d.ldap_url, starttls=True)) as srv:
        c = srv.client()
        t.status(c.login("cyd", e.d.password("cyd")), 303, "cyd signs in "
                 "over StartTLS")
    with h.Server(t, name="noca", **ldap_config(
            e.d, **{"auth.ldap.ca_file": "/etc/ssl/certs/ca-certificates."
                    "crt"})) as srv:
        r = srv.client().login("cyd", e.d.password("cyd"))
        t.status(r, 503, "the test CA not trusted: 503")
        t.like(r.text, r"directory cannot be reached", "... saying the "
               "directory cannot be reached")
        t.like(srv.log(), r"the directory did not answer", "... and the "
               "log says why")


@h.case
def sync_deactivates_leavers(t, e):
    """hearthctl ldap sync: someone removed from the allowed group, or
    deleted from the directory, is deactivated (sessions end); titles
    and departments follow the directory."""
    cyd, _ = e.login(t, "cyd")
    dee, _ = e.login(t, "dee")
    zoe, _ = e.login(t, "zoe")
    e.login(t, "bob")
    e.d.remove_member("hearth-users", "dee")
    e.d.modify("zoe", "title", "Head of Design")
    e.d.modify("zoe", "departmentNumber", "Brand")
    r = e.srv.ctl("ldap", "sync", "--dry-run")
    t.is_(r.returncode, 0, "ldap sync --dry-run exits 0")
    t.like(r.stdout, r"1 would be deactivated", "... and counts dee")
    t.status(dee.me(), 200, "a dry run changes nothing")
    r = e.srv.ctl("ldap", "sync")
    t.is_(r.returncode, 0, "ldap sync exits 0")
    t.like(r.stdout, r"1 deactivated", "... deactivating one")
    t.status(dee.me(), 401, "dee's session ended")
    t.status(cyd.me(), 200, "cyd's goes on")
    me = zoe.me().json()
    t.is_(me["hearth"]["job_title"], "Head of Design", "zoe's new title")
    t.is_(me["hearth"]["department"], "Brand", "... and department")
    c, r = e.login(t, "dee", want=401)
    e.d.delete_person("cyd")
    r = e.srv.ctl("ldap", "sync")
    t.like(r.stdout, r"1 deactivated", "deleted from the directory: "
           "deactivated")
    t.status(cyd.me(), 401, "cyd's session ended")
    t.like(e.srv.ctl("user", "list").stdout, r"(?m)^cyd\s+\w+\s+disabled",
           "cyd is listed as disabled")


@h.case
def sync_guard(t, e):
    """A directory that suddenly lists nobody allowed (a wrong group, a
    half-down server) is not believed: nothing changes without --force."""
    with sl.Slapd(t) as d:
        with h.Server(t, name="guard", **ldap_config(d)) as srv:
            env = Env(d, srv)
            sessions = [env.login(t, uid)[0] for uid in
                        ("ann", "bob", "cyd", "dee", "zoe")]
            for uid in ("bob", "cyd", "dee", "zoe"):
                d.remove_member("hearth-users", uid)
            r = srv.ctl("ldap", "sync")
            t.is_(r.returncode, 1, "a sync that would take away 4 of 5 is "
                  "refused")
            t.like(r.stderr, r"Nothing was changed; check with --dry-run, "
                   r"then --force", "... saying what to do")
            t.ok(all(c.me().status == 200 for c in sessions),
                 "everyone stays signed in")
            r = srv.ctl("ldap", "sync", "--force")
            t.is_(r.returncode, 0, "--force does it")
            t.status(sessions[1].me(), 401, "bob is out")
            t.status(sessions[0].me(), 200, "ann stays")


@h.case
def scheduled_sync(t, e):
    """auth.ldap.sync_interval: hearthd syncs on its own (a few seconds
    after the start, then at the interval)."""
    with sl.Slapd(t) as d:
        with h.Server(t, name="scheduled", **ldap_config(
                d, **{"auth.ldap.sync_interval": "2s"})) as srv:
            env = Env(d, srv)
            people = {uid: env.login(t, uid)[0] for uid in
                      ("ann", "bob", "cyd", "dee")}
            d.remove_member("hearth-users", "bob")
            end = time.time() + 20
            while time.time() < end and people["bob"].me().status == 200:
                time.sleep(0.5)
            t.status(people["bob"].me(), 401, "the scheduled sync "
                     "deactivated bob")
            t.like(srv.log(), r"directory sync: \d+ people listed",
                   "the log says what the sync did")
            t.status(people["ann"].me(), 200, "ann stays")


@h.case
def break_glass_admin(t, e):
    """With auth.local = admins_only, a local admin's password still works
    (the directory may be down); a member's local password does not."""
    with h.Server(t, name="glass", **ldap_config(
            e.d, **{"auth.local": "admins_only"})) as srv:
        srv.add_user("root", admin=True)
        srv.add_user("localmember")
        t.status(srv.client().login("root"), 303, "the local admin signs "
                 "in with hearth's password")
        t.status(srv.client().login("localmember"), 401, "a local "
                 "member's hearth password is not accepted")
        t.status(srv.client().login("ann", e.d.password("ann")), 303,
                 "directory people sign in with the directory's")


@h.case
def ldap_test_command(t, e):
    """hearthctl ldap test NAME says what the directory says of NAME."""
    r = e.srv.ctl("ldap", "test", "ann", input=e.d.password("ann") + "\n")
    t.is_(r.returncode, 0, "ldap test exits 0 for the right password")
    t.like(r.stdout, r"department: Engineering", "... showing the entry")
    t.like(r.stdout, r"admin: yes", "... and the admin group")
    r = e.srv.ctl("ldap", "test", "ann", input="wrong\n")
    t.is_(r.returncode, 1, "a wrong password exits 1")
    t.like(r.stderr, r"refused", "... saying refused")


if __name__ == "__main__":
    slapd_ok()
    h.main_cases(fixture)
