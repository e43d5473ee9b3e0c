# common.sh: shared by the benchmark scripts (sourced, not run). Finds or
# builds the binaries, picks free ports, starts servers on 127.0.0.1 and
# stops everything it started on exit.
#
# Environment:
#   HEARTHD HEARTHCTL HELLO   binaries to use (else built in HEARTH_BUILDDIR)
#   HEARTH_BUILDDIR           configured build dir (default: the current one)
#   HEARTH_WEB                web/ dir (default: next to this script)
#   BENCH_TMP                 parent of the scratch dir (default: TMPDIR, /tmp)

bench_dir=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$bench_dir/../.." && pwd)
: "${HEARTH_BUILDDIR:=$(pwd)}"
: "${HEARTH_WEB:=$top_srcdir/web}"
: "${PYTHON3:=python3}"

bench_pids=
bench_tmp=

bench_cleanup() {
	for p in $bench_pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $bench_pids; do
		# bounded: a server that ignores SIGTERM for 5 s gets SIGKILL
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	bench_pids=
	[ -n "$bench_tmp" ] && rm -rf "$bench_tmp"
	bench_tmp=
}
trap 'bench_cleanup' EXIT
trap 'bench_cleanup; exit 130' INT
trap 'bench_cleanup; exit 143' TERM

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# Find the binaries named in "$@" (hearthd hearthctl hello), building those
# not given through the environment.
bench_need() {
	want=
	for b in "$@"; do
		case $b in
		hearthd)   [ -n "${HEARTHD:-}" ] || { HEARTHD=$HEARTH_BUILDDIR/hearthd; want="$want hearthd"; } ;;
		hearthctl) [ -n "${HEARTHCTL:-}" ] || { HEARTHCTL=$HEARTH_BUILDDIR/hearthctl; want="$want hearthctl"; } ;;
		hello)     [ -n "${HELLO:-}" ] || { HELLO=$HEARTH_BUILDDIR/tests/bench/hello; want="$want tests/bench/hello"; } ;;
		esac
	done
	if [ -n "$want" ]; then
		[ -f "$HEARTH_BUILDDIR/Makefile" ] ||
		    die "no Makefile in $HEARTH_BUILDDIR: run from a configured build dir or set HEARTHD/HEARTHCTL/HELLO"
		# shellcheck disable=SC2086
		make -C "$HEARTH_BUILDDIR" -s $want >&2 || die "build failed"
	fi
	command -v wrk >/dev/null 2>&1 || die "wrk is not installed (apt-get install wrk)"
	bench_tmp=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/hearth-bench.XXXXXX")
}

# A free TCP port on 127.0.0.1.
free_port() {
	"$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Wait (up to 10 s) until GET http://127.0.0.1:$1/healthz answers "ok".
wait_ready() {
	"$PYTHON3" - "$1" <<'PY' || die "server on port $1 did not come up"
import sys, time, http.client
port = int(sys.argv[1])
end = time.time() + 10
while time.time() < end:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/healthz")
        r = c.getresponse()
        if r.status == 200 and r.read() == b"ok":
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(1)
PY
}

# start_hello PORT THREADS; the pid is left in started_pid.
start_hello() {
	"$HELLO" "$1" "$2" 2>"$bench_tmp/hello.log" &
	started_pid=$!
	bench_pids="$bench_pids $!"
	wait_ready "$1"
}

# write_conf NAME PORT THREADS [extra "key = value" lines...]; prints the path.
write_conf() {
	name=$1 port=$2 threads=$3
	shift 3
	mkdir -p "$bench_tmp/$name"
	{
		echo "listen = 127.0.0.1:$port"
		echo "data_dir = $bench_tmp/$name/data"
		echo "base_url = http://127.0.0.1:$port"
		echo "web_dir = $HEARTH_WEB"
		echo "threads = $threads"
		echo "log_level = warn"
		for l in "$@"; do
			echo "$l"
		done
	} >"$bench_tmp/$name/hearth.conf"
	echo "$bench_tmp/$name/hearth.conf"
}

# start_hearthd CONF PORT; the pid is left in started_pid.
start_hearthd() {
	"$HEARTHD" -c "$1" 2>>"$(dirname "$1")/hearthd.log" &
	started_pid=$!
	bench_pids="$bench_pids $!"
	wait_ready "$2"
}

# wrk_run URL CONNS DURATION [extra wrk args...]: prints one line
# "rps p50_ms p99_ms max_ms requests errors" (errors: socket errors plus
# non-2xx/3xx answers), through tests/bench/report.lua.
wrk_run() {
	url=$1 conns=$2 dur=$3
	shift 3
	secs=${dur%s}
	timeout $((secs + 30)) wrk -t1 -c"$conns" -d"$dur" --latency \
	    -s "$bench_dir/report.lua" "$@" "$url" >"$bench_tmp/wrk.out" 2>&1 ||
	    { cat "$bench_tmp/wrk.out" >&2; die "wrk failed"; }
	line=$(sed -n 's/^BENCH //p' "$bench_tmp/wrk.out")
	[ -n "$line" ] || { cat "$bench_tmp/wrk.out" >&2; die "wrk printed no summary"; }
	echo "$line"
}

# CPU time a process has used so far, in clock ticks (user + system).
cpu_ticks() {
	# the command name (field 2) has no spaces for our binaries
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)

# company_size SIZE: the people, posts and groups of a generated company
# (gen-company.c) into $people $posts $groups: small (1,000, 50,000, 50),
# full (10,000, 1,000,000, 500) or 100k (100,000, 10,000,000, 5,000);
# PEOPLE, POSTS and GROUP_COUNT override each. $size_key is what a kept
# company's "size" file says: SIZE, or the three numbers if overridden.
company_size() {
	case $1 in
	small) people=1000 posts=50000 groups=50 ;;
	full)  people=10000 posts=1000000 groups=500 ;;
	100k)  people=100000 posts=10000000 groups=5000 ;;
	*) die "SIZE must be small, full or 100k" ;;
	esac
	people=${PEOPLE:-$people} posts=${POSTS:-$posts}
	groups=${GROUP_COUNT:-$groups}
	size_key=$1
	[ -z "${PEOPLE:-}${POSTS:-}${GROUP_COUNT:-}" ] ||
	    size_key="$people-$posts-$groups"
}

# The median of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
	    if (NR == 0) { print "-"; exit }
	    if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
