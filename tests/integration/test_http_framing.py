"""Strict HTTP/1.1 framing (RFC 9112): what request smuggling lives on is
refused with 400 and the connection closed, so nothing after the bad head is
ever read as a request; oversized heads are 431, oversized targets 414,
unknown methods 501; every one of these answers carries hearth's security
headers. Good framing still works: chunked bodies with extensions and
trailers, Expect: 100-continue, absolute-form targets, HTTP/1.0."""
import re
import socket
import time

import harness as h

# A second request smuggled behind the first: if the server ever answers
# it, the first was misread.
SMUGGLED = b"GET /healthz?smuggled HTTP/1.1\r\nHost: x\r\n\r\n"


def statuses(raw):
    """The final statuses in raw (1xx are interim)."""
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", raw)
            if int(m) >= 200]


def head_of(raw):
    head = raw.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    return dict((k.lower(), v) for k, v in
                (x.split(": ", 1) for x in head[1:] if ": " in x))


def refused(t, port, data, want, what):
    """Send data; it must be answered once, with want, with hearth's
    headers and Connection: close, and the connection closed."""
    t0 = time.monotonic()
    raw = h.raw_exchange(port, data + SMUGGLED)
    took = time.monotonic() - t0
    got = statuses(raw)
    t.is_(got, [want], "%s: %d, and nothing after it is read as a request"
          % (what, want))
    hd = head_of(raw)
    t.ok("default-src 'none'" in hd.get("content-security-policy", "") and
         hd.get("x-content-type-options") == "nosniff",
         "%s: the %d carries hearth's security headers" % (what, want),
         repr(hd))
    t.ok(hd.get("connection") == "close" and took < 5,
         "%s: ... says Connection: close and closes (%.1fs)" % (what, took))


def body(t):
    with h.Server(t, max_header_size=4096) as srv:
        p = srv.port
        alice = srv.people("alice")["alice"]
        auth = b"Authorization: Bearer " + alice.token.encode() + b"\r\n"

        # -- what smuggling lives on: 400 and close
        cases = [
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello",
             "two Content-Lengths that differ"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
             "two Content-Lengths that agree"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Length: 5, 5\r\n\r\nhello",
             "a Content-Length list"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Length: +5\r\n\r\nhello", "a signed Content-Length"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Transfer-Encoding: xyz\r\n\r\n", "Transfer-Encoding: xyz "
             "without Content-Length"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
             "a Transfer-Encoding list"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"
             b"\r\n0\r\n\r\n", "two Transfer-Encodings"),
            (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" + auth +
             b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"0\r\n\r\n", "Content-Length with Transfer-Encoding"),
            (b"POST /api/v1/statuses HTTP/1.0\r\n" + auth +
             b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
             "Transfer-Encoding in HTTP/1.0"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n",
             "obsolete line folding"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n\ttwo\r\n\r\n",
             "obsolete line folding with a tab"),
            (b"GET /healthz HTTP/1.1\nHost: x\n\n", "bare LF line ends"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n",
             "one bare LF"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n",
             "a bare CR"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
             "a NUL in a value"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n",
             "a control character in a value"),
            (b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n",
             "whitespace before a colon"),
            (b"GET /healthz HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n",
             "a header without a name"),
            (b"GET /healthz HTTP/1.1\r\n\r\n", "HTTP/1.1 without Host"),
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
             "two Hosts"),
            (b"GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
             "two spaces in the request line"),
            (b"GET /health z HTTP/1.1\r\nHost: x\r\n\r\n",
             "a space in the target"),
            (b"GET /healthz http/1.1\r\nHost: x\r\n\r\n",
             "a lowercase version"),
            (b"GET /healthz#frag HTTP/1.1\r\nHost: x\r\n\r\n",
             "a fragment in the target"),
            (b"GET /h\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
             "raw bytes beyond ASCII in the target"),
            (b"POST /login HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
             "a chunk size that is not hex"),
            (b"POST /login HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
             "a chunk longer than its size"),
            (b"POST /login HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
             "a bare LF in the chunked framing"),
        ]
        for data, what in cases:
            refused(t, p, data, 400, what)

        # -- limits and what is not spoken: their own statuses
        refused(t, p, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                b"a" * 5000 + b"\r\n\r\n", 431, "a header block over "
                "max_header_size")
        refused(t, p, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
                b"".join(b"X-%d: v\r\n" % i for i in range(101)) + b"\r\n",
                431, "over 100 header lines")
        refused(t, p, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n"
                b"\r\n", 414, "a target over max_header_size")
        refused(t, p, b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 501,
                "an unknown method")
        refused(t, p, b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505,
                "HTTP/2.0 in a request line")
        refused(t, p, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505,
                "the HTTP/2 preface")
        refused(t, p, b"PUT /api/v1/statuses/1 HTTP/1.1\r\nHost: x\r\n" +
                auth + b"Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417,
                "an Expect other than 100-continue")
        raw = h.raw_exchange(p, b"TRACE /healthz HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
        t.is_(statuses(raw), [405], "TRACE is 405 (a method we know and do "
              "not allow)")
        t.like(head_of(raw).get("allow", ""), r"^GET, HEAD$",
               "... with Allow: GET, HEAD")

        # -- good framing still works
        raw = h.raw_exchange(p, b"\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
        t.is_(statuses(raw), [200], "an empty line before a request is "
              "skipped (RFC 9112, 2.2)")
        raw = h.raw_exchange(p, b"GET http://example.com/healthz HTTP/1.1\r\n"
                             b"Host: example.com\r\nConnection: close\r\n\r\n")
        t.is_(statuses(raw), [200], "an absolute-form target is served")
        raw = h.raw_exchange(p, b"GET /healthz HTTP/1.0\r\n\r\n")
        t.is_(statuses(raw), [200], "HTTP/1.0 without Host is served")
        t.is_(head_of(raw).get("connection"), "close", "... and closed")
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n"
                      b"\r\n")
            time.sleep(0.2)
            s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            raw = h.read_until_close(s)
        t.is_(statuses(raw), [200, 200], "HTTP/1.0 keep-alive is kept")
        t.like(raw.decode("latin-1"), r"Connection: keep-alive",
               "... and says so")

        text = "Posted in chunks"
        form = ("status=" + text.replace(" ", "+")).encode()
        chunked = (b"%x;name=value\r\n" % 7 + form[:7] + b"\r\n" +
                   b"%X\r\n" % (len(form) - 7) + form[7:] + b"\r\n" +
                   b"0\r\nX-Trailer: ignored\r\n\r\n")
        raw = h.raw_exchange(p, b"POST /api/v1/statuses HTTP/1.1\r\n"
                             b"Host: x\r\n" + auth + b"Content-Type: "
                             b"application/x-www-form-urlencoded\r\n"
                             b"Transfer-Encoding: chunked\r\n"
                             b"Connection: close\r\n\r\n" + chunked)
        t.is_(statuses(raw), [200], "a chunked body with an extension and "
              "a trailer is read")
        t.like(raw.decode("utf-8", "replace"), text, "... whole")

        # Expect: 100-continue, answered only once the head is accepted.
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" +
                      auth + b"Content-Type: application/x-www-form-"
                      b"urlencoded\r\nExpect: 100-continue\r\n"
                      b"Content-Length: 13\r\nConnection: close\r\n\r\n")
            first = s.recv(4096)
            t.is_(statuses(first), [], "(no final answer before the body)")
            t.like(first.decode("latin-1"), r"^HTTP/1\.1 100 Continue\r\n"
                   r"\r\n", "Expect: 100-continue gets 100 Continue")
            s.sendall(b"status=hello!")
            raw = h.read_until_close(s)
        t.is_(statuses(raw), [200], "... then the answer")
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n"
                      b"Expect: 100-continue\r\nContent-Length: 13\r\n\r\n")
            raw = s.recv(4096)
        t.is_(statuses(raw), [401], "without credentials: 401 at once, "
              "never 100 Continue")

        # A header value with a CR never reaches the wire as two headers.
        r = alice.get("/healthz")
        t.status(r, 200, "the server is well after all that")
        t.unlike(srv.log(), r"smuggled", "no smuggled request was ever "
                 "served")


h.main(body)
