"""The bridge's public inboxes against forgery, and its outbound client
against being pointed inside (issue 16, items 6, 8 and 9; the lessons of
Mastodon's CVE-2024-23832 and CVE-2024-25623 in shared/FEDERATION.md).

Every refused request must change nothing: no follower, no seen activity,
no cached remote actor, no activity or delivery queued. The requests are
built here byte by byte (http.client to the public listener, signed with
openssl) or sent by the Fedify peer's raw mode; the remote actors are
served by a server of the test's own (bridge.FakeServer), which answers
with whatever Content-Type, id, owner or redirect a case needs.

Each case runs alone: CASE=forged_headers make check TESTS=...
"""
import contextlib
import email.utils
import json
import re
import time
import uuid

import harness as h
import bridge as b

AS = b.AS_CONTEXT
CAVAGE = "draft-cavage-http-signatures-12"
TABLES = ("bridge_followers", "bridge_seen", "bridge_remote_actors",
          "bridge_activities", "bridge_deliveries")


def uid():
    return uuid.uuid4().hex[:10]


class Env:
    """What the cases share: one Bridge (alice visible outside), two fake
    servers on two loopback hosts (A and B), three RSA keys, and a Fedify
    peer (bob, carol) started on first use."""

    def __init__(self, t, srv):
        self.t = t
        self.srv = srv
        self.keys = [b.RsaKey(t) for _ in range(3)]
        self.a = b.FakeServer(t, name="fake A")
        self.b = b.FakeServer(t, name="fake B")
        self._peer = None
        self.opted = {"alice"}
        self.alice = srv.pub + "/users/alice"

    def peer(self):
        if self._peer is None:
            self._peer = b.Peer(self.t, ["bob", "carol"]).start()
        return self._peer

    def person(self, name):
        """A person visible outside (made on first use); their actor."""
        if name not in self.opted:
            self.srv.add_user(name)
            self.srv.opt_in(name)
            self.opted.add(name)
        return self.srv.pub + "/users/" + name

    def counts(self):
        return {tb: self.srv.rows("SELECT COUNT(*) FROM " + tb)[0][0]
                for tb in TABLES}

    def follower(self, actor):
        return self.srv.rows("SELECT state FROM bridge_followers WHERE "
                             "actor = ?", actor)

    # -- requests of our own making

    def follow(self, actor, obj=None, id_host=None):
        """A Follow of alice (or obj) by actor, with a fresh id on the
        actor's host (or id_host's)."""
        origin = id_host or re.match(r"https?://[^/]+", actor).group(0)
        return {"@context": AS, "id": "%s/activities/%s" % (origin, uid()),
                "type": "Follow", "actor": actor, "object": obj or self.alice}

    def signed(self, act, key, key_id, target="/users/alice/inbox",
               date=None, names=None, host=None):
        """(body, headers) of act signed with key under key_id."""
        body = act if isinstance(act, bytes) else json.dumps(act).encode()
        hdrs = b.cavage_sign(key, key_id, "POST", target,
                             host or self.srv.domain, body, date=date,
                             names=names)
        hdrs["Content-Type"] = b.AS_TYPE
        return body, hdrs

    def post(self, target, body, headers):
        """POST to the public listener: (status, response text)."""
        return b.post_raw(self.srv.pub_host, self.srv.pub_port, target,
                          body, headers)

    def send(self, act, key, key_id, target="/users/alice/inbox", **kw):
        body, hdrs = self.signed(act, key, key_id, target=target, **kw)
        return self.post(target, body, hdrs)

    def actor(self, server, key, name=None, **kw):
        """A fresh actor on a fake server: (id, keyId)."""
        doc = server.actor(name or "u" + uid(), key, **kw)
        return doc["id"], doc["publicKey"]["id"]


@contextlib.contextmanager
def fixture(t):
    with b.Bridge(t) as srv:
        srv.add_user("alice")
        srv.opt_in("alice")
        yield Env(t, srv)


def refused(t, fx, what, send, want=(401,), why=None):
    """send() must be refused with a status in want (and why in the
    answer), and leave every bridge table as it was."""
    before = fx.counts()
    st, text = send()
    t.ok(st in want, "%s: refused with %s" % (what, " or ".join(
        map(str, want))), "got %s %s" % (st, text[:500]))
    if why:
        t.like(text, why, "%s: the answer says why" % what)
    t.is_(fx.counts(), before, "%s: nothing stored" % what)
    return st, text


def accepted(t, fx, what, send, actor=None):
    """send() must be answered 202 (and, with actor, make it a
    follower)."""
    st, text = send()
    t.is_(st, 202, "%s: accepted (202)" % what) or t.diag(text[:500])
    if actor:
        t.is_(fx.follower(actor), [("accepted",)],
              "%s: %s follows alice" % (what, actor))


def peer_send(fx, inbox, act, **opts):
    """A raw send through the Fedify peer: (status hearth answered,
    its answer)."""
    st, r = fx.peer().send_raw(inbox, act, **opts)
    if st != 200 or r.get("status") is None:
        return None, json.dumps(r)[:1000]
    return r["status"], r.get("response") or ""


# ---------------------------------------------------------------- control

@h.case
def control(t, fx):
    """Valid signed Follows are accepted: ours (cavage, to the personal and
    the shared inbox) and the Fedify peer's own."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)
    act = fx.follow(actor)
    accepted(t, fx, "a signed Follow to /users/alice/inbox",
             lambda: fx.send(act, k, key_id), actor=actor)
    t.is_(fx.srv.rows("SELECT COUNT(*) FROM bridge_seen WHERE id = ?",
                      act["id"]), [(1,)], "the Follow's id is seen")
    t.is_(fx.srv.rows("SELECT key_id FROM bridge_remote_actors WHERE id = ?",
                      actor), [(key_id,)], "the checked actor is kept")
    got = h.poll(lambda: [r for r in fx.a.posts() if json.loads(
        r["body"] or b"{}").get("type") == "Accept" and json.loads(
        r["body"]).get("object", {}).get("id") == act["id"]], 20)
    t.ok(got, "an Accept of that Follow reaches the follower's inbox")

    actor2, key_id2 = fx.actor(fx.a, k)
    accepted(t, fx, "a signed Follow to the shared /inbox",
             lambda: fx.send(fx.follow(actor2), k, key_id2, target="/inbox"),
             actor=actor2)

    peer = fx.peer()
    st, r = peer.follow("alice@" + fx.srv.domain, as_user="bob")
    t.is_(r.get("delivery", {}).get("status"), 202,
          "the Fedify peer's Follow is accepted") or t.diag(json.dumps(r))
    t.is_(fx.follower(peer.origin + "/users/bob"), [("accepted",)],
          "bob@peer follows alice")


# ---------------------------------------------------------------- signatures

@h.case
def forged_headers(t, fx):
    """Each signed header altered after signing: refused, nothing stored;
    the same request unaltered is then accepted."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)
    act = fx.follow(actor)
    target = "/users/alice/inbox"

    def altered(fn, to=target):
        def send():
            body, hdrs = fx.signed(act, k, key_id, target=target)
            body, hdrs = fn(body, dict(hdrs))
            return fx.post(to, body, hdrs)
        return send

    refused(t, fx, "(request-target) signed for /users/alice/inbox, sent "
            "to /inbox", altered(lambda bd, hd: (bd, hd), to="/inbox"))
    fx.person("olive")
    refused(t, fx, "(request-target) signed for alice's inbox, sent to "
            "olive's", altered(lambda bd, hd: (bd, hd),
                               to="/users/olive/inbox"))

    def host(bd, hd):
        hd["Host"] = "%s:%d" % (fx.a.host, fx.srv.pub_port)
        return bd, hd
    refused(t, fx, "host altered", altered(host), want=(400, 401, 421))

    def date(bd, hd):
        hd["Date"] = b.http_date(time.time() - 7)
        return bd, hd
    refused(t, fx, "date altered (by seconds, inside the window)",
            altered(date))

    def digest_only(bd, hd):
        hd["Digest"] = b.digest_of(bd + b" ")
        return bd, hd
    refused(t, fx, "digest altered (the body kept)", altered(digest_only),
            want=(400, 401))

    def digest_and_body(bd, hd):
        other = dict(act, object=fx.person("olive"))
        bd = json.dumps(other).encode()
        hd["Digest"] = b.digest_of(bd)
        return bd, hd
    refused(t, fx, "digest and body replaced together (a digest the "
            "signature does not cover)", altered(digest_and_body))

    def signature(bd, hd):
        s = b.parse_signature(hd["Signature"])["signature"]
        flipped = ("B" if s[0] == "A" else "A") + s[1:]
        hd["Signature"] = hd["Signature"].replace(s, flipped)
        return bd, hd
    refused(t, fx, "signature bytes altered", altered(signature))

    def names(bd, hd):
        hd["Signature"] = hd["Signature"].replace(
            'headers="(request-target) host date digest"',
            'headers="(request-target) host date"')
        return bd, hd
    refused(t, fx, "digest taken out of the signed headers' list",
            altered(names))

    accepted(t, fx, "the same request unaltered",
             altered(lambda bd, hd: (bd, hd)), actor=actor)


@h.case
def body_swapped(t, fx):
    """A body swapped under a valid signature (the digest no longer
    matches): refused, by us and through the peer (cavage and RFC 9421)."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)
    act = fx.follow(actor)

    def swapped():
        body, hdrs = fx.signed(act, k, key_id)
        other = json.dumps(dict(act, id=act["id"] + "x")).encode()
        return fx.post("/users/alice/inbox", other, hdrs)
    refused(t, fx, "another body under our signature", swapped,
            want=(400, 401), why="(?i)digest")

    peer = fx.peer()
    inbox = fx.srv.pub + "/users/alice/inbox"
    for spec in (CAVAGE, "rfc9421"):
        f = fx.follow(peer.origin + "/users/bob")
        refused(t, fx, "the peer's %s Follow with its body tampered" % spec,
                lambda: peer_send(fx, inbox, f, spec=spec, tamper="body"),
                want=(400, 401))
        refused(t, fx, "the peer's %s Follow with its signature tampered"
                % spec, lambda: peer_send(fx, inbox, f, spec=spec,
                                          tamper="signature"))


@h.case
def clock(t, fx):
    """A Date two hours old or two hours ahead, properly signed: refused
    (cavage from us; cavage and RFC 9421 from the peer). Half an hour old
    is inside the window: accepted."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)
    for what, skew in (("2 hours old", -7200), ("2 hours ahead", 7200)):
        refused(t, fx, "a Date %s" % what, lambda: fx.send(
            fx.follow(actor), k, key_id,
            date=b.http_date(time.time() + skew)), why="(?i)date|clock|"
            "window|stale|future|expired|old")
    peer = fx.peer()
    inbox = fx.srv.pub + "/users/alice/inbox"
    for spec in (CAVAGE, "rfc9421"):
        for what, skew in (("2 hours old", -7200), ("2 hours ahead", 7200)):
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                               time.gmtime(time.time() + skew))
            refused(t, fx, "the peer's %s Follow signed %s" % (spec, what),
                    lambda: peer_send(fx, inbox, fx.follow(
                        peer.origin + "/users/bob"), spec=spec, signedAt=at))
    accepted(t, fx, "a Date half an hour old", lambda: fx.send(
        fx.follow(actor), k, key_id, date=b.http_date(time.time() - 1800)),
        actor=actor)


@h.case
def unsigned(t, fx):
    """No Signature at all, an empty or a garbled one, one covering too
    little: refused."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)

    def without(fn):
        def send():
            body, hdrs = fx.signed(fx.follow(actor), k, key_id)
            fn(hdrs)
            return fx.post("/users/alice/inbox", body, hdrs)
        return send
    refused(t, fx, "no Signature header",
            without(lambda hd: hd.pop("Signature")))
    refused(t, fx, "an empty Signature header",
            without(lambda hd: hd.update(Signature="")))
    refused(t, fx, "a Signature without keyId", without(
        lambda hd: hd.update(Signature=re.sub(r'keyId="[^"]*",', "",
                                              hd["Signature"]))))
    refused(t, fx, "a Signature that is not one",
            without(lambda hd: hd.update(Signature="Basic YWxpY2U6cGFzcw==")))
    peer = fx.peer()
    refused(t, fx, "the peer's Follow unsigned", lambda: peer_send(
        fx, fx.srv.pub + "/inbox", fx.follow(peer.origin + "/users/bob"),
        unsigned=True))
    for names in (["(request-target)", "host", "date"],
                  ["(request-target)", "host", "digest"],
                  ["host", "date"]):
        refused(t, fx, "a POST signing only %s" % " ".join(names),
                lambda: fx.send(fx.follow(actor), k, key_id, names=names))


# ---------------------------------------------------------------- keys

@h.case
def key_of_another_actor(t, fx):
    """The key of actor X signing an activity of actor Y: refused, with X
    and Y on the same host and on different hosts."""
    kx, ky = fx.keys[0], fx.keys[1]
    x, x_key = fx.actor(fx.a, kx)
    y, y_key = fx.actor(fx.a, ky)
    refused(t, fx, "X's key, Y's Follow (same host)",
            lambda: fx.send(fx.follow(y), kx, x_key))
    refused(t, fx, "X's key claiming to be Y's (keyId of Y)",
            lambda: fx.send(fx.follow(y), kx, y_key))
    z, z_key = fx.actor(fx.b, ky)
    refused(t, fx, "X's key, the Follow of Z on another host",
            lambda: fx.send(fx.follow(z), kx, x_key))
    refused(t, fx, "X's key, the Follow of Z on another host with its id "
            "on X's host", lambda: fx.send(fx.follow(z, id_host=fx.a.origin),
                                           kx, x_key))
    t.is_(fx.follower(y) + fx.follower(z), [], "neither Y nor Z follows")

    peer = fx.peer()
    inbox = fx.srv.pub + "/users/alice/inbox"
    carol = peer.origin + "/users/carol"
    refused(t, fx, "the peer signs as bob a Follow of carol (same host)",
            lambda: peer_send(fx, inbox, fx.follow(carol), **{"as": "bob"}))
    refused(t, fx, "the peer signs with bob's key under carol's keyId",
            lambda: peer_send(fx, inbox, fx.follow(carol), keyId=carol +
                              "#main-key", **{"as": "bob"}))
    refused(t, fx, "the peer signs as bob a Follow of an actor on another "
            "host", lambda: peer_send(fx, inbox, fx.follow(z),
                                      **{"as": "bob"}))
    t.is_(fx.follower(carol), [], "carol@peer does not follow")


@h.case
def key_id_elsewhere(t, fx):
    """A keyId whose document has its id on another host (which serves it
    too, consistently): refused, and never fetched from there."""
    k = fx.keys[0]
    name = "m" + uid()
    there = fx.b.origin + "/users/" + name
    here = fx.a.origin + "/users/" + name
    doc = fx.b.actor_doc(name, k, key_id=here + "#main-key")
    fx.a.route("/users/" + name, body=doc)
    fx.b.route("/users/" + name, body=doc)
    refused(t, fx, "keyId on A answering an actor whose id is on B",
            lambda: fx.send(fx.follow(here), k, here + "#main-key"))
    t.is_(fx.b.gets("/users/" + name), [], "B was not asked for it")
    refused(t, fx, "the same, for a Follow of the actor on B",
            lambda: fx.send(fx.follow(there), k, here + "#main-key"))


@h.case
def foreign_objects(t, fx):
    """An activity whose id, or whose embedded object's id, is on another
    host than its (properly signed) actor: refused. The same with the
    object on the actor's own host is accepted."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)
    note = {"type": "Note", "attributedTo": actor, "content": "hi",
            "to": [AS + "#Public"]}

    def create(obj_host):
        return {"@context": AS, "id": "%s/activities/%s" % (fx.a.origin,
                                                            uid()),
                "type": "Create", "actor": actor,
                "object": dict(note, id="%s/notes/%s" % (obj_host, uid()))}
    refused(t, fx, "a Create whose Note is on another host",
            lambda: fx.send(create(fx.b.origin), k, key_id),
            want=(400, 401))
    undo = {"@context": AS, "id": fx.a.origin + "/activities/" + uid(),
            "type": "Undo", "actor": actor,
            "object": {"id": fx.b.origin + "/follows/" + uid(),
                       "type": "Follow", "actor": actor,
                       "object": fx.alice}}
    refused(t, fx, "an Undo whose Follow is on another host",
            lambda: fx.send(undo, k, key_id), want=(400, 401))
    refused(t, fx, "a Follow whose own id is on another host",
            lambda: fx.send(fx.follow(actor, id_host=fx.b.origin), k,
                            key_id), want=(400, 401))
    upd = {"@context": AS, "id": fx.a.origin + "/activities/" + uid(),
           "type": "Update", "actor": actor,
           "object": fx.b.actor_doc("u" + uid(), k)}
    refused(t, fx, "an Update of an actor on another host",
            lambda: fx.send(upd, k, key_id), want=(400, 401))
    st, text = fx.send(create(fx.a.origin), k, key_id)
    t.is_(st, 202, "a Create whose Note is on the actor's host is "
          "accepted") or t.diag(text)


@h.case
def actor_content_type(t, fx):
    """An actor served as text/html, application/json or ld+json without
    the AS profile is not trusted (CVE-2024-25623); ld+json with the
    profile is."""
    k = fx.keys[0]
    for ctype in ("text/html; charset=utf-8", "application/json",
                  "text/plain", "application/ld+json",
                  'application/ld+json; profile="https://example.com/x"'):
        actor, key_id = fx.actor(fx.a, k, ctype=ctype)
        refused(t, fx, "an actor served as %s" % ctype,
                lambda: fx.send(fx.follow(actor), k, key_id),
                why="(?i)content.type|activitystreams")
        t.ok(fx.a.gets(actor[len(fx.a.origin):]),
             "an actor served as %s: it was fetched (and refused)" % ctype)
    actor, key_id = fx.actor(fx.a, k, ctype='application/ld+json; '
                             'profile="https://www.w3.org/ns/activitystreams"')
    accepted(t, fx, "an actor served as ld+json with the AS profile",
             lambda: fx.send(fx.follow(actor), k, key_id), actor=actor)


@h.case
def key_owner_elsewhere(t, fx):
    """An actor whose publicKey names another owner (on its host or
    another): refused."""
    k = fx.keys[0]
    other, _ = fx.actor(fx.a, fx.keys[1])
    actor, key_id = fx.actor(fx.a, k, owner=other)
    refused(t, fx, "publicKey.owner is another actor on the same host",
            lambda: fx.send(fx.follow(actor), k, key_id))
    far, _ = fx.actor(fx.b, k)
    actor, key_id = fx.actor(fx.a, k, owner=far)
    refused(t, fx, "publicKey.owner is an actor on another host (listing "
            "the same key)", lambda: fx.send(fx.follow(actor), k, key_id))
    actor, key_id = fx.actor(fx.a, k, owner=fx.alice)
    refused(t, fx, "publicKey.owner is our own alice",
            lambda: fx.send(fx.follow(actor), k, key_id))


@h.case
def key_document(t, fx):
    """A GoToSocial-style key document ({id, owner, publicKeyPem} at the
    keyId): accepted only when the owner actor lists that very key."""
    k, k2 = fx.keys[0], fx.keys[1]

    def keydoc(name, key, owner=None, listed=None, listed_key=None,
               server=None):
        server = server or fx.a
        aid = server.origin + "/users/" + name
        kid = aid + "/main-key"
        fx.a.route("/users/%s/main-key" % name, body={
            "@context": [AS, "https://w3id.org/security/v1"], "id": kid,
            "owner": owner or aid, "publicKeyPem": key.public_pem})
        server.actor(name, listed_key or key, key_id=listed or kid)
        return aid, kid

    aid, kid = keydoc("g" + uid(), k, listed="x")
    refused(t, fx, "the owner lists another key id",
            lambda: fx.send(fx.follow(aid), k, kid))
    aid, kid = keydoc("g" + uid(), k, listed_key=k2)
    refused(t, fx, "the owner lists that key id with another key",
            lambda: fx.send(fx.follow(aid), k, kid))
    name = "g" + uid()
    aid, kid = keydoc(name, k, owner=fx.b.origin + "/users/" + name,
                      server=fx.a)
    fx.b.actor(name, k, key_id=kid)
    refused(t, fx, "the key document names an owner on another host",
            lambda: fx.send(fx.follow(aid), k, kid))
    aid, kid = keydoc("g" + uid(), k)
    accepted(t, fx, "the owner lists the key document's key",
             lambda: fx.send(fx.follow(aid), k, kid), actor=aid)
    t.is_(fx.srv.rows("SELECT key_id FROM bridge_remote_actors WHERE id = "
                      "?", aid), [(kid,)], "the actor is kept with that key")


@h.case
def id_mismatch(t, fx):
    """A fetched object whose id is not the URL fetched: fetched once more
    from its id, which must then hold; if it differs again, refused."""
    k = fx.keys[0]
    n = "n" + uid()
    first = fx.a.origin + "/aka/" + n
    second = fx.a.origin + "/users/" + n
    third = fx.a.origin + "/people/" + n
    fx.a.route("/aka/" + n, body=fx.a.actor_doc(
        n, k, doc_id=second, key_id=first + "#main-key"))
    fx.a.route("/users/" + n, body=fx.a.actor_doc(
        n, k, doc_id=third, key_id=first + "#main-key"))
    fx.a.route("/people/" + n, body=fx.a.actor_doc(
        n, k, doc_id=third, key_id=first + "#main-key"))
    for actor in (second, third):
        refused(t, fx, "the id differs twice (Follow by %s)" % actor[
            len(fx.a.origin):], lambda: fx.send(fx.follow(actor), k,
                                                first + "#main-key"))
    t.is_(len(fx.a.gets("/users/" + n)), 2, "the id was fetched once more "
          "(per attempt), no further")
    t.is_(fx.a.gets("/people/" + n), [], "the second id was not followed")

    p = "p" + uid()
    alias = fx.a.origin + "/aka/" + p
    real = fx.a.origin + "/users/" + p
    doc = fx.a.actor_doc(p, k, key_id=alias + "#main-key")
    fx.a.route("/aka/" + p, body=doc)
    fx.a.route("/users/" + p, body=doc)
    accepted(t, fx, "the id differs, and the object at the id holds",
             lambda: fx.send(fx.follow(real), k, alias + "#main-key"),
             actor=real)


@h.case
def others_follows(t, fx):
    """Actor X, properly signed, cannot end actor Y's follow: not by an
    Undo of Y's Follow (embedded or by id), not by a Delete of Y, not from
    another host. Y's own Undo does."""
    kx, ky = fx.keys[0], fx.keys[1]
    y, y_key = fx.actor(fx.a, ky)
    fy = fx.follow(y)
    accepted(t, fx, "Y follows", lambda: fx.send(fy, ky, y_key), actor=y)
    x, x_key = fx.actor(fx.a, kx)

    def act(actor, type, obj, host=None):
        return {"@context": AS, "type": type, "actor": actor, "object": obj,
                "id": "%s/activities/%s" % (host or fx.a.origin, uid())}
    st, text = fx.send(act(x, "Undo", dict(fy, id=fy["id"])), kx, x_key)
    t.ok(st in (400, 401, 403), "X's Undo of Y's Follow (embedded) is "
         "refused (%s)" % st, text)
    fx.send(act(x, "Undo", fy["id"]), kx, x_key)
    fx.send(act(x, "Delete", y), kx, x_key)
    fx.send(act(x, "Undo", {"type": "Follow", "actor": x,
                            "object": fx.alice, "id": fy["id"]}), kx, x_key)
    t.is_(fx.follower(y), [("accepted",)], "Y still follows after X's Undos "
          "and Delete")
    t.is_(len(fx.srv.rows("SELECT id FROM bridge_remote_actors WHERE id = ?",
                          y)), 1, "Y's actor is still known")
    z, z_key = fx.actor(fx.b, kx)
    refused(t, fx, "an Undo of Y's Follow from another host",
            lambda: fx.send(act(z, "Undo", dict(fy), host=fx.b.origin), kx,
                            z_key), want=(400, 401, 403))
    st, text = fx.send(act(y, "Undo", fy["id"]), ky, y_key)
    t.is_(st, 202, "Y's own Undo is accepted") or t.diag(text)
    t.is_(fx.follower(y), [], "and ends Y's follow")


@h.case
def malformed(t, fx):
    """Properly signed bodies that are not a usable activity: 400, nothing
    stored (a 5xx would make the sender retry for days)."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)
    no_id = fx.follow(actor)
    del no_id["id"]
    for what, body in (
            ("a Follow without an id", json.dumps(no_id).encode()),
            ("a body that is not JSON", b"Follow me"),
            ("a JSON array", json.dumps([fx.follow(actor)]).encode()),
            ("an activity without a type", json.dumps(dict(
                fx.follow(actor), type=None)).encode()),
            ("an activity without an actor", json.dumps(dict(
                fx.follow(actor), actor=None)).encode()),
            ("a Follow of nobody", json.dumps(dict(
                fx.follow(actor), object=None)).encode())):
        refused(t, fx, what, lambda: fx.send(body, k, key_id),
                want=(400, 404) if "nobody" in what else (400,))


# ---------------------------------------------------------------- formats

@h.case
def rfc9421(t, fx):
    """RFC 9421 signatures are accepted from the Fedify peer (as Mastodon
    4.5 sends them), to the personal and the shared inbox."""
    peer = fx.peer()
    for who, inbox in (("bob", "/users/alice/inbox"), ("carol", "/inbox")):
        me = peer.origin + "/users/" + who
        st, text = peer_send(fx, fx.srv.pub + inbox, fx.follow(me),
                             spec="rfc9421", **{"as": who})
        t.is_(st, 202, "an RFC 9421 Follow from %s to %s" % (who, inbox)) \
            or t.diag(text)
        t.is_(fx.follower(me), [("accepted",)], "%s@peer follows alice" % who)


@h.case
def inbox_content_type(t, fx):
    """An inbox POST that is not ActivityStreams JSON: 415, nothing stored;
    the AS types (with parameters) pass."""
    k = fx.keys[0]
    actor, key_id = fx.actor(fx.a, k)

    def typed(ctype, actor=actor, key_id=key_id):
        def send():
            body, hdrs = fx.signed(fx.follow(actor), k, key_id)
            if ctype is None:
                del hdrs["Content-Type"]
            else:
                hdrs["Content-Type"] = ctype
            return fx.post("/users/alice/inbox", body, hdrs)
        return send
    for ctype in ("text/plain", "application/json", "text/html",
                  "application/x-www-form-urlencoded", None,
                  "application/ld+json"):
        refused(t, fx, "Content-Type %s" % ctype, typed(ctype), want=(415,))
    accepted(t, fx, "Content-Type application/activity+json; charset=utf-8",
             typed("application/activity+json; charset=utf-8"), actor=actor)
    actor2, key_id2 = fx.actor(fx.a, k)
    accepted(t, fx, "Content-Type ld+json with the AS profile",
             typed('application/ld+json; profile="https://www.w3.org/ns/'
                   'activitystreams"', actor2, key_id2), actor=actor2)


# ---------------------------------------------------------------- SSRF

# Hosts (as in a URL) hearth must never fetch a key from, even with
# bridge.allow_private_addresses (which opens loopback only), and what the
# refusal names.
SPECIAL = [
    ("10.0.0.1", r"10\.0\.0\.0/8 \(private\)"),
    ("172.16.0.1", r"172\.16\.0\.0/12 \(private\)"),
    ("192.168.1.1", r"192\.168\.0\.0/16 \(private\)"),
    ("169.254.169.254", r"169\.254\.0\.0/16 \(link-local\)"),
    ("100.64.0.1", r"100\.64\.0\.0/10 \(shared address space, CGNAT\)"),
    ("0.0.0.0", r"0\.0\.0\.0/8 \(this network\)"),
    ("224.0.0.1", r"multicast"),
    ("255.255.255.255", r"broadcast"),
    ("198.18.0.1", r"benchmarking"),
    ("192.0.2.1", r"documentation"),
    ("240.0.0.1", r"reserved"),
    ("167772161", r"10\.0\.0\.0/8 \(private\)"),          # 10.0.0.1
    ("0xa9fea9fe", r"169\.254\.0\.0/16 \(link-local\)"),   # 169.254.169.254
    ("10.1", r"10\.0\.0\.0/8 \(private\)"),               # 10.0.0.1
    ("[::ffff:10.0.0.1]", r"IPv4-mapped.*10\.0\.0\.0/8 \(private\)"),
    ("[::ffff:169.254.169.254]", r"IPv4-mapped.*link-local"),
    ("[::ffff:a00:1]", r"IPv4-mapped.*private"),
    ("[::a00:1]", r"IPv4-compatible"),
    ("[fc00::1]", r"fc00::/7 \(unique local\)"),
    ("[fd12:3456::1]", r"unique local"),
    ("[fe80::1]", r"fe80::/10 \(link-local\)"),
    ("[::]", r"unspecified"),
    ("[ff02::1]", r"multicast"),
    ("[64:ff9b::a00:1]", r"NAT64.*private"),
    ("[64:ff9b::7f00:1]", r"NAT64.*loopback"),
    ("[2002:a00:1::1]", r"6to4.*private"),
    ("[2001:db8::1]", r"documentation"),
]


def refused_address(t, fx, srv, what, actor, why):
    """A Follow by actor (a URL) signed with the keyId actor#main-key:
    401, the answer naming the refused address, nothing stored."""
    k = fx.keys[0]
    act = fx.follow(actor, obj=srv.pub + "/users/alice")
    body = json.dumps(act).encode()
    hdrs = b.cavage_sign(k, actor + "#main-key", "POST", "/users/alice/inbox",
                         srv.domain, body)
    hdrs["Content-Type"] = b.AS_TYPE
    before = {tb: srv.rows("SELECT COUNT(*) FROM " + tb)[0][0]
              for tb in TABLES}
    seen = len(srv.log())
    st, text = b.post_raw(srv.pub_host, srv.pub_port, "/users/alice/inbox",
                          body, hdrs)
    t.is_(st, 401, "%s: refused (401)" % what) or t.diag(text[:500])
    log = srv.log()[seen:]
    t.ok(re.search(why, text) or re.search(why, log),
         "%s: the refusal names the address (/%s/)" % (what, why),
         "answer: %s\nlog: %s" % (text[:500], log[-1500:]))
    t.is_({tb: srv.rows("SELECT COUNT(*) FROM " + tb)[0][0]
           for tb in TABLES}, before, "%s: nothing stored" % what)


@h.case
def ssrf_table(t, fx):
    """Keys at special addresses (private, link-local, CGNAT, this network,
    multicast, IPv4-mapped and translated IPv6, unique local...): never
    fetched, even with allow_private_addresses (loopback only)."""
    for host, why in SPECIAL:
        refused_address(t, fx, fx.srv, "a key at %s" % host,
                        "http://%s/users/s%s" % (host, uid()), why)


@h.case
def ssrf_loopback_off(t, fx):
    """With allow_private_addresses off (the default), loopback is refused
    too, in every spelling and by name (localhost): the server there
    never sees a connection."""
    v4 = b.FakeServer(t, host="127.0.0.1", name="fake on 127.0.0.1")
    v6 = b.FakeServer(t, host="::1", name="fake on ::1")
    k = fx.keys[0]
    for server in (v4, v6):
        server.route("/users/x", body=server.actor_doc("x", k))
    with b.Bridge(t, name="bridge (private off)", **{
            "bridge.allow_private_addresses": "no"}) as off:
        off.add_user("alice")
        off.opt_in("alice")
        t.unlike(off.log(), "allow_private_addresses = yes",
                 "no test-only warning when the option is off")
        for host, port in (("localhost", v4.port), ("127.0.0.1", v4.port),
                           ("127.1", v4.port), ("2130706433", v4.port),
                           ("[::ffff:127.0.0.1]", v4.port),
                           ("[::1]", v6.port), (off.pub_host, off.pub_port)):
            refused_address(t, fx, off, "allow_private off, a key at %s:%d"
                            % (host, port), "http://%s:%d/users/x" % (
                                host, port), r"loopback")
        t.is_(v4.connections, 0, "the server on 127.0.0.1 saw no connection")
        t.is_(v6.connections, 0, "the server on ::1 saw no connection")


@h.case
def ssrf_redirect(t, fx):
    """A key URL on an allowed (loopback) host redirecting to a special
    address, another scheme, or in circles: refused; each hop is checked
    before it is connected to."""
    a = fx.a
    for status, to, why in (
            (302, "http://10.0.0.1/key", r"10\.0\.0\.0/8 \(private\)"),
            (301, "http://169.254.169.254/latest/meta-data/",
             r"link-local"),
            (307, "http://[::ffff:192.168.0.1]/", r"private"),
            (308, "http://100.64.0.1:8080/", r"CGNAT"),
            (303, "http://[fd00::1]/", r"unique local"),
            (302, "gopher://%s:%d/_x" % (a.host, a.port),
             r"only http and https"),
            (302, "file:///etc/passwd", r"only http and https"),
            (302, "//10.0.0.1/key", r"private")):
        n = "r" + uid()
        a.route("/users/" + n, status=status, ctype="text/html",
                headers={"Location": to}, method="GET")
        refused_address(t, fx, fx.srv, "a key URL answering %d to %s"
                        % (status, to), a.origin + "/users/" + n, why)
        got = a.gets("/users/" + n)
        t.is_(len(got), 1, "%d to %s: the first hop was asked" % (
            status, to))
    # A ring of redirects on the allowed host: at most 3 are followed.
    n = "ring" + uid()
    for i in range(6):
        a.route("/%s/%d" % (n, i), status=302, ctype=None,
                headers={"Location": "/%s/%d" % (n, i + 1)})
    k = fx.keys[0]
    actor = "%s/%s/0" % (a.origin, n)
    refused(t, fx, "a ring of redirects", lambda: fx.send(
        fx.follow(actor), k, actor + "#main-key"), why="(?i)redirect")
    t.is_(len([r for r in a.gets() if r["path"].startswith("/%s/" % n)]), 4,
          "the first request and 3 redirects, no more")


# ---------------------------------------------------------------- outbound

@h.case
def signatures_outbound(t, fx):
    """What hearth sends is signed as Mastodon requires: the Fedify peer
    verifies the Accept and the Create (draft-cavage, "(request-target)
    host date digest") and refuses nothing; the GET that fetched our key
    is signed as the instance actor ("(request-target) host date") and
    verifies; a POST's Digest is the body's."""
    srv = fx.srv
    me = fx.person("olive")
    srv.add_user("desk", admin=True)
    peer = fx.peer()
    since = max([a["seq"] for a in peer.inbox()] + [0])
    st, r = peer.follow("olive@" + srv.domain, as_user="bob")
    t.is_(r.get("delivery", {}).get("status"), 202, "the peer follows olive")
    acc = peer.wait_inbox("Accept", lambda a: a["actor"] == me and
                          a["seq"] > since)
    t.ok(acc, "the peer verified and recorded olive's Accept")
    r = srv.api("olive").post("/api/v1/statuses", {
        "status": "signed #outbound", "share_outside": "1"})
    pid = r.json()["id"]
    r = srv.api("desk").post("/api/v1/admin/bridge/queue/%s/approve" % pid,
                             {})
    t.status(r, 200, "the desk approves olive's post")
    cr = peer.wait_inbox("Create", lambda a: a["actor"] == me)
    t.ok(cr, "the peer verified and recorded the Create")
    for what, rec in (("Accept", acc), ("Create", cr)):
        sig = (rec or {}).get("signature") or {}
        t.is_(sig.get("spec"), CAVAGE, "%s: signed draft-cavage" % what)
        t.is_(sig.get("headers"), "(request-target) host date digest",
              "%s: signs (request-target) host date digest" % what)
        t.is_(sig.get("keyId"), me + "#main-key", "%s: with olive's key"
              % what)
    t.is_([(x["type"], x["status"], x.get("reason")) for x in
           peer.rejected()], [], "the peer refused nothing")

    # Our own checks, on what reached the fake server: a Follow from an
    # actor there makes hearth fetch its key (GET) and send an Accept.
    k = fx.keys[2]
    actor, key_id = fx.actor(fx.a, k)
    path = actor[len(fx.a.origin):]
    st, text = fx.send(fx.follow(actor, obj=me), k, key_id,
                       target="/users/olive/inbox")
    t.is_(st, 202, "a Follow of olive from the fake server") or t.diag(text)
    gets = fx.a.gets(path)
    t.is_(len(gets), 1, "hearth fetched the actor once")
    ours = srv.public().get("/actor", headers={"Accept": b.AS_TYPE})
    inst = ours.json()
    t.is_(inst.get("publicKey", {}).get("id"), srv.pub + "/actor#main-key",
          "the instance actor's key")
    if gets:
        g = gets[0]["headers"]
        p = b.parse_signature(g.get("signature"))
        t.is_(p.get("keyId"), srv.pub + "/actor#main-key",
              "GET: signed as the instance actor")
        t.is_(p.get("headers"), "(request-target) host date",
              "GET: signs (request-target) host date")
        t.is_(p.get("algorithm"), "rsa-sha256", "GET: rsa-sha256")
        t.is_(g.get("host"), fx.a.domain, "GET: Host has the port")
        t.like(g.get("accept"), r"application/activity\+json",
               "GET: asks for activity+json")
        data = b.signing_string(p.get("headers", "").split(), "GET", path, g)
        t.ok(b.RsaKey.verify(inst["publicKey"]["publicKeyPem"], data,
                             p.get("signature", "")),
             "GET: the signature verifies with the instance actor's key")
    posts = h.poll(lambda: [x for x in fx.a.posts() if json.loads(
        x["body"] or b"{}").get("actor") == me], 20)
    t.ok(posts, "the Accept reached the fake server")
    if posts:
        q = posts[0]
        hd = q["headers"]
        p = b.parse_signature(hd.get("signature"))
        t.is_(p.get("headers"), "(request-target) host date digest",
              "POST: signs (request-target) host date digest")
        t.is_(hd.get("digest"), b.digest_of(q["body"]),
              "POST: Digest is the body's SHA-256")
        t.like(hd.get("content-type"), r"^application/activity\+json",
               "POST: Content-Type activity+json")
        olive = srv.public().get("/users/olive",
                                 headers={"Accept": b.AS_TYPE}).json()
        data = b.signing_string(p.get("headers", "").split(), "POST",
                                q["path"], hd)
        t.ok(b.RsaKey.verify(olive["publicKey"]["publicKeyPem"], data,
                             p.get("signature", "")),
             "POST: the signature verifies with olive's key")
        t.ok(abs(time.time() - email.utils.parsedate_to_datetime(
            hd.get("date")).timestamp()) < 120, "POST: Date is now")


if __name__ == "__main__":
    h.main_cases(fixture)
