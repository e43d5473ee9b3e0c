"""The list pages: notifications (with their unread count, mark all as
read and clear), search (people, hashtags and posts, only what the
searcher may read) and the company directory with its filters.

Each case can run alone: make check TESTS=tests/integration/test_web_lists.py
CASE=notifications_read_clear (or `python3 .../test_web_lists.py --list`)."""
import contextlib
import itertools
import urllib.parse

import harness as h

_n = itertools.count(1)


def q(text):
    return "/search?q=" + urllib.parse.quote(text)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob", display_name="Bob Builder")
        srv.add_user("carol")
        srv.b = {}
        for name in ("alice", "carol", "bob"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        yield srv


def fresh(t, srv, base):
    """A signed-in person of the case's own (so cases share no
    notifications): (username, browser)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, c


def notify_twice(t, srv, name):
    """Bob mentions name, then carol follows name: two notifications."""
    b, c = srv.b["bob"], srv.b["carol"]
    r = b.post("/compose", {"status": "hello @%s" % name,
                            "csrf": b.csrf("/")})
    t.status(r, 303, "bob mentions %s" % name)
    r = c.post("/@%s/follow" % name, {"csrf": c.csrf("/")})
    t.status(r, 303, "carol follows %s" % name)


def set_departments(t, srv):
    """Give alice, bob and carol departments (and two a job title)."""
    for name, dept, job in (("alice", "Engineering", "Developer"),
                            ("bob", "Sales", "Account manager"),
                            ("carol", "engineering", None)):
        api = srv.client(headers={"Authorization": "Bearer " +
                                  srv.token(name)})
        fields = {"department": dept}
        if job:
            fields["job_title"] = job
        r = api.request("PATCH", "/api/v1/accounts/update_credentials",
                        json_body=fields)
        t.status(r, 200, "%s sets a department" % name)


@h.case
def signed_out_redirects(t, srv):
    """Signed out, the list pages send to the login form; clear does
    nothing."""
    anon = srv.client()
    for path in (q("alice"), "/notifications", "/directory"):
        r = anon.get(path)
        t.status(r, 303, "signed out, GET %s redirects" % path)
        t.like(r.header("Location") or "", r"^/login\?next=",
               "... to the login form")
    r = anon.post("/notifications/clear", {})
    t.ok(r.status in (303, 401, 403), "signed out, clear does nothing")


@h.case
def notifications_list(t, srv):
    """Notifications: the empty state, then a mention and a follow, newest
    first, counted in the nav and the title until the page is opened;
    opening it reads them (the count clears) yet marks them new there."""
    name, a = fresh(t, srv, "reader")
    r = a.get("/notifications")
    t.status(r, 200, "the notifications page is 200")
    t.like(r.text, r"No notifications yet", "none yet: an empty state")
    t.like(r.text, r'<a href="/notifications" aria-current="page">'
           r'<span class="icon [^"]*" aria-hidden="true"></span><span>Notifications</span> '
           r'<span class="count" data-unread="0" hidden>',
           "Notifications is current, the count hidden")
    notify_twice(t, srv, name)
    r = a.get("/")
    t.like(r.text, r'<span class="icon [^"]*" aria-hidden="true"></span><span>Notifications</span> '
           r'<span class="count" data-unread="2">'
           r'<span class="paren" aria-hidden="true">\(</span><span '
           r'data-unread-n>2<',
           "the nav shows 2 unread")
    t.like(r.text, r"<title>\(2\) Home · ", "... and so does "
           "the title, for the browser's tab")
    r = a.get("/notifications")
    t.like(r.text, r'<a href="/@bob">Bob Builder</a> mentioned you',
           "a mention, with who")
    t.like(r.text, r'<a href="/@bob/\d+">View post', "... and its post")
    t.like(r.text, r"hello", "... and what it says")
    t.like(r.text, r'<a href="/@carol">carol</a> followed you',
           "a follow")
    t.ok(r.text.index("followed you") < r.text.index("mentioned you"),
         "newest first")
    t.is_(r.text.count('<li class="notification unread"'), 2,
          "both are marked new on the page that read them")
    t.like(r.text, r'data-unread="0" hidden>', "opening the page clears "
           "the nav count")
    t.like(r.text, r"<title>Notifications · ", "... and the title's")
    r = a.get("/notifications")
    t.is_(r.text.count('<li class="notification unread"'), 0,
          "the next view shows them read")


@h.case
def notifications_read_clear(t, srv):
    """Mark all as read and clear all want their CSRF token; read zeroes
    the count, clear empties the list."""
    name, a = fresh(t, srv, "reader")
    notify_twice(t, srv, name)
    tok = h.form_field(a.get("/").text, "csrf")
    r = a.post("/notifications/read", {})
    t.status(r, 403, "mark all as read without a CSRF token is 403")
    r = a.post("/notifications/clear", {})
    t.status(r, 403, "clear all without a CSRF token is 403")
    t.like(a.get("/").text, r'data-unread="2">', "... nothing changed")
    r = a.post("/notifications/read", {"csrf": tok})
    t.status(r, 303, "mark all as read")
    t.is_(r.header("Location"), "/notifications", "... back to the list")
    r = a.get("/notifications")
    t.like(r.text, r'data-unread="0" hidden>', "the nav count is 0, hidden")
    t.like(r.text, r"<title>Notifications · ", "... and gone from the "
           "title")
    t.like(r.text, r"followed you", "the notifications are still there")
    r = a.post("/notifications/clear", {"csrf": tok})
    t.status(r, 200, "clear all asks first")
    t.like(r.text, r"Clear all notifications\? They are deleted for good",
           "... what it will do")
    t.like(r.text, r'name="confirm" value="yes"', "... with the form that does")
    t.like(a.get("/notifications").text, r"followed you",
           "... and nothing is cleared yet")
    r = a.post("/notifications/clear", {"csrf": tok, "confirm": "yes"})
    t.status(r, 303, "clear all, confirmed")
    r = a.get("/notifications")
    t.like(r.text, r"No notifications yet", "the list is empty")
    t.unlike(r.text, r"followed you", "... no follow left")


@h.case
def search_form(t, srv):
    """The search page: a labelled search field, current in the nav; an
    odd query is escaped and harmless."""
    a = srv.b["alice"]
    r = a.get("/search")
    t.status(r, 200, "the search page is 200")
    t.like(r.text, r'<label for="q">', "the search field is labelled")
    t.like(r.text, r'<input type="search" id="q" name="q"',
           "... and is a search input")
    t.like(r.text, r'<a href="/search" aria-current="page"><span class="icon [^"]*" '
           r'aria-hidden="true"></span><span>Search</span></a>',
           "Search is the current page in the nav")
    r = srv.b["carol"].get(q('"><script>x</script> AND OR * NEAR('))
    t.status(r, 200, "an odd query is still 200")
    t.unlike(r.text, r"<script>x", "the query is escaped")


@h.case
def search_results(t, srv):
    """Search finds people, hashtags and posts, never another's direct
    post, with empty states for what it does not find."""
    a, c = srv.b["alice"], srv.b["carol"]
    tok = a.csrf("/")
    r = a.post("/compose", {"status": "marmalade for #breakfast",
                            "csrf": tok})
    t.status(r, 303, "alice posts publicly")
    r = a.post("/compose", {"status": "@bob secret marmalade recipe",
                            "visibility": "direct", "csrf": tok})
    t.status(r, 303, "alice posts a direct message to bob")
    r = c.get(q("bob"))
    t.status(r, 200, "a search is 200")
    t.like(r.text, r'<a href="/@bob"><mark>Bob</mark> Builder</a>',
           "it finds a person, the match marked")
    r = c.get(q("breakf"))
    t.like(r.text, r'<a href="/tags/breakfast">#<mark>breakf</mark>ast</a>',
           "it finds a hashtag by its start, the match marked")
    r = c.get(q("marmalade"))
    t.like(r.text, r"<mark>marmalade</mark> for",
           "it finds a post, the word marked")
    t.ok("recipe" not in r.text,
         "never a direct post to someone else")
    t.ok('id="people-h"' not in r.text, "no person: no People section")
    r = a.get(q("marmalade"))
    t.like(r.text, r"secret <mark>marmalade</mark>",
           "the author finds her own")
    r = c.get(q("zzyzzx"))
    t.like(r.text, r"Nothing matches “zzyzzx”", "nothing: one empty state")
    t.ok('id="posts-h"' not in r.text and 'id="tags-h"' not in r.text,
         "... and no empty sections")


@h.case
def directory_page(t, srv):
    """The directory: current in the nav (and the phone menu), a labelled
    department filter, a card for each person with the job title."""
    set_departments(t, srv)
    r = srv.b["alice"].get("/directory")
    t.status(r, 200, "the directory is 200")
    t.like(r.text, r'<a href="/directory" aria-current="page"><span class="icon [^"]*" '
           r'aria-hidden="true"></span><span>People</span></a>',
           "People is the current page in the nav")
    t.like(r.text, r'<summary class="current-phone">.*?<span '
           r'class="sr-only nav-phone-label"> \(the current page is '
           r'here\)', "... and on a phone, where People is in the menu, "
           "the menu says it holds the current page")
    t.like(r.text, r'<label for="department">Department</label>',
           "the department filter is labelled")
    t.like(r.text, r'<option value="Sales">Sales</option>',
           "a department in use is an option")
    for who in ("Alice Liddell", "Bob Builder", "carol"):
        t.like(r.text, r'<a href="/@\w+" class="name">%s</a>' % who,
               "%s has a card" % who)
    t.like(r.text, r"<p>Developer</p>", "a card shows the job title")


@h.case
def directory_filters(t, srv):
    """The directory's department filter (any case) and name search; a bad
    offset is 400."""
    set_departments(t, srv)
    a = srv.b["alice"]
    r = a.get("/directory?department=Sales")
    t.like(r.text, r"Bob Builder", "the Sales filter: bob")
    t.ok('<a href="/@alice" class="name">Alice Liddell</a>' not in r.text,
         "... not alice")
    t.like(r.text, r'<option value="Sales" selected>',
           "... and Sales is selected")
    r = a.get("/directory?department=engineering")
    t.like(r.text, r"Alice Liddell", "Engineering, any case: alice")
    t.ok("Bob Builder" not in r.text, "... not bob")
    r = a.get("/directory?q=bob")
    t.like(r.text, r"Bob Builder", "a name search finds bob")
    t.ok('<a href="/@alice" class="name">Alice Liddell</a>' not in r.text,
         "... alone")
    r = a.get("/directory?q=nobodyatall")
    t.like(r.text, r"Nobody matches", "no match: an empty state")
    t.status(a.get("/directory?offset=x"), 400, "a bad offset is 400")


if __name__ == "__main__":
    h.main_cases(fixture)
