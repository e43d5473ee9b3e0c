"""/metrics on metrics_listen: Prometheus's text format (0.0.4) read by a
strict parser, counters that move by exactly what was asked, histograms
that add up, bounded route labels, streams and caches seen, and a
listener that serves nothing else and only to the addresses metrics_allow
names; the site's own listener never serves /metrics; hearthctl stats.

Each case can run alone: make check TESTS=tests/integration/test_metrics.py
CASE=counters (or `python3 .../test_metrics.py --list`)."""
import contextlib
import math
import re
import socket
import time

import harness as h
from streamclient import Stream, WS

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


class FormatError(Exception):
    pass


def parse_value(s):
    """A sample value as the format spells it."""
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", s):
        raise FormatError("bad value %r" % s)
    return float(s)


def parse_labels(text, i):
    """Labels from text[i] (just past '{') to its '}': (dict, index past
    the '}'). Values may escape only \\\\, \\" and \\n."""
    labels = {}
    while True:
        if text[i] == "}":
            return labels, i + 1
        m = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"").match(text, i)
        if not m:
            raise FormatError("bad label at %r" % text[i:i + 30])
        name = m.group(1)
        i = m.end()
        value = []
        while text[i] != '"':
            if text[i] == "\n":
                raise FormatError("raw line feed in a label value")
            if text[i] == "\\":
                nxt = text[i + 1]
                if nxt not in '\\"n':
                    raise FormatError("bad escape \\%s" % nxt)
                value.append("\n" if nxt == "n" else nxt)
                i += 2
            else:
                value.append(text[i])
                i += 1
        i += 1
        if name in labels:
            raise FormatError("label %s twice" % name)
        labels[name] = "".join(value)
        if text[i] == ",":
            i += 1
        elif text[i] != "}":
            raise FormatError("expected , or } at %r" % text[i:i + 30])


def parse(text):
    """Parse an exposition strictly. Returns {family: {"type", "help",
    "samples": [(name, labels, value)]}}; raises FormatError."""
    if not text.endswith("\n"):
        raise FormatError("the text must end with a line feed")
    fams = {}
    cur = None
    series = set()
    for line in text[:-1].split("\n"):
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (\S+) (.*)", line)
            if not m:
                if line.startswith("# HELP") or line.startswith("# TYPE"):
                    raise FormatError("bad comment %r" % line)
                continue
            kind, name, rest = m.groups()
            if not NAME.match(name):
                raise FormatError("bad family name %r" % name)
            f = fams.setdefault(name, {"type": None, "help": None,
                                       "samples": []})
            if kind == "HELP":
                if f["help"] is not None:
                    raise FormatError("HELP twice for %s" % name)
                if re.search(r"\\[^\\n]", rest.replace("\\\\", "")):
                    raise FormatError("bad escape in HELP %r" % rest)
                f["help"] = rest
            else:
                if f["type"] is not None or f["samples"]:
                    raise FormatError("TYPE for %s twice or after its "
                                      "samples" % name)
                if rest not in TYPES:
                    raise FormatError("bad type %r" % rest)
                f["type"] = rest
            cur = name
            continue
        if line == "":
            raise FormatError("an empty line")
        m = NAME.pattern[:-2]
        m = re.match(m, line)
        if not m:
            raise FormatError("bad sample line %r" % line)
        name = m.group(0)
        i = m.end()
        labels = {}
        if line[i:i + 1] == "{":
            labels, i = parse_labels(line, i + 1)
        if line[i:i + 1] != " ":
            raise FormatError("no space before the value in %r" % line)
        value = parse_value(line[i + 1:])
        # Its family: the last announced, whose samples these are.
        if cur is None:
            raise FormatError("sample %s before any TYPE" % name)
        ftype = fams[cur]["type"]
        want = [cur]
        if ftype == "histogram":
            want = [cur + "_bucket", cur + "_sum", cur + "_count"]
        if name not in want:
            raise FormatError("sample %s in family %s (%s)"
                              % (name, cur, ftype))
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            raise FormatError("series %r twice" % (key,))
        series.add(key)
        fams[cur]["samples"].append((name, labels, value))
    for name, f in fams.items():
        if f["type"] is None:
            raise FormatError("family %s without TYPE" % name)
        if f["type"] == "counter" and not name.endswith("_total"):
            raise FormatError("counter %s does not end in _total" % name)
        if f["type"] == "histogram":
            check_histogram(name, f["samples"])
    return fams


def check_histogram(name, samples):
    """Each series: le ascending, counts never falling, +Inf last and
    equal to _count, a _sum."""
    groups = {}
    for sname, labels, value in samples:
        rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        g = groups.setdefault(rest, {"buckets": [], "sum": None,
                                     "count": None})
        if sname.endswith("_bucket"):
            if "le" not in labels:
                raise FormatError("%s bucket without le" % name)
            g["buckets"].append((parse_value(labels["le"]), value))
        elif sname.endswith("_sum"):
            g["sum"] = value
        else:
            g["count"] = value
    for rest, g in groups.items():
        b = g["buckets"]
        if not b or b[-1][0] != math.inf:
            raise FormatError("%s%r: no +Inf bucket last" % (name, rest))
        for (le0, n0), (le1, n1) in zip(b, b[1:]):
            if not le1 > le0:
                raise FormatError("%s%r: le not ascending" % (name, rest))
            if n1 < n0:
                raise FormatError("%s%r: buckets not cumulative"
                                  % (name, rest))
        if g["count"] is None or g["sum"] is None:
            raise FormatError("%s%r: no _sum or _count" % (name, rest))
        if g["count"] != b[-1][1]:
            raise FormatError("%s%r: _count %s != +Inf %s"
                              % (name, rest, g["count"], b[-1][1]))


def value(fams, family, sample=None, **labels):
    """The value of the one sample of family (sample: a histogram's
    _bucket/_sum/_count name) whose labels include these; 0 if none."""
    sample = sample or family
    found = [v for n, l, v in fams.get(family, {"samples": []})["samples"]
             if n == sample and all(l.get(k) == w
                                    for k, w in labels.items())]
    if len(found) > 1:
        raise AssertionError("%d samples of %s match %r"
                             % (len(found), sample, labels))
    return found[0] if found else 0


class Metrics:
    """The metrics listener of a server."""

    def __init__(self, srv, port):
        self.srv = srv
        self.port = port
        self.client = h.Client("127.0.0.1", port)

    def scrape(self, t):
        r = self.client.get("/metrics")
        t.status(r, 200, "GET /metrics on metrics_listen is 200")
        return parse(r.text)


@contextlib.contextmanager
def fixture(t):
    port = h.free_port()
    with h.Server(t, metrics_listen="127.0.0.1:%d" % port,
                  env={"HEARTH_STREAM_HEARTBEAT": "1"}) as srv:
        srv.add_user("ada", admin=True)
        people = srv.people("bob")
        srv.bob = people["bob"]
        srv.ada = srv.client(headers={"Authorization": "Bearer " +
                                      srv.token("ada")})
        srv.metrics = Metrics(srv, port)
        yield srv


@h.case
def parser_strict(t, srv):
    """The parser these tests trust refuses what the format forbids."""
    good = ("# HELP a_total A.\n# TYPE a_total counter\n"
            "a_total{x=\"q\\\"\\\\\\n\"} 1\n")
    t.is_(value(parse(good), "a_total", x='q"\\\n'), 1,
          "a good text parses, its escapes undone")
    bad = {
        "no TYPE": "a_total 1\n",
        "a counter without _total": "# TYPE a counter\na 1\n",
        "no final line feed": "# TYPE a gauge\na 1",
        "a bad escape": "# TYPE a gauge\na{x=\"\\t\"} 1\n",
        "a series twice": "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n",
        "falling buckets": "# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                           "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "no +Inf": "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\n"
                   "h_count 2\n",
        "_count not +Inf": "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\n"
                           "h_sum 1\nh_count 3\n",
        "a sample of another family": "# TYPE a gauge\nb 1\n",
        "a bad value": "# TYPE a gauge\na one\n",
    }
    for why, text in bad.items():
        try:
            parse(text)
            t.ok(False, "refused: %s" % why)
        except FormatError:
            t.ok(True, "refused: %s" % why)


@h.case
def format(t, srv):
    """The whole text parses strictly; content type; names are hearth_ or
    the process's; each family has HELP and TYPE."""
    srv.bob.get("/api/v1/timelines/home")
    r = srv.metrics.client.get("/metrics")
    t.status(r, 200, "200")
    t.is_(r.header("Content-Type"),
          "text/plain; version=0.0.4; charset=utf-8",
          "the 0.0.4 text format's content type")
    try:
        fams = parse(r.text)
        t.ok(True, "the exposition parses strictly")
    except FormatError as e:
        t.ok(False, "the exposition parses strictly", str(e))
        return
    bad = [n for n in fams if not n.startswith(("hearth_", "process_"))]
    t.is_(bad, [], "every family is hearth_* or process_*")
    t.is_([n for n, f in fams.items() if not f["help"]], [],
          "every family has HELP")
    for fam in ("hearth_http_requests_total",
                "hearth_http_request_duration_seconds",
                "hearth_http_connections_open", "hearth_streams_open",
                "hearth_cache_hits_total", "hearth_cache_misses_total",
                "hearth_cache_entries", "hearth_cache_bytes",
                "hearth_cache_evictions_total", "hearth_writer_batch_size",
                "hearth_writer_commit_duration_seconds",
                "hearth_writer_queue_depth", "hearth_worker_queue_depth",
                "hearth_jobs_waiting", "process_resident_memory_bytes",
                "process_start_time_seconds", "process_open_fds",
                "hearth_sqlite_page_cache_hits_total",
                "hearth_resident_file_bytes"):
        t.ok(fam in fams, "family %s is there" % fam)
    rss = fams["process_resident_memory_bytes"]["samples"][0][2]
    filebacked = fams["hearth_resident_file_bytes"]["samples"][0][2]
    t.ok(0 < float(filebacked) <= float(rss),
         "the file-backed part of the resident memory is part of it",
         "%s of %s" % (filebacked, rss))
    t.is_(fams["hearth_http_request_duration_seconds"]["type"], "histogram",
          "request durations are a histogram")
    les = sorted({l["le"] for n, l, v in
                  fams["hearth_http_request_duration_seconds"]["samples"]
                  if "le" in l}, key=parse_value)
    t.is_(les[0], "0.0005", "the first bucket is 0.5 ms")
    t.is_(les[-2:], ["5", "+Inf"], "the last are 5 s and +Inf")
    head = srv.metrics.client.head("/metrics")
    t.status(head, 200, "HEAD /metrics is 200")
    t.is_(head.body, b"", "without a body")


@h.case
def counters(t, srv):
    """Requests counted by route pattern, method and status, by exactly
    what was asked; the latency histogram's count with them."""
    m0 = srv.metrics.scrape(t)
    for _ in range(3):
        t.status(srv.bob.get("/api/v1/timelines/home"), 200, "home")
    t.status(srv.bob.get("/api/v1/statuses/999999999"), 404,
             "an unknown status")
    t.status(srv.bob.request("DELETE", "/api/v1/timelines/home"), 405,
             "a wrong method")
    post = srv.bob.post("/api/v1/statuses", {"status": "counted"})
    t.status(post, 200, "a post")
    m1 = srv.metrics.scrape(t)
    F = "hearth_http_requests_total"
    D = "hearth_http_request_duration_seconds"

    def delta(fam, sample=None, **labels):
        return (value(m1, fam, sample, **labels) -
                value(m0, fam, sample, **labels))

    t.is_(delta(F, route="/api/v1/timelines/home", method="GET",
                status="200"), 3, "three home timelines, 200")
    t.is_(delta(D, D + "_count", route="/api/v1/timelines/home"), 3,
          "three in its latency histogram")
    t.ok(delta(D, D + "_sum", route="/api/v1/timelines/home") > 0,
         "their time summed")
    t.is_(delta(F, route="/api/v1/statuses/:id", method="GET",
                status="404"), 1,
          "the 404 of a known route is counted under its pattern")
    t.is_(delta(F, route="unmatched", method="DELETE", status="405"), 1,
          "a wrong method: unmatched, DELETE, 405")
    t.is_(delta(F, route="/api/v1/statuses", method="POST", status="200"),
          1, "the post")
    t.ok(delta("hearth_writer_writes_total", outcome="committed") >= 1,
         "the writer committed its write")
    t.ok(delta("hearth_writer_batch_size", "hearth_writer_batch_size_count")
         >= 1, "in a batch")
    t.ok(delta("hearth_writer_commit_duration_seconds",
               "hearth_writer_commit_duration_seconds_count") >= 1,
         "whose commit was timed")
    total = sum(v for n, l, v in m1[F]["samples"]) - \
        sum(v for n, l, v in m0[F]["samples"])
    t.is_(total, 6, "nothing else counted (scrapes are not)")


@h.case
def unmatched_bounded(t, srv):
    """Paths no route takes all count as route="unmatched": a scanner
    cannot grow the metrics; no raw path appears in a label."""
    m0 = srv.metrics.scrape(t)
    for i in range(25):
        srv.bob.get("/no/such/path/%d" % i)
        srv.bob.get("/api/v1/nothing%d" % i)
    m1 = srv.metrics.scrape(t)
    F = "hearth_http_requests_total"
    t.is_(value(m1, F, route="unmatched", method="GET", status="404") -
          value(m0, F, route="unmatched", method="GET", status="404"), 50,
          "fifty 404s, one series")
    t.is_(len(m1[F]["samples"]), len(m0[F]["samples"]) +
          (0 if value(m0, F, route="unmatched", method="GET",
                      status="404") else 1),
          "at most one new series")
    routes = {l["route"] for n, l, v in m1[F]["samples"]}
    t.is_([r for r in routes if "such" in r or "nothing" in r], [],
          "no raw path as a label")
    t.is_([r for r in routes if r != "unmatched" and
           not r.startswith("/")], [], "every route label is a pattern")


@h.case
def caches(t, srv):
    """The home feed and the other caches count hits and misses; the
    remembered peeks too."""
    srv.bob.get("/api/v1/timelines/home")
    m0 = srv.metrics.scrape(t)
    for _ in range(3):
        srv.bob.get("/api/v1/timelines/home")
    m1 = srv.metrics.scrape(t)
    hit = "hearth_cache_hits_total"
    t.ok(value(m1, hit, cache="home_feed") -
         value(m0, hit, cache="home_feed") >= 3,
         "three home feeds read from memory")
    t.ok(value(m1, "hearth_cache_entries", cache="home_feed") >= 1,
         "bob's feed is held")
    t.ok(value(m1, "hearth_cache_bytes", cache="home_feed") > 0,
         "and takes memory")
    names = {l["cache"] for n, l, v in m1[hit]["samples"]}
    for name in ("home_feed", "peek", "status", "account", "card"):
        t.ok(name in names, "cache %s is listed" % name)
    for n, l, v in m1[hit]["samples"]:
        t.ok(v >= value(m0, hit, cache=l["cache"]),
             "%s hits never fall" % l["cache"])


@h.case
def cache_budget(t, srv):
    """cache_memory is split between the caches (hearthd.c's table): each
    shows its share, and what it holds stays within it. (Filling them to
    the brim is test-feed's: here, that the shares reach them.)"""
    port = h.free_port()
    with h.Server(t, name="budget", metrics_listen="127.0.0.1:%d" % port,
                  cache_memory="128M") as other:
        names = ["bud%d" % i for i in range(12)]
        people = other.people(*names)
        for i, n in enumerate(names):
            for k in range(3):
                h.post_status(people[n], "post %d of %s #budget" % (k, n))
        for n in names:
            people[n].get("/api/v1/timelines/home")
            people[n].get("/api/v1/timelines/public?limit=40")
        m = Metrics(other, port).scrape(t)
        mib = 1 << 20
        for cache, percent in (("card", 35), ("status", 20),
                               ("account", 5), ("filter", 3)):
            t.is_(value(m, "hearth_cache_budget_bytes", cache=cache),
                  128 * mib // 100 * percent // 256 * 256,
                  "%s: %d%% of 128 MiB" % (cache, percent))
        t.ok(0 < value(m, "hearth_cache_budget_bytes", cache="peek") <=
             128 * mib * 12 // 100, "peek: its share")
        t.ok(value(m, "hearth_cache_budget_bytes", cache="home_feed") <=
             128 * mib * 20 // 100 + 6500 * 4096,
             "home feeds: as many as their share holds (one a shard at "
             "least)")
        for n, l, v in m["hearth_cache_bytes"]["samples"]:
            budget = value(m, "hearth_cache_budget_bytes", cache=l["cache"])
            if budget:
                t.ok(v <= budget, "%s holds %d bytes, within %d" %
                     (l["cache"], v, budget))
        t.ok(value(m, "hearth_cache_entries", cache="status") > 0,
             "and the caches are in use")


@h.case
def streams(t, srv):
    """An open event stream and a WebSocket are counted, and uncounted
    once closed; connections too."""
    m0 = srv.metrics.scrape(t)
    s = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
               srv.bob.token)
    t.is_(s.status, 200, "the stream opened")
    m1 = srv.metrics.scrape(t)
    t.is_(value(m1, "hearth_streams_open", transport="sse") -
          value(m0, "hearth_streams_open", transport="sse"), 1,
          "one more event stream open")
    t.ok(value(m1, "hearth_http_connections_open") >= 1,
         "its connection is open")
    t.is_(value(m1, "hearth_http_requests_total",
                route="/api/v1/streaming/user", method="GET",
                status="200") -
          value(m0, "hearth_http_requests_total",
                route="/api/v1/streaming/user", method="GET",
                status="200"), 1, "its request counted")
    ws = WS(srv.port, "/api/v1/streaming?stream=user&access_token=" +
            srv.bob.token)
    t.is_(ws.status, 101, "a WebSocket opened")
    m2 = srv.metrics.scrape(t)
    t.is_(value(m2, "hearth_streams_open", transport="websocket") -
          value(m0, "hearth_streams_open", transport="websocket"), 1,
          "one more WebSocket open")
    t.is_(value(m2, "hearth_streams_open", transport="sse"),
          value(m1, "hearth_streams_open", transport="sse"),
          "the event streams as they were")
    s.close()
    ws.close()
    deadline = time.monotonic() + h.TIMEOUT
    while time.monotonic() < deadline:
        m3 = srv.metrics.scrape(t)
        if all(value(m3, "hearth_streams_open", transport=x) ==
               value(m0, "hearth_streams_open", transport=x)
               for x in ("sse", "websocket")):
            break
        time.sleep(0.1)
    for x in ("sse", "websocket"):
        t.is_(value(m3, "hearth_streams_open", transport=x),
              value(m0, "hearth_streams_open", transport=x),
              "closed: the %s is counted no more" % x)


@h.case
def listener_only_metrics(t, srv):
    """The metrics listener answers GET and HEAD /metrics and nothing
    else: other methods 405, other paths (the site's among them) 404."""
    c = srv.metrics.client
    r = c.post("/metrics", {"a": "b"})
    t.status(r, 405, "POST /metrics is 405")
    t.is_(r.header("Allow"), "GET, HEAD", "Allow: GET, HEAD")
    t.status(c.request("DELETE", "/metrics"), 405, "DELETE is 405")
    for path in ("/", "/healthz", "/api/v1/timelines/home", "/login",
                 "/metrics/", "/metricsx", "/static/hearth.css"):
        r = c.get(path, headers={"Authorization": "Bearer " +
                                 srv.bob.token})
        t.status(r, 404, "%s is 404 on the metrics listener" % path)
        t.unlike(r.text, r"<html", "%s: no page there" % path)


@h.case
def site_listener_refuses(t, srv):
    """The site's listener never serves /metrics: not to a stranger, a
    member or an admin."""
    for who, c in (("nobody", srv.client()), ("a member", srv.bob),
                   ("an admin", srv.ada)):
        r = c.get("/metrics")
        t.status(r, 404, "/metrics on the site's listener, %s: 404" % who)
        t.unlike(r.text, r"hearth_http_requests_total",
                 "%s reads no metrics there" % who)
        r = c.get("/api/v1/metrics")
        t.ok(r.status in (401, 404), "nor under /api (%d)" % r.status)


@h.case
def ctl_stats(t, srv):
    """hearthctl stats shows the running hearthd's numbers: requests, the
    busiest routes, each cache's hit rate."""
    for _ in range(2):
        srv.bob.get("/api/v1/timelines/home")
    p = srv.ctl("stats")
    t.is_(p.returncode, 0, "hearthctl stats exits 0")
    t.like(p.stdout, r"(?m)^hearthd \S+, up ", "the daemon's line")
    t.like(p.stdout, r"/api/v1/timelines/home +\d+", "the home route")
    t.like(p.stdout, r"(?m)^home_feed +\d+ +\d+ .* \d+\.\d%",
           "the home feed's hit rate")
    t.like(p.stdout, r"hit rate", "a hit rate column")
    t.like(p.stdout, r"(?m)^writer +\d+ writes committed", "the writer")


@h.case
def allow_list(t, srv):
    """metrics_allow names who may scrape: from an address it leaves out,
    403 and no metrics."""
    port = h.free_port()
    with h.Server(t, name="walled", metrics_listen="127.0.0.1:%d" % port,
                  metrics_allow="10.0.0.0/8 192.168.1.1") as other:
        c = h.Client("127.0.0.1", port)
        r = c.get("/metrics")
        t.status(r, 403, "127.0.0.1 is not listed: 403")
        t.unlike(r.text, r"hearth_", "and no metrics")
        t.status(other.client().get("/healthz"), 200,
                 "the site itself is unaffected")


@h.case
def config_checked(t, srv):
    """A bad metrics_listen or metrics_allow stops startup with a message
    naming the key; the site's own address cannot be reused."""
    d = t.tmpdir()
    for line, why in (
            ("metrics_listen = nonsense", r"metrics_listen"),
            ("metrics_listen = 127.0.0.1:0", r"metrics_listen.*port"),
            ("metrics_listen = 127.0.0.1:%d" % srv.port,
             r"metrics_listen.*also a listen address"),
            ("metrics_allow = not-an-address", r"metrics_allow")):
        conf = d + "/bad.conf"
        h.write_config(conf, "listen = 127.0.0.1:%d\ndata_dir = %s\n%s\n"
                       % (srv.port, d, line))
        p = h.run_hearthd("--check-config", "-c", conf)
        t.is_(p.returncode, 2, "%s: refused (exit 2)" % line)
        t.like(p.stderr, why, "%s: the message names it" % line)
    conf = d + "/good.conf"
    h.write_config(conf, "listen = 127.0.0.1:%d\ndata_dir = %s\n"
                   "metrics_listen = 127.0.0.1:9464\nmetrics_allow = "
                   "127.0.0.1 10.1.0.0/16 ::1\n" % (srv.port, d))
    p = h.run_hearthd("--check-config", "-c", conf)
    t.is_(p.returncode, 0, "a good metrics_listen and metrics_allow pass")
    nolisten = d + "/nolisten.conf"
    h.write_config(nolisten, "listen = 127.0.0.1:%d\ndata_dir = %s\n"
                   % (srv.port, srv.data_dir))
    p = h.run([h.HEARTHCTL, "-c", nolisten, "stats"])
    t.is_(p.returncode, 1, "hearthctl stats without metrics_listen: 1")
    t.like(p.stderr, r"metrics_listen is not set", "and says why")


@h.case
def refused_connections(t, srv):
    """A connection over an address's share is refused before any request
    and counted as such."""
    port = h.free_port()
    with h.Server(t, name="capped", metrics_listen="127.0.0.1:%d" % port,
                  max_connections_per_ip=2) as other:
        m = Metrics(other, port)
        F = "hearth_http_connections_refused_total"
        before = value(m.scrape(t), F, reason="address")
        time.sleep(0.3)     # the scrape's connection is gone
        held = [socket.create_connection(("127.0.0.1", other.port))
                for _ in range(2)]
        time.sleep(0.3)
        extra = socket.create_connection(("127.0.0.1", other.port))
        extra.settimeout(h.TIMEOUT)
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = extra.recv(4096)
        t.like(answer.decode(), r"^HTTP/1.1 429", "the third gets 429")
        for c in held + [extra]:
            c.close()
        time.sleep(0.3)
        after = m.scrape(t)
        t.is_(value(after, F, reason="address") - before, 1,
              "counted once, as over the address's share")
        t.is_(value(after, F, reason="full"), 0, "none over the cap on all")


if __name__ == "__main__":
    h.main_cases(fixture)
