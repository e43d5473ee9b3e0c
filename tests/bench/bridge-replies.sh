#!/bin/sh
# bridge-replies.sh: the inbound side of the bridge under load (part 2).
# One shared and approved post of a generated company's person; then:
#   1. ROUNDS rounds of: the internal home page alone (wrk -t1 -cCONNS,
#      paced PACE_MS between requests on each connection, as bridge-
#      fanout.sh's paced mode), then the same while bridge-sink floods the
#      shared inbox with REPLIES signed replies to the shared post, from
#      HOSTS x ACTORS actors, as fast as SEND_CONNS connections go. Each
#      reply is verified, sanitised and kept as an outside post by an
#      outside account, and notifies the author: the activities a second
#      stored, and the home page's p99 alone and during the flood.
#   2. Then the shared post, with ROUNDS x REPLIES outside replies: its
#      thread page (web), its context (API), and the author's notifications
#      (web and API), SAMPLES requests each, one at a time: p50, p99 and the
#      answer's size.
# At the end every reply must be an outside post, once.
#
# Environment (defaults in brackets):
#   ROUNDS [2] REPLIES [10000] SAMPLES [50]
#   SIZE [small] (1,000 people, 50,000 posts) or COMPANY=DIR, as
#                    bridge-fanout.sh
#   THREADS [cores minus one] CONNS [50] DURATION [10s] PACE_MS [20]
#   SEND_CONNS [20]  the flood's connections
#   HOSTS ACTORS SINK_NET BRIDGE_SO BRIDGE_SINK: see bridge-common.sh
#   HEARTHD HEARTHCTL GEN_COMPANY HEARTH_BUILDDIR: see common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
: "${SINK_NICE:=19}"	# the sender stands for other machines, as in fanout
. "$bench_dir/bridge-common.sh"

cores=$(nproc 2>/dev/null || echo 2)
: "${ROUNDS:=2}" "${REPLIES:=10000}" "${SAMPLES:=50}" "${SIZE:=small}"
: "${CONNS:=50}" "${DURATION:=10s}" "${PACE_MS:=20}" "${SEND_CONNS:=20}"
: "${THREADS:=$(( cores > 1 ? cores - 1 : 1 ))}"
secs=${DURATION%s}

bench_need hearthd hearthctl
bridge_need
start_sink

data=$bench_tmp/company
mkdir -p "$data/db"
port=$(free_port)
pport=$(free_port)
pub=http://127.0.0.1:$pport
conf=$data/hearth.conf
{
	echo "listen = 127.0.0.1:$port"
	echo "data_dir = $data/db"
	echo "base_url = http://127.0.0.1:$port"
	echo "web_dir = $HEARTH_WEB"
	echo "threads = $THREADS"
	echo "log_level = warn"
	echo "synchronous = full"
	bridge_conf_lines "$pport"
} >"$conf"
if [ -n "${COMPANY:-}" ]; then
	[ -s "$COMPANY/db/hearth.db" ] && [ -s "$COMPANY/tokens.txt" ] ||
	    die "COMPANY=$COMPANY has no db/hearth.db and tokens.txt"
	"$PYTHON3" - "$COMPANY/db/hearth.db" "$data/db/hearth.db" <<'PY' ||
import sqlite3, sys
src = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=60)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst, pages=65536)
dst.execute("PRAGMA journal_mode = wal")
dst.close()
PY
	    die "cannot copy $COMPANY/db/hearth.db"
	cp "$COMPANY/tokens.txt" "$data/tokens.txt"
	company="$COMPANY (copied)"
else
	company_size "$SIZE"
	if [ -z "${GEN_COMPANY:-}" ]; then
		make -C "$HEARTH_BUILDDIR" -s tests/bench/gen-company >&2 || die "build failed"
		GEN_COMPANY=$HEARTH_BUILDDIR/tests/bench/gen-company
	fi
	echo "generating a $SIZE company ($people people, $posts posts)..." >&2
	"$GEN_COMPANY" -c "$conf" -p "$people" -n "$posts" -g "$groups" \
	    -t "$data/tokens.txt" >/dev/null 2>&1 || die "gen-company failed"
	company="generated, $SIZE"
fi

# The author (first non-admin, with a session and a token) and the desk.
set -- $("$PYTHON3" - "$data/db/hearth.db" "$data/tokens.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tok = {l.split()[0]: l.split()[1:] for l in open(sys.argv[2]) if l.strip()}
desk = db.execute("SELECT id FROM users WHERE role = 1 AND disabled = 0 "
                  "ORDER BY id LIMIT 1").fetchone()
author = db.execute("SELECT id, username FROM users WHERE role = 0 AND "
                    "disabled = 0 ORDER BY id LIMIT 1").fetchone()
print(author[1], tok[str(author[0])][0], tok[str(author[0])][1],
      tok[str(desk[0])][0])
PY
)
author=$1 author_tok=$2 author_ses=$3 desk_tok=$4
"$HEARTHCTL" -c "$conf" bridge enable "$author" >/dev/null \
    2>>"$bench_tmp/hearthctl.log" || die "hearthctl bridge enable $author failed"

start_hearthd "$conf" "$port"
hearth_pid=$started_pid
base=http://127.0.0.1:$port

echo "warming up: one home page per person..." >&2
"$PYTHON3" - "$port" "$data/tokens.txt" <<'PY'
import sys, http.client, threading
port = int(sys.argv[1])
people = [l.split()[2] for l in open(sys.argv[2]) if len(l.split()) >= 3]
def work(part):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for ses in part:
        c.request("GET", "/", headers={"Cookie": "hearth_session=" + ses})
        c.getresponse().read()
ts = [threading.Thread(target=work, args=(people[i::8],)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
PY

# The shared post, approved.
post=$("$PYTHON3" - "$port" "$author_tok" "$desk_tok" <<'PY'
import json, sys, urllib.parse, urllib.request
port, atok, dtok = sys.argv[1:]
def call(path, tok, body):
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path),
                                 data=urllib.parse.urlencode(body).encode(),
                                 headers={"Authorization": "Bearer " + tok})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())
pid = call("/api/v1/statuses", atok, {"status": "What should we build "
           "next? Tell us. #bench", "share_outside": "1"})["id"]
if call("/api/v1/admin/bridge/queue/%s/approve" % pid, dtok,
        {}).get("state") != "approved":
    sys.exit("not approved")
print(pid)
PY
) || die "sharing the post failed"
note=$pub/users/$author/statuses/$post

home() {	# one paced wrk run on the home page: report.lua's fields
	BENCH_TOKENS=$data/tokens.txt BENCH_PACE_MS=$PACE_MS \
	    timeout $((secs + 30)) wrk -t1 -c"$CONNS" -d"$DURATION" --latency \
	    -s "$bench_dir/bridge-home.lua" "$base/" >"$bench_tmp/wrk.out" 2>&1 ||
	    { cat "$bench_tmp/wrk.out" >&2; die "wrk failed"; }
	sed -n 's/^BENCH //p' "$bench_tmp/wrk.out"
}

outside_posts() {
	"$PYTHON3" - "$data/db/hearth.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=60)
print(db.execute("SELECT count(*) FROM posts WHERE outside_uri IS NOT "
                 "NULL").fetchone()[0])
PY
}

echo "# bridge-replies: $(date -u +%Y-%m-%dT%H:%MZ), nproc $cores, load" \
    "$(cut -d' ' -f1-3 /proc/loadavg), hearthd threads $THREADS; company:" \
    "$company; $REPLIES replies a round from $((HOSTS * ACTORS)) actors on" \
    "$HOSTS hosts over $SEND_CONNS connections; wrk -t1 -c$CONNS -d$DURATION" \
    "paced $PACE_MS ms"

: >"$bench_tmp/rounds"
r=1
while [ $r -le "$ROUNDS" ]; do
	set -- $(home)
	alone_p99=$3 alone_rps=$1
	home >"$bench_tmp/home-during" &
	wrk_pid=$!
	sleep 0.3
	"$BRIDGE_SINK" send -k "$bench_tmp/sink-key.pem" -p "$sink_port" \
	    -n "$SINK_NET" -H "$HOSTS" -a "$ACTORS" -t "$pub" -u "$author" \
	    -K create -N "$REPLIES" -o $(( (r - 1) * REPLIES )) \
	    -c "$SEND_CONNS" -T "r$r" -r "$note" >"$bench_tmp/send.out" \
	    2>"$bench_tmp/send.err" ||
	    { cat "$bench_tmp/send.err" "$bench_tmp/send.out" >&2; die "the flood failed"; }
	wait "$wrk_pid" || die "wrk failed"
	set -- $(cat "$bench_tmp/home-during")
	during_p99=$3 during_rps=$1
	set -- $(sed -n 's/^SEND //p' "$bench_tmp/send.out")
	echo "$r $1 $2 $3 $4 $alone_rps $alone_p99 $during_rps $during_p99" \
	    >>"$bench_tmp/rounds"
	r=$((r + 1))
done

want=$((ROUNDS * REPLIES))
i=0
while [ "$(outside_posts)" -lt "$want" ] && [ $i -lt 120 ]; do
	sleep 1
	i=$((i + 1))
done
got=$(outside_posts)

# The thread and the notifications, with every reply in.
"$PYTHON3" - "$port" "$author" "$post" "$author_tok" "$author_ses" \
    "$SAMPLES" >"$bench_tmp/reads" <<'PY'
import http.client, sys, time
port, author, post, tok, ses, n = sys.argv[1:]
n = int(n)
reads = [
    ("thread page (web)", "/@%s/%s" % (author, post), "cookie"),
    ("context (API)", "/api/v1/statuses/%s/context" % post, "token"),
    ("notifications (web)", "/notifications", "cookie"),
    ("notifications (API, 40)", "/api/v1/notifications?limit=40", "token"),
]
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
for name, path, how in reads:
    h = {"Cookie": "hearth_session=" + ses} if how == "cookie" else \
        {"Authorization": "Bearer " + tok}
    times, size, status = [], 0, 0
    for _ in range(n):
        t0 = time.perf_counter()
        c.request("GET", path, headers=h)
        r = c.getresponse()
        body = r.read()
        times.append((time.perf_counter() - t0) * 1000)
        size, status = len(body), r.status
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print("%s|%s|%d|%.2f|%.2f|%d" % (name, path, status, p(0.5), p(0.99),
                                     size))
PY

echo
printf '%-5s %8s %6s %8s %10s   %-22s %-22s\n' round sent ok seconds \
    "stored/s" "home alone req/s p99" "home during req/s p99"
while read -r rd n ok s ps arps ap99 drps dp99; do
	printf '%-5s %8s %6s %8.2f %10.0f   %9.0f %8.2f ms  %9.0f %8.2f ms\n' \
	    "$rd" "$n" "$ok" "$s" "$ps" "$arps" "$ap99" "$drps" "$dp99"
done <"$bench_tmp/rounds"
echo "  medians: $(awk '{ print $5 }' "$bench_tmp/rounds" | median) replies" \
    "stored a second; home p99 alone $(awk '{ print $7 }' "$bench_tmp/rounds" |
    median) ms, during the flood $(awk '{ print $9 }' "$bench_tmp/rounds" |
    median) ms"
echo
echo "with $got outside replies under the shared post (of $want sent):"
printf '  %-26s %7s %9s %9s %10s\n' read status p50_ms p99_ms bytes
while IFS='|' read -r name path st p50 p99 size; do
	printf '  %-26s %7s %9s %9s %10s\n' "$name" "$st" "$p50" "$p99" "$size"
done <"$bench_tmp/reads"
[ "$got" -eq "$want" ] || die "$got outside posts, expected $want"
