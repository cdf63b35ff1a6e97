#!/bin/sh
# SPDX-License-Identifier: MIT
# Reload under load: an unchanged Node HTTP app with 4 instances under wrk (8 keep-alive
# connections); requests/s, failed requests and p99 while steady, during three reloads in a
# row and during a restart, and the daemon's CPU time meanwhile; pmc, then PM2's cluster mode.
set -eu
. "$(dirname "$0")/lib.sh"
. "$BENCH_DIR/lib-cluster.sh"

SECS=${BENCH_PHASE_SECS:-20}
[ "$SECS" -ge 6 ] || { echo "bench: BENCH_PHASE_SECS must be at least 6" >&2; exit 2; }
# The action starts this long into the load, so the figures hold load before and after it.
LEAD=2
need_wrk
PORT=$(free_port)
APP=$(make_node_app "$PORT")

# timed OUT CMD...: run CMD, output to OUT; prints "SECONDS" or "SECONDS(failed RC)".
timed() {
	_out=$1
	shift
	_t0=$(now_ns)
	_rc=0
	"$@" >>"$_out" 2>&1 || _rc=$?
	_s=$(awk -v a="$_t0" -v b="$(now_ns)" 'BEGIN { printf "%.2fs", (b - a) / 1e9 }')
	[ "$_rc" -eq 0 ] && echo "$_s" || echo "$_s(failed:$_rc)"
}

mgr_cmd() {
	if [ "$MGR" = pmc ]; then "$PMC" "$@"; else pm2 "$@"; fi
}

reload3() {
	_r1=$(timed "$WORK/$MGR-reload.log" mgr_cmd reload app)
	_r2=$(timed "$WORK/$MGR-reload.log" mgr_cmd reload app)
	_r3=$(timed "$WORK/$MGR-reload.log" mgr_cmd reload app)
	echo " reloads=$_r1,$_r2,$_r3"
}

restart1() {
	echo " restart=$(timed "$WORK/$MGR-restart.log" mgr_cmd restart app)"
}

# phase NAME [ACTION]: wrk for SECS seconds; ACTION runs LEAD seconds in; one result line.
phase() {
	_name=$1
	_dpid=$(daemon_pid "$MGR")
	_c0=$(cpu_ticks "$_dpid")
	_t0=$(now_ns)
	wrk_start "$WORK/wrk-$MGR-$_name" "$SECS" 8
	_extra=
	if [ $# -gt 1 ]; then
		sleep "$LEAD"
		_extra=$("$2")
		[ "$(now_ns)" -lt $((_t0 + SECS * 1000000000)) ] ||
			_extra="$_extra (the action outlasted the load)"
	fi
	# Near the end, connections that no longer get answers (wrk itself never counts them).
	sleep_until $((_t0 + (SECS * 1000 - 2500) * 1000000))
	_stalled=$(stalled_conns)
	wrk_wait
	_t1=$(now_ns)
	_c1=$(cpu_ticks "$_dpid")
	result "reload $MGR $_name: $($STATS wrk "$WORK/wrk-$MGR-$_name") stalled_at_end=$_stalled daemon_cpu=$(cpu_share "$_c0" "$_c1" "$_t0" "$_t1")$_extra"
	wait_until 60 online_is 4 "$MGR" || { echo "bench: $MGR: not 4 online after $_name" >&2; exit 1; }
}

run() {
	MGR=$1
	cluster_up "$MGR" "$APP"
	phase steady
	phase reload3 reload3
	phase restart restart1
	cluster_down "$MGR"
}

run pmc
if have_pm2; then
	run pm2
else
	result "reload pm2: skipped (run bench/setup.sh)"
fi
