"""Threads and people pages: replies to replies nest (three levels, then
"Replying to @x"), the reply count a post shows is what this viewer is
listed; followers and following pages behind a profile's counts, paged,
with follow buttons; a profile's Edit profile, Mention (prefilling the
composer) and, on one's own empty profile, the invitation to post; the
directory's follow buttons.

Each case can run alone: make check
TESTS=tests/integration/test_threads_people.py CASE=nested_thread."""
import contextlib
import re

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.api = srv.people("alice", "bob", "carol", "dave")
        srv.b = {}
        for name in ("alice", "bob", "carol", "dave"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        yield srv


def depths(text):
    """[(depth, replying-to or None, post id)] of the replies listed."""
    out = []
    for m in re.finditer(r'<li class="reply depth-(\d)" data-depth="\d">'
                         r'(?:<p class="muted small replying-to">Replying '
                         r'to <a href="/@\w+">@(\w+)</a></p>)?'
                         r'<article class="post" id="post-(\d+)"', text):
        out.append((int(m.group(1)), m.group(2), m.group(3)))
    return out


@h.case
def nested_thread(t, srv):
    """Four levels deep: indented to three, the fourth says whom it
    answers; a direct reply only its author sees is neither listed to
    others nor counted for them."""
    api = srv.api
    top = h.post_status(api["alice"], "Top of the thread")
    r1 = h.post_status(api["bob"], "First answer",
                       in_reply_to_id=top["id"])
    r2 = h.post_status(api["carol"], "Answer to bob",
                       in_reply_to_id=r1["id"])
    r3 = h.post_status(api["dave"], "Answer to carol",
                       in_reply_to_id=r2["id"])
    r4 = h.post_status(api["alice"], "Answer to dave",
                       in_reply_to_id=r3["id"])
    secret = h.post_status(api["carol"], "Only for me",
                           in_reply_to_id=top["id"], visibility="direct")
    hidden = h.post_status(api["carol"], "Only for me too",
                           in_reply_to_id=r1["id"], visibility="direct")
    path = "/@alice/%s" % top["id"]
    r = srv.b["bob"].get(path)
    t.status(r, 200, "the post's page is 200")
    got = depths(r.text)
    t.is_([(d, w, i) for d, w, i in got],
          [(1, None, r1["id"]), (2, None, r2["id"]), (3, None, r3["id"]),
           (3, "dave", r4["id"])],
          "nested by depth, the fourth level flat and replying to @dave")
    t.like(r.text, r'<h2 id="replies-title">4 replies</h2>',
           "the heading counts what is listed")
    t.like(r.text, r'class="replies act" data-replies>4 <span class="act-word">replies<', "... so does the post")
    t.unlike(r.text, r"Only for me", "the direct replies are not listed")
    t.like(r.text, r'(?s)id="post-%s"(?:(?!</article>).)*class="replies act" data-replies>3 '
           r'<span class="act-word">replies<' % r1["id"], "bob's reply counts the 3 listed under it")
    t.like(r.text, r'(?s)id="post-%s"(?:(?!</article>).)*class="replies act" data-replies>1 '
           r'<span class="act-word">reply<' % r3["id"], "dave's counts 1")
    r = srv.b["carol"].get(path)
    t.is_(len(depths(r.text)), 6, "their author is listed six")
    t.like(r.text, r'<h2 id="replies-title">6 replies</h2>',
           "... and counted six")
    t.like(r.text, r'(?s)id="post-%s"(?:(?!</article>).)*class="replies act" data-replies>4 '
           r'<span class="act-word">replies<' % r1["id"], "... bob's reply counts 4 for her")
    t.like(r.text, r'id="post-%s"' % hidden["id"], "... hers among them")
    t.like(r.text, r'id="post-%s"' % secret["id"], "... both")
    r = srv.b["bob"].get("/@carol/%s" % r2["id"])
    t.is_([d for d, _, _ in depths(r.text)], [1, 2],
          "read from the middle, depth counts from that post")


@h.case
def follow_pages(t, srv):
    """The counts link to the lists; each person on them has a follow
    button that comes back; 41 followers make two pages."""
    bob = srv.b["bob"]
    r = bob.post("/@alice/follow", {"csrf": bob.csrf("/")})
    t.status(r, 303, "bob follows alice")
    r = bob.get("/@alice")
    t.like(r.text, r'<a href="/@alice/followers"><strong>1</strong> '
           r"follower</a>", "the followers count is a link")
    t.like(r.text, r'<a href="/@alice/following"><strong>0</strong> '
           r"following</a>", "so is the following count")
    r = srv.b["carol"].get("/@alice/followers")
    t.status(r, 200, "the followers page is 200")
    t.like(r.text, r'<a href="/@bob" class="name">', "bob is listed")
    t.like(r.text, r'action="/@bob/follow"', "... with a Follow button")
    t.like(r.text, r'name="next" value="/@alice/followers"',
           "... that comes back here")
    r = srv.b["carol"].get("/@bob/following")
    t.status(r, 200, "the following page is 200")
    t.like(r.text, r'<a href="/@alice" class="name">', "alice is listed")
    r = srv.b["carol"].get("/@alice/following")
    t.like(r.text, r"follows nobody yet", "an empty list says so")
    t.status(srv.b["carol"].get("/@nobody/followers"), 404,
             "nobody's followers: 404")
    for i in range(41):
        name = "fan%d" % i
        srv.add_user(name)
        c = srv.client(headers={"Authorization": "Bearer " +
                                srv.token(name)})
        r = c.post("/api/v1/accounts/%s/follow" % srv.api["dave"].id, {})
        if r.status != 200:
            t.ok(False, "%s follows dave: %s" % (name, r.summary()))
    r = srv.b["alice"].get("/@dave/followers")
    first = re.findall(r'<a href="/@(fan\d+)" class="name">', r.text)
    t.is_(len(first), 40, "a page holds 40")
    m = re.search(r'<a href="(/@dave/followers\?max_id=\d+)">More</a>',
                  r.text)
    t.ok(m is not None, "... and links to more")
    r = srv.b["alice"].get(m.group(1) if m else "/")
    rest = re.findall(r'<a href="/@(fan\d+)" class="name">', r.text)
    t.is_(len(rest), 1, "the second page has the last one")
    t.ok(not set(rest) & set(first), "... not seen on the first")


@h.case
def profile_buttons(t, srv):
    """Edit profile on one's own, Mention on others' (prefilling the
    composer), and the invitation to post on one's own empty profile."""
    srv.add_user("quiet")
    q = srv.client()
    t.status(q.login("quiet"), 303, "quiet, who never posted, signs in")
    r = q.get("/@quiet")
    t.like(r.text, r'id="post-invite"', "no posts: invited to post")
    t.like(r.text, r'href="/#status">Write your first post', "... to home")
    r = srv.b["dave"].get("/@dave")
    t.like(r.text, r'<a class="button edit-profile" '
           r'href="/settings/profile">Edit profile</a>',
           "Edit profile on one's own")
    t.unlike(r.text, r"Mention", "no Mention on one's own")
    r = srv.b["dave"].get("/@carol")
    t.unlike(r.text, r"Edit profile", "no Edit profile on others'")
    t.unlike(r.text, r'id="post-invite"', "no invitation on others'")
    m = re.search(r'<a class="button mention" href="([^"]+)">Mention', r.text)
    t.ok(m is not None, "Mention on others'")
    href = (m.group(1) if m else "/").replace("&amp;", "&")
    r = srv.b["dave"].get(href.split("#")[0])
    t.like(r.text, r'<textarea id="status"[^>]*>@carol </textarea>',
           "the composer starts with @carol")


@h.case
def directory_follow(t, srv):
    """The directory's cards have follow buttons, none on one's own."""
    c = srv.b["carol"]
    r = c.get("/directory")
    t.like(r.text, r'<ul class="people-cards">', "the directory grid")
    t.like(r.text, r'action="/@dave/follow"', "a Follow button for dave")
    t.unlike(r.text, r'action="/@carol/follow"', "none for herself")
    m = re.search(r'action="/@dave/follow".*?name="next" value="([^"]+)"',
                  r.text, re.S)
    nxt = m.group(1).replace("&amp;", "&") if m else "/"
    r = c.post("/@dave/follow", {"csrf": c.csrf("/"), "next": nxt})
    t.status(r, 303, "carol follows dave from the directory")
    t.like(r.header("Location") or "", r"^/directory", "... and stays")
    t.like(c.get("/directory").text, r'action="/@dave/unfollow"',
           "now an Unfollow button")


if __name__ == "__main__":
    h.main_cases(fixture)
