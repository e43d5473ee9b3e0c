"""What a reader may see of a post, and its counts, are remembered between
requests (peek.c, stamp.c). Each change that moves them must show on the
very next read, through every kind of listing: a favourite (someone
else's and the reader's own), an edit, a new display name, a delete, an
unfollow hiding a followers-only post, leaving a private group hiding its
posts, an edit dropping the mention that let the reader see a direct post,
and many favourites back to back read from another connection right after
each answer (a remembered answer from before a commit must never win).

Each case can run alone: make check
TESTS=tests/integration/test_remembered_peeks.py CASE=back_to_back_favourites
(or `python3 .../test_remembered_peeks.py --list`)."""
import contextlib
import itertools

import harness as h

API = "/api/v1"
HOME = API + "/timelines/home?limit=40"
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def trio(srv):
    """alice, bob and carol of the case's own (so no case sees another's
    follows, favourites or names): bearer-token clients."""
    n = next(_n)
    names = ["%s%d" % (x, n) for x in ("alice", "bob", "carol")]
    p = srv.people(*names)
    return [p[x] for x in names]


def ids(resp):
    return [s["id"] for s in resp.json()] if resp.status == 200 else None


def find(resp, pid):
    for s in resp.json() if resp.status == 200 else []:
        if s["id"] == pid:
            return s
    return None


def descendants(c, pid):
    r = c.get(API + "/statuses/%s/context" % pid)
    return [s["id"] for s in r.json()["descendants"]]


def post(t, c, what, **form):
    r = c.post(API + "/statuses", form)
    t.status(r, 200, what)
    return r.json()["id"]


def followed_post(t, srv):
    """alice follows bob and reads his public post in her home, so it is
    remembered: (alice, bob, carol, the post's id)."""
    a, b, c = trio(srv)
    t.status(a.post(API + "/accounts/%s/follow" % b.id), 200,
             "alice follows bob")
    root = post(t, b, "bob posts", status="root post", visibility="public")
    s = find(a.get(HOME), root)
    t.ok(s is not None and s["favourites_count"] == 0,
         "alice reads bob's post (now remembered)")
    return a, b, c, root


@h.case
def favourite_counts(t, srv):
    """Someone else's favourite and the reader's own show at once."""
    a, b, c, root = followed_post(t, srv)
    t.status(c.post(API + "/statuses/%s/favourite" % root), 200,
             "carol favourites it")
    s = find(a.get(HOME), root)
    t.is_(s and s["favourites_count"], 1, "alice sees the count at once")
    t.is_(s and s["favourited"], False, "... not as her favourite")
    t.status(a.post(API + "/statuses/%s/favourite" % root), 200,
             "alice favourites it")
    s = find(a.get(HOME), root)
    t.is_(s and s["favourited"], True, "her favourite shows at once")
    t.is_(s and s["favourites_count"], 2, "... and the count")


@h.case
def edit_and_rename(t, srv):
    """An edit and the author's new name show at once."""
    a, b, c, root = followed_post(t, srv)
    t.status(b.request("PUT", API + "/statuses/%s" % root,
                       form={"status": "root post, edited"}), 200,
             "bob edits")
    s = find(a.get(HOME), root)
    t.like(s and s["content"] or "", r"edited", "the edit shows at once")
    t.ok(s and s["edited_at"], "... with edited_at")
    t.status(b.request("PATCH", API + "/accounts/update_credentials",
                       form={"display_name": "Robert"}), 200,
             "bob renames")
    s = find(a.get(HOME), root)
    t.is_(s and s["account"]["display_name"], "Robert",
          "the new name shows at once")


@h.case
def unfollow_hides_followers_only(t, srv):
    """A followers-only reply, seen while following through the home
    timeline and the thread, is gone everywhere after unfollowing."""
    a, b, c, root = followed_post(t, srv)
    priv = post(t, b, "bob replies to followers only",
                status="for followers", visibility="private",
                in_reply_to_id=root)
    t.ok(priv in ids(a.get(HOME)),
         "alice sees bob's followers-only reply in home")
    t.ok(priv in descendants(a, root), "... and in the thread")
    t.status(a.post(API + "/accounts/%s/unfollow" % b.id), 200,
             "alice unfollows bob")
    t.ok(priv not in descendants(a, root),
         "the followers-only reply leaves the thread at once")
    t.ok(priv not in (ids(a.get(API + "/accounts/%s/statuses" % b.id))
                      or []),
         "... and bob's profile stream")
    t.status(a.get(API + "/statuses/%s" % priv), 404,
             "... and cannot be fetched")


@h.case
def leaving_group_hides_posts(t, srv):
    """A private group's post, read while a member, leaves home and its
    hashtag after leaving."""
    a, b, c = trio(srv)
    r = b.post(API + "/groups", {"name": "Secret", "visibility": "private"})
    t.status(r, 200, "bob makes a private group")
    gid = r.json()["id"]
    t.status(b.post(API + "/groups/%s/members" % gid,
                    {"account_id": a.id}), 200, "bob adds alice")
    gpost = post(t, b, "bob posts in the group",
                 status="in the group #quiet", group_id=gid)
    tag = API + "/timelines/tag/quiet"
    t.ok(gpost in (ids(a.get(HOME)) or []),
         "alice, a member, sees the group post in home")
    t.ok(gpost in (ids(a.get(tag)) or []), "... and under its hashtag")
    t.status(a.post(API + "/groups/%s/leave" % gid), 200,
             "alice leaves the group")
    t.ok(gpost not in (ids(a.get(HOME)) or []),
         "the group post leaves her home at once")
    t.ok(gpost not in (ids(a.get(tag)) or []), "... and the hashtag")


@h.case
def edit_drops_mention(t, srv):
    """A direct post seen while mentioned leaves the thread when an edit
    drops the mention."""
    a, b, c, root = followed_post(t, srv)
    acct = a.me().json()["acct"]
    dm = post(t, b, "bob writes to alice directly",
              status="@%s just you" % acct, visibility="direct",
              in_reply_to_id=root)
    t.ok(dm in descendants(a, root),
         "alice sees the direct post in the thread")
    t.status(b.request("PUT", API + "/statuses/%s" % dm,
                       form={"status": "nobody now"}), 200,
             "bob edits the mention away")
    t.ok(dm not in descendants(a, root),
         "the direct post leaves her view at once")


@h.case
def delete(t, srv):
    """A deleted post leaves the public stream at once."""
    a, b, c, root = followed_post(t, srv)
    public = API + "/timelines/public"
    t.ok(root in (ids(a.get(public)) or []),
         "alice sees the post in the public stream")
    t.status(b.request("DELETE", API + "/statuses/%s" % root), 200,
             "bob deletes the root post")
    t.ok(root not in (ids(a.get(public)) or []),
         "it is gone from alice's public stream at once")


@h.case
def back_to_back_favourites(t, srv):
    """Many favourites back to back, each read on other connections right
    after its answer: every read is current."""
    a, b, c = trio(srv)
    pid = post(t, b, "bob posts", status="count me", visibility="public")
    # carol favourites and unfavourites, and alice reads on another
    # connection right after each answer, alternating between the loops.
    # A count remembered from a snapshot older than the answer would show
    # here.
    auth = {"Authorization": "Bearer " + a.token}
    reader = srv.client()
    wrong = []
    for i in range(40):
        verb = "favourite" if i % 2 == 0 else "unfavourite"
        c.post(API + "/statuses/%s/%s" % (pid, verb))
        want = 1 if i % 2 == 0 else 0
        for r in (reader, srv.client()):
            s = find(r.request("GET", API + "/timelines/public?limit=5",
                               headers=auth), pid)
            if s is None or s["favourites_count"] != want:
                wrong.append((i, s and s["favourites_count"]))
    t.is_(wrong, [], "80 reads right after 40 changes: every one current")


if __name__ == "__main__":
    h.main_cases(fixture)
