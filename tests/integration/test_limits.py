"""Request limits: header size, body size (max_body_size), slow clients
(request_timeout), and form sizes. The server stays healthy throughout."""
import re
import socket
import time
import urllib.parse

import harness as h

MAX_BODY = 4096


def body(t):
    with h.Server(t, max_body_size=MAX_BODY, max_header_size=2048,
                  request_timeout="1s") as srv:
        srv.add_user("alice")
        port = srv.port

        raw = h.raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                             b"X-Big: " + b"a" * 8000 + b"\r\n\r\n")
        st = h.raw_status(raw)
        t.ok(st in (400, 413, 431), "a header block over max_header_size is "
             "refused with an error status (%s)" % st)
        raw = h.raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
                             b"".join(b"X-H%d: v\r\n" % i for i in range(400))
                             + b"\r\n")
        st = h.raw_status(raw)
        t.ok(st in (400, 413, 431), "many small headers over the limit are "
             "refused too (%s)" % st)

        c = srv.client()
        csrf = c.csrf()
        form = {"username": "alice", "password": h.PASSWORD, "csrf": csrf}

        def pad(n):
            return dict(form, pad="p" * n)

        def size(f):
            return len(urllib.parse.urlencode(f))

        f = pad(MAX_BODY - size(pad(0)) - 1)
        t.ok(size(f) < MAX_BODY, "(a form just under max_body_size)")
        t.status(c.post("/login", f), 303, "a body under max_body_size is "
                 "served")
        f = pad(MAX_BODY + 10)
        r = c.post("/login", f)
        t.status(r, 413, "a body over max_body_size is 413")
        t.is_(r.set_cookie("hearth_session"), None, "... and signs no one in")

        head = (b"POST /login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n")
        raw = h.raw_exchange(port, head + b"Content-Length: 1000000000\r\n"
                             b"\r\n")
        t.is_(h.raw_status(raw), 413, "announcing a huge Content-Length is "
              "413 at once (no body sent)")
        chunk = b"400\r\n" + b"a" * 1024 + b"\r\n"
        raw = h.raw_exchange(port, head + b"Transfer-Encoding: chunked\r\n"
                             b"\r\n" + chunk * 8 + b"0\r\n\r\n")
        t.is_(h.raw_status(raw), 413, "a chunked body over the limit is 413")

        r = c.post("/login", dict(form, **{"f%d" % i: "x"
                                           for i in range(300)}))
        t.status(r, 400, "a form with too many fields is 400")
        r = c.post("/login", body="username=%zz&password=x&csrf=" + csrf,
                   headers={"Content-Type":
                            "application/x-www-form-urlencoded"})
        t.status(r, 400, "a form with a bad percent-escape is 400")
        r = c.request("POST", "/login", body="{not json",
                      headers={"Content-Type": "application/json",
                               "X-CSRF-Token": csrf})
        t.status(r, 400, "a malformed JSON body is 400")
        t.like(r.text, r"JSON", "... and says the JSON is malformed")

        # A client that never finishes its request is cut off after
        # request_timeout.
        s = socket.create_connection(("127.0.0.1", port), timeout=h.TIMEOUT)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        t0 = time.monotonic()
        try:
            got = s.recv(1024)
        except (ConnectionResetError, socket.timeout):
            got = b""
        waited = time.monotonic() - t0
        s.close()
        t.ok(got == b"" or h.raw_status(got) in (400, 408),
             "a stalled request gets no answer, or an error", repr(got))
        t.ok(waited < 5, "... and the connection is closed after about "
             "request_timeout (%.1fs)" % waited)

        # Pipelined requests on one connection are answered in order.
        raw = h.raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                             b"GET /nope HTTP/1.1\r\nHost: x\r\n"
                             b"Connection: close\r\n\r\n")
        codes = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3})", raw)]
        t.is_(codes, [200, 404], "pipelined requests are answered in order")

        r = c.get("/healthz")
        t.status(r, 200, "the server is healthy after all that")


h.main(body)
