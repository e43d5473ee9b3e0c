"""API tokens are remembered between requests (auth-memo.c), like
sessions. Each way a token stops working must count on the very next
request of an app that was just served from memory: revoking it on the
settings page, through /oauth/revoke, revoking the app that holds it, an
administrator disabling its person on the web, and hearthctl (another
process: stamp_sync) revoking it or disabling the person. Its scopes are
remembered with it."""
import re
import time

import harness as h


def works(c, tok):
    return c.me(tok).status == 200


def remembered(t, c, tok, what):
    """Use tok until it is served from memory: its first use refreshes
    last_used_at (a write, which forgets the row), the next reads it back
    and remembers it, the last is answered from memory."""
    first = works(c, tok)
    time.sleep(0.3)		# let the background refresh commit
    t.ok(first and works(c, tok) and works(c, tok),
         what + " works, and is remembered")


def token_id(srv, name, label):
    p = srv.ctl("token", "list", name)
    for line in p.stdout.splitlines():
        if label in line:
            m = re.match(r"\s*(\d+)\s", line)
            if m:
                return m.group(1)
    return "0"


def body(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True)
        for name in ("alice", "bob", "carol"):
            srv.add_user(name)
        api = srv.client()
        a = srv.client()
        t.status(a.login("alice"), 303, "alice signs in")

        # Revoked on the settings page.
        tok = srv.token("alice")
        remembered(t, api, tok, "alice's hearthctl token")
        r = a.get("/settings/tokens")
        tid = re.search(r'action="/settings/tokens/(\d+)/revoke"', r.text)
        t.ok(tid, "the settings page lists it")
        r = a.post("/settings/tokens/%s/revoke" % (tid.group(1) if tid else 0),
                   {"csrf": h.form_field(r.text, "csrf")})
        t.status(r, 303, "alice revokes it")
        t.ok(not works(api, tok), "it is refused at once")

        # Revoked by hearthctl, from another process.
        p = srv.ctl("token", "create", "alice", "--label", "ci bot")
        tok = p.stdout.strip()
        remembered(t, api, tok, "a second token")
        p = srv.ctl("token", "revoke", "alice", token_id(srv, "alice",
                                                         "ci bot"))
        t.is_(p.returncode, 0, "hearthctl token revoke")
        t.unlike(p.stderr, r"warning", "... tells hearthd without a warning")
        t.ok(not works(api, tok), "it is refused at once")

        # Its scopes come back with it: a read token stays a read token.
        p = srv.ctl("token", "create", "alice", "--scopes", "read")
        tok = p.stdout.strip()
        remembered(t, api, tok, "a read-only token")
        hdr = {"Authorization": "Bearer " + tok}
        for i in range(2):
            r = api.post("/api/v1/statuses", {"status": "hi"}, headers=hdr)
            t.status(r, 403, "it may not post (%s)" % ("read", "remembered")[i])

        # An OAuth app's token, revoked through /oauth/revoke.
        tok, app = h.app_token(t, srv, a, name="Pocket", want_app=True)
        remembered(t, api, tok, "Pocket's token")
        r = api.post("/oauth/revoke", {"token": tok,
                                       "client_id": app["client_id"],
                                       "client_secret": app["client_secret"]})
        t.status(r, 200, "Pocket revokes its token")
        t.ok(not works(api, tok), "it is refused at once")

        # The app revoked on the settings page.
        tok = h.app_token(t, srv, a, name="Desk")
        remembered(t, api, tok, "Desk's token")
        r = a.get("/settings/apps")
        aid = re.search(r'action="/settings/apps/(\d+)/revoke"', r.text)
        r = a.post("/settings/apps/%s/revoke" % (aid.group(1) if aid else 0),
                   {"csrf": h.form_field(r.text, "csrf")})
        t.status(r, 303, "alice revokes Desk")
        t.ok(not works(api, tok), "its token is refused at once")

        # An administrator disables bob on the web.
        tok = srv.token("bob")
        remembered(t, api, tok, "bob's token")
        root = srv.client()
        t.status(root.login("root"), 303, "root signs in")
        page = root.get("/admin/people?q=bob").text
        m = re.search(r'action="/admin/people/(\d+)/disable"', page)
        r = root.post("/admin/people/%s/disable" % (m.group(1) if m else 0),
                      {"csrf": h.form_field(page, "csrf")})
        t.status(r, 303, "root disables bob")
        t.ok(not works(api, tok), "bob's token is refused at once")

        # hearthctl disables carol, then enables her.
        tok = srv.token("carol")
        remembered(t, api, tok, "carol's token")
        t.is_(srv.ctl("user", "disable", "carol").returncode, 0,
              "hearthctl user disable carol")
        t.ok(not works(api, tok), "carol's token is refused at once")
        t.is_(srv.ctl("user", "enable", "carol").returncode, 0,
              "hearthctl user enable carol")
        t.ok(works(api, tok), "... and works again once she is enabled")


if __name__ == "__main__":
    h.main(body)
