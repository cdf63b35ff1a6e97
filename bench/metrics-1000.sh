#!/bin/sh
# SPDX-License-Identifier: MIT
# The sampler at 1000 idle apps: daemon CPU with sampling every 1 s (the default) and every
# 100 ms, against sampling once an hour (no tick in the window); the cost of one /proc scan
# done naively and the daemon's way; `pmc ls` and a /metrics scrape at 1000 apps.
set -eu
. "$(dirname "$0")/lib.sh"

N=${BENCH_APPS:-1000}
SECS=${BENCH_METRICS_SECS:-20}
APP=$(make_sleep_app)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HZ=$(getconf CLK_TCK)
SCAN=$WORK/proc-scan
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -I"$BENCH_DIR/../daemon" -I"$BENCH_DIR/../common" \
	-o "$SCAN" "$BENCH_DIR/proc-scan.c" "$BENCH_DIR/../daemon/procstat.c" \
	"$BENCH_DIR/../common/xmalloc.c" || exit 2

# utime+stime of a pid in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# measure INTERVAL: a fresh daemon with that metrics_interval and N apps; prints its CPU percent
# over SECS seconds in which nothing talks to it.
measure() {
	"$PMC" kill >/dev/null 2>&1 || true
	rm -rf "${PMC_HOME:?}"/*
	printf 'metrics_interval = %s\nmetrics_listen = 127.0.0.1:%s\n' "$1" "$PORT" >"$PMC_HOME/pmcd.conf"
	"$PMC" ping >/dev/null
	python3 "$BENCH_DIR/rpc-start.py" "$PMC_HOME/rpc.sock" "$APP" "$N" >/dev/null
	wait_until 120 online_is "$N" pmc || { echo "bench: $N apps not online in time" >&2; exit 1; }
	_pid=$(pmcd_pid)
	sleep 3 # let the starts settle: the window holds only ticks
	_c0=$(cpu_ticks "$_pid")
	_t0=$(now_ns)
	sleep "$SECS"
	_c1=$(cpu_ticks "$_pid")
	_t1=$(now_ns)
	awk -v c="$((_c1 - _c0))" -v hz="$HZ" -v a="$_t0" -v b="$_t1" \
		'BEGIN { printf "%.2f", c / hz / ((b - a) / 1e9) * 100 }'
}

off=$(measure 1h)
result "metrics-1000 pmcd cpu, $N idle apps, no sampling in the window: ${off}%"
every_second=$(measure 1s)
result "metrics-1000 pmcd cpu, $N idle apps, sampling every 1s: ${every_second}%"
# The apps stay; the same daemon's scan, timed outside it, and the CLI at this size.
result "metrics-1000 one /proc scan ($N apps): $("$SCAN" "$(pmcd_pid)" 50)"
"$PMC" ls >/dev/null
# median_ms CMD...: the median wall time of 30 runs (after 3 warm-ups), in ms.
median_ms() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
ts = []
for i in range(33):
    t = time.monotonic()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
    if i >= 3:
        ts.append((time.monotonic() - t) * 1e3)
ts.sort()
print("median=%.2fms min=%.2fms" % (ts[len(ts) // 2], ts[0]))
PY
}
result "metrics-1000 pmc ls ($N apps): $(median_ms "$PMC" ls)"
result "metrics-1000 GET /metrics ($N apps, $(curl -sf "http://127.0.0.1:$PORT/metrics" | wc -c) bytes): $(median_ms curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics")"
tenth=$(measure 100ms)
result "metrics-1000 pmcd cpu, $N idle apps, sampling every 100ms: ${tenth}%"
