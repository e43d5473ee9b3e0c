"""A real OpenID Provider for hearth's sign-in tests: panva's oidc-provider
(tests/oidc-provider, OpenID Certified, nobody here wrote it) on
https://127.0.0.1:PORT behind a test CA, with its own login page and test
controls (key rotation, altered and replayed ID tokens, logout at the
provider with back-channel logout).

    import oidc_provider as op
    with op.Provider(t, clients=[{"client_id": "hearth",
                                  "client_secret": "s3cret",
                                  "redirect_uris": [srv.url + "/oidc/cb"]}],
                     accounts={"alice": {"password": "pw", "claims": {
                         "preferred_username": "alice"}}}) as idp:
        browser = idp.session()
        loc = op.provider_login(browser, authorize_url, "alice", "pw")
        # loc: the redirect_uri with code, state and iss; not followed

The RP trusts the provider with idp.ca_file. An RP whose redirect_uri is
known only once it runs, and that needs the issuer to start: start the
provider first (clients=[] is fine), then the RP with idp.issuer and
idp.ca_file, then idp.set_clients([...]) with its redirect_uri.

Standard library only; openssl(1) makes the certificates and checks
signatures."""
import base64
import hashlib
import html
import html.parser
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import select
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import harness as h

SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
PROVIDER_DIR = os.path.join(SRC, "tests", "oidc-provider")
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
TAMPERS = ("aud", "iss", "exp", "iat_future", "sig", "nonce", "alg_none",
           "kid_unknown", "none")


class ProviderError(Exception):
    """The provider answered something a sign-in or sign-out cannot go
    on from (an error page, an unexpected page or status)."""


class LoginFailed(ProviderError):
    """The provider's login form came back: the password was refused."""


def node_binary():
    """The node to run the provider with: $HEARTH_NODE or node on PATH."""
    return os.environ.get("HEARTH_NODE") or shutil.which("node")


def missing():
    """Why the provider cannot run here (not installed), or None."""
    if not node_binary():
        return ("the OpenID Provider is not installed (no node on PATH; "
                "npm ci in tests/oidc-provider, which tools/test does)")
    if not os.path.isdir(os.path.join(PROVIDER_DIR, "node_modules",
                                      "oidc-provider")):
        return ("the OpenID Provider is not installed (no node_modules in "
                "tests/oidc-provider: npm ci there, which tools/test does)")
    return None


def make_ca(directory):
    """A test CA and a server certificate it signed for 127.0.0.1 and
    localhost (EC P-256, two days): (ca_file, cert, key) paths."""
    ca_key = os.path.join(directory, "ca-key.pem")
    ca = os.path.join(directory, "ca.pem")
    key = os.path.join(directory, "server-key.pem")
    csr = os.path.join(directory, "server.csr")
    cert = os.path.join(directory, "server.pem")
    ext = os.path.join(directory, "server.ext")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes"]
    steps = [
        ["openssl", "req", "-x509"] + ec + [
            "-keyout", ca_key, "-out", ca, "-days", "2",
            "-subj", "/CN=hearth test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-addext", "subjectKeyIdentifier=hash"],
        ["openssl", "req", "-new"] + ec + [
            "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext],
    ]
    h.write_config(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                   "basicConstraints=critical,CA:FALSE\n"
                   "keyUsage=critical,digitalSignature\n"
                   "extendedKeyUsage=serverAuth\n"
                   "subjectKeyIdentifier=hash\n"
                   "authorityKeyIdentifier=keyid:always\n")
    for argv in steps:
        p = h.run(argv)
        if p.returncode != 0:
            raise RuntimeError("%s failed: %s" % (" ".join(argv[:3]),
                                                  p.stderr))
    return ca, cert, key


class Provider:
    """The provider, running until the test ends (or stop()). clients and
    accounts as tests/oidc-provider/README.md describes them; alg is the
    signing alg of its first key and of clients that name none."""

    def __init__(self, t, clients, accounts, alg="RS256", id_token_ttl=None,
                 session_ttl=None, scopes=None, name="oidc-provider"):
        why = missing()
        if why:
            # tools/test installs it and requires it; a build from the
            # release tarball (make distcheck, the packages' own check)
            # has no network for npm, and skips what needs it.
            if os.environ.get("HEARTH_REQUIRE_PEER"):
                raise RuntimeError(why)
            raise h.Skip(why)
        node = node_binary()
        self.t = t
        self.node = node
        self.name = name
        self.dir = t.tmpdir()
        self.ca_file, self.cert, self.key = make_ca(self.dir)
        self.config_path = os.path.join(self.dir, "provider.json")
        self.log_path = os.path.join(self.dir, "provider.log")
        self.settings = {"clients": list(clients), "accounts": accounts,
                         "alg": alg}
        if id_token_ttl is not None:
            self.settings["id_token_ttl"] = id_token_ttl
        if session_ttl is not None:
            self.settings["session_ttl"] = session_ttl
        if scopes is not None:
            self.settings["scopes"] = scopes
        self.proc = None
        self.rc = None
        self.port = None
        self.ssl = ssl.create_default_context(cafile=self.ca_file)
        t.servers.append(_Process(self))    # stopped, log shown, at the end

    @property
    def issuer(self):
        return "https://127.0.0.1:%d" % self.port

    def url(self, path):
        return self.issuer + path

    def start(self):
        for attempt in range(5):
            self.port = h.free_port()
            cfg = dict(self.settings, issuer=self.issuer)
            h.write_config(self.config_path, json.dumps(cfg, indent=1))
            seen = len(self.process_log())
            logf = open(self.log_path, "a")
            self.proc = subprocess.Popen(
                [self.node, os.path.join(PROVIDER_DIR, "provider.mjs"),
                 "--port", str(self.port), "--cert", self.cert,
                 "--key", self.key, "--config", self.config_path],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=logf, cwd=PROVIDER_DIR)
            logf.close()
            line = self._first_line(h.START_TIMEOUT)
            if line == "ready %s\n" % self.issuer:
                return self
            self.kill()
            # Another process took the port meanwhile: try another one.
            if "EADDRINUSE" not in self.process_log()[seen:]:
                break
        raise RuntimeError("the OpenID Provider did not start (said %r, "
                           "exit code %s); its log:\n%s" % (
                               line, self.rc, self.process_log()[-3000:]))

    def _first_line(self, timeout):
        """The provider's first line on stdout, or "" (timeout, exit)."""
        out = self.proc.stdout
        deadline = time.monotonic() + timeout
        buf = b""
        while not buf.endswith(b"\n") and time.monotonic() < deadline:
            r, _, _ = select.select([out], [], [], 0.1)
            if r:
                b = os.read(out.fileno(), 1)
                if not b:
                    break
                buf += b
        return buf.decode("utf-8", "replace")

    def stop(self):
        """SIGTERM (SIGKILL after 10 s); its exit code, also in .rc."""
        if self.proc is None:
            return self.rc
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.rc = self.proc.returncode
        self.proc.stdout.close()
        self.proc = None
        return self.rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stop()

    def process_log(self):
        """What the provider wrote to stderr."""
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- HTTP

    def request(self, method, path, body=None, headers=None):
        """One request to the provider: (status, headers dict with
        lower-case names, body bytes)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port,
                                           timeout=h.TIMEOUT,
                                           context=self.ssl)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return (r.status, {k.lower(): v for k, v in r.getheaders()},
                    r.read())
        finally:
            conn.close()

    def call(self, method, path, body=None):
        """A test control (JSON both ways): (status, answer)."""
        data = json.dumps(body).encode() if body is not None else None
        status, _, raw = self.request(method, path, data, {
            "Content-Type": "application/json"})
        return status, json.loads(raw or b"null")

    def _control(self, method, path, body=None):
        status, answer = self.call(method, path, body)
        if status != 200:
            raise ProviderError("%s %s: %s %s" % (method, path, status,
                                                  answer))
        return answer

    def get_json(self, path):
        status, _, raw = self.request("GET", path)
        if status != 200:
            raise ProviderError("GET %s: %s %s" % (path, status, raw[:500]))
        return json.loads(raw)

    def discovery(self):
        return self.get_json("/.well-known/openid-configuration")

    def jwks(self):
        return self.get_json("/jwks")

    def token(self, form, client_id=None, client_secret=None):
        """POST the token endpoint (client_secret_basic when a secret is
        given): (status, JSON answer)."""
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        if client_secret is not None:
            cred = "%s:%s" % (urllib.parse.quote(client_id, safe=""),
                              urllib.parse.quote(client_secret, safe=""))
            hdrs["Authorization"] = "Basic " + base64.b64encode(
                cred.encode()).decode()
        status, _, raw = self.request("POST", "/token",
                                      urllib.parse.urlencode(form), hdrs)
        return status, json.loads(raw or b"null")

    def userinfo(self, access_token):
        status, _, raw = self.request("GET", "/me", headers={
            "Authorization": "Bearer " + access_token})
        return status, json.loads(raw or b"null")

    def session(self):
        """A new browser for the provider's pages (its own cookies)."""
        return ProviderSession(self.ca_file)

    # -- test controls (tests/oidc-provider/README.md)

    def rotate(self, drop_old=False, alg=None):
        """A new signing key, first in the JWKS; its kid."""
        body = {"drop_old": bool(drop_old)}
        if alg:
            body["alg"] = alg
        return self._control("POST", "/_test/rotate", body)["kid"]

    def set_clients(self, clients, replace=False):
        """Add clients (replacing those of the same client_id; every one
        with replace) while running: for an RP whose redirect_uri is
        known only once it runs, itself told the issuer. The client_ids
        now; ProviderError (saying what is wrong) if refused."""
        return self._control("POST", "/_test/clients", {
            "clients": list(clients), "replace": bool(replace)})["clients"]

    def tamper(self, what):
        """Alter the next token response's ID token (TAMPERS)."""
        return self._control("POST", "/_test/tamper", {"what": what})

    def replay(self):
        """The next token response repeats the last ID token handed out."""
        return self._control("POST", "/_test/replay", {})

    def logout(self, sub):
        """End sub's sessions at the provider: {sub, sessions, backchannel:
        [{client_id, sid, url, status, error, logout_token, header,
        claims, body, headers}]} (status: the RP's answer)."""
        return self._control("POST", "/_test/logout", {"sub": sub})

    def log(self, path=None):
        """The requests the provider received: [{method, path, query,
        time, status}], only those to path if given."""
        entries = self._control("GET", "/_test/log")
        return [e for e in entries if path is None or e["path"] == path]

    def backchannel(self):
        return self._control("GET", "/_test/backchannel")

    def issued(self):
        return self._control("GET", "/_test/issued")

    def sessions(self):
        return self._control("GET", "/_test/sessions")


class _Process:
    """What Tap.done needs of a server: kill() and its log()."""

    def __init__(self, provider):
        self.provider = provider
        self.name = provider.name

    def kill(self):
        self.provider.kill()

    def log(self):
        return self.provider.process_log()


# ---------------------------------------------------------------- browser

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


class Page:
    """One answer the browser got."""

    def __init__(self, url, status, headers, body):
        self.url = url
        self.status = status
        self.headers = headers      # an http.client.HTTPMessage
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)


class ProviderSession:
    """A browser at the provider: cookies (Path and Secure honoured),
    the test CA, no redirects followed; .pages lists what it got."""

    def __init__(self, ca_file):
        self.jar = http.cookiejar.CookieJar()
        ctx = ssl.create_default_context(cafile=ca_file)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ctx),
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.pages = []

    def request(self, method, url, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None \
            else None
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type",
                           "application/x-www-form-urlencoded")
        try:
            with self.opener.open(req, timeout=h.TIMEOUT) as r:
                page = Page(url, r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            page = Page(url, e.code, e.headers, e.read())
        self.pages.append(page)
        return page


class _Forms(html.parser.HTMLParser):
    """The forms of a page: [{id, action, method, fields: {name: value},
    buttons: [(name, value, text)]}] (a button's text is what it says)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.button = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"id": a.get("id"), "action": a.get("action"),
                               "method": (a.get("method") or "get").upper(),
                               "fields": {}, "buttons": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") == "submit":
                self.forms[-1]["buttons"].append((a["name"], a.get("value")
                                                  or "", a.get("value", "")))
            else:
                self.forms[-1]["fields"][a["name"]] = a.get("value") or ""
        elif tag == "button":
            self.button = [a.get("name"), a.get("value") or "", ""]

    def handle_data(self, data):
        if self.button is not None:
            self.button[2] += data

    def handle_endtag(self, tag):
        if tag == "button" and self.button is not None and self.forms:
            self.forms[-1]["buttons"].append((self.button[0], self.button[1],
                                              self.button[2].strip()))
            self.button = None


def page_forms(text):
    p = _Forms()
    p.feed(text)
    return p.forms


def _origin(url):
    u = urllib.parse.urlsplit(url)
    return (u.scheme, u.netloc)


def _submit(session, page, form, button_text, extra=None):
    """Submit form from page as its button saying button_text would."""
    fields = dict(form["fields"])
    for name, value, text in form["buttons"]:
        if text == button_text:
            if name:
                fields[name] = value
            break
    else:
        raise ProviderError("no %r button in the form at %s" % (button_text,
                                                              page.url))
    fields.update(extra or {})
    action = urllib.parse.urljoin(page.url, form["action"] or page.url)
    return session.request(form["method"], action, fields)


def _alert(text):
    m = re.search(r'role="alert"[^>]*>(.*?)<', text, re.S)
    return m.group(1).strip() if m else None


def provider_login(session, authorize_url, username, password, allow=True,
                   max_steps=12):
    """Sign in at the provider the way a person would: from authorize_url
    (the RP's redirect to the provider) follow the provider's redirects,
    fill its login form (username, password; skipped when the session is
    already signed in) and its consent form if shown (Allow, or Deny
    with allow=False). Returns the first Location that leaves the
    provider (the RP's redirect_uri with code and state, or with error),
    not followed. Raises LoginFailed if the password is refused (or the
    login form comes with password None), ProviderError on anything
    else."""
    start = _origin(authorize_url)
    page = session.request("GET", authorize_url)
    tried = False
    for _ in range(max_steps):
        if page.status in (301, 302, 303, 307, 308):
            loc = urllib.parse.urljoin(page.url, page.header("Location")
                                       or "")
            if _origin(loc) != start:
                return loc
            page = session.request("GET", loc)
            continue
        if page.status != 200:
            raise ProviderError("%s answered %s: %s" % (
                page.url, page.status, _text_of(page.text)))
        forms = {f["id"]: f for f in page_forms(page.text)}
        if "login-form" in forms:
            if tried:
                raise LoginFailed("the provider refused %s's password: %s"
                                  % (username, _alert(page.text)))
            if password is None:
                raise LoginFailed("the provider asks %s to sign in (%s)" % (
                    username, page.url))
            tried = True
            page = _submit(session, page, forms["login-form"], "Sign in", {
                "login": username, "password": password})
        elif "consent-form" in forms:
            if allow:
                page = _submit(session, page, forms["consent-form"], "Allow")
            else:
                page = _submit(session, page, forms["abort-form"], "Deny")
        else:
            raise ProviderError("%s is no page to sign in on: %s" % (
                page.url, _text_of(page.text)))
    raise ProviderError("still at the provider after %d steps (%s)" % (
        max_steps, page.url))


def provider_logout(session, end_session_url, sign_out=True):
    """RP-initiated logout as a person does it: open end_session_url (the
    provider's end_session_endpoint with id_token_hint,
    post_logout_redirect_uri, state...), answer its question (Sign out,
    or Stay signed in with sign_out=False), and return the Location the
    provider sends the browser to (post_logout_redirect_uri with state,
    or the provider's own page), not followed."""
    page = session.request("GET", end_session_url)
    if page.status != 200:
        raise ProviderError("%s answered %s: %s" % (
            page.url, page.status, _text_of(page.text)))
    forms = page_forms(page.text)
    if not forms:
        raise ProviderError("%s has no form: %s" % (page.url,
                                                    _text_of(page.text)))
    form = forms[0]
    button = "Sign out" if sign_out else "Stay signed in"
    if not any(b[2] == button for b in form["buttons"]):
        # No one signed in: oidc-provider's auto-submitting form.
        done = session.request(form["method"], urllib.parse.urljoin(
            page.url, form["action"]), form["fields"])
    else:
        done = _submit(session, page, form, button)
    if done.status not in (302, 303):
        raise ProviderError("signing out at %s answered %s: %s" % (
            done.url, done.status, _text_of(done.text)))
    return urllib.parse.urljoin(done.url, done.header("Location") or "")


def _text_of(markup):
    """A page's words, for error messages."""
    words = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(style|script).*?</\1>",
                                           "", markup))
    return re.sub(r"\s+", " ", html.unescape(words)).strip()[:600]


# ---------------------------------------------------------------- RP side

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pkce():
    """A PKCE pair: (code_verifier, S256 code_challenge)."""
    verifier = b64url(secrets.token_bytes(32))
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def authorize_url(provider, client_id, redirect_uri, state, nonce,
                  challenge, scope="openid profile email groups", **extra):
    """The URL an RP sends the browser to (code flow, PKCE S256)."""
    q = {"response_type": "code", "client_id": client_id,
         "redirect_uri": redirect_uri, "scope": scope, "state": state,
         "nonce": nonce, "code_challenge": challenge,
         "code_challenge_method": "S256"}
    q.update(extra)
    q = {k: v for k, v in q.items() if v is not None}
    return provider.url("/auth?" + urllib.parse.urlencode(q))


def query_of(url):
    """A URL's query as a dict of single values."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def decode_jwt(token):
    """(header, claims, signature bytes) of a compact JWS, unverified."""
    h64, p64, s64 = token.split(".")
    return (json.loads(b64url_decode(h64)), json.loads(b64url_decode(p64)),
            b64url_decode(s64))


def _der(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([n])
    else:
        size = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(size)]) + size
    return bytes([tag]) + head + content


def _der_int(raw):
    raw = raw.lstrip(b"\0") or b"\0"
    if raw[0] & 0x80:
        raw = b"\0" + raw
    return _der(0x02, raw)


def jwk_to_pem(jwk):
    """A public JWK (RSA, EC P-256, OKP Ed25519) as a PEM public key."""
    if jwk["kty"] == "RSA":
        rsa = _der(0x30, _der_int(b64url_decode(jwk["n"])) +
                   _der_int(b64url_decode(jwk["e"])))
        spki = _der(0x30, _der(0x30, bytes.fromhex(
            "06092a864886f70d010101") + _der(0x05, b"")) +
            _der(0x03, b"\0" + rsa))
    elif jwk["kty"] == "EC" and jwk.get("crv") == "P-256":
        spki = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d03"
                             "0107034200") + b"\4" + \
            b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
    elif jwk["kty"] == "OKP" and jwk.get("crv") == "Ed25519":
        spki = bytes.fromhex("302a300506032b6570032100") + \
            b64url_decode(jwk["x"])
    else:
        raise ValueError("no PEM for a %s %s key" % (jwk["kty"],
                                                    jwk.get("crv")))
    b = base64.encodebytes(spki).decode().replace("\n", "")
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % \
        "\n".join(lines)


def verify_jws(token, jwk):
    """Whether token's signature verifies with jwk (openssl does the
    maths; RS256, ES256 and EdDSA)."""
    h64, p64, s64 = token.split(".")
    header = json.loads(b64url_decode(h64))
    data = ("%s.%s" % (h64, p64)).encode()
    sig = b64url_decode(s64)
    alg = header.get("alg")
    if not sig or alg not in ("RS256", "ES256", "EdDSA"):
        return False
    if alg == "ES256":
        if len(sig) != 64:
            return False
        sig = _der(0x30, _der_int(sig[:32]) + _der_int(sig[32:]))
    with tempfile.TemporaryDirectory() as d:
        pub, sigf, dataf = (os.path.join(d, n) for n in ("pub.pem", "sig",
                                                         "data"))
        try:
            pem = jwk_to_pem(jwk)
        except (ValueError, KeyError):
            return False
        with open(pub, "w") as f:
            f.write(pem)
        with open(sigf, "wb") as f:
            f.write(sig)
        with open(dataf, "wb") as f:
            f.write(data)
        if alg == "EdDSA":
            argv = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub,
                    "-rawin", "-in", dataf, "-sigfile", sigf]
        else:
            argv = ["openssl", "dgst", "-sha256", "-verify", pub,
                    "-signature", sigf, dataf]
        p = subprocess.run(argv, capture_output=True, timeout=h.TIMEOUT)
    return p.returncode == 0


def verify_with_jwks(token, jwks):
    """The kid of the JWKS key that token's signature verifies with (the
    key its header names), or None."""
    header = decode_jwt(token)[0]
    for k in jwks.get("keys", []):
        if k.get("kid") == header.get("kid") and verify_jws(token, k):
            return k["kid"]
    return None


class RsaClientKey:
    """An RSA key of a client's own, for private_key_jwt: .jwk (public,
    with kid) and assertion(client_id, audience), a signed client
    assertion."""

    def __init__(self, t, kid="client-key-1"):
        self.path = os.path.join(t.tmpdir(), "client-key.pem")
        p = h.run(["openssl", "genpkey", "-quiet", "-algorithm", "RSA",
                   "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.path])
        if p.returncode != 0:
            raise RuntimeError("openssl genpkey: " + p.stderr)
        p = h.run(["openssl", "rsa", "-in", self.path, "-noout", "-modulus"])
        if p.returncode != 0:
            raise RuntimeError("openssl rsa -modulus: " + p.stderr)
        n = bytes.fromhex(p.stdout.strip().split("=", 1)[1])
        self.jwk = {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                    "n": b64url(n), "e": "AQAB"}

    def sign(self, data):
        p = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                            self.path], input=data, capture_output=True,
                           timeout=h.TIMEOUT)
        if p.returncode != 0:
            raise RuntimeError("openssl dgst -sign: " + p.stderr.decode())
        return p.stdout

    def assertion(self, client_id, audience, lifetime=60):
        now = int(time.time())
        header = {"alg": "RS256", "kid": self.jwk["kid"], "typ": "JWT"}
        claims = {"iss": client_id, "sub": client_id, "aud": audience,
                  "jti": secrets.token_hex(12), "iat": now,
                  "exp": now + lifetime}
        data = "%s.%s" % (b64url(json.dumps(header).encode()),
                          b64url(json.dumps(claims).encode()))
        return data + "." + b64url(self.sign(data.encode()))
