# SPDX-License-Identifier: MIT
# Helpers for the cluster benchmarks (sourced after lib.sh): the Node app, a free port, wrk runs
# in the background, and a daemon's CPU time.
# shellcheck shell=sh

WRK_PID=

need_wrk() {
	command -v wrk >/dev/null 2>&1 && return 0
	echo "bench: wrk not found (run bench/setup.sh)" >&2
	exit 2
}

# A loopback port that is free now and lies below the ephemeral range, so that wrk's own
# connections never take it between the pmc and the PM2 half.
free_port() {
	python3 - <<'EOF'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for port in random.sample(range(20000, min(low, 30000)), 200):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        print(port)
        break
    except OSError:
        pass
    finally:
        s.close()
EOF
}

# True when nothing listens on 127.0.0.1:$1 any more.
port_free() {
	python3 -c 'import socket,sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# True when one GET to 127.0.0.1:$1 answers 200.
port_answers() {
	python3 -c 'import http.client,sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=1)
c.request("GET", "/"); sys.exit(c.getresponse().status != 200)' "$1" 2>/dev/null
}

# The app both managers run, unchanged: an HTTP server that answers with its pid after 5 ms,
# no signal or message handler of its own, on a fixed loopback port.
make_node_app() {
	cat >"$WORK/app.js" <<EOF
'use strict';
const http = require('http');
const server = http.createServer((req, res) => {
	setTimeout(() => res.end(process.pid + '\n'), 5);
});
server.listen($1, '127.0.0.1');
EOF
	echo "$WORK/app.js"
}

# wrk_start OUT SECONDS CONNECTIONS [wrk flags]: wrk in the background (2 threads, keep-alive
# unless the flags say otherwise) against the app, counting per pid; output to OUT.
wrk_start() {
	_out=$1 _secs=$2 _conns=$3
	shift 3
	timeout $((_secs + 30)) wrk -t2 -c"$_conns" -d"${_secs}s" --latency \
		-s "$BENCH_DIR/wrk-count.lua" "$@" "http://127.0.0.1:$PORT/" >"$_out" 2>&1 &
	WRK_PID=$!
	BG_PIDS="$BG_PIDS $WRK_PID"
}

# Wait for the wrk started last; forget its pid once reaped, so cleanup never signals a reused one.
wrk_wait() {
	_rc=0
	wait "$WRK_PID" || _rc=$?
	BG_PIDS=$(echo "$BG_PIDS" | sed "s/ $WRK_PID\$//")
	WRK_PID=
	[ "$_rc" -eq 0 ] || { echo "bench: wrk failed ($_rc)" >&2; exit 1; }
}

# stalled_conns: of the load generator's connections to the app, how many received nothing
# during one second; wrk counts a request that is never answered neither as done nor as an
# error. Prints "N/M", or "?" without ss.
stalled_conns() {
	command -v ss >/dev/null 2>&1 || { echo "?"; return; }
	python3 - "$PORT" <<'PY'
import re, subprocess, sys, time
def snap():
    out = subprocess.run(["ss", "-tniH", "state", "established",
                          "( dport = :%s )" % sys.argv[1]], capture_output=True, text=True).stdout
    conns, key = {}, None
    for line in out.splitlines():
        if not line[:1].isspace():
            key = line.split()[2]  # the local address:port, the client's side
        elif key:
            m = re.search(r"bytes_received:(\d+)", line)
            conns[key] = int(m.group(1)) if m else 0
    return conns
a = snap()
time.sleep(1)
b = snap()
both = [k for k in a if k in b]
print("%d/%d" % (sum(1 for k in both if a[k] == b[k]), len(both)))
PY
}

# sleep_until NS: sleep until now_ns reaches NS (at once when it has).
sleep_until() {
	sleep "$(awk -v t="$1" -v n="$(now_ns)" 'BEGIN { d = (t - n) / 1e9; printf "%.3f", (d > 0 ? d : 0) }')"
}

# utime + stime of a process, in clock ticks (the comm field may hold spaces: skip past ')').
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# cpu_share TICKS0 TICKS1 NS0 NS1: "S s(P%)", CPU seconds and the share of one core.
cpu_share() {
	awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { s = (b - a) / hz; printf "%.2fs(%.1f%%)", s, 100 * s / ((t1 - t0) / 1e9) }'
}

# The pid of the daemon of manager $1 (pmc or pm2).
daemon_pid() {
	if [ "$1" = pmc ]; then pmcd_pid; else pm2_daemon_pid; fi
}

# instance_pids pmc|pm2: pids of the online instances of "app".
instance_pids() {
	if [ "$1" = pmc ]; then "$PMC" jlist >"$WORK/jl" 2>/dev/null; else pm2 jlist >"$WORK/jl" 2>/dev/null; fi
	$STATS pids "$WORK/jl" app
}

# cluster_up pmc|pm2 APP: start APP with 4 instances and wait until all are online and answering.
cluster_up() {
	if [ "$1" = pmc ]; then
		"$PMC" ping >/dev/null
		"$PMC" start "$2" -i 4 >/dev/null
	else
		pm2 ping >/dev/null 2>&1
		pm2 start "$2" -i 4 >/dev/null
	fi
	if ! { wait_until 60 online_is 4 "$1" && wait_until 30 port_answers "$PORT"; }; then
		echo "bench: $1: 4 instances not online and answering within 90 s" >&2
		exit 1
	fi
}

# cluster_down pmc|pm2: stop the manager and wait until the port is free again.
cluster_down() {
	if [ "$1" = pmc ]; then
		timeout 60 "$PMC" kill >/dev/null 2>&1
	else
		timeout 60 "$PM2_BIN" kill >/dev/null 2>&1
	fi
	wait_until 30 port_free "$PORT" || { echo "bench: port $PORT still busy after $1 kill" >&2; exit 1; }
}
