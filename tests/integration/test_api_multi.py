"""Mastodon 4.3's lookups of several records at once, and taking someone
off one's followers (issue 21): GET /api/v1/accounts?id[]=, GET
/api/v1/statuses?id[]= (only what the caller may read, in the order asked,
at most 40 and 20) and POST /api/v1/accounts/:id/remove_from_followers.

Each case can run alone: make check TESTS=tests/integration/test_api_multi.py
CASE=statuses (or `python3 .../test_api_multi.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def query(key, ids):
    return "&".join("%s=%s" % (key, i) for i in ids)


@h.case
def accounts(t, srv):
    """Several Accounts, in the order asked, unknown and deactivated ones
    left out; 41 ids are refused as Mastodon refuses them."""
    u = srv.people("ann", "bob", "cy", "gone")
    srv.ctl("user", "disable", "gone")
    ann = u["ann"]
    ids = [u["cy"].id, u["bob"].id, "999999", u["gone"].id, u["cy"].id]
    r = ann.get("/api/v1/accounts?" + query("id[]", ids))
    t.status(r, 200, "GET /api/v1/accounts?id[]=...")
    t.is_([a["username"] for a in r.json()], ["cy", "bob"],
          "in the order asked, each once; nobody unknown or deactivated")
    r = ann.get("/api/v1/accounts?id=%s" % u["bob"].id)
    t.is_([a["username"] for a in r.json()], ["bob"], "id= works too")
    r = ann.get("/api/v1/accounts/?" + query("id[]", [u["bob"].id]))
    t.status(r, 200, "with a trailing slash as well")
    r = ann.get("/api/v1/accounts?" + query("id[]", range(1, 42)))
    t.status(r, 422, "41 ids: 422, as Mastodon")
    t.like(r.json().get("error", ""), r"at most 40", "... saying the limit")
    t.status(srv.client().get("/api/v1/accounts?id[]=1"), 401,
             "no token: 401")


@h.case
def statuses(t, srv):
    """Several Statuses: what the caller may read, in the order asked."""
    u = srv.people("sam", "sid", "sue")
    ann, bob, eve = u["sam"], u["sid"], u["sue"]
    pub = h.post_status(bob, "bob in public")["id"]
    priv = h.post_status(bob, "bob to followers",
                         visibility="private")["id"]
    mine = h.post_status(ann, "ann's own")["id"]
    direct = h.post_status(bob, "@sue a secret", visibility="direct")["id"]
    ids = [mine, priv, pub, direct, "999999", pub]
    r = ann.get("/api/v1/statuses?" + query("id[]", ids))
    t.status(r, 200, "GET /api/v1/statuses?id[]=...")
    t.is_([s["id"] for s in r.json()], [mine, pub],
          "ann reads her own and bob's public post, in the order asked; "
          "not the followers-only or direct ones, nor ids of nothing")
    r = eve.get("/api/v1/statuses?" + query("id[]", ids))
    t.is_([s["id"] for s in r.json()], [mine, pub, direct],
          "eve, mentioned, also reads the direct post")
    ann.post("/api/v1/accounts/%s/follow" % bob.id)
    r = ann.get("/api/v1/statuses?" + query("id[]", [priv]))
    t.is_([s["id"] for s in r.json()], [priv],
          "once ann follows bob, his followers-only post")
    r = ann.get("/api/v1/statuses?" + query("id[]", range(1, 22)))
    t.status(r, 422, "21 ids: 422, as Mastodon")


@h.case
def remove_from_followers(t, srv):
    """Taking someone off one's followers ends their follow, not one's
    own, and answers the Relationship."""
    u = srv.people("rae", "rob")
    ann, bob = u["rae"], u["rob"]
    bob.post("/api/v1/accounts/%s/follow" % ann.id)
    ann.post("/api/v1/accounts/%s/follow" % bob.id)
    r = ann.post("/api/v1/accounts/%s/remove_from_followers" % bob.id)
    t.status(r, 200, "POST /api/v1/accounts/:id/remove_from_followers")
    t.is_((r.json()["id"], r.json()["followed_by"], r.json()["following"]),
          (bob.id, False, True),
          "the Relationship: bob no longer follows ann; ann still "
          "follows bob")
    r = bob.get("/api/v1/accounts/relationships?id[]=%s" % ann.id)
    t.is_(r.json()[0]["following"], False, "bob sees it too")
    r = ann.get("/api/v1/accounts/%s/followers" % ann.id)
    t.is_([a["username"] for a in r.json()], [], "ann has no followers")
    r = ann.post("/api/v1/accounts/%s/remove_from_followers" % bob.id)
    t.status(r, 200, "again: fine, nothing changes")
    t.status(ann.post("/api/v1/accounts/999999/remove_from_followers"),
             404, "an unknown person: 404")


if __name__ == "__main__":
    h.main_cases(fixture)
