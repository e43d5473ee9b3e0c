"""Web Push (docs/api.md, "Push"): /api/v1/push/subscription per token,
and deliveries to a push service on 127.0.0.1 (pushsink.py) that checks
the VAPID signature against the instance's key and decrypts every message:
what is sent for a mention, a follow and a favourite; alerts and policy;
retries on 500; a 410 removes the subscription; a revoked token takes its
subscription along; the SSRF guard; and a restart keeps the queue. A
subscription without subscription[standard] (every app written for
Mastodon 4.3 and before) gets the legacy aesgcm encoding and a
"WebPush" JWT, which the sink decrypts and checks as those apps do; with
standard=true, RFC 8291/8292; the web UI's own is always standard.

Each case can run alone: make check TESTS=tests/integration/test_push.py
CASE=delivery (or `python3 .../test_push.py --list`)."""
import contextlib
import itertools
import re
import sqlite3
import time

import harness as h

import pushsink                    # python3-cryptography (tools/deps)

_n = itertools.count(1)
PUSH = "read write follow push"
CONFIG = {"push.allow_private": "yes", "push.retry_delay": "1s"}


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **CONFIG) as srv:
        key = srv.client().get("/api/v2/instance").json()[
            "configuration"]["vapid"]["public_key"]
        srv.sink = pushsink.PushSink(instance_key=key)
        srv.vapid = key
        try:
            yield srv
        finally:
            srv.sink.close()


def person(srv, base, scopes=PUSH):
    """A fresh person and a client with a token of these scopes."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    p = srv.ctl("token", "create", name, "--scopes", scopes)
    tok = p.stdout.strip()
    c = srv.client(headers={"Authorization": "Bearer " + tok})
    c.token, c.name = tok, name
    c.id = c.me().json()["id"]
    return c


def subscribe(t, srv, c, alerts, policy=None):
    s = srv.sink.sub("%s-%d" % (c.name, next(_n)))
    r = c.post("/api/v1/push/subscription", s.form(alerts, policy))
    t.status(r, 200, "%s subscribes" % c.name)
    return s


def quiet(srv, secs=2.5):
    """Nothing more arrives within secs (deliveries poll every second)."""
    got = srv.sink.get(timeout=secs)
    return got is None, got


def subs(srv, c):
    """How many subscriptions c's person has."""
    return rows(srv, "SELECT count(*) FROM push_subscriptions WHERE "
                "user_id = %d" % int(c.id))[0][0]


def rows(srv, sql):
    db = sqlite3.connect(srv.db)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@h.case
def api(t, srv):
    """POST, GET, PUT and DELETE, form and JSON; the entity; the key."""
    alice = person(srv, "alice")
    s = srv.sink.sub("api")
    t.status(alice.get("/api/v1/push/subscription"), 404,
             "no subscription yet: 404")
    r = alice.post("/api/v1/push/subscription",
                   s.form(["mention", "follow"], "followed"))
    t.status(r, 200, "subscribe (form)")
    e = r.json()
    t.is_(sorted(e.keys()), ["alerts", "endpoint", "id", "policy",
                             "server_key", "standard"],
          "a WebPushSubscription")
    t.is_(e["endpoint"], s.endpoint, "endpoint")
    t.is_(e["standard"], True, "standard, as asked")
    t.is_(e["server_key"], srv.vapid, "server_key is the instance's key")
    t.is_(len(pushsink.b64d(e["server_key"])), 65, "... a P-256 point")
    t.ok(e["alerts"]["mention"] and e["alerts"]["follow"] and
         not e["alerts"]["favourite"] and not e["alerts"]["reblog"],
         "alerts as asked")
    t.is_(e["policy"], "followed", "policy")
    t.ok(isinstance(e["id"], str), "id is a string")
    t.is_(alice.get("/api/v1/push/subscription").json(), e, "GET")
    r = alice.request("PUT", "/api/v1/push/subscription", json_body={
        "data": {"alerts": {"favourite": True, "reblog": "true"},
                 "policy": "all"}})
    t.status(r, 200, "PUT (JSON)")
    a = r.json()["alerts"]
    t.ok(a["favourite"] and a["reblog"] and not a["mention"],
         "PUT replaces the alerts")
    t.is_(r.json()["policy"], "all", "... and the policy")
    t.is_(r.json()["endpoint"], s.endpoint, "... not the endpoint")
    t.is_(r.json()["standard"], True, "... nor standard")
    r = alice.request("PUT", "/api/v1/push/subscription",
                      form={"data[policy]": "sometimes"})
    t.status(r, 422, "an unknown policy: 422")
    r = alice.request("POST", "/api/v1/push/subscription", json_body={
        "subscription": {"endpoint": s.endpoint,
                         "keys": {"p256dh": s.p256dh, "auth": s.auth64}},
        "data": {"alerts": {"mention": True}}})
    t.status(r, 200, "subscribe again (JSON) replaces it")
    t.is_(r.json()["alerts"]["follow"], False, "... with its own alerts")
    t.is_(subs(srv, alice), 1, "one subscription per token")
    for label, form in [
            ("no endpoint", {"subscription[keys][p256dh]": s.p256dh,
                             "subscription[keys][auth]": s.auth64}),
            ("a bad key", dict(s.form(), **{
                "subscription[keys][p256dh]": "AAAA"})),
            ("a short auth", dict(s.form(), **{
                "subscription[keys][auth]": "AAAA"})),
            ("an ftp endpoint", dict(s.form(), **{
                "subscription[endpoint]": "ftp://example.com/x"}))]:
        t.status(alice.post("/api/v1/push/subscription", form), 422,
                 "%s: 422" % label)
    t.status(alice.request("DELETE", "/api/v1/push/subscription"), 200,
             "DELETE")
    t.status(alice.get("/api/v1/push/subscription"), 404, "... gone")
    t.status(alice.request("PUT", "/api/v1/push/subscription",
                           form={"data[policy]": "all"}), 404,
             "PUT without a subscription: 404")
    bob = person(srv, "bob", "read write follow")
    r = bob.post("/api/v1/push/subscription", s.form(["mention"]))
    t.status(r, 403, "a token without the push scope: 403")
    app = srv.client().post("/api/v1/apps", {
        "client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    t.is_(app.json().get("vapid_key"), srv.vapid,
          "the Application's vapid_key is the instance's key")


@h.case
def delivery(t, srv):
    """A mention, a follow and a favourite arrive, decrypted, with
    Mastodon's fields."""
    alice, bob = person(srv, "alice"), person(srv, "bob")
    s = subscribe(t, srv, alice, ["mention", "follow", "favourite"])
    st = h.post_status(bob, "hello @%s, a push" % alice.name)
    got = srv.sink.get()
    t.ok(got is not None, "the mention arrives: %s" % srv.sink.errors)
    if got is None:
        return
    name, p, headers = got
    t.is_(name, s.name, "at alice's endpoint")
    t.is_(sorted(p.keys()), ["access_token", "body", "icon",
                             "notification_id", "notification_type",
                             "preferred_locale", "title"],
          "Mastodon's payload fields")
    t.is_(p["notification_type"], "mention", "type mention")
    t.is_(p["access_token"], alice.token, "the subscribing token")
    t.like(p["title"], bob.name + ".* mentioned you", "title")
    t.like(p["body"], "a push", "body is the post's text")
    t.like(p["icon"], r"^http://127\.0\.0\.1:\d+/avatars/", "icon")
    n = alice.get("/api/v1/notifications/" + p["notification_id"])
    t.status(n, 200, "notification_id is alice's notification")
    t.is_(n.json()["type"], "mention", "... the mention")
    t.like(headers.get("Authorization", ""), "^vapid t=", "VAPID auth")
    t.status(bob.post("/api/v1/accounts/%s/follow" % alice.id), 200,
             "bob follows alice")
    got = srv.sink.get()
    t.is_(got and got[1]["notification_type"], "follow", "follow arrives")
    t.status(bob.post("/api/v1/statuses/%s/favourite" % st["id"]), 200,
             "bob favourites his own post (no notification)")
    mine = h.post_status(alice, "alice's own post")
    t.status(bob.post("/api/v1/statuses/%s/favourite" % mine["id"]), 200,
             "bob favourites alice's post")
    got = srv.sink.get()
    t.is_(got and got[1]["notification_type"], "favourite",
          "favourite arrives")
    t.like(got and got[1]["title"], "favourited your post", "... title")
    t.ok(quiet(srv)[0], "nothing else arrives")
    t.is_(srv.sink.errors, [], "every push verified and decrypted")
    t.is_(rows(srv, "SELECT count(*) FROM push_deliveries")[0][0], 0,
          "the queue is empty")


@h.case
def alerts_and_policy(t, srv):
    """Alerts off: nothing. Policy followed: only people alice follows;
    follower: only her followers; none: nobody."""
    alice, bob, carol = (person(srv, n) for n in ("alice", "bob", "carol"))
    subscribe(t, srv, alice, ["mention"])
    t.status(bob.post("/api/v1/accounts/%s/follow" % alice.id), 200,
             "bob follows alice (follow alerts off)")
    t.ok(quiet(srv)[0], "no push for the follow")
    h.post_status(bob, "@%s one" % alice.name)
    got = srv.sink.get()
    t.is_(got and got[1]["notification_type"], "mention", "mention on")
    alice.request("PUT", "/api/v1/push/subscription",
                  form={"data[alerts][mention]": "true",
                        "data[policy]": "followed"})
    t.status(alice.post("/api/v1/accounts/%s/follow" % carol.id), 200,
             "alice follows carol")
    h.post_status(bob, "@%s from bob, not followed" % alice.name)
    h.post_status(carol, "@%s from carol, followed" % alice.name)
    got = srv.sink.get()
    t.like(got and got[1]["body"], "from carol", "followed: carol's comes")
    t.ok(quiet(srv)[0], "... bob's does not")
    alice.request("PUT", "/api/v1/push/subscription",
                  form={"data[alerts][mention]": "true",
                        "data[policy]": "follower"})
    h.post_status(carol, "@%s carol again" % alice.name)
    h.post_status(bob, "@%s bob, a follower" % alice.name)
    got = srv.sink.get()
    t.like(got and got[1]["body"], "bob, a follower",
           "follower: bob's comes")
    t.ok(quiet(srv)[0], "... carol's does not")
    alice.request("PUT", "/api/v1/push/subscription",
                  form={"data[alerts][mention]": "true",
                        "data[policy]": "none"})
    h.post_status(bob, "@%s none" % alice.name)
    t.ok(quiet(srv)[0], "none: nothing")


@h.case
def revoked_token(t, srv):
    """Revoking the token removes its subscription and its queue."""
    alice, bob = person(srv, "alice"), person(srv, "bob")
    subscribe(t, srv, alice, ["mention"])
    t.is_(subs(srv, alice), 1, "subscribed")
    listing = srv.ctl("token", "list", alice.name).stdout
    tid = [line.split()[0] for line in listing.splitlines()
           if "active" in line][-1]
    p = srv.ctl("token", "revoke", alice.name, tid)
    t.is_(p.returncode, 0, "hearthctl token revoke")
    t.is_(subs(srv, alice), 0, "the subscription went with the token")
    h.post_status(bob, "@%s after revoking" % alice.name)
    t.ok(quiet(srv)[0], "nothing is pushed")


@h.case
def disabled_person(t, srv):
    """A disabled person's devices are told nothing."""
    alice, bob = person(srv, "alice"), person(srv, "bob")
    subscribe(t, srv, alice, ["mention"])
    t.is_(srv.ctl("user", "disable", alice.name).returncode, 0,
          "hearthctl user disable")
    h.post_status(bob, "@%s while disabled" % alice.name)
    t.ok(quiet(srv)[0], "nothing is pushed")
    t.is_(rows(srv, "SELECT count(*) FROM push_deliveries d JOIN "
               "push_subscriptions s ON s.id = d.subscription_id WHERE "
               "s.user_id = %d" % int(alice.id))[0][0], 0, "nothing queued")


@h.case
def retry_and_gone(t, srv):
    """500 then 201: sent again. 410: the subscription is removed."""
    alice, bob = person(srv, "alice"), person(srv, "bob")
    subscribe(t, srv, alice, ["mention"])
    srv.sink.answers = [500]
    h.post_status(bob, "@%s retried" % alice.name)
    got = srv.sink.get(timeout=15)
    t.like(got and got[1]["body"], "retried", "arrives after a 500")
    t.ok(srv.sink.hits >= 2, "... on the second try")
    srv.wait_log("tried again later")
    srv.sink.answers = [410]
    hits = srv.sink.hits
    h.post_status(bob, "@%s gone" % alice.name)
    deadline = time.time() + 10
    while time.time() < deadline and subs(srv, alice) > 0:
        time.sleep(0.2)
    t.is_(subs(srv, alice), 0, "410: the subscription is removed")
    t.is_(srv.sink.hits, hits + 1, "... after one try")
    t.status(alice.get("/api/v1/push/subscription"), 404, "... GET 404")


@h.case
def restart_keeps_queue(t, srv):
    """A delivery waiting for its retry survives a restart."""
    alice, bob = person(srv, "alice"), person(srv, "bob")
    subscribe(t, srv, alice, ["mention"])
    srv.sink.answers = [503] * 1000
    h.post_status(bob, "@%s survives" % alice.name)
    srv.wait_log("tried again later")
    srv.stop()
    t.is_(rows(srv, "SELECT count(*) FROM push_deliveries")[0][0], 1,
          "the delivery is queued in the database")
    srv.sink.answers = []
    srv.start()
    got = srv.sink.get(timeout=20)
    t.like(got and got[1]["body"], "survives", "delivered after restart")


@h.case
def ssrf(t, _):
    """Without push.allow_private, inside addresses are refused: a
    literal when subscribing, a name resolving to one when sending."""
    with h.Server(t, **{"push.retry_delay": "1s"}) as srv:
        key = srv.client().get("/api/v2/instance").json()[
            "configuration"]["vapid"]["public_key"]
        sink = pushsink.PushSink(instance_key=key)
        try:
            alice, bob = person(srv, "alice"), person(srv, "bob")
            s = sink.sub("ssrf")
            for url in ("http://169.254.169.254/latest/meta-data/",
                        "http://127.0.0.1:%d/push/ssrf" % sink.port,
                        "http://10.0.0.1/x", "http://[::1]/x",
                        "https://[fe80::1]/x"):
                r = alice.post("/api/v1/push/subscription", dict(
                    s.form(["mention"]), **{"subscription[endpoint]": url}))
                t.status(r, 422, "%s refused" % url)
                t.like(r.text, "refused", "... saying so")
            r = alice.post("/api/v1/push/subscription", dict(
                s.form(["mention"]), **{"subscription[endpoint]":
                                        "http://localhost:%d/push/ssrf"
                                        % sink.port}))
            t.status(r, 200, "a name is taken (judged when connecting)")
            h.post_status(bob, "@%s ssrf" % alice.name)
            srv.wait_log("dropped: .*refused")
            t.is_(sink.hits, 0, "nothing reached the inside address")
            t.is_(rows(srv, "SELECT count(*) FROM push_deliveries")[0][0],
                  0, "... and it is not retried")
        finally:
            sink.close()


@h.case
def web(t, srv):
    """The web UI's part: /sw.js at the root, the settings page with the
    key, and a session subscribing through the API with its CSRF token
    (never without); its pushes arrive with no access token."""
    bob = person(srv, "bob")
    name = "web%d" % next(_n)
    srv.add_user(name)
    c = srv.client()
    t.status(c.login(name), 303, "signed in")
    r = c.get("/sw.js")
    t.status(r, 200, "/sw.js")
    t.like(r.header("Content-Type") or "", "javascript", "... as JavaScript")
    t.like(r.text, "showNotification", "... the service worker")
    r = c.get("/settings/push")
    t.status(r, 200, "/settings/push")
    t.like(r.text, 'data-vapid-key="%s"' % srv.vapid, "... with the key")
    t.like(r.text, "Notify me on this device", "... and the button")
    t.like(r.text, r'<script src="/static/push\.[0-9a-f]+\.js"', "... and its script")
    t.like(c.get("/settings/profile").text, 'href="/settings/push"',
           "the settings navigation links it")
    csrf = re.search(r'data-csrf="([^"]+)"', r.text).group(1)
    s = srv.sink.sub("web-" + name)
    body = {"subscription": {"endpoint": s.endpoint,
                             "keys": {"p256dh": s.p256dh,
                                      "auth": s.auth64}},
            "data": {"alerts": {"mention": True}}}
    r = c.request("POST", "/api/v1/push/subscription", json_body=body)
    t.status(r, 403, "a session without the CSRF token: 403")
    r = c.request("POST", "/api/v1/push/subscription", json_body=body,
                  headers={"X-CSRF-Token": csrf})
    t.status(r, 200, "a session subscribes with its CSRF token")
    me = c.get("/api/v1/accounts/verify_credentials").json()
    h.post_status(bob, "@%s to the browser" % name)
    t.is_(r.json()["standard"], True, "a browser's subscription is "
          "standard, though it did not say so")
    got = srv.sink.get()
    t.like(got and got[1]["body"], "to the browser", "pushed to it")
    t.is_(got and got[2].get("Content-Encoding"), "aes128gcm",
          "... as RFC 8291 aes128gcm")
    t.is_(got and got[1]["access_token"], "", "... without a token")
    t.status(c.logout(), 303, "sign out")
    t.is_(rows(srv, "SELECT count(*) FROM push_subscriptions WHERE "
               "user_id = %d" % int(me["id"]))[0][0], 0,
          "signing out ends the session's subscription")


PAYLOAD_KEYS = ["access_token", "body", "icon", "notification_id",
                "notification_type", "preferred_locale", "title"]


@h.case
def legacy(t, srv):
    """No subscription[standard], as every app before Mastodon 4.4: the
    entity says standard false, and a mention arrives in the legacy
    drafts' format (aesgcm, Encryption salt, Crypto-Key dh and p256ecdsa,
    Authorization WebPush JWT), which the sink decrypts and verifies."""
    alice, bob = person(srv, "old"), person(srv, "bob")
    s = srv.sink.sub("%s-legacy" % alice.name, standard=None)
    form = s.form(["mention", "follow"])
    t.ok("subscription[standard]" not in form, "the form has no standard")
    r = alice.post("/api/v1/push/subscription", form)
    t.status(r, 200, "subscribe without standard")
    t.is_(r.json()["standard"], False, "the entity: standard false")
    t.is_(rows(srv, "SELECT standard FROM push_subscriptions WHERE "
               "user_id = %d" % int(alice.id)), [(0,)], "stored as 0")
    h.post_status(bob, "hello @%s, an old app" % alice.name)
    got = srv.sink.get()
    t.ok(got is not None, "the mention arrives: %s" % srv.sink.errors)
    if got is None:
        return
    name, p, headers = got
    t.is_(name, s.name, "at the old app's endpoint")
    t.is_(headers.get("Content-Encoding"), "aesgcm", "Content-Encoding: "
          "aesgcm")
    t.like(headers.get("Encryption", ""), r"^salt=[A-Za-z0-9_-]{22}$",
           "Encryption: salt=<16 bytes>")
    t.like(headers.get("Crypto-Key", ""),
           r"^dh=[A-Za-z0-9_-]{87};p256ecdsa=[A-Za-z0-9_-]{87}$",
           "Crypto-Key: dh=...;p256ecdsa=...")
    t.is_(pushsink._params(headers.get("Crypto-Key", "")).get("p256ecdsa"),
          srv.vapid, "p256ecdsa is the instance's VAPID key")
    t.like(headers.get("Authorization", ""), r"^WebPush [\w-]+\.[\w-]+\.",
           "Authorization: WebPush <JWT>")
    t.ok(headers.get("TTL", "").isdigit() and headers.get("Urgency"),
         "TTL and Urgency as for the standard")
    t.is_(sorted(p.keys()), PAYLOAD_KEYS, "Mastodon's payload fields")
    t.is_((p["notification_type"], p["access_token"], p["preferred_locale"]),
          ("mention", alice.token, "en"), "type, token, locale")
    t.like(p["title"], bob.name + ".* mentioned you", "title")
    t.like(p["body"], "an old app", "body")
    t.like(p["icon"], r"^http://127\.0\.0\.1:\d+/avatars/", "icon")
    n = alice.get("/api/v1/notifications/" + p["notification_id"])
    t.is_(n.status == 200 and n.json()["type"], "mention",
          "notification_id is alice's mention")
    # PUT changes data[] only (Mastodon: "to change fundamentals, a new
    # subscription must be created").
    r = alice.request("PUT", "/api/v1/push/subscription", form={
        "data[alerts][follow]": "true", "subscription[standard]": "true"})
    t.is_(r.json()["standard"], False, "PUT does not change standard")
    t.status(bob.post("/api/v1/accounts/%s/follow" % alice.id), 200,
             "bob follows alice")
    got = srv.sink.get()
    t.is_(got and (got[1]["notification_type"],
                   got[2].get("Content-Encoding")), ("follow", "aesgcm"),
          "the follow arrives, still legacy")
    t.is_(srv.sink.errors, [], "every push decrypted and verified")


@h.case
def standard_flag(t, srv):
    """subscription[standard]: true (form or JSON) is RFC 8291 aes128gcm
    with a vapid Authorization; false is legacy; a new subscription
    replaces the encoding with everything else."""
    alice, bob = person(srv, "new"), person(srv, "bob")
    s = srv.sink.sub("%s-std" % alice.name, standard=True)
    r = alice.request("POST", "/api/v1/push/subscription", json_body={
        "subscription": {"endpoint": s.endpoint, "standard": True,
                         "keys": {"p256dh": s.p256dh, "auth": s.auth64}},
        "data": {"alerts": {"mention": True}}})
    t.status(r, 200, "subscribe with standard: true (JSON)")
    t.is_(r.json()["standard"], True, "the entity: standard true")
    t.is_(alice.get("/api/v1/push/subscription").json()["standard"], True,
          "... and on GET")
    h.post_status(bob, "@%s standard" % alice.name)
    got = srv.sink.get()
    t.ok(got is not None, "the mention arrives: %s" % srv.sink.errors)
    if got:
        t.is_(got[2].get("Content-Encoding"), "aes128gcm", "aes128gcm")
        t.like(got[2].get("Authorization", ""), "^vapid t=", "vapid t=, k=")
        t.ok("Crypto-Key" not in got[2] and "Encryption" not in got[2],
             "no legacy headers")
        t.is_(sorted(got[1].keys()), PAYLOAD_KEYS, "the same payload")
    s2 = srv.sink.sub("%s-false" % alice.name, standard=False)
    r = alice.post("/api/v1/push/subscription", s2.form(["mention"]))
    t.is_(r.json()["standard"], False, "standard=false: legacy")
    h.post_status(bob, "@%s legacy again" % alice.name)
    got = srv.sink.get()
    t.is_(got and (got[0], got[2].get("Content-Encoding")),
          (s2.name, "aesgcm"), "the new subscription gets aesgcm")
    t.ok(quiet(srv)[0], "the old endpoint gets nothing")
    t.is_(srv.sink.errors, [], "every push decrypted and verified")


@h.case
def migration_0026(t, srv):
    """Migration 0026 marks the web UI's existing subscriptions (sessions:
    browsers) standard and leaves the apps' as they asked."""
    old = person(srv, "oldapp")
    subscribe(t, srv, old, ["mention"])
    name = "webmig%d" % next(_n)
    srv.add_user(name)
    c = srv.client()
    t.status(c.login(name), 303, "signed in")
    csrf = re.search(r'data-csrf="([^"]+)"',
                     c.get("/settings/push").text).group(1)
    s = srv.sink.sub("web-" + name)
    r = c.request("POST", "/api/v1/push/subscription", json_body={
        "subscription": {"endpoint": s.endpoint,
                         "keys": {"p256dh": s.p256dh, "auth": s.auth64}},
        "data": {"alerts": {"mention": True}}},
        headers={"X-CSRF-Token": csrf})
    t.status(r, 200, "the session subscribes")
    srv.stop()
    # As before 0026: the session's subscription stored as legacy (0), as
    # the token's made without standard.
    db = sqlite3.connect(srv.db)
    db.execute("UPDATE push_subscriptions SET standard = 0 WHERE "
               "session_id IS NOT NULL")
    db.execute("UPDATE push_subscriptions SET standard = 0 WHERE "
               "token_id IS NOT NULL AND user_id = ?", (int(old.id),))
    # A database from before 0026 has none of the later migrations either
    # (they only run above the newest applied): take them back too.
    db.execute("DROP TABLE IF EXISTS saved_feeds")  # 0027
    db.execute("DROP TABLE IF EXISTS saved_cards")  # 0028
    db.execute("DELETE FROM schema_migrations WHERE component = 'core' "
               "AND version >= 26")
    db.commit()
    db.close()
    srv.start()
    t.is_(len(re.findall(r"applied core migration 26\b", srv.log())), 2,
          "0026 runs again on the restart")
    t.is_(rows(srv, "SELECT standard FROM push_subscriptions WHERE "
               "session_id IS NOT NULL"), [(1,)],
          "the session's subscription is standard")
    t.is_(rows(srv, "SELECT standard FROM push_subscriptions WHERE "
               "user_id = %d" % int(old.id)), [(0,)],
          "the app's stays as it was made")


if __name__ == "__main__":
    h.main_cases(fixture)
