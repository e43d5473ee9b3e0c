"""Streaming clients for the integration tests, on raw sockets: Stream
reads server-sent events (chunked), WS speaks WebSocket (frames it sends
are masked, as a client's must be)."""
import base64
import json
import os
import socket
import struct
import time

import harness as h


class Conn:
    """A streaming connection on a raw socket: what arrives is kept in raw
    until the subclass's _feed turns it into items (events, frames)."""

    def __init__(self, port, path, headers):
        self.sock, self.status, self.headers, self.raw = h.raw_open(
            port, path, headers)
        self.closed = False
        self.items = []

    def read(self, timeout):
        """Read for up to timeout seconds (less if the connection ends)."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                b = self.sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                b = b""
            if not b:
                self.closed = True
                break
            self.raw += b
            self._feed()

    def wait(self, pred, timeout=h.TIMEOUT):
        """The first item satisfying pred (those before it are dropped),
        or None."""
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.items):
                if pred(e):
                    del self.items[:i + 1]
                    return e
            if self.closed or time.monotonic() > deadline:
                return None
            self.read(min(0.2, max(0.01, deadline - time.monotonic())))

    def wait_closed(self, timeout=h.TIMEOUT):
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self.read(0.2)
        return self.closed

    def close(self):
        self.sock.close()


class Stream(Conn):
    """One open event stream (chunked encoding); items are events, as
    (name, data), comments as ("comment", text)."""

    def __init__(self, port, path, headers=None):
        hdrs = {"Host": "127.0.0.1"}
        hdrs.update(headers or {})
        super().__init__(port, path, hdrs)
        self.text = ""

    def _feed(self):
        self._decode()
        self._parse()

    def _decode(self):
        while True:
            line, sep, rest = self.raw.partition(b"\r\n")
            if not sep:
                return
            size = int(line.split(b";")[0] or b"0", 16)
            if size == 0:
                self.closed = True
                self.raw = b""
                return
            if len(rest) < size + 2:
                return
            self.text += rest[:size].decode()
            self.raw = rest[size + 2:]

    def _parse(self):
        while "\n\n" in self.text:
            block, _, self.text = self.text.partition("\n\n")
            if block.startswith(":"):
                self.items.append(("comment", block[1:]))
                continue
            ev, data = None, ""
            for line in block.split("\n"):
                if line.startswith("event: "):
                    ev = line[7:]
                elif line.startswith("data: "):
                    data += line[6:]
            self.items.append((ev, data))

    def until(self, pred, timeout=h.TIMEOUT):
        """Read until an event satisfies pred; every event so far (taken)."""
        deadline = time.monotonic() + timeout
        while not any(pred(e) for e in self.items) and not self.closed \
                and time.monotonic() < deadline:
            self.read(0.2)
        return self.take()

    def take(self):
        """Every event so far (and forget them)."""
        out, self.items = self.items, []
        return out


class WS(Conn):
    """A WebSocket client: frames it sends are masked; items are frames
    received, as (opcode, data)."""

    def __init__(self, port, path, headers=None, key=None):
        self.key = key or base64.b64encode(os.urandom(16)).decode()
        hdrs = {"Host": "127.0.0.1", "Upgrade": "websocket",
                "Connection": "keep-alive, Upgrade",
                "Sec-WebSocket-Key": self.key,
                "Sec-WebSocket-Version": "13"}
        hdrs.update(headers or {})
        super().__init__(port, path, hdrs)
        self.close_code = None

    def send(self, opcode, data=b"", fin=True, masked=True, rsv=0):
        if isinstance(data, str):
            data = data.encode()
        hdr = bytes([(0x80 if fin else 0) | rsv | opcode])
        n = len(data)
        mbit = 0x80 if masked else 0
        if n < 126:
            hdr += bytes([mbit | n])
        elif n < 65536:
            hdr += bytes([mbit | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([mbit | 127]) + struct.pack(">Q", n)
        if masked:
            mask = os.urandom(4)
            hdr += mask
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(hdr + data)

    def _feed(self):
        while len(self.raw) >= 2:
            op, n = self.raw[0] & 0x0f, self.raw[1] & 0x7f
            off = 2
            if n == 126:
                if len(self.raw) < 4:
                    return
                n, off = struct.unpack(">H", self.raw[2:4])[0], 4
            elif n == 127:
                if len(self.raw) < 10:
                    return
                n, off = struct.unpack(">Q", self.raw[2:10])[0], 10
            if len(self.raw) < off + n:
                return
            data, self.raw = self.raw[off:off + n], self.raw[off + n:]
            if op == 8:
                self.close_code = struct.unpack(">H", data[:2])[0] \
                    if len(data) >= 2 else None
            self.items.append((op, data))

    def message(self, pred=lambda m: True, timeout=h.TIMEOUT):
        """The first JSON text message satisfying pred, or None."""
        f = self.wait(lambda f: f[0] == 1 and pred(json.loads(f[1])),
                      timeout)
        return json.loads(f[1]) if f else None
