"""Notifications (mention, reply, favourite, follow, added_to_group) and
read markers: who is told what, filters, pagination, dismissing, and the
unread count past the notifications marker."""
import re

import harness as h


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


def body(t):
    with h.Server(t) as srv:
        u = srv.people("alice", "bob", "carol", "dave")
        alice, bob, carol, dave = (u[n] for n in ("alice", "bob", "carol",
                                                  "dave"))

        r, items = notes(alice)
        t.status(r, 200, "a new person's notifications: 200")
        t.is_(items, [], "... none")
        t.is_(unread(alice), 0, "unread_count is 0")

        # -- one of each kind
        apost = h.post_status(alice, "Thoughts on the roadmap")
        m = h.post_status(bob, "@alice have you seen this?")
        reply = h.post_status(carol, "I agree", in_reply_to_id=apost["id"])
        r = bob.post("/api/v1/statuses/%s/favourite" % apost["id"])
        t.status(r, 200, "bob favourites alice's post")
        r = carol.post("/api/v1/accounts/%s/follow" % alice.id)
        t.status(r, 200, "carol follows alice")
        r = alice.post("/api/v1/groups", {"name": "Ops",
                                          "visibility": "private"})
        group = r.json()
        r = alice.post("/api/v1/groups/%s/members" % group["id"],
                       {"account_id": dave.id})
        t.status(r, 200, "alice adds dave to a private group")

        # -- never about oneself
        h.post_status(alice, "Note to self, @alice", in_reply_to_id=apost["id"])
        alice.post("/api/v1/statuses/%s/favourite" % apost["id"])

        # -- never about a post the person cannot read
        gpost = h.post_status(alice, "Ops only: @carol should not hear of this",
                     group_id=group["id"])
        h.post_status(bob, "A direct reply that leaves alice out, to @dave",
             in_reply_to_id=apost["id"], visibility="direct")

        r, items = notes(alice)
        t.is_(kinds(items), [
            ("follow", "carol", None),
            ("favourite", "bob", apost["id"]),
            ("mention", "carol", reply["id"]),
            ("mention", "bob", m["id"]),
        ], "alice: a follow, a favourite, a reply and a mention, newest "
           "first; nothing from herself or a post she cannot read")
        n = items[0] if items else {}
        for key in ("id", "type", "created_at", "account", "group_key"):
            t.ok(key in n, "a Notification has %s" % key)
        t.like(n.get("created_at"), r"^\d{4}-\d\d-\d\dT", "created_at is "
               "ISO 8601")
        t.ok("status" not in n or n["status"] is None,
             "a follow carries no status")
        t.is_(items[1]["status"]["account"]["username"] if len(items) > 1
              else None, "alice", "a favourite carries the Status")

        r, items = notes(dave)
        t.is_([x for x in kinds(items) if x[0] != "mention"],
              [("added_to_group", "alice", None)],
              "dave is told he was added to a group")
        t.is_((items[-1].get("group") or {}).get("id") if items else None,
              group["id"], "... which the notification carries")
        t.is_(kinds(notes(carol)[1]), [],
              "carol is not told of a mention in a private group she is "
              "not in")
        t.is_(carol.get("/api/v1/statuses/" + gpost["id"]).status, 404,
              "... a post she cannot read")

        # -- filters
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

        # -- pagination
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
        t.is_(kinds(items2), [("mention", "bob", m["id"])],
              "paging keeps the type filter")
        t.status(alice.get("/api/v1/notifications?max_id=x"), 400,
                 "a malformed max_id: 400")

        # -- one notification; dismissing
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

        # -- markers and unread_count
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
        h.post_status(carol, "@alice one more")
        t.is_(unread(alice), 1, "a new mention is unread")
        r = alice.post("/api/v1/markers", json_body={
            "home": {"last_read_id": apost["id"]},
            "notifications": {"last_read_id": int(all_ids[1]) + 1000}})
        t.status(r, 200, "POST both markers as JSON")
        t.is_(r.json().get("notifications", {}).get("version"), 2,
              "the version goes up")
        t.is_(r.json().get("home", {}).get("last_read_id"), apost["id"],
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

        # -- clear
        r = alice.post("/api/v1/notifications/clear")
        t.status(r, 200, "clear")
        t.is_(r.json(), {}, "... answers {}")
        t.is_(notes(alice)[1], [], "no notifications remain")
        t.ok(len(notes(dave)[1]) > 0, "... and others keep theirs")

        t.status(srv.client().get("/api/v1/notifications"), 401,
                 "signed out: 401")


h.main(body)
