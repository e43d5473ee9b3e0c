"""A group's settings: its admins (and the site's admins, even at a
private group they are not in) edit its name, description and visibility,
archive and unarchive it, and pin posts to the top of its page; a member
and an outsider may not (a private group stays 404 to outsiders). An
archived group is read-only: no posts or replies (web and API, with the
reason), no joins, no adds; its posts stay readable. Pins: only the
group's own posts, at most five, shown first on the group's page.

Each case can run alone: make check
TESTS=tests/integration/test_group_settings.py CASE=permission_matrix (or
`python3 .../test_group_settings.py --list`)."""
import contextlib
import itertools
import re
import struct
import zlib

import harness as h

_n = itertools.count(1)


def png(w=4, h_=4, rgb=(20, 120, 200)):
    """A small valid PNG, made here (as test_web_settings.py makes one)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h_))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h_, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def post_multipart(c, path, fields, files):
    """POST multipart/form-data: fields, and files as name: (file, bytes)."""
    boundary = "hearthgroupboundary5Hq2xW"
    body = b""
    for k, v in fields.items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n"
                 "\r\n" % (boundary, k)).encode() + v.encode() + b"\r\n"
    for k, (fname, data) in files.items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                 "filename=\"%s\"\r\nContent-Type: application/octet-stream"
                 "\r\n\r\n" % (boundary, k, fname)).encode() + data + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return c.request("POST", path, body=body, headers={
        "Content-Type": "multipart/form-data; boundary=" + boundary})


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True, display_name="Site Admin")
        for name in ("gina", "mo", "otto"):
            srv.add_user(name, display_name=name.title())
        srv.b = {}
        for name in ("root", "gina", "mo", "otto"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        srv.api = {name: srv.client(headers={
            "Authorization": "Bearer " + srv.token(name)})
            for name in ("gina", "mo", "otto")}
        yield srv


def make_group(t, srv, visibility="open"):
    """A group gina runs, with mo a member: (name, id)."""
    g = srv.b["gina"]
    name = "Settings %d" % next(_n)
    r = g.post("/groups", {"name": name, "visibility": visibility,
                           "csrf": g.csrf("/groups")})
    t.status(r, 303, "gina creates %s" % name)
    gid = re.search(r"/groups/(\d+)$", r.header("Location")).group(1)
    r = g.post("/groups/%s/members" % gid, {"username": "mo",
                                            "csrf": g.csrf("/groups")})
    t.status(r, 303, "gina adds mo")
    return name, gid


def save(c, gid, **form):
    form.setdefault("csrf", c.csrf("/groups"))
    return c.post("/groups/%s/settings" % gid, form)


@h.case
def permission_matrix(t, srv):
    """Who may open the settings and change the group."""
    name, gid = make_group(t, srv, "private")
    for who, status in (("gina", 200), ("root", 200), ("mo", 403),
                        ("otto", 404)):
        r = srv.b[who].get("/groups/%s/settings" % gid)
        t.status(r, status, "%s opens the settings of a private group: %d"
                 % (who, status))
    for who, status in (("mo", 403), ("otto", 404)):
        r = save(srv.b[who], gid, name=name + " by " + who,
                 visibility="private")
        t.status(r, status, "%s may not rename it" % who)
        for action in ("archive", "unarchive"):
            c = srv.b[who]
            r = c.post("/groups/%s/%s" % (gid, action),
                       {"csrf": c.csrf("/groups")})
            t.status(r, status, "%s may not %s it" % (who, action))
    r = srv.b["root"].get("/groups/%s" % gid)
    t.status(r, 404, "the site admin still cannot read the private group")
    r = save(srv.b["root"], gid, name=name + " (root)",
             visibility="private", description="Set by *root*")
    t.status(r, 303, "... but may change it")
    t.like(r.header("Location") or "", r"/settings\?notice=group-saved$",
           "... back to the settings with a notice")
    r = srv.b["gina"].get("/groups/%s" % gid)
    t.like(r.text, r"<h1 id=\"group-title\">%s \(root\)</h1>"
           % re.escape(name), "the new name shows")
    t.like(r.text, r"Set by <em>root</em>", "the description is rendered")
    t.like(r.text, r'href="/groups/%s/settings">Group settings' % gid,
           "the group admin sees a settings link")
    r = srv.b["mo"].get("/groups/%s" % gid)
    t.unlike(r.text, r"Group settings", "a member sees none")
    t.status(save(srv.b["gina"], gid, name=name, visibility="private"),
             303, "the group admin renames it back")


@h.case
def edit_errors_and_visibility(t, srv):
    """Errors keep what was typed; a taken name is refused; going open
    shows the old posts to everyone."""
    name, gid = make_group(t, srv, "private")
    other, _ = make_group(t, srv)
    g = srv.b["gina"]
    r = save(g, gid, name="", description="kept", visibility="private")
    t.status(r, 422, "an empty name is refused")
    t.like(r.text, r'id="group-name-error">Give the group a name',
           "... at the name")
    t.like(r.text, r">kept</textarea>", "... keeping what was typed")
    r = save(g, gid, name=other, visibility="private")
    t.status(r, 409, "another group's name is refused")
    t.like(r.text, r"already exists", "... saying why")
    r = save(g, gid, name=name, visibility="secret")
    t.status(r, 422, "an unknown visibility is refused")
    h.post_status(srv.api["mo"], "hidden until now", group_id=gid)
    r = srv.b["otto"].get("/groups/%s" % gid)
    t.status(r, 404, "an outsider cannot see the private group")
    t.status(save(g, gid, name=name, visibility="open"), 303,
             "gina makes it open")
    r = srv.b["otto"].get("/groups/%s" % gid)
    t.status(r, 200, "now the outsider sees it")
    t.like(r.text, r"hidden until now", "... and the posts made before")
    t.status(save(g, gid, name=name, visibility="private"), 303,
             "gina makes it private again")
    t.status(srv.b["otto"].get("/groups/%s" % gid), 404,
             "... and it is hidden again")


@h.case
def archived_is_read_only(t, srv):
    """An archived group: posts stay, nothing new comes in."""
    name, gid = make_group(t, srv)
    first = h.post_status(srv.api["mo"], "before the archive",
                          group_id=gid)
    g = srv.b["gina"]
    r = g.post("/groups/%s/archive" % gid, {"csrf": g.csrf("/groups")})
    t.status(r, 303, "gina archives the group")
    r = srv.b["mo"].get("/groups/%s" % gid)
    t.like(r.text, r'<span class="badge archived">Archived</span>',
           "the group shows as archived")
    t.like(r.text, r"before the archive", "its posts stay readable")
    t.unlike(r.text, r'action="/groups/%s/post"' % gid,
             "no composer for a member")
    r = srv.api["mo"].post("/api/v1/statuses", {"status": "after",
                                                "group_id": gid})
    t.status(r, 403, "the API refuses a post in an archived group")
    t.like(r.json().get("error", ""), r"archived", "... saying why")
    r = srv.api["mo"].post("/api/v1/statuses", {
        "status": "a reply", "in_reply_to_id": first["id"]})
    t.status(r, 403, "... and a reply in its thread")
    m = srv.b["mo"]
    r = m.post("/groups/%s/post" % gid, {"status": "via the web",
                                         "csrf": m.csrf("/groups")})
    t.ok(r.status == 403, "the web refuses too (%d)" % r.status)
    t.like(r.text, r"archived", "... saying why")
    o = srv.b["otto"]
    r = o.get("/groups")
    card = re.search(r'<li class="group-card" id="group-%s">.*?</li>' % gid,
                     r.text, re.S)
    t.ok(card and "Archived" in card.group(0),
         "the list marks the group archived")
    t.ok(card and "/join" not in card.group(0), "... and offers no Join")
    r = o.post("/groups/%s/join" % gid, {"csrf": o.csrf("/groups")})
    t.status(r, 403, "nobody joins an archived group")
    t.like(r.text, r"archived", "... saying why")
    r = g.post("/groups/%s/members" % gid, {"username": "otto",
                                            "csrf": g.csrf("/groups")})
    t.status(r, 403, "nobody is added to it")
    r = srv.api["gina"].get("/api/v1/groups/%s" % gid)
    t.ok(r.json().get("archived_at"), "the API's Group has archived_at")
    r = g.post("/groups/%s/unarchive" % gid, {"csrf": g.csrf("/groups")})
    t.status(r, 303, "gina unarchives it")
    t.is_(srv.api["gina"].get("/api/v1/groups/%s" % gid).json()
          .get("archived_at"), None, "... archived_at is null again")
    h.post_status(srv.api["mo"], "after the archive", group_id=gid)
    t.status(o.post("/groups/%s/join" % gid, {"csrf": o.csrf("/groups")}),
             303, "and otto may join")


@h.case
def pins(t, srv):
    """Group admins pin the group's posts, at most five, shown first."""
    name, gid = make_group(t, srv)
    posts = [h.post_status(srv.api["mo"], "pinnable %d" % i,
                           group_id=gid)["id"] for i in range(7)]
    outside = h.post_status(srv.api["mo"], "not in the group")["id"]
    g, m = srv.b["gina"], srv.b["mo"]

    def pin(c, post, action="pin"):
        return c.post("/groups/%s/%s" % (gid, action),
                      {"post": post, "csrf": c.csrf("/groups")})
    t.status(pin(m, posts[0]), 403, "a member may not pin")
    t.status(pin(srv.b["otto"], posts[0]), 403, "an outsider may not pin")
    r = pin(g, posts[0])
    t.status(r, 303, "the group admin pins the oldest post")
    t.like(r.header("Location") or "", r"notice=group-pinned",
           "... with a notice")
    r = m.get("/groups/%s" % gid)
    top = r.text.index('id="pinned-title"')
    t.ok(top < r.text.index('id="posts-title"'),
         "the Pinned section comes before the stream")
    t.like(r.text[top:r.text.index('id="posts-title"')], r"pinnable 0",
           "... holding the pinned post")
    below = r.text[r.text.index('id="posts-title"'):]
    t.unlike(below, r"pinnable 0", "... which is not shown again below")
    t.like(below, r"pinnable 6", "... among the group's other posts")
    t.is_(len(re.findall(r'<article class="post" id="post-%s"' % posts[0],
                         r.text)), 1, "the pinned post shows once")
    r = m.get("/groups/%s?limit=7" % gid)
    t.like(r.text, r'href="/groups/%s\?max_id=%s"' % (gid, posts[0]),
           "a page goes on from its last post, even one left out as a pin")
    r = m.get("/groups/%s?max_id=%s" % (gid, posts[1]))
    t.like(r.text, r'id="post-%s"' % posts[0],
           "an older page shows the pinned post in its place")
    t.status(pin(g, outside), 404, "a post outside the group is refused")
    for p in posts[1:5]:
        t.status(pin(g, p), 303, "pin %s" % p)
    r = pin(g, posts[5])
    t.status(r, 409, "a sixth pin is refused")
    t.like(r.text, r"at most 5", "... saying why")
    t.status(pin(g, posts[0]), 303, "pinning a pinned post again is fine")
    t.status(pin(srv.b["root"], posts[0], "unpin"), 303,
             "the site admin unpins one")
    t.status(pin(g, posts[5]), 303, "now there is room")
    r = g.get("/groups/%s/settings" % gid)
    t.is_(len(re.findall(r'action="/groups/%s/unpin"' % gid, r.text)), 5,
          "the settings list five pins with Unpin")
    t.status(pin(m, posts[5], "unpin"), 403, "a member may not unpin")


@h.case
def api_settings(t, srv):
    """The same through the API: PATCH, archive, pins, and who may."""
    name, gid = make_group(t, srv, "private")
    gina, mo, otto = srv.api["gina"], srv.api["mo"], srv.api["otto"]
    r = gina.request("PATCH", "/api/v1/groups/%s" % gid,
                     json_body={"description": "Now **bold**"})
    t.status(r, 200, "a group admin PATCHes the description")
    t.is_(r.json().get("name"), name, "... the name stays")
    t.is_(r.json().get("visibility"), "private", "... so does visibility")
    t.like(r.json().get("description", ""), r"<strong>bold</strong>",
           "... the description is rendered")
    r = mo.request("PATCH", "/api/v1/groups/%s" % gid,
                   json_body={"name": "mine now"})
    t.status(r, 403, "a member may not")
    r = otto.request("PATCH", "/api/v1/groups/%s" % gid,
                     json_body={"name": "mine now"})
    t.status(r, 404, "an outsider finds no private group")
    r = gina.request("PATCH", "/api/v1/groups/%s" % gid,
                     json_body={"visibility": "hidden"})
    t.status(r, 422, "an unknown visibility is 422")
    r = gina.post("/api/v1/groups/%s/archive" % gid, {})
    t.status(r, 200, "archive answers 200")
    t.ok(r.json().get("archived_at"), "... with archived_at")
    t.status(mo.post("/api/v1/groups/%s/archive" % gid, {}), 403,
             "a member may not archive")
    t.status(gina.post("/api/v1/groups/%s/unarchive" % gid, {}), 200,
             "unarchive")
    post = h.post_status(mo, "pin me", group_id=gid)["id"]
    r = mo.post("/api/v1/groups/%s/pins" % gid, {"status_id": post})
    t.status(r, 403, "a member may not pin")
    r = gina.post("/api/v1/groups/%s/pins" % gid, {"status_id": post})
    t.status(r, 200, "a group admin pins")
    t.is_([s["id"] for s in r.json()], [post], "... answering the pins")
    r = mo.get("/api/v1/groups/%s/pins" % gid)
    t.is_([s["id"] for s in r.json()], [post], "members read the pins")
    t.status(otto.get("/api/v1/groups/%s/pins" % gid), 404,
             "an outsider does not")
    r = gina.request("DELETE", "/api/v1/groups/%s/pins/%s" % (gid, post))
    t.status(r, 200, "unpin")
    t.is_(r.json(), [], "... no pins left")


@h.case
def picture(t, srv):
    """A group admin uploads a picture through the avatars' pipeline; what
    is no picture is refused in words; a member may not; it can go."""
    name, gid = make_group(t, srv)
    g, m = srv.b["gina"], srv.b["mo"]
    r = post_multipart(g, "/groups/%s/picture" % gid,
                       {"csrf": g.csrf("/groups")},
                       {"picture": ("logo.png", png(8, 8))})
    t.status(r, 303, "gina uploads a picture")
    t.like(r.header("Location") or "", r"notice=group-picture",
           "... with a notice")
    r = m.get("/groups/%s" % gid)
    src = re.search(r'<h1 id="group-title"><img src="(/media/[^"]+\.png)"',
                    r.text)
    t.ok(src, "the group's page shows the picture")
    img = m.get(src.group(1) if src else "/media/none")
    t.status(img, 200, "the picture is served")
    t.ok(img.body.startswith(b"\x89PNG") and img.body != png(8, 8),
         "... written again, as avatars are")
    ent = srv.api["mo"].get("/api/v1/groups/%s" % gid).json()
    t.like(ent.get("avatar") or "", r"^http://[^/]+%s$"
           % re.escape(src.group(1) if src else "/none"),
           "the API's Group has the picture as its avatar")
    t.is_(ent.get("avatar_static"), ent.get("avatar"), "... avatar_static too")
    r = post_multipart(g, "/groups/%s/picture" % gid,
                       {"csrf": g.csrf("/groups")},
                       {"picture": ("logo.png", b"GIF89a not really")})
    t.status(r, 422, "a file that is no picture is refused")
    r = post_multipart(m, "/groups/%s/picture" % gid,
                       {"csrf": m.csrf("/groups")},
                       {"picture": ("logo.png", png())})
    t.status(r, 403, "a member may not change the picture")
    r = m.get("/groups/%s" % gid)
    t.ok(src and src.group(1) in r.text, "... the first one stays")
    r = g.post("/groups/%s/picture/remove" % gid,
               {"csrf": g.csrf("/groups")})
    t.status(r, 303, "gina removes the picture")
    t.unlike(m.get("/groups/%s" % gid).text, r'id="group-title"><img',
             "... and it is gone from the page")
    t.status(m.get(src.group(1) if src else "/media/none"), 404,
             "... and from the media folder")
    ent = srv.api["mo"].get("/api/v1/groups/%s" % gid).json()
    t.ok("avatar" in ent and ent["avatar"] is None,
         "the API's Group says it has no picture (avatar null)")



@h.case
def picture_survives_sweep(t, srv):
    """A group's picture is something the database refers to: the media
    sweep (hourly, and hearthctl media cleanup) kept only attachments,
    avatars and headers, and removed group pictures older than a day."""
    import os
    import time
    name, gid = make_group(t, srv)
    g, m = srv.b["gina"], srv.b["mo"]
    r = post_multipart(g, "/groups/%s/picture" % gid,
                       {"csrf": g.csrf("/groups")},
                       {"picture": ("logo.png", png(8, 8))})
    t.status(r, 303, "gina uploads a picture")
    src = re.search(r'<h1 id="group-title"><img src="(/media/[^"]+\.png)"',
                    m.get("/groups/%s" % gid).text)
    fname = src.group(1).rsplit("/", 1)[1] if src else "none"
    path = os.path.join(srv.data_dir, "media", fname[:2], fname[2:4], fname)
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))
    p = srv.ctl("media", "cleanup")
    t.is_(p.returncode, 0, "hearthctl media cleanup runs")
    t.ok(os.path.exists(path), "the group's picture, three days old, is "
         "still there")
    t.status(m.get(src.group(1) if src else "/media/none"), 200,
             "... and served")

if __name__ == "__main__":
    h.main_cases(fixture)
