"""
slapd.py: a real OpenLDAP slapd on 127.0.0.1 for the tests of hearth's LDAP
sign-in, with everything in a temporary folder of its own: its cn=config
(slapd.d, made with slapadd -n0; /etc/ldap is never read or touched but
for the stock schema files), an mdb database, and TLS with a certificate
from a test CA (for 127.0.0.1 and localhost). It loads
tests/ldap/directory.ldif with ldapadd as the rootdn.

    with Slapd(t) as d:
        d.ldap_url     ldap://127.0.0.1:P1   (StartTLS offered)
        d.ldaps_url    ldaps://127.0.0.1:P2
        d.ldaps_url_other_name  ldaps://127.0.0.2:P3, which the certificate
                       does not name
        d.ca_file, d.bind_dn, d.bind_password (the service account),
        d.base_dn, d.root_dn, d.root_password
        d.password(uid), d.dn(uid), d.group_dn(cn), d.attr(uid, attr)
        d.add_member(group, uid), d.remove_member(group, uid),
        d.add_person(uid, ...), d.delete_person(uid),
        d.modify(uid, attr, value), d.set_size_limit(spec)

slapd runs as whoever runs the tests (root in CI) and is killed at the end.
Without slapd or the OpenLDAP tools the tests skip (h.Skip, or
skip_file_unless_available() for a whole file), unless HEARTH_REQUIRE_PEER=1
(tools/test, CI): then that is a failure. Standard library only.
"""
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import time

import harness as h

SRC = os.environ.get("HEARTH_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
LDIF_DIR = os.path.join(SRC, "tests", "ldap")

SLAPD = os.environ.get("HEARTH_SLAPD", "/usr/sbin/slapd")
SBIN = os.path.dirname(SLAPD)
TOOLS = ("ldapsearch", "ldapadd", "ldapmodify", "ldapdelete")
# Where distributions keep slapd's loadable backends and the stock schema:
# Debian, then Fedora and others.
MODULE_DIRS = ("/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap",
               "/usr/libexec/openldap")
SCHEMA_DIRS = ("/etc/ldap/schema", "/etc/openldap/schema")
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")

BASE_DN = "dc=example,dc=com"
ROOT_DN = "cn=admin," + BASE_DN
CONFIG_DN = "cn=admin,cn=config"
SERVICE_DN = "cn=hearth-service,ou=services," + BASE_DN
START_TIMEOUT = 20


def _tool(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")


def missing():
    """Why no slapd can run here, or None."""
    if not os.access(SLAPD, os.X_OK):
        return ("%s is not installed (Debian: apt-get install slapd "
                "ldap-utils)" % SLAPD)
    if not os.access(os.path.join(SBIN, "slapadd"), os.X_OK):
        return "slapadd is not next to %s" % SLAPD
    for tool in TOOLS:
        if _tool(tool) is None:
            return "%s is not installed (Debian: ldap-utils)" % tool
    if _schema_dir() is None:
        return "no OpenLDAP schema folder (%s)" % ", ".join(SCHEMA_DIRS)
    return None


def required():
    """Whether a missing slapd is a failure here rather than a skip."""
    return bool(os.environ.get("HEARTH_REQUIRE_PEER"))


def skip_file_unless_available():
    """For a test file that needs slapd throughout: without it, end the
    file as TAP's whole-file skip (or a failure under
    HEARTH_REQUIRE_PEER=1)."""
    why = missing()
    if why is None:
        return
    if required():
        print("not ok 1 - slapd is installed (HEARTH_REQUIRE_PEER=1): "
              + why.replace("#", ""))
        print("1..1")
        sys.exit(1)
    print("1..0 # SKIP " + why.replace("#", ""))
    sys.exit(0)


def _schema_dir():
    for d in SCHEMA_DIRS:
        if all(os.path.exists(os.path.join(d, s + ".ldif"))
               for s in SCHEMAS):
            return d
    return None


def _module_load():
    """cn=config lines loading back_mdb, where slapd has it as a module
    (Debian); nothing where it is built in."""
    for d in MODULE_DIRS:
        if os.path.exists(os.path.join(d, "back_mdb.so")) or \
                os.path.exists(os.path.join(d, "back_mdb.la")):
            return ("dn: cn=module{0},cn=config\nobjectClass: olcModuleList\n"
                    "cn: module{0}\nolcModulePath: %s\n"
                    "olcModuleLoad: back_mdb\n\n" % d)
    return ""


def ssha(password):
    """An {SSHA} userPassword, as slappasswd makes them."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def ldif_line(attr, value):
    """One LDIF attribute line, base64 where LDIF wants it."""
    if isinstance(value, bytes):
        return "%s:: %s" % (attr, base64.b64encode(value).decode())
    safe = value == "" or (value.isascii() and value[0] not in " :<" and
                           value[-1] != " " and "\n" not in value and
                           "\r" not in value and "\0" not in value)
    if safe:
        return "%s: %s" % (attr, value)
    return "%s:: %s" % (attr, base64.b64encode(value.encode()).decode())


class Slapd:
    """A slapd of the test's own; see the module's comment."""

    root_password = "root-Pa55word"
    bind_dn = SERVICE_DN
    base_dn = BASE_DN
    root_dn = ROOT_DN

    def __init__(self, t, size_limit=None):
        why = missing()
        if why is not None:
            if required():
                raise RuntimeError("HEARTH_REQUIRE_PEER=1: " + why)
            raise h.Skip(why)
        self.t = t
        self.size_limit = size_limit
        self.dir = t.tmpdir()
        self.proc = None
        self.logf = None
        self.log_path = os.path.join(self.dir, "slapd.log")
        self.name = "slapd"
        self.bind_password = self.password("hearth-service")
        self.ca_file = os.path.join(self.dir, "ca.pem")
        self.env = dict(os.environ, LDAPNOINIT="1")
        t.servers.append(self)      # killed, and its log shown, at the end

    @staticmethod
    def password(uid):
        """The password of a person of the test directory."""
        return "%s-Pa55word" % uid

    # ------------------------------------------------------------ setup

    def _openssl(self, *args):
        p = h.run(["openssl"] + list(args))
        if p.returncode != 0:
            raise RuntimeError("openssl %s: %s" % (args[0], p.stderr))

    def _make_tls(self):
        """A test CA and a server certificate it signed for 127.0.0.1 and
        localhost."""
        d = self.dir
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes"]
        self._openssl("req", "-x509", *ec, "-keyout",
                      os.path.join(d, "ca.key"), "-out", self.ca_file,
                      "-days", "2", "-subj", "/CN=hearth test CA",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        self._openssl("req", *ec, "-keyout", os.path.join(d, "server.key"),
                      "-out", os.path.join(d, "server.csr"),
                      "-subj", "/CN=localhost")
        ext = os.path.join(d, "server.ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    "basicConstraints=CA:FALSE\n"
                    "keyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n")
        self._openssl("x509", "-req", "-in", os.path.join(d, "server.csr"),
                      "-CA", self.ca_file, "-CAkey",
                      os.path.join(d, "ca.key"), "-CAcreateserial",
                      "-out", os.path.join(d, "server.pem"), "-days", "2",
                      "-extfile", ext)

    def _config_ldif(self):
        d = self.dir
        schema = _schema_dir()
        includes = "".join("include: file://%s/%s.ldif\n" % (schema, s)
                           for s in SCHEMAS)
        includes += "include: file://%s\n" % os.path.join(LDIF_DIR,
                                                          "ad-lite.ldif")
        limit = ("olcSizeLimit: %s\n" % self.size_limit
                 if self.size_limit else "")
        return (
            "dn: cn=config\nobjectClass: olcGlobal\ncn: config\n"
            "olcPidFile: {d}/slapd.pid\nolcArgsFile: {d}/slapd.args\n"
            "olcTLSCACertificateFile: {ca}\n"
            "olcTLSCertificateFile: {d}/server.pem\n"
            "olcTLSCertificateKeyFile: {d}/server.key\n\n"
            "{modules}"
            "dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\n"
            "cn: schema\n\n"
            "{includes}\n"
            "dn: olcDatabase={{-1}}frontend,cn=config\n"
            "objectClass: olcDatabaseConfig\nobjectClass: olcFrontendConfig\n"
            "olcDatabase: {{-1}}frontend\n\n"
            "dn: olcDatabase={{0}}config,cn=config\n"
            "objectClass: olcDatabaseConfig\nolcDatabase: {{0}}config\n"
            "olcRootDN: {config_dn}\nolcRootPW: {rootpw}\n"
            "olcAccess: {{0}}to * by * none\n\n"
            "dn: olcDatabase={{1}}mdb,cn=config\n"
            "objectClass: olcDatabaseConfig\nobjectClass: olcMdbConfig\n"
            "olcDatabase: {{1}}mdb\nolcDbDirectory: {d}/db\n"
            "olcSuffix: {base}\nolcRootDN: {root}\nolcRootPW: {rootpw}\n"
            "olcDbIndex: objectClass eq\nolcDbIndex: uid eq\n"
            "{limit}"
            # People read their own entry; only the service account reads
            # everyone's and the groups, as a company's directory would.
            "olcAccess: {{0}}to attrs=userPassword by self =xw "
            "by anonymous auth by * none\n"
            "olcAccess: {{1}}to * by dn.exact=\"{service}\" read "
            "by self read by * none\n"
        ).format(d=d, ca=self.ca_file, modules=_module_load(),
                 includes=includes, config_dn=CONFIG_DN,
                 rootpw=self.root_password, base=BASE_DN, root=ROOT_DN,
                 limit=limit, service=SERVICE_DN)

    def _directory_ldif(self):
        """tests/ldap/directory.ldif with each @PASSWORD@ hashed: the
        password of the entry's uid, else sAMAccountName, else cn."""
        with open(os.path.join(LDIF_DIR, "directory.ldif"),
                  encoding="utf-8") as f:
            blocks = f.read().split("\n\n")
        out = []
        for block in blocks:
            names = {}
            for line in block.splitlines():
                attr, sep, value = line.partition(": ")
                if sep and attr in ("uid", "sAMAccountName", "cn"):
                    names.setdefault(attr, value.strip())
            uid = names.get("uid") or names.get("sAMAccountName") or \
                names.get("cn")
            if uid is not None:
                block = block.replace("userPassword: @PASSWORD@",
                                      "userPassword: " +
                                      ssha(self.password(uid)))
            out.append(block)
        return "\n\n".join(out)

    def start(self):
        os.makedirs(os.path.join(self.dir, "db"))
        os.makedirs(os.path.join(self.dir, "slapd.d"))
        self._make_tls()
        config = os.path.join(self.dir, "config.ldif")
        with open(config, "w") as f:
            f.write(self._config_ldif())
        p = h.run([os.path.join(SBIN, "slapadd"), "-n0", "-F",
                   os.path.join(self.dir, "slapd.d"), "-l", config])
        if p.returncode != 0:
            raise RuntimeError("slapadd -n0 (cn=config): %s%s" % (
                p.stdout, p.stderr))
        for _ in range(3):          # a port taken meanwhile: others
            if self._run():
                break
        else:
            raise RuntimeError("slapd did not start:\n" + self.log()[-3000:])
        data = os.path.join(self.dir, "directory.ldif")
        with open(data, "w", encoding="utf-8") as f:
            f.write(self._directory_ldif())
        self.tool("ldapadd", "-f", data)
        return self

    def _run(self):
        """Start slapd on free ports; whether it answers."""
        self.ldap_port = h.free_port()
        self.ldaps_port = h.free_port()
        self.other_port = h.free_port()
        self.ldap_url = "ldap://127.0.0.1:%d" % self.ldap_port
        self.ldaps_url = "ldaps://127.0.0.1:%d" % self.ldaps_port
        self.ldaps_url_other_name = "ldaps://127.0.0.2:%d" % self.other_port
        urls = " ".join(u + "/" for u in (self.ldap_url, self.ldaps_url,
                                          self.ldaps_url_other_name))
        self.logf = open(self.log_path, "a")
        # -d 256: in the foreground, each operation logged (stats), which
        # the tests read to see what reached the directory.
        self.proc = subprocess.Popen(
            [SLAPD, "-F", os.path.join(self.dir, "slapd.d"), "-h", urls,
             "-d", "256"], stdout=self.logf, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=self.env)
        end = time.time() + START_TIMEOUT
        while time.time() < end:
            if self.proc.poll() is not None:
                self.logf.close()
                return False
            p = subprocess.run(
                [_tool("ldapsearch"), "-x", "-H", self.ldap_url, "-b", "",
                 "-s", "base", "-o", "nettimeout=2", "namingContexts"],
                capture_output=True, text=True, env=self.env, timeout=10)
            if p.returncode == 0:
                return True
            time.sleep(0.1)
        self.stop()
        return False

    # ------------------------------------------------------------ running

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.logf is not None:
            self.logf.close()
            self.logf = None

    def kill(self):
        self.stop()

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def tool(self, name, *args, input=None, as_config=False, check=True):
        """Run an OpenLDAP tool against this slapd as the rootdn (of
        cn=config with as_config); its CompletedProcess."""
        who = (CONFIG_DN if as_config else ROOT_DN, self.root_password)
        p = subprocess.run([_tool(name), "-x", "-H", self.ldap_url,
                            "-D", who[0], "-w", who[1]] + list(args),
                           input=input, capture_output=True, text=True,
                           env=self.env, timeout=h.TIMEOUT)
        if check and p.returncode != 0:
            raise RuntimeError("%s %s: %s%s" % (name, " ".join(args),
                                                p.stdout, p.stderr))
        return p

    def modify_ldif(self, text, as_config=False):
        return self.tool("ldapmodify", input=text, as_config=as_config)

    # ------------------------------------------------------------ directory

    def search(self, filter, *attrs, base=BASE_DN, bind=None):
        """Entries as [(dn, {attr: [values]})] (values as text, or bytes
        where LDIF gave base64 that is not UTF-8)."""
        args = ["-LLL", "-o", "ldif-wrap=no", "-b", base, filter] + \
            list(attrs)
        if bind is None:
            p = self.tool("ldapsearch", *args)
        else:
            p = subprocess.run([_tool("ldapsearch"), "-x", "-H",
                                self.ldap_url, "-D", bind[0], "-w", bind[1]]
                               + args, capture_output=True, text=True,
                               env=self.env, timeout=h.TIMEOUT)
        entries = []
        for block in p.stdout.split("\n\n"):
            dn, attrs_ = None, {}
            for line in block.splitlines():
                if line.startswith("#") or ":" not in line:
                    continue
                name, _, value = line.partition(":")
                if value.startswith(":"):
                    raw = base64.b64decode(value[1:].strip())
                    try:
                        value = raw.decode()
                    except UnicodeDecodeError:
                        value = raw
                else:
                    value = value.strip()
                if name == "dn":
                    dn = value
                else:
                    attrs_.setdefault(name, []).append(value)
            if dn is not None:
                entries.append((dn, attrs_))
        return entries, p

    def dn(self, uid):
        """The DN of the person with this uid (or AD sAMAccountName)."""
        found, _ = self.search("(|(uid=%s)(sAMAccountName=%s))" % (uid, uid),
                               "1.1")
        if len(found) != 1:
            raise RuntimeError("%d entries for %s" % (len(found), uid))
        return found[0][0]

    def attr(self, uid, attr):
        """A person's first value of attr (operational ones too)."""
        found, _ = self.search("(|(uid=%s)(sAMAccountName=%s))" % (uid, uid),
                               attr)
        values = found[0][1].get(attr) if found else None
        return values[0] if values else None

    def group_dn(self, group):
        """A group's DN: given whole, or its cn under ou=groups."""
        if "=" in group:
            return group
        return "cn=%s,ou=groups,%s" % (group, BASE_DN)

    def _member(self, op, group, uid, attr):
        self.modify_ldif("dn: %s\nchangetype: modify\n%s: %s\n%s\n" % (
            self.group_dn(group), op, attr, ldif_line(attr, self.dn(uid))))

    def add_member(self, group, uid, attr="member"):
        self._member("add", group, uid, attr)

    def remove_member(self, group, uid, attr="member"):
        self._member("delete", group, uid, attr)

    def modify(self, uid, attr, value):
        """Replace a person's attr with value (None: remove it)."""
        if value is None:
            change = "delete: %s\n" % attr
        else:
            change = "replace: %s\n%s\n" % (attr, ldif_line(attr, value))
        self.modify_ldif("dn: %s\nchangetype: modify\n%s" % (
            self.dn(uid), change))

    def add_person(self, uid, cn=None, groups=(), **attrs):
        """A new inetOrgPerson under ou=people with password(uid)."""
        cn = cn or uid.capitalize()
        lines = ["dn: uid=%s,ou=people,%s" % (uid, BASE_DN),
                 "objectClass: inetOrgPerson", ldif_line("uid", uid),
                 ldif_line("cn", cn), ldif_line("sn", cn.split()[-1]),
                 ldif_line("mail", "%s@example.com" % uid),
                 "userPassword: " + ssha(self.password(uid))]
        for attr, value in attrs.items():
            lines.append(ldif_line(attr, value))
        self.tool("ldapadd", input="\n".join(lines) + "\n")
        for g in groups:
            self.add_member(g, uid)

    def add_people(self, uids):
        """Many new people in one ldapadd."""
        blocks = []
        for uid in uids:
            blocks.append("\n".join([
                "dn: uid=%s,ou=people,%s" % (uid, BASE_DN),
                "objectClass: inetOrgPerson", "uid: " + uid,
                "cn: " + uid.capitalize(), "sn: " + uid.capitalize(),
                "userPassword: " + ssha(self.password(uid))]))
        self.tool("ldapadd", input="\n\n".join(blocks) + "\n")

    def delete_person(self, uid):
        self.tool("ldapdelete", self.dn(uid))

    def delete_people(self, uids):
        """Many people under ou=people (by uid=) in one ldapdelete."""
        self.tool("ldapdelete", *["uid=%s,ou=people,%s" % (uid, BASE_DN)
                                  for uid in uids])

    def set_size_limit(self, spec):
        """The database's olcSizeLimit, live ("size.soft=10 size.hard=10
        size.prtotal=unlimited"; None: slapd's default)."""
        if spec is None:
            change = "delete: olcSizeLimit\n"
            if not self.tool("ldapsearch", "-LLL", "-b",
                             "olcDatabase={1}mdb,cn=config", "-s", "base",
                             "olcSizeLimit",
                             as_config=True).stdout.count("olcSizeLimit"):
                return
        else:
            change = "replace: olcSizeLimit\nolcSizeLimit: %s\n" % spec
        self.modify_ldif("dn: olcDatabase={1}mdb,cn=config\n"
                         "changetype: modify\n" + change, as_config=True)
