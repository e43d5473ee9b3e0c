"""Finding people and words as people type them: search folds letters
(zespolu finds zespołu, uberstunden finds Überstunden), matches the start
of words (darjeel finds Darjeeling), finds people by job title and
department, hides empty sections and marks what matched, safely; the
pickers' GET /suggest (people and hashtags, never a deactivated person,
a session's only, limited); and the group members page adding by name.

Each case can run alone: make check TESTS=tests/integration/test_find.py
CASE=folded_letters (or `python3 .../test_find.py --list`).

Cases use words and names of their own, so they never find each other's."""
import contextlib
import itertools
import json
import re
import urllib.parse

import harness as h

_n = itertools.count(1)


def q(text):
    return "/search?q=" + urllib.parse.quote(text)


def suggest(c, text, **params):
    params["q"] = text
    return c.get("/suggest?" + urllib.parse.urlencode(params))


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.api = srv.people(("zofia", "Zofia Łukasiewicz"),
                             ("jurgen", "Jürgen Groß"))
        srv.b = {}
        for name in ("zofia", "jurgen"):
            srv.b[name] = srv.client()
            t.status(srv.b[name].login(name), 303, "%s signs in" % name)
        yield srv


def person(t, srv, base, display, job=None, dept=None):
    """A person of the case's own with a profile: (username, bearer)."""
    name = "%s%d" % (base, next(_n))
    api = srv.people((name, display))[name]
    fields = {}
    if job:
        fields["job_title"] = job
    if dept:
        fields["department"] = dept
    if fields:
        r = api.request("PATCH", "/api/v1/accounts/update_credentials",
                        json_body=fields)
        t.status(r, 200, "%s sets a job title or department" % name)
    return name, api


@h.case
def folded_letters(t, srv):
    """Letters Unicode decomposes and letters it does not, both ways."""
    z, j = srv.api["zofia"], srv.api["jurgen"]
    h.post_status(z, "Spotkanie zespołu w piątek")
    h.post_status(j, "Überstunden werden bezahlt")
    h.post_status(j, "Søren and Æsa drink Þórsmörk tea at the Straße")
    b = srv.b["zofia"]
    r = b.get(q("zespolu"))
    t.like(r.text, r"Spotkanie <mark>zespołu</mark> w", "zespolu finds "
           "zespołu (ł has no decomposition), marked on the original")
    r = b.get(q("ZESPOŁU piatek"))
    t.like(r.text, r"<mark>zespołu</mark> w <mark>piątek</mark>",
           "capital Ł and ą fold too, every word marked")
    r = b.get(q("uberstunden"))
    t.like(r.text, r"<mark>Überstunden</mark> werden",
           "uberstunden finds Überstunden")
    r = b.get(q("soren aesa thorsmork strasse"))
    t.like(r.text, r"<mark>Søren</mark> and <mark>Æsa</mark>",
           "ø and æ fold")
    t.like(r.text, r"<mark>Þórsmörk</mark> tea at the <mark>Straße</mark>",
           "þ and ß fold")
    r = b.get(q("lukasiewicz"))
    t.like(r.text, r'<a href="/@zofia">Zofia <mark>Łukasiewicz</mark></a>',
           "people by folded name")
    r = b.get(q("gross"))
    t.like(r.text, r'<a href="/@jurgen">Jürgen <mark>Groß</mark></a>',
           "ß in a name")
    api = z.get("/api/v2/search?" + urllib.parse.urlencode(
        {"q": "zespolu", "type": "statuses"}))
    t.status(api, 200, "the API searches the same way")
    t.is_(len(api.json().get("statuses", [])), 1, "... and finds the post")


@h.case
def word_starts(t, srv):
    """Every word matches by its start, in posts and hashtags."""
    j = srv.api["jurgen"]
    h.post_status(j, "Darjeeling is the best #teatime")
    b = srv.b["zofia"]
    r = b.get(q("darjeel"))
    t.like(r.text, r"<mark>Darjeel</mark>ing is", "darjeel finds "
           "Darjeeling, the typed part marked")
    r = b.get(q("darj best"))
    t.like(r.text, r"<mark>Darj</mark>eeling is the <mark>best</mark>",
           "two word starts")
    r = b.get(q("eeling"))
    t.unlike(r.text, r"Darjeeling is", "the middle of a word is no start")


@h.case
def people_by_title_and_department(t, srv):
    """Job titles and departments find people, and are shown marked, with
    their avatars; a section with nothing is not shown at all."""
    name, _ = person(t, srv, "pia", "Pia Quell", job="Hydrologist",
                     dept="Wasserwirtschaft")
    b = srv.b["zofia"]
    r = b.get(q("hydrolog"))
    t.like(r.text, r'<a href="/@%s">Pia Quell</a>' % name,
           "a job title's start finds her")
    t.like(r.text, r"<p><mark>Hydrolog</mark>ist</p>", "... marked")
    t.like(r.text, r'<img src="[^"]*/avatars/%s\.png" alt="" width="48"'
           % name, "... with her avatar")
    t.unlike(r.text, r'id="posts-h"', "no posts: no Posts section")
    t.unlike(r.text, r'id="tags-h"', "no hashtags: no Hashtags section")
    r = b.get(q("wasserwirt"))
    t.like(r.text, r'<a href="/@%s">' % name, "the department finds her")
    t.like(r.text, r'<p class="muted"><mark>Wasserwirt</mark>schaft</p>',
           "... marked")
    r = b.get(q("hydrologist nobodyelse"))
    t.like(r.text, r"Nothing matches “hydrologist nobodyelse”",
           "every word must match; nothing: one line")
    t.unlike(r.text, r'id="people-h"', "... and no People section")


@h.case
def marks_are_safe(t, srv):
    """What people wrote is escaped before any mark goes in."""
    name, _ = person(t, srv, "evil", "<b>Xyloph</b> & co")
    b = srv.b["zofia"]
    r = b.get(q("xyloph"))
    t.like(r.text, r"&lt;b&gt;<mark>Xyloph</mark>&lt;/b&gt; &amp; co",
           "the name is escaped, the mark is the only markup")
    t.unlike(r.text, r"<b>Xyloph", "no markup from the name")
    r = b.get(q("<mark>"))
    t.unlike(r.text, r"<mark>mark", "a query is never markup either")


@h.case
def suggest_people_and_tags(t, srv):
    """@ suggests people, # hashtags; deactivated people never; limited;
    a browser session's only."""
    z = srv.b["zofia"]
    names = []
    for i in range(10):
        name, _ = person(t, srv, "quimby", "Quimby Person %d" % i,
                         job="Tester")
        names.append(name)
    r = suggest(z, "@quimb")
    t.status(r, 200, "a suggestion is 200")
    t.like(r.header("Content-Type") or "", r"application/json",
           "... JSON")
    people = r.json()["people"]
    t.is_(len(people), 8, "at most 8 people")
    t.ok(all(p["username"].startswith("quimby") for p in people),
         "... all matching")
    t.ok(all(set(p) >= {"username", "acct", "display_name", "avatar",
                        "title", "path"} for p in people),
         "each with username, name, avatar and title")
    t.is_(people[0]["title"], "Tester", "... the job title")
    t.is_(r.json()["tags"], [], "@: no hashtags")
    t.is_(len(suggest(z, "@quimb", limit="3").json()["people"]), 3,
          "limit=3: three")
    t.is_(len(suggest(z, "@quimb", limit="500").json()["people"]), 8,
          "a limit over 8 is 8")
    gone = names[0]
    p = srv.ctl("user", "disable", gone)
    t.is_(p.returncode, 0, "an admin deactivates %s" % gone)
    r = suggest(z, "@" + gone)
    t.ok(all(x["username"] != gone for x in r.json()["people"]),
         "a deactivated person is never suggested")
    r = suggest(z, "@lukas")
    t.is_([x["username"] for x in r.json()["people"]], ["zofia"],
          "names fold: @lukas suggests Łukasiewicz")
    h.post_status(srv.api["jurgen"], "#quokkafacts are the best")
    r = suggest(z, "#quokka")
    t.is_(r.json()["tags"], ["quokkafacts"], "# suggests hashtags")
    t.is_(r.json()["people"], [], "... and no people")
    t.status(suggest(z, ""), 400, "an empty q is 400")
    t.status(suggest(srv.client(), "@quimb"), 303,
             "signed out: to the login form")
    t.ok(suggest(srv.api["zofia"], "@quimb").status in (401, 403),
         "a bearer token (an app) gets no suggestions")


@h.case
def members_added_by_name(t, srv):
    """The members page adds someone by name: one match is added, several
    are offered with a button each, none says so."""
    z = srv.b["zofia"]
    tok = z.csrf("/groups")
    gname = "Finders %d" % next(_n)
    r = z.post("/groups", {"name": gname, "csrf": tok})
    t.status(r, 303, "zofia makes a group")
    gid = re.search(r"/groups/(\d+)", r.header("Location")).group(1)
    one, _ = person(t, srv, "rosalind", "Rosalind Vexhall")
    r = z.post("/groups/%s/members" % gid, {"csrf": tok,
                                            "username": "Vexhall"})
    t.status(r, 303, "a name that matches one person adds her")
    r = z.get("/groups/%s/members" % gid)
    t.like(r.text, r'href="/@%s">Rosalind Vexhall</a>' % one,
           "... she is a member")
    a, _ = person(t, srv, "tamsin", "Tamsin Ormerod")
    b, _ = person(t, srv, "tamsin", "Tamsin Ormerod-Fry")
    r = z.post("/groups/%s/members" % gid, {"csrf": tok,
                                            "username": "ormerod"})
    t.status(r, 422, "a name that matches two people adds nobody")
    t.like(r.text, r"More than one person matches “ormerod”",
           "... and says so")
    for who in (a, b):
        t.like(r.text, r'name="username" value="%s">\s*<button type="submit"'
               r' class="small-button">Add<span class="sr-only"> Tamsin'
               % who, "... offering %s with a button" % who)
    r = z.post("/groups/%s/members" % gid, {"csrf": tok, "username": b})
    t.status(r, 303, "the button's username adds the one chosen")
    r = z.post("/groups/%s/members" % gid, {"csrf": tok,
                                            "username": "qqqnobody"})
    t.status(r, 422, "nobody by that name: refused")
    t.like(r.text, r"Nobody here is called “qqqnobody”", "... saying so")


if __name__ == "__main__":
    h.main_cases(fixture)
