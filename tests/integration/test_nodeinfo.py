"""NodeInfo on the internal listener (issue 21, point 8): apps read
/.well-known/nodeinfo and the 2.0 and 2.1 documents it links to learn
which server they talk to. The documents are checked field by field
against the NodeInfo schemas (nodeinfo.diaspora.software/ns/schema/2.x:
required keys, no others, types), and their counts against what the
server holds; protocols are [] without the bridge module and
["activitypub"] with it, while the bridge's public listener keeps
counting only what is visible outside.

Each case can run alone: make check TESTS=tests/integration/test_nodeinfo.py
CASE=documents (or `python3 .../test_nodeinfo.py --list`)."""
import contextlib
import re

import harness as h

NS = "http://nodeinfo.diaspora.software/ns/schema/"
PROTOCOLS = {"activitypub", "buddycloud", "dfrn", "diaspora", "libertree",
             "ostatus", "pumpio", "tent", "xmpp", "zot"}


@contextlib.contextmanager
def fixture(t):
    yield None


def schema_problems(doc, version):
    """What in doc breaks the NodeInfo 2.0/2.1 schema, as a list (empty:
    none), except protocols' minItems, which hearth leaves at [] without
    the bridge on purpose (docs/api.md)."""
    bad = []
    want = {"version", "software", "protocols", "services",
            "openRegistrations", "usage", "metadata"}
    if set(doc) != want:
        bad.append("keys %r" % sorted(doc))
    if doc.get("version") != version:
        bad.append("version %r" % doc.get("version"))
    sw = doc.get("software", {})
    allowed = {"name", "version"} | ({"repository", "homepage"}
                                     if version == "2.1" else set())
    if not {"name", "version"} <= set(sw) or not set(sw) <= allowed:
        bad.append("software keys %r" % sorted(sw))
    if not re.match(r"^[a-z0-9-]+$", str(sw.get("name"))):
        bad.append("software.name %r" % sw.get("name"))
    if not isinstance(sw.get("version"), str):
        bad.append("software.version %r" % sw.get("version"))
    if not isinstance(doc.get("protocols"), list) or \
            not set(doc["protocols"]) <= PROTOCOLS:
        bad.append("protocols %r" % doc.get("protocols"))
    sv = doc.get("services", {})
    if set(sv) != {"inbound", "outbound"} or \
            not all(isinstance(v, list) for v in sv.values()):
        bad.append("services %r" % sv)
    if not isinstance(doc.get("openRegistrations"), bool):
        bad.append("openRegistrations")
    us = doc.get("usage", {})
    if "users" not in us or not set(us) <= {"users", "localPosts",
                                            "localComments"}:
        bad.append("usage keys %r" % sorted(us))
    if not set(us.get("users", {})) <= {"total", "activeHalfyear",
                                        "activeMonth"}:
        bad.append("usage.users keys")
    for v in list(us.get("users", {}).values()) + [us.get("localPosts", 0)]:
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            bad.append("count %r" % v)
    if not isinstance(doc.get("metadata"), dict):
        bad.append("metadata")
    return bad


@h.case
def documents(t, fx):
    """Discovery, both documents, their schema and counts, signed out."""
    with h.Server(t) as srv:
        u = srv.people("alice", "bob")
        srv.add_user("idle")             # never signs in: not active
        srv.add_user("gone")
        srv.ctl("user", "disable", "gone")
        h.post_status(u["alice"], "one")
        h.post_status(u["alice"], "two")
        h.post_status(u["bob"], "three")
        anon = srv.client()
        r = anon.get("/.well-known/nodeinfo")
        t.status(r, 200, "GET /.well-known/nodeinfo signed out")
        t.like(r.header("Content-Type"), r"^application/json",
               "... JSON")
        links = [(x.get("rel"), x.get("href"))
                 for x in r.json().get("links", [])]
        t.is_(links, [(NS + "2.0", srv.url + "/nodeinfo/2.0"),
                      (NS + "2.1", srv.url + "/nodeinfo/2.1")],
              "... links 2.0 and 2.1 on base_url")
        for version in ("2.0", "2.1"):
            r = anon.get("/nodeinfo/" + version)
            t.status(r, 200, "GET /nodeinfo/%s signed out" % version)
            t.is_(r.header("Content-Type"),
                  'application/json; profile="%s%s#"' % (NS, version),
                  "... with the schema's profile")
            doc = r.json()
            t.is_(schema_problems(doc, version), [],
                  "... follows the NodeInfo %s schema" % version)
            t.is_((doc["software"]["name"], doc["protocols"],
                   doc["openRegistrations"], doc["services"]),
                  ("hearth", [], False, {"inbound": [], "outbound": []}),
                  "... hearth, no protocols without the bridge, closed "
                  "registrations")
            t.like(doc["software"]["version"], r"^\d+\.\d+",
                   "... hearth's version")
            t.is_(doc["usage"], {"users": {"total": 3, "activeMonth": 2,
                                           "activeHalfyear": 2},
                                 "localPosts": 3},
                  "... counts: 3 active accounts (not the disabled one), "
                  "2 active this month and half year, 3 posts")
        v2 = u["alice"].get("/api/v2/instance").json()
        t.is_(v2["usage"]["users"]["active_month"], 2,
              "the same activeMonth as /api/v2/instance")
        h.post_status(u["bob"], "four")
        t.is_(anon.get("/nodeinfo/2.1").json()["usage"]["localPosts"], 4,
              "a new post is counted")
        t.status(anon.get("/nodeinfo/1.0"), 404, "no NodeInfo 1.0")


@h.case
def with_bridge(t, fx):
    """With the bridge loaded, the internal documents name ActivityPub and
    still count the whole company; the public listener's count only who
    is visible outside."""
    import bridge
    with bridge.Bridge(t) as srv:
        srv.people("alice", "bob")
        anon = srv.client()
        doc = anon.get("/nodeinfo/2.0").json()
        t.is_(schema_problems(doc, "2.0"), [], "the 2.0 schema holds")
        t.is_(doc["protocols"], ["activitypub"],
              "internal NodeInfo: protocols [activitypub] with the bridge")
        t.is_(doc["usage"]["users"]["total"], 2,
              "... counting everyone in the company")
        t.is_(anon.get("/nodeinfo/2.1").json()["protocols"], ["activitypub"],
              "... in 2.1 too")
        pub = srv.public().get("/nodeinfo/2.0").json()
        t.is_((pub["software"]["name"], pub["protocols"]),
              ("hearth", ["activitypub"]),
              "the public listener's NodeInfo names the same software")
        t.is_(pub["usage"]["users"]["total"], 0,
              "... and counts only who opted in to be visible outside")


if __name__ == "__main__":
    h.main_cases(fixture)
