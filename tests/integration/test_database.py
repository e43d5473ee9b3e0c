"""The database: created and migrated on start, kept across restarts,
refused when a newer hearth wrote it, backed up while hearthd runs."""
import glob
import hashlib
import os
import sqlite3
import threading
import time

import harness as h


def query(path, sql, *args):
    db = sqlite3.connect(path, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def mapped(srv):
    """Whether hearthd has its database file (not the -shm index, which
    SQLite always maps) in its memory map."""
    with open("/proc/%d/maps" % srv.proc.pid) as f:
        return any(line.split()[-1] == srv.db for line in f
                   if len(line.split()) >= 6)


def body(t):
    srv = h.Server(t)
    with srv:
        t.ok(os.path.isdir(srv.data_dir), "hearthd created data_dir")
        t.ok(os.path.isfile(srv.db), "... and data_dir/hearth.db")
        t.is_(query(srv.db, "PRAGMA journal_mode"), [("wal",)],
              "the database is in WAL mode")
        rows = query(srv.db, "SELECT component, version, name, applied_at "
                     "FROM schema_migrations ORDER BY version")
        t.ok(rows and rows[0][:2] == ("core", 1), "core migration 1 is "
             "recorded", repr(rows))
        t.ok(all(r[0] == "core" and r[2] and r[3] > 0 for r in rows),
             "every record has a name and a time")
        # Numbers may skip (work in parallel is given its numbers ahead),
        # but each is applied once, in rising order.
        versions = [r[1] for r in rows]
        t.ok(versions == sorted(set(versions)) and versions[0] == 1,
             "core migrations 1..%d applied in order" % versions[-1],
             repr(versions))
        tables = {r[0] for r in query(srv.db, "SELECT name FROM "
                                      "sqlite_master WHERE type='table'")}
        t.ok({"users", "sessions", "tokens"} <= tables,
             "the accounts tables exist")
        t.like(srv.log(), r"applied core migration 1", "the log says so")

        srv.add_user("alice")
        c = srv.client()
        c.login("alice")
        token = srv.token("alice")
        session = c.session()
        hashes = [r[0] for r in query(srv.db, "SELECT token_hash FROM "
                                      "sessions UNION ALL SELECT token_hash "
                                      "FROM tokens")]
        t.ok(hashlib.sha256(session.encode()).hexdigest() in hashes and
             hashlib.sha256(token.encode()).hexdigest() in hashes,
             "sessions and tokens are stored as SHA-256 hashes")
        raw = b"".join(open(f, "rb").read() for f in glob.glob(srv.db + "*"))
        t.ok(session.encode() not in raw and token.encode() not in raw,
             "the database files never hold a session or bearer token")
        t.ok(h.PASSWORD.encode() not in raw, "... nor a password")
        phc = query(srv.db, "SELECT password_hash FROM users")[0][0]
        t.like(phc, r"^\$argon2id\$", "passwords are argon2id hashes")

        # db_mmap (default 2G): the loops read the file through a map
        t.status(c.get("/"), 200, "the home page is read")
        t.ok(mapped(srv), "the database file is memory-mapped (db_mmap's "
             "default)")
        # Many commits a second: SQLite would throw each reader's map away
        # after every one, so the readers go back to pread, and to the map
        # once the commits slow down (db.c, db_mmap_adapt).
        api = srv.client(headers={"Authorization": "Bearer " + token})
        deadline = time.monotonic() + 8
        while (time.monotonic() < deadline and
               "reading with pread" not in srv.log()):
            for _ in range(20):
                h.post_status(api, "a commit")
                api.get("/api/v1/timelines/home")
        t.like(srv.log(), r"commits a second: reading with pread",
               "many commits a second: the readers read with pread")
        deadline = time.monotonic() + 10
        while (time.monotonic() < deadline and
               "reading through the map again" not in srv.log()):
            api.get("/api/v1/timelines/home")
            time.sleep(0.25)
        t.like(srv.log(), r"commits a second: reading through the map "
               r"again", "... and through the map again once they stop")

        # Backup while requests (and writes: each sign-in is one) go on.
        stop = threading.Event()
        errors = []

        def load():
            while not stop.is_set() and len(errors) < 3:
                try:
                    r = srv.client().login("alice")
                    if r.status != 303:
                        errors.append("sign-in: %d" % r.status)
                except Exception as e:
                    errors.append(repr(e)[:300])

        threads = [threading.Thread(target=load) for _ in range(2)]
        for th in threads:
            th.start()
        try:
            folder = os.path.join(srv.dir, "backup")
            backup = os.path.join(folder, "hearth.db")
            p = srv.ctl("backup", folder)
        finally:
            stop.set()
            for th in threads:
                th.join(h.TIMEOUT)
        t.is_(p.returncode, 0, "hearthctl backup exits 0 while hearthd "
              "serves sign-ins")
        t.is_(errors, [], "sign-ins went on undisturbed during the backup")
        t.is_(query(backup, "PRAGMA integrity_check"), [("ok",)],
              "the backup passes integrity_check")
        t.is_(query(backup, "SELECT username FROM users"), [("alice",)],
              "the backup has the users")
        t.ok(query(backup, "SELECT count(*) FROM schema_migrations")[0][0]
             == len(rows), "the backup has the migration records")
        t.ok(not os.path.exists(folder + ".partial"), "no .partial folder "
             "is left behind")
        p = srv.ctl("backup", os.path.join(srv.dir, "no", "such", "x.db"))
        t.is_(p.returncode, 1, "a backup into a missing directory exits 1")
        t.like(p.stderr, r"backup failed", "... and says so")

    # Restart: the data is still there.
    srv.spawn()
    t.ok(srv.wait_ready(), "hearthd starts again on the same data_dir")
    t.status(srv.client().login("alice"), 303, "alice still signs in")
    t.is_(srv.client().me(token).status, 200, "her token still works")
    t.is_(len(query(srv.db, "SELECT * FROM schema_migrations")), len(rows),
          "no migration ran twice")
    t.is_(srv.stop(), 0, "hearthd stops with exit 0 again")

    # db_mmap = 0: pread, as before
    plain = h.Server(t, name="pread", db_mmap=0)
    with plain:
        plain.add_user("bob")
        c = plain.client()
        c.login("bob")
        t.status(c.get("/"), 200, "db_mmap = 0: the home page is read")
        t.ok(not mapped(plain), "... and the database file is not mapped")

    # A newer hearth wrote the database: refuse it.
    db = sqlite3.connect(srv.db)
    db.execute("INSERT INTO schema_migrations (component, version, name, "
               "applied_at) VALUES ('core', 999, 'future', 0)")
    db.commit()
    db.close()
    srv.spawn()
    rc = srv.wait_exit()
    t.is_(rc, 1, "hearthd refuses a database from a newer hearth (exit 1)")
    t.like(srv.log(), r"newer hearth.*version 999", "with a clear message "
           "naming the version")
    p = srv.ctl("user", "list")
    t.is_(p.returncode, 1, "hearthctl refuses it too (exit 1)")
    t.like(p.stderr, r"newer hearth", "... with the same message")
    srv.check_log()


h.main(body)
