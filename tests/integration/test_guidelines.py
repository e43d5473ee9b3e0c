"""The guidelines module: publishing (with a preview, with or without
acknowledgement), the write gate on every write route of the core and of
other modules (web and API), acknowledging, the append-only ledger, admin
counts with names, the CSV export's escaping, reminders and the grace
period.

The guidelines' versions are the whole server's, so each case starts a
server of its own and publishes (and acknowledges) what it needs; each can
run alone: make check TESTS=tests/integration/test_guidelines.py
CASE=write_gate (or `python3 .../test_guidelines.py --list`)."""
import contextlib
import os
import re
import shutil
import sqlite3
import struct
import time
import uuid
import zlib

import harness as h

BUILD = os.environ.get("HEARTH_BUILDDIR", ".")
SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(__file__),
                                                   "..", ".."))
UNSAFE = {"M_POST": "POST", "M_PUT": "PUT", "M_DELETE": "DELETE",
          "M_PATCH": "PATCH", "HM_POST": "POST", "HM_PUT": "PUT",
          "HM_DELETE": "DELETE", "HM_PATCH": "PATCH"}
ROUTE_RE = re.compile(r'\{\s*((?:H?M_\w+\s*\|?\s*)+),\s*"([^"]+)",\s*'
                      r'([^,]+),')
# The composers: ungated routes that check the gate themselves, to keep a
# post sent while gated as a draft (web/pages/compose-gate.c).
KEEPS_DRAFT = ("/compose", "/groups/:id/post")
# The reminder job runs every second and reminds at once, so that a
# reminder can be seen without waiting days.
CONFIG = {"guidelines.reminder_days": "0",
          "guidelines.reminder_interval": "1"}
# Everyone in the company: (username, admin, display name). The display
# names starting with =, +, - and @ are for the CSV export's escaping.
PEOPLE = [("boss", True, "The Boss"), ("emp", False, "Em Ployee"),
          ("emp2", False, None),
          ("evil", False, "=HYPERLINK(\"http://x\",\"y\")"),
          ("plus", False, "+1 caller"), ("minus", False, "-2"),
          ("at", False, "@SUM(1)")]
V1 = "# Be kind\n\nLine one.\nLine two.\n"
V2 = "# Be kind\n\nLine one.\nLine **2**.\nLine three.\n"


def module_dir(t):
    d = os.path.join(t.safe_tmpdir(), "modules")
    os.mkdir(d)
    os.chmod(d, 0o755)
    for name, built in (("guidelines", os.path.join(
            BUILD, "modules", "guidelines", "guidelines.so")),
                        ("example", os.path.join(BUILD, "tests", "modules",
                                                 "example.so"))):
        shutil.copy(built, os.path.join(d, name + ".so"))
        os.chmod(os.path.join(d, name + ".so"), 0o644)
    shutil.copytree(os.path.join(SRC, "modules", "guidelines", "templates"),
                    os.path.join(d, "guidelines", "templates"))
    shutil.copytree(os.path.join(SRC, "tests", "modules", "example",
                                 "templates"),
                    os.path.join(d, "example", "templates"))
    return d


def write_routes():
    """Every unsafe route of the core's tables and the modules' tables:
    (method, pattern, flags)."""
    out = []
    for path in ("web/pages/routes.c", "core/api/routes.c",
                 "modules/guidelines/guidelines.c",
                 "tests/modules/example/example.c"):
        with open(os.path.join(SRC, path)) as f:
            text = f.read()
        for m in ROUTE_RE.finditer(text):
            methods = [x.strip() for x in m.group(1).split("|")]
            for meth in methods:
                if meth in UNSAFE:
                    out.append((UNSAFE[meth], m.group(2), m.group(3)))
    return out


def concrete(pattern):
    """A path that matches a route pattern."""
    path = re.sub(r"@:\w+", "@boss", pattern)
    return re.sub(r":\w+", "1", path)


def session(srv, name):
    c = srv.client()
    c.login(name)
    c.tok = c.csrf("/")
    return c


def bearer(srv, name):
    return srv.client(headers={"Authorization": "Bearer " + srv.token(name)})


def gate(t, srv, emp, emp_api, boss, boss_api):
    """Every write route refuses emp (and boss on admin routes) with a
    reason naming the guidelines and a link, on the web and the API."""
    routes = write_routes()
    t.ok(len(routes) > 30, "found the write routes (%d)" % len(routes))
    seen = set()
    ungated = []
    for method, pattern, flags in routes:
        if (method, pattern) in seen:
            continue
        seen.add((method, pattern))
        path = concrete(pattern)
        if pattern in KEEPS_DRAFT:
            # The composers check the gate themselves: the post is kept
            # as a draft, nothing is posted, and the way out is given.
            c = emp
            r = c.request(method, path, form={"csrf": c.tok,
                                              "status": "kept " + path})
            t.status(r, 303, "%s %s: kept while gated" % (method, pattern))
            t.like(r.header("Location") or "",
                   r"^/guidelines\?next=%2F[^&]*&kept=1$",
                   "... off to the guidelines, and back afterwards")
            continue
        if "UNGATED" in flags:
            ungated.append(pattern)
            continue
        admin = "ADMIN" in flags
        if path.startswith("/api/") or "NOCSRF" in flags:
            c = boss_api if admin else emp_api
            r = c.request(method, path, form={})
        else:
            c = boss if admin else emp
            r = c.request(method, path, form={"csrf": c.tok})
        name = "%s %s" % (method, pattern)
        t.status(r, 403, name + ": refused until acknowledged")
        if path.startswith("/api/") or "NOCSRF" in flags:
            t.like(r.json().get("error", ""),
                   r"acknowledge the company guidelines",
                   name + ": 403 JSON says why")
        else:
            t.like(r.text, r'(?s)acknowledge the company guidelines.*'
                   r'href="/guidelines"',
                   name + ": the page says why, with a link")
    # Signing in and out (and the identity provider ending sessions),
    # OAuth's token endpoints, acknowledging and publishing, and security
    # and administration (a password, sessions, revoking a token or an
    # app, managing people, resolving reports, SCIM provisioning), one's
    # language (to read the guidelines in it) and a device's push
    # subscription are the only writes the gate lets through.
    t.is_(sorted(ungated), sorted([
        "/login", "/logout", "/oauth/token", "/oauth/revoke",
        "/auth/oidc/backchannel-logout",
        "/scim/v2/Users", "/scim/v2/Groups"] +
        ["/scim/v2/Users/:id", "/scim/v2/Groups/:id"] * 3 + [
        "/settings/password", "/settings/sessions/others",
        "/settings/sessions/:id/end", "/settings/tokens/:id/revoke",
        "/settings/apps/:id/revoke", "/settings/language", "/drafts/discard",
        "/admin/people", "/admin/people/:id/:action", "/admin/people/import",
        "/admin/reports/:id/:action",
        "/guidelines/:version/acknowledge", "/admin/guidelines",
        "/api/v1/guidelines/:version/acknowledge",
        "/api/v1/admin/guidelines"] +
        ["/api/v1/push/subscription"] * 3), "the only ungated writes")


class World:
    """A running server with the guidelines and example modules and
    everyone in PEOPLE; API clients for emp, boss and evil."""

    def __init__(self, srv):
        self.srv = srv
        for name, admin, display in PEOPLE:
            srv.add_user(name, admin=admin, display_name=display)
        self.emp_api = bearer(srv, "emp")
        self.boss_api = bearer(srv, "boss")
        self.evil_api = bearer(srv, "evil")

    def publish_v1(self, t):
        """v1 through the API, not needing acknowledgement: the response."""
        r = self.boss_api.post("/api/v1/admin/guidelines", {
            "text": V1, "summary": "First version",
            "requires_acknowledgement": "false"})
        t.status(r, 200, "an admin publishes v1 through the API")
        return r

    def publish_v2(self, t):
        """v2 on the admin page, needing acknowledgement: the response."""
        boss = session(self.srv, "boss")
        r = boss.post("/admin/guidelines", {
            "csrf": boss.tok, "text": V2, "summary": "Second <version>",
            "requires_ack": "1", "action": "publish"})
        t.status(r, 303, "Publish")
        return r

    def ack_v2(self, t):
        """emp acknowledges v2 through the API, then emp2 on the web."""
        r = self.emp_api.post("/api/v1/guidelines/2/acknowledge")
        t.status(r, 200, "emp acknowledges through the API")
        emp2 = session(self.srv, "emp2")
        t.status(emp2.post("/guidelines/2/acknowledge", {"csrf": emp2.tok}),
                 303, "emp2 acknowledges on the web")
        return r


@contextlib.contextmanager
def world(t):
    with h.Server(t, modules="guidelines example", module_dir=module_dir(t),
                  **CONFIG) as srv:
        yield World(srv)


@h.case
def nothing_published(t, fx):
    """Before any guidelines, nothing is gated and nothing shown."""
    with world(t) as w:
        t.status(w.emp_api.post("/api/v1/statuses", {"status": "before"}),
                 200, "before any guidelines, writes go through")
        t.status(w.emp_api.get("/api/v1/guidelines"), 404,
                 "GET /api/v1/guidelines: 404 while there are none")
        emp = session(w.srv, "emp")
        t.unlike(emp.get("/").text, r'href="/guidelines"',
                 "no footer link while there are none")


@h.case
def publish_without_ack(t, fx):
    """A version without acknowledgement leaves the gate open."""
    with world(t) as w:
        r = w.publish_v1(t)
        t.is_(r.json().get("version"), 1, "... as version 1")
        t.is_(r.json().get("requires_acknowledgement"), False,
              "... not needing acknowledgement")
        t.status(w.emp_api.post("/api/v1/statuses", {"status": "still"}),
                 200, "publishing without acknowledgement leaves the gate "
                 "open")
        r = session(w.srv, "emp").get("/")
        t.unlike(r.text, r"guidelines have changed",
                 "... and shows no banner")
        t.like(r.text, r'<footer[^>]*>.*<a href="/guidelines">Guidelines'
               r'</a>', "the footer links to the guidelines")
        t.status(w.emp_api.post("/api/v1/admin/guidelines", {"text": "x"}),
                 403, "employees cannot publish")


@h.case
def admin_page_publish(t, fx):
    """The admin page: validation, preview, summary, publish."""
    with world(t) as w:
        w.publish_v1(t)
        boss = session(w.srv, "boss")
        r = boss.get("/admin/guidelines")
        t.status(r, 200, "the admin page")
        t.like(r.text, r'<label for="gl-text">',
               "... its textarea is labelled")
        t.like(r.text, r"Be kind",
               "... the form starts from the current text")
        r = boss.post("/admin/guidelines", {
            "csrf": boss.tok, "text": "  ", "summary": "kept summary",
            "requires_ack": "1", "action": "publish"})
        t.status(r, 422, "an empty text is refused")
        t.like(r.text, r'id="gl-error"[^>]*>Write the guidelines first',
               "... the error says which field")
        t.like(r.text, r'<textarea id="gl-text"[^>]*aria-describedby='
               r'"gl-error"', "... and is tied to the field")
        t.like(r.text, r'value="kept summary"', "... what was typed stays")
        r = boss.post("/admin/guidelines", {
            "csrf": boss.tok, "text": V2, "summary": "Second",
            "requires_ack": "1", "action": "preview"})
        t.status(r, 200, "Preview")
        t.like(r.text, r'(?s)class="preview">.*<strong>2</strong>',
               "... renders the Markdown on the server")
        t.is_(w.emp_api.get("/api/v1/guidelines").json().get("version"), 1,
              "... without publishing anything")
        r = boss.post("/admin/guidelines", {
            "csrf": boss.tok, "text": V2, "summary": "",
            "requires_ack": "1", "action": "publish"})
        t.status(r, 422, "publishing needs a summary of what changed")
        t.like(r.text, r'id="gl-summary"[^>]*aria-invalid="true"',
               "... the summary field is marked")
        r = w.publish_v2(t)
        t.is_(r.header("Location"), "/admin/guidelines/2",
              "... to the new version's acknowledgements")


@h.case
def admin_console(t, fx):
    """The guidelines are a tab of the admin console (ABI 1.5 admin_tab),
    listed under Modules, and publishing is in the core's audit log
    (api->audit), through the API and on the web."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        boss = session(w.srv, "boss")
        for path, current in [("/admin/people", "/admin/people"),
                              ("/admin/guidelines", "/admin/guidelines"),
                              ("/admin/guidelines/2", "/admin/guidelines")]:
            r = boss.get(path)
            nav = re.search(r'<nav aria-label="Admin" class="subnav '
                            r'admin-tabs">(.*?)</nav>', r.text, re.S)
            t.ok(nav, "%s has the admin tabs" % path)
            if nav:
                t.is_(re.findall(r'href="([^"]+)"', nav.group(1)),
                      ["/admin/people", "/admin/reports",
                       "/admin/guidelines", "/admin/modules",
                       "/admin/audit"],
                      "... the guidelines after the core's tabs, before "
                      "modules")
                t.like(nav.group(1), r'href="%s" aria-current="page"'
                       % current, "... %s current" % current)
        r = boss.get("/admin/modules")
        t.like(r.text, r"<td>guidelines</td>", "Modules lists guidelines")
        t.like(r.text, r"<td>1\.6</td>", "... built for ABI 1.6")
        db = sqlite3.connect(w.srv.db)
        got = db.execute("SELECT action, target_type, target_id, "
                         "actor_name, details FROM audit_log WHERE action "
                         "= 'guidelines.publish' ORDER BY id").fetchall()
        db.close()
        t.is_(got, [("guidelines.publish", "guidelines", 1, "boss",
                     '{"requires_acknowledgement":false}'),
                    ("guidelines.publish", "guidelines", 2, "boss",
                     '{"requires_acknowledgement":true}')],
              "both publications are in the audit log")


@h.case
def write_gate(t, fx):
    """Until acknowledged, every write route is refused, saying why."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        r = w.srv.client().login("emp")
        t.is_(r.header("Location"), "/guidelines",
              "signing in while pending lands on the guidelines")
        emp = session(w.srv, "emp")
        boss = session(w.srv, "boss")
        gate(t, w.srv, emp, w.emp_api, boss, w.boss_api)
        t.status(w.emp_api.get("/api/v1/timelines/home"), 200,
                 "reading stays open (API)")
        r = emp.get("/")
        t.status(r, 200, "reading stays open (web)")
        t.like(r.text, r'(?s)class="banner".*version 2.*<a href="/'
               r'guidelines">Read and acknowledge</a>',
               "the banner shows while pending")


@h.case
def pending_version_shown(t, fx):
    """A pending version: API, announcements, its page and diff."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        g = w.emp_api.get("/api/v1/guidelines").json()
        t.is_((g.get("version"), g.get("requires_acknowledgement"),
               g.get("acknowledged_at")), (2, True, None),
              "GET /api/v1/guidelines: version 2, needs acknowledging, not "
              "acknowledged")
        t.like(g.get("content", ""), r"<strong>2</strong>",
               "... content is HTML")
        t.like(g.get("published_at", ""), r"^\d{4}-\d\d-\d\dT",
               "... a date")
        r = w.emp_api.get("/api/v1/announcements")
        t.is_([(a.get("id"), a.get("read")) for a in r.json()
               if a.get("id", "").startswith("guidelines")],
              [("guidelines-2", False)],
              "announcements show the current guidelines, unread")

        r = session(w.srv, "emp").get("/guidelines")
        t.status(r, 200, "the guidelines page")
        t.like(r.text, r"Version 2 · published", "... version and date")
        t.like(r.text, r"What changed:</strong> Second &lt;version&gt;",
               "... the change summary, escaped")
        t.like(r.text, r"<del><span class=\"sr-only\">Removed: </span>"
               r"Line two\.</del>", "... the diff shows removed lines")
        t.like(r.text, r"<ins><span class=\"sr-only\">Added: </span>"
               r"Line \*\*2\*\*\.</ins>", "... and added ones, escaped")
        t.like(r.text, r'action="/guidelines/2/acknowledge"',
               "... and the acknowledge button")


@h.case
def acknowledging(t, fx):
    """Acknowledging (API and web) opens the gate, once and for good."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        emp_api = w.emp_api
        t.status(emp_api.post("/api/v1/guidelines/1/acknowledge"), 409,
                 "acknowledging an old version: 409")
        r = emp_api.post("/api/v1/guidelines/2/acknowledge")
        t.status(r, 200, "emp acknowledges through the API")
        t.ok(r.json().get("acknowledged_at"), "... acknowledged_at is set")
        t.status(emp_api.post("/api/v1/statuses", {"status": "free"}), 200,
                 "after acknowledging, writes go through")
        t.status(emp_api.post("/api/v1/example/notes", {"text": "n"}), 200,
                 "... on other modules' routes too")
        r = w.srv.client().login("emp")
        t.is_(r.header("Location"), "/", "... and not once acknowledged")
        emp2 = session(w.srv, "emp2")
        r = emp2.post("/guidelines/2/acknowledge", {"csrf": emp2.tok})
        t.status(r, 303, "emp2 acknowledges on the web")
        r = emp2.get("/guidelines")
        t.like(r.text, r"You acknowledged these guidelines on",
               "... the page says so")
        t.unlike(r.text, r"guidelines have changed",
                 "... and the banner is gone")
        t.status(emp2.post("/compose", {"csrf": emp2.tok, "status": "hi"}),
                 303, "... and the composer works")
        t.status(emp2.post("/guidelines/2/acknowledge", {"csrf": emp2.tok}),
                 303, "acknowledging twice is harmless")


@h.case
def minor_version(t, fx):
    """A version needing no acknowledgement: nobody clicks again."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        w.ack_v2(t)
        r = w.boss_api.post("/api/v1/admin/guidelines", {
            "text": V2 + "Typo fixed.\n", "summary": "Typo",
            "requires_acknowledgement": "false"})
        t.status(r, 200, "v3 (a typo fix) is published without "
                 "acknowledgement")
        t.status(w.emp_api.post("/api/v1/statuses", {"status": "ok"}), 200,
                 "... people who acknowledged v2 write on")
        t.status(w.evil_api.post("/api/v1/statuses", {"status": "no"}), 403,
                 "... people who did not are still asked for v2")


@h.case
def ledger_append_only(t, fx):
    """The ledger of versions and acknowledgements is append-only."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        w.ack_v2(t)
        emp_id = int(w.emp_api.me().json()["id"])
        emp2_id = int(bearer(w.srv, "emp2").me().json()["id"])
        db = sqlite3.connect(w.srv.db, isolation_level=None, timeout=10)
        before = db.execute("SELECT count(*) FROM guideline_acks"
                            ).fetchone()
        for sql in ("UPDATE guideline_acks SET acked_at = 0",
                    "DELETE FROM guideline_acks",
                    "UPDATE guideline_versions SET text = 'x'",
                    "DELETE FROM guideline_versions"):
            try:
                db.execute(sql)
                t.ok(False, "refused: " + sql)
            except sqlite3.DatabaseError as e:
                t.like(str(e), r"append-only|never change|kept forever",
                       "refused: " + sql)
        t.is_(db.execute("SELECT count(*) FROM guideline_acks").fetchone(),
              before, "the ledger still holds every row")
        # The publisher's own acknowledgements come first: boss published
        # v1 through the API and v2 on the web.
        boss_id = int(w.boss_api.me().json()["id"])
        t.is_(db.execute("SELECT user_id, version, via FROM guideline_acks "
                         "ORDER BY id").fetchall()[:4],
              [(boss_id, 1, "api"), (boss_id, 2, "web"),
               (emp_id, 2, "api"), (emp2_id, 2, "web")],
              "each row: person, version, web or API; publishing "
              "acknowledges")
        db.close()
        for method in ("PUT", "PATCH", "DELETE"):
            r = w.boss_api.request(method, "/api/v1/guidelines/2")
            t.ok(r.status in (404, 405), "no %s of a version (%d)" %
                 (method, r.status))


@h.case
def admin_counts_and_exports(t, fx):
    """Counts and names per version; CSV safe from formulas."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        w.ack_v2(t)
        boss_api = w.boss_api
        r = boss_api.get("/api/v1/admin/guidelines/2/acknowledgements")
        j = r.json()
        # boss published v2, and acknowledged it by publishing.
        t.is_((j.get("acknowledged_count"), j.get("pending_count")), (3, 4),
              "per version: 3 acknowledged, 4 not")
        t.is_(sorted(p["username"] for p in j.get("acknowledged", [])),
              ["boss", "emp", "emp2"], "... with their names")
        t.is_(sorted(p["username"] for p in j.get("pending", [])),
              ["at", "evil", "minus", "plus"],
              "... and the others'")
        t.status(w.emp_api.get(
            "/api/v1/admin/guidelines/2/acknowledgements"), 403,
            "employees cannot see the lists")
        r = boss_api.get("/api/v1/admin/guidelines/2/acknowledgements",
                         headers={"Accept": "text/csv"})
        t.like(r.header("Content-Type") or "", r"^text/csv",
               "CSV on request")
        csv = r.text
        t.like(csv, r'(?m)^"evil","\'=HYPERLINK\(""http://x"",""y""\)",'
               r'"pending"', "CSV: a cell starting with = cannot be a "
               "formula")
        t.like(csv, r'(?m)^"plus","\'\+1 caller"', "... nor with +")
        t.like(csv, r'(?m)^"minus","\'-2"', "... nor with -")
        t.like(csv, r'(?m)^"at","\'@SUM\(1\)"', "... nor with @")
        t.like(csv, r'(?m)^"emp","Em Ployee","acknowledged","\d{4}-',
               "... acknowledged rows carry the time")
        boss = session(w.srv, "boss")
        r = boss.get("/admin/guidelines/2")
        t.status(r, 200, "the admin's version page")
        t.like(r.text, r"Acknowledged \(3\)", "... counts who has")
        t.like(r.text, r"Not yet acknowledged \(4\)",
               "... and who has not")
        t.like(r.text, r"=HYPERLINK\(&quot;", "... names, escaped")
        r = boss.get("/admin/guidelines/2/pending.csv")
        t.status(r, 200, "the pending list as CSV")
        t.unlike(r.text, r'"emp"', "... holds only the pending")
        t.like(r.header("Content-Disposition") or "", r"attachment",
               "... as a download")
        t.status(session(w.srv, "emp").get("/admin/guidelines"), 403,
                 "the admin page is for admins")


@h.case
def reminders(t, fx):
    """Reminders: once each, to the pending only."""
    with world(t) as w:
        w.publish_v1(t)
        w.publish_v2(t)
        r = w.emp_api.post("/api/v1/guidelines/2/acknowledge")
        t.status(r, 200, "emp acknowledges through the API")
        # The reminder job runs every second here: it may have reached emp
        # while the version was pending. None may come after this.
        emp_reminders = len([x for x in w.emp_api.get(
            "/api/v1/notifications").json() if x.get("type") == "guidelines"])
        t.ok(w.srv.wait_log(r"module guidelines: reminded \d+ people of "
                            r"version 2", timeout=10), "the reminder job ran")
        time.sleep(2.5)
        n = [x for x in w.evil_api.get("/api/v1/notifications").json()
             if x.get("type") == "guidelines"]
        t.is_(len(n), 1, "a pending person gets one reminder")
        n = [x for x in w.emp_api.get("/api/v1/notifications").json()
             if x.get("type") == "guidelines"]
        t.is_(len(n), emp_reminders, "an acknowledged one gets none (more)")


@h.case
def grace_period(t, fx):
    """A grace period keeps the gate open for a while."""
    d = module_dir(t)
    with h.Server(t, modules="guidelines", module_dir=d, **{
            "guidelines.grace_days": "3"}) as srv:
        srv.add_user("boss", admin=True)
        srv.add_user("emp")
        boss_api, emp_api = bearer(srv, "boss"), bearer(srv, "emp")
        t.status(boss_api.post("/api/v1/admin/guidelines", {
            "text": "Be kind.", "requires_acknowledgement": "true"}), 200,
            "published with acknowledgement required")
        t.status(emp_api.post("/api/v1/statuses", {"status": "grace"}), 200,
                 "within the grace period writes go through")
        emp = session(srv, "emp")
        t.like(emp.get("/").text, r"(?s)class=\"banner\".*acknowledge them "
               r"by", "... and the banner says by when")


@h.case
def gated_draft(t, fx):
    """While gated the composer is replaced by the call to acknowledge; a
    post sent all the same is kept, and offered back in the composer
    after acknowledging, which returns to where one was going. The first
    version is new, not changed; its publisher has acknowledged it."""
    with world(t) as w:
        emp = session(w.srv, "emp")
        r = w.boss_api.post("/api/v1/admin/guidelines", {
            "text": V1, "summary": "First version",
            "requires_acknowledgement": "true"})
        t.status(r, 200, "v1 needs acknowledging")
        r = w.boss_api.post("/api/v1/statuses", {"status": "boss is free"})
        t.status(r, 200, "the admin who published has acknowledged by "
                 "publishing")
        boss = session(w.srv, "boss")
        t.like(boss.get("/admin/guidelines/1").text,
               r"Acknowledged \(1\)", "... in the ledger")
        r = emp.get("/")
        t.like(r.text, r"The company has published guidelines \(version 1\)",
               "the first version is new")
        t.unlike(r.text, r"guidelines have changed", "... not changed")
        # The module's words come through the catalogue, values in place.
        r = emp.get("/", headers={"Accept-Language": "de"})
        t.like(r.text, r"Das Unternehmen hat Richtlinien veröffentlicht "
               r"\(Version 1\)\. Bis du sie bestätigst", "the banner in German")
        t.like(r.text, r"Bitte lies und bestätige zuerst die Richtlinien des "
               r"Unternehmens \(Version 1\)", "... and the gate")
        r = emp.get("/", headers={"Accept-Language": "pl"})
        t.like(r.text, r"Firma opublikowała zasady \(wersja 1\)",
               "the banner in Polish")
        r = boss.get("/settings/profile", headers={"Accept-Language": "de"})
        t.like(r.text, r"Du hast die Richtlinien des Unternehmens am \d+\. "
               r"\w+\.? \d{4}, \d\d:\d\d \S+ bestätigt", "the settings line "
               "with a German date")
        r = emp.get("/")
        t.unlike(r.text, r'<textarea id="status"', "no composer while gated")
        t.like(r.text, r'(?s)class="compose-gate".*acknowledge the company '
               r'guidelines.*href="/guidelines\?next=%2F"',
               "... the call to acknowledge instead, back home afterwards")
        # Any other refused form links back to the page it was on.
        r = emp.post("/@boss/1/favourite", {"csrf": emp.tok},
                     headers={"Referer": w.srv.url + "/@boss?x=1"})
        t.status(r, 403, "a favourite while gated is refused")
        t.like(r.text, r'href="/guidelines\?next=/@boss"',
               "... its link comes back to the page after acknowledging")
        r = emp.post("/@boss/1/favourite", {"csrf": emp.tok},
                     headers={"Referer": "http://evil.example/@boss"})
        t.like(r.text, r'href="/guidelines"', "... never to another site")
        r = emp.post("/compose", {"csrf": emp.tok, "status": "my <draft>",
                                  "spoiler_text": "cw here",
                                  "visibility": "private"})
        t.status(r, 303, "a post sent while gated is answered")
        t.is_(r.header("Location"), "/guidelines?next=%2F&kept=1",
              "... with the way to the guidelines")
        r = emp.get("/guidelines?next=%2F&kept=1")
        t.like(r.text, r"Your post was not lost", "the guidelines say the "
               "draft is safe")
        t.like(r.text, r'<input type="hidden" name="next" value="/">',
               "... and the acknowledgement will come back home")
        t.like(r.text, r"About these guidelines:", "v1 has no 'what "
               "changed'")
        r = emp.post("/guidelines/1/acknowledge", {"csrf": emp.tok,
                                                   "next": "/"})
        t.is_(r.header("Location"), "/", "acknowledged: back to where one "
              "was going")
        r = emp.post("/guidelines/1/acknowledge", {"csrf": emp.tok,
                                                   "next": "//evil.example"})
        t.is_(r.header("Location"), "/guidelines", "... never elsewhere")
        r = emp.get("/")
        t.like(r.text, r'<textarea id="status"[^>]*>my &lt;draft&gt;</textarea>',
               "the draft is back in the composer")
        t.like(r.text, r'value="cw here"', "... its content warning too")
        t.like(r.text, r'<option value="private" selected>',
               "... and its visibility")
        t.like(r.text, r'name="kept_draft" value="1"', "... as the kept one")
        t.like(r.text, r'class="card composer open"', "... open")
        r = emp.get("/")
        t.like(r.text, r"my &lt;draft&gt;", "it stays until posted")
        r = emp.post("/compose", {"csrf": emp.tok, "status": "my <draft>",
                                  "visibility": "private",
                                  "kept_draft": "1"})
        t.status(r, 303, "posted")
        r = emp.get("/")
        t.unlike(r.text, r'name="kept_draft"', "posted, the draft is gone")
        t.like(r.text, r"<p>my &lt;draft&gt;</p>", "... and the post is there")
        # A second draft, discarded.
        emp2 = session(w.srv, "emp2")
        r = emp2.post("/groups/1/post", {"csrf": emp2.tok, "status": "x"})
        t.status(r, 303, "a group post while gated is kept too")
        t.like(r.header("Location"), r"next=%2Fgroups%2F1&kept=1",
               "... back to the group afterwards")
        r = emp2.post("/guidelines/1/acknowledge", {"csrf": emp2.tok})
        t.is_(r.header("Location"), "/guidelines", "no next: the guidelines")
        r = emp2.get("/")
        t.like(r.text, r">x</textarea>", "the group draft is offered home")
        r = emp2.post("/drafts/discard", {"csrf": emp2.tok, "next": "/"})
        t.status(r, 303, "Discard the draft")
        t.unlike(emp2.get("/").text, r'name="kept_draft"', "... gone")


def png(width=3, height=3):
    """A small real RGB PNG (as test_media.py makes them)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\0" + bytes((200, 30, 30)) * width
                   for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields=(), files=()):
    """(body, content type) for fields [(name, value)] and files [(name,
    filename, content type, bytes)]."""
    b = "hearth-%s" % uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (b, name, value)).encode())
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (b, name, filename, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


def backdate_uploads(srv):
    """Make a day pass for every upload, for the daily clean-up."""
    with contextlib.closing(sqlite3.connect(srv.db, timeout=10)) as db:
        db.execute("UPDATE media SET created_at = created_at - 2 * 86400")
        db.commit()


@h.case
def gated_draft_media(t, fx):
    """No draft is ever lost, attachments included: a post sent while
    gated keeps the uploads it names (with their descriptions) and its
    plain files with the draft, out of the daily clean-up's reach; after
    acknowledging the composer offers them back attached, and posting
    attaches them. A discarded draft's uploads go back to the clean-up."""
    with world(t) as w:
        emp = session(w.srv, "emp")
        body, ct = multipart([("description", "first words")],
                             [("file", "red.png", "image/png", png())])
        r = w.emp_api.request("POST", "/api/v1/media", body=body,
                              headers={"Content-Type": ct})
        t.status(r, 200, "emp uploads a picture before the gate closes")
        pic = r.json()["id"]
        r = w.boss_api.post("/api/v1/admin/guidelines", {
            "text": V1, "summary": "First version",
            "requires_acknowledgement": "true"})
        t.status(r, 200, "v1 needs acknowledging")
        body, ct = multipart(
            [("csrf", emp.tok), ("status", "look at this"),
             ("media_ids", pic), ("description_%s" % pic, "a red square")],
            [("files", "notes.txt", "text/plain", b"plain notes\n")])
        r = emp.request("POST", "/compose", body=body,
                        headers={"Content-Type": ct})
        t.status(r, 303, "a post with attachments sent while gated")
        t.like(r.header("Location") or "", r"kept=1", "... is kept")
        backdate_uploads(w.srv)
        p = w.srv.ctl("media", "cleanup")
        t.is_(p.returncode, 0, "hearthctl media cleanup")
        t.like(p.stdout, r"removed: 0 unattached",
               "the draft's uploads are not orphans")
        t.is_(w.emp_api.get("/api/v1/media/%s" % pic).status, 200,
              "... the picture is still there")
        r = emp.post("/guidelines/1/acknowledge", {"csrf": emp.tok,
                                                   "next": "/"})
        t.is_(r.header("Location"), "/", "acknowledged")
        r = emp.get("/")
        t.like(r.text, r'>look at this</textarea>', "the text is back")
        t.like(r.text, r'<input type="checkbox" id="keep-%s" name="media_ids"'
               r' value="%s" checked>' % (pic, pic),
               "the uploaded picture is offered back, attached")
        t.like(r.text, r'(?s)id="description_%s"[^>]*>a red square</textarea>'
               % pic, "... with the description given when posting")
        ids = re.findall(r'name="media_ids" value="(\d+)" checked', r.text)
        t.is_(len(ids), 2, "the plain file is offered back too")
        t.like(r.text, r"Keep notes\.txt", "... by its name")
        form = [("csrf", emp.tok), ("status", "look at this"),
                ("kept_draft", "1"), ("description_%s" % pic,
                                      "a red square")]
        form += [("media_ids", i) for i in ids]
        body, ct = multipart(form)
        r = emp.request("POST", "/compose", body=body,
                        headers={"Content-Type": ct})
        t.status(r, 303, "the draft is posted")
        r = w.emp_api.get("/api/v1/accounts/%s/statuses"
                          % w.emp_api.get("/api/v1/accounts/verify_credentials"
                                          ).json()["id"])
        st = [s for s in r.json() if "look at this" in s["content"]]
        t.is_(len(st), 1, "the post is there")
        media = st[0]["media_attachments"] if st else []
        t.is_([m["id"] for m in media], ids, "... with both attachments, "
              "in order")
        t.is_([m.get("description") for m in media][:1], ["a red square"],
              "... the picture described")
        t.unlike(emp.get("/").text, r'name="kept_draft"', "the draft is gone")
        # A discarded draft lets its uploads go to the clean-up.
        body, ct = multipart([("description", "")],
                             [("file", "b.png", "image/png", png(4, 4))])
        pic2 = w.boss_api.request("POST", "/api/v1/media", body=body,
                                  headers={"Content-Type": ct}).json()["id"]
        emp2 = session(w.srv, "emp2")
        body, ct = multipart([("csrf", emp2.tok), ("status", "")],
                             [("files", "gone.txt", "text/plain", b"x\n")])
        r = emp2.request("POST", "/compose", body=body,
                         headers={"Content-Type": ct})
        t.status(r, 303, "a draft with only a file is kept")
        r = emp2.post("/guidelines/1/acknowledge", {"csrf": emp2.tok})
        r = emp2.get("/")
        t.like(r.text, r"Keep gone\.txt", "... and offered back")
        r = emp2.post("/drafts/discard", {"csrf": emp2.tok, "next": "/"})
        t.status(r, 303, "discarded")
        backdate_uploads(w.srv)
        p = w.srv.ctl("media", "cleanup")
        t.like(p.stdout, r"removed: 2 unattached", "its upload goes to the "
               "clean-up (with the boss's unused one)")
        t.is_(w.boss_api.get("/api/v1/media/%s" % pic2).status, 404,
              "... which takes the boss's unused upload too")


@h.case
def first_version(t, fx):
    """The first version is new: the admin page asks for a summary only
    optionally, publishing it without one works, the banner says the
    guidelines were published (not changed), and the publisher owes
    nothing."""
    with world(t) as w:
        boss = session(w.srv, "boss")
        r = boss.get("/admin/guidelines")
        t.like(r.text, r'<label for="gl-summary">Summary \(optional',
               "a first version's summary is optional")
        r = boss.post("/admin/guidelines", {
            "csrf": boss.tok, "text": V1, "summary": "",
            "requires_ack": "1", "action": "publish"})
        t.status(r, 303, "published without a summary")
        r = session(w.srv, "emp").get("/")
        t.like(r.text, r"The company has published guidelines \(version 1\)",
               "the banner: published")
        t.unlike(r.text, r"changed", "... nothing about a change")
        r = boss.get("/")
        t.unlike(r.text, r"published guidelines|acknowledge them",
                 "the publisher owes nothing: no banner")
        t.like(r.text, r'<textarea id="status"', "... and can post")
        t.like(boss.get("/admin/guidelines").text,
               r'<label for="gl-summary">What changed',
               "the next version says what changed")


if __name__ == "__main__":
    # Every case starts the server it needs: there is no shared fixture.
    h.main_cases()

