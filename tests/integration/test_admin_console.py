"""The admin console: the tabs on every admin page; the people table
sorted and filtered from the query string; destructive actions asked
first (a POST without confirm=yes changes nothing); CSV import checked
line by line (a dry run) then done all at once, on the web and with
hearthctl; a password an admin gave must be replaced before anything
else, on the web and for OAuth; "last active"; members and the signed
out refused on every /admin URL.

Each case can run alone: make check TESTS=tests/integration/test_admin_console.py
CASE=sort_filter (or `python3 .../test_admin_console.py --list`)."""
import contextlib
import csv
import html
import io
import itertools
import re
import sqlite3
import urllib.parse

import bridge as b
import harness as h

URLS = [("GET", "/admin"), ("GET", "/admin/people"),
        ("GET", "/admin/people?sort=department&dir=desc&status=disabled"),
        ("GET", "/admin/people/import"), ("POST", "/admin/people/import"),
        ("GET", "/admin/people/1/disable/confirm"),
        ("GET", "/admin/people/1/reset-password/confirm"),
        ("POST", "/admin/people/1/disable"),
        ("GET", "/admin/modules"), ("GET", "/admin/audit"),
        ("GET", "/admin/audit.csv"), ("GET", "/admin/audit.jsonl")]
_n = itertools.count(1)


def db_exec(srv, sql, args=()):
    db = sqlite3.connect(srv.db)
    try:
        rows = db.execute(sql, args).fetchall()
        db.commit()
        return rows
    finally:
        db.close()


def user_id(srv, name):
    return db_exec(srv, "SELECT id FROM users WHERE username = ?",
                   (name,))[0][0]


def names(text):
    return re.findall(r'<tr class="person-row" data-username="([^"]+)"',
                      text)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True, display_name="Root Admin")
        srv.add_user("alice", display_name="Alice Example")
        yield srv


def admin(t, srv):
    adm = srv.client()
    t.status(adm.login("root"), 303, "root signs in")
    return adm, adm.csrf("/admin/people")


@h.case
def refused(t, srv):
    """Every /admin URL: the signed out are sent to sign in (or 401),
    members get 403."""
    anon = srv.client()
    acsrf = anon.csrf("/login")
    member = srv.client()
    t.status(member.login("alice"), 303, "alice signs in")
    mcsrf = member.csrf("/")
    for method, path in URLS:
        if method == "GET":
            t.status(anon.get(path), 303, "signed out: GET %s" % path)
            t.status(member.get(path), 403, "a member: GET %s" % path)
        else:
            t.status(anon.post(path, {"csrf": acsrf}), 401,
                     "signed out: POST %s" % path)
            t.status(member.post(path, {"csrf": mcsrf, "confirm": "yes",
                                        "csv": "x,X,,,\n",
                                        "step": "import"}), 403,
                     "a member: POST %s" % path)
    t.is_(db_exec(srv, "SELECT count(*) FROM users WHERE username = 'x'"),
          [(0,)], "nobody was created")
    t.is_(db_exec(srv, "SELECT count(*) FROM audit_log WHERE actor_name "
                  "NOT LIKE 'hearthctl (uid %'"), [(0,)],
          "nothing was logged (but hearthctl's own user add)")


@h.case
def tabs(t, srv):
    """The tab bar on each admin page, the current one marked; modules
    lists what is loaded (nothing here)."""
    adm, _ = admin(t, srv)
    for path, current in [("/admin/people", "/admin/people"),
                          ("/admin/people/import", "/admin/people"),
                          ("/admin/reports", "/admin/reports"),
                          ("/admin/modules", "/admin/modules"),
                          ("/admin/audit", "/admin/audit")]:
        r = adm.get(path)
        t.status(r, 200, "%s is 200" % path)
        nav = re.search(r'<nav aria-label="Admin" class="subnav admin-tabs">'
                        r'(.*?)</nav>', r.text, re.S)
        t.ok(nav, "%s has the tab bar" % path)
        if nav:
            t.is_(re.findall(r'href="([^"]+)"', nav.group(1)),
                  ["/admin/people", "/admin/reports", "/admin/modules",
                   "/admin/audit"], "... people, moderation, modules, audit")
            t.like(nav.group(1), r'href="%s" aria-current="page"' % current,
                   "... %s current" % current)
    t.like(adm.get("/admin/modules").text, r"No module is loaded",
           "the modules tab says none is loaded")


@h.case
def sort_filter(t, srv):
    """Sorting by name, department, last active and status, either way;
    filtering by text, department and status; paging keeps them."""
    with fixture(t) as own:
        sort_filter_on(t, own)


def sort_filter_on(t, srv):
    for name, dep, seen in [("alice", "", 1001), ("bob", "Sales", 1002),
                            ("carol", "Engineering", 1005),
                            ("dave", "Sales", 1004), ("erin", "", None)]:
        if name != "alice":
            srv.add_user(name, display_name=name.capitalize())
        db_exec(srv, "UPDATE users SET department = ?, last_active_at = ? "
                "WHERE username = ?", (dep, seen, name))
    srv.ctl("user", "disable", "dave")
    adm, _ = admin(t, srv)
    r = adm.get("/admin/people?sort=name&dir=asc")
    t.is_(names(r.text), ["alice", "bob", "carol", "dave", "erin", "root"],
          "by name (display name), ascending")
    t.like(r.text, r'<th scope="col" aria-sort="ascending"><a href="/admin/'
           r'people\?sort=name&amp;dir=desc"', "... marked, the link "
           "turns it around")
    r = adm.get("/admin/people?sort=name&dir=desc")
    t.is_(names(r.text), ["root", "erin", "dave", "carol", "bob", "alice"],
          "by name, descending")
    r = adm.get("/admin/people?sort=department&dir=asc")
    t.is_(names(r.text)[:3], ["carol", "bob", "dave"],
          "by department: Engineering, then Sales (empty last)")
    r = adm.get("/admin/people?sort=last_active&dir=desc")
    t.is_(names(r.text), ["root", "carol", "dave", "bob", "alice", "erin"],
          "by last active, most recent first (root just signed in), "
          "never last")
    t.like(r.text, r'aria-sort="descending"><a href="/admin/people\?sort='
           r'last_active&amp;dir=asc"', "... marked descending")
    r = adm.get("/admin/people?sort=last_active&dir=asc")
    t.is_(names(r.text)[0], "erin", "... and the other way")
    r = adm.get("/admin/people?sort=status&dir=desc")
    t.is_(names(r.text)[0], "dave", "by status, descending: disabled "
          "first")
    r = adm.get("/admin/people?department=Sales")
    t.is_(sorted(names(r.text)), ["bob", "dave"], "filter by department")
    t.like(r.text, r'<option value="Sales" selected>', "... which stays "
           "chosen")
    r = adm.get("/admin/people?status=disabled")
    t.is_(names(r.text), ["dave"], "filter by status: disabled")
    r = adm.get("/admin/people?status=admin")
    t.is_(names(r.text), ["root"], "filter by status: admins")
    r = adm.get("/admin/people?q=engin")
    t.is_(names(r.text), ["carol"], "the text finds a department too")
    r = adm.get("/admin/people?department=Sales&status=active&q=b")
    t.is_(names(r.text), ["bob"], "filters combine")
    t.like(r.text, r'href="/admin/people\?q=b&amp;department=Sales&amp;'
           r'status=active&amp;sort=name&amp;dir=desc"', "sort links keep "
           "the filters")
    r = adm.get("/admin/people?sort=bogus&dir=sideways&status=nope")
    t.status(r, 200, "unknown sort and status fall back")
    t.is_(len(names(r.text)), 6, "... to everyone")
    for i in range(30):
        srv.add_user("zz%02d" % i)
    r = adm.get("/admin/people?status=active&sort=name&dir=desc")
    t.is_(len(names(r.text)), 25, "25 a page")
    t.like(r.text, r'href="/admin/people\?status=active&amp;sort=name&amp;'
           r'dir=desc&amp;page=2">Next page', "the next page keeps sort "
           "and filters")


@h.case
def confirmations(t, srv):
    """Disable, reset password and remove admin ask first: a POST without
    confirm=yes, and the GET question page, change nothing."""
    adm, csrf = admin(t, srv)
    aid = user_id(srv, "alice")
    alice = srv.client()
    t.status(alice.login("alice"), 303, "alice signs in")
    r = adm.get("/admin/people/%d/disable/confirm" % aid)
    t.status(r, 200, "the question page is 200")
    t.like(r.text, r"Disable alice\?", "... asks about alice")
    t.like(r.text, r'<form method="post" action="/admin/people/%d/disable"'
           % aid, "... with the form that does it")
    t.like(r.text, r'name="confirm" value="yes"', "... carrying "
           "confirm=yes")
    t.like(r.text, r'href="/admin/people">Cancel', "... and a way back")
    r = adm.post("/admin/people/%d/disable" % aid, {"csrf": csrf})
    t.status(r, 200, "a POST without confirm=yes shows the question")
    t.like(r.text, r"Are you sure\?", "... only")
    t.status(alice.get("/"), 200, "alice is still signed in")
    r = adm.post("/admin/people/%d/reset-password" % aid, {"csrf": csrf})
    t.like(r.text, r"Reset the password of alice\?", "reset asks first")
    t.status(srv.client().login("alice"), 303, "... her password still "
             "works")
    adm.post("/admin/people/%d/make-admin" % aid, {"csrf": csrf})
    r = adm.post("/admin/people/%d/remove-admin" % aid, {"csrf": csrf})
    t.like(r.text, r"Remove the admin role from alice\?",
           "remove admin asks first")
    t.status(alice.get("/admin/people"), 200, "... she is still an admin")
    t.status(adm.get("/admin/people/%d/make-admin/confirm" % aid), 404,
             "make admin is not destructive: no question")
    r = adm.post("/admin/people/%d/disable" % aid, {"csrf": csrf,
                                                     "confirm": "yes"})
    t.status(r, 303, "with confirm=yes alice is disabled")
    t.status(alice.get("/"), 303, "... and signed out")
    t.like(adm.get("/admin/people").text, r'data-confirm="Disable root|'
           r'data-confirm="Remove the admin role', "the list's forms carry "
           "their question for the dialog")


GOOD = ("username,display_name,email,department,title,admin\r\n"
        "frank,Frank Ocean,frank@example.com,Sales,Rep,no\r\n"
        "\"gina\",\"Gina, the Great\",gina@example.com,Engineering,"
        "\"Lead \"\"Dev\"\"\",yes\r\n")
BAD = ("username,display_name,email,department,title\n"
       "ok_one,Ok,,,\n"
       "bad name,Bad,,,\n"
       "alice,Taken,,,\n"
       "zed,Zed,not-an-email,,\n"
       "too,few\n"
       "ok_one,Again,,,\n"
       "adm,Adm,,,,maybe\n")


@h.case
def csv_import(t, srv):
    """The web import: errors name line and field and create nobody; a
    good file is checked, then imported at once with passwords shown
    once, each to be changed."""
    adm, csrf = admin(t, srv)
    r = adm.post("/admin/people/import", {"csrf": csrf, "csv": BAD})
    t.status(r, 422, "a file with errors is 422")
    for line, field, why in [(3, "username", "may contain only"),
                             (4, "username", "already taken"),
                             (5, "email", "Not an email"),
                             (6, "email", "Expected 5 or 6 fields"),
                             (7, "username", "earlier line"),
                             (8, "admin", "yes or no")]:
        t.like(r.text, r"Line %d, %s: [^<]*%s" % (line, field, why),
               "line %d: %s" % (line, field))
    t.unlike(r.text, r"Line 2,", "line 2 is fine")
    t.unlike(r.text, r'name="step" value="import"', "no import button")
    r = adm.post("/admin/people/import", {"csrf": csrf, "csv": BAD,
                                          "step": "import"})
    t.status(r, 422, "importing it anyway is refused")
    t.is_(db_exec(srv, "SELECT count(*) FROM users WHERE username = "
                  "'ok_one'"), [(0,)], "... nobody was created")
    r = adm.post("/admin/people/import", {"csrf": csrf, "csv": GOOD})
    t.status(r, 200, "a good file is checked")
    t.like(r.text, r"2 lines checked, 0 in error", "... 2 lines, no error")
    t.like(r.text, r"Gina, the Great", "... quoted fields read")
    t.is_(db_exec(srv, "SELECT count(*) FROM users WHERE username IN "
                  "('frank', 'gina')"), [(0,)], "... a dry run: nobody yet")
    t.like(r.text, r'name="step" value="import"', "... an import button")
    carried = html.unescape(re.search(r'<textarea name="csv"[^>]*>(.*?)'
                                      r'</textarea>', r.text, re.S).group(1))
    r = adm.post("/admin/people/import", {"csrf": csrf, "csv": carried,
                                          "step": "import"})
    t.status(r, 200, "the import is done")
    t.like(r.text, r"2 people created", "... it says so")
    pws = dict(re.findall(r'<tr><td>(\w+)</td>\s*<td><div class="copy-field'
                          r'">\s*<input id="pw-\d+" type="text" readonly '
                          r'value="([^"]+)"', r.text))
    t.is_(sorted(pws), ["frank", "gina"], "a password each, shown")
    t.like(r.text, r'data-copy="pw-1"', "... with copy buttons")
    t.like(r.text, r'data-download="made-csv"', "... and a download")
    got = list(csv.reader(io.StringIO(html.unescape(re.search(
        r'<textarea id="made-csv"[^>]*>(.*?)</textarea>', r.text,
        re.S).group(1)))))
    t.is_(got[0], ["username", "password"], "the CSV has a header")
    t.is_(dict(got[1:]), pws, "... and the same passwords")
    t.is_(db_exec(srv, "SELECT username, display_name, email, department, "
                  "job_title, role, must_change_password FROM users WHERE "
                  "username IN ('frank', 'gina') ORDER BY username"),
          [("frank", "Frank Ocean", "frank@example.com", "Sales", "Rep", 0,
            1), ("gina", "Gina, the Great", "gina@example.com",
                 "Engineering", 'Lead "Dev"', 1, 1)],
          "both stored, every field, each to change their password")
    t.is_(db_exec(srv, "SELECT action, target_name, actor_name FROM "
                  "audit_log WHERE action = 'user.import' ORDER BY id"),
          [("user.import", "frank", "root"), ("user.import", "gina",
                                              "root")],
          "one audit row each")
    gina = srv.client()
    t.status(gina.login("gina", pws["gina"]), 303, "gina signs in")
    t.is_(gina.get("/").header("Location"), "/settings/password",
          "... and must change her password first")
    r = adm.post("/admin/people/import", {"csrf": csrf, "csv": carried,
                                          "step": "import"})
    t.status(r, 422, "importing the same file again is refused")
    t.like(r.text, r"Line 2, username: This username is already taken",
           "... naming the line")
    big = "username,display_name,email,department,title\n" + "".join(
        "u%d,U,,,\n" % i for i in range(201))
    r = adm.post("/admin/people/import", {"csrf": csrf, "csv": big})
    t.status(r, 422, "more than 200 people at once is refused")


@h.case
def ctl_import(t, srv):
    """hearthctl user import: --dry-run writes nothing, errors name file,
    line and field, the real one prints the passwords as CSV."""
    with fixture(t) as own:
        ctl_import_on(t, own)


def ctl_import_on(t, srv):
    path = t.tmpdir() + "/people.csv"
    with open(path, "w") as f:
        f.write(BAD)
    p = srv.ctl("user", "import", path)
    t.is_(p.returncode, 1, "a bad file fails")
    t.like(p.stderr, r"people\.csv:5: email: Not an email", "... naming "
           "file, line and field")
    with open(path, "w") as f:
        f.write(GOOD)
    p = srv.ctl("user", "import", path, "--dry-run")
    t.is_(p.returncode, 0, "--dry-run")
    t.like(p.stdout, r"2 people would be created", "... says what it would "
           "do")
    t.is_(db_exec(srv, "SELECT count(*) FROM users WHERE username = "
                  "'frank'"), [(0,)], "... and did nothing")
    p = srv.ctl("user", "import", path)
    t.is_(p.returncode, 0, "the import")
    got = list(csv.reader(io.StringIO(p.stdout)))
    t.is_([r[0] for r in got], ["username", "frank", "gina"],
          "... prints everyone's password as CSV")
    frank = srv.client()
    t.status(frank.login("frank", got[1][1]), 303, "frank signs in with it")
    t.is_(db_exec(srv, "SELECT count(*) FROM audit_log WHERE action = "
                  "'user.import' AND actor_name LIKE 'hearthctl (uid %'"),
          [(2,)], "two audit rows, by hearthctl")


@h.case
def must_change_web(t, srv):
    """An admin's generated password and a reset: after signing in the
    person reaches only the password form until they choose their own."""
    adm, csrf = admin(t, srv)
    name = "hank%d" % next(_n)
    r = adm.post("/admin/people", {"csrf": csrf, "username": name})
    pw = re.search(r'id="shown-password" type="text" readonly value="'
                   r'([^"]+)"', r.text).group(1)
    t.like(r.text, r'data-copy="shown-password"', "a copy button beside "
           "the password")
    hank = srv.client()
    t.status(hank.login(name, pw), 303, "hank signs in")
    for path in ("/", "/settings/profile", "/@alice", "/directory",
                 "/settings/tokens"):
        r = hank.get(path)
        t.status(r, 303, "GET %s is sent away" % path)
        t.is_(r.header("Location"), "/settings/password" + (
              "?next=" + urllib.parse.quote(path, safe="") if path != "/"
              else ""), "... to the password form, with where it was "
              "going")
    r = hank.get("/settings/password")
    t.status(r, 200, "the password form opens")
    t.like(r.text, r'id="must-change"', "... saying why")
    hcsrf = hank.csrf("/settings/password")
    r = hank.post("/compose", {"csrf": hcsrf, "status": "hi"})
    t.status(r, 403, "posting is refused")
    r = hank.post("/settings/password", {"csrf": hcsrf, "current": pw,
                                         "password": h.PASSWORD,
                                         "confirm": h.PASSWORD})
    t.status(r, 303, "hank chooses his own")
    t.is_(r.header("Location"), "/", "... and goes home")
    t.status(hank.get("/"), 200, "home opens now")
    t.is_(db_exec(srv, "SELECT must_change_password FROM users WHERE "
                  "username = ?", (name,)), [(0,)], "the flag is cleared")
    adm.post("/admin/people/%d/reset-password" % user_id(srv, name),
             {"csrf": csrf, "confirm": "yes"})
    t.is_(db_exec(srv, "SELECT must_change_password FROM users WHERE "
                  "username = ?", (name,)), [(1,)], "a reset sets it again")
    r = adm.post("/admin/people", {"csrf": csrf, "username": name + "x",
                                   "password": "a typed password 1"})
    t.is_(db_exec(srv, "SELECT must_change_password FROM users WHERE "
                  "username = ?", (name + "x",)), [(0,)],
          "a password the admin typed for a new person is not flagged")


@h.case
def must_change_oauth(t, srv):
    """OAuth authorization waits until the person chose their password:
    the consent page sends them to the form, the decision is 403."""
    adm, csrf = admin(t, srv)
    name = "ivy%d" % next(_n)
    r = adm.post("/admin/people", {"csrf": csrf, "username": name})
    pw = re.search(r'id="shown-password" type="text" readonly value="'
                   r'([^"]+)"', r.text).group(1)
    c = srv.client()
    app = c.post("/api/v1/apps", {"client_name": "App", "redirect_uris":
                                  "urn:ietf:wg:oauth:2.0:oob",
                                  "scopes": "read"}).json()
    url = "/oauth/authorize?" + urllib.parse.urlencode(
        {"response_type": "code", "client_id": app["client_id"],
         "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "scope": "read"})
    r = c.login(name, pw, next=url)
    t.status(r, 303, "ivy signs in on the way to authorize an app")
    r = c.get(url)
    t.status(r, 303, "the consent page is not shown")
    t.like(r.header("Location") or "", r"^/settings/password\?next=",
           "... she is sent to choose her password")
    form = c.get(r.header("Location")).text
    t.like(form, r'<input type="hidden" name="next" value="/oauth/'
           r'authorize\?', "... the form remembers the consent page")
    r = c.post("/oauth/authorize", {"csrf": c.csrf("/settings/password"),
                                    "client_id": app["client_id"],
                                    "redirect_uri":
                                    "urn:ietf:wg:oauth:2.0:oob",
                                    "scope": "read", "response_type": "code",
                                    "decision": "authorize"})
    t.status(r, 403, "authorizing is refused")
    t.is_(db_exec(srv, "SELECT count(*) FROM oauth_codes"), [(0,)],
          "... no code was made")
    r = c.post("/settings/password", {"csrf": c.csrf("/settings/password"),
                                      "current": pw, "password": h.PASSWORD,
                                      "confirm": h.PASSWORD, "next": url})
    t.is_(r.header("Location"), url, "once changed, back to the consent "
          "page")
    t.status(c.get(url), 200, "... which opens now")


@h.case
def last_active(t, srv):
    """Signing in sets last active; the table shows it, never for someone
    who never came."""
    with fixture(t) as own:
        last_active_on(t, own)


def last_active_on(t, srv):
    alice = srv.client()
    t.status(alice.login("alice"), 303, "alice signs in")
    t.ok(db_exec(srv, "SELECT last_active_at FROM users WHERE username = "
                 "'alice'")[0][0], "her last active time is set")
    srv.add_user("nobody_yet")
    adm, _ = admin(t, srv)
    r = adm.get("/admin/people?q=nobody_yet")
    t.like(r.text, r">Never<", "someone who never signed in: Never")
    r = adm.get("/admin/people?q=alice")
    t.like(r.text, r'<td><time datetime="\d{4}-', "alice: a time")


@h.case
def bridge_tab(t, srv):
    """With the bridge loaded it is a tab (admin_tab), current on its own
    pages, which show the console's tab bar too."""
    with b.Bridge(t) as own:
        own.add_user("root", admin=True)
        c = own.client()
        t.status(c.login("root"), 303, "root signs in")
        for path, current in [("/admin/people", "/admin/people"),
                              ("/bridge/domains", "/bridge/desk"),
                              ("/bridge/desk", "/bridge/desk")]:
            r = c.get(path)
            t.status(r, 200, "%s is 200" % path)
            nav = re.search(r'<nav aria-label="Admin" class="subnav '
                            r'admin-tabs">(.*?)</nav>', r.text, re.S)
            t.ok(nav, "%s has the tab bar" % path)
            if nav:
                t.is_(re.findall(r'href="([^"]+)"', nav.group(1)),
                      ["/admin/people", "/admin/reports", "/bridge/desk",
                       "/admin/modules", "/admin/audit"],
                      "... with the bridge's tab")
                t.like(nav.group(1), r'href="%s" aria-current="page"'
                       % current, "... %s current" % current)
        t.like(c.get("/admin/modules").text, r"<td>bridge</td>",
               "Modules lists the bridge")


if __name__ == "__main__":
    h.main_cases(fixture)
