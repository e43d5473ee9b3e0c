"""Editing one's profile (PATCH /api/v1/accounts/update_credentials) as JSON,
as a form and as multipart/form-data: the bio's Markdown, length limits,
admin-defined fields (hearthctl field add/remove/list), and avatar and
header uploads, whose type is decided by their bytes alone.

Each case can run alone: make check TESTS=tests/integration/test_profile.py
CASE=company_fields (or `python3 .../test_profile.py --list`)."""
import base64
import contextlib
import itertools
import os
import struct
import urllib.parse
import uuid
import zlib

import harness as h

UPDATE = "/api/v1/accounts/update_credentials"
_n = itertools.count(1)


# ---------------------------------------------------------------- images

def png(width=2, height=2, rgb=(200, 30, 30)):
    """A real RGB PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg():
    """A real 1x1 grey baseline JPEG: one all-zero block, Huffman tables
    with a single one-bit code each (DC category 0, AC end-of-block)."""
    def seg(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) \
            + data
    one_code = bytes([1] + [0] * 15) + b"\x00"
    return (b"\xff\xd8" +
            seg(0xe0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00") +
            seg(0xdb, b"\x00" + b"\x01" * 64) +
            seg(0xc0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00") +
            seg(0xc4, b"\x00" + one_code) +
            seg(0xc4, b"\x10" + one_code) +
            seg(0xda, b"\x01\x01\x00\x00\x3f\x00") +
            b"\x3f\xff\xd9")


GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAI"
                       "CRAEAOw==")
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def multipart(fields=(), files=()):
    """(body, content type) for text fields [(name, value)] and files
    [(name, filename, content_type, bytes)]."""
    b = "hearth-%s" % uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n" % (b, name)).encode() + value.encode() +
                   b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (b, name, filename, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people(("alice", "Alice"), "bob")
        yield srv


def fresh(srv, base="user"):
    """A person of the case's own (so cases share no profile): a client
    with .name, .token and .id."""
    name = "%s%d" % (base, next(_n))
    c = srv.people(name)[name]
    c.name = name
    return c


def patch_json(c, obj):
    return c.request("PATCH", UPDATE, json_body=obj)


def patch_form(c, form):
    return c.request("PATCH", UPDATE, form=form)


def patch_multi(c, fields=(), files=()):
    data, ctype = multipart(fields, files)
    return c.request("PATCH", UPDATE, body=data,
                     headers={"Content-Type": ctype})


def media_path(url):
    return "/media/" + url.rsplit("/media/", 1)[1]


def media_dir(srv):
    return os.path.join(srv.data_dir, "media")


def media_files(srv):
    """Every file under the media folder (it has fan-out folders), by
    name."""
    out = []
    for _, _, files in os.walk(media_dir(srv)):
        out.extend(files)
    return sorted(out)


def media_file_exists(srv, name):
    return name in media_files(srv)


def upload_avatar(t, c, data=None):
    """Give c an uploaded avatar (so the media folder exists and there
    is one to replace); its URL."""
    r = patch_multi(c, files=[("avatar", "me.png", "image/png",
                               data or png())])
    t.status(r, 200, "an avatar to start with")
    return r.json()["avatar"]


@h.case
def signed_out(t, srv):
    """update_credentials wants a signed-in caller, however it is sent."""
    anon = srv.client()
    t.status(patch_form(anon, {"display_name": "x"}), 401,
             "signed out: update_credentials is 401")
    t.status(patch_json(anon, {"display_name": "x"}), 401,
             "... as JSON too")
    t.status(patch_multi(anon, [("display_name", "x")]), 401,
             "... and as multipart")
    t.is_(srv.p["alice"].me().json()["display_name"], "Alice",
          "nobody's profile changed")


@h.case
def round_trips(t, srv):
    """JSON, form and multipart edits change what they send, only that."""
    a = fresh(srv)
    r = patch_json(a, {"display_name": "Alice Liddell",
                       "job_title": "Engineer", "department": "Platform",
                       "location": "Berlin", "phone": "+49 30 1234",
                       "pronouns": "she/her"})
    t.status(r, 200, "JSON edit")
    acc = r.json()
    t.is_(acc["display_name"], "Alice Liddell", "display_name changed")
    t.is_({k: acc["hearth"][k] for k in ("job_title", "department",
                                         "location", "phone",
                                         "pronouns")},
          {"job_title": "Engineer", "department": "Platform",
           "location": "Berlin", "phone": "+49 30 1234",
           "pronouns": "she/her"}, "hearth's details are in the "
          "hearth object")
    t.is_([f["name"] for f in acc["fields"]],
          ["Job title", "Department", "Location", "Phone", "Pronouns"],
          "... and in Mastodon fields, for every app")
    t.ok("source" in acc and "role" in acc, "the answer is a "
         "CredentialAccount")
    t.is_(a.me().json()["hearth"]["location"], "Berlin",
          "verify_credentials shows the change")
    r = patch_form(a, {"location": "Lisbon", "display_name": "Alice L"})
    t.status(r, 200, "form edit")
    t.is_((r.json()["hearth"]["location"], r.json()["display_name"]),
          ("Lisbon", "Alice L"), "... changed what it sent")
    t.is_(r.json()["hearth"]["job_title"], "Engineer",
          "... and nothing else")
    r = patch_multi(a, [("pronouns", "they/them"), ("phone", "")])
    t.status(r, 200, "multipart edit without files")
    t.is_((r.json()["hearth"]["pronouns"], r.json()["hearth"]["phone"]),
          ("they/them", ""), "... set pronouns, cleared phone")
    t.ok("Phone" not in [f["name"] for f in r.json()["fields"]],
         "an empty detail is not shown as a field")


@h.case
def browser_csrf(t, srv):
    """A browser's multipart edit needs its CSRF token as a field."""
    u = fresh(srv)
    b = srv.client()
    t.status(b.login(u.name), 303, "signing in with a browser")
    csrf = b.csrf("/")
    r = patch_multi(b, [("csrf", csrf), ("location", "Porto")])
    t.status(r, 200, "multipart edit with the session and a csrf field")
    t.is_(r.json()["hearth"]["location"], "Porto", "... applied")
    r = patch_multi(b, [("location", "Faro")])
    t.status(r, 403, "without the csrf field it is refused")
    t.is_(u.me().json()["hearth"]["location"], "Porto",
          "... and the location stays")


@h.case
def bio_markdown(t, srv):
    """The note is Markdown, rendered with mentions and escaped."""
    a = fresh(srv)
    note = ("Hello **world** from @bob\n\n<script>alert(1)</script> "
            "<b onclick=x>bold</b> [link](javascript:alert(1))")
    r = patch_json(a, {"note": note})
    t.status(r, 200, "set a Markdown note")
    html = r.json()["note"]
    t.like(html, r"<strong>world</strong>", "Markdown is rendered")
    t.like(html, r'<a [^>]*href="[^"]*/@bob"', "@bob is a mention link")
    t.unlike(html, r"<script|<b[ >]|<[^>]*onclick|href=\"javascript",
             "no raw HTML or script URL survives")
    t.like(html, r"&lt;script&gt;", "... raw HTML shows as text")
    t.is_(r.json()["source"]["note"], note, "source.note is the "
          "Markdown as written")
    r = patch_form(a, {"note": "a < b & c"})
    t.like(r.json()["note"], r"a &lt; b &amp; c", "text is escaped")
    t.is_(patch_json(a, {"note": ""}).json()["note"], "",
          "an empty note clears it")


@h.case
def limits(t, srv):
    """Over-long details, a newline and an empty name are 422; nothing
    of a refused edit is saved."""
    a = fresh(srv)
    t.status(patch_json(a, {"display_name": "Alice L"}), 200,
             "a name to keep")
    for key, n, msg in [("display_name", 101, "display_name"),
                        ("note", 2001, "note"),
                        ("job_title", 201, "job_title"),
                        ("department", 201, "department"),
                        ("location", 201, "location"),
                        ("phone", 51, "phone"),
                        ("pronouns", 51, "pronouns")]:
        r = patch_json(a, {key: "x" * n})
        t.status(r, 422, "%s of %d bytes is 422" % (key, n))
        t.like(r.json().get("error"), msg, "... and the error names it")
    r = patch_json(a, {"job_title": "two\nlines"})
    t.status(r, 422, "a newline in job_title is 422")
    r = patch_json(a, {"display_name": ""})
    t.status(r, 422, "an empty display_name is 422")
    t.is_(a.me().json()["display_name"], "Alice L",
          "refused edits changed nothing")
    r = patch_json(a, {"department": "z" * 200})
    t.status(r, 200, "exactly at the limit is fine")


@h.case
def company_fields(t, srv):
    """Admin-defined fields: hearthctl field add/list/remove, and
    fields_attributes as a form, a JSON list and a JSON object."""
    a = fresh(srv)
    p = srv.ctl("field", "add", "Team")
    t.is_(p.returncode, 0, "hearthctl field add Team", )
    p = srv.ctl("field", "add", "Office", "--position", "0")
    t.is_(p.returncode, 0, "hearthctl field add Office --position 0")
    srv.ctl("field", "add", "Team", "--position", "5")
    p = srv.ctl("field", "list")
    t.like(p.stdout, r"(?s)0\s+0\s+Office\n5\s+0\s+Team\n",
           "field list shows both in order")
    t.is_(srv.ctl("field", "add").returncode, 2,
          "field add without a name exits 2")
    t.is_(srv.ctl("field", "add", "X", "--position", "-3").returncode, 2,
          "a negative position exits 2")
    t.is_(srv.ctl("field", "add", "y" * 51).returncode, 2,
          "a name over 50 bytes exits 2")
    r = patch_form(a, {"fields_attributes[0][name]": "Team",
                       "fields_attributes[0][value]": "Platform",
                       "fields_attributes[1][name]": "office",
                       "fields_attributes[1][value]": "Berlin HQ",
                       "fields_attributes[2][name]": "",
                       "fields_attributes[2][value]": "",
                       "fields_attributes[3][name]": "Job title",
                       "fields_attributes[3][value]": "Staff Engineer"})
    t.status(r, 200, "fields_attributes as a form")
    acc = r.json()
    t.is_(acc["hearth"]["fields"], [{"name": "Office",
                                     "value": "Berlin HQ"},
                                    {"name": "Team", "value": "Platform"}],
          "the company fields hold the values (names matched in any "
          "case)")
    t.is_(acc["hearth"]["job_title"], "Staff Engineer",
          "a built-in label (as apps send fields back) sets the detail")
    t.ok({"name": "Team", "value": "Platform", "verified_at": None} in
         acc["fields"], "Mastodon fields include Team")
    t.is_([f["name"] for f in acc["source"]["fields"]],
          ["Office", "Team"], "source.fields lists the company fields")
    r = patch_json(a, {"fields_attributes": [{"name": "Team",
                                              "value": "Payments"}]})
    t.status(r, 200, "fields_attributes as a JSON list")
    t.is_(r.json()["hearth"]["fields"][1]["value"], "Payments",
          "... applied")
    r = patch_json(a, {"fields_attributes": {"0": {"name": "Office",
                                                   "value": ""}}})
    t.is_(r.json()["hearth"]["fields"][0]["value"], "",
          "a JSON object of fields; an empty value clears the field")
    r = patch_form(a, {"fields_attributes[0][name]": "Nope",
                       "fields_attributes[0][value]": "x",
                       "location": "Oslo"})
    t.status(r, 422, "an unknown field name is 422")
    t.like(r.json().get("error"), r"Nope", "... naming it")
    t.isnt(a.me().json()["hearth"]["location"], "Oslo",
           "... and nothing of that edit was saved")
    r = patch_form(a, {"fields_attributes[0][name]": "Team",
                       "fields_attributes[0][value]": "v" * 201})
    t.status(r, 422, "a field value over 200 bytes is 422")
    t.like(r.json().get("error"), r"Team", "... naming the field")
    r = patch_form(a, {"fields_attributes[0][value]": "orphan"})
    t.status(r, 422, "a value without a name is 422")
    r = patch_json(a, {"fields_attributes": "Team"})
    t.status(r, 422, "fields_attributes that is not a list is 422")
    p = srv.ctl("field", "remove", "Team")
    t.is_(p.returncode, 0, "hearthctl field remove Team")
    t.is_([f["name"] for f in a.me().json()["hearth"]["fields"]],
          ["Office"], "the removed field is gone from profiles")
    t.is_(srv.ctl("field", "remove", "Team").returncode, 1,
          "removing it again exits 1")
    # The fields are the server's: leave none behind for other cases.
    t.is_(srv.ctl("field", "remove", "Office").returncode, 0,
          "hearthctl field remove Office")


@h.case
def avatar_formats(t, srv):
    """PNG, JPEG, GIF and WebP avatars: decoded and written again (never
    stored as they came: no metadata survives), at a random name whose
    extension is the type written (a JPEG stays a JPEG, anything lossless
    or with transparency becomes a PNG); a replaced one is deleted."""
    a = fresh(srv)
    for kind, data, mime, written in [
            ("png", png(), "image/png", "png"),
            ("jpeg", jpeg(), "image/jpeg", "jpg"),
            ("gif", GIF, "image/gif", "png"),
            ("webp", WEBP, "image/webp", "png")]:
        before = a.me().json()["avatar"]
        r = patch_multi(a, files=[("avatar", "me." + kind, mime, data)])
        t.status(r, 200, "a %s avatar is accepted" % kind)
        url = r.json()["avatar"]
        t.like(url, r"/media/[A-Za-z0-9_-]{22}\.%s$" % written,
               "... at a fresh random name, written as %s" % written)
        g = a.get(media_path(url))
        t.status(g, 200, "... and served")
        t.isnt(g.body, data, "... written again, not as it came")
        magic = b"\x89PNG" if written == "png" else b"\xff\xd8\xff"
        t.ok(g.body.startswith(magic), "... a real " + written)
        t.is_(g.header("Content-Type"), "image/png" if written == "png"
              else "image/jpeg", "... served as what it is")
        t.is_(g.header("X-Content-Type-Options"), "nosniff",
              "... with nosniff")
        t.like(g.header("Cache-Control"), r"immutable",
               "... cached as immutable")
        if "/media/" in before:
            t.ok(not media_file_exists(srv, before.rsplit("/", 1)[1]),
                 "the replaced avatar's file was removed")
            t.status(a.get(media_path(before)), 404,
                     "... and is 404 now")


@h.case
def avatar_checked_by_bytes(t, srv):
    """An avatar's type is its bytes', not its name's; text, a broken
    PNG, an oversized file or a bad edit change nothing."""
    a = fresh(srv)
    r = patch_multi(a, files=[("avatar", "x.jpg", "image/jpeg", png())])
    t.status(r, 200, "a PNG sent as image/jpeg named x.jpg is accepted")
    url = r.json()["avatar"]
    t.like(url, r"\.png$", "... and stored as .png (what it was)")
    t.is_(a.get(media_path(url)).header("Content-Type"), "image/png",
          "... and served as image/png")

    r = patch_multi(a, [("display_name", "Should Not Stick")],
                    [("avatar", "a.png", "image/png",
                      b"hello, I am text\n")])
    t.status(r, 422, "a text file named a.png is refused")
    t.like(r.json().get("error"), r"avatar.*not a PNG, JPEG, GIF, "
           r"WebP", "... saying it is not an image")
    me = a.me().json()
    t.is_(me["avatar"], url, "the avatar is unchanged")
    t.isnt(me["display_name"], "Should Not Stick",
           "nothing else of that edit was saved either")
    t.status(a.get(media_path(url)), 200, "the old avatar is still "
             "served")
    r = patch_multi(a, files=[("avatar", "a.png", "image/png",
                               b"\x89PNG\r\n\x1a\n" + b"\0" * 40)])
    t.status(r, 422, "a broken PNG header is refused")
    r = patch_multi(a, files=[("avatar", "big.png", "image/png",
                               png() + b"\0" * (2 * 1024 * 1024))])
    t.status(r, 422, "an avatar over 2 MiB is refused")
    t.like(r.json().get("error"), r"avatar.*limit is 2 MiB",
           "... with a message naming the limit")
    t.is_(a.me().json()["avatar"], url, "... and the avatar stays")
    n_files = len(media_files(srv))
    r = patch_multi(a, [("fields_attributes[0][name]", "Nope"),
                        ("fields_attributes[0][value]", "x")],
                    [("avatar", "ok.png", "image/png", png(3, 3))])
    t.status(r, 422, "a good avatar with an unknown field is refused "
             "(by the writer, after the image was stored)")
    t.is_(len(media_files(srv)), n_files, "... and the stored "
          "image was removed again")
    t.is_(a.me().json()["avatar"], url, "... and the avatar stays")
    r = patch_form(a, {"avatar": "http://example.com/a.png"})
    t.status(r, 422, "an avatar sent as text is refused")


@h.case
def header_uploads(t, srv):
    """A header with an avatar in one request, the header's 4 MiB limit,
    max_body_size, and an empty file input."""
    a = fresh(srv)
    upload_avatar(t, a)
    n_files = len(media_files(srv))
    r = patch_multi(a, files=[("header", "h.gif", "image/gif", GIF),
                              ("avatar", "a.webp", "image/webp", WEBP)])
    t.status(r, 200, "header and avatar in one request")
    acc = r.json()
    t.like(acc["header"], r"/media/.*\.png$", "the header is stored "
           "(written again as a PNG)")
    t.like(acc["avatar"], r"/media/.*\.png$", "... and the avatar")
    t.is_(len(media_files(srv)), n_files + 1, "one new file "
          "net: the old avatar was removed")
    r = patch_multi(a, files=[("header", "h.png", "image/png",
                               png() + b"\0" * (3 * 1024 * 1024))])
    t.status(r, 200, "a 3 MiB header is fine (the limit is 4 MiB)")
    r = patch_multi(a, files=[("header", "h.png", "image/png",
                               png() + b"\0" * (4 * 1024 * 1024))])
    t.status(r, 422, "a header over 4 MiB is refused")
    t.like(r.json().get("error"), r"header.*limit is 4 MiB",
           "... naming the limit")
    # evhttp answers 413 from the headers and closes: send only those.
    raw = h.raw_exchange(srv.port, (
        "PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        "Content-Length: %d\r\n\r\n" % (UPDATE, a.token, 50 << 20)).encode())
    t.is_(h.raw_status(raw), 413, "a body over what an upload route takes "
          "(the largest media.* limit, 40 MiB, and the form around it) is "
          "413")
    r = patch_multi(a, [("location", "Rome")],
                    [("avatar", "", "application/octet-stream", b"")])
    t.status(r, 200, "an empty file input (no file chosen) is ignored")
    t.is_(r.json()["avatar"], acc["avatar"], "... the avatar stays")
    junk = media_files(srv)
    t.ok(not [f for f in junk if f.startswith(".")],
         "no temporary files are left in the media folder")


@h.case
def default_avatar(t, srv):
    """Someone who uploaded nothing has a served identicon and the
    default header."""
    anon = srv.client()
    r = anon.get("/avatars/bob.png")
    t.status(r, 200, "the default avatar is served without signing in")
    t.is_(r.header("Content-Type"), "image/png", "... as image/png")
    t.is_(r.body[:8], b"\x89PNG\r\n\x1a\n", "... and is a PNG")
    a = srv.p["alice"]
    bob = a.get("/api/v1/accounts/lookup?acct=bob").json()
    t.like(bob["avatar"], r"/avatars/bob\.png$", "bob, who uploaded "
           "nothing, has the default avatar URL")
    t.is_(a.get(urllib.parse.urlsplit(bob["avatar"]).path).body, r.body,
          "... which is that identicon")
    t.like(bob["header"], r"/static/header\.png$", "... and the default "
           "header")


@h.case
def unstorable_image_changes_nothing(t, srv):
    """An avatar the media folder cannot take is 500, and neither the
    name nor the avatar changes; with the folder back it works."""
    a = fresh(srv)
    upload_avatar(t, a)
    folder = media_dir(srv)
    before = a.get("/api/v1/accounts/verify_credentials").json()
    kept = sorted(os.listdir(folder))
    os.rename(folder, folder + ".away")
    try:
        with open(folder, "w") as f:
            f.write("not a folder")
        r = patch_multi(a, [("display_name", "Should Not Stick")],
                        [("avatar", "me.png", "image/png", png())])
        t.status(r, 500, "an avatar the media folder cannot take is 500")
        t.like(r.json().get("error", ""), r"could not be saved.*Nothing "
               "was changed", "... which says nothing was changed")
        now = a.get("/api/v1/accounts/verify_credentials").json()
        t.is_((now["display_name"], now["avatar"]),
              (before["display_name"], before["avatar"]),
              "... and nothing was: neither the name nor the avatar")
        t.like(srv.log(), r"profile of user \d+: media: .*not a "
               "directory", "the server log says why")
    finally:
        # Put the folder back even if a check raised: later cases use it.
        if os.path.isfile(folder):
            os.remove(folder)
        os.rename(folder + ".away", folder)
    t.is_(sorted(os.listdir(folder)), kept, "no file was left behind")
    r = patch_multi(a, [("display_name", "Sticks Now")],
                    [("avatar", "me.png", "image/png", png())])
    t.status(r, 200, "with the folder back, the same edit is saved")
    t.is_(r.json()["display_name"], "Sticks Now", "... the name too")


if __name__ == "__main__":
    h.main_cases(fixture)
