"""A guided start: the company-wide group (groups.default) everyone is in,
made at start with whoever is there and joined by each person made after
(hearthctl, the admin's web form, just in time at a first sign-in), leaving it allowed; the welcome
checklist on home, each step done from real state, with colleagues of the
same department and groups to join, put away and brought back; a home with
nothing to read falling back to the company stream, said so.

Each case can run alone: make check TESTS=tests/integration/test_welcome.py
CASE=checklist_steps (or `python3 .../test_welcome.py --list`)."""
import contextlib
import itertools
import os
import re
import sqlite3

import harness as h

_n = itertools.count(1)
COMPANY = "Everyone at Acme"


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **{"groups.default": COMPANY}) as srv:
        srv.add_user("root", admin=True)
        yield srv


def fresh(t, srv, base="new"):
    """A newly made person of the case's own, signed in: (name, browser)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name, display_name=name.capitalize())
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, c


def company_id(t, c):
    """The company-wide group's id, from the groups page of c."""
    r = c.get("/groups")
    m = re.search(r'href="/groups/(\d+)"[^>]*>%s<' % re.escape(COMPANY),
                  r.text)
    t.ok(m is not None, "the company-wide group is listed")
    return m.group(1) if m else "0"


def set_profile(t, c, **fields):
    r = c.get("/settings/profile")
    form = {"csrf": h.form_field(r.text, "csrf")}
    for f in ("display_name", "job_title", "department"):
        v = h.form_field(r.text, f)
        form[f] = v if v is not None else ""
    form.update(fields)
    r = c.post("/settings/profile", form)
    t.ok(r.status in (200, 303), "the profile is saved (%d)" % r.status)


def steps(text):
    """{step id: done} of the checklist on a home page."""
    return {m.group(2): m.group(1) == " done" for m in re.finditer(
        r'<li class="step( done)?" data-step="(\w+)">', text)}


@h.case
def default_group_members(t, srv):
    """Everyone made before start and after (hearthctl, the admin's web
    form) is a member; a member may leave and stays out."""
    # Made by hearthctl while hearthd runs.
    name, c = fresh(t, srv)
    gid = company_id(t, c)
    r = c.get("/groups/%s" % gid)
    t.status(r, 200, "the company group's page is 200")
    t.like(r.text, r'action="/groups/%s/leave"' % gid,
           "%s made by hearthctl is a member (may leave)" % name)
    # Made by an admin on the web.
    root = srv.client()
    t.status(root.login("root"), 303, "root signs in")
    tok = root.csrf("/admin/people")
    who = "webmade%d" % next(_n)
    r = root.post("/admin/people", {"csrf": tok, "username": who,
                                    "display_name": "Web Made",
                                    "password": h.PASSWORD})
    t.ok(r.status in (200, 303), "root makes %s on the web" % who)
    w = srv.client()
    t.status(w.login(who), 303, "%s signs in" % who)
    r = w.get("/groups/%s" % gid)
    t.like(r.text, r'action="/groups/%s/leave"' % gid,
           "%s made on the web is a member" % who)
    api = w.get("/api/v1/accounts/verify_credentials")
    t.status(api, 200, "the API still answers for them")
    # Leaving is allowed, and nothing brings them back on a restart.
    r = c.post("/groups/%s/leave" % gid, {"csrf": c.csrf("/groups")})
    t.status(r, 303, "%s leaves the company group" % name)
    srv.stop()
    srv.start()
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in again" % name)
    r = c.get("/groups/%s" % gid)
    t.like(r.text, r'action="/groups/%s/join"' % gid,
           "after a restart %s is still out" % name)


@h.case
def default_group_just_in_time(t, srv):
    """An account made just in time at a first sign-in (here behind an
    authenticating proxy; OpenID Connect, LDAP and SCIM make theirs with
    the same user_create) joins the company group."""
    with h.Server(t, **{"groups.default": COMPANY,
                        "auth.proxy_header": "X-Remote-User",
                        "auth.proxy_addresses": "127.0.0.1/32 ::1"}) as own:
        c = own.client(headers={"X-Remote-User": "jit"})
        r = c.get("/")
        t.status(r, 303, "signed out: sent to sign in")
        r = c.get(r.header("Location"))
        t.status(r, 303, "/auth/proxy makes the account and signs in")
        gid = company_id(t, c)
        r = c.get("/groups/%s" % gid)
        t.like(r.text, r'action="/groups/%s/leave"' % gid,
               "the account made just in time is a member")
        t.like(c.get("/").text, r'id="welcome"',
               "... and gets the welcome checklist")


@h.case
def made_at_start(t, srv):
    """A server with people and no company group gets one at start with
    all of them in it; groups.default empty means none."""
    with h.Server(t) as own:
        own.add_user("early", display_name="Early Bird")
        c = own.client()
        t.status(c.login("early"), 303, "early signs in")
        t.unlike(c.get("/groups").text, re.escape(COMPANY),
                 "no company group while groups.default is empty")
        own.stop()
        own.config["groups.default"] = COMPANY
        own.start()
        c = own.client()
        t.status(c.login("early"), 303, "early signs in after the restart")
        gid = company_id(t, c)
        r = c.get("/groups/%s" % gid)
        t.like(r.text, r'action="/groups/%s/leave"' % gid,
               "the person made before is in the group made at start")


@h.case
def checklist_steps(t, srv):
    """Each step is done from real state: a job title, follows, groups
    (the company one not counted), a post; suggestions come from the
    same department; all done, the checklist goes."""
    dept = "Dept%d" % next(_n)
    peers = []
    for i in range(4):
        p, pc = fresh(t, srv, "peer")
        set_profile(t, pc, department=dept, job_title="Peer %d" % i)
        peers.append(p)
    other, oc = fresh(t, srv, "elsewhere")
    set_profile(t, oc, department="Other" + dept)
    name, c = fresh(t, srv)
    set_profile(t, c, department=dept)
    r = c.get("/")
    t.status(r, 200, "home is 200")
    t.like(r.text, r'<section class="card welcome" id="welcome"',
           "a newcomer gets the welcome checklist")
    s = steps(r.text)
    t.is_(sorted(s), ["follow", "groups", "hello", "photo", "title"],
          "five steps")
    t.ok(not any(s.values()), "none done yet")
    t.like(r.text, r"0 of 5 done", "the progress says so")
    t.like(r.text, r"People in %s you could follow" % dept,
           "colleagues of the same department are suggested")
    for p in peers[:3]:
        t.like(r.text, r'action="/@%s/follow"' % p,
               "... with a follow button for %s" % p)
    t.unlike(r.text, r'action="/@%s/follow"' % other,
             "someone of another department is not suggested")

    set_profile(t, c, department=dept, job_title="Newcomer")
    tok = c.csrf("/")
    for p in peers[:3]:
        r = c.post("/@%s/follow" % p, {"csrf": tok, "next": "/#welcome"})
        t.status(r, 303, "follows %s" % p)
        t.is_(r.header("Location"), "/#welcome", "... and goes back home")
    s = steps(c.get("/").text)
    t.ok(s["title"] and s["follow"], "title and follows are done")
    t.ok(not s["groups"], "groups not yet (the company group not counted)")

    gids = []
    for i in range(3):
        g = "Club %d-%d" % (next(_n), i)
        r = oc.post("/groups", {"csrf": oc.csrf("/groups"), "name": g,
                                "visibility": "open"})
        t.status(r, 303, "someone makes %s" % g)
        gids.append(r.header("Location").rsplit("/", 1)[1])
    r = c.get("/")
    for g in gids:
        t.like(r.text, r'action="/groups/%s/join"' % g,
               "open group %s is suggested" % g)
    for g in gids:
        r = c.post("/groups/%s/join" % g, {"csrf": tok, "next": "/#welcome"})
        t.status(r, 303, "joins group %s" % g)
    s = steps(c.get("/").text)
    t.ok(s["groups"], "three groups joined: done")
    h.post_status(srv.client(headers={"Authorization": "Bearer " +
                                      srv.token(name)}), "Hello everyone!")
    r = c.get("/")
    s = steps(r.text)
    t.ok(s["hello"], "a post: said hello")
    t.like(r.text, r"4 of 5 done", "four of five")
    t.ok(not s["photo"], "no photo yet")


@h.case
def checklist_dismiss(t, srv):
    """Hide puts it away for this person only (CSRF checked); it can be
    brought back."""
    name, c = fresh(t, srv)
    other, oc = fresh(t, srv)
    r = c.post("/welcome/dismiss", {})
    t.status(r, 403, "dismissing without a CSRF token is 403")
    r = c.post("/welcome/dismiss", {"csrf": c.csrf("/")})
    t.status(r, 303, "dismissed")
    r = c.get("/")
    t.unlike(r.text, r'id="welcome"', "the checklist is gone")
    t.like(r.text, r'action="/welcome/restore"', "... it can come back")
    t.like(oc.get("/").text, r'id="welcome"', "others still have theirs")
    r = c.post("/welcome/restore", {"csrf": c.csrf("/")})
    t.status(r, 303, "restored")
    t.like(c.get("/").text, r'id="welcome"', "the checklist is back")


@h.case
def checklist_newcomers_only(t, srv):
    """Someone who has been here longer than 30 days gets no checklist."""
    name, c = fresh(t, srv, "veteran")
    db = sqlite3.connect(os.path.join(srv.data_dir, "hearth.db"), timeout=10)
    with db:
        db.execute("UPDATE users SET created_at = created_at - 31 * 86400 "
                   "WHERE username = ?", (name,))
    db.close()
    r = c.get("/")
    t.unlike(r.text, r'id="welcome"', "no checklist for a veteran")
    t.unlike(r.text, r'action="/welcome/restore"', "... nor a way back")


@h.case
def home_fallback(t, srv):
    """Following nobody with nothing in the feed, home shows the company
    stream and says so; once the feed has posts, it does not."""
    author, ac = fresh(t, srv, "author")
    tc = srv.client(headers={"Authorization": "Bearer " + srv.token(author)})
    text = "Company news %d" % next(_n)
    h.post_status(tc, text)
    name, c = fresh(t, srv)
    r = c.get("/")
    t.like(r.text, r'id="stream-fallback"', "the fallback is said")
    t.like(r.text, re.escape(text), "the company's public post is shown")
    r = c.post("/@%s/follow" % author, {"csrf": c.csrf("/")})
    t.status(r, 303, "follows the author")
    r = c.get("/")
    t.unlike(r.text, r'id="stream-fallback"', "a real feed: no fallback")
    t.like(r.text, re.escape(text), "the post is there from the follow")


if __name__ == "__main__":
    h.main_cases(fixture)
