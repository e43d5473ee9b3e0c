"""A tiny SMTP server on 127.0.0.1 for tests (Python's smtpd is gone):
socketserver, one thread per connection, speaking EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP and QUIT (RFC 5321's minimum) and keeping every message
it accepts. No STARTTLS: a client that insists on TLS must give up, which
is what a test of mail.smtp_tls wants to see.

    with SmtpSink() as sink:
        ... configure mail.smtp_url = "smtp://127.0.0.1:%d" % sink.port
        msg = sink.wait(1)[0]       # .mail_from, .rcpts, .data (bytes)
        email.message_from_bytes(msg.data, policy=email.policy.default)
"""
import socketserver
import threading
import time


class Message:
    def __init__(self, mail_from, rcpts, data, ehlo):
        self.mail_from = mail_from
        self.rcpts = rcpts
        self.data = data
        self.ehlo = ehlo


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        self.reply("220 sink.test ESMTP smtpsink")
        mail_from, rcpts, ehlo = None, [], None
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            sink.commands.append(line)
            verb = line[:4].upper()
            if verb == "EHLO":
                ehlo = line[5:]
                self.reply("250-sink.test")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 10485760")
            elif verb == "HELO":
                ehlo = line[5:]
                self.reply("250 sink.test")
            elif verb == "MAIL":
                mail_from = line.split(":", 1)[1].strip().split(" ")[0]
                rcpts = []
                self.reply("250 OK")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 MAIL first")
                    continue
                rcpts.append(line.split(":", 1)[1].strip())
                self.reply("250 OK")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    d = self.rfile.readline(1 << 20)
                    if not d:
                        return
                    if d in (b".\r\n", b".\n"):
                        break
                    if d.startswith(b".."):
                        d = d[1:]       # dot-stuffing undone
                    lines.append(d)
                with sink.lock:
                    sink.messages.append(Message(mail_from, rcpts,
                                                 b"".join(lines), ehlo))
                mail_from, rcpts = None, []
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self):
        self.messages = []
        self.commands = []
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait(self, n, timeout=15):
        """The messages once there are at least n (or what came by the
        timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)
