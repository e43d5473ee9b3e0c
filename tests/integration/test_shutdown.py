"""SIGTERM: hearthd stops accepting, answers the requests in flight (here
sign-ins busy hashing passwords on a worker), and exits 0."""
import http.client
import signal
import socket
import urllib.parse

import harness as h

N = 4   # sign-ins in flight; one worker hashes them one after another


def body(t):
    with h.Server(t, workers=1) as srv:
        srv.add_user("alice")
        c = srv.client()
        csrf = c.csrf()
        form = urllib.parse.urlencode({"username": "alice",
                                       "password": h.PASSWORD, "csrf": csrf})
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Cookie": "hearth_csrf=" + c.cookies["hearth_csrf"]}

        # Open connections and make sure hearthd has accepted each one.
        conns = []
        for _ in range(N):
            conn = http.client.HTTPConnection("127.0.0.1", srv.port,
                                              timeout=h.TIMEOUT)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conns.append(conn)
        # Send the sign-ins, then SIGTERM at once.
        for conn in conns:
            conn.request("POST", "/login", body=form, headers=headers)
        srv.send_signal(signal.SIGTERM)

        answers = []
        for conn in conns:
            try:
                r = conn.getresponse()
                r.read()
                answers.append((r.status, r.getheader("Connection")))
            except (OSError, http.client.HTTPException) as e:
                answers.append(repr(e))
            conn.close()
        t.is_([a[0] if isinstance(a, tuple) else a for a in answers],
              [303] * N, "every sign-in in flight at SIGTERM is answered")
        t.ok(all(isinstance(a, tuple) and a[1] == "close" for a in answers),
             "... with Connection: close", repr(answers))
        rc = srv.wait_exit()
        t.is_(rc, 0, "hearthd exits 0 after SIGTERM")
        log = srv.log()
        term = log.find("received SIGTERM")
        last = log.rfind("login: alice")
        t.ok(0 <= term < last, "(the sign-ins really were in flight: the "
             "last finished after SIGTERM arrived)")
        t.like(log, r"stopped cleanly", "the log says it stopped cleanly")
        t.unlike(log, r"still in flight", "nothing was left in flight")
        try:
            socket.create_connection(("127.0.0.1", srv.port), timeout=2)\
                .close()
            refused = False
        except OSError:
            refused = True
        t.ok(refused, "the port is closed afterwards")

    # SIGINT does the same; an idle keep-alive connection does not hold up
    # the exit.
    with h.Server(t, name="sigint") as srv:
        idle = http.client.HTTPConnection("127.0.0.1", srv.port,
                                          timeout=h.TIMEOUT)
        idle.request("GET", "/healthz")
        idle.getresponse().read()
        rc = srv.stop(signal.SIGINT)
        t.is_(rc, 0, "SIGINT: exit 0 despite an idle keep-alive connection")
        t.like(srv.log(), r"received SIGINT", "the log names SIGINT")
        idle.close()


h.main(body)
