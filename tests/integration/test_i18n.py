"""Languages and time zones (docs/translating.md): pages in German and
Polish by the browser's Accept-Language and by the person's setting, with
<html lang> to match; the login page (nobody yet) by Accept-Language; the
shared card cache never serves one language's cards to another; times in
the person's zone, from the setting or from the browser's cookie; and a
bad language or zone is refused.

Each case can run alone: make check TESTS=tests/integration/test_i18n.py
CASE=login_by_accept_language (or `python3 .../test_i18n.py --list`)."""
import contextlib
import html
import json
import re

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.a = srv.client()
        t.status(srv.a.login("alice"), 303, "alice signs in")
        yield srv


def lang_of(text):
    m = re.search(r'<html lang="([^"]*)"', text)
    return m.group(1) if m else None


def save(t, c, locale, zone, status=303, what="saved"):
    r = c.post("/settings/language", {"csrf": c.csrf("/settings/language"),
                                      "locale": locale, "time_zone": zone})
    t.status(r, status, what)
    return r


@h.case
def login_by_accept_language(t, srv):
    """Nobody is signed in: Accept-Language alone chooses, q-values and
    regions included; English when nothing matches."""
    for header, lang, text in [
            ("de-AT,de;q=0.9,en;q=0.5", "de", "Bei hearth anmelden"),
            ("en;q=0.4, pl-PL", "pl", "Zaloguj się do hearth"),
            ("fr-FR, es;q=0.8", "en", "Sign in to hearth"),
            ("pl;q=0, de;q=0.1", "de", "Bei hearth anmelden"),
            ("", "en", "Sign in to hearth")]:
        c = srv.client(headers={"Accept-Language": header})
        r = c.get("/login")
        t.status(r, 200, "the login page for %r" % header)
        t.is_(lang_of(r.text), lang, "<html lang> for %r" % header)
        t.ok(text in r.text, "%r says %r" % (header, text))


def words(t, client, page):
    """The words hearth.js writes, in the page's language: the fragment
    the page's words script (words-LANG.HASH.js, js-words.c) adds to the
    page, as HTML; cached for a year like any hashed asset."""
    m = re.search(r'<script src="(/static/words-(\w+)\.[0-9a-f]{10}\.js)" '
                  r'defer></script>', page)
    t.ok(m and m.group(2) == lang_of(page), "the page names the words "
         "script of its language (%s)" % (m.group(2) if m else None))
    if not m:
        return ""
    r = client.get(m.group(1))
    t.status(r, 200, "... which is served")
    t.like(r.header("Cache-Control") or "", r"immutable",
           "... and cached for good")
    lit = re.search(r"insertAdjacentHTML\('beforeend', (\".*\")\);",
                    r.text, re.S)
    return json.loads(lit.group(1)) if lit else ""


@h.case
def pages_by_browser_and_setting(t, srv):
    """A signed-in page follows the browser until the person chooses;
    the choice wins over the browser, and Automatic gives it back."""
    a = srv.a
    a.headers["Accept-Language"] = "pl-PL,pl;q=0.9"
    r = a.get("/")
    t.is_(lang_of(r.text), "pl", "Polish by the browser")
    t.ok("Powiadomienia" in r.text, "the navigation is in Polish")
    t.ok("Notifications</span>" not in r.text, "... not in English")
    save(t, a, "de", "")
    r = a.get("/")
    t.is_(lang_of(r.text), "de", "German by the setting")
    t.ok("Benachrichtigungen" in r.text, "the navigation is in German")
    t.ok('data-i18n-min="{n} Min."' in words(t, a, r.text),
         "the script's words for hearth.js are German too")
    r = a.get("/settings/language")
    t.like(r.text, r'<option value="de" selected>Deutsch</option>',
           "the form shows the choice")
    save(t, a, "", "")
    t.is_(lang_of(a.get("/").text), "pl", "Automatic: the browser again")
    a.headers.pop("Accept-Language")
    t.is_(lang_of(a.get("/").text), "en", "English with no preference")


@h.case
def cards_per_language(t, srv):
    """The card cache keeps a card per language: an English reader after
    a German one gets English buttons."""
    a = srv.a
    t.status(a.post("/compose", {"csrf": a.csrf("/"),
                                 "status": "Hello colleagues"}), 303,
             "alice posts")
    de = srv.client(headers={"Accept-Language": "de"})
    t.status(de.login("alice"), 303, "alice signs in on a German browser")
    r = de.get("/")
    t.ok("Hello colleagues" in r.text, "the post is on home")
    t.like(r.text, r'class="post-tool">Bearbeiten<',
           "the card's Edit is in German")
    t.like(r.text, r'0 <span class="act-word">Antworten<',
           "... and its count of replies")
    r = a.get("/")
    t.like(r.text, r'class="post-tool">Edit<',
           "the English reader gets English")
    t.ok("Bearbeiten" not in r.text, "... and no German card")


@h.case
def times_in_zone(t, srv):
    """The same post's time, in UTC and then in Europe/Warsaw: from the
    browser's cookie, and from the setting, which wins."""
    a = srv.a
    t.status(a.post("/compose", {"csrf": a.csrf("/"),
                                 "status": "What time is it"}), 303,
             "alice posts")
    when = re.compile(r'class="muted when" href="[^"]+" title="([^"]+)"')
    m = when.search(a.get("/").text)
    t.ok(m is not None and m.group(1).endswith(" UTC"),
         "UTC when nothing says otherwise: %s" % (m and m.group(1)))
    utc = m.group(1) if m else ""
    a.cookies["hearth_tz"] = "Europe/Warsaw"
    m = when.search(a.get("/").text)
    t.ok(m is not None and re.search(r" CES?T$", m.group(1)),
         "the browser's zone: %s" % (m and m.group(1)))
    hour = lambda s: int(re.search(r"(\d\d):\d\d", s).group(1))
    if m and utc:
        t.ok((hour(m.group(1)) - hour(utc)) % 24 in (1, 2),
             "Warsaw is one or two hours ahead of UTC")
    a.cookies["hearth_tz"] = "Not/AZone"
    m = when.search(a.get("/").text)
    t.ok(m is not None and m.group(1).endswith(" UTC"),
         "a cookie that names no zone is ignored")
    save(t, a, "pl", "America/New_York")
    r = a.get("/")
    m = when.search(r.text)
    t.ok(m is not None and re.search(r" E[SD]T$", m.group(1)),
         "the setting wins: %s" % (m and m.group(1)))
    t.ok("przed chwilą" in r.text, "and 'just now' is Polish")


@h.case
def refused_choices(t, srv):
    """A language not offered and a zone the system lacks are refused,
    saying why, and nothing changes."""
    a = srv.a
    save(t, a, "en", "")
    r = save(t, a, "xx", "", 422, "an unknown language is refused")
    t.ok("Choose one of the languages offered." in r.text, "it says why")
    r = save(t, a, "", "Mars/Olympus", 422, "an unknown zone is refused")
    t.ok("not a time zone this server knows" in r.text, "it says why")
    r = save(t, a, "", "../../etc/passwd", 422, "a path is not a zone")
    r = a.post("/settings/language", {"locale": "de", "time_zone": ""})
    t.status(r, 403, "without its CSRF token the form is refused")
    t.is_(lang_of(a.get("/").text), "en", "nothing changed")
    save(t, a, "de", "")
    r = save(t, a, "de", "Mars/Olympus", 422, "refused in German too")
    t.ok("Diese Zeitzone kennt der Server nicht." in r.text,
         "the reason is in the page's language")


@h.case
def messages_from_c(t, srv):
    """Texts made in C come through the catalogue too: an error page, a
    form's field message, a group's member count with Polish plurals."""
    a = srv.a
    save(t, a, "de", "")
    r = a.get("/@nobody_here")
    t.status(r, 404, "the page of someone who is not there")
    t.ok("Seite nicht gefunden" in r.text, "the error page is German")
    r = a.post("/settings/password", {
        "csrf": a.csrf("/settings/password"), "current": "not it",
        "password": "a brand new password",
        "confirm": "a brand new password"})
    t.ok("Das ist nicht dein aktuelles Passwort." in r.text,
         "a field's message is German")
    t.ok("Dein Passwort wurde nicht geändert." in r.text,
         "... and the form's summary")
    save(t, a, "pl", "")
    t.status(a.post("/groups", {"csrf": a.csrf("/groups"),
                                "name": "Kawa", "visibility": "open"}),
             303, "alice creates a group")
    r = a.get("/groups")
    t.like(r.text, r"1 osoba\b", "one member: 1 osoba")
    save(t, a, "en", "")


@h.case
def merged_pages_from_c(t, srv):
    """The texts the newer pages make in C (a stream's heading, the digest's
    rhythms, the composer's audience) and the script's counted words (every
    plural form, from the page) follow the reader's language."""
    a = srv.a
    r = a.get("/")
    js = words(t, a, r.text)
    t.like(js, r'<span id="hearth-plural" hidden data-new-posts-one="'
           r'\{n\} new post" data-new-posts-few="\{n\} new posts"',
           "the script's counted words, in English, each form")
    t.like(js, r'data-i18n-attach="Attach"', "... and its plain words")
    t.unlike(r.text, r'data-i18n-attach=|id="react-offer"', "the page "
             "itself carries none of them, only the script's URL")
    t.like(r.text, r'>Everyone at [^<]+</', "the composer's audience names "
           "the company")
    save(t, a, "de", "")
    r = a.get("/public")
    t.like(r.text, r"<h1>Unternehmen</h1>", "the stream's heading is German")
    r = a.get("/settings/notifications")
    t.like(r.text, r'<option value="off"[^>]*>Nie</option>',
           "the digest's rhythm is German")
    r = a.get("/")
    t.like(words(t, a, r.text), r'data-i18n-attach="Anh[^"]+"',
           "the script's words are there in German too")
    save(t, a, "en", "")


# The domain's causes with their arguments (core/lib/cause.c): each
# reader's words, the arguments in place; the API stays English.
CAUSES = {
    "de": {"taken": "Eine Gruppe namens „{name}“ gibt es schon",
           "long": "Der Name einer Gruppe ist 1 bis 100 Bytes lang",
           "password": "Das Passwort muss mindestens 10 Zeichen lang sein.",
           "username": "Der Benutzername muss 1 bis 30 Zeichen lang sein.",
           "import": "Der Benutzername darf nur Buchstaben, Ziffern",
           "empty": "Anzeigename: darf nicht leer sein.",
           "location": "Standort: höchstens 200 Bytes.",
           "field": "Das Feld „Team“ muss in eine Zeile passen.",
           "poll": "Eine Umfrage braucht mindestens 2 Antworten",
           },
    "pl": {"taken": "Grupa o nazwie „{name}” już istnieje",
           "long": "Nazwa grupy ma od 1 do 100 bajtów",
           "password": "Hasło musi mieć co najmniej 10 znaków.",
           "username": "Nazwa użytkownika musi mieć od 1 do 30 znaków.",
           "import": "Nazwa użytkownika może zawierać tylko litery",
           "empty": "Wyświetlana nazwa: pole nie może być puste.",
           "location": "Lokalizacja: najwyżej 200 bajtów.",
           "field": "Pole „Team” musi mieścić się w jednym wierszu.",
           "poll": "Ankieta potrzebuje co najmniej 2 odpowiedzi",
           },
}


def unescape(text):
    return html.unescape(text)


@h.case
def causes_translated(t, srv):
    """A duplicate and a too-long group name, a short new password, a bad
    username in the admin's create form and in a CSV import: a German and
    a Polish reader read the domain's cause in their language with its
    arguments in place, and the API still answers in English."""
    srv.add_user("root", admin=True)
    srv.add_user("carol")     # no language of her own: the browser's
    t.is_(srv.ctl("field", "add", "Team").returncode, 0,
          "a company field 'Team'")
    for lang, want in CAUSES.items():
        c = srv.client(headers={"Accept-Language": lang})
        t.status(c.login("carol"), 303, "carol signs in (%s)" % lang)
        tok = c.csrf("/groups")
        name = "Chess %s" % lang
        t.status(c.post("/groups", {"name": name, "csrf": tok,
                                    "visibility": "open"}), 303,
                 "carol makes %r" % name)
        r = c.post("/groups", {"name": name, "csrf": tok,
                               "visibility": "open"})
        t.status(r, 409, "the same name again is refused (%s)" % lang)
        t.ok(want["taken"].format(name=name) in unescape(r.text),
             "%s: the duplicate name, the name in place" % lang)
        t.ok("already exists" not in r.text, "%s: no English" % lang)
        r = c.post("/groups", {"name": "x" * 101, "csrf": tok,
                               "visibility": "open"})
        t.status(r, 422, "a name of 101 bytes is refused (%s)" % lang)
        t.ok(want["long"] in unescape(r.text),
             "%s: the name's limit, the number in place" % lang)
        r = c.post("/compose", [("csrf", c.csrf("/")), ("status", "half"),
                                ("poll[web]", "1"),
                                ("poll[options][]", "only"),
                                ("poll[options][]", ""),
                                ("poll[expires_in]", "86400")])
        t.ok(want["poll"] in unescape(r.text),
             "%s: a poll of one choice, refused in the reader's language"
             % lang)
        r = c.get("/settings/profile")
        fid = re.search(r'name="(field_\d+)"', r.text).group(1)
        r = c.post("/settings/profile", {
            "csrf": h.form_field(r.text, "csrf"), "display_name": "",
            "location": "x" * 300, fid: "two\nlines"})
        t.status(r, 422, "bad profile details are refused (%s)" % lang)
        for what in ("empty", "location", "field"):
            t.ok(want[what] in html.unescape(r.text),
                 "%s: %s, with the form's label" % (lang, want[what]))
        pw = c.csrf("/settings/password")
        r = c.post("/settings/password", {"csrf": pw,
                                          "current": h.PASSWORD,
                                          "password": "short",
                                          "confirm": "short"})
        t.status(r, 422, "a short new password is refused (%s)" % lang)
        t.ok(want["password"] in unescape(r.text),
             "%s: the password's rule, plural-correct" % lang)
        adm = srv.client(headers={"Accept-Language": lang})
        t.status(adm.login("root"), 303, "root signs in (%s)" % lang)
        csrf = adm.csrf("/admin/people")
        r = adm.post("/admin/people", {"csrf": csrf, "username": "y" * 31,
                                       "display_name": "Y"})
        t.status(r, 422, "a 31-letter username is refused (%s)" % lang)
        t.ok(want["username"] in unescape(r.text),
             "%s: the username's rule in the create form" % lang)
        r = adm.post("/admin/people/import", {
            "csrf": csrf, "csv": "username,display_name,email,department,"
            "title\nbad name,Bad,,,\n"})
        t.status(r, 422, "an import with a bad username (%s)" % lang)
        t.ok(want["import"] in unescape(r.text),
             "%s: the import's line names the rule" % lang)
    # The API: English, as Mastodon's errors are, whatever the browser.
    api = srv.client(headers={"Authorization": "Bearer " +
                              srv.token("carol"), "Accept-Language": "de"})
    r = api.post("/api/v1/groups", {"name": "Chess de"})
    t.status(r, 409, "the API refuses the duplicate too")
    t.is_(r.json().get("error"), "A group named 'Chess de' already exists",
          "... in English, the name in place")


def multipart(fields, files):
    """(body, content type) for a form with text fields and files."""
    b = "hearth-i18n-boundary"
    out = b""
    for name, value in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n"
                "\r\n%s\r\n" % (b, name, value)).encode()
    for name, filename, ctype, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n" % (
                    b, name, filename, ctype)).encode() + data + b"\r\n"
    return out + ("--%s--\r\n" % b).encode(), \
        "multipart/form-data; boundary=" + b


@h.case
def sizes_translated(t, srv):
    """A file over the limit, sent from the composer: its size and the
    limit as each language writes them; a file's size on its card too."""
    with h.Server(t, name="small", **{"media.max_file_size": 50000}) as s:
        s.add_user("dora")
        for lang, refused, card in [
                ("de", "big.csv: Die Datei ist 60 kB groß; erlaubt sind "
                 "50 kB", "· 2 kB"),
                ("pl", "big.csv: Plik ma 60 kB; limit to 50 kB", "· 2 kB"),
                ("en", "big.csv: the file is 60 KB; the limit is 50 KB",
                 "· 2 KB")]:
            c = s.client(headers={"Accept-Language": lang})
            t.status(c.login("dora"), 303, "dora signs in (%s)" % lang)
            tok = c.csrf("/")
            body, ct = multipart([("csrf", tok), ("status", "numbers")],
                                 [("files", "big.csv", "text/csv",
                                   b"a,b\n" * 15000)])
            r = c.request("POST", "/compose", body=body,
                          headers={"Content-Type": ct})
            t.status(r, 422, "a file over the limit is refused (%s)" % lang)
            t.ok(refused in html.unescape(r.text),
                 "%s: %s" % (lang, refused))
            body, ct = multipart([("csrf", tok), ("status", "small " + lang)],
                                 [("files", "small.csv", "text/csv",
                                   b"x" * 1500)])
            r = c.request("POST", "/compose", body=body,
                          headers={"Content-Type": ct})
            t.status(r, 303, "a small file is posted (%s)" % lang)
            r = c.get("/")
            t.ok(card in r.text, "%s: the card says %r" % (lang, card))
            # The composer's own uploads (hearth.js, POST /media): the
            # JSON error a person reads, in their words too.
            body, ct = multipart([], [("file", "big.csv", "text/csv",
                                       b"a,b\n" * 15000)])
            r = c.request("POST", "/media", body=body,
                          headers={"Content-Type": ct, "X-CSRF-Token": tok})
            t.status(r, 413, "the composer's upload is refused (%s)" % lang)
            t.is_(r.json().get("error") if r.status == 413 else None,
                  refused.split(": ", 1)[1],
                  "%s: the upload's error in the reader's words" % lang)
        # An app (a bearer token) reads the API's English, whatever
        # language its requests ask for.
        api = s.client(headers={"Authorization": "Bearer " +
                                s.token("dora"), "Accept-Language": "de"})
        body, ct = multipart([], [("file", "big.csv", "text/csv",
                                   b"a,b\n" * 15000)])
        r = api.request("POST", "/api/v1/media", body=body,
                        headers={"Content-Type": ct})
        t.status(r, 413, "the API refuses the file too")
        t.is_(r.json().get("error") if r.status == 413 else None,
              "the file is 60 KB; the limit is 50 KB", "... in English")


if __name__ == "__main__":
    h.main_cases(fixture)
