"""Direct conversations as Mastodon apps read them (issue 21, point 3):
GET /api/v1/conversations (one per person, thread and set of people, with
the others, the last post and unread), read, unread and remove (it comes
back with the next post), paging by the last post with Link headers, who
may touch which (nobody sees a conversation they are not in), the last
post after deletions and edits, a participant who left, and the direct
stream's "conversation" events over server-sent events and WebSocket.
And muting a thread (point 6, POST /api/v1/statuses/:id/mute and
/unmute): the Status's "muted", and no notifications from it.

Each case can run alone: make check TESTS=tests/integration/test_conversations.py
CASE=remove_and_come_back (or `python3 .../test_conversations.py --list`)."""
import contextlib
import itertools
import json
import re

import harness as h
import pushsink                    # python3-cryptography (tools/deps)
from streamclient import Stream, WS

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **{"push.allow_private": "yes"}) as srv:
        key = srv.client().get("/api/v2/instance").json()[
            "configuration"]["vapid"]["public_key"]
        srv.sink = pushsink.PushSink(instance_key=key)
        try:
            yield srv
        finally:
            srv.sink.close()


def people(srv, *bases):
    """People of the case's own, as clients with .name and .id; a base
    may be (base, display name)."""
    bases = [b if isinstance(b, tuple) else (b, None) for b in bases]
    names = ["%s%d" % (b, next(_n)) for b, _ in bases]
    got = srv.people(*[(n, d) if d else n
                       for n, (_, d) in zip(names, bases)])
    out = []
    for n in names:
        got[n].name = n
        out.append(got[n])
    return out


def dm(c, to, text="hello", **fields):
    """A direct post by c to the people in to; the Status."""
    mentions = " ".join("@" + p.name for p in to)
    return h.post_status(c, "%s %s" % (mentions, text), visibility="direct",
                         **fields)


def convs(c, query=""):
    r = c.get("/api/v1/conversations" + query)
    assert r.status == 200, r.summary()
    return r.json()


def link(resp, rel):
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


def shape(cv):
    """A conversation as (unread, other people's ids, last post's id)."""
    return (cv["unread"], sorted(a["id"] for a in cv["accounts"]),
            cv["last_status"]["id"] if cv["last_status"] else None)


def notified(c, post_id, kind=None):
    """Whether c has a notification about post_id (of kind, if given)."""
    return any(n.get("status") and n["status"]["id"] == post_id and
               (kind is None or n["type"] == kind)
               for n in c.get("/api/v1/notifications").json())


@h.case
def two_people(t, srv):
    """alice writes to bob: each has one conversation with the other;
    unread for bob only; bob reads it, replies (read for him, unread for
    alice, the same conversation), and can mark it unread again."""
    alice, bob = people(srv, "alice", "bob")
    t.is_(convs(alice), [], "no conversations before any direct post")
    p1 = dm(alice, [bob], "lunch?")
    a, b = convs(alice), convs(bob)
    t.is_(len(a), 1, "alice has one conversation")
    t.is_(len(b), 1, "bob has one conversation")
    t.is_(shape(a[0]), (False, [bob.id], p1["id"]),
          "alice's: read (her own post), with bob, last her post")
    t.is_(shape(b[0]), (True, [alice.id], p1["id"]),
          "bob's: unread, with alice, last her post")
    t.ok(isinstance(b[0]["id"], str), "the id is a string")
    t.is_(b[0]["last_status"]["visibility"], "direct",
          "last_status is the whole Status")
    t.is_(b[0]["accounts"][0]["username"], alice.name,
          "accounts are whole Accounts")

    r = bob.post("/api/v1/conversations/%s/read" % b[0]["id"])
    t.status(r, 200, "bob marks it read")
    t.is_(r.json()["unread"], False, "... the answer says read")
    t.is_(convs(bob)[0]["unread"], False, "... and so does the list")

    p2 = dm(bob, [alice], "yes!", in_reply_to_id=p1["id"])
    a, b = convs(alice), convs(bob)
    t.is_([c["id"] for c in a], [a[0]["id"]], "alice still has one")
    t.is_(shape(a[0]), (True, [bob.id], p2["id"]),
          "bob's reply: alice's is unread, its last post the reply")
    t.is_(shape(b[0]), (False, [alice.id], p2["id"]),
          "bob's own reply leaves his read")
    r = alice.post("/api/v1/conversations/%s/unread" % a[0]["id"])
    t.status(r, 200, "POST unread")
    t.is_(r.json()["unread"], True, "... marks it unread")
    r = alice.post("/api/v1/conversations/%s/read" % a[0]["id"])
    t.is_(r.json()["unread"], False, "read again")


@h.case
def three_people(t, srv):
    """A post to two people: each of the three has one conversation with
    the other two. A reply to one of them only is another set of people,
    so another conversation (Mastodon's key: thread and participants)."""
    alice, bob, carol, dave = people(srv, "alice", "bob", "carol", "dave")
    p = dm(alice, [bob, carol], "plan for Friday")
    for c, others in ((alice, [bob, carol]), (bob, [alice, carol]),
                      (carol, [alice, bob])):
        got = convs(c)
        t.is_([shape(x) for x in got],
              [(c is not alice, sorted(o.id for o in others), p["id"])],
              "%s: one conversation with the other two" % c.name)
    t.is_(convs(dave), [], "dave, not in it, has none")
    r = dm(bob, [alice], "just between us", in_reply_to_id=p["id"])
    a = convs(alice)
    t.is_([shape(x) for x in a],
          [(True, [bob.id], r["id"]), (False, sorted([bob.id, carol.id]),
                                       p["id"])],
          "alice: a second conversation, with bob alone, newest first")
    t.is_([shape(x) for x in convs(carol)],
          [(True, sorted([alice.id, bob.id]), p["id"])],
          "carol's is as it was: she cannot read the reply")
    note = h.post_status(alice, "note to self", visibility="direct")
    first = convs(alice)[0]
    t.is_(shape(first), (False, [alice.id], note["id"]),
          "a direct post to nobody: a conversation whose accounts are "
          "only the author, as Mastodon shows it")


@h.case
def not_conversations(t, srv):
    """Only direct posts make conversations: not public, unlisted or
    followers-only posts that mention someone."""
    alice, bob = people(srv, "alice", "bob")
    bob.post("/api/v1/accounts/%s/follow" % alice.id)
    for vis in ("public", "unlisted", "private"):
        h.post_status(alice, "@%s look" % bob.name, visibility=vis)
    t.is_(convs(alice), [], "alice: none")
    t.is_(convs(bob), [], "bob: none")


@h.case
def remove_and_come_back(t, srv):
    """DELETE removes a conversation for its owner only; the next post in
    it brings it back (a new id, that post alone, unread)."""
    alice, bob = people(srv, "alice", "bob")
    p1 = dm(alice, [bob])
    cid = convs(bob)[0]["id"]
    r = bob.request("DELETE", "/api/v1/conversations/%s" % cid)
    t.status(r, 200, "DELETE: 200")
    t.is_(r.json(), {}, "... with an empty object, as Mastodon")
    t.is_(convs(bob), [], "bob's list is empty")
    t.is_(len(convs(alice)), 1, "alice's is untouched")
    t.status(bob.post("/api/v1/conversations/%s/read" % cid), 404,
             "read of the removed one: 404")
    t.status(bob.request("DELETE", "/api/v1/conversations/%s" % cid), 404,
             "removing it again: 404")
    p2 = dm(alice, [bob], "are you there?", in_reply_to_id=p1["id"])
    b = convs(bob)
    t.is_([shape(x) for x in b], [(True, [alice.id], p2["id"])],
          "the next post brings it back, unread, with that post last")
    t.isnt(b[0]["id"], cid, "... as a new conversation (a new id)")


@h.case
def paging(t, srv):
    """Newest last post first; limit, max_id, since_id and min_id on the
    last posts' ids; Link: next (only while pages are full) and prev."""
    alice, bob = people(srv, "alice", "bob")
    posts = [dm(alice, [bob], "thread %d" % i) for i in range(5)]
    ids = [p["id"] for p in reversed(posts)]
    whole = convs(bob)
    t.is_([c["last_status"]["id"] for c in whole], ids,
          "five conversations, the newest last post first")
    r = bob.get("/api/v1/conversations?limit=2")
    t.is_([c["last_status"]["id"] for c in r.json()], ids[:2],
          "limit=2: the two newest")
    nxt, prev = link(r, "next"), link(r, "prev")
    t.like(nxt or "", r"^/api/v1/conversations\?limit=2&max_id=%s$" % ids[1],
           "Link next: max_id is the page's last post")
    t.like(prev or "", r"min_id=%s$" % ids[0],
           "Link prev: min_id is the page's first post")
    r = bob.get(nxt)
    t.is_([c["last_status"]["id"] for c in r.json()], ids[2:4],
          "next page")
    r = bob.get(link(r, "next"))
    t.is_([c["last_status"]["id"] for c in r.json()], ids[4:],
          "last page: one")
    t.is_(link(r, "next"), None, "a page not full has no next")
    t.ok(link(r, "prev") is not None, "... but a prev")
    r = bob.get("/api/v1/conversations?min_id=%s&limit=2" % ids[4])
    t.is_([c["last_status"]["id"] for c in r.json()], ids[2:4],
          "min_id: the page just above it, newest first")
    r = bob.get("/api/v1/conversations?since_id=%s" % ids[2])
    t.is_([c["last_status"]["id"] for c in r.json()], ids[:2],
          "since_id: those newer")
    t.status(bob.get("/api/v1/conversations?max_id=x"), 400,
             "a malformed max_id: 400")
    # A reply moves its conversation to the top.
    dm(bob, [alice], "re", in_reply_to_id=posts[0]["id"])
    t.is_(convs(bob)[0]["last_status"]["in_reply_to_id"], posts[0]["id"],
          "a new post moves its conversation first")


@h.case
def access(t, srv):
    """Nobody reads, marks or removes a conversation of someone else's
    (404, as for none); without a token, 401."""
    alice, bob, mallory = people(srv, "alice", "bob", "mallory")
    p = dm(alice, [bob])
    cid = convs(bob)[0]["id"]
    aid = convs(alice)[0]["id"]
    for path in ("/api/v1/conversations/%s/read",
                 "/api/v1/conversations/%s/unread"):
        for c in (mallory, alice):
            t.status(c.post(path % cid), 404, "%s: %s of bob's: 404"
                     % (c.name, path.rsplit("/", 1)[1]))
    t.status(mallory.request("DELETE", "/api/v1/conversations/%s" % aid),
             404, "mallory removing alice's: 404")
    t.status(mallory.post("/api/v1/conversations/999999/read"), 404,
             "an id that is nobody's: 404")
    t.is_(convs(mallory), [], "mallory lists none")
    t.is_(shape(convs(bob)[0]), (True, [alice.id], p["id"]),
          "bob's is unchanged")
    t.is_(len(convs(alice)), 1, "alice's is still there")
    anon = srv.client()
    t.status(anon.get("/api/v1/conversations"), 401, "no token: 401")
    t.status(anon.post("/api/v1/conversations/%s/read" % cid), 401,
             "no token, read: 401")


@h.case
def deletions(t, srv):
    """Deleting the last post makes the one before it last; deleting the
    only post left removes the conversation."""
    alice, bob = people(srv, "alice", "bob")
    p1 = dm(alice, [bob], "first")
    p2 = dm(bob, [alice], "second", in_reply_to_id=p1["id"])
    t.is_(convs(alice)[0]["last_status"]["id"], p2["id"], "last: p2")
    t.status(bob.request("DELETE", "/api/v1/statuses/%s" % p2["id"]), 200,
             "bob deletes his reply")
    t.is_([shape(c) for c in convs(alice)], [(True, [bob.id], p1["id"])],
          "alice's last post is p1 again")
    t.is_(convs(bob)[0]["last_status"]["id"], p1["id"], "... and bob's")
    t.status(alice.request("DELETE", "/api/v1/statuses/%s" % p1["id"]),
             200, "alice deletes p1")
    t.is_(convs(alice), [], "no post left: alice's conversation is gone")
    t.is_(convs(bob), [], "... and bob's")


@h.case
def edits(t, srv):
    """An edit that mentions someone new brings them in (they were just
    notified); one that drops someone takes the post from theirs, as they
    can no longer read it."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    p = dm(alice, [bob], "draft plan")
    r = alice.request("PUT", "/api/v1/statuses/%s" % p["id"],
                      form={"status": "@%s @%s draft plan"
                            % (bob.name, carol.name)})
    t.status(r, 200, "alice edits to mention carol too")
    t.is_([shape(c) for c in convs(carol)],
          [(True, sorted([alice.id, bob.id]), p["id"])],
          "carol now has it")
    r = alice.request("PUT", "/api/v1/statuses/%s" % p["id"],
                      form={"status": "@%s draft plan" % carol.name})
    t.status(r, 200, "alice edits bob out")
    t.is_(convs(bob), [], "bob's conversation lost its only post: gone")
    t.status(bob.get("/api/v1/statuses/%s" % p["id"]), 404,
             "... and bob cannot read it")
    t.is_(len(convs(carol)), 1, "carol keeps hers")


@h.case
def participant_left(t, srv):
    """Someone who left the company stays in the conversations they were
    in, as a suspended Account; the rest go on."""
    alice, bob = people(srv, "alice", "bob")
    p = dm(alice, [bob])
    t.is_(srv.ctl("user", "disable", bob.name).returncode, 0,
          "bob is disabled")
    a = convs(alice)
    t.is_(shape(a[0]), (False, [bob.id], p["id"]),
          "alice's conversation is still there, with bob")
    t.is_(a[0]["accounts"][0].get("suspended"), True,
          "... whose Account says suspended")
    t.status(bob.get("/api/v1/conversations"), 401,
             "bob's own token no longer works")


def direct_post_of(sid):
    return lambda cv: cv["last_status"] and cv["last_status"]["id"] == sid


@h.case
def direct_stream_sse(t, srv):
    """GET /api/v1/streaming/direct: a "conversation" event with the
    Conversation each time one of the owner's changes (a new post, read);
    nothing else, and nothing of other people's conversations."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    bob.post("/api/v1/accounts/%s/follow" % alice.id)
    s = Stream(srv.port, "/api/v1/streaming/direct?access_token=" +
               bob.token)
    t.is_(s.status, 200, "the direct stream opens (it was 404)")
    user = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                  bob.token)
    pub = h.post_status(alice, "public news")
    dm(alice, [carol], "not for bob")
    p = dm(alice, [bob], "for bob")
    evs = s.until(lambda e: e[0] == "conversation")
    got = [e for e in evs if e[0] not in ("comment",)]
    t.is_([e[0] for e in got], ["conversation"],
          "one event: conversation (no update for the public post, none "
          "for alice and carol's)")
    cv = json.loads(got[0][1])
    t.is_(shape(cv), (True, [alice.id], p["id"]),
          "the Conversation: unread, with alice, last the new post")
    t.is_(cv["id"], convs(bob)[0]["id"], "... the one the list has")
    bob.post("/api/v1/conversations/%s/read" % cv["id"])
    ev = s.wait(lambda e: e[0] == "conversation")
    t.ok(ev is not None and json.loads(ev[1])["unread"] is False,
         "marking it read is told too")
    uev = user.until(lambda e: e[0] == "update" and
                     json.loads(e[1])["id"] == p["id"])
    t.ok(not any(e[0] == "conversation" for e in uev),
         "the user stream gets no conversation events")
    t.ok(any(e[0] == "update" and json.loads(e[1])["id"] == pub["id"]
             for e in uev), "(it has the public post)")
    s.close()
    user.close()


@h.case
def direct_stream_ws(t, srv):
    """WebSocket: stream=direct at the handshake (it was 400), or
    subscribed to by message; Mastodon's message with stream ["direct"],
    event "conversation" and the Conversation as a JSON string."""
    alice, bob = people(srv, "alice", "bob")
    ws = WS(srv.port, "/api/v1/streaming?stream=direct&access_token=" +
            bob.token)
    t.is_(ws.status, 101, "stream=direct upgrades")
    ws2 = WS(srv.port, "/api/v1/streaming?stream=user&access_token=" +
             bob.token)
    ws2.send(1, json.dumps({"type": "subscribe", "stream": "direct"}))
    p = dm(alice, [bob], "over the socket")
    for w, name in ((ws, "handshake"), (ws2, "by message")):
        m = w.message(lambda m: m.get("event") == "conversation")
        t.ok(m is not None, "%s: a conversation message" % name)
        if m is None:
            continue
        t.is_(m["stream"], ["direct"], "%s: its stream is [\"direct\"]"
              % name)
        cv = json.loads(m["payload"])
        t.is_(shape(cv), (True, [alice.id], p["id"]),
              "%s: the Conversation" % name)
    ws2.send(1, json.dumps({"type": "unsubscribe", "stream": "direct"}))
    # An unknown stream is answered with an error: once it is here, the
    # unsubscribe before it was read too.
    ws2.send(1, json.dumps({"type": "subscribe", "stream": "nope"}))
    t.ok(ws2.message(lambda m: "error" in m) is not None,
         "(the messages before were read)")
    p2 = dm(alice, [bob], "again", in_reply_to_id=p["id"])
    m = ws2.message(lambda m: m.get("event") == "update" and
                    json.loads(m["payload"])["id"] == p2["id"])
    t.ok(m is not None, "after unsubscribing: the user stream's update")
    t.ok(not any(f[0] == 1 and json.loads(f[1]).get("event") ==
                 "conversation" for f in ws2.items),
         "... and no conversation message")
    ws.close()
    ws2.close()


@h.case
def mute_thread(t, srv):
    """POST /statuses/:id/mute: the Status says muted (to its muter only,
    in lists too); replies in the thread, favourites and mentions of the
    muter there notify them no more (others still are); unmute ends it."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    root = h.post_status(alice, "Offsite ideas?")
    r1 = h.post_status(bob, "@%s a hike" % alice.name,
                       in_reply_to_id=root["id"])
    t.ok(notified(alice, r1["id"], "mention"), "before: alice is told of "
         "bob's reply")
    r = alice.post("/api/v1/statuses/%s/mute" % r1["id"])
    t.status(r, 200, "alice mutes the thread (through a reply in it)")
    t.is_(r.json()["muted"], True, "the answer: muted")
    t.is_(alice.get("/api/v1/statuses/%s" % root["id"]).json()["muted"],
          True, "the root says muted too: the whole thread is")
    t.is_(bob.get("/api/v1/statuses/%s" % root["id"]).json()["muted"],
          False, "not for bob")
    home = alice.get("/api/v1/timelines/home").json()
    t.is_({s["id"]: s["muted"] for s in home
           if s["id"] in (root["id"], r1["id"])},
          {root["id"]: True, r1["id"]: True},
          "home timeline (cached Statuses): muted for alice")
    bh = bob.get("/api/v1/timelines/home").json()
    t.ok(all(s["muted"] is False for s in bh), "... and false in bob's")
    s = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
               alice.token)
    r2 = h.post_status(bob, "@%s @%s or a lake" % (alice.name, carol.name),
                       in_reply_to_id=r1["id"])
    bob.post("/api/v1/statuses/%s/favourite" % root["id"])
    t.ok(not notified(alice, r2["id"]), "muted: no mention notification")
    t.ok(not notified(alice, root["id"], "favourite"),
         "muted: no favourite notification")
    t.ok(notified(carol, r2["id"], "mention"), "carol, who did not mute "
         "it, is told")
    other = h.post_status(bob, "@%s elsewhere" % alice.name)
    t.ok(notified(alice, other["id"], "mention"),
         "a mention outside the thread still notifies")
    evs = s.until(lambda e: e[0] == "notification" and
                  json.loads(e[1])["status"]["id"] == other["id"])
    t.is_([json.loads(e[1])["status"]["id"] for e in evs
           if e[0] == "notification"], [other["id"]],
          "the stream told only of the one outside the thread")
    s.close()
    r = alice.post("/api/v1/statuses/%s/unmute" % root["id"])
    t.status(r, 200, "unmute")
    t.is_(r.json()["muted"], False, "the answer: not muted")
    r3 = h.post_status(bob, "@%s decided: lake" % alice.name,
                       in_reply_to_id=r2["id"])
    t.ok(notified(alice, r3["id"], "mention"), "unmuted: told again")
    secret = dm(bob, [carol], "surprise for alice")
    t.status(alice.post("/api/v1/statuses/%s/mute" % secret["id"]), 404,
             "muting a post one cannot read: 404")
    t.status(alice.post("/api/v1/statuses/999999/mute"), 404,
             "muting no post: 404")


@h.case
def mute_push(t, srv):
    """A muted thread sends no Web Push either (a push service on
    127.0.0.1 decrypts what arrives); outside it, pushes go on."""
    name = "alice%d" % next(_n)
    srv.add_user(name)
    tok = srv.ctl("token", "create", name, "--scopes",
                  "read write follow push").stdout.strip()
    alice = srv.client(headers={"Authorization": "Bearer " + tok})
    alice.name = name
    bob, = people(srv, "bob")
    sub = srv.sink.sub("%s-push" % name)
    t.status(alice.post("/api/v1/push/subscription",
                        sub.form(["mention"])), 200, "alice subscribes")
    root = h.post_status(alice, "Quarterly numbers")
    h.post_status(bob, "@%s first question" % name,
                  in_reply_to_id=root["id"])
    got = srv.sink.get()
    t.is_(got and got[1]["notification_type"], "mention",
          "before muting: the reply is pushed")
    t.status(alice.post("/api/v1/statuses/%s/mute" % root["id"]), 200,
             "alice mutes the thread")
    h.post_status(bob, "@%s second question" % name,
                  in_reply_to_id=root["id"])
    t.is_(srv.sink.get(timeout=2.5), None, "muted: nothing is pushed")
    h.post_status(bob, "@%s another topic" % name)
    got = srv.sink.get()
    t.like(got and got[1]["body"], "another topic",
           "a mention elsewhere is pushed")
    t.is_(srv.sink.errors, [], "every push verified and decrypted")


@h.case
def mute_direct_conversation(t, srv):
    """A muted direct thread: no notifications, yet the conversation
    still moves (muting is about notifications, not about hiding)."""
    alice, bob = people(srv, "alice", "bob")
    p = dm(bob, [alice], "ping")
    alice.post("/api/v1/statuses/%s/mute" % p["id"])
    p2 = dm(bob, [alice], "ping again", in_reply_to_id=p["id"])
    t.ok(not notified(alice, p2["id"]), "no notification")
    t.is_(shape(convs(alice)[0]), (True, [bob.id], p2["id"]),
          "the conversation has the new post, unread")


@h.case
def web_page(t, srv):
    """The web's /conversations page still lists the direct posts; above
    them, in bold, the conversations with something new, which opening
    the page reads (the API says so after)."""
    alice, bob = people(srv, ("alice", "Alice Liddell"), "bob")
    p = dm(alice, [bob], "see you at ten")
    w = srv.client()
    t.status(w.login(bob.name), 303, "bob signs in")
    r = w.get("/conversations")
    t.status(r, 200, "GET /conversations")
    t.like(r.text, r"see you at ten", "the direct post is on it")
    t.like(r.text, r"New since you last looked", "a list of what is new")
    t.like(r.text, r'<a href="/@%s/%s"><strong>Alice Liddell</strong></a>'
           % (alice.name, p["id"]), "... alice's conversation, in bold, "
           "linking to its last post")
    t.is_(convs(bob)[0]["unread"], False, "opening the page read it")
    r = w.get("/conversations")
    t.unlike(r.text, r"New since you last looked", "opened again: "
             "nothing new")
    t.like(r.text, r"see you at ten", "... the post is still there")


h.main_cases(fixture)
