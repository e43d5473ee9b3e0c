"""Emoji reactions (issue 20, point 3): the hearth extension that follows
Pleroma's routes, 👍 being the favourite both ways, the configured set,
who reacted, the reader's own "me", and the web's forms (with CSRF).

Each case can run alone: make check TESTS=tests/integration/test_reactions.py
CASE=pleroma_routes (or `python3 .../test_reactions.py --list`)."""
import contextlib
import itertools
import re
import urllib.parse

import harness as h

_n = itertools.count(1)
THUMBS = "\U0001f44d"
PARTY = "\U0001f389"
EYES = "\U0001f440"
ROCKET = "\U0001f680"


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


def rpath(pid, emoji=None):
    p = "/api/v1/pleroma/statuses/%s/reactions" % pid
    if emoji is not None:
        p += "/" + urllib.parse.quote(emoji)
    return p


def chips(status):
    return {r["name"]: (r["count"], r["me"])
            for r in status["pleroma"]["emoji_reactions"]}


@h.case
def pleroma_routes(t, srv):
    """PUT, DELETE and GET as Pleroma and Akkoma answer them."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    p = h.post_status(alice, "Ship it?")
    t.is_(p["pleroma"]["emoji_reactions"], [], "a new post: no reactions")
    r = bob.request("PUT", rpath(p["id"], PARTY))
    t.status(r, 200, "bob reacts 🎉")
    t.is_(chips(r.json()), {PARTY: (1, True)}, "... the Status says so, "
          "me: true")
    t.status(bob.request("PUT", rpath(p["id"], PARTY)), 200,
             "reacting twice is no error")
    r = carol.request("PUT", rpath(p["id"], PARTY))
    t.is_(chips(r.json()), {PARTY: (2, True)}, "carol too: 2")
    r = carol.request("PUT", rpath(p["id"], EYES))
    t.is_(chips(carol.get("/api/v1/statuses/%s" % p["id"]).json()),
          {PARTY: (2, True), EYES: (1, True)}, "carol's view")
    t.is_(chips(alice.get("/api/v1/statuses/%s" % p["id"]).json()),
          {PARTY: (2, False), EYES: (1, False)},
          "alice's view: the same counts, none hers")
    # timelines (the cached path) mark each reader's own
    for c, want in ((bob, {PARTY: (2, True), EYES: (1, False)}),
                    (alice, {PARTY: (2, False), EYES: (1, False)}),
                    (carol, {PARTY: (2, True), EYES: (1, True)})):
        items = [s for s in c.get("/api/v1/accounts/%s/statuses" %
                 alice.id).json() if s["id"] == p["id"]]
        t.is_(chips(items[0]) if items else None, want,
              "in %s's timeline: counts and me" % c.name)
    r = alice.get(rpath(p["id"]))
    t.status(r, 200, "GET reactions")
    got = {x["name"]: (x["count"], x["me"],
                       sorted(a["id"] for a in x["accounts"]))
           for x in r.json()}
    t.is_(got, {PARTY: (2, False, sorted([bob.id, carol.id])),
                EYES: (1, False, [carol.id])},
          "... name, count, me and who (accounts)")
    r = alice.get(rpath(p["id"], EYES))
    t.is_([x["name"] for x in r.json()], [EYES], "GET one emoji's")
    r = bob.request("DELETE", rpath(p["id"], PARTY))
    t.status(r, 200, "bob takes his 🎉 back")
    t.is_(chips(r.json()), {PARTY: (1, False), EYES: (1, False)},
          "... 1 left, not his")
    r = bob.request("PUT", rpath(p["id"], ROCKET))
    t.status(r, 422, "an emoji not in the company's set: 422")
    d = h.post_status(alice, "Only for @%s" % carol.name,
                      visibility="direct")
    t.status(bob.request("PUT", rpath(d["id"], PARTY)), 404,
             "a post bob may not read: 404")
    t.status(bob.get(rpath(d["id"])), 404, "... nor its reactions")
    t.status(srv.client().request("PUT", rpath(p["id"], PARTY)), 401,
             "signed out: 401")
    inst = srv.client().get("/api/v1/instance").json()
    t.ok("pleroma_emoji_reactions" in inst["pleroma"]["metadata"]
         ["features"], "the instance says it has Pleroma's reactions")
    t.is_(inst["configuration"]["reactions"]["allowed"][:3],
          [THUMBS, "\u2764\ufe0f", PARTY], "... and which emoji, in order")
    v2 = srv.client().get("/api/v2/instance").json()
    t.is_(len(v2["configuration"]["reactions"]["allowed"]), 6,
          "v2 lists the six too")


@h.case
def thumbs_is_favourite(t, srv):
    """A Mastodon app's favourite is the 👍 reaction and 👍 is a
    favourite: the counts agree both ways."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    p = h.post_status(alice, "Lunch at noon")
    r = bob.post("/api/v1/statuses/%s/favourite" % p["id"])
    t.status(r, 200, "bob favourites (a Mastodon app)")
    t.is_(chips(r.json()), {THUMBS: (1, True)}, "... it is a 👍 reaction")
    r = carol.request("PUT", rpath(p["id"], THUMBS))
    t.status(r, 200, "carol reacts 👍 (the extension)")
    s = r.json()
    t.is_((s["favourites_count"], s["favourited"]), (2, True),
          "... a favourite: favourites_count 2, favourited")
    by = [a["id"] for a in alice.get("/api/v1/statuses/%s/favourited_by"
                                     % p["id"]).json()]
    t.is_(sorted(by), sorted([bob.id, carol.id]), "favourited_by has both")
    r = alice.get(rpath(p["id"], THUMBS))
    t.is_(sorted(a["id"] for a in r.json()[0]["accounts"]),
          sorted([bob.id, carol.id]), "and so do the 👍 reactions")
    r = bob.request("DELETE", rpath(p["id"], THUMBS))
    t.is_((r.json()["favourites_count"], r.json()["favourited"]),
          (1, False), "bob takes 👍 back: unfavourited")
    r = carol.post("/api/v1/statuses/%s/unfavourite" % p["id"])
    t.is_(chips(r.json()), {}, "carol unfavourites: no 👍 left")
    n = [x for x in alice.get("/api/v1/notifications").json()
         if x["type"] == "favourite"]
    t.ok(len(n) >= 2, "a 👍 notifies as a favourite")


@h.case
def config_set(t, srv):
    """The reactions key sets the offered emoji; a bad set stops startup
    with the line named."""
    with h.Server(t, reactions="%s %s" % (THUMBS, ROCKET)) as s2:
        got = s2.people("alice", "bob")
        alice, bob = got["alice"], got["bob"]
        p = h.post_status(alice, "Launch day")
        t.status(bob.request("PUT", rpath(p["id"], ROCKET)), 200,
                 "🚀 is offered here")
        t.status(bob.request("PUT", rpath(p["id"], PARTY)), 422,
                 "🎉 is not")
    for bad, why in (("%s %s" % (PARTY, EYES), "no 👍"),
                     ("%s like" % THUMBS, "a word"),
                     ("%s %s" % (THUMBS, THUMBS), "twice"),
                     (" ".join([THUMBS] + [chr(0x1f600 + i)
                                           for i in range(8)]), "nine")):
        s3 = h.Server(t, name="bad", reactions=bad)
        s3.port = h.free_port()
        s3.write_config()
        p = h.run_hearthd("-t", "-c", s3.conf)
        t.ok(p.returncode != 0 and "reactions" in p.stderr,
             "reactions with %s: refused, naming the key" % why,
             p.stderr)


@h.case
def web_forms(t, srv):
    """The card's react, share and bookmark forms work without
    JavaScript, need the CSRF token, and the chips say who reacted."""
    alice, bob = people(srv, "alice", "bob")
    p = h.post_status(alice, "Web reactions")
    w = srv.client()
    t.status(w.login(bob.name), 303, "bob signs in on the web")
    page = w.get("/@%s/%s" % (alice.name, p["id"]))
    t.status(page, 200, "the post's page")
    csrf = h.form_field(page.text, "csrf")
    base = "/@%s/%s" % (alice.name, p["id"])
    t.ok('action="%s/react"' % base in page.text,
         "the card has a react form")
    t.status(w.post(base + "/react", {"add": PARTY}), 403,
             "react without the CSRF token: 403")
    r = w.post(base + "/react", {"add": PARTY, "csrf": csrf,
                                 "next": base})
    t.ok(r.status in (200, 303), "react 🎉 with the token", r.summary())
    s = alice.get("/api/v1/statuses/%s" % p["id"]).json()
    t.is_(chips(s), {PARTY: (1, False)}, "... the API sees bob's 🎉")
    page = w.get(base)
    t.ok(bob.name in page.text and "reaction-chip" in page.text,
         "the chip is shown, naming who reacted")
    r = w.post(base + "/react", {"remove": PARTY, "csrf": csrf,
                                 "next": base})
    t.ok(r.status in (200, 303), "take it back")
    t.is_(chips(alice.get("/api/v1/statuses/%s" % p["id"]).json()), {},
          "... gone")
    t.status(w.post(base + "/bookmark", {"csrf": "wrong"}), 403,
             "bookmark with a wrong token: 403")
    r = w.post(base + "/bookmark", {"csrf": csrf, "next": base})
    t.ok(r.status in (200, 303), "bookmark on the web")
    t.is_([x["id"] for x in bob.get("/api/v1/bookmarks").json()],
          [p["id"]], "... the API lists it")
    b = w.get("/bookmarks")
    t.status(b, 200, "the bookmarks page")
    t.ok("Web reactions" in b.text, "... shows the post")
    r = w.post(base + "/boost", {"csrf": csrf, "next": base})
    t.ok(r.status in (200, 303), "share (boost) on the web")
    t.is_(alice.get("/api/v1/statuses/%s" % p["id"]).json()
          ["reblogs_count"], 1, "... counted")
    home = w.get("/")
    t.ok("shared" in home.text, "bob's home shows \u201cshared\u201d")
    boost = bob.get("/api/v1/accounts/%s/statuses" % bob.id).json()[0]
    t.is_(boost["reblog"]["id"], p["id"], "bob's profile has the boost")
    r = w.get("/@%s/%s" % (bob.name, boost["id"]))
    t.is_((r.status, r.header("Location")), (303, base),
          "the boost's own address leads to the post it shares")
    r = w.post(base + "/unboost", {"csrf": csrf, "next": base})
    t.is_(alice.get("/api/v1/statuses/%s" % p["id"]).json()
          ["reblogs_count"], 0, "unshare")


def types_of(resp):
    return [n["type"] for n in resp.json()]


@h.case
def reaction_notifies(t, srv):
    """A reaction other than 👍 tells the post's author: on the web ("X
    reacted 🎉 to your post", grouped per post and emoji like favourites),
    through the API as Pleroma's and Akkoma's pleroma:emoji_reaction with
    its emoji (by default, with types[], and left out of a Mastodon app's
    exclude_types that leaves out favourites), and not at all once the
    author switched reactions off for the web."""
    alice, bob, carol, dan = people(srv, "alice", "bob", "carol", "dan")
    p = h.post_status(alice, "Party time?")
    t.status(bob.request("PUT", rpath(p["id"], PARTY)), 200, "bob reacts 🎉")
    t.status(carol.request("PUT", rpath(p["id"], PARTY)), 200,
             "carol reacts 🎉")
    t.status(dan.request("PUT", rpath(p["id"], EYES)), 200, "dan reacts 👀")
    t.status(alice.request("PUT", rpath(p["id"], PARTY)), 200,
             "alice reacts to her own post")
    r = alice.get("/api/v1/notifications")
    got = [(n["type"], n["account"]["acct"], n.get("emoji"),
            n["status"]["id"]) for n in r.json()]
    t.is_(got, [("pleroma:emoji_reaction", dan.name, EYES, p["id"]),
                ("pleroma:emoji_reaction", carol.name, PARTY, p["id"]),
                ("pleroma:emoji_reaction", bob.name, PARTY, p["id"])],
          "the author is told of each reaction, by default, with its emoji "
          "(never of her own)")
    t.ok("emoji_url" in r.json()[0] and r.json()[0]["emoji_url"] is None,
         "... emoji_url null, as for a Unicode emoji on Akkoma")
    t.is_(types_of(alice.get("/api/v1/notifications?types[]=mention")), [],
          "types[] without it: none")
    t.is_(len(alice.get("/api/v1/notifications?types[]="
                        "pleroma:emoji_reaction").json()), 3,
          "types[]=pleroma:emoji_reaction: them")
    mentions_tab = ("/api/v1/notifications?exclude_types[]=follow&"
                    "exclude_types[]=favourite&exclude_types[]=reblog&"
                    "exclude_types[]=poll")
    t.is_(types_of(alice.get(mentions_tab)), [],
          "a Mastodon app leaving out favourites gets no reactions")
    t.is_(types_of(alice.get("/api/v1/notifications?exclude_types[]="
                             "pleroma:emoji_reaction")), [],
          "exclude_types[]=pleroma:emoji_reaction: none")
    t.is_(len(alice.get("/api/v1/notifications?exclude_types[]=follow")
              .json()), 3, "excluding something else keeps them")
    t.status(bob.request("PUT", rpath(p["id"], THUMBS)), 200, "bob 👍")
    t.is_(types_of(alice.get("/api/v1/notifications?limit=1")),
          ["favourite"], "👍 stays a favourite")
    w = srv.client()
    t.status(w.login(alice.name), 303, "alice signs in on the web")
    page = w.get("/notifications").text
    t.like(page, r"(?s)>%s</a> and <a [^>]*>%s</a> reacted %s to your post"
           % (carol.name, bob.name, PARTY),
           "the page: \u201ccarol and bob reacted 🎉 to your post\u201d")
    lines = re.findall(r"reacted (\S+) to your post", page)
    t.is_(sorted(lines), sorted([PARTY, EYES]),
          "one line per emoji: bob and carol's 🎉 grouped, dan's 👀 alone")
    # Switched off for the web: left off the page and the badge.
    r = w.get("/settings/notifications")
    t.like(r.text, r'name="web\.pleroma:emoji_reaction"',
           "the settings list reactions as a kind")
    csrf = h.form_field(r.text, "csrf")
    form = {"csrf": csrf, "frequency": "off", "web.mention": "1",
            "web.follow": "1", "web.favourite": "1", "web.reblog": "1"}
    t.status(w.post("/settings/notifications", form), 303,
             "alice turns reactions off on the web")
    t.unlike(w.get("/notifications").text, r"reacted",
             "no reaction on her notifications page")


def card(html, pid):
    m = re.search(r'<article class="post" id="post-%s">.*?</article>' % pid,
                  html, re.S)
    return m.group(0) if m else ""


@h.case
def cached_card_per_reader(t, srv):
    """One cached card, two readers: bob's reaction, bookmark and share
    show pressed on his card only; both see the counts."""
    alice, bob, carol = people(srv, "alice", "bob", "carol")
    p = h.post_status(alice, "Cache *me*")
    wb, wc = srv.client(), srv.client()
    wb.login(bob.name)
    wc.login(carol.name)
    t.like(card(wc.get("/public").text, p["id"]), r"<em>me</em>",
           "carol sees the card (now cached)")
    t.like(card(wb.get("/public").text, p["id"]), r"<em>me</em>",
           "so does bob")
    bob.request("PUT", rpath(p["id"], PARTY))
    bob.post("/api/v1/statuses/%s/bookmark" % p["id"])
    bob.post("/api/v1/statuses/%s/reblog" % p["id"])
    mine = card(wb.get("/public").text, p["id"])
    hers = card(wc.get("/public").text, p["id"])
    t.like(mine, r'class="reaction-chip mine" aria-pressed="true"',
           "bob's chip is pressed")
    t.like(hers, r'class="reaction-chip" aria-pressed="false"',
           "carol's is not")
    t.like(hers, r'<span class="count">1</span><span class="sr-only"> '
           r'reacted', "... but she sees the count")
    t.like(mine, r'class="bookmark on act" aria-pressed="true"',
           "bob's bookmark is pressed")
    t.like(hers, r'class="bookmark act" aria-pressed="false"',
           "carol's is not")
    t.like(mine, r'class="share on act" aria-pressed="true"',
           "bob's share is pressed")
    t.like(hers, r'class="share act" aria-pressed="false"', "carol's is not")
    t.like(hers, r'Bob|%s' % bob.name, "carol's chip names bob as who "
           "reacted")


if __name__ == "__main__":
    h.main_cases(fixture)
