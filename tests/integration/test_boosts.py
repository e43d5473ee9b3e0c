"""Boosts (Mastodon's reblogs) and bookmarks through the API (issue 21,
point 4): who may boost what, where a boost shows, that it never widens
who reads the original, reblogged_by, the reblog notification, and
bookmarks with their paging.

Each case can run alone: make check TESTS=tests/integration/test_boosts.py
CASE=visibility_matrix (or `python3 .../test_boosts.py --list`)."""
import contextlib
import itertools
import json
import re
import sqlite3

import harness as h
from streamclient import Stream

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def people(srv, *bases):
    names = ["%s%d" % (b, next(_n)) for b in bases]
    got = srv.people(*names)
    out = []
    for n in names:
        got[n].name = n
        out.append(got[n])
    return out


def home_ids(c, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    r = c.get("/api/v1/timelines/home" + ("?" + qs if qs else ""))
    return [s["id"] for s in r.json()], r.json()


def link(resp, rel):
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


@h.case
def boost_shows_to_followers(t, srv):
    """A boost is a Status with reblog set, in the booster's followers'
    home feeds (warm and cold), counted, and told to the author."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    t.status(carol.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "carol follows bob (not alice)")
    home_ids(carol)     # warm carol's feed: the boost arrives by fan-out
    post = h.post_status(alice, "Release notes are out")
    r = bob.post("/api/v1/statuses/%s/reblog" % post["id"])
    t.status(r, 200, "bob boosts alice's public post")
    b = r.json()
    t.ok(b["reblog"] is not None and b["reblog"]["id"] == post["id"],
         "the answer is bob's Status with alice's post in reblog")
    t.is_(b["account"]["id"], bob.id, "... by bob")
    t.ok(b["id"] != post["id"], "... with an id of its own")
    t.is_((b["reblogged"], b["reblog"]["reblogged"],
           b["reblog"]["reblogs_count"]), (True, True, 1),
          "reblogged and counted")
    r = bob.post("/api/v1/statuses/%s/reblog" % post["id"])
    t.status(r, 200, "boosting again is no error")
    t.is_(r.json()["id"], b["id"], "... and makes no second boost")
    t.is_(alice.get("/api/v1/statuses/%s" % post["id"]).json()
          ["reblogs_count"], 1, "the count is 1")
    ids, items = home_ids(carol)
    t.ok(b["id"] in ids, "the boost is in carol's (warm) home feed")
    shown = [s for s in items if s["id"] == b["id"]]
    t.ok(shown and shown[0]["reblog"]["id"] == post["id"] and
         shown[0]["reblog"]["content"].find("Release notes") >= 0,
         "... as a Status whose reblog is alice's post")
    t.ok(shown and shown[0]["reblog"]["reblogged"] is False,
         "... not reblogged by carol")
    dave, = people(srv, "dave")
    t.status(dave.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "dave follows bob after the boost")
    t.ok(b["id"] in home_ids(dave)[0], "the boost is in dave's (built) "
         "home too")
    t.ok(b["id"] in [s["id"] for s in bob.get(
        "/api/v1/accounts/%s/statuses" % bob.id).json()],
         "and on bob's profile")
    t.ok(b["id"] not in [s["id"] for s in bob.get(
        "/api/v1/accounts/%s/statuses?exclude_reblogs=true" % bob.id)
        .json()], "... but not with exclude_reblogs")
    pub = [s["id"] for s in carol.get("/api/v1/timelines/public").json()]
    t.ok(b["id"] not in pub, "a boost is not in the company stream")
    r = alice.get("/api/v1/notifications")
    t.ok(any(n["type"] == "reblog" and n["account"]["id"] == bob.id and
             n["status"]["id"] == post["id"] for n in r.json()),
         "alice is told: a reblog notification")
    r = carol.get("/api/v1/statuses/%s/reblogged_by" % post["id"])
    t.status(r, 200, "reblogged_by")
    t.is_([a["id"] for a in r.json()], [bob.id], "... lists bob")
    r = bob.request("PUT", "/api/v1/statuses/%s" % b["id"],
                    form={"status": "words of my own"})
    t.status(r, 422, "a boost cannot be edited")
    r = carol.post("/api/v1/statuses", {"status": "Agreed",
                                        "in_reply_to_id": b["id"]})
    t.is_(r.json().get("in_reply_to_id"), post["id"],
          "a reply to the boost answers alice's post")
    # unboost
    r = bob.post("/api/v1/statuses/%s/unreblog" % post["id"])
    t.status(r, 200, "bob takes his boost back")
    t.is_((r.json()["id"], r.json()["reblogged"], r.json()["reblogs_count"]),
          (post["id"], False, 0), "... the answer is the original, "
          "no longer boosted")
    t.ok(b["id"] not in home_ids(carol)[0], "the boost left carol's home")
    t.status(carol.get("/api/v1/statuses/%s" % b["id"]), 404,
             "the boost is gone")
    t.is_(carol.get("/api/v1/statuses/%s/reblogged_by" % post["id"]).json(),
          [], "reblogged_by is empty again")
    t.status(bob.post("/api/v1/statuses/%s/unreblog" % post["id"]), 200,
             "unboosting again is no error")
    # The original deleted: its boosts go, counts too.
    before = bob.me().json()["statuses_count"]
    b2 = bob.post("/api/v1/statuses/%s/reblog" % post["id"]).json()
    t.is_(bob.me().json()["statuses_count"], before + 1,
          "a boost counts in bob's statuses_count, as on Mastodon")
    t.status(alice.request("DELETE", "/api/v1/statuses/%s" % post["id"]),
             200, "alice deletes her post")
    t.status(carol.get("/api/v1/statuses/%s" % b2["id"]), 404,
             "... the boost went with it")
    t.is_(bob.me().json()["statuses_count"], before, "... and bob's count "
          "is back")


@h.case
def visibility_matrix(t, srv):
    """Public, unlisted and open-group posts may be boosted; private,
    direct and private-group posts are refused (422, even for those who
    may read them); an unreadable post is 404."""
    alice, bob = people(srv, "alice", "bob")
    t.status(bob.post("/api/v1/accounts/%s/follow" % alice.id), 200,
             "bob follows alice")
    g_open = alice.post("/api/v1/groups", {"name": "Open %d" % next(_n),
                                           "visibility": "open"}).json()
    g_priv = alice.post("/api/v1/groups", {"name": "Priv %d" % next(_n),
                                           "visibility": "private"}).json()
    t.status(alice.post("/api/v1/groups/%s/members" % g_priv["id"],
                        {"account_id": bob.id}), 200,
             "bob is in alice's private group")
    cases = [
        ("public", {"visibility": "public"}, 200),
        ("unlisted", {"visibility": "unlisted"}, 200),
        ("open group", {"group_id": g_open["id"]}, 200),
        ("private (bob follows)", {"visibility": "private"}, 422),
        ("direct (to bob)", {"visibility": "direct"}, 422),
        ("private group (bob is in)", {"group_id": g_priv["id"]}, 422),
    ]
    for what, fields, want in cases:
        text = "A %s post" % what
        if fields.get("visibility") == "direct":
            text += " for @%s" % bob.name
        p = h.post_status(alice, text, **fields)
        t.status(bob.get("/api/v1/statuses/%s" % p["id"]), 200,
                 "bob may read the %s post" % what)
        r = bob.post("/api/v1/statuses/%s/reblog" % p["id"])
        t.status(r, want, "boosting a %s post: %d" % (what, want))
        if want == 422:
            t.like(r.json().get("error", ""), r"not allowed",
                   "... This action is not allowed")
            t.is_(alice.get("/api/v1/statuses/%s" % p["id"]).json()
                  ["reblogs_count"], 0, "... and nothing counted")
        r = alice.post("/api/v1/statuses/%s/reblog" % p["id"])
        t.status(r, want, "the author boosting her own %s post: %d"
                 % (what, want))
    carol, = people(srv, "carol")
    p = h.post_status(alice, "Only for followers", visibility="private")
    t.status(carol.post("/api/v1/statuses/%s/reblog" % p["id"]), 404,
             "a post carol may not read: 404, as if it were not there")
    t.status(carol.post("/api/v1/statuses/99999999/reblog"), 404,
             "no such post: 404")


@h.case
def boost_never_widens(t, srv):
    """A follower of the booster who cannot read the original never sees
    the boost: the rule is asked of the original for every reader (here
    an open group that became members-only after the boost)."""
    alice, bob, carol, dave = people(srv, "alice", "bob", "carol", "dave")
    g = alice.post("/api/v1/groups", {"name": "Soon closed %d" % next(_n),
                                      "visibility": "open"}).json()
    t.status(alice.post("/api/v1/groups/%s/members" % g["id"],
                        {"account_id": dave.id}), 200, "dave is a member")
    for c in (carol, dave):
        t.status(c.post("/api/v1/accounts/%s/follow" % bob.id), 200,
                 "%s follows bob" % c.name)
    p = h.post_status(alice, "Open for now", group_id=g["id"])
    r = bob.post("/api/v1/statuses/%s/reblog" % p["id"])
    t.status(r, 200, "bob boosts the open-group post")
    boost = r.json()["id"]
    # The group closes (no API does this today; the database can).
    db = sqlite3.connect(srv.db, timeout=10)
    db.execute("UPDATE groups SET visibility = 1 WHERE id = ?",
               (int(g["id"]),))
    db.commit()
    db.close()
    ids, _ = home_ids(carol)
    t.ok(boost not in ids and p["id"] not in ids,
         "carol (not a member) sees neither the boost nor the post")
    t.status(carol.get("/api/v1/statuses/%s" % boost), 404,
             "... the boost is 404 for her")
    t.status(carol.get("/api/v1/statuses/%s" % p["id"]), 404,
             "... and so is the post")
    t.ok(boost not in [s["id"] for s in carol.get(
        "/api/v1/accounts/%s/statuses" % bob.id).json()],
         "... nor on bob's profile as she sees it")
    ids, _ = home_ids(dave)
    t.ok(boost in ids, "dave (a member) still sees the boost")


@h.case
def bookmarks(t, srv):
    """Bookmark and unbookmark; bookmarked is the reader's own; the list
    pages newest bookmark first with Link headers; an unreadable post
    cannot be bookmarked."""
    alice, bob = people(srv, "alice", "bob")
    posts = [h.post_status(alice, "Worth keeping %d" % i) for i in range(5)]
    for p in posts:
        r = bob.post("/api/v1/statuses/%s/bookmark" % p["id"])
        t.status(r, 200, "bob bookmarks post %s" % p["id"])
        t.is_(r.json()["bookmarked"], True, "... bookmarked: true")
    t.is_(alice.get("/api/v1/statuses/%s" % posts[0]["id"]).json()
          ["bookmarked"], False, "alice's view: not bookmarked (bob's "
          "bookmark is his own)")
    t.is_(bob.get("/api/v1/statuses/%s" % posts[0]["id"]).json()
          ["bookmarked"], True, "bob's view: bookmarked")
    # The same post in two readers' timelines (the cached path).
    mine = [s for s in bob.get("/api/v1/accounts/%s/statuses" % alice.id)
            .json() if s["id"] == posts[0]["id"]]
    theirs = [s for s in alice.get("/api/v1/accounts/%s/statuses" %
              alice.id).json() if s["id"] == posts[0]["id"]]
    t.ok(mine and mine[0]["bookmarked"] is True, "in bob's list: "
         "bookmarked")
    t.ok(theirs and theirs[0]["bookmarked"] is False, "in alice's list, "
         "right after: not bookmarked")
    r = bob.get("/api/v1/bookmarks?limit=2")
    t.status(r, 200, "GET /api/v1/bookmarks")
    want = [p["id"] for p in reversed(posts)]
    got = [s["id"] for s in r.json()]
    t.is_(got, want[:2], "the newest two bookmarks first")
    nxt = link(r, "next")
    t.ok(nxt is not None, "a next Link")
    seen = got
    while nxt:
        r = bob.get(nxt)
        page = [s["id"] for s in r.json()]
        if not page:
            break
        seen += page
        nxt = link(r, "next")
    t.is_(seen, want, "following next Links walks them all, in order")
    t.status(bob.post("/api/v1/statuses/%s/unbookmark" % posts[4]["id"]),
             200, "unbookmark")
    t.is_([s["id"] for s in bob.get("/api/v1/bookmarks").json()], want[1:],
          "... it left the list")
    t.is_(alice.get("/api/v1/bookmarks").json(), [], "alice has none")
    priv = h.post_status(alice, "Mine alone", visibility="direct")
    t.status(bob.post("/api/v1/statuses/%s/bookmark" % priv["id"]), 404,
             "a post bob may not read: 404")
    t.status(srv.client().get("/api/v1/bookmarks"), 401, "signed out: 401")


@h.case
def boost_streams(t, srv):
    """A boost arrives on the booster's followers' user streams as an
    update whose Status has the reblog; the public stream never has it;
    taking it back is a delete."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    t.status(carol.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "carol follows bob")
    us = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                carol.token)
    pub = Stream(srv.port, "/api/v1/streaming?stream=public",
                 {"Authorization": "Bearer " + carol.token})
    t.is_((us.status, pub.status), (200, 200), "carol's user and public "
          "streams are open")
    post = h.post_status(alice, "Stream me")
    boost = bob.post("/api/v1/statuses/%s/reblog" % post["id"]).json()

    def is_boost(e):
        return e[0] == "update" and json.loads(e[1])["id"] == boost["id"]
    got = [json.loads(e[1]) for e in us.until(is_boost) if is_boost(e)]
    t.ok(got and got[0]["reblog"]["id"] == post["id"] and
         got[0]["account"]["id"] == bob.id,
         "carol's user stream: update, bob's Status with alice's post in "
         "reblog")
    pub.read(1.0)
    t.ok(not any(is_boost(e) for e in pub.take()),
         "the public stream does not carry the boost")
    bob.post("/api/v1/statuses/%s/unreblog" % post["id"])
    ev = us.until(lambda e: e[0] == "delete" and e[1] == boost["id"])
    t.ok(any(e[0] == "delete" and e[1] == boost["id"] for e in ev),
         "taking it back: a delete of the boost on carol's stream")
    us.close()
    pub.close()


if __name__ == "__main__":
    h.main_cases(fixture)
