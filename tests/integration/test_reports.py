"""Reports and moderation (issue 21, point 6): POST /api/v1/reports and
the web's Report form file a report; the admin console's Moderation tab
lists it with the reported posts; each way to resolve it (hide the posts,
warn, disable the account, dismiss) does what it says, is in the audit
log, warns the author (Mastodon's moderation_warning) and tells the
reporter the outcome. Members and bearer tokens may not moderate.

Each case can run alone: make check TESTS=tests/integration/test_reports.py
CASE=warn (or `python3 .../test_reports.py --list`)."""
import contextlib
import itertools
import re
import sqlite3

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True, display_name="Root Admin")
        yield srv


def people(srv, *bases):
    names = ["%s%d" % (b, next(_n)) for b in bases]
    got = srv.people(*names)
    for n in names:
        got[n].name = n
    return [got[n] for n in names]


def admin(t, srv):
    adm = srv.client()
    t.status(adm.login("root"), 303, "root (an admin) signs in")
    return adm, adm.csrf("/admin/reports")


def audit(srv, action, target):
    db = sqlite3.connect(srv.db)
    try:
        return db.execute("SELECT actor_name, details FROM audit_log WHERE "
                          "action = ? AND target_id = ?",
                          (action, int(target))).fetchall()
    finally:
        db.close()


def notes(c, type_):
    return [n for n in c.get("/api/v1/notifications").json()
            if n["type"] == type_]


def report(t, reporter, target, posts=(), comment="please look"):
    form = [("account_id", target.id), ("comment", comment),
            ("category", "violation")] + [("status_ids[]", p) for p in posts]
    r = reporter.request("POST", "/api/v1/reports", body="&".join(
        "%s=%s" % kv for kv in form).replace(" ", "+"), headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    t.status(r, 200, "the report is filed")
    return r.json()


@h.case
def filing(t, srv):
    """The Report entity; what may not be reported."""
    bob, ann, cat = people(srv, "bob", "ann", "cat")
    p = h.post_status(ann, "a post to report")["id"]
    rep = report(t, bob, ann, [p])
    t.ok(rep["target_account"]["id"] == ann.id and rep["status_ids"] == [p]
         and rep["action_taken"] is False and rep["category"] ==
         "violation" and rep["comment"] == "please look",
         "the Report: target, posts, open, category, comment")
    root = srv.client(headers={"Authorization": "Bearer " +
                               srv.token("root")})
    a = [n for n in notes(root, "admin.report")
         if n["report"]["id"] == rep["id"]]
    t.ok(a and a[0]["account"]["id"] == bob.id and
         a[0]["report"]["target_account"]["id"] == ann.id,
         "the admin is told (admin.report, with the Report)")
    t.status(bob.post("/api/v1/reports", {"account_id": bob.id}), 422,
             "nobody reports themself")
    c = h.post_status(cat, "cat's post")["id"]
    t.status(bob.post("/api/v1/reports", {"account_id": ann.id,
                                          "status_ids[]": c}), 422,
             "a post that is not the person's is refused")
    d = h.post_status(ann, "@%s private" % cat.name,
                      visibility="direct")["id"]
    t.status(bob.post("/api/v1/reports", {"account_id": ann.id,
                                          "status_ids[]": d}), 422,
             "a post the reporter cannot read is refused")
    t.status(bob.post("/api/v1/reports", {"account_id": "999999"}), 404,
             "an unknown person is 404")
    t.status(bob.post("/api/v1/reports", {"account_id": ann.id,
                                          "category": "rude"}), 422,
             "an unknown category is 422")
    r = bob.request("POST", "/api/v1/reports", json_body={
        "account_id": ann.id, "status_ids": [p], "comment": "json"})
    t.status(r, 200, "a JSON body works too")


@h.case
def access(t, srv):
    """Members are refused the moderation tab (403) and its actions."""
    bob, ann = people(srv, "bob", "ann")
    rep = report(t, bob, ann)
    m = srv.client()
    t.status(m.login(bob.name), 303, "bob signs in on the web")
    csrf = m.csrf("/")
    t.status(m.get("/admin/reports"), 403, "a member: the tab is 403")
    t.status(m.post("/admin/reports/%s/dismiss" % rep["id"],
                    {"csrf": csrf}), 403, "and its actions")
    bearer = srv.client(headers={"Authorization": "Bearer " +
                                 srv.token("root")})
    t.status(bearer.get("/admin/reports"), 403, "an admin's bearer "
             "token too: these are browser pages")
    adm, acsrf = admin(t, srv)
    t.status(adm.post("/admin/reports/%s/dismiss" % rep["id"], {}), 403,
             "without the CSRF token the action is refused")
    t.ok(not audit(srv, "report.dismiss", ann.id), "and nothing recorded")


@h.case
def warn(t, srv):
    """The tab shows the report; Warn warns, records, tells both."""
    bob, ann = people(srv, "bob", "ann")
    p = h.post_status(ann, "the offending words")["id"]
    rep = report(t, bob, ann, [p], comment="rude to the team")
    adm, csrf = admin(t, srv)
    page = adm.get("/admin/reports").text
    t.like(page, r"Report %s" % rep["id"], "the tab lists the report")
    t.like(page, r"rude to the team", "with the reporter's comment")
    t.like(page, r"the offending words", "and the reported post")
    t.like(page, r'aria-current="page">Moderation<', "under its own tab")
    r = adm.post("/admin/reports/%s/warn" % rep["id"],
                 {"csrf": csrf, "text": "Please keep it civil."})
    t.status(r, 303, "warn answers with a redirect")
    t.like(adm.get(r.header("Location")).text, r"The author was warned",
           "the notice says what was done")
    w = notes(ann, "moderation_warning")
    t.ok(len(w) == 1 and w[0]["moderation_warning"]["action"] == "none"
         and w[0]["moderation_warning"]["text"] == "Please keep it civil.",
         "ann has a moderation_warning with the text", w)
    o = notes(bob, "hearth.report_resolved")
    t.ok(len(o) == 1 and o[0]["report_outcome"] == {
        "report_id": rep["id"], "outcome": "warn"},
        "bob is told the outcome", o)
    t.ok(audit(srv, "report.warn", ann.id), "the audit log has it")
    t.status(adm.post("/admin/reports/%s/dismiss" % rep["id"],
                      {"csrf": csrf}), 409, "a resolved report cannot be "
             "resolved again")
    web = srv.client()
    web.login(bob.name)
    t.like(web.get("/notifications").text, r"handled your report",
           "bob's notifications page says so")
    web = srv.client()
    web.login(ann.name)
    t.like(web.get("/notifications").text, r"Please keep it civil",
           "ann's shows the warning's words")


@h.case
def hide(t, srv):
    """Hide takes the reported posts down and tells the author which."""
    bob, ann = people(srv, "bob", "ann")
    keep = h.post_status(ann, "fine post")["id"]
    bad = h.post_status(ann, "bad post")["id"]
    rep = report(t, bob, ann, [bad])
    adm, csrf = admin(t, srv)
    t.status(adm.post("/admin/reports/%s/hide" % rep["id"],
                      {"csrf": csrf, "text": "Off topic"}), 303, "hide")
    t.status(bob.get("/api/v1/statuses/" + bad), 404, "the post is gone")
    t.status(bob.get("/api/v1/statuses/" + keep), 200,
             "the unreported one stays")
    w = notes(ann, "moderation_warning")
    t.ok(w and w[0]["moderation_warning"]["action"] == "delete_statuses"
         and w[0]["moderation_warning"]["status_ids"] == [bad],
         "ann is told which post was taken down", w)
    t.is_(w[0]["moderation_warning"].get("hearth_excerpts") if w else None,
          ["bad post"], "... with its words, since the post is gone")
    web = srv.client()
    web.login(ann.name)
    t.like(web.get("/notifications").text, r"taken down.*Off topic.*"
           r"&#8220;bad post&#8221;|taken down.*Off topic.*“bad post”",
           "her notifications page shows what went and why")
    t.ok(audit(srv, "report.hide", ann.id), "the audit log has it")
    t.is_(notes(bob, "hearth.report_resolved")[0]["report_outcome"]
          ["outcome"], "hide", "bob is told")


@h.case
def disable(t, srv):
    """Disable is user_deactivate: the account's tokens stop working."""
    bob, ann = people(srv, "bob", "ann")
    rep = report(t, bob, ann)
    adm, csrf = admin(t, srv)
    t.status(ann.get("/api/v1/accounts/verify_credentials"), 200,
             "ann's token works")
    r = adm.post("/admin/reports/%s/disable" % rep["id"],
                 {"csrf": csrf, "confirm": "yes"})
    t.status(r, 303, "disable")
    t.status(ann.get("/api/v1/accounts/verify_credentials"), 401,
             "ann's token no longer works")
    t.ok(audit(srv, "report.disable", ann.id), "the audit log has it")
    t.is_(notes(bob, "hearth.report_resolved")[0]["report_outcome"]
          ["outcome"], "disable", "bob is told")


@h.case
def dismiss_and_web_form(t, srv):
    """The web's Report form files a report; dismissing it tells the
    reporter and leaves the person alone."""
    bob, ann = people(srv, "bob", "ann")
    p = h.post_status(ann, "borderline")["id"]
    web = srv.client()
    web.login(bob.name)
    page = web.get("/@%s" % ann.name).text
    t.like(page, r'href="/@%s/report"' % ann.name, "the profile's More "
           "menu offers Report")
    form = web.get("/@%s/report?post=%s" % (ann.name, p))
    t.status(form, 200, "the report form")
    t.like(form.text, r'value="%s" checked' % p, "with the post ticked")
    csrf = h.form_field(form.text, "csrf")
    r = web.post("/@%s/report" % ann.name, {"csrf": csrf, "category":
                                            "spam", "status_ids": p,
                                            "comment": "from the web"})
    t.status(r, 303, "sent")
    adm, acsrf = admin(t, srv)
    page = adm.get("/admin/reports").text
    m = re.search(r'Report (\d+): <a href="/@%s">' % ann.name, page)
    t.ok(m and "from the web" in page, "the admin sees it")
    t.status(adm.post("/admin/reports/%s/dismiss" % m.group(1),
                      {"csrf": acsrf}), 303, "dismiss")
    t.is_(notes(ann, "moderation_warning"), [], "ann is not warned")
    t.is_(notes(bob, "hearth.report_resolved")[0]["report_outcome"]
          ["outcome"], "dismiss", "bob is told it was dismissed")
    t.ok(audit(srv, "report.dismiss", ann.id), "the audit log has it")
    t.like(adm.get("/admin/reports").text, r"Recently resolved",
           "it moved to the resolved list")


@h.case
def open_reports_bounded(t, srv):
    """A person may have at most ten reports waiting (each one notifies
    every admin); a handled one makes room again."""
    bob, ann = people(srv, "bob", "ann")
    ids = [report(t, bob, ann, comment="report %d" % i)["id"]
           for i in range(10)]
    r = bob.post("/api/v1/reports", {"account_id": ann.id})
    t.status(r, 422, "the eleventh waiting report is refused")
    t.like(r.json().get("error", ""), r"You have 10 reports waiting for a "
           r"moderator", "... saying why")
    adm, acsrf = admin(t, srv)
    t.status(adm.post("/admin/reports/%s/dismiss" % ids[0],
                      {"csrf": acsrf}), 303, "a moderator handles one")
    report(t, bob, ann, comment="once more")
    cat, = people(srv, "cat")
    report(t, cat, ann, comment="somebody else's count is their own")


if __name__ == "__main__":
    h.main_cases(fixture)
