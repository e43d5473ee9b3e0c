"""docs/api.md's "Mastodon API coverage" table against the server, both
ways, so neither can drift (issue 21):

- each row is `| `METHOD /path` | implemented, different or refused | note |`
  and a malformed one fails by its line number;
- an implemented or different row is a route of `hearthd --routes`;
- a refused row is a line of `hearthd --refused` with the same note, and
  asking for it (with a valid token) answers 501 JSON naming the method,
  the path and the note;
- every /api/, /oauth/ and /.well-known/ route of `hearthd --routes`, and
  every /api/ route in the modules' tables, is a row of the coverage table
  or of the "hearth extensions" table, and every refusal hearthd has is a
  refused row;
- a path that is no endpoint at all is 404 naming the method and path,
  and "Record not found" still means a missing record."""
import os
import re

import harness as h

SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(__file__),
                                                   "..", ".."))
DOC = os.path.join(SRC, "docs", "api.md")
STATUSES = ("implemented", "different", "refused")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROW_RE = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^` ]*)` \| "
                    r"([^|]+?) \|\s*([^|]*?)\s*\|$")
SERVED = ("/api/", "/oauth/", "/.well-known/")


def norm(pattern):
    """A pattern with its parameters' names left out: the docs' :hashtag
    is routes.c's :tag."""
    return re.sub(r"/:[A-Za-z_]+", "/:", pattern)


def section(lines, heading):
    """The lines under a heading, up to the next heading."""
    out, inside = [], False
    for n, line in enumerate(lines, 1):
        if line.strip() == heading:
            inside = True
            continue
        if inside and re.match(r"#+ ", line):
            break
        if inside:
            out.append((n, line))
    return out


def table(t, lines, heading, second):
    """The rows of the first table in a section: (line, method, path,
    second column, note). Fails clearly on a malformed row."""
    rows, bad = [], []
    for n, line in section(lines, heading):
        if not line.startswith("|") or line.startswith("|---") or \
                line.startswith("| endpoint "):
            continue
        m = ROW_RE.match(line)
        if m is None or not second(m.group(3)):
            bad.append("docs/api.md:%d: %s" % (n, line))
            continue
        rows.append((n, m.group(1), m.group(2), m.group(3), m.group(4)))
    t.ok(not bad, "every row of %s is well formed" % heading,
         "expected | `METHOD /path` | ... | note |:\n" + "\n".join(bad))
    t.ok(rows, "%s has rows" % heading)
    return rows


def routes():
    """(method, pattern) for each of hearthd --routes' API routes."""
    p = h.run_hearthd("--routes")
    for line in p.stdout.splitlines():
        methods, pattern = line.split(" ", 1)
        if pattern.startswith(SERVED):
            for m in methods.split(","):
                yield m, pattern


def refusals():
    """{(method, pattern): note} of hearthd --refused."""
    p = h.run_hearthd("--refused")
    out = {}
    for line in p.stdout.splitlines():
        head, note = line.split("\t", 1)
        m, pattern = head.split(" ", 1)
        out[(m, pattern)] = note
    return out


def module_routes():
    """(method, pattern, module) of the modules' /api/ routes, read from
    their tables (hearthd --routes knows only the core's)."""
    out = []
    top = os.path.join(SRC, "modules")
    for mod in sorted(os.listdir(top)):
        d = os.path.join(top, mod)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith(".c"):
                continue
            with open(os.path.join(d, f)) as fh:
                text = fh.read()
            for m in re.finditer(r'\{\s*([A-Z_| ]+),\s*"(/api/[^"]*)"', text):
                for bit in m.group(1).split("|"):
                    name = bit.strip().replace("HM_", "")
                    if name in METHODS:
                        out.append((name, m.group(2), "module " + mod))
    return out


def fill(pattern, ids):
    """A path for a pattern: real ids where one fits, else 1."""
    out = []
    for seg in pattern.split("/"):
        if seg.startswith(":"):
            out.append(ids.get(seg[1:], "1"))
        else:
            out.append(seg)
    return "/".join(out)


def main(t):
    with open(DOC) as f:
        lines = f.read().splitlines()
    cov = table(t, lines, "## Mastodon API coverage",
                lambda s: s in STATUSES)
    ext = table(t, lines, "### hearth extensions",
                lambda s: s == "core" or s.startswith("module "))
    keys = [(m, p) for _, m, p, _, _ in cov]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    t.ok(not dup, "each endpoint has one row", repr(dup))
    for n, m, p, status, note in cov:
        if status != "implemented" and not note.strip():
            t.ok(False, "docs/api.md:%d: a %s row says how or why" %
                 (n, status))
    counts = {s: sum(1 for r in cov if r[3] == s) for s in STATUSES}
    t.diag("coverage: %r" % counts)

    served = set(routes())
    served_norm = {(m, norm(p)) for m, p in served}
    refused = refusals()
    refused_norm = {(m, norm(p)): note for (m, p), note in refused.items()}

    # implemented and different rows are routes; refused ones refusals
    for n, m, p, status, note in cov:
        k = (m, norm(p))
        if status == "refused":
            t.ok(refused.get((m, p)) == note,
                 "docs/api.md:%d: %s %s is refused by hearthd, for the same "
                 "reason" % (n, m, p),
                 "hearthd --refused says %r; the table %r" %
                 (refused.get((m, p)), note))
            t.ok(k not in served_norm, "docs/api.md:%d: refused %s %s is "
                 "not also a route" % (n, m, p))
        else:
            t.ok(k in served_norm, "docs/api.md:%d: %s %s (%s) is a route "
                 "of hearthd --routes" % (n, m, p, status))

    # everything served or refused is in a table
    documented = {(m, norm(p)) for _, m, p, _, _ in cov}
    extensions = {(m, norm(p)): where for _, m, p, where, _ in ext}
    for m, p in sorted(served):
        k = (m, norm(p))
        t.ok(k in documented or extensions.get(k) == "core",
             "%s %s (hearthd --routes) is a row of the coverage table or a "
             "core hearth extension" % (m, p))
    for m, p, mod in module_routes():
        t.ok(extensions.get((m, norm(p))) == mod,
             "%s %s (%s) is a hearth extension of that module" % (m, p, mod))
    for k in extensions:
        t.ok(k not in documented, "extension %s %s is not also a Mastodon "
             "row" % k)
    for (m, p) in sorted(refused):
        t.ok(any(r[1] == m and r[2] == p and r[3] == "refused" for r in cov),
             "hearthd --refused's %s %s is a refused row" % (m, p))
    t.is_(len(refused_norm), counts["refused"], "hearthd refuses exactly "
          "the refused rows")

    with h.Server(t) as srv:
        u = srv.people("alice", "bob")
        alice = u["alice"]
        st = h.post_status(alice, "Hello, coverage")
        ids = {"id": st["id"], "account_id": u["bob"].id, "name": "news",
               "hashtag": "news", "year": "2025", "date": "2025-01-01",
               "group_key": "1", "filter_id": "1", "list_id": "1",
               "collection_id": "1", "quoting_status_id": st["id"]}

        # every refused row answers 501, naming itself and why
        wrong = []
        for n, m, p, status, note in cov:
            if status != "refused":
                continue
            path = fill(p, ids)
            r = alice.request(m, path)
            want = "hearth does not offer %s %s: %s" % (m, p, note)
            body = None
            try:
                body = r.json()
            except Exception:
                pass
            if r.status != 501 or body != {"error": want}:
                wrong.append("docs/api.md:%d: %s %s: %s" %
                             (n, m, path, r.summary()))
        t.ok(not wrong, "every refused row answers 501 {\"error\": \"hearth "
             "does not offer METHOD /path: note\"}", "\n".join(wrong[:20]))

        # as Mastodon, a trailing slash changes nothing; and no token is
        # needed to hear the reason
        anon = srv.client()
        r = anon.get("/api/v1/accounts/1/featured_tags/")
        t.status(r, 501, "a refused endpoint with a slash, signed out, "
                 "is 501 too")
        t.like(r.json().get("error", ""), r"^hearth does not offer GET "
               r"/api/v1/accounts/:id/featured_tags: ", "... naming it")
        # a literal refused path is not taken by a route's :id
        r = alice.get("/api/v1/notifications/requests")
        t.status(r, 501, "GET /api/v1/notifications/requests is refused, "
                 "not taken for a notification's id")
        r = alice.get("/api/v1/accounts/familiar_followers?id[]=1")
        t.status(r, 501, "GET /api/v1/accounts/familiar_followers is "
                 "refused, not taken for an account's id")
        # the web's forms, with a session and no CSRF token, hear the
        # same reason
        web = srv.client()
        t.status(web.login("alice"), 303, "alice signs in on the web")
        # (statuses/:id/pin was the example until pins came, issue 21)
        r = web.request("POST", "/api/v1/tags/%s/feature" % "news")
        t.status(r, 501, "a session's POST to a refused endpoint is 501, "
                 "not a CSRF error")

        # implemented rows' GETs reach their handler (a missing record's
        # 404 or a 400 for a missing parameter is the handler's answer)
        for n, m, p, status, note in cov:
            if status == "refused" or m != "GET" or "streaming" in p:
                continue
            r = alice.get(fill(p, ids) + ("?q=alice&acct=alice"
                                          if "search" in p or "lookup" in p
                                          else ""))
            err = ""
            if r.status in (404, 405, 501):
                try:
                    err = r.json().get("error", "")
                except Exception:
                    err = "not JSON"
            t.ok(r.status not in (405, 501) and
                 not err.startswith("No API endpoint"),
                 "docs/api.md:%d: GET %s (%s) reaches its handler" %
                 (n, p, status), r.summary())

        # no endpoint at all: 404 naming it; a missing record: as before
        for m, path in (("GET", "/api/v1/nope"),
                        ("POST", "/api/v2/no/such/thing"),
                        ("DELETE", "/api/v1/statuses/%s/nope" % st["id"])):
            r = alice.request(m, path)
            t.status(r, 404, "%s %s is 404" % (m, path))
            t.is_(r.json(), {"error": "No API endpoint %s %s" % (m, path)},
                  "... naming the method and path")
        r = alice.get("/api/v1/statuses/999999")
        t.status(r, 404, "a missing status is 404")
        t.is_(r.json(), {"error": "Record not found"},
              "... and that is Record not found")
        t.status(alice.request("PATCH", "/api/v1/lists/1"), 405,
                 "a refused endpoint's path with a method Mastodon has "
                 "not either is 405")


if __name__ == "__main__":
    h.main(main)
