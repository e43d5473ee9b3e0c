"""Home feeds that survive a restart (issue 22, point 1; feed-save.c,
schema 0027): a clean shutdown writes the feeds in memory to saved_feeds,
and a person's first read after the start loads their row. The row is a
hint: home after a restart equals home before it; posts written after the
save (a crash, another process while hearthd is down) are merged in; a
follow or unfollow makes the row unusable rather than wrong; every id read
from it still goes through the visibility rule; an empty table (a fresh or
restored database) only means the feeds are built again.

Each case can run alone: make check TESTS=tests/integration/test_saved_feeds.py
CASE=restart_keeps_home (or `python3 .../test_saved_feeds.py --list`)."""
import contextlib
import itertools
import signal
import sqlite3
import threading

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


class World:
    """People made on srv, whose clients follow the server's port across
    restarts (a restart picks a new one)."""

    def __init__(self, srv, *bases):
        self.srv = srv
        names = ["%s%d" % (b, next(_n)) for b in bases]
        got = srv.people(*names)
        self.people = [got[n] for n in names]

    def reconnect(self):
        for c in self.people:
            c.port = self.srv.port


def home(c, limit=40):
    r = c.get("/api/v1/timelines/home?limit=%d" % limit)
    assert r.status == 200, r.summary()
    return [s["id"] for s in r.json()]


def restart(srv, w, sig=signal.SIGTERM):
    """Stop (SIGTERM: a clean shutdown that saves; SIGKILL: a crash) and
    start again on the same data_dir."""
    if sig == signal.SIGKILL:
        srv.kill()
    else:
        srv.stop()
    srv.start()
    w.reconnect()


def saved_row(srv, uid):
    db = sqlite3.connect(srv.db)
    try:
        return db.execute("SELECT through_id, reach, complete, ids FROM "
                          "saved_feeds WHERE user_id = ?",
                          (int(uid),)).fetchone()
    finally:
        db.close()


def encode(ids):
    """feed-save.c's blob: newest first, the first id then the gaps, as
    varints."""
    out, prev = bytearray(), None
    for i in ids:
        v = i if prev is None else prev - i
        prev = i
        while v >= 0x80:
            out.append((v & 0x7f) | 0x80)
            v >>= 7
        out.append(v)
    return bytes(out)


def set_saved_ids(srv, uid, ids):
    db = sqlite3.connect(srv.db)
    try:
        db.execute("UPDATE saved_feeds SET ids = ? WHERE user_id = ?",
                   (encode(sorted(ids, reverse=True)), int(uid)))
        db.commit()
    finally:
        db.close()


@h.case
def restart_keeps_home(t, srv):
    """Home before and after a restart are the same list, and the feed
    came from the saved row (a row changed while hearthd was down is what
    the next start serves)."""
    w = World(srv, "ann", "bob", "cat", "dan")
    ann, bob, cat, dan = w.people
    for x in (bob, cat):
        t.status(ann.post("/api/v1/accounts/%s/follow" % x.id), 200,
                 "ann follows")
    for i in range(15):
        h.post_status(bob, "bob %d" % i)
        h.post_status(cat, "cat %d" % i)
    loose = h.post_status(dan, "dan's public post, ann does not follow dan")
    before = home(ann)
    t.is_(len(before), 30, "ann's home holds bob's and cat's 30 posts")
    restart(srv, w)
    row = saved_row(srv, ann.id)
    t.ok(row is not None, "a clean shutdown saved ann's feed")
    t.is_(home(ann), before, "home after the restart equals home before")
    # The row is what a start serves: put dan's public post in it.
    srv.stop()
    set_saved_ids(srv, ann.id, [int(i) for i in before] + [int(loose["id"])])
    srv.start()
    w.reconnect()
    t.ok(loose["id"] in home(ann), "the next start read ann's feed from "
         "the saved row (an id put there shows)")


@h.case
def saved_ids_go_through_visibility(t, srv):
    """An id in a saved row that the reader may not see is never shown:
    someone else's direct message, a post deleted while down."""
    w = World(srv, "ann", "bob", "cat")
    ann, bob, cat = w.people
    t.status(ann.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "ann follows bob")
    kept = h.post_status(bob, "bob's post")
    gone = h.post_status(bob, "bob's post, deleted later")
    secret = h.post_status(bob, "@%s only" % cat.me().json()["username"],
                           visibility="direct")
    home(ann)
    srv.stop()
    set_saved_ids(srv, ann.id, [int(kept["id"]), int(gone["id"]),
                                int(secret["id"])])
    srv.start()
    w.reconnect()
    t.status(bob.request("DELETE", "/api/v1/statuses/" + gone["id"]), 200,
             "bob deletes a post before ann reads")
    got = home(ann)
    t.ok(kept["id"] in got, "ann sees bob's post")
    t.ok(gone["id"] not in got, "a post deleted after the save is not shown")
    t.ok(secret["id"] not in got, "a direct message to someone else in the "
         "row is not shown")


@h.case
def posts_after_the_save_are_merged(t, srv):
    """Posts written after the row was saved reach the feed: written
    before a crash (the row stays the older one), and by another
    process while hearthd is down."""
    w = World(srv, "ann", "bob")
    ann, bob = w.people
    t.status(ann.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "ann follows bob")
    first = h.post_status(bob, "before the save")
    home(ann)
    restart(srv, w)                       # saves ann's feed
    row = saved_row(srv, ann.id)
    t.ok(row is not None and row[0] >= int(first["id"]),
         "the row holds posts up to bob's first")
    late = h.post_status(bob, "after the save, before a crash")
    restart(srv, w, signal.SIGKILL)       # a crash: the row is the old one
    t.is_(saved_row(srv, ann.id)[0], row[0], "the crash saved nothing")
    got = home(ann)
    t.ok(late["id"] in got and first["id"] in got, "the post written "
         "before the crash is in ann's home after it", str(got))
    # Another process writes while hearthd is down (as a restore or a
    # tool would): a copy of bob's post, straight into the database.
    srv.stop()
    db = sqlite3.connect(srv.db)
    cols = [r[1] for r in db.execute("PRAGMA table_info(posts)")
            if r[1] != "id"]
    cur = db.execute("INSERT INTO posts (%s) SELECT %s FROM posts WHERE "
                     "id = ?" % (", ".join(cols), ", ".join(cols)),
                     (int(late["id"]),))
    offline = str(cur.lastrowid)
    db.commit()
    db.close()
    srv.start()
    w.reconnect()
    got = home(ann)
    t.ok(offline in got, "a post written while hearthd was down is in "
         "ann's home", str(got))
    t.is_(got[0], offline, "it is the newest")


@h.case
def follow_and_unfollow_while_cold(t, srv):
    """A follow or an unfollow after the save (while the feed is not in
    memory) changes the reach, so the row is not used: the new person's
    posts appear, the old one's go."""
    w = World(srv, "ann", "bob", "cat")
    ann, bob, cat = w.people
    t.status(ann.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "ann follows bob")
    b = h.post_status(bob, "bob's")
    c = h.post_status(cat, "cat's")
    t.is_(home(ann), [b["id"]], "ann's home: bob's post")
    restart(srv, w)
    t.status(ann.post("/api/v1/accounts/%s/follow" % cat.id), 200,
             "ann follows cat before reading")
    t.status(ann.post("/api/v1/accounts/%s/unfollow" % bob.id), 200,
             "and unfollows bob")
    t.is_(home(ann), [c["id"]], "ann's home: cat's post, not bob's")
    # And while hearthd is down, by another process.
    restart(srv, w)
    srv.stop()
    db = sqlite3.connect(srv.db)
    db.execute("INSERT INTO follows (follower_id, followee_id, created_at) "
               "VALUES (?, ?, strftime('%s'))", (int(ann.id), int(bob.id)))
    db.commit()
    db.close()
    srv.start()
    w.reconnect()
    t.is_(sorted(home(ann)), sorted([b["id"], c["id"]]),
          "a follow written while down: bob's post is back")


@h.case
def empty_table_rebuilds(t, srv):
    """A database whose saved_feeds is empty (fresh, or restored from a
    backup without rows) builds feeds as before."""
    w = World(srv, "ann", "bob")
    ann, bob = w.people
    t.status(ann.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "ann follows bob")
    for i in range(5):
        h.post_status(bob, "bob %d" % i)
    before = home(ann)
    srv.stop()
    db = sqlite3.connect(srv.db)
    db.execute("DELETE FROM saved_feeds")
    db.commit()
    db.close()
    srv.start()
    w.reconnect()
    t.is_(home(ann), before, "home equals before, built again")


@h.case
def many_readers_of_one_cold_feed(t, srv):
    """50 requests at once for one cold feed all answer the same home."""
    w = World(srv, "ann", "bob")
    ann, bob = w.people
    t.status(ann.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "ann follows bob")
    for i in range(10):
        h.post_status(bob, "bob %d" % i)
    before = home(ann)
    srv.stop()
    db = sqlite3.connect(srv.db)
    db.execute("DELETE FROM saved_feeds")
    db.commit()
    db.close()
    srv.start()
    w.reconnect()
    got, lock = [], threading.Lock()

    def read():
        c = srv.client(headers={"Authorization": "Bearer " + ann.token})
        ids = home(c)
        with lock:
            got.append(ids)
    ths = [threading.Thread(target=read) for _ in range(50)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.is_(len(got), 50, "50 answers")
    t.ok(all(g == before for g in got), "every one is ann's home")


if __name__ == "__main__":
    h.main_cases(fixture)
