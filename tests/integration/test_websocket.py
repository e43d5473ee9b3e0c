"""Streaming over WebSocket, as Mastodon apps use it: the handshake (the
accept key, version 13, the token as a bearer header, access_token or the
Sec-WebSocket-Protocol, which is echoed), Mastodon's messages with the
entity as a JSON string in "payload", subscribing to several streams on
one connection and unsubscribing, pings both ways, fragmented messages,
and the close codes for frames the protocol forbids.

Each case can run alone: make check TESTS=tests/integration/test_websocket.py
CASE=forbidden_frames (or `python3 .../test_websocket.py --list`)."""
import base64
import contextlib
import hashlib
import itertools
import json
import socket
import struct
import time

import harness as h
from streamclient import WS

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# A heartbeat (a ping) every second, so the tests need not wait long.
CONFIG = dict(request_timeout="2s", env={"HEARTH_STREAM_HEARTBEAT": "1"})
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **CONFIG) as srv:
        yield srv


def pair(srv):
    """alice and bob of the case's own (so no case sees another's follows
    or notifications), alice following bob; clients with .name."""
    n = next(_n)
    names = ["alice%d" % n, "bob%d" % n]
    p = srv.people(*names)
    alice, bob = p[names[0]], p[names[1]]
    alice.name, bob.name = names
    alice.post("/api/v1/accounts/%s/follow" % bob.id)
    return alice, bob


def token_ws(srv, c, query="", headers=None):
    """A WebSocket to /api/v1/streaming with c's access_token."""
    return WS(srv.port, "/api/v1/streaming?%saccess_token=%s"
              % (query, c.token), headers)


def update_of(sid, stream=None):
    return lambda m: m.get("event") == "update" and \
        json.loads(m["payload"])["id"] == sid and \
        (stream is None or m["stream"] == [stream])


@h.case
def handshake(t, srv):
    """An upgrade with access_token: 101 with the RFC's accept key."""
    alice, bob = pair(srv)
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    ws = WS(srv.port, "/api/v1/streaming?stream=user&access_token=" +
            alice.token, key=key)
    t.is_(ws.status, 101, "an upgrade with access_token: 101")
    t.is_(ws.headers.get("sec-websocket-accept"),
          "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "the accept key of RFC "
          "6455's own example")
    t.is_(base64.b64encode(hashlib.sha1(key.encode() + GUID).digest())
          .decode(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "... which is "
          "SHA-1 and base64, computed here too")
    t.is_((ws.headers.get("upgrade", "").lower(),
           ws.headers.get("connection", "").lower()),
          ("websocket", "upgrade"), "Upgrade and Connection headers")
    t.ok("transfer-encoding" not in ws.headers and
         "content-length" not in ws.headers, "no body framing headers")
    ws.close()


@h.case
def messages(t, srv):
    """Updates with the Status as a JSON string, deletes; pings both ways."""
    alice, bob = pair(srv)
    ws = token_ws(srv, alice, "stream=user&")
    st = bob.post("/api/v1/statuses", {"status": "hello *ws*"}).json()
    m = ws.message(update_of(st["id"]))
    t.ok(m is not None, "an update arrives as a text message")
    if m:
        t.is_(m["stream"], ["user"], "... naming the stream")
        t.ok(isinstance(m["payload"], str), "... with the Status as a "
             "JSON string in payload, as Mastodon sends it")
        t.like(json.loads(m["payload"])["content"], r"<em>ws</em>",
               "... which is the Status")
    t.ok(ws.wait(lambda f: f[0] == 9) is not None, "the server pings "
         "(the heartbeat)")
    ws.send(9, b"are you there")
    t.ok(ws.wait(lambda f: f == (10, b"are you there")) is not None,
         "a ping is answered by a pong with its data")
    bob.request("DELETE", "/api/v1/statuses/%s" % st["id"])
    m = ws.message(lambda m: m.get("event") == "delete")
    t.is_(m and m.get("payload"), st["id"], "a delete's payload is the "
          "id")
    ws.close()


@h.case
def subscribe_unsubscribe(t, srv):
    """Subscribe and unsubscribe on one connection; errors for junk."""
    alice, bob = pair(srv)
    ws = token_ws(srv, alice, "stream=user&")
    ws.send(1, json.dumps({"type": "subscribe", "stream": "public"}))
    time.sleep(0.3)
    st = bob.post("/api/v1/statuses", {"status": "to all"}).json()
    got = [ws.message(update_of(st["id"], s)) for s in ("user",
                                                        "public")]
    t.ok(all(got), "after subscribing to public, a public post comes "
         "through both streams, each named")
    ws.send(1, json.dumps({"type": "unsubscribe", "stream": "user"}))
    time.sleep(0.3)
    st = bob.post("/api/v1/statuses", {"status": "again"}).json()
    t.ok(ws.message(update_of(st["id"], "public")) is not None,
         "after unsubscribing from user, public still comes")
    t.ok(ws.message(update_of(st["id"], "user"), timeout=1) is None,
         "... and user does not")
    ws.send(1, json.dumps({"type": "subscribe", "stream": "nope"}))
    m = ws.message(lambda m: "error" in m)
    t.like(m and m["error"], r"Unknown stream type",
           "an unknown stream gets an error message")
    t.is_(m and m.get("status"), 400, "... with status 400")
    ws.send(1, "not json")
    m = ws.message(lambda m: "error" in m)
    t.like(m and m["error"], r"Unknown message", "junk gets an error "
           "message, and the connection stays")
    ws.close()


@h.case
def fragmented_message(t, srv):
    """A message in three fragments, a ping between them; then a close."""
    alice, bob = pair(srv)
    # No stream at first: the fragmented subscribe is the only one.
    ws = token_ws(srv, alice)
    msg = json.dumps({"type": "subscribe",
                      "stream": "user:notification"}).encode()
    ws.send(1, msg[:5], fin=False)
    ws.send(0, msg[5:12], fin=False)
    ws.send(9, b"mid")
    ws.send(0, msg[12:], fin=True)
    t.ok(ws.wait(lambda f: f == (10, b"mid")) is not None,
         "a ping between fragments is answered")
    time.sleep(0.3)
    alice.post("/api/v1/statuses", {"status": "hi @%s" % bob.name})
    bob.post("/api/v1/accounts/%s/follow" % alice.id)
    m = ws.message(lambda m: m.get("event") == "notification")
    t.ok(m is not None and m["stream"] == ["user:notification"],
         "a fragmented subscribe to user:notification works")
    ws.send(8, struct.pack(">H", 1000))
    t.ok(ws.wait_closed(), "a close is answered by closing")
    t.is_(ws.close_code, 1000, "... with a close frame, 1000")
    ws.close()


@h.case
def token_as_subprotocol(t, srv):
    """The token as Sec-WebSocket-Protocol, echoed; /streaming/user."""
    alice, bob = pair(srv)
    bob.post("/api/v1/accounts/%s/follow" % alice.id)
    ws = WS(srv.port, "/api/v1/streaming",
            {"Sec-WebSocket-Protocol": bob.token})
    t.is_(ws.status, 101, "the token as Sec-WebSocket-Protocol: 101")
    t.is_(ws.headers.get("sec-websocket-protocol"), bob.token,
          "... and echoed")
    ws.send(1, json.dumps({"type": "subscribe", "stream": "user"}))
    time.sleep(0.3)
    st = alice.post("/api/v1/statuses", {"status": "for bob"}).json()
    t.ok(ws.message(update_of(st["id"], "user")) is not None,
         "no stream at first, then subscribed by message")
    ws.close()
    ws = WS(srv.port, "/api/v1/streaming/user",
            {"Authorization": "Bearer " + alice.token})
    t.is_(ws.status, 101, "/api/v1/streaming/user upgrades too, with "
          "a bearer header")
    ws.close()


@h.case
def sse_stream_names(t, srv):
    """The new stream names work as server-sent events too."""
    alice, bob = pair(srv)
    for path in ("/api/v1/streaming/user/notification",
                 "/api/v1/streaming/public/local",
                 "/api/v1/streaming?stream=user:notification"):
        sock = socket.create_connection(("127.0.0.1", srv.port),
                                        timeout=h.TIMEOUT)
        sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: "
                      "Bearer %s\r\n\r\n" % (path, alice.token))
                     .encode())
        head = sock.recv(4096).decode("latin-1")
        t.like(head, r"^HTTP/1\.1 200 (?s:.*)text/event-stream",
               "%s: server-sent events" % path)
        sock.close()


@h.case
def cookie_needs_own_origin(t, srv):
    """A cookie only from hearth's own origin; a token from any."""
    alice, bob = pair(srv)
    web = srv.client()
    t.status(web.login(alice.name), 303, "alice signs in on the web")
    cookie = "hearth_session=" + web.session()
    ws = WS(srv.port, "/api/v1/streaming?stream=user",
            {"Cookie": cookie, "Origin": "https://evil.example"})
    t.is_(ws.status, 403, "a cookie handshake from another site: 403")
    ws.close()
    ws = WS(srv.port, "/api/v1/streaming?stream=user",
            {"Cookie": cookie})
    t.is_(ws.status, 403, "... or with no Origin at all: 403")
    ws.close()
    ws = WS(srv.port, "/api/v1/streaming?stream=user",
            {"Cookie": cookie, "Origin": "http://127.0.0.1:%d" %
             srv.port})
    t.is_(ws.status, 101, "... from hearth's own origin: 101")
    ws.close()
    ws = token_ws(srv, alice, "stream=user&",
                  {"Origin": "https://app.example"})
    t.is_(ws.status, 101, "a token handshake from any origin: 101 (apps "
          "on other sites hold their own token)")
    ws.close()


@h.case
def handshake_refusals(t, srv):
    """Bad credentials, stream, version, key or Connection: refused."""
    alice, bob = pair(srv)
    for name, path, hdrs, want in [
            ("no credentials", "/api/v1/streaming?stream=user", {},
             401),
            ("a bad token", "/api/v1/streaming?stream=user&"
             "access_token=nope", {}, 401),
            ("a bad token as subprotocol", "/api/v1/streaming",
             {"Sec-WebSocket-Protocol": "nope"}, 401),
            ("an unknown stream", "/api/v1/streaming?stream=nope&"
             "access_token=" + alice.token, {}, 400),
            ("version 8", "/api/v1/streaming?access_token=" +
             alice.token, {"Sec-WebSocket-Version": "8"}, 426),
            ("a short key", "/api/v1/streaming?access_token=" +
             alice.token, {"Sec-WebSocket-Key": "c2hvcnQ="}, 400),
            ("no Connection: Upgrade", "/api/v1/streaming?"
             "access_token=" + alice.token,
             {"Connection": "keep-alive"}, 400)]:
        ws = WS(srv.port, path, hdrs)
        t.is_(ws.status, want, "%s: %d" % (name, want))
        if want == 426:
            t.is_(ws.headers.get("sec-websocket-version"), "13",
                  "... naming the version spoken")
        ws.close()


@h.case
def forbidden_frames(t, srv):
    """Frames the protocol forbids close the connection with a code."""
    alice, bob = pair(srv)
    for name, send, code in [
            ("an unmasked frame", dict(opcode=1, data=b"{}",
                                       masked=False), 1002),
            ("a reserved bit", dict(opcode=1, data=b"{}", rsv=0x40),
             1002),
            ("a reserved opcode", dict(opcode=3, data=b"x"), 1002),
            ("a binary message", dict(opcode=2, data=b"\x00"), 1003),
            ("a fragmented ping", dict(opcode=9, data=b"x",
                                       fin=False), 1002),
            ("a stray continuation", dict(opcode=0, data=b"x"), 1002),
            ("a message over 4 KiB", dict(opcode=1, data=b"x" * 5000),
             1009)]:
        ws = token_ws(srv, alice)
        ws.send(**send)
        t.ok(ws.wait_closed(), "%s closes the connection" % name)
        t.is_(ws.close_code, code, "... with %d" % code)
        ws.close()
    t.status(alice.get("/api/v1/streaming/health"), 200, "the server "
             "is still well")


@h.case
def sigterm_closes_websocket(t, srv):
    """Shutdown with a WebSocket open: it goes away at once, with 1001."""
    # A server of its own: this case stops it.
    with h.Server(t, name="sigterm", **CONFIG) as own:
        alice, bob = pair(own)
        ws = token_ws(own, alice, "stream=user&")
        t0 = time.monotonic()
        own.stop()
        t.ok(ws.wait_closed(5), "SIGTERM closes an open WebSocket")
        t.is_(ws.close_code, 1001, "... with 1001, going away")
        t.ok(time.monotonic() - t0 < 5, "... promptly")
        ws.close()


if __name__ == "__main__":
    h.main_cases(fixture)
