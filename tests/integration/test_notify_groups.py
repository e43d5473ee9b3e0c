"""The notifications page: grouped lines ("bob, carol and 2 others
favourited your post") with stacked avatars and a one-line excerpt instead
of the post's body, Follow back on follows, opening the page moving the
read marker (the badge clears, the API's marker moves), and kinds switched
off for the web left off the page and the badge (the API unchanged).

Each case can run alone: make check TESTS=tests/integration/test_notify_groups.py
CASE=favourites_group (or `python3 .../test_notify_groups.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)
OTHERS = ("bob", "carol", "dave", "erin", "frank")


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.b = {}
        srv.api = {}
        for name in OTHERS:
            srv.add_user(name, display_name=name.capitalize() + " Test")
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
            tok = srv.token(name)
            srv.api[name] = srv.client(headers={"Authorization": "Bearer "
                                                + tok})
        yield srv


def person(t, srv, base):
    """A signed-in person of the case's own: (name, browser, api)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name, display_name=base.capitalize())
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    api = srv.client(headers={"Authorization": "Bearer " + srv.token(name)})
    api.id = api.me().json()["id"]
    return name, c, api


def lines(html):
    """The page's notification lines, as HTML."""
    return re.findall(r'<li class="notification[^"]*".*?</li>', html, re.S)


def badge(html):
    m = re.search(r'data-unread="(\d+)"', html)
    return int(m.group(1)) if m else None


@h.case
def favourites_group(t, srv):
    """Four favourites of one post are one line, two names and "2
    others", four stacked avatars and the post's excerpt, never its body;
    a favourite of another post is its own line."""
    name, c, api = person(t, srv, "grace")
    long_text = ("Quarterly planning notes: **bold** words\n\nand a second "
                 "paragraph that goes on " + "and on " * 40)
    post = h.post_status(api, long_text)
    other = h.post_status(api, "Another post")
    for who in ("bob", "carol", "dave", "erin"):
        r = srv.api[who].post("/api/v1/statuses/%s/favourite" % post["id"])
        t.status(r, 200, "%s favourites grace's post" % who)
    srv.api["frank"].post("/api/v1/statuses/%s/favourite" % other["id"])
    html = c.get("/notifications").text
    ls = lines(html)
    t.is_(len(ls), 2, "two lines: one per post")
    first = ls[1] if "Another post" in ls[0] else ls[0]
    t.like(first, r'<a href="/@erin">Erin Test</a>, <a href="/@dave">Dave '
           r'Test</a> and 2 others favourited your post',
           "newest two named, the rest counted")
    t.like(first, r'class="notification unread grouped"', "a grouped, "
           "unread line")
    t.is_(len(re.findall(r"<img ", first)), 4, "four stacked avatars")
    t.like(first, r'class="notif-avatars" aria-hidden="true"', "... hidden "
           "from screen readers (the names say it)")
    m = re.search(r'<p class="notif-excerpt">(.*?)</p>', first, re.S)
    t.ok(m is not None, "an excerpt")
    if m:
        ex = m.group(1)
        t.unlike(ex, r"\n", "... on one line")
        t.like(ex, r"^Quarterly planning notes: bold words and a second",
               "... plain text, white space folded")
        t.like(ex, r"…$", "... cut, with an ellipsis")
        t.ok(len(ex.encode()) <= 123, "... short (%d bytes)"
             % len(ex.encode()))
    t.unlike(html, r"<strong>bold</strong>|class=\"content\"",
             "no post body on the page")
    t.like(first, r'<a href="/@%s/%s">View post' % (name, post["id"]),
           "a link to the post")
    t.like(html, r'<a href="/@frank">Frank Test</a> favourited your post',
           "the other post's favourite alone")


@h.case
def follows_group_and_follow_back(t, srv):
    """Follows group into one line; Follow back for each follower not yet
    followed, a CSRF form that comes back to the page."""
    name, c, api = person(t, srv, "hana")
    for who in ("bob", "carol"):
        r = srv.api[who].post("/api/v1/accounts/%s/follow" % api.id)
        t.status(r, 200, "%s follows hana" % who)
    html = c.get("/notifications").text
    ls = lines(html)
    t.is_(len(ls), 1, "one line for both follows")
    t.like(ls[0], r'<a href="/@carol">Carol Test</a> and <a href="/@bob">'
           r'Bob Test</a> followed you', "Carol and Bob followed you")
    forms = re.findall(r'<form method="post" action="/@(\w+)/follow"', ls[0])
    t.is_(sorted(forms), ["bob", "carol"], "Follow back for both")
    t.like(ls[0], r'Follow back <span class="notif-who">Bob Test</span>',
           "... each button names who")
    r = c.post("/@bob/follow", {"back": "notifications"})
    t.status(r, 403, "follow back without a CSRF token is 403")
    tok = h.form_field(html, "csrf")
    r = c.post("/@bob/follow", {"csrf": tok, "back": "notifications"})
    t.status(r, 303, "follow back bob")
    t.is_(r.header("Location"), "/notifications", "... back to the page")
    ls = lines(c.get("/notifications").text)
    forms = re.findall(r'<form method="post" action="/@(\w+)/follow"', ls[0])
    t.is_(forms, ["carol"], "now only carol has Follow back")
    rel = api.get("/api/v1/accounts/relationships?id[]=%s"
                  % srv.api["bob"].me().json()["id"]).json()
    t.ok(rel and rel[0]["following"], "hana follows bob")


@h.case
def web_off_kinds(t, srv):
    """A kind turned off for the web leaves the badge, not the API's
    unread_count, which counts every kind as Mastodon's does."""
    name, c, api = person(t, srv, "jona")
    form = {"csrf": c.csrf("/settings/notifications"), "frequency": "daily"}
    for kind in ("follow", "favourite", "reblog", "added_to_group"):
        form["web." + kind] = "1"
    t.status(c.post("/settings/notifications", form), 303,
             "mentions turned off for the web")
    h.post_status(srv.api["bob"], "hi @%s" % name)
    t.is_(badge(c.get("/").text), 0, "the badge leaves the mention out")
    t.is_(api.get("/api/v1/notifications/unread_count").json()["count"], 1,
          "the API's unread count has it")


@h.case
def opening_reads(t, srv):
    """Opening the page moves the notifications marker (the API's
    /api/v1/markers), clears the badge and the unread count, yet shows
    what was new as new, once; a later one is new again."""
    name, c, api = person(t, srv, "ivan")
    h.post_status(srv.api["bob"], "hi @%s" % name)
    h.post_status(srv.api["carol"], "hello @%s" % name)
    t.is_(badge(c.get("/").text), 2, "two unread in the badge")
    notes = api.get("/api/v1/notifications").json()
    html = c.get("/notifications").text
    t.is_(badge(html), 0, "opening the page clears the badge")
    t.is_(len(re.findall(r'class="notification unread"', html)), 2,
          "... both still look new there")
    t.like(html, r'<span class="notif-new">New<span class="sr-only">:'
           r'</span></span>', "... and say so to screen readers")
    m = api.get("/api/v1/markers?timeline[]=notifications").json()
    t.is_(m.get("notifications", {}).get("last_read_id"), notes[0]["id"],
          "the marker is the newest notification")
    t.is_(api.get("/api/v1/notifications/unread_count").json()["count"], 0,
          "the API's unread count is 0")
    html = c.get("/notifications").text
    t.is_(len(re.findall(r'class="notification unread', html)), 0,
          "the next view: all read")
    h.post_status(srv.api["dave"], "later @%s" % name)
    html = c.get("/notifications").text
    t.is_(len(re.findall(r'class="notification unread', html)), 1,
          "a new one is new")
    t.like(lines(html)[0], r"Dave Test", "... the newest")
    older = c.get("/notifications?max_id=%s" % notes[0]["id"]).text
    t.is_(badge(older), 0, "an older page changes nothing")


@h.case
def web_kinds_off(t, srv):
    """A kind switched off for the web: not on the page, not in the badge;
    the API still lists it (Mastodon semantics)."""
    name, c, api = person(t, srv, "jo")
    form = {"csrf": c.csrf("/settings/notifications"), "frequency": "off"}
    for kind in ("mention", "follow", "reblog", "added_to_group"):
        form["web." + kind] = "1"
    r = c.post("/settings/notifications", form)
    t.status(r, 303, "favourites off for the web")
    r = c.get(r.header("Location"))
    t.like(r.text, r"Your notification settings were saved", "saved, "
           "it says")
    t.unlike(r.text, r'name="web.favourite" value="1"[^>]*checked',
             "favourites are off")
    t.like(r.text, r'name="web.mention" value="1"[^>]*checked',
           "mentions are on")
    t.like(r.text, r'<a href="/settings/notifications" aria-current="page">'
           r'Notifications</a>', "the settings' own tab")
    post = h.post_status(api, "Something to like")
    srv.api["bob"].post("/api/v1/statuses/%s/favourite" % post["id"])
    h.post_status(srv.api["carol"], "hey @%s" % name)
    t.is_(badge(c.get("/").text), 1, "the badge counts only the mention")
    html = c.get("/notifications").text
    t.unlike(html, r"favourited", "no favourite on the page")
    t.like(html, r"mentioned you", "the mention is there")
    types = [n["type"] for n in api.get("/api/v1/notifications").json()]
    t.ok("favourite" in types, "the API still lists the favourite")


if __name__ == "__main__":
    h.main_cases(fixture)
