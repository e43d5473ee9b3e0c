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

    def __init__(self, t, users=("bob",), host=None, port=None):
        if not os.path.exists(NODE):
            raise RuntimeError("the Fedify peer is not installed: run "
                               "npm ci in tests/bridge-peer (tools/test "
                               "does)")
        self.t = t
        self.host = host or loopback_address()
        self.port = port or free_port_on(self.host)
        self.domain = self.host if self.port == 80 else "%s:%d" % (
            self.host, self.port)
        self.origin = "http://" + self.domain
        self.state = t.tmpdir()
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
