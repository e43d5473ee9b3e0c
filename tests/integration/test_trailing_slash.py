"""A trailing slash is optional on every route, as in Mastodon (Rails):
`GET /api/v1/instance/` is `GET /api/v1/instance`. The routes come from
`hearthd --routes`, so a route added tomorrow is walked too: each is asked
with and without the slash, and both answers must agree (same status, the
same JSON for reads). A path no route takes still answers 404 with or
without the slash."""
import http.client

import harness as h

# What to put for each kind of captured segment: real ids, made below.
SKIP = ("/static/", "/media/", "/avatars/", "/headers/")


def fill(pattern, values):
    out = []
    for seg in pattern.split("/"):
        if seg.startswith("@:"):
            out.append("@" + values["name"])
        elif seg.startswith(":"):
            out.append(values.get(seg[1:], values["id"]))
        elif seg == "*":
            out.append("x")
        else:
            out.append(seg)
    return "/".join(out)


def status_only(c, method, path):
    """The status of a request whose body never ends (a stream)."""
    conn = c.connection()
    try:
        conn.request(method, path, headers=dict(c.headers))
        return conn.getresponse().status
    finally:
        conn.close()


def routes():
    p = h.run_hearthd("--routes")
    for line in p.stdout.splitlines():
        methods, pattern = line.split(" ", 1)
        yield methods.split(","), pattern


def main(t):
    with h.Server(t) as srv:
        u = srv.people("alice", "bob")
        alice = u["alice"]
        st = h.post_status(alice, "Hello, slashes")
        values = {"id": st["id"], "name": "alice", "account": alice.id,
                  "tag": "news", "action": "x", "file": "x"}
        web = srv.client()
        t.status(web.login("alice"), 303, "alice signs in on the web")
        anon = srv.client()
        walked = 0
        for methods, pattern in routes():
            if pattern.startswith(SKIP) or pattern == "/":
                continue
            path = fill(pattern, values)
            api = pattern.startswith(("/api/", "/oauth/", "/.well-known/",
                                      "/scim/", "/nodeinfo"))
            for m in methods:
                # Web forms that change things are walked as GETs of their
                # pages only; the API's and OAuth's every method.
                if m != "GET" and not api:
                    continue
                c = alice if api else web
                if pattern.startswith("/oauth/") or \
                        pattern.startswith("/.well-known/"):
                    c = anon
                if "/streaming" in pattern:
                    a = status_only(c, m, path)
                    b = status_only(c, m, path + "/")
                    walked += 1
                    t.ok(a == b, "%s %s/ answers as %s does" % (m, path, path),
                         "without: %d, with: %d" % (a, b))
                    continue
                if m != "GET":
                    # A write may use its post up (delete): each request
                    # gets a post of its own.
                    values["id"] = h.post_status(alice, "again")["id"]
                    path = fill(pattern, values)
                plain = c.request(m, path)
                if m != "GET":
                    values["id"] = h.post_status(alice, "again")["id"]
                    path = fill(pattern, values)
                slash = c.request(m, path + "/")
                walked += 1
                same = plain.status == slash.status
                if same and m == "GET" and plain.status == 200 and \
                        "json" in (plain.header("Content-Type") or ""):
                    a, b = plain.json(), slash.json()
                    # Times and counters of live lists may move between
                    # the two reads; the shape must not.
                    same = type(a) is type(b) and (
                        not isinstance(a, dict) or a.keys() == b.keys())
                if not same:
                    t.ok(False, "%s %s/ answers as %s does" % (m, path, path),
                         "without: %d, with: %d" % (plain.status,
                                                   slash.status))
        t.ok(walked > 100, "walked every route (%d requests)" % walked)
        t.ok(True, "every route answered the same with a trailing slash")
        r = alice.get("/api/v1/instance/")
        t.status(r, 200, "GET /api/v1/instance/ (the Python client's "
                 "version check)")
        t.ok("version" in r.json(), "it is the Instance")
        r = anon.get("/oauth/authorize/?response_type=code&client_id=x"
                     "&redirect_uri=urn:ietf:wg:oauth:2.0:oob")
        t.ok(r.status != 404, "GET /oauth/authorize/?… is routed",
             r.summary())
        t.status(alice.get("/api/v1/no-such-thing/"), 404,
                 "an unknown path with a slash is still 404")
        t.status(alice.get("/api/v1/instance//"), 200,
                 "several trailing slashes are one")
        t.status(alice.request("DELETE", "/api/v1/instance/"), 405,
                 "a wrong method with a slash is 405, as without")


if __name__ == "__main__":
    h.main(main)
