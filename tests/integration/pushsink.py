"""
A push service for the tests: an HTTP server on 127.0.0.1 that does what
a browser's push service and the browser do together with a Web Push. For
each subscription it makes the user agent's keys (a P-256 key pair and an
auth secret), hands out an endpoint, and on each POST to that endpoint
checks the RFC 8292 VAPID Authorization (an ES256 JWT for this origin,
signed by the key it names, which must be the instance's), checks the
headers RFC 8030 asks for, decrypts the RFC 8291 aes128gcm body and
records the JSON. Answers are 201 unless a status is queued first.

A subscription made with standard=False (Mastodon's default) is an app
written for Mastodon 4.3 or before: it takes only the legacy drafts, as
those apps decrypt them: Content-Encoding aesgcm
(draft-ietf-webpush-encryption-04), the salt in Encryption, the sender's
key in Crypto-Key's dh, and "Authorization: WebPush <JWT>" whose key is
Crypto-Key's p256ecdsa (draft-thomson-webpush-vapid-01). Each side
refuses the other's encoding.
"""
import base64
import http.server
import json
import os
import queue
import struct
import threading
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import \
    encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _hmac(key, data):
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(data)
    return h.finalize()


def decrypt(body, priv, auth):
    """RFC 8291: the plaintext of an aes128gcm message for (priv, auth)."""
    salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], \
        body[20]
    if rs != 4096 or idlen != 65:
        raise ValueError("header rs=%d idlen=%d" % (rs, idlen))
    as_pub = body[21:86]
    ct = body[86:]
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                          as_pub)
    secret = priv.exchange(ec.ECDH(), sender)
    ua_pub = priv.public_key().public_bytes(
        serialization.Encoding.X962,
        serialization.PublicFormat.UncompressedPoint)
    prk_key = _hmac(auth, secret)
    ikm = _hmac(prk_key, b"WebPush: info\0" + ua_pub + as_pub + b"\1")
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\0\1")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\0\1")[:12]
    plain = AESGCM(cek).decrypt(nonce, ct, None)
    if not plain.endswith(b"\x02"):
        raise ValueError("no last-record delimiter")
    return plain[:-1]


def _hkdf(salt, ikm, info, n):
    return HKDF(algorithm=hashes.SHA256(), length=n, salt=salt,
                info=info).derive(ikm)


def _params(header):
    """'a=b;c=d' (or with commas, quotes) as a dict."""
    out = {}
    for p in header.replace(",", ";").split(";"):
        if "=" in p:
            k, v = p.strip().split("=", 1)
            out[k.strip()] = v.strip().strip('"')
    return out


def decrypt_legacy(body, priv, auth, salt, as_pub):
    """draft-ietf-webpush-encryption-04 (aesgcm): the plaintext of one
    record, salt and the sender's key from the Encryption and Crypto-Key
    headers."""
    if len(salt) != 16:
        raise ValueError("salt of %d bytes" % len(salt))
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                          as_pub)
    secret = priv.exchange(ec.ECDH(), sender)
    ua_pub = priv.public_key().public_bytes(
        serialization.Encoding.X962,
        serialization.PublicFormat.UncompressedPoint)
    ikm = _hkdf(auth, secret, b"Content-Encoding: auth\0", 32)
    context = (b"P-256\0" + struct.pack(">H", len(ua_pub)) + ua_pub +
               struct.pack(">H", len(as_pub)) + as_pub)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aesgcm\0" + context, 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\0" + context, 12)
    if len(body) > 4096 + 16:
        raise ValueError("more than one record")
    plain = AESGCM(cek).decrypt(nonce, body, None)
    pad = struct.unpack(">H", plain[:2])[0]
    if any(plain[2:2 + pad]):
        raise ValueError("padding that is not zeros")
    return plain[2 + pad:]


def verify_vapid(header, origin, want_key, legacy_key=None):
    """The JWT claims of a valid 'vapid t=..., k=...' for origin; or, with
    legacy_key (Crypto-Key's p256ecdsa), of a valid 'WebPush <JWT>'."""
    if legacy_key is not None:
        if not header.startswith("WebPush "):
            raise ValueError("not WebPush: %r" % header)
        t, k = header[8:].strip(), legacy_key
    elif not header.startswith("vapid "):
        raise ValueError("not vapid: %r" % header)
    else:
        parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
        t, k = parts["t"], parts["k"]
    if want_key is not None and k != want_key:
        raise ValueError("k=%s is not the instance's key %s" % (k, want_key))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                       b64d(k))
    h64, p64, s64 = t.split(".")
    head = json.loads(b64d(h64))
    if head.get("alg") != "ES256":
        raise ValueError("alg %r" % head.get("alg"))
    sig = b64d(s64)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                               int.from_bytes(sig[32:], "big"))
    try:
        key.verify(der, (h64 + "." + p64).encode(),
                   ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the JWT signature does not verify")
    claims = json.loads(b64d(p64))
    if claims.get("aud") != origin:
        raise ValueError("aud %r, not %r" % (claims.get("aud"), origin))
    now = time.time()
    if not now < claims.get("exp", 0) <= now + 86400:
        raise ValueError("exp %r out of range" % claims.get("exp"))
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:",
                                                    "http:")):
        raise ValueError("sub %r" % claims.get("sub"))
    return claims


class Sub:
    """One subscription's user agent keys and endpoint."""

    def __init__(self, sink, name, standard=None):
        self.name = name
        self.standard = standard        # None: not sent, which is legacy
        self.priv = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = "%s/push/%s" % (sink.origin, name)
        self.p256dh = b64e(self.priv.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint))
        self.auth64 = b64e(self.auth)

    def form(self, alerts=(), policy=None):
        f = {"subscription[endpoint]": self.endpoint,
             "subscription[keys][p256dh]": self.p256dh,
             "subscription[keys][auth]": self.auth64}
        for a in alerts:
            f["data[alerts][%s]" % a] = "true"
        if policy:
            f["data[policy]"] = policy
        if self.standard is not None:
            f["subscription[standard]"] = \
                "true" if self.standard else "false"
        return f


class PushSink:
    def __init__(self, instance_key=None):
        self.instance_key = instance_key
        self.subs = {}
        self.received = queue.Queue()   # (sub name, payload dict, headers)
        self.errors = []
        self.answers = []               # statuses to answer first
        self.hits = 0
        self.lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with sink.lock:
                    sink.hits += 1
                    status = sink.answers.pop(0) if sink.answers else 201
                name = self.path.rsplit("/", 1)[-1]
                try:
                    sub = sink.subs[name]
                    enc = self.headers.get("Content-Encoding")
                    if sub.standard:
                        if enc != "aes128gcm":
                            raise ValueError("Content-Encoding: %r" % enc)
                        verify_vapid(self.headers.get("Authorization", ""),
                                     sink.origin, sink.instance_key)
                        plain = decrypt(body, sub.priv, sub.auth)
                    else:
                        if enc != "aesgcm":
                            raise ValueError("Content-Encoding: %r, not "
                                             "the legacy aesgcm" % enc)
                        ck = _params(self.headers.get("Crypto-Key", ""))
                        salt = _params(self.headers.get(
                            "Encryption", "")).get("salt", "")
                        if "dh" not in ck or "p256ecdsa" not in ck:
                            raise ValueError("Crypto-Key: %r" %
                                             self.headers.get("Crypto-Key"))
                        verify_vapid(self.headers.get("Authorization", ""),
                                     sink.origin, sink.instance_key,
                                     legacy_key=ck["p256ecdsa"])
                        plain = decrypt_legacy(body, sub.priv, sub.auth,
                                               b64d(salt), b64d(ck["dh"]))
                    if not (self.headers.get("TTL") or "").isdigit():
                        raise ValueError("no TTL")
                    if self.headers.get("Urgency") not in (
                            "very-low", "low", "normal", "high"):
                        raise ValueError("Urgency %r" %
                                         self.headers.get("Urgency"))
                    payload = json.loads(plain)
                except Exception as e:  # recorded, answered 400
                    sink.errors.append("%s: %s" % (self.path, e))
                    status = 400
                    payload = None
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if payload is not None and 200 <= status < 300:
                    sink.received.put((name, payload, dict(self.headers)))

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.port = self.server.server_address[1]
        self.origin = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def sub(self, name, standard=True):
        """A subscription: standard True (RFC 8291/8292, the app sends
        subscription[standard]=true), False (legacy, sent as false) or
        None (legacy: not sent, as every app before Mastodon 4.4)."""
        s = Sub(self, name, standard)
        self.subs[name] = s
        return s

    def get(self, timeout=10):
        """The next delivery received (name, payload, headers), or None."""
        try:
            return self.received.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self):
        self.server.shutdown()
        self.server.server_close()
