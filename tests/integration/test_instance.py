"""What Mastodon apps ask as they start: the Instance entities (v1, v2),
the empty lists for features hearth has none of, preferences, announcements,
and trending hashtags with their daily history.

Each case can run alone: make check TESTS=tests/integration/test_instance.py
CASE=trending_tags (or `python3 .../test_instance.py --list`).

The Instance's statistics count the whole server, so the fixture's
server holds exactly the people and posts instance_* count, and the cases
that post (trends) start a server of their own."""
import contextlib
import sqlite3
import time

import harness as h

EMPTY_LISTS = ["/api/v1/filters", "/api/v2/filters", "/api/v1/lists",
               "/api/v1/followed_tags", "/api/v1/blocks", "/api/v1/mutes",
               "/api/v1/bookmarks", "/api/v1/follow_requests",
               "/api/v1/conversations", "/api/v1/scheduled_statuses",
               "/api/v1/endorsements", "/api/v1/announcements"]


def post(c, text, **fields):
    return h.post_status(c, text, **fields)["id"]


def dig(obj, *path):
    for p in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(p)
    return obj


@contextlib.contextmanager
def fixture(t):
    """A server of two active people with three posts, one who never
    signed in and one disabled; the cases only read it."""
    with h.Server(t) as srv:
        u = srv.people("alice", "bob")
        srv.add_user("idle")             # never signs in: not active
        srv.add_user("gone")
        srv.ctl("user", "disable", "gone")
        post(u["alice"], "Hello")
        post(u["alice"], "Hello again")
        post(u["bob"], "Hi")
        srv.p = u
        yield srv


@h.case
def instance_v1(t, srv):
    """GET /api/v1/instance, signed out: its fields and statistics."""
    anon = srv.client()
    domain = "127.0.0.1:%d" % srv.port
    r = anon.get("/api/v1/instance")
    t.status(r, 200, "v1 instance without signing in: 200")
    v1 = r.json()
    t.is_(v1.get("uri"), domain, "v1 uri is base_url's host and port")
    t.is_(v1.get("title"), "hearth", "v1 title defaults to hearth")
    # 4.3: apps ask for grouped notifications (/api/v2/notifications)
    t.like(v1.get("version"), r"^4\.3\.0 \(compatible; hearth \d+\.\d+",
           "v1 version: Mastodon's, then hearth's")
    t.is_(dig(v1, "urls", "streaming_api"), "ws://" + domain,
          "v1 urls.streaming_api")
    t.is_(dig(v1, "stats", "user_count"), 3, "v1 stats.user_count: "
          "active accounts")
    t.is_(dig(v1, "stats", "status_count"), 3, "v1 stats.status_count")
    t.is_(dig(v1, "stats", "domain_count"), 0, "v1 stats.domain_count")
    t.is_(v1.get("registrations"), False, "v1 registrations closed")
    t.is_(v1.get("approval_required"), False, "v1 approval_required")
    t.is_(v1.get("contact_account"), None, "v1 contact_account null")
    t.is_(v1.get("rules"), [], "v1 rules []")
    t.is_(dig(v1, "configuration", "statuses", "max_characters"), 5000,
          "v1 max_characters")
    t.is_(dig(v1, "configuration", "statuses", "max_media_attachments"), 4,
          "v1 max_media_attachments 4")
    t.is_(dig(v1, "configuration", "accounts", "max_featured_tags"), 0,
          "v1 max_featured_tags 0")
    t.is_(sorted((dig(v1, "configuration", "polls") or {}).keys()),
          ["max_characters_per_option", "max_expiration", "max_options",
           "min_expiration"], "v1 polls limits")
    for key in ("short_description", "description", "email", "thumbnail",
                "languages", "invites_enabled"):
        t.ok(key in v1, "v1 has %s" % key)



@h.case
def instance_v2(t, srv):
    """GET /api/v2/instance, signed out: its fields and usage."""
    anon = srv.client()
    domain = "127.0.0.1:%d" % srv.port
    v1 = anon.get("/api/v1/instance").json()
    r = anon.get("/api/v2/instance")
    t.status(r, 200, "v2 instance without signing in: 200")
    v2 = r.json()
    t.is_(v2.get("domain"), domain, "v2 domain")
    t.is_(v2.get("title"), "hearth", "v2 title")
    t.is_(v2.get("version"), v1.get("version"), "v2 version as v1's")
    t.is_(dig(v2, "usage", "users", "active_month"), 2,
          "v2 usage.users.active_month: the two people who used hearth")
    t.is_(dig(v2, "registrations", "enabled"), False,
          "v2 registrations.enabled false")
    t.is_(dig(v2, "registrations", "message"), "Ask an administrator",
          "v2 registrations.message")
    t.is_(dig(v2, "api_versions", "mastodon"), 2, "v2 api_versions")
    t.is_(dig(v2, "configuration", "urls", "streaming"), "ws://" + domain,
          "v2 configuration.urls.streaming")
    t.is_(dig(v2, "configuration", "statuses", "max_characters"), 5000,
          "v2 max_characters")
    t.is_(dig(v2, "configuration", "statuses", "max_media_attachments"), 4,
          "v2 max_media_attachments 4")
    t.is_(dig(v2, "configuration", "accounts", "max_featured_tags"), 0,
          "v2 max_featured_tags 0")
    t.ok(isinstance(dig(v2, "configuration", "polls", "max_options"), int),
         "v2 polls limits")
    t.is_(dig(v2, "contact", "account"), None, "v2 contact.account null")
    t.is_(v2.get("rules"), [], "v2 rules []")
    t.like(dig(v2, "thumbnail", "url"), r"^http://", "v2 thumbnail.url")
    for key in ("source_url", "description", "languages", "icon"):
        t.ok(key in v2, "v2 has %s" % key)


@h.case
def app_start_requests(t, srv):
    """The empty lists, custom emojis and preferences apps ask for."""
    anon = srv.client()
    alice = srv.p["alice"]
    for path in EMPTY_LISTS + ["/api/v1/custom_emojis"]:
        r = alice.get(path)
        t.ok(r.status == 200 and r.text == "[]", "%s: 200 []" % path,
             r.summary())
    r = anon.get("/api/v1/custom_emojis")
    t.ok(r.status == 200 and r.json() == [], "custom_emojis needs no "
         "sign-in")
    t.status(anon.get("/api/v1/lists"), 401, "lists needs a sign-in")
    r = alice.get("/api/v1/preferences")
    t.status(r, 200, "preferences: 200")
    t.is_(r.json(), {"posting:default:visibility": "public",
                     "posting:default:sensitive": False,
                     "posting:default:language": None,
                     "reading:expand:media": "default",
                     "reading:expand:spoilers": False},
          "preferences are Mastodon's defaults")


@h.case
def instance_title(t, srv):
    """instance_title sets both Instances' title."""
    with h.Server(t, name="titled", instance_title="Acme Social") as srv:
        r = srv.client().get("/api/v1/instance")
        t.status(r, 200, "v1 instance: 200")
        t.is_(r.json().get("title"), "Acme Social",
              "instance_title sets the v1 title")
        r = srv.client().get("/api/v2/instance")
        t.status(r, 200, "v2 instance: 200")
        t.is_(r.json().get("title"), "Acme Social", "... and v2's")


@h.case
def trending_tags(t, srv):
    """Trending hashtags: only public and open-group posts, a week of
    daily history, limit and offset. They count the whole server, so
    it has one of its own."""
    with h.Server(t, name="trends") as srv:
        trends(t, srv)


def trends(t, srv):
    """trending_tags on its own server: three people post tags of every
    visibility, two posts are moved back in time, and then the trends."""
    u = srv.people("ann", "ben", "cat")
    ann, ben, cat = u["ann"], u["ben"], u["cat"]
    now = int(time.time())
    today = now - now % 86400

    # Oldest first, so ids grow with time as they do for real posts.
    old = post(ann, "Last month: #alpha")
    two_days = post(ann, "Two days ago: #alpha")
    post(ann, "Today #alpha and #beta")
    post(ben, "Me too #Alpha")
    post(ann, "Again #alpha")
    post(cat, "One #gamma")
    post(cat, "Hidden #unlisted", visibility="unlisted")
    post(cat, "Hidden #followers", visibility="private")
    post(cat, "Hidden #direct @ann", visibility="direct")
    g = cat.post("/api/v1/groups", {"name": "Priv",
                                    "visibility": "private"}).json()
    post(cat, "Hidden #privgroup", group_id=g["id"])
    o = cat.post("/api/v1/groups", {"name": "Open"}).json()
    post(cat, "Open group #opengroup", group_id=o["id"])

    db = sqlite3.connect(srv.db)
    db.execute("UPDATE posts SET created_at = ? WHERE id = ?",
               (now - 30 * 86400, int(old)))
    db.execute("UPDATE posts SET created_at = ? WHERE id = ?",
               (today - 2 * 86400 + 60, int(two_days)))
    db.commit()
    db.close()

    r = ann.get("/api/v1/trends/tags")
    t.status(r, 200, "trends/tags: 200")
    tags = r.json()
    names = [x.get("name") for x in tags]
    t.is_(names[0] if names else None, "alpha", "the most used hashtag first")
    t.is_(sorted(names), ["alpha", "beta", "gamma", "opengroup"],
          "only hashtags of public posts and open groups trend")
    alpha = tags[0] if tags else {}
    hist = alpha.get("history") or []
    t.is_(len(hist), 7, "a history of seven days")
    t.is_([x.get("day") for x in hist],
          [str(today - k * 86400) for k in range(7)],
          "days are UTC midnights, newest first, as strings")
    t.is_(hist[0] if hist else None,
          {"day": str(today), "uses": "3", "accounts": "2"},
          "today: three uses by two people")
    t.is_(hist[2]["uses"] if len(hist) > 2 else None, "1",
          "two days ago: one use")
    t.is_([x["uses"] for k, x in enumerate(hist) if k not in (0, 2)],
          ["0"] * 5, "the other days: none (last month's does not count)")
    t.like(alpha.get("url"), r"/tags/alpha$", "a Tag has its url")
    t.is_(alpha.get("following"), False, "... and following false")
    r = ann.get("/api/v1/trends/tags?limit=1")
    t.is_([x["name"] for x in r.json()], ["alpha"], "limit=1")
    r = ann.get("/api/v1/trends/tags?limit=2&offset=1")
    t.is_([x["name"] for x in r.json()], names[1:3], "offset pages on")
    t.is_(ann.get("/api/v1/trends/tags?offset=50").json(), [],
          "an offset past the end: []")
    t.status(ann.get("/api/v1/trends/tags?offset=-1"), 400,
             "a negative offset: 400")
    t.status(ann.get("/api/v1/trends/tags?limit=100"), 200,
             "a limit over 20 is capped, not refused")
    t.status(ann.get("/api/v1/trends/tags?limit=x"), 400,
             "a malformed limit: 400")
    r = ann.get("/api/v1/trends")
    t.is_([x["name"] for x in r.json()][:1], ["alpha"],
          "/api/v1/trends (the old name) answers the same")


if __name__ == "__main__":
    h.main_cases(fixture)
