#!/bin/sh
# cold.sh: the cold-start curve. Starts hearthd on a generated company (see
# social.sh's BENCH_DATA and gen-company.c) and, from the moment it answers
# /healthz, runs wrk -t1 -c50 in back-to-back 10-s windows for two minutes
# against the home page (or the home API) of random signed-in people; prints
# req/s, p99, errors and hearthd's CPU time per request for each window. With
# BEFORE set it measures that binary too, alternately, in the same sitting
# (the machine's load drifts; alternating keeps the comparison fair).
#
# Environment:
#   COMPANY=DIR         a company: DIR/db (hearth.db) and DIR/tokens.txt
#                       ("uid api_token session" a line), e.g. social.sh's
#                       BENCH_DATA; never changed beyond what hearthd writes
#   HEARTHD             the binary to measure ("after"; else this build's)
#   BEFORE=PATH         another hearthd to measure first, alternately
#   COMPANY_BEFORE=DIR  its company (default COMPANY; a copy when the
#                       two binaries' schemas differ: a newer one migrates)
#   LABEL_BEFORE LABEL_AFTER   names in the output (default before, after)
#   ROUNDS=1            alternations
#   WINDOWS=12          10-s windows per run (12: two minutes)
#   WINDOW=10s          each window
#   MODE=page|home      the home page's HTML or GET /api/v1/timelines/home
#   DROP=0|1            1: drop the OS page cache before each start (root)
#   THREADS=1           hearthd loop threads
#   EXTRA_CONF="k = v"  more hearth.conf lines
#   EXTRA_CONF_BEFORE   the same for BEFORE (default EXTRA_CONF)
#   PORT                hearthd's port (default: a free one); the same
#                       across runs keeps base_url, so saved cards are used
set -eu
. "$(dirname "$0")/common.sh"

: "${COMPANY:?set COMPANY to a generated company (see tests/bench/README.md)}"
ROUNDS=${ROUNDS:-1}
WINDOWS=${WINDOWS:-12}
WINDOW=${WINDOW:-10s}
MODE=${MODE:-page}
DROP=${DROP:-0}
THREADS=${THREADS:-1}
[ -f "$COMPANY/db/hearth.db" ] || die "$COMPANY/db/hearth.db: no company there"
[ -s "$COMPANY/tokens.txt" ] || die "$COMPANY/tokens.txt: missing"
bench_need hearthd

# PORT: the same one across runs, so a start finds the cards the last one
# saved (card-save.c reads back only what the same config rendered)
port=${PORT:-$(free_port)}
# conf_for COMPANY EXTRA: a hearth.conf for that company; prints its path.
conf_for() {
	conf=$bench_tmp/hearth-$(echo "$1$2" | cksum | cut -d' ' -f1).conf
	cat >"$conf" <<CONF
listen = 127.0.0.1:$port
data_dir = $1/db
base_url = http://127.0.0.1:$port
web_dir = $HEARTH_WEB
threads = $THREADS
log_level = warn
synchronous = full
$2
CONF
	echo "$conf"
}

# cache_state: warm the OS page cache with the database, or drop it.
cache_state() {
	if [ "$DROP" = 1 ]; then
		sync
		echo 3 >/proc/sys/vm/drop_caches || die "drop_caches needs root"
	else
		cat "$1"/db/hearth.db* >/dev/null
	fi
}

# curve LABEL BINARY COMPANY EXTRA_CONF: one run from a fresh start.
curve() {
	label=$1 bin=$2 company=$3
	conf=$(conf_for "$company" "$4")
	cache_state "$company"
	t0=$(date +%s.%N)
	"$bin" -c "$conf" 2>>"$bench_tmp/hearthd.log" &
	pid=$!
	bench_pids="$bench_pids $pid"
	wait_ready "$port"
	t1=$(date +%s.%N)
	printf '%s: %s, cache %s, /healthz after %.2f s\n' "$label" "$bin" \
	    "$([ "$DROP" = 1 ] && echo dropped || echo warm)" \
	    "$(echo "$t1 - $t0" | bc)"
	printf '  %-6s %8s %8s %8s %7s %11s\n' "t (s)" "req/s" "p50 ms" "p99 ms" \
	    errors "CPU ms/req"
	w=0 all_req=0 all_ticks=0
	secs=${WINDOW%s}
	while [ $w -lt "$WINDOWS" ]; do
		c0=$(cpu_ticks "$pid")
		BENCH_TOKENS=$company/tokens.txt BENCH_MODE=$MODE \
		    timeout $((secs + 30)) wrk -t1 -c50 -d"$WINDOW" \
		    -s "$bench_dir/social.lua" "http://127.0.0.1:$port" \
		    >"$bench_tmp/wrk.out" 2>&1 || true
		c1=$(cpu_ticks "$pid")
		line=$(sed -n 's/^RESULT //p' "$bench_tmp/wrk.out")
		[ -n "$line" ] || { cat "$bench_tmp/wrk.out" >&2; die "wrk printed no summary"; }
		echo "$line" | awk -v t=$(( (w + 1) * secs )) -v ticks=$((c1 - c0)) \
		    -v hz="$clk_tck" -v s="$secs" '{
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			n = v["req/s"] * s
			printf "  %-6s %8s %8s %8s %7s %11.2f\n", t, v["req/s"],
			    v["p50_ms"], v["p99_ms"], v["errors"],
			    (n > 0 ? ticks * 1000 / hz / n : 0) }'
		w=$((w + 1))
	done
	t0=$(date +%s.%N)
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	printf '  stopped in %.2f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"
	bench_pids=$(echo "$bench_pids" | sed "s/ $pid//")
}

echo "cold start: $MODE, wrk -t1 -c50, $WINDOWS x $WINDOW windows, threads=$THREADS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
r=0
while [ $r -lt "$ROUNDS" ]; do
	[ -n "${BEFORE:-}" ] && curve "${LABEL_BEFORE:-before}" "$BEFORE" \
	    "${COMPANY_BEFORE:-$COMPANY}" "${EXTRA_CONF_BEFORE:-${EXTRA_CONF:-}}"
	curve "${LABEL_AFTER:-after}" "$HEARTHD" "$COMPANY" "${EXTRA_CONF:-}"
	r=$((r + 1))
done
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
