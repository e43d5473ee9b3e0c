"""Post cards that survive a restart (issue 22, point 1; card-save.c,
schema 0028): a clean shutdown writes the cards in memory to saved_cards,
and the next start reads them back before it listens. A saved card is a
hint: a page after the restart is the page before it (each reader's own
CSRF token and way back filled in with this run's markers); a card whose
post changed while hearthd was down is rendered anew; rows of another
build (program, templates, catalogues, config) are not read back, nor
those of a run whose files changed under it; a crash
saves nothing and the cards are rendered as before.

Each case can run alone: make check TESTS=tests/integration/test_saved_cards.py
CASE=restart_keeps_cards (or `python3 .../test_saved_cards.py --list`)."""
import contextlib
import itertools
import re
import signal
import sqlite3

import harness as h

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def card(html, pid):
    m = re.search(r'<article class="post" id="post-%s">.*?</article>' % pid,
                  html, re.S)
    return m.group(0) if m else ""


def steady(html):
    """A page without what changes from one request to the next: relative
    times (the clock) and CSRF tokens (checked on their own)."""
    html = re.sub(r'data-ago>[^<]*<', 'data-ago><', html)
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf"', html)


def world(t, srv):
    """alice posts three times; bob follows her and reads his home page
    signed in, so her cards are in memory. (alice's API client, bob's web
    client, the post ids)"""
    n = next(_n)
    alice, bob = "alice%d" % n, "bob%d" % n
    p = srv.people(alice, bob)
    ids = [h.post_status(p[alice], "card *%d* of %s" % (i, alice))["id"]
           for i in range(3)]
    p[bob].post("/api/v1/accounts/%s/follow" % p[alice].id)
    web = srv.client()
    t.status(web.login(bob), 303, "bob signs in")
    page = web.get("/").text
    t.ok(all(card(page, i) for i in ids), "bob's home shows alice's cards")
    p[alice].name = alice
    return p[alice], web, ids, bob


def restart(srv, clients=(), sig=signal.SIGTERM):
    """Stop (SIGTERM: clean, saves; SIGKILL: a crash) and start on the same
    config: the same port, so the same base_url (a config of its own would
    be another build, whose cards are not read back)."""
    if sig == signal.SIGKILL:
        srv.kill()
    else:
        srv.stop()
    srv.spawn()
    if not srv.wait_ready():
        raise RuntimeError("hearthd did not come back: " + srv.log())


def read_back(srv, since=0):
    m = re.findall(r"cards: read back (\d+) post cards", srv.log()[since:])
    return int(m[-1]) if m else 0


@h.case
def restart_keeps_cards(t, srv):
    """The same page after a clean restart, from cards read back, with
    this run's markers filled in: bob's own CSRF token, no marker left."""
    alice, web, ids, bob = world(t, srv)
    before = web.get("/").text
    restart(srv)
    t.like(srv.log(), r"cards: saved \d+ post cards",
           "the clean shutdown saved the cards")
    t.ok(read_back(srv) >= 3, "the start read them back (%d)" %
         read_back(srv))
    with sqlite3.connect(srv.db) as db:
        rows = db.execute("SELECT count(*) FROM saved_cards").fetchone()[0]
    t.ok(rows >= 3, "saved_cards holds them (%d rows)" % rows)
    after = web.get("/")
    t.status(after, 200, "bob's home after the restart")
    t.is_(steady(card(after.text, ids[0])), steady(card(before, ids[0])),
          "a card is the same as before the restart")
    t.is_(steady(after.text).count("<article"),
          steady(before).count("<article"), "as many cards as before")
    token = h.form_field(after.text, "csrf")
    forms = re.findall(r'name="csrf" value="([^"]*)"', card(after.text,
                                                           ids[1]))
    t.ok(forms and all(f == token for f in forms),
         "the card's forms carry bob's CSRF token of this run")
    t.ok("\x01" not in after.text, "no marker is left in the page")
    r = web.post("/@%s/%s/favourite" % (alice.name, ids[1]),
                 {"csrf": forms[0] if forms else "", "next": "/"})
    t.ok(r.status in (200, 303), "a card's form works (%d)" % r.status)


@h.case
def changed_while_down(t, srv):
    """A post whose counts changed while hearthd was down (another
    process) is rendered anew: the saved card's tag no longer matches."""
    alice, web, ids, bob = world(t, srv)
    srv.stop()
    seen = len(srv.log())
    with sqlite3.connect(srv.db) as db:
        db.execute("UPDATE posts SET favourites_count = 41 WHERE id = ?",
                   (int(ids[2]),))
    srv.spawn()
    t.ok(srv.wait_ready(), "hearthd starts again")
    t.ok(read_back(srv, seen) >= 3, "the cards were read back")
    c = card(web.get("/").text, ids[2])
    t.like(c, r'<span class="count">41</span>',
           "the changed post shows its new count, not the saved card's")


@h.case
def other_build_not_read(t, srv):
    """Rows another build saved (another program, template, catalogue or
    config) are not read back."""
    alice, web, ids, bob = world(t, srv)
    srv.stop()
    with sqlite3.connect(srv.db) as db:
        n = db.execute("UPDATE saved_cards SET build = build + 1").rowcount
    t.ok(n >= 3, "the saved rows are made another build's")
    seen = len(srv.log())
    srv.spawn()
    t.ok(srv.wait_ready(), "hearthd starts again")
    t.is_(read_back(srv, seen), 0, "none read back")
    page = web.get("/").text
    t.ok(all(card(page, i) for i in ids), "the cards are rendered anew")


@h.case
def changed_while_running(t, srv):
    """Files that changed while hearthd ran (a package upgrade replaces
    them, an admin edits hearth.conf, then each restarts) do not make the
    old run's cards the new run's: they are saved under the build that
    rendered them, so the next start reads none back."""
    alice, web, ids, bob = world(t, srv)
    with open(srv.conf, "a") as f:
        f.write("# edited while hearthd ran\n")
    seen = len(srv.log())
    restart(srv)
    t.like(srv.log()[seen:], r"cards: saved \d+ post cards",
           "the shutdown saved the cards")
    t.is_(read_back(srv, seen), 0, "the start with the edited config "
          "read none back")
    page = web.get("/").text
    t.ok(all(card(page, i) for i in ids), "the cards are rendered anew")


@h.case
def crash_saves_nothing(t, srv):
    """A crash writes nothing; the cards are rendered as before it."""
    alice, web, ids, bob = world(t, srv)
    seen = len(srv.log())
    restart(srv, sig=signal.SIGKILL)
    t.unlike(srv.log()[seen:], r"cards: saved", "nothing was saved")
    page = web.get("/")
    t.status(page, 200, "bob's home after the crash")
    t.ok(all(card(page.text, i) for i in ids), "with alice's cards")


if __name__ == "__main__":
    h.main_cases(fixture)
