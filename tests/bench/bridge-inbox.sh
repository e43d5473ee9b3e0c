#!/bin/sh
# bridge-inbox.sh: signed activities a second that the bridge's inboxes
# verify and store. bridge-sink fakes HOSTS (200) fediverse servers on
# SINK_NET.1 .. (127.0.100.x), ACTORS (5) actors each, all with one RSA-2048
# key pair, and serves their actor documents; `bridge-sink send` signs
# every activity first (draft-cavage, rsa-sha256, (request-target) host
# date digest, as Mastodon signs), then sends them over CONNS keep-alive
# connections to hearthd's public listener and times them. Each activity
# has an id of its own, so none is dropped as seen before.
#
# Each run is a fresh hearthd (fresh data dir; USERS employees opted in,
# bridge.approval = desk) and three phases, each timed alone:
#   follow-new   one Follow from each of the HOSTS x ACTORS actors (1,000),
#                all never seen: every one fetches the actor's key from the
#                sink (a signed GET) before it is verified
#   follow       FOLLOWS (5,000) Follows from the same actors (keys cached)
#                of other employees: each verified, its follower row and an
#                Accept (activity and delivery rows) written and answered 202
#   create       CREATES (10,000) Create(Note) to the shared inbox: verified
#                and its id recorded (part 1 of the bridge keeps no remote
#                posts; part 2 will)
# Between phases it waits until the sink has every Accept the Follows
# caused (verified against the employees' keys), so that one phase's
# deliveries do not run into the next; the time they took after the phase
# ended is reported too. Then it checks the rows: one follower per Follow,
# one bridge_seen per activity, one remote actor per actor.
#
# Environment (defaults in brackets):
#   RUNS [3]         runs, each with a fresh hearthd
#   THREADS          hearthd loop threads [cores minus one, at least one:
#                    the sender takes a core, as wrk does in social.sh]
#   CONNS [50]       connections of the sender
#   USERS [10]       employees opted in (Follows go to e2.., round robin)
#   FOLLOWS [5000] CREATES [10000]
#   PERF_DIR         if set, hearthd is recorded by perf record -g in
#                    each phase: PERF_DIR/inbox-RUN-PHASE.data
#   HOSTS ACTORS SINK_NET BRIDGE_SO BRIDGE_SINK: see bridge-common.sh
#   HEARTHD HEARTHCTL HEARTH_BUILDDIR: see common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
. "$bench_dir/bridge-common.sh"

cores=$(nproc 2>/dev/null || echo 2)
: "${RUNS:=3}" "${CONNS:=50}" "${USERS:=10}" "${FOLLOWS:=5000}" "${CREATES:=10000}"
: "${THREADS:=$(( cores > 1 ? cores - 1 : 1 ))}"
nact=$((HOSTS * ACTORS))
[ "$USERS" -ge 2 ] || die "USERS must be at least 2"
[ "$FOLLOWS" -le $(( (USERS - 1) * nact )) ] ||
    die "FOLLOWS must be at most (USERS - 1) x HOSTS x ACTORS, one Follow a pair"

bench_need hearthd hearthctl
bridge_need
start_sink

users=
i=1
while [ $i -le "$USERS" ]; do
	users="$users${users:+,}e$i"
	i=$((i + 1))
done
# The warm Follows go to e2..: e1 has the cold ones.
warm_users=${users#e1,}

echo "# bridge-inbox: $(date -u +%Y-%m-%dT%H:%MZ), nproc $cores, load" \
    "$(cut -d' ' -f1-3 /proc/loadavg), hearthd threads $THREADS," \
    "$CONNS connections, $HOSTS hosts x $ACTORS actors, $USERS employees"
: >"$bench_tmp/results"

# phase RUN NAME KIND COUNT FIRST USERS: one timed send; a line in results:
# run phase count ok seconds per_second p50 p99 max cpu_ms_each accepts_s
phase() {
	run=$1 name=$2 kind=$3 count=$4 first=$5 to=$6
	accepts_before=$(sink_get /_stats | "$PYTHON3" -c 'import sys, json
print(json.load(sys.stdin)["types"].get("Accept", 0))')
	perf_pid=
	if [ -n "${PERF_DIR:-}" ]; then
		perf record -q -g -p "$hearth_pid" -o "$PERF_DIR/inbox-$run-$name.data" \
		    2>/dev/null &
		perf_pid=$!
		sleep 0.5
	fi
	c0=$(cpu_ticks "$hearth_pid")
	"$BRIDGE_SINK" send -k "$bench_tmp/sink-key.pem" -p "$sink_port" \
	    -n "$SINK_NET" -H "$HOSTS" -a "$ACTORS" -t "$pub" -u "$to" \
	    -K "$kind" -N "$count" -o "$first" -c "$CONNS" -T "r$run-$$" \
	    >"$bench_tmp/send.out" 2>"$bench_tmp/send.err" ||
	    { cat "$bench_tmp/send.err" "$bench_tmp/send.out" >&2;
	      tail -n 20 "$bench_tmp/run$run/hearthd.log" >&2;
	      die "$name: not every activity was answered 202"; }
	c1=$(cpu_ticks "$hearth_pid")
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid" || true
	fi
	t_end=$("$PYTHON3" -c 'import time; print(time.time())')
	# Every Follow is answered with an Accept: wait for them all.
	acc=-
	if [ "$kind" = follow ]; then
		want=$((accepts_before + count))
		last=$(sink_get "/_wait?key=t:Accept&n=$want&timeout=300" 310)
		got=$(echo "$last" | json_field n)
		[ "$got" -eq "$want" ] || die "$name: the sink has $got Accepts, not $want"
		acc=$(echo "$last" | "$PYTHON3" -c 'import sys, json
print("%.2f" % max(0.0, json.load(sys.stdin)["last"] - float(sys.argv[1])))' "$t_end")
	fi
	set -- $(sed -n 's/^SEND //p' "$bench_tmp/send.out")
	awk -v t="$((c1 - c0))" -v hz="$clk_tck" -v n="$1" 'BEGIN {
	    printf "%.3f\n", t / hz * 1000 / n }' >"$bench_tmp/cpu"
	echo "$run $name $1 $2 $3 $4 $5 $6 $7 $(cat "$bench_tmp/cpu") $acc" >>"$bench_tmp/results"
	printf '  run %s %-12s %6d in %6.2f s: %7.0f/s, p50 %6.2f ms, p99 %7.2f ms, hearthd CPU %.3f ms each%s\n' \
	    "$run" "$name" "$1" "$3" "$4" "$5" "$6" "$(cat "$bench_tmp/cpu")" \
	    "$([ "$acc" = - ] || echo ", Accepts all in +$acc s")"
}

run=1
while [ $run -le "$RUNS" ]; do
	port=$(free_port)
	pport=$(free_port)
	pub=http://127.0.0.1:$pport
	conf=$(write_conf "run$run" "$port" "$THREADS" \
	    "$(bridge_conf_lines "$pport")")
	mkdir -p "$bench_tmp/run$run/data"
	i=1
	while [ $i -le "$USERS" ]; do
		echo "bench-password-$$" | "$HEARTHCTL" -c "$conf" user add "e$i" \
		    --password-stdin >/dev/null 2>>"$bench_tmp/hearthctl.log" ||
		    die "hearthctl user add failed"
		"$HEARTHCTL" -c "$conf" bridge enable "e$i" >/dev/null \
		    2>>"$bench_tmp/hearthctl.log" ||
		    die "hearthctl bridge enable failed"
		i=$((i + 1))
	done
	start_hearthd "$conf" "$port"
	hearth_pid=$started_pid
	"$PYTHON3" -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"", method="POST"), timeout=10).read()' \
	    "http://$SINK_NET.1:$sink_port/_reset"

	phase "$run" follow-new follow "$nact" 0 e1
	phase "$run" follow follow "$FOLLOWS" "$nact" "$warm_users"
	phase "$run" create create "$CREATES" 0 "$users"

	# What was stored: a follower per Follow, a seen id per activity.
	rows=$("$PYTHON3" - "$bench_tmp/run$run/data/hearth.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
q = lambda s: db.execute(s).fetchone()[0]
print(q("SELECT count(*) FROM bridge_followers WHERE state = 'accepted'"),
      q("SELECT count(*) FROM bridge_seen"),
      q("SELECT count(*) FROM bridge_remote_actors"),
      q("SELECT count(*) FROM bridge_deliveries WHERE state = 'delivered'"))
PY
)
	set -- $rows
	want_f=$((nact + FOLLOWS))
	want_s=$((nact + FOLLOWS + CREATES))
	echo "  run $run rows: $1 followers (want $want_f), $2 seen (want $want_s)," \
	    "$3 remote actors (want $nact), $4 Accepts delivered"
	[ "$1" -eq "$want_f" ] && [ "$2" -eq "$want_s" ] && [ "$3" -eq "$nact" ] &&
	    [ "$4" -eq "$want_f" ] || die "run $run: the rows are not what was sent"
	stats=$(sink_get /_stats)
	echo "$stats" | "$PYTHON3" -c 'import sys, json
s = json.load(sys.stdin)
sys.exit(1 if s["failed"] or s["dups"] else 0)' ||
	    die "run $run: the sink refused or saw twice some deliveries: $stats"

	kill "$hearth_pid"
	wait "$hearth_pid" 2>/dev/null || true
	bench_pids=$(echo "$bench_pids" | sed "s/ $hearth_pid\b//")
	run=$((run + 1))
done

echo
echo "medians of $RUNS runs (hearthd threads $THREADS, $CONNS connections):"
printf '%-12s %8s %10s %9s %9s %14s %10s\n' phase count "per second" p50_ms \
    p99_ms "CPU/activity" "Accepts in"
for p in follow-new follow create; do
	m() { awk -v p="$p" -v f="$1" '$2 == p { print $f }' "$bench_tmp/results" | median; }
	printf '%-12s %8s %10s %9s %9s %11s ms %10s\n' "$p" "$(m 3)" "$(m 6)" \
	    "$(m 7)" "$(m 8)" "$(m 10)" \
	    "$([ "$p" = create ] && echo - || echo "+$(m 11) s")"
done
