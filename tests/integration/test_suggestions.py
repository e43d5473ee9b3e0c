"""Follow suggestions (issue 21, point 8): GET /api/v2/suggestions (and
v1): colleagues of one's department first, then people one's follows
follow; never oneself, anyone followed already, a deactivated account, or
anyone dismissed with DELETE /api/v1/suggestions/:account_id (kept).

Each case can run alone: make check TESTS=tests/integration/test_suggestions.py
CASE=order_and_exclusions (or `python3 .../test_suggestions.py --list`)."""
import contextlib

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


def dept(c, name):
    r = c.request("PATCH", "/api/v1/accounts/update_credentials",
                  json_body={"department": name})
    if r.status != 200:
        raise RuntimeError("setting the department failed: " + r.summary())


@h.case
def order_and_exclusions(t, srv):
    """The whole behaviour on one small company."""
    u = srv.people("me", "eng1", "eng2", "eng3", "sales1", "friend",
                   "fof", "fof2", "off")
    me = u["me"]
    for n in ("me", "eng1", "eng2", "eng3", "off"):
        dept(u[n], "Engineering")
    dept(u["sales1"], "Sales")
    dept(u["fof"], "sales")
    srv.ctl("user", "disable", "off")
    me.post("/api/v1/accounts/%s/follow" % u["eng3"].id)
    me.post("/api/v1/accounts/%s/follow" % u["friend"].id)
    u["friend"].post("/api/v1/accounts/%s/follow" % u["fof"].id)
    u["friend"].post("/api/v1/accounts/%s/follow" % u["fof2"].id)
    u["eng3"].post("/api/v1/accounts/%s/follow" % u["fof2"].id)
    u["friend"].post("/api/v1/accounts/%s/follow" % u["eng1"].id)
    h.post_status(u["eng2"], "eng2 was active lately")
    r = me.get("/api/v2/suggestions")
    t.status(r, 200, "GET /api/v2/suggestions")
    got = [(s["account"]["username"], s["sources"], s["source"])
           for s in r.json()]
    names = [g[0] for g in got]
    t.is_(sorted(names[:2]), ["eng1", "eng2"],
          "department colleagues first (not eng3, followed already)")
    t.ok(all(g[1:] == (["featured"], "staff") for g in got[:2]),
         "... as featured (staff)")
    t.is_(names[2:], ["fof2", "fof"],
          "then people one's follows follow, by how many of them do")
    t.ok(all(g[1:] == (["friends_of_friends"], "global") for g in got[2:]),
         "... as friends_of_friends (global)")
    t.ok(not {"me", "eng3", "friend", "off", "sales1"} & set(names),
         "never oneself, anyone followed, a deactivated account, or "
         "anyone else")
    r = me.get("/api/v1/suggestions")
    t.status(r, 200, "GET /api/v1/suggestions")
    t.is_([a["username"] for a in r.json()], names,
          "v1: the same people, as Accounts")
    t.is_(len(me.get("/api/v2/suggestions?limit=1").json()), 1, "limit")
    r = me.request("DELETE", "/api/v1/suggestions/%s" % u["fof2"].id)
    t.status(r, 200, "dismiss fof2")
    t.is_(r.json(), {}, "... answered {}")
    names2 = [s["account"]["username"]
              for s in me.get("/api/v2/suggestions").json()]
    t.ok("fof2" not in names2 and "fof" in names2, "fof2 is gone for good")
    me.post("/api/v1/accounts/%s/follow" % u["eng1"].id)
    me.post("/api/v1/accounts/%s/unfollow" % u["eng1"].id)
    names3 = [s["account"]["username"]
              for s in me.get("/api/v2/suggestions").json()]
    t.ok("fof2" not in names3, "... even later")
    t.ok("eng1" in names3, "unfollowing someone makes them suggestable "
         "again")
    r = u["sales1"].get("/api/v2/suggestions").json()
    t.is_([s["account"]["username"] for s in r][:1], ["fof"],
          "sales1's first suggestion is fof, of Sales (any case)")


if __name__ == "__main__":
    h.main_cases(fixture)
