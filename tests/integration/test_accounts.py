"""The Mastodon accounts API: lookup, get, relationships, follow and
unfollow (counters, home feed), followers/following pagination with Link
headers, a person's statuses, account search, the company directory,
disabled people, unknown ids and signed-out callers."""
import re
import urllib.parse

import harness as h

API = "/api/v1/accounts"


def link_targets(resp):
    """{rel: path?query} from a Link header."""
    out = {}
    for m in re.finditer(r'<([^>]*)>;\s*rel="([^"]*)"',
                         resp.header("Link") or ""):
        u = urllib.parse.urlsplit(m.group(1))
        out[m.group(2)] = u.path + "?" + u.query
    return out


def body(t):
    with h.Server(t) as srv:
        names = ["alice", "bob", "carol", "dave"] + \
            ["fan%d" % i for i in range(7)]
        for n in names:
            srv.add_user(n, display_name=n.capitalize() + " Example")
        c = {}
        ids = {}
        for n in names:
            c[n] = srv.client(headers={"Authorization":
                                       "Bearer " + srv.token(n)})
            ids[n] = c[n].me().json()["id"]
        a = c["alice"]

        # -- signed out
        anon = srv.client()
        r = anon.get(API + "/" + ids["bob"])
        t.status(r, 401, "signed out: GET an account is 401")
        t.like(r.header("Content-Type"), r"^application/json",
               "... answered as JSON")
        t.ok("error" in r.json(), "... with an error member")
        for path in ["/lookup?acct=bob", "/relationships?id=1",
                     "/search?q=bob", "/" + ids["bob"] + "/followers",
                     "/" + ids["bob"] + "/statuses"]:
            t.status(anon.get(API + path), 401, "signed out: %s is 401"
                     % path.split("?")[0])
        t.status(anon.get("/api/v1/directory"), 401,
                 "signed out: the directory is 401")
        t.status(anon.post(API + "/" + ids["bob"] + "/follow"), 401,
                 "signed out: follow is 401")

        # -- get and lookup
        r = a.get(API + "/" + ids["bob"])
        t.status(r, 200, "GET /accounts/:id")
        acc = r.json()
        t.is_((acc["id"], acc["username"], acc["acct"]),
              (ids["bob"], "bob", "bob"), "... is bob, with a string id")
        t.is_(acc["display_name"], "Bob Example", "... and display name")
        t.ok(isinstance(acc.get("hearth"), dict), "... and a hearth object")
        t.ok("source" not in acc, "... without the private source")
        t.like(acc["avatar"], r"/avatars/bob\.png$", "default avatar URL")
        for bad in ["999999", "0", "abc", "-1", "1x"]:
            r = a.get(API + "/" + bad)
            t.status(r, 404, "GET /accounts/%s is 404" % bad)
        t.is_(r.json(), {"error": "Record not found"}, "... as Mastodon says")
        for q in ["bob", "@bob", "BOB", "bob@127.0.0.1:%d" % srv.port,
                  "bob@127.0.0.1", "@bob@127.0.0.1:%d" % srv.port]:
            r = a.get(API + "/lookup?" + urllib.parse.urlencode({"acct": q}))
            t.ok(r.status == 200 and r.json()["id"] == ids["bob"],
                 "lookup acct=%s finds bob" % q, r.summary())
        for q in ["bob@example.com", "nobody", "@", "bob@"]:
            r = a.get(API + "/lookup?" + urllib.parse.urlencode({"acct": q}))
            t.status(r, 404, "lookup acct=%s is 404" % q)
        t.status(a.get(API + "/lookup"), 400, "lookup without acct is 400")

        # -- follow, counters, relationships
        # carol posts first, so alice's home feed is built without her.
        r = c["carol"].post("/api/v1/statuses",
                            {"status": "carol's news", "visibility":
                             "public"})
        t.status(r, 200, "carol posts")
        carol_post = r.json()["id"]
        home = [s["id"] for s in a.get("/api/v1/timelines/home").json()]
        t.ok(carol_post not in home, "alice's home lacks carol's post")

        r = a.post(API + "/" + ids["carol"] + "/follow")
        t.status(r, 200, "alice follows carol")
        rel = r.json()
        t.is_((rel["id"], rel["following"], rel["followed_by"]),
              (ids["carol"], True, False), "... the answer is the "
              "Relationship")
        t.status(a.post(API + "/" + ids["carol"] + "/follow"), 200,
                 "following twice is fine")
        home = [s["id"] for s in a.get("/api/v1/timelines/home").json()]
        t.ok(carol_post in home, "after the follow, alice's home feed has "
             "carol's post (the feed was rebuilt)")
        t.is_(a.get(API + "/" + ids["carol"]).json()["followers_count"], 1,
              "carol has one follower")
        t.is_(a.me().json()["following_count"], 1,
              "alice follows one person")
        r = c["carol"].get(API + "/relationships?id[]=%s" % ids["alice"])
        t.status(r, 200, "relationships")
        t.is_([(x["id"], x["following"], x["followed_by"]) for x in r.json()],
              [(ids["alice"], False, True)], "carol sees alice follows her")
        r = a.get(API + "/relationships?id[]=%s&id[]=%s&id[]=%s&id[]=999999"
                  "&id[]=junk&id[]=%s" % (ids["carol"], ids["bob"],
                                          ids["carol"], ids["bob"]))
        t.is_([(x["id"], x["following"]) for x in r.json()],
              [(ids["carol"], True), (ids["bob"], False)],
              "several ids: in order, unknown and repeated ones left out")
        r = a.get(API + "/relationships?id=%s" % ids["carol"])
        t.is_([x["id"] for x in r.json()], [ids["carol"]],
              "a plain id= works too")
        t.is_(a.get(API + "/relationships").json(), [],
              "no ids: an empty list")

        r = a.post(API + "/" + ids["carol"] + "/unfollow")
        t.status(r, 200, "alice unfollows carol")
        t.is_(r.json()["following"], False, "... no longer following")
        t.is_(a.get(API + "/" + ids["carol"]).json()["followers_count"], 0,
              "carol's follower count is back to 0")
        t.is_(a.me().json()["following_count"], 0,
              "alice's following count is back to 0")
        home = [s["id"] for s in a.get("/api/v1/timelines/home").json()]
        t.ok(carol_post not in home, "after the unfollow, carol's post left "
             "alice's home feed")
        t.status(a.post(API + "/" + ids["carol"] + "/unfollow"), 200,
                 "unfollowing someone not followed is fine")

        r = a.post(API + "/" + ids["alice"] + "/follow")
        t.status(r, 422, "following yourself is 422")
        t.status(a.post(API + "/999999/follow"), 404,
                 "following an unknown id is 404")
        t.status(a.post(API + "/999999/unfollow"), 404,
                 "unfollowing an unknown id is 404")

        # -- followers / following, paginated by follow id
        fans = ["fan%d" % i for i in range(7)]
        for f in fans:
            t.ok(c[f].post(API + "/" + ids["bob"] + "/follow").status == 200,
                 "%s follows bob" % f)
            c[f].post(API + "/" + ids["carol"] + "/follow")
        t.is_(a.get(API + "/" + ids["bob"]).json()["followers_count"], 7,
              "bob has seven followers")
        pages = []
        path = API + "/" + ids["bob"] + "/followers?limit=3"
        while path and len(pages) < 5:
            r = a.get(path)
            t.status(r, 200, "followers page %d" % (len(pages) + 1))
            page = [x["username"] for x in r.json()]
            pages.append((page, link_targets(r)))
            path = pages[-1][1].get("next") if page else None
        seen = [n for page, _ in pages for n in page]
        t.is_([len(page) for page, _ in pages], [3, 3, 1, 0],
              "seven followers in pages of three, then an empty page")
        t.is_(seen, list(reversed(fans)), "newest follow first, each "
              "follower exactly once")
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
        r = a.get(API + "/" + ids["fan0"] + "/following")
        t.is_([x["username"] for x in r.json()], ["carol", "bob"],
              "fan0 follows carol and bob, newest first")
        t.is_(a.get(API + "/" + ids["dave"] + "/followers").json(), [],
              "nobody follows dave: an empty list")
        t.status(a.get(API + "/999999/followers"), 404,
                 "followers of an unknown id is 404")
        t.status(a.get(API + "/999999/following"), 404,
                 "following of an unknown id is 404")
        t.status(a.get(API + "/" + ids["bob"] + "/followers?limit=x"), 400,
                 "a bad limit is 400")

        # -- a person's statuses
        b = c["bob"]
        posted = []
        for i in range(3):
            posted.append(b.post("/api/v1/statuses",
                                 {"status": "bob post %d" % i}).json()["id"])
        r = b.post("/api/v1/statuses", {"status": "@carol a reply",
                                        "in_reply_to_id": carol_post})
        t.status(r, 200, "bob replies to carol")
        reply = r.json()["id"]
        b.post("/api/v1/statuses", {"status": "for followers",
                                    "visibility": "private"})
        r = a.get(API + "/" + ids["bob"] + "/statuses")
        t.status(r, 200, "bob's statuses")
        got = [s["id"] for s in r.json()]
        t.is_(got, [reply] + list(reversed(posted)), "newest first, and "
              "alice (not a follower) does not see the private one")
        got = [s["id"] for s in c["fan0"].get(API + "/" + ids["bob"] +
                                              "/statuses").json()]
        t.is_(len(got), 5, "a follower sees the private post too")
        r = a.get(API + "/" + ids["bob"] + "/statuses?exclude_replies=true")
        t.is_([s["id"] for s in r.json()], list(reversed(posted)),
              "exclude_replies leaves out the reply")
        t.is_(a.get(API + "/" + ids["bob"] + "/statuses?pinned=true").json(),
              [], "pinned: none")
        t.is_(a.get(API + "/" + ids["bob"] +
                    "/statuses?only_media=true").json(), [],
              "only_media: none")
        r = a.get(API + "/" + ids["bob"] + "/statuses?limit=2")
        t.is_([s["id"] for s in r.json()], [reply, posted[2]], "limit=2")
        nxt = link_targets(r).get("next")
        t.like(nxt or "", r"max_id=%s" % posted[2], "Link next continues "
               "below the last post")
        r = a.get(nxt)
        t.is_([s["id"] for s in r.json()], [posted[1], posted[0]],
              "... and gives the rest")
        t.status(a.get(API + "/999999/statuses"), 404,
                 "statuses of an unknown id is 404")

        # -- account search
        r = a.get(API + "/search?q=car")
        t.status(r, 200, "account search")
        t.is_([x["username"] for x in r.json()], ["carol"],
              "q=car finds carol")
        r = a.get(API + "/search?q=Example&limit=2")
        t.is_(len(r.json()), 2, "limit caps the answer")
        r2 = a.get(API + "/search?q=Example&limit=2&offset=2")
        t.ok(not set(x["id"] for x in r.json()) &
             set(x["id"] for x in r2.json()), "offset gives other people")
        r = c["fan0"].get(API + "/search?q=Example&following=true&limit=80")
        t.is_(sorted(x["username"] for x in r.json()), ["bob", "carol"],
              "following=true: only people fan0 follows")
        t.is_(a.get(API + "/search?q=%22%29%28*").json(), [],
              "punctuation only: nobody, and no error")
        t.status(a.get(API + "/search"), 400, "search without q is 400")
        t.status(a.get(API + "/search?q=a&offset=-1"), 400,
                 "a negative offset is 400")

        # -- the directory
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

        # -- disabled people
        c["dave"].post(API + "/" + ids["bob"] + "/follow")
        a.post(API + "/" + ids["dave"] + "/follow")
        t.is_(srv.ctl("user", "disable", "dave").returncode, 0,
              "disable dave")
        t.status(a.get(API + "/" + ids["dave"]), 404,
                 "a disabled person is 404 by id")
        t.status(a.get(API + "/lookup?acct=dave"), 404,
                 "... and by name")
        t.status(a.get(API + "/" + ids["dave"] + "/statuses"), 404,
                 "... their statuses are 404")
        t.status(a.get(API + "/" + ids["dave"] + "/followers"), 404,
                 "... their followers are 404")
        t.status(c["bob"].post(API + "/" + ids["dave"] + "/follow"), 404,
                 "... they cannot be followed")
        t.is_(a.get(API + "/relationships?id[]=%s" % ids["dave"]).json(), [],
              "... relationships leave them out")
        t.is_(len(a.get(API + "/relationships?with_suspended=true&id[]=%s"
                        % ids["dave"]).json()), 1,
              "... unless with_suspended=true")
        t.is_(a.get(API + "/search?q=dave").json(), [],
              "... search leaves them out")
        t.ok("dave" not in [x["username"] for x in
                            a.get("/api/v1/directory?limit=80").json()],
             "... and so does the directory")
        t.ok("dave" not in [x["username"] for x in a.get(
            API + "/" + ids["bob"] + "/followers?limit=80").json()],
             "... and bob's followers list")
        r = a.post(API + "/" + ids["dave"] + "/unfollow")
        t.status(r, 200, "unfollowing a disabled person still works")
        t.is_(a.me().json()["following_count"], 0,
              "... and alice's count drops")
        t.is_(srv.ctl("user", "enable", "dave").returncode, 0, "enable dave")
        t.status(a.get(API + "/" + ids["dave"]), 200,
                 "enabled again, dave is back")


h.main(body)
