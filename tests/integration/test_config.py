"""Config errors stop hearthd (and hearthctl) with exit 2 and a message
naming the file, the line and the key."""
import os
import re

import harness as h


def body(t):
    def hd(*args):
        p = h.run_hearthd(*args)
        h.check_sanitizer(t, p.stderr, "hearthd " + " ".join(args))
        return p

    def hc(args):
        p = h.run([h.HEARTHCTL] + args)
        h.check_sanitizer(t, p.stderr, "hearthctl " + " ".join(args))
        return p

    d = t.tmpdir()
    base = ("# a comment\n"
            "data_dir = %s\n"
            "web_dir = %s\n" % (os.path.join(d, "data"), h.HEARTH_WEB))

    def conf(name, extra):
        return h.write_config(os.path.join(d, name), base + extra)

    good = conf("good.conf", "listen = 127.0.0.1:%d\nthreads = 2\n"
                "base_url = http://example.test#frag  # trailing comment\n"
                "session_idle_timeout = 15m\nlogin_window = 90s\n"
                "synchronous = NORMAL\ntrust_proxy = off\n" % h.free_port())
    p = hd("--check-config", "-c", good)
    t.is_(p.returncode, 0, "a good config passes --check-config (exit 0)")
    t.like(p.stdout, r"ok", "... and says ok")
    p = hd("-t", "-c", good)
    t.is_(p.returncode, 0, "-t is --check-config")
    t.ok(not os.path.exists(os.path.join(d, "data")),
         "--check-config creates no data_dir")

    # (file name, line 4 onwards, line number, pattern for the message)
    bad = [
        ("unknown.conf", "nonsense = 1\n", 4, r"unknown key 'nonsense'"),
        ("threads.conf", "threads = lots\n", 4, r"key 'threads': "),
        ("range.conf", "threads = 100000\n", 4, r"key 'threads': "),
        ("duration.conf", "session_lifetime = 3 weeks\n", 4,
         r"key 'session_lifetime': "),
        ("sync.conf", "synchronous = sometimes\n", 4, r"key 'synchronous': "),
        ("bool.conf", "trust_proxy = maybe\n", 4, r"key 'trust_proxy': "),
        ("level.conf", "log_level = loud\n", 4, r"key 'log_level': "),
        ("url.conf", "base_url = ftp://x\n", 4, r"key 'base_url': "),
        ("slash.conf", "base_url = http://x/\n", 4, r"key 'base_url': "),
        ("listen1.conf", "listen = 127.0.0.1\n", 4, r"key 'listen': "),
        ("listen2.conf", "listen = 127.0.0.1:99999\n", 4, r"key 'listen': "),
        ("listen3.conf", "listen = 127.0.0.1:80 ssl\n", 4,
         r"key 'listen': "),
        ("listen4.conf", "listen = [::1\n", 4, r"key 'listen': "),
        ("noeq.conf", "# ok\nthreads 2\n", 5, r"expected 'key = value'"),
        ("empty.conf", "threads =\n", 4, r"key 'threads': needs a value"),
        ("body.conf", "max_body_size = 10\n", 4, r"key 'max_body_size': "),
    ]
    for name, text, line, pattern in bad:
        path = conf(name, text)
        p = hd("-c", path)
        t.is_(p.returncode, 2, "%s: exit 2" % name)
        t.like(p.stderr, r"%s:%d: %s" % (re_escape(path), line, pattern),
               "%s: the message names file, line %d and the key"
               % (name, line))

    p = hd("-c", os.path.join(d, "missing.conf"))
    t.is_(p.returncode, 2, "a missing config file: exit 2")
    t.like(p.stderr, re_escape(os.path.join(d, "missing.conf")),
           "... and the message names it")

    path = conf("tls.conf", "listen = 127.0.0.1:%d tls\n" % h.free_port())
    p = hd("-c", path)
    t.is_(p.returncode, 2, "a tls listener without tls_cert/tls_key: exit 2")
    t.like(p.stderr, r"tls_cert", "... the message names tls_cert")

    path = conf("half.conf", "tls_cert = /x.pem\n")
    p = hd("-c", path)
    t.is_(p.returncode, 2, "tls_cert without tls_key: exit 2")

    p = hd("-c", good, "extra")
    t.is_(p.returncode, 2, "a stray argument: exit 2")

    # hearthctl reads the same file the same way.
    os.mkdir(os.path.join(d, "data"))
    path = conf("ctl.conf", "nonsense = 1\n")
    p = hc(["-c", path, "user", "list"])
    t.is_(p.returncode, 2, "hearthctl with a bad config: exit 2")
    t.like(p.stderr, r"%s:4: unknown key 'nonsense'" % re_escape(path),
           "... with the same message")
    p = hc(["-c", good, "frobnicate"])
    t.is_(p.returncode, 2, "hearthctl with an unknown command: exit 2")
    p = hc(["-c", good, "user", "add"])
    t.is_(p.returncode, 2, "hearthctl user add without a name: exit 2")

    # Runtime failures are exit 1, with a message.
    path = conf("webdir.conf", "web_dir = %s\nlisten = 127.0.0.1:%d\n"
                % (os.path.join(d, "no-web"), h.free_port()))
    p = hd("-c", path)
    t.is_(p.returncode, 1, "a missing web_dir: exit 1")
    t.like(p.stderr, r"no-web", "... the message names it")
    path = conf("datadir.conf", "data_dir = %s\nlisten = 127.0.0.1:%d\n"
                % (os.path.join(d, "a", "b"), h.free_port()))
    p = hd("-c", path)
    t.is_(p.returncode, 1, "a data_dir whose parent is missing: exit 1")
    t.like(p.stderr, r"data_dir", "... the message says data_dir")

    # A port already taken.
    with h.Server(t, name="first") as srv:
        path = conf("busy.conf", "listen = 127.0.0.1:%d\n" % srv.port)
        p = hd("-c", path)
        t.is_(p.returncode, 1, "a listen port in use: exit 1")
        t.like(p.stderr, r"127\.0\.0\.1:%d" % srv.port,
               "... the message names the address")
        t.status(srv.client().get("/healthz"), 200,
                 "the first server is unaffected")



def re_escape(s):
    return re.escape(s)


h.main(body)
