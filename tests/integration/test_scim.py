"""SCIM 2.0 provisioning (docs/scim.md): the requests Microsoft Entra ID and
Okta actually send, replayed from their documentation, and what hearth does
with them: people made, changed, deactivated (their web session, API token
and open stream end at once) and deleted (the account stays, disabled, and
so do their posts); groups pushed and their members kept. Then the edges:
409 on a taken userName, 400 invalidFilter, 401 and 403, 404 while
auth.scim is off, paging, discovery, and the scim token refused anywhere
else.

Each case can run alone: make check TESTS=tests/integration/test_scim.py
CASE=entra_lifecycle (or `python3 .../test_scim.py --list`)."""
import contextlib
import itertools
import json
import sqlite3
import urllib.parse

import harness as h
from streamclient import Stream

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCHOP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SCIM_JSON = {"Content-Type": "application/scim+json"}

_n = itertools.count(1)


@contextlib.contextmanager
def fixture(t):
    with h.Server(t, **{"auth.scim": "true"}) as srv:
        p = srv.ctl("scim", "token", "--name", "entra")
        if p.returncode != 0:
            raise RuntimeError("hearthctl scim token: " + p.stderr)
        srv.scim = p.stdout.strip()
        srv.add_user("reader")
        srv.reader = srv.token("reader")
        yield srv


def scim(srv, token=None):
    """A client that sends the provisioning token."""
    return srv.client(headers={"Authorization": "Bearer " +
                               (token or srv.scim)})


def send(c, method, path, body=None, headers=SCIM_JSON):
    """A SCIM request with a JSON body (a dict, or text as is)."""
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    return c.request(method, "/scim/v2" + path, body=body, headers=headers)


def q(filter_):
    """A filter in a query string, encoded as Entra encodes it."""
    return urllib.parse.quote(filter_, safe="")


def username_of(srv, uid):
    """The hearth username of a SCIM User."""
    db = sqlite3.connect(srv.db)
    row = db.execute("SELECT username FROM users WHERE id = ?",
                     (int(uid),)).fetchone()
    db.close()
    return row[0] if row else None


def is_error(t, r, status, scim_type, name):
    """r is RFC 7644 3.12's error: the status (as a string) and
    scimType (None: none)."""
    t.status(r, status, name)
    t.like(r.header("Content-Type") or "", r"^application/scim\+json",
           name + ": as application/scim+json")
    try:
        e = r.json()
    except ValueError:
        t.ok(False, name + ": the body is JSON", r.text[:200])
        return
    t.is_(e.get("schemas"), [ERROR], name + ": the Error schema")
    t.is_(e.get("status"), str(status), name + ": status as a string")
    t.is_(e.get("scimType"), scim_type, name + ": scimType")
    t.ok(e.get("detail"), name + ": a detail says what is wrong")


@h.case
def entra_lifecycle(t, srv):
    """Entra ID: look up, create with the enterprise extension, replace
    attributes, deactivate with active "False" (session, token and stream
    end at once), reactivate, delete (404 after, the account disabled,
    posts still readable)."""
    c = scim(srv)
    user_name = "ellen%d@contoso.example" % next(_n)

    # "Get User by query - Zero results", and Test Connection's lookup:
    # Microsoft's "Tutorial: Develop and plan provisioning for a SCIM
    # endpoint", User Operations.
    r = c.get("/scim/v2/Users?filter=" + q('userName eq "%s"' % user_name))
    t.status(r, 200, "a lookup of no one is 200")
    t.like(r.header("Content-Type"), r"^application/scim\+json",
           "as application/scim+json")
    t.is_(r.json(), {"schemas": [LIST], "totalResults": 0, "Resources": [],
                     "startIndex": 1, "itemsPerPage": 0},
          "an empty ListResponse")

    # "Create User" from the same tutorial (userName and e-mail made this
    # test's own), with the enterprise extension as Entra's default
    # mapping sends department, and title and displayName.
    body = {
        "schemas": [USER, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        "userName": user_name,
        "active": True,
        "displayName": "Ellen Reckert",
        "title": "Analyst",
        "emails": [{
            "primary": True,
            "type": "work",
            "value": user_name,
        }],
        "meta": {"resourceType": "User"},
        "name": {
            "formatted": "givenName familyName",
            "familyName": "familyName",
            "givenName": "givenName",
        },
        "roles": [],
        ENTERPRISE: {"department": "Human Resources US",
                     "employeeNumber": "100009"},
    }
    r = send(c, "POST", "/Users", body)
    t.status(r, 201, "Create User is 201")
    u = r.json()
    uid = u.get("id")
    t.like(uid, r"^\d+$", "the User has an id")
    t.is_(r.header("Location"), "%s/scim/v2/Users/%s" % (srv.url, uid),
          "Location is the User's URL")
    t.is_(u.get("meta", {}).get("location"), r.header("Location"),
          "... as meta.location says")
    t.is_(u.get("meta", {}).get("resourceType"), "User",
          "meta.resourceType")
    t.like(u.get("meta", {}).get("created", ""),
           r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", "meta.created")
    t.is_(u.get("userName"), user_name, "userName as sent")
    t.is_(u.get("externalId"), body["externalId"], "externalId kept")
    t.is_(u.get("displayName"), "Ellen Reckert", "displayName")
    t.is_(u.get("title"), "Analyst", "title")
    t.is_(u.get("active"), True, "active")
    t.is_(u.get("emails"), [{"value": user_name, "type": "work",
                             "primary": True}], "the work address")
    t.is_(u.get(ENTERPRISE, {}).get("department"), "Human Resources US",
          "the department")
    name = username_of(srv, uid)
    t.like(name, r"^ellen\d+$", "the hearth username is the part of "
           "userName before the @")

    r = c.get("/scim/v2/Users?filter=" + q('userName eq "%s"' %
                                            user_name.upper()))
    t.is_(r.json().get("totalResults"), 1, "found by userName in any case")
    r = c.get("/scim/v2/Users?filter=" + q('externalId eq "%s"' %
                                            body["externalId"]))
    t.is_([x["id"] for x in r.json().get("Resources", [])], [uid],
          "found by externalId")

    # "Requests to replace multiple attributes", without the SCIM
    # compliance flag: Microsoft's "Known issues and resolutions with SCIM
    # 2.0 protocol compliance", with title and department added.
    r = send(c, "PATCH", "/Users/" + uid, {
        "schemas": [PATCHOP],
        "Operations": [
            {"op": "Replace", "path": "displayName", "value": "Pvlo"},
            {"op": "Replace", "path": 'emails[type eq "work"].value',
             "value": "TestBcwqnm@test.microsoft.com"},
            {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
            {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
            {"op": "Replace", "path": "externalId", "value": "Eqpj"},
            {"op": "Replace", "path": ENTERPRISE + ":employeeNumber",
             "value": "Eqpj"},
            {"op": "Replace", "path": "title", "value": "Lead Analyst"},
            {"op": "Replace", "path": ENTERPRISE + ":department",
             "value": "People"},
        ]})
    t.status(r, 200, "PATCH Replace is 200")
    u = send(c, "GET", "/Users/" + uid).json()
    t.is_(u.get("displayName"), "Pvlo", "displayName replaced")
    t.is_(u.get("title"), "Lead Analyst", "title replaced")
    t.is_(u.get(ENTERPRISE, {}).get("department"), "People",
          "department replaced")
    t.is_(u["emails"][0]["value"], "TestBcwqnm@test.microsoft.com",
          "the work address replaced")
    t.is_(u.get("name", {}).get("givenName"), "Gtfd", "givenName")
    t.is_(u.get("externalId"), "Eqpj", "externalId")

    # The person uses hearth: a web session, an API token, a stream, a
    # post.
    p = srv.ctl("user", "passwd", name, "--password-stdin",
                input=h.PASSWORD + "\n")
    t.is_(p.returncode, 0, "an admin gives them a password")
    web = srv.client()
    t.status(web.login(name), 303, "they sign in on the web")
    token = srv.token(name)
    api = srv.client(headers={"Authorization": "Bearer " + token})
    post = h.post_status(api, "minutes of the meeting")
    stream = Stream(srv.port, "/api/v1/streaming/user?access_token=" +
                    token)
    t.is_(stream.status, 200, "their stream is open")

    # Disable User as Entra sends it without the compliance flag: the
    # same "Known issues" page, "Requests made to disable users".
    r = send(c, "PATCH", "/Users/" + uid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "Replace", "path": "active",
                        "value": "False"}]})
    t.status(r, 200, 'PATCH active "False" is 200')
    t.is_(r.json().get("active"), False, "the User is inactive")
    t.status(web.me(), 401, "the web session ended")
    t.status(api.me(), 401, "the API token stopped working")
    t.ok(stream.wait_closed(10), "the open stream was closed")
    stream.close()
    t.status(srv.client().login(name), 401, "they cannot sign in")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+member\s+disabled" % name, "user list: disabled")

    # ... and the compliant form of the same, from that page: a boolean.
    r = send(c, "PATCH", "/Users/" + uid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "Replace", "path": "active",
                        "value": "True"}]})
    t.status(r, 200, 'PATCH active "True" is 200')
    t.is_(r.json().get("active"), True, "the User is active again")
    web = srv.client()
    t.status(web.login(name), 303, "they may sign in again")
    t.status(api.me(), 401, "the old token stays revoked")

    # "Delete User", from the tutorial.
    r = send(c, "DELETE", "/Users/" + uid, headers={})
    t.status(r, 204, "DELETE is 204")
    t.is_(r.body, b"", "... with no body")
    is_error(t, send(c, "GET", "/Users/" + uid), 404, None,
             "the User is gone")
    r = c.get("/scim/v2/Users?filter=" + q('userName eq "%s"' % user_name))
    t.is_(r.json().get("totalResults"), 0, "no lookup finds them")
    t.status(web.me(), 401, "their new session ended too")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+member\s+disabled" % name,
           "the account stays, disabled")
    r = srv.client(headers={"Authorization": "Bearer " + srv.reader}).get(
        "/api/v1/statuses/" + post["id"])
    t.status(r, 200, "their post is still there for others")
    is_error(t, send(c, "DELETE", "/Users/" + uid, headers={}), 404, None,
             "a second DELETE is 404")


@h.case
def okta_lifecycle(t, srv):
    """Okta: look up with startIndex and count, create (no Content-Type,
    a password and locale it sends), PUT a full replace with active
    false, PATCH {"active": false} without a path, and push a group:
    create it, add members, rename, remove members[value eq]."""
    c = scim(srv)
    n = next(_n)
    user_name = "test.user%d@okta.local" % n

    # Every request below is from Okta's "SCIM 2.0 Protocol Reference"
    # (developer.okta.com), userName made this test's own.
    r = c.get("/scim/v2/Users?filter=userName%%20eq%%20%%22%s%%22&"
              "startIndex=1&count=100" %
              urllib.parse.quote(user_name, safe=""))
    t.status(r, 200, "Okta's lookup")
    t.is_(r.json().get("totalResults"), 0, "... finds no one")

    created = {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": user_name,
                    "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }
    # Okta's documented request has no Content-Type.
    r = send(c, "POST", "/Users", created, headers={"Content-Type": None})
    t.status(r, 201, "Create the User (no Content-Type) is 201")
    uid = r.json().get("id")
    t.is_(r.json().get("displayName"), "Test User", "displayName")
    t.ok("password" not in r.json(), "no password comes back")
    name = username_of(srv, uid)
    db = sqlite3.connect(srv.db)
    t.is_(db.execute("SELECT password_hash FROM users WHERE id = ?",
                     (int(uid),)).fetchone()[0], None,
          "Okta's password is not kept: SCIM people sign in through the "
          "company's identity provider")
    db.close()

    r = send(c, "GET", "/Users/" + uid, headers={})
    t.status(r, 200, "Retrieve a specific User")

    # "Update a specific User (PUT)", then deactivated in the same way
    # an AIW integration does it: PUT with active false.
    replaced = {
        "schemas": [USER],
        "id": uid,
        "userName": user_name,
        "name": {"givenName": "Another", "middleName": "Excited",
                 "familyName": "User"},
        "emails": [{"primary": True, "value": user_name, "type": "work",
                    "display": user_name}],
        "active": False,
        "groups": [],
        "meta": {"resourceType": "User"},
    }
    r = send(c, "PUT", "/Users/" + uid, replaced,
             headers={"Content-Type": "application/scim+json; "
                      "charset=utf-8"})
    t.status(r, 200, "PUT is 200")
    u = r.json()
    t.is_(u.get("active"), False, "active false")
    t.is_(u.get("name"), {"givenName": "Another", "familyName": "User"},
          "the name replaced (middleName is not kept)")
    t.is_(u.get("displayName"), "Another User",
          "displayName, not sent, is made from the names")
    t.ok("externalId" not in u, "externalId, not sent, is gone")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+member\s+disabled" % name, "the account is disabled")

    replaced["active"] = True
    t.status(send(c, "PUT", "/Users/" + uid, replaced), 200,
             "PUT with active true")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+member\s+active" % name, "the account is active")

    # "Update a specific User (PATCH)": Okta's deactivation.
    r = send(c, "PATCH", "/Users/" + uid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "replace", "value": {"active": False}}]})
    t.status(r, 200, "PATCH without a path")
    t.is_(r.json().get("active"), False, "active false")
    t.like(srv.ctl("user", "list").stdout,
           r"(?m)^%s\s+member\s+disabled" % name, "the account is disabled")

    # Group Push: "Create Groups", "Update specific Group membership",
    # "Update a specific Group name", "Delete a specific Group".
    other = send(c, "POST", "/Users", {
        "schemas": [USER], "userName": "second%d@okta.local" % n,
        "active": True}).json()["id"]
    r = send(c, "POST", "/Groups", {"schemas": [GROUP],
                                     "displayName": "Test SCIMv2 %d" % n,
                                     "members": []})
    t.status(r, 201, "Create Groups is 201")
    gid = r.json().get("id")
    t.is_(r.json().get("members"), [], "with no members")
    t.is_(r.header("Location"), "%s/scim/v2/Groups/%s" % (srv.url, gid),
          "Location")
    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [
            {"op": "remove",
             "path": 'members[value eq "89bb1940-b905-4575-9e7f-'
                     '6f887cfb368e"]'},
            {"op": "add", "path": "members",
             "value": [{"value": uid, "display": user_name},
                       {"value": other, "display": "second"}]}]})
    t.status(r, 204, "membership PATCH is 204")
    r = send(c, "GET", "/Groups/" + gid, headers={})
    t.is_(sorted(m["value"] for m in r.json().get("members", [])),
          sorted([uid, other]), "both are members")
    t.is_([g["value"] for g in send(c, "GET", "/Users/" + uid,
                                    headers={}).json().get("groups", [])],
          [gid], "the User lists the group")

    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "replace",
                        "value": {"id": gid,
                                  "displayName": "Test SCIMv20 %d" % n}}]})
    t.status(r, 204, "the rename PATCH (no path, with the id) is 204")
    r = c.get("/scim/v2/Groups?filter=" +
              q('displayName eq "Test SCIMv20 %d"' % n))
    t.is_([g["id"] for g in r.json().get("Resources", [])], [gid],
          "found by its new name")

    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "remove",
                        "path": 'members[value eq "%s"]' % uid}]})
    t.status(r, 204, "remove members[value eq] is 204")
    r = send(c, "GET", "/Groups/" + gid, headers={})
    t.is_([m["value"] for m in r.json().get("members", [])], [other],
          "one member left")

    # The full push with replace, from the same page.
    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "replace", "path": "members",
                        "value": [{"value": uid, "display": user_name}]}]})
    t.status(r, 204, "replace members is 204")
    r = send(c, "GET", "/Groups/" + gid, headers={})
    t.is_([m["value"] for m in r.json().get("members", [])], [uid],
          "the members replaced")

    t.status(send(c, "DELETE", "/Groups/" + gid, headers={}), 204,
             "Delete a specific Group is 204")
    is_error(t, send(c, "GET", "/Groups/" + gid, headers={}), 404, None,
             "the Group is gone")


@h.case
def entra_groups(t, srv):
    """Entra ID's group requests: create, get without members, look up by
    displayName without members, add and remove members (204)."""
    c = scim(srv)
    n = next(_n)
    uid = send(c, "POST", "/Users", {"userName": "member%d@contoso.example"
                                     % n}).json()["id"]
    # "Create Group", "Get Group", "Get Group by displayName", "Update
    # Group [Add Members]", "Update Group [Remove Members]": the
    # tutorial's Group Operations (member ids our own).
    r = send(c, "POST", "/Groups", {
        "schemas": [GROUP, "http://schemas.microsoft.com/2006/11/"
                    "ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName": "displayName %d" % n,
        "meta": {"resourceType": "Group"}})
    t.status(r, 201, "Create Group is 201")
    gid = r.json()["id"]
    t.is_(r.json().get("externalId"), "8aa1a0c0-c4c3-4bc0-b4a5-"
          "2ef676900159", "externalId kept")
    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "Add", "path": "members",
                        "value": [{"$ref": None, "value": uid}]}]})
    t.status(r, 204, "Add Members is 204")
    r = c.get("/scim/v2/Groups/%s?excludedAttributes=members" % gid)
    t.status(r, 200, "Get Group")
    t.ok("members" not in r.json(), "excludedAttributes=members leaves "
         "them out")
    r = c.get("/scim/v2/Groups?excludedAttributes=members&filter=" +
              q('displayName eq "displayName %d"' % n))
    res = r.json().get("Resources", [])
    t.is_([g["id"] for g in res], [gid], "Get Group by displayName")
    t.ok(all("members" not in g for g in res), "... without members")
    r = c.get("/scim/v2/Groups?filter=" +
              q('id eq "%s" and members[value eq "%s"]' % (gid, uid)))
    t.is_(r.json().get("totalResults"), 1, "a member is found by filter")
    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "Replace", "path": "displayName",
                        "value": "renamed %d" % n}]})
    t.status(r, 204, "Update Group [Non-member attributes] is 204")
    r = send(c, "PATCH", "/Groups/" + gid, {
        "schemas": [PATCHOP],
        "Operations": [{"op": "Remove", "path": "members",
                        "value": [{"$ref": None, "value": uid}]}]})
    t.status(r, 204, "Remove Members is 204")
    r = send(c, "GET", "/Groups/" + gid, headers={})
    t.is_(r.json().get("members"), [], "no members left")
    t.is_(r.json().get("displayName"), "renamed %d" % n, "renamed")
    is_error(t, send(c, "PATCH", "/Groups/" + gid, {
        "Operations": [{"op": "add", "path": "members",
                        "value": [{"value": "77777777"}]}]}), 400,
        "invalidValue", "a member who is no one is refused")


@h.case
def uniqueness_409(t, srv):
    """A userName already taken, in any case, is 409 uniqueness, and
    nothing is made; so is a group name."""
    c = scim(srv)
    n = next(_n)
    t.status(send(c, "POST", "/Users", {"userName": "dup%d@example.com" %
                                        n}), 201, "the first is made")
    db = sqlite3.connect(srv.db)
    before = db.execute("SELECT count(*) FROM users").fetchone()[0]
    r = send(c, "POST", "/Users", {"userName": "DUP%d@Example.com" % n})
    is_error(t, r, 409, "uniqueness", "the same userName again")
    t.like(r.json().get("detail", ""), r"DUP%d@Example\.com" % n,
           "the detail names it")
    t.is_(db.execute("SELECT count(*) FROM users").fetchone()[0], before,
          "no account was made")
    db.close()
    t.status(send(c, "POST", "/Groups", {"displayName": "Dup %d" % n}),
             201, "a group")
    is_error(t, send(c, "POST", "/Groups", {"displayName": "dup %d" % n}),
             409, "uniqueness", "a group of the same name")


@h.case
def bad_requests(t, srv):
    """400s: a filter on what hearth does not keep or not a filter at
    all (invalidFilter), a path it does not know (invalidPath), a
    read-only attribute (mutability), a bad op (invalidSyntax), no body,
    broken JSON."""
    c = scim(srv)
    for f in ('nickName eq "x"', 'userName xx "a"', 'userName eq "a" and',
              '(userName eq "a"'):
        is_error(t, c.get("/scim/v2/Users?filter=" + q(f)), 400,
                 "invalidFilter", "filter %s" % f)
    is_error(t, c.get("/scim/v2/Users?startIndex=one"), 400,
             "invalidValue", "a startIndex that is not a number")
    uid = send(c, "POST", "/Users", {"userName": "bad%d@example.com" %
                                     next(_n)}).json()["id"]
    for ops, st, typ, name in (
            ([{"op": "replace", "path": "favouriteColour", "value": "x"}],
             400, "invalidPath", "an attribute hearth does not keep"),
            ([{"op": "replace", "path": "emails[type eq", "value": "x"}],
             400, "invalidPath", "a broken path"),
            ([{"op": "replace", "path": "id", "value": "7"}],
             400, "mutability", "id"),
            ([{"op": "move", "path": "title", "value": "x"}],
             400, "invalidSyntax", "op move"),
            ([{"op": "remove"}], 400, "noTarget", "remove without a path"),
            ([], 400, "invalidSyntax", "no Operations")):
        is_error(t, send(c, "PATCH", "/Users/" + uid,
                         {"schemas": [PATCHOP], "Operations": ops}),
                 st, typ, name)
    is_error(t, send(c, "POST", "/Users", None), 400, "invalidSyntax",
             "POST without a body")
    is_error(t, send(c, "POST", "/Users", '{"userName": '), 400,
             "invalidSyntax", "broken JSON")
    is_error(t, send(c, "POST", "/Users", {"userName": "x@y",
                                           "active": "maybe"}),
             400, "invalidValue", "active neither true nor false")
    is_error(t, send(c, "GET", "/Users/nobody", headers={}), 404, None,
             "an id that is not one")
    r = send(c, "POST", "/Users", "userName=x",
             headers={"Content-Type": "text/plain"})
    is_error(t, r, 415, None, "a body that is not JSON")


@h.case
def auth_401_403(t, srv):
    """No token, a bad or revoked token: 401; a person's token (even one
    with the scim scope) or session: refused; the scim token is refused
    on every other route."""
    r = srv.client().get("/scim/v2/Users")
    is_error(t, r, 401, None, "no token")
    t.like(r.header("WWW-Authenticate") or "", r"^Bearer",
           "WWW-Authenticate: Bearer")
    is_error(t, scim(srv, "hat_nope").get("/scim/v2/Users"), 401, None,
             "a bad token")
    person = "person%d" % next(_n)
    srv.add_user(person)
    is_error(t, scim(srv, srv.token(person)).get("/scim/v2/Users"), 403,
             None, "a person's read write follow token")
    p = srv.ctl("token", "create", person, "--scopes", "scim")
    is_error(t, scim(srv, p.stdout.strip()).get("/scim/v2/Users"), 403,
             None, "a person's token with the scim scope")
    web = srv.client()
    t.status(web.login(person), 303, "a person signs in")
    is_error(t, web.get("/scim/v2/Users"), 401, None, "a web session")

    c = scim(srv)
    for path in ("/api/v1/accounts/verify_credentials", "/api/v1/instance",
                 "/api/v1/apps/verify_credentials", "/api/v1/timelines/home",
                 "/api/v1/streaming/user"):
        r = c.get(path)
        t.status(r, 403, "the scim token on %s" % path)
        t.like(r.text, r"only under /scim/v2/", "... says where it works")
    t.status(c.post("/api/v1/statuses", {"status": "hi"}), 403,
             "the scim token cannot post")
    t.status(c.get("/"), 403, "the scim token on a web page")

    p = srv.ctl("scim", "token", "--name", "doomed")
    doomed = p.stdout.strip()
    t.status(scim(srv, doomed).get("/scim/v2/Users"), 200,
             "a second token works")
    p = srv.ctl("scim", "tokens")
    t.is_(p.returncode, 0, "scim tokens exits 0")
    t.like(p.stdout, r"(?m)^\d+\s.*active\s+entra$", "it lists entra")
    m = [line.split()[0] for line in p.stdout.splitlines()
         if line.rstrip().endswith(" doomed")]
    t.is_(len(m), 1, "... and doomed")
    p = srv.ctl("scim", "revoke", m[0] if m else "0")
    t.is_(p.returncode, 0, "scim revoke exits 0")
    is_error(t, scim(srv, doomed).get("/scim/v2/Users"), 401, None,
             "the revoked token is 401 at once")
    t.status(scim(srv).get("/scim/v2/Users"), 200, "the other still works")
    p = srv.ctl("scim", "revoke", m[0] if m else "0")
    t.is_(p.returncode, 1, "revoking it again exits 1")
    t.is_(srv.ctl("scim", "revoke", "x").returncode, 2,
          "scim revoke x is a usage error")


@h.case
def scim_off_404(t, srv):
    """With auth.scim off (the default), /scim/v2/ is not there at all,
    even with a valid token; hearthctl scim token warns."""
    with h.Server(t, name="hearthd-no-scim") as off:
        p = off.ctl("scim", "token")
        t.is_(p.returncode, 0, "scim token works with SCIM off")
        t.like(p.stderr, r"auth\.scim is off", "... and warns")
        c = scim(off, p.stdout.strip())
        for path in ("/scim/v2/Users", "/scim/v2/ServiceProviderConfig",
                     "/scim/v2/Groups/1"):
            r = c.get(path)
            t.status(r, 404, "GET %s is 404" % path)
            t.ok("urn:ietf" not in r.text, "... with no hint of SCIM")
        t.status(srv.client().get("/scim/v2/Users"), 401,
                 "(with SCIM on, the same request without a token is 401)")
        t.status(c.request("POST", "/scim/v2/Users", body="{}",
                           headers=SCIM_JSON), 404, "POST is 404 too")


@h.case
def pagination(t, srv):
    """startIndex is 1-based, count is capped at 100, totalResults counts
    every match, and the order holds from page to page."""
    c = scim(srv)
    n = next(_n)
    ids = []
    for i in range(5):
        r = send(c, "POST", "/Users", {"userName": "page%d-%d@example.com"
                                       % (n, i)})
        ids.append(r.json()["id"])
    f = q('userName sw "page%d-"' % n)
    r = c.get("/scim/v2/Users?filter=%s&startIndex=2&count=2" % f).json()
    t.is_(r.get("totalResults"), 5, "totalResults counts all")
    t.is_(r.get("startIndex"), 2, "startIndex")
    t.is_(r.get("itemsPerPage"), 2, "itemsPerPage")
    t.is_([x["id"] for x in r.get("Resources", [])], ids[1:3],
          "the second and third")
    r = c.get("/scim/v2/Users?filter=%s&startIndex=5&count=2" % f).json()
    t.is_([x["id"] for x in r.get("Resources", [])], ids[4:],
          "the last page has the last one")
    r = c.get("/scim/v2/Users?filter=%s&startIndex=0&count=1000" % f).json()
    t.is_(r.get("startIndex"), 1, "startIndex 0 is taken as 1")
    t.is_(len(r.get("Resources", [])), 5, "count over 100 is capped, all "
          "five come")
    r = c.get("/scim/v2/Users?filter=%s&count=0" % f).json()
    t.is_((r.get("totalResults"), r.get("Resources")), (5, []),
          "count=0 only counts")
    for i in range(100):
        send(c, "POST", "/Users", {"userName": "bulk%d-%d@example.com" %
                                   (n, i)})
    r = c.get("/scim/v2/Users?filter=%s&count=500" %
              q('userName sw "bulk%d-"' % n)).json()
    t.is_((r.get("totalResults"), len(r.get("Resources", []))), (100, 100),
          "a hundred at most in one page")
    r = c.get("/scim/v2/Users?filter=%s&count=500&attributes=userName" %
              q('userName eq "bulk%d-7@example.com"' % n)).json()
    t.is_(sorted(r["Resources"][0].keys()) if r.get("Resources") else None,
          ["id", "schemas", "userName"], "attributes=userName: that, id "
          "and schemas")


@h.case
def discovery(t, srv):
    """ServiceProviderConfig, ResourceTypes and Schemas."""
    c = scim(srv)
    r = c.get("/scim/v2/ServiceProviderConfig")
    t.status(r, 200, "ServiceProviderConfig")
    t.like(r.header("Content-Type"), r"^application/scim\+json",
           "as application/scim+json")
    spc = r.json()
    t.is_(spc.get("patch"), {"supported": True}, "patch supported")
    t.is_(spc.get("bulk", {}).get("supported"), False, "bulk not")
    t.is_(spc.get("filter"), {"supported": True, "maxResults": 100},
          "filter, 100 at most")
    t.is_(spc.get("etag", {}).get("supported"), False, "etag not")
    t.is_([a.get("type") for a in spc.get("authenticationSchemes", [])],
          ["oauthbearertoken"], "a bearer token")
    r = c.get("/scim/v2/ResourceTypes").json()
    t.is_(sorted(x["id"] for x in r.get("Resources", [])),
          ["Group", "User"], "two resource types")
    r = c.get("/scim/v2/ResourceTypes/User").json()
    t.is_(r.get("endpoint"), "/Users", "User's endpoint")
    t.is_(r.get("schemaExtensions"), [{"schema": ENTERPRISE,
                                       "required": False}],
          "the enterprise extension")
    r = c.get("/scim/v2/Schemas").json()
    t.is_(sorted(x["id"] for x in r.get("Resources", [])),
          sorted([USER, GROUP, ENTERPRISE]), "three schemas")
    r = c.get("/scim/v2/Schemas/" + USER).json()
    attrs = {a["name"]: a for a in r.get("attributes", [])}
    t.is_(attrs.get("userName", {}).get("uniqueness"), "server",
          "userName is unique")
    t.is_(sorted(s["name"] for s in attrs.get("emails", {}).get(
          "subAttributes", [])), ["primary", "type", "value"],
          "emails' sub-attributes")
    is_error(t, c.get("/scim/v2/Schemas/urn:nope"), 404, None,
             "an unknown schema")
    t.status(c.get("/scim/v2/Bulk"), 404, "no /Bulk")
    is_error(t, c.request("DELETE", "/scim/v2/Users"), 405, None,
             "DELETE /Users is 405")


@h.case
def bounds(t, srv):
    """A PATCH of more than 10,000 members is refused, naming the limit;
    a body over max_form_size is 413; neither changes anything."""
    c = scim(srv)
    n = next(_n)
    uid = send(c, "POST", "/Users", {"userName": "bound%d@example.com" %
                                     n}).json()["id"]
    gid = send(c, "POST", "/Groups", {"displayName": "Bound %d" % n}) \
        .json()["id"]
    r = send(c, "PATCH", "/Groups/" + gid, {
        "Operations": [{"op": "add", "path": "members",
                        "value": [{"value": uid}] * 10001}]})
    is_error(t, r, 400, "invalidValue", "10,001 members in one PATCH")
    t.like(r.json().get("detail", ""), r"10000", "... naming the limit")
    r = send(c, "PATCH", "/Groups/" + gid, {
        "Operations": [{"op": "add", "path": "members",
                        "value": [{"value": uid}] * 10000}]})
    t.status(r, 204, "10,000 are taken")
    big = json.dumps({"userName": "big@example.com",
                      "displayName": "x" * (1 << 20)})
    is_error(t, send(c, "POST", "/Users", big), 413, None,
             "a body over max_form_size")
    r = c.get("/scim/v2/Users?filter=" + q('userName eq "big@example.com"'))
    t.is_(r.json().get("totalResults"), 0, "nothing was made")


if __name__ == "__main__":
    h.main_cases(fixture)
