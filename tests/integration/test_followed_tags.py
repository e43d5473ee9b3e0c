"""Following hashtags (issue 21, point 8): POST /api/v1/tags/:name/follow
and /unfollow, Tag.following, GET /api/v1/followed_tags paged with Link,
and the posts with a followed hashtag that the follower may read coming
into their home: as they are written (the warm feed and the user stream)
and when home is built from the database (a restart). Posts only some may
read never come through a hashtag.

Each case can run alone: make check TESTS=tests/integration/test_followed_tags.py
CASE=home_gets_readable_posts (or `python3 .../test_followed_tags.py --list`)."""
import contextlib
import itertools
import json
import re

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
    return [got[n] for n in names]


def home(c, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    r = c.get("/api/v1/timelines/home" + ("?" + qs if qs else ""))
    return [s["id"] for s in r.json()]


def link(resp, rel):
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


def group(owner, visibility):
    r = owner.post("/api/v1/groups", {"name": "g%d" % next(_n),
                                      "visibility": visibility})
    return r.json()


@h.case
def follow_unfollow_list(t, srv):
    """Follow (even a hashtag nobody used), following, the list paged
    newest follow first, unfollow, and names no hashtag could have."""
    alice, = people(srv, "alice")
    r = alice.post("/api/v1/tags/Rust/follow")
    t.status(r, 200, "alice follows #Rust, which nobody used yet")
    t.is_((r.json()["name"], r.json()["following"]), ("rust", True),
          "... the Tag, lowercase, following")
    t.status(alice.post("/api/v1/tags/rust/follow"), 200,
             "following twice is no error")
    for name in ("go", "zig"):
        alice.post("/api/v1/tags/%s/follow" % name)
    r = alice.get("/api/v1/followed_tags")
    t.status(r, 200, "GET /api/v1/followed_tags")
    t.is_([x["name"] for x in r.json()], ["zig", "go", "rust"],
          "newest follow first")
    t.ok(all(x["following"] for x in r.json()), "... each following")
    r = alice.get("/api/v1/followed_tags?limit=2")
    t.is_([x["name"] for x in r.json()], ["zig", "go"], "limit=2")
    nxt = link(r, "next")
    t.ok(nxt is not None and "max_id=" in nxt, "... a Link to the next page")
    t.is_([x["name"] for x in alice.get(nxt).json()], ["rust"],
          "... which holds the rest")
    h.post_status(alice, "about #zig")
    t.is_(alice.get("/api/v1/tags/zig").json()["following"], True,
          "GET /api/v1/tags/zig: following")
    r = alice.post("/api/v1/tags/zig/unfollow")
    t.status(r, 200, "unfollow")
    t.is_(r.json()["following"], False, "... following false")
    t.is_([x["name"] for x in alice.get("/api/v1/followed_tags").json()],
          ["go", "rust"], "the list without it")
    t.status(alice.post("/api/v1/tags/no%20way/follow"), 404,
             "a name with a space is no hashtag: 404")
    t.status(alice.post("/api/v1/tags/1234/follow"), 404,
             "nor is one of only digits")


@h.case
def home_gets_readable_posts(t, srv):
    """Public posts and open groups' posts with the hashtag come into
    home, warm and after a restart; followers-only, direct and private
    groups' posts do not; unfollowing takes them out."""
    alice, bob, carol, dave = people(srv, "alice", "bob", "carol", "dave")
    t.status(alice.post("/api/v1/tags/launch/follow"), 200,
             "alice follows #launch")
    t.status(dave.post("/api/v1/tags/launch/follow"), 200,
             "so does dave, who does not read his home until later")
    home(alice)                     # warm: new posts arrive by fan-out
    pub = h.post_status(bob, "Public #launch")
    unl = h.post_status(bob, "Unlisted #launch", visibility="unlisted")
    priv = h.post_status(bob, "Followers #launch", visibility="private")
    direct = h.post_status(bob, "@%s #launch" % "nobody",
                           visibility="direct")
    other = h.post_status(bob, "Public #other")
    og = group(carol, "open")
    pg = group(carol, "private")
    ingo = h.post_status(carol, "Open group #launch", group_id=og["id"])
    ingp = h.post_status(carol, "Private group #launch", group_id=pg["id"])
    want = [ingo["id"], pub["id"]]
    never = [unl["id"], priv["id"], direct["id"], other["id"], ingp["id"]]
    got = home(alice)
    t.is_([i for i in got if i in want], want,
          "warm home: the public and the open group's posts with #launch")
    t.is_([i for i in got if i in never], [],
          "... not unlisted, followers-only, direct, private-group posts "
          "or other hashtags")
    got = home(dave)
    t.is_([i for i in got if i in want], want,
          "dave's home, built from the database: the same")
    t.is_([i for i in got if i in never], [], "... and nothing else")
    got = home(dave, min_id=int(pub["id"]) - 1)
    t.is_([i for i in got if i in want + never], want,
          "min_id paging (from the sources' union) finds them too")
    alice.post("/api/v1/tags/launch/unfollow")
    got = home(alice)
    t.is_([i for i in got if i in want + never], [],
          "after unfollowing, none of them")
    t.status(alice.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "alice follows bob instead")
    t.ok(priv["id"] in home(alice), "... and sees his followers-only "
         "post as his follower, never through the hashtag")


@h.case
def stream(t, srv):
    """A new public post with a followed hashtag is an update on the
    follower's user stream; one with another hashtag is not."""
    alice, bob = people(srv, "alice", "bob")
    alice.post("/api/v1/tags/standup/follow")
    us = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                alice.token)
    t.is_(us.status, 200, "alice's user stream is open")
    h.post_status(bob, "Nope #other")
    p = h.post_status(bob, "Daily #standup")
    ev = us.wait(lambda e: e[0] == "update" and
                 json.loads(e[1])["id"] == p["id"])
    t.ok(ev is not None, "the #standup post arrives on her stream")
    us.close()


if __name__ == "__main__":
    h.main_cases(fixture)
