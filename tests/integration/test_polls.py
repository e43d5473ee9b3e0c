"""Polls, as Mastodon's (issue 21 point 8): POST /api/v1/statuses with
poll[options][], poll[expires_in], poll[multiple] and poll[hide_totals]
(a form or JSON), checked against the limits /api/v2/instance publishes;
GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes for whoever may
read the post, once, not after the end; an edit that changes the options
resets the votes; the end notifies the voters and the author once, even
when hearthd was stopped meanwhile; scheduled posts keep their poll.

Each case can run alone: make check TESTS=tests/integration/test_polls.py
CASE=vote_single (or `python3 .../test_polls.py --list`)."""
import contextlib
import time

import harness as h

# short polls for the cases that wait for an end
SHORT = {"polls.min_expiration": "2"}


def make_poll(c, text, options, expires_in=3600, **extra):
    form = [("status", text)]
    form += [("poll[options][]", o) for o in options]
    form.append(("poll[expires_in]", str(expires_in)))
    for k, v in extra.items():
        if isinstance(v, list):
            form += [(k, x) for x in v]
        else:
            form.append((k, v))
    return c.post("/api/v1/statuses", form)


def vote(c, poll_id, *choices):
    return c.post("/api/v1/polls/%s/votes" % poll_id,
                  [("choices[]", str(x)) for x in choices])


def counts(poll):
    return [o["votes_count"] for o in poll["options"]]


def poll_notes(c):
    r = c.get("/api/v1/notifications?types[]=poll")
    return [n for n in r.json()] if r.status == 200 else None


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people("alice", "bob", "carol")
        yield srv


@h.case
def create_and_validate(t, srv):
    """A valid poll is created; each broken rule is a 422 naming its
    field."""
    alice = srv.p["alice"]
    r = make_poll(alice, "Lunch?", ["Pizza", "Soup"], 3600)
    t.status(r, 200, "a poll is created")
    s = r.json()
    p = s.get("poll") or {}
    t.is_([o["title"] for o in p.get("options", [])], ["Pizza", "Soup"],
          "its options, in order")
    t.is_(counts(p), [0, 0], "no votes yet")
    t.is_((p["votes_count"], p["voters_count"], p["expired"],
           p["multiple"]), (0, 0, False, False), "counts and flags")
    t.is_(p["id"], s["id"], "the poll's id is the post's")
    t.is_((p["voted"], p["own_votes"], p["emojis"]), (True, [], []),
          "its author counts as having voted (Mastodon's Poll#voted?)")
    t.ok(p["expires_at"].endswith("Z"), "expires_at is a time")

    r = alice.request("POST", "/api/v1/statuses", json_body={
        "status": "JSON poll", "poll": {"options": ["a", "b", "c"],
                                        "expires_in": 600,
                                        "multiple": True}})
    t.status(r, 200, "a JSON body's poll")
    t.is_((r.json()["poll"] or {}).get("multiple"), True, "multiple")

    bad = [
        (["only one"], 3600, "poll[options]"),
        (["a", "b", "c", "d", "e"], 3600, "poll[options]"),
        (["x" * 51, "b"], 3600, "poll[options]"),
        (["a", "a"], 3600, "poll[options]"),
        (["a", ""], 3600, "poll[options]"),
        (["a", "b"], 100, "poll[expires_in]"),
        (["a", "b"], 31 * 86400, "poll[expires_in]"),
    ]
    for opts, ex, field in bad:
        r = make_poll(alice, "bad", opts, ex)
        t.status(r, 422, "refused: %r %s" % (opts[:3], ex))
        t.like(r.json().get("error", ""), r"^Validation failed: .*" +
               field.replace("[", r"\[").replace("]", r"\]"),
               "the error names %s" % field)
    r = alice.post("/api/v1/statuses", [("status", "x"),
                                        ("poll[options][]", "a"),
                                        ("poll[options][]", "b"),
                                        ("poll[expires_in]", "soon")])
    t.status(r, 422, "expires_in must be a number")
    t.is_(len(alice.get("/api/v1/accounts/%s/statuses" % alice.id).json()),
          2, "nothing refused was posted")


@h.case
def instance_limits(t, srv):
    """/api/v2/instance publishes the limits; hearth.conf's polls.* set
    them."""
    c = srv.p["alice"]
    pl = c.get("/api/v2/instance").json()["configuration"]["polls"]
    t.is_(pl, {"max_options": 4, "max_characters_per_option": 50,
               "min_expiration": 300, "max_expiration": 2592000},
          "Mastodon's defaults")
    with h.Server(t, name="wide", **{"polls.max_options": "6",
                                     "polls.max_option_chars": "80"}) as w:
        a = w.people("ann")["ann"]
        pl = a.get("/api/v2/instance").json()["configuration"]["polls"]
        t.is_((pl["max_options"], pl["max_characters_per_option"]),
              (6, 80), "the configured limits")
        r = make_poll(a, "six", ["1", "2", "3", "4", "5", "y" * 80])
        t.status(r, 200, "six long options within them")
        r = make_poll(a, "seven", [str(i) for i in range(7)])
        t.status(r, 422, "seven are too many")


@h.case
def vote_single(t, srv):
    """One choice, once; the counts follow; others see their own state."""
    alice, bob, carol = srv.p["alice"], srv.p["bob"], srv.p["carol"]
    pid = make_poll(alice, "Tea or coffee", ["Tea", "Coffee"]).json()["id"]
    r = vote(bob, pid, 1)
    t.status(r, 200, "bob votes")
    p = r.json()
    t.is_((counts(p), p["votes_count"], p["voters_count"], p["voted"],
           p["own_votes"]), ([0, 1], 1, 1, True, [1]),
          "the answer is the poll with bob's vote")
    t.status(vote(bob, pid, 0), 422, "a second vote is refused")
    t.like(vote(bob, pid, 0).json()["error"], "already voted",
           "saying so")
    t.status(vote(carol, pid, 0, 1), 422, "two choices on a single poll")
    t.status(vote(carol, pid, 2), 422, "a choice that is no option")
    t.status(carol.post("/api/v1/polls/%s/votes" % pid, {}), 422,
             "no choice")
    p = carol.get("/api/v1/polls/%s" % pid).json()
    t.is_((counts(p), p["voted"], p["own_votes"]), ([0, 1], False, []),
          "carol reads the counts, not having voted")
    s = carol.get("/api/v1/statuses/%s" % pid).json()
    t.is_(s["poll"]["votes_count"], 1, "the Status carries the poll")
    t.status(vote(carol, pid, 0), 200, "carol votes")
    # timelines go through the Status cache: the poll must stay current
    tl = alice.get("/api/v1/accounts/%s/statuses" % alice.id).json()
    t.is_(counts(tl[0]["poll"]), [1, 1], "a listed Status has the counts")
    tl = bob.get("/api/v1/accounts/%s/statuses" % alice.id).json()
    t.is_(tl[0]["poll"]["own_votes"], [1], "and the reader's own votes")
    t.status(bob.get("/api/v1/polls/999999"), 404, "no such poll")
    plain = h.post_status(alice, "no poll here")
    t.is_(plain["poll"], None, "a post without a poll says null")
    t.status(bob.get("/api/v1/polls/%s" % plain["id"]), 404,
             "and has no poll to read")


@h.case
def vote_multiple(t, srv):
    """Several choices at once, counted per option and per voter."""
    alice, bob, carol = srv.p["alice"], srv.p["bob"], srv.p["carol"]
    r = make_poll(alice, "Which days?", ["Mon", "Tue", "Wed"],
                  **{"poll[multiple]": "true"})
    pid = r.json()["id"]
    t.is_(r.json()["poll"]["multiple"], True, "a multiple-choice poll")
    t.status(vote(bob, pid, 0, 2), 200, "bob picks two")
    t.status(vote(bob, pid, 1), 422, "and cannot vote again")
    t.status(vote(carol, pid, 1, 1), 422, "a choice twice is refused")
    p = vote(carol, pid, 2).json()
    t.is_((counts(p), p["votes_count"], p["voters_count"]),
          ([1, 0, 2], 3, 2), "votes per option, and voters")
    t.is_(bob.get("/api/v1/polls/%s" % pid).json()["own_votes"], [0, 2],
          "bob's own votes")
    r = alice.request("POST", "/api/v1/polls/%s/votes" % pid,
                      json_body={"choices": ["1"]})
    t.status(r, 200, "its author may vote too, as on Mastodon (JSON)")
    t.status(vote(alice, pid, 0), 422, "once")


@h.case
def hide_totals(t, srv):
    """hide_totals: the counts per option are hidden from others until the
    end; its author sees them."""
    alice, bob = srv.p["alice"], srv.p["bob"]
    pid = make_poll(alice, "Secret ballot", ["yes", "no"],
                    **{"poll[hide_totals]": "true"}).json()["id"]
    p = vote(bob, pid, 0).json()
    t.is_(counts(p), [None, None], "the voter sees no counts")
    t.is_(p["votes_count"], 1, "only the total")
    t.is_(counts(alice.get("/api/v1/polls/%s" % pid).json()), [1, 0],
          "the author sees them")


@h.case
def access(t, srv):
    """A poll is read and voted in by whoever may read its post."""
    alice, bob, carol = srv.p["alice"], srv.p["bob"], srv.p["carol"]
    t.status(bob.post("/api/v1/accounts/%s/follow" % alice.id), 200,
             "bob follows alice")
    r = make_poll(alice, "followers only", ["a", "b"],
                  visibility="private")
    pid = r.json()["id"]
    t.status(bob.get("/api/v1/polls/%s" % pid), 200, "a follower reads it")
    t.status(vote(bob, pid, 0), 200, "and votes")
    t.status(carol.get("/api/v1/polls/%s" % pid), 404,
             "someone who cannot read the post cannot read the poll")
    t.status(vote(carol, pid, 1), 404, "nor vote in it")
    t.is_(counts(alice.get("/api/v1/polls/%s" % pid).json()), [1, 0],
          "carol's vote was not counted")
    d = make_poll(alice, "@bob a direct poll", ["x", "y"],
                  visibility="direct").json()["id"]
    t.status(vote(carol, d, 0), 404, "a direct post's poll: not for carol")
    t.status(vote(bob, d, 1), 200, "but for bob, mentioned")
    anon = srv.client()
    t.status(anon.get("/api/v1/polls/%s" % pid), 401, "signed out: 401")


@h.case
def edit_resets(t, srv):
    """An edit with the same options keeps the votes; changed options
    reset them (Mastodon's UpdateStatusService); an edit without a poll
    takes it away."""
    alice, bob = srv.p["alice"], srv.p["bob"]
    pid = make_poll(alice, "Venue", ["Hall", "Garden"]).json()["id"]
    t.status(vote(bob, pid, 1), 200, "bob votes")
    form = [("status", "Venue (edited)"), ("poll[options][]", "Hall"),
            ("poll[options][]", "Garden"), ("poll[expires_in]", "7200")]
    r = alice.request("PUT", "/api/v1/statuses/%s" % pid, form=form)
    t.status(r, 200, "edited, same options")
    t.is_(counts(r.json()["poll"]), [0, 1], "the votes stay")
    form[2] = ("poll[options][]", "Roof")
    r = alice.request("PUT", "/api/v1/statuses/%s" % pid, form=form)
    t.status(r, 200, "edited, an option changed")
    p = r.json()["poll"]
    t.is_(([o["title"] for o in p["options"]], counts(p)),
          (["Hall", "Roof"], [0, 0]), "the votes are reset")
    t.is_(bob.get("/api/v1/polls/%s" % pid).json()["voted"], False,
          "bob may vote again")
    t.status(vote(bob, pid, 0), 200, "and does")
    r = alice.request("PUT", "/api/v1/statuses/%s" % pid,
                      form={"status": "no poll any more"})
    t.status(r, 200, "edited without a poll")
    t.is_(r.json()["poll"], None, "the poll is gone")
    t.status(bob.get("/api/v1/polls/%s" % pid), 404, "and cannot be read")


@h.case
def end_and_notify(t, srv):
    """After its end a vote is refused, the results show, and the voters
    and the author are told once, even when hearthd was stopped across
    the end."""
    with h.Server(t, name="short", **SHORT) as s:
        p = s.people("ann", "ben", "cat")
        ann, ben, cat = p["ann"], p["ben"], p["cat"]
        pid = make_poll(ann, "Quick one", ["a", "b"], 3,
                        **{"poll[hide_totals]": "true"}).json()["id"]
        t.status(vote(ben, pid, 1), 200, "ben votes")
        s.stop()
        time.sleep(4)
        s.start()
        toks = {n: c.token for n, c in p.items()}
        ann, ben, cat = (s.client(headers={"Authorization": "Bearer " +
                                           toks[n]})
                         for n in ("ann", "ben", "cat"))
        ok = h.poll(lambda: len(poll_notes(ben) or []) == 1 and
                    len(poll_notes(ann) or []) == 1, 15, 0.2)
        t.ok(ok, "the voter and the author are told after the start")
        n = poll_notes(ben)[0]
        t.is_((n["type"], n["account"]["username"], n["status"]["id"]),
              ("poll", "ann", pid), "a poll notification about the post")
        t.is_(n["status"]["poll"]["expired"], True, "the poll has ended")
        t.is_(counts(n["status"]["poll"]), [0, 1],
              "hide_totals no longer hides")
        t.is_(poll_notes(cat), [], "someone who did not vote is not told")
        t.status(vote(cat, pid, 0), 422, "a vote after the end")
        t.like(vote(cat, pid, 0).json()["error"], "ended", "saying so")
        time.sleep(3)
        t.is_((len(poll_notes(ben)), len(poll_notes(ann))), (1, 1),
              "told once")
        web = s.client()
        t.status(web.login("ben"), 303, "ben signs in on the web")
        t.like(web.get("/notifications").text,
               "a poll you voted in has ended", "the web page says so")
        web = s.client()
        web.login("ann")
        t.like(web.get("/notifications").text, "your poll has ended",
               "and to its author")


@h.case
def web_composers(t, srv):
    """The web's composers (home and a group's) post a poll from their
    plain forms; empty choices are no poll."""
    alice = srv.p["alice"]
    web = srv.client()
    web.login("alice")

    def compose(path, text, options, **extra):
        form = [("csrf", web.csrf(path)), ("status", text),
                ("poll[web]", "1")]
        form += [("poll[options][]", o) for o in options]
        form += [("poll[expires_in]", "86400")] + list(extra.items())
        return web.post("/compose" if path == "/" else path + "/post", form)

    def newest():
        return alice.get("/api/v1/accounts/%s/statuses" %
                         alice.id).json()[0]

    t.status(compose("/", "home poll", ["Yes", "No", "", ""],
                     **{"poll[multiple]": "true"}), 303, "home composer")
    s = newest()
    t.is_((s["content"].strip(), [o["title"] for o in s["poll"]["options"]],
           s["poll"]["multiple"]), ("<p>home poll</p>", ["Yes", "No"], True),
          "a poll of the two filled in, several choices")
    t.status(compose("/", "no poll", ["", "", "", ""]), 303,
             "empty choices")
    t.is_(newest()["poll"], None, "are no poll")
    r = compose("/", "half", ["only", "", "", ""])
    t.status(r, 422, "one choice is refused")
    t.like(r.text, "poll\\[options\\] must have at least 2 items",
           "saying why by the composer")
    g = alice.post("/api/v1/groups", {"name": "Lunch club"}).json()
    path = "/groups/%s" % g["id"]
    t.status(compose(path, "group poll", ["Mon", "Tue", "", ""]), 303,
             "a group's composer")
    s = newest()
    t.is_(((s.get("group") or {}).get("id"),
           [o["title"] for o in s["poll"]["options"]]),
          (g["id"], ["Mon", "Tue"]), "a poll in the group")
    t.like(web.get(path).text, 'class="poll-results"',
           "its card shows its author the results")
    bob = srv.client()
    bob.login("bob")
    t.like(bob.get(path).text, 'type="radio" name="choices\\[\\]"',
           "and offers others the vote")


@h.case
def scheduled_poll(t, srv):
    """A scheduled post keeps its poll and publishes it."""
    env = {"HEARTH_SCHEDULE_MIN_LEAD": "2"}
    with h.Server(t, name="sched", env=env) as s:
        ann = s.people("ann")["ann"]
        import datetime
        at = (datetime.datetime.now(datetime.timezone.utc) +
              datetime.timedelta(seconds=3)).strftime(
                  "%Y-%m-%dT%H:%M:%S.000Z")
        r = make_poll(ann, "later poll", ["x", "y"], 600, scheduled_at=at)
        t.status(r, 200, "scheduled with a poll")
        t.is_((r.json()["params"]["poll"] or {}).get("options"), ["x", "y"],
              "the ScheduledStatus keeps it")
        ok = h.poll(lambda: len(ann.get("/api/v1/accounts/%s/statuses" %
                                        ann.id).json()) == 1, 15, 0.2)
        t.ok(ok, "published")
        st = ann.get("/api/v1/accounts/%s/statuses" % ann.id).json()
        t.is_([o["title"] for o in (st[0]["poll"] or {}).get("options",
                                                              [])],
              ["x", "y"], "with its poll")


if __name__ == "__main__":
    h.main_cases(fixture)
