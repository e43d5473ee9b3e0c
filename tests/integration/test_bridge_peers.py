"""Two hearths on two loopback addresses, each with the bridge: carol of
one follows alice of the other by WebFinger; what alice's desk approves
reaches carol's server, what it does not approve never does, an edit
arrives as Update after its re-approval, a deletion as Delete, and
alice's opting out removes everything. Each server verifies the other's
signatures. Run one case alone: CASE=follow_and_posts."""
import json
import time

import harness as h
import bridge as b


def seen(srv, activity_id):
    """Whether srv's inbox verified and took activity_id."""
    return bool(srv.rows("SELECT 1 FROM bridge_seen WHERE id = ?",
                         activity_id))


def wait_seen(srv, activity_id, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if seen(srv, activity_id):
            return True
        time.sleep(0.1)
    return False


def approve(srv, desk, post):
    r = desk.post("/api/v1/admin/bridge/queue/%s/approve" % post, {})
    if r.status != 200:
        raise RuntimeError("approve: " + r.summary())


@h.case
def follow_and_posts(t, fx):
    """Follow by WebFinger, then approved, unapproved, edited, deleted."""
    with b.Bridge(t, name="a") as a, b.Bridge(t, name="b") as bb:
        t.like(a.log(), r"allow_private_addresses = yes: outbound requests "
               r"may reach loopback .* for tests only", "the test-only "
               "switch is logged loudly when hearthd starts")
        a.add_user("alice")
        a.add_user("boss", admin=True)
        a.opt_in("alice")
        bb.add_user("carol")
        bb.opt_in("carol")
        p = bb.ctl("bridge", "follow", "carol", "alice@" + a.domain)
        t.unlike(p.stderr, "tests only", "... and not on every hearthctl "
                 "command")
        t.is_(p.returncode, 0, "hearthctl bridge follow: " + p.stderr)
        rows = bb.wait_rows("SELECT state FROM bridge_following",
                            [("accepted",)])
        t.is_(rows, [("accepted",)], "carol's Follow is accepted by "
              "alice's server")
        t.is_(bb.wait_rows("SELECT state FROM bridge_voices",
                           [("accepted",)]), [("accepted",)],
              "... as the company's follow of alice")
        t.is_(a.wait_rows("SELECT actor, state FROM bridge_followers",
                          [(bb.pub + "/actor", "accepted")]),
              [(bb.pub + "/actor", "accepted")],
              "alice's server has carol's company (its instance actor) as "
              "the accepted follower, never carol herself")

        alice = a.api("alice")
        desk = a.api("boss")
        r = alice.post("/api/v1/statuses", {"status": "Out #there",
                                            "share_outside": "true"})
        t.status(r, 200, "alice shares a post")
        out = r.json()["id"]
        r = alice.post("/api/v1/statuses", {"status": "Waits forever",
                                            "share_outside": "true"})
        waiting = r.json()["id"]
        approve(a, desk, out)
        note = "%s/users/alice/statuses/%s" % (a.pub, out)
        t.ok(wait_seen(bb, note + "/activity"), "the approved post "
             "arrives at carol's server (signature verified)")
        time.sleep(2)
        t.ok(not seen(bb, "%s/users/alice/statuses/%s/activity" % (
            a.pub, waiting)), "the post not approved never arrives")
        t.is_(a.rows("SELECT COUNT(*) FROM bridge_deliveries d JOIN "
                     "bridge_activities x ON x.id = d.activity_id WHERE "
                     "x.post_id = ?", int(waiting)), [(0,)],
              "... and nothing was even queued for it")

        r = alice.request("PUT", "/api/v1/statuses/%s" % out,
                          form={"status": "Out #there, edited"})
        t.status(r, 200, "alice edits the shared post")
        time.sleep(1.5)
        t.ok(not seen(bb, note + "#updates/1"), "the edit waits for "
             "the desk")
        approve(a, desk, out)
        t.ok(wait_seen(bb, note + "#updates/1"), "after re-approval the "
             "Update arrives")

        r = alice.request("DELETE", "/api/v1/statuses/%s" % out)
        t.status(r, 200, "alice deletes it")
        t.ok(wait_seen(bb, note + "#delete"), "the Delete arrives")

        p = bb.ctl("bridge", "unfollow", "carol", "alice@" + a.domain)
        t.is_(p.returncode, 0, "hearthctl bridge unfollow: " + p.stderr)
        t.is_(a.wait_rows("SELECT COUNT(*) FROM bridge_followers", [(0,)]),
              [(0,)], "carol was the last: the company's Undo(Follow) "
              "reaches alice's server")
        t.is_(bb.rows("SELECT state FROM bridge_voices"), [("none",)],
              "... and the company no longer follows alice")


@h.case
def follow_outside_voices(t, fx):
    """Employees of one hearth find alice of the other by search (resolve),
    follow her through the API and the web; the company follows her once,
    as its instance actor; her next public post lands in both followers'
    home feeds and on their Outside page; the last unfollow sends Undo."""
    with b.Bridge(t, name="a", approval="none") as a, \
            b.Bridge(t, name="b") as bb:
        a.add_user("alice")
        a.opt_in("alice")
        bb.add_user("carol")
        bb.add_user("dave")
        acct = "alice@" + a.domain
        carol, dave = bb.api("carol"), bb.api("dave")
        r = a.api("alice").post("/api/v1/statuses", {
            "status": "Said before anyone followed", "share_outside": "1"})
        earlier = r.json()
        a.api("alice").post("/api/v1/statuses", {
            "status": "Only inside", "visibility": "public"})

        r = carol.get("/api/v2/search?q=%40" + acct + "&type=accounts")
        t.status(r, 200, "search without resolve")
        t.is_(r.json()["accounts"], [], "... does not go out to look")
        r = carol.get("/api/v1/accounts/lookup?acct=" + acct)
        t.status(r, 404, "lookup does not know her yet")

        r = carol.get("/api/v2/search?q=%40" + acct + "&resolve=true")
        t.status(r, 200, "search with resolve=true")
        accounts = r.json()["accounts"]
        t.is_(len(accounts), 1, "... finds one account")
        if not accounts:
            return
        alice = accounts[0]
        t.is_(alice["acct"], acct, "... as name@host")
        t.is_(alice["url"], a.pub + "/@alice", "... with her page there")
        t.is_(alice.get("hearth", {}).get("outside"), True,
              "... marked as outside")
        r = carol.get("/api/v1/accounts/lookup?acct=" + acct)
        t.status(r, 200, "now lookup knows her")
        t.is_(r.json()["id"], alice["id"], "... as the same account")
        r = carol.get("/api/v1/accounts/%s/statuses" % alice["id"])
        texts = [s["content"] for s in r.json()]
        t.is_(len(texts), 1, "her recent public post came with her profile "
              "(and nothing she did not share)")
        t.like(" ".join(texts), "Said before anyone followed", "... the "
               "shared one")
        if r.json():
            t.is_(r.json()[0]["created_at"][:16],
                  earlier["created_at"][:16], "... dated when she wrote it")
        t.is_(bb.rows("SELECT COUNT(*) FROM notifications"), [(0,)],
              "... and nobody was notified of old news")
        r = carol.get("/api/v2/search?q=" + a.pub + "/users/alice&resolve=1")
        t.is_([x["id"] for x in r.json()["accounts"]][:1], [alice["id"]],
              "her actor's address finds her too")

        r = carol.post("/api/v1/accounts/%s/follow" % alice["id"], {})
        t.status(r, 200, "carol follows her")
        t.is_(r.json()["following"], True, "... the relationship says so")
        rows = bb.wait_rows("SELECT state FROM bridge_voices",
                            [("accepted",)])
        t.is_(rows, [("accepted",)], "the company's Follow is accepted")
        t.is_(a.rows("SELECT actor FROM bridge_followers"),
              [(bb.pub + "/actor",)], "alice's server sees one follower: "
              "the company's instance actor, not carol")

        web = bb.client()
        web.login("dave")
        r = web.get("/@" + acct)
        t.status(r, 200, "dave opens her page on the web")
        t.like(r.text, r"From outside · " + a.domain.replace(".", r"\."),
               "... marked as from outside")
        csrf = h.form_field(r.text, "csrf")
        r = web.post("/@%s/follow" % acct, {"csrf": csrf})
        t.ok(r.status in (200, 303), "dave follows her with the button")
        t.is_(bb.rows("SELECT COUNT(*) FROM bridge_activities WHERE type = "
                      "'Follow'"), [(1,)], "still one Follow for the company")

        r = a.api("alice").post("/api/v1/statuses", {
            "status": "Hello outside world", "share_outside": "true"})
        t.status(r, 200, "alice shares a post")
        note = "%s/users/alice/statuses/%s" % (a.pub, r.json()["id"])
        t.ok(wait_seen(bb, note + "/activity"), "it arrives at the "
             "company (signature verified)")
        for who, c in (("carol", carol), ("dave", dave)):
            home = h.poll(lambda: [s for s in c.get(
                "/api/v1/timelines/home").json() if s.get("uri") == note],
                15)
            t.ok(home, "it is in %s's home feed" % who)
        r = web.get("/outside")
        t.status(r, 200, "the Outside page")
        t.like(r.text, "Hello outside world", "... shows what she said")
        t.like(r.text, "@" + acct.replace(".", r"\."),
               "... and whom dave follows")
        r = carol.get("/api/v1/timelines/public")
        t.ok(all(s.get("uri") != note for s in r.json()),
             "it is not in the company stream")

        carol.post("/api/v1/accounts/%s/unfollow" % alice["id"], {})
        time.sleep(1)
        t.is_(bb.rows("SELECT COUNT(*) FROM bridge_activities WHERE type = "
                      "'Undo'"), [(0,)], "carol unfollows: dave still "
              "follows, no Undo")
        r = web.get("/@" + acct)
        web.post("/@%s/unfollow" % acct, {"csrf": h.form_field(r.text,
                                                              "csrf")})
        rows = a.wait_rows("SELECT COUNT(*) FROM bridge_followers", [(0,)])
        t.is_(rows, [(0,)], "the last unfollow sends Undo(Follow): alice's "
              "server forgets the company")
        t.is_(bb.rows("SELECT state FROM bridge_voices"), [("none",)],
              "... and the company no longer follows her")


@h.case
def follow_policy(t, fx):
    """bridge.follow = opted_in refuses those not visible outside; nobody
    refuses everyone; a blocked server is neither looked up nor
    followed."""
    with b.Bridge(t, name="a", approval="none") as a, \
            b.Bridge(t, name="b", **{"bridge.follow": "opted_in"}) as bb:
        a.add_user("alice")
        a.opt_in("alice")
        bb.add_user("carol")
        bb.add_user("erin")
        bb.opt_in("erin")
        acct = "alice@" + a.domain
        r = bb.api("carol").get("/api/v2/search?q=" + acct + "&resolve=1")
        t.is_(r.json()["accounts"], [], "opted_in: carol's search does not "
              "go outside")
        r = bb.api("erin").get("/api/v2/search?q=" + acct + "&resolve=1")
        t.is_(len(r.json()["accounts"]), 1, "... erin's (visible outside) "
              "does")
        aid = r.json()["accounts"][0]["id"] if r.json()["accounts"] else "0"
        r = bb.api("carol").post("/api/v1/accounts/%s/follow" % aid, {})
        t.status(r, 403, "carol may not follow her")
        t.like(r.json().get("error", ""), "visible outside",
               "... and is told why")
        r = bb.api("erin").post("/api/v1/accounts/%s/follow" % aid, {})
        t.status(r, 200, "erin may")
        p = bb.ctl("bridge", "domain", "block", a.pub_host)
        t.is_(p.returncode, 0, "the company blocks alice's server")
        r = bb.api("erin").post("/api/v1/accounts/%s/unfollow" % aid, {})
        r = bb.api("erin").post("/api/v1/accounts/%s/follow" % aid, {})
        t.status(r, 403, "a blocked server's account cannot be followed")


@h.case
def mention_outside(t, fx):
    """alice writes "@carol@other-hearth" in a shared post: the name is
    looked up by WebFinger, the post waits for it, then goes out tagged
    and addressed to carol, and reaches her at her own inbox though she
    does not follow alice; her server notifies her. An unknown name stays
    text."""
    with b.Bridge(t, name="a", approval="none") as a, \
            b.Bridge(t, name="b") as bb:
        a.add_user("alice")
        a.opt_in("alice")
        bb.add_user("carol")
        bb.opt_in("carol")
        carol_acct = "carol@" + bb.domain
        r = a.api("alice").post("/api/v1/statuses", {
            "status": "Thanks @%s and @nobody@%s!" % (carol_acct,
                                                       bb.domain),
            "share_outside": "1"})
        t.status(r, 200, "alice shares a post naming carol on the other "
                 "server")
        post = r.json()["id"]
        note = "%s/users/alice/statuses/%s" % (a.pub, post)
        t.ok(wait_seen(bb, note + "/activity"), "it reaches carol's server "
             "(she does not follow alice)")
        body = json.loads(a.rows("SELECT body FROM bridge_activities WHERE "
                                 "post_id = ? AND type = 'Create'",
                                 int(post))[0][0])
        obj = body["object"]
        mentions = [x for x in obj["tag"] if x["type"] == "Mention"]
        t.is_([(x["href"], x["name"]) for x in mentions],
              [(bb.pub + "/users/carol", "@" + carol_acct)],
              "the Note tags carol (and not the unknown name)")
        t.ok(bb.pub + "/users/carol" in obj["cc"], "... and is addressed "
             "to her")
        t.like(obj["content"], r'href="%s/users/carol"' % bb.pub,
               "... and links her")
        t.like(obj["content"], "@nobody@", "the unknown name stays text")
        t.is_(a.rows("SELECT state FROM bridge_mention_lookups ORDER BY "
                     "acct"), [("done",), ("failed",)],
              "both names were looked up once")
        n = h.poll(lambda: bb.api("carol").get(
            "/api/v1/notifications").json(), 15)
        t.is_([x["type"] for x in n], ["mention"], "carol is notified of "
              "the mention")


@h.case
def opt_out_removes_everything(t, fx):
    """Opting out: Delete for each shared post and for the actor."""
    with b.Bridge(t, name="a", approval="none") as a, \
            b.Bridge(t, name="b") as bb:
        a.add_user("alice")
        a.opt_in("alice")
        bb.add_user("carol")
        bb.opt_in("carol")
        bb.ctl("bridge", "follow", "carol", "alice@" + a.domain)
        bb.wait_rows("SELECT state FROM bridge_following", [("accepted",)])
        # the company's Follow, accepted by alice's server
        a.wait_rows("SELECT COUNT(*) FROM bridge_followers WHERE state = "
                    "'accepted'", [(1,)])
        r = a.api("alice").post("/api/v1/statuses", {
            "status": "Shared at once", "share_outside": "1"})
        post = r.json()["id"]
        note = "%s/users/alice/statuses/%s" % (a.pub, post)
        t.ok(wait_seen(bb, note + "/activity"), "with approval = none "
             "the post goes out at once")
        t.ok(bb.rows("SELECT 1 FROM posts WHERE outside_uri = ?", note),
             "... and carol's server keeps it (its company follows alice)")
        p = a.ctl("bridge", "disable", "alice")
        t.is_(p.returncode, 0, "hearthctl bridge disable alice")
        # The post's Delete and the actor's go out together; when the
        # actor's is taken first, carol's server has already removed
        # everything alice said (and can no longer fetch her key to check
        # the post's, refused 401 and dropped by alice's server): either
        # way the post is gone there.
        t.ok(h.poll(lambda: seen(bb, note + "#delete") or not bb.rows(
            "SELECT 1 FROM posts WHERE outside_uri = ?", note), 30),
             "the post is gone from carol's server (its Delete, or the "
             "actor's that came first)")
        deletes = a.rows("SELECT body FROM bridge_activities WHERE type = "
                         "'Delete' AND post_id IS NULL")
        t.is_(len(deletes), 1, "one Delete for the actor was written")
        actor_delete = json.loads(deletes[0][0])
        t.is_(actor_delete["object"], a.pub + "/users/alice",
              "... about the actor")
        t.ok(wait_seen(bb, actor_delete["id"]), "... and it arrives")
        t.is_(a.rows("SELECT COUNT(*) FROM bridge_followers"), [(0,)],
              "alice's followers are forgotten")
        r = a.public().get("/users/alice", headers={
            "Accept": "application/activity+json"})
        t.status(r, 410, "alice's actor is gone (410)")
        r = a.public().get("/.well-known/webfinger?resource=acct:alice@"
                           + a.domain)
        t.status(r, 404, "WebFinger no longer finds her")


@h.case
def tls_public_listener(t, fx):
    """bridge.listen ... tls serves the public routes over TLS with the
    public name's own certificate; the test-only loopback switch is
    refused together with it."""
    d = t.tmpdir()
    cert, key = h.make_cert(d)
    srv = b.Bridge(t, name="tls", **{
        "bridge.allow_private_addresses": "no",
        "bridge.tls_cert": cert, "bridge.tls_key": key})
    srv.config["bridge.listen"] = srv.domain + " tls"
    srv.config["bridge.base_url"] = "https://" + srv.domain
    with srv:
        srv.add_user("alice")
        srv.opt_in("alice")
        import ssl
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        c = h.Client(srv.pub_host, srv.pub_port, tls=True,
                     ssl_context=ctx)
        r = c.get("/.well-known/webfinger?resource=acct:alice@" +
                  srv.domain)
        t.status(r, 200, "WebFinger answers over TLS")
        t.is_(r.json()["links"][0]["href"], "https://%s/users/alice" %
              srv.domain, "... with https ids")
        r = c.get("/login")
        t.status(r, 404, "the internal pages are not there over TLS "
                  "either")
    bad = b.Bridge(t, name="tls-loopback", **{
        "bridge.tls_cert": cert, "bridge.tls_key": key})
    bad.config["bridge.listen"] = bad.domain + " tls"
    bad.start(expect_ready=False)
    rc = bad.proc.wait(30)
    t.is_(rc, 2, "allow_private_addresses with a tls public listener: "
          "hearthd refuses to start")
    t.like(bad.log(), r"allow_private_addresses is for tests on loopback; "
           r"it is refused with a tls public listener", "... and says why")


@h.case
def guidelines_first(t, fx):
    """With the guidelines module, nothing is shared outside before the
    guidelines are acknowledged: the gate refuses the share with its
    link; after acknowledging, the same share goes through."""
    gl = (("guidelines", b.os.path.join(b.BUILD, "modules", "guidelines",
                                        "guidelines.so")),)
    with b.Bridge(t, name="gl", modules="guidelines bridge",
                  extra_modules=gl) as srv:
        srv.add_user("boss", admin=True)
        srv.add_user("alice")
        srv.opt_in("alice")
        boss = srv.api("boss")
        r = boss.post("/api/v1/admin/guidelines", {
            "text": "# Be kind\n\nThink before you share outside.",
            "requires_acknowledgement": "true"})
        t.status(r, 200, "the guidelines are published")
        version = r.json()["version"]
        boss.post("/api/v1/guidelines/%s/acknowledge" % version, {})
        alice = srv.api("alice")
        r = alice.post("/api/v1/statuses", {"status": "Out",
                                            "share_outside": "true"})
        t.status(r, 403, "alice cannot post (or share) before "
                 "acknowledging")
        t.like(r.text, "guidelines", "... the refusal names the "
               "guidelines")
        t.is_(srv.rows("SELECT COUNT(*) FROM bridge_shares"), [(0,)],
              "nothing is at the desk")
        r = alice.post("/api/v1/guidelines/%s/acknowledge" % version, {})
        t.status(r, 200, "alice acknowledges")
        r = alice.post("/api/v1/statuses", {"status": "Out",
                                            "share_outside": "true"})
        t.status(r, 200, "then she shares")
        t.is_(srv.rows("SELECT state FROM bridge_shares"), [("pending",)],
              "... and it waits at the desk")


if __name__ == "__main__":
    h.main_cases()
