"""Groups: open and private, membership and group admins, group posts, and
that a private group's posts never show to anyone outside it."""
import re

import harness as h


def ids(resp):
    """The ids of a JSON array answer (empty if it is not one)."""
    try:
        return [x["id"] for x in resp.json()]
    except (ValueError, TypeError, KeyError):
        return []


def post(c, text, **fields):
    fields["status"] = text
    return c.post("/api/v1/statuses", fields)


def delete(c, path):
    return c.request("DELETE", path)


def body(t):
    with h.Server(t) as srv:
        u = srv.people("alice", "bob", "carol", "dave")
        alice, bob, carol, dave = (u[n] for n in ("alice", "bob", "carol",
                                                  "dave"))

        # -- creating
        r = alice.post("/api/v1/groups", {
            "name": "  Book Club ", "visibility": "open",
            "description": "We **read** together, with @bob."})
        t.status(r, 200, "alice creates an open group")
        club = r.json()
        t.is_(club.get("name"), "Book Club", "its name, trimmed")
        t.is_(club.get("visibility"), "open", "it is open")
        t.is_(club.get("member"), True, "its creator is a member")
        t.is_(club.get("role"), "admin", "... and its admin")
        t.is_(club.get("members_count"), 1, "it has one member")
        t.like(club.get("description"), r"<strong>read</strong>",
               "the description is rendered Markdown")
        t.like(club.get("description"), r'href="[^"]*/@bob"',
               "... mentions link to the person")
        t.like(club.get("description_source"), r"\*\*read\*\*",
               "... and its source is kept")
        t.like(club.get("id"), r"^\d+$", "ids are strings of digits")

        r = alice.post("/api/v1/groups", json_body={
            "name": "Secret Project", "visibility": "private"})
        t.status(r, 200, "a private group, from a JSON body")
        secret = r.json()
        t.is_(secret.get("visibility"), "private", "it is private")
        t.is_(alice.get("/api/v1/groups/" + secret["id"]).status, 200,
              "its creator sees it")

        r = bob.post("/api/v1/groups", {"name": "book club"})
        t.status(r, 409, "a second group with the same name (any case): "
                 "409")
        t.like(r.json().get("error"), r"already exists", "... saying so")
        for label, form in [("no name", {}),
                            ("a blank name", {"name": "   "}),
                            ("a name too long", {"name": "x" * 101}),
                            ("two lines", {"name": "a\nb"}),
                            ("a bad visibility", {"name": "Odd",
                                                  "visibility": "secret"}),
                            ("a description too long",
                             {"name": "Odd", "description": "x" * 2001})]:
            r = bob.post("/api/v1/groups", form)
            t.status(r, 422, "%s: 422" % label)
            t.ok(r.json().get("error"), "... with a message")

        # -- who sees what
        t.ok(club["id"] in ids(bob.get("/api/v1/groups")),
             "bob lists the open group")
        t.ok(secret["id"] not in ids(bob.get("/api/v1/groups")),
             "... but not the private one")
        t.is_(sorted(ids(alice.get("/api/v1/groups"))),
              sorted([club["id"], secret["id"]]), "alice lists both")
        t.is_(ids(bob.get("/api/v1/groups?member=true")), [],
              "bob is in no group yet")
        for label, resp in [
                ("the group", bob.get("/api/v1/groups/" + secret["id"])),
                ("its members",
                 bob.get("/api/v1/groups/%s/members" % secret["id"])),
                ("its timeline",
                 bob.get("/api/v1/timelines/group/" + secret["id"])),
                ("joining it",
                 bob.post("/api/v1/groups/%s/join" % secret["id"])),
                ("leaving it",
                 bob.post("/api/v1/groups/%s/leave" % secret["id"])),
                ("adding to it", bob.post("/api/v1/groups/%s/members"
                                          % secret["id"],
                                          {"account_id": bob.id})),
                ("promoting in it", bob.post("/api/v1/groups/%s/admins"
                                             % secret["id"],
                                             {"account_id": bob.id})),
                ("removing from it",
                 delete(bob, "/api/v1/groups/%s/members/%s"
                        % (secret["id"], alice.id)))]:
            t.status(resp, 404, "a non-member gets 404 for a private "
                     "group: %s" % label)
        t.is_(bob.get("/api/v1/groups/999999").status, 404,
              "an unknown group: 404")
        t.is_(bob.get("/api/v1/groups/abc").status, 404,
              "a malformed id: 404")

        # -- joining and leaving an open group
        r = bob.post("/api/v1/groups/%s/join" % club["id"])
        t.status(r, 200, "bob joins the open group")
        t.is_(r.json().get("member"), True, "... and is a member")
        t.is_(r.json().get("role"), "member", "... an ordinary one")
        t.is_(r.json().get("members_count"), 2, "... the second")
        r = bob.post("/api/v1/groups/%s/join" % club["id"])
        t.status(r, 200, "joining twice is no error")
        t.is_(r.json().get("members_count"), 2, "... and counts once")
        t.is_(ids(bob.get("/api/v1/groups?member=true")), [club["id"]],
              "member=true lists bob's group")

        # -- group admins
        r = bob.post("/api/v1/groups/%s/members" % club["id"],
                     {"account_id": carol.id})
        t.status(r, 403, "a member who is not a group admin cannot add "
                 "people")
        t.like(r.json().get("error"), r"group admin", "... told why")
        r = delete(bob, "/api/v1/groups/%s/members/%s" % (club["id"],
                                                          alice.id))
        t.status(r, 403, "... nor remove them")
        r = bob.post("/api/v1/groups/%s/admins" % club["id"],
                     {"account_id": bob.id})
        t.status(r, 403, "... nor promote themselves")

        r = alice.post("/api/v1/groups/%s/members" % secret["id"],
                       {"account_id": bob.id})
        t.status(r, 200, "alice adds bob to the private group")
        t.is_(r.json().get("members_count"), 2, "it has two members")
        r = bob.get("/api/v1/groups/" + secret["id"])
        t.status(r, 200, "bob sees the private group now")
        t.is_(r.json().get("role"), "member", "... as a member")
        t.ok(secret["id"] in ids(bob.get("/api/v1/groups")),
             "... and lists it")
        r = alice.post("/api/v1/groups/%s/members" % secret["id"],
                       {"account_id": "nope"})
        t.status(r, 422, "adding with a malformed account_id: 422")
        r = alice.post("/api/v1/groups/%s/members" % secret["id"],
                       {"account_id": "999999"})
        t.status(r, 404, "adding an unknown account: 404")

        r = bob.get("/api/v1/groups/%s/members?limit=1" % secret["id"])
        t.status(r, 200, "bob lists the members")
        t.is_(ids(r), [bob.id], "newest member first, one per page")
        t.is_(r.json()[0].get("group_role"), "member",
              "an Account carries its group_role")
        t.is_(r.json()[0].get("username"), "bob", "... and is an Account")
        link = r.header("Link") or ""
        t.like(link, r'rel="next"', "a Link header to the next page")
        m = re.search(r"<[^>]*(/api/v1/groups/[^>]*max_id=\d+)>; "
                      r'rel="next"', link)
        r = bob.get(m.group(1) if m else "/nowhere")
        t.is_(ids(r), [alice.id], "the next page has alice")
        t.is_(r.json()[0].get("group_role") if r.json() else None, "admin",
              "... a group admin")
        r = bob.get("/api/v1/groups/%s/members?q=ALI" % secret["id"])
        t.is_(ids(r), [alice.id], "q finds members by name, in any case")
        r = bob.get("/api/v1/groups/%s/members?q=%%25" % secret["id"])
        t.is_(ids(r), [], "... and takes LIKE's % literally")

        r = alice.post("/api/v1/groups/%s/leave" % secret["id"])
        t.status(r, 409, "the only admin cannot leave while others stay")
        t.like(r.json().get("error"), r"admin", "... and is told to hand "
               "over")
        r = delete(alice, "/api/v1/groups/%s/admins/%s" % (secret["id"],
                                                           alice.id))
        t.status(r, 409, "... nor demote themselves")
        r = delete(alice, "/api/v1/groups/%s/members/%s" % (secret["id"],
                                                            alice.id))
        t.status(r, 409, "... nor remove themselves")
        r = alice.post("/api/v1/groups/%s/admins" % secret["id"],
                       {"account_id": carol.id})
        t.status(r, 422, "only a member can be made an admin")

        r = alice.post("/api/v1/groups/%s/admins" % secret["id"],
                       {"account_id": bob.id})
        t.status(r, 200, "alice makes bob a group admin")
        t.is_(bob.get("/api/v1/groups/" + secret["id"]).json().get("role"),
              "admin", "bob is an admin now")
        r = bob.post("/api/v1/groups/%s/members" % secret["id"],
                     {"account_id": carol.id})
        t.status(r, 200, "... and adds carol")
        t.is_(carol.get("/api/v1/groups/" + secret["id"]).status, 200,
              "carol sees the group")
        r = delete(bob, "/api/v1/groups/%s/members/%s" % (secret["id"],
                                                          carol.id))
        t.status(r, 200, "bob removes carol")
        t.is_(r.json().get("members_count"), 2, "two members again")
        t.is_(carol.get("/api/v1/groups/" + secret["id"]).status, 404,
              "carol no longer sees the group")
        r = delete(bob, "/api/v1/groups/%s/admins/%s" % (secret["id"],
                                                         alice.id))
        t.status(r, 200, "bob demotes alice")
        t.is_(r.json().get("role"), "admin", "... (the answer is bob's view)")
        t.is_(alice.get("/api/v1/groups/" + secret["id"]).json()
              .get("role"), "member", "alice is an ordinary member now")
        r = alice.post("/api/v1/groups/%s/admins" % secret["id"],
                       {"account_id": alice.id})
        t.status(r, 403, "... who cannot promote herself back")
        r = bob.post("/api/v1/groups/%s/admins" % secret["id"],
                     {"account_id": alice.id})
        t.status(r, 200, "bob promotes her again")

        # -- posting in groups
        r = post(bob, "Launch plan for #Zephyr, cc @carol",
                 group_id=secret["id"])
        t.status(r, 200, "a member posts in the private group")
        spost = r.json()
        g = spost.get("group") or {}
        t.is_((g.get("id"), g.get("name")), (secret["id"], "Secret Project"),
              "the Status carries its group's id and name")
        r = post(carol, "Let me in", group_id=secret["id"])
        t.status(r, 404, "a non-member cannot post in a private group (404)")
        r = post(dave, "Hello readers", group_id=club["id"])
        t.status(r, 403, "a non-member cannot post in an open group (403)")
        t.like(r.json().get("error"), r"join", "... and is told to join")
        r = post(alice, "Public #zephyr news")
        t.status(r, 200, "a public post outside groups")
        public = r.json()
        t.is_(public.get("group"), None, "... has group null")
        r = post(alice, "Chapter one of #zephyr", group_id=club["id"])
        t.status(r, 200, "a post in the open group")
        cpost = r.json()

        # A reply stays in the thread's group.
        r = post(alice, "Agreed", in_reply_to_id=spost["id"])
        t.status(r, 200, "a reply to a group post")
        sreply = r.json()
        t.is_((sreply.get("group") or {}).get("id"), secret["id"],
              "... is in the same group")

        # dave reads his home first, so his feed is cached, then joins.
        dave.get("/api/v1/timelines/home")
        r = dave.post("/api/v1/groups/%s/join" % club["id"])
        t.status(r, 200, "dave joins the open group")
        t.ok(cpost["id"] in ids(dave.get("/api/v1/timelines/home")),
             "the group's posts are in his home at once")
        r = post(dave, "Hello readers", group_id=club["id"])
        t.status(r, 200, "... and he may post in it now")
        r = dave.post("/api/v1/groups/%s/leave" % club["id"])
        t.status(r, 200, "dave leaves")
        t.is_(r.json().get("member"), False, "... and is no longer a member")
        t.ok(cpost["id"] not in ids(dave.get("/api/v1/timelines/home")),
             "the group's posts leave his home at once")

        # -- a private group's posts never reach non-members
        t.status(carol.post("/api/v1/accounts/%s/follow" % bob.id), 200,
                 "carol follows bob")
        carol.post("/api/v1/accounts/%s/follow" % alice.id)
        bpublic = post(bob, "Lunch is at noon").json()
        hidden = [spost["id"], sreply["id"]]

        def nowhere(found, where):
            t.ok(not set(hidden) & set(found),
                 "private group posts are not in %s" % where)
        nowhere(ids(carol.get("/api/v1/timelines/public")),
                "the company stream")
        nowhere(ids(carol.get("/api/v1/timelines/home")),
                "a non-member's home (who follows the author)")
        r = carol.get("/api/v1/timelines/tag/zephyr")
        nowhere(ids(r), "a hashtag's timeline")
        t.ok(public["id"] in ids(r) and cpost["id"] in ids(r),
             "... which has the public and open-group posts")
        r = carol.get("/api/v2/search?q=launch+plan&type=statuses")
        t.status(r, 200, "a non-member searches for the post's words")
        nowhere([s["id"] for s in r.json().get("statuses", [])], "search")
        r = alice.get("/api/v2/search?q=launch+plan&type=statuses")
        t.is_([s["id"] for s in r.json().get("statuses", [])],
              [spost["id"]], "... which a member finds")
        r = carol.get("/api/v1/accounts/%s/statuses" % bob.id)
        t.status(r, 200, "a non-member reads the author's statuses")
        nowhere(ids(r), "the author's statuses as a non-member sees them")
        t.ok(bpublic["id"] in ids(r), "... which has his public post")
        for label, resp in [
                ("the status", carol.get("/api/v1/statuses/" + spost["id"])),
                ("its context",
                 carol.get("/api/v1/statuses/%s/context" % spost["id"])),
                ("its reply's context",
                 carol.get("/api/v1/statuses/%s/context" % sreply["id"])),
                ("favouriting it",
                 carol.post("/api/v1/statuses/%s/favourite" % spost["id"])),
                ("who favourited it",
                 carol.get("/api/v1/statuses/%s/favourited_by"
                           % spost["id"])),
                ("replying to it",
                 post(carol, "hi", in_reply_to_id=spost["id"]))]:
            t.status(resp, 404, "a non-member gets 404 for %s" % label)

        # Members see it everywhere it belongs.
        t.ok(spost["id"] in ids(alice.get("/api/v1/timelines/group/"
                                          + secret["id"])),
             "a member sees it in the group's timeline")
        t.ok(spost["id"] in ids(alice.get("/api/v1/timelines/home")),
             "... and in her home")
        t.ok(spost["id"] in ids(alice.get("/api/v1/timelines/tag/zephyr")),
             "... and under its hashtag")
        t.ok(spost["id"] not in ids(alice.get("/api/v1/timelines/public")),
             "... but never in the company stream")
        t.is_(alice.post("/api/v1/statuses/%s/favourite" % spost["id"])
              .status, 200, "a member may favourite it")

        # Leaving takes the group out of sight.
        r = bob.post("/api/v1/groups/%s/leave" % secret["id"])
        t.status(r, 200, "bob (not the only admin) leaves the private "
                 "group")
        t.is_(r.json().get("member"), False, "... the answer says he is "
              "no longer a member")
        t.is_(bob.get("/api/v1/groups/" + secret["id"]).status, 404,
              "he no longer sees the group")
        t.is_(bob.get("/api/v1/statuses/" + sreply["id"]).status, 404,
              "... nor others' posts in it")
        t.ok(sreply["id"] not in ids(bob.get("/api/v1/timelines/home")),
             "... nor are they in his home")
        t.is_(bob.get("/api/v1/statuses/" + spost["id"]).status, 200,
              "his own post stays his to read")

        # The last member may leave; then the group has nobody.
        r = alice.post("/api/v1/groups/%s/leave" % secret["id"])
        t.status(r, 200, "the last member, an admin, may leave")
        t.is_(r.json().get("members_count"), 0, "... leaving it empty")

        # CSRF still applies to the session cookie (router's job).
        c = srv.client()
        c.login("alice")
        r = c.post("/api/v1/groups", {"name": "No CSRF"})
        t.status(r, 403, "a cookie request without a CSRF token: 403")


h.main(body)
