"""When the disk or the database fails, a write is refused with 503 and
Retry-After, nothing refused is acknowledged, nothing acknowledged is lost,
and writes resume once the fault is gone: fsync and write failures
(injected with an LD_PRELOAD shim, faultfs.so), a disk that is full (a
small tmpfs, when the test runs as root), and another process holding the
database's write lock for 30 seconds."""
import os
import sqlite3
import struct
import subprocess
import threading
import time
import zlib

import harness as h

BUILD = os.environ.get("HEARTH_BUILDDIR", ".")
SHIM = os.path.join(BUILD, "tests", "integration", "faultfs.so")


def png(width=64, height=64):
    """A real PNG (noise, so it does not compress to nothing)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\0" + os.urandom(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def post(c, text):
    return c.post("/api/v1/statuses", form={"status": text})


def until_ok(c, text, seconds=5):
    """Post until it is accepted (a fault may take a moment to clear)."""
    deadline = time.monotonic() + seconds
    while True:
        r = post(c, text)
        if r.status == 200 or time.monotonic() > deadline:
            return r
        time.sleep(0.1)


def refused_503(t, r, what):
    t.status(r, 503, "%s: the write is refused with 503" % what)
    ra = r.header("Retry-After") or ""
    t.ok(ra.isdigit() and int(ra) >= 1, "%s: ... and Retry-After (%r)"
         % (what, ra))


def injected(t):
    ctl = os.path.join(t.tmpdir(), "fault")
    with h.Server(t, name="faultfs", synchronous="full",
                  env={"LD_PRELOAD": SHIM, "HEARTH_FAULT_FILE": ctl}) as srv:
        alice = srv.people("alice")["alice"]
        kept = [post(alice, "before any fault").json()["id"]]
        refused = []
        for fault, what in (("fsync", "fsync fails (EIO)"),
                            ("pwrite", "writes fail (ENOSPC)")):
            with open(ctl, "w") as f:
                f.write(fault)
            time.sleep(0.05)
            r = post(alice, "while " + what)
            refused_503(t, r, what)
            refused.append("while " + what)
            t.status(alice.get("/api/v1/timelines/home"), 200,
                     "%s: reading still works" % what)
            with open(ctl, "w") as f:
                f.write("")
            r = until_ok(alice, "after " + what)
            t.status(r, 200, "%s: once the disk is well, writes resume"
                     % what)
            if r.status == 200:
                kept.append(r.json()["id"])
        srv.stop()
        srv.start()
        alice = srv.client(headers={"Authorization": "Bearer " +
                                    alice.token})
        for pid in kept:
            t.status(alice.get("/api/v1/statuses/%s" % pid), 200,
                     "after a restart, acknowledged post %s is there" % pid)
        db = sqlite3.connect(srv.db)
        texts = {row[0] for row in db.execute("SELECT source FROM posts")}
        db.close()
        t.ok(not texts & set(refused), "no refused post was written after "
             "all", repr(texts & set(refused)))


def disk_full(t):
    if os.geteuid() != 0:
        t.ok(True, "# SKIP disk full needs root to mount a small tmpfs")
        return
    mnt = os.path.join(t.safe_tmpdir(), "small")
    os.mkdir(mnt)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs",
                        mnt], capture_output=True, text=True)
    if p.returncode != 0:
        t.ok(True, "# SKIP cannot mount a tmpfs here: " + p.stderr.strip())
        return
    try:
        with h.Server(t, name="disk-full", synchronous="full",
                      data_dir=os.path.join(mnt, "data")) as srv:
            srv.add_user("alice")
            c = srv.client()
            c.login("alice")
            api = srv.people("bob")["bob"]
            kept = post(api, "room enough").json()["id"]
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb") as f:
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass
            # Pages the database already owns (a WAL reused after a
            # checkpoint) still take writes: post until one needs new room.
            acked = []
            for i in range(300):
                r = post(api, "on a full disk %d %s" % (i, "x" * 3000))
                if r.status != 200:
                    break
                acked.append(r.json()["id"])
            refused_503(t, r, "disk full, a post")
            boundary = "xhearthx"
            body = ("--%s\r\nContent-Disposition: form-data; name=\"avatar\"; "
                    "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
                    % boundary).encode() + png() + \
                ("\r\n--%s--\r\n" % boundary).encode()
            r = api.request("PATCH", "/api/v1/accounts/update_credentials",
                            body=body, headers={"Content-Type":
                                                "multipart/form-data; "
                                                "boundary=" + boundary})
            refused_503(t, r, "disk full, an avatar upload")
            t.status(c.get("/"), 200, "disk full: pages still render")
            os.remove(filler)
            r = until_ok(api, "room again")
            t.status(r, 200, "with room again, writes resume")
            t.status(api.get("/api/v1/statuses/%s" % kept), 200,
                     "the post from before is there")
            t.is_([i for i in acked if api.get("/api/v1/statuses/%s" % i)
                   .status != 200], [], "every post acknowledged on the "
                  "full disk is there (%d)" % len(acked))
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def locked(t):
    """Another process holds the write lock for 30 s: writes wait their
    busy timeout, then 503 with Retry-After; reads go on; then all is
    well."""
    with h.Server(t, name="locked") as srv:
        alice = srv.people("alice")["alice"]
        before = post(alice, "before the lock").json()["id"]
        held = threading.Event()
        release = threading.Event()

        def hold():
            db = sqlite3.connect(srv.db, timeout=10)
            db.isolation_level = None
            db.execute("BEGIN IMMEDIATE")
            held.set()
            release.wait(40)
            db.execute("COMMIT")
            db.close()

        th = threading.Thread(target=hold)
        th.start()
        held.wait(10)
        t0 = time.monotonic()
        codes, slowest_read = [], 0.0
        while time.monotonic() - t0 < 30:
            r = post(alice, "under the lock")
            codes.append((r.status, r.header("Retry-After")))
            r0 = time.monotonic()
            st = alice.get("/api/v1/timelines/home").status
            slowest_read = max(slowest_read, time.monotonic() - r0)
            if st != 200:
                codes.append(("read", st))
        release.set()
        th.join()
        t.ok(codes and all(c[0] == 503 and c[1] for c in codes),
             "for 30 s of a held lock every write is 503 with Retry-After "
             "(%d tries)" % len(codes), repr(codes[:10]))
        t.ok(slowest_read < 1, "reads are served meanwhile (slowest %.0f ms)"
             % (slowest_read * 1000))
        r = until_ok(alice, "after the lock")
        t.status(r, 200, "once the lock is gone, writes resume")
        t.status(alice.get("/api/v1/statuses/%s" % before), 200,
                 "the post from before is there")


def body(t):
    injected(t)
    disk_full(t)
    locked(t)


h.main(body)
