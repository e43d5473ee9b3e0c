"""LDAP sign-in and directory listing (core/lib/ldapc.c) against a real
slapd (slapd.py, the directory in tests/ldap/), through ldap-probe, which
runs ldapc_authenticate or ldapc_each with a conf from LDAPC_* variables
and prints JSON lines. Each case leaves the directory as it found it."""
import contextlib
import json
import os
import socket
import subprocess
import time

import harness as h
import slapd

BUILD = os.environ.get("HEARTH_BUILDDIR", ".")
PROBE = os.path.join(BUILD, "tests", "integration", "ldap-probe")
AD_GROUPS = "OU=ad,DC=example,DC=com"
GUS_GUID = "1204253f-906f-484d-8b3e-2c5d1a0e7f01"
TLS_CAUSE = r"TLS handshake failed: the server's certificate"


def conf(d, **kw):
    """The probe's environment: OpenLDAP-style conf over LDAPS with the
    test CA, hearth-users allowed, hearth-admins admins; kw overrides
    (url="...", starttls="1", ...), None drops a field."""
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("LDAPC_"):
            del env[k]
    fields = {"url": d.ldaps_url, "ca_file": d.ca_file,
              "bind_dn": d.bind_dn, "bind_password": d.bind_password,
              "base_dn": d.base_dn,
              "allowed_group": d.group_dn("hearth-users"),
              "admin_group": d.group_dn("hearth-admins"), "timeout": "5"}
    fields.update(kw)
    for k, v in fields.items():
        if v is not None:
            env["LDAPC_" + k.upper()] = str(v)
    return env


def ad_conf(d, **kw):
    """Active Directory's way, against the look-alikes under ou=ad."""
    fields = dict(user_filter="(&(objectClass=user)(sAMAccountName=%s))",
                  id_attr="objectGUID", username_attr="sAMAccountName",
                  name_attr="displayName", department_attr="department",
                  allowed_group="CN=Hearth Users," + AD_GROUPS,
                  admin_group="CN=Hearth Admins," + AD_GROUPS,
                  group_member_attr="memberOf")
    fields.update(kw)
    return conf(d, **fields)


def probe(t, env, *args):
    """Run ldap-probe; its JSON lines (a failed run is a failed test)."""
    p = subprocess.run([PROBE] + list(args), capture_output=True, text=True,
                       env=env, timeout=60)
    h.check_sanitizer(t, p.stderr, "ldap-probe " + args[0])
    if p.returncode != 0:
        t.ok(False, "ldap-probe %s ran" % args[0], p.stdout + p.stderr)
        return [{}]
    return [json.loads(line) for line in p.stdout.splitlines()]


def auth(t, d, user, password=None, env=None):
    """ldapc_authenticate: {"result", "cause", "ms", "person"}."""
    if password is None:
        password = d.password(user)
    return probe(t, env or conf(d), "auth", user, password)[-1]


def each(t, env):
    """ldapc_each: ({username: person}, the closing line)."""
    lines = probe(t, env, "each")
    people = {}
    for line in lines[:-1]:
        p = line["person"]
        people[p["username"]] = p
    return people, lines[-1]


def accepts(d):
    """How many connections slapd has taken so far."""
    return d.log().count(" ACCEPT from ")


@h.case
def sign_in(t, d):
    """The right password: OK with every attribute mapped."""
    r = auth(t, d, "ann")
    t.is_(r["result"], "ok", "ann signs in")
    t.is_(r["person"], {
        "dn": "uid=ann,ou=people,dc=example,dc=com",
        "id": d.attr("ann", "entryUUID"), "username": "ann",
        "display_name": "Ann Archer", "email": "ann@example.com",
        "department": "Engineering", "title": "Staff Engineer",
        "allowed": True, "admin": True}, "her attributes, allowed, admin")
    r = auth(t, d, "bob")
    t.is_((r["result"], r["person"]["admin"], r["person"]["allowed"]),
          ("ok", False, True), "bob signs in, not an admin")
    r = auth(t, d, "ANN", d.password("ann"))
    t.is_((r["result"], r["person"]["username"]), ("ok", "ann"),
          "uid matches without case; the directory's spelling comes back")
    r = auth(t, d, "zoe", env=conf(d, name_attr="displayName"))
    t.is_(r["person"]["display_name"], "Zo\u00eb Qui\u00f1ones",
          "a non-ASCII displayName comes as UTF-8")
    r = auth(t, d, "fay", env=conf(d, name_attr="displayName"))
    t.is_((r["result"], r["person"]["display_name"],
           r["person"]["department"]), ("ok", None, None),
          "what the entry lacks is null")
    t.is_(r["person"]["dn"], d.dn("fay"), "a DN with an escape")
    r = auth(t, d, "fay")
    t.is_(r["person"]["display_name"], "Fay Smith, Jr.", "cn by default")
    t.ok(r["person"]["allowed"], "hearth-users names fay's DN in other "
         "case and with a hex escape, and she is still allowed")


@h.case
def wrong_password(t, d):
    """A wrong password is DENIED, the cause naming the bind."""
    r = auth(t, d, "ann", "not-her-password")
    t.is_(r["result"], "denied", "wrong password: DENIED")
    t.like(r["cause"], r"bind as uid=ann,ou=people,dc=example,dc=com: "
           r"Invalid credentials", "the cause says which bind failed")
    t.is_(r["person"], None, "no person")
    r = auth(t, d, "ann", d.password("bob"))
    t.is_(r["result"], "denied", "another person's password: DENIED")


@h.case
def empty_password(t, d):
    """An empty password is DENIED without reaching the directory (LDAP
    takes a bind without one as an anonymous bind that succeeds)."""
    before = accepts(d)
    r = auth(t, d, "ann", "")
    t.is_(r["result"], "denied", "empty password: DENIED")
    t.like(r["cause"], "empty password", "the cause says so")
    time.sleep(0.2)
    t.is_(accepts(d), before, "slapd saw no connection at all")


@h.case
def unknown_user(t, d):
    """Nobody by that name: DENIED."""
    r = auth(t, d, "nobody", "whatever-Pa55word")
    t.is_(r["result"], "denied", "unknown: DENIED")
    t.like(r["cause"], r"no entry under dc=example,dc=com matches "
           r"\(&\(objectClass=inetOrgPerson\)\(uid=nobody\)\)",
           "the cause names the filter")
    r = auth(t, d, "", "whatever")
    t.is_(r["result"], "denied", "an empty username: DENIED")


@h.case
def allowed_group(t, d):
    """Only hearth-users may sign in; without allowed_group, anyone."""
    r = auth(t, d, "eve")
    t.is_(r["result"], "denied", "eve (not in hearth-users): DENIED")
    t.like(r["cause"], r"uid=eve,ou=people,dc=example,dc=com is not in "
           r"allowed_group cn=hearth-users", "the cause names the group")
    r = auth(t, d, "eve", "wrong-Pa55word")
    t.like(r["cause"], "Invalid credentials", "the wrong password is what "
           "the log hears about first")
    r = auth(t, d, "eve", env=conf(d, allowed_group=""))
    t.is_((r["result"], r["person"]["allowed"]), ("ok", True),
          "no allowed_group: eve signs in")
    r = auth(t, d, "ann", env=conf(
        d, allowed_group="cn=no-such-group,ou=groups,dc=example,dc=com"))
    t.is_(r["result"], "error", "an allowed_group that does not exist is "
          "an ERROR, not everyone DENIED")
    t.like(r["cause"], r"reading allowed_group cn=no-such-group.*No such "
           r"object", "... naming it")


@h.case
def unique_member(t, d):
    """groupOfUniqueNames: uniqueMember, with its optional #'bits'B."""
    env = conf(d, allowed_group=d.group_dn("hearth-unique"),
               group_member_attr="uniqueMember")
    t.is_(auth(t, d, "bob", env=env)["result"], "ok", "bob is in it")
    t.is_(auth(t, d, "cyd", env=env)["result"], "ok",
          "cyd is in it, written with #'0101'B")
    t.is_(auth(t, d, "ann", env=env)["result"], "denied", "ann is not")


@h.case
def filter_injection(t, d):
    """What a person types is a value in the filter, never filter."""
    for name in ("*", "a*", "ann)(uid=*", "*)(|(uid=*", "ann)(|(uid=*))",
                 "(uid=*)", "ann\\", "ann\\2a", "ann\x01"):
        r = auth(t, d, name, d.password("ann"))
        t.is_(r["result"], "denied", "username %r: DENIED" % name)
    r = auth(t, d, "ann)(uid=*", d.password("ann"))
    t.like(r["cause"], r"\(uid=ann\\29\\28uid=\\2a\)\)",
           "the username reached slapd escaped")
    env = conf(d, user_filter="(&(objectClass=inetOrgPerson)"
               "(|(uid=%s)(departmentNumber=%s)))")
    r = auth(t, d, "Engineering", d.password("ann"), env=env)
    t.is_(r["result"], "denied", "two people match: DENIED")
    t.like(r["cause"], "more than one entry", "... and the cause says so")
    r = auth(t, d, "Finance", d.password("dee"), env=env)
    t.is_(r["result"], "ok", "every %s of the filter is filled: dee by "
          "her department")


@h.case
def ldaps_verifies(t, d):
    """LDAPS works with the CA, and fails without it (the certificate is
    checked) or with a name the certificate does not carry."""
    t.is_(auth(t, d, "ann")["result"], "ok", "ldaps:// with ca_file")
    r = auth(t, d, "ann", env=conf(d, ca_file=None))
    t.is_(r["result"], "error", "the system's CAs do not know the test CA")
    t.like(r["cause"], TLS_CAUSE, "... the cause says the TLS handshake "
           "failed")
    r = auth(t, d, "ann", env=conf(d, url=d.ldaps_url_other_name))
    t.is_(r["result"], "error", "127.0.0.2, which the certificate does not "
          "name: ERROR")
    t.like(r["cause"], TLS_CAUSE, "... a TLS error")
    other = os.path.join(t.tmpdir(), "other-ca.pem")
    h.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
           "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           other + ".key", "-out", other, "-days", "2", "-subj",
           "/CN=another CA"])
    r = auth(t, d, "ann", env=conf(d, ca_file=other))
    t.is_(r["result"], "error", "a ca_file of another CA: ERROR")
    r = auth(t, d, "ann", env=conf(d, ca_file="/nonexistent/ca.pem"))
    t.is_(r["result"], "error", "a ca_file that is not there: ERROR")
    t.like(r["cause"], r"ca_file /nonexistent/ca.pem: No such file",
           "... naming it")


@h.case
def starttls(t, d):
    """ldap:// with StartTLS works; without it, refused unconnected."""
    env = conf(d, url=d.ldap_url, starttls="1")
    r = auth(t, d, "ann", env=env)
    t.is_((r["result"], r["person"]["admin"]), ("ok", True),
          "ldap:// with StartTLS")
    t.is_(each(t, env)[1]["count"], 7, "ldapc_each over StartTLS")
    before = accepts(d)
    r = auth(t, d, "ann", env=conf(d, url=d.ldap_url))
    t.is_(r["result"], "error", "plain ldap://: ERROR")
    t.like(r["cause"], r"^ldap://127\.0\.0\.1:\d+: refused: passwords would "
           r"cross the network unencrypted", "the cause says why")
    r = each(t, conf(d, url=d.ldap_url))[1]
    t.is_(r["result"], "error", "ldapc_each refuses it too")
    time.sleep(0.2)
    t.is_(accepts(d), before, "slapd saw no connection at all")
    r = auth(t, d, "ann", env=conf(d, url=d.ldap_url, starttls="1",
                                   ca_file=None))
    t.is_(r["result"], "error", "StartTLS without the CA: ERROR")
    t.like(r["cause"], TLS_CAUSE, "... in the TLS handshake")
    r = auth(t, d, "ann", env=conf(d, url=d.ldap_url + " " + d.ldaps_url,
                                   starttls="1"))
    t.like(r["cause"], "mixed", "ldap:// and ldaps:// in one list: ERROR")


@h.case
def unreachable(t, d):
    """A directory that cannot be reached is an ERROR, within the
    timeout."""
    port = h.free_port()        # nothing listens there
    r = auth(t, d, "ann", env=conf(d, url="ldaps://127.0.0.1:%d" % port))
    t.is_(r["result"], "error", "nothing listening: ERROR")
    t.like(r["cause"], r"^ldaps://127\.0\.0\.1:%d: connect: Can't contact "
           r"LDAP server" % port, "the cause names the URL and LDAP's "
           "message")
    t.ok(r["ms"] < 3000, "... at once (%d ms)" % r["ms"])
    # A listener that never answers: the kernel accepts, nobody speaks.
    # (libldap before 2.7 would spin on the TLS handshake forever.)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = "127.0.0.1:%d" % silent.getsockname()[1]
        for scheme, extra in (("ldaps://", {}),
                              ("ldap://", {"starttls": "1"})):
            r = auth(t, d, "ann", env=conf(d, url=scheme + url, timeout="2",
                                           **extra))
            t.is_(r["result"], "error", "%s silent server: ERROR" % scheme)
            t.ok(1500 <= r["ms"] < 6000, "... after the 2 s timeout, not "
                 "before and not much after (%d ms)" % r["ms"])
            # Two clocks at 2 s: the handshake's watchdog, or (StartTLS)
            # libldap's own timeout on the extended operation, whichever
            # a loaded machine lets fire first.
            t.like(r["cause"], r"did not finish within 2s|Timed out \(after "
                   r"at most 2s\)", "... saying so")
        people, r = each(t, conf(d, url="ldaps://" + url, timeout="2"))
        t.is_((r["result"], len(people)), ("error", 0),
              "ldapc_each: ERROR, nobody listed")


@h.case
def service_account(t, d):
    """The service bind's failures are ERRORs naming it."""
    r = auth(t, d, "ann", env=conf(d, bind_password="wrong"))
    t.is_(r["result"], "error", "a wrong service password: ERROR")
    t.like(r["cause"], r"service bind: Invalid credentials",
           "the cause says it was the service bind")
    r = auth(t, d, "ann", env=conf(d, bind_password=""))
    t.is_(r["result"], "error", "a bind_dn without password: ERROR, never "
          "an unauthenticated bind")
    r = auth(t, d, "ann", env=conf(d, bind_dn=None, bind_password=None))
    t.is_(r["result"], "error", "no bind_dn: an anonymous search, which "
          "this directory answers as if base_dn were not there")
    t.like(r["cause"], "No such object", "... LDAP's message")
    r = auth(t, d, "ann", env=conf(d, base_dn="ou=nowhere,dc=example,dc=com"))
    t.is_(r["result"], "error", "a base_dn that does not exist: ERROR")
    r = auth(t, d, "ann", env=conf(d, user_filter="(uid=ann"))
    t.is_(r["result"], "error", "a user_filter without %s: ERROR")
    r = auth(t, d, "ann", env=conf(d, user_filter="(uid=%s"))
    t.is_(r["result"], "error", "a user_filter that does not parse: ERROR")
    t.like(r["cause"], "Bad search filter", "... LDAP's message")


@h.case
def each_lists_everyone(t, d):
    """ldapc_each: every person, allowed and admin right, and a change in
    the groups shows in the next list."""
    people, r = each(t, conf(d))
    t.is_((r["result"], r["count"]), ("ok", 7), "seven people")
    t.is_(sorted(people), ["ann", "bob", "cyd", "dee", "eve", "fay", "zoe"],
          "every inetOrgPerson under base_dn (the AD look-alikes are not)")
    t.is_(sorted(u for u, p in people.items() if p["allowed"]),
          ["ann", "bob", "cyd", "dee", "fay", "zoe"],
          "allowed: hearth-users")
    t.is_([u for u, p in people.items() if p["admin"]], ["ann"],
          "admin: hearth-admins")
    t.is_(people.get("bob"), auth(t, d, "bob")["person"],
          "a person listed is the person signed in")
    t.is_(people["eve"]["id"], d.attr("eve", "entryUUID"),
          "ids are entryUUIDs")
    d.remove_member("hearth-users", "bob")
    try:
        people, r = each(t, conf(d))
        t.is_((r["count"], people["bob"]["allowed"]), (7, False),
              "bob out of hearth-users: listed, not allowed")
        t.is_(auth(t, d, "bob")["result"], "denied", "... and DENIED")
        d.add_member("hearth-admins", "eve")
        people, r = each(t, conf(d))
        t.is_((people["eve"]["allowed"], people["eve"]["admin"]),
              (False, True), "eve an admin outside hearth-users: admin, "
              "not allowed")
        d.remove_member("hearth-admins", "eve")
    finally:
        d.add_member("hearth-users", "bob")
    t.is_(each(t, conf(d))[0]["bob"]["allowed"], True, "bob back in")
    people, r = each(t, conf(d, allowed_group=None, admin_group=None))
    t.is_(sorted(u for u, p in people.items() if p["allowed"]),
          sorted(people), "no allowed_group: everyone allowed")
    t.ok(not any(p["admin"] for p in people.values()), "no admin_group: "
         "no admins")
    d.modify("dee", "title", "Chief Controller")
    try:
        t.is_(each(t, conf(d))[0]["dee"]["title"], "Chief Controller",
              "a changed title shows")
    finally:
        d.modify("dee", "title", "Controller")
    r = each(t, conf(d, admin_group="cn=gone,ou=groups,dc=example,dc=com"))[1]
    t.is_(r["result"], "error", "a group that does not exist: the list "
          "fails rather than demote everyone")
    r = each(t, conf(d, id_attr="employeeNumber"))[1]
    t.is_(r["result"], "error", "people without the id attribute: the "
          "list fails")
    t.like(r["cause"], r"has no employeeNumber \(id_attr\)", "... saying "
           "which")


def search_results(d):
    """How many searches slapd has answered, by its log: read until two
    reads 0.2 s apart agree, as slapd writes its log a moment after it
    answers (a log read at once missed the last page on a loaded
    machine)."""
    last = -1
    for _ in range(25):
        n = d.log().count("SEARCH RESULT")
        if n == last:
            return n
        last = n
        time.sleep(0.2)
    return last


@h.case
def paging(t, d):
    """More people than one page and than the server's size limit: all of
    them, page by page; a list the server cuts short is an error."""
    uids = ["p%02d" % i for i in range(30)]
    d.add_people(uids)
    try:
        d.set_size_limit("size.soft=10 size.hard=10 size.prtotal=unlimited")
        found, p = d.search("(uid=*)", "1.1", bind=(d.bind_dn,
                                                   d.bind_password))
        t.is_((len(found), p.returncode), (10, 4), "slapd gives a search "
              "without paging 10 entries and sizeLimitExceeded")
        for size in ("7", None):
            env = conf(d)
            if size:
                env["HEARTH_LDAP_PAGE_SIZE"] = size
            searches = search_results(d)
            people, r = each(t, env)
            t.is_((r["result"], len(people), r["count"]), ("ok", 37, 37),
                  "every person, page size %s" % (size or "500"))
            t.ok(all(not people[u]["allowed"] for u in uids) and
                 people["ann"]["admin"], "... with allowed and admin")
            pages = search_results(d) - searches - 2
            t.is_(pages, 6 if size else 1, "... in %d pages" % pages)
        d.set_size_limit("size.soft=10 size.hard=10 size.prtotal=20")
        people, r = each(t, conf(d))
        t.is_(r["result"], "error", "the server stops at 20: ERROR")
        t.like(r["cause"], r"cut the list short", "... saying the list is "
               "not whole")
    finally:
        d.set_size_limit(None)
        d.delete_people(uids)
    t.is_(each(t, conf(d))[1]["count"], 7, "the 30 are gone again")


@h.case
def active_directory(t, d):
    """AD's ways on the look-alikes: sAMAccountName, objectGUID in text,
    memberOf on the person, userAccountControl's disabled bit."""
    env = ad_conf(d)
    r = auth(t, d, "gus", env=env)
    t.is_(r["result"], "ok", "gus signs in")
    t.is_(r["person"], {
        "dn": "cn=Gus Grant,ou=ad,dc=example,dc=com", "id": GUS_GUID,
        "username": "gus", "display_name": "Gus Grant",
        "email": "gus@example.com", "department": "Operations",
        "title": "Site Lead", "allowed": True, "admin": True},
        "objectGUID as the GUID's text, memberOf giving both groups")
    r = auth(t, d, "hal", env=env)
    t.is_(r["result"], "denied", "hal, disabled (userAccountControl 514): "
          "DENIED though slapd would bind him")
    t.like(r["cause"], "disabled in the directory", "... the cause says so")
    r = auth(t, d, "ivy", env=env)
    t.is_(r["result"], "denied", "ivy, not in CN=Hearth Users: DENIED")
    people, r = each(t, env)
    t.is_(sorted(people), ["gus", "hal", "ivy"], "ldapc_each: the users")
    t.is_({u: (p["allowed"], p["admin"]) for u, p in people.items()},
          {"gus": (True, True), "hal": (False, False),
           "ivy": (False, False)}, "allowed and admin (hal disabled)")
    t.is_(people["hal"]["id"], "d4c3b2a1-f6e5-1807-293a-4b5c6d7e8f90",
          "hal's GUID")
    d.modify("hal", "userAccountControl", "512")
    try:
        t.is_(auth(t, d, "hal", env=env)["result"], "ok",
              "hal enabled again (512) signs in")
    finally:
        d.modify("hal", "userAccountControl", "514")


@h.case
def ad_nested_fails_closed(t, d):
    """ad_nested asks with LDAP_MATCHING_RULE_IN_CHAIN, which only AD
    knows: a directory that does not know it lets nobody in, rather than
    everybody."""
    env = ad_conf(d, ad_nested="1")
    r = auth(t, d, "gus", env=env)
    t.is_(r["result"], "denied", "gus: DENIED")
    t.like(r["cause"], "is not in allowed_group", "... as not in the group")
    t.like(d.log(), r'SRCH base="cn=Gus Grant,ou=ad,dc=example,dc=com" '
           r'scope=0 deref=0 filter="\(\?=undefined\)"',
           "slapd was asked about gus's entry with a rule it did not know")
    people, r = each(t, env)
    t.is_((r["result"], sorted(people)), ("ok", ["gus", "hal", "ivy"]),
          "ldapc_each lists the users")
    t.ok(not any(p["allowed"] or p["admin"] for p in people.values()),
         "... none allowed, none admin")


@contextlib.contextmanager
def fixture(t):
    with slapd.Slapd(t) as d:
        yield d


if __name__ == "__main__":
    slapd.skip_file_unless_available()
    h.main_cases(fixture)
