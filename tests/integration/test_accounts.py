"""The Mastodon accounts API: lookup, get, relationships, follow and
unfollow (counters, home feed), followers/following pagination with Link
headers, a person's statuses, account search, the company directory,
disabled people, unknown ids and signed-out callers.

Each case can run alone: make check TESTS=tests/integration/test_accounts.py
CASE=follow_counts_and_home (or `python3 .../test_accounts.py --list`)."""
import contextlib
import itertools
import re
import urllib.parse

import harness as h

API = "/api/v1/accounts"
_n = itertools.count(1)


def link_targets(resp):
    """{rel: path?query} from a Link header."""
    out = {}
    for m in re.finditer(r'<([^>]*)>;\s*rel="([^"]*)"',
                         resp.header("Link") or ""):
        u = urllib.parse.urlsplit(m.group(1))
        out[m.group(2)] = u.path + "?" + u.query
    return out


def example(name):
    """A person as srv.people takes them, with an "... Example" display
    name, which account search looks for."""
    return (name, name.capitalize() + " Example")


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people(*[example(n) for n in ("alice", "bob", "carol")])
        yield srv


def fresh(srv, base):
    """A person of the case's own (so cases share no counts): a client
    with .name. Bases must not contain "car": search_* look for carol."""
    name = "%s%d" % (base, next(_n))
    c = srv.people(example(name))[name]
    c.name = name
    return c


@h.case
def signed_out(t, srv):
    """Every accounts route wants a signed-in caller: 401 as JSON."""
    bob = srv.p["bob"].id
    anon = srv.client()
    r = anon.get(API + "/" + bob)
    t.status(r, 401, "signed out: GET an account is 401")
    t.like(r.header("Content-Type"), r"^application/json",
           "... answered as JSON")
    t.ok("error" in r.json(), "... with an error member")
    for path in ["/lookup?acct=bob", "/relationships?id=1",
                 "/search?q=bob", "/" + bob + "/followers",
                 "/" + bob + "/statuses"]:
        t.status(anon.get(API + path), 401, "signed out: %s is 401"
                 % path.split("?")[0])
    t.status(anon.get("/api/v1/directory"), 401,
             "signed out: the directory is 401")
    t.status(anon.post(API + "/" + bob + "/follow"), 401,
             "signed out: follow is 401")


@h.case
def get_account(t, srv):
    """GET /accounts/:id: the Account; unknown ids are 404."""
    a, bob = srv.p["alice"], srv.p["bob"].id
    r = a.get(API + "/" + bob)
    t.status(r, 200, "GET /accounts/:id")
    acc = r.json()
    t.is_((acc["id"], acc["username"], acc["acct"]),
          (bob, "bob", "bob"), "... is bob, with a string id")
    t.is_(acc["display_name"], "Bob Example", "... and display name")
    t.ok(isinstance(acc.get("hearth"), dict), "... and a hearth object")
    t.ok("source" not in acc, "... without the private source")
    t.like(acc["avatar"], r"/avatars/bob\.png$", "default avatar URL")
    for bad in ["999999", "0", "abc", "-1", "1x"]:
        r = a.get(API + "/" + bad)
        t.status(r, 404, "GET /accounts/%s is 404" % bad)
    t.is_(r.json(), {"error": "Record not found"}, "... as Mastodon says")


@h.case
def lookup(t, srv):
    """Lookup by acct, with or without @ and this server's domain."""
    a, bob = srv.p["alice"], srv.p["bob"].id
    for q in ["bob", "@bob", "BOB", "bob@127.0.0.1:%d" % srv.port,
              "bob@127.0.0.1", "@bob@127.0.0.1:%d" % srv.port]:
        r = a.get(API + "/lookup?" + urllib.parse.urlencode({"acct": q}))
        t.ok(r.status == 200 and r.json()["id"] == bob,
             "lookup acct=%s finds bob" % q, r.summary())
    for q in ["bob@example.com", "nobody", "@", "bob@"]:
        r = a.get(API + "/lookup?" + urllib.parse.urlencode({"acct": q}))
        t.status(r, 404, "lookup acct=%s is 404" % q)
    t.status(a.get(API + "/lookup"), 400, "lookup without acct is 400")


def home_ids(c):
    return [s["id"] for s in c.get("/api/v1/timelines/home").json()]


@h.case
def follow_counts_and_home(t, srv):
    """Follow then unfollow: the answer, both counters and the home feed
    follow along; doing either twice is fine."""
    a = fresh(srv, "follower")
    poster = fresh(srv, "poster")
    # The poster posts first, so a's home feed is built without it.
    r = poster.post("/api/v1/statuses",
                    {"status": "poster's news", "visibility": "public"})
    t.status(r, 200, "the poster posts")
    post = r.json()["id"]
    t.ok(post not in home_ids(a), "the follower's home lacks the post")

    r = a.post(API + "/" + poster.id + "/follow")
    t.status(r, 200, "follow")
    rel = r.json()
    t.is_((rel["id"], rel["following"], rel["followed_by"]),
          (poster.id, True, False), "... the answer is the Relationship")
    t.status(a.post(API + "/" + poster.id + "/follow"), 200,
             "following twice is fine")
    t.ok(post in home_ids(a), "after the follow, the home feed has the "
         "poster's post (the feed was rebuilt)")
    t.is_(a.get(API + "/" + poster.id).json()["followers_count"], 1,
          "the poster has one follower")
    t.is_(a.me().json()["following_count"], 1,
          "the follower follows one person")

    r = a.post(API + "/" + poster.id + "/unfollow")
    t.status(r, 200, "unfollow")
    t.is_(r.json()["following"], False, "... no longer following")
    t.is_(a.get(API + "/" + poster.id).json()["followers_count"], 0,
          "the poster's follower count is back to 0")
    t.is_(a.me().json()["following_count"], 0,
          "the follower's following count is back to 0")
    t.ok(post not in home_ids(a), "after the unfollow, the post left the "
         "home feed")
    t.status(a.post(API + "/" + poster.id + "/unfollow"), 200,
             "unfollowing someone not followed is fine")


@h.case
def follow_refusals(t, srv):
    """Following oneself is 422; following an unknown id is 404."""
    a = srv.p["alice"]
    t.status(a.post(API + "/" + a.id + "/follow"), 422,
             "following yourself is 422")
    t.status(a.post(API + "/999999/follow"), 404,
             "following an unknown id is 404")
    t.status(a.post(API + "/999999/unfollow"), 404,
             "unfollowing an unknown id is 404")
    t.is_(a.me().json()["following_count"], 0, "nothing was followed")


@h.case
def relationships(t, srv):
    """GET /relationships: both directions, several ids, id= and none."""
    a = fresh(srv, "follower")
    followed = fresh(srv, "followed")
    other = srv.p["bob"]
    t.status(a.post(API + "/" + followed.id + "/follow"), 200,
             "a follow to look at")
    r = followed.get(API + "/relationships?id[]=%s" % a.id)
    t.status(r, 200, "relationships")
    t.is_([(x["id"], x["following"], x["followed_by"]) for x in r.json()],
          [(a.id, False, True)], "the followed one sees it is followed")
    r = a.get(API + "/relationships?id[]=%s&id[]=%s&id[]=%s&id[]=999999"
              "&id[]=junk&id[]=%s" % (followed.id, other.id, followed.id,
                                      other.id))
    t.is_([(x["id"], x["following"]) for x in r.json()],
          [(followed.id, True), (other.id, False)],
          "several ids: in order, unknown and repeated ones left out")
    r = a.get(API + "/relationships?id=%s" % followed.id)
    t.is_([x["id"] for x in r.json()], [followed.id],
          "a plain id= works too")
    t.is_(a.get(API + "/relationships").json(), [],
          "no ids: an empty list")


@h.case
def followers_pagination(t, srv):
    """Followers and following, newest follow first, paged by Link."""
    a = srv.p["alice"]
    star, other = fresh(srv, "star"), fresh(srv, "other")
    fans = [fresh(srv, "fan") for _ in range(7)]
    for f in fans:
        t.ok(f.post(API + "/" + star.id + "/follow").status == 200,
             "%s follows the star" % f.name)
        f.post(API + "/" + other.id + "/follow")
    t.is_(a.get(API + "/" + star.id).json()["followers_count"], 7,
          "the star has seven followers")
    pages = []
    path = API + "/" + star.id + "/followers?limit=3"
    while path and len(pages) < 5:
        r = a.get(path)
        t.status(r, 200, "followers page %d" % (len(pages) + 1))
        page = [x["username"] for x in r.json()]
        pages.append((page, link_targets(r)))
        path = pages[-1][1].get("next") if page else None
    seen = [n for page, _ in pages for n in page]
    t.is_([len(page) for page, _ in pages], [3, 3, 1, 0],
          "seven followers in pages of three, then an empty page")
    t.is_(seen, [f.name for f in reversed(fans)], "newest follow first, "
          "each follower exactly once")
    links = pages[0][1]
    t.like(links.get("next", ""), r"max_id=\d+", "the Link header has "
           "next with max_id")
    t.like(links.get("next", ""), r"limit=3", "... keeping limit")
    t.like(links.get("prev", ""), r"min_id=\d+", "... and prev with "
           "min_id")
    t.is_(pages[3][1], {}, "an empty page has no Link header")
    r = a.get(pages[1][1]["prev"])
    t.is_([x["username"] for x in r.json()], pages[0][0],
          "prev from page two gives page one again")
    r = a.get(API + "/" + fans[0].id + "/following")
    t.is_([x["username"] for x in r.json()], [other.name, star.name],
          "the first fan follows both, newest first")
    lonely = fresh(srv, "lonely")
    t.is_(a.get(API + "/" + lonely.id + "/followers").json(), [],
          "nobody follows a new person: an empty list")
    t.status(a.get(API + "/999999/followers"), 404,
             "followers of an unknown id is 404")
    t.status(a.get(API + "/999999/following"), 404,
             "following of an unknown id is 404")
    t.status(a.get(API + "/" + star.id + "/followers?limit=x"), 400,
             "a bad limit is 400")


@h.case
def account_statuses(t, srv):
    """A person's statuses: newest first, visibility, filters, paging."""
    a = fresh(srv, "reader")
    b, poster, fan = fresh(srv, "writer"), fresh(srv, "poster"), \
        fresh(srv, "fan")
    t.status(fan.post(API + "/" + b.id + "/follow"), 200,
             "a follower of the writer")
    other_post = h.post_status(poster, "something to answer")["id"]
    posted = []
    for i in range(3):
        posted.append(b.post("/api/v1/statuses",
                             {"status": "bob post %d" % i}).json()["id"])
    r = b.post("/api/v1/statuses", {"status": "@%s a reply" % poster.name,
                                    "in_reply_to_id": other_post})
    t.status(r, 200, "the writer replies to another post")
    reply = r.json()["id"]
    b.post("/api/v1/statuses", {"status": "for followers",
                                "visibility": "private"})
    r = a.get(API + "/" + b.id + "/statuses")
    t.status(r, 200, "the writer's statuses")
    got = [s["id"] for s in r.json()]
    t.is_(got, [reply] + list(reversed(posted)), "newest first, and a "
          "reader who does not follow does not see the private one")
    got = [s["id"] for s in fan.get(API + "/" + b.id + "/statuses").json()]
    t.is_(len(got), 5, "a follower sees the private post too")
    r = a.get(API + "/" + b.id + "/statuses?exclude_replies=true")
    t.is_([s["id"] for s in r.json()], list(reversed(posted)),
          "exclude_replies leaves out the reply")
    t.is_(a.get(API + "/" + b.id + "/statuses?pinned=true").json(),
          [], "pinned: none")
    t.is_(a.get(API + "/" + b.id + "/statuses?only_media=true").json(),
          [], "only_media: none")
    r = a.get(API + "/" + b.id + "/statuses?limit=2")
    t.is_([s["id"] for s in r.json()], [reply, posted[2]], "limit=2")
    nxt = link_targets(r).get("next")
    t.like(nxt or "", r"max_id=%s" % posted[2], "Link next continues "
           "below the last post")
    r = a.get(nxt)
    t.is_([s["id"] for s in r.json()], [posted[1], posted[0]],
          "... and gives the rest")
    t.status(a.get(API + "/999999/statuses"), 404,
             "statuses of an unknown id is 404")


@h.case
def search_accounts(t, srv):
    """Account search: q, limit, offset, following, and bad queries."""
    a = srv.p["alice"]
    r = a.get(API + "/search?q=car")
    t.status(r, 200, "account search")
    t.is_([x["username"] for x in r.json()], ["carol"],
          "q=car finds carol")
    r = a.get(API + "/search?q=Example&limit=2")
    t.is_(len(r.json()), 2, "limit caps the answer")
    r2 = a.get(API + "/search?q=Example&limit=2&offset=2")
    t.ok(r2.json(), "offset gives more people")
    t.ok(not set(x["id"] for x in r.json()) &
         set(x["id"] for x in r2.json()), "offset gives other people")
    fan = fresh(srv, "fan")
    liked = [fresh(srv, "liked") for _ in range(2)]
    for p in liked:
        fan.post(API + "/" + p.id + "/follow")
    r = fan.get(API + "/search?q=Example&following=true&limit=80")
    t.is_(sorted(x["username"] for x in r.json()),
          sorted(p.name for p in liked),
          "following=true: only people the searcher follows")
    t.is_(a.get(API + "/search?q=%22%29%28*").json(), [],
          "punctuation only: nobody, and no error")
    t.status(a.get(API + "/search"), 400, "search without q is 400")
    t.status(a.get(API + "/search?q=a&offset=-1"), 400,
             "a negative offset is 400")


@h.case
def directory(t, srv):
    """The company directory: departments, q, orders, limit and offset.
    It lists everyone, so it has a server of its own."""
    with h.Server(t) as srv:
        names = ["alice", "bob", "carol", "dave"] + \
            ["fan%d" % i for i in range(3)]
        c = srv.people(*[example(n) for n in names])
        a = c["alice"]
        for n in ("bob", "carol"):
            h.post_status(c[n], "%s was here" % n)
        for n, dept in [("alice", "Engineering"), ("bob", "Engineering"),
                        ("carol", "Sales")]:
            r = c[n].request("PATCH", API + "/update_credentials",
                             json_body={"department": dept})
            t.status(r, 200, "%s sets department %s" % (n, dept))
        r = a.get("/api/v1/directory?limit=80")
        t.status(r, 200, "the directory")
        t.is_(len(r.json()), len(names), "everyone is in it")
        r = a.get("/api/v1/directory?department=engineering&order=name")
        t.is_([x["username"] for x in r.json()], ["alice", "bob"],
              "department filter (any case), by name")
        t.is_(r.json()[0]["hearth"]["department"], "Engineering",
              "the hearth object has the department")
        r = a.get("/api/v1/directory?q=car")
        t.is_([x["username"] for x in r.json()], ["carol"], "q filter")
        r = a.get("/api/v1/directory?q=Example&department=Sales")
        t.is_([x["username"] for x in r.json()], ["carol"],
              "q and department together")
        # last_status_at is a date to the second: bob and carol may tie.
        r = a.get("/api/v1/directory?order=active&limit=80")
        t.is_(sorted(x["username"] for x in r.json()[:2]), ["bob", "carol"],
              "order=active: the people who posted come first")
        t.ok(all(x["last_status_at"] is None for x in r.json()[2:]),
             "... then those who never did")
        r = a.get("/api/v1/directory?order=new&limit=1&local=true")
        t.is_([x["username"] for x in r.json()], [names[-1]],
              "order=new: the newest account first")
        r = a.get("/api/v1/directory?order=name&limit=2&offset=1")
        t.is_([x["username"] for x in r.json()], ["bob", "carol"],
              "offset and limit")
        t.is_(len(a.get("/api/v1/directory?limit=500").json()),
              len(names), "a limit above 80 is cut to 80")
        t.status(a.get("/api/v1/directory?order=bogus"), 400,
                 "an unknown order is 400")
        t.status(a.get("/api/v1/directory?limit=0"), 400, "limit=0 is 400")


@h.case
def disabled_person(t, srv):
    """A disabled person vanishes from every lookup and list, may still
    be unfollowed, and is back when enabled."""
    a, b = fresh(srv, "viewer"), fresh(srv, "followed")
    dave = fresh(srv, "dave")
    dave.post(API + "/" + b.id + "/follow")
    a.post(API + "/" + dave.id + "/follow")
    t.is_(srv.ctl("user", "disable", dave.name).returncode, 0,
          "disable dave")
    t.status(a.get(API + "/" + dave.id), 404,
             "a disabled person is 404 by id")
    t.status(a.get(API + "/lookup?acct=" + dave.name), 404,
             "... and by name")
    t.status(a.get(API + "/" + dave.id + "/statuses"), 404,
             "... their statuses are 404")
    t.status(a.get(API + "/" + dave.id + "/followers"), 404,
             "... their followers are 404")
    t.status(b.post(API + "/" + dave.id + "/follow"), 404,
             "... they cannot be followed")
    t.is_(a.get(API + "/relationships?id[]=%s" % dave.id).json(), [],
          "... relationships leave them out")
    t.is_(len(a.get(API + "/relationships?with_suspended=true&id[]=%s"
                    % dave.id).json()), 1,
          "... unless with_suspended=true")
    t.is_(a.get(API + "/search?q=" + dave.name).json(), [],
          "... search leaves them out")
    t.ok(dave.name not in [x["username"] for x in
                           a.get("/api/v1/directory?limit=80").json()],
         "... and so does the directory")
    t.ok(dave.name not in [x["username"] for x in a.get(
        API + "/" + b.id + "/followers?limit=80").json()],
         "... and the followers list of someone they follow")
    r = a.post(API + "/" + dave.id + "/unfollow")
    t.status(r, 200, "unfollowing a disabled person still works")
    t.is_(a.me().json()["following_count"], 0,
          "... and the follower's count drops")
    t.is_(srv.ctl("user", "enable", dave.name).returncode, 0, "enable dave")
    t.status(a.get(API + "/" + dave.id), 200,
             "enabled again, dave is back")


if __name__ == "__main__":
    h.main_cases(fixture)
