"""
The access matrix: for each kind of post (public, unlisted, private,
direct, in an open group, in a private group) and each kind of reader
(author, follower, mentioned, group member, other employee, admin,
anonymous), every endpoint that can reveal a post shows it exactly when it
should. One rule (SQL_POST_VISIBLE in core/hearth.h) decides; this test
checks every door it guards.
"""
import urllib.parse

import harness as h

KINDS = ["public", "unlisted", "private", "direct", "open_group",
         "private_group"]
READERS = ["author", "follower", "mentioned", "member", "other", "admin"]

# Who may read each kind of post.
READABLE = {
    "public": set(READERS),
    "unlisted": set(READERS),
    "private": {"author", "follower", "mentioned"},
    "direct": {"author", "mentioned"},
    "open_group": set(READERS),
    "private_group": {"author", "member"},
}


def can(reader, kind):
    return reader in READABLE[kind]


def body(t):
    with h.Server(t, threads=2) as srv:
        for name in READERS:
            srv.add_user(name, admin=(name == "admin"))
        tok = {name: srv.token(name) for name in READERS}
        c = srv.client()

        def api(method, path, who, form=None):
            hdrs = {"Authorization": "Bearer " + tok[who]} if who else {}
            return c.request(method, path, form=form, headers=hdrs,
                             cookies=False)

        def ids(resp):
            if resp.status != 200:
                return None
            return [s["id"] for s in resp.json()]

        ids_of = {}
        me = {name: api("GET", "/api/v1/accounts/verify_credentials",
                        name).json()["id"] for name in READERS}
        t.status(api("POST", "/api/v1/accounts/%s/follow" % me["author"],
                     "follower"), 200, "follower follows author")

        r = api("POST", "/api/v1/groups", "author",
                {"name": "Open matrix", "visibility": "open"})
        t.status(r, 200, "author creates an open group")
        open_g = r.json()["id"]
        r = api("POST", "/api/v1/groups", "author",
                {"name": "Private matrix", "visibility": "private"})
        t.status(r, 200, "author creates a private group")
        priv_g = r.json()["id"]
        t.status(api("POST", "/api/v1/groups/%s/join" % open_g, "member"),
                 200, "member joins the open group")
        t.status(api("POST", "/api/v1/groups/%s/members" % priv_g, "author",
                     {"account_id": me["member"]}), 200,
                 "author adds member to the private group")

        def post(kind, extra=None, text=None):
            form = {"status": text or ("matrixword kind%s #matrixtag "
                                       "@mentioned" % kind.replace("_", ""))}
            if kind in ("public", "unlisted", "private", "direct"):
                form["visibility"] = kind
            elif kind == "open_group":
                form["group_id"] = open_g
            else:
                form["group_id"] = priv_g
            form.update(extra or {})
            r = api("POST", "/api/v1/statuses", "author", form)
            t.status(r, 200, "author posts a %s post" % kind)
            return r.json()["id"]

        for kind in KINDS:
            ids_of[kind] = post(kind)
        kind_of = {v: k for k, v in ids_of.items()}

        # A public root with replies of every kind outside groups, and
        # replies inside each group, for the context endpoint.
        root = post("public", text="matrix root")
        replies = {k: post(k, {"in_reply_to_id": root},
                           text="matrix reply @mentioned")
                   for k in ("public", "unlisted", "private", "direct")}
        group_reply = {
            "open_group": post("open_group",
                               {"in_reply_to_id": ids_of["open_group"]},
                               text="matrix group reply"),
            "private_group": post("private_group",
                                  {"in_reply_to_id":
                                   ids_of["private_group"]},
                                  text="matrix group reply"),
        }

        def expect(reader, kinds):
            return {k for k in kinds if can(reader, k)}

        def kinds_in(id_list):
            return {kind_of[i] for i in id_list if i in kind_of}

        for reader in READERS:
            # 1. A status by id, and its context.
            for kind in KINDS:
                want = 200 if can(reader, kind) else 404
                r = api("GET", "/api/v1/statuses/%s" % ids_of[kind], reader)
                t.status(r, want, "%s: GET status (%s)" % (reader, kind))
                r = api("GET", "/api/v1/statuses/%s/context" % ids_of[kind],
                        reader)
                t.status(r, want, "%s: GET context (%s)" % (reader, kind))
            r = api("GET", "/api/v1/statuses/%s/context" % root, reader)
            got = {i for i in (s["id"] for s in r.json()["descendants"])}
            want = {replies[k] for k in replies if can(reader, k)}
            t.is_(got, want, "%s: a public thread's replies are exactly the "
                  "visible ones" % reader)
            for k, rid in group_reply.items():
                r = api("GET", "/api/v1/statuses/%s/context" % rid, reader)
                if can(reader, k):
                    anc = [s["id"] for s in r.json()["ancestors"]]
                    t.is_(anc, [ids_of[k]], "%s: a %s reply's context shows "
                          "its parent" % (reader, k))
                else:
                    t.status(r, 404, "%s: a %s reply's context is hidden"
                             % (reader, k))

            # 2. Timelines.
            home = ids(api("GET", "/api/v1/timelines/home?limit=40", reader))
            home_want = {
                "author": set(KINDS),
                "follower": {"public", "unlisted", "private"},
                "mentioned": {"public", "unlisted", "private", "direct"},
                "member": {"open_group", "private_group"},
                "other": set(),
                "admin": set(),
            }[reader]
            t.is_(kinds_in(home), home_want, "%s: home holds exactly what it "
                  "should" % reader)
            t.ok(kinds_in(home) <= expect(reader, KINDS),
                 "%s: home holds nothing unreadable" % reader)

            company = ids(api("GET", "/api/v1/timelines/public?limit=40",
                              reader))
            t.is_(kinds_in(company), {"public"},
                  "%s: the company stream lists only the public post" % reader)

            tag = ids(api("GET", "/api/v1/timelines/tag/MatrixTag?limit=40",
                          reader))
            t.is_(kinds_in(tag), expect(reader, ["public", "open_group",
                                                 "private_group"]),
                  "%s: the hashtag stream lists public and readable group "
                  "posts" % reader)

            r = api("GET", "/api/v1/timelines/group/%s" % open_g, reader)
            t.is_(kinds_in(ids(r) or []), {"open_group"},
                  "%s: the open group's stream" % reader)
            r = api("GET", "/api/v1/timelines/group/%s" % priv_g, reader)
            if can(reader, "private_group"):
                t.is_(kinds_in(ids(r)), {"private_group"},
                      "%s: the private group's stream" % reader)
            else:
                t.status(r, 404, "%s: the private group's stream is hidden"
                         % reader)

            prof = ids(api("GET", "/api/v1/accounts/%s/statuses?limit=40"
                           % me["author"], reader))
            t.is_(kinds_in(prof), expect(reader, KINDS),
                  "%s: the author's profile stream is exactly the readable "
                  "posts" % reader)

            # 3. Search.
            r = api("GET", "/api/v2/search?type=statuses&limit=40&q=matrixword",
                    reader)
            got = kinds_in(s["id"] for s in r.json()["statuses"])
            t.is_(got, expect(reader, KINDS), "%s: search finds exactly the "
                  "readable posts" % reader)

            # 4. Favourites.
            for kind in KINDS:
                want = 200 if can(reader, kind) else 404
                r = api("POST", "/api/v1/statuses/%s/favourite"
                        % ids_of[kind], reader)
                t.status(r, want, "%s: favourite (%s)" % (reader, kind))
                r = api("GET", "/api/v1/statuses/%s/favourited_by"
                        % ids_of[kind], reader)
                t.status(r, want, "%s: favourited_by (%s)" % (reader, kind))

            # 5. Groups themselves.
            r = api("GET", "/api/v1/groups/%s" % priv_g, reader)
            t.status(r, 200 if can(reader, "private_group") else 404,
                     "%s: the private group itself" % reader)
            r = api("GET", "/api/v1/groups", reader)
            listed = {g["id"] for g in r.json()}
            t.is_(priv_g in listed, can(reader, "private_group"),
                  "%s: the private group is listed only to members" % reader)
            r = api("GET", "/api/v1/groups/%s/members" % priv_g, reader)
            t.status(r, 200 if can(reader, "private_group") else 404,
                     "%s: the private group's members" % reader)

        # 6. Notifications: the mentioned person hears of every mention they
        # may read, and of nothing else; no notification shows a hidden post.
        for reader in READERS:
            r = api("GET", "/api/v1/notifications?limit=80", reader)
            t.status(r, 200, "%s: notifications" % reader)
            shown = {n["status"]["id"] for n in r.json() if n.get("status")}
            t.ok(all(api("GET", "/api/v1/statuses/%s" % i, reader).status
                     == 200 for i in shown),
                 "%s: every notified post is readable" % reader)
        r = api("GET", "/api/v1/notifications?types[]=mention&limit=80",
                "mentioned")
        kinds = kinds_in(n["status"]["id"] for n in r.json())
        t.is_(kinds, expect("mentioned", KINDS), "mentioned: notified of "
              "exactly the mentions they may read")

        # 7. Counts: a private group's posts are not counted where others
        # can see the count.
        a = api("GET", "/api/v1/accounts/%s" % me["author"], "other").json()
        visible_posts = len(ids_of) + 1 + len(replies) + len(group_reply)
        hidden = 2      # the private group post and its reply
        t.is_(a["statuses_count"], visible_posts - hidden,
              "the author's statuses_count leaves out private group posts")

        # 8. Anonymous: nothing at all.
        for path in ["/api/v1/statuses/%s" % ids_of["public"],
                     "/api/v1/timelines/public", "/api/v1/timelines/home",
                     "/api/v1/timelines/tag/matrixtag",
                     "/api/v1/accounts/%s/statuses" % me["author"],
                     "/api/v2/search?q=matrixword",
                     "/api/v1/groups/%s" % open_g,
                     "/api/v1/timelines/group/%s" % open_g,
                     "/api/v1/statuses/%s/context" % ids_of["public"]]:
            r = api("GET", path, None)
            t.status(r, 401, "anonymous: %s is 401" % urllib.parse.unquote(
                path))

        # 9. Hashtags exist for a reader only where a post they may read
        # carries them: a tag used only in one kind of post, looked up
        # and searched for by each reader.
        for kind in KINDS:
            post(kind, text="#only%s @mentioned" % kind.replace("_", ""))
        for reader in READERS:
            for kind in KINDS:
                name = "only" + kind.replace("_", "")
                r = api("GET", "/api/v1/tags/%s" % name, reader)
                t.status(r, 200 if can(reader, kind) else 404,
                         "%s: the tag used only in a %s post" % (reader, kind))
                r = api("GET", "/api/v2/search?type=hashtags&q=%s" % name,
                        reader)
                names = [x["name"] for x in r.json()["hashtags"]]
                t.is_(name in names, can(reader, kind), "%s: hashtag search "
                      "finds the %s-only tag exactly when readable"
                      % (reader, kind))

        # 10. A reply count shows only replies every reader of the parent
        # may read (public and unlisted, as Mastodon counts): the public
        # root has one reply of each kind.
        for reader in READERS:
            r = api("GET", "/api/v1/statuses/%s" % root, reader)
            t.is_(r.json()["replies_count"], 2, "%s: the public root's "
                  "replies_count counts its public and unlisted replies, "
                  "not the private and direct ones" % reader)
        d = api("DELETE", "/api/v1/statuses/%s" % replies["direct"], "author")
        t.status(d, 200, "the direct reply is deleted")
        d = api("DELETE", "/api/v1/statuses/%s" % replies["public"], "author")
        t.status(d, 200, "the public reply is deleted")
        r = api("GET", "/api/v1/statuses/%s" % root, "other")
        t.is_(r.json()["replies_count"], 1, "deleting them takes off only "
              "the counted one")


h.main(body)
