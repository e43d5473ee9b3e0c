#!/usr/bin/env python3
"""media-upload.py: the upload side of media.sh (standard library only).

Every upload is a multipart POST of one file (field "file") with a bearer
token over a keep-alive connection to 127.0.0.1:PORT; the file's bytes are
read once and the body built once.

  serial PORT TOKEN FILE N
      N uploads to POST /api/v1/media, one at a time, then N to
      POST /api/v2/media, each polled with GET /api/v1/media/:id every
      POLL_MS (10) ms until 200. Prints one line per upload:
        V1 seconds_to_200
        V2 seconds_to_202 seconds_to_get_200 polls
  concurrent PORT TOKEN FILE K
      K uploads to POST /api/v1/media at once (one thread each); waits for
      all. Prints "CONCURRENT K seconds_for_all".
  flood PORT TOKENS FILE K SECONDS
      K uploads to POST /api/v1/media always in flight, for SECONDS: a
      thread each, with a token of its own (TOKENS: a tokens.txt, its
      second field); each finished upload is replaced at once. Prints
      "READY" once all K are sending, "DONE t seconds" for each upload
      answered 200 (t: its end, seconds since the epoch), and at the end
      "FLOOD started finished failed"; uploads under way at the deadline
      are waited for.
  attach PORT TOKEN N PER POSTS_FILE [FILE...]
      N posts (POST /api/v1/statuses, public), the i-th with the i-th line
      of POSTS_FILE as its text; with FILEs, each post gets PER pictures
      (uploaded to POST /api/v1/media, taking the FILEs in turn) as
      media_ids[]. Prints "ATTACH posts uploads seconds".
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

BOUNDARY = "hearthbench7c9d1e5a3b"


def multipart(path):
    data = open(path, "rb").read()
    name = os.path.basename(path)
    ctype = "image/jpeg" if name.endswith((".jpg", ".jpeg")) else "image/png"
    head = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
            % (BOUNDARY, name, ctype)).encode()
    return head + data + ("\r\n--%s--\r\n" % BOUNDARY).encode()


class Client:
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.c = None

    def call(self, method, path, body=None, ctype=None):
        h = {"Authorization": "Bearer " + self.token}
        if ctype:
            h["Content-Type"] = ctype
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection("127.0.0.1", self.port,
                                                    timeout=600)
            try:
                self.c.request(method, path, body=body, headers=h)
                r = self.c.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.c.close()
                    self.c = None
                return r.status, data
            except (http.client.HTTPException, OSError):
                self.c.close()
                self.c = None
                if attempt:
                    raise

    def upload(self, body, v=1):
        return self.call("POST", "/api/v%d/media" % v, body,
                         "multipart/form-data; boundary=" + BOUNDARY)


def need(status, data, want, what):
    if status not in want:
        sys.exit("%s: HTTP %d: %s" % (what, status, data[:300]))
    return json.loads(data)


def serial(port, token, path, n):
    body = multipart(path)
    cl = Client(int(port), token)
    poll = float(os.environ.get("POLL_MS", "10")) / 1000
    for _ in range(int(n)):
        t0 = time.time()
        st, data = cl.upload(body, 1)
        t1 = time.time()
        need(st, data, (200,), "POST /api/v1/media")
        print("V1 %.4f" % (t1 - t0), flush=True)
    for _ in range(int(n)):
        t0 = time.time()
        st, data = cl.upload(body, 2)
        t1 = time.time()
        m = need(st, data, (202, 200), "POST /api/v2/media")
        polls = 0
        while st != 200:
            time.sleep(poll)
            st, data = cl.call("GET", "/api/v1/media/" + m["id"])
            polls += 1
            need(st, data, (200, 206), "GET /api/v1/media/" + m["id"])
        t2 = time.time()
        print("V2 %.4f %.4f %d" % (t1 - t0, t2 - t0, polls), flush=True)


def concurrent(port, token, path, k):
    body = multipart(path)
    k = int(k)
    errs = []
    go = threading.Barrier(k)

    def one():
        cl = Client(int(port), token)
        go.wait()
        st, data = cl.upload(body, 1)
        if st != 200:
            errs.append("HTTP %d: %s" % (st, data[:200]))
    ts = [threading.Thread(target=one) for _ in range(k)]
    t0 = time.time()
    [t.start() for t in ts]
    [t.join() for t in ts]
    if errs:
        sys.exit("concurrent upload: " + errs[0])
    print("CONCURRENT %d %.3f" % (k, time.time() - t0), flush=True)


def flood(port, tokens, path, k, seconds):
    body = multipart(path)
    k = int(k)
    toks = [l.split()[1] for l in open(tokens) if len(l.split()) >= 2]
    lock = threading.Lock()
    counts = {"started": 0, "finished": 0, "failed": 0}
    ready = threading.Barrier(k + 1)
    deadline = [0.0]

    def one(i):
        # people from the middle of the file: the admins come first
        cl = Client(int(port), toks[(len(toks) // 2 + i) % len(toks)])
        first = True
        while first or time.time() < deadline[0]:
            if first:
                ready.wait()
                first = False
            with lock:
                counts["started"] += 1
            try:
                st, data = cl.upload(body, 1)
            except OSError as e:
                st, data = 0, str(e).encode()
            with lock:
                if st == 200:
                    counts["finished"] += 1
                    print("DONE %.4f" % time.time(), flush=True)
                else:
                    counts["failed"] += 1
                    print("FAILED %d %s" % (st, data[:200]), flush=True)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(k)]
    [t.start() for t in ts]
    deadline[0] = time.time() + float(seconds)
    ready.wait()
    print("READY", flush=True)
    [t.join() for t in ts]
    print("FLOOD %d %d %d" % (counts["started"], counts["finished"],
                              counts["failed"]), flush=True)


def attach(port, token, n, per, posts_file, *files):
    n, per = int(n), int(per)
    bodies = [multipart(f) for f in files]
    texts = [l.rstrip("\n") for l in open(posts_file)]
    cl = Client(int(port), token)
    t0 = time.time()
    uploads = 0
    for i in range(n):
        form = [("status", texts[i % len(texts)]), ("visibility", "public")]
        if bodies:
            for _ in range(per):
                st, data = cl.upload(bodies[uploads % len(bodies)], 1)
                m = need(st, data, (200,), "POST /api/v1/media")
                form.append(("media_ids[]", m["id"]))
                uploads += 1
        st, data = cl.call("POST", "/api/v1/statuses",
                           urllib.parse.urlencode(form).encode(),
                           "application/x-www-form-urlencoded")
        s = need(st, data, (200,), "POST /api/v1/statuses")
        if len(s.get("media_attachments", [])) != (per if bodies else 0):
            sys.exit("post %s has %d attachments" %
                     (s["id"], len(s.get("media_attachments", []))))
    print("ATTACH %d %d %.2f" % (n, uploads, time.time() - t0), flush=True)


if __name__ == "__main__":
    cmds = {"serial": serial, "concurrent": concurrent, "flood": flood,
            "attach": attach}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
