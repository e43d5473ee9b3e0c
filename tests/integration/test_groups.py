"""Groups: open and private, membership and group admins, group posts, and
that a private group's posts never show to anyone outside it.

Each case can run alone: make check TESTS=tests/integration/test_groups.py
CASE=private_posts_hidden (or `python3 .../test_groups.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


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


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        # Only read: bob is mentioned in a description.
        srv.p = srv.people("bob")
        yield srv


def fresh(srv, *bases):
    """People of the case's own (group lists and roles are per person):
    clients with .name, in the order of bases."""
    out = []
    for base in bases:
        name = "%s%d" % (base, next(_n))
        c = srv.people(name)[name]
        c.name = name
        out.append(c)
    return out


def make_group(owner, base, visibility="open"):
    """A group of owner's with a name no other case uses; its Group."""
    name = "%s %d" % (base, next(_n))
    r = owner.post("/api/v1/groups", {"name": name,
                                      "visibility": visibility})
    if r.status != 200:
        raise RuntimeError("creating a group failed: " + r.summary())
    return r.json()


def add_member(admin, group, who):
    r = admin.post("/api/v1/groups/%s/members" % group["id"],
                   {"account_id": who.id})
    if r.status != 200:
        raise RuntimeError("adding a member failed: " + r.summary())


def must_post(c, text, **fields):
    r = post(c, text, **fields)
    if r.status != 200:
        raise RuntimeError("posting failed: " + r.summary())
    return r.json()


@h.case
def create_open_group(t, srv):
    """Creating an open group: trimmed name, its creator its admin, the
    description rendered."""
    alice, = fresh(srv, "alice")
    name = "Book Club %d" % next(_n)
    r = alice.post("/api/v1/groups", {
        "name": "  %s " % name, "visibility": "open",
        "description": "We **read** together, with @bob."})
    t.status(r, 200, "alice creates an open group")
    club = r.json()
    t.is_(club.get("name"), name, "its name, trimmed")
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


@h.case
def create_private_group(t, srv):
    """A private group from a JSON body; its creator sees it."""
    alice, = fresh(srv, "alice")
    r = alice.post("/api/v1/groups", json_body={
        "name": "Secret Project %d" % next(_n), "visibility": "private"})
    t.status(r, 200, "a private group, from a JSON body")
    secret = r.json()
    t.is_(secret.get("visibility"), "private", "it is private")
    t.is_(alice.get("/api/v1/groups/" + secret["id"]).status, 200,
          "its creator sees it")
    t.is_(secret.get("role"), "admin", "... as its admin")


@h.case
def create_refusals(t, srv):
    """A taken name (in any case) is 409; bad fields are 422."""
    alice, bob = fresh(srv, "alice", "bob")
    club = make_group(alice, "Book Club")
    r = bob.post("/api/v1/groups", {"name": club["name"].lower()})
    t.status(r, 409, "a second group with the same name (any case): 409")
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
    t.is_(ids(bob.get("/api/v1/groups?member=true")), [],
          "bob made no group")


@h.case
def who_sees_what(t, srv):
    """Open groups are listed to all; a private one is 404 to a
    non-member, whatever he tries."""
    alice, bob = fresh(srv, "alice", "bob")
    club = make_group(alice, "Book Club")
    secret = make_group(alice, "Secret Project", "private")
    t.ok(club["id"] in ids(bob.get("/api/v1/groups")),
         "bob lists the open group")
    t.ok(secret["id"] not in ids(bob.get("/api/v1/groups")),
         "... but not the private one")
    t.is_(sorted(ids(alice.get("/api/v1/groups?member=true"))),
          sorted([club["id"], secret["id"]]), "alice lists both")
    # Other cases' groups are listed too: only their open ones.
    seen = alice.get("/api/v1/groups").json()
    t.ok({club["id"], secret["id"]} <= {g["id"] for g in seen},
         "... in the plain list too")
    t.ok(all(g["visibility"] == "open" or g["member"] for g in seen),
         "... which has no private group she is not in")
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


@h.case
def join_open_group(t, srv):
    """Anyone joins an open group, once; member=true lists it."""
    alice, bob = fresh(srv, "alice", "bob")
    club = make_group(alice, "Book Club")
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


@h.case
def member_not_admin(t, srv):
    """An ordinary member may not add, remove or promote anyone."""
    alice, bob, carol = fresh(srv, "alice", "bob", "carol")
    club = make_group(alice, "Book Club")
    t.status(bob.post("/api/v1/groups/%s/join" % club["id"]), 200,
             "bob joins the open group")
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
    r = alice.get("/api/v1/groups/" + club["id"])
    t.is_((r.json().get("members_count"), r.json().get("role")),
          (2, "admin"), "nothing changed: two members, alice the admin")


@h.case
def add_and_list_members(t, srv):
    """A group admin adds people; members are listed newest first,
    paged, and found by name."""
    alice, bob = fresh(srv, "alice", "bob")
    secret = make_group(alice, "Secret Project", "private")
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
    t.is_(r.json()[0].get("username"), bob.name, "... and is an Account")
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


@h.case
def sole_admin_stays(t, srv):
    """The only admin may not leave, step down or remove themselves
    while others stay; only a member can be made an admin."""
    alice, bob, carol = fresh(srv, "alice", "bob", "carol")
    secret = make_group(alice, "Secret Project", "private")
    add_member(alice, secret, bob)
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
    t.is_(alice.get("/api/v1/groups/" + secret["id"]).json().get("role"),
          "admin", "alice is still the admin")


@h.case
def admin_handover(t, srv):
    """A second admin adds and removes people and demotes the first,
    who cannot promote herself back."""
    alice, bob, carol = fresh(srv, "alice", "bob", "carol")
    secret = make_group(alice, "Secret Project", "private")
    add_member(alice, secret, bob)
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
    t.is_(alice.get("/api/v1/groups/" + secret["id"]).json()
          .get("role"), "admin", "... and she is an admin")


@h.case
def group_posts(t, srv):
    """Members post in their groups, non-members may not; a Status names
    its group, and a reply stays in the thread's group."""
    alice, bob, carol, dave = fresh(srv, "alice", "bob", "carol", "dave")
    club = make_group(alice, "Book Club")
    secret = make_group(alice, "Secret Project", "private")
    add_member(alice, secret, bob)
    r = post(bob, "Group plan for #Zephyr, cc @%s" % carol.name,
             group_id=secret["id"])
    t.status(r, 200, "a member posts in the private group")
    spost = r.json()
    g = spost.get("group") or {}
    t.is_((g.get("id"), g.get("name")), (secret["id"], secret["name"]),
          "the Status carries its group's id and name")
    r = post(carol, "Let me in", group_id=secret["id"])
    t.status(r, 404, "a non-member cannot post in a private group (404)")
    r = post(dave, "Hello readers", group_id=club["id"])
    t.status(r, 403, "a non-member cannot post in an open group (403)")
    t.like(r.json().get("error"), r"join", "... and is told to join")
    r = post(alice, "Public #zephyr news")
    t.status(r, 200, "a public post outside groups")
    t.is_(r.json().get("group"), None, "... has group null")
    r = post(alice, "Chapter one of #zephyr", group_id=club["id"])
    t.status(r, 200, "a post in the open group")
    t.is_((r.json().get("group") or {}).get("id"), club["id"],
          "... which names the open group")
    r = post(alice, "Agreed", in_reply_to_id=spost["id"])
    t.status(r, 200, "a reply to a group post")
    t.is_((r.json().get("group") or {}).get("id"), secret["id"],
          "... is in the same group")


@h.case
def join_leave_home_feed(t, srv):
    """Joining puts a group's posts in one's home at once; leaving takes
    them out."""
    alice, dave = fresh(srv, "alice", "dave")
    club = make_group(alice, "Book Club")
    cpost = must_post(alice, "Chapter one of #zephyr", group_id=club["id"])
    # dave reads his home first, so his feed is cached, then joins.
    t.ok(cpost["id"] not in ids(dave.get("/api/v1/timelines/home")),
         "before joining, the group's posts are not in his home")
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


@h.case
def private_posts_hidden(t, srv):
    """A private group's posts reach no non-member by any route, and
    every member wherever they belong."""
    alice, bob, carol = fresh(srv, "alice", "bob", "carol")
    club = make_group(alice, "Book Club")
    secret = make_group(alice, "Secret Project", "private")
    add_member(alice, secret, bob)
    # A phrase only this case's private post has, for the search.
    phrase = "launch plan %d" % next(_n)
    spost = must_post(bob, "%s for #Zephyr, cc @%s" % (phrase, carol.name),
                      group_id=secret["id"])
    public = must_post(alice, "Public #zephyr news")
    cpost = must_post(alice, "Chapter one of #zephyr", group_id=club["id"])
    sreply = must_post(alice, "Agreed", in_reply_to_id=spost["id"])
    t.status(carol.post("/api/v1/accounts/%s/follow" % bob.id), 200,
             "carol follows bob")
    carol.post("/api/v1/accounts/%s/follow" % alice.id)
    bpublic = must_post(bob, "Lunch is at noon")
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
    q = phrase.replace(" ", "+")
    r = carol.get("/api/v2/search?q=%s&type=statuses" % q)
    t.status(r, 200, "a non-member searches for the post's words")
    nowhere([s["id"] for s in r.json().get("statuses", [])], "search")
    r = alice.get("/api/v2/search?q=%s&type=statuses" % q)
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


@h.case
def leaving_private_group(t, srv):
    """Leaving takes a private group and others' posts in it out of
    sight; the last member may leave an empty group."""
    alice, bob = fresh(srv, "alice", "bob")
    secret = make_group(alice, "Secret Project", "private")
    add_member(alice, secret, bob)
    t.status(alice.post("/api/v1/groups/%s/admins" % secret["id"],
                        {"account_id": bob.id}), 200,
             "bob is made a second admin")
    spost = must_post(bob, "Launch plan", group_id=secret["id"])
    sreply = must_post(alice, "Agreed", in_reply_to_id=spost["id"])
    t.ok(sreply["id"] in ids(bob.get("/api/v1/timelines/home")),
         "a member has the group's posts in his home")
    r = bob.post("/api/v1/groups/%s/leave" % secret["id"])
    t.status(r, 200, "bob (not the only admin) leaves the private group")
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


@h.case
def csrf_for_cookies(t, srv):
    """A signed-in browser's group creation wants a CSRF token (the
    router's job)."""
    alice, = fresh(srv, "alice")
    c = srv.client()
    t.status(c.login(alice.name), 303, "alice signs in with a browser")
    r = c.post("/api/v1/groups", {"name": "No CSRF %d" % next(_n)})
    t.status(r, 403, "a cookie request without a CSRF token: 403")
    t.is_(ids(alice.get("/api/v1/groups?member=true")), [],
          "no group was made")


if __name__ == "__main__":
    h.main_cases(fixture)
