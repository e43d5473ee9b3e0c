# bridge-common.sh: what bridge-fanout.sh and bridge-inbox.sh share (sourced
# after common.sh): the bridge module and bridge-sink, a module folder
# hearthd accepts, a hearthd config with the bridge, and the sink.
#
# Environment:
#   BRIDGE_SO BRIDGE_SINK   the module and the sink (else built in
#                           HEARTH_BUILDDIR)
#   SINK_NET [127.0.100]    the fake servers are SINK_NET.1 .. SINK_NET.HOSTS
#   HOSTS [200] ACTORS [5]  fake servers, and actors on each
#   SINK_NICE [0]           the sink's nice value (bridge-fanout.sh: 19)

: "${SINK_NET:=127.0.100}" "${HOSTS:=200}" "${ACTORS:=5}" "${SINK_NICE:=0}"
bridge_moddir=

bridge_cleanup() {
	bench_cleanup
	[ -n "$bridge_moddir" ] && rm -rf "$bridge_moddir"
	bridge_moddir=
}
trap 'bridge_cleanup' EXIT
trap 'bridge_cleanup; exit 130' INT
trap 'bridge_cleanup; exit 143' TERM

# Build (or find) bridge.so and bridge-sink; then a module folder with the
# bridge and its templates, somewhere hearthd loads modules from: not under
# /tmp, which anyone may write (docs/modules.md), so under ~/.cache.
bridge_need() {
	want=
	[ -n "${BRIDGE_SO:-}" ] || { BRIDGE_SO=$HEARTH_BUILDDIR/modules/bridge/bridge.so; want="$want modules/bridge/bridge.so"; }
	[ -n "${BRIDGE_SINK:-}" ] || { BRIDGE_SINK=$HEARTH_BUILDDIR/tests/bench/bridge-sink; want="$want tests/bench/bridge-sink"; }
	if [ -n "$want" ]; then
		# shellcheck disable=SC2086
		make -C "$HEARTH_BUILDDIR" -s $want >&2 || die "build failed"
	fi
	mkdir -p -m 700 "$HOME/.cache"
	bridge_moddir=$(mktemp -d "$HOME/.cache/hearth-bench.XXXXXX")
	chmod 755 "$bridge_moddir"
	mkdir -p "$bridge_moddir/modules/bridge"
	cp "$BRIDGE_SO" "$bridge_moddir/modules/bridge.so"
	chmod 644 "$bridge_moddir/modules/bridge.so"
	cp -r "$top_srcdir/modules/bridge/templates" "$bridge_moddir/modules/bridge/"
	chmod -R go-w "$bridge_moddir"
	"$BRIDGE_SINK" keygen "$bench_tmp/sink-key.pem"
}

# bridge_conf_lines PUBLIC_PORT [APPROVAL]: the config lines of the bridge,
# one per line, for write_conf (the public listener on 127.0.0.1).
bridge_conf_lines() {
	printf '%s\n' "modules = bridge" \
	    "module_dir = $bridge_moddir/modules" \
	    "bridge.listen = 127.0.0.1:$1" \
	    "bridge.base_url = http://127.0.0.1:$1" \
	    "bridge.approval = ${2:-desk}" \
	    "bridge.allow_private_addresses = yes"
}

# start_sink [-s]: the fake servers on a free port (sink_port), each with
# ACTORS actors; -s gives them shared inboxes. The pid is in sink_pid.
start_sink() {
	tries=0
	while :; do
		sink_port=$(free_port)
		nice -n "$SINK_NICE" "$BRIDGE_SINK" serve -k "$bench_tmp/sink-key.pem" -p "$sink_port" \
		    -n "$SINK_NET" -H "$HOSTS" -a "$ACTORS" "$@" \
		    >"$bench_tmp/sink.out" 2>>"$bench_tmp/sink.err" &
		sink_pid=$!
		bench_pids="$bench_pids $sink_pid"
		i=0
		while ! grep -q '^ready' "$bench_tmp/sink.out" 2>/dev/null &&
		    kill -0 "$sink_pid" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		grep -q '^ready' "$bench_tmp/sink.out" && return 0
		kill "$sink_pid" 2>/dev/null || true
		tries=$((tries + 1))
		[ $tries -lt 5 ] || { cat "$bench_tmp/sink.err" >&2; die "the sink did not start"; }
	done
}

# sink_get PATH [TIMEOUT]: GET a control path of the sink; prints the body.
sink_get() {
	"$PYTHON3" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read().decode())' \
	    "http://$SINK_NET.1:$sink_port$1" "${2:-30}"
}

# json_field FIELD: one field of the JSON object on stdin.
json_field() {
	"$PYTHON3" -c 'import sys, json; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
