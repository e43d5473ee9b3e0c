"""Streaming API (server-sent events): who gets which update, notification,
delete and status.update; the public stream; heartbeats; access_token
authentication; streams outliving request_timeout; a prompt SIGTERM with
streams open.

Each case can run alone: make check TESTS=tests/integration/test_streaming.py
CASE=notifications (or `python3 .../test_streaming.py --list`)."""
import contextlib
import itertools
import json
import time

import harness as h
from streamclient import Stream

# A heartbeat every second, so the tests need not wait long for one; a
# short request_timeout, so a stream can be seen to outlive it.
CONFIG = dict(request_timeout="2s", env={"HEARTH_STREAM_HEARTBEAT": "1"})
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **CONFIG) as srv:
        yield srv


def trio(srv):
    """Three people of the case's own (so no case sees another's follows
    or posts; group names made from theirs are unique too): alice, bob
    and carol clients, each with .name."""
    n = next(_n)
    names = ["%s%d" % (x, n) for x in ("alice", "bob", "carol")]
    p = srv.people(*names)
    for name in names:
        p[name].name = name
    return [p[x] for x in names]


def user_stream(srv, c):
    return Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                  c.token)


def public_stream(srv, c):
    return Stream(srv.port, "/api/v1/streaming?stream=public",
                  {"Authorization": "Bearer " + c.token})


def is_update(sid):
    return lambda e: e[0] == "update" and json.loads(e[1])["id"] == sid


def updates(events):
    return [json.loads(d)["content"] for e, d in events if e == "update"]


@h.case
def fan_out_many(t, srv):
    """Many people's streams, each exactly its owner's updates: the
    followers', the group members', the mentioned (streams.c finds them
    through its index by owner; the broad public and tag streams still
    get what they should), two streams of one person both, and no one
    anything else."""
    n = next(_n)
    names = ["fan%d_%d" % (n, i) for i in range(10)]
    p = srv.people(*names)
    ppl = [p[x] for x in names]
    for i, c in enumerate(ppl):
        c.name = names[i]
    ids = [c.id for c in ppl]
    followers = {i: set() for i in range(10)}
    for i in range(10):
        for j in {(i + 1) % 10, (i + 3) % 10, 0} - {i}:
            ppl[i].post("/api/v1/accounts/%s/follow" % ppl[j].id)
            followers[j].add(i)
    g = ppl[2].post("/api/v1/groups", {"name": "Fan %d" % n,
                                        "visibility": "open"}).json()
    members = {2, 4, 7, 9}
    for i in members - {2}:
        ppl[i].post("/api/v1/groups/%s/join" % g["id"])
    streams = {i: user_stream(srv, ppl[i]) for i in range(10)}
    second = user_stream(srv, ppl[5])        # two streams of one person
    tagged = Stream(srv.port, "/api/v1/streaming/hashtag?tag=fan%d&"
                    "access_token=%s" % (n, ppl[6].token))
    pub = public_stream(srv, ppl[8])
    want = {i: set() for i in range(10)}
    public, tags = set(), set()
    for i in range(10):
        m = (i + 5) % 10     # mentioned: follows i only if i+5 = i+1, i+3
        posts = [
            (h.post_status(ppl[i], "public %d #fan%d" % (i, n)),
             {i} | followers[i], True, True),
            (h.post_status(ppl[i], "followers %d" % i,
                           visibility="private"),
             {i} | followers[i], False, False),
            (h.post_status(ppl[i], "@%s direct %d" % (names[m], i),
                           visibility="direct"), {i, m}, False, False),
            (h.post_status(ppl[i], "@%s hello %d" % (names[m], i)),
             {i, m} | followers[i], True, False),
        ]
        if i in members:
            posts.append((h.post_status(ppl[i], "group %d" % i,
                                        group_id=g["id"]),
                          set(members), False, False))
        for st, who, is_public, is_tagged in posts:
            for w in who:
                want[w].add(st["id"])
            if is_public:
                public.add(st["id"])
            if is_tagged:
                tags.add(st["id"])
    # The last post reaches everyone (all follow fan_0): after it, each
    # stream has had all it will get of the posts before.
    last = h.post_status(ppl[0], "last #fan%d" % n)
    got = {}
    for i, s in list(streams.items()) + [("second", second),
                                          ("tag", tagged), ("pub", pub)]:
        got[i] = set(json.loads(d)["id"]
                     for e, d in s.until(is_update(last["id"]))
                     if e == "update") - {last["id"]}
    bad = [i for i in range(10) if got[i] != want[i]]
    t.is_(bad, [], "each of 10 people's streams: exactly their updates")
    t.ok(all(want[i] for i in range(10)), "(and each had some)")
    t.is_(got["second"], want[5], "a second stream of one person: the same")
    t.is_(got["tag"], tags, "the hashtag stream: the tagged public posts")
    t.is_(got["pub"], public, "the public stream: the public posts")
    for s in list(streams.values()) + [second, tagged, pub]:
        s.close()


@h.case
def health_and_auth(t, srv):
    """streaming/health; access_token or bearer or 401; the headers."""
    alice, bob, carol = trio(srv)
    r = alice.get("/api/v1/streaming/health")
    t.is_((r.status, r.text), (200, "OK"), "streaming/health says OK")

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

    us = user_stream(srv, alice)
    t.is_(us.status, 200, "user stream with access_token: 200")
    t.like(us.headers.get("content-type", ""), r"^text/event-stream",
           "Content-Type is text/event-stream")
    t.is_(us.headers.get("transfer-encoding"), "chunked",
          "the stream is chunked")
    t.like(us.headers.get("cache-control", ""), "no-store",
           "Cache-Control: no-store")
    ps = public_stream(srv, alice)
    t.is_(ps.status, 200, "public stream (query form, header auth): 200")
    us.close()
    ps.close()


@h.case
def user_stream_updates(t, srv):
    """The user stream: follows' and groups' posts, nothing unreadable."""
    alice, bob, carol = trio(srv)
    alice.post("/api/v1/accounts/%s/follow" % bob.id)
    g = bob.post("/api/v1/groups", {"name": "Open %s" % bob.name,
                                     "visibility": "open"}).json()
    alice.post("/api/v1/groups/%s/join" % g["id"])
    pg = carol.post("/api/v1/groups", {"name": "Secret %s" % carol.name,
                                        "visibility": "private"}).json()
    us = user_stream(srv, alice)

    pub = h.post_status(bob, "bob public")
    e = us.wait(is_update(pub["id"]))
    t.ok(e is not None, "user stream: update for a followed person's post")
    t.is_(json.loads(e[1])["account"]["username"] if e else None, bob.name,
          "the update's data is the Status")
    gp = h.post_status(bob, "bob in group", group_id=g["id"])
    t.ok(us.wait(is_update(gp["id"])) is not None,
         "user stream: update for a post in a group alice is in")
    h.post_status(carol, "carol private", visibility="private")
    h.post_status(carol, "carol secret group", group_id=pg["id"])
    h.post_status(carol, "@%s carol direct" % bob.name, visibility="direct")
    unl = h.post_status(bob, "bob unlisted", visibility="unlisted")
    us.wait(is_update(unl["id"]))
    marker = h.post_status(bob, "marker one")
    us.wait(is_update(marker["id"]))
    seen = updates(us.take())
    t.is_([x for x in seen if "carol" in x], [],
          "no private, private-group or direct post alice may not read")
    us.close()


@h.case
def notifications(t, srv):
    """Favourite, follow and mention reach their person's stream only."""
    alice, bob, carol = trio(srv)
    us = user_stream(srv, alice)
    bs = Stream(srv.port, "/api/v1/streaming/user",
                {"Authorization": "Bearer " + bob.token})
    # A mention of bob's: his stream must have it and only it.
    h.post_status(carol, "@%s carol direct" % bob.name, visibility="direct")

    mine = h.post_status(alice, "alice writes")
    us.wait(is_update(mine["id"]))
    bob.post("/api/v1/statuses/%s/favourite" % mine["id"])
    e = us.wait(lambda e: e[0] == "notification")
    n = json.loads(e[1]) if e else {}
    t.is_((n.get("type"), n.get("account", {}).get("username")),
          ("favourite", bob.name), "notification: favourite")
    carol.post("/api/v1/accounts/%s/follow" % alice.id)
    e = us.wait(lambda e: e[0] == "notification")
    n = json.loads(e[1]) if e else {}
    t.is_((n.get("type"), n.get("account", {}).get("username")),
          ("follow", carol.name), "notification: follow")
    m = h.post_status(carol, "hi @%s" % alice.name, visibility="direct")
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
    us.close()
    bs.close()


@h.case
def public_stream_posts(t, srv):
    """The public stream has public posts outside groups only."""
    alice, bob, carol = trio(srv)
    g = bob.post("/api/v1/groups", {"name": "Open %s" % bob.name,
                                     "visibility": "open"}).json()
    pg = carol.post("/api/v1/groups", {"name": "Secret %s" % carol.name,
                                        "visibility": "private"}).json()
    ps = public_stream(srv, alice)
    h.post_status(bob, "bob public")
    h.post_status(bob, "bob in group", group_id=g["id"])
    h.post_status(carol, "carol private", visibility="private")
    h.post_status(carol, "carol secret group", group_id=pg["id"])
    h.post_status(carol, "@%s carol direct" % bob.name, visibility="direct")
    h.post_status(bob, "bob unlisted", visibility="unlisted")
    h.post_status(bob, "marker one")
    h.post_status(alice, "alice writes")
    last = h.post_status(bob, "public marker")
    got = updates(ps.until(is_update(last["id"])))
    t.is_(got, ["<p>bob public</p>\n", "<p>marker one</p>\n",
                "<p>alice writes</p>\n", "<p>public marker</p>\n"],
          "public stream: only public posts outside groups")
    ps.close()


@h.case
def edit_and_delete(t, srv):
    """status.update and delete, only to streams that showed the post."""
    alice, bob, carol = trio(srv)
    alice.post("/api/v1/accounts/%s/follow" % bob.id)
    us = user_stream(srv, alice)
    ps = public_stream(srv, alice)
    pub = h.post_status(bob, "bob public")
    us.wait(is_update(pub["id"]))

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
    us.close()
    ps.close()


@h.case
def shared_status_per_reader(t, srv):
    """A post's Status is built once for the readers with nothing of their
    own in it and copied to each (stream.c's stream_share); a reader whose
    filter matches, its author, and a reader who favourited it still get
    their own, each as their home timeline shows it to them."""
    alice, bob, carol = trio(srv)
    for c in (bob, carol):
        c.post("/api/v1/accounts/%s/follow" % alice.id)
    r = carol.post("/api/v2/filters", json_body={
        "title": "Fruit", "context": ["home"], "filter_action": "warn",
        "keywords_attributes": [{"keyword": "kiwi", "whole_word": True}]})
    t.status(r, 200, "carol warns herself of kiwis")
    streams = {c.name: user_stream(srv, c) for c in (alice, bob, carol)}
    st = h.post_status(alice, "kiwi season is here")
    got = {}
    for name, s in streams.items():
        e = s.wait(is_update(st["id"]))
        got[name] = json.loads(e[1]) if e is not None else None
    t.ok(all(got.values()), "all three streams have the update")

    def seen_by(c):
        # in the context the user stream shares: home's (filters)
        for x in c.get("/api/v1/timelines/home").json():
            if x["id"] == st["id"]:
                return x
        return None
    for c in (alice, bob, carol):
        want = seen_by(c)
        t.is_(got[c.name], want, "%s's update is the Status as %s reads it"
              % (c.name, c.name))
    t.is_(got[bob.name]["filtered"], [], "bob's has no filter results")
    t.ok(got[carol.name]["filtered"] and
         got[carol.name]["filtered"][0]["filter"]["title"] == "Fruit",
         "carol's carries her filter's result")

    r = bob.post("/api/v1/statuses/%s/favourite" % st["id"])
    t.status(r, 200, "bob likes it")
    r = alice.request("PUT", "/api/v1/statuses/%s" % st["id"],
                      form={"status": "kiwi season is here, and figs"})
    t.status(r, 200, "alice edits it")
    for c in (alice, bob, carol):
        e = streams[c.name].wait(lambda e: e[0] == "status.update")
        u = json.loads(e[1]) if e is not None else {}
        want = seen_by(c)
        t.is_((u.get("favourited"), u.get("favourites_count"),
               u.get("filtered"), u.get("content")),
              (want["favourited"], want["favourites_count"],
               want["filtered"], want["content"]),
              "status.update to %s: their own favourite and filter" %
              c.name)
    for s in streams.values():
        s.close()


@h.case
def heartbeats(t, srv):
    """Heartbeats arrive, find leavers gone, outlast request_timeout."""
    alice, bob, carol = trio(srv)
    alice.post("/api/v1/accounts/%s/follow" % bob.id)
    us = user_stream(srv, alice)
    t.ok(us.wait(lambda e: e == ("comment", "thump")) is not None,
         "a :thump heartbeat arrives")

    # Clients that go away are forgotten (no crash, no leak).
    for _ in range(3):
        gone = user_stream(srv, bob)
        gone.close()
    time.sleep(1.2)         # a heartbeat finds them gone
    late = h.post_status(bob, "after the leavers")
    t.ok(us.wait(is_update(late["id"])) is not None,
         "streams keep working after clients went away")

    # Longer than request_timeout (2s) idle, still open.
    us.take()
    time.sleep(3)
    us.read(0.5)
    t.ok(not us.closed and any(e[0] == "comment" for e in us.take()),
         "a stream outlives request_timeout")
    us.close()


@h.case
def sigterm_with_streams_open(t, srv):
    """SIGTERM with streams open: a prompt, clean exit that ends them."""
    # A server of its own: this case stops it.
    with h.Server(t, name="sigterm", **CONFIG) as own:
        alice, bob, carol = trio(own)
        us = user_stream(own, alice)
        ps = public_stream(own, alice)
        extra = [Stream(own.port, "/api/v1/streaming/public?access_token=" +
                        carol.token) for _ in range(5)]
        us.wait(lambda e: e == ("comment", "thump"))
        start = time.monotonic()
        rc = own.stop()
        took = time.monotonic() - start
        t.is_(rc, 0, "SIGTERM with open streams exits 0")
        t.ok(took < 3, "and promptly (%.2fs)" % took)
        us.read(1)
        t.ok(us.closed, "the stream was ended (last chunk sent)")
        for s in extra + [us, ps]:
            s.close()


if __name__ == "__main__":
    h.main_cases(fixture)
