"""Hashtag and group streams: Mastodon's hashtag and hashtag:local (by path,
by ?stream= and by WebSocket message), and hearth's group stream. A tag's
stream carries what the tag's page shows (public posts outside groups, and
group posts the reader may read), no more; a group's stream carries the
group's posts while the reader may read it. The web's tag and group pages
name these streams for their "N new posts" button.

Each case can run alone: make check
TESTS=tests/integration/test_stream_topics.py CASE=tag_stream (or
`python3 .../test_stream_topics.py --list`)."""
import contextlib
import itertools
import json
import time
from urllib.parse import quote

import harness as h
from streamclient import WS, Stream

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    """alice, bob and carol; bob's open Book Club and his private Secret
    Project, which alice is not in. Cases read these and post in them;
    what a stream sees is only what its own case posts while it is open."""
    with h.Server(t) as srv:
        p = srv.people("alice", "bob", "carol")
        srv.alice, srv.bob, srv.carol = p["alice"], p["bob"], p["carol"]
        srv.club = group(srv.bob, "Book Club", "open")
        srv.secret = group(srv.bob, "Secret Project", "private")
        yield srv


def corner(t, srv):
    """A private group of carol's, of the case's own, with alice in it."""
    g = group(srv.carol, "Carol's Corner %d" % next(_n), "private")
    r = srv.carol.post("/api/v1/groups/%s/members" % g["id"],
                       {"account_id": srv.alice.id})
    t.status(r, 200, "carol adds alice to her private group")
    return g


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


def until_update(s, sid, timeout=h.TIMEOUT):
    """The ids of the updates s gets until the one of sid."""
    return ids(s.until(lambda e: e[0] == "update" and
                       json.loads(e[1])["id"] == sid, timeout))


@h.case
def refusals(t, srv):
    """A bad tag, group or stream name: 400 or 404, saying why."""
    alice = srv.alice
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
             "/api/v1/streaming/group?group=%s" % srv.secret["id"], 404,
             r"not found"),
            ("a group that does not exist",
             "/api/v1/streaming/group?group=999999", 404,
             r"not found"),
            ("an unknown stream name", "/api/v1/streaming?stream=nope",
             400, r"hashtag:local, group, list or direct")]:
        r = alice.get(path)
        t.status(r, want, "%s: %d" % (name, want))
        t.like(r.json().get("error", ""), why, "... saying why")


@h.case
def tag_stream(t, srv):
    """A tag's stream, asked three ways, is what its timeline shows."""
    alice, bob, carol = srv.alice, srv.bob, srv.carol
    club, secret, mine = srv.club, srv.secret, corner(t, srv)
    tag = sse(srv, alice, "/api/v1/streaming/hashtag?tag=Zephyr")
    t.is_(tag.status, 200, "hashtag?tag=Zephyr: 200 (any case)")
    local = sse(srv, alice, "/api/v1/streaming/hashtag/local?tag=zephyr")
    t.is_(local.status, 200, "hashtag/local: 200")
    query = sse(srv, alice, "/api/v1/streaming?stream=hashtag&tag=" +
                quote("#zephyr"))
    t.is_(query.status, 200, "?stream=hashtag&tag=%23zephyr: 200")
    time.sleep(0.3)

    want = [h.post_status(bob, "A public #zephyr")["id"],
            h.post_status(bob, "#ZEPHYR in the club",
                          group_id=club["id"])["id"],
            h.post_status(carol, "#zephyr in the corner",
                          group_id=mine["id"])["id"]]
    unseen = [h.post_status(bob, "no tag at all")["id"],
              h.post_status(bob, "#zephyrs is another tag")["id"],
              h.post_status(bob, "#zephyr unlisted",
                            visibility="unlisted")["id"],
              h.post_status(carol, "#zephyr for followers",
                            visibility="private")["id"],
              h.post_status(bob, "#zephyr in secret",
                            group_id=secret["id"])["id"]]
    last = h.post_status(bob, "#zephyr last")["id"]
    want.append(last)
    got = until_update(tag, last)
    t.is_(got, want, "the tag's stream: public posts with the tag and "
          "posts with it in groups alice may read, in order")
    t.ok(not set(got) & set(unseen), "... not untagged, other tags, "
         "unlisted, followers-only or unreadable group posts")
    r = alice.get("/api/v1/timelines/tag/zephyr?limit=40")
    t.is_(sorted(s["id"] for s in r.json() if s["id"] in want + unseen),
          sorted(want), "... exactly what the tag's timeline shows her")
    for name, s in (("hashtag:local", local), ("?stream=hashtag", query)):
        t.is_(until_update(s, last), want, "%s: the same posts" % name)
    for s in (tag, local, query):
        s.close()


@h.case
def group_stream(t, srv):
    """A group's stream carries its posts only, to whoever may read."""
    alice, bob, carol = srv.alice, srv.bob, srv.carol
    club, mine = srv.club, corner(t, srv)
    grp = sse(srv, alice, "/api/v1/streaming/group?group=%s" % club["id"])
    t.is_(grp.status, 200, "an open group's stream: 200 to a "
          "non-member, who may read it")
    cs = sse(srv, alice, "/api/v1/streaming/group?group=%s" % mine["id"])
    t.is_(cs.status, 200, "a private group's stream: 200 to a member")
    time.sleep(0.3)
    h.post_status(bob, "A public #zephyr")
    in_club = h.post_status(bob, "#ZEPHYR in the club",
                            group_id=club["id"])["id"]
    in_corner = h.post_status(carol, "#zephyr in the corner",
                              group_id=mine["id"])["id"]
    h.post_status(bob, "#zephyr in secret", group_id=srv.secret["id"])
    t.is_(ids(grp.until(lambda e: False, 1)), [in_club],
          "the club's stream: the club's post only")
    t.is_(ids(cs.until(lambda e: False, 0.5)), [in_corner],
          "the corner's stream: the corner's post only")
    grp.close()
    cs.close()


@h.case
def edits_and_deletes(t, srv):
    """Edits and deletes reach the group's and tag's streams if seen."""
    alice, bob = srv.alice, srv.bob
    tag = sse(srv, alice, "/api/v1/streaming/hashtag?tag=Zephyr")
    grp = sse(srv, alice, "/api/v1/streaming/group?group=%s" %
              srv.club["id"])
    time.sleep(0.3)
    post = h.post_status(bob, "#ZEPHYR in the club",
                         group_id=srv.club["id"])["id"]
    t.is_(until_update(tag, post), [post], "the tag's stream has the post")
    r = bob.request("PUT", "/api/v1/statuses/%s" % post,
                    form={"status": "#zephyr in the club, edited"})
    t.status(r, 200, "bob edits his club post")
    e = grp.wait(lambda e: e[0] == "status.update")
    t.ok(e is not None and json.loads(e[1])["id"] == post,
         "the group's stream: status.update")
    r = bob.request("DELETE", "/api/v1/statuses/%s" % post)
    t.status(r, 200, "bob deletes it")
    t.ok(grp.wait(lambda e: e == ("delete", post)) is not None,
         "the group's stream: delete")
    t.ok(tag.wait(lambda e: e == ("delete", post)) is not None,
         "the tag's stream: delete of a group post alice could read")
    s = h.post_status(bob, "#zephyr in secret, gone soon",
                      group_id=srv.secret["id"])
    bob.request("DELETE", "/api/v1/statuses/%s" % s["id"])
    got = tag.until(lambda e: False, 0.5)
    t.ok(("delete", s["id"]) not in got, "... but no delete of a post "
         "she could not have seen")
    tag.close()
    grp.close()


@h.case
def leaving_ends_group_stream(t, srv):
    """Leaving a private group ends its stream's posts."""
    alice, carol = srv.alice, srv.carol
    mine = corner(t, srv)
    cs = sse(srv, alice, "/api/v1/streaming/group?group=%s" % mine["id"])
    t.is_(cs.status, 200, "a private group's stream: 200 to a member")
    time.sleep(0.3)
    before = h.post_status(carol, "before alice left",
                           group_id=mine["id"])["id"]
    t.is_(until_update(cs, before), [before], "a member gets its posts")
    r = alice.post("/api/v1/groups/%s/leave" % mine["id"])
    t.status(r, 200, "alice leaves carol's corner")
    h.post_status(carol, "after alice left", group_id=mine["id"])
    got = cs.until(lambda e: False, 1)
    t.is_(ids(got), [], "the corner's stream carries nothing she may "
          "no longer read")
    cs.close()


@h.case
def websocket_subscriptions(t, srv):
    """WebSocket: subscribe to tags and a group by message, unsubscribe."""
    alice, bob, club = srv.alice, srv.bob, srv.club
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
    ws.close()


@h.case
def websocket_subscribe_refusals(t, srv):
    """WebSocket: bad subscriptions refused; at most 100 tags and groups."""
    alice, bob = srv.alice, srv.bob
    ws = WS(srv.port, "/api/v1/streaming?access_token=" + alice.token)
    t.is_(ws.status, 101, "a WebSocket with no stream yet")
    # Two subscriptions first, so that 99 more make 101.
    ws.send(1, json.dumps({"type": "subscribe", "stream": "hashtag",
                           "tag": "breeze"}))
    ws.send(1, json.dumps({"type": "subscribe", "stream": "group",
                           "group": srv.club["id"]}))
    for name, msg, status, why in [
            ("a hashtag without a tag", {"stream": "hashtag"}, 400,
             r"tag=NAME"),
            ("a group alice may not read",
             {"stream": "group", "group": srv.secret["id"]}, 404,
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


@h.case
def websocket_by_url(t, srv):
    """WebSocket: a tag in the URL; an unreadable group is 404."""
    alice, bob = srv.alice, srv.bob
    ws = WS(srv.port, "/api/v1/streaming?stream=hashtag&tag=breeze&"
            "access_token=" + alice.token)
    t.is_(ws.status, 101, "a WebSocket may name its tag in the URL")
    time.sleep(0.3)
    g = h.post_status(bob, "#breeze by URL")["id"]
    t.ok(ws.message(update_of(g, ["hashtag", "breeze"])) is not None,
         "... and gets its posts")
    ws.close()
    ws = WS(srv.port, "/api/v1/streaming?stream=group&group=%s&"
            "access_token=%s" % (srv.secret["id"], alice.token))
    t.is_(ws.status, 404, "a WebSocket for an unreadable group: 404")
    ws.close()


@h.case
def tag_beyond_ascii(t, srv):
    """A tag beyond ASCII is folded as search folds (fold.c), as the tag's
    page matches it: #CAFÉ follows #cafÉ and #café, and #cafe too."""
    alice, bob = srv.alice, srv.bob
    cafe = sse(srv, alice, "/api/v1/streaming/hashtag?tag=" +
               quote("CAFÉ"))
    t.is_(cafe.status, 200, "a tag with a non-ASCII letter: 200")
    time.sleep(0.3)
    g = h.post_status(bob, "Coffee at the #cafÉ")["id"]
    k = h.post_status(bob, "Coffee at the #café")["id"]
    h.post_status(bob, "Coffee at the #cafes")
    m = h.post_status(bob, "Coffee at the #cafe")["id"]
    t.is_(until_update(cafe, m, 3), [g, k, m], "#CAFÉ follows #cafÉ, "
          "#café and #cafe (folded), not #cafes")
    cafe.close()


@h.case
def web_pages_name_streams(t, srv):
    """The web's tag and group pages name their streams."""
    club = srv.club
    e = h.post_status(srv.bob, "club again", group_id=club["id"])["id"]
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
    t.status(srv.alice.get("/api/v1/streaming/health"), 200,
             "the server is still well")


if __name__ == "__main__":
    h.main_cases(fixture)
