"""The layers' arrows point down (tools/layers), on the real tree and
its objects; and the check is not blind: each kind of violation, planted in
a copy of the tree or in objects compiled for the purpose, is reported
with the file at fault. Cases run alone: CASE=planted_upward_include."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import harness as h  # noqa: E402

SRC = os.environ.get("HEARTH_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("HEARTH_BUILDDIR", os.getcwd())
TOOL = os.path.join(SRC, "tools", "layers")


def layers(*args):
    p = subprocess.run([sys.executable, TOOL] + list(args),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def copy_tree(t):
    """The sources (core/, web/pages/, modules/) in a temporary folder."""
    dst = os.path.join(t.tmpdir(), "src")
    for top in ("core", "web/pages", "modules"):
        shutil.copytree(os.path.join(SRC, top), os.path.join(dst, top),
                        ignore=lambda d, names: [
                            n for n in names
                            if not os.path.isdir(os.path.join(d, n)) and
                            not n.endswith((".c", ".h"))])
    return dst


def plant(path, text, after="#include"):
    """Put text on the line after the first line starting with after."""
    with open(path) as f:
        lines = f.read().split("\n")
    i = next(n for n, x in enumerate(lines) if x.startswith(after))
    lines.insert(i + 1, text)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return i + 2                # the planted line's number


def planted(t, rel, text, want, what, after="#include"):
    src = copy_tree(t)
    line = plant(os.path.join(src, rel), text, after)
    rc, out = layers("--src", src)
    t.is_(rc, 1, "%s: the check fails" % what)
    t.like(out, r"(?m)^%s:%d: .*%s" % (rel.replace(".", r"\."), line, want),
           "... naming %s:%d" % (rel, line))


@h.case
def tree_is_clean(t, fx):
    """The tree as committed: includes and calls point down."""
    rc, out = layers("--src", SRC)
    t.is_((rc, out.strip()), (0, "layers: the arrows point down "
                              "(includes)"), "the includes point down")
    rc, out = layers("--src", SRC, "--objects", BUILD)
    t.is_((rc, out.strip()), (0, "layers: the arrows point down "
                              "(includes and calls)"),
          "the calls between the built objects point down, no cycles")


@h.case
def planted_upward_include(t, fx):
    """A domain file including the http layer's header."""
    planted(t, "core/domain/post.c", '#include "request.h"',
            "the domain layer includes request.h from the http layer",
            "domain includes request.h")
    planted(t, "core/store/db.c", '#include "domain.h"',
            "the store layer includes domain.h", "store includes domain.h")
    planted(t, "core/lib/arena.c", '#include "store.h"',
            "the lib layer includes store.h", "lib includes store.h")


@h.case
def planted_private_header(t, fx):
    """Handler headers seen outside their folder, and api beside web."""
    planted(t, "web/pages/home.c", '#include "handlers.h"',
            "includes handlers.h, which only core/api/ may",
            "the web includes the API's handlers")
    planted(t, "core/hearthd.c", '#include "pages.h"',
            "includes pages.h, which only web/pages/ may",
            "hearthd includes the pages' handlers")
    planted(t, "core/api/statuses.c", '#include "web.h"',
            "core/api/ includes web.h from web/pages/ beside it",
            "the API includes the web UI's header")


@h.case
def planted_umbrella(t, fx):
    """hearth.h, the tests' umbrella, included by the core."""
    planted(t, "core/domain/group.c", '#include "hearth.h"',
            "includes hearth.h, the tests' umbrella", "group.c: hearth.h")


@h.case
def planted_leaf_dependencies(t, fx):
    """A leaf header pulling in jansson; a lower header naming struct req."""
    planted(t, "core/lib/lib.h", "#include <jansson.h>",
            "the leaf header lib.h includes <jansson.h>", "lib.h: jansson")
    planted(t, "core/domain/domain.h", "int domain_x(struct req *);",
            "domain.h mentions struct req", "domain.h: struct req",
            after="#define HEARTH_DOMAIN_H")


@h.case
def planted_module_include(t, fx):
    """A module reaching into the core's headers."""
    planted(t, "modules/guidelines/store.c", '#include "domain.h"',
            "a module includes \"domain.h\"", "a module includes domain.h")


@h.case
def planted_unknown_folder(t, fx):
    """A source file in a folder that is no layer."""
    src = copy_tree(t)
    os.makedirs(os.path.join(src, "core", "misc"))
    with open(os.path.join(src, "core", "misc", "x.c"), "w") as f:
        f.write("int x;\n")
    rc, out = layers("--src", src)
    t.is_(rc, 1, "the check fails")
    t.like(out, r"(?m)^core/misc/x\.c: in no layer", "... naming the file")


def compile_objects(t, files):
    """Compile {rel path: C text} into objects in a fresh build folder."""
    build = t.tmpdir()
    for rel, text in files.items():
        c = os.path.join(build, rel)
        os.makedirs(os.path.dirname(c), exist_ok=True)
        with open(c, "w") as f:
            f.write(text)
        p = subprocess.run(["cc", "-c", "-o", c[:-2] + ".o", c],
                           capture_output=True, text=True)
        if p.returncode != 0:
            t.ok(False, "compiled %s" % rel, p.stderr)
    return build


@h.case
def planted_upward_call(t, fx):
    """A call up a layer declared by hand, past the headers: the objects
    show it."""
    build = compile_objects(t, {
        "core/http/up.c": "void req_zz(void) {}\n",
        "core/domain/down.c": "void req_zz(void);\n"
                              "void down(void) { req_zz(); }\n"})
    rc, out = layers("--src", SRC, "--objects", build)
    t.is_(rc, 1, "the check fails")
    t.like(out, r"(?m)^core/domain/down\.c: calls req_zz in core/http/up\.c "
           r"\(http layer\) from the domain layer",
           "... naming the caller, the symbol and the callee")


@h.case
def planted_cycle(t, fx):
    """Two files of one layer calling each other."""
    build = compile_objects(t, {
        "core/domain/a.c": "void b(void);\nvoid a(void) { b(); }\n",
        "core/domain/b.c": "void a(void);\nvoid b(void) { a(); }\n"})
    rc, out = layers("--src", SRC, "--objects", build)
    t.is_(rc, 1, "the check fails")
    t.like(out, r"core/domain/a\.c, core/domain/b\.c: call each other in a "
           r"cycle", "... naming both files")


if __name__ == "__main__":
    h.main_cases()
