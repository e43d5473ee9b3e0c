"""Every template, asset and module template in the source tree is listed
in Makefile.am, so `make install`, `make dist` and the packages carry it.
(A file left out works in the build tree and is missing once installed.)"""
import os

import harness as h


def body(t):
    src = os.environ.get("HEARTH_SRCDIR") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(src, "Makefile.am")) as f:
        makefile = f.read()
    found = 0
    for top in ("web/templates", "web/static", "modules/guidelines/templates"):
        d = os.path.join(src, top)
        for name in sorted(os.listdir(d)):
            path = "%s/%s" % (top, name)
            found += 1
            t.ok(path in makefile, "%s is listed in Makefile.am" % path)
    t.ok(found > 20, "found the web files (%d)" % found)


if __name__ == "__main__":
    h.main(body)
