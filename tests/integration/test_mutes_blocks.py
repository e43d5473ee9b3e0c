"""Mutes, blocks and private notes (issue 21, point 6), Mastodon's way:
the Relationship fields, the lists of whom I mute and block with their
Link pages, a mute's expiry, and the rules in timelines, notifications
and streams; a block ends follows both ways and refuses a new one.

Each case can run alone: make check TESTS=tests/integration/test_mutes_blocks.py
CASE=relationship_fields (or `python3 .../test_mutes_blocks.py --list`)."""
import contextlib
import itertools
import json
import re
import time

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
    for n in names:
        got[n].name = n
    return [got[n] for n in names]


def rel(c, other):
    r = c.get("/api/v1/accounts/relationships?id[]=" + other.id)
    return r.json()[0]


def home(c, limit=20):
    return [s["id"] for s in
            c.get("/api/v1/timelines/home?limit=%d" % limit).json()]


def notes_from(c, who):
    return [n["type"] for n in c.get("/api/v1/notifications").json()
            if n["account"]["id"] == who.id]


@h.case
def relationship_fields(t, srv):
    """mute (with and without notifications), unmute, block, unblock and
    a note show in the Relationship, each answer being the new one."""
    ann, bob = people(srv, "ann", "bob")
    r = ann.post("/api/v1/accounts/%s/mute" % bob.id)
    t.status(r, 200, "mute answers 200")
    j = r.json()
    t.ok(j["muting"] and j["muting_notifications"] and j["id"] == bob.id,
         "muting, with notifications by default")
    j = ann.post("/api/v1/accounts/%s/mute" % bob.id,
                 {"notifications": "false"}).json()
    t.ok(j["muting"] and not j["muting_notifications"],
         "notifications=false: muting without notifications")
    t.ok(not rel(bob, ann)["muting"], "bob's side says nothing of it")
    j = ann.post("/api/v1/accounts/%s/unmute" % bob.id).json()
    t.ok(not j["muting"] and not j["muting_notifications"], "unmuted")
    j = ann.post("/api/v1/accounts/%s/block" % bob.id).json()
    t.ok(j["blocking"] and not j["blocked_by"], "ann blocks bob")
    j = rel(bob, ann)
    t.ok(j["blocked_by"] and not j["blocking"], "bob sees blocked_by")
    j = ann.post("/api/v1/accounts/%s/unblock" % bob.id).json()
    t.ok(not j["blocking"], "unblocked")
    j = ann.post("/api/v1/accounts/%s/note" % bob.id,
                 {"comment": "Met at the offsite"}).json()
    t.is_(j["note"], "Met at the offsite", "the note is in the answer")
    t.is_(rel(ann, bob)["note"], "Met at the offsite", "and stays")
    t.is_(rel(bob, ann)["note"], "", "bob never sees ann's note")
    ann.post("/api/v1/accounts/%s/note" % bob.id, {"comment": ""})
    t.is_(rel(ann, bob)["note"], "", "an empty comment removes it")
    t.status(ann.post("/api/v1/accounts/%s/mute" % ann.id), 422,
             "muting oneself is refused")
    t.status(ann.post("/api/v1/accounts/99999999/block"), 404,
             "blocking nobody: 404")
    t.status(ann.post("/api/v1/accounts/%s/note" % bob.id,
                      {"comment": "x" * 2001}), 422, "a note over 2000 "
             "characters is refused")


@h.case
def lists_page_with_links(t, srv):
    """GET /api/v1/mutes and /blocks: Accounts, newest first, paged."""
    ann, b1, b2, b3 = people(srv, "ann", "b", "b", "b")
    for p in (b1, b2, b3):
        ann.post("/api/v1/accounts/%s/mute" % p.id)
        ann.post("/api/v1/accounts/%s/block" % p.id)
    for what in ("mutes", "blocks"):
        r = ann.get("/api/v1/%s?limit=2" % what)
        t.is_([a["id"] for a in r.json()], [b3.id, b2.id],
              "%s: newest first, limit 2" % what)
        m = re.search(r'<https?://[^/]+([^>]*)>; rel="next"',
                      r.header("Link") or "")
        t.ok(m is not None, "%s: a Link to the next page" % what)
        r = ann.get(m.group(1))
        t.is_([a["id"] for a in r.json()], [b1.id], "%s: page two" % what)
    t.is_(b1.get("/api/v1/mutes").json(), [], "bob's own list is empty")


@h.case
def mute_expires(t, srv):
    """duration mutes for that many seconds, then the person is back."""
    ann, bob = people(srv, "ann", "bob")
    ann.post("/api/v1/accounts/%s/follow" % bob.id)
    p = h.post_status(bob, "still here")["id"]
    j = ann.post("/api/v1/accounts/%s/mute" % bob.id,
                 {"duration": "2"}).json()
    t.ok(j["muting"], "muted for two seconds")
    t.ok(p not in home(ann), "meanwhile his post is out of home")
    t.is_([a["id"] for a in ann.get("/api/v1/mutes").json()], [bob.id],
          "and he is on the mutes list")
    time.sleep(3)
    t.ok(not rel(ann, bob)["muting"], "the mute has expired")
    t.ok(p in home(ann), "his post is back in home")
    t.is_(ann.get("/api/v1/mutes").json(), [], "the list is empty again")
    t.status(ann.post("/api/v1/accounts/%s/mute" % bob.id,
                      {"duration": "soon"}), 422, "a bad duration is 422")


@h.case
def notifications_matrix(t, srv):
    """A mute with notifications silences mentions, favourites and follows
    from the person; without, only the posts go; a block silences them
    both ways and clears those there were."""
    ann, bob, cat = people(srv, "ann", "bob", "cat")
    mine = h.post_status(ann, "ann's post")["id"]
    ann.post("/api/v1/accounts/%s/mute" % bob.id)
    h.post_status(bob, "@%s hello" % ann.name)
    bob.post("/api/v1/statuses/%s/favourite" % mine)
    bob.post("/api/v1/accounts/%s/follow" % ann.id)
    t.is_(notes_from(ann, bob), [], "muted with notifications: none from "
          "bob (mention, favourite, follow)")
    ann.post("/api/v1/accounts/%s/mute" % bob.id, {"notifications": "0"})
    m = h.post_status(bob, "@%s again" % ann.name)["id"]
    t.is_(notes_from(ann, bob), ["mention"], "muted without notifications: "
          "the mention arrives")
    t.ok(m not in home(ann), "though the post is not in home")
    ann.post("/api/v1/accounts/%s/unmute" % bob.id)
    # Blocks.
    h.post_status(cat, "@%s from cat" % ann.name)
    cat.post("/api/v1/accounts/%s/follow" % ann.id)
    ann.post("/api/v1/accounts/%s/follow" % cat.id)
    t.ok(notes_from(ann, cat), "cat's notifications are there")
    t.status(ann.post("/api/v1/accounts/%s/block" % cat.id), 200,
             "ann blocks cat")
    t.is_(notes_from(ann, cat), [], "the block clears them")
    r = rel(ann, cat)
    t.ok(not r["following"] and not r["followed_by"],
         "the follows ended both ways")
    t.status(cat.post("/api/v1/accounts/%s/follow" % ann.id), 403,
             "cat may not follow ann")
    t.status(ann.post("/api/v1/accounts/%s/follow" % cat.id), 403,
             "nor ann cat while she blocks her")
    h.post_status(cat, "@%s still?" % ann.name)
    t.ok(mine is not None and
         cat.post("/api/v1/statuses/%s/favourite" % mine).status in
         (200, 404), "cat tries to favourite")
    r = cat.post("/api/v1/statuses", {"status": "a reply",
                                      "in_reply_to_id": mine})
    t.is_(notes_from(ann, cat), [], "no mention, favourite or reply "
          "notification across the block")
    c = h.post_status(ann, "@%s hi" % cat.name)
    t.ok(c is not None and "mention" not in notes_from(cat, ann),
         "nor the other way")
    ann.post("/api/v1/accounts/%s/unblock" % cat.id)
    t.status(cat.post("/api/v1/accounts/%s/follow" % ann.id), 200,
             "unblocked: cat may follow again")


@h.case
def streams_leave_them_out(t, srv):
    """Neither the user stream nor the public one delivers a muted or a
    blocking person's posts; the others' still arrive."""
    ann, bob, cat, dan = people(srv, "ann", "bob", "cat", "dan")
    for p in (bob, cat, dan):
        ann.post("/api/v1/accounts/%s/follow" % p.id)
    ann.post("/api/v1/accounts/%s/mute" % bob.id)
    dan.post("/api/v1/accounts/%s/block" % ann.id)
    us = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                ann.token)
    pub = Stream(srv.port, "/api/v1/streaming?stream=public",
                 {"Authorization": "Bearer " + ann.token})
    t.is_((us.status, pub.status), (200, 200), "ann's streams are open")
    b = h.post_status(bob, "muted words")["id"]
    d = h.post_status(dan, "blocking words")["id"]
    c = h.post_status(cat, "cat's words")["id"]

    def is_(pid):
        return lambda e: e[0] == "update" and json.loads(e[1])["id"] == pid
    for name, s in (("user", us), ("public", pub)):
        got = s.until(is_(c))
        ids = [json.loads(e[1])["id"] for e in got if e[0] == "update"]
        t.ok(c in ids, "%s stream: cat's post arrives" % name)
        t.ok(b not in ids and d not in ids, "%s stream: bob's (muted) and "
             "dan's (blocking) do not" % name, ids)
    us.close()
    pub.close()


@h.case
def block_hides_posts_by_link(t, srv):
    """Someone blocked reads none of the blocker's posts, not even by a
    link (the API's status and thread, the web's post page), as Mastodon's
    StatusPolicy; the blocker still reads theirs; unblocking gives them
    back at once (the remembered answers move with the block)."""
    ann, bob = people(srv, "ann", "bob")
    pid = h.post_status(ann, "ann says hello")["id"]
    reply = h.post_status(bob, "bob replies", in_reply_to_id=pid)["id"]
    t.status(bob.get("/api/v1/statuses/" + pid), 200, "bob reads ann's post")
    t.status(ann.post("/api/v1/accounts/%s/block" % bob.id), 200,
             "ann blocks bob")
    t.status(bob.get("/api/v1/statuses/" + pid), 404,
             "now bob gets 404 for it, as for a post he may not read")
    r = bob.get("/api/v1/statuses/%s/context" % reply)
    t.is_([s["id"] for s in r.json().get("ancestors", [])], [],
          "... and his own reply's thread leaves it out")
    t.status(bob.post("/api/v1/statuses/%s/favourite" % pid), 404,
             "... nor can he favourite it")
    web = srv.client()
    t.status(web.login(bob.name), 303, "bob signs in on the web")
    t.status(web.get("/@%s/%s" % (ann.name, pid)), 404,
             "... where its page is not found either")
    t.status(bob.get("/api/v1/statuses/" + reply), 200,
             "bob still reads his own reply")
    t.status(ann.get("/api/v1/statuses/" + reply), 200,
             "ann, who blocked, may still open bob's reply by its link")
    t.status(ann.post("/api/v1/accounts/%s/unblock" % bob.id), 200,
             "ann unblocks bob")
    t.status(bob.get("/api/v1/statuses/" + pid), 200,
             "bob reads it again at once")


if __name__ == "__main__":
    h.main_cases(fixture)
