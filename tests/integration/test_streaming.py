"""Streaming API (server-sent events): who gets which update, notification,
delete and status.update; the public stream; heartbeats; access_token
authentication; streams outliving request_timeout; a prompt SIGTERM with
streams open."""
import json
import os
import time

import harness as h
from streamclient import Stream


def status_of(ev, data):
    return json.loads(data) if ev in ("update", "status.update") else None


def is_update(sid):
    return lambda e: e[0] == "update" and json.loads(e[1])["id"] == sid


def updates(events):
    return [json.loads(d)["content"] for e, d in events if e == "update"]


def body(t):
    os.environ["HEARTH_STREAM_HEARTBEAT"] = "1"
    with h.Server(t, request_timeout="2s") as srv:
        p = srv.people("alice", "bob", "carol")
        alice, bob, carol = p["alice"], p["bob"], p["carol"]
        alice.post("/api/v1/accounts/%s/follow" % bob.id)
        g = bob.post("/api/v1/groups", {"name": "Open",
                                         "visibility": "open"}).json()
        alice.post("/api/v1/groups/%s/join" % g["id"])
        pg = carol.post("/api/v1/groups", {"name": "Secret",
                                            "visibility": "private"}).json()

        r = alice.get("/api/v1/streaming/health")
        t.is_((r.status, r.text), (200, "OK"), "streaming/health says OK")

        # Authentication
        s = Stream(srv.port, "/api/v1/streaming/user?access_token=nope")
        t.is_(s.status, 401, "a bad access_token is 401")
        s.close()
        s = Stream(srv.port, "/api/v1/streaming/user")
        t.is_(s.status, 401, "no credentials is 401")
        s.close()
        s = Stream(srv.port, "/api/v1/timelines/home?access_token=" +
                   alice.token)
        t.is_(s.status, 401, "access_token is only for streaming routes")
        s.close()

        us = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                    alice.token)
        t.is_(us.status, 200, "user stream with access_token: 200")
        t.like(us.headers.get("content-type", ""), r"^text/event-stream",
               "Content-Type is text/event-stream")
        t.is_(us.headers.get("transfer-encoding"), "chunked",
              "the stream is chunked")
        t.like(us.headers.get("cache-control", ""), "no-store",
               "Cache-Control: no-store")
        ps = Stream(srv.port, "/api/v1/streaming?stream=public",
                    {"Authorization": "Bearer " + alice.token})
        t.is_(ps.status, 200, "public stream (query form, header auth): 200")
        bs = Stream(srv.port, "/api/v1/streaming/user",
                    {"Authorization": "Bearer " + bob.token})

        # Heartbeat
        t.ok(us.wait(lambda e: e == ("comment", "thump")) is not None,
             "a :thump heartbeat arrives")

        # What alice's user stream gets, and does not
        pub = h.post_status(bob, "bob public")
        e = us.wait(is_update(pub["id"]))
        t.ok(e is not None, "user stream: update for a followed person's post")
        t.is_(json.loads(e[1])["account"]["username"] if e else None, "bob",
              "the update's data is the Status")
        gp = h.post_status(bob, "bob in group", group_id=g["id"])
        t.ok(us.wait(is_update(gp["id"])) is not None,
             "user stream: update for a post in a group alice is in")
        h.post_status(carol, "carol private", visibility="private")
        h.post_status(carol, "carol secret group", group_id=pg["id"])
        h.post_status(carol, "@bob carol direct", visibility="direct")
        unl = h.post_status(bob, "bob unlisted", visibility="unlisted")
        us.wait(is_update(unl["id"]))
        marker = h.post_status(bob, "marker one")
        us.wait(is_update(marker["id"]))
        seen = updates(us.take())
        t.is_([x for x in seen if "carol" in x], [],
              "no private, private-group or direct post alice may not read")

        # Notifications
        mine = h.post_status(alice, "alice writes")
        us.wait(is_update(mine["id"]))
        bob.post("/api/v1/statuses/%s/favourite" % mine["id"])
        e = us.wait(lambda e: e[0] == "notification")
        n = json.loads(e[1]) if e else {}
        t.is_((n.get("type"), n.get("account", {}).get("username")),
              ("favourite", "bob"), "notification: favourite")
        carol.post("/api/v1/accounts/%s/follow" % alice.id)
        e = us.wait(lambda e: e[0] == "notification")
        n = json.loads(e[1]) if e else {}
        t.is_((n.get("type"), n.get("account", {}).get("username")),
              ("follow", "carol"), "notification: follow")
        m = h.post_status(carol, "hi @alice", visibility="direct")
        # The update and the notification are separate events: either may
        # come first, so read until both are in.
        got = []
        for want in ("notification", "update"):
            if not any(e[0] == want for e in got):
                got += us.until(lambda e: e[0] == want)
        notes = [e for e in got if e[0] == "notification"]
        n = json.loads(notes[-1][1]) if notes else {}
        t.is_((n.get("type"), (n.get("status") or {}).get("id")),
              ("mention", m["id"]), "notification: mention")
        t.ok(any(e[0] == "update" and json.loads(e[1])["id"] == m["id"]
                 for e in got),
             "a direct post mentioning alice reaches her stream")
        got = bs.until(lambda e: False, 1)
        t.is_(sorted(json.loads(d)["type"] for e, d in got
                     if e == "notification"), ["mention"],
              "bob's stream: his own notifications, none of alice's")

        # The public stream: public posts outside groups only
        last = h.post_status(bob, "public marker")
        got = updates(ps.until(is_update(last["id"])))
        t.is_(got, ["<p>bob public</p>\n", "<p>marker one</p>\n",
                    "<p>alice writes</p>\n", "<p>public marker</p>\n"],
              "public stream: only public posts outside groups")

        # Edit and delete
        r = bob.request("PUT", "/api/v1/statuses/%s" % pub["id"],
                        form={"status": "bob public, edited"})
        t.status(r, 200, "bob edits his post")
        e = us.wait(lambda e: e[0] == "status.update")
        t.ok(e is not None and json.loads(e[1])["id"] == pub["id"] and
             "edited" in json.loads(e[1])["content"],
             "user stream: status.update after an edit")
        t.ok(ps.wait(lambda e: e[0] == "status.update") is not None,
             "public stream: status.update too")
        r = bob.request("DELETE", "/api/v1/statuses/%s" % pub["id"])
        t.status(r, 200, "bob deletes his post")
        t.ok(us.wait(lambda e: e == ("delete", pub["id"])) is not None,
             "user stream: delete with the id as data")
        t.ok(ps.wait(lambda e: e == ("delete", pub["id"])) is not None,
             "public stream: delete too")

        cp = h.post_status(carol, "carol private two", visibility="private")
        bp = h.post_status(bob, "bob private", visibility="private")
        carol.request("DELETE", "/api/v1/statuses/%s" % cp["id"])
        bob.request("DELETE", "/api/v1/statuses/%s" % bp["id"])
        got = us.until(lambda e: e == ("delete", bp["id"]))
        t.ok(("delete", bp["id"]) in got and
             ("delete", cp["id"]) not in got,
             "delete only to streams that could have shown the post")
        got = ps.until(lambda e: False, 0.5)
        t.ok(not [e for e in got if e[0] == "delete"],
             "public stream: no delete of a private post")

        # Clients that go away are forgotten (no crash, no leak)
        for _ in range(3):
            gone = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                          bob.token)
            gone.close()
        time.sleep(1.2)         # a heartbeat finds them gone
        late = h.post_status(bob, "after the leavers")
        t.ok(us.wait(is_update(late["id"])) is not None,
             "streams keep working after clients went away")

        # Longer than request_timeout (2s) idle, still open
        us.take()
        time.sleep(3)
        us.read(0.5)
        t.ok(not us.closed and any(e[0] == "comment" for e in us.take()),
             "a stream outlives request_timeout")

        # SIGTERM with streams open: prompt, clean exit
        extra = [Stream(srv.port, "/api/v1/streaming/public?access_token=" +
                        carol.token) for _ in range(5)]
        start = time.monotonic()
        rc = srv.stop()
        took = time.monotonic() - start
        t.is_(rc, 0, "SIGTERM with open streams exits 0")
        t.ok(took < 3, "and promptly (%.2fs)" % took)
        us.read(1)
        t.ok(us.closed, "the stream was ended (last chunk sent)")
        for s in extra + [us, ps, bs]:
            s.close()


h.main(body)
