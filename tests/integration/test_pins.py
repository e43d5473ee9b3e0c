"""Posts pinned to one's profile (issue 21, point 8): POST
/api/v1/statuses/:id/pin and /unpin, Status.pinned, and GET
/api/v1/accounts/:id/statuses?pinned=true, as Mastodon: only one's own
public, unlisted or followers-only posts, at most 5, and readers see the
pins they may read.

Each case can run alone: make check TESTS=tests/integration/test_pins.py
CASE=pin_and_list (or `python3 .../test_pins.py --list`)."""
import contextlib
import itertools

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


def pinned(c, account, **q):
    qs = "".join("&%s=%s" % kv for kv in q.items())
    r = c.get("/api/v1/accounts/%s/statuses?pinned=true%s" % (account, qs))
    return [s["id"] for s in r.json()]


@h.case
def pin_and_list(t, srv):
    """Pin, the Status's pinned, the list newest pin first, unpin."""
    alice, bob = people(srv, "alice", "bob")
    a = h.post_status(alice, "first")
    b = h.post_status(alice, "second", visibility="unlisted")
    t.is_(a["pinned"], False, "a new post is not pinned")
    r = alice.post("/api/v1/statuses/%s/pin" % a["id"])
    t.status(r, 200, "alice pins her post")
    t.is_((r.json()["id"], r.json()["pinned"]), (a["id"], True),
          "... answered with the Status, pinned")
    t.status(alice.post("/api/v1/statuses/%s/pin" % a["id"]), 200,
             "pinning twice is no error")
    t.status(alice.post("/api/v1/statuses/%s/pin" % b["id"]), 200,
             "she pins an unlisted post too")
    t.is_(pinned(alice, alice.id), [b["id"], a["id"]],
          "pinned=true: her pins, newest pin first")
    t.is_(pinned(bob, alice.id), [b["id"], a["id"]],
          "... as bob sees them")
    t.is_(pinned(bob, alice.id, max_id=a["id"]), [],
          "... all on the first page")
    t.is_(alice.get("/api/v1/statuses/%s" % a["id"]).json()["pinned"], True,
          "GET the status: pinned for its author")
    t.is_(bob.get("/api/v1/statuses/%s" % a["id"]).json()["pinned"], False,
          "... not in anyone else's view, as Mastodon")
    home = alice.get("/api/v1/timelines/home").json()
    t.ok(any(s["id"] == a["id"] and s["pinned"] for s in home),
         "pinned in her home too (the cached Status tells her state)")
    r = alice.post("/api/v1/statuses/%s/unpin" % a["id"])
    t.status(r, 200, "she unpins it")
    t.is_(r.json()["pinned"], False, "... not pinned")
    t.is_(pinned(bob, alice.id), [b["id"]], "one pin left")
    home = alice.get("/api/v1/timelines/home").json()
    t.ok(any(s["id"] == a["id"] and not s["pinned"] for s in home),
         "... and her home says so")
    t.is_(bob.get("/api/v1/accounts/%s/statuses" % alice.id).json()[0]
          ["id"], b["id"], "without pinned=true, her posts as before")


@h.case
def refusals(t, srv):
    """Not someone else's, not a boost, not direct, not past 5; 404 for
    a post one may not read."""
    alice, bob = people(srv, "alice", "bob")
    a = h.post_status(alice, "alice's")
    r = bob.post("/api/v1/statuses/%s/pin" % a["id"])
    t.status(r, 422, "bob cannot pin alice's post")
    t.like(r.json().get("error", ""), r"own", "... and is told why")
    boost = bob.post("/api/v1/statuses/%s/reblog" % a["id"]).json()
    t.status(bob.post("/api/v1/statuses/%s/pin" % boost["id"]), 422,
             "nor his boost of it")
    d = h.post_status(alice, "@%s secret" % "nobody", visibility="direct")
    t.status(alice.post("/api/v1/statuses/%s/pin" % d["id"]), 422,
             "a direct post cannot be pinned")
    t.status(bob.post("/api/v1/statuses/%s/pin" % d["id"]), 404,
             "a post bob may not read: 404")
    t.status(alice.post("/api/v1/statuses/999999999/pin"), 404,
             "a missing post: 404")
    ids = [h.post_status(alice, "pin %d" % i)["id"] for i in range(6)]
    for i in ids[:5]:
        t.status(alice.post("/api/v1/statuses/%s/pin" % i), 200,
                 "pin %s" % i)
    r = alice.post("/api/v1/statuses/%s/pin" % ids[5])
    t.status(r, 422, "a sixth pin is refused")
    t.like(r.json().get("error", ""), r"at most 5", "... naming the limit")
    t.is_(len(pinned(alice, alice.id)), 5, "five pins")
    alice.post("/api/v1/statuses/%s/unpin" % ids[0])
    t.status(alice.post("/api/v1/statuses/%s/pin" % ids[5]), 200,
             "after an unpin, another fits")
    inst = bob.get("/api/v2/instance").json()
    t.is_(inst["configuration"]["accounts"]["max_pinned_statuses"], 5,
          "the instance says 5")


@h.case
def readers_see_what_they_may(t, srv):
    """A followers-only pin shows to followers only; deleting a pinned
    post takes its pin."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    t.status(bob.post("/api/v1/accounts/%s/follow" % alice.id), 200,
             "bob follows alice")
    p = h.post_status(alice, "for followers", visibility="private")
    q = h.post_status(alice, "for all")
    for s in (p, q):
        alice.post("/api/v1/statuses/%s/pin" % s["id"])
    t.is_(pinned(bob, alice.id), [q["id"], p["id"]],
          "her follower sees both pins")
    t.is_(pinned(carol, alice.id), [q["id"]],
          "carol, not following, sees only the public one")
    t.status(alice.request("DELETE", "/api/v1/statuses/%s" % q["id"]), 200,
             "alice deletes the public one")
    t.is_(pinned(bob, alice.id), [p["id"]], "its pin goes with it")


if __name__ == "__main__":
    h.main_cases(fixture)
