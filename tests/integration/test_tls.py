"""HTTPS listener: TLS 1.2 or later, and Secure __Host- session cookies."""
import socket
import ssl
import warnings

import harness as h


def body(t):
    with h.Server(t, tls=True) as srv:
        srv.add_user("alice")
        c = srv.client(tls=True)
        r = c.get("/healthz")
        t.status(r, 200, "GET /healthz over HTTPS (certificate verified)")
        t.ok(c.last_tls_version in ("TLSv1.2", "TLSv1.3"),
             "the connection is TLS 1.2 or later (%s)" % c.last_tls_version)
        t.like(r.header("Strict-Transport-Security") or "", r"max-age=\d+",
               "HTTPS responses carry Strict-Transport-Security")

        r = c.get("/login")
        pre = r.set_cookie("hearth_csrf")
        t.ok(pre and pre.get("secure") is True, "the pre-session cookie is "
             "Secure over HTTPS", r.summary())
        r = c.login("alice")
        t.status(r, 303, "signing in over HTTPS is 303")
        s = r.set_cookie("__Host-hearth_session")
        t.ok(s is not None, "the session cookie is __Host-hearth_session",
             r.summary())
        s = s or {}
        t.ok(s.get("secure") is True, "... Secure")
        t.ok(s.get("httponly") is True, "... HttpOnly")
        t.is_(s.get("path"), "/", "... Path=/ (as __Host- requires)")
        t.ok("domain" not in s, "... no Domain (as __Host- requires)")
        t.is_(r.set_cookie("hearth_session"), None,
              "no unprefixed session cookie")
        t.status(c.me(), 200, "the __Host- cookie signs requests in")
        t.is_(c.me().json().get("username"), "alice", "... as alice")
        t.status(c.logout(), 303, "signing out over HTTPS")
        t.status(c.me(), 401, "... ends the session")

        # Old protocols are refused.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(srv.cert)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers("ALL:@SECLEVEL=0")
            legacy = True
        except (ValueError, ssl.SSLError):
            legacy = False     # this Python cannot even try TLS 1.1
        if legacy:
            try:
                with socket.create_connection(("127.0.0.1", srv.tls_port),
                                              timeout=h.TIMEOUT) as sock:
                    with ctx.wrap_socket(sock, server_hostname="127.0.0.1"):
                        refused = False
            except (ssl.SSLError, OSError):
                refused = True
            t.ok(refused, "a TLS 1.1 handshake is refused")

        # Plain HTTP on the TLS port does not upset the server.
        raw = h.raw_exchange(srv.tls_port, b"GET /healthz HTTP/1.1\r\n"
                             b"Host: x\r\n\r\n", timeout=5)
        t.ok(h.raw_status(raw) is None, "plain HTTP on the TLS port gets no "
             "HTTP answer")
        t.status(c.get("/healthz"), 200, "HTTPS still works afterwards")

        # The plain listener of the same server: http base_url, so plain
        # cookies there.
        p = srv.client()
        r = p.login("alice")
        t.ok(r.set_cookie("hearth_session") is not None and
             "secure" not in r.set_cookie("hearth_session"),
             "the plain listener sets hearth_session without Secure")

    # Behind a TLS-terminating proxy: base_url is https, hearthd speaks
    # plain HTTP, and cookies must still be Secure and __Host-.
    with h.Server(t, name="proxied", base_url="https://hearth.example") \
            as srv:
        srv.add_user("alice")
        c = srv.client()
        r = c.login("alice")
        s = r.set_cookie("__Host-hearth_session")
        t.ok(s is not None and s.get("secure") is True,
             "with an https base_url the cookie is __Host- and Secure",
             r.summary())
        t.status(c.me(), 200, "... and it works")
        t.is_(c.me().json().get("url"), "https://hearth.example/@alice",
              "entity URLs use base_url")


h.main(body)
