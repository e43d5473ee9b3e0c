"""Post cards are rendered once and shared by every reader (web/pages/card.c).
Nothing of one reader may reach another: their favourite, their CSRF
token, their way back; and a cached card must change when the post, its
counts or its author change.

Each case can run alone: make check TESTS=tests/integration/test_web_cards.py
CASE=edit_shows_at_once (or `python3 .../test_web_cards.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


def card(html, pid):
    m = re.search(r'<article class="post" id="post-%s">.*?</article>' % pid,
                  html, re.S)
    return m.group(0) if m else ""


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("bob")
        srv.add_user("carol")
        srv.b, srv.c = srv.client(), srv.client()
        t.status(srv.b.login("bob"), 303, "bob signs in")
        t.status(srv.c.login("carol"), 303, "carol signs in")
        yield srv


def author(t, srv):
    """An author of the case's own (so a rename or a count is the case's
    alone) and their public post: (username, API client, post id)."""
    name = "alice%d" % next(_n)
    srv.add_user(name, display_name="Alice Liddell")
    api = srv.client(headers={"Authorization": "Bearer " +
                              srv.token(name)})
    r = api.post("/api/v1/statuses", {"status": "shared *card*",
                                      "visibility": "public"})
    t.status(r, 200, "alice posts")
    return name, api, r.json()["id"] if r.status == 200 else "0"


def cached(t, srv, pid):
    """Carol sees the card once, so it is cached."""
    t.like(card(srv.c.get("/public").text, pid), r"<em>card</em>",
           "carol sees the card")


@h.case
def per_reader_state(t, srv):
    """One cached card, two readers: each gets their own favourite state
    and CSRF token, and both see the count."""
    name, _, pid = author(t, srv)
    b, c = srv.b, srv.c
    cb, cc = b.csrf("/public"), c.csrf("/public")
    t.isnt(cb, cc, "bob and carol have their own CSRF tokens")
    # Both see it once, so the card is cached.
    t.like(card(b.get("/public").text, pid), r"<em>card</em>",
           "bob sees the card")
    cached(t, srv, pid)
    r = b.post("/@%s/%s/favourite" % (name, pid),
               {"csrf": cb, "next": "/public"})
    t.status(r, 303, "bob favourites it")
    bob_card = card(b.get("/public").text, pid)
    carol_card = card(c.get("/public").text, pid)
    t.like(bob_card, r'aria-pressed="true"', "bob's card is pressed")
    t.like(carol_card, r'aria-pressed="false"', "carol's is not")
    t.like(carol_card, r'class="count">1<',
           "... but counts bob's favourite")
    t.ok(cb in bob_card and cc not in bob_card,
         "bob's card has his token")
    t.ok(cc in carol_card and cb not in carol_card,
         "carol's card has hers, from the same cached card")


@h.case
def next_is_the_page(t, srv):
    """The way back on a card is the page the card is on."""
    name, _, pid = author(t, srv)
    c = srv.c
    cached(t, srv, pid)
    t.like(card(c.get("/tags/nothing").text or "", pid), r"^$",
           "an unrelated page does not show it")
    t.like(card(c.get("/@" + name).text, pid),
           r'name="next" value="/@%s"' % name,
           "on the profile, next is the profile")
    t.like(card(c.get("/public").text, pid),
           r'name="next" value="/public"',
           "on the stream, next is the stream")


@h.case
def edit_shows_at_once(t, srv):
    """An edit shows at once on a cached card, with its times filled in
    on the way out."""
    _, api, pid = author(t, srv)
    c = srv.c
    cached(t, srv, pid)
    r = api.request("PUT", "/api/v1/statuses/%s" % pid,
                    form={"status": "edited **card**"})
    t.status(r, 200, "alice edits")
    edited = card(c.get("/public").text, pid)
    t.like(edited, r"<strong>card</strong>",
           "the edit shows (the cached card is stale)")
    t.like(edited, r'data-ago>just now</time>',
           "the relative time is filled in on the way out")
    t.like(edited, r'Edited <time datetime="[^"]+" title="[^"]+">just now'
           r'</time>', "... and so is the edit's")
    t.ok("\x01" not in c.get("/public").text, "no marker is left behind")


@h.case
def rename_shows_at_once(t, srv):
    """A new display name shows at once on a cached card."""
    _, api, pid = author(t, srv)
    cached(t, srv, pid)
    r = api.request("PATCH", "/api/v1/accounts/update_credentials",
                    form={"display_name": "Alice Renamed"})
    t.status(r, 200, "alice renames herself")
    t.like(card(srv.c.get("/public").text, pid), r"Alice Renamed",
           "the new name shows on the card")


@h.case
def markers_not_forgeable(t, srv):
    """A post cannot forge the markers that stand for a reader's token:
    control characters never reach the page."""
    _, api, _ = author(t, srv)
    r = api.post("/api/v1/statuses", {"status": "sneaky \x01 byte",
                                      "visibility": "public"})
    if r.status == 200:
        sneaky = card(srv.c.get("/public").text, r.json()["id"])
        t.ok(sneaky != "" and "\x01" not in sneaky,
             "a control character in a post is not on the page")
    else:
        t.status(r, 422, "a control character in a post is refused")


@h.case
def author_sees_own(t, srv):
    """The author's browser gets the card with the author's own token."""
    name, _, pid = author(t, srv)
    cached(t, srv, pid)
    a = srv.client()
    t.status(a.login(name), 303, "alice signs in")
    mine = card(a.get("/public").text, pid)
    t.ok(mine != "", "alice sees her card")
    t.ok(a.csrf("/public") in mine, "... with her token")


def replies_shown(html, pid):
    """The reply count a card shows (its replies link's number)."""
    m = re.search(r'class="replies act" data-replies>(\d+) ', card(html, pid))
    return int(m.group(1)) if m else None


@h.case
def reply_count_per_reader(t, srv):
    """A card counts the replies its reader may read, as the post's page
    lists them: a followers-only reply counts for the replier, for their
    followers and not for anyone else, on the company stream, home and a
    group's page; the cached card of one reader never shows another's."""
    name, api, pid = author(t, srv)
    who = "dan%d" % next(_n)
    srv.add_user(who)
    dan = srv.client(headers={"Authorization": "Bearer " + srv.token(who)})
    dweb = srv.client()
    t.status(dweb.login(who), 303, "dan signs in")
    t.status(srv.b.post("/@%s/follow" % who, {"csrf": srv.b.csrf("/")}),
             303, "bob follows dan")
    r = dan.post("/api/v1/statuses", {"status": "public reply",
                                      "in_reply_to_id": pid})
    t.status(r, 200, "dan replies publicly")
    # Everyone sees the one reply (the card is cached for carol).
    for c, who_ in ((srv.b, "bob"), (srv.c, "carol")):
        t.is_(replies_shown(c.get("/public").text, pid), 1,
              "%s's card: 1 reply" % who_)
    r = dan.post("/api/v1/statuses", {"status": "followers only",
                                      "in_reply_to_id": pid,
                                      "visibility": "private"})
    t.status(r, 200, "dan replies to his followers only")
    t.is_(replies_shown(srv.b.get("/public").text, pid), 2,
          "bob follows dan: his card counts both replies")
    t.is_(replies_shown(srv.c.get("/public").text, pid), 1,
          "carol does not: hers counts the one she may read")
    t.is_(replies_shown(dweb.get("/public").text, pid), 2,
          "dan counts his own")
    t.like(srv.c.get("/@%s/%s" % (name, pid)).text, r"1 reply\b",
           "carol's count agrees with the post's page")
    t.like(srv.b.get("/@%s/%s" % (name, pid)).text, r"2 replies\b",
           "... and bob's")
    t.status(srv.b.post("/@%s/follow" % name, {"csrf": srv.b.csrf("/")}),
             303, "bob follows the author")
    t.is_(replies_shown(srv.b.get("/").text, pid), 2,
          "bob's home card counts both too")
    t.status(dan.request("DELETE", "/api/v1/statuses/%s" % r.json()["id"]),
             200, "dan deletes the followers-only reply")
    t.is_(replies_shown(srv.b.get("/public").text, pid), 1,
          "bob's card is back to 1")
    # In a private group: the group's page counts per reader too.
    g = api.post("/api/v1/groups", {"name": "Cards %d" % next(_n),
                                    "visibility": "private"}).json()
    r = api.post("/api/v1/statuses", {"status": "in the group",
                                      "group_id": g["id"]})
    t.status(r, 200, "alice posts in her private group")
    gpid = r.json()["id"]
    r = api.post("/api/v1/statuses", {"status": "to my followers",
                                      "in_reply_to_id": gpid,
                                      "visibility": "private"})
    t.status(r, 200, "... and replies to it, followers only")
    t.is_(replies_shown(srv.c.get("/groups/%s" % g["id"]).text, gpid),
          None, "carol does not see the group's post at all")
    aweb = srv.client()
    t.status(aweb.login(name), 303, "alice signs in")
    t.is_(replies_shown(aweb.get("/groups/%s" % g["id"]).text, gpid), 1,
          "alice's group page counts her own reply")


if __name__ == "__main__":
    h.main_cases(fixture)
