"""
Pagination edges and entity shapes. Home timelines come from the in-memory
feed or, past what it holds, from the database: both must page the same
way. max_id, since_id, min_id and limit behave as Mastodon's, Link headers
lead to the next and previous pages, and entities have every required
attribute with string ids.

Each case can run alone: make check TESTS=tests/integration/test_pagination.py
CASE=ids_bound_pages (or `python3 .../test_pagination.py --list`). The
fixture's 850 posts take a while to write, so the cases share them and
only read.
"""
import contextlib
import re
import types
import urllib.parse

import harness as h

STATUS_KEYS = {
    "id": str, "uri": str, "url": str, "created_at": str, "account": dict,
    "content": str, "visibility": str, "sensitive": bool,
    "spoiler_text": str, "media_attachments": list, "mentions": list,
    "tags": list, "emojis": list, "reblogs_count": int,
    "favourites_count": int, "replies_count": int, "favourited": bool,
    "reblogged": bool, "muted": bool, "bookmarked": bool,
}
ACCOUNT_KEYS = {
    "id": str, "username": str, "acct": str, "display_name": str,
    "locked": bool, "bot": bool, "created_at": str, "note": str, "url": str,
    "avatar": str, "avatar_static": str, "header": str,
    "header_static": str, "followers_count": int, "following_count": int,
    "statuses_count": int, "emojis": list, "fields": list,
}


def shape(t, what, obj, keys):
    bad = [k for k, ty in keys.items()
           if k not in obj or not isinstance(obj[k], ty)]
    t.ok(not bad, "%s has every required attribute, rightly typed" % what,
         "missing or mistyped: %s" % bad)


def links(resp):
    """The Link header as {rel: (path, query dict)}."""
    out = {}
    for part in (resp.header("Link") or "").split(","):
        m = re.search(r'<([^>]+)>;\s*rel="(\w+)"', part)
        if m:
            u = urllib.parse.urlsplit(m.group(1))
            out[m.group(2)] = (u.path, dict(urllib.parse.parse_qsl(u.query)))
    return out


@contextlib.contextmanager
def fixture(t):
    """ann follows bob, who then writes 850 posts #paging. A namespace:
    api(method, path, token, form), the tokens ann and bob, bob_id, ids
    (as written) and newest (newest first)."""
    # A small feed cache is not needed: FEED_CAP is 800, so 850 posts put
    # the oldest pages past the feed, into the database path.
    with h.Server(t, threads=2) as srv:
        srv.add_user("ann")
        srv.add_user("bob")
        fx = types.SimpleNamespace(ann=srv.token("ann"),
                                   bob=srv.token("bob"))
        c = srv.client()

        def api(method, path, tok, form=None):
            return c.request(method, path, form=form, cookies=False,
                             headers={"Authorization": "Bearer " + tok})
        fx.api = api
        ann, bob = fx.ann, fx.bob
        fx.bob_id = api("GET", "/api/v1/accounts/verify_credentials",
                        bob).json()["id"]
        t.status(api("POST", "/api/v1/accounts/%s/follow" % fx.bob_id,
                     ann), 200, "ann follows bob")
        # Warm ann's feed first, so the posts arrive by fan-out too.
        api("GET", "/api/v1/timelines/home", ann)
        ids = []
        for i in range(850):
            r = api("POST", "/api/v1/statuses", bob,
                    {"status": "post %d #paging" % i})
            if r.status != 200:
                raise RuntimeError("bob's post #%d failed: %s"
                                   % (i, r.summary()))
            ids.append(int(r.json()["id"]))
        t.ok(True, "bob wrote 850 posts")
        fx.ids, fx.newest = ids, sorted(ids, reverse=True)
        yield fx


@h.case
def home_walk(t, fx):
    """Walking the home timeline by Link next returns every post once,
    across the feed in memory and the database."""
    api, ann, newest = fx.api, fx.ann, fx.newest
    # Pages of 40: the first 800 come from the feed in memory, the rest
    # from the database.
    seen, path = [], "/api/v1/timelines/home?limit=40"
    for _ in range(30):
        r = api("GET", path, ann)
        page = [int(s["id"]) for s in r.json()]
        if not page:
            break
        seen += page
        nxt = links(r).get("next")
        t.ok(nxt is not None, "page of %d has a next link" % len(page))
        path = nxt[0] + "?" + urllib.parse.urlencode(nxt[1])
    t.is_(seen, newest, "walking next links returns every post once, "
          "newest first, across the feed and the database")


@h.case
def ids_bound_pages(t, fx):
    """max_id, since_id and min_id, in the feed and below it, and the
    prev link; past the oldest is an empty page."""
    api, ann, newest, ids = fx.api, fx.ann, fx.newest, fx.ids
    r = api("GET", "/api/v1/timelines/home?limit=5&max_id=%d"
            % newest[10], ann)
    t.is_([int(s["id"]) for s in r.json()], newest[11:16],
          "max_id: the five just older than it")
    r = api("GET", "/api/v1/timelines/home?limit=5&since_id=%d"
            % newest[10], ann)
    t.is_([int(s["id"]) for s in r.json()], newest[:5],
          "since_id: the newest five above it")
    r = api("GET", "/api/v1/timelines/home?limit=5&min_id=%d"
            % newest[10], ann)
    t.is_([int(s["id"]) for s in r.json()], newest[5:10],
          "min_id: the five just newer than it, newest first")
    r = api("GET", "/api/v1/timelines/home?limit=5&min_id=%d"
            % newest[-30], ann)
    t.is_([int(s["id"]) for s in r.json()], newest[-35:-30],
          "min_id below the feed: from the database, same answer")
    r = api("GET", "/api/v1/timelines/home?limit=5&max_id=%d&since_id=%d"
            % (newest[10], newest[13]), ann)
    t.is_([int(s["id"]) for s in r.json()], newest[11:13],
          "max_id and since_id together bound both ends")
    prev = links(r).get("prev")
    t.ok(prev and prev[1].get("min_id") == str(newest[11]),
         "the prev link asks for min_id of the newest on the page")
    t.is_(api("GET", "/api/v1/timelines/home?max_id=%d" % min(ids),
              ann).json(), [], "past the oldest: an empty page")
    t.is_(links(api("GET", "/api/v1/timelines/home?max_id=%d"
                    % min(ids), ann)), {}, "... with no Link header")


@h.case
def limit_edges(t, fx):
    """limit is capped at 40 and defaults to 20; bad values are 400;
    Link keeps the other parameters."""
    api, ann = fx.api, fx.ann
    t.is_(len(api("GET", "/api/v1/timelines/home?limit=1000",
                  ann).json()), 40, "limit is capped at 40")
    t.is_(len(api("GET", "/api/v1/timelines/home", ann).json()), 20,
          "the default limit is 20")
    for bad in ("limit=0", "limit=-3", "limit=x", "max_id=abc",
                "since_id=-1"):
        r = api("GET", "/api/v1/timelines/home?" + bad, ann)
        t.status(r, 400, "%s is a 400 with a message" % bad)
        t.ok("error" in r.json(), "... as JSON")
    r = api("GET", "/api/v1/timelines/public?limit=3&local=true", ann)
    nxt = links(r).get("next")
    t.ok(nxt and nxt[1].get("local") == "true" and
         nxt[1].get("limit") == "3", "Link keeps the other parameters")


@h.case
def public_booleans_as_rails_reads_them(t, fx):
    """only_media and remote are booleans as Mastodon (Rails) reads them:
    Mastodon.py sends only_media=1, which once gave every post."""
    api, ann = fx.api, fx.ann
    for q in ("only_media=1", "only_media=true", "only_media=on",
              "remote=1", "remote=True"):
        r = api("GET", "/api/v1/timelines/public?limit=3&" + q, ann)
        t.is_((r.status, r.json()), (200, []), "%s: an empty page" % q)
    for q in ("only_media=0", "only_media=false", "remote=0"):
        r = api("GET", "/api/v1/timelines/public?limit=3&" + q, ann)
        t.is_(len(r.json()), 3, "%s: the company stream" % q)


@h.case
def streams_page_alike(t, fx):
    """The company stream and the tag stream page through every post."""
    api, bob, newest = fx.api, fx.bob, fx.newest
    for name, base in (("company", "/api/v1/timelines/public"),
                       ("tag", "/api/v1/timelines/tag/paging")):
        got, path = [], base + "?limit=40"
        for _ in range(30):
            r = api("GET", path, bob)
            page = [int(s["id"]) for s in r.json()]
            if not page:
                break
            got += page
            nxt = links(r)["next"]
            path = nxt[0] + "?" + urllib.parse.urlencode(nxt[1])
        t.is_(got, newest, "the %s stream pages through every post"
              % name)


@h.case
def entity_shapes(t, fx):
    """Status, Account, Relationship and Notification have every
    required attribute, with string ids."""
    api, ann, bob, newest = fx.api, fx.ann, fx.bob, fx.newest
    s = api("GET", "/api/v1/statuses/%d" % newest[0], ann).json()
    shape(t, "Status", s, STATUS_KEYS)
    shape(t, "Status.account", s["account"], ACCOUNT_KEYS)
    t.ok(s["in_reply_to_id"] is None and s["reblog"] is None and
         "group" in s, "null attributes are present as null")
    t.like(s["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$",
           "created_at is ISO 8601 with milliseconds")
    r = api("GET", "/api/v1/accounts/relationships?id[]=%s" % fx.bob_id,
            ann)
    rel = r.json()[0]
    t.ok(isinstance(rel["id"], str) and rel["following"] is True and
         rel["followed_by"] is False, "Relationship shape and values")
    n = api("GET", "/api/v1/notifications", bob).json()
    t.ok(n and isinstance(n[0]["id"], str) and n[0]["type"] == "follow"
         and isinstance(n[0]["account"], dict),
         "Notification shape: string id, type, account")
    home = api("GET", "/api/v1/timelines/home?limit=2", ann).json()
    t.is_(home[0], api("GET", "/api/v1/statuses/%d" % newest[0],
                       ann).json(),
          "a timeline's Status is the same entity as the status by id")


if __name__ == "__main__":
    h.main_cases(fixture)
