"""Editing and deleting one's own post on the web: Edit and Delete show to
the author only; the edit form is prefilled with the Markdown source and
content warning, saves through the API's edit (its history is kept) and
the post says "Edited"; a refused edit keeps what was typed; deleting asks
first, then deletes and says so; others get 403 or 404 as the domain
decides; every form needs its CSRF token.

Each case can run alone: make check TESTS=tests/integration/test_web_edit.py
CASE=edit_saves_history (or `python3 .../test_web_edit.py --list`)."""
import contextlib
import re

import harness as h


@contextlib.contextmanager
def fixture(t):
    with h.Server(t) as srv:
        srv.add_user("alice", display_name="Alice Liddell")
        srv.add_user("bob", display_name="Bob Builder")
        srv.a, srv.b = srv.client(), srv.client()
        t.status(srv.a.login("alice"), 303, "alice signs in")
        t.status(srv.b.login("bob"), 303, "bob signs in")
        srv.api = srv.client(headers={"Authorization": "Bearer " +
                                      srv.token("alice")})
        yield srv


def compose(t, c, name, what, **fields):
    """Post through name's composer; (path, id) of the new post (the
    newest of name's on their home, or for a direct post on their
    private conversations: the web's home leaves those out)."""
    fields["csrf"] = c.csrf("/")
    t.status(c.post("/compose", fields), 303, what)
    page = "/conversations" if fields.get("visibility") == "direct" else "/"
    m = re.search(r'href="(/@%s/(\d+))"' % name, c.get(page).text)
    t.ok(m is not None, "the post links to its page")
    return (m.group(1), m.group(2)) if m else ("/@%s/0" % name, "0")


def draft(t, srv):
    """Alice's post to edit, with a content warning: (path, id)."""
    return compose(t, srv.a, "alice", "alice posts",
                   status="First **draft**",
                   spoiler_text="spoilers <ahead>")


@h.case
def tools_for_author_only(t, srv):
    """Edit and Delete show to the author only, on the post and in the
    stream."""
    a, b = srv.a, srv.b
    path, _ = draft(t, srv)
    r = a.get(path)
    t.like(r.text, r'<a href="%s/edit" class="post-tool">Edit' % path,
           "the author sees Edit on the post page")
    t.like(r.text, r'<a href="%s/delete" class="post-tool">Delete'
           % path, "... and Delete")
    t.like(a.get("/").text, r'href="%s/edit"' % path,
           "... and in the stream (post-item)")
    r = b.get(path)
    t.status(r, 200, "bob can read alice's post")
    t.unlike(r.text, r'href="%s/(edit|delete)"' % path,
             "... without Edit or Delete")
    t.unlike(r.text, r"Edited", "a fresh post is not marked edited")


@h.case
def edit_form_prefilled(t, srv):
    """The edit form is prefilled with the Markdown source and the content
    warning, escaped."""
    path, _ = draft(t, srv)
    r = srv.a.get(path + "/edit")
    t.status(r, 200, "the edit page is 200")
    t.like(r.text, r'<label for="status">Text</label>', "labelled text")
    t.like(r.text, r">First \*\*draft\*\*</textarea>",
           "prefilled with the Markdown source")
    t.like(r.text, r'id="spoiler_text"[^>]*value="spoilers '
           r'&lt;ahead&gt;"', "... and the content warning, escaped")
    t.like(r.text, r'<form method="post" action="%s/edit"' % path,
           "the form posts to the edit address")


@h.case
def edit_refusals_keep_typed(t, srv):
    """An edit without CSRF is 403; a refused edit keeps what was
    typed."""
    a = srv.a
    path, _ = draft(t, srv)
    r = a.post(path + "/edit", {"status": "changed"})
    t.status(r, 403, "an edit without a CSRF token is 403")
    r = a.post(path + "/edit", {"csrf": a.csrf("/"), "status": "   ",
                                "spoiler_text": "new cw"})
    t.status(r, 422, "a blank edit is refused")
    t.like(r.text, r'id="status-error">Validation failed: Text',
           "... with the error on the text")
    t.like(r.text, r'aria-describedby="status-help status-error"',
           "... tied to the field")
    t.like(r.text, r'value="new cw"', "... the typed warning is kept")
    t.like(a.get(path).text, r"First <strong>draft</strong>",
           "... and the post is unchanged")


@h.case
def edit_saves_history(t, srv):
    """An edit saves through the API's edit: the new text, "Edited", the
    history and the source."""
    a, api = srv.a, srv.api
    path, pid = draft(t, srv)
    r = a.post(path + "/edit", {"csrf": a.csrf("/"),
                                "status": "Second *take*",
                                "spoiler_text": ""})
    t.status(r, 303, "alice edits her post")
    t.is_(r.header("Location"), path, "... and goes back to it")
    r = srv.b.get(path)
    t.like(r.text, r"Second <em>take</em>", "the new text shows")
    t.unlike(r.text, r"Content warning:", "the warning is gone")
    t.like(r.text, r'<p class="muted small edited"><a href="/@[^"/]+/\d+'
           r'/history">Edited <time '
           r'datetime="\d{4}-\d\d-\d\dT[\d:]+Z" title="[^"]+ UTC">',
           "the post says Edited, with the exact time on hover, and "
           "links to the edit history")
    r = srv.b.get(path + "/history")
    t.status(r, 200, "the edit history page is 200")
    t.is_(len(re.findall(r'<li class="card version"', r.text)), 2,
          "... it lists both versions")
    t.like(r.text, r"(?s)Current version.*Second <em>take</em>.*Original"
           r".*<strong>draft</strong>", "... the newest first")
    t.status(srv.b.get(path + "9/history"), 404,
             "the history of a post that is not there is 404")
    r = api.get("/api/v1/statuses/%s/history" % pid)
    t.status(r, 200, "the edit history is there")
    hist = r.json()
    t.is_(len(hist), 2, "... with the first version and the edit")
    t.like(hist[0].get("content", ""), r"<strong>draft</strong>",
           "... the first version kept")
    t.is_(api.get("/api/v1/statuses/%s/source" % pid).json().get("text"),
          "Second *take*", "the source is the new Markdown")


@h.case
def others_refused(t, srv):
    """Someone else's post: 403 where they may read it, 404 where not or
    under the wrong name."""
    a, b = srv.a, srv.b
    path, pid = draft(t, srv)
    bpath, _ = compose(t, b, "bob", "bob posts", status="bob's own words")
    hidden, _ = compose(t, a, "alice", "alice writes to bob",
                        status="secret for bob", visibility="direct")
    btok = b.csrf("/")
    t.status(b.get(path + "/edit"), 403,
             "bob cannot open alice's edit form")
    r = b.post(path + "/edit", {"csrf": btok, "status": "hijack"})
    t.status(r, 403, "bob cannot edit alice's post")
    t.unlike(a.get(path).text, r"hijack", "... it is unchanged")
    t.status(b.get(path + "/delete"), 403,
             "bob cannot open the delete page of alice's post")
    r = b.post(path + "/delete", {"csrf": btok})
    t.status(r, 403, "bob cannot delete alice's post")
    t.status(a.get(path), 200, "... it is still there")
    t.status(a.get(bpath + "/edit"), 403, "nor alice bob's")
    t.status(b.get(hidden + "/edit"), 404,
             "a post bob may not read is 404, not 403")
    t.status(b.post(hidden + "/delete", {"csrf": btok}), 404,
             "... to delete too")
    t.status(a.get("/@bob/%s/edit" % pid), 404,
             "a post under the wrong name is 404")


@h.case
def delete_confirm_then_gone(t, srv):
    """Delete asks first (with a form and a way back), wants its CSRF
    token, then deletes and says so."""
    a = srv.a
    path, pid = compose(t, a, "alice", "alice posts",
                        status="Second *take*")
    r = a.get(path + "/delete")
    t.status(r, 200, "the delete page is 200")
    t.like(r.text, r"<h1>Delete this post\?</h1>", "it asks first")
    t.like(r.text, r"Second <em>take</em>", "... showing the post")
    t.like(r.text, r'<form method="post" action="%s/delete"' % path,
           "... with a form (no JavaScript needed)")
    t.like(r.text, r'<a href="%s">Cancel' % path, "... and a way back")
    t.status(a.get(path), 200, "opening it deleted nothing")
    r = a.post(path + "/delete", {})
    t.status(r, 403, "delete without a CSRF token is 403")
    t.status(a.get(path), 200, "... deleted nothing")
    tok = a.csrf("/")
    r = a.post(path + "/delete", {"csrf": tok})
    t.status(r, 303, "alice deletes her post")
    t.is_(r.header("Location"), "/@alice?notice=deleted",
          "... and goes to her profile")
    r = a.get(r.header("Location"))
    t.like(r.text, r'<p class="notice" role="status">Your post was '
           r"deleted.</p>", "which says so")
    t.status(a.get(path), 404, "the post is gone")
    t.status(srv.api.get("/api/v1/statuses/" + pid), 404,
             "... from the API too")
    t.status(a.post(path + "/delete", {"csrf": tok}), 404,
             "deleting it again is 404")


if __name__ == "__main__":
    h.main_cases(fixture)
