"""Backups and restores (docs/operations.md): a backup taken while hearthd
writes holds every post acknowledged before it began, with its pictures,
and restored into a fresh data_dir it serves them, sessions and tokens
included; restore refuses a live data_dir, a non-empty one without
--force, a damaged backup (naming the file) and one from a newer hearth."""
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import threading
import time
import zlib

import harness as h


def png(seed):
    """A small real PNG, different for each seed."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    w = hgt = 8
    rows = b"".join(b"\x00" + b"".join(
        bytes(((seed * 37 + x * 11 + y * 5) % 256, (seed * 13 + y) % 256,
               x * 30 % 256)) for x in range(w)) for y in range(hgt))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, hgt, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(c, data):
    """POST /api/v1/media with one PNG; the attachment's JSON."""
    b = "hearth-restore-boundary"
    body = (("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
             "filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n" % b)
            .encode() + data + ("\r\n--%s--\r\n" % b).encode())
    r = c.request("POST", "/api/v1/media", body=body, headers={
        "Content-Type": "multipart/form-data; boundary=" + b})
    if r.status != 200:
        raise RuntimeError("upload: " + r.summary())
    return r.json()


def media_path(url):
    """/media/NAME from an attachment's URL."""
    return "/media/" + url.rsplit("/", 1)[1].split("?")[0]


def sha(data):
    return hashlib.sha256(data).hexdigest()


def manifest(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        return json.load(f)


def rewrite_manifest(folder):
    """Make the manifest agree with the files again (to test what lies
    beyond the checksums)."""
    m = manifest(folder)
    for f in m["files"]:
        with open(os.path.join(folder, f["path"]), "rb") as fh:
            data = fh.read()
        f["size"], f["sha256"] = len(data), sha(data)
    with open(os.path.join(folder, "manifest.json"), "w") as fh:
        json.dump(m, fh)


def ctl(conf, *args):
    return h.run([h.HEARTHCTL, "-c", conf] + list(args))


def fresh_server(t):
    """A Server whose config is written but which is not started (its
    data_dir does not exist yet): a place to restore into."""
    srv = h.Server(t, name="restored")
    srv.port = h.free_port()
    srv.write_config()
    return srv


@h.case
def round_trip_under_load(t, _):
    """Back up while posts (some with pictures) are written; restore into
    a fresh data_dir; everything acknowledged before the backup is there."""
    src = h.Server(t)
    with src:
        people = src.people("alice", "bob")
        alice = people["alice"]
        browser = src.client()
        t.status(browser.login("bob"), 303, "bob signs in with a browser")
        vapid = src.client().get("/api/v2/instance").json()[
            "configuration"]["vapid"]["public_key"]
        acked = []      # (id, time sent, time acknowledged, [media paths])
        errors = []
        stop = threading.Event()

        def writer(who, c, every):
            n = 0
            while not stop.is_set() and len(errors) < 3:
                n += 1
                try:
                    fields = {"status": "%s post %d" % (who, n)}
                    if n % every == 0:
                        m = upload(c, png(n + (1000 if who == "bob" else 0)))
                        fields["media_ids[]"] = m["id"]
                    sent = time.time()
                    r = c.post("/api/v1/statuses", fields)
                    now = time.time()
                    if r.status != 200:
                        errors.append("post: " + r.summary())
                        continue
                    s = r.json()
                    acked.append((s["id"], sent, now, [
                        media_path(a["url"])
                        for a in s["media_attachments"]]))
                except Exception as e:
                    errors.append(repr(e)[:300])

        threads = [threading.Thread(target=writer, args=("alice", alice, 3)),
                   threading.Thread(target=writer,
                                    args=("bob", people["bob"], 4))]
        for th in threads:
            th.start()
        try:
            h.poll(lambda: len(acked) >= 40, 60)
            folder = os.path.join(src.dir, "backup")
            began = time.time()
            p = src.ctl("backup", folder)
            ended = time.time()
            # Sent after the backup ended: surely after its snapshot.
            h.poll(lambda: len([a for a in acked if a[1] > ended]) >= 10,
                   60)
        finally:
            stop.set()
            for th in threads:
                th.join(h.TIMEOUT)
        t.is_(p.returncode, 0, "hearthctl backup exits 0 under write load")
        t.is_(errors, [], "posting went on undisturbed during the backup")
        t.like(p.stdout, r"backup written to .*backup: the database as of",
               "it says where and which moment")
        before = [a for a in acked if a[2] < began]
        after = [a for a in acked if a[1] > ended]
        t.ok(len(before) >= 40 and len(after) >= 5,
             "posts were acknowledged before and after the backup",
             "%d before, %d after" % (len(before), len(after)))
        t.ok(any(a[3] for a in before), "some of them with pictures")

        m = manifest(folder)
        t.is_(m.get("format"), "hearth-backup", "a manifest says what it is")
        t.ok(m.get("hearth_version") and m.get("snapshot_time") and
             began * 1000 - 1000 <= m["snapshot_unix_ms"] <= ended * 1000,
             "... with hearth's version and the snapshot's moment", repr(m))
        core = sqlite3.connect(src.db).execute(
            "SELECT max(version) FROM schema_migrations WHERE component = "
            "'core'").fetchone()[0]
        t.is_(m.get("schema", {}).get("core"), core,
              "... the schema version of each component")
        bad = []
        for f in m["files"]:
            with open(os.path.join(folder, f["path"]), "rb") as fh:
                data = fh.read()
            if len(data) != f["size"] or sha(data) != f["sha256"]:
                bad.append(f["path"])
        t.ok(m["files"][-1]["path"] == "hearth.db" and not bad and
             len(m["files"]) > 1, "... and every file with its size and "
             "SHA-256", repr(bad))
        t.ok(not os.path.exists(os.path.join(src.data_dir, "backup-held")),
             "nothing is left held once the backup is done")
        t.is_(oct(os.stat(os.path.join(folder, "hearth.db")).st_mode &
                  0o777), "0o640", "the database copy, secrets and all, "
              "is 0640")
        t.is_(oct(os.stat(folder).st_mode & 0o777), "0o750",
              "... in a 0750 folder")
        # What the source served, to compare with the restored copy.
        served = {}
        for _id, _sent, _when, paths in before:
            for mp in paths:
                served[mp] = sha(alice.get(mp).body)
        session_cookie = browser.session()

    dst = fresh_server(t)
    p = ctl(dst.conf, "restore", folder)
    if not t.is_(p.returncode, 0, "hearthctl restore into a fresh data_dir "
                 "exits 0"):
        t.diag(p.stderr)
    t.like(p.stdout, r"restored .* into " + dst.data_dir, "... and says so")
    t.is_(oct(os.stat(dst.data_dir).st_mode & 0o777), "0o750",
          "the new data_dir is 0750")
    t.is_([n for n in os.listdir(os.path.dirname(dst.data_dir))
           if ".restore-" in n], [], "no temporary folder is left beside it")
    with dst:
        missing = []
        for sid, _sent, _when, _paths in before:
            r = dst.client(headers=alice.headers).get(
                "/api/v1/statuses/%s" % sid)
            if r.status != 200:
                missing.append(sid)
        t.is_(missing, [], "every post acknowledged before the backup began "
              "is there (%d)" % len(before))
        a2 = dst.client(headers=alice.headers)
        t.status(a2.me(), 200, "a bearer token from before still works")
        files = {}
        for mp, digest in served.items():
            r = a2.get(mp)
            files[mp] = r.status == 200 and sha(r.body) == digest
        t.ok(served and all(files.values()), "every picture of those posts "
             "is served, byte for byte (%d)" % len(served),
             repr([k for k, v in files.items() if not v]))
        b2 = dst.client()
        b2.cookies["hearth_session"] = session_cookie
        r = b2.get("/")
        t.ok(r.status == 200 and "bob" in r.text,
             "a browser session from before still works", r.summary())
        t.is_(dst.client().get("/api/v2/instance").json()["configuration"][
            "vapid"]["public_key"], vapid, "the VAPID key is the same, so "
              "push subscriptions go on")
        later = [sid for sid, _s, _w, _p in after
                 if a2.get("/api/v1/statuses/%s" % sid).status == 200]
        t.is_(later, [], "posts acknowledged after the backup ended are "
              "not in it: it is one snapshot")


@contextlib.contextmanager
def fixture(t):
    """A running hearthd with a post with a picture, and a backup of it."""
    with h.Server(t) as srv:
        c = srv.people("alice")["alice"]
        m = upload(c, png(7))
        s = c.post("/api/v1/statuses", {"status": "with a picture",
                                        "media_ids[]": m["id"]}).json()
        srv.picture = media_path(s["media_attachments"][0]["url"])
        srv.alice = c
        srv.backup = os.path.join(srv.dir, "fixture-backup")
        p = srv.ctl("backup", srv.backup)
        if p.returncode != 0:
            raise RuntimeError("backup: " + p.stderr)
        yield srv


def copy_backup(t, srv):
    folder = os.path.join(t.tmpdir(), "copy")
    shutil.copytree(srv.backup, folder)
    return folder


@h.case
def refuses_live(t, srv):
    """A data_dir whose database hearthd has open is never replaced."""
    before = os.listdir(srv.data_dir)
    p = srv.ctl("restore", "--force", srv.backup)
    t.is_(p.returncode, 1, "restore into the live data_dir exits 1")
    t.like(p.stderr, r"pid %d\) has its database open: stop it first"
           % srv.proc.pid, "... naming hearthd's pid")
    p = ctl(fresh_server(t).conf, "restore", "--force", "--data-dir",
            srv.data_dir, srv.backup)
    t.is_(p.returncode, 1, "... also named with --data-dir")
    t.is_(sorted(os.listdir(srv.data_dir)), sorted(before),
          "the live data_dir is untouched")
    t.status(srv.alice.me(), 200, "hearthd goes on serving")


@h.case
def refuses_non_empty(t, srv):
    """A data_dir with anything in it is replaced only with --force, and
    then moved aside, not deleted."""
    target = os.path.join(t.tmpdir(), "data")
    os.mkdir(target)
    with open(os.path.join(target, "keep.txt"), "w") as f:
        f.write("precious")
    p = srv.ctl("restore", "--data-dir", target, srv.backup)
    t.is_(p.returncode, 1, "restore into a non-empty data_dir exits 1")
    t.like(p.stderr, r"not empty.*--force", "... and says to add --force")
    t.is_(os.listdir(target), ["keep.txt"], "... leaving it as it was")
    p = srv.ctl("restore", "--force", "--data-dir", target + "/",
                srv.backup)
    t.is_(p.returncode, 0, "with --force it restores (DIR/ is DIR)")
    t.ok(os.path.isfile(os.path.join(target, "hearth.db")),
         "... the backup's database is in place")
    aside = [n for n in os.listdir(os.path.dirname(target))
             if n.startswith("data.replaced-")]
    t.ok(len(aside) == 1 and os.path.isfile(os.path.join(
        os.path.dirname(target), aside[0], "keep.txt")),
         "... and the old data_dir was moved aside", repr(aside))
    t.like(p.stdout, r"what was there is now .*data\.replaced-",
           "... which it says")


@h.case
def refuses_damaged(t, srv):
    """A flipped byte in any file is found, and the file named; nothing is
    written."""
    for rel in ("hearth.db", "media"):
        folder = copy_backup(t, srv)
        if rel == "media":
            rel = [f["path"] for f in manifest(folder)["files"]
                   if f["path"].startswith("media/")][0]
        path = os.path.join(folder, rel)
        with open(path, "r+b") as f:
            f.seek(os.path.getsize(path) // 2)
            b = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([b[0] ^ 0x55]))
        target = os.path.join(t.tmpdir(), "data")
        p = srv.ctl("restore", "--data-dir", target, folder)
        t.is_(p.returncode, 1, "a flipped byte in %s: restore exits 1" % rel)
        t.like(p.stderr, r"restore refused: %s: SHA-256 .*damaged"
               % path.replace(".", r"\."), "... naming the file")
        t.ok(not os.path.exists(target), "... and creates nothing")
    folder = copy_backup(t, srv)
    os.unlink(os.path.join(folder, "manifest.json"))
    p = srv.ctl("restore", "--data-dir", os.path.join(t.tmpdir(), "d"),
                folder)
    t.like(p.stderr, r"no manifest\.json", "a folder without a manifest is "
           "refused as unfinished")
    # Damage the checksums cannot see: a database whose pages disagree.
    folder = copy_backup(t, srv)
    db = sqlite3.connect(os.path.join(folder, "hearth.db"))
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_schema SET sql = replace(sql, 'username', "
               "'username, ghost') WHERE type = 'table' AND name = 'users'")
    db.commit()
    db.close()
    rewrite_manifest(folder)
    p = srv.ctl("restore", "--data-dir", os.path.join(t.tmpdir(), "d"),
                folder)
    t.is_(p.returncode, 1, "a database that fails integrity_check is "
          "refused")
    t.like(p.stderr, r"hearth\.db: (integrity_check|.*malformed)",
           "... saying so", )


@h.case
def refuses_newer_schema(t, srv):
    """A backup a newer hearth wrote is refused, naming both versions."""
    folder = copy_backup(t, srv)
    db = sqlite3.connect(os.path.join(folder, "hearth.db"))
    known = db.execute("SELECT max(version) FROM schema_migrations WHERE "
                       "component = 'core'").fetchone()[0]
    db.execute("INSERT INTO schema_migrations (component, version, name, "
               "applied_at) VALUES ('core', 999, 'future', 0)")
    db.commit()
    db.close()
    rewrite_manifest(folder)
    m = manifest(folder)
    m["schema"]["core"] = 999
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(m, f)
    target = os.path.join(t.tmpdir(), "data")
    p = srv.ctl("restore", "--data-dir", target, folder)
    t.is_(p.returncode, 1, "restore exits 1")
    t.like(p.stderr, r"newer hearth.*core schema version 999, this hearth "
           r"\(.*\) knows up to %d" % known, "... naming both versions")
    t.ok(not os.path.exists(target), "... and creates nothing")


@h.case
def check_only(t, srv):
    """restore --check checks a backup and writes nothing."""
    p = srv.ctl("restore", "--check", srv.backup)
    t.is_(p.returncode, 0, "restore --check of a sound backup exits 0")
    t.like(p.stdout, r"is sound: hearth .*snapshot .*\d+ files checked",
           "... and says what it checked")


@h.case
def held_while_backing_up(t, srv):
    """A file removed while a backup runs is kept for it until it ends."""
    c = srv.alice
    m = upload(c, png(99))
    s = c.post("/api/v1/statuses", {"status": "soon gone",
                                    "media_ids[]": m["id"]}).json()
    name = media_path(s["media_attachments"][0]["url"]).split("/")[-1]
    lock = os.open(os.path.join(srv.data_dir, "backup.lock"), os.O_RDWR)
    try:
        # What hearthctl backup takes before its snapshot.
        fcntl.lockf(lock, fcntl.LOCK_SH)
        t.status(c.request("DELETE", "/api/v1/statuses/%s" % s["id"]), 200,
                 "the post is deleted during a backup")
        held = os.path.join(srv.data_dir, "backup-held", name)
        t.ok(h.poll(lambda: os.path.exists(held), 10),
             "... and its picture is held for the backup")
    finally:
        os.close(lock)
    p = srv.ctl("backup", os.path.join(t.tmpdir(), "b"))
    t.is_(p.returncode, 0, "the next backup runs")
    t.ok(not os.path.exists(os.path.join(srv.data_dir, "backup-held")),
         "... and lets the held files go when it ends")


@h.case
def removed_during_backup(t, _):
    """A post deleted after the backup's snapshot, while its copy runs:
    the snapshot still has the post, so its picture (kept for the backup
    in backup-held/) is in the backup and served after a restore."""
    with h.Server(t) as srv:
        c = srv.people("alice")["alice"]
        m = upload(c, png(5))
        s = c.post("/api/v1/statuses", {"status": "deleted mid-backup",
                                        "media_ids[]": m["id"]}).json()
        pic = media_path(s["media_attachments"][0]["url"])
        name = pic.split("/")[-1]
        stored = os.path.join(srv.data_dir, "media", name[:2], name[2:4],
                              name)
        digest = sha(c.get(pic).body)
        # A database large enough that its copy lasts long enough to be
        # paused in.
        db = sqlite3.connect(srv.db, timeout=30)
        db.execute("CREATE TABLE test_filler (x BLOB)")
        db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                   "FROM n WHERE i < 20000) INSERT INTO test_filler SELECT "
                   "randomblob(4000) FROM n")
        db.commit()
        db.close()
        folder = os.path.join(srv.dir, "backup")
        copy = os.path.join(folder + ".partial", "hearth.db.partial")
        p = subprocess.Popen([h.HEARTHCTL, "-c", srv.conf, "backup",
                              folder], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        paused = False
        deadline = time.time() + h.TIMEOUT
        # The copy's file appears once the snapshot is taken (db.c).
        while p.poll() is None and time.time() < deadline:
            if os.path.exists(copy):
                os.kill(p.pid, signal.SIGSTOP)
                paused = True
                break
        try:
            t.ok(paused, "the backup is paused after its snapshot")
            t.status(c.request("DELETE", "/api/v1/statuses/%s" % s["id"]),
                     200, "the post is deleted meanwhile")
            t.ok(h.poll(lambda: not os.path.exists(stored), 10),
                 "... and its picture leaves media/")
            t.ok(os.path.exists(os.path.join(srv.data_dir, "backup-held",
                                             name)),
                 "... kept in backup-held/ for the backup")
        finally:
            os.kill(p.pid, signal.SIGCONT)
        out, err = p.communicate(timeout=h.TIMEOUT)
        t.is_(p.returncode, 0, "the backup finishes")
        m = manifest(folder)
        t.ok(any(f["path"].endswith("/" + name) for f in m["files"]) and
             m["missing_media"] == [], "the picture is in it", repr(m))
        t.ok(not os.path.exists(os.path.join(srv.data_dir, "backup-held")),
             "backup-held/ is emptied when it ends")
    dst = fresh_server(t)
    p = ctl(dst.conf, "restore", folder)
    t.is_(p.returncode, 0, "it restores")
    with dst:
        a = dst.client(headers=c.headers)
        t.status(a.get("/api/v1/statuses/%s" % s["id"]), 200,
                 "the post is there, as at the snapshot")
        r = a.get(pic)
        t.ok(r.status == 200 and sha(r.body) == digest,
             "... with its picture", r.summary())


@h.case
def dated_keep(t, srv):
    """--dated writes PATH/hearth-DATE; --keep N keeps the newest N."""
    parent = os.path.join(t.tmpdir(), "backups")
    for i in range(3):
        if i:
            time.sleep(1.1)     # names are by the second
        p = srv.ctl("backup", "--dated", "--keep", "2", parent)
        t.is_(p.returncode, 0, "dated backup %d exits 0" % (i + 1))
    names = sorted(os.listdir(parent))
    t.ok(len(names) == 2 and all(n.startswith("hearth-") for n in names),
         "two remain", repr(names))
    t.like(p.stdout, r"[1-9]\d* of the files were unchanged since the "
           r"previous backup: linked from it", "stored files the previous "
           "backup has are linked from it")
    newest = os.path.join(parent, names[-1])
    older = os.path.join(parent, names[0])
    rel = [f["path"] for f in manifest(newest)["files"]
           if f["path"].startswith("media/")][0]
    t.is_(os.stat(os.path.join(newest, rel)).st_ino,
          os.stat(os.path.join(older, rel)).st_ino, "... the same file")
    q = srv.ctl("restore", "--check", newest)
    t.is_(q.returncode, 0, "... and the newest checks out whole")
    t.like(p.stdout, r"removed the older backup", "... the older one is "
           "removed, and said so")
    p = srv.ctl("backup", "--keep", "2", parent)
    t.is_(p.returncode, 2, "--keep without --dated is a usage error")
    p = srv.ctl("backup", os.path.join(parent, names[0]))
    t.like(p.stderr, r"already exists", "a backup is never written over")


h.main_cases(fixture)
