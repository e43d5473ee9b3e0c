"""Hashtag and group streams: Mastodon's hashtag and hashtag:local (by path,
by ?stream= and by WebSocket message), and hearth's group stream. A tag's
stream carries what the tag's page shows (public posts outside groups, and
group posts the reader may read), no more; a group's stream carries the
group's posts while the reader may read it. The web's tag and group pages
name these streams for their "N new posts" button."""
import json
import time
from urllib.parse import quote

import harness as h
from streamclient import WS, Stream


def group(c, name, visibility):
    r = c.post("/api/v1/groups", {"name": name, "visibility": visibility})
    if r.status != 200:
        raise RuntimeError("creating a group failed: " + r.summary())
    return r.json()


def ids(events, name="update"):
    return [json.loads(d)["id"] for e, d in events if e == name]


def sse(srv, c, path):
    return Stream(srv.port, path, {"Authorization": "Bearer " + c.token})


def update_of(sid, stream):
    return lambda m: m.get("event") == "update" and \
        json.loads(m["payload"])["id"] == sid and m["stream"] == stream


def body(t):
    with h.Server(t) as srv:
        p = srv.people("alice", "bob", "carol")
        alice, bob, carol = p["alice"], p["bob"], p["carol"]
        club = group(bob, "Book Club", "open")
        secret = group(bob, "Secret Project", "private")
        mine = group(carol, "Carol's Corner", "private")
        r = carol.post("/api/v1/groups/%s/members" % mine["id"],
                       {"account_id": alice.id})
        t.status(r, 200, "carol adds alice to her private group")

        # -- refusals, before any stream opens
        for name, path, want, why in [
                ("no tag", "/api/v1/streaming/hashtag", 400, r"tag=NAME"),
                ("an empty tag", "/api/v1/streaming/hashtag?tag=", 400,
                 r"must be a hashtag"),
                ("a tag with a dash", "/api/v1/streaming/hashtag?tag=a-b",
                 400, r"must be a hashtag"),
                ("a 101-byte tag", "/api/v1/streaming/hashtag?tag=" +
                 "x" * 101, 400, r"at most 100 bytes"),
                ("no group", "/api/v1/streaming/group", 400, r"group=ID"),
                ("a group that is not a number",
                 "/api/v1/streaming/group?group=club", 400, r"group's id"),
                ("a private group alice is not in",
                 "/api/v1/streaming/group?group=%s" % secret["id"], 404,
                 r"not found"),
                ("a group that does not exist",
                 "/api/v1/streaming/group?group=999999", 404,
                 r"not found"),
                ("an unknown stream name", "/api/v1/streaming?stream=list",
                 400, r"hashtag:local or group")]:
            r = alice.get(path)
            t.status(r, want, "%s: %d" % (name, want))
            t.like(r.json().get("error", ""), why, "... saying why")

        # -- a tag's stream, three ways to ask for it
        tag = sse(srv, alice, "/api/v1/streaming/hashtag?tag=Zephyr")
        t.is_(tag.status, 200, "hashtag?tag=Zephyr: 200 (any case)")
        local = sse(srv, alice, "/api/v1/streaming/hashtag/local?tag=zephyr")
        t.is_(local.status, 200, "hashtag/local: 200")
        query = sse(srv, alice, "/api/v1/streaming?stream=hashtag&tag=" +
                    quote("#zephyr"))
        t.is_(query.status, 200, "?stream=hashtag&tag=%23zephyr: 200")
        grp = sse(srv, alice, "/api/v1/streaming/group?group=%s" %
                  club["id"])
        t.is_(grp.status, 200, "an open group's stream: 200 to a "
              "non-member, who may read it")
        corner = sse(srv, alice, "/api/v1/streaming/group?group=%s" %
                     mine["id"])
        t.is_(corner.status, 200, "a private group's stream: 200 to a "
              "member")
        time.sleep(0.3)

        want = [h.post_status(bob, "A public #zephyr")["id"],
                h.post_status(bob, "#ZEPHYR in the club", group_id=club["id"])["id"],
                h.post_status(carol, "#zephyr in the corner",
                     group_id=mine["id"])["id"]]
        unseen = [h.post_status(bob, "no tag at all")["id"],
                  h.post_status(bob, "#zephyrs is another tag")["id"],
                  h.post_status(bob, "#zephyr unlisted", visibility="unlisted")["id"],
                  h.post_status(carol, "#zephyr for followers",
                       visibility="private")["id"],
                  h.post_status(bob, "#zephyr in secret",
                       group_id=secret["id"])["id"]]
        last = h.post_status(bob, "#zephyr last")["id"]
        want.append(last)
        got = ids(tag.until(lambda e: e[0] == "update" and
                            json.loads(e[1])["id"] == last))
        t.is_(got, want, "the tag's stream: public posts with the tag and "
              "posts with it in groups alice may read, in order")
        t.ok(not set(got) & set(unseen), "... not untagged, other tags, "
             "unlisted, followers-only or unreadable group posts")
        r = alice.get("/api/v1/timelines/tag/zephyr?limit=40")
        t.is_(sorted(s["id"] for s in r.json() if s["id"] in want + unseen),
              sorted(want), "... exactly what the tag's timeline shows her")
        for name, s in (("hashtag:local", local), ("?stream=hashtag",
                                                   query)):
            t.is_(ids(s.until(lambda e: e[0] == "update" and
                              json.loads(e[1])["id"] == last)), want,
                  "%s: the same posts" % name)

        got = ids(grp.until(lambda e: False, 1))
        t.is_(got, [want[1]], "the club's stream: the club's post only")
        got = ids(corner.until(lambda e: False, 0.5))
        t.is_(got, [want[2]], "the corner's stream: the corner's post only")

        # -- edits and deletes
        r = bob.request("PUT", "/api/v1/statuses/%s" % want[1],
                        form={"status": "#zephyr in the club, edited"})
        t.status(r, 200, "bob edits his club post")
        e = grp.wait(lambda e: e[0] == "status.update")
        t.ok(e is not None and json.loads(e[1])["id"] == want[1],
             "the group's stream: status.update")
        r = bob.request("DELETE", "/api/v1/statuses/%s" % want[1])
        t.status(r, 200, "bob deletes it")
        t.ok(grp.wait(lambda e: e == ("delete", want[1])) is not None,
             "the group's stream: delete")
        t.ok(tag.wait(lambda e: e == ("delete", want[1])) is not None,
             "the tag's stream: delete of a group post alice could read")
        s = h.post_status(bob, "#zephyr in secret, gone soon",
                 group_id=secret["id"])
        bob.request("DELETE", "/api/v1/statuses/%s" % s["id"])
        got = tag.until(lambda e: False, 0.5)
        t.ok(("delete", s["id"]) not in got, "... but no delete of a post "
             "she could not have seen")

        # -- leaving a private group ends its stream's posts
        r = alice.post("/api/v1/groups/%s/leave" % mine["id"])
        t.status(r, 200, "alice leaves carol's corner")
        h.post_status(carol, "after alice left", group_id=mine["id"])
        got = corner.until(lambda e: False, 1)
        t.is_(ids(got), [], "the corner's stream carries nothing she may "
              "no longer read")
        for s in (tag, local, query, grp, corner):
            s.close()

        # -- WebSocket: subscribing by message, several tags and groups
        ws = WS(srv.port, "/api/v1/streaming?access_token=" + alice.token)
        t.is_(ws.status, 101, "a WebSocket with no stream yet")
        ws.send(1, json.dumps({"type": "subscribe", "stream": "hashtag",
                               "tag": "Zephyr"}))
        ws.send(1, json.dumps({"type": "subscribe", "stream": "hashtag",
                               "tag": "breeze"}))
        ws.send(1, json.dumps({"type": "subscribe", "stream": "group",
                               "group": int(club["id"])}))
        time.sleep(0.3)
        a = h.post_status(bob, "#zephyr and #breeze")["id"]
        t.ok(ws.message(update_of(a, ["hashtag", "zephyr"])) is not None,
             "a post with two followed tags comes through the first, "
             "named [\"hashtag\", \"zephyr\"]")
        t.ok(ws.message(update_of(a, ["hashtag", "breeze"])) is not None,
             "... and through the second")
        b = h.post_status(bob, "plain club talk", group_id=club["id"])["id"]
        t.ok(ws.message(update_of(b, ["group", club["id"]])) is not None,
             "a club post comes through [\"group\", id] (the id given as "
             "a number)")
        ws.send(1, json.dumps({"type": "unsubscribe", "stream": "hashtag",
                               "tag": "#ZEPHYR"}))
        ws.send(1, json.dumps({"type": "subscribe", "stream": "group",
                               "group": club["id"]}))
        time.sleep(0.3)
        c = h.post_status(bob, "#zephyr only")["id"]
        d = h.post_status(bob, "#breeze only")["id"]
        seen = []
        m = ws.message(lambda m: seen.append(m) or
                       update_of(d, ["hashtag", "breeze"])(m))
        t.ok(m is not None, "after unsubscribing from #zephyr, #breeze "
             "still comes")
        t.ok(not [m for m in seen if m.get("event") == "update" and
                  json.loads(m["payload"])["id"] == c],
             "... and #zephyr does not")
        e = h.post_status(bob, "club again", group_id=club["id"])["id"]
        t.ok(ws.message(update_of(e, ["group", club["id"]])) is not None,
             "subscribing to a group twice (as a string) is once")
        t.ok(ws.message(update_of(e, ["group", club["id"]]),
                        timeout=0.5) is None, "... it comes once")
        for name, msg, status, why in [
                ("a hashtag without a tag", {"stream": "hashtag"}, 400,
                 r"tag=NAME"),
                ("a group alice may not read",
                 {"stream": "group", "group": secret["id"]}, 404,
                 r"not found"),
                ("a group id that is not one",
                 {"stream": "group", "group": "x"}, 400, r"group's id")]:
            msg["type"] = "subscribe"
            ws.send(1, json.dumps(msg))
            m = ws.message(lambda m: "error" in m)
            t.like(m and m["error"], why, "%s: an error message" % name)
            t.is_(m and m.get("status"), status, "... with status %d" %
                  status)
        for i in range(99):
            ws.send(1, json.dumps({"type": "subscribe", "stream": "hashtag",
                                   "tag": "t%d" % i}))
        m = ws.message(lambda m: "error" in m)
        t.like(m and m["error"], r"at most 100 tags and groups",
               "the 101st tag or group is refused, saying the limit")
        ws.send(1, json.dumps({"type": "unsubscribe", "stream": "hashtag",
                               "tag": "t0"}))
        ws.send(1, json.dumps({"type": "subscribe", "stream": "hashtag",
                               "tag": "t99"}))
        time.sleep(0.3)
        f = h.post_status(bob, "#t99")["id"]
        t.ok(ws.message(update_of(f, ["hashtag", "t99"])) is not None,
             "... and after unsubscribing one, another fits")
        ws.close()
        ws = WS(srv.port, "/api/v1/streaming?stream=hashtag&tag=breeze&"
                "access_token=" + alice.token)
        t.is_(ws.status, 101, "a WebSocket may name its tag in the URL")
        time.sleep(0.3)
        g = h.post_status(bob, "#breeze by URL")["id"]
        t.ok(ws.message(update_of(g, ["hashtag", "breeze"])) is not None,
             "... and gets its posts")
        ws.close()
        # A tag beyond ASCII: its ASCII letters fold, the rest stays.
        cafe = sse(srv, alice, "/api/v1/streaming/hashtag?tag=" +
                   quote("CAFÉ"))
        t.is_(cafe.status, 200, "a tag with a non-ASCII letter: 200")
        time.sleep(0.3)
        g = h.post_status(bob, "Coffee at the #cafÉ")["id"]
        k = h.post_status(bob, "Coffee at the #café")["id"]
        got = ids(cafe.until(lambda e: e[0] == "update" and
                             json.loads(e[1])["id"] == k, 3))
        t.is_(got, [g], "#CAFÉ follows #cafÉ (ASCII folds), not #café, "
              "as posts store tags")
        cafe.close()
        ws = WS(srv.port, "/api/v1/streaming?stream=group&group=%s&"
                "access_token=%s" % (secret["id"], alice.token))
        t.is_(ws.status, 404, "a WebSocket for an unreadable group: 404")
        ws.close()

        # -- the web pages name their streams
        web = srv.client()
        t.status(web.login("alice"), 303, "alice signs in on the web")
        r = web.get("/tags/Zephyr")
        t.like(r.text, r'id="stream" data-live="hashtag\?tag=zephyr"',
               "the tag page follows the tag's stream")
        r = web.get("/tags/a-b")
        t.ok('data-live=' not in r.text, "a page for what cannot be a tag "
             "has no stream to follow")
        r = web.get("/groups/%s" % club["id"])
        t.like(r.text, r'id="stream" data-live="group\?group=%s"' %
               club["id"], "the group page follows the group's stream")
        r = web.get("/groups/%s?max_id=%s" % (club["id"], e))
        t.ok('data-live=' not in r.text, "... but not on an older page")
        t.status(alice.get("/api/v1/streaming/health"), 200,
                 "the server is still well")


h.main(body)
