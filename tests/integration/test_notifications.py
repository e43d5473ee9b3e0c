"""Notifications (mention, reply, favourite, follow, added_to_group) and
read markers: who is told what, filters, pagination, dismissing, and the
unread count past the notifications marker.

Each case can run alone: make check
TESTS=tests/integration/test_notifications.py CASE=markers_and_unread
(or `python3 .../test_notifications.py --list`)."""
import contextlib
import itertools
import re
import types

import harness as h

_n = itertools.count(1)


def notes(c, query=""):
    r = c.get("/api/v1/notifications" + query)
    return r, (r.json() if r.status == 200 else [])


def kinds(items):
    """(type, from username, status id or None) of each notification."""
    return [(n["type"], n["account"]["username"],
             (n.get("status") or {}).get("id")) for n in items]


def link(resp, rel):
    """The path of a Link header's entry, or None."""
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


def unread(c):
    return c.get("/api/v1/notifications/unread_count").json().get("count")


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def fresh(srv, base):
    name = "%s%d" % (base, next(_n))
    c = srv.people(name)[name]
    c.name = name
    return c


def scene(t, srv):
    """People of the case's own and one notification of each kind:
    alice is followed (by carol), favourited (by bob), replied to (by
    carol) and mentioned (by bob); dave is added to her private group.
    Nothing alice does to herself, and nothing she cannot read, may
    reach her. A namespace of the people and posts."""
    s = types.SimpleNamespace()
    alice, bob, carol, dave = (fresh(srv, n) for n in ("alice", "bob",
                                                       "carol", "dave"))
    s.alice, s.bob, s.carol, s.dave = alice, bob, carol, dave
    s.apost = h.post_status(alice, "Thoughts on the roadmap")
    s.m = h.post_status(bob, "@%s have you seen this?" % alice.name)
    s.reply = h.post_status(carol, "I agree", in_reply_to_id=s.apost["id"])
    r = bob.post("/api/v1/statuses/%s/favourite" % s.apost["id"])
    t.status(r, 200, "bob favourites alice's post")
    r = carol.post("/api/v1/accounts/%s/follow" % alice.id)
    t.status(r, 200, "carol follows alice")
    r = alice.post("/api/v1/groups", {"name": "Ops %d" % next(_n),
                                      "visibility": "private"})
    s.group = r.json()
    r = alice.post("/api/v1/groups/%s/members" % s.group["id"],
                   {"account_id": dave.id})
    t.status(r, 200, "alice adds dave to a private group")

    # Never about oneself.
    h.post_status(alice, "Note to self, @%s" % alice.name,
                  in_reply_to_id=s.apost["id"])
    alice.post("/api/v1/statuses/%s/favourite" % s.apost["id"])

    # Never about a post the person cannot read.
    s.gpost = h.post_status(alice, "Ops only: @%s should not hear of this"
                            % carol.name, group_id=s.group["id"])
    h.post_status(bob, "A direct reply that leaves alice out, to @%s"
                  % dave.name, in_reply_to_id=s.apost["id"],
                  visibility="direct")
    return s


@h.case
def empty_and_signed_out(t, srv):
    """A new person has none; signed out is 401."""
    alice = fresh(srv, "alice")
    r, items = notes(alice)
    t.status(r, 200, "a new person's notifications: 200")
    t.is_(items, [], "... none")
    t.is_(unread(alice), 0, "unread_count is 0")
    t.status(srv.client().get("/api/v1/notifications"), 401,
             "signed out: 401")


@h.case
def who_is_told(t, srv):
    """Follow, favourite, reply, mention and added_to_group reach the
    right person; nothing from oneself or about an unreadable post."""
    s = scene(t, srv)
    r, items = notes(s.alice)
    t.is_(kinds(items), [
        ("follow", s.carol.name, None),
        ("favourite", s.bob.name, s.apost["id"]),
        ("mention", s.carol.name, s.reply["id"]),
        ("mention", s.bob.name, s.m["id"]),
    ], "alice: a follow, a favourite, a reply and a mention, newest "
       "first; nothing from herself or a post she cannot read")
    r, items = notes(s.dave)
    t.is_([x for x in kinds(items) if x[0] != "mention"],
          [("added_to_group", s.alice.name, None)],
          "dave is told he was added to a group")
    t.is_((items[-1].get("group") or {}).get("id") if items else None,
          s.group["id"], "... which the notification carries")
    t.is_(kinds(notes(s.carol)[1]), [],
          "carol is not told of a mention in a private group she is "
          "not in")
    t.is_(s.carol.get("/api/v1/statuses/" + s.gpost["id"]).status, 404,
          "... a post she cannot read")


@h.case
def notification_shape(t, srv):
    """A Notification's members; a follow has no status, a favourite
    carries the Status."""
    s = scene(t, srv)
    r, items = notes(s.alice)
    n = items[0] if items else {}
    for key in ("id", "type", "created_at", "account", "group_key"):
        t.ok(key in n, "a Notification has %s" % key)
    t.like(n.get("created_at"), r"^\d{4}-\d\d-\d\dT", "created_at is "
           "ISO 8601")
    t.ok("status" not in n or n["status"] is None,
         "a follow carries no status")
    t.is_(items[1]["status"]["account"]["username"] if len(items) > 1
          else None, s.alice.name, "a favourite carries the Status")


@h.case
def type_filters(t, srv):
    """types[], types and exclude_types[] filter."""
    s = scene(t, srv)
    alice = s.alice
    r, items = notes(alice, "?types[]=mention")
    t.is_([k[0] for k in kinds(items)], ["mention", "mention"],
          "types[]=mention keeps mentions")
    r, items = notes(alice, "?types=follow")
    t.is_([k[0] for k in kinds(items)], ["follow"],
          "types=follow (no brackets) works too")
    r, items = notes(alice, "?types[]=follow&types[]=favourite")
    t.is_([k[0] for k in kinds(items)], ["follow", "favourite"],
          "types[] may repeat")
    r, items = notes(alice, "?exclude_types[]=mention"
                     "&exclude_types[]=favourite")
    t.is_([k[0] for k in kinds(items)], ["follow"],
          "exclude_types[] leaves those out")
    r, items = notes(alice, "?types[]=poll")
    t.is_(items, [], "a type with none: empty")


@h.case
def pagination(t, srv):
    """limit, Link next and prev, since_id, and paging with a filter."""
    s = scene(t, srv)
    alice = s.alice
    r, items = notes(alice, "?limit=2")
    t.is_([k[0] for k in kinds(items)], ["follow", "favourite"],
          "limit=2: the newest two")
    nxt = link(r, "next")
    t.like(nxt, r"max_id=%s" % items[1]["id"] if items else "x",
           "Link next starts below the last one")
    t.like(nxt, r"limit=2", "... keeping the other parameters")
    r2, items2 = notes(alice, nxt[len("/api/v1/notifications"):]
                       if nxt else "")
    t.is_([k[0] for k in kinds(items2)], ["mention", "mention"],
          "the next page has the older two")
    prev = link(r2, "prev")
    r3, items3 = notes(alice, prev[len("/api/v1/notifications"):]
                       if prev else "")
    t.is_([x["id"] for x in items3], [x["id"] for x in items],
          "its prev link leads back to the first page")
    r4, items4 = notes(alice, "?since_id=%s" % items2[0]["id"])
    t.is_(len(items4), 2, "since_id: the newer ones")
    r, items = notes(alice, "?types[]=mention&limit=1")
    r2, items2 = notes(alice, link(r, "next")[len(
        "/api/v1/notifications"):] if link(r, "next") else "")
    t.is_(kinds(items2), [("mention", s.bob.name, s.m["id"])],
          "paging keeps the type filter")
    t.status(alice.get("/api/v1/notifications?max_id=x"), 400,
             "a malformed max_id: 400")


@h.case
def get_and_dismiss(t, srv):
    """GET one and dismiss it: one's own only; it is gone after."""
    s = scene(t, srv)
    alice, bob = s.alice, s.bob
    all_ids = [x["id"] for x in notes(alice)[1]]
    r = alice.get("/api/v1/notifications/" + all_ids[0])
    t.status(r, 200, "GET one notification")
    t.is_(r.json().get("type"), "follow", "... the right one")
    t.status(bob.get("/api/v1/notifications/" + all_ids[0]), 404,
             "someone else's notification: 404")
    t.status(bob.post("/api/v1/notifications/%s/dismiss" % all_ids[0]),
             404, "... nor can they dismiss it")
    r = alice.post("/api/v1/notifications/%s/dismiss" % all_ids[0])
    t.status(r, 200, "dismiss one")
    t.is_(r.json(), {}, "... answers {}")
    t.status(alice.get("/api/v1/notifications/" + all_ids[0]), 404,
             "it is gone")
    t.status(alice.post("/api/v1/notifications/%s/dismiss"
                        % all_ids[0]), 404, "dismissing it again: 404")
    t.is_([x["id"] for x in notes(alice)[1]], all_ids[1:],
          "the others remain")


@h.case
def markers_and_unread(t, srv):
    """Read markers (form and JSON, versioned, per person) and the
    unread count past the notifications marker."""
    s = scene(t, srv)
    alice, bob = s.alice, s.bob
    all_ids = [x["id"] for x in notes(alice)[1]]
    # A dismissed notification is not unread either.
    t.status(alice.post("/api/v1/notifications/%s/dismiss" % all_ids[0]),
             200, "dismiss the newest")
    t.is_(unread(alice), 3, "unread_count counts them all before any "
          "marker")
    r = alice.get("/api/v1/markers?timeline[]=home"
                  "&timeline[]=notifications")
    t.status(r, 200, "GET markers")
    t.is_(r.json(), {}, "... none yet")
    r = alice.post("/api/v1/markers",
                   {"notifications[last_read_id]": all_ids[1]})
    t.status(r, 200, "POST a notifications marker (form)")
    mk = r.json().get("notifications", {})
    t.is_(mk.get("last_read_id"), all_ids[1], "... last_read_id")
    t.is_(mk.get("version"), 1, "... version 1")
    t.like(mk.get("updated_at"), r"^\d{4}-\d\d-\d\dT", "... updated_at")
    t.ok("home" not in r.json(), "... only the marker set is answered")
    t.is_(unread(alice), 0, "nothing is unread past the marker")
    h.post_status(s.carol, "@%s one more" % alice.name)
    t.is_(unread(alice), 1, "a new mention is unread")
    r = alice.post("/api/v1/markers", json_body={
        "home": {"last_read_id": s.apost["id"]},
        "notifications": {"last_read_id": int(all_ids[1]) + 1000}})
    t.status(r, 200, "POST both markers as JSON")
    t.is_(r.json().get("notifications", {}).get("version"), 2,
          "the version goes up")
    t.is_(r.json().get("home", {}).get("last_read_id"), s.apost["id"],
          "home's last_read_id")
    t.is_(unread(alice), 0, "unread_count follows the marker")
    r = alice.get("/api/v1/markers?timeline[]=home")
    t.is_(sorted(r.json().keys()), ["home"],
          "GET markers answers the timelines asked for")
    r = alice.get("/api/v1/markers?timeline[]=home"
                  "&timeline[]=notifications")
    t.is_(sorted(r.json().keys()), ["home", "notifications"],
          "... both")
    t.is_(bob.get("/api/v1/markers?timeline[]=home").json(), {},
          "markers are per person")
    for label, form in [("not a number", "abc"), ("negative", "-5"),
                        ("empty", "")]:
        r = alice.post("/api/v1/markers",
                       {"home[last_read_id]": form})
        t.status(r, 422, "a last_read_id that is %s: 422" % label)
    r = alice.post("/api/v1/markers", json_body={
        "home": {"last_read_id": True}})
    t.status(r, 422, "a JSON last_read_id that is not an id: 422")


@h.case
def unread_cap(t, srv):
    """unread_count stops at limit (Mastodon's: 100 by default, up to
    1000), and the pages' badge at "99+"."""
    alice, bob = fresh(srv, "alice"), fresh(srv, "bob")
    for i in range(102):
        h.post_status(bob, "@%s note %d" % (alice.name, i))
    t.is_(unread(alice), 100, "unread_count: 100 at most by default")
    r = alice.get("/api/v1/notifications/unread_count?limit=1000")
    t.is_(r.json().get("count"), 102, "limit=1000: all 102")
    t.is_(alice.get("/api/v1/notifications/unread_count?limit=5").json()
          .get("count"), 5, "limit=5: 5")
    t.is_(alice.get("/api/v1/notifications/unread_count?limit=5000").json()
          .get("count"), 102, "a limit past 1000 is 1000")
    t.status(alice.get("/api/v1/notifications/unread_count?limit=x"), 400,
             "a limit that is not a number: 400")
    page = alice.get("/settings").text
    t.like(page, r"<title>\(99\+\) ", "the tab's title says (99+)")
    t.like(page, r'data-unread="100"[^>]*>.*?<span data-unread-n>99\+'
           r'</span>', "the badge says 99+")
    # Read all but three: counted exactly again, whatever the limit.
    ids = [x["id"] for x in notes(alice, "?limit=4")[1]]
    t.status(alice.post("/api/v1/markers",
                        {"notifications[last_read_id]": ids[3]}), 200,
             "the marker moves to the fourth newest")
    t.is_(unread(alice), 3, "3 unread")
    r = alice.get("/api/v1/notifications/unread_count?limit=1000")
    t.is_(r.json().get("count"), 3, "... whatever the limit")
    t.like(alice.get("/settings").text, r"<span data-unread-n>3</span>",
           "the badge says 3")


@h.case
def clear(t, srv):
    """Clear removes all of one's own notifications, nobody else's."""
    s = scene(t, srv)
    t.ok(len(notes(s.alice)[1]) > 0, "alice has notifications")
    r = s.alice.post("/api/v1/notifications/clear")
    t.status(r, 200, "clear")
    t.is_(r.json(), {}, "... answers {}")
    t.is_(notes(s.alice)[1], [], "no notifications remain")
    t.ok(len(notes(s.dave)[1]) > 0, "... and others keep theirs")
    t.is_(unread(s.alice), 0, "... and none is unread")


if __name__ == "__main__":
    h.main_cases(fixture)
