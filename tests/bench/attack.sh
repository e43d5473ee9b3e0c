#!/bin/sh
# attack.sh: a normal client's latency while hearthd is under a connection
# attack, and what the attack costs hearthd in memory. Starts one hearthd
# under an open files limit of NOFILE, then opens SLOW connections that
# each send part of a request head and a byte every 3 s (slowloris) and
# HOLDERS that each announce an 8 MiB POST with no credentials and send a
# byte every 10 s, spread over ADDRS source addresses of 127/8. While they
# hold on, wrk measures /healthz and the signed-in home page; hearthd's
# RSS is read before, during and after.
#
# Environment: SLOW (2000), HOLDERS (300), ADDRS (20), NOFILE (65536, the
# packaged unit's; 1024 is systemd's default), DURATION (wrk, 10s),
# THREADS (hearthd loops, 1: wrk takes the other core), and common.sh's
# HEARTHD HEARTHCTL HEARTH_BUILDDIR HEARTH_WEB BENCH_TMP.
set -eu

. "$(dirname "$0")/common.sh"

: "${SLOW:=2000}"
: "${HOLDERS:=300}"
: "${ADDRS:=20}"
: "${NOFILE:=65536}"
: "${DURATION:=10s}"
: "${THREADS:=1}"

# The attackers need a descriptor each here (the soft limit only: hearthd
# is given its own below).
ulimit -Sn $((SLOW + HOLDERS + 1024)) 2>/dev/null ||
    ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true

bench_need hearthd hearthctl
port=$(free_port)
conf=$(write_conf attack "$port" "$THREADS" "log_level = info")
echo "correct horse battery" |
    "$HEARTHCTL" -c "$conf" user add ada --password-stdin >/dev/null
token=$("$HEARTHCTL" -c "$conf" token create ada)
# hearthd under NOFILE, as systemd would start it (or as close as this
# machine's hard limit allows: hearthd logs what it got).
(ulimit -n "$NOFILE" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
 exec "$HEARTHD" -c "$conf") 2>>"$(dirname "$conf")/hearthd.log" &
pid=$!
bench_pids="$bench_pids $pid"
wait_ready "$port"
grep -E 'open files limit|at most' "$(dirname "$conf")/hearthd.log" | \
    sed 's/^[^ ]* [a-z]* /  hearthd: /'

# A home page worth reading: some posts, and the session cookie.
cookie=$("$PYTHON3" - "$port" "$token" <<'PY'
import http.client, re, sys, urllib.parse
port, token = int(sys.argv[1]), sys.argv[2]
def req(method, path, body=None, headers={}):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data
for i in range(40):
    req("POST", "/api/v1/statuses", urllib.parse.urlencode(
        {"status": "Post %d of the attack benchmark, with #words and "
         "a [link](https://example.com)." % i}),
        {"Authorization": "Bearer " + token,
         "Content-Type": "application/x-www-form-urlencoded"})
r, page = req("GET", "/login")
pre = re.search(r"hearth_csrf=([^;]+)", r.getheader("Set-Cookie")).group(1)
csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
r, _ = req("POST", "/login", urllib.parse.urlencode(
    {"username": "ada", "password": "correct horse battery", "csrf": csrf}),
    {"Cookie": "hearth_csrf=" + pre,
     "Content-Type": "application/x-www-form-urlencoded"})
print(re.search(r"(hearth_session=[^;]+)", r.getheader("Set-Cookie")).group(1))
PY
)

rss() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
echo "  normal client alone:"
h0=$(wrk_run "http://127.0.0.1:$port/healthz" 4 "$DURATION")
p0=$(wrk_run "http://127.0.0.1:$port/" 4 "$DURATION" -H "Cookie: $cookie")
# Measured once the normal client's pages are warm, so that the figures
# are what the attack costs.
before=$(rss "$pid")

# The attack, in the background until told to stop.
"$PYTHON3" - "$port" "$SLOW" "$HOLDERS" "$ADDRS" "$bench_tmp/attacking" <<'PY' &
import os, socket, sys, time
port, slow, holders, addrs, flag = (int(sys.argv[1]), int(sys.argv[2]),
                                    int(sys.argv[3]), int(sys.argv[4]),
                                    sys.argv[5])
head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
post = (b"POST /api/v1/statuses HTTP/1.1\r\nHost: x\r\nContent-Type: "
        b"application/x-www-form-urlencoded\r\nContent-Length: 8388600"
        b"\r\n\r\n" + b"s" * 1024)
socks = []
for i in range(slow + holders):
    s = socket.socket()
    try:
        s.bind(("127.0.%d.%d" % (100 + i % addrs // 250, i % addrs % 250 + 1),
                0))
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        s.send(head if i < slow else post)
        socks.append((s, i < slow))
    except OSError:
        s.close()
open(flag, "w").write("%d\n" % len(socks))
t = 0
while os.path.exists(flag):
    time.sleep(1)
    t += 1
    for s, is_slow in socks:
        if (is_slow and t % 3 == 0) or (not is_slow and t % 10 == 0):
            try:
                s.send(b"a")
            except OSError:
                pass
PY
attacker=$!
bench_pids="$bench_pids $attacker"
i=0
while [ ! -s "$bench_tmp/attacking" ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 2
held=$(ls "/proc/$pid/fd" | wc -l)
during=$(rss "$pid")
echo "  during the attack ($(cat "$bench_tmp/attacking") attack connections open on the client side, hearthd holding $held descriptors):"
h1=$(wrk_run "http://127.0.0.1:$port/healthz" 4 "$DURATION")
p1=$(wrk_run "http://127.0.0.1:$port/" 4 "$DURATION" -H "Cookie: $cookie")
during2=$(rss "$pid")
rm -f "$bench_tmp/attacking"
kill "$attacker" 2>/dev/null || true
wait "$attacker" 2>/dev/null || true
sleep 7
after=$(rss "$pid")

show() {
	echo "$2" | awk -v what="$1" '{ printf "  %-28s %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  errors %d\n", what, $1, $2, $3, $4, $6 }'
}
echo "results (SLOW=$SLOW HOLDERS=$HOLDERS ADDRS=$ADDRS NOFILE=$NOFILE THREADS=$THREADS, wrk -t1 -c4 -d$DURATION):"
show "/healthz, alone" "$h0"
show "/healthz, under attack" "$h1"
show "home page, alone" "$p0"
show "home page, under attack" "$p1"
echo "  hearthd RSS: before $before MB, during $during-$during2 MB, after $after MB"
