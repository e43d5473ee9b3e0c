"""API bearer tokens from hearthctl token create, and verify_credentials."""
import re
import sqlite3

import harness as h


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Example")
        srv.add_user("bob", admin=True)
        token = srv.token("alice")
        t.like(token, r"^hat_[A-Za-z0-9_-]{43}$", "token create prints one "
               "token alone on a line")

        c = srv.client()
        r = c.me(token)
        t.status(r, 200, "verify_credentials with the token is 200")
        t.like(r.header("Content-Type"), r"^application/json", "as JSON")
        a = r.json()
        db = sqlite3.connect(srv.db)
        uid = db.execute("SELECT id FROM users WHERE username = 'alice'") \
            .fetchone()[0]
        db.close()
        t.is_(a.get("id"), str(uid), "id is alice's id, as a string")
        t.is_(a.get("username"), "alice", "username")
        t.is_(a.get("acct"), "alice", "acct")
        t.is_(a.get("display_name"), "Alice Example", "display_name")
        t.like(a.get("created_at"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
               r"(\.\d+)?Z$", "created_at is ISO 8601 UTC")
        t.like(a.get("avatar"), r"^http://127\.0\.0\.1:%d/" % srv.port,
               "avatar is an absolute URL under base_url")
        t.is_(a.get("url"), srv.url + "/@alice", "url is base_url/@alice")
        for key in ("locked", "bot", "note", "followers_count",
                    "following_count", "statuses_count", "emojis", "fields",
                    "source"):
            t.ok(key in a, "the Account has %s" % key)
        t.is_(r.set_cookie("hearth_session"), None,
              "a bearer request sets no session cookie")
        t.is_(r.set_cookie("hearth_csrf"), None, "... nor a CSRF cookie")

        r = c.me(srv.token("bob"))
        t.is_(r.json().get("username"), "bob", "bob's token is bob's")
        t.ok(r.json().get("role", {}).get("name"), "an admin has a role name")

        r = c.get("/api/v1/accounts/verify_credentials",
                  headers={"Authorization": "bearer " + token})
        t.status(r, 200, "the scheme name is case-insensitive")

        # Bad tokens.
        for label, value in [("garbage", "Bearer garbage"),
                             ("unknown token", "Bearer hat_" + "x" * 43),
                             ("tampered token", "Bearer " + token[:-1] +
                              ("A" if token[-1] != "A" else "B")),
                             ("empty token", "Bearer "),
                             ("huge token", "Bearer " + "x" * 4000)]:
            r = c.get("/api/v1/accounts/verify_credentials",
                      headers={"Authorization": value})
            t.status(r, 401, "%s: 401" % label)
            try:
                err = r.json().get("error")
            except ValueError:
                err = None
            t.ok(isinstance(err, str) and err, "%s: JSON {\"error\": ...}"
                 % label, r.summary())
        t.like(r.header("WWW-Authenticate") or "", r"^Bearer",
               "a 401 for a bad token has WWW-Authenticate: Bearer")

        r = c.get("/api/v1/accounts/verify_credentials")
        t.status(r, 401, "no credentials at all: 401")
        t.ok("error" in r.json(), "... with a JSON error")

        # Disabled person: their token stops working, and works again
        # when they are enabled.
        p = srv.ctl("user", "disable", "alice")
        t.is_(p.returncode, 0, "user disable exits 0")
        r = c.me(token)
        t.status(r, 401, "a disabled person's token is 401")
        t.ok("error" in r.json(), "... with a JSON error")
        p = srv.ctl("token", "create", "alice")
        t.is_(p.returncode, 1, "token create for a disabled person exits 1")
        srv.ctl("user", "enable", "alice")
        t.status(c.me(token), 200, "enabled again, the token works again")

        # Revocation.
        p = srv.ctl("token", "list", "alice")
        ids = re.findall(r"^\s*(\d+)\s", p.stdout, re.M)
        t.ok(p.returncode == 0 and ids, "token list shows alice's tokens",
             p.stdout + p.stderr)
        if ids:
            p = srv.ctl("token", "revoke", "alice", ids[0])
            t.is_(p.returncode, 0, "token revoke exits 0")
            t.status(c.me(token), 401, "a revoked token is 401")

        p = srv.ctl("token", "create", "nobody")
        t.is_(p.returncode, 1, "token create for an unknown user exits 1")


h.main(body)
