"""A group's members page: fifty to a page, newest first, with a link to
the rest; a search by username or display name (LIKE's wildcards taken
literally); the member tools for group admins only, which come back to
the page and search they were used on; the group's own page shows only
the first twelve and links here; private groups stay 404 to outsiders."""
import re

import harness as h

PEOPLE = 55


def names(html):
    """The usernames in the page's member list, in order."""
    m = re.search(r'<ul class="member-list">(.*?)</ul>', html, re.S)
    return re.findall(r'<a href="/@(\w+)">', m.group(1)) if m else []


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("zed", display_name="Zed 100% Sure")
        srv.add_user("outsider")
        for i in range(PEOPLE):
            srv.add_user("m%02d" % i, display_name="Member %02d" % i)
        a = srv.client()
        t.status(a.login("alice"), 303, "alice signs in")
        tok = h.form_field(a.get("/groups").text, "csrf")
        r = a.post("/groups", {"name": "Everyone", "csrf": tok,
                               "visibility": "private"})
        t.status(r, 303, "alice creates a private group")
        gid = re.search(r"(\d+)$", r.header("Location")).group(1)
        base = "/groups/%s/members" % gid
        for i in range(PEOPLE):
            r = a.post(base, {"csrf": tok, "username": "m%02d" % i})
            if r.status != 303:
                t.status(r, 303, "adding m%02d" % i)
        r = a.post(base, {"csrf": tok, "username": "zed"})
        t.status(r, 303, "alice added %d people" % (PEOPLE + 1))

        # -- the group's page: the first twelve, and a link
        r = a.get("/groups/" + gid)
        t.is_(len(names(r.text.split('id="posts-title"')[0])), 12,
              "the group's page lists twelve members")
        t.like(r.text, r'<a href="%s">Manage members</a>' % base,
               "... and links to the members page")

        # -- paging, newest first
        r = a.get(base)
        t.status(r, 200, "the members page is 200")
        t.like(r.text, r"<title>Members · Everyone", "its title names the "
               "group")
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

        # -- search
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

        # -- the tools come back to where they were used
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

        # -- members see the page without tools; outsiders see nothing
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
        t.status(a.get("/groups/999999/members"), 404, "an unknown group "
                 "is 404")
        t.status(a.get(base + "?max_id=abc"), 400, "a bad cursor is 400")


h.main(body)
