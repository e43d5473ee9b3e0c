"""Modules: the loader's refusals (each logged with why; exit 2, or started
without the module with module_failure = skip), every hook of the example
module firing, its routes, its migration recorded under its own name, its
config keys, its job, and hearthctl module list.

The cases start servers of their own (each wants its own modules and
config), so each can run alone: make check
TESTS=tests/integration/test_modules.py CASE=before_post_gate (or
`python3 .../test_modules.py --list`)."""
import http.client
import os
import shutil
import sqlite3

import harness as h


def abi():
    """The ABI the tree's module header declares ("1.4"), as a pattern."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "..", "include", "hearth", "module.h")
    nums = {}
    with open(path) as f:
        for line in f:
            for part in ("MAJOR", "MINOR"):
                if line.startswith("#define HEARTH_ABI_" + part):
                    nums[part] = line.split()[2]
    return r"%s\.%s" % (nums["MAJOR"], nums["MINOR"])

BUILD = os.environ.get("HEARTH_BUILDDIR", ".")
SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(__file__),
                                                   "..", ".."))
BUILT = os.path.join(BUILD, "tests", "modules")


def module_dir(t, files):
    """A module folder (0755) holding built modules under new names
    ({"example": "example.so"}) and the example's templates."""
    d = os.path.join(t.safe_tmpdir(), "modules")
    os.mkdir(d)
    os.chmod(d, 0o755)
    for name, built in files.items():
        dst = os.path.join(d, name + ".so")
        shutil.copy(os.path.join(BUILT, built), dst)
        os.chmod(dst, 0o644)
    shutil.copytree(os.path.join(SRC, "tests", "modules", "example",
                                 "templates"),
                    os.path.join(d, "example", "templates"))
    return d


def refused(t, name, files, modules, pattern, mode=None, dir_mode=None,
            **extra):
    """hearthd with a module it must refuse: exit 2, the log says why."""
    d = module_dir(t, files)
    if mode is not None:
        os.chmod(os.path.join(d, modules.split()[-1] + ".so"), mode)
    if dir_mode is not None:
        os.chmod(d, dir_mode)
    srv = h.Server(t, modules=modules, module_dir=d, **extra)
    srv.start(expect_ready=False)
    rc = srv.wait_exit()
    t.is_(rc, 2, name + ": hearthd exits 2")
    t.like(srv.log(), pattern, name + ": the log says which module and why")
    srv.check_log()


def example_server(t):
    """A hearthd with the example module and every hook's key set, the
    failload module installed but not enabled; not started."""
    d = module_dir(t, {"example": "example.so",
                       "failload": "example_failload.so"})
    return h.Server(t, name="example", modules="example", module_dir=d, **{
        "example.refuse_user": "carol",
        "example.forbidden_word": "xyzzy",
        "example.job_every": "1",
        "example.landing": "/example"})


@h.case
def refuses_bad_modules(t, fx):
    """Wrong ABI, struct, symbol, load or name: exit 2, logged why."""
    refused(t, "wrong ABI major", {"major": "example_major.so"}, "major",
            r"module major: refused: .*built for module ABI 99\.\d, this "
            r"hearthd speaks 1\.\d")
    refused(t, "struct too small", {"small": "example_size.so"}, "small",
            r"module small: refused: .*struct hearth_module is 16 bytes")
    refused(t, "missing symbol", {"nosym": "example_nosym.so"}, "nosym",
            r"module nosym: refused: .*missing symbol 'hearth_module'")
    refused(t, "failing load", {"failload": "example_failload.so"},
            "failload", r"module failload: refused: its load function "
            r"failed: the example was built to fail")
    refused(t, "duplicate name", {"example": "example.so",
                                  "copy": "example.so"}, "example copy",
            r"module copy: refused: duplicate name: copy\.so calls itself "
            r"'example'")


@h.case
def refuses_writable_files(t, fx):
    """A module file or folder others may write is refused."""
    refused(t, "file writable by others", {"example": "example.so"},
            "example", r"module example: refused: .*example\.so: the file "
            r"is writable by group or others \(mode 666", mode=0o666)
    refused(t, "file writable by group", {"example": "example.so"},
            "example", r"the file is writable by group or others",
            mode=0o664)
    refused(t, "folder writable by others", {"example": "example.so"},
            "example", r"modules: .*the folder is writable by group or "
            r"others", dir_mode=0o777)


@h.case
def symlinked_modules(t, fx):
    """A symlink is checked where it leads; no module_dir under /tmp."""
    d = module_dir(t, {})
    open_dir = os.path.join(t.safe_tmpdir(), "open")
    os.mkdir(open_dir)
    os.chmod(open_dir, 0o777)
    shutil.copy(os.path.join(BUILT, "example.so"), open_dir)
    os.chmod(os.path.join(open_dir, "example.so"), 0o644)
    os.symlink(os.path.join(open_dir, "example.so"),
               os.path.join(d, "example.so"))
    srv = h.Server(t, name="symlink-open", modules="example", module_dir=d)
    srv.start(expect_ready=False)
    t.is_(srv.wait_exit(), 2, "a module symlinked into a folder anyone may "
          "write: hearthd exits 2")
    t.like(srv.log(), r"module example: refused: .*example\.so: the folder "
           r"\S*/open on its way is writable by group or others \(mode 777",
           "... the log names the folder on its way")
    tmp_dir = t.tmpdir()
    shutil.copy(os.path.join(BUILT, "example.so"), tmp_dir)
    os.chmod(os.path.join(tmp_dir, "example.so"), 0o644)
    os.remove(os.path.join(d, "example.so"))
    os.symlink(os.path.join(tmp_dir, "example.so"),
               os.path.join(d, "example.so"))
    srv = h.Server(t, name="symlink-tmp", modules="example", module_dir=d)
    srv.start(expect_ready=False)
    t.is_(srv.wait_exit(), 2, "a module symlinked into /tmp (sticky, yet "
          "anyone's): exit 2")
    t.like(srv.log(), r"the folder /tmp on its way is writable by group or "
           r"others", "... the log names /tmp")
    safe = t.safe_tmpdir()
    shutil.copy(os.path.join(BUILT, "example.so"), safe)
    os.chmod(os.path.join(safe, "example.so"), 0o644)
    os.remove(os.path.join(d, "example.so"))
    os.symlink(os.path.join(safe, "example.so"),
               os.path.join(d, "example.so"))
    with h.Server(t, name="symlink-safe", modules="example",
                  module_dir=d) as srv:
        t.like(srv.log(), r"module example: loaded", "a module symlinked to "
               "a file no one else can change loads")
    under_tmp = os.path.join(t.tmpdir(), "modules")
    shutil.copytree(module_dir(t, {"example": "example.so"}), under_tmp)
    os.chmod(under_tmp, 0o755)
    srv = h.Server(t, name="dir-under-tmp", modules="example",
                   module_dir=under_tmp)
    srv.start(expect_ready=False)
    t.is_(srv.wait_exit(), 2, "a module_dir under /tmp: exit 2")
    t.like(srv.log(), r"modules: .*the folder /tmp on its way", "... and "
           "the log says why")


@h.case
def refuses_bad_config(t, fx):
    """A missing module or unknown module key: exit 2, saying why."""
    refused(t, "not installed", {}, "nothere",
            r"module nothere: refused: .*nothere\.so: No such file")
    refused(t, "unknown key of a module", {"example": "example.so"},
            "example", r"unknown key 'example\.nonsense': module 'example' "
            r"has no key 'nonsense'", **{"example.nonsense": "1"})
    refused(t, "key of a module not enabled", {"example": "example.so"},
            "example", r"unknown key 'other\.x' \(module 'other' is not "
            r"enabled\)", **{"other.x": "1"})
    refused(t, "bad module_failure value", {}, "",
            r"key 'module_failure': must be stop or skip",
            module_failure="maybe")


@h.case
def failure_skip(t, fx):
    """module_failure = skip: start without the refused module only."""
    d = module_dir(t, {"major": "example_major.so", "example": "example.so"})
    with h.Server(t, modules="major example", module_dir=d,
                  module_failure="skip") as srv:
        t.like(srv.log(), r"module major: refused, starting without it: "
               r".*ABI 99", "skip: the refusal is logged")
        t.like(srv.log(), r"module example: loaded version 1\.2\.3",
               "skip: the other module loads")
        srv.add_user("alice")
        c = srv.client()
        c.login("alice")
        t.status(c.get("/example"), 200, "skip: its page answers")


@h.case
def check_config(t, fx):
    """--check-config checks modules and their keys too."""
    d = module_dir(t, {"example": "example.so"})
    conf = os.path.join(t.tmpdir(), "hearth.conf")
    h.write_config(conf, "modules = example\nmodule_dir = %s\n"
                   "example.nonsense = 1\n" % d)
    p = h.run_hearthd("-c", conf, "--check-config")
    t.is_(p.returncode, 2, "--check-config: a bad module key exits 2")
    t.like(p.stderr, r"unknown key 'example\.nonsense'", "... and says which")
    h.write_config(conf, "modules = example\nmodule_dir = %s\n"
                   "example.job_every = 5\n" % d)
    p = h.run_hearthd("-c", conf, "--check-config")
    t.is_(p.returncode, 0, "--check-config: a good module config is ok")


@h.case
def older_minor(t, fx):
    """A module built against ABI 1.0's header (smaller structs) still
    loads, serves its routes and runs its hooks under a 1.1 hearthd."""
    d = module_dir(t, {"v10": "example_v10.so"})
    with h.Server(t, name="v10", modules="v10", module_dir=d) as srv:
        t.like(srv.log(), r"module v10: loaded version 1\.2\.3 \(ABI 1\.0\)",
               "it loads as ABI 1.0")
        srv.add_user("alice")
        c = srv.client()
        t.status(c.login("alice"), 303, "alice signs in (landing hook)")
        r = srv.client(headers={"Authorization": "Bearer " +
                                srv.token("alice")}).post(
            "/example/notes", {"text": "from 1.0"})
        t.ok(r.status < 400, "its route and write answer: " + r.summary())


@h.case
def lifecycle(t, fx):
    """load, migration, module list, user hook, job, unload."""
    with example_server(t) as srv:
        log = srv.log()
        t.like(log, r"module example: load ok", "load ran")
        t.like(log, r"module example: loaded version 1\.2\.3 \(ABI %s\)"
               % abi(),
               "the loaded module is logged with its version")
        db = sqlite3.connect(srv.db)
        rows = db.execute("SELECT component, version, name FROM "
                          "schema_migrations WHERE component = 'example'"
                          ).fetchall()
        t.is_(rows, [("example", 1, "notes")],
              "its migration is recorded under its own name")
        db.close()

        p = srv.ctl("module", "list")
        t.is_(p.returncode, 0, "module list exits 0")
        t.like(p.stdout, r"(?m)^example\s+1\.2\.3\s+%s\s+yes\s" % abi(),
               "module list: example, its version, ABI, enabled")
        t.like(p.stdout, r"(?m)^failload\s+1\.2\.3\s+%s\s+no\s" % abi(),
               "module list: installed but not enabled")

        # after_user_created fires where people are made (hearthctl).
        for name in ("alice", "bob", "carol"):
            p = srv.ctl("user", "add", name, "--password-stdin",
                        input=h.PASSWORD + "\n")
        t.like(p.stderr, r"module example: after_user_created carol",
               "after_user_created fires")
        t.ok(srv.wait_log(r"module example: job ran", timeout=5),
             "the periodic job runs")
    t.like(srv.log(), r"module example: unloaded", "unload runs at shutdown")


@h.case
def render_hooks(t, fx):
    """landing, banner, navigation, footer and announcements hooks."""
    with example_server(t) as srv:
        srv.add_user("alice")
        a = srv.client()
        r = a.login("alice")
        t.status(r, 303, "alice signs in")
        t.is_(r.header("Location"), "/example",
              "landing: a module chooses where people land")
        r = a.get("/")
        t.like(r.text, r'class="banner"[^>]*>\s*<p>Example banner '
               r'&lt;b&gt;not bold&lt;/b&gt; <a href="/example">Open the '
               r'example</a>', "render: the banner, escaped")
        t.like(r.text, r'<li class="nav-wide"><a href="/example">Example</a>'
               r'</li>(?s:.*)<li class="nav-phone"><a href="/example">'
               r'Example</a></li>',
               "render: the navigation item")
        t.like(r.text, r'<footer[^>]*>.*<a href="/example">Example '
               r'footer</a>', "render: the footer link")
        api = srv.client(headers={"Authorization": "Bearer " +
                                  srv.token("alice")})
        r = api.get("/api/v1/announcements")
        t.is_([x.get("id") for x in r.json()], ["example"],
              "render: announcements from the module")


@h.case
def module_routes(t, fx):
    """A module's page and API routes: templates, writes, CSRF."""
    with example_server(t) as srv:
        srv.add_user("alice")
        a = srv.client()
        a.login("alice")
        r = a.get("/example")
        t.status(r, 200, "a module route renders its own template")
        t.like(r.text, r'id="write-refused"',
               "a write on a request's read connection is refused")
        t.like(r.text, r"<h1 id=\"example-title\">Example module</h1>",
               "... the template comes from the module's folder")
        r = a.post("/example/notes", {"text": "first", "csrf":
                                      h.form_field(r.text, "csrf")})
        t.status(r, 303, "a module's write route answers after commit")
        t.like(a.get("/example").text, r"<li>first</li>",
               "... and the note is stored")
        r = a.post("/example/notes", {"text": "no token"})
        t.status(r, 403, "module routes get CSRF checks too")

        tok = {"Authorization": "Bearer " + srv.token("alice")}
        api = srv.client(headers=tok)
        r = api.post("/api/v1/example/notes", {"text": "by api"})
        t.status(r, 200, "a module's API route")
        t.is_(r.json().get("text"), "by api", "... answers JSON")
        t.status(srv.client().get("/api/v1/example/notes"), 405,
                 "... wrong method: 405 from the module table")


@h.case
def before_post_gate(t, fx):
    """before_post refuses posts and edits; after_post, after_follow."""
    with example_server(t) as srv:
        srv.add_user("alice")
        srv.add_user("bob")
        a = srv.client()
        a.login("alice")
        api = srv.client(headers={"Authorization": "Bearer " +
                                  srv.token("alice")})
        r = api.post("/api/v1/statuses", {"status": "hello xyzzy"})
        t.status(r, 403, "before_post refuses a post (API)")
        t.like(r.json().get("error", ""), r"forbidden word",
               "... with the module's reason")
        r = api.post("/api/v1/statuses", {"status": "hello world"})
        t.status(r, 200, "other posts go through")
        pid = r.json().get("id")
        r = api.request("PUT", "/api/v1/statuses/%s" % pid,
                        form={"status": "edited xyzzy"})
        t.status(r, 403, "before_post sees edits too")
        wtok = h.form_field(a.get("/").text, "csrf")
        r = a.post("/@alice/%s/edit" % pid, {"csrf": wtok,
                                             "status": "web xyzzy"})
        t.status(r, 403, "before_post sees edits on the web too")
        t.like(r.text, r"forbidden word", "... and the page says why")
        r = api.get("/api/v1/statuses/%s" % pid)
        t.unlike(r.json().get("content", ""), r"xyzzy", "... the post "
                 "kept its text")
        r = a.post("/@alice/%s/edit" % pid, {"csrf": wtok,
                                             "status": "web edit"})
        t.status(r, 303, "... while a clean edit on the web goes through")
        t.ok(srv.wait_log(r"module example: after_post id=%s author=" % pid),
             "after_post fires once committed")
        bob = srv.client(headers={"Authorization": "Bearer " +
                                  srv.token("bob")}).me().json()["id"]
        t.status(api.post("/api/v1/accounts/%s/follow" % bob), 200,
                 "alice follows bob")
        t.ok(srv.wait_log(r"after_follow \d+->%s" % bob),
             "after_follow fires")


@h.case
def before_write_gate(t, fx):
    """before_write refuses one person's writes; reads stay open."""
    with example_server(t) as srv:
        srv.add_user("carol")
        ctok = {"Authorization": "Bearer " + srv.token("carol")}
        capi = srv.client(headers=ctok)
        r = capi.post("/api/v1/statuses", {"status": "hi"})
        t.status(r, 403, "before_write refuses carol's post (API)")
        t.like(r.json().get("error", ""), r"refuses writes by carol",
               "... 403 JSON with the reason")
        t.like(r.json().get("url", ""), r"/example$", "... and the link")
        t.status(capi.post("/api/v1/example/notes", {"text": "x"}), 403,
                 "... and a module's own write route")
        t.status(capi.get("/api/v1/timelines/home"), 200,
                 "reading stays open")
        c = srv.client()
        t.status(c.login("carol"), 303, "carol may still sign in")
        tokc = c.csrf("/")
        r = c.post("/compose", {"status": "hi", "csrf": tokc})
        # The composer keeps what was written as a draft and goes to the
        # gate's page (web/pages/compose-gate.c); nothing is posted.
        t.status(r, 303, "the web composer is refused too: to the gate")
        t.like(r.header("Location") or "", r"^/example\?.*kept=1",
               "... its page, saying the draft is kept")
        home = c.get("/").text
        t.like(home, r"refuses writes by carol", "... the page says why")
        t.like(home, r'<a [^>]*href="/example[^"]*">Read why</a>',
               "... with a link")
        t.unlike(capi.get("/api/v1/timelines/home").text, r'"hi"',
                 "... and nothing was posted")
        t.status(c.post("/logout", {"csrf": tokc}), 303,
                 "signing out is never gated")


@h.case
def disabled(t, fx):
    """No module enabled: no module routes, no fragments."""
    with h.Server(t) as srv:
        srv.add_user("alice")
        c = srv.client()
        c.login("alice")
        t.status(c.get("/example"), 404, "without modules: no module routes")
        t.unlike(c.get("/").text, r'class="banner"', "... and no banner")
        t.is_(c.get("/api/v1/announcements",
                    headers={"Authorization": "Bearer " +
                             srv.token("alice")}).json(), [],
              "... and no announcements")


@h.case
def crash(t, fx):
    """A crash inside a module names the module and route, then dies."""
    # hearthd dies (systemd restarts it); the log tells the admin which
    # module to disable.
    d = module_dir(t, {"example": "example.so"})
    with h.Server(t, name="crash-off", modules="example",
                  module_dir=d) as srv:
        t.status(srv.client().get("/example/crash"), 404, "(the example's "
                 "crash route does nothing unless told to)")
    srv = h.Server(t, name="crash", modules="example", module_dir=d,
                   **{"example.crash": "yes"})
    srv.start()
    try:
        srv.client().get("/example/crash")
    except (OSError, http.client.HTTPException):
        pass
    rc = srv.wait_exit()
    t.ok(rc is not None and rc != 0, "a crash inside a module ends hearthd "
         "(exit %r)" % rc)
    t.like(srv.log(), r"hearthd: fatal signal 11 inside module 'example' "
           r"\(route GET /example/crash /example/crash\): to keep hearthd "
           r"up, take 'example' out of modules = in hearth\.conf",
           "the log names the module and the route")
    srv.checked = True      # a sanitizer's report of the SEGV may follow


if __name__ == "__main__":
    # Every case starts the servers it needs: there is no shared fixture.
    h.main_cases()
