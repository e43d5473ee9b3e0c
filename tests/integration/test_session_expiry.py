"""Sessions expire after session_idle_timeout without use and after
session_lifetime however busy they are, whoever vouched for the person (a
password, or the company's single sign-on).

Each case can run alone: make check
TESTS=tests/integration/test_session_expiry.py CASE=idle_session_expires
(or `python3 .../test_session_expiry.py --list`)."""
import contextlib
import time

import harness as h

IDLE, LIFETIME = 2, 4   # seconds; time on the server is counted in whole
                        # seconds, so "expired" may come up to 1s late


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, session_idle_timeout="%ds" % IDLE,
                  session_lifetime="%ds" % LIFETIME,
                  **{"auth.proxy_header": "X-Remote-User",
                     "auth.proxy_addresses": "127.0.0.1"}) as srv:
        srv.add_user("alice")
        yield srv


def signed_in(c):
    r = c.me()
    if r.status not in (200, 401):
        raise RuntimeError("verify_credentials: " + r.summary())
    return r.status == 200


@h.case
def idle_session_expires(t, srv):
    """A session left alone past the idle timeout is dead and cleared;
    signing in again gives a fresh one."""
    idle = srv.client()
    t.status(idle.login("alice"), 303, "alice signs in (idle browser)")
    t0 = time.monotonic()
    t.ok(signed_in(idle), "the session works at once")
    old = idle.session()

    time.sleep(IDLE + 1.5)
    t.ok(time.monotonic() - t0 > IDLE + 1, "(the idle browser waited "
         "long enough)")
    r = idle.get("/")
    t.status(r, 303, "the idle session has expired: / redirects")
    s = r.set_cookie("hearth_session")
    t.ok(s is not None and s.get("max-age") == "0",
         "the expired cookie is cleared")
    ghost = srv.client()
    ghost.cookies["hearth_session"] = old
    t.ok(not signed_in(ghost), "the idle session stays dead")

    t.status(idle.login("alice"), 303, "signing in again works")
    t.ok(signed_in(idle), "... with a fresh session")


@h.case
def busy_session_lifetime(t, srv):
    """A session in use outlives the idle timeout but ends at its
    lifetime."""
    busy = srv.client()
    t.status(busy.login("alice"), 303, "alice signs in (busy browser)")
    t1 = time.monotonic()
    # Use the session every 0.4s, well within the idle timeout.
    alive = []
    while time.monotonic() - t1 < IDLE + 1.5:
        alive.append(signed_in(busy))
        time.sleep(0.4)
    t.ok(all(alive), "a session in use outlives the idle timeout "
         "(%d uses over %.1fs)" % (len(alive), time.monotonic() - t1),
         "signed in at each use: %r" % alive)

    # Keep using it until it dies.
    died = h.poll(lambda: not signed_in(busy), LIFETIME + 3, 0.2)
    age = time.monotonic() - t1
    t.ok(died, "a busy session ends at its lifetime (after %.1fs)" % age)
    t.ok(LIFETIME - 0.5 <= age <= LIFETIME + 2,
         "... not much before or after %ds" % LIFETIME)


@h.case
def sso_session_expires(t, srv):
    """A session single sign-on started expires as any other; the proxy's
    next page signs the person in again with a fresh one."""
    c = srv.client(headers={"X-Remote-User": "sso.user@example.com"})
    t.status(c.get("/auth/proxy?next=/"), 303, "signed in through single "
             "sign-on")
    old = c.session()
    t.ok(signed_in(c), "the session works at once")
    time.sleep(IDLE + 1.5)
    ghost = srv.client()
    ghost.cookies["hearth_session"] = old
    t.ok(not signed_in(ghost), "left idle, it has expired")
    r = c.get("/")
    t.status(r, 303, "the next page goes through sign-in again")
    t.status(c.get(r.header("Location")), 303, "... which the proxy "
             "vouches for")
    t.isnt(c.session(), old, "... with a fresh session")
    t.ok(signed_in(c), "... which works")


if __name__ == "__main__":
    h.main_cases(fixture)
