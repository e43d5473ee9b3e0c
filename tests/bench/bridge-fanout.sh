#!/bin/sh
# bridge-fanout.sh: one approved post to FOLLOWERS (1,000) follower inboxes
# on HOSTS (200) servers, and the internal home page's p99 while it goes
# out. bridge-sink fakes the servers on SINK_NET.1 .. SINK_NET.HOSTS
# (127.0.100.x, one port: the bridge counts each address:port as a host)
# and verifies every delivery as a strict peer would (draft-cavage
# signature with the author's key, fetched once from hearthd's public
# listener; Digest; Date; the key's owner is the activity's actor).
#
# The followers (FOLLOWERS / HOSTS on each server, each with an inbox of
# its own) are written into the bridge's tables with SQLite before hearthd
# starts, as accepted Follows would have left them (bridge-inbox.sh times
# the Follows themselves). With SHARED=1 they also name their server's
# shared inbox, and the post goes to each server once (HOSTS deliveries).
#
# The company is a generated one (gen-company.c): SIZE=small is generated
# here (1,000 people, 50,000 posts); COMPANY=DIR copies DIR/db/hearth.db
# (SQLite's backup, so DIR is left as it was, even with a hearthd on it)
# and DIR/tokens.txt, e.g. COMPANY=/root/bench-company for the full size
# social.sh uses. The author is the first person who is not an admin, the
# desk is the first admin; the author opts in with hearthctl bridge enable.
#
# Each fanout: POST /api/v1/statuses (share_outside=1) as the author, then
# POST /api/v1/admin/bridge/queue/ID/approve as the desk; the time is from
# the approve's answer to the sink's last verified delivery of that Create
# (the sink's clock and this script's are the same machine's).
#   1. RUNS fanouts alone, one after the other;
#   2. ROUNDS rounds of, for each mode: the home page alone (wrk -t1
#      -cCONNS -dDURATION on GET / with the session cookies of random
#      people; saturated, or paced: PACE_MS between requests on each
#      connection, as in login-p99.sh), then the same while fanouts run
#      back to back for the whole wrk run (each timed too). The two halves
#      of a round run back to back, so that on a busy machine their ratio
#      means more than either figure.
# At the end every delivery must be 'delivered' in the database, and the
# sink must have refused none and seen none twice.
#
# The sink runs at nice 19 (SINK_NICE): it stands for 200 servers that in
# life are other machines, and on a small machine its verifying would
# otherwise take the CPU from the loop whose p99 is being measured.
#
# Environment (defaults in brackets):
#   RUNS [3]            fanouts alone
#   ROUNDS [3]          rounds of the home page alone, then during fanouts
#   FOLLOWERS [1000] HOSTS [200] SHARED [0]
#   SIZE [small] COMPANY (see above)
#   THREADS             hearthd loop threads [cores minus one, at least one,
#                       as social.sh: wrk needs a core]
#   CONNS [50] DURATION [10s] PACE_MS [20]
#   MODES ["saturated paced"]  (MODES= : the fanouts alone only)
#   PERF_DIR            if set, hearthd is recorded by perf record -g during
#                       the fanouts alone: PERF_DIR/fanout.data
#   SINK_NET BRIDGE_SO BRIDGE_SINK: see bridge-common.sh
#   HEARTHD HEARTHCTL GEN_COMPANY HEARTH_BUILDDIR: see common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
: "${FOLLOWERS:=1000}" "${HOSTS:=200}"
ACTORS=$(( (FOLLOWERS + HOSTS - 1) / HOSTS ))
: "${SINK_NICE:=19}"
. "$bench_dir/bridge-common.sh"

cores=$(nproc 2>/dev/null || echo 2)
: "${RUNS:=3}" "${ROUNDS:=3}" "${SHARED:=0}" "${SIZE:=small}" "${CONNS:=50}"
: "${DURATION:=10s}" "${PACE_MS:=20}"
MODES=${MODES-saturated paced}
: "${THREADS:=$(( cores > 1 ? cores - 1 : 1 ))}"
[ $((FOLLOWERS % HOSTS)) -eq 0 ] || die "FOLLOWERS must be a multiple of HOSTS"
secs=${DURATION%s}

bench_need hearthd hearthctl
bridge_need
if [ "$SHARED" = 1 ]; then
	start_sink -s
	expect=$HOSTS
else
	start_sink
	expect=$FOLLOWERS
fi

# The company.
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
	echo "copying the company in $COMPANY..." >&2
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

# The author (first non-admin) and the desk (first admin), with tokens.
set -- $("$PYTHON3" - "$data/db/hearth.db" "$data/tokens.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tok = {l.split()[0]: l.split()[1] for l in open(sys.argv[2]) if l.strip()}
desk = db.execute("SELECT id, username FROM users WHERE role = 1 AND "
                  "disabled = 0 ORDER BY id LIMIT 1").fetchone()
author = db.execute("SELECT id, username FROM users WHERE role = 0 AND "
                    "disabled = 0 ORDER BY id LIMIT 1").fetchone()
print(author[1], tok[str(author[0])], desk[1], tok[str(desk[0])])
PY
)
author=$1 author_tok=$2 desk_tok=$4
"$HEARTHCTL" -c "$conf" bridge enable "$author" >/dev/null \
    2>>"$bench_tmp/hearthctl.log" || die "hearthctl bridge enable $author failed"

# The followers, as accepted Follows leave them (remote.c, inbox.c).
"$PYTHON3" - "$data/db/hearth.db" "$author" "$SINK_NET" "$sink_port" \
    "$HOSTS" "$ACTORS" "$SHARED" "$bench_tmp/sink-key.pem.pub" <<'PY'
import sqlite3, sys, time
path, author, net, port, hosts, actors, shared, pubfile = sys.argv[1:]
port, hosts, actors, shared = int(port), int(hosts), int(actors), shared == "1"
pem = open(pubfile).read()
db = sqlite3.connect(path, timeout=60)
uid = db.execute("SELECT id FROM users WHERE username = ?", (author,)).fetchone()[0]
now = int(time.time())
for h in range(1, hosts + 1):
    server = "http://%s.%d:%d" % (net, h, port)
    for k in range(actors):
        actor = "%s/users/u%d" % (server, k)
        si = server + "/inbox" if shared else None
        db.execute("INSERT INTO bridge_remote_actors (id, key_id, public_key, "
                   "inbox, shared_inbox, username, host, fetched_at) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?)", (actor, actor + "#main-key",
                   pem, actor + "/inbox", si, "u%d" % k,
                   "%s.%d:%d" % (net, h, port), now))
        db.execute("INSERT INTO bridge_followers (user_id, actor, inbox, "
                   "shared_inbox, follow_id, state, created_at) VALUES "
                   "(?, ?, ?, ?, ?, 'accepted', ?)", (uid, actor,
                   actor + "/inbox", si, actor + "/follows/bench", now))
db.commit()
PY

start_hearthd "$conf" "$port"
hearth_pid=$started_pid
base=http://127.0.0.1:$port

# Warm up as social.sh does: every person's home page rendered once.
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

# The fanout driver: fanouts one after the other until COUNT are done or
# the time UNTIL (seconds since the epoch) has come; a line each:
#   FANOUT post seconds first_seconds delivered
cat >"$bench_tmp/fanout.py" <<'PY'
import json, sys, time, urllib.parse, urllib.request
port, author, atok, dtok, sink, pub, expect, count, until = sys.argv[1:]
expect, count, until = int(expect), int(count), float(until)
def call(method, path, tok, body=None, base="http://127.0.0.1:" + port,
         timeout=60):
    data = urllib.parse.urlencode(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + tok})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())
n = 0
while n < count and time.time() < until:
    n += 1
    post = call("POST", "/api/v1/statuses", atok, {
        "status": "Fanout %d of the bridge benchmark: a post for the "
                  "outside, with #bench and a [link](https://example.com)."
                  % n, "visibility": "public", "share_outside": "1"})["id"]
    st = call("POST", "/api/v1/admin/bridge/queue/%s/approve" % post, dtok, {})
    t0 = time.time()
    if st.get("state") != "approved":
        sys.exit("post %s: not approved: %r" % (post, st))
    act = "%s/users/%s/statuses/%s/activity" % (pub, author, post)
    w = call("GET", "/_wait?" + urllib.parse.urlencode({"key": "a:" + act,
             "n": expect, "timeout": 300}), "", base=sink, timeout=310)
    if w["n"] != expect:
        sys.exit("post %s: the sink has %d deliveries of %d after 300 s"
                 % (post, w["n"], expect))
    print("FANOUT %s %.3f %.3f %d" % (post, w["last"] - t0, w["first"] - t0,
                                      w["n"]), flush=True)
PY
fanout() {	# COUNT UNTIL
	"$PYTHON3" "$bench_tmp/fanout.py" "$port" "$author" "$author_tok" \
	    "$desk_tok" "http://$SINK_NET.1:$sink_port" "$pub" "$expect" "$1" "$2"
}

# home MODE: one wrk run on the home page; prints report.lua's fields.
home() {
	case $1 in
	saturated) pace= ;;
	paced) pace=$PACE_MS ;;
	*) die "unknown mode $1" ;;
	esac
	BENCH_TOKENS=$data/tokens.txt BENCH_PACE_MS=$pace timeout $((secs + 30)) \
	    wrk -t1 -c"$CONNS" -d"$DURATION" --latency \
	    -s "$bench_dir/bridge-home.lua" "$base/" >"$bench_tmp/wrk-$1.out" 2>&1 ||
	    { cat "$bench_tmp/wrk-$1.out" >&2; die "wrk failed"; }
	sed -n 's/^BENCH //p' "$bench_tmp/wrk-$1.out"
}

echo "# bridge-fanout: $(date -u +%Y-%m-%dT%H:%MZ), nproc $cores, load" \
    "$(cut -d' ' -f1-3 /proc/loadavg), hearthd threads $THREADS; company:" \
    "$company; $FOLLOWERS followers on $HOSTS hosts," \
    "$([ "$SHARED" = 1 ] && echo "shared inboxes: $expect deliveries" ||
    echo "an inbox each: $expect deliveries"); wrk -t1 -c$CONNS -d$DURATION"

perf_pid=
if [ -n "${PERF_DIR:-}" ]; then
	perf record -q -g -p "$hearth_pid" -o "$PERF_DIR/fanout.data" 2>/dev/null &
	perf_pid=$!
	sleep 0.5
fi
c0=$(cpu_ticks "$hearth_pid")
s0=$(cpu_ticks "$sink_pid")
fanout "$RUNS" 4e9 >"$bench_tmp/alone" || die "a fanout failed"
c1=$(cpu_ticks "$hearth_pid")
s1=$(cpu_ticks "$sink_pid")
if [ -n "$perf_pid" ]; then
	kill -INT "$perf_pid"
	wait "$perf_pid" || true
fi
cpu_each=$(awk -v t="$((c1 - c0))" -v hz="$clk_tck" -v n="$RUNS" \
    -v d="$expect" 'BEGIN { printf "%.2f", t / hz * 1000 / (n * d) }')
sink_each=$(awk -v t="$((s1 - s0))" -v hz="$clk_tck" -v n="$RUNS" \
    -v d="$expect" 'BEGIN { printf "%.3f", t / hz * 1000 / (n * d) }')

# Rounds of: the home page alone, then the same while fanouts run; back to
# back, so that both halves of a round see the same machine.
: >"$bench_tmp/home"
: >"$bench_tmp/during"
r=1
while [ $r -le "$ROUNDS" ]; do
	for m in $MODES; do
		set -- $(home "$m")
		echo "$r alone $m $*" >>"$bench_tmp/home"
		until=$("$PYTHON3" -c 'import sys, time; print(time.time() + float(sys.argv[1]))' "$secs")
		home "$m" >"$bench_tmp/home-$m" &
		wrk_pid=$!
		sleep 0.2
		fanout 1000 "$until" >"$bench_tmp/during-$m" || die "a fanout failed"
		wait "$wrk_pid" || die "wrk failed"
		set -- $(cat "$bench_tmp/home-$m")
		echo "$r during $m $*" >>"$bench_tmp/home"
		sed "s/^FANOUT/$r $m/" "$bench_tmp/during-$m" >>"$bench_tmp/during"
	done
	r=$((r + 1))
done

# Everything delivered, once, and verified.
set -- $("$PYTHON3" - "$data/db/hearth.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
print(*db.execute("SELECT count(*), coalesce(sum(state = 'delivered'), 0) "
                  "FROM bridge_deliveries d JOIN bridge_activities a ON "
                  "a.id = d.activity_id WHERE a.type = 'Create'").fetchone())
PY
)
stats=$(sink_get /_stats)

echo
echo "fanouts alone (seconds from the approve's answer to the last delivery):"
awk '{ printf "  post %s: %d delivered, all in %.2f s (first after %.3f s)\n", $2, $5, $3, $4 }' "$bench_tmp/alone"
echo "  median $(awk '{ print $3 }' "$bench_tmp/alone" | median) s;" \
    "CPU a delivery: hearthd $cpu_each ms, the sink $sink_each ms"
if [ -s "$bench_tmp/during" ]; then
	echo "fanouts while the home page was loaded (round, mode):"
	awk '{ printf "  %s %-9s post %s: %d delivered, all in %.2f s\n", $1, $2, $3, $6, $4 }' "$bench_tmp/during"
	for m in $MODES; do
		echo "  median, $m: $(awk -v m="$m" '$2 == m { print $4 }' "$bench_tmp/during" | median) s"
	done
	echo
	printf '%-5s %-7s %-9s %9s %8s %8s %8s %6s\n' round home mode req/s \
	    p50_ms p99_ms max_ms errors
	while read -r round phase m rps p50 p99 max n err; do
		printf '%-5s %-7s %-9s %9.0f %8.2f %8.2f %8.2f %6s\n' "$round" \
		    "$phase" "$m" "$rps" "$p50" "$p99" "$max" "$err"
	done <"$bench_tmp/home"
	echo
	echo "home page p99, medians of $ROUNDS rounds:"
	for m in $MODES; do
		a=$(awk -v m="$m" '$2 == "alone" && $3 == m { print $6 }' "$bench_tmp/home" | median)
		d=$(awk -v m="$m" '$2 == "during" && $3 == m { print $6 }' "$bench_tmp/home" | median)
		x=$(awk -v m="$m" '$3 == m { if ($2 == "alone") a[$1] = $6; else d[$1] = $6 }
		    END { for (r in a) if (a[r] > 0) print d[r] / a[r] }' "$bench_tmp/home" | median)
		printf '  %-9s alone %7.2f ms, during fanouts %7.2f ms (x%.2f: the median of the rounds'"'"' ratios)\n' \
		    "$m" "$a" "$d" "$x"
	done
fi
echo
echo "deliveries of the Creates: $2 of $1 delivered; sink: $stats"
[ "$1" -eq "$2" ] || die "not every delivery was delivered"
echo "$stats" | "$PYTHON3" -c 'import sys, json
s = json.load(sys.stdin)
sys.exit(1 if s["failed"] or s["dups"] else 0)' ||
    die "the sink refused or saw twice some deliveries"
errors=$(awk '{ n += $9 } END { print n + 0 }' "$bench_tmp/home")
[ "$errors" -eq 0 ] || die "wrk reported $errors errors"
