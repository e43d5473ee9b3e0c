"""One client must not take the server down by connections alone: under
the packaged unit's old 1,024 open files, 1,100 slow connections from one
address are capped at that address's share; from many addresses, the
oldest slow heads make room for new clients; when descriptors do run out,
accept() neither spins nor floods the log; between requests, idle
connections are the first to go. Throughout, a normal client gets /healthz
and the home page in under 100 ms."""
import resource
import time

import attack
import harness as h

SLOW_HEAD = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "


def raise_own_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16384), hard))


def signed_in_cookie(srv):
    c = srv.client()
    c.login("alice")
    return "hearth_session=" + c.cookies["hearth_session"]


def body(t):
    raise_own_nofile()
    limit = 0.25 if h.SANITIZED else 0.1

    # 1. 1,100 slow connections from one address, under 1,024 open files.
    with h.Server(t, name="nofile-1024", nofile=1024) as srv:
        srv.add_user("alice")
        cookie = signed_in_cookie(srv)
        t.like(srv.log(), r"open files limit 1024\b", "the open files limit "
               "is logged at start")
        m = srv.wait_log(r"at most (\d+) connections, (\d+) per client")
        total, per = int(m.group(1)), int(m.group(2))
        t.ok(total < 1024 - 32 and 0 < per < total, "the caps derive from "
             "it: %d in all, %d per address" % (total, per))
        crowd = attack.Crowd(srv.port, 1100, SLOW_HEAD,
                             sources=("127.0.0.2",))
        time.sleep(0.5)
        held = crowd.open_count()
        t.ok(held <= per, "of 1,100 slow connections from one address, "
             "%d are held (its share is %d)" % (held, per))
        t.ok(set(crowd.answers()) <= {429}, "the rest are answered 429 "
             "and closed", repr(set(crowd.answers())))
        cpu = attack.cpu_over(srv, 3, crowd.trickle)
        t.ok(cpu < 0.6, "hearthd is not spinning meanwhile (%.2f CPU "
             "seconds in 3 s)" % cpu)
        attack.probe(t, srv.port, "1,100 slow connections",
                     ["/healthz", "/"], limit=limit, cookie=cookie)
        log = srv.log()
        t.ok(log.count("refused a connection") <= 3, "refusals are logged "
             "once per interval, with a count (%d lines)"
             % log.count("refused a connection"))
        t.like(log, r"refused a connection: .*\(\d+ times in the last "
               r"10 s\)|refused a connection", "... saying what and how "
               "often")
        t.unlike(log, r"Too many open files", "descriptors never ran out")
        crowd.close()

    # 2. The same from many addresses, more than all the connections
    # there are: the oldest slow heads make room.
    with h.Server(t, name="many-addresses", nofile=1024,
                  max_connections=300) as srv:
        srv.add_user("alice")
        cookie = signed_in_cookie(srv)
        sources = tuple("127.0.1.%d" % i for i in range(1, 41))
        crowd = attack.Crowd(srv.port, 400, SLOW_HEAD, sources=sources)
        time.sleep(0.5)
        held = crowd.open_count()
        t.ok(held <= 300, "400 slow connections from 40 addresses: %d held "
             "(max_connections = 300)" % held)
        attack.probe(t, srv.port, "connections full of slow heads",
                     ["/healthz", "/"], limit=limit, cookie=cookie)
        t.like(srv.log(), r"connections full: closed one still sending "
               r"its request", "the oldest slow head was closed to make "
               "room, and the log says so")
        crowd.close()

    # 3. Descriptors run out (max_connections set above what the limit
    # allows): accept() pauses instead of spinning, the log says so once
    # per interval, and the server recovers.
    with h.Server(t, name="emfile", nofile=160, max_connections=1000,
                  max_connections_per_ip=1000) as srv:
        t.like(srv.log(), r"max_connections 1000 is close to the open files "
               r"limit 160", "a cap the limit cannot hold is warned about")
        crowd = attack.Crowd(srv.port, 300, SLOW_HEAD,
                             sources=("127.0.2.1", "127.0.2.2"))
        time.sleep(0.3)
        cpu = attack.cpu_over(srv, 3, crowd.trickle)
        t.ok(cpu < 0.6, "out of descriptors, hearthd does not spin (%.2f "
             "CPU seconds in 3 s)" % cpu)
        log = srv.log()
        n = log.count("cannot accept a connection")
        t.ok(1 <= n <= 3, "running out is logged once per interval "
             "(%d lines)" % n, log[-3000:])
        t.like(log, r"cannot accept a connection: Too many open files "
               r"\(\d+ open\); raise the open files limit",
               "... naming the cause and the cure")
        crowd.close()
        time.sleep(0.3)
        st = 0
        for _ in range(20):
            st, _took = attack.timed_get(srv.port, "/healthz")
            if st == 200:
                break
            time.sleep(0.2)
        t.is_(st, 200, "once they are gone, the server serves again")

    # 4. Near the cap, connections idle between requests go first.
    # One loop, so that the idle connections are all on the loop that
    # accepts (each loop makes room from its own connections).
    with h.Server(t, name="idle-first", max_connections=20,
                  threads=1) as srv:
        idle = attack.Crowd(srv.port, 15, b"GET /healthz HTTP/1.1\r\n"
                            b"Host: x\r\n\r\n", sources=("127.0.3.1",))
        time.sleep(0.2)
        slow = attack.Crowd(srv.port, 5, SLOW_HEAD, sources=("127.0.3.2",))
        time.sleep(0.2)
        st, took = attack.timed_get(srv.port, "/healthz")
        t.is_(st, 200, "at the cap, a new client is served")
        time.sleep(0.1)
        t.is_(slow.open_count(), 5, "... the slow heads (younger than "
              "the idle connections) are all still open")
        gone = 0
        for s in idle.socks:
            try:
                s.recv(65536)
                if s.recv(1) == b"":
                    gone += 1
            except OSError:
                pass
        t.ok(gone >= 1, "at least one idle connection was closed (%d)"
             % gone)
        idle.close()
        slow.close()


h.main(body)
