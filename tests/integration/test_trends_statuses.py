"""Trending posts (issue 21, point 8): GET /api/v1/trends/statuses, the
week's posts everyone may read, most favourited, boosted and answered
first, paged by offset with a Link header as Mastodon; and
/api/v1/trends/links answering [].

Each case can run alone: make check TESTS=tests/integration/test_trends_statuses.py
CASE=ranking (or `python3 .../test_trends_statuses.py --list`)."""
import contextlib
import re

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def link(resp, rel):
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


@h.case
def ranking(t, srv):
    """Order, what never trends, offset paging."""
    u = srv.people("alice", "bob", "carol", "dave")
    alice, bob, carol, dave = (u[n] for n in ("alice", "bob", "carol",
                                              "dave"))
    quiet = h.post_status(alice, "nobody touches this")
    one = h.post_status(alice, "one favourite")
    three = h.post_status(alice, "a favourite, a boost and a reply")
    two = h.post_status(bob, "two favourites")
    priv = h.post_status(alice, "followers only", visibility="private")
    unl = h.post_status(alice, "unlisted", visibility="unlisted")
    pg = bob.post("/api/v1/groups", {"name": "secret",
                                     "visibility": "private"}).json()
    ingp = h.post_status(bob, "in a private group", group_id=pg["id"])
    carol.post("/api/v1/statuses/%s/favourite" % one["id"])
    carol.post("/api/v1/statuses/%s/favourite" % three["id"])
    dave.post("/api/v1/statuses/%s/reblog" % three["id"])
    h.post_status(carol, "a reply", in_reply_to_id=three["id"])
    carol.post("/api/v1/statuses/%s/favourite" % two["id"])
    dave.post("/api/v1/statuses/%s/favourite" % two["id"])
    bob.post("/api/v1/accounts/%s/follow" % alice.id)
    for s in (priv, unl):
        bob.post("/api/v1/statuses/%s/favourite" % s["id"])
        bob.post("/api/v1/statuses/%s/favourite" % s["id"])
    bob.post("/api/v1/statuses/%s/favourite" % ingp["id"])
    r = dave.get("/api/v1/trends/statuses")
    t.status(r, 200, "GET /api/v1/trends/statuses")
    ids = [s["id"] for s in r.json()]
    t.is_(ids, [three["id"], two["id"], one["id"]],
          "most interacted first; untouched, followers-only, unlisted and "
          "private-group posts never trend")
    t.ok(quiet["id"] not in ids, "an untouched post does not trend")
    t.is_(r.json()[0]["reblogs_count"], 1, "they are full Statuses")
    r = dave.get("/api/v1/trends/statuses?limit=2")
    t.is_([s["id"] for s in r.json()], [three["id"], two["id"]], "limit=2")
    nxt = link(r, "next")
    t.ok(nxt is not None and "offset=2" in nxt, "... Link next: offset=2")
    t.ok(link(r, "prev") is None, "... no prev on the first page")
    r2 = dave.get(nxt)
    t.is_([s["id"] for s in r2.json()], [one["id"]], "the next page")
    t.ok(link(r2, "prev") is not None and "offset=0" in link(r2, "prev"),
         "... with a prev Link")
    t.status(dave.get("/api/v1/trends/statuses?offset=-1"), 400,
             "a negative offset: 400")
    t.status(srv.client().get("/api/v1/trends/statuses"), 401,
             "signed out: 401")
    r = dave.get("/api/v1/trends/links")
    t.status(r, 200, "GET /api/v1/trends/links")
    t.is_(r.json(), [], "... [] (no link previews)")


if __name__ == "__main__":
    h.main_cases(fixture)
