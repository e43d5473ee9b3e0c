"""E-mail digests of missed notifications (mail.*, docs/configuration.md),
against a local SMTP sink (smtpsink.py) and a fake sendmail: who gets one,
what it holds (both parts, encoded headers, links, List-Unsubscribe), that
a digest is recorded so it is never sent twice and never sent empty, the
per-kind e-mail setting, the read marker, STARTTLS being required, and the
scheduled job.

Each case can run alone: make check TESTS=tests/integration/test_notify_digest.py
CASE=digest_over_smtp (or `python3 .../test_notify_digest.py --list`)."""
import contextlib
import email
import email.policy
import itertools
import os
import stat
import time

import harness as h
from smtpsink import SmtpSink

_n = itertools.count(1)
FROM = "hearth@example.com"


def mail_config(sink, **more):
    conf = {
        "instance_title": "Café Hearth",
        "mail.transport": "smtp",
        "mail.from": FROM,
        "mail.smtp_url": "smtp://127.0.0.1:%d" % sink.port,
        "mail.smtp_tls": "off",
        # never the hour now: only hearthctl sends in most cases
        "mail.digest_hour": (time.localtime().tm_hour + 12) % 24,
    }
    conf.update(more)
    return conf


@contextlib.contextmanager
def fixture(t):
    with SmtpSink() as sink:
        with h.Server(t, **mail_config(sink)) as srv:
            srv.sink = sink
            srv.add_user("bob", display_name="Bob Builder")
            srv.add_user("carol")
            srv.b = {}
            for name in ("bob", "carol"):
                srv.b[name] = srv.client()
                t.status(srv.b[name].login(name), 303, "%s signs in" % name)
            yield srv


def person(t, srv, base, display, email_addr=True):
    """A signed-in person of the case's own, with an address:
    (username, address, browser)."""
    name = "%s%d" % (base, next(_n))
    addr = "%s@example.com" % name
    args = ["user", "add", name, "--display-name", display,
            "--password-stdin"]
    if email_addr:
        args += ["--email", addr]
    p = srv.ctl(*args, input=h.PASSWORD + "\n")
    t.is_(p.returncode, 0, "user add %s" % name)
    c = srv.client()
    t.status(c.login(name), 303, "%s signs in" % name)
    return name, addr, c


def settings(t, c, frequency="daily", web=(), email_off=()):
    """Save the notification settings: each kind on the web unless named
    in web, in the digest unless named in email_off."""
    form = {"csrf": c.csrf("/settings/notifications"),
            "frequency": frequency}
    for kind in ("mention", "follow", "favourite", "reblog",
                 "added_to_group"):
        if kind not in web:
            form["web." + kind] = "1"
        if kind not in email_off:
            form["email." + kind] = "1"
    r = c.post("/settings/notifications", form)
    t.status(r, 303, "the notification settings are saved")
    return r


def mention(t, srv, name, text):
    b = srv.b["bob"]
    r = b.post("/compose", {"status": "%s @%s" % (text, name),
                            "csrf": b.csrf("/")})
    t.status(r, 303, "bob mentions %s" % name)


def follow(t, srv, who, name):
    c = srv.b[who]
    r = c.post("/@%s/follow" % name, {"csrf": c.csrf("/")})
    t.status(r, 303, "%s follows %s" % (who, name))


def send(t, srv, *args, conf=None):
    """hearthctl digest send ARGS: the number it says it sent."""
    if conf is None:
        p = srv.ctl("digest", "send", *args)
    else:
        p = h.run([h.HEARTHCTL, "-c", conf, "digest", "send"] + list(args))
    t.is_(p.returncode, 0, "digest send %s exits 0" % " ".join(args))
    if p.returncode != 0:
        t.diag(p.stderr)
        return -1
    return int(p.stdout.split()[1])


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def parts(msg):
    """The text and HTML alternatives, decoded."""
    text = html = None
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_content()
        elif part.get_content_type() == "text/html":
            html = part.get_content()
    return text, html


@h.case
def digest_in_readers_language(t, srv):
    """A digest is written in its reader's language (Settings → Language)
    and dated in their zone; English for whoever chose none."""
    name, addr, c = person(t, srv, "greta", "Greta Groß")
    settings(t, c, "daily")
    r = c.post("/settings/language", {"csrf": c.csrf("/settings/language"),
                                      "locale": "de",
                                      "time_zone": "Europe/Berlin"})
    t.status(r, 303, "greta chooses German and Berlin")
    before = len(srv.sink.messages)
    mention(t, srv, name, "Hallo Greta")
    # 6 Dec 2025, 12:00 UTC: 13:00 in Berlin, the same day
    t.is_(send(t, srv, "--user", name, "--at", "1765022400"), 1,
          "a digest for greta")
    text, html = parts(parse(srv.sink.wait(before + 1)[-1].data))
    t.like(html, r'<html lang="de">', "the HTML part says German")
    t.like(text, r"6\. Dez\. 2025", "the date is German")
    t.like(text, r"hat dich erwähnt", "... and so is what happened")
    t.unlike(text, r"mentioned you", "... with no English left there")


@h.case
def digest_over_smtp(t, srv):
    """A daily digest through the SMTP relay: to the person's address, from
    mail.from, both parts, RFC 2047 names, the links and List-Unsubscribe;
    recorded, so a second run sends nothing."""
    name, addr, c = person(t, srv, "zoe", "Zoë Ångström")
    settings(t, c, "daily")
    r = c.get("/settings/notifications")
    t.like(r.text, r'<option value="daily" selected>', "daily is chosen")
    mention(t, srv, name, "Lunch & more? 5 < 6")
    follow(t, srv, "carol", name)
    before = len(srv.sink.messages)
    t.is_(send(t, srv), 1, "one digest is due and sent")
    msgs = srv.sink.wait(before + 1)
    t.is_(len(msgs), before + 1, "the sink got it")
    m = msgs[-1]
    t.is_(m.rcpts, ["<%s>" % addr], "to the person's address only")
    t.is_(m.mail_from, "<%s>" % FROM, "the envelope is from mail.from")
    raw = m.data.decode("ascii")
    t.like(raw, r"(?m)^To: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <%s>\r?$"
           % addr, "the To name is an RFC 2047 encoded-word")
    t.like(raw, r"(?m)^From: =\?UTF-8\?B\?", "... so is the From name "
           "(the instance title)")
    t.like(raw, r"(?m)^Subject: =\?UTF-8\?B\?", "... and the subject")
    msg = parse(m.data)
    t.is_(msg["To"].addresses[0].display_name, "Zoë Ångström",
          "the To name decodes")
    t.is_(msg["To"].addresses[0].addr_spec, addr, "... with the address")
    t.is_(str(msg["Subject"]), "2 new notifications on Café Hearth",
          "the subject decodes")
    t.is_(msg["List-Unsubscribe"], "<%s/settings/notifications>" % srv.url,
          "List-Unsubscribe points at the settings")
    t.ok(msg["Message-ID"] and msg["Date"], "a Message-ID and a Date")
    t.is_(msg.get_content_type(), "multipart/alternative",
          "multipart/alternative")
    text, html = parts(msg)
    t.ok(text is not None and html is not None, "a text and an HTML part")
    t.like(text, r"Hello Zoë Ångström", "the text greets by name")
    t.like(text, r'Bob Builder \(@bob\) mentioned you: "Lunch & more\? '
           r'5 < 6 @%s"' % name, "... the mention with its excerpt")
    t.like(text, r"carol \(@carol\) followed you", "... the follow")
    t.ok(text.index("followed you") < text.index("mentioned you"),
         "... newest first")
    t.like(text, r"%s/notifications\b" % srv.url, "... the page's link")
    t.like(text, r"%s/settings/notifications" % srv.url, "... the "
           "settings' link")
    t.like(html, r'<a href="%s/notifications">' % srv.url, "the HTML "
           "links the notifications page")
    t.like(html, r'<a href="%s/settings/notifications">' % srv.url,
           "... and the settings")
    t.like(html, r"Lunch &amp; more\? 5 &lt; 6", "... and escapes what "
           "people wrote")

    t.is_(send(t, srv), 0, "run again: recorded, nothing is due")
    later = str(int(time.time()) + 21 * 3600)
    t.is_(send(t, srv, "--at", later), 0, "a day later: due, but nothing "
          "new, so no empty digest")
    t.is_(len(srv.sink.messages), before + 1, "the sink got nothing more")
    mention(t, srv, name, "Second thing")
    t.is_(send(t, srv, "--at", later), 1, "something new: a digest")
    msg = parse(srv.sink.wait(before + 2)[-1].data)
    text, _ = parts(msg)
    t.like(text, r"Second thing", "it has the new mention")
    t.unlike(text, r"Lunch|followed you", "... and nothing sent before")
    t.is_(str(msg["Subject"]), "1 new notification on Café Hearth",
          "one: the subject says so")


@h.case
def digest_kinds_and_marker(t, srv):
    """A kind switched off for e-mail stays out of the digest; what the
    person read on the page does too; without an address or without
    asking, nobody gets one."""
    name, addr, c = person(t, srv, "kim", "Kim Kind")
    settings(t, c, "weekly", email_off=("follow",))
    r = c.get("/settings/notifications")
    t.like(r.text, r'<option value="weekly" selected>', "weekly is chosen")
    t.unlike(r.text, r'name="email.follow" value="1"[^>]*checked',
             "follow is off for e-mail")
    t.like(r.text, r'name="web.follow" value="1"[^>]*checked',
           "... yet on for the web")
    before = len(srv.sink.messages)
    follow(t, srv, "carol", name)
    t.is_(send(t, srv, "--user", name), 0, "only a follow, off for e-mail: "
          "no digest")
    mention(t, srv, name, "Read this on the page")
    c.get("/notifications")         # opening it reads it
    t.is_(send(t, srv, "--user", name), 0, "read on the page: no digest")
    mention(t, srv, name, "Unread one")
    t.is_(send(t, srv, "--user", name), 1, "an unread mention: a digest")
    text, _ = parts(parse(srv.sink.wait(before + 1)[-1].data))
    t.like(text, r"Unread one", "it has the unread mention")
    t.unlike(text, r"Read this on the page|followed you", "... not the "
             "read one nor the follow")
    t.like(text, r"weekly digest", "... and says it is the weekly one")

    nomail, _, c2 = person(t, srv, "nomail", "No Mail", email_addr=False)
    settings(t, c2, "daily")
    mention(t, srv, nomail, "hello")
    offname, _, c3 = person(t, srv, "quiet", "Quiet Person")
    mention(t, srv, offname, "hello")
    n = len(srv.sink.messages)
    t.is_(send(t, srv), 0, "no address, or never asked: nobody is sent one")
    t.is_(send(t, srv, "--user", offname), 0, "... not even by name")
    t.is_(len(srv.sink.messages), n, "the sink got nothing")
    r = c3.get("/settings/notifications")
    t.like(r.text, r'<option value="off" selected>', "the digest is off "
           "until asked for")


@h.case
def settings_refuse(t, srv):
    """The settings form wants its CSRF token and a known frequency."""
    name, addr, c = person(t, srv, "ref", "Ref Using")
    r = c.post("/settings/notifications", {"frequency": "daily"})
    t.status(r, 403, "no CSRF token: 403")
    r = c.post("/settings/notifications",
               {"csrf": c.csrf("/settings/notifications"),
                "frequency": "hourly"})
    t.ok(r.status in (400, 422), "an unknown frequency is refused (%d)"
         % r.status)
    r = c.get("/settings/notifications")
    t.like(r.text, r'<option value="off" selected>', "... nothing changed")


@h.case
def sendmail_transport(t, srv):
    """Through sendmail: the message on its stdin, -f mail.from and the
    address after --; hearthctl mail test too."""
    d = t.tmpdir()
    out = os.path.join(d, "sent")
    script = os.path.join(d, "sendmail")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nn=$(ls %s.*.msg 2>/dev/null | wc -l)\n"
                "printf '%%s\\n' \"$@\" > %s.$n.args\n"
                "cat > %s.$n.msg\n" % (out, out, out))
    os.chmod(script, stat.S_IRWXU)
    conf = os.path.join(d, "sendmail.conf")
    with open(srv.conf) as f:
        text = f.read()
    text = "\n".join(l for l in text.splitlines()
                     if not l.startswith("mail.")) + "\n"
    text += ("mail.transport = sendmail\nmail.sendmail = %s\n"
             "mail.from = %s\n" % (script, FROM))
    h.write_config(conf, text)
    p = h.run([h.HEARTHCTL, "-c", conf, "mail", "test", "ops@example.com"])
    t.is_(p.returncode, 0, "mail test through sendmail exits 0")
    t.is_(open(out + ".0.args").read().split("\n")[:5],
          ["-i", "-f", FROM, "--", "ops@example.com"],
          "sendmail -i -f FROM -- ADDRESS")
    msg = parse(open(out + ".0.msg", "rb").read())
    t.is_(msg["To"].addresses[0].addr_spec, "ops@example.com",
          "the test message is to the address")
    t.like(str(msg["Subject"]), r"A test message from Café Hearth",
           "... with its subject")
    t.ok(b"\r\n" not in open(out + ".0.msg", "rb").read(),
         "sendmail gets the system's line ends")

    name, addr, c = person(t, srv, "sam", "Sam Sendmail")
    settings(t, c, "daily")
    mention(t, srv, name, "Via sendmail")
    t.is_(send(t, srv, "--user", name, conf=conf), 1, "a digest through "
          "sendmail")
    t.is_(open(out + ".1.args").read().split("\n")[4], addr,
          "... to the person")
    text, html = parts(parse(open(out + ".1.msg", "rb").read()))
    t.like(text, r"Via sendmail", "... with the mention")
    t.like(html, r"Via sendmail", "... in both parts")

    p = h.run([h.HEARTHCTL, "-c", conf, "mail", "test", "-f@evil"])
    t.is_(p.returncode, 1, "an address that looks like an option is "
          "refused")


@h.case
def smtp_requires_starttls(t, srv):
    """STARTTLS is required unless mail.smtp_tls = off for a local relay:
    a sink without it refuses the send, and smtp_tls = off to another host
    is a config error."""
    d = t.tmpdir()
    with open(srv.conf) as f:
        text = f.read()
    tls = "\n".join(l for l in text.splitlines()
                    if not l.startswith("mail.smtp_tls")) + "\n"
    conf = os.path.join(d, "tls.conf")
    h.write_config(conf, tls)
    n = len(srv.sink.messages)
    p = h.run([h.HEARTHCTL, "-c", conf, "mail", "test", "ops@example.com"])
    t.is_(p.returncode, 1, "no STARTTLS on offer: the send fails")
    t.like(p.stderr, r"smtp", "... and says why")
    time.sleep(0.2)
    t.is_(len(srv.sink.messages), n, "... nothing was delivered in clear")
    bad = os.path.join(d, "bad.conf")
    h.write_config(bad, text.replace("smtp://127.0.0.1", "smtp://mail."
                                     "example.com"))
    p = h.run([h.HEARTHCTL, "-c", bad, "mail", "test", "ops@example.com"])
    t.is_(p.returncode, 2, "smtp_tls = off for a remote relay: config "
          "error")
    t.like(p.stderr, r"mail.smtp_tls", "... naming the key")
    bad2 = os.path.join(d, "bad2.conf")
    h.write_config(bad2, text.replace("mail.transport = smtp",
                                      "mail.transport = pigeon"))
    p = h.run([h.HEARTHCTL, "-c", bad2, "mail", "test", "ops@example.com"])
    t.is_(p.returncode, 2, "an unknown transport: config error")
    p = srv.ctl("mail", "test", "ops@example.com")
    t.is_(p.returncode, 0, "mail test through the sink")
    m = srv.sink.wait(n + 1)[-1]
    t.is_(m.rcpts, ["<ops@example.com>"], "... arrives")


@h.case
def scheduled_digest(t, srv):
    """The job: a hearthd whose digest hour is now sends what is due by
    itself, records it, and a restart does not send it again."""
    with SmtpSink() as sink:
        conf = mail_config(sink, **{"mail.digest_hour":
                                    time.localtime().tm_hour})
        s2 = h.Server(t, name="scheduled", **conf)
        s2.start()
        try:
            s2.add_user("bob", display_name="Bob Builder")
            bob = s2.client()
            t.status(bob.login("bob"), 303, "bob signs in")
            s2.b = {"bob": bob}
            name, addr, c = person(t, s2, "sched", "Schedule Person")
            settings(t, c, "daily")
            mention(t, s2, name, "From the job")
            # the job looks every minute, and 2 s after a start: restart
            s2.stop()
            s2.start()
            msgs = sink.wait(1, timeout=20)
            t.is_(len(msgs), 1, "the job sent one digest")
            if msgs:
                t.is_(msgs[0].rcpts, ["<%s>" % addr], "... to the person")
                text, _ = parts(parse(msgs[0].data))
                t.like(text, r"From the job", "... with the mention")
            t.ok(s2.wait_log(r"digest: sent to user \d+ \(1 notification\)",
                             timeout=5), "the log says so")
            time.sleep(0.5)     # the writer records it
            s2.stop()
            s2.start()
            time.sleep(4)
            t.is_(len(sink.messages), 1, "after a restart: not sent again")
        finally:
            s2.stop()
            s2.check_log()


if __name__ == "__main__":
    h.main_cases(fixture)
