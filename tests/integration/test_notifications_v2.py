"""Grouped notifications, as Mastodon 4.3's /api/v2/notifications: the
same kind about the same post (follows: about nothing) on the same day is
one group, with a count, sample accounts and its newest notification;
mentions stand alone ("ungrouped-<id>"); accounts and statuses come once
beside the groups; types, exclude_types, grouped_types, account_id,
paging with a Link header; one group, its accounts, its dismissal; the
unread count in groups. The instance says Mastodon 4.3 so apps use it.

Each case can run alone: make check
TESTS=tests/integration/test_notifications_v2.py CASE=grouping
(or `python3 .../test_notifications_v2.py --list`)."""
import contextlib
import re

import harness as h


def link(resp, rel):
    """The path of a Link header's entry, or None."""
    m = re.search(r'<https?://[^/]+([^>]*)>; rel="%s"' % rel,
                  resp.header("Link") or "")
    return m.group(1) if m else None


def groups(c, query=""):
    r = c.get("/api/v2/notifications" + query)
    return r, (r.json() if r.status == 200 else {})


def shape(body):
    """(type, count, sample usernames, status id) of each group."""
    names = {a["id"]: a["username"] for a in body.get("accounts", [])}
    return [(g["type"], g["notifications_count"],
             [names.get(i, "?") for i in g["sample_account_ids"]],
             g["status_id"]) for g in body.get("notification_groups", [])]


def populate(srv):
    """alice's post favourited by bob, carol and dan, boosted by bob;
    bob, carol and dan follow her; carol and dan mention her."""
    p = srv.people("alice", "bob", "carol", "dan")
    srv.p = p
    alice = p["alice"]
    post = h.post_status(alice, "a post worth a favourite")
    srv.post = post["id"]
    for who in ("bob", "carol", "dan"):
        p[who].post("/api/v1/statuses/%s/favourite" % post["id"])
    p["bob"].post("/api/v1/statuses/%s/reblog" % post["id"])
    for who in ("bob", "carol", "dan"):
        p[who].post("/api/v1/accounts/%s/follow" % alice.id)
    srv.mentions = [h.post_status(p[who], "@alice hello from %s" % who)
                    ["id"] for who in ("carol", "dan")]


@contextlib.contextmanager
def fixture(t):
    """One server for the cases that only read (one_group, which
    dismisses, has its own)."""
    with h.Server(t) as srv:
        populate(srv)
        yield srv


@h.case
def grouping(t, srv):
    """Favourites, boosts and follows group; mentions do not."""
    alice = srv.p["alice"]
    r, body = groups(alice)
    t.status(r, 200, "GET /api/v2/notifications")
    got = shape(body)
    t.is_(got, [
        ("mention", 1, ["dan"], srv.mentions[1]),
        ("mention", 1, ["carol"], srv.mentions[0]),
        ("follow", 3, ["dan", "carol", "bob"], None),
        ("reblog", 1, ["bob"], srv.post),
        ("favourite", 3, ["dan", "carol", "bob"], srv.post),
    ], "newest first: two mentions alone, then the groups")
    g = body["notification_groups"]
    t.like(g[0]["group_key"], r"^ungrouped-\d+$", "a mention's key")
    t.is_(g[0]["group_key"], "ungrouped-" +
          g[0]["most_recent_notification_id"], "its own id")
    t.like(g[2]["group_key"], r"^follow-\d+$", "the follows' key")
    t.like(g[4]["group_key"], r"^favourite-%s-\d+$" % srv.post,
           "the favourites' key names the post")
    fav = g[4]
    t.ok(int(fav["page_min_id"]) < int(fav["page_max_id"]),
         "page_min_id and page_max_id span the group")
    t.is_(fav["page_max_id"], fav["most_recent_notification_id"],
          "the newest is page_max_id")
    t.like(fav["latest_page_notification_at"], r"^\d{4}-.*Z$", "a time")
    t.is_(sorted(a["username"] for a in body["accounts"]),
          ["bob", "carol", "dan"], "each account once")
    t.is_(sorted(s["id"] for s in body["statuses"]),
          sorted([srv.post] + srv.mentions), "each status once")
    v1 = alice.get("/api/v1/notifications").json()
    t.is_(len(v1), 9, "v1 still lists each of the 9")
    r, body = groups(alice, "?grouped_types[]=follow")
    t.is_([x[0] for x in shape(body)],
          ["mention", "mention", "follow", "reblog", "favourite",
           "favourite", "favourite"],
          "grouped_types: only follows group")
    r, body = groups(alice, "?expand_accounts=partial_avatars")
    t.is_((len(body.get("partial_accounts", [])), body.get("accounts")),
          (3, []), "expand_accounts=partial_avatars")
    inst = alice.get("/api/v1/instance").json()["version"]
    t.like(inst, r"^4\.3\.", "the instance says Mastodon 4.3")
    t.is_(alice.get("/api/v2/instance").json()["api_versions"],
          {"mastodon": 2}, "api_versions")


@h.case
def filters(t, srv):
    """types, exclude_types, account_id."""
    alice = srv.p["alice"]
    _, body = groups(alice, "?types[]=favourite&types[]=follow")
    t.is_([x[:2] for x in shape(body)], [("follow", 3), ("favourite", 3)],
          "types")
    _, body = groups(alice, "?exclude_types[]=mention&exclude_types[]="
                     "follow")
    t.is_([x[:2] for x in shape(body)], [("reblog", 1), ("favourite", 3)],
          "exclude_types")
    # as Mastodon: account_id picks the groups carol is in; a group's
    # count and sample are still the whole group's
    _, body = groups(alice, "?account_id=%s" % srv.p["carol"].id)
    t.is_([x[:2] for x in shape(body)],
          [("mention", 1), ("follow", 3), ("favourite", 3)],
          "account_id: the groups with carol in them")
    t.is_(shape(body)[0][2], ["carol"], "her mention")


@h.case
def paging(t, srv):
    """limit counts groups; Link's next goes on where the page stopped;
    prev comes back."""
    alice = srv.p["alice"]
    r, body = groups(alice, "?limit=2")
    t.is_([x[0] for x in shape(body)], ["mention", "mention"],
          "the first page: two groups")
    nxt = link(r, "next")
    t.like(nxt or "", r"^/api/v2/notifications\?limit=2&max_id=\d+$",
           "a next link")
    r2, body2 = groups(alice, nxt[len("/api/v2/notifications"):])
    t.is_([x[:2] for x in shape(body2)], [("follow", 3), ("reblog", 1)],
          "the second page")
    r3, body3 = groups(alice, link(r2, "next")[len(
        "/api/v2/notifications"):])
    t.is_([x[:2] for x in shape(body3)], [("favourite", 3)],
          "the third page")
    r4, body4 = groups(alice, link(r3, "next")[len(
        "/api/v2/notifications"):])
    t.is_(body4.get("notification_groups"), [], "then nothing")
    prev = link(r2, "prev")
    rp, bodyp = groups(alice, prev[len("/api/v2/notifications"):])
    t.is_([x[0] for x in shape(bodyp)], ["mention", "mention"],
          "prev of the second page: the first")


@h.case
def one_group(t, shared):
    """/:group_key, /:group_key/accounts, /:group_key/dismiss."""
    with h.Server(t, name="own") as srv:
        populate(srv)
        one_group_in(t, srv)


def one_group_in(t, srv):
    alice, bob = srv.p["alice"], srv.p["bob"]
    _, body = groups(alice, "?types[]=favourite")
    key = body["notification_groups"][0]["group_key"]
    r = alice.get("/api/v2/notifications/" + key)
    t.status(r, 200, "one group")
    t.is_([x[:3] for x in shape(r.json())],
          [("favourite", 3, ["dan", "carol", "bob"])], "as in the list")
    r = alice.get("/api/v2/notifications/%s/accounts" % key)
    t.is_([a["username"] for a in r.json()], ["dan", "carol", "bob"],
          "its accounts, newest first")
    t.status(bob.get("/api/v2/notifications/" + key), 404,
             "someone else's group is not found")
    t.status(alice.get("/api/v2/notifications/favourite-x-1"), 404,
             "a key that is none")
    t.status(alice.get("/api/v2/notifications/ungrouped-999999"), 404,
             "an id that is none")
    r = alice.post("/api/v2/notifications/%s/dismiss" % key)
    t.status(r, 200, "dismissed")
    t.status(alice.get("/api/v2/notifications/" + key), 404, "gone")
    _, body = groups(alice)
    t.is_([x[0] for x in shape(body)],
          ["mention", "mention", "follow", "reblog"], "the rest stay")
    t.is_(len(alice.get("/api/v1/notifications").json()), 6,
          "its three notifications are gone in v1 too")
    t.status(bob.post("/api/v2/notifications/%s/dismiss" % key), 404,
             "nothing of bob's to dismiss")
    m = [g for g in body["notification_groups"]
         if g["type"] == "mention"][0]["group_key"]
    t.status(alice.post("/api/v2/notifications/%s/dismiss" % m), 200,
             "an ungrouped one dismissed")
    t.is_(len(alice.get("/api/v1/notifications").json()), 5, "one less")


@h.case
def unread_count(t, srv):
    """unread_count counts groups past the notifications marker."""
    alice = srv.p["alice"]
    t.is_(alice.get("/api/v2/notifications/unread_count").json(),
          {"count": 5}, "five groups unread")
    t.is_(alice.get("/api/v2/notifications/unread_count?limit=2").json(),
          {"count": 2}, "at most limit")
    t.is_(alice.get("/api/v2/notifications/unread_count?types[]=mention")
          .json(), {"count": 2}, "with types")
    _, body = groups(alice)
    follow = [g for g in body["notification_groups"]
              if g["type"] == "follow"][0]
    r = alice.post("/api/v1/markers", {
        "notifications[last_read_id]": follow["page_max_id"]})
    t.status(r, 200, "marker set past the follows")
    t.is_(alice.get("/api/v2/notifications/unread_count").json(),
          {"count": 2}, "the two mentions remain")
    t.status(srv.client().get("/api/v2/notifications/unread_count"), 401,
             "signed out: 401")


if __name__ == "__main__":
    h.main_cases(fixture)
