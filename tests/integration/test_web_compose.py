"""The web composer in words people understand (issue 20): the visibility
menu names who sees a post, with the company's name (instance_title);
cards' badges say who could see a limited post (a lock on private
conversations); direct posts are on /conversations, not in the web's
home (which says how many it left out), while the API's home keeps them;
a group's composer says who the group lets read; the compact composer has
its labelled icon row and a floating button; a kept draft is discarded.

Each case can run alone: make check TESTS=tests/integration/test_web_compose.py
CASE=visibility_words (or `python3 .../test_web_compose.py --list`)."""
import contextlib
import re

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, instance_title="Example Corp") as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob", display_name="Bob Builder")
        srv.b = {}
        for name in ("alice", "bob"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        yield srv


def compose(t, c, text, what, **fields):
    """Post text through c's home composer."""
    form = dict(fields, status=text, csrf=c.csrf("/"))
    t.status(c.post("/compose", form), 303, what)


@h.case
def visibility_words(t, srv):
    """The menu says who sees it, never Mastodon's raw values."""
    r = srv.b["alice"].get("/")
    menu = re.search(r'(?s)<select id="visibility".*?</select>', r.text)
    opts = re.findall(r'<option value="(\w+)"( selected)?>([^<]*)</option>',
                      menu.group(0) if menu else "")
    t.is_([(v, label) for v, _, label in opts], [
        ("public", "Everyone at Example Corp"),
        ("unlisted", "Everyone, but not in the company stream"),
        ("private", "My followers"),
        ("direct", "Only people I mention")], "plain labels, the company "
        "named from instance_title")
    t.is_([v for v, sel, _ in opts if sel], ["public"], "everyone by "
          "default")
    t.like(r.text, r'<label for="visibility" title="Who can see it">'
           r'<span class="icon [^"]*" aria-hidden="true"></span><span class="sr-only">Who can see it</span>'
           r'</label>', "the menu is a labelled icon")
    t.like(r.text, r'(?s)class="compose-tools" role="group" aria-label='
           r'"Post options">.*data-attach.*id="visibility".*tool-cw.*'
           r'<summary[^>]*>.*<span>Content warning</span></summary>', "one row: attach, "
           "who, content warning")
    t.like(r.text, r'placeholder="Start a post…"', "one line: Start a post")
    t.like(r.text, r'class="compose-fab" data-compose-fab>.*?<span class='
           r'"sr-only">Start a post</span></a>', "a floating button")
    r = srv.b["alice"].get("/?visibility=direct")
    t.like(r.text, r'<option value="direct" selected>Only people I mention',
           "a link can open the composer on a choice")
    t.like(r.text, r'class="card composer open"', "... opened")


@h.case
def badges(t, srv):
    """Limited posts say who could see them; public ones say nothing."""
    a = srv.b["alice"]
    compose(t, a, "for all", "public", visibility="public")
    compose(t, a, "quiet one", "unlisted", visibility="unlisted")
    compose(t, a, "followers one", "private", visibility="private")
    r = a.get("/@alice")
    cards = dict(re.findall(r'(?s)<p>([a-z ]+)</p>.*?<footer class='
                            r'"post-actions"[^>]*>\s*(.*?)\s*<a href=', r.text))
    t.unlike(cards.get("for all", "?"), r"badge", "a public post: no badge")
    t.like(cards.get("quiet one", ""), r'<span class="badge vis vis-unlisted"'
           r'[^>]*>Not in the company stream</span>', "unlisted, in words")
    t.like(cards.get("followers one", ""), r'<span class="badge vis '
           r'vis-private"[^>]*>Followers only</span>', "private, in words")
    t.unlike(r.text, r'class="badge[^"]*">(public|unlisted|private|direct)<',
             "no raw value on any card")


@h.case
def conversations(t, srv):
    """Direct posts: not in the web's home, on /conversations with a lock;
    the API's home keeps them."""
    a, b = srv.b["alice"], srv.b["bob"]
    compose(t, b, "@alice just between us", "bob writes to alice only",
            visibility="direct")
    compose(t, b, "@alice for everyone", "and a public mention",
            visibility="public")
    r = a.get("/")
    t.unlike(r.text, r"just between us", "home leaves the direct post out")
    t.like(r.text, r"for everyone", "... not the public one")
    t.like(r.text, r'(?s)class="muted small direct-left">.*?Left out here: '
           r'1 private message, in <a href="/conversations">Private '
           r'conversations</a>', "... and says where it is")
    t.like(r.text, r'<a href="/conversations"><span class="icon [^"]*" aria-hidden="true"></span><span>'
           r'Private conversations</span></a>', "the account menu links it")
    r = a.get("/conversations")
    t.status(r, 200, "/conversations")
    t.like(r.text, r'<a href="/conversations" aria-current="page">',
           "... is the current page")
    t.like(r.text, r"just between us", "... holds the direct post")
    t.unlike(r.text, r"for everyone", "... and only direct posts")
    t.like(r.text, r'<span class="badge vis vis-direct"[^>]*><svg[^>]*>'
           r'<path d="M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4"/></svg> '
           r'Private conversation</span>', "... with a lock")
    t.like(b.get("/conversations").text, r"just between us",
           "the author sees it there too")
    srv.add_user("carol")
    c = srv.client()
    c.login("carol")
    t.unlike(c.get("/conversations").text, r"just between us",
             "nobody else does")
    api = srv.client(headers={"Authorization": "Bearer " +
                              srv.token("alice")})
    home = api.get("/api/v1/timelines/home").json()
    t.ok(any(s["visibility"] == "direct" for s in home),
         "the API's home keeps direct posts, as Mastodon's does")


@h.case
def group_composer(t, srv):
    """A group's composer says who reads its posts, never 'public'; the
    posts come before the member list."""
    a = srv.b["alice"]
    tok = a.csrf("/groups")
    for name, vis in (("Secret club", "private"), ("Open club", "open")):
        r = a.post("/groups", {"csrf": tok, "name": name,
                               "description": "", "visibility": vis})
        t.status(r, 303, "alice creates %s" % name)
        path = r.header("Location")
        r = a.get(path)
        want = ("Only members of Secret club" if vis == "private" else
                r"Everyone at Example Corp \(an open group\)")
        t.like(r.text, r'class="tool tool-audience" title="Who can see it">'
               r'<span class="icon [^"]*" aria-hidden="true"></span><span class="sr-only">Who can see it: '
               r'</span><span>%s</span>' % want, "%s: who reads it" % name)
        t.unlike(r.text, r'id="visibility"', "... no visibility menu")
        t.like(r.text, r'(?s)id="posts-title".*id="members-title"',
               "... the posts before the members")
    r = a.get("/")
    t.like(r.text, r'<select id="group_id" name="group_id" data-group '
           r'aria-describedby="group-help">', "home's group menu")
    t.like(r.text, r'id="group-help">In a group, the group decides who '
           r'sees the post', "... says the group decides")


@h.case
def compose_errors_stay_open(t, srv):
    """A refused post comes back in the open composer, as typed."""
    a = srv.b["alice"]
    r = a.post("/compose", {"status": " ", "visibility": "private",
                            "csrf": a.csrf("/")})
    t.status(r, 422, "an empty post is refused")
    t.like(r.text, r'class="card composer open"', "the composer is open")
    t.like(r.text, r'<option value="private" selected>My followers',
           "... with the choice kept")


if __name__ == "__main__":
    h.main_cases(fixture)
