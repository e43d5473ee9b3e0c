"""Full pages (issue 21, point 7): a stream's page holds `limit` posts or
is the true end, whatever its source still lists that may not be shown:
deleted posts, posts whose audience changed, people unfollowed, muted or
blocked. Walking the Link headers returns every visible post exactly once.
Home (from the in-memory feed and from the database), the company stream,
a hashtag, a group and a person's posts are all read the same way.

Each case can run alone: make check TESTS=tests/integration/test_home_full_pages.py
CASE=deleted_posts_leave_no_hole (or `python3 .../test_home_full_pages.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def people(srv, *bases):
    names = ["%s%d" % (b, next(_n)) for b in bases]
    got = srv.people(*names)
    return [got[n] for n in names]


def next_link(resp, rel="next"):
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


def walk(t, c, path, limit, what):
    """Follow rel=next from path?limit=N; every page but the end is full.
    The ids seen, in order."""
    sep = "&" if "?" in path else "?"
    url = "%s%slimit=%d" % (path, sep, limit)
    seen, pages, short = [], 0, []
    while url is not None and pages < 200:
        r = c.get(url)
        if r.status != 200:
            t.ok(False, "%s: page %s answers 200" % (what, url), r.summary())
            break
        got = [s["id"] for s in r.json()]
        pages += 1
        if not got:
            break
        if len(got) < limit:
            short.append(len(got))
        seen.extend(got)
        url = next_link(r)
    # A short page may only be the last one with posts.
    t.ok(len(short) <= 1 and (not short or len(seen) % limit ==
         short[0]), "%s: every page of %d is full until the end" %
         (what, limit), "short pages: %s" % short)
    return seen


def first_page(c, path, limit=1):
    r = c.get("%s%slimit=%d" % (path, "&" if "?" in path else "?", limit))
    return r, [s["id"] for s in r.json()]


@h.case
def deleted_posts_leave_no_hole(t, srv):
    """The issue's case: P1, P2, P2 deleted: limit=1 is [P1]... and with
    many deleted in a row, a page still reaches past them."""
    ann, bob = people(srv, "ann", "bob")
    t.status(ann.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "ann follows bob")
    first_page(ann, "/api/v1/timelines/home")     # warm the feed
    p1 = h.post_status(bob, "P1")["id"]
    p2 = h.post_status(bob, "P2")["id"]
    t.status(bob.request("DELETE", "/api/v1/statuses/" + p2), 200,
             "bob deletes P2")
    r, got = first_page(ann, "/api/v1/timelines/home")
    t.is_(got, [p1], "home?limit=1 is [P1], not [] (warm feed)")
    t.is_(walk(t, ann, "/api/v1/timelines/home", 1, "home"), [p1],
          "the walk finds P1 once")
    # Thirty deleted between two kept: one page of 2 reaches past them.
    older = h.post_status(bob, "older")["id"]
    gone = [h.post_status(bob, "gone %d" % i)["id"] for i in range(30)]
    newer = h.post_status(bob, "newer")["id"]
    for g in gone:
        bob.request("DELETE", "/api/v1/statuses/" + g)
    r, got = first_page(ann, "/api/v1/timelines/home", 2)
    t.is_(got, [newer, older], "limit=2 skips thirty deleted posts")
    t.is_(walk(t, ann, "/api/v1/timelines/home", 1, "home limit=1"),
          [newer, older, p1], "the limit=1 walk: each visible post once")
    t.is_(walk(t, ann, "/api/v1/timelines/home", 3, "home limit=3"),
          [newer, older, p1], "the limit=3 walk too")
    # min_id pages fill upward: just above P1 is older (P2 is gone).
    r = ann.get("/api/v1/timelines/home?limit=1&min_id=" + p1)
    t.is_([s["id"] for s in r.json()], [older],
          "min_id=P1&limit=1 is the next visible post up")
    # bob's profile, the company stream and the hashtag read alike.
    for path in ("/api/v1/accounts/%s/statuses" % bob.id,
                 "/api/v1/timelines/public"):
        r, got = first_page(ann, path, 2)
        t.is_(got, [newer, older], "%s?limit=2 skips the deleted" % path)


@h.case
def cold_feed_too(t, srv):
    """Past what the feed holds in memory (or before it is built), the
    database path fills pages the same way."""
    ann, bob = people(srv, "ann", "bob")
    ann.post("/api/v1/accounts/%s/follow" % bob.id)
    keep = []
    for i in range(12):
        pid = h.post_status(bob, "post %d #fill" % i)["id"]
        if i % 3 == 0:
            keep.append(pid)
        else:
            bob.request("DELETE", "/api/v1/statuses/" + pid)
    keep.reverse()
    # Unfollowing and following again drops the feed: the next read
    # builds it from the database.
    ann.post("/api/v1/accounts/%s/unfollow" % bob.id)
    ann.post("/api/v1/accounts/%s/follow" % bob.id)
    t.is_(walk(t, ann, "/api/v1/timelines/home", 1, "cold home"), keep,
          "a cold home walks every kept post once")
    t.is_(walk(t, ann, "/api/v1/timelines/tag/fill", 1, "tag"), keep,
          "the hashtag stream too")
    t.is_(walk(t, ann, "/api/v1/timelines/home?max_id=" + keep[0], 1,
               "deep home"), keep[1:], "and from a max_id below the top")


@h.case
def unfollow_and_audience(t, srv):
    """Unfollowing someone takes their posts out of full pages; a post whose
    audience no longer includes me (a private mention edited away) leaves
    no hole either."""
    ann, bob, cat = people(srv, "ann", "bob", "cat")
    for p in (bob, cat):
        ann.post("/api/v1/accounts/%s/follow" % p.id)
    first_page(ann, "/api/v1/timelines/home")
    mine = []
    for i in range(4):
        h.post_status(bob, "bob %d" % i)
        mine.append(h.post_status(cat, "cat %d" % i)["id"])
    mine.reverse()
    t.status(ann.post("/api/v1/accounts/%s/unfollow" % bob.id), 200,
             "ann unfollows bob")
    t.is_(walk(t, ann, "/api/v1/timelines/home", 1, "after unfollow"),
          mine, "only cat's posts, each once, pages full")
    # A direct post to ann sits in her feed; edited so it no longer names
    # her, she may not read it, and it leaves no hole.
    d = h.post_status(cat, "@%s just you" % ann.me().json()["username"],
                      visibility="direct")["id"]
    r, got = first_page(ann, "/api/v1/timelines/home")
    t.is_(got, [d], "the direct post is on top of ann's home")
    r = cat.request("PUT", "/api/v1/statuses/" + d,
                    form={"status": "nobody in particular"})
    if r.status != 200:
        t.skip("audience change", "editing away a mention: %s" % r.summary())
        return
    r, got = first_page(ann, "/api/v1/timelines/home")
    t.is_(got, mine[:1], "edited away from her: the next post fills the page")


@h.case
def muted_and_blocked_leave_no_hole(t, srv):
    """A muted person's sixty posts between two others' do not empty a page;
    a block hides each from the other, both ways."""
    ann, bob, cat = people(srv, "ann", "bob", "cat")
    for p in (bob, cat):
        ann.post("/api/v1/accounts/%s/follow" % p.id)
    first_page(ann, "/api/v1/timelines/home")
    c_old = h.post_status(cat, "cat old #quiet")["id"]
    for i in range(60):
        h.post_status(bob, "bob %d #quiet" % i)
    c_new = h.post_status(cat, "cat new #quiet")["id"]
    t.status(ann.post("/api/v1/accounts/%s/mute" % bob.id), 200,
             "ann mutes bob")
    for path in ("/api/v1/timelines/home", "/api/v1/timelines/public",
                 "/api/v1/timelines/tag/quiet"):
        r, got = first_page(ann, path, 2)
        t.is_(got, [c_new, c_old], "%s?limit=2: cat's two, past sixty "
              "muted" % path)
        # (The company stream holds the other cases' posts too.)
        got = [i for i in walk(t, ann, path, 1, path)
               if int(i) >= int(c_old)]
        t.is_(got, [c_new, c_old], "%s: the walk finds each once" % path)
    r, got = first_page(ann, "/api/v1/accounts/%s/statuses" % bob.id)
    t.is_(len(got), 1, "a mute leaves bob's own profile readable")
    ann.post("/api/v1/accounts/%s/unmute" % bob.id)
    r, got = first_page(ann, "/api/v1/timelines/home", 2)
    t.is_(len(got), 2, "unmuted: bob is back")
    t.ok(got[1] not in (c_old,), "his posts are between cat's again")
    # cat blocks ann: neither sees the other's posts anywhere.
    t.status(cat.post("/api/v1/accounts/%s/block" % ann.id), 200,
             "cat blocks ann")
    a_post = h.post_status(ann, "ann #quiet")["id"]
    for path in ("/api/v1/timelines/home", "/api/v1/timelines/public",
                 "/api/v1/timelines/tag/quiet",
                 "/api/v1/accounts/%s/statuses" % cat.id):
        got = walk(t, ann, path, 7, "ann " + path)
        t.ok(c_new not in got and c_old not in got,
             "ann does not see cat's posts: " + path)
    for path in ("/api/v1/timelines/public", "/api/v1/timelines/tag/quiet",
                 "/api/v1/accounts/%s/statuses" % ann.id):
        r, got = first_page(cat, path, 5)
        t.ok(a_post not in got, "cat does not see ann's post: " + path)


if __name__ == "__main__":
    h.main_cases(fixture)
