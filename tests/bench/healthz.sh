#!/bin/sh
# healthz.sh: GET /healthz throughput of hearthd against a bare libevent
# server (tests/bench/hello) with the same threading model and thread count,
# both measured in the same run with wrk -t1 -cCONNS -dDURATION --latency.
# Target: hearthd at least 70% of the bare figure.
#
# Usage: tests/bench/healthz.sh   (from a configured build dir)
# Environment (defaults in brackets):
#   THREADS [2]     loop threads of both servers
#   CONNS [50]      wrk connections
#   DURATION [10s]  each measurement
#   WARMUP [2s]     an unmeasured run against each server first
#   RUNS [1]        measurements per server, alternating which goes first;
#                   the summary shows the median
#   KEEPALIVE [1]   0: every request on a new connection (Connection: close),
#                   which measures accepting rather than answering
#   HEARTHD HEARTHCTL HELLO HEARTH_BUILDDIR: see tests/bench/common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

: "${THREADS:=2}" "${CONNS:=50}" "${DURATION:=10s}" "${WARMUP:=2s}" "${RUNS:=1}"
: "${KEEPALIVE:=1}"

# wrk_run, with a new connection per request when KEEPALIVE=0.
wrk_hz() {
	if [ "$KEEPALIVE" = 0 ]; then
		wrk_run "$@" -H "Connection: close"
	else
		wrk_run "$@"
	fi
}

bench_need hearthd hello

hello_port=$(free_port)
start_hello "$hello_port" "$THREADS"
hello_pid=$started_pid
hearth_port=$(free_port)
conf=$(write_conf hearthd "$hearth_port" "$THREADS")
start_hearthd "$conf" "$hearth_port"
hearth_pid=$started_pid

load=$(cut -d" " -f1 /proc/loadavg)
echo "# healthz: $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), load $load," \
    "threads $THREADS, wrk -t1 -c$CONNS -d$DURATION, $RUNS run(s)," \
    "keep-alive $KEEPALIVE"
if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
	wrk_hz "http://127.0.0.1:$hello_port/healthz" "$CONNS" "$WARMUP" >/dev/null
	wrk_hz "http://127.0.0.1:$hearth_port/healthz" "$CONNS" "$WARMUP" >/dev/null
fi

printf '%-4s %-8s %10s %9s %9s %9s %9s %7s\n' run server req/s p50_ms p99_ms \
    max_ms cpu_us/req errors
: >"$bench_tmp/results"
run=1
while [ $run -le "$RUNS" ]; do
	if [ $((run % 2)) -eq 1 ]; then order="hello hearthd"; else order="hearthd hello"; fi
	for s in $order; do
		if [ "$s" = hello ]; then
			port=$hello_port pid=$hello_pid
		else
			port=$hearth_port pid=$hearth_pid
		fi
		t0=$(cpu_ticks "$pid")
		set -- $(wrk_hz "http://127.0.0.1:$port/healthz" "$CONNS" "$DURATION")
		t1=$(cpu_ticks "$pid")
		# server CPU per request: steadier than req/s on a busy machine
		cpu=$(awk -v t="$((t1 - t0))" -v hz="$clk_tck" -v n="$5" \
		    'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')
		printf '%-4s %-8s %10.0f %9.2f %9.2f %9.2f %9s %7s\n' "$run" "$s" \
		    "$1" "$2" "$3" "$4" "$cpu" "$6"
		echo "$s $1 $3 $6 $cpu $run" >>"$bench_tmp/results"
	done
	run=$((run + 1))
done

bare_rps=$(awk '$1 == "hello" { print $2 }' "$bench_tmp/results" | median)
bare_p99=$(awk '$1 == "hello" { print $3 }' "$bench_tmp/results" | median)
hearth_rps=$(awk '$1 == "hearthd" { print $2 }' "$bench_tmp/results" | median)
hearth_p99=$(awk '$1 == "hearthd" { print $3 }' "$bench_tmp/results" | median)
bare_cpu=$(awk '$1 == "hello" { print $5 }' "$bench_tmp/results" | median)
hearth_cpu=$(awk '$1 == "hearthd" { print $5 }' "$bench_tmp/results" | median)
errors=$(awk '{ n += $4 } END { print n + 0 }' "$bench_tmp/results")
pct=$(awk -v a="$hearth_rps" -v b="$bare_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
# The two servers of one run were measured back to back: their ratio is
# less at the mercy of whatever else the machine is doing than the medians.
pair_pct=$(awk '{ v[$6, $1] = $2 } $1 == "hello" { runs[$6] = 1 }
    END { for (r in runs) printf "%.1f\n", 100 * v[r, "hearthd"] / v[r, "hello"] }' \
    "$bench_tmp/results" | median | awk '{ printf "%.1f", $1 }')
cpu_pct=$(awk -v a="$hearth_cpu" -v b="$bare_cpu" 'BEGIN { printf "%.1f", 100 * b / a }')

echo
printf '%-22s %10s %9s %11s\n' "median of $RUNS" req/s p99_ms cpu_us/req
printf '%-22s %10.0f %9.2f %11s\n' "bare libevent (hello)" "$bare_rps" \
    "$bare_p99" "$bare_cpu"
printf '%-22s %10.0f %9.2f %11s\n' hearthd "$hearth_rps" "$hearth_p99" \
    "$hearth_cpu"
printf 'hearthd / bare: %s%% of req/s (target >= 70%%)\n' "$pct"
printf '  median of the per-run ratios: %s%%\n' "$pair_pct"
printf '  bare CPU per request / hearthd CPU per request: %s%%\n' "$cpu_pct"
[ "$errors" -eq 0 ] || { echo "wrk reported $errors errors" >&2; exit 1; }
awk -v p="$pct" 'BEGIN { exit !(p >= 70) }' || { echo "below target" >&2; exit 1; }
