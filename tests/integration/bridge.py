"""What the bridge's tests share: a hearthd with the bridge module and its
public listener on an address of its own (127.0.x.y, so that two servers
and their peers never meet by accident), and a Fedify peer
(tests/bridge-peer) driven through its control API."""
import json
import os
import random
import shutil
import socket
import subprocess
import time
import urllib.request

import harness as h

BUILD = os.environ.get("HEARTH_BUILDDIR", ".")
SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
PEER_DIR = os.path.join(SRC, "tests", "bridge-peer")
NODE = os.path.join(PEER_DIR, "node_modules", "node", "bin", "node")


def loopback_address():
    """A loopback address nobody else here uses now: 127.A.B.C."""
    return "127.%d.%d.%d" % (random.randint(1, 254), random.randint(0, 254),
                             random.randint(2, 254))


def free_port_on(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def module_dir(t, extra=()):
    """A module folder holding the bridge (and extra built modules, as
    (name, path) pairs) with their templates."""
    d = os.path.join(t.safe_tmpdir(), "modules")
    os.mkdir(d)
    os.chmod(d, 0o755)
    mods = [("bridge", os.path.join(BUILD, "modules", "bridge",
                                    "bridge.so"))] + list(extra)
    for name, built in mods:
        shutil.copy(built, os.path.join(d, name + ".so"))
        os.chmod(os.path.join(d, name + ".so"), 0o644)
        tmpl = os.path.join(SRC, "modules", name, "templates")
        if os.path.isdir(tmpl):
            shutil.copytree(tmpl, os.path.join(d, name, "templates"))
    return d


class Bridge(h.Server):
    """A hearthd with the bridge; its public origin is self.pub
    (http://ADDR:PORT), the domain in acct: is self.domain."""

    def __init__(self, t, name="bridge", approval="desk", modules="bridge",
                 extra_modules=(), **config):
        self.pub_host = loopback_address()
        self.pub_port = free_port_on(self.pub_host)
        self.domain = "%s:%d" % (self.pub_host, self.pub_port)
        self.pub = "http://" + self.domain
        cfg = {"modules": modules,
               "module_dir": module_dir(t, extra_modules),
               "bridge.listen": self.domain,
               "bridge.base_url": self.pub,
               "bridge.approval": approval,
               "bridge.allow_private_addresses": "yes"}
        cfg.update(config)
        super().__init__(t, name=name, **cfg)

    def public(self, **kw):
        """A client of the public listener."""
        return h.Client(self.pub_host, self.pub_port, **kw)

    def api(self, user):
        """An API client with a token of user's."""
        return self.client(headers={"Authorization": "Bearer " +
                                    self.token(user)})

    def opt_in(self, user):
        p = self.ctl("bridge", "enable", user)
        if p.returncode != 0:
            raise RuntimeError("bridge enable %s: %s" % (user, p.stderr))

    def rows(self, sql, *args):
        import sqlite3
        db = sqlite3.connect(self.db, timeout=10)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def wait_rows(self, sql, want, timeout=30, *args):
        """Poll until sql's rows equal want (or timeout); the rows."""
        end = time.time() + timeout
        while True:
            rows = self.rows(sql, *args)
            if rows == want or time.time() > end:
                return rows
            time.sleep(0.1)


class Peer:
    """A Fedify peer (a server nobody here wrote) on its own address, with
    its users; stopped when the test ends."""

    def __init__(self, t, users=("bob",), host=None, port=None, state=None):
        """state: the folder of an earlier Peer's keys and followers, to
        bring that peer back (same host and port too) after it stopped."""
        if not os.path.exists(NODE):
            # tools/test installs it and requires it; a build from the
            # release tarball (make distcheck, the packages' own check)
            # has no network for npm, and skips what needs it.
            why = ("the Fedify peer is not installed (npm ci in "
                   "tests/bridge-peer; tools/test does)")
            if os.environ.get("HEARTH_REQUIRE_PEER"):
                raise RuntimeError(why)
            raise h.Skip(why)
        self.t = t
        self.host = host or loopback_address()
        self.port = port or free_port_on(self.host)
        self.domain = self.host if self.port == 80 else "%s:%d" % (
            self.host, self.port)
        self.origin = "http://" + self.domain
        self.state = state or t.tmpdir()
        self.log_path = os.path.join(self.state, "peer.log")
        self.users = list(users)
        self.proc = None
        self.name = "peer " + self.domain
        t.servers.append(self)      # stopped, and its log shown, at the end

    def start(self):
        args = [NODE, os.path.join(PEER_DIR, "peer.mjs"), "--host",
                self.host, "--port", str(self.port), "--state", self.state]
        for u in self.users:
            args += ["--user", u]
        self.logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=self.logf, cwd=PEER_DIR)
        line = self.proc.stdout.readline().decode()
        if '"ready":true' not in line:
            raise RuntimeError("the peer did not start: %s %s" % (
                line, self.log()[-2000:]))
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def kill(self):
        self.stop()

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def call(self, method, path, body=None, timeout=60):
        """The control API: (status, JSON)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.origin + path, data=data,
                                     method=method, headers={
                                         "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def follow(self, acct, as_user=None):
        body = {"acct": acct}
        if as_user:
            body["as"] = as_user
        return self.call("POST", "/_control/follow", body)

    def unfollow(self, acct):
        return self.call("POST", "/_control/unfollow", {"acct": acct})

    def inbox(self, type=None):
        q = "?type=" + type if type else ""
        return self.call("GET", "/_control/inbox" + q)[1]

    def rejected(self):
        return self.call("GET", "/_control/rejected")[1]

    def reset(self):
        return self.call("POST", "/_control/reset", {})

    def send_raw(self, inbox, activity, **opts):
        body = {"raw": True, "inbox": inbox, "activity": activity}
        body.update(opts)
        return self.call("POST", "/_control/send", body)

    def wait_inbox(self, type, pred=lambda a: True, timeout=30):
        """The first received activity of type that pred accepts, waiting
        up to timeout seconds; None if none came."""
        end = time.time() + timeout
        while time.time() < end:
            for a in self.inbox(type):
                if pred(a):
                    return a
            time.sleep(0.2)
        return None


# ---------------------------------------------------------------- our own
#
# For what no real server would send: requests signed (or mis-signed) here,
# and a server of the test's own making that answers what the test says.
# RSA comes from openssl(1), so this stays standard library only.

AS_TYPE = "application/activity+json"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def http_date(when=None):
    """An IMF-fixdate (the Date header) of when (default now)."""
    import email.utils
    return email.utils.formatdate(when if when is not None else time.time(),
                                  usegmt=True)


def digest_of(body):
    """The Digest header of body (bytes): SHA-256=base64."""
    import base64
    import hashlib
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()
                                         ).decode()


class RsaKey:
    """An RSA-2048 key pair: .public_pem, sign(bytes) (base64 of
    RSASSA-PKCS1-v1_5 SHA-256), and verify for someone else's."""

    def __init__(self, t):
        d = t.tmpdir()
        self.path = os.path.join(d, "key.pem")
        p = h.run(["openssl", "genpkey", "-quiet", "-algorithm", "RSA",
                   "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.path])
        if p.returncode != 0:
            raise RuntimeError("openssl genpkey: " + p.stderr)
        p = h.run(["openssl", "pkey", "-in", self.path, "-pubout"])
        if p.returncode != 0:
            raise RuntimeError("openssl pkey: " + p.stderr)
        self.public_pem = p.stdout

    def sign(self, data):
        import base64
        p = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                            self.path], input=data, capture_output=True,
                           timeout=h.TIMEOUT)
        if p.returncode != 0:
            raise RuntimeError("openssl dgst -sign: " + p.stderr.decode())
        return base64.b64encode(p.stdout).decode()

    @staticmethod
    def verify(public_pem, data, signature_b64):
        """Whether signature_b64 over data verifies with public_pem."""
        import base64
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            pub, sig = os.path.join(d, "pub.pem"), os.path.join(d, "sig")
            with open(pub, "w") as f:
                f.write(public_pem)
            with open(sig, "wb") as f:
                f.write(base64.b64decode(signature_b64))
            p = subprocess.run(["openssl", "dgst", "-sha256", "-verify",
                                pub, "-signature", sig], input=data,
                               capture_output=True, timeout=h.TIMEOUT)
        return p.returncode == 0


def signing_string(names, method, target, headers):
    """draft-cavage's signing string of names over a request."""
    lower = {k.lower(): v for k, v in headers.items()}
    lines = []
    for n in names:
        if n == "(request-target)":
            lines.append("(request-target): %s %s" % (method.lower(),
                                                      target))
        else:
            lines.append("%s: %s" % (n, lower[n]))
    return "\n".join(lines).encode()


def cavage_sign(key, key_id, method, target, host, body=None, date=None,
                names=None):
    """The headers of a request signed as Mastodon signs: Host, Date,
    Digest (with a body) and Signature (rsa-sha256) over names (default
    "(request-target) host date digest", without digest for no body)."""
    hdrs = {"Host": host, "Date": date or http_date()}
    if body is not None:
        hdrs["Digest"] = digest_of(body)
    if names is None:
        names = ["(request-target)", "host", "date"] + (
            ["digest"] if body is not None else [])
    sig = key.sign(signing_string(names, method, target, hdrs))
    hdrs["Signature"] = ('keyId="%s",algorithm="rsa-sha256",headers="%s",'
                         'signature="%s"' % (key_id, " ".join(names), sig))
    return hdrs


def parse_signature(value):
    """A cavage Signature header's parameters, as a dict."""
    import re
    return dict(re.findall(r'(\w+)="([^"]*)"', value or ""))


def post_raw(host, port, target, body, headers, timeout=h.TIMEOUT):
    """POST body (bytes) with exactly these headers (Host among them);
    (status, response text)."""
    import http.client
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("POST", target, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


class FakeServer:
    """An ActivityPub server of the test's own making on its own loopback
    address (or host, port): each path answers what the test set with
    route(), actor() or key_document(); every request is recorded in
    .requests and every connection counted in .connections. A route may
    hold the request (read it, never answer) until release(), the way a
    server that hangs does. Stopped when the test ends."""

    def __init__(self, t, host=None, port=None, name="fake"):
        import http.server
        import socketserver
        import threading
        self.t = t
        self.host = host or loopback_address()
        fam = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        if not port:
            with socket.socket(fam, socket.SOCK_STREAM) as s:
                s.bind((self.host, 0))
                port = s.getsockname()[1]
        self.port = port
        bracket = "[%s]" % self.host if fam == socket.AF_INET6 else self.host
        self.domain = "%s:%d" % (bracket, self.port)
        self.origin = "http://" + self.domain
        self.name = "%s %s" % (name, self.domain)
        self.routes = {}
        self.requests = []
        self.connections = 0
        self.closed = []            # (path, when) of held requests the
                                    # client gave up on
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.stopping = threading.Event()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                path = self.path.split("?")[0]
                rec = {"method": self.command, "path": self.path,
                       "headers": {k.lower(): v for k, v in
                                   self.headers.items()},
                       "body": body, "at": time.time()}
                with fake.lock:
                    fake.requests.append(rec)
                    fn = fake.routes.get((self.command, path)) or \
                        fake.routes.get((None, path))
                if fn is None:
                    out = (404, {"Content-Type": "text/plain"}, b"no\n")
                else:
                    out = fn(rec)
                if out == "hold":
                    fake._hold(self.connection, path)
                    self.close_connection = True
                    return
                status, hdrs, data = out
                if isinstance(data, str):
                    data = data.encode()
                self.send_response(status)
                for k, v in hdrs.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_HEAD = answer

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            address_family = fam

            def process_request(self, request, client_address):
                with fake.lock:
                    fake.connections += 1
                super().process_request(request, client_address)

        self.httpd = Server((self.host, self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()
        t.servers.append(self)

    def _hold(self, sock, path):
        """Keep a request unanswered until released or the client closes
        (recorded in .closed)."""
        import select
        while not (self.released.is_set() or self.stopping.is_set()):
            r, _, _ = select.select([sock], [], [], 0.1)
            if r:
                try:
                    data = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    data = b""
                if not data:
                    with self.lock:
                        self.closed.append((path, time.time()))
                    return

    def release(self):
        self.released.set()

    # -- what it answers

    def route(self, path, status=200, body=b"", ctype=AS_TYPE,
              headers=None, method=None, fn=None):
        """path answers status with body (a dict is JSON), or fn(request
        record) answers (status, headers, body) or "hold"."""
        if fn is None:
            data = json.dumps(body) if isinstance(body, dict) else body
            hdrs = dict(headers or {})
            if ctype is not None:
                hdrs["Content-Type"] = ctype

            def fn(rec):
                return status, hdrs, data
        with self.lock:
            self.routes[(method, path)] = fn

    def actor_doc(self, name, key, key_id=None, owner=None, doc_id=None,
                  shared_inbox=True, extra=None):
        """An actor document (a Person) for /users/NAME holding key's
        public key (and the members in extra: name, summary, url...)."""
        aid = doc_id or self.origin + "/users/" + name
        doc = {"@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
               "id": aid, "type": "Person", "preferredUsername": name,
               "inbox": aid + "/inbox", "outbox": aid + "/outbox",
               "publicKey": {"id": key_id or aid + "#main-key",
                             "owner": owner or aid,
                             "publicKeyPem": key.public_pem}}
        if shared_inbox:
            doc["endpoints"] = {"sharedInbox": self.origin + "/inbox"}
        doc.update(extra or {})
        return doc

    def actor(self, name, key, ctype=AS_TYPE, inbox=202, **kw):
        """Serve an actor at /users/NAME (Content-Type ctype) whose inboxes
        answer inbox (a status, or a route fn); its document."""
        doc = self.actor_doc(name, key, **kw)
        path = "/users/" + name
        self.route(path, body=doc, ctype=ctype, method="GET")
        self.inbox(path + "/inbox", inbox)
        self.inbox("/inbox", inbox)
        return doc

    def inbox(self, path, answer=202):
        if callable(answer):
            self.route(path, method="POST", fn=answer)
        else:
            self.route(path, status=answer, body=b"", ctype=None,
                       method="POST")

    def posts(self, path=None):
        """The POSTs received (to path, if given)."""
        with self.lock:
            return [r for r in self.requests if r["method"] == "POST" and
                    (path is None or r["path"] == path)]

    def gets(self, path=None):
        with self.lock:
            return [r for r in self.requests if r["method"] == "GET" and
                    (path is None or r["path"].split("?")[0] == path)]

    # -- life

    def stop(self):
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def kill(self):
        self.stop()

    def log(self):
        with self.lock:
            return "\n".join("%s %s" % (r["method"], r["path"])
                             for r in self.requests)


class Outside:
    """People on a server outside (a FakeServer of the test's own) who
    write to a Bridge srv: actors, their notes and activities, signed here
    (draft-cavage) and posted to srv's public inbox."""

    PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

    def __init__(self, t, srv, name="outside", fake=None, key=None):
        """fake, key: another Outside's server and key, to speak to
        another Bridge as the same people."""
        self.t = t
        self.srv = srv
        self.fake = fake or FakeServer(t, name=name)
        self.key = key or RsaKey(t)
        self.other_key = RsaKey(t)

    @staticmethod
    def _uid():
        import uuid
        return uuid.uuid4().hex[:10]

    def actor(self, handle=None, key=None, **extra):
        """An outside actor (extra: name, summary, url...): its id."""
        handle = handle or "u" + self._uid()
        doc = self.fake.actor(handle, key or self.key, extra=extra or None)
        return doc["id"]

    def note(self, actor, content, reply_to=None, public=True, **kw):
        oid = "%s/notes/%s" % (self.fake.origin, self._uid())
        n = {"id": oid, "type": "Note", "attributedTo": actor,
             "content": content, "published": "2026-12-06T10:00:00Z",
             "url": oid.replace("/notes/", "/@x/"),
             "to": [self.PUBLIC] if public else [actor + "/followers"],
             "cc": [actor + "/followers"]}
        if reply_to:
            n["inReplyTo"] = reply_to
        n.update(kw)
        return n

    def activity(self, actor, type, obj, **kw):
        a = {"@context": AS_CONTEXT, "id": "%s/activities/%s" % (
            self.fake.origin, self._uid()), "type": type, "actor": actor,
            "object": obj}
        a.update(kw)
        return a

    def send(self, act, key=None, target="/inbox"):
        """POST act signed as its actor: (status, text)."""
        body = json.dumps(act).encode()
        key_id = act["actor"] + "#main-key"
        hdrs = cavage_sign(key or self.key, key_id, "POST", target,
                           self.srv.domain, body)
        hdrs["Content-Type"] = AS_TYPE
        return post_raw(self.srv.pub_host, self.srv.pub_port, target,
                        body, hdrs)
