"""The admin pages: every /admin route refused to members and to the
signed out; list, search and paging; creating a person (generated or set
password); disable, enable, reset password, make admin and remove admin;
CSRF; nobody disables or demotes themselves, the last admin stays.
Destructive actions (disable, reset password, remove admin) take
confirm=yes (test_admin_console.py covers the question itself).

Each case can run alone: make check TESTS=tests/integration/test_web_admin.py
CASE=disable_enable (or `python3 .../test_web_admin.py --list`)."""
import contextlib
import itertools
import re
import sqlite3

import harness as h

ROUTES = [("GET", "/admin"), ("GET", "/admin/people"),
          ("GET", "/admin/people?q=a&page=2"), ("POST", "/admin/people"),
          ("POST", "/admin/people/1/disable"),
          ("POST", "/admin/people/1/enable"),
          ("POST", "/admin/people/1/reset-password"),
          ("POST", "/admin/people/1/make-admin"),
          ("POST", "/admin/people/1/remove-admin")]
_n = itertools.count(1)


def person_id(text, name):
    m = re.search(r'href="/@%s">.*?action="/admin/people/(\d+)/' % name,
                  text, re.S)
    return m.group(1) if m else None


def shown_password(text):
    m = re.search(r'id="shown-password" type="text" readonly value="'
                  r'([^"]+)"', text)
    return m.group(1) if m else None


def user_id(srv, name):
    db = sqlite3.connect(srv.db)
    try:
        return db.execute("SELECT id FROM users WHERE username = ?",
                          (name,)).fetchone()[0]
    finally:
        db.close()


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True, display_name="Root Admin")
        srv.add_user("alice", display_name="Alice Example")
        yield srv


def admin(t, srv):
    """Root signed in on a browser of the case's own: (browser, csrf)."""
    adm = srv.client()
    t.status(adm.login("root"), 303, "root (an admin) signs in")
    return adm, adm.csrf("/admin/people")


def fresh(t, srv, base, is_admin=False):
    """A person of the case's own, signed in: (username, browser, id)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name, admin=is_admin)
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, c, user_id(srv, name)


@h.case
def members_and_signed_out_refused(t, srv):
    """Every /admin route refuses the signed out and members, and changes
    nothing."""
    anon = srv.client()
    anon_csrf = anon.csrf("/login")
    member = srv.client()
    t.status(member.login("alice"), 303, "alice (a member) signs in")
    mcsrf = member.csrf("/")
    for method, path in ROUTES:
        if method == "GET":
            r = anon.get(path)
            t.status(r, 303, "signed out: GET %s redirects" % path)
            t.like(r.header("Location") or "", r"^/login\?next=",
                   "... to sign in")
            r = member.get(path)
            t.status(r, 403, "a member: GET %s is 403" % path)
        else:
            r = anon.post(path, {"csrf": anon_csrf,
                                 "username": "mallory"})
            t.status(r, 401, "signed out: POST %s is 401" % path)
            r = member.post(path, {"csrf": mcsrf, "username": "mallory"})
            t.status(r, 403, "a member: POST %s is 403" % path)
    t.like(member.get("/admin/people").text, r"for administrators",
           "the 403 page says why")
    t.unlike(member.get("/").text, r'href="/admin/people"',
             "no Admin link for a member")
    t.status(srv.client().login("mallory", "whatever pw 1"), 401,
             "nobody was created by the refused requests")
    t.status(member.get("/"), 200, "alice is still signed in")


@h.case
def bearer_refused(t, srv):
    """An admin's bearer token is refused too: these are browser pages."""
    bearer = srv.client(headers={"Authorization": "Bearer " +
                                 srv.token("root")})
    for method, path in ROUTES:
        r = bearer.request(method, path, form={"username": "mallory"}
                           if method == "POST" else None)
        t.status(r, 403, "an admin's bearer token: %s %s is 403"
                 % (method, path))


@h.case
def people_list(t, srv):
    """The people list: the Admin link, paging, search (by name, display
    name, wildcards literal) and the admin marked as themselves."""
    # A server of its own: the page counts need exactly 32 people.
    with h.Server(t) as own:
        own.add_user("root", admin=True, display_name="Root Admin")
        own.add_user("alice", display_name="Alice Example")
        for i in range(30):
            own.add_user("user%02d" % i)
        adm, _ = admin(t, own)
        r = adm.get("/")
        t.like(r.text, r'<a href="/admin/people"><span class="icon [^"]*" aria-hidden="true"></span>'
               r'<span>Admin</span></a>', "an admin sees the Admin link")
        r = adm.get("/admin")
        t.status(r, 303, "/admin redirects")
        t.is_(r.header("Location"), "/admin/people", "... to people")
        r = adm.get("/admin/people")
        t.status(r, 200, "the people page is 200")
        t.like(r.text, r'href="/admin/people" aria-current="page"',
               "Admin is current in the navigation")
        t.is_(len(re.findall(r'class="person-row"', r.text)), 25,
              "25 people on the first page")
        t.like(r.text, r'<a href="/admin/people\?sort=name&amp;dir=asc&amp;'
               r'page=2">Next page</a>', "a link to the next page")
        r = adm.get("/admin/people?page=2")
        t.is_(len(re.findall(r'class="person-row"', r.text)), 7,
              "the rest on the second")
        t.like(r.text, r'href="/admin/people\?sort=name&amp;dir=asc&amp;'
               r'page=1">Previous page', "... with a link back")
        r = adm.get("/admin/people?q=alice")
        t.is_(len(re.findall(r'class="person-row"', r.text)), 1,
              "searching 'alice' finds one")
        t.like(r.text, r'value="alice"', "... the search stays in its box")
        r = adm.get("/admin/people?q=Example")
        t.like(r.text, r"@alice", "search by display name")
        r = adm.get("/admin/people?q=user_")
        t.like(r.text, r"Nobody matches", "LIKE wildcards are literal; an "
               "empty state")
        r = adm.get("/admin/people?q=root")
        t.like(r.text, r'<span class="badge">You</span>', "the admin is "
               "marked as themselves")
        t.unlike(r.text, r'/disable"|/remove-admin"', "... with no button "
                 "to disable or demote themselves")


@h.case
def create_errors(t, srv):
    """A bad create names each field's error and keeps what was typed; a
    taken username and a missing CSRF token are refused."""
    adm, csrf = admin(t, srv)
    r = adm.post("/admin/people", {"csrf": csrf, "username": "bad name!",
                                   "display_name": "Dora",
                                   "email": "not-an-email",
                                   "password": "short"})
    t.status(r, 422, "a bad create is 422")
    t.like(r.text, r'id="new-username-error">The username may contain',
           "the username's error")
    t.like(r.text, r'id="new-email-error">Enter an email',
           "the email's error")
    t.like(r.text, r'id="new-password-error">The password must be',
           "the password's error")
    t.like(r.text, r'value="bad name!"', "the username typed is kept")
    t.like(r.text, r'value="Dora"', "the display name typed is kept")
    t.unlike(r.text, r'value="short"', "the password is not shown again")
    r = adm.post("/admin/people", {"csrf": csrf, "username": "ALICE"})
    t.status(r, 422, "a username taken (any case) is refused")
    t.like(r.text, r"already taken", "... and says so")
    name = "dora%d" % next(_n)
    r = adm.post("/admin/people", {"username": name})
    t.status(r, 403, "create without CSRF is 403")
    t.status(srv.client().login(name, "whatever pw 1"), 401,
             "... and nobody was created")


@h.case
def create_generated_password(t, srv):
    """Creating a person with a generated password, shown once."""
    adm, csrf = admin(t, srv)
    name = "dora%d" % next(_n)
    r = adm.post("/admin/people", {"csrf": csrf, "username": name,
                                   "display_name": "Dora Explorer",
                                   "email": "%s@example.com" % name})
    t.status(r, 200, "dora is created")
    t.like(r.text, r"%s was created" % name, "... the page says so")
    pw = shown_password(r.text)
    t.ok(pw and len(pw) >= 10, "a generated password is shown")
    t.unlike(adm.get("/admin/people").text, re.escape(pw or "x"),
             "... only once")
    dora = srv.client()
    t.status(dora.login(name, pw), 303, "dora signs in with it")
    t.like(dora.get("/@" + name).header("Location") or "",
           r"^/settings/password\?next=", "... and must choose her own "
           "password first")
    r = dora.post("/settings/password", {"csrf": dora.csrf(
        "/settings/password"), "current": pw, "password": h.PASSWORD,
        "confirm": h.PASSWORD})
    t.status(r, 303, "she chooses her own")
    t.like(dora.get("/@" + name).text, r"Dora Explorer", "her name is set")
    t.unlike(dora.get("/").text, r'href="/admin/people"',
             "she is no admin")
    db = sqlite3.connect(srv.db)
    t.is_(db.execute("SELECT email FROM users WHERE username = ?",
                     (name,)).fetchone()[0],
          "%s@example.com" % name, "her email is stored")
    db.close()


@h.case
def create_admin_set_password(t, srv):
    """Creating an admin with a set password, which is not shown."""
    adm, csrf = admin(t, srv)
    name = "erin%d" % next(_n)
    r = adm.post("/admin/people", {"csrf": csrf, "username": name,
                                   "password": "erin's own password",
                                   "admin": "1"})
    t.status(r, 200, "erin is created as an admin")
    t.is_(shown_password(r.text), None, "a set password is not shown")
    erin = srv.client()
    t.status(erin.login(name, "erin's own password"), 303,
             "erin signs in")
    t.status(erin.get("/admin/people"), 200, "erin may use admin pages")


@h.case
def disable_enable(t, srv):
    """Disable (with CSRF) signs a person out and keeps them out; enable
    lets them back in."""
    adm, csrf = admin(t, srv)
    name, dora, _ = fresh(t, srv, "dora")
    did = person_id(adm.get("/admin/people?q=" + name).text, name)
    t.ok(did, "dora's row has actions")
    r = adm.post("/admin/people/%s/disable" % did, {})
    t.status(r, 403, "disable without CSRF is 403")
    t.status(dora.get("/"), 200, "... dora is still in")
    r = adm.post("/admin/people/%s/disable" % did, {"csrf": csrf,
                 "confirm": "yes"})
    t.status(r, 303, "dora is disabled")
    r = adm.get(r.header("Location"))
    t.like(r.text, r"%s was disabled and signed out" % name,
           "... it says so")
    t.status(dora.get("/"), 303, "dora's session ended")
    t.status(srv.client().login(name), 401, "she cannot sign in")
    t.like(adm.get("/admin/people?q=" + name).text, r"Disabled",
           "she is marked disabled")
    r = adm.post("/admin/people/%s/enable" % did, {"csrf": csrf})
    t.status(r, 303, "dora is enabled")
    t.like(adm.get(r.header("Location")).text, r"%s was enabled" % name,
           "... it says so")
    t.status(dora.login(name), 303, "she signs in again")


@h.case
def reset_password(t, srv):
    """A reset shows a new password and ends the person's sessions."""
    adm, csrf = admin(t, srv)
    name, dora, did = fresh(t, srv, "dora")
    r = adm.post("/admin/people/%s/reset-password" % did,
                 {"csrf": csrf, "confirm": "yes"})
    t.status(r, 200, "dora's password is reset")
    npw = shown_password(r.text)
    t.ok(npw and npw != h.PASSWORD, "a new password is shown")
    t.like(r.text, r"signed out everywhere", "... and it says her "
           "sessions ended")
    t.status(dora.get("/"), 303, "dora's session ended")
    t.status(srv.client().login(name), 401, "the old password "
             "fails")
    t.status(dora.login(name, npw), 303, "the new one works")


@h.case
def make_remove_admin(t, srv):
    """Make admin opens the admin pages to a person; remove admin closes
    them."""
    adm, csrf = admin(t, srv)
    name, dora, did = fresh(t, srv, "dora")
    t.status(dora.get("/admin/people"), 403, "dora, a member, is refused")
    r = adm.post("/admin/people/%s/make-admin" % did, {"csrf": csrf})
    t.status(r, 303, "dora is made an admin")
    t.like(adm.get(r.header("Location")).text, r"%s is now an admin" % name,
           "... it says so")
    t.status(dora.get("/admin/people"), 200, "dora may use admin pages")
    r = adm.post("/admin/people/%s/remove-admin" % did, {"csrf": csrf,
                 "confirm": "yes"})
    t.status(r, 303, "dora is no longer an admin")
    t.status(dora.get("/admin/people"), 403, "... and is refused")


@h.case
def self_protection(t, srv):
    """Nobody disables or demotes themselves; a demoted admin can do no
    more; unknown people and actions are 404, GET on an action 405."""
    adm, csrf = admin(t, srv)
    _, erin, eid = fresh(t, srv, "erin", is_admin=True)
    _, _, did = fresh(t, srv, "dora")
    rid = user_id(srv, "root")
    r = adm.post("/admin/people/%d/remove-admin" % rid, {"csrf": csrf,
                 "confirm": "yes"})
    t.status(r, 403, "an admin cannot demote themselves")
    t.like(r.text, r"cannot remove your own admin role", "... and is "
           "told why")
    r = adm.post("/admin/people/%d/disable" % rid, {"csrf": csrf,
                 "confirm": "yes"})
    t.status(r, 403, "an admin cannot disable themselves")
    t.like(r.text, r"cannot disable your own account", "... and is told "
           "why")
    t.status(adm.get("/admin/people"), 200, "root is still an admin")
    r = adm.post("/admin/people/%d/remove-admin" % eid, {"csrf": csrf,
                 "confirm": "yes"})
    t.status(r, 303, "root removes erin's admin role")
    ecsrf = erin.csrf("/")
    r = erin.post("/admin/people/%d/disable" % rid, {"csrf": ecsrf,
                                                      "confirm": "yes"})
    t.status(r, 403, "erin, no longer admin, cannot disable root")
    r = adm.post("/admin/people/999999/disable", {"csrf": csrf})
    t.status(r, 404, "an unknown person is 404")
    r = adm.post("/admin/people/%s/explode" % did, {"csrf": csrf})
    t.status(r, 404, "an unknown action is 404")
    r = adm.get("/admin/people/%s/disable" % did)
    t.status(r, 405, "GET on an action is 405")
    t.like(r.text, r"That action is not available here",
           "... a helpful 405 page")
    t.like(r.header("Allow") or "", r"POST", "... with Allow")


if __name__ == "__main__":
    h.main_cases(fixture)
