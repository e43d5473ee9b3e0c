"""Scheduled statuses, as Mastodon's (issue 21 point 5): POST
/api/v1/statuses with scheduled_at at least five minutes ahead answers a
ScheduledStatus and posts nothing yet; GET, PUT (scheduled_at) and DELETE
/api/v1/scheduled_statuses/:id, for their author only; at the time, the
post goes out exactly once, even when hearthd was stopped meanwhile.

Publishing cases run a hearthd with HEARTH_SCHEDULE_MIN_LEAD=2 (seconds),
the test hook that stands in for the five minutes.

Each case can run alone: make check TESTS=tests/integration/test_scheduled.py
CASE=publishes (or `python3 .../test_scheduled.py --list`)."""
import contextlib
import datetime
import struct
import time
import uuid
import zlib

import harness as h

FAST = {"HEARTH_SCHEDULE_MIN_LEAD": "2"}


def iso(seconds_ahead):
    t = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(seconds=seconds_ahead)
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def png():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"\0" + bytes((10, 200, 10)) * 2
    raw = raw * 2
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def upload(c):
    """Upload a small picture through the media API; its id."""
    b = "hearth-%s" % uuid.uuid4().hex
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n" % b
            ).encode() + png() + ("\r\n--%s--\r\n" % b).encode()
    r = c.request("POST", "/api/v1/media", body=body, headers={
        "Content-Type": "multipart/form-data; boundary=" + b})
    if r.status != 200:
        raise RuntimeError("upload failed: " + r.summary())
    return r.json()["id"]


def schedule(c, text, ahead, **fields):
    fields["status"] = text
    fields["scheduled_at"] = iso(ahead)
    return c.post("/api/v1/statuses", fields)


def texts(c, path):
    r = c.get(path)
    return [s.get("content", "") for s in r.json()] if r.status == 200 \
        else None


def my_posts(c, who, text):
    """How many of who's posts say text."""
    got = texts(c, "/api/v1/accounts/%s/statuses?limit=40" % who.id) or []
    return sum(text in s for s in got)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people("alice", "bob")
        yield srv


@h.case
def schedule_answers_entity(t, srv):
    """scheduled_at 10 minutes ahead: 200 ScheduledStatus, no post yet."""
    alice, bob = srv.p["alice"], srv.p["bob"]
    bob.post("/api/v1/accounts/%s/follow" % alice.id)
    r = schedule(alice, "Monday's news", 600, visibility="unlisted",
                 spoiler_text="cw", language="en")
    t.status(r, 200, "scheduling answers 200")
    s = r.json()
    t.ok(isinstance(s.get("id"), str) and s["id"], "an id, a string")
    t.ok("content" not in s and "account" not in s, "not a Status")
    t.like(s.get("scheduled_at", ""), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
           "scheduled_at in ISO 8601")
    p = s.get("params", {})
    t.is_(p.get("text"), "Monday's news", "params.text")
    t.is_(p.get("visibility"), "unlisted", "params.visibility")
    t.is_(p.get("spoiler_text"), "cw", "params.spoiler_text")
    t.is_(p.get("language"), "en", "params.language")
    t.ok("poll" in p and p["poll"] is None, "params.poll is null")
    t.is_(s.get("media_attachments"), [], "no media_attachments")
    t.is_(my_posts(alice, alice, "Monday"), 0, "nothing in her statuses")
    t.ok(not any("Monday" in x for x in texts(bob,
         "/api/v1/timelines/home") or []), "nothing in a follower's home")
    alice.request("DELETE", "/api/v1/scheduled_statuses/" + s["id"])


@h.case
def too_soon_refused(t, srv):
    """Less than five minutes ahead, or in the past, or no date: 422."""
    alice = srv.p["alice"]
    r = schedule(alice, "too soon", 120)
    t.status(r, 422, "2 minutes ahead: 422")
    t.like(r.json().get("error", ""), "must be in the future",
           "... says the date must be in the future")
    t.status(schedule(alice, "past", -3600), 422, "an hour ago: 422")
    r = alice.post("/api/v1/statuses", {"status": "x",
                                        "scheduled_at": "next monday"})
    t.status(r, 422, "not a date: 422")
    t.is_(my_posts(alice, alice, "too soon"), 0, "nothing was posted")
    r = alice.get("/api/v1/scheduled_statuses")
    t.is_(r.json(), [], "nothing was scheduled")


@h.case
def list_get_put_delete(t, srv):
    """The person's list (paginated), one, moved, cancelled."""
    alice = srv.p["alice"]
    ids = [schedule(alice, "later %d" % i, 3600 + i).json()["id"]
           for i in range(3)]
    r = alice.get("/api/v1/scheduled_statuses")
    t.status(r, 200, "GET list")
    t.is_([s["id"] for s in r.json()], ids[::-1], "newest first")
    r = alice.get("/api/v1/scheduled_statuses?limit=2")
    t.is_(len(r.json()), 2, "limit=2: two")
    t.like(r.header("Link") or "", r'max_id=%s' % ids[1],
           "a Link header to the next page")
    r = alice.get("/api/v1/scheduled_statuses?max_id=%s" % ids[1])
    t.is_([s["id"] for s in r.json()], [ids[0]], "max_id pages on")
    r = alice.get("/api/v1/scheduled_statuses/" + ids[0])
    t.status(r, 200, "GET one")
    t.is_(r.json().get("params", {}).get("text"), "later 0", "its text")
    when = iso(7200)
    r = alice.request("PUT", "/api/v1/scheduled_statuses/" + ids[0],
                      form={"scheduled_at": when})
    t.status(r, 200, "PUT a new scheduled_at")
    t.is_(r.json().get("scheduled_at"), when, "... moved")
    r = alice.request("PUT", "/api/v1/scheduled_statuses/" + ids[0],
                      form={"scheduled_at": iso(60)})
    t.status(r, 422, "PUT a time too soon: 422")
    t.is_(alice.get("/api/v1/scheduled_statuses/" + ids[0]).json().get(
        "scheduled_at"), when, "... and it stays")
    for i in ids:
        r = alice.request("DELETE", "/api/v1/scheduled_statuses/" + i)
        t.status(r, 200, "DELETE %s" % i)
    t.status(alice.get("/api/v1/scheduled_statuses/" + ids[0]), 404,
             "a cancelled one is gone")
    t.is_(alice.get("/api/v1/scheduled_statuses").json(), [],
          "the list is empty")


@h.case
def others_cannot_see(t, srv):
    """Another person's scheduled post: not listed, 404 to read, move or
    cancel."""
    alice, bob = srv.p["alice"], srv.p["bob"]
    sid = schedule(alice, "secret plan", 3600).json()["id"]
    t.is_(bob.get("/api/v1/scheduled_statuses").json(), [],
          "bob's list is empty")
    t.status(bob.get("/api/v1/scheduled_statuses/" + sid), 404,
             "bob cannot read it")
    t.status(bob.request("PUT", "/api/v1/scheduled_statuses/" + sid,
                         form={"scheduled_at": iso(7200)}), 404,
             "bob cannot move it")
    t.status(bob.request("DELETE", "/api/v1/scheduled_statuses/" + sid),
             404, "bob cannot cancel it")
    t.status(alice.get("/api/v1/scheduled_statuses/" + sid), 200,
             "it is still alice's")
    alice.request("DELETE", "/api/v1/scheduled_statuses/" + sid)


@h.case
def checks_at_schedule_time(t, srv):
    """A draft that could not be posted cannot be scheduled: the same
    answers, now."""
    alice = srv.p["alice"]
    t.status(schedule(alice, "", 3600), 422, "no text: 422")
    t.status(schedule(alice, "x", 3600, in_reply_to_id="999999"), 404,
             "a reply to nothing: 404")
    t.status(schedule(alice, "x", 3600, visibility="secret"), 422,
             "a bad visibility: 422")
    t.is_(alice.get("/api/v1/scheduled_statuses").json(), [],
          "none was scheduled")


@h.case
def idempotency_key(t, srv):
    """The same Idempotency-Key again answers the same scheduled post."""
    alice = srv.p["alice"]
    hd = {"Idempotency-Key": "sched-%s" % uuid.uuid4().hex}
    f = {"status": "once", "scheduled_at": iso(3600)}
    a = alice.request("POST", "/api/v1/statuses", form=f, headers=hd)
    b = alice.request("POST", "/api/v1/statuses", form=f, headers=hd)
    t.status(a, 200, "first")
    t.status(b, 200, "again")
    t.is_(b.json().get("id"), a.json().get("id"), "the same id")
    t.is_(len(alice.get("/api/v1/scheduled_statuses").json()), 1,
          "one scheduled")
    t.is_(a.json()["params"].get("idempotency"), hd["Idempotency-Key"],
          "params.idempotency")
    alice.request("DELETE", "/api/v1/scheduled_statuses/" + a.json()["id"])


@h.case
def media_attached(t, srv):
    """Uploads go with the scheduled post and are shown; another post
    cannot take them meanwhile."""
    alice = srv.p["alice"]
    mid = upload(alice)
    r = alice.post("/api/v1/statuses", {"status": "with a picture",
                                        "media_ids[]": mid,
                                        "scheduled_at": iso(3600)})
    t.status(r, 200, "scheduled with media_ids")
    s = r.json()
    t.is_(s["params"].get("media_ids"), [mid], "params.media_ids")
    t.is_([m.get("id") for m in s.get("media_attachments", [])], [mid],
          "media_attachments shows the upload")
    t.ok(s["media_attachments"] and s["media_attachments"][0].get("url"),
         "... with its url")
    r = alice.post("/api/v1/statuses", {"status": "other",
                                        "media_ids[]": mid,
                                        "scheduled_at": iso(3700)})
    t.status(r, 422, "another scheduled post cannot take it")
    alice.request("DELETE", "/api/v1/scheduled_statuses/" + s["id"])


@h.case
def scopes(t, srv):
    """read for the list, write to schedule (Mastodon's
    read:statuses / write:statuses)."""
    r = srv.client().get("/api/v1/scheduled_statuses")
    t.status(r, 401, "signed out: 401")


@h.case
def web_page(t, srv):
    """/scheduled lists one's scheduled posts (escaped) with a cancel
    button (CSRF); another's cannot be cancelled."""
    alice = srv.p["alice"]
    sid = schedule(alice, "<b>bold</b> plan", 3600,
                   spoiler_text="surprise").json()["id"]
    web = srv.client()
    t.status(web.login("alice"), 303, "alice signs in")
    r = web.get("/scheduled")
    t.status(r, 200, "GET /scheduled")
    t.ok("&lt;b&gt;bold&lt;/b&gt; plan" in r.text, "the text, escaped")
    t.ok("<b>bold</b>" not in r.text, "never as HTML")
    t.ok("surprise" in r.text, "its content warning")
    t.ok('action="/scheduled/%s/cancel"' % sid in r.text,
         "a cancel button")
    t.ok('href="/scheduled"' in web.get("/").text,
         "linked from the account menu")
    csrf = h.form_field(r.text, "csrf")
    r = web.post("/scheduled/%s/cancel" % sid, {})
    t.status(r, 403, "cancel without the CSRF token: 403")
    other = srv.client()
    other.login("bob")
    r = other.post("/scheduled/%s/cancel" % sid,
                   {"csrf": h.form_field(other.get("/scheduled").text,
                                         "csrf")})
    t.status(r, 404, "bob cannot cancel it")
    t.status(alice.get("/api/v1/scheduled_statuses/" + sid), 200,
             "still scheduled")
    r = web.post("/scheduled/%s/cancel" % sid, {"csrf": csrf})
    t.status(r, 303, "cancel with the token")
    t.status(alice.get("/api/v1/scheduled_statuses/" + sid), 404,
             "cancelled")
    r = web.get("/scheduled?notice=cancelled")
    t.ok("was cancelled" in r.text and "no scheduled posts" in r.text,
         "the page says so, and that none are left")


@h.case
def publishes(t, srv):
    """At the time, the post goes out once (in timelines, with its media
    and group), and the scheduled post is gone."""
    with h.Server(t, name="fast", env=FAST) as fast:
        p = fast.people("carol", "dave")
        carol, dave = p["carol"], p["dave"]
        dave.post("/api/v1/accounts/%s/follow" % carol.id)
        t.status(schedule(carol, "one second", 1), 422,
                 "the lead (2 s here) still holds")
        mid = upload(carol)
        r = carol.post("/api/v1/statuses", {
            "status": "scheduled hello @dave", "media_ids[]": mid,
            "visibility": "public", "scheduled_at": iso(3)})
        t.status(r, 200, "scheduled 3 s ahead")
        sid = r.json()["id"]
        t.is_(my_posts(carol, carol, "scheduled hello"), 0, "not yet")
        ok = h.poll(lambda: my_posts(carol, carol, "scheduled hello") > 0,
                    15, 0.2)
        t.ok(ok, "published within seconds of the time")
        time.sleep(2)
        t.is_(my_posts(carol, carol, "scheduled hello"), 1, "exactly once")
        st = [s for s in carol.get("/api/v1/accounts/%s/statuses" %
                                   carol.id).json()
              if "scheduled hello" in s["content"]]
        if st:
            t.is_([m["id"] for m in st[0]["media_attachments"]], [mid],
                  "with its picture")
        t.ok(any("scheduled hello" in x for x in texts(
            dave, "/api/v1/timelines/home") or []),
            "in a follower's home timeline")
        n = dave.get("/api/v1/notifications").json()
        t.ok(any(x.get("type") == "mention" for x in n),
             "the mentioned person is told")
        t.status(carol.get("/api/v1/scheduled_statuses/" + sid), 404,
                 "the scheduled post is gone")
        # a group post keeps its group
        g = carol.post("/api/v1/groups", {"name": "Sched club",
                                          "visibility": "open"}).json()
        r = schedule(carol, "group news", 3, group_id=g["id"])
        t.status(r, 200, "a group post scheduled")
        t.is_(r.json()["params"].get("group_id"), g["id"],
              "params.group_id")
        ok = h.poll(lambda: any("group news" in s.get("content", "") and
                                (s.get("group") or {}).get("id") == g["id"]
                                for s in carol.get(
                                    "/api/v1/accounts/%s/statuses" %
                                    carol.id).json()), 15, 0.2)
        t.ok(ok, "published in its group")


@h.case
def dropped_when_rules_fail(t, srv):
    """A reply whose target was deleted meanwhile is dropped (and
    logged), as Mastodon drops it."""
    with h.Server(t, name="fast", env=FAST) as fast:
        p = fast.people("erin")
        erin = p["erin"]
        parent = h.post_status(erin, "parent")
        r = schedule(erin, "orphan reply", 3, in_reply_to_id=parent["id"])
        t.status(r, 200, "a reply scheduled")
        erin.request("DELETE", "/api/v1/statuses/" + parent["id"])
        ok = h.poll(lambda: "dropped" in fast.log(), 15, 0.2)
        t.ok(ok, "the log says it was dropped")
        # The line is logged inside the writer's batch, before its commit
        # (an fsync, slow on a loaded machine): wait for the commit.
        t.ok(h.poll(lambda: erin.get("/api/v1/scheduled_statuses").json()
                    == [], 15, 0.2), "and it is no longer scheduled")
        t.is_(my_posts(erin, erin, "orphan reply"), 0, "nothing posted")


@h.case
def dropped_when_group_left(t, srv):
    """A group post whose author left the group meanwhile is dropped."""
    with h.Server(t, name="fast", env=FAST) as fast:
        p = fast.people("gina", "hal")
        gina, hal = p["gina"], p["hal"]
        g = gina.post("/api/v1/groups", {"name": "Leavers",
                                         "visibility": "open"}).json()
        t.status(hal.post("/api/v1/groups/%s/join" % g["id"]), 200,
                 "hal joins")
        r = schedule(hal, "after leaving", 3, group_id=g["id"])
        t.status(r, 200, "hal schedules a group post")
        t.status(hal.post("/api/v1/groups/%s/leave" % g["id"]), 200,
                 "hal leaves")
        ok = h.poll(lambda: "dropped" in fast.log(), 15, 0.2)
        t.ok(ok, "the log says it was dropped")
        t.ok(h.poll(lambda: hal.get("/api/v1/scheduled_statuses").json()
                    == [], 15, 0.2), "and it is no longer scheduled")
        t.is_(my_posts(hal, hal, "after leaving"), 0, "nothing posted")
        t.status(schedule(hal, "not a member", 3600, group_id=g["id"]),
                 403, "scheduling in a group one is not in: 403 at once")


@h.case
def dropped_when_deactivated(t, srv):
    """The author deactivated meanwhile: dropped, and logged."""
    with h.Server(t, name="fast", env=FAST) as fast:
        p = fast.people("ivy", "jon")
        ivy, jon = p["ivy"], p["jon"]
        jon.post("/api/v1/accounts/%s/follow" % ivy.id)
        t.status(schedule(ivy, "from a ghost", 3), 200, "scheduled")
        d = fast.ctl("user", "disable", "ivy")
        t.is_(d.returncode, 0, "hearthctl user disable ivy")
        ok = h.poll(lambda: "account is deactivated" in fast.log(), 15,
                    0.2)
        t.ok(ok, "the log says it was dropped")
        t.ok(not any("from a ghost" in x for x in texts(
            jon, "/api/v1/timelines/home") or []),
            "nothing reached a follower")


@h.case
def survives_restart(t, srv):
    """Stopped before the time, started after: published once, then."""
    with h.Server(t, name="fast", env=FAST) as fast:
        p = fast.people("frank")
        frank = p["frank"]
        r = schedule(frank, "while asleep", 3)
        t.status(r, 200, "scheduled 3 s ahead")
        fast.stop()
        time.sleep(4)
        fast.start()
        # the port is new: a new client with the same token
        tok = frank.token
        frank = fast.client(headers={"Authorization": "Bearer " + tok})
        frank.id = p["frank"].id
        ok = h.poll(lambda: my_posts(frank, frank, "while asleep") > 0,
                    15, 0.2)
        t.ok(ok, "published after the start")
        time.sleep(2)
        t.is_(my_posts(frank, frank, "while asleep"), 1, "exactly once")
        t.is_(frank.get("/api/v1/scheduled_statuses").json(), [],
              "no longer scheduled")


@h.case
def survives_kill(t, srv):
    """SIGKILL while posts are going out: after the start each has gone out
    exactly once (the row's delete and the post's insert commit
    together)."""
    with h.Server(t, name="fast", env=FAST) as fast:
        p = fast.people("kim")
        kim = p["kim"]
        for i in range(5):
            t.status(schedule(kim, "wave %d" % i, 3 + i), 200,
                     "wave %d scheduled" % i)
        ok = h.poll(lambda: my_posts(kim, kim, "wave 0") > 0, 15, 0.05)
        t.ok(ok, "the first went out")
        fast.kill()
        time.sleep(1)
        fast.start()
        kim = fast.client(headers={"Authorization": "Bearer " + p[
            "kim"].token})
        kim.id = p["kim"].id
        ok = h.poll(lambda: my_posts(kim, kim, "wave 4") > 0, 20, 0.2)
        t.ok(ok, "the last went out after the start")
        time.sleep(2)
        for i in range(5):
            t.is_(my_posts(kim, kim, "wave %d" % i), 1,
                  "wave %d went out exactly once" % i)
        t.is_(kim.get("/api/v1/scheduled_statuses").json(), [],
              "none left")


if __name__ == "__main__":
    h.main_cases(fixture)
