#!/usr/bin/env python3
"""
backup-restore.py: hearthctl backup while hearthd writes, and hearthctl
restore, on a copy of the benchmark company (the company's folder is only
read). Posts are written through the API at a steady rate the whole time;
the report gives the backup's and the restore's wall time, the posting
latency (p50, p99, max) before and during each backup method, and checks
that every post acknowledged before the backup began is in the restored
company. Standard library only.

    python3 ../tests/bench/backup-restore.py [--company /root/bench-base]
        [--rate 100] [--compare OLD_HEARTHCTL] [--vacuum-into]

--compare runs another hearthctl's `backup PATH` (say, main's) under the
same load, with a time limit; --vacuum-into also times SQLite's VACUUM INTO
on the live database. HEARTHD, HEARTHCTL and HEARTH_WEB name the binaries
and the web folder (default: ./hearthd, ./hearthctl, the source's web/).
"""
import argparse
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HEARTHD = os.environ.get("HEARTHD", "./hearthd")
HEARTHCTL = os.environ.get("HEARTHCTL", "./hearthctl")
HEARTH_WEB = os.environ.get("HEARTH_WEB",
                            os.path.join(HERE, "..", "..", "web"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_conf(path, data_dir, port):
    with open(path, "w") as f:
        f.write("listen = 127.0.0.1:%d\ndata_dir = %s\nbase_url = "
                "http://127.0.0.1:%d\nweb_dir = %s\nthreads = 1\n"
                "synchronous = full\nlog_level = warn\n"
                % (port, data_dir, port, HEARTH_WEB))


def start(conf, port, log):
    t0 = time.time()
    p = subprocess.Popen([HEARTHD, "-c", conf], stdout=log, stderr=log,
                         stdin=subprocess.DEVNULL)
    while time.time() - t0 < 120:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return p, time.time() - t0
        except OSError:
            pass
        if p.poll() is not None:
            sys.exit("hearthd exited; see " + log.name)
        time.sleep(0.05)
    p.kill()
    sys.exit("hearthd did not become ready")


def stop(p):
    p.terminate()
    p.wait(60)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


class Writer:
    """Threads posting at a steady total rate; every answer is recorded
    as (sent, acknowledged, id)."""

    def __init__(self, port, tokens, rate, threads):
        self.port, self.tokens = port, tokens
        self.gap = threads / float(rate)
        self.acked, self.errors = [], 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,))
                        for i in range(threads)]

    def run(self, i):
        rnd = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        nxt = time.time()
        n = 0
        while not self.stopping.is_set():
            n += 1
            tok = rnd.choice(self.tokens)
            body = "status=backup+bench+%d+%d" % (i, n)
            sent = time.time()
            try:
                conn.request("POST", "/api/v1/statuses", body=body, headers={
                    "Authorization": "Bearer " + tok,
                    "Content-Type": "application/x-www-form-urlencoded"})
                r = conn.getresponse()
                data = r.read()
                if r.status == 200:
                    self.acked.append((sent, time.time(),
                                       json.loads(data)["id"]))
                else:
                    self.errors += 1
            except (OSError, http.client.HTTPException):
                self.errors += 1
                conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                  timeout=60)
            nxt += self.gap
            time.sleep(max(0.0, nxt - time.time()))

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join()

    def window(self, a, b):
        lat = [(ack - s) * 1000 for s, ack, _ in self.acked if a <= s < b]
        return "%d posts (%.0f/s), p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
            len(lat), len(lat) / max(b - a, 0.001), pct(lat, 0.5),
            pct(lat, 0.99), max(lat) if lat else float("nan"))


def timed(argv, limit=None):
    t0 = time.time()
    try:
        p = subprocess.run(argv, capture_output=True, text=True,
                           timeout=limit)
        return p, time.time() - t0
    except subprocess.TimeoutExpired:
        return None, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--company", default="/root/bench-base")
    ap.add_argument("--work")
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--compare")
    ap.add_argument("--compare-limit", type=int, default=600)
    ap.add_argument("--vacuum-into", action="store_true")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="hearth-backup-bench-")
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    print("copying the company to", data, flush=True)
    shutil.copyfile(os.path.join(a.company, "db", "hearth.db"),
                    os.path.join(data, "hearth.db"))
    with open(os.path.join(a.company, "tokens.txt")) as f:
        tokens = [line.split()[1] for line in f if len(line.split()) >= 2]
    port = free_port()
    conf = os.path.join(work, "hearth.conf")
    write_conf(conf, data, port)
    log = open(os.path.join(work, "hearthd.log"), "a")
    proc, _ = start(conf, port, log)
    size = os.path.getsize(os.path.join(data, "hearth.db"))
    print("database: %.0f MB" % (size / 1e6), flush=True)
    w = Writer(port, tokens, a.rate, a.threads)
    w.start()
    report = []
    try:
        time.sleep(10)
        quiet = (time.time() - 8, time.time())
        backup = os.path.join(work, "backup")
        began = time.time()
        p, secs = timed([HEARTHCTL, "-c", conf, "backup", backup])
        if p is None or p.returncode != 0:
            sys.exit("backup failed: %s" % (p.stderr if p else "timeout"))
        ended = time.time()
        report.append("writes before the backup: " + w.window(*quiet))
        report.append("hearthctl backup: %.1f s (%s)" % (secs,
                                                         p.stdout.strip()))
        report.append("writes during it: " + w.window(began, ended))
        time.sleep(5)
        if a.compare:
            t0 = time.time()
            p, secs = timed([a.compare, "-c", conf, "backup",
                             os.path.join(work, "compare.db")],
                            a.compare_limit)
            report.append("%s backup: %s after %.1f s" % (
                a.compare, "done" if p is not None and p.returncode == 0
                else "NOT DONE (%s)" % (p.stderr.strip() if p else
                                        "time limit"), secs))
            report.append("writes during it: " + w.window(t0, time.time()))
            time.sleep(5)
        if a.vacuum_into:
            t0 = time.time()
            db = sqlite3.connect(os.path.join(data, "hearth.db"),
                                 timeout=60)
            db.execute("VACUUM INTO ?", (os.path.join(work, "vacuum.db"),))
            db.close()
            report.append("VACUUM INTO: %.1f s" % (time.time() - t0))
            report.append("writes during it: " + w.window(t0, time.time()))
    finally:
        w.stop()
        stop(proc)
    report.append("posting errors: %d" % w.errors)

    restored = os.path.join(work, "restored")
    conf2 = os.path.join(work, "restored.conf")
    port2 = free_port()
    write_conf(conf2, restored, port2)
    p, secs = timed([HEARTHCTL, "-c", conf2, "restore", backup])
    if p.returncode != 0:
        sys.exit("restore failed: " + p.stderr)
    report.append("hearthctl restore: %.1f s" % secs)
    p, secs = timed([HEARTHCTL, "-c", conf2, "restore", "--check", backup])
    report.append("hearthctl restore --check alone: %.1f s" % secs)
    proc, ready = start(conf2, port2, log)
    report.append("hearthd on the restored data_dir answers /healthz after "
                  "%.1f s" % ready)
    before = [i for s, ack, i in w.acked if ack < began]
    missing = 0
    conn = http.client.HTTPConnection("127.0.0.1", port2, timeout=60)
    for sid in before:
        conn.request("GET", "/api/v1/statuses/%s" % sid,
                     headers={"Authorization": "Bearer " + tokens[0]})
        r = conn.getresponse()
        r.read()
        missing += r.status != 200
    stop(proc)
    report.append("posts acknowledged before the backup began: %d, missing "
                  "after the restore: %d" % (len(before), missing))
    print("\n".join(report))
    if not a.keep and not a.work:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
