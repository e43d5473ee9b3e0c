"""The admin audit log: every admin action, from the web or hearthctl,
leaves exactly one row naming who, what, to whom, when and from where,
in the same transaction as the action; refused and unconfirmed actions
leave none; /admin/audit filters and pages it; /admin/audit.csv,
/admin/audit.jsonl and `hearthctl audit export` export it; nothing in the
web deletes it, and `hearthctl audit prune` records itself.

Each case can run alone: make check TESTS=tests/integration/test_audit.py
CASE=web_actions (or `python3 .../test_audit.py --list`)."""
import contextlib
import csv
import io
import itertools
import json
import os
import re
import sqlite3

import harness as h

UA = "audit-test/1.0 (hearth)"
_n = itertools.count(1)


def rows(srv, since_id=0):
    db = sqlite3.connect(srv.db)
    try:
        return db.execute(
            "SELECT id, actor_id, actor_name, action, target_type, "
            "target_id, target_name, details, ip, user_agent "
            "FROM audit_log WHERE id > ? ORDER BY id", (since_id,)).fetchall()
    finally:
        db.close()


def last_id(srv):
    r = rows(srv)
    return r[-1][0] if r else 0


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
        srv.add_user("root", admin=True)
        srv.add_user("alice")
        yield srv


def admin(t, srv):
    adm = srv.client(headers={"User-Agent": UA})
    t.status(adm.login("root"), 303, "root signs in")
    return adm, adm.csrf("/admin/people")


def one_row(t, srv, before, action, target, what):
    """Exactly one new row, for action on target, by root from here."""
    new = rows(srv, before)
    t.is_(len(new), 1, "%s: exactly one audit row" % what)
    if not new:
        return None
    _, actor_id, actor, act, ttype, tid, tname, details, ip, ua = new[0]
    t.is_(act, action, "%s: the action is %s" % (what, action))
    t.is_((actor_id, actor), (user_id(srv, "root"), "root"),
          "%s: by root" % what)
    t.is_((ttype, tname), ("user", target), "%s: to %s" % (what, target))
    t.is_(tid, user_id(srv, target), "%s: ... with their id" % what)
    t.is_(ip, "127.0.0.1", "%s: from root's address" % what)
    t.is_(ua, UA, "%s: with root's browser" % what)
    t.ok(isinstance(json.loads(details), dict), "%s: details are a JSON "
         "object" % what)
    return json.loads(details)


@h.case
def web_actions(t, srv):
    """Create, disable, enable, make and remove admin, reset password,
    transfer groups and link each leave one row."""
    adm, csrf = admin(t, srv)
    name = "dora%d" % next(_n)
    b = last_id(srv)
    r = adm.post("/admin/people", {"csrf": csrf, "username": name,
                                   "email": name + "@example.com"})
    t.status(r, 200, "dora is created")
    d = one_row(t, srv, b, "user.create", name, "create")
    t.is_(d and d.get("generated_password"), True, "create: says the "
          "password was generated")
    t.unlike(json.dumps(rows(srv, b)), r'"password"\s*:\s*"',
             "create: no password in the log")
    did = user_id(srv, name)
    steps = [("disable", "user.disable", {"confirm": "yes"}),
             ("enable", "user.enable", {}),
             ("make-admin", "user.make_admin", {}),
             ("remove-admin", "user.remove_admin", {"confirm": "yes"}),
             ("reset-password", "user.reset_password", {"confirm": "yes"}),
             ("transfer-groups", "user.transfer_groups", {"to": "alice"}),
             ("link", "user.link", {"provider": "ldap",
                                    "subject": "uuid-%s" % name})]
    for path, action, extra in steps:
        b = last_id(srv)
        form = {"csrf": csrf}
        form.update(extra)
        r = adm.post("/admin/people/%d/%s" % (did, path), form)
        t.ok(r.status in (200, 303), "%s is done (%d)" % (path, r.status))
        d = one_row(t, srv, b, action, name, path)
        if path == "link":
            t.is_(d and d.get("subject"), "uuid-" + name,
                  "link: the subject is in the details")


@h.case
def refused_not_logged(t, srv):
    """A refused action, or one not confirmed, changes nothing and leaves
    no row."""
    adm, csrf = admin(t, srv)
    rid = user_id(srv, "root")
    aid = user_id(srv, "alice")
    b = last_id(srv)
    r = adm.post("/admin/people/%d/disable" % rid, {"csrf": csrf,
                                                     "confirm": "yes"})
    t.status(r, 403, "root cannot disable themselves")
    r = adm.post("/admin/people/%d/disable" % aid, {"csrf": csrf})
    t.status(r, 200, "a disable without confirm=yes only asks")
    r = adm.post("/admin/people/%d/disable" % aid, {"csrf": csrf,
                                                     "confirm": "no"})
    t.status(r, 200, "... and so does confirm=no")
    r = adm.post("/admin/people/%d/disable" % aid, {"confirm": "yes"})
    t.status(r, 403, "without CSRF it is 403")
    t.is_(rows(srv, b), [], "none of these left a row")
    alice = srv.client()
    t.status(alice.login("alice"), 303, "alice was not disabled")


@h.case
def hearthctl_actions(t, srv):
    """hearthctl's admin commands leave a row each, by the operator's
    uid, in the same transaction."""
    actor = "hearthctl (uid %d)" % os.getuid()
    for args, action, target in [
            (["user", "add", "ctl1", "--display-name", "Ctl One"],
             "user.create", "ctl1"),
            (["user", "disable", "ctl1"], "user.disable", "ctl1"),
            (["user", "enable", "ctl1"], "user.enable", "ctl1"),
            (["user", "role", "ctl1", "admin"], "user.make_admin", "ctl1"),
            (["user", "role", "ctl1", "member"], "user.remove_admin",
             "ctl1"),
            (["user", "passwd", "ctl1"], "user.reset_password", "ctl1"),
            (["user", "link", "ctl1", "--provider", "ldap", "--subject",
              "u-ctl1"], "user.link", "ctl1"),
            (["user", "unlink", "ctl1", "--provider", "ldap"],
             "user.unlink", "ctl1"),
            (["group", "transfer", "ctl1", "alice"],
             "user.transfer_groups", "ctl1")]:
        b = last_id(srv)
        p = srv.ctl(*args)
        t.is_(p.returncode, 0, "hearthctl %s" % " ".join(args))
        new = rows(srv, b)
        t.is_(len(new), 1, "... one row")
        if new:
            t.is_((new[0][2], new[0][3], new[0][6], new[0][1]),
                  (actor, action, target, None),
                  "... %s of %s by %s" % (action, target, actor))
    b = last_id(srv)
    p = srv.ctl("user", "disable", "nobody_here")
    t.isnt(p.returncode, 0, "a failing command fails")
    t.is_(rows(srv, b), [], "... and leaves no row")
    db = sqlite3.connect(srv.db)
    must = db.execute("SELECT must_change_password FROM users WHERE "
                      "username = 'ctl1'").fetchone()[0]
    db.close()
    t.is_(must, 1, "a generated password (add, passwd) must be changed")


@h.case
def view_filter_export(t, srv):
    """The audit page lists, filters and pages; CSV and JSON Lines export
    what the filters select; members get 403; nothing deletes it."""
    with h.Server(t) as own:
        own.add_user("root", admin=True, password=h.PASSWORD)
        own.add_user("alice")
        db = sqlite3.connect(own.db)
        db.execute("DELETE FROM audit_log")   # the fixture's own adds
        db.commit()
        db.close()
        view_filter_export_on(t, own)


def view_filter_export_on(t, srv):
    adm, csrf = admin(t, srv)
    aid = user_id(srv, "alice")
    for _ in range(3):
        adm.post("/admin/people/%d/disable" % aid, {"csrf": csrf,
                                                     "confirm": "yes"})
        adm.post("/admin/people/%d/enable" % aid, {"csrf": csrf})
    for i in range(56):
        srv.ctl("user", "role", "alice", "admin" if i % 2 == 0 else "member")
    r = adm.get("/admin/audit")
    t.status(r, 200, "the audit page is 200")
    t.like(r.text, r'href="/admin/audit" aria-current="page"',
           "the Audit log tab is current")
    t.is_(len(re.findall(r'class="audit-entry"', r.text)), 50,
          "50 entries a page")
    m = re.search(r'href="(/admin/audit\?before=\d+)">Older', r.text)
    t.ok(m, "a link to older entries")
    if m:
        r2 = adm.get(m.group(1).replace("&amp;", "&"))
        t.is_(len(re.findall(r'class="audit-entry"', r2.text)), 12,
              "... the rest on it")
    r = adm.get("/admin/audit?action=user.disable")
    t.is_(len(re.findall(r'class="audit-entry"', r.text)), 3,
          "filtered by action: the three disables")
    t.like(r.text, r"127\.0\.0\.1", "... from where")
    t.like(r.text, re.escape(UA), "... with which browser")
    r = adm.get("/admin/audit?actor=hearthctl")
    t.is_(len(re.findall(r'class="audit-entry"', r.text)), 50,
          "filtered by actor: hearthctl's")
    r = adm.get("/admin/audit.csv?action=user.enable")
    t.status(r, 200, "the CSV export is 200")
    t.like(r.header("Content-Type") or "", r"^text/csv", "... as text/csv")
    t.like(r.header("Content-Disposition") or "", r"attachment",
           "... to download")
    table = list(csv.reader(io.StringIO(r.text)))
    t.is_(table[0][:4], ["id", "at", "actor", "action"], "... a header")
    t.is_([row[3] for row in table[1:]], ["user.enable"] * 3,
          "... the three enables, oldest first")
    t.is_(table[1][8], "127.0.0.1", "... with the address")
    r = adm.get("/admin/audit.jsonl")
    lines = [json.loads(x) for x in r.text.splitlines()]
    t.is_(len(lines), 62, "the JSON Lines export has every entry")
    t.is_(lines[0]["actor"], "root", "... oldest first, by root")
    t.like(lines[0]["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
           "... with an ISO time")
    p = srv.ctl("audit", "export", "--format", "jsonl", "--action",
                "user.make_admin")
    t.is_(p.returncode, 0, "hearthctl audit export")
    t.is_(len(p.stdout.splitlines()), 28, "... the 28 make_admin rows")
    p = srv.ctl("audit", "export", "--format", "csv")
    t.is_(len(list(csv.reader(io.StringIO(p.stdout)))), 63,
          "... as CSV, a header and every row")
    member = srv.client()
    t.status(member.login("alice"), 303, "alice signs in")
    for path in ("/admin/audit", "/admin/audit.csv", "/admin/audit.jsonl",
                 "/admin/audit?action=user.disable"):
        t.status(member.get(path), 403, "a member: %s is 403" % path)
    t.status(adm.post("/admin/audit", {"csrf": csrf}), 405,
             "nothing deletes the log from the web")
    p = srv.ctl("audit", "prune", "--before", "2000-01-01")
    t.is_(p.returncode, 0, "hearthctl audit prune")
    t.is_(rows(srv, last_id(srv) - 1)[0][3], "audit.prune",
          "... records itself")
    t.is_(len(rows(srv)), 63, "... and kept everything newer")


@h.case
def scim_provisioning(t, srv):
    """SCIM provisioning's creations and deactivations are in the log, by
    "SCIM provisioning", from the directory's address, in the same
    transaction."""
    with h.Server(t, **{"auth.scim": "true"}) as own:
        tok = own.ctl("scim", "token").stdout.strip()
        c = own.client(headers={"Authorization": "Bearer " + tok,
                                "User-Agent": "Entra/1"})
        hdr = {"Content-Type": "application/scim+json"}
        r = c.request("POST", "/scim/v2/Users", body=json.dumps({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "sam@example.com", "active": True}), headers=hdr)
        t.status(r, 201, "SCIM creates sam")
        uid = r.json().get("id")
        r = c.request("PATCH", "/scim/v2/Users/%s" % uid, body=json.dumps({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active",
                            "value": False}]}), headers=hdr)
        t.status(r, 200, "SCIM deactivates sam")
        got = [(x[2], x[3], x[4], x[8], x[9]) for x in rows(own)]
        t.is_(got, [("SCIM provisioning", "user.create", "user",
                     "127.0.0.1", "Entra/1"),
                    ("SCIM provisioning", "user.disable", "user",
                     "127.0.0.1", "Entra/1")],
              "a row for each, by SCIM provisioning, from the directory")


if __name__ == "__main__":
    h.main_cases(fixture)
