"""Every source, header, template, asset and module template in the tree is
listed in Makefile.am, so `make`, `make install`, `make dist` and the
packages carry it. (A file left out works in the build tree and is missing
once installed, or from the tarball.) Cases run alone: CASE=sources."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import harness as h  # noqa: E402

SRC = os.environ.get("HEARTH_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")


def makefile():
    with open(os.path.join(SRC, "Makefile.am")) as f:
        return f.read()


def listed(t, tops, keep, least):
    text = makefile()
    found = 0
    for top in tops:
        for d, _, files in os.walk(os.path.join(SRC, top)):
            for name in sorted(files):
                path = os.path.relpath(os.path.join(d, name), SRC)
                if not keep(path):
                    continue
                found += 1
                t.ok(path in text, "%s is listed in Makefile.am" % path)
    t.ok(found > least, "found the files (%d)" % found)


@h.case
def sources(t, fx):
    """Every .c and .h of the layers (a file missing links nowhere)."""
    listed(t, ("core", "web/pages"),
           lambda p: p.endswith((".c", ".h")), 90)


@h.case
def web_files(t, fx):
    """Templates, static files and the modules' templates."""
    listed(t, ("web/templates", "web/static",
               "modules/guidelines/templates",
               "modules/bridge/templates"), lambda p: True, 20)


if __name__ == "__main__":
    h.main_cases()
