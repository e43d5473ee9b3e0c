"""Slow and greedy clients: a head must arrive whole within header_timeout
however it trickles; a body must keep up min_body_rate; a request that will
be refused is refused from its head, before its body arrives (no
credentials, or more than the route or an anonymous client may send);
bodies in memory share max_body_memory; and memory comes back when the
connections go."""
import socket
import time

import attack
import harness as h

BIG = 8388600     # 8 MiB less 8 bytes, as the outside attack announced


def wait_closed(s, limit):
    """Seconds until the server closes s (reading and dropping what it
    sends), or None if it is still open after limit seconds."""
    t0 = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - t0 < limit:
        try:
            if s.recv(65536) == b"":
                return time.monotonic() - t0
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - t0
    return None


def head_answer(port, head, wait=2.0):
    """Send only a head; the status answered within wait seconds (0 for
    none) and whether the connection then closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(head)
        s.settimeout(wait)
        try:
            raw = s.recv(65536)
        except socket.timeout:
            return 0, False
        closed = wait_closed(s, 3) is not None
    return (h.raw_status(raw) if raw else 0), closed


def body(t):
    with h.Server(t, header_timeout="2s", keepalive_timeout="1s",
                  min_body_rate=1000, max_body_memory=100000) as srv:
        p = srv.port
        alice = srv.people("alice")["alice"]
        auth = b"Authorization: Bearer " + alice.token.encode() + b"\r\n"
        form_head = (b"Content-Type: application/x-www-form-urlencoded\r\n")

        # -- the head's deadline is absolute
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            t0 = time.monotonic()
            alive = True
            while alive and time.monotonic() - t0 < 6:
                try:
                    s.sendall(b"a")
                except OSError:
                    break
                time.sleep(0.25)
                try:
                    s.setblocking(False)
                    alive = s.recv(1) != b""
                except BlockingIOError:
                    pass
                except OSError:
                    alive = False
                finally:
                    s.setblocking(True)
            took = time.monotonic() - t0
        t.ok(not alive and 1.5 < took < 4, "a head trickling a byte every "
             "0.25 s is cut off at header_timeout (2 s), though it never "
             "went quiet (%.1fs)" % took)

        # -- an idle keep-alive connection goes after keepalive_timeout
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            took = wait_closed(s, 5)
        t.ok(took is not None and took < 3, "an idle keep-alive connection "
             "closes after keepalive_timeout (%s)" % took)

        # -- a body must keep up min_body_rate
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" +
                      auth + form_head + b"Content-Length: 10000\r\n\r\n"
                      b"status=")
            t0 = time.monotonic()
            closed = False
            while time.monotonic() - t0 < 8:
                try:
                    s.sendall(b"x" * 10)
                except OSError:
                    closed = True
                    break
                time.sleep(0.25)
                try:
                    s.setblocking(False)
                    if s.recv(1) == b"":
                        closed = True
                        break
                except BlockingIOError:
                    pass
                except OSError:
                    closed = True
                    break
                finally:
                    s.setblocking(True)
            took = time.monotonic() - t0
        t.ok(closed and took < 5, "a body at 40 bytes/s is cut off after "
             "a window below min_body_rate (%.1fs)" % took)
        with socket.create_connection(("127.0.0.1", p), timeout=10) as s:
            s.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" +
                      auth + form_head + b"Content-Length: 4807\r\n"
                      b"Connection: close\r\n\r\nstatus=")
            for _ in range(60):
                s.sendall(b"y" * 80)
                time.sleep(0.05)
            raw = h.read_until_close(s)
        t.is_(h.raw_status(raw), 200, "a body at 1,600 bytes/s, for longer "
              "than a window, is read whole")

        # -- refused from the head, before any body
        st, closed = head_answer(p, b"POST /api/v1/statuses HTTP/1.1\r\n"
                                 b"Host: x\r\n" + form_head +
                                 b"Content-Length: %d\r\n\r\n" % BIG)
        t.is_(st, 401, "no credentials and an 8 MiB body: 401 from the "
              "head alone")
        t.ok(closed, "... and the connection closes (the body is never "
             "read)")
        st, _ = head_answer(p, b"POST /api/v1/statuses HTTP/1.1\r\n"
                            b"Host: x\r\n" + auth + form_head +
                            b"Content-Length: 2000000\r\n\r\n")
        t.is_(st, 413, "signed in, 2 MB to a route that takes no files: 413 "
              "from the head (max_form_size)")
        st, _ = head_answer(p, b"POST /login HTTP/1.1\r\nHost: x\r\n" +
                            form_head + b"Content-Length: 100000\r\n\r\n")
        t.is_(st, 413, "not signed in, 100 KB to /login: 413 from the head "
              "(max_anon_body_size)")
        st, _ = head_answer(p, b"POST /nowhere HTTP/1.1\r\nHost: x\r\n" +
                            form_head + b"Content-Length: 100\r\n\r\n")
        t.is_(st, 404, "a body for a path that is not there: 404 from the "
              "head")

        # -- bodies in memory share max_body_memory (100,000 bytes here)
        first = socket.create_connection(("127.0.0.1", p), timeout=5)
        first.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" +
                      auth + form_head + b"Content-Length: 60007\r\n"
                      b"Connection: close\r\n\r\nstatus=" + b"z" * 1000)
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", p), timeout=5) as s:
            s.sendall(b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\n" +
                      auth + form_head + b"Content-Length: 60007\r\n\r\n")
            s.settimeout(2)
            raw = s.recv(65536)
        t.is_(h.raw_status(raw), 503, "a second body that would overrun "
              "max_body_memory: 503 from its head")
        t.like(raw.decode("latin-1"), r"\r\nRetry-After: \d+\r\n",
               "... with Retry-After")
        first.sendall(b"z" * 59000)
        first.settimeout(5)
        raw = h.read_until_close(first)
        first.close()
        t.is_(h.raw_status(raw), 422, "the first body was read whole (its "
              "60,000-character post is refused as too long: 422)")
        r = alice.post("/api/v1/statuses", form={"status": "fits again"})
        t.status(r, 200, "once it is done, the budget is free again")

    # -- memory: 300 unauthenticated body-holders, as the outside attack
    # ran them; RSS before, during and after.
    with h.Server(t, name="body-holders") as srv:
        p = srv.port
        for _ in range(50):
            attack.timed_get(p, "/healthz")
        before = srv.rss_mb()
        crowd = attack.Crowd(p, 300, b"POST /api/v1/statuses HTTP/1.1\r\n"
                             b"Host: x\r\nContent-Type: application/"
                             b"x-www-form-urlencoded\r\nContent-Length: "
                             b"%d\r\n\r\n" % BIG + b"s" * (BIG - 1024),
                             sources=("127.0.4.1", "127.0.4.2",
                                      "127.0.4.3", "127.0.4.4",
                                      "127.0.4.5", "127.0.4.6"))
        # Answers come as the heads are read: wait for them (a loaded
        # machine, or a sanitizer build, takes longer than a second).
        end = time.monotonic() + 20
        answered = crowd.answers()
        while answered.count(401) < 300 and time.monotonic() < end:
            time.sleep(0.2)
            answered = crowd.answers()
        during = srv.rss_mb()
        crowd.close()
        time.sleep(1)
        after = srv.rss_mb()
        t.diag("RSS before %.1f MB, during %.1f MB, after %.1f MB"
               % (before, during, after))
        t.ok(answered.count(401) >= 250, "the body-holders are answered 401 "
             "from their heads (%d of 300)" % answered.count(401))
        if h.SANITIZED:
            t.ok(True, "# SKIP memory figures mean little under a "
                 "sanitizer")
            t.ok(True, "# SKIP")
        else:
            t.ok(during - before < 40, "RSS grows by %.1f MB, not by their "
                 "bodies (2.5 GB if each were read)" % (during - before))
            t.ok(after - before < 20, "... and comes back after (%.1f MB "
                 "over the start)" % (after - before))


h.main(body)
