"""API tokens are remembered between requests (auth-memo.c), like
sessions. Each way a token stops working must count on the very next
request of an app that was just served from memory: revoking it on the
settings page, through /oauth/revoke, revoking the app that holds it, an
administrator disabling its person on the web, and hearthctl (another
process: stamp_sync) revoking it or disabling the person. Its scopes are
remembered with it.

Each case can run alone: make check
TESTS=tests/integration/test_remembered_tokens.py CASE=ctl_revoke
(or `python3 .../test_remembered_tokens.py --list`)."""
import contextlib
import itertools
import re
import time

import harness as h

_n = itertools.count(1)


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


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("root", admin=True)
        yield srv


def person(srv, base):
    """A person of the case's own (whose tokens and apps it ends): a
    username."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    return name


def browser(t, srv, name):
    c = srv.client()
    t.status(c.login(name), 303, name + " signs in")
    return c


@h.case
def settings_revoke(t, srv):
    """A token revoked on the settings page is refused at once."""
    name = person(srv, "alice")
    a = browser(t, srv, name)
    api = srv.client()
    tok = srv.token(name)
    remembered(t, api, tok, "alice's hearthctl token")
    r = a.get("/settings/tokens")
    tid = re.search(r'action="/settings/tokens/(\d+)/revoke"', r.text)
    t.ok(tid, "the settings page lists it")
    r = a.post("/settings/tokens/%s/revoke" % (tid.group(1) if tid else 0),
               {"csrf": h.form_field(r.text, "csrf")})
    t.status(r, 303, "alice revokes it")
    t.ok(not works(api, tok), "it is refused at once")


@h.case
def ctl_revoke(t, srv):
    """A token revoked by hearthctl, from another process, is refused at
    once."""
    name = person(srv, "alice")
    api = srv.client()
    p = srv.ctl("token", "create", name, "--label", "ci bot")
    tok = p.stdout.strip()
    remembered(t, api, tok, "a second token")
    p = srv.ctl("token", "revoke", name, token_id(srv, name, "ci bot"))
    t.is_(p.returncode, 0, "hearthctl token revoke")
    t.unlike(p.stderr, r"warning", "... tells hearthd without a warning")
    t.ok(not works(api, tok), "it is refused at once")


@h.case
def scopes_remembered(t, srv):
    """Its scopes come back with it: a read token stays a read token."""
    name = person(srv, "alice")
    api = srv.client()
    p = srv.ctl("token", "create", name, "--scopes", "read")
    tok = p.stdout.strip()
    remembered(t, api, tok, "a read-only token")
    hdr = {"Authorization": "Bearer " + tok}
    for i in range(2):
        r = api.post("/api/v1/statuses", {"status": "hi"}, headers=hdr)
        t.status(r, 403, "it may not post (%s)" % ("read", "remembered")[i])


@h.case
def oauth_revoke(t, srv):
    """An OAuth app's token revoked through /oauth/revoke is refused at
    once."""
    a = browser(t, srv, person(srv, "alice"))
    api = srv.client()
    tok, app = h.app_token(t, srv, a, name="Pocket", want_app=True)
    remembered(t, api, tok, "Pocket's token")
    r = api.post("/oauth/revoke", {"token": tok,
                                   "client_id": app["client_id"],
                                   "client_secret": app["client_secret"]})
    t.status(r, 200, "Pocket revokes its token")
    t.ok(not works(api, tok), "it is refused at once")


@h.case
def settings_app_revoke(t, srv):
    """An app revoked on the settings page: its token is refused at
    once."""
    a = browser(t, srv, person(srv, "alice"))
    api = srv.client()
    tok = h.app_token(t, srv, a, name="Desk")
    remembered(t, api, tok, "Desk's token")
    r = a.get("/settings/apps")
    aid = re.search(r'action="/settings/apps/(\d+)/revoke"', r.text)
    t.ok(aid, "the settings page lists Desk")
    r = a.post("/settings/apps/%s/revoke" % (aid.group(1) if aid else 0),
               {"csrf": h.form_field(r.text, "csrf")})
    t.status(r, 303, "alice revokes Desk")
    t.ok(not works(api, tok), "its token is refused at once")


@h.case
def admin_disables_on_web(t, srv):
    """An administrator disabling someone on the web: their token is
    refused at once."""
    name = person(srv, "bob")
    api = srv.client()
    tok = srv.token(name)
    remembered(t, api, tok, "bob's token")
    root = browser(t, srv, "root")
    page = root.get("/admin/people?q=" + name).text
    m = re.search(r'action="/admin/people/(\d+)/disable"', page)
    t.ok(m, "the admin page offers to disable bob")
    r = root.post("/admin/people/%s/disable" % (m.group(1) if m else 0),
                  {"csrf": h.form_field(page, "csrf"), "confirm": "yes"})
    t.status(r, 303, "root disables bob")
    t.ok(not works(api, tok), "bob's token is refused at once")


@h.case
def ctl_disable_enable(t, srv):
    """hearthctl disabling someone refuses their token at once; enabling
    them lets it work again."""
    name = person(srv, "carol")
    api = srv.client()
    tok = srv.token(name)
    remembered(t, api, tok, "carol's token")
    t.is_(srv.ctl("user", "disable", name).returncode, 0,
          "hearthctl user disable carol")
    t.ok(not works(api, tok), "carol's token is refused at once")
    t.is_(srv.ctl("user", "enable", name).returncode, 0,
          "hearthctl user enable carol")
    t.ok(not works(api, tok), "... and stays revoked once she is enabled "
         "(leaving ends every token)")


if __name__ == "__main__":
    h.main_cases(fixture)
