"""The Mastodon statuses API, case by case: posting (with its checks and
its Idempotency-Key), reading one, its context, editing with history and
source, deleting (with the text back, for delete-and-redraft), and
favourites. Who may see what is test_access_matrix.py's; streams are
test_streaming.py's.

Each case can run alone: make check TESTS=tests/integration/test_statuses.py
CASE=edit_keeps_history (or `python3 .../test_statuses.py --list`)."""
import contextlib
import itertools

import harness as h

API = "/api/v1/statuses"
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.p = srv.people("alice", "bob", "carol")
        yield srv


def fresh(srv, base):
    """A person of the case's own (so cases share no counts): a client."""
    name = "%s%d" % (base, next(_n))
    return srv.people(name)[name]


@h.case
def create(t, srv):
    """POST a status: its entity, with Markdown rendered."""
    a = srv.p["alice"]
    r = a.post(API, {"status": "Hello **world** #News"})
    t.status(r, 200, "POST /statuses")
    s = r.json()
    t.is_((s["account"]["username"], s["visibility"]), ("alice", "public"),
          "by alice, public by default")
    t.like(s["content"], r"<strong>world</strong>", "Markdown rendered")
    t.is_([x["name"] for x in s["tags"]], ["news"], "the tag, lowercased")
    t.ok(isinstance(s["id"], str) and s["id"].isdigit(), "a string id")
    t.is_((s["favourites_count"], s["replies_count"], s["favourited"]),
          (0, 0, False), "no favourites or replies yet")
    t.is_(s["edited_at"], None, "not edited")
    r = a.get(API + "/" + s["id"])
    t.status(r, 200, "GET it back")
    t.is_(r.json()["content"], s["content"], "the same content")


@h.case
def create_checks(t, srv):
    """Empty, too long, an unknown visibility and a bad reply are 422/404,
    and nothing is posted."""
    u = fresh(srv, "checker")
    for form, want, what in [
            ({"status": ""}, 422, "an empty status"),
            ({"status": "   \n "}, 422, "a blank status"),
            ({"status": "x" * 5001}, 422, "5,001 characters"),
            ({"status": "hi", "visibility": "everyone"}, 422,
             "an unknown visibility"),
            ({"status": "hi", "in_reply_to_id": "999999"}, 404,
             "a reply to no post"),
            ({"status": "hi", "in_reply_to_id": "abc"}, 422,
             "a reply to a non-numeric id"),
            ({"status": "hi", "spoiler_text": "s" * 501}, 422,
             "a 501-character content warning")]:
        r = u.post(API, form)
        t.status(r, want, "%s is %d" % (what, want))
        t.ok("error" in (r.json() if r.body else {}), "... with an error")
    r = u.get("/api/v1/accounts/%s/statuses" % u.id)
    t.is_(r.json(), [], "nothing was posted")
    r = u.post(API, {"status": "x" * 5000})
    t.status(r, 200, "5,000 characters is fine")


@h.case
def create_json(t, srv):
    """A JSON body works as a form does, with typed values."""
    a = srv.p["alice"]
    r = a.request("POST", API, body=b'{"status": "json post", '
                  b'"sensitive": true, "spoiler_text": "cw", '
                  b'"visibility": "unlisted"}',
                  headers={"Content-Type": "application/json"})
    t.status(r, 200, "POST with a JSON body")
    s = r.json()
    t.is_((s["sensitive"], s["spoiler_text"], s["visibility"]),
          (True, "cw", "unlisted"), "its fields taken")


@h.case
def idempotency_key(t, srv):
    """The same Idempotency-Key from the same person posts once."""
    u = fresh(srv, "retrier")
    hdr = {"Idempotency-Key": "k-%d" % next(_n)}
    r1 = u.post(API, {"status": "once"}, headers=hdr)
    r2 = u.post(API, {"status": "once"}, headers=hdr)
    t.status(r2, 200, "a retry is 200")
    t.is_(r2.json()["id"], r1.json()["id"], "... with the first's status")
    r = u.get("/api/v1/accounts/%s/statuses" % u.id)
    t.is_(len(r.json()), 1, "one post made")
    other = fresh(srv, "retrier")
    r3 = other.post(API, {"status": "once"}, headers=hdr)
    t.isnt(r3.json()["id"], r1.json()["id"],
           "another person's same key is their own post")


@h.case
def get_unknown(t, srv):
    """Unknown ids and invisible posts are 404 alike."""
    a, b = srv.p["alice"], srv.p["bob"]
    for path in ["/999999", "/0", "/-1", "/abc", "/99999999999999999999"]:
        t.status(a.get(API + path), 404, "GET %s is 404" % path)
    d = h.post_status(a, "@carol psst", visibility="direct")
    t.status(b.get(API + "/" + d["id"]), 404,
             "bob may not read a direct post to carol: 404")
    t.status(srv.p["carol"].get(API + "/" + d["id"]), 200,
             "carol, mentioned, may")
    t.status(srv.client().get(API + "/" + d["id"]), 401,
             "signed out: 401")


@h.case
def reply_and_context(t, srv):
    """A thread: replies count, in_reply_to fields, and the context."""
    a, b, c = srv.p["alice"], srv.p["bob"], srv.p["carol"]
    root = h.post_status(a, "a thread")
    r1 = h.post_status(b, "first reply", in_reply_to_id=root["id"])
    r2 = h.post_status(c, "reply to the reply", in_reply_to_id=r1["id"])
    t.is_((r1["in_reply_to_id"], r1["in_reply_to_account_id"]),
          (root["id"], a.id), "a reply names its post and author")
    t.is_(a.get(API + "/" + root["id"]).json()["replies_count"], 1,
          "the root counts one direct reply")
    ctx = b.get(API + "/" + r1["id"] + "/context").json()
    t.is_(([x["id"] for x in ctx["ancestors"]],
           [x["id"] for x in ctx["descendants"]]),
          ([root["id"]], [r2["id"]]), "context: ancestors and descendants")
    ctx = b.get(API + "/" + root["id"] + "/context").json()
    t.is_([x["id"] for x in ctx["descendants"]], [r1["id"], r2["id"]],
          "the root's descendants, in thread order")
    t.status(b.get(API + "/999999/context"), 404, "no post, no context")


@h.case
def edit_keeps_history(t, srv):
    """PUT edits the author's post; history and source follow."""
    u = fresh(srv, "editor")
    s = h.post_status(u, "first words", spoiler_text="cw1")
    r = u.request("PUT", API + "/" + s["id"],
                  form={"status": "second *words*", "spoiler_text": ""})
    t.status(r, 200, "PUT /statuses/:id")
    e = r.json()
    t.like(e["content"], r"<em>words</em>", "the new content")
    t.ok(e["edited_at"] is not None, "edited_at is set")
    t.is_(e["id"], s["id"], "the same id")
    hist = u.get(API + "/" + s["id"] + "/history").json()
    t.is_(len(hist), 2, "history: the original and the edit")
    t.like(hist[0]["content"], "first words", "... oldest first")
    t.is_(hist[0]["spoiler_text"], "cw1", "... with its content warning")
    t.ok(all("account" in x and "created_at" in x for x in hist),
         "... each with account and created_at")
    src = u.get(API + "/" + s["id"] + "/source").json()
    t.is_((src["id"], src["text"], src["spoiler_text"]),
          (s["id"], "second *words*", ""), "source: the Markdown as typed")


@h.case
def edit_refusals(t, srv):
    """Only the author edits; an invisible post is 404; checks apply."""
    a, b = srv.p["alice"], srv.p["bob"]
    s = h.post_status(a, "alice's own")
    r = b.request("PUT", API + "/" + s["id"], form={"status": "bob's now"})
    t.status(r, 403, "bob may not edit alice's post: 403")
    d = h.post_status(a, "@carol only", visibility="direct")
    r = b.request("PUT", API + "/" + d["id"], form={"status": "x"})
    t.status(r, 404, "nor one he cannot see: 404")
    r = a.request("PUT", API + "/" + s["id"], form={"status": ""})
    t.status(r, 422, "an empty edit is 422")
    t.like(a.get(API + "/" + s["id"]).json()["content"], "alice's own",
           "the post is unchanged")
    t.status(a.request("PUT", API + "/999999", form={"status": "x"}), 404,
             "editing no post is 404")


@h.case
def delete_redraft(t, srv):
    """DELETE answers the post with its source; it is gone after."""
    u = fresh(srv, "deleter")
    s = h.post_status(u, "to *go*", spoiler_text="cw")
    r = u.request("DELETE", API + "/" + s["id"])
    t.status(r, 200, "DELETE /statuses/:id")
    d = r.json()
    t.is_((d["id"], d.get("text"), d["spoiler_text"]),
          (s["id"], "to *go*", "cw"), "answers the post, with its source")
    t.status(u.get(API + "/" + s["id"]), 404, "gone afterwards")
    t.status(u.request("DELETE", API + "/" + s["id"]), 404,
             "deleting it again is 404")
    t.is_(u.me().json()["statuses_count"], 0, "the count is back to 0")


@h.case
def delete_refusals(t, srv):
    """Only the author (or an admin) deletes."""
    a, b = srv.p["alice"], srv.p["bob"]
    s = h.post_status(a, "stays")
    t.status(b.request("DELETE", API + "/" + s["id"]), 403,
             "bob may not delete alice's post: 403")
    t.status(a.get(API + "/" + s["id"]), 200, "it is still there")
    name = "boss%d" % next(_n)
    srv.add_user(name, admin=True)
    boss = srv.client(headers={"Authorization": "Bearer " +
                               srv.token(name)})
    t.status(boss.request("DELETE", API + "/" + s["id"]), 200,
             "an admin may delete it")
    t.status(a.get(API + "/" + s["id"]), 404, "then it is gone")


@h.case
def favourite(t, srv):
    """Favourite and unfavourite: counts, idempotence, favourited_by."""
    a, b, c = srv.p["alice"], srv.p["bob"], srv.p["carol"]
    s = h.post_status(a, "like me")
    r = b.post(API + "/" + s["id"] + "/favourite")
    t.status(r, 200, "favourite")
    t.is_((r.json()["favourited"], r.json()["favourites_count"]),
          (True, 1), "favourited, counted")
    r = b.post(API + "/" + s["id"] + "/favourite")
    t.is_(r.json()["favourites_count"], 1, "again: still one")
    c.post(API + "/" + s["id"] + "/favourite")
    who = a.get(API + "/" + s["id"] + "/favourited_by").json()
    t.is_(sorted(x["username"] for x in who), ["bob", "carol"],
          "favourited_by lists both")
    t.is_(a.get(API + "/" + s["id"]).json()["favourited"], False,
          "not favourited by alice herself")
    r = b.post(API + "/" + s["id"] + "/unfavourite")
    t.is_((r.json()["favourited"], r.json()["favourites_count"]),
          (False, 1), "unfavourite")
    r = b.post(API + "/" + s["id"] + "/unfavourite")
    t.status(r, 200, "unfavouriting again is fine")
    t.status(b.post(API + "/999999/favourite"), 404,
             "favouriting no post is 404")
    d = h.post_status(a, "@carol secret", visibility="direct")
    t.status(b.post(API + "/" + d["id"] + "/favourite"), 404,
             "nor one bob cannot see")


@h.case
def favourites_list(t, srv):
    """GET /favourites: mine, newest favourite first, paged."""
    u = fresh(srv, "fan")
    a = srv.p["alice"]
    posts = [h.post_status(a, "fav %d" % i) for i in range(5)]
    for p in posts:
        u.post(API + "/" + p["id"] + "/favourite")
    r = u.get("/api/v1/favourites?limit=2")
    t.status(r, 200, "GET /favourites")
    t.is_([x["id"] for x in r.json()], [posts[4]["id"], posts[3]["id"]],
          "the newest favourites first, two per page")
    t.like(r.header("Link") or "", r'rel="next"', "a Link to the next page")
    seen = [x["id"] for x in r.json()]
    nxt = [p for p in (r.header("Link") or "").split(",")
           if 'rel="next"' in p][0]
    path = nxt[nxt.index("/api/"):nxt.index(">")]
    while path:
        r = u.get(path)
        seen += [x["id"] for x in r.json()]
        links = [p for p in (r.header("Link") or "").split(",")
                 if 'rel="next"' in p]
        path = links[0][links[0].index("/api/"):links[0].index(">")] \
            if links and r.json() else None
    t.is_(seen, [p["id"] for p in reversed(posts)],
          "following the links gives each once, in order")


@h.case
def signed_out(t, srv):
    """Every statuses route wants a signed-in caller."""
    anon = srv.client()
    s = h.post_status(srv.p["alice"], "public")
    for method, path in [("POST", API), ("GET", API + "/" + s["id"]),
                         ("PUT", API + "/" + s["id"]),
                         ("DELETE", API + "/" + s["id"]),
                         ("GET", API + "/" + s["id"] + "/context"),
                         ("GET", API + "/" + s["id"] + "/history"),
                         ("GET", API + "/" + s["id"] + "/source"),
                         ("POST", API + "/" + s["id"] + "/favourite"),
                         ("GET", "/api/v1/favourites")]:
        r = anon.request(method, path, form={} if method != "GET" else None)
        t.status(r, 401, "%s %s signed out is 401" % (method, path))


if __name__ == "__main__":
    h.main_cases(fixture)
