"""The bridge's delivery queue when the outside misbehaves (issue 16, item
7): a follower's server down and back (delivered after the back-off), one
that never answers (others are not held up; the slow one times out rather
than sticking), hearthd killed with deliveries pending (all delivered after
the restart, none twice), and a server that keeps failing (paused, not
hammered).

Followers are the Fedify peer (bridge.Peer) and servers of the test's own
(bridge.FakeServer) that answer an inbox POST however a case needs: 202,
500, or never. Posts go out without the desk (bridge.approval = none).

Each case runs alone: CASE=slow_peer make check TESTS=...
"""
import json
import re
import threading
import time
import uuid

import harness as h
import bridge as b

_key = []


def key(t):
    """One RSA key for every fake actor of the file (made once)."""
    if not _key:
        _key.append(b.RsaKey(t))
    return _key[0]


def uid():
    return uuid.uuid4().hex[:10]


def start(t, **config):
    """A Bridge (approval none) with alice visible outside."""
    srv = b.Bridge(t, approval="none", **config).start()
    srv.add_user("alice")
    srv.opt_in("alice")
    return srv


def finish(t, srv):
    """Stop hearthd: it exits 0, its log has no sanitizer reports."""
    t.is_(srv.stop(), 0, "hearthd exits 0 on SIGTERM")
    srv.check_log()


def share(t, srv, text):
    """alice posts text for the outside (out at once); the post's id."""
    r = srv.api("alice").post("/api/v1/statuses", {"status": text,
                                                  "share_outside": "1"})
    t.status(r, 200, "alice shares %r" % text)
    return r.json()["id"]


def peer_follows(t, srv, peer, who="bob"):
    st, r = peer.follow("alice@" + srv.domain, as_user=who)
    t.is_(r.get("delivery", {}).get("status"), 202,
          "%s@%s follows alice" % (who, peer.domain))
    t.ok(peer.wait_inbox("Accept", lambda a: a["actor"] ==
                         srv.pub + "/users/alice"),
         "%s@%s gets the Accept" % (who, peer.domain))


def fake_follows(t, srv, server, inbox=202, shared=False, name=None):
    """An actor of server's (personal inbox only unless shared; its inboxes
    answer inbox) follows alice with a Follow signed here; its document."""
    k = key(t)
    doc = server.actor(name or "f" + uid(), k, inbox=inbox,
                       shared_inbox=shared)
    act = {"@context": b.AS_CONTEXT, "type": "Follow", "actor": doc["id"],
           "id": "%s/follows/%s" % (server.origin, uid()),
           "object": srv.pub + "/users/alice"}
    body = json.dumps(act).encode()
    hdrs = b.cavage_sign(k, doc["publicKey"]["id"], "POST",
                         "/users/alice/inbox", srv.domain, body)
    hdrs["Content-Type"] = b.AS_TYPE
    st, text = b.post_raw(srv.pub_host, srv.pub_port, "/users/alice/inbox",
                          body, hdrs)
    t.is_(st, 202, "%s follows alice" % doc["id"]) or t.diag(text)
    return doc


def creates(srv, host=None):
    """The deliveries of Creates (to host, if given): dicts."""
    rows = srv.rows(
        "SELECT d.id, d.inbox, d.host, d.state, d.attempts, d.next_at, "
        "d.last_status, d.last_error, d.created_at, d.done_at, a.body "
        "FROM bridge_deliveries d JOIN bridge_activities a ON a.id = "
        "d.activity_id WHERE a.type = 'Create' ORDER BY d.id")
    keys = ("id", "inbox", "host", "state", "attempts", "next_at",
            "last_status", "last_error", "created_at", "done_at", "body")
    out = [dict(zip(keys, r)) for r in rows]
    return [d for d in out if host is None or d["host"] == host]


def kind(rec):
    """An inbox POST's activity type."""
    try:
        return json.loads(rec["body"] or b"{}").get("type")
    except ValueError:
        return None


def hold_creates(rec):
    """An inbox that never answers a Create (and takes the rest)."""
    return "hold" if kind(rec) == "Create" else (202, {}, b"")


# ---------------------------------------------------------------- cases

@h.case
def peer_down_then_up(t, fx):
    """A follower's server goes away: the Create fails, is kept pending
    with a back-off of about 10 s, and arrives once the server is back
    (the same host, port and keys)."""
    srv = start(t)
    peer = b.Peer(t, ["bob"]).start()
    peer_follows(t, srv, peer)
    peer.stop()
    share(t, srv, "while you were out")
    rows = h.poll(lambda: [d for d in creates(srv) if d["attempts"] >= 1 and
                           d["state"] == "pending"], 20)
    t.is_(len(rows), 1, "the Create failed once and waits")
    if not rows:
        t.diag(json.dumps(creates(srv), default=str)[:2000])
        return
    d = rows[0]
    t.is_(d["inbox"], peer.origin + "/inbox", "to the peer's shared inbox")
    t.ok(d["last_error"], "the failure is recorded: %s" % d["last_error"])
    gap = d["next_at"] - d["created_at"]
    t.ok(8 <= gap <= 16, "the first retry is about 10 s later (%d s)" % gap)
    t.ok(d["next_at"] > time.time() - 1, "the retry is in the future")
    hosts = srv.rows("SELECT failures, paused_until FROM bridge_hosts WHERE "
                     "host = ?", d["host"])
    t.ok(hosts and hosts[0][1] < time.time(), "one failure pauses nothing",
         repr(hosts))

    back = b.Peer(t, ["bob"], host=peer.host, port=peer.port,
                  state=peer.state).start()
    got = back.wait_inbox("Create", timeout=40)
    t.ok(got, "the Create arrives once the peer is back")
    done = h.poll(lambda: [x for x in creates(srv) if x["state"] ==
                           "delivered"], 10)
    t.is_(len(done), 1, "the delivery is recorded as delivered")
    if done:
        t.is_(done[0]["attempts"], 2, "on the second attempt")
        t.ok(done[0]["done_at"] >= d["next_at"], "not before the back-off "
             "(%d >= %d)" % (done[0]["done_at"], d["next_at"]))
    t.is_(back.rejected(), [], "the peer refused nothing")
    back.stop()
    finish(t, srv)


@h.case
def slow_peer(t, fx):
    """A follower's server that takes a Create and never answers does not
    hold up another host's delivery; it times out (30 s) rather than
    sticking, and its delivery waits for a retry."""
    srv = start(t)
    peer = b.Peer(t, ["bob"]).start()
    peer_follows(t, srv, peer)
    slow = b.FakeServer(t, name="never answers")
    for _ in range(3):
        fake_follows(t, srv, slow, inbox=hold_creates)
    t0 = time.monotonic()
    share(t, srv, "slow and fast")
    got = peer.wait_inbox("Create", timeout=10)
    took = time.monotonic() - t0
    t.ok(got, "the healthy peer gets the Create promptly (%.1f s)" % took)
    t.is_(peer.rejected(), [], "the peer refused nothing")
    held = h.poll(lambda: len([r for r in slow.posts() if kind(r) ==
                               "Create"]) == 3, 10)
    t.ok(held, "the slow server holds 3 Creates unanswered")
    t.is_(sorted(d["state"] for d in creates(srv, slow.domain)),
          ["sending"] * 3, "its deliveries are in flight meanwhile")

    # The total timeout (30 s) ends them: the connections are closed and
    # the deliveries wait for a retry.
    closed = h.poll(lambda: len(slow.closed) >= 3, 50)
    t.ok(closed, "hearthd gives up on the 3 requests (closes them)")
    for path, at in slow.closed:
        start_at = min(r["at"] for r in slow.posts(path))
        t.ok(at - start_at < 36, "%s closed after %.1f s (the timeout is "
             "30 s)" % (path, at - start_at))
    rows = h.poll(lambda: [d for d in creates(srv, slow.domain)
                           if d["state"] == "pending"], 10)
    t.is_([d["attempts"] for d in rows], [1, 1, 1],
          "the slow deliveries wait for a retry")
    for d in rows:
        t.like(d["last_error"], r"(?i)time", "its error says it timed out")
        t.ok(d["next_at"] > time.time() - 2, "its retry is in the future")
    slow.release()
    finish(t, srv)


@h.case
def slow_host_flood(t, fx):
    """With the default limits, a post to 66 followers on one server that
    never answers (66 personal inboxes: one attacker, one post) must not
    hold up a healthy follower elsewhere: the per-host limit (4) is
    supposed to bound what one host takes."""
    srv = start(t)
    good = b.FakeServer(t, name="healthy")
    fake_follows(t, srv, good, shared=True)
    slow = b.FakeServer(t, name="tarpit")
    for _ in range(66):
        fake_follows(t, srv, slow, inbox=hold_creates)
    share(t, srv, "first post, to the tarpit")
    held = h.poll(lambda: len([r for r in slow.posts() if kind(r) ==
                               "Create"]) >= 4, 15)
    t.ok(held, "the tarpit holds its Creates")
    t0 = time.monotonic()
    share(t, srv, "second post")
    got = h.poll(lambda: [r for r in good.posts() if kind(r) == "Create" and
                          b"second post" in r["body"]], 8)
    t.ok(got, "the healthy server gets the second post promptly (waited "
         "%.1f s)" % (time.monotonic() - t0), json.dumps(
             srv.rows("SELECT state, COUNT(*) FROM bridge_deliveries GROUP "
                      "BY state")))
    slow.release()
    finish(t, srv)


@h.case
def slow_key_server(t, fx):
    """Inbound Follows whose keys sit on servers that never answer (8
    ports, 4 each: the default per-host and total limits) must not stall
    deliveries to a healthy follower."""
    srv = start(t)
    good = b.FakeServer(t, name="healthy")
    fake_follows(t, srv, good, shared=True)
    host = b.loopback_address()
    tarpits = [b.FakeServer(t, host=host, name="key tarpit")
               for _ in range(8)]
    k = key(t)
    results = []

    def knock(server):
        actor = "%s/users/k%s" % (server.origin, uid())
        server.route(actor[len(server.origin):], method="GET",
                     fn=lambda rec: "hold")
        act = {"@context": b.AS_CONTEXT, "type": "Follow", "actor": actor,
               "id": "%s/follows/%s" % (server.origin, uid()),
               "object": srv.pub + "/users/alice"}
        body = json.dumps(act).encode()
        hdrs = b.cavage_sign(k, actor + "#main-key", "POST", "/inbox",
                             srv.domain, body)
        hdrs["Content-Type"] = b.AS_TYPE
        try:
            results.append(b.post_raw(srv.pub_host, srv.pub_port, "/inbox",
                                      body, hdrs, timeout=60)[0])
        except OSError as e:
            results.append(str(e))
    threads = [threading.Thread(target=knock, args=(tp,), daemon=True)
               for tp in tarpits for _ in range(4)]
    for th in threads:
        th.start()
    def hanging():
        return sum(len(tp.gets()) for tp in tarpits)
    h.poll(lambda: hanging() >= 32, 5)
    t.ok(hanging() >= 8, "key fetches hang on the tarpits (%d)" % hanging())
    t0 = time.monotonic()
    share(t, srv, "while keys hang")
    got = h.poll(lambda: [r for r in good.posts() if kind(r) == "Create"],
                 8)
    t.ok(got, "the healthy server still gets the Create promptly (waited "
         "%.1f s)" % (time.monotonic() - t0))
    for tp in tarpits:
        tp.release()
    for th in threads:
        th.join(20)
    t.ok(all(r == 401 for r in results), "the Follows with no key were "
         "refused (401)", repr(results))
    t.is_(srv.rows("SELECT COUNT(*) FROM bridge_followers WHERE actor LIKE "
                   "?", "http://%s:%%" % host), [(0,)],
          "none of them follows")
    finish(t, srv)


@h.case
def killed_with_pending(t, fx):
    """hearthd killed (SIGKILL) with deliveries waiting for a retry and
    others in flight: after the restart every one is delivered, and each
    follower's server received each Create once."""
    srv = start(t)
    peer = b.Peer(t, ["bob"]).start()
    peer_follows(t, srv, peer)
    down = b.FakeServer(t, name="down then up")
    fake_follows(t, srv, down, shared=True)
    hang = b.FakeServer(t, name="hangs until the kill")
    hanging = fake_follows(t, srv, hang, inbox=hold_creates)
    peer.stop()
    down.stop()
    for i in range(3):
        share(t, srv, "pending %d" % i)
    hosts = {peer.domain: "pending", down.domain: "pending",
             hang.domain: "sending"}

    def ready():
        ds = creates(srv)
        return len(ds) == 9 and all(
            d["state"] == hosts[d["host"]] and d["attempts"] == 1
            for d in ds)
    t.ok(h.poll(ready, 20), "3 Creates to each of 3 servers: 6 failed once "
         "and wait, 3 are in flight", json.dumps(
             [(d["host"], d["state"], d["attempts"]) for d in creates(srv)]))

    killed_at = time.time()
    srv.send_signal(9)
    t.is_(srv.wait_exit(), -9, "hearthd is killed")
    # The servers come back: the hanging one answers from now on.
    hang.inbox(hanging["inbox"][len(hang.origin):], 202)
    hang.release()
    down2 = b.FakeServer(t, host=down.host, port=down.port,
                         name="down then up (back)")
    down2.inbox("/inbox", 202)
    back = b.Peer(t, ["bob"], host=peer.host, port=peer.port,
                  state=peer.state).start()
    srv.spawn()
    t.ok(srv.wait_ready(), "hearthd restarts")

    done = h.poll(lambda: all(d["state"] == "delivered"
                              for d in creates(srv)), 45)
    t.ok(done, "every delivery is delivered after the restart", json.dumps(
        [(d["host"], d["state"], d["attempts"], d["last_error"])
         for d in creates(srv)]))
    ids = sorted(json.loads(d["body"])["id"] for d in creates(srv)
                 if d["host"] == peer.domain)
    t.is_(len(ids), 3, "3 Create activities")
    h.poll(lambda: len(back.inbox("Create")) >= 3, 10)
    t.is_(sorted(a["id"] for a in back.inbox("Create")), ids,
          "the peer received each Create once")
    t.is_(sorted(json.loads(r["body"])["id"] for r in down2.posts()), ids,
          "the server that was down received each Create once")
    held = sorted(json.loads(r["body"])["id"] for r in hang.posts()
                  if kind(r) == "Create" and r["at"] < killed_at)
    again = sorted(json.loads(r["body"])["id"] for r in hang.posts()
                   if kind(r) == "Create" and r["at"] > killed_at)
    t.is_(held, ids, "the server that hung had each Create in flight at "
          "the kill")
    t.is_(again, ids, "... and received each once more after the restart "
          "(never answered before), no more")
    t.is_(back.rejected(), [], "the peer refused nothing")
    finish(t, srv)


@h.case
def host_paused(t, fx):
    """A server whose inbox answers 500 five times in a row is paused (no
    more requests for a while): its Create waits, unsent, while another
    host's goes out."""
    srv = start(t)
    bad = b.FakeServer(t, name="answers 500")
    good = b.FakeServer(t, name="answers 202")
    fake_follows(t, srv, good, shared=True)
    for _ in range(5):
        fake_follows(t, srv, bad, inbox=500)
    paused = h.poll(lambda: srv.rows(
        "SELECT failures, paused_until, last_error FROM bridge_hosts WHERE "
        "host = ? AND paused_until > ?", bad.domain, int(time.time())), 20)
    t.ok(paused, "the host is paused after 5 failures", repr(srv.rows(
        "SELECT * FROM bridge_hosts")))
    if paused:
        failures, until, err = paused[0]
        t.ok(failures >= 5, "%d failures in a row recorded" % failures)
        t.ok(45 <= until - time.time() <= 61, "for about a minute (%d s)"
             % (until - time.time()))
        t.like(err, "500", "the last error is kept")
    t.ok(srv.wait_log(r"%s keeps failing .*paused" % re.escape(bad.domain)),
         "the log says so")
    t.is_(len(bad.posts()), 5, "5 requests reached it")
    srv.add_user("root", admin=True)
    q = srv.api("root").get("/api/v1/admin/bridge/deliveries").json()
    row = [x for x in q if x["host"] == bad.domain]
    t.ok(row and row[0]["paused"], "the admin API shows it paused",
         json.dumps(q))
    p = srv.ctl("bridge", "queue")
    t.like(p.stdout, r"%s .*paused" % re.escape(bad.domain),
           "hearthctl bridge queue shows it paused")

    share(t, srv, "to good and bad")
    got = h.poll(lambda: [x for x in good.posts() if kind(x) == "Create"],
                 15)
    t.ok(got, "the healthy host gets the Create")
    t.is_(sorted((d["state"], d["attempts"]) for d in creates(srv,
                                                              bad.domain)),
          [("pending", 0)] * 5, "the paused host's Creates wait, unsent")
    t.is_([x for x in bad.posts() if kind(x) == "Create"], [],
          "the paused host received nothing more")
    finish(t, srv)


if __name__ == "__main__":
    h.main_cases()
