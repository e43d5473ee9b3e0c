"""The unread count every page shows is remembered (epoch.c) and must move
the moment anything changes it: a new notification, the marker, dismissing
or clearing, and the rarer changes that hide a notification's post (the
post deleted, leaving a private group); so must the composer's list of
groups. Each step reads the count twice, so a remembered answer is what is
checked."""
import re

import harness as h


def unread(c):
    text = c.get("/").text
    m = re.search(r'data-unread="(\d+)"', text)
    return int(m.group(1)) if m else -1


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        bob = {"Authorization": "Bearer " + srv.token("bob")}
        alice = {"Authorization": "Bearer " + srv.token("alice")}
        api = srv.client()
        a = srv.client()
        t.status(a.login("alice"), 303, "alice signs in")

        def post(text, **kw):
            form = {"status": text, "visibility": "public"}
            form.update(kw)
            r = api.request("POST", "/api/v1/statuses", headers=bob, form=form)
            t.status(r, 200, "bob posts %r" % text)
            return r.json()["id"]

        def expect(n, name):
            t.is_(unread(a), n, name)
            t.is_(unread(a), n, name + " (again, remembered)")

        expect(0, "nothing unread")
        p1 = post("hi @alice")
        expect(1, "a mention counts")
        post("again @alice")
        expect(2, "another one")

        notes = api.request("GET", "/api/v1/notifications", headers=alice).json()
        r = api.request("POST", "/api/v1/markers", headers=alice,
                        form={"notifications[last_read_id]": notes[-1]["id"]})
        t.status(r, 200, "alice reads up to the older one")
        expect(1, "the marker moves the count")

        r = api.request("DELETE", "/api/v1/statuses/%s" % p1, headers=bob)
        t.status(r, 200, "bob deletes his first post")
        expect(1, "a read notification's post deleted: the count stays")
        p3 = post("third @alice")
        expect(2, "a third mention")
        r = api.request("DELETE", "/api/v1/statuses/%s" % p3, headers=bob)
        t.status(r, 200, "bob deletes it")
        expect(1, "an unread notification's post deleted: the count drops")

        r = api.request("POST", "/api/v1/groups", headers=bob,
                        form={"name": "Secret", "visibility": "private"})
        t.status(r, 200, "bob makes a private group")
        gid = r.json()["id"]
        alice_id = api.request("GET", "/api/v1/accounts/verify_credentials",
                               headers=alice).json()["id"]
        r = api.request("POST", "/api/v1/groups/%s/members" % gid, headers=bob,
                        form={"account_id": alice_id})
        t.status(r, 200, "bob adds alice")
        expect(2, "being added to a group is a notification")
        t.like(a.get("/").text, r'<option value="%s"[^>]*>Secret</option>' % gid,
               "the composer lists the group at once (remembered list renewed)")
        post("in the group @alice", group_id=gid)
        expect(3, "a mention in the group")
        r = api.request("POST", "/api/v1/groups/%s/leave" % gid, headers=alice)
        t.status(r, 200, "alice leaves the private group")
        expect(1, "what she may no longer read no longer counts")
        t.unlike(a.get("/").text, r'>Secret</option>',
                 "the composer no longer lists the group")

        n = api.request("GET", "/api/v1/notifications", headers=alice).json()
        r = api.request("POST", "/api/v1/notifications/%s/dismiss" % n[0]["id"],
                        headers=alice)
        t.status(r, 200, "alice dismisses the newest")
        expect(0, "dismissing counts")
        post("last @alice")
        expect(1, "one more")
        r = api.request("POST", "/api/v1/notifications/clear", headers=alice)
        t.status(r, 200, "alice clears them all")
        expect(0, "clearing counts")


if __name__ == "__main__":
    h.main(body)
