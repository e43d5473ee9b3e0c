"""The instance's rules (issue 21, point 8): GET /api/v1/instance/rules
and the Instance entities' `rules` are the guidelines' summary, a Rule
for each line, when the guidelines module is loaded (through the module
ABI 1.6 `rules` hook), and [] without it.

Each case can run alone: make check TESTS=tests/integration/test_instance_rules.py
CASE=with_guidelines (or `python3 .../test_instance_rules.py --list`)."""
import contextlib
import os
import shutil

import harness as h

BUILD = os.environ.get("HEARTH_BUILDDIR", ".")
SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(__file__),
                                                   "..", ".."))


def module_dir(t):
    """A module folder with the guidelines module and its templates."""
    d = os.path.join(t.safe_tmpdir(), "modules")
    os.mkdir(d)
    os.chmod(d, 0o755)
    shutil.copy(os.path.join(BUILD, "modules", "guidelines",
                             "guidelines.so"), os.path.join(d,
                                                            "guidelines.so"))
    os.chmod(os.path.join(d, "guidelines.so"), 0o644)
    shutil.copytree(os.path.join(SRC, "modules", "guidelines", "templates"),
                    os.path.join(d, "guidelines", "templates"))
    return d


def bearer(srv, name):
    return srv.client(headers={"Authorization": "Bearer " + srv.token(name)})


@contextlib.contextmanager
def fixture(t):
    yield None


def rules_everywhere(t, srv, c, want, what):
    """The three places that carry the rules, all equal to want."""
    r = c.get("/api/v1/instance/rules")
    t.status(r, 200, "GET /api/v1/instance/rules " + what)
    t.is_(r.json(), want, "... the rules " + what)
    t.is_(c.get("/api/v1/instance").json().get("rules"), want,
          "... and v1 Instance's rules")
    t.is_(c.get("/api/v2/instance").json().get("rules"), want,
          "... and v2 Instance's rules")


@h.case
def without_guidelines(t, fx):
    """No module: no rules, and the endpoint is no longer refused."""
    with h.Server(t) as srv:
        srv.people("alice")
        rules_everywhere(t, srv, srv.client(), [], "without the module")


@h.case
def with_guidelines(t, fx):
    """The current version's summary, a Rule per line, list markers left
    off; a new version replaces them; signed out too."""
    with h.Server(t, modules="guidelines", module_dir=module_dir(t)) as srv:
        srv.add_user("boss", admin=True)
        srv.add_user("emp")
        boss = bearer(srv, "boss")
        anon = srv.client()
        rules_everywhere(t, srv, anon, [], "before anything is published")
        r = boss.post("/api/v1/admin/guidelines", {
            "text": "# Be kind\n\nThe long version.\n",
            "summary": "- Be kind to colleagues\n\n2. Keep secrets "
                       "inside\r\n* No spam  \n",
            "requires_acknowledgement": "false"})
        t.status(r, 200, "an admin publishes guidelines with a summary")
        want = [{"id": "1", "text": "Be kind to colleagues", "hint": ""},
                {"id": "2", "text": "Keep secrets inside", "hint": ""},
                {"id": "3", "text": "No spam", "hint": ""}]
        rules_everywhere(t, srv, anon, want, "signed out, from the summary")
        rules_everywhere(t, srv, bearer(srv, "emp"), want, "signed in")
        r = boss.post("/api/v1/admin/guidelines", {
            "text": "# Be kinder\n", "summary": "Only one rule",
            "requires_acknowledgement": "false"})
        t.status(r, 200, "a second version")
        rules_everywhere(t, srv, anon,
                         [{"id": "1", "text": "Only one rule", "hint": ""}],
                         "of the current version only")
        r = boss.post("/api/v1/admin/guidelines", {
            "text": "# No summary\n", "summary": "",
            "requires_acknowledgement": "false"})
        rules_everywhere(t, srv, anon, [], "when the summary is empty")


if __name__ == "__main__":
    h.main_cases(fixture)
