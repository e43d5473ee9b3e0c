"""A group's members page: fifty to a page, newest first, with a link to
the rest; a search by username or display name (LIKE's wildcards taken
literally); the member tools for group admins only, which come back to
the page and search they were used on; the group's own page shows only
the first twelve and links here; private groups stay 404 to outsiders.

Each case can run alone: make check
TESTS=tests/integration/test_web_group_members.py CASE=search (or
`python3 .../test_web_group_members.py --list`)."""
import contextlib
import itertools
import re

import harness as h

PEOPLE = 55
_n = itertools.count(1)


def names(html):
    """The usernames in the page's member list, in order."""
    m = re.search(r'<ul class="member-list">(.*?)</ul>', html, re.S)
    return re.findall(r'<a href="/@(\w+)">', m.group(1)) if m else []


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("zed", display_name="Zed 100% Sure")
        srv.add_user("outsider")
        for i in range(PEOPLE):
            srv.add_user("m%02d" % i, display_name="Member %02d" % i)
        srv.a = srv.client()
        t.status(srv.a.login("alice"), 303, "alice signs in")
        yield srv


def everyone(t, srv, without=()):
    """A private group of the case's own, made by alice, with m00..m54
    (but those in without) and then zed: (name, id, members page)."""
    a = srv.a
    tok = a.csrf("/groups")
    name = "Everyone %d" % next(_n)
    r = a.post("/groups", {"name": name, "csrf": tok,
                           "visibility": "private"})
    t.status(r, 303, "alice creates a private group")
    gid = re.search(r"(\d+)$", r.header("Location")).group(1)
    base = "/groups/%s/members" % gid
    added = 1
    for i in range(PEOPLE):
        if "m%02d" % i in without:
            continue
        r = a.post(base, {"csrf": tok, "username": "m%02d" % i})
        if r.status != 303:
            t.status(r, 303, "adding m%02d" % i)
        added += 1
    r = a.post(base, {"csrf": tok, "username": "zed"})
    t.status(r, 303, "alice added %d people" % added)
    return name, gid, base


@h.case
def group_page_twelve(t, srv):
    """The group's own page lists the first twelve members and links to
    the members page."""
    _, gid, base = everyone(t, srv)
    r = srv.a.get("/groups/" + gid)
    # The members come after the group's posts (the posts first).
    t.is_(len(names(r.text.split('id="members-title"')[1])), 12,
          "the group's page lists twelve members")
    t.like(r.text, r'<a href="%s">Manage members</a>' % base,
           "... and links to the members page")


@h.case
def paging_newest_first(t, srv):
    """Fifty members to a page, newest first, with links on and back."""
    a = srv.a
    name, _, base = everyone(t, srv)
    r = a.get(base)
    t.status(r, 200, "the members page is 200")
    t.like(r.text, r"<title>Members · %s" % re.escape(name),
           "its title names the group")
    t.like(r.text, r"57 members", "... and the count")
    first = names(r.text)
    t.is_(len(first), 50, "fifty members on the first page")
    t.is_(first[:2], ["zed", "m54"], "newest first")
    m = re.search(r'<a href="(%s\?max_id=\d+)">More members</a>' % base,
                  r.text)
    t.ok(m is not None, "a link to more members")
    r = a.get(m.group(1).replace("&amp;", "&"))
    rest = names(r.text)
    t.is_(len(rest), 7, "the second page has the other seven")
    t.is_(rest[-1], "alice", "... the oldest member (the creator) last")
    t.is_(len(set(first) | set(rest)), 57, "no one twice, no one missed")
    t.unlike(r.text, r"More members", "no link past the end")
    t.like(r.text, r'<a href="%s">First page</a>' % base,
           "... but one back to the first page")


@h.case
def search(t, srv):
    """A search by display name or username, any case, with LIKE's
    wildcards taken literally, escaped in the page."""
    a = srv.a
    _, _, base = everyone(t, srv)
    r = a.get(base + "?q=member+0")
    t.is_(sorted(names(r.text)), ["m%02d" % i for i in range(10)],
          "a search finds display names containing the words")
    t.like(r.text, r"Members matching “member 0”", "... and says what "
           "it looked for")
    t.like(r.text, r'id="q" name="q" type="search" value="member 0"',
           "... keeping it in the box")
    t.unlike(r.text, r'aria-label="Pages of members"', "one page: no "
             "page links")
    r = a.get(base + "?q=M5")
    t.is_(sorted(names(r.text)), ["m50", "m51", "m52", "m53", "m54"],
          "usernames match too, in any case")
    r = a.get(base + "?q=100%25")
    t.is_(names(r.text), ["zed"], "a % is taken literally")
    r = a.get(base + "?q=_")
    t.is_(names(r.text), [], "so is an _")
    t.like(r.text, r"No member(&#39;|’)s name contains “_”",
           "... and an empty result says so")
    r = a.get(base + "?q=%3Cscript%3E")
    t.unlike(r.text, r"<script>", "the search is escaped in the page")


@h.case
def tools_come_back(t, srv):
    """The member tools come back to the page and search they were used
    on, never to a foreign next."""
    a = srv.a
    _, _, base = everyone(t, srv)
    tok = a.csrf("/groups")
    r = a.get(base + "?q=m5")
    t.like(r.text, r'name="next" value="%s\?q=m5"' % base,
           "the tools' forms carry the page they are on")
    r = a.post(base + "/m51/promote", {"csrf": tok,
                                       "next": base + "?q=m5"})
    t.status(r, 303, "alice makes m51 a group admin")
    t.is_(r.header("Location"), base + "?q=m5", "... and is back on "
          "her search")
    r = a.get(base + "?q=m51")
    t.like(r.text, r'Member 51</a> <span class="muted small">@m51</span>'
           r'\s*<span class="badge">group admin</span>',
           "m51 has the badge")
    r = a.post(base + "/m50/remove", {"csrf": tok,
                                      "next": "//evil.example/"})
    t.status(r, 303, "alice removes m50")
    t.is_(r.header("Location"), base, "... and a foreign next is "
          "ignored")
    t.is_(names(a.get(base + "?q=m50").text), [], "m50 is gone")


@h.case
def members_and_outsiders(t, srv):
    """Members see the page without tools; outsiders and the signed out
    see nothing; unknown groups and bad cursors are refused."""
    # 56 members: the group as it is once m50 was removed.
    _, gid, base = everyone(t, srv, without=("m50",))
    b = srv.client()
    t.status(b.login("m10"), 303, "m10 signs in")
    r = b.get(base)
    t.status(r, 200, "a member may see the members page")
    t.is_(len(names(r.text)), 50, "... all of it")
    t.unlike(r.text, r"/promote|/remove|add-username", "... without "
             "the tools")
    r = b.get("/groups/" + gid)
    t.like(r.text, r'<a href="%s">See all 56 members</a>' % base,
           "a member's group page links to all members")
    o = srv.client()
    t.status(o.login("outsider"), 303, "an outsider signs in")
    r = o.get(base)
    t.status(r, 404, "a private group's members are 404 to outsiders")
    t.unlike(r.text, r"Everyone|Member \d\d", "... and nothing is named")
    t.status(srv.client().get(base), 303, "signed out: to the login")
    t.status(srv.a.get("/groups/999999/members"), 404, "an unknown group "
             "is 404")
    t.status(srv.a.get(base + "?max_id=abc"), 400, "a bad cursor is 400")


if __name__ == "__main__":
    h.main_cases(fixture)
