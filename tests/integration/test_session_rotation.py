"""Signing in while signed in rotates the session; a planted cookie is
never adopted (no session fixation)."""
import harness as h


def body(t):
    with h.Server(t) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        c = srv.client()
        t.status(c.login("alice"), 303, "alice signs in")
        first = c.session()

        # Sign in again from the same browser: the form's token is bound to
        # the current session (GET /login redirects, so take it from /).
        r = c.login("alice", csrf=h.form_field(c.get("/").text, "csrf"))
        t.status(r, 303, "signing in again while signed in is 303")
        second = c.session()
        t.ok(second and second.startswith("hs_"), "it sets a new cookie")
        t.isnt(second, first, "the new session token differs from the old")
        t.status(c.me(), 200, "the new session works")

        old = srv.client()
        old.cookies["hearth_session"] = first
        t.status(old.me(), 401, "the old session token no longer works")
        t.status(old.get("/"), 303, "... not on the web UI either")

        # Switching user in the same browser also rotates.
        r = c.login("bob", csrf=h.form_field(c.get("/").text, "csrf"))
        t.status(r, 303, "bob signs in over alice's session")
        t.is_(c.me().json().get("username"), "bob", "the browser is bob's")
        ghost = srv.client()
        ghost.cookies["hearth_session"] = second
        t.status(ghost.me(), 401, "alice's session in it was ended")

        # Fixation: an attacker plants a cookie value before the victim
        # signs in; the server must issue its own.
        planted = "hs_" + "A" * 43
        v = srv.client()
        v.cookies["hearth_session"] = planted
        t.status(v.login("alice"), 303, "alice signs in with a planted "
                 "cookie in her browser")
        t.isnt(v.session(), planted, "she gets a fresh token, not the "
               "planted one")
        a = srv.client()
        a.cookies["hearth_session"] = planted
        t.status(a.me(), 401, "the planted value opens nothing")

        # A failed sign-in while signed in leaves the session alone.
        tok = h.form_field(v.get("/").text, "csrf")
        r = v.login("alice", "wrong password!", csrf=tok)
        t.status(r, 401, "a wrong password while signed in is 401")
        t.status(v.me(), 200, "the existing session still works")


h.main(body)
