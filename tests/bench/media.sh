#!/bin/sh
# media.sh: pictures in posts (docs/media.md), in three parts.
#
#   1. A 12-megapixel phone JPEG (make-photo: 4000 x 3000, gradients and
#      noise, about 4.4 MB, EXIF with orientation 6 and a GPS position),
#      made here. On a freshly started hearthd with an empty database:
#      UPLOADS uploads to POST /api/v1/media one at a time (the time from
#      sending to the 200: median and max), then UPLOADS to POST
#      /api/v2/media (the time to the 202, and until GET /api/v1/media/:id
#      says 200, polled every 10 ms). Peak memory: hearthd's VmHWM
#      (/proc/PID/status) before and after the first upload of a fresh
#      hearthd, and of another fresh one before and after 2 uploads sent at
#      once (media.jobs = 2 and the default workers, which on 2 cores is
#      one worker thread, so the two decodes take turns), and of a third
#      with workers = 2, where both decode at once.
#   2. The home page of a copy of COMPANY (SQLite's backup of
#      COMPANY/db/hearth.db: COMPANY is never changed) with threads = 1:
#      wrk -t1 -cCONNS -dDURATION on GET / signed in as random people of
#      PEOPLE (bridge-home.lua; their pages rendered once first, and a
#      WARMUP wrk run, as social.sh warms every page: a cold page costs
#      15-20 ms here, so all 10,000 would take minutes), alone, then while
#      FLOOD (20) uploads of the
#      12 MP JPEG are always in flight (media-upload.py flood; a person
#      each, each finished upload replaced at once). Home p50/p99/req/s of
#      both, and uploads answered per second during the wrk run.
#   3. On the same hearthd, once the uploads of part 2 are done: one
#      person's newest 20 posts get 4 pictures each (80 uploads of
#      1024 x 768 JPEGs through the API, then posts with media_ids[]),
#      another's newest 20 posts the same texts without any; wrk on each
#      one's home page (their own session cookie), and on one thumbnail
#      (/media/NAME, taken from the first person's home page) with that
#      cookie.
# Every part prints its lines as it goes, and a table at the end.
#
# Environment (defaults in brackets):
#   COMPANY [/root/bench-company]  a generated company (gen-company.c,
#                       social.sh with BENCH_DATA): db/hearth.db, tokens.txt
#   PARTS ["1 2 3"]     which parts (3 needs 2's hearthd: it starts it
#                       without the flood when 2 is left out)
#   UPLOADS [10] FLOOD [20] CONNS [50] DURATION [10s] WARMUP [5s]
#   SETTLE [3]          seconds between starting the FLOOD uploads and
#                       the wrk run (SETTLE=0: it sees their arrival too)
#   PEOPLE [2000]       the people whose home pages part 2 loads: every
#                       n-th line of tokens.txt (PEOPLE=all: everyone)
#   THREADS [1]         hearthd loop threads (as the README's home page
#                       figures: wrk needs the other core)
#   WORKERS             hearthd's workers in parts 2 and 3 [hearthd's
#                       default: half the cores]
#   MEDIA_JOBS [2]      media.jobs
#   MAKE_PHOTO          the photo maker (else built in HEARTH_BUILDDIR)
#   REV                 the commit HEARTHD was built from (default: HEAD)
#   HEARTHD HEARTHCTL HEARTH_BUILDDIR: see common.sh
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

: "${COMPANY:=/root/bench-company}" "${PARTS:=1 2 3}" "${UPLOADS:=10}"
: "${FLOOD:=20}" "${CONNS:=50}" "${DURATION:=10s}" "${THREADS:=1}"
: "${MEDIA_JOBS:=2}" "${WORKERS:=}" "${PEOPLE:=2000}" "${WARMUP:=5s}"
: "${SETTLE:=3}"
secs=${DURATION%s}
upload_py=$bench_dir/media-upload.py

bench_need hearthd hearthctl
if [ -z "${MAKE_PHOTO:-}" ]; then
	make -C "$HEARTH_BUILDDIR" -s tests/bench/make-photo >&2 || die "build failed"
	MAKE_PHOTO=$HEARTH_BUILDDIR/tests/bench/make-photo
fi
want() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

hwm_kb() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }
now() { "$PYTHON3" -c 'import time; print("%.4f" % time.time())'; }
# stats: "median max" of the numbers on stdin
stats() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print m, v[NR] }'; }
stop() {	# PID: SIGTERM, and wait (up to 10 s)
	kill "$1" 2>/dev/null || true
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
# REV: what HEARTHD was built from, when it is not this tree's HEAD
rev=${REV:-$(git -C "$top_srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)}
echo "# media: $(date -u +%Y-%m-%dT%H:%MZ), commit $rev, nproc $(nproc)," \
    "load $load0; threads $THREADS, media.jobs $MEDIA_JOBS;" \
    "wrk -t1 -c$CONNS -d$DURATION"

photo=$bench_tmp/photo.jpg
set -- $("$MAKE_PHOTO" "$photo" 4000 3000 1 92 6) || die "make-photo failed"
photo_mb=$(awk -v b="$4" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "photo: 4000 x 3000 JPEG, $photo_mb MiB, EXIF orientation 6 and GPS"
: >"$bench_tmp/table"
row() { printf '%-58s %s\n' "$1" "$2" | tee -a "$bench_tmp/table" >&2; }

# fresh NAME [config lines...]: a hearthd on an empty database, with a
# person "bench" and a token; sets port, pid, token.
fresh() {
	name=$1
	shift
	port=$(free_port)
	conf=$(write_conf "$name" "$port" "$THREADS" "media.jobs = $MEDIA_JOBS" "$@")
	echo "benchpassword-$name" | "$HEARTHCTL" -c "$conf" user add bench \
	    --password-stdin >/dev/null || die "hearthctl user add failed"
	token=$("$HEARTHCTL" -c "$conf" token create bench) ||
	    die "hearthctl token create failed"
	start_hearthd "$conf" "$port"
	pid=$started_pid
}

# ---- 1. one 12 MP picture
if want 1; then
	# memory: one upload on a fresh hearthd; it then does the timings
	fresh mem1
	h0=$(hwm_kb "$pid")
	"$PYTHON3" "$upload_py" concurrent "$port" "$token" "$photo" 1 >/dev/null ||
	    die "upload failed"
	h1=$(hwm_kb "$pid")
	row "VmHWM, 1 upload (fresh hearthd)" "$((h0 / 1024)) -> $((h1 / 1024)) MiB: +$(((h1 - h0) / 1024)) MiB"
	"$PYTHON3" "$upload_py" serial "$port" "$token" "$photo" "$UPLOADS" \
	    >"$bench_tmp/serial" || die "uploads failed"
	set -- $(awk '$1 == "V1" { print $2 * 1000 }' "$bench_tmp/serial" | stats)
	row "POST /api/v1/media -> 200, $UPLOADS one at a time" \
	    "median $(printf '%.0f' "$1") ms, max $(printf '%.0f' "$2") ms"
	set -- $(awk '$1 == "V2" { print $2 * 1000 }' "$bench_tmp/serial" | stats)
	row "POST /api/v2/media -> 202" \
	    "median $(printf '%.0f' "$1") ms, max $(printf '%.0f' "$2") ms"
	set -- $(awk '$1 == "V2" { print $3 * 1000 }' "$bench_tmp/serial" | stats)
	row "  ... until GET /api/v1/media/:id -> 200" \
	    "median $(printf '%.0f' "$1") ms, max $(printf '%.0f' "$2") ms"
	stop "$pid"

	for w in default 2; do
		if [ "$w" = default ]; then fresh mem2; else fresh mem3 "workers = $w"; fi
		h0=$(hwm_kb "$pid")
		set -- $("$PYTHON3" "$upload_py" concurrent "$port" "$token" "$photo" 2) ||
		    die "upload failed"
		h1=$(hwm_kb "$pid")
		row "VmHWM, 2 uploads at once, jobs $MEDIA_JOBS, workers $w" \
		    "$((h0 / 1024)) -> $((h1 / 1024)) MiB: +$(((h1 - h0) / 1024)) MiB (both 200 in $(printf '%.2f' "$3") s)"
		stop "$pid"
	done
fi

# ---- 2. the home page while 20 uploads are in flight
if want 2 || want 3; then
	[ -s "$COMPANY/db/hearth.db" ] && [ -s "$COMPANY/tokens.txt" ] ||
	    die "COMPANY=$COMPANY has no db/hearth.db and tokens.txt (make bench-social BENCH_DATA=$COMPANY makes one)"
	data=$bench_tmp/company
	mkdir -p "$data/db"
	t0=$(now)
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
	if [ "$PEOPLE" = all ]; then
		cp "$data/tokens.txt" "$data/people.txt"
	else
		awk -v n="$PEOPLE" -v all="$(wc -l <"$data/tokens.txt")" \
		    'BEGIN { k = int(all / n); if (k < 1) k = 1 }
		    NR % k == 3 % k && c < n { print; c++ }' \
		    "$data/tokens.txt" >"$data/people.txt"
	fi
	echo "copied $COMPANY in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s" >&2
	port=$(free_port)
	conf=$data/hearth.conf
	{
		echo "listen = 127.0.0.1:$port"
		echo "data_dir = $data/db"
		echo "base_url = http://127.0.0.1:$port"
		echo "web_dir = $HEARTH_WEB"
		echo "threads = $THREADS"
		echo "log_level = warn"
		echo "synchronous = full"
		echo "media.jobs = $MEDIA_JOBS"
		[ -z "$WORKERS" ] || echo "workers = $WORKERS"
	} >"$conf"
	start_hearthd "$conf" "$port"
	pid=$started_pid
	base=http://127.0.0.1:$port
	# Warm up as social.sh does: every person's home page rendered once.
	t0=$(now)
	"$PYTHON3" - "$port" "$data/people.txt" <<'PY'
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
	echo "warmed up $(wc -l <"$data/people.txt") home pages in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s" >&2
fi

# home [DURATION]: wrk on the home page of random people; prints
# report.lua's "rps p50 p99 max requests errors".
home() {
	BENCH_TOKENS=$data/people.txt timeout $((secs + 30)) \
	    wrk -t1 -c"$CONNS" -d"${1:-$DURATION}" --latency \
	    -s "$bench_dir/bridge-home.lua" "$base/" >"$bench_tmp/wrk-home.out" 2>&1 ||
	    { cat "$bench_tmp/wrk-home.out" >&2; die "wrk failed"; }
	sed -n 's/^BENCH //p' "$bench_tmp/wrk-home.out"
}
# show LABEL rps p50 p99 max requests errors
show() {
	row "$1" "$(printf '%.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, errors %s' "$2" "$3" "$4" "$5" "$7")"
	errors=$((${errors:-0} + $7))
}

if want 2; then
	case $WARMUP in 0|0s) ;; *) home "$WARMUP" >/dev/null ;; esac
	set -- $(home)
	show "home page alone (random people)" "$@"
	alone_p99=$3
	h0=$(hwm_kb "$pid")
	c0=$(cpu_ticks "$pid")
	f0=$(now)
	"$PYTHON3" "$upload_py" flood "$port" "$data/tokens.txt" "$photo" \
	    "$FLOOD" "$secs" >"$bench_tmp/flood" 2>&1 &
	flood_pid=$!
	bench_pids="$bench_pids $flood_pid"
	i=0
	while ! grep -q '^READY' "$bench_tmp/flood" && [ $i -lt 300 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	# Let the first FLOOD bodies arrive: the loop reads and parses the
	# 20 x 4.4 MB at once (about a second of a busy loop, p99 ~100 ms),
	# then each replacement as one finishes; wrk measures the latter.
	sleep "$SETTLE"
	w0=$(now)
	set -- $(home)
	w1=$(now)
	c1=$(cpu_ticks "$pid")
	show "home page during $FLOOD uploads in flight" "$@"
	during_p99=$3
	wait "$flood_pid" || { cat "$bench_tmp/flood" >&2; die "the upload flood failed"; }
	t_end=$(now)
	h1=$(hwm_kb "$pid")
	set -- $(awk -v a="$w0" -v b="$w1" -v s="$f0" '$1 == "DONE" { n++; if ($2 >= a && $2 <= b) w++
	    if (!first) first = $2 - s } $1 == "FAILED" { f++ }
	    END { printf "%d %d %d %.2f %.1f\n", w, n, f, w / (b - a), first }' "$bench_tmp/flood")
	row "uploads answered 200 during the wrk run" "$1 ($4/s); the first $5 s after the $FLOOD were sent"
	row "  ... and after it (the $FLOOD in flight at its end)" "$2 in all, $3 failed, the last $(awk -v a="$w1" -v b="$t_end" 'BEGIN { printf "%.0f", b - a }') s after wrk ended"
	row "hearthd during it" "CPU $(awk -v t="$((c1 - c0))" -v hz="$clk_tck" -v a="$w0" -v b="$w1" 'BEGIN { printf "%.0f%%", 100 * t / hz / (b - a + 0.5) }') of a core; VmHWM $((h0 / 1024)) -> $((h1 / 1024)) MiB"
	[ "$3" -eq 0 ] || { grep FAILED "$bench_tmp/flood" | head -3 >&2; die "uploads failed"; }
	awk -v p="$during_p99" 'BEGIN { exit !(p < 10) }' &&
	    verdict="met" || verdict="NOT met"
	row "target: home p99 < 10 ms during the uploads" "$verdict ($(printf '%.2f' "$alone_p99") ms alone, $(printf '%.2f' "$during_p99") ms during)"
fi

# ---- 3. a page of 20 cards with 4 pictures each
if want 3; then
	for i in 1 2 3 4; do
		"$MAKE_PHOTO" "$bench_tmp/small$i.jpg" 1024 768 $((i + 10)) 85 1 >/dev/null ||
		    die "make-photo failed"
	done
	# the texts, the same for both people: 60 to 260 characters
	"$PYTHON3" - >"$bench_tmp/texts" <<'PY'
words = ("the offsite photos are up, here is the whiteboard from the "
         "planning session and the view from the terrace after the "
         "retro, thanks everyone for a great quarter #team").split()
for i in range(20):
    n = 10 + (i * 7) % 33
    print(" ".join(words[(i + k) % len(words)] for k in range(n)))
PY
	# two people from the first hundred (not in part 2's flood, which
	# takes people from the middle of tokens.txt; line 1 is an admin)
	set -- $(sed -n '50p;51p' "$data/tokens.txt")
	a_tok=$2 a_ses=$3 b_tok=$5 b_ses=$6
	"$PYTHON3" "$upload_py" attach "$port" "$a_tok" 20 4 "$bench_tmp/texts" \
	    "$bench_tmp"/small1.jpg "$bench_tmp"/small2.jpg \
	    "$bench_tmp"/small3.jpg "$bench_tmp"/small4.jpg >"$bench_tmp/attach" ||
	    die "posting with pictures failed"
	"$PYTHON3" "$upload_py" attach "$port" "$b_tok" 20 0 "$bench_tmp/texts" \
	    >>"$bench_tmp/attach" || die "posting failed"
	echo "$(sed -n 1p "$bench_tmp/attach"): 20 posts, 80 pictures" >&2
	# the pages: 80 thumbnails on one, none on the other
	"$PYTHON3" - "$port" "$a_ses" "$b_ses" >"$bench_tmp/pages" <<'PY'
import re, sys, http.client
port = int(sys.argv[1])
for ses in sys.argv[2:]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/", headers={"Cookie": "hearth_session=" + ses})
    r = c.getresponse()
    page = r.read().decode()
    thumbs = re.findall(r'<img src="(/media/[^"?]+)"', page)
    print(r.status, len(page), len(thumbs), thumbs[0] if thumbs else "-")
PY
	set -- $(cat "$bench_tmp/pages")
	[ "$1" = 200 ] && [ "$5" = 200 ] || die "a home page did not answer 200"
	[ "$3" -ge 80 ] || die "the first person's home page has $3 thumbnails, not 80"
	[ "$7" -eq 0 ] || die "the second person's home page has $7 thumbnails"
	a_bytes=$2 b_bytes=$6 thumb=$4
	set -- $(wrk_run "$base/" "$CONNS" "$DURATION" -H "Cookie: hearth_session=$a_ses")
	show "home page, 20 cards x 4 pictures ($((a_bytes / 1024)) KiB)" "$@"
	a_rps=$1 a_p99=$3
	set -- $(wrk_run "$base/" "$CONNS" "$DURATION" -H "Cookie: hearth_session=$b_ses")
	show "home page, 20 cards, no pictures ($((b_bytes / 1024)) KiB)" "$@"
	b_rps=$1 b_p99=$3
	row "  with pictures / without" "$(awk -v a="$a_rps" -v b="$b_rps" -v p="$a_p99" -v q="$b_p99" \
	    'BEGIN { printf "req/s x%.2f, p99 x%.2f", a / b, p / q }')"
	tsize=$("$PYTHON3" -c 'import sys, http.client
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
c.request("GET", sys.argv[2], headers={"Cookie": "hearth_session=" + sys.argv[3]})
r = c.getresponse(); b = r.read()
print(len(b) if r.status == 200 else "HTTP%d" % r.status)' "$port" "$thumb" "$a_ses")
	case $tsize in HTTP*) die "GET $thumb: $tsize" ;; esac
	set -- $(wrk_run "$base$thumb" "$CONNS" "$DURATION" -H "Cookie: hearth_session=$a_ses")
	show "GET $(echo "$thumb" | cut -c1-20)... (thumbnail, $((tsize / 1024)) KiB)" "$@"
fi

echo
echo "# load average: $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
cat "$bench_tmp/table"
[ "${errors:-0}" -eq 0 ] || die "wrk reported $errors errors"
