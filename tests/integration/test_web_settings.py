"""The settings pages: profile (errors by field, what was typed kept, the
avatar upload), password change (wrong current password refused, other
sessions ended, this one kept), sessions with sign-out-everywhere-else,
personal API tokens (shown once, usable, revocable) and authorized apps.

Each case can run alone: make check
TESTS=tests/integration/test_web_settings.py CASE=password_change (or
`python3 .../test_web_settings.py --list`)."""
import contextlib
import itertools
import re
import struct
import urllib.parse
import zlib

import harness as h

NEW = "a brand new password"
_n = itertools.count(1)


def png(w=4, h_=4, rgb=(200, 80, 20)):
    """A small valid PNG, made here."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h_))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h_, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files):
    """A multipart/form-data body: (content type, bytes)."""
    boundary = "hearthtestboundary7MA4YWxkTrZu0gW"
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                % (boundary, k)).encode() + v.encode() + b"\r\n"
    for k, (fname, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                "filename=\"%s\"\r\nContent-Type: application/octet-stream"
                "\r\n\r\n" % (boundary, k, fname)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return "multipart/form-data; boundary=" + boundary, out


def post_multipart(c, path, fields, files):
    ctype, body = multipart(fields, files)
    return c.request("POST", path, body=body,
                     headers={"Content-Type": ctype})


def avatar_src(text):
    m = re.search(r'<img[^>]*src="([^"]*)"[^>]*id="current-avatar"', text)
    return m.group(1) if m else None


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("bob")
        p = srv.ctl("field", "add", "Team")
        t.is_(p.returncode, 0, "a company field 'Team' is defined")
        yield srv


def fresh(t, srv):
    """A signed-in person of the case's own, displayed "Alice Example" (so
    cases share no profile, sessions, password or tokens): (username,
    browser)."""
    name = "alice%d" % next(_n)
    srv.add_user(name, display_name="Alice Example")
    a = srv.client()
    t.status(a.login(name), 303, "%s signs in" % name)
    return name, a


def bob(t, srv):
    """Bob, signed in on a browser of the case's own."""
    c = srv.client()
    t.status(c.login("bob"), 303, "bob signs in")
    return c


def profile_form(t, a):
    """The profile page's Team field name, CSRF token and the form with
    errors (an empty display name, a long location)."""
    r = a.get("/settings/profile")
    t.status(r, 200, "the profile settings page is 200")
    fid = re.search(r'name="(field_\d+)"', r.text).group(1)
    form = {"csrf": h.form_field(r.text, "csrf"), "display_name": "",
            "note": "I *build* things", "job_title": "Engineer",
            "department": "R&D", "location": "x" * 300, "phone": "+1 555",
            "pronouns": "she", fid: "Platform"}
    return r, form


@h.case
def signed_out_redirects(t, srv):
    """Signed out, every settings page sends to the login form."""
    anon = srv.client()
    for path in ("/settings", "/settings/profile", "/settings/password",
                 "/settings/sessions", "/settings/tokens",
                 "/settings/apps"):
        r = anon.get(path)
        t.status(r, 303, "signed out, GET %s redirects" % path)
        t.like(r.header("Location") or "", r"^/login\?next=",
               "... to the login form")
    r = anon.post("/settings/password", {"current": "x"})
    t.status(r, 401, "signed out, POST /settings/password is 401")


@h.case
def settings_navigation(t, srv):
    """/settings goes to the profile form: navigation, sub-navigation and
    the form's fields as they are."""
    name, a = fresh(t, srv)
    r = a.get("/settings/tokens")
    t.like(r.text, r"no API tokens yet", "no tokens: an empty state")
    r = a.get("/settings")
    t.status(r, 303, "/settings redirects")
    t.is_(r.header("Location"), "/settings/profile", "... to the profile")
    r = a.get("/settings/profile")
    t.status(r, 200, "the profile settings page is 200")
    t.like(r.text, r'<a href="/settings" aria-current="page"><span class="icon [^"]*" '
           r'aria-hidden="true"></span><span>Settings',
           "Settings is in the navigation, current")
    t.unlike(r.text, r'href="/admin/people"', "no Admin link for a member")
    t.like(r.text, r'<nav aria-label="Settings"', "a settings sub-nav")
    for path in ("/settings/profile", "/settings/password",
                 "/settings/sessions", "/settings/tokens",
                 "/settings/apps"):
        t.like(r.text, r'href="%s"' % path, "... links " + path)
    t.like(r.text, r'href="/settings/profile" aria-current="page"',
           "... with Profile current")
    t.like(r.text, r'enctype="multipart/form-data"', "the form is "
           "multipart, for the images")
    t.like(r.text, r'value="Alice Example"', "the display name is there")
    t.like(r.text, r'<label for="field_\d+">Team</label>',
           "the company field is on the form")
    t.like(avatar_src(r.text) or "", r"/avatars/%s\.png$" % name,
           "the default avatar is shown")


@h.case
def profile_errors(t, srv):
    """Errors name their field and keep what was typed; a file that is no
    image is refused by its bytes; nothing is saved."""
    name, a = fresh(t, srv)
    _, form = profile_form(t, a)
    r = a.post("/settings/profile", form)
    t.status(r, 422, "an empty display name and a long location are 422")
    t.like(r.text, r'id="display_name-error">Display name must '
           r'not be empty\.', "the display name's error "
           "is next to it")
    t.like(r.text, r'id="location-error">Location must be at most '
           r'200 bytes\.', "... and the location's next to it")
    t.like(r.text, r'aria-invalid="true" aria-describedby='
           r'"display_name-error"', "the field points at its error")
    t.like(r.text, r'I \*build\* things</textarea>', "the bio typed is "
           "kept")
    t.like(r.text, r'value="R&amp;D"', "the department typed is kept")
    t.like(r.text, r'value="Platform"', "the company field typed is kept")
    t.like(r.text, r'role="alert">Nothing was saved', "a summary says "
           "nothing was saved")
    r = a.get("/@" + name)
    t.unlike(r.text, r"Engineer", "... and nothing was")

    form["display_name"] = "Alice E."
    form["location"] = "Berlin"
    r = post_multipart(a, "/settings/profile", form,
                       {"avatar": ("cat.png", b"GIF89a not really")})
    t.status(r, 422, "a file that is no image is 422")
    t.like(r.text, r'id="avatar-error">This file cannot be used',
           "... the error is on the avatar field")
    t.like(r.text, r'value="Alice E\."', "... what was typed is kept")
    t.unlike(a.get("/@" + name).text, r"Engineer",
             "... and nothing was saved")


@h.case
def profile_save_avatar(t, srv):
    """A good save with an avatar: the notice, the image served, the
    profile page and the API; an emptied bio and detail are cleared and
    the avatar stays."""
    name, a = fresh(t, srv)
    r, form = profile_form(t, a)
    old_avatar = avatar_src(r.text)
    form["display_name"] = "Alice E."
    form["location"] = "Berlin"
    r = post_multipart(a, "/settings/profile", form,
                       {"avatar": ("me.png", png())})
    t.status(r, 303, "the profile with an avatar is saved")
    t.is_(r.header("Location"), "/settings/profile?notice=profile",
          "... back to the form with a notice")
    r = a.get(r.header("Location"))
    t.like(r.text, r'role="status">Your profile was saved',
           "a success notice")
    new_avatar = avatar_src(r.text)
    t.like(new_avatar or "", r"/media/[^/]+\.png$",
           "the avatar is the uploaded one now")
    t.isnt(new_avatar, old_avatar, "... a new avatar URL")
    path = urllib.parse.urlsplit(new_avatar or "").path
    img = a.get(path)
    t.status(img, 200, "the new avatar is served")
    t.ok(img.body.startswith(b"\x89PNG") and img.body != png(),
         "... the uploaded picture, written again (no metadata kept)")
    r = a.get("/@" + name)
    t.like(r.text, re.escape(path), "the profile page shows it")
    t.like(r.text, r"<em>build</em>", "the bio is Markdown")
    t.like(r.text, r"<dd>Engineer</dd>", "the job title is shown")
    t.like(r.text, r"<dt>Team</dt><dd>Platform</dd>", "the company field "
           "is shown")
    me = a.me(srv.token(name)).json()
    t.is_(me.get("display_name"), "Alice E.", "the API sees the new name")

    form2 = dict(form, note="", job_title="", csrf=a.csrf(
        "/settings/profile"))
    r = a.post("/settings/profile", form2)
    t.status(r, 303, "a save with an empty bio (urlencoded, no images)")
    r = a.get("/settings/profile")
    t.like(r.text, r'aria-describedby="note-hint"></textarea>',
           "the bio is empty")
    t.is_(avatar_src(r.text), new_avatar, "the avatar is unchanged")
    t.unlike(a.get("/@" + name).text, r"<dd>Engineer</dd>",
             "the job title is gone from the profile")


@h.case
def csrf_and_bearer_refused(t, srv):
    """The settings pages want CSRF and refuse bearer tokens."""
    name, a = fresh(t, srv)
    r = a.post("/settings/profile", {"display_name": "x"})
    t.status(r, 403, "a profile save without CSRF is 403")
    tok = srv.token(name)
    bearer = srv.client(headers={"Authorization": "Bearer " + tok})
    for path in ("/settings/profile", "/settings/tokens"):
        r = bearer.get(path)
        t.status(r, 403, "a bearer token cannot GET " + path)
    r = bearer.post("/settings/tokens", {"name": "escalate",
                                         "scope": "follow"})
    t.status(r, 403, "a bearer token cannot make tokens")
    t.unlike(a.get("/settings/tokens").text, r"escalate",
             "... none was made")


@h.case
def sessions(t, srv):
    """The sessions page names each browser; one or all others can be
    signed out, never another person's."""
    name, a = fresh(t, srv)
    b2 = srv.client()
    t.status(b2.login(name, next="/"), 303, "alice signs in again "
             "elsewhere")
    phone_ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
                "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
                "Mobile/15E148 Safari/604.1")
    b3 = srv.client(headers={"User-Agent": phone_ua})
    t.status(b3.login(name), 303, "... and on a phone")
    r = a.get("/settings/sessions")
    t.status(r, 200, "the sessions page is 200")
    t.is_(len(re.findall(r'class="row-item"', r.text)), 3,
          "three sessions are listed")
    t.is_(len(re.findall(r'This device', r.text)), 1,
          "one is marked as this device")
    t.like(r.text, r'<span title="%s">Safari 18 on iPhone</span>' %
           re.escape(phone_ua), "the phone's browser is named as a "
           "person knows it, the whole header on hover")
    t.like(r.text, r"Sign out<span class=\"sr-only\"> Safari 18 on "
           r"iPhone from 127\.0\.0\.1", "... and its Sign out button "
           "says which")
    t.like(r.text, r"From 127\.0\.0\.1", "... and the address")
    t.unlike(r.text, r"hs_[A-Za-z0-9_-]{20}", "no session token appears")
    ids = re.findall(r'action="/settings/sessions/(\d+)/end"', r.text)
    t.is_(len(ids), 2, "the two others have a Sign out button")
    csrf = h.form_field(r.text, "csrf")
    r = a.post("/settings/sessions/%s/end" % ids[0], {"csrf": csrf})
    t.status(r, 303, "signing out one session")
    r = a.get(r.header("Location"))
    t.like(r.text, r"That session was signed out", "... says so")
    t.is_(len(re.findall(r'class="row-item"', r.text)), 2,
          "two sessions are left")
    r = a.post("/settings/sessions/%s/end" % ids[0], {"csrf": csrf})
    t.status(r, 404, "ending it again is 404")
    b = bob(t, srv)
    r = b.post("/settings/sessions/%s/end" % ids[1],
               {"csrf": b.csrf("/settings/sessions")})
    t.status(r, 404, "bob cannot end alice's sessions")
    alive = [c for c in (b2, b3) if c.get("/").status == 200]
    t.is_(len(alive), 1, "one of the other browsers was signed out")
    r = a.post("/settings/sessions/others", {"csrf": csrf})
    t.status(r, 303, "sign out everywhere else")
    t.status(alive[0].get("/"), 303, "... the other browser is out")
    r = a.get("/settings/sessions")
    t.is_(len(re.findall(r'class="row-item"', r.text)), 1,
          "only this device is left")
    t.like(r.text, r"not signed in anywhere else", "... and it says so")


@h.case
def password_change(t, srv):
    """A password change: each error on its field, nothing ended until it
    succeeds; then other sessions end, this one stays, the new password
    works."""
    name, a = fresh(t, srv)
    other = srv.client()
    t.status(other.login(name), 303, "alice signs in on another "
             "browser")
    r = a.get("/settings/password")
    t.status(r, 200, "the password page is 200")
    t.like(r.text, r'autocomplete="current-password"', "the current "
           "password field")
    csrf = h.form_field(r.text, "csrf")
    r = a.post("/settings/password", {"csrf": csrf, "current": "wrong "
               "password!", "password": NEW, "confirm": NEW})
    t.status(r, 422, "a wrong current password is refused")
    t.like(r.text, r'id="current-error">This is not your current',
           "... with the error on that field")
    t.unlike(r.text, re.escape(NEW), "the passwords typed are not shown")
    r = a.post("/settings/password", {"csrf": csrf,
                                      "current": h.PASSWORD,
                                      "password": NEW, "confirm": NEW + "x"})
    t.status(r, 422, "new passwords that differ are refused")
    t.like(r.text, r'id="confirm-error">The two new passwords',
           "... the error is on the confirmation")
    r = a.post("/settings/password", {"csrf": csrf,
                                      "current": h.PASSWORD,
                                      "password": "short",
                                      "confirm": "short"})
    t.status(r, 422, "a short new password is refused")
    t.like(r.text, r'id="password-error">The password must be at '
           r'least', "... the policy names the field")
    t.status(other.get("/"), 200, "nothing ended the other session")
    r = a.post("/settings/password", {"csrf": csrf,
                                      "current": h.PASSWORD,
                                      "password": NEW, "confirm": NEW})
    t.status(r, 303, "the right current password changes it")
    r = a.get(r.header("Location"))
    t.status(r, 200, "this browser is still signed in")
    t.like(r.text, r"Your password was changed", "... and told so")
    t.status(other.get("/"), 303, "the other browser was signed out")
    t.status(srv.client().login(name), 401, "the old password no "
             "longer works")
    t.status(srv.client().login(name, NEW), 303, "the new one does")
    r = a.post("/settings/password", {"current": NEW, "password": NEW,
                                      "confirm": NEW})
    t.status(r, 403, "a password change without CSRF is 403")


@h.case
def tokens(t, srv):
    """Personal API tokens: checked, shown once, listed, usable within
    their scopes, revocable."""
    name, a = fresh(t, srv)
    srv.token(name)     # one made by hearthctl, to be listed
    r = a.get("/settings/tokens")
    t.status(r, 200, "the tokens page is 200")
    t.like(r.text, r"hearthctl", "the tokens hearthctl made are listed")
    csrf = h.form_field(r.text, "csrf")
    r = a.post("/settings/tokens", {"csrf": csrf, "name": ""})
    t.status(r, 422, "a token without a name or scopes is 422")
    t.like(r.text, r'id="token-name-error">Give the token a name',
           "... the name's error")
    t.like(r.text, r'id="scopes-error">Choose at least one scope',
           "... the scopes' error")
    # A repeated field, so urlencoded by hand.
    r = a.request("POST", "/settings/tokens", body=urllib.parse.urlencode(
        [("csrf", csrf), ("name", "deploy bot"), ("scope", "read"),
         ("scope", "write")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    t.status(r, 200, "a token is created")
    m = re.search(r'id="new-token" type="text" readonly value="(hat_'
                  r'[^"]+)"', r.text)
    t.ok(m, "the new token is shown")
    secret = m.group(1) if m else ""
    t.like(r.text, r"shown only this once", "... once")
    r = a.get("/settings/tokens")
    t.unlike(r.text, re.escape(secret), "it is not shown again")
    t.like(r.text, r"deploy bot", "the token is listed by name")
    t.like(r.text, r"Scopes: read write", "... with its scopes")
    t.like(r.text, r"never used", "... never used yet")
    api = srv.client()
    r = api.me(secret)
    t.status(r, 200, "the token works as a bearer token on the API")
    t.is_(r.json().get("username"), name, "... as alice")
    r = api.request("POST", "/api/v1/accounts/1/follow", headers={
        "Authorization": "Bearer " + secret})
    t.status(r, 403, "... within its scopes (no follow)")
    # A token's use is recorded after the answer (off the request's way):
    # on a busy machine the page may be asked for before it is written.
    r = h.poll(lambda: (lambda p: p if "last used <time" in p.text else
                        None)(a.get("/settings/tokens")), 10) or \
        a.get("/settings/tokens")
    t.like(r.text, r"last used <time", "it shows when it was last used")
    tid = re.search(r'action="/settings/tokens/(\d+)/revoke"',
                    r.text).group(1)
    r = a.post("/settings/tokens/%s/revoke" % tid, {"csrf": csrf})
    t.status(r, 303, "the token is revoked")
    t.like(a.get(r.header("Location")).text, r"The token was revoked",
           "... and the page says so")
    t.status(api.me(secret), 401, "a revoked token no longer works")
    r = a.post("/settings/tokens/%s/revoke" % tid, {"csrf": csrf})
    t.status(r, 404, "revoking it again is 404")


@h.case
def apps(t, srv):
    """Authorized apps: listed with their scopes, revocable by their
    person only."""
    name, a = fresh(t, srv)
    api = srv.client()
    r = a.get("/settings/apps")
    t.status(r, 200, "the apps page is 200")
    t.like(r.text, r"not authorized any apps", "an empty state")
    tok = h.app_token(t, srv, a)
    t.status(api.me(tok), 200, "the app's token works")
    r = a.get("/settings/apps")
    t.like(r.text, r'<a href="https://app.example" rel="noopener '
           r'noreferrer">Pocket App</a>', "the app is listed")
    t.like(r.text, r"Scopes: read write", "... with the scopes it may "
           "ask for")
    aid = re.search(r'action="/settings/apps/(\d+)/revoke"',
                    r.text).group(1)
    b = bob(t, srv)
    r = b.post("/settings/apps/%s/revoke" % aid,
               {"csrf": b.csrf("/settings/apps")})
    t.status(r, 404, "bob cannot revoke alice's app")
    t.status(api.me(tok), 200, "... it still works")
    r = a.post("/settings/apps/%s/revoke" % aid,
               {"csrf": a.csrf("/settings/apps")})
    t.status(r, 303, "alice revokes the app")
    r = a.get(r.header("Location"))
    t.like(r.text, r"The app&#39;s access was revoked|The app.s access "
           r"was revoked", "... the page says so")
    t.like(r.text, r"not authorized any apps", "... the list is empty")
    t.status(api.me(tok), 401, "the app's token no longer works")


if __name__ == "__main__":
    h.main_cases(fixture)
