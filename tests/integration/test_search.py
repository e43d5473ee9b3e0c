"""GET /api/v2/search: people by name prefix, hashtags by prefix, posts by
full text newest first, only what the caller may read, and no query, however
odd, reaching FTS5's syntax.

Each case can run alone: make check TESTS=tests/integration/test_search.py
CASE=statuses_full_text (or `python3 .../test_search.py --list`).

Results are exact lists over the whole server, so the fixture's people
are only read and searched for, and a case's own people and posts have
names and words no other case searches for (nothing starting "al",
"lidd", "turing" or "hearth"; "quarterly" only where the shared carol
cannot read it)."""
import contextlib
import itertools
import urllib.parse

import harness as h

_n = itertools.count(1)


def search(c, q=None, **params):
    if q is not None:
        params["q"] = q
    return c.get("/api/v2/search?" + urllib.parse.urlencode(params))


def found(resp, key):
    """The ids (names for hashtags) under key, or None if not an answer."""
    try:
        items = resp.json()[key]
    except (ValueError, KeyError, TypeError):
        return None
    return [x["name"] if key == "hashtags" else x["id"] for x in items]


def post(c, text, **fields):
    return h.post_status(c, text, **fields)["id"]


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people(("alice", "Alice Liddell"),
                           ("alan", "Alan Turing"), ("bob", "Bob Builder"),
                           ("carol", "Carol Danvers"))
        yield srv


def fresh(srv, base, display=None):
    name = "%s%d" % (base, next(_n))
    c = srv.people((name, display))[name]
    c.name = name
    return c


@h.case
def answer_shape(t, srv):
    """Three lists, even when empty; q is required; signed out is 401."""
    alice = srv.p["alice"]
    r = search(alice, "nothing-matches-this")
    t.status(r, 200, "a search with no results: 200")
    t.is_(r.json(), {"accounts": [], "statuses": [], "hashtags": []},
          "... three empty lists")
    t.status(search(alice), 400, "no q: 400")
    t.like(search(alice).json().get("error"), r"q", "... naming q")
    t.status(search(alice, ""), 400, "an empty q: 400")
    t.status(srv.client().get("/api/v2/search?q=al"), 401,
             "signed out: 401")


@h.case
def accounts_by_prefix(t, srv):
    """People by username or display name prefix, every word matching."""
    alice, alan = srv.p["alice"], srv.p["alan"]
    r = search(alice, "al", type="accounts")
    t.is_(sorted(found(r, "accounts") or []), sorted([alice.id, alan.id]),
          "accounts by username prefix")
    t.is_(found(r, "statuses"), [], "type=accounts: no statuses")
    t.is_(found(r, "hashtags"), [], "... and no hashtags")
    t.is_(r.json()["accounts"][0].get("acct") if found(r, "accounts")
          else None, r.json()["accounts"][0]["username"]
          if found(r, "accounts") else "", "results are Accounts")
    t.is_(found(search(alice, "Lidd", type="accounts"), "accounts"),
          [alice.id], "by display name prefix")
    t.is_(found(search(alice, "turing alan"), "accounts"), [alan.id],
          "several words all match")
    t.is_((found(search(alice, "@alan"), "accounts") or [None])[0],
          alan.id, "@name finds the person")


@h.case
def accounts_filters(t, srv):
    """following=true, limit and offset; a disabled person is not found."""
    alan = srv.p["alan"]
    me = fresh(srv, "searcher")
    dora = fresh(srv, "dora", "Dora Explorer")
    t.is_(found(search(me, dora.name), "accounts"), [dora.id],
          "a person is found by name")
    t.is_(srv.ctl("user", "disable", dora.name).returncode, 0,
          "disable her")
    t.is_(found(search(me, dora.name), "accounts"), [],
          "a disabled person is not found")
    r = me.post("/api/v1/accounts/%s/follow" % alan.id)
    t.status(r, 200, "the searcher follows alan")
    t.is_(found(search(me, "al", type="accounts", following="true"),
                "accounts"), [alan.id],
          "following=true: only people the caller follows")
    t.is_(len(found(search(me, "al", type="accounts", limit=1),
                    "accounts") or []), 1, "limit=1")
    first = found(search(me, "al", type="accounts", limit=1),
                  "accounts")
    second = found(search(me, "al", type="accounts", limit=1,
                          offset=1), "accounts")
    t.ok(first and second and first != second, "offset pages on")


@h.case
def hashtags(t, srv):
    """Hashtags by prefix, in lower case, one word only."""
    alice = srv.p["alice"]
    poster = fresh(srv, "poster")
    post(poster, "Playing #Hearthstone tonight")
    post(poster, "Read the #HearthNews and #hearthnews again")
    r = search(alice, "#hearth", type="hashtags")
    t.is_(sorted(found(r, "hashtags") or []),
          ["hearthnews", "hearthstone"], "hashtags by prefix, lower case")
    tag = r.json()["hashtags"][0] if found(r, "hashtags") else {}
    t.like(tag.get("url"), r"^http://127\.0\.0\.1:\d+/tags/hearth",
           "a Tag has a url")
    t.ok(isinstance(tag.get("history"), list), "... and a history")
    t.is_(found(search(alice, "HEARTHN", type="hashtags"), "hashtags"),
          ["hearthnews"], "case does not matter")
    t.is_(found(search(alice, "hearth news", type="hashtags"),
                "hashtags"), [], "hashtags match one word only")


@h.case
def hashtags_folded(t, srv):
    """Hashtags are found the way people type them (folded as search
    text is): "#zespol" finds "#zespół", "#uberstunden" finds
    "#Überstunden", in search, the Tag, the tag's stream (API and page)
    and its live stream; each post keeps its tag as written."""
    alice = srv.p["alice"]
    poster = fresh(srv, "poster")
    a = post(poster, "Spotkanie #zespół o 10")
    b = post(poster, "Wer macht #Überstunden?")
    c = post(poster, "Plain #zespol too")
    d = post(poster, "Both #zespół and #Zespol")
    t.is_(sorted(found(search(alice, "#zespo", type="hashtags"),
                       "hashtags") or []), ["zespol", "zespół"],
          "search by prefix finds both spellings")
    t.is_(found(search(alice, "#uberstund", type="hashtags"), "hashtags"),
          ["Überstunden"],
          "... and #Überstunden for #uberstund")
    r = alice.get("/api/v1/timelines/tag/zespol")
    t.is_([x["id"] for x in r.json()], [d, c, a],
          "the tag's stream: every spelling, newest first, each post once")
    r = alice.get("/api/v1/timelines/tag/uberstunden")
    t.is_([x["id"] for x in r.json()], [b], "#uberstunden: #Überstunden")
    t.is_([x["name"] for x in r.json()[0]["tags"]] if r.json() else None,
          ["Überstunden"], "... the post's tag as written")
    r = alice.get("/api/v1/tags/uberstunden")
    t.status(r, 200, "the Tag is found folded")
    t.is_(r.json().get("name"), "Überstunden", "... by its stored name")
    web = srv.client()
    t.status(web.login("alice"), 303, "alice signs in")
    r = web.get("/tags/zespol")
    t.ok(all(("id=\"post-%s\"" % i) in r.text for i in (a, c, d)),
         "the tag's page lists every spelling")
    t.like(r.text, r">#zespół<", "... showing the tags as written")


@h.case
def statuses_full_text(t, srv):
    """Posts with every word, newest first; account_id, limit, offset,
    max_id and min_id; quotes, OR and '-' are words, not syntax."""
    alice, alan, bob, carol = (srv.p[n] for n in ("alice", "alan", "bob",
                                                  "carol"))
    p1 = post(alice, "The quarterly report is out")
    p2 = post(alan, "Comments on the *quarterly* report")
    p3 = post(bob, "Quarterly report, reported")
    r = search(carol, "quarterly report", type="statuses")
    t.is_(found(r, "statuses"), [p3, p2, p1],
          "posts with every word, newest first")
    t.is_(r.json()["statuses"][0]["account"]["username"]
          if found(r, "statuses") else None, "bob", "results are "
          "Statuses")
    t.is_(found(search(carol, "quarterly", type="statuses",
                       account_id=alan.id), "statuses"), [p2],
          "account_id: one person's posts")
    t.is_(found(search(carol, "quarterly", type="statuses", limit=1,
                       offset=1), "statuses"), [p2], "limit and offset")
    t.is_(found(search(carol, "quarterly", type="statuses", max_id=p3),
                "statuses"), [p2, p1], "max_id bounds from above")
    t.is_(found(search(carol, "quarterly", type="statuses", min_id=p1),
                "statuses"), [p3, p2], "min_id bounds from below, still "
          "newest first")
    t.status(search(carol, "quarterly", account_id="x"), 400,
             "a malformed account_id: 400")
    t.status(search(carol, "quarterly", limit="0"), 400, "limit=0: 400")
    t.status(search(carol, "quarterly", offset="-1"), 400,
             "a negative offset: 400")
    t.status(search(carol, "quarterly", resolve="true"), 200,
             "resolve is accepted")
    r = search(carol, "quarterly", type="everything")
    t.ok(found(r, "statuses") and found(r, "accounts") == [],
         "an unknown type searches everything")
    t.is_(found(search(carol, '"quarterly" "report"',
                       type="statuses"), "statuses"), [p3, p2, p1],
          "quotes are not syntax")
    t.is_(found(search(carol, "quarterly OR nothinghere",
                       type="statuses"), "statuses"), [],
          "OR is a word to match, not an operator")
    t.is_(found(search(carol, "quarterly -report", type="statuses"),
                "statuses"), [p3, p2, p1], "'-' does not exclude")


@h.case
def only_readable_posts(t, srv):
    """Search hides direct, followers-only and private group posts from
    those who may not read them, and finds them for those who may."""
    alice = srv.p["alice"]
    # carol and bob of its own: the shared carol must not read these.
    bob, carol = fresh(srv, "bob"), fresh(srv, "carol")
    direct = post(bob, "@%s the secret quarterly numbers" % carol.name,
                  visibility="direct")
    followers = post(bob, "Followers only: quarterly bonus",
                     visibility="private")
    r = carol.post("/api/v1/accounts/%s/follow" % bob.id)
    t.status(r, 200, "carol follows bob")
    g = bob.post("/api/v1/groups", {"name": "Board %d" % next(_n),
                                    "visibility": "private"}).json()
    grouped = post(bob, "Board minutes: quarterly forecast",
                   group_id=g["id"])
    mine = found(search(alice, "quarterly", type="statuses"), "statuses")
    for label, pid in [("a direct post to others", direct),
                       ("a followers-only post of someone alice does "
                        "not follow", followers),
                       ("a private group's post", grouped)]:
        t.ok(mine is not None and pid not in mine,
             "search hides %s" % label)
    theirs = found(search(carol, "quarterly", type="statuses"),
                   "statuses") or []
    t.ok(direct in theirs, "the person mentioned finds a direct post")
    t.ok(followers in theirs, "a follower finds a followers-only post")
    t.ok(grouped not in theirs, "a non-member never finds a group post")
    t.ok(grouped in (found(search(bob, "forecast"), "statuses") or []),
         "a member does")


@h.case
def odd_queries(t, srv):
    """No query, however odd or long, breaks the search."""
    alice = srv.p["alice"]
    odd = ['"', '""', '"unterminated', "*", "**", "NEAR(", "NEAR(a b",
           "-", "-quarterly", ":", "text:quarterly", "a:b:c", "(", ")",
           "quarterly OR", "AND", "NOT quarterly", "^quarterly", "+",
           "'", "\\", "{}", "[", "@", "#", "@@", "##", "\u2026",
           "\u2014", "\u65e5\u672c\u8a9e", "caf\u00e9", "\U0001F600",
           "%", "%%", "x" * 10000, "\u00e9" * 1000,
           "x" + "\u00e9" * 500, "a " * 2000,
           "quarterly\u2026", "a_b", "_", "0", "-1"]
    bad = []
    for q in odd:
        for kind in (None, "accounts", "hashtags", "statuses"):
            params = {"type": kind} if kind else {}
            r = search(alice, q, **params)
            if r.status != 200 or found(r, "accounts") is None:
                bad.append((q[:20], kind, r.status))
    t.is_(bad, [], "%d odd queries each answer 200 with the three "
          "lists" % len(odd))
    long_q = "quarterly " + "x" * 300
    t.status(search(alice, long_q), 200, "a query longer than the "
             "limit is cut, not refused")


if __name__ == "__main__":
    h.main_cases(fixture)
