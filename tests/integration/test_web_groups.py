"""The group pages: the list with join and leave, creating a group (and
its errors, which keep what was typed), a group's page with its members,
stream and composer, a private group that is 404 to outsiders, the group
admin's tools on the members page (refused to members and outsiders), what
the domain refuses (the last admin leaving) shown in words, and CSRF on
every form. test_web_group_members.py pages and searches members.

Each case can run alone: make check TESTS=tests/integration/test_web_groups.py
CASE=join_and_leave (or `python3 .../test_web_groups.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


def group_id(location):
    m = re.search(r"^/groups/(\d+)$", location or "")
    return m.group(1) if m else None


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob", display_name="Bob Builder")
        srv.add_user("carol", display_name="Carol Singer")
        srv.add_user("dave")
        srv.b = {}
        for name in ("alice", "bob", "carol", "dave"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        yield srv


def fresh(t, srv, base):
    """A signed-in person of the case's own, in no group: (username,
    browser)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, c


def make_group(t, c, base, **fields):
    """A group of the case's own, made on the web by c: (name, id)."""
    name = "%s %d" % (base, next(_n))
    form = dict(fields, name=name, csrf=c.csrf("/groups"))
    r = c.post("/groups", form)
    t.status(r, 303, "%s is created" % name)
    return name, group_id(r.header("Location")) or "0"


def join(t, c, gid, who):
    r = c.post("/groups/%s/join" % gid, {"csrf": c.csrf("/groups")})
    t.status(r, 303, "%s joins" % who)


@h.case
def signed_out_redirects(t, srv):
    """Signed out, the group pages send to the login form."""
    anon = srv.client()
    for path in ("/groups", "/groups/1"):
        r = anon.get(path)
        t.status(r, 303, "signed out, GET %s redirects" % path)
        t.like(r.header("Location") or "", r"^/login\?next=",
               "... to the login form")


@h.case
def list_empty(t, srv):
    """With no group at all, the list has helpful empty states and the
    labelled create form."""
    # A server of its own: "no other open groups" needs none anywhere.
    with h.Server(t) as own:
        own.add_user("alice", display_name="Alice Liddell")
        a = own.client()
        t.status(a.login("alice"), 303, "alice signs in")
        r = a.get("/groups")
        t.status(r, 200, "the groups page is 200")
        t.like(r.text, r'<a href="/groups" aria-current="page"><span class="icon [^"]*" '
               r'aria-hidden="true"></span><span>Groups</span></a>',
               "Groups is the current page in the nav")
        t.like(r.text, r"You are not in any group yet",
               "no group of hers: a helpful empty state")
        t.like(r.text, r"no other open groups", "no other group either")
        t.like(r.text, r'<label for="group-name">Name</label>',
               "the create form's name is labelled")
        t.like(r.text, r'<legend>Who can join</legend>',
               "open or private is a labelled choice")


@h.case
def create_errors(t, srv):
    """Creating a group: CSRF, errors by field keeping what was typed, and
    the domain's refusal of a taken name."""
    a = srv.b["alice"]
    tok = a.csrf("/groups")
    name = "Book Club %d" % next(_n)
    r = a.post("/groups", {"name": name, "description": "x"})
    t.status(r, 403, "create without a CSRF token is 403")
    r = a.post("/groups", {"name": "   ", "description": "We *read*",
                           "visibility": "private", "csrf": tok})
    t.status(r, 422, "a blank name is refused")
    t.like(r.text, r'<p class="field-error" id="group-name-error">'
           r'Give the group a name', "... the error names the field")
    t.like(r.text, r'id="group-name"[^>]*aria-invalid="true" '
           r'aria-describedby="group-name-error"',
           "... and is tied to it")
    t.like(r.text, r">We \*read\*</textarea>",
           "... the description typed is kept")
    t.like(r.text, r'value="private" checked',
           "... and so is the visibility")
    r = a.post("/groups", {"name": name, "csrf": tok,
                           "description": "x" * 2001})
    t.status(r, 422, "a too long description is refused")
    t.like(r.text, r'id="group-description-error">The description is '
           r"too long", "... on the description field")
    t.like(r.text, r'value="%s"' % re.escape(name), "... the name is kept")
    r = a.post("/groups", {"name": name, "csrf": tok,
                           "visibility": "secret"})
    t.status(r, 422, "an unknown visibility is refused")
    t.like(r.text, r'id="group-visibility-error">Choose open or '
           r"private", "... on the visibility choice")
    r = a.post("/groups", {"name": name, "csrf": tok,
                           "description": "We **read** together.",
                           "visibility": "open"})
    t.status(r, 303, "alice creates an open group")
    t.ok(group_id(r.header("Location")) is not None,
         "... and goes to its page")
    r = a.post("/groups", {"name": name, "csrf": tok,
                           "description": "again"})
    t.status(r, 409, "a second group with the same name is refused")
    t.like(r.text, r'id="group-name-error">A group named (&#39;|\')%s'
           r"(&#39;|') already exists" % re.escape(name),
           "... the domain's reason, on the name")
    t.like(r.text, r">again</textarea>", "... the description is kept")
    r = a.post("/groups", {"name": "Secret Plans %d" % next(_n),
                           "csrf": tok, "visibility": "private"})
    t.status(r, 303, "alice creates a private group")


@h.case
def group_page_for_admin(t, srv):
    """A group's page for its admin: name, description, members with the
    admin badge, the member tools, Leave, the empty stream."""
    a = srv.b["alice"]
    name, club = make_group(t, a, "Book Club",
                            description="We **read** together.",
                            visibility="open")
    r = a.get("/groups/" + club)
    t.status(r, 200, "the group page is 200")
    t.like(r.text, r'<h1 id="group-title">%s</h1>' % re.escape(name),
           "its name")
    t.like(r.text, r"<strong>read</strong>", "its description, rendered")
    t.like(r.text, r"Open</span> 1 member", "open, one member")
    t.like(r.text, r'<a href="/@alice">Alice Liddell</a>\s*'
           r'<span class="badge">group admin</span>',
           "the creator is listed as group admin")
    t.like(r.text, r'<img class="avatar" src="[^"]+" alt=""',
           "members have avatars")
    t.like(r.text, r'<a href="/groups/%s/members">Manage members</a>'
           % club, "an admin has a link to the member tools")
    r = a.get("/groups/%s/members" % club)
    t.like(r.text, r'<label for="add-username">Name or username of the person',
           "... where the add-member form is")
    r = a.get("/groups/" + club)
    t.like(r.text, r"Leave group", "a member sees Leave")
    t.like(r.text, r"No posts in this group yet", "an empty stream")
    t.like(r.text, r'<a href="/groups" aria-current="page">',
           "Groups stays current in the nav")


@h.case
def list_for_outsider(t, srv):
    """Someone in no group sees the open groups, with Join, and no private
    one."""
    a = srv.b["alice"]
    name, club = make_group(t, a, "Book Club", visibility="open")
    make_group(t, a, "Secret Plans", visibility="private")
    _, b = fresh(t, srv, "bob")
    r = b.get("/groups")
    t.like(r.text, r"You are not in any group yet", "bob is in none")
    t.like(r.text, r'<a href="/groups/%s">%s</a>' % (club, re.escape(name)),
           "bob sees the open group")
    t.unlike(r.text, r"Secret Plans", "... not the private one")
    t.like(r.text, r'action="/groups/%s/join"' % club,
           "... with a Join button")


@h.case
def private_group_hidden(t, srv):
    """A private group is 404 to outsiders, everywhere."""
    _, secret = make_group(t, srv.b["alice"], "Secret Plans",
                           visibility="private")
    b = srv.b["bob"]
    btok = b.csrf("/groups")
    r = b.get("/groups/" + secret)
    t.status(r, 404, "the private group's page is 404 to bob")
    t.unlike(r.text, r"Secret Plans", "... and names nothing")
    r = b.post("/groups/%s/join" % secret, {"csrf": btok})
    t.status(r, 404, "joining it is 404 too")
    r = b.post("/groups/%s/post" % secret, {"csrf": btok,
                                            "status": "sneaky"})
    t.ok(r.status in (403, 404), "posting in it is refused")
    r = b.post("/groups/%s/members" % secret, {"csrf": btok,
                                               "username": "bob"})
    t.status(r, 404, "adding oneself to it is 404")
    t.status(b.get("/groups/999999"), 404, "an unknown group is 404")


@h.case
def join_and_leave(t, srv):
    """Join (with CSRF) from the list and back; a plain member's view;
    leave and join again."""
    name, club = make_group(t, srv.b["alice"], "Book Club",
                            visibility="open")
    # His own person, so the club is his only group.
    _, b = fresh(t, srv, "bob")
    btok = b.csrf("/groups")
    r = b.post("/groups/%s/join" % club, {})
    t.status(r, 403, "join without a CSRF token is 403")
    r = b.post("/groups/%s/join" % club, {"csrf": btok, "next": "/groups"})
    t.status(r, 303, "bob joins from the list")
    t.is_(r.header("Location"), "/groups", "... and goes back to it")
    r = b.get("/groups")
    t.like(r.text, r'Your groups</h2>\s*<ul class="group-cards">\s*'
           r'<li class="group-card" id="group-\d+">\s*'
           r'<div class="group-card-text">\s*'
           r'<h3><a href="/groups/%s">%s' % (club, re.escape(name)),
           "the club is among his groups now")
    t.like(r.text, r"2 members", "... with two members")
    t.like(r.text, r'action="/groups/%s/leave"' % club, "... and Leave")
    r = b.get("/groups/" + club)
    t.unlike(r.text, r"Manage members", "a plain member has no admin "
             "tools")
    r = b.get("/groups/%s/members" % club)
    t.status(r, 200, "... but can see the members page")
    t.unlike(r.text, r"add-username", "... without the add-member form")
    t.unlike(r.text, r"/promote", "... or promote buttons")
    r = b.get("/groups/" + club)
    t.like(r.text, r'<label for="status">Your post to %s</label>'
           % re.escape(name), "a member has a composer")
    r = b.post("/groups/%s/leave" % club, {"csrf": btok})
    t.status(r, 303, "bob leaves")
    t.is_(r.header("Location"), "/groups/" + club, "... back to its page")
    r = b.get("/groups/" + club)
    t.like(r.text, r"Join group", "he can join again")
    t.unlike(r.text, r'for="status"', "no composer for non-members")
    t.status(b.post("/groups/%s/join" % club, {"csrf": btok}), 303,
             "bob joins again")


@h.case
def only_admin_cannot_leave(t, srv):
    """The group's only admin cannot leave it; the page says why."""
    a = srv.b["alice"]
    name, club = make_group(t, a, "Book Club", visibility="open")
    join(t, srv.b["bob"], club, "bob")
    r = a.post("/groups/%s/leave" % club, {"csrf": a.csrf("/groups")})
    t.status(r, 409, "the only admin cannot leave")
    t.like(r.text, r'<p class="alert" role="alert" id="group-error">'
           r"You are the group(&#39;|')s only admin",
           "... the group page says why")
    t.like(r.text, re.escape(name), "... on the group's page")


@h.case
def admin_tools_refused(t, srv):
    """Members and outsiders may not add, remove or promote; nothing
    changes."""
    a, b, c = srv.b["alice"], srv.b["bob"], srv.b["carol"]
    _, club = make_group(t, a, "Book Club", visibility="open")
    _, secret = make_group(t, a, "Secret Plans", visibility="private")
    join(t, b, club, "bob")
    btok, ctok = b.csrf("/groups"), c.csrf("/groups")
    r = b.post("/groups/%s/members" % club, {"csrf": btok,
                                             "username": "carol"})
    t.status(r, 403, "a member cannot add people")
    t.like(r.text, r"Only a group admin", "... and is told why")
    r = c.post("/groups/%s/members" % club, {"csrf": ctok,
                                             "username": "carol"})
    t.status(r, 403, "a non-member cannot add people")
    r = b.post("/groups/%s/members/alice/remove" % club, {"csrf": btok})
    t.status(r, 403, "a member cannot remove people")
    r = b.post("/groups/%s/members/bob/promote" % club, {"csrf": btok})
    t.status(r, 403, "a member cannot make himself admin")
    r = c.post("/groups/%s/members/bob/remove" % secret, {"csrf": ctok})
    t.status(r, 404, "an outsider of a private group gets 404")
    r = a.get("/groups/" + club)
    t.like(r.text, r"2 members", "nothing changed")


@h.case
def admin_manages_members(t, srv):
    """The group admin adds (errors kept on the members page), promotes,
    is stepped down to, and removes; the last admin stays."""
    a, c = srv.b["alice"], srv.b["carol"]
    name, secret = make_group(t, a, "Secret Plans", visibility="private")
    tok, ctok = a.csrf("/groups"), c.csrf("/groups")
    r = a.post("/groups/%s/members" % secret, {"username": "carol"})
    t.status(r, 403, "add without a CSRF token is 403")
    r = a.post("/groups/%s/members" % secret, {"csrf": tok,
                                               "username": "nobody"})
    t.status(r, 422, "adding an unknown username is refused")
    t.like(r.text, r'id="add-username-error">Nobody here is called '
           r"“nobody”", "... on the name field")
    t.like(r.text, r'id="add-username"[^>]*value="nobody"',
           "... which keeps what was typed")
    t.like(r.text, r"<h1>Members of %s</h1>" % re.escape(name),
           "... on the members page")
    r = a.post("/groups/%s/members" % secret, {"csrf": tok,
                                               "username": "@carol"})
    t.status(r, 303, "alice adds carol to the private group")
    t.is_(r.header("Location"), "/groups/%s/members" % secret,
          "... and is back on the members page")
    r = c.get("/groups/" + secret)
    t.status(r, 200, "carol can now open it")
    t.like(r.text, r'<a href="/@carol">Carol Singer</a>',
           "... and is listed")
    r = c.get("/groups")
    t.like(r.text, re.escape(name), "... and sees it in her list")
    r = a.post("/groups/%s/members/carol/promote" % secret, {})
    t.status(r, 403, "promote without a CSRF token is 403")
    r = a.post("/groups/%s/members/carol/promote" % secret, {"csrf": tok})
    t.status(r, 303, "alice makes carol a group admin")
    r = a.get("/groups/" + secret)
    t.like(r.text, r'<a href="/@carol">Carol Singer</a>\s*'
           r'<span class="badge">group admin</span>',
           "carol has the group admin badge")
    r = c.post("/groups/%s/members/carol/demote" % secret, {"csrf": ctok})
    t.status(r, 303, "carol steps down (alice is still admin)")
    r = a.post("/groups/%s/members/alice/demote" % secret, {"csrf": tok})
    t.status(r, 409, "the last admin cannot step down")
    t.like(r.text, r"at least one admin", "... and is told why")
    t.like(r.text, r"<h1>Members of %s</h1>" % re.escape(name),
           "... on the members page")
    r = a.post("/groups/%s/members/carol/remove" % secret, {"csrf": tok})
    t.status(r, 303, "alice removes carol")
    t.status(c.get("/groups/" + secret), 404,
             "carol can no longer see the private group")
    r = a.post("/groups/%s/members/nobody/remove" % secret, {"csrf": tok})
    t.status(r, 404, "removing an unknown person is 404")


@h.case
def group_posting(t, srv):
    """Posting into a group from its page or the home composer: CSRF,
    errors kept, the badge, the address decides the group, members
    only."""
    a, b, d = srv.b["alice"], srv.b["bob"], srv.b["dave"]
    name, club = make_group(t, a, "Book Club", visibility="open")
    _, secret = make_group(t, a, "Secret Plans", visibility="private")
    join(t, b, club, "bob")
    tok = a.csrf("/groups/" + club)
    r = a.post("/groups/%s/post" % club, {"status": "hi"})
    t.status(r, 403, "posting without a CSRF token is 403")
    r = a.post("/groups/%s/post" % club, {"csrf": tok, "status": "  ",
                                          "spoiler_text": "kept cw"})
    t.status(r, 422, "a blank post is refused")
    t.like(r.text, r'id="status-error">Validation failed: Text',
           "... the error is on the text field")
    t.like(r.text, r'value="kept cw"', "... the warning is kept")
    r = a.post("/groups/%s/post" % club, {
        "csrf": tok, "status": "Chapter **one** is great"})
    t.status(r, 303, "alice posts in the club")
    t.is_(r.header("Location"), "/groups/" + club, "... back to the group")
    r = b.get("/groups/" + club)
    t.like(r.text, r"Chapter <strong>one</strong> is great",
           "bob sees the post on the group page")
    t.like(r.text, r'<a href="/groups/%s" class="badge">Group: %s'
           % (club, re.escape(name)),
           "... with its group badge linking back")
    r = a.post("/compose", {"csrf": tok, "status": "via home",
                            "group_id": club, "next": "/groups/" + club})
    t.status(r, 303, "the home composer can post into a group too")
    r = a.post("/groups/%s/post" % club, {
        "csrf": tok, "status": "smuggled", "group_id": secret})
    t.status(r, 303, "a group_id in the form does not redirect the post")
    t.like(b.get("/groups/" + club).text, r"smuggled",
           "... it lands in the group of the address")
    t.unlike(a.get("/groups/" + secret).text, r"smuggled",
             "... not in the one of the form")
    t.like(b.get("/groups/" + club).text, r"via home",
           "... and it shows on the group page")
    ttok = d.csrf("/groups")
    r = d.post("/groups/%s/post" % club, {"csrf": ttok,
                                          "status": "not a member"})
    t.status(r, 403, "a non-member cannot post in the group")
    t.unlike(a.get("/groups/" + club).text, r"not a member",
             "... nothing was posted")


@h.case
def leave_private_group(t, srv):
    """The last member leaving a private group goes back to the list,
    with a notice; an unknown notice says nothing."""
    a = srv.b["alice"]
    _, secret = make_group(t, a, "Secret Plans", visibility="private")
    r = a.post("/groups/%s/leave" % secret, {"csrf": a.csrf("/groups")})
    t.status(r, 303, "the last member leaves the private group")
    t.is_(r.header("Location"), "/groups?notice=left",
          "... to the list")
    r = a.get("/groups?notice=left")
    t.like(r.text, r'<p class="notice" role="status">You left the '
           r"group.</p>", "which says so")
    r = a.get("/groups?notice=%3Cscript%3E")
    t.unlike(r.text, r'class="notice"', "an unknown notice says nothing")


if __name__ == "__main__":
    h.main_cases(fixture)
