#!/bin/sh
# login-p99.sh: page latency while sign-ins run. Password checks (argon2id,
# ~20 ms of CPU each) run on hearthd's worker threads, never on the event
# loops, so pages should stay fast while many people sign in at once.
#
# It measures GET /healthz and GET /login (a rendered page, with a fresh CSRF
# cookie each time) with wrk -t1 -cCONNS, first alone and then while
# tests/bench/login-load.py keeps LOGINS real sign-ins going at once (each a
# fresh cookie jar: GET /login, then POST /login with the right password and
# CSRF token, expecting 303 and a session cookie). The login rate limits are
# raised in the config so that nothing is refused with 429.
#
# Two ways of loading the pages, both with CONNS connections:
#   saturated  every connection sends its next request as soon as the last
#              is answered (plain wrk): the p99 there is mostly queueing, and
#              it grows with whatever else takes the CPU, sign-ins included.
#   paced      every connection waits PACE_MS between requests (a steady
#              load well below saturation): the p99 shows stalls of the loop.
#
# Usage: tests/bench/login-p99.sh   (from a configured build dir)
# Environment (defaults in brackets):
#   THREADS [2]      hearthd loop threads
#   WORKERS [0]      hearthd password workers (0: one per core)
#   CONNS [50]       wrk connections
#   LOGINS [50]      sign-ins kept going at once
#   DURATION [10s]   each measurement
#   WARMUP [2s]      unmeasured wrk run against each page first
#   MODES ["saturated paced"]
#   PACE_MS [20]     the wait between requests in paced mode
#   SYNCHRONOUS      hearthd's synchronous setting (default: its own, full)
#   WRONG_PASSWORD   1: the sign-ins use a wrong password (401): the same
#                    argon2id work on the workers but no session written, to
#                    tell the cost of hashing from the cost of the write
#   HEARTHD HEARTHCTL HEARTH_BUILDDIR: see tests/bench/common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

: "${THREADS:=2}" "${WORKERS:=0}" "${CONNS:=50}" "${LOGINS:=50}"
: "${DURATION:=10s}" "${WARMUP:=2s}" "${MODES:=saturated paced}" "${PACE_MS:=20}"

bench_need hearthd hearthctl
wrong=
[ "${WRONG_PASSWORD:-0}" = 1 ] && wrong=1
kind=$([ -n "$wrong" ] && echo "wrong-password" || echo "successful")

port=$(free_port)
set -- "workers = $WORKERS" "login_ip_limit = 1000000" \
    "login_account_limit = 100000" "login_window = 1s"
[ -n "${SYNCHRONOUS:-}" ] && set -- "$@" "synchronous = $SYNCHRONOUS"
conf=$(write_conf hearthd "$port" "$THREADS" "$@")
mkdir -p "$bench_tmp/hearthd/data"
password=bench-password-$$
printf '%s\n' "$password" >"$bench_tmp/password"
"$HEARTHCTL" -c "$conf" user add bench --password-stdin \
    <"$bench_tmp/password" >/dev/null || die "hearthctl user add failed"
start_hearthd "$conf" "$port"
hearth_pid=$started_pid

base=http://127.0.0.1:$port
pages="/healthz /login"

load=$(cut -d" " -f1 /proc/loadavg)
echo "# login-p99: $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), load $load," \
    "threads $THREADS, workers $WORKERS, synchronous ${SYNCHRONOUS:-default}," \
    "wrk -t1 -c$CONNS -d$DURATION, $LOGINS $kind sign-ins at once, paced" \
    "mode ${PACE_MS} ms between requests"
if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
	for p in $pages; do
		wrk_run "$base$p" "$CONNS" "$WARMUP" >/dev/null
	done
fi

: >"$bench_tmp/results"
# measure_phase PHASE: every mode, every page; one line each in results.
measure_phase() {
	phase=$1
	for m in $MODES; do
		case $m in
		saturated) pace= ;;
		paced) pace=$PACE_MS ;;
		*) die "unknown mode $m" ;;
		esac
		for p in $pages; do
			set -- $(BENCH_PACE_MS=$pace wrk_run "$base$p" "$CONNS" "$DURATION")
			echo "$m $p $phase $1 $2 $3 $4 $6" >>"$bench_tmp/results"
		done
	done
}

# 1. Pages alone.
measure_phase alone

# 2. Pages while LOGINS sign-ins run.
"$PYTHON3" "$bench_dir/login-load.py" --port "$port" --user bench \
    --password-file "$bench_tmp/password" --concurrency "$LOGINS" \
    --ramp 10 --duration 600 ${wrong:+--wrong-password} \
    >"$bench_tmp/logins.out" 2>"$bench_tmp/logins.err" &
load_pid=$!
bench_pids="$load_pid $bench_pids"
i=0
until grep -q '^ready' "$bench_tmp/logins.out" 2>/dev/null; do
	if ! kill -0 "$load_pid" 2>/dev/null; then
		cat "$bench_tmp/logins.err" >&2
		die "login-load.py died"
	fi
	[ $i -lt 300 ] || die "login-load.py did not get going"
	sleep 0.1
	i=$((i + 1))
done
t0=$(cpu_ticks "$hearth_pid")
measure_phase "+$LOGINS-logins"
t1=$(cpu_ticks "$hearth_pid")
kill -TERM "$load_pid"
load_rc=0
wait "$load_pid" || load_rc=$?
summary=$(tail -n 1 "$bench_tmp/logins.out")

echo
printf '%-9s %-8s %-16s %9s %8s %8s %8s %6s\n' mode page load req/s p50_ms \
    p99_ms max_ms errors
sort -s -k1,1r -k2,2 "$bench_tmp/results" | while read -r m p phase rps p50 p99 max err; do
	printf '%-9s %-8s %-16s %9.0f %8.2f %8.2f %8.2f %6s\n' "$m" "$p" \
	    "$phase" "$rps" "$p50" "$p99" "$max" "$err"
done
echo
echo "sign-ins while pages were measured: $summary"
awk -v t="$((t1 - t0))" -v hz="$clk_tck" 'BEGIN {
    printf "hearthd CPU during that phase: %.1f s\n", t / hz }'
echo
echo "p99 with sign-ins / p99 alone:"
for m in $MODES; do
	for p in $pages; do
		awk -v m="$m" -v p="$p" '$1 == m && $2 == p {
		    if ($3 == "alone") a = $6; else b = $6 }
		    END { printf "  %-9s %-8s %6.2f ms -> %6.2f ms (x%.2f)\n",
		    m, p, a, b, (a > 0 ? b / a : 0) }' "$bench_tmp/results"
	done
done

errors=$(awk '{ n += $8 } END { print n + 0 }' "$bench_tmp/results")
[ "$errors" -eq 0 ] || { echo "wrk reported $errors errors" >&2; exit 1; }
if [ "$load_rc" -ne 0 ]; then
	cat "$bench_tmp/logins.err" >&2
	echo "some sign-ins failed (see the failures above)" >&2
	exit 1
fi
