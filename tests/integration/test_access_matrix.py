"""
The access matrix: for each kind of post (public, unlisted, private,
direct, in an open group, in a private group, and an outside post the
bridge brought in: a reply from a server outside to a shared post) and
each kind of reader (author, follower, mentioned, group member, other
employee, admin, anonymous), every endpoint that can reveal a post shows
it exactly when it should. One rule (SQL_POST_VISIBLE in core/hearth.h)
decides; this test checks every door it guards. The outside account that
wrote the outside post is a subject too: every employee sees it, none can
be it.

Readers come both ways a company makes them: the follower, the member
and the other employee are made just in time by their first sign-in
through the company's single sign-on (an authenticating proxy's header,
docs/authentication.md), the rest by hearthctl; the rule is the same for
both.

The fixture makes the people, groups and posts once; each case checks one
door (a row family of the matrix) for every reader and can run alone:
make check TESTS=tests/integration/test_access_matrix.py CASE=favourite
(or `python3 .../test_access_matrix.py --list`).
"""
import contextlib
import struct
import urllib.parse
import uuid
import zlib

import harness as h
import bridge as b

# The author's own kinds of post, then the outside post (by someone on a
# server outside, replying to the author's shared post).
AUTHORED = ["public", "unlisted", "private", "direct", "open_group",
            "private_group"]
KINDS = AUTHORED + ["outside"]
READERS = ["author", "follower", "mentioned", "member", "other", "admin"]
# Made by a first sign-in through single sign-on (the proxy's header).
SSO = {"follower", "member", "other"}
PROXY = {"auth.proxy_header": "X-Remote-User",
         "auth.proxy_addresses": "127.0.0.1 ::1"}

# Who may read each kind of post.
READABLE = {
    "public": set(READERS),
    "unlisted": set(READERS),
    "private": {"author", "follower", "mentioned"},
    "direct": {"author", "mentioned"},
    "open_group": set(READERS),
    "private_group": {"author", "member"},
    # Everyone inside reads it, as everyone reads the post it answers;
    # it is in no company stream and no group.
    "outside": set(READERS),
}


def can(reader, kind):
    return reader in READABLE[kind]


def expect(reader, kinds):
    return {k for k in kinds if can(reader, k)}


def ids(resp):
    if resp.status != 200:
        return None
    return [s["id"] for s in resp.json()]


class Matrix:
    """The readers, the author's two groups and the author's posts of
    every kind, made once for all cases (which only read them, but for
    favourites, which no other case looks at, and the counts case, which
    posts and deletes its own)."""

    def __init__(self, t, srv):
        self.srv = srv
        self.c = srv.client()
        for name in READERS:
            if name in SSO:
                self.browser(t, name)
            elif name != "author":
                srv.add_user(name, admin=(name == "admin"))
        self.tok = {name: srv.token(name) for name in READERS}
        self.me = {name: self.api("GET",
                                  "/api/v1/accounts/verify_credentials",
                                  name).json()["id"] for name in READERS}
        self.kinds_posted = []      # the kind of each post the author made
        t.status(self.api("POST", "/api/v1/accounts/%s/follow"
                          % self.me["author"], "follower"), 200,
                 "follower follows author")

        r = self.api("POST", "/api/v1/groups", "author",
                     {"name": "Open matrix", "visibility": "open"})
        t.status(r, 200, "author creates an open group")
        self.open_g = r.json()["id"]
        r = self.api("POST", "/api/v1/groups", "author",
                     {"name": "Private matrix", "visibility": "private"})
        t.status(r, 200, "author creates a private group")
        self.priv_g = r.json()["id"]
        t.status(self.api("POST", "/api/v1/groups/%s/join" % self.open_g,
                          "member"), 200, "member joins the open group")
        t.status(self.api("POST", "/api/v1/groups/%s/members" % self.priv_g,
                          "author", {"account_id": self.me["member"]}), 200,
                 "author adds member to the private group")

        self.ids_of = {kind: self.post(t, kind) for kind in AUTHORED}
        self.kind_of = {v: k for k, v in self.ids_of.items()}

        # A public root with replies of every kind outside groups, and
        # replies inside each group, for the context endpoint.
        self.root, self.replies = self.thread(t)
        self.group_reply = {
            k: self.post(t, k, {"in_reply_to_id": self.ids_of[k]},
                         text="matrix group reply")
            for k in ("open_group", "private_group")}

        # A tag used only in one kind of post, for the tag lookups.
        for kind in AUTHORED:
            self.post(t, kind, text="#only%s @mentioned"
                      % kind.replace("_", ""))

        # Someone outside answers the author's shared post.
        self.outside = b.Outside(t, srv)
        voice = self.outside.actor("voice", name="A Voice")
        self.shared = self.post(t, "public", {"share_outside": "1"},
                                text="shared for the matrix")
        note = self.outside.note(voice, "<p>matrixword kindoutside</p>",
                                 reply_to="%s/users/author/statuses/%s" % (
                                     srv.pub, self.shared))
        st, text = self.outside.send(self.outside.activity(voice, "Create",
                                                           note))
        t.is_(st, 202, "someone outside replies to the shared post")
        rows = h.poll(lambda: srv.rows("SELECT id, author_id FROM posts "
                                       "WHERE outside_uri = ?", note["id"]),
                      10)
        t.ok(rows, "... and the reply is kept")
        self.ids_of["outside"] = str(rows[0][0]) if rows else "0"
        self.voice = str(rows[0][1]) if rows else "0"
        self.kind_of[self.ids_of["outside"]] = "outside"

    def browser(self, t, name):
        """A signed-in browser of name's: through single sign-on (the
        first time, their account is made then) or with a password."""
        if name not in SSO:
            c = self.srv.client()
            t.status(c.login(name), 303, "%s signs in" % name)
            return c
        c = self.srv.client(headers={"X-Remote-User":
                                     "%s@example.com" % name})
        r = c.get("/auth/proxy?next=/")
        t.status(r, 303, "%s signs in through single sign-on" % name)
        t.is_(c.me().json().get("username"), name, "... as %s" % name)
        return c

    def api(self, method, path, who, form=None):
        hdrs = {"Authorization": "Bearer " + self.tok[who]} if who else {}
        return self.c.request(method, path, form=form, headers=hdrs,
                              cookies=False)

    def post(self, t, kind, extra=None, text=None):
        """The author posts a post of that kind; its id."""
        form = {"status": text or ("matrixword kind%s #matrixtag "
                                   "@mentioned" % kind.replace("_", ""))}
        if kind in ("public", "unlisted", "private", "direct"):
            form["visibility"] = kind
        elif kind == "open_group":
            form["group_id"] = self.open_g
        else:
            form["group_id"] = self.priv_g
        form.update(extra or {})
        r = self.api("POST", "/api/v1/statuses", "author", form)
        t.status(r, 200, "author posts a %s post" % kind)
        self.kinds_posted.append(kind)
        return r.json()["id"]

    def thread(self, t):
        """A public root with one reply of each kind outside groups."""
        root = self.post(t, "public", text="matrix root")
        replies = {k: self.post(t, k, {"in_reply_to_id": root},
                                text="matrix reply @mentioned")
                   for k in ("public", "unlisted", "private", "direct")}
        return root, replies

    def kinds_in(self, id_list):
        return {self.kind_of[i] for i in id_list if i in self.kind_of}


@contextlib.contextmanager
def fixture(t):
    with b.Bridge(t, approval="none", threads=2, **PROXY) as srv:
        srv.add_user("author")
        srv.opt_in("author")
        yield Matrix(t, srv)


@h.case
def status_by_id(t, m):
    """GET a status: 200 to who may read it, 404 to the rest."""
    for reader in READERS:
        for kind in KINDS:
            want = 200 if can(reader, kind) else 404
            r = m.api("GET", "/api/v1/statuses/%s" % m.ids_of[kind], reader)
            t.status(r, want, "%s: GET status (%s)" % (reader, kind))


@h.case
def context_by_id(t, m):
    """GET a status's context: 200 to who may read it, 404 to the rest."""
    for reader in READERS:
        for kind in KINDS:
            want = 200 if can(reader, kind) else 404
            r = m.api("GET", "/api/v1/statuses/%s/context"
                      % m.ids_of[kind], reader)
            t.status(r, want, "%s: GET context (%s)" % (reader, kind))


@h.case
def thread_replies(t, m):
    """A thread's context: exactly the readable replies and parents."""
    for reader in READERS:
        r = m.api("GET", "/api/v1/statuses/%s/context" % m.root, reader)
        got = {i for i in (s["id"] for s in r.json()["descendants"])}
        want = {m.replies[k] for k in m.replies if can(reader, k)}
        t.is_(got, want, "%s: a public thread's replies are exactly the "
              "visible ones" % reader)
        for k, rid in m.group_reply.items():
            r = m.api("GET", "/api/v1/statuses/%s/context" % rid, reader)
            if can(reader, k):
                anc = [s["id"] for s in r.json()["ancestors"]]
                t.is_(anc, [m.ids_of[k]], "%s: a %s reply's context shows "
                      "its parent" % (reader, k))
            else:
                t.status(r, 404, "%s: a %s reply's context is hidden"
                         % (reader, k))


@h.case
def home_timeline(t, m):
    """Home holds exactly what each reader should see there."""
    home_want = {
        "author": set(AUTHORED),
        "follower": {"public", "unlisted", "private"},
        "mentioned": {"public", "unlisted", "private", "direct"},
        "member": {"open_group", "private_group"},
        "other": set(),
        "admin": set(),
    }
    for reader in READERS:
        home = ids(m.api("GET", "/api/v1/timelines/home?limit=40", reader))
        t.is_(m.kinds_in(home), home_want[reader], "%s: home holds exactly "
              "what it should" % reader)
        t.ok(m.kinds_in(home) <= expect(reader, KINDS),
             "%s: home holds nothing unreadable" % reader)


@h.case
def public_and_tag_timelines(t, m):
    """Company stream: public only; a hashtag's: also readable groups."""
    for reader in READERS:
        company = ids(m.api("GET", "/api/v1/timelines/public?limit=40",
                            reader))
        t.is_(m.kinds_in(company), {"public"},
              "%s: the company stream lists only the public post" % reader)
        tag = ids(m.api("GET", "/api/v1/timelines/tag/MatrixTag?limit=40",
                        reader))
        t.is_(m.kinds_in(tag), expect(reader, ["public", "open_group",
                                               "private_group"]),
              "%s: the hashtag stream lists public and readable group "
              "posts" % reader)


@h.case
def group_timelines(t, m):
    """An open group's stream to all; a private one's to members only."""
    for reader in READERS:
        r = m.api("GET", "/api/v1/timelines/group/%s" % m.open_g, reader)
        t.is_(m.kinds_in(ids(r) or []), {"open_group"},
              "%s: the open group's stream" % reader)
        r = m.api("GET", "/api/v1/timelines/group/%s" % m.priv_g, reader)
        if can(reader, "private_group"):
            t.is_(m.kinds_in(ids(r)), {"private_group"},
                  "%s: the private group's stream" % reader)
        else:
            t.status(r, 404, "%s: the private group's stream is hidden"
                     % reader)


@h.case
def profile_statuses(t, m):
    """The author's profile stream is exactly the readable posts; the
    outside account's, its post, to everyone."""
    for reader in READERS:
        prof = ids(m.api("GET", "/api/v1/accounts/%s/statuses?limit=40"
                         % m.me["author"], reader))
        t.is_(m.kinds_in(prof), expect(reader, AUTHORED),
              "%s: the author's profile stream is exactly the readable "
              "posts" % reader)
        prof = ids(m.api("GET", "/api/v1/accounts/%s/statuses?limit=40"
                         % m.voice, reader))
        t.is_(m.kinds_in(prof or []), {"outside"}, "%s: the outside "
              "account's stream is its post" % reader)


@h.case
def outside_account(t, m):
    """The outside account: every employee sees it and may follow it; it
    is no colleague (not in the directory, not mentionable by name, no
    sign-in); its post is in no company stream."""
    for reader in READERS:
        r = m.api("GET", "/api/v1/accounts/%s" % m.voice, reader)
        t.status(r, 200, "%s: the outside account" % reader)
        acct = r.json().get("acct", "")
        t.like(acct, r"^voice@", "%s: ... is voice@host" % reader)
        r = m.api("GET", "/api/v1/accounts/lookup?acct=" + acct, reader)
        t.status(r, 200, "%s: lookup by acct finds it" % reader)
        r = m.api("GET", "/api/v1/directory?limit=80", reader)
        t.ok(all(a["id"] != m.voice for a in r.json()), "%s: not in the "
             "directory" % reader)
        r = m.api("GET", "/api/v1/accounts/%s/followers" % m.voice, reader)
        t.status(r, 200, "%s: its followers list" % reader)
    r = m.api("GET", "/api/v1/accounts/%s" % m.voice, None)
    t.status(r, 401, "anonymous: the outside account is 401")
    r = m.api("GET", "/api/v1/statuses/%s" % m.ids_of["outside"], None)
    t.status(r, 401, "anonymous: the outside post is 401")
    r = m.api("POST", "/api/v1/statuses", "other",
              {"status": "hi @voice", "visibility": "direct"})
    t.status(r, 200, "other writes to '@voice'")
    t.is_(r.json().get("mentions"), [], "... which names nobody: an "
          "outside account is no colleague by its bare name")


@h.case
def search_statuses(t, m):
    """Status search finds exactly the readable posts."""
    for reader in READERS:
        r = m.api("GET", "/api/v2/search?type=statuses&limit=40"
                  "&q=matrixword", reader)
        got = m.kinds_in(s["id"] for s in r.json()["statuses"])
        t.is_(got, expect(reader, KINDS), "%s: search finds exactly the "
              "readable posts" % reader)


@h.case
def favourite(t, m):
    """Favouriting: 200 on a readable post, 404 on the rest."""
    for reader in READERS:
        for kind in KINDS:
            want = 200 if can(reader, kind) else 404
            r = m.api("POST", "/api/v1/statuses/%s/favourite"
                      % m.ids_of[kind], reader)
            t.status(r, want, "%s: favourite (%s)" % (reader, kind))


@h.case
def favourited_by(t, m):
    """favourited_by: 200 on a readable post, 404 on the rest."""
    for reader in READERS:
        for kind in KINDS:
            want = 200 if can(reader, kind) else 404
            r = m.api("GET", "/api/v1/statuses/%s/favourited_by"
                      % m.ids_of[kind], reader)
            t.status(r, want, "%s: favourited_by (%s)" % (reader, kind))


@h.case
def groups_themselves(t, m):
    """A private group, its listing and its members: to members only."""
    for reader in READERS:
        member = can(reader, "private_group")
        r = m.api("GET", "/api/v1/groups/%s" % m.priv_g, reader)
        t.status(r, 200 if member else 404,
                 "%s: the private group itself" % reader)
        r = m.api("GET", "/api/v1/groups", reader)
        listed = {g["id"] for g in r.json()}
        t.is_(m.priv_g in listed, member,
              "%s: the private group is listed only to members" % reader)
        r = m.api("GET", "/api/v1/groups/%s/members" % m.priv_g, reader)
        t.status(r, 200 if member else 404,
                 "%s: the private group's members" % reader)


@h.case
def notifications(t, m):
    """Notified of every readable mention, and no hidden post."""
    for reader in READERS:
        r = m.api("GET", "/api/v1/notifications?limit=80", reader)
        t.status(r, 200, "%s: notifications" % reader)
        shown = {n["status"]["id"] for n in r.json() if n.get("status")}
        t.ok(all(m.api("GET", "/api/v1/statuses/%s" % i, reader).status
                 == 200 for i in shown),
             "%s: every notified post is readable" % reader)
    r = m.api("GET", "/api/v1/notifications?types[]=mention&limit=80",
              "mentioned")
    kinds = m.kinds_in(n["status"]["id"] for n in r.json())
    t.is_(kinds, expect("mentioned", AUTHORED), "mentioned: notified of "
          "exactly the mentions they may read")


@h.case
def anonymous(t, m):
    """Anonymous: nothing at all, 401 at every door."""
    for path in ["/api/v1/statuses/%s" % m.ids_of["public"],
                 "/api/v1/timelines/public", "/api/v1/timelines/home",
                 "/api/v1/timelines/tag/matrixtag",
                 "/api/v1/accounts/%s/statuses" % m.me["author"],
                 "/api/v2/search?q=matrixword",
                 "/api/v1/groups/%s" % m.open_g,
                 "/api/v1/timelines/group/%s" % m.open_g,
                 "/api/v1/statuses/%s/context" % m.ids_of["public"],
                 "/api/v1/statuses/%s/reblogged_by" % m.ids_of["public"],
                 "/api/v1/pleroma/statuses/%s/reactions"
                 % m.ids_of["public"],
                 "/api/v1/bookmarks"]:
        r = m.api("GET", path, None)
        t.status(r, 401, "anonymous: %s is 401" % urllib.parse.unquote(
            path))


@h.case
def tag_lookup(t, m):
    """GET /tags/:name: only where a readable post carries the tag."""
    for reader in READERS:
        for kind in AUTHORED:
            name = "only" + kind.replace("_", "")
            r = m.api("GET", "/api/v1/tags/%s" % name, reader)
            t.status(r, 200 if can(reader, kind) else 404,
                     "%s: the tag used only in a %s post" % (reader, kind))


@h.case
def hashtag_search(t, m):
    """Hashtag search: only where a readable post carries the tag."""
    for reader in READERS:
        for kind in AUTHORED:
            name = "only" + kind.replace("_", "")
            r = m.api("GET", "/api/v2/search?type=hashtags&q=%s" % name,
                      reader)
            names = [x["name"] for x in r.json()["hashtags"]]
            t.is_(name in names, can(reader, kind), "%s: hashtag search "
                  "finds the %s-only tag exactly when readable"
                  % (reader, kind))


@h.case
def counts(t, m):
    """statuses_count and replies_count leave out what others can't read."""
    a = m.api("GET", "/api/v1/accounts/%s" % m.me["author"], "other").json()
    # Every post the fixture made but the private group's ones.
    posts = len(m.kinds_posted)
    hidden = m.kinds_posted.count("private_group")
    t.ok(hidden > 0, "the author has private group posts to leave out")
    t.is_(a["statuses_count"], posts - hidden,
          "the author's statuses_count leaves out private group posts")

    # A reply count shows only replies every reader of the parent may
    # read (public and unlisted, as Mastodon counts): a public root of
    # the case's own (others read the fixture's) with one reply of each
    # kind.
    root, replies = m.thread(t)
    for reader in READERS:
        r = m.api("GET", "/api/v1/statuses/%s" % root, reader)
        t.is_(r.json()["replies_count"], 2, "%s: the public root's "
              "replies_count counts its public and unlisted replies, "
              "not the private and direct ones" % reader)
    d = m.api("DELETE", "/api/v1/statuses/%s" % replies["direct"], "author")
    t.status(d, 200, "the direct reply is deleted")
    d = m.api("DELETE", "/api/v1/statuses/%s" % replies["public"], "author")
    t.status(d, 200, "the public reply is deleted")
    r = m.api("GET", "/api/v1/statuses/%s" % root, "other")
    t.is_(r.json()["replies_count"], 1, "deleting them takes off only "
          "the counted one")


def tiny_png():
    """A real 3x2 RGB PNG, made here."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\0" + b"".join(bytes([40 * x, 90, 200 - 50 * y])
                                    for x in range(3)) for y in range(2))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def upload(m, t, who, name, data, ctype):
    """who uploads a file through the API; its MediaAttachment."""
    b = "matrix-%s" % uuid.uuid4().hex
    body = (("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
             "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n" % (b, name, ctype))
            .encode() + data + ("\r\n--%s--\r\n" % b).encode())
    r = m.c.request("POST", "/api/v1/media", body=body, cookies=False,
                    headers={"Authorization": "Bearer " + m.tok[who],
                             "Content-Type": "multipart/form-data; "
                             "boundary=" + b})
    t.status(r, 200, "%s uploads %s" % (who, name))
    return r.json()


def path_of(url):
    """/media/NAME of an attachment's address, without its signature."""
    return "/media/" + url.split("/media/", 1)[1].split("?", 1)[0]


@h.case
def attachments(t, m):
    """A post's picture and file are fetched by exactly who may read the
    post: by a signed-in browser (checked against the post on every
    request) or with the address signed for an app; a bare name, a forged
    signature, another reader's media id or a deleted post's files give
    404. The case posts (and deletes) its own posts."""
    web = {reader: m.browser(t, reader) for reader in READERS}
    anon = m.srv.client()
    posts = {}
    for kind in AUTHORED:
        pic = upload(m, t, "author", "%s.png" % kind, tiny_png(),
                     "image/png")
        pdf = upload(m, t, "author", "%s.pdf" % kind,
                     b"%PDF-1.4\n% matrix\n", "application/pdf")
        form = [("status", "matrix attachments %s @mentioned" % kind),
                ("media_ids[]", pic["id"]), ("media_ids[]", pdf["id"])]
        if kind in ("public", "unlisted", "private", "direct"):
            form.append(("visibility", kind))
        else:
            form.append(("group_id", m.open_g if kind == "open_group"
                         else m.priv_g))
        r = m.api("POST", "/api/v1/statuses", "author", form)
        t.status(r, 200, "author posts a %s post with a picture and a PDF"
                 % kind)
        st = r.json()
        t.is_([a["id"] for a in st["media_attachments"]],
              [pic["id"], pdf["id"]], "... both attached, in order")
        posts[kind] = st

    for kind, st in posts.items():
        for a in st["media_attachments"]:
            urls = [a["url"]] + ([a["preview_url"]] if a["preview_url"]
                                 else [])
            for url in urls:
                p = path_of(url)
                for reader in READERS:
                    want = 200 if can(reader, kind) else 404
                    t.status(web[reader].get(p), want, "%s's browser: %s "
                             "of a %s post" % (reader, a["type"], kind))
                t.status(anon.get(p), 404, "signed out: %s of a %s post"
                         % (a["type"], kind))
                signed = url.split("://", 1)[1].split("/", 1)[1]
                t.status(anon.get("/" + signed), 200, "the address signed "
                         "for the author's app serves %s of a %s post "
                         "without credentials" % (a["type"], kind))
                forged = "/" + signed[:-2] + ("AA" if not signed.endswith(
                    "AA") else "BB")
                t.status(anon.get(forged), 404, "... a forged signature "
                         "does not")
                exp = signed.split("e=", 1)[1].split("&", 1)[0]
                past = "/" + signed.replace("e=" + exp, "e=1000")
                t.status(anon.get(past), 404, "... nor an expired one")
            for reader in READERS:
                want = 200 if reader == "author" else 404
                t.status(m.api("GET", "/api/v1/media/%s" % a["id"], reader),
                         want, "%s: GET /api/v1/media/:id of the author's "
                         "%s upload" % (reader, kind))
        for reader in READERS:
            r = m.api("GET", "/api/v1/statuses/%s" % st["id"], reader)
            if not can(reader, kind):
                t.status(r, 404, "%s cannot read the %s post, nor so its "
                         "attachments' addresses" % (reader, kind))
                continue
            url = r.json()["media_attachments"][0]["url"]
            t.status(anon.get("/" + url.split("://", 1)[1].split("/", 1)[1]),
                     200, "%s's app is given an address that works (%s)"
                     % (reader, kind))

    # An upload no post took: its uploader's alone.
    loose = upload(m, t, "author", "loose.png", tiny_png(), "image/png")
    for reader in READERS:
        t.status(web[reader].get(path_of(loose["url"])),
                 200 if reader == "author" else 404,
                 "%s's browser: an upload no post has taken" % reader)
    t.status(m.api("DELETE", "/api/v1/media/%s" % loose["id"], "author"),
             200, "the author removes it")

    # Deleted posts take their files along, signed addresses too.
    for kind, st in posts.items():
        t.status(m.api("DELETE", "/api/v1/statuses/%s" % st["id"],
                       "author"), 200, "the %s post is deleted" % kind)
        for a in st["media_attachments"]:
            t.status(web["author"].get(path_of(a["url"])), 404,
                     "... its %s is gone for its author" % a["type"])
            signed = a["url"].split("://", 1)[1].split("/", 1)[1]
            t.status(anon.get("/" + signed), 404, "... and for the "
                     "signed address")


# Who may share each kind of post, among those who may read it: only
# what the whole company may read (issue 21: never past its audience).
SHAREABLE = {"public", "unlisted", "open_group", "outside"}


@h.case
def reactions_and_bookmarks(t, m):
    """Reacting, the reactions list, bookmarking and reblogged_by: 200 on
    a readable post, 404 on the rest, and a bookmark of a readable post
    is listed for its reader alone."""
    party = urllib.parse.quote("\U0001f389")
    for reader in READERS:
        for kind in KINDS:
            want = 200 if can(reader, kind) else 404
            pid = m.ids_of[kind]
            r = m.api("PUT", "/api/v1/pleroma/statuses/%s/reactions/%s"
                      % (pid, party), reader)
            t.status(r, want, "%s: react (%s)" % (reader, kind))
            r = m.api("GET", "/api/v1/pleroma/statuses/%s/reactions"
                      % pid, reader)
            t.status(r, want, "%s: reactions (%s)" % (reader, kind))
            r = m.api("DELETE", "/api/v1/pleroma/statuses/%s/reactions/%s"
                      % (pid, party), reader)
            t.status(r, want, "%s: unreact (%s)" % (reader, kind))
            r = m.api("GET", "/api/v1/statuses/%s/reblogged_by" % pid,
                      reader)
            t.status(r, want, "%s: reblogged_by (%s)" % (reader, kind))
            r = m.api("POST", "/api/v1/statuses/%s/bookmark" % pid, reader)
            t.status(r, want, "%s: bookmark (%s)" % (reader, kind))
        got = m.kinds_in(s["id"] for s in m.api(
            "GET", "/api/v1/bookmarks?limit=40", reader).json())
        t.is_(got, expect(reader, KINDS), "%s: bookmarks list exactly "
              "the readable posts bookmarked" % reader)
        for kind in KINDS:
            m.api("POST", "/api/v1/statuses/%s/unbookmark"
                  % m.ids_of[kind], reader)


@h.case
def reblog(t, m):
    """Boosting: 404 where the post is unreadable, 422 where it is
    readable but not the whole company's, 200 (and undone) otherwise;
    and a boost shows only to readers of the original."""
    for reader in READERS:
        for kind in KINDS:
            if not can(reader, kind):
                want = 404
            else:
                want = 200 if kind in SHAREABLE else 422
            pid = m.ids_of[kind]
            r = m.api("POST", "/api/v1/statuses/%s/reblog" % pid, reader)
            t.status(r, want, "%s: reblog (%s)" % (reader, kind))
            if want != 200:
                continue
            boost = r.json()["id"]
            for other in READERS:
                r = m.api("GET", "/api/v1/statuses/%s" % boost, other)
                t.status(r, 200 if can(other, kind) else 404,
                         "... %s's boost of the %s post, read by %s"
                         % (reader, kind, other))
            t.status(m.api("POST", "/api/v1/statuses/%s/unreblog" % pid,
                           reader), 200, "... and %s takes it back"
                     % reader)


if __name__ == "__main__":
    h.main_cases(fixture)
