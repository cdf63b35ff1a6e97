#!/bin/sh
# SPDX-License-Identifier: MIT
# Daemon memory and responsiveness while 4 apps flood stdout as fast as they can.
set -eu
. "$(dirname "$0")/lib.sh"

W=$(cc_helper log-writer)
SECS=${BENCH_FLOOD_SECS:-5}
APPS=${BENCH_FLOOD_APPS:-4}

# Rotation keeps the disk bounded: several GB/s for seconds would otherwise fill it.
printf 'log_max_size = 64M\nlog_retain = 1\n' >"$PMC_HOME/pmcd.conf"

# ping_ms: one `pmc ping` (fork+exec of the CLI and one round trip), in ms.
ping_ms() {
	_t0=$(now_ns)
	"$PMC" ping >/dev/null
	_t1=$(now_ns)
	ms_between "$_t0" "$_t1"
	echo
}

# summary FILE: "median=X max=Y n=N" of the numbers in FILE.
summary() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		printf "median=%.2fms max=%.2fms n=%d", v[int((NR + 1) / 2)], v[NR], NR }'
}

"$PMC" ping >/dev/null
PID=$(pmcd_pid)
idle_rss=$(rss_line "$PID")
: >"$WORK/ping-idle"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	ping_ms >>"$WORK/ping-idle"
done

# VmRSS every 100 ms until stopped.
(
	while [ -r "/proc/$PID/status" ]; do
		awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status"
		sleep 0.1
	done
) >"$WORK/rss" 2>/dev/null &
BG_PIDS="$BG_PIDS $!"
sampler=$!

i=0
while [ "$i" -lt "$APPS" ]; do
	"$PMC" start "$W" --name "f$i" --no-autorestart -- flood "$SECS" >/dev/null
	i=$((i + 1))
done
wait_until 30 online_is "$APPS" pmc || true

# Pings while the apps write: one every 200 ms or so, until the flood ends.
: >"$WORK/ping-flood"
end=$(($(date +%s) + SECS - 1))
while [ "$(date +%s)" -lt "$end" ]; do
	ping_ms >>"$WORK/ping-flood"
	sleep 0.2
done

wait_until 120 online_is 0 pmc || {
	echo "bench logs-flood-rss: the flooding apps did not stop within 120 s" >&2
	exit 1
}
# Every writer reports its byte count on stderr when done; wait until the daemon wrote them out.
total=0
i=0
while [ "$i" -lt "$APPS" ]; do
	errlog="$PMC_HOME/logs/f$i-error.log"
	wait_until 30 grep -q '^wrote ' "$errlog" || {
		echo "bench logs-flood-rss: no byte count in $errlog" >&2
		exit 1
	}
	total=$((total + $(sed -n 's/^wrote //p' "$errlog")))
	i=$((i + 1))
done
sleep 0.3
kill "$sampler"
wait "$sampler" 2>/dev/null || true
BG_PIDS=
after_rss=$(rss_line "$PID")
max_rss=$(sort -n "$WORK/rss" | tail -n 1)

result "logs-flood-rss: apps=$APPS secs=$SECS" \
	"written=$(awk -v b="$total" 'BEGIN { printf "%.0fMiB", b / 1048576 }')" \
	"rate=$(awk -v b="$total" -v s="$SECS" 'BEGIN { printf "%.0fMiB/s", b / 1048576 / s }')" \
	"max_rss=$(awk -v k="$max_rss" 'BEGIN { printf "%.2fMiB", k / 1024 }') samples=$(wc -l <"$WORK/rss")" \
	"idle_rss=$idle_rss after_rss=$after_rss"
result "logs-flood-rss ping: idle $(summary "$WORK/ping-idle"); flood $(summary "$WORK/ping-flood")"
