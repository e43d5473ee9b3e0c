#!/usr/bin/env python3
"""mixed.py: the writing half of mixed.sh's load, and its report.

  mixed.py schedule DB TOKENS COUNT OUT [ALL_EVERY]
      COUNT posts for `mixload post`, one "TOKEN BODY" line each (BODY
      form-encoded for POST /api/v1/statuses): random people of the company
      (uniform), writing as people at work do: 8-30 words with some
      **bold**, hashtags (a third), mentions of people they follow (a
      quarter), a fifth in one of their groups (never the company-wide
      group), one in seven a reply to a recent post of someone they follow
      (or, in a group, to its newest post), and every visibility (public
      most, followers-only, unlisted, direct with a mention). With
      ALL_EVERY > 0, every ALL_EVERY-th post goes to the company-wide group
      (groups.default: everyone, so every stream). Seeded: a run is
      repeatable.

  mixed.py report DB TOKENS STREAMS POSTS_LOG ARRIVALS_LOG
      Joins what `mixload post` and `mixload streams` recorded with whom each
      post should have reached (its home-feed fan-out, as post.c's
      post_fanout: the author; a group post's members, else the followers
      unless direct, and the people it mentions; the followers of its
      hashtags if everyone may read it), among the people with a stream.
      Prints the figures; exits 1 if a post failed, a stream was lost, or a
      delivery is missing.

Only the standard library.
"""
import random
import sqlite3
import sys
import urllib.parse

WORDS = ("release customer review meeting design launch team quarter roadmap "
         "feedback office coffee lunch deploy incident metrics hiring "
         "onboarding budget workshop demo prototype research interview "
         "security database latency migration planning retro sprint travel "
         "conference training policy update question idea thanks congrats "
         "welcome weekly report draft proposal contract partner support "
         "ticket holiday").split()
TAGS = ("engineering coffee welcome release security hiring design research "
        "sales support kudos til oncall product data ux devops travel "
        "learning wellbeing").split()


def db_open(path):
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=60)


def tokens_of(path):
    out = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                out.append((int(p[0]), p[1]))
    return out


def company_group(db):
    row = db.execute("SELECT g.id FROM groups g WHERE g.members_count = "
                     "(SELECT max(members_count) FROM groups) AND "
                     "g.members_count >= (SELECT count(*) FROM users) * 0.9"
                     ).fetchone()
    return row[0] if row else 0


def schedule(dbpath, tokpath, count, outpath, all_every):
    rnd = random.Random(22)
    db = db_open(dbpath)
    toks = tokens_of(tokpath)
    names = dict(db.execute("SELECT id, username FROM users"))
    everyone = company_group(db)
    follows = {}
    for a, b in db.execute("SELECT follower_id, followee_id FROM follows"):
        follows.setdefault(a, []).append(b)
    groups = {}
    for g, u in db.execute("SELECT group_id, user_id FROM group_members "
                           "WHERE group_id != ?", (everyone,)):
        groups.setdefault(u, []).append(g)
    # The newest post of each person (outside groups, public or unlisted)
    # and of each group: what replies answer.
    newest = dict(db.execute(
        "SELECT author_id, max(id) FROM posts WHERE group_id IS NULL AND "
        "visibility <= 1 GROUP BY author_id"))
    newest_in = dict(db.execute(
        "SELECT group_id, max(id) FROM posts WHERE group_id IS NOT NULL "
        "GROUP BY group_id"))
    out = open(outpath, "w")
    for i in range(count):
        uid, tok = toks[rnd.randrange(len(toks))]
        fol = follows.get(uid, [])
        words = []
        for j in range(rnd.randint(8, 30)):
            w = rnd.choice(WORDS)
            if j == 0:
                w = w.capitalize()
            elif rnd.randrange(12) == 0:
                w = "**%s**" % w
            words.append(w)
        text = " ".join(words) + "."
        p = {"visibility": "public"}
        mentions = []
        r = rnd.random()
        if r < 0.25 and fol:
            mentions.append(rnd.choice(fol))
            if r < 0.05:
                mentions.append(rnd.choice(fol))
        v = rnd.random()
        if all_every and i % all_every == all_every - 1 and everyone:
            p["group_id"] = str(everyone)
            text = "Company-wide: " + text
        elif v < 0.20 and groups.get(uid):
            g = rnd.choice(groups[uid])
            p["group_id"] = str(g)
            if rnd.random() < 0.3 and g in newest_in:
                p["in_reply_to_id"] = str(newest_in[g])
        else:
            if rnd.random() < 0.15 and fol:
                parent = newest.get(rnd.choice(fol))
                if parent:
                    p["in_reply_to_id"] = str(parent)
            if v < 0.30:
                p["visibility"] = "private"
            elif v < 0.35:
                p["visibility"] = "unlisted"
            elif v < 0.38 and fol:
                p["visibility"] = "direct"
                if not mentions:
                    mentions.append(rnd.choice(fol))
        if mentions:
            text = " ".join("@" + names[m] for m in mentions) + " " + text
        t = rnd.random()
        if t < 0.33:
            text += " #" + rnd.choice(TAGS)
            if t < 0.08:
                text += " #" + rnd.choice(TAGS)
        p["status"] = text
        out.write("%s %s\n" % (tok, urllib.parse.urlencode(p)))
    out.close()


def pct(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(q / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def ms(ns):
    return "%.1f" % (ns / 1e6)


def report(dbpath, tokpath, nstreams, postlog, arrlog):
    db = db_open(dbpath)
    streams = set(u for u, _ in tokens_of(tokpath)[:nstreams])
    posts = []
    for line in open(postlog):
        p = line.split()
        if p[0] == "P":
            posts.append(dict(i=int(p[1]), status=int(p[2]), id=int(p[3]),
                              due=int(p[4]), sent=int(p[5]), ack=int(p[6])))
    arr = {}
    summary = None
    for line in open(arrlog):
        p = line.split()
        if p[0] == "A":
            arr.setdefault(int(p[1]), {})
            d = arr[int(p[1])]
            u, t = int(p[2]), int(p[3])
            if u not in d or t < d[u]:
                d[u] = t
        elif p[0] == "L":
            summary = [int(x) for x in p[1:]]
    failed = [p for p in posts if p["status"] != 200]
    ok = [p for p in posts if p["status"] == 200 and p["id"]]
    span = (max(p["sent"] for p in ok) - min(p["sent"] for p in ok)) / 1e9 \
        if len(ok) > 1 else 0
    late = [p["sent"] - p["due"] for p in posts if p["sent"]]
    print("posts      %d sent, %d answered 200 (%.1f/s), %d failed; sent "
          "after their time: p99 %s ms, max %s ms" % (
              len(posts), len(ok), len(ok) / span if span else 0,
              len(failed), ms(pct(late, 99)), ms(max(late) if late else 0)))
    acks = [p["ack"] - p["sent"] for p in ok]
    print("post ack   p50 %s ms, p99 %s ms, max %s ms (from the request's "
          "sending to the answer's arrival)" % (
              ms(pct(acks, 50)), ms(pct(acks, 99)), ms(max(acks))))
    planned = (posts[-1]["due"] - posts[0]["due"]) / 1e9 if posts else 0
    behind = pct(late, 99) > 1e9 or (span and planned and
                                     span > planned * 1.1)
    if behind:
        print("RATE NOT KEPT: hearthd answered %.1f posts/s of the %.1f "
              "planned; posts waited for a free connection (at most %d "
              "in flight)" % (len(ok) / span if span else 0,
                              (len(posts) - 1) / planned if planned else 0,
                              256))

    tagf = db.execute("SELECT count(*) FROM tag_follows").fetchone()[0]
    last, first, every, fan, big, everyone = [], [], [], [], [], []
    last_sent = []
    missing = expected_n = extra = 0
    nall = db.execute("SELECT count(*) FROM users").fetchone()[0]
    for p in ok:
        row = db.execute("SELECT author_id, group_id, visibility FROM posts "
                         "WHERE id = ?", (p["id"],)).fetchone()
        if row is None:
            print("post %d is not in the database" % p["id"])
            missing += 1
            continue
        author, group, vis = row
        want = {author}
        if group:
            want.update(u for (u,) in db.execute(
                "SELECT user_id FROM group_members WHERE group_id = ?",
                (group,)))
        else:
            if vis < 3:
                want.update(u for (u,) in db.execute(
                    "SELECT follower_id FROM follows WHERE followee_id = ?",
                    (author,)))
            want.update(u for (u,) in db.execute(
                "SELECT user_id FROM mentions WHERE post_id = ?",
                (p["id"],)))
        if tagf and vis <= 1:
            want.update(u for (u,) in db.execute(
                "SELECT f.user_id FROM tag_follows f JOIN post_tags t ON "
                "t.tag_id = f.tag_id WHERE t.post_id = ?", (p["id"],)))
        want &= streams
        got = arr.get(p["id"], {})
        expected_n += len(want)
        lost = want - set(got)
        missing += len(lost)
        extra += len(set(got) - want)
        if not want:
            continue
        fan.append(len(want))
        times = [got[u] - p["ack"] for u in want if u in got]
        every.extend(times)
        if times and not lost:
            last.append(max(times))
            first.append(min(times))
            last_sent.append(max(times) + p["ack"] - p["sent"])
            if len(want) >= 1000:
                big.append(max(times))
            if group and len(want) >= nall * 0.9:
                everyone.append(max(times))
    print("fan-out    %d posts reached %d streams (mean %.0f a post, max %d; "
          "%.0f deliveries/s)" % (len(fan), expected_n,
                                  expected_n / max(1, len(fan)),
                                  max(fan) if fan else 0,
                                  expected_n / span if span else 0))
    print("delivery   from the answer to the post's arrival on the LAST of "
          "its streams: p50 %s ms, p99 %s ms, max %s ms" % (
              ms(pct(last, 50)), ms(pct(last, 99)),
              ms(max(last) if last else 0)))
    print("delivery   from the post's sending to its arrival on the last "
          "of its streams: p50 %s ms, p99 %s ms" % (
              ms(pct(last_sent, 50)), ms(pct(last_sent, 99))))
    print("delivery   on the first of its streams: p50 %s ms, p99 %s ms; "
          "every arrival: p50 %s ms, p99 %s ms" % (
              ms(pct(first, 50)), ms(pct(first, 99)), ms(pct(every, 50)),
              ms(pct(every, 99))))
    if big:
        print("delivery   last stream, posts to 1,000 or more streams (%d): "
              "p50 %s ms, p99 %s ms, max %s ms" % (
                  len(big), ms(pct(big, 50)), ms(pct(big, 99)),
                  ms(max(big))))
    if everyone:
        print("delivery   last (%dth) stream, company-wide posts (%d): p50 %s "
              "ms, p99 %s ms, max %s ms" % (
                  len(streams), len(everyone), ms(pct(everyone, 50)),
                  ms(pct(everyone, 99)), ms(max(everyone))))
    lostn = summary[1] if summary else -1
    print("errors     %d posts failed, %d deliveries missing of %d, %d "
          "unexpected; streams: %s open at the end, %s lost" % (
              len(failed), missing, expected_n, extra,
              summary[0] if summary else "?", lostn))
    bad = failed or missing or lostn != 0 or not summary
    return 1 if bad else 0


def main():
    a = sys.argv
    if len(a) >= 6 and a[1] == "schedule":
        schedule(a[2], a[3], int(a[4]), a[5], int(a[6]) if len(a) > 6 else 0)
        return 0
    if len(a) == 7 and a[1] == "report":
        return report(a[2], a[3], int(a[4]), a[5], a[6])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
