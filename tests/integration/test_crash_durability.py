"""kill -9 under write load loses nothing acknowledged: four writers post
as fast as hearthd answers, hearthd is killed at a random moment, started
again, and every post it acknowledged (200 with an id) must be there, with
its text. A few cycles in make check; make soak runs 400
(HEARTH_SOAK_CYCLES)."""
import http.client
import json
import os
import random
import sqlite3
import threading
import time
import urllib.parse

import harness as h

CYCLES = int(os.environ.get("HEARTH_SOAK_CYCLES", "5"))
WRITERS = 4


def writer(port, token, tag, acked, lock):
    """Post over one keep-alive connection until the server goes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    try:
        while True:
            text = "%s-%d" % (tag, n)
            n += 1
            conn.request("POST", "/api/v1/statuses",
                         body=urllib.parse.urlencode({"status": text}),
                         headers={"Authorization": "Bearer " + token,
                                  "Content-Type": "application/"
                                  "x-www-form-urlencoded"})
            r = conn.getresponse()
            body = r.read()
            if r.status == 200:
                with lock:
                    acked.append((int(json.loads(body)["id"]), text))
            elif r.status != 503:
                return
    except (OSError, http.client.HTTPException, ValueError):
        return
    finally:
        conn.close()


def body(t):
    rng = random.Random(os.environ.get("HEARTH_SOAK_SEED"))
    with h.Server(t, name="crashes", synchronous="full") as srv:
        tokens = []
        for i in range(WRITERS):
            srv.add_user("w%d" % i)
            tokens.append(srv.token("w%d" % i))
        acked, lock = [], threading.Lock()
        started = 0
        for cycle in range(CYCLES):
            threads = [threading.Thread(target=writer, args=(
                srv.port, tokens[i], "c%d-w%d" % (cycle, i), acked, lock))
                for i in range(WRITERS)]
            for th in threads:
                th.start()
            time.sleep(rng.uniform(0.1, 0.6))
            srv.proc.kill()
            srv.proc.wait()
            for th in threads:
                th.join()
            srv.start()
            started += 1
        t.ok(started == CYCLES, "hearthd came back after each of %d "
             "kill -9s" % CYCLES)
        t.ok(len(acked) > CYCLES * 10, "%d posts were acknowledged along "
             "the way" % len(acked))
        db = sqlite3.connect(srv.db)
        have = dict(db.execute("SELECT id, source FROM posts"))
        db.close()
        missing = [(i, s) for i, s in acked if have.get(i) != s]
        t.ok(not missing, "every acknowledged post is there, with its text "
             "(%d checked)" % len(acked), repr(missing[:10]))
        t.status(srv.client().get("/healthz"), 200, "and the server is well")


h.main(body)
