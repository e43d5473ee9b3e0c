"""Signing in through the company's identity systems, the parts that need
no outside server: an authenticating proxy's header (auth.proxy_header,
believed only from auth.proxy_addresses), auth.local = off | admins_only,
the config refusing typos and half-set providers, and leaving the company
(sessions, tokens, app grants and streams end at once; posts stay with a
former-employee mark; groups handed over; accounts linked by an admin).

Each case can run alone: make check
TESTS=tests/integration/test_identity.py CASE=proxy_signs_in
(or `python3 .../test_identity.py --list`)."""
import os
import urllib.parse

import harness as h
import streamclient as sc

PROXY = {"auth.proxy_header": "X-Remote-User",
         "auth.proxy_addresses": "127.0.0.1/32 ::1"}


def proxied(srv, who):
    """A browser behind the proxy, which names `who` on every request."""
    return srv.client(headers={"X-Remote-User": who})


def follow_signin(t, c, path="/"):
    """GET path behind the proxy: sent to /auth/proxy, signed in there,
    and back to path. The last response."""
    r = c.get(path)
    t.status(r, 303, "GET %s before signing in: sent to sign in" % path)
    loc = r.header("Location")
    t.like(loc, r"^/auth/proxy\?next=", "... through /auth/proxy")
    r = c.get(loc)
    t.status(r, 303, "/auth/proxy signs in")
    t.is_(r.header("Location"), path, "... and goes back to %s" % path)
    t.ok(c.session() is not None, "... with a session cookie")
    return c.get(path)


def check_config(t, name, lines, want):
    """hearthd --check-config refuses a config, naming what is wrong."""
    d = t.tmpdir()
    path = os.path.join(d, name)
    h.write_config(path, "data_dir = %s\n%s\n" % (os.path.join(d, "data"),
                                                  lines))
    p = h.run_hearthd("-t", "-c", path)
    t.is_(p.returncode, 2, "%s: exit 2" % name)
    t.like(p.stderr, want, "%s: the message says what is wrong" % name)


@h.case
def config_refusals(t, srv):
    """A typo or a half-set provider stops startup, naming file, line and
    key; it never silently switches a way of signing in on or off."""
    check_config(t, "typo.conf", "auth.oidc.isuer = https://idp.example",
                 r"typo\.conf:2: unknown key 'auth\.oidc\.isuer' "
                 r"\(did you mean 'auth\.oidc\.issuer'\?\)")
    check_config(t, "module.conf", "guidelines.requird = yes",
                 r"module\.conf:2: unknown key 'guidelines\.requird' "
                 r"\(module 'guidelines' is not enabled\)")
    check_config(t, "local.conf", "auth.local = sometimes",
                 r"local\.conf:2: key 'auth\.local': must be on, off or "
                 r"admins_only")
    check_config(t, "off.conf", "auth.local = off",
                 r"off\.conf: key 'auth\.local': off, but no other way")
    check_config(t, "noid.conf", "auth.oidc.issuer = https://idp.example",
                 r"key 'auth\.oidc\.client_id': needed")
    check_config(t, "nosecret.conf", "auth.oidc.issuer = https://idp.ex\n"
                 "auth.oidc.client_id = hearth",
                 r"key 'auth\.oidc\.client_secret': needed")
    check_config(t, "http.conf", "auth.oidc.issuer = http://idp.example\n"
                 "auth.oidc.client_id = hearth\n"
                 "auth.oidc.client_secret = s",
                 r"key 'auth\.oidc\.issuer': must be an https:// URL")
    check_config(t, "secretfile.conf",
                 "auth.oidc.client_secret_file = /nonexistent/secret",
                 r"secretfile\.conf:2: key 'auth\.oidc\.client_secret_file'"
                 r": cannot read /nonexistent/secret")
    check_config(t, "ldap.conf", "auth.ldap.url = ldap://dir.example\n"
                 "auth.ldap.base_dn = dc=example,dc=com",
                 r"key 'auth\.ldap\.url': must be ldaps://, or ldap:// "
                 r"with auth\.ldap\.starttls")
    check_config(t, "proxy.conf", "auth.proxy_header = X-Remote-User",
                 r"auth\.proxy_header and auth\.proxy_addresses go "
                 r"together")
    check_config(t, "proxyaddr.conf", "auth.proxy_header = X-Remote-User\n"
                 "auth.proxy_addresses = 10.0.0.0/99",
                 r"key 'auth\.proxy_addresses': .* at '10\.0\.0\.0/99'")


@h.case
def proxy_signs_in(t, srv):
    """Behind the proxy: the first visit makes the account (just in time)
    and a session; later visits are that person; a different name at the
    proxy means a different person, never the old session's."""
    with h.Server(t, name="proxied", **PROXY) as p:
        c = proxied(p, "grace.hopper@example.com")
        r = follow_signin(t, c)
        t.status(r, 200, "signed in, the home page shows")
        me = c.me().json()
        t.is_(me["username"], "grace_hopper", "the account is named after "
              "the proxy's user (before the @, cleaned)")
        t.like(p.ctl("user", "identities", "grace_hopper").stdout,
               r"proxy\s+grace\.hopper@example\.com",
               "... and tied to the proxy's name for her")
        r = c.get("/public")
        t.status(r, 200, "the next page needs no new sign-in")
        first = c.session()

        c2 = proxied(p, "grace.hopper@example.com")
        follow_signin(t, c2)
        t.is_(c2.me().json()["id"], me["id"], "a second browser of hers "
              "signs into the same account")

        c.headers["X-Remote-User"] = "alan@example.com"
        r = c.get("/")
        t.status(r, 303, "the proxy names someone else: sent to sign in "
                 "again, not shown grace's home")
        r = c.get(r.header("Location"))
        t.status(r, 303, "... signed in as alan")
        t.isnt(c.session(), first, "... with a new session")
        t.is_(c.me().json()["username"], "alan", "... who is alan")

        old = p.client()
        old.cookies = {"hearth_session": first}
        t.status(old.me(), 401, "grace's first session ended when her "
                 "browser signed in as alan")


@h.case
def proxy_needs_its_address(t, srv):
    """The header counts only from the configured proxy addresses: from
    anywhere else it is ignored."""
    conf = dict(PROXY)
    conf["auth.proxy_addresses"] = "10.9.9.9"
    with h.Server(t, name="elsewhere", **conf) as p:
        p.add_user("mallory")
        c = proxied(p, "mallory")
        r = c.get("/")
        t.status(r, 303, "a request with the header from elsewhere...")
        t.like(r.header("Location"), r"^/login", "... is sent to the "
               "password sign-in, not believed")
        r = c.get("/auth/proxy?next=/")
        t.status(r, 403, "/auth/proxy refuses a request that did not come "
                 "through the proxy")
        t.ok(c.session() is None, "... and starts no session")


@h.case
def proxy_never_takes_local_accounts(t, srv):
    """A local account is never taken over by a name at the proxy: the
    first sign-in gets an account of its own, until an admin links them."""
    with h.Server(t, name="takeover", **PROXY) as p:
        p.add_user("dave")
        c = proxied(p, "dave")
        follow_signin(t, c)
        t.isnt(c.me().json()["username"], "dave", "the proxy's 'dave' is "
               "not the local account dave")
        p.add_user("carol")
        r = p.ctl("user", "link", "carol", "--provider", "proxy",
                  "--subject", "carol.c@example.com")
        t.is_(r.returncode, 0, "hearthctl user link exits 0")
        c = proxied(p, "carol.c@example.com")
        follow_signin(t, c)
        t.is_(c.me().json()["username"], "carol", "linked by an admin, "
              "the proxy's carol.c signs into the local account carol")
        r = p.ctl("user", "link", "dave", "--provider", "proxy",
                  "--subject", "carol.c@example.com")
        t.is_(r.returncode, 1, "an identity already someone else's cannot "
              "be linked again")
        t.like(r.stderr, r"already belongs to another account", "... and "
               "hearthctl says why")
        r = p.ctl("user", "link", "dave", "--provider", "scim",
                  "--subject", "x")
        t.is_(r.returncode, 2, "SCIM identities are not linked by hand")
        p.add_user("root", admin=True)
        erin = p.people("erin")["erin"]
        a = p.client()
        t.status(a.login("root"), 303, "an admin signs in")
        r = a.post("/admin/people/%s/link" % erin.id, {
            "csrf": a.csrf("/admin/people"), "provider": "proxy",
            "subject": "erin.e@example.com"})
        t.status(r, 303, "the People page links erin to the proxy's "
                 "erin.e")
        c = proxied(p, "erin.e@example.com")
        follow_signin(t, c)
        t.is_(c.me().json()["username"], "erin", "... who then signs "
              "into erin's account")


@h.case
def local_modes(t, srv):
    """auth.local = admins_only keeps a password for break-glass admins
    only; off refuses every password (sign-in goes through the proxy)."""
    with h.Server(t, name="admins",
                  **dict(PROXY, **{"auth.local": "admins_only"})) as p:
        p.add_user("root", admin=True)
        p.add_user("member")
        b = p.client()
        r = b.get("/login")
        t.like(r.text, r"Administrator sign-in with a password",
               "the password form is folded away as the admins' way in")
        t.status(b.login("member"), 401, "a member's right password is "
                 "refused")
        t.status(b.login("root"), 303, "an admin's password signs in")
    with h.Server(t, name="off", **dict(PROXY, **{"auth.local": "off"})) as p:
        p.add_user("root", admin=True)
        b = p.client()
        r = b.get("/login")
        t.status(r, 200, "the sign-in page shows")
        t.unlike(r.text, r'type="password"', "... without a password form")
        r = b.post("/login", {"username": "root", "password": h.PASSWORD})
        t.status(r, 403, "a password post is refused, even an admin's")
        t.ok(b.session() is None, "... and starts no session")


@h.case
def leaving_ends_everything(t, srv):
    """Disabled (the one way to leave): the person's session, API token,
    app grants and open streams end at once; enabling them again brings
    none of it back."""
    with h.Server(t, name="leaving", env={"HEARTH_STREAM_HEARTBEAT": "1"}) \
            as p:
        p.add_user("alice")
        p.add_user("bob")
        c = p.client()
        t.status(c.login("alice"), 303, "alice signs in")
        tok = p.token("alice")
        s = sc.Stream(p.port, "/api/v1/streaming/user",
                      {"Authorization": "Bearer " + tok})
        t.is_(s.status, 200, "her stream opens")
        ws = sc.Stream(p.port, "/api/v1/streaming/public",
                       {"Authorization": "Bearer " + tok})
        t.is_(ws.status, 200, "a second stream opens")
        r = p.ctl("user", "disable", "alice")
        t.is_(r.returncode, 0, "hearthctl user disable exits 0")
        t.like(r.stdout, r"sessions, tokens and app grants were ended",
               "... and says what ended")
        t.status(c.me(), 401, "her session ends at once")
        t.status(c.me(tok), 401, "her API token ends at once")
        t.ok(s.wait_closed(10), "her open stream closes (disabled from "
             "another process: within a heartbeat)")
        t.ok(ws.wait_closed(10), "... every one of them")
        t.is_(p.ctl("user", "enable", "alice").returncode, 0,
              "enabled again")
        t.status(c.me(tok), 401, "the old token stays revoked")
        t.status(c.me(), 401, "the old session stays ended")


@h.case
def leaving_from_the_web_closes_streams_now(t, srv):
    """An admin disabling someone in the web UI closes their streams at
    once (the same process: no heartbeat to wait for)."""
    with h.Server(t, name="webleave") as p:
        p.add_user("root", admin=True)
        erin = p.people("erin")["erin"]
        s = sc.Stream(p.port, "/api/v1/streaming/user",
                      {"Authorization": "Bearer " + erin.token})
        t.is_(s.status, 200, "erin's stream opens")
        a = p.client()
        t.status(a.login("root"), 303, "the admin signs in")
        csrf = a.csrf("/admin/people")
        r = a.post("/admin/people/%s/disable" % erin.id, {"csrf": csrf,
                                                          "confirm": "yes"})
        t.status(r, 303, "the admin disables erin")
        t.ok(s.wait_closed(3), "erin's stream closes at once")
        t.status(a.get("/admin/people"), 200, "the admin is still signed "
                 "in")


@h.case
def former_employee_mark(t, srv):
    """Posts of someone who left stay, with the company's mark; the mark
    is configurable, and empty means none."""
    with h.Server(t, name="former",
                  **{"auth.former_employee_label": "Alumni"}) as p:
        pp = p.people("alice", "bob")
        pid = h.post_status(pp["alice"], "Last day, thank you all!",
                            visibility="public")["id"]
        bob = pp["bob"].token
        p.ctl("user", "disable", "alice")
        st = pp["bob"].get("/api/v1/statuses/" + pid)
        t.status(st, 200, "alice's post stays readable")
        t.is_(st.json()["account"]["hearth"].get("former_employee"),
              "Alumni", "her account carries the company's mark")
        b = p.client()
        b.login("bob")
        page = b.get("/public")
        t.like(page.text, r'<span class="badge former">Alumni</span>',
               "the web card shows the mark")
        r = pp["bob"].get("/api/v1/directory")
        t.ok("alice" not in [a["username"] for a in r.json()],
             "she is gone from the directory")
        m = h.post_status(pp["bob"], "Thanks @alice for everything")
        t.is_(m.get("mentions"), [], "a new post's @alice names nobody: "
              "she is gone from mentions")
        t.ok(bob, "bob has a token")
    with h.Server(t, name="nomark",
                  **{"auth.former_employee_label": ""}) as p:
        pp = p.people("alice", "bob")
        pid = h.post_status(pp["alice"], "Bye")["id"]
        p.ctl("user", "disable", "alice")
        st = pp["bob"].get("/api/v1/statuses/" + pid)
        t.ok("former_employee" not in st.json()["account"]["hearth"],
             "an empty label: no mark")


@h.case
def groups_handed_over(t, srv):
    """The groups someone ran go to whoever an admin names (hearthctl and
    the admin page); the new owner runs them, the old one does not."""
    def roles(c, gid):
        r = c.get("/api/v1/groups/%s/members" % gid)
        return {m["username"]: m.get("group_role") for m in r.json()}

    with h.Server(t, name="transfer") as p:
        p.add_user("root", admin=True)
        pp = p.people("alice", "bob", "carol")
        gids = []
        for name in ("Design", "Chess club"):
            r = pp["alice"].post("/api/v1/groups", json_body={
                "name": name, "visibility": "private"})
            t.status(r, 200, "alice creates %s" % name)
            gids.append(r.json()["id"])
        p.ctl("user", "disable", "alice")
        r = p.ctl("group", "transfer", "alice", "bob")
        t.is_(r.returncode, 0, "hearthctl group transfer exits 0")
        t.like(r.stdout, r"2 groups handed from alice to bob", "... and "
               "counts the groups")
        for gid in gids:
            t.status(pp["bob"].get("/api/v1/groups/" + gid), 200,
                     "bob sees the private group %s" % gid)
        t.is_(roles(pp["bob"], gids[0]).get("bob"), "admin",
              "bob runs the group now")
        r = p.ctl("group", "transfer", "bob", "bob")
        t.is_(r.returncode, 1, "handing groups to oneself is refused")
        a = p.client()
        a.login("root")
        r = a.post("/admin/people/%s/transfer-groups" % pp["bob"].id,
                   {"csrf": a.csrf("/admin/people"), "to": "carol"})
        t.status(r, 303, "the admin page hands bob's groups to carol")
        t.is_(roles(pp["carol"], gids[1]).get("carol"), "admin",
              "carol runs the group now")
        t.is_(roles(pp["carol"], gids[1]).get("bob"), "member",
              "bob is a plain member")


if __name__ == "__main__":
    h.main_cases()
