"""Sign-in rate limits: failures per account, attempts per client address.

Each case can run alone: make check TESTS=tests/integration/test_ratelimit.py
CASE=account_limit (or `python3 .../test_ratelimit.py --list`)."""
import contextlib
import itertools
import types

import harness as h

ips = ("10.0.%d.%d" % (i // 250, i % 250 + 1) for i in itertools.count())
_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    # proxied: behind a proxy (trust_proxy) so each attempt can come from
    # its own address; 3 failures per account and 6 attempts per address
    # per 10m. device: not behind a proxy, every attempt from 127.0.0.1
    # (100 of them allowed, plenty for every case), 3 failures per
    # account. The cases share no person, so no count.
    with h.Server(t, name="proxied", trust_proxy="yes",
                  login_account_limit=3, login_ip_limit=6,
                  login_window="10m") as proxied, \
            h.Server(t, name="device", login_account_limit=3,
                     login_ip_limit=100, login_window="10m") as device:
        yield types.SimpleNamespace(proxied=proxied, device=device)


def person(srv, base):
    """A person of the case's own (whose failures it counts)."""
    name = "%s%d" % (base, next(_n))
    srv.add_user(name)
    return name


def attempt(srv, user, pw, ip=None):
    """One sign-in from a fresh browser, from ip (via X-Forwarded-For)."""
    c = srv.client(headers={"X-Forwarded-For": ip or next(ips)})
    return c.login(user, pw)


def retry_after_ok(t, r, most, what):
    ra = r.header("Retry-After") or ""
    t.ok(ra.isdigit() and 1 <= int(ra) <= most,
         "%s: Retry-After is between 1 and %d seconds" % (what, most),
         r.summary())


@h.case
def account_limit(t, fx):
    """Per account, whatever address the attempts come from: the fourth
    after three failures is 429, for a known or an unknown name alike."""
    srv = fx.proxied
    bob, alice = person(srv, "bob"), person(srv, "alice")
    codes = [attempt(srv, bob, "wrong password").status for _ in range(3)]
    t.is_(codes, [401, 401, 401], "bob: three failures are 401")
    r = attempt(srv, bob, h.PASSWORD)
    t.status(r, 429, "bob: the fourth attempt is 429, right password "
             "or not")
    retry_after_ok(t, r, 200, "bob")
    t.like(r.text, r"Too many sign-in attempts", "the page says why")
    t.is_(r.set_cookie("hearth_session"), None, "no session on a 429")
    t.status(attempt(srv, alice, h.PASSWORD), 303,
             "alice is not affected by bob's lockout")
    t.status(attempt(srv, bob.replace("b", "B", 2), h.PASSWORD), 429,
             "the account limit ignores case")

    ghost = "ghost%d" % next(_n)
    codes = [attempt(srv, ghost, "wrong password").status
             for _ in range(4)]
    t.is_(codes, [401, 401, 401, 429], "an unknown account is limited "
          "the same way (no way to tell it does not exist)")


@h.case
def success_resets_account(t, fx):
    """A successful sign-in resets the account's failure count."""
    srv = fx.proxied
    erin = person(srv, "erin")
    codes = [attempt(srv, erin, pw).status for pw in
             ("bad password", "bad password", h.PASSWORD,
              "bad password", "bad password", h.PASSWORD)]
    t.is_(codes, [401, 401, 303, 401, 401, 303],
          "a successful sign-in resets the account's failure count")


@h.case
def address_limit(t, fx):
    """Per address every attempt counts, even successful ones; the last
    X-Forwarded-For hop is the address."""
    srv = fx.proxied
    alice = person(srv, "alice")
    ip = "192.0.2.7"
    codes = [attempt(srv, alice, pw, ip).status for pw in
             (h.PASSWORD, "bad password", h.PASSWORD) * 2]
    t.is_(codes, [303, 401, 303, 303, 401, 303],
          "six attempts from one address go through")
    r = attempt(srv, alice, h.PASSWORD, ip)
    t.status(r, 429, "the seventh from that address is 429")
    retry_after_ok(t, r, 100, "address")
    t.status(attempt(srv, alice, h.PASSWORD, "198.51.100.1, " + ip),
             429, "prepending a forged hop to X-Forwarded-For does not "
             "help (the last hop counts)")
    t.status(attempt(srv, alice, h.PASSWORD, "192.0.2.8"), 303,
             "another address still signs in")
    t.like(srv.log(), r"login rate limit", "the log records the limit")


@h.case
def direct_ignores_forwarded_for(t, fx):
    """Not behind a proxy, X-Forwarded-For is ignored: the peer address
    (127.0.0.1) is what counts."""
    with h.Server(t, name="direct", login_ip_limit=4,
                  login_window="10m") as srv:
        srv.add_user("alice")
        codes = [attempt(srv, "alice", "bad password").status
                 for _ in range(4)]
        t.is_(codes, [401] * 4, "four attempts are allowed")
        r = attempt(srv, "alice", h.PASSWORD)
        t.status(r, 429, "the fifth from 127.0.0.1 is 429 although each "
                 "claimed another X-Forwarded-For")
        retry_after_ok(t, r, 150, "direct")


# Guessing from elsewhere must not lock the owner out (OWASP's device
# cookies): a browser that has signed in as someone is counted on its
# own, everyone else against the account.

def owner_and_guesses(t, srv, carol):
    """carol signs in on her browser (which gets a device cookie) and out
    again; then an attacker's three guesses close the account to others:
    (her browser, its device cookie)."""
    owner = srv.client()
    t.status(owner.login(carol), 303, "carol signs in once")
    dev = owner.cookies.get("hearth_device", "")
    t.ok(len(dev) == 66 and dev[22] == ".", "... and her browser gets "
         "a device cookie (nonce.signature)", dev)
    owner.logout()
    codes = [srv.client().login(carol, "guess %d" % i).status
             for i in range(3)]
    t.is_(codes, [401] * 3, "an attacker's three guesses fail")
    return owner, dev


@h.case
def known_browser_not_locked_out(t, fx):
    """After others' failures the account is closed to unknown browsers,
    even with the right password, but not to the owner's."""
    srv = fx.device
    carol = person(srv, "carol")
    owner, dev = owner_and_guesses(t, srv, carol)
    r = srv.client().login(carol, h.PASSWORD)
    t.status(r, 429, "then the account is closed to browsers it does "
             "not know, even with the right password")
    t.status(owner.login(carol), 303, "carol's own browser still "
             "signs her in")
    t.like(srv.log(), r"login: %s from \S+ \(a known browser\)" % carol,
           "the log says it was a known browser")
    t.status(srv.client().login(carol, h.PASSWORD), 429, "... which "
             "does not open the account to others")


@h.case
def device_cookie_must_match(t, fx):
    """A device cookie with a forged signature, or one made for someone
    else, does not open a closed account."""
    srv = fx.device
    carol, dave = person(srv, "carol"), person(srv, "dave")
    owner, dev = owner_and_guesses(t, srv, carol)
    forged = srv.client()
    forged.cookies["hearth_device"] = dev[:23] + ("A" if dev[23] != "A"
                                                  else "B") + dev[24:]
    t.status(forged.login(carol, h.PASSWORD), 429, "a device cookie "
             "with a forged signature is not trusted")
    other = srv.client()
    t.status(other.login(dave), 303, "dave signs in on his browser")
    other.logout()
    t.status(other.login(carol, h.PASSWORD), 429, "dave's device "
             "cookie does not count for carol")


@h.case
def known_browser_own_limit(t, fx):
    """The owner's browser has a limit of its own: three wrong passwords
    from it lock it too, and no one else."""
    srv = fx.device
    carol, dave = person(srv, "carol"), person(srv, "dave")
    owner, dev = owner_and_guesses(t, srv, carol)
    codes = [owner.login(carol, "oops %d" % i).status for i in range(3)]
    t.is_(codes, [401] * 3, "three wrong passwords from carol's own "
          "browser")
    t.status(owner.login(carol), 429, "... lock that browser too: "
             "it has a limit of its own")
    t.status(srv.client().login(dave), 303, "dave is not affected")


if __name__ == "__main__":
    h.main_cases(fixture)
