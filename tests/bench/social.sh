#!/bin/sh
# social.sh: the social core under load, on a generated company (see
# gen-company.c): home timelines of random people (API and the HTML home
# page, signed in with a session), new posts with
# synchronous=full, and two-word full-text searches, each with
# wrk -t1 -c50 -d10s against one hearthd on 127.0.0.1; then searches one at
# a time (-c1), for their latency without queueing.
#
# Environment:
#   SIZE=full|small|100k  10,000 people and 1,000,000 posts (default),
#                       1,000 people and 50,000 posts for a quick run, or
#                       100,000 people and 10,000,000 posts (about an hour
#                       to generate); PEOPLE, POSTS, GROUP_COUNT override
#   BENCH_DATA=DIR      keep the generated company in DIR and reuse it on the
#                       next run (generating the full size takes minutes)
#   THREADS=N           hearthd loop threads (default: one per core wrk
#                       leaves free, so cores minus one, at least one; on
#                       two cores a second loop only fights wrk for a core,
#                       which raises throughput a little and p99 a lot)
#   DURATION=10s        each wrk run
#   WORKLOADS="home page post search search1"   which to run (default: all)
#   EXTRA_CONF="key = value"  more hearth.conf lines (e.g. "groups.default ="
#                       to compare with a build from before the company group)
#   HEARTHD HEARTHCTL GEN_COMPANY   binaries (else built in HEARTH_BUILDDIR)
set -eu
. "$(dirname "$0")/common.sh"

SIZE=${SIZE:-full}
cores=$(nproc 2>/dev/null || echo 2)
THREADS=${THREADS:-$(( cores > 1 ? cores - 1 : 1 ))}
DURATION=${DURATION:-10s}
company_size "$SIZE"

bench_need hearthd hearthctl
if [ -z "${GEN_COMPANY:-}" ]; then
	make -C "$HEARTH_BUILDDIR" -s tests/bench/gen-company >&2 || die "build failed"
	GEN_COMPANY=$HEARTH_BUILDDIR/tests/bench/gen-company
fi
data=${BENCH_DATA:-$bench_tmp/company}
mkdir -p "$data/db"
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
${EXTRA_CONF:-}
CONF
# Regenerate for another size, or a file from before sessions were in it.
if [ ! -s "$data/tokens.txt" ] || [ "$(cat "$data/size" 2>/dev/null)" != "$size_key" ] ||
    awk 'NF < 3 { bad = 1 } END { exit !bad }' "$data/tokens.txt"; then
	rm -rf "$data/db"/* "$data/tokens.txt"
	echo "generating a $SIZE company ($people people, $posts posts, $groups groups)..." >&2
	"$GEN_COMPANY" -c "$conf" -p "$people" -n "$posts" -g "$groups" \
	    -t "$data/tokens.txt" || die "gen-company failed"
	echo "$size_key" >"$data/size"
fi
start_hearthd "$conf" "$port"
url=http://127.0.0.1:$port

# Warm up: every person's home feed is built once (hearthd keeps them in
# memory, as a running server would for its active people), and their home
# page rendered once (post cards are cached, as they would be for posts
# people are reading).
echo "warming up: one home timeline and one home page per person..." >&2
"$PYTHON3" - "$port" "$data/tokens.txt" <<'PY'
import sys, http.client, threading
port = int(sys.argv[1])
people = [l.split()[1:3] for l in open(sys.argv[2])]
def work(part):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for tok, ses in part:
        c.request("GET", "/api/v1/timelines/home?limit=20",
                  headers={"Authorization": "Bearer " + tok})
        c.getresponse().read()
        c.request("GET", "/", headers={"Cookie": "hearth_session=" + ses})
        c.getresponse().read()
ts = [threading.Thread(target=work, args=(people[i::8],)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
PY

# run MODE [CONNECTIONS]
run() {
	secs=${DURATION%s}
	BENCH_TOKENS=$data/tokens.txt BENCH_MODE=$1 timeout $((secs + 30)) \
	    wrk -t1 -c"${2:-50}" -d"$DURATION" -s "$bench_dir/social.lua" "$url" \
	    >"$bench_tmp/wrk-$1.out" 2>&1 || { cat "$bench_tmp/wrk-$1.out" >&2; die "wrk failed"; }
	sed -n 's/^RESULT //p' "$bench_tmp/wrk-$1.out"
}

echo "company: $size_key ($people people, $posts posts); hearthd threads=$THREADS; wrk -t1 -c50 -d$DURATION; $(nproc) cores"
# want NAME: whether WORKLOADS (default: all) includes NAME.
want() { case " ${WORKLOADS:-home page post search search1} " in *" $1 "*) return 0 ;; esac; return 1; }
want home && printf '%-28s %s\n' "home timeline (20 posts)" "$(run home)"
want page && printf '%-28s %s\n' "home page HTML (20 posts)" "$(run page)"
want post && printf '%-28s %s\n' "post (synchronous=full)" "$(run post)"
want search && printf '%-28s %s\n' "search (two words)" "$(run search)"
want search1 && printf '%-28s %s\n' "search, one at a time" "$(run search 1)"
true
