"""The signed-in web pages: home with its composer, the company stream, a
post and its thread, a profile with follow, a hashtag; their CSRF checks,
who may read what, hostile Markdown and the favourite form's "next".

Each case can run alone: make check TESTS=tests/integration/test_web_pages.py
CASE=thread_reply (or `python3 .../test_web_pages.py --list`)."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob", display_name="Bob Builder")
        srv.add_user("carol")
        srv.b = {}
        for name in ("alice", "bob", "carol"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        yield srv


def fresh(t, srv, base, display=None):
    """A signed-in person of the case's own (so cases share no counts):
    (username, browser)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name, display_name=display)
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, c


def compose(t, c, name, text, what, **fields):
    """Post text through name's composer; the new post's path (the
    newest of name's on their home)."""
    form = dict(fields, status=text, csrf=c.csrf("/"))
    t.status(c.post("/compose", form), 303, what)
    m = re.search(r'href="(/@%s/\d+)"' % name, c.get("/").text)
    return m.group(1) if m else "/@%s/0" % name


@h.case
def signed_out_redirects(t, srv):
    """Signed out, every page sends to the login form; compose posts
    nothing."""
    anon = srv.client()
    for path in ("/", "/public", "/@alice", "/@alice/1", "/tags/x"):
        r = anon.get(path)
        t.status(r, 303, "signed out, GET %s redirects" % path)
        t.like(r.header("Location") or "", r"^/login\?next=",
               "... to the login form")
    r = anon.post("/compose", {"status": "hi"})
    t.ok(r.status in (303, 401, 403),
         "signed out, POST /compose posts nothing")


@h.case
def home_layout(t, srv):
    """Home: the labelled composer, the navigation and the account menu."""
    r = srv.b["alice"].get("/")
    t.status(r, 200, "home is 200")
    t.like(r.text, r'<label for="status">Start a post</label>',
           "the composer's textarea is labelled")
    t.like(r.text, r'<nav aria-label="Main"', "the main navigation")
    t.like(r.text, r'<a href="/" aria-current="page"><span class="icon [^"]*" aria-hidden="true"></span>'
           r'<span>Home</span></a>', "Home is the current page")
    t.like(r.text, r'(?s)<details class="nav-menu">\s*<summary>.*?'
           r'<span class="nav-wide-label">Alice Liddell</span><span '
           r'class="nav-phone-label">More</span>.*?<a href="/settings"',
           "an account menu, called by her name (\"More\" on a phone), "
           "holds Settings")
    t.unlike(r.text, r'<summary class="current', "... unmarked on Home")


@h.case
def compose_renders(t, srv):
    """The composer wants its CSRF token, posts and renders Markdown,
    hashtags, mentions and the time."""
    a = srv.b["alice"]
    tok = a.csrf("/")
    r = a.post("/compose", {"status": "**bold** and #tag and @bob"})
    t.status(r, 403, "the composer without a CSRF token is 403")
    r = a.post("/compose", {"status": "**bold** and #tag and @bob",
                            "csrf": tok})
    t.status(r, 303, "the composer posts and redirects")
    t.is_(r.header("Location"), "/", "... back to the stream")
    r = a.get("/")
    t.like(r.text, r"<strong>bold</strong>", "the post is rendered")
    t.like(r.text, r'href="[^"]*/tags/tag"', "the hashtag is a link")
    t.like(r.text, r'href="[^"]*/@bob"', "the mention is a link")
    t.like(r.text, r'<time datetime="\d{4}-\d\d-\d\dT[\d:]+Z"',
           "the time is a <time datetime>")
    t.ok(re.search(r'href="(/@alice/(\d+))"', r.text) is not None,
         "the post links to its page")


@h.case
def compose_preview(t, srv):
    """A preview renders the draft as posting would and posts nothing."""
    a = srv.b["alice"]
    tok = a.csrf("/")
    r = a.post("/compose", {"status": "a *preview* <b>raw</b>",
                            "spoiler_text": "cw kept", "csrf": tok,
                            "visibility": "private", "preview": "1"})
    t.status(r, 200, "a preview is 200, not a redirect")
    t.like(r.text, r'<section id="preview"[^>]*>\s*<h3[^>]*>Preview</h3>'
           r'\s*<div class="content"><p>a <em>preview</em> &lt;b&gt;raw',
           "... the Markdown rendered, raw HTML as text")
    t.like(r.text, r'>a \*preview\* &lt;b&gt;raw&lt;/b&gt;</textarea>',
           "... the draft stays in the composer")
    t.like(r.text, r'value="cw kept"', "... with its content warning")
    t.like(r.text, r'<option value="private" selected>',
           "... and its visibility")
    t.unlike(a.get("/@alice").text, r"<em>preview</em>",
             "... and nothing was posted")
    r = a.post("/compose", {"status": "", "csrf": tok, "preview": "1"})
    t.status(r, 422, "an empty preview says what is wrong")


@h.case
def compose_refusals(t, srv):
    """An empty or too long post is 422, keeping what was typed."""
    a = srv.b["alice"]
    tok = a.csrf("/")
    r = a.post("/compose", {"status": "", "csrf": tok,
                            "spoiler_text": "kept"})
    t.status(r, 422, "an empty post is refused with 422")
    t.like(r.text, r'class="alert"', "... and a message")
    t.like(r.text, r'value="kept"', "... keeping what was typed")
    long_text = "x" * 5001
    r = a.post("/compose", {"status": long_text, "csrf": tok})
    t.status(r, 422, "a too long post is refused")
    t.ok(long_text in r.text, "... and the text is still there")


@h.case
def company_and_hashtag(t, srv):
    """A public post shows on the company stream and its hashtag's."""
    path = compose(t, srv.b["alice"], "alice",
                   "**bold** and #tag and @bob", "alice posts")
    b = srv.b["bob"]
    r = b.get("/public")
    t.status(r, 200, "the company stream is 200")
    t.like(r.text, r"<strong>bold</strong>", "it shows the public post")
    t.like(r.text, r'aria-current="page"><span class="icon [^"]*" aria-hidden="true"></span>'
           r'<span>Company', "Company is current")
    r = b.get("/tags/tag")
    t.status(r, 200, "a hashtag's stream is 200")
    t.ok(path in r.text, "it shows the tagged post")


@h.case
def thread_reply(t, srv):
    """A post's page: replying (with CSRF), the count, the reply's page
    with its thread, and 404s for wrong or missing posts and people."""
    a, b = srv.b["alice"], srv.b["bob"]
    path = compose(t, a, "alice", "**bold** and a thread", "alice posts")
    pid = path.rsplit("/", 1)[1]
    r = b.get(path)
    t.status(r, 200, "the post page is 200")
    t.like(r.text, r"<h1>Post by Alice Liddell</h1>", "its heading")
    btok = h.form_field(r.text, "csrf")
    r = b.post(path, {"status": "a reply from bob"})
    t.status(r, 403, "a reply without a CSRF token is 403")
    r = b.post(path, {"status": "a reply from bob", "csrf": btok})
    t.status(r, 303, "bob replies")
    t.is_(r.header("Location"), path, "... and goes back to the thread")
    r = b.get(path)
    t.like(r.text, r"a reply from bob", "the reply is in the thread")
    t.like(r.text, r"1 reply<", "the reply count")
    m = re.search(r'href="(/@bob/\d+)"', r.text)
    rpath = m.group(1) if m else "/@bob/0"
    r = a.get(rpath)
    t.status(r, 200, "the reply has its own page")
    t.like(r.text, r'aria-label="Earlier in the thread"[\s\S]*'
           r'<strong>bold</strong>[\s\S]*aria-label="The post"',
           "... with the post it answers above it")
    t.status(b.get("/@bob/" + pid), 404,
             "the post under another author's name is 404")
    t.status(b.get("/@alice/999999"), 404, "a missing post is 404")
    t.status(b.get("/@nobody"), 404, "a missing person is 404")


@h.case
def favourite_next(t, srv):
    """Favourite wants its CSRF token, counts, and its "next" never leaves
    the site."""
    path = compose(t, srv.b["alice"], "alice", "favourite me",
                   "alice posts")
    b = srv.b["bob"]
    btok = b.csrf("/")
    fav = path + "/favourite"
    r = b.post(fav, {"next": "/public"})
    t.status(r, 403, "favourite without a CSRF token is 403")
    r = b.post(fav, {"next": "/public", "csrf": btok})
    t.status(r, 303, "favourite with the token")
    t.is_(r.header("Location"), "/public", "... goes back to next")
    r = b.get(path)
    # The favourite is the 👍 of the action row (issue 20).
    t.like(r.text, r'class="fav on act" aria-pressed="true" title="[^"]*">'
           r'<span class="sr-only">Like</span> <span class="count">1</span>',
           "the count went up and the button is pressed")
    for bad in ("https://evil.example/", "//evil.example/",
                "/\\evil.example", "/\t/evil.example", "javascript:x"):
        r = b.post(path + "/unfavourite", {"next": bad, "csrf": btok})
        t.is_(r.header("Location"), "/",
              "next=%r does not leave the site" % bad)


@h.case
def profile_follow(t, srv):
    """A profile: heading, posts, Follow and Unfollow (with CSRF) and the
    follower count; none on one's own."""
    # Her own person, so the follower count is this case's alone.
    name, a = fresh(t, srv, "alice", "Alice Liddell")
    compose(t, a, name, "**bold** on my profile", "she posts")
    prof = "/@" + name
    b = srv.b["bob"]
    btok = b.csrf("/")
    r = b.get(prof)
    t.status(r, 200, "her profile is 200")
    t.like(r.text, r"<h1 id=\"profile-title\">Alice Liddell</h1>",
           "her name is the heading")
    t.like(r.text, r"<strong>bold</strong>", "her posts are listed")
    t.ok('action="%s/follow"' % prof in r.text, "a Follow button")
    r = b.post(prof + "/follow", {})
    t.status(r, 403, "follow without a CSRF token is 403")
    r = b.post(prof + "/follow", {"csrf": btok})
    t.status(r, 303, "bob follows her")
    t.is_(r.header("Location"), prof, "... back to the profile")
    r = b.get(prof)
    t.ok('action="%s/unfollow"' % prof in r.text, "now an Unfollow button")
    t.like(r.text, r"<strong>1</strong> follower</a></li>", "... and 1 "
           "follower, in the singular")
    t.status(b.post(prof + "/unfollow", {"csrf": btok}), 303,
             "bob unfollows her")
    r = b.get(prof)
    t.ok('action="%s/follow"' % prof in r.text, "Follow again")
    t.like(r.text, r"<strong>0</strong> followers</a></li>", "... and 0 "
           "followers")
    r = a.get(prof)
    t.like(r.text, r'aria-current="page"', "her own profile is current")
    t.ok('%s/follow"' % prof not in r.text,
         "no Follow on her own profile")


@h.case
def older_pages(t, srv):
    """A full page of a stream links to older posts with max_id."""
    a = srv.b["alice"]
    for i in range(2):
        compose(t, a, "alice", "older page post %d" % i,
                "alice posts (%d)" % i)
    b = srv.b["bob"]
    r = b.get("/public?limit=1")
    m = re.search(r'<a href="(/public\?max_id=(\d+))">Older posts</a>',
                  r.text)
    t.ok(m is not None, "a full page has an Older link with max_id")
    if m:
        r2 = b.get(m.group(1).replace("&amp;", "&"))
        t.status(r2, 200, "the older page is 200")
        t.ok(re.findall(r'id="post-(\d+)"', r2.text) !=
             re.findall(r'id="post-(\d+)"', r.text),
             "... and shows other posts")


@h.case
def composer_groups(t, srv):
    """The composer offers the person's groups, and a group post has a
    badge."""
    a = srv.b["alice"]
    api = srv.client(headers={"Authorization": "Bearer " +
                              srv.token("alice")})
    club = "Garden club %d" % next(_n)
    r = api.post("/api/v1/groups", {"name": club})
    t.status(r, 200, "alice makes a group (API)")
    gid = str(r.json().get("id")) if r.status == 200 else "0"
    r = a.get("/")
    t.like(r.text, r'<option value="%s">%s</option>' % (gid, club),
           "her composer lists the group")
    t.ok('<option value="%s"' % gid not in srv.b["carol"].get("/").text,
         "carol's, not a member, does not (the welcome checklist may "
         "suggest it)")
    r = a.post("/compose", {"status": "for the club", "group_id": gid,
                            "csrf": a.csrf("/")})
    t.status(r, 303, "alice posts to the group")
    t.like(a.get("/").text, r'class="badge">Group: %s<' % club,
           "the post has a group badge")


@h.case
def private_post_hidden(t, srv):
    """A followers-only post is 404 for someone who may not read it."""
    a, c = srv.b["alice"], srv.b["carol"]
    ppath = compose(t, a, "alice", "just for followers",
                    "alice posts to followers only", visibility="private")
    t.status(a.get(ppath), 200, "the author reads her private post")
    t.status(c.get(ppath), 404, "carol, not a follower, gets 404")
    t.ok("just for followers" not in c.get("/@alice").text,
         "... and does not see it on the profile")


@h.case
def hostile_markdown_inert(t, srv):
    """Hostile Markdown and HTML are inert on every page showing them."""
    a = srv.b["alice"]
    hostile = ('<script>alert(1)</script> <img src=x onerror=alert(2)> '
               '[x](javascript:alert(3)) <a href="javascript:alert(4)">'
               'y</a> <iframe src="//evil"></iframe> '
               '"><svg onload=alert(5)>')
    r = a.post("/compose", {"status": hostile, "csrf": a.csrf("/"),
                            "spoiler_text": "<b onmouseover=x>cw</b>"})
    t.status(r, 303, "a hostile post is accepted (as text)")
    for page in ("/", "/public", "/@alice"):
        text = a.get(page).text
        t.unlike(text, r'<script(?! src="/static/(?:hearth|suggest|'
                 r'words-\w+)\.[0-9a-f]+\.js" defer></script>)',
                 "%s: no script but hearth's own" % page)
        t.unlike(text, r"(?i)<(img|svg|iframe)[^>]*\son\w+=",
                 "%s: no event handler attributes" % page)
        t.unlike(text, r"(?i)href=\"javascript:",
                 "%s: no javascript: links" % page)
        t.unlike(text, r"(?i)<iframe", "%s: no iframe" % page)
        t.unlike(text, r"<b onmouseover", "%s: the warning is "
                 "escaped" % page)


if __name__ == "__main__":
    h.main_cases(fixture)
