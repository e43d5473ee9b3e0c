"""The bridge module end to end, against a real hearthd and a Fedify peer
(tests/bridge-peer, a server nobody here wrote): the public listener
serves the bridge's routes and nothing else (every route table walked);
WebFinger, the actor, NodeInfo and host-meta; what may never be shared;
the approval desk; edits, withdrawals and deletions going out as Update
and Delete; approval = none; opting out; Undo(Follow) and followers held
for approval; one delivery per shared inbox; the public and internal
pages.

The cases share one hearthd (approval = desk) and one peer (bob, carol);
each case makes the people it needs under names of its own and looks only
at their rows and activities, so each can run alone:
make check TESTS=tests/integration/test_bridge.py CASE=desk_flow (or
`python3 .../test_bridge.py --list`)."""
import base64
import contextlib
import html
import json
import os
import re
import socket
import struct
import sys
import urllib.parse
import uuid
import zlib

import harness as h
import bridge as b

SRC = b.SRC
AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
NODEINFO_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"
# A delivery is due at once and the queue ticks every second: anything
# that should arrive does within this (generous, for a loaded machine).
ARRIVE = 30
# How long to watch for something that must not arrive.
QUIET = 3
METHODS = {"M_GET": "GET", "M_POST": "POST", "M_PUT": "PUT",
           "M_DELETE": "DELETE", "M_PATCH": "PATCH", "HM_GET": "GET",
           "HM_POST": "POST", "HM_PUT": "PUT", "HM_DELETE": "DELETE",
           "HM_PATCH": "PATCH"}
# What Mastodon keeps of a post's HTML (FEDERATION.md).
SAFE_TAGS = {"p", "span", "br", "a", "del", "pre", "code", "em", "strong",
             "b", "i", "u", "ul", "ol", "li", "blockquote"}
ROUTE_RE = re.compile(r'\{\s*((?:H?M_\w+\s*\|?\s*)+),\s*"([^"]+)",\s*'
                      r'([^,]+),')


def png(width=2, height=2, rgb=(30, 120, 200)):
    """A real RGB PNG (an avatar)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def upload_avatar(t, c):
    """c uploads an avatar (multipart PATCH update_credentials): the
    path of its file under /media/."""
    bound = "hearth-%s" % uuid.uuid4().hex
    body = (("--%s\r\nContent-Disposition: form-data; name=\"avatar\"; "
             "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
             % bound).encode() + png() + ("\r\n--%s--\r\n" % bound).encode())
    r = c.request("PATCH", "/api/v1/accounts/update_credentials", body=body,
                  headers={"Content-Type": "multipart/form-data; boundary=" +
                           bound})
    t.status(r, 200, "%s uploads an avatar" % c.name)
    return "/media/" + r.json()["avatar"].rsplit("/media/", 1)[1]


def upload_media(t, c, name, data, ctype, description=None):
    """c uploads an attachment (POST /api/v1/media): its MediaAttachment."""
    bound = "hearth-%s" % uuid.uuid4().hex
    body = b""
    if description is not None:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"description"
                 "\"\r\n\r\n%s\r\n" % (bound, description)).encode()
    body += (("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
              "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
              % (bound, name, ctype)).encode() + data +
             ("\r\n--%s--\r\n" % bound).encode())
    r = c.request("POST", "/api/v1/media", body=body,
                  headers={"Content-Type": "multipart/form-data; boundary=" +
                           bound})
    t.status(r, 200, "%s uploads %s" % (c.name, name))
    return r.json()


# ---------------------------------------------------------------- the world

class World:
    """The shared server (approval = desk) with an admin, boss, on the
    desk by being one; and the peer, with bob and carol."""

    def __init__(self, t, srv, peer):
        self.t, self.srv, self.peer = t, srv, peer
        srv.add_user("boss", admin=True, display_name="The Boss")
        self.boss = srv.api("boss")
        self.boss.id = self.boss.me().json()["id"]


@contextlib.contextmanager
def world(t):
    with b.Bridge(t) as srv, b.Peer(t, ["bob", "carol"]) as peer:
        yield World(t, srv, peer)


def person(srv, name, opt_in=True, display=None, admin=False):
    """Add a person (visible outside with opt_in): an API client with
    .name and .id."""
    srv.add_user(name, display_name=display, admin=admin)
    if opt_in:
        srv.opt_in(name)
    c = srv.api(name)
    c.name = name
    c.id = c.me().json()["id"]
    return c


def session(srv, name, page="/"):
    """A signed-in browser for name, with .tok (a CSRF token from page)."""
    c = srv.client()
    r = c.login(name)
    if r.status != 303:
        raise RuntimeError("sign-in of %s: %s" % (name, r.summary()))
    c.tok = c.csrf(page)
    return c


def actor_url(srv, name):
    return "%s/users/%s" % (srv.pub, name)


def note_url(srv, name, pid):
    return "%s/users/%s/statuses/%s" % (srv.pub, name, pid)


def post(t, c, text, **fields):
    """A post by c through the API (raises if refused): its id."""
    return h.post_status(c, text, **fields)["id"]


def share(t, c, text, what="", **fields):
    """A post by c through the API with share_outside=1: its id."""
    fields["share_outside"] = "1"
    r = c.post("/api/v1/statuses", dict(fields, status=text))
    t.status(r, 200, "%s posts%s with Share outside" % (c.name, what))
    return r.json()["id"]


def approve(t, w, pid, by=None, what=""):
    r = (by or w.boss).post("/api/v1/admin/bridge/queue/%s/approve" % pid,
                            {})
    t.status(r, 200, "the desk approves %s" % (what or "it"))
    return r


def follow(t, w, srv, name, as_user="bob", peer=None):
    """as_user on the peer follows name by WebFinger; waits for the
    Accept. The Accept, or None."""
    peer = peer or w.peer
    st, r = peer.follow("%s@%s" % (name, srv.domain), as_user=as_user)
    t.ok(st == 200 and r.get("ok"), "%s follows %s by WebFinger"
         % (as_user, name), json.dumps(r)[:1500])
    a = peer.wait_inbox("Accept", lambda a: a["actor"] == actor_url(
        srv, name) and a["inbox"] == as_user, timeout=ARRIVE)
    t.ok(a is not None, "... and %s's Accept arrives" % name)
    return a


def arrival(peer, type, object_id, timeout=ARRIVE):
    """The activity of type about object_id the peer received (waiting
    up to timeout), or None."""
    return peer.wait_inbox(type, lambda a: (a.get("object") or {}).get(
        "id") == object_id, timeout=timeout)


def arrivals(peer, type, object_id):
    return [a for a in peer.inbox(type)
            if (a.get("object") or {}).get("id") == object_id]


def queue_item(w, pid):
    r = w.boss.get("/api/v1/admin/bridge/queue")
    for item in r.json():
        if item["id"] == str(pid):
            return item
    return None


def notifications(c, type):
    return [n for n in c.get("/api/v1/notifications").json()
            if n["type"] == type]


def activities(srv, pid):
    """The types of the activities queued about post pid."""
    return [r[0] for r in srv.rows("SELECT type FROM bridge_activities "
                                   "WHERE post_id = ? ORDER BY id", int(pid))]


def ap_get(srv, path, accept=AP):
    return srv.public(headers={"Accept": accept}).get(path)


def followers_total(srv, name):
    r = ap_get(srv, "/users/%s/followers" % name)
    return r.json().get("totalItems") if r.status == 200 else None


def nodeinfo(srv):
    return ap_get(srv, "/nodeinfo/2.0", "application/json").json()


def internal_leaks(srv, text):
    """Whether text names the internal site (its base_url)."""
    return srv.url in text or "127.0.0.1:%d" % srv.port in text


# ---------------------------------------------------------------- routes

def table(path, name=None):
    """(method, pattern) of a route table: a whole file's, or only the
    array called name in it."""
    with open(os.path.join(SRC, path)) as f:
        text = f.read()
    if name:
        m = re.search(r"\b%s\[\]\s*=\s*\{(.*?)\n\};" % re.escape(name), text,
                      re.S)
        text = m.group(1)
    out = []
    for m in ROUTE_RE.finditer(text):
        for meth in (x.strip() for x in m.group(1).split("|")):
            if meth in METHODS:
                out.append((METHODS[meth], m.group(2)))
    return out


def pattern_re(pattern):
    return re.compile("^" + re.sub(r":\w+", "[^/]+", re.escape(
        pattern).replace("\\:", ":")) + "$")


def raw_status(host, port, method, path, headers, timeout=5):
    """The status of one request, reading only the answer's head (a
    stream would never end): for the streaming routes."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        req = "%s %s HTTP/1.1\r\nHost: %s:%d\r\n" % (method, path, host,
                                                    port)
        req += "".join("%s: %s\r\n" % kv for kv in headers.items())
        s.sendall((req + "\r\n").encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else None


@h.case
def public_listener_only_bridge_routes(t, w):
    """Every route of the core's tables and of the bridge's internal
    table, with real values and an admin's session and token, is 404 on
    the public listener (405 only where a public route has the path);
    the inboxes and the other public routes are not on the internal
    listener."""
    srv = w.srv
    rw = person(srv, "rwalk", display="Route Walker")
    # Something real behind each :param: an approved post, an uploaded
    # avatar (a file under /media/), a static file, a tag.
    pid = share(t, rw, "walking the routes #walk")
    approve(t, w, pid)
    media = upload_avatar(t, rw)
    boss_web = session(srv, "boss")
    static = re.search(r'href="(/static/[^"]+\.css)"',
                       boss_web.get("/").text).group(1)
    tok = srv.token("boss")
    values = {"id": pid, "account": w.boss.id, "tag": "walk",
              "action": "disable", "decision": "approve", "version": "1"}
    files = {"/static/": static.rsplit("/", 1)[1],
             "/media/": media.rsplit("/", 1)[1], "/avatars/": "boss.png"}

    # The same requests are real ones on the internal listener.
    for path, what in ((static, "/static/:file"), (media, "/media/:file"),
                       ("/@rwalk/%s" % pid, "/@rwalk/:id"),
                       ("/settings/bridge", "/settings/bridge")):
        t.status(boss_web.get(path), 200, "internal GET %s works (the "
                 "values are real)" % what)
    t.status(boss_web.get("/api/v1/statuses/%s" % pid,
                          headers={"Authorization": "Bearer " + tok}), 200,
             "internal GET /api/v1/statuses/:id works")

    public = table("modules/bridge/bridge.c", "public_routes")
    t.ok(len(public) > 15, "the public table (%d routes)" % len(public))
    routes = (table("web/pages/routes.c") + table("core/api/routes.c") +
              table("modules/bridge/bridge.c", "routes"))
    t.ok(len(routes) > 140, "the core's and the bridge's internal tables "
         "(%d routes)" % len(routes))

    def concrete(pattern, name):
        def sub(m):
            p = m.group(1)
            if p == "file":
                return next(v for k, v in files.items()
                            if pattern.startswith(k))
            if p == "name":
                return name
            return str(values.get(p, "1"))
        return re.sub(r":(\w+)", sub, pattern)

    def public_match(path):
        return [(m, p) for m, p in public if pattern_re(p).match(path)]

    bad = []
    n = 0
    # An opted-in person with an approved post (the values an internal
    # route would answer best), then someone who is not visible outside.
    for name in ("rwalk", "boss"):
        pub = srv.public(headers={"Authorization": "Bearer " + tok})
        pub.cookies = dict(boss_web.cookies)
        for method, pattern in routes:
            path = concrete(pattern, name)
            matches = public_match(path)
            same = [p for m, p in matches if m == method]
            if path.startswith("/api/v1/streaming"):
                st = raw_status(srv.pub_host, srv.pub_port, method,
                                path + "?access_token=" + tok,
                                {"Authorization": "Bearer " + tok,
                                 "Cookie": "; ".join(
                                     "%s=%s" % kv
                                     for kv in boss_web.cookies.items())})
                body, cookie = "", None
            else:
                form = {"csrf": boss_web.tok} if method != "GET" else None
                r = pub.request(method, path, form=form)
                st, body = r.status, r.text
                cookie = r.header("Set-Cookie")
            n += 1
            what = "%s %s (%s)" % (method, path, pattern)
            if same:
                # The bridge's own public route for this path (GET /,
                # /@name, /@name/:id, /tags/:tag): its page, never the
                # internal one.
                if (st not in (200, 404) or cookie or 'name="csrf"' in body
                        or internal_leaks(srv, body)):
                    bad.append("%s: %s (the public route %s should answer, "
                               "with nothing internal)" % (what, st, same))
            elif matches:
                if st not in (404, 405):
                    bad.append("%s: %s, want 404 or 405" % (what, st))
            elif st != 404:
                bad.append("%s: %s, want 404" % (what, st))
            if cookie:
                bad.append("%s: sets a cookie on the public listener: %s"
                           % (what, cookie))
    t.ok(not bad, "every internal route is 404 on the public listener "
         "(%d requests)" % n, "\n".join(bad))

    # Sign-in, pages, the API, streaming, media, and the same paths in
    # other spellings.
    pub = srv.public(headers={"Authorization": "Bearer " + tok})
    pub.cookies = dict(boss_web.cookies)
    for method, path in (("GET", "/login"), ("POST", "/login"),
                         ("GET", "/settings"), ("GET", "/admin"),
                         ("GET", "/notifications"), ("GET", "/public"),
                         ("GET", "/api/v1/instance"),
                         ("GET", "/api/v1/timelines/public"),
                         ("GET", "/api/v1/accounts/verify_credentials"),
                         ("POST", "/api/v1/statuses"),
                         ("GET", "/api/v1/admin/bridge/queue"),
                         ("GET", media), ("HEAD", media),
                         ("GET", static),
                         ("GET", "/healthz"), ("GET", "//login"),
                         ("GET", "/login/"), ("GET", "/%6Cogin"),
                         ("GET", "/users/rwalk/../../login"),
                         ("GET", "/./api/v1/instance"),
                         ("GET", "/API/V1/INSTANCE"),
                         ("GET", "/settings/bridge"),
                         ("GET", "/bridge/desk")):
        form = {"username": "boss", "password": h.PASSWORD,
                "csrf": boss_web.tok, "status": "x"} \
            if method == "POST" else None
        r = pub.request(method, path, form=form)
        shown = path.replace(media, "/media/FILE").replace(
            static, "/static/FILE")
        t.ok(r.status == 404 and r.header("Set-Cookie") is None,
             "public %s %s: 404" % (method, shown), r.summary())
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade",
               "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef")
               .decode(), "Sec-WebSocket-Version": "13"}
    for path in ("/api/v1/streaming?stream=public&access_token=" + tok,
                 "/api/v1/streaming/public?access_token=" + tok):
        t.is_(raw_status(srv.pub_host, srv.pub_port, "GET", path,
                         {"Accept": "text/event-stream"}), 404,
              "public streaming %s: 404" % path.split("?")[0])
        t.is_(raw_status(srv.pub_host, srv.pub_port, "GET", path, upgrade),
              404, "public WebSocket %s: 404" % path.split("?")[0])
    t.status(pub.get("/users/rwalk/avatar"), 200,
             "(the avatar of someone visible outside is served at their "
             "actor's address)")

    # The internal listener: no inbox (signed or not), none of the
    # public routes.
    inside = srv.client()
    for path in ("/inbox", "/users/rwalk/inbox"):
        r = inside.post(path, body=json.dumps({
            "type": "Follow", "actor": w.peer.origin + "/users/bob",
            "object": actor_url(srv, "rwalk")}),
            headers={"Content-Type": AP})
        t.status(r, 404, "internal POST %s (unsigned): 404" % path)
        st, out = w.peer.send_raw(srv.url + path, {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": w.peer.origin + "/activities/internal-%d" % len(path),
            "type": "Follow", "actor": w.peer.origin + "/users/bob",
            "object": actor_url(srv, "rwalk")})
        t.is_(out.get("status"), 404, "internal POST %s, signed by the "
              "peer: 404" % path)
    t.is_(srv.rows("SELECT COUNT(*) FROM bridge_followers f JOIN users u "
                   "ON u.id = f.user_id WHERE u.username = 'rwalk'"),
          [(0,)], "... and nobody follows rwalk")
    # NodeInfo is the internal listener's own (the whole company's, for
    # apps: test_nodeinfo), never the bridge's document.
    r = inside.get("/nodeinfo/2.0", headers={"Accept": "application/json"})
    t.is_((r.status, r.json().get("software", {}).get("name")),
          (200, "hearth"), "internal GET /nodeinfo/2.0: the company's own")
    t.ok(srv.pub not in r.text, "... which names no public address")
    for path in ("/.well-known/webfinger?resource=acct:rwalk@" + srv.domain,
                 "/.well-known/host-meta", "/actor", "/users/rwalk",
                 "/users/rwalk/outbox", "/users/rwalk/followers",
                 "/users/rwalk/statuses/%s" % pid, "/users/rwalk/avatar",
                 "/bridge.css"):
        r = inside.get(path, headers={"Accept": AP})
        t.status(r, 404, "internal GET %s: 404" % path.split("?")[0]
                 .replace("/%s" % pid, "/:id"))


# ---------------------------------------------------------------- who

@h.case
def webfinger_actor_nodeinfo(t, w):
    """WebFinger (acct:, with a leading @, any case of the host; 404 for
    anyone not visible outside), the actor (what the outside sees of a
    person, never the internal profile), content negotiation, NodeInfo's
    honest counts, host-meta, and Fedify reading the actor."""
    srv = w.srv
    ni0 = nodeinfo(srv)
    wendy = person(srv, "wendy", display="Wendy Outside")
    person(srv, "wnobody", opt_in=False)
    # The internal profile, which must stay inside.
    r = wendy.request("PATCH", "/api/v1/accounts/update_credentials", form={
        "note": "INTERNAL-BIO-7731", "job_title": "JOBTITLE-7731",
        "phone": "+1 555 7731", "department": "DEPT-7731",
        "location": "LOC-7731"})
    t.status(r, 200, "wendy fills in her internal profile")
    web = session(srv, "wendy", "/settings/bridge")
    r = web.post("/settings/bridge", {"csrf": web.tok, "action": "save",
                                      "bio": "Writes about *gardens* "
                                      "outside."})
    t.status(r, 303, "wendy writes her bio for the outside")

    # WebFinger
    pub = srv.public()
    acct = "wendy@" + srv.domain
    for res in ("acct:" + acct, "acct:@" + acct,
                "acct:wendy@" + srv.domain.upper(),
                actor_url(srv, "wendy")):
        r = pub.get("/.well-known/webfinger?resource=" +
                    urllib.parse.quote(res, safe=":@/"))
        t.status(r, 200, "WebFinger %s" % res)
    t.like(r.header("Content-Type") or "", r"^application/jrd\+json",
           "WebFinger answers application/jrd+json")
    r = pub.get("/.well-known/webfinger?resource=acct:" + acct)
    jrd = r.json()
    t.is_(jrd.get("subject"), "acct:" + acct, "... its subject")
    self_links = [x for x in jrd.get("links", []) if x.get("rel") == "self"]
    t.is_([(x.get("type"), x.get("href")) for x in self_links],
          [(AP, actor_url(srv, "wendy"))], "... rel=self is the actor")
    t.ok(any(x.get("rel") == "http://webfinger.net/rel/profile-page" and
             x.get("href") == srv.pub + "/@wendy"
             for x in jrd.get("links", [])),
         "... with the public profile page", json.dumps(jrd))
    for res, why in (("acct:wnobody@" + srv.domain, "not opted in"),
                     ("acct:boss@" + srv.domain, "an admin not opted in"),
                     ("acct:nosuch@" + srv.domain, "unknown"),
                     ("acct:wendy@other.example", "another domain"),
                     ("acct:wendy@" + w.peer.domain, "the peer's domain"),
                     ("acct:wendy", "no domain"),
                     (srv.url + "/@wendy", "the internal profile URL")):
        r = pub.get("/.well-known/webfinger?resource=" +
                    urllib.parse.quote(res, safe=":@/"))
        t.status(r, 404, "WebFinger %s (%s): 404" % (res, why))
    t.status(pub.get("/.well-known/webfinger"), 400,
             "WebFinger without a resource: 400")

    # The actor
    r = ap_get(srv, "/users/wendy")
    t.status(r, 200, "the actor")
    t.like(r.header("Content-Type") or "", r"^application/activity\+json",
           "... as application/activity+json")
    a = r.json()
    me = actor_url(srv, "wendy")
    t.is_((a.get("type"), a.get("id"), a.get("preferredUsername"),
           a.get("name")), ("Person", me, "wendy", "Wendy Outside"),
          "... a Person: id, preferredUsername, name")
    t.is_((a.get("inbox"), a.get("outbox"), a.get("followers"),
           a.get("following"), a.get("url")),
          (me + "/inbox", me + "/outbox", me + "/followers",
           me + "/following", srv.pub + "/@wendy"),
          "... inbox, outbox, followers, following, url")
    t.is_((a.get("endpoints") or {}).get("sharedInbox"), srv.pub + "/inbox",
          "... endpoints.sharedInbox")
    t.is_(a.get("manuallyApprovesFollowers"), False,
          "... manuallyApprovesFollowers")
    key = a.get("publicKey") or {}
    t.is_((key.get("id"), key.get("owner")), (me + "#main-key", me),
          "... publicKey id and owner")
    pem = key.get("publicKeyPem") or ""
    t.like(pem, r"^-----BEGIN PUBLIC KEY-----\n", "... publicKeyPem")
    der = base64.b64decode("".join(pem.strip().splitlines()[1:-1]) or "AA==")
    t.is_(len(der), 294, "... an RSA-2048 key (its SubjectPublicKeyInfo "
          "is 294 bytes)")
    t.like(a.get("summary") or "", r"<em>gardens</em>",
           "... summary: the bio written for the outside")
    text = json.dumps(a)
    t.unlike(text, r"7731", "... and nothing of the internal profile (bio, "
             "job title, phone, department, location)")
    t.ok(not internal_leaks(srv, text), "... nor the internal address")
    r2 = ap_get(srv, "/users/wendy", LD)
    t.status(r2, 200, "the actor for ld+json with the AS profile")
    t.like(r2.header("Content-Type") or "", r"^application/activity\+json",
           "... as application/activity+json")
    t.is_(r2.json().get("id"), me, "... the same actor")
    t.is_(ap_get(srv, "/@wendy").json().get("id"), me,
          "/@wendy for activity+json is the actor too")
    for accept in ("text/html", "text/html,application/xhtml+xml,"
                   "application/xml;q=0.9,*/*;q=0.8", None):
        r = srv.public(headers={"Accept": accept} if accept else {}).get(
            "/users/wendy")
        loc = r.header("Location") or ""
        t.ok(r.status in (301, 302, 303) and loc in (
            "/@wendy", srv.pub + "/@wendy") or (
                r.status == 200 and "text/html" in (
                    r.header("Content-Type") or "")),
             "a browser (Accept: %s) gets the page" % accept, r.summary())
    r = pub.get("/@wendy")
    t.status(r, 200, "... which is there")
    t.like(r.header("Content-Type") or "", r"^text/html", "... as HTML")
    t.status(ap_get(srv, "/users/wnobody"), 404,
             "the actor of someone not opted in: 404")
    t.status(ap_get(srv, "/users/nosuch"), 404, "an unknown actor: 404")

    # host-meta
    r = pub.get("/.well-known/host-meta")
    t.status(r, 200, "host-meta")
    t.like(r.text, r'template="%s/\.well-known/webfinger\?resource=\{uri\}"'
           % re.escape(srv.pub), "... points to WebFinger on the public "
           "origin")

    # NodeInfo, and its counts as people opt in and posts go out
    r = ap_get(srv, "/.well-known/nodeinfo", "application/json")
    t.status(r, 200, "/.well-known/nodeinfo")
    t.is_([(x.get("rel"), x.get("href")) for x in r.json().get("links", [])],
          [(NODEINFO_20, srv.pub + "/nodeinfo/2.0")], "... links NodeInfo "
          "2.0")
    ni = nodeinfo(srv)
    t.is_((ni.get("version"), (ni.get("software") or {}).get("name"),
           ni.get("protocols"), ni.get("openRegistrations")),
          ("2.0", "hearth", ["activitypub"], False),
          "NodeInfo: version, software, protocols, openRegistrations")

    def counts():
        n = nodeinfo(srv)
        return n["usage"]["users"]["total"], n["usage"]["localPosts"]
    u0, p0 = ni0["usage"]["users"]["total"], ni0["usage"]["localPosts"]
    t.is_(counts(), (u0 + 1, p0), "NodeInfo counts wendy once she opts in")
    pid = share(t, wendy, "counted once approved")
    post(t, wendy, "never shared")
    t.is_(counts(), (u0 + 1, p0), "... a post waiting at the desk and "
          "one never shared are not counted")
    approve(t, w, pid)
    t.is_(counts(), (u0 + 1, p0 + 1), "... an approved one is")
    t.is_(nodeinfo(srv)["usage"]["users"]["activeMonth"],
          ni0["usage"]["users"]["activeMonth"] + 1,
          "... and wendy is active this month")
    r = wendy.request("PUT", "/api/v1/statuses/%s" % pid,
                      form={"status": "counted once approved, edited"})
    t.status(r, 200, "wendy edits it (back to the desk)")
    t.is_(ap_get(srv, "/users/wendy/outbox").json().get("totalItems"), 1,
          "... the outside still has it (its outbox counts it)")
    t.is_(counts(), (u0 + 1, p0 + 1), "... and so does NodeInfo, while the "
          "edit waits at the desk")
    approve(t, w, pid, what="the edit")
    t.is_(counts(), (u0 + 1, p0 + 1), "... and after the edit is approved")
    p = srv.ctl("user", "disable", "wendy")
    t.is_(p.returncode, 0, "wendy's account is disabled")
    t.ok(ap_get(srv, "/users/wendy").status in (404, 410),
         "... her actor is not served any more")
    t.is_(counts(), (u0, p0), "... and NodeInfo no longer counts her nor "
          "her post")

    # Fedify reads hearth's actor (WebFinger, a signed GET, its JSON-LD
    # parser, the key fetched by its id).
    person(srv, "wfed", display="Fed Reader")
    st, look = w.peer.call("GET", "/_control/lookup?acct=" +
                           urllib.parse.quote("wfed@" + srv.domain))
    t.ok(st == 200 and look.get("ok"), "Fedify looks up wfed",
         json.dumps(look)[:2000])
    t.is_(look.get("problems"), [], "... and finds no problem")
    fa = look.get("actor") or {}
    t.is_((look.get("type"), fa.get("preferredUsername"), fa.get("inbox"),
           fa.get("sharedInbox")),
          ("Person", "wfed", actor_url(srv, "wfed") + "/inbox",
           srv.pub + "/inbox"), "... a Person with its inboxes")
    t.is_([(k.get("id"), k.get("owner"), k.get("fetchable"))
           for k in fa.get("publicKeys", [])],
          [(actor_url(srv, "wfed") + "#main-key", actor_url(srv, "wfed"),
            True)], "... and one key it can fetch by its id")

    # The host's case, with a base_url that has letters in it.
    with b.Bridge(t, name="bridge-named", **{
            "bridge.base_url": "http://Social.Example.TEST"}) as named:
        named.add_user("nina")
        named.opt_in("nina")
        for host in ("social.example.test", "SOCIAL.EXAMPLE.TEST",
                     "Social.Example.TEST"):
            r = named.public().get("/.well-known/webfinger?resource=acct:"
                                   "nina@" + host)
            t.status(r, 200, "WebFinger acct:nina@%s (the host in any case)"
                     % host)


# ---------------------------------------------------------------- what

@h.case
def share_refusals(t, w):
    """Unlisted, private and direct posts, replies to colleagues, posts
    in private groups, people not visible outside, and someone else's
    post: each refused with its reason, through the composer's option and
    through share_outside, and nothing queued."""
    srv = w.srv
    shay = person(srv, "shay")
    colm = person(srv, "colm", opt_in=False)
    theirs = post(t, colm, "a colleague's public post")
    g = shay.post("/api/v1/groups", {"name": "Secret plans",
                                     "visibility": "private"})
    t.status(g, 200, "shay makes a private group")
    gid = g.json()["id"]
    o = shay.post("/api/v1/groups", {"name": "Open plans",
                                     "visibility": "open"})
    t.status(o, 200, "... and an open one")
    open_gid = o.json()["id"]

    kinds = [("unlisted", {"visibility": "unlisted"}, r"public"),
             ("private", {"visibility": "private"}, r"public"),
             ("direct", {"visibility": "direct"}, r"public"),
             ("a reply to a colleague", {"in_reply_to_id": theirs},
              r"[Rr]epl"),
             ("in a private group", {"group_id": gid}, r"private group")]
    for what, fields, why in kinds:
        r = shay.post("/api/v1/statuses", dict(
            fields, status="@colm %s, shared" % what, share_outside="1"))
        t.ok(r.status in (403, 422), "posting %s with share_outside=1 is "
             "refused" % what, r.summary())
        t.like(r.json().get("error", ""), why, "... saying why")
    r = colm.post("/api/v1/statuses", {"status": "not opted in",
                                       "share_outside": "1"})
    t.ok(r.status in (403, 422), "someone not visible outside posting with "
         "share_outside=1 is refused", r.summary())
    t.like(r.json().get("error", ""), r"visible outside|opt in",
           "... saying why")
    web = session(srv, "shay")
    r = web.post("/compose", {"csrf": web.tok, "status": "web, private",
                              "visibility": "private",
                              "share_outside": "1"})
    t.ok(400 <= r.status < 500, "the web composer refuses a private post "
         "shared outside", r.summary())
    t.like(html.unescape(r.text), r"Only public posts",
           "... and the page says why")

    ids = {}
    for what, fields, why in kinds:
        pid = post(t, shay, "@colm %s, later" % what, **fields)
        ids[what] = pid
        r = shay.post("/api/v1/statuses/%s/share_outside" % pid, {})
        t.ok(r.status in (403, 422), "share_outside on a post %s is "
             "refused" % what, r.summary())
        t.like(r.json().get("error", ""), why, "... saying why")
    mine = post(t, colm, "mine, not visible outside")
    r = colm.post("/api/v1/statuses/%s/share_outside" % mine, {})
    t.ok(r.status in (403, 422), "share_outside by someone not visible "
         "outside is refused", r.summary())
    t.like(r.json().get("error", ""), r"visible outside|opt in",
           "... saying why")
    r = shay.post("/api/v1/statuses/%s/share_outside" % theirs, {})
    t.status(r, 403, "share_outside on someone else's post: 403")
    t.like(r.json().get("error", ""), r"author", "... saying why")
    r = shay.post("/api/v1/statuses/999999/share_outside", {})
    t.status(r, 404, "share_outside on no post: 404")

    t.is_(srv.rows("SELECT post_id, state FROM bridge_shares WHERE "
                   "author_id IN (?, ?)", int(shay.id), int(colm.id)), [],
          "nothing was queued for the desk")
    t.is_(srv.rows("SELECT a.type, d.inbox FROM bridge_activities a LEFT "
                   "JOIN bridge_deliveries d ON d.activity_id = a.id WHERE "
                   "a.user_id IN (?, ?)", int(shay.id), int(colm.id)), [],
          "... and nothing is on its way out")
    t.ok(all(queue_item(w, p) is None for p in list(ids.values()) +
             [theirs, mine]), "... and the desk's queue has none of them")

    # What may go: a public post in an open group.
    pid = post(t, shay, "in the open group", group_id=open_gid)
    r = shay.post("/api/v1/statuses/%s/share_outside" % pid, {})
    t.status(r, 200, "a public post in an open group may be shared")
    t.is_(r.json().get("state"), "pending", "... and waits at the desk")
    r = shay.request("DELETE", "/api/v1/statuses/%s/share_outside" % pid)
    t.status(r, 200, "... until shay withdraws it")


# ---------------------------------------------------------------- desk

@h.case
def desk_flow(t, w):
    """A shared post waits at the desk, previewed as the outside will see
    it; only the desk decides; a decline (with a note) tells the author
    and sends nothing; an approval sends the approved HTML as a Create
    and is recorded; an unapproved post never leaves."""
    srv, peer = w.srv, w.peer
    dana = person(srv, "dana", display="Dana Author")
    person(srv, "ollie")
    person(srv, "nick", opt_in=False)
    dmem = person(srv, "dmem", opt_in=False)
    follow(t, w, srv, "dana")

    pid = share(t, dana, "Hello @ollie and @nick, see #Launch", " with a "
                "mention, a hashtag and a content warning",
                spoiler_text="cw-desk")
    t.is_(srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?",
                   int(pid)), [("pending",)], "it waits at the desk")
    item = queue_item(w, pid)
    t.ok(item is not None, "the queue lists it")
    item = item or {}
    prev = item.get("html", "")
    t.like(prev, r'<a href="%s"[^>]*>@<span>ollie</span></a>'
           % re.escape(actor_url(srv, "ollie")), "the preview links the "
           "opted-in colleague to their actor on the public origin")
    t.unlike(prev, r"nick", "... drops the colleague who is not visible "
             "outside")
    t.like(prev, r'<a href="%s/tags/launch"[^>]*>#<span>Launch</span></a>'
           % re.escape(srv.pub), "... links the hashtag under the public "
           "origin")
    t.ok(not internal_leaks(srv, prev), "... names nothing internal", prev)
    t.is_(item.get("spoiler_text"), "cw-desk", "... with the content "
          "warning")
    t.is_((item.get("author"), item.get("url")),
          ("dana", srv.pub + "/@dana/" + str(pid)), "... its author and "
          "public address")

    # Only the desk decides.
    t.status(dmem.get("/api/v1/admin/bridge/queue"), 403,
             "someone not on the desk: the queue is 403")
    t.status(dmem.post("/api/v1/admin/bridge/queue/%s/approve" % pid, {}),
             403, "... and approving is 403")
    t.status(dmem.get("/api/v1/admin/bridge/decisions"), 403,
             "... and the decisions are 403")
    t.status(dana.post("/api/v1/admin/bridge/queue/%s/approve" % pid, {}),
             403, "the author cannot approve her own post")
    t.is_(srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?",
                   int(pid)), [("pending",)], "... it still waits")
    p = srv.ctl("bridge", "desk", "add", "dmem")
    t.is_(p.returncode, 0, "hearthctl bridge desk add dmem")
    t.like(srv.ctl("bridge", "desk", "list").stdout, r"\bdmem\b",
           "... desk list names dmem")
    t.status(dmem.get("/api/v1/admin/bridge/queue"), 200,
             "... and dmem sees the queue")

    # Declined, with a note: the author is told, nothing goes out. (Its
    # preview shows what the outside would get of raw HTML and links:
    # Mastodon's allowlist only.)
    declined = share(t, dana, "# Please decline me\n\n<script>alert(1)"
                     "</script> <img src=x onerror=alert(2)> <b onclick=x>"
                     "b</b> [js](javascript:alert(3)) [ok](https://example"
                     ".com/) <iframe src=x></iframe>\n\n> *quoted*")
    prev2 = (queue_item(w, declined) or {}).get("html", "")
    tags = set(x.lower() for x in re.findall(r"<\s*/?\s*([A-Za-z0-9]+)",
                                             prev2))
    t.ok(tags and tags <= SAFE_TAGS, "the preview has only the tags Mastodon "
         "allows (%s)" % " ".join(sorted(tags)), prev2)
    t.unlike(prev2, r"<[^>]*\son\w+\s*=|<[^>]*href=\"?\s*javascript:",
             "... no event handlers, no javascript: links")
    t.like(prev2, r'<a href="https://example.com/"', "... the plain link "
           "kept")
    r = dmem.post("/api/v1/admin/bridge/queue/%s/decline" % declined,
                  {"note": "Not this one, sorry"})
    t.status(r, 200, "dmem declines a post with a note")
    t.is_((r.json().get("state"), r.json().get("note")),
          ("declined", "Not this one, sorry"), "... declined, with the note")
    n = [x for x in notifications(dana, "bridge.declined")
         if (x.get("status") or {}).get("id") == str(declined)]
    t.is_(len(n), 1, "dana is notified of the decline")
    t.is_((n[0].get("account") or {}).get("username") if n else None,
          "dmem", "... by dmem")
    t.status(dmem.post("/api/v1/admin/bridge/queue/%s/approve" % declined,
                       {}), 409, "a declined post cannot be approved after")
    waiting = share(t, dana, "Nobody decides on me")

    # Approved: the Create carries exactly what the desk saw.
    r = approve(t, w, pid, by=dmem)
    t.is_(r.json().get("state"), "approved", "... it is approved")
    c = arrival(peer, "Create", note_url(srv, "dana", pid))
    t.ok(c is not None, "the Create arrives at bob")
    act = (c or {}).get("activity") or {}
    note = act.get("object") or {}
    t.is_(note.get("content"), prev, "... with the HTML the desk approved")
    t.is_((act.get("to"), act.get("cc")),
          ([AS_PUBLIC], [actor_url(srv, "dana") + "/followers"]),
          "... to Public, cc the followers")
    t.is_((note.get("to"), note.get("cc")),
          ([AS_PUBLIC], [actor_url(srv, "dana") + "/followers"]),
          "... and so is the Note")
    t.is_((note.get("summary"), note.get("sensitive")), ("cw-desk", True),
          "... the content warning as summary")
    tags = sorted((x.get("type"), x.get("href"), x.get("name"))
                  for x in note.get("tag") or [])
    t.is_(tags, [("Hashtag", srv.pub + "/tags/launch", "#launch"),
                 ("Mention", actor_url(srv, "ollie"),
                  "@ollie@" + srv.domain)],
          "... tagged: the Hashtag and the Mention of ollie only")
    t.is_((note.get("attributedTo"), note.get("url")),
          (actor_url(srv, "dana"), srv.pub + "/@dana/" + str(pid)),
          "... attributed to dana, with its public url")
    t.ok(c is not None and c["signature"]["keyId"] ==
         actor_url(srv, "dana") + "#main-key", "... signed with dana's key "
         "(Fedify verified it)")
    n = [x for x in notifications(dana, "bridge.approved")
         if (x.get("status") or {}).get("id") == str(pid)]
    t.is_(len(n), 1, "dana is notified of the approval")
    t.is_(queue_item(w, pid), None, "the queue no longer lists it")

    # The record: who, when, and the exact text.
    d = w.boss.get("/api/v1/admin/bridge/decisions").json()
    mine = {x["status_id"]: x for x in d
            if x["status_id"] in (str(pid), str(declined))}
    a = mine.get(str(pid), {})
    t.is_((a.get("decision"), a.get("author"), a.get("decided_by"),
           a.get("html"), a.get("spoiler_text")),
          ("approved", "dana", "dmem", prev, "cw-desk"),
          "the decisions list the approval: by whom, the exact HTML")
    t.like(a.get("decided_at") or "", r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
           "... and when")
    x = mine.get(str(declined), {})
    t.is_((x.get("decision"), x.get("decided_by"), x.get("note")),
          ("declined", "dmem", "Not this one, sorry"),
          "... and the decline, with its note")

    # Neither the declined post nor the waiting one went anywhere.
    for p, what in ((declined, "the declined post"),
                    (waiting, "the post nobody approved")):
        t.is_(activities(srv, p), [], "%s: no activity queued" % what)
        t.is_(arrival(peer, "Create", note_url(srv, "dana", p),
                      timeout=QUIET), None, "%s never arrives" % what)
        t.status(ap_get(srv, "/users/dana/statuses/%s" % p), 404,
                 "%s is 404 outside" % what)
    r = dana.request("DELETE", "/api/v1/statuses/%s/share_outside" % waiting)
    t.status(r, 200, "(dana withdraws the waiting one)")


# ---------------------------------------------------------------- changes

@h.case
def edit_update_delete(t, w):
    """An approved post's edit goes back to the desk while the outside
    keeps the approved text; approved, it goes out as Update. Withdrawing
    and deleting send Delete (a Tombstone) at once."""
    srv, peer = w.srv, w.peer
    edna = person(srv, "edna")
    follow(t, w, srv, "edna")
    pid = share(t, edna, "Original words")
    approve(t, w, pid)
    url = note_url(srv, "edna", pid)
    t.ok(arrival(peer, "Create", url) is not None, "the Create arrives")
    r = ap_get(srv, "/users/edna/statuses/%s" % pid)
    t.status(r, 200, "the Note is served")
    n = r.json()
    t.like(r.header("Content-Type") or "", r"^application/activity\+json",
           "... as application/activity+json")
    t.is_((n.get("id"), n.get("type"), n.get("content")),
          (url, "Note", "<p>Original words</p>\n"), "... with its content")
    t.ok(n.get("sensitive") is False and not n.get("summary"),
         "... not sensitive, no summary: it has no content warning",
         json.dumps(n))

    r = srv.public(headers={"Accept": "text/html"}).get(
        "/users/edna/statuses/%s" % pid)
    t.ok(r.status in (301, 302, 303) and (r.header("Location") or "") in (
        "/@edna/%s" % pid, srv.pub + "/@edna/%s" % pid),
        "a browser asking for the Note goes to its page", r.summary())
    r = edna.request("PUT", "/api/v1/statuses/%s" % pid,
                     form={"status": "Edited words"})
    t.status(r, 200, "edna edits it")
    item = queue_item(w, pid) or {}
    t.is_((item.get("edit"), item.get("html"), item.get("approved_html")),
          (True, "<p>Edited words</p>\n", "<p>Original words</p>\n"),
          "the edit is back at the desk, with what is outside now")
    n = ap_get(srv, "/users/edna/statuses/%s" % pid).json()
    t.is_(n.get("content"), "<p>Original words</p>\n",
          "the outside still gets the approved text")
    t.ok(n.get("sensitive") is False and not n.get("summary"),
         "... still without a content warning", json.dumps(n))
    page = srv.public().get("/@edna/%s" % pid)
    t.ok("Original words" in page.text and "Edited" not in page.text,
         "... on its page too", page.summary())
    t.is_(arrival(peer, "Update", url, timeout=QUIET), None,
          "no Update before the desk approves")
    approve(t, w, pid, what="the edit")
    u = arrival(peer, "Update", url)
    t.ok(u is not None, "the Update arrives")
    un = ((u or {}).get("activity") or {}).get("object") or {}
    t.is_((un.get("id"), un.get("content")), (url, "<p>Edited words</p>\n"),
          "... with the new content")
    t.ok(bool(un.get("updated")), "... and when it was updated")
    t.is_(ap_get(srv, "/users/edna/statuses/%s" % pid).json().get(
        "content"), "<p>Edited words</p>\n", "the Note is the new text now")
    items = ap_get(srv, "/users/edna/outbox?page=true").json().get(
        "orderedItems") or []
    t.is_([(i.get("type"), (i.get("object") or {}).get("id"),
            (i.get("object") or {}).get("content")) for i in items],
          [("Create", url, "<p>Edited words</p>\n")],
          "the outbox has it, as approved")

    # An edit the desk declines: the outside keeps what it approved.
    r = edna.request("PUT", "/api/v1/statuses/%s" % pid,
                     form={"status": "Edited again, badly"})
    t.status(r, 200, "edna edits it again")
    r = w.boss.post("/api/v1/admin/bridge/queue/%s/decline" % pid,
                    {"note": "Keep the last one"})
    t.status(r, 200, "the desk declines the edit")
    t.is_(r.json().get("state"), "approved", "... the post stays approved")
    t.is_(activities(srv, pid), ["Create", "Update"], "... and no Update "
          "is queued")
    t.is_(ap_get(srv, "/users/edna/statuses/%s" % pid).json().get(
        "content"), "<p>Edited words</p>\n", "... the outside keeps the "
          "approved text")

    r = edna.request("DELETE", "/api/v1/statuses/%s/share_outside" % pid)
    t.status(r, 200, "edna withdraws it")
    t.is_(r.json().get("state"), "withdrawn", "... withdrawn")
    d = arrival(peer, "Delete", url)
    t.ok(d is not None, "the Delete arrives")
    t.is_(((d or {}).get("activity") or {}).get("object"),
          {"id": url, "type": "Tombstone"}, "... of a Tombstone")
    t.status(ap_get(srv, "/users/edna/statuses/%s" % pid), 404,
             "the Note is 404 outside")
    t.status(srv.public().get("/@edna/%s" % pid), 404, "... so is its page")
    t.is_(ap_get(srv, "/users/edna/outbox").json().get("totalItems"), 0,
          "... and the outbox is empty")

    gone = share(t, edna, "Soon deleted")
    approve(t, w, gone)
    url = note_url(srv, "edna", gone)
    t.ok(arrival(peer, "Create", url) is not None, "another one arrives")
    r = edna.request("DELETE", "/api/v1/statuses/%s" % gone)
    t.status(r, 200, "edna deletes it")
    d = arrival(peer, "Delete", url)
    t.ok(d is not None, "the Delete arrives")
    t.is_(((d or {}).get("activity") or {}).get("object"),
          {"id": url, "type": "Tombstone"}, "... of a Tombstone")
    t.status(ap_get(srv, "/users/edna/statuses/%s" % gone), 404,
             "the Note is 404 outside")


@h.case
def approval_none(t, w):
    """With approval = none a shared post goes out at once."""
    with b.Bridge(t, name="bridge-none", approval="none") as srv:
        nan = person(srv, "nan")
        follow(t, w, srv, "nan")
        r = nan.post("/api/v1/statuses", {"status": "Straight out",
                                          "share_outside": "1"})
        t.status(r, 200, "nan posts with Share outside")
        pid = r.json()["id"]
        t.is_(srv.rows("SELECT state, published_at IS NOT NULL FROM "
                       "bridge_shares WHERE post_id = ?", int(pid)),
              [("approved", 1)], "it is out at once")
        c = arrival(w.peer, "Create", note_url(srv, "nan", pid))
        t.ok(c is not None, "the Create arrives without the desk")
        t.is_(((c or {}).get("object") or {}).get("content"),
              "<p>Straight out</p>\n", "... with its content")
        srv.add_user("chief", admin=True)
        t.is_(srv.api("chief").get("/api/v1/admin/bridge/queue").json(), [],
              "nothing waits at the desk")
        pid2 = post(t, nan, "Shared later")
        r = nan.post("/api/v1/statuses/%s/share_outside" % pid2, {})
        t.is_((r.status, r.json().get("state")), (200, "approved"),
              "share_outside on a post: out at once too")
        t.ok(arrival(w.peer, "Create", note_url(srv, "nan", pid2))
             is not None, "... and it arrives")


@h.case
def attachments_go_out(t, w):
    """A shared post's picture and PDF go out with it as Documents (type,
    alt text or file name, size, blurhash), served on the public listener
    while the share is out; the attachments of posts that are not out,
    and every other stored file, are 404 there whatever they are called."""
    srv = w.srv
    ida = person(srv, "ida")
    follow(t, w, srv, "ida")
    pic = upload_media(t, ida, "chart.png", png(40, 30), "image/png",
                       description="Sales by quarter")
    pdf = upload_media(t, ida, "q3.pdf", b"%PDF-1.4\n% q3 report\n",
                       "application/pdf")
    r = ida.post("/api/v1/statuses", [("status", "Q3 in pictures"),
                                      ("share_outside", "1"),
                                      ("media_ids[]", pic["id"]),
                                      ("media_ids[]", pdf["id"])])
    t.status(r, 200, "ida shares a post with a picture and a PDF")
    pid = r.json()["id"]
    names = [a["url"].split("/media/", 1)[1].split("?", 1)[0]
             for a in r.json()["media_attachments"]]
    thumb = pic["preview_url"].split("/media/", 1)[1].split("?", 1)[0]
    for n in names + [thumb]:
        t.status(ap_get(srv, "/media/" + n, accept="*/*"), 404,
                 "before the desk approves, %s is not served outside" % n)
    approve(t, w, pid)
    c = arrival(w.peer, "Create", note_url(srv, "ida", pid))
    t.ok(c is not None, "the Create arrives")
    # the peer keeps the activity as it came (its "object" is a summary)
    att = (((c or {}).get("activity") or {}).get("object") or {}).get(
        "attachment") or []
    t.is_(len(att), 2, "... with two attachments")
    if len(att) == 2:
        t.is_((att[0].get("type"), att[0].get("mediaType"),
               att[0].get("name")), ("Document", "image/png",
                                     "Sales by quarter"),
              "the picture: a Document, its type, its alt text")
        t.is_((att[0].get("width"), att[0].get("height")), (40, 30),
              "... its size")
        t.ok(att[0].get("blurhash"), "... and its blurhash")
        t.is_((att[1].get("type"), att[1].get("mediaType"),
               att[1].get("name")), ("Document", "application/pdf",
                                     "q3.pdf"),
              "the PDF: a Document, its type, its file name")
        for a, n in zip(att, names):
            t.is_(a.get("url"), "%s/media/%s" % (srv.pub, n),
                  "... at its address on the public listener")
    g = ap_get(srv, "/media/" + names[0], accept="*/*")
    t.status(g, 200, "the picture is served outside")
    t.is_(g.header("Content-Type"), "image/png", "... as image/png")
    t.ok(g.body.startswith(b"\x89PNG"), "... the picture itself")
    g = ap_get(srv, "/media/" + names[1], accept="*/*")
    t.status(g, 200, "the PDF is served outside")
    t.like(g.header("Content-Disposition") or "", r"^attachment",
           "... as a download")
    t.is_(g.header("X-Content-Type-Options"), "nosniff", "... nosniff")
    t.status(ap_get(srv, "/media/" + thumb, accept="*/*"), 200,
             "the thumbnail too")
    t.ok(not internal_leaks(srv, json.dumps(c)), "nothing in the Create "
         "points inside")

    # Not out: a private post's file, an unshared public one's, a loose
    # upload's, an avatar; and a share taken back.
    priv = upload_media(t, ida, "secret.png", png(), "image/png")
    r = ida.post("/api/v1/statuses", [("status", "private"),
                                      ("visibility", "private"),
                                      ("media_ids[]", priv["id"])])
    t.status(r, 200, "ida posts a private post with a picture")
    pub = upload_media(t, ida, "inside.png", png(), "image/png")
    r = ida.post("/api/v1/statuses", [("status", "inside only"),
                                      ("media_ids[]", pub["id"])])
    t.status(r, 200, "ida posts a public post, not shared, with a picture")
    loose = upload_media(t, ida, "loose.png", png(), "image/png")
    avatar = upload_avatar(t, ida)
    for what, url in [("a private post's picture", priv["url"]),
                      ("an unshared post's picture", pub["url"]),
                      ("an upload in no post", loose["url"]),
                      ("an avatar's file by its name", avatar)]:
        n = url.split("/media/", 1)[1].split("?", 1)[0]
        t.status(ap_get(srv, "/media/" + n, accept="*/*"), 404,
                 "%s is 404 on the public listener" % what)
        q = url.split("?", 1)[1] if "?" in url else ""
        if q:
            t.status(ap_get(srv, "/media/%s?%s" % (n, q), accept="*/*"),
                     404, "... even with the address signed for an app")
    r = ida.request("DELETE", "/api/v1/statuses/%s" % pid)
    t.status(r, 200, "ida deletes the shared post")
    t.status(ap_get(srv, "/media/" + names[0], accept="*/*"), 404,
             "its picture is gone outside too")


# ---------------------------------------------------------------- leaving

@h.case
def opt_out(t, w):
    """Opting out (hearthctl bridge disable, or the settings page): a
    Delete for each shared post and for the actor, the actor 410 and
    WebFinger 404, and what was still to go is stopped."""
    srv, peer = w.srv, w.peer
    otto = person(srv, "otto")
    follow(t, w, srv, "otto")
    # A follower whose server then goes down: its deliveries stay pending.
    with b.Peer(t, ["zed"]) as dead:
        follow(t, w, srv, "otto", as_user="zed", peer=dead)
    posts = [share(t, otto, "Otto's post %d" % i) for i in (1, 2)]
    for p in posts:
        approve(t, w, p)
    for p in posts:
        t.ok(arrival(peer, "Create", note_url(srv, "otto", p)) is not None,
             "the Create of otto's post arrives at bob")
    stuck = srv.wait_rows(
        "SELECT COUNT(*) FROM bridge_deliveries d JOIN bridge_activities a "
        "ON a.id = d.activity_id WHERE a.user_id = ? AND a.type = 'Create' "
        "AND d.host = ? AND d.state = 'pending' AND d.attempts >= 1",
        [(2,)], ARRIVE, int(otto.id), dead.domain)
    t.is_(stuck, [(2,)], "the Creates to the server that is down wait for "
          "a retry")
    waiting = share(t, otto, "Otto's post at the desk")
    ni = nodeinfo(srv)["usage"]["users"]["total"]

    p = srv.ctl("bridge", "disable", "otto")
    t.is_(p.returncode, 0, "hearthctl bridge disable otto")
    for pid in posts:
        d = arrival(peer, "Delete", note_url(srv, "otto", pid))
        t.is_(((d or {}).get("activity") or {}).get("object"),
              {"id": note_url(srv, "otto", pid), "type": "Tombstone"},
              "a Delete of each post arrives")
    d = arrival(peer, "Delete", actor_url(srv, "otto"))
    t.ok(d is not None, "a Delete of the actor arrives")
    t.is_(((d or {}).get("activity") or {}).get("actor"),
          actor_url(srv, "otto"), "... from otto")
    r = ap_get(srv, "/users/otto")
    t.status(r, 410, "the actor is 410 Gone")
    t.status(ap_get(srv, "/users/otto/statuses/%s" % posts[0]), 410,
             "... and so are its posts")
    t.status(srv.public().get("/@otto"), 410, "... and its page")
    t.status(srv.public().get("/.well-known/webfinger?resource=acct:otto@" +
                              srv.domain), 404, "WebFinger: 404")
    t.is_(nodeinfo(srv)["usage"]["users"]["total"], ni - 1,
          "NodeInfo no longer counts otto")
    t.is_(srv.rows("SELECT d.state, d.last_error FROM bridge_deliveries d "
                   "JOIN bridge_activities a ON a.id = d.activity_id WHERE "
                   "a.user_id = ? AND a.type = 'Create' AND d.host = ?",
                   int(otto.id), dead.domain),
          [("failed", "the person opted out")] * 2,
          "the Creates still to go are stopped")
    t.is_(srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?",
                   int(waiting)), [("withdrawn",)],
          "the post at the desk is taken off it")
    t.is_(queue_item(w, waiting), None, "... the queue no longer lists it")
    t.is_(activities(srv, waiting), [], "... and nothing of it went out")
    t.is_(srv.rows("SELECT COUNT(*) FROM bridge_followers WHERE user_id = ?",
                   int(otto.id)), [(0,)], "otto's followers are forgotten")
    r = otto.post("/api/v1/statuses", {"status": "after leaving",
                                       "share_outside": "1"})
    t.ok(r.status in (403, 422), "otto can no longer share", r.summary())

    # The same on the settings page: opting in there, and out.
    olga = person(srv, "olga", opt_in=False)
    web = session(srv, "olga", "/settings/bridge")
    r = web.post("/settings/bridge", {"csrf": web.tok, "action": "enable"})
    t.status(r, 303, "olga opts in on the settings page")
    t.status(ap_get(srv, "/users/olga"), 200, "... and has an actor")
    follow(t, w, srv, "olga", as_user="carol")
    pid = share(t, olga, "Olga's post")
    approve(t, w, pid)
    t.ok(arrival(peer, "Create", note_url(srv, "olga", pid)) is not None,
         "olga's post arrives at carol")
    r = web.post("/settings/bridge", {"csrf": web.csrf("/settings/bridge"),
                                      "action": "disable"})
    t.status(r, 303, "olga opts out on the settings page")
    t.like(r.header("Location") or "", r"/settings/bridge",
           "... back to the settings")
    t.ok(arrival(peer, "Delete", note_url(srv, "olga", pid)) is not None,
         "a Delete of her post arrives")
    t.ok(arrival(peer, "Delete", actor_url(srv, "olga")) is not None,
         "... and of her actor")
    t.status(ap_get(srv, "/users/olga"), 410, "her actor is 410 Gone")
    t.status(srv.public().get("/.well-known/webfinger?resource=acct:olga@" +
                              srv.domain), 404, "... WebFinger: 404")
    r = web.get("/settings/bridge")
    t.like(r.text, r'value="enable"', "the settings page offers opting in "
           "again")


# ---------------------------------------------------------------- followers

@h.case
def undo_follow(t, w):
    """Undo(Follow) removes the follower; with approve followers on, a
    Follow is held (no Accept) until accepted on the settings page."""
    srv, peer = w.srv, w.peer
    uma = person(srv, "uma")
    follow(t, w, srv, "uma")
    t.is_(followers_total(srv, "uma"), 1, "uma has a follower")
    st, r = peer.call("POST", "/_control/unfollow",
                      {"acct": "uma@" + srv.domain, "as": "bob"})
    t.ok(st == 200 and r.get("ok"), "bob unfollows (Undo(Follow))",
         json.dumps(r)[:1500])
    t.is_(srv.wait_rows("SELECT COUNT(*) FROM bridge_followers WHERE "
                        "user_id = ?", [(0,)], ARRIVE, int(uma.id)), [(0,)],
          "the follower is removed")
    t.is_(followers_total(srv, "uma"), 0, "followers' totalItems drops")
    pid = share(t, uma, "after the unfollow")
    approve(t, w, pid)
    t.is_(srv.rows("SELECT COUNT(*) FROM bridge_deliveries d JOIN "
                   "bridge_activities a ON a.id = d.activity_id WHERE "
                   "a.post_id = ?", int(pid)), [(0,)],
          "an approved post goes to nobody now")

    web = session(srv, "uma", "/settings/bridge")
    r = web.post("/settings/bridge", {"csrf": web.tok, "action": "save",
                                      "bio": "", "approve_followers": "1"})
    t.status(r, 303, "uma chooses to approve followers")
    t.is_(ap_get(srv, "/users/uma").json().get("manuallyApprovesFollowers"),
          True, "... the actor says so")
    st, r = peer.follow("uma@" + srv.domain, as_user="carol")
    t.ok(st == 200 and r.get("ok"), "carol follows uma",
         json.dumps(r)[:1500])
    t.is_(srv.wait_rows("SELECT state FROM bridge_followers WHERE user_id "
                        "= ?", [("pending",)], ARRIVE, int(uma.id)),
          [("pending",)], "the Follow is held")

    def accepted(timeout):
        return peer.wait_inbox("Accept", lambda a: a["actor"] == actor_url(
            srv, "uma") and a["inbox"] == "carol", timeout=timeout)
    t.is_(accepted(QUIET), None, "... no Accept goes out")
    t.is_(followers_total(srv, "uma"), 0, "... nor is carol counted yet")
    page = web.get("/settings/bridge")
    t.like(page.text, re.escape(peer.origin + "/users/carol"),
           "the settings page shows carol waiting")
    m = re.search(r'name="follower" value="(\d+)"', page.text)
    t.ok(m is not None, "... with Accept and Reject")
    r = web.post("/settings/bridge", {"csrf": web.csrf("/settings/bridge"),
                                      "action": "follower_accept",
                                      "follower": m.group(1) if m else "0"})
    t.status(r, 303, "uma accepts carol")
    a = accepted(ARRIVE)
    t.ok(a is not None, "the Accept arrives at carol")
    t.is_((((a or {}).get("activity") or {}).get("object") or {}).get(
        "actor"), peer.origin + "/users/carol", "... accepting her Follow")
    t.is_(followers_total(srv, "uma"), 1, "carol is a follower now")
    st, state = peer.call("GET", "/_control/state")
    t.is_(((state.get("following") or {}).get("carol") or {}).get(
        actor_url(srv, "uma"), {}).get("state"), "accepted",
        "... as the peer sees it")


@h.case
def two_followers_one_server(t, w):
    """Two people on one server follow: one delivery, to its shared
    inbox."""
    srv, peer = w.srv, w.peer
    tess = person(srv, "tess")
    follow(t, w, srv, "tess", as_user="bob")
    follow(t, w, srv, "tess", as_user="carol")
    t.is_(followers_total(srv, "tess"), 2, "tess has two followers")
    pid = share(t, tess, "To both of you")
    approve(t, w, pid)
    url = note_url(srv, "tess", pid)
    c = arrival(peer, "Create", url)
    t.ok(c is not None, "the Create arrives")
    t.is_((c or {}).get("inbox"), "shared", "... at the shared inbox")
    rows = srv.wait_rows(
        "SELECT d.inbox, d.state FROM bridge_deliveries d JOIN "
        "bridge_activities a ON a.id = d.activity_id WHERE a.post_id = ? "
        "AND a.type = 'Create'", [(peer.origin + "/inbox", "delivered")],
        ARRIVE, int(pid))
    t.is_(rows, [(peer.origin + "/inbox", "delivered")],
          "one delivery, to the shared inbox")
    t.is_(len(arrivals(peer, "Create", url)), 1, "the peer got it once")


# ---------------------------------------------------------------- pages

@h.case
def web_pages(t, w):
    """The public pages (a person's, a post's) on the public listener,
    with nothing internal in them; the internal settings, share and desk
    pages for the right people; the composer's choice only for people
    visible outside."""
    srv = w.srv
    wes = person(srv, "wes", opt_in=False, display="Wes Web")
    person(srv, "wnot", opt_in=False)
    person(srv, "wpal")
    web = session(srv, "wes")
    box = r'name="share_outside"'
    t.unlike(web.get("/").text, box, "the composer has no Share outside "
             "before wes opts in")
    t.unlike(session(srv, "wnot").get("/").text, box,
             "... nor for anyone not visible outside")
    r = web.get("/settings/bridge")
    t.status(r, 200, "the settings page")
    t.like(r.text, r"Become visible outside", "... offers opting in")
    r = web.post("/settings/bridge", {"csrf": web.csrf("/settings/bridge"),
                                      "action": "enable"})
    t.status(r, 303, "wes opts in")
    r = web.get("/settings/bridge")
    t.like(r.text, re.escape("@wes@" + srv.domain), "the settings page "
           "shows the public handle")
    home = web.get("/").text
    t.like(home, r'<input type="checkbox" name="share_outside" value="1"',
           "the composer offers Share outside now")
    t.like(home, r"Share outside the company", "... labelled")

    # Composed on the web, approved on the desk's page.
    upload_avatar(t, wes)
    r = web.post("/compose", {"csrf": web.csrf("/"), "status":
                              "From the web, with @wpal, @wnot and #Pages",
                              "visibility": "public", "share_outside": "1"})
    t.status(r, 303, "wes posts from the composer with Share outside")
    rows = srv.rows("SELECT post_id, state FROM bridge_shares WHERE "
                    "author_id = ?", int(wes.id))
    t.is_([x[1] for x in rows], ["pending"], "... it waits at the desk")
    pid = rows[0][0] if rows else 0
    r = web.get("/bridge/share/%s" % pid)
    t.status(r, 200, "wes's share page")
    t.like(r.text, r"From the web", "... previews the post")
    t.status(web.get("/bridge/desk"), 403, "the desk is 403 for wes")
    t.status(web.get("/bridge/desk/history"), 403, "... and its record")
    t.status(web.get("/bridge/queue"), 403, "... and the deliveries page")
    boss = session(srv, "boss", "/bridge/desk")
    r = boss.get("/bridge/desk")
    t.status(r, 200, "the desk's page, for boss")
    t.like(r.text, r'<a href="%s/tags/pages"' % re.escape(srv.pub),
           "... previews the post as the outside will see it: the "
           "hashtag under the public origin")
    t.like(r.text, r'<a href="%s"' % re.escape(actor_url(srv, "wpal")),
           "... the mention of a colleague outside linked to their actor")
    r = boss.post("/bridge/desk/%s" % pid, {"csrf": boss.tok,
                                             "decision": "approve",
                                             "note": ""})
    t.status(r, 303, "boss approves it on the desk's page")
    t.is_(srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?", pid),
          [("approved",)], "... approved")
    # An admin makes a team account visible outside; nobody else may.
    person(srv, "wteam", opt_in=False, display="The Team")
    r = web.post("/settings/bridge", {"csrf": web.csrf("/settings/bridge"),
                                      "action": "enable_account",
                                      "account": "wteam"})
    t.status(r, 403, "wes cannot make another account visible outside")
    t.status(ap_get(srv, "/users/wteam"), 404, "... it is not")
    r = boss.post("/settings/bridge", {"csrf": boss.csrf("/settings/bridge"),
                                       "action": "enable_account",
                                       "account": "wteam"})
    t.status(r, 303, "boss makes the team account visible outside")
    t.is_(ap_get(srv, "/users/wteam").json().get("name"), "The Team",
          "... it has an actor")
    r = boss.get("/bridge/desk/history")
    t.status(r, 200, "the desk's record")
    t.like(r.text, r"From the web", "... has the text that went out")
    t.status(boss.get("/bridge/queue"), 200, "the deliveries page, for boss")
    hidden = post(t, wes, "Never shared, stays inside")

    # Share outside from one's own post: a tool on it, and its page.
    tool = post(t, wes, "Shared from its own page")
    private = post(t, wes, "Only for followers", visibility="private")
    r = web.get("/@wes/%s" % tool)
    t.like(r.text, r'<a href="/bridge/share/%s"[^>]*>Share outside</a>'
           % tool, "wes's own public post offers Share outside")
    t.unlike(web.get("/@wes/%s" % private).text, r"/bridge/share/",
             "... a private one does not")
    t.unlike(boss.get("/@wes/%s" % tool).text, r"/bridge/share/",
             "... nor does someone else's")
    t.status(boss.get("/bridge/share/%s" % tool), 404,
             "someone else's share page: 404")
    r = web.get("/bridge/share/%s" % tool)
    t.status(r, 200, "the share page")
    t.like(r.text, r'(?s)class="[^"]*\bpreview\b[^"]*"[^>]*>.*<p>Shared '
           r'from its own page</p>', "... previews what would leave")
    back = re.search(r'<a href="([^"]+)">Your post</a>', r.text)
    t.ok(back is not None, "... links back to the post")
    if back:
        t.status(web.get(back.group(1)), 200, "... and the link works")
    r = web.post("/bridge/share/%s" % tool, {"csrf": web.tok,
                                             "action": "share"})
    t.status(r, 303, "Send to the desk")
    t.is_(srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?",
                   int(tool)), [("pending",)], "... it waits at the desk")
    r = web.get("/bridge/share/%s" % tool)
    t.like(r.text, r'value="withdraw"', "the page offers withdrawing it")
    r = web.post("/bridge/share/%s" % tool, {"csrf": web.tok,
                                             "action": "withdraw"})
    t.status(r, 303, "Withdraw")
    t.is_(srv.rows("SELECT state FROM bridge_shares WHERE post_id = ?",
                   int(tool)), [("withdrawn",)], "... withdrawn")
    r = web.get("/bridge/share/%s" % private)
    t.like(html.unescape(r.text), r"Only public posts",
           "a private post's share page says why it cannot leave")
    t.unlike(r.text, r'value="share"', "... and offers no button")

    pub = srv.public(headers={"Accept": "text/html"})
    r = pub.get("/@wes")
    t.status(r, 200, "the public profile page")
    t.like(r.header("Content-Type") or "", r"^text/html", "... HTML")
    t.like(r.text, r"Wes Web", "... with wes's name")
    t.like(r.text, r"From the web", "... and the shared post")
    t.unlike(r.text, r"Never shared", "... and not the other one")
    t.like(r.text, r'<img src="/users/wes/avatar"', "... and the avatar")
    t.ok(not internal_leaks(srv, r.text), "... and no link inside",
         r.text)
    img = pub.get("/users/wes/avatar")
    t.ok(img.status == 200 and img.header("Content-Type") == "image/png" and
         img.body.startswith(b"\x89PNG"), "the avatar is served on the "
         "public listener", img.summary())
    r = pub.get("/@wes/%s" % pid)
    t.status(r, 200, "the post's public page")
    t.like(r.text, r'(?s)<div class="content">.*From the web, with',
           "... with the approved text")
    t.like(r.text, r'<a href="%s"' % re.escape(actor_url(srv, "wpal")),
           "... the mention of a colleague outside linked outside")
    t.unlike(r.text, r"wnot", "... the one not outside dropped")
    t.unlike(r.text, r"<details>", "... and no content warning (it has "
             "none)")
    t.ok(not internal_leaks(srv, r.text) and
         not internal_leaks(srv, r.header("Link") or ""),
         "... and no link inside", r.text)
    t.status(pub.get("/@wes/%s" % hidden), 404,
             "the page of a post not shared: 404")
    t.status(pub.get("/@wnot"), 404, "the page of someone not outside: 404")
    r = pub.get("/")
    t.status(r, 200, "the public home page")
    t.like(r.text, r'href="/@wes"', "... lists wes")
    t.unlike(r.text, r"wnot", "... and not those who are not outside")
    t.ok(not internal_leaks(srv, r.text), "... and no link inside")
    r = pub.get("/tags/pages")
    t.status(r, 200, "the public tag page")
    t.like(r.text, r"From the web", "... lists the post")


if __name__ == "__main__":
    if (not os.path.exists(b.NODE) and sys.argv[1:] != ["--list"] and
            not os.environ.get("HEARTH_REQUIRE_PEER")):
        # make distcheck: the tarball has no Fedify peer.
        print("1..0 # SKIP the Fedify peer is not installed (npm ci in "
              "tests/bridge-peer; tools/test does)")
        sys.exit(0)
    h.main_cases(world)
