"""
attack.py: hostile clients for the integration tests, written as an
attacker on the same network would: many connections from one or many
addresses (the whole of 127/8 is loopback, so each test picks its own),
each sending part of a request and then a byte now and then, or holding a
body open. Standard library only; every loop is bounded.
"""
import socket
import time

import harness as h


class Crowd:
    """n connections to port, spread over the source addresses, each having
    sent prefix (and nothing more, yet)."""

    def __init__(self, port, n, prefix, sources=("127.0.0.2",)):
        self.socks = []
        self.failed = 0
        for i in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind((sources[i % len(sources)], 0))
                s.settimeout(5)
                s.connect(("127.0.0.1", port))
                s.setblocking(False)
                s.send(prefix)
                self.socks.append(s)
            except OSError:
                self.failed += 1
                s.close()

    def trickle(self, byte=b"a"):
        """One more byte on every connection still open."""
        for s in self.socks:
            try:
                s.send(byte)
            except OSError:
                pass

    def open_count(self):
        """How many the server still holds open and unanswered."""
        n = 0
        for s in self.socks:
            try:
                got = s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                n += 1
                continue
            except OSError:
                continue
            if got == b"":
                continue        # closed
            # an answer (a refusal): not held
        return n

    def answers(self):
        """The statuses the server answered, one per answered connection."""
        out = []
        for s in self.socks:
            try:
                got = s.recv(64, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except OSError:
                continue
            if got.startswith(b"HTTP/1.1 "):
                out.append(int(got[9:12]))
        return out

    def close(self):
        for s in self.socks:
            s.close()
        self.socks = []


def timed_get(port, path, headers=b"", src="127.0.0.1", timeout=5):
    """GET path on a new connection from src: (status, seconds), the time
    from connect to the whole answer. Status 0 if it failed."""
    t0 = time.monotonic()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((src, 0))
            s.settimeout(timeout)
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" +
                      headers + b"Connection: close\r\n\r\n")
            raw = h.read_until_close(s)
    except OSError:
        return 0, time.monotonic() - t0
    status = h.raw_status(raw) if raw else 0
    return status, time.monotonic() - t0


def probe(t, port, what, paths, rounds=10, limit=0.1, cookie=None):
    """A normal client's requests while an attack runs: each must be
    answered 200 within limit seconds. Reports the slowest."""
    headers = b""
    if cookie:
        headers = b"Cookie: " + cookie.encode() + b"\r\n"
    worst = {}
    bad = []
    for _ in range(rounds):
        for path in paths:
            st, took = timed_get(port, path, headers)
            worst[path] = max(worst.get(path, 0), took)
            if st != 200:
                bad.append((path, st, round(took, 3)))
    slowest = max(worst.values()) if worst else 0
    t.ok(not bad and slowest < limit, "%s: a normal client gets %s within "
         "%d ms (slowest %.1f ms)" % (what, " and ".join(paths),
                                     limit * 1000, slowest * 1000),
         "failed: %r; slowest per path: %r" % (bad, worst))
    return worst


def cpu_over(srv, seconds, during=None):
    """CPU seconds the server used over a stretch of wall time (calling
    during() every half second meanwhile)."""
    c0 = srv.cpu_seconds()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if during:
            during()
        time.sleep(0.5)
    return srv.cpu_seconds() - c0
