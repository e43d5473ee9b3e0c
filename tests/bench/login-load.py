#!/usr/bin/env python3
"""login-load.py: keep N sign-ins to hearthd going at once, for login-p99.sh.

Each of N threads is one browser: with a fresh cookie jar every time, it loads
GET /login (which sets the hearth_csrf cookie and renders the csrf field),
then posts the form with the right password, expects 303 with a session
cookie, and starts over. Standard library only.

Prints "ready" on stdout once every thread has signed in once (or after
--ramp seconds). It stops after --duration seconds or on SIGTERM or SIGINT,
and then prints one line of JSON: the sign-ins completed in the window from
"ready" to the stop, sign-ins per second over that window, POST /login
latency percentiles, and every outcome that was not 303 with a session.
"""
import argparse
import http.client
import json
import re
import signal
import sys
import threading
import time
import urllib.parse

CSRF_RE = re.compile(rb'name="csrf" value="([^"]+)"')


def cookie_value(resp, name):
    for k, v in resp.getheaders():
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v.split(";", 1)[0].split("=", 1)[1]
    return None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.window_start = None
        self.latencies = []     # POST /login, in the window, seconds
        self.ok = 0
        self.bad = {}           # status or error -> count
        self.first_ok = set()

        self.window_end = None

    def record(self, tid, t_end, lat, outcome):
        with self.lock:
            if outcome == "ok":
                self.first_ok.add(tid)
            if (self.window_start is None or t_end < self.window_start or
                    (self.window_end is not None and
                     t_end > self.window_end)):
                return
            if outcome == "ok":
                self.ok += 1
                self.latencies.append(lat)
            else:
                self.bad[outcome] = self.bad.get(outcome, 0) + 1


def one_login(conn, user, password, wrong):
    """One sign-in with a fresh cookie jar; (outcome, POST latency)."""
    conn.request("GET", "/login")
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        return "GET %d" % r.status, 0.0
    anon = cookie_value(r, "hearth_csrf")
    m = CSRF_RE.search(body)
    if anon is None or m is None:
        return "no csrf", 0.0
    form = urllib.parse.urlencode({
        "username": user, "password": password,
        "csrf": m.group(1).decode(), "next": "/"})
    t0 = time.monotonic()
    conn.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "hearth_csrf=" + anon})
    r = conn.getresponse()
    r.read()
    lat = time.monotonic() - t0
    if wrong:
        return ("ok", lat) if r.status == 401 else ("POST %d" % r.status, lat)
    if r.status != 303:
        return "POST %d" % r.status, lat
    if not (cookie_value(r, "hearth_session") or "").startswith("hs_"):
        return "no session cookie", lat
    return "ok", lat


def browser(tid, args, stats, stop):
    conn = None
    while not stop.is_set():
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", args.port,
                                              timeout=30)
        try:
            outcome, lat = one_login(conn, args.user, args.password,
                                     args.wrong_password)
        except (OSError, http.client.HTTPException) as e:
            outcome, lat = type(e).__name__, 0.0
            conn.close()
            conn = None
        stats.record(tid, time.monotonic(), lat, outcome)
    if conn is not None:
        conn.close()


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    i = min(len(sorted_vals) - 1, int(round(p / 100 * len(sorted_vals))) - 1)
    return round(sorted_vals[max(i, 0)] * 1000, 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--duration", type=float, default=600,
                    help="stop after this many seconds, ramp included")
    ap.add_argument("--wrong-password", action="store_true",
                    help="send a wrong password and expect 401: the same "
                    "argon2id work, but no session is written")
    ap.add_argument("--ramp", type=float, default=5,
                    help="at most this long before the window starts")
    args = ap.parse_args()
    with open(args.password_file) as f:
        args.password = f.read().strip()
    if args.wrong_password:
        args.password += "-wrong"

    stats = Stats()
    stop = threading.Event()
    signalled = []      # a plain flag: Event.set() is not safe in a handler
    signal.signal(signal.SIGTERM, lambda *a: signalled.append(1))
    signal.signal(signal.SIGINT, lambda *a: signalled.append(1))
    start = time.monotonic()
    deadline = start + args.duration
    threads = [threading.Thread(target=browser, daemon=True,
                                args=(i, args, stats, stop))
               for i in range(args.concurrency)]
    for t in threads:
        t.start()
    while (len(stats.first_ok) < args.concurrency and
           time.monotonic() < start + args.ramp and not signalled):
        time.sleep(0.05)
    with stats.lock:
        stats.window_start = time.monotonic()
    print("ready", flush=True)
    while not signalled and time.monotonic() < deadline:
        time.sleep(0.05)
    with stats.lock:
        stats.window_end = time.monotonic()
    stop.set()
    for t in threads:
        t.join(timeout=35)
    with stats.lock:
        secs = stats.window_end - stats.window_start
        lats = sorted(stats.latencies)
        out = {
            "concurrency": args.concurrency,
            "seconds": round(secs, 2),
            "logins": stats.ok,
            "logins_per_s": round(stats.ok / secs, 1) if secs > 0 else 0,
            "post_p50_ms": pct(lats, 50),
            "post_p99_ms": pct(lats, 99),
            "failures": stats.bad,
        }
    print(json.dumps(out, sort_keys=True), flush=True)
    return 0 if stats.ok > 0 and not stats.bad else 1


if __name__ == "__main__":
    sys.exit(main())
