#!/bin/sh
# mixed.sh: the home page under a mixed load (issue 22, point 2). One
# hearthd (THREADS loops, default 1) on a copy of a generated company;
# STREAMS (10,000) idle user streams of as many different people; then
#   1. the home page alone: wrk -t1 -c50 -dRUN, GET / signed in as random
#      people (bridge-home.lua), with the streams open and idle;
#   2. the same while posts are written at RATE (100) a second, open loop
#      (each at its time, whatever the ones before did), through the API as
#      random people with mentions, hashtags, groups, replies and every
#      visibility (mixed.py schedule), and fan out to the streams;
#   3. (WRITES_ALONE=1, the default) the same writes without the page load,
#      for what the writes and their fan-out cost alone.
# It reports the page's req/s and p99 in both, each post's answer time
# (p50, p99), and the time from a post's answer to its arrival on the last
# of the streams it should reach (p50, p99), with every post checked
# against its fan-out (mixed.py report); then errors: failed posts, lost
# streams, missing deliveries, wrk errors, each making the exit status 1.
#
# Clients: tests/bench/mixload (C, libevent) holds the streams and posts;
# arrival and answer times are the kernel's receive timestamps
# (SO_TIMESTAMPNS), so a client waiting for a CPU does not add to them.
# On 2 cores, hearthd's threads, wrk, the poster and the stream holder
# share the cores: wrk and the poster run at normal priority (wrk is the
# measurement, the poster must keep its schedule), the stream holder at
# nice STREAMS_NICE (10): it only reads, and its timestamps do not depend
# on when it runs. Nothing is pinned.
#
# Environment (defaults in brackets):
#   COMPANY [a full company generated in the scratch dir]  a company dir
#       as social.sh's BENCH_DATA keeps it (db/hearth.db, tokens.txt, size):
#       generated there (SIZE) if it has none, then COPIED for the run
#       (SQLite's backup), so DIR never changes
#   SIZE [full]  full: 10,000 people, 1M posts; small: 1,000, 50,000;
#       100k: 100,000 people, 10M posts; PEOPLE, POSTS, GROUP_COUNT
#       override (common.sh's company_size)
#   RUN [60s]  each wrk run, and the write load's length
#   RATE [100]  posts a second;  STREAMS [10000] (at most the people)
#   ALL_EVERY [0]  every ALL_EVERY-th post goes to the company-wide group,
#       so reaches every stream (0: none)
#   THREADS [1]  hearthd loops;  CONNS [50]  wrk connections
#   WARM [1]  read every person's home timeline and page first (as
#       social.sh: a running server has them warm); 0 skips it
#   SETTLE [5]  seconds after the last answer for deliveries to arrive
#   WRITES_ALONE [1]  phase 3
#   STREAMS_NICE [10]
#   PERF_DIR  if set, hearthd is recorded by perf record -g for the first
#       10 s of the write load: PERF_DIR/mixed.data; PERF_PHASE [with-page]
#       or alone says which; PERF_CALLS [-g] how stacks are recorded
#       (--call-graph dwarf,16384 for a build without frame pointers)
#   HEARTHD HEARTHCTL MIXLOAD GEN_COMPANY HEARTH_BUILDDIR: see common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

: "${RUN:=60s}" "${RATE:=100}" "${STREAMS:=10000}" "${THREADS:=1}"
: "${CONNS:=50}" "${WARM:=1}" "${SETTLE:=5}" "${STREAMS_NICE:=10}"
: "${ALL_EVERY:=0}" "${SIZE:=full}" "${WRITES_ALONE:=1}"
secs=${RUN%s}

# Each stream is a descriptor in mixload and one in hearthd.
ulimit -n $((STREAMS + 4096)) 2>/dev/null ||
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((STREAMS + 1024)) ] ||
    die "ulimit -n is $(ulimit -n): too few descriptors for $STREAMS streams"

bench_need hearthd hearthctl
for b in MIXLOAD:mixload GEN_COMPANY:gen-company; do
	var=${b%%:*} bin=${b#*:}
	eval "val=\${$var:-}"
	if [ -z "$val" ]; then
		make -C "$HEARTH_BUILDDIR" -s "tests/bench/$bin" >&2 || die "build failed"
		eval "$var=\$HEARTH_BUILDDIR/tests/bench/\$bin"
	fi
done

# The company: generated once into COMPANY (or the scratch dir), kept
# there as social.sh keeps BENCH_DATA, and copied for the run.
src=${COMPANY:-$bench_tmp/company}
if [ ! -s "$src/db/hearth.db" ] || [ ! -s "$src/tokens.txt" ]; then
	company_size "$SIZE"
	mkdir -p "$src/db"
	printf 'listen = 127.0.0.1:1\ndata_dir = %s/db\nbase_url = %s\nweb_dir = %s\n' \
	    "$src" http://127.0.0.1:1 "$HEARTH_WEB" >"$src/gen.conf"
	echo "generating a $SIZE company in $src ($people people, $posts posts)..." >&2
	"$GEN_COMPANY" -c "$src/gen.conf" -p "$people" -n "$posts" \
	    -g "$groups" -t "$src/tokens.txt" || die "gen-company failed"
	echo "$size_key" >"$src/size"
fi
npeople=$(wc -l <"$src/tokens.txt")
[ "$STREAMS" -le "$npeople" ] || die "STREAMS=$STREAMS but the company has $npeople people"
data=$bench_tmp/run
mkdir -p "$data/db"
echo "copying the company in $src..." >&2
"$PYTHON3" - "$src/db/hearth.db" "$data/db/hearth.db" <<'PY' ||
import sqlite3, sys
src = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=60)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst, pages=65536)
dst.execute("PRAGMA journal_mode = wal")
dst.close()
PY
    die "cannot copy $src/db/hearth.db"
tokens=$src/tokens.txt

port=$(free_port)
conf=$data/hearth.conf
cat >"$conf" <<CONF
listen = 127.0.0.1:$port
data_dir = $data/db
base_url = http://127.0.0.1:$port
web_dir = $HEARTH_WEB
threads = $THREADS
log_level = warn
synchronous = full
max_connections_per_ip = $((STREAMS + 1000))
CONF
start_hearthd "$conf" "$port"
hpid=$started_pid
url=http://127.0.0.1:$port

if [ "$WARM" = 1 ]; then
	echo "warming up: one home timeline and one home page per person..." >&2
	"$PYTHON3" - "$port" "$tokens" <<'PY' || die "warm-up failed"
import sys, http.client, threading
port = int(sys.argv[1])
people = [l.split()[1:3] for l in open(sys.argv[2])]
bad = []
def work(part):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for tok, ses in part:
        c.request("GET", "/api/v1/timelines/home?limit=20",
                  headers={"Authorization": "Bearer " + tok})
        r = c.getresponse(); r.read()
        c.request("GET", "/", headers={"Cookie": "hearth_session=" + ses})
        s = c.getresponse(); s.read()
        if r.status != 200 or s.status != 200:
            bad.append((r.status, s.status))
ts = [threading.Thread(target=work, args=(people[i::8],)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
sys.exit(1 if bad else 0)
PY
fi

count=$((RATE * (secs + 2)))
echo "writing the schedule: 2 x $count posts..." >&2
"$PYTHON3" "$bench_dir/mixed.py" schedule "$data/db/hearth.db" "$tokens" \
    $((count * 2)) "$bench_tmp/schedule" "$ALL_EVERY" || die "mixed.py schedule failed"

echo "opening $STREAMS streams..." >&2
nice -n "$STREAMS_NICE" "$MIXLOAD" streams "$port" "$tokens" "$STREAMS" \
    "$bench_tmp/arrivals" >"$bench_tmp/streams.out" 2>"$bench_tmp/streams.err" &
spid=$!
bench_pids="$spid $bench_pids"
i=0
until grep -q '^ready' "$bench_tmp/streams.out" 2>/dev/null; do
	kill -0 "$spid" 2>/dev/null || { cat "$bench_tmp/streams.err" >&2; die "mixload streams failed"; }
	i=$((i + 1))
	[ $i -lt 1200 ] || die "the streams did not open in 120 s"
	sleep 0.1
done
rss() { awk '/^VmRSS:/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status"; }

# page: one wrk run of the home page; prints report.lua's BENCH line.
page() {
	BENCH_TOKENS=$tokens timeout $((secs + 30)) wrk -t1 -c"$CONNS" -d"$RUN" \
	    --latency -s "$bench_dir/bridge-home.lua" "$url" \
	    >"$bench_tmp/wrk.out" 2>&1 || { cat "$bench_tmp/wrk.out" >&2; die "wrk failed"; }
	sed -n 's/^BENCH //p' "$bench_tmp/wrk.out"
}
show() {	# LABEL "rps p50 p99 max requests errors"
	echo "$2" | awk -v l="$1" '{ printf "%-26s %7.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors\n", l, $1, $2, $3, $4, $6 }'
}

echo "company: $(cat "$src/size" 2>/dev/null || echo ?) ($npeople people) from $src; hearthd threads=$THREADS; $STREAMS streams (nice $STREAMS_NICE); wrk -t1 -c$CONNS -d$RUN; $RATE posts/s; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "hearthd    $(rss "$hpid") with the streams open"
# Each of hearthd's threads' CPU ticks so far, "TID TICKS" a line.
thread_ticks() {
	for t in /proc/"$hpid"/task/*; do
		awk -v t="${t##*/}" '{ print t, $14 + $15 }' "$t/stat"
	done
}

# writes NAME PAGE: the write load from schedule NAME (posts log NAME.log),
# with the home page measured meanwhile if PAGE is 1 (its BENCH line in
# $loaded); hearthd's CPU share while writing is printed.
writes() {
	t0=$(cpu_ticks "$hpid") w0=$(date +%s%N)
	thread_ticks >"$bench_tmp/threads0"
	"$MIXLOAD" post "$port" "$bench_tmp/$1" "$RATE" "$bench_tmp/$1.log" \
	    2>"$bench_tmp/$1.err" &
	ppid=$!
	bench_pids="$ppid $bench_pids"
	if [ -n "${PERF_DIR:-}" ] && [ "$1" = "${PERF_PHASE:-with-page}" ]; then
		# shellcheck disable=SC2086
		perf record ${PERF_CALLS:--g} -o "$PERF_DIR/mixed.data" \
		    -p "$hpid" -- sleep 10 >/dev/null 2>&1 &
	fi
	sleep 1
	if [ "$2" = 1 ]; then
		loaded=$(page)
		show "home page, $RATE posts/s" "$loaded"
	fi
	wait "$ppid" || { sed 5q "$bench_tmp/$1.err" >&2; rc=1; }
	t1=$(cpu_ticks "$hpid") w1=$(date +%s%N)
	thread_ticks >"$bench_tmp/threads1"
	busiest=$(awk 'NR == FNR { a[$1] = $2; next } { d = $2 - a[$1]; if (d > m) m = d } END { print m + 0 }' \
	    "$bench_tmp/threads0" "$bench_tmp/threads1")
	echo "hearthd    $(rss "$hpid"), $(( (t1 - t0) * 100 * 1000 / clk_tck / ((w1 - w0) / 1000000) ))% of a core for the $(( (w1 - w0) / 1000000000 )) s of writing ($1); its busiest thread $(( busiest * 100 * 1000 / clk_tck / ((w1 - w0) / 1000000) ))%"
	sleep "$SETTLE"
}

rc=0
head -n "$count" "$bench_tmp/schedule" >"$bench_tmp/with-page"
tail -n "$count" "$bench_tmp/schedule" >"$bench_tmp/alone"
alone=$(page)
show "home page alone" "$alone"
writes with-page 1
[ "$WRITES_ALONE" = 1 ] && writes alone 0
kill -TERM "$spid"
src_rc=0
wait "$spid" || src_rc=$?
[ -s "$bench_tmp/arrivals" ] || { cat "$bench_tmp/streams.err" >&2; die "mixload streams wrote nothing"; }
for w in with-page alone; do
	[ -s "$bench_tmp/$w.log" ] || continue
	echo "== $w: the writes $( [ $w = alone ] && echo "alone, no page load" || echo "while the page is measured")"
	"$PYTHON3" "$bench_dir/mixed.py" report "$data/db/hearth.db" "$tokens" \
	    "$STREAMS" "$bench_tmp/$w.log" "$bench_tmp/arrivals" || rc=1
done
[ "$src_rc" = 0 ] || { sed 5q "$bench_tmp/streams.err" >&2; rc=1; }
for r in "$alone" "$loaded"; do
	[ "$(echo "$r" | awk '{ print $6 }')" = 0 ] || { echo "wrk saw errors" >&2; rc=1; }
done
exit $rc
