"""
harness.py: what every integration test needs to drive a real hearthd.

  Tap       TAP output (ok, is_, like, ...); plan printed at the end
  Server    a hearthd on 127.0.0.1 with its own temporary data_dir; started
            with `with Server(t, key=value, ...) as srv:` and stopped with
            SIGTERM on the way out (its exit code and log are checked)
  Client    an HTTP(S) client with a cookie jar that never follows
            redirects, so tests see every 303
  run_hearthd, write_config   for tests of the command line itself

Python standard library only. The build passes HEARTHD, HEARTHCTL,
HEARTH_WEB, HEARTH_SRCDIR and HEARTH_BUILDDIR in the environment.
"""
import base64
import hashlib
import html
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

HEARTHD = os.environ.get("HEARTHD", "./hearthd")
HEARTHCTL = os.environ.get("HEARTHCTL", "./hearthctl")
HEARTH_WEB = os.environ.get("HEARTH_WEB",
                            os.path.join(os.path.dirname(__file__),
                                         "..", "..", "web"))

PASSWORD = "correct horse battery"
TIMEOUT = 15            # seconds for any one network or process operation
START_TIMEOUT = 30      # sanitizer builds start slowly

# Whether hearthd was built with a sanitizer: memory and timing figures
# mean little then.
try:
    with open(HEARTHD, "rb") as _f:
        _bin = _f.read()
    SANITIZED = b"__asan_init" in _bin or b"__tsan_init" in _bin
except OSError:
    SANITIZED = False

# What sanitizers print when they find something.
SANITIZER_RE = re.compile(r"ERROR: \w*Sanitizer|WARNING: ThreadSanitizer|"
                          r"runtime error:")


# ---------------------------------------------------------------- TAP

class Tap:
    """TAP producer. The plan ("1..N") is printed by done()."""

    def __init__(self):
        self.n = 0
        self.failed = 0
        self.servers = []       # whose logs to show if something fails
        self.tmpdirs = []
        sys.stdout.reconfigure(line_buffering=True)

    def skip(self, name, why):
        """One test not run, and why (TAP's "# SKIP")."""
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name.replace("#", ""),
                                        why.replace("#", "")))

    def ok(self, cond, name, diag=None, todo=None):
        """One test. With todo (the reason), a failure is a known bug:
        reported as "# TODO", it does not fail the file."""
        self.n += 1
        name = name.replace("#", "\\#").replace("\n", " ")
        line = ("ok" if cond else "not ok") + " %d - %s" % (self.n, name)
        if todo:
            line += " # TODO " + todo.replace("#", "")
        print(line)
        if not cond:
            if not todo:
                self.failed += 1
            if diag:
                self.diag(diag)
        return bool(cond)

    def is_(self, got, want, name):
        return self.ok(got == want, name,
                       "got:  %r\nwant: %r" % (got, want))

    def isnt(self, got, unwanted, name):
        return self.ok(got != unwanted, name, "got %r, wanted anything else"
                       % (got,))

    def like(self, got, pattern, name):
        good = got is not None and re.search(pattern, got) is not None
        return self.ok(good, name, "got:  %r\nwant match of: %r"
                       % (got if got is None else got[:2000], pattern))

    def unlike(self, got, pattern, name):
        good = got is not None and re.search(pattern, got) is None
        return self.ok(good, name, "got:  %r\nwant no match of: %r"
                       % (got if got is None else got[:2000], pattern))

    def status(self, resp, want, name):
        """Check a response's status; on failure show its start."""
        return self.ok(resp.status == want, name,
                       "got status %s, want %s\n%s" % (
                           resp.status, want, resp.summary()))

    def diag(self, text):
        for line in str(text).splitlines() or [""]:
            print("# " + line)

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="hearth-int-")
        self.tmpdirs.append(d)
        return d

    def safe_tmpdir(self):
        """A temporary folder no one else could change on the way to it
        (not under /tmp, which anyone may write): hearthd loads modules
        only from such a place. The first of the home folder (as $HOME
        says, then as the password database does: package builds point
        $HOME into the build tree) and the build folder whose every folder
        up to / is owned by root or us and writable by no one else."""
        import pwd
        homes = [os.environ.get("HOME", ""),
                 pwd.getpwuid(os.getuid()).pw_dir]
        candidates = [os.path.join(x, ".cache", "hearth-tests")
                      for x in homes if x]
        candidates.append(os.path.join(
            os.environ.get("HEARTH_BUILDDIR", os.getcwd()), "tests",
            "safe-tmp"))
        for base in candidates:
            try:
                os.makedirs(base, mode=0o700, exist_ok=True)
            except OSError:
                continue
            if safe_path(base):
                d = tempfile.mkdtemp(prefix="safe-", dir=base)
                os.chmod(d, 0o755)
                self.tmpdirs.append(d)
                return d
        raise RuntimeError("no folder here is safe for modules (each of %r "
                           "is under one others may write)" % candidates)

    def done(self):
        """Print the plan, show logs on failure, clean up, exit."""
        for srv in self.servers:
            srv.kill()
        if self.failed:
            for srv in self.servers:
                self.diag("---- hearthd log (%s) ----" % srv.name)
                self.diag(srv.log())
        print("1..%d" % self.n)
        keep = os.environ.get("HEARTH_KEEP_TMP")
        for d in self.tmpdirs:
            if keep:
                self.diag("kept " + d)
            else:
                shutil.rmtree(d, ignore_errors=True)
        sys.exit(1 if self.failed or self.n == 0 else 0)


def main(body):
    """Run body(t) and finish; an exception is a failed test, not a crash."""
    t = Tap()
    try:
        body(t)
    except Exception:
        t.ok(False, "test ran without an unexpected exception",
             traceback.format_exc())
    t.done()


# ---------------------------------------------------------------- cases
#
# A file of named cases: each is a function registered with @case, taking
# the Tap and what the file's fixture yields (usually a running Server and
# the people the cases share). A case must not lean on what another case
# did: each can run alone,
#
#   make check TESTS=tests/integration/test_statuses.py CASE=edit
#   python3 tests/integration/test_statuses.py edit delete   (from build/)
#   python3 tests/integration/test_statuses.py --list
#
# CASE (or the arguments) holds names or shell patterns (favourite_*),
# separated by commas or spaces. Each case's checks are named after it.

CASES = []


def case(fn):
    """Register fn(t, fixture) as a case named after the function."""
    CASES.append(fn)
    return fn


def _selected(argv):
    """The cases asked for (all if none), and the words matching none."""
    import fnmatch
    words = argv or os.environ.get("CASE", "").replace(",", " ").split()
    if not words:
        return list(CASES), []
    unknown = [w for w in words
               if not any(fnmatch.fnmatchcase(c.__name__, w) for c in CASES)]
    chosen = [c for c in CASES
              if any(fnmatch.fnmatchcase(c.__name__, w) for w in words)]
    return chosen, unknown


class Skip(Exception):
    """Raised by a case that cannot run here (say why): reported as
    TAP's SKIP, not as a failure."""


class _Named:
    """A Tap whose checks carry the case's name, so a failure says which."""

    def __init__(self, t, name):
        self._t = t
        self._prefix = name + ": "

    def __getattr__(self, attr):
        fn = getattr(self._t, attr)
        if attr in ("ok", "is_", "isnt", "like", "unlike", "status"):
            def named(*args, **kw):
                args = list(args)
                if "name" in kw:
                    kw["name"] = self._prefix + kw["name"]
                else:
                    i = {"ok": 1}.get(attr, 2)
                    args[i] = self._prefix + args[i]
                return fn(*args, **kw)
            return named
        return fn


def main_cases(fixture=None):
    """Run the selected cases, each inside the one fixture (a function
    taking the Tap and used as a context manager: @contextlib.contextmanager
    def fixture(t): with Server(t) as srv: yield srv). A case that raises
    fails, and the next one still runs."""
    import contextlib
    argv = sys.argv[1:]
    if argv == ["--list"]:
        for c in CASES:
            doc = (c.__doc__ or "").strip().splitlines()
            print("%-36s %s" % (c.__name__, doc[0] if doc else ""))
        return
    chosen, unknown = _selected(argv)
    t = Tap()
    if unknown and argv:
        t.ok(False, "every case asked for exists", "no case matches %s; "
             "--list shows them" % ", ".join(unknown))
        t.done()
    if not chosen:
        # CASE from make check may name cases of another file.
        print("1..0 # SKIP no case here matches CASE=%s"
              % os.environ.get("CASE", ""))
        sys.exit(0)
    try:
        with (fixture(t) if fixture else contextlib.nullcontext()) as fx:
            for c in chosen:
                t.diag("case %s" % c.__name__)
                named = _Named(t, c.__name__)
                try:
                    c(named, fx)
                except Skip as e:
                    t.skip(c.__name__, str(e))
                except Exception:
                    named.ok(False, "ran without an unexpected exception",
                             traceback.format_exc())
    except Exception:
        t.ok(False, "the fixture ran without an unexpected exception",
             traceback.format_exc())
    t.done()


def safe_path(path):
    """Whether no one but root and us could change path or any folder up
    to /: the rule hearthd's module loader applies."""
    p = os.path.realpath(path)
    while True:
        st = os.stat(p)
        if st.st_uid not in (0, os.geteuid()) or st.st_mode & 0o022:
            return False
        if p == "/":
            return True
        p = os.path.dirname(p)


# ---------------------------------------------------------------- processes

def free_port():
    """A port that was free a moment ago (hearthd start retries if not)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def run(argv, input=None, timeout=TIMEOUT):
    """Run a command; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run(argv, input=input, capture_output=True, text=True,
                          timeout=timeout)


def run_hearthd(*args, timeout=TIMEOUT):
    return run([HEARTHD] + list(args), timeout=timeout)


def check_sanitizer(t, text, what):
    """Fail a test if a sanitizer reported something in text."""
    m = SANITIZER_RE.search(text or "")
    if m:
        t.ok(False, "%s: no sanitizer reports" % what,
             text[max(0, m.start() - 200):m.start() + 3000])
        return False
    return True


def make_cert(directory):
    """A self-signed EC certificate for 127.0.0.1: (cert, key) paths."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    p = run(["openssl", "req", "-x509", "-newkey", "ec",
             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", cert, "-days", "2",
             "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"])
    if p.returncode != 0:
        raise RuntimeError("openssl req failed: " + p.stderr)
    return cert, key


class Server:
    """
    A hearthd with its own config and data_dir in a temporary directory.
    Keyword arguments become config lines (a list value repeats the key);
    tls=True adds an HTTPS listener with a fresh self-signed certificate.
    """

    def __init__(self, t, name="hearthd", tls=False, nofile=None, env=None,
                 **config):
        self.t = t
        self.name = name
        self.nofile = nofile        # its open files limit (soft and hard)
        self.env = env              # more environment for the process
        self.dir = t.tmpdir()
        self.conf = os.path.join(self.dir, "hearth.conf")
        self.data_dir = os.path.join(self.dir, "data")
        self.db = os.path.join(self.data_dir, "hearth.db")
        self.logpath = os.path.join(self.dir, "hearthd.log")
        self.tls = tls
        self.config = config
        self.proc = None
        self.port = self.tls_port = None
        self.rc = None
        self.checked = False
        if tls:
            self.cert, self.key = make_cert(self.dir)
        t.servers.append(self)

    # -- config and lifecycle

    def write_config(self):
        lines = ["listen = 127.0.0.1:%d" % self.port]
        if self.tls:
            lines.append("listen = 127.0.0.1:%d tls" % self.tls_port)
            lines.append("tls_cert = " + self.cert)
            lines.append("tls_key = " + self.key)
        settings = {
            "data_dir": self.data_dir,
            "web_dir": HEARTH_WEB,
            "base_url": "http://127.0.0.1:%d" % self.port,
            "threads": 2,
            "workers": 2,
            "synchronous": "normal",
            "log_level": "debug",
            # No company-wide group unless a test asks for one
            # (test_welcome.py): the others count groups from none.
            "groups.default": "",
        }
        settings.update(self.config)
        for key, value in settings.items():
            for v in value if isinstance(value, list) else [value]:
                lines.append("%s = %s" % (key, v))
        write_config(self.conf, "\n".join(lines) + "\n")

    def start(self, expect_ready=True):
        """Start hearthd; with expect_ready, wait for /healthz to say ok."""
        for attempt in range(5):
            self.port = free_port()
            self.tls_port = free_port() if self.tls else None
            self.write_config()
            seen = len(self.log())
            self.spawn()
            if not expect_ready:
                return self
            if self.wait_ready():
                return self
            self.kill()
            # Another process took the port meanwhile: try another one.
            if "Address already in use" not in self.log()[seen:]:
                break
        raise RuntimeError("hearthd did not become ready (exit code %s); "
                           "log:\n%s" % (self.proc.poll(), self.log()))

    def spawn(self):
        """Start the process only, reusing the current config."""
        self.rc = None
        self.checked = False
        logf = open(self.logpath, "a")
        preexec = None
        if self.nofile:
            n = self.nofile

            def preexec():
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
        env = None
        if self.env:
            env = dict(os.environ, **self.env)
            if "LD_PRELOAD" in self.env:
                # A sanitizer's runtime wants to come first; a test shim
                # in front of it is fine.
                env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                                       ":verify_asan_link_order=0").lstrip(":")
        self.proc = subprocess.Popen([HEARTHD, "-c", self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=logf, stderr=logf,
                                     preexec_fn=preexec, env=env)
        logf.close()
        return self.proc

    def rss_mb(self):
        """The process's resident memory, in MB."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def cpu_seconds(self):
        """CPU time the process has used (user and system), in seconds."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / \
            os.sysconf("SC_CLK_TCK")

    def open_fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                  timeout=2)
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                body = r.read()
                conn.close()
                if r.status == 200 and body == b"ok":
                    return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def wait_exit(self, timeout=TIMEOUT):
        """Wait for the process to end; its exit code, or None."""
        try:
            self.rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.rc

    def send_signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM):
        """Stop with SIGTERM; returns the exit code (None if it hung)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.send_signal(sig)
        rc = self.wait_exit()
        if rc is None:
            self.kill()
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def check_log(self):
        """One test: the log so far has no sanitizer reports."""
        if self.checked:
            return
        self.checked = True
        if check_sanitizer(self.t, self.log(), self.name + " log"):
            self.t.ok(True, "%s log has no sanitizer reports" % self.name)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.kill()
            return False
        if self.proc.poll() is None:
            rc = self.stop()
            self.t.is_(rc, 0, "%s exits 0 on SIGTERM" % self.name)
        self.check_log()
        return False

    def log(self):
        try:
            with open(self.logpath, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, pattern, timeout=TIMEOUT):
        """Poll the log until pattern appears; the match or None."""
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.log())
            if m or time.monotonic() > deadline:
                return m
            time.sleep(0.02)

    # -- hearthctl and the database

    def ctl(self, *args, input=None):
        """Run hearthctl on this server's config; CompletedProcess."""
        p = run([HEARTHCTL, "-c", self.conf] + list(args), input=input)
        check_sanitizer(self.t, p.stderr, "hearthctl " + " ".join(args))
        return p

    def add_user(self, name, password=PASSWORD, admin=False,
                 display_name=None):
        args = ["user", "add", name, "--password-stdin"]
        if admin:
            args.append("--admin")
        if display_name:
            args += ["--display-name", display_name]
        p = self.ctl(*args, input=password + "\n")
        if p.returncode != 0:
            raise RuntimeError("hearthctl user add %s failed: %s"
                               % (name, p.stderr))
        return p

    def token(self, name):
        p = self.ctl("token", "create", name)
        if p.returncode != 0:
            raise RuntimeError("hearthctl token create %s failed: %s"
                               % (name, p.stderr))
        return p.stdout.strip()

    def people(self, *names):
        """Add each person (a username, or (username, display name)) and
        give a bearer-token client for each, by username, with its .token
        and .id (the account id)."""
        out = {}
        for name in names:
            name, display = name if isinstance(name, tuple) else (name, None)
            self.add_user(name, display_name=display)
            tok = self.token(name)
            c = self.client(headers={"Authorization": "Bearer " + tok})
            c.token = tok
            c.id = c.me().json()["id"]
            out[name] = c
        return out

    # -- HTTP

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def client(self, tls=False, **kw):
        if tls:
            return Client("127.0.0.1", self.tls_port, tls=True,
                          cafile=self.cert, **kw)
        return Client("127.0.0.1", self.port, **kw)


# ---------------------------------------------------------------- HTTP

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes

    def header(self, name):
        """The first header of that name (case-insensitive), or None."""
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def set_cookie(self, name):
        """The Set-Cookie for name as {"value":..., "httponly": True, ...}
        (attribute names lower-cased), or None."""
        for raw in self.header_all("Set-Cookie"):
            parts = [p.strip() for p in raw.split(";")]
            k, _, v = parts[0].partition("=")
            if k != name:
                continue
            c = {"value": v, "raw": raw}
            for p in parts[1:]:
                ak, _, av = p.partition("=")
                c[ak.lower()] = av if _ else True
            return c
        return None

    def summary(self):
        head = "\n".join("%s: %s" % kv for kv in self.headers)
        return "HTTP %s %s\n%s\n\n%s" % (self.status, self.reason, head,
                                         self.text[:600])


def form_field(html, name):
    """The value of an <input name="NAME" value="..."> in a page, or None."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(r'\bname="%s"' % re.escape(name), tag):
            m = re.search(r'\bvalue="([^"]*)"', tag)
            return m.group(1) if m else None
    return None


class Client:
    """
    One browser (or app): a cookie jar and optional default headers.
    Requests never follow redirects. The jar ignores Path and Domain (every
    hearth cookie is Path=/) and drops a cookie set with Max-Age=0.
    """

    def __init__(self, host, port, tls=False, cafile=None, headers=None,
                 ssl_context=None):
        self.host, self.port, self.tls = host, port, tls
        self.cookies = {}
        self.headers = dict(headers or {})
        self.ssl_context = ssl_context
        if tls and ssl_context is None:
            self.ssl_context = ssl.create_default_context(cafile=cafile)
        self.last_tls_version = None

    def connection(self):
        if self.tls:
            return http.client.HTTPSConnection(self.host, self.port,
                                               timeout=TIMEOUT,
                                               context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port,
                                          timeout=TIMEOUT)

    def request(self, method, path, body=None, headers=None, form=None,
                json_body=None, cookies=True):
        h = dict(self.headers)
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            h["Content-Type"] = "application/json"
        if cookies and self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            if self.tls:
                self.last_tls_version = conn.sock.version()
            resp = Response(r.status, r.reason, r.getheaders(),
                            r.read() if method != "HEAD" else b"")
        finally:
            conn.close()
        self.remember(resp)
        return resp

    def remember(self, resp):
        for raw in resp.header_all("Set-Cookie"):
            parts = [p.strip() for p in raw.split(";")]
            name, _, value = parts[0].partition("=")
            attrs = {p.partition("=")[0].lower(): p.partition("=")[2]
                     for p in parts[1:]}
            if attrs.get("max-age") == "0" or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, form=None, **kw):
        return self.request("POST", path, form=form, **kw)

    def csrf(self, path="/login"):
        """The CSRF token of the first form on a page (GET path)."""
        r = self.get(path)
        if r.status != 200:
            raise RuntimeError("GET %s for a CSRF token: %s"
                               % (path, r.summary()))
        token = form_field(r.text, "csrf")
        if not token:
            raise RuntimeError("no csrf field on " + path)
        return token

    def login(self, username, password=PASSWORD, next=None, csrf=None):
        """POST /login the way a browser would (fetching the form first
        unless csrf is given); returns the response."""
        if csrf is None:
            csrf = self.csrf("/login")
        form = {"username": username, "password": password, "csrf": csrf}
        if next is not None:
            form["next"] = next
        return self.post("/login", form)

    def logout(self):
        """Sign out with the CSRF token from the home page's logout form."""
        return self.post("/logout", {"csrf": self.csrf("/")})

    def me(self, token=None):
        """GET verify_credentials (with a bearer token if given)."""
        h = {"Authorization": "Bearer " + token} if token else None
        return self.get("/api/v1/accounts/verify_credentials", headers=h)

    def session(self, name="hearth_session"):
        return self.cookies.get(name)


def post_status(c, text, **fields):
    """Post as client c through the API; the Status (raises if refused)."""
    fields["status"] = text
    r = c.post("/api/v1/statuses", fields)
    if r.status != 200:
        raise RuntimeError("posting failed: " + r.summary())
    return r.json()


def raw_open(port, path, headers):
    """Send GET path with headers on a new socket and read the answer's
    head: (socket, status, headers with lower-case names, bytes after the
    head). For streams, which stay open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    req = "GET %s HTTP/1.1\r\n" % path + "".join(
        "%s: %s\r\n" % kv for kv in headers.items() if kv[1] is not None)
    sock.sendall((req + "\r\n").encode())
    raw = b""
    while b"\r\n\r\n" not in raw:
        b = sock.recv(65536)
        if not b:
            break
        raw += b
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d+)", lines[0])
    out = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        out[k.strip().lower()] = v.strip()
    return sock, int(m.group(1)) if m else None, out, rest


def read_until_close(s):
    """Everything a socket receives until the other side closes it."""
    chunks = []
    while True:
        b = s.recv(65536)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def raw_exchange(port, data, timeout=TIMEOUT, host="127.0.0.1"):
    """Send raw bytes, read until the server closes (or timeout); returns
    the bytes received. For requests http.client will not send."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except (ConnectionResetError, socket.timeout):
            pass
        return b"".join(chunks)


def raw_status(data):
    """The status code of a raw HTTP response, or None."""
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else None


def poll(fn, timeout, interval=0.05):
    """Call fn until it returns a true value or timeout passes; returns
    the last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(interval)


APP_REDIRECT = "https://app.example/callback"


def app_token(t, srv, c, name="Pocket App", want_app=False):
    """Authorize an app for c's person with the OAuth code flow (read
    scope); the app's access token, or (token, the app's registration)
    with want_app."""
    api = srv.client()
    app = api.post("/api/v1/apps", {"client_name": name,
                                    "redirect_uris": APP_REDIRECT,
                                    "scopes": "read write",
                                    "website": "https://app.example"}).json()
    verifier = base64.urlsafe_b64encode(b"v" * 48).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(
        verifier.encode()).digest()).rstrip(b"=").decode()
    q = urllib.parse.urlencode({
        "response_type": "code", "client_id": app["client_id"],
        "redirect_uri": APP_REDIRECT, "scope": "read", "state": "s",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    r = c.get("/oauth/authorize?" + q)
    fields = ("csrf", "client_id", "redirect_uri", "response_type", "scope",
              "state", "code_challenge", "code_challenge_method")
    form = {n: html.unescape(form_field(r.text, n) or "") for n in fields}
    form["decision"] = "authorize"
    r = c.post("/oauth/authorize", form)
    loc = r.header("Location") or ""
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query).get(
        "code", [""])[0]
    r = api.post("/oauth/token", {
        "client_id": app["client_id"], "client_secret": app["client_secret"],
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": APP_REDIRECT, "code_verifier": verifier})
    t.status(r, 200, "an app gets a token through OAuth")
    tok = r.json().get("access_token")
    return (tok, app) if want_app else tok
