"""The unread count every page shows is remembered (epoch.c) and must move
the moment anything changes it: a new notification, the marker, dismissing
or clearing, and the rarer changes that hide a notification's post (the
post deleted, leaving a private group); so must the composer's list of
groups. Each step reads the count twice, so a remembered answer is what is
checked.

Each case can run alone: make check TESTS=tests/integration/test_unread.py
CASE=private_group (or `python3 .../test_unread.py --list`). Each has an
alice (signed in with a browser) and a bob of its own, and first brings
her count to where the checks expect it."""
import contextlib
import itertools
import re

import harness as h

_n = itertools.count(1)


def unread(c):
    text = c.get("/").text
    m = re.search(r'data-unread="(\d+)"', text)
    return int(m.group(1)) if m else -1


class Pair:
    """alice, signed in with a browser (a), and bob, who mentions her
    through the API; both new."""

    def __init__(self, t, srv):
        k = next(_n)
        self.t = t
        self.alice_name, bob_name = "alice%d" % k, "bob%d" % k
        srv.add_user(self.alice_name)
        srv.add_user(bob_name)
        self.bob = {"Authorization": "Bearer " + srv.token(bob_name)}
        self.alice = {"Authorization": "Bearer " +
                      srv.token(self.alice_name)}
        self.api = srv.client()
        self.a = srv.client()
        t.status(self.a.login(self.alice_name), 303, "alice signs in")

    def post(self, text, **kw):
        """bob posts text, with @alice standing for her name."""
        text = text.replace("@alice", "@" + self.alice_name)
        form = {"status": text, "visibility": "public"}
        form.update(kw)
        r = self.api.request("POST", "/api/v1/statuses", headers=self.bob,
                             form=form)
        self.t.status(r, 200, "bob posts %r" % text)
        return r.json()["id"]

    def as_alice(self, method, path, form=None):
        return self.api.request(method, path, headers=self.alice, form=form)

    def as_bob(self, method, path, form=None):
        return self.api.request(method, path, headers=self.bob, form=form)

    def expect(self, n, name):
        self.t.is_(unread(self.a), n, name)
        self.t.is_(unread(self.a), n, name + " (again, remembered)")


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        yield srv


@h.case
def mentions_and_marker(t, srv):
    """Mentions raise the count; the notifications marker lowers it."""
    s = Pair(t, srv)
    s.expect(0, "nothing unread")
    s.post("hi @alice")
    s.expect(1, "a mention counts")
    s.post("again @alice")
    s.expect(2, "another one")
    notes = s.as_alice("GET", "/api/v1/notifications").json()
    r = s.as_alice("POST", "/api/v1/markers",
                   {"notifications[last_read_id]": notes[-1]["id"]})
    t.status(r, 200, "alice reads up to the older one")
    s.expect(1, "the marker moves the count")


@h.case
def deleted_posts(t, srv):
    """A deleted post's notification stops counting if it was unread."""
    s = Pair(t, srv)
    p1 = s.post("hi @alice")
    s.post("again @alice")
    notes = s.as_alice("GET", "/api/v1/notifications").json()
    r = s.as_alice("POST", "/api/v1/markers",
                   {"notifications[last_read_id]": notes[-1]["id"]})
    t.status(r, 200, "alice reads up to the older one")
    s.expect(1, "one read, one unread")
    r = s.as_bob("DELETE", "/api/v1/statuses/%s" % p1)
    t.status(r, 200, "bob deletes his first post")
    s.expect(1, "a read notification's post deleted: the count stays")
    p3 = s.post("third @alice")
    s.expect(2, "a third mention")
    r = s.as_bob("DELETE", "/api/v1/statuses/%s" % p3)
    t.status(r, 200, "bob deletes it")
    s.expect(1, "an unread notification's post deleted: the count drops")


@h.case
def private_group(t, srv):
    """Being added to a group counts and lists it in the composer;
    leaving it uncounts what she may no longer read and unlists it."""
    s = Pair(t, srv)
    s.post("hi @alice")
    s.expect(1, "one mention unread to start with")
    name = "Secret %d" % next(_n)
    r = s.as_bob("POST", "/api/v1/groups",
                 {"name": name, "visibility": "private"})
    t.status(r, 200, "bob makes a private group")
    gid = r.json()["id"]
    alice_id = s.as_alice("GET",
                          "/api/v1/accounts/verify_credentials").json()["id"]
    r = s.as_bob("POST", "/api/v1/groups/%s/members" % gid,
                 {"account_id": alice_id})
    t.status(r, 200, "bob adds alice")
    s.expect(2, "being added to a group is a notification")
    t.like(s.a.get("/").text,
           r'<option value="%s"[^>]*>%s</option>' % (gid, name),
           "the composer lists the group at once (remembered list renewed)")
    s.post("in the group @alice", group_id=gid)
    s.expect(3, "a mention in the group")
    r = s.as_alice("POST", "/api/v1/groups/%s/leave" % gid)
    t.status(r, 200, "alice leaves the private group")
    s.expect(1, "what she may no longer read no longer counts")
    t.unlike(s.a.get("/").text, r'>%s</option>' % name,
             "the composer no longer lists the group")


@h.case
def dismiss_and_clear(t, srv):
    """Dismissing one and clearing all lower the count at once."""
    s = Pair(t, srv)
    s.post("hi @alice")
    s.expect(1, "one mention unread to start with")
    n = s.as_alice("GET", "/api/v1/notifications").json()
    r = s.as_alice("POST", "/api/v1/notifications/%s/dismiss" % n[0]["id"])
    t.status(r, 200, "alice dismisses the newest")
    s.expect(0, "dismissing counts")
    s.post("last @alice")
    s.expect(1, "one more")
    r = s.as_alice("POST", "/api/v1/notifications/clear")
    t.status(r, 200, "alice clears them all")
    s.expect(0, "clearing counts")


if __name__ == "__main__":
    h.main_cases(fixture)
