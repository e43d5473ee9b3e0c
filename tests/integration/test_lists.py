"""Lists, as Mastodon's (issue 21 point 6): a person's lists (create,
read, rename, delete), their members (only people the owner follows; an
unfollow takes them out), the list's timeline (paged, with Link; its
replies_policy), exclusive lists leaving their members out of home, the
list stream over server-sent events and WebSocket, and nobody reading
another's list.

Each case can run alone: make check TESTS=tests/integration/test_lists.py
CASE=crud (or `python3 .../test_lists.py --list`)."""
import contextlib
import itertools
import json
import time

import harness as h
from streamclient import Stream, WS

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def people(srv, *names):
    """People of the case's own (so no case sees another's follows)."""
    n = next(_n)
    p = srv.people(*["%s%d" % (x, n) for x in names])
    return [p["%s%d" % (x, n)] for x in names]


def follow(a, b):
    r = a.post("/api/v1/accounts/%s/follow" % b.id)
    if r.status != 200:
        raise RuntimeError("follow: " + r.summary())


def make_list(c, title, **fields):
    fields["title"] = title
    r = c.post("/api/v1/lists", fields)
    if r.status != 200:
        raise RuntimeError("list: " + r.summary())
    return r.json()["id"]


def add(c, lid, *who):
    return c.post("/api/v1/lists/%s/accounts" % lid,
                  json_body={"account_ids": [w.id for w in who]})


def contents(c, path):
    r = c.get(path)
    if r.status != 200:
        raise RuntimeError(path + ": " + r.summary())
    return [s["content"] for s in r.json()]


def said(c, path, text):
    return any(text in x for x in contents(c, path))


@h.case
def crud(t, srv):
    """Create (Mastodon's defaults), read, list, rename, delete."""
    alice, = people(srv, "alice")
    r = alice.post("/api/v1/lists", {"title": "Team"})
    t.status(r, 200, "POST /api/v1/lists answers 200")
    l = r.json()
    t.ok(isinstance(l.get("id"), str), "an id, a string")
    t.is_(l.get("title"), "Team", "its title")
    t.is_(l.get("replies_policy"), "list", "replies_policy list by default")
    t.is_(l.get("exclusive"), False, "not exclusive by default")
    r = alice.post("/api/v1/lists", json_body={
        "title": "Aardvarks", "replies_policy": "followed",
        "exclusive": True})
    t.status(r, 200, "JSON body too")
    l2 = r.json()
    t.is_((l2["replies_policy"], l2["exclusive"]), ("followed", True),
          "replies_policy and exclusive as sent")
    t.is_([x["title"] for x in alice.get("/api/v1/lists").json()],
          ["Aardvarks", "Team"], "GET /api/v1/lists: by title")
    t.is_(alice.get("/api/v1/lists/" + l["id"]).json(), l, "GET one")
    r = alice.request("PUT", "/api/v1/lists/" + l["id"],
                      form={"title": "Crew", "replies_policy": "none"})
    t.status(r, 200, "PUT answers 200")
    t.is_((r.json()["title"], r.json()["replies_policy"],
           r.json()["exclusive"]), ("Crew", "none", False),
          "renamed, new policy, the rest kept")
    t.status(alice.post("/api/v1/lists", {"title": ""}), 422,
             "a blank title: 422")
    t.status(alice.post("/api/v1/lists", {"title": "x",
                                          "replies_policy": "all"}),
             422, "an unknown replies_policy: 422")
    t.status(alice.post("/api/v1/lists", {"title": "x" * 300}), 422,
             "a title too long: 422")
    r = alice.request("DELETE", "/api/v1/lists/" + l["id"])
    t.status(r, 200, "DELETE answers 200")
    t.is_(r.json(), {}, "... with {}")
    t.status(alice.get("/api/v1/lists/" + l["id"]), 404, "gone: 404")
    t.is_(len(alice.get("/api/v1/lists").json()), 1, "one list left")


@h.case
def members_only_followed(t, srv):
    """Only followed people can be added; an unfollow takes them out."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    follow(alice, bob)
    lid = make_list(alice, "Friends")
    r = add(alice, lid, bob)
    t.status(r, 200, "adding someone followed: 200")
    t.is_(r.json(), {}, "... with {}")
    r = add(alice, lid, carol)
    t.status(r, 422, "adding someone not followed: 422")
    t.like(r.json().get("error", ""), "follow", "... says to follow")
    t.status(add(alice, lid, bob), 422, "adding twice: 422")
    r = alice.post("/api/v1/lists/%s/accounts" % lid,
                   {"account_ids[]": "999999"})
    t.status(r, 404, "an unknown account: 404")
    r = alice.get("/api/v1/lists/%s/accounts" % lid)
    t.status(r, 200, "GET accounts")
    t.is_([a["id"] for a in r.json()], [bob.id], "bob is the member")
    t.is_(r.json()[0].get("acct", "").split("@")[0],
          bob.me().json()["acct"].split("@")[0], "as Accounts")
    r = alice.get("/api/v1/lists/%s/accounts?limit=0" % lid)
    t.is_(len(r.json()), 1, "limit=0: all")
    r = alice.get("/api/v1/accounts/%s/lists" % bob.id)
    t.is_([x["id"] for x in r.json()], [lid],
          "accounts/:id/lists: the lists holding bob")
    t.is_(alice.get("/api/v1/accounts/%s/lists" % carol.id).json(), [],
          "... none hold carol")
    r = alice.request("DELETE", "/api/v1/lists/%s/accounts?account_ids[]=%s"
                      % (lid, bob.id))
    t.status(r, 200, "DELETE accounts (query): 200")
    t.is_(alice.get("/api/v1/lists/%s/accounts" % lid).json(), [],
          "bob is out")
    t.status(add(alice, lid, bob), 200, "added again")
    alice.post("/api/v1/accounts/%s/unfollow" % bob.id)
    t.is_(alice.get("/api/v1/lists/%s/accounts" % lid).json(), [],
          "unfollowing bob took him off the list")


@h.case
def timeline_and_paging(t, srv):
    """The list's timeline holds its members' posts, paged with Link."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    follow(alice, bob)
    follow(alice, carol)
    lid = make_list(alice, "Bob only")
    add(alice, lid, bob)
    ids = [h.post_status(bob, "bob says %d" % i)["id"] for i in range(5)]
    h.post_status(carol, "carol says hi")
    h.post_status(bob, "bob privately", visibility="direct")
    path = "/api/v1/timelines/list/" + lid
    got = contents(alice, path)
    t.is_(len(got), 5, "bob's five posts")
    t.ok(not any("carol" in x for x in got), "not carol's")
    t.ok(not any("privately" in x for x in got), "no direct post")
    r = alice.get(path + "?limit=2")
    t.is_([s["id"] for s in r.json()], ids[:2:-1][:2] if False else
          [ids[4], ids[3]], "limit=2: the newest two")
    t.like(r.header("Link") or "", "max_id=%s" % ids[3], "Link: next")
    r = alice.get(path + "?limit=2&max_id=%s" % ids[3])
    t.is_([s["id"] for s in r.json()], [ids[2], ids[1]], "max_id pages on")
    r = alice.get(path + "?min_id=%s" % ids[2])
    t.is_(sorted(s["id"] for s in r.json()), sorted([ids[3], ids[4]]),
          "min_id")
    t.status(alice.get("/api/v1/timelines/list/999999"), 404,
             "an unknown list: 404")


@h.case
def replies_policy(t, srv):
    """followed, list, none: which members' replies the timeline shows."""
    alice, bob, carol, dave = people(srv, "alice", "bob", "carol", "dave")
    for x in (bob, carol):
        follow(alice, x)
    lid = make_list(alice, "Replies", replies_policy="list")
    add(alice, lid, bob)
    c = h.post_status(carol, "carol's post")
    d = h.post_status(dave, "dave's post")
    b = h.post_status(bob, "bob's own")
    h.post_status(bob, "to carol", in_reply_to_id=c["id"])
    h.post_status(bob, "to dave", in_reply_to_id=d["id"])
    h.post_status(bob, "to himself", in_reply_to_id=b["id"])
    a = h.post_status(alice, "alice asks")
    h.post_status(bob, "to alice", in_reply_to_id=a["id"])
    path = "/api/v1/timelines/list/" + lid

    def seen():
        return {x for x in ("to carol", "to dave", "to himself",
                            "to alice") if said(alice, path, x)}
    t.is_(seen(), {"to himself", "to alice"},
          "list: replies to members (and to alice, and threads)")
    alice.request("PUT", "/api/v1/lists/" + lid,
                  form={"replies_policy": "followed"})
    t.is_(seen(), {"to carol", "to himself", "to alice"},
          "followed: replies to people alice follows")
    alice.request("PUT", "/api/v1/lists/" + lid,
                  form={"replies_policy": "none"})
    t.is_(seen(), {"to himself", "to alice"},
          "none: no replies to others")
    add(alice, lid, carol)
    alice.request("PUT", "/api/v1/lists/" + lid,
                  form={"replies_policy": "list"})
    t.ok("to carol" in seen(), "list: a reply to a member shows")


@h.case
def exclusive(t, srv):
    """An exclusive list takes its members' posts out of home."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    follow(alice, bob)
    follow(alice, carol)
    h.post_status(bob, "bob at work")
    h.post_status(carol, "carol at work")
    h.post_status(alice, "alice at work")
    home = "/api/v1/timelines/home"
    t.ok(said(alice, home, "bob at work"), "bob in home at first")
    lid = make_list(alice, "Bob", exclusive="true")
    add(alice, lid, bob)
    t.ok(not said(alice, home, "bob at work"),
         "bob's post left home once he is on an exclusive list")
    t.ok(said(alice, home, "carol at work") and
         said(alice, home, "alice at work"), "the others stay")
    t.ok(said(alice, "/api/v1/timelines/list/" + lid, "bob at work"),
         "bob's post is in the list")
    alice.request("PUT", "/api/v1/lists/" + lid,
                  form={"exclusive": "false"})
    t.ok(said(alice, home, "bob at work"), "not exclusive: back in home")


@h.case
def access(t, srv):
    """Nobody reads, changes or fills another's list: 404 for all."""
    alice, bob = people(srv, "alice", "bob")
    follow(alice, bob)
    follow(bob, alice)
    lid = make_list(alice, "Private")
    add(alice, lid, bob)
    checks = [("GET", "/api/v1/lists/" + lid, None),
              ("PUT", "/api/v1/lists/" + lid, {"title": "mine"}),
              ("DELETE", "/api/v1/lists/" + lid, None),
              ("GET", "/api/v1/lists/%s/accounts" % lid, None),
              ("POST", "/api/v1/lists/%s/accounts" % lid,
               {"account_ids[]": alice.id}),
              ("DELETE", "/api/v1/lists/%s/accounts" % lid,
               {"account_ids[]": bob.id}),
              ("GET", "/api/v1/timelines/list/" + lid, None)]
    for method, path, form in checks:
        t.status(bob.request(method, path, form=form), 404,
                 "bob: %s %s is 404" % (method, path))
    t.is_(bob.get("/api/v1/lists").json(), [], "bob has no lists")
    t.is_(bob.get("/api/v1/accounts/%s/lists" % bob.id).json(), [],
          "bob sees no list of alice's holding him")
    t.is_(alice.get("/api/v1/lists/" + lid).json()["title"], "Private",
          "alice's list unchanged")
    t.is_(len(alice.get("/api/v1/lists/%s/accounts" % lid).json()), 1,
          "its member unchanged")
    anon = srv.client()
    t.status(anon.get("/api/v1/lists"), 401, "signed out: 401")


def update_of(sid, stream=None):
    """A WebSocket message: the update of post sid (through stream)."""
    def pred(m):
        return m.get("event") == "update" and \
            json.loads(m["payload"])["id"] == sid and \
            (stream is None or m.get("stream") == stream)
    return pred


@h.case
def streams(t, srv):
    """The list stream, as SSE and WebSocket: its members' posts only."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    follow(alice, bob)
    follow(alice, carol)
    lid = make_list(alice, "Streamed")
    add(alice, lid, bob)
    sse = Stream(srv.port, "/api/v1/streaming/list?list=%s&access_token=%s"
                 % (lid, alice.token))
    t.is_(sse.status, 200, "SSE /api/v1/streaming/list?list=ID: 200")
    ws = WS(srv.port, "/api/v1/streaming?stream=list&list=%s&"
            "access_token=%s" % (lid, alice.token))
    t.is_(ws.status, 101, "WebSocket stream=list&list=ID: 101")
    ws2 = WS(srv.port, "/api/v1/streaming?access_token=" + alice.token)
    ws2.send(1, json.dumps({"type": "subscribe", "stream": "list",
                            "list": lid}))
    time.sleep(0.3)
    c = h.post_status(carol, "carol not listed")["id"]
    b = h.post_status(bob, "bob listed")["id"]
    got = sse.until(lambda e: e[0] == "update" and
                    json.loads(e[1])["id"] == b)
    ids = [json.loads(d)["id"] for e, d in got if e == "update"]
    t.ok(b in ids, "SSE: bob's post comes")
    t.ok(c not in ids, "SSE: carol's does not")
    m = ws.message(update_of(b))
    t.ok(m is not None, "WebSocket: bob's post comes")
    t.is_(m and m.get("stream"), ["list", lid],
          "... named [\"list\", ID]")
    t.ok(ws2.message(update_of(b, ["list", lid])) is not None,
         "a subscribe message for the list works too")
    for x in (sse, ws, ws2):
        x.close()
    bob_sse = Stream(srv.port, "/api/v1/streaming/list?list=%s&"
                     "access_token=%s" % (lid, bob.token))
    t.is_(bob_sse.status, 404, "another's list stream: 404")
    bob_sse.close()
    none = Stream(srv.port, "/api/v1/streaming/list?access_token=" +
                  bob.token)
    t.is_(none.status, 400, "no list=: 400")
    none.close()


if __name__ == "__main__":
    h.main_cases(fixture)
