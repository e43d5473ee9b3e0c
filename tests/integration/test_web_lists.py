"""The list pages: notifications (with their unread count, mark all as
read and clear), search (people, hashtags and posts, only what the
searcher may read) and the company directory with its filters."""
import re
import urllib.parse

import harness as h


def q(text):
    return "/search?q=" + urllib.parse.quote(text)


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob", display_name="Bob Builder")
        srv.add_user("carol")

        # -- signed out: the page sends to the login form
        anon = srv.client()
        for path in (q("alice"), "/notifications", "/directory"):
            r = anon.get(path)
            t.status(r, 303, "signed out, GET %s redirects" % path)
            t.like(r.header("Location") or "", r"^/login\?next=",
                   "... to the login form")
        r = anon.post("/notifications/clear", {})
        t.ok(r.status in (303, 401, 403), "signed out, clear does nothing")

        a = srv.client()
        t.status(a.login("alice"), 303, "alice signs in")
        c = srv.client()
        t.status(c.login("carol"), 303, "carol signs in")

        b = srv.client()
        t.status(b.login("bob"), 303, "bob signs in")

        # -- notifications
        r = a.get("/notifications")
        t.status(r, 200, "the notifications page is 200")
        t.like(r.text, r"No notifications yet", "none yet: an empty state")
        t.like(r.text, r'<a href="/notifications" aria-current="page">'
               r'<svg[^>]*>.*?</svg><span>Notifications</span> <span class="count" data-unread="0" hidden>',
               "Notifications is current, the count hidden")
        btok = h.form_field(b.get("/").text, "csrf")
        r = b.post("/compose", {"status": "hello @alice", "csrf": btok})
        t.status(r, 303, "bob mentions alice")
        ctok = h.form_field(c.get("/").text, "csrf")
        r = c.post("/@alice/follow", {"csrf": ctok})
        t.status(r, 303, "carol follows alice")
        r = a.get("/notifications")
        t.like(r.text, r'<a href="/@bob">Bob Builder</a> mentioned you',
               "a mention, with who")
        t.like(r.text, r'<a href="/@bob/\d+">View post', "... and its post")
        t.like(r.text, r"hello", "... and what it says")
        t.like(r.text, r'<a href="/@carol">carol</a> followed you',
               "a follow")
        t.ok(r.text.index("followed you") < r.text.index("mentioned you"),
             "newest first")
        t.like(r.text, r'<svg[^>]*>.*?</svg><span>Notifications</span> <span class="count" data-unread="2">'
               r'<span class="paren" aria-hidden="true">\(</span><span '
               r'data-unread-n>2<',
               "the nav shows 2 unread")
        t.like(r.text, r"<title>\(2\) Notifications · ", "... and so does "
               "the title, for the browser's tab")
        tok = h.form_field(r.text, "csrf")
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
        t.status(r, 303, "clear all")
        r = a.get("/notifications")
        t.like(r.text, r"No notifications yet", "the list is empty")
        t.unlike(r.text, r"followed you", "... no follow left")

        # -- the form, empty
        r = a.get("/search")
        t.status(r, 200, "the search page is 200")
        t.like(r.text, r'<label for="q">', "the search field is labelled")
        t.like(r.text, r'<input type="search" id="q" name="q"',
               "... and is a search input")
        t.like(r.text, r'<a href="/search" aria-current="page"><svg[^>]*>.*?</svg><span>Search</span></a>',
               "Search is the current page in the nav")

        tok = h.form_field(a.get("/").text, "csrf")
        r = a.post("/compose", {"status": "marmalade for #breakfast",
                                "csrf": tok})
        t.status(r, 303, "alice posts publicly")
        r = a.post("/compose", {"status": "@bob secret marmalade recipe",
                                "visibility": "direct", "csrf": tok})
        t.status(r, 303, "alice posts a direct message to bob")

        # -- results
        r = c.get(q("bob"))
        t.status(r, 200, "a search is 200")
        t.like(r.text, r'<a href="/@bob">Bob Builder</a>',
               "it finds a person")
        r = c.get(q("breakf"))
        t.like(r.text, r'<a href="/tags/breakfast">#breakfast</a>',
               "it finds a hashtag")
        r = c.get(q("marmalade"))
        t.like(r.text, r"marmalade for", "it finds a post")
        t.ok("secret marmalade" not in r.text,
             "never a direct post to someone else")
        t.like(r.text, r"Nobody matches", "no person: an empty state")
        r = a.get(q("marmalade"))
        t.like(r.text, r"secret marmalade", "the author finds her own")
        r = c.get(q("zzyzzx"))
        t.like(r.text, r"No posts match “zzyzzx”", "no post: an empty state")
        t.like(r.text, r"No hashtags match", "no hashtag: an empty state")

        # -- hostile queries are escaped and harmless
        r = c.get(q('"><script>x</script> AND OR * NEAR('))
        t.status(r, 200, "an odd query is still 200")
        t.unlike(r.text, r"<script>x", "the query is escaped")


        # -- the directory
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
        r = a.get("/directory")
        t.status(r, 200, "the directory is 200")
        t.like(r.text, r'<a href="/directory" aria-current="page"><svg[^>]*>.*?</svg><span>People</span></a>',
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
            t.like(r.text, r'<a href="/@\w+">%s</a>' % who,
                   "%s has a card" % who)
        t.like(r.text, r"<p>Developer</p>", "a card shows the job title")
        r = a.get("/directory?department=Sales")
        t.like(r.text, r"Bob Builder", "the Sales filter: bob")
        t.ok('<a href="/@alice">Alice Liddell</a>' not in r.text,
             "... not alice")
        t.like(r.text, r'<option value="Sales" selected>',
               "... and Sales is selected")
        r = a.get("/directory?department=engineering")
        t.like(r.text, r"Alice Liddell", "Engineering, any case: alice")
        t.ok("Bob Builder" not in r.text, "... not bob")
        r = a.get("/directory?q=bob")
        t.like(r.text, r"Bob Builder", "a name search finds bob")
        t.ok('<a href="/@alice">Alice Liddell</a>' not in r.text,
             "... alone")
        r = a.get("/directory?q=nobodyatall")
        t.like(r.text, r"Nobody matches", "no match: an empty state")
        t.status(a.get("/directory?offset=x"), 400, "a bad offset is 400")


h.main(body)
