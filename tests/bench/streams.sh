#!/bin/sh
# streams.sh: what idle streaming connections cost. Starts one hearthd,
# opens STREAMS (default 10000) idle /api/v1/streaming/user connections on
# 127.0.0.1 and reports hearthd's resident memory (VmRSS) before and after,
# then checks one event still reaches a stream and SIGTERM ends them all.
#
# Environment: STREAMS (how many), THREADS (hearthd loops, default 4), WS=1
# (WebSocket streams instead of server-sent events), and common.sh's
# HEARTHD HEARTHCTL HEARTH_BUILDDIR HEARTH_WEB BENCH_TMP.
set -eu

. "$(dirname "$0")/common.sh"

: "${STREAMS:=10000}"
: "${THREADS:=4}"
: "${WS:=0}"

# Each stream is a descriptor here and one in hearthd.
ulimit -n $((STREAMS * 2 + 1024)) 2>/dev/null ||
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((STREAMS + 512)) ] &&
    die "ulimit -n is $(ulimit -n): too few descriptors for $STREAMS streams"

for b in HEARTHD:hearthd HEARTHCTL:hearthctl; do
	var=${b%%:*} bin=${b#*:}
	eval "val=\${$var:-}"
	if [ -z "$val" ]; then
		make -C "$HEARTH_BUILDDIR" -s "$bin" >&2 || die "build failed"
		eval "$var=\$HEARTH_BUILDDIR/$bin"
	fi
done
bench_tmp=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/hearth-bench.XXXXXX")

port=$(free_port)
# Every stream comes from 127.0.0.1: lift the cap per address.
conf=$(write_conf streams "$port" "$THREADS" \
    "max_connections_per_ip = $((STREAMS + 100))")
echo "correct horse battery" |
    "$HEARTHCTL" -c "$conf" user add ada --password-stdin >/dev/null
token=$("$HEARTHCTL" -c "$conf" token create ada)
start_hearthd "$conf" "$port"
pid=$started_pid

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

before=$(rss "$pid")
timeout 300 "$PYTHON3" - "$port" "$token" "$STREAMS" "$pid" "$before" "$WS" <<'PY'
import http.client, selectors, socket, sys, time

port, token, n, pid, before, ws = (int(sys.argv[1]), sys.argv[2],
                                    int(sys.argv[3]), sys.argv[4],
                                    int(sys.argv[5]), sys.argv[6] == "1")
req = ("GET /api/v1/streaming/user HTTP/1.1\r\nHost: 127.0.0.1\r\n"
       "Authorization: Bearer %s\r\n\r\n" % token).encode()
ok, event = b"HTTP/1.1 200", b"event: update"
if ws:
    req = ("GET /api/v1/streaming?stream=user HTTP/1.1\r\nHost: 127.0.0.1"
           "\r\nAuthorization: Bearer %s\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
           % token).encode()
    ok, event = b"HTTP/1.1 101", b'"event":"update"'

def rss():
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

socks = []
start = time.monotonic()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(req)
    socks.append(s)
    if len(socks) % 500 == 0:       # keep the accept queue short
        for t in socks[-500:]:
            if not t.recv(4096).startswith(ok):
                sys.exit("a stream was refused")
for t in socks[len(socks) - len(socks) % 500:]:
    if not t.recv(4096).startswith(ok):
        sys.exit("a stream was refused")
opened = time.monotonic() - start
time.sleep(1)
after = rss()
print("streams   %d %s open in %.1f s" % (n, "WebSockets" if ws else
                                          "event streams", opened))
print("rss       before %.1f MB, after %.1f MB" % (before / 1024, after / 1024))
print("per stream %.1f KB (%.1f MB extra for %d)" %
      ((after - before) / n, (after - before) / 1024, n))

# A post still reaches the streams.
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
c.request("POST", "/api/v1/statuses", body="status=hello+streams",
          headers={"Authorization": "Bearer " + token,
                   "Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse()
r.read()
if r.status != 200:
    sys.exit("posting failed: %d" % r.status)
got, deadline = b"", time.monotonic() + 10
socks[-1].settimeout(1)
while event not in got and time.monotonic() < deadline:
    try:
        got += socks[-1].recv(65536)
    except socket.timeout:
        pass
print("event     %s" % ("delivered" if event in got else "NOT delivered"))
if event not in got:
    sys.exit(1)
# Stop hearthd while every stream is still open.
import os, signal
sys.stdout.flush()
t0 = time.monotonic()
os.kill(int(pid), signal.SIGTERM)
while True:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        break
    if time.monotonic() - t0 > 15:
        sys.exit("hearthd still running 15 s after SIGTERM")
    with open("/proc/%s/stat" % pid) as f:
        if f.read().split()[2] == "Z":
            break
    time.sleep(0.02)
print("shutdown  %.2f s after SIGTERM with %d streams open" %
      (time.monotonic() - t0, n))
for s in socks:
    s.close()
PY
wait "$pid" && echo "hearthd   exited 0" || die "hearthd exited $?"
bench_pids=
