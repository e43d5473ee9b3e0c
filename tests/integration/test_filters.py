"""Filters (v2), as Mastodon's (issue 21 point 6): CRUD for filters,
their keywords and statuses; applied server-side: a hide filter leaves
matching posts out of the timelines, threads, notifications and streams
of its contexts, a warn (or blur) filter returns them with their
"filtered" results ([{filter, keyword_matches, status_matches}]); whole
words or not, case and accents folded; expired filters do nothing; nobody
reads another's filters.

Each case can run alone: make check TESTS=tests/integration/test_filters.py
CASE=crud (or `python3 .../test_filters.py --list`)."""
import contextlib
import itertools
import json
import time

import harness as h
from streamclient import Stream

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def people(srv, *names):
    n = next(_n)
    p = srv.people(*["%s%d" % (x, n) for x in names])
    return [p["%s%d" % (x, n)] for x in names]


def follow(a, b):
    r = a.post("/api/v1/accounts/%s/follow" % b.id)
    if r.status != 200:
        raise RuntimeError("follow: " + r.summary())


def make_filter(c, title, contexts, action="warn", keywords=(), **extra):
    body = {"title": title, "context": list(contexts),
            "filter_action": action,
            "keywords_attributes": [
                {"keyword": k, "whole_word": w} for k, w in keywords]}
    body.update(extra)
    r = c.post("/api/v2/filters", json_body=body)
    if r.status != 200:
        raise RuntimeError("filter: " + r.summary())
    return r.json()


def statuses(c, path):
    r = c.get(path)
    if r.status != 200:
        raise RuntimeError(path + ": " + r.summary())
    return {s["id"]: s for s in r.json()}


HOME = "/api/v1/timelines/home"
PUBLIC = "/api/v1/timelines/public"


@h.case
def crud(t, srv):
    """Filters with keywords: create (form and JSON), read, update,
    delete; keywords and statuses through their own endpoints."""
    alice, = people(srv, "alice")
    r = alice.post("/api/v2/filters", {
        "title": "Spoilers", "context[]": "home",
        "filter_action": "hide", "expires_in": "3600",
        "keywords_attributes[0][keyword]": "finale",
        "keywords_attributes[0][whole_word]": "false"})
    t.status(r, 200, "POST /api/v2/filters (a form): 200")
    f = r.json()
    t.ok(isinstance(f.get("id"), str), "an id, a string")
    t.is_((f["title"], f["context"], f["filter_action"]),
          ("Spoilers", ["home"], "hide"), "title, context, action")
    t.like(f.get("expires_at") or "", r"^\d{4}-\d\d-\d\dT", "expires_at")
    t.is_([(k["keyword"], k["whole_word"]) for k in f["keywords"]],
          [("finale", False)], "its keyword")
    t.is_(f["statuses"], [], "no statuses")
    g = make_filter(alice, "Work", ["home", "public", "thread"],
                    keywords=[("deadline", True), ("Überstunden", True)])
    t.is_(g["filter_action"], "warn", "JSON body; warn")
    t.is_(g["expires_at"], None, "no expiry")
    t.is_(sorted(g["context"]), ["home", "public", "thread"], "contexts")
    t.is_([x["id"] for x in alice.get("/api/v2/filters").json()],
          [f["id"], g["id"]], "GET /api/v2/filters: both")
    t.is_(alice.get("/api/v2/filters/" + f["id"]).json(), f, "GET one")
    kid = g["keywords"][0]["id"]
    r = alice.request("PUT", "/api/v2/filters/" + g["id"], json_body={
        "title": "Job", "context": ["notifications"],
        "filter_action": "blur", "keywords_attributes": [
            {"id": kid, "_destroy": True},
            {"keyword": "overtime", "whole_word": False}]})
    t.status(r, 200, "PUT: 200")
    g2 = r.json()
    t.is_((g2["title"], g2["context"], g2["filter_action"]),
          ("Job", ["notifications"], "blur"), "changed")
    t.is_(sorted(k["keyword"] for k in g2["keywords"]),
          ["overtime", "Überstunden"], "a keyword removed, one added")
    # keywords
    r = alice.post("/api/v2/filters/%s/keywords" % g["id"],
                   {"keyword": "crunch", "whole_word": "true"})
    t.status(r, 200, "POST keywords: 200")
    k = r.json()
    t.is_((k["keyword"], k["whole_word"]), ("crunch", True), "FilterKeyword")
    t.is_(alice.get("/api/v2/filters/keywords/" + k["id"]).json(), k,
          "GET a keyword")
    r = alice.request("PUT", "/api/v2/filters/keywords/" + k["id"],
                      form={"keyword": "crunchtime"})
    t.is_((r.json()["keyword"], r.json()["whole_word"]),
          ("crunchtime", True), "PUT a keyword")
    t.is_(len(alice.get("/api/v2/filters/%s/keywords" % g["id"]).json()),
          3, "GET a filter's keywords")
    t.is_(alice.request("DELETE", "/api/v2/filters/keywords/" +
                        k["id"]).json(), {}, "DELETE a keyword: {}")
    t.status(alice.get("/api/v2/filters/keywords/" + k["id"]), 404,
             "gone")
    # statuses
    s = h.post_status(alice, "a post to filter")
    r = alice.post("/api/v2/filters/%s/statuses" % g["id"],
                   {"status_id": s["id"]})
    t.status(r, 200, "POST statuses: 200")
    fs = r.json()
    t.is_(fs["status_id"], s["id"], "FilterStatus")
    t.status(alice.post("/api/v2/filters/%s/statuses" % g["id"],
                        {"status_id": s["id"]}), 422, "twice: 422")
    t.is_(alice.get("/api/v2/filters/statuses/" + fs["id"]).json(), fs,
          "GET a filter status")
    t.is_(alice.get("/api/v2/filters/%s/statuses" % g["id"]).json(), [fs],
          "GET a filter's statuses")
    t.is_(alice.request("DELETE", "/api/v2/filters/statuses/" +
                        fs["id"]).json(), {}, "DELETE a filter status")
    # validation
    t.status(alice.post("/api/v2/filters", json_body={
        "title": "", "context": ["home"]}), 422, "a blank title: 422")
    t.status(alice.post("/api/v2/filters", json_body={
        "title": "x", "context": []}), 422, "no context: 422")
    t.status(alice.post("/api/v2/filters", json_body={
        "title": "x", "context": ["everywhere"]}), 422,
        "an unknown context: 422")
    t.status(alice.post("/api/v2/filters", json_body={
        "title": "x", "context": ["home"], "filter_action": "burn"}), 422,
        "an unknown action: 422")
    r = alice.request("DELETE", "/api/v2/filters/" + f["id"])
    t.is_(r.json(), {}, "DELETE: {}")
    t.status(alice.get("/api/v2/filters/" + f["id"]), 404, "gone: 404")


@h.case
def access(t, srv):
    """Nobody reads, changes or deletes another's filters: 404."""
    alice, bob = people(srv, "alice", "bob")
    f = make_filter(alice, "Mine", ["home"], keywords=[("x", True)])
    kid = f["keywords"][0]["id"]
    s = h.post_status(bob, "bob's")
    for method, path, form in [
            ("GET", "/api/v2/filters/" + f["id"], None),
            ("PUT", "/api/v2/filters/" + f["id"], {"title": "his"}),
            ("DELETE", "/api/v2/filters/" + f["id"], None),
            ("GET", "/api/v2/filters/%s/keywords" % f["id"], None),
            ("POST", "/api/v2/filters/%s/keywords" % f["id"],
             {"keyword": "y"}),
            ("GET", "/api/v2/filters/keywords/" + kid, None),
            ("PUT", "/api/v2/filters/keywords/" + kid, {"keyword": "z"}),
            ("DELETE", "/api/v2/filters/keywords/" + kid, None),
            ("POST", "/api/v2/filters/%s/statuses" % f["id"],
             {"status_id": s["id"]})]:
        t.status(bob.request(method, path, form=form), 404,
                 "bob: %s %s is 404" % (method, path))
    t.is_(bob.get("/api/v2/filters").json(), [], "bob has none")
    t.is_(alice.get("/api/v2/filters/" + f["id"]).json(), f,
          "alice's unchanged")


@h.case
def whole_word(t, srv):
    """whole_word matches between word boundaries only; otherwise inside
    words; case and accents folded; content warnings and media too."""
    alice, bob = people(srv, "alice", "bob")
    follow(alice, bob)
    posts = {k: h.post_status(bob, v)["id"] for k, v in [
        ("word", "The CAT sat."), ("inside", "concatenate these"),
        ("accent", "Viele uberstunden heute"),
        ("accent2", "Keine Überstunden!"),
        ("dash", "a cat—dog"), ("none", "nothing here")]}
    cw = h.post_status(bob, "hidden text", spoiler_text="about a cat")["id"]
    make_filter(alice, "Cats", ["home"], keywords=[("cat", True)])
    make_filter(alice, "Over", ["home"], keywords=[("ÜBERSTUNDEN", True)])
    got = statuses(alice, HOME)

    def titles(pid):
        return sorted(r["filter"]["title"] for r in got[pid]["filtered"])
    t.is_(titles(posts["word"]), ["Cats"], "a whole word, any case")
    t.is_(titles(posts["inside"]), [], "not inside a word")
    t.is_(titles(posts["dash"]), ["Cats"], "beside a dash")
    t.is_(titles(cw), ["Cats"], "in a content warning")
    t.is_(titles(posts["accent"]), ["Over"], "accents folded (no Ü)")
    t.is_(titles(posts["accent2"]), ["Over"], "accents folded (Ü)")
    t.is_(titles(posts["none"]), [], "no match: filtered is []")
    make_filter(alice, "Part", ["home"], keywords=[("cat", False)])
    got = statuses(alice, HOME)
    t.ok("Part" in titles(posts["inside"]),
         "whole_word false: inside words too")
    r = got[posts["word"]]["filtered"]
    one = [x for x in r if x["filter"]["title"] == "Cats"][0]
    t.is_(one["keyword_matches"], ["cat"], "keyword_matches")
    t.is_(one["status_matches"], None, "status_matches null")
    t.is_(sorted(one["filter"]), ["context", "expires_at",
                                  "filter_action", "id", "title"],
          "the result's filter: a Filter without its rules")


@h.case
def hide_and_warn(t, srv):
    """hide leaves posts out; warn returns them with filtered."""
    alice, bob = people(srv, "alice", "bob")
    follow(alice, bob)
    a = h.post_status(bob, "talk about football")["id"]
    b = h.post_status(bob, "talk about tennis")["id"]
    c = h.post_status(bob, "talk about chess")["id"]
    make_filter(alice, "Ball", ["home", "public", "account", "thread"],
                action="hide", keywords=[("football", True)])
    make_filter(alice, "Racket", ["home", "public"], action="warn",
                keywords=[("tennis", True)])
    for path in (HOME, PUBLIC, "/api/v1/accounts/%s/statuses" % bob.id):
        got = statuses(alice, path)
        t.ok(a not in got, "%s: the hidden post is left out" % path)
        t.ok(c in got and got[c]["filtered"] == [], "%s: chess as is"
             % path)
    got = statuses(alice, HOME)
    t.is_(got[b]["filtered"][0]["filter"]["filter_action"], "warn",
          "the warned post comes with its result")
    got = statuses(alice, "/api/v1/accounts/%s/statuses" % bob.id)
    t.is_(got[b]["filtered"], [], "account context not set: no result")
    t.ok(a in statuses(bob, HOME), "bob's own home is unfiltered")
    r = alice.get(HOME + "?limit=1")
    t.is_(len(r.json()), 1, "limit 1: chess")
    # paging past a hidden post
    r = alice.get(HOME + "?limit=1&max_id=%s" % b)
    t.is_(r.json(), [], "a page of only the hidden post is empty...")
    t.like(r.header("Link") or "", "max_id=%s" % a,
           "... but its Link pages on past it")
    # threads
    reply = h.post_status(bob, "more football", in_reply_to_id=c)["id"]
    ctx = alice.get("/api/v1/statuses/%s/context" % c).json()
    t.ok(reply not in [s["id"] for s in ctx["descendants"]],
         "thread: the hidden reply is left out")
    # statuses filters
    f = make_filter(alice, "This one", ["home"], action="warn")
    alice.post("/api/v2/filters/%s/statuses" % f["id"], {"status_id": c})
    got = statuses(alice, HOME)
    r = [x for x in got[c]["filtered"] if x["filter"]["title"] ==
         "This one"][0]
    t.is_(r["status_matches"], [c], "status_matches names the post")
    t.is_(r["keyword_matches"], None, "keyword_matches null")


@h.case
def contexts_and_expiry(t, srv):
    """A filter acts only in its contexts; an expired one not at all;
    a change shows on the next read (the cache is dropped)."""
    alice, bob = people(srv, "alice", "bob")
    follow(alice, bob)
    p = h.post_status(bob, "budget meeting")["id"]
    f = make_filter(alice, "Budget", ["public"], action="hide",
                    keywords=[("budget", True)])
    t.ok(p in statuses(alice, HOME), "public only: still in home")
    t.ok(p not in statuses(alice, PUBLIC), "... not in public")
    alice.request("PUT", "/api/v2/filters/" + f["id"],
                  json_body={"context": ["home"]})
    t.ok(p not in statuses(alice, HOME), "changed to home: out of home")
    t.ok(p in statuses(alice, PUBLIC), "... back in public")
    alice.request("PUT", "/api/v2/filters/" + f["id"],
                  json_body={"expires_in": 1})
    t.ok(p not in statuses(alice, HOME), "expiring soon: still hidden")
    time.sleep(2.1)
    t.ok(p in statuses(alice, HOME), "expired: no longer applies")
    t.is_(len(alice.get("/api/v2/filters").json()), 1,
          "an expired filter is still listed")
    alice.request("PUT", "/api/v2/filters/" + f["id"],
                  json_body={"expires_in": None})
    t.ok(p not in statuses(alice, HOME), "no expiry again: hidden")
    alice.request("DELETE", "/api/v2/filters/" + f["id"])
    t.ok(p in statuses(alice, HOME), "deleted: back")


@h.case
def notifications_and_streams(t, srv):
    """Notifications and streams leave out what hide filters match."""
    alice, bob = people(srv, "alice", "bob")
    follow(alice, bob)
    make_filter(alice, "Noise", ["notifications", "home"], action="hide",
                keywords=[("noise", True)])
    make_filter(alice, "Careful", ["notifications", "home"],
                action="warn", keywords=[("careful", True)])
    user = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                  alice.token)
    time.sleep(0.3)
    me = "@" + alice.me().json()["acct"]
    n1 = h.post_status(bob, "%s noise again" % me)["id"]
    n2 = h.post_status(bob, "%s careful now" % me)["id"]
    n3 = h.post_status(bob, "%s plain" % me)["id"]
    got = user.until(lambda e: e[0] == "notification" and
                     json.loads(e[1])["status"]["id"] == n3)
    ups = [json.loads(d)["id"] for e, d in got if e == "update"]
    notes = [json.loads(d)["status"]["id"] for e, d in got
             if e == "notification"]
    t.ok(n1 not in ups and n1 not in notes,
         "stream: the hidden post neither as update nor notification")
    t.ok(n2 in ups and n3 in ups, "stream: the others come")
    warned = [json.loads(d) for e, d in got if e == "update" and
              json.loads(d)["id"] == n2]
    t.ok(warned and warned[0]["filtered"] and
         warned[0]["filtered"][0]["filter"]["title"] == "Careful",
         "stream: the warned post carries filtered")
    alice.post("/api/v2/filters", json_body={"title": "More",
                                             "context": ["home"]})
    got = user.until(lambda e: e[0] == "filters_changed")
    t.ok(any(e == "filters_changed" for e, d in got),
         "stream: a filter change sends filters_changed")
    user.close()
    ns = alice.get("/api/v1/notifications").json()
    ids = [n["status"]["id"] for n in ns if n.get("status")]
    t.ok(n1 not in ids, "notifications: the hidden one is left out")
    t.ok(n2 in ids and n3 in ids, "notifications: the others are there")
    web = srv.client()
    web.login(alice.me().json()["username"])
    page = web.get("/notifications").text
    t.ok("noise again" not in page and "plain" in page,
         "the notifications page leaves the hidden one out too")
    c = [n for n in ns if n.get("status") and n["status"]["id"] == n2][0]
    t.is_(c["status"]["filtered"][0]["filter"]["title"], "Careful",
          "a notification's status carries filtered")


@h.case
def v1_compat(t, srv):
    """/api/v1/filters: a filter per keyword, as Mastodon keeps it."""
    alice, bob = people(srv, "alice", "bob")
    follow(alice, bob)
    p = h.post_status(bob, "the quarterly report")["id"]
    r = alice.post("/api/v1/filters", {"phrase": "quarterly",
                                       "context[]": "home",
                                       "irreversible": "true",
                                       "whole_word": "true"})
    t.status(r, 200, "POST /api/v1/filters: 200")
    f = r.json()
    t.is_((f["phrase"], f["context"], f["irreversible"], f["whole_word"],
           f["expires_at"]), ("quarterly", ["home"], True, True, None),
          "a v1 Filter")
    t.ok(p not in statuses(alice, HOME), "irreversible: hidden")
    v2 = alice.get("/api/v2/filters").json()
    t.is_((v2[0]["title"], v2[0]["filter_action"],
           v2[0]["keywords"][0]["id"]), ("quarterly", "hide", f["id"]),
          "seen through v2: a hide filter, the keyword's id")
    g = make_filter(alice, "Two", ["public"], keywords=[
        ("alpha", True), ("beta", False)])
    t.is_(sorted(x["phrase"] for x in alice.get("/api/v1/filters").json()),
          ["alpha", "beta", "quarterly"], "GET: one per keyword")
    r = alice.request("PUT", "/api/v1/filters/" + f["id"], form={
        "phrase": "annual", "irreversible": "false"})
    t.status(r, 200, "PUT: 200")
    t.is_((r.json()["phrase"], r.json()["irreversible"]),
          ("annual", False), "changed")
    t.ok(p in statuses(alice, HOME), "no longer matching: back")
    t.is_(alice.get("/api/v1/filters/" + f["id"]).json(), r.json(),
          "GET one")
    t.status(bob.get("/api/v1/filters/" + f["id"]), 404,
             "another's: 404")
    t.is_(alice.request("DELETE", "/api/v1/filters/" +
                        f["id"]).json(), {}, "DELETE: {}")
    t.is_([x["id"] for x in alice.get("/api/v2/filters").json()],
          [g["id"]], "its filter went with its only keyword")
    beta = [k for k in g["keywords"] if k["keyword"] == "beta"][0]
    alice.request("DELETE", "/api/v1/filters/" + beta["id"])
    t.is_(len(alice.get("/api/v2/filters/" + g["id"]).json()["keywords"]),
          1, "a filter with a keyword left stays")


if __name__ == "__main__":
    h.main_cases(fixture)
