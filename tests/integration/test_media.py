"""Attachments in posts, as Mastodon's: uploads (POST /api/v1/media and
/api/v2/media, the web composer's POST /media and /compose's file parts),
pictures decoded and encoded again without their metadata, files kept as
they came and only ever downloaded, limits and quotas, media_ids on posts
and edits, who may fetch a file (a session that may read the post, or a
signed address), and how files are served (ETag, ranges, HEAD).

Every sample is made here, at test time.

Each case can run alone: make check TESTS=tests/integration/test_media.py
CASE=metadata_stripped (or `python3 .../test_media.py --list`)."""
import contextlib
import io
import os
import re
import struct
import time
import urllib.parse
import uuid
import zipfile
import zlib

import harness as h

MiB = 1 << 20


# ---------------------------------------------------------------- samples

def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def png(width=2, height=2, rgb=(200, 30, 30), noise=False, extra=b""):
    """A real RGB PNG (noise: random pixels, which do not compress);
    extra: more chunks before IDAT."""
    if noise:
        raw = b"".join(b"\0" + os.urandom(3 * width) for _ in range(height))
    else:
        raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                           0, 0, 0)) + extra +
            png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def jseg(marker, data):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data


def jpeg(width=1, height=1, segments=b""):
    """A real grey baseline JPEG of width x height: every 8x8 block all
    zero (DC category 0, AC end-of-block, one one-bit Huffman code each);
    segments go right after SOI."""
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    one_code = bytes([1] + [0] * 15) + b"\x00"
    return (b"\xff\xd8" + segments +
            jseg(0xe0, b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00") +
            jseg(0xdb, b"\x00" + b"\x01" * 64) +
            jseg(0xc0, b"\x08" + struct.pack(">HH", height, width) +
                 b"\x01\x01\x11\x00") +
            jseg(0xc4, b"\x00" + one_code) +
            jseg(0xc4, b"\x10" + one_code) +
            jseg(0xda, b"\x01\x01\x00\x00\x3f\x00") +
            scan + b"\xff\xd9")


def exif(orientation=6):
    """An APP1 Exif segment: IFD0 with Orientation and a GPS IFD pointer,
    the GPS IFD with GPSLatitudeRef and GPSLatitude (big-endian TIFF)."""
    def entry(tag, typ, count, value):
        return struct.pack(">HHI", tag, typ, count) + value
    ifd0_at, gps_at, data_at = 8, 8 + 30, 8 + 30 + 30
    tiff = b"MM\0*" + struct.pack(">I", ifd0_at)
    tiff += struct.pack(">H", 2)
    tiff += entry(0x0112, 3, 1, struct.pack(">HH", orientation, 0))
    tiff += entry(0x8825, 4, 1, struct.pack(">I", gps_at))
    tiff += struct.pack(">I", 0)
    tiff += struct.pack(">H", 2)
    tiff += entry(0x0001, 2, 2, b"N\0\0\0")
    tiff += entry(0x0002, 5, 3, struct.pack(">I", data_at))
    tiff += struct.pack(">I", 0)
    tiff += struct.pack(">IIIIII", 52, 1, 31, 1, 1234, 100)   # 52 31' 12.34"
    assert len(tiff) == data_at + 24
    return jseg(0xe1, b"Exif\0\0" + tiff)


def xmp(secret="xmp-secret"):
    packet = ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
              '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
              '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
              ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>%s'
              '</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>'
              '<?xpacket end="w"?>' % secret)
    return jseg(0xe1, b"http://ns.adobe.com/xap/1.0/\0" + packet.encode())


def comment(text="secret-comment-xyz"):
    return jseg(0xfe, text.encode())


def image_size(data):
    """(width, height) of a PNG or JPEG, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 4 <= len(data):
            if data[i] != 0xff:
                return None
            marker = data[i + 1]
            if marker in (0xd8, 0x01) or 0xd0 <= marker <= 0xd7:
                i += 2
                continue
            n = struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xc0 <= marker <= 0xcf and marker not in (0xc4, 0xc8, 0xcc):
                hh, ww = struct.unpack(">HH", data[i + 5:i + 9])
                return ww, hh
            i += 2 + n
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def docx():
    """A real (tiny) .docx: a zip with [Content_Types].xml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/word/document.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document>hello</w:document>")
    return buf.getvalue()


def zip_payload():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("evil.html", "<script>alert(1)</script>")
    return buf.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>"
       b"\n%%EOF\n")
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c"
                    "00000000010001000002024401003b")
WEBP = bytes.fromhex("524946461a000000574542505650384c0d0000002f0000001007"
                     "1011118888fe0700")


# ---------------------------------------------------------------- helpers

def multipart(fields=(), files=()):
    """(body, content type) for text fields [(name, value)] and files
    [(name, filename, content_type, bytes)]; a filename may be bytes."""
    b = "hearth-%s" % uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n" % (b, name)).encode() + (
                        value if isinstance(value, bytes) else
                        value.encode()) +
                   b"\r\n")
    for name, filename, ctype, data in files:
        if isinstance(filename, str):
            filename = filename.encode()
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"" % (b, name)).encode() + filename +
                   ("\"\r\nContent-Type: %s\r\n\r\n" % ctype).encode() +
                   data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


def upload(c, data, filename="a.png", ctype="image/png", fields=(), v=1,
           path=None, headers=None):
    """POST the file to the media API (or path); the response."""
    body, ct = multipart(fields, [("file", filename, ctype, data)])
    hh = {"Content-Type": ct}
    hh.update(headers or {})
    return c.request("POST", path or "/api/v%d/media" % v, body=body,
                     headers=hh)


def ready(t, c, r, what):
    """The MediaAttachment of an upload's answer: 200 at once, or 202
    then GET /api/v1/media/:id until 200 (206 meanwhile), as a Mastodon
    client does. None if it failed."""
    if r.status == 202:
        mid = r.json()["id"]
        last = [None]

        def check():
            g = c.get("/api/v1/media/%s" % mid)
            last[0] = g
            return g.status == 200
        if not h.poll(check, 30, 0.1):
            t.ok(False, what + ": processed within 30 s",
                 last[0].summary() if last[0] else "")
            return None
        return last[0].json()
    if not t.ok(r.status == 200, what + ": 200 (or 202)", r.summary()):
        return None
    return r.json()


def uploaded(t, c, data, filename="a.png", ctype="image/png", fields=(),
             v=1, what=None):
    return ready(t, c, upload(c, data, filename, ctype, fields, v),
                 what or "upload " + filename)


def path_of(url):
    """The path (and query) of an absolute or plain URL."""
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def name_of(url):
    return urllib.parse.urlsplit(url).path.rsplit("/", 1)[1]


def plain(url):
    return "/media/" + name_of(url)


def media_files(srv):
    """Every file under data_dir/media (fan-out folders walked), by
    name."""
    out = set()
    for root, _dirs, files in os.walk(os.path.join(srv.data_dir, "media")):
        out.update(files)
    return out


def browser(t, srv, name):
    b = srv.client()
    t.status(b.login(name), 303, "%s signs in with a browser" % name)
    return b


def post_json(c, obj):
    return c.request("POST", "/api/v1/statuses", json_body=obj)


def status_media_ids(s):
    return [m["id"] for m in s.get("media_attachments", [])]


def cd_safe(v):
    """Whether a Content-Disposition is an attachment with a quoted ASCII
    name and an RFC 8187 one, nothing else."""
    return v is not None and re.fullmatch(
        r"attachment; filename=\"[\x20-\x21\x23-\x5b\x5d-\x7e]*\"; "
        r"filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]*", v) is not None


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people(("alice", "Alice"), "bob", "carol")
        yield srv


# ---------------------------------------------------------------- cases

def check_image_entity(t, srv, c, m, what, desc=None):
    """The shape of an image's MediaAttachment, and its addresses."""
    t.ok(m is not None, what + ": an attachment")
    if m is None:
        return
    t.like(m.get("id"), r"^\d+$", what + ": id is a string of digits")
    t.is_(m.get("type"), "image", what + ": type image")
    for k in ("remote_url", "preview_remote_url", "text_url"):
        t.ok(k in m and m[k] is None, what + ": %s is null" % k)
    t.like(m.get("url"), r"^http://127\.0\.0\.1:%d/media/[^/?]+\?e=\d+&s="
           r"[A-Za-z0-9_-]+$" % srv.port, what + ": url is signed")
    t.like(m.get("preview_url") or "", r"/media/[^/?]+\?e=\d+&s=",
           what + ": preview_url is signed")
    now = time.time()
    e = int(re.search(r"e=(\d+)", m["url"]).group(1))
    t.ok(now + 6 * 3600 - 60 <= e <= now + 12 * 3600 + 60,
         what + ": the signature is valid 6 to 12 h", "e=%d now=%d"
         % (e, now))
    meta = m.get("meta") or {}
    o, s = meta.get("original") or {}, meta.get("small") or {}
    t.ok(o.get("width", 0) > 0 and o.get("height", 0) > 0,
         what + ": meta.original has a size", repr(meta))
    t.is_(o.get("size"), "%sx%s" % (o.get("width"), o.get("height")),
          what + ": meta.original.size is WxH")
    t.ok(o.get("height") and abs(o.get("aspect", 0) - o["width"] /
                                 o["height"]) < 0.01,
         what + ": meta.original.aspect is width/height", repr(o))
    t.ok(s.get("width", 0) > 0 and s["width"] <= o.get("width", 0) and
         s.get("height", 0) <= o.get("height", 0), what + ": meta.small "
         "is no larger than the original", repr(meta))
    t.ok(isinstance(meta.get("focus"), dict) and "x" in meta["focus"] and
         "y" in meta["focus"], what + ": meta.focus has x and y",
         repr(meta))
    t.ok(isinstance(m.get("blurhash"), str) and len(m["blurhash"]) >= 6,
         what + ": a blurhash", repr(m.get("blurhash")))
    t.is_(m.get("description"), desc, what + ": description")
    hh = m.get("hearth") or {}
    t.ok(hh.get("kind") in ("image", "gifv"), what + ": hearth.kind is a "
         "picture's", repr(hh))
    for k in ("filename", "bytes", "size_text", "icon", "mime"):
        t.ok(k in hh, what + ": hearth.%s" % k, repr(hh))
    g = srv.client().get(path_of(m["url"]))
    t.status(g, 200, what + ": the signed url serves without credentials")
    t.like(g.header("Content-Type") or "", r"^image/(png|jpeg|webp|gif)$",
           what + ": ... as an image type")
    t.is_(g.header("Content-Type"), hh.get("mime"),
          what + ": ... the type hearth.mime says")
    t.ok(image_size(g.body) in (None, "webp") or
         tuple(image_size(g.body)) == (o.get("width"), o.get("height")),
         what + ": the served picture has meta.original's size",
         "served %r, meta %r" % (image_size(g.body), o))
    t.ok(0 < len(g.body) <= hh.get("bytes", 0), what + ": hearth.bytes "
         "counts at least the served picture", "%d served, bytes %r"
         % (len(g.body), hh.get("bytes")))
    t.unlike(g.header("Content-Disposition") or "", r"^attachment",
             what + ": a picture is inline")
    p = srv.client().get(path_of(m["preview_url"]))
    t.status(p, 200, what + ": the preview serves")
    t.like(p.header("Content-Type") or "", r"^image/",
           what + ": ... as an image")
    if image_size(p.body) not in (None, "webp"):
        t.is_(tuple(image_size(p.body)), (s.get("width"), s.get("height")),
              what + ": the preview has meta.small's size")


@h.case
def upload_image_v1(t, srv):
    """POST /api/v1/media: a PNG with a description and a focus."""
    a = srv.p["alice"]
    r = upload(a, png(64, 48, noise=True), "photo.png", "image/png",
               [("description", "A red square"), ("focus", "0.5,-0.25")])
    m = ready(t, a, r, "v1 upload")
    check_image_entity(t, srv, a, m, "v1", "A red square")
    if m is None:
        return
    t.is_(m["meta"].get("focus"), {"x": 0.5, "y": -0.25},
          "the focus is kept")
    t.is_((m["meta"]["original"]["width"], m["meta"]["original"]["height"]),
          (64, 48), "a small picture keeps its size")
    t.is_(m["hearth"]["filename"], "photo.png", "hearth.filename")
    g = a.get("/api/v1/media/%s" % m["id"])
    t.status(g, 200, "GET /api/v1/media/:id by its owner")
    t.is_(g.json().get("id"), m["id"], "... the same attachment")
    t.status(srv.p["bob"].get("/api/v1/media/%s" % m["id"]), 404,
             "... another person's GET is 404")
    t.status(srv.client().get("/api/v1/media/%s" % m["id"]), 401,
             "... and signed out it is 401")


@h.case
def upload_image_v2(t, srv):
    """POST /api/v2/media: 200, or 202 then GET until processed."""
    a = srv.p["alice"]
    r = upload(a, png(40, 30, noise=True), "v2.png", "image/png",
               [("description", "v2 alt")], v=2)
    t.ok(r.status in (200, 202), "v2 answers 200 or 202", r.summary())
    m = ready(t, a, r, "v2 upload")
    check_image_entity(t, srv, a, m, "v2", "v2 alt")


@h.case
def upload_large_v2(t, srv):
    """A picture over 1 MiB through v2: 202 with an id (206 on GET while
    processing), then 200 with the entity; a damaged one ends 422; it
    can be attached once ready."""
    a = srv.p["alice"]
    big = png(620, 600, noise=True)
    t.ok(len(big) > MiB, "the sample is over 1 MiB", "%d bytes" % len(big))
    r = upload(a, big, "big.png", fields=[("description", "big one")], v=2)
    t.ok(r.status in (200, 202), "v2 answers 200 or 202", r.summary())
    if r.status == 202:
        p = r.json()
        t.like(p.get("id", ""), r"^\d+$", "202: the pending entity has an "
               "id")
        t.is_((p.get("url"), p.get("description")), (None, "big one"),
              "... no url yet, its description")
        g = a.get("/api/v1/media/%s" % p["id"])
        t.ok(g.status in (200, 206), "GET meanwhile: 206 or 200",
             g.summary())
    m = ready(t, a, r, "a large v2 upload")
    check_image_entity(t, srv, a, m, "large v2", "big one")
    if m:
        r = post_json(a, {"status": "big", "media_ids": [m["id"]]})
        t.status(r, 200, "the processed upload can be attached")
    bigger = png(900, 900, noise=True)
    cut = bigger[:len(bigger) * 2 // 3]
    before = media_files(srv)
    r = upload(a, cut, "cut-big.png", v=2)
    if r.status == 202:
        mid = r.json()["id"]
        g = h.poll(lambda: (lambda x: x if x.status != 206 else None)(
            a.get("/api/v1/media/%s" % mid)), 30, 0.1)
        t.status(g, 422, "a damaged large picture: GET ends 422")
        t.like(g.json().get("error", "") if g else "", r"file",
               "... saying why")
        r = post_json(a, {"status": "x", "media_ids": [mid]})
        t.status(r, 422, "... and cannot be attached")
    else:
        t.status(r, 422, "a damaged large picture is 422")
    t.ok(h.poll(lambda: not (media_files(srv) - before), 5),
         "... and leaves no file", repr(media_files(srv) - before))


@h.case
def upload_formats(t, srv):
    """JPEG, GIF and WebP are pictures too; a big one is fitted."""
    a = srv.p["alice"]
    for kind, data, mime in [("jpg", jpeg(16, 8), "image/jpeg"),
                             ("gif", GIF, "image/gif"),
                             ("webp", WEBP, "image/webp")]:
        m = uploaded(t, a, data, "x." + kind, mime)
        t.is_(m and m.get("type"), "image", "a %s is an image" % kind)
    m = uploaded(t, srv.p["alice"], png(3000, 10), "wide.png")
    if m:
        t.is_(m["meta"]["original"]["width"], 3000, "3000 px wide fits "
              "(image_side 3840)")
        t.ok(m["meta"]["small"]["width"] <= 640, "the thumbnail is at "
             "most 640 wide", repr(m["meta"]))


@h.case
def metadata_stripped(t, srv):
    """EXIF (GPS), XMP, comments and PNG text are gone from what is
    served; the orientation is applied."""
    a = srv.p["alice"]
    segs = exif(6) + xmp() + comment()
    data = jpeg(32, 16, segs)
    for s in (b"Exif", b"xmp-secret", b"secret-comment-xyz"):
        t.ok(s in data, "the sample has %r" % s)
    m = uploaded(t, a, data, "gps.jpg", "image/jpeg")
    if m is None:
        return
    g = srv.client().get(path_of(m["url"]))
    t.status(g, 200, "the picture is served")
    p = srv.client().get(path_of(m["preview_url"]))
    for what, body in (("picture", g.body), ("preview", p.body)):
        for s in (b"Exif", b"GPS", b"secret-comment-xyz", b"xmp-secret",
                  b"http://ns.adobe.com/xap"):
            t.ok(s not in body, "the served %s has no %r" % (what, s))
    t.is_((m["meta"]["original"]["width"], m["meta"]["original"]["height"]),
          (16, 32), "Orientation 6: width and height swapped")
    sz = image_size(g.body)
    if sz not in (None, "webp"):
        t.is_(tuple(sz), (16, 32), "... in the served picture too")
    # PNG text chunks
    data = png(8, 8, extra=png_chunk(b"tEXt", b"Comment\0png-secret-text") +
               png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0xmp-secret"))
    m = uploaded(t, a, data, "t.png")
    if m:
        body = srv.client().get(path_of(m["url"])).body
        t.ok(b"png-secret-text" not in body and b"xmp-secret" not in body
             and b"tEXt" not in body, "a PNG's text chunks are gone")


FILES = [
    # name, sent type, bytes, served type (regex), hearth.icon
    ("report.pdf", "application/pdf", PDF, r"^application/pdf$", "pdf"),
    ("notes.docx", "application/vnd.openxmlformats-officedocument."
     "wordprocessingml.document", None,
     r"^application/vnd\.openxmlformats-officedocument\.wordprocessingml"
     r"\.document$", "doc"),
    ("data.csv", "text/csv", b"a,b\n1,2\n", r"^text/csv; charset=utf-8$",
     "sheet"),
    ("readme.txt", "text/plain", b"hello\n", r"^text/plain; charset=utf-8$",
     "text"),
    ("page.html", "text/html",
     b"<html><script>alert(document.cookie)</script></html>",
     r"^(application/octet-stream|text/plain; charset=utf-8)$", None),
    ("pic.svg", "image/svg+xml",
     b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
     b'</svg>', r"^(application/octet-stream|text/plain; charset=utf-8)$",
     None),
    ("setup.exe", "application/x-msdownload", None,
     r"^application/octet-stream$", "file"),
]


@h.case
def files(t, srv):
    """PDF, docx, csv, txt, HTML, SVG and random bytes: kept as they
    came, type unknown, served only as downloads with a safe type."""
    a = srv.p["alice"]
    anon = srv.client()
    for name, ctype, data, served, icon in FILES:
        if data is None:
            data = docx() if name.endswith(".docx") else \
                b"MZ\x90\0" + os.urandom(3000)
        m = uploaded(t, a, data, name, ctype, what=name)
        if m is None:
            continue
        t.is_(m.get("type"), "unknown", name + ": type unknown")
        t.is_(m.get("preview_url"), None, name + ": no preview")
        t.is_(m.get("blurhash"), None, name + ": no blurhash")
        hh = m.get("hearth") or {}
        t.is_((hh.get("kind"), hh.get("filename"), hh.get("bytes")),
              ("file", name, len(data)), name + ": hearth says file, "
              "name, bytes")
        if icon:
            t.is_(hh.get("icon"), icon, name + ": icon")
        t.like(hh.get("mime"), served, name + ": hearth.mime")
        g = anon.get(path_of(m["url"]))
        t.status(g, 200, name + ": served by its signed url")
        t.is_(g.body, data, name + ": byte for byte")
        ct = g.header("Content-Type") or ""
        t.like(ct, served, name + ": Content-Type")
        t.unlike(ct, r"(?i)^(text/html|image/svg|application/xhtml|"
                 r"text/xml|application/xml|[a-z/+-]*javascript)",
                 name + ": never a type a browser renders")
        cd = g.header("Content-Disposition")
        t.ok(cd_safe(cd), name + ": Content-Disposition attachment", cd)
        t.like(cd or "", r'filename="%s"' % re.escape(name),
               name + ": ... with its name")
        t.is_(g.header("X-Content-Type-Options"), "nosniff",
              name + ": nosniff")
        t.is_(g.header("Content-Security-Policy"),
              "default-src 'none'; sandbox", name + ": sandboxing CSP")
        t.like(g.header("Cache-Control") or "", r"immutable",
               name + ": Cache-Control immutable")


@h.case
def polyglots(t, srv):
    """A PNG with HTML after it and a JPEG with a zip after it are
    pictures; what is served is a fresh encode without the payload."""
    a = srv.p["alice"]
    html = b"<html><script>alert(1)</script></html>"
    zp = zip_payload()
    for name, ctype, data, payload in [
            ("poly.png", "image/png", png(16, 16, noise=True) + html, html),
            ("poly.jpg", "image/jpeg", jpeg(16, 16) + zp, zp)]:
        m = uploaded(t, a, data, name, ctype)
        if m is None:
            continue
        t.is_(m.get("type"), "image", name + ": accepted as a picture")
        g = srv.client().get(path_of(m["url"]))
        t.status(g, 200, name + ": served")
        t.isnt(g.body, data, name + ": not the bytes uploaded")
        t.ok(b"<script" not in g.body and b"PK\x03\x04" not in g.body and
             b"evil.html" not in g.body, name + ": no payload in what is "
             "served")
        t.like(g.header("Content-Type") or "", r"^image/",
               name + ": served as an image")


def refused(t, srv, c, r, want, what, error_re, todo=None):
    """Check an upload was refused with want and an error matching
    error_re, and that it left no file; an upload wrongly accepted is
    deleted again so the next check starts clean."""
    before = refused.files
    t.ok(r.status == want, what + ": %d" % want, "got %s\n%s"
         % (r.status, r.summary()), todo=todo)
    err = r.json().get("error", "") if r.status == want else ""
    t.ok(re.search(error_re, err), what + ": the error says why",
         "got %r, want a match of %r" % (err, error_re), todo=todo)
    left = media_files(srv) - before
    t.ok(not left, what + ": no file is left", repr(left), todo=todo)
    if r.status == 200:
        c.request("DELETE", "/api/v1/media/%s" % r.json()["id"])
    refused.files = media_files(srv)


@h.case
def bad_images(t, srv):
    """A truncated PNG, a PNG claiming 100000x100000 pixels, a broken
    header, an empty upload, no file field, a bad focus or description:
    each 422 with its reason, leaving nothing on disk; memory flat."""
    a = srv.p["alice"]
    refused.files = media_files(srv)
    good = png(200, 200, noise=True)
    i = good.index(b"IDAT")
    n = struct.unpack(">I", good[i - 4:i])[0]
    cut = good[:i + 4 + n // 2]
    r = upload(a, cut, "cut.png")
    refused(t, srv, a, r, 422, "a PNG cut in the middle of IDAT",
            r"(?i)file.*(picture|image|read|truncat|corrupt|damaged)")
    huge = (b"\x89PNG\r\n\x1a\n" +
            png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8,
                                           2, 0, 0, 0)) +
            png_chunk(b"IDAT", zlib.compress(b"\0" * 30001)) +
            png_chunk(b"IEND", b""))
    rss = srv.rss_mb()
    t0 = time.monotonic()
    r = upload(a, huge, "huge.png")
    took = time.monotonic() - t0
    if r.status == 200:
        t.diag("the 100000x100000 PNG was kept as %s, %s"
               % (r.json().get("type"), r.json().get("hearth", {}).get(
                   "mime")))
    refused(t, srv, a, r, 422, "a PNG claiming 100000x100000 pixels",
            r"pixels")
    if not h.SANITIZED:
        t.ok(took < 2, "... answered quickly", "took %.2f s" % took)
        t.ok(srv.rss_mb() - rss < 30, "... and memory stays flat",
             "%.1f MB -> %.1f MB" % (rss, srv.rss_mb()))
    r = upload(a, b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "broken.png")
    refused(t, srv, a, r, 422, "a PNG signature with a broken header",
            r"(?i)file")
    big = png(9000, 5000)
    r = upload(a, big, "45mp.png")
    refused(t, srv, a, r, 422, "a real 9000x5000 PNG (45 M pixels, over "
            "media.max_image_pixels)", r"pixels")
    r = upload(a, b"", "empty.png")
    refused(t, srv, a, r, 422, "an empty file", r"empty")
    body, ct = multipart([("description", "no file")])
    r = a.request("POST", "/api/v1/media", body=body,
                  headers={"Content-Type": ct})
    refused(t, srv, a, r, 422, "no file field", r"file")
    r = upload(a, png(), "f.png", fields=[("focus", "2,0")])
    refused(t, srv, a, r, 422, "a focus outside -1..1", r"focus")
    r = upload(a, png(), "d.png", fields=[("description", "x" * 1501)])
    refused(t, srv, a, r, 422, "a description over 1500 characters",
            r"description")
    r = upload(a, png(), "u.png", fields=[("description", b"caf\xff")])
    t.ok(r.status in (400, 422), "a description that is not UTF-8 is "
         "refused", r.summary())


@h.case
def filenames(t, srv):
    """Names with folders, NUL, an RTL override or 1000 characters are
    cleaned; Content-Disposition stays safe."""
    a = srv.p["alice"]
    cases = [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("photo\u202egpj.exe", None),
        (b"nul\x00byte.txt", None),
        ("x" * 1000 + ".txt", None),
        ("\u00e9t\u00e9 r\u00e9sum\u00e9 \U0001F600.txt",
         "\u00e9t\u00e9 r\u00e9sum\u00e9 \U0001F600.txt"),
        ("a;b\\c%20'x'.txt", None),
    ]
    for sent, want in cases:
        label = repr(sent if len(sent) < 40 else sent[:20] + "...")
        r = upload(a, b"plain text\n", sent, "text/plain")
        if r.status != 200:
            t.diag("%s refused: %s" % (label, r.text[:200]))
            t.ok(r.status in (400, 422), "%s: refused cleanly" % label,
                 r.summary())
            continue
        m = ready(t, a, r, label)
        fn = (m or {}).get("hearth", {}).get("filename", "")
        t.diag("%s stored as %r" % (label, fn))
        if want is not None:
            t.is_(fn, want, "%s: stored as %r" % (label, want))
        t.ok(fn and "/" not in fn and "\\" not in fn and "\0" not in fn
             and "\u202e" not in fn and not fn.startswith(".")
             and len(fn.encode()) <= 200 and
             not re.search(r"[\x00-\x1f\x7f]", fn),
             "%s: the name is clean" % label, repr(fn))
        if isinstance(sent, str) and sent.endswith(".txt"):
            t.ok(fn.endswith(".txt"), "%s: extension kept" % label, fn if
                 len(sent) > 800 else None)
        g = srv.client().get(path_of(m["url"]))
        cd = g.header("Content-Disposition")
        t.ok(cd_safe(cd), "%s: Content-Disposition is safe" % label, cd)
        t.ok(cd is not None and "\u202e" not in cd and "/" not in
             urllib.parse.unquote(cd.split("filename*=UTF-8''")[-1]),
             "%s: ... no slash or override in its UTF-8 name" % label, cd)


@h.case
def lying_types(t, srv):
    """What a file is comes from its bytes, not its name or type."""
    a = srv.p["alice"]
    m = uploaded(t, a, png(4, 4), "x.pdf", "application/pdf")
    if m:
        t.is_(m.get("type"), "image", "a PNG named x.pdf sent as PDF is "
              "an image")
        g = srv.client().get(path_of(m["url"]))
        ct = g.header("Content-Type") or ""
        t.like(ct, r"^image/(png|jpeg)$", "... served as a picture")
        t.is_(ct, "image/png" if g.body[:4] == b"\x89PNG" else "image/jpeg"
              if g.body[:2] == b"\xff\xd8" else "?", "... of the type "
              "its bytes are")
    r = upload(a, b"just some text\n", "a.png", "image/png")
    if r.status == 422:
        t.ok(True, "text named a.png sent as image/png is refused")
        return
    m = ready(t, a, r, "text named a.png")
    if m is None:
        return
    t.is_(m.get("type"), "unknown", "text named a.png is kept as a file")
    g = srv.client().get(path_of(m["url"]))
    t.unlike(g.header("Content-Type") or "", r"^image/",
             "... never served as an image")
    t.ok(cd_safe(g.header("Content-Disposition")), "... only as a "
         "download", g.header("Content-Disposition"))
    r = upload(a, b"%PDF-1.4 pretend\n" + PDF, "notes.txt", "text/plain")
    m = ready(t, a, r, "a PDF named notes.txt")
    if m:
        t.isnt(srv.client().get(path_of(m["url"])).header("Content-Type"),
               "text/html", "a PDF named .txt is not served as HTML")


@h.case
def size_limits(t, srv):
    """Over-size pictures and files are 413 with a message; a huge
    Content-Length is refused before its body is read."""
    with h.Server(t, name="small", **{"media.max_image_size": 100000,
                                      "media.max_file_size": 50000}) as s:
        a = s.people("dora")["dora"]
        big = png(200, 200, noise=True)
        t.ok(len(big) > 100000, "the sample picture is over 100000 bytes")
        r = upload(a, big, "big.png")
        t.status(r, 413, "a picture over media.max_image_size is 413")
        t.like(r.json().get("error", "") if r.status == 413 else "",
               r"limit is 100 KB", "... saying the limit")
        mid = png(140, 140, noise=True)
        t.ok(50000 < len(mid) < 100000, "a picture between the limits")
        r = upload(a, mid, "mid.png")
        t.status(r, 200, "... is under the picture limit: 200")
        r = upload(a, b"a,b\n" * 15000, "big.csv", "text/csv")
        t.status(r, 413, "a file over media.max_file_size is 413")
        t.like(r.json().get("error", "") if r.status == 413 else "",
               r"limit is 50 KB", "... saying the limit")
        r = upload(a, b"a,b\n" * 12000, "ok.csv", "text/csv")
        t.status(r, 200, "a 48000-byte file is fine")
        conf = s.client().get("/api/v2/instance").json().get(
            "configuration", {}).get("media_attachments", {})
        t.is_((conf.get("image_size_limit"), conf.get("video_size_limit")),
              (100000, 50000), "the instance states these limits")
        for path in ("/api/v1/media", "/api/v2/media"):
            t0 = time.monotonic()
            raw = h.raw_exchange(s.port, (
                "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: multipart/form-data; boundary=b\r\n"
                "Content-Length: 2147483648\r\n\r\n--b\r\n" % (path, a.token)
            ).encode(), timeout=10)
            took = time.monotonic() - t0
            t.is_(h.raw_status(raw), 413, "%s with Content-Length 2 GB is "
                  "413" % path)
            t.ok(took < 5, "... at once, not after reading a body",
                 "took %.1f s" % took)
        t.ok(s.proc.poll() is None, "the server is still up")


@h.case
def quota(t, srv):
    """media.quota_per_person and media.quota_total: the upload over one
    is refused naming it and leaves no file."""
    with h.Server(t, name="quota", **{"media.quota_per_person": 50000,
                                      "media.quota_total": 80000}) as s:
        p = s.people("erin", "fay", "gus")
        r = upload(p["erin"], b"x" * 30000 + b"\n", "a.txt", "text/plain")
        t.status(r, 200, "30 KB of 50 KB: fine")
        before = media_files(s)
        r = upload(p["erin"], b"y" * 30000 + b"\n", "b.txt", "text/plain")
        t.status(r, 422, "60 KB of 50 KB: 422")
        t.like(r.json().get("error", "") if r.status == 422 else "",
               r"(?i)quota|of your 50 KB", "... naming the quota")
        t.is_(media_files(s) - before, set(), "... and no file is left")
        r = upload(p["erin"], png(300, 300, noise=True), "c.png")
        t.status(r, 422, "a picture over the quota is refused too")
        t.is_(media_files(s) - before, set(), "... and leaves no file")
        r = upload(p["erin"], png(620, 600, noise=True), "big.png", v=2)
        if r.status == 202:
            mid = r.json()["id"]
            g = h.poll(lambda: (lambda x: x if x.status != 206 else None)(
                p["erin"].get("/api/v1/media/%s" % mid)), 30, 0.1)
            r = g or r
        t.status(r, 422, "a large v2 picture over the quota is refused")
        t.like(r.json().get("error", "") if r.status == 422 else "",
               r"(?i)quota|of your 50 KB", "... naming the quota")
        t.ok(h.poll(lambda: not (media_files(s) - before), 5),
             "... and leaves no file", repr(media_files(s) - before))
        r = upload(p["fay"], b"z" * 30000 + b"\n", "f.txt", "text/plain")
        t.status(r, 200, "fay's 30 KB: 60 KB of 80 KB in all")
        before = media_files(s)
        r = upload(p["gus"], b"w" * 30000 + b"\n", "g.txt", "text/plain")
        t.ok(r.status in (422, 503, 507), "gus's 30 KB passes the total: "
             "refused", r.summary())
        t.like(r.text, r"quota_total", "... naming media.quota_total")
        t.is_(media_files(s) - before, set(), "... and no file is left")


@h.case
def statuses(t, srv):
    """media_ids on posts: order, empty text, at most 4, only one's own
    free uploads; edits replace them; attached uploads are the post's."""
    a, b = srv.p["alice"], srv.p["bob"]
    ids = []
    for i in range(5):
        m = uploaded(t, a, png(4 + i, 4), "p%d.png" % i)
        ids.append(m["id"] if m else "0")
    r = a.post("/api/v1/statuses", [("status", "two pictures"),
                                    ("media_ids[]", ids[1]),
                                    ("media_ids[]", ids[0])])
    t.status(r, 200, "a post with media_ids[] as a form")
    s1 = r.json()
    t.is_(status_media_ids(s1), [ids[1], ids[0]], "... in the order given")
    t.like(s1["media_attachments"][0].get("url", ""), r"\?e=\d+&s=",
           "... with signed urls")
    r = post_json(a, {"status": "", "media_ids": [ids[2]]})
    t.status(r, 200, "a post with empty text and media_ids as JSON")
    s2 = r.json()
    t.is_(status_media_ids(s2), [ids[2]], "... has its attachment")
    r = post_json(a, {"status": "", "media_ids": []})
    t.status(r, 422, "empty text without media is still 422")
    r = post_json(a, {"status": "five", "media_ids": ids})
    t.status(r, 422, "5 media_ids are 422")
    r = post_json(a, {"status": "taken", "media_ids": [ids[0]]})
    t.status(r, 422, "an upload another post has is 422")
    t.like(r.json().get("error", ""), ids[0], "... naming it")
    bm = uploaded(t, b, png(), "bob.png")
    r = post_json(a, {"status": "bob's", "media_ids": [bm["id"]]})
    t.status(r, 422, "someone else's upload is 422")
    r = post_json(a, {"status": "no such", "media_ids": ["999999"]})
    t.status(r, 422, "an unknown id is 422")
    r = post_json(a, {"status": "bad", "media_ids": ["abc"]})
    t.status(r, 422, "an id that is no number is 422")
    t.is_(a.get("/api/v1/statuses/%s" % s1["id"]).json().get(
        "media_attachments", [{}])[0].get("id"), ids[1],
        "GET the status shows its attachments")

    # edits
    r = a.request("PUT", "/api/v1/statuses/%s" % s1["id"], json_body={
        "status": "now others", "media_ids": [ids[3], ids[1]],
        "media_attributes": [{"id": ids[1], "description": "new alt"}]})
    t.status(r, 200, "an edit with new media_ids")
    e = r.json()
    t.is_(status_media_ids(e), [ids[3], ids[1]], "... replaces the list")
    t.is_([m.get("description") for m in e["media_attachments"]],
          [None, "new alt"], "... and media_attributes set a description")
    hist = a.get("/api/v1/statuses/%s/history" % s1["id"])
    t.status(hist, 200, "the history")
    versions = hist.json() if hist.status == 200 else []
    t.ok(len(versions) >= 2, "... has two versions", hist.text[:500])
    if versions:
        t.ok([m.get("id") for m in versions[0].get("media_attachments",
                                                    [])] == [ids[1], ids[0]],
             "... the first with its attachments",
             "got %r" % versions[0].get("media_attachments"))
        t.ok([m.get("id") for m in versions[-1].get("media_attachments",
                                                     [])] == [ids[3], ids[1]],
             "... the last with the new ones",
             "got %r" % versions[-1].get("media_attachments"))
    r = a.request("PUT", "/api/v1/statuses/%s" % s1["id"],
                  form={"status": "no media now"})
    t.status(r, 200, "an edit without media_ids")
    t.is_(status_media_ids(r.json()), [], "... leaves none (Mastodon's "
          "rule)")

    # the uploads themselves
    r = a.request("PUT", "/api/v1/media/%s" % ids[2],
                  form={"description": "late"})
    t.status(r, 422, "PUT an attached upload is 422")
    r = a.request("DELETE", "/api/v1/media/%s" % ids[2])
    t.status(r, 422, "DELETE an attached upload is 422")
    r = a.request("PUT", "/api/v1/media/%s" % ids[4],
                  form={"description": "alt four", "focus": "0.1,0.2"})
    t.status(r, 200, "PUT a free upload")
    t.is_((r.json().get("description"), r.json().get("meta", {}).get(
        "focus")), ("alt four", {"x": 0.1, "y": 0.2}),
        "... changes description and focus")
    t.status(b.request("PUT", "/api/v1/media/%s" % ids[4],
                       form={"description": "bob"}), 404,
             "PUT another's upload is 404")
    t.status(b.request("DELETE", "/api/v1/media/%s" % ids[4]), 404,
             "DELETE another's upload is 404")
    url = a.get("/api/v1/media/%s" % ids[4]).json()["url"]
    t.status(srv.client().get(path_of(url)), 200, "its signed url works")
    name = name_of(url)
    t.ok(name in media_files(srv), "its file is on disk")
    r = a.request("DELETE", "/api/v1/media/%s" % ids[4])
    t.status(r, 200, "DELETE a free upload is 200")
    t.is_(r.json() if r.status == 200 else None, {}, "... answering {}")
    t.status(srv.client().get(path_of(url)), 404, "... its url is 404 now")
    t.ok(name not in media_files(srv), "... and its file is gone")
    t.status(a.get("/api/v1/media/%s" % ids[4]), 404, "... and GET is 404")

    # deleting the post takes the files of every version's attachments
    kept = {}
    for i in (0, 1, 3):
        g = a.get("/api/v1/media/%s" % ids[i])
        if g.status == 200:
            kept[i] = {name_of(g.json()["url"]),
                       name_of(g.json()["preview_url"])}
    t.is_(sorted(kept), [0, 1, 3], "the uploads of both versions are "
          "still the post's")
    gone = set().union(*kept.values()) if kept else set()
    t.ok(gone and gone <= media_files(srv), "... with their files")
    t.status(a.request("DELETE", "/api/v1/statuses/%s" % s1["id"]), 200,
             "alice deletes the edited post")
    t.ok(h.poll(lambda: not (gone & media_files(srv)), 5), "... every "
         "version's files are gone", repr(gone & media_files(srv)))
    t.is_([a.get("/api/v1/media/%s" % ids[i]).status for i in (0, 1, 3)],
          [404, 404, 404], "... and so are the uploads")


@h.case
def access(t, srv):
    """Who may fetch an attachment: a session that may read the post or
    the signed address; anyone else 404; gone with its post."""
    a = srv.p["alice"]
    alice_web = browser(t, srv, "alice")
    bob_web = browser(t, srv, "bob")
    anon = srv.client()
    m = uploaded(t, a, png(20, 20, noise=True), "private.png")
    r = post_json(a, {"status": "for followers", "visibility": "private",
                      "media_ids": [m["id"]]})
    t.status(r, 200, "alice posts a private post with a picture")
    sid = r.json()["id"]
    att = r.json()["media_attachments"][0]
    url, purl = att["url"], att["preview_url"]
    names = {name_of(url), name_of(purl)}
    t.ok(names <= media_files(srv), "its files are on disk")
    t.status(alice_web.get(plain(url)), 200, "alice's session: the plain "
             "url serves")
    t.status(bob_web.get(plain(url)), 404, "bob, no follower, with his "
             "session: 404")
    t.status(bob_web.get(plain(purl)), 404, "... and the preview: 404")
    t.status(anon.get(plain(url)), 404, "no session, no signature: 404")
    t.status(srv.p["bob"].get("/api/v1/media/%s" % m["id"]), 404,
             "bob's GET /api/v1/media/:id of alice's is 404")
    g = anon.get(path_of(url))
    t.status(g, 200, "the signed url works without cookies")
    sig = re.search(r"s=([A-Za-z0-9_-]+)", url).group(1)
    bad = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    t.status(anon.get(path_of(url).replace("s=" + sig, "s=" + bad)), 404,
             "a tampered s is 404")
    t.status(bob_web.get(path_of(url).replace("s=" + sig, "s=" + bad)), 404,
             "... with bob's session too")
    e = re.search(r"e=(\d+)", url).group(1)
    t.status(anon.get(path_of(url).replace("e=" + e, "e=%d" % (
        time.time() - 60))), 404, "an e in the past is 404")
    t.status(anon.get(path_of(url).replace("e=" + e, "e=%d" % (
        int(e) + 6 * 3600))), 404, "a later e with the same s is 404")
    t.status(anon.get(plain(url) + "?e=" + e), 404, "e without s is 404")
    t.status(anon.get(path_of(purl)), 200, "the signed preview works")
    r = anon.get(path_of(url).replace(name_of(url), name_of(purl)))
    t.status(r, 404, "a signature of one file does not open another")

    # public post: anyone signed in may read it
    m2 = uploaded(t, a, png(5, 5), "public.png")
    r = post_json(a, {"status": "for all", "media_ids": [m2["id"]]})
    t.status(bob_web.get(plain(r.json()["media_attachments"][0]["url"])),
             200, "bob's session opens a public post's picture")

    # unattached upload
    m3 = uploaded(t, a, png(6, 6), "draft.png")
    t.status(alice_web.get(plain(m3["url"])), 200, "an unattached upload: "
             "alice's session opens it")
    t.status(bob_web.get(plain(m3["url"])), 404, "... bob's session: 404")
    t.status(anon.get(plain(m3["url"])), 404, "... no session: 404")
    t.status(anon.get(path_of(m3["url"])), 200, "... its signed url works")

    # avatars are no attachments: public by their name
    body, ct = multipart(files=[("avatar", "me.png", "image/png", png())])
    r = a.request("PATCH", "/api/v1/accounts/update_credentials",
                  body=body, headers={"Content-Type": ct})
    t.status(r, 200, "alice uploads an avatar")
    t.status(anon.get(plain(r.json().get("avatar", "/media/x"))), 200,
             "... served by name without a session or signature")

    # a deleted post takes its files
    r = a.request("DELETE", "/api/v1/statuses/%s" % sid)
    t.status(r, 200, "alice deletes the private post")
    t.status(anon.get(path_of(url)), 404, "the signed url is 404 now")
    t.status(alice_web.get(plain(url)), 404, "... and alice's plain url")
    t.ok(h.poll(lambda: not (names & media_files(srv)), 5),
         "the files are gone from disk", repr(names & media_files(srv)))
    t.status(a.get("/api/v1/media/%s" % m["id"]), 404,
             "... and the upload is gone")


@h.case
def expiry(t, srv):
    """An upload no post took within a day goes (hearthctl media cleanup,
    the daily clean-up's work; the day is made to pass by backdating the
    rows), with its files; an attached one stays."""
    import sqlite3
    a = srv.p["carol"]
    free = uploaded(t, a, png(6, 6), "old-free.png")
    used = uploaded(t, a, png(7, 7), "old-used.png")
    r = post_json(a, {"status": "kept", "media_ids": [used["id"]]})
    t.status(r, 200, "one upload is attached")
    fnames = {name_of(free["url"]), name_of(free["preview_url"])}
    unames = {name_of(used["url"]), name_of(used["preview_url"])}
    t.ok((fnames | unames) <= media_files(srv), "both are on disk")
    with contextlib.closing(sqlite3.connect(srv.db, timeout=10)) as db:
        db.execute("UPDATE media SET created_at = created_at - 2 * 86400 "
                   "WHERE id IN (?, ?)", (int(free["id"]), int(used["id"])))
        db.commit()
    p = srv.ctl("media", "cleanup")
    t.is_(p.returncode, 0, "hearthctl media cleanup")
    t.like(p.stdout, r"removed: 1 unattached", "... removed one upload")
    t.ok(not (fnames & media_files(srv)), "the free upload's files are "
         "gone", repr(fnames & media_files(srv)))
    t.status(a.get("/api/v1/media/%s" % free["id"]), 404,
             "... and so is its record")
    t.ok(unames <= media_files(srv), "the attached one's files stay")
    t.status(srv.client().get(path_of(r.json()["media_attachments"][0][
        "url"])), 200, "... and it is served")


@h.case
def http_serving(t, srv):
    """ETag and If-None-Match, ranges, 416, HEAD."""
    a = srv.p["alice"]
    data = b"0123456789" * 100 + b"\n"
    m = uploaded(t, a, data, "digits.txt", "text/plain")
    if m is None:
        return
    path = path_of(m["url"])
    c = srv.client()
    g = c.get(path)
    t.status(g, 200, "the file")
    etag = g.header("ETag")
    t.like(etag or "", r'^"[^"]+"$', "an ETag")
    t.is_(g.header("Accept-Ranges"), "bytes", "Accept-Ranges: bytes")
    r = c.get(path, headers={"If-None-Match": etag})
    t.status(r, 304, "If-None-Match with it: 304")
    t.is_(r.body, b"", "... without a body")
    r = c.get(path, headers={"If-None-Match": '"other"'})
    t.status(r, 200, "another ETag: 200")
    r = c.get(path, headers={"Range": "bytes=10-19"})
    t.status(r, 206, "Range bytes=10-19: 206")
    t.is_(r.header("Content-Range"), "bytes 10-19/%d" % len(data),
          "... Content-Range")
    t.is_(r.body, data[10:20], "... those bytes")
    r = c.get(path, headers={"Range": "bytes=-5"})
    t.is_((r.status, r.body), (206, data[-5:]), "bytes=-5: the last five")
    r = c.get(path, headers={"Range": "bytes=1000-"})
    t.is_((r.status, r.body), (206, data[1000:]), "bytes=1000-: the rest")
    r = c.get(path, headers={"Range": "bytes=999999-"})
    t.status(r, 416, "bytes=999999-: 416")
    t.is_(r.header("Content-Range"), "bytes */%d" % len(data),
          "... Content-Range bytes */size")
    raw = h.raw_exchange(srv.port, ("HEAD %s HTTP/1.1\r\nHost: x\r\n"
                                    "Connection: close\r\n\r\n" % path)
                         .encode(), timeout=5)
    head, _, rest = raw.partition(b"\r\n\r\n")
    t.is_(h.raw_status(raw), 200, "HEAD: 200")
    t.like(head.decode("latin-1"), r"(?im)^Content-Length: %d\r?$"
           % len(data), "... with the file's Content-Length")
    t.is_(rest, b"", "... and no body")
    im = uploaded(t, a, png(10, 10), "etag.png")
    g = c.get(path_of(im["url"]))
    r = c.get(path_of(im["url"]), headers={"If-None-Match": g.header(
        "ETag")})
    t.status(r, 304, "a picture's ETag: 304 too")
    t.like(g.header("Cache-Control") or "", r"immutable",
           "a picture is cached as immutable")
    t.like(g.header("Cache-Control") or "", r"private",
           "... privately (who may see it can change)")


@h.case
def web_upload(t, srv):
    """The web composer: POST /media with X-CSRF-Token, POST
    /media/:id/delete, /compose with file parts or media_ids."""
    b = browser(t, srv, "alice")
    a = srv.p["alice"]
    tok = b.csrf("/")
    r = upload(b, png(12, 12), "web.png", headers={"X-CSRF-Token": tok},
               path="/media")
    t.status(r, 200, "POST /media with the session and X-CSRF-Token")
    m = r.json() if r.status == 200 else {}
    t.like(m.get("url", ""), r"^/media/[^/?]+$", "... a plain /media/ url")
    t.like(m.get("preview_url") or "", r"^/media/[^/?]+$",
           "... and preview_url")
    t.status(b.get(m.get("url", "/media/x")), 200, "the session opens it")
    r = upload(b, png(12, 12), "nocsrf.png", path="/media")
    t.status(r, 403, "POST /media without the CSRF token is 403")
    r = upload(a, png(12, 12), "bearer.png", path="/media")
    t.ok(r.status in (401, 403, 404), "POST /media with a bearer token "
         "is not the web's", r.summary())
    r = b.post("/media/%s/delete" % m.get("id"), {},
               headers={"X-CSRF-Token": tok})
    t.status(r, 200, "POST /media/:id/delete")
    t.status(b.get(m.get("url", "/media/x")), 404, "... it is gone")
    m2 = upload(b, png(7, 7), "keep.png", headers={"X-CSRF-Token": tok},
                path="/media").json()
    r = b.post("/media/%s/delete" % m2["id"], {})
    t.status(r, 403, "delete without the CSRF token is 403")
    bob = browser(t, srv, "bob")
    r = bob.post("/media/%s/delete" % m2["id"], {},
                 headers={"X-CSRF-Token": bob.csrf("/")})
    t.status(r, 404, "bob deleting alice's upload is 404")
    t.status(b.get(m2["url"]), 200, "... and it is still there")

    # /compose with file parts, no JavaScript
    body, ct = multipart([("csrf", tok), ("status", "from the composer")],
                         [("files", "one.png", "image/png", png(9, 9)),
                          ("files", "two.csv", "text/csv", b"a,b\n1,2\n"),
                          ("files", "", "application/octet-stream", b"")])
    r = b.request("POST", "/compose", body=body,
                  headers={"Content-Type": ct})
    t.status(r, 303, "/compose with two files")
    last = a.get("/api/v1/accounts/%s/statuses?limit=1" % a.id).json()
    s = last[0] if last else {}
    t.is_([(x.get("type"), x.get("hearth", {}).get("filename"))
           for x in s.get("media_attachments", [])],
          [("image", "one.png"), ("unknown", "two.csv")],
          "... the post has both attachments, in order")
    page = b.get("/").text
    t.like(page, r"/media/%s" % re.escape(name_of(
        s["media_attachments"][0]["url"])) if s.get("media_attachments")
        else "^$", "the home page shows the picture by its plain url")

    # /compose naming an upload, with its alt text
    m3 = upload(b, png(8, 8), "alt.png", headers={"X-CSRF-Token": tok},
                path="/media").json()
    r = b.post("/compose", {"csrf": tok, "status": "with alt",
                            "media_ids": m3["id"],
                            "description_%s" % m3["id"]: "a tiny square"})
    t.status(r, 303, "/compose with media_ids and description_<id>")
    last = a.get("/api/v1/accounts/%s/statuses?limit=1" % a.id).json()
    s = last[0] if last else {}
    t.is_([(x.get("id"), x.get("description"))
           for x in s.get("media_attachments", [])],
          [(m3["id"], "a tiny square")], "... the post has it with its alt "
          "text")
    five = [upload(b, png(3, 3), "f%d.png" % i,
                   headers={"X-CSRF-Token": tok}, path="/media").json()["id"]
            for i in range(5)]
    r = b.post("/compose", [("csrf", tok), ("status", "five")] +
               [("media_ids", x) for x in five])
    t.ok(r.status in (200, 303, 422), "/compose with five uploads",
         r.summary())
    last = a.get("/api/v1/accounts/%s/statuses?limit=1" % a.id).json()
    t.isnt(last and last[0].get("content"), "<p>five</p>",
           "... posts nothing")


@h.case
def web_edit(t, srv):
    """The web's edit form lists the attachments with Keep boxes and alt
    text; what it sends (kept ids, new files) is the new list."""
    a = srv.p["alice"]
    b = browser(t, srv, "alice")
    pic = uploaded(t, a, png(10, 10), "keep.png")
    doc = uploaded(t, a, PDF, "drop.pdf", "application/pdf")
    r = post_json(a, {"status": "to edit on the web",
                      "media_ids": [pic["id"], doc["id"]]})
    t.status(r, 200, "alice posts a picture and a file")
    sid = r.json()["id"]
    path = "/@alice/%s" % sid
    page = b.get(path)
    t.status(page, 200, "the post's page")
    for att in r.json()["media_attachments"]:
        t.like(page.text, r'/media/%s"' % re.escape(name_of(
            att["preview_url"] or att["url"])), "the page shows %s by its "
            "plain address" % att["hearth"]["filename"])
    form = b.get(path + "/edit")
    t.status(form, 200, "the edit form")
    for mid in (pic["id"], doc["id"]):
        t.like(form.text, r'<input type="checkbox"[^>]*name="media_ids" '
               r'value="%s" checked' % mid, "a Keep box for %s" % mid)
    t.like(form.text, r'name="description_%s"' % pic["id"],
           "alt text for the picture")
    tok = h.form_field(form.text, "csrf")
    body, ct = multipart([("csrf", tok), ("status", "edited on the web"),
                          ("media_ids", pic["id"]),
                          ("description_%s" % pic["id"], "edited alt")],
                         [("files", "new.txt", "text/plain", b"new\n")])
    r = b.request("POST", path + "/edit", body=body,
                  headers={"Content-Type": ct})
    t.status(r, 303, "saving the edit")
    s = a.get("/api/v1/statuses/%s" % sid).json()
    t.is_([(x.get("hearth", {}).get("filename"), x.get("description"))
           for x in s.get("media_attachments", [])],
          [("keep.png", "edited alt"), ("new.txt", None)],
          "the kept picture with its new alt text, then the new file")
    body, ct = multipart([("status", "no csrf")],
                         [("files", "x.txt", "text/plain", b"x\n")])
    r = b.request("POST", "/compose", body=body,
                  headers={"Content-Type": ct})
    t.status(r, 403, "/compose multipart without the CSRF token is 403")


@h.case
def instance(t, srv):
    """/api/v2/instance states the media limits of hearth.conf."""
    r = srv.client().get("/api/v2/instance")
    t.status(r, 200, "GET /api/v2/instance")
    conf = r.json().get("configuration", {})
    ma = conf.get("media_attachments", {})
    t.is_(ma.get("image_size_limit"), 16 * MiB, "image_size_limit")
    t.is_(ma.get("image_matrix_limit"), 40 * 1000 * 1000,
          "image_matrix_limit")
    t.is_(ma.get("video_size_limit"), 40 * MiB, "video_size_limit (the "
          "file limit)")
    t.is_(ma.get("description_limit"), 1500, "description_limit")
    types = ma.get("supported_mime_types", [])
    for mime in ("image/png", "image/jpeg", "image/gif", "image/webp",
                 "application/pdf"):
        t.ok(mime in types, "supported_mime_types has " + mime)
    t.ok("image/svg+xml" not in types and "text/html" not in types,
         "... and no SVG or HTML")
    t.is_(conf.get("statuses", {}).get("max_media_attachments"), 4,
          "statuses.max_media_attachments is 4")
    v1 = srv.client().get("/api/v1/instance").json()
    t.is_(v1.get("configuration", {}).get("media_attachments", {}).get(
        "image_size_limit"), 16 * MiB, "v1 states it too")


if __name__ == "__main__":
    h.main_cases(fixture)
