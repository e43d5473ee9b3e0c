"""Post cards are rendered once and shared by every reader (web/pages/card.c).
Nothing of one reader may reach another: their favourite, their CSRF
token, their way back; and a cached card must change when the post, its
counts or its author change."""
import json
import re

import harness as h


def card(html, pid):
    m = re.search(r'<article class="post" id="post-%s">.*?</article>' % pid,
                  html, re.S)
    return m.group(0) if m else ""


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob")
        srv.add_user("carol")
        tok = srv.token("alice")
        auth = {"Authorization": "Bearer " + tok}
        api = srv.client()

        r = api.request("POST", "/api/v1/statuses", headers=auth,
                        form={"status": "shared *card*", "visibility": "public"})
        t.status(r, 200, "alice posts")
        pid = r.json()["id"]

        b, c = srv.client(), srv.client()
        t.status(b.login("bob"), 303, "bob signs in")
        t.status(c.login("carol"), 303, "carol signs in")
        cb, cc = b.csrf("/public"), c.csrf("/public")
        t.isnt(cb, cc, "bob and carol have their own CSRF tokens")

        # Both see it once, so the card is cached.
        t.like(card(b.get("/public").text, pid), r"<em>card</em>",
               "bob sees the card")
        t.like(card(c.get("/public").text, pid), r"<em>card</em>",
               "carol sees the card")

        r = b.post("/@alice/%s/favourite" % pid, {"csrf": cb, "next": "/public"})
        t.status(r, 303, "bob favourites it")
        bob_card = card(b.get("/public").text, pid)
        carol_card = card(c.get("/public").text, pid)
        t.like(bob_card, r'aria-pressed="true"', "bob's card is pressed")
        t.like(carol_card, r'aria-pressed="false"', "carol's is not")
        t.like(carol_card, r'class="count">1<', "... but counts bob's favourite")
        t.ok(cb in bob_card and cc not in bob_card, "bob's card has his token")
        t.ok(cc in carol_card and cb not in carol_card,
             "carol's card has hers, from the same cached card")

        # The way back is the page the card is on.
        t.like(card(c.get("/tags/nothing").text or "", pid), r"^$",
               "an unrelated page does not show it")
        t.like(card(c.get("/@alice").text, pid),
               r'name="next" value="/@alice"', "on the profile, next is the profile")
        t.like(card(c.get("/public").text, pid),
               r'name="next" value="/public"', "on the stream, next is the stream")

        # An edit shows at once.
        r = api.request("PUT", "/api/v1/statuses/%s" % pid, headers=auth,
                        form={"status": "edited **card**"})
        t.status(r, 200, "alice edits")
        edited = card(c.get("/public").text, pid)
        t.like(edited, r"<strong>card</strong>",
               "the edit shows (the cached card is stale)")
        t.like(edited, r'data-ago>just now</time>',
               "the relative time is filled in on the way out")
        t.like(edited, r'Edited <time datetime="[^"]+" title="[^"]+">just now'
               r'</time>', "... and so is the edit's")
        t.ok("\x01" not in c.get("/public").text, "no marker is left behind")

        # A new display name shows at once.
        r = api.request("PATCH", "/api/v1/accounts/update_credentials",
                        headers=auth, form={"display_name": "Alice Renamed"})
        t.status(r, 200, "alice renames herself")
        t.like(card(c.get("/public").text, pid), r"Alice Renamed",
               "the new name shows on the card")

        # A post cannot forge the markers that stand for a reader's token:
        # control characters never reach the page.
        r = api.request("POST", "/api/v1/statuses", headers=auth,
                        form={"status": "sneaky \x01 byte", "visibility": "public"})
        if r.status == 200:
            sneaky = card(c.get("/public").text, r.json()["id"])
            t.ok(sneaky != "" and "\x01" not in sneaky,
                 "a control character in a post is not on the page")
        else:
            t.status(r, 422, "a control character in a post is refused")

        # The author sees the card as theirs, others do not.
        a = srv.client()
        t.status(a.login("alice"), 303, "alice signs in")
        mine = card(a.get("/public").text, pid)
        t.ok(mine != "", "alice sees her card")
        t.ok(a.csrf("/public") in mine, "... with her token")


if __name__ == "__main__":
    h.main(body)
