"""The bridge, part 2: what the outside says comes in (issue 17, items 1
and 2). Outside actors are served by fake servers of the test's own
(bridge.FakeServer) and their activities signed here (draft-cavage), so
each case can say exactly what a hostile or a friendly server would.

A reply to a shared post lands in its thread as an outside post by an
outside account (acct name@host), sanitised, and notifies the author; a
like and a boost count and notify, and their Undo takes them back; the
author's Update edits and Delete removes, anyone else's is refused; what
is not for the company (a reply to a post never shared, a note that is not
public, a boost of an internal post) is not kept; outside accounts never
sign in and never show with employees.

Each case runs alone: CASE=reply_lands make check TESTS=...
"""
import base64
import contextlib
import sqlite3
import json
import re

import harness as h
import bridge as b

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

# What no page or API field may carry after sanitising.
ACTIVE = re.compile(r"<script|<iframe|<img|<svg|<style|onerror|onclick|"
                    r"onmouseover|javascript:|<form", re.I)
XSS = ('<p>Hello <script>alert(1)</script><img src=x onerror=alert(2)>'
       '<a href="javascript:alert(3)">js</a> '
       '<a href="https://good.example/x" onclick="alert(4)">good link</a>'
       '<svg><script>alert(5)</script></svg><iframe src="https://e.x">'
       '</iframe><style>p{}</style> words kept</p>')


class Env(b.Outside):
    """One Bridge with alice (visible outside, a shared and approved
    post) and boss (an admin, the desk); a fake server with actors."""

    def __init__(self, t, srv):
        super().__init__(t, srv)
        self.alice = srv.api("alice")
        self.boss = srv.api("boss")

    def share(self, text):
        """A post by alice, shared and approved: (id, its Note URL)."""
        r = self.alice.post("/api/v1/statuses", {"status": text,
                                                 "share_outside": "1"})
        self.t.status(r, 200, "alice shares a post")
        pid = r.json()["id"]
        r = self.boss.post("/api/v1/admin/bridge/queue/%s/approve" % pid, {})
        self.t.status(r, 200, "the desk approves it")
        return pid, "%s/users/alice/statuses/%s" % (self.srv.pub, pid)

    def outside_post(self, oid):
        rows = self.srv.rows("SELECT id, content_html, visibility, "
                             "coalesce(group_id, 0), author_id FROM posts "
                             "WHERE outside_uri = ?", oid)
        return rows[0] if rows else None

    def context(self, pid, who=None):
        r = (who or self.alice).get("/api/v1/statuses/%s/context" % pid)
        self.t.status(r, 200, "the thread reads")
        return r.json()

    def notifications(self, who=None, types=None):
        q = "".join("&types[]=" + x for x in (types or []))
        r = (who or self.alice).get("/api/v1/notifications?limit=40" + q)
        return r.json() if r.status == 200 else []


@contextlib.contextmanager
def fixture(t):
    with b.Bridge(t) as srv:
        srv.add_user("alice")
        srv.add_user("boss", admin=True)
        srv.add_user("dave")
        srv.opt_in("alice")
        yield Env(t, srv)


@h.case
def reply_lands(t, fx):
    """A reply to a shared post: in the thread, as name@host, sanitised,
    marked as from outside, and alice is told."""
    pid, note = fx.share("What do you think of the new release?")
    eve = fx.actor("eve", name='Eve <b onclick="x()">E</b>',
                   summary='<p>Bio<script>alert(1)</script></p>',
                   url=fx.fake.origin + "/@eve")
    n = fx.note(eve, XSS, reply_to=note,
                tag=[{"type": "Mention", "href": fx.srv.pub +
                      "/users/alice", "name": "@alice@" + fx.srv.domain}])
    st, text = fx.send(fx.activity(eve, "Create", n, to=[PUBLIC]))
    t.is_(st, 202, "the Create is accepted") or t.diag(text)
    row = fx.outside_post(n["id"])
    t.ok(row is not None, "it is kept as an outside post")
    if row is None:
        return
    t.is_(row[2], 1, "stored unlisted: every employee reads it, no stream")
    t.is_(row[3], 0, "in no group")
    ctx = fx.context(pid)
    kids = [s for s in ctx["descendants"] if s["uri"] == n["id"]]
    t.is_(len(kids), 1, "the reply is in the shared post's thread")
    if kids:
        s = kids[0]
        t.is_(s["account"]["acct"], "eve@" + fx.fake.domain,
              "its account's acct is name@host")
        t.is_(s["account"]["username"], "eve", "username is the name alone")
        t.is_(s["account"]["url"], fx.fake.origin + "/@eve",
              "the account's url is its page outside")
        t.ok(s["account"].get("hearth", {}).get("outside"),
             "the account says it is from outside")
        t.is_(s["in_reply_to_id"], pid, "in_reply_to_id is the shared post")
        t.ok(not ACTIVE.search(s["content"]), "no active content survives",
             s["content"])
        t.like(s["content"], r"words kept", "the words stay")
        t.like(s["content"], r'<a href="https://good.example/x" '
               r'rel="nofollow noopener noreferrer ugc"',
               "links are kept, marked nofollow noopener noreferrer ugc")
        t.is_(s["account"]["display_name"], 'Eve <b onclick="x()">E</b>',
              "the display name is kept as plain text (escaped where shown)")
        t.ok(not ACTIVE.search(s["account"]["note"]),
             "the outside bio has no active content")
        t.is_(s["url"], n["url"], "the status url is its page outside")
    notes = fx.notifications(types=["mention"])
    t.ok(any(x.get("status", {}).get("uri") == n["id"] for x in notes),
         "alice is notified of the reply")

    # The web: the thread shows it, marked, escaped.
    c = fx.srv.client()
    c.login("alice")
    page = c.get("/@alice/%s" % pid)
    t.status(page, 200, "the post's page renders")
    t.like(page.text, r"From outside", "the reply is marked as from outside")
    t.like(page.text, r"@eve@" + re.escape(fx.fake.domain),
           "the author shows as @eve@host")
    t.ok(not re.search(r"<script>alert|onerror=|<b onclick|"
                       r"javascript:alert", page.text),
         "no active content from outside on the page")
    web = c.get("/@eve@%s/%s" % (fx.fake.domain, row[0]))
    t.status(web, 200, "the outside post has its own page inside")
    notif = c.get("/notifications")
    t.like(notif.text, r"eve@" + re.escape(fx.fake.domain),
           "the notifications page names eve@host")
    t.like(notif.text, r"From outside · " + re.escape(fx.fake.domain),
           "and says she is from outside")

    # Not in the company stream; searchable by people inside.
    pub = fx.alice.get("/api/v1/timelines/public?limit=40").json()
    t.ok(not any(s["uri"] == n["id"] for s in pub),
         "it is not in the company stream")
    found = fx.srv.api("dave").get("/api/v2/search?q=kept&type=statuses")
    t.ok(any(s["uri"] == n["id"] for s in found.json().get("statuses", [])),
         "dave (any employee) finds it by search")

    # The same activity again: nothing twice.
    st, _ = fx.send(fx.activity(eve, "Create", n, to=[PUBLIC]))
    t.is_(fx.srv.rows("SELECT COUNT(*) FROM posts WHERE outside_uri = ?",
                      n["id"]), [(1,)], "a second Create keeps one post")


@h.case
def likes_and_boosts(t, fx):
    """Like and Announce count on the shared post and notify; Undo (by id
    or by the embedded activity) takes them back; twice counts once."""
    pid, note = fx.share("Like me")
    fan = fx.actor("fan")
    like = fx.activity(fan, "Like", note)
    t.is_(fx.send(like)[0], 202, "a Like is accepted")
    like2 = fx.activity(fan, "Like", note)
    t.is_(fx.send(like2)[0], 202, "a second Like by the same actor too")
    s = fx.alice.get("/api/v1/statuses/%s" % pid).json()
    t.is_(s["favourites_count"], 1, "the like counts once")
    boost = fx.activity(fan, "Announce", note, to=[PUBLIC])
    t.is_(fx.send(boost)[0], 202, "an Announce is accepted")
    s = fx.alice.get("/api/v1/statuses/%s" % pid).json()
    t.is_(s["reblogs_count"], 1, "the boost counts")
    kinds = {x["type"] for x in fx.notifications()
             if x.get("status", {}).get("id") == pid}
    t.ok({"favourite", "reblog"} <= kinds, "alice is told of both",
         str(kinds))
    who = fx.alice.get("/api/v1/statuses/%s/favourited_by" % pid).json()
    t.ok(any(a["acct"] == "fan@" + fx.fake.domain for a in who),
         "favourited_by names fan@host")
    t.is_(fx.send(fx.activity(fan, "Undo", like2["id"]))[0], 202,
          "Undo by the Like's id is accepted")
    t.is_(fx.send(fx.activity(fan, "Undo", boost))[0], 202,
          "Undo with the Announce embedded is accepted")
    s = fx.alice.get("/api/v1/statuses/%s" % pid).json()
    t.is_((s["favourites_count"], s["reblogs_count"]), (0, 0),
          "both are taken back")


@h.case
def update_and_delete(t, fx):
    """The author's Update edits the post and Delete removes it; another
    actor's are refused and change nothing."""
    pid, note = fx.share("Edit me")
    eve = fx.actor("eve2")
    mallory = fx.actor("mallory", key=fx.other_key)
    n = fx.note(eve, "<p>first words</p>", reply_to=note)
    t.is_(fx.send(fx.activity(eve, "Create", n))[0], 202, "eve replies")
    first = fx.outside_post(n["id"])
    t.ok(first, "kept")
    forged = dict(n, content="<p>mallory was here</p>",
                  attributedTo=mallory)
    st, text = fx.send(fx.activity(mallory, "Update", forged),
                       key=fx.other_key)
    t.ok(st in (400, 401, 403), "mallory's Update of eve's post is refused",
         "%s %s" % (st, text))
    st, text = fx.send(fx.activity(mallory, "Update", dict(
        n, content="<p>mallory again</p>", attributedTo=eve)),
        key=fx.other_key)
    t.ok(st in (400, 401, 403), "an Update attributed to eve but sent by "
         "mallory is refused", "%s %s" % (st, text))
    t.is_(fx.outside_post(n["id"])[1], first[1], "the post is unchanged")
    st, text = fx.send(fx.activity(eve, "Update", dict(
        n, content="<p>better words</p>",
        updated="2026-12-06T11:00:00Z")))
    t.is_(st, 202, "eve's own Update is accepted") or t.diag(text)
    t.like(fx.outside_post(n["id"])[1], "better words", "the post is edited")
    hist = fx.alice.get("/api/v1/statuses/%s/history" % first[0])
    t.ok(hist.status == 200 and len(hist.json()) >= 2,
         "its earlier version is in the history")
    st, text = fx.send(fx.activity(mallory, "Delete", n["id"]),
                       key=fx.other_key)
    t.is_(st, 403, "mallory's Delete is refused") or t.diag(text)
    t.ok(fx.outside_post(n["id"]), "the post stays")
    st, text = fx.send(fx.activity(eve, "Delete", {"id": n["id"],
                                                   "type": "Tombstone"}))
    t.is_(st, 202, "eve's Delete is accepted") or t.diag(text)
    t.is_(fx.outside_post(n["id"]), None, "the post is gone")


@h.case
def answer_outside(t, fx):
    """An employee's reply to an outside post goes outside by construction:
    it waits at the desk, then reaches the outside author's server as a
    Create that answers their note and tags them. Someone not visible
    outside, or a reply that is not public, is refused with the reason."""
    pid, note = fx.share("Tell us what you think")
    eve = fx.actor("eve3")
    n = fx.note(eve, "<p>I think it is great</p>", reply_to=note)
    t.is_(fx.send(fx.activity(eve, "Create", n))[0], 202, "eve replies")
    row = fx.outside_post(n["id"])
    t.ok(row, "kept")
    if not row:
        return
    r = fx.alice.post("/api/v1/statuses", {"status": "Thank you, Eve!",
                                           "in_reply_to_id": str(row[0])})
    t.status(r, 200, "alice answers eve") or t.diag(r.text)
    mine = r.json()["id"]
    t.is_(fx.srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?",
                      mine), [("pending",)],
          "the answer is shared by construction and waits at the desk")
    t.ok(not [x for x in fx.fake.posts() if b"Thank you" in (x["body"] or
                                                             b"")],
         "nothing went out before the desk decided")
    fx.boss.post("/api/v1/admin/bridge/queue/%s/approve" % mine, {})
    got = h.poll(lambda: [json.loads(x["body"]) for x in fx.fake.posts()
                          if b"Thank you" in (x["body"] or b"")], 20)
    t.ok(got, "after approval the answer reaches eve's server")
    if got:
        obj = got[0]["object"]
        t.is_(got[0]["type"], "Create", "as a Create")
        t.is_(obj.get("inReplyTo"), n["id"], "inReplyTo is eve's note")
        t.ok(eve in obj.get("cc", []), "eve is addressed (cc)")
        t.ok(any(x.get("type") == "Mention" and x.get("href") == eve
                 for x in obj.get("tag", [])), "eve is tagged")
    pub = fx.srv.public().get("/users/alice/statuses/%s" % mine,
                              headers={"Accept": b.AS_TYPE})
    t.is_(pub.json().get("inReplyTo"), n["id"],
          "the Note served on the public listener answers eve's too")

    dave = fx.srv.api("dave")
    r = dave.post("/api/v1/statuses", {"status": "me too",
                                       "in_reply_to_id": str(row[0])})
    t.is_(r.status, 403, "dave, not visible outside, cannot answer outside")
    t.like(r.text, r"visible outside", "and is told why")
    r = fx.alice.post("/api/v1/statuses", {"status": "quietly",
                                           "visibility": "unlisted",
                                           "in_reply_to_id": str(row[0])})
    t.is_(r.status, 403, "a reply outside that is not public is refused")
    t.like(r.text, r"public", "and says it must be public")


@h.case
def reports(t, fx):
    """Anyone inside reports an outside post to the desk with a reason; the
    desk sees it (web and API) and resolves it: the post goes and its
    author is blocked. Only outside posts can be reported; only the desk
    sees and resolves reports."""
    pid, note = fx.share("report me")
    eve = fx.actor("eve4")
    n = fx.note(eve, "<p>rude words</p>", reply_to=note)
    t.is_(fx.send(fx.activity(eve, "Create", n))[0], 202, "eve replies")
    row = fx.outside_post(n["id"])
    if not row:
        t.ok(False, "kept")
        return
    c = fx.srv.client()
    c.login("dave")
    page = c.get("/@alice/%s" % pid)
    t.like(page.text, r'href="/bridge/report/%s"' % row[0],
           "the outside post has a Report link, for anyone inside")
    form = c.get("/bridge/report/%s" % row[0])
    t.status(form, 200, "the report form")
    t.like(form.text, r"rude words", "it shows what is reported")
    tok = c.csrf("/bridge/report/%s" % row[0])
    r = c.post("/bridge/report/%s" % row[0], {"csrf": tok,
                                               "reason": "Insults a colleague"})
    t.status(r, 200, "dave reports it")
    t.like(r.text, r"The desk has your report", "and is thanked")
    t.is_(c.get("/bridge/report/%s" % pid).status, 404,
          "an inside post cannot be reported to the desk")
    t.is_(fx.srv.api("dave").get("/api/v1/admin/bridge/reports").status,
          403, "dave cannot list reports")
    lst = fx.boss.get("/api/v1/admin/bridge/reports").json()
    mine = [x for x in lst if x.get("status_id") == str(row[0])]
    t.is_(len(mine), 1, "the desk lists the report")
    if not mine:
        return
    t.is_((mine[0]["reason"], mine[0]["reporter"], mine[0]["acct"]),
          ("Insults a colleague", "dave", "eve4@" + fx.fake.domain),
          "with the reason, the reporter and the author")
    notes = [x for x in fx.notifications(fx.boss)
             if x["type"] == "bridge.report"]
    t.ok(notes, "the desk is notified")
    web = fx.srv.client()
    web.login("boss")
    t.like(web.get("/bridge/desk").text, r"\(1 open\)",
           "the desk page says one report is open")
    t.like(web.get("/bridge/desk/reports").text, r"Insults a colleague",
           "the reports page shows it")
    r = fx.srv.api("dave").post("/api/v1/admin/bridge/reports/%s/resolve"
                                % mine[0]["id"], {"action": "remove"})
    t.is_(r.status, 403, "dave cannot resolve it")
    r = fx.boss.post("/api/v1/admin/bridge/reports/%s/resolve" %
                     mine[0]["id"], {"action": "frob"})
    t.is_(r.status, 422, "an unknown action is refused")
    r = fx.boss.post("/api/v1/admin/bridge/reports/%s/resolve" %
                     mine[0]["id"], {"action": "block_actor"})
    t.status(r, 200, "the desk removes it and blocks eve")
    t.is_(fx.outside_post(n["id"]), None, "the post is gone")
    t.is_(fx.srv.rows("SELECT COUNT(*) FROM bridge_blocked_actors WHERE "
                      "actor = ?", eve), [(1,)], "eve is blocked")
    st, _ = fx.send(fx.activity(eve, "Create", fx.note(
        eve, "<p>again</p>", reply_to=note)))
    t.is_(st, 403, "eve's next reply is refused")
    r = fx.boss.post("/api/v1/admin/bridge/reports/%s/resolve" %
                     mine[0]["id"], {"action": "dismiss"})
    t.is_(r.status, 409, "a resolved report stays resolved")


@h.case
def forward_to_group(t, fx):
    """Anyone inside forwards an outside reply into one of their groups
    with a note: the group gets a post crediting the outside author and
    linking to the thread, which mentions nobody and never leaves. A group
    routed for alice gets every outside reply to her shared posts."""
    pid, note = fx.share("Feedback welcome")
    r = fx.boss.post("/api/v1/groups", {"name": "Product feedback",
                                         "visibility": "private"})
    t.status(r, 200, "a private group")
    gid = r.json()["id"]
    eve = fx.actor("eve5")
    n = fx.note(eve, "<p>Please add dark mode, @alice #wish</p>",
                reply_to=note)
    t.is_(fx.send(fx.activity(eve, "Create", n))[0], 202, "eve replies")
    row = fx.outside_post(n["id"])
    if not row:
        t.ok(False, "kept")
        return
    c = fx.srv.client()
    c.login("boss")
    form = c.get("/bridge/forward/%s" % row[0])
    t.status(form, 200, "the forward form")
    t.like(form.text, r"Product feedback", "it offers boss's groups")
    tok = c.csrf("/bridge/forward/%s" % row[0])
    r = c.post("/bridge/forward/%s" % row[0], {"csrf": tok, "group_id": gid,
                                                "note": "Worth a look"})
    t.is_(r.status, 303, "boss forwards it") or t.diag(r.text[:300])
    t.like(r.header("location") or "", r"/groups/%s$" % gid,
           "and lands in the group")
    posts = fx.boss.get("/api/v1/timelines/group/%s" % gid).json()
    fw = [s for s in posts if "Worth a look" in s["content"]]
    t.is_(len(fw), 1, "the group has the forward")
    if fw:
        s = fw[0]
        t.like(s["content"], r"dark mode", "quoting the outside post")
        t.like(s["content"], r"eve5@" + re.escape(fx.fake.domain),
               "crediting its author")
        t.like(s["content"], r'href="[^"]*/@eve5@%s/%s"' % (re.escape(
            fx.fake.domain), row[0]), "linking to the thread")
        t.is_(s["mentions"], [], "words from outside mention nobody inside")
        t.is_(s["tags"], [], "and tag nothing")
        t.is_(fx.srv.rows("SELECT COUNT(*) FROM bridge_shares WHERE "
                          "post_id = ?", int(s["id"])), [(0,)],
              "a group's post is never shared outside")
    r = fx.srv.ctl("bridge", "route", "add", str(gid), "alice")
    t.is_(r.returncode, 1, "a route for alice needs her in the group")
    alice_id = fx.alice.me().json()["id"]
    r = fx.boss.post("/api/v1/groups/%s/members" % gid,
                     {"account_id": alice_id})
    t.status(r, 200, "boss adds alice to the group")
    r = fx.boss.post("/api/v1/groups/%s/members" % gid,
                     {"account_id": str(row[4])})
    t.is_(r.status, 404, "an outside account can never join a group")
    r = fx.srv.ctl("bridge", "route", "add", str(gid), "alice")
    t.is_(r.returncode, 0, "hearthctl bridge route add") or t.diag(r.stderr)
    n2 = fx.note(eve, "<p>And a keyboard shortcut</p>", reply_to=note)
    t.is_(fx.send(fx.activity(eve, "Create", n2))[0], 202, "eve again")
    posts = h.poll(lambda: [s for s in fx.boss.get(
        "/api/v1/timelines/group/%s" % gid).json()
        if "keyboard shortcut" in s["content"]], 10)
    t.ok(posts, "the routed group gets the reply by itself")
    if posts:
        t.is_(posts[0]["account"]["acct"], "alice",
              "as a forward by the person it answered")
        t.like(posts[0]["content"], r"Forwarded automatically",
               "marked as automatic")


@h.case
def actor_deleted(t, fx):
    """An outside account that deletes itself takes what it said inside
    with it: its replies go (the shared post's count too), its account
    shows suspended; the card of an outside post says where it is from,
    not "unlisted"."""
    pid, note = fx.share("Goodbye soon")
    gone = fx.actor("leaver")
    ids = []
    for text in ("<p>one</p>", "<p>two</p>"):
        n = fx.note(gone, text, reply_to=note)
        t.is_(fx.send(fx.activity(gone, "Create", n))[0], 202, "a reply")
        ids.append(n["id"])
    s = fx.alice.get("/api/v1/statuses/%s" % pid).json()
    t.is_(s["replies_count"], 2, "two replies counted")
    c = fx.srv.client()
    c.login("alice")
    page = c.get("/@alice/%s" % pid)
    t.ok("From outside" in page.text and ">unlisted<" not in page.text,
         "outside cards say where they are from, not unlisted")
    row = fx.outside_post(ids[0])
    st, text = fx.send(fx.activity(gone, "Delete", gone, to=[PUBLIC]))
    t.is_(st, 202, "the actor's Delete of itself is accepted") or t.diag(
        text)
    t.is_([fx.outside_post(i) for i in ids], [None, None],
          "its replies are gone")
    s = fx.alice.get("/api/v1/statuses/%s" % pid).json()
    t.is_(s["replies_count"], 0, "and no longer counted")
    acct = fx.alice.get("/api/v1/accounts/%s" % row[4])
    t.ok(acct.status == 404 or acct.json().get("suspended") is True,
         "its account shows suspended (or gone)", acct.text[:200])


@h.case
def not_for_us(t, fx):
    """What is not for the company is not kept: a reply to a post never
    shared, a reply into a private group, a note that is not public (even
    mentioning alice), a boost of an internal post, a note claiming
    someone else wrote it."""
    before = fx.srv.rows("SELECT COUNT(*) FROM posts")[0][0]
    inside = h.post_status(fx.alice, "internal only")["id"]
    r = fx.boss.post("/api/v1/groups", {"name": "Secret", "visibility":
                                         "private"})
    gid = r.json().get("id") if r.status == 200 else None
    grp = None
    if gid:
        grp = h.post_status(fx.boss, "in the secret group",
                            group_id=gid)["id"]
    x = fx.actor("x")
    cases = [
        ("a reply to a post that was never shared", fx.note(
            x, "<p>hi</p>", reply_to="%s/users/alice/statuses/%s" % (
                fx.srv.pub, inside))),
        ("a reply naming a private group's post", fx.note(
            x, "<p>hi</p>", reply_to="%s/users/boss/statuses/%s" % (
                fx.srv.pub, grp or 0))),
        ("a followers-only note mentioning alice", fx.note(
            x, "<p>psst</p>", public=False, tag=[{
                "type": "Mention", "href": fx.srv.pub + "/users/alice"}])),
        ("a note mentioning nobody inside", fx.note(x, "<p>hello</p>")),
    ]
    for what, n in cases:
        st, text = fx.send(fx.activity(x, "Create", n))
        t.ok(st in (202, 400, 403), "%s: answered" % what, "%s %s" % (
            st, text))
        t.is_(fx.outside_post(n["id"]), None, "%s: not kept" % what)
    st, _ = fx.send(fx.activity(x, "Announce", "%s/users/alice/statuses/%s"
                                % (fx.srv.pub, inside)))
    s = fx.alice.get("/api/v1/statuses/%s" % inside).json()
    t.is_(s["reblogs_count"], 0, "a boost of an internal post counts "
          "nothing")
    # attributed to someone else than the sender
    pid, note = fx.share("shared")
    n = fx.note(x, "<p>not mine</p>", reply_to=note,
                attributedTo=fx.fake.origin + "/users/someone")
    st, text = fx.send(fx.activity(x, "Create", n))
    t.ok(st in (400, 403), "a note attributed to another actor is refused",
         "%s %s" % (st, text))
    t.is_(fx.outside_post(n["id"]), None, "and not kept")
    after = fx.srv.rows("SELECT COUNT(*) FROM posts")[0][0]
    t.is_(after - before, 2 + (1 if grp else 0),
          "only the test's own posts were made")


@h.case
def domain_policy(t, fx):
    """hearthctl bridge domain block: refused at the inbox before any
    signature work (no key fetched), its followers gone; silence: kept,
    nobody told; remove: welcome again. An actor block refuses one."""
    pid, note = fx.share("policy")
    host = fx.fake.host
    r = fx.srv.ctl("bridge", "domain", "block", host, "spam", "wave")
    t.is_(r.returncode, 0, "hearthctl bridge domain block") or t.diag(
        r.stderr)
    fresh = fx.actor("newcomer")
    gets = len(fx.fake.gets())
    n = fx.note(fresh, "<p>hi</p>", reply_to=note)
    st, text = fx.send(fx.activity(fresh, "Create", n))
    t.is_(st, 403, "a blocked server's activity is refused")
    t.like(text, r"blocked", "and told why")
    t.is_(len(fx.fake.gets()), gets, "no key was fetched for it")
    t.is_(fx.outside_post(n["id"]), None, "nothing kept")
    r = fx.srv.ctl("bridge", "domain", "list")
    t.like(r.stdout, r"block\s+" + re.escape(host) + r".*spam wave",
           "domain list shows it with its note")
    t.is_(fx.srv.ctl("bridge", "domain", "silence", host).returncode, 0,
          "silence it instead")
    before = len(fx.notifications())
    n2 = fx.note(fresh, "<p>quietly</p>", reply_to=note)
    t.is_(fx.send(fx.activity(fresh, "Create", n2))[0], 202,
          "a silenced server's reply is accepted")
    t.ok(fx.outside_post(n2["id"]), "and kept in the thread")
    t.is_(len(fx.notifications()), before, "but tells nobody")
    t.is_(fx.srv.ctl("bridge", "domain", "remove", host).returncode, 0,
          "remove the policy")
    n3 = fx.note(fresh, "<p>hello again</p>", reply_to=note)
    t.is_(fx.send(fx.activity(fresh, "Create", n3))[0], 202,
          "welcome again")
    t.ok(any(x.get("status", {}).get("uri") == n3["id"]
             for x in fx.notifications()), "and alice is told")
    r = fx.srv.ctl("bridge", "actor", "block", fresh)
    t.is_(r.returncode, 0, "hearthctl bridge actor block")
    n4 = fx.note(fresh, "<p>blocked me</p>", reply_to=note)
    st, text = fx.send(fx.activity(fresh, "Create", n4))
    t.is_(st, 403, "a blocked actor is refused")
    t.is_(fx.srv.ctl("bridge", "domain", "frobnicate", host).returncode, 2,
          "a wrong verb is a usage error")
    r = fx.srv.ctl("bridge", "domain", "block", "not a domain")
    t.is_(r.returncode, 1, "a wrong domain is refused")
    t.like(r.stderr, r"not a domain", "with the reason")


@h.case
def domains_page(t, fx):
    """Admins set domain policies on a page too; others cannot."""
    web = fx.srv.client()
    web.login("boss")
    page = web.get("/bridge/domains")
    t.status(page, 200, "the admin page")
    t.like(page.text, r"Open mode", "it says the mode")
    tok = web.csrf("/bridge/domains")
    r = web.post("/bridge/domains", {"csrf": tok, "domain":
                                     "Spam.Example.", "policy": "block",
                                     "note": "a spam wave"})
    t.is_(r.status, 303, "boss blocks spam.example")
    t.is_(fx.srv.rows("SELECT policy, note FROM bridge_domains WHERE "
                      "domain = 'spam.example'"), [("block", "a spam wave")],
          "stored lower-case, without the dot")
    t.like(web.get("/bridge/domains").text, r"spam\.example",
           "the page lists it")
    r = web.post("/bridge/domains", {"csrf": tok, "domain": "bad domain!",
                                     "policy": "block"})
    t.is_(r.status, 422, "a wrong domain is refused on the page")
    t.like(r.text, r"not a domain", "saying why")
    r = web.post("/bridge/domains", {"csrf": tok, "domain": "spam.example",
                                     "policy": "remove"})
    t.is_(r.status, 303, "and removes it")
    t.is_(fx.srv.rows("SELECT COUNT(*) FROM bridge_domains"), [(0,)],
          "gone")
    d = fx.srv.client()
    d.login("dave")
    t.is_(d.get("/bridge/domains").status, 403, "dave may not see it")


@h.case
def hostile_bodies(t, fx):
    """JSON nested deeper than a note ever is, and a body over the
    public listener's limit: refused before any signature work."""
    x = fx.actor("deep")
    act = fx.activity(x, "Create", fx.note(x, "<p>x</p>"))
    deep = {"a": 1}
    for _ in range(200):
        deep = {"a": deep}
    act["object"]["extra"] = deep
    st, text = fx.send(act)
    t.is_(st, 400, "deeply nested JSON is refused")
    t.like(text, r"nests too deeply", "and told why")
    big = fx.activity(x, "Create", fx.note(x, "<p>" + "x" * 300000 +
                                           "</p>"))
    st, text = fx.send(big)
    t.is_(st, 413, "a 300 KB activity is refused (413)")


@h.case
def outside_accounts_stay_outside(t, fx):
    """An outside account never signs in, is not in the directory or the
    user count, and a local mention of its name is no mention of it."""
    pid, note = fx.share("hello")
    fx.actor("zed")
    zed = fx.fake.origin + "/users/zed"
    t.is_(fx.send(fx.activity(zed, "Create", fx.note(
        zed, "<p>hi</p>", reply_to=note)))[0], 202, "zed replies")
    acct = "zed@" + fx.fake.domain
    t.is_(fx.srv.rows("SELECT COUNT(*) FROM users WHERE username = ?",
                      acct), [(1,)], "zed has an outside account")
    c = fx.srv.client()
    r = c.login(acct, password="")
    t.ok(r.status != 303, "zed's account cannot sign in")
    users = fx.alice.get("/api/v1/directory?limit=80").json()
    t.ok(not any(a["acct"] == acct for a in users),
         "zed is not in the directory")
    inst = fx.alice.get("/api/v1/instance").json()
    t.is_(inst["stats"]["user_count"], 3, "the user count is employees'")
    r = fx.srv.ctl("user", "list")
    t.ok(acct not in r.stdout, "hearthctl user list shows employees only")


# A 64x32 grey JPEG (libvips, no metadata); exif_jpeg() adds a phone's
# EXIF segment carrying a position.
GREY_JPEG = base64.b64decode(
    "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1R"
    "V19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAgAEADASIAAhEBAxEB/8QA"
    "HwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQID"
    "AAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6"
    "Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWm"
    "p6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC"
    "AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5"
    "OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOk"
    "paanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oA"
    "DAMBAAIRAxEAPwDpKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigD/2Q==")
SECRET = b"GPS-48.8584N-2.2945E"


def exif_jpeg():
    """GREY_JPEG with an APP1 Exif segment (a GPS IFD pointer and the
    position's bytes) right after SOI."""
    exif = (b"Exif\0\0II*\0\x08\0\0\0\x01\0\x25\x88\x04\0\x01\0\0\0"
            b"\x1a\0\0\0\0\0\0\0" + SECRET)
    seg = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    return GREY_JPEG[:2] + seg + GREY_JPEG[2:]


@h.case
def avatars(t, fx):
    """An outside account's picture is fetched through the bridge's
    client, made into pixels again (no EXIF, no position) and shown as its
    avatar; an SVG or a fake image is refused, and the identicon stays."""
    pid, note = fx.share("pictures")
    fx.fake.route("/pic.jpg", body=exif_jpeg(), ctype="image/jpeg",
                  method="GET")
    fx.fake.route("/pic.svg", body=b'<svg xmlns="http://www.w3.org/2000/'
                  b'svg" onload="alert(1)"/>', ctype="image/svg+xml",
                  method="GET")
    fx.fake.route("/fake.png", body=b"<html>not a png</html>",
                  ctype="image/png", method="GET")
    kinds = {"photo": "/pic.jpg", "svg": "/pic.svg", "fake": "/fake.png"}
    accounts = {}
    for who, path in kinds.items():
        actor = fx.actor(who, icon={"type": "Image", "mediaType":
                                    "image/jpeg", "url": fx.fake.origin +
                                    path})
        st, _ = fx.send(fx.activity(actor, "Create", fx.note(
            actor, "<p>hi from %s</p>" % who, reply_to=note)))
        t.is_(st, 202, "%s replies" % who)
        accounts[who] = actor
    rows = fx.srv.wait_rows("SELECT state FROM bridge_avatars ORDER BY "
                            "account_id", [("done",), ("failed",),
                                           ("failed",)])
    t.is_(rows, [("done",), ("failed",), ("failed",)], "the photo is kept; "
          "the SVG and the fake are refused")
    ctx = fx.context(pid)
    by = {s["account"]["username"]: s["account"] for s in
          ctx["descendants"]}
    photo = by.get("photo", {})
    t.like(photo.get("avatar", ""), r"/media/[A-Za-z0-9_-]{22}\.jpg$",
           "the photo is the account's avatar, under a media name")
    c = fx.srv.client()
    r = c.get("/media/" + photo.get("avatar", "/x").rsplit("/", 1)[-1])
    t.status(r, 200, "the avatar is served")
    body = r.body
    t.ok(body.startswith(b"\xff\xd8") and SECRET not in body and
         b"Exif" not in body, "... a JPEG without EXIF or the position")
    for who in ("svg", "fake"):
        t.like(by.get(who, {}).get("avatar", ""), r"/avatars/outside_\d+"
               r"\.png$", "%s: the identicon stays" % who)
    errors = [e for (e,) in fx.srv.rows("SELECT error FROM bridge_avatars "
                                        "WHERE state = 'failed'")]
    t.ok(all(errors), "each refusal says why", "; ".join(map(str, errors)))


@h.case
def key_rotation(t, fx):
    """An actor that changes its key: its next activity, signed with the
    new one, is accepted after one fetch of the actor (not more than once
    a minute); a key the actor does not list is still refused."""
    pid, note = fx.share("rotation")
    rotor = fx.actor("rotor")
    st, _ = fx.send(fx.activity(rotor, "Create", fx.note(
        rotor, "<p>first</p>", reply_to=note)))
    t.is_(st, 202, "the actor replies with its first key (cached now)")
    fx.fake.actor("rotor", fx.other_key)       # it rotates its key
    n2 = fx.note(rotor, "<p>second</p>", reply_to=note)
    st, _ = fx.send(fx.activity(rotor, "Create", n2), key=fx.other_key)
    t.is_(st, 401, "within a minute of the last fetch, a signature the "
          "cached key does not verify is refused (no refetch storm)")
    db = sqlite3.connect(fx.srv.db, timeout=10)
    db.execute("UPDATE bridge_remote_actors SET fetched_at = fetched_at - "
               "120 WHERE id = ?", (rotor,))
    db.commit()
    db.close()
    before = sum(1 for q in fx.fake.requests if q["path"] == "/users/rotor")
    st, text = fx.send(fx.activity(rotor, "Create", n2), key=fx.other_key)
    t.is_(st, 202, "later, the new key is fetched and verifies") or \
        t.diag(text)
    after = sum(1 for q in fx.fake.requests if q["path"] == "/users/rotor")
    t.is_(after - before, 1, "... with one fetch of the actor")
    t.ok(fx.outside_post(n2["id"]), "... and the reply is kept")
    forged = b.RsaKey(t)
    st, _ = fx.send(fx.activity(rotor, "Create", fx.note(
        rotor, "<p>forged</p>", reply_to=note)), key=forged)
    t.is_(st, 401, "a key the actor does not list is refused")


@h.case
def allowlist_and_rates(t, fx):
    """bridge.mode = allowlist lets in only allowed servers; the inbox
    holds each actor to its rate (429 with Retry-After)."""
    with b.Bridge(t, name="strict", **{
            "bridge.mode": "allowlist", "bridge.inbox_rate_actor": "1",
            "bridge.inbox_rate_host": "100"}) as srv:
        srv.add_user("alice")
        srv.opt_in("alice")
        env = b.Outside(t, srv, fake=fx.fake, key=fx.key)
        x = env.actor("allowme")
        st, text = env.send(env.activity(x, "Like", srv.pub +
                                         "/users/alice/statuses/1"))
        t.is_(st, 403, "allowlist: a server not allowed is refused")
        t.like(text, r"only to servers it allowed", "and told why")
        t.is_(srv.ctl("bridge", "domain", "allow",
                      fx.fake.host).returncode, 0, "allow it")
        codes, retry = [], None
        for _ in range(12):
            st, text = env.send(env.activity(x, "Like", srv.pub +
                                             "/users/alice/statuses/1"))
            codes.append(st)
        t.is_(codes[0], 202, "allowed: accepted")
        t.ok(429 in codes, "beyond its rate an actor gets 429", str(codes))
        body = json.dumps(env.activity(x, "Like", "x")).encode()
        hdrs = b.cavage_sign(fx.key, x + "#main-key", "POST", "/inbox",
                             srv.domain, body)
        hdrs["Content-Type"] = b.AS_TYPE
        import http.client
        c = http.client.HTTPConnection(srv.pub_host, srv.pub_port,
                                       timeout=10)
        c.request("POST", "/inbox", body, hdrs)
        resp = c.getresponse()
        retry = resp.getheader("Retry-After")
        t.is_(resp.status, 429, "still limited")
        t.ok(retry is not None and retry.isdigit(),
             "429 says Retry-After in seconds", str(retry))


if __name__ == "__main__":
    h.main_cases(fixture)
